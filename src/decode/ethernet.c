/*
 * ethernet — Ethernet II frames and the ethertype dispatch shared by every
 * layer that names its payload with an ethertype (VLAN, SLL, GRE, ...).
 *
 * Reads only the `len` bytes it is given.  A frame shorter than the 14-byte
 * header is ethernet.pkt_too_small; an ethertype we do not follow is
 * ethernet.unknown_ethertype (as Suricata, this includes RARP and 802.3
 * length fields such as STP frames).
 */
#include <string.h>

#include "decode/layers.h"

enum { ETH_HDR_LEN = 14 };

bool decode_ethertype(struct packet *p, struct decode_stats *st, uint16_t type,
		      const uint8_t *d, uint32_t len)
{
	/* Tags that carry tags (VN-Tag, DCE, 802.1ah) could nest without end. */
	if (++p->layers > DECODE_MAX_LAYERS) {
		decode_set_invalid(p, DECODE_EV_TOO_MANY_LAYERS);
		st->too_many_layers++;
		return true;
	}
	switch (type) {
	case ETHERTYPE_IPV4: decode_ipv4(p, st, d, len); return true;
	case ETHERTYPE_IPV6: decode_ipv6(p, st, d, len); return true;
	case ETHERTYPE_VLAN:
	case ETHERTYPE_8021AD:
	case ETHERTYPE_QINQ: decode_vlan(p, st, type, d, len); return true;
	case ETHERTYPE_MPLS_UC:
	case ETHERTYPE_MPLS_MC: decode_mpls(p, st, d, len); return true;
	case ETHERTYPE_PPPOE_DISC: decode_pppoe_discovery(p, st, d, len); return true;
	case ETHERTYPE_PPPOE_SESS: decode_pppoe_session(p, st, d, len); return true;
	case ETHERTYPE_8021AH: decode_ieee8021ah(p, st, d, len); return true;
	case ETHERTYPE_DCE: decode_dce(p, st, d, len); return true;
	case ETHERTYPE_VNTAG: decode_vntag(p, st, d, len); return true;
	case ETHERTYPE_ETAG: decode_etag(p, st, d, len); return true;
	/* Known, not decoded further (RARP is not: Suricata reports it). */
	case ETHERTYPE_ARP: st->arp++; return true;
	case ETHERTYPE_GOOSE: st->goose++, decode_goose(p, st, d, len); return true;
	case ETHERTYPE_NSH: st->nsh++; return true;
	default:
		st->unknown_ethertype++;
		decode_set_event(p, DECODE_EV_ETHERNET_UNKNOWN_ETHERTYPE);
		return false;
	}
}

void decode_ethernet(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->ethernet++;
	if (len < ETH_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_ETHERNET_PKT_TOO_SMALL);
		return;
	}
	p->has_eth = true;
	memcpy(p->eth_dst, d, 6);
	memcpy(p->eth_src, d + 6, 6);
	p->eth_type = rd16(d + 12);
	decode_ethertype(p, st, p->eth_type, d + ETH_HDR_LEN, len - ETH_HDR_LEN);
}
