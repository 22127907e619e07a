/*
 * ppp — PPP frames (link types 9 and 50, GRE v1 payloads) and the PPP
 * protocol dispatch PPPoE sessions share.
 *
 * Reads only the `len` bytes it is given.  The HDLC address/control bytes
 * (0xff 0x03) are optional and the protocol field may be compressed to one
 * byte (RFC 1661).  IPv4, IPv6 and VJ-uncompressed TCP are followed; other
 * assigned network protocols are ppp.unsup_proto, the rest ppp.wrong_type.
 * Link and network control protocols (0x8000 and up: LCP, IPCP, CCP, ...)
 * are ordinary PPP operation and raise nothing, as in Suricata >= 7.0.12
 * (suricata-verify "pppoe" expects no alert on LCP/IPCP/CCP).
 */
#include "decode/layers.h"

enum {
	PPP_IP = 0x0021,
	PPP_VJ_COMP = 0x002d,
	PPP_VJ_UCOMP = 0x002f,
	PPP_IPV6 = 0x0057,
	IPV4_MIN = 20,
	IPV6_MIN = 40,
};

/* Control and network protocols we know but do not decode. */
static bool ppp_proto_known(uint16_t proto)
{
	static const uint16_t known[] = {
		PPP_VJ_COMP, 0x002b, 0x0023, 0x0025, 0x0027, 0x0029, 0x002b, 0x0031,
		0x0033, 0x0035, 0x00fb, 0x00fd, 0x0201, 0x0203, 0x0231, 0x0281,
		0x0283, 0x8021, 0x8023, 0x8025, 0x8027, 0x8029, 0x802b, 0x8031,
		0x8033, 0x8035, 0x8057, 0x8281, 0x80fb, 0x80fd, 0xc021, 0xc023,
		0xc025, 0xc223,
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (known[i] == proto)
			return true;
	}
	return false;
}

void decode_ppp_proto(struct packet *p, struct decode_stats *st, uint16_t proto,
		      const uint8_t *d, uint32_t len)
{
	switch (proto) {
	case PPP_IP:
		if (len < IPV4_MIN) {
			decode_set_invalid(p, DECODE_EV_PPP_IP4_PKT_TOO_SMALL);
			return;
		}
		decode_ipv4(p, st, d, len);
		return;
	case PPP_IPV6:
		if (len < IPV6_MIN) {
			decode_set_invalid(p, DECODE_EV_PPP_IP6_PKT_TOO_SMALL);
			return;
		}
		decode_ipv6(p, st, d, len);
		return;
	case PPP_VJ_UCOMP:
		if (len < IPV4_MIN) {
			decode_set_invalid(p, DECODE_EV_PPP_VJU_PKT_TOO_SMALL);
			return;
		}
		if ((d[0] >> 4) == 4)
			decode_ipv4(p, st, d, len);
		return;
	default:
		if (ppp_proto_known(proto) && proto >= 0x8000)
			return;
		if (ppp_proto_known(proto))
			decode_set_event(p, DECODE_EV_PPP_UNSUP_PROTO);
		else
			decode_set_invalid(p, DECODE_EV_PPP_WRONG_TYPE);
		return;
	}
}

void decode_ppp(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->ppp++;
	if (len < 1) {
		decode_set_invalid(p, DECODE_EV_PPP_PKT_TOO_SMALL);
		return;
	}
	uint32_t off = 0;
	if (d[0] == 0xff) {
		off = 2; /* HDLC address and control */
		if (len < 3) {
			decode_set_invalid(p, DECODE_EV_PPP_PKT_TOO_SMALL);
			return;
		}
	}
	uint16_t proto;
	if (d[off] & 0x01) {
		proto = d[off]; /* compressed one-byte protocol */
		off += 1;
	} else {
		if (len - off < 2) {
			decode_set_invalid(p, DECODE_EV_PPP_PKT_TOO_SMALL);
			return;
		}
		proto = rd16(d + off);
		off += 2;
	}
	decode_ppp_proto(p, st, proto, d + off, len - off);
}
