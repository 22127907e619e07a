/*
 * layers — the decode stage's internal interface between protocol files.
 *
 * Only files under src/decode/ include this.  Every function here reads
 * data[0 .. len) and nothing else; a short or malformed header sets an
 * event and returns without touching bytes past `len`.
 */
#ifndef VIGIL_DECODE_LAYERS_H
#define VIGIL_DECODE_LAYERS_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/decode.h"

/* Big-endian reads; callers have already checked the bounds. */
static inline uint16_t rd16(const uint8_t *b)
{
	return (uint16_t)((b[0] << 8) | b[1]);
}

static inline uint32_t rd32(const uint8_t *b)
{
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

/* Ethertypes the stage dispatches on. */
enum {
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_ARP = 0x0806,
	ETHERTYPE_BRIDGE = 0x6558, /* transparent Ethernet bridging (GRE, Geneve) */
	ETHERTYPE_VLAN = 0x8100,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_PPP = 0x880b,
	ETHERTYPE_MPLS_UC = 0x8847,
	ETHERTYPE_MPLS_MC = 0x8848,
	ETHERTYPE_PPPOE_DISC = 0x8863,
	ETHERTYPE_PPPOE_SESS = 0x8864,
	ETHERTYPE_8021AD = 0x88a8,
	ETHERTYPE_8021AH = 0x88e7,
	ETHERTYPE_DCE = 0x8903,
	ETHERTYPE_VNTAG = 0x8926,
	ETHERTYPE_NSH = 0x894f,
	ETHERTYPE_ETAG = 0x893f,
	ETHERTYPE_QINQ = 0x9100,
};

/* IP protocol numbers the stage dispatches on. */
enum {
	IPPROTO_NUM_HOPOPTS = 0,
	IPPROTO_NUM_ICMP = 1,
	IPPROTO_NUM_IGMP = 2,
	IPPROTO_NUM_IPIP = 4,
	IPPROTO_NUM_TCP = 6,
	IPPROTO_NUM_UDP = 17,
	IPPROTO_NUM_IPV6 = 41,
	IPPROTO_NUM_ROUTING = 43,
	IPPROTO_NUM_FRAGMENT = 44,
	IPPROTO_NUM_GRE = 47,
	IPPROTO_NUM_ESP = 50,
	IPPROTO_NUM_AH = 51,
	IPPROTO_NUM_ICMPV6 = 58,
	IPPROTO_NUM_NONE = 59,
	IPPROTO_NUM_DSTOPTS = 60,
	IPPROTO_NUM_SCTP = 132,
	IPPROTO_NUM_MH = 135,
	IPPROTO_NUM_HIP = 139,
	IPPROTO_NUM_SHIM6 = 140,
};

/* Sets an event and marks the packet invalid (Suricata's "invalid event"). */
void decode_set_invalid(struct packet *p, enum decode_event ev);

/*
 * Records an inner frame for the worker to decode next.  Returns false (and
 * sets too_many_layers) when the inner packet would exceed
 * DECODE_MAX_TUNNEL_DEPTH.
 */
bool decode_set_tunnel(struct packet *p, struct decode_stats *st, const uint8_t *inner,
		       uint32_t len, int linktype, enum packet_source src);

/* Link layers. */
void decode_ethernet(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
/* Dispatches on an ethertype; returns false when the type is not handled. */
bool decode_ethertype(struct packet *p, struct decode_stats *st, uint16_t type,
		      const uint8_t *d, uint32_t len);
void decode_vlan(struct packet *p, struct decode_stats *st, uint16_t tpid, const uint8_t *d,
		 uint32_t len);
void decode_ieee8021ah(struct packet *p, struct decode_stats *st, const uint8_t *d,
		       uint32_t len);
void decode_dce(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_vntag(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_etag(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_chdlc(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_mpls(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_pppoe_discovery(struct packet *p, struct decode_stats *st, const uint8_t *d,
			    uint32_t len);
void decode_pppoe_session(struct packet *p, struct decode_stats *st, const uint8_t *d,
			  uint32_t len);
void decode_ppp(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
/* PPP payload once the protocol field is known (PPP and PPPoE session). */
void decode_ppp_proto(struct packet *p, struct decode_stats *st, uint16_t proto,
		      const uint8_t *d, uint32_t len);
void decode_sll(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_sll2(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_null(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
/* Raw IP; `only_version` is 4, 6, or 0 for "either, from the first nibble". */
void decode_raw(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len,
		int only_version);

/* Network layer. */
void decode_ipv4(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_ipv6(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);

/* Transport layer and tunnels carried by IP. */
void decode_tcp(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_udp(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_icmpv4(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_icmpv6(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_igmp(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_sctp(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
void decode_gre(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);

/* UDP-carried tunnels: return true when the payload was taken as a tunnel. */
bool decode_vxlan(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
bool decode_geneve(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);
bool decode_teredo(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);

#endif
