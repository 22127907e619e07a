/*
 * krb5 — the Kerberos 5 parser (RFC 4120) over UDP and TCP port 88, as
 * Suricata 8 does it (rust/src/krb/): one transaction per KDC message
 * (AS-REQ, AS-REP, TGS-REQ, TGS-REP, KRB-ERROR), each carrying the
 * direction it travelled.  A request and its reply are two transactions;
 * the only pairing is Suricata's: a KRB-ERROR remembers the type of the
 * request seen last on the flow (AS-REQ, TGS-REQ or AP-REQ) as its
 * failed request, and any reply forgets it.
 *
 * What a transaction holds: msg_type, cname, realm, sname, the reply's
 * encryption type (enc-part) and its ticket's, the error code, and the
 * encryption types a request asks for (its etype list, not logged by
 * Suricata; kept for rules and tests).  The realm is the request body's
 * realm, the reply's crealm, and the error's crealm (Suricata's choice).
 *
 * Messages are read by a hand-written DER reader that trusts no length:
 * every element must fit inside its parent, lengths are definite
 * (indefinite BER lengths are refused) and at most 4 bytes long.  The
 * reader never recurses: it follows the fixed shape of each message, so
 * nesting is capped by the schema: 10 levels at most (a reply's ticket's
 * sname part: APPLICATION, SEQUENCE, [5], APPLICATION 1, SEQUENCE, [2],
 * SEQUENCE, [1], SEQUENCE OF, GeneralString); deeper elements are never
 * entered, only skipped by their length.
 * A message whose outer header cannot be read sets malformed_data and
 * stops the flow's parsing, both directions (APP_PARSE_ERROR), as a
 * Suricata parser error does; a message whose body does not parse makes
 * no transaction and no event.
 *
 * Framing: UDP — one message per krb5_parse() call.  TCP — each message
 * follows a 4-byte big-endian record marker, in any split across
 * segments; an incomplete record is buffered, at most KRB5_TCP_BUF_MAX
 * bytes per direction (a larger record, or a gap, is a parse error).
 *
 * Memory a flow can make the parser hold is bounded: KRB5_MAX_TX live
 * transactions (the oldest is dropped when a new one would exceed it;
 * counted in krb5_tx_dropped()), KRB5_MAX_NAME_PARTS parts per principal
 * name, KRB5_MAX_ETYPES requested encryption types, and strings of at
 * most KRB5_MAX_STRING bytes (longer ones are cut): a transaction holds
 * at most 33 strings, all copied from its own message, and each TCP
 * direction one partial record of at most KRB5_TCP_BUF_MAX bytes.
 * Nothing is read past the length handed to krb5_parse().
 */
#ifndef VIGIL_APP_KRB5_H
#define VIGIL_APP_KRB5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define KRB5_MAX_TX 256		    /* live transactions per flow */
#define KRB5_TCP_BUF_MAX 100000u    /* bytes of one TCP record (Suricata's defrag limit) */
#define KRB5_MAX_NAME_PARTS 16	    /* name-string parts kept per principal */
#define KRB5_MAX_ETYPES 32	    /* etypes kept from a request body */
#define KRB5_MAX_STRING 1024	    /* bytes kept of one realm / name part */
#define KRB5_PROBE_RECORD_MAX 16384 /* TCP detection: larger record markers are not Kerberos */

/* Message types (RFC 4120 7.5.7). */
enum {
	KRB5_AS_REQ = 10,
	KRB5_AS_REP = 11,
	KRB5_TGS_REQ = 12,
	KRB5_TGS_REP = 13,
	KRB5_AP_REQ = 14,
	KRB5_AP_REP = 15,
	KRB5_ERROR = 30,
};

/* App-layer events, named as Suricata's kerberos-events.rules. */
enum krb5_event { KRB5_EV_MALFORMED_DATA, KRB5_EV_WEAK_ENCRYPTION, KRB5_EV_COUNT };

struct krb5_str {
	uint8_t *buf; /* NUL-terminated copy (may hold NULs: use len) */
	uint32_t len;
};

struct krb5_principal {
	bool present;
	int32_t name_type;
	uint8_t n; /* parts kept */
	struct krb5_str parts[KRB5_MAX_NAME_PARTS];
};

struct krb5_tx {
	uint64_t tx_id;
	enum app_dir dir;    /* the direction the message travelled */
	uint32_t msg_type;   /* KRB5_AS_REQ ... KRB5_ERROR */
	uint32_t failed_req; /* KRB-ERROR: the request it answers, 0 = unknown */
	bool has_error;
	int32_t error_code;
	struct krb5_principal cname, sname;
	bool has_realm;
	struct krb5_str realm;
	bool has_etype; /* reply enc-part etype */
	int32_t etype;
	bool has_ticket_etype;
	int32_t ticket_etype;
	uint8_t n_req_etypes; /* request body etype list (first KRB5_MAX_ETYPES) */
	int32_t req_etypes[KRB5_MAX_ETYPES];
	uint8_t events; /* bit (1 << krb5_event) */
};

struct krb5_state;

/*
 * Protocol detection, Suricata's probe: a DER APPLICATION element with a
 * tag of at most 30 holding a SEQUENCE whose first field is the INTEGER 5
 * (pvno).  tcp: a record marker (at most KRB5_PROBE_RECORD_MAX) comes
 * first.  At most 10 bytes (14 on TCP) is not Kerberos.
 */
enum app_probe_result krb5_probe(const uint8_t *d, uint32_t n, bool tcp);

struct krb5_state *krb5_state_new(bool tcp);
void krb5_state_free(struct krb5_state *s);

/* One UDP datagram or the next TCP stream bytes of direction `dir`. */
enum app_parse_result krb5_parse(struct krb5_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n, uint32_t flags);

/* ---- Transactions: ids 0 .. krb5_tx_total()-1; NULL once released ---- */
uint64_t krb5_tx_total(const struct krb5_state *s);
const struct krb5_tx *krb5_tx_get(const struct krb5_state *s, uint64_t tx_id);
void krb5_tx_release_upto(struct krb5_state *s, uint64_t tx_id); /* frees ids < tx_id */
uint64_t krb5_tx_dropped(const struct krb5_state *s);

/* ---- Names ---- */
const char *krb5_event_name(enum krb5_event ev);
/* Suricata's weak test: everything but AES (SHA1 and SHA2) and Camellia. */
bool krb5_etype_weak(int32_t etype);
/* "rc4-hmac", ... or NULL when the type has no name. */
const char *krb5_etype_name(int32_t etype);
int krb5_etype_by_name(const char *name, int32_t *etype); /* 0, or -1 */
const char *krb5_msg_type_name(uint32_t t);		  /* "KRB_AS_REQ" or NULL */
const char *krb5_error_name(int32_t code);		  /* "KDC_ERR_PREAUTH_REQUIRED" or NULL */

/* ---- Detection accessors ---- */
/* The i-th part of cname / sname (krb5_cname, krb5_sname); false past the end. */
bool krb5_tx_get_cname(const struct krb5_tx *tx, uint32_t i, const uint8_t **b, uint32_t *l);
bool krb5_tx_get_sname(const struct krb5_tx *tx, uint32_t i, const uint8_t **b, uint32_t *l);

/* ---- EVE ---- */
/* Suricata 8's `"krb5":{...}` object, the same for the krb5 event and an alert. */
void krb5_tx_log_json(struct json *j, const struct krb5_tx *tx);

#endif
