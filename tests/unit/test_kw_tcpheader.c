/*
 * test_kw_tcpheader.c — flags (modifiers and mask), seq, ack, window,
 * tcp.mss and the tcp.hdr buffer; udp.hdr.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

static int mp(const char *proto, const char *opts, struct packet *p)
{
	char rule[512];
	snprintf(rule, sizeof(rule), "alert %s any any -> any any (%s sid:1;)", proto, opts);
	return th_match_pkt(rule, p);
}

static void test_tcp_fields(void **state)
{
	struct packet p;
	th_packet(&p, 6, 1, 2, "x", 1);
	p.tcp.flags = TCP_SYN | TCP_ACK | TCP_ECE;
	p.tcp.seq = 1000;
	p.tcp.ack = 2000;
	p.tcp.win = 512;
	p.tcp.has_mss = true;
	p.tcp.mss = 1460;
	assert_int_equal(mp("tcp", "flags:SA;", &p), 0); /* ECE set too */
	assert_int_equal(mp("tcp", "flags:SA,E;", &p), 1);
	assert_int_equal(mp("tcp", "flags:SA,12;", &p), 1);
	assert_int_equal(mp("tcp", "flags:SAE;", &p), 1);
	assert_int_equal(mp("tcp", "flags:+S;", &p), 1);
	assert_int_equal(mp("tcp", "flags:*SF;", &p), 1);
	assert_int_equal(mp("tcp", "flags:!F;", &p), 1);
	assert_int_equal(mp("tcp", "flags:!S;", &p), 0);
	assert_int_equal(mp("tcp", "flags:0;", &p), 0);
	assert_int_equal(mp("tcp", "seq:1000;", &p), 1);
	assert_int_equal(mp("tcp", "seq:1001;", &p), 0);
	assert_int_equal(mp("tcp", "ack:2000;", &p), 1);
	assert_int_equal(mp("tcp", "window:512;", &p), 1);
	assert_int_equal(mp("tcp", "window:!512;", &p), 0);
	assert_int_equal(mp("tcp", "tcp.mss:<1500;", &p), 1);
	assert_int_equal(mp("tcp", "tcp.mss:>1460;", &p), 0);
	p.tcp.flags = 0;
	assert_int_equal(mp("tcp", "flags:0;", &p), 1);
	p.tcp.has_mss = false;
	assert_int_equal(mp("tcp", "tcp.mss:<1500;", &p), 0);
}

static void test_hdr_buffers(void **state)
{
	uint8_t seg[28] = {0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02};
	struct packet p;
	th_packet(&p, 6, 1234, 80, "x", 1);
	p.l4_hdr = seg;
	p.l4_len = 28;
	p.tcp.hlen = 20;
	assert_int_equal(mp("tcp", "tcp.hdr; content:\"|00 50|\"; offset:2; depth:2;", &p), 1);
	assert_int_equal(mp("tcp", "tcp.hdr; content:\"|50 02|\"; offset:12; bsize:20;", &p), 1);
	assert_int_equal(mp("tcp", "tcp.hdr; content:\"|50 03|\";", &p), 0);
	struct packet u;
	th_packet(&u, 17, 1234, 53, "x", 1);
	u.l4_hdr = seg;
	u.l4_len = 9;
	assert_int_equal(mp("udp", "udp.hdr; content:\"|00 50|\"; offset:2; bsize:8;", &u), 1);
	assert_int_equal(mp("udp", "udp.hdr; content:\"|50 02|\";", &u), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp_fields),
	    cmocka_unit_test(test_hdr_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
