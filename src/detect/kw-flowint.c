/*
 * kw-flowint.c — flowint: named 32-bit counters stored on the flow.
 *
 *   flowint: name, (+|-|=), value      modifies (after the rule matched)
 *   flowint: name, (==|!=|<|>|<=|>=), value   compares
 *   flowint: name, (isset|notset|isnotset)
 * The value may be a number or another flowint's name.  Comparing an unset
 * counter never matches, as in Suricata.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

enum { FI_ADD, FI_SUB, FI_SET, FI_EQ, FI_NE, FI_LT, FI_GT, FI_LE, FI_GE, FI_ISSET, FI_NOTSET };

struct flowint_ctx {
	int op;
	uint32_t id;
	bool value_is_var;
	uint32_t value; /* number, or flowint id */
};

int detect_flow_ints_reserve(struct detect_flow *df, uint32_t id)
{
	if (id < df->nints)
		return 0;
	uint32_t n = ((id / 16) + 1) * 16;
	uint32_t *v = realloc(df->ints, n * sizeof(*v));
	if (v == NULL)
		return -1;
	df->ints = v;
	uint8_t *s = realloc(df->int_set, n);
	if (s == NULL)
		return -1;
	df->int_set = s;
	memset(v + df->nints, 0, (n - df->nints) * sizeof(*v));
	memset(s + df->nints, 0, n - df->nints);
	df->nints = n;
	return 0;
}

static bool int_get(const struct detect_flow *df, uint32_t id, uint32_t *v)
{
	if (df == NULL || id >= df->nints || !df->int_set[id])
		return false;
	*v = df->ints[id];
	return true;
}

static int flowint_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	const struct flowint_ctx *c = ctx;
	struct detect_flow *df = detect_flow_get(dt, p);
	uint32_t cur = 0, val = c->value;
	bool set = int_get(df, c->id, &cur);
	if (c->op == FI_ISSET)
		return set;
	if (c->op == FI_NOTSET)
		return !set;
	if (c->value_is_var && !int_get(df, c->value, &val))
		return c->op <= FI_SET ? 1 : 0;
	switch (c->op) {
	case FI_ADD:
	case FI_SUB:
	case FI_SET:
		if (df == NULL || detect_flow_ints_reserve(df, c->id) != 0)
			return 1;
		if (!set)
			cur = 0;
		df->ints[c->id] = c->op == FI_SET ? val : c->op == FI_ADD ? cur + val : cur - val;
		df->int_set[c->id] = 1;
		return 1;
	case FI_EQ: return set && cur == val;
	case FI_NE: return set && cur != val;
	case FI_LT: return set && cur < val;
	case FI_GT: return set && cur > val;
	case FI_LE: return set && cur <= val;
	case FI_GE: return set && cur >= val;
	}
	return 0;
}

static int flowint_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[256], *f[4];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 4);
	static const char *ops[] = {"+", "-",  "=",  "==",    "!=",    "<",
				    ">", "<=", ">=", "isset", "notset"};
	if (n < 2 || f[0][0] == '\0') {
		pc_error(pc, "invalid flowint '%s'", arg);
		return -1;
	}
	int op = -1;
	for (int i = 0; i < 11; i++)
		if (strcmp(f[1], ops[i]) == 0)
			op = i;
	if (strcmp(f[1], "isnotset") == 0)
		op = FI_NOTSET;
	if (op < 0 || (op >= FI_ISSET && n != 2) || (op < FI_ISSET && n != 3)) {
		pc_error(pc, "invalid flowint '%s'", arg);
		return -1;
	}
	struct flowint_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->op = op;
	int id = engine_var_id(pc->de, VAR_FLOWINT, f[0]);
	if (id < 0)
		goto fail;
	c->id = (uint32_t)id;
	if (n == 3) {
		uint64_t v;
		if (parse_u64(f[2], &v)) {
			if (v > UINT32_MAX) {
				pc_error(pc, "flowint value out of range");
				goto fail;
			}
			c->value = (uint32_t)v;
		} else {
			if (f[2][0] == '\0' || f[2][0] == '-') {
				pc_error(pc, "invalid flowint value '%s'", f[2]);
				goto fail;
			}
			int vid = engine_var_id(pc->de, VAR_FLOWINT, f[2]);
			if (vid < 0)
				goto fail;
			c->value_is_var = true;
			c->value = (uint32_t)vid;
		}
	}
	if (rule_add_sm(r, op <= FI_SET ? LIST_POSTMATCH : LIST_MATCH, kw_lookup("flowint"), c) ==
	    NULL)
		goto fail;
	r->flags |= RF_FLOWINT | (op <= FI_SET ? RF_FLOWINT_SET : RF_FLOWINT_READ);
	return 0;
fail:
	free(c);
	return -1;
}

static const struct kw_def defs[] = {
    {"flowint", NULL, "named integer counters on the flow", flowint_setup, flowint_match, NULL,
     NULL, 0},
};

const struct kw_family kw_family_flowint = {defs, sizeof(defs) / sizeof(defs[0])};
