/*
 * icmpv4 — ICMP for IPv4 (RFC 792): type/code validation, echo-style
 * id/sequence, and the original datagram quoted by error messages
 * (addresses, protocol and ports into p->icmp.inner_*).
 *
 * Reads only the `len` bytes it is given.  As Suricata: fewer than 8 bytes
 * is icmpv4.pkt_too_small; an unlisted type is icmpv4.unknown_type, a code
 * out of range for its type icmpv4.unknown_code; a quoted datagram shorter
 * than an IPv4 header is icmpv4.ipv4_trunc_pkt and one of another version
 * icmpv4.ipv4_unknown_ver (both make the packet invalid); a router
 * advertisement whose address list does not fit is icmpv4.ipv4_trunc_pkt
 * too, as a warning.
 */
#include <string.h>

#include "decode/layers.h"

enum { ICMP_HDR_LEN = 8, IPV4_HDR_LEN = 20 };

/* Largest code Suricata accepts for a type, -1 for an unknown type. */
static int icmpv4_max_code(uint8_t type)
{
	switch (type) {
	case 0:  /* echo reply */
	case 4:  /* source quench */
	case 8:  /* echo request */
	case 10: /* router solicitation */
	case 12: /* parameter problem: Suricata only knows code 0 */
	case 13: /* timestamp */
	case 14:
	case 15: /* information */
	case 16:
	case 17: /* address mask */
	case 18: return 0;
	case 3: return 15;  /* destination unreachable */
	case 5: return 3;   /* redirect */
	case 9: return 255; /* router advertisement: no code check */
	case 11: return 1;  /* time exceeded */
	default: return -1;
	}
}

static bool icmpv4_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static void icmpv4_inner(struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < IPV4_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_ICMPV4_IPV4_TRUNC_PKT);
		return;
	}
	if ((d[0] >> 4) != 4) {
		decode_set_invalid(p, DECODE_EV_ICMPV4_IPV4_UNKNOWN_VER);
		return;
	}
	struct icmp_info *ic = &p->icmp;
	uint32_t hlen = (d[0] & 0x0fu) * 4u;
	ic->has_inner = true;
	ic->inner_proto = d[9];
	ic->inner_src.family = 4;
	memcpy(ic->inner_src.bytes, d + 12, 4);
	ic->inner_dst.family = 4;
	memcpy(ic->inner_dst.bytes, d + 16, 4);
	/* TCP ports need only their 4 bytes (errors quote 8); UDP its header. */
	uint32_t need = ic->inner_proto == IPPROTO_NUM_TCP   ? 4
			: ic->inner_proto == IPPROTO_NUM_UDP ? 8
							     : 0;
	if (need != 0 && hlen >= IPV4_HDR_LEN && len >= hlen + need) {
		ic->inner_sp = rd16(d + hlen);
		ic->inner_dp = rd16(d + hlen + 2);
	}
}

/* Router advertisement: the address list must fit (number x entry size). */
static void icmpv4_router_advert(struct packet *p, const uint8_t *d, uint32_t len)
{
	uint32_t list = (uint32_t)d[4] * d[5] * 4u;
	if (len < ICMP_HDR_LEN + list)
		decode_set_event(p, DECODE_EV_ICMPV4_IPV4_TRUNC_PKT);
}

void decode_icmpv4(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->icmpv4++;
	if (len < ICMP_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_ICMPV4_PKT_TOO_SMALL);
		return;
	}
	struct icmp_info *ic = &p->icmp;
	*ic = (struct icmp_info){0};
	ic->type = d[0];
	ic->code = d[1];
	p->l4_hdr = d;
	p->l4_len = len;
	p->payload = d + ICMP_HDR_LEN;
	p->payload_len = len - ICMP_HDR_LEN;

	int max = icmpv4_max_code(ic->type);
	if (max < 0) {
		decode_set_event(p, DECODE_EV_ICMPV4_UNKNOWN_TYPE);
		return;
	}
	if (!icmpv4_is_error(ic->type) && ic->type != 9 && ic->type != 10) {
		ic->has_id = true;
		ic->id = rd16(d + 4);
		ic->seq = rd16(d + 6);
	}
	if (ic->code > max) {
		decode_set_event(p, DECODE_EV_ICMPV4_UNKNOWN_CODE);
		return;
	}
	if (ic->type == 9) {
		icmpv4_router_advert(p, d, len);
		return;
	}
	/* Source quench is parsed even with nothing quoted; the others need
	 * at least one quoted byte (Suricata's quirk, kept for its events). */
	if (icmpv4_is_error(ic->type) && (len > ICMP_HDR_LEN || ic->type == 4))
		icmpv4_inner(p, d + ICMP_HDR_LEN, len - ICMP_HDR_LEN);
}
