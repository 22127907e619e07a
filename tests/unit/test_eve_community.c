/*
 * test_eve_community.c — Community ID v1 against values Suricata 7.0.4
 * wrote for public captures (../shared/reference), both directions of a
 * flow giving the same id, the seed changing it, ICMP request/response
 * pairs sharing one id and one-way ICMP not reordered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "output/eve.h"

static struct ip_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct ip_addr x = {4, {a, b, c, d}};
	return x;
}

static void test_suricata_values(void **state)
{
	(void)state;
	char id[EVE_COMMUNITY_ID_LEN];
	struct ip_addr lo = v4(127, 0, 0, 1);
	assert_true(eve_community_id(&lo, 37218, &lo, 1080, 6, 0, 0, 0, id));
	assert_string_equal(id, "1:Yfq8wV0v26t7aMFvQmCrWjfF09U=");
	struct ip_addr mx = v4(173, 194, 68, 26), c = v4(10, 0, 0, 1);
	assert_true(eve_community_id(&mx, 25, &c, 57406, 6, 0, 0, 0, id));
	assert_string_equal(id, "1:q9VhPPmhmImM1YZTfmQO4wbS4N4=");
	/* the other direction: the same id */
	char back[EVE_COMMUNITY_ID_LEN];
	assert_true(eve_community_id(&c, 57406, &mx, 25, 6, 0, 0, 0, back));
	assert_string_equal(back, id);
	/* another protocol, another seed: other ids */
	assert_true(eve_community_id(&mx, 25, &c, 57406, 17, 0, 0, 0, back));
	assert_string_not_equal(back, id);
	assert_true(eve_community_id(&mx, 25, &c, 57406, 6, 0, 0, 1, back));
	assert_string_not_equal(back, id);
}

static void test_icmp_and_families(void **state)
{
	(void)state;
	char req[EVE_COMMUNITY_ID_LEN], rep[EVE_COMMUNITY_ID_LEN];
	struct ip_addr a = v4(192, 0, 2, 1), b = v4(198, 51, 100, 7);
	/* echo request one way, echo reply the other: one id */
	assert_true(eve_community_id(&a, 0, &b, 0, 1, 8, 0, 0, req));
	assert_true(eve_community_id(&b, 0, &a, 0, 1, 0, 0, 0, rep));
	assert_string_equal(req, rep);
	/* destination unreachable is one-way: its direction matters */
	assert_true(eve_community_id(&a, 0, &b, 0, 1, 3, 1, 0, req));
	assert_true(eve_community_id(&b, 0, &a, 0, 1, 3, 1, 0, rep));
	assert_string_not_equal(req, rep);
	/* IPv6, and mixed or empty families */
	struct ip_addr x = {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
	struct ip_addr y = {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 2}};
	assert_true(eve_community_id(&x, 1234, &y, 80, 6, 0, 0, 0, req));
	assert_int_equal(strlen(req), 30);
	assert_false(eve_community_id(&x, 1, &a, 2, 6, 0, 0, 0, req));
	struct ip_addr none = {0, {0}};
	assert_false(eve_community_id(&none, 1, &none, 2, 6, 0, 0, 0, req));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_suricata_values),
	    cmocka_unit_test(test_icmp_and_families),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
