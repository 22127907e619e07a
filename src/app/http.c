/*
 * http — framing of HTTP/1.x messages and the transaction list.
 *
 * Each direction is a small state machine (struct http_dirp) fed with
 * whatever bytes arrive: lines are gathered in a bounded buffer (a line
 * past HTTP_LINE_LIMIT is cut, flagged, and the rest of it skipped), body
 * bytes are counted off Content-Length or chunk sizes without buffering.
 * A request opens a transaction; a response attaches to the oldest
 * transaction not yet answered (pipelining), or opens one of its own
 * when none is waiting.  Header handling lives in http-headers.c, URI
 * normalisation in http-uri.c, bodies and files in http-body.c.
 *
 * Where browsers and servers are lenient libhtp is too, and so is this
 * parser, because evasions live there (the http-evader suite): a header
 * line is held until the next line shows whether it is folded; a line of
 * whitespace is a fold when a header or the empty line follows and the
 * end of the headers otherwise; in a response a line of whitespace and
 * "Name:" starts a header rather than folding; "chunked" anywhere in
 * Transfer-Encoding means chunked, NUL bytes in it and in header names
 * ignored; CR, VT, FF (and NUL around chunk sizes) count as whitespace;
 * blank lines and a junk line followed by "H..." before a
 * status line are skipped; a response line that does not start with
 * "HTTP" starts a body that runs to the close.
 *
 * The parser only reads data[0..len) and holds no global mutable state.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/frame.h"
#include "app/http-internal.h"

_Static_assert(HTTP_EV__COUNT <= 64, "events are a 64-bit mask");

bool http_bytes_add(struct http_bytes *b, const void *d, uint32_t n, uint32_t limit)
{
	bool all = true;
	if (b->len >= limit)
		return n == 0;
	if (n > limit - b->len) {
		n = limit - b->len;
		all = false;
	}
	if (b->len + n > b->cap) {
		uint32_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n)
			cap = cap > UINT32_MAX / 2 ? b->len + n : cap * 2;
		uint8_t *p = realloc(b->p, cap);
		if (p == NULL)
			return false;
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, d, n);
	b->len += n;
	return all;
}

bool http_bytes_set(struct http_bytes *b, const void *d, uint32_t n)
{
	b->len = 0;
	return http_bytes_add(b, d, n, UINT32_MAX);
}

void http_bytes_free(struct http_bytes *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void http_tx_event(struct http_tx *tx, enum http_event ev)
{
	if (tx != NULL && (unsigned)ev < HTTP_EV__COUNT)
		tx->events |= 1ull << ev;
}

/* ---- state and transactions ------------------------------------------ */

void http_config_defaults(struct http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->request_body_limit = HTTP_BODY_LIMIT_DEFAULT;
	cfg->response_body_limit = HTTP_BODY_LIMIT_DEFAULT;
	cfg->decompress_limit = HTTP_DECOMPRESS_LIMIT_DEFAULT;
	cfg->decompress_layers = HTTP_DECOMPRESS_LAYERS_DEFAULT;
}

struct http_state *http_state_new(void)
{
	struct http_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	http_config_defaults(&s->cfg);
	s->server_port = -1;
	s->d[0].frame = s->d[1].frame = -1;
	return s;
}

void http_state_configure(struct http_state *s, const struct http_config *cfg)
{
	s->cfg = *cfg;
}

static void tx_free(struct http_tx *tx)
{
	http_msg_free(&tx->req);
	http_msg_free(&tx->resp);
	http_body_free(tx);
	http_bytes_free(&tx->method);
	http_bytes_free(&tx->uri_raw);
	http_bytes_free(&tx->uri_norm);
	http_bytes_free(&tx->host);
	http_bytes_free(&tx->host_raw);
	http_bytes_free(&tx->status_code);
	http_bytes_free(&tx->status_msg);
	free(tx);
}

void http_state_free(struct http_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->ntx; i++)
		tx_free(s->tx[i]);
	if (s->upgrade_released)
		tx_free(s->upgrade_tx);
	free(s->tx);
	for (int d = 0; d < 2; d++) {
		http_bytes_free(&s->d[d].line);
		http_bytes_free(&s->d[d].held);
		http_bytes_free(&s->d[d].pend);
		http_bytes_free(&s->d[d].junk);
	}
	free(s);
}

void http_state_set_server_port(struct http_state *s, uint16_t port)
{
	s->server_port = port;
}

uint32_t http_state_tunnel_left(const struct http_state *s, enum app_dir dir)
{
	return s->d[dir].tunnel_left;
}

const struct http_tx *http_state_upgrade_tx(const struct http_state *s)
{
	return s->change_to == APP_PROTO_HTTP2 ? s->upgrade_tx : NULL;
}

int http_state_change_to(const struct http_state *s)
{
	return s->change_to;
}

bool http_state_take_change(struct http_state *s)
{
	bool asked = s->change_asked;
	s->change_asked = false;
	return asked;
}

void http_state_change_refused(struct http_state *s)
{
	/* the transaction whose response asked for it: the newest */
	if (s->ntx > 0)
		http_tx_event(s->tx[s->ntx - 1], HTTP_EV_FAILED_PROTOCOL_CHANGE);
}

bool http_state_is_tunnel(const struct http_state *s)
{
	return s->tunnel;
}

static struct http_tx *tx_new(struct http_state *s)
{
	if (s->ntx >= HTTP_MAX_LIVE_TX)
		return NULL;
	if (s->ntx == s->tx_cap) {
		uint32_t cap = s->tx_cap ? s->tx_cap * 2 : 8;
		struct http_tx **v = realloc(s->tx, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		s->tx = v;
		s->tx_cap = cap;
	}
	struct http_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->id = s->next_id++;
	tx->port = -1;
	tx->req.content_length = -1;
	tx->resp.content_length = -1;
	if (s->ntx == 0)
		s->first_id = tx->id;
	s->tx[s->ntx++] = tx;
	return tx;
}

uint64_t http_tx_count(const struct http_state *s)
{
	return s->next_id;
}

struct http_tx *http_tx_get(const struct http_state *s, uint64_t id)
{
	if (s->ntx == 0 || id < s->first_id || id - s->first_id >= s->ntx)
		return NULL;
	return s->tx[id - s->first_id];
}

void http_tx_release_upto(struct http_state *s, uint64_t upto)
{
	uint32_t n = 0;
	while (n < s->ntx && s->tx[n]->id < upto &&
	       s->tx[n]->req.progress == HTTP_PROGRESS_COMPLETE &&
	       s->tx[n]->resp.progress == HTTP_PROGRESS_COMPLETE && s->tx[n] != s->d[0].tx &&
	       s->tx[n] != s->d[1].tx)
		n++;
	if (n == 0)
		return;
	for (uint32_t i = 0; i < n; i++) {
		if (s->tx[i] == s->upgrade_tx)
			s->upgrade_released = true; /* kept: freed with the state */
		else
			tx_free(s->tx[i]);
	}
	memmove(s->tx, s->tx + n, (s->ntx - n) * sizeof(*s->tx));
	s->ntx -= n;
	s->first_id = s->ntx ? s->tx[0]->id : s->next_id;
}

/* ---- small lexical helpers -------------------------------------------- */

static bool is_ws(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* libhtp's wider whitespace: also CR, VT and FF. */
static bool is_space(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Around a chunk size NUL is tolerated too. */
static bool is_chunk_space(uint8_t c)
{
	return is_space(c) || c == 0;
}

/* A line of nothing but whitespace (or nothing). */
static bool is_blank(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!is_space(p[i]))
			return false;
	return true;
}

/* Parses the header line held back for folding, if any. */
static void flush_pending(struct http_state *s, enum app_dir dir)
{
	struct http_dirp *dp = &s->d[dir];
	if (!dp->has_pend || dp->tx == NULL)
		return;
	struct http_msg *m = dir == APP_TOSERVER ? &dp->tx->req : &dp->tx->resp;
	dp->has_pend = false;
	http_header_line(dp->tx, m, dir, dp->pend.p ? dp->pend.p : (const uint8_t *)"",
			 dp->pend.len);
	dp->pend.len = 0;
}

static bool is_tchar(uint8_t c)
{
	return c > 32 && c < 127 && strchr("()<>@,;:\\\"/[]?={}", c) == NULL;
}

/* A response line that starts with whitespace but reads "Name:" after it
 * is a header of its own, not a continuation: libhtp looks for a name
 * after the folding whitespace of a response. */
static bool folded_line_is_header(const uint8_t *p, uint32_t n)
{
	uint32_t i = 1;
	while (i < n && is_ws(p[i]))
		i++;
	uint32_t t = i;
	while (i < n && is_tchar(p[i]))
		i++;
	if (i == t)
		return false;
	while (i < n && is_ws(p[i]))
		i++;
	return i < n && p[i] == ':';
}

/* A header line is held until the next line shows it is not folded. */
static void header_line(struct http_state *s, enum app_dir dir, const uint8_t *p, uint32_t n)
{
	struct http_dirp *dp = &s->d[dir];
	if (is_ws(p[0]) && dir == APP_TOCLIENT && dp->has_pend && folded_line_is_header(p, n)) {
		if (n > 1 && is_ws(p[1]))
			http_tx_event(dp->tx, HTTP_EV_INVALID_RESPONSE_FIELD_FOLDING);
		while (n > 0 && is_ws(p[0])) {
			p++;
			n--;
		}
	}
	if (is_ws(p[0])) {
		uint32_t i = 0;
		while (i < n && is_ws(p[i]))
			i++;
		if (dp->has_pend) {
			http_bytes_add(&dp->pend, " ", 1, HTTP_LINE_LIMIT);
			http_bytes_add(&dp->pend, p + i, n - i, HTTP_LINE_LIMIT);
			return;
		}
		http_tx_event(dp->tx, dir == APP_TOSERVER ? HTTP_EV_INVALID_REQUEST_FIELD_FOLDING
							  : HTTP_EV_INVALID_RESPONSE_FIELD_FOLDING);
		p += i;
		n -= i;
	}
	flush_pending(s, dir);
	dp->pend.len = 0;
	http_bytes_add(&dp->pend, p, n, HTTP_LINE_LIMIT);
	dp->has_pend = true;
}

static bool ieq_prefix(const uint8_t *p, uint32_t n, const char *pfx)
{
	size_t k = strlen(pfx);
	return n >= k && strncasecmp((const char *)p, pfx, k) == 0;
}

static bool is_known_method(const uint8_t *m, uint32_t n)
{
	static const char *const known[] = {
	    "GET",     "POST",	 "HEAD",     "PUT",	  "DELETE", "OPTIONS", "TRACE",
	    "CONNECT", "PATCH",	 "PROPFIND", "PROPPATCH", "MKCOL",  "COPY",    "MOVE",
	    "LOCK",    "UNLOCK", "CHECKOUT", "REPORT",	  "SEARCH", "MERGE",   NULL};
	for (int i = 0; known[i]; i++)
		if (strlen(known[i]) == n && memcmp(known[i], m, n) == 0)
			return true;
	return false;
}

/* ---- request line ------------------------------------------------------- */

/*
 * method SP uri SP protocol, as libhtp's generic parser reads it: leading
 * whitespace and tabs or runs of spaces as delimiters are tolerated but
 * reported; a URI may contain spaces when the line ends in "HTTP/x".
 * Returns false when the line has no usable method.
 */
static bool parse_request_line(struct http_tx *tx, const uint8_t *p, uint32_t n, bool more_data)
{
	uint32_t i = 0;
	http_bytes_set(&tx->req.line, p, n);
	while (i < n && is_ws(p[i]))
		i++;
	if (i > 0)
		http_tx_event(tx, HTTP_EV_REQUEST_LINE_LEADING_WHITESPACE);
	uint32_t m0 = i;
	while (i < n && !is_ws(p[i]))
		i++;
	if (i == m0)
		return false;
	http_bytes_set(&tx->method, p + m0, i - m0);
	uint32_t d0 = i;
	while (i < n && is_ws(p[i]))
		i++;
	if (i - d0 > 1 || (i > d0 && p[d0] != ' '))
		http_tx_event(tx, HTTP_EV_METHOD_DELIM_NON_COMPLIANT);
	if (i == n) {
		http_tx_event(tx, HTTP_EV_REQUEST_LINE_INCOMPLETE);
		tx->is_09 = true;
		return true;
	}
	/* The protocol is the last token when it says HTTP; else the first
	 * whitespace ends the URI. */
	uint32_t e = n;
	while (e > i && is_ws(p[e - 1]))
		e--;
	uint32_t t = e;
	while (t > i && !is_ws(p[t - 1]))
		t--;
	uint32_t u_end;
	if (t > i && ieq_prefix(p + t, e - t, "HTTP")) {
		u_end = t;
	} else {
		u_end = i;
		while (u_end < n && !is_ws(p[u_end]))
			u_end++;
		t = u_end;
		while (t < n && is_ws(p[t]))
			t++;
	}
	uint32_t ue = u_end;
	while (ue > i && is_ws(p[ue - 1]))
		ue--;
	http_bytes_set(&tx->uri_raw, p + i, ue - i);
	if (t - ue > 1 || (t > ue && p[ue] != ' '))
		http_tx_event(tx, HTTP_EV_URI_DELIM_NON_COMPLIANT);
	if (t >= e) {
		/* No protocol: HTTP/0.9 only when nothing follows the line. */
		if (more_data) {
			http_tx_event(tx, HTTP_EV_REQUEST_LINE_MISSING_PROTOCOL);
		} else {
			tx->is_09 = true;
		}
		return true;
	}
	http_bytes_set(&tx->req.protocol, p + t, e - t);
	if (!ieq_prefix(p + t, e - t, "HTTP/"))
		http_tx_event(tx, HTTP_EV_REQUEST_LINE_INVALID);
	return true;
}

/* More than whitespace follows: what libhtp checks before calling a
 * request line without protocol HTTP/0.9. */
static bool has_non_space(const uint8_t *d, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (d[i] != ' ' && (d[i] < '\t' || d[i] > '\r'))
			return true;
	return false;
}

/* ---- response line ------------------------------------------------------ */

/* What browsers accept as a status line: optional whitespace or NULs,
 * then "HTTP" in any case. */
static bool looks_like_status_line(const uint8_t *p, uint32_t n)
{
	uint32_t i = 0;
	while (i < n && (is_space(p[i]) || p[i] == 0))
		i++;
	return ieq_prefix(p + i, n - i, "HTTP");
}

static void parse_status_line(struct http_tx *tx, const uint8_t *p, uint32_t n)
{
	uint32_t i = 0;
	http_bytes_set(&tx->resp.line, p, n);
	while (i < n && (is_space(p[i]) || p[i] == 0))
		i++;
	uint32_t p0 = i;
	while (i < n && !is_ws(p[i]))
		i++;
	http_bytes_set(&tx->resp.protocol, p + p0, i - p0);
	if (!ieq_prefix(p + p0, i - p0, "HTTP/"))
		http_tx_event(tx, HTTP_EV_RESPONSE_INVALID_PROTOCOL);
	while (i < n && is_ws(p[i]))
		i++;
	uint32_t c0 = i;
	while (i < n && !is_ws(p[i]))
		i++;
	http_bytes_set(&tx->status_code, p + c0, i - c0);
	tx->status = 0;
	if (i - c0 == 3) {
		int v = 0;
		for (uint32_t k = c0; k < i && v >= 0; k++)
			v = (p[k] >= '0' && p[k] <= '9') ? v * 10 + (p[k] - '0') : -1;
		if (v >= 100)
			tx->status = v;
	}
	if (tx->status == 0)
		http_tx_event(tx, HTTP_EV_RESPONSE_INVALID_STATUS);
	while (i < n && is_ws(p[i]))
		i++;
	uint32_t e = n;
	while (e > i && is_ws(p[e - 1]))
		e--;
	http_bytes_set(&tx->status_msg, p + i, e - i);
}

/* ---- message ends -------------------------------------------------------- */

/* A message's frame (Suricata's "request" / "response": start line,
 * headers and body), from its start line; its length once it ends. */
static void frame_open(struct http_state *s, enum app_dir dir, const struct http_tx *tx)
{
	struct http_dirp *dp = &s->d[dir];
	if (dp->depth != 1)
		return; /* a replay of held bytes: their offsets are gone */
	dp->frame = app_frame_new(dir, dp->line_start, -1,
				  dir == APP_TOSERVER ? HTTP_FRAME_REQUEST : HTTP_FRAME_RESPONSE);
	dp->frame_start = dp->line_start;
	dp->frame_end = false;
	app_frame_set_tx(dir, dp->frame, tx->id);
}

static void frame_close(struct http_dirp *dp, enum app_dir dir)
{
	if (dp->frame_end && dp->frame >= 0)
		app_frame_set_len(dir, dp->frame, (int64_t)(dp->pos - dp->frame_start));
	if (dp->frame_end)
		dp->frame = -1;
	dp->frame_end = false;
}

static void msg_complete(struct http_state *s, struct http_tx *tx, enum app_dir dir, bool truncated)
{
	struct http_msg *m = dir == APP_TOSERVER ? &tx->req : &tx->resp;
	if (s->d[dir].frame >= 0)
		s->d[dir].frame_end = true;
	if (m->progress >= HTTP_PROGRESS_BODY || m->progress == HTTP_PROGRESS_HEADERS)
		http_body_end(s, tx, dir, truncated);
	m->progress = HTTP_PROGRESS_COMPLETE;
	s->d[dir].tx = NULL;
	s->d[dir].st = HTTP_ST_LINE;
	if (dir == APP_TOCLIENT && s->resp_next <= tx->id)
		s->resp_next = tx->id + 1;
}

static void go_tunnel(struct http_state *s)
{
	s->tunnel = true;
	for (int d = 0; d < 2; d++) {
		s->d[d].st = HTTP_ST_TUNNEL;
		http_bytes_free(&s->d[d].held);
	}
}

static void request_headers_done(struct http_state *s, struct http_tx *tx)
{
	struct http_dirp *dp = &s->d[APP_TOSERVER];
	struct http_msg *m = &tx->req;
	http_msg_build_buffers(m, APP_TOSERVER);
	http_host_resolve(tx);
	if (tx->port >= 0 && s->server_port >= 0 && tx->port != s->server_port && !tx->is_connect)
		http_tx_event(tx, HTTP_EV_REQUEST_SERVER_PORT_TCP_PORT_MISMATCH);
	m->progress = HTTP_PROGRESS_HEADERS;
	const struct http_header *te = http_msg_header(m, "transfer-encoding");
	const struct http_header *cl = http_msg_header(m, "content-length");
	const struct http_header *auth = http_msg_header(m, "authorization");
	if (auth != NULL && !ieq_prefix(auth->value.p, auth->value.len, "basic") &&
	    !ieq_prefix(auth->value.p, auth->value.len, "digest") &&
	    !ieq_prefix(auth->value.p, auth->value.len, "bearer"))
		http_tx_event(tx, HTTP_EV_REQUEST_AUTH_UNRECOGNIZED);
	if (te != NULL) {
		if (http_value_contains_nozero(te->value.p, te->value.len, "chunked")) {
			m->chunked = true;
			if (te->value.len != 7)
				http_tx_event(tx,
					      HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST);
		} else {
			http_tx_event(tx, HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST);
		}
	}
	if (cl != NULL) {
		m->content_length = http_parse_content_length(cl->value.p, cl->value.len);
		if (m->content_length < 0)
			http_tx_event(tx, HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST);
	}
	if (m->chunked) {
		http_body_start(s, tx, APP_TOSERVER);
		dp->st = HTTP_ST_CHUNK_LEN;
	} else if (m->content_length > 0) {
		http_body_start(s, tx, APP_TOSERVER);
		dp->remaining = (uint64_t)m->content_length;
		dp->st = HTTP_ST_BODY_CL;
	} else {
		msg_complete(s, tx, APP_TOSERVER, false);
		if (tx->is_connect && tx->resp.progress != HTTP_PROGRESS_COMPLETE)
			dp->st = HTTP_ST_CONNECT_WAIT;
	}
}

static bool status_has_no_body(int st)
{
	return (st >= 100 && st < 200) || st == 204 || st == 304;
}

static void response_headers_done(struct http_state *s, struct http_tx *tx)
{
	struct http_dirp *dp = &s->d[APP_TOCLIENT];
	struct http_msg *m = &tx->resp;
	http_msg_build_buffers(m, APP_TOCLIENT);
	m->progress = HTTP_PROGRESS_HEADERS;
	int st = tx->status;
	if (st >= 100 && st < 200 && st != 101) {
		/* Interim response: the real one follows for the same request. */
		if (st == 100 && tx->seen_100)
			http_tx_event(tx, HTTP_EV_100_CONTINUE_ALREADY_SEEN);
		if (st == 100)
			tx->seen_100 = true;
		http_msg_free(&tx->resp);
		tx->resp.content_length = -1;
		tx->resp.progress = HTTP_PROGRESS_NONE;
		dp->st = HTTP_ST_LINE;
		return;
	}
	if (st == 101 || (tx->is_connect && st >= 200 && st < 300)) {
		msg_complete(s, tx, APP_TOCLIENT, false);
		go_tunnel(s);
		/* As Suricata: after the flow's first transaction, a CONNECT's 2xx
		 * makes the rest another protocol to recognise (TLS, HTTP...). */
		s->change_asked = tx->is_connect && tx->id == 0;
		/* ... and a 101 to "Upgrade: h2c" / "websocket" hands the flow
		 * to HTTP/2 / WebSocket (Suricata's htp upgrade handling) */
		const struct http_header *up = http_msg_header(&tx->req, "upgrade");
		if (st == 101 && up != NULL) {
			if (http_value_contains(up->value.p, up->value.len, "h2c")) {
				s->change_to = APP_PROTO_HTTP2;
				s->upgrade_tx = tx;
			}
			else if (http_value_contains(up->value.p, up->value.len, "websocket"))
				s->change_to = APP_PROTO_WEBSOCKET;
			s->change_asked |= s->change_to != APP_PROTO_UNKNOWN;
		}
		return;
	}
	const struct http_header *te = http_msg_header(m, "transfer-encoding");
	const struct http_header *cl = http_msg_header(m, "content-length");
	const struct http_header *ct = http_msg_header(m, "content-type");
	if (ct != NULL && http_value_contains(ct->value.p, ct->value.len, "multipart/byteranges"))
		http_tx_event(tx, HTTP_EV_RESPONSE_MULTIPART_BYTERANGES);
	if (cl != NULL) {
		m->content_length = http_parse_content_length(cl->value.p, cl->value.len);
		if (m->content_length < 0)
			http_tx_event(tx, HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_RESPONSE);
	}
	if (tx->is_head || status_has_no_body(st)) {
		msg_complete(s, tx, APP_TOCLIENT, false);
	} else if (te != NULL &&
		   http_value_contains_nozero(te->value.p, te->value.len, "chunked")) {
		if (te->value.len != 7)
			http_tx_event(tx, HTTP_EV_RESPONSE_ABNORMAL_TRANSFER_ENCODING);
		if (ieq_prefix(m->protocol.p, m->protocol.len, "HTTP/1.0"))
			http_tx_event(tx, HTTP_EV_RESPONSE_CHUNKED_OLD_PROTO);
		m->chunked = true;
		http_body_start(s, tx, APP_TOCLIENT);
		dp->st = HTTP_ST_CHUNK_LEN;
	} else {
		if (te != NULL)
			http_tx_event(tx, HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_RESPONSE);
		if (m->content_length == 0) {
			msg_complete(s, tx, APP_TOCLIENT, false);
		} else if (m->content_length > 0) {
			http_body_start(s, tx, APP_TOCLIENT);
			dp->remaining = (uint64_t)m->content_length;
			dp->st = HTTP_ST_BODY_CL;
		} else {
			http_body_start(s, tx, APP_TOCLIENT);
			dp->st = HTTP_ST_BODY_CLOSE;
		}
	}
	/* A refused CONNECT lets the client speak HTTP again. */
	if (tx->is_connect && s->d[APP_TOSERVER].st == HTTP_ST_CONNECT_WAIT) {
		s->d[APP_TOSERVER].st = HTTP_ST_LINE;
	}
}

/* ---- line handlers --------------------------------------------------------- */

static void request_start(struct http_state *s, const uint8_t *p, uint32_t n, bool more)
{
	struct http_dirp *dp = &s->d[APP_TOSERVER];
	if (n == 0)
		return; /* empty lines between requests are tolerated */
	if (dp->resync) {
		uint32_t i = 0;
		while (i < n && p[i] >= 'A' && p[i] <= 'Z')
			i++;
		if (i == 0 || i == n || p[i] != ' ' || !is_known_method(p, i))
			return;
		dp->resync = false;
	}
	struct http_tx *tx = tx_new(s);
	if (tx == NULL) {
		s->failed = true;
		return;
	}
	dp->tx = tx;
	frame_open(s, APP_TOSERVER, tx);
	if (!parse_request_line(tx, p, n, more))
		http_tx_event(tx, HTTP_EV_REQUEST_LINE_INVALID);
	tx->req.progress = HTTP_PROGRESS_LINE;
	tx->is_connect = tx->method.len == 7 && memcmp(tx->method.p, "CONNECT", 7) == 0;
	tx->is_head = tx->method.len == 4 && memcmp(tx->method.p, "HEAD", 4) == 0;
	http_uri_normalise(tx);
	if (tx->is_09 && !more && tx->uri_raw.len > 0) {
		/* "GET /" with nothing after it yet: HTTP/0.9 unless a header
		 * line follows (decided on the next line, or at the close) */
		dp->maybe_09 = true;
		dp->st = HTTP_ST_HEADERS;
		return;
	}
	if (tx->is_09) {
		http_host_resolve(tx);
		tx->req.progress = HTTP_PROGRESS_HEADERS;
		msg_complete(s, tx, APP_TOSERVER, false);
		return;
	}
	dp->st = HTTP_ST_HEADERS;
}

/* The line after a request line without protocol came: not HTTP/0.9. */
static void not_http09(struct http_state *s)
{
	struct http_dirp *dp = &s->d[APP_TOSERVER];
	dp->maybe_09 = false;
	dp->tx->is_09 = false;
	http_tx_event(dp->tx, HTTP_EV_REQUEST_LINE_MISSING_PROTOCOL);
}

/* Nothing but whitespace followed until the close: HTTP/0.9 it was. */
static void finish_http09(struct http_state *s)
{
	struct http_dirp *dp = &s->d[APP_TOSERVER];
	struct http_tx *tx = dp->tx;
	dp->maybe_09 = false;
	http_host_resolve(tx);
	tx->req.progress = HTTP_PROGRESS_HEADERS;
	msg_complete(s, tx, APP_TOSERVER, false);
}

/* The transaction the next response belongs to, made when none waits. */
static struct http_tx *response_tx(struct http_state *s)
{
	struct http_tx *tx = http_tx_get(s, s->resp_next);
	while (tx == NULL && s->resp_next < s->next_id) {
		s->resp_next++; /* released before answered */
		tx = http_tx_get(s, s->resp_next);
	}
	if (tx != NULL)
		return tx;
	tx = tx_new(s);
	if (tx == NULL)
		return NULL;
	tx->unmatched = true;
	tx->req.progress = HTTP_PROGRESS_COMPLETE;
	http_tx_event(tx, HTTP_EV_UNABLE_TO_MATCH_RESPONSE_TO_REQUEST);
	return tx;
}

/* Not a status line: libhtp treats the response as a body that runs to
 * the close (as for HTTP/0.9). */
static void response_as_body(struct http_state *s, const uint8_t *p, uint32_t raw_len)
{
	struct http_dirp *dp = &s->d[APP_TOCLIENT];
	struct http_tx *tx = dp->tx;
	http_tx_event(tx, HTTP_EV_RESPONSE_INVALID_PROTOCOL);
	tx->resp.progress = HTTP_PROGRESS_HEADERS;
	http_body_start(s, tx, APP_TOCLIENT);
	http_body_data(s, tx, APP_TOCLIENT, p, raw_len);
	dp->st = HTTP_ST_BODY_CLOSE;
}

/* A line held by response_start(): dropped when a status line seems to
 * follow (next byte 'H') or it is short, else it starts a body. */
static void junk_decide(struct http_state *s, const uint8_t *next, uint32_t next_len)
{
	struct http_dirp *dp = &s->d[APP_TOCLIENT];
	if (!dp->junk_pend)
		return;
	dp->junk_pend = false;
	if (dp->tx == NULL || (next_len > 0 && (next[0] == 'H' || dp->junk_n <= 2)))
		return;
	struct http_bytes j = dp->junk;
	memset(&dp->junk, 0, sizeof(dp->junk));
	response_as_body(s, j.p ? j.p : (const uint8_t *)"", j.len);
	http_bytes_free(&j);
}

static void response_start(struct http_state *s, const uint8_t *p, uint32_t n, uint32_t raw_len,
			   const uint8_t *rest, uint32_t rest_len)
{
	struct http_dirp *dp = &s->d[APP_TOCLIENT];
	if (is_blank(p, n))
		return; /* blank lines before a response are ignored */
	if (dp->resync) {
		/* Body bytes left over from the hole may precede the status
		 * line on the same line: start at "HTTP/". */
		const uint8_t *h = memmem(p, n, "HTTP/", 5);
		if (h == NULL)
			return;
		raw_len -= (uint32_t)(h - p);
		n -= (uint32_t)(h - p);
		p = h;
		dp->resync = false;
	}
	struct http_tx *tx = dp->tx ? dp->tx : response_tx(s);
	if (tx == NULL) {
		s->failed = true;
		return;
	}
	dp->tx = tx;
	if (!looks_like_status_line(p, n)) {
		if (rest_len == 0) {
			/* the next byte decides: keep the line until it comes */
			dp->junk.len = 0;
			http_bytes_add(&dp->junk, p, raw_len, HTTP_LINE_LIMIT + 2);
			dp->junk_n = n;
			dp->junk_pend = true;
			return;
		}
		if (rest[0] == 'H' || n <= 2)
			return; /* junk before what looks like the status line */
		response_as_body(s, p, raw_len);
		return;
	}
	frame_open(s, APP_TOCLIENT, tx);
	parse_status_line(tx, p, n);
	tx->resp.progress = HTTP_PROGRESS_LINE;
	dp->st = HTTP_ST_HEADERS;
}

static void parse_bytes(struct http_state *s, enum app_dir dir, const uint8_t *data, uint32_t len);

/* The empty line (or what stands for it) after headers or trailers. */
static void headers_end(struct http_state *s, enum app_dir dir)
{
	struct http_dirp *dp = &s->d[dir];
	struct http_tx *tx = dp->tx;
	struct http_msg *m = dir == APP_TOSERVER ? &tx->req : &tx->resp;
	flush_pending(s, dir);
	dp->blank_pend = false;
	if (dp->st == HTTP_ST_TRAILERS) {
		http_msg_build_buffers(m, dir);
		msg_complete(s, tx, dir, false);
	} else if (dir == APP_TOSERVER) {
		request_headers_done(s, tx);
	} else {
		response_headers_done(s, tx);
	}
}

static bool in_framing(const struct http_dirp *dp)
{
	return dp->st == HTTP_ST_LINE || dp->st == HTTP_ST_HEADERS || dp->st == HTTP_ST_TRAILERS;
}

static void on_line_one(struct http_state *s, enum app_dir dir, const uint8_t *raw,
			uint32_t raw_len, const uint8_t *rest, uint32_t rest_len);

/*
 * libhtp also ends a start or header line at a CR that no LF follows
 * (http-evader 402): such a line is handled as the lines it holds, empty
 * pieces skipped.  Once the message moves on to its body, the rest of
 * the line is body.  Works on a copy: handling may refill dp->line.
 */
static void on_line(struct http_state *s, enum app_dir dir, const uint8_t *raw, uint32_t raw_len,
		    const uint8_t *rest, uint32_t rest_len)
{
	struct http_dirp *dp = &s->d[dir];
	uint32_t n = raw_len;
	if (n && raw[n - 1] == '\n')
		n--;
	if (n && raw[n - 1] == '\r')
		n--;
	uint32_t k = 0;
	while (k < n && raw[k] == '\r')
		k++;
	/* after a whitespace line the line may be body: kept whole */
	if (!in_framing(dp) || dp->blank_pend || k == n || memchr(raw, '\r', n) == NULL) {
		on_line_one(s, dir, raw, raw_len, rest, rest_len);
		return;
	}
	uint8_t *copy = malloc(raw_len);
	if (copy == NULL) {
		on_line_one(s, dir, raw, raw_len, rest, rest_len);
		return;
	}
	memcpy(copy, raw, raw_len);
	for (uint32_t i = 0; i < n;) {
		uint32_t j = i;
		while (j < n && copy[j] != '\r')
			j++;
		if (j > i && !in_framing(dp)) {
			parse_bytes(s, dir, copy + i, raw_len - i);
			break;
		}
		if (j > i) {
			bool last = j == n;
			on_line_one(s, dir, copy + i, j - i, last ? rest : copy + j + 1,
				    last ? rest_len : raw_len - j - 1);
		}
		i = j + 1;
	}
	free(copy);
}

static void on_line_one(struct http_state *s, enum app_dir dir, const uint8_t *raw,
			uint32_t raw_len, const uint8_t *rest, uint32_t rest_len)
{
	struct http_dirp *dp = &s->d[dir];
	uint32_t n = raw_len;
	if (n && raw[n - 1] == '\n')
		n--;
	if (n && raw[n - 1] == '\r')
		n--;
	struct http_tx *tx = dp->tx;
	switch (dp->st) {
	case HTTP_ST_LINE:
		if (dir == APP_TOSERVER)
			request_start(s, raw, n, has_non_space(rest, rest_len));
		else
			response_start(s, raw, n, raw_len, rest, rest_len);
		break;
	case HTTP_ST_HEADERS:
	case HTTP_ST_TRAILERS: {
		struct http_msg *m = dir == APP_TOSERVER ? &tx->req : &tx->resp;
		if (dp->maybe_09) {
			if (is_blank(raw, n))
				break; /* only whitespace so far: still HTTP/0.9 */
			not_http09(s);
		}
		if (n == 0) {
			http_bytes_add(&m->hdr_raw, raw, raw_len, HTTP_HEADERS_LIMIT + 2);
			headers_end(s, dir);
			break;
		}
		if (is_blank(raw, n)) {
			/* Whitespace only: a fold when a header or the empty
			 * line follows, the end of the headers otherwise. */
			http_bytes_add(&m->hdr_raw, raw, raw_len, HTTP_HEADERS_LIMIT + 2);
			dp->blank_pend = true;
			break;
		}
		if (dp->blank_pend && !is_ws(raw[0]) && memchr(raw, ':', n) == NULL) {
			headers_end(s, dir);
			uint8_t *copy = malloc(raw_len);
			if (copy != NULL) {
				memcpy(copy, raw, raw_len);
				parse_bytes(s, dir, copy, raw_len);
				free(copy);
			}
			break;
		}
		dp->blank_pend = false;
		if (m->hdr_bytes + raw_len > HTTP_HEADERS_LIMIT || m->nhdr >= HTTP_MAX_HEADERS) {
			http_tx_event(tx, dir == APP_TOSERVER ? HTTP_EV_REQUEST_TOO_MANY_HEADERS
							      : HTTP_EV_RESPONSE_TOO_MANY_HEADERS);
			break;
		}
		m->hdr_bytes += raw_len;
		http_bytes_add(&m->hdr_raw, raw, raw_len, HTTP_HEADERS_LIMIT);
		header_line(s, dir, raw, n);
		break;
	}
	case HTTP_ST_CHUNK_LEN: {
		uint32_t i = 0;
		while (i < n && is_chunk_space(raw[i]))
			i++;
		uint64_t v = 0;
		uint32_t h0 = i;
		bool bad = false;
		for (; i < n; i++) {
			uint8_t c = raw[i];
			int x = c >= '0' && c <= '9'   ? c - '0'
				: c >= 'a' && c <= 'f' ? c - 'a' + 10
				: c >= 'A' && c <= 'F' ? c - 'A' + 10
						       : -1;
			if (x < 0)
				break;
			if (v > (UINT64_MAX >> 8)) {
				bad = true;
				break;
			}
			v = v * 16 + (uint64_t)x;
		}
		if (i == h0 && n == 0)
			break; /* stray empty line before a chunk size */
		uint32_t j = i;
		while (j < n && is_chunk_space(raw[j]))
			j++;
		if (!bad && j < n && raw[j] == ';') {
			http_tx_event(tx, dir == APP_TOSERVER ? HTTP_EV_REQUEST_CHUNK_EXTENSION
							      : HTTP_EV_RESPONSE_CHUNK_EXTENSION);
			j = n;
		}
		if (bad || i == h0 || j < n) {
			if (dir == APP_TOSERVER) {
				http_tx_event(tx, HTTP_EV_INVALID_REQUEST_CHUNK_LEN);
				msg_complete(s, tx, dir, true);
				dp->resync = true;
			} else {
				/* libhtp reads the rest of a broken chunked
				 * response as a body that ends with the close. */
				http_tx_event(tx, HTTP_EV_INVALID_RESPONSE_CHUNK_LEN);
				http_body_data(s, tx, dir, raw, raw_len);
				dp->st = HTTP_ST_BODY_CLOSE;
			}
			break;
		}
		if (v == 0) {
			dp->st = HTTP_ST_TRAILERS;
		} else {
			dp->remaining = v;
			dp->st = HTTP_ST_CHUNK_DATA;
		}
		break;
	}
	case HTTP_ST_CHUNK_END: dp->st = HTTP_ST_CHUNK_LEN; break;
	default: break;
	}
}

/*
 * Gather one line.  Returns the bytes used; *done tells whether the line
 * is complete (it is then in dp->line, or directly in data when nothing
 * was buffered: *out points at it).
 */
static uint32_t take_line(struct http_dirp *dp, const uint8_t *data, uint32_t len,
			  const uint8_t **out, uint32_t *out_len, bool *done, bool *too_long)
{
	const uint8_t *lf = memchr(data, '\n', len);
	uint32_t used = lf ? (uint32_t)(lf - data) + 1 : len;
	*done = lf != NULL;
	*too_long = false;
	if (*done && dp->line.len == 0 && !dp->line_long && used <= HTTP_LINE_LIMIT) {
		*out = data;
		*out_len = used;
		return used;
	}
	if (!http_bytes_add(&dp->line, data, used, HTTP_LINE_LIMIT)) {
		if (!dp->line_long)
			*too_long = true;
		dp->line_long = true;
	}
	*out = dp->line.p;
	*out_len = dp->line.len;
	return used;
}

static void line_too_long(struct http_state *s, enum app_dir dir)
{
	struct http_tx *tx = s->d[dir].tx;
	http_tx_event(tx, dir == APP_TOSERVER ? HTTP_EV_REQUEST_FIELD_TOO_LONG
					      : HTTP_EV_RESPONSE_FIELD_TOO_LONG);
}

/* Body bytes counted off a length; returns the bytes used. */
static uint32_t take_counted(struct http_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct http_dirp *dp = &s->d[dir];
	uint32_t k = dp->remaining < n ? (uint32_t)dp->remaining : n;
	http_body_data(s, dp->tx, dir, d, k);
	dp->remaining -= k;
	if (dp->remaining == 0) {
		if (dp->st == HTTP_ST_CHUNK_DATA) {
			dp->st = HTTP_ST_CHUNK_END;
		} else {
			struct http_tx *tx = dp->tx;
			msg_complete(s, tx, dir, false);
			if (dir == APP_TOSERVER && tx->is_connect &&
			    tx->resp.progress != HTTP_PROGRESS_COMPLETE)
				dp->st = HTTP_ST_CONNECT_WAIT;
		}
	}
	return k;
}

static void parse_bytes(struct http_state *s, enum app_dir dir, const uint8_t *data, uint32_t len);

/* Request bytes sent after CONNECT are held (bounded) until the answer. */
static uint32_t take_connect_wait(struct http_state *s, const uint8_t *d, uint32_t n)
{
	http_bytes_add(&s->d[APP_TOSERVER].held, d, n, 64 * 1024);
	return n;
}

static void parse_bytes_at(struct http_state *s, enum app_dir dir, const uint8_t *data,
			   uint32_t len)
{
	struct http_dirp *dp = &s->d[dir];
	if (dir == APP_TOCLIENT && len > 0)
		junk_decide(s, data, len);
	while (len > 0 && !s->failed) {
		uint32_t used;
		switch (dp->st) {
		case HTTP_ST_TUNNEL:
			if (dp->depth == 1) /* the outer call */
				dp->tunnel_left = len; /* the next protocol's */
			return;
		case HTTP_ST_CONNECT_WAIT: used = take_connect_wait(s, data, len); break;
		case HTTP_ST_BODY_CL:
		case HTTP_ST_CHUNK_DATA: used = take_counted(s, dir, data, len); break;
		case HTTP_ST_BODY_CLOSE:
			http_body_data(s, dp->tx, dir, data, len);
			used = len;
			break;
		default: {
			const uint8_t *line;
			uint32_t line_len;
			bool done, too_long;
			used = take_line(dp, data, len, &line, &line_len, &done, &too_long);
			if (too_long)
				line_too_long(s, dir);
			if (done && dp->depth == 1)
				dp->line_start = dp->pos + used - line_len;
			if (done) {
				on_line(s, dir, line, line_len, data + used, len - used);
				dp->line.len = 0;
				dp->line_long = false;
			}
			break;
		}
		}
		data += used;
		len -= used;
		if (dp->depth == 1) {
			dp->pos += used;
			frame_close(dp, dir);
		}
	}
}

static void parse_bytes(struct http_state *s, enum app_dir dir, const uint8_t *data, uint32_t len)
{
	s->d[dir].depth++;
	parse_bytes_at(s, dir, data, len);
	s->d[dir].depth--;
	/* A refused CONNECT: replay what the client sent meanwhile. */
	if (dir == APP_TOCLIENT && s->d[APP_TOSERVER].st == HTTP_ST_LINE &&
	    s->d[APP_TOSERVER].held.len > 0) {
		struct http_bytes held = s->d[APP_TOSERVER].held;
		memset(&s->d[APP_TOSERVER].held, 0, sizeof(held));
		s->d[APP_TOSERVER].depth++; /* not at its stream offsets */
		parse_bytes(s, APP_TOSERVER, held.p, held.len);
		s->d[APP_TOSERVER].depth--;
		http_bytes_free(&held);
	}
}

/* The direction closed or lost data: finish what is in progress. */
static void end_of_data(struct http_state *s, enum app_dir dir, bool gap)
{
	struct http_dirp *dp = &s->d[dir];
	if (dp->st == HTTP_ST_TUNNEL)
		return;
	if (!gap && dp->line.len > 0 && dp->st != HTTP_ST_LINE) {
		on_line(s, dir, dp->line.p, dp->line.len, NULL, 0);
	} else if (!gap && dp->line.len > 0 && dp->st == HTTP_ST_LINE) {
		on_line(s, dir, dp->line.p, dp->line.len, NULL, 0);
		if (dp->st == HTTP_ST_HEADERS && dp->tx != NULL)
			http_tx_event(dp->tx, HTTP_EV_REQUEST_LINE_INCOMPLETE);
	}
	dp->line.len = 0;
	dp->line_long = false;
	if (dir == APP_TOCLIENT) {
		if (gap)
			dp->junk_pend = false;
		junk_decide(s, NULL, 0);
	}
	if (dp->maybe_09) {
		if (gap || dp->tx == NULL)
			dp->maybe_09 = false;
		else
			finish_http09(s);
	}
	if (!gap && dp->blank_pend && dp->tx != NULL &&
	    (dp->st == HTTP_ST_HEADERS || dp->st == HTTP_ST_TRAILERS))
		headers_end(s, dir);
	dp->blank_pend = false;
	if (!gap)
		flush_pending(s, dir);
	dp->has_pend = false;
	dp->pend.len = 0;
	struct http_tx *tx = dp->tx;
	if (tx != NULL) {
		bool truncated = gap || dp->st != HTTP_ST_BODY_CLOSE;
		msg_complete(s, tx, dir, truncated);
	}
	if (gap)
		dp->resync = true;
	if (dp->st == HTTP_ST_CONNECT_WAIT && !gap)
		dp->st = HTTP_ST_LINE;
}

enum app_parse_result http_parse_gap(struct http_state *s, enum app_dir dir, uint64_t len)
{
	if (s == NULL || (dir != APP_TOSERVER && dir != APP_TOCLIENT) || s->failed)
		return APP_PARSE_ERROR;
	struct http_dirp *dp = &s->d[dir];
	struct http_tx *tx = dp->tx;
	bool counted = dp->st == HTTP_ST_BODY_CL || dp->st == HTTP_ST_CHUNK_DATA;
	if (len == 0 || dp->st == HTTP_ST_TUNNEL)
		return APP_PARSE_OK;
	if (tx != NULL && ((counted && len <= dp->remaining) || dp->st == HTTP_ST_BODY_CLOSE)) {
		/* The hole is inside a body of known extent: skip it, stay in
		 * step.  The stored body and the file lose those bytes. */
		http_body_gap(s, tx, dir, len);
		if (counted) {
			dp->remaining -= len;
			if (dp->remaining == 0)
				take_counted(s, dir, NULL, 0);
		}
		return APP_PARSE_OK;
	}
	end_of_data(s, dir, true);
	return APP_PARSE_OK;
}

enum app_parse_result http_parse(struct http_state *s, enum app_dir dir, const uint8_t *data,
				 uint32_t len, uint32_t flags)
{
	if (s == NULL || (dir != APP_TOSERVER && dir != APP_TOCLIENT))
		return APP_PARSE_ERROR;
	if (s->failed)
		return APP_PARSE_ERROR;
	struct http_dirp *dp = &s->d[dir];
	if (flags & APP_CHUNK_GAP) {
		end_of_data(s, dir, true);
		frame_close(dp, dir);
	}
	dp->pos = app_frame_offset();
	dp->tunnel_left = 0;
	if (data != NULL && len > 0)
		parse_bytes(s, dir, data, len);
	if (flags & APP_CHUNK_EOF) {
		end_of_data(s, dir, false);
		frame_close(dp, dir);
	}
	return s->failed ? APP_PARSE_ERROR : APP_PARSE_OK;
}

/* ---- transaction accessors ------------------------------------------------ */

uint64_t http_tx_id(const struct http_tx *tx)
{
	return tx->id;
}

enum http_progress http_tx_progress(const struct http_tx *tx, enum app_dir dir)
{
	return dir == APP_TOSERVER ? tx->req.progress : tx->resp.progress;
}

int http_tx_status(const struct http_tx *tx)
{
	return tx->status;
}

int http_tx_port(const struct http_tx *tx)
{
	return tx->port;
}

bool http_tx_is_http09(const struct http_tx *tx)
{
	return tx->is_09;
}

uint64_t http_tx_body_len(const struct http_tx *tx, enum app_dir dir)
{
	return dir == APP_TOSERVER ? tx->req.body_len : tx->resp.body_len;
}

uint64_t http_tx_entity_len(const struct http_tx *tx, enum app_dir dir)
{
	return dir == APP_TOSERVER ? tx->req.entity_len : tx->resp.entity_len;
}

bool http_tx_has_event(const struct http_tx *tx, enum http_event ev)
{
	return (unsigned)ev < HTTP_EV__COUNT && (tx->events >> ev) & 1;
}

const char *const http_event_names[HTTP_EV__COUNT] = {
    "unknown_error",
    "gzip_decompression_failed",
    "request_field_missing_colon",
    "response_field_missing_colon",
    "invalid_request_chunk_len",
    "invalid_response_chunk_len",
    "invalid_transfer_encoding_value_in_request",
    "invalid_transfer_encoding_value_in_response",
    "invalid_content_length_field_in_request",
    "invalid_content_length_field_in_response",
    "100_continue_already_seen",
    "unable_to_match_response_to_request",
    "invalid_server_port_in_request",
    "invalid_authority_port",
    "request_header_invalid",
    "response_header_invalid",
    "missing_host_header",
    "host_header_ambiguous",
    "invalid_request_field_folding",
    "invalid_response_field_folding",
    "request_field_too_long",
    "response_field_too_long",
    "multipart_generic_error",
    "multipart_no_filedata",
    "multipart_invalid_header",
    "request_server_port_tcp_port_mismatch",
    "request_uri_host_invalid",
    "request_header_host_invalid",
    "uri_delim_non_compliant",
    "method_delim_non_compliant",
    "request_line_leading_whitespace",
    "too_many_encoding_layers",
    "abnormal_ce_header",
    "request_auth_unrecognized",
    "request_header_repetition",
    "response_header_repetition",
    "response_multipart_byteranges",
    "response_abnormal_transfer_encoding",
    "response_chunked_old_proto",
    "response_invalid_protocol",
    "response_invalid_status",
    "request_line_incomplete",
    "double_encoded_uri",
    "request_line_invalid",
    "request_body_unexpected",
    "lzma_memlimit_reached",
    "duplicate_content_length_field_in_request",
    "duplicate_content_length_field_in_response",
    "compression_bomb",
    "too_many_warnings",
    "range_invalid",
    "file_name_too_long",
    "failed_protocol_change",
    "request_chunk_extension",
    "request_line_missing_protocol",
    "request_too_many_headers",
    "response_too_many_headers",
    "response_chunk_extension",
    "compression_bomb_limit_reached",
};

const char *http_event_name(enum http_event ev)
{
	return (unsigned)ev < HTTP_EV__COUNT ? http_event_names[ev] : NULL;
}

int http_event_by_name(const char *name)
{
	for (int i = 0; i < HTTP_EV__COUNT; i++)
		if (strcasecmp(http_event_names[i], name) == 0)
			return i;
	return -1;
}
