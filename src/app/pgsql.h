/*
 * pgsql.h — the PostgreSQL frontend/backend protocol (v3), as Suricata 8's
 * pgsql parser reads it (rust/src/pgsql: message shapes, the state machine
 * that cuts the conversation into transactions, the EVE "pgsql" object).
 *
 * Messages: the untyped startup ones (StartupMessage, SSLRequest,
 * CancelRequest) and the typed ones ([type][int32 length][body]).  A
 * transaction is one request and the responses up to the one that
 * completes it (ReadyForQuery, an authentication request, the SSL answer);
 * DataRow messages are summed (rows, bytes) into one entry before the
 * CommandComplete.  An accepted SSLRequest hands the flow to TLS.
 *
 * Bounds: a message is held across calls up to PGSQL_MAX_MSG bytes (a
 * longer one is skipped, its bytes counted off, with the invalid_length
 * event); strings kept from a message are cut at PGSQL_MAX_STR bytes; a
 * transaction keeps PGSQL_MAX_RESP response entries (later ones are
 * counted, not kept); at most PGSQL_MAX_TX live transactions (the oldest
 * is completed and logged, with too_many_transactions).
 */
#ifndef VIGIL_APP_PGSQL_H
#define VIGIL_APP_PGSQL_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define PGSQL_MAX_MSG (256u * 1024)
#define PGSQL_MAX_STR 4096u
#define PGSQL_MAX_RESP 64u
#define PGSQL_MAX_TX 1024u
#define PGSQL_MAX_PARAMS 32u

enum pgsql_event {
	PGSQL_EV_TOO_MANY_TRANSACTIONS,
	PGSQL_EV_MALFORMED_REQUEST,
	PGSQL_EV_MALFORMED_RESPONSE,
	PGSQL_EV_INVALID_LENGTH,
	PGSQL_EV_COUNT,
};

struct pgsql_bytes {
	uint8_t *p;
	uint32_t len;
};

/* A name/value pair (startup or runtime parameter, error field). */
struct pgsql_pair {
	const char *name; /* a static name (parameter / field name), or NULL: see raw */
	struct pgsql_bytes raw_name;
	struct pgsql_bytes value;
};

enum pgsql_req_kind {
	PGSQL_REQ_NONE = 0,
	PGSQL_REQ_STARTUP,
	PGSQL_REQ_SSL,
	PGSQL_REQ_CANCEL,
	PGSQL_REQ_PASSWORD,
	PGSQL_REQ_SASL_INITIAL,
	PGSQL_REQ_SASL_RESPONSE,
	PGSQL_REQ_QUERY,
	PGSQL_REQ_TERMINATE,
	PGSQL_REQ_UNKNOWN,
};

enum pgsql_resp_kind {
	PGSQL_RESP_SSL_ACCEPTED,
	PGSQL_RESP_SSL_REJECTED,
	PGSQL_RESP_ERROR,
	PGSQL_RESP_NOTICE,
	PGSQL_RESP_AUTH_OK,
	PGSQL_RESP_AUTH_KERB5,
	PGSQL_RESP_AUTH_CLEARTEXT,
	PGSQL_RESP_AUTH_MD5,
	PGSQL_RESP_AUTH_GSS,
	PGSQL_RESP_AUTH_SSPI,
	PGSQL_RESP_AUTH_GSS_CONTINUE,
	PGSQL_RESP_AUTH_SASL,
	PGSQL_RESP_AUTH_SASL_CONTINUE,
	PGSQL_RESP_AUTH_SASL_FINAL,
	PGSQL_RESP_PARAMETER_STATUS,
	PGSQL_RESP_BACKEND_KEY,
	PGSQL_RESP_COMMAND_COMPLETE,
	PGSQL_RESP_READY,
	PGSQL_RESP_ROW_DESCRIPTION,
	PGSQL_RESP_DATA_ROWS, /* the DataRow messages summed */
	PGSQL_RESP_NOTIFICATION,
	PGSQL_RESP_UNKNOWN,
};

struct pgsql_resp {
	enum pgsql_resp_kind kind;
	struct pgsql_bytes payload; /* md5 salt, SASL data, command tag, channel */
	struct pgsql_bytes payload2; /* notification payload */
	uint64_t n1, n2;	    /* pid/key, field count, rows/bytes */
	struct pgsql_pair *fields;  /* error/notice fields, a parameter status */
	uint32_t n_fields;
};

struct pgsql_tx {
	uint64_t id; /* 0-based; EVE's pgsql.tx_id is id + 1, as Suricata */
	enum pgsql_req_kind req;
	/* startup */
	uint16_t proto_major, proto_minor;
	struct pgsql_pair *params;
	uint32_t n_params;
	struct pgsql_bytes req_value; /* query, password, SASL data */
	uint8_t sasl_mech;	      /* 1 SCRAM-SHA-256, 2 SCRAM-SHA-256-PLUS */
	uint32_t cancel_pid, cancel_key;
	struct pgsql_resp *resps;
	uint32_t n_resps, cap_resps;
	uint32_t resps_dropped;
	uint64_t rows, row_bytes;
	bool req_done, res_done;
	uint32_t events;
};

struct pgsql_state;
struct pgsql_state *pgsql_state_new(void);
void pgsql_state_free(struct pgsql_state *s);
enum app_parse_result pgsql_parse(struct pgsql_state *s, enum app_dir dir, const uint8_t *d,
				  uint32_t n, uint32_t flags);
uint64_t pgsql_tx_count(const struct pgsql_state *s);
const struct pgsql_tx *pgsql_tx_get(const struct pgsql_state *s, uint64_t id);
void pgsql_tx_release_upto(struct pgsql_state *s, uint64_t id);

/* Probes (Suricata's SCPgsqlProbingParserTS/TC). */
enum app_probe_result pgsql_probe_request(const uint8_t *d, uint32_t n);
enum app_probe_result pgsql_probe_response(const uint8_t *d, uint32_t n);

/* EVE: the "pgsql" object; passwords only when asked (eve "pgsql: passwords"). */
#define PGSQL_LOG_PASSWORDS 1u
void pgsql_tx_log_json(struct json *j, const struct pgsql_tx *tx, uint32_t opts);

extern const char *const pgsql_event_names[PGSQL_EV_COUNT];

#endif
