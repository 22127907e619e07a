/*
 * test_kw_pcre.c — pcre: flags, negation, relative matching and
 * backtracking together with content.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

static int m(const char *opts, const char *payload)
{
	char rule[1024];
	snprintf(rule, sizeof(rule), "alert tcp any any -> any any (%s sid:1;)\n", opts);
	return th_match_payload(rule, payload, (uint32_t)strlen(payload));
}

static void test_pcre_basic(void **state)
{
	assert_int_equal(m("pcre:\"/ab+c/\";", "xxabbbcxx"), 1);
	assert_int_equal(m("pcre:\"/ab+c/\";", "xxacxx"), 0);
	assert_int_equal(m("pcre:\"/ABC/i\";", "xabcx"), 1);
	assert_int_equal(m("pcre:\"/ABC/\";", "xabcx"), 0);
	assert_int_equal(m("pcre:\"/^abc$/m\";", "x\nabc\ny"), 1);
	assert_int_equal(m("pcre:\"/a.c/s\";", "a\nc"), 1);
	assert_int_equal(m("pcre:\"/a.c/\";", "a\nc"), 0);
	assert_int_equal(m("pcre:\"/a b c/x\";", "abc"), 1);
	assert_int_equal(m("pcre:!\"/evil/\";", "good"), 1);
	assert_int_equal(m("pcre:!\"/evil/\";", "evil"), 0);
	assert_int_equal(m("pcre:\"/\\x41\\d+/\";", "A123"), 1);
}

static void test_pcre_relative(void **state)
{
	assert_int_equal(m("content:\"key=\"; pcre:\"/^\\d+/R\";", "key=123"), 1);
	assert_int_equal(m("content:\"key=\"; pcre:\"/^\\d+/R\";", "key=x123"), 0);
	/* backtracking over the content occurrences */
	assert_int_equal(m("content:\"key=\"; pcre:\"/^\\d+/R\";", "key=x key=42"), 1);
	/* relative content after pcre */
	assert_int_equal(m("pcre:\"/id=\\d+/\"; content:\"|3b|\"; within:1;", "id=12;"), 1);
	assert_int_equal(m("pcre:\"/id=\\d+/\"; content:\"|3b|\"; within:1;", "id=12 ;"), 0);
}

static void test_pcre_unsupported_flags(void **state)
{
	assert_int_equal(m("pcre:\"/a/U\";", "a"), -1);
	assert_int_equal(m("pcre:\"/a/H\";", "a"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pcre_basic),
	    cmocka_unit_test(test_pcre_relative),
	    cmocka_unit_test(test_pcre_unsupported_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
