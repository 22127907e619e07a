/*
 * pop3.c — the POP3 parser (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS) as
 * Suricata 8 has it (rust/src/pop3/, over the sawp-pop3 parser): a
 * transaction is one command and its response; the server's greeting is a
 * transaction with a response only.  A response is "+OK", "-ERR" or "+"
 * (SASL continuation) and a header text; after "+OK" to a multi-line
 * command (RETR, TOP, CAPA, LIST / UIDL without argument) data lines
 * follow up to "." (dot-unstuffed).  "+OK" to STLS returns
 * APP_PARSE_CHANGE expecting TLS.  EVE "pop3": keyword, args, status,
 * header, data, error_flags (rust/src/pop3/logger.rs).  The EVE writer is
 * at the end of this file (small enough to stay here).
 *
 * Events (pop3-events.rules): request_too_long (a command line over 255
 * bytes, RFC 2449), response_too_long (a response line over 512 bytes),
 * incorrect_argument_count, unknown_command, too_many_transactions (more
 * than POP3_MAX_LIVE_TXS waiting).
 *
 * Bounds: reads stay within the parse call's length; a line is held up to
 * POP3_MAX_LINE bytes per direction (longer ones are cut and flagged);
 * POP3_MAX_ARGS arguments per command; POP3_MAX_DATA data lines (and
 * POP3_MAX_DATA_BYTES bytes) kept per response, the rest counted only;
 * POP3_MAX_LIVE_TXS unreleased transactions.  No global mutable state.
 */
#include "app/app.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/json.h"

#define POP3_MAX_LINE 4096
#define POP3_MAX_REQUEST 255
#define POP3_MAX_RESPONSE 512
#define POP3_MAX_ARGS 8
#define POP3_MAX_DATA 256
#define POP3_MAX_DATA_BYTES (64u * 1024)
#define POP3_MAX_LIVE_TXS 256

enum pop3_event {
	POP3_EV_TOO_MANY_TRANSACTIONS = 0,
	POP3_EV_REQUEST_TOO_LONG,
	POP3_EV_INCORRECT_ARGUMENT_COUNT,
	POP3_EV_UNKNOWN_COMMAND,
	POP3_EV_RESPONSE_TOO_LONG,
	POP3_EV_COUNT,
};

static const char *const pop3_event_names[POP3_EV_COUNT] = {
    "too_many_transactions", "request_too_long",  "incorrect_argument_count",
    "unknown_command",	     "response_too_long",
};

/* Commands: name, argument counts allowed, multi-line "+OK" answer
 * (1 always, 2 only without argument). */
static const struct {
	const char *name;
	uint8_t min, max, multi;
} pop3_cmds[] = {
    {"USER", 1, 1, 0}, {"PASS", 1, 255, 0}, {"APOP", 2, 2, 0}, {"STAT", 0, 0, 0}, {"LIST", 0, 1, 2},
    {"RETR", 1, 1, 1}, {"DELE", 1, 1, 0},   {"NOOP", 0, 0, 0}, {"RSET", 0, 0, 0}, {"QUIT", 0, 0, 0},
    {"TOP", 2, 2, 1},  {"UIDL", 0, 1, 2},   {"CAPA", 0, 0, 1}, {"STLS", 0, 0, 0}, {"AUTH", 0, 2, 2},
};
#define POP3_N_CMDS (sizeof(pop3_cmds) / sizeof(pop3_cmds[0]))

struct pop3_bytes {
	uint8_t *p;
	uint32_t n;
};

struct pop3_tx {
	uint64_t id;
	bool has_req, has_resp, resp_done;
	struct pop3_bytes keyword;
	struct pop3_bytes args[POP3_MAX_ARGS];
	uint32_t n_args;
	int cmd; /* index in pop3_cmds, -1 unknown */
	struct pop3_bytes status, header;
	struct pop3_bytes data[POP3_MAX_DATA];
	uint32_t n_data, data_bytes;
	bool multi;    /* data lines expected */
	uint8_t flags; /* 1 << enum pop3_event raised on it */
};

struct pop3_lines {
	uint8_t buf[POP3_MAX_LINE];
	uint32_t n;
	bool skipping; /* the rest of a line too long to hold */
};

struct pop3_state {
	struct pop3_lines lines[2];
	struct pop3_tx **txs;
	uint32_t n_txs, cap_txs;
	uint64_t next_id;
	bool change;
};

static bool set_bytes(struct pop3_bytes *b, const uint8_t *d, uint32_t n)
{
	uint8_t *p = malloc(n + 1);
	if (p == NULL)
		return false;
	if (n > 0)
		memcpy(p, d, n);
	p[n] = 0;
	free(b->p);
	b->p = p;
	b->n = n;
	return true;
}

static void tx_free(struct pop3_tx *tx)
{
	free(tx->keyword.p);
	for (uint32_t i = 0; i < tx->n_args; i++)
		free(tx->args[i].p);
	free(tx->status.p);
	free(tx->header.p);
	for (uint32_t i = 0; i < tx->n_data; i++)
		free(tx->data[i].p);
	free(tx);
}

static void release_oldest(struct pop3_state *s)
{
	tx_free(s->txs[0]);
	memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
	s->n_txs--;
}

static struct pop3_tx *tx_new(struct pop3_state *s)
{
	bool too_many = false;
	if (s->n_txs >= POP3_MAX_LIVE_TXS) {
		release_oldest(s);
		too_many = true;
	}
	if (s->n_txs == s->cap_txs) {
		uint32_t cap = s->cap_txs ? s->cap_txs * 2 : 4;
		struct pop3_tx **t = realloc(s->txs, cap * sizeof(*t));
		if (t == NULL)
			return NULL;
		s->txs = t;
		s->cap_txs = cap;
	}
	struct pop3_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->id = s->next_id++;
	tx->cmd = -1;
	if (too_many)
		tx->flags |= 1u << POP3_EV_TOO_MANY_TRANSACTIONS;
	s->txs[s->n_txs++] = tx;
	return tx;
}

/* The next complete line (without end of line); lines longer than the
 * buffer are cut, *too_long set.  Returns bytes consumed. */
static uint32_t next_line(struct pop3_lines *lr, const uint8_t *d, uint32_t n, const uint8_t **line,
			  uint32_t *len, bool *too_long)
{
	*line = NULL;
	const uint8_t *lf = memchr(d, '\n', n);
	uint32_t upto = lf != NULL ? (uint32_t)(lf - d) : n;
	uint32_t room = POP3_MAX_LINE - lr->n;
	uint32_t take = upto < room ? upto : room;
	if (!lr->skipping) {
		memcpy(lr->buf + lr->n, d, take);
		lr->n += take;
	}
	if (take < upto && lf == NULL)
		lr->skipping = true;
	if (lf == NULL)
		return n;
	*too_long = lr->skipping || take < upto;
	*line = lr->buf;
	*len = lr->n;
	if (*len > 0 && lr->buf[*len - 1] == '\r')
		(*len)--;
	lr->n = 0;
	lr->skipping = false;
	return upto + 1;
}

static void request_line(struct pop3_state *s, const uint8_t *l, uint32_t n, bool too_long)
{
	struct pop3_tx *tx = tx_new(s);
	if (tx == NULL)
		return;
	tx->has_req = true;
	if (too_long || n > POP3_MAX_REQUEST - 2)
		tx->flags |= 1u << POP3_EV_REQUEST_TOO_LONG;
	uint32_t i = 0;
	while (i < n && l[i] != ' ')
		i++;
	set_bytes(&tx->keyword, l, i);
	for (uint32_t k = 0; k < tx->keyword.n; k++)
		if (tx->keyword.p[k] >= 'a' && tx->keyword.p[k] <= 'z')
			tx->keyword.p[k] -= 32;
	uint32_t total_args = 0;
	while (i < n) {
		while (i < n && l[i] == ' ')
			i++;
		uint32_t a = i;
		while (i < n && l[i] != ' ')
			i++;
		if (i > a) {
			total_args++;
			if (tx->n_args < POP3_MAX_ARGS &&
			    set_bytes(&tx->args[tx->n_args], l + a, i - a))
				tx->n_args++;
		}
	}
	for (size_t c = 0; c < POP3_N_CMDS; c++) {
		if (strlen(pop3_cmds[c].name) == tx->keyword.n &&
		    memcmp(pop3_cmds[c].name, tx->keyword.p, tx->keyword.n) == 0)
			tx->cmd = (int)c;
	}
	if (tx->cmd < 0) {
		tx->flags |= 1u << POP3_EV_UNKNOWN_COMMAND;
		return;
	}
	if (total_args < pop3_cmds[tx->cmd].min || total_args > pop3_cmds[tx->cmd].max)
		tx->flags |= 1u << POP3_EV_INCORRECT_ARGUMENT_COUNT;
	uint8_t multi = pop3_cmds[tx->cmd].multi;
	tx->multi = multi == 1 || (multi == 2 && total_args == 0);
}

/* The oldest transaction waiting for its response; one is made for a
 * response nobody asked (the greeting). */
static struct pop3_tx *awaiting(struct pop3_state *s)
{
	for (uint32_t i = 0; i < s->n_txs; i++)
		if (!s->txs[i]->resp_done)
			return s->txs[i];
	return tx_new(s);
}

static void data_line(struct pop3_tx *tx, const uint8_t *l, uint32_t n)
{
	if (n == 1 && l[0] == '.') {
		tx->resp_done = true;
		return;
	}
	if (n > 0 && l[0] == '.') {
		l++;
		n--;
	}
	if (tx->n_data < POP3_MAX_DATA && tx->data_bytes + n <= POP3_MAX_DATA_BYTES &&
	    set_bytes(&tx->data[tx->n_data], l, n)) {
		tx->n_data++;
		tx->data_bytes += n;
	}
}

static void response_line(struct pop3_state *s, const uint8_t *l, uint32_t n, bool too_long)
{
	struct pop3_tx *tx = awaiting(s);
	if (tx == NULL)
		return;
	if (tx->has_resp) { /* data of a multi-line response */
		data_line(tx, l, n);
		return;
	}
	tx->has_resp = true;
	if (too_long || n > POP3_MAX_RESPONSE - 2)
		tx->flags |= 1u << POP3_EV_RESPONSE_TOO_LONG;
	uint32_t i = 0;
	while (i < n && l[i] != ' ')
		i++;
	set_bytes(&tx->status, l, i);
	if (i < n)
		i++;
	set_bytes(&tx->header, l + i, n - i);
	bool ok = tx->status.n == 3 && memcmp(tx->status.p, "+OK", 3) == 0;
	if (!ok || !tx->multi)
		tx->resp_done = true;
	if (ok && tx->cmd >= 0 && strcmp(pop3_cmds[tx->cmd].name, "STLS") == 0)
		s->change = true;
}

static enum app_parse_result pop3_parse(void *state, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	struct pop3_state *s = state;
	if (flags & APP_CHUNK_GAP) {
		s->lines[dir].n = 0;
		s->lines[dir].skipping = false;
	}
	while (n > 0 && !s->change) {
		const uint8_t *line;
		uint32_t len;
		bool too_long = false;
		uint32_t used = next_line(&s->lines[dir], d, n, &line, &len, &too_long);
		d += used;
		n -= used;
		if (line == NULL)
			break;
		if (dir == APP_TOSERVER)
			request_line(s, line, len, too_long);
		else
			response_line(s, line, len, too_long);
	}
	return s->change ? APP_PARSE_CHANGE : APP_PARSE_OK;
}

/* ------------------------------------------------------------ descriptor */

/* The server's "+OK " greeting, on any port (a client's USER is FTP's
 * pattern too: the server speaks first). */
static enum app_probe_result pop3_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	static const char *const ok[] = {"+OK ", NULL};
	return in->dir == APP_TOCLIENT ? app_probe_words(d, n, ok) : APP_PROBE_NO;
}

/* On the POP3 port: the greeting or a client's command. */
static enum app_probe_result pop3_probe_port(const struct app_probe_in *in, const uint8_t *d,
					     uint32_t n)
{
	if (in->dir == APP_TOCLIENT)
		return pop3_probe(in, d, n);
	static const char *const cmds[] = {"USER ", "CAPA", "APOP ", "STLS", "AUTH", NULL};
	return app_probe_words(d, n, cmds);
}

static void *pop3_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return calloc(1, sizeof(struct pop3_state));
}

static void pop3_state_free(void *state)
{
	struct pop3_state *s = state;
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s);
}

static uint64_t pop3_tx_count(const void *state)
{
	return ((const struct pop3_state *)state)->next_id;
}

static const void *pop3_tx_get(const void *state, uint64_t id)
{
	const struct pop3_state *s = state;
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct pop3_tx, id));
}

static enum app_side pop3_tx_side(const void *state, const void *txv, enum app_dir dir, bool eof)
{
	(void)state;
	const struct pop3_tx *tx = txv;
	if (dir == APP_TOSERVER)
		return tx->has_req ? APP_SIDE_READY : APP_SIDE_NONE;
	if (tx->resp_done)
		return APP_SIDE_READY;
	return eof ? APP_SIDE_NONE : APP_SIDE_PENDING;
}

static enum app_log_decision pop3_tx_log(const void *state, const void *txv, bool flow_end)
{
	(void)state;
	const struct pop3_tx *tx = txv;
	return tx->resp_done || flow_end ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void pop3_tx_release_upto(void *state, uint64_t id)
{
	struct pop3_state *s = state;
	while (s->n_txs > 0 && s->txs[0]->id < id)
		release_oldest(s);
}

static bool pop3_tx_has_event(const void *state, const void *txv, int ev)
{
	(void)state;
	const struct pop3_tx *tx = txv;
	return ev >= 0 && ev < POP3_EV_COUNT && (tx->flags & (1u << ev));
}

static void pop3_log_json(struct json *j, const void *state, const void *txv, uint32_t opts)
{
	(void)state;
	(void)opts;
	static const char *const flag_names[POP3_EV_COUNT] = {
	    NULL, "CommandTooLong", "IncorrectArgumentNum", "UnknownKeyword", "ResponseTooLong"};
	const struct pop3_tx *tx = txv;
	json_open_object(j, "pop3");
	if (tx->has_req) {
		json_strn(j, "keyword", tx->keyword.p, tx->keyword.n);
		json_open_array(j, "args");
		for (uint32_t i = 0; i < tx->n_args; i++)
			json_strn(j, NULL, tx->args[i].p, tx->args[i].n);
		json_close_array(j);
	}
	if (tx->has_resp) {
		json_strn(j, "status", tx->status.p, tx->status.n);
		json_strn(j, "header", tx->header.p, tx->header.n);
		json_open_array(j, "data");
		for (uint32_t i = 0; i < tx->n_data; i++)
			json_strn(j, NULL, tx->data[i].p, tx->data[i].n);
		json_close_array(j);
	}
	json_open_array(j, "error_flags");
	for (int e = POP3_EV_REQUEST_TOO_LONG; e < POP3_EV_COUNT; e++)
		if (tx->flags & (1u << e))
			json_str(j, NULL, flag_names[e]);
	json_close_array(j);
	json_close_object(j);
}

static int pop3_change_expect(const void *state)
{
	(void)state;
	return APP_PROTO_TLS;
}

const struct app_protocol app_pop3 = {
    .name = "pop3",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "110",
    .probe = pop3_probe,
    .probe_port = pop3_probe_port,
    .state_new = pop3_state_new,
    .state_free = pop3_state_free,
    .parse = pop3_parse,
    .tx_count = pop3_tx_count,
    .tx_get = pop3_tx_get,
    .tx_side = pop3_tx_side,
    .tx_log = pop3_tx_log,
    .tx_release_upto = pop3_tx_release_upto,
    .event_names = pop3_event_names,
    .n_events = POP3_EV_COUNT,
    .tx_has_event = pop3_tx_has_event,
    .eve_type = "pop3",
    .log_json = pop3_log_json,
    .change_expect = pop3_change_expect,
};
