/*
 * test_source_misp — galaxy values become records named by their galaxy,
 * with the CFR tracker fields as attributes; a value without uuid is
 * malformed at its line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "test_source_util.h"

static void test_galaxies(void **state)
{
	char dir[320];
	snprintf(dir, sizeof(dir), "%s/galaxy", scratch);
	assert_int_equal(mkdir(dir, 0755), 0);
	write_text(scratch_path("galaxy/threat-actor.json"),
		   "{\"type\": \"threat-actor\", \"name\": \"Threat Actor\", \"values\": [\n"
		   "{\"value\": \"APT X\", \"uuid\": \"u1\", \"meta\": {\"country\": \"XX\","
		   " \"cfr-suspected-state-sponsor\": \"Xland\","
		   " \"cfr-target-category\": [\"Government\", \"Healthcare\"]}},\n"
		   "{\"value\": \"no uuid\"}\n" /* line 3 */
		   "]}\n");
	write_text(scratch_path("galaxy/ransomware.json"),
		   "{\"type\": \"ransomware\", \"values\": [\n"
		   "{\"value\": \"Locky\", \"uuid\": \"r1\"},\n"
		   "{\"value\": \"WannaCry\", \"uuid\": \"r2\"}\n"
		   "]}\n");
	struct store *st = scratch_store("g.db");
	struct intel_import_result res;
	assert_int_equal(intel_source_import(st, "misp", dir, &test_prov, &res), 0);
	assert_int_equal(res.records, 3);
	assert_int_equal(res.malformed, 1);
	assert_int_equal(q_int(st, "SELECT line FROM source_issue"), 3);
	assert_int_equal(q_int(st,
			       "SELECT count(*) FROM record r JOIN record_attr a ON"
			       " a.record_id = r.id WHERE r.kind = 'actor' AND a.key = 'sponsor'"
			       " AND a.value = 'Xland'"),
			 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record r JOIN record_attr a ON"
				   " a.record_id = r.id WHERE r.kind = 'malware' AND"
				   " a.key = 'malware_type' AND a.value = 'ransomware'"),
			 2);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record WHERE ext_id = 'ransomware:r1'"),
			 1);
	store_close(st);
}

int main(void)
{
	scratch_init("test-misp");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_galaxies),
	};
	return scratch_cleanup(cmocka_run_group_tests(tests, NULL, NULL));
}
