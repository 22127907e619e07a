/*
 * kw-iprep.c — the `iprep` keyword: the packet's source and/or
 * destination address scored in an IP reputation category (iprep.c).
 *
 *   iprep:<any|src|dst|both>,<category>,<op>,<score>;  op: < <= > >= =
 *   iprep:<any|src|dst|both>,<category>,isset|isnotset;
 *
 * An address without a score in the category (0, "no data") satisfies
 * no comparison, as in Suricata; isnotset is true exactly for those.
 * `any`: either address; `both`: both.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"
#include "detect/iprep.h"

enum side { SIDE_ANY, SIDE_SRC, SIDE_DST, SIDE_BOTH };
enum op { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_ISSET, OP_ISNOTSET };

struct iprep_kw {
	enum side side;
	enum op op;
	unsigned cat;
	uint8_t score;
};

static int iprep_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", arg ? arg : "");
	char *f[4];
	int n = str_split(buf, ',', f, 4);
	if (n != 3 && n != 4) {
		pc_error(pc, "iprep needs '<side>,<category>,<op>,<score>' or "
			     "'<side>,<category>,isset|isnotset'");
		return -1;
	}
	struct iprep_kw k = {0};
	static const char *const sides[] = {"any", "src", "dst", "both"};
	static const char *const ops[] = {"<", "<=", ">", ">=", "=", "isset", "isnotset"};
	int i;
	for (i = 0; i < 4 && strcmp(f[0], sides[i]) != 0; i++)
		;
	if (i == 4) {
		pc_error(pc, "iprep side '%s' is not any, src, dst or both", f[0]);
		return -1;
	}
	k.side = (enum side)i;
	for (i = 0; i < 7 && strcmp(f[2], ops[i]) != 0; i++)
		;
	if (i == 7 || (i >= OP_ISSET) != (n == 3)) {
		pc_error(pc, "iprep operator '%s' is not <, <=, >, >=, = (with a score) or "
			     "isset, isnotset",
			 f[2]);
		return -1;
	}
	k.op = (enum op)i;
	uint64_t v = 0;
	if (n == 4 && (!parse_u64(f[3], &v) || v > 127)) {
		pc_error(pc, "iprep score '%s' is not 0-127", f[3]);
		return -1;
	}
	k.score = (uint8_t)v;
	if (pc->de->iprep == NULL) {
		pc_error(pc, "iprep: no reputation-categories-file in the configuration");
		return -1;
	}
	k.cat = iprep_category(pc->de->iprep, f[1]);
	if (k.cat == 0) {
		pc_error(pc, "iprep: category '%s' is not in the reputation categories", f[1]);
		return -1;
	}
	struct iprep_kw *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	*c = k;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("iprep"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

static bool addr_ok(const struct iprep *ir, const struct iprep_kw *k, const struct ip_addr *a)
{
	uint8_t s = iprep_score(ir, a, k->cat);
	switch (k->op) {
	case OP_ISSET: return s > 0;
	case OP_ISNOTSET: return s == 0;
	case OP_LT: return s > 0 && s < k->score;
	case OP_LE: return s > 0 && s <= k->score;
	case OP_GT: return s > 0 && s > k->score;
	case OP_GE: return s > 0 && s >= k->score;
	default: return s > 0 && s == k->score;
	}
}

static int iprep_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	const struct iprep_kw *k = ctx;
	const struct iprep *ir = dt->de->iprep;
	if (p->ip_version == 0)
		return 0;
	switch (k->side) {
	case SIDE_SRC: return addr_ok(ir, k, &p->src);
	case SIDE_DST: return addr_ok(ir, k, &p->dst);
	case SIDE_BOTH: return addr_ok(ir, k, &p->src) && addr_ok(ir, k, &p->dst);
	default: return addr_ok(ir, k, &p->src) || addr_ok(ir, k, &p->dst);
	}
}

static const struct kw_def defs[] = {
    {"iprep", NULL, "IP reputation score of the source/destination in a category", iprep_setup,
     iprep_match, NULL, free, 0},
};

const struct kw_family kw_family_iprep = {defs, sizeof(defs) / sizeof(defs[0])};
