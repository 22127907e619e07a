/*
 * brief-build — turns the store into a briefing document.
 *
 * It fixes the period (and the previous period of equal length, which
 * every "rise" and "fall" is measured against), reads every incident once,
 * maps its source categories to vigil's vocabulary with the taxonomy, and
 * keeps the aggregates the sections share; the ids of the incidents in
 * either period go into a TEMP table `sel(id, period)` so sections can
 * aggregate other attributes in SQL.  Then the sections are built in
 * reading order, key judgements first although they are written last,
 * from the judgements the other sections contribute.
 *
 * Determinism: every query orders fully (count, then name), dates come
 * from the data or SOURCE_DATE_EPOCH, and no figure depends on hash order.
 */
#include "brief/brief-internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

static int64_t date_days(const char *d)
{
	struct tm tm = {0};
	tm.tm_year = atoi(d) - 1900;
	tm.tm_mon = atoi(d + 5) - 1;
	tm.tm_mday = atoi(d + 8);
	return (int64_t)timegm(&tm) / 86400;
}

static void days_date(int64_t days, char *out)
{
	store_format_date(days * 86400, out, 11);
}

void fmt_share(const struct brief_ctx *c, char *out, size_t n, int64_t part, int64_t whole)
{
	locale_percent(msg_locale(c->m), out, n, 100.0 * (double)part / (double)whole, false);
}

void judgement(struct brief_ctx *c, char *text)
{
	c->judgements = xrealloc(c->judgements, (c->njudgements + 1) * sizeof(char *));
	c->judgements[c->njudgements++] = text;
}

void fmt_change(const struct brief_ctx *c, char *out, size_t n, int64_t cur, int64_t prev)
{
	if (cur == prev)
		snprintf(out, n, "%s", msg(c->m, "change.none"));
	else if (prev == 0)
		snprintf(out, n, "%s", msg(c->m, "change.new"));
	else
		locale_percent(msg_locale(c->m), out, n, 100.0 * (double)(cur - prev) / (double)prev,
			       true);
}

double cov_delta(const struct coverage *cov, int64_t cur, int64_t prev)
{
	switch (cov->cmp) {
	case CMP_EQUAL: return (double)(cur - prev);
	case CMP_RATE:
		return 365.25 * ((double)cur / (double)cov->days_cur -
				 (double)prev / (double)cov->days_prev);
	case CMP_NONE: break;
	}
	return 0;
}

void fmt_change_cov(const struct brief_ctx *c, const struct coverage *cov, char *out, size_t n,
		    int64_t cur, int64_t prev)
{
	if (cov->cmp == CMP_NONE) {
		snprintf(out, n, "%s", msg(c->m, "change.not-comparable"));
		return;
	}
	if (cov->cmp == CMP_EQUAL) {
		fmt_change(c, out, n, cur, prev);
		return;
	}
	double r1 = (double)cur / (double)cov->days_cur, r0 = (double)prev / (double)cov->days_prev;
	char pct[64];
	if (prev == 0 && cur == 0) {
		snprintf(out, n, "%s", msg(c->m, "change.none"));
		return;
	}
	if (prev == 0) {
		snprintf(out, n, "%s", msg(c->m, "change.new"));
		return;
	}
	if (llround(100.0 * (r1 - r0) / r0) == 0)
		snprintf(pct, sizeof(pct), "%s", msg(c->m, "change.none"));
	else
		locale_percent(msg_locale(c->m), pct, sizeof(pct), 100.0 * (r1 - r0) / r0, true);
	char *t = msgf(c->m, "change.per-year", "change", pct, NULL);
	snprintf(out, n, "%s", t);
	free(t);
}

int64_t coverage_days(const struct coverage *cov, const char *from, const char *to)
{
	int64_t a = date_days(from), b = date_days(to), n = 0;
	for (size_t i = 0; i < cov->niv; i++) {
		int64_t lo = cov->iv[i].a > a ? cov->iv[i].a : a;
		int64_t hi = cov->iv[i].b < b ? cov->iv[i].b : b;
		if (hi >= lo)
			n += hi - lo + 1;
	}
	return n;
}

/* First and last covered day of [from, to]; false when none is. */
static bool covered_extent(const struct coverage *cov, const struct period *p, char *first,
			   char *last)
{
	int64_t a = date_days(p->from), b = date_days(p->to), lo = -1, hi = -1;
	for (size_t i = 0; i < cov->niv; i++) {
		int64_t x = cov->iv[i].a > a ? cov->iv[i].a : a;
		int64_t y = cov->iv[i].b < b ? cov->iv[i].b : b;
		if (y < x)
			continue;
		if (lo < 0)
			lo = x;
		hi = y;
	}
	if (lo < 0)
		return false;
	days_date(lo, first);
	days_date(hi, last);
	return true;
}

static int iv_cmp(const void *x, const void *y)
{
	const int64_t *a = x, *b = y;
	return a[0] < b[0] ? -1 : a[0] > b[0];
}

void coverage_load(struct brief_ctx *c, struct coverage *cov, const char *sql)
{
	memset(cov, 0, sizeof(*cov));
	sqlite3_stmt *q = query_prepare(c, sql, NULL);
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		const char *f = (const char *)sqlite3_column_text(q, 1);
		const char *l = (const char *)sqlite3_column_text(q, 2);
		if (!name || !f || !l || !store_valid_date(f) || !store_valid_date(l))
			continue;
		if (!cov->any || strcmp(f, cov->first) < 0)
			snprintf(cov->first, sizeof(cov->first), "%s", f);
		if (!cov->any || strcmp(l, cov->last) > 0)
			snprintf(cov->last, sizeof(cov->last), "%s", l);
		cov->any = true;
		char lf[96], ll[96];
		locale_date(msg_locale(c->m), lf, sizeof(lf), f);
		locale_date(msg_locale(c->m), ll, sizeof(ll), l);
		char *item =
		    msgf(c->m, "coverage.source", "source", name, "first", lf, "last", ll, NULL);
		char *joined = cov->sources ? xasprintf("%s; %s", cov->sources, item) : item;
		if (cov->sources) {
			free(cov->sources);
			free(item);
		}
		cov->sources = joined;
		if (cov->niv < sizeof(cov->iv) / sizeof(cov->iv[0])) {
			cov->iv[cov->niv].a = date_days(f);
			cov->iv[cov->niv++].b = date_days(l);
		}
	}
	sqlite3_finalize(q);
	/* merge overlapping or touching windows */
	qsort(cov->iv, cov->niv, sizeof(cov->iv[0]), iv_cmp);
	size_t k = 0;
	for (size_t i = 0; i < cov->niv; i++) {
		if (k > 0 && cov->iv[i].a <= cov->iv[k - 1].b + 1) {
			if (cov->iv[i].b > cov->iv[k - 1].b)
				cov->iv[k - 1].b = cov->iv[i].b;
		} else {
			cov->iv[k++] = cov->iv[i];
		}
	}
	cov->niv = k;
	coverage_measure(c, cov);
}

void coverage_drop_day(struct brief_ctx *c, struct coverage *cov, const char *day)
{
	int64_t d = date_days(day);
	for (size_t i = 0; i < cov->niv; i++)
		if (cov->iv[i].a == d && cov->iv[i].b > d) {
			cov->iv[i].a++;
			coverage_measure(c, cov);
			return;
		}
}

void coverage_measure(struct brief_ctx *c, struct coverage *cov)
{
	cov->len_cur = date_days(c->cur.to) - date_days(c->cur.from) + 1;
	cov->len_prev = date_days(c->prev.to) - date_days(c->prev.from) + 1;
	cov->days_cur = coverage_days(cov, c->cur.from, c->cur.to);
	cov->days_prev = coverage_days(cov, c->prev.from, c->prev.to);
	covered_extent(cov, &c->cur, cov->cur_from, cov->cur_to);
	covered_extent(cov, &c->prev, cov->prev_from, cov->prev_to);
	if (cov->days_cur == 0 || cov->days_prev == 0)
		cov->cmp = CMP_NONE;
	else if (cov->days_cur == cov->days_prev)
		cov->cmp = CMP_EQUAL;
	else
		cov->cmp = CMP_RATE;
}

void coverage_free(struct coverage *cov)
{
	free(cov->sources);
	cov->sources = NULL;
}

char *coverage_clause(const struct brief_ctx *c, const struct coverage *cov)
{
	if (cov->days_cur >= cov->len_cur || cov->days_cur == 0)
		return xstrdup("");
	char d[32], t[32];
	locale_count(msg_locale(c->m), d, sizeof(d), cov->days_cur);
	locale_count(msg_locale(c->m), t, sizeof(t), cov->len_cur);
	char lf[96], ll[96];
	locale_date(msg_locale(c->m), lf, sizeof(lf), cov->cur_from);
	locale_date(msg_locale(c->m), ll, sizeof(ll), cov->cur_to);
	return msgf(c->m, "coverage.partial", "first", lf, "last", ll, "days", d, "total", t,
		    NULL);
}

const char *sector_label(const struct brief_ctx *c, int i)
{
	char key[96];
	snprintf(key, sizeof(key), "sector.%s", c->tax->sector[i]);
	return msg(c->m, key);
}

const char *threat_label(const struct brief_ctx *c, int i)
{
	char key[96];
	snprintf(key, sizeof(key), "threat.%s", c->tax->threat[i]);
	return msg(c->m, key);
}

sqlite3_stmt *query_prepare(struct brief_ctx *c, const char *sql, const struct period *p)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "vigil: brief: %s\n", sqlite3_errmsg(c->db));
		return NULL;
	}
	int n = sqlite3_bind_parameter_count(s);
	if (p && n >= 2) {
		sqlite3_bind_text(s, 1, p->from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, p->to, -1, SQLITE_TRANSIENT);
	}
	if (n >= 3 && c->sector >= 0)
		sqlite3_bind_text(s, 3, c->tax->sector[c->sector], -1, SQLITE_STATIC);
	return s;
}

int64_t query_count(struct brief_ctx *c, const char *sql, const struct period *p)
{
	sqlite3_stmt *s = query_prepare(c, sql, p);
	int64_t v = 0;
	if (s && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The default end of the period: the end of real coverage.  That is the
 * latest coverage end (source.last_date) of the incident sources, the
 * briefing's main evidence; without incident sources, the latest of any
 * source; without sources, the latest day of vigil's own detections (never
 * of exercise traffic, whose dates are whatever the scenario chose).  A
 * newer record of one source (e.g. a KEV addition) or a newer capture
 * never pushes the period past what the incident sources cover. */
static const char *const default_end_sql[] = {
    "SELECT max(last_date) FROM source s WHERE EXISTS (SELECT 1 FROM record r"
    " WHERE r.source_id = s.id AND r.kind = 'incident')",
    "SELECT max(last_date) FROM source",
    "SELECT max(day) FROM main.event WHERE exercise IS NULL",
};

static bool latest_date(sqlite3 *db, char *out)
{
	for (size_t i = 0; i < sizeof(default_end_sql) / sizeof(default_end_sql[0]); i++) {
		sqlite3_stmt *s;
		bool ok = false;
		if (sqlite3_prepare_v2(db, default_end_sql[i], -1, &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0)) {
			snprintf(out, 11, "%s", (const char *)sqlite3_column_text(s, 0));
			ok = store_valid_date(out);
		}
		sqlite3_finalize(s);
		if (ok)
			return true;
	}
	return false;
}

#define INCIDENT_COVERAGE_SQL                                                                      \
	"SELECT coalesce(title, kind), first_date, last_date FROM source s"                        \
	" WHERE first_date IS NOT NULL AND EXISTS (SELECT 1 FROM record r"                         \
	" WHERE r.source_id = s.id AND r.kind = 'incident') ORDER BY first_date, kind, path"

static bool resolve_periods(struct brief_ctx *c, char *err, size_t errlen)
{
	const struct brief_options *o = c->opt;
	if (o->to)
		snprintf(c->cur.to, sizeof(c->cur.to), "%s", o->to);
	else if (!latest_date(c->db, c->cur.to))
		store_format_date(store_now(), c->cur.to, sizeof(c->cur.to));
	int64_t to = date_days(c->cur.to), from;
	if (o->from)
		from = date_days(o->from);
	else
		from = to - (o->period_days > 0 ? o->period_days : 365) + 1;
	if (from > to) {
		snprintf(err, errlen, "--from is after --to");
		return false;
	}
	days_date(from, c->cur.from);
	days_date(from - 1, c->prev.to);
	days_date(from - 1 - (to - from), c->prev.from);
	c->yearly = to - from > 3 * 366;
	const struct brief_locale *l = msg_locale(c->m);
	locale_date(l, c->cur.lfrom, sizeof(c->cur.lfrom), c->cur.from);
	locale_date(l, c->cur.lto, sizeof(c->cur.lto), c->cur.to);
	locale_date(l, c->prev.lfrom, sizeof(c->prev.lfrom), c->prev.from);
	locale_date(l, c->prev.lto, sizeof(c->prev.lto), c->prev.to);
	return true;
}

static void add_bucket(struct brief_ctx *c, const char *label)
{
	char shown[96];
	locale_period_label(msg_locale(c->m), shown, sizeof(shown), label);
	c->bucket = xrealloc(c->bucket, (c->nbuckets + 1) * sizeof(char *));
	c->blabel = xrealloc(c->blabel, (c->nbuckets + 1) * sizeof(char *));
	c->blabel[c->nbuckets] = xstrdup(shown);
	c->bucket[c->nbuckets++] = xstrdup(label);
}

static void make_buckets(struct brief_ctx *c)
{
	int y = atoi(c->cur.from), m = atoi(c->cur.from + 5);
	int ye = atoi(c->cur.to), me = atoi(c->cur.to + 5);
	char label[16];
	while (y < ye || (y == ye && (c->yearly || m <= me))) {
		if (c->yearly) {
			snprintf(label, sizeof(label), "%04d", y++);
		} else {
			snprintf(label, sizeof(label), "%04d-%02d", y, m);
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
		add_bucket(c, label);
	}
	c->trend = calloc(c->nbuckets * c->tax->nthreats + 1, sizeof(*c->trend));
	if (!c->trend)
		abort();
}

static int bucket_of(const struct brief_ctx *c, const char *date)
{
	size_t n = c->yearly ? 4 : 7;
	for (size_t i = 0; i < c->nbuckets; i++)
		if (strncmp(c->bucket[i], date, n) == 0)
			return (int)i;
	return -1;
}

static void count_unmapped(struct brief_ctx *c, const char *source, enum tax_dim dim,
			   const char *attr, const char *raw)
{
	for (size_t i = 0; i < c->nunmapped; i++) {
		struct unmapped *u = &c->unmapped[i];
		if (u->dim == dim && !strcmp(u->source, source) && !strcmp(u->attribute, attr) &&
		    !strcmp(u->raw, raw)) {
			u->count++;
			return;
		}
	}
	c->unmapped = xrealloc(c->unmapped, (c->nunmapped + 1) * sizeof(*c->unmapped));
	c->unmapped[c->nunmapped++] =
	    (struct unmapped){xstrdup(source), xstrdup(attr), xstrdup(raw), dim, 1};
}

/* One incident being read: its mapped sectors and threat types, and the
 * raw values that did not map (counted only if the incident is kept). */
struct incident {
	int64_t id;
	char date[11];
	char source[32];
	uint32_t sectors, threats;
	bool unknown[2];  /* per dimension: a value meaning "not known" or none */
	bool in_country; /* a target in --country */
	struct {
		enum tax_dim dim;
		char attr[32];
		char raw[160];
	} unmapped[64]; /* far above what a source gives one incident */
	size_t nunmapped;
};

static void incident_attr(struct brief_ctx *c, struct incident *in, const char *key,
			  const char *value)
{
	if (c->opt->country && strcmp(key, "receiver_country") == 0 &&
	    strcasecmp(value, c->opt->country) == 0)
		in->in_country = true;
	for (int d = TAX_SECTOR; d <= TAX_THREAT; d++) {
		if (!taxonomy_maps_attribute(c->tax, in->source, (enum tax_dim)d, key))
			continue;
		/* "nan" and empty values are what a CSV export writes for
		 * nothing recorded: not known, never a category */
		int idx = !*value || strcasecmp(value, "nan") == 0
			      ? TAX_UNKNOWN
			      : taxonomy_lookup(c->tax, in->source, (enum tax_dim)d, key, value);
		uint32_t *mask = d == TAX_SECTOR ? &in->sectors : &in->threats;
		if (idx == TAX_UNKNOWN) {
			in->unknown[d] = true;
		} else if (idx >= 0) {
			*mask |= 1u << idx;
		} else if (in->nunmapped < sizeof(in->unmapped) / sizeof(in->unmapped[0])) {
			in->unmapped[in->nunmapped].dim = (enum tax_dim)d;
			snprintf(in->unmapped[in->nunmapped].attr, 32, "%s", key);
			snprintf(in->unmapped[in->nunmapped++].raw, 160, "%s", value);
		}
	}
}

static void incident_finish(struct brief_ctx *c, struct incident *in, sqlite3_stmt *ins)
{
	if (in->id < 0)
		return;
	for (size_t i = 0; i < in->nunmapped; i++) {
		if (in->unmapped[i].dim == TAX_SECTOR)
			in->sectors |= 1u << c->tax->sector_other;
		else
			in->threats |= 1u << c->tax->threat_other;
	}
	/* no category at all: not known when the source says so (or records
	 * nothing), "other" only when there is no attribute to map */
	bool sector_unknown = !in->sectors && in->unknown[TAX_SECTOR];
	bool threat_unknown = !in->threats && in->unknown[TAX_THREAT];
	if (!in->sectors && !sector_unknown)
		in->sectors = 1u << c->tax->sector_other;
	if (!in->threats && !threat_unknown)
		in->threats = 1u << c->tax->threat_other;
	if (c->sector >= 0 && !(in->sectors & (1u << c->sector)))
		return;
	if (c->opt->country && !in->in_country)
		return;
	if (!in->date[0]) {
		c->undated++;
		return;
	}
	bool cur = strcmp(in->date, c->cur.from) >= 0 && strcmp(in->date, c->cur.to) <= 0;
	bool prev = strcmp(in->date, c->prev.from) >= 0 && strcmp(in->date, c->prev.to) <= 0;
	if (!cur && !prev)
		return;
	struct pair *total = &c->incidents;
	cur ? total->cur++ : total->prev++;
	if (sector_unknown)
		cur ? c->sector_unknown.cur++ : c->sector_unknown.prev++;
	if (threat_unknown)
		cur ? c->threat_unknown.cur++ : c->threat_unknown.prev++;
	for (size_t i = 0; i < c->tax->nsectors; i++)
		if (in->sectors & (1u << i))
			cur ? c->by_sector[i].cur++ : c->by_sector[i].prev++;
	int b = cur ? bucket_of(c, in->date) : -1;
	for (size_t i = 0; i < c->tax->nthreats; i++) {
		if (!(in->threats & (1u << i)))
			continue;
		cur ? c->by_threat[i].cur++ : c->by_threat[i].prev++;
		if (b >= 0)
			c->trend[(size_t)b * c->tax->nthreats + i]++;
	}
	for (size_t i = 0; cur && i < in->nunmapped; i++)
		count_unmapped(c, in->source, in->unmapped[i].dim, in->unmapped[i].attr,
			       in->unmapped[i].raw);
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, in->id);
	sqlite3_bind_int(ins, 2, cur ? 1 : 0);
	sqlite3_bind_int64(ins, 3, in->sectors);
	sqlite3_bind_int64(ins, 4, in->threats);
	sqlite3_step(ins);
}

static bool load_incidents(struct brief_ctx *c)
{
	sqlite3_stmt *q, *ins;
	if (sqlite3_exec(c->db,
			 "DROP TABLE IF EXISTS temp.sel;"
			 "CREATE TEMP TABLE sel(id INTEGER PRIMARY KEY, period INTEGER NOT NULL,"
			 " sectors INTEGER, threats INTEGER)",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db,
			       "INSERT INTO temp.sel(id, period, sectors, threats) VALUES(?,?,?,?)",
			       -1, &ins, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT r.id, r.date, s.kind, a.key, a.value FROM record r"
			       " JOIN source s ON s.id = r.source_id"
			       " LEFT JOIN record_attr a ON a.record_id = r.id"
			       " WHERE r.kind = 'incident' ORDER BY r.id",
			       -1, &q, NULL) != SQLITE_OK) {
		sqlite3_finalize(ins);
		return false;
	}
	struct incident *in = calloc(1, sizeof(*in));
	if (!in)
		abort();
	in->id = -1;
	sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL);
	while (sqlite3_step(q) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		if (id != in->id) {
			incident_finish(c, in, ins);
			memset(in, 0, sizeof(*in));
			in->id = id;
			const unsigned char *d = sqlite3_column_text(q, 1);
			snprintf(in->date, sizeof(in->date), "%s", d ? (const char *)d : "");
			snprintf(in->source, sizeof(in->source), "%s", sqlite3_column_text(q, 2));
		}
		const char *key = (const char *)sqlite3_column_text(q, 3);
		const char *value = (const char *)sqlite3_column_text(q, 4);
		if (key && value)
			incident_attr(c, in, key, value);
	}
	incident_finish(c, in, ins);
	sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	free(in);
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return true;
}

static void incident_figures(struct brief_ctx *c)
{
	char key[128];
	doc_figure(c->doc, "incidents.total.current", (double)c->incidents.cur);
	doc_figure(c->doc, "incidents.total.previous", (double)c->incidents.prev);
	doc_figure(c->doc, "incidents.undated", (double)c->undated);
	doc_figure(c->doc, "incidents.sector.unknown.current", (double)c->sector_unknown.cur);
	doc_figure(c->doc, "incidents.threat.unknown.current", (double)c->threat_unknown.cur);
	for (size_t i = 0; i < c->tax->nsectors; i++) {
		snprintf(key, sizeof(key), "incidents.sector.%s.current", c->tax->sector[i]);
		doc_figure(c->doc, key, (double)c->by_sector[i].cur);
		snprintf(key, sizeof(key), "incidents.sector.%s.previous", c->tax->sector[i]);
		doc_figure(c->doc, key, (double)c->by_sector[i].prev);
	}
	for (size_t i = 0; i < c->tax->nthreats; i++) {
		snprintf(key, sizeof(key), "incidents.threat.%s.current", c->tax->threat[i]);
		doc_figure(c->doc, key, (double)c->by_threat[i].cur);
		snprintf(key, sizeof(key), "incidents.threat.%s.previous", c->tax->threat[i]);
		doc_figure(c->doc, key, (double)c->by_threat[i].prev);
	}
}

static void doc_head(struct brief_ctx *c)
{
	struct doc *d = c->doc;
	char today[16];
	store_format_date(store_now(), today, sizeof(today));
	d->lang = xstrdup(c->opt->lang ? c->opt->lang : "en");
	d->title = xstrdup(msg(c->m, "brief.title"));
	d->generated = xstrdup(today);
	d->rtl = locale_rtl(msg_locale(c->m));
	char ltoday[96];
	locale_date(msg_locale(c->m), ltoday, sizeof(ltoday), today);
	const char *sector_scope =
	    c->sector >= 0 ? sector_label(c, c->sector) : msg(c->m, "brief.all-sectors");
	char *scope = c->opt->country ? msgf(c->m, "brief.country-scope", "scope", sector_scope,
					     "country", value_label(c, "country", c->country_name), NULL)
				      : xstrdup(sector_scope);
	d->subtitle =
	    msgf(c->m, "brief.subtitle", "from", c->cur.lfrom, "to", c->cur.lto, "prev_from",
		 c->prev.lfrom, "prev_to", c->prev.lto, "scope", scope, "date", ltoday, NULL);
	d->footer = msgf(c->m, "brief.footer", "date", ltoday, "version", VIGIL_VERSION, NULL);
	if (c->opt->country)
		doc_notice(d, msgf(c->m, "brief.country-notice", "country",
				   value_label(c, "country", c->country_name), NULL));
	free(scope);
	doc_figure(d, "period.days", (double)(date_days(c->cur.to) - date_days(c->cur.from) + 1));
}

int brief_tlp_rank(const char *t)
{
	static const char *const names[] = {"clear", "green", "amber", "amber+strict", "red"};
	if (!t)
		return -1;
	if (strcasecmp(t, "white") == 0)
		return 0;
	for (int i = 0; i < 5; i++)
		if (strcasecmp(t, names[i]) == 0)
			return i;
	return -1;
}

/* A source's TLP rank in SQL; a label that is not TLP 2.0 counts as RED,
 * the safe side. */
#define TLP_RANK_SQL                                                                               \
	"(CASE lower(coalesce(tlp, 'clear')) WHEN 'clear' THEN 0 WHEN 'white' THEN 0"              \
	" WHEN 'green' THEN 1 WHEN 'amber' THEN 2 WHEN 'amber+strict' THEN 3 ELSE 4 END)"

/* --country: the name as the sources spell it (matched without regard to
 * case); a name no incident has is an error that lists close spellings,
 * never an empty briefing that reads as "no incidents". */
static bool country_setup(struct brief_ctx *c, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT value FROM record_attr WHERE key = 'receiver_country' AND"
			       " value = ?1 COLLATE NOCASE LIMIT 1",
			       -1, &q, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(q, 1, c->opt->country, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		c->country_name = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	if (c->country_name)
		return true;
	char like[256] = "";
	if (sqlite3_prepare_v2(c->db,
			       "SELECT group_concat(v, '; ') FROM (SELECT DISTINCT value AS v FROM"
			       " record_attr WHERE key = 'receiver_country' AND value LIKE"
			       " '%' || substr(?1, 1, 3) || '%' ORDER BY 1 LIMIT 8)",
			       -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, c->opt->country, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
			snprintf(like, sizeof(like), " (close: %s)", sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
	}
	snprintf(err, errlen,
		 "--country '%s': no incident in the store has a target there; give the"
		 " country as the sources write it%s",
		 c->opt->country, like);
	return false;
}

/* TLP 2.0.  --max-tlp leaves out sources marked above it: TEMP VIEWs named
 * `source` and `record` without them shadow the tables (as for exercise
 * data), so no section can count their records; the briefing lists what
 * was left out.  The marking is the most restrictive of the sources used. */
static bool tlp_setup(struct brief_ctx *c)
{
	int max = c->opt->max_tlp ? brief_tlp_rank(c->opt->max_tlp) : 4;
	char sql[1024];
	if (sqlite3_exec(c->db, "DROP VIEW IF EXISTS temp.record; DROP VIEW IF EXISTS temp.source",
			 NULL, NULL, NULL) != SQLITE_OK)
		return false;
	if (c->opt->max_tlp) {
		snprintf(
		    sql, sizeof(sql),
		    "SELECT coalesce(title, kind), upper(coalesce(tlp, 'clear')) FROM main.source"
		    " WHERE " TLP_RANK_SQL " > %d ORDER BY kind, path",
		    max);
		sqlite3_stmt *q = query_prepare(c, sql, NULL);
		while (q && sqlite3_step(q) == SQLITE_ROW) {
			char *item = msgf(c->m, "tlp.left-out-source", "source",
					  (const char *)sqlite3_column_text(q, 0), "tlp",
					  (const char *)sqlite3_column_text(q, 1), NULL);
			char *t =
			    c->tlp_left_out ? xasprintf("%s; %s", c->tlp_left_out, item) : item;
			if (c->tlp_left_out) {
				free(c->tlp_left_out);
				free(item);
			}
			c->tlp_left_out = t;
			c->tlp_left_out_n++;
		}
		sqlite3_finalize(q);
		snprintf(sql, sizeof(sql),
			 "CREATE TEMP VIEW source AS SELECT * FROM main.source WHERE " TLP_RANK_SQL
			 " <= %d; CREATE TEMP VIEW record AS SELECT * FROM main.record WHERE"
			 " source_id IN (SELECT id FROM temp.source)",
			 max);
		if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return false;
	}
	c->tlp_rank =
	    (int)query_count(c, "SELECT coalesce(max(" TLP_RANK_SQL "), 0) FROM source", NULL);
	return true;
}

static void tlp_mark(struct brief_ctx *c)
{
	static const char *const names[] = {"clear", "green", "amber", "amber+strict", "red"};
	const char *name = names[c->tlp_rank];
	char label[32], key[32];
	snprintf(label, sizeof(label), "TLP:%s", name);
	for (char *p = label; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	c->doc->tlp = xstrdup(label);
	c->doc->tlp_class = xstrdup(name);
	snprintf(key, sizeof(key), "tlp.%s", name);
	c->doc->tlp_text = xstrdup(msg(c->m, key));
	doc_figure(c->doc, "tlp.rank", (double)c->tlp_rank);
	doc_figure(c->doc, "tlp.sources_left_out", (double)c->tlp_left_out_n);
	if (c->tlp_left_out)
		doc_notice(c->doc, msgf(c->m, "tlp.left-out", "max", c->opt->max_tlp, "sources",
					c->tlp_left_out, NULL));
}

/* Exercise data (EVE events from vigil's own scenarios, event.exercise):
 * unless --include-exercise, a TEMP VIEW named `event` without them shadows
 * the table (SQLite resolves an unqualified name in temp first), so no
 * query of any section can count them; main.event still reaches them. */
static bool exercise_setup(struct brief_ctx *c)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(
		c->db,
		"SELECT count(*), (SELECT group_concat(x, ', ') FROM (SELECT DISTINCT"
		" exercise AS x FROM main.event WHERE exercise IS NOT NULL ORDER BY"
		" 1)) FROM main.event WHERE exercise IS NOT NULL",
		-1, &q, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(q) == SQLITE_ROW) {
		c->exercise_events = sqlite3_column_int64(q, 0);
		if (sqlite3_column_text(q, 1))
			c->exercise_names = xstrdup((const char *)sqlite3_column_text(q, 1));
	}
	sqlite3_finalize(q);
	const char *sql = c->opt->include_exercise
			      ? "DROP VIEW IF EXISTS temp.event"
			      : "DROP VIEW IF EXISTS temp.event; CREATE TEMP VIEW event AS"
				" SELECT * FROM main.event WHERE exercise IS NULL";
	return sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* The public sources, named: "EuRepoC dashboard extracts (EuRepoC); ...". */
static char *source_names(struct brief_ctx *c)
{
	sqlite3_stmt *q =
	    query_prepare(c,
			  "SELECT coalesce(title, kind) || ' (' || coalesce(publisher,"
			  " kind) || ')' FROM source ORDER BY kind, path",
			  NULL);
	char *out = NULL;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(q, 0);
		char *t = out ? xasprintf("%s; %s", out, n) : xstrdup(n);
		free(out);
		out = t;
	}
	sqlite3_finalize(q);
	return out ? out : xstrdup(msg(c->m, "coverage.no-source"));
}

static void exercise_notice(struct brief_ctx *c)
{
	if (!c->opt->include_exercise || c->exercise_events == 0 ||
	    query_count(c,
			"SELECT count(*) FROM main.event WHERE exercise IS NOT NULL AND day"
			" BETWEEN ?1 AND ?2",
			&c->cur) == 0)
		return;
	char *sources = source_names(c);
	doc_notice(c->doc, msgf(c->m, "brief.exercise-notice", "scenarios", c->exercise_names,
				"sources", sources, NULL));
	free(sources);
	doc_figure(c->doc, "exercise.included", 1);
}

static void ctx_free(struct brief_ctx *c)
{
	free(c->country_name);
	free(c->exercise_names);
	free(c->tlp_left_out);
	for (size_t i = 0; i < c->nbuckets; i++)
		free(c->bucket[i]), free(c->blabel[i]);
	free(c->bucket);
	free(c->blabel);
	free(c->trend);
	for (size_t i = 0; i < c->nunmapped; i++) {
		free(c->unmapped[i].source);
		free(c->unmapped[i].attribute);
		free(c->unmapped[i].raw);
	}
	free(c->unmapped);
	coverage_free(&c->inc_cov);
	/* judgements are owned by the document once listed */
}

struct doc *brief_build(const struct brief_options *opt, const struct messages *m,
			const struct taxonomy *tax, sqlite3 *db, char *err, size_t errlen)
{
	struct brief_ctx c = {.m = m, .tax = tax, .db = db, .opt = opt, .sector = -1};
	if (opt->sector && (c.sector = taxonomy_sector(tax, opt->sector)) < 0) {
		snprintf(err, errlen, "unknown sector '%s' (see data/taxonomy/vocabulary.yaml)",
			 opt->sector);
		return NULL;
	}
	if (opt->max_tlp && brief_tlp_rank(opt->max_tlp) < 0) {
		snprintf(err, errlen, "--max-tlp must be clear, green, amber, amber+strict or red");
		return NULL;
	}
	if (opt->country && !country_setup(&c, err, errlen)) {
		ctx_free(&c);
		return NULL;
	}
	if (!tlp_setup(&c)) {
		snprintf(err, errlen, "applying --max-tlp: %s", sqlite3_errmsg(db));
		ctx_free(&c);
		return NULL;
	}
	if (!exercise_setup(&c)) {
		snprintf(err, errlen, "marking exercise data: %s", sqlite3_errmsg(db));
		ctx_free(&c);
		return NULL;
	}
	if (!resolve_periods(&c, err, errlen)) {
		ctx_free(&c);
		return NULL;
	}
	make_buckets(&c);
	coverage_load(&c, &c.inc_cov, INCIDENT_COVERAGE_SQL);
	if (!load_incidents(&c)) {
		snprintf(err, errlen, "reading incidents: %s", sqlite3_errmsg(db));
		ctx_free(&c);
		return NULL;
	}
	c.doc = doc_new();
	doc_head(&c);
	tlp_mark(&c);
	exercise_notice(&c);
	doc_figure(c.doc, "exercise.events.stored", (double)c.exercise_events);
	incident_figures(&c);
	doc_section(c.doc, "key-judgements", msg(m, "section.key-judgements"));
	size_t kj = c.doc->nsections - 1; /* sections move as more are added */
	section_trend(&c);
	section_sectors(&c);
	section_threats(&c);
	section_where_who(&c);
	section_vulnerabilities(&c);
	section_patients(&c);
	section_detections(&c);
	section_themes(&c);
	section_recommendations(&c);
	section_method(&c);
	section_citations(&c);
	if (c.njudgements == 0)
		judgement(&c, xstrdup(msg(m, "judgement.none")));
	doc_list(&c.doc->section[kj], c.judgements, c.njudgements);
	doc_prune_empty_charts(c.doc);
	doc_sort_figures(c.doc);
	ctx_free(&c);
	return c.doc;
}
