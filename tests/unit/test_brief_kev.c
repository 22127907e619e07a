/*
 * test_brief_kev — the CISA KEV catalogue read as CISA states it:
 * additions by dateAdded within the period, the 2021-11-03 initial load
 * counted apart, the age of each CVE at its addition, ransomware use as
 * "Known" or "Unknown" (not known, not "not used"), and no comparison
 * with a period before the catalogue existed.  A catalogue written here
 * goes through the real importer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brief/brief-internal.h"
#include "intel/intel.h"
#include "store/store.h"

static char tmp[256], db[320];

static void entry(FILE *f, const char *cve, const char *added, const char *ransom, bool last)
{
	fprintf(f,
		"  {\"cveID\": \"%s\", \"vendorProject\": \"V\", \"product\": \"P\","
		" \"vulnerabilityName\": \"n\", \"dateAdded\": \"%s\","
		" \"knownRansomwareCampaignUse\": \"%s\", \"cwes\": []}%s\n",
		cve, added, ransom, last ? "" : ",");
}

static void build_store(bool with_launch)
{
	char path[320], err[256];
	snprintf(path, sizeof(path), "%s/kev.json", tmp);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"title\": \"KEV fixture\", \"catalogVersion\": \"1\", \"vulnerabilities\": [\n",
	      f);
	if (with_launch) {
		entry(f, "CVE-2017-0001", "2021-11-03", "Known", false);
		entry(f, "CVE-2020-0002", "2021-11-03", "Unknown", false);
		entry(f, "CVE-2021-0003", "2021-11-03", "Unknown", false);
	}
	entry(f, "CVE-2021-0004", "2021-12-10", "Known", false);   /* age 0 */
	entry(f, "CVE-2022-0005", "2022-06-01", "Unknown", false); /* age 0 */
	entry(f, "CVE-2021-0006", "2022-07-01", "Known", false);   /* age 1 */
	entry(f, "CVE-2019-0007", "2022-08-01", "Unknown", false); /* age 3 */
	entry(f, "CVE-2012-0008", "2022-09-01", "Known", false);   /* age 10 */
	entry(f, "CVE-2023-0009", "2023-03-01", "Unknown", true);
	fputs("]}\n", f);
	fclose(f);
	snprintf(db, sizeof(db), "%s/k%d.db", tmp, with_launch);
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	struct intel_provenance prov = {"CISA", "government", "clear", "CC0"};
	struct intel_import_result res;
	assert_int_equal(intel_source_import(st, "kev", path, &prov, &res), 0);
	assert_int_equal(res.records, with_launch ? 9 : 6);
	store_close(st);
}

static json_t *brief_json(const char *from, const char *to, const char *name)
{
	char out[320], err[512] = "";
	snprintf(out, sizeof(out), "%s/%s", tmp, name);
	struct brief_options o = {
	    .db = db, .from = from, .to = to, .format = BRIEF_JSON, .output = out};
	assert_int_equal(brief_generate(&o, err, sizeof(err)), 0);
	json_error_t e;
	json_t *j = json_load_file(out, 0, &e);
	assert_non_null(j);
	return j;
}

static long long fig(json_t *j, const char *key)
{
	json_t *v = json_object_get(json_object_get(j, "figures"), key);
	if (!v)
		fail_msg("no figure %s", key);
	return (long long)json_integer_value(v);
}

static bool has(json_t *j, const char *id, const char *text)
{
	size_t i, k;
	json_t *s, *b, *it;
	json_array_foreach(json_object_get(j, "sections"), i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "id")), id))
			continue;
		json_array_foreach(json_object_get(s, "blocks"), k, b)
		{
			const char *t = json_string_value(json_object_get(b, "text"));
			if (t && strcmp(t, text) == 0)
				return true;
			size_t m;
			json_array_foreach(json_object_get(b, "items"), m,
					   it) if (strcmp(json_string_value(it), text) ==
						   0) return true;
		}
	}
	return false;
}

/* 2021: the launch load apart; no comparison with 2020 (no catalogue). */
static void test_launch_year(void **state)
{
	build_store(true);
	json_t *j = brief_json("2021-01-01", "2021-12-31", "y2021.json");
	assert_int_equal(fig(j, "kev.added.current"), 1);
	assert_int_equal(fig(j, "kev.initial_load.current"), 3);
	assert_true(
	    has(j, "vulnerabilities",
		"CISA added 1 vulnerabilities to its Known Exploited Vulnerabilities "
		"catalogue between 1 January 2021 and 31 December 2021, each on confirming that it is "
		"exploited in the wild. No comparison is made with the previous period, "
		"which the catalogue does not cover (it begins on 3 November 2021)."));
	assert_true(
	    has(j, "vulnerabilities",
		"Not counted here: the 3 entries of the catalogue's initial load on "
		"3 November 2021, when CISA published it with vulnerabilities exploited over the "
		"preceding years; they are not new exploitation."));
	assert_true(
	    has(j, "key-judgements",
		"CISA added 1 vulnerabilities confirmed as exploited in the wild to its KEV "
		"catalogue in the period (the catalogue does not cover the previous period, "
		"so no change is given); 0 of them are CVEs five or more years old, and CISA "
		"marks 1 as known to be used in ransomware campaigns."));
	json_decref(j);
}

/* 2022 against 2021: 5 additions in 365 days against 1 in the 58 days
 * after the launch day: yearly rates (+0% would be wrong on counts). */
static void test_age_ransomware_and_rates(void **state)
{
	json_t *j = brief_json("2022-01-01", "2022-12-31", "y2022.json");
	assert_int_equal(fig(j, "kev.added.current"), 4);
	assert_int_equal(fig(j, "kev.added.previous"), 1);
	assert_int_equal(fig(j, "kev.initial_load.current"), 0);
	assert_int_equal(fig(j, "kev.age.0-1.current"), 2);
	assert_int_equal(fig(j, "kev.age.2-4.current"), 1);
	assert_int_equal(fig(j, "kev.age.5+.current"), 1);
	assert_int_equal(fig(j, "kev.ransomware.current"), 2);
	/* 2021-01-02..2021-12-31 minus the launch day: 2021-11-04..12-31 = 58 days;
	 * 4/365 against 1/58 a day: -36% */
	assert_true(
	    has(j, "vulnerabilities",
		"CISA added 4 vulnerabilities to its Known Exploited Vulnerabilities "
		"catalogue between 1 January 2022 and 31 December 2022, each on confirming that it is "
		"exploited in the wild (-36% in the yearly rate; 1 in the previous period)."));
	assert_true(
	    has(j, "vulnerabilities",
		"By the year in the CVE identifier, 2 of the 4 are CVEs from the year of "
		"their addition or the year before, 1 are 2 to 4 years older and 1 are 5 or "
		"more years older: an addition is a newly confirmed exploitation, not "
		"necessarily a new vulnerability."));
	assert_true(has(j, "vulnerabilities",
			"CISA marks 2 of them as known to be used in ransomware campaigns; for the "
			"other 2 its ransomware field says “Unknown”, which means not known to be "
			"used, not “not used”."));
	json_decref(j);
}

/* A catalogue extract that does not start on the launch day has no
 * initial load to set apart. */
static void test_no_launch_load(void **state)
{
	build_store(false);
	json_t *j = brief_json("2021-01-01", "2021-12-31", "nolaunch.json");
	assert_int_equal(fig(j, "kev.added.current"), 1);
	assert_int_equal(fig(j, "kev.initial_load.current"), 0);
	json_decref(j);
}

int main(void)
{
	unsetenv("VIGIL_DATADIR");
	snprintf(tmp, sizeof(tmp), "/tmp/vigil-test-kev-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_launch_year),
	    cmocka_unit_test(test_age_ransomware_and_rates),
	    cmocka_unit_test(test_no_launch_load),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? rc : 1;
}
