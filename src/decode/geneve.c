/*
 * geneve — Geneve (RFC 8926) on UDP destination port 6081: an 8-byte
 * header plus options, then an Ethernet frame (protocol 0x6558) or an
 * IPv4/IPv6 datagram.
 *
 * Reads only the `len` bytes it is given.  Only version 0 with an
 * option length that fits and a payload type we follow is taken as
 * Geneve; anything else stays plain UDP without an event.
 */
#include "decode/layers.h"

enum { GENEVE_HDR_LEN = 8, ETH_HDR_LEN = 14 };

bool decode_geneve(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	if (len < GENEVE_HDR_LEN)
		return false;
	if ((d[0] >> 6) != 0)
		return false;
	uint32_t hlen = GENEVE_HDR_LEN + (d[0] & 0x3fu) * 4u;
	if (hlen > len)
		return false;
	int linktype;
	switch (rd16(d + 2)) {
	case ETHERTYPE_BRIDGE:
		if (len - hlen < ETH_HDR_LEN)
			return false;
		linktype = LINKTYPE_INNER_ETHERNET;
		break;
	case ETHERTYPE_IPV4: linktype = LINKTYPE_INNER_IPV4; break;
	case ETHERTYPE_IPV6: linktype = LINKTYPE_INNER_IPV6; break;
	default: return false;
	}
	st->geneve++;
	decode_set_tunnel(p, st, d + hlen, len - hlen, linktype, PKT_SRC_TUNNEL_GENEVE);
	return true;
}
