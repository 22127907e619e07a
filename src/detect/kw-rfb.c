/*
 * kw-rfb.c — the RFB rule keywords and buffer, as Suricata 8 defines them
 * (rust/src/rfb/detect.rs, src/detect-rfb-*.c):
 *
 *   rfb.secresult:V   the security result: a number (unsigned integer
 *                     syntax) or ok, fail, toomany, unknown (above 2),
 *                     with ! for "not"
 *   rfb.sectype:N     the chosen security type
 *   rfb.name          sticky buffer: the desktop name of ServerInit
 *
 * The result and the name are inspected on the server's side, the type
 * on the client's, as Suricata registers them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/rfb.h"
#include "detect/detect-internal.h"

enum { RF_RESULT, RF_TYPE };

struct rfb_ctx {
	int field;
	struct u64_cmp cmp;
};

static bool rfb_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct rfb_tx *tx = vtx;
	const struct rfb_ctx *c = ctx;
	if (c->field == RF_RESULT)
		return tx->has_result && u64_cmp_match(&c->cmp, tx->result);
	return tx->has_sec_type && u64_cmp_match(&c->cmp, tx->sec_type);
}

static int rfb_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_RFB, rfb_test, ctx);
}

static int rfb_setup(struct parse_ctx *pc, struct rule *r, const char *arg, int field,
		     const char *kw)
{
	char buf[64];
	if (arg == NULL || strlen(arg) >= sizeof(buf)) {
		pc_error(pc, "invalid %s", kw);
		return -1;
	}
	strcpy(buf, arg);
	char *t = str_trim(buf);
	struct rfb_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->field = field;
	bool neg = t[0] == '!';
	const char *w = neg ? str_trim(t + 1) : t;
	static const char *const names[] = {"ok", "fail", "toomany"};
	int named = -1;
	for (int i = 0; field == RF_RESULT && i < 3; i++)
		if (strcasecmp(w, names[i]) == 0)
			named = i;
	if (named >= 0) {
		c->cmp.mode = neg ? U_NE : U_EQ;
		c->cmp.a = (uint64_t)named;
	} else if (field == RF_RESULT && strcasecmp(w, "unknown") == 0) {
		c->cmp.mode = neg ? U_LE : U_GT;
		c->cmp.a = 2;
	} else if (u64_cmp_parse(t, UINT32_MAX, &c->cmp) != 0) {
		pc_error(pc, "invalid %s '%s'", kw, t);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	/* as Suricata: the result is the server's, the type the client's choice */
	return rule_require_app(pc, r, APP_PROTO_RFB, field == RF_RESULT ? AD_TC : AD_TS);
}

static int result_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rfb_setup(pc, r, arg, RF_RESULT, "rfb.secresult");
}

static int type_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rfb_setup(pc, r, arg, RF_TYPE, "rfb.sectype");
}

static const struct kw_def defs[] = {
    {"rfb.secresult", NULL, "RFB security result", result_setup, rfb_match, NULL, free, 0},
    {"rfb.sectype", NULL, "RFB security type", type_setup, rfb_match, NULL, free, 0},
};

const struct kw_family kw_family_rfb = {defs, sizeof(defs) / sizeof(defs[0])};

static bool name_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *vtx,
		     enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)spec;
	(void)dt;
	(void)dir;
	const struct rfb_tx *tx = vtx;
	if (k > 0 || !tx->has_server_init || tx->name.p == NULL)
		return false;
	*d = tx->name.p;
	*l = tx->name.len;
	return true;
}

static const struct app_buffer_spec specs[] = {
    {"rfb.name", NULL, APP_PROTO_RFB, AD_TC, name_get, 0},
};

const struct app_buffer_family app_buffers_rfb = {specs, sizeof(specs) / sizeof(specs[0])};
