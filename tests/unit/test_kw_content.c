/*
 * test_kw_content.c — content and its modifiers, isdataat, bsize, dsize,
 * through the whole engine (prefilter + inspection) on hand-built packets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

struct mcase {
	const char *opts;
	const char *payload;
	int expect;
};

static void run(const struct mcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char rule[1024];
		snprintf(rule, sizeof(rule), "alert tcp any any -> any any (%s sid:1;)\n",
			 c[i].opts);
		int got = th_match_payload(rule, c[i].payload, (uint32_t)strlen(c[i].payload));
		if (got != c[i].expect)
			fail_msg("case %zu: expected %d got %d: %s on '%s'", i, c[i].expect, got,
				 c[i].opts, c[i].payload);
	}
}

static void test_content_basic(void **state)
{
	static const struct mcase c[] = {
	    {"content:\"abc\";", "xxabcxx", 1},
	    {"content:\"abc\";", "xxabxcx", 0},
	    {"content:\"ABC\";", "xxabcxx", 0},
	    {"content:\"ABC\"; nocase;", "xxabcxx", 1},
	    {"content:\"|41 42|C\";", "zABCz", 1},
	    {"content:!\"evil\";", "all good", 1},
	    {"content:!\"evil\";", "so evil", 0},
	    {"content:\"a\"; content:!\"b\";", "aaa", 1},
	    {"content:\"a\"; content:!\"b\";", "aab", 0},
	};
	run(c, sizeof(c) / sizeof(c[0]));
}

static void test_depth_offset(void **state)
{
	static const struct mcase c[] = {
	    {"content:\"abc\"; depth:3;", "abcdef", 1},
	    {"content:\"abc\"; depth:3;", "xabcdef", 0},
	    {"content:\"abc\"; offset:1;", "abcdef", 0},
	    {"content:\"abc\"; offset:1;", "xabcdef", 1},
	    {"content:\"abc\"; offset:1; depth:3;", "xabcdef", 1},
	    {"content:\"abc\"; offset:1; depth:3;", "xxabcdef", 0},
	    {"content:\"abc\"; depth:4; offset:2;", "xxxxabc", 0},
	    {"content:\"abc\"; depth:4; offset:2;", "xxxabc", 1},
	    {"content:\"GET\"; startswith;", "GET /", 1},
	    {"content:\"GET\"; startswith;", " GET /", 0},
	    {"content:\"end\"; endswith;", "the end", 1},
	    {"content:\"end\"; endswith;", "the end.", 0},
	    {"content:\"ab\"; endswith;", "abxxab", 1},
	    {"content:\"abc\"; startswith; endswith;", "abc", 1},
	    {"content:\"abc\"; startswith; endswith;", "abcc", 0},
	};
	run(c, sizeof(c) / sizeof(c[0]));
}

static void test_relative(void **state)
{
	static const struct mcase c[] = {
	    {"content:\"a\"; content:\"b\"; distance:0;", "ab", 1},
	    {"content:\"a\"; content:\"b\"; distance:0;", "ba", 0},
	    {"content:\"a\"; content:\"b\"; distance:2;", "abxb", 1},
	    {"content:\"a\"; content:\"b\"; distance:2;", "axb", 0},
	    {"content:\"a\"; content:\"b\"; within:1;", "ab", 1},
	    {"content:\"a\"; content:\"b\"; within:1;", "axb", 0},
	    {"content:\"a\"; content:\"b\"; distance:1; within:1;", "axb", 1},
	    {"content:\"a\"; content:\"b\"; distance:1; within:1;", "axxb", 0},
	    /* negative distance looks back */
	    {"content:\"bc\"; content:\"a\"; distance:-3; within:1;", "abc", 1},
	    /* backtracking: the first 'a' fails, the second succeeds */
	    {"content:\"a\"; content:\"b\"; within:1;", "axxab", 1},
	    {"content:\"key=\"; content:\"42\"; distance:0; within:2;", "key=1 key=42", 1},
	    /* no backtracking needed for a non-relative second content */
	    {"content:\"a\"; content:\"b\";", "ba", 1},
	    /* negated relative */
	    {"content:\"a\"; content:!\"b\"; within:1;", "ac", 1},
	    {"content:\"a\"; content:!\"b\"; within:1;", "ab", 0},
	    {"content:\"a\"; content:\"z\"; distance:0; content:\"q\"; within:1;", "azxazq", 1},
	};
	run(c, sizeof(c) / sizeof(c[0]));
}

static void test_isdataat_bsize_dsize(void **state)
{
	static const struct mcase c[] = {
	    {"content:\"ab\"; isdataat:2,relative;", "abcd", 1},
	    {"content:\"ab\"; isdataat:3,relative;", "abcd", 0},
	    {"content:\"ab\"; isdataat:!1,relative;", "ab", 1},
	    {"content:\"ab\"; isdataat:!1,relative;", "abc", 0},
	    {"isdataat:3;", "abcd", 1},
	    {"isdataat:4;", "abcd", 0},
	    {"dsize:4;", "abcd", 1},
	    {"dsize:>4;", "abcd", 0},
	    {"dsize:2<>5;", "abcd", 1},
	    {"dsize:!4;", "abcd", 0},
	    {"content:\"a\"; bsize:4;", "abcd", 1},
	    {"content:\"a\"; bsize:<4;", "abcd", 0},
	    {"content:\"a\"; bsize:>=4;", "abcd", 1},
	};
	run(c, sizeof(c) / sizeof(c[0]));
}

static void test_fast_pattern_variants(void **state)
{
	static const struct mcase c[] = {
	    {"content:\"xy\"; fast_pattern:only;", "aaxyaa", 1},
	    {"content:\"xy\"; fast_pattern:only;", "aaxaya", 0},
	    {"content:\"needle\"; fast_pattern:1,3; content:\"zz\";", "needle zz", 1},
	    {"content:\"needle\"; fast_pattern:1,3; content:\"zz\";", "eed zz", 0},
	    {"content:\"ab\"; nocase; fast_pattern;", "xAbx", 1},
	    /* the fast pattern matching must not be enough: the rest must hold too */
	    {"content:\"longpattern\"; content:\"q\"; depth:1;", "xlongpattern", 0},
	    {"content:\"longpattern\"; content:\"q\"; depth:1;", "qlongpattern", 1},
	};
	run(c, sizeof(c) / sizeof(c[0]));
}

static void test_empty_payload(void **state)
{
	assert_int_equal(
	    th_match_payload("alert tcp any any -> any any (content:\"a\"; sid:1;)\n", "", 0), 0);
	assert_int_equal(
	    th_match_payload("alert tcp any any -> any any (dsize:0; sid:1;)\n", "", 0), 1);
	assert_int_equal(
	    th_match_payload("alert tcp any any -> any any (content:!\"a\"; sid:1;)\n", "", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_content_basic),
	    cmocka_unit_test(test_depth_offset),
	    cmocka_unit_test(test_relative),
	    cmocka_unit_test(test_isdataat_bsize_dsize),
	    cmocka_unit_test(test_fast_pattern_variants),
	    cmocka_unit_test(test_empty_payload),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
