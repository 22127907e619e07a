/*
 * kw-ipheader.c — IP header keywords: ttl tos id ipopts fragbits fragoffset
 * ip_proto sameip, and the ipv4.hdr / ipv6.hdr sticky buffers.
 *
 * Values come from the decoded struct packet, never from re-reading the
 * header; a packet without an IP layer matches none of them.
 */
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

static int ttl_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	return p->ip_version != 0 && u64_cmp_match(ctx, p->ttl);
}

static int ttl_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "ttl", arg, 255);
}

struct tos_ctx {
	uint8_t v;
	bool neg;
};

static int tos_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	const struct tos_ctx *c = ctx;
	if (p->ip_version != 4)
		return 0;
	return (p->tos == c->v) != c->neg;
}

static int tos_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	const char *s = arg;
	struct tos_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	if (*s == '!') {
		c->neg = true;
		s++;
	}
	uint64_t v;
	bool ok;
	if (s[0] == 'x' || s[0] == 'X') {
		char *end;
		v = strtoull(s + 1, &end, 16);
		ok = s[1] != '\0' && *end == '\0';
	} else {
		ok = parse_u64(s, &v);
	}
	if (!ok || v > 255) {
		pc_error(pc, "invalid tos '%s'", arg);
		free(c);
		return -1;
	}
	c->v = (uint8_t)v;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("tos"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

static int id_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		    const void *ctx)
{
	return p->ip_version == 4 && u64_cmp_match(ctx, p->ip_id);
}

static int id_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", arg);
	int q = str_unquote(buf);
	if (q < 0) {
		pc_error(pc, "invalid id '%s'", arg);
		return -1;
	}
	return rule_add_u64_cmp(pc, r, "id", buf, 65535);
}

static const struct {
	const char *name;
	uint16_t bit;
} ipopt_names[] = {
    {"rr", IP4_OPT_RR},	    {"eol", IP4_OPT_EOL},   {"nop", IP4_OPT_NOP},
    {"ts", IP4_OPT_TS},	    {"sec", IP4_OPT_SEC},   {"esec", IP4_OPT_ESEC},
    {"lsrr", IP4_OPT_LSRR}, {"ssrr", IP4_OPT_SSRR}, {"satid", IP4_OPT_SATID},
    {"any", IP4_OPT_ANY},
};

static int ipopts_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			const void *ctx)
{
	uint16_t want = *(const uint16_t *)ctx;
	if (p->ip_version != 4)
		return 0;
	if (want == IP4_OPT_ANY)
		return (p->ip4.opts & ~IP4_OPT_ANY) != 0 || (p->ip4.opts & IP4_OPT_ANY);
	return (p->ip4.opts & want) != 0;
}

static int ipopts_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	for (size_t i = 0; i < sizeof(ipopt_names) / sizeof(ipopt_names[0]); i++) {
		if (strcmp(arg, ipopt_names[i].name) != 0)
			continue;
		uint16_t *c = malloc(sizeof(*c));
		if (c == NULL)
			return -1;
		*c = ipopt_names[i].bit;
		if (rule_add_sm(r, LIST_MATCH, kw_lookup("ipopts"), c) == NULL) {
			free(c);
			return -1;
		}
		return 0;
	}
	pc_error(pc, "invalid ipopts '%s'", arg);
	return -1;
}

/* fragbits:[+*!]<MDR>: + = these and maybe others, * = any of these, ! = none of these. */
struct fragbits_ctx {
	uint8_t bits;
	char mod;
};

static int fragbits_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			  const void *ctx)
{
	const struct fragbits_ctx *c = ctx;
	if (p->ip_version != 4)
		return 0;
	uint8_t f = p->frag_flags & (FRAG_MF | FRAG_DF | FRAG_RB);
	switch (c->mod) {
	case '+': return (f & c->bits) == c->bits;
	case '*': return (f & c->bits) != 0;
	case '!': return (f & c->bits) == 0;
	default: return f == c->bits;
	}
}

static int fragbits_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct fragbits_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	for (const char *s = arg; *s; s++) {
		switch (*s) {
		case 'M': c->bits |= FRAG_MF; break;
		case 'D': c->bits |= FRAG_DF; break;
		case 'R': c->bits |= FRAG_RB; break;
		case '+':
		case '*':
		case '!':
			if (c->mod != 0) {
				pc_error(pc, "invalid fragbits '%s'", arg);
				free(c);
				return -1;
			}
			c->mod = *s;
			break;
		case ' ': break;
		default:
			pc_error(pc, "invalid fragbits '%s'", arg);
			free(c);
			return -1;
		}
	}
	if (c->bits == 0) {
		pc_error(pc, "invalid fragbits '%s'", arg);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("fragbits"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

static int fragoffset_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			    const void *ctx)
{
	return p->ip_version == 4 && u64_cmp_match(ctx, p->frag_offset);
}

static int fragoffset_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "fragoffset", arg, 65535);
}

static int ip_proto_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			  const void *ctx)
{
	return p->ip_version != 0 && u64_cmp_match(ctx, p->proto);
}

static int ip_proto_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	const char *s = arg;
	char pre[3] = "";
	size_t pl = 0;
	while (pl < 2 && (s[pl] == '!' || s[pl] == '<' || s[pl] == '>' || s[pl] == '='))
		pl++;
	memcpy(pre, s, pl);
	pre[pl] = '\0';
	s += pl;
	char num[40];
	uint64_t v;
	if (!parse_u64(s, &v)) {
		struct protoent *pe = getprotobyname(s);
		int n = pe ? pe->p_proto : -1;
		if (n < 0) {
			if (strcmp(s, "tcp") == 0)
				n = 6;
			else if (strcmp(s, "udp") == 0)
				n = 17;
			else if (strcmp(s, "icmp") == 0)
				n = 1;
			else if (strcmp(s, "ipv6-icmp") == 0 || strcmp(s, "icmpv6") == 0)
				n = 58;
			else if (strcmp(s, "gre") == 0)
				n = 47;
			else if (strcmp(s, "esp") == 0)
				n = 50;
			else if (strcmp(s, "igmp") == 0)
				n = 2;
		}
		if (n < 0) {
			pc_error(pc, "invalid ip_proto '%s'", arg);
			return -1;
		}
		v = (uint64_t)n;
	}
	snprintf(num, sizeof(num), "%s%llu", pre, (unsigned long long)v);
	return rule_add_u64_cmp(pc, r, "ip_proto", num, 255);
}

static int sameip_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			const void *ctx)
{
	return p->ip_version != 0 && p->src.family == p->dst.family &&
	       memcmp(p->src.bytes, p->dst.bytes, 16) == 0;
}

static int sameip_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_sm(r, LIST_MATCH, kw_lookup("sameip"), NULL) ? 0 : -1;
}

static int ipv4_hdr_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_IPV4_HDR);
}

static int ipv6_hdr_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_IPV6_HDR);
}

static const struct kw_def defs[] = {
    {"ttl", "ip.ttl", "IP time to live / hop limit", ttl_setup, ttl_match, NULL, NULL, 0},
    {"tos", NULL, "IPv4 type of service", tos_setup, tos_match, NULL, NULL, 0},
    {"id", NULL, "IPv4 identification", id_setup, id_match, NULL, NULL, 0},
    {"ipopts", NULL, "IPv4 option present", ipopts_setup, ipopts_match, NULL, NULL, 0},
    {"fragbits", NULL, "IPv4 fragment bits (M D R)", fragbits_setup, fragbits_match, NULL, NULL, 0},
    {"fragoffset", NULL, "IPv4 fragment offset", fragoffset_setup, fragoffset_match, NULL, NULL, 0},
    {"ip_proto", NULL, "IP protocol number or name", ip_proto_setup, ip_proto_match, NULL, NULL, 0},
    {"sameip", NULL, "source equals destination address", sameip_setup, sameip_match, NULL, NULL,
     KW_NOOPT},
    {"ipv4.hdr", NULL, "sticky buffer: IPv4 header", ipv4_hdr_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_STICKY},
    {"ipv6.hdr", NULL, "sticky buffer: IPv6 header", ipv6_hdr_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_STICKY},
};

const struct kw_family kw_family_ipheader = {defs, sizeof(defs) / sizeof(defs[0])};
