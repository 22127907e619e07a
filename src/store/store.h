/*
 * store — vigil's embedded event store (SQLite, `vigil.db`).
 *
 * One database holds two kinds of evidence for the threat-landscape
 * briefing: vigil's own detections (alerts, anomalies, flow summaries read
 * from EVE JSON, any Suricata's or vigil's) and records imported from public
 * sources (incidents, vulnerabilities, intelligence), each tied to the
 * source row that carries its provenance (publisher, stakeholder kind,
 * licence, TLP, import date).
 *
 * Invariants kept here:
 *  - the schema version is PRAGMA user_version; store_open() migrates an
 *    older database forward, one numbered step at a time, and refuses a
 *    newer one;
 *  - the database runs in WAL mode; an EVE import is one transaction (rolled
 *    back whole on failure), other imports commit once per batch
 *    (STORE_BATCH rows), never per row;
 *  - re-importing the same input is idempotent: EVE rows are keyed by
 *    (file fingerprint, line), source records by (source, external id);
 *  - raw source categories are stored as the source spells them; mapping to
 *    vigil's vocabulary happens at briefing time (brief/taxonomy), so a
 *    taxonomy change never needs a re-import.
 */
#ifndef VIGIL_STORE_STORE_H
#define VIGIL_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define STORE_SCHEMA_VERSION 5
#define STORE_BATCH 5000
/* The longest EVE line an import reads (bytes, without the newline);
 * longer lines are counted as malformed and skipped. */
#define STORE_EVE_MAX_LINE (16u * 1024 * 1024)

struct store; /* opaque: see store-internal.h */

/* Opens (creating if needed) and migrates the database.  On failure
 * returns NULL with a message in err. */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *st);
/* The SQLite handle, for read queries (brief/).  Owned by the store. */
sqlite3 *store_db(struct store *st);

/* Schema version of an open store (PRAGMA user_version). */
int store_schema_version(struct store *st);

bool store_begin(struct store *st);
bool store_commit(struct store *st);
void store_rollback(struct store *st);

/* Generation/import timestamp: SOURCE_DATE_EPOCH when set (reproducible
 * builds convention), else the current time.  Returns a UNIX time. */
int64_t store_now(void);
/* Formats t as "YYYY-MM-DD" (UTC) into out (>= 11 bytes). */
void store_format_date(int64_t t, char *out, size_t outlen);

/*
 * Asset map: networks or hosts → organisation, sector, country.  Read from
 * the `assets:` sequence of a YAML file, which may be a standalone asset
 * file or vigil's main configuration file:
 *
 *   assets:
 *     - network: 10.1.0.0/16        # or a single address
 *       organisation: City Hospital
 *       sector: health              # vigil sector id (data/taxonomy)
 *       country: FR
 *
 * Loading replaces the map stored in the database.  Returns the number of
 * entries loaded (0, map unchanged, when the file has no `assets:` key, so
 * any config file may be passed), or -1 with "file:line: problem" in err.
 */
int store_assets_load(struct store *st, const char *yaml_path, char *err, size_t errlen);

struct store_asset_match {
	char organisation[128];
	char sector[64];
	char country[64];
};
/* Most specific asset entry containing the textual address ip (v4 or v6);
 * false when none does. */
bool store_assets_lookup(struct store *st, const char *ip, struct store_asset_match *out);

/* Counters of one EVE import. */
struct store_eve_stats {
	uint64_t lines;	 /* lines read */
	uint64_t alerts; /* rows stored, per event type */
	uint64_t anomalies;
	uint64_t flows;
	uint64_t other;	    /* event types the store does not keep (dns, http, stats...) */
	uint64_t exercise;  /* stored rows marked "exercise" (vigil's synthetic traffic) */
	uint64_t duplicate; /* rows already in the store (re-import) */
	uint64_t malformed; /* lines that are not a JSON object with timestamp/event_type */
	uint64_t too_long;  /* of those, lines longer than STORE_EVE_MAX_LINE (skipped) */
	uint64_t first_bad_line;
	double seconds;
};

/*
 * Loads one EVE JSON file (one event per line) into the store at db_path,
 * creating the database if needed.  assets_path, when not NULL, is a YAML
 * file with an `assets:` map (see store_assets_load) loaded first.
 * Malformed lines are counted and reported on stderr as "file:line: why";
 * they do not stop the import.  stats may be NULL.
 * Returns 0 on success, -1 on an error that stopped the import (message on
 * stderr).
 */
int store_import_eve_file(const char *db_path, const char *eve_path, const char *assets_path,
			  struct store_eve_stats *stats);

/* The same on an already open store. */
int store_import_eve(struct store *st, const char *eve_path, struct store_eve_stats *stats);

/*
 * The central store in PostgreSQL (store-pg.c): the EVE of many sensors in
 * one table, a row per (sensor, event).  conninfo is libpq's ("host=...
 * port=... dbname=..." or a postgresql:// URI).
 */
struct store_pg_stats {
	uint64_t lines, stored;
	uint64_t duplicate; /* already stored for that sensor (re-import) */
	uint64_t malformed; /* not a JSON object with event_type and timestamp,
			     * or no sensor (no "host" and none given) */
	uint64_t first_bad_line;
	uint64_t pending; /* sent, result not read yet (internal) */
	double seconds;
};
/* Loads one EVE file, rows tagged with the event's "host", else sensor
 * (may be NULL).  One transaction: on a database error nothing of the file
 * is stored.  Returns 0, or -1 with err. */
int store_pg_import_eve(const char *conninfo, const char *sensor, const char *eve_path,
			struct store_pg_stats *stats, char *err, size_t errlen);
/* Writes the stored events (of one sensor, or all when sensor is NULL) as
 * EVE lines to out_path, each with "host" naming its sensor; *count set. */
int store_pg_export_eve(const char *conninfo, const char *sensor, const char *out_path,
			uint64_t *count, char *err, size_t errlen);

/*
 * The sensor's end-of-run hook (store-config.c), driven by vigil's config:
 *
 *   outputs:
 *     - sqlite:
 *         enabled: yes        # the default, also when the entry is absent
 *         filename: vigil.db  # relative to the log directory
 *   assets:                   # optional, see store_assets_load()
 *     - network: 10.1.0.0/16
 *       sector: health
 *
 * store_import_run() loads eve_path into <log_dir>/vigil.db (or the
 * configured file), replacing the stored asset map with the config's when
 * it has one.  Returns 0 (also when the output is disabled) or -1.
 */
struct config_node;
struct store_output_config {
	bool enabled;
	char path[4096];
};
void store_output_config(const struct config_node *root, const char *log_dir,
			 struct store_output_config *out);
int store_assets_from_config(struct store *st, const struct config_node *root, char *err,
			     size_t errlen);
int store_import_run(const struct config_node *root, const char *log_dir, const char *eve_path,
		     struct store_eve_stats *stats);

/*
 * Source provenance and records (used by intel/ importers).
 */
struct store_source {
	const char *kind; /* importer kind: "eurepoc", "kev", ... */
	const char *path; /* the file or directory imported */
	const char *publisher;
	const char *stakeholder; /* un|government|private|civil-society|academia */
	const char *tlp;	 /* clear|green|amber|red */
	const char *licence;
	const char *title; /* e.g. catalogue name and version, may be NULL */
};

/* Creates or updates the source row identified by (kind, path) and deletes
 * its previous records, so a re-import replaces rather than duplicates.
 * Returns the source id, or -1. */
int64_t store_source_begin(struct store *st, const struct store_source *src);
/* The outcome of one source import, recorded on its source row.  Finishing
 * also stores the source's coverage window (source.first_date/last_date:
 * its earliest and latest dated record), which the briefing uses to tell
 * "no data" from zero. */
struct store_source_outcome {
	uint64_t records;   /* records stored */
	uint64_t malformed; /* input rows rejected (each in source_issue) */
	uint64_t skipped;   /* input rows deliberately not kept */
	const char *title;  /* e.g. the catalogue's name and version; may be NULL */
};
bool store_source_finish(struct store *st, int64_t source_id,
			 const struct store_source_outcome *out);
/* A malformed input row, kept for the briefing's method section. */
bool store_source_issue(struct store *st, int64_t source_id, const char *file, uint64_t line,
			const char *reason);

/* Inserts (or, for the same (source, ext_id), replaces) a record and
 * returns its id, or -1.  kind: "incident", "vulnerability", "harm",
 * "actor", "malware", "technique", "campaign", "indicator", "sighting",
 * "report", "sector", ...  date: "YYYY-MM-DD" or NULL; score: NaN if none. */
int64_t store_record_put(struct store *st, int64_t source_id, const char *kind, const char *ext_id,
			 const char *date, const char *title, double score);
/* Adds one attribute value to a record (a set: duplicates are ignored). */
bool store_record_attr(struct store *st, int64_t record_id, const char *key, const char *value);
/* Looks up a record id by (source, ext_id); -1 if absent. */
int64_t store_record_find(struct store *st, int64_t source_id, const char *ext_id);
/* Narrows a record's date to the earliest of its current and given date. */
bool store_record_set_date(struct store *st, int64_t record_id, const char *date);

/* Raises a record's score to score if it is higher (or unset). */
bool store_record_score_max(struct store *st, int64_t record_id, double score);

/* Validates "YYYY-MM-DD" (a real calendar date). */
bool store_valid_date(const char *s);

#endif
