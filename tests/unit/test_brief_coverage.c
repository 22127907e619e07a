/*
 * test_brief_coverage — coverage as a first-class fact in the briefing:
 * each source's coverage window stored at import; counts and comparisons
 * made only over what the sources cover (yearly rates when coverage
 * differs, no comparison when a period is uncovered); uncovered trend
 * buckets drawn as "no data" in every format; the default period ending
 * at the end of real coverage; event types never collected said to be
 * "not collected".  Exact wording and numbers over a fixture written here.
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

static void add_incident(struct store *st, int64_t sid, const char *id, const char *date,
			 const char *type)
{
	int64_t r = store_record_put(st, sid, "incident", id, date, NULL, NAN);
	assert_true(r > 0);
	assert_true(store_record_attr(st, r, "incident_type", type));
	assert_true(store_record_attr(st, r, "receiver", "Critical infrastructure / Health"));
}

/* EuRepoC-like incidents from 2020-01-01 to 2021-06-30: 4 in 2020 (all of
 * it covered), 3 in the first 181 days of 2021; KEV additions and alerts
 * that are newer than the incident coverage. */
static void build_store(void)
{
	char err[256];
	snprintf(db, sizeof(db), "%s/c.db", tmp);
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	struct store_source inc = {"eurepoc", "/fixture", "EuRepoC", "academia",
				   "clear",   "none",	  NULL};
	assert_true(store_begin(st));
	int64_t sid = store_source_begin(st, &inc);
	add_incident(st, sid, "1", "2020-01-01", "Ransomware");
	add_incident(st, sid, "2", "2020-03-01", "Ransomware");
	add_incident(st, sid, "3", "2020-07-01", "Disruption");
	add_incident(st, sid, "4", "2020-12-31", "Disruption");
	add_incident(st, sid, "5", "2021-02-01", "Ransomware");
	add_incident(st, sid, "6", "2021-03-01", "Ransomware");
	add_incident(st, sid, "7", "2021-06-30", "Disruption");
	assert_true(store_source_finish(
	    st, sid, &(struct store_source_outcome){7, 0, 0, "EuRepoC fixture"}));
	struct store_source kev = {"kev", "/kev.json", "CISA", "government", "clear", "CC0", NULL};
	int64_t kid = store_source_begin(st, &kev);
	assert_true(store_record_put(st, kid, "vulnerability", "CVE-2025-0001", "2025-05-01", NULL,
				     NAN) > 0);
	assert_true(
	    store_source_finish(st, kid, &(struct store_source_outcome){1, 0, 0, "KEV fixture"}));
	assert_true(store_commit(st));
	store_close(st);
	/* EVE with alerts only: anomalies and flows were not collected. */
	char eve[320];
	snprintf(eve, sizeof(eve), "%s/eve.json", tmp);
	FILE *f = fopen(eve, "w");
	assert_non_null(f);
	for (int i = 0; i < 2; i++)
		fprintf(f,
			"{\"timestamp\":\"2026-03-0%dT10:00:00.000000+0000\",\"event_type\":"
			"\"alert\",\"src_ip\":\"192.0.2.1\",\"dest_ip\":\"10.0.0.5\",\"alert\":"
			"{\"signature_id\":1,\"signature\":\"TEST sig\",\"severity\":1}}\n",
			i + 1);
	fclose(f);
	assert_int_equal(store_import_eve_file(db, eve, NULL, NULL), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	return b;
}

static char *brief_text(const char *from, const char *to, enum brief_format fmt, const char *name)
{
	char out[320], err[512] = "";
	snprintf(out, sizeof(out), "%s/%s", tmp, name);
	struct brief_options o = {.db = db, .from = from, .to = to, .format = fmt, .output = out};
	assert_int_equal(brief_generate(&o, err, sizeof(err)), 0);
	return slurp(out);
}

static json_t *brief_json(const char *from, const char *to, const char *name)
{
	char *t = brief_text(from, to, BRIEF_JSON, name);
	json_error_t jerr;
	json_t *j = json_loads(t, 0, &jerr);
	free(t);
	assert_non_null(j);
	return j;
}

static json_t *section(json_t *j, const char *id)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(j, "sections"), i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "id")), id) == 0)
			return s;
	}
	fail_msg("no section %s", id);
	return NULL;
}

/* The key judgements, one per line. */
static char *judgements(json_t *j)
{
	json_t *items = json_object_get(
	    json_array_get(json_object_get(section(j, "key-judgements"), "blocks"), 0), "items");
	size_t i, n = 1;
	json_t *v;
	json_array_foreach(items, i, v) n += strlen(json_string_value(v)) + 1;
	char *out = calloc(1, n);
	json_array_foreach(items, i, v)
	{
		strcat(out, json_string_value(v));
		strcat(out, "\n");
	}
	return out;
}

/* Whether any paragraph or note of section id is exactly text. */
static bool has_text(json_t *j, const char *id, const char *text)
{
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(section(j, id), "blocks"), i, b)
	{
		const char *t = json_string_value(json_object_get(b, "text"));
		if (t && strcmp(t, text) == 0)
			return true;
	}
	return false;
}

static long long fig(json_t *j, const char *key)
{
	json_t *v = json_object_get(json_object_get(j, "figures"), key);
	if (!v)
		fail_msg("no figure %s", key);
	return (long long)json_integer_value(v);
}

static void test_window_stored_at_import(void **state)
{
	char err[256];
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(store_db(st),
					    "SELECT first_date, last_date FROM source WHERE kind ="
					    " 'eurepoc'",
					    -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "2020-01-01");
	assert_string_equal((const char *)sqlite3_column_text(q, 1), "2021-06-30");
	sqlite3_finalize(q);
	store_close(st);
}

/* Half of 2021 covered against all of 2020: yearly rates, said so. */
static void test_unequal_coverage_rates(void **state)
{
	json_t *j = brief_json("2021-01-01", "2021-12-31", "rate.json");
	char *kj = judgements(j);
	assert_non_null(strstr(
	    kj, "3 cyber incidents in the imported incident sources started between 1 January 2021 "
		"and 31 December 2021 (the part of the period the incident sources cover: 1 January 2021 to "
		"30 June 2021, 181 of its 365 days), 6.1 a year against 3.0 a year in the previous "
		"period (3 between 2 January 2020 and 31 December 2020, the 365 days of it the sources "
		"cover): +102% in the yearly rate. Yearly rates are compared because the sources "
		"cover the two periods unequally.\n"));
	/* the previous period of equal length starts on 2020-01-02: ransomware
	 * 2 in 181 days against 1 in 365 is the largest rise */
	assert_non_null(strstr(kj, "The largest rise was in ransomware: 2 incidents against 1 in "
				   "the previous period (+303% in the yearly rate).\n"));
	assert_null(strstr(kj, "-100%"));
	assert_int_equal(fig(j, "incidents.coverage.days.current"), 181);
	assert_int_equal(fig(j, "incidents.coverage.days.previous"), 365);
	assert_true(has_text(j, "sectors",
			     "The incident sources cover 181 days of this period and 365 days of "
			     "the previous one, so changes compare yearly rates, not counts."));
	free(kj);
	json_decref(j);
}

/* A period no incident source covers: no data, not zero, no fall. */
static void test_uncovered_period_is_no_data(void **state)
{
	json_t *j = brief_json("2022-01-01", "2022-12-31", "gap.json");
	char *kj = judgements(j);
	assert_non_null(strstr(kj, "There is no incident data for 1 January 2022 to 31 December 2022: no "
				   "incident source covers the period (incident sources: EuRepoC "
				   "fixture (1 January 2020 to 30 June 2021)). This is a gap in "
				   "coverage, not a fall to zero.\n"));
	assert_null(strstr(kj, "-100%"));
	assert_null(strstr(kj, "largest fall"));
	assert_null(strstr(kj, "0 cyber incidents"));
	const char *nodata = "No incident source covers this period: there is no incident data "
			     "for it (a gap in coverage, not zero incidents).";
	assert_true(has_text(j, "trend", nodata));
	assert_true(has_text(j, "sectors", nodata));
	assert_true(has_text(j, "threats", nodata));
	assert_true(has_text(j, "where-who", nodata));
	free(kj);
	json_decref(j);
}

/* The previous period uncovered: counts, and no comparison, with why. */
static void test_uncovered_previous_period(void **state)
{
	json_t *j = brief_json("2020-01-01", "2020-12-31", "noprev.json");
	char *kj = judgements(j);
	assert_non_null(strstr(kj, "4 cyber incidents in the imported incident sources started "
				   "between 1 January 2020 and 31 December 2020. No comparison is made with "
				   "the previous period (31 December 2018 to 31 December 2019), which no "
				   "incident source covers.\n"));
	assert_null(strstr(kj, "largest rise"));
	assert_null(strstr(kj, "new"));
	assert_true(has_text(j, "threats",
			     "No incident source covers the previous period (31 December 2018 to "
			     "31 December 2019), so no change is given."));
	char *md = brief_text("2020-01-01", "2020-12-31", BRIEF_MARKDOWN, "noprev.md");
	assert_non_null(strstr(md, "| Health | yes | 4 | 0 | not comparable |"));
	free(md);
	free(kj);
	json_decref(j);
}

/* Trend buckets without coverage are "no data" in JSON, Markdown and
 * SVG; a bucket covered in part is labelled partial. */
static void test_trend_no_data_buckets(void **state)
{
	json_t *j = brief_json("2020-01-01", "2023-12-31", "trend.json");
	assert_int_equal(fig(j, "incidents.trend.nodata_buckets"), 2);
	assert_int_equal(fig(j, "incidents.trend.partial_buckets"), 1);
	json_t *chart = NULL, *b;
	size_t i;
	json_array_foreach(json_object_get(section(j, "trend"), "blocks"), i,
			   b) if (strcmp(json_string_value(json_object_get(b, "type")), "chart") ==
				  0) chart = b;
	assert_non_null(chart);
	json_t *data = json_object_get(chart, "data");
	assert_int_equal(json_array_size(data), 4);
	const char *labels[] = {"2020", "2021 (partial)", "2022", "2023"};
	for (i = 0; i < 4; i++) {
		json_t *d = json_array_get(data, i);
		assert_string_equal(json_string_value(json_object_get(d, "label")), labels[i]);
		assert_int_equal(json_is_true(json_object_get(d, "no_data")), i >= 2);
		assert_int_equal(json_is_null(json_object_get(d, "values")), i >= 2);
	}
	json_decref(j);
	char *md = brief_text("2020-01-01", "2023-12-31", BRIEF_MARKDOWN, "trend.md");
	assert_non_null(strstr(md, "| 2022 | no data | no data |"));
	assert_non_null(strstr(md, "| 2021 (partial) | 2 | 1 |"));
	free(md);
	char *html = brief_text("2020-01-01", "2023-12-31", BRIEF_HTML, "trend.html");
	size_t boxes = 0;
	for (const char *p = html; (p = strstr(p, "<rect class=\"nodata\"")); p++)
		boxes++;
	assert_int_equal(boxes, 2);
	assert_non_null(strstr(html, "fill=\"url(#nodata)\""));
	assert_non_null(strstr(html, "<title>2022: no data</title>"));
	free(html);
}

/* The default period ends where incident coverage ends, not at the newer
 * KEV addition or the 2026 capture. */
static void test_default_end_is_coverage_end(void **state)
{
	json_t *j = brief_json(NULL, NULL, "default.json");
	const char *sub = json_string_value(json_object_get(j, "subtitle"));
	assert_non_null(strstr(sub, "Period 1 July 2020 to 30 June 2021 (compared with 2 July 2019 to "
				    "30 June 2020)"));
	/* a type absent from the previous period is "new", not "new in the
	 * yearly rate" */
	char *kj = judgements(j);
	assert_non_null(strstr(kj, "The largest rise was in disruption and DDoS: 3 incidents "
				   "against 0 in the previous period (new).\n"));
	free(kj);
	json_decref(j);
}

/* Detections: only alerts were logged; anomalies and flows are "not
 * collected", not zero, and alerts are not compared with an uncovered
 * previous period. */
static void test_not_collected(void **state)
{
	json_t *j = brief_json("2026-01-01", "2026-12-31", "det.json");
	assert_int_equal(fig(j, "detections.alerts.current"), 2);
	assert_int_equal(fig(j, "detections.flows.collected"), 0);
	assert_int_equal(fig(j, "detections.anomalies.collected"), 0);
	assert_null(json_object_get(json_object_get(j, "figures"), "detections.flows.current"));
	assert_true(has_text(j, "detections",
			     "Network flows were not collected: no imported EVE file contains "
			     "flow records, so their number is unknown (not zero)."));
	assert_true(has_text(j, "detections",
			     "Protocol anomalies were not collected: no imported EVE file "
			     "contains anomaly events, so their number is unknown (not zero)."));
	/* the alerts-over-time chart: only March 2026 has a capture */
	json_t *chart = NULL, *b;
	size_t i, nodata = 0;
	json_array_foreach(
	    json_object_get(section(j, "detections"), "blocks"), i,
	    b) if (json_object_get(b, "kind") &&
		   strcmp(json_string_value(json_object_get(b, "kind")), "stacked") == 0) chart = b;
	assert_non_null(chart);
	json_t *data = json_object_get(chart, "data");
	assert_int_equal(json_array_size(data), 12);
	json_array_foreach(data, i, b) nodata += json_is_true(json_object_get(b, "no_data"));
	assert_int_equal(nodata, 11);
	assert_false(json_is_true(json_object_get(json_array_get(data, 2), "no_data")));
	char *kj = judgements(j);
	assert_non_null(strstr(kj, "vigil raised 2 alerts on monitored networks in the period (no "
				   "imported capture covers the previous period, so no change is "
				   "given).\n"));
	assert_null(strstr(kj, "0 protocol anomalies"));
	free(kj);
	json_decref(j);
}

int main(void)
{
	unsetenv("VIGIL_DATADIR");
	snprintf(tmp, sizeof(tmp), "/tmp/vigil-test-cov-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window_stored_at_import),
	    cmocka_unit_test(test_unequal_coverage_rates),
	    cmocka_unit_test(test_uncovered_period_is_no_data),
	    cmocka_unit_test(test_uncovered_previous_period),
	    cmocka_unit_test(test_trend_no_data_buckets),
	    cmocka_unit_test(test_default_end_is_coverage_end),
	    cmocka_unit_test(test_not_collected),
	};
	build_store();
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), getenv("KEEP") ? "true %s" : "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? rc : 1;
}
