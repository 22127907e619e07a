/*
 * tls-internal.h — the layout of a TLS flow state, shared by the parser
 * (tls.c), certificate reading (tls-cert.c), fingerprints (tls-ja.c) and
 * the EVE writer (tls-log.c).  Nothing outside src/app/tls*.c includes it.
 */
#ifndef VIGIL_APP_TLS_INTERNAL_H
#define VIGIL_APP_TLS_INTERNAL_H

#include "app/tls.h"

/* What one side said in its hello. */
struct tls_hello {
	bool seen;
	uint16_t version; /* legacy_version (SSLv2: the version it offers) */
	bool has_random;
	uint8_t random[32];
	uint8_t session_id[32];
	uint8_t session_id_len;
	uint16_t *ciphers; /* server: the one selected */
	uint32_t n_ciphers;
	uint16_t *exts;
	uint32_t n_exts;
	uint16_t *groups;
	uint32_t n_groups;
	uint8_t *pformats;
	uint32_t n_pformats;
	uint16_t *sigalgs;
	uint32_t n_sigalgs;
	uint16_t *versions; /* supported_versions (server: the selected one) */
	uint32_t n_versions;
	uint8_t *alpn; /* the protocol_name_list as sent: len-prefixed names */
	uint32_t alpn_len;
};

struct tls_chain {
	struct tls_cert certs[TLS_MAX_CERTS];
	uint32_t n;
};

enum tls_dir_mode {
	TLS_MODE_START = 0, /* nothing seen yet */
	TLS_MODE_TLS,	    /* TLS record layer */
	TLS_MODE_SSL2,	    /* SSLv2 two-byte record headers */
	TLS_MODE_DEAD,	    /* framing lost: ignore the rest */
};

/* Per direction: record framing and handshake reassembly. */
struct tls_dir {
	enum tls_dir_mode mode;
	uint8_t hdr[5]; /* record header being collected */
	uint8_t hdr_len;
	uint8_t rec_type;
	uint16_t rec_version;
	uint16_t first_rec_version;
	uint32_t rec_left; /* body bytes of the current record still to come */
	uint32_t rec_full; /* body length of the current record */
	uint8_t peek[3];   /* leading body bytes of an alert / heartbeat */
	uint8_t peek_len;
	uint32_t hb_pending; /* length of a heartbeat not yet answered, 0 if none */
	bool in_record;
	bool encrypted;
	bool quiet; /* dead after a gap in ciphertext: nothing was lost */
	bool ccs_seen;
	uint64_t records;
	/* handshake message reassembly */
	uint8_t *hs;
	uint32_t hs_len, hs_cap;
	uint32_t hs_skip; /* bytes of an oversized message still to drop */
	/* SSLv2 record body collected (hellos are small) */
	uint8_t *v2;
	uint32_t v2_len, v2_need;
};

struct tls_state {
	struct tls_dir dir[2];
	struct tls_hello client, server;
	char *sni;
	uint32_t sni_len;
	uint16_t negotiated;
	uint32_t flags; /* TLS_STATE_* */
	uint64_t events;
	struct tls_chain chain[2]; /* [APP_TOCLIENT] = server's */
	char *ja3, *ja3s;
	char ja3_hash[33], ja3s_hash[33];
	char ja4[40];
	bool has_ja4;
};

void tls_set_event(struct tls_state *s, enum tls_event ev);

/* tls-cert.c: parses a Certificate message body into chain[dir]; false
 * when its first certificate is not X.509 (the handshake is broken). */
bool tls_cert_message(struct tls_state *s, enum app_dir dir, const uint8_t *p, uint32_t len,
		      bool tls13);
void tls_chain_free(struct tls_chain *c);

/* tls-ja.c: fingerprints from the parsed hellos. */
void tls_ja_client(struct tls_state *s);
void tls_ja_server(struct tls_state *s);
void tls_ja4_compute(struct tls_state *s);
bool tls_is_grease(uint16_t v);

#endif
