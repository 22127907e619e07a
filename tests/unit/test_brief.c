/*
 * test_brief — the briefing pieces: message catalogue, taxonomy lookups,
 * number formatting, and a briefing end to end on a small store: figures,
 * sector filter, determinism under SOURCE_DATE_EPOCH, a self-contained
 * HTML file with no empty chart.
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
#include "intel/intel.h"
#include "store/store.h"

static char datadir[4096], tmp[256], db[320];

static void test_messages(void **state)
{
	char err[512];
	struct messages *m = messages_load(datadir, "en", err, sizeof(err));
	assert_non_null(m);
	char *t = msgf(m, "judgement.rise", "threat", "ransomware", "count", "5", "previous", "2",
		       "change", "+150%", NULL);
	assert_non_null(strstr(t, "ransomware: 5 incidents against 2"));
	free(t);
	assert_string_equal(msg(m, "no.such.key"), "no.such.key");
	assert_string_equal(msg(m, "sector.space"), "Space and satellites");
	messages_free(m);
}

static void test_taxonomy(void **state)
{
	char err[512];
	struct taxonomy *t = taxonomy_load(datadir, err, sizeof(err));
	assert_non_null(t);
	int gov = taxonomy_sector(t, "government"), health = taxonomy_sector(t, "health");
	assert_true(gov >= 0 && health >= 0);
	assert_int_equal(
	    taxonomy_lookup(t, "eurepoc", TAX_SECTOR, "receiver",
			    "State institutions / political system / Government / ministries"),
	    gov);
	assert_int_equal(taxonomy_lookup(t, "eurepoc", TAX_SECTOR, "receiver",
					 "Critical infrastructure / Health"),
			 health);
	/* EuRepoC's "not known" is neither a sector nor "other" */
	assert_int_equal(taxonomy_lookup(t, "eurepoc", TAX_SECTOR, "receiver", "Unknown"),
			 TAX_UNKNOWN);
	assert_int_equal(taxonomy_lookup(t, "eurepoc", TAX_SECTOR, "receiver", "No such thing"),
			 -1);
	assert_int_equal(taxonomy_lookup(t, "eurepoc", TAX_THREAT, "incident_type", "Ransomware"),
			 taxonomy_threat(t, "ransomware"));
	assert_int_equal(taxonomy_lookup(t, "cipher", TAX_SECTOR, "technical_domain", "Imaging"),
			 health);
	assert_true(t->critical[health]);
	assert_false(t->critical[gov]);
	assert_true(t->nthemes >= 7);
	taxonomy_free(t);
}

static void add_incident(struct store *st, int64_t sid, const char *id, const char *date,
			 const char *type, const char *receiver)
{
	int64_t r = store_record_put(st, sid, "incident", id, date, NULL, NAN);
	assert_true(r > 0);
	store_record_attr(st, r, "incident_type", type);
	store_record_attr(st, r, "receiver", receiver);
	store_record_attr(st, r, "receiver_country", "Xland");
	store_record_attr(st, r, "initiator_country", "Yland");
	store_record_attr(st, r, "attribution_basis", "Industry attribution");
}

static void build_store(void)
{
	char err[256];
	snprintf(db, sizeof(db), "%s/b.db", tmp);
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	struct store_source src = {"eurepoc", "/fixture", "EuRepoC", "academia",
				   "clear",   "none",	  NULL};
	assert_true(store_begin(st));
	int64_t sid = store_source_begin(st, &src);
	add_incident(st, sid, "1", "2021-02-01", "Ransomware", "Critical infrastructure / Health");
	add_incident(st, sid, "2", "2021-03-01", "Ransomware", "Critical infrastructure / Health");
	add_incident(st, sid, "3", "2021-03-02", "Disruption", "Critical infrastructure / Energy");
	add_incident(st, sid, "4", "2020-06-01", "Data theft", "Critical infrastructure / Health");
	add_incident(st, sid, "5", "2021-04-01", "Hijacking with Misuse", "Unknown");
	store_source_finish(st, sid, &(struct store_source_outcome){5, 0, 0, "EuRepoC fixture"});
	assert_true(store_commit(st));
	store_close(st);
	char eve[320];
	snprintf(eve, sizeof(eve), "%s/eve.json", tmp);
	FILE *f = fopen(eve, "w");
	assert_non_null(f);
	fputs("{\"timestamp\":\"2021-05-01T10:00:00.000000+0000\",\"event_type\":\"alert\","
	      "\"src_ip\":\"192.0.2.1\",\"dest_ip\":\"10.0.0.5\",\"alert\":{\"signature_id\":1,"
	      "\"signature\":\"TEST sig\",\"severity\":1}}\n",
	      f);
	fclose(f);
	char assets[320];
	snprintf(assets, sizeof(assets), "%s/assets.yaml", tmp);
	f = fopen(assets, "w");
	assert_non_null(f);
	fputs("assets:\n  - network: 10.0.0.0/8\n    organisation: H\n    sector: health\n", f);
	fclose(f);
	assert_int_equal(store_import_eve_file(db, eve, assets, NULL), 0);

	/* A generic STIX incident against a hospital, using ransomware. */
	char bundle[320];
	snprintf(bundle, sizeof(bundle), "%s/bundle.json", tmp);
	f = fopen(bundle, "w");
	assert_non_null(f);
	fputs("{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": [\n"
	      "{\"type\": \"incident\", \"id\": \"incident--9\", \"name\": \"Outage\","
	      " \"created\": \"2021-07-01T00:00:00Z\"},\n"
	      "{\"type\": \"identity\", \"id\": \"identity--9\", \"name\": \"Hospital\","
	      " \"sectors\": [\"healthcare\"]},\n"
	      "{\"type\": \"malware\", \"id\": \"malware--9\", \"name\": \"L\","
	      " \"malware_types\": [\"ransomware\"]},\n"
	      "{\"type\": \"relationship\", \"id\": \"relationship--8\", \"relationship_type\":"
	      " \"targets\", \"source_ref\": \"incident--9\", \"target_ref\": \"identity--9\"},\n"
	      "{\"type\": \"relationship\", \"id\": \"relationship--9\", \"relationship_type\":"
	      " \"uses\", \"source_ref\": \"incident--9\", \"target_ref\": \"malware--9\"}\n"
	      "]}\n",
	      f);
	fclose(f);
	char err2[256];
	struct store *st2 = store_open(db, err2, sizeof(err2));
	assert_non_null(st2);
	struct intel_provenance prov = {"CERT", "government", "amber", "none"};
	struct intel_import_result res;
	assert_int_equal(intel_source_import(st2, "stix", bundle, &prov, &res), 0);
	store_close(st2);
}

static json_t *brief_json(const char *sector, const char *name)
{
	char out[320], err[512] = "";
	snprintf(out, sizeof(out), "%s/%s", tmp, name);
	struct brief_options o = {.db = db,
				  .from = "2021-01-01",
				  .to = "2021-12-31",
				  .sector = sector,
				  .format = BRIEF_JSON,
				  .output = out};
	assert_int_equal(brief_generate(&o, err, sizeof(err)), 0);
	json_error_t jerr;
	json_t *j = json_load_file(out, 0, &jerr);
	assert_non_null(j);
	return j;
}

static long long fig(json_t *j, const char *key)
{
	json_t *v = json_object_get(json_object_get(j, "figures"), key);
	assert_non_null(v);
	return (long long)json_integer_value(v);
}

static void test_brief_figures(void **state)
{
	json_t *j = brief_json(NULL, "all.json");
	assert_int_equal(fig(j, "incidents.total.current"), 5);
	assert_int_equal(fig(j, "incidents.total.previous"), 1);
	assert_int_equal(fig(j, "incidents.threat.ransomware.current"), 3);
	assert_int_equal(fig(j, "incidents.sector.health.current"), 3);
	assert_int_equal(fig(j, "incidents.sector.health.previous"), 1);
	/* incident 5: receiver "Unknown" (not ranked), "Hijacking with Misuse" */
	assert_int_equal(fig(j, "incidents.sector.other.current"), 0);
	assert_int_equal(fig(j, "incidents.sector.unknown.current"), 1);
	assert_int_equal(fig(j, "incidents.threat.other.current"), 0);
	assert_int_equal(fig(j, "incidents.threat.intrusion-account-takeover.current"), 1);
	assert_int_equal(fig(j, "detections.alerts.current"), 1);
	assert_int_equal(fig(j, "detections.sector.health"), 1);
	json_decref(j);
	j = brief_json("energy", "energy.json");
	assert_int_equal(fig(j, "incidents.total.current"), 1);
	assert_int_equal(fig(j, "incidents.threat.ransomware.current"), 0);
	assert_int_equal(fig(j, "detections.alerts.current"), 0);
	json_decref(j);
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

static void test_brief_deterministic_html(void **state)
{
	char a[320], b[320], err[512] = "";
	snprintf(a, sizeof(a), "%s/a.html", tmp);
	snprintf(b, sizeof(b), "%s/b.html", tmp);
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	struct brief_options o = {
	    .db = db, .period_days = 365, .to = "2021-12-31", .format = BRIEF_HTML, .output = a};
	assert_int_equal(brief_generate(&o, err, sizeof(err)), 0);
	o.output = b;
	assert_int_equal(brief_generate(&o, err, sizeof(err)), 0);
	char *x = slurp(a), *y = slurp(b);
	assert_string_equal(x, y);
	assert_non_null(strstr(x, "14 November 2023")); /* the SOURCE_DATE_EPOCH date */
	/* Self-contained: nothing a browser would fetch. */
	assert_null(strstr(x, "src="));
	assert_null(strstr(x, "<script"));
	assert_null(strstr(x, "href=\"http"));
	assert_null(strstr(x, "data-values=\"0\""));
	assert_non_null(strstr(x, "<svg"));
	free(x);
	free(y);
	unsetenv("SOURCE_DATE_EPOCH");
}

static void test_brief_errors(void **state)
{
	char err[512] = "";
	struct brief_options o = {
	    .db = db, .sector = "nonsense", .format = BRIEF_HTML, .output = "/dev/null"};
	assert_int_equal(brief_generate(&o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nonsense"));
	o.sector = NULL;
	o.db = "/nonexistent/vigil.db";
	assert_int_equal(brief_generate(&o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no such database"));
}

static void test_datadir_env_first(void **state)
{
	char dir[300], out[4096], err[512] = "";
	snprintf(dir, sizeof(dir), "%s/data", tmp);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/taxonomy' && touch '%s/taxonomy/vocabulary.yaml'",
		 dir, dir);
	assert_int_equal(system(cmd), 0);
	setenv("VIGIL_DATADIR", dir, 1);
	assert_true(brief_find_datadir(out, sizeof(out), err, sizeof(err)));
	assert_string_equal(out, dir);
	unsetenv("VIGIL_DATADIR");
	assert_true(brief_find_datadir(out, sizeof(out), err, sizeof(err)));
	assert_string_not_equal(out, dir);
}

int main(void)
{
	char err[4096];
	unsetenv("VIGIL_DATADIR");
	if (!brief_find_datadir(datadir, sizeof(datadir), err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "/tmp/vigil-test-brief-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_taxonomy),
	    cmocka_unit_test(test_brief_figures),
	    cmocka_unit_test(test_brief_deterministic_html),
	    cmocka_unit_test(test_brief_errors),
	    cmocka_unit_test(test_datadir_env_first),
	};
	build_store();
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? rc : 1;
}
