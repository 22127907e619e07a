/*
 * kw-http2.c — HTTP/2 rule keywords and buffers, as Suricata 8 defines
 * them (doc "HTTP2 Keywords", rust/src/http2/detect.rs):
 *   http2.frametype:[!]TYPE|N   a frame of that type in the direction
 *   http2.errorcode:[!]NAME|N   a RST_STREAM / GOAWAY error code
 *   http2.priority, http2.window, http2.size_update: integer syntax on
 *     any priority weight / WINDOW_UPDATE increment / HPACK table size
 *     update of the direction
 *   http2.settings:NAME[ <op> N]  a setting of the direction
 * checked on the transaction side of the packet's direction; and the
 * buffers http2.header_name, http2.header ("name: value"), plus the
 * http.* buffers Suricata maps onto HTTP/2: http.uri (:path), http.method,
 * http.host (:authority, lower-cased, port removed), http.host.raw,
 * http.user_agent, http.stat_code (:status), http.request_header /
 * http.response_header ("name: value"), file.data, http.request_body,
 * http.response_body (DATA payloads, inflated), http.header_names
 * ("\r\n" then each name and "\r\n", then "\r\n"), http.header and
 * http.header.raw ("name: value\r\n" per header, pseudo-headers left
 * out), http.protocol ("HTTP/2"), http.request_line (":method :path
 * HTTP/2"), http.response_line ("HTTP/2 :status"), and the values of
 * cookie, referer, accept, accept-encoding, accept-language,
 * content-type, content-length, connection, server, location.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app/http2.h"
#include "detect/detect-internal.h"

/* ------------------------------------------------------------ keywords */

struct h2_kw {
	int kind;
	struct u64_cmp c;
	int setting; /* http2.settings: the id, and whether a value is compared */
	bool has_cmp;
};

enum { K_FRAMETYPE, K_ERRORCODE, K_PRIORITY, K_WINDOW, K_SIZE_UPDATE, K_SETTINGS };

static bool h2_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	const struct h2_tx *tx = vtx;
	const struct h2_kw *k = ctx;
	const struct h2_side *sd = &tx->side[dir];
	switch (k->kind) {
	case K_FRAMETYPE:
		for (unsigned t = 0; t < 10; t++)
			if ((sd->frame_types & (1u << t)) && u64_cmp_match(&k->c, t))
				return true;
		return false;
	case K_ERRORCODE:
		for (unsigned i = 0; i < sd->n_errors; i++)
			if (u64_cmp_match(&k->c, sd->errors[i]))
				return true;
		return false;
	case K_PRIORITY:
		for (unsigned i = 0; i < sd->n_priorities; i++)
			if (u64_cmp_match(&k->c, sd->priorities[i]))
				return true;
		return false;
	case K_WINDOW:
		for (unsigned i = 0; i < sd->n_windows; i++)
			if (u64_cmp_match(&k->c, sd->windows[i]))
				return true;
		return false;
	case K_SIZE_UPDATE:
		for (unsigned i = 0; i < sd->n_size_updates; i++)
			if (u64_cmp_match(&k->c, sd->size_updates[i]))
				return true;
		return false;
	case K_SETTINGS:
		for (unsigned i = 0; i < sd->n_settings; i++)
			if (sd->settings[i].id == k->setting &&
			    (!k->has_cmp || u64_cmp_match(&k->c, sd->settings[i].value)))
				return true;
		return false;
	}
	return false;
}

static int h2_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		    const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_HTTP2, h2_test, ctx);
}

/* [!]NAME through by_name, or the integer syntax. */
static int cmp_or_name(const char *arg, uint64_t max, int (*by_name)(const char *),
		       struct u64_cmp *c)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *t = str_trim(buf);
	bool neg = *t == '!';
	char *nm = neg ? str_trim(t + 1) : t;
	if (by_name != NULL && isalpha((unsigned char)*nm)) {
		int v = by_name(nm);
		if (v < 0)
			return -1;
		memset(c, 0, sizeof(*c));
		c->mode = neg ? U_NE : U_EQ;
		c->a = (uint64_t)v;
		return 0;
	}
	return u64_cmp_parse(t, max, c);
}

static int h2_setup(struct parse_ctx *pc, struct rule *r, const char *kw, int kind,
		    const char *arg, uint64_t max, int (*by_name)(const char *))
{
	struct h2_kw *k = calloc(1, sizeof(*k));
	if (k == NULL)
		return -1;
	k->kind = kind;
	int rc;
	if (kind == K_SETTINGS) {
		char buf[96];
		snprintf(buf, sizeof(buf), "%s", arg ? arg : "");
		char *t = str_trim(buf);
		size_t n = 0;
		while (t[n] && (isalnum((unsigned char)t[n]) || t[n] == '_'))
			n++;
		char *rest = t + n;
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)n, t);
		k->setting = h2_setting_by_name(name);
		rest = str_trim(rest);
		rc = k->setting < 0 ? -1 : 0;
		if (rc == 0 && *rest) {
			k->has_cmp = true;
			rc = u64_cmp_parse(rest, UINT32_MAX, &k->c);
		}
	} else {
		rc = arg ? cmp_or_name(arg, max, by_name, &k->c) : -1;
	}
	if (rc != 0) {
		pc_error(pc, "invalid %s '%s'", kw, arg ? arg : "");
		free(k);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), k) == NULL) {
		free(k);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_HTTP2, AD_BOTH);
}

static int frametype_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return h2_setup(pc, r, "http2.frametype", K_FRAMETYPE, arg, UINT8_MAX,
			h2_frame_type_by_name);
}
static int errorcode_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return h2_setup(pc, r, "http2.errorcode", K_ERRORCODE, arg, UINT32_MAX, h2_error_by_name);
}
static int priority_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return h2_setup(pc, r, "http2.priority", K_PRIORITY, arg, UINT8_MAX, NULL);
}
static int window_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return h2_setup(pc, r, "http2.window", K_WINDOW, arg, UINT32_MAX, NULL);
}
static int size_update_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return h2_setup(pc, r, "http2.size_update", K_SIZE_UPDATE, arg, UINT64_MAX, NULL);
}
static int settings_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return h2_setup(pc, r, "http2.settings", K_SETTINGS, arg, UINT32_MAX, NULL);
}

static const struct kw_def defs[] = {
    {"http2.frametype", NULL, "HTTP/2 frame type", frametype_setup, h2_match, NULL, free, 0},
    {"http2.errorcode", NULL, "HTTP/2 RST_STREAM/GOAWAY error code", errorcode_setup, h2_match,
     NULL, free, 0},
    {"http2.priority", NULL, "HTTP/2 priority weight", priority_setup, h2_match, NULL, free, 0},
    {"http2.window", NULL, "HTTP/2 WINDOW_UPDATE increment", window_setup, h2_match, NULL, free,
     0},
    {"http2.size_update", NULL, "HPACK dynamic table size update", size_update_setup, h2_match,
     NULL, free, 0},
    {"http2.settings", NULL, "HTTP/2 setting (and value)", settings_setup, h2_match, NULL, free,
     0},
};

const struct kw_family kw_family_http2 = {defs, sizeof(defs) / sizeof(defs[0])};

/* ------------------------------------------------------------ buffers */

enum {
	B_URI,
	B_METHOD,
	B_HOST,
	B_HOST_RAW,
	B_UA,
	B_STAT,
	B_HDR_LINE,
	B_HDR_NAME,
	B_BODY,
	B_NAMES,      /* http.header_names: "\r\n" name "\r\n" ... "\r\n" */
	B_HEADERS,    /* http.header: "name: value\r\n" per regular header */
	B_PROTOCOL,   /* "HTTP/2" */
	B_REQ_LINE,   /* ":method :path HTTP/2" */
	B_RESP_LINE,  /* "HTTP/2 :status" */
	B_FIRST_NAMED /* one header's value: spec->arg - B_FIRST_NAMED in named[] */
};

static const char *const named[] = {
    "cookie",	       "referer",	 "accept",     "accept-encoding", "accept-language",
    "content-type",    "content-length", "connection", "server",	  "location",
};

static bool hdr_value(const struct h2_tx *tx, enum app_dir dir, const char *name,
		      const uint8_t **d, uint32_t *l)
{
	const struct h2_header *h = h2_tx_header(tx, dir, name);
	if (h == NULL)
		return false;
	*d = h->value;
	*l = h->value_len;
	return true;
}

static bool h2_buffer(const struct app_buffer_spec *spec, struct det_thread *dt, const void *vtx,
		      enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	const struct h2_tx *tx = vtx;
	const struct h2_side *sd = &tx->side[dir];
	switch (spec->arg) {
	case B_HDR_LINE: {
		if (k >= sd->n_headers || dt == NULL)
			return false;
		const struct h2_header *h = &sd->headers[k];
		uint32_t n = h->name_len + 2 + h->value_len;
		uint8_t *b = app_scratch_reserve(dt, n);
		if (b == NULL)
			return false;
		memcpy(b, h->name, h->name_len);
		b[h->name_len] = ':';
		b[h->name_len + 1] = ' ';
		memcpy(b + h->name_len + 2, h->value, h->value_len);
		*d = b;
		*l = n;
		return true;
	}
	case B_HDR_NAME:
		if (k >= sd->n_headers)
			return false;
		*d = sd->headers[k].name;
		*l = sd->headers[k].name_len;
		return true;
	default:
		break;
	}
	if (k > 0)
		return false;
	switch (spec->arg) {
	case B_URI: return hdr_value(tx, dir, ":path", d, l);
	case B_METHOD: return hdr_value(tx, dir, ":method", d, l);
	case B_UA: return hdr_value(tx, dir, "user-agent", d, l);
	case B_STAT: return hdr_value(tx, dir, ":status", d, l);
	case B_HOST_RAW:
		return hdr_value(tx, dir, ":authority", d, l) || hdr_value(tx, dir, "host", d, l);
	case B_HOST: {
		const uint8_t *v;
		uint32_t n;
		if (!(hdr_value(tx, dir, ":authority", &v, &n) || hdr_value(tx, dir, "host", &v, &n)))
			return false;
		/* userinfo@ and :port removed, lower-cased */
		const uint8_t *at = memchr(v, '@', n);
		if (at != NULL) {
			n -= (uint32_t)(at + 1 - v);
			v = at + 1;
		}
		uint32_t e = n;
		if (n > 0 && v[0] == '[') {
			const uint8_t *rb = memchr(v, ']', n);
			if (rb != NULL)
				e = (uint32_t)(rb - v) + 1;
		} else {
			const uint8_t *c = memchr(v, ':', n);
			if (c != NULL)
				e = (uint32_t)(c - v);
		}
		if (dt == NULL) {
			*d = v;
			*l = e;
			return true;
		}
		uint8_t *b = app_scratch_reserve(dt, e ? e : 1);
		if (b == NULL)
			return false;
		for (uint32_t i = 0; i < e; i++)
			b[i] = (uint8_t)tolower(v[i]);
		*d = b;
		*l = e;
		return true;
	}
	case B_BODY:
		if (sd->body_len == 0)
			return false;
		*d = sd->body;
		*l = sd->body_len;
		return true;
	case B_PROTOCOL:
		if (!sd->seen)
			return false;
		*d = (const uint8_t *)"HTTP/2";
		*l = 6;
		return true;
	default:
		break;
	}
	if (dt == NULL)
		return false;
	if (spec->arg >= B_FIRST_NAMED) {
		const char *name = named[spec->arg - B_FIRST_NAMED];
		return hdr_value(tx, dir, name, d, l);
	}
	/* composed buffers: sizes first, then built in the scratch */
	uint32_t n = 0;
	const struct h2_header *m = h2_tx_header(tx, APP_TOSERVER, ":method");
	const struct h2_header *pa = h2_tx_header(tx, APP_TOSERVER, ":path");
	const struct h2_header *st = h2_tx_header(tx, APP_TOCLIENT, ":status");
	switch (spec->arg) {
	case B_NAMES:
		if (sd->n_headers == 0)
			return false;
		n = 4;
		for (uint32_t i = 0; i < sd->n_headers; i++)
			n += sd->headers[i].name_len + 2;
		break;
	case B_HEADERS:
		for (uint32_t i = 0; i < sd->n_headers; i++)
			if (sd->headers[i].name_len > 0 && sd->headers[i].name[0] != ':')
				n += sd->headers[i].name_len + sd->headers[i].value_len + 4;
		if (n == 0)
			return false;
		break;
	case B_REQ_LINE:
		if (m == NULL || pa == NULL)
			return false;
		n = m->value_len + 1 + pa->value_len + 7;
		break;
	case B_RESP_LINE:
		if (st == NULL)
			return false;
		n = 7 + st->value_len;
		break;
	default:
		return false;
	}
	uint8_t *b = app_scratch_reserve(dt, n);
	if (b == NULL)
		return false;
	uint32_t o = 0;
#define PUT(p, len)                                                                                \
	do {                                                                                       \
		memcpy(b + o, (p), (len));                                                          \
		o += (uint32_t)(len);                                                               \
	} while (0)
	switch (spec->arg) {
	case B_NAMES:
		PUT("\r\n", 2);
		for (uint32_t i = 0; i < sd->n_headers; i++) {
			PUT(sd->headers[i].name, sd->headers[i].name_len);
			PUT("\r\n", 2);
		}
		PUT("\r\n", 2);
		break;
	case B_HEADERS:
		for (uint32_t i = 0; i < sd->n_headers; i++) {
			const struct h2_header *h = &sd->headers[i];
			if (h->name_len == 0 || h->name[0] == ':')
				continue;
			PUT(h->name, h->name_len);
			PUT(": ", 2);
			PUT(h->value, h->value_len);
			PUT("\r\n", 2);
		}
		break;
	case B_REQ_LINE:
		PUT(m->value, m->value_len);
		PUT(" ", 1);
		PUT(pa->value, pa->value_len);
		PUT(" HTTP/2", 7);
		break;
	case B_RESP_LINE:
		PUT("HTTP/2 ", 7);
		PUT(st->value, st->value_len);
		break;
	}
#undef PUT
	*d = b;
	*l = o;
	return true;
}

#define S(name, alias, dirs, arg) {name, alias, APP_PROTO_HTTP2, dirs, h2_buffer, arg}
static const struct app_buffer_spec specs[] = {
    S("http.uri", NULL, AD_TS, B_URI),
    S("http.uri.raw", NULL, AD_TS, B_URI),
    S("http.method", NULL, AD_TS, B_METHOD),
    S("http.host", NULL, AD_TS, B_HOST),
    S("http.host.raw", NULL, AD_TS, B_HOST_RAW),
    S("http.user_agent", NULL, AD_TS, B_UA),
    S("http.stat_code", NULL, AD_TC, B_STAT),
    S("http.request_header", NULL, AD_TS, B_HDR_LINE),
    S("http.response_header", NULL, AD_TC, B_HDR_LINE),
    S("file.data", "file_data", AD_BOTH, B_BODY),
    S("http.request_body", NULL, AD_TS, B_BODY),
    S("http.response_body", NULL, AD_TC, B_BODY),
    S("http.header_names", "http_header_names", AD_BOTH, B_NAMES),
    S("http.header", NULL, AD_BOTH, B_HEADERS),
    S("http.header.raw", NULL, AD_BOTH, B_HEADERS),
    S("http.protocol", "http_protocol", AD_BOTH, B_PROTOCOL),
    S("http.request_line", "http_request_line", AD_TS, B_REQ_LINE),
    S("http.response_line", "http_response_line", AD_TC, B_RESP_LINE),
    S("http.cookie", NULL, AD_BOTH, B_FIRST_NAMED + 0),
    S("http.referer", "http_referer", AD_TS, B_FIRST_NAMED + 1),
    S("http.accept", "http_accept", AD_TS, B_FIRST_NAMED + 2),
    S("http.accept_enc", "http_accept_enc", AD_TS, B_FIRST_NAMED + 3),
    S("http.accept_lang", "http_accept_lang", AD_TS, B_FIRST_NAMED + 4),
    S("http.content_type", "http_content_type", AD_BOTH, B_FIRST_NAMED + 5),
    S("http.content_len", "http_content_len", AD_BOTH, B_FIRST_NAMED + 6),
    S("http.connection", "http_connection", AD_BOTH, B_FIRST_NAMED + 7),
    S("http.server", NULL, AD_TC, B_FIRST_NAMED + 8),
    S("http.location", NULL, AD_TC, B_FIRST_NAMED + 9),
    S("http2.header", NULL, AD_BOTH, B_HDR_LINE),
    S("http2.header_name", NULL, AD_BOTH, B_HDR_NAME),
};

const struct app_buffer_family app_buffers_http2 = {specs, sizeof(specs) / sizeof(specs[0])};
