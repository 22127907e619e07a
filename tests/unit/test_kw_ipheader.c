/*
 * test_kw_ipheader.c — ttl tos id ipopts fragbits fragoffset ip_proto
 * sameip and the ipv4.hdr / ipv6.hdr buffers, on hand-built packets.
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
	snprintf(rule, sizeof(rule), "alert ip any any -> any any (%s sid:1;)", opts);
	return th_match_pkt(rule, p);
}

static void test_ip_fields(void **state)
{
	struct packet p;
	th_packet(&p, 6, 1, 2, "x", 1);
	p.ttl = 5;
	p.tos = 0x10;
	p.ip_id = 4242;
	p.frag_flags = FRAG_DF;
	p.frag_offset = 0;
	p.ip4.opts = IP4_OPT_RR | IP4_OPT_NOP;
	assert_int_equal(mp("ttl:5;", &p), 1);
	assert_int_equal(mp("ttl:<5;", &p), 0);
	assert_int_equal(mp("ttl:3-10;", &p), 1);
	assert_int_equal(mp("tos:16;", &p), 1);
	assert_int_equal(mp("tos:x10;", &p), 1);
	assert_int_equal(mp("tos:!16;", &p), 0);
	assert_int_equal(mp("id:4242;", &p), 1);
	assert_int_equal(mp("id:4243;", &p), 0);
	assert_int_equal(mp("ipopts:rr;", &p), 1);
	assert_int_equal(mp("ipopts:lsrr;", &p), 0);
	assert_int_equal(mp("ipopts:any;", &p), 1);
	assert_int_equal(mp("fragbits:D;", &p), 1);
	assert_int_equal(mp("fragbits:M;", &p), 0);
	assert_int_equal(mp("fragbits:*MD;", &p), 1);
	assert_int_equal(mp("fragbits:!M;", &p), 1);
	assert_int_equal(mp("fragbits:+D;", &p), 1);
	assert_int_equal(mp("fragoffset:0;", &p), 1);
	assert_int_equal(mp("fragoffset:>0;", &p), 0);
	assert_int_equal(mp("ip_proto:6;", &p), 1);
	assert_int_equal(mp("ip_proto:tcp;", &p), 1);
	assert_int_equal(mp("ip_proto:!6;", &p), 0);
	assert_int_equal(mp("ip_proto:>5;", &p), 1);
	assert_int_equal(mp("sameip;", &p), 0);
	p.dst = p.src;
	assert_int_equal(mp("sameip;", &p), 1);
	/* no IP layer: header keywords never match */
	struct packet raw;
	memset(&raw, 0, sizeof(raw));
	assert_int_equal(mp("ttl:0;", &raw), 0);
}

static void test_ip_hdr_buffers(void **state)
{
	uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06};
	struct packet p;
	th_packet(&p, 6, 1, 2, "x", 1);
	p.ip_hdr = hdr;
	p.ip_hdr_len = 20;
	assert_int_equal(mp("ipv4.hdr; content:\"|12 34|\"; offset:4; depth:2;", &p), 1);
	assert_int_equal(mp("ipv4.hdr; content:\"|45|\"; startswith; bsize:20;", &p), 1);
	assert_int_equal(mp("ipv6.hdr; content:\"|45|\";", &p), 0);
	assert_int_equal(mp("ipv4.hdr; to_sha256; bsize:32;", &p), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ip_fields),
	    cmocka_unit_test(test_ip_hdr_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
