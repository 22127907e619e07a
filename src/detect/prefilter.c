/*
 * prefilter.c — picks the rules worth evaluating for a packet.
 *
 * Rules are grouped by transport (tcp, udp, icmp, other) and flow
 * direction (to server, to client); a rule without direction is in both.
 * Each group has one Hyperscan literal database of the fast patterns of
 * its payload rules (duplicates merged: one pattern id lists every rule
 * using it).  A packet scans its payload once per group; the candidates
 * are the rules whose fast pattern was found plus the rules that have
 * none, in rule order.  A rule is evaluated in full afterwards, so the
 * prefilter may only ever add candidates, never decide a match.
 *
 * Compiled databases are cached on disk under a SHA-256 of their input
 * (patterns, flags, ids, Hyperscan version), so an unchanged ruleset skips
 * compilation on the next start.  A damaged or foreign cache file is
 * ignored and rewritten.
 *
 * Scratch space and candidate arrays are per worker (det_thread).
 */
#include <errno.h>
#include <hs/hs.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect/detect-internal.h"

enum { PC_TCP, PC_UDP, PC_ICMP, PC_OTHER, PC_MAX };
enum { DIR_TS, DIR_TC, DIR_MAX };
#define NGROUPS (PC_MAX * DIR_MAX)

struct pattern {
	const uint8_t *pat;
	uint32_t len;
	bool nocase;
	uint32_t first, count; /* rule numbers in pf->pat_rules[first .. first+count) */
};

struct group {
	hs_database_t *db;
	struct pattern *pats;
	uint32_t npats;
	uint32_t *pat_rules;
	uint32_t *nofp; /* rules evaluated on every packet of the group */
	uint32_t nnofp;
};

struct prefilter {
	struct group g[NGROUPS];
	uint32_t nrules;
};

static int proto_class(uint8_t proto)
{
	switch (proto) {
	case 6: return PC_TCP;
	case 17: return PC_UDP;
	case 1:
	case 58: return PC_ICMP;
	default: return PC_OTHER;
	}
}

static bool rule_in_class(const struct rule *r, int pc)
{
	if (r->h.proto_any)
		return true;
	static const uint8_t reps[PC_MAX][2] = {{6, 6}, {17, 17}, {1, 58}, {0, 0}};
	if (pc == PC_OTHER) {
		for (int p = 0; p < 256; p++)
			if (proto_class((uint8_t)p) == PC_OTHER && (r->h.protos[p / 8] & (1u << (p % 8))))
				return true;
		return false;
	}
	for (int i = 0; i < 2; i++) {
		uint8_t p = reps[pc][i];
		if (r->h.protos[p / 8] & (1u << (p % 8)))
			return true;
	}
	return false;
}

static bool rule_in_dir(const struct rule *r, int dir)
{
	if (dir == DIR_TS)
		return !(r->flags & RF_TOCLIENT);
	return !(r->flags & RF_TOSERVER);
}

static bool fp_usable(const struct rule *r)
{
	return r->has_fp && (r->fp.buf_id == BUF_PKT || r->fp.buf_id == BUF_STREAM);
}

/* ------------------------------------------------------------ build */

struct pat_ref {
	const struct rule *r;
};

static int patref_cmp(const void *a, const void *b)
{
	const struct rule *x = ((const struct pat_ref *)a)->r, *y = ((const struct pat_ref *)b)->r;
	if (x->fp.nocase != y->fp.nocase)
		return x->fp.nocase ? 1 : -1;
	if (x->fp.len != y->fp.len)
		return x->fp.len < y->fp.len ? -1 : 1;
	int c = x->fp.nocase ? strncasecmp((const char *)x->fp.pat, (const char *)y->fp.pat, 0)
			     : 0;
	c = memcmp(x->fp.pat, y->fp.pat, x->fp.len);
	if (c == 0 && x->fp.nocase) {
		/* Case-insensitive patterns compare case-folded so they merge. */
		for (uint32_t i = 0; i < x->fp.len && c == 0; i++) {
			int a1 = x->fp.pat[i], b1 = y->fp.pat[i];
			if (a1 >= 'A' && a1 <= 'Z')
				a1 += 32;
			if (b1 >= 'A' && b1 <= 'Z')
				b1 += 32;
			c = a1 - b1;
		}
	}
	if (c != 0)
		return c;
	return (x->num > y->num) - (x->num < y->num);
}

static bool same_pattern(const struct rule *x, const struct rule *y)
{
	if (x->fp.nocase != y->fp.nocase || x->fp.len != y->fp.len)
		return false;
	if (!x->fp.nocase)
		return memcmp(x->fp.pat, y->fp.pat, x->fp.len) == 0;
	return strncasecmp((const char *)x->fp.pat, (const char *)y->fp.pat, x->fp.len) == 0 &&
	       memchr(x->fp.pat, 0, x->fp.len) == NULL && memchr(y->fp.pat, 0, y->fp.len) == NULL;
}

static int group_collect(struct detect_engine *de, struct group *g, int pc, int dir)
{
	struct pat_ref *refs = malloc((de->nrules + 1) * sizeof(*refs));
	g->nofp = malloc((de->nrules + 1) * sizeof(uint32_t));
	g->pat_rules = malloc((de->nrules + 1) * sizeof(uint32_t));
	g->pats = malloc((de->nrules + 1) * sizeof(struct pattern));
	if (refs == NULL || g->nofp == NULL || g->pat_rules == NULL || g->pats == NULL) {
		free(refs);
		return -1;
	}
	uint32_t nrefs = 0;
	for (uint32_t i = 0; i < de->nrules; i++) {
		const struct rule *r = de->rules[i];
		if (!rule_in_class(r, pc) || !rule_in_dir(r, dir))
			continue;
		if (fp_usable(r))
			refs[nrefs++].r = r;
		else
			g->nofp[g->nnofp++] = r->num;
	}
	if (nrefs > 1)
		qsort(refs, nrefs, sizeof(*refs), patref_cmp);
	uint32_t nr = 0;
	for (uint32_t i = 0; i < nrefs; i++) {
		const struct rule *r = refs[i].r;
		if (g->npats == 0 || !same_pattern(refs[i - 1].r, r)) {
			struct pattern *p = &g->pats[g->npats++];
			p->pat = r->fp.pat;
			p->len = r->fp.len;
			p->nocase = r->fp.nocase;
			p->first = nr;
			p->count = 0;
		}
		g->pat_rules[nr++] = r->num;
		g->pats[g->npats - 1].count++;
	}
	free(refs);
	return 0;
}

static void cache_key(const struct group *g, int gi, char hex[65])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[32];
	unsigned int mdl = 0;
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	const char *ver = hs_version();
	EVP_DigestUpdate(ctx, ver, strlen(ver));
	EVP_DigestUpdate(ctx, &gi, sizeof(gi));
	for (uint32_t i = 0; i < g->npats; i++) {
		uint32_t hdr[2] = {g->pats[i].len, g->pats[i].nocase};
		EVP_DigestUpdate(ctx, hdr, sizeof(hdr));
		EVP_DigestUpdate(ctx, g->pats[i].pat, g->pats[i].len);
	}
	EVP_DigestFinal_ex(ctx, md, &mdl);
	EVP_MD_CTX_free(ctx);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static char *cache_dir_path(const struct detect_engine *de)
{
	char *p = NULL;
	if (de->cache_dir != NULL)
		return strdup(de->cache_dir);
	const char *x = getenv("XDG_CACHE_HOME");
	if (x != NULL && *x) {
		if (asprintf(&p, "%s/vigil", x) < 0)
			return NULL;
		return p;
	}
	const char *h = getenv("HOME");
	if (h == NULL || !*h)
		return NULL;
	if (asprintf(&p, "%s/.cache/vigil", h) < 0)
		return NULL;
	return p;
}

static void mkdir_p(const char *path)
{
	char *c = strdup(path);
	if (c == NULL)
		return;
	for (char *s = c + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(c, 0755);
			*s = '/';
		}
	mkdir(c, 0755);
	free(c);
}

static hs_database_t *cache_read(const char *file)
{
	FILE *f = fopen(file, "rb");
	if (f == NULL)
		return NULL;
	hs_database_t *db = NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		rewind(f);
		char *buf = n > 0 ? malloc((size_t)n) : NULL;
		if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n &&
		    hs_deserialize_database(buf, (size_t)n, &db) != HS_SUCCESS)
			db = NULL;
		free(buf);
	}
	fclose(f);
	return db;
}

static void cache_write(const char *dir, const char *file, const hs_database_t *db)
{
	char *bytes = NULL;
	size_t len = 0;
	if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
		return;
	mkdir_p(dir);
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.%ld.tmp", file, (long)getpid()) >= 0) {
		FILE *f = fopen(tmp, "wb");
		if (f != NULL) {
			bool ok = fwrite(bytes, 1, len, f) == len;
			ok &= fclose(f) == 0;
			if (ok)
				rename(tmp, file);
			else
				unlink(tmp);
		}
		free(tmp);
	}
	free(bytes);
}

static int group_compile(struct group *g, FILE *log)
{
	const char **pats = malloc(g->npats * sizeof(*pats));
	unsigned *flags = malloc(g->npats * sizeof(*flags));
	unsigned *ids = malloc(g->npats * sizeof(*ids));
	size_t *lens = malloc(g->npats * sizeof(*lens));
	int rc = -1;
	if (pats == NULL || flags == NULL || ids == NULL || lens == NULL)
		goto out;
	for (uint32_t i = 0; i < g->npats; i++) {
		pats[i] = (const char *)g->pats[i].pat;
		lens[i] = g->pats[i].len;
		ids[i] = i;
		flags[i] = HS_FLAG_SINGLEMATCH | (g->pats[i].nocase ? HS_FLAG_CASELESS : 0);
	}
	hs_compile_error_t *err = NULL;
	if (hs_compile_lit_multi(pats, flags, ids, lens, g->npats, HS_MODE_BLOCK, NULL, &g->db,
				 &err) != HS_SUCCESS) {
		if (log)
			fprintf(log, "prefilter: hyperscan compile failed: %s\n",
				err ? err->message : "?");
		hs_free_compile_error(err);
		g->db = NULL;
		goto out;
	}
	rc = 0;
out:
	free(pats);
	free(flags);
	free(ids);
	free(lens);
	return rc;
}

int prefilter_build(struct detect_engine *de, FILE *log)
{
	struct prefilter *pf = calloc(1, sizeof(*pf));
	if (pf == NULL)
		return -1;
	de->pf = pf;
	pf->nrules = de->nrules;
	char *dir = de->no_cache ? NULL : cache_dir_path(de);
	bool all_hit = true;
	for (int gi = 0; gi < NGROUPS; gi++) {
		struct group *g = &pf->g[gi];
		if (group_collect(de, g, gi / DIR_MAX, gi % DIR_MAX) != 0)
			goto fail;
		if (g->npats == 0)
			continue;
		char key[65], *file = NULL;
		if (dir != NULL) {
			cache_key(g, gi, key);
			if (asprintf(&file, "%s/hs-%s.db", dir, key) < 0)
				file = NULL;
		}
		if (file != NULL)
			g->db = cache_read(file);
		if (g->db == NULL) {
			all_hit = false;
			if (group_compile(g, log) != 0) {
				free(file);
				goto fail;
			}
			if (file != NULL)
				cache_write(dir, file, g->db);
		}
		free(file);
	}
	de->cache_hit = all_hit && dir != NULL;
	free(dir);
	return 0;
fail:
	free(dir);
	return -1;
}

void prefilter_free(struct prefilter *pf)
{
	if (pf == NULL)
		return;
	for (int i = 0; i < NGROUPS; i++) {
		hs_free_database(pf->g[i].db);
		free(pf->g[i].pats);
		free(pf->g[i].pat_rules);
		free(pf->g[i].nofp);
	}
	free(pf);
}

/* ------------------------------------------------------------ per thread */

int prefilter_thread_init(struct detect_engine *de, struct det_thread *dt)
{
	struct prefilter *pf = de->pf;
	dt->cand = malloc((de->nrules + 1) * sizeof(uint32_t));
	dt->cand_seen = calloc(de->nrules + 1, 1);
	if (dt->cand == NULL || dt->cand_seen == NULL)
		return -1;
	hs_scratch_t *s = NULL;
	for (int i = 0; pf != NULL && i < NGROUPS; i++)
		if (pf->g[i].db != NULL && hs_alloc_scratch(pf->g[i].db, &s) != HS_SUCCESS) {
			hs_free_scratch(s);
			return -1;
		}
	dt->hs_scratch = s;
	return 0;
}

void prefilter_thread_free(struct det_thread *dt)
{
	hs_free_scratch(dt->hs_scratch);
	dt->hs_scratch = NULL;
	free(dt->cand);
	free(dt->cand_seen);
	dt->cand = NULL;
	dt->cand_seen = NULL;
}

struct scan_ctx {
	struct det_thread *dt;
	const struct group *g;
};

static void add_cand(struct det_thread *dt, uint32_t num)
{
	if (dt->cand_seen[num])
		return;
	dt->cand_seen[num] = 1;
	dt->cand[dt->ncand++] = num;
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *arg)
{
	struct scan_ctx *sc = arg;
	const struct pattern *p = &sc->g->pats[id];
	for (uint32_t i = 0; i < p->count; i++)
		add_cand(sc->dt, sc->g->pat_rules[p->first + i]);
	return 0;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

void prefilter_run(struct det_thread *dt, const struct packet *p)
{
	const struct prefilter *pf = dt->de->pf;
	dt->ncand = 0;
	if (pf == NULL)
		return;
	int pc = p->ip_version == 0 ? PC_OTHER : proto_class(p->proto);
	int dir = (p->flow != NULL && !p->flow_toserver) ? DIR_TC : DIR_TS;
	const struct group *g = &pf->g[pc * DIR_MAX + dir];
	for (uint32_t i = 0; i < g->nnofp; i++)
		add_cand(dt, g->nofp[i]);
	if (g->db != NULL && p->payload != NULL && p->payload_len > 0) {
		struct scan_ctx sc = {dt, g};
		hs_scan(g->db, (const char *)p->payload, p->payload_len, 0, dt->hs_scratch,
			on_match, &sc);
	}
	for (uint32_t i = 0; i < dt->ncand; i++)
		dt->cand_seen[dt->cand[i]] = 0;
	if (dt->ncand > 1)
		qsort(dt->cand, dt->ncand, sizeof(uint32_t), u32_cmp);
}
