/*
 * stratum — the Stratum v1 mining-pool protocol: newline-delimited
 * JSON-RPC over TCP, as miners and pools speak it (mining.subscribe,
 * mining.authorize, mining.submit from the miner; mining.notify,
 * mining.set_difficulty, replies from the pool), plus the login-style
 * variants of the same wire format (XMRig's "login", Ethereum proxies'
 * "eth_submitLogin").  Suricata has no Stratum parser: the framing and
 * the message shapes follow the pools' published protocol (one JSON
 * object per line; requests {id, method, params}; responses {id,
 * result, error}; notifications are requests whose id is null or absent).
 *
 * Transactions: a request with an id opens one, and the first reply in
 * the other direction with the same id (compared as compact JSON text)
 * completes it; a notification is a transaction of its own; a reply
 * that answers no open request is one too, raising
 * response_without_request (except for id 0: Ethereum proxies push new
 * work as replies with id 0).  A line that is not a JSON object raises
 * invalid_json on a transaction holding only the event.
 *
 * What a transaction keeps: method, id (compact JSON), the worker (the
 * first parameter of mining.authorize / mining.submit / eth_submitLogin,
 * login's params.login), the agent (mining.subscribe's first parameter,
 * login's params.agent), the job id (mining.notify's first parameter,
 * mining.submit's second, XMRig's job / submit params.job_id), the difficulty
 * (mining.set_difficulty, mining.suggest_difficulty), and the reply's result and error as compact
 * JSON text.
 *
 * Framing: a line may be split over any number of segments; a partial
 * line is buffered up to STRATUM_MAX_LINE bytes per direction.  A longer
 * line raises line_too_long and is skipped up to its newline; after a
 * gap a direction skips to the next newline.  Lines are parsed by
 * libjansson from a copy of exactly the line's bytes (never past the
 * length handed to a parse call).
 *
 * Bounds per flow: one partial line per direction (STRATUM_MAX_LINE),
 * STRATUM_MAX_TX live transactions (past it the oldest open request is
 * closed unanswered and, if still over, the oldest transaction is
 * dropped: stratum_tx_dropped()), strings cut at STRATUM_MAX_STRING bytes
 * and result/error text at STRATUM_MAX_VALUE bytes.
 */
#ifndef VIGIL_APP_STRATUM_H
#define VIGIL_APP_STRATUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define STRATUM_MAX_LINE 32768u /* bytes of one JSON line */
#define STRATUM_MAX_TX 512u	/* live transactions per flow */
#define STRATUM_MAX_STRING 512u /* bytes kept of method, worker, agent, job id, id */
#define STRATUM_MAX_VALUE 2048u /* bytes kept of result / error JSON text */
#define STRATUM_PROBE_MAX 4096u /* detection: a first line longer than this is not Stratum */

enum stratum_event {
	STRATUM_EV_INVALID_JSON,
	STRATUM_EV_LINE_TOO_LONG,
	STRATUM_EV_RESPONSE_WITHOUT_REQUEST,
	STRATUM_EV_COUNT
};

enum stratum_kind {
	STRATUM_TX_REQUEST = 0,	 /* method with an id, maybe answered */
	STRATUM_TX_NOTIFICATION, /* method without an id */
	STRATUM_TX_RESPONSE,	 /* a reply that answered no request */
	STRATUM_TX_EVENT,	 /* only an event (invalid line) */
};

/* A kept string: NUL-terminated, len bytes (may be cut). */
struct stratum_str {
	char *s;
	uint32_t len;
	bool cut; /* longer than kept */
};

struct stratum_tx {
	uint64_t tx_id;
	enum stratum_kind kind;
	enum app_dir dir; /* the direction of the request / notification / reply */
	bool answered;	  /* a reply came (REQUEST) */
	bool done;	  /* closed without a reply */
	struct stratum_str method, id, worker, agent, job_id;
	bool has_difficulty;
	double difficulty;
	struct stratum_str result, error; /* compact JSON of the reply's members */
	uint8_t events;			  /* bit (1 << stratum_event) */
};

struct stratum_state;

/*
 * Detection.  The first line is a JSON object whose "method" is a
 * mining.* method, an Ethereum proxy's eth_submitLogin / eth_getWork /
 * eth_submitWork / eth_submitHashrate, or XMRig's login (params.login); with any_jsonrpc (the port
 * probe on 3333, 4444, 9999, 14444, and the pool's direction) any
 * JSON-RPC object line does (a method, or an id with result/error).
 * Before the first newline, "\"mining." in the bytes is enough;
 * otherwise NEED_MORE, up to STRATUM_PROBE_MAX bytes.
 */
enum app_probe_result stratum_probe(const uint8_t *d, uint32_t n, bool any_jsonrpc);

struct stratum_state *stratum_state_new(void);
void stratum_state_free(struct stratum_state *s);
enum app_parse_result stratum_parse(struct stratum_state *s, enum app_dir dir, const uint8_t *d,
				    uint32_t n, uint32_t flags);

uint64_t stratum_tx_count(const struct stratum_state *s);
const struct stratum_tx *stratum_tx_get(const struct stratum_state *s, uint64_t id);
void stratum_tx_release_upto(struct stratum_state *s, uint64_t id);
uint64_t stratum_tx_dropped(const struct stratum_state *s);

const char *stratum_event_name(enum stratum_event ev);

/* The EVE `"stratum":{...}` object, for the event and an alert (stratum-log.c). */
void stratum_tx_log_json(struct json *j, const struct stratum_tx *tx);

extern const struct app_protocol app_stratum;

#endif
