/*
 * test_brief_findings — the findings that inform, over a store written
 * here with known answers: the reporting lag per source (EuRepoC's days
 * from start to first dated attribution: median and quartiles, an
 * attribution dated before the start left out and counted; KEV "none to
 * measure"; CIPHER "no data"), actor profiles (named initiators only,
 * MISP matched through a "/"-separated alias), recommendations that fire
 * only on their finding and state it, the citations appendix (every
 * incident id of both periods, the CVE ids, CIPHER's links but not its
 * "Removed"), and --country (a national count; an unknown name is an
 * error, not an empty briefing).  Exact wording, English.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brief/brief-internal.h"
#include "store/store.h"

static char tmp[256], db[320];

static void inc(struct store *st, int64_t s, const char *id, const char *date, const char *type,
		const char *sector, const char *country, const char *initiator,
		const char *attributed)
{
	int64_t r = store_record_put(st, s, "incident", id, date, NULL, NAN);
	assert_true(r > 0);
	store_record_attr(st, r, "incident_type", type);
	store_record_attr(st, r, "receiver", sector);
	store_record_attr(st, r, "receiver_country", country);
	store_record_attr(st, r, "initiator_name", initiator);
	if (strcmp(initiator, "LockBit") == 0 || strchr(initiator, '/')) {
		store_record_attr(st, r, "initiator_country", "Russia");
		store_record_attr(st, r, "initiator_category", "Non-state-group");
		store_record_attr(st, r, "attribution_basis", "Attacker confirms");
	}
	if (attributed)
		store_record_attr(st, r, "attribution_date", attributed);
}

static void build_store(void)
{
	char err[256];
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	assert_true(store_begin(st));
	struct store_source src = {"eurepoc", "/f", "EuRepoC", "academia", "clear", "none", NULL};
	int64_t s = store_source_begin(st, &src);
	const char *health = "Critical infrastructure / Health";
	const char *finance = "Critical infrastructure / Finance";
	/* previous period (2021) */
	inc(st, s, "1", "2021-03-01", "Ransomware", health, "Germany", "LockBit", "2021-03-11");
	inc(st, s, "2", "2021-06-01", "Disruption", "Critical infrastructure / Energy", "France",
	    "Unknown", NULL);
	/* this period (2022); coverage ends on 2022-05-10 */
	inc(st, s, "3", "2022-01-10", "Ransomware", health, "Germany", "LockBit", "2022-01-30");
	inc(st, s, "4", "2022-02-10", "Ransomware", health, "France", "LockBit", "2022-01-01");
	inc(st, s, "5", "2022-03-10", "Hijacking with Misuse", finance, "Germany",
	    "APT Foo/Fancy Bear", "2022-04-09");
	inc(st, s, "6", "2022-04-10", "Hijacking with Misuse", health, "Germany", "Not available",
	    NULL);
	inc(st, s, "7", "2022-05-10", "Hijacking with Misuse", finance, "Germany", "None", NULL);
	assert_true(store_source_finish(
	    st, s, &(struct store_source_outcome){7, 0, 0, "EuRepoC fixture"}));

	struct store_source kev = {"kev", "/kev.json", "CISA", "government", "clear", "CC0", NULL};
	s = store_source_begin(st, &kev);
	int64_t r = store_record_put(st, s, "vulnerability", "CVE-2021-1111", "2022-03-01", NULL, NAN);
	store_record_attr(st, r, "vendor", "Microsoft");
	store_record_attr(st, r, "ransomware", "Known");
	r = store_record_put(st, s, "vulnerability", "CVE-2022-2222", "2022-04-01", NULL, NAN);
	store_record_attr(st, r, "vendor", "Cisco");
	store_record_attr(st, r, "ransomware", "Unknown");
	assert_true(
	    store_source_finish(st, s, &(struct store_source_outcome){2, 0, 0, "KEV fixture"}));

	struct store_source ci = {"cipher", "/c.csv", "CIPHER", "academia", "clear", "Apache-2.0",
				  NULL};
	s = store_source_begin(st, &ci);
	const char *domains[] = {"ePrescribing", "ePrescribing", "Imaging"};
	const char *links[] = {"https://pubmed.ncbi.nlm.nih.gov/1/", "Removed",
			       "https://pubmed.ncbi.nlm.nih.gov/1/"};
	for (int i = 0; i < 3; i++) {
		char id[16];
		snprintf(id, sizeof(id), "row-%d", i + 2);
		r = store_record_put(st, s, "harm", id, NULL, "harm", 7);
		store_record_attr(st, r, "technical_domain", domains[i]);
		store_record_attr(st, r, "link", links[i]);
	}
	assert_true(
	    store_source_finish(st, s, &(struct store_source_outcome){3, 0, 0, "CIPHER fixture"}));

	struct store_source mi = {"misp", "/g", "MISP", "civil-society", "clear", "CC0", NULL};
	s = store_source_begin(st, &mi);
	r = store_record_put(st, s, "actor", "threat-actor:1", NULL, "APT28", NAN);
	store_record_attr(st, r, "alias", "Fancy Bear");
	store_record_attr(st, r, "sponsor", "Russian Federation");
	assert_true(
	    store_source_finish(st, s, &(struct store_source_outcome){1, 0, 0, "MISP fixture"}));
	assert_true(store_commit(st));
	store_close(st);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* The 2022 briefing as Markdown (and its JSON figures in *j). */
static char *brief(const char *country, const char *name, json_t **j)
{
	char out[320], err[512] = "";
	snprintf(out, sizeof(out), "%s/%s.json", tmp, name);
	struct brief_options o = {.db = db,
				  .from = "2022-01-01",
				  .to = "2022-12-31",
				  .country = country,
				  .format = BRIEF_JSON,
				  .output = out};
	if (brief_generate(&o, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	json_error_t e;
	*j = json_load_file(out, 0, &e);
	assert_non_null(*j);
	snprintf(out, sizeof(out), "%s/%s.md", tmp, name);
	o.format = BRIEF_MARKDOWN;
	o.output = out;
	assert_int_equal(brief_generate(&o, err, sizeof(err)), 0);
	return slurp(out);
}

static long long fig(json_t *j, const char *key)
{
	json_t *v = json_object_get(json_object_get(j, "figures"), key);
	if (!v)
		fail_msg("no figure %s", key);
	return (long long)json_integer_value(v);
}

#define HAS(md, text)                                                                              \
	do {                                                                                       \
		if (!strstr(md, text))                                                             \
			fail_msg("missing: %s", text);                                             \
	} while (0)

static void test_reporting_lag(void **state)
{
	(void)state;
	json_t *j;
	char *md = brief(NULL, "all", &j);
	/* lags 10, 20, 30 days; incident 4's attribution precedes its start */
	assert_int_equal(fig(j, "lag.eurepoc.median_days"), 20);
	assert_int_equal(fig(j, "lag.eurepoc.incidents"), 3);
	HAS(md, "| EuRepoC fixture | median 20 days from an incident's start to its first public "
		"attribution (quartiles 10 and 30 days; 3 incidents with a dated attribution; left "
		"out: 1 incidents whose first attribution is dated before their start");
	HAS(md, "| KEV fixture | none to measure: an entry is dated by its addition");
	HAS(md, "| CIPHER fixture | no data: the source does not date its reports |");
	/* reference data has no lag row */
	assert_null(strstr(md, "| MISP fixture | no data"));
	free(md);
	json_decref(j);
}

static void test_actor_profiles(void **state)
{
	(void)state;
	json_t *j;
	char *md = brief(NULL, "all", &j);
	/* LockBit (2 incidents) and APT Foo/Fancy Bear; not "Not available" or "None" */
	assert_int_equal(fig(j, "actors.profiled"), 2);
	HAS(md, "- LockBit (non-state group): 2 incidents in this period; the initiator's country "
		"as attributed: Russia; sectors: Health (2); threat types: ransomware (2); bases of "
		"attribution: claimed by the attacker. The imported MISP threat-actor galaxy does not "
		"know it under this name.");
	HAS(md, "- APT Foo/Fancy Bear (non-state group): 1 incidents in this period; the "
		"initiator's country as attributed: Russia; sectors: Finance (1); threat types: "
		"intrusion and account takeover (1); bases of attribution: claimed by the attacker. In "
		"the MISP threat-actor galaxy: other names: Fancy Bear; suspected state sponsor: "
		"Russian Federation.");
	assert_null(strstr(md, "- None ("));
	assert_null(strstr(md, "- Not available ("));
	free(md);
	json_decref(j);
}

static void test_recommendations(void **state)
{
	(void)state;
	json_t *j;
	char *md = brief(NULL, "all", &j);
	assert_int_equal(fig(j, "recommendations"), 4);
	/* 2022-05-11..2022-12-31 is not covered: 235 of 365 days */
	HAS(md, "- Import an incident source that covers the end of the period: the imported "
		"incident sources end on 10 May 2022, so 235 of the period's 365 days have no "
		"incident data");
	HAS(md, "- Patch first the 1 vulnerabilities that CISA added to its KEV catalogue in the "
		"period and knows to be used in ransomware campaigns (by vendor: Microsoft (1)): "
		"the incident sources record 2 ransomware incidents in the period (");
	HAS(md, "- Hospitals should rehearse working without ePrescribing, the technical domain "
		"whose failure CIPHER most often documents as harming patients (2 events): the "
		"health sector suffered 3 incidents in the period.");
	HAS(md, "- Require phishing-resistant multi-factor authentication for remote and "
		"privileged access: intrusion and account takeover is the most frequent threat "
		"type of the period (3 incidents, ");
	free(md);
	json_decref(j);
}

static void test_citations(void **state)
{
	(void)state;
	json_t *j;
	char *md = brief(NULL, "all", &j);
	HAS(md, "EuRepoC fixture, incidents of this period (5): 3, 4, 5, 6, 7");
	HAS(md, "EuRepoC fixture, incidents of the previous period, against which changes are "
		"measured (2): 1, 2");
	HAS(md, "KEV fixture, vulnerabilities added in this period (2): CVE-2021-1111, "
		"CVE-2022-2222");
	HAS(md, "CIPHER fixture, published references of the patient-harm events (1): "
		"https://pubmed.ncbi.nlm.nih.gov/1/");
	assert_null(strstr(md, "Removed"));
	HAS(md, "| EuRepoC fixture | f |");
	HAS(md, "https://www.cisa.gov/known-exploited-vulnerabilities-catalog");
	free(md);
	json_decref(j);
}

static void test_country(void **state)
{
	(void)state;
	json_t *j;
	char *md = brief("germany", "de", &j);
	/* incidents 3, 5, 6, 7 have a target in Germany; 4 does not */
	assert_int_equal(fig(j, "incidents.total.current"), 4);
	assert_int_equal(fig(j, "incidents.total.previous"), 1);
	HAS(md, "Scope: all sectors, targets in Germany");
	HAS(md, "National view: only incidents with a target in Germany are counted.");
	HAS(md, "EuRepoC fixture, incidents of this period (4): 3, 5, 6, 7");
	free(md);
	json_decref(j);
	char out[320], err[512] = "";
	snprintf(out, sizeof(out), "%s/x.md", tmp);
	struct brief_options o = {
	    .db = db, .country = "Germnay", .format = BRIEF_MARKDOWN, .output = out};
	assert_int_equal(brief_generate(&o, err, sizeof(err)), -1);
	HAS(err, "--country 'Germnay': no incident in the store has a target there");
	HAS(err, "Germany");
	assert_int_equal(access(out, F_OK), -1);
}

int main(void)
{
	unsetenv("VIGIL_DATADIR");
	snprintf(tmp, sizeof(tmp), "/tmp/vigil-test-findings-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reporting_lag),   cmocka_unit_test(test_actor_profiles),
	    cmocka_unit_test(test_recommendations), cmocka_unit_test(test_citations),
	    cmocka_unit_test(test_country),
	};
	build_store();
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), getenv("KEEP") ? "true %s" : "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? rc : 1;
}
