/*
 * test_kw_vlan.c — vlan.id (any layer, a given layer, negative layers)
 * and vlan.layers.
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

static void test_vlan(void **state)
{
	struct packet p;
	th_packet(&p, 6, 1, 2, "x", 1);
	assert_int_equal(mp("vlan.layers:0;", &p), 1);
	assert_int_equal(mp("vlan.id:100;", &p), 0);
	p.vlan_count = 2;
	p.vlan_id[0] = 100;
	p.vlan_id[1] = 200;
	assert_int_equal(mp("vlan.layers:2;", &p), 1);
	assert_int_equal(mp("vlan.layers:>2;", &p), 0);
	assert_int_equal(mp("vlan.id:200;", &p), 1);
	assert_int_equal(mp("vlan.id:200,0;", &p), 0);
	assert_int_equal(mp("vlan.id:200,1;", &p), 1);
	assert_int_equal(mp("vlan.id:100,-2;", &p), 1);
	assert_int_equal(mp("vlan.id:>150,-1;", &p), 1);
	assert_int_equal(mp("vlan.id:300;", &p), 0);
	assert_int_equal(mp("vlan.id:100,all;", &p), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_vlan)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
