/*
 * rdp — the Remote Desktop Protocol connection sequence on TCP 3389, as
 * Suricata 8 parses it (rust/src/rdp/): TPKT (T.123) framing, the X.224
 * Connection Request (the "Cookie: mstshash=" routing cookie and the
 * RDP_NEG_REQ flags and requested protocols), the X.224 Connection
 * Confirm (RDP_NEG_RSP: server flags and selected protocol, or
 * RDP_NEG_FAILURE), the MCS Connect Initial (GCC conference create
 * request) with its Client Core Data (version, desktop size, colour depth,
 * keyboard, client build and name, product id, early capabilities, ...)
 * and Client Network Data (channel names), and the MCS Connect Response.
 * Each is one transaction, in the order parsed, made by the direction it
 * travelled (Suricata's unidirectional transactions).
 *
 * TLS upgrade: when the server selects TLS or CredSSP (hybrid) the bytes
 * after the confirm are a TLS handshake; a direction whose next bytes are
 * not a TPKT but start a TLS handshake record switches to TLS records
 * (rdp_tls_started()).  The server's Certificate message makes a
 * tls_handshake transaction (the certificates' serial numbers), and the
 * parser then stops for good (rdp_bypassed()): what follows is encrypted.
 * With standard RDP security the MCS Connect Response ends parsing the
 * same way.
 *
 * On odd input it behaves as Suricata: a TPKT that is neither an X.224
 * class 0 request / confirm nor a data TPDU carrying MCS connect is
 * skipped; bytes that are neither a TPKT nor a TLS record are a parse
 * error (parsing of the flow ends); a complete TPKT whose content is cut
 * short where Suricata's streaming parser would wait for more makes the
 * direction wait for ever (rdp_stalled(): nothing more is parsed in that
 * direction).  A gap is a parse error.
 *
 * Memory a flow can make the parser hold is bounded: one partial TPKT or
 * TLS record per direction (at most RDP_BUF_MAX bytes), RDP_MAX_TX live
 * transactions (the oldest is dropped beyond), RDP_MAX_CHILDREN client
 * data blocks and RDP_MAX_CHANNELS channel names kept per connect
 * request, RDP_MAX_CERTS certificate serials of at most RDP_MAX_SERIAL
 * bytes.  Nothing is read past the length handed to rdp_parse().
 */
#ifndef VIGIL_APP_RDP_H
#define VIGIL_APP_RDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define RDP_MAX_TX 64
#define RDP_TLS_RECORD_MAX (16384u + 2048u) /* largest TLS record accepted */
#define RDP_BUF_MAX (65535u + 5u)	    /* a whole TPKT or TLS record */
#define RDP_MAX_CHILDREN 8		    /* client core / network data blocks kept */
#define RDP_MAX_CHANNELS 64
#define RDP_MAX_CERTS 16
#define RDP_MAX_SERIAL 64

enum rdp_tx_type {
	RDP_TX_INITIAL_REQUEST,	 /* X.224 Connection Request (client) */
	RDP_TX_INITIAL_RESPONSE, /* X.224 Connection Confirm (server) */
	RDP_TX_CONNECT_REQUEST,	 /* MCS Connect Initial (client) */
	RDP_TX_CONNECT_RESPONSE, /* MCS Connect Response (server) */
	RDP_TX_TLS_HANDSHAKE,	 /* the server's TLS certificate chain */
};

/* RDP_NEG_REQ flags */
enum {
	RDP_NEGREQ_RESTRICTED_ADMIN = 0x1,
	RDP_NEGREQ_REDIRECTED_AUTH = 0x2,
	RDP_NEGREQ_CORRELATION_INFO = 0x8,
};
/* RDP_NEG_RSP flags */
enum {
	RDP_NEGRSP_EXTENDED_CLIENT_DATA = 0x1,
	RDP_NEGRSP_DYNVC_GFX = 0x2,
	RDP_NEGRSP_RESERVED = 0x4,
	RDP_NEGRSP_RESTRICTED_ADMIN = 0x8,
	RDP_NEGRSP_REDIRECTED_AUTH = 0x10,
};
/* protocols (requested: a bit set; selected: one value) */
enum {
	RDP_PROTO_RDP = 0x0,
	RDP_PROTO_SSL = 0x1,
	RDP_PROTO_HYBRID = 0x2,
	RDP_PROTO_RDSTLS = 0x4,
	RDP_PROTO_HYBRID_EX = 0x8,
};

enum rdp_neg { RDP_NEG_NONE, RDP_NEG_RESPONSE, RDP_NEG_FAILURE };

/* Optional Client Core Data fields, in wire order: each is present only
 * when every one before it is (rdp_client_core.n_opt counts them). */
enum {
	RDP_OPT_POST_BETA2_COLOR = 1,
	RDP_OPT_PRODUCT_ID,
	RDP_OPT_SERIAL,
	RDP_OPT_HIGH_COLOR,
	RDP_OPT_SUPPORTED_COLOR,
	RDP_OPT_EARLY_CAPS,
	RDP_OPT_DIG_PRODUCT_ID,
	RDP_OPT_CONNECTION_TYPE,
	RDP_OPT_PAD,
	RDP_OPT_SERVER_PROTOCOL,
	RDP_OPT_PHYSICAL_WIDTH,
	RDP_OPT_PHYSICAL_HEIGHT,
	RDP_OPT_ORIENTATION,
	RDP_OPT_DESKTOP_SCALE,
	RDP_OPT_DEVICE_SCALE,
};

/* TS_UD_CS_CORE (MS-RDPBCGR 2.2.1.3.2); strings decoded to UTF-8. */
struct rdp_client_core {
	uint32_t version;
	uint16_t desktop_width, desktop_height;
	uint16_t color_depth;
	uint16_t sas_sequence;
	uint32_t keyboard_layout;
	uint32_t client_build;
	char client_name[16 * 3 + 1];
	uint32_t keyboard_type, keyboard_subtype, function_keys;
	char ime_file_name[32 * 3 + 1];
	uint8_t n_opt; /* optional fields present (RDP_OPT_*) */
	uint16_t post_beta2_color_depth;
	uint16_t product_id;
	uint32_t serial_number;
	uint16_t high_color_depth;
	uint16_t supported_color_depths;
	uint16_t early_capability_flags;
	char dig_product_id[32 * 3 + 1];
	uint8_t connection_type;
	uint32_t server_selected_protocol;
	uint32_t physical_width, physical_height;
	uint16_t orientation;
	uint32_t desktop_scale, device_scale;
};

/* A client data block kept from the connect request: core or network. */
struct rdp_cs_block {
	bool core; /* else network (channels) */
	struct rdp_client_core c;
	uint32_t n_channels;
	char channels[RDP_MAX_CHANNELS][9];
};

struct rdp_tx {
	uint64_t tx_id; /* 0, 1, ...; Suricata logs tx_id + 1 */
	enum app_dir dir;
	enum rdp_tx_type type;
	/* initial_request */
	bool has_cookie;
	char cookie[256]; /* mstshash value (UTF-8, at most 248 bytes by the X.224 length) */
	bool has_neg_req;
	uint8_t neg_req_flags;
	uint32_t requested_protocols;
	/* initial_response */
	enum rdp_neg neg;
	uint8_t neg_flags;
	uint32_t selected_protocol;
	uint32_t failure_code;
	/* connect_request */
	uint32_t n_blocks;
	struct rdp_cs_block *blocks;
	/* tls_handshake */
	uint32_t n_certs;
	uint8_t serial_len[RDP_MAX_CERTS];
	uint8_t serial[RDP_MAX_CERTS][RDP_MAX_SERIAL];
};

struct rdp_state;

/* Suricata's probe: the first byte is a TPKT version (3). */
enum app_probe_result rdp_probe(const uint8_t *d, uint32_t n);

struct rdp_state *rdp_state_new(void);
void rdp_state_free(struct rdp_state *s);
enum app_parse_result rdp_parse(struct rdp_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags);

bool rdp_tls_started(const struct rdp_state *s); /* a direction switched to TLS */
bool rdp_bypassed(const struct rdp_state *s);	 /* parsing is over (encrypted) */
bool rdp_stalled(const struct rdp_state *s, enum app_dir dir);

uint64_t rdp_tx_total(const struct rdp_state *s);
const struct rdp_tx *rdp_tx_get(const struct rdp_state *s, uint64_t tx_id);
void rdp_tx_release_upto(struct rdp_state *s, uint64_t tx_id); /* frees ids < tx_id */

/* ---- names (Suricata's output strings) ---- */
const char *rdp_lcid_name(uint32_t lcid); /* "en-US", NULL when unknown */
/* "Windows 8.1", "Windows 7 SP1", ... into buf; false when unknown. */
bool rdp_build_name(uint32_t build, char *buf, size_t len);
/* "v5", "v10.7", NULL when unknown */
const char *rdp_version_name(uint32_t version);
/* colour depth in bits from the three fields, 0 when none says */
unsigned rdp_color_depth(const struct rdp_client_core *c);

/* ---- EVE ---- */
/* Suricata 8's `"rdp":{...}` object. */
void rdp_tx_log_json(struct json *j, const struct rdp_tx *tx);

#endif
