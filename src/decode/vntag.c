/*
 * vntag — Cisco VN-Tag (ethertype 0x8926) and IEEE 802.1BR E-Tag
 * (ethertype 0x893f): fixed-size tags followed by the next ethertype.
 *
 * Reads only the `len` bytes it is given.  A short tag is
 * vntag/etag.header_too_small; a next ethertype we do not follow adds
 * vntag/etag.unknown_type (and makes the packet invalid, as Suricata).
 */
#include "decode/layers.h"

enum { VNTAG_HDR_LEN = 6, ETAG_HDR_LEN = 8 };

void decode_vntag(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->vntag++;
	if (len < VNTAG_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_VNTAG_HEADER_TOO_SMALL);
		return;
	}
	if (!decode_ethertype(p, st, rd16(d + 4), d + VNTAG_HDR_LEN, len - VNTAG_HDR_LEN))
		decode_set_invalid(p, DECODE_EV_VNTAG_UNKNOWN_TYPE);
}

void decode_etag(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	if (len < ETAG_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_ETAG_HEADER_TOO_SMALL);
		return;
	}
	if (!decode_ethertype(p, st, rd16(d + 6), d + ETAG_HDR_LEN, len - ETAG_HDR_LEN))
		decode_set_invalid(p, DECODE_EV_ETAG_UNKNOWN_TYPE);
}
