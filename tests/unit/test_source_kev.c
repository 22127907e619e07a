/*
 * test_source_kev — KEV entries become dated vulnerability records; an
 * entry without cveID or with a bad dateAdded is reported at the line the
 * entry starts on; a syntax error is reported at its line and the entries
 * before it are still imported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "test_source_util.h"

static const char *kev_ok =
    "{\n"
    "  \"title\": \"KEV\",\n"
    "  \"catalogVersion\": \"1.0\",\n"
    "  \"vulnerabilities\": [\n"
    "    {\n" /* line 5 */
    "      \"cveID\": \"CVE-2022-0001\",\n"
    "      \"vendorProject\": \"Acme\", \"product\": \"Box\",\n"
    "      \"dateAdded\": \"2022-03-04\",\n"
    "      \"knownRansomwareCampaignUse\": \"Known\",\n"
    "      \"cwes\": [\"CWE-79\"]\n"
    "    },\n"
    "    {\"vendorProject\": \"NoId\", \"dateAdded\": \"2022-03-05\"},\n"  /* 12 */
    "    {\"cveID\": \"CVE-2022-0003\", \"dateAdded\": \"2022-02-30\"},\n" /* 13 */
    "    {\"cveID\": \"CVE-2022-0004\", \"dateAdded\": \"2022-04-01\","
    " \"knownRansomwareCampaignUse\": \"Unknown\"}\n"
    "  ]\n"
    "}\n";

static void test_entries_and_malformed(void **state)
{
	write_text(scratch_path("kev.json"), kev_ok);
	struct store *st = scratch_store("k.db");
	struct intel_import_result res;
	assert_int_equal(intel_source_import(st, "kev", scratch_path("kev.json"), &test_prov, &res),
			 0);
	assert_int_equal(res.records, 2);
	assert_int_equal(res.malformed, 2);
	assert_int_equal(q_int(st, "SELECT count(*) FROM source_issue WHERE line = 12"), 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM source_issue WHERE line = 13"), 1);
	assert_int_equal(
	    q_int(st, "SELECT count(*) FROM record r JOIN record_attr a ON"
		      " a.record_id = r.id WHERE r.ext_id = 'CVE-2022-0001' AND"
		      " r.date = '2022-03-04' AND a.key = 'ransomware' AND a.value = 'Known'"),
	    1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM source WHERE title = 'KEV 1.0'"), 1);
	store_close(st);
}

static void test_syntax_error(void **state)
{
	write_text(scratch_path("broken.json"),
		   "{\"vulnerabilities\": [\n"
		   "  {\"cveID\": \"CVE-1\", \"dateAdded\": \"2022-01-01\"},\n"
		   "  {\"cveID\": \"CVE-2\", \"dateAdded\": \"2022-01-02\"},\n"
		   "  {\"cveID\": \"CVE-3\", \"dateAdded\": \"2022-01-03\",\n"
		   "   \"vendorProject\" \"missing colon\"},\n" /* line 5 */
		   "  {\"cveID\": \"CVE-4\", \"dateAdded\": \"2022-01-04\"}\n"
		   "]}\n");
	struct store *st = scratch_store("b.db");
	struct intel_import_result res;
	assert_int_equal(
	    intel_source_import(st, "kev", scratch_path("broken.json"), &test_prov, &res), 0);
	assert_int_equal(res.records, 2);
	assert_int_equal(res.malformed, 1);
	assert_int_equal(q_int(st, "SELECT line FROM source_issue"), 5);
	store_close(st);
}

static void test_missing_file(void **state)
{
	struct store *st = scratch_store("m.db");
	struct intel_import_result res;
	assert_int_equal(
	    intel_source_import(st, "kev", scratch_path("nope.json"), &test_prov, &res), -1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM source"), 0);
	store_close(st);
}

int main(void)
{
	scratch_init("test-kev");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries_and_malformed),
	    cmocka_unit_test(test_syntax_error),
	    cmocka_unit_test(test_missing_file),
	};
	return scratch_cleanup(cmocka_run_group_tests(tests, NULL, NULL));
}
