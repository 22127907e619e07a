/*
 * kw-ike.c — the IKE rule keywords and buffers, as Suricata 8 defines
 * them (rust/src/ike/detect.rs, src/detect-ike-*.c):
 *
 *   ike.init_spi, ike.resp_spi    sticky buffers: the SPI as 16 hex digits
 *                                 (client's messages / server's messages)
 *   ike.vendor                    sticky buffer, one instance per vendor id
 *                                 (hex) of a client's message
 *   ike.key_exchange_payload      sticky buffer: the key exchange data
 *   ike.nonce_payload             sticky buffer: the nonce data
 *   ike.exchtype:N                the exchange type
 *   ike.key_exchange_payload_length:N, ike.nonce_payload_length:N
 *   ike.chosen_sa_attribute:name=N  an attribute of the transform a
 *                                 server's message chose (alg_enc,
 *                                 alg_hash, alg_auth, alg_dh,
 *                                 sa_life_type, sa_life_duration,
 *                                 sa_key_length, ...), to client only
 */
#include <stdlib.h>
#include <string.h>

#include "app/ike.h"
#include "detect/detect-internal.h"

enum { IK_EXCHTYPE, IK_KE_LEN, IK_NONCE_LEN, IK_CHOSEN };

struct ike_ctx {
	int field;
	int attr; /* IK_CHOSEN: the attribute type */
	struct u64_cmp cmp;
};

static bool ike_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct ike_tx *tx = vtx;
	const struct ike_ctx *c = ctx;
	switch (c->field) {
	case IK_EXCHTYPE: return u64_cmp_match(&c->cmp, tx->exch_type);
	case IK_KE_LEN: return tx->has_ke && u64_cmp_match(&c->cmp, tx->ke.len);
	case IK_NONCE_LEN: return tx->has_nonce && u64_cmp_match(&c->cmp, tx->nonce.len);
	default:
		/* the server's one chosen transform in this message */
		if (tx->dir != APP_TOCLIENT || tx->n_transforms != 1)
			return false;
		for (uint8_t i = 0; i < tx->transforms[0].n; i++) {
			const struct ike_attr *a = &tx->transforms[0].attrs[i];
			if (a->type == c->attr && a->has_numeric && u64_cmp_match(&c->cmp, a->numeric))
				return true;
		}
		return false;
	}
}

static int ike_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_IKE, ike_test, ctx);
}

static int ike_setup(struct parse_ctx *pc, struct rule *r, const char *arg, int field,
		     const char *kw)
{
	char buf[128];
	if (arg == NULL || strlen(arg) >= sizeof(buf)) {
		pc_error(pc, "invalid %s", kw);
		return -1;
	}
	strcpy(buf, arg);
	char *t = str_trim(buf);
	struct ike_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->field = field;
	if (field == IK_CHOSEN) {
		char *eq = strchr(t, '=');
		if (eq == NULL) {
			pc_error(pc, "invalid %s '%s'", kw, t);
			free(c);
			return -1;
		}
		*eq = 0;
		c->attr = ike_attr_by_name(str_trim(t));
		t = str_trim(eq + 1);
		if (c->attr < 0) {
			pc_error(pc, "invalid %s attribute", kw);
			free(c);
			return -1;
		}
	}
	if (u64_cmp_parse(t, UINT32_MAX, &c->cmp) != 0) {
		pc_error(pc, "invalid %s '%s'", kw, t);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_IKE, field == IK_CHOSEN ? AD_TC : AD_BOTH);
}

static int exchtype_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return ike_setup(pc, r, arg, IK_EXCHTYPE, "ike.exchtype");
}

static int ke_len_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return ike_setup(pc, r, arg, IK_KE_LEN, "ike.key_exchange_payload_length");
}

static int nonce_len_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return ike_setup(pc, r, arg, IK_NONCE_LEN, "ike.nonce_payload_length");
}

static int chosen_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return ike_setup(pc, r, arg, IK_CHOSEN, "ike.chosen_sa_attribute");
}

static const struct kw_def defs[] = {
    {"ike.exchtype", NULL, "IKE exchange type", exchtype_setup, ike_match, NULL, free, 0},
    {"ike.key_exchange_payload_length", NULL, "IKE key exchange data length", ke_len_setup,
     ike_match, NULL, free, 0},
    {"ike.nonce_payload_length", NULL, "IKE nonce length", nonce_len_setup, ike_match, NULL,
     free, 0},
    {"ike.chosen_sa_attribute", NULL, "IKE attribute of the server's chosen transform",
     chosen_setup, ike_match, NULL, free, 0},
};

const struct kw_family kw_family_ike = {defs, sizeof(defs) / sizeof(defs[0])};

/* ------------------------------------------------------------ buffers */

enum { IB_INIT, IB_RESP, IB_VENDOR, IB_KE, IB_NONCE };

static bool ike_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *vtx,
		    enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	(void)dir;
	const struct ike_tx *tx = vtx;
	switch (spec->arg) {
	case IB_INIT:
	case IB_RESP:
		if (k > 0)
			return false;
		*d = (const uint8_t *)(spec->arg == IB_INIT ? tx->init_hex : tx->resp_hex);
		*l = 16;
		return true;
	case IB_VENDOR:
		if (k >= tx->n_vendors)
			return false;
		*d = (const uint8_t *)tx->vendors[k];
		*l = (uint32_t)strlen(tx->vendors[k]);
		return true;
	case IB_KE:
		if (k > 0 || !tx->has_ke || tx->ke.p == NULL)
			return false;
		*d = tx->ke.p;
		*l = tx->ke.len;
		return true;
	default:
		if (k > 0 || !tx->has_nonce || tx->nonce.p == NULL)
			return false;
		*d = tx->nonce.p;
		*l = tx->nonce.len;
		return true;
	}
}

static const struct app_buffer_spec specs[] = {
    /* as Suricata registers them: the initiator's SPI and the vendor ids
     * on the client's messages, the responder's SPI on the server's */
    {"ike.init_spi", NULL, APP_PROTO_IKE, AD_TS, ike_get, IB_INIT},
    {"ike.resp_spi", NULL, APP_PROTO_IKE, AD_TC, ike_get, IB_RESP},
    {"ike.vendor", NULL, APP_PROTO_IKE, AD_TS, ike_get, IB_VENDOR},
    {"ike.key_exchange_payload", NULL, APP_PROTO_IKE, AD_BOTH, ike_get, IB_KE},
    {"ike.nonce_payload", NULL, APP_PROTO_IKE, AD_BOTH, ike_get, IB_NONCE},
};

const struct app_buffer_family app_buffers_ike = {specs, sizeof(specs) / sizeof(specs[0])};
