/*
 * eve-community — the Community ID flow hash (version 1, as Corelight's
 * specification and Suricata's EVE "community_id" define it): SHA-1 over
 * the seed, the two addresses and ports in a canonical order, the IP
 * protocol and a padding byte, base64-encoded after "1:".  ICMP uses the
 * type as the source port and the code (or, for request/response types,
 * the matching type) as the destination port, so both directions of an
 * exchange get one id.  Written on every event that has a flow or a
 * packet when eve-log's community-id is on.
 */
#include <openssl/evp.h>
#include <string.h>

#include "output/eve.h"

/* ICMP request/response pairs: the other type of the pair, -1 when the
 * type is one-way. */
static int icmp4_other(uint8_t type)
{
	switch (type) {
	case 8: return 0;
	case 0: return 8;
	case 13: return 14;
	case 14: return 13;
	case 15: return 16;
	case 16: return 15;
	case 10: return 9;
	case 9: return 10;
	case 17: return 18;
	case 18: return 17;
	default: return -1;
	}
}

static int icmp6_other(uint8_t type)
{
	switch (type) {
	case 128: return 129;
	case 129: return 128;
	case 133: return 134;
	case 134: return 133;
	case 135: return 136;
	case 136: return 135;
	case 130: return 131;
	case 131: return 130;
	case 144: return 145;
	case 145: return 144;
	case 139: return 140;
	case 140: return 139;
	default: return -1;
	}
}

/* (a, pa) < (b, pb) in address, then port, order. */
static bool less(const struct ip_addr *a, uint16_t pa, const struct ip_addr *b, uint16_t pb,
		 size_t alen)
{
	int c = memcmp(a->bytes, b->bytes, alen);
	return c < 0 || (c == 0 && pa < pb);
}

bool eve_community_id(const struct ip_addr *src, uint16_t sp, const struct ip_addr *dst,
		      uint16_t dp, uint8_t proto, uint8_t icmp_type, uint8_t icmp_code,
		      uint16_t seed, char out[EVE_COMMUNITY_ID_LEN])
{
	size_t alen = src->family == 6 ? 16 : src->family == 4 ? 4 : 0;
	if (alen == 0 || dst->family != src->family)
		return false;
	bool ports = proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58;
	bool one_way = false;
	if (proto == 1 || proto == 58) {
		int other = proto == 1 ? icmp4_other(icmp_type) : icmp6_other(icmp_type);
		sp = icmp_type;
		dp = other >= 0 ? (uint16_t)other : icmp_code;
		one_way = other < 0;
	}
	if (!one_way && !less(src, sp, dst, dp, alen)) {
		const struct ip_addr *t = src;
		src = dst;
		dst = t;
		uint16_t tp = sp;
		sp = dp;
		dp = tp;
	}
	uint8_t buf[2 + 16 + 16 + 2 + 4], *b = buf;
	*b++ = (uint8_t)(seed >> 8);
	*b++ = (uint8_t)seed;
	memcpy(b, src->bytes, alen);
	b += alen;
	memcpy(b, dst->bytes, alen);
	b += alen;
	*b++ = proto;
	*b++ = 0;
	if (ports) {
		*b++ = (uint8_t)(sp >> 8);
		*b++ = (uint8_t)sp;
		*b++ = (uint8_t)(dp >> 8);
		*b++ = (uint8_t)dp;
	}
	unsigned char md[20];
	unsigned int mdlen = 0;
	if (EVP_Digest(buf, (size_t)(b - buf), md, &mdlen, EVP_sha1(), NULL) != 1 || mdlen != 20)
		return false;
	memcpy(out, "1:", 2);
	EVP_EncodeBlock((unsigned char *)out + 2, md, 20); /* 28 characters and a NUL */
	return true;
}
