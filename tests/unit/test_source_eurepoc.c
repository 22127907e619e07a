/*
 * test_source_eurepoc — EuRepoC extracts fold into one incident per ID,
 * quoted multi-line fields keep line numbers right, malformed rows are
 * counted with their line, CI sub-types only enrich, re-import replaces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "test_source_util.h"

static void write_fixture(void)
{
	write_text(scratch_path("eurepoc/dashboard_evolution_data.csv"),
		   "ID,receiver_country,start_date,incident_type,receiver_region\n"
		   "1,France,2021-03-04,Ransomware,\"['EUROPE', 'NATO']\"\n"
		   "1,France,2021-03-04,Data theft,\"['EUROPE', 'NATO']\"\n"
		   "2,\"Multi\nline\",2022-01-01,Disruption,[]\n"
		   "x3,Spain,2022-01-01,Disruption,[]\n" /* line 6: bad ID */
		   "4,Spain,2022-13-01,Disruption,[]\n"	 /* line 7: bad date */
		   "5,Spain,2022-01-01\n"		 /* line 8: short row */
		   "6,Italy,,Disruption,[]\n");
	write_text(scratch_path("eurepoc/dashboard_incident_types_data.csv"),
		   "ID,incident_type,start_date,receiver_country\n"
		   "1,Ransomware,2021-03-04,France\n"
		   "1,Data theft,2021-03-04,France\n"
		   "2,Disruption,2022-01-01,Spain\n");
	write_text(scratch_path("eurepoc/dashboard_targeted_sectors_data.csv"),
		   "ID,start_date,receiver_category,receiver_category_subcode\n"
		   "1,2021-03-01,Critical infrastructure,Health\n"
		   "2,2022-01-01,Media,\n");
	/* attribution dates: one column per kind of attributor; a value that
	 * is not a date is warned about and not stored */
	write_text(scratch_path("eurepoc/dashboard_attributions_data.csv"),
		   "ID,start_date,industry_date,political_date,attacker_date\n"
		   "1,2021-03-04,2021-04-01,,2021-03-20\n"
		   "1,2021-03-04,2021-04-01,,2021-03-20\n"
		   "2,2022-01-01,,soon,\n");
	write_text(scratch_path("eurepoc/critical_infrastructure_subtypes.csv"),
		   "id,receiver_subcategory,ci_subtype,receiver_country,region_name\n"
		   "1,Health,Hospitals,France,EUROPE\n"
		   "99,Health,Clinics,Nowhere,X\n");
}

static void test_counts_and_lines(void **state)
{
	struct store *st = scratch_store("e2.db");
	struct intel_import_result res;
	assert_int_equal(
	    intel_source_import(st, "eurepoc", scratch_path("eurepoc"), &test_prov, &res), 0);
	assert_int_equal(res.malformed, 3);
	assert_int_equal(res.skipped, 1); /* id 99 exists only in the CI file */
	assert_int_equal(q_int(st, "SELECT count(*) FROM source_issue WHERE line = 6"), 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM source_issue WHERE line = 7"), 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM source_issue WHERE line = 8"), 1);
	/* The earliest start date wins; both incident types are kept. */
	assert_int_equal(q_int(st, "SELECT date = '2021-03-01' FROM record WHERE ext_id = '1'"), 1);
	assert_int_equal(
	    q_int(st, "SELECT count(*) FROM record_attr a JOIN record r ON"
		      " r.id = a.record_id WHERE r.ext_id = '1' AND a.key = 'incident_type'"),
	    2);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record_attr WHERE key = 'receiver'"
				   " AND value = 'Critical infrastructure / Health'"),
			 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record_attr WHERE key = 'ci_subtype'"
				   " AND value = 'Health / Hospitals'"),
			 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record_attr WHERE key = 'receiver_region'"
				   " AND value = 'NATO'"),
			 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record_attr WHERE value = 'Multi\nline'"),
			 1);
	assert_int_equal(
	    q_int(st, "SELECT count(*) FROM record WHERE ext_id = '6' AND date IS NULL"), 1);
	/* The dates of public attributions, each once; "soon" is not one. */
	assert_int_equal(q_int(st, "SELECT count(*) FROM record_attr a JOIN record r ON"
				   " r.id = a.record_id WHERE r.ext_id = '1' AND"
				   " a.key = 'attribution_date'"),
			 2);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record_attr WHERE key ="
				   " 'attribution_date' AND value = 'soon'"),
			 0);
	/* Provenance. */
	assert_int_equal(q_int(st,
			       "SELECT count(*) FROM source WHERE publisher = 'Test Publisher'"
			       " AND stakeholder = 'academia' AND tlp = 'green' AND licence = 'CC0'"
			       " AND records = 3 AND malformed = 3"),
			 1);
	/* Re-import is idempotent. */
	assert_int_equal(
	    intel_source_import(st, "eurepoc", scratch_path("eurepoc"), &test_prov, &res), 0);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record"), 3);
	assert_int_equal(q_int(st, "SELECT count(*) FROM source"), 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM source_issue"), 3);
	store_close(st);
}

static void test_quote_error_recovers(void **state)
{
	write_text(scratch_path("bad.csv"), "ID,start_date,incident_type\n"
					    "1,2021-01-01,Ransomware\n"
					    "2,2021-01-01,\"Disr\"uption\n" /* line 3 */
					    "3,2021-01-02,Disruption\n");
	struct store *st = scratch_store("q.db");
	struct intel_import_result res;
	assert_int_equal(
	    intel_source_import(st, "eurepoc", scratch_path("bad.csv"), &test_prov, &res), 0);
	assert_int_equal(res.malformed, 1);
	assert_int_equal(res.records, 2);
	assert_int_equal(q_int(st, "SELECT line FROM source_issue"), 3);
	store_close(st);
}

int main(void)
{
	scratch_init("test-eurepoc");
	char dir[320];
	snprintf(dir, sizeof(dir), "%s/eurepoc", scratch);
	if (mkdir(dir, 0755) != 0)
		return 1;
	write_fixture();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts_and_lines),
	    cmocka_unit_test(test_quote_error_recovers),
	};
	return scratch_cleanup(cmocka_run_group_tests(tests, NULL, NULL));
}
