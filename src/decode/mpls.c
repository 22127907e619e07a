/*
 * mpls — MPLS label stacks (ethertypes 0x8847/0x8848).
 *
 * Reads only the `len` bytes it is given.  The stack is walked to the
 * bottom-of-stack bit; the payload is chosen from the last label when it
 * is a reserved one (0: IPv4, 2: IPv6; 1, 3 and 4..15 raise
 * mpls.bad_label_*), otherwise guessed from the first nibble: 4, 6, or 0
 * for an Ethernet pseudowire with its 4-byte control word — Suricata's
 * rules.
 */
#include "decode/layers.h"

enum {
	MPLS_HDR_LEN = 4,
	MPLS_PW_LEN = 4,
	MPLS_LABEL_IPV4 = 0,
	MPLS_LABEL_ROUTER_ALERT = 1,
	MPLS_LABEL_IPV6 = 2,
	MPLS_LABEL_IMPLICIT_NULL = 3,
	MPLS_MAX_RESERVED = 16,
	ETH_HDR_LEN = 14,
};

void decode_mpls(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	uint32_t shim;
	st->mpls++;
	do {
		if (len < MPLS_HDR_LEN) {
			decode_set_invalid(p, DECODE_EV_MPLS_HEADER_TOO_SMALL);
			return;
		}
		shim = rd32(d);
		d += MPLS_HDR_LEN;
		len -= MPLS_HDR_LEN;
	} while ((shim & 0x100) == 0);

	uint32_t label = shim >> 12;
	switch (label) {
	case MPLS_LABEL_IPV4: decode_ipv4(p, st, d, len); return;
	case MPLS_LABEL_IPV6: decode_ipv6(p, st, d, len); return;
	case MPLS_LABEL_ROUTER_ALERT:
		decode_set_invalid(p, DECODE_EV_MPLS_BAD_LABEL_ROUTER_ALERT);
		return;
	case MPLS_LABEL_IMPLICIT_NULL:
		decode_set_invalid(p, DECODE_EV_MPLS_BAD_LABEL_IMPLICIT_NULL);
		return;
	default: break;
	}
	if (label < MPLS_MAX_RESERVED) {
		decode_set_invalid(p, DECODE_EV_MPLS_BAD_LABEL_RESERVED);
		return;
	}
	if (len < 1) {
		decode_set_invalid(p, DECODE_EV_MPLS_PKT_TOO_SMALL);
		return;
	}
	switch (d[0] >> 4) {
	case 4: decode_ipv4(p, st, d, len); return;
	case 6: decode_ipv6(p, st, d, len); return;
	case 0:
		if (len < MPLS_PW_LEN + ETH_HDR_LEN) {
			decode_set_invalid(p, DECODE_EV_MPLS_PKT_TOO_SMALL);
			return;
		}
		decode_ethernet(p, st, d + MPLS_PW_LEN, len - MPLS_PW_LEN);
		return;
	default: decode_set_invalid(p, DECODE_EV_MPLS_UNKNOWN_PAYLOAD_TYPE); return;
	}
}
