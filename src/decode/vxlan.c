/*
 * vxlan — VXLAN (RFC 7348) on UDP destination port 4789: an 8-byte header
 * followed by an Ethernet frame.
 *
 * Reads only the `len` bytes it is given.  The payload is taken as VXLAN
 * only when the I flag is set, the last reserved byte is zero and a whole
 * Ethernet header follows, as Suricata checks; otherwise it stays plain
 * UDP and no event is raised.  Like Suricata, the inner Ethernet header is
 * consumed here: an IPv4/IPv6 payload becomes an inner IP packet (no
 * Ethernet layer of its own), VLAN-tagged frames stay Ethernet, ARP and
 * other ethertypes end the tunnel.
 */
#include "decode/layers.h"

enum { VXLAN_HDR_LEN = 8, ETH_HDR_LEN = 14, VXLAN_FLAG_I = 0x08 };

bool decode_vxlan(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	if (len < VXLAN_HDR_LEN + ETH_HDR_LEN)
		return false;
	if (!(d[0] & VXLAN_FLAG_I) || d[7] != 0)
		return false;
	st->vxlan++;
	const uint8_t *eth = d + VXLAN_HDR_LEN;
	const uint8_t *ip = eth + ETH_HDR_LEN;
	uint32_t ip_len = len - VXLAN_HDR_LEN - ETH_HDR_LEN;
	switch (rd16(eth + 12)) {
	case ETHERTYPE_IPV4:
		decode_set_tunnel(p, st, ip, ip_len, LINKTYPE_INNER_IPV4, PKT_SRC_TUNNEL_VXLAN);
		break;
	case ETHERTYPE_IPV6:
		decode_set_tunnel(p, st, ip, ip_len, LINKTYPE_INNER_IPV6, PKT_SRC_TUNNEL_VXLAN);
		break;
	case ETHERTYPE_VLAN:
	case ETHERTYPE_8021AD:
	case ETHERTYPE_QINQ:
		decode_set_tunnel(p, st, eth, len - VXLAN_HDR_LEN, LINKTYPE_INNER_ETHERNET,
				  PKT_SRC_TUNNEL_VXLAN);
		break;
	default: break; /* ARP and the rest: VXLAN, but nothing to follow */
	}
	return true;
}
