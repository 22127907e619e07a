/*
 * Unit tests for decode/ethernet.c and decode/ipv4.c: a real Ethernet/IPv4
 * frame, every truncation of it, header corruptions and every ipv4.opt_*
 * event, fragments and IP-in-IP tunnels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "support/decode_test.h"

/* decode-teredo-01/input.pcap frame 9: Ethernet, IPv4 192.168.2.16 ->
 * 75.126.203.78, TCP 1578 -> 80 SYN with MSS 1460, NOP, NOP, SACK-perm. */
static const uint8_t syn_frame[] = {
	0x00, 0x1d, 0x5a, 0xdc, 0xcf, 0xf1, 0x00, 0x16, 0xcf, 0x41, 0x9c, 0x20,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x30, 0x87, 0xc7, 0x40, 0x00, 0x80, 0x06,
	0x99, 0x7b, 0xc0, 0xa8, 0x02, 0x10, 0x4b, 0x7e, 0xcb, 0x4e, 0x06, 0x2a,
	0x00, 0x50, 0x38, 0x3c, 0x9a, 0x27, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02,
	0x40, 0x00, 0x90, 0xbc, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01,
	0x04, 0x02,
};

static void test_valid_frame(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, syn_frame, sizeof(syn_frame));
	assert_false(p.invalid);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_true(p.has_eth);
	assert_int_equal(p.eth_type, 0x0800);
	assert_int_equal(p.eth_src[5], 0x20);
	assert_int_equal(p.eth_dst[0], 0x00);
	assert_int_equal(p.eth_dst[5], 0xf1);
	assert_int_equal(p.ip_version, 4);
	assert_int_equal(p.ip_hdr_len, 20);
	assert_int_equal(p.ip_len, 48);
	assert_int_equal(p.ttl, 128);
	assert_int_equal(p.ip_id, 0x87c7);
	assert_int_equal(p.frag_flags, FRAG_DF);
	assert_false(p.is_fragment);
	assert_int_equal(p.proto, 6);
	assert_int_equal(p.src.family, 4);
	assert_memory_equal(p.src.bytes, ((uint8_t[]){192, 168, 2, 16}), 4);
	assert_memory_equal(p.dst.bytes, ((uint8_t[]){75, 126, 203, 78}), 4);
	assert_int_equal(p.sp, 1578);
	assert_int_equal(p.dp, 80);
	assert_int_equal(p.ip4.opts, 0);
	assert_int_equal(st.pkts, 1);
	assert_int_equal(st.ethernet, 1);
	assert_int_equal(st.ipv4, 1);
	assert_int_equal(st.tcp, 1);
	assert_int_equal(st.tcp_syn, 1);
	assert_int_equal(st.tcp_synack, 0);
	assert_int_equal(st.invalid, 0);
	char buf[64];
	assert_string_equal(decode_addr_str(&p.src, buf, sizeof(buf)), "192.168.2.16");
	assert_true(decode_ipv4_checksum_ok(&p));
	assert_true(decode_tcp_checksum_ok(&p));
	dtest_free();
}

/* Every prefix: the event names the layer that was cut. */
static void test_truncations(void **state)
{
	for (uint32_t len = 0; len < sizeof(syn_frame); len++) {
		struct packet p;
		struct decode_stats st = {0};
		dtest_decode(&p, &st, LINKTYPE_ETHERNET, syn_frame, len);
		assert_true(p.invalid);
		assert_int_equal(dtest_event_count(&p), 1);
		enum decode_event want = len < 14   ? DECODE_EV_ETHERNET_PKT_TOO_SMALL
					 : len < 34 ? DECODE_EV_IPV4_PKT_TOO_SMALL
						    : DECODE_EV_IPV4_TRUNC_PKT;
		assert_int_equal(p.events[0], want);
		assert_int_equal(p.ip_version, 0);
		assert_int_equal(st.invalid, 1);
		assert_int_equal(st.events[want], 1);
	}
	dtest_free();
}

/* Ethernet padding after the datagram is not payload. */
static void test_trailing_padding_ignored(void **state)
{
	uint8_t f[sizeof(syn_frame) + 6];
	memcpy(f, syn_frame, sizeof(syn_frame));
	memset(f + sizeof(syn_frame), 0xaa, 6);
	struct packet p;
	dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_int_equal(p.ip_len, 48);
	assert_int_equal(p.l4_len, 28);
	assert_int_equal(p.payload_len, 0);
	dtest_free();
}

static void decode_modified(struct packet *p, size_t at, uint8_t value)
{
	uint8_t f[sizeof(syn_frame)];
	memcpy(f, syn_frame, sizeof(f));
	f[at] = value;
	dtest_decode(p, NULL, LINKTYPE_ETHERNET, f, sizeof(f));
}

static void test_header_corruptions(void **state)
{
	struct packet p;
	decode_modified(&p, 14, 0x55); /* version 5 */
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_WRONG_IP_VERSION));
	assert_true(p.invalid);
	decode_modified(&p, 14, 0x44); /* IHL 4 words */
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_HLEN_TOO_SMALL));
	decode_modified(&p, 17, 0x10); /* total length 16 < 20 */
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_IPLEN_SMALLER_THAN_HLEN));
	decode_modified(&p, 17, 0x31); /* total length 49 > 48 captured */
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_TRUNC_PKT));
	decode_modified(&p, 12, 0x99); /* ethertype 0x9900 */
	assert_true(decode_has_event(&p, DECODE_EV_ETHERNET_UNKNOWN_ETHERTYPE));
	assert_int_equal(p.ip_version, 0);
	struct decode_stats st = {0};
	uint8_t arp[sizeof(syn_frame)];
	memcpy(arp, syn_frame, sizeof(arp));
	arp[12] = 0x08;
	arp[13] = 0x06;
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, arp, sizeof(arp));
	assert_int_equal(dtest_event_count(&p), 0);
	arp[13] = 0x35; /* RARP */
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, arp, sizeof(arp));
	assert_true(decode_has_event(&p, DECODE_EV_ETHERNET_UNKNOWN_ETHERTYPE));
	assert_int_equal(st.arp, 1);
	assert_int_equal(st.unknown_ethertype, 1);
	decode_modified(&p, 24, 0x00); /* checksum byte */
	assert_false(decode_ipv4_checksum_ok(&p));
	dtest_free();
}

static void decode_with_opts(struct packet *p, const uint8_t *opts, size_t n)
{
	uint8_t dg[128];
	static const uint8_t udp[8] = {0x04, 0x00, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00};
	size_t len = dtest_ipv4(dg, 17, opts, n, udp, sizeof(udp));
	dtest_decode(p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
}

static void test_options_valid(void **state)
{
	struct packet p;
	/* Router alert (4), NOP x3, EOL: 8 bytes */
	static const uint8_t ra[] = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00};
	decode_with_opts(&p, ra, sizeof(ra));
	assert_false(p.invalid);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.ip4.opts, IP4_OPT_RTRALT | IP4_OPT_NOP | IP4_OPT_EOL | IP4_OPT_ANY);
	assert_int_equal(p.ip_hdr_len, 28);
	assert_int_equal(p.dp, 53);
	assert_true(decode_ipv4_checksum_ok(&p));
	/* Record route with room for 1 address, pointer 4, then NOP: 8 bytes */
	static const uint8_t rr[] = {0x07, 0x07, 0x04, 0, 0, 0, 0, 0x01};
	decode_with_opts(&p, rr, sizeof(rr));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_true(p.ip4.opts & IP4_OPT_RR);
	/* Timestamp, flag 0 (timestamps only), pointer 5, one slot: 8 bytes */
	static const uint8_t ts[] = {0x44, 0x08, 0x05, 0x00, 0, 0, 0, 0};
	decode_with_opts(&p, ts, sizeof(ts));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_true(p.ip4.opts & IP4_OPT_TS);
	dtest_free();
}

static void test_options_events(void **state)
{
	struct packet p;
	static const uint8_t pad[] = {0x01, 0x01, 0x01, 0x00}; /* 4 bytes: not 8-aligned */
	decode_with_opts(&p, pad, sizeof(pad));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_PAD_REQUIRED));
	assert_false(p.invalid);
	assert_int_equal(p.dp, 53);

	static const uint8_t too_long[] = {0x94, 0x09, 0x00, 0x00, 0, 0, 0, 0};
	decode_with_opts(&p, too_long, sizeof(too_long));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_INVALID_LEN));
	assert_true(p.invalid);
	assert_int_equal(p.ip_version, 0);

	static const uint8_t len_one[] = {0x94, 0x01, 0, 0, 0, 0, 0, 0};
	decode_with_opts(&p, len_one, sizeof(len_one));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_INVALID_LEN));

	static const uint8_t ra_bad[] = {0x94, 0x05, 0, 0, 0, 0x01, 0x01, 0x00};
	decode_with_opts(&p, ra_bad, sizeof(ra_bad));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_INVALID_LEN));

	static const uint8_t rr_bad_ptr[] = {0x07, 0x07, 0x05, 0, 0, 0, 0, 0x00};
	decode_with_opts(&p, rr_bad_ptr, sizeof(rr_bad_ptr));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_MALFORMED));
	assert_true(p.invalid);

	static const uint8_t ts_bad_ptr[] = {0x44, 0x08, 0x04, 0x00, 0, 0, 0, 0};
	decode_with_opts(&p, ts_bad_ptr, sizeof(ts_bad_ptr));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_MALFORMED));

	static const uint8_t dup[] = {0x94, 0x04, 0, 0, 0x94, 0x04, 0, 0};
	decode_with_opts(&p, dup, sizeof(dup));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_DUPLICATE));
	assert_false(p.invalid);

	static const uint8_t unknown[] = {0x99, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00};
	decode_with_opts(&p, unknown, sizeof(unknown));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_INVALID));
	assert_false(p.invalid);

	static const uint8_t eol_req[] = {0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x07};
	decode_with_opts(&p, eol_req, sizeof(eol_req));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_EOL_REQUIRED));

	static const uint8_t sec_bad[] = {0x82, 0x04, 0, 0, 0, 0, 0, 0};
	decode_with_opts(&p, sec_bad, sizeof(sec_bad));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_INVALID_LEN));

	/* CIPSO with tag type 0 (reserved) */
	static const uint8_t cipso_bad[] = {0x86, 0x0c, 0, 0, 0, 1, 0x00, 0x06, 0, 0, 0, 0};
	uint8_t c16[16] = {0};
	memcpy(c16, cipso_bad, sizeof(cipso_bad));
	c16[12] = 0x01;
	c16[13] = 0x01;
	c16[14] = 0x01;
	decode_with_opts(&p, c16, sizeof(c16));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_MALFORMED));
	dtest_free();
}

static void test_protocol_events(void **state)
{
	uint8_t dg[64];
	static const uint8_t body[8] = {0x80, 0, 0, 0, 0, 0, 0, 0};
	struct packet p;
	size_t len = dtest_ipv4(dg, 58, NULL, 0, body, sizeof(body));
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_ICMPV6));
	assert_true(p.invalid);

	len = dtest_ipv4(dg, 253, NULL, 0, body, sizeof(body));
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_UNKNOWN_PROTOCOL));
	assert_false(p.invalid);
	assert_int_equal(p.proto, 253);
	dtest_free();
}

static void test_fragment_no_l4(void **state)
{
	uint8_t f[sizeof(syn_frame)];
	memcpy(f, syn_frame, sizeof(f));
	f[20] = 0x20; /* MF, offset 0: a first fragment */
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(p.is_fragment);
	assert_int_equal(p.frag_flags, FRAG_MF);
	assert_int_equal(p.frag_offset, 0);
	assert_null(p.l4_hdr);
	assert_int_equal(p.sp, 0);
	assert_int_equal(st.frag_ipv4, 1);
	assert_int_equal(st.tcp, 0);
	f[20] = 0x00;
	f[21] = 0x03; /* offset 24 bytes, last */
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, f, sizeof(f));
	assert_true(p.is_fragment);
	assert_int_equal(p.frag_offset, 24);
	assert_int_equal(p.frag_flags, 0);
	dtest_free();
}

static void test_ip_in_ip_tunnels(void **state)
{
	uint8_t inner[64], outer[128];
	static const uint8_t udp[8] = {0x04, 0x00, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00};
	size_t ilen = dtest_ipv4(inner, 17, NULL, 0, udp, sizeof(udp));
	size_t olen = dtest_ipv4(outer, 4, NULL, 0, inner, ilen);
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_IPV4, outer, (uint32_t)olen);
	assert_int_equal(p.tunnel_inner_len, ilen);
	assert_int_equal(p.tunnel_inner_linktype, LINKTYPE_INNER_IPV4);
	assert_int_equal(p.tunnel_src, PKT_SRC_TUNNEL_IPV4);
	assert_memory_equal(p.tunnel_inner, inner, ilen);
	assert_int_equal(st.ipv4_in_ipv4, 1);

	/* The inner packet as the worker would decode it. */
	struct packet in;
	dtest_decode(&in, &st, LINKTYPE_INNER_IPV4, inner, (uint32_t)ilen);
	assert_int_equal(in.dp, 53);
	assert_int_equal(dtest_event_count(&in), 0);

	/* Depth cap: a packet already at the maximum depth gets no tunnel. */
	memset(&p, 0, sizeof(p));
	p.data = outer;
	p.len = (uint32_t)olen;
	p.linktype = LINKTYPE_INNER_IPV4;
	p.tunnel_depth = DECODE_MAX_TUNNEL_DEPTH;
	decode_packet(&p, &st);
	assert_null(p.tunnel_inner);
	assert_true(decode_has_event(&p, DECODE_EV_TOO_MANY_LAYERS));
	assert_int_equal(st.too_many_layers, 1);
	dtest_free();
}

static void test_names(void **state)
{
	assert_string_equal(decode_event_name(DECODE_EV_IPV4_OPT_PAD_REQUIRED), "ipv4.opt_pad_required");
	assert_int_equal(decode_event_lookup("tcp.opt_invalid_len"), DECODE_EV_TCP_OPT_INVALID_LEN);
	assert_int_equal(decode_event_lookup("no.such_event"), -1);
	assert_null(decode_event_name(DECODE_EV_MAX));
	char b[8];
	assert_string_equal(decode_proto_name(6, b), "TCP");
	assert_string_equal(decode_proto_name(58, b), "IPv6-ICMP");
	assert_string_equal(decode_proto_name(47, b), "GRE");
	assert_string_equal(decode_proto_name(4, b), "IP-in-IP"); /* suricata-verify bug-4571-03 */
	assert_string_equal(decode_proto_name(41, b), "IPv6");
	assert_string_equal(decode_proto_name(143, b), "Ethernet");
	assert_string_equal(decode_proto_name(200, b), "200");
	assert_string_equal(b, "200");
	assert_string_equal(decode_packet_source_name(PKT_SRC_TUNNEL_GRE), "gre tunnel");
	assert_string_equal(decode_packet_source_name(PKT_SRC_WIRE), "wire/pcap");
	assert_true(decode_linktype_supported(LINKTYPE_LINUX_SLL2));
	assert_false(decode_linktype_supported(147));
	struct packet p = {0};
	p.data = syn_frame;
	p.len = sizeof(syn_frame);
	p.linktype = 147;
	assert_false(decode_packet(&p, NULL));
}

static void test_event_list_bounded(void **state)
{
	struct packet p = {0};
	for (int i = 0; i < DECODE_EV_MAX; i++)
		decode_set_event(&p, (enum decode_event)i);
	assert_int_equal(p.event_count, DECODE_MAX_EVENTS);
	decode_set_event(&p, DECODE_EV_IPV4_PKT_TOO_SMALL);
	assert_int_equal(p.event_count, DECODE_MAX_EVENTS);
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_PKT_TOO_SMALL));
	assert_false(decode_has_event(&p, DECODE_EV_IPV4_UNKNOWN_PROTOCOL));
}

static void test_reset_and_stats(void **state)
{
	struct packet p;
	memset(&p, 0x5a, sizeof(p));
	p.data = syn_frame;
	p.len = sizeof(syn_frame);
	p.linktype = LINKTYPE_ETHERNET;
	p.pcap_cnt = 7;
	p.pkt_src = PKT_SRC_TUNNEL_GRE;
	p.tunnel_depth = 2;
	struct packet *parent = &p;
	p.parent = parent;
	decode_packet_reset(&p);
	assert_int_equal(p.pcap_cnt, 7);
	assert_int_equal(p.pkt_src, PKT_SRC_TUNNEL_GRE);
	assert_int_equal(p.tunnel_depth, 2);
	assert_ptr_equal(p.parent, parent);
	assert_int_equal(p.event_count, 0);
	assert_null(p.flow);
	assert_null(p.tunnel_inner);

	/* decode_packet resets by itself and counts events per name */
	struct decode_stats st = {0};
	uint8_t f[sizeof(syn_frame)];
	memcpy(f, syn_frame, sizeof(f));
	f[14] = 0x44;
	p.data = f;
	p.parent = NULL;
	assert_true(decode_packet(&p, &st));
	assert_true(decode_packet(&p, &st));
	assert_int_equal(p.event_count, 1);
	assert_int_equal(st.pkts, 2);
	assert_int_equal(st.bytes, 2 * sizeof(f));
	assert_int_equal(st.invalid, 2);
	assert_int_equal(st.events[DECODE_EV_IPV4_HLEN_TOO_SMALL], 2);

	/* pseudo packets (with a parent) are decoded and their events counted,
	 * but decoder.pkts/bytes count captured packets only */
	p.parent = parent;
	assert_true(decode_packet(&p, &st));
	assert_int_equal(st.pkts, 2);
	assert_int_equal(st.bytes, 2 * sizeof(f));
	assert_int_equal(st.events[DECODE_EV_IPV4_HLEN_TOO_SMALL], 3);
}

static void test_udp_zero_checksum(void **state)
{
	static const uint8_t udp[8] = {0x04, 0x00, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00};
	uint8_t dg[64];
	size_t len = dtest_ipv4(dg, 17, NULL, 0, udp, sizeof(udp));
	struct packet p;
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_true(decode_udp_checksum_ok(&p)); /* 0 = not computed, over IPv4 */
	assert_false(decode_tcp_checksum_ok(&p));
	dg[27] = 0x01;
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_false(decode_udp_checksum_ok(&p));
	dtest_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_frame),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_trailing_padding_ignored),
		cmocka_unit_test(test_header_corruptions),
		cmocka_unit_test(test_options_valid),
		cmocka_unit_test(test_options_events),
		cmocka_unit_test(test_protocol_events),
		cmocka_unit_test(test_fragment_no_l4),
		cmocka_unit_test(test_ip_in_ip_tunnels),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_event_list_bounded),
		cmocka_unit_test(test_reset_and_stats),
		cmocka_unit_test(test_udp_zero_checksum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
