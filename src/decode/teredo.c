/*
 * teredo — Teredo (RFC 4380) on UDP port 3544: IPv6 carried in UDP,
 * optionally behind an 8-byte origin indication.
 *
 * Reads only the `len` bytes it is given.  Teredo has no field that proves
 * itself, so as Suricata the payload is only taken when a plausible IPv6
 * header follows: version 6, hop limit not 0, not a hop-by-hop header with
 * under 8 bytes of payload, and a payload length that exactly fills the
 * UDP payload.  Authentication indications and anything else stay UDP.
 */
#include "decode/layers.h"

enum { IPV6_HDR_LEN = 40, TEREDO_ORIGIN_LEN = 8 };

bool decode_teredo(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	if (len < IPV6_HDR_LEN)
		return false;
	uint32_t off = 0;
	if (d[0] == 0x00) {
		if (d[1] != 0x00) /* authentication (1) or not Teredo */
			return false;
		if (len < TEREDO_ORIGIN_LEN + IPV6_HDR_LEN)
			return false;
		off = TEREDO_ORIGIN_LEN;
	}
	const uint8_t *ip6 = d + off;
	if ((ip6[0] >> 4) != 6)
		return false;
	if (ip6[7] == 0)
		return false;
	uint32_t plen = rd16(ip6 + 4);
	if (ip6[6] == IPPROTO_NUM_HOPOPTS && plen < 8)
		return false;
	if (len != off + IPV6_HDR_LEN + plen)
		return false;
	st->teredo++;
	decode_set_tunnel(p, st, ip6, len - off, LINKTYPE_INNER_IPV6, PKT_SRC_TUNNEL_TEREDO);
	return true;
}
