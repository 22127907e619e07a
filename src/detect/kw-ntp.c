/*
 * kw-ntp.c — the NTP rule keywords and buffer, as Suricata 8 defines them
 * (rust/src/ntp/detect.rs):
 *
 *   ntp.version:N       the message's version; unsigned integer syntax
 *   ntp.stratum:N       its stratum
 *   ntp.mode:M          its mode, a number or a name (client, server,
 *                       symmetric_active, ...), with ! for "not"
 *   ntp.reference_id    sticky buffer: the 4-byte reference id
 *
 * All apply to messages of either direction (app/ntp.h).
 */
#include <stdlib.h>
#include <string.h>

#include "app/ntp.h"
#include "detect/detect-internal.h"

enum { NF_VERSION, NF_STRATUM, NF_MODE };

struct ntp_ctx {
	int field;
	struct u64_cmp cmp;
};

static bool ntp_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct ntp_tx *tx = vtx;
	const struct ntp_ctx *c = ctx;
	uint8_t v = c->field == NF_VERSION ? tx->version
		    : c->field == NF_STRATUM ? tx->stratum
					     : tx->mode;
	return u64_cmp_match(&c->cmp, v);
}

static int ntp_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_NTP, ntp_test, ctx);
}

static int ntp_setup(struct parse_ctx *pc, struct rule *r, const char *arg, int field,
		     const char *kw)
{
	char buf[64];
	if (arg == NULL || strlen(arg) >= sizeof(buf)) {
		pc_error(pc, "invalid %s", kw);
		return -1;
	}
	strcpy(buf, arg);
	char *t = str_trim(buf);
	struct ntp_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->field = field;
	bool neg = t[0] == '!';
	int mode = field == NF_MODE ? ntp_mode_by_name(str_trim(t + (neg ? 1 : 0))) : -1;
	if (mode >= 0) {
		c->cmp.mode = neg ? U_NE : U_EQ;
		c->cmp.a = (uint64_t)mode;
	} else if (u64_cmp_parse(t, UINT8_MAX, &c->cmp) != 0) {
		pc_error(pc, "invalid %s '%s'", kw, t);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_NTP, AD_BOTH);
}

static int version_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return ntp_setup(pc, r, arg, NF_VERSION, "ntp.version");
}

static int stratum_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return ntp_setup(pc, r, arg, NF_STRATUM, "ntp.stratum");
}

static int mode_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return ntp_setup(pc, r, arg, NF_MODE, "ntp.mode");
}

static const struct kw_def defs[] = {
    {"ntp.version", NULL, "NTP version", version_setup, ntp_match, NULL, free, 0},
    {"ntp.stratum", NULL, "NTP stratum", stratum_setup, ntp_match, NULL, free, 0},
    {"ntp.mode", NULL, "NTP mode (number or name)", mode_setup, ntp_match, NULL, free, 0},
};

const struct kw_family kw_family_ntp = {defs, sizeof(defs) / sizeof(defs[0])};

static bool refid_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *vtx,
		      enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)spec;
	(void)dt;
	(void)dir;
	if (k > 0)
		return false;
	*d = ((const struct ntp_tx *)vtx)->reference_id;
	*l = 4;
	return true;
}

static const struct app_buffer_spec specs[] = {
    {"ntp.reference_id", NULL, APP_PROTO_NTP, AD_BOTH, refid_get, 0},
};

const struct app_buffer_family app_buffers_ntp = {specs, sizeof(specs) / sizeof(specs[0])};
