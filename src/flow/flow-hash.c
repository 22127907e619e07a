/*
 * flow-hash — the symmetric hash of a packet's flow key and key equality.
 *
 * Both directions of a conversation must hash alike, so the two endpoints
 * are ordered before hashing.  ICMP error messages (unreachable, time
 * exceeded, ...) that quote a TCP/UDP datagram hash as that datagram's flow,
 * as Suricata does, so they land in the flow they report on.  Other ICMP
 * traffic is keyed on addresses only: an echo and its reply share a flow.
 */
#include "flow/flow-internal.h"

#include <string.h>

static inline uint32_t mix32(uint32_t h, uint32_t v)
{
	v *= 0xcc9e2d51u;
	v = (v << 15) | (v >> 17);
	v *= 0x1b873593u;
	h ^= v;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

static inline uint32_t final32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static uint32_t hash_addr(uint32_t h, const struct ip_addr *a)
{
	uint32_t w[4];
	memcpy(w, a->bytes, sizeof(w));
	h = mix32(h, w[0]);
	if (a->family == 6) {
		h = mix32(h, w[1]);
		h = mix32(h, w[2]);
		h = mix32(h, w[3]);
	}
	return h;
}

static int addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	return memcmp(a->bytes, b->bytes, a->family == 6 ? 16 : 4);
}

void flow_key_from_packet(const struct packet *p, struct flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->tunnel_depth = p->tunnel_depth;
	k->vlan_count = p->vlan_count;
	for (int i = 0; i < p->vlan_count && i < DECODE_MAX_VLAN; i++)
		k->vlan_id[i] = p->vlan_id[i];
	bool icmp = p->proto == 1 || p->proto == 58;
	if (icmp && p->icmp.has_inner && (p->icmp.inner_proto == 6 || p->icmp.inner_proto == 17)) {
		/* The quoted datagram went from inner_src to inner_dst. */
		k->src = p->icmp.inner_src;
		k->dst = p->icmp.inner_dst;
		k->sp = p->icmp.inner_sp;
		k->dp = p->icmp.inner_dp;
		k->proto = p->icmp.inner_proto;
		k->icmp_error = true;
		return;
	}
	k->src = p->src;
	k->dst = p->dst;
	k->proto = p->proto;
	if (!icmp) {
		k->sp = p->sp;
		k->dp = p->dp;
	}
}

uint32_t flow_key_hash(const struct flow_key *k)
{
	const struct ip_addr *a = &k->src, *b = &k->dst;
	uint16_t pa = k->sp, pb = k->dp;
	int c = addr_cmp(a, b);
	if (c > 0 || (c == 0 && pa > pb)) {
		a = &k->dst;
		b = &k->src;
		pa = k->dp;
		pb = k->sp;
	}
	uint32_t h = 0x9747b28cu;
	h = hash_addr(h, a);
	h = hash_addr(h, b);
	h = mix32(h, (uint32_t)pa << 16 | pb);
	h = mix32(h, (uint32_t)k->proto << 8 | k->tunnel_depth);
	for (int i = 0; i < k->vlan_count; i++)
		h = mix32(h, k->vlan_id[i]);
	return final32(h);
}

uint32_t flow_hash_packet(const struct packet *p)
{
	struct flow_key k;
	flow_key_from_packet(p, &k);
	return flow_key_hash(&k);
}

int flow_key_match(const struct flow *f, const struct flow_key *k)
{
	if (f->proto != k->proto || f->tunnel_depth != k->tunnel_depth ||
	    f->vlan_count != k->vlan_count || f->src.family != k->src.family)
		return 0;
	for (int i = 0; i < k->vlan_count; i++)
		if (f->vlan_id[i] != k->vlan_id[i])
			return 0;
	if (f->sp == k->sp && f->dp == k->dp && addr_cmp(&f->src, &k->src) == 0 &&
	    addr_cmp(&f->dst, &k->dst) == 0)
		return 1;
	if (f->sp == k->dp && f->dp == k->sp && addr_cmp(&f->src, &k->dst) == 0 &&
	    addr_cmp(&f->dst, &k->src) == 0)
		return -1;
	return 0;
}
