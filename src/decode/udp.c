/*
 * udp — UDP headers, and detection of the tunnels UDP carries: Teredo
 * (port 3544, either side), Geneve (destination 6081) and VXLAN
 * (destination 4789), tried in Suricata's order.
 *
 * Reads only the `len` bytes it is given (the IP payload), and of those
 * only the length the UDP header declares.  As Suricata: fewer than 8
 * bytes is udp.hlen_too_small, a declared length past the end is
 * udp.pkt_too_small, a declared length under 8 is udp.len_invalid.
 */
#include "decode/layers.h"

enum {
	UDP_HDR_LEN = 8,
	PORT_TEREDO = 3544,
	PORT_GENEVE = 6081,
	PORT_VXLAN = 4789,
};

static void udp_tunnels(struct packet *p, struct decode_stats *st)
{
	if ((p->sp == PORT_TEREDO || p->dp == PORT_TEREDO) &&
	    decode_teredo(p, st, p->payload, p->payload_len))
		return;
	if (p->dp == PORT_GENEVE && decode_geneve(p, st, p->payload, p->payload_len))
		return;
	if (p->dp == PORT_VXLAN)
		decode_vxlan(p, st, p->payload, p->payload_len);
}

void decode_udp(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->udp++;
	if (len < UDP_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_UDP_HLEN_TOO_SMALL);
		return;
	}
	uint32_t ulen = rd16(d + 4);
	if (len < ulen) {
		decode_set_invalid(p, DECODE_EV_UDP_PKT_TOO_SMALL);
		return;
	}
	if (ulen < UDP_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_UDP_LEN_INVALID);
		return;
	}
	p->l4_hdr = d;
	p->l4_len = ulen;
	p->sp = rd16(d);
	p->dp = rd16(d + 2);
	p->payload = d + UDP_HDR_LEN;
	p->payload_len = ulen - UDP_HDR_LEN;
	udp_tunnels(p, st);
}
