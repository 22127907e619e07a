/*
 * test_source_stix — generic STIX 2.1 bundles and ATT&CK: kinds, dates,
 * relationships, revoked objects skipped, objects without id malformed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "test_source_util.h"

static const char *bundle =
    "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": [\n"
    "{\"type\": \"incident\", \"id\": \"incident--1\", \"name\": \"Hospital outage\","
    " \"created\": \"2023-05-01T00:00:00Z\", \"labels\": [\"ransomware\"]},\n"
    "{\"type\": \"malware\", \"id\": \"malware--1\", \"name\": \"Locker\","
    " \"malware_types\": [\"ransomware\"], \"first_seen\": \"2022-01-01T00:00:00Z\","
    " \"created\": \"2023-01-01T00:00:00Z\"},\n"
    "{\"type\": \"threat-actor\", \"id\": \"threat-actor--1\", \"name\": \"Group\","
    " \"created\": \"2020-01-01T00:00:00Z\"},\n"
    "{\"type\": \"relationship\", \"id\": \"relationship--1\", \"relationship_type\": \"uses\","
    " \"source_ref\": \"threat-actor--1\", \"target_ref\": \"malware--1\"},\n"
    "{\"type\": \"campaign\", \"id\": \"campaign--1\", \"name\": \"Old\", \"revoked\": true},\n"
    "{\"type\": \"indicator\", \"name\": \"no id\"},\n" /* line 7 */
    "{\"type\": \"marking-definition\", \"id\": \"marking-definition--1\"},\n"
    "{\"type\": \"identity\", \"id\": \"identity--1\", \"name\": \"Clinic\","
    " \"sectors\": [\"healthcare\"]},\n"
    "{\"type\": \"relationship\", \"id\": \"relationship--2\", \"relationship_type\":"
    " \"targets\", \"source_ref\": \"incident--1\", \"target_ref\": \"identity--1\"},\n"
    "{\"type\": \"relationship\", \"id\": \"relationship--3\", \"relationship_type\":"
    " \"uses\", \"source_ref\": \"incident--1\", \"target_ref\": \"malware--1\"}\n"
    "]}\n";

static void test_bundle(void **state)
{
	write_text(scratch_path("bundle.json"), bundle);
	struct store *st = scratch_store("s.db");
	struct intel_import_result res;
	assert_int_equal(
	    intel_source_import(st, "stix", scratch_path("bundle.json"), &test_prov, &res), 0);
	assert_int_equal(res.records, 7);
	assert_int_equal(res.malformed, 1);
	assert_int_equal(res.skipped, 2);
	assert_int_equal(q_int(st, "SELECT line FROM source_issue"), 7);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record WHERE kind = 'incident' AND"
				   " date = '2023-05-01'"),
			 1);
	/* first_seen wins over created */
	assert_int_equal(q_int(st, "SELECT count(*) FROM record WHERE kind = 'malware' AND"
				   " date = '2022-01-01'"),
			 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record WHERE kind = 'actor'"), 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record_attr WHERE key = 'label' AND"
				   " value = 'ransomware'"),
			 1);
	assert_int_equal(q_int(st, "SELECT count(*) FROM record r JOIN record_attr a ON"
				   " a.record_id = r.id WHERE r.kind = 'relationship' AND"
				   " a.key = 'target_ref' AND a.value = 'malware--1'"),
			 2);
	/* The incident inherits its target's sector and its malware's type. */
	assert_int_equal(q_int(st,
			       "SELECT count(*) FROM record r JOIN record_attr a ON"
			       " a.record_id = r.id WHERE r.kind = 'incident' AND a.key = 'sector'"
			       " AND a.value = 'healthcare'"),
			 1);
	assert_int_equal(q_int(st,
			       "SELECT count(*) FROM record r JOIN record_attr a ON"
			       " a.record_id = r.id WHERE r.kind = 'incident' AND a.key = 'label'"),
			 1);
	store_close(st);
}

static void test_not_a_bundle(void **state)
{
	write_text(scratch_path("nb.json"), "{\"type\": \"bundle\"}\n");
	struct store *st = scratch_store("n.db");
	struct intel_import_result res;
	assert_int_equal(
	    intel_source_import(st, "attack", scratch_path("nb.json"), &test_prov, &res), -1);
	store_close(st);
}

int main(void)
{
	scratch_init("test-stix");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bundle),
	    cmocka_unit_test(test_not_a_bundle),
	};
	return scratch_cleanup(cmocka_run_group_tests(tests, NULL, NULL));
}
