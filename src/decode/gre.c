/*
 * gre — GRE version 0 (RFC 1701/2784/2890) and version 1 (enhanced GRE
 * for PPTP, RFC 2637), plus ERSPAN type I/II carried in GRE.
 *
 * Reads only the `len` bytes it is given.  The flag checks and their
 * gre.* events follow Suricata's decoder; every one of them makes the
 * packet invalid.  (A cut version 0 source route list is reported as
 * gre.version0_hdr_too_big: the shared event list has no
 * version0_malformed_sre_hdr.)  The inner frame (IPv4, IPv6, PPP, transparent Ethernet
 * bridging, ERSPAN's Ethernet) is recorded as a tunnel for the worker, not
 * decoded here.
 */
#include "decode/layers.h"

enum {
	GRE_HDR_LEN = 4,
	GRE_OPT_LEN = 4, /* checksum+offset, key, sequence and ack are 4 bytes each */
	GRE_SRE_HDR_LEN = 4,
	/* byte 0 */
	GRE_F_CSUM = 0x80,
	GRE_F_ROUTE = 0x40,
	GRE_F_KEY = 0x20,
	GRE_F_SEQ = 0x10,
	GRE_F_SSR = 0x08,
	GRE_F_RECUR = 0x07,
	/* byte 1 */
	GRE_F_ACK = 0x80,
	GRE_F_FLAGS = 0x78,
	GRE_VERSION = 0x07,
	ETHERTYPE_ERSPAN_II = 0x88be,
	ERSPAN_II_HDR_LEN = 8,
};

/* Returns the GRE header length, 0 when the header is invalid. */
static uint32_t gre_v0_hdr_len(struct packet *p, const uint8_t *d, uint32_t len)
{
	if (d[0] & GRE_F_RECUR) {
		decode_set_invalid(p, DECODE_EV_GRE_VERSION0_RECUR);
		return 0;
	}
	if (d[1] & GRE_F_FLAGS) {
		decode_set_invalid(p, DECODE_EV_GRE_VERSION0_FLAGS);
		return 0;
	}
	uint32_t hlen = GRE_HDR_LEN;
	if (d[0] & (GRE_F_CSUM | GRE_F_ROUTE))
		hlen += GRE_OPT_LEN;
	if (d[0] & GRE_F_KEY)
		hlen += GRE_OPT_LEN;
	if (d[0] & GRE_F_SEQ)
		hlen += GRE_OPT_LEN;
	if (hlen > len) {
		decode_set_invalid(p, DECODE_EV_GRE_VERSION0_HDR_TOO_BIG);
		return 0;
	}
	if (!(d[0] & GRE_F_ROUTE))
		return hlen;
	/* Source route entries, ended by address family 0 and length 0. */
	for (;;) {
		if (hlen + GRE_SRE_HDR_LEN > len) {
			decode_set_invalid(p, DECODE_EV_GRE_VERSION0_HDR_TOO_BIG);
			return 0;
		}
		uint16_t af = rd16(d + hlen);
		uint8_t sre_len = d[hlen + 3];
		hlen += GRE_SRE_HDR_LEN;
		if (af == 0 && sre_len == 0)
			return hlen;
		hlen += sre_len;
		if (hlen > len) {
			decode_set_invalid(p, DECODE_EV_GRE_VERSION0_HDR_TOO_BIG);
			return 0;
		}
	}
}

static uint32_t gre_v1_hdr_len(struct packet *p, const uint8_t *d, uint32_t len)
{
	enum decode_event ev = DECODE_EV_MAX;
	if (d[0] & GRE_F_CSUM)
		ev = DECODE_EV_GRE_VERSION1_CHKSUM;
	else if (d[0] & GRE_F_ROUTE)
		ev = DECODE_EV_GRE_VERSION1_ROUTE;
	else if (d[0] & GRE_F_SSR)
		ev = DECODE_EV_GRE_VERSION1_SSR;
	else if (d[0] & GRE_F_RECUR)
		ev = DECODE_EV_GRE_VERSION1_RECUR;
	else if (d[1] & GRE_F_FLAGS)
		ev = DECODE_EV_GRE_VERSION1_FLAGS;
	else if (rd16(d + 2) != ETHERTYPE_PPP)
		ev = DECODE_EV_GRE_VERSION1_WRONG_PROTOCOL;
	else if (!(d[0] & GRE_F_KEY))
		ev = DECODE_EV_GRE_VERSION1_NO_KEY;
	if (ev != DECODE_EV_MAX) {
		decode_set_invalid(p, ev);
		return 0;
	}
	uint32_t hlen = GRE_HDR_LEN + GRE_OPT_LEN; /* key: payload length + call id */
	if (d[0] & GRE_F_SEQ)
		hlen += GRE_OPT_LEN;
	if (d[1] & GRE_F_ACK)
		hlen += GRE_OPT_LEN;
	if (hlen > len) {
		decode_set_invalid(p, DECODE_EV_GRE_VERSION1_HDR_TOO_BIG);
		return 0;
	}
	return hlen;
}

/*
 * ERSPAN type II (sequence flag set) has an 8-byte header of version 1
 * before the mirrored Ethernet frame.  Type I (no header) is off by
 * default in Suricata (decoder.erspan.typeI.enabled), so it is not
 * followed here either.
 */
static void gre_erspan(struct packet *p, struct decode_stats *st, bool has_seq,
		       const uint8_t *d, uint32_t len)
{
	if (!has_seq)
		return;
	st->erspan++;
	if (len < ERSPAN_II_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_ERSPAN_HEADER_TOO_SMALL);
		return;
	}
	if ((d[0] >> 4) != 1) {
		decode_set_invalid(p, DECODE_EV_ERSPAN_UNSUPPORTED_VERSION);
		return;
	}
	decode_set_tunnel(p, st, d + ERSPAN_II_HDR_LEN, len - ERSPAN_II_HDR_LEN,
			  LINKTYPE_INNER_ETHERNET, PKT_SRC_TUNNEL_GRE);
}

void decode_gre(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->gre++;
	if (len < GRE_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_GRE_PKT_TOO_SMALL);
		return;
	}
	p->l4_hdr = d;
	p->l4_len = len;
	uint32_t hlen;
	switch (d[1] & GRE_VERSION) {
	case 0: hlen = gre_v0_hdr_len(p, d, len); break;
	case 1: hlen = gre_v1_hdr_len(p, d, len); break;
	default: decode_set_invalid(p, DECODE_EV_GRE_WRONG_VERSION); return;
	}
	if (hlen == 0)
		return;
	const uint8_t *in = d + hlen;
	uint32_t in_len = len - hlen;
	switch (rd16(d + 2)) {
	case ETHERTYPE_IPV4:
		decode_set_tunnel(p, st, in, in_len, LINKTYPE_INNER_IPV4, PKT_SRC_TUNNEL_GRE);
		return;
	case ETHERTYPE_IPV6:
		decode_set_tunnel(p, st, in, in_len, LINKTYPE_INNER_IPV6, PKT_SRC_TUNNEL_GRE);
		return;
	case ETHERTYPE_PPP:
		/* PPTP: a zero payload length (key high half) carries no frame */
		if ((d[1] & GRE_VERSION) == 1 && rd16(d + 4) == 0)
			return;
		decode_set_tunnel(p, st, in, in_len, LINKTYPE_INNER_PPP, PKT_SRC_TUNNEL_GRE);
		return;
	case ETHERTYPE_VLAN:
		decode_set_tunnel(p, st, in, in_len, LINKTYPE_INNER_VLAN, PKT_SRC_TUNNEL_GRE);
		return;
	case ETHERTYPE_BRIDGE:
		decode_set_tunnel(p, st, in, in_len, LINKTYPE_INNER_ETHERNET, PKT_SRC_TUNNEL_GRE);
		return;
	case ETHERTYPE_ERSPAN_II: gre_erspan(p, st, (d[0] & GRE_F_SEQ) != 0, in, in_len); return;
	default: return; /* other payloads are not followed */
	}
}
