/*
 * test_brief_tlp — TLP 2.0 marking of the briefing: the most restrictive
 * TLP of the sources used, at the top and bottom of the HTML (screen and
 * every printed page), Markdown and JSON; --max-tlp leaving out sources
 * above it (their records counted nowhere) and saying which.  Fixture:
 * TLP:CLEAR, TLP:AMBER and TLP:RED incident sources written here.
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

static void source(struct store *st, const char *path, const char *tlp, const char *title, int n,
		   int first_id)
{
	struct store_source src = {"eurepoc", path, "P", "academia", tlp, "none", NULL};
	int64_t sid = store_source_begin(st, &src);
	assert_true(sid > 0);
	for (int i = 0; i < n; i++) {
		char id[16];
		snprintf(id, sizeof(id), "%d", first_id + i);
		int64_t r = store_record_put(st, sid, "incident", id, "2021-03-01", NULL, NAN);
		store_record_attr(st, r, "incident_type", "Ransomware");
	}
	assert_true(
	    store_source_finish(st, sid, &(struct store_source_outcome){(uint64_t)n, 0, 0, title}));
}

static void build_store(void)
{
	char err[256];
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	assert_true(store_begin(st));
	source(st, "/a-clear", "clear", "Clear fixture", 2, 1);
	source(st, "/b-amber", "amber", "Amber fixture", 3, 10);
	source(st, "/c-red", "red", "Red fixture", 4, 20);
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
	char *b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	return b;
}

static char *brief(const char *max_tlp, enum brief_format fmt, const char *name)
{
	char out[320], err[512] = "";
	snprintf(out, sizeof(out), "%s/%s", tmp, name);
	struct brief_options o = {.db = db,
				  .from = "2021-01-01",
				  .to = "2021-12-31",
				  .format = fmt,
				  .output = out,
				  .max_tlp = max_tlp};
	assert_int_equal(brief_generate(&o, err, sizeof(err)), 0);
	return slurp(out);
}

static json_t *brief_json(const char *max_tlp, const char *name)
{
	char *t = brief(max_tlp, BRIEF_JSON, name);
	json_error_t e;
	json_t *j = json_loads(t, 0, &e);
	assert_non_null(j);
	/* the marking is the first key and the last */
	assert_non_null(strstr(t, "{\"tlp\":{\"label\":"));
	char end[64];
	snprintf(end, sizeof(end), "\"tlp_end\":\"%s\"}",
		 json_string_value(json_object_get(json_object_get(j, "tlp"), "label")));
	assert_non_null(strstr(t, end));
	assert_int_equal(strlen(strstr(t, end)), strlen(end) + 1); /* then only "\n" */
	free(t);
	return j;
}

static long long fig(json_t *j, const char *key)
{
	json_t *v = json_object_get(json_object_get(j, "figures"), key);
	if (!v)
		fail_msg("no figure %s", key);
	return (long long)json_integer_value(v);
}

static const char *label(json_t *j)
{
	return json_string_value(json_object_get(json_object_get(j, "tlp"), "label"));
}

static void test_most_restrictive(void **state)
{
	json_t *j = brief_json(NULL, "all.json");
	assert_string_equal(label(j), "TLP:RED");
	assert_string_equal(json_string_value(json_object_get(j, "tlp_end")), "TLP:RED");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "tlp"), "description")),
	    "For the eyes and ears of the individual recipients only; no further disclosure.");
	assert_int_equal(fig(j, "incidents.total.current"), 9);
	assert_int_equal(fig(j, "tlp.sources_left_out"), 0);
	assert_int_equal(json_array_size(json_object_get(j, "notices")), 0);
	json_decref(j);
	char *md = brief(NULL, BRIEF_MARKDOWN, "all.md");
	assert_true(strncmp(md, "**TLP:RED** For the eyes and ears", 33) == 0);
	size_t n = strlen(md);
	assert_string_equal(md + n - strlen("\n**TLP:RED**\n"), "\n**TLP:RED**\n");
	free(md);
	char *html = brief(NULL, BRIEF_HTML, "all.html");
	const char *top = strstr(html, "<p class=\"tlp tlp-top tlp-red\"><span class=\"tlp-label\">"
				       "TLP:RED</span>");
	const char *h1 = strstr(html, "<h1>");
	const char *bottom = strstr(html, "<p class=\"tlp tlp-bottom tlp-red\"><span "
					  "class=\"tlp-label\">TLP:RED</span>");
	const char *last_section = strstr(html, "<section id=\"method\">");
	assert_non_null(top);
	assert_non_null(bottom);
	assert_true(top < h1 && bottom > last_section);
	/* every printed page: fixed top and bottom labels */
	assert_non_null(strstr(html, "<div class=\"tlp tlp-print tlp-print-top tlp-red\">"));
	assert_non_null(strstr(html, "<div class=\"tlp tlp-print tlp-print-bottom tlp-red\">"));
	assert_non_null(strstr(html, ".tlp-red .tlp-label{color:#ff2b2b}"));
	free(html);
}

static void test_max_amber(void **state)
{
	json_t *j = brief_json("amber", "amber.json");
	assert_string_equal(label(j), "TLP:AMBER");
	assert_int_equal(fig(j, "incidents.total.current"), 5);
	assert_int_equal(fig(j, "tlp.sources_left_out"), 1);
	json_t *notices = json_object_get(j, "notices");
	assert_int_equal(json_array_size(notices), 1);
	assert_string_equal(json_string_value(json_array_get(notices, 0)),
			    "Left out under --max-tlp amber: Red fixture (TLP:RED). Their records "
			    "are not counted anywhere in this briefing.");
	char *text = json_dumps(j, 0);
	assert_non_null(strstr(text, "\"Amber fixture\"")); /* in the sources table */
	assert_null(strstr(text, "\"Red fixture\""));	    /* only in the notice */
	free(text);
	json_decref(j);
}

static void test_max_clear(void **state)
{
	json_t *j = brief_json("clear", "clear.json");
	assert_string_equal(label(j), "TLP:CLEAR");
	assert_int_equal(fig(j, "incidents.total.current"), 2);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(j, "notices"), 0)),
	    "Left out under --max-tlp clear: Amber fixture (TLP:AMBER); Red fixture "
	    "(TLP:RED). Their records are not counted anywhere in this briefing.");
	json_decref(j);
	/* the same store afterwards, without --max-tlp: nothing left out
	 * (the views of one briefing do not outlive it) */
	j = brief_json(NULL, "again.json");
	assert_int_equal(fig(j, "incidents.total.current"), 9);
	json_decref(j);
}

static void test_bad_max_tlp(void **state)
{
	char *argv[] = {"brief", "--db", db, "--max-tlp", "purple", "-o", "/dev/null", NULL};
	assert_int_equal(brief_command_main(7, argv), 2);
	assert_int_equal(brief_tlp_rank("AMBER+STRICT"), 3);
	assert_int_equal(brief_tlp_rank("white"), 0);
	assert_int_equal(brief_tlp_rank("purple"), -1);
	char err[512] = "";
	struct brief_options o = {
	    .db = db, .format = BRIEF_JSON, .output = "/dev/null", .max_tlp = "purple"};
	assert_int_equal(brief_generate(&o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--max-tlp"));
}

int main(void)
{
	unsetenv("VIGIL_DATADIR");
	snprintf(tmp, sizeof(tmp), "/tmp/vigil-test-tlp-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_most_restrictive),
	    cmocka_unit_test(test_max_amber),
	    cmocka_unit_test(test_max_clear),
	    cmocka_unit_test(test_bad_max_tlp),
	};
	build_store();
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? rc : 1;
}
