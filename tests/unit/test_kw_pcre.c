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

/* Buffer flags put the pcre in an HTTP buffer, as Suricata's detect-pcre.c. */
static void test_pcre_buffer_flags(void **state)
{
	struct detect_engine *de = th_parse_engine();
	struct parse_ctx pc;
	struct rule *r = th_parse(de, &pc, "alert http any any -> any any (pcre:/one/U; sid:1;)");
	assert_non_null(r);
	assert_int_equal(r->nbufs, 1);
	assert_int_equal(r->bufs[0].buf_id, buffer_lookup("http.uri"));
	assert_int_equal(r->cur_buf, -1); /* not a sticky buffer */
	assert_true(r->flags & RF_APP_BUF);
	rule_free(r);
	/* a later content stays in the payload */
	r = th_parse(de, &pc,
		     "alert http any any -> any any (pcre:\"/a/H\"; content:\"b\"; sid:1;)");
	assert_non_null(r);
	assert_int_equal(r->nbufs, 2);
	assert_non_null(rule_get_buffer(r, buffer_lookup("http.header"), false));
	assert_int_equal(rule_get_buffer(r, BUF_PKT, false)->sms.n, 1);
	rule_free(r);
	/* the same flag as the sticky buffer; /Q is file data, as http.response_body */
	r = th_parse(de, &pc, "alert http any any -> any any (http.uri; pcre:\"/a/U\"; sid:1;)");
	assert_non_null(r);
	assert_int_equal(r->nbufs, 1);
	rule_free(r);
	r = th_parse(de, &pc,
		     "alert http any any -> any any (http.response_body; pcre:\"/a/Q\"; sid:1;)");
	assert_non_null(r);
	rule_free(r);
	/* /R after a content of the flag's buffer; other keywords may sit between */
	r = th_parse(de, &pc,
		     "alert http any any -> any any (content:\"a\"; http_uri; pcre:\"/b/UR\"; "
		     "sid:1;)");
	assert_non_null(r);
	rule_free(r);
	r = th_parse(de, &pc,
		     "alert tcp any any -> any any (content:\"a\"; isdataat:2,relative; "
		     "pcre:\"/b/R\"; sid:1;)");
	assert_non_null(r);
	rule_free(r);
	free(pc.unsupported);
	detect_engine_free(de);

	static const char *const bad[] = {
	    "pcre:\"/a/UI\";",		      /* two buffers */
	    "pcre:\"/a/BU\";",		      /* rawbytes then a buffer */
	    "pcre:\"/a/DB\";",		      /* a buffer then rawbytes */
	    "pcre:\"/Host/W\";",	      /* http.host is lower case */
	    "http.uri; pcre:\"/a/H\";",	      /* not the sticky buffer */
	    "pcre:\"/a/R\";",		      /* relative to nothing */
	    "content:\"a\"; pcre:\"/b/UR\";", /* the content is in another buffer */
	    "pcre:\"/a/U;",		      /* unbalanced quote */
	    "pcre:\"/a/7\";",		      /* unknown flag */
	    "pcre:\"a/\";",		      /* no leading slash */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char rule[256];
		snprintf(rule, sizeof(rule), "alert http any any -> any any (%s sid:1;)", bad[i]);
		if (th_parse_result(rule) != 0)
			fprintf(stderr, "accepted: %s\n", rule);
		assert_int_equal(th_parse_result(rule), 0);
	}
	/* upper case is fine with /i, or written as an escape */
	assert_int_equal(
	    th_parse_result("alert http any any -> any any (pcre:\"/Host/Wi\"; sid:1;)"), 1);
	assert_int_equal(
	    th_parse_result("alert http any any -> any any (pcre:\"/\\x41\\d/W\"; sid:1;)"), 1);
}

/* Quotes are optional around the expression. */
static void test_pcre_unquoted(void **state)
{
	assert_int_equal(m("pcre:/ab+c/;", "xxabbbcxx"), 1);
	assert_int_equal(m("pcre:!/evil/;", "good"), 1);
	assert_int_equal(m("pcre:!/evil/;", "evil"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pcre_basic),
	    cmocka_unit_test(test_pcre_relative),
	    cmocka_unit_test(test_pcre_buffer_flags),
	    cmocka_unit_test(test_pcre_unquoted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
