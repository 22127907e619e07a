/*
 * kw-vlan.c — vlan.id (optionally of one layer: "vlan.id: 200, 1"; negative
 * layers count from the innermost; without a layer any layer matches) and
 * vlan.layers (number of VLAN tags).
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

struct vlan_id_ctx {
	struct u64_cmp c;
	bool any_layer;
	int layer;
};

static int vlan_id_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	const struct vlan_id_ctx *c = ctx;
	int n = p->vlan_count > DECODE_MAX_VLAN ? DECODE_MAX_VLAN : p->vlan_count;
	if (c->any_layer) {
		for (int i = 0; i < n; i++)
			if (u64_cmp_match(&c->c, p->vlan_id[i]))
				return 1;
		return 0;
	}
	int l = c->layer < 0 ? n + c->layer : c->layer;
	if (l < 0 || l >= n)
		return 0;
	return u64_cmp_match(&c->c, p->vlan_id[l]);
}

static int vlan_id_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64], *f[3];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 3);
	struct vlan_id_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	int64_t layer = 0;
	if (n < 1 || n > 2 || u64_cmp_parse(f[0], 4095, &c->c) != 0 ||
	    (n == 2 && strcmp(f[1], "all") != 0 &&
	     (!parse_i64(f[1], &layer) || layer < -3 || layer > 2))) {
		pc_error(pc, "invalid vlan.id '%s'", arg);
		free(c);
		return -1;
	}
	c->any_layer = n == 1 || strcmp(f[1], "all") == 0;
	c->layer = (int)layer;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("vlan.id"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

static int vlan_layers_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			     const void *ctx)
{
	return u64_cmp_match(ctx, p->vlan_count);
}

static int vlan_layers_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct u64_cmp *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (u64_cmp_parse(arg, 3, c) != 0) {
		pc_error(pc, "invalid vlan.layers '%s'", arg);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("vlan.layers"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

static const struct kw_def defs[] = {
    {"vlan.id", NULL, "VLAN id (of a layer)", vlan_id_setup, vlan_id_match, NULL, NULL, 0},
    {"vlan.layers", NULL, "number of VLAN layers", vlan_layers_setup, vlan_layers_match, NULL, NULL,
     0},
};

const struct kw_family kw_family_vlan = {defs, sizeof(defs) / sizeof(defs[0])};
