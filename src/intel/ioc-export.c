/*
 * ioc-export.c — `vigil intel export`: the indicator matches of EVE files
 * (alerts carrying alert.context.intel) shared back as sightings.
 *
 * Matches are grouped by indicator (feed, source id, value): a count and
 * the first and last time seen.  --stix writes one STIX 2.1 bundle: the
 * sensor as an identity, the TLP marking definitions used, and per
 * indicator a sighting (sighting_of_ref: the STIX indicator's own id, or
 * for MISP/CSV indicators an indicator object made here with the value's
 * pattern and an external reference to the feed entry) with an
 * observed-data and the observable it saw.  --misp writes MISP sightings
 * (attribute uuid, value, source, count, last time).  TLP:RED indicators
 * are left out (and counted) unless --include-red.  Ids are UUIDv5 of
 * their content, so exporting the same EVE twice gives the same bundle.
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intel/ioc.h"

struct sighting {
	char *feed, *source_id, *value, *type, *tlp, *publisher;
	uint64_t count;
	double first, last; /* Unix seconds */
};

struct export {
	struct sighting *v;
	size_t n, cap;
	uint64_t alerts, red_left_out, bad_lines;
};

/* EVE "2015-10-08T15:51:15.662286+0000" → Unix seconds. */
static bool eve_time(const char *s, double *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (p == NULL)
		return false;
	double frac = 0;
	if (*p == '.') {
		char *e;
		frac = strtod(p, &e);
		p = e;
	}
	int off = 0;
	if ((*p == '+' || *p == '-') && strlen(p) >= 5) {
		int hh = (p[1] - '0') * 10 + (p[2] - '0'), mm = (p[3] - '0') * 10 + (p[4] - '0');
		off = (hh * 60 + mm) * 60 * (*p == '-' ? -1 : 1);
	}
	*out = (double)timegm(&tm) - off + frac;
	return true;
}

static void stix_time(double t, char *out, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	char base[32];
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, n, "%s.%03dZ", base, (int)((t - (double)s) * 1000) % 1000);
}

static char *dup_or(const char *s, const char *def)
{
	return strdup(s ? s : def);
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void add_match(struct export *x, json_t *intel, double ts, bool include_red)
{
	const char *feed = jstr(intel, "feed"), *sid = jstr(intel, "source_id"),
		   *value = jstr(intel, "indicator"), *tlp = jstr(intel, "tlp");
	if (value == NULL)
		return;
	x->alerts++;
	if (tlp && strcmp(tlp, "red") == 0 && !include_red) {
		x->red_left_out++;
		return;
	}
	for (size_t i = 0; i < x->n; i++) {
		struct sighting *s = &x->v[i];
		if (strcmp(s->value, value) == 0 && strcmp(s->feed, feed ? feed : "") == 0 &&
		    strcmp(s->source_id, sid ? sid : "") == 0) {
			s->count++;
			if (ts < s->first)
				s->first = ts;
			if (ts > s->last)
				s->last = ts;
			return;
		}
	}
	if (x->n == x->cap) {
		size_t c = x->cap ? x->cap * 2 : 64;
		struct sighting *v = realloc(x->v, c * sizeof(*v));
		if (v == NULL)
			return;
		x->v = v;
		x->cap = c;
	}
	struct sighting *s = &x->v[x->n++];
	s->feed = dup_or(feed, "");
	s->source_id = dup_or(sid, "");
	s->value = strdup(value);
	s->type = dup_or(jstr(intel, "type"), "");
	s->tlp = dup_or(tlp, "");
	s->publisher = dup_or(jstr(intel, "publisher"), "");
	s->count = 1;
	s->first = s->last = ts;
}

static int read_eve(struct export *x, const char *path, bool include_red)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "vigil intel export: cannot read %s\n", path);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	unsigned ln = 0;
	while (getline(&line, &cap, f) > 0) {
		ln++;
		if (strstr(line, "\"intel\"") == NULL)
			continue;
		json_t *ev = json_loads(line, 0, NULL);
		if (ev == NULL) {
			if (x->bad_lines++ < 10)
				fprintf(stderr, "%s:%u: not JSON, skipped\n", path, ln);
			continue;
		}
		json_t *intel =
		    json_object_get(json_object_get(json_object_get(ev, "alert"), "context"), "intel");
		double ts;
		if (json_is_object(intel) && eve_time(jstr(ev, "timestamp"), &ts))
			add_match(x, intel, ts, include_red);
		json_decref(ev);
	}
	free(line);
	fclose(f);
	return 0;
}

/* ------------------------------------------------------------ STIX */

/* UUIDv5 (SHA-1 of a namespace and the name) as "type--uuid". */
static void stix_id(const char *type, const char *name, char *out, size_t n)
{
	static const uint8_t ns[16] = {0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
				       0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7};
	uint8_t h[EVP_MAX_MD_SIZE];
	size_t tl = strlen(type), nl = strlen(name);
	uint8_t *buf = malloc(sizeof(ns) + tl + 1 + nl);
	if (buf == NULL) {
		snprintf(out, n, "%s--00000000-0000-5000-8000-000000000000", type);
		return;
	}
	memcpy(buf, ns, sizeof(ns));
	memcpy(buf + sizeof(ns), type, tl);
	buf[sizeof(ns) + tl] = '|';
	memcpy(buf + sizeof(ns) + tl + 1, name, nl);
	EVP_Digest(buf, sizeof(ns) + tl + 1 + nl, h, NULL, EVP_sha1(), NULL);
	free(buf);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x50);
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	snprintf(out, n,
		 "%s--%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", type,
		 h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12],
		 h[13], h[14], h[15]);
}

static const struct {
	const char *tlp, *id;
} tlp_marks[] = {
    {"clear", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
    {"green", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
    {"amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
    {"amber+strict", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
    {"red", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
};

static int tlp_index(const char *tlp)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(tlp, tlp_marks[i].tlp) == 0)
			return i;
	return -1;
}

/* The observable of a sighting and its STIX pattern. */
static json_t *observable(const struct sighting *s, char *pattern, size_t pn)
{
	json_t *o = json_object();
	const char *t = s->type;
	char id[128];
	bool hash = strcmp(t, "md5") == 0 || strcmp(t, "sha1") == 0 || strcmp(t, "sha256") == 0;
	if (hash || strcmp(t, "ja3") == 0) {
		const char *alg = strcmp(t, "sha1") == 0     ? "SHA-1"
				  : strcmp(t, "sha256") == 0 ? "SHA-256"
							     : "MD5";
		stix_id("file", s->value, id, sizeof(id));
		json_object_set_new(o, "type", json_string("file"));
		json_t *h = json_object();
		json_object_set_new(h, alg, json_string(s->value));
		json_object_set_new(o, "hashes", h);
		snprintf(pattern, pn, "[file:hashes.'%s' = '%s']", alg, s->value);
		if (strcmp(t, "ja3") == 0) { /* JA3 is no file: a custom observable */
			stix_id("x-ja3", s->value, id, sizeof(id));
			json_object_clear(o);
			json_object_set_new(o, "type", json_string("x-ja3"));
			json_object_set_new(o, "hash", json_string(s->value));
			snprintf(pattern, pn, "[x-ja3:hash = '%s']", s->value);
		}
	} else {
		const char *type = strcmp(t, "url") == 0 ? "url" : t; /* ipv4-addr, ... */
		stix_id(type, s->value, id, sizeof(id));
		json_object_set_new(o, "type", json_string(type));
		char v[600];
		/* vigil keeps URLs without scheme; STIX wants a URL */
		snprintf(v, sizeof(v), "%s%s", strcmp(t, "url") == 0 ? "http://" : "", s->value);
		json_object_set_new(o, "value", json_string(v));
		snprintf(pattern, pn, "[%s:value = '%s']", type, v);
	}
	json_object_set_new(o, "spec_version", json_string("2.1"));
	json_object_set_new(o, "id", json_string(id));
	return o;
}

static json_t *sdo(const char *type, const char *id, const char *created)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "spec_version", json_string("2.1"));
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "created", json_string(created));
	json_object_set_new(o, "modified", json_string(created));
	return o;
}

static json_t *stix_bundle(const struct export *x, const char *sensor)
{
	json_t *objs = json_array();
	char sensor_id[128], created[40], first[40], last[40], id[128];
	stix_id("identity", sensor, sensor_id, sizeof(sensor_id));
	double newest = 0;
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i].last > newest)
			newest = x->v[i].last;
	stix_time(newest, created, sizeof(created));
	json_t *ident = sdo("identity", sensor_id, created);
	json_object_set_new(ident, "name", json_string(sensor));
	json_object_set_new(ident, "identity_class", json_string("system"));
	json_array_append_new(objs, ident);
	bool used[5] = {false};
	for (size_t i = 0; i < x->n; i++) {
		const struct sighting *s = &x->v[i];
		stix_time(s->first, first, sizeof(first));
		stix_time(s->last, last, sizeof(last));
		char pattern[700];
		json_t *obs = observable(s, pattern, sizeof(pattern));
		const char *obs_id = jstr(obs, "id");
		int ti = tlp_index(s->tlp);
		json_t *marks = json_array();
		if (ti >= 0) {
			used[ti] = true;
			json_array_append_new(marks, json_string(tlp_marks[ti].id));
		}
		/* the indicator: the feed's own STIX id, else one made here */
		char ind_id[160];
		if (strncmp(s->source_id, "indicator--", 11) == 0) {
			snprintf(ind_id, sizeof(ind_id), "%s", s->source_id);
		} else {
			char key[1200];
			snprintf(key, sizeof(key), "%s|%s|%s", s->feed, s->source_id, s->value);
			stix_id("indicator", key, ind_id, sizeof(ind_id));
			json_t *ind = sdo("indicator", ind_id, first);
			json_object_set_new(ind, "name", json_string(s->value));
			json_object_set_new(ind, "pattern", json_string(pattern));
			json_object_set_new(ind, "pattern_type", json_string("stix"));
			json_object_set_new(ind, "valid_from", json_string(first));
			json_t *ext = json_object();
			json_object_set_new(ext, "source_name", json_string(s->feed));
			json_object_set_new(ext, "external_id", json_string(s->source_id));
			json_t *exts = json_array();
			json_array_append_new(exts, ext);
			json_object_set_new(ind, "external_references", exts);
			if (json_array_size(marks))
				json_object_set(ind, "object_marking_refs", marks);
			json_array_append_new(objs, ind);
		}
		char od_key[1300];
		snprintf(od_key, sizeof(od_key), "%s|%s|%s", ind_id, s->value, first);
		stix_id("observed-data", od_key, id, sizeof(id));
		json_t *od = sdo("observed-data", id, last);
		json_object_set_new(od, "created_by_ref", json_string(sensor_id));
		json_object_set_new(od, "first_observed", json_string(first));
		json_object_set_new(od, "last_observed", json_string(last));
		json_object_set_new(od, "number_observed", json_integer((json_int_t)s->count));
		json_t *refs = json_array();
		json_array_append_new(refs, json_string(obs_id));
		json_object_set_new(od, "object_refs", refs);
		if (json_array_size(marks))
			json_object_set(od, "object_marking_refs", marks);
		char od_id[128];
		snprintf(od_id, sizeof(od_id), "%s", id);
		stix_id("sighting", od_key, id, sizeof(id));
		json_t *sg = sdo("sighting", id, last);
		json_object_set_new(sg, "created_by_ref", json_string(sensor_id));
		json_object_set_new(sg, "sighting_of_ref", json_string(ind_id));
		json_t *odr = json_array(), *where = json_array();
		json_array_append_new(odr, json_string(od_id));
		json_array_append_new(where, json_string(sensor_id));
		json_object_set_new(sg, "observed_data_refs", odr);
		json_object_set_new(sg, "where_sighted_refs", where);
		json_object_set_new(sg, "first_seen", json_string(first));
		json_object_set_new(sg, "last_seen", json_string(last));
		json_object_set_new(sg, "count", json_integer((json_int_t)s->count));
		if (json_array_size(marks))
			json_object_set(sg, "object_marking_refs", marks);
		json_array_append_new(objs, obs);
		json_array_append_new(objs, od);
		json_array_append_new(objs, sg);
		json_decref(marks);
	}
	static const char *const names[] = {"white", "green", "amber", "amber", "red"};
	for (int i = 0; i < 5; i++) {
		if (!used[i] || (i == 3 && used[2]))
			continue;
		json_t *m = json_object();
		json_object_set_new(m, "type", json_string("marking-definition"));
		json_object_set_new(m, "spec_version", json_string("2.1"));
		json_object_set_new(m, "id", json_string(tlp_marks[i].id));
		json_object_set_new(m, "created", json_string("2017-01-20T00:00:00.000Z"));
		json_object_set_new(m, "definition_type", json_string("tlp"));
		char name[16];
		snprintf(name, sizeof(name), "TLP:%s", names[i]);
		for (char *c = name + 4; *c; c++)
			*c = (char)(*c - 32);
		json_object_set_new(m, "name", json_string(name));
		json_t *def = json_object();
		json_object_set_new(def, "tlp", json_string(names[i]));
		json_object_set_new(m, "definition", def);
		json_array_append_new(objs, m);
	}
	json_t *b = json_object();
	json_object_set_new(b, "type", json_string("bundle"));
	char key[64];
	snprintf(key, sizeof(key), "%s|%zu|%s", sensor, x->n, created);
	stix_id("bundle", key, id, sizeof(id));
	json_object_set_new(b, "id", json_string(id));
	json_object_set_new(b, "objects", objs);
	return b;
}

static json_t *misp_sightings(const struct export *x, const char *sensor)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < x->n; i++) {
		const struct sighting *s = &x->v[i];
		json_t *o = json_object();
		if (s->source_id[0] && strchr(s->source_id, ' ') == NULL &&
		    strncmp(s->source_id, "indicator--", 11) != 0)
			json_object_set_new(o, "attribute_uuid", json_string(s->source_id));
		json_object_set_new(o, "value", json_string(s->value));
		json_object_set_new(o, "type", json_string("0")); /* a sighting, not false positive */
		json_object_set_new(o, "source", json_string(sensor));
		char t[32];
		snprintf(t, sizeof(t), "%lld", (long long)s->last);
		json_object_set_new(o, "date_sighting", json_string(t));
		json_object_set_new(o, "count", json_integer((json_int_t)s->count));
		json_object_set_new(o, "feed", json_string(s->feed));
		if (s->tlp[0]) {
			char tag[32];
			snprintf(tag, sizeof(tag), "tlp:%s", s->tlp);
			json_object_set_new(o, "tlp", json_string(tag));
		}
		json_t *w = json_object();
		json_object_set_new(w, "Sighting", o);
		json_array_append_new(arr, w);
	}
	return arr;
}

int intel_export_main(int argc, char **argv)
{
	bool stix = false, misp = false, red = false;
	const char *out = NULL, *sensor = "vigil sensor";
	struct export x = {0};
	int nfiles = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--stix") == 0)
			stix = true;
		else if (strcmp(argv[i], "--misp") == 0)
			misp = true;
		else if (strcmp(argv[i], "--include-red") == 0)
			red = true;
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--sensor") == 0 && i + 1 < argc)
			sensor = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "vigil intel export: unknown option %s\n", argv[i]);
			return 2;
		} else {
			if (read_eve(&x, argv[i], red) != 0)
				return 1;
			nfiles++;
		}
	}
	if (nfiles == 0 || stix == misp) {
		fprintf(stderr, "vigil intel export: give --stix or --misp and EVE files\n");
		return 2;
	}
	json_t *doc = stix ? stix_bundle(&x, sensor) : misp_sightings(&x, sensor);
	FILE *f = out ? fopen(out, "w") : stdout;
	int rc = 0;
	if (f == NULL || json_dumpf(doc, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0) {
		fprintf(stderr, "vigil intel export: cannot write %s\n", out ? out : "stdout");
		rc = 1;
	}
	if (f) {
		fputc('\n', f);
		if (out)
			fclose(f);
	}
	json_decref(doc);
	fprintf(stderr,
		"vigil intel export: %llu indicator alerts, %zu indicators sighted%s; %llu "
		"TLP:RED alerts left out%s\n",
		(unsigned long long)x.alerts, x.n, stix ? " (STIX 2.1 bundle)" : " (MISP sightings)",
		(unsigned long long)x.red_left_out, red ? " (--include-red)" : "");
	for (size_t i = 0; i < x.n; i++) {
		free(x.v[i].feed);
		free(x.v[i].source_id);
		free(x.v[i].value);
		free(x.v[i].type);
		free(x.v[i].tlp);
		free(x.v[i].publisher);
	}
	free(x.v);
	return rc;
}
