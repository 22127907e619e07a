/*
 * store — opening the database, the versioned schema and its migrations,
 * transactions, and the source/record API the importers in intel/ use.
 *
 * Migrations are an append-only list: step N brings user_version from N-1
 * to N inside one transaction.  Never edit a published step; add one.  A
 * database newer than this binary is refused rather than half-understood.
 */
#include "store/store-internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
    /* 1: vigil's detections from EVE JSON, and the asset map. */
    "CREATE TABLE eve_file(id INTEGER PRIMARY KEY, path TEXT NOT NULL,"
    " fingerprint TEXT NOT NULL UNIQUE, imported_at TEXT, lines INTEGER DEFAULT 0,"
    " malformed INTEGER DEFAULT 0);"
    "CREATE TABLE event(id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES eve_file(id),"
    " line INTEGER NOT NULL, ts TEXT NOT NULL, day TEXT NOT NULL, event_type TEXT NOT NULL,"
    " src_ip TEXT, src_port INTEGER, dest_ip TEXT, dest_port INTEGER, proto TEXT, app_proto TEXT,"
    " signature_id INTEGER, signature TEXT, category TEXT, severity INTEGER, action TEXT,"
    " anomaly TEXT, pkts INTEGER, bytes INTEGER,"
    " asset_org TEXT, asset_sector TEXT, asset_country TEXT, UNIQUE(file_id, line));"
    "CREATE INDEX event_type_day ON event(event_type, day);"
    "CREATE INDEX event_signature ON event(signature_id);"
    "CREATE TABLE asset(id INTEGER PRIMARY KEY, network TEXT NOT NULL, organisation TEXT,"
    " sector TEXT, country TEXT);",
    /* 2: public sources with provenance, their records and attributes. */
    "CREATE TABLE source(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL,"
    " publisher TEXT, stakeholder TEXT, tlp TEXT, licence TEXT, title TEXT, imported_at TEXT,"
    " records INTEGER DEFAULT 0, malformed INTEGER DEFAULT 0, UNIQUE(kind, path));"
    "CREATE TABLE record(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES source(id),"
    " kind TEXT NOT NULL, ext_id TEXT NOT NULL, date TEXT, title TEXT, score REAL,"
    " UNIQUE(source_id, ext_id));"
    "CREATE INDEX record_kind_date ON record(kind, date);"
    "CREATE TABLE record_attr(record_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY(record_id, key, value)) WITHOUT ROWID;"
    "CREATE INDEX record_attr_key ON record_attr(key, value);"
    "CREATE TABLE source_issue(source_id INTEGER NOT NULL, file TEXT, line INTEGER, reason TEXT);",
    /* 3: rows an importer deliberately did not keep are counted too. */
    "ALTER TABLE source ADD COLUMN skipped INTEGER DEFAULT 0;",
    /* 4: each source's coverage window, the first and last record dates,
     * stored at import (backfilled here for sources imported before). */
    "ALTER TABLE source ADD COLUMN first_date TEXT;"
    "ALTER TABLE source ADD COLUMN last_date TEXT;"
    "UPDATE source SET first_date = (SELECT min(date) FROM record r WHERE r.source_id ="
    " source.id), last_date = (SELECT max(date) FROM record r WHERE r.source_id = source.id);",
    /* 5: events from vigil's own synthetic traffic carry the scenario name
     * (EVE "exercise"), so a briefing never reports them as real; alerts
     * keep their rules' ATT&CK technique ids (metadata mitre_technique_id)
     * as a JSON array. */
    "ALTER TABLE event ADD COLUMN exercise TEXT;"
    "ALTER TABLE event ADD COLUMN techniques TEXT;",
};

/* The cause an operator acts on, and SQLite's name of its primary code. */
static const char *store_cause(int code, const char **name)
{
	static const struct {
		int code;
		const char *name, *cause;
	} causes[] = {
	    {SQLITE_FULL, "SQLITE_FULL", "disk full"},
	    {SQLITE_READONLY, "SQLITE_READONLY", "read-only"},
	    {SQLITE_BUSY, "SQLITE_BUSY", "locked by another process"},
	    {SQLITE_LOCKED, "SQLITE_LOCKED", "locked by another connection"},
	    {SQLITE_CORRUPT, "SQLITE_CORRUPT", "database corrupt"},
	    {SQLITE_NOTADB, "SQLITE_NOTADB", "not a database (corrupt)"},
	    {SQLITE_IOERR, "SQLITE_IOERR", "I/O error"},
	    {SQLITE_CANTOPEN, "SQLITE_CANTOPEN", "cannot open"},
	    {SQLITE_PERM, "SQLITE_PERM", "permission denied"},
	    {SQLITE_AUTH, "SQLITE_AUTH", "permission denied"},
	    {SQLITE_NOMEM, "SQLITE_NOMEM", "out of memory"},
	    {SQLITE_CONSTRAINT, "SQLITE_CONSTRAINT", "constraint failed"},
	};
	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
		if (causes[i].code == (code & 0xff)) {
			*name = causes[i].name;
			return causes[i].cause;
		}
	*name = "SQLITE_ERROR";
	return "error";
}

void store_format_error(sqlite3 *db, const char *path, char *out, size_t len)
{
	int code = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
	const char *file = db ? sqlite3_db_filename(db, "main") : NULL;
	if (!file || !*file)
		file = path;
	int os = db ? sqlite3_system_errno(db) : 0;
	char oserr[160] = "";
	if (os)
		snprintf(oserr, sizeof(oserr), "; %s", strerror(os));
	const char *name;
	const char *cause = store_cause(code, &name);
	snprintf(out, len, "%s%s%s: %s%s (%s, code %d)", file && *file ? file : "",
		 file && *file ? ": " : "", cause, db ? sqlite3_errmsg(db) : "out of memory", oserr,
		 name, code);
}

void store_report_error(struct store *st)
{
	char msg[1024];
	store_format_error(st->db, NULL, msg, sizeof(msg));
	fprintf(stderr, "vigil: store: %s\n", msg);
}

bool store_exec(struct store *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_report_error(st);
		return false;
	}
	return true;
}

sqlite3_stmt *store_stmt(struct store *st, enum store_stmt_id id, const char *sql)
{
	sqlite3_stmt *s = st->stmt[id];
	if (!s) {
		if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
		    SQLITE_OK) {
			store_report_error(st);
			return NULL;
		}
		st->stmt[id] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

int store_schema_version(struct store *st)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static bool store_migrate(struct store *st, char *err, size_t errlen)
{
	int v = store_schema_version(st);
	if (v < 0 || v > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "database schema version %d is not supported (this vigil: %d)", v,
			 STORE_SCHEMA_VERSION);
		return false;
	}
	for (; v < STORE_SCHEMA_VERSION; v++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d;", v + 1);
		if (!store_exec(st, "BEGIN IMMEDIATE") || !store_exec(st, store_migrations[v]) ||
		    !store_exec(st, pragma) || !store_exec(st, "COMMIT")) {
			store_exec(st, "ROLLBACK");
			snprintf(err, errlen, "migration to schema version %d failed", v + 1);
			return false;
		}
	}
	return true;
}

/* SQLite says "unable to open database file" (a WAL file it cannot
 * create) where the operator needs "read-only": the filesystem is asked. */
static void store_open_error(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	struct statvfs vfs;
	char msg[1024];
	store_format_error(db, path, msg, sizeof(msg));
	if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		snprintf(err, errlen, "%s: read-only: the filesystem is mounted read-only (%s)",
			 path, msg);
	else if (access(path, F_OK) == 0 && access(path, W_OK) != 0)
		snprintf(err, errlen, "%s: read-only: %s (%s)", path, strerror(errno), msg);
	else
		snprintf(err, errlen, "%s", msg);
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	struct store *st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		store_open_error(st->db, path, err, errlen);
		store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/* WAL lets a briefing read while the sensor writes; NORMAL sync is
	 * durable across application crashes, which is what an event log needs. */
	if (sqlite3_exec(st->db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 "PRAGMA foreign_keys=ON;",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    !store_migrate(st, err, errlen)) {
		if (!err[0])
			store_open_error(st->db, path, err, errlen);
		store_close(st);
		return NULL;
	}
	return st;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < STMT_MAX; i++)
		sqlite3_finalize(st->stmt[i]);
	store_assets_forget(st);
	sqlite3_close(st->db);
	free(st);
}

sqlite3 *store_db(struct store *st)
{
	return st->db;
}

bool store_begin(struct store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE");
}

bool store_commit(struct store *st)
{
	return store_exec(st, "COMMIT");
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK");
}

int64_t store_now(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (*end == '\0' && v >= 0)
			return v;
	}
	return (int64_t)time(NULL);
}

void store_format_date(int64_t t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, outlen, "%Y-%m-%d", &tm);
}

bool store_valid_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

static bool store_step_done(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_report_error(st);
		return false;
	}
	return true;
}

int64_t store_source_begin(struct store *st, const struct store_source *src)
{
	char today[16];
	store_format_date(store_now(), today, sizeof(today));
	sqlite3_stmt *s;
	const char *upsert =
	    "INSERT INTO source(kind, path, publisher, stakeholder, tlp, licence, title,"
	    " imported_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"
	    " ON CONFLICT(kind, path) DO UPDATE SET publisher=?3, stakeholder=?4, tlp=?5,"
	    " licence=?6, title=?7, imported_at=?8 RETURNING id";
	if (sqlite3_prepare_v2(st->db, upsert, -1, &s, NULL) != SQLITE_OK) {
		store_report_error(st);
		return -1;
	}
	const char *vals[] = {src->kind, src->path,    src->publisher, src->stakeholder,
			      src->tlp,	 src->licence, src->title,     today};
	for (int i = 0; i < 8; i++)
		sqlite3_bind_text(s, i + 1, vals[i], -1, SQLITE_TRANSIENT);
	int64_t id = -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else
		store_report_error(st);
	sqlite3_finalize(s);
	if (id < 0)
		return -1;

	char sql[512];
	snprintf(sql, sizeof(sql),
		 "DELETE FROM record_attr WHERE record_id IN (SELECT id FROM record WHERE"
		 " source_id=%lld); DELETE FROM record WHERE source_id=%lld;"
		 " DELETE FROM source_issue WHERE source_id=%lld;",
		 (long long)id, (long long)id, (long long)id);
	return store_exec(st, sql) ? id : -1;
}

bool store_source_finish(struct store *st, int64_t source_id,
			 const struct store_source_outcome *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "UPDATE source SET records=?2, malformed=?3, skipped=?4,"
			       " title=coalesce(?5, title),"
			       " first_date=(SELECT min(date) FROM record WHERE source_id=?1),"
			       " last_date=(SELECT max(date) FROM record WHERE source_id=?1)"
			       " WHERE id=?1",
			       -1, &s, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(s, 1, source_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)out->records);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)out->malformed);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)out->skipped);
	if (out->title && *out->title)
		sqlite3_bind_text(s, 5, out->title, -1, SQLITE_STATIC);
	bool ok = store_step_done(st, s);
	sqlite3_finalize(s);
	return ok;
}

bool store_source_issue(struct store *st, int64_t source_id, const char *file, uint64_t line,
			const char *reason)
{
	sqlite3_stmt *s = store_stmt(st, STMT_ISSUE_INSERT,
				     "INSERT INTO source_issue(source_id, file, line, reason)"
				     " VALUES(?,?,?,?)");
	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, source_id);
	sqlite3_bind_text(s, 2, file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)line);
	sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC);
	return store_step_done(st, s);
}

int64_t store_record_put(struct store *st, int64_t source_id, const char *kind, const char *ext_id,
			 const char *date, const char *title, double score)
{
	sqlite3_stmt *s = store_stmt(st, STMT_RECORD_PUT,
				     "INSERT OR REPLACE INTO record(source_id, kind, ext_id, date,"
				     " title, score) VALUES(?,?,?,?,?,?) RETURNING id");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, source_id);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ext_id, -1, SQLITE_STATIC);
	if (date && *date)
		sqlite3_bind_text(s, 4, date, -1, SQLITE_STATIC);
	if (title)
		sqlite3_bind_text(s, 5, title, -1, SQLITE_STATIC);
	if (!isnan(score))
		sqlite3_bind_double(s, 6, score);
	int64_t id = -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else
		store_report_error(st);
	sqlite3_reset(s);
	return id;
}

bool store_record_attr(struct store *st, int64_t record_id, const char *key, const char *value)
{
	if (!value || !*value)
		return true;
	sqlite3_stmt *s = store_stmt(st, STMT_RECORD_ATTR,
				     "INSERT OR IGNORE INTO record_attr(record_id, key, value)"
				     " VALUES(?,?,?)");
	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, record_id);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, value, -1, SQLITE_STATIC);
	return store_step_done(st, s);
}

int64_t store_record_find(struct store *st, int64_t source_id, const char *ext_id)
{
	sqlite3_stmt *s = store_stmt(st, STMT_RECORD_FIND,
				     "SELECT id FROM record WHERE source_id=? AND ext_id=?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, source_id);
	sqlite3_bind_text(s, 2, ext_id, -1, SQLITE_STATIC);
	int64_t id = -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

bool store_record_set_date(struct store *st, int64_t record_id, const char *date)
{
	sqlite3_stmt *s = store_stmt(st, STMT_RECORD_DATE,
				     "UPDATE record SET date=?2 WHERE id=?1 AND (date IS NULL OR"
				     " date > ?2)");
	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, record_id);
	sqlite3_bind_text(s, 2, date, -1, SQLITE_STATIC);
	return store_step_done(st, s);
}

bool store_record_score_max(struct store *st, int64_t record_id, double score)
{
	sqlite3_stmt *s = store_stmt(st, STMT_RECORD_SCORE,
				     "UPDATE record SET score=?2 WHERE id=?1 AND (score IS NULL OR"
				     " score < ?2)");
	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, record_id);
	sqlite3_bind_double(s, 2, score);
	return store_step_done(st, s);
}
