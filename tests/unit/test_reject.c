/*
 * Unit tests for engine/reject.c: the answers a reject rule sends — a
 * RST|ACK to either end of a TCP packet (addresses, ports, sequence
 * numbers, valid checksums), an ICMP / ICMPv6 port unreachable quoting
 * the offending datagram, nothing for packets that cannot be answered,
 * and no write past the buffer it is given.  Answers are decoded back with
 * vigil's own decoder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "engine/reject.h"
#include "support/decode_test.h"

/* bug-5881-01/input.pcap frame 26 (raw IP): 17.188.17.120:443 ->
 * 192.168.0.47:64731, ACK, seq 3560545901, ack 3517001628, no payload. */
static const uint8_t ack_pkt[] = {
	0x45, 0x00, 0x00, 0x40, 0x03, 0xce, 0x40, 0x00, 0x34, 0x06, 0x5e, 0xdf,
	0x11, 0xbc, 0x11, 0x78, 0xc0, 0xa8, 0x00, 0x2f, 0x01, 0xbb, 0xfc, 0xdb,
	0xd4, 0x39, 0x9e, 0x6d, 0xd1, 0xa1, 0x2f, 0x9c, 0xb0, 0x10, 0x00, 0x85,
	0x17, 0xa6, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0xd1, 0xfa, 0x35, 0x69,
	0xb8, 0x5a, 0x02, 0x6f, 0x01, 0x01, 0x05, 0x0a, 0xd1, 0xa1, 0x35, 0x44,
	0xd1, 0xa1, 0x37, 0x3e,
};

#define assert_ip4(bytes, a, b, c, d)                                                        \
	do {                                                                                 \
		const uint8_t want_[4] = {a, b, c, d};                                       \
		assert_memory_equal(bytes, want_, 4);                                        \
	} while (0)

static void target_of(struct reject_target *t, const uint8_t *b, uint32_t len,
		      enum detect_action a)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_RAW_PCAP, b, len);
	assert_true(reject_target_set(t, &p, a));
}

static void decode_answer(struct packet *q, const uint8_t *b, size_t len)
{
	struct decode_stats st = {0};
	dtest_decode(q, &st, LINKTYPE_RAW_PCAP, b, (uint32_t)len);
	assert_int_equal(dtest_event_count(q), 0);
}

static void test_rst_to_source(void **state)
{
	(void)state;
	struct reject_target t;
	target_of(&t, ack_pkt, sizeof(ack_pkt), DETECT_ACTION_REJECT);
	assert_true(t.to_src);
	assert_false(t.to_dst);
	uint8_t out[128];
	size_t n = reject_build(&t, true, out, sizeof(out));
	assert_int_equal(n, 40);
	struct packet q;
	decode_answer(&q, out, n);
	assert_int_equal(q.proto, 6);
	assert_ip4(q.src.bytes, 192, 168, 0, 47);
	assert_ip4(q.dst.bytes, 17, 188, 17, 120);
	assert_int_equal(q.sp, 64731);
	assert_int_equal(q.dp, 443);
	assert_int_equal(q.tcp.flags, TCP_RST | TCP_ACK);
	assert_int_equal(q.tcp.seq, 3517001628u); /* the packet's ACK */
	assert_int_equal(q.tcp.ack, 3560545901u); /* its end: no payload */
	assert_true(decode_ipv4_checksum_ok(&q));
	assert_true(decode_tcp_checksum_ok(&q));
	dtest_free();
}

static void test_rst_both(void **state)
{
	(void)state;
	struct reject_target t;
	target_of(&t, ack_pkt, sizeof(ack_pkt), DETECT_ACTION_REJECTBOTH);
	assert_true(t.to_src && t.to_dst);
	uint8_t out[128];
	size_t n = reject_build(&t, false, out, sizeof(out));
	assert_int_equal(n, 40);
	struct packet q;
	decode_answer(&q, out, n);
	assert_ip4(q.src.bytes, 17, 188, 17, 120);
	assert_int_equal(q.sp, 443);
	assert_int_equal(q.dp, 64731);
	assert_int_equal(q.tcp.seq, 3560545901u);
	assert_int_equal(q.tcp.ack, 3517001628u);
	assert_true(decode_tcp_checksum_ok(&q));
	dtest_free();
}

/* A SYN: the RST must acknowledge it (seq + 1). */
static void test_rst_acks_syn(void **state)
{
	(void)state;
	uint8_t syn[40];
	memcpy(syn, ack_pkt, 40);
	syn[3] = 40;	     /* total length: no options */
	syn[32] = 0x50;	     /* data offset 5 */
	syn[33] = TCP_SYN;   /* flags */
	syn[10] = syn[11] = 0;
	struct reject_target t;
	target_of(&t, syn, sizeof(syn), DETECT_ACTION_REJECTSRC);
	uint8_t out[64];
	size_t n = reject_build(&t, true, out, sizeof(out));
	struct packet q;
	decode_answer(&q, out, n);
	assert_int_equal(q.tcp.seq, 0);
	assert_int_equal(q.tcp.ack, 3560545902u);
	dtest_free();
}

static void test_icmp_unreachable_for_udp(void **state)
{
	(void)state;
	uint8_t udp[28 + 4] = {0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
			       0x30, 0x39, 0, 53, 0, 12, 0, 0, 'a', 'b', 'c', 'd'};
	struct reject_target t;
	target_of(&t, udp, sizeof(udp), DETECT_ACTION_REJECT);
	uint8_t out[128];
	size_t n = reject_build(&t, true, out, sizeof(out));
	assert_int_equal(n, 20 + 8 + sizeof(udp));
	struct packet q;
	decode_answer(&q, out, n);
	assert_int_equal(q.proto, 1);
	assert_int_equal(q.icmp.type, 3);
	assert_int_equal(q.icmp.code, 3);
	assert_ip4(q.dst.bytes, 10, 0, 0, 1);
	assert_memory_equal(out + 28, udp, sizeof(udp)); /* the quote */
	assert_true(decode_icmpv4_checksum_ok(&q));
	/* Only the sender gets an ICMP error. */
	assert_int_equal(reject_build(&t, false, out, sizeof(out)), 0);
	dtest_free();
}

static void test_icmpv6_unreachable(void **state)
{
	(void)state;
	uint8_t udp6[48] = {0x60, 0, 0, 0, 0, 8, 17, 64};
	udp6[8 + 15] = 1;  /* ::1 */
	udp6[24 + 15] = 2; /* ::2 */
	udp6[40] = 0x30;
	udp6[43] = 53;
	udp6[45] = 8;
	struct reject_target t;
	target_of(&t, udp6, sizeof(udp6), DETECT_ACTION_REJECT);
	uint8_t out[160];
	size_t n = reject_build(&t, true, out, sizeof(out));
	assert_int_equal(n, 40 + 8 + sizeof(udp6));
	struct packet q;
	decode_answer(&q, out, n);
	assert_int_equal(q.proto, 58);
	assert_int_equal(q.icmp.type, 1);
	assert_int_equal(q.icmp.code, 4);
	assert_int_equal(q.dst.bytes[15], 1);
	assert_true(decode_icmpv6_checksum_ok(&q));
	dtest_free();
}

static void test_no_room_no_write(void **state)
{
	(void)state;
	struct reject_target t;
	target_of(&t, ack_pkt, sizeof(ack_pkt), DETECT_ACTION_REJECT);
	uint8_t out[39];
	assert_int_equal(reject_build(&t, true, out, sizeof(out)), 0);
	dtest_free();
}

static void test_not_ip_not_answered(void **state)
{
	(void)state;
	struct packet p;
	decode_packet_reset(&p);
	struct reject_target t;
	assert_false(reject_target_set(&t, &p, DETECT_ACTION_REJECT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rst_to_source),
	    cmocka_unit_test(test_rst_both),
	    cmocka_unit_test(test_rst_acks_syn),
	    cmocka_unit_test(test_icmp_unreachable_for_udp),
	    cmocka_unit_test(test_icmpv6_unreachable),
	    cmocka_unit_test(test_no_room_no_write),
	    cmocka_unit_test(test_not_ip_not_answered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
