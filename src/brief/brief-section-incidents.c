/*
 * brief-section-incidents — the sections built from incident records
 * (EuRepoC, STIX incidents): trend by threat type, sectors targeted
 * (critical infrastructure first), threat types, and where/who.  Counts
 * come from the aggregates brief-build.c computed; breakdowns by country,
 * initiator and attribution basis are SQL over the TEMP table `sel`.
 * Attribution is never shown without its source and basis.
 */
#include "brief/brief-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void cnt(const struct brief_ctx *c, char *out, size_t n, int64_t v)
{
	locale_count(msg_locale(c->m), out, n, v);
}

/* "12" or "3.4": a per-year rate. */
static void fmt_rate(const struct brief_ctx *c, char *out, size_t n, int64_t count, int64_t days)
{
	double r = 365.25 * (double)count / (double)days;
	if (r >= 9.95)
		locale_count(msg_locale(c->m), out, n, (int64_t)llround(r));
	else
		locale_decimal1(msg_locale(c->m), out, n, r);
}

static void total_judgement(struct brief_ctx *c)
{
	const struct coverage *cov = &c->inc_cov;
	char n[64], p[64], ch[256], pd[64], r1[64], r0[64];
	cnt(c, n, sizeof(n), c->incidents.cur);
	cnt(c, p, sizeof(p), c->incidents.prev);
	cnt(c, pd, sizeof(pd), cov->days_prev);
	doc_figure(c->doc, "incidents.coverage.days.current", (double)cov->days_cur);
	doc_figure(c->doc, "incidents.coverage.days.previous", (double)cov->days_prev);
	if (cov->days_cur == 0) {
		judgement(c, msgf(c->m, "judgement.total-nodata", "from", c->cur.lfrom, "to",
				  c->cur.lto, "sources",
				  cov->sources ? cov->sources : msg(c->m, "coverage.no-source"),
				  NULL));
		return;
	}
	char *clause = coverage_clause(c, cov);
	fmt_change_cov(c, cov, ch, sizeof(ch), c->incidents.cur, c->incidents.prev);
	if (cov->cmp == CMP_NONE) {
		judgement(c, msgf(c->m, "judgement.total-noprev", "count", n, "from", c->cur.lfrom,
				  "to", c->cur.lto, "coverage", clause, "prev_from", c->prev.lfrom,
				  "prev_to", c->prev.lto, NULL));
	} else if (cov->cmp == CMP_RATE) {
		fmt_rate(c, r1, sizeof(r1), c->incidents.cur, cov->days_cur);
		fmt_rate(c, r0, sizeof(r0), c->incidents.prev, cov->days_prev);
		char pf[96], pt[96];
		locale_date(msg_locale(c->m), pf, sizeof(pf), cov->prev_from);
		locale_date(msg_locale(c->m), pt, sizeof(pt), cov->prev_to);
		judgement(c, msgf(c->m, "judgement.total-rate", "count", n, "from", c->cur.lfrom,
				  "to", c->cur.lto, "coverage", clause, "rate", r1, "prev_rate", r0,
				  "previous", p, "prev_days", pd, "prev_from", pf, "prev_to", pt,
				  "change", ch, NULL));
	} else {
		judgement(c,
			  msgf(c->m, "judgement.total", "count", n, "from", c->cur.lfrom, "to",
			       c->cur.lto, "coverage", clause, "change", ch, "previous", p, NULL));
	}
	free(clause);
}

/* The part of the period in trend bucket b: [first, last]. */
void bucket_span(const struct brief_ctx *c, size_t b, char *first, char *last)
{
	const char *l = c->bucket[b];
	if (c->yearly) {
		snprintf(first, 11, "%.4s-01-01", l);
		snprintf(last, 11, "%.4s-12-31", l);
	} else {
		int y = atoi(l), m = atoi(l + 5);
		static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		int d = md[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
		snprintf(first, 11, "%04d-%02d-01", y, m);
		snprintf(last, 11, "%04d-%02d-%02d", y, m, d);
	}
	if (strcmp(first, c->cur.from) < 0)
		memcpy(first, c->cur.from, 11);
	if (strcmp(last, c->cur.to) > 0)
		memcpy(last, c->cur.to, 11);
}

void section_trend(struct brief_ctx *c)
{
	struct section *s = doc_section(c->doc, "trend", msg(c->m, "section.trend"));
	char n[64];
	cnt(c, n, sizeof(n), c->incidents.cur);
	total_judgement(c);
	if (c->inc_cov.days_cur == 0) {
		doc_para(s, xstrdup(msg(c->m, "incidents.nodata")));
		return;
	}
	if (c->incidents.cur == 0) {
		doc_para(s, xstrdup(msg(c->m, "trend.none")));
		return;
	}
	doc_para(s,
		 msgf(c->m, "trend.intro", "count", n, "from", c->cur.lfrom, "to", c->cur.lto, "unit",
		      msg(c->m, c->yearly ? "trend.unit.year" : "trend.unit.month"), NULL));
	/* Only threat types present in the period get a series. */
	size_t used[TAX_MAX], nused = 0;
	for (size_t t = 0; t < c->tax->nthreats; t++)
		if (c->by_threat[t].cur > 0)
			used[nused++] = t;
	struct chart *ch_ = doc_chart(s, CHART_STACKED, msg(c->m, "trend.chart"), nused);
	for (size_t i = 0; i < nused; i++)
		chart_series(ch_, i, threat_label(c, (int)used[i]));
	size_t nodata = 0, partial = 0;
	for (size_t b = 0; b < c->nbuckets; b++) {
		char first[11], last[11];
		bucket_span(c, b, first, last);
		int64_t covered = coverage_days(&c->inc_cov, first, last);
		/* a bucket no source covers is "no data", never a zero bar */
		if (covered == 0) {
			chart_add_nodata(ch_, c->blabel[b], msg(c->m, "nodata"));
			nodata++;
			continue;
		}
		double v[TAX_MAX];
		for (size_t i = 0; i < nused; i++)
			v[i] = (double)c->trend[b * c->tax->nthreats + used[i]];
		int64_t span = coverage_days(&(struct coverage){.iv = {{0, INT32_MAX}}, .niv = 1},
					     first, last);
		if (covered < span) {
			char *label = msgf(c->m, "trend.partial", "label", c->blabel[b], NULL);
			chart_add(ch_, label, v);
			free(label);
			partial++;
		} else {
			chart_add(ch_, c->blabel[b], v);
		}
	}
	doc_figure(c->doc, "incidents.trend.nodata_buckets", (double)nodata);
	doc_figure(c->doc, "incidents.trend.partial_buckets", (double)partial);
	doc_note(s, xstrdup(msg(c->m, "trend.note")));
	if (nodata || partial)
		doc_note(s, msgf(c->m, "trend.coverage-note", "sources", c->inc_cov.sources, NULL));
}

/* "The sources do not record the sector of N incidents (x%)...": what is
 * not known is shown as a share, never ranked. */
static void unknown_share(struct brief_ctx *c, struct section *s, int64_t n, const char *key)
{
	if (n <= 0 || c->incidents.cur <= 0)
		return;
	char a[64], share[64];
	cnt(c, a, sizeof(a), n);
	fmt_share(c, share, sizeof(share), n, c->incidents.cur);
	doc_para(s, msgf(c->m, key, "count", a, "share", share, NULL));
}

/* Says how the "change" column compares, when not count against count. */
static void comparison_note(struct brief_ctx *c, struct section *s)
{
	const struct coverage *cov = &c->inc_cov;
	char a[64], b[64];
	cnt(c, a, sizeof(a), cov->days_cur);
	cnt(c, b, sizeof(b), cov->days_prev);
	if (cov->cmp == CMP_RATE)
		doc_note(s, msgf(c->m, "compare.rate-note", "days", a, "prev_days", b, NULL));
	else if (cov->cmp == CMP_NONE)
		doc_note(s, msgf(c->m, "compare.none-note", "prev_from", c->prev.lfrom, "prev_to",
				 c->prev.lto, NULL));
}

/* Indices of the sectors, critical infrastructure first, each group by
 * count in the period (descending), then vocabulary order. */
static size_t sector_order(const struct brief_ctx *c, int *order)
{
	size_t n = 0;
	for (int crit = 1; crit >= 0; crit--) {
		size_t start = n;
		for (size_t i = 0; i < c->tax->nsectors; i++)
			if (c->tax->critical[i] == (bool)crit)
				order[n++] = (int)i;
		for (size_t i = start + 1; i < n; i++)
			for (size_t j = i; j > start && c->by_sector[order[j]].cur >
							    c->by_sector[order[j - 1]].cur;
			     j--) {
				int t = order[j];
				order[j] = order[j - 1];
				order[j - 1] = t;
			}
	}
	return n;
}

static void sector_judgement(struct brief_ctx *c, const int *order, size_t n)
{
	/* a briefing on one sector ranks nothing: its sector is all there is */
	if (c->sector >= 0)
		return;
	int64_t recorded = c->incidents.cur - c->sector_unknown.cur;
	for (size_t i = 0; i < n; i++) {
		int k = order[i];
		if (!c->tax->critical[k] || c->by_sector[k].cur == 0 || recorded <= 0)
			continue;
		char cn[64], share[64];
		cnt(c, cn, sizeof(cn), c->by_sector[k].cur);
		fmt_share(c, share, sizeof(share), c->by_sector[k].cur, recorded);
		judgement(c, msgf(c->m, "judgement.top-ci-sector", "sector", sector_label(c, k),
				  "count", cn, "share", share, NULL));
		break;
	}
	/* The critical-infrastructure sector whose count (or yearly rate, when
	 * coverage differs) rose the most; none when not comparable. */
	int best = -1;
	double best_d = 0;
	for (size_t i = 0; i < c->tax->nsectors; i++) {
		double d = cov_delta(&c->inc_cov, c->by_sector[i].cur, c->by_sector[i].prev);
		if (c->tax->critical[i] && d > best_d) {
			best_d = d;
			best = (int)i;
		}
	}
	if (best < 0)
		return;
	char a[64], b[64], ch[256];
	cnt(c, a, sizeof(a), c->by_sector[best].cur);
	cnt(c, b, sizeof(b), c->by_sector[best].prev);
	fmt_change_cov(c, &c->inc_cov, ch, sizeof(ch), c->by_sector[best].cur,
		       c->by_sector[best].prev);
	judgement(c, msgf(c->m, "judgement.ci-sector-rise", "sector", sector_label(c, best),
			  "count", a, "previous", b, "change", ch, NULL));
}

void section_sectors(struct brief_ctx *c)
{
	struct section *s = doc_section(c->doc, "sectors", msg(c->m, "section.sectors"));
	if (c->inc_cov.days_cur == 0) {
		doc_para(s, xstrdup(msg(c->m, "incidents.nodata")));
		return;
	}
	int order[TAX_MAX];
	size_t n = sector_order(c, order);
	doc_para(s, xstrdup(msg(c->m, "sectors.intro")));
	struct chart *ch = doc_chart(s, CHART_BARS, msg(c->m, "sectors.chart"), 2);
	chart_series(ch, 0, msg(c->m, "col.this-period"));
	chart_series(ch, 1, msg(c->m, "col.previous-period"));
	struct table *t = doc_table(s, msg(c->m, "sectors.table"), 5);
	table_header(t, 0, msg(c->m, "col.sector"), false);
	table_header(t, 1, msg(c->m, "col.critical"), false);
	table_header(t, 2, msg(c->m, "col.this-period"), true);
	table_header(t, 3, msg(c->m, "col.previous-period"), true);
	table_header(t, 4, msg(c->m, "col.change"), true);
	for (size_t i = 0; i < n; i++) {
		int k = order[i];
		struct pair pr = c->by_sector[k];
		if (pr.cur == 0 && pr.prev == 0)
			continue;
		double v[2] = {(double)pr.cur, (double)pr.prev};
		chart_add(ch, sector_label(c, k), v);
		char a[64], b[64], d[256];
		cnt(c, a, sizeof(a), pr.cur);
		cnt(c, b, sizeof(b), pr.prev);
		fmt_change_cov(c, &c->inc_cov, d, sizeof(d), pr.cur, pr.prev);
		table_row(t, sector_label(c, k), msg(c->m, c->tax->critical[k] ? "yes" : "no"), a,
			  b, d);
	}
	unknown_share(c, s, c->sector_unknown.cur, "sectors.unknown");
	doc_note(s, xstrdup(msg(c->m, "sectors.note")));
	comparison_note(c, s);
	sector_judgement(c, order, n);
}

/* The threat type with the largest rise (sign > 0) or fall (sign < 0). */
static int threat_extreme(const struct brief_ctx *c, int sign)
{
	int best = -1;
	double best_d = 0;
	for (size_t i = 0; i < c->tax->nthreats; i++) {
		double d = cov_delta(&c->inc_cov, c->by_threat[i].cur, c->by_threat[i].prev) * sign;
		if ((int)i == c->tax->threat_other)
			continue; /* "other" is a residue, not a finding */
		if (d > best_d) {
			best_d = d;
			best = (int)i;
		}
	}
	return best;
}

static void threat_judgements(struct brief_ctx *c)
{
	const char *keys[2] = {"judgement.rise", "judgement.fall"};
	for (int k = 0; k < 2; k++) {
		int i = threat_extreme(c, k == 0 ? 1 : -1);
		if (i < 0)
			continue;
		char a[64], b[64], d[256];
		cnt(c, a, sizeof(a), c->by_threat[i].cur);
		cnt(c, b, sizeof(b), c->by_threat[i].prev);
		fmt_change_cov(c, &c->inc_cov, d, sizeof(d), c->by_threat[i].cur,
			       c->by_threat[i].prev);
		judgement(c, msgf(c->m, keys[k], "threat", threat_label(c, i), "count", a,
				  "previous", b, "change", d, NULL));
	}
}

void section_threats(struct brief_ctx *c)
{
	struct section *s = doc_section(c->doc, "threats", msg(c->m, "section.threats"));
	if (c->inc_cov.days_cur == 0) {
		doc_para(s, xstrdup(msg(c->m, "incidents.nodata")));
		return;
	}
	int order[TAX_MAX];
	size_t n = c->tax->nthreats;
	for (size_t i = 0; i < n; i++)
		order[i] = (int)i;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i;
		     j > 0 && c->by_threat[order[j]].cur > c->by_threat[order[j - 1]].cur; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	struct chart *ch = doc_chart(s, CHART_BARS, msg(c->m, "threats.chart"), 2);
	chart_series(ch, 0, msg(c->m, "col.this-period"));
	chart_series(ch, 1, msg(c->m, "col.previous-period"));
	struct table *t = doc_table(s, msg(c->m, "threats.table"), 4);
	table_header(t, 0, msg(c->m, "col.threat"), false);
	table_header(t, 1, msg(c->m, "col.this-period"), true);
	table_header(t, 2, msg(c->m, "col.previous-period"), true);
	table_header(t, 3, msg(c->m, "col.change"), true);
	for (size_t i = 0; i < n; i++) {
		struct pair pr = c->by_threat[order[i]];
		if (pr.cur == 0 && pr.prev == 0)
			continue;
		double v[2] = {(double)pr.cur, (double)pr.prev};
		chart_add(ch, threat_label(c, order[i]), v);
		char a[64], b[64], d[256];
		cnt(c, a, sizeof(a), pr.cur);
		cnt(c, b, sizeof(b), pr.prev);
		fmt_change_cov(c, &c->inc_cov, d, sizeof(d), pr.cur, pr.prev);
		table_row(t, threat_label(c, order[i]), a, b, d);
	}
	int64_t families = query_count(c,
				       "SELECT count(*) FROM record r JOIN record_attr a ON"
				       " a.record_id = r.id AND a.key = 'malware_type' AND"
				       " a.value = 'ransomware' WHERE r.kind = 'malware'",
				       NULL);
	if (families > 0) {
		char f[64];
		cnt(c, f, sizeof(f), families);
		doc_para(s, msgf(c->m, "threats.ransomware-families", "count", f, NULL));
	}
	doc_figure(c->doc, "reference.ransomware_families", (double)families);
	unknown_share(c, s, c->threat_unknown.cur, "threats.unknown");
	comparison_note(c, s);
	threat_judgements(c);
}

/* What a source writes for "not known" ("Unknown", "Not available") or
 * for nothing recorded (empty, "nan"): 1 not known, 2 not recorded, 0 a
 * real value. */
static int unknown_kind(const char *v)
{
	if (!v || !*v || strcasecmp(v, "nan") == 0 || strcasecmp(v, "none") == 0)
		return 2;
	/* "Unknown", "Unknown - not attributed", "Not available" */
	if (strncasecmp(v, "unknown", 7) == 0 || strcasecmp(v, "not available") == 0 ||
	    strcasecmp(v, "n/a") == 0)
		return 1;
	return 0;
}

/* The reader's word for a raw value: "<prefix>.<value>" from the message
 * catalogue when it has one (region codes such as NORTHAM), else the
 * value itself. */
const char *value_label(const struct brief_ctx *c, const char *prefix, const char *v)
{
	if (!prefix)
		return v;
	char key[256];
	snprintf(key, sizeof(key), "%s.%s", prefix, v);
	const char *t = msg(c->m, key);
	if (strcmp(t, key) != 0)
		return t;
	/* countries and regions: CLDR's name in the reader's language */
	const char *local =
	    strcmp(prefix, "country") == 0 ? locale_country(msg_locale(c->m), v) : NULL;
	return local ? local : v;
}

/* A "value | incidents" table (or chart) of attribute key over
 * current-period incidents, top 10 known values; "not known" and "not
 * recorded" are not ranked but stated as shares of the period's incidents.
 * Returns the number of rows. */
static size_t attr_table(struct brief_ctx *c, struct section *s, const char *key,
			 const char *caption, const char *col, bool as_chart, const char *labels)
{
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT a.value, count(DISTINCT s.id) FROM temp.sel s JOIN record_attr a ON"
		 " a.record_id = s.id AND a.key = '%s' WHERE s.period = 1"
		 " GROUP BY a.value ORDER BY 2 DESC, 1",
		 key);
	sqlite3_stmt *q = query_prepare(c, sql, NULL);
	struct table *t = NULL;
	struct chart *ch = NULL;
	if (as_chart) {
		ch = doc_chart(s, CHART_BARS, caption, 1);
		chart_series(ch, 0, msg(c->m, "col.incidents"));
	} else {
		t = doc_table(s, caption, 2);
		table_header(t, 0, col, false);
		table_header(t, 1, msg(c->m, "col.incidents"), true);
	}
	size_t rows = 0;
	int64_t unk[3] = {0, 0, 0};
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(q, 0);
		int64_t n = sqlite3_column_int64(q, 1);
		int k = unknown_kind(v);
		if (k) {
			unk[k] += n;
			continue;
		}
		if (rows == 10)
			continue;
		const char *label = value_label(c, labels, v);
		char a[64];
		cnt(c, a, sizeof(a), n);
		if (t)
			table_row(t, label, a);
		if (ch) {
			double d = (double)n;
			chart_add(ch, label, &d);
		}
		rows++;
	}
	sqlite3_finalize(q);
	if ((unk[1] || unk[2]) && c->incidents.cur > 0) {
		char a[64], b[64], sa[64], sb[64];
		cnt(c, a, sizeof(a), unk[1]);
		cnt(c, b, sizeof(b), unk[2]);
		fmt_share(c, sa, sizeof(sa), unk[1], c->incidents.cur);
		fmt_share(c, sb, sizeof(sb), unk[2], c->incidents.cur);
		const char *mkey = !unk[2]   ? "where.unknown-only"
				   : !unk[1] ? "where.unrecorded-only"
					     : "where.unknown-share";
		doc_note(s, msgf(c->m, mkey, "what", caption, "unknown", a, "unknown_share", sa,
				 "unrecorded", b, "unrecorded_share", sb, NULL));
	}
	return rows;
}

/* "Industry attribution (12), Attacker confirms (3)" for one initiator. */
static void basis_of(struct brief_ctx *c, const char *country, char *out, size_t n)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT b.value, count(*) FROM temp.sel s JOIN record_attr a ON a.record_id = s.id"
	    " AND a.key = 'initiator_country' AND a.value = ?1 JOIN record_attr b ON"
	    " b.record_id = s.id AND b.key = 'attribution_basis' WHERE s.period = 1"
	    " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3",
	    NULL);
	out[0] = '\0';
	if (!q)
		return;
	sqlite3_bind_text(q, 1, country, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(q) == SQLITE_ROW) {
		size_t used = strlen(out);
		snprintf(out + used, n - used, "%s%s (%lld)", used ? "; " : "",
			 value_label(c, "basis", (const char *)sqlite3_column_text(q, 0)),
			 (long long)sqlite3_column_int64(q, 1));
	}
	if (!out[0])
		snprintf(out, n, "%s", msg(c->m, "who.basis-none"));
	sqlite3_finalize(q);
}

/* SQL twin of unknown_kind() for a.value */
#define NOT_UNKNOWN                                                                                \
	"lower(a.value) NOT IN ('', 'nan', 'none', 'not available', 'n/a')"                        \
	" AND lower(a.value) NOT LIKE 'unknown%'"

static void initiators_table(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT a.value, coalesce(src.title, src.kind), src.publisher, count(*) FROM temp.sel s"
	    " JOIN record r ON r.id = s.id JOIN source src ON src.id = r.source_id"
	    " JOIN record_attr a ON a.record_id = s.id AND a.key = 'initiator_country'"
	    " WHERE s.period = 1 AND " NOT_UNKNOWN " GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1 LIMIT 10",
	    NULL);
	struct table *t = doc_table(s, msg(c->m, "who.table"), 4);
	table_header(t, 0, msg(c->m, "col.initiator"), false);
	table_header(t, 1, msg(c->m, "col.incidents"), true);
	table_header(t, 2, msg(c->m, "col.basis"), false);
	table_header(t, 3, msg(c->m, "col.source"), false);
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		const char *who = (const char *)sqlite3_column_text(q, 0);
		char a[64], basis[512], src[300];
		cnt(c, a, sizeof(a), sqlite3_column_int64(q, 3));
		basis_of(c, who, basis, sizeof(basis));
		snprintf(src, sizeof(src), "%s (%s)", sqlite3_column_text(q, 1),
			 sqlite3_column_text(q, 2));
		table_row(t, value_label(c, "country", who), a, basis, src);
	}
	sqlite3_finalize(q);
	/* incidents with no initiator attributed: a share, not a "country" */
	int64_t unattributed = query_count(
	    c,
	    "SELECT count(*) FROM temp.sel s WHERE s.period = 1 AND NOT EXISTS (SELECT 1 FROM"
	    " record_attr a WHERE a.record_id = s.id AND a.key = 'initiator_country' AND"
	    " " NOT_UNKNOWN ")",
	    NULL);
	doc_figure(c->doc, "incidents.initiator.unattributed.current", (double)unattributed);
	if (unattributed > 0 && c->incidents.cur > 0) {
		char a[64], share[64];
		cnt(c, a, sizeof(a), unattributed);
		fmt_share(c, share, sizeof(share), unattributed, c->incidents.cur);
		doc_note(s, msgf(c->m, "who.unattributed", "count", a, "share", share, NULL));
	}
}

static void reference_actors(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT a.value, count(*) FROM record r JOIN record_attr a ON a.record_id = r.id"
	    " AND a.key = 'sponsor' WHERE r.kind = 'actor' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10",
	    NULL);
	struct table *t = NULL;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		if (!t) {
			t = doc_table(s, msg(c->m, "who.sponsors"), 2);
			table_header(t, 0, msg(c->m, "col.sponsor"), false);
			table_header(t, 1, msg(c->m, "col.actors"), true);
		}
		char a[64];
		cnt(c, a, sizeof(a), sqlite3_column_int64(q, 1));
		table_row(t, (const char *)sqlite3_column_text(q, 0), a);
	}
	sqlite3_finalize(q);
	q = query_prepare(c,
			  "SELECT r.date, r.title, src.publisher FROM record r JOIN source src ON"
			  " src.id = r.source_id WHERE r.kind = 'campaign' AND r.date BETWEEN ?1"
			  " AND ?2 ORDER BY r.date, r.title LIMIT 20",
			  &c->cur);
	t = NULL;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		if (!t) {
			t = doc_table(s, msg(c->m, "who.campaigns"), 3);
			table_header(t, 0, msg(c->m, "col.date"), false);
			table_header(t, 1, msg(c->m, "col.campaign"), false);
			table_header(t, 2, msg(c->m, "col.source"), false);
		}
		char day[96];
		locale_date(msg_locale(c->m), day, sizeof(day),
			    (const char *)sqlite3_column_text(q, 0));
		table_row(t, day, (const char *)sqlite3_column_text(q, 1),
			  (const char *)sqlite3_column_text(q, 2));
	}
	sqlite3_finalize(q);
}

void section_where_who(struct brief_ctx *c)
{
	struct section *s = doc_section(c->doc, "where-who", msg(c->m, "section.where-who"));
	if (c->inc_cov.days_cur == 0) {
		doc_para(s, xstrdup(msg(c->m, "incidents.nodata")));
	} else if (c->incidents.cur == 0) {
		doc_para(s, xstrdup(msg(c->m, "where.none")));
	} else {
		/* one chart of the countries (not a chart and a table of the
		 * same figures) */
		attr_table(c, s, "receiver_country", msg(c->m, "where.countries"),
			   msg(c->m, "col.country"), true, "country");
		attr_table(c, s, "receiver_region", msg(c->m, "where.regions"),
			   msg(c->m, "col.region"), false, "region");
		doc_para(s, xstrdup(msg(c->m, "who.intro")));
		initiators_table(c, s);
		attr_table(c, s, "initiator_category", msg(c->m, "who.categories"),
			   msg(c->m, "col.category"), false, "initiator");
		attr_table(c, s, "attribution_basis", msg(c->m, "who.basis"),
			   msg(c->m, "col.basis"), false, "basis");
		who_profiles(c, s);
		doc_note(s, xstrdup(msg(c->m, "who.note")));
	}
	reference_actors(c, s);
}
