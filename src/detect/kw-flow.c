/*
 * kw-flow.c — flow: direction and state of the packet's flow.
 *
 * Options: to_server|from_client, to_client|from_server, established,
 * not_established, stateless, only_stream, no_stream, only_frag, no_frag.
 * A packet without a flow matches only `stateless` (and the *_stream /
 * *_frag options that do not need one).  only_stream matches only while a
 * reassembled stream chunk is inspected (detect_stream), no_stream never
 * then.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

enum {
	FL_TOSERVER = 1 << 0,
	FL_TOCLIENT = 1 << 1,
	FL_ESTABLISHED = 1 << 2,
	FL_NOT_ESTABLISHED = 1 << 3,
	FL_STATELESS = 1 << 4,
	FL_ONLY_STREAM = 1 << 5,
	FL_NO_STREAM = 1 << 6,
	FL_ONLY_FRAG = 1 << 7,
	FL_NO_FRAG = 1 << 8,
};

struct flow_ctx {
	uint32_t flags;
};

static int flow_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		      const void *ctx)
{
	const struct flow_ctx *c = ctx;
	uint32_t f = c->flags;
	if ((f & FL_ONLY_STREAM) && !dt->in_stream)
		return 0;
	if ((f & FL_NO_STREAM) && dt->in_stream)
		return 0;
	if ((f & FL_ONLY_FRAG) && p->pkt_src != PKT_SRC_DEFRAG)
		return 0;
	if ((f & FL_NO_FRAG) && p->pkt_src == PKT_SRC_DEFRAG)
		return 0;
	const struct flow *fl = p->flow;
	if (fl == NULL)
		return (f & (FL_TOSERVER | FL_TOCLIENT | FL_ESTABLISHED | FL_NOT_ESTABLISHED)) == 0;
	if ((f & FL_TOSERVER) && !p->flow_toserver)
		return 0;
	if ((f & FL_TOCLIENT) && p->flow_toserver)
		return 0;
	bool est = p->flow_established; /* see decode.h */
	if ((f & FL_ESTABLISHED) && !est)
		return 0;
	if ((f & FL_NOT_ESTABLISHED) && est)
		return 0;
	return 1;
}

static int flow_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[256], *f[10];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 10);
	if (n < 1) {
		pc_error(pc, "flow: too many options");
		return -1;
	}
	static const struct {
		const char *name;
		uint32_t bit;
	} opts[] = {
	    {"to_server", FL_TOSERVER},	     {"from_client", FL_TOSERVER},
	    {"to_client", FL_TOCLIENT},	     {"from_server", FL_TOCLIENT},
	    {"established", FL_ESTABLISHED}, {"not_established", FL_NOT_ESTABLISHED},
	    {"stateless", FL_STATELESS},     {"only_stream", FL_ONLY_STREAM},
	    {"no_stream", FL_NO_STREAM},     {"only_frag", FL_ONLY_FRAG},
	    {"no_frag", FL_NO_FRAG},
	};
	uint32_t flags = 0;
	for (int i = 0; i < n; i++) {
		uint32_t bit = 0;
		for (size_t j = 0; j < sizeof(opts) / sizeof(opts[0]); j++)
			if (strcmp(f[i], opts[j].name) == 0)
				bit = opts[j].bit;
		if (bit == 0) {
			pc_error(pc, "invalid flow option '%s'", f[i]);
			return -1;
		}
		if (flags & bit) {
			pc_error(pc, "duplicate flow option '%s'", f[i]);
			return -1;
		}
		flags |= bit;
	}
	if (((flags & FL_TOSERVER) && (flags & FL_TOCLIENT)) ||
	    ((flags & FL_ESTABLISHED) && (flags & (FL_NOT_ESTABLISHED | FL_STATELESS))) ||
	    ((flags & FL_ONLY_STREAM) && (flags & FL_NO_STREAM)) ||
	    ((flags & FL_ONLY_FRAG) && (flags & FL_NO_FRAG))) {
		pc_error(pc, "conflicting flow options '%s'", arg);
		return -1;
	}
	for (uint32_t i = 0; i < r->lists[LIST_MATCH].n; i++)
		if (r->lists[LIST_MATCH].v[i].kw == kw_lookup("flow")) {
			pc_error(pc, "duplicate flow keyword");
			return -1;
		}
	struct flow_ctx *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	c->flags = flags;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("flow"), c) == NULL) {
		free(c);
		return -1;
	}
	if (flags & FL_TOSERVER)
		r->flags |= RF_TOSERVER;
	if (flags & FL_TOCLIENT)
		r->flags |= RF_TOCLIENT;
	if (flags & (FL_TOSERVER | FL_TOCLIENT | FL_ESTABLISHED | FL_NOT_ESTABLISHED))
		r->flags |= RF_NEED_FLOW;
	if (flags & FL_NO_STREAM)
		r->flags |= RF_NO_STREAM;
	if (flags & FL_ONLY_STREAM)
		r->flags |= RF_ONLY_STREAM;
	return 0;
}

static const struct kw_def defs[] = {
    {"flow", NULL, "flow direction and state", flow_setup, flow_match, NULL, NULL, 0},
};

const struct kw_family kw_family_flow = {defs, sizeof(defs) / sizeof(defs[0])};
