/*
 * raw — frames that start directly with an IP header: DLT_RAW (12, 14),
 * LINKTYPE_RAW (101), LINKTYPE_IPV4 (228), LINKTYPE_IPV6 (229), and the
 * LINKTYPE_INNER_IP pseudo link type of tunnels.
 *
 * Reads only the `len` bytes it is given.  The version nibble picks the
 * decoder; anything but 4 or 6 is ipraw.invalid_ip_version.
 */
#include "decode/layers.h"

void decode_raw(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len,
		int only_version)
{
	st->raw++;
	if (only_version == 4) {
		decode_ipv4(p, st, d, len);
		return;
	}
	if (only_version == 6) {
		decode_ipv6(p, st, d, len);
		return;
	}
	if (len < 1) {
		decode_set_invalid(p, DECODE_EV_IPV4_PKT_TOO_SMALL);
		return;
	}
	switch (d[0] >> 4) {
	case 4: decode_ipv4(p, st, d, len); return;
	case 6: decode_ipv6(p, st, d, len); return;
	default: decode_set_invalid(p, DECODE_EV_IPRAW_INVALID_IP_VERSION); return;
	}
}
