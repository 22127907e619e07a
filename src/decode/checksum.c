/*
 * checksum — Internet checksum validation for `-k all`: IPv4 header, and
 * TCP, UDP, ICMPv4 and ICMPv6 with their IPv4/IPv6 pseudo headers.
 *
 * Reads only the bytes the decoder already bounded: ip_hdr[0 ..
 * ip_hdr_len) and l4_hdr[0 .. l4_len).  A packet whose layer was not
 * decoded is "not ok": there is nothing to validate.
 */
#include "decode/decode.h"
#include "decode/layers.h"

static uint32_t sum_bytes(uint32_t sum, const uint8_t *b, uint32_t len)
{
	uint32_t i = 0;
	for (; i + 1 < len; i += 2)
		sum += rd16(b + i);
	if (i < len)
		sum += (uint32_t)b[i] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Sum of the pseudo header for an upper-layer packet of l4_len bytes. */
static uint32_t pseudo_sum(const struct packet *p, uint8_t proto)
{
	uint32_t sum = 0;
	if (p->ip_version == 4) {
		sum = sum_bytes(sum, p->src.bytes, 4);
		sum = sum_bytes(sum, p->dst.bytes, 4);
		sum += proto;
		sum += p->l4_len & 0xffff;
	} else {
		sum = sum_bytes(sum, p->src.bytes, 16);
		sum = sum_bytes(sum, p->dst.bytes, 16);
		sum += p->l4_len >> 16;
		sum += p->l4_len & 0xffff;
		sum += proto;
	}
	return sum;
}

static bool l4_ok(const struct packet *p, uint8_t proto, bool pseudo)
{
	if (p->l4_hdr == NULL || p->ip_version == 0 || p->is_fragment)
		return false;
	uint32_t sum = pseudo ? pseudo_sum(p, proto) : 0;
	sum = sum_bytes(sum, p->l4_hdr, p->l4_len);
	return fold(sum) == 0xffff;
}

bool decode_ipv4_checksum_ok(const struct packet *p)
{
	if (p->ip_version != 4 || p->ip_hdr == NULL)
		return false;
	return fold(sum_bytes(0, p->ip_hdr, p->ip_hdr_len)) == 0xffff;
}

bool decode_tcp_checksum_ok(const struct packet *p)
{
	return p->proto == IPPROTO_NUM_TCP && l4_ok(p, IPPROTO_NUM_TCP, true);
}

bool decode_udp_checksum_ok(const struct packet *p)
{
	if (p->proto != IPPROTO_NUM_UDP || p->l4_hdr == NULL || p->l4_len < 8)
		return false;
	/* A zero UDP checksum over IPv4 means "not computed". */
	if (p->ip_version == 4 && rd16(p->l4_hdr + 6) == 0)
		return true;
	return l4_ok(p, IPPROTO_NUM_UDP, true);
}

bool decode_icmpv4_checksum_ok(const struct packet *p)
{
	return p->proto == IPPROTO_NUM_ICMP && l4_ok(p, IPPROTO_NUM_ICMP, false);
}

bool decode_icmpv6_checksum_ok(const struct packet *p)
{
	return p->proto == IPPROTO_NUM_ICMPV6 && p->ip_version == 6 &&
	       l4_ok(p, IPPROTO_NUM_ICMPV6, true);
}
