/*
 * store-eve — loads EVE JSON (one event object per line, as vigil and any
 * Suricata write it) into the event table: alerts, anomalies and flow
 * summaries.  Other event types are counted, not stored: the briefing does
 * not use them and the sensor's own EVE file keeps them.
 *
 * Each line is parsed on its own (jansson), so a malformed line is counted
 * and reported with its number and the import goes on.  A line whose
 * "event_type" shows, unparsed, a type that is not stored is only counted:
 * most of a sensor's EVE file is protocol events, and parsing them all
 * would take longer than the import itself.  A file is known by
 * a fingerprint of its first 4 KiB, so re-importing it, or importing it
 * again after the sensor appended to it, adds only the new lines; rows are
 * unique on (file, line).
 *
 * An import is one transaction: on any database error (disk full,
 * read-only, locked) it is rolled back whole, the error is reported with
 * SQLite's code, and a re-run imports every line exactly once.  Lines are
 * read with a bound (STORE_EVE_MAX_LINE): a longer line is counted and
 * skipped without being held in memory, so a file without newlines cannot
 * exhaust it.  Only regular files are imported: a pipe or device (a
 * sensor's /dev/stdout, /dev/full) would block or never end.
 */
#include "store/store-internal.h"

#include <errno.h>
#include <jansson.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EVE_FINGERPRINT_BYTES 4096

/* FNV-1a over the file's first bytes: cheap, and collisions only matter
 * between two different files whose first 4 KiB differ yet hash equal. */
static bool eve_fingerprint(FILE *f, char *out, size_t outlen)
{
	unsigned char buf[EVE_FINGERPRINT_BYTES];
	size_t n = fread(buf, 1, sizeof(buf), f);
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= buf[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, outlen, "%016llx-%zu", (unsigned long long)h, n);
	rewind(f);
	return n > 0;
}

static int64_t eve_file_row(struct store *st, const char *path, const char *fingerprint)
{
	char today[16];
	store_format_date(store_now(), today, sizeof(today));
	sqlite3_stmt *s;
	int64_t id = -1;
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO eve_file(path, fingerprint, imported_at) VALUES(?,?,?)"
			       " ON CONFLICT(fingerprint) DO UPDATE SET path=excluded.path"
			       " RETURNING id",
			       -1, &s, NULL) != SQLITE_OK) {
		store_report_error(st);
		return -1;
	}
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, today, -1, SQLITE_STATIC);
	/* The row must be stepped to its end: the insert is only done then, and
	 * its failure (disk full) shows there, not at the row. */
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		rc = sqlite3_step(s);
	}
	if (rc != SQLITE_DONE) {
		store_report_error(st);
		id = -1;
	}
	sqlite3_finalize(s);
	return id;
}

/* Strings are bound without a copy: the event they point into outlives
 * the sqlite3_step() that reads them (eve_store_event). */
static void bind_str(sqlite3_stmt *s, int i, json_t *obj, const char *key)
{
	json_t *js = json_object_get(obj, key);
	const char *v = json_string_value(js);
	if (v) /* with its length: the value may hold NUL bytes */
		sqlite3_bind_text(s, i, v, (int)json_string_length(js), SQLITE_STATIC);
}

static void bind_int(sqlite3_stmt *s, int i, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_integer(v))
		sqlite3_bind_int64(s, i, json_integer_value(v));
}

static json_int_t sum_ints(json_t *obj, const char *a, const char *b)
{
	return json_integer_value(json_object_get(obj, a)) +
	       json_integer_value(json_object_get(obj, b));
}

/* Binds the event-type specific columns; returns the counter to bump. */
static uint64_t *eve_bind_kind(sqlite3_stmt *s, const char *type, json_t *ev,
			       struct store_eve_stats *stats)
{
	if (strcmp(type, "alert") == 0) {
		json_t *a = json_object_get(ev, "alert");
		bind_int(s, 13, a, "signature_id");
		bind_str(s, 14, a, "signature");
		bind_str(s, 15, a, "category");
		bind_int(s, 16, a, "severity");
		bind_str(s, 17, a, "action");
		/* the rule's ATT&CK techniques, as a JSON array of ids */
		json_t *t = json_object_get(json_object_get(a, "metadata"), "mitre_technique_id");
		if (json_is_array(t) && json_array_size(t) > 0) {
			char *txt = json_dumps(t, JSON_COMPACT);
			if (txt)
				sqlite3_bind_text(s, 25, txt, -1, free);
		}
		return &stats->alerts;
	}
	if (strcmp(type, "anomaly") == 0) {
		json_t *a = json_object_get(ev, "anomaly");
		const char *e = json_string_value(json_object_get(a, "event"));
		if (!e)
			e = json_string_value(json_object_get(a, "type"));
		if (e)
			sqlite3_bind_text(s, 18, e, -1, SQLITE_STATIC);
		return &stats->anomalies;
	}
	if (strcmp(type, "flow") == 0) {
		json_t *f = json_object_get(ev, "flow");
		sqlite3_bind_int64(s, 19, sum_ints(f, "pkts_toserver", "pkts_toclient"));
		sqlite3_bind_int64(s, 20, sum_ints(f, "bytes_toserver", "bytes_toclient"));
		return &stats->flows;
	}
	return NULL;
}

static void eve_bind_asset(struct store *st, sqlite3_stmt *s, json_t *ev)
{
	struct store_asset_match m;
	const char *dst = json_string_value(json_object_get(ev, "dest_ip"));
	const char *src = json_string_value(json_object_get(ev, "src_ip"));
	if (store_assets_lookup(st, dst, &m) || store_assets_lookup(st, src, &m)) {
		sqlite3_bind_text(s, 21, m.organisation, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 22, m.sector, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 23, m.country, -1, SQLITE_TRANSIENT);
	}
}

/* Stores one parsed event; returns false only on a database error. */
static bool eve_store_event(struct store *st, const char *path, int64_t file_id, uint64_t line,
			    json_t *ev, struct store_eve_stats *stats)
{
	const char *ts = json_string_value(json_object_get(ev, "timestamp"));
	const char *type = json_string_value(json_object_get(ev, "event_type"));
	char day[11];
	if (!ts || !type || strlen(ts) < 10) {
		stats->malformed++;
		fprintf(stderr, "vigil: %s:%llu: EVE event without timestamp or event_type\n", path,
			(unsigned long long)line);
		if (!stats->first_bad_line)
			stats->first_bad_line = line;
		return true;
	}
	memcpy(day, ts, 10);
	day[10] = '\0';
	sqlite3_stmt *s = store_stmt(
	    st, STMT_EVENT_INSERT,
	    "INSERT OR IGNORE INTO event(file_id, line, ts, day, event_type, src_ip, src_port,"
	    " dest_ip, dest_port, proto, app_proto, signature_id, signature, category,"
	    " severity, action, anomaly, pkts, bytes, asset_org, asset_sector, asset_country,"
	    " exercise, techniques)"
	    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?13,?14,?15,?16,?17,?18,?19,?20,"
	    "?21,?22,?23,?24,?25)");
	if (!s)
		return false;
	uint64_t *counter = eve_bind_kind(s, type, ev, stats);
	if (!counter) {
		stats->other++;
		return true;
	}
	sqlite3_bind_int64(s, 1, file_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)line);
	sqlite3_bind_text(s, 3, ts, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, type, -1, SQLITE_STATIC);
	bind_str(s, 6, ev, "src_ip");
	bind_int(s, 7, ev, "src_port");
	bind_str(s, 8, ev, "dest_ip");
	bind_int(s, 9, ev, "dest_port");
	bind_str(s, 10, ev, "proto");
	bind_str(s, 11, ev, "app_proto");
	eve_bind_asset(st, s, ev);
	bind_str(s, 24, ev, "exercise");
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_report_error(st);
		return false;
	}
	if (json_is_string(json_object_get(ev, "exercise")) && sqlite3_changes(st->db) > 0)
		stats->exercise++;
	if (sqlite3_changes(st->db) == 0)
		stats->duplicate++;
	else
		(*counter)++;
	return true;
}

/* True when the line's event type is visible without parsing and is not
 * one the store keeps (EVE writes `"event_type":"x"` with no spaces; a
 * key inside a string value would have its quotes escaped). */
static bool eve_type_unstored(const char *line, size_t n)
{
	static const char key[] = "\"event_type\":\"";
	const char *k = memmem(line, n, key, sizeof(key) - 1);
	if (k == NULL)
		return false;
	const char *v = k + sizeof(key) - 1;
	const char *end = memchr(v, '"', n - (size_t)(v - line));
	if (end == NULL)
		return false;
	size_t len = (size_t)(end - v);
	static const char *const kept[] = {"alert", "anomaly", "flow"};
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (len == strlen(kept[i]) && memcmp(v, kept[i], len) == 0)
			return false;
	return true;
}

/* Reads one line (without its newline) into *buf, grown as needed up to
 * STORE_EVE_MAX_LINE + 1 bytes.  Returns its length, -1 at the end of the
 * file, or -2 for a line longer than the bound (read past and dropped) or
 * when memory runs out (*buf NULL). */
static ssize_t eve_read_line(FILE *f, char **buf, size_t *cap)
{
	size_t n = 0;
	int c;
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		char *nb = *buf;
		if (n + 1 >= *cap && n < STORE_EVE_MAX_LINE) {
			size_t want =
			    *cap * 2 > STORE_EVE_MAX_LINE + 1 ? STORE_EVE_MAX_LINE + 1 : *cap * 2;
			if ((nb = realloc(*buf, want)) != NULL) {
				*buf = nb;
				*cap = want;
			}
		}
		if (n == STORE_EVE_MAX_LINE || !nb) {
			while ((c = getc_unlocked(f)) != EOF && c != '\n')
				;
			return -2;
		}
		(*buf)[n++] = (char)c;
	}
	if (c == EOF && n == 0)
		return -1;
	(*buf)[n] = '\0';
	return (ssize_t)n;
}

static void eve_import_one(struct store *st, const char *path, int64_t file_id, char *buf, size_t n,
			   struct store_eve_stats *stats, bool *ok)
{
	if (eve_type_unstored(buf, n)) {
		stats->other++;
		return;
	}
	json_error_t jerr;
	/* \u0000 is valid JSON, and EVE writes it for NUL bytes in packet
	 * data (a status line, a header value): such lines are kept. */
	json_t *ev = json_loadb(buf, n, JSON_ALLOW_NUL, &jerr);
	if (!json_is_object(ev)) {
		stats->malformed++;
		if (!stats->first_bad_line)
			stats->first_bad_line = stats->lines;
		fprintf(stderr, "vigil: %s:%llu: not a JSON object: %s\n", path,
			(unsigned long long)stats->lines, ev ? "wrong type" : jerr.text);
	} else {
		*ok = eve_store_event(st, path, file_id, stats->lines, ev, stats);
	}
	json_decref(ev);
}

static bool eve_import_lines(struct store *st, FILE *f, const char *path, int64_t file_id,
			     struct store_eve_stats *stats)
{
	size_t cap = 64 * 1024;
	char *buf = malloc(cap);
	if (!buf) {
		fprintf(stderr, "vigil: %s: out of memory\n", path);
		return false;
	}
	bool ok = true;
	ssize_t n;
	while (ok && (n = eve_read_line(f, &buf, &cap)) != -1) {
		stats->lines++;
		if (n == -2) {
			if (stats->too_long++ == 0)
				fprintf(
				    stderr,
				    "vigil: %s:%llu: line longer than %u bytes skipped (further "
				    "ones counted)\n",
				    path, (unsigned long long)stats->lines, STORE_EVE_MAX_LINE);
			stats->malformed++;
			if (!stats->first_bad_line)
				stats->first_bad_line = stats->lines;
			continue;
		}
		while (n > 0 && buf[n - 1] == '\r')
			buf[--n] = '\0';
		if (n > 0)
			eve_import_one(st, path, file_id, buf, (size_t)n, stats, &ok);
	}
	if (ok && ferror(f)) {
		fprintf(stderr, "vigil: %s: read error after line %llu: %s\n", path,
			(unsigned long long)stats->lines, strerror(errno));
		ok = false;
	}
	free(buf);
	return ok;
}

/* Opens a regular file for import; NULL (reported) for anything else. */
static FILE *eve_open_regular(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "vigil: %s: cannot open: %s\n", path, strerror(errno));
		return NULL;
	}
	struct stat sb;
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "vigil: %s: not a regular file (%s): not imported\n", path,
			S_ISFIFO(sb.st_mode)   ? "a pipe"
			: S_ISCHR(sb.st_mode)  ? "a character device"
			: S_ISSOCK(sb.st_mode) ? "a socket"
			: S_ISDIR(sb.st_mode)  ? "a directory"
					       : "special file");
		fclose(f);
		return NULL;
	}
	return f;
}

int store_import_eve(struct store *st, const char *eve_path, struct store_eve_stats *stats)
{
	struct store_eve_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	FILE *f = eve_open_regular(eve_path);
	if (!f)
		return -1;
	char fp[64];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!eve_fingerprint(f, fp, sizeof(fp))) {
		fclose(f);
		return 0; /* empty file: nothing to import, not an error */
	}
	char *real = realpath(eve_path, NULL);
	/* One transaction: the file's row, its events and its counts. */
	bool ok = store_begin(st);
	int64_t file_id = ok ? eve_file_row(st, real ? real : eve_path, fp) : -1;
	free(real);
	ok = file_id >= 0 && eve_import_lines(st, f, eve_path, file_id, stats);
	fclose(f);
	if (ok) {
		char sql[160];
		snprintf(sql, sizeof(sql),
			 "UPDATE eve_file SET lines=%llu, malformed=%llu WHERE id=%lld",
			 (unsigned long long)stats->lines, (unsigned long long)stats->malformed,
			 (long long)file_id);
		ok = store_exec(st, sql) && store_commit(st);
	}
	if (!ok) {
		store_rollback(st);
		fprintf(stderr, "vigil: %s: import rolled back, nothing of it stored\n", eve_path);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return ok ? 0 : -1;
}

int store_import_eve_file(const char *db_path, const char *eve_path, const char *assets_path,
			  struct store_eve_stats *stats)
{
	char err[512] = "";
	struct store *st = store_open(db_path, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "vigil: %s\n", err);
		return -1;
	}
	if (assets_path && store_assets_load(st, assets_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "vigil: %s\n", err);
		store_close(st);
		return -1;
	}
	int rc = store_import_eve(st, eve_path, stats);
	store_close(st);
	return rc;
}
