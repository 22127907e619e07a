/*
 * test_store — the event store: schema and migrations, EVE import
 * (counts, malformed lines, idempotent re-import), the asset map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/config.h"

static char tmpdir[256];

static void path_in_tmp(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int64_t query_int(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static const char *eve_text =
    "{\"timestamp\":\"2024-03-01T10:00:00.000000+0000\",\"event_type\":\"alert\","
    "\"src_ip\":\"192.0.2.1\",\"src_port\":4444,\"dest_ip\":\"10.1.2.3\",\"dest_port\":80,"
    "\"proto\":\"TCP\",\"alert\":{\"signature_id\":2000001,\"signature\":\"ET TEST one\","
    "\"category\":\"Misc\",\"severity\":2,\"action\":\"allowed\"}}\n"
    "{\"timestamp\":\"2024-03-02T10:00:00.000000+0000\",\"event_type\":\"anomaly\","
    "\"src_ip\":\"10.9.0.1\",\"dest_ip\":\"198.51.100.7\",\"anomaly\":{\"type\":\"decode\","
    "\"event\":\"ipv4.trunc_pkt\"}}\n"
    "this is not json\n"
    "{\"timestamp\":\"2024-03-02T11:00:00.000000+0000\",\"event_type\":\"flow\","
    "\"src_ip\":\"10.1.9.9\",\"dest_ip\":\"203.0.113.5\",\"proto\":\"UDP\","
    "\"flow\":{\"pkts_toserver\":3,\"pkts_toclient\":2,\"bytes_toserver\":300,"
    "\"bytes_toclient\":200}}\n"
    "{\"timestamp\":\"2024-03-02T11:00:01.000000+0000\",\"event_type\":\"dns\"}\n"
    "{\"event_type\":\"alert\"}\n"
    /* the type is read without parsing only from a real key, not from
     * one inside a string (an alert, not a dns event) ... */
    "{\"timestamp\":\"2024-03-02T11:00:02.000000+0000\",\"payload_printable\":"
    "\"{\\\"event_type\\\":\\\"dns\\\"}\",\"event_type\":\"alert\"}\n"
    /* ... and a spaced one is parsed */
    "{\"timestamp\": \"2024-03-03T10:00:00.000000+0000\", \"event_type\": \"http\"}\n";

static const char *assets_text = "assets:\n"
				 "  - network: 10.1.0.0/16\n"
				 "    organisation: City Hospital\n"
				 "    sector: health\n"
				 "    country: FR\n"
				 "  - network: 10.1.2.0/24\n"
				 "    organisation: Hospital Lab\n"
				 "    sector: health\n"
				 "    country: FR\n"
				 "  - host: 10.9.0.1\n"
				 "    organisation: Water Works\n"
				 "    sector: water\n"
				 "    country: DE\n";

static void test_open_migrates(void **state)
{
	char db[300], err[256] = "";
	path_in_tmp(db, sizeof(db), "m.db");
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	assert_int_equal(query_int(st, "SELECT count(*) FROM sqlite_master WHERE name='record'"),
			 1);
	store_close(st);
	/* A database from a newer vigil is refused. */
	st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	sqlite3_exec(store_db(st), "PRAGMA user_version=99", NULL, NULL, NULL);
	store_close(st);
	err[0] = '\0';
	assert_null(store_open(db, err, sizeof(err)));
	assert_non_null(strstr(err, "99"));
}

static void test_migrates_old_database(void **state)
{
	char db[300], err[256] = "";
	path_in_tmp(db, sizeof(db), "v1.db");
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw,
				      "CREATE TABLE eve_file(id INTEGER PRIMARY KEY);"
				      "CREATE TABLE event(id INTEGER PRIMARY KEY, day TEXT);"
				      "PRAGMA user_version=1;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(raw);
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	assert_int_equal(query_int(st, "SELECT count(skipped) FROM source"), 0);
	/* 4: coverage windows; 5: the exercise marker of events */
	assert_int_equal(query_int(st, "SELECT count(first_date) + count(last_date) FROM source"),
			 0);
	assert_int_equal(query_int(st, "SELECT count(exercise) FROM event"), 0);
	store_close(st);
}

static void test_eve_import_counts_and_idempotence(void **state)
{
	char db[300], eve[300], assets[300];
	path_in_tmp(db, sizeof(db), "e.db");
	path_in_tmp(eve, sizeof(eve), "eve.json");
	path_in_tmp(assets, sizeof(assets), "assets.yaml");
	write_file(eve, eve_text);
	write_file(assets, assets_text);
	struct store_eve_stats s;
	assert_int_equal(store_import_eve_file(db, eve, assets, &s), 0);
	assert_int_equal(s.lines, 8);
	assert_int_equal(s.alerts, 2);
	assert_int_equal(s.anomalies, 1);
	assert_int_equal(s.flows, 1);
	assert_int_equal(s.other, 2);
	assert_int_equal(s.malformed, 2);
	assert_int_equal(s.first_bad_line, 3);

	assert_int_equal(store_import_eve_file(db, eve, NULL, &s), 0);
	assert_int_equal(s.alerts + s.anomalies + s.flows, 0);
	assert_int_equal(s.duplicate, 4);

	char err[256];
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(query_int(st, "SELECT count(*) FROM event"), 4);
	/* Most specific asset wins: 10.1.2.3 is in the /24 and the /16. */
	assert_int_equal(query_int(st, "SELECT count(*) FROM event WHERE event_type='alert'"
				       " AND asset_org='Hospital Lab'"),
			 1);
	assert_int_equal(query_int(st, "SELECT count(*) FROM event WHERE asset_sector='water'"), 1);
	assert_int_equal(query_int(st, "SELECT pkts FROM event WHERE event_type='flow'"), 5);
	store_close(st);
}

static void test_assets_errors(void **state)
{
	char db[300], assets[300], err[256] = "";
	path_in_tmp(db, sizeof(db), "a.db");
	path_in_tmp(assets, sizeof(assets), "bad-assets.yaml");
	write_file(assets, "assets:\n  - network: 10.0.0.0/33\n    sector: health\n");
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_assets_load(st, assets, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2:"));
	struct store_asset_match m;
	assert_false(store_assets_lookup(st, "10.0.0.1", &m));
	store_close(st);
}

static void test_assets_from_config_file(void **state)
{
	char db[300], cfg[300], err[256] = "";
	path_in_tmp(db, sizeof(db), "c.db");
	path_in_tmp(cfg, sizeof(cfg), "vigil.yaml");
	write_file(cfg, "outputs:\n  - sqlite:\n      enabled: yes\n"
			"assets:\n  - network: 2001:db8::/32\n    sector: energy\n");
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_assets_load(st, cfg, err, sizeof(err)), 1);
	struct store_asset_match m;
	assert_true(store_assets_lookup(st, "2001:db8::1", &m));
	assert_string_equal(m.sector, "energy");
	assert_false(store_assets_lookup(st, "2001:db9::1", &m));
	/* A config without `assets:` leaves the stored map alone. */
	write_file(cfg, "outputs:\n  - sqlite:\n      enabled: yes\n");
	assert_int_equal(store_assets_load(st, cfg, err, sizeof(err)), 0);
	assert_true(store_assets_lookup(st, "2001:db8::1", &m));
	store_close(st);
}

static void test_import_run_from_config(void **state)
{
	char eve[300], db[300], err[256] = "";
	path_in_tmp(eve, sizeof(eve), "run-eve.json");
	write_file(eve, eve_text);
	struct config_node *cfg = config_new();
	assert_true(config_load_string(cfg,
				       "outputs:\n  - sqlite:\n      filename: run.db\n"
				       "assets:\n  - network: 10.1.0.0/16\n    sector: finance\n",
				       err, sizeof(err)));
	struct store_output_config oc;
	store_output_config(cfg, tmpdir, &oc);
	assert_true(oc.enabled);
	path_in_tmp(db, sizeof(db), "run.db");
	assert_string_equal(oc.path, db);
	struct store_eve_stats s;
	assert_int_equal(store_import_run(cfg, tmpdir, eve, &s), 0);
	assert_int_equal(s.alerts, 2);
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(query_int(st, "SELECT count(*) FROM event WHERE asset_sector='finance'"), 2);
	store_close(st);
	/* Disabled: nothing written. */
	assert_true(config_set(cfg, "outputs.0.sqlite.enabled", "no"));
	assert_true(config_set(cfg, "outputs.0.sqlite.filename", "off.db"));
	assert_int_equal(store_import_run(cfg, tmpdir, eve, NULL), 0);
	path_in_tmp(db, sizeof(db), "off.db");
	assert_int_equal(access(db, F_OK), -1);
	/* No sqlite entry at all: on, as vigil.db. */
	config_free(cfg);
	cfg = config_new();
	store_output_config(cfg, "/var/log/vigil", &oc);
	assert_true(oc.enabled);
	assert_string_equal(oc.path, "/var/log/vigil/vigil.db");
	config_free(cfg);
}

static void test_records_replace_on_reimport(void **state)
{
	char db[300], err[256];
	path_in_tmp(db, sizeof(db), "r.db");
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	struct store_source src = {.kind = "test",
				   .path = "/x",
				   .publisher = "P",
				   .stakeholder = "academia",
				   .tlp = "clear",
				   .licence = "CC0"};
	for (int round = 0; round < 2; round++) {
		int64_t sid = store_source_begin(st, &src);
		assert_true(sid > 0);
		int64_t r = store_record_put(st, sid, "incident", "1", "2021-05-01", "t", NAN);
		assert_true(r > 0);
		assert_true(store_record_attr(st, r, "incident_type", "Ransomware"));
		assert_true(store_record_attr(st, r, "incident_type", "Ransomware"));
		assert_true(store_record_set_date(st, r, "2021-04-01"));
		assert_true(store_record_set_date(st, r, "2021-06-01"));
		assert_true(store_source_finish(
		    st, sid, &(struct store_source_outcome){1, 0, 2, "Title v1"}));
	}
	assert_int_equal(query_int(st, "SELECT count(*) FROM record"), 1);
	assert_int_equal(query_int(st, "SELECT count(*) FROM record_attr"), 1);
	assert_int_equal(query_int(st, "SELECT count(*) FROM source"), 1);
	assert_int_equal(query_int(st, "SELECT skipped FROM source"), 2);
	assert_int_equal(query_int(st, "SELECT date='2021-04-01' FROM record"), 1);
	store_close(st);
}

/* EVE escapes a NUL byte of packet data as \u0000 (valid JSON): the line is
 * stored, with the value whole. */
static void test_eve_import_keeps_nul_escapes(void **state)
{
	char db[300], eve[300];
	path_in_tmp(db, sizeof(db), "nul.db");
	path_in_tmp(eve, sizeof(eve), "nul.json");
	write_file(eve, "{\"timestamp\":\"2024-03-01T10:00:00.000000+0000\",\"event_type\":\"alert\","
			"\"src_ip\":\"192.0.2.1\",\"dest_ip\":\"10.1.2.3\",\"proto\":\"TCP\","
			"\"alert\":{\"signature_id\":7,\"signature\":\"a\\u0000b\","
			"\"category\":\"Misc\",\"severity\":2}}\n");
	struct store_eve_stats s;
	assert_int_equal(store_import_eve_file(db, eve, NULL, &s), 0);
	assert_int_equal(s.malformed, 0);
	assert_int_equal(s.alerts, 1);
	char err[256];
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(query_int(st, "SELECT length(CAST(signature AS BLOB)) FROM event"), 3);
	store_close(st);
}

/* A flow event padded to exactly `len` bytes, newline not counted. */
static void write_padded_flow(FILE *f, size_t len)
{
	const char *head = "{\"timestamp\":\"2024-03-01T10:00:00.000000+0000\","
			   "\"event_type\":\"flow\",\"pad\":\"";
	size_t pad = len - strlen(head) - 2;
	fputs(head, f);
	for (size_t i = 0; i < pad; i++)
		fputc('x', f);
	fputs("\"}\n", f);
}

/* STORE_EVE_MAX_LINE bytes is the longest line kept; one more is counted
 * and skipped, and the lines after it are read. */
static void test_eve_import_line_bound(void **state)
{
	(void)state;
	char db[300], eve[300];
	path_in_tmp(db, sizeof(db), "long.db");
	path_in_tmp(eve, sizeof(eve), "long.json");
	FILE *f = fopen(eve, "w");
	assert_non_null(f);
	write_padded_flow(f, STORE_EVE_MAX_LINE);
	write_padded_flow(f, STORE_EVE_MAX_LINE + 1);
	write_padded_flow(f, 200);
	fclose(f);
	struct store_eve_stats s;
	assert_int_equal(store_import_eve_file(db, eve, NULL, &s), 0);
	assert_int_equal(s.lines, 3);
	assert_int_equal(s.flows, 2);
	assert_int_equal(s.too_long, 1);
	assert_int_equal(s.malformed, 1);
	assert_int_equal(s.first_bad_line, 2);
}

/* Special files are refused at once (they would block or never end). */
static void test_eve_import_refuses_devices(void **state)
{
	(void)state;
	char db[300];
	path_in_tmp(db, sizeof(db), "dev.db");
	struct store_eve_stats s;
	assert_int_equal(store_import_eve_file(db, "/dev/zero", NULL, &s), -1);
	assert_int_equal(store_import_eve_file(db, tmpdir, NULL, &s), -1);
}

/* A damaged database is named as such, with SQLite's code. */
static void test_open_names_corruption(void **state)
{
	(void)state;
	char db[300], err[1024];
	path_in_tmp(db, sizeof(db), "garbage.db");
	char junk[8192];
	memset(junk, 'z', sizeof(junk));
	FILE *f = fopen(db, "w");
	assert_non_null(f);
	fwrite(junk, 1, sizeof(junk), f);
	fclose(f);
	assert_null(store_open(db, err, sizeof(err)));
	assert_non_null(strstr(err, "garbage.db"));
	assert_non_null(strstr(err, "corrupt"));
	assert_non_null(strstr(err, "SQLITE_NOTADB"));
}

static void test_valid_date(void **state)
{
	assert_true(store_valid_date("2024-02-29"));
	assert_false(store_valid_date("2023-02-29"));
	assert_false(store_valid_date("2023-13-01"));
	assert_false(store_valid_date("2023-1-01"));
	assert_false(store_valid_date(NULL));
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vigil-test-store-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_migrates),
	    cmocka_unit_test(test_migrates_old_database),
	    cmocka_unit_test(test_eve_import_counts_and_idempotence),
	    cmocka_unit_test(test_assets_errors),
	    cmocka_unit_test(test_assets_from_config_file),
	    cmocka_unit_test(test_import_run_from_config),
	    cmocka_unit_test(test_records_replace_on_reimport),
	    cmocka_unit_test(test_eve_import_keeps_nul_escapes),
	    cmocka_unit_test(test_eve_import_line_bound),
	    cmocka_unit_test(test_eve_import_refuses_devices),
	    cmocka_unit_test(test_open_names_corruption),
	    cmocka_unit_test(test_valid_date),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
