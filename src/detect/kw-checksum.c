/*
 * kw-checksum.c — ipv4-csum, tcpv4-csum, tcpv6-csum, udpv4-csum,
 * udpv6-csum, icmpv4-csum, icmpv6-csum: `valid` or `invalid`.
 *
 * The checksums are computed by the decode stage's public helpers
 * (decode.h), independently of -k; a packet of another protocol or IP
 * version never matches.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

enum { CS_IPV4, CS_TCPV4, CS_TCPV6, CS_UDPV4, CS_UDPV6, CS_ICMPV4, CS_ICMPV6 };

struct csum_ctx {
	int kind;
	bool want_valid;
};

static bool l4_ok(const struct packet *p, uint8_t ver, uint8_t proto)
{
	return p->ip_version == ver && p->proto == proto && p->l4_hdr != NULL && !p->is_fragment;
}

static int csum_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		      const void *ctx)
{
	const struct csum_ctx *c = ctx;
	bool ok;
	switch (c->kind) {
	case CS_IPV4:
		if (p->ip_version != 4)
			return 0;
		ok = decode_ipv4_checksum_ok(p);
		break;
	case CS_TCPV4:
	case CS_TCPV6:
		if (!l4_ok(p, c->kind == CS_TCPV4 ? 4 : 6, 6))
			return 0;
		ok = decode_tcp_checksum_ok(p);
		break;
	case CS_UDPV4:
	case CS_UDPV6:
		if (!l4_ok(p, c->kind == CS_UDPV4 ? 4 : 6, 17))
			return 0;
		ok = decode_udp_checksum_ok(p);
		break;
	case CS_ICMPV4:
		if (!l4_ok(p, 4, 1))
			return 0;
		ok = decode_icmpv4_checksum_ok(p);
		break;
	default:
		if (!l4_ok(p, 6, 58))
			return 0;
		ok = decode_icmpv6_checksum_ok(p);
		break;
	}
	return ok == c->want_valid;
}

static int csum_setup_kind(struct parse_ctx *pc, struct rule *r, const char *arg, int kind,
			   const char *kw)
{
	bool valid;
	if (strcmp(arg, "valid") == 0)
		valid = true;
	else if (strcmp(arg, "invalid") == 0)
		valid = false;
	else {
		pc_error(pc, "invalid %s '%s' (valid or invalid)", kw, arg);
		return -1;
	}
	struct csum_ctx *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	c->kind = kind;
	c->want_valid = valid;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

#define CSUM_SETUP(fn, kind, kw)                                                                   \
	static int fn(struct parse_ctx *pc, struct rule *r, const char *arg)                       \
	{                                                                                          \
		return csum_setup_kind(pc, r, arg, kind, kw);                                      \
	}
CSUM_SETUP(ipv4_setup, CS_IPV4, "ipv4-csum")
CSUM_SETUP(tcpv4_setup, CS_TCPV4, "tcpv4-csum")
CSUM_SETUP(tcpv6_setup, CS_TCPV6, "tcpv6-csum")
CSUM_SETUP(udpv4_setup, CS_UDPV4, "udpv4-csum")
CSUM_SETUP(udpv6_setup, CS_UDPV6, "udpv6-csum")
CSUM_SETUP(icmpv4_setup, CS_ICMPV4, "icmpv4-csum")
CSUM_SETUP(icmpv6_setup, CS_ICMPV6, "icmpv6-csum")

static const struct kw_def defs[] = {
    {"ipv4-csum", NULL, "IPv4 header checksum valid/invalid", ipv4_setup, csum_match, NULL, NULL,
     KW_QUOTES_OK},
    {"tcpv4-csum", NULL, "TCP/IPv4 checksum valid/invalid", tcpv4_setup, csum_match, NULL, NULL,
     KW_QUOTES_OK},
    {"tcpv6-csum", NULL, "TCP/IPv6 checksum valid/invalid", tcpv6_setup, csum_match, NULL, NULL,
     KW_QUOTES_OK},
    {"udpv4-csum", NULL, "UDP/IPv4 checksum valid/invalid", udpv4_setup, csum_match, NULL, NULL,
     KW_QUOTES_OK},
    {"udpv6-csum", NULL, "UDP/IPv6 checksum valid/invalid", udpv6_setup, csum_match, NULL, NULL,
     KW_QUOTES_OK},
    {"icmpv4-csum", NULL, "ICMPv4 checksum valid/invalid", icmpv4_setup, csum_match, NULL, NULL,
     KW_QUOTES_OK},
    {"icmpv6-csum", NULL, "ICMPv6 checksum valid/invalid", icmpv6_setup, csum_match, NULL, NULL,
     KW_QUOTES_OK},
};

const struct kw_family kw_family_checksum = {defs, sizeof(defs) / sizeof(defs[0])};
