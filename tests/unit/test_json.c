/* Tests for util/json.c: escaping, nesting, base64, invalid UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/json.h"

static void test_nesting_and_types(void **state)
{
	(void)state;
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	json_str(&j, "a", "x");
	json_uint(&j, "b", 18446744073709551615ull);
	json_int(&j, "c", -5);
	json_bool(&j, "d", false);
	json_open_array(&j, "e");
	json_uint(&j, NULL, 1);
	json_open_object(&j, NULL);
	json_null(&j, "f");
	json_close_object(&j);
	json_close_array(&j);
	json_close_object(&j);
	assert_string_equal(j.buf, "{\"a\":\"x\",\"b\":18446744073709551615,\"c\":-5,\"d\":false,"
				   "\"e\":[1,{\"f\":null}]}");
	json_reset(&j);
	json_open_object(&j, NULL);
	json_close_object(&j);
	assert_string_equal(j.buf, "{}");
	json_free(&j);
}

static void test_escaping(void **state)
{
	(void)state;
	struct json j;
	json_init(&j);
	const uint8_t raw[] = {'"', '\\', '\n', 0x01, 'A', 0xc3, 0xa9, 0xff, 0xe2, 0x82};
	json_strn(&j, NULL, raw, sizeof(raw));
	/* é stays UTF-8; lone 0xff and a cut 3-byte sequence become \u00XX. */
	assert_string_equal(j.buf, "\"\\\"\\\\\\n\\u0001A\xc3\xa9\\u00ff\\u00e2\\u0082\"");
	json_free(&j);
}

static void test_surrogates_rejected(void **state)
{
	(void)state;
	struct json j;
	json_init(&j);
	const uint8_t sur[] = {0xed, 0xa0, 0x80}; /* UTF-16 surrogate: invalid UTF-8 */
	json_strn(&j, NULL, sur, sizeof(sur));
	assert_string_equal(j.buf, "\"\\u00ed\\u00a0\\u0080\"");
	json_free(&j);
}

static void test_base64(void **state)
{
	(void)state;
	struct json j;
	json_init(&j);
	json_open_array(&j, NULL);
	json_base64(&j, NULL, (const uint8_t *)"", 0);
	json_base64(&j, NULL, (const uint8_t *)"f", 1);
	json_base64(&j, NULL, (const uint8_t *)"fo", 2);
	json_base64(&j, NULL, (const uint8_t *)"foo", 3);
	json_base64(&j, NULL, (const uint8_t *)"foobar", 6);
	json_close_array(&j);
	assert_string_equal(j.buf, "[\"\",\"Zg==\",\"Zm8=\",\"Zm9v\",\"Zm9vYmFy\"]");
	json_free(&j);
}

static void test_large_growth(void **state)
{
	(void)state;
	struct json j;
	json_init(&j);
	uint8_t big[100000];
	memset(big, 'x', sizeof(big));
	json_strn(&j, "k", big, sizeof(big));
	assert_false(j.oom);
	assert_int_equal(j.len, sizeof(big) + 6);
	json_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_and_types),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_surrogates_rejected),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_large_growth),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
