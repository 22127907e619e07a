/*
 * pgsql.c — the PostgreSQL parser (API and bounds in app/pgsql.h): message
 * framing per direction, the message shapes, Suricata's state machine that
 * cuts the conversation into transactions, and the protocol descriptor.
 * The EVE writer is pgsql-log.c.
 *
 * A message is parsed in place when the parse call holds all of it, else
 * gathered in the direction's buffer (at most PGSQL_MAX_MSG bytes); no
 * byte past the call's [d, d + n) is read.
 */
#include "app/pgsql.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/config.h"
#include "util/json.h"

/* Suricata's PgsqlStateProgress: where the conversation is. */
enum progress {
	P_IDLE,
	P_SSL_REQUEST,
	P_STARTUP,
	P_SASL_INITIAL,
	P_SASL_RESPONSE,
	P_PASSWORD,
	P_QUERY,
	P_CANCEL,
	P_TERMINATED,
	P_SSL_REJECTED,
	P_SASL_AUTH,
	P_SASL_CONTINUE,
	P_SASL_FINAL,
	P_SIMPLE_AUTH,
	P_AUTH_OK,
	P_PARAMETER,
	P_BACKEND_KEY,
	P_READY,
	P_ROW_DESCRIPTION,
	P_DATA_ROW,
	P_COMMAND_COMPLETE,
	P_ERROR,
	P_FINISHED,
};

struct dirbuf {
	uint8_t *buf;
	uint32_t len, cap;
	uint32_t skip; /* bytes of an over-long message still to drop */
	bool gap;      /* resynchronise on the next chunk */
};

struct pgsql_state {
	struct dirbuf dir[2];
	struct pgsql_tx **txs; /* live, oldest first */
	uint32_t n_txs, cap_txs;
	uint64_t next_id;
	enum progress progress;
	bool tls;	  /* SSL accepted: the flow turns into TLS */
	bool failed[2];
};

const char *const pgsql_event_names[PGSQL_EV_COUNT] = {
    [PGSQL_EV_TOO_MANY_TRANSACTIONS] = "too_many_transactions",
    [PGSQL_EV_MALFORMED_REQUEST] = "malformed_request",
    [PGSQL_EV_MALFORMED_RESPONSE] = "malformed_response",
    [PGSQL_EV_INVALID_LENGTH] = "invalid_length",
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ------------------------------------------------------------ strings */

static void bytes_set(struct pgsql_bytes *b, const uint8_t *d, uint32_t n)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	if (n > PGSQL_MAX_STR)
		n = PGSQL_MAX_STR;
	b->p = malloc(n ? n : 1);
	if (b->p == NULL)
		return;
	memcpy(b->p, d, n);
	b->len = n;
}

/* A NUL-terminated string at d[0..n): its length (n when unterminated). */
static uint32_t cstr_len(const uint8_t *d, uint32_t n)
{
	const uint8_t *z = memchr(d, 0, n);
	return z ? (uint32_t)(z - d) : n;
}

/* Suricata's PgsqlParameters names: its own spelling of the well-known
 * ones, the name itself for others (NULL here). */
static const char *param_name(const uint8_t *d, uint32_t n)
{
	static const struct {
		const char *wire, *name;
	} known[] = {
	    {"user", "user"},
	    {"database", "database"},
	    {"options", "options"},
	    {"replication", "replication"},
	    {"server_version", "server_version"},
	    {"server_encoding", "server_encoding"},
	    {"client_encoding", "client_encoding"},
	    {"application_name", "application_name"},
	    {"default_transaction_read_only", "default_transaction_read_only"},
	    {"in_hot_standby", "in_hot_standby"},
	    {"is_superuser", "is_superuser"},
	    {"session_authorization", "session_authorization"},
	    {"DateStyle", "date_style"},
	    {"IntervalStyle", "interval_style"},
	    {"TimeZone", "time_zone"},
	    {"integer_datetimes", "integer_datetimes"},
	    {"standard_conforming_strings", "standard_conforming_strings"},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].wire) == n && memcmp(known[i].wire, d, n) == 0)
			return known[i].name;
	return NULL;
}

/* name\0value\0 pairs up to an empty name; false when malformed. */
static bool read_pairs(const uint8_t *d, uint32_t n, struct pgsql_pair **out, uint32_t *count)
{
	uint32_t off = 0;
	while (off < n && d[off] != 0) {
		uint32_t nl = cstr_len(d + off, n - off);
		if (off + nl >= n)
			return false;
		const uint8_t *name = d + off;
		off += nl + 1;
		uint32_t vl = cstr_len(d + off, n - off);
		if (off + vl >= n)
			return false;
		if (*count < PGSQL_MAX_PARAMS) {
			struct pgsql_pair *np = realloc(*out, (*count + 1) * sizeof(*np));
			if (np == NULL)
				return false;
			*out = np;
			struct pgsql_pair *p = &np[(*count)++];
			memset(p, 0, sizeof(*p));
			p->name = param_name(name, nl);
			if (p->name == NULL)
				bytes_set(&p->raw_name, name, nl);
			bytes_set(&p->value, d + off, vl);
		}
		off += vl + 1;
	}
	return true;
}

static void pairs_free(struct pgsql_pair *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		free(v[i].raw_name.p);
		free(v[i].value.p);
	}
	free(v);
}

/* ------------------------------------------------------------ transactions */

static void tx_free(struct pgsql_tx *tx)
{
	pairs_free(tx->params, tx->n_params);
	free(tx->req_value.p);
	for (uint32_t i = 0; i < tx->n_resps; i++) {
		struct pgsql_resp *r = &tx->resps[i];
		free(r->payload.p);
		free(r->payload2.p);
		pairs_free(r->fields, r->n_fields);
	}
	free(tx->resps);
	free(tx);
}

static struct pgsql_tx *last_tx(struct pgsql_state *s)
{
	return s->n_txs ? s->txs[s->n_txs - 1] : NULL;
}

static struct pgsql_tx *tx_new(struct pgsql_state *s)
{
	if (s->n_txs == s->cap_txs) {
		uint32_t cap = s->cap_txs ? s->cap_txs * 2 : 8;
		struct pgsql_tx **nv = realloc(s->txs, cap * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		s->txs = nv;
		s->cap_txs = cap;
	}
	struct pgsql_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->id = s->next_id++;
	if (s->n_txs >= PGSQL_MAX_TX) {
		/* the oldest one open is completed (and so logged and released) */
		for (uint32_t i = 0; i < s->n_txs; i++) {
			struct pgsql_tx *o = s->txs[i];
			if (!o->res_done) {
				o->req_done = o->res_done = true;
				tx->events |= 1u << PGSQL_EV_TOO_MANY_TRANSACTIONS;
				break;
			}
		}
	}
	s->txs[s->n_txs++] = tx;
	return tx;
}

/* Suricata's find_or_create_tx: the states after which the next message
 * starts a new transaction. */
static struct pgsql_tx *find_or_create(struct pgsql_state *s)
{
	switch (s->progress) {
	case P_IDLE:
	case P_STARTUP:
	case P_PASSWORD:
	case P_SASL_INITIAL:
	case P_SASL_RESPONSE:
	case P_QUERY:
	case P_SSL_REQUEST:
	case P_TERMINATED:
	case P_CANCEL: return tx_new(s);
	default: return last_tx(s);
	}
}

static void event(struct pgsql_state *s, enum pgsql_event ev)
{
	struct pgsql_tx *tx = last_tx(s);
	if (tx == NULL)
		tx = tx_new(s);
	if (tx != NULL)
		tx->events |= 1u << ev;
}

static struct pgsql_resp *resp_add(struct pgsql_tx *tx, enum pgsql_resp_kind kind)
{
	if (tx->n_resps >= PGSQL_MAX_RESP) {
		tx->resps_dropped++;
		return NULL;
	}
	if (tx->n_resps == tx->cap_resps) {
		uint32_t cap = tx->cap_resps ? tx->cap_resps * 2 : 4;
		struct pgsql_resp *nv = realloc(tx->resps, cap * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		tx->resps = nv;
		tx->cap_resps = cap;
	}
	struct pgsql_resp *r = &tx->resps[tx->n_resps++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	return r;
}

/* ------------------------------------------------------------ requests */

/* The request a message is, by the conversation's state (Suricata's
 * state_based_req_parsing): 'p' is a password, or a SASL message. */
static bool request(struct pgsql_state *s, const uint8_t *m, uint32_t n)
{
	struct pgsql_tx tmp = {0};
	enum progress next = s->progress;
	bool known = true;
	if (m[0] == 0) {
		/* untyped: length, code */
		uint32_t code = be32(m + 4);
		uint16_t major = (uint16_t)(code >> 16), minor = (uint16_t)code;
		if (major == 1234 && minor == 5679 && n == 8) {
			tmp.req = PGSQL_REQ_SSL;
			next = P_SSL_REQUEST;
		} else if (major == 1234 && minor == 5678 && n == 16) {
			tmp.req = PGSQL_REQ_CANCEL;
			tmp.cancel_pid = be32(m + 8);
			tmp.cancel_key = be32(m + 12);
			next = P_CANCEL;
		} else if (major == 3) {
			tmp.req = PGSQL_REQ_STARTUP;
			tmp.proto_major = major;
			tmp.proto_minor = minor;
			if (!read_pairs(m + 8, n - 8, &tmp.params, &tmp.n_params)) {
				pairs_free(tmp.params, tmp.n_params);
				return false;
			}
			next = P_STARTUP;
		} else {
			return false;
		}
	} else {
		const uint8_t *body = m + 5;
		uint32_t bl = n - 5;
		switch (m[0]) {
		case 'Q':
			tmp.req = PGSQL_REQ_QUERY;
			bytes_set(&tmp.req_value, body, cstr_len(body, bl));
			next = P_QUERY;
			break;
		case 'X':
			tmp.req = PGSQL_REQ_TERMINATE;
			next = P_TERMINATED;
			break;
		case 'p':
			if (s->progress == P_SASL_AUTH) {
				uint32_t ml = cstr_len(body, bl);
				if (ml + 5 > bl)
					return false;
				if (ml == 13 && memcmp(body, "SCRAM-SHA-256", 13) == 0)
					tmp.sasl_mech = 1;
				else if (ml == 18 && memcmp(body, "SCRAM-SHA-256-PLUS", 18) == 0)
					tmp.sasl_mech = 2;
				else
					return false;
				uint32_t pl = be32(body + ml + 1);
				uint32_t have = bl - ml - 5;
				tmp.req = PGSQL_REQ_SASL_INITIAL;
				bytes_set(&tmp.req_value, body + ml + 5,
					  pl != UINT32_MAX && pl < have ? pl : have);
				next = P_SASL_INITIAL;
			} else if (s->progress == P_SASL_INITIAL || s->progress == P_SASL_CONTINUE) {
				tmp.req = PGSQL_REQ_SASL_RESPONSE;
				bytes_set(&tmp.req_value, body, bl);
				next = P_SASL_RESPONSE;
			} else {
				tmp.req = PGSQL_REQ_PASSWORD;
				bytes_set(&tmp.req_value, body, cstr_len(body, bl));
				next = P_PASSWORD;
			}
			break;
		default:
			tmp.req = PGSQL_REQ_UNKNOWN; /* extended query, copy, ...: not logged */
			known = false;
			break;
		}
	}
	if (known)
		s->progress = next;
	struct pgsql_tx *tx = find_or_create(s);
	if (tx == NULL) {
		pairs_free(tmp.params, tmp.n_params);
		free(tmp.req_value.p);
		return true;
	}
	/* as Suricata, the request replaces the transaction's earlier one */
	pairs_free(tx->params, tx->n_params);
	free(tx->req_value.p);
	tx->req = tmp.req;
	tx->proto_major = tmp.proto_major;
	tx->proto_minor = tmp.proto_minor;
	tx->params = tmp.params;
	tx->n_params = tmp.n_params;
	tx->req_value = tmp.req_value;
	tx->sasl_mech = tmp.sasl_mech;
	tx->cancel_pid = tmp.cancel_pid;
	tx->cancel_key = tmp.cancel_key;
	if (known) {
		tx->req_done = true;
		if (next == P_TERMINATED || next == P_CANCEL)
			tx->res_done = true; /* no answer comes */
	}
	return true;
}

/* ------------------------------------------------------------ responses */

static bool response_complete(enum progress p)
{
	return p == P_READY || p == P_SSL_REJECTED || p == P_SIMPLE_AUTH || p == P_SASL_AUTH ||
	       p == P_SASL_CONTINUE || p == P_SASL_FINAL || p == P_FINISHED;
}

/* Error and notice fields: [type][string\0] ... [0]. */
static const char *error_field(uint8_t t)
{
	switch (t) {
	case 'S': return "severity_localizable";
	case 'V': return "severity_non_localizable";
	case 'C': return "code";
	case 'M': return "message";
	case 'D': return "detail";
	case 'H': return "hint";
	case 'P': return "position";
	case 'p': return "internal_position";
	case 'q': return "internal_query";
	case 'W': return "where";
	case 's': return "schema_name";
	case 't': return "table_name";
	case 'c': return "column_name";
	case 'd': return "data_type";
	case 'n': return "constraint_name";
	case 'F': return "file";
	case 'L': return "line";
	case 'R': return "routine";
	default: return "unknown_field";
	}
}

static bool read_error_fields(struct pgsql_resp *r, const uint8_t *d, uint32_t n)
{
	uint32_t off = 0;
	while (off < n && d[off] != 0) {
		uint8_t t = d[off++];
		uint32_t vl = cstr_len(d + off, n - off);
		if (off + vl >= n)
			return false;
		if (r->n_fields < PGSQL_MAX_PARAMS) {
			struct pgsql_pair *np = realloc(r->fields, (r->n_fields + 1) * sizeof(*np));
			if (np == NULL)
				return false;
			r->fields = np;
			struct pgsql_pair *p = &np[r->n_fields++];
			memset(p, 0, sizeof(*p));
			p->name = error_field(t);
			bytes_set(&p->value, d + off, vl);
		}
		off += vl + 1;
	}
	return true;
}

static uint64_t data_row_bytes(const uint8_t *d, uint32_t n, bool *ok)
{
	*ok = false;
	if (n < 2)
		return 0;
	uint16_t cols = be16(d);
	uint32_t off = 2;
	uint64_t sum = 0;
	for (uint16_t c = 0; c < cols; c++) {
		if (n - off < 4)
			return 0;
		uint32_t l = be32(d + off);
		off += 4;
		if (l == 0xffffffffu)
			continue; /* NULL */
		if (l > n - off)
			return 0;
		sum += l;
		off += l;
	}
	*ok = true;
	return sum;
}

/* One backend message (m[0] the type, n its whole length). */
static bool response(struct pgsql_state *s, const uint8_t *m, uint32_t n)
{
	const uint8_t *body = m + 5;
	uint32_t bl = n - 5;
	enum progress next = s->progress;
	bool changes = true;
	struct pgsql_resp tmp = {0};
	tmp.kind = PGSQL_RESP_UNKNOWN;
	bool ok = true;
	switch (m[0]) {
	case 'R': {
		if (bl < 4)
			return false;
		uint32_t type = be32(body);
		const uint8_t *rest = body + 4;
		uint32_t rl = bl - 4;
		switch (type) {
		case 0: tmp.kind = PGSQL_RESP_AUTH_OK; next = P_AUTH_OK; break;
		case 2: tmp.kind = PGSQL_RESP_AUTH_KERB5; changes = false; break;
		case 3: tmp.kind = PGSQL_RESP_AUTH_CLEARTEXT; next = P_SIMPLE_AUTH; break;
		case 5:
			if (rl < 4)
				return false;
			tmp.kind = PGSQL_RESP_AUTH_MD5;
			bytes_set(&tmp.payload, rest, 4);
			next = P_SIMPLE_AUTH;
			break;
		case 7: tmp.kind = PGSQL_RESP_AUTH_GSS; changes = false; break;
		case 8: tmp.kind = PGSQL_RESP_AUTH_GSS_CONTINUE; changes = false; break;
		case 9:
			tmp.kind = PGSQL_RESP_AUTH_SSPI;
			bytes_set(&tmp.payload, rest, rl);
			changes = false;
			break;
		case 10: tmp.kind = PGSQL_RESP_AUTH_SASL; next = P_SASL_AUTH; break;
		case 11:
			tmp.kind = PGSQL_RESP_AUTH_SASL_CONTINUE;
			bytes_set(&tmp.payload, rest, rl);
			next = P_SASL_CONTINUE;
			break;
		case 12:
			tmp.kind = PGSQL_RESP_AUTH_SASL_FINAL;
			bytes_set(&tmp.payload, rest, rl);
			next = P_SASL_FINAL;
			break;
		default: return false;
		}
		break;
	}
	case 'S':
		tmp.kind = PGSQL_RESP_PARAMETER_STATUS;
		ok = read_pairs(body, bl, &tmp.fields, &tmp.n_fields) && tmp.n_fields == 1;
		next = P_PARAMETER;
		break;
	case 'K':
		if (bl < 8)
			return false;
		tmp.kind = PGSQL_RESP_BACKEND_KEY;
		tmp.n1 = be32(body);
		tmp.n2 = be32(body + 4);
		next = P_BACKEND_KEY;
		break;
	case 'Z':
		if (bl < 1)
			return false;
		tmp.kind = PGSQL_RESP_READY;
		next = P_READY;
		break;
	case 'T':
		if (bl < 2)
			return false;
		tmp.kind = PGSQL_RESP_ROW_DESCRIPTION;
		tmp.n1 = be16(body);
		next = P_ROW_DESCRIPTION;
		break;
	case 'D':
		tmp.kind = PGSQL_RESP_DATA_ROWS;
		tmp.n2 = data_row_bytes(body, bl, &ok);
		next = P_DATA_ROW;
		break;
	case 'C':
		tmp.kind = PGSQL_RESP_COMMAND_COMPLETE;
		bytes_set(&tmp.payload, body, cstr_len(body, bl));
		next = P_COMMAND_COMPLETE;
		break;
	case 'E':
	case 'N':
		tmp.kind = m[0] == 'E' ? PGSQL_RESP_ERROR : PGSQL_RESP_NOTICE;
		ok = read_error_fields(&tmp, body, bl);
		if (m[0] == 'E')
			next = P_ERROR;
		else
			changes = false;
		break;
	case 'A': {
		if (bl < 4)
			return false;
		tmp.kind = PGSQL_RESP_NOTIFICATION;
		tmp.n1 = be32(body);
		uint32_t cl = cstr_len(body + 4, bl - 4);
		bytes_set(&tmp.payload, body + 4, cl);
		if (4 + cl + 1 <= bl)
			bytes_set(&tmp.payload2, body + 5 + cl, cstr_len(body + 5 + cl, bl - 5 - cl));
		changes = false;
		break;
	}
	default: changes = false; break;
	}
	if (!ok) {
		free(tmp.payload.p);
		free(tmp.payload2.p);
		pairs_free(tmp.fields, tmp.n_fields);
		return false;
	}
	if (changes)
		s->progress = next;
	struct pgsql_tx *tx = find_or_create(s);
	if (tx == NULL) {
		free(tmp.payload.p);
		free(tmp.payload2.p);
		pairs_free(tmp.fields, tmp.n_fields);
		return true;
	}
	if (tmp.kind == PGSQL_RESP_DATA_ROWS) {
		/* summed; written out before the CommandComplete */
		tx->rows++;
		tx->row_bytes += tmp.n2;
		return true;
	}
	if (tmp.kind == PGSQL_RESP_COMMAND_COMPLETE && tx->rows > 0) {
		struct pgsql_resp *dr = resp_add(tx, PGSQL_RESP_DATA_ROWS);
		if (dr != NULL) {
			dr->n1 = tx->rows;
			dr->n2 = tx->row_bytes;
		}
	}
	struct pgsql_resp *r = resp_add(tx, tmp.kind);
	if (r == NULL) {
		free(tmp.payload.p);
		free(tmp.payload2.p);
		pairs_free(tmp.fields, tmp.n_fields);
	} else {
		*r = tmp;
	}
	if (changes && tmp.kind != PGSQL_RESP_COMMAND_COMPLETE && response_complete(next)) {
		tx->req_done = true;
		tx->res_done = true;
	}
	return true;
}

/* The one-byte answer to an SSLRequest. */
static bool ssl_answer(struct pgsql_state *s, uint8_t b)
{
	if (b != 'S' && b != 'N')
		return false;
	s->progress = b == 'S' ? P_FINISHED : P_SSL_REJECTED;
	struct pgsql_tx *tx = find_or_create(s);
	if (tx != NULL) {
		(void)resp_add(tx, b == 'S' ? PGSQL_RESP_SSL_ACCEPTED : PGSQL_RESP_SSL_REJECTED);
		tx->req_done = tx->res_done = true;
	}
	if (b == 'S')
		s->tls = true;
	return true;
}

/* ------------------------------------------------------------ framing */

/* Length of the message at d (n bytes at hand): 0 = not enough to tell,
 * UINT32_MAX = malformed. */
static uint32_t msg_len(enum app_dir dir, const uint8_t *d, uint32_t n)
{
	bool untyped = dir == APP_TOSERVER && d[0] == 0;
	uint32_t hdr = untyped ? 8 : 5;
	if (n < hdr)
		return 0;
	uint32_t l = untyped ? be32(d) : be32(d + 1);
	if (untyped ? l < 8 : (l < 4 || l == UINT32_MAX)) /* l + 1 must not wrap to 0 */
		return UINT32_MAX;
	return untyped ? l : l + 1;
}

static bool handle(struct pgsql_state *s, enum app_dir dir, const uint8_t *m, uint32_t n)
{
	return dir == APP_TOSERVER ? request(s, m, n) : response(s, m, n);
}

static bool buf_put(struct dirbuf *b, const uint8_t *d, uint32_t n)
{
	if (b->len + n > b->cap) {
		uint32_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *nb = realloc(b->buf, cap);
		if (nb == NULL)
			return false;
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, d, n);
	b->len += n;
	return true;
}

/* Whether d plausibly starts a message of this direction (after a gap). */
static bool looks_like_start(enum app_dir dir, const uint8_t *d, uint32_t n)
{
	return (dir == APP_TOSERVER ? pgsql_probe_request(d, n) : pgsql_probe_response(d, n)) ==
	       APP_PROBE_MATCH;
}

enum app_parse_result pgsql_parse(struct pgsql_state *s, enum app_dir dir, const uint8_t *d,
				  uint32_t n, uint32_t flags)
{
	struct dirbuf *b = &s->dir[dir];
	if (flags & APP_CHUNK_GAP) {
		b->len = 0;
		b->skip = 0;
		b->gap = true;
	}
	if (s->tls)
		return APP_PARSE_CHANGE;
	if (s->failed[dir])
		return APP_PARSE_ERROR;
	if (n == 0)
		return APP_PARSE_OK;
	if (b->gap) {
		if (!looks_like_start(dir, d, n))
			return APP_PARSE_OK; /* out of step: wait for a message start */
		b->gap = false;
	}
	while (n > 0) {
		if (b->skip > 0) {
			uint32_t k = b->skip < n ? b->skip : n;
			b->skip -= k;
			d += k;
			n -= k;
			continue;
		}
		if (dir == APP_TOCLIENT && s->progress == P_SSL_REQUEST && b->len == 0) {
			if (!ssl_answer(s, d[0])) {
				event(s, PGSQL_EV_MALFORMED_RESPONSE);
				s->failed[dir] = true;
				return APP_PARSE_ERROR;
			}
			if (s->tls)
				return APP_PARSE_CHANGE;
			d++;
			n--;
			continue;
		}
		const uint8_t *m = d;
		uint32_t have = n;
		if (b->len > 0) {
			/* complete what is held: the header, then the message */
			uint32_t need = msg_len(dir, b->buf, b->len);
			if (need == 0)
				need = (dir == APP_TOSERVER && b->buf[0] == 0) ? 8 : 5;
			if (need == UINT32_MAX || need <= b->len)
				goto malformed;
			uint32_t take = need - b->len < n ? need - b->len : n;
			if (!buf_put(b, d, take))
				goto malformed;
			d += take;
			n -= take;
			uint32_t ml = msg_len(dir, b->buf, b->len);
			if (ml == UINT32_MAX)
				goto malformed;
			if (ml > PGSQL_MAX_MSG) {
				/* too long to hold: skipped */
				event(s, PGSQL_EV_INVALID_LENGTH);
				b->skip = ml - b->len;
				b->len = 0;
				continue;
			}
			if (ml == 0 || b->len < ml)
				continue;
			m = b->buf;
			have = b->len;
		}
		uint32_t ml = msg_len(dir, m, have);
		if (ml == UINT32_MAX)
			goto malformed;
		if (ml == 0 || have < ml) {
			if (ml > PGSQL_MAX_MSG) {
				/* too long to hold: skipped */
				event(s, PGSQL_EV_INVALID_LENGTH);
				b->skip = ml - have;
				b->len = 0;
				if (m == d) {
					d += have;
					n -= have;
				}
				continue;
			}
			if (m == d) {
				if (!buf_put(b, d, n))
					goto malformed;
				n = 0;
			}
			continue;
		}
		bool good = handle(s, dir, m, ml);
		if (m == d) {
			d += ml;
			n -= ml;
		} else {
			b->len = 0;
		}
		if (!good)
			goto malformed;
	}
	return s->tls ? APP_PARSE_CHANGE : APP_PARSE_OK;
malformed:
	event(s, dir == APP_TOSERVER ? PGSQL_EV_MALFORMED_REQUEST : PGSQL_EV_MALFORMED_RESPONSE);
	b->len = 0;
	s->failed[dir] = true;
	return APP_PARSE_ERROR;
}

/* ------------------------------------------------------------ probes */

static bool known_request_type(uint8_t t)
{
	return t == 'Q' || t == 'X' || t == 'p';
}

static bool known_response_type(uint8_t t)
{
	return strchr("RSKZTDCENA", t) != NULL && t != 0;
}

enum app_probe_result pgsql_probe_request(const uint8_t *d, uint32_t n)
{
	if (n < 1)
		return APP_PROBE_NEED_MORE;
	if (d[0] == 0) {
		if (n < 8)
			return APP_PROBE_NEED_MORE;
		uint32_t l = be32(d), code = be32(d + 4);
		uint16_t major = (uint16_t)(code >> 16), minor = (uint16_t)code;
		if ((major == 1234 && minor == 5679 && l == 8) ||
		    (major == 1234 && minor == 5678 && l == 16) ||
		    (major == 3 && l >= 8 && l <= PGSQL_MAX_MSG))
			return APP_PROBE_MATCH;
		return APP_PROBE_NO;
	}
	if (!known_request_type(d[0]))
		return APP_PROBE_NO;
	if (n < 5)
		return APP_PROBE_NEED_MORE;
	return be32(d + 1) >= 4 ? APP_PROBE_MATCH : APP_PROBE_NO;
}

enum app_probe_result pgsql_probe_response(const uint8_t *d, uint32_t n)
{
	if (n < 1)
		return APP_PROBE_NEED_MORE;
	if (n == 1 && (d[0] == 'S' || d[0] == 'N'))
		return APP_PROBE_MATCH; /* the answer to an SSLRequest */
	if (!known_response_type(d[0]))
		return APP_PROBE_NO;
	if (n < 5)
		return APP_PROBE_NEED_MORE;
	return be32(d + 1) >= 4 ? APP_PROBE_MATCH : APP_PROBE_NO;
}

/* ------------------------------------------------------------ state */

struct pgsql_state *pgsql_state_new(void)
{
	return calloc(1, sizeof(struct pgsql_state));
}

void pgsql_state_free(struct pgsql_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s->dir[0].buf);
	free(s->dir[1].buf);
	free(s);
}

uint64_t pgsql_tx_count(const struct pgsql_state *s)
{
	return s->next_id;
}

const struct pgsql_tx *pgsql_tx_get(const struct pgsql_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct pgsql_tx, id));
}

void pgsql_tx_release_upto(struct pgsql_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		tx_free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
		s->n_txs -= k;
	}
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe_port(const struct app_probe_in *in, const uint8_t *d,
					  uint32_t n)
{
	if (!in->tcp)
		return APP_PROBE_NO;
	return in->dir == APP_TOSERVER ? pgsql_probe_request(d, n) : pgsql_probe_response(d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return pgsql_state_new();
}

static void d_state_free(void *st)
{
	pgsql_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return pgsql_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return pgsql_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return pgsql_tx_get(st, id);
}

static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	const struct pgsql_tx *tx = vtx;
	bool done = dir == APP_TOSERVER ? tx->req_done : tx->res_done;
	return done || eof ? APP_SIDE_READY : APP_SIDE_PENDING;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	(void)st;
	const struct pgsql_tx *tx = vtx;
	return tx->res_done || flow_end ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	pgsql_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *vtx, int ev)
{
	(void)st;
	const struct pgsql_tx *tx = vtx;
	return ev >= 0 && ev < PGSQL_EV_COUNT && (tx->events & (1u << ev));
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)st;
	pgsql_tx_log_json(j, tx, opts);
}

static uint32_t d_eve_options(const struct config_node *opts)
{
	return config_get_bool(opts, "passwords", false) ? PGSQL_LOG_PASSWORDS : 0;
}

static int d_change_expect(const void *st)
{
	(void)st;
	return APP_PROTO_TLS;
}

const struct app_protocol app_pgsql = {
    .name = "pgsql",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "5432",
    .probe_port = d_probe_port,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = pgsql_event_names,
    .n_events = PGSQL_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "pgsql",
    .log_json = d_log_json,
    .eve_options = d_eve_options,
    .change_expect = d_change_expect,
};
