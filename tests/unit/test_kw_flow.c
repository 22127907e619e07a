/*
 * test_kw_flow.c — flow (direction, state, stateless, stream/frag options)
 * and the flow counters (flow.pkts, flow.bytes, flow.age, stream_size).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"
#include "test_stream_util.h"

static int mf(const char *opts, struct flow *f, bool toserver)
{
	char rule[512];
	snprintf(rule, sizeof(rule), "alert tcp any any -> any any (%s sid:1;)", opts);
	struct packet p;
	th_packet(&p, 6, 1234, 80, "x", 1);
	p.flow = f;
	p.flow_toserver = toserver;
	/* what the flow stage derives for a flow without a TCP session */
	p.flow_established = f != NULL && f->state == FLOW_STATE_ESTABLISHED;
	int r = th_match_pkt(rule, &p);
	if (f != NULL) {
		detect_flow_free(f->detect);
		f->detect = NULL;
	}
	return r;
}

static void test_flow_keyword(void **state)
{
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.state = FLOW_STATE_ESTABLISHED;
	assert_int_equal(mf("flow:to_server;", &f, true), 1);
	assert_int_equal(mf("flow:to_server;", &f, false), 0);
	assert_int_equal(mf("flow:from_server;", &f, false), 1);
	assert_int_equal(mf("flow:to_client;", &f, true), 0);
	assert_int_equal(mf("flow:established,to_server;", &f, true), 1);
	assert_int_equal(mf("flow:not_established;", &f, true), 0);
	f.state = FLOW_STATE_NEW;
	assert_int_equal(mf("flow:established;", &f, true), 0);
	assert_int_equal(mf("flow:not_established;", &f, true), 1);
	assert_int_equal(mf("flow:stateless;", &f, true), 1);
	assert_int_equal(mf("flow:no_stream;", &f, true), 1);
	assert_int_equal(mf("flow:only_stream;", &f, true), 0);
	assert_int_equal(mf("flow:no_frag;", &f, true), 1);
	assert_int_equal(mf("flow:only_frag;", &f, true), 0);
	/* no flow at all */
	assert_int_equal(mf("flow:to_server;", NULL, true), 0);
	assert_int_equal(mf("flow:stateless;", NULL, true), 1);
}

static void test_flow_counters(void **state)
{
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.pkts_toserver = 5;
	f.pkts_toclient = 2;
	f.bytes_toserver = 500;
	f.bytes_toclient = 20;
	f.start_sec = 100;
	f.last_sec = 110;
	assert_int_equal(mf("flow.pkts:toserver,>,4;", &f, true), 1);
	assert_int_equal(mf("flow.pkts:toserver,5;", &f, true), 1);
	assert_int_equal(mf("flow.pkts:toclient,>=,3;", &f, true), 0);
	assert_int_equal(mf("flow.pkts:either,<,3;", &f, true), 1);
	assert_int_equal(mf("flow.pkts:both,<,3;", &f, true), 0);
	assert_int_equal(mf("flow.pkts_toserver:5;", &f, true), 1);
	assert_int_equal(mf("flow.bytes:toclient,<,100;", &f, true), 1);
	assert_int_equal(mf("flow.bytes_toserver:>499;", &f, true), 1);
	assert_int_equal(mf("flow.age:10;", &f, true), 1);
	assert_int_equal(mf("flow.age:>10;", &f, true), 0);
	/* no TCP session: stream_size never matches */
	assert_int_equal(mf("stream_size:either,>=,0;", &f, true), 0);
	assert_int_equal(mf("flow.age:>1;", NULL, true), 0);
}

/* stream_size compares the sequence space each side used (SYN included),
 * as Suricata: "server" is what the server sent, not the bytes to it. */
static void test_stream_size(void **state)
{
	struct harness h;
	harness_init(&h, NULL);
	handshake(&h);
	char big[201];
	memset(big, 'x', 200);
	big[200] = '\0';
	send_pkt(&h, 0, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1, big);
	struct packet p = send_pkt(&h, 1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 201, "0123456789");
	assert_int_equal(
	    th_match_pkt("alert tcp any any -> any any (stream_size:server,=,201; sid:1;)", &p), 1);
	assert_int_equal(
	    th_match_pkt("alert tcp any any -> any any (stream_size:client,=,11; sid:1;)", &p), 1);
	assert_int_equal(
	    th_match_pkt("alert tcp any any -> any any (stream_size:client,>,100; sid:1;)", &p), 0);
	assert_int_equal(
	    th_match_pkt("alert tcp any any -> any any (stream_size:both,>,10; sid:1;)", &p), 1);
	assert_int_equal(
	    th_match_pkt("alert tcp any any -> any any (stream_size:either,<,12; sid:1;)", &p), 1);
	detect_flow_free(p.flow->detect);
	p.flow->detect = NULL;
	harness_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flow_keyword),
	    cmocka_unit_test(test_flow_counters),
	    cmocka_unit_test(test_stream_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
