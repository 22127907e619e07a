/*
 * flow-internal — shared between the files of the flow stage only; other
 * stages include flow.h.
 */
#ifndef VIGIL_FLOW_INTERNAL_H
#define VIGIL_FLOW_INTERNAL_H

#include "flow/flow.h"

struct flow_key {
	struct ip_addr src, dst;
	uint16_t sp, dp;
	uint8_t proto;
	uint8_t tunnel_depth;
	uint8_t vlan_count;
	bool icmp_error; /* key taken from the datagram an ICMP error quotes */
	uint16_t vlan_id[DECODE_MAX_VLAN];
};

void flow_key_from_packet(const struct packet *p, struct flow_key *k);
uint32_t flow_key_hash(const struct flow_key *k);
/* 1: same direction as the flow, -1: reverse direction, 0: other flow. */
int flow_key_match(const struct flow *f, const struct flow_key *k);

#endif
