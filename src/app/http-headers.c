/*
 * http-headers — header lines of a message and the detection buffers
 * built from them.
 *
 * As libhtp does: a line starting with whitespace continues the previous
 * header (folding; on the first line it is an event and the line becomes
 * a header); a line without a colon becomes a header with an empty name;
 * whitespace before the colon is stripped and reported; a repeated header
 * is appended to the first one with ", " (Content-Length repeats are
 * dropped, reported when they disagree).  Values are trimmed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/http-internal.h"

#define HTTP_MAX_REPEATS 64 /* repetitions of one header that are joined */

static bool is_ws(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static bool is_token(uint8_t c)
{
	if (c <= 32 || c >= 127)
		return false;
	return strchr("()<>@,;:\\\"/[]?={}", c) == NULL;
}

/* libhtp's whitespace for trimming: SP, HT, CR, VT, FF. */
static bool is_space(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void trim(const uint8_t **p, uint32_t *n)
{
	while (*n && is_space((*p)[0])) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_space((*p)[*n - 1]))
		(*n)--;
}

static bool name_is(const struct http_bytes *b, const char *name)
{
	size_t k = strlen(name);
	return b->len == k && strncasecmp((const char *)b->p, name, k) == 0;
}

bool http_value_is(const uint8_t *v, uint32_t n, const char *word)
{
	size_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (v[i] == 0)
			continue;
		if (word[k] == 0 || tolower(v[i]) != tolower((unsigned char)word[k]))
			return false;
		k++;
	}
	return word[k] == 0;
}

/* Looked up as libhtp does: NUL bytes in the name as sent do not count. */
const struct http_header *http_msg_header(const struct http_msg *m, const char *name)
{
	for (uint32_t i = 0; i < m->nhdr; i++)
		if (http_value_is(m->hdr[i].name.p, m->hdr[i].name.len, name))
			return &m->hdr[i];
	return NULL;
}

int64_t http_parse_content_length(const uint8_t *v, uint32_t n)
{
	trim(&v, &n);
	if (n == 0)
		return -1;
	int64_t x = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (x > (INT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

/* A comma-separated list contains tok (case-insensitive). */
bool http_value_has_token(const uint8_t *v, uint32_t n, const char *tok)
{
	size_t k = strlen(tok);
	uint32_t i = 0;
	while (i < n) {
		uint32_t j = i;
		while (j < n && v[j] != ',')
			j++;
		const uint8_t *e = v + i;
		uint32_t en = j - i;
		trim(&e, &en);
		if (en == k && strncasecmp((const char *)e, tok, k) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

/* Case-insensitive substring. */
bool http_value_contains(const uint8_t *v, uint32_t n, const char *sub)
{
	size_t k = strlen(sub);
	for (uint32_t i = 0; i + k <= n; i++)
		if (strncasecmp((const char *)v + i, sub, k) == 0)
			return true;
	return false;
}

/* The same with NUL bytes of v skipped: how libhtp finds "chunked" in
 * Transfer-Encoding ("chu\0nked" is chunked). */
bool http_value_contains_nozero(const uint8_t *v, uint32_t n, const char *sub)
{
	for (uint32_t i = 0; i < n; i++) {
		if (v[i] == 0)
			continue;
		size_t k = 0;
		for (uint32_t j = i; j < n && sub[k] != 0; j++) {
			if (v[j] == 0)
				continue;
			if (tolower(v[j]) != tolower((unsigned char)sub[k]))
				break;
			k++;
		}
		if (sub[k] == 0)
			return true;
	}
	return false;
}

static struct http_header *add_header(struct http_msg *m)
{
	if (m->nhdr == m->hdr_cap) {
		uint32_t cap = m->hdr_cap ? m->hdr_cap * 2 : 16;
		struct http_header *v = realloc(m->hdr, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		m->hdr = v;
		m->hdr_cap = cap;
	}
	struct http_header *h = &m->hdr[m->nhdr++];
	memset(h, 0, sizeof(*h));
	return h;
}

static void store_header(struct http_tx *tx, struct http_msg *m, enum app_dir dir,
			 const uint8_t *name, uint32_t name_len, const uint8_t *val,
			 uint32_t val_len)
{
	bool req = dir == APP_TOSERVER;
	for (uint32_t i = 0; i < m->nhdr; i++) {
		struct http_header *h = &m->hdr[i];
		if (h->name.len != name_len ||
		    (name_len > 0 &&
		     strncasecmp((const char *)h->name.p, (const char *)name, name_len) != 0))
			continue;
		http_tx_event(tx, req ? HTTP_EV_REQUEST_HEADER_REPETITION
				      : HTTP_EV_RESPONSE_HEADER_REPETITION);
		if (name_is(&h->name, "content-length")) {
			int64_t a = http_parse_content_length(h->value.p, h->value.len);
			int64_t b = http_parse_content_length(val, val_len);
			if (a < 0 || b < 0 || a != b)
				http_tx_event(
				    tx, req ? HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_REQUEST
					    : HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_RESPONSE);
			return;
		}
		if (h->repeats++ >= HTTP_MAX_REPEATS)
			return;
		http_bytes_add(&h->value, ", ", 2, HTTP_LINE_LIMIT);
		http_bytes_add(&h->value, val, val_len, HTTP_LINE_LIMIT);
		return;
	}
	struct http_header *h = add_header(m);
	if (h == NULL)
		return;
	http_bytes_add(&h->name, name, name_len, HTTP_LINE_LIMIT);
	http_bytes_add(&h->value, val, val_len, HTTP_LINE_LIMIT);
}

void http_header_line(struct http_tx *tx, struct http_msg *m, enum app_dir dir, const uint8_t *line,
		      uint32_t len)
{
	bool req = dir == APP_TOSERVER;
	if (len > 0 && is_ws(line[0])) {
		if (m->nhdr > 0) {
			struct http_header *h = &m->hdr[m->nhdr - 1];
			trim(&line, &len);
			if (len > 0) {
				http_bytes_add(&h->value, " ", 1, HTTP_LINE_LIMIT);
				http_bytes_add(&h->value, line, len, HTTP_LINE_LIMIT);
			}
			return;
		}
		http_tx_event(tx, req ? HTTP_EV_INVALID_REQUEST_FIELD_FOLDING
				      : HTTP_EV_INVALID_RESPONSE_FIELD_FOLDING);
		trim(&line, &len);
	}
	const uint8_t *colon = memchr(line, ':', len);
	if (colon == NULL) {
		http_tx_event(tx, req ? HTTP_EV_REQUEST_FIELD_MISSING_COLON
				      : HTTP_EV_RESPONSE_FIELD_MISSING_COLON);
		const uint8_t *v = line;
		uint32_t vn = len;
		trim(&v, &vn);
		store_header(tx, m, dir, (const uint8_t *)"", 0, v, vn);
		return;
	}
	uint32_t nn = (uint32_t)(colon - line);
	bool invalid = false;
	if (nn > 0 && (is_space(line[nn - 1]) || line[nn - 1] == 0)) {
		invalid = true; /* whitespace (or NUL) before the colon */
		while (nn > 0 && (is_space(line[nn - 1]) || line[nn - 1] == 0))
			nn--;
	}
	if (nn == 0)
		invalid = true;
	for (uint32_t i = 0; i < nn && !invalid; i++)
		if (!is_token(line[i]))
			invalid = true;
	if (invalid)
		http_tx_event(tx, req ? HTTP_EV_REQUEST_HEADER_INVALID
				      : HTTP_EV_RESPONSE_HEADER_INVALID);
	const uint8_t *v = colon + 1;
	uint32_t vn = len - (uint32_t)(v - line);
	trim(&v, &vn);
	store_header(tx, m, dir, line, nn, v, vn);
}

/* http.header, http.header_names and http.start, as Suricata builds them. */
void http_msg_build_buffers(struct http_msg *m, enum app_dir dir)
{
	const uint32_t lim = 2 * HTTP_HEADERS_LIMIT + HTTP_LINE_LIMIT;
	const char *cookie = dir == APP_TOSERVER ? "cookie" : "set-cookie";
	m->hdr_norm.len = 0;
	m->hdr_names.len = 0;
	m->start.len = 0;
	http_bytes_add(&m->hdr_names, "\r\n", 2, lim);
	http_bytes_add(&m->start, m->line.p, m->line.len, lim);
	http_bytes_add(&m->start, "\r\n", 2, lim);
	for (uint32_t i = 0; i < m->nhdr; i++) {
		const struct http_header *h = &m->hdr[i];
		struct http_bytes *out[2] = {&m->start, &m->hdr_norm};
		for (int k = name_is(&h->name, cookie) ? 0 : 1; k >= 0; k--) {
			http_bytes_add(out[k], h->name.p, h->name.len, lim);
			http_bytes_add(out[k], ": ", 2, lim);
			http_bytes_add(out[k], h->value.p, h->value.len, lim);
			http_bytes_add(out[k], "\r\n", 2, lim);
		}
		http_bytes_add(&m->hdr_names, h->name.p, h->name.len, lim);
		http_bytes_add(&m->hdr_names, "\r\n", 2, lim);
	}
	http_bytes_add(&m->hdr_names, "\r\n", 2, lim);
	http_bytes_add(&m->start, "\r\n", 2, lim);
}

void http_msg_free(struct http_msg *m)
{
	for (uint32_t i = 0; i < m->nhdr; i++) {
		http_bytes_free(&m->hdr[i].name);
		http_bytes_free(&m->hdr[i].value);
	}
	free(m->hdr);
	m->hdr = NULL;
	m->nhdr = m->hdr_cap = 0;
	m->hdr_bytes = 0;
	http_bytes_free(&m->line);
	http_bytes_free(&m->protocol);
	http_bytes_free(&m->hdr_raw);
	http_bytes_free(&m->hdr_norm);
	http_bytes_free(&m->hdr_names);
	http_bytes_free(&m->start);
	http_bytes_free(&m->body);
	http_decoder_free(&m->dec);
	m->body_len = m->entity_len = 0;
	m->chunked = false;
}

/* ---- detection buffers ---------------------------------------------------- */

static bool out_bytes(const struct http_bytes *b, const uint8_t **p, uint32_t *len)
{
	if (b->p == NULL && b->len == 0)
		return false;
	*p = b->p ? b->p : (const uint8_t *)"";
	*len = b->len;
	return true;
}

static bool out_header(const struct http_msg *m, const char *name, const uint8_t **p, uint32_t *len)
{
	const struct http_header *h = http_msg_header(m, name);
	if (h == NULL)
		return false;
	*p = h->value.p ? h->value.p : (const uint8_t *)"";
	*len = h->value.len;
	return true;
}

bool http_tx_header(const struct http_tx *tx, enum app_dir dir, const char *name, const uint8_t **p,
		    uint32_t *len)
{
	return out_header(dir == APP_TOSERVER ? &tx->req : &tx->resp, name, p, len);
}

bool http_tx_header_at(const struct http_tx *tx, enum app_dir dir, uint32_t i, const uint8_t **name,
		       uint32_t *name_len, const uint8_t **value, uint32_t *value_len)
{
	const struct http_msg *m = dir == APP_TOSERVER ? &tx->req : &tx->resp;
	if (i >= m->nhdr)
		return false;
	*name = m->hdr[i].name.p ? m->hdr[i].name.p : (const uint8_t *)"";
	*name_len = m->hdr[i].name.len;
	*value = m->hdr[i].value.p ? m->hdr[i].value.p : (const uint8_t *)"";
	*value_len = m->hdr[i].value.len;
	return true;
}

bool http_tx_buffer(const struct http_tx *tx, enum app_dir dir, enum http_buffer b,
		    const uint8_t **p, uint32_t *len)
{
	const struct http_msg *m = dir == APP_TOSERVER ? &tx->req : &tx->resp;
	bool headers_seen = m->progress >= HTTP_PROGRESS_HEADERS;
	switch (b) {
	case HTTP_BUF_URI: return tx->uri_raw.len > 0 && out_bytes(&tx->uri_norm, p, len);
	case HTTP_BUF_URI_RAW: return tx->uri_raw.len > 0 && out_bytes(&tx->uri_raw, p, len);
	case HTTP_BUF_METHOD: return tx->method.len > 0 && out_bytes(&tx->method, p, len);
	case HTTP_BUF_HOST: return tx->host.len > 0 && out_bytes(&tx->host, p, len);
	case HTTP_BUF_HOST_RAW: return tx->host_raw.len > 0 && out_bytes(&tx->host_raw, p, len);
	case HTTP_BUF_USER_AGENT: return out_header(&tx->req, "user-agent", p, len);
	case HTTP_BUF_REQUEST_LINE: return tx->req.line.len > 0 && out_bytes(&tx->req.line, p, len);
	case HTTP_BUF_REQUEST_BODY: return tx->req.body.len > 0 && out_bytes(&tx->req.body, p, len);
	case HTTP_BUF_REFERER: return out_header(&tx->req, "referer", p, len);
	case HTTP_BUF_ACCEPT: return out_header(&tx->req, "accept", p, len);
	case HTTP_BUF_ACCEPT_ENC: return out_header(&tx->req, "accept-encoding", p, len);
	case HTTP_BUF_ACCEPT_LANG: return out_header(&tx->req, "accept-language", p, len);
	case HTTP_BUF_RESPONSE_LINE:
		return tx->resp.line.len > 0 && out_bytes(&tx->resp.line, p, len);
	case HTTP_BUF_STAT_CODE:
		return tx->status_code.len > 0 && out_bytes(&tx->status_code, p, len);
	case HTTP_BUF_STAT_MSG: return tx->status_msg.len > 0 && out_bytes(&tx->status_msg, p, len);
	case HTTP_BUF_RESPONSE_BODY:
		return tx->resp.body.len > 0 && out_bytes(&tx->resp.body, p, len);
	case HTTP_BUF_LOCATION: return out_header(&tx->resp, "location", p, len);
	case HTTP_BUF_SERVER: return out_header(&tx->resp, "server", p, len);
	case HTTP_BUF_HEADER:
		return headers_seen && m->hdr_norm.len > 0 && out_bytes(&m->hdr_norm, p, len);
	case HTTP_BUF_HEADER_RAW:
		return headers_seen && m->hdr_raw.len > 0 && out_bytes(&m->hdr_raw, p, len);
	case HTTP_BUF_HEADER_NAMES:
		return headers_seen && m->nhdr > 0 && out_bytes(&m->hdr_names, p, len);
	case HTTP_BUF_COOKIE:
		return out_header(m, dir == APP_TOSERVER ? "cookie" : "set-cookie", p, len);
	case HTTP_BUF_PROTOCOL: return m->protocol.len > 0 && out_bytes(&m->protocol, p, len);
	case HTTP_BUF_START:
		return headers_seen && m->start.len > 0 && out_bytes(&m->start, p, len);
	case HTTP_BUF_CONTENT_TYPE: return out_header(m, "content-type", p, len);
	case HTTP_BUF_CONTENT_LEN: return out_header(m, "content-length", p, len);
	case HTTP_BUF_CONNECTION: return out_header(m, "connection", p, len);
	case HTTP_BUF__COUNT: break;
	}
	return false;
}
