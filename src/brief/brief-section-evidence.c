/*
 * brief-section-evidence — the sections built from evidence other than
 * incidents: newly exploited vulnerabilities (KEV), patient harm (CIPHER),
 * vigil's own detections (EVE events), the Security Council themes that
 * the findings bear on, and the sources-and-method section that makes
 * every figure traceable (provenance, coverage, unmapped categories,
 * malformed rows, caveats).
 */
#include "brief/brief-internal.h"

#include <stdlib.h>
#include <string.h>

static void cnt(const struct brief_ctx *c, char *out, size_t n, int64_t v)
{
	locale_count(msg_locale(c->m), out, n, v);
}

static const char *col_text(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? (const char *)t : "";
}

/* ---- newly exploited vulnerabilities ---- */

/*
 * CISA's Known Exploited Vulnerabilities catalogue, read as CISA states
 * it: an entry's date is dateAdded, the day CISA added it; the catalogue
 * was published on 2021-11-03 with an initial load of vulnerabilities
 * exploited over the years before, which is counted apart (it is not new
 * exploitation) when the store's KEV source begins on that day; the age of
 * a CVE (the year of its identifier against the year of its addition)
 * shows that an addition is rarely a new vulnerability; and ransomware use
 * is CISA's knownRansomwareCampaignUse, "Known" or "Unknown" (not known to
 * be used, which is not "not used").
 */
#define KEV_LAUNCH "2021-11-03"
#define KEV_REC                                                                                    \
	" r.kind = 'vulnerability' AND r.source_id IN (SELECT id FROM source WHERE kind = 'kev')"  \
	" AND r.date BETWEEN ?1 AND ?2"

static const char *kev_excl(const struct brief_ctx *c)
{
	return c->kev_launch ? " AND r.date <> '" KEV_LAUNCH "'" : "";
}

static int64_t kev_count(struct brief_ctx *c, const char *extra, const struct period *p)
{
	char sql[768];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM record r WHERE" KEV_REC "%s%s",
		 kev_excl(c), extra);
	return query_count(c, sql, p);
}

#define KEV_KNOWN                                                                                  \
	" AND EXISTS (SELECT 1 FROM record_attr k WHERE k.record_id = r.id AND"                    \
	" k.key = 'ransomware' AND k.value = 'Known')"
#define KEV_AGE "(CAST(substr(r.date, 1, 4) AS INTEGER) - CAST(substr(r.ext_id, 5, 4) AS INTEGER))"
#define KEV_IS_CVE " AND r.ext_id GLOB 'CVE-[0-9][0-9][0-9][0-9]-*'"

static void kev_vendors(struct brief_ctx *c, struct section *s)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
		 "SELECT v.value, count(*), sum(coalesce(k.value = 'Known', 0)) FROM record r"
		 " JOIN record_attr v ON v.record_id = r.id AND v.key = 'vendor'"
		 " LEFT JOIN record_attr k ON k.record_id = r.id AND k.key = 'ransomware'"
		 " WHERE" KEV_REC "%s GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10",
		 kev_excl(c));
	sqlite3_stmt *q = query_prepare(c, sql, &c->cur);
	struct chart *ch = doc_chart(s, CHART_BARS, msg(c->m, "kev.chart"), 2);
	chart_series(ch, 0, msg(c->m, "col.added"));
	chart_series(ch, 1, msg(c->m, "col.ransomware"));
	struct table *t = doc_table(s, msg(c->m, "kev.vendors"), 3);
	table_header(t, 0, msg(c->m, "col.vendor"), false);
	table_header(t, 1, msg(c->m, "col.added"), true);
	table_header(t, 2, msg(c->m, "col.ransomware"), true);
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		double v[2] = {(double)sqlite3_column_int64(q, 1),
			       (double)sqlite3_column_int64(q, 2)};
		char a[64], b[64];
		cnt(c, a, sizeof(a), (int64_t)v[0]);
		cnt(c, b, sizeof(b), (int64_t)v[1]);
		chart_add(ch, col_text(q, 0), v);
		table_row(t, col_text(q, 0), a, b);
	}
	sqlite3_finalize(q);
}

static void kev_ransomware_list(struct brief_ctx *c, struct section *s)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
		 "SELECT r.date, r.ext_id, v.value, p.value FROM record r"
		 " LEFT JOIN record_attr v ON v.record_id = r.id AND v.key = 'vendor'"
		 " LEFT JOIN record_attr p ON p.record_id = r.id AND p.key = 'product'"
		 " WHERE" KEV_REC "%s" KEV_KNOWN " ORDER BY r.date DESC, r.ext_id LIMIT 15",
		 kev_excl(c));
	sqlite3_stmt *q = query_prepare(c, sql, &c->cur);
	struct table *t = doc_table(s, msg(c->m, "kev.ransomware-table"), 4);
	table_header(t, 0, msg(c->m, "col.date"), false);
	table_header(t, 1, msg(c->m, "col.cve"), false);
	table_header(t, 2, msg(c->m, "col.vendor"), false);
	table_header(t, 3, msg(c->m, "col.product"), false);
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		char day[96];
		locale_date(msg_locale(c->m), day, sizeof(day), col_text(q, 0));
		table_row(t, day, col_text(q, 1), col_text(q, 2), col_text(q, 3));
	}
	sqlite3_finalize(q);
}

void section_vulnerabilities(struct brief_ctx *c)
{
	struct section *s =
	    doc_section(c->doc, "vulnerabilities", msg(c->m, "section.vulnerabilities"));
	struct coverage cov;
	coverage_load(c, &cov,
		      "SELECT coalesce(title, kind), first_date, last_date FROM source"
		      " WHERE kind = 'kev' AND first_date IS NOT NULL ORDER BY first_date");
	c->kev_launch = cov.any && strcmp(cov.first, KEV_LAUNCH) == 0;
	if (c->kev_launch)
		coverage_drop_day(c, &cov, KEV_LAUNCH);
	int64_t cur = kev_count(c, "", &c->cur), prev = kev_count(c, "", &c->prev);
	int64_t ransom = kev_count(c, KEV_KNOWN, &c->cur);
	int64_t launch = 0;
	if (c->kev_launch && strcmp(c->cur.from, KEV_LAUNCH) <= 0 &&
	    strcmp(c->cur.to, KEV_LAUNCH) >= 0)
		launch = query_count(c,
				     "SELECT count(*) FROM record r WHERE" KEV_REC
				     " AND r.date = '" KEV_LAUNCH "'",
				     &c->cur);
	int64_t young = kev_count(c, KEV_IS_CVE " AND " KEV_AGE " <= 1", &c->cur);
	int64_t mid = kev_count(c, KEV_IS_CVE " AND " KEV_AGE " BETWEEN 2 AND 4", &c->cur);
	int64_t old = kev_count(c, KEV_IS_CVE " AND " KEV_AGE " >= 5", &c->cur);
	doc_figure(c->doc, "kev.added.current", (double)cur);
	doc_figure(c->doc, "kev.added.previous", (double)prev);
	doc_figure(c->doc, "kev.ransomware.current", (double)ransom);
	doc_figure(c->doc, "kev.initial_load.current", (double)launch);
	doc_figure(c->doc, "kev.age.0-1.current", (double)young);
	doc_figure(c->doc, "kev.age.2-4.current", (double)mid);
	doc_figure(c->doc, "kev.age.5+.current", (double)old);
	char a[64], b[64], r[64], u[64], ch[256], l[64], y[64], m[64], o[64];
	char launch_day[96], first_day[96];
	cnt(c, l, sizeof(l), launch);
	locale_date(msg_locale(c->m), launch_day, sizeof(launch_day), KEV_LAUNCH);
	locale_date(msg_locale(c->m), first_day, sizeof(first_day), cov.first);
	if (cur == 0) {
		doc_para(s, xstrdup(msg(c->m, cov.days_cur ? "kev.none" : "kev.nodata")));
		if (launch)
			doc_para(s, msgf(c->m, "kev.launch", "count", l, "date", launch_day, NULL));
		coverage_free(&cov);
		return;
	}
	cnt(c, a, sizeof(a), cur);
	cnt(c, b, sizeof(b), prev);
	cnt(c, r, sizeof(r), ransom);
	cnt(c, u, sizeof(u), cur - ransom);
	cnt(c, y, sizeof(y), young);
	cnt(c, m, sizeof(m), mid);
	cnt(c, o, sizeof(o), old);
	fmt_change_cov(c, &cov, ch, sizeof(ch), cur, prev);
	if (cov.cmp == CMP_NONE) {
		doc_para(s, msgf(c->m, "kev.intro-noprev", "count", a, "from", c->cur.lfrom, "to",
				 c->cur.lto, "first", first_day, NULL));
		judgement(c, msgf(c->m, "judgement.kev-noprev", "count", a, "old", o, "ransomware",
				  r, NULL));
	} else {
		doc_para(s, msgf(c->m, "kev.intro", "count", a, "from", c->cur.lfrom, "to",
				 c->cur.lto, "change", ch, "previous", b, NULL));
		judgement(c, msgf(c->m, "judgement.kev", "count", a, "change", ch, "old", o,
				  "ransomware", r, NULL));
	}
	if (launch)
		doc_para(s, msgf(c->m, "kev.launch", "count", l, "date", launch_day, NULL));
	doc_para(s, msgf(c->m, "kev.age", "count", a, "recent", y, "mid", m, "old", o, NULL));
	doc_para(s, msgf(c->m, "kev.ransomware", "known", r, "unknown", u, NULL));
	coverage_free(&cov);
	kev_vendors(c, s);
	if (ransom > 0)
		kev_ransomware_list(c, s);
	if (c->sector >= 0)
		doc_note(s, xstrdup(msg(c->m, "kev.sector-note")));
}

/* ---- patient harm ---- */

static void harm_domains(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT a.value, count(*), avg(r.score) FROM record r JOIN record_attr a ON"
	    " a.record_id = r.id AND a.key = 'technical_domain' WHERE r.kind = 'harm'"
	    " GROUP BY 1 ORDER BY 2 DESC, 1",
	    NULL);
	struct chart *ch = doc_chart(s, CHART_BARS, msg(c->m, "harm.chart"), 1);
	chart_series(ch, 0, msg(c->m, "col.events"));
	struct table *t = doc_table(s, msg(c->m, "harm.domains"), 3);
	table_header(t, 0, msg(c->m, "col.domain"), false);
	table_header(t, 1, msg(c->m, "col.events"), true);
	table_header(t, 2, msg(c->m, "col.mean-impact"), true);
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		double v = (double)sqlite3_column_int64(q, 1);
		char a[64], m[64];
		cnt(c, a, sizeof(a), (int64_t)v);
		locale_decimal1(msg_locale(c->m), m, sizeof(m), sqlite3_column_double(q, 2));
		chart_add(ch, col_text(q, 0), &v);
		table_row(t, col_text(q, 0), a, m);
	}
	sqlite3_finalize(q);
}

static void harm_examples(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT r.title, CAST(r.score AS INTEGER), coalesce(tp.value, '') FROM record r"
	    " LEFT JOIN record_attr tp ON tp.record_id = r.id AND tp.key = 'time_point'"
	    " WHERE r.kind = 'harm' GROUP BY r.title ORDER BY max(r.score) DESC, r.title LIMIT 8",
	    NULL);
	struct table *t = doc_table(s, msg(c->m, "harm.examples"), 3);
	table_header(t, 0, msg(c->m, "col.harm"), false);
	table_header(t, 1, msg(c->m, "col.impact"), true);
	table_header(t, 2, msg(c->m, "col.time-point"), false);
	while (q && sqlite3_step(q) == SQLITE_ROW)
		table_row(t, col_text(q, 0), col_text(q, 1), col_text(q, 2));
	sqlite3_finalize(q);
}

void section_patients(struct brief_ctx *c)
{
	struct section *s = doc_section(c->doc, "patients", msg(c->m, "section.patients"));
	int health = taxonomy_sector(c->tax, "health");
	if (c->sector >= 0 && c->sector != health) {
		doc_para(s, xstrdup(msg(c->m, "harm.other-sector")));
		return;
	}
	int64_t total = query_count(c, "SELECT count(*) FROM record WHERE kind = 'harm'", NULL);
	int64_t high =
	    query_count(c, "SELECT count(*) FROM record WHERE kind = 'harm' AND score >= 8", NULL);
	doc_figure(c->doc, "harm.total", (double)total);
	doc_figure(c->doc, "harm.high_impact", (double)high);
	char h[64], t[64], hi[64];
	cnt(c, h, sizeof(h), health >= 0 ? c->by_sector[health].cur : 0);
	doc_para(s, msgf(c->m, "harm.health-incidents", "count", h, NULL));
	if (total == 0) {
		doc_para(s, xstrdup(msg(c->m, "harm.none")));
		return;
	}
	cnt(c, t, sizeof(t), total);
	cnt(c, hi, sizeof(hi), high);
	doc_para(s, msgf(c->m, "harm.intro", "count", t, "high", hi, NULL));
	judgement(c, msgf(c->m, "judgement.harm", "count", t, "high", hi, NULL));
	harm_domains(c, s);
	harm_examples(c, s);
	doc_note(s, xstrdup(msg(c->m, "harm.note")));
}

/* ---- vigil's own detections ---- */

#define EVENT_FILTER " AND (?3 IS NULL OR asset_sector = ?3)"

static void detections_signatures(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q =
	    query_prepare(c,
			  "SELECT signature_id, coalesce(signature, ''), count(*) FROM event WHERE"
			  " event_type = 'alert' AND day BETWEEN ?1 AND ?2" EVENT_FILTER
			  " GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 10",
			  &c->cur);
	struct table *t = doc_table(s, msg(c->m, "det.signatures"), 3);
	table_header(t, 0, msg(c->m, "col.signature-id"), true);
	table_header(t, 1, msg(c->m, "col.signature"), false);
	table_header(t, 2, msg(c->m, "col.alerts"), true);
	bool first = true;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		char a[64];
		cnt(c, a, sizeof(a), sqlite3_column_int64(q, 2));
		table_row(t, col_text(q, 0), col_text(q, 1), a);
		if (first)
			judgement(c, msgf(c->m, "judgement.top-signature", "signature",
					  col_text(q, 1), "count", a, NULL));
		first = false;
	}
	sqlite3_finalize(q);
}

static void detections_sectors(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT coalesce(asset_sector, ''), count(*) FROM event WHERE event_type = 'alert'"
	    " AND day BETWEEN ?1 AND ?2" EVENT_FILTER " GROUP BY 1 ORDER BY 2 DESC, 1",
	    &c->cur);
	struct chart *ch = doc_chart(s, CHART_BARS, msg(c->m, "det.sectors-chart"), 1);
	chart_series(ch, 0, msg(c->m, "col.alerts"));
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		const char *id = col_text(q, 0);
		int idx = taxonomy_sector(c->tax, id);
		const char *label =
		    idx >= 0 ? sector_label(c, idx) : msg(c->m, "det.unmapped-asset");
		double v = (double)sqlite3_column_int64(q, 1);
		chart_add(ch, label, &v);
		char key[96];
		snprintf(key, sizeof(key), "detections.sector.%s", *id ? id : "unmapped");
		doc_figure(c->doc, key, v);
	}
	sqlite3_finalize(q);
}

static void detections_trend(struct brief_ctx *c, struct section *s, const struct coverage *cov)
{
	struct chart *ch = doc_chart(s, CHART_STACKED, msg(c->m, "det.trend-chart"), 2);
	chart_series(ch, 0, msg(c->m, "col.alerts"));
	chart_series(ch, 1, msg(c->m, "col.anomalies"));
	char sql[400];
	snprintf(sql, sizeof(sql),
		 "SELECT substr(day, 1, %d), sum(event_type = 'alert'), sum(event_type = 'anomaly')"
		 " FROM event WHERE day BETWEEN ?1 AND ?2" EVENT_FILTER " GROUP BY 1",
		 c->yearly ? 4 : 7);
	double *v = calloc(c->nbuckets * 2 + 1, sizeof(double));
	sqlite3_stmt *q = query_prepare(c, sql, &c->cur);
	while (v && q && sqlite3_step(q) == SQLITE_ROW)
		for (size_t b = 0; b < c->nbuckets; b++)
			if (strcmp(c->bucket[b], col_text(q, 0)) == 0) {
				v[b * 2] = (double)sqlite3_column_int64(q, 1);
				v[b * 2 + 1] = (double)sqlite3_column_int64(q, 2);
			}
	sqlite3_finalize(q);
	for (size_t b = 0; v && b < c->nbuckets; b++) {
		/* a month (year) no imported capture covers is "no data" */
		char first[11], last[11];
		bucket_span(c, b, first, last);
		if (coverage_days(cov, first, last) == 0)
			chart_add_nodata(ch, c->blabel[b], msg(c->m, "nodata"));
		else
			chart_add(ch, c->blabel[b], &v[b * 2]);
	}
	free(v);
}

/* ATT&CK techniques the alerting rules name (metadata mitre_technique_id),
 * with the technique's name when the ATT&CK data in the store has it. */
static void detections_techniques(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "WITH t AS (SELECT j.value AS tech, count(*) AS n FROM event e, "
	    "json_each(e.techniques) j"
	    " WHERE e.event_type = 'alert' AND e.techniques IS NOT NULL AND e.day BETWEEN ?1 AND ?2"
	    " AND (?3 IS NULL OR e.asset_sector = ?3) GROUP BY 1)"
	    " SELECT t.tech, t.n, (SELECT r.title FROM record_attr x JOIN record r ON r.id ="
	    " x.record_id WHERE x.key = 'external_id' AND x.value = t.tech AND r.kind ="
	    " 'technique' ORDER BY r.id LIMIT 1) FROM t ORDER BY 2 DESC, 1",
	    &c->cur);
	struct table *t = NULL;
	size_t rows = 0;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		if (!t) {
			t = doc_table(s, msg(c->m, "det.techniques"), 3);
			table_header(t, 0, msg(c->m, "col.technique"), false);
			table_header(t, 1, msg(c->m, "col.technique-name"), false);
			table_header(t, 2, msg(c->m, "col.alerts"), true);
		}
		const char *id = col_text(q, 0), *name = col_text(q, 2);
		int64_t n = sqlite3_column_int64(q, 1);
		char a[64], key[96];
		cnt(c, a, sizeof(a), n);
		table_row(t, id, *name ? name : msg(c->m, "det.technique-unnamed"), a);
		snprintf(key, sizeof(key), "detections.technique.%s", id);
		doc_figure(c->doc, key, (double)n);
		if (rows++ == 0)
			judgement(c,
				  msgf(c->m,
				       *name ? "judgement.technique" : "judgement.technique-noname",
				       "technique", id, "name", name, "count", a, NULL));
	}
	sqlite3_finalize(q);
	doc_figure(c->doc, "detections.techniques", (double)rows);
}

/* Whether any imported EVE file carried events of this type at all: an
 * event type vigil's output did not log (flow records turned off, say) is
 * "not collected", never a count of zero. */
static bool collected(struct brief_ctx *c, const char *type)
{
	sqlite3_stmt *q =
	    query_prepare(c, "SELECT 1 FROM event WHERE event_type = ?1 LIMIT 1", NULL);
	bool yes = false;
	if (q) {
		sqlite3_bind_text(q, 1, type, -1, SQLITE_STATIC);
		yes = sqlite3_step(q) == SQLITE_ROW;
	}
	sqlite3_finalize(q);
	return yes;
}

/* One sentence for an event type other than alerts: its count in the
 * period, or that it was not collected. */
static void detections_other(struct brief_ctx *c, struct section *s, const char *type,
			     const char *what)
{
	char key[96], sql[256];
	if (!collected(c, type)) {
		snprintf(key, sizeof(key), "detections.%s.collected", what);
		doc_figure(c->doc, key, 0);
		snprintf(key, sizeof(key), "det.%s-not-collected", what);
		doc_para(s, xstrdup(msg(c->m, key)));
		return;
	}
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM event WHERE event_type = '%s'"
		 " AND day BETWEEN ?1 AND ?2" EVENT_FILTER,
		 type);
	int64_t n = query_count(c, sql, &c->cur);
	snprintf(key, sizeof(key), "detections.%s.collected", what);
	doc_figure(c->doc, key, 1);
	snprintf(key, sizeof(key), "detections.%s.current", what);
	doc_figure(c->doc, key, (double)n);
	char a[64];
	cnt(c, a, sizeof(a), n);
	snprintf(key, sizeof(key), "det.%s", what);
	doc_para(s, msgf(c->m, key, "count", a, NULL));
}

#define EVENT_COVERAGE_SQL                                                                         \
	"SELECT f.path, min(e.day), max(e.day) FROM event e JOIN eve_file f ON f.id = e.file_id"   \
	" GROUP BY e.file_id ORDER BY 2, 1"

/* With --include-exercise, detections drawn (partly) from exercise events
 * say so: a note first, "exercise data" on every chart and table, and on
 * the key judgements this section contributed (from judgement `first`). */
static void label_exercise(struct brief_ctx *c, struct section *s, size_t first)
{
	int64_t n = query_count(c,
				"SELECT count(*) FROM event WHERE exercise IS NOT NULL AND day"
				" BETWEEN ?1 AND ?2" EVENT_FILTER,
				&c->cur);
	int64_t all = query_count(
	    c, "SELECT count(*) FROM event WHERE day BETWEEN ?1 AND ?2" EVENT_FILTER, &c->cur);
	doc_figure(c->doc, "detections.exercise.current", (double)n);
	if (n == 0)
		return;
	const char *label = msg(c->m, "exercise.label");
	for (size_t b = 0; b < s->nblocks; b++) {
		struct block *bl = &s->block[b];
		char **title = bl->type == BLOCK_CHART	 ? &bl->chart->title
			       : bl->type == BLOCK_TABLE ? &bl->table->caption
							 : NULL;
		if (title && *title) {
			char *t = xasprintf("%s (%s)", *title, label);
			free(*title);
			*title = t;
		}
	}
	for (size_t i = first; i < c->njudgements; i++) {
		char *t = msgf(c->m, "exercise.judgement", "text", c->judgements[i], "scenarios",
			       c->exercise_names, NULL);
		free(c->judgements[i]);
		c->judgements[i] = t;
	}
	char a[64], b[64];
	cnt(c, a, sizeof(a), n);
	cnt(c, b, sizeof(b), all);
	/* the note goes first in the section */
	doc_note(s, msgf(c->m, "det.exercise-note", "count", a, "total", b, "scenarios",
			 c->exercise_names, NULL));
	struct block note = s->block[s->nblocks - 1];
	memmove(&s->block[1], &s->block[0], (s->nblocks - 1) * sizeof(*s->block));
	s->block[0] = note;
}

void section_detections(struct brief_ctx *c)
{
	struct section *s = doc_section(c->doc, "detections", msg(c->m, "section.detections"));
	size_t njudgements = c->njudgements;
	const char *sql = "SELECT count(*) FROM event WHERE event_type = 'alert'"
			  " AND day BETWEEN ?1 AND ?2" EVENT_FILTER;
	const char *any_sql = "SELECT count(*) FROM event WHERE day BETWEEN ?1 AND ?2" EVENT_FILTER;
	int64_t cur = query_count(c, sql, &c->cur), prev = query_count(c, sql, &c->prev);
	doc_figure(c->doc, "detections.alerts.current", (double)cur);
	doc_figure(c->doc, "detections.alerts.previous", (double)prev);
	if (query_count(c, any_sql, &c->cur) == 0) {
		doc_para(s, xstrdup(msg(c->m, "det.none")));
		return;
	}
	/* Captures cover the days they span: alerts are compared with the
	 * previous period only as far as captures cover both. */
	struct coverage cov;
	coverage_load(c, &cov, EVENT_COVERAGE_SQL);
	char a[64], p[64], ch[256];
	cnt(c, a, sizeof(a), cur);
	cnt(c, p, sizeof(p), prev);
	fmt_change_cov(c, &cov, ch, sizeof(ch), cur, prev);
	if (cov.cmp == CMP_NONE) {
		doc_para(s, msgf(c->m, "det.intro-noprev", "alerts", a, NULL));
		judgement(c, msgf(c->m, "judgement.detections-noprev", "alerts", a, NULL));
	} else {
		doc_para(s,
			 msgf(c->m, "det.intro", "alerts", a, "previous", p, "change", ch, NULL));
		judgement(c, msgf(c->m, "judgement.detections", "alerts", a, "change", ch, NULL));
	}
	detections_other(c, s, "anomaly", "anomalies");
	detections_other(c, s, "flow", "flows");
	if (cur > 0) {
		detections_signatures(c, s);
		detections_techniques(c, s);
		detections_sectors(c, s);
	}
	detections_trend(c, s, &cov);
	coverage_free(&cov);
	doc_note(s, xstrdup(msg(c->m, "det.note")));
	label_exercise(c, s, njudgements);
}

/* ---- Security Council themes ---- */

/* "wmd-financing:<state>" evidence: incidents in the period that the
 * sources attribute to <state> (initiator_country), a state whose weapons
 * of mass destruction programmes are under UN Security Council sanctions,
 * and that target the finance sector or steal cryptocurrency: the way such
 * thefts finance those programmes (vocabulary.yaml documents the rule). */
static char *theme_wmd_financing(struct brief_ctx *c, const char *state)
{
	int fin = taxonomy_sector(c->tax, "finance");
	int crypto = taxonomy_threat(c->tax, "cryptocurrency-theft");
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM temp.sel s JOIN record_attr a ON a.record_id = s.id AND"
		 " a.key = 'initiator_country' AND a.value = ?1 WHERE s.period = 1 AND"
		 " ((s.sectors >> %d) & 1 OR (s.threats >> %d) & 1)",
		 fin < 0 ? 31 : fin, crypto < 0 ? 31 : crypto);
	sqlite3_stmt *q = query_prepare(c, sql, NULL);
	int64_t n = 0;
	if (q) {
		sqlite3_bind_text(q, 1, state, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
	}
	sqlite3_finalize(q);
	if (n == 0)
		return NULL;
	char a[64];
	cnt(c, a, sizeof(a), n);
	return msgf(c->m, "theme.finding.wmd-financing", "count", a, "state", state, NULL);
}

/* "raw:<source>:<attribute>:<value>" evidence: incidents in the period
 * whose source attribute has that value. */
static char *theme_raw(struct brief_ctx *c, const char *spec)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", spec + 4);
	char *attr = strchr(buf, ':'), *value = attr ? strchr(attr + 1, ':') : NULL;
	if (!value)
		return NULL;
	*attr++ = '\0';
	*value++ = '\0';
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT count(*) FROM temp.sel s JOIN record r ON r.id = s.id JOIN source src ON"
	    " src.id = r.source_id JOIN record_attr a ON a.record_id = s.id AND a.key = ?2"
	    " AND a.value = ?3 WHERE s.period = 1 AND src.kind = ?1",
	    NULL);
	int64_t n = 0;
	if (q) {
		sqlite3_bind_text(q, 1, buf, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 2, attr, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 3, value, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
	}
	sqlite3_finalize(q);
	if (n == 0)
		return NULL;
	char a[64];
	cnt(c, a, sizeof(a), n);
	return msgf(c->m, "theme.finding.raw", "count", a, "category", value, "source", buf, NULL);
}

static char *theme_evidence(struct brief_ctx *c, const char *spec)
{
	char a[64];
	if (strncmp(spec, "raw:", 4) == 0)
		return theme_raw(c, spec);
	if (strncmp(spec, "wmd-financing:", 14) == 0)
		return theme_wmd_financing(c, spec + 14);
	if (strcmp(spec, "kev-ransomware") == 0) {
		int64_t n = kev_count(c, KEV_KNOWN, &c->cur);
		cnt(c, a, sizeof(a), n);
		return n ? msgf(c->m, "theme.finding.kev-ransomware", "count", a, NULL) : NULL;
	}
	if (strcmp(spec, "patient-harm") == 0) {
		int64_t n = query_count(c, "SELECT count(*) FROM record WHERE kind = 'harm'", NULL);
		cnt(c, a, sizeof(a), n);
		return n ? msgf(c->m, "theme.finding.patient-harm", "count", a, NULL) : NULL;
	}
	return NULL;
}

static void theme_findings(struct brief_ctx *c, const struct tax_theme *th, char ***items,
			   size_t *n)
{
	char a[64];
	for (size_t i = 0; i < c->tax->nsectors; i++) {
		if (!(th->sectors & (1u << i)) || c->by_sector[i].cur == 0)
			continue;
		cnt(c, a, sizeof(a), c->by_sector[i].cur);
		*items = xrealloc(*items, (*n + 1) * sizeof(char *));
		(*items)[(*n)++] = msgf(c->m, "theme.finding.sector", "count", a, "sector",
					sector_label(c, (int)i), NULL);
	}
	for (size_t i = 0; i < c->tax->nthreats; i++) {
		if (!(th->threats & (1u << i)) || c->by_threat[i].cur == 0)
			continue;
		cnt(c, a, sizeof(a), c->by_threat[i].cur);
		*items = xrealloc(*items, (*n + 1) * sizeof(char *));
		(*items)[(*n)++] = msgf(c->m, "theme.finding.threat", "count", a, "threat",
					threat_label(c, (int)i), NULL);
	}
	for (size_t e = 0; e < th->nevidence; e++) {
		char *f = theme_evidence(c, th->evidence[e]);
		if (!f)
			continue;
		*items = xrealloc(*items, (*n + 1) * sizeof(char *));
		(*items)[(*n)++] = f;
	}
}

void section_themes(struct brief_ctx *c)
{
	struct section *s = doc_section(c->doc, "themes", msg(c->m, "section.themes"));
	doc_para(s, xstrdup(msg(c->m, "theme.intro")));
	for (size_t i = 0; i < c->tax->nthemes; i++) {
		const struct tax_theme *th = &c->tax->themes[i];
		char key[128];
		snprintf(key, sizeof(key), "theme.%s", th->id);
		char **items = NULL;
		size_t n = 0;
		theme_findings(c, th, &items, &n);
		doc_heading(s, msg(c->m, key));
		snprintf(key, sizeof(key), "themes.%s.findings", th->id);
		doc_figure(c->doc, key, (double)n); /* before the "no finding" line */
		if (n == 0) {
			items = xrealloc(items, sizeof(char *));
			items[n++] = xstrdup(msg(c->m, "theme.no-finding"));
		}
		doc_list(s, items, n);
	}
}

/* ---- sources and method ---- */

static void method_sources(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT coalesce(src.title, src.kind), src.publisher, src.stakeholder,"
	    " (SELECT CASE WHEN count(r.date) > 0 THEN sum(r.date BETWEEN ?1 AND ?2)"
	    "  ELSE count(*) END FROM record r WHERE r.source_id = src.id"
	    "  AND r.kind <> 'relationship'),"
	    " src.records, src.first_date, src.licence, src.tlp, src.imported_at, src.malformed,"
	    " src.last_date"
	    " FROM source src ORDER BY src.kind, src.path",
	    &c->cur);
	struct table *t = doc_table(s, msg(c->m, "method.sources"), 10);
	const char *cols[] = {"col.source",   "col.publisher", "col.stakeholder", "col.used",
			      "col.records",  "col.coverage",  "col.licence",	  "col.tlp",
			      "col.imported", "col.malformed"};
	for (size_t i = 0; i < 10; i++)
		table_header(t, i, msg(c->m, cols[i]), i == 3 || i == 4 || i == 9);
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		char used[64], recs[64], bad[64], sk[64];
		cnt(c, used, sizeof(used), sqlite3_column_int64(q, 3));
		cnt(c, recs, sizeof(recs), sqlite3_column_int64(q, 4));
		cnt(c, bad, sizeof(bad), sqlite3_column_int64(q, 9));
		snprintf(sk, sizeof(sk), "stakeholder.%s", col_text(q, 2));
		char first[96], last[96], imported[96], *cov;
		locale_date(msg_locale(c->m), first, sizeof(first), col_text(q, 5));
		locale_date(msg_locale(c->m), last, sizeof(last), col_text(q, 10));
		locale_date(msg_locale(c->m), imported, sizeof(imported), col_text(q, 8));
		cov = *col_text(q, 5) && *col_text(q, 10)
			  ? xasprintf("%s – %s", first, last)
			  : xstrdup(msg(c->m, "method.undated"));
		table_row(t, col_text(q, 0), col_text(q, 1), msg(c->m, sk), used, recs, cov,
			  col_text(q, 6), col_text(q, 7), imported, bad);
		free(cov);
	}
	sqlite3_finalize(q);
	q = query_prepare(c,
			  "SELECT coalesce(title, kind), skipped FROM source WHERE skipped > 0"
			  " ORDER BY kind, path",
			  NULL);
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		char n[64];
		cnt(c, n, sizeof(n), sqlite3_column_int64(q, 1));
		doc_para(s,
			 msgf(c->m, "method.skipped", "count", n, "source", col_text(q, 0), NULL));
	}
	sqlite3_finalize(q);
	int64_t events = query_count(c, "SELECT count(*) FROM event", NULL);
	if (events > 0) {
		char a[64];
		cnt(c, a, sizeof(a), events);
		doc_para(s, msgf(c->m, "method.events", "count", a, NULL));
	}
	if (c->exercise_events > 0) {
		char a[64];
		cnt(c, a, sizeof(a), c->exercise_events);
		doc_para(s, msgf(c->m,
				 c->opt->include_exercise ? "method.exercise-included"
							  : "method.exercise-excluded",
				 "count", a, "scenarios", c->exercise_names, NULL));
	}
}

static int unmapped_cmp(const void *a, const void *b)
{
	const struct unmapped *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	int r = strcmp(x->source, y->source);
	return r ? r : strcmp(x->raw, y->raw);
}

static void method_unmapped(struct brief_ctx *c, struct section *s)
{
	if (c->nunmapped == 0) {
		doc_para(s, xstrdup(msg(c->m, "method.all-mapped")));
		return;
	}
	qsort(c->unmapped, c->nunmapped, sizeof(*c->unmapped), unmapped_cmp);
	doc_para(s, xstrdup(msg(c->m, "method.unmapped-intro")));
	struct table *t = doc_table(s, msg(c->m, "method.unmapped"), 4);
	table_header(t, 0, msg(c->m, "col.source"), false);
	table_header(t, 1, msg(c->m, "col.dimension"), false);
	table_header(t, 2, msg(c->m, "col.category"), false);
	table_header(t, 3, msg(c->m, "col.incidents"), true);
	for (size_t i = 0; i < c->nunmapped; i++) {
		const struct unmapped *u = &c->unmapped[i];
		char a[64];
		cnt(c, a, sizeof(a), u->count);
		table_row(t, u->source,
			  msg(c->m, u->dim == TAX_SECTOR ? "col.sector" : "col.threat"), u->raw, a);
	}
}

static void method_issues(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q =
	    query_prepare(c,
			  "SELECT coalesce(src.title, src.kind), i.file, i.line, i.reason"
			  " FROM source_issue i JOIN source src ON src.id = i.source_id"
			  " ORDER BY src.kind, i.file, i.line LIMIT 20",
			  NULL);
	struct table *t = NULL;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		if (!t) {
			t = doc_table(s, msg(c->m, "method.issues"), 3);
			table_header(t, 0, msg(c->m, "col.source"), false);
			table_header(t, 1, msg(c->m, "col.location"), false);
			table_header(t, 2, msg(c->m, "col.reason"), false);
		}
		const char *file = col_text(q, 1), *base = strrchr(file, '/');
		char loc[512];
		snprintf(loc, sizeof(loc), "%s:%lld", base ? base + 1 : file,
			 (long long)sqlite3_column_int64(q, 2));
		table_row(t, col_text(q, 0), loc, col_text(q, 3));
	}
	sqlite3_finalize(q);
}

void section_method(struct brief_ctx *c)
{
	struct section *s = doc_section(c->doc, "method", msg(c->m, "section.method"));
	char a[64];
	cnt(c, a, sizeof(a), c->undated);
	doc_para(s, msgf(c->m, "method.intro", "from", c->cur.lfrom, "to", c->cur.lto, "prev_from",
			 c->prev.lfrom, "prev_to", c->prev.lto, NULL));
	method_sources(c, s);
	method_lag(c, s);
	method_unmapped(c, s);
	if (c->undated > 0)
		doc_para(s, msgf(c->m, "method.undated-incidents", "count", a, NULL));
	method_issues(c, s);
	static const char *const caveats[] = {"caveat.reporting-bias", "caveat.attribution",
					      "caveat.multi-count",    "caveat.kev",
					      "caveat.cipher",	       "caveat.detections"};
	for (size_t i = 0; i < sizeof(caveats) / sizeof(caveats[0]); i++)
		doc_note(s, xstrdup(msg(c->m, caveats[i])));
}
