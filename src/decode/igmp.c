/*
 * igmp — IGMP v1/v2/v3 messages (RFC 1112, 2236, 9776): the version, and
 * the length of the IGMPv3 query (with its source list) or report (with
 * its group records), so the payload starts in the right place.
 *
 * Reads only the `len` bytes it is given.  Semantics follow Suricata's
 * decoder: under 8 bytes is igmp.pkt_too_small; an IGMPv3 query or report
 * that promises more sources or records than there are bytes is
 * igmp.v3_pkt_too_small (query source list, a missing group record) or
 * igmp.malformed (a record's aux data or sources, absurd counts).  All
 * three make the packet invalid.
 */
#include <string.h>

#include "decode/layers.h"

enum {
	IGMP_HDR_LEN = 8,
	IGMP_V3_QUERY_LEN = 12,
	IGMP_V3_REPORT_LEN = 8,
	IGMP_V3_RECORD_LEN = 8,
	IGMP_QUERY = 0x11,
	IGMP_REPORT_V1 = 0x12,
	IGMP_REPORT_V2 = 0x16,
	IGMP_LEAVE_V2 = 0x17,
	IGMP_REPORT_V3 = 0x22,
	/* sources that fit in the largest datagram after IP+RA (24) and the query (12) */
	IGMP_V3_MAX_SOURCES = (65535 - 24 - 12) / 4,
};

/* Returns the IGMPv3 query length, 0 after setting an event. */
static uint32_t igmp_v3_query_len(struct packet *p, const uint8_t *d, uint32_t len)
{
	uint32_t nsrc = rd16(d + 10);
	if (nsrc > IGMP_V3_MAX_SOURCES) {
		decode_set_invalid(p, DECODE_EV_IGMP_MALFORMED);
		return 0;
	}
	uint32_t hlen = IGMP_V3_QUERY_LEN + nsrc * 4;
	if (len < hlen) {
		decode_set_invalid(p, DECODE_EV_IGMP_V3_PKT_TOO_SMALL);
		return 0;
	}
	return hlen;
}

/* Returns the IGMPv3 report length (header and records), 0 after an event. */
static uint32_t igmp_v3_report_len(struct packet *p, const uint8_t *d, uint32_t len)
{
	uint32_t nrec = rd16(d + 6);
	uint32_t hlen = IGMP_V3_REPORT_LEN;
	for (uint32_t i = 0; i < nrec; i++) {
		if (len - hlen < IGMP_V3_RECORD_LEN) {
			decode_set_invalid(p, DECODE_EV_IGMP_V3_PKT_TOO_SMALL);
			return 0;
		}
		uint32_t aux = d[hlen + 1] * 4u;
		uint32_t sources = rd16(d + hlen + 2) * 4u;
		hlen += IGMP_V3_RECORD_LEN;
		if (len - hlen < aux) {
			decode_set_invalid(p, DECODE_EV_IGMP_MALFORMED);
			return 0;
		}
		hlen += aux;
		if (len - hlen < sources) {
			decode_set_invalid(p, DECODE_EV_IGMP_MALFORMED);
			return 0;
		}
		hlen += sources;
	}
	return hlen;
}

static uint8_t igmp_version(uint8_t type, uint8_t max_resp)
{
	switch (type) {
	case IGMP_QUERY: return max_resp == 0 ? 1 : 2;
	case IGMP_REPORT_V1: return 1;
	case IGMP_REPORT_V2:
	case IGMP_LEAVE_V2: return 2;
	default: return 255;
	}
}

void decode_igmp(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->igmp++;
	if (len < IGMP_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_IGMP_PKT_TOO_SMALL);
		return;
	}
	struct igmp_info *ig = &p->igmp;
	*ig = (struct igmp_info){0};
	ig->type = d[0];
	memcpy(ig->group, d + 4, 4);
	uint32_t hlen = IGMP_HDR_LEN;
	ig->version = igmp_version(d[0], d[1]);
	if (d[0] == IGMP_QUERY && len >= IGMP_V3_QUERY_LEN) {
		hlen = igmp_v3_query_len(p, d, len);
		ig->version = 3;
	} else if (d[0] == IGMP_REPORT_V3) {
		hlen = igmp_v3_report_len(p, d, len);
		ig->version = 3;
	}
	if (hlen == 0)
		return;
	ig->hlen = (uint16_t)hlen;
	p->l4_hdr = d;
	p->l4_len = len;
	p->payload = d + hlen;
	p->payload_len = len - hlen;
}
