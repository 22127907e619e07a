/*
 * test_kw_tag.c — tag:session and tag:host mark the packets after an
 * alert (the count includes the triggering packet); checksum keywords.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

static void test_tag_host(void **state)
{
	struct detect_engine *de = th_engine(
	    "alert tcp any any -> any any (content:\"T\"; tag:host,3,packets,dst; sid:1;)\n", NULL);
	struct detect_thread *t = detect_thread_new(de);
	struct alert_queue q;
	struct packet p;
	th_packet(&p, 6, 1, 2, "T", 1);
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 1);
	assert_false(q.tagged);
	int tagged = 0;
	for (int i = 0; i < 5; i++) {
		th_packet(&p, 6, 1, 2, "x", 1);
		/* replies from the tagged host count too */
		if (i % 2) {
			struct ip_addr a = p.src;
			p.src = p.dst;
			p.dst = a;
		}
		detect_packet(t, &p, &q);
		tagged += q.tagged;
	}
	assert_int_equal(tagged, 2);
	/* other hosts are not tagged */
	th_packet(&p, 6, 1, 2, "x", 1);
	th_ip4(&p.dst, 9, 9, 9, 9);
	detect_packet(t, &p, &q);
	assert_false(q.tagged);
	detect_thread_free(t);
	detect_engine_free(de);
}

static void test_tag_session(void **state)
{
	struct detect_engine *de = th_engine(
	    "alert tcp any any -> any any (content:\"T\"; tag:session,2,packets; sid:1;)\n", NULL);
	struct detect_thread *t = detect_thread_new(de);
	struct alert_queue q;
	struct flow f, g;
	memset(&f, 0, sizeof(f));
	memset(&g, 0, sizeof(g));
	struct packet p;
	th_packet(&p, 6, 1, 2, "T", 1);
	p.flow = &f;
	detect_packet(t, &p, &q);
	th_packet(&p, 6, 1, 2, "x", 1);
	p.flow = &g;
	detect_packet(t, &p, &q);
	assert_false(q.tagged);
	p.flow = &f;
	detect_packet(t, &p, &q);
	assert_true(q.tagged);
	detect_packet(t, &p, &q);
	assert_false(q.tagged);
	detect_flow_free(f.detect);
	detect_flow_free(g.detect);
	detect_thread_free(t);
	detect_engine_free(de);
}

static void test_tag_parse(void **state)
{
	struct detect_load_stats st;
	struct detect_engine *de =
	    th_engine("alert tcp any any -> any any (tag:session; sid:1;)\n"
		      "alert tcp any any -> any any (tag:host,10,seconds,src; sid:2;)\n"
		      "alert tcp any any -> any any (tag:host,10,seconds; sid:3;)\n"
		      "alert tcp any any -> any any (tag:flow; sid:4;)\n"
		      "alert tcp any any -> any any (tag:session,0,packets; sid:5;)\n",
		      &st);
	assert_int_equal(st.loaded, 2);
	assert_int_equal(st.failed, 3);
	detect_engine_free(de);
}

static void test_checksum_keywords(void **state)
{
	struct detect_load_stats st;
	struct detect_engine *de =
	    th_engine("alert ip any any -> any any (ipv4-csum:valid; sid:1;)\n"
		      "alert ip any any -> any any (tcpv4-csum:invalid; sid:2;)\n"
		      "alert ip any any -> any any (udpv6-csum:valid; sid:3;)\n"
		      "alert ip any any -> any any (icmpv4-csum:bogus; sid:4;)\n",
		      &st);
	assert_int_equal(st.loaded, 3);
	assert_int_equal(st.failed, 1);
	/* An IPv4 header with a correct checksum (RFC 1071 example-like). */
	static uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x06,
				  0x00, 0x00, 192,  168,  1,	1,    10,   0,	  0,	1};
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(hdr[i] << 8 | hdr[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	hdr[10] = (uint8_t)(~sum >> 8);
	hdr[11] = (uint8_t)~sum;
	struct packet p;
	th_packet(&p, 6, 1, 2, "", 0);
	p.ip_hdr = hdr;
	p.data = hdr;
	p.len = 20;
	p.ip_len = 28;
	uint32_t s[4];
	unsigned n = th_run(de, &p, s, 4);
	int has1 = 0;
	for (unsigned i = 0; i < n; i++)
		has1 |= s[i] == 1;
	assert_true(has1);
	hdr[11] ^= 1;
	n = th_run(de, &p, s, 4);
	has1 = 0;
	for (unsigned i = 0; i < n; i++)
		has1 |= s[i] == 1;
	assert_false(has1);
	detect_engine_free(de);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tag_host),
	    cmocka_unit_test(test_tag_session),
	    cmocka_unit_test(test_tag_parse),
	    cmocka_unit_test(test_checksum_keywords),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
