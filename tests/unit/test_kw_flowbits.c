/*
 * test_kw_flowbits.c — flowbits (set/unset/toggle/isset/isnotset, '|' and
 * '&' groups), flowint and xbits, across packets of one flow / host pair.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

/* Runs payload through `t` in flow f; returns a bitmask of alerting sids (< 32). */
static uint32_t step(struct detect_thread *t, struct flow *f, const char *payload)
{
	struct packet p;
	th_packet(&p, 6, 1234, 80, payload, (uint32_t)strlen(payload));
	p.flow = f;
	p.flow_toserver = true;
	struct alert_queue q;
	detect_packet(t, &p, &q);
	uint32_t m = 0;
	for (unsigned i = 0; i < q.count; i++)
		m |= 1u << q.alerts[i].sid;
	return m;
}

static void test_flowbits(void **state)
{
	struct detect_engine *de = th_engine(
	    "alert tcp any any -> any any (content:\"A\"; flowbits:set,a; flowbits:noalert; "
	    "sid:1;)\n"
	    "alert tcp any any -> any any (content:\"B\"; flowbits:set,b; flowbits:noalert; "
	    "sid:2;)\n"
	    "alert tcp any any -> any any (content:\"U\"; flowbits:unset,a; flowbits:noalert; "
	    "sid:3;)\n"
	    "alert tcp any any -> any any (content:\"T\"; flowbits:toggle,b; flowbits:noalert; "
	    "sid:4;)\n"
	    "alert tcp any any -> any any (content:\"?\"; flowbits:isset,a|b; sid:10;)\n"
	    "alert tcp any any -> any any (content:\"?\"; flowbits:isset,a&b; sid:11;)\n"
	    "alert tcp any any -> any any (content:\"?\"; flowbits:isnotset,a; sid:12;)\n"
	    "alert tcp any any -> any any (content:\"?\"; flowbits:isnotset,a&b; sid:13;)\n",
	    NULL);
	assert_non_null(de);
	struct detect_thread *t = detect_thread_new(de);
	struct flow f;
	memset(&f, 0, sizeof(f));
	assert_int_equal(step(t, &f, "?"), (1u << 12) | (1u << 13));
	assert_int_equal(step(t, &f, "A"), 0);
	assert_int_equal(step(t, &f, "?"), (1u << 10));
	assert_int_equal(step(t, &f, "B"), 0);
	assert_int_equal(step(t, &f, "?"), (1u << 10) | (1u << 11));
	assert_int_equal(step(t, &f, "U"), 0);
	assert_int_equal(step(t, &f, "?"), (1u << 10) | (1u << 12));
	assert_int_equal(step(t, &f, "T"), 0); /* b off */
	assert_int_equal(step(t, &f, "?"), (1u << 12) | (1u << 13));
	/* another flow does not see these bits */
	struct flow g;
	memset(&g, 0, sizeof(g));
	assert_int_equal(step(t, &g, "A"), 0);
	assert_int_equal(step(t, &f, "?"), (1u << 12) | (1u << 13));
	detect_flow_free(f.detect);
	detect_flow_free(g.detect);
	detect_thread_free(t);
	detect_engine_free(de);
}

static void test_flowint(void **state)
{
	struct detect_engine *de = th_engine(
	    "alert tcp any any -> any any (content:\"+\"; flowint:cnt,+,1; noalert; sid:1;)\n"
	    "alert tcp any any -> any any (content:\"=\"; flowint:cnt,=,10; noalert; sid:2;)\n"
	    "alert tcp any any -> any any (content:\"?\"; flowint:cnt,>,2; sid:10;)\n"
	    "alert tcp any any -> any any (content:\"?\"; flowint:cnt,isset; sid:11;)\n"
	    "alert tcp any any -> any any (content:\"?\"; flowint:cnt,notset; sid:12;)\n"
	    "alert tcp any any -> any any (content:\"?\"; flowint:cnt,==,10; sid:13;)\n",
	    NULL);
	assert_non_null(de);
	struct detect_thread *t = detect_thread_new(de);
	struct flow f;
	memset(&f, 0, sizeof(f));
	assert_int_equal(step(t, &f, "?"), 1u << 12);
	step(t, &f, "+");
	step(t, &f, "+");
	assert_int_equal(step(t, &f, "?"), 1u << 11);
	step(t, &f, "+");
	assert_int_equal(step(t, &f, "?"), (1u << 10) | (1u << 11));
	step(t, &f, "=");
	assert_int_equal(step(t, &f, "?"), (1u << 10) | (1u << 11) | (1u << 13));
	detect_flow_free(f.detect);
	detect_thread_free(t);
	detect_engine_free(de);
}

static void test_xbits(void **state)
{
	struct detect_engine *de = th_engine(
	    "alert tcp any any -> any any (content:\"S\"; xbits:set,x,track ip_pair,expire 10; "
	    "noalert; sid:1;)\n"
	    "alert tcp any any -> any any (content:\"?\"; xbits:isset,x,track ip_pair; sid:10;)\n"
	    "alert tcp any any -> any any (content:\"?\"; xbits:isnotset,x,track ip_pair; "
	    "sid:11;)\n",
	    NULL);
	struct detect_thread *t = detect_thread_new(de);
	struct packet p;
	struct alert_queue q;
	th_packet(&p, 6, 1, 2, "?", 1);
	p.ts_sec = 100;
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 1);
	assert_int_equal(q.alerts[0].sid, 11);
	th_packet(&p, 6, 1, 2, "S", 1);
	p.ts_sec = 100;
	detect_packet(t, &p, &q);
	/* the reverse direction of the pair sees the bit (no flow needed) */
	th_packet(&p, 6, 2, 1, "?", 1);
	struct ip_addr tmp = p.src;
	p.src = p.dst;
	p.dst = tmp;
	p.ts_sec = 105;
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 1);
	assert_int_equal(q.alerts[0].sid, 10);
	/* expired */
	p.ts_sec = 111;
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 1);
	assert_int_equal(q.alerts[0].sid, 11);
	detect_thread_free(t);
	detect_engine_free(de);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flowbits),
	    cmocka_unit_test(test_flowint),
	    cmocka_unit_test(test_xbits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
