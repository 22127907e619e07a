/*
 * brief-section-actors — profiles of the threat actors the incident
 * sources name most often in the period: what they are attributed with
 * (incidents, sectors, threat types), to which state and on what basis,
 * and what the imported MISP threat-actor galaxy adds (other names,
 * suspected state sponsor).  Only actors the sources name are profiled;
 * "Unknown", "Not available" and "None" are not actors.  vigil adds no
 * attribution of its own: every fact is a source's, and a name the
 * galaxy does not know is said to be unknown to it.
 */
#include "brief/brief-internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PROFILES 5
#define NAMED                                                                                      \
	"lower(a.value) NOT IN ('', 'nan', 'none', 'not available', 'n/a')"                        \
	" AND lower(a.value) NOT LIKE 'unknown%'"

static const char *text(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? (const char *)t : "";
}

/* "a, b, c": the values of key among the period's incidents of the actor,
 * most frequent first, at most max; the catalogue's "not recorded" when
 * there is none. */
static char *actor_values(struct brief_ctx *c, const char *actor, const char *key,
			  const char *prefix, int max)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    /* CROSS JOIN keeps SQLite's join order: from the actor's few
	     * incidents out, not from every value of key in (a full index
	     * scan per call) */
	    "SELECT a.value, count(DISTINCT s.id) FROM record_attr n CROSS JOIN temp.sel s ON"
	    " s.id = n.record_id CROSS JOIN record_attr a ON a.record_id = s.id AND a.key = ?4"
	    " WHERE n.key = 'initiator_name' AND n.value = ?3 AND s.period = 1 AND " NAMED
	    " GROUP BY 1 ORDER BY 2 DESC, 1",
	    NULL);
	char *out = NULL;
	if (q) {
		sqlite3_bind_text(q, 3, actor, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 4, key, -1, SQLITE_STATIC);
	}
	for (int n = 0; q && n < max && sqlite3_step(q) == SQLITE_ROW; n++) {
		const char *v = value_label(c, prefix, text(q, 0));
		char *t = out ? xasprintf("%s%s%s", out, msg(c->m, "list.separator"), v)
			      : xstrdup(v);
		free(out);
		out = t;
	}
	sqlite3_finalize(q);
	return out ? out : xstrdup(msg(c->m, "who.profile-unrecorded"));
}

/* The sectors or threat types of the actor's incidents (from sel's masks),
 * "Health (4), Energy (2)", at most three. */
static char *actor_vocab(struct brief_ctx *c, const char *actor, bool sectors)
{
	int64_t count[TAX_MAX] = {0};
	sqlite3_stmt *q = query_prepare(c,
					"SELECT DISTINCT s.id, s.sectors, s.threats FROM temp.sel s"
					" JOIN record_attr n ON n.record_id = s.id AND n.key ="
					" 'initiator_name' AND n.value = ?3 WHERE s.period = 1",
					NULL);
	if (q)
		sqlite3_bind_text(q, 3, actor, -1, SQLITE_TRANSIENT);
	size_t nv = sectors ? c->tax->nsectors : c->tax->nthreats;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		uint32_t mask = (uint32_t)sqlite3_column_int64(q, sectors ? 1 : 2);
		for (size_t i = 0; i < nv; i++)
			count[i] += (mask >> i) & 1u;
	}
	sqlite3_finalize(q);
	char *out = NULL;
	for (int k = 0; k < 3; k++) {
		size_t best = nv;
		for (size_t i = 0; i < nv; i++)
			if (count[i] > 0 && (best == nv || count[i] > count[best]))
				best = i;
		if (best == nv)
			break;
		char n[64];
		locale_count(msg_locale(c->m), n, sizeof(n), count[best]);
		const char *label =
		    sectors ? sector_label(c, (int)best) : threat_label(c, (int)best);
		char *t = out ? xasprintf("%s%s%s (%s)", out, msg(c->m, "list.separator"), label, n)
			      : xasprintf("%s (%s)", label, n);
		free(out);
		out = t;
		count[best] = 0;
	}
	return out ? out : xstrdup(msg(c->m, "who.profile-unrecorded"));
}

/* The MISP threat-actor record matching any "/"-separated part of the
 * source's name (by name or alias, without regard to case), or -1. */
static int64_t misp_actor(struct brief_ctx *c, const char *name)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", name);
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT r.id FROM record r WHERE r.kind = 'actor' AND (r.title = ?3 COLLATE NOCASE"
	    " OR EXISTS (SELECT 1 FROM record_attr a WHERE a.record_id = r.id AND a.key ="
	    " 'alias' AND a.value = ?3 COLLATE NOCASE)) ORDER BY r.id LIMIT 1",
	    NULL);
	int64_t id = -1;
	for (char *save = NULL, *p = strtok_r(buf, "/", &save); q && p && id < 0;
	     p = strtok_r(NULL, "/", &save)) {
		while (*p == ' ')
			p++;
		size_t n = strlen(p);
		while (n && p[n - 1] == ' ')
			p[--n] = '\0';
		if (!*p)
			continue;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 3, p, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) == SQLITE_ROW)
			id = sqlite3_column_int64(q, 0);
	}
	sqlite3_finalize(q);
	return id;
}

static char *misp_values(struct brief_ctx *c, int64_t id, const char *key, int max)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT value FROM record_attr WHERE record_id = %lld AND key = '%s'"
		 " ORDER BY value LIMIT %d",
		 (long long)id, key, max);
	sqlite3_stmt *q = query_prepare(c, sql, NULL);
	char *out = NULL;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		char *t = out ? xasprintf("%s%s%s", out, msg(c->m, "list.separator"), text(q, 0)) : xstrdup(text(q, 0));
		free(out);
		out = t;
	}
	sqlite3_finalize(q);
	return out ? out : xstrdup(msg(c->m, "who.profile-unrecorded"));
}

static char *profile(struct brief_ctx *c, const char *actor, int64_t n, bool have_misp)
{
	char cn[64];
	locale_count(msg_locale(c->m), cn, sizeof(cn), n);
	char *country = actor_values(c, actor, "initiator_country", "country", 2);
	char *category = actor_values(c, actor, "initiator_category", "initiator", 2);
	char *basis = actor_values(c, actor, "attribution_basis", "basis", 3);
	char *sectors = actor_vocab(c, actor, true), *threats = actor_vocab(c, actor, false);
	char *t = msgf(c->m, "who.profile", "actor", actor, "count", cn, "country", country,
		       "category", category, "sectors", sectors, "threats", threats, "basis",
		       basis, NULL);
	free(country);
	free(category);
	free(basis);
	free(sectors);
	free(threats);
	if (!have_misp)
		return t;
	int64_t id = misp_actor(c, actor);
	char *more;
	if (id < 0) {
		more = xstrdup(msg(c->m, "who.profile-misp-none"));
	} else {
		char *aliases = misp_values(c, id, "alias", 6);
		char *sponsor = misp_values(c, id, "sponsor", 3);
		more = msgf(c->m, "who.profile-misp", "aliases", aliases, "sponsor", sponsor, NULL);
		free(aliases);
		free(sponsor);
	}
	char *full = xasprintf("%s %s", t, more);
	free(t);
	free(more);
	return full;
}

void who_profiles(struct brief_ctx *c, struct section *s)
{
	sqlite3_stmt *q = query_prepare(
	    c,
	    "SELECT a.value, count(DISTINCT s.id) FROM temp.sel s JOIN record_attr a ON"
	    " a.record_id = s.id AND a.key = 'initiator_name' WHERE s.period = 1 AND " NAMED
	    " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5", /* PROFILES */
	    NULL);
	char *names[PROFILES];
	int64_t counts[PROFILES];
	size_t n = 0;
	while (q && n < PROFILES && sqlite3_step(q) == SQLITE_ROW) {
		names[n] = xstrdup(text(q, 0));
		counts[n++] = sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	doc_figure(c->doc, "actors.profiled", (double)n);
	if (n == 0)
		return;
	bool have_misp = query_count(c, "SELECT count(*) FROM record WHERE kind = 'actor'", NULL) > 0;
	doc_heading(s, msg(c->m, "who.profiles"));
	char **items = xrealloc(NULL, n * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		items[i] = profile(c, names[i], counts[i], have_misp);
		free(names[i]);
	}
	doc_list(s, items, n);
}
