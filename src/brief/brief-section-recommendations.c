/*
 * brief-section-recommendations — recommendations that follow from this
 * briefing's own findings, each stating the finding it rests on with its
 * figures, so a reader can weigh it and a reviewer can trace it.  There
 * is no general advice here: a rule fires only when its finding is in the
 * data of the period (ransomware incidents and KEV entries known to be
 * used by ransomware; incidents against health and CIPHER's documented
 * patient harm; intrusion and account takeover as the most frequent
 * threat type; a period the incident sources do not fully cover).  When
 * none fires, the section says so.
 */
#include "brief/brief-internal.h"

#include <stdlib.h>
#include <string.h>

static void num(const struct brief_ctx *c, char *out, size_t n, int64_t v)
{
	locale_count(msg_locale(c->m), out, n, v);
}

/* "Microsoft (5), Cisco (3)": the vendors of the period's KEV additions
 * known to be used by ransomware, at most three. */
static char *ransomware_vendors(struct brief_ctx *c)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT v.value, count(*) FROM record r JOIN record_attr v ON v.record_id = r.id AND"
	    " v.key = 'vendor' JOIN record_attr k ON k.record_id = r.id AND k.key ="
	    " 'ransomware' AND k.value = 'Known' WHERE r.kind = 'vulnerability' AND r.source_id"
	    " IN (SELECT id FROM source WHERE kind = 'kev') AND r.date BETWEEN ?1 AND ?2 AND"
	    " r.date <> '2021-11-03' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3",
	    &c->cur);
	char *out = NULL;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		char n[64];
		num(c, n, sizeof(n), sqlite3_column_int64(q, 1));
		char *t = out ? xasprintf("%s%s%s (%s)", out, msg(c->m, "list.separator"),
				    sqlite3_column_text(q, 0), n)
			      : xasprintf("%s (%s)", sqlite3_column_text(q, 0), n);
		free(out);
		out = t;
	}
	sqlite3_finalize(q);
	return out;
}

static void rec_ransomware(struct brief_ctx *c, char ***items, size_t *n)
{
	int r = taxonomy_threat(c->tax, "ransomware");
	if (r < 0 || c->by_threat[r].cur == 0)
		return;
	int64_t kev = query_count(
	    c,
	    "SELECT count(*) FROM record r WHERE r.kind = 'vulnerability' AND r.source_id IN"
	    " (SELECT id FROM source WHERE kind = 'kev') AND r.date BETWEEN ?1 AND ?2 AND r.date"
	    " <> '2021-11-03' AND EXISTS (SELECT 1 FROM record_attr k WHERE k.record_id = r.id"
	    " AND k.key = 'ransomware' AND k.value = 'Known')",
	    &c->cur);
	if (kev == 0)
		return;
	char *vendors = ransomware_vendors(c);
	char a[64], b[64], ch[256];
	num(c, a, sizeof(a), kev);
	num(c, b, sizeof(b), c->by_threat[r].cur);
	fmt_change_cov(c, &c->inc_cov, ch, sizeof(ch), c->by_threat[r].cur, c->by_threat[r].prev);
	*items = xrealloc(*items, (*n + 1) * sizeof(char *));
	(*items)[(*n)++] = msgf(c->m, "rec.kev-ransomware", "count", a, "vendors",
				vendors ? vendors : "", "incidents", b, "change", ch, NULL);
	free(vendors);
}

static void rec_health(struct brief_ctx *c, char ***items, size_t *n)
{
	int h = taxonomy_sector(c->tax, "health");
	if (h < 0 || c->by_sector[h].cur == 0)
		return;
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT a.value, count(*) FROM record r JOIN record_attr a ON a.record_id = r.id AND"
	    " a.key = 'technical_domain' WHERE r.kind = 'harm' GROUP BY 1 ORDER BY 2 DESC, 1"
	    " LIMIT 1",
	    NULL);
	if (q && sqlite3_step(q) == SQLITE_ROW) {
		char a[64], b[64];
		num(c, a, sizeof(a), sqlite3_column_int64(q, 1));
		num(c, b, sizeof(b), c->by_sector[h].cur);
		*items = xrealloc(*items, (*n + 1) * sizeof(char *));
		(*items)[(*n)++] = msgf(c->m, "rec.health-downtime", "domain",
					(const char *)sqlite3_column_text(q, 0), "count", a,
					"incidents", b, NULL);
	}
	sqlite3_finalize(q);
}

static void rec_intrusion(struct brief_ctx *c, char ***items, size_t *n)
{
	int t = taxonomy_threat(c->tax, "intrusion-account-takeover");
	if (t < 0 || c->by_threat[t].cur == 0)
		return;
	for (size_t i = 0; i < c->tax->nthreats; i++)
		if ((int)i != t && c->by_threat[i].cur > c->by_threat[t].cur)
			return; /* not the most frequent type */
	char a[64], ch[256];
	num(c, a, sizeof(a), c->by_threat[t].cur);
	fmt_change_cov(c, &c->inc_cov, ch, sizeof(ch), c->by_threat[t].cur, c->by_threat[t].prev);
	*items = xrealloc(*items, (*n + 1) * sizeof(char *));
	(*items)[(*n)++] = msgf(c->m, "rec.intrusion-mfa", "count", a, "change", ch, NULL);
}

static void rec_coverage(struct brief_ctx *c, char ***items, size_t *n)
{
	const struct coverage *cov = &c->inc_cov;
	if (cov->days_cur >= cov->len_cur)
		return;
	*items = xrealloc(*items, (*n + 1) * sizeof(char *));
	if (cov->days_cur == 0) {
		(*items)[(*n)++] = msgf(c->m, "rec.coverage-none", "from", c->cur.lfrom, "to",
					c->cur.lto, NULL);
		return;
	}
	char last[96], days[64], total[64];
	locale_date(msg_locale(c->m), last, sizeof(last), cov->cur_to);
	num(c, days, sizeof(days), cov->len_cur - cov->days_cur);
	num(c, total, sizeof(total), cov->len_cur);
	(*items)[(*n)++] = msgf(c->m, "rec.coverage", "last", last, "days", days, "total", total,
				NULL);
}

void section_recommendations(struct brief_ctx *c)
{
	struct section *s =
	    doc_section(c->doc, "recommendations", msg(c->m, "section.recommendations"));
	char **items = NULL;
	size_t n = 0;
	rec_coverage(c, &items, &n);
	rec_ransomware(c, &items, &n);
	rec_health(c, &items, &n);
	rec_intrusion(c, &items, &n);
	doc_figure(c->doc, "recommendations", (double)n);
	if (n == 0) {
		doc_para(s, xstrdup(msg(c->m, "rec.none")));
		return;
	}
	doc_para(s, xstrdup(msg(c->m, "rec.intro")));
	doc_list(s, items, n);
}
