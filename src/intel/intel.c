/*
 * intel — the table of source kinds and the import driver: it opens the
 * source row (provenance), runs the kind's importer inside one
 * transaction, and records the outcome.  A failed import rolls back, so
 * the store never holds half a source.
 */
#include "intel/intel-internal.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct intel_kind_entry {
	struct intel_source_kind info;
	bool (*import)(struct intel_ctx *ctx, const char *path);
};

static const struct intel_kind_entry intel_kinds[] = {
    {{"eurepoc", "EuRepoC dashboard extracts (directory of CSV files)"}, intel_import_eurepoc},
    {{"cipher", "CIPHER patient-harm events (CSV)"}, intel_import_cipher},
    {{"kev", "CISA Known Exploited Vulnerabilities catalog (JSON)"}, intel_import_kev},
    {{"attack", "MITRE ATT&CK STIX 2.1 bundle (JSON)"}, intel_import_attack},
    {{"stix", "generic STIX 2.1 bundle (JSON file or directory)"}, intel_import_stix},
    {{"misp", "MISP galaxy clusters (JSON file or directory)"}, intel_import_misp},
};
#define INTEL_NKINDS (sizeof(intel_kinds) / sizeof(intel_kinds[0]))

const struct intel_source_kind *intel_source_kinds(size_t *n)
{
	static struct intel_source_kind infos[INTEL_NKINDS];
	for (size_t i = 0; i < INTEL_NKINDS; i++)
		infos[i] = intel_kinds[i].info;
	*n = INTEL_NKINDS;
	return infos;
}

static const struct intel_kind_entry *intel_kind_find(const char *kind)
{
	for (size_t i = 0; i < INTEL_NKINDS; i++)
		if (strcmp(intel_kinds[i].info.name, kind) == 0)
			return &intel_kinds[i];
	return NULL;
}

bool intel_source_known(const char *kind)
{
	return kind && intel_kind_find(kind) != NULL;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

bool intel_valid_stakeholder(const char *s)
{
	static const char *const kinds[] = {"un",	"government", "private", "civil-society",
					    "academia", NULL};
	return in_list(s, kinds);
}

bool intel_valid_tlp(const char *s)
{
	static const char *const tlps[] = {"clear",	   "green", "amber",
					   "amber+strict", "red",   NULL}; /* TLP 2.0 */
	return in_list(s, tlps);
}

void intel_malformed(struct intel_ctx *ctx, const char *file, uint64_t line, const char *fmt, ...)
{
	char reason[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	ctx->res->malformed++;
	fprintf(stderr, "vigil: %s:%llu: %s\n", file, (unsigned long long)line, reason);
	store_source_issue(ctx->st, ctx->source_id, file, line, reason);
}

int64_t intel_put(struct intel_ctx *ctx, const char *kind, const char *ext_id, const char *date,
		  const char *title, double score)
{
	int64_t id = store_record_put(ctx->st, ctx->source_id, kind, ext_id, date, title, score);
	if (id >= 0)
		ctx->res->records++;
	return id;
}

bool intel_iso_date(const char *s, char *out)
{
	if (!s || strlen(s) < 10)
		return false;
	memcpy(out, s, 10);
	out[10] = '\0';
	return store_valid_date(out);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **intel_dir_files(const char *path, const char *suffix)
{
	DIR *d = opendir(path);
	if (!d)
		return NULL;
	size_t n = 0, cap = 16, slen = strlen(suffix);
	char **list = calloc(cap, sizeof(*list));
	struct dirent *e;
	while (list && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < slen ||
		    strcmp(e->d_name + len - slen, suffix) != 0)
			continue;
		if (n + 2 > cap) {
			char **nl = realloc(list, (cap *= 2) * sizeof(*list));
			if (!nl)
				break;
			list = nl;
		}
		if (asprintf(&list[n], "%s/%s", path, e->d_name) < 0)
			break;
		list[++n] = NULL;
	}
	closedir(d);
	if (list)
		qsort(list, n, sizeof(*list), cmp_str);
	return list;
}

void intel_free_list(char **list)
{
	for (char **p = list; p && *p; p++)
		free(*p);
	free(list);
}

int intel_source_import(struct store *st, const char *kind, const char *path,
			const struct intel_provenance *prov, struct intel_import_result *res)
{
	const struct intel_kind_entry *k = intel_kind_find(kind);
	struct stat sb;
	if (!k) {
		fprintf(stderr, "vigil: unknown source kind '%s'\n", kind);
		return -1;
	}
	if (stat(path, &sb) != 0) {
		fprintf(stderr, "vigil: %s: no such file or directory\n", path);
		return -1;
	}
	memset(res, 0, sizeof(*res));
	char *real = realpath(path, NULL);
	struct intel_ctx ctx = {.st = st, .res = res};
	struct store_source src = {
	    .kind = kind,
	    .path = real ? real : path,
	    .publisher = prov->publisher,
	    .stakeholder = prov->stakeholder,
	    .tlp = prov->tlp ? prov->tlp : "clear",
	    .licence = prov->licence ? prov->licence : "not stated",
	};
	bool ok = store_begin(st);
	if (ok)
		ok = (ctx.source_id = store_source_begin(st, &src)) >= 0;
	if (ok)
		ok = k->import(&ctx, path);
	if (ok)
		ok =
		    store_source_finish(st, ctx.source_id,
					&(struct store_source_outcome){res->records, res->malformed,
								       res->skipped, ctx.title}) &&
		    store_commit(st);
	if (!ok)
		store_rollback(st);
	free(real);
	return ok ? 0 : -1;
}
