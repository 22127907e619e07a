/*
 * taxonomy — vigil's vocabulary (sectors, threat types, Security Council
 * themes: data/taxonomy/vocabulary.yaml) and the per-source mapping files
 * that translate each source's own categories into it (every other *.yaml
 * in data/taxonomy/).  Mapping happens at briefing time, so editing a
 * mapping file changes the next briefing without a re-import.  Lookups
 * fall back from "A / B / C" to "A / B" to "A" so a mapping can be given
 * for a whole category; what still does not map is the caller's to count
 * as `other` and to list.
 */
#include "brief/brief-internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

const char *yaml_str(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

yaml_node_t *yaml_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = yaml_str(yaml_document_get_node(doc, p->key));
		if (k && strcmp(k, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

bool yaml_load_path(const char *path, yaml_document_t *doc, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return false;
	}
	yaml_parser_t p;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	bool ok = yaml_parser_load(&p, doc);
	if (!ok)
		snprintf(
		    err, errlen, "%s:%lu:%lu: %s", path, (unsigned long)p.problem_mark.line + 1,
		    (unsigned long)p.problem_mark.column + 1, p.problem ? p.problem : "YAML error");
	yaml_parser_delete(&p);
	fclose(f);
	return ok;
}

int taxonomy_sector(const struct taxonomy *t, const char *id)
{
	for (size_t i = 0; id && i < t->nsectors; i++)
		if (strcmp(t->sector[i], id) == 0)
			return (int)i;
	return -1;
}

int taxonomy_threat(const struct taxonomy *t, const char *id)
{
	for (size_t i = 0; id && i < t->nthreats; i++)
		if (strcmp(t->threat[i], id) == 0)
			return (int)i;
	return -1;
}

/* Sets *mask to the union of the ids in sequence n; false on an unknown id. */
static bool ids_mask(const struct taxonomy *t, yaml_document_t *doc, yaml_node_t *n,
		     enum tax_dim dim, uint32_t *mask, char *err, size_t errlen)
{
	*mask = 0;
	if (!n)
		return true;
	for (yaml_node_item_t *it = n->type == YAML_SEQUENCE_NODE ? n->data.sequence.items.start
								  : NULL;
	     it && it < n->data.sequence.items.top; it++) {
		const char *id = yaml_str(yaml_document_get_node(doc, *it));
		int i = dim == TAX_SECTOR ? taxonomy_sector(t, id) : taxonomy_threat(t, id);
		if (i < 0) {
			snprintf(err, errlen, "vocabulary.yaml: unknown %s '%s' in a theme",
				 dim == TAX_SECTOR ? "sector" : "threat type", id ? id : "?");
			return false;
		}
		*mask |= 1u << i;
	}
	return true;
}

static bool load_themes(struct taxonomy *t, yaml_document_t *doc, yaml_node_t *seq, char *err,
			size_t errlen)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return true;
	size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	t->themes = calloc(n ? n : 1, sizeof(*t->themes));
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *th = yaml_document_get_node(doc, *it);
		struct tax_theme *x = &t->themes[t->nthemes++];
		x->id = xstrdup(yaml_str(yaml_get(doc, th, "id")));
		if (!ids_mask(t, doc, yaml_get(doc, th, "sectors"), TAX_SECTOR, &x->sectors, err,
			      errlen) ||
		    !ids_mask(t, doc, yaml_get(doc, th, "threats"), TAX_THREAT, &x->threats, err,
			      errlen))
			return false;
		yaml_node_t *ev = yaml_get(doc, th, "evidence");
		if (!ev || ev->type != YAML_SEQUENCE_NODE)
			continue;
		size_t ne = (size_t)(ev->data.sequence.items.top - ev->data.sequence.items.start);
		x->evidence = calloc(ne ? ne : 1, sizeof(char *));
		for (yaml_node_item_t *e = ev->data.sequence.items.start;
		     e < ev->data.sequence.items.top; e++)
			x->evidence[x->nevidence++] =
			    xstrdup(yaml_str(yaml_document_get_node(doc, *e)));
	}
	return true;
}

static bool load_vocabulary(struct taxonomy *t, const char *dir, char *err, size_t errlen)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/taxonomy/vocabulary.yaml", dir);
	yaml_document_t doc;
	if (!yaml_load_path(path, &doc, err, errlen))
		return false;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	yaml_node_t *sec = yaml_get(&doc, root, "sectors"), *thr = yaml_get(&doc, root, "threats");
	bool ok = sec && thr && sec->type == YAML_SEQUENCE_NODE && thr->type == YAML_SEQUENCE_NODE;
	for (yaml_node_item_t *it = ok ? sec->data.sequence.items.start : NULL;
	     it && it < sec->data.sequence.items.top && t->nsectors < TAX_MAX; it++) {
		yaml_node_t *s = yaml_document_get_node(&doc, *it);
		const char *crit = yaml_str(yaml_get(&doc, s, "critical"));
		t->critical[t->nsectors] = crit && strcmp(crit, "true") == 0;
		t->sector[t->nsectors++] = xstrdup(yaml_str(yaml_get(&doc, s, "id")));
	}
	for (yaml_node_item_t *it = ok ? thr->data.sequence.items.start : NULL;
	     it && it < thr->data.sequence.items.top && t->nthreats < TAX_MAX; it++)
		t->threat[t->nthreats++] = xstrdup(yaml_str(yaml_document_get_node(&doc, *it)));
	t->sector_other = taxonomy_sector(t, "other");
	t->threat_other = taxonomy_threat(t, "other");
	if (!ok || t->sector_other < 0 || t->threat_other < 0)
		snprintf(err, errlen,
			 "%s: needs `sectors:` and `threats:` lists, each with `other`", path);
	ok = ok && t->sector_other >= 0 && t->threat_other >= 0 &&
	     load_themes(t, &doc, yaml_get(&doc, root, "themes"), err, errlen);
	yaml_document_delete(&doc);
	return ok;
}

static bool add_map(struct taxonomy *t, const char *source, enum tax_dim dim, const char *attr,
		    const char *raw, const char *target, const char *path, char *err, size_t errlen)
{
	int idx = target && strcmp(target, "unknown") == 0 ? TAX_UNKNOWN
		  : dim == TAX_SECTOR			   ? taxonomy_sector(t, target)
							   : taxonomy_threat(t, target);
	if (idx == -1) {
		snprintf(err, errlen, "%s: '%s' maps to unknown id '%s'", path,
			 raw ? raw : "default", target ? target : "?");
		return false;
	}
	struct tax_map *n = realloc(t->maps, (t->nmaps + 1) * sizeof(*n));
	if (!n)
		return false;
	t->maps = n;
	t->maps[t->nmaps++] =
	    (struct tax_map){xstrdup(source), dim, xstrdup(attr), raw ? xstrdup(raw) : NULL, idx};
	return true;
}

static bool load_mapping(struct taxonomy *t, yaml_document_t *doc, yaml_node_t *m,
			 const char *source, const char *path, char *err, size_t errlen)
{
	const char *dim_s = yaml_str(yaml_get(doc, m, "dimension"));
	const char *attr = yaml_str(yaml_get(doc, m, "attribute"));
	if (!dim_s || !attr || (strcmp(dim_s, "sector") && strcmp(dim_s, "threat"))) {
		snprintf(err, errlen,
			 "%s:%lu: a mapping needs `dimension: sector|threat` and `attribute:`",
			 path, (unsigned long)m->start_mark.line + 1);
		return false;
	}
	enum tax_dim dim = strcmp(dim_s, "sector") == 0 ? TAX_SECTOR : TAX_THREAT;
	const char *def = yaml_str(yaml_get(doc, m, "default"));
	if (def && !add_map(t, source, dim, attr, NULL, def, path, err, errlen))
		return false;
	yaml_node_t *vals = yaml_get(doc, m, "values");
	for (yaml_node_pair_t *p =
		 vals && vals->type == YAML_MAPPING_NODE ? vals->data.mapping.pairs.start : NULL;
	     p && p < vals->data.mapping.pairs.top; p++)
		if (!add_map(t, source, dim, attr, yaml_str(yaml_document_get_node(doc, p->key)),
			     yaml_str(yaml_document_get_node(doc, p->value)), path, err, errlen))
			return false;
	return true;
}

static bool load_source_file(struct taxonomy *t, const char *path, char *err, size_t errlen)
{
	yaml_document_t doc;
	if (!yaml_load_path(path, &doc, err, errlen))
		return false;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	const char *source = yaml_str(yaml_get(&doc, root, "source"));
	yaml_node_t *maps = yaml_get(&doc, root, "mappings");
	bool ok = source && maps && maps->type == YAML_SEQUENCE_NODE;
	if (!ok)
		snprintf(err, errlen, "%s: needs `source:` and a `mappings:` list", path);
	for (yaml_node_item_t *it = ok ? maps->data.sequence.items.start : NULL;
	     ok && it < maps->data.sequence.items.top; it++)
		ok = load_mapping(t, &doc, yaml_document_get_node(&doc, *it), source, path, err,
				  errlen);
	yaml_document_delete(&doc);
	return ok;
}

/* The *.yaml files of dir (full paths, unsorted). */
static char **list_yaml(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **files = NULL;
	struct dirent *e;
	*n = 0;
	while (d && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		char **nf = realloc(files, (*n + 1) * sizeof(*nf));
		if (!nf)
			break;
		files = nf;
		files[(*n)++] = xasprintf("%s/%s", dir, e->d_name);
	}
	if (d)
		closedir(d);
	return files;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct taxonomy *taxonomy_load(const char *datadir, char *err, size_t errlen)
{
	struct taxonomy *t = calloc(1, sizeof(*t));
	if (!t || !load_vocabulary(t, datadir, err, errlen)) {
		taxonomy_free(t);
		return NULL;
	}
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/taxonomy", datadir);
	size_t nfiles = 0;
	char **files = list_yaml(dir, &nfiles);
	bool ok = true;
	if (files)
		qsort(files, nfiles, sizeof(*files), cmp_name);
	for (size_t i = 0; i < nfiles; i++) {
		if (ok && !strstr(files[i], "/vocabulary.yaml"))
			ok = load_source_file(t, files[i], err, errlen);
		free(files[i]);
	}
	free(files);
	if (!ok) {
		taxonomy_free(t);
		return NULL;
	}
	return t;
}

void taxonomy_free(struct taxonomy *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nsectors; i++)
		free(t->sector[i]);
	for (size_t i = 0; i < t->nthreats; i++)
		free(t->threat[i]);
	for (size_t i = 0; i < t->nthemes; i++) {
		free(t->themes[i].id);
		for (size_t e = 0; e < t->themes[i].nevidence; e++)
			free(t->themes[i].evidence[e]);
		free(t->themes[i].evidence);
	}
	free(t->themes);
	for (size_t i = 0; i < t->nmaps; i++) {
		free(t->maps[i].source);
		free(t->maps[i].attribute);
		free(t->maps[i].raw);
	}
	free(t->maps);
	free(t);
}

bool taxonomy_maps_attribute(const struct taxonomy *t, const char *source, enum tax_dim dim,
			     const char *attribute)
{
	for (size_t i = 0; i < t->nmaps; i++)
		if (t->maps[i].dim == dim && strcmp(t->maps[i].source, source) == 0 &&
		    strcmp(t->maps[i].attribute, attribute) == 0)
			return true;
	return false;
}

static int lookup_exact(const struct taxonomy *t, const char *source, enum tax_dim dim,
			const char *attribute, const char *raw, size_t rawlen)
{
	int def = -1;
	for (size_t i = 0; i < t->nmaps; i++) {
		const struct tax_map *m = &t->maps[i];
		if (m->dim != dim || strcmp(m->source, source) || strcmp(m->attribute, attribute))
			continue;
		if (!m->raw)
			def = m->target;
		else if (strlen(m->raw) == rawlen && memcmp(m->raw, raw, rawlen) == 0)
			return m->target;
	}
	return def;
}

int taxonomy_lookup(const struct taxonomy *t, const char *source, enum tax_dim dim,
		    const char *attribute, const char *raw)
{
	size_t len = strlen(raw);
	for (;;) {
		int idx = lookup_exact(t, source, dim, attribute, raw, len);
		if (idx != -1)
			return idx;
		/* Drop the last " / " segment and try the broader category. */
		const char *cut = NULL;
		for (size_t i = 0; i + 3 <= len; i++)
			if (memcmp(raw + i, " / ", 3) == 0)
				cut = raw + i;
		if (!cut)
			return -1;
		len = (size_t)(cut - raw);
	}
}
