/*
 * Unit tests for decode/icmpv4.c and decode/icmpv6.c: real messages,
 * truncations, type/code events and the quoted original datagram of
 * error messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "support/decode_test.h"

/* icmp-hdr-01/input.pcap frame 1: ICMP router advertisement (type 9)
 * 14.80.84.66 -> 255.255.255.255, 60 bytes with Ethernet padding. */
static const uint8_t router_adv[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x0b, 0x45, 0xb3, 0xf7, 0xfc,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x24, 0xa1, 0xdd, 0x00, 0x00, 0x01, 0x01,
	0xb5, 0x6a, 0x0e, 0x50, 0x54, 0x42, 0xff, 0xff, 0xff, 0xff, 0x09, 0x00,
	0x93, 0x61, 0x01, 0x02, 0x00, 0x0a, 0x0e, 0x50, 0x54, 0x42, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* eve-tag-01/input.pcap frame 26, first 70 bytes, with the outer IPv4
 * total length changed from 576 to 56 to match: ICMP destination
 * unreachable / fragmentation needed (3/4) 192.168.1.1 -> 10.10.1.4,
 * quoting IPv4 10.10.1.4 -> 74.53.140.153 TCP 1470 -> 25. */
static const uint8_t unreach[] = {
	0x00, 0xe0, 0x1c, 0x3c, 0x17, 0xc2, 0x00, 0x1f, 0x33, 0xd9, 0x81, 0x60,
	0x08, 0x00, 0x45, 0xc0, 0x00, 0x38, 0x45, 0x19, 0x00, 0x00, 0x3f, 0x01,
	0x67, 0x2d, 0xc0, 0xa8, 0x01, 0x01, 0x0a, 0x0a, 0x01, 0x04, 0x03, 0x04,
	0xc9, 0x4e, 0x00, 0x00, 0x05, 0xd4, 0x45, 0x00, 0x05, 0xdc, 0x25, 0x4f,
	0x40, 0x00, 0x7e, 0x06, 0xef, 0xf0, 0x0a, 0x0a, 0x01, 0x04, 0x4a, 0x35,
	0x8c, 0x99, 0x05, 0xbe, 0x00, 0x19, 0x7e, 0xc4, 0x54, 0x47,
};

static void test_router_adv(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, router_adv, sizeof(router_adv));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 9);
	assert_int_equal(p.icmp.code, 0);
	assert_false(p.icmp.has_id);
	assert_false(p.icmp.has_inner);
	assert_int_equal(p.l4_len, 16);
	assert_int_equal(st.icmpv4, 1);
	assert_true(decode_icmpv4_checksum_ok(&p));
	dtest_free();
}

static void test_unreachable_inner(void **state)
{
	struct packet p;
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, unreach, sizeof(unreach));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 3);
	assert_int_equal(p.icmp.code, 4);
	assert_true(p.icmp.has_inner);
	assert_int_equal(p.icmp.inner_proto, 6);
	assert_memory_equal(p.icmp.inner_src.bytes, ((uint8_t[]){10, 10, 1, 4}), 4);
	assert_memory_equal(p.icmp.inner_dst.bytes, ((uint8_t[]){74, 53, 140, 153}), 4);
	assert_int_equal(p.icmp.inner_sp, 1470);
	assert_int_equal(p.icmp.inner_dp, 25);
	dtest_free();
}

static void test_icmpv4_truncations(void **state)
{
	/* Shorten the ICMP part by fixing the IP length. */
	for (uint32_t ilen = 0; ilen < 36; ilen++) {
		uint8_t f[sizeof(unreach)];
		memcpy(f, unreach, sizeof(f));
		f[17] = (uint8_t)(20 + ilen);
		struct packet p;
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, 34 + ilen);
		/* exactly 8 bytes: nothing quoted, nothing checked (as Suricata) */
		bool cut = ilen < 8 || (ilen > 8 && ilen < 28);
		assert_int_equal(dtest_event_count(&p), cut ? 1 : 0);
		assert_int_equal(p.invalid, cut);
		if (ilen < 8) {
			assert_int_equal(p.events[0], DECODE_EV_ICMPV4_PKT_TOO_SMALL);
		} else if (cut) {
			assert_int_equal(p.events[0], DECODE_EV_ICMPV4_IPV4_TRUNC_PKT);
			assert_false(p.icmp.has_inner);
		}
	}
	/* 28..31 quoted bytes: inner addresses but no ports yet */
	uint8_t f[sizeof(unreach)];
	memcpy(f, unreach, sizeof(f));
	f[17] = 20 + 8 + 22;
	struct packet p;
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, 34 + 30);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_true(p.icmp.has_inner);
	assert_int_equal(p.icmp.inner_sp, 0);
	dtest_free();
}

static void test_icmpv4_events(void **state)
{
	uint8_t f[sizeof(unreach)];
	struct packet p;
	memcpy(f, unreach, sizeof(f));
	f[35] = 16; /* unreachable code 16 */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV4_UNKNOWN_CODE));
	memcpy(f, unreach, sizeof(f));
	f[34] = 42; /* type 42 */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV4_UNKNOWN_TYPE));
	memcpy(f, unreach, sizeof(f));
	f[42] = 0x65; /* quoted header claims version 6 */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV4_IPV4_UNKNOWN_VER));
	assert_false(p.icmp.has_inner);
	memcpy(f, router_adv, 50);
	f[38] = 2; /* two addresses of 2 words announced, one present */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, 50);
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV4_IPV4_TRUNC_PKT));
	assert_false(p.invalid);
	memcpy(f, unreach, sizeof(f));
	f[34] = 12; /* parameter problem ... */
	f[35] = 1;  /* ... code 1: Suricata only accepts 0 */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV4_UNKNOWN_CODE));
	f[35] = 0;
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_true(p.icmp.has_inner);
	dtest_free();
}

static void decode_icmp6(struct packet *p, const uint8_t *msg, size_t n, uint8_t hlim)
{
	uint8_t pkt[256];
	size_t len = dtest_ipv6(pkt, 58, msg, n);
	pkt[7] = hlim;
	dtest_decode(p, NULL, LINKTYPE_IPV6, pkt, (uint32_t)len);
}

static void test_icmpv6(void **state)
{
	struct packet p;
	/* packet too big, MTU 1280, quoting an IPv6/UDP header */
	uint8_t ptb[8 + 48] = {2, 0, 0, 0, 0, 0, 0x05, 0x00};
	static const uint8_t udp8[8] = {0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00};
	dtest_ipv6(ptb + 8, 17, udp8, 8);
	decode_icmp6(&p, ptb, sizeof(ptb), 64);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 2);
	assert_int_equal(p.icmp.mtu_hi, 0);
	assert_int_equal(p.icmp.mtu_lo, 1280);
	assert_true(p.icmp.has_inner);
	assert_int_equal(p.icmp.inner_proto, 17);
	assert_int_equal(p.icmp.inner_sp, 12345);
	assert_int_equal(p.icmp.inner_dp, 53);
	assert_int_equal(p.icmp.inner_src.family, 6);

	decode_icmp6(&p, ptb, 8 + 39, 64);
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV6_IPV6_TRUNC_PKT));
	ptb[8] = 0x45;
	decode_icmp6(&p, ptb, sizeof(ptb), 64);
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV6_IPV6_UNKNOWN_VERSION));
	ptb[1] = 1;
	decode_icmp6(&p, ptb, sizeof(ptb), 64);
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV6_UNKNOWN_CODE));

	uint8_t mld[24] = {131, 0};
	decode_icmp6(&p, mld, sizeof(mld), 1);
	assert_int_equal(dtest_event_count(&p), 0);
	decode_icmp6(&p, mld, sizeof(mld), 64);
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV6_MLD_MESSAGE_WITH_INVALID_HL));

	uint8_t m[8] = {100, 0};
	decode_icmp6(&p, m, sizeof(m), 64);
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV6_EXPERIMENTATION_TYPE));
	m[0] = 50;
	decode_icmp6(&p, m, sizeof(m), 64);
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV6_UNASSIGNED_TYPE));
	m[0] = 127;
	decode_icmp6(&p, m, sizeof(m), 64);
	assert_true(decode_has_event(&p, DECODE_EV_ICMPV6_UNKNOWN_TYPE));
	m[0] = 128;
	m[4] = 0x12;
	m[5] = 0x34;
	m[7] = 9;
	decode_icmp6(&p, m, sizeof(m), 64);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_true(p.icmp.has_id);
	assert_int_equal(p.icmp.id, 0x1234);
	assert_int_equal(p.icmp.seq, 9);
	for (size_t n = 0; n < 8; n++) {
		decode_icmp6(&p, m, n, 64);
		assert_true(decode_has_event(&p, DECODE_EV_ICMPV6_PKT_TOO_SMALL));
		assert_true(p.invalid);
	}
	dtest_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_router_adv),      cmocka_unit_test(test_unreachable_inner),
		cmocka_unit_test(test_icmpv4_truncations), cmocka_unit_test(test_icmpv4_events),
		cmocka_unit_test(test_icmpv6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
