/*
 * ipv4 — IPv4 headers and options (RFC 791), and the hand-off to the
 * transport decoders and to IP-in-IP (4) and IPv6-in-IPv4 (41) tunnels.
 *
 * Reads only the `len` bytes it is given, and of those only the first
 * total-length bytes: Ethernet padding after the datagram is never taken
 * as payload.  Checks run in Suricata's order (pkt_too_small,
 * wrong_ip_version, hlen_too_small, iplen_smaller_than_hlen, trunc_pkt);
 * option errors follow Suricata's decoder too: a bad option length makes
 * the packet invalid, while padding, duplicate and unknown options only
 * warn.  Fragments (offset or MF set) are marked and their payload is
 * left to defrag: no L4 decoding, not even for the first fragment.
 */
#include <string.h>

#include "decode/layers.h"

enum {
	IPV4_HDR_LEN = 20,
	OPT_EOL = 0x00,
	OPT_NOP = 0x01,
	OPT_RR = 0x07,
	OPT_QS = 0x19,
	OPT_TS = 0x44,
	OPT_SEC = 0x82,
	OPT_LSRR = 0x83,
	OPT_ESEC = 0x85,
	OPT_CIPSO = 0x86,
	OPT_SID = 0x88,
	OPT_SSRR = 0x89,
	OPT_RTRALT = 0x94,
};

/* One option as found: type, total length (incl. type and length), data. */
struct ip4_opt {
	uint8_t type, len;
	const uint8_t *data; /* len - 2 bytes */
};

static bool opt_route_ok(struct packet *p, const struct ip4_opt *o)
{
	if (o->len < 3) {
		decode_set_invalid(p, DECODE_EV_IPV4_OPT_INVALID_LEN);
		return false;
	}
	/* 1-based pointer past type, len and itself, in steps of 4. */
	uint8_t ptr = o->data[0];
	if (ptr < 4 || ptr % 4 != 0 || ptr > o->len + 1) {
		decode_set_invalid(p, DECODE_EV_IPV4_OPT_MALFORMED);
		return false;
	}
	return true;
}

static bool opt_timestamp_ok(struct packet *p, const struct ip4_opt *o)
{
	if (o->len < 5) {
		decode_set_invalid(p, DECODE_EV_IPV4_OPT_INVALID_LEN);
		return false;
	}
	uint8_t ptr = o->data[0];
	if (ptr < 5) {
		decode_set_invalid(p, DECODE_EV_IPV4_OPT_MALFORMED);
		return false;
	}
	uint8_t flag = o->data[1] & 0x0f;
	unsigned rec = (flag == 1 || flag == 3) ? 8 : 4;
	if ((ptr - 5) % rec != 0 || ptr > o->len + 1) {
		decode_set_invalid(p, DECODE_EV_IPV4_OPT_MALFORMED);
		return false;
	}
	return true;
}

static bool opt_cipso_ok(struct packet *p, const struct ip4_opt *o)
{
	if (o->len < 10) {
		decode_set_invalid(p, DECODE_EV_IPV4_OPT_INVALID_LEN);
		return false;
	}
	const uint8_t *tag = o->data + 4; /* past the 4-byte DOI */
	uint32_t left = o->len - 6u;
	while (left > 0) {
		if (left < 2) {
			decode_set_invalid(p, DECODE_EV_IPV4_OPT_MALFORMED);
			return false;
		}
		uint8_t ttype = tag[0], tlen = tag[1];
		bool known = ttype == 1 || ttype == 2 || ttype == 5 || ttype == 6 || ttype == 7;
		if (!known || tlen < 4 || tlen > left) {
			decode_set_invalid(p, DECODE_EV_IPV4_OPT_MALFORMED);
			return false;
		}
		/* All but tag 7 carry a zero alignment octet. */
		if (ttype != 7 && tag[2] != 0) {
			decode_set_invalid(p, DECODE_EV_IPV4_OPT_MALFORMED);
			return false;
		}
		tag += tlen;
		left -= tlen;
	}
	return true;
}

/* Options with a fixed or minimum length only. */
static bool opt_length_ok(struct packet *p, const struct ip4_opt *o)
{
	bool ok;
	switch (o->type) {
	case OPT_QS: ok = o->len >= 8; break;
	case OPT_SEC: ok = o->len == 11; break;
	case OPT_ESEC: ok = o->len >= 3; break;
	case OPT_SID: ok = o->len == 4; break;
	case OPT_RTRALT: ok = o->len == 4; break;
	default: decode_set_invalid(p, DECODE_EV_IPV4_OPT_UNKNOWN); return false;
	}
	if (!ok)
		decode_set_invalid(p, DECODE_EV_IPV4_OPT_INVALID_LEN);
	return ok;
}

static uint16_t opt_flag(uint8_t type)
{
	switch (type) {
	case OPT_RR: return IP4_OPT_RR;
	case OPT_LSRR: return IP4_OPT_LSRR;
	case OPT_SSRR: return IP4_OPT_SSRR;
	case OPT_TS: return IP4_OPT_TS;
	case OPT_SEC: return IP4_OPT_SEC;
	case OPT_ESEC: return IP4_OPT_ESEC;
	case OPT_SID: return IP4_OPT_SATID;
	case OPT_RTRALT: return IP4_OPT_RTRALT;
	case OPT_CIPSO: return IP4_OPT_CIPSO;
	case OPT_QS: return IP4_OPT_QS;
	default: return 0;
	}
}

static bool opt_valid(struct packet *p, const struct ip4_opt *o)
{
	switch (o->type) {
	case OPT_RR:
	case OPT_LSRR:
	case OPT_SSRR: return opt_route_ok(p, o);
	case OPT_TS: return opt_timestamp_ok(p, o);
	case OPT_CIPSO: return opt_cipso_ok(p, o);
	default: return opt_length_ok(p, o);
	}
}

/* Returns false when an option makes the packet invalid. */
static bool decode_ipv4_options(struct packet *p, const uint8_t *o, uint32_t len)
{
	uint16_t seen = 0;
	p->ip4.opts |= IP4_OPT_ANY;
	if (len % 8 != 0)
		decode_set_event(p, DECODE_EV_IPV4_OPT_PAD_REQUIRED);
	while (len > 0) {
		if (o[0] == OPT_EOL) {
			p->ip4.opts |= IP4_OPT_EOL;
			break;
		}
		if (o[0] == OPT_NOP) {
			p->ip4.opts |= IP4_OPT_NOP;
			o++;
			len--;
			continue;
		}
		if (len < 2) {
			decode_set_event(p, DECODE_EV_IPV4_OPT_EOL_REQUIRED);
			break;
		}
		struct ip4_opt opt = {o[0], o[1], o + 2};
		if (opt.len > len || opt.len < 2) {
			decode_set_invalid(p, DECODE_EV_IPV4_OPT_INVALID_LEN);
			return false;
		}
		uint16_t flag = opt_flag(opt.type);
		if (flag == 0) {
			decode_set_event(p, DECODE_EV_IPV4_OPT_INVALID);
		} else if (seen & flag) {
			decode_set_event(p, DECODE_EV_IPV4_OPT_DUPLICATE);
		} else if (opt_valid(p, &opt)) {
			seen |= flag;
			p->ip4.opts |= flag;
		}
		o += opt.len;
		len -= opt.len;
	}
	return !p->invalid;
}

static void ipv4_tunnel(struct packet *p, struct decode_stats *st, const uint8_t *d,
			uint32_t len, int linktype)
{
	decode_set_tunnel(p, st, d, len, linktype, PKT_SRC_TUNNEL_IPV4);
}

/* Transport and tunnel dispatch for an unfragmented datagram. */
static void ipv4_payload(struct packet *p, struct decode_stats *st, const uint8_t *d,
			 uint32_t len)
{
	switch (p->proto) {
	case IPPROTO_NUM_TCP: decode_tcp(p, st, d, len); return;
	case IPPROTO_NUM_UDP: decode_udp(p, st, d, len); return;
	case IPPROTO_NUM_ICMP: decode_icmpv4(p, st, d, len); return;
	case IPPROTO_NUM_GRE: decode_gre(p, st, d, len); return;
	case IPPROTO_NUM_SCTP: decode_sctp(p, st, d, len); return;
	case IPPROTO_NUM_IPV6:
		st->ipv6_in_ipv4++;
		ipv4_tunnel(p, st, d, len, LINKTYPE_INNER_IPV6);
		return;
	case IPPROTO_NUM_IPIP:
		st->ipv4_in_ipv4++;
		ipv4_tunnel(p, st, d, len, LINKTYPE_INNER_IPV4);
		return;
	case IPPROTO_NUM_ICMPV6: decode_set_invalid(p, DECODE_EV_IPV4_ICMPV6); return;
	case IPPROTO_NUM_IGMP: decode_igmp(p, st, d, len); return;
	case IPPROTO_NUM_ESP: st->esp++; return;
	case 0: /* VJ-uncompressed carries TCP; nothing to do otherwise */
	case IPPROTO_NUM_AH: return;
	default: decode_set_event(p, DECODE_EV_IPV4_UNKNOWN_PROTOCOL); return;
	}
}

void decode_ipv4(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->ipv4++;
	if (len < IPV4_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_IPV4_PKT_TOO_SMALL);
		return;
	}
	if ((d[0] >> 4) != 4) {
		decode_set_invalid(p, DECODE_EV_IPV4_WRONG_IP_VERSION);
		return;
	}
	uint32_t hlen = (d[0] & 0x0fu) * 4u;
	if (hlen < IPV4_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_IPV4_HLEN_TOO_SMALL);
		return;
	}
	uint32_t iplen = rd16(d + 2);
	if (iplen < hlen) {
		decode_set_invalid(p, DECODE_EV_IPV4_IPLEN_SMALLER_THAN_HLEN);
		return;
	}
	if (len < iplen) {
		decode_set_invalid(p, DECODE_EV_IPV4_TRUNC_PKT);
		return;
	}
	if (hlen > IPV4_HDR_LEN && !decode_ipv4_options(p, d + IPV4_HDR_LEN, hlen - IPV4_HDR_LEN))
		return;

	p->ip_version = 4;
	p->ip_hdr = d;
	p->ip_hdr_len = (uint16_t)hlen;
	p->ip_len = iplen;
	p->tos = d[1];
	p->ip_id = rd16(d + 4);
	uint16_t off = rd16(d + 6);
	p->frag_offset = (uint16_t)((off & 0x1fff) * 8);
	p->frag_flags = (uint8_t)(((off & 0x2000) ? FRAG_MF : 0) | ((off & 0x4000) ? FRAG_DF : 0) |
				  ((off & 0x8000) ? FRAG_RB : 0));
	p->ttl = d[8];
	p->proto = d[9];
	p->src.family = 4;
	memcpy(p->src.bytes, d + 12, 4);
	p->dst.family = 4;
	memcpy(p->dst.bytes, d + 16, 4);

	if (p->frag_offset != 0 || (p->frag_flags & FRAG_MF)) {
		p->is_fragment = true;
		st->frag_ipv4++;
		return;
	}
	ipv4_payload(p, st, d + hlen, iplen - hlen);
}
