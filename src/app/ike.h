/*
 * ike.h — IKE v1 (ISAKMP) and IKEv2 over UDP 500, as Suricata 8
 * parses it (rust/src/ike/): one transaction per message, with its
 * header (SPIs, version, exchange type, flags, message id) and the
 * payload types it carries; for IKEv1 the SA proposals' transforms and
 * their attributes, the key exchange data, the nonce and the vendor ids,
 * kept also per side of the flow (the client's and the server's latest),
 * as Suricata's EVE logs them; for IKEv2 the initiator/responder role.
 *
 * Bounds: IKE_MAX_TRANSFORMS transforms of IKE_MAX_ATTRS attributes per
 * message, IKE_MAX_VENDORS vendor ids, key exchange and nonce data up to
 * IKE_MAX_DATA bytes, IKE_MAX_TXS live transactions per flow (the oldest
 * go); payload chains are read within the datagram only.
 */
#ifndef VIGIL_APP_IKE_H
#define VIGIL_APP_IKE_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define IKE_MAX_TRANSFORMS 16
#define IKE_MAX_ATTRS 16
#define IKE_MAX_VENDORS 16
#define IKE_MAX_DATA 1024
#define IKE_MAX_TXS 64
#define IKE_MAX_PAYLOAD_TYPES 24

/* Suricata's IkeEvent names; the IKEv2 ones from its checks of every
 * proposal's transforms. */
enum ike_event {
	IKE_EV_MALFORMED_DATA,
	IKE_EV_NO_ENCRYPTION,
	IKE_EV_WEAK_CRYPTO_ENC,
	IKE_EV_WEAK_CRYPTO_PRF,
	IKE_EV_WEAK_CRYPTO_DH,
	IKE_EV_WEAK_CRYPTO_AUTH,
	IKE_EV_WEAK_CRYPTO_NO_DH,
	IKE_EV_WEAK_CRYPTO_NO_AUTH,
	IKE_EV_INVALID_PROPOSAL,
	IKE_EV_UNKNOWN_PROPOSAL,
	IKE_EV_PAYLOAD_EXTRA_DATA,
	IKE_EV_MULTIPLE_SERVER_PROPOSAL,
	IKE_EV_COUNT,
};
extern const char *const ike_event_names[IKE_EV_COUNT];

struct ike_attr {
	uint16_t type;	     /* 1 encryption ... 16 group order */
	uint16_t value;	     /* TV format: the value; else the length */
	bool tv;	     /* short (type/value) format */
	bool has_numeric;    /* TV, or a 4-byte variable value */
	uint32_t numeric;
	uint8_t var[32];     /* other variable values (hex in EVE), cut */
	uint8_t var_len;
};

struct ike_transform {
	struct ike_attr attrs[IKE_MAX_ATTRS];
	uint8_t n;
};

struct ike_data {
	uint8_t *p;
	uint32_t len;
};

struct ike_state;

struct ike_tx {
	uint64_t id;
	enum app_dir dir;
	const struct ike_state *state; /* for the flow's chosen transform */
	uint8_t version; /* 1 or 2 */
	uint8_t init_spi[8], resp_spi[8];
	char init_hex[17], resp_hex[17]; /* as rules and EVE see them */
	uint8_t maj_ver, min_ver, exch_type, flags;
	uint32_t msg_id;
	uint8_t payload_types[IKE_MAX_PAYLOAD_TYPES];
	uint8_t n_payload_types;
	bool encrypted;
	struct ike_transform transforms[IKE_MAX_TRANSFORMS];
	uint8_t n_transforms;
	struct ike_data ke, nonce;
	bool has_ke, has_nonce;
	char vendors[IKE_MAX_VENDORS][2 * 32 + 1];
	uint8_t n_vendors;
	uint16_t notify[IKE_MAX_PAYLOAD_TYPES]; /* IKEv2 notify message types */
	uint8_t n_notify;
	uint32_t events;
};

/* What a side of the flow sent last (IKEv1), as Suricata keeps it. */
struct ike_side {
	struct ike_data ke, nonce;
	uint64_t nb_transforms;
	struct ike_transform transform; /* the first one */
};

struct ike_state {
	struct ike_tx *txs[IKE_MAX_TXS];
	uint32_t n_txs;
	uint64_t next_id;
	bool has_doi;
	uint32_t doi;
	struct ike_side client, server;
	/* IKEv2: the responder's chosen transforms (Suricata's defaults:
	 * ENCR_NULL, NONE, PRF_NULL, no DH, no ESN) */
	uint16_t v2_enc, v2_auth, v2_prf, v2_dh, v2_esn;
};

struct ike_state *ike_state_new(void);
void ike_state_free(struct ike_state *s);
enum app_parse_result ike_parse(struct ike_state *s, enum app_dir dir, const uint8_t *d,
				uint32_t n);
uint64_t ike_tx_count(const struct ike_state *s);
const struct ike_tx *ike_tx_get(const struct ike_state *s, uint64_t id);
enum app_probe_result ike_probe(const uint8_t *d, uint32_t n);
/* An attribute type by Suricata's name ("alg_hash", "sa_life_duration"); -1 unknown. */
int ike_attr_by_name(const char *name);
const char *ike_attr_name(uint16_t type);

struct json;
void ike_tx_log_json(struct json *j, const struct ike_state *s, const struct ike_tx *tx);

#endif
