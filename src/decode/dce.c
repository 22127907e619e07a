/*
 * dce — Brocade DCE (ethertype 0x8903): a 2-byte header followed by a
 * complete inner Ethernet frame.
 *
 * Reads only the `len` bytes it is given; without room for the header and
 * an inner Ethernet header the packet is dce.pkt_too_small, as Suricata.
 */
#include "decode/layers.h"

enum { DCE_HDR_LEN = 2, ETH_HDR_LEN = 14 };

void decode_dce(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	if (len < DCE_HDR_LEN + ETH_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_DCE_PKT_TOO_SMALL);
		return;
	}
	decode_ethernet(p, st, d + DCE_HDR_LEN, len - DCE_HDR_LEN);
}
