/*
 * http-log — the "http" object of Suricata's EVE for one transaction.
 *
 * Field names and shapes follow Suricata 8 (output-json-http.c):
 * hostname, http_port (only when a port was given), url (the raw URI),
 * http_user_agent, xff, http_content_type (up to the first ';'),
 * content_range; with extended: http_refer, http_method, protocol,
 * status (or status_string when not a number), redirect, length (the
 * response body as transferred); optional request_headers /
 * response_headers arrays of {name, value}.
 */
#include <string.h>

#include "app/http-internal.h"
#include "util/json.h"

/* Byte strings may be empty with no allocation behind them. */
static void put(struct json *j, const char *key, const uint8_t *p, uint32_t n)
{
	json_strn(j, key, p ? p : (const uint8_t *)"", n);
}

static void log_header(struct json *j, const char *key, const struct http_msg *m, const char *name)
{
	const struct http_header *h = http_msg_header(m, name);
	if (h != NULL)
		put(j, key, h->value.p, h->value.len);
}

/* "bytes a-b/c": fields are omitted when not numbers, as Suricata does. */
static void log_content_range(struct json *j, const struct http_header *h)
{
	json_open_object(j, "content_range");
	put(j, "raw", h->value.p, h->value.len);
	const uint8_t *v = h->value.p;
	uint32_t n = h->value.len, i = 0;
	if (n >= 6 && memcmp(v, "bytes ", 6) == 0)
		i = 6;
	int64_t num[3] = {-1, -1, -1};
	for (int k = 0; k < 3 && i <= n; k++) {
		if (i < n && v[i] >= '0' && v[i] <= '9') {
			int64_t x = 0;
			while (i < n && v[i] >= '0' && v[i] <= '9' && x < INT64_MAX / 10 - 10)
				x = x * 10 + (v[i++] - '0');
			num[k] = x;
		} else if (i < n && v[i] == '*') {
			i++;
		}
		i++; /* '-' or '/' */
	}
	if (num[0] >= 0)
		json_uint(j, "start", (uint64_t)num[0]);
	if (num[1] >= 0)
		json_uint(j, "end", (uint64_t)num[1]);
	if (num[2] >= 0)
		json_uint(j, "size", (uint64_t)num[2]);
	json_close_object(j);
}

static void log_basic(struct json *j, const struct http_tx *tx)
{
	if (tx->host.len > 0)
		put(j, "hostname", tx->host.p, tx->host.len);
	if (tx->port >= 0)
		json_uint(j, "http_port", (uint64_t)tx->port);
	if (tx->uri_raw.len > 0)
		put(j, "url", tx->uri_raw.p, tx->uri_raw.len);
	log_header(j, "http_user_agent", &tx->req, "user-agent");
	log_header(j, "xff", &tx->req, "x-forwarded-for");
	const struct http_header *ct = http_msg_header(&tx->resp, "content-type");
	if (ct != NULL) {
		const uint8_t *semi =
		    memchr(ct->value.p ? ct->value.p : (const uint8_t *)"", ';', ct->value.len);
		uint32_t n = semi ? (uint32_t)(semi - ct->value.p) : ct->value.len;
		put(j, "http_content_type", ct->value.p, n);
	}
	const struct http_header *cr = http_msg_header(&tx->resp, "content-range");
	if (cr != NULL)
		log_content_range(j, cr);
}

static void log_extended(struct json *j, const struct http_tx *tx)
{
	log_header(j, "http_refer", &tx->req, "referer");
	if (tx->method.len > 0)
		put(j, "http_method", tx->method.p, tx->method.len);
	if (tx->req.protocol.len > 0)
		put(j, "protocol", tx->req.protocol.p, tx->req.protocol.len);
	if (tx->status > 0)
		json_uint(j, "status", (uint64_t)tx->status);
	else if (tx->status_code.len > 0)
		put(j, "status_string", tx->status_code.p, tx->status_code.len);
	log_header(j, "redirect", &tx->resp, "location");
	json_uint(j, "length", tx->resp.body_len);
}

static void log_headers(struct json *j, const char *key, const struct http_msg *m)
{
	if (m->nhdr == 0)
		return;
	json_open_array(j, key);
	for (uint32_t i = 0; i < m->nhdr; i++) {
		json_open_object(j, NULL);
		put(j, "name", m->hdr[i].name.p, m->hdr[i].name.len);
		put(j, "value", m->hdr[i].value.p, m->hdr[i].value.len);
		json_close_object(j);
	}
	json_close_array(j);
}

void http_tx_log_json(struct json *j, const struct http_tx *tx, unsigned flags)
{
	json_open_object(j, "http");
	log_basic(j, tx);
	if (flags & HTTP_LOG_EXTENDED)
		log_extended(j, tx);
	if (flags & HTTP_LOG_REQ_HEADERS)
		log_headers(j, "request_headers", &tx->req);
	if (flags & HTTP_LOG_RESP_HEADERS)
		log_headers(j, "response_headers", &tx->resp);
	json_close_object(j);
}
