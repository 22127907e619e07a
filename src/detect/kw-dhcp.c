/*
 * kw-dhcp.c — the DHCP rule keywords, as Suricata 8 defines them
 * (rust/src/dhcp/detect.rs): dhcp.leasetime, dhcp.rebinding_time and
 * dhcp.renewal_time, Suricata's unsigned integer syntax on the message's
 * option 51, 59, 58 (no match when the message does not carry it).
 */
#include <stdlib.h>
#include <string.h>

#include "app/dhcp.h"
#include "detect/detect-internal.h"

enum { DT_LEASE, DT_REBINDING, DT_RENEWAL };

struct dhcp_ctx {
	int field;
	struct u64_cmp cmp;
};

static bool time_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct dhcp_tx *tx = vtx;
	const struct dhcp_ctx *c = ctx;
	switch (c->field) {
	case DT_LEASE: return tx->has_lease && u64_cmp_match(&c->cmp, tx->lease_time);
	case DT_REBINDING: return tx->has_rebinding && u64_cmp_match(&c->cmp, tx->rebinding_time);
	default: return tx->has_renewal && u64_cmp_match(&c->cmp, tx->renewal_time);
	}
}

static int time_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		      const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_DHCP, time_test, ctx);
}

static int time_setup(struct parse_ctx *pc, struct rule *r, const char *arg, int field,
		      const char *kw)
{
	char buf[64];
	if (arg == NULL || strlen(arg) >= sizeof(buf)) {
		pc_error(pc, "invalid %s", kw);
		return -1;
	}
	strcpy(buf, arg);
	struct dhcp_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->field = field;
	if (u64_cmp_parse(str_trim(buf), UINT64_MAX, &c->cmp) != 0) {
		pc_error(pc, "invalid %s '%s'", kw, arg);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_DHCP, AD_BOTH);
}

static int lease_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return time_setup(pc, r, arg, DT_LEASE, "dhcp.leasetime");
}

static int rebinding_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return time_setup(pc, r, arg, DT_REBINDING, "dhcp.rebinding_time");
}

static int renewal_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return time_setup(pc, r, arg, DT_RENEWAL, "dhcp.renewal_time");
}

static const struct kw_def defs[] = {
    {"dhcp.leasetime", NULL, "DHCP lease time", lease_setup, time_match, NULL, free, 0},
    {"dhcp.rebinding_time", NULL, "DHCP rebinding time", rebinding_setup, time_match, NULL,
     free, 0},
    {"dhcp.renewal_time", NULL, "DHCP renewal time", renewal_setup, time_match, NULL, free, 0},
};

const struct kw_family kw_family_dhcp = {defs, sizeof(defs) / sizeof(defs[0])};
