/*
 * ieee8021ah — 802.1ah provider backbone bridging (MAC-in-MAC, ethertype
 * 0x88e7): a 4-byte I-tag, the customer destination and source MACs, then
 * the customer ethertype.
 *
 * Reads only the `len` bytes it is given; fewer than the 18 bytes up to
 * and including the customer ethertype is ieee8021ah.header_too_small.
 */
#include "decode/layers.h"

enum { IEEE8021AH_HDR_LEN = 18 };

void decode_ieee8021ah(struct packet *p, struct decode_stats *st, const uint8_t *d,
		       uint32_t len)
{
	st->ieee8021ah++;
	if (len < IEEE8021AH_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_IEEE8021AH_HEADER_TOO_SMALL);
		return;
	}
	decode_ethertype(p, st, rd16(d + 16), d + IEEE8021AH_HDR_LEN, len - IEEE8021AH_HDR_LEN);
}
