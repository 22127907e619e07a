/*
 * kw-snmp.c — the SNMP rule keywords and buffers, as Suricata 8 defines
 * them (src/detect-snmp-*.c, rust/src/snmp/detect.rs):
 *
 *   snmp.version:N     the message's version (1, 2, 3); unsigned integer syntax
 *   snmp.pdu_type:N    the PDU type (0 get_request ... 8 report); no match
 *                      on an encrypted v3 message
 *   snmp.community     sticky buffer: the community (v1/v2c)
 *   snmp.usm           sticky buffer: the USM user name (v3)
 *
 * All apply to messages of either direction; values come from the
 * parser's transactions through app/snmp.h.
 */
#include <stdlib.h>
#include <string.h>

#include "app/snmp.h"
#include "detect/detect-internal.h"

static bool version_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	return u64_cmp_match(ctx, ((const struct snmp_tx *)vtx)->version);
}

static int version_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_SNMP, version_test, ctx);
}

static int version_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64];
	if (arg == NULL || strlen(arg) >= sizeof(buf)) {
		pc_error(pc, "invalid snmp.version");
		return -1;
	}
	strcpy(buf, arg);
	if (rule_add_u64_cmp(pc, r, "snmp.version", str_trim(buf), UINT32_MAX) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_SNMP, AD_BOTH);
}

static bool pdu_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct snmp_tx *tx = vtx;
	return tx->has_pdu && !tx->encrypted && u64_cmp_match(ctx, tx->pdu_type);
}

static int pdu_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_SNMP, pdu_test, ctx);
}

static int pdu_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64];
	if (arg == NULL || strlen(arg) >= sizeof(buf)) {
		pc_error(pc, "invalid snmp.pdu_type");
		return -1;
	}
	strcpy(buf, arg);
	if (rule_add_u64_cmp(pc, r, "snmp.pdu_type", str_trim(buf), UINT32_MAX) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_SNMP, AD_BOTH);
}

static const struct kw_def defs[] = {
    {"snmp.version", NULL, "SNMP version", version_setup, version_match, NULL, free, 0},
    {"snmp.pdu_type", NULL, "SNMP PDU type", pdu_setup, pdu_match, NULL, free, 0},
};

const struct kw_family kw_family_snmp = {defs, sizeof(defs) / sizeof(defs[0])};

/* ------------------------------------------------------------ buffers */

enum { SB_COMMUNITY, SB_USM };

static bool snmp_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *vtx,
		     enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	(void)dir;
	const struct snmp_tx *tx = vtx;
	const struct snmp_str *s = spec->arg == SB_COMMUNITY ? &tx->community : &tx->usm;
	bool has = spec->arg == SB_COMMUNITY ? tx->has_community : tx->has_usm;
	if (k > 0 || !has || s->p == NULL)
		return false;
	*d = (const uint8_t *)s->p;
	*l = s->len;
	return true;
}

static const struct app_buffer_spec specs[] = {
    {"snmp.community", NULL, APP_PROTO_SNMP, AD_BOTH, snmp_get, SB_COMMUNITY},
    {"snmp.usm", NULL, APP_PROTO_SNMP, AD_BOTH, snmp_get, SB_USM},
};

const struct app_buffer_family app_buffers_snmp = {specs, sizeof(specs) / sizeof(specs[0])};
