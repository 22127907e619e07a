/*
 * test_brief_exercise — synthetic is never real: the scenario writer's
 * exercise marker, the capture reading it, the store keeping EVE's
 * "exercise" field, and the briefing leaving exercise events out by
 * default and labelling them when asked (--include-exercise).  Exact
 * wording and numbers over fixtures written here.
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
#include "capture/capture.h"
#include "scenario/scenario.h"
#include "store/store.h"

static char tmp[256], db[320];

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

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_scenario_writes_marker(void **state)
{
	char pcap[320], marker[340], err[256];
	snprintf(pcap, sizeof(pcap), "%s/s.pcap", tmp);
	assert_int_equal(scenario_write("sample", pcap, 1, 1, err, sizeof(err)), 0);
	capture_exercise_path(pcap, marker, sizeof(marker));
	char want[340];
	snprintf(want, sizeof(want), "%s/s.exercise", tmp);
	assert_string_equal(marker, want);
	char *t = slurp(marker);
	assert_string_equal(t, "vigil-exercise sample\n");
	free(t);
	struct capture *c = capture_open(pcap, NULL, err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(capture_exercise(c), "sample");
	capture_close(c);
}

static void test_capture_marker_variants(void **state)
{
	char dir[300], pcap[340], err[256], cmd[1200];
	snprintf(dir, sizeof(dir), "%s/cap", tmp);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s/s.pcap' '%s/a.pcap'", dir, tmp, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(pcap, sizeof(pcap), "%s/a.pcap", dir);
	/* no marker: real traffic */
	struct capture *c = capture_open(pcap, NULL, err, sizeof(err));
	assert_non_null(c);
	assert_null(capture_exercise(c));
	capture_close(c);
	/* a marker that does not say "vigil-exercise NAME": still an
	 * exercise, never real, named "unnamed" */
	char marker[360];
	snprintf(marker, sizeof(marker), "%s/a.exercise", dir);
	write_file(marker, "something else\n");
	c = capture_open(pcap, NULL, err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(capture_exercise(c), "unnamed");
	capture_close(c);
	/* a directory: the marker is read, and not taken for a capture */
	write_file(marker, "vigil-exercise grid-drill\n");
	c = capture_open(dir, NULL, err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(capture_exercise(c), "grid-drill");
	assert_int_equal(capture_get_stats(c)->files_total, 1);
	capture_close(c);
}

static void eve_line(FILE *f, const char *day, const char *ip, const char *exercise,
		     const char *metadata)
{
	fprintf(f,
		"{\"timestamp\":\"%sT10:00:00.000000+0000\",\"event_type\":\"alert\","
		"%s%s%s\"src_ip\":\"192.0.2.1\",\"dest_ip\":\"%s\",\"alert\":{\"signature_id\":7,"
		"\"signature\":\"%s\",\"severity\":1%s}}\n",
		day, exercise ? "\"exercise\":\"" : "", exercise ? exercise : "",
		exercise ? "\"," : "", ip, exercise ? "EXERCISE sig" : "REAL sig", metadata);
}

/* A public incident source, 3 real alerts and 5 exercise alerts in 2021. */
static void build_store(void)
{
	char err[256];
	snprintf(db, sizeof(db), "%s/x.db", tmp);
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	struct store_source src = {"eurepoc", "/fixture", "EuRepoC", "academia",
				   "clear",   "none",	  NULL};
	assert_true(store_begin(st));
	int64_t sid = store_source_begin(st, &src);
	int64_t r = store_record_put(st, sid, "incident", "1", "2021-03-01", NULL, NAN);
	store_record_attr(st, r, "incident_type", "Ransomware");
	store_source_finish(st, sid, &(struct store_source_outcome){1, 0, 0, "EuRepoC fixture"});
	struct store_source att = {"attack", "/ics", "MITRE", "private", "clear", "none", NULL};
	int64_t aid = store_source_begin(st, &att);
	int64_t t = store_record_put(st, aid, "technique", "attack-pattern--1", NULL,
				     "Unauthorized Command Message", NAN);
	store_record_attr(st, t, "external_id", "T0855");
	store_source_finish(st, aid, &(struct store_source_outcome){1, 0, 0, "ATT&CK fixture"});
	assert_true(store_commit(st));
	store_close(st);
	char eve[320];
	snprintf(eve, sizeof(eve), "%s/eve.json", tmp);
	FILE *f = fopen(eve, "w");
	assert_non_null(f);
	/* rule metadata: ATT&CK techniques (T0855 is named by the ATT&CK
	 * record below, T1486 is not in the store) */
	for (int i = 0; i < 3; i++)
		eve_line(f, "2021-05-01", "10.0.0.5", NULL,
			 ",\"metadata\":{\"mitre_technique_id\":[\"T0855\"],\"sector\":[\"x\"]}");
	for (int i = 0; i < 5; i++)
		eve_line(f, "2021-06-01", "10.0.0.6", "hospital-ransomware",
			 i < 4 ? ",\"metadata\":{\"mitre_technique_id\":[\"T1486\",\"T0855\"]}"
			       : "");
	fclose(f);
	struct store_eve_stats stats = {0};
	assert_int_equal(store_import_eve_file(db, eve, NULL, &stats), 0);
	assert_int_equal(stats.alerts, 8);
	assert_int_equal(stats.exercise, 5);
}

static void test_store_keeps_marker(void **state)
{
	char err[256];
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(store_db(st),
					    "SELECT count(*), group_concat(DISTINCT exercise) FROM"
					    " event WHERE exercise IS NOT NULL",
					    -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 5);
	assert_string_equal((const char *)sqlite3_column_text(q, 1), "hospital-ransomware");
	sqlite3_finalize(q);
	store_close(st);
}

static json_t *brief_json(bool include, const char *name)
{
	char out[320], err[512] = "";
	snprintf(out, sizeof(out), "%s/%s", tmp, name);
	struct brief_options o = {.db = db,
				  .from = "2021-01-01",
				  .to = "2021-12-31",
				  .format = BRIEF_JSON,
				  .output = out,
				  .include_exercise = include};
	assert_int_equal(brief_generate(&o, err, sizeof(err)), 0);
	json_error_t jerr;
	json_t *j = json_load_file(out, 0, &jerr);
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

static json_t *section(json_t *j, const char *id)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(j, "sections"), i,
			   s) if (strcmp(json_string_value(json_object_get(s, "id")), id) ==
				  0) return s;
	fail_msg("no section %s", id);
	return NULL;
}

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

static bool judgement_is(json_t *j, const char *text)
{
	json_t *items = json_object_get(
	    json_array_get(json_object_get(section(j, "key-judgements"), "blocks"), 0), "items");
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) if (strcmp(json_string_value(v), text) == 0) return true;
	return false;
}

static void test_excluded_by_default(void **state)
{
	json_t *j = brief_json(false, "ex0.json");
	assert_int_equal(fig(j, "detections.alerts.current"), 3);
	assert_int_equal(fig(j, "detections.exercise.current"), 0);
	assert_int_equal(fig(j, "exercise.events.stored"), 5);
	assert_int_equal(json_array_size(json_object_get(j, "notices")), 0);
	assert_true(has_text(j, "method",
			     "The store also holds 5 events from vigil's exercise scenarios "
			     "(hospital-ransomware), synthetic traffic; they are left out of this "
			     "briefing (vigil brief --include-exercise shows them, labelled)."));
	assert_true(judgement_is(j, "The most frequent detection was “REAL sig” (3 alerts)."));
	char *text = json_dumps(j, 0);
	assert_null(strstr(text, "EXERCISE sig"));
	free(text);
	json_decref(j);
}

static json_t *table_of(json_t *j, const char *id, const char *caption_start)
{
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(section(j, id), "blocks"), i, b)
	{
		const char *cap = json_string_value(json_object_get(b, "caption"));
		if (cap && strncmp(cap, caption_start, strlen(caption_start)) == 0)
			return b;
	}
	return NULL;
}

/* ATT&CK techniques from the alerting rules' metadata, named from the
 * ATT&CK data in the store; exercise alerts only when included. */
static void test_techniques(void **state)
{
	json_t *j = brief_json(false, "tech0.json");
	assert_int_equal(fig(j, "detections.technique.T0855"), 3);
	assert_null(json_object_get(json_object_get(j, "figures"), "detections.technique.T1486"));
	assert_true(judgement_is(j, "The technique most often behind vigil's alerts was T0855 "
				    "(Unauthorized Command Message), in 3 alerts."));
	json_decref(j);
	j = brief_json(true, "tech1.json");
	assert_int_equal(fig(j, "detections.technique.T0855"), 7);
	assert_int_equal(fig(j, "detections.technique.T1486"), 4);
	json_t *t = table_of(j, "detections", "MITRE ATT&CK techniques named by the rules");
	assert_non_null(t);
	json_t *rows = json_object_get(t, "rows");
	assert_int_equal(json_array_size(rows), 2);
	char *r0 = json_dumps(json_array_get(rows, 0), JSON_COMPACT);
	char *r1 = json_dumps(json_array_get(rows, 1), JSON_COMPACT);
	assert_string_equal(r0, "[\"T0855\",\"Unauthorized Command Message\",\"7\"]");
	assert_string_equal(r1, "[\"T1486\",\"(not in the imported ATT&CK data)\",\"4\"]");
	free(r0);
	free(r1);
	json_decref(j);
}

static void test_included_and_labelled(void **state)
{
	json_t *j = brief_json(true, "ex1.json");
	assert_int_equal(fig(j, "detections.alerts.current"), 8);
	assert_int_equal(fig(j, "detections.exercise.current"), 5);
	json_t *notices = json_object_get(j, "notices");
	assert_int_equal(json_array_size(notices), 1);
	assert_string_equal(
	    json_string_value(json_array_get(notices, 0)),
	    "This briefing mixes exercise data with public sources. Exercise data: "
	    "synthetic traffic from vigil's own scenarios (hospital-ransomware), not "
	    "observations of real networks; every figure that uses it is labelled "
	    "“exercise data”. Public sources: ATT&CK fixture (MITRE); EuRepoC fixture "
	    "(EuRepoC).");
	assert_true(judgement_is(j, "Exercise data (vigil scenarios hospital-ransomware, synthetic "
				    "traffic): The most frequent detection was “EXERCISE sig” (5 "
				    "alerts)."));
	/* the note comes first in the section; every chart and table says so */
	json_t *blocks = json_object_get(section(j, "detections"), "blocks");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(blocks, 0), "text")),
	    "Exercise data: 5 of the 8 events in this section come from vigil's own scenarios "
	    "(hospital-ransomware), synthetic traffic generated for the exercise, not observations "
	    "of real networks.");
	size_t i, labelled = 0;
	json_t *b;
	json_array_foreach(blocks, i, b)
	{
		const char *type = json_string_value(json_object_get(b, "type"));
		const char *t = json_string_value(
		    json_object_get(b, strcmp(type, "chart") == 0 ? "title" : "caption"));
		if (strcmp(type, "chart") && strcmp(type, "table"))
			continue;
		assert_non_null(t);
		size_t n = strlen(t), m = strlen(" (exercise data)");
		assert_true(n > m && strcmp(t + n - m, " (exercise data)") == 0);
		labelled++;
	}
	assert_true(labelled >= 3);
	json_decref(j);
	/* Markdown: the notice is at the top, before the first section */
	char out[320], err[512] = "";
	snprintf(out, sizeof(out), "%s/ex1.md", tmp);
	struct brief_options o = {.db = db,
				  .from = "2021-01-01",
				  .to = "2021-12-31",
				  .format = BRIEF_MARKDOWN,
				  .output = out,
				  .include_exercise = true};
	assert_int_equal(brief_generate(&o, err, sizeof(err)), 0);
	char *md = slurp(out);
	char *notice = strstr(md, "> **This briefing mixes exercise data with public sources.");
	assert_non_null(notice);
	assert_true(notice < strstr(md, "## "));
	free(md);
}

int main(void)
{
	unsetenv("VIGIL_DATADIR");
	snprintf(tmp, sizeof(tmp), "/tmp/vigil-test-exercise-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scenario_writes_marker),
	    cmocka_unit_test(test_capture_marker_variants),
	    cmocka_unit_test(test_store_keeps_marker),
	    cmocka_unit_test(test_excluded_by_default),
	    cmocka_unit_test(test_included_and_labelled),
	    cmocka_unit_test(test_techniques),
	};
	build_store();
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? rc : 1;
}
