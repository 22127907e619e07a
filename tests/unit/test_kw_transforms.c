/*
 * test_kw_transforms.c — every transform on its own (transform_apply on
 * hand-made buffers) and a transform chain on a sticky buffer in a rule;
 * entropy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

/* Parses `opts` on tcp.hdr and applies its transform chain to `in`. */
static char *xf(const char *opts, const char *in, uint32_t *olen)
{
	static char out[512];
	struct detect_engine *de = th_parse_engine();
	struct parse_ctx pc;
	char rule[512];
	snprintf(rule, sizeof(rule), "alert tcp any any -> any any (tcp.hdr; %s sid:1;)", opts);
	struct rule *r = th_parse(de, &pc, rule);
	if (r == NULL) {
		fprintf(stderr, "parse failed: %s\n", pc.err);
		free(pc.unsupported);
		detect_engine_free(de);
		return NULL;
	}
	struct detect_thread *t = detect_thread_new(de);
	struct det_thread *dt = (struct det_thread *)t;
	struct inspect_buf b = {(const uint8_t *)in, (uint32_t)strlen(in)};
	bool ok = true;
	for (uint32_t i = 0; i < r->bufs[0].nxf && ok; i++)
		ok = transform_apply(dt, &r->bufs[0].xf[i], &b, (int)(i % XFORM_SLOTS));
	char *res = NULL;
	if (ok) {
		memcpy(out, b.data, b.len);
		out[b.len] = '\0';
		*olen = b.len;
		res = out;
	}
	detect_thread_free(t);
	rule_free(r);
	detect_engine_free(de);
	return res;
}

static void check(const char *opts, const char *in, const char *want)
{
	uint32_t len = 0;
	char *o = xf(opts, in, &len);
	assert_non_null(o);
	if (len != strlen(want) || memcmp(o, want, len) != 0)
		fail_msg("%s on '%s': got '%.*s' want '%s'", opts, in, (int)len, o, want);
}

static void test_simple_transforms(void **state)
{
	check("to_lowercase;", "AbC", "abc");
	check("to_uppercase;", "AbC", "ABC");
	check("strip_whitespace;", " a b\t\nc ", "abc");
	check("compress_whitespace;", "a  b\t\t c", "a b\tc"); /* the first of a run is kept */
	check("dotprefix;", "example.com", ".example.com");
	check("url_decode;", "a%20b+c%2F%zz", "a b c/%zz");
	check("xor:\"0102\";", "\x03\x03\x03", "\x02\x01\x02");
	check("from_base64;", "aGVsbG8=", "hello");
	check("from_base64: offset 2, bytes 4;", "xxaGVs", "hel");
	check("pcrexform:\"id=([0-9]+)\";", "x id=42 y", "42");
	check("header_lowercase;", "Host: A\r\nUser-Agent: B", "host: A\r\nuser-agent: B");
	check("strip_pseudo_headers;", ":method: GET\nhost: x\n", "host: x\n");
	check("to_lowercase; strip_whitespace; dotprefix;", "A B", ".ab");
}

static void test_digests(void **state)
{
	uint32_t len;
	char *o = xf("to_md5;", "abc", &len);
	assert_non_null(o);
	assert_int_equal(len, 16);
	assert_memory_equal(o, "\x90\x01\x50\x98\x3c\xd2\x4f\xb0\xd6\x96\x3f\x7d\x28\xe1\x7f\x72",
			    16);
	o = xf("to_sha1;", "abc", &len);
	assert_int_equal(len, 20);
	assert_memory_equal(o, "\xa9\x99\x3e\x36", 4);
	o = xf("to_sha256;", "abc", &len);
	assert_int_equal(len, 32);
	assert_memory_equal(o, "\xba\x78\x16\xbf", 4);
}

static void test_transform_in_rule(void **state)
{
	uint8_t seg[20] = {0x04, 0xd2, 0x00, 0x50, 'A', 'B', 'C', 'D'};
	struct packet p;
	th_packet(&p, 6, 1234, 80, "x", 1);
	p.l4_hdr = seg;
	p.l4_len = 20;
	p.tcp.hlen = 20;
	assert_int_equal(th_match_pkt("alert tcp any any -> any any (tcp.hdr; to_lowercase; "
				      "content:\"abcd\"; offset:4; sid:1;)",
				      &p),
			 1);
	assert_int_equal(th_match_pkt("alert tcp any any -> any any (tcp.hdr; content:\"abcd\"; "
				      "sid:1;)",
				      &p),
			 0);
	/* a transform after content: the content before sees the buffer as
	 * it is, the one after the transformed buffer (and may be the fast
	 * pattern) */
	assert_int_equal(th_match_pkt("alert tcp any any -> any any (tcp.hdr; content:\"ABCD\"; "
				      "to_lowercase; content:\"abcd\"; fast_pattern; sid:1;)",
				      &p),
			 1);
	assert_int_equal(th_match_pkt("alert tcp any any -> any any (tcp.hdr; content:\"abcd\"; "
				      "to_lowercase; content:\"abcd\"; sid:1;)",
				      &p),
			 0);
	assert_int_equal(th_match_pkt("alert tcp any any -> any any (tcp.hdr; content:\"ABCD\"; "
				      "to_lowercase; content:\"ABCD\"; sid:1;)",
				      &p),
			 0);
}

static void test_entropy(void **state)
{
	const char *low = "aaaaaaaaaaaaaaaa";
	const char *high = "abcdefghijklmnop"; /* 16 distinct: 4 bits */
	char rule[256];
	snprintf(rule, sizeof(rule),
		 "alert tcp any any -> any any (content:\"a\"; entropy:value <1; sid:1;)\n");
	assert_int_equal(th_match_payload(rule, low, 16), 1);
	assert_int_equal(th_match_payload(rule, high, 16), 0);
	snprintf(rule, sizeof(rule),
		 "alert tcp any any -> any any (content:\"a\"; entropy:value >=4; sid:1;)\n");
	assert_int_equal(th_match_payload(rule, high, 16), 1);
	snprintf(rule, sizeof(rule),
		 "alert tcp any any -> any any (content:\"a\"; entropy:bytes 4, offset 0, value "
		 "=2; sid:1;)\n");
	assert_int_equal(th_match_payload(rule, high, 16), 1);
}

static void test_base64_decode(void **state)
{
	const char *pl = "id=aGVsbG8gd29ybGQ= end";
	char rule[256];
	snprintf(rule, sizeof(rule),
		 "alert tcp any any -> any any (content:\"id=\"; base64_decode:relative; "
		 "base64_data; content:\"hello\"; startswith; sid:1;)\n");
	assert_int_equal(th_match_payload(rule, pl, (uint32_t)strlen(pl)), 1);
	snprintf(rule, sizeof(rule),
		 "alert tcp any any -> any any (base64_decode:offset 3, bytes 8; base64_data; "
		 "content:\"hello\"; bsize:6; sid:1;)\n");
	assert_int_equal(th_match_payload(rule, pl, (uint32_t)strlen(pl)), 1);
	snprintf(rule, sizeof(rule),
		 "alert tcp any any -> any any (base64_decode; base64_data; content:\"hello\"; "
		 "sid:1;)\n");
	assert_int_equal(th_match_payload(rule, pl, (uint32_t)strlen(pl)), 0);
	assert_int_equal(th_parse_result("alert tcp any any -> any any (base64_data; sid:1;)"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_simple_transforms), cmocka_unit_test(test_digests),
	    cmocka_unit_test(test_transform_in_rule), cmocka_unit_test(test_entropy),
	    cmocka_unit_test(test_base64_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
