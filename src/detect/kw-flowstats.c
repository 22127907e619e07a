/*
 * kw-flowstats.c — flow counters: stream_size, flow.pkts, flow.bytes,
 * flow.age (and the older flow.pkts_toserver style names).
 *
 * stream_size compares, as Suricata, the sequence space each side of the
 * TCP session has used (server: what the server sent); it never matches
 * without a session.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"
#include "stream/stream.h"

enum { D_TOSERVER, D_TOCLIENT, D_EITHER, D_BOTH };
enum { W_PKTS, W_BYTES, W_AGE, W_STREAM };

struct fstat_ctx {
	int what, dir;
	struct u64_cmp c;
};

static int fstat_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	const struct fstat_ctx *c = ctx;
	const struct flow *f = p->flow;
	if (f == NULL)
		return 0;
	if (c->what == W_AGE)
		return u64_cmp_match(&c->c, (uint64_t)(f->last_sec - f->start_sec));
	uint64_t ts = c->what == W_PKTS ? f->pkts_toserver : f->bytes_toserver;
	uint64_t tc = c->what == W_PKTS ? f->pkts_toclient : f->bytes_toclient;
	if (c->what == W_STREAM) {
		uint32_t cs, ss;
		if (p->proto != 6 || !stream_seq_size(f, STREAM_TOSERVER, &cs) ||
		    !stream_seq_size(f, STREAM_TOCLIENT, &ss))
			return 0;
		/* stream_size names the side that sent: "server" (parsed
		 * as D_TOSERVER) is the server's sequence space. */
		ts = ss;
		tc = cs;
	}
	switch (c->dir) {
	case D_TOSERVER: return u64_cmp_match(&c->c, ts);
	case D_TOCLIENT: return u64_cmp_match(&c->c, tc);
	case D_BOTH: return u64_cmp_match(&c->c, ts) && u64_cmp_match(&c->c, tc);
	default: return u64_cmp_match(&c->c, ts) || u64_cmp_match(&c->c, tc);
	}
}

static int add(struct parse_ctx *pc, struct rule *r, const char *kw, int what, int dir,
	       const char *cmp)
{
	struct fstat_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->what = what;
	c->dir = dir;
	if (u64_cmp_parse(cmp, what == W_AGE ? UINT32_MAX : UINT64_MAX, &c->c) != 0) {
		pc_error(pc, "invalid %s value '%s'", kw, cmp);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	r->flags |= RF_NEED_FLOW;
	return 0;
}

static int dir_parse(const char *s)
{
	if (strcmp(s, "toserver") == 0 || strcmp(s, "server") == 0)
		return D_TOSERVER;
	if (strcmp(s, "toclient") == 0 || strcmp(s, "client") == 0)
		return D_TOCLIENT;
	if (strcmp(s, "either") == 0)
		return D_EITHER;
	if (strcmp(s, "both") == 0)
		return D_BOTH;
	return -1;
}

/* "dir, cmp" or "dir, op, value" */
static int dir_cmp_setup(struct parse_ctx *pc, struct rule *r, const char *kw, int what,
			 const char *arg)
{
	char buf[128], *f[4], cmp[64];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 4);
	int dir = n >= 2 ? dir_parse(f[0]) : -1;
	if (dir < 0 || n > 3) {
		pc_error(pc, "invalid %s '%s'", kw, arg);
		return -1;
	}
	if (n == 3)
		snprintf(cmp, sizeof(cmp), "%s%s",
			 strcmp(f[1], "=") == 0	   ? ""
			 : strcmp(f[1], "!=") == 0 ? "!"
						   : f[1],
			 f[2]);
	else
		snprintf(cmp, sizeof(cmp), "%s", f[1]);
	return add(pc, r, kw, what, dir, cmp);
}

static int stream_size_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return dir_cmp_setup(pc, r, "stream_size", W_STREAM, arg);
}

static int flow_pkts_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return dir_cmp_setup(pc, r, "flow.pkts", W_PKTS, arg);
}

static int flow_bytes_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return dir_cmp_setup(pc, r, "flow.bytes", W_BYTES, arg);
}

static int flow_age_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return add(pc, r, "flow.age", W_AGE, D_EITHER, arg);
}

static int pkts_ts_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return add(pc, r, "flow.pkts_toserver", W_PKTS, D_TOSERVER, arg);
}

static int pkts_tc_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return add(pc, r, "flow.pkts_toclient", W_PKTS, D_TOCLIENT, arg);
}

static int bytes_ts_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return add(pc, r, "flow.bytes_toserver", W_BYTES, D_TOSERVER, arg);
}

static int bytes_tc_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return add(pc, r, "flow.bytes_toclient", W_BYTES, D_TOCLIENT, arg);
}

static const struct kw_def defs[] = {
    {"stream_size", NULL, "sequence space used per side of the TCP session", stream_size_setup,
     fstat_match, NULL, NULL, 0},
    {"flow.pkts", NULL, "packets in the flow per direction", flow_pkts_setup, fstat_match, NULL,
     NULL, 0},
    {"flow.bytes", NULL, "bytes in the flow per direction", flow_bytes_setup, fstat_match, NULL,
     NULL, 0},
    {"flow.age", NULL, "seconds since the flow started", flow_age_setup, fstat_match, NULL, NULL,
     0},
    {"flow.pkts_toserver", NULL, "packets to server", pkts_ts_setup, fstat_match, NULL, NULL, 0},
    {"flow.pkts_toclient", NULL, "packets to client", pkts_tc_setup, fstat_match, NULL, NULL, 0},
    {"flow.bytes_toserver", NULL, "bytes to server", bytes_ts_setup, fstat_match, NULL, NULL, 0},
    {"flow.bytes_toclient", NULL, "bytes to client", bytes_tc_setup, fstat_match, NULL, NULL, 0},
};

const struct kw_family kw_family_flowstats = {defs, sizeof(defs) / sizeof(defs[0])};
