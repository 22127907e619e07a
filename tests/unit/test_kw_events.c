/*
 * test_kw_events.c — decode-event matches the decoder's events by name
 * (with or without "decoder."); stream-event names load and never fire
 * until the stream stage reports events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

static void test_decode_event(void **state)
{
	struct packet p;
	th_packet(&p, 6, 1, 2, "x", 1);
	assert_int_equal(
	    th_match_pkt("alert ip any any -> any any (decode-event:ipv4.trunc_pkt; sid:1;)", &p),
	    0);
	p.events[p.event_count++] = DECODE_EV_IPV4_TRUNC_PKT;
	assert_int_equal(
	    th_match_pkt("alert ip any any -> any any (decode-event:ipv4.trunc_pkt; sid:1;)", &p),
	    1);
	assert_int_equal(th_match_pkt("alert ip any any -> any any "
				      "(decode-event:decoder.ipv4.trunc_pkt; sid:1;)",
				      &p),
			 1);
	assert_int_equal(
	    th_match_pkt("alert ip any any -> any any (decode-event:tcp.pkt_too_small; sid:1;)",
			 &p),
	    0);
	/* pkthdr rules see packets without an IP layer */
	struct packet raw;
	memset(&raw, 0, sizeof(raw));
	raw.events[raw.event_count++] = DECODE_EV_ETHERNET_PKT_TOO_SMALL;
	assert_int_equal(th_match_pkt("alert pkthdr any any -> any any "
				      "(decode-event:ethernet.pkt_too_small; sid:1;)",
				      &raw),
			 1);
	assert_int_equal(th_match_pkt("alert ip any any -> any any "
				      "(decode-event:ethernet.pkt_too_small; sid:1;)",
				      &raw),
			 0);
}

static void test_stream_event(void **state)
{
	struct packet p;
	th_packet(&p, 6, 1, 2, "x", 1);
	assert_int_equal(th_match_pkt("alert tcp any any -> any any "
				      "(stream-event:reassembly_seq_gap; sid:1;)",
				      &p),
			 0);
	assert_int_equal(th_match_pkt("alert tcp any any -> any any "
				      "(stream-event:no_such_event; sid:1;)",
				      &p),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode_event),
	    cmocka_unit_test(test_stream_event),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
