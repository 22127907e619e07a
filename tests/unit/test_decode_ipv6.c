/*
 * Unit tests for decode/ipv6.c (and decode/null.c for the capture it
 * comes from): a real IPv6 TCP SYN, every truncation of it, and the
 * extension-header events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "support/decode_test.h"

/* http-ipv6/input.pcap frame 1 (BSD NULL, family 30 little-endian): IPv6
 * ::1:55717 -> ::1:8000 TCP SYN with MSS 16324, WS 5, TS, SACK-perm. */
static const uint8_t null_syn[] = {
	0x1e, 0x00, 0x00, 0x00, 0x60, 0x00, 0xc5, 0x7a, 0x00, 0x2c, 0x06, 0x40,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xd9, 0xa5, 0x1f, 0x40,
	0x11, 0xb0, 0xc5, 0x40, 0x00, 0x00, 0x00, 0x00, 0xb0, 0x02, 0xff, 0xff,
	0x00, 0x34, 0x00, 0x00, 0x02, 0x04, 0x3f, 0xc4, 0x01, 0x03, 0x03, 0x05,
	0x01, 0x01, 0x08, 0x0a, 0x2d, 0xf1, 0x18, 0xd2, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x02, 0x00, 0x00,
};

static const uint8_t udp8[8] = {0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00};

static void test_valid(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_NULL, null_syn, sizeof(null_syn));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.ip_version, 6);
	assert_int_equal(p.ip_len, 84);
	assert_int_equal(p.ip_hdr_len, 40);
	assert_int_equal(p.ttl, 64);
	assert_int_equal(p.ip6.flow_label, 0xc57a);
	assert_int_equal(p.proto, 6);
	assert_int_equal(p.src.family, 6);
	assert_int_equal(p.src.bytes[15], 1);
	char buf[64];
	assert_string_equal(decode_addr_str(&p.dst, buf, sizeof(buf)), "::1");
	assert_int_equal(p.sp, 55717);
	assert_int_equal(p.dp, 8000);
	assert_int_equal(p.tcp.mss, 16324);
	assert_int_equal(p.tcp.wscale, 5);
	assert_true(p.tcp.has_sackok);
	assert_int_equal(p.tcp.ts_val, 0x2df118d2);
	assert_int_equal(st.null, 1);
	assert_int_equal(st.ipv6, 1);
	/* Captured on loopback with checksum offload: Wireshark reports the
	 * TCP checksum (0x0034) bad too. */
	assert_false(decode_tcp_checksum_ok(&p));

	/* The same family in network byte order (LOOP) decodes the same. */
	uint8_t f[sizeof(null_syn)];
	memcpy(f, null_syn, sizeof(f));
	f[0] = 0;
	f[3] = 30;
	dtest_decode(&p, NULL, LINKTYPE_LOOP, f, sizeof(f));
	assert_int_equal(p.dp, 8000);
	f[3] = 99;
	dtest_decode(&p, NULL, LINKTYPE_NULL, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_LTNULL_UNSUPPORTED_TYPE));
	dtest_free();
}

static void test_truncations(void **state)
{
	for (uint32_t len = 0; len < sizeof(null_syn); len++) {
		struct packet p;
		dtest_decode(&p, NULL, LINKTYPE_NULL, null_syn, len);
		assert_true(p.invalid);
		assert_int_equal(dtest_event_count(&p), 1);
		enum decode_event want = len < 4    ? DECODE_EV_LTNULL_PKT_TOO_SMALL
					 : len < 44 ? DECODE_EV_IPV6_PKT_TOO_SMALL
						    : DECODE_EV_IPV6_TRUNC_PKT;
		assert_int_equal(p.events[0], want);
	}
	uint8_t f[sizeof(null_syn)];
	memcpy(f, null_syn, sizeof(f));
	f[4] = 0x40;
	struct packet p;
	dtest_decode(&p, NULL, LINKTYPE_NULL, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_WRONG_IP_VERSION));
	dtest_free();
}

/* Decodes an IPv6 packet whose body starts with the given headers. */
static void decode6(struct packet *p, uint8_t nh, const uint8_t *body, size_t n)
{
	uint8_t pkt[256];
	size_t len = dtest_ipv6(pkt, nh, body, n);
	dtest_decode(p, NULL, LINKTYPE_IPV6, pkt, (uint32_t)len);
}

static void test_hop_by_hop(void **state)
{
	struct packet p;
	/* HBH: router alert (5, len 2), Pad1 x2 -> 8 bytes, then UDP */
	uint8_t b[16] = {17, 0, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00};
	memcpy(b + 8, udp8, 8);
	decode6(&p, 0, b, sizeof(b));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.ip6.exthdrs, IP6_EXT_HOPOPTS);
	assert_int_equal(p.ip_hdr_len, 48);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.dp, 53);

	/* Only padding: PadN of 4, Pad1 x2 */
	uint8_t pad[16] = {17, 0, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00};
	memcpy(pad + 8, udp8, 8);
	decode6(&p, 0, pad, sizeof(pad));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_HOPOPTS_ONLY_PADDING));
	assert_int_equal(p.dp, 53);

	/* Zero-length PadN plus an unknown option type 0x3e */
	uint8_t unk[16] = {17, 0, 0x01, 0x00, 0x3e, 0x02, 0x00, 0x00};
	memcpy(unk + 8, udp8, 8);
	decode6(&p, 0, unk, sizeof(unk));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_ZERO_LEN_PADN));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_HOPOPTS_UNKNOWN_OPT));
	assert_false(decode_has_event(&p, DECODE_EV_IPV6_HOPOPTS_ONLY_PADDING));

	/* Option length past the header */
	uint8_t bad[16] = {17, 0, 0x3e, 0x09, 0x00, 0x00, 0x00, 0x00};
	memcpy(bad + 8, udp8, 8);
	decode6(&p, 0, bad, sizeof(bad));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_EXTHDR_INVALID_OPTLEN));
	assert_true(p.invalid);

	/* Two hop-by-hop headers */
	uint8_t dup[24] = {0, 0, 0x05, 0x02, 0, 0, 0x01, 0x00, 17, 0, 0x05, 0x02, 0, 0, 0x01, 0x00};
	memcpy(dup + 16, udp8, 8);
	decode6(&p, 0, dup, sizeof(dup));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_EXTHDR_DUPL_HH));
	assert_int_equal(p.dp, 53);

	/* Header length past the packet */
	uint8_t trunc[8] = {17, 1, 0x05, 0x02, 0, 0, 0x01, 0x00};
	decode6(&p, 0, trunc, sizeof(trunc));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_TRUNC_EXTHDR));
	dtest_free();
}

static void test_dstopts_routing_ah(void **state)
{
	struct packet p;
	/* three destination option headers: the third is a duplicate */
	uint8_t d3[32] = {60, 0, 0xc9, 0x04, 0, 0, 0, 0, 60, 0, 0x1e, 0x04, 0, 0, 0, 0,
			  17, 0, 0x1e, 0x04, 0, 0, 0, 0};
	memcpy(d3 + 24, udp8, 8);
	decode6(&p, 60, d3, sizeof(d3));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_EXTHDR_DUPL_DH));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_DSTOPTS_UNKNOWN_OPT));
	/* HAO (0xc9) needs 16 bytes of data: 4 is an invalid option length */
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_EXTHDR_INVALID_OPTLEN));

	/* routing type 0, then a second routing header */
	uint8_t rh[24] = {43, 0, 0, 0, 0, 0, 0, 0, 17, 0, 2, 0, 0, 0, 0, 0};
	memcpy(rh + 16, udp8, 8);
	decode6(&p, 43, rh, sizeof(rh));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_RH_TYPE_0));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_EXTHDR_DUPL_RH));
	assert_int_equal(p.ip6.exthdrs, IP6_EXT_ROUTING);
	assert_int_equal(p.dp, 53);

	/* AH (payload len 1 -> 12 bytes) with a non-zero reserved field */
	uint8_t ah[20] = {17, 1, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 1};
	memcpy(ah + 12, udp8, 8);
	decode6(&p, 51, ah, sizeof(ah));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_EXTHDR_AH_RES_NOT_NULL));
	assert_int_equal(p.ip6.exthdrs, IP6_EXT_AH);
	assert_int_equal(p.dp, 53);
	dtest_free();
}

static void test_fragment_header(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	/* offset 0, M=0: useless, decoding continues */
	uint8_t fh[16] = {17, 0, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef};
	memcpy(fh + 8, udp8, 8);
	decode6(&p, 44, fh, sizeof(fh));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_EXTHDR_USELESS_FH));
	assert_false(p.is_fragment);
	assert_int_equal(p.dp, 53);

	fh[1] = 0x05; /* reserved byte */
	decode6(&p, 44, fh, sizeof(fh));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_FH_NON_ZERO_RESERVED_FIELD));

	/* M=1, 8 data bytes: a real first fragment */
	uint8_t frag[16] = {17, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef};
	memcpy(frag + 8, udp8, 8);
	uint8_t pkt[64];
	size_t len = dtest_ipv6(pkt, 44, frag, sizeof(frag));
	dtest_decode(&p, &st, LINKTYPE_IPV6, pkt, (uint32_t)len);
	assert_true(p.is_fragment);
	assert_int_equal(p.ip_id, 0xdeadbeef);
	assert_int_equal(p.frag_flags, FRAG_MF);
	assert_int_equal(p.frag_offset, 0);
	assert_int_equal(p.proto, 44); /* Suricata's fragments carry proto 44 */
	assert_null(p.l4_hdr);
	assert_ptr_equal(p.ip6.frag_hdr, p.data + 40);
	assert_int_equal(st.frag_ipv6, 1);

	/* M=1 with 7 data bytes: a warning, still a fragment for defrag */
	decode6(&p, 44, frag, 15);
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_FRAG_INVALID_LENGTH));
	assert_false(p.invalid);
	assert_true(p.is_fragment);

	/* two fragment headers (the first useless) */
	uint8_t two[24] = {44, 0, 0, 0, 0, 0, 0, 1, 17, 0, 0, 0, 0, 0, 0, 2};
	memcpy(two + 16, udp8, 8);
	decode6(&p, 44, two, sizeof(two));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_EXTHDR_DUPL_FH));

	decode6(&p, 44, fh, 6);
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_TRUNC_EXTHDR));
	dtest_free();
}

static void test_next_header_events(void **state)
{
	struct packet p;
	static const uint8_t junk[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	decode6(&p, 59, junk, sizeof(junk));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_DATA_AFTER_NONE_HEADER));
	decode6(&p, 59, NULL, 0);
	assert_int_equal(dtest_event_count(&p), 0);
	decode6(&p, 99, junk, sizeof(junk));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_UNKNOWN_NEXT_HEADER));
	assert_int_equal(p.proto, 99);
	/* GRE is followed right after the fixed header, not past an
	 * extension header (Suricata's decoder) */
	uint8_t gre_after_hbh[16] = {47, 0, 0x05, 0x02, 0, 0, 0, 0, 0x00, 0x00, 0x08, 0x00};
	decode6(&p, 0, gre_after_hbh, sizeof(gre_after_hbh));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_UNKNOWN_NEXT_HEADER));
	decode6(&p, 47, gre_after_hbh + 8, 8);
	assert_false(decode_has_event(&p, DECODE_EV_IPV6_UNKNOWN_NEXT_HEADER));
	assert_int_equal(p.proto, 47);
	/* jumbo and padding count as padding only (Suricata's counting) */
	uint8_t jumbo[16] = {59, 1, 0xc2, 0x04, 0, 1, 0, 0, 0x01, 0x06, 0, 0, 0, 0, 0, 0};
	decode6(&p, 0, jumbo, sizeof(jumbo));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_HOPOPTS_ONLY_PADDING));
	assert_int_equal(dtest_event_count(&p), 1);
	decode6(&p, 1, junk, sizeof(junk));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_ICMPV4));
	dtest_free();
}

static void test_tunnels(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	uint8_t v4[64];
	size_t n4 = dtest_ipv4(v4, 17, NULL, 0, udp8, sizeof(udp8));
	uint8_t pkt[128];
	size_t len = dtest_ipv6(pkt, 4, v4, n4);
	dtest_decode(&p, &st, LINKTYPE_IPV6, pkt, (uint32_t)len);
	assert_int_equal(p.tunnel_inner_linktype, LINKTYPE_INNER_IPV4);
	assert_int_equal(p.tunnel_src, PKT_SRC_TUNNEL_IPV6);
	assert_int_equal(p.tunnel_inner_len, n4);
	assert_int_equal(st.ipv4_in_ipv6, 1);
	decode6(&p, 4, v4, 12); /* failed tunnels are not counted */
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_IPV4_IN_IPV6_TOO_SMALL));
	v4[0] = 0x65;
	decode6(&p, 4, v4, n4);
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_IPV4_IN_IPV6_WRONG_VERSION));

	uint8_t v6[64];
	size_t n6 = dtest_ipv6(v6, 17, udp8, sizeof(udp8));
	len = dtest_ipv6(pkt, 41, v6, n6);
	dtest_decode(&p, &st, LINKTYPE_IPV6, pkt, (uint32_t)len);
	assert_int_equal(p.tunnel_inner_linktype, LINKTYPE_INNER_IPV6);
	assert_int_equal(p.tunnel_inner_len, n6);
	assert_int_equal(st.ipv6_in_ipv6, 1);
	len = dtest_ipv6(pkt, 41, v6, 39); /* too small: not counted as a tunnel */
	dtest_decode(&p, &st, LINKTYPE_IPV6, pkt, (uint32_t)len);
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_IPV6_IN_IPV6_TOO_SMALL));
	assert_int_equal(st.ipv6_in_ipv6, 1);
	decode6(&p, 41, v6, 39);
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_IPV6_IN_IPV6_TOO_SMALL));
	v6[0] = 0x45;
	decode6(&p, 41, v6, n6);
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_IPV6_IN_IPV6_WRONG_VERSION));
	dtest_free();
}

/* Every truncation of a packet with a chain of extension headers. */
static void test_exthdr_truncations(void **state)
{
	uint8_t b[40] = {60, 0, 0x01, 0x04, 0, 0, 0, 0, 43, 0, 0x05, 0x02, 0, 0, 0x01, 0x00,
			 17, 0, 2, 0, 0, 0, 0, 0};
	memcpy(b + 24, udp8, 8);
	uint8_t pkt[128];
	size_t len = dtest_ipv6(pkt, 0, b, 32);
	for (uint32_t cut = 40; cut < len; cut++) {
		uint8_t f[128];
		memcpy(f, pkt, cut);
		f[4] = 0;
		f[5] = (uint8_t)(cut - 40);
		struct packet p;
		dtest_decode(&p, NULL, LINKTYPE_IPV6, f, cut);
		assert_true(p.invalid);
		uint32_t body = cut - 40;
		/* under 2 bytes past the last extension header is trunc_exthdr */
		enum decode_event want = body < 26   ? DECODE_EV_IPV6_TRUNC_EXTHDR
					 : body < 32 ? DECODE_EV_UDP_HLEN_TOO_SMALL
						     : DECODE_EV_MAX;
		assert_true(decode_has_event(&p, want));
	}
	dtest_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_hop_by_hop),
		cmocka_unit_test(test_dstopts_routing_ah),
		cmocka_unit_test(test_fragment_header),
		cmocka_unit_test(test_next_header_events),
		cmocka_unit_test(test_tunnels),
		cmocka_unit_test(test_exthdr_truncations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
