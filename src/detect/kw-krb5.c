/*
 * kw-krb5.c — the Kerberos 5 rule keywords, as Suricata 8 defines them
 * (src/detect-krb5-*.c, rust/src/krb/detect.rs):
 *
 *   krb5_msg_type:N           the message type (10 AS-REQ ... 30 KRB-ERROR);
 *                             Suricata's unsigned integer syntax
 *   krb5_err_code:N           the error code of a KRB-ERROR (no match on
 *                             other messages); a signed integer, or the
 *                             unsigned integer syntax
 *   krb5.ticket_encryption:   [!]weak, or a list of encryption types by
 *                             name ("rc4-hmac") or number (23, -128),
 *                             comma or space separated; matches a reply
 *                             whose ticket uses one of them
 *   krb5_cname, krb5_sname    sticky buffers (aliases krb5.cname,
 *                             krb5.sname), one instance per name part
 *
 * All apply to transactions of either direction.  Values come from the
 * parser's transactions through app/krb5.h.
 */
#include <stdlib.h>
#include <string.h>

#include "app/krb5.h"
#include "detect/detect-internal.h"

/* ------------------------------------------------------------ krb5_msg_type */

static bool msg_type_test(const void *tx, enum app_dir dir, const void *ctx)
{
	return u64_cmp_match(ctx, ((const struct krb5_tx *)tx)->msg_type);
}

static int msg_type_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			  const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_KRB5, msg_type_test, ctx);
}

/* The argument without spaces and one pair of double quotes around it
 * (Suricata's krb5_msg_type / krb5_err_code accept "10"); NULL when too long. */
static char *unquote(const char *arg, char *buf, size_t len)
{
	if (arg == NULL || strlen(arg) >= len)
		return NULL;
	memcpy(buf, arg, strlen(arg) + 1);
	char *t = str_trim(buf);
	size_t n = strlen(t);
	if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
		t[n - 1] = 0;
		t = str_trim(t + 1);
	}
	return t;
}

static int msg_type_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64];
	const char *t = unquote(arg, buf, sizeof(buf));
	if (rule_add_u64_cmp(pc, r, "krb5_msg_type", t ? t : "", UINT32_MAX) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_KRB5, AD_BOTH);
}

/* ------------------------------------------------------------ krb5_err_code */

struct err_code_ctx {
	bool neg; /* an exact negative code */
	int32_t code;
	struct u64_cmp cmp;
};

static bool err_code_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct krb5_tx *t = tx;
	const struct err_code_ctx *c = ctx;
	if (!t->has_error)
		return false;
	if (c->neg)
		return t->error_code == c->code;
	return t->error_code >= 0 && u64_cmp_match(&c->cmp, (uint64_t)t->error_code);
}

static int err_code_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			  const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_KRB5, err_code_test, ctx);
}

static int err_code_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct err_code_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	char buf[64];
	char *t = unquote(arg, buf, sizeof(buf));
	if (t == NULL) {
		free(c);
		pc_error(pc, "invalid krb5_err_code");
		return -1;
	}
	if (t[0] == '-') {
		char *end;
		long v = strtol(t, &end, 10);
		c->neg = true;
		c->code = (int32_t)v;
		if (end == t + 1 || *str_trim(end) != 0 || v < INT32_MIN) {
			free(c);
			pc_error(pc, "invalid krb5_err_code '%s'", arg);
			return -1;
		}
	} else if (u64_cmp_parse(t, INT32_MAX, &c->cmp) != 0) {
		free(c);
		pc_error(pc, "invalid krb5_err_code '%s'", arg ? arg : "");
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("krb5_err_code"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_KRB5, AD_BOTH);
}

/* ------------------------------------------------------------ krb5.ticket_encryption */

#define TICKET_ETYPES_MAX 64

struct ticket_enc_ctx {
	int weak; /* 1 weak, 0 !weak, -1 a list */
	uint32_t n;
	int32_t etypes[TICKET_ETYPES_MAX];
};

static bool ticket_enc_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct krb5_tx *t = tx;
	const struct ticket_enc_ctx *c = ctx;
	if (!t->has_ticket_etype)
		return false;
	if (c->weak >= 0)
		return krb5_etype_weak(t->ticket_etype) == (c->weak == 1);
	for (uint32_t i = 0; i < c->n; i++)
		if (c->etypes[i] == t->ticket_etype)
			return true;
	return false;
}

static int ticket_enc_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			    const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_KRB5, ticket_enc_test, ctx);
}

/* One list item: a name, or a (possibly negative) number. */
static int ticket_enc_item(const char *s, int32_t *v)
{
	if (krb5_etype_by_name(s, v) == 0)
		return 0;
	char *end;
	long x = strtol(s, &end, 10);
	if (end == s || *end != 0 || x < INT32_MIN || x > INT32_MAX)
		return -1;
	*v = (int32_t)x;
	return 0;
}

static int ticket_enc_parse(const char *arg, struct ticket_enc_ctx *c)
{
	char buf[1024];
	if (arg == NULL || strlen(arg) >= sizeof(buf))
		return -1;
	memcpy(buf, arg, strlen(arg) + 1);
	char *t = str_trim(buf);
	if (strcmp(t, "weak") == 0 || strcmp(t, "!weak") == 0) {
		c->weak = t[0] == '!' ? 0 : 1;
		return 0;
	}
	c->weak = -1;
	/* items separated by commas and/or spaces */
	for (char *p = t; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == 0)
			break;
		char *start = p;
		while (*p && *p != ' ' && *p != ',')
			p++;
		char save = *p;
		*p = 0;
		if (c->n == TICKET_ETYPES_MAX || ticket_enc_item(start, &c->etypes[c->n]) != 0)
			return -1;
		c->n++;
		*p = save;
	}
	return c->n > 0 ? 0 : -1;
}

static int ticket_enc_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct ticket_enc_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	if (ticket_enc_parse(arg, c) != 0) {
		free(c);
		pc_error(pc, "invalid krb5.ticket_encryption '%s'", arg ? arg : "");
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("krb5.ticket_encryption"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_KRB5, AD_BOTH);
}

static const struct kw_def defs[] = {
    {"krb5_msg_type", "krb5.msg_type", "Kerberos 5 message type", msg_type_setup, msg_type_match,
     NULL, NULL, 0},
    {"krb5_err_code", "krb5.err_code", "Kerberos 5 error code", err_code_setup, err_code_match,
     NULL, NULL, 0},
    {"krb5.ticket_encryption", NULL, "Kerberos 5 ticket encryption type (list or weak)",
     ticket_enc_setup, ticket_enc_match, NULL, NULL, 0},
};

const struct kw_family kw_family_krb5 = {defs, sizeof(defs) / sizeof(defs[0])};

/* ------------------------------------------------------------ buffers */

static bool name_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *tx,
		     enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	return spec->arg == 0 ? krb5_tx_get_cname(tx, k, d, l) : krb5_tx_get_sname(tx, k, d, l);
}

static const struct app_buffer_spec specs[] = {
    {"krb5_cname", "krb5.cname", APP_PROTO_KRB5, AD_BOTH, name_get, 0},
    {"krb5_sname", "krb5.sname", APP_PROTO_KRB5, AD_BOTH, name_get, 1},
};

const struct app_buffer_family app_buffers_krb5 = {specs, sizeof(specs) / sizeof(specs[0])};
