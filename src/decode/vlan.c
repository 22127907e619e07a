/*
 * vlan — 802.1Q tags, and the QinQ outer tags 802.1ad (0x88a8) and 0x9100.
 *
 * Reads only the `len` bytes after the TPID it is given.  Up to
 * DECODE_MAX_VLAN tags are kept; one more is vlan.too_many_layers, as in
 * Suricata.  A payload type we do not follow adds vlan.unknown_type.
 */
#include "decode/layers.h"

enum { VLAN_HDR_LEN = 4 };

void decode_vlan(struct packet *p, struct decode_stats *st, uint16_t tpid, const uint8_t *d,
		 uint32_t len)
{
	if (p->vlan_count == 0)
		st->vlan++;
	else if (p->vlan_count == 1)
		st->vlan_qinq++;
	else if (p->vlan_count == 2)
		st->vlan_qinqinq++;
	(void)tpid;
	if (len < VLAN_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_VLAN_HEADER_TOO_SMALL);
		return;
	}
	if (p->vlan_count >= DECODE_MAX_VLAN) {
		decode_set_invalid(p, DECODE_EV_VLAN_TOO_MANY_LAYERS);
		return;
	}
	p->vlan_id[p->vlan_count++] = rd16(d) & 0x0fff;
	uint16_t type = rd16(d + 2);
	if (!decode_ethertype(p, st, type, d + VLAN_HDR_LEN, len - VLAN_HDR_LEN))
		decode_set_event(p, DECODE_EV_VLAN_UNKNOWN_TYPE);
}
