/*
 * kw-dns.c — the DNS transaction keywords dns.opcode, dns.rcode and
 * dns.rrtype (and the DNS name buffers).
 *
 * Each takes Suricata's unsigned integer syntax (N, !N, N-M exclusive,
 * <N, >=N ...); dns.rcode and dns.rrtype also take a name ("NXDOMAIN",
 * "MX", optionally negated).  They are checked on every DNS transaction
 * offered for the packet: the request on a to_server packet, the
 * response on a to_client one.  dns.rrtype matches when any query type
 * of a request, or any answer type of a response, satisfies it (Suricata
 * 8).  Values come from the parser's accessors in app/dns.h.
 */
#include <stdlib.h>
#include <string.h>

#include "app/dns.h"
#include "detect/detect-internal.h"

/* Integer syntax, or [!]NAME through by_name (NULL: numbers only). */
static int dns_cmp_parse(const char *arg, uint64_t max, int (*by_name)(const char *),
			 struct u64_cmp *c)
{
	if (u64_cmp_parse(arg, max, c) == 0)
		return 0;
	if (by_name == NULL)
		return -1;
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *t = str_trim(buf);
	bool neg = *t == '!';
	if (neg)
		t = str_trim(t + 1);
	int v = by_name(t);
	if (v < 0 || (uint64_t)v > max)
		return -1;
	memset(c, 0, sizeof(*c));
	c->mode = neg ? U_NE : U_EQ;
	c->a = (uint64_t)v;
	return 0;
}

static int dns_kw_setup(struct parse_ctx *pc, struct rule *r, const char *kw, const char *arg,
			uint64_t max, int (*by_name)(const char *))
{
	struct u64_cmp *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (dns_cmp_parse(arg, max, by_name, c) != 0) {
		pc_error(pc, "invalid %s '%s'", kw, arg);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_DNS, AD_BOTH);
}

/* ------------------------------------------------------------ dns.opcode */

static bool opcode_test(const void *tx, enum app_dir dir, const void *ctx)
{
	return u64_cmp_match(ctx, dns_tx_opcode(tx));
}

static int opcode_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_DNS, opcode_test, ctx);
}

static int opcode_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return dns_kw_setup(pc, r, "dns.opcode", arg, UINT8_MAX, NULL);
}

/* ------------------------------------------------------------ dns.rcode */

static bool rcode_test(const void *tx, enum app_dir dir, const void *ctx)
{
	return u64_cmp_match(ctx, dns_tx_rcode(tx));
}

static int rcode_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_DNS, rcode_test, ctx);
}

static int rcode_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return dns_kw_setup(pc, r, "dns.rcode", arg, UINT8_MAX, dns_rcode_by_name);
}

/* ------------------------------------------------------------ dns.rrtype */

static bool rrtype_test(const void *tx, enum app_dir dir, const void *ctx)
{
	uint16_t t;
	for (size_t i = 0; dns_tx_get_rrtype(tx, i, &t); i++)
		if (u64_cmp_match(ctx, t))
			return true;
	return false;
}

static int rrtype_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_DNS, rrtype_test, ctx);
}

static int rrtype_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return dns_kw_setup(pc, r, "dns.rrtype", arg, UINT16_MAX, dns_rrtype_by_name);
}

static const struct kw_def defs[] = {
    {"dns.opcode", NULL, "DNS header opcode", opcode_setup, opcode_match, NULL, NULL, 0},
    {"dns.rcode", NULL, "DNS header rcode (number or name)", rcode_setup, rcode_match, NULL, NULL,
     0},
    {"dns.rrtype", NULL, "DNS query (request) or answer (response) record type", rrtype_setup,
     rrtype_match, NULL, NULL, 0},
};

const struct kw_family kw_family_dns = {defs, sizeof(defs) / sizeof(defs[0])};

/* ------------------------------------------------------------ buffers */

/* The name buffers: one instance per name of the message's section
 * (dns.query: the questions of a request only). */
enum { DB_QUERY, DB_QUERIES, DB_ANSWERS, DB_AUTHORITIES, DB_ADDITIONALS, DB_RESPONSE };

static bool dns_buffer(const struct app_buffer_spec *spec, struct det_thread *dt, const void *tx,
		       enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	const struct dns_tx *t = tx;
	switch (spec->arg) {
	case DB_QUERY: return t->request && dns_tx_get_query_name(t, k, d, l);
	case DB_QUERIES: return dns_tx_get_query_name(t, k, d, l);
	case DB_ANSWERS: return dns_tx_get_answer_name(t, k, d, l);
	case DB_AUTHORITIES: return dns_tx_get_authority_name(t, k, d, l);
	case DB_ADDITIONALS: return dns_tx_get_additional_name(t, k, d, l);
	default: return dns_tx_get_response_name(t, k, d, l);
	}
}

static const struct app_buffer_spec specs[] = {
    {"dns.query", "dns_query", APP_PROTO_DNS, AD_TS, dns_buffer, DB_QUERY},
    {"dns.queries.rrname", NULL, APP_PROTO_DNS, AD_BOTH, dns_buffer, DB_QUERIES},
    {"dns.answers.rrname", NULL, APP_PROTO_DNS, AD_BOTH, dns_buffer, DB_ANSWERS},
    {"dns.authorities.rrname", NULL, APP_PROTO_DNS, AD_BOTH, dns_buffer, DB_AUTHORITIES},
    {"dns.additionals.rrname", NULL, APP_PROTO_DNS, AD_BOTH, dns_buffer, DB_ADDITIONALS},
    {"dns.response.rrname", NULL, APP_PROTO_DNS, AD_TC, dns_buffer, DB_RESPONSE},
};

const struct app_buffer_family app_buffers_dns = {specs, sizeof(specs) / sizeof(specs[0])};
