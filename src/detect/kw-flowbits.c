/*
 * kw-flowbits.c — flowbits: named booleans stored on the flow.
 *
 * set, unset, toggle run after the whole rule matched (POSTMATCH list);
 * isset and isnotset are conditions (MATCH list).  A name list joined by
 * '|' means any of them, by '&' all of them.  `flowbits:noalert` marks the
 * rule noalert.  Bit ids come from the engine's name registry, so one id
 * means the same name in every rule; the per-flow array grows on demand.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

enum { FB_SET, FB_UNSET, FB_TOGGLE, FB_ISSET, FB_ISNOTSET };

struct flowbits_ctx {
	int cmd;
	bool all; /* '&' group */
	uint32_t n;
	uint32_t ids[];
};

static bool bit_get(const struct detect_flow *df, uint32_t id)
{
	return id < df->nbits && (df->bits[id / 8] & (1u << (id % 8)));
}

static int bits_reserve(struct detect_flow *df, uint32_t id)
{
	if (id < df->nbits)
		return 0;
	uint32_t nb = ((id / 64) + 1) * 64;
	uint8_t *b = realloc(df->bits, nb / 8);
	if (b == NULL)
		return -1;
	memset(b + df->nbits / 8, 0, (nb - df->nbits) / 8);
	df->bits = b;
	df->nbits = nb;
	return 0;
}

static int flowbits_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			  const void *ctx)
{
	const struct flowbits_ctx *c = ctx;
	struct detect_flow *df = detect_flow_get(dt, p);
	if (c->cmd == FB_ISSET || c->cmd == FB_ISNOTSET) {
		bool want = c->cmd == FB_ISSET;
		uint32_t hits = 0;
		for (uint32_t i = 0; i < c->n; i++)
			if ((df != NULL && bit_get(df, c->ids[i])) == want)
				hits++;
		return c->all ? hits == c->n : hits > 0;
	}
	if (df == NULL)
		return 1;
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t id = c->ids[i];
		if (bits_reserve(df, id) != 0)
			return 1;
		uint8_t m = (uint8_t)(1u << (id % 8));
		if (c->cmd == FB_SET)
			df->bits[id / 8] |= m;
		else if (c->cmd == FB_UNSET)
			df->bits[id / 8] &= (uint8_t)~m;
		else
			df->bits[id / 8] ^= m;
	}
	return 1;
}

static int flowbits_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[512], *f[3];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 3);
	if (n == 1 && strcmp(f[0], "noalert") == 0) {
		r->flags |= RF_NOALERT;
		return 0;
	}
	static const char *cmds[] = {"set", "unset", "toggle", "isset", "isnotset"};
	int cmd = -1;
	for (int i = 0; i < 5; i++)
		if (strcmp(f[0], cmds[i]) == 0)
			cmd = i;
	if (cmd < 0 || n != 2 || f[1][0] == '\0') {
		pc_error(pc, "invalid flowbits '%s'", arg);
		return -1;
	}
	bool any = strchr(f[1], '|') != NULL, all = strchr(f[1], '&') != NULL;
	if (any && all) {
		pc_error(pc, "flowbits mixes '|' and '&'");
		return -1;
	}
	if (any && cmd != FB_ISSET && cmd != FB_ISNOTSET) {
		pc_error(pc, "flowbits '|' only with isset/isnotset");
		return -1;
	}
	char *names[32];
	int nn = str_split(f[1], any ? '|' : '&', names, 32);
	if (nn < 1) {
		pc_error(pc, "too many flowbits names");
		return -1;
	}
	struct flowbits_ctx *c = calloc(1, sizeof(*c) + (size_t)nn * sizeof(uint32_t));
	if (c == NULL)
		return -1;
	c->cmd = cmd;
	c->all = !any;
	c->n = (uint32_t)nn;
	for (int i = 0; i < nn; i++) {
		if (names[i][0] == '\0' || strpbrk(names[i], " \t") != NULL) {
			pc_error(pc, "invalid flowbit name '%s'", names[i]);
			free(c);
			return -1;
		}
		int id = engine_var_id(pc->de, VAR_FLOWBIT, names[i]);
		if (id < 0) {
			free(c);
			return -1;
		}
		c->ids[i] = (uint32_t)id;
	}
	bool post = cmd == FB_SET || cmd == FB_UNSET || cmd == FB_TOGGLE;
	if (rule_add_sm(r, post ? LIST_POSTMATCH : LIST_MATCH, kw_lookup("flowbits"), c) == NULL) {
		free(c);
		return -1;
	}
	r->flags |= post ? RF_FLOWBITS_SET : RF_FLOWBITS_READ;
	return 0;
}

static const struct kw_def defs[] = {
    {"flowbits", NULL, "set and test named bits on the flow", flowbits_setup, flowbits_match, NULL,
     NULL, 0},
};

const struct kw_family kw_family_flowbits = {defs, sizeof(defs) / sizeof(defs[0])};
