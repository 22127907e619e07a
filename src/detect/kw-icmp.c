/*
 * kw-icmp.c — ICMP keywords: itype icode icmp_id icmp_seq icmpv6.mtu and
 * the icmpv4.hdr / icmpv6.hdr sticky buffers.  They match ICMPv4 and
 * ICMPv6 packets alike (Suricata's `icmp` covers both), never fragments.
 */
#include <stdlib.h>

#include "detect/detect-internal.h"

static bool is_icmp(const struct packet *p)
{
	return (p->proto == 1 || p->proto == 58) && p->l4_hdr != NULL && !p->is_fragment;
}

static int itype_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	return is_icmp(p) && u64_cmp_match(ctx, p->icmp.type);
}

static int itype_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "itype", arg, 255);
}

static int icode_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	return is_icmp(p) && u64_cmp_match(ctx, p->icmp.code);
}

static int icode_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "icode", arg, 255);
}

static int icmp_id_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	return is_icmp(p) && p->icmp.has_id && u64_cmp_match(ctx, p->icmp.id);
}

static int icmp_id_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "icmp_id", arg, 65535);
}

static int icmp_seq_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			  const void *ctx)
{
	return is_icmp(p) && p->icmp.has_id && u64_cmp_match(ctx, p->icmp.seq);
}

static int icmp_seq_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "icmp_seq", arg, 65535);
}

static int mtu_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	/* Only Packet Too Big (type 2) carries an MTU. */
	if (p->proto != 58 || p->l4_hdr == NULL || p->icmp.type != 2)
		return 0;
	uint32_t mtu = (uint32_t)p->icmp.mtu_hi << 16 | p->icmp.mtu_lo;
	return u64_cmp_match(ctx, mtu);
}

static int mtu_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "icmpv6.mtu", arg, UINT32_MAX);
}

static int icmpv4_hdr_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_ICMPV4_HDR);
}

static int icmpv6_hdr_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_ICMPV6_HDR);
}

static const struct kw_def defs[] = {
    {"itype", NULL, "ICMP type", itype_setup, itype_match, NULL, NULL, 0},
    {"icode", NULL, "ICMP code", icode_setup, icode_match, NULL, NULL, 0},
    {"icmp_id", NULL, "ICMP echo/timestamp id", icmp_id_setup, icmp_id_match, NULL, NULL, 0},
    {"icmp_seq", NULL, "ICMP echo/timestamp sequence", icmp_seq_setup, icmp_seq_match, NULL, NULL,
     0},
    {"icmpv6.mtu", NULL, "ICMPv6 packet-too-big MTU", mtu_setup, mtu_match, NULL, NULL, 0},
    {"icmpv4.hdr", NULL, "sticky buffer: ICMPv4 header", icmpv4_hdr_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_STICKY},
    {"icmpv6.hdr", NULL, "sticky buffer: ICMPv6 header", icmpv6_hdr_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_STICKY},
};

const struct kw_family kw_family_icmp = {defs, sizeof(defs) / sizeof(defs[0])};
