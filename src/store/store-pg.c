/*
 * store-pg — the central event store in PostgreSQL (libpq), where the EVE
 * of many sensors meets: `vigil import eve FILE... --pg CONNINFO` loads
 * events into one table, each row with the sensor that saw it, and
 * `vigil brief --pg CONNINFO` briefs across them.
 *
 * One row per event: (sensor, SHA-256 of the line) is the key, so
 * importing the same events again (a re-run appended to eve.json, a file
 * shipped twice) stores nothing new; two sensors that saw identical bytes
 * keep a row each.  The sensor is the event's "host" (Suricata's
 * sensor-name), else the --sensor given; an event with neither is refused
 * with the file and line.  Malformed lines are counted and reported as
 * the SQLite import does; each file is one transaction, its inserts sent
 * pipelined (PG_PIPELINE per round trip).
 *
 * The briefing does not query PostgreSQL directly: store_pg_export_eve()
 * writes the events (with "host" set to the sensor) as EVE lines, which the
 * caller loads into a scratch SQLite store, so every reader of the store
 * works unchanged.
 */
#include "store/store.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <openssl/evp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const pg_schema =
    "SET client_min_messages = warning;" /* no NOTICE for an existing table */
    "CREATE TABLE IF NOT EXISTS vigil_event ("
    " sensor text NOT NULL,"
    " digest text NOT NULL," /* SHA-256 of the EVE line, hex */
    " event_type text NOT NULL,"
    " ts text NOT NULL,"
    " line text NOT NULL,"
    " imported timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (sensor, digest));"
    "CREATE INDEX IF NOT EXISTS vigil_event_type ON vigil_event(event_type, ts);";

static PGconn *pg_connect(const char *conninfo, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "PostgreSQL: cannot connect: %s", PQerrorMessage(c));
		/* libpq's message is several lines: one line here */
		size_t n = strlen(err);
		while (n && (err[n - 1] == '\n' || err[n - 1] == '\t'))
			err[--n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (err[i] == '\n' || err[i] == '\t')
				err[i] = ' ';
		PQfinish(c);
		return NULL;
	}
	PQsetClientEncoding(c, "UTF8");
	return c;
}

static bool pg_exec(PGconn *c, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(c, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		snprintf(err, errlen, "PostgreSQL: %s", PQerrorMessage(c));
	PQclear(r);
	return ok;
}

static void sha256_hex(const char *s, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_Digest(s, n, md, &len, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Rows go out pipelined (libpq's pipeline mode): PG_PIPELINE inserts are
 * sent before their results are read, so a batch costs one round trip. */
#define PG_PIPELINE 1000

/* Reads the results of the pending inserts (after a sync): each stored or
 * already present; false on the first error (the rest are aborted). */
static bool collect(PGconn *c, struct store_pg_stats *s, char *err, size_t errlen)
{
	bool ok = PQpipelineSync(c) == 1;
	if (!ok)
		snprintf(err, errlen, "PostgreSQL: %s", PQerrorMessage(c));
	for (; ok && s->pending; s->pending--) {
		PGresult *r = PQgetResult(c);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			if (!err[0])
				snprintf(err, errlen, "PostgreSQL: %s",
					 r ? PQresultErrorMessage(r) : PQerrorMessage(c));
			ok = false;
		} else if (strcmp(PQcmdTuples(r), "1") == 0)
			s->stored++;
		else
			s->duplicate++;
		PQclear(r);
		PQclear(PQgetResult(c)); /* the NULL that ends each query's results */
	}
	/* then the sync's own result (after an error: whatever is left of the
	 * aborted queries first) */
	for (PGresult *r; (r = PQgetResult(c)) != NULL;) {
		ExecStatusType st = PQresultStatus(r);
		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	s->pending = 0;
	return ok;
}

/* One line: sent to be stored, or malformed (reported); false on a
 * database error (err set). */
static bool import_line(PGconn *c, const char *path, uint64_t lineno, char *line, size_t n,
			const char *sensor, struct store_pg_stats *s, char *err, size_t errlen)
{
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (!n)
		return true; /* blank line */
	json_error_t je;
	json_t *ev = json_loadb(line, n, JSON_ALLOW_NUL, &je);
	const char *type = ev ? json_string_value(json_object_get(ev, "event_type")) : NULL;
	const char *ts = ev ? json_string_value(json_object_get(ev, "timestamp")) : NULL;
	const char *host = ev ? json_string_value(json_object_get(ev, "host")) : NULL;
	const char *who = host && *host ? host : sensor;
	if (!json_is_object(ev) || !type || !ts || !who) {
		if (!s->malformed++)
			s->first_bad_line = lineno;
		fprintf(stderr, "vigil: %s:%llu: %s; skipped\n", path, (unsigned long long)lineno,
			!ev		      ? je.text
			: !json_is_object(ev) ? "not a JSON object"
			: !type || !ts	      ? "no event_type or timestamp"
					      : "no sensor: the event has no \"host\" and no "
						"--sensor was given");
		json_decref(ev);
		return true;
	}
	char digest[65];
	sha256_hex(line, n, digest);
	const char *params[5] = {who, digest, type, ts, line};
	/* libpq copies the parameters into its send buffer */
	bool ok = PQsendQueryPrepared(c, "put", 5, params, NULL, NULL, 0) == 1;
	if (!ok)
		snprintf(err, errlen, "PostgreSQL: %s:%llu: %s", path, (unsigned long long)lineno,
			 PQerrorMessage(c));
	else
		s->pending++;
	json_decref(ev);
	if (ok && s->pending >= PG_PIPELINE)
		ok = collect(c, s, err, errlen);
	return ok;
}

int store_pg_import_eve(const char *conninfo, const char *sensor, const char *eve_path,
			struct store_pg_stats *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (errlen)
		err[0] = '\0';
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	FILE *f = fopen(eve_path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", eve_path, strerror(errno));
		return -1;
	}
	PGconn *c = pg_connect(conninfo, err, errlen);
	if (!c) {
		fclose(f);
		return -1;
	}
	bool ok = pg_exec(c, pg_schema, err, errlen) && pg_exec(c, "BEGIN", err, errlen);
	if (ok) {
		PGresult *r =
		    PQprepare(c, "put",
			      "INSERT INTO vigil_event(sensor, digest, event_type, ts, line)"
			      " VALUES($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
			      5, NULL);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			snprintf(err, errlen, "PostgreSQL: %s", PQerrorMessage(c));
		PQclear(r);
	}
	if (ok && PQenterPipelineMode(c) != 1) {
		snprintf(err, errlen, "PostgreSQL: %s", PQerrorMessage(c));
		ok = false;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while (ok && (n = getline(&line, &cap, f)) >= 0) {
		s->lines++;
		if ((size_t)n > STORE_EVE_MAX_LINE) {
			if (!s->malformed++)
				s->first_bad_line = s->lines;
			fprintf(stderr, "vigil: %s:%llu: line longer than %u bytes; skipped\n",
				eve_path, (unsigned long long)s->lines, STORE_EVE_MAX_LINE);
			continue;
		}
		ok = import_line(c, eve_path, s->lines, line, (size_t)n, sensor, s, err, errlen);
	}
	if (ok && ferror(f)) {
		snprintf(err, errlen, "%s: read error", eve_path);
		ok = false;
	}
	if (PQpipelineStatus(c) == PQ_PIPELINE_ON) {
		char last[512] = ""; /* the rest of the batch; after an error, drained */
		if (!collect(c, s, last, sizeof(last)) && ok) {
			snprintf(err, errlen, "%s", last);
			ok = false;
		}
		PQexitPipelineMode(c);
	}
	free(line);
	fclose(f);
	if (ok)
		ok = pg_exec(c, "COMMIT", err, errlen);
	else
		PQclear(PQexec(c, "ROLLBACK")); /* nothing of the file is kept */
	PQfinish(c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!ok)
		s->stored = s->duplicate = 0;
	return ok ? 0 : -1;
}

/* The line with "host": sensor first when it has no "host" of its own. */
static void write_event(FILE *out, const char *sensor, const char *line)
{
	json_t *ev = json_loads(line, JSON_ALLOW_NUL, NULL);
	bool has_host = json_object_get(ev, "host") != NULL; /* top level only */
	json_decref(ev);
	if (has_host || line[0] != '{') {
		fprintf(out, "%s\n", line);
		return;
	}
	json_t *h = json_string(sensor);
	char *q = h ? json_dumps(h, JSON_ENCODE_ANY) : NULL;
	fprintf(out, "{\"host\":%s%s%s\n", q ? q : "\"\"", line[1] == '}' ? "" : ",", line + 1);
	free(q);
	json_decref(h);
}

int store_pg_export_eve(const char *conninfo, const char *sensor, const char *out_path,
			uint64_t *count, char *err, size_t errlen)
{
	*count = 0;
	PGconn *c = pg_connect(conninfo, err, errlen);
	if (!c)
		return -1;
	if (!pg_exec(c, pg_schema, err, errlen)) {
		PQfinish(c);
		return -1;
	}
	FILE *out = fopen(out_path, "w");
	if (!out) {
		snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
		PQfinish(c);
		return -1;
	}
	const char *params[1] = {sensor};
	PGresult *r = PQexecParams(c,
				   sensor ? "SELECT sensor, line FROM vigil_event WHERE sensor = $1"
					    " ORDER BY ts, sensor, digest"
					  : "SELECT sensor, line FROM vigil_event"
					    " ORDER BY ts, sensor, digest",
				   sensor ? 1 : 0, NULL, sensor ? params : NULL, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		snprintf(err, errlen, "PostgreSQL: %s", PQerrorMessage(c));
	for (int i = 0; ok && i < PQntuples(r); i++) {
		write_event(out, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
		++*count;
	}
	PQclear(r);
	PQfinish(c);
	if (fclose(out) != 0 && ok) {
		snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
		ok = false;
	}
	return ok ? 0 : -1;
}
