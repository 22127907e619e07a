/*
 * ioc-enrich.c — what alerts are enriched with: the CISA KEV catalogue
 * (intel.kev: known exploited, date added, ransomware use, vendor,
 * product) and ATT&CK STIX bundles (intel.attack: technique names and
 * tactics).  The detect stage gives each rule's CVE and technique ids
 * (from metadata and references) once, at load; the JSON made here rides
 * on every alert of the rule as alert.enrichment.
 *
 * Without a catalogue the ids are still listed but nothing is claimed
 * about them: "known_exploited" appears only when KEV is loaded.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "intel/ioc-internal.h"

struct kev_entry {
	char *cve, *date, *ransomware, *vendor, *product;
};

struct technique {
	char *id, *name, *tactics; /* tactics: JSON array text */
};

struct ioc_enrich {
	struct kev_entry *kev;
	size_t nkev;
	bool kev_loaded;
	char *kev_version;
	struct technique *tech;
	size_t ntech;
	bool attack_loaded;
};

void ioc_enrich_free(struct ioc_enrich *en)
{
	if (en == NULL)
		return;
	for (size_t i = 0; i < en->nkev; i++) {
		free(en->kev[i].cve);
		free(en->kev[i].date);
		free(en->kev[i].ransomware);
		free(en->kev[i].vendor);
		free(en->kev[i].product);
	}
	for (size_t i = 0; i < en->ntech; i++) {
		free(en->tech[i].id);
		free(en->tech[i].name);
		free(en->tech[i].tactics);
	}
	free(en->kev);
	free(en->tech);
	free(en->kev_version);
	free(en);
}

static struct ioc_enrich *enrich_of(struct ioc_db *db)
{
	struct ioc_enrich **slot = ioc_db_enrich_ref(db);
	if (*slot == NULL)
		*slot = calloc(1, sizeof(**slot));
	return *slot;
}

static int kev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kev_entry *)a)->cve, ((const struct kev_entry *)b)->cve);
}

static int tech_cmp(const void *a, const void *b)
{
	return strcmp(((const struct technique *)a)->id, ((const struct technique *)b)->id);
}

static char *sdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

int ioc_db_load_kev(struct ioc_db *db, const char *path, FILE *log)
{
	struct ioc_enrich *en = enrich_of(db);
	json_error_t je;
	json_t *root = en ? json_load_file(path, 0, &je) : NULL;
	json_t *v = json_object_get(root, "vulnerabilities");
	if (!json_is_array(v)) {
		if (log)
			fprintf(log, "%s:%d: not a KEV catalogue (%s)\n", path, root ? 0 : je.line,
				root ? "no vulnerabilities array" : je.text);
		json_decref(root);
		return -1;
	}
	size_t i, bad = 0;
	json_t *e;
	en->kev = realloc(en->kev, (en->nkev + json_array_size(v)) * sizeof(*en->kev));
	json_array_foreach(v, i, e)
	{
		const char *cve = json_string_value(json_object_get(e, "cveID"));
		if (cve == NULL || strncmp(cve, "CVE-", 4) != 0) {
			if (log && bad < 10)
				fprintf(log, "%s: vulnerability #%zu: no cveID\n", path, i);
			bad++;
			continue;
		}
		struct kev_entry *k = &en->kev[en->nkev++];
		k->cve = strdup(cve);
		k->date = sdup(json_string_value(json_object_get(e, "dateAdded")));
		k->ransomware =
		    sdup(json_string_value(json_object_get(e, "knownRansomwareCampaignUse")));
		k->vendor = sdup(json_string_value(json_object_get(e, "vendorProject")));
		k->product = sdup(json_string_value(json_object_get(e, "product")));
	}
	qsort(en->kev, en->nkev, sizeof(*en->kev), kev_cmp);
	free(en->kev_version);
	en->kev_version = sdup(json_string_value(json_object_get(root, "catalogVersion")));
	en->kev_loaded = true;
	if (log)
		fprintf(log, "intel: %s: KEV catalogue %s, %zu CVEs (%zu malformed)\n", path,
			en->kev_version ? en->kev_version : "?", en->nkev, bad);
	json_decref(root);
	return 0;
}

static const char *technique_id(json_t *o)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(o, "external_references"), i, r)
	{
		const char *src = json_string_value(json_object_get(r, "source_name"));
		if (src && strncmp(src, "mitre-", 6) == 0)
			return json_string_value(json_object_get(r, "external_id"));
	}
	return NULL;
}

int ioc_db_load_attack(struct ioc_db *db, const char *path, FILE *log)
{
	struct ioc_enrich *en = enrich_of(db);
	json_error_t je;
	json_t *root = en ? json_load_file(path, 0, &je) : NULL;
	json_t *objs = json_object_get(root, "objects");
	if (!json_is_array(objs)) {
		if (log)
			fprintf(log, "%s:%d: not an ATT&CK STIX bundle\n", path, root ? 0 : je.line);
		json_decref(root);
		return -1;
	}
	size_t i, n0 = en->ntech;
	json_t *o;
	json_array_foreach(objs, i, o)
	{
		const char *t = json_string_value(json_object_get(o, "type"));
		const char *id = technique_id(o);
		if (t == NULL || strcmp(t, "attack-pattern") != 0 || id == NULL ||
		    json_is_true(json_object_get(o, "revoked")))
			continue;
		struct technique *v = realloc(en->tech, (en->ntech + 1) * sizeof(*v));
		if (v == NULL)
			break;
		en->tech = v;
		json_t *tactics = json_array();
		size_t k;
		json_t *ph;
		json_array_foreach(json_object_get(o, "kill_chain_phases"), k, ph)
		{
			const char *name = json_string_value(json_object_get(ph, "phase_name"));
			if (name)
				json_array_append_new(tactics, json_string(name));
		}
		struct technique *tq = &en->tech[en->ntech++];
		tq->id = strdup(id);
		tq->name = sdup(json_string_value(json_object_get(o, "name")));
		tq->tactics = json_dumps(tactics, JSON_COMPACT);
		json_decref(tactics);
	}
	qsort(en->tech, en->ntech, sizeof(*en->tech), tech_cmp);
	en->attack_loaded = true;
	if (log)
		fprintf(log, "intel: %s: %zu ATT&CK techniques\n", path, en->ntech - n0);
	json_decref(root);
	return 0;
}

bool ioc_db_has_enrichment(const struct ioc_db *db)
{
	const struct ioc_enrich *en = db ? *ioc_db_enrich_ref((struct ioc_db *)db) : NULL;
	return en && (en->kev_loaded || en->attack_loaded);
}

/* "CVE_2021_44228", "cve-2021-44228", "2021-44228" → "CVE-2021-44228";
 * false when it is none. */
bool ioc_cve_normalise(const char *s, char *out, size_t n)
{
	if (strncasecmp(s, "cve", 3) == 0 && (s[3] == '-' || s[3] == '_'))
		s += 4;
	char buf[32];
	size_t k = 0;
	for (; *s && k + 1 < sizeof(buf); s++)
		buf[k++] = *s == '_' ? '-' : *s;
	buf[k] = '\0';
	size_t y = strspn(buf, "0123456789");
	if (y != 4 || buf[4] != '-' || strspn(buf + 5, "0123456789") < 4 ||
	    buf[5 + strspn(buf + 5, "0123456789")] != '\0')
		return false;
	snprintf(out, n, "CVE-%s", buf);
	return true;
}

char *ioc_enrich_json(const struct ioc_db *db, const char *const *cves, size_t ncve,
		      const char *const *techs, size_t ntech)
{
	const struct ioc_enrich *en = db ? *ioc_db_enrich_ref((struct ioc_db *)db) : NULL;
	if (en == NULL || (ncve == 0 && ntech == 0))
		return NULL;
	json_t *o = json_object();
	if (ncve) {
		json_t *arr = json_array();
		for (size_t i = 0; i < ncve; i++) {
			json_t *c = json_object();
			json_object_set_new(c, "id", json_string(cves[i]));
			if (en->kev_loaded) {
				struct kev_entry key = {.cve = (char *)cves[i]};
				const struct kev_entry *k =
				    bsearch(&key, en->kev, en->nkev, sizeof(*en->kev), kev_cmp);
				json_object_set_new(c, "known_exploited", json_boolean(k != NULL));
				if (k) {
					if (k->date)
						json_object_set_new(c, "kev_date_added",
								    json_string(k->date));
					if (k->ransomware)
						json_object_set_new(c, "kev_ransomware_use",
								    json_string(k->ransomware));
					if (k->vendor)
						json_object_set_new(c, "vendor", json_string(k->vendor));
					if (k->product)
						json_object_set_new(c, "product",
								    json_string(k->product));
				}
			}
			json_array_append_new(arr, c);
		}
		json_object_set_new(o, "cve", arr);
	}
	if (ntech) {
		json_t *arr = json_array();
		for (size_t i = 0; i < ntech; i++) {
			json_t *t = json_object();
			json_object_set_new(t, "technique_id", json_string(techs[i]));
			struct technique key = {.id = (char *)techs[i]};
			const struct technique *q =
			    en->attack_loaded
				? bsearch(&key, en->tech, en->ntech, sizeof(*en->tech), tech_cmp)
				: NULL;
			if (q && q->name)
				json_object_set_new(t, "name", json_string(q->name));
			if (q && q->tactics)
				json_object_set_new(t, "tactics", json_loads(q->tactics, 0, NULL));
			json_array_append_new(arr, t);
		}
		json_object_set_new(o, "attack", arr);
	}
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}
