/*
 * test_source_cipher — CIPHER rows become undated harm records scored by
 * clinical impact; quoted multi-line descriptions keep line numbers right;
 * a score outside 1–10 is malformed at its line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "test_source_util.h"

static void test_rows(void **state)
{
	write_text(scratch_path("cipher.csv"),
		   "Reference Title,Reference Link,Short Title,Description of Patient Harm,"
		   "Direct Quote,Time Point,Speciality,Technical Domain,Clinical Impact Score\n"
		   "Study,http://x,Radiotherapy cancelled,\"Long\ndescription\",\"q\",First Day,"
		   "Oncology; Paediatrics,Imaging,9\n"
		   "Study,http://x,Bad score,d,q,First Week,All,Imaging,11\n" /* line 4 */
		   "Study,http://x,Delays,d,q,Week 2,All,Booking Systems,4\n");
	struct store *st = scratch_store("c.db");
	struct intel_import_result res;
	assert_int_equal(
	    intel_source_import(st, "cipher", scratch_path("cipher.csv"), &test_prov, &res), 0);
	assert_int_equal(res.records, 2);
	assert_int_equal(res.malformed, 1);
	assert_int_equal(q_int(st, "SELECT line FROM source_issue"), 4);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record WHERE kind = 'harm' AND"
				   " date IS NULL AND score = 9"),
			 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record_attr WHERE key = 'speciality'"), 3);
	/* the published reference each harm is cited by */
	assert_int_equal(q_int(st, "SELECT count(*) FROM record_attr WHERE key = 'link' AND"
				   " value = 'http://x'"),
			 2);
	store_close(st);
}

int main(void)
{
	scratch_init("test-cipher");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	};
	return scratch_cleanup(cmocka_run_group_tests(tests, NULL, NULL));
}
