/*
 * Unit tests for decode/tcp.c: option parsing (MSS, window scale,
 * SACK-permitted, SACK, timestamps, TFO), every truncation, and the tcp.*
 * events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "support/decode_test.h"

/* bug-5881-01/input.pcap frame 26 (raw IP, link type 101): IPv4
 * 17.188.17.120:443 -> 192.168.0.47:64731, ACK with NOP NOP TS, NOP NOP
 * SACK (one block 0xd1a13544-0xd1a1373e). */
static const uint8_t sack_pkt[] = {
	0x45, 0x00, 0x00, 0x40, 0x03, 0xce, 0x40, 0x00, 0x34, 0x06, 0x5e, 0xdf,
	0x11, 0xbc, 0x11, 0x78, 0xc0, 0xa8, 0x00, 0x2f, 0x01, 0xbb, 0xfc, 0xdb,
	0xd4, 0x39, 0x9e, 0x6d, 0xd1, 0xa1, 0x2f, 0x9c, 0xb0, 0x10, 0x00, 0x85,
	0x17, 0xa6, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0xd1, 0xfa, 0x35, 0x69,
	0xb8, 0x5a, 0x02, 0x6f, 0x01, 0x01, 0x05, 0x0a, 0xd1, 0xa1, 0x35, 0x44,
	0xd1, 0xa1, 0x37, 0x3e,
};

/* bug-5633-gre-02/gre-sample.pcap frame 11, the TCP header inside the GRE
 * tunnel: 40264 -> 22 SYN with MSS 1436, SACK-perm, TS, NOP, WS 0. */
static const uint8_t syn_tcp[] = {
	0x9d, 0x48, 0x00, 0x16, 0x30, 0x7f, 0x70, 0xe7, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0xc2, 0x16, 0x70, 0x66, 0x2f, 0x00, 0x00, 0x02, 0x04, 0x05, 0x9c,
	0x04, 0x02, 0x08, 0x0a, 0x06, 0xb1, 0x25, 0x31, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x00,
};

static void test_sack_segment(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_RAW_PCAP, sack_pkt, sizeof(sack_pkt));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.sp, 443);
	assert_int_equal(p.dp, 64731);
	assert_int_equal(p.tcp.seq, 3560545901u);
	assert_int_equal(p.tcp.ack, 3517001628u);
	assert_int_equal(p.tcp.flags, TCP_ACK);
	assert_int_equal(p.tcp.hlen, 44);
	assert_int_equal(p.tcp.win, 0x85);
	assert_true(p.tcp.has_ts);
	assert_int_equal(p.tcp.ts_val, 3522835817u);
	assert_int_equal(p.tcp.ts_ecr, 3092906607u);
	assert_true(p.tcp.has_sack);
	assert_false(p.tcp.has_mss);
	assert_false(p.tcp.has_sackok);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(st.raw, 1);
	assert_int_equal(st.tcp_syn + st.tcp_synack + st.tcp_rst, 0); /* a bare ACK */
	assert_true(decode_tcp_checksum_ok(&p));
	dtest_free();
}

static void test_syn_options(void **state)
{
	uint8_t dg[128];
	size_t len = dtest_ipv4(dg, 6, NULL, 0, syn_tcp, sizeof(syn_tcp));
	struct packet p;
	dtest_decode(&p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.sp, 40264);
	assert_int_equal(p.dp, 22);
	assert_int_equal(p.tcp.flags, TCP_SYN | TCP_ECE | TCP_CWR);
	assert_true(p.tcp.has_mss);
	assert_int_equal(p.tcp.mss, 1436);
	assert_true(p.tcp.has_sackok);
	assert_true(p.tcp.has_ts);
	assert_int_equal(p.tcp.ts_val, 0x06b12531);
	assert_int_equal(p.tcp.ts_ecr, 0);
	assert_true(p.tcp.has_wscale);
	assert_int_equal(p.tcp.wscale, 0);
	assert_false(p.tcp.has_tfo);
	dtest_free();
}

static void test_truncations(void **state)
{
	/* Cut the raw IPv4 packet and fix the IP length so only TCP is short. */
	for (uint32_t tlen = 0; tlen < sizeof(sack_pkt) - 20; tlen++) {
		uint8_t f[sizeof(sack_pkt)];
		memcpy(f, sack_pkt, sizeof(f));
		f[2] = 0;
		f[3] = (uint8_t)(20 + tlen);
		struct packet p;
		dtest_decode(&p, NULL, LINKTYPE_RAW_PCAP, f, 20 + tlen);
		assert_true(p.invalid);
		assert_int_equal(dtest_event_count(&p), 1);
		enum decode_event want = tlen < 20 ? DECODE_EV_TCP_PKT_TOO_SMALL
						   : DECODE_EV_TCP_HLEN_TOO_SMALL;
		assert_int_equal(p.events[0], want);
		assert_null(p.l4_hdr);
	}
	/* And the frame cut without fixing anything: IPv4 sees it first. */
	for (uint32_t len = 0; len < sizeof(sack_pkt); len++) {
		struct packet p;
		dtest_decode(&p, NULL, LINKTYPE_RAW_PCAP, sack_pkt, len);
		assert_true(p.invalid);
		assert_true(decode_has_event(&p, len < 20 ? DECODE_EV_IPV4_PKT_TOO_SMALL
							  : DECODE_EV_IPV4_TRUNC_PKT));
	}
	dtest_free();
}

static void decode_tcp_bytes(struct packet *p, const uint8_t *tcp, size_t n)
{
	uint8_t dg[128];
	size_t len = dtest_ipv4(dg, 6, NULL, 0, tcp, n);
	dtest_decode(p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
}

static void test_invalid_optlen(void **state)
{
	uint8_t t[sizeof(syn_tcp)];
	memcpy(t, syn_tcp, sizeof(t));
	t[12] = 0x40; /* data offset 4 words: under the 20-byte header */
	struct packet p;
	decode_tcp_bytes(&p, t, sizeof(t));
	assert_true(decode_has_event(&p, DECODE_EV_TCP_INVALID_OPTLEN));
	assert_true(p.invalid);
	t[12] = 0xf0; /* 60 bytes > 40 available */
	decode_tcp_bytes(&p, t, sizeof(t));
	assert_true(decode_has_event(&p, DECODE_EV_TCP_HLEN_TOO_SMALL));
	dtest_free();
}

static void test_option_events(void **state)
{
	uint8_t t[sizeof(syn_tcp)];
	struct packet p;

	memcpy(t, syn_tcp, sizeof(t));
	t[21] = 0x03; /* MSS with length 3 */
	decode_tcp_bytes(&p, t, sizeof(t));
	assert_true(decode_has_event(&p, DECODE_EV_TCP_OPT_INVALID_LEN));

	memcpy(t, syn_tcp, sizeof(t));
	t[21] = 0x30; /* MSS length 48 runs past the options */
	decode_tcp_bytes(&p, t, sizeof(t));
	assert_true(decode_has_event(&p, DECODE_EV_TCP_OPT_INVALID_LEN));
	assert_true(p.invalid);
	assert_int_equal(p.dp, 22); /* invalid, but the header is decoded */
	assert_false(p.tcp.has_mss);

	/* MD5 signature must be 18 bytes; TCP-AO at least 4 */
	static const uint8_t md5[] = {
		0x9d, 0x48, 0x00, 0x16, 0x30, 0x7f, 0x70, 0xe7, 0x00, 0x00, 0x00, 0x00,
		0x60, 0x10, 0x16, 0x70, 0x00, 0x00, 0x00, 0x00, 0x13, 0x04, 0x00, 0x00,
	};
	decode_tcp_bytes(&p, md5, sizeof(md5));
	assert_true(decode_has_event(&p, DECODE_EV_TCP_OPT_INVALID_LEN));
	assert_true(p.invalid);
	uint8_t ao[sizeof(md5)];
	memcpy(ao, md5, sizeof(ao));
	ao[20] = 0x1d;
	decode_tcp_bytes(&p, ao, sizeof(ao));
	assert_int_equal(dtest_event_count(&p), 0);
	ao[21] = 0x03;
	ao[23] = 0x01; /* AO of 3, then NOP */
	decode_tcp_bytes(&p, ao, sizeof(ao));
	assert_true(decode_has_event(&p, DECODE_EV_TCP_OPT_INVALID_LEN));

	/* experimental option 254 with the TFO magic counts as TFO */
	uint8_t exp[sizeof(md5)];
	memcpy(exp, md5, sizeof(exp));
	exp[20] = 0xfe;
	exp[21] = 0x04;
	exp[22] = 0xf9;
	exp[23] = 0x89;
	decode_tcp_bytes(&p, exp, sizeof(exp));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_true(p.tcp.has_tfo);
	exp[22] = 0x12; /* other magic: just an experiment */
	decode_tcp_bytes(&p, exp, sizeof(exp));
	assert_false(p.tcp.has_tfo);
	exp[21] = 0x03;
	exp[23] = 0x01;
	decode_tcp_bytes(&p, exp, sizeof(exp));
	assert_true(decode_has_event(&p, DECODE_EV_TCP_OPT_INVALID_LEN));
	assert_false(p.invalid);

	static const uint8_t dup_mss[] = {
		0x9d, 0x48, 0x00, 0x16, 0x30, 0x7f, 0x70, 0xe7, 0x00, 0x00, 0x00, 0x00,
		0x70, 0x02, 0x16, 0x70, 0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0x9c,
		0x02, 0x04, 0x05, 0xb4,
	};
	decode_tcp_bytes(&p, dup_mss, sizeof(dup_mss));
	assert_true(decode_has_event(&p, DECODE_EV_TCP_OPT_DUPLICATE));
	assert_false(p.invalid);
	assert_int_equal(p.tcp.mss, 1436); /* the first one counts */

	static const uint8_t bad_sack[] = {
		0x9d, 0x48, 0x00, 0x16, 0x30, 0x7f, 0x70, 0xe7, 0x00, 0x00, 0x00, 0x00,
		0x70, 0x10, 0x16, 0x70, 0x00, 0x00, 0x00, 0x00, 0x05, 0x06, 0x00, 0x00,
		0x00, 0x00, 0x01, 0x00,
	};
	decode_tcp_bytes(&p, bad_sack, sizeof(bad_sack));
	assert_true(decode_has_event(&p, DECODE_EV_TCP_OPT_INVALID_LEN));
	assert_false(p.tcp.has_sack);

	/* suricata-verify tcp-empty-sack: a SACK option of length 2 is fine */
	static const uint8_t empty_sack[] = {
		0x9d, 0x48, 0x00, 0x16, 0x30, 0x7f, 0x70, 0xe7, 0x00, 0x00, 0x00, 0x00,
		0x60, 0x10, 0x16, 0x70, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x05, 0x02,
	};
	decode_tcp_bytes(&p, empty_sack, sizeof(empty_sack));
	assert_int_equal(dtest_event_count(&p), 0);

	static const uint8_t tfo[] = {
		0x9d, 0x48, 0x00, 0x16, 0x30, 0x7f, 0x70, 0xe7, 0x00, 0x00, 0x00, 0x00,
		0x80, 0x02, 0x16, 0x70, 0x00, 0x00, 0x00, 0x00, 0x22, 0x0a, 0x01, 0x02,
		0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x01, 0x00,
	};
	decode_tcp_bytes(&p, tfo, sizeof(tfo));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_true(p.tcp.has_tfo);
	dtest_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sack_segment),   cmocka_unit_test(test_syn_options),
		cmocka_unit_test(test_truncations),    cmocka_unit_test(test_invalid_optlen),
		cmocka_unit_test(test_option_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
