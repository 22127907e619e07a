/*
 * brief-section-sources — what the reader needs to weigh and trace the
 * figures: each source's reporting lag (how long after an incident a
 * dated report of it appears in the source, as far as the source dates
 * reports at all), and the citations appendix, which lists for every
 * group of figures the source, the file imported and its date, the
 * publisher's page, and the identifiers of every record the figures rest
 * on (EuRepoC incident ids, CVE ids, CIPHER's published references, EVE
 * files).  Nothing here is estimated: a source that dates no reports has
 * "no data" for its lag, never zero.
 */
#include "brief/brief-internal.h"

#include <stdlib.h>
#include <string.h>

static const char *col(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? (const char *)t : "";
}

static void num(const struct brief_ctx *c, char *out, size_t n, int64_t v)
{
	locale_count(msg_locale(c->m), out, n, v);
}

/* ---- reporting lag ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The lag text of a source with dated attributions: the days from each
 * incident's start to its earliest attribution; attributions dated before
 * the start (dates coded to the month or year make that possible) are
 * left out and counted.  NULL when the source has no dated attribution. */
static char *lag_attribution(struct brief_ctx *c, int64_t source_id, const char *kind)
{
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT CAST(julianday(min(a.value)) - julianday(r.date) AS INTEGER)"
		 " FROM record r JOIN record_attr a ON a.record_id = r.id AND"
		 " a.key = 'attribution_date' WHERE r.source_id = %lld AND r.kind ="
		 " 'incident' AND r.date IS NOT NULL GROUP BY r.id",
		 (long long)source_id);
	sqlite3_stmt *q = query_prepare(c, sql, NULL);
	int64_t *lag = NULL;
	size_t n = 0, before = 0;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		int64_t d = sqlite3_column_int64(q, 0);
		if (d < 0) {
			before++;
			continue;
		}
		lag = xrealloc(lag, (n + 1) * sizeof(*lag));
		lag[n++] = d;
	}
	sqlite3_finalize(q);
	if (n == 0 && before == 0) {
		free(lag);
		return NULL;
	}
	char key[96], med[64], q1[64], q3[64], cn[64], bn[64];
	snprintf(key, sizeof(key), "lag.%s.incidents", kind);
	doc_figure(c->doc, key, (double)n);
	if (n == 0) {
		free(lag);
		return xstrdup(msg(c->m, "lag.undated"));
	}
	qsort(lag, n, sizeof(*lag), cmp_i64);
	num(c, med, sizeof(med), lag[n / 2]);
	num(c, q1, sizeof(q1), lag[n / 4]);
	num(c, q3, sizeof(q3), lag[(3 * n) / 4]);
	num(c, cn, sizeof(cn), (int64_t)n);
	num(c, bn, sizeof(bn), (int64_t)before);
	snprintf(key, sizeof(key), "lag.%s.median_days", kind);
	doc_figure(c->doc, key, (double)lag[n / 2]);
	free(lag);
	char *excluded = before ? msgf(c->m, "lag.excluded", "count", bn, NULL) : xstrdup("");
	char *t = msgf(c->m, "lag.attribution", "median", med, "q1", q1, "q3", q3, "count", cn,
		       "excluded", excluded, NULL);
	free(excluded);
	return t;
}

void method_lag(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT src.id, src.kind, coalesce(src.title, src.kind),"
	    " EXISTS (SELECT 1 FROM record r WHERE r.source_id = src.id AND r.kind = 'incident'),"
	    " EXISTS (SELECT 1 FROM record r WHERE r.source_id = src.id AND r.kind = 'harm')"
	    " FROM source src ORDER BY src.kind, src.path",
	    NULL);
	struct table *t = NULL;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		const char *kind = col(q, 1);
		char *text = NULL;
		if (sqlite3_column_int(q, 3))
			text = lag_attribution(c, sqlite3_column_int64(q, 0), kind);
		if (!text && strcmp(kind, "kev") == 0)
			text = xstrdup(msg(c->m, "lag.kev"));
		if (!text && (sqlite3_column_int(q, 3) || sqlite3_column_int(q, 4)))
			text = xstrdup(msg(c->m, "lag.undated"));
		if (!text)
			continue; /* reference data (actors, techniques): no events */
		if (!t) {
			doc_para(s, xstrdup(msg(c->m, "lag.intro")));
			t = doc_table(s, msg(c->m, "lag.table"), 2);
			table_header(t, 0, msg(c->m, "col.source"), false);
			table_header(t, 1, msg(c->m, "col.lag"), false);
		}
		table_row(t, col(q, 2), text);
		free(text);
	}
	sqlite3_finalize(q);
	if (query_count(c, "SELECT EXISTS (SELECT 1 FROM event)", NULL) > 0) {
		if (!t) {
			doc_para(s, xstrdup(msg(c->m, "lag.intro")));
			t = doc_table(s, msg(c->m, "lag.table"), 2);
			table_header(t, 0, msg(c->m, "col.source"), false);
			table_header(t, 1, msg(c->m, "col.lag"), false);
		}
		table_row(t, msg(c->m, "lag.events-source"), msg(c->m, "lag.events"));
	}
}

/* ---- citations ---- */

/* The publisher's page for a kind of source (where a reader finds the
 * data set itself); "" for kinds without one fixed page. */
static const char *kind_page(const char *kind)
{
	static const struct {
		const char *kind, *url;
	} pages[] = {
	    {"eurepoc", "https://eurepoc.eu/"},
	    {"kev", "https://www.cisa.gov/known-exploited-vulnerabilities-catalog"},
	    {"attack", "https://attack.mitre.org/"},
	    {"misp", "https://github.com/MISP/misp-galaxy"},
	};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(kind, pages[i].kind) == 0)
			return pages[i].url;
	return "";
}

/* Joins the first column of every row of sql (bound to the period) into
 * "a, b, c"; *n gets the number of rows.  malloc'd, "" when none. */
static char *join_rows(struct brief_ctx *c, const char *sql, int64_t *n)
{
	sqlite3_stmt *q = query_prepare(c, sql, &c->cur);
	size_t len = 0, cap = 256;
	char *out = xrealloc(NULL, cap);
	out[0] = '\0';
	*n = 0;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		const char *v = col(q, 0);
		size_t vl = strlen(v);
		if (len + vl + 3 > cap) {
			cap = (len + vl + 3) * 2;
			out = xrealloc(out, cap);
		}
		if (*n)
			memcpy(out + len, ", ", 2), len += 2;
		memcpy(out + len, v, vl + 1);
		len += vl;
		(*n)++;
	}
	sqlite3_finalize(q);
	return out;
}

/* One paragraph citing records: "{source}, ... ({count}): {ids}". */
static void cite(struct brief_ctx *c, struct section *s, const char *key, const char *source,
		 const char *sql, const char *figure)
{
	int64_t n;
	char *ids = join_rows(c, sql, &n);
	if (n > 0) {
		char cn[64];
		num(c, cn, sizeof(cn), n);
		doc_para(s, msgf(c->m, key, "source", source, "count", cn, "ids", ids, NULL));
	}
	doc_figure(c->doc, figure, (double)n);
	free(ids);
}

/* Which figures rest on a kind of source (a catalogue key). */
static const char *kind_figures(const char *kind)
{
	if (strcmp(kind, "eurepoc") == 0 || strcmp(kind, "stix") == 0)
		return "cite.figures.incidents";
	if (strcmp(kind, "kev") == 0)
		return "cite.figures.kev";
	if (strcmp(kind, "cipher") == 0)
		return "cite.figures.harm";
	return "cite.figures.reference";
}

static void cite_sources_table(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q = query_prepare(c,
					"SELECT coalesce(title, kind), kind, path, imported_at"
					" FROM source ORDER BY kind, path",
					NULL);
	struct table *t = NULL;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		if (!t) {
			t = doc_table(s, msg(c->m, "cite.table"), 5);
			const char *cols[] = {"col.source", "col.file", "col.imported", "col.link",
					      "col.figures"};
			for (size_t i = 0; i < 5; i++)
				table_header(t, i, msg(c->m, cols[i]), false);
		}
		const char *kind = col(q, 1), *path = col(q, 2), *base = strrchr(path, '/');
		char imported[96];
		locale_date(msg_locale(c->m), imported, sizeof(imported), col(q, 3));
		table_row(t, col(q, 0), base && base[1] ? base + 1 : path, imported,
			  kind_page(kind), msg(c->m, kind_figures(kind)));
	}
	sqlite3_finalize(q);
	q = query_prepare(c, "SELECT path FROM eve_file ORDER BY path", NULL);
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		if (!t)
			break; /* the EVE files are cited below on their own */
		const char *path = col(q, 0), *base = strrchr(path, '/');
		table_row(t, msg(c->m, "lag.events-source"), base ? base + 1 : path, "", "",
			  msg(c->m, "cite.figures.detections"));
	}
	sqlite3_finalize(q);
}

void section_citations(struct brief_ctx *c)
{
	struct section *s = doc_section(c->doc, "citations", msg(c->m, "section.citations"));
	doc_para(s, xstrdup(msg(c->m, "cite.intro")));
	cite_sources_table(c, s);
	sqlite3_stmt *q = query_prepare(c,
					"SELECT id, kind, coalesce(title, kind) FROM source"
					" WHERE kind IN ('eurepoc', 'stix', 'kev', 'cipher')"
					" ORDER BY kind, path",
					NULL);
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		const char *kind = col(q, 1), *title = col(q, 2);
		long long sid = sqlite3_column_int64(q, 0);
		char sql[768], fig[96];
		if (strcmp(kind, "kev") == 0) {
			snprintf(sql, sizeof(sql),
				 "SELECT ext_id FROM record WHERE source_id = %lld AND date BETWEEN"
				 " ?1 AND ?2 ORDER BY date, ext_id",
				 sid);
			snprintf(fig, sizeof(fig), "cited.%s.%lld.current", kind, sid);
			cite(c, s, "cite.kev", title, sql, fig);
		} else if (strcmp(kind, "cipher") == 0) {
			snprintf(sql, sizeof(sql),
				 "SELECT DISTINCT a.value FROM record r JOIN record_attr a ON"
				 " a.record_id = r.id AND a.key = 'link' WHERE r.source_id = %lld AND"
				 " a.value LIKE 'http%%'"
				 " ORDER BY 1",
				 sid);
			snprintf(fig, sizeof(fig), "cited.%s.%lld.references", kind, sid);
			cite(c, s, "cite.harm", title, sql, fig);
		} else {
			for (int period = 1; period >= 0; period--) {
				snprintf(sql, sizeof(sql),
					 "SELECT r.ext_id FROM temp.sel x JOIN record r ON r.id ="
					 " x.id WHERE r.source_id = %lld AND x.period = %d ORDER BY"
					 " CAST(r.ext_id AS INTEGER), r.ext_id",
					 sid, period);
				snprintf(fig, sizeof(fig), "cited.%s.%lld.%s", kind, sid,
					 period ? "current" : "previous");
				cite(c, s, period ? "cite.incidents-cur" : "cite.incidents-prev",
				     title, sql, fig);
			}
		}
	}
	sqlite3_finalize(q);
	int64_t n;
	char *files = join_rows(c,
				"SELECT f.path FROM eve_file f WHERE EXISTS (SELECT 1 FROM event e"
				" WHERE e.file_id = f.id AND e.day BETWEEN ?1 AND ?2) ORDER BY 1",
				&n);
	if (n > 0) {
		char cn[64];
		num(c, cn, sizeof(cn), n);
		doc_para(s, msgf(c->m, "cite.events", "count", cn, "ids", files, NULL));
	}
	free(files);
}
