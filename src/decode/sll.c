/*
 * sll — Linux "cooked" capture headers: SLL (link type 113, 16 bytes,
 * protocol at offset 14) and SLL2 (link type 276, 20 bytes, protocol at
 * offset 0).
 *
 * Reads only the `len` bytes it is given; a short header is
 * sll.pkt_too_small for both variants.  The protocol is an ethertype.
 */
#include "decode/layers.h"

enum { SLL_HDR_LEN = 16, SLL2_HDR_LEN = 20 };

void decode_sll(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->sll++;
	if (len < SLL_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_SLL_PKT_TOO_SMALL);
		return;
	}
	decode_ethertype(p, st, rd16(d + 14), d + SLL_HDR_LEN, len - SLL_HDR_LEN);
}

void decode_sll2(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->sll++;
	if (len < SLL2_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_SLL_PKT_TOO_SMALL);
		return;
	}
	decode_ethertype(p, st, rd16(d), d + SLL2_HDR_LEN, len - SLL2_HDR_LEN);
}
