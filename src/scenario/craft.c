/*
 * craft — Ethernet/IP/TCP/UDP/ICMP header builders and the emitters that
 * turn one logical packet into frames.  See craft.h.
 *
 * Every builder writes into a caller's stack frame of SC_MTU + 14 bytes or
 * less; payloads that would not fit are fragmented (UDP over IPv4) or
 * segmented by the TCP session writer before they reach here.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/craft.h"

#define ETH_LEN 14
#define IPV4_LEN 20
#define IPV6_LEN 40
#define FRAME_MAX (ETH_LEN + SC_MTU)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

uint16_t craft_inet_checksum(const uint8_t *p, size_t n)
{
	return fold(sum16(p, n, 0));
}

uint16_t craft_l4_checksum(const struct sc_host *src, const struct sc_host *dst, uint8_t proto,
			   const uint8_t *l4, size_t len)
{
	uint32_t acc = 0;
	if (src->v6) {
		acc = sum16(src->ip, 16, acc);
		acc = sum16(dst->ip, 16, acc);
		acc += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
	} else {
		acc = sum16(src->ip, 4, acc);
		acc = sum16(dst->ip, 4, acc);
		acc += (uint32_t)len;
	}
	acc += proto;
	uint16_t ck = fold(sum16(l4, len, acc));
	/* UDP sends a computed zero as all ones (RFC 768). */
	if (ck == 0 && proto == 17)
		ck = 0xffff;
	return ck;
}

int sc_host_init(struct sc_host *h, struct sc_rng *r, const char *name, const char *addr,
		 const uint8_t mac[6], uint8_t ttl)
{
	/* Vendor prefixes seen on enterprise and hospital LANs. */
	static const uint8_t ouis[][3] = {
	    {0xf8, 0xbc, 0x12}, /* Dell */
	    {0x3c, 0x52, 0x82}, /* HP */
	    {0x00, 0x50, 0x56}, /* VMware */
	    {0x00, 0x1b, 0x21}, /* Intel */
	    {0x28, 0x63, 0x36}, /* Siemens */
	    {0x00, 0x0c, 0x29}, /* VMware */
	};
	memset(h, 0, sizeof(*h));
	h->name = name;
	if (inet_pton(AF_INET, addr, h->ip) == 1) {
		h->v6 = false;
	} else if (inet_pton(AF_INET6, addr, h->ip) == 1) {
		h->v6 = true;
	} else {
		return -1;
	}
	if (mac) {
		memcpy(h->mac, mac, 6);
	} else {
		const uint8_t *o = ouis[sc_rng_below(r, sizeof(ouis) / sizeof(ouis[0]))];
		memcpy(h->mac, o, 3);
		sc_rng_bytes(r, h->mac + 3, 3);
	}
	h->ttl = ttl ? ttl : 64;
	h->ip_id = (uint16_t)sc_rng_next(r);
	h->next_port = (uint16_t)sc_rng_range(r, 49152, 60000);
	return 0;
}

void sc_host_addr_str(const struct sc_host *h, char *out, size_t outlen)
{
	if (!inet_ntop(h->v6 ? AF_INET6 : AF_INET, h->ip, out, (socklen_t)outlen))
		snprintf(out, outlen, "?");
}

bool sc_host_is_private(const struct sc_host *h)
{
	if (h->v6)
		return (h->ip[0] & 0xfe) == 0xfc;
	return h->ip[0] == 10 || (h->ip[0] == 172 && (h->ip[1] & 0xf0) == 16) ||
	       (h->ip[0] == 192 && h->ip[1] == 168);
}

/*
 * The sensor is a SPAN of the site's core router: a frame between two inside
 * subnets is seen on its way in, from the sender's MAC to the router's.
 */
static const uint8_t core_router_mac[6] = {0x00, 0x1b, 0x54, 0x3a, 0x10, 0x01};

static const uint8_t *next_hop_mac(const struct sc_host *src, const struct sc_host *dst)
{
	if (!src->v6 && !dst->v6 && sc_host_is_private(src) && sc_host_is_private(dst) &&
	    memcmp(src->ip, dst->ip, 3) != 0)
		return core_router_mac;
	return dst->mac;
}

size_t craft_eth_ip(uint8_t *out, const struct craft_ip *ip, size_t l4len)
{
	memcpy(out, next_hop_mac(ip->src, ip->dst), 6);
	memcpy(out + 6, ip->src->mac, 6);
	uint8_t *h = out + ETH_LEN;
	if (ip->src->v6) {
		put16(out + 12, 0x86dd);
		put32(h, 0x60000000u | (uint32_t)ip->tos << 20);
		put16(h + 4, (uint16_t)l4len);
		h[6] = ip->proto;
		h[7] = ip->ttl ? ip->ttl : ip->src->ttl;
		memcpy(h + 8, ip->src->ip, 16);
		memcpy(h + 24, ip->dst->ip, 16);
		return ETH_LEN + IPV6_LEN;
	}
	put16(out + 12, 0x0800);
	h[0] = 0x45;
	h[1] = ip->tos;
	put16(h + 2, (uint16_t)(IPV4_LEN + l4len));
	put16(h + 4, ip->id);
	put16(h + 6,
	      (uint16_t)((ip->df ? 0x4000 : 0) | (ip->mf ? 0x2000 : 0) | (ip->frag_off8 & 0x1fff)));
	h[8] = ip->ttl ? ip->ttl : ip->src->ttl;
	h[9] = ip->proto;
	put16(h + 10, 0);
	memcpy(h + 12, ip->src->ip, 4);
	memcpy(h + 16, ip->dst->ip, 4);
	put16(h + 10, craft_inet_checksum(h, IPV4_LEN));
	return ETH_LEN + IPV4_LEN;
}

void sc_emit_udp_fragmented(struct sc_ctx *c, uint64_t ts, struct sc_host *src, uint16_t sport,
			    struct sc_host *dst, uint16_t dport, const uint8_t *payload, size_t len,
			    size_t frag_payload)
{
	/* The whole datagram (header + payload) is built first, then cut. */
	size_t total = 8 + len;
	if (total > 65535 - IPV4_LEN || src->v6)
		return;
	uint8_t *dgram = malloc(total);
	if (!dgram) {
		c->oom = true;
		return;
	}
	put16(dgram, sport);
	put16(dgram + 2, dport);
	put16(dgram + 4, (uint16_t)total);
	put16(dgram + 6, 0);
	if (len)
		memcpy(dgram + 8, payload, len);
	put16(dgram + 6, craft_l4_checksum(src, dst, 17, dgram, total));

	frag_payload &= ~(size_t)7;
	if (frag_payload == 0 || frag_payload > SC_MTU - IPV4_LEN)
		frag_payload = (SC_MTU - IPV4_LEN) & ~(size_t)7;
	uint16_t id = src->ip_id++;
	uint8_t frame[FRAME_MAX];
	for (size_t off = 0; off < total; off += frag_payload) {
		size_t n = total - off < frag_payload ? total - off : frag_payload;
		struct craft_ip ip = {.src = src,
				      .dst = dst,
				      .proto = 17,
				      .id = id,
				      .mf = off + n < total,
				      .frag_off8 = (uint16_t)(off / 8)};
		size_t hl = craft_eth_ip(frame, &ip, n);
		memcpy(frame + hl, dgram + off, n);
		sc_emit_frame(c, ts, frame, hl + n);
		ts += 12; /* back-to-back on the wire */
	}
	free(dgram);
}

void sc_emit_udp(struct sc_ctx *c, uint64_t ts, struct sc_host *src, uint16_t sport,
		 struct sc_host *dst, uint16_t dport, const uint8_t *payload, size_t len)
{
	size_t hdr = src->v6 ? IPV6_LEN : IPV4_LEN;
	if (!src->v6 && hdr + 8 + len > SC_MTU) {
		sc_emit_udp_fragmented(c, ts, src, sport, dst, dport, payload, len, 0);
		return;
	}
	if (hdr + 8 + len > SC_MTU)
		return; /* IPv6 fragmentation is not needed by any scenario */
	uint8_t frame[FRAME_MAX];
	struct craft_ip ip = {.src = src, .dst = dst, .proto = 17, .id = src->ip_id++, .df = false};
	size_t hl = craft_eth_ip(frame, &ip, 8 + len);
	uint8_t *u = frame + hl;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + len));
	put16(u + 6, 0);
	if (len)
		memcpy(u + 8, payload, len);
	put16(u + 6, craft_l4_checksum(src, dst, 17, u, 8 + len));
	sc_emit_frame(c, ts, frame, hl + 8 + len);
}

void sc_emit_echo(struct sc_ctx *c, uint64_t ts, struct sc_host *src, struct sc_host *dst,
		  bool reply, uint16_t ident, uint16_t seq, const uint8_t *data, size_t len)
{
	uint8_t frame[FRAME_MAX];
	if (len > 1000)
		len = 1000;
	uint8_t proto = src->v6 ? 58 : 1;
	struct craft_ip ip = {
	    .src = src, .dst = dst, .proto = proto, .id = src->ip_id++, .df = !src->v6};
	size_t hl = craft_eth_ip(frame, &ip, 8 + len);
	uint8_t *m = frame + hl;
	if (src->v6)
		m[0] = reply ? 129 : 128;
	else
		m[0] = reply ? 0 : 8;
	m[1] = 0;
	put16(m + 2, 0);
	put16(m + 4, ident);
	put16(m + 6, seq);
	if (len)
		memcpy(m + 8, data, len);
	uint16_t ck =
	    src->v6 ? craft_l4_checksum(src, dst, 58, m, 8 + len) : craft_inet_checksum(m, 8 + len);
	put16(m + 2, ck);
	sc_emit_frame(c, ts, frame, hl + 8 + len);
}

void sc_emit_tcp(struct sc_ctx *c, uint64_t ts, struct sc_host *src, uint16_t sport,
		 struct sc_host *dst, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		 uint16_t win, const uint8_t *payload, size_t len)
{
	uint8_t frame[FRAME_MAX];
	size_t optlen = (flags & TCP_SYN) ? 8 : 0;
	size_t thl = 20 + optlen;
	size_t hdr = src->v6 ? IPV6_LEN : IPV4_LEN;
	if (hdr + thl + len > SC_MTU)
		return;
	struct craft_ip ip = {.src = src, .dst = dst, .proto = 6, .id = src->ip_id++, .df = true};
	size_t hl = craft_eth_ip(frame, &ip, thl + len);
	uint8_t *t = frame + hl;
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, (flags & TCP_ACK) ? ack : 0);
	t[12] = (uint8_t)((thl / 4) << 4);
	t[13] = flags;
	put16(t + 14, win);
	put16(t + 16, 0);
	put16(t + 18, 0);
	if (optlen) {
		/* MSS, NOP, NOP, SACK permitted */
		uint16_t mss = (uint16_t)(SC_MTU - hdr - 20);
		uint8_t o[8] = {2, 4, (uint8_t)(mss >> 8), (uint8_t)mss, 1, 1, 4, 2};
		memcpy(t + 20, o, 8);
	}
	if (len)
		memcpy(t + thl, payload, len);
	put16(t + 16, craft_l4_checksum(src, dst, 6, t, thl + len));
	sc_emit_frame(c, ts, frame, hl + thl + len);
}

uint16_t sc_ephemeral_port(struct sc_rng *r)
{
	return (uint16_t)sc_rng_range(r, 49152, 65000);
}

uint16_t sc_host_port(struct sc_host *h)
{
	uint16_t p = h->next_port;
	h->next_port = h->next_port >= 65535 ? 49152 : (uint16_t)(h->next_port + 1);
	return p;
}

uint64_t sc_think(struct sc_rng *r, unsigned lo_ms, unsigned hi_ms)
{
	return sc_rng_range(r, (uint64_t)lo_ms * SC_MS, (uint64_t)hi_ms * SC_MS);
}
