/*
 * sctp — the SCTP common header (RFC 9260): ports and verification tag.
 * Chunks are not decoded.
 *
 * Reads only the `len` bytes it is given.  A packet shorter than the
 * 12-byte common header is marked invalid; there is no decoder event for
 * it in the shared event list yet.
 */
#include "decode/layers.h"

enum { SCTP_HDR_LEN = 12 };

void decode_sctp(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->sctp++;
	if (len < SCTP_HDR_LEN) {
		p->invalid = true;
		return;
	}
	p->l4_hdr = d;
	p->l4_len = len;
	p->sp = rd16(d);
	p->dp = rd16(d + 2);
	p->payload = d + SCTP_HDR_LEN;
	p->payload_len = len - SCTP_HDR_LEN;
}
