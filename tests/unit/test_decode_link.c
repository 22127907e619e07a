/*
 * Unit tests for the link-layer decoders: decode/vlan.c, decode/mpls.c,
 * decode/pppoe.c, decode/ppp.c, decode/sll.c and decode/raw.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "support/decode_test.h"

/* detect-vlan-layers/input.pcap frame 1: three 802.1Q tags (200, 300,
 * 400), IPv4 1.1.1.1 -> 2.2.2.2 ICMP echo request. */
static const uint8_t vlan3[] = {
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x81, 0x00, 0x00, 0xc8, 0x81, 0x00, 0x01, 0x2c, 0x81, 0x00, 0x01, 0x90,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01,
	0x74, 0xdb, 0x01, 0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x02, 0x08, 0x00,
	0xf7, 0xff, 0x00, 0x00, 0x00, 0x00,
};

/* pppoe/input.pcap frame 1: PPPoE discovery PADI with Service-Name and
 * Host-Uniq tags (12 bytes), padded to 60. */
static const uint8_t padi[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0xcd, 0x38, 0x13, 0x43,
	0x88, 0x63, 0x11, 0x09, 0x00, 0x00, 0x00, 0x0c, 0x01, 0x01, 0x00, 0x00,
	0x01, 0x03, 0x00, 0x04, 0x00, 0x00, 0x17, 0x61, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* pppoe/input.pcap frame 5: PPPoE session 1 carrying PPP LCP (0xc021). */
static const uint8_t pppoe_lcp[] = {
	0xee, 0x86, 0xe2, 0xf9, 0x70, 0x57, 0x00, 0x00, 0xcd, 0x38, 0x13, 0x43,
	0x88, 0x64, 0x11, 0x00, 0x00, 0x01, 0x00, 0x10, 0xc0, 0x21, 0x01, 0x01,
	0x00, 0x0e, 0x01, 0x04, 0x05, 0xd4, 0x05, 0x06, 0xd4, 0xa5, 0x8c, 0xbe,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* The IPv4/ICMP datagram of vlan3, reused inside other encapsulations. */
static const uint8_t *ip4 = vlan3 + 26;
enum { IP4_LEN = 28 };

static void test_vlan3(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, vlan3, sizeof(vlan3));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.vlan_count, 3);
	assert_int_equal(p.vlan_id[0], 200);
	assert_int_equal(p.vlan_id[1], 300);
	assert_int_equal(p.vlan_id[2], 400);
	assert_int_equal(p.icmp.type, 8);
	assert_int_equal(st.vlan, 1);
	assert_int_equal(st.vlan_qinq, 1);
	assert_int_equal(st.vlan_qinqinq, 1);
	assert_true(decode_icmpv4_checksum_ok(&p));

	for (uint32_t len = 0; len < sizeof(vlan3); len++) {
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, vlan3, len);
		assert_true(p.invalid);
		enum decode_event want = len < 14   ? DECODE_EV_ETHERNET_PKT_TOO_SMALL
					 : len < 26 ? DECODE_EV_VLAN_HEADER_TOO_SMALL
					 : len < 46 ? DECODE_EV_IPV4_PKT_TOO_SMALL
						    : DECODE_EV_IPV4_TRUNC_PKT;
		assert_true(decode_has_event(&p, want));
		assert_int_equal(dtest_event_count(&p), 1);
	}
	dtest_free();
}

static void test_vlan_events(void **state)
{
	/* a fourth tag (802.1ad outer, 0x9100 inner) */
	uint8_t f[sizeof(vlan3) + 4];
	memcpy(f, vlan3, 12);
	static const uint8_t tags[] = {0x88, 0xa8, 0x00, 0x0a, 0x91, 0x00, 0x00, 0x0b,
				       0x81, 0x00, 0x00, 0x0c, 0x81, 0x00, 0x00, 0x0d};
	memcpy(f + 12, tags, sizeof(tags));
	memcpy(f + 28, vlan3 + 24, sizeof(vlan3) - 24);
	struct packet p;
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_VLAN_TOO_MANY_LAYERS));
	assert_int_equal(p.vlan_count, 3);
	assert_int_equal(p.vlan_id[0], 10);
	assert_int_equal(p.ip_version, 0);

	memcpy(f, vlan3, sizeof(vlan3));
	f[24] = 0x12; /* inner ethertype 0x1200 */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(vlan3));
	assert_true(decode_has_event(&p, DECODE_EV_VLAN_UNKNOWN_TYPE));
	assert_true(decode_has_event(&p, DECODE_EV_ETHERNET_UNKNOWN_ETHERTYPE));
	dtest_free();
}

static void test_pppoe_discovery(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, padi, sizeof(padi));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_false(p.invalid);
	assert_int_equal(st.pppoe, 1);
	for (uint32_t len = 14; len < 20; len++) {
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, padi, len);
		assert_true(decode_has_event(&p, DECODE_EV_PPPOE_PKT_TOO_SMALL));
	}
	/* declared length past the frame */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, padi, 30);
	assert_true(decode_has_event(&p, DECODE_EV_PPPOE_MALFORMED_TAGS));
	uint8_t f[sizeof(padi)];
	memcpy(f, padi, sizeof(f));
	f[27] = 0x09; /* Host-Uniq tag length 9 > what is left of 12 */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_PPPOE_MALFORMED_TAGS));
	memcpy(f, padi, sizeof(f));
	f[15] = 0x42; /* code 0x42 */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_PPPOE_WRONG_CODE));
	dtest_free();
}

static void test_pppoe_session(void **state)
{
	struct packet p;
	/* LCP is ordinary PPP operation: no event (suricata-verify "pppoe"). */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, pppoe_lcp, sizeof(pppoe_lcp));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_false(p.invalid);
	for (uint32_t len = 14; len < 21; len++) {
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, pppoe_lcp, len);
		assert_true(decode_has_event(&p, DECODE_EV_PPPOE_PKT_TOO_SMALL));
	}
	/* IPv4 in the session */
	uint8_t f[14 + 8 + IP4_LEN];
	memcpy(f, pppoe_lcp, 20);
	f[19] = 2 + IP4_LEN;
	f[20] = 0x00;
	f[21] = 0x21;
	memcpy(f + 22, ip4, IP4_LEN);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 8);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, 22 + 19);
	assert_true(decode_has_event(&p, DECODE_EV_PPP_IP4_PKT_TOO_SMALL));
	f[21] = 0x57;
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_PPP_IP6_PKT_TOO_SMALL));
	f[20] = 0x12;
	f[21] = 0x34;
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_PPP_WRONG_TYPE));
	f[20] = 0x00;
	f[21] = 0x2b; /* IPX: a network protocol we do not decode */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_PPP_UNSUP_PROTO));
	assert_false(p.invalid);
	dtest_free();
}

static void test_ppp(void **state)
{
	uint8_t f[4 + IP4_LEN] = {0xff, 0x03, 0x00, 0x21};
	memcpy(f + 4, ip4, IP4_LEN);
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_PPP, f, sizeof(f));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 8);
	assert_int_equal(st.ppp, 1);
	/* compressed protocol field, no HDLC header */
	uint8_t c[1 + IP4_LEN] = {0x21};
	memcpy(c + 1, ip4, IP4_LEN);
	dtest_decode(&p, NULL, LINKTYPE_PPP, c, sizeof(c));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.ip_version, 4);
	for (uint32_t len = 0; len < 4; len++) {
		dtest_decode(&p, NULL, LINKTYPE_PPP, f, len);
		assert_true(decode_has_event(&p, DECODE_EV_PPP_PKT_TOO_SMALL));
	}
	f[3] = 0x2f; /* VJ uncompressed, too short */
	dtest_decode(&p, NULL, LINKTYPE_PPP, f, 4 + 10);
	assert_true(decode_has_event(&p, DECODE_EV_PPP_VJU_PKT_TOO_SMALL));
	dtest_free();
}

static void test_mpls(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	/* Ethernet, two labels (100 then 0 = IPv4 explicit null, bottom) */
	uint8_t f[14 + 8 + IP4_LEN];
	memcpy(f, vlan3, 12);
	static const uint8_t hdr[] = {0x88, 0x47, 0x00, 0x06, 0x40, 0x40, 0x00, 0x00, 0x01, 0x40};
	memcpy(f + 12, hdr, sizeof(hdr));
	memcpy(f + 22, ip4, IP4_LEN);
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 8);
	assert_int_equal(st.mpls, 1);
	for (uint32_t len = 14; len < 22; len++) {
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, len);
		assert_true(decode_has_event(&p, DECODE_EV_MPLS_HEADER_TOO_SMALL));
	}
	static const struct {
		uint8_t label_lo;
		enum decode_event ev;
	} bad[] = {
		{0x11, DECODE_EV_MPLS_BAD_LABEL_ROUTER_ALERT},
		{0x31, DECODE_EV_MPLS_BAD_LABEL_IMPLICIT_NULL},
		{0x71, DECODE_EV_MPLS_BAD_LABEL_RESERVED},
	};
	for (size_t i = 0; i < 3; i++) {
		uint8_t g[sizeof(f)];
		memcpy(g, f, sizeof(g));
		g[20] = bad[i].label_lo; /* label in the high nibble, S bit set */
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, g, sizeof(g));
		assert_true(decode_has_event(&p, bad[i].ev));
	}
	/* single label 100, payload guessed from the nibble */
	uint8_t s[14 + 4 + IP4_LEN];
	memcpy(s, f, 14);
	s[14] = 0x00;
	s[15] = 0x06;
	s[16] = 0x41;
	s[17] = 0x40;
	memcpy(s + 18, ip4, IP4_LEN);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, s, sizeof(s));
	assert_int_equal(p.ip_version, 4);
	s[18] = 0x95;
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, s, sizeof(s));
	assert_true(decode_has_event(&p, DECODE_EV_MPLS_UNKNOWN_PAYLOAD_TYPE));
	dtest_free();
}

static void test_sll(void **state)
{
	uint8_t f[16 + IP4_LEN] = {0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x11, 0x11,
				   0x11, 0x11, 0x11, 0x11, 0x00, 0x00, 0x08, 0x00};
	memcpy(f + 16, ip4, IP4_LEN);
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_LINUX_SLL, f, sizeof(f));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 8);
	assert_false(p.has_eth);
	for (uint32_t len = 0; len < 16; len++) {
		dtest_decode(&p, NULL, LINKTYPE_LINUX_SLL, f, len);
		assert_true(decode_has_event(&p, DECODE_EV_SLL_PKT_TOO_SMALL));
	}
	uint8_t g[20 + IP4_LEN] = {0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x06};
	memcpy(g + 20, ip4, IP4_LEN);
	dtest_decode(&p, &st, LINKTYPE_LINUX_SLL2, g, sizeof(g));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 8);
	assert_int_equal(st.sll, 2);
	dtest_decode(&p, NULL, LINKTYPE_LINUX_SLL2, g, 19);
	assert_true(decode_has_event(&p, DECODE_EV_SLL_PKT_TOO_SMALL));
	dtest_free();
}

static void test_raw(void **state)
{
	struct packet p;
	dtest_decode(&p, NULL, LINKTYPE_RAW, ip4, IP4_LEN);
	assert_int_equal(p.icmp.type, 8);
	dtest_decode(&p, NULL, LINKTYPE_RAW_BSD, ip4, IP4_LEN);
	assert_int_equal(p.icmp.type, 8);
	uint8_t f[IP4_LEN];
	memcpy(f, ip4, IP4_LEN);
	f[0] = 0x75;
	dtest_decode(&p, NULL, LINKTYPE_RAW, f, IP4_LEN);
	assert_true(decode_has_event(&p, DECODE_EV_IPRAW_INVALID_IP_VERSION));
	/* LINKTYPE_IPV6 accepts only IPv6 */
	dtest_decode(&p, NULL, LINKTYPE_IPV6, ip4, IP4_LEN);
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_PKT_TOO_SMALL));
	dtest_decode(&p, NULL, LINKTYPE_RAW, ip4, 0);
	assert_true(p.invalid);
	dtest_free();
}

/* Ethernet header of vlan3 with the given ethertype, then body. */
static uint32_t eth_with(uint8_t *out, uint16_t type, const uint8_t *body, uint32_t n)
{
	memcpy(out, vlan3, 12);
	out[12] = (uint8_t)(type >> 8);
	out[13] = (uint8_t)type;
	memcpy(out + 14, body, n);
	return 14 + n;
}

static void test_tags(void **state)
{
	uint8_t body[128], f[160];
	struct packet p;
	uint32_t n;

	/* 802.1ah: I-tag, customer MACs, customer ethertype IPv4 */
	memset(body, 0, 16);
	body[2] = 0x01;
	memcpy(body + 4, vlan3, 12);
	body[16] = 0x08;
	body[17] = 0x00;
	memcpy(body + 18, ip4, IP4_LEN);
	n = eth_with(f, 0x88e7, body, 18 + IP4_LEN);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, n);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 8);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, 14 + 17);
	assert_true(decode_has_event(&p, DECODE_EV_IEEE8021AH_HEADER_TOO_SMALL));
	body[16] = 0x80;
	body[17] = 0x35; /* RARP: not followed, reported */
	n = eth_with(f, 0x88e7, body, 18 + IP4_LEN);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, n);
	assert_true(decode_has_event(&p, DECODE_EV_ETHERNET_UNKNOWN_ETHERTYPE));

	/* DCE: 2 bytes, then a whole Ethernet frame */
	body[0] = body[1] = 0;
	memcpy(body + 2, vlan3, sizeof(vlan3));
	n = eth_with(f, 0x8903, body, 2 + sizeof(vlan3));
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, n);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.vlan_count, 3);
	for (uint32_t cut = 14; cut < 14 + 16; cut++) {
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, cut);
		assert_true(decode_has_event(&p, DECODE_EV_DCE_PKT_TOO_SMALL));
	}

	/* VN-Tag: 4 bytes of tag, then the ethertype */
	memset(body, 0, 4);
	body[4] = 0x08;
	body[5] = 0x00;
	memcpy(body + 6, ip4, IP4_LEN);
	n = eth_with(f, 0x8926, body, 6 + IP4_LEN);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, n);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 8);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, 14 + 5);
	assert_true(decode_has_event(&p, DECODE_EV_VNTAG_HEADER_TOO_SMALL));
	body[4] = 0x12;
	n = eth_with(f, 0x8926, body, 6 + IP4_LEN);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, n);
	assert_true(decode_has_event(&p, DECODE_EV_VNTAG_UNKNOWN_TYPE));

	/* E-Tag: 6 bytes of tag, then the ethertype */
	memset(body, 0, 6);
	body[6] = 0x08;
	body[7] = 0x00;
	memcpy(body + 8, ip4, IP4_LEN);
	n = eth_with(f, 0x893f, body, 8 + IP4_LEN);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, n);
	assert_int_equal(dtest_event_count(&p), 0);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, 14 + 7);
	assert_true(decode_has_event(&p, DECODE_EV_ETAG_HEADER_TOO_SMALL));
	body[6] = 0x12;
	n = eth_with(f, 0x893f, body, 8 + IP4_LEN);
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, n);
	assert_true(decode_has_event(&p, DECODE_EV_ETAG_UNKNOWN_TYPE));

	/* 20 nested VN-Tags: stopped at DECODE_MAX_LAYERS */
	for (int i = 0; i < 20; i++) {
		memset(body + 6 * i, 0, 4);
		body[6 * i + 4] = 0x89;
		body[6 * i + 5] = 0x26;
	}
	n = eth_with(f, 0x8926, body, 120);
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, f, n);
	assert_true(decode_has_event(&p, DECODE_EV_TOO_MANY_LAYERS));
	assert_int_equal(p.layers, DECODE_MAX_LAYERS + 1);
	assert_int_equal(st.too_many_layers, 1);
	dtest_free();
}

static void test_chdlc(void **state)
{
	uint8_t f[4 + IP4_LEN] = {0x0f, 0x00, 0x08, 0x00};
	memcpy(f + 4, ip4, IP4_LEN);
	struct packet p;
	dtest_decode(&p, NULL, LINKTYPE_CISCO_HDLC, f, sizeof(f));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.icmp.type, 8);
	for (uint32_t len = 0; len < 4; len++) {
		dtest_decode(&p, NULL, LINKTYPE_CISCO_HDLC, f, len);
		assert_true(decode_has_event(&p, DECODE_EV_CHDLC_PKT_TOO_SMALL));
	}
	assert_string_equal(decode_linktype_name(LINKTYPE_CISCO_HDLC), "C_HDLC");
	dtest_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vlan3),          cmocka_unit_test(test_vlan_events),
		cmocka_unit_test(test_pppoe_discovery), cmocka_unit_test(test_pppoe_session),
		cmocka_unit_test(test_ppp),            cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_sll),            cmocka_unit_test(test_raw),
		cmocka_unit_test(test_tags),           cmocka_unit_test(test_chdlc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
