/*
 * ipv6 — IPv6 headers and the extension-header chain (RFC 8200):
 * hop-by-hop and destination options, routing, fragment, AH, ESP,
 * mobility/HIP/shim6 (skipped), and the hand-off to transports and to
 * IPv4/IPv6-in-IPv6 tunnels.
 *
 * Reads only the `len` bytes it is given, and of those only the 40-byte
 * header plus the payload length it declares (trailing padding is never
 * payload).  Event semantics follow Suricata's decoder: a header that does
 * not fit is ipv6.trunc_exthdr and stops decoding; duplicates, padding-only
 * option headers, type 0 routing headers and a non-zero fragment reserved
 * byte only warn.  A fragment with offset 0 and no MF flag is "useless"
 * and decoding continues through it; any other fragment is marked (proto
 * 44, as Suricata) and its payload left to defrag.
 */
#include <string.h>

#include "decode/layers.h"

enum {
	IPV6_HDR_LEN = 40,
	FRAG_HDR_LEN = 8,
	AH_HDR_MIN = 12,
	OPT_PAD1 = 0x00,
	OPT_PADN = 0x01,
	OPT_JUMBO = 0xc2,
	OPT_RA = 0x05,
	OPT_HAO = 0xc9,
};

/* State carried along the extension header chain. */
struct ext_walk {
	const uint8_t *d; /* current header */
	uint32_t left;    /* bytes from d to the end of the payload */
	uint8_t nh;       /* type of the header at d */
	int dstopts;      /* destination option headers seen (two are legal) */
	uint32_t seen;    /* IP6_EXT_* */
};

static void ext_skip(struct ext_walk *w, uint32_t hdrlen)
{
	w->nh = w->d[0];
	w->d += hdrlen;
	w->left -= hdrlen;
}

/* Walks the TLV options of a hop-by-hop or destination options header. */
static void ext_options(struct packet *p, const uint8_t *o, uint32_t optslen, bool hop)
{
	unsigned padding = 0, other = 0;
	uint32_t off = 0;
	while (off < optslen) {
		if (o[off] == OPT_PAD1) {
			padding++;
			off++;
			continue;
		}
		if (off + 1 >= optslen) {
			decode_set_invalid(p, DECODE_EV_IPV6_EXTHDR_INVALID_OPTLEN);
			break;
		}
		uint8_t type = o[off], olen = o[off + 1];
		if (off + 1 + olen > optslen) {
			decode_set_invalid(p, DECODE_EV_IPV6_EXTHDR_INVALID_OPTLEN);
			break;
		}
		uint8_t need = 0; /* minimum data length of options with a known layout */
		switch (type) {
		case OPT_PADN:
			padding++;
			if (olen == 0)
				decode_set_event(p, DECODE_EV_IPV6_ZERO_LEN_PADN);
			break;
		case OPT_RA: need = 2; break;
		case OPT_JUMBO: need = 4; break;
		case OPT_HAO: need = 16; break;
		default:
			decode_set_event(p, hop ? DECODE_EV_IPV6_HOPOPTS_UNKNOWN_OPT
						: DECODE_EV_IPV6_DSTOPTS_UNKNOWN_OPT);
			other++;
			break;
		}
		if (need != 0) {
			if (olen < need) {
				decode_set_invalid(p, DECODE_EV_IPV6_EXTHDR_INVALID_OPTLEN);
				break;
			}
			/* Suricata does not count a jumbo option as "other": a
			 * header of jumbo and padding is still padding-only. */
			if (type != OPT_JUMBO)
				other++;
		}
		off += 2u + olen;
	}
	if (padding > 0 && other == 0)
		decode_set_event(p, hop ? DECODE_EV_IPV6_HOPOPTS_ONLY_PADDING
					: DECODE_EV_IPV6_DSTOPTS_ONLY_PADDING);
}

/* Returns false when decoding must stop. */
static bool ext_hop_dst(struct packet *p, struct ext_walk *w)
{
	bool hop = w->nh == IPPROTO_NUM_HOPOPTS;
	uint32_t hdrlen = (w->d[1] + 1u) * 8u;
	if (hdrlen > w->left) {
		decode_set_invalid(p, DECODE_EV_IPV6_TRUNC_EXTHDR);
		return false;
	}
	if (hop) {
		if (w->seen & IP6_EXT_HOPOPTS) {
			decode_set_event(p, DECODE_EV_IPV6_EXTHDR_DUPL_HH);
			ext_skip(w, hdrlen);
			return true;
		}
		w->seen |= IP6_EXT_HOPOPTS;
	} else {
		if (w->dstopts >= 2) {
			decode_set_event(p, DECODE_EV_IPV6_EXTHDR_DUPL_DH);
			ext_skip(w, hdrlen);
			return true;
		}
		w->dstopts++;
		w->seen |= IP6_EXT_DSTOPTS;
	}
	ext_options(p, w->d + 2, hdrlen - 2, hop);
	ext_skip(w, hdrlen);
	return true;
}

static bool ext_routing(struct packet *p, struct ext_walk *w)
{
	uint32_t hdrlen = 8u + w->d[1] * 8u;
	if (hdrlen > w->left) {
		decode_set_invalid(p, DECODE_EV_IPV6_TRUNC_EXTHDR);
		return false;
	}
	if (w->seen & IP6_EXT_ROUTING) {
		decode_set_event(p, DECODE_EV_IPV6_EXTHDR_DUPL_RH);
	} else {
		w->seen |= IP6_EXT_ROUTING;
		if (w->d[2] == 0)
			decode_set_event(p, DECODE_EV_IPV6_RH_TYPE_0);
	}
	ext_skip(w, hdrlen);
	return true;
}

static bool ext_ah(struct packet *p, struct ext_walk *w)
{
	uint32_t hdrlen = AH_HDR_MIN;
	if (w->d[1] > 0)
		hdrlen += (w->d[1] - 1u) * 4u;
	if (hdrlen > w->left) {
		decode_set_invalid(p, DECODE_EV_IPV6_TRUNC_EXTHDR);
		return false;
	}
	if (rd16(w->d + 2) != 0)
		decode_set_event(p, DECODE_EV_IPV6_EXTHDR_AH_RES_NOT_NULL);
	if (w->seen & IP6_EXT_AH)
		decode_set_event(p, DECODE_EV_IPV6_EXTHDR_DUPL_AH);
	w->seen |= IP6_EXT_AH;
	ext_skip(w, hdrlen);
	return true;
}

/* Returns false when decoding stops here (a real fragment or an error). */
static bool ext_fragment(struct packet *p, struct decode_stats *st, struct ext_walk *w)
{
	if (FRAG_HDR_LEN > w->left) {
		decode_set_invalid(p, DECODE_EV_IPV6_TRUNC_EXTHDR);
		return false;
	}
	if (w->d[1] != 0)
		decode_set_event(p, DECODE_EV_IPV6_FH_NON_ZERO_RESERVED_FIELD);
	if (w->seen & IP6_EXT_FRAGMENT) {
		decode_set_event(p, DECODE_EV_IPV6_EXTHDR_DUPL_FH);
		ext_skip(w, FRAG_HDR_LEN);
		return true;
	}
	w->seen |= IP6_EXT_FRAGMENT;
	uint16_t off = rd16(w->d + 2);
	p->ip6.frag_hdr = w->d;
	p->frag_offset = (uint16_t)(off & 0xfff8);
	p->frag_flags = (off & 0x0001) ? FRAG_MF : 0;
	p->ip_id = rd32(w->d + 4);
	if (p->frag_offset == 0 && !(p->frag_flags & FRAG_MF)) {
		decode_set_event(p, DECODE_EV_IPV6_EXTHDR_USELESS_FH);
		ext_skip(w, FRAG_HDR_LEN);
		return true;
	}
	/* Every fragment but the last carries a multiple of 8 bytes; like
	 * Suricata this only warns, the fragment still goes to defrag. */
	if ((p->frag_flags & FRAG_MF) && (w->left - FRAG_HDR_LEN) % 8 != 0)
		decode_set_event(p, DECODE_EV_IPV6_FRAG_INVALID_LENGTH);
	p->is_fragment = true;
	st->frag_ipv6++;
	return false; /* p->proto stays 44, as Suricata's fragment packets */
}

static void ipv6_tunnel(struct packet *p, struct decode_stats *st, const uint8_t *d,
			uint32_t len, bool inner_v4)
{
	if (inner_v4) {
		if (len < 20) {
			decode_set_invalid(p, DECODE_EV_IPV6_IPV4_IN_IPV6_TOO_SMALL);
			return;
		}
		if ((d[0] >> 4) != 4) {
			decode_set_invalid(p, DECODE_EV_IPV6_IPV4_IN_IPV6_WRONG_VERSION);
			return;
		}
		if (decode_set_tunnel(p, st, d, len, LINKTYPE_INNER_IPV4, PKT_SRC_TUNNEL_IPV6))
			st->ipv4_in_ipv6++;
		return;
	}
	if (len < IPV6_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_IPV6_IPV6_IN_IPV6_TOO_SMALL);
		return;
	}
	if ((d[0] >> 4) != 6) {
		decode_set_invalid(p, DECODE_EV_IPV6_IPV6_IN_IPV6_WRONG_VERSION);
		return;
	}
	if (decode_set_tunnel(p, st, d, len, LINKTYPE_INNER_IPV6, PKT_SRC_TUNNEL_IPV6))
		st->ipv6_in_ipv6++;
}

/* An upper-layer header (or tunnel) at w->d: decode it and stop. */
static void ipv6_upper(struct packet *p, struct decode_stats *st, struct ext_walk *w)
{
	p->proto = w->nh;
	p->ip_hdr_len = (uint16_t)(w->d - p->ip_hdr);
	/* Past an extension header Suricata wants 2 bytes of any next header. */
	if (w->seen != 0 && w->left < 2) {
		decode_set_invalid(p, DECODE_EV_IPV6_TRUNC_EXTHDR);
		return;
	}
	/* Suricata follows GRE and IPv6-in-IPv6 only right after the fixed
	 * header; past extension headers they are unknown next headers. */
	bool after_ext = w->seen != 0;
	switch (w->nh) {
	case IPPROTO_NUM_TCP: decode_tcp(p, st, w->d, w->left); return;
	case IPPROTO_NUM_UDP: decode_udp(p, st, w->d, w->left); return;
	case IPPROTO_NUM_ICMPV6: decode_icmpv6(p, st, w->d, w->left); return;
	case IPPROTO_NUM_SCTP: decode_sctp(p, st, w->d, w->left); return;
	case IPPROTO_NUM_GRE:
		if (after_ext)
			break;
		decode_gre(p, st, w->d, w->left);
		return;
	case IPPROTO_NUM_IPIP: ipv6_tunnel(p, st, w->d, w->left, true); return;
	case IPPROTO_NUM_IPV6:
		if (after_ext)
			break;
		ipv6_tunnel(p, st, w->d, w->left, false);
		return;
	case IPPROTO_NUM_ICMP: decode_set_event(p, DECODE_EV_IPV6_ICMPV4); return;
	default: break;
	}
	decode_set_event(p, DECODE_EV_IPV6_UNKNOWN_NEXT_HEADER);
}

static bool is_ext_header(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_NUM_HOPOPTS:
	case IPPROTO_NUM_ROUTING:
	case IPPROTO_NUM_FRAGMENT:
	case IPPROTO_NUM_ESP:
	case IPPROTO_NUM_AH:
	case IPPROTO_NUM_DSTOPTS:
	case IPPROTO_NUM_MH:
	case IPPROTO_NUM_HIP:
	case IPPROTO_NUM_SHIM6:
	case IPPROTO_NUM_NONE: return true;
	default: return false;
	}
}

/* One extension header; returns false when the walk ends. */
static bool ipv6_ext_step(struct packet *p, struct decode_stats *st, struct ext_walk *w)
{
	if (w->nh == IPPROTO_NUM_NONE) {
		w->seen |= IP6_EXT_NONE;
		p->proto = w->nh;
		if (w->left > 0)
			decode_set_event(p, DECODE_EV_IPV6_DATA_AFTER_NONE_HEADER);
		return false;
	}
	p->proto = w->nh; /* as Suricata: the last header looked at */
	if (w->left < 2) {
		decode_set_invalid(p, DECODE_EV_IPV6_TRUNC_EXTHDR);
		return false;
	}
	switch (w->nh) {
	case IPPROTO_NUM_HOPOPTS:
	case IPPROTO_NUM_DSTOPTS: return ext_hop_dst(p, w);
	case IPPROTO_NUM_ROUTING: return ext_routing(p, w);
	case IPPROTO_NUM_FRAGMENT: return ext_fragment(p, st, w);
	case IPPROTO_NUM_AH: return ext_ah(p, w);
	case IPPROTO_NUM_ESP:
		st->esp++;
		if (w->seen & IP6_EXT_ESP)
			decode_set_event(p, DECODE_EV_IPV6_EXTHDR_DUPL_EH);
		w->seen |= IP6_EXT_ESP;
		p->proto = w->nh;
		return false; /* encrypted: nothing more to read */
	default: {
		/* Mobility, HIP, shim6: skipped by their length. */
		uint32_t hdrlen = 8u + w->d[1] * 8u;
		if (hdrlen > w->left) {
			decode_set_invalid(p, DECODE_EV_IPV6_TRUNC_EXTHDR);
			return false;
		}
		w->seen |= w->nh == IPPROTO_NUM_MH    ? IP6_EXT_MH
			   : w->nh == IPPROTO_NUM_HIP ? IP6_EXT_HIP
						      : IP6_EXT_SHIM6;
		ext_skip(w, hdrlen);
		return true;
	}
	}
}

void decode_ipv6(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->ipv6++;
	if (len < IPV6_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_IPV6_PKT_TOO_SMALL);
		return;
	}
	if ((d[0] >> 4) != 6) {
		decode_set_invalid(p, DECODE_EV_IPV6_WRONG_IP_VERSION);
		return;
	}
	uint32_t plen = rd16(d + 4);
	if (len < IPV6_HDR_LEN + plen) {
		decode_set_invalid(p, DECODE_EV_IPV6_TRUNC_PKT);
		return;
	}
	p->ip_version = 6;
	p->ip_hdr = d;
	p->ip_hdr_len = IPV6_HDR_LEN;
	p->ip_len = IPV6_HDR_LEN + plen;
	p->tos = (uint8_t)((rd16(d) >> 4) & 0xff);
	p->ip6.flow_label = rd32(d) & 0x000fffff;
	p->ttl = d[7];
	p->src.family = 6;
	memcpy(p->src.bytes, d + 8, 16);
	p->dst.family = 6;
	memcpy(p->dst.bytes, d + 24, 16);

	struct ext_walk w = {.d = d + IPV6_HDR_LEN, .left = plen, .nh = d[6]};
	p->proto = w.nh;
	while (is_ext_header(w.nh)) {
		bool more = ipv6_ext_step(p, st, &w);
		p->ip6.exthdrs = w.seen;
		p->ip_hdr_len = (uint16_t)(w.d - d);
		if (!more)
			return;
	}
	ipv6_upper(p, st, &w);
}
