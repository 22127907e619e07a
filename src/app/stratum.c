/*
 * stratum.c — the Stratum v1 parser: line framing per direction, the
 * JSON-RPC message shapes (read by libjansson), request/reply pairing by
 * id, transactions and the protocol descriptor.  The EVE writer is
 * stratum-log.c; the framing, bounds and pairing rules are in stratum.h.
 *
 * Every line handed to jansson is a bounded copy (or a view) of bytes
 * inside the parse call's [d, d + n) and the direction's line buffer;
 * nothing past n is read.
 */
#include "app/stratum.h"

#include <stddef.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct stratum_line {
	uint8_t *buf; /* partial line, at most STRATUM_MAX_LINE bytes */
	uint32_t len, cap;
	bool skip; /* dropping bytes up to the next newline */
};

struct stratum_state {
	struct stratum_line line[2];
	struct stratum_tx **txs; /* live transactions, oldest first */
	size_t n_txs, cap_txs;
	uint64_t next_tx_id;
	uint64_t dropped;
};

/* ------------------------------------------------------------ strings */

static void str_set(struct stratum_str *s, const char *v, size_t n, uint32_t max)
{
	free(s->s);
	s->s = NULL;
	s->len = 0;
	s->cut = false;
	if (n > max) {
		n = max;
		s->cut = true;
	}
	s->s = malloc(n + 1);
	if (s->s == NULL)
		return;
	memcpy(s->s, v, n);
	s->s[n] = '\0';
	s->len = (uint32_t)n;
}

static void str_free(struct stratum_str *s)
{
	free(s->s);
	s->s = NULL;
	s->len = 0;
}

/* A JSON string member's value into *s (nothing when it is not a string). */
static void str_from_json(struct stratum_str *s, const json_t *v)
{
	if (json_is_string(v))
		str_set(s, json_string_value(v), json_string_length(v), STRATUM_MAX_STRING);
}

/* Compact JSON text of v (any type) into *s, cut at max bytes. */
static void str_dump(struct stratum_str *s, const json_t *v, uint32_t max)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	if (t == NULL)
		return;
	str_set(s, t, strlen(t), max);
	free(t);
}

/* ------------------------------------------------------------ transactions */

static void tx_free(struct stratum_tx *tx)
{
	str_free(&tx->method);
	str_free(&tx->id);
	str_free(&tx->worker);
	str_free(&tx->agent);
	str_free(&tx->job_id);
	str_free(&tx->result);
	str_free(&tx->error);
	free(tx);
}

/* Keeps the live list within STRATUM_MAX_TX: open requests are closed
 * first (so they can be logged and released), then the oldest is dropped. */
static void enforce_tx_cap(struct stratum_state *s)
{
	if (s->n_txs < STRATUM_MAX_TX)
		return;
	for (size_t i = 0; i < s->n_txs; i++)
		if (s->txs[i]->kind == STRATUM_TX_REQUEST && !s->txs[i]->answered)
			s->txs[i]->done = true;
	while (s->n_txs >= STRATUM_MAX_TX) {
		tx_free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
		s->n_txs--;
		s->dropped++;
	}
}

static struct stratum_tx *tx_new(struct stratum_state *s, enum stratum_kind kind, enum app_dir dir)
{
	enforce_tx_cap(s);
	if (s->n_txs == s->cap_txs) {
		size_t nc = s->cap_txs ? s->cap_txs * 2 : 8;
		struct stratum_tx **n = realloc(s->txs, nc * sizeof(*n));
		if (n == NULL)
			return NULL;
		s->txs = n;
		s->cap_txs = nc;
	}
	struct stratum_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->tx_id = s->next_tx_id++;
	tx->kind = kind;
	tx->dir = dir;
	s->txs[s->n_txs++] = tx;
	return tx;
}

static void event_tx(struct stratum_state *s, enum app_dir dir, enum stratum_event ev)
{
	struct stratum_tx *tx = tx_new(s, STRATUM_TX_EVENT, dir);
	if (tx != NULL)
		tx->events |= (uint8_t)(1u << ev);
}

/* The open request of the other direction with this id, oldest first. */
static struct stratum_tx *find_request(struct stratum_state *s, enum app_dir reply_dir,
				       const struct stratum_str *id)
{
	for (size_t i = 0; i < s->n_txs; i++) {
		struct stratum_tx *tx = s->txs[i];
		if (tx->kind == STRATUM_TX_REQUEST && !tx->answered && !tx->done &&
		    tx->dir != reply_dir && tx->id.s != NULL && id->s != NULL &&
		    tx->id.len == id->len && memcmp(tx->id.s, id->s, id->len) == 0)
			return tx;
	}
	return NULL;
}

/* ------------------------------------------------------------ messages */

static const json_t *param(const json_t *params, size_t i)
{
	return json_is_array(params) ? json_array_get(params, i) : NULL;
}

/* Worker, agent, job id and difficulty from a request's params, by method. */
static void request_fields(struct stratum_tx *tx, const char *m, const json_t *params)
{
	if (strcmp(m, "mining.authorize") == 0 || strcmp(m, "eth_submitLogin") == 0) {
		str_from_json(&tx->worker, param(params, 0));
	} else if (strcmp(m, "mining.submit") == 0) {
		str_from_json(&tx->worker, param(params, 0));
		str_from_json(&tx->job_id, param(params, 1));
	} else if (strcmp(m, "mining.subscribe") == 0) {
		str_from_json(&tx->agent, param(params, 0));
	} else if (strcmp(m, "mining.notify") == 0) {
		str_from_json(&tx->job_id, param(params, 0));
	} else if (strcmp(m, "mining.set_difficulty") == 0 ||
		   strcmp(m, "mining.suggest_difficulty") == 0) {
		const json_t *d = param(params, 0);
		if (json_is_number(d)) {
			tx->has_difficulty = true;
			tx->difficulty = json_number_value(d);
		}
	} else if (strcmp(m, "login") == 0 && json_is_object(params)) {
		str_from_json(&tx->worker, json_object_get(params, "login"));
		str_from_json(&tx->agent, json_object_get(params, "agent"));
	} else if ((strcmp(m, "job") == 0 || strcmp(m, "submit") == 0) && json_is_object(params)) {
		str_from_json(&tx->job_id, json_object_get(params, "job_id"));
	}
}

static void on_method(struct stratum_state *s, enum app_dir dir, const json_t *msg,
		      const json_t *method)
{
	const json_t *id = json_object_get(msg, "id");
	bool has_id = id != NULL && !json_is_null(id);
	struct stratum_tx *tx =
	    tx_new(s, has_id ? STRATUM_TX_REQUEST : STRATUM_TX_NOTIFICATION, dir);
	if (tx == NULL)
		return;
	str_from_json(&tx->method, method);
	if (has_id)
		str_dump(&tx->id, id, STRATUM_MAX_STRING);
	request_fields(tx, json_string_value(method), json_object_get(msg, "params"));
}

static void on_reply(struct stratum_state *s, enum app_dir dir, const json_t *msg)
{
	struct stratum_str id = {0};
	const json_t *idv = json_object_get(msg, "id");
	if (idv != NULL)
		str_dump(&id, idv, STRATUM_MAX_STRING);
	struct stratum_tx *tx =
	    idv != NULL && !json_is_null(idv) ? find_request(s, dir, &id) : NULL;
	if (tx == NULL) {
		tx = tx_new(s, STRATUM_TX_RESPONSE, dir);
		if (tx == NULL) {
			str_free(&id);
			return;
		}
		/* Ethereum proxies push work as a reply with id 0 (EthProxy's
		 * convention): expected, so no event */
		if (!(json_is_integer(idv) && json_integer_value(idv) == 0))
			tx->events |= 1u << STRATUM_EV_RESPONSE_WITHOUT_REQUEST;
		tx->id = id;
	} else {
		str_free(&id);
	}
	tx->answered = true;
	const json_t *r = json_object_get(msg, "result"), *e = json_object_get(msg, "error");
	if (r != NULL)
		str_dump(&tx->result, r, STRATUM_MAX_VALUE);
	if (e != NULL)
		str_dump(&tx->error, e, STRATUM_MAX_VALUE);
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One complete line (without its newline). */
static void on_line(struct stratum_state *s, enum app_dir dir, const uint8_t *l, uint32_t n)
{
	while (n > 0 && is_space(l[n - 1]))
		n--;
	while (n > 0 && is_space(l[0])) {
		l++;
		n--;
	}
	if (n == 0)
		return;
	json_t *msg = json_loadb((const char *)l, n, 0, NULL);
	if (!json_is_object(msg)) {
		json_decref(msg);
		event_tx(s, dir, STRATUM_EV_INVALID_JSON);
		return;
	}
	const json_t *method = json_object_get(msg, "method");
	if (json_is_string(method))
		on_method(s, dir, msg, method);
	else if (json_object_get(msg, "result") != NULL || json_object_get(msg, "error") != NULL)
		on_reply(s, dir, msg);
	else
		event_tx(s, dir, STRATUM_EV_INVALID_JSON);
	json_decref(msg);
}

/* ------------------------------------------------------------ framing */

static bool line_append(struct stratum_line *ln, const uint8_t *d, uint32_t n)
{
	if (ln->len + n > ln->cap) {
		uint32_t nc = ln->cap ? ln->cap : 256;
		while (nc < ln->len + n)
			nc *= 2;
		if (nc > STRATUM_MAX_LINE)
			nc = STRATUM_MAX_LINE;
		uint8_t *b = realloc(ln->buf, nc);
		if (b == NULL)
			return false;
		ln->buf = b;
		ln->cap = nc;
	}
	memcpy(ln->buf + ln->len, d, n);
	ln->len += n;
	return true;
}

enum app_parse_result stratum_parse(struct stratum_state *s, enum app_dir dir, const uint8_t *d,
				    uint32_t n, uint32_t flags)
{
	struct stratum_line *ln = &s->line[dir];
	if (flags & APP_CHUNK_GAP) {
		ln->len = 0;
		ln->skip = true;
	}
	uint32_t pos = 0;
	while (pos < n) {
		const uint8_t *nl = memchr(d + pos, '\n', n - pos);
		uint32_t seg = nl != NULL ? (uint32_t)(nl - (d + pos)) : n - pos;
		if (ln->skip) {
			if (nl == NULL)
				return APP_PARSE_OK;
			ln->skip = false;
		} else if ((uint64_t)ln->len + seg > STRATUM_MAX_LINE) {
			event_tx(s, dir, STRATUM_EV_LINE_TOO_LONG);
			ln->len = 0;
			if (nl == NULL) {
				ln->skip = true;
				return APP_PARSE_OK;
			}
		} else if (nl == NULL) {
			if (!line_append(ln, d + pos, seg))
				return APP_PARSE_ERROR;
		} else if (ln->len == 0) {
			on_line(s, dir, d + pos, seg);
		} else {
			if (!line_append(ln, d + pos, seg))
				return APP_PARSE_ERROR;
			on_line(s, dir, ln->buf, ln->len);
			ln->len = 0;
		}
		pos += seg + (nl != NULL ? 1 : 0);
	}
	/* A last line without its newline at the direction's end still counts. */
	if ((flags & APP_CHUNK_EOF) && ln->len > 0 && !ln->skip) {
		on_line(s, dir, ln->buf, ln->len);
		ln->len = 0;
	}
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ detection */

/* A mining method: mining.*, an Ethereum proxy's eth_* work methods, or
 * XMRig's "login" (only with its params object's "login" member: the
 * name alone is too common among JSON-RPC services). */
static bool is_mining_method(const char *m, const json_t *params)
{
	static const char *const eth[] = {"eth_submitLogin", "eth_getWork", "eth_submitWork",
					  "eth_submitHashrate", NULL};
	if (strncmp(m, "mining.", 7) == 0)
		return true;
	if (strcmp(m, "login") == 0)
		return json_is_object(params) && json_is_string(json_object_get(params, "login"));
	for (int i = 0; eth[i] != NULL; i++)
		if (strcmp(m, eth[i]) == 0)
			return true;
	return false;
}

static bool mem_has(const uint8_t *d, uint32_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (uint32_t i = 0; i + k <= n; i++)
		if (memcmp(d + i, needle, k) == 0)
			return true;
	return false;
}

enum app_probe_result stratum_probe(const uint8_t *d, uint32_t n, bool any_jsonrpc)
{
	uint32_t i = 0;
	while (i < n && is_space(d[i]))
		i++;
	if (i == n)
		return n < STRATUM_PROBE_MAX ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	if (d[i] != '{')
		return APP_PROBE_NO;
	uint32_t lim = n < STRATUM_PROBE_MAX ? n : STRATUM_PROBE_MAX;
	const uint8_t *nl = memchr(d + i, '\n', lim - i);
	if (nl == NULL) {
		if (mem_has(d + i, lim - i, "\"mining."))
			return APP_PROBE_MATCH;
		return n < STRATUM_PROBE_MAX ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	}
	json_t *msg = json_loadb((const char *)d + i, (size_t)(nl - (d + i)), 0, NULL);
	enum app_probe_result r = APP_PROBE_NO;
	if (json_is_object(msg)) {
		const json_t *m = json_object_get(msg, "method");
		if (json_is_string(m) &&
		    (any_jsonrpc ||
		     is_mining_method(json_string_value(m), json_object_get(msg, "params"))))
			r = APP_PROBE_MATCH;
		else if (any_jsonrpc && json_object_get(msg, "id") != NULL &&
			 (json_object_get(msg, "result") != NULL ||
			  json_object_get(msg, "error") != NULL))
			r = APP_PROBE_MATCH;
	}
	json_decref(msg);
	return r;
}

/* ------------------------------------------------------------ state */

struct stratum_state *stratum_state_new(void)
{
	return calloc(1, sizeof(struct stratum_state));
}

void stratum_state_free(struct stratum_state *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s->line[0].buf);
	free(s->line[1].buf);
	free(s);
}

uint64_t stratum_tx_count(const struct stratum_state *s)
{
	return s->next_tx_id;
}

const struct stratum_tx *stratum_tx_get(const struct stratum_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct stratum_tx, tx_id));
}

void stratum_tx_release_upto(struct stratum_state *s, uint64_t id)
{
	size_t k = 0;
	while (k < s->n_txs && s->txs[k]->tx_id < id)
		tx_free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
		s->n_txs -= k;
	}
}

uint64_t stratum_tx_dropped(const struct stratum_state *s)
{
	return s->dropped;
}

static const char *const event_names[STRATUM_EV_COUNT] = {"invalid_json", "line_too_long",
							  "response_without_request"};

const char *stratum_event_name(enum stratum_event ev)
{
	return (unsigned)ev < STRATUM_EV_COUNT ? event_names[ev] : NULL;
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	if (!in->tcp)
		return APP_PROBE_NO;
	/* the pool's side is recognised by any JSON-RPC shape (its replies
	 * carry no method) */
	return stratum_probe(d, n, in->dir == APP_TOCLIENT);
}

static enum app_probe_result d_probe_port(const struct app_probe_in *in, const uint8_t *d,
					  uint32_t n)
{
	return in->tcp ? stratum_probe(d, n, true) : APP_PROBE_NO;
}

static void *d_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return stratum_state_new();
}

static void d_state_free(void *st)
{
	stratum_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return stratum_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return stratum_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return stratum_tx_get(st, id);
}

/* A request's own side is ready at once; its reply side once answered
 * (nothing to inspect when it was closed unanswered or the flow ended).
 * Every other transaction is one message: ready on its side only. */
static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	const struct stratum_tx *tx = vtx;
	if (dir == tx->dir)
		return APP_SIDE_READY;
	if (tx->kind != STRATUM_TX_REQUEST)
		return APP_SIDE_NONE;
	if (tx->answered)
		return APP_SIDE_READY;
	return tx->done || eof ? APP_SIDE_NONE : APP_SIDE_PENDING;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	(void)st;
	const struct stratum_tx *tx = vtx;
	if (tx->kind == STRATUM_TX_REQUEST && !tx->answered && !tx->done && !flow_end)
		return APP_LOG_WAIT;
	return APP_LOG_NOW;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	stratum_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *vtx, int ev)
{
	(void)st;
	const struct stratum_tx *tx = vtx;
	return ev >= 0 && ev < STRATUM_EV_COUNT && (tx->events & (1u << ev));
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)st;
	(void)opts;
	stratum_tx_log_json(j, tx);
}

const struct app_protocol app_stratum = {
    .name = "stratum",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "3333,4444,9999,14444",
    .probe = d_probe,
    .probe_port = d_probe_port,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = event_names,
    .n_events = STRATUM_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "stratum",
    .log_json = d_log_json,
};
