/*
 * Unit tests for decode/gre.c: a real GRE v0 frame, its truncations, the
 * version 0 and version 1 (PPTP) header events, and the tunnel hand-off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "support/decode_test.h"

/* bug-5633-gre-02/gre-sample.pcap frame 1: IPv4 172.27.1.66 ->
 * 66.59.109.137, GRE v0 (no options) carrying IPv4 66.59.111.190 ->
 * 172.28.2.3 ICMP echo request. */
static const uint8_t gre_frame[] = {
	0x00, 0xc0, 0xca, 0x14, 0xb0, 0x52, 0x00, 0x02, 0x2d, 0x56, 0x4a, 0xfd,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x6c, 0x00, 0x00, 0x40, 0x00, 0xff, 0x2f,
	0x1e, 0x41, 0xac, 0x1b, 0x01, 0x42, 0x42, 0x3b, 0x6d, 0x89, 0x00, 0x00,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x54, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01,
	0xda, 0x90, 0x42, 0x3b, 0x6f, 0xbe, 0xac, 0x1c, 0x02, 0x03, 0x08, 0x00,
	0x46, 0xc9, 0xcb, 0x68, 0x01, 0x00, 0x70, 0x72, 0xe6, 0x3e, 0x97, 0x19,
	0x0c, 0x00, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11,
	0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
	0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
	0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
	0x36, 0x37,
};

/* Ethernet header (MACs of gre_frame, type IPv4) for mirrored frames. */
static const uint8_t mirror_eth_hdr[14] = {0x00, 0xc0, 0xca, 0x14, 0xb0, 0x52, 0x00,
					  0x02, 0x2d, 0x56, 0x4a, 0xfd, 0x08, 0x00};

static void test_valid(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, gre_frame, sizeof(gre_frame));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.proto, 47);
	assert_int_equal(p.tunnel_src, PKT_SRC_TUNNEL_GRE);
	assert_int_equal(p.tunnel_inner_linktype, LINKTYPE_INNER_IPV4);
	assert_int_equal(p.tunnel_inner_len, 84);
	assert_ptr_equal(p.tunnel_inner, p.data + 38);
	assert_int_equal(st.gre, 1);

	struct packet in;
	dtest_decode(&in, &st, LINKTYPE_INNER_IPV4, gre_frame + 38, 84);
	assert_int_equal(dtest_event_count(&in), 0);
	assert_int_equal(in.icmp.type, 8);
	assert_int_equal(in.icmp.id, 0xcb68);
	dtest_free();
}

static void test_truncations(void **state)
{
	for (uint32_t glen = 0; glen < 4; glen++) {
		uint8_t f[sizeof(gre_frame)];
		memcpy(f, gre_frame, sizeof(f));
		f[16] = 0;
		f[17] = (uint8_t)(20 + glen);
		struct packet p;
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, 34 + glen);
		assert_true(decode_has_event(&p, DECODE_EV_GRE_PKT_TOO_SMALL));
		assert_null(p.tunnel_inner);
	}
	dtest_free();
}

/* GRE header bytes, then the inner datagram of gre_frame, in IPv4. */
static void decode_gre(struct packet *p, const uint8_t *hdr, size_t hlen, size_t inner)
{
	uint8_t body[160], dg[200];
	memcpy(body, hdr, hlen);
	memcpy(body + hlen, gre_frame + 38, inner);
	size_t len = dtest_ipv4(dg, 47, NULL, 0, body, hlen + inner);
	dtest_decode(p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
}

static void test_v0_events(void **state)
{
	struct packet p;
	static const uint8_t recur[] = {0x01, 0x00, 0x08, 0x00};
	decode_gre(&p, recur, 4, 84);
	assert_true(decode_has_event(&p, DECODE_EV_GRE_VERSION0_RECUR));
	assert_null(p.tunnel_inner);
	static const uint8_t flags[] = {0x00, 0x08, 0x08, 0x00};
	decode_gre(&p, flags, 4, 84);
	assert_true(decode_has_event(&p, DECODE_EV_GRE_VERSION0_FLAGS));
	/* checksum + key + sequence: 16 bytes of header, only 8 there */
	static const uint8_t big[] = {0xb0, 0x00, 0x08, 0x00, 0, 0, 0, 0};
	decode_gre(&p, big, 8, 0);
	assert_true(decode_has_event(&p, DECODE_EV_GRE_VERSION0_HDR_TOO_BIG));
	/* key present: the inner frame starts 4 bytes later */
	static const uint8_t key[] = {0x20, 0x00, 0x08, 0x00, 0, 0, 0, 7};
	decode_gre(&p, key, 8, 84);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.tunnel_inner_len, 84);
	assert_int_equal(p.tunnel_inner[0], 0x45);
	/* routing present with one empty SRE list terminator */
	static const uint8_t route[] = {0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
	decode_gre(&p, route, 12, 84);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.tunnel_inner_len, 84);
	static const uint8_t v2[] = {0x00, 0x02, 0x08, 0x00};
	decode_gre(&p, v2, 4, 84);
	assert_true(decode_has_event(&p, DECODE_EV_GRE_WRONG_VERSION));
	dtest_free();
}

static void test_v1_pptp(void **state)
{
	struct packet p;
	/* key + sequence + ack, protocol PPP; PPP frame ff 03 00 21 + IPv4 */
	uint8_t hdr[20] = {0x30, 0x81, 0x88, 0x0b, 0x00, 0x58, 0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0,
			   0xff, 0x03, 0x00, 0x21};
	decode_gre(&p, hdr, sizeof(hdr), 84);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.tunnel_inner_linktype, LINKTYPE_INNER_PPP);
	assert_int_equal(p.tunnel_inner_len, 88);
	struct packet in;
	uint8_t ppp[88];
	memcpy(ppp, p.tunnel_inner, sizeof(ppp));
	dtest_decode(&in, NULL, LINKTYPE_INNER_PPP, ppp, sizeof(ppp));
	assert_int_equal(in.icmp.type, 8);

	static const struct {
		uint8_t b0, b1;
		uint16_t proto;
		enum decode_event ev;
	} bad[] = {
		{0xb0, 0x81, 0x880b, DECODE_EV_GRE_VERSION1_CHKSUM},
		{0x70, 0x81, 0x880b, DECODE_EV_GRE_VERSION1_ROUTE},
		{0x38, 0x81, 0x880b, DECODE_EV_GRE_VERSION1_SSR},
		{0x31, 0x81, 0x880b, DECODE_EV_GRE_VERSION1_RECUR},
		{0x30, 0x89, 0x880b, DECODE_EV_GRE_VERSION1_FLAGS},
		{0x30, 0x81, 0x0800, DECODE_EV_GRE_VERSION1_WRONG_PROTOCOL},
		{0x10, 0x81, 0x880b, DECODE_EV_GRE_VERSION1_NO_KEY},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t h[20];
		memcpy(h, hdr, sizeof(h));
		h[0] = bad[i].b0;
		h[1] = bad[i].b1;
		h[2] = (uint8_t)(bad[i].proto >> 8);
		h[3] = (uint8_t)bad[i].proto;
		decode_gre(&p, h, sizeof(h), 84);
		assert_true(decode_has_event(&p, bad[i].ev));
		assert_int_equal(dtest_event_count(&p), 1);
		assert_null(p.tunnel_inner);
	}
	decode_gre(&p, hdr, 12, 0);
	assert_true(decode_has_event(&p, DECODE_EV_GRE_VERSION1_HDR_TOO_BIG));
	dtest_free();
}

static void test_other_payloads(void **state)
{
	struct packet p;
	/* 802.1Q inside GRE: the worker decodes a VLAN-first inner frame */
	uint8_t vlan[4 + 4 + 84] = {0x00, 0x00, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00};
	memcpy(vlan + 8, gre_frame + 38, 84);
	uint8_t dg[160];
	size_t len = dtest_ipv4(dg, 47, NULL, 0, vlan, sizeof(vlan));
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_int_equal(p.tunnel_inner_linktype, LINKTYPE_INNER_VLAN);
	struct packet in;
	uint8_t inner[4 + 84];
	memcpy(inner, vlan + 4, sizeof(inner));
	dtest_decode(&in, NULL, LINKTYPE_INNER_VLAN, inner, sizeof(inner));
	assert_int_equal(dtest_event_count(&in), 0);
	assert_int_equal(in.vlan_count, 1);
	assert_int_equal(in.vlan_id[0], 100);
	assert_int_equal(in.icmp.type, 8);
	assert_string_equal(decode_linktype_name(LINKTYPE_INNER_VLAN), "RAW");

	/* PPTP with a zero payload length: an ack-only packet, no tunnel */
	static const uint8_t ack_only[] = {0x20, 0x81, 0x88, 0x0b, 0x00, 0x00, 0x12, 0x34,
					   0x00, 0x00, 0x00, 0x07};
	decode_gre(&p, ack_only, sizeof(ack_only), 0);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_null(p.tunnel_inner);

	/* ERSPAN type II: version 1 header, then the mirrored frame */
	uint8_t erspan[8 + 8 + 14 + 84] = {0x10, 0x00, 0x88, 0xbe, 0, 0, 0, 1,
					   0x10, 0x01, 0x00, 0x05, 0, 0, 0, 0};
	memcpy(erspan + 16, mirror_eth_hdr, 14);
	memcpy(erspan + 30, gre_frame + 38, 84);
	len = dtest_ipv4(dg, 47, NULL, 0, erspan, sizeof(erspan));
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.tunnel_inner_linktype, LINKTYPE_INNER_ETHERNET);
	assert_int_equal(p.tunnel_inner_len, 14 + 84);
	erspan[8] = 0x20; /* version 2 */
	len = dtest_ipv4(dg, 47, NULL, 0, erspan, sizeof(erspan));
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_true(decode_has_event(&p, DECODE_EV_ERSPAN_UNSUPPORTED_VERSION));
	len = dtest_ipv4(dg, 47, NULL, 0, erspan, 8 + 5);
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_true(decode_has_event(&p, DECODE_EV_ERSPAN_HEADER_TOO_SMALL));
	erspan[0] = 0x00; /* type I: off by default, as in Suricata */
	len = dtest_ipv4(dg, 47, NULL, 0, erspan, sizeof(erspan));
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_null(p.tunnel_inner);
	dtest_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_v0_events),
		cmocka_unit_test(test_v1_pptp),
		cmocka_unit_test(test_other_payloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
