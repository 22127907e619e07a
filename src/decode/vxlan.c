/*
 * vxlan — VXLAN (RFC 7348) on UDP destination port 4789: an 8-byte header
 * followed by an Ethernet frame.
 *
 * Reads only the `len` bytes it is given.  The payload is taken as VXLAN
 * only when the I flag is set, the last reserved byte is zero and a whole
 * Ethernet header follows, as Suricata checks; otherwise it stays plain
 * UDP and no event is raised.
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
	decode_set_tunnel(p, st, d + VXLAN_HDR_LEN, len - VXLAN_HDR_LEN, LINKTYPE_INNER_ETHERNET,
			  PKT_SRC_TUNNEL_VXLAN);
	return true;
}
