/*
 * pppoe — PPP over Ethernet, discovery (0x8863) and session (0x8864)
 * stages (RFC 2516).
 *
 * Reads only the `len` bytes it is given.  Discovery packets have their
 * code checked (pppoe.wrong_code) and their tags walked within the
 * declared length (pppoe.malformed_tags); session packets hand the PPP
 * payload to the PPP protocol dispatch.
 */
#include "decode/layers.h"

enum {
	PPPOE_HDR_LEN = 6,
	PPPOE_TAG_HDR_LEN = 4,
	PADI = 0x09,
	PADO = 0x07,
	PADR = 0x19,
	PADS = 0x65,
	PADT = 0xa7,
};

void decode_pppoe_discovery(struct packet *p, struct decode_stats *st, const uint8_t *d,
			    uint32_t len)
{
	st->pppoe++;
	if (len < PPPOE_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_PPPOE_PKT_TOO_SMALL);
		return;
	}
	switch (d[1]) {
	case PADI:
	case PADO:
	case PADR:
	case PADS:
	case PADT: break;
	default: decode_set_event(p, DECODE_EV_PPPOE_WRONG_CODE); return;
	}
	uint32_t declared = rd16(d + 4);
	uint32_t left = len - PPPOE_HDR_LEN;
	if (declared > left) {
		decode_set_invalid(p, DECODE_EV_PPPOE_MALFORMED_TAGS);
		return;
	}
	const uint8_t *t = d + PPPOE_HDR_LEN;
	while (declared > 0) {
		if (declared < PPPOE_TAG_HDR_LEN) {
			decode_set_invalid(p, DECODE_EV_PPPOE_MALFORMED_TAGS);
			return;
		}
		uint32_t tag_len = rd16(t + 2);
		if (tag_len > declared - PPPOE_TAG_HDR_LEN) {
			decode_set_invalid(p, DECODE_EV_PPPOE_MALFORMED_TAGS);
			return;
		}
		t += PPPOE_TAG_HDR_LEN + tag_len;
		declared -= PPPOE_TAG_HDR_LEN + tag_len;
	}
}

void decode_pppoe_session(struct packet *p, struct decode_stats *st, const uint8_t *d,
			  uint32_t len)
{
	st->pppoe++;
	/* Header plus at least a one-byte (compressed) PPP protocol. */
	if (len < PPPOE_HDR_LEN + 1) {
		decode_set_invalid(p, DECODE_EV_PPPOE_PKT_TOO_SMALL);
		return;
	}
	if (rd16(d + 4) == 0)
		return; /* no PPP payload */
	uint16_t proto;
	uint32_t off;
	if (d[PPPOE_HDR_LEN] & 0x01) {
		proto = d[PPPOE_HDR_LEN];
		off = PPPOE_HDR_LEN + 1;
	} else {
		if (len < PPPOE_HDR_LEN + 2) {
			decode_set_invalid(p, DECODE_EV_PPPOE_PKT_TOO_SMALL);
			return;
		}
		proto = rd16(d + PPPOE_HDR_LEN);
		off = PPPOE_HDR_LEN + 2;
	}
	decode_ppp_proto(p, st, proto, d + off, len - off);
}
