/*
 * chdlc — Cisco HDLC frames (link type 104): address, control, and an
 * ethertype naming the payload.
 *
 * Reads only the `len` bytes it is given; fewer than the 4 header bytes
 * is chdlc.pkt_too_small.
 */
#include "decode/layers.h"

enum { CHDLC_HDR_LEN = 4 };

void decode_chdlc(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->chdlc++;
	if (len < CHDLC_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_CHDLC_PKT_TOO_SMALL);
		return;
	}
	decode_ethertype(p, st, rd16(d + 2), d + CHDLC_HDR_LEN, len - CHDLC_HDR_LEN);
}
