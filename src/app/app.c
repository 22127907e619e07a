/*
 * app — the application-layer framework: which protocol a flow speaks, and
 * feeding that protocol's parser; see app.h.
 *
 * Recognition looks at the first bytes of each direction: an HTTP method
 * or status line, a TLS (or SSLv2-compatible) handshake record, DNS by its
 * port.  A direction that gives detect_limit bytes without a match, or a
 * gap before recognition, fails it; the flow is "failed" once no direction
 * can still succeed.  Parser state lives in the flow's app slot and is
 * freed with the flow.  Nothing here is shared between workers.
 */
#include "app/app.h"
#include "app/dns.h"
#include "app/http.h"
#include "app/tls.h"
#include "decode/decode.h"
#include "flow/flow.h"
#include "stream/stream.h"
#include "util/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

struct app_ctx {
	struct app_config cfg;
	struct app_stats stats;
};

struct app_flow {
	enum app_proto proto;
	bool dir_failed[2];    /* recognition failed in this direction */
	bool dir_done[2];      /* the parser gave up on this direction */
	bool dir_eof[2];       /* the parser was told the direction ended */
	void *state;	       /* struct http_state / tls_state / dns_state */
	uint64_t next_log;     /* HTTP: first transaction not yet logged */
	uint64_t next_insp[2]; /* HTTP: first transaction side not yet inspected */
	bool tls_inspected[2];
	bool tls_logged;
	bool eof; /* the flow ended: every side counts as complete */
};

static const char *const proto_names[APP_PROTO_MAX] = {
    [APP_PROTO_HTTP] = "http", [APP_PROTO_TLS] = "tls",	      [APP_PROTO_DNS] = "dns",
    [APP_PROTO_SMTP] = "smtp", [APP_PROTO_FTP] = "ftp",	      [APP_PROTO_SMB] = "smb",
    [APP_PROTO_SSH] = "ssh",   [APP_PROTO_FAILED] = "failed",
};

const char *app_proto_name(enum app_proto p)
{
	return (unsigned)p < APP_PROTO_MAX ? proto_names[p] : NULL;
}

void app_config_defaults(struct app_config *c)
{
	memset(c, 0, sizeof(*c));
	for (int p = APP_PROTO_HTTP; p < APP_PROTO_FAILED; p++)
		c->enabled[p] = true;
	c->detect_limit = 4096;
	http_config_defaults(&c->http);
}

/* A size or count under app-layer.protocols.http.libhtp.default-config;
 * 0 (Suricata: unlimited) becomes UINT32_MAX. */
static void load_http_u32(const struct config_node *root, const char *name, uint32_t *out)
{
	char key[96];
	snprintf(key, sizeof(key), "app-layer.protocols.http.libhtp.default-config.%s", name);
	uint64_t v = config_get_size(root, key, *out);
	*out = v == 0 || v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

void app_config_load(struct app_config *c, const struct config_node *root)
{
	char key[64];
	for (int p = APP_PROTO_HTTP; p < APP_PROTO_FAILED; p++) {
		snprintf(key, sizeof(key), "app-layer.protocols.%s.enabled", proto_names[p]);
		const char *v = config_get_str(root, key, NULL);
		/* Suricata also accepts "detection-only", which we treat as on. */
		if (v && !config_parse_bool(v, true))
			c->enabled[p] = false;
	}
	load_http_u32(root, "request-body-limit", &c->http.request_body_limit);
	load_http_u32(root, "response-body-limit", &c->http.response_body_limit);
	load_http_u32(root, "response-body-decompress-layer-limit", &c->http.decompress_layers);
}

struct app_ctx *app_ctx_new(const struct app_config *cfg)
{
	struct app_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	if (cfg)
		ctx->cfg = *cfg;
	else
		app_config_defaults(&ctx->cfg);
	return ctx;
}

void app_ctx_free(struct app_ctx *ctx)
{
	free(ctx);
}

const struct app_stats *app_ctx_stats(const struct app_ctx *ctx)
{
	return &ctx->stats;
}

enum app_proto app_flow_proto(const struct flow *f)
{
	const struct app_flow *af = f->app;
	return af ? af->proto : APP_PROTO_UNKNOWN;
}

void app_flow_free(void *slot)
{
	struct app_flow *af = slot;
	if (!af)
		return;
	switch (af->proto) {
	case APP_PROTO_HTTP: http_state_free(af->state); break;
	case APP_PROTO_TLS: tls_state_free(af->state); break;
	case APP_PROTO_DNS: dns_state_free(af->state); break;
	default: break;
	}
	free(af);
}

static struct app_flow *app_flow_get(struct flow *f)
{
	if (!f->app)
		f->app = calloc(1, sizeof(struct app_flow));
	return f->app;
}

static bool is_http_request(const uint8_t *d, uint32_t n, bool *need_more)
{
	static const char *const methods[] = {
	    "GET ",   "POST ",	 "HEAD ",     "PUT ",	    "DELETE ",	  "OPTIONS ", "CONNECT ",
	    "TRACE ", "PATCH ",	 "PROPFIND ", "PROPPATCH ", "MKCOL ",	  "COPY ",    "MOVE ",
	    "LOCK ",  "UNLOCK ", "SEARCH ",   "REPORT ",    "SUBSCRIBE ",
	};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		size_t ml = strlen(methods[i]);
		size_t cmp = n < ml ? n : ml;
		if (memcmp(d, methods[i], cmp) == 0) {
			if (n < ml)
				*need_more = true;
			else
				return true;
		}
	}
	return false;
}

static bool is_tls(const uint8_t *d, uint32_t n, bool *need_more)
{
	if (n < 3) {
		*need_more = n == 0 || d[0] == 0x16 || (d[0] & 0x80);
		return false;
	}
	if (d[0] == 0x16 && d[1] == 0x03 && d[2] <= 0x04)
		return true;
	/* SSLv2-compatible ClientHello: 2-byte length with the top bit, type 1. */
	return (d[0] & 0x80) && d[2] == 0x01 && n >= 5 && d[3] <= 0x03;
}

/* Does d start with one of the words (case-insensitive)?  *need_more when
 * d is a prefix of one. */
static bool starts_with_word(const uint8_t *d, uint32_t n, const char *const *words, size_t nw,
			     bool *need_more)
{
	for (size_t i = 0; i < nw; i++) {
		size_t wl = strlen(words[i]);
		size_t cmp = n < wl ? n : wl;
		if (strncasecmp((const char *)d, words[i], cmp) != 0)
			continue;
		if (n >= wl)
			return true;
		*need_more = true;
	}
	return false;
}

/* The client's first command, as Suricata's SMTP and FTP patterns. */
static bool is_smtp_client(const uint8_t *d, uint32_t n, bool *need_more)
{
	static const char *const w[] = {"EHLO", "HELO"};
	return starts_with_word(d, n, w, 2, need_more);
}

static bool is_ftp_client(const uint8_t *d, uint32_t n, bool *need_more)
{
	static const char *const w[] = {"USER ",    "PASS ",	"PORT ", "EPSV",
					"AUTH TLS", "AUTH SSL", "FEAT"};
	return starts_with_word(d, n, w, sizeof(w) / sizeof(w[0]), need_more);
}

/* "SSH-" banner, from either side. */
static bool is_ssh(const uint8_t *d, uint32_t n, bool *need_more)
{
	static const char *const w[] = {"SSH-"};
	return starts_with_word(d, n, w, 1, need_more);
}

/* A NetBIOS session message carrying SMB1, SMB2/3 or an SMB3 transform. */
static bool is_smb(const uint8_t *d, uint32_t n, bool *need_more)
{
	if (n == 0 || d[0] != 0x00)
		return false;
	if (n < 8) {
		*need_more = true;
		return false;
	}
	return (d[4] == 0xff || d[4] == 0xfe || d[4] == 0xfd) && memcmp(d + 5, "SMB", 3) == 0;
}

/* Recognition from one direction's first bytes; UNKNOWN = not yet. */
static enum app_proto recognise(const struct app_ctx *ctx, const struct flow *f, enum app_dir dir,
				const uint8_t *d, uint32_t n)
{
	bool more = false;
	const bool *on = ctx->cfg.enabled;
	/* As Suricata: a protocol's own patterns first, then the port (an
	 * HTTP request from port 53 is HTTP). */
	if (on[APP_PROTO_HTTP]) {
		if (dir == APP_TOSERVER && is_http_request(d, n, &more))
			return APP_PROTO_HTTP;
		if (dir == APP_TOCLIENT) {
			size_t cmp = n < 7 ? n : 7;
			if (memcmp(d, "HTTP/1.", cmp) == 0) {
				if (n >= 7)
					return APP_PROTO_HTTP;
				more = true;
			}
		}
	}
	if (on[APP_PROTO_TLS] && is_tls(d, n, &more))
		return APP_PROTO_TLS;
	if (on[APP_PROTO_SSH] && is_ssh(d, n, &more))
		return APP_PROTO_SSH;
	if (on[APP_PROTO_SMB] && is_smb(d, n, &more))
		return APP_PROTO_SMB;
	if (dir == APP_TOSERVER && on[APP_PROTO_SMTP] && is_smtp_client(d, n, &more))
		return APP_PROTO_SMTP;
	if (dir == APP_TOSERVER && on[APP_PROTO_FTP] && is_ftp_client(d, n, &more))
		return APP_PROTO_FTP;
	if (on[APP_PROTO_DNS] && (f->sp == 53 || f->dp == 53))
		return APP_PROTO_DNS;
	return more ? APP_PROTO_UNKNOWN : APP_PROTO_FAILED;
}

static bool start_parser(struct app_ctx *ctx, struct app_flow *af, enum app_proto proto, bool tcp,
			 uint16_t server_port)
{
	switch (proto) {
	case APP_PROTO_HTTP: {
		af->state = http_state_new();
		if (af->state) {
			http_state_configure(af->state, &ctx->cfg.http);
			http_state_set_server_port(af->state, server_port);
		}
		break;
	}
	case APP_PROTO_TLS: af->state = tls_state_new(); break;
	case APP_PROTO_DNS: af->state = dns_state_new(tcp); break;
	case APP_PROTO_SMTP:
	case APP_PROTO_FTP:
	case APP_PROTO_SMB:
	case APP_PROTO_SSH: break; /* recognised only: no parser state */
	default: return false;
	}
	if (!af->state && proto < APP_PROTO_SMTP)
		return false;
	af->proto = proto;
	ctx->stats.flows[proto]++;
	return true;
}

static enum app_parse_result parse(struct app_flow *af, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags)
{
	switch (af->proto) {
	case APP_PROTO_HTTP: return http_parse(af->state, dir, d, n, flags);
	case APP_PROTO_TLS: return tls_parse(af->state, dir, d, n, flags);
	case APP_PROTO_DNS: return dns_parse(af->state, dir, d, n, flags);
	default: return APP_PARSE_ERROR;
	}
}

/* Feeds one direction's new stream data; recognises the protocol first. */
static void feed_stream_dir(struct app_ctx *ctx, struct flow *f, struct app_flow *af,
			    enum stream_dir sdir, bool eof)
{
	enum app_dir dir = sdir == STREAM_TOSERVER ? APP_TOSERVER : APP_TOCLIENT;
	struct stream_chunk c;
	if (af->dir_done[dir] || af->dir_eof[dir])
		return;
	/* The parser hears of the end once the session is closed (not at the
	 * first FIN, as Suricata), with or without new bytes: a body
	 * delimited by the close completes there. */
	bool end = eof || stream_session_closed(f);
	if (!stream_app_data(f, sdir, &c) || c.len == 0) {
		if (end && af->state != NULL && af->proto != APP_PROTO_FAILED) {
			af->dir_eof[dir] = true;
			if (parse(af, dir, NULL, 0, APP_CHUNK_EOF) != APP_PARSE_OK) {
				af->dir_done[dir] = true;
				ctx->stats.parse_errors++;
			}
		}
		return;
	}
	if (af->proto == APP_PROTO_UNKNOWN) {
		enum app_proto p = c.gap ? APP_PROTO_FAILED : recognise(ctx, f, dir, c.data, c.len);
		if (p == APP_PROTO_UNKNOWN && c.len < ctx->cfg.detect_limit && !end)
			return; /* keep the bytes until we know */
		if (p == APP_PROTO_UNKNOWN || p == APP_PROTO_FAILED) {
			af->dir_failed[dir] = true;
			stream_app_consumed(f, sdir, c.offset + c.len);
			if (af->dir_failed[APP_TOSERVER] && af->dir_failed[APP_TOCLIENT]) {
				af->proto = APP_PROTO_FAILED;
				ctx->stats.flows[APP_PROTO_FAILED]++;
			}
			return;
		}
		uint16_t server_port = stream_flow_reversed(f) ? f->sp : f->dp;
		if (!start_parser(ctx, af, p, true, server_port))
			return;
	}
	if (af->proto == APP_PROTO_FAILED || af->state == NULL) {
		stream_app_consumed(f, sdir, c.offset + c.len);
		return;
	}
	uint32_t flags = (c.gap ? APP_CHUNK_GAP : 0) | (end ? APP_CHUNK_EOF : 0);
	af->dir_eof[dir] = end;
	if (parse(af, dir, c.data, c.len, flags) != APP_PARSE_OK) {
		af->dir_done[dir] = true;
		ctx->stats.parse_errors++;
	}
	stream_app_consumed(f, sdir, c.offset + c.len);
	/* Something new for the parser: stream rules should look now too. */
	stream_raw_trigger(f, sdir);
}

static void handle_udp(struct app_ctx *ctx, struct packet *p, struct app_flow *af)
{
	if (p->payload_len == 0)
		return;
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	if (af->proto == APP_PROTO_UNKNOWN) {
		struct flow *f = p->flow;
		bool dns = ctx->cfg.enabled[APP_PROTO_DNS] && (f->sp == 53 || f->dp == 53);
		if (!dns || !start_parser(ctx, af, APP_PROTO_DNS, false, f->dp)) {
			af->proto = APP_PROTO_FAILED;
			ctx->stats.flows[APP_PROTO_FAILED]++;
			return;
		}
	}
	if (af->proto == APP_PROTO_DNS)
		parse(af, dir, p->payload, p->payload_len, 0);
}

void app_handle_packet(struct app_ctx *ctx, struct packet *p)
{
	struct flow *f = p->flow;
	if (!f || p->is_fragment || (f->proto != 6 && f->proto != 17))
		return;
	struct app_flow *af = app_flow_get(f);
	if (!af)
		return;
	if (f->proto == 17) {
		handle_udp(ctx, p, af);
		return;
	}
	if (!f->stream)
		return; /* no session (e.g. mid-stream pick-up off): no app layer */
	feed_stream_dir(ctx, f, af, STREAM_TOSERVER, false);
	feed_stream_dir(ctx, f, af, STREAM_TOCLIENT, false);
}

void app_flow_end_dir(struct app_ctx *ctx, struct flow *f, enum stream_dir dir)
{
	struct app_flow *af = f->app;
	if (af)
		af->eof = true;
	if (af && f->proto == 6 && f->stream)
		feed_stream_dir(ctx, f, af, dir, true);
}

void app_flow_end(struct app_ctx *ctx, struct flow *f)
{
	app_flow_end_dir(ctx, f, STREAM_TOSERVER);
	app_flow_end_dir(ctx, f, STREAM_TOCLIENT);
}

static void log_dns(struct app_ctx *ctx, struct app_flow *af, app_tx_fn fn, void *arg)
{
	uint64_t last = 0;
	bool any = false;
	for (size_t i = 0; i < dns_tx_count(af->state); i++) {
		const struct dns_tx *tx = dns_tx_get(af->state, i);
		if (!tx)
			continue;
		fn(arg, APP_PROTO_DNS, af->state, tx, tx->tx_id);
		ctx->stats.tx[APP_PROTO_DNS]++;
		last = tx->tx_id;
		any = true;
	}
	if (any)
		dns_tx_release_upto(af->state, last);
}

static void log_http(struct app_ctx *ctx, struct app_flow *af, bool flow_end, app_tx_fn fn,
		     void *arg)
{
	uint64_t n = http_tx_count(af->state);
	while (af->next_log < n) {
		const struct http_tx *tx = http_tx_get(af->state, af->next_log);
		bool done = tx && http_tx_progress(tx, APP_TOSERVER) == HTTP_PROGRESS_COMPLETE &&
			    http_tx_progress(tx, APP_TOCLIENT) == HTTP_PROGRESS_COMPLETE;
		if (tx && !done && !flow_end)
			break; /* logged in order, as Suricata does */
		if (tx && http_tx_progress(tx, APP_TOSERVER) >= HTTP_PROGRESS_LINE) {
			fn(arg, APP_PROTO_HTTP, af->state, tx, af->next_log);
			ctx->stats.tx[APP_PROTO_HTTP]++;
		}
		af->next_log++;
	}
	uint64_t upto = af->next_log;
	for (int d = 0; d < 2; d++)
		if (af->next_insp[d] < upto && !flow_end)
			upto = af->next_insp[d]; /* rules have not seen it yet */
	http_tx_release_upto(af->state, upto);
}

/* One tls event per flow, when the handshake is over (or the flow ends),
 * and only when it has something to say — as Suricata logs it. */
static void log_tls(struct app_ctx *ctx, struct app_flow *af, bool flow_end, app_tx_fn fn,
		    void *arg)
{
	if (af->tls_logged || !(tls_handshake_done(af->state) || flow_end) ||
	    !tls_log_wanted(af->state))
		return;
	fn(arg, APP_PROTO_TLS, af->state, af->state, 0);
	ctx->stats.tx[APP_PROTO_TLS]++;
	af->tls_logged = true;
}

void app_log_ready(struct app_ctx *ctx, struct flow *f, bool flow_end, app_tx_fn fn, void *arg)
{
	struct app_flow *af = f->app;
	if (!af || !af->state)
		return;
	switch (af->proto) {
	case APP_PROTO_DNS: log_dns(ctx, af, fn, arg); break;
	case APP_PROTO_HTTP: log_http(ctx, af, flow_end, fn, arg); break;
	case APP_PROTO_TLS: log_tls(ctx, af, flow_end, fn, arg); break;
	default: break;
	}
}

/* ------------------------------------------------------------ inspection */

static bool tls_side_ready(const struct app_flow *af, enum app_dir dir)
{
	if (dir == APP_TOSERVER)
		return tls_client_hello_done(af->state);
	return (tls_ssl_state(af->state) & TLS_STATE_CERT) || tls_handshake_done(af->state) ||
	       (af->eof && tls_server_hello_done(af->state));
}

static bool http_side_ready(const struct app_flow *af, const struct http_tx *tx, enum app_dir dir)
{
	enum http_progress pr = http_tx_progress(tx, dir);
	return pr == HTTP_PROGRESS_COMPLETE || (af->eof && pr >= HTTP_PROGRESS_LINE);
}

static bool dns_inspect_tx(const struct app_flow *af, enum app_dir dir, uint32_t i, const void **tx,
			   uint64_t *tx_id)
{
	/* Messages live until logged, right after this packet's rules. */
	uint32_t seen = 0;
	for (size_t k = 0; k < dns_tx_count(af->state); k++) {
		const struct dns_tx *t = dns_tx_get(af->state, k);
		if (!t || t->request != (dir == APP_TOSERVER))
			continue;
		if (seen++ == i) {
			*tx = t;
			*tx_id = t->tx_id;
			return true;
		}
	}
	return false;
}

static bool http_inspect_tx(const struct app_flow *af, enum app_dir dir, uint32_t i,
			    const void **tx, uint64_t *tx_id)
{
	/* Sides are inspected in order: every one before the i-th is ready too. */
	for (uint64_t id = af->next_insp[dir]; id <= af->next_insp[dir] + i; id++) {
		const struct http_tx *t = http_tx_get(af->state, id);
		if (!t || !http_side_ready(af, t, dir))
			return false;
		*tx = t;
		*tx_id = id;
	}
	return true;
}

bool app_inspect_tx(const struct packet *p, uint32_t i, enum app_proto *proto, const void **tx,
		    uint64_t *tx_id)
{
	const struct flow *f = p->flow;
	const struct app_flow *af = f ? f->app : NULL;
	if (!af || !af->state)
		return false;
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	*proto = af->proto;
	switch (af->proto) {
	case APP_PROTO_DNS: return dns_inspect_tx(af, dir, i, tx, tx_id);
	case APP_PROTO_HTTP: return http_inspect_tx(af, dir, i, tx, tx_id);
	case APP_PROTO_TLS:
		if (i > 0 || af->tls_inspected[dir] || !tls_side_ready(af, dir))
			return false;
		*tx = af->state;
		*tx_id = 0;
		return true;
	default: return false;
	}
}

bool app_flow_tx(const struct flow *f, uint64_t tx_id, enum app_proto *proto, const void **state,
		 const void **tx)
{
	const struct app_flow *af = f ? f->app : NULL;
	if (!af || !af->state)
		return false;
	*proto = af->proto;
	*state = af->state;
	switch (af->proto) {
	case APP_PROTO_HTTP: *tx = http_tx_get(af->state, tx_id); break;
	case APP_PROTO_TLS: *tx = tx_id == 0 ? af->state : NULL; break;
	case APP_PROTO_DNS:
		*tx = NULL;
		for (size_t k = 0; k < dns_tx_count(af->state) && *tx == NULL; k++) {
			const struct dns_tx *t = dns_tx_get(af->state, k);
			if (t != NULL && t->tx_id == tx_id)
				*tx = t;
		}
		break;
	default: return false;
	}
	return *tx != NULL;
}

uint64_t app_flow_tx_total(const struct flow *f)
{
	const struct app_flow *af = f ? f->app : NULL;
	if (!af || !af->state)
		return 0;
	switch (af->proto) {
	case APP_PROTO_HTTP: return http_tx_count(af->state);
	case APP_PROTO_DNS: return dns_tx_next_id(af->state);
	case APP_PROTO_TLS: return 1;
	default: return 0;
	}
}

void app_inspect_done(struct packet *p)
{
	struct flow *f = p->flow;
	struct app_flow *af = f ? f->app : NULL;
	if (!af || !af->state)
		return;
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	if (af->proto == APP_PROTO_TLS) {
		if (tls_side_ready(af, dir))
			af->tls_inspected[dir] = true;
	} else if (af->proto == APP_PROTO_HTTP) {
		const struct http_tx *t;
		while ((t = http_tx_get(af->state, af->next_insp[dir])) != NULL &&
		       http_side_ready(af, t, dir))
			af->next_insp[dir]++;
	}
}
