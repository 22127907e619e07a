/* Tests for util/config.c: YAML loading, merging, --set, typed getters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/config.h"

static const char *yaml_doc = "%YAML 1.1\n---\n"
			      "stats:\n  enabled: yes\n  interval: 8\n"
			      "flow:\n  memcap: 64mb\n"
			      "outputs:\n"
			      "  - fast:\n      enabled: no\n"
			      "  - eve-log:\n      enabled: yes\n      types:\n"
			      "        - alert:\n            payload: yes\n"
			      "        - flow\n";

static void test_load_and_get(void **state)
{
	(void)state;
	char err[256];
	struct config_node *c = config_new();
	assert_true(config_load_string(c, yaml_doc, err, sizeof(err)));
	assert_true(config_get_bool(c, "stats.enabled", false));
	assert_int_equal(config_get_int(c, "stats.interval", 0), 8);
	assert_int_equal(config_get_size(c, "flow.memcap", 0), 64ull << 20);
	assert_string_equal(config_get_str(c, "outputs.1.eve-log.types.1", ""), "flow");
	assert_true(config_get_bool(c, "outputs.1.eve-log.types.0.alert.payload", false));
	assert_null(config_get(c, "outputs.7"));
	assert_null(config_get(c, "no.such.key"));
	assert_int_equal(config_get_int(c, "no.such", 42), 42);
	config_free(c);
}

static void test_set_overrides(void **state)
{
	(void)state;
	char err[256];
	struct config_node *c = config_new();
	assert_true(config_load_string(c, yaml_doc, err, sizeof(err)));
	assert_true(config_set_assignment(c, "stats.interval=30", err, sizeof(err)));
	assert_int_equal(config_get_int(c, "stats.interval", 0), 30);
	assert_true(config_set_assignment(c, "outputs.1.eve-log.enabled=no", err, sizeof(err)));
	assert_false(config_get_bool(c, "outputs.1.eve-log.enabled", true));
	assert_true(config_set_assignment(c, "new.deep.key=v", err, sizeof(err)));
	assert_string_equal(config_get_str(c, "new.deep.key", ""), "v");
	assert_false(config_set_assignment(c, "novalue", err, sizeof(err)));
	assert_non_null(strstr(err, "key=value"));
	assert_false(config_set_assignment(c, "=x", err, sizeof(err)));
	config_free(c);
}

static void test_merge_later_wins(void **state)
{
	(void)state;
	char err[256];
	struct config_node *c = config_new();
	assert_true(config_load_string(c, "a:\n  b: 1\n  c: 2\n", err, sizeof(err)));
	assert_true(config_load_string(c, "a:\n  c: 3\n", err, sizeof(err)));
	assert_int_equal(config_get_int(c, "a.b", 0), 1);
	assert_int_equal(config_get_int(c, "a.c", 0), 3);
	config_free(c);
}

static void test_errors_name_position(void **state)
{
	(void)state;
	char err[256] = "";
	struct config_node *c = config_new();
	assert_false(config_load_string(c, "a:\n  - b\n c: [\n", err, sizeof(err)));
	assert_non_null(strstr(err, "<string>:"));
	assert_false(config_load_string(c, "- just\n- a list\n", err, sizeof(err)));
	assert_non_null(strstr(err, "mapping"));
	assert_false(config_load_file(c, "/nonexistent/x.yaml", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/x.yaml"));
	config_free(c);
}

static void test_sizes_and_bools(void **state)
{
	(void)state;
	uint64_t v;
	assert_true(config_parse_size("1gb", &v));
	assert_int_equal(v, 1ull << 30);
	assert_true(config_parse_size("512 KiB", &v));
	assert_int_equal(v, 512 * 1024);
	assert_true(config_parse_size("100", &v));
	assert_int_equal(v, 100);
	assert_false(config_parse_size("12 parsecs", &v));
	assert_false(config_parse_size("-1mb", &v));
	assert_true(config_parse_bool("On", false));
	assert_false(config_parse_bool("no", true));
	assert_true(config_parse_bool("maybe", true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_get),
		cmocka_unit_test(test_set_overrides),
		cmocka_unit_test(test_merge_later_wins),
		cmocka_unit_test(test_errors_name_position),
		cmocka_unit_test(test_sizes_and_bools),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
