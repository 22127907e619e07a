/*
 * http-proto — HTTP/1's entry in the protocol table: its probes, its
 * settings under app-layer.protocols.http, and the framework's view of its
 * transactions (a side is ready once that message is complete; a
 * transaction is logged once both are, in order).  The parser itself is
 * http.c; this file only adapts it to struct app_protocol.
 */
#include "app/file.h"
#include "app/http.h"
#include "util/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A request line starts with a method Suricata's HTTP pattern list has. */
static enum app_probe_result probe_request(const uint8_t *d, uint32_t n)
{
	static const char *const methods[] = {
	    "GET ",   "POST ",	 "HEAD ",     "PUT ",	    "DELETE ",	  "OPTIONS ", "CONNECT ",
	    "TRACE ", "PATCH ",	 "PROPFIND ", "PROPPATCH ", "MKCOL ",	  "COPY ",    "MOVE ",
	    "LOCK ",  "UNLOCK ", "SEARCH ",   "REPORT ",    "SUBSCRIBE ",
	};
	bool more = false;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		size_t ml = strlen(methods[i]);
		size_t cmp = n < ml ? n : ml;
		if (memcmp(d, methods[i], cmp) != 0)
			continue;
		if (n >= ml)
			return APP_PROBE_MATCH;
		more = true;
	}
	return more ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
}

static enum app_probe_result probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	if (in->dir == APP_TOSERVER)
		return probe_request(d, n);
	size_t cmp = n < 7 ? n : 7;
	if (memcmp(d, "HTTP/1.", cmp) != 0)
		return APP_PROBE_NO;
	return n >= 7 ? APP_PROBE_MATCH : APP_PROBE_NEED_MORE;
}

/* A size or count under app-layer.protocols.http.libhtp.default-config;
 * 0 (Suricata: unlimited) becomes UINT32_MAX. */
static void load_u32(const struct config_node *root, const char *name, uint32_t *out)
{
	char key[96];
	snprintf(key, sizeof(key), "app-layer.protocols.http.libhtp.default-config.%s", name);
	uint64_t v = config_get_size(root, key, *out);
	*out = v == 0 || v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void *settings_new(const struct config_node *root)
{
	struct http_config *c = malloc(sizeof(*c));
	if (c == NULL)
		return NULL;
	http_config_defaults(c);
	load_u32(root, "request-body-limit", &c->request_body_limit);
	load_u32(root, "response-body-limit", &c->response_body_limit);
	load_u32(root, "response-body-decompress-layer-limit", &c->decompress_layers);
	return c;
}

static void *state_new(const struct app_flow_info *fi)
{
	struct http_state *s = http_state_new();
	if (s == NULL)
		return NULL;
	struct http_config c;
	if (fi->cfg != NULL)
		c = *(const struct http_config *)fi->cfg;
	else
		http_config_defaults(&c);
	c.file_hashes = fi->file_hashes;
	http_state_configure(s, &c);
	http_state_set_server_port(s, fi->server_port);
	return s;
}

static void state_free(void *s)
{
	http_state_free(s);
}

static enum app_parse_result parse(void *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				   uint32_t flags)
{
	enum app_parse_result r = http_parse(s, dir, d, n, flags);
	return r == APP_PARSE_OK && http_state_take_change(s) ? APP_PARSE_CHANGE : r;
}

static uint32_t change_left(const void *s, enum app_dir dir)
{
	return http_state_tunnel_left(s, dir);
}

static int change_expect(const void *s)
{
	return http_state_change_to(s);
}

static uint64_t tx_count(const void *s)
{
	return http_tx_count(s);
}

static const void *tx_get(const void *s, uint64_t id)
{
	return http_tx_get(s, id);
}

static enum app_side tx_side(const void *s, const void *tx, enum app_dir dir, bool eof)
{
	enum http_progress pr = http_tx_progress(tx, dir);
	return pr == HTTP_PROGRESS_COMPLETE || (eof && pr >= HTTP_PROGRESS_LINE) ? APP_SIDE_READY
										 : APP_SIDE_PENDING;
}

/* Logged in order once complete both ways, as Suricata does; at the
 * flow's end whatever has a request line. */
static enum app_log_decision tx_log(const void *s, const void *tx, bool flow_end)
{
	if (http_tx_progress(tx, APP_TOSERVER) == HTTP_PROGRESS_COMPLETE &&
	    http_tx_progress(tx, APP_TOCLIENT) == HTTP_PROGRESS_COMPLETE)
		return APP_LOG_NOW;
	if (!flow_end)
		return APP_LOG_WAIT;
	return http_tx_progress(tx, APP_TOSERVER) >= HTTP_PROGRESS_LINE ? APP_LOG_NOW
									: APP_LOG_SKIP;
}

static void tx_release_upto(void *s, uint64_t id)
{
	http_tx_release_upto(s, id);
}

static bool tx_has_event(const void *s, const void *tx, int ev)
{
	return http_tx_has_event(tx, (enum http_event)ev);
}

static void log_json(struct json *j, const void *s, const void *tx, uint32_t opts)
{
	http_tx_log_json(j, tx, opts);
}

/* - http: {extended: yes} */
static uint32_t eve_options(const struct config_node *opts)
{
	return config_get_bool(opts, "extended", false) ? HTTP_LOG_EXTENDED : 0;
}

/* The request's files (uploads) first, then the response body, the
 * order in which they travel. */
static bool tx_file(const void *tx, uint32_t k, struct app_file_info *out)
{
	uint32_t nup = 0;
	while (http_tx_upload(tx, nup) != NULL)
		nup++;
	if (k < nup)
		return app_file_info(http_tx_upload(tx, k), out);
	k -= nup;
	return k == 0 && app_file_info(http_tx_body_file(tx), out);
}

static const char *tx_file_magic(const void *tx, uint32_t k, struct file_magic *fm)
{
	uint32_t nup = 0;
	while (http_tx_upload(tx, nup) != NULL)
		nup++;
	if (k < nup)
		return app_file_magic(http_tx_upload(tx, k), fm);
	return k == nup ? http_tx_file_magic(tx, fm) : NULL;
}

static const char *const aliases[] = {"http1", NULL};

static void change_refused(void *s)
{
	http_state_change_refused(s);
}

static const char *const frame_names[HTTP_FRAME_COUNT] = {
    [HTTP_FRAME_REQUEST] = "request", [HTTP_FRAME_RESPONSE] = "response"};

const struct app_protocol app_http = {
    .name = "http",
    .aliases = aliases,
    .ipprotos = APP_IPPROTO_TCP,
    .probe = probe,
    .config_new = settings_new,
    .config_free = free,
    .state_new = state_new,
    .state_free = state_free,
    .parse = parse,
    .change_refused = change_refused,
    .tx_count = tx_count,
    .tx_get = tx_get,
    .tx_side = tx_side,
    .tx_log = tx_log,
    .tx_release_upto = tx_release_upto,
    .event_names = http_event_names,
    .n_events = HTTP_EV__COUNT,
    .events_upper = true,
    .tx_has_event = tx_has_event,
    .eve_type = "http",
    .frame_names = frame_names,
    .n_frames = HTTP_FRAME_COUNT,
    .log_json = log_json,
    .eve_options = eve_options,
    .eve_default_opts = HTTP_LOG_EXTENDED,
    .eve_alert_opts = HTTP_LOG_EXTENDED,
    .tx_file = tx_file,
    .tx_file_magic = tx_file_magic,
    .change_expect = change_expect,
    .change_left = change_left,
};
