/*
 * kw-tls.c — the legacy TLS certificate keywords tls.subject,
 * tls.issuerdn and tls.fingerprint (their sticky-buffer successors
 * tls.cert_subject ... are in kw-app.c).
 *
 * Syntax as Suricata: a quoted string, optionally negated
 * (tls.subject:!"CN=example"), of letters, digits, white space and
 * - . = , * @ (the fingerprint: hex digits, ':' and '*').  The keyword
 * matches when the string occurs in the field of the server's end-entity
 * certificate (negated: when it does not, and the certificate was seen).
 * Only to_client transactions carry that certificate.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app/tls.h"
#include "detect/detect-internal.h"

enum tls_field { TF_SUBJECT, TF_ISSUER, TF_FINGERPRINT };

struct tls_str {
	enum tls_field field;
	bool negated;
	char s[];
};

static bool allowed(enum tls_field f, char c)
{
	if (f == TF_FINGERPRINT)
		return isalnum((unsigned char)c) || c == ':' || c == '*' || c == ' ';
	return isalnum((unsigned char)c) || isspace((unsigned char)c) || strchr("-.=,*@", c);
}

static bool tls_str_test(const void *state, enum app_dir dir, const void *ctx)
{
	const struct tls_str *t = ctx;
	const struct tls_cert *c = tls_cert(state, dir, 0);
	if (c == NULL)
		return false;
	const char *v = t->field == TF_SUBJECT	? c->subject
			: t->field == TF_ISSUER ? c->issuer
						: c->fingerprint;
	if (v == NULL || *v == '\0')
		return false;
	return (strstr(v, t->s) != NULL) != t->negated;
}

static int tls_str_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_TLS, tls_str_test, ctx);
}

static int tls_str_setup(struct parse_ctx *pc, struct rule *r, const char *kw, const char *arg,
			 enum tls_field field)
{
	while (isspace((unsigned char)*arg))
		arg++;
	bool neg = *arg == '!';
	if (neg)
		arg++;
	while (isspace((unsigned char)*arg))
		arg++;
	size_t n = strlen(arg);
	struct tls_str *t = calloc(1, sizeof(*t) + n + 1);
	if (t == NULL)
		return -1;
	memcpy(t->s, arg, n + 1);
	if (str_unquote(t->s) != 1 || t->s[0] == '\0') {
		pc_error(pc, "%s needs a quoted string", kw);
		free(t);
		return -1;
	}
	for (const char *c = t->s; *c; c++)
		if (!allowed(field, *c)) {
			pc_error(pc, "invalid character '%c' in %s", *c, kw);
			free(t);
			return -1;
		}
	t->field = field;
	t->negated = neg;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), t) == NULL) {
		free(t);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_TLS, AD_TC);
}

static int subject_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return tls_str_setup(pc, r, "tls.subject", arg, TF_SUBJECT);
}

static int issuerdn_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return tls_str_setup(pc, r, "tls.issuerdn", arg, TF_ISSUER);
}

static int fingerprint_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return tls_str_setup(pc, r, "tls.fingerprint", arg, TF_FINGERPRINT);
}

static const struct kw_def defs[] = {
    {"tls.subject", NULL, "server certificate subject contains a string (legacy)", subject_setup,
     tls_str_match, NULL, NULL, 0},
    {"tls.issuerdn", NULL, "server certificate issuer contains a string (legacy)", issuerdn_setup,
     tls_str_match, NULL, NULL, 0},
    {"tls.fingerprint", NULL, "server certificate SHA-1 fingerprint (legacy)", fingerprint_setup,
     tls_str_match, NULL, NULL, 0},
};

const struct kw_family kw_family_tls = {defs, sizeof(defs) / sizeof(defs[0])};
