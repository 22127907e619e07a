/*
 * enrich.c — each rule's CVE and ATT&CK technique ids, read once when
 * the engine is built, turned into the JSON every alert of the rule
 * carries as alert.enrichment (intel/ioc-enrich.c looks them up in the
 * KEV catalogue and ATT&CK).  Ids come from metadata (ET's
 * `cve CVE_2021_44228`, `mitre_technique_id T1190`) and references
 * (`reference:cve,2021-44228`).  Nothing is added when no catalogue is
 * loaded or the rule names no id.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"
#include "intel/ioc.h"

#define MAX_IDS 16

static void add_unique(char ids[][32], size_t *n, const char *v)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(ids[i], v) == 0)
			return;
	if (*n < MAX_IDS)
		snprintf(ids[(*n)++], 32, "%s", v);
}

/* "key value" metadata entry: the value when the key is `key`. */
static const char *meta_value(const char *m, const char *key)
{
	size_t kl = strlen(key);
	if (strncmp(m, key, kl) != 0 || m[kl] != ' ')
		return NULL;
	m += kl;
	while (*m == ' ')
		m++;
	return m;
}

static void rule_enrich(const struct ioc_db *db, struct rule *r)
{
	char cves[MAX_IDS][32], techs[MAX_IDS][32], norm[32];
	size_t nc = 0, nt = 0;
	for (size_t i = 0; i < r->nmetadata; i++) {
		const char *v = meta_value(r->metadata[i], "cve");
		if (v && ioc_cve_normalise(v, norm, sizeof(norm)))
			add_unique(cves, &nc, norm);
		v = meta_value(r->metadata[i], "mitre_technique_id");
		if (v && v[0] == 'T' && strlen(v) < 32)
			add_unique(techs, &nt, v);
	}
	for (size_t i = 0; i < r->nrefs; i++)
		if (strcmp(r->refs[i].key, "cve") == 0 &&
		    ioc_cve_normalise(r->refs[i].value, norm, sizeof(norm)))
			add_unique(cves, &nc, norm);
	const char *cp[MAX_IDS], *tp[MAX_IDS];
	for (size_t i = 0; i < nc; i++)
		cp[i] = cves[i];
	for (size_t i = 0; i < nt; i++)
		tp[i] = techs[i];
	r->enrichment = ioc_enrich_json(db, cp, nc, tp, nt);
}

void detect_enrich_rules(struct detect_engine *de)
{
	if (!ioc_db_has_enrichment(de->ioc))
		return;
	for (uint32_t i = 0; i < de->nrules; i++)
		rule_enrich(de->ioc, de->rules[i]);
}
