/*
 * kw-tag.c — tag: after a rule alerts, mark the packets that follow so the
 * output logs them too (EVE event_type "packet").
 *
 *   tag: session[, N, packets|seconds|bytes]      this flow
 *   tag: host, N, packets|seconds|bytes, src|dst  every packet to or from that host
 * The count includes the packet that triggered the tag, as in Suricata;
 * a bare `tag:session` lasts 256 packets.  Session tags live in the flow's
 * detect slot, host tags in the worker (det_thread), never shared.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

enum { TM_PACKETS, TM_SECONDS, TM_BYTES };

struct tag_ctx {
	bool host, dst;
	int metric;
	uint32_t count;
};

struct host_tag {
	struct ip_addr addr;
	int metric;
	uint64_t left;
	int64_t until;
};

struct tag_store {
	struct host_tag *v;
	uint32_t n, cap;
};

/* Consumes one packet from a tag; false when the tag is over. */
static bool tag_consume(int metric, uint64_t *left, int64_t until, const struct packet *p)
{
	switch (metric) {
	case TM_SECONDS: return p->ts_sec < until;
	case TM_BYTES:
		if (*left == 0)
			return false;
		*left = *left > p->len ? *left - p->len : 0;
		return true;
	default:
		if (*left == 0)
			return false;
		(*left)--;
		return true;
	}
}

static bool same_addr(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, 16) == 0;
}

bool tag_packet_check(struct det_thread *dt, const struct packet *p)
{
	bool tagged = false;
	struct detect_flow *df = p->flow ? p->flow->detect : NULL;
	if (df != NULL && df->tag_active) {
		uint64_t left = df->tag_left;
		if (tag_consume(df->tag_metric, &left, df->tag_until, p))
			tagged = true;
		else
			df->tag_active = false;
		df->tag_left = left;
	}
	struct tag_store *s = dt->tags;
	for (uint32_t i = 0; s != NULL && i < s->n;) {
		struct host_tag *t = &s->v[i];
		if (!same_addr(&t->addr, &p->src) && !same_addr(&t->addr, &p->dst)) {
			i++;
			continue;
		}
		if (tag_consume(t->metric, &t->left, t->until, p)) {
			tagged = true;
			i++;
		} else {
			s->v[i] = s->v[--s->n];
		}
	}
	return tagged;
}

void tag_thread_free(struct det_thread *dt)
{
	struct tag_store *s = dt->tags;
	if (s != NULL)
		free(s->v);
	free(s);
	dt->tags = NULL;
}

/* Starts the tag (LIST_TAG: the rule alerted, thresholds passed). */
static int tag_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	const struct tag_ctx *c = ctx;
	uint64_t left = c->count;
	if (c->metric == TM_PACKETS && left > 0)
		left--; /* the triggering packet is the first of the count */
	else if (c->metric == TM_BYTES)
		left = left > p->len ? left - p->len : 0;
	int64_t until = p->ts_sec + c->count;
	if (!c->host) {
		struct detect_flow *df = detect_flow_get(dt, p);
		if (df != NULL) {
			df->tag_active = true;
			df->tag_metric = (uint8_t)c->metric;
			df->tag_left = left;
			df->tag_until = until;
		}
		return 1;
	}
	struct tag_store *s = dt->tags;
	if (s == NULL && (s = dt->tags = calloc(1, sizeof(*s))) == NULL)
		return 1;
	const struct ip_addr *a = c->dst ? &p->dst : &p->src;
	struct host_tag *t = NULL;
	for (uint32_t i = 0; i < s->n && t == NULL; i++)
		if (same_addr(&s->v[i].addr, a) && s->v[i].metric == c->metric)
			t = &s->v[i];
	if (t == NULL) {
		if (s->n == s->cap) {
			uint32_t nc = s->cap ? s->cap * 2 : 16;
			struct host_tag *nv = realloc(s->v, nc * sizeof(*nv));
			if (nv == NULL)
				return 1;
			s->v = nv;
			s->cap = nc;
		}
		t = &s->v[s->n++];
		t->addr = *a;
		t->metric = c->metric;
	}
	t->left = left;
	t->until = until;
	return 1;
}

static int tag_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[128], *f[5];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 5);
	struct tag_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->count = 256;
	if (n < 1 || (strcmp(f[0], "session") != 0 && strcmp(f[0], "host") != 0))
		goto bad;
	c->host = strcmp(f[0], "host") == 0;
	if (n >= 3) {
		uint64_t v;
		if (!parse_u64(f[1], &v) || v == 0 || v > UINT32_MAX)
			goto bad;
		c->count = (uint32_t)v;
		if (strcmp(f[2], "packets") == 0)
			c->metric = TM_PACKETS;
		else if (strcmp(f[2], "seconds") == 0)
			c->metric = TM_SECONDS;
		else if (strcmp(f[2], "bytes") == 0)
			c->metric = TM_BYTES;
		else
			goto bad;
	} else if (n == 2) {
		goto bad;
	}
	if (c->host) {
		if (n != 4 || (strcmp(f[3], "src") != 0 && strcmp(f[3], "dst") != 0))
			goto bad;
		c->dst = strcmp(f[3], "dst") == 0;
	} else if (n > 3) {
		goto bad;
	}
	if (rule_add_sm(r, LIST_TAG, kw_lookup("tag"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
bad:
	pc_error(pc, "invalid tag '%s'", arg);
	free(c);
	return -1;
}

static const struct kw_def defs[] = {
    {"tag", NULL, "log the packets that follow an alert (session or host)", tag_setup, tag_match,
     NULL, NULL, 0},
};

const struct kw_family kw_family_tag = {defs, sizeof(defs) / sizeof(defs[0])};
