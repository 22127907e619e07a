/*
 * icmpv6 — ICMP for IPv6 (RFC 4443 and the neighbour discovery / MLD
 * family): type/code validation, echo id/sequence, packet-too-big MTU, and
 * the original datagram quoted by error messages (p->icmp.inner_*).
 *
 * Reads only the `len` bytes it is given.  Event semantics follow
 * Suricata: fewer than 8 bytes is icmpv6.pkt_too_small; MLD messages must
 * arrive with hop limit 1; types 100, 101, 200 and 201 are
 * icmpv6.experimentation_type, IANA-unassigned ranges
 * icmpv6.unassigned_type, anything else unlisted icmpv6.unknown_type.  A
 * quoted datagram that is cut or not IPv6 makes the packet invalid.
 */
#include <string.h>

#include "decode/layers.h"

enum { ICMP6_HDR_LEN = 8, IPV6_HDR_LEN = 40 };

/* Largest valid code for a known type, -1 when the type is not listed. */
static int icmpv6_max_code(uint8_t type)
{
	switch (type) {
	case 1: return 6;   /* destination unreachable */
	case 2: return 0;   /* packet too big */
	case 3: return 1;   /* time exceeded */
	case 4: return 2;   /* parameter problem */
	case 128:           /* echo request */
	case 129:           /* echo reply */
	case 130:           /* MLD query */
	case 131:           /* MLD report */
	case 132:           /* MLD done */
	case 133:           /* router solicitation */
	case 134:           /* router advertisement */
	case 135:           /* neighbour solicitation */
	case 136:           /* neighbour advertisement */
	case 137:           /* redirect */
	case 141:           /* inverse ND */
	case 142:
	case 143:           /* MLDv2 report */
	case 144:           /* home agent discovery, mobile prefix */
	case 145:
	case 146:
	case 147:
	case 148:           /* certification path */
	case 149:
	case 150:           /* experimental mobility */
	case 151:           /* multicast router advertisement/solicitation/termination */
	case 152:
	case 153:
	case 154:           /* FMIPv6 */
	case 155:           /* RPL control */
	case 156:           /* ILNPv6 locator update */
	case 157:           /* duplicate address request/confirmation */
	case 158:
	case 159:           /* MPL control */
	case 160:           /* extended echo request/reply */
	case 161: return 0;
	case 138: return 255; /* router renumbering: 0, 1, 2, 255 */
	case 139:             /* node information */
	case 140: return 2;
	default: return -1;
	}
}

static bool icmpv6_is_mld(uint8_t type)
{
	return type == 130 || type == 131 || type == 132 || type == 143;
}

static void icmpv6_unlisted(struct packet *p, uint8_t type)
{
	if (type == 100 || type == 101 || type == 200 || type == 201)
		decode_set_event(p, DECODE_EV_ICMPV6_EXPERIMENTATION_TYPE);
	else if ((type > 4 && type < 100) || (type > 101 && type < 127) ||
		 (type > 161 && type < 200) || (type > 201 && type < 255))
		decode_set_event(p, DECODE_EV_ICMPV6_UNASSIGNED_TYPE);
	else
		decode_set_event(p, DECODE_EV_ICMPV6_UNKNOWN_TYPE);
}

static void icmpv6_inner(struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < IPV6_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_ICMPV6_IPV6_TRUNC_PKT);
		return;
	}
	if ((d[0] >> 4) != 6) {
		decode_set_invalid(p, DECODE_EV_ICMPV6_IPV6_UNKNOWN_VERSION);
		return;
	}
	struct icmp_info *ic = &p->icmp;
	ic->has_inner = true;
	ic->inner_proto = d[6];
	ic->inner_src.family = 6;
	memcpy(ic->inner_src.bytes, d + 8, 16);
	ic->inner_dst.family = 6;
	memcpy(ic->inner_dst.bytes, d + 24, 16);
	/* Ports only from a whole quoted TCP (20) or UDP (8) header, as Suricata. */
	uint32_t need = ic->inner_proto == IPPROTO_NUM_TCP   ? 20
			: ic->inner_proto == IPPROTO_NUM_UDP ? 8
							     : 0;
	if (need != 0 && len >= IPV6_HDR_LEN + need) {
		ic->inner_sp = rd16(d + IPV6_HDR_LEN);
		ic->inner_dp = rd16(d + IPV6_HDR_LEN + 2);
	}
}

static bool icmpv6_code_ok(uint8_t type, uint8_t code, int max)
{
	if (type == 138)
		return code <= 2 || code == 255;
	return code <= max;
}

void decode_icmpv6(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->icmpv6++;
	if (len < ICMP6_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_ICMPV6_PKT_TOO_SMALL);
		return;
	}
	struct icmp_info *ic = &p->icmp;
	*ic = (struct icmp_info){0};
	ic->type = d[0];
	ic->code = d[1];
	p->l4_hdr = d;
	p->l4_len = len;
	p->payload = d + ICMP6_HDR_LEN;
	p->payload_len = len - ICMP6_HDR_LEN;

	int max = icmpv6_max_code(ic->type);
	if (max < 0) {
		icmpv6_unlisted(p, ic->type);
		return;
	}
	if (!icmpv6_code_ok(ic->type, ic->code, max)) {
		decode_set_event(p, DECODE_EV_ICMPV6_UNKNOWN_CODE);
		return;
	}
	if (icmpv6_is_mld(ic->type) && p->ip_version == 6 && p->ttl != 1)
		decode_set_event(p, DECODE_EV_ICMPV6_MLD_MESSAGE_WITH_INVALID_HL);
	if (ic->type == 2) {
		ic->mtu_hi = rd16(d + 4);
		ic->mtu_lo = rd16(d + 6);
	}
	if (ic->type >= 1 && ic->type <= 4)
		icmpv6_inner(p, d + ICMP6_HDR_LEN, len - ICMP6_HDR_LEN);
	else if (ic->type == 128 || ic->type == 129) {
		ic->has_id = true;
		ic->id = rd16(d + 4);
		ic->seq = rd16(d + 6);
	}
}
