/*
 * kw-http.c — HTTP/1's rule buffers (http.uri, http.header, file.data on
 * HTTP, ...) and urilen.
 *
 * One instance per transaction side, read from the parser's views
 * (http_tx_buffer); http.request_header / http.response_header have one
 * instance per header, "Name: value" composed in the worker's scratch.
 * Request buffers are to_server, response buffers to_client; file.data
 * is the request body on to_server packets and the response body on
 * to_client ones, as in Suricata.
 */
#include <stdlib.h>
#include <string.h>

#include "app/http.h"
#include "detect/detect-internal.h"

/* spec->arg: the enum http_buffer of each direction, 0xff for none. */
#define HB(ts, tc) ((((ts) & 0xff)) | (((tc) & 0xff) << 8))
#define NONE 0xff
#define HEADER_LINE 0x10000

static bool header_line(struct det_thread *dt, enum app_dir dir, const void *tx, uint32_t k,
			const uint8_t **d, uint32_t *l)
{
	const uint8_t *name, *value;
	uint32_t nl, vl;
	if (dt == NULL || !http_tx_header_at(tx, dir, k, &name, &nl, &value, &vl))
		return false;
	uint64_t need = (uint64_t)nl + 2 + vl;
	if (need > UINT32_MAX || app_scratch_reserve(dt, (uint32_t)need) == NULL)
		return false;
	memcpy(dt->app_scratch, name, nl);
	memcpy(dt->app_scratch + nl, ": ", 2);
	memcpy(dt->app_scratch + nl + 2, value, vl);
	*d = dt->app_scratch;
	*l = (uint32_t)need;
	return true;
}

static bool http_buffer(const struct app_buffer_spec *spec, struct det_thread *dt, const void *tx,
			enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	if (spec->arg == HEADER_LINE)
		return header_line(dt, dir, tx, k, d, l);
	int hb = (spec->arg >> (dir == APP_TOSERVER ? 0 : 8)) & 0xff;
	return k == 0 && hb != NONE && http_tx_buffer(tx, dir, (enum http_buffer)hb, d, l);
}

#define TS(name, alias, b) {name, alias, APP_PROTO_HTTP, AD_TS, http_buffer, HB(b, NONE)}
#define TC(name, alias, b) {name, alias, APP_PROTO_HTTP, AD_TC, http_buffer, HB(NONE, b)}
#define BOTH(name, alias, b) {name, alias, APP_PROTO_HTTP, AD_BOTH, http_buffer, HB(b, b)}

static const struct app_buffer_spec specs[] = {
    TS("http.uri", NULL, HTTP_BUF_URI),
    TS("http.uri.raw", NULL, HTTP_BUF_URI_RAW),
    TS("http.method", NULL, HTTP_BUF_METHOD),
    TS("http.host", NULL, HTTP_BUF_HOST),
    TS("http.host.raw", NULL, HTTP_BUF_HOST_RAW),
    TS("http.user_agent", NULL, HTTP_BUF_USER_AGENT),
    TS("http.request_line", "http_request_line", HTTP_BUF_REQUEST_LINE),
    TS("http.request_body", NULL, HTTP_BUF_REQUEST_BODY),
    TS("http.referer", "http_referer", HTTP_BUF_REFERER),
    TS("http.accept", "http_accept", HTTP_BUF_ACCEPT),
    TS("http.accept_enc", "http_accept_enc", HTTP_BUF_ACCEPT_ENC),
    TS("http.accept_lang", "http_accept_lang", HTTP_BUF_ACCEPT_LANG),
    TC("http.response_line", "http_response_line", HTTP_BUF_RESPONSE_LINE),
    TC("http.stat_code", NULL, HTTP_BUF_STAT_CODE),
    TC("http.stat_msg", NULL, HTTP_BUF_STAT_MSG),
    TC("http.response_body", NULL, HTTP_BUF_RESPONSE_BODY),
    TC("http.location", NULL, HTTP_BUF_LOCATION),
    TC("http.server", NULL, HTTP_BUF_SERVER),
    BOTH("http.header", NULL, HTTP_BUF_HEADER),
    BOTH("http.header.raw", NULL, HTTP_BUF_HEADER_RAW),
    BOTH("http.header_names", "http_header_names", HTTP_BUF_HEADER_NAMES),
    BOTH("http.cookie", NULL, HTTP_BUF_COOKIE),
    BOTH("http.protocol", "http_protocol", HTTP_BUF_PROTOCOL),
    BOTH("http.start", "http_start", HTTP_BUF_START),
    BOTH("http.content_type", "http_content_type", HTTP_BUF_CONTENT_TYPE),
    BOTH("http.content_len", "http_content_len", HTTP_BUF_CONTENT_LEN),
    BOTH("http.connection", "http_connection", HTTP_BUF_CONNECTION),
    {"http.request_header", NULL, APP_PROTO_HTTP, AD_TS, http_buffer, HEADER_LINE},
    {"http.response_header", NULL, APP_PROTO_HTTP, AD_TC, http_buffer, HEADER_LINE},
    {"file.data", "file_data", APP_PROTO_HTTP, AD_BOTH, http_buffer,
     HB(HTTP_BUF_REQUEST_BODY, HTTP_BUF_RESPONSE_BODY)},
};

const struct app_buffer_family app_buffers_http = {specs, sizeof(specs) / sizeof(specs[0])};

/* urilen:[<>]N[<>M][,norm|raw]: the size of http.uri (or http.uri.raw),
 * checked by bsize on that buffer; the sticky buffer does not change. */
static int urilen_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char v[64];
	snprintf(v, sizeof(v), "%s", arg);
	int buf = app_buffer_id("http.uri");
	char *comma = strchr(v, ',');
	if (comma != NULL) {
		*comma = '\0';
		char *kind = str_trim(comma + 1);
		if (strcmp(kind, "raw") == 0) {
			buf = app_buffer_id("http.uri.raw");
		} else if (strcmp(kind, "norm") != 0) {
			pc_error(pc, "invalid urilen '%s'", arg);
			return -1;
		}
	}
	struct u64_cmp *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (u64_cmp_parse(str_trim(v), UINT32_MAX, c) != 0) {
		pc_error(pc, "invalid urilen '%s'", arg);
		free(c);
		return -1;
	}
	struct rule_buffer *rb = rule_get_buffer(r, buf, true);
	if (rb == NULL || list_add_payload(rb, kw_lookup("bsize"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

static const struct kw_def defs[] = {
    {"urilen", NULL, "size of the normalised (or raw) HTTP URI", urilen_setup, NULL, NULL, NULL, 0},
};

const struct kw_family kw_family_http = {defs, sizeof(defs) / sizeof(defs[0])};
