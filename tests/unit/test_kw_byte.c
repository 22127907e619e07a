/*
 * test_kw_byte.c — byte_test, byte_jump, byte_extract, byte_math and the
 * use of extracted variables by content modifiers and isdataat.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

static int m(const char *opts, const void *payload, uint32_t len)
{
	char rule[1024];
	snprintf(rule, sizeof(rule), "alert tcp any any -> any any (%s sid:1;)\n", opts);
	return th_match_payload(rule, payload, len);
}

static void test_byte_test(void **state)
{
	const uint8_t p[] = {0x00, 0x10, 0x20, 0x00, 'x'};
	assert_int_equal(m("byte_test:2,=,16,0;", p, 5), 1);
	assert_int_equal(m("byte_test:2,=,16,0,little;", p, 5), 0);
	assert_int_equal(m("byte_test:2,=,4096,0,little;", p, 5), 1);
	assert_int_equal(m("byte_test:1,>,15,1;", p, 5), 1);
	assert_int_equal(m("byte_test:1,<,15,1;", p, 5), 0);
	assert_int_equal(m("byte_test:1,!=,15,1;", p, 5), 1);
	assert_int_equal(m("byte_test:1,!=,16,1;", p, 5), 0);
	assert_int_equal(m("byte_test:1,&,0x20,2;", p, 5), 1);
	assert_int_equal(m("byte_test:1,&,0x40,2;", p, 5), 0);
	assert_int_equal(m("byte_test:4,>,0,4;", p, 5), 0); /* out of bounds */
	assert_int_equal(m("byte_test:1,=,16,1,relative; content:\"|10|\";", p, 5), 1);
	assert_int_equal(m("content:\"|10|\"; byte_test:1,=,32,0,relative;", p, 5), 1);
	assert_int_equal(m("byte_test:2,=,0x1020,1,bitmask 0xffff;", p, 5), 1);
	const char *s = "len=123;";
	assert_int_equal(m("byte_test:3,=,123,4,string,dec;", s, 8), 1);
	assert_int_equal(m("byte_test:3,>,100,4,string,dec;", s, 8), 1);
	assert_int_equal(m("byte_test:2,=,0x12,4,string,hex;", s, 8), 1);
	/* 0 bytes with string: the whole number, however long (ET Open uses it) */
	assert_int_equal(m("byte_test:0,=,123,4,string,dec;", s, 8), 1);
	assert_int_equal(m("byte_test:0,>,122,4,string,dec;", s, 8), 1);
	assert_int_equal(m("byte_test:0,=,12,4,string,dec;", s, 8), 0);
	assert_int_equal(m("byte_test:0,=,0,0,string,dec;", s, 8), 0); /* no digits */
	assert_int_equal(m("byte_test:0,=,3,7,string,dec;", "len=1234", 8), 0);
	assert_int_equal(m("byte_test:0,=,4,7,string,dec;", "len=1234", 8), 1); /* buffer end */
	assert_int_equal(
	    th_parse_result("alert tcp any any -> any any (byte_test:0,=,1,0; sid:1;)"), 0);
	/* dce: the DCERPC stub's byte order; outside a big-endian stub, little */
	assert_int_equal(m("byte_test:2,=,4096,0,dce;", p, 5), 1);
	assert_int_equal(m("byte_test:2,=,16,0,dce;", p, 5), 0);
	const uint8_t j[] = {0x01, 0x00, 'a', 'x'};
	assert_int_equal(m("byte_jump:2,0,dce; content:\"x\"; within:1;", j, 4), 1);
	assert_int_equal(m("byte_jump:2,0; content:\"x\"; within:1;", j, 4), 0);
}

static void test_byte_jump_extract_math(void **state)
{
	/* length-prefixed fields: [len=3]abc[len=2]de */
	const uint8_t p[] = {3, 'a', 'b', 'c', 2, 'd', 'e'};
	assert_int_equal(m("byte_jump:1,0; content:\"|02|\"; within:1;", p, 7), 1);
	assert_int_equal(m("byte_jump:1,0; content:\"d\"; within:1;", p, 7), 0);
	assert_int_equal(m("byte_jump:1,0; byte_jump:1,0,relative; isdataat:!1,relative;", p, 7),
			 1);
	assert_int_equal(m("byte_jump:1,0,from_beginning,post_offset 1; content:\"|02|\"; "
			   "within:1;",
			   p, 7),
			 1);
	assert_int_equal(m("byte_jump:1,0,multiplier 2; isdataat:!1,relative;", p, 7), 1);
	assert_int_equal(m("byte_jump:1,6;", p, 7), 0); /* jumps past the end */
	assert_int_equal(m("byte_extract:1,0,len; content:\"|02|\"; offset:len; depth:1;", p, 7),
			 0);
	assert_int_equal(m("byte_extract:1,0,len; byte_test:1,=,len,0;", p, 7), 1);
	assert_int_equal(m("byte_extract:1,0,len,relative; content:\"c\"; distance:len;", p, 7), 0);
	assert_int_equal(
	    m("byte_extract:1,0,skip; content:\"|02|\"; distance:skip; within:1;", p, 7), 1);
	assert_int_equal(m("byte_extract:1,0,n; isdataat:n,relative;", p, 7), 1);
	assert_int_equal(m("byte_extract:1,4,n; byte_math:bytes 1, offset 0, oper +, rvalue n, "
			   "result s; byte_test:1,=,s,0;",
			   p, 7),
			 0);
	assert_int_equal(m("byte_extract:1,4,n; byte_math:bytes 1, offset 0, oper +, rvalue n, "
			   "result s; byte_test:1,<,s,0;",
			   p, 7),
			 1);
	assert_int_equal(m("byte_math:bytes 1, offset 0, oper *, rvalue 2, result d; "
			   "content:\"e\"; distance:d; within:1;",
			   p, 7),
			 1);
	assert_int_equal(m("byte_math:bytes 1, offset 0, oper <<, rvalue 1, result d; "
			   "byte_test:1,=,d,0;",
			   p, 7),
			 0);
	assert_int_equal(m("byte_math:bytes 1, offset 0, oper /, rvalue 3, result d; "
			   "byte_test:1,>,d,0;",
			   p, 7),
			 1);
}

/* The byte count of byte_test, byte_jump and byte_math may be a variable
 * (Suricata's *_NBYTES_VAR): read when the rule runs, and a value the
 * keyword could not have been written with is no match. */
static void test_byte_count_variable(void **state)
{
	(void)state;
	/* first byte = count, then the number */
	const uint8_t two[] = {2, 0x01, 0x00, 0xff};
	const uint8_t four[] = {4, 0x00, 0x00, 0x01, 0x00};
	const uint8_t nine[] = {9, 1, 2, 3, 4, 5, 6, 7, 8, 9};
	const uint8_t zero[] = {0, 1, 2};
	const char *t = "byte_extract:1,0,n; byte_test:n,=,256,1;";
	assert_int_equal(m(t, two, sizeof(two)), 1);
	assert_int_equal(m(t, four, sizeof(four)), 1);
	assert_int_equal(m(t, nine, sizeof(nine)), 0);
	assert_int_equal(m(t, zero, sizeof(zero)), 0);
	/* byte_jump: skip the count's worth of length field and its value */
	const uint8_t jump[] = {1, 3, 'a', 'b', 'c', 'Z'};
	assert_int_equal(m("byte_extract:1,0,n; byte_jump:n,1; content:\"Z\"; within:1;", jump,
			   sizeof(jump)),
			 1);
	/* byte_math with a variable count: 0x0005 + 1 = 6, the byte after it */
	const uint8_t math[] = {2, 0x00, 0x05, 0x06};
	const char *bm = "byte_extract:1,0,n; byte_math:bytes n, offset 1, oper +, rvalue 1, "
			 "result r; byte_test:1,=,r,3;";
	assert_int_equal(m(bm, math, sizeof(math)), 1);
	/* 5 bytes: more than byte_math reads without 'string' */
	const uint8_t math5[] = {5, 0, 0, 0, 0, 5, 6};
	assert_int_equal(m(bm, math5, sizeof(math5)), 0);
	/* an unknown name is still an error */
	assert_int_equal(th_parse_result("alert tcp any any -> any any (byte_test:nope,=,1,0; "
					 "sid:1;)"),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_byte_test),
	    cmocka_unit_test(test_byte_jump_extract_math),
	    cmocka_unit_test(test_byte_count_variable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
