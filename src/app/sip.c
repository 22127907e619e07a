/*
 * sip.c — the SIP parser with SDP bodies, over UDP and TCP, and the
 * descriptor app_sip.  EVE writer: sip-log.c.  As Suricata 8 defines it
 * (rust/src/sip/sip.rs, parser.rs; rust/src/sdp/parser.rs):
 *
 *   - One transaction per message.  To the server a message must be a
 *     request ("METHOD uri SIP/2.0"), to the client a response
 *     ("SIP/2.0 code reason"); anything else is invalid_data, and a
 *     message whose header section does not end is incomplete_data (the
 *     event goes on the flow's newest live transaction, as Suricata sets
 *     it; with none it is lost, as in Suricata).
 *   - Headers are "name: value" lines, continuation lines (starting with
 *     a space or tab) fold into the value; compact names (RFC 3261
 *     7.3.3: f t v c l i m) count as their long forms for the keywords.
 *     A header may appear several times: each value is an instance.
 *   - UDP: a datagram is one message, its body is the rest.  TCP: a
 *     message is its header section plus Content-Length bytes of body
 *     (0 without one); bytes are buffered until it is complete.
 *   - A body whose Content-Type is application/sdp is parsed as SDP:
 *     "x=value" lines, v= first; lines after an m= line belong to that
 *     media section.  A malformed line ends the description there.
 *   - Frames (Suricata 8's SIPFrameType): pdu, request.line /
 *     response.line (with its line end), request.headers /
 *     response.headers (up to the empty line), request.body /
 *     response.body, each with its transaction.
 *
 * Bounds: every read is checked against the length a parse call was
 * given or a message's kept length.  TCP buffers at most SIP_MAX_MESSAGE
 * bytes per direction (a longer message: invalid_data, the buffer is
 * dropped and parsing resumes at the next line that starts a message);
 * per message at most SIP_MAX_HEADERS headers and SIP_MAX_SDP_LINES SDP
 * lines are kept; at most SIP_MAX_LIVE_TXS unreleased transactions
 * holding at most SIP_STATE_MEMCAP message bytes (the oldest go first;
 * the framework logs and releases each long before).  No global mutable
 * state.
 */
#include "app/sip.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/frame.h"

struct sip_buf {
	uint8_t *d;
	uint32_t len, cap;
	bool skipping; /* after an overlong message: dropping to a line start */
	uint64_t base; /* stream offset of d[0] (frames) */
};

struct sip_state {
	bool tcp;
	struct sip_buf buf[2];
	struct sip_tx **txs;
	uint32_t n_txs, cap_txs;
	uint64_t next_id;
	uint64_t held; /* message bytes of the live transactions */
};

static const char *const sip_frame_names[SIP_FRAME_COUNT] = {
    [SIP_FRAME_PDU] = "pdu",
    [SIP_FRAME_REQUEST_LINE] = "request.line",
    [SIP_FRAME_REQUEST_HEADERS] = "request.headers",
    [SIP_FRAME_REQUEST_BODY] = "request.body",
    [SIP_FRAME_RESPONSE_LINE] = "response.line",
    [SIP_FRAME_RESPONSE_HEADERS] = "response.headers",
    [SIP_FRAME_RESPONSE_BODY] = "response.body",
};

static const char *const sip_event_names[SIP_EV_COUNT] = {
    [SIP_EV_INCOMPLETE_DATA] = "incomplete_data",
    [SIP_EV_INVALID_DATA] = "invalid_data",
};

/* ------------------------------------------------------------ lines */

/* The line at i: [i, *end) without its CR LF; *next after the LF.  false
 * when no LF follows within n. */
static bool next_line(const uint8_t *d, uint32_t n, uint32_t i, uint32_t *end, uint32_t *next)
{
	const uint8_t *lf = i < n ? memchr(d + i, '\n', n - i) : NULL;
	if (lf == NULL)
		return false;
	uint32_t e = (uint32_t)(lf - d);
	*next = e + 1;
	if (e > i && d[e - 1] == '\r')
		e--;
	*end = e;
	return true;
}

static bool is_token(uint8_t c)
{
	return isalnum(c) || (c != 0 && strchr("!%'*+-._`~", c) != NULL);
}

static bool is_version(const uint8_t *p, uint32_t n)
{
	if (n < 5 || memcmp(p, "SIP/", 4) != 0)
		return false;
	for (uint32_t i = 4; i < n; i++)
		if (!isalnum(p[i]) && p[i] != '.' && p[i] != '/')
			return false;
	return true;
}

/* "METHOD uri SIP/x.y" in [0, n). */
static bool parse_request_line(struct sip_tx *tx, const uint8_t *p, uint32_t n)
{
	uint32_t i = 0;
	while (i < n && isalpha(p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ' ')
		return false;
	tx->method = (struct sip_span){0, i};
	uint32_t u = ++i;
	while (i < n && p[i] > ' ' && p[i] < 0x7f)
		i++;
	if (i == u || i >= n || p[i] != ' ')
		return false;
	tx->uri = (struct sip_span){u, i - u};
	i++;
	if (!is_version(p + i, n - i))
		return false;
	tx->version = (struct sip_span){i, n - i};
	return true;
}

/* "SIP/x.y code reason" in [0, n). */
static bool parse_status_line(struct sip_tx *tx, const uint8_t *p, uint32_t n)
{
	uint32_t i = 0;
	while (i < n && p[i] != ' ')
		i++;
	if (!is_version(p, i) || i + 4 >= n || p[i + 4] != ' ')
		return false;
	tx->version = (struct sip_span){0, i};
	for (uint32_t k = i + 1; k < i + 4; k++)
		if (!isdigit(p[k]))
			return false;
	tx->code = (struct sip_span){i + 1, 3};
	tx->reason = (struct sip_span){i + 5, n - (i + 5)};
	for (uint32_t k = i + 5; k < n; k++)
		if (p[k] < ' ' && p[k] != '\t')
			return false;
	return true;
}

/* ------------------------------------------------------------ headers */

static const struct {
	const char *name;
	char compact;
	enum sip_header_id id;
} known_headers[] = {
    {"From", 'f', SIP_H_FROM},
    {"To", 't', SIP_H_TO},
    {"Via", 'v', SIP_H_VIA},
    {"User-Agent", 0, SIP_H_USER_AGENT},
    {"Content-Type", 'c', SIP_H_CONTENT_TYPE},
    {"Content-Length", 'l', SIP_H_CONTENT_LENGTH},
    {"Call-ID", 'i', SIP_H_CALL_ID},
    {"Contact", 'm', SIP_H_CONTACT},
};

static enum sip_header_id header_id(const uint8_t *name, uint32_t n)
{
	for (size_t k = 0; k < sizeof(known_headers) / sizeof(known_headers[0]); k++) {
		if (n == 1 && known_headers[k].compact != 0 &&
		    tolower(name[0]) == known_headers[k].compact)
			return known_headers[k].id;
		if (strlen(known_headers[k].name) == n &&
		    strncasecmp((const char *)name, known_headers[k].name, n) == 0)
			return known_headers[k].id;
	}
	return SIP_H_OTHER;
}

static void trim(const uint8_t *d, uint32_t *a, uint32_t *b)
{
	while (*a < *b && (d[*a] == ' ' || d[*a] == '\t'))
		(*a)++;
	while (*b > *a && (d[*b - 1] == ' ' || d[*b - 1] == '\t' || d[*b - 1] == '\r'))
		(*b)--;
}

/* One "name: value" line [a, e); false when it is none. */
static bool add_header(struct sip_tx *tx, uint32_t a, uint32_t e, uint32_t *cap)
{
	const uint8_t *d = tx->data;
	uint32_t i = a;
	while (i < e && is_token(d[i]))
		i++;
	uint32_t name_end = i;
	while (i < e && (d[i] == ' ' || d[i] == '\t'))
		i++;
	if (name_end == a || i >= e || d[i] != ':')
		return false;
	uint32_t va = i + 1, vb = e;
	trim(d, &va, &vb);
	if (tx->n_headers == SIP_MAX_HEADERS)
		return true;
	if (tx->n_headers == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 16;
		struct sip_header *nh = realloc(tx->headers, nc * sizeof(*nh));
		if (nh == NULL)
			return true;
		tx->headers = nh;
		*cap = nc;
	}
	struct sip_header *h = &tx->headers[tx->n_headers++];
	h->name = (struct sip_span){a, name_end - a};
	h->value = (struct sip_span){va, vb - va};
	h->id = (uint8_t)header_id(d + a, name_end - a);
	return true;
}

/* Headers from i up to the empty line; *body gets where the body starts
 * and tx->headers_end where the empty line does.  0 ok, -1 malformed, -2
 * the section does not end. */
static int parse_headers(struct sip_tx *tx, uint32_t i, uint32_t *body)
{
	uint32_t cap = 0, e, next;
	const uint8_t *d = tx->data;
	uint32_t n = tx->len;
	while (next_line(d, n, i, &e, &next)) {
		if (e == i) {
			tx->headers_end = i;
			*body = next;
			return 0;
		}
		/* a continuation line folds into the header before it */
		uint32_t a = i, fe = e;
		while (next < n && (d[next] == ' ' || d[next] == '\t')) {
			uint32_t e2, n2;
			if (!next_line(d, n, next, &e2, &n2))
				return -2;
			fe = e2;
			next = n2;
		}
		if (!add_header(tx, a, fe, &cap))
			return -1;
		i = next;
	}
	return -2;
}

/* ------------------------------------------------------------ SDP */

static bool sdp_add(struct sip_tx *tx, char type, int media, uint32_t a, uint32_t b, uint32_t *cap)
{
	if (tx->n_sdp == SIP_MAX_SDP_LINES)
		return true;
	if (tx->n_sdp == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 16;
		struct sdp_line *nl = realloc(tx->sdp, nc * sizeof(*nl));
		if (nl == NULL)
			return false;
		tx->sdp = nl;
		*cap = nc;
	}
	tx->sdp[tx->n_sdp++] = (struct sdp_line){type, (int16_t)media, {a, b - a}};
	return true;
}

static void parse_sdp(struct sip_tx *tx)
{
	const uint8_t *d = tx->data;
	uint32_t i = tx->body.off, n = tx->body.off + tx->body.len;
	uint32_t cap = 0;
	int media = -1;
	while (i < n) {
		uint32_t e, next;
		if (!next_line(d, n, i, &e, &next)) {
			e = n;
			next = n;
			while (e > i && d[e - 1] == '\r')
				e--;
		}
		if (e == i) { /* blank lines end nothing: skip them */
			i = next;
			continue;
		}
		if (e - i < 2 || !isalpha(d[i]) || d[i + 1] != '=')
			break;
		char type = (char)tolower(d[i]);
		if (tx->n_sdp == 0 && type != 'v')
			return;
		if (type == 'm' && media < INT16_MAX)
			media++;
		if (!sdp_add(tx, type, media, i + 2, e, &cap))
			break;
		i = next;
	}
	tx->has_sdp = tx->n_sdp > 0;
}

static bool is_sdp_body(const struct sip_tx *tx)
{
	const uint8_t *v;
	uint32_t l;
	if (!sip_header_value(tx, SIP_H_CONTENT_TYPE, 0, &v, &l) || l < 15)
		return false;
	return strncasecmp((const char *)v, "application/sdp", 15) == 0 &&
	       (l == 15 || v[15] == ';' || v[15] == ' ' || v[15] == '\t');
}

/* ------------------------------------------------------------ messages */

void sip_tx_free(struct sip_tx *tx)
{
	if (tx == NULL)
		return;
	free(tx->data);
	free(tx->headers);
	free(tx->sdp);
	free(tx);
}

/* 0 ok, -1 invalid, -2 incomplete; *out the transaction. */
static int msg_parse(const uint8_t *d, uint32_t n, enum app_dir dir, struct sip_tx **out)
{
	*out = NULL;
	uint32_t e, next;
	if (!next_line(d, n, 0, &e, &next))
		return -2;
	struct sip_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return -1;
	tx->data = malloc(n ? n : 1);
	if (tx->data == NULL) {
		free(tx);
		return -1;
	}
	memcpy(tx->data, d, n);
	tx->len = n;
	tx->dir = dir;
	tx->is_request = dir == APP_TOSERVER;
	bool ok = tx->is_request ? parse_request_line(tx, d, e) : parse_status_line(tx, d, e);
	if (!ok) {
		sip_tx_free(tx);
		return -1;
	}
	tx->line = (struct sip_span){0, e};
	tx->line_end = next;
	uint32_t body = 0;
	int r = parse_headers(tx, next, &body);
	if (r != 0) {
		sip_tx_free(tx);
		return r;
	}
	tx->body = (struct sip_span){body, n - body};
	if (tx->body.len > 0 && is_sdp_body(tx))
		parse_sdp(tx);
	*out = tx;
	return 0;
}

struct sip_tx *sip_msg_parse(const uint8_t *d, uint32_t n, enum app_dir dir)
{
	struct sip_tx *tx;
	msg_parse(d, n, dir, &tx);
	return tx;
}

/* ------------------------------------------------------------ state */

/* As Suricata: on the newest live transaction; with none, nowhere. */
static void set_event(struct sip_state *s, enum sip_event ev)
{
	if (s->n_txs > 0)
		s->txs[s->n_txs - 1]->events |= 1u << ev;
}

static uint64_t tx_bytes(const struct sip_tx *tx)
{
	return tx->len + (uint64_t)tx->n_headers * sizeof(struct sip_header) +
	       (uint64_t)tx->n_sdp * sizeof(struct sdp_line);
}

static void drop_tx(struct sip_state *s, struct sip_tx *tx)
{
	s->held -= tx_bytes(tx);
	sip_tx_free(tx);
}

static void add_tx(struct sip_state *s, struct sip_tx *tx)
{
	while (s->n_txs > 0 &&
	       (s->n_txs >= SIP_MAX_LIVE_TXS || s->held + tx_bytes(tx) > SIP_STATE_MEMCAP)) {
		drop_tx(s, s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
		s->n_txs--;
	}
	if (s->n_txs == s->cap_txs) {
		uint32_t nc = s->cap_txs ? s->cap_txs * 2 : 8;
		struct sip_tx **nt = realloc(s->txs, nc * sizeof(*nt));
		if (nt == NULL) {
			sip_tx_free(tx);
			return;
		}
		s->txs = nt;
		s->cap_txs = nc;
	}
	tx->id = s->next_id++;
	s->held += tx_bytes(tx);
	s->txs[s->n_txs++] = tx;
}

/* A message's frames (Suricata 8's): the whole message, its first line
 * with its line end, the headers up to the empty line, the body. */
static void message_frames(const struct sip_tx *tx, uint64_t at)
{
	enum app_dir dir = tx->dir;
	uint8_t line = tx->is_request ? SIP_FRAME_REQUEST_LINE : SIP_FRAME_RESPONSE_LINE;
	uint8_t hdrs = tx->is_request ? SIP_FRAME_REQUEST_HEADERS : SIP_FRAME_RESPONSE_HEADERS;
	uint8_t body = tx->is_request ? SIP_FRAME_REQUEST_BODY : SIP_FRAME_RESPONSE_BODY;
	int64_t ids[4] = {
	    app_frame_new(dir, at, tx->len, SIP_FRAME_PDU),
	    app_frame_new(dir, at, tx->line_end, line),
	    app_frame_new(dir, at + tx->line_end, tx->headers_end - tx->line_end, hdrs),
	    tx->body.len > 0 ? app_frame_new(dir, at + tx->body.off, tx->body.len, body) : -1,
	};
	for (int i = 0; i < 4; i++)
		app_frame_set_tx(dir, ids[i], tx->id);
}

/* d[0] is at stream offset `at`. */
static void handle_message(struct sip_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			   uint64_t at)
{
	struct sip_tx *tx;
	int r = msg_parse(d, n, dir, &tx);
	if (r != 0) {
		set_event(s, r == -2 ? SIP_EV_INCOMPLETE_DATA : SIP_EV_INVALID_DATA);
		return;
	}
	uint64_t before = s->next_id;
	add_tx(s, tx);
	if (s->next_id != before)
		message_frames(tx, at);
}

/* The length of the complete message at the start of d (header section
 * plus Content-Length bytes), 0 when more is needed, -1 when the header
 * section says no length. */
static int64_t tcp_message_len(const uint8_t *d, uint32_t n)
{
	uint32_t i = 0, e, next;
	uint64_t clen = 0;
	while (next_line(d, n, i, &e, &next)) {
		if (e == i && i > 0) {
			uint64_t total = next + clen;
			return total <= n ? (int64_t)total : 0;
		}
		uint32_t c = i;
		while (c < e && d[c] != ':')
			c++;
		uint32_t na = i, nb = c;
		trim(d, &na, &nb);
		if (i > 0 && c < e && header_id(d + na, nb - na) == SIP_H_CONTENT_LENGTH) {
			uint32_t va = c + 1, vb = e;
			trim(d, &va, &vb);
			clen = 0;
			if (va == vb)
				return -1;
			for (uint32_t k = va; k < vb; k++) {
				if (!isdigit(d[k]) || clen > SIP_MAX_MESSAGE)
					return -1;
				clen = clen * 10 + (uint64_t)(d[k] - '0');
			}
		}
		i = next;
	}
	return 0;
}

static bool buf_append(struct sip_buf *b, const uint8_t *d, uint32_t n)
{
	if (b->len + (uint64_t)n > b->cap) {
		uint64_t nc = b->cap ? b->cap : 1024;
		while (nc < b->len + (uint64_t)n)
			nc *= 2;
		uint8_t *nd = realloc(b->d, nc);
		if (nd == NULL)
			return false;
		b->d = nd;
		b->cap = (uint32_t)nc;
	}
	memcpy(b->d + b->len, d, n);
	b->len += n;
	return true;
}

static void buf_consume(struct sip_buf *b, uint32_t k)
{
	memmove(b->d, b->d + k, b->len - k);
	b->len -= k;
	b->base += k;
	if (b->len == 0 && b->cap > 65536) {
		free(b->d);
		b->d = NULL;
		b->cap = 0;
	}
}

/* Drops bytes up to the next line start of b (after a bad or overlong
 * message); true when one was found. */
static bool buf_resync(struct sip_buf *b)
{
	const uint8_t *lf = b->len ? memchr(b->d, '\n', b->len) : NULL;
	if (lf == NULL) {
		b->base += b->len;
		b->len = 0;
		return false;
	}
	buf_consume(b, (uint32_t)(lf - b->d) + 1);
	return true;
}

static void tcp_parse(struct sip_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
		      uint32_t flags)
{
	struct sip_buf *b = &s->buf[dir];
	if (flags & APP_CHUNK_GAP) {
		b->len = 0;
		b->skipping = true;
	}
	/* the kept bytes came just before this call's */
	b->base = app_frame_offset() - b->len;
	while (n > 0) {
		uint32_t take = n;
		if (b->len + take > SIP_MAX_MESSAGE)
			take = SIP_MAX_MESSAGE - b->len;
		if (!buf_append(b, d, take))
			return;
		d += take;
		n -= take;
		for (;;) {
			if (b->skipping) {
				/* a gap or an overlong message: wait for a line
				 * that starts a message of this direction */
				while (b->len > 0 && sip_probe(b->d, b->len, dir) == APP_PROBE_NO)
					if (!buf_resync(b))
						break;
				if (b->len == 0 || sip_probe(b->d, b->len, dir) != APP_PROBE_MATCH)
					break;
				b->skipping = false;
			}
			int64_t ml = tcp_message_len(b->d, b->len);
			if (ml > 0) {
				handle_message(s, dir, b->d, (uint32_t)ml, b->base);
				buf_consume(b, (uint32_t)ml);
				continue;
			}
			if (ml < 0 || b->len == SIP_MAX_MESSAGE) {
				set_event(s, SIP_EV_INVALID_DATA);
				b->skipping = true;
				if (!buf_resync(b))
					break;
				continue;
			}
			break;
		}
	}
	if ((flags & APP_CHUNK_EOF) && b->len > 0 && !b->skipping) {
		set_event(s, SIP_EV_INCOMPLETE_DATA);
		b->len = 0;
	}
}

enum app_parse_result sip_parse(struct sip_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags)
{
	if (d == NULL || n == 0) {
		if (s->tcp && (flags & APP_CHUNK_EOF) && s->buf[dir].len > 0 &&
		    !s->buf[dir].skipping) {
			set_event(s, SIP_EV_INCOMPLETE_DATA);
			s->buf[dir].len = 0;
		}
		return APP_PARSE_OK;
	}
	if (s->tcp)
		tcp_parse(s, dir, d, n, flags);
	else
		handle_message(s, dir, d, n, app_frame_offset());
	return APP_PARSE_OK;
}

struct sip_state *sip_state_new(bool tcp)
{
	struct sip_state *s = calloc(1, sizeof(*s));
	if (s != NULL)
		s->tcp = tcp;
	return s;
}

void sip_state_free(struct sip_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		sip_tx_free(s->txs[i]);
	free(s->txs);
	free(s->buf[0].d);
	free(s->buf[1].d);
	free(s);
}

uint64_t sip_tx_count(const struct sip_state *s)
{
	return s->next_id;
}

const struct sip_tx *sip_tx_get(const struct sip_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct sip_tx, id));
}

void sip_tx_release_upto(struct sip_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		drop_tx(s, s->txs[k++]);
	if (k == 0)
		return;
	memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
	s->n_txs -= k;
}

/* ------------------------------------------------------------ accessors */

const uint8_t *sip_span_get(const struct sip_tx *tx, struct sip_span sp, uint32_t *len)
{
	*len = sp.len;
	return sp.len > 0 && sp.off + sp.len <= tx->len ? tx->data + sp.off : NULL;
}

bool sip_header_value(const struct sip_tx *tx, enum sip_header_id id, uint32_t k, const uint8_t **d,
		      uint32_t *l)
{
	for (uint32_t i = 0; i < tx->n_headers; i++) {
		if (tx->headers[i].id != id)
			continue;
		if (k-- == 0) {
			*l = tx->headers[i].value.len;
			*d = tx->data + tx->headers[i].value.off;
			return true;
		}
	}
	return false;
}

bool sip_sdp_value(const struct sip_tx *tx, char type, bool media, uint32_t k, const uint8_t **d,
		   uint32_t *l)
{
	for (uint32_t i = 0; i < tx->n_sdp; i++) {
		const struct sdp_line *ln = &tx->sdp[i];
		if (ln->type != type || (ln->media >= 0) != media)
			continue;
		if (k-- == 0) {
			*l = ln->value.len;
			*d = tx->data + ln->value.off;
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------ recognition */

/* The first line is a request line (to the server) or a status line (to
 * the client); NEED_MORE while it has not ended. */
enum app_probe_result sip_probe(const uint8_t *d, uint32_t n, enum app_dir dir)
{
	uint32_t e, next;
	if (n == 0)
		return APP_PROBE_NEED_MORE;
	if (!next_line(d, n, 0, &e, &next)) {
		if (n > 1024)
			return APP_PROBE_NO;
		/* a prefix that cannot become a SIP line is no SIP */
		uint32_t i = 0;
		if (dir == APP_TOSERVER) {
			while (i < n && isalpha(d[i]))
				i++;
			return i == n || d[i] == ' ' ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
		}
		uint32_t m = n < 4 ? n : 4;
		return memcmp(d, "SIP/", m) == 0 ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	}
	struct sip_tx tx;
	memset(&tx, 0, sizeof(tx));
	bool ok =
	    dir == APP_TOSERVER ? parse_request_line(&tx, d, e) : parse_status_line(&tx, d, e);
	return ok ? APP_PROBE_MATCH : APP_PROBE_NO;
}

/* ------------------------------------------------------------ descriptor */

/* A datagram must be a whole message (Suricata's UDP probe parses it);
 * on TCP a valid first line is enough.  The same probe runs on the SIP
 * port: the port alone decides nothing. */
static enum app_probe_result desc_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	enum app_probe_result r = sip_probe(d, n, in->dir);
	if (in->tcp || r != APP_PROBE_MATCH)
		return in->tcp ? r : APP_PROBE_NO;
	struct sip_tx *tx;
	if (msg_parse(d, n, in->dir, &tx) != 0)
		return APP_PROBE_NO;
	sip_tx_free(tx);
	return APP_PROBE_MATCH;
}

static void *desc_state_new(const struct app_flow_info *fi)
{
	return sip_state_new(fi != NULL && fi->tcp);
}

static void desc_state_free(void *st)
{
	sip_state_free(st);
}

static enum app_parse_result desc_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	return sip_parse(st, dir, d, n, flags);
}

static uint64_t desc_tx_count(const void *st)
{
	return sip_tx_count(st);
}

static const void *desc_tx_get(const void *st, uint64_t id)
{
	return sip_tx_get(st, id);
}

static enum app_side desc_tx_side(const void *st, const void *tx, enum app_dir dir, bool eof)
{
	(void)st;
	(void)eof;
	return ((const struct sip_tx *)tx)->dir == dir ? APP_SIDE_READY : APP_SIDE_NONE;
}

static enum app_log_decision desc_tx_log(const void *st, const void *tx, bool flow_end)
{
	(void)st;
	(void)tx;
	(void)flow_end;
	return APP_LOG_NOW;
}

static void desc_tx_release_upto(void *st, uint64_t id)
{
	sip_tx_release_upto(st, id);
}

static bool desc_tx_has_event(const void *st, const void *tx, int ev)
{
	(void)st;
	return ev >= 0 && ev < SIP_EV_COUNT && (((const struct sip_tx *)tx)->events & (1u << ev));
}

static void desc_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)st;
	(void)opts;
	sip_tx_log_json(j, tx);
}

static int desc_tx_msg_dir(const void *tx)
{
	return ((const struct sip_tx *)tx)->dir;
}

const struct app_protocol app_sip = {
    .name = "sip",
    .ipprotos = APP_IPPROTO_TCP | APP_IPPROTO_UDP,
    .tcp_ports = "5060,5061",
    .udp_ports = "5060",
    .probe = desc_probe,
    .probe_port = desc_probe,
    .state_new = desc_state_new,
    .state_free = desc_state_free,
    .parse = desc_parse,
    .tx_count = desc_tx_count,
    .tx_get = desc_tx_get,
    .tx_side = desc_tx_side,
    .tx_log = desc_tx_log,
    .tx_release_upto = desc_tx_release_upto,
    .event_names = sip_event_names,
    .n_events = SIP_EV_COUNT,
    .tx_has_event = desc_tx_has_event,
    .eve_type = "sip",
    .eve_no_tx_id = true,
    .log_json = desc_log_json,
    .tx_msg_dir = desc_tx_msg_dir,
    .frame_names = sip_frame_names,
    .n_frames = SIP_FRAME_COUNT,
};
