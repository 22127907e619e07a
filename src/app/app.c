/*
 * app — the application-layer framework: which protocol a flow speaks, and
 * feeding that protocol's parser; see app.h.  It knows protocols only
 * through their entries in the table (app/protocols.h): no field and no
 * switch of any one protocol lives here.
 *
 * Recognition, as Suricata's: each direction's first bytes go to every
 * enabled protocol's pattern probe, in table order; when none matches,
 * to the port probes of the protocols whose detection ports the flow
 * uses.  Each direction is recognised on its own (app_proto_ts/tc); the
 * first one decides the flow's protocol and the other's bytes go to that
 * parser once its own recognition is over, whatever it found (Suricata's
 * "only one direction" and "mismatch" cases).  A direction that gives
 * detect_limit bytes without a match, or a gap before recognition, fails;
 * its bytes wait (up to detect_limit) for the other direction to decide.
 * The flow is "failed" once no direction can still succeed.  A parser may
 * ask for a protocol change (APP_PARSE_CHANGE: STARTTLS, CONNECT): the
 * next bytes are recognised again; the flow keeps its protocol until they
 * are.  UDP is decided per direction on its first datagram.
 *
 * Expected flows (FTP data): a parser's announcements (expect_take) are
 * kept per worker in a bounded table with a timeout; a new TCP flow
 * between the same addresses to the announced port is, at its first
 * data, given the announced protocol without probing (app.h).
 *
 * Transactions are walked through the descriptor: per direction a cursor
 * of the first side rules have not inspected yet (sides are inspected in
 * order, once, when ready), a cursor of the first transaction not logged
 * yet, and everything below all three is released.  Parser state lives in
 * the flow's app slot and is freed with the flow.  Nothing here is shared
 * between workers.
 */
#include "app/app.h"
#include "app/file.h"
#include "app/frame-internal.h"
#include "decode/decode.h"
#include "flow/flow.h"
#include "stream/stream.h"
#include "util/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* An expected flow (app.h, struct app_expect) with the announcer's addresses. */
struct app_expect_entry {
	bool used;
	struct ip_addr a, b;
	int64_t created; /* flow time (seconds) of the announcement */
	struct app_expect e;
};

struct app_ctx {
	const struct app_config *cfg;
	struct app_config own; /* when created without one */
	struct app_stats stats;
	uint32_t n_expect; /* entries used */
	struct app_expect_entry expect[APP_EXPECT_MAX];
};

struct app_flow {
	enum app_proto proto;
	const struct app_protocol *ap; /* NULL until recognised, and when failed */
	enum app_proto dir_proto[2];   /* what each direction was recognised as */
	enum app_proto orig, expect;   /* before a protocol change; what it expected */
	bool changing;		       /* a change was asked: recognising again */
	bool disabled;		       /* after a change nothing was recognised */
	const struct app_protocol *prev_ap; /* the protocol before the change, */
	void *prev_state;		    /* kept until its transactions are logged */
	uint64_t prev_next_log;		    /* its first transaction not logged yet */
	bool dir_done[2];	       /* the parser gave up on this direction */
	bool one_dir_told;	       /* APP_EV_ONLY_ONE_DIRECTION was raised */
	bool dir_eof[2];	       /* the parser was told the direction ended */
	void *state;		       /* the parser's, NULL for recognised-only */
	uint64_t next_log;	       /* first transaction not logged yet */
	uint64_t next_insp[2];	       /* first transaction side not inspected yet */
	/* Done after the cursors, out of order (bit k: cursor + k): a side
	 * inspected, a transaction logged, while one before it waits. */
	uint64_t insp_done[2], log_done;
	/* sides offered at their early stage (APP_SIDE_EARLY), bit k: the
	 * inspection cursor + k */
	uint64_t early_done[2];
	uint64_t released;	       /* transactions below this id were released */
	bool eof;		       /* the flow ended: every side counts as complete */
	bool expect_checked;	       /* the expected-flow table was consulted */
	/* files to store (the filestore keyword): every later file of these
	 * directions (bit = 1 << app_dir), and per transaction */
	uint8_t store_flow_dirs;
	uint64_t store_flow_from; /* ... of this transaction and the later ones */
	uint8_t store_ntx;
	struct {
		uint64_t tx_id;
		uint8_t dirs;
	} store_tx[APP_STORE_TX_MAX];
	struct app_frames *frames;     /* NULL when the protocol makes no frames */
};

/* ------------------------------------------------------------ settings */

void app_config_defaults(struct app_config *c)
{
	memset(c, 0, sizeof(*c));
	for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
		const struct app_protocol *ap = app_protocol((enum app_proto)p);
		c->enabled[p] = true;
		c->stream_depth[p] = ap->stream_depth;
		(void)app_ports_parse(ap->tcp_ports, &c->ports[p][0]);
		(void)app_ports_parse(ap->udp_ports, &c->ports[p][1]);
	}
	c->detect_limit = 4096;
}

/* "53", "139, 445", "[80, 8080:8090]", "any"; false on anything else. */
bool app_ports_parse(const char *s, struct app_ports *out)
{
	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return true;
	while (*s == ' ' || *s == '[')
		s++;
	if (strncmp(s, "any", 3) == 0) {
		out->n = 1;
		out->lo[0] = 0;
		out->hi[0] = 65535;
		return true;
	}
	while (*s != '\0' && *s != ']') {
		char *end;
		unsigned long lo = strtoul(s, &end, 10), hi = lo;
		if (end == s || lo > 65535)
			return false;
		s = end;
		if (*s == ':' || *s == '-') {
			hi = strtoul(s + 1, &end, 10);
			if (end == s + 1 || hi > 65535 || hi < lo)
				return false;
			s = end;
		}
		if (out->n == APP_MAX_PORT_RANGES)
			return false;
		out->lo[out->n] = (uint16_t)lo;
		out->hi[out->n] = (uint16_t)hi;
		out->n++;
		while (*s == ' ' || *s == ',')
			s++;
	}
	return true;
}

static bool ports_have(const struct app_ports *ps, uint16_t port)
{
	for (uint8_t i = 0; i < ps->n; i++)
		if (port >= ps->lo[i] && port <= ps->hi[i])
			return true;
	return false;
}

/*
 * app-layer.protocols.<name>.detection-ports.dp, or per transport
 * app-layer.protocols.<name>.<tcp|udp>.detection-ports.dp (Suricata's DNS
 * layout).  A value that does not parse is reported and the default kept.
 */
static void load_ports(struct app_config *c, const struct config_node *root, enum app_proto p)
{
	static const char *const transports[2] = {"tcp", "udp"};
	const char *name = app_proto_name(p);
	for (int t = 0; t < 2; t++) {
		char key[128];
		snprintf(key, sizeof(key), "app-layer.protocols.%s.%s.detection-ports.dp", name,
			 transports[t]);
		const char *v = config_get_str(root, key, NULL);
		if (v == NULL) {
			snprintf(key, sizeof(key), "app-layer.protocols.%s.detection-ports.dp",
				 name);
			v = config_get_str(root, key, NULL);
		}
		if (v == NULL)
			continue;
		struct app_ports ps;
		if (!app_ports_parse(v, &ps)) {
			fprintf(stderr, "vigil: config: %s: invalid port list '%s', default kept\n",
				key, v);
			continue;
		}
		c->ports[p][t] = ps;
	}
}

void app_config_load(struct app_config *c, const struct config_node *root)
{
	char key[96];
	for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
		const struct app_protocol *ap = app_protocol((enum app_proto)p);
		snprintf(key, sizeof(key), "app-layer.protocols.%s.enabled", ap->name);
		const char *v = config_get_str(root, key, NULL);
		/* Suricata also accepts "detection-only", which we treat as on. */
		if (v && !config_parse_bool(v, true))
			c->enabled[p] = false;
		load_ports(c, root, (enum app_proto)p);
		snprintf(key, sizeof(key), "app-layer.protocols.%s.stream-depth", ap->name);
		if (config_get_str(root, key, NULL) != NULL) {
			uint64_t d = config_get_size(root, key, 0);
			c->stream_depth[p] = d == 0 ? APP_STREAM_DEPTH_UNLIMITED : d;
		}
		if (ap->config_new != NULL && c->proto_cfg[p] == NULL)
			c->proto_cfg[p] = ap->config_new(root);
	}
}

void app_config_free(struct app_config *c)
{
	for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
		const struct app_protocol *ap = app_protocol((enum app_proto)p);
		if (c->proto_cfg[p] != NULL && ap->config_free != NULL)
			ap->config_free(c->proto_cfg[p]);
		c->proto_cfg[p] = NULL;
	}
}

const void *app_config_proto(const struct app_config *c, enum app_proto p)
{
	return (unsigned)p < APP_PROTO_MAX ? c->proto_cfg[p] : NULL;
}

/* ------------------------------------------------------------ contexts */

struct app_ctx *app_ctx_new(const struct app_config *cfg)
{
	struct app_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	if (cfg == NULL) {
		app_config_defaults(&ctx->own);
		cfg = &ctx->own;
	}
	ctx->cfg = cfg;
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

uint64_t app_flow_tx_count(const struct flow *f)
{
	const struct app_flow *af = f->app;
	if (af == NULL || af->ap == NULL || af->state == NULL || af->ap->tx_count == NULL)
		return 0;
	return af->ap->tx_count(af->state);
}

enum app_proto app_flow_proto_dir(const struct flow *f, enum app_dir dir)
{
	const struct app_flow *af = f->app;
	return af ? af->dir_proto[dir] : APP_PROTO_UNKNOWN;
}

enum app_proto app_flow_proto_orig(const struct flow *f)
{
	const struct app_flow *af = f->app;
	return af ? af->orig : APP_PROTO_UNKNOWN;
}

enum app_proto app_flow_proto_expected(const struct flow *f)
{
	const struct app_flow *af = f->app;
	return af ? af->expect : APP_PROTO_UNKNOWN;
}

void app_flow_free(void *slot)
{
	struct app_flow *af = slot;
	if (!af)
		return;
	if (af->state != NULL)
		af->ap->state_free(af->state);
	if (af->prev_state != NULL)
		af->prev_ap->state_free(af->prev_state);
	app_frames_free(af->frames);
	free(af);
}

static struct app_flow *app_flow_get(struct flow *f)
{
	if (!f->app)
		f->app = calloc(1, sizeof(struct app_flow));
	return f->app;
}

/* ------------------------------------------------------------ recognition */

enum app_probe_result app_probe_words(const uint8_t *d, uint32_t n, const char *const *words)
{
	bool more = false;
	for (; *words != NULL; words++) {
		size_t wl = strlen(*words);
		size_t cmp = n < wl ? n : wl;
		if (strncasecmp((const char *)d, *words, cmp) != 0)
			continue;
		if (n >= wl)
			return APP_PROBE_MATCH;
		more = true;
	}
	return more ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
}

/* Recognition from one direction's first bytes; UNKNOWN = not yet. */
static enum app_proto recognise(const struct app_ctx *ctx, const struct flow *f, enum app_dir dir,
				const uint8_t *d, uint32_t n, bool tcp)
{
	const struct app_probe_in in = {.dir = dir, .tcp = tcp, .sp = f->sp, .dp = f->dp};
	const uint8_t transport = tcp ? APP_IPPROTO_TCP : APP_IPPROTO_UDP;
	bool more = false;
	/* A protocol's own patterns first, then the ports (an HTTP request
	 * from port 53 is HTTP), as Suricata. */
	for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
		const struct app_protocol *ap = app_protocol((enum app_proto)p);
		if (!ctx->cfg->enabled[p] || ap->probe == NULL || !(ap->ipprotos & transport))
			continue;
		enum app_probe_result r = ap->probe(&in, d, n);
		if (r == APP_PROBE_MATCH)
			return (enum app_proto)p;
		more |= r == APP_PROBE_NEED_MORE;
	}
	for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
		const struct app_protocol *ap = app_protocol((enum app_proto)p);
		const struct app_ports *ps = &ctx->cfg->ports[p][tcp ? 0 : 1];
		if (!ctx->cfg->enabled[p] || !(ap->ipprotos & transport) ||
		    !(ports_have(ps, f->sp) || ports_have(ps, f->dp)))
			continue;
		enum app_probe_result r =
		    ap->probe_port != NULL ? ap->probe_port(&in, d, n) : APP_PROBE_MATCH;
		if (r == APP_PROBE_MATCH)
			return (enum app_proto)p;
		more |= r == APP_PROBE_NEED_MORE;
	}
	return more && tcp ? APP_PROTO_UNKNOWN : APP_PROTO_FAILED;
}

static void set_failed(struct app_ctx *ctx, struct app_flow *af, bool udp)
{
	af->proto = APP_PROTO_FAILED;
	af->ap = NULL;
	ctx->stats.flows[APP_PROTO_FAILED]++;
	if (udp)
		ctx->stats.flows_udp[APP_PROTO_FAILED]++;
}

static bool start_parser_with(struct app_ctx *ctx, struct flow *f, struct app_flow *af,
			      enum app_proto proto, bool tcp, uint16_t server_port,
			      const struct app_expect *ex)
{
	const struct app_protocol *ap = app_protocol(proto);
	if (ap == NULL)
		return false;
	void *state = NULL;
	if (ap->state_new != NULL) {
		const struct app_flow_info fi = {
		    .tcp = tcp,
		    .server_port = server_port,
		    .cfg = ctx->cfg->proto_cfg[proto],
		    .file_hashes = ctx->cfg->file_hashes,
		    .expect_data = ex != NULL ? ex->data : NULL,
		    .expect_len = ex != NULL ? ex->len : 0,
		};
		state = ap->state_new(&fi);
		if (state == NULL)
			return false;
	}
	if (af->state != NULL) {
		/* a protocol change: the old transactions are logged first */
		if (af->prev_state != NULL)
			af->prev_ap->state_free(af->prev_state);
		af->prev_ap = af->ap;
		af->prev_state = af->state;
		af->prev_next_log = af->next_log;
	}
	af->state = state;
	af->proto = proto;
	af->ap = ap;
	app_frames_free(af->frames);
	af->frames = app_frames_new(proto, ctx->cfg->frames[proto], !tcp, &ctx->stats.frames_refused);
	uint64_t depth = ctx->cfg->stream_depth[proto];
	if (tcp && depth != 0 && f != NULL)
		stream_set_depth(f, depth == APP_STREAM_DEPTH_UNLIMITED ? 0 : depth);
	/* force-filestore: every file is stored, so a protocol that carries
	 * files takes the file-store stream-depth at once */
	if (tcp && f != NULL && ap->tx_file != NULL && app_file_store_forced() &&
	    app_file_store_depth(&depth))
		stream_file_depth(f, depth);
	af->next_log = af->released = 0;
	af->next_insp[0] = af->next_insp[1] = 0;
	af->insp_done[0] = af->insp_done[1] = af->log_done = 0;
	af->early_done[0] = af->early_done[1] = 0;
	af->dir_done[0] = af->dir_done[1] = false;
	ctx->stats.flows[proto]++;
	if (!tcp)
		ctx->stats.flows_udp[proto]++;
	return true;
}

static bool start_parser(struct app_ctx *ctx, struct flow *f, struct app_flow *af,
			 enum app_proto proto, bool tcp, uint16_t server_port)
{
	return start_parser_with(ctx, f, af, proto, tcp, server_port, NULL);
}

/* ------------------------------------------------------------ expected flows */

/* The parser's announcements after a parse call go to the table. */
static void take_expectations(struct app_ctx *ctx, const struct flow *f, struct app_flow *af)
{
	if (af->ap == NULL || af->ap->expect_take == NULL || af->state == NULL)
		return;
	struct app_expect e;
	while (af->ap->expect_take(af->state, &e)) {
		if (e.len > APP_EXPECT_DATA_MAX || app_protocol(e.proto) == NULL)
			continue;
		/* a free slot, else one timed out, else the oldest */
		uint32_t slot = 0;
		int64_t oldest = INT64_MAX;
		bool found = false;
		for (uint32_t i = 0; i < APP_EXPECT_MAX && !found; i++) {
			const struct app_expect_entry *x = &ctx->expect[i];
			if (!x->used || x->created + APP_EXPECT_TIMEOUT < f->last_sec) {
				slot = i;
				found = true;
			} else if (x->created < oldest) {
				oldest = x->created;
				slot = i;
			}
		}
		struct app_expect_entry *x = &ctx->expect[slot];
		if (x->used)
			ctx->stats.expect_evicted++;
		else
			ctx->n_expect++;
		x->used = true;
		x->a = f->src;
		x->b = f->dst;
		x->created = f->last_sec;
		x->e = e;
		ctx->stats.expect_new++;
	}
}

static bool addr_eq(const struct ip_addr *x, const struct ip_addr *y)
{
	size_t n = x->family == 6 ? 16 : 4;
	return x->family == y->family && memcmp(x->bytes, y->bytes, n) == 0;
}

/* A new TCP flow another one announced: it starts as that protocol. */
static void match_expectation(struct app_ctx *ctx, struct flow *f, struct app_flow *af)
{
	af->expect_checked = true;
	if (ctx->n_expect == 0)
		return;
	uint16_t server_port = stream_flow_reversed(f) ? f->sp : f->dp;
	for (uint32_t i = 0; i < APP_EXPECT_MAX; i++) {
		struct app_expect_entry *x = &ctx->expect[i];
		if (!x->used)
			continue;
		if (x->created + APP_EXPECT_TIMEOUT < f->last_sec) {
			x->used = false;
			ctx->n_expect--;
			ctx->stats.expect_evicted++;
			continue;
		}
		if (x->e.port != server_port ||
		    !((addr_eq(&x->a, &f->src) && addr_eq(&x->b, &f->dst)) ||
		      (addr_eq(&x->a, &f->dst) && addr_eq(&x->b, &f->src))))
			continue;
		x->used = false;
		ctx->n_expect--;
		if (!ctx->cfg->enabled[x->e.proto] ||
		    !start_parser_with(ctx, f, af, x->e.proto, true, server_port, &x->e))
			return;
		af->dir_proto[0] = af->dir_proto[1] = x->e.proto;
		ctx->stats.expect_matched++;
		return;
	}
}

/* ------------------------------------------------------------ feeding */

static void change_requested(struct app_flow *af)
{
	af->changing = true;
	af->expect = af->ap->change_expect != NULL
			 ? (enum app_proto)af->ap->change_expect(af->state)
			 : APP_PROTO_UNKNOWN;
	af->dir_proto[0] = af->dir_proto[1] = APP_PROTO_UNKNOWN;
}

static void parse_chunk(struct app_ctx *ctx, struct app_flow *af, enum app_dir dir,
			uint64_t offset, const uint8_t *d, uint32_t n, uint32_t flags)
{
	if (flags & APP_CHUNK_EOF)
		app_frames_eof(af->frames, dir);
	app_frames_begin(af->frames, dir, offset, d, n);
	enum app_parse_result r = af->ap->parse(af->state, dir, d, n, flags);
	app_frames_end();
	if (r == APP_PARSE_CHANGE && !af->changing && af->orig == APP_PROTO_UNKNOWN) {
		change_requested(af);
	} else if (r == APP_PARSE_ERROR) {
		af->dir_done[dir] = true;
		ctx->stats.parse_errors++;
	}
}

/*
 * After a protocol change asked for, a direction's recognition ended
 * with p: the flow turns into p, or, when both directions found nothing,
 * its app layer is off (it keeps its protocol, as Suricata's).
 */
static void raise_event(struct packet *p, enum app_detect_event ev)
{
	if (p != NULL)
		p->app_events |= (uint8_t)(1u << ev);
}

static const char *const detect_event_names[APP_EV_DETECT_COUNT] = {
    [APP_EV_MISMATCH_BOTH_DIRECTIONS] = "applayer_mismatch_protocol_both_directions",
    [APP_EV_WRONG_DIRECTION_FIRST_DATA] = "applayer_wrong_direction_first_data",
    [APP_EV_ONLY_ONE_DIRECTION] = "applayer_detect_protocol_only_one_direction",
    [APP_EV_DETECTION_SKIPPED] = "applayer_proto_detection_skipped",
    [APP_EV_NO_TLS_AFTER_STARTTLS] = "applayer_no_tls_after_starttls",
    [APP_EV_UNEXPECTED_PROTOCOL] = "applayer_unexpected_protocol",
};

const char *app_detect_event_name(enum app_detect_event ev)
{
	return (unsigned)ev < APP_EV_DETECT_COUNT ? detect_event_names[ev] : NULL;
}

static void change_decided(struct app_ctx *ctx, struct flow *f, struct app_flow *af,
			   enum app_proto p, struct packet *pkt)
{
	if (p == APP_PROTO_FAILED) {
		if (af->dir_proto[0] == APP_PROTO_FAILED && af->dir_proto[1] == APP_PROTO_FAILED) {
			af->changing = false;
			af->disabled = true;
			af->dir_proto[0] = af->dir_proto[1] = af->proto;
		}
		return;
	}
	enum app_proto old = af->proto;
	uint16_t server_port = stream_flow_reversed(f) ? f->sp : f->dp;
	if (!start_parser(ctx, f, af, p, true, server_port)) {
		af->disabled = true;
		return;
	}
	af->changing = false;
	af->orig = old;
	if (af->expect != APP_PROTO_UNKNOWN && p != af->expect) {
		raise_event(pkt, APP_EV_UNEXPECTED_PROTOCOL);
		if (af->expect == APP_PROTO_TLS)
			raise_event(pkt, APP_EV_NO_TLS_AFTER_STARTTLS);
	}
}

/*
 * Recognition of a TCP direction's first bytes.  True when the bytes go
 * on to a parser now; false when they wait for more (or for the other
 * direction) or were dropped.
 */
static bool recognise_stream(struct app_ctx *ctx, struct flow *f, struct app_flow *af,
			     enum stream_dir sdir, enum app_dir dir, const struct stream_chunk *c,
			     bool end, struct packet *pkt)
{
	enum app_proto p =
	    c->gap ? APP_PROTO_FAILED : recognise(ctx, f, dir, c->data, c->len, true);
	bool can_wait = c->len < ctx->cfg->detect_limit && !end;
	if (p == APP_PROTO_UNKNOWN && can_wait)
		return false; /* keep the bytes until we know */
	if (p == APP_PROTO_UNKNOWN)
		p = APP_PROTO_FAILED;
	af->dir_proto[dir] = p;
	if (af->changing) {
		change_decided(ctx, f, af, p, pkt);
		if (af->changing || af->disabled)
			stream_app_consumed(f, sdir, c->offset + c->len);
		return !af->changing && !af->disabled;
	}
	if (af->proto != APP_PROTO_UNKNOWN) {
		/* the other direction decided: its parser gets these */
		if (p != APP_PROTO_FAILED && p != af->proto)
			raise_event(pkt, APP_EV_MISMATCH_BOTH_DIRECTIONS);
		return true;
	}
	if (p == APP_PROTO_FAILED) {
		if (af->dir_proto[!dir] == APP_PROTO_FAILED)
			set_failed(ctx, af, false);
		return false; /* held for the other direction (feed_stream_dir) */
	}
	uint16_t server_port = stream_flow_reversed(f) ? f->sp : f->dp;
	return start_parser(ctx, f, af, p, true, server_port);
}

/* Feeds one direction's new stream data; recognises the protocol first. */
static void feed_stream_dir(struct app_ctx *ctx, struct flow *f, struct app_flow *af,
			    enum stream_dir sdir, bool eof, struct packet *pkt)
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
		if (end && af->state != NULL && !af->disabled) {
			af->dir_eof[dir] = true;
			parse_chunk(ctx, af, dir, 0, NULL, 0,
				    APP_CHUNK_EOF | (c.depth ? APP_CHUNK_DEPTH : 0));
		}
		return;
	}
	/* an expected flow is known at its first data, as Suricata's */
	if (!af->expect_checked && af->proto == APP_PROTO_UNKNOWN)
		match_expectation(ctx, f, af);
	if (af->dir_proto[dir] == APP_PROTO_UNKNOWN && af->proto != APP_PROTO_FAILED &&
	    !af->disabled && !recognise_stream(ctx, f, af, sdir, dir, &c, end, pkt))
		return;
	if ((af->proto == APP_PROTO_UNKNOWN || af->changing) && !af->disabled) {
		/* this direction found nothing; its bytes wait (bounded) for
		 * the other direction's protocol, as Suricata passes them on */
		if (!end && !c.gap && c.len < ctx->cfg->detect_limit)
			return;
		stream_app_consumed(f, sdir, c.offset + c.len);
		return;
	}
	if (af->dir_proto[dir] == APP_PROTO_FAILED && af->proto != APP_PROTO_FAILED &&
	    !af->disabled && !af->one_dir_told) {
		/* Suricata's "only one direction": its bytes go to the other's parser */
		raise_event(pkt, APP_EV_ONLY_ONE_DIRECTION);
		af->one_dir_told = true;
	}
	if (af->state == NULL || af->disabled || af->changing) {
		/* failed, recognised only, or off */
		stream_app_consumed(f, sdir, c.offset + c.len);
		return;
	}
	uint32_t flags = (c.gap ? APP_CHUNK_GAP : 0) | (end ? APP_CHUNK_EOF : 0) |
			 (end && c.depth ? APP_CHUNK_DEPTH : 0);
	af->dir_eof[dir] = end;
	parse_chunk(ctx, af, dir, c.offset, c.data, c.len, flags);
	take_expectations(ctx, f, af);
	stream_app_consumed(f, sdir, c.offset + c.len);
	/* Something new for the parser: stream rules should look now too. */
	stream_raw_trigger(f, sdir);
}

/* A datagram: each direction is recognised on its first one; the first
 * protocol found is the flow's, and every datagram after goes to it. */
static void handle_udp(struct app_ctx *ctx, struct packet *p, struct app_flow *af)
{
	if (p->payload_len == 0)
		return;
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	struct flow *f = p->flow;
	if (af->dir_proto[dir] == APP_PROTO_UNKNOWN) {
		enum app_proto proto = recognise(ctx, f, dir, p->payload, p->payload_len, false);
		af->dir_proto[dir] = proto;
		if (af->proto != APP_PROTO_UNKNOWN && af->proto != APP_PROTO_FAILED &&
		    proto != APP_PROTO_FAILED && proto != af->proto)
			raise_event(p, APP_EV_MISMATCH_BOTH_DIRECTIONS);
		if (af->proto == APP_PROTO_UNKNOWN) {
			if (proto == APP_PROTO_FAILED || !start_parser(ctx, f, af, proto, false, f->dp)) {
				set_failed(ctx, af, true);
				return;
			}
		}
	}
	/* Each datagram stands alone: one that does not parse stops nothing. */
	if (af->state == NULL)
		return;
	app_frames_begin(af->frames, dir, 0, p->payload, p->payload_len);
	if (af->ap->parse(af->state, dir, p->payload, p->payload_len, 0) == APP_PARSE_ERROR)
		ctx->stats.parse_errors++;
	app_frames_end();
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
	feed_stream_dir(ctx, f, af, STREAM_TOSERVER, false, p);
	feed_stream_dir(ctx, f, af, STREAM_TOCLIENT, false, p);
	/* a direction decided while the other's bytes were held */
	if (af->proto != APP_PROTO_UNKNOWN && af->proto != APP_PROTO_FAILED)
		feed_stream_dir(ctx, f, af, STREAM_TOSERVER, false, p);
}

void app_flow_end_dir(struct app_ctx *ctx, struct flow *f, enum stream_dir dir)
{
	struct app_flow *af = f->app;
	if (af) {
		af->eof = true;
		app_frames_eof(af->frames, dir == STREAM_TOSERVER ? APP_TOSERVER : APP_TOCLIENT);
	}
	if (af && f->proto == 6 && f->stream)
		feed_stream_dir(ctx, f, af, dir, true, NULL);
}

void app_flow_end(struct app_ctx *ctx, struct flow *f)
{
	app_flow_end_dir(ctx, f, STREAM_TOSERVER);
	app_flow_end_dir(ctx, f, STREAM_TOCLIENT);
}

/* ------------------------------------------------------------ transactions */

static bool has_txs(const struct app_flow *af)
{
	return af != NULL && af->state != NULL && af->ap->tx_count != NULL;
}

static enum app_side side_of(const struct app_flow *af, const void *tx, enum app_dir dir)
{
	return af->ap->tx_side != NULL ? af->ap->tx_side(af->state, tx, dir, af->eof)
				       : APP_SIDE_READY;
}

/*
 * Transactions are walked in id order from a cursor, but one that waits
 * (a request not answered yet, a file still open) does not hold back the
 * ones after it, as Suricata inspects and logs each transaction when it is
 * ready: APP_WINDOW ids after the cursor are tracked with a bit each, and
 * the cursor moves over the done ones at its head.
 */
#define APP_WINDOW 64

static bool window_has(uint64_t mask, uint64_t cursor, uint64_t id)
{
	return (mask >> (id - cursor)) & 1u;
}

/* Moves a cursor over its head of done ids (and ids `skip` says need
 * nothing), shifting the mask along. */
static void window_advance(const struct app_flow *af, uint64_t *cursor, uint64_t *mask,
			   bool (*skip)(const struct app_flow *af, uint64_t id, int arg), int arg)
{
	uint64_t n = af->ap->tx_count(af->state);
	while (*cursor < n && ((*mask & 1u) || skip(af, *cursor, arg))) {
		*mask >>= 1;
		(*cursor)++;
	}
}

/* A side that needs no inspection: released, or nothing in direction arg. */
static bool side_needs_none(const struct app_flow *af, uint64_t id, int dir)
{
	const void *tx = af->ap->tx_get(af->state, id);
	return tx == NULL || side_of(af, tx, (enum app_dir)dir) == APP_SIDE_NONE;
}

/* With `inspected` (rules have seen this packet's transactions), every
 * ready side in the window is done; then the cursor moves. */
static void advance_cursor(struct app_flow *af, enum app_dir dir, bool inspected)
{
	uint64_t n = af->ap->tx_count(af->state);
	uint64_t cur = af->next_insp[dir];
	for (uint64_t id = cur; inspected && id < n && id < cur + APP_WINDOW; id++) {
		const void *tx = af->ap->tx_get(af->state, id);
		enum app_side sd = tx != NULL ? side_of(af, tx, dir) : APP_SIDE_NONE;
		if (sd == APP_SIDE_READY)
			af->insp_done[dir] |= 1ull << (id - cur);
		else if (sd == APP_SIDE_EARLY)
			af->early_done[dir] |= 1ull << (id - cur);
	}
	window_advance(af, &af->next_insp[dir], &af->insp_done[dir], side_needs_none, dir);
	uint64_t moved = af->next_insp[dir] - cur;
	af->early_done[dir] = moved >= 64 ? 0 : af->early_done[dir] >> moved;
}

static bool tx_released(const struct app_flow *af, uint64_t id, int unused)
{
	(void)unused;
	return af->ap->tx_get(af->state, id) == NULL;
}

/* The protocol a flow had before a change: every transaction it still
 * holds is logged (as at the end of a flow), then it is freed. */
static void log_prev(struct app_ctx *ctx, struct app_flow *af, bool udp, app_tx_fn fn, void *arg)
{
	const struct app_protocol *ap = af->prev_ap;
	void *st = af->prev_state;
	uint64_t n = ap->tx_count != NULL ? ap->tx_count(st) : 0;
	for (uint64_t id = af->prev_next_log; id < n; id++) { /* those before were logged */
		const void *tx = ap->tx_get(st, id);
		if (tx == NULL || (ap->tx_log != NULL && ap->tx_log(st, tx, true) != APP_LOG_NOW))
			continue;
		fn(arg, af->orig, st, tx, id);
		ctx->stats.tx[af->orig]++;
		if (udp)
			ctx->stats.tx_udp[af->orig]++;
	}
	ap->state_free(st);
	af->prev_state = NULL;
	af->prev_ap = NULL;
}

/*
 * With filestore rules (and no force-filestore), a transaction with files
 * is logged only once rules have seen each of its sides: whether a file
 * is stored is sealed when its fileinfo is logged, and a rule's mark must
 * come first (Suricata's file logging waits for detection too).
 */
static bool store_waits_inspection(const struct app_ctx *ctx, const struct app_flow *af,
				   const void *tx, uint64_t id)
{
	struct app_file_info fi;
	if (!(ctx->cfg->file_hashes & APP_FILE_STORE) || app_file_store_forced() ||
	    af->ap->tx_file == NULL || !af->ap->tx_file(tx, 0, &fi))
		return false;
	for (int d = 0; d < 2; d++) {
		uint64_t cur = af->next_insp[d];
		if (id < cur || (id < cur + APP_WINDOW && window_has(af->insp_done[d], cur, id)))
			continue;
		if (side_of(af, tx, (enum app_dir)d) != APP_SIDE_NONE)
			return true;
	}
	return false;
}

void app_log_ready(struct app_ctx *ctx, struct flow *f, bool flow_end, app_tx_fn fn, void *arg)
{
	struct app_flow *af = f->app;
	if (af != NULL && af->prev_state != NULL)
		log_prev(ctx, af, f->proto == 17, fn, arg);
	if (!has_txs(af))
		return;
	const struct app_protocol *ap = af->ap;
	uint64_t n = ap->tx_count(af->state);
	uint64_t cur = af->next_log;
	for (uint64_t id = cur; id < n && (id < cur + APP_WINDOW || flow_end); id++) {
		if (id < cur + APP_WINDOW && window_has(af->log_done, cur, id))
			continue;
		const void *tx = ap->tx_get(af->state, id);
		enum app_log_decision d = APP_LOG_SKIP;
		if (tx != NULL)
			d = ap->tx_log != NULL ? ap->tx_log(af->state, tx, flow_end) : APP_LOG_NOW;
		if (d == APP_LOG_NOW && !flow_end && store_waits_inspection(ctx, af, tx, id))
			d = APP_LOG_WAIT;
		if (d == APP_LOG_WAIT && !flow_end)
			continue; /* the ones after it may be ready */
		if (d == APP_LOG_NOW) {
			fn(arg, af->proto, af->state, tx, id);
			ctx->stats.tx[af->proto]++;
			if (f->proto == 17)
				ctx->stats.tx_udp[af->proto]++;
		}
		if (id < cur + APP_WINDOW)
			af->log_done |= 1ull << (id - cur);
	}
	if (flow_end) {
		af->next_log = n;
		af->log_done = 0;
	} else {
		window_advance(af, &af->next_log, &af->log_done, tx_released, 0);
	}
	if (ap->tx_release_upto == NULL)
		return;
	uint64_t upto = af->next_log;
	for (int d = 0; d < 2 && !flow_end; d++) {
		advance_cursor(af, (enum app_dir)d, false);
		if (af->next_insp[d] < upto)
			upto = af->next_insp[d]; /* rules have not seen it yet */
	}
	if (upto > af->released) {
		ap->tx_release_upto(af->state, upto);
		af->released = upto;
	}
}

/* ------------------------------------------------------------ inspection */

bool app_inspect_tx(const struct packet *p, uint32_t i, enum app_proto *proto, const void **tx,
		    uint64_t *tx_id)
{
	enum app_inspect_stage stage;
	return app_inspect_tx_stage(p, i, proto, tx, tx_id, &stage);
}

bool app_inspect_tx_stage(const struct packet *p, uint32_t i, enum app_proto *proto,
			  const void **tx, uint64_t *tx_id, enum app_inspect_stage *stage)
{
	const struct flow *f = p->flow;
	const struct app_flow *af = f ? f->app : NULL;
	if (!has_txs(af))
		return false;
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	*proto = af->proto;
	uint64_t n = af->ap->tx_count(af->state);
	uint64_t cur = af->next_insp[dir];
	uint32_t seen = 0;
	/* Ready sides in id order, each once; a waiting one is passed over. */
	for (uint64_t id = cur; id < n && id < cur + APP_WINDOW; id++) {
		if (window_has(af->insp_done[dir], cur, id))
			continue;
		const void *t = af->ap->tx_get(af->state, id);
		enum app_side sd = t != NULL ? side_of(af, t, dir) : APP_SIDE_NONE;
		bool early_seen = window_has(af->early_done[dir], cur, id);
		if (sd != APP_SIDE_READY && (sd != APP_SIDE_EARLY || early_seen))
			continue;
		if (seen++ == i) {
			*tx = t;
			*tx_id = id;
			*stage = sd == APP_SIDE_EARLY ? APP_STAGE_EARLY
				 : early_seen	      ? APP_STAGE_FULL_AFTER_EARLY
						      : APP_STAGE_FULL;
			return true;
		}
	}
	return false;
}

uint32_t app_inspect_txs(const struct packet *p, enum app_proto *proto,
			 struct app_tx_ref out[APP_INSPECT_MAX])
{
	const struct flow *f = p->flow;
	const struct app_flow *af = f ? f->app : NULL;
	if (!has_txs(af))
		return 0;
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	*proto = af->proto;
	uint64_t n = af->ap->tx_count(af->state);
	uint64_t cur = af->next_insp[dir];
	uint32_t k = 0;
	for (uint64_t id = cur; id < n && id < cur + APP_WINDOW && k < APP_INSPECT_MAX; id++) {
		if (window_has(af->insp_done[dir], cur, id))
			continue;
		const void *t = af->ap->tx_get(af->state, id);
		enum app_side sd = t != NULL ? side_of(af, t, dir) : APP_SIDE_NONE;
		bool early_seen = window_has(af->early_done[dir], cur, id);
		if (sd != APP_SIDE_READY && (sd != APP_SIDE_EARLY || early_seen))
			continue;
		out[k].tx = t;
		out[k].id = id;
		out[k].stage = sd == APP_SIDE_EARLY ? APP_STAGE_EARLY
			       : early_seen	    ? APP_STAGE_FULL_AFTER_EARLY
						    : APP_STAGE_FULL;
		k++;
	}
	return k;
}

void app_inspect_done(struct packet *p)
{
	struct flow *f = p->flow;
	struct app_flow *af = f ? f->app : NULL;
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	if (has_txs(af))
		advance_cursor(af, dir, true);
	if (af != NULL)
		app_frames_done(af->frames, dir);
}

bool app_inspect_frame(const struct packet *p, uint32_t i, struct app_frame_view *out)
{
	const struct app_flow *af = p->flow ? p->flow->app : NULL;
	return af != NULL && af->frames != NULL &&
	       app_frames_ready(af->frames, p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT, i, out);
}

bool app_log_frame(const struct packet *p, uint32_t i, struct app_frame_view *out)
{
	struct app_flow *af = p->flow ? p->flow->app : NULL;
	return af != NULL && af->frames != NULL &&
	       app_frames_to_log(af->frames, p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT, i,
				 out);
}

bool app_flow_frame(const struct flow *f, enum app_dir dir, uint64_t id,
		    struct app_frame_view *out)
{
	const struct app_flow *af = f ? f->app : NULL;
	return af != NULL && app_frames_get(af->frames, dir, id, out);
}

void app_flow_file_store(struct flow *f, enum app_store_scope scope, uint8_t dirs, uint64_t tx_id)
{
	struct app_flow *af = f ? f->app : NULL;
	if (af == NULL || dirs == 0)
		return;
	uint64_t depth;
	if (app_file_store_depth(&depth))
		stream_file_depth(f, depth);
	if (scope == APP_STORE_FLOW) {
		if (af->store_flow_dirs == 0 || tx_id < af->store_flow_from)
			af->store_flow_from = tx_id;
		af->store_flow_dirs |= dirs;
		return;
	}
	for (uint8_t i = 0; i < af->store_ntx; i++)
		if (af->store_tx[i].tx_id == tx_id) {
			af->store_tx[i].dirs |= dirs;
			return;
		}
	/* full: the oldest mark goes (its transaction is most likely logged) */
	if (af->store_ntx == APP_STORE_TX_MAX) {
		memmove(&af->store_tx[0], &af->store_tx[1],
			sizeof(af->store_tx[0]) * (APP_STORE_TX_MAX - 1));
		af->store_ntx--;
	}
	af->store_tx[af->store_ntx].tx_id = tx_id;
	af->store_tx[af->store_ntx].dirs = dirs;
	af->store_ntx++;
}

bool app_flow_file_store_wanted(const struct flow *f, uint64_t tx_id, enum app_dir dir)
{
	const struct app_flow *af = f ? f->app : NULL;
	if (af == NULL)
		return false;
	uint8_t bit = (uint8_t)(1u << dir);
	if ((af->store_flow_dirs & bit) && tx_id >= af->store_flow_from)
		return true;
	for (uint8_t i = 0; i < af->store_ntx; i++)
		if (af->store_tx[i].tx_id == tx_id && (af->store_tx[i].dirs & bit))
			return true;
	return false;
}

bool app_flow_bypass_ready(const struct flow *f)
{
	const struct app_flow *af = f ? f->app : NULL;
	return af != NULL && af->state != NULL && af->ap->bypass_ready != NULL &&
	       af->ap->bypass_ready(af->state);
}

const void *app_flow_state(const struct flow *f)
{
	const struct app_flow *af = f ? f->app : NULL;
	return af ? af->state : NULL;
}

bool app_flow_tx(const struct flow *f, uint64_t tx_id, enum app_proto *proto, const void **state,
		 const void **tx)
{
	const struct app_flow *af = f ? f->app : NULL;
	if (!has_txs(af))
		return false;
	*proto = af->proto;
	*state = af->state;
	*tx = af->ap->tx_get(af->state, tx_id);
	return *tx != NULL;
}

uint64_t app_flow_tx_total(const struct flow *f)
{
	const struct app_flow *af = f ? f->app : NULL;
	return has_txs(af) ? af->ap->tx_count(af->state) : 0;
}

static uint64_t id_at(void *const *txs, size_t i, size_t off)
{
	uint64_t v;
	memcpy(&v, (const uint8_t *)txs[i] + off, sizeof(v));
	return v;
}

const void *app_tx_find(void *const *txs, size_t n, uint64_t id, size_t id_offset)
{
	if (n == 0)
		return NULL;
	uint64_t first = id_at(txs, 0, id_offset);
	if (id < first)
		return NULL;
	if (id - first < n && id_at(txs, (size_t)(id - first), id_offset) == id)
		return txs[id - first];
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t v = id_at(txs, mid, id_offset);
		if (v == id)
			return txs[mid];
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ------------------------------------------------------------ events */

int app_event_by_name(enum app_proto p, const char *name)
{
	const struct app_protocol *ap = app_protocol(p);
	if (ap == NULL)
		return -1;
	if (ap->event_by_name != NULL)
		return ap->event_by_name(name);
	for (int e = 0; e < ap->n_events; e++)
		if (strcasecmp(ap->event_names[e], name) == 0)
			return e;
	return -1;
}
