/*
 * test_kw_icmp.c — itype icode icmp_id icmp_seq icmpv6.mtu and the
 * icmpv4.hdr buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

static int mp(const char *opts, struct packet *p)
{
	char rule[512];
	snprintf(rule, sizeof(rule), "alert icmp any any -> any any (%s sid:1;)", opts);
	return th_match_pkt(rule, p);
}

static void test_icmp(void **state)
{
	uint8_t hdr[8] = {8, 0, 0xab, 0xcd, 0, 7, 0, 3};
	struct packet p;
	th_packet(&p, 1, 0, 0, "ping", 4);
	p.l4_hdr = hdr;
	p.l4_len = 12;
	p.icmp.type = 8;
	p.icmp.code = 0;
	p.icmp.has_id = true;
	p.icmp.id = 7;
	p.icmp.seq = 3;
	assert_int_equal(mp("itype:8;", &p), 1);
	assert_int_equal(mp("itype:0;", &p), 0);
	assert_int_equal(mp("itype:>5;", &p), 1);
	assert_int_equal(mp("itype:5<>10;", &p), 1);
	assert_int_equal(mp("icode:0;", &p), 1);
	assert_int_equal(mp("icode:>0;", &p), 0);
	assert_int_equal(mp("icmp_id:7;", &p), 1);
	assert_int_equal(mp("icmp_id:8;", &p), 0);
	assert_int_equal(mp("icmp_seq:3;", &p), 1);
	assert_int_equal(mp("icmpv4.hdr; content:\"|08 00|\"; startswith; bsize:8;", &p), 1);
	assert_int_equal(mp("icmpv6.hdr; content:\"|08 00|\";", &p), 0);
	assert_int_equal(mp("icmpv6.mtu:1280;", &p), 0);
	p.icmp.has_id = false;
	assert_int_equal(mp("icmp_id:7;", &p), 0);
	/* an ICMPv6 packet-too-big */
	struct packet q;
	th_packet(&q, 58, 0, 0, "", 0);
	q.l4_hdr = hdr;
	q.l4_len = 8;
	q.icmp.type = 2;
	q.icmp.mtu_hi = 0;
	q.icmp.mtu_lo = 1280;
	assert_int_equal(mp("icmpv6.mtu:1280;", &q), 1);
	assert_int_equal(mp("icmpv6.mtu:<1280;", &q), 0);
	assert_int_equal(mp("itype:2;", &q), 1);
	/* TCP packet: icmp keywords do not apply */
	struct packet t;
	th_packet(&t, 6, 1, 2, "x", 1);
	assert_int_equal(th_match_pkt("alert ip any any -> any any (itype:0; sid:1;)", &t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_icmp)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
