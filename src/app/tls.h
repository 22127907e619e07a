/*
 * tls — the TLS (and SSLv2-compatible hello) parser: one state per flow,
 * fed with the in-order reassembled bytes of each direction in any split.
 *
 * What it sees: the record layer (headers may straddle calls; record
 * bodies are never buffered whole), handshake messages (reassembled across
 * records into a bounded per-direction buffer), ClientHello, ServerHello
 * (HelloRetryRequest recognised), Certificate (chain parsed with libcrypto),
 * ChangeCipherSpec, alerts, heartbeats.  Once a direction is encrypted
 * (after its ChangeCipherSpec, application data, or everything after a
 * TLS 1.3 ServerHello) its records are only counted.  TLS 1.3 certificates
 * are encrypted and therefore absent.
 *
 * A flow has one transaction, the handshake, so the state itself is what
 * detection inspects and what EVE logs.  Memory a flow can make the parser
 * hold is bounded: TLS_HS_MAX bytes of handshake reassembly per direction,
 * TLS_MAX_CERTS certificates, TLS_MAX_LIST entries per hello list.
 * Nothing is read past the length handed to tls_parse().
 */
#ifndef VIGIL_APP_TLS_H
#define VIGIL_APP_TLS_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define TLS_HS_MAX (256u * 1024u) /* largest handshake message reassembled */
#define TLS_MAX_CERTS 16	  /* certificates kept per chain */
#define TLS_MAX_LIST 1024	  /* ciphers / extensions / groups kept */

/* Protocol version numbers as on the wire (SSLv2 is 0x0002). */
enum {
	TLS_V_SSL2 = 0x0002,
	TLS_V_SSL3 = 0x0300,
	TLS_V_10 = 0x0301,
	TLS_V_11 = 0x0302,
	TLS_V_12 = 0x0303,
	TLS_V_13 = 0x0304,
};

/* App-layer events, named as Suricata's tls-events.rules (lower case). */
/* Frame types (app/frame.h), Suricata's TlsFrameTypes order. */
enum tls_frame {
	TLS_FRAME_PDU,
	TLS_FRAME_HDR,
	TLS_FRAME_DATA,
	TLS_FRAME_ALERT,
	TLS_FRAME_HEARTBEAT,
	TLS_FRAME_SSL2_HDR,
	TLS_FRAME_SSL2_PDU,
	TLS_FRAME_COUNT,
};

enum tls_event {
	TLS_EV_INVALID_SSLV2_HEADER,
	TLS_EV_INVALID_TLS_HEADER,
	TLS_EV_INVALID_RECORD_VERSION,
	TLS_EV_INVALID_RECORD_TYPE,
	TLS_EV_INVALID_HANDSHAKE_MESSAGE,
	TLS_EV_INVALID_CERTIFICATE,
	TLS_EV_CERTIFICATE_INVALID_LENGTH,
	TLS_EV_ERROR_MESSAGE_ENCOUNTERED,
	TLS_EV_INVALID_SSL_RECORD,
	TLS_EV_HEARTBEAT_MESSAGE,
	TLS_EV_OVERFLOW_HEARTBEAT_MESSAGE,
	TLS_EV_INVALID_HEARTBEAT_MESSAGE,
	TLS_EV_DATALEAK_HEARTBEAT_MISMATCH,
	TLS_EV_MULTIPLE_SNI_EXTENSIONS,
	TLS_EV_INVALID_SNI_TYPE,
	TLS_EV_INVALID_SNI_LENGTH,
	TLS_EV_HANDSHAKE_INVALID_LENGTH,
	TLS_EV_TOO_MANY_RECORDS_IN_PACKET,
	TLS_EV_CERTIFICATE_INVALID_VERSION,
	TLS_EV_CERTIFICATE_INVALID_SERIAL,
	TLS_EV_CERTIFICATE_INVALID_ALGORITHMIDENTIFIER,
	TLS_EV_CERTIFICATE_INVALID_X509NAME,
	TLS_EV_CERTIFICATE_INVALID_DATE,
	TLS_EV_CERTIFICATE_INVALID_EXTENSIONS,
	TLS_EV_CERTIFICATE_INVALID_DER,
	TLS_EV_CERTIFICATE_INVALID_SUBJECT,
	TLS_EV_CERTIFICATE_INVALID_ISSUER,
	TLS_EV_CERTIFICATE_INVALID_VALIDITY,
	TLS_EV_INVALID_ALERT_MESSAGE,
	TLS_EV_COUNT
};

/* Bits of tls_ssl_state(), as the ssl_state keyword names them. */
enum {
	TLS_STATE_CLIENT_HELLO = 1 << 0,
	TLS_STATE_SERVER_HELLO = 1 << 1,
	TLS_STATE_CLIENT_KEYX = 1 << 2,
	TLS_STATE_SERVER_KEYX = 1 << 3,
	TLS_STATE_UNKNOWN = 1 << 4, /* a handshake type the parser does not know */
	/* beyond ssl_state: */
	TLS_STATE_CERT = 1 << 5,	    /* a server Certificate was parsed */
	TLS_STATE_HELLO_RETRY = 1 << 6,	    /* the server sent a HelloRetryRequest */
	TLS_STATE_ENCRYPTED_TS = 1 << 7,    /* to-server records are encrypted */
	TLS_STATE_ENCRYPTED_TC = 1 << 8,    /* to-client records are encrypted */
	TLS_STATE_SESSION_RESUMED = 1 << 9, /* server echoed the client's session id */
};

/* One parsed certificate of a chain.  Strings are NUL-terminated; a field
 * that could not be read is NULL (and an event is set). */
struct tls_cert {
	uint8_t *der;
	uint32_t der_len;
	/* Names may hold NUL bytes (a certificate can say anything): use the
	 * lengths; the strings are NUL-terminated as well for convenience. */
	char *subject; /* "C=US, O=..., CN=..." in DER order */
	uint32_t subject_len;
	char *issuer; /* same form */
	uint32_t issuer_len;
	char *serial;	      /* "03:DE:23:..." upper-case hex of the DER integer */
	char fingerprint[60]; /* SHA-1 of the DER, "8d:97:...", lower case */
	int64_t notbefore;    /* epoch seconds, 0 when absent */
	int64_t notafter;
	char **sans; /* dNSName subject alternative names */
	uint32_t *san_lens;
	uint32_t n_sans;
};

struct tls_state;

struct tls_state *tls_state_new(void);
void tls_state_free(struct tls_state *s);

/*
 * Feeds the next `len` bytes of direction `dir`.  flags: APP_CHUNK_GAP
 * (data was lost before this chunk: records can no longer be delimited, so
 * the direction stops being parsed) and APP_CHUNK_EOF.  Returns
 * APP_PARSE_ERROR when the bytes cannot be TLS (a record with no TLS /
 * SSLv2 shape) or a gap hit the plaintext handshake; the caller should
 * stop feeding that direction.  A gap once the direction is encrypted
 * loses nothing the parser keeps and returns APP_PARSE_OK (then and
 * after).
 */
enum app_parse_result tls_parse(struct tls_state *s, enum app_dir dir, const uint8_t *data,
				uint32_t len, uint32_t flags);

/* ---- Events ---- */
bool tls_has_event(const struct tls_state *s, enum tls_event ev);
uint64_t tls_events(const struct tls_state *s); /* bit (1 << ev) per event set */
const char *tls_event_name(enum tls_event ev);	/* "invalid_record_type" */
extern const char *const tls_event_names[]; /* TLS_EV_COUNT names */
int tls_event_by_name(const char *name);	/* enum value, or -1 */

/* ---- Handshake progress ---- */
uint32_t tls_ssl_state(const struct tls_state *s); /* TLS_STATE_* bits */
bool tls_client_hello_done(const struct tls_state *s);
bool tls_server_hello_done(const struct tls_state *s);
bool tls_encrypted(const struct tls_state *s, enum app_dir dir);
/* The handshake is over: both directions are encrypted (the point at which
 * Suricata logs the tls event). */
bool tls_handshake_done(const struct tls_state *s);
/* Whether a tls event has anything to say, as Suricata decides: the server
 * certificate's subject and issuer were read, or the session was resumed,
 * or a handshake with no certificate to see (TLS 1.3) completed. */
bool tls_log_wanted(const struct tls_state *s);
uint64_t tls_record_count(const struct tls_state *s, enum app_dir dir);

/* ---- Versions ---- */
uint16_t tls_record_version(const struct tls_state *s, enum app_dir dir); /* first record's */
uint16_t tls_client_version(const struct tls_state *s); /* ClientHello legacy version */
/* Negotiated: supported_versions of the ServerHello if present, else its
 * legacy version; TLS_V_SSL2 after an SSLv2 SERVER-HELLO; 0 before. */
uint16_t tls_version(const struct tls_state *s);
/* Suricata 8's names: "SSLv2", "SSLv3", "TLSv1", "TLS 1.1", "TLS 1.2",
 * "TLS 1.3", "TLS 1.3 draft-16".."draft-28", "TLS 1.3 draft-<16",
 * "TLS 1.3 draft-20-fb".., "UNDETERMINED" for 0, otherwise the number in
 * decimal (written into buf, which needs 24 bytes). */
const char *tls_version_name(uint16_t v, char *buf, uint32_t buflen);

/* ---- ClientHello / ServerHello fields (dir: whose hello) ---- */
const char *tls_sni(const struct tls_state *s, uint32_t *len); /* NULL when none */
/* The hello's 32-byte random (TOSERVER: client's, TOCLIENT: server's) or
 * NULL; tls.random_time is its bytes 0-3, tls.random_bytes bytes 4-31.
 * An SSLv2 hello's challenge is right-aligned in zeros (RFC 6101 E.1). */
const uint8_t *tls_random(const struct tls_state *s, enum app_dir dir);
const uint8_t *tls_session_id(const struct tls_state *s, enum app_dir dir, uint32_t *len);
const uint16_t *tls_ciphers(const struct tls_state *s, enum app_dir dir, uint32_t *n);
const uint16_t *tls_extensions(const struct tls_state *s, enum app_dir dir, uint32_t *n);
const uint16_t *tls_groups(const struct tls_state *s, uint32_t *n);	  /* client */
const uint8_t *tls_point_formats(const struct tls_state *s, uint32_t *n); /* client */
const uint16_t *tls_sigalgs(const struct tls_state *s, uint32_t *n);	  /* client */
/* ALPN protocol names of a hello (server: the selected one), i-th. */
uint32_t tls_alpn_count(const struct tls_state *s, enum app_dir dir);
const uint8_t *tls_alpn(const struct tls_state *s, enum app_dir dir, uint32_t i, uint32_t *len);

/* ---- Fingerprints (NULL until the hello was seen) ----
 * JA3 / JA4 come from the first ClientHello (the one after a
 * HelloRetryRequest does not replace it), JA3S from the last ServerHello.
 * SSLv2 hellos get none (neither Suricata nor tshark compute them).  JA4
 * follows FoxIO's spec where Suricata 8 differs: an empty cipher or
 * extension list hashes to "000000000000" (Suricata: SHA-256 of ""), no
 * signature algorithms means no trailing "_", and a non-alphanumeric ALPN
 * gives hex digits (Suricata: the raw bytes). */
const char *tls_ja3_string(const struct tls_state *s); /* "771,4866-...,0-23,...,0" */
const char *tls_ja3_hash(const struct tls_state *s);   /* 32 lower-case hex */
const char *tls_ja3s_string(const struct tls_state *s);
const char *tls_ja3s_hash(const struct tls_state *s);
const char *tls_ja4(const struct tls_state *s); /* "t13d1516h2_8daaf6152771_..." */

/* ---- Certificates: dir TOCLIENT = the server's chain, TOSERVER = a
 * client certificate's chain.  Index 0 is the end-entity certificate. ---- */
uint32_t tls_cert_chain_len(const struct tls_state *s, enum app_dir dir);
const struct tls_cert *tls_cert(const struct tls_state *s, enum app_dir dir, uint32_t i);

/* The members of the EVE `tls` object, as suricata.yaml's `custom:` names
 * them (tls_log_field_parse); basic is Suricata's default, extended its
 * `extended: yes`. */
enum tls_log_field {
	TLS_F_SUBJECT = 1u << 0,
	TLS_F_ISSUER = 1u << 1,
	TLS_F_SESSION_RESUMED = 1u << 2,
	TLS_F_SERIAL = 1u << 3,
	TLS_F_FINGERPRINT = 1u << 4,
	TLS_F_SNI = 1u << 5,
	TLS_F_VERSION = 1u << 6,
	TLS_F_NOT_BEFORE = 1u << 7,
	TLS_F_NOT_AFTER = 1u << 8,
	TLS_F_JA3 = 1u << 9,
	TLS_F_JA3S = 1u << 10,
	TLS_F_JA4 = 1u << 11,
	TLS_F_SUBJECTALTNAME = 1u << 12,
	TLS_F_CLIENT_ALPNS = 1u << 13,
	TLS_F_SERVER_ALPNS = 1u << 14,
	TLS_F_CLIENT = 1u << 15,
	TLS_F_CERTIFICATE = 1u << 16,
	TLS_F_CHAIN = 1u << 17,
};
#define TLS_LOG_BASIC (TLS_F_SUBJECT | TLS_F_ISSUER | TLS_F_SESSION_RESUMED)
#define TLS_LOG_EXTENDED (((uint32_t)TLS_F_CLIENT << 1) - 1) /* all but certificate, chain */

/* The field of a `custom:` name ("not_before", "subjectaltname" ...), 0 if unknown. */
uint32_t tls_log_field_parse(const char *name);

/*
 * EVE: writes the members of Suricata 8's `tls` object named by `fields`
 * into the object already open in `j` (the caller opens "tls" and closes
 * it): subject, issuerdn, session_resumed; serial, fingerprint, sni,
 * version, notbefore/notafter, ja3/ja3s/ja4, subjectaltname, ALPNs, the
 * client certificate; the base64 server certificate and whole chain.
 */
void tls_log_json(struct json *j, const struct tls_state *s, uint32_t fields);

#endif
