/*
 * kw-xbits.c — xbits: named bits tracked per host or host pair.
 *
 *   xbits: set|unset|toggle|isset|isnotset, name, track ip_src|ip_dst|ip_pair
 *          [, expire N]
 *   xbits: noalert
 * State lives in the worker (det_thread), keyed on the bit id and the
 * tracked addresses; an expired bit reads as unset.  Per worker, like the
 * threshold counters: hosts whose traffic is spread over workers see
 * independent bits.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

enum { XB_SET, XB_UNSET, XB_TOGGLE, XB_ISSET, XB_ISNOTSET };
enum { XT_SRC, XT_DST, XT_PAIR };

struct xbits_ctx {
	int cmd, track;
	uint32_t id, expire;
};

struct xbit {
	uint32_t id;
	uint8_t key[34];
	int64_t expires; /* 0 = never */
};

struct xbit_store {
	struct xbit *v;
	uint32_t n, cap;
};

/* Addresses plus their families, so an IPv4 pair never equals an IPv6 one. */
static void xkey(const struct xbits_ctx *c, const struct packet *p, uint8_t key[34])
{
	memset(key, 0, 34);
	key[32] = p->src.family;
	key[33] = p->dst.family;
	if (c->track == XT_SRC) {
		memcpy(key, p->src.bytes, 16);
	} else if (c->track == XT_DST) {
		memcpy(key, p->dst.bytes, 16);
	} else {
		/* ip_pair is direction-independent. */
		bool swap = memcmp(p->src.bytes, p->dst.bytes, 16) > 0;
		memcpy(key, swap ? p->dst.bytes : p->src.bytes, 16);
		memcpy(key + 16, swap ? p->src.bytes : p->dst.bytes, 16);
	}
}

static struct xbit *xfind(struct xbit_store *s, uint32_t id, const uint8_t key[34], int64_t now)
{
	for (uint32_t i = 0; i < s->n; i++) {
		struct xbit *b = &s->v[i];
		if (b->id == id && memcmp(b->key, key, 34) == 0) {
			if (b->expires != 0 && now >= b->expires) {
				s->v[i] = s->v[--s->n];
				return NULL;
			}
			return b;
		}
	}
	return NULL;
}

static int xbits_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	const struct xbits_ctx *c = ctx;
	struct xbit_store *s = dt->xbits;
	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return 0;
		dt->xbits = s;
	}
	if (p->ip_version == 0)
		return 0;
	uint8_t key[34];
	xkey(c, p, key);
	struct xbit *b = xfind(s, c->id, key, p->ts_sec);
	switch (c->cmd) {
	case XB_ISSET: return b != NULL;
	case XB_ISNOTSET: return b == NULL;
	case XB_UNSET:
		if (b != NULL)
			*b = s->v[--s->n];
		return 1;
	case XB_TOGGLE:
		if (b != NULL) {
			*b = s->v[--s->n];
			return 1;
		}
		/* fall through */
	case XB_SET:
		if (b == NULL) {
			if (s->n == s->cap) {
				uint32_t nc = s->cap ? s->cap * 2 : 64;
				struct xbit *nv = realloc(s->v, nc * sizeof(*nv));
				if (nv == NULL)
					return 1;
				s->v = nv;
				s->cap = nc;
			}
			b = &s->v[s->n++];
			b->id = c->id;
			memcpy(b->key, key, 34);
		}
		b->expires = c->expire ? p->ts_sec + c->expire : 0;
		return 1;
	}
	return 0;
}

void xbits_thread_free(struct det_thread *dt)
{
	struct xbit_store *s = dt->xbits;
	if (s != NULL)
		free(s->v);
	free(s);
	dt->xbits = NULL;
}

static int xbits_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[256], *f[5];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 5);
	if (n == 1 && strcmp(f[0], "noalert") == 0) {
		r->flags |= RF_NOALERT;
		return 0;
	}
	static const char *cmds[] = {"set", "unset", "toggle", "isset", "isnotset"};
	struct xbits_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->cmd = -1;
	for (int i = 0; n >= 3 && i < 5; i++)
		if (strcmp(f[0], cmds[i]) == 0)
			c->cmd = i;
	if (c->cmd < 0 || f[1][0] == '\0')
		goto bad;
	if (strcmp(f[2], "track ip_src") == 0)
		c->track = XT_SRC;
	else if (strcmp(f[2], "track ip_dst") == 0)
		c->track = XT_DST;
	else if (strcmp(f[2], "track ip_pair") == 0)
		c->track = XT_PAIR;
	else if (strcmp(f[2], "track tx") == 0) {
		free(c);
		pc_unsupported(pc, "xbits:track tx");
		return -1;
	} else
		goto bad;
	if (n == 4) {
		uint64_t e;
		if (strncmp(f[3], "expire", 6) != 0 || !parse_u64(f[3] + 6, &e) || e == 0 ||
		    e > UINT32_MAX)
			goto bad;
		c->expire = (uint32_t)e;
	} else if (n > 4) {
		goto bad;
	}
	int id = engine_var_id(pc->de, VAR_XBIT, f[1]);
	if (id < 0) {
		free(c);
		return -1;
	}
	c->id = (uint32_t)id;
	bool post = c->cmd <= XB_TOGGLE;
	if (rule_add_sm(r, post ? LIST_POSTMATCH : LIST_MATCH, kw_lookup("xbits"), c) == NULL) {
		free(c);
		return -1;
	}
	r->flags |= post ? RF_XBITS_SET : RF_XBITS_READ;
	return 0;
bad:
	pc_error(pc, "invalid xbits '%s'", arg);
	free(c);
	return -1;
}

static const struct kw_def defs[] = {
    {"xbits", NULL, "named bits per host or host pair", xbits_setup, xbits_match, NULL, NULL, 0},
};

const struct kw_family kw_family_xbits = {defs, sizeof(defs) / sizeof(defs[0])};
