/*
 * kw-tls.c — the legacy TLS certificate keywords tls.subject,
 * tls.issuerdn and tls.fingerprint (their sticky-buffer successors
 * tls.cert_subject ... are the buffers at the end of this file).
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

/* ------------------------------------------------------------ buffers */

enum tls_buf {
	TB_SNI,
	TB_RANDOM,
	TB_RANDOM_TIME,
	TB_RANDOM_BYTES,
	TB_SAN,
	TB_JA3_HASH,
	TB_JA3_STR,
	TB_JA3S_HASH,
	TB_JA3S_STR,
	TB_CERT_SUBJECT,
	TB_CERT_ISSUER,
	TB_CERT_SERIAL,
	TB_CERT_FP,
	TB_CERTS,
};

/* Certificate buffers: the end-entity certificate of the side's chain
 * (the server's on to_client packets, a client certificate's on
 * to_server), or for tls.certs every certificate of it. */
static bool cert_instance(int kind, enum app_dir dir, const void *state, uint32_t k,
			  const uint8_t **d, uint32_t *l)
{
	if (k > 0 && kind != TB_CERTS)
		return false;
	const struct tls_cert *c = tls_cert(state, dir, k);
	if (c == NULL)
		return false;
	switch (kind) {
	case TB_CERT_SUBJECT:
		*d = (const uint8_t *)c->subject;
		*l = c->subject_len;
		break;
	case TB_CERT_ISSUER:
		*d = (const uint8_t *)c->issuer;
		*l = c->issuer_len;
		break;
	case TB_CERT_SERIAL:
		*d = (const uint8_t *)c->serial;
		*l = c->serial != NULL ? (uint32_t)strlen(c->serial) : 0;
		break;
	case TB_CERT_FP:
		*d = (const uint8_t *)c->fingerprint;
		*l = (uint32_t)strnlen(c->fingerprint, sizeof(c->fingerprint));
		break;
	default:
		*d = c->der;
		*l = c->der_len;
		break;
	}
	return *d != NULL && *l > 0;
}

/* tls.random (32 bytes), tls.random_time (its first 4) and tls.random_bytes
 * (the other 28) of the hello of the packet's side. */
static bool random_part(int kind, enum app_dir dir, const void *state, const uint8_t **d,
			uint32_t *l)
{
	const uint8_t *rnd = tls_random(state, dir);
	if (rnd == NULL)
		return false;
	*d = kind == TB_RANDOM_BYTES ? rnd + 4 : rnd;
	*l = kind == TB_RANDOM ? 32 : kind == TB_RANDOM_TIME ? 4 : 28;
	return true;
}

static bool str_instance(const char *s, uint32_t n, const uint8_t **d, uint32_t *l)
{
	if (s == NULL || n == 0)
		return false;
	*d = (const uint8_t *)s;
	*l = n;
	return true;
}

static bool tls_buffer(const struct app_buffer_spec *spec, struct det_thread *dt, const void *tx,
		       enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	const char *s = NULL;
	uint32_t n = 0;
	switch (spec->arg) {
	case TB_SNI:
		s = tls_sni(tx, &n);
		return k == 0 && str_instance(s, n, d, l);
	case TB_RANDOM:
	case TB_RANDOM_TIME:
	case TB_RANDOM_BYTES: return k == 0 && random_part(spec->arg, dir, tx, d, l);
	case TB_SAN: {
		/* every dNSName of the side's end-entity certificate */
		const struct tls_cert *c = tls_cert(tx, dir, 0);
		if (c == NULL || k >= c->n_sans)
			return false;
		*d = (const uint8_t *)c->sans[k];
		*l = c->san_lens[k];
		return true;
	}
	case TB_JA3_HASH: s = tls_ja3_hash(tx); break;
	case TB_JA3_STR: s = tls_ja3_string(tx); break;
	case TB_JA3S_HASH: s = tls_ja3s_hash(tx); break;
	case TB_JA3S_STR: s = tls_ja3s_string(tx); break;
	default: return cert_instance(spec->arg, dir, tx, k, d, l);
	}
	return k == 0 && s != NULL && str_instance(s, (uint32_t)strlen(s), d, l);
}

#define TLS_BUF(name, alias, dirs, arg) {name, alias, APP_PROTO_TLS, dirs, tls_buffer, arg}
static const struct app_buffer_spec specs[] = {
    TLS_BUF("tls.sni", "tls_sni", AD_TS, TB_SNI),
    TLS_BUF("tls.random", NULL, AD_BOTH, TB_RANDOM),
    TLS_BUF("tls.random_time", NULL, AD_BOTH, TB_RANDOM_TIME),
    TLS_BUF("tls.random_bytes", NULL, AD_BOTH, TB_RANDOM_BYTES),
    TLS_BUF("tls.subjectaltname", NULL, AD_TC, TB_SAN),
    TLS_BUF("ja3.hash", "ja3_hash", AD_TS, TB_JA3_HASH),
    TLS_BUF("ja3.string", "ja3_string", AD_TS, TB_JA3_STR),
    TLS_BUF("ja3s.hash", "ja3s_hash", AD_TC, TB_JA3S_HASH),
    TLS_BUF("ja3s.string", "ja3s_string", AD_TC, TB_JA3S_STR),
    TLS_BUF("tls.cert_subject", "tls_cert_subject", AD_BOTH, TB_CERT_SUBJECT),
    TLS_BUF("tls.cert_issuer", "tls_cert_issuer", AD_BOTH, TB_CERT_ISSUER),
    TLS_BUF("tls.cert_serial", "tls_cert_serial", AD_BOTH, TB_CERT_SERIAL),
    TLS_BUF("tls.cert_fingerprint", "tls_cert_fingerprint", AD_BOTH, TB_CERT_FP),
    TLS_BUF("tls.certs", NULL, AD_BOTH, TB_CERTS),
};

const struct app_buffer_family app_buffers_tls = {specs, sizeof(specs) / sizeof(specs[0])};
