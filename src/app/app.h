/*
 * app — the application layer: protocol parsers fed with reassembled
 * stream data (or UDP payloads), producing transactions that detection
 * inspects and EVE logs.
 *
 * Every parser has the same small shape (see app/dns.h, app/http.h,
 * app/tls.h): a per-flow state created on first data, a parse call per
 * direction that consumes what it can and never reads past the length it
 * was given, a list of transactions with their progress, app-layer events
 * with Suricata's names, and an EVE writer for a transaction.  Parsers
 * keep no global mutable state and bound the memory a flow can make them
 * hold.  The framework that detects protocols and drives the parsers from
 * the stream stage is app/app.c (to come); until then parsers are driven
 * by their unit tests.
 */
#ifndef VIGIL_APP_H
#define VIGIL_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream/stream.h"

enum app_dir { APP_TOSERVER = 0, APP_TOCLIENT = 1 };

/* Flags of a chunk of data handed to a parser. */
enum {
	APP_CHUNK_GAP = 1 << 0, /* data is missing before this chunk */
	APP_CHUNK_EOF = 1 << 1, /* the direction is closed after this chunk */
};

/* What a parse call reports back. */
enum app_parse_result {
	APP_PARSE_OK = 0,    /* consumed, maybe waiting for more */
	APP_PARSE_ERROR = 1, /* the data is not this protocol / cannot go on */
};

/* ---------------------------------------------------------- framework */

struct flow;
struct packet;
struct config_node;

enum app_proto {
	APP_PROTO_UNKNOWN = 0, /* not decided yet (or no payload) */
	APP_PROTO_HTTP,
	APP_PROTO_TLS,
	APP_PROTO_DNS,
	/* recognised, without a parser yet: rules on the stream still apply */
	APP_PROTO_SMTP,
	APP_PROTO_FTP,
	APP_PROTO_SMB,
	APP_PROTO_SSH,
	APP_PROTO_FAILED, /* payload seen, no parser recognised it */
	APP_PROTO_MAX,
};

/* "http", "tls", "dns", "smtp", ..., "failed"; NULL for APP_PROTO_UNKNOWN. */
const char *app_proto_name(enum app_proto p);

/* After the shared types above, which the parsers' headers use. */
#include "app/http.h"

struct app_config {
	bool enabled[APP_PROTO_MAX]; /* app-layer.protocols.<name>.enabled */
	uint32_t detect_limit;	     /* bytes a direction may take to be recognised */
	struct http_config http;     /* every HTTP flow's parser settings */
};
void app_config_defaults(struct app_config *c);
void app_config_load(struct app_config *c, const struct config_node *root);

/* Only uint64_t counters: the engine sums workers' stats as arrays. */
struct app_stats {
	uint64_t flows[APP_PROTO_MAX]; /* flows recognised per protocol */
	uint64_t tx[APP_PROTO_MAX];    /* transactions handed to the logger */
	uint64_t parse_errors;
};

/* Per worker, like every other stage's context. */
struct app_ctx;
struct app_ctx *app_ctx_new(const struct app_config *cfg);
void app_ctx_free(struct app_ctx *ctx);
const struct app_stats *app_ctx_stats(const struct app_ctx *ctx);

/*
 * After the stream stage: recognises the flow's protocol from its first
 * bytes (and ports), then feeds the parser the new in-order data of both
 * directions (TCP, from the stream stage) or the datagram (UDP).
 */
void app_handle_packet(struct app_ctx *ctx, struct packet *p);

/* At the end of a flow (after stream_flow_end): the last data, then EOF;
 * of one direction (the worker inspects each before the next is fed, as
 * Suricata's flow-timeout pseudo packets do), or of both. */
void app_flow_end_dir(struct app_ctx *ctx, struct flow *f, enum stream_dir dir);
void app_flow_end(struct app_ctx *ctx, struct flow *f);
void app_flow_free(void *flow_app_slot);
enum app_proto app_flow_proto(const struct flow *f);

/*
 * Rule inspection of transactions.  A transaction side (request/to-server
 * or response/to-client) is inspected once, on a packet of that direction,
 * once it is complete (DNS: each message; HTTP: the message done; TLS: the
 * ClientHello / the server's hello and certificate).  app_inspect_tx()
 * gives the i-th such transaction for packet p (false past the end);
 * app_inspect_done() marks them inspected after detection ran on p.
 */
bool app_inspect_tx(const struct packet *p, uint32_t i, enum app_proto *proto, const void **tx,
		    uint64_t *tx_id);
void app_inspect_done(struct packet *p);

/*
 * A live transaction of the flow by id, for an alert's app-layer object
 * (false when it is unknown or already released).  `state` and `tx` are
 * as for app_tx_fn below.  app_flow_tx_total() is the number of
 * transactions the flow has had (Suricata's guess of an alert's
 * transaction needs it to be one).
 */
bool app_flow_tx(const struct flow *f, uint64_t tx_id, enum app_proto *proto, const void **state,
		 const void **tx);
uint64_t app_flow_tx_total(const struct flow *f);

/*
 * Hands every transaction that is ready to be logged (DNS: each message;
 * HTTP: request and response complete; TLS: once per flow, when the
 * handshake is over) to `fn`, then releases it.  With `flow_end`, every
 * remaining transaction is ready.  `state` and `tx` are the parser's own
 * types (struct dns_tx, struct http_tx; for TLS tx is the state).
 */
typedef void (*app_tx_fn)(void *arg, enum app_proto proto, const void *state, const void *tx,
			  uint64_t tx_id);
void app_log_ready(struct app_ctx *ctx, struct flow *f, bool flow_end, app_tx_fn fn, void *arg);

#endif
