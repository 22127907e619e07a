/*
 * Unit tests for decode/udp.c and the UDP-carried tunnels in
 * decode/vxlan.c, decode/geneve.c and decode/teredo.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "support/decode_test.h"

/* decode-teredo-01/input.pcap frame 21: Ethernet, IPv4 192.168.2.16:1920
 * -> 192.168.2.1:53, DNS AAAA query for ipv6.google.com. */
static const uint8_t dns_frame[] = {
	0x00, 0x1d, 0x5a, 0xdc, 0xcf, 0xf1, 0x00, 0x16, 0xcf, 0x41, 0x9c, 0x20,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x3d, 0x87, 0xd4, 0x00, 0x00, 0x80, 0x11,
	0x2d, 0x7a, 0xc0, 0xa8, 0x02, 0x10, 0xc0, 0xa8, 0x02, 0x01, 0x07, 0x80,
	0x00, 0x35, 0x00, 0x29, 0xb1, 0x2e, 0x42, 0x63, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x69, 0x70, 0x76, 0x36, 0x06,
	0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00,
	0x1c, 0x00, 0x01,
};

/* vxlan-decoder-02/vxlan.pcap frame 1: IPv4 192.168.203.1 -> 192.168.202.1,
 * UDP 45149 -> 4789, VXLAN VNI 100, inner Ethernet/IPv4 ICMP echo
 * 192.168.203.3 -> 192.168.203.5. */
static const uint8_t vxlan_frame[] = {
	0x00, 0x16, 0x3e, 0x08, 0x71, 0xcf, 0x36, 0xdc, 0x85, 0x1e, 0xb3, 0x40,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x86, 0xd2, 0xc0, 0x40, 0x00, 0x40, 0x11,
	0x51, 0x52, 0xc0, 0xa8, 0xcb, 0x01, 0xc0, 0xa8, 0xca, 0x01, 0xb0, 0x5d,
	0x12, 0xb5, 0x00, 0x72, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x64, 0x00, 0x00, 0x30, 0x88, 0x01, 0x00, 0x02, 0x00, 0x16, 0x3e, 0x37,
	0xf6, 0x04, 0x08, 0x00, 0x45, 0x00, 0x00, 0x54, 0x00, 0x00, 0x40, 0x00,
	0x40, 0x01, 0x23, 0x4f, 0xc0, 0xa8, 0xcb, 0x03, 0xc0, 0xa8, 0xcb, 0x05,
	0x08, 0x00, 0xf6, 0xf2, 0x05, 0x0c, 0x00, 0x01, 0xfc, 0xe2, 0x97, 0x51,
	0x00, 0x00, 0x00, 0x00, 0xa6, 0xf8, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33,
	0x34, 0x35, 0x36, 0x37,
};

/* decode-teredo-01/input.pcap frame 30: IPv4 192.168.2.16:3797 ->
 * 65.55.158.80:3544, Teredo without indications, IPv6 2001:0:4137:9e50::
 * -> 2001:4860:0:2001::68, ICMPv6 echo request. */
static const uint8_t teredo_frame[] = {
	0x00, 0x1d, 0x5a, 0xdc, 0xcf, 0xf1, 0x00, 0x16, 0xcf, 0x41, 0x9c, 0x20,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x50, 0x87, 0xdc, 0x00, 0x00, 0x80, 0x11,
	0x10, 0x81, 0xc0, 0xa8, 0x02, 0x10, 0x41, 0x37, 0x9e, 0x50, 0x0e, 0xd5,
	0x0d, 0xd8, 0x00, 0x3c, 0xa6, 0xad, 0x60, 0x00, 0x00, 0x00, 0x00, 0x0c,
	0x3a, 0x15, 0x20, 0x01, 0x00, 0x00, 0x41, 0x37, 0x9e, 0x50, 0x80, 0x00,
	0xf1, 0x2a, 0xb9, 0xc8, 0x28, 0x15, 0x20, 0x01, 0x48, 0x60, 0x00, 0x00,
	0x20, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0x80, 0x00,
	0xc5, 0x7c, 0xd3, 0x73, 0xb6, 0x9b, 0x53, 0xaa, 0x01, 0x26,
};

static void test_dns_datagram(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, dns_frame, sizeof(dns_frame));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.sp, 1920);
	assert_int_equal(p.dp, 53);
	assert_int_equal(p.l4_len, 41);
	assert_int_equal(p.payload_len, 33);
	assert_int_equal(p.payload[0], 0x42);
	assert_null(p.tunnel_inner);
	assert_int_equal(st.udp, 1);
	assert_true(decode_udp_checksum_ok(&p));
	dtest_free();
}

static void test_truncations(void **state)
{
	for (uint32_t ulen = 0; ulen < 41; ulen++) {
		uint8_t f[sizeof(dns_frame)];
		memcpy(f, dns_frame, sizeof(f));
		f[16] = 0;
		f[17] = (uint8_t)(20 + ulen); /* IP length cut, UDP length left at 41 */
		struct packet p;
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, 34 + ulen);
		assert_true(p.invalid);
		assert_int_equal(dtest_event_count(&p), 1);
		assert_int_equal(p.events[0], ulen < 8 ? DECODE_EV_UDP_HLEN_TOO_SMALL
						       : DECODE_EV_UDP_PKT_TOO_SMALL);
	}
	dtest_free();
}

static void test_len_invalid(void **state)
{
	uint8_t f[sizeof(dns_frame)];
	memcpy(f, dns_frame, sizeof(f));
	f[39] = 0x07; /* UDP length 7 */
	struct packet p;
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(decode_has_event(&p, DECODE_EV_UDP_LEN_INVALID));
	assert_true(p.invalid);
	f[39] = 0x21; /* UDP length 33: shorter than the IP payload is fine */
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.payload_len, 25);
	dtest_free();
}

static void test_vxlan(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, vxlan_frame, sizeof(vxlan_frame));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.dp, 4789);
	/* The inner Ethernet header is consumed, as Suricata does. */
	assert_int_equal(p.tunnel_inner_linktype, LINKTYPE_INNER_IPV4);
	assert_int_equal(p.tunnel_src, PKT_SRC_TUNNEL_VXLAN);
	assert_int_equal(p.tunnel_inner_len, sizeof(vxlan_frame) - 64);
	assert_ptr_equal(p.tunnel_inner, p.data + 64);
	assert_int_equal(st.vxlan, 1);

	struct packet in;
	uint8_t inner[sizeof(vxlan_frame) - 64];
	memcpy(inner, vxlan_frame + 64, sizeof(inner));
	dtest_decode(&in, &st, LINKTYPE_INNER_IPV4, inner, sizeof(inner));
	assert_false(in.has_eth);
	assert_int_equal(dtest_event_count(&in), 0);
	assert_int_equal(in.proto, 1);
	assert_int_equal(in.icmp.type, 8);
	assert_true(in.icmp.has_id);
	assert_int_equal(in.icmp.id, 0x050c);
	assert_int_equal(in.icmp.seq, 1);
	assert_true(decode_icmpv4_checksum_ok(&in));

	/* ARP inside: VXLAN, but no inner packet to decode. */
	uint8_t f[sizeof(vxlan_frame)];
	memcpy(f, vxlan_frame, sizeof(f));
	f[62] = 0x08;
	f[63] = 0x06;
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_null(p.tunnel_inner);
	assert_int_equal(st.vxlan, 2);

	/* Without the I flag it stays plain UDP. */
	memcpy(f, vxlan_frame, sizeof(f));
	f[42] = 0x00;
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_null(p.tunnel_inner);
	assert_int_equal(dtest_event_count(&p), 0);
	dtest_free();
}

/* Geneve around the Ethernet frame VXLAN carried above. */
static void test_geneve(void **state)
{
	uint8_t udp[8 + 8 + 4 + 98];
	const uint8_t *eth = vxlan_frame + 50;
	size_t eth_len = sizeof(vxlan_frame) - 50;
	size_t n = 8 + 8 + 4 + eth_len;
	static const uint8_t hdr[] = {0x17, 0xc1, 0x17, 0xc1, 0, 0, 0, 0,
				      0x01, 0x00, 0x65, 0x58, 0, 0, 0x64, 0, /* 1 option word */
				      0x01, 0x02, 0x03, 0x00};
	memcpy(udp, hdr, sizeof(hdr));
	udp[4] = (uint8_t)(n >> 8);
	udp[5] = (uint8_t)n;
	memcpy(udp + sizeof(hdr), eth, eth_len);
	uint8_t dg[200];
	size_t len = dtest_ipv4(dg, 17, NULL, 0, udp, n);
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_int_equal(p.dp, 6081);
	assert_int_equal(p.tunnel_src, PKT_SRC_TUNNEL_GENEVE);
	assert_int_equal(p.tunnel_inner_linktype, LINKTYPE_INNER_ETHERNET);
	assert_int_equal(p.tunnel_inner_len, eth_len);
	assert_memory_equal(p.tunnel_inner, eth, eth_len);
	assert_int_equal(st.geneve, 1);

	udp[8] = 0x41; /* version 1 */
	len = dtest_ipv4(dg, 17, NULL, 0, udp, n);
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_null(p.tunnel_inner);
	udp[8] = 0x3f; /* 63 option words: past the end */
	len = dtest_ipv4(dg, 17, NULL, 0, udp, n);
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_null(p.tunnel_inner);
	dtest_free();
}

static void test_teredo(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, teredo_frame, sizeof(teredo_frame));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.tunnel_src, PKT_SRC_TUNNEL_TEREDO);
	assert_int_equal(p.tunnel_inner_linktype, LINKTYPE_INNER_IPV6);
	assert_int_equal(p.tunnel_inner_len, 52);
	assert_int_equal(st.teredo, 1);

	struct packet in;
	uint8_t inner[52];
	memcpy(inner, teredo_frame + 42, sizeof(inner));
	dtest_decode(&in, &st, LINKTYPE_INNER_IPV6, inner, sizeof(inner));
	assert_int_equal(dtest_event_count(&in), 0);
	assert_int_equal(in.ip_version, 6);
	assert_int_equal(in.proto, 58);
	assert_int_equal(in.icmp.type, 128);
	assert_int_equal(in.icmp.id, 0xd373);
	assert_int_equal(in.icmp.seq, 0xb69b);
	assert_int_equal(in.ttl, 0x15);
	assert_true(decode_icmpv6_checksum_ok(&in));

	/* Rejections: hop limit 0, a payload length that does not fill the
	 * datagram, an authentication indication. */
	static const size_t at[] = {49, 47, 42};
	static const uint8_t val[] = {0x00, 0x0b, 0x00};
	for (size_t i = 0; i < 3; i++) {
		uint8_t f[sizeof(teredo_frame)];
		memcpy(f, teredo_frame, sizeof(f));
		f[at[i]] = val[i];
		if (i == 2)
			f[43] = 0x01;
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
		assert_null(p.tunnel_inner);
		assert_int_equal(p.dp, 3544);
		assert_int_equal(dtest_event_count(&p), 0);
	}
	dtest_free();
}

/* Every prefix of the tunnel frames: no crash, no tunnel from a cut frame. */
static void test_tunnel_truncations(void **state)
{
	const uint8_t *frames[] = {vxlan_frame, teredo_frame};
	size_t lens[] = {sizeof(vxlan_frame), sizeof(teredo_frame)};
	for (int k = 0; k < 2; k++) {
		for (uint32_t len = 0; len < lens[k]; len++) {
			struct packet p;
			dtest_decode(&p, NULL, LINKTYPE_ETHERNET, frames[k], len);
			assert_null(p.tunnel_inner);
			assert_true(p.invalid);
		}
	}
	dtest_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_datagram), cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_len_invalid),  cmocka_unit_test(test_vxlan),
		cmocka_unit_test(test_geneve),       cmocka_unit_test(test_teredo),
		cmocka_unit_test(test_tunnel_truncations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
