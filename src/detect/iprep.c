/*
 * iprep.c — the IP reputation table (see iprep.h).  Each key is (family,
 * prefix length, address masked to it); its value the (category, score)
 * pairs listed for it.  A look-up masks the address to every prefix
 * length the files used, longest first.
 */
#include "detect/iprep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"
#include "util/config.h"

struct rep_pair {
	uint8_t cat, score;
};

struct rep_entry {
	struct rep_entry *next;
	uint32_t hash;
	uint8_t family, plen, n;
	uint8_t addr[16];
	struct rep_pair *pairs;
};

struct iprep {
	char *cat_name[IPREP_MAX_CATEGORY + 1];
	struct rep_entry **buckets;
	uint32_t nbuckets;
	uint64_t count;
	bool plen4[33], plen6[129]; /* prefix lengths present */
};

struct iprep *iprep_new(void)
{
	struct iprep *ir = calloc(1, sizeof(*ir));
	if (ir == NULL)
		return NULL;
	ir->nbuckets = 1024;
	ir->buckets = calloc(ir->nbuckets, sizeof(*ir->buckets));
	if (ir->buckets == NULL) {
		free(ir);
		return NULL;
	}
	return ir;
}

void iprep_free(struct iprep *ir)
{
	if (ir == NULL)
		return;
	for (uint32_t i = 0; i < ir->nbuckets; i++) {
		struct rep_entry *e = ir->buckets[i];
		while (e) {
			struct rep_entry *n = e->next;
			free(e->pairs);
			free(e);
			e = n;
		}
	}
	for (int i = 0; i <= IPREP_MAX_CATEGORY; i++)
		free(ir->cat_name[i]);
	free(ir->buckets);
	free(ir);
}

static void mask(uint8_t *a, unsigned len, unsigned plen)
{
	for (unsigned i = 0; i < len; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;
		if (bits < 8)
			a[i] &= (uint8_t)(0xff00u >> bits);
	}
}

static uint32_t key_hash(uint8_t family, uint8_t plen, const uint8_t *a)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)family << 8 ^ plen;
	for (int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 0x100000001b3ull;
	return (uint32_t)(h ^ (h >> 32));
}

static struct rep_entry *find(const struct iprep *ir, uint8_t family, uint8_t plen,
			      const uint8_t *a, uint32_t h)
{
	for (struct rep_entry *e = ir->buckets[h & (ir->nbuckets - 1)]; e; e = e->next)
		if (e->hash == h && e->family == family && e->plen == plen &&
		    memcmp(e->addr, a, 16) == 0)
			return e;
	return NULL;
}

static void grow(struct iprep *ir)
{
	if (ir->count < (uint64_t)ir->nbuckets * 2 || ir->nbuckets >= (1u << 28))
		return;
	uint32_t nb = ir->nbuckets * 2;
	struct rep_entry **b = calloc(nb, sizeof(*b));
	if (b == NULL)
		return;
	for (uint32_t i = 0; i < ir->nbuckets; i++)
		for (struct rep_entry *e = ir->buckets[i], *n; e; e = n) {
			n = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	free(ir->buckets);
	ir->buckets = b;
	ir->nbuckets = nb;
}

static int put(struct iprep *ir, const struct ip_addr *a, unsigned plen, unsigned cat,
	       unsigned score)
{
	uint8_t key[16] = {0};
	memcpy(key, a->bytes, a->family == 4 ? 4 : 16);
	mask(key, a->family == 4 ? 4 : 16, plen);
	uint32_t h = key_hash(a->family, (uint8_t)plen, key);
	struct rep_entry *e = find(ir, a->family, (uint8_t)plen, key, h);
	if (e == NULL) {
		e = calloc(1, sizeof(*e));
		if (e == NULL)
			return -1;
		e->hash = h;
		e->family = a->family;
		e->plen = (uint8_t)plen;
		memcpy(e->addr, key, 16);
		e->next = ir->buckets[h & (ir->nbuckets - 1)];
		ir->buckets[h & (ir->nbuckets - 1)] = e;
		ir->count++;
		if (a->family == 4)
			ir->plen4[plen] = true;
		else
			ir->plen6[plen] = true;
		grow(ir);
	}
	for (unsigned i = 0; i < e->n; i++)
		if (e->pairs[i].cat == cat) {
			e->pairs[i].score = (uint8_t)score; /* a later line wins */
			return 0;
		}
	struct rep_pair *p = realloc(e->pairs, (e->n + 1u) * sizeof(*p));
	if (p == NULL)
		return -1;
	e->pairs = p;
	e->pairs[e->n++] = (struct rep_pair){(uint8_t)cat, (uint8_t)score};
	return 0;
}

uint8_t iprep_score(const struct iprep *ir, const struct ip_addr *a, unsigned category)
{
	if (ir == NULL || (a->family != 4 && a->family != 6))
		return 0;
	unsigned len = a->family == 4 ? 4 : 16;
	int max = a->family == 4 ? 32 : 128;
	const bool *present = a->family == 4 ? ir->plen4 : ir->plen6;
	for (int plen = max; plen >= 0; plen--) {
		if (!present[plen])
			continue;
		uint8_t key[16] = {0};
		memcpy(key, a->bytes, len);
		mask(key, len, (unsigned)plen);
		const struct rep_entry *e =
		    find(ir, a->family, (uint8_t)plen, key, key_hash(a->family, (uint8_t)plen, key));
		for (unsigned i = 0; e && i < e->n; i++)
			if (e->pairs[i].cat == category)
				return e->pairs[i].score;
	}
	return 0;
}

unsigned iprep_category(const struct iprep *ir, const char *name)
{
	for (unsigned i = 1; ir && i <= IPREP_MAX_CATEGORY; i++)
		if (ir->cat_name[i] && strcmp(ir->cat_name[i], name) == 0)
			return i;
	return 0;
}

uint64_t iprep_entries(const struct iprep *ir)
{
	return ir ? ir->count : 0;
}

static bool parse_uint(const char *s, unsigned long max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *str_trim(end) != '\0' || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Reads a CSV-ish file line by line; fn gets the trimmed fields. */
typedef bool (*line_fn)(struct iprep *ir, char **f, int n, const char **why);

static int read_lines(struct iprep *ir, const char *path, const char *what, FILE *log, line_fn fn,
		      int nfields)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (log)
			fprintf(log, "%s: cannot read %s: %s\n", path, what, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	unsigned ln = 0, bad = 0, ok = 0;
	while (getline(&line, &cap, f) > 0) {
		ln++;
		char *s = str_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		/* the last field keeps any further commas (descriptions) */
		char *fl[4];
		int n = 0;
		fl[n++] = s;
		for (char *c; n < nfields && (c = strchr(fl[n - 1], ',')) != NULL;) {
			*c = '\0';
			fl[n++] = c + 1;
		}
		for (int i = 0; i < n; i++)
			fl[i] = str_trim(fl[i]);
		const char *why = "expected 3 comma-separated fields";
		if (n == nfields && fn(ir, fl, n, &why)) {
			ok++;
			continue;
		}
		bad++;
		if (log && bad <= 20)
			fprintf(log, "%s:%u: %s: %s\n", path, ln, what, why);
	}
	free(line);
	fclose(f);
	if (log && bad)
		fprintf(log, "%s: %s: %u lines loaded, %u malformed\n", path, what, ok, bad);
	return 0;
}

static bool category_line(struct iprep *ir, char **f, int n, const char **why)
{
	unsigned id;
	if (!parse_uint(f[0], IPREP_MAX_CATEGORY, &id) || id == 0) {
		*why = "category id is not 1-60";
		return false;
	}
	if (f[1][0] == '\0') {
		*why = "empty short name";
		return false;
	}
	free(ir->cat_name[id]);
	ir->cat_name[id] = strdup(f[1]);
	return ir->cat_name[id] != NULL;
}

static bool reputation_line(struct iprep *ir, char **f, int n, const char **why)
{
	char *slash = strchr(f[0], '/');
	unsigned plen = 0, cat, score;
	if (slash)
		*slash = '\0';
	struct ip_addr a;
	if (!ip_addr_parse(f[0], &a)) {
		*why = "not an IP address";
		return false;
	}
	unsigned max = a.family == 4 ? 32 : 128;
	if (slash == NULL)
		plen = max;
	else if (!parse_uint(slash + 1, max, &plen)) {
		*why = "bad prefix length";
		return false;
	}
	if (!parse_uint(f[1], IPREP_MAX_CATEGORY, &cat) || cat == 0) {
		*why = "category id is not 1-60";
		return false;
	}
	if (ir->cat_name[cat] == NULL) {
		*why = "category id not in the categories file";
		return false;
	}
	if (!parse_uint(f[2], 127, &score)) {
		*why = "score is not 0-127";
		return false;
	}
	if (put(ir, &a, plen, cat, score) != 0) {
		*why = "no memory";
		return false;
	}
	return true;
}

int iprep_load_categories(struct iprep *ir, const char *path, FILE *log)
{
	return read_lines(ir, path, "reputation categories", log, category_line, 3);
}

int iprep_load_file(struct iprep *ir, const char *path, FILE *log)
{
	return read_lines(ir, path, "reputation", log, reputation_line, 3);
}

struct iprep *iprep_load(const struct config_node *cfg, FILE *log)
{
	const char *cats = cfg ? config_get_str(cfg, "reputation-categories-file", NULL) : NULL;
	if (cats == NULL)
		return NULL;
	struct iprep *ir = iprep_new();
	if (ir == NULL)
		return NULL;
	iprep_load_categories(ir, cats, log);
	const char *dir = config_get_str(cfg, "default-reputation-path", NULL);
	const struct config_node *files = config_get(cfg, "reputation-files");
	for (size_t i = 0; files && files->kind == CONFIG_SEQ && i < files->nchild; i++) {
		const char *v = files->child[i]->value;
		if (v == NULL)
			continue;
		char path[4096];
		if (v[0] != '/' && dir)
			snprintf(path, sizeof(path), "%s/%s", dir, v);
		else
			snprintf(path, sizeof(path), "%s", v);
		iprep_load_file(ir, path, log);
	}
	return ir;
}
