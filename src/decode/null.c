/*
 * null — BSD loopback encapsulation (link types NULL 0 and LOOP 108): a
 * 4-byte address family, in the capturing host's byte order for NULL and
 * network order for LOOP.
 *
 * Reads only the `len` bytes it is given.  Because a file's byte order is
 * not that of the host that wrote it, the family is accepted in either
 * order.  AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 depending on
 * the BSD (and 10 on Linux).
 */
#include "decode/layers.h"

enum { NULL_HDR_LEN = 4 };

static int null_family_version(uint32_t fam)
{
	switch (fam) {
	case 2: return 4;
	case 10:
	case 24:
	case 28:
	case 30: return 6;
	default: return 0;
	}
}

void decode_null(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->null++;
	if (len < NULL_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_LTNULL_PKT_TOO_SMALL);
		return;
	}
	uint32_t be = rd32(d);
	uint32_t le = (uint32_t)d[0] | ((uint32_t)d[1] << 8) | ((uint32_t)d[2] << 16) |
		      ((uint32_t)d[3] << 24);
	int version = null_family_version(be);
	if (version == 0)
		version = null_family_version(le);
	switch (version) {
	case 4: decode_ipv4(p, st, d + NULL_HDR_LEN, len - NULL_HDR_LEN); return;
	case 6: decode_ipv6(p, st, d + NULL_HDR_LEN, len - NULL_HDR_LEN); return;
	default: decode_set_invalid(p, DECODE_EV_LTNULL_UNSUPPORTED_TYPE); return;
	}
}
