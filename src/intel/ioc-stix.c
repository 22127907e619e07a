/*
 * ioc-stix.c — indicators of STIX 2.1 bundles.
 *
 * An `indicator` object with pattern_type stix (or none) gives one value
 * per comparison of its pattern when the pattern is a disjunction of
 * equality comparisons:
 *   [ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'x.example']
 *   [file:hashes.'SHA-256' = '...' OR file:hashes.MD5 = '...']
 * over ipv4-addr, ipv6-addr, domain-name, url, file:hashes (MD5, SHA-1,
 * SHA-256) and JA3 as a custom observable (x-ja3:hash / ja3:value).
 * Patterns with AND, FOLLOWEDBY, other operators or qualifiers are valid
 * STIX vigil cannot match per value: counted as unsupported, reported.
 * A pattern that does not parse, a missing valid_from, a valid_until not
 * after valid_from, or a value not of its type is malformed, reported by
 * object id.  Revoked indicators are skipped.  TLP comes from the
 * object's object_marking_refs (TLP 1.0 marking-definition objects of the
 * bundle, TLP 2.0 ones by name, and the well-known ids); the publisher
 * from created_by_ref's identity name.
 */
#include <jansson.h>
#include <string.h>

#include "intel/ioc-internal.h"

/* The STIX 2.1 well-known TLP 1.0 marking definitions. */
static const struct {
	const char *id;
	enum ioc_tlp tlp;
} known_tlp[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", TLP_CLEAR},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", TLP_GREEN},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", TLP_AMBER},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", TLP_RED},
};

/* TLP of a marking-definition object; TLP_UNKNOWN when it is not one. */
static enum ioc_tlp marking_tlp(json_t *m)
{
	json_t *def = json_object_get(m, "definition");
	const char *t = json_string_value(json_object_get(def, "tlp"));
	if (t)
		return ioc_tlp_parse(t);
	return ioc_tlp_parse(json_string_value(json_object_get(m, "name")));
}

static enum ioc_tlp object_tlp(json_t *obj, json_t *objects)
{
	json_t *refs = json_object_get(obj, "object_marking_refs");
	enum ioc_tlp best = TLP_UNKNOWN;
	size_t i, k;
	json_t *ref, *o;
	json_array_foreach(refs, i, ref)
	{
		const char *id = json_string_value(ref);
		if (id == NULL)
			continue;
		enum ioc_tlp t = TLP_UNKNOWN;
		for (k = 0; k < sizeof(known_tlp) / sizeof(known_tlp[0]); k++)
			if (strcmp(known_tlp[k].id, id) == 0)
				t = known_tlp[k].tlp;
		if (t == TLP_UNKNOWN)
			json_array_foreach(objects, k, o)
			{
				const char *oid = json_string_value(json_object_get(o, "id"));
				if (oid && strcmp(oid, id) == 0) {
					t = marking_tlp(o);
					break;
				}
			}
		/* several TLP markings: the most restrictive holds */
		if (t != TLP_UNKNOWN && (best == TLP_UNKNOWN || t > best))
			best = t;
	}
	return best;
}

static const char *identity_name(json_t *objects, const char *id)
{
	if (id == NULL)
		return NULL;
	size_t i;
	json_t *o;
	json_array_foreach(objects, i, o)
	{
		const char *oid = json_string_value(json_object_get(o, "id"));
		if (oid && strcmp(oid, id) == 0)
			return json_string_value(json_object_get(o, "name"));
	}
	return NULL;
}

/* ------------------------------------------------------------ patterns */

struct comparison {
	enum ioc_type type;
	char value[1024];
};

enum pat_result { PAT_OK, PAT_SYNTAX, PAT_UNSUPPORTED };

static void skip_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static bool word(const char **p, const char *w)
{
	skip_ws(p);
	size_t n = strlen(w);
	if (strncmp(*p, w, n) != 0)
		return false;
	*p += n;
	return true;
}

/* An object path up to the operator, e.g. file:hashes.'SHA-256'. */
static bool object_path(const char **p, char *out, size_t cap)
{
	skip_ws(p);
	size_t n = 0;
	bool quoted = false;
	while (**p && (quoted || (**p != ' ' && **p != '=' && **p != '!' && **p != '<' &&
				  **p != '>' && **p != ']'))) {
		if (**p == '\'')
			quoted = !quoted;
		else if (n + 1 < cap)
			out[n++] = **p;
		(*p)++;
	}
	out[n] = '\0';
	return n > 0 && strchr(out, ':') != NULL && !quoted;
}

/* A literal: 'string' (also with a t, h or b prefix), or a bare number
 * or boolean (copied as text). */
static bool string_lit(const char **p, char *out, size_t cap)
{
	skip_ws(p);
	if ((**p == 't' || **p == 'h' || **p == 'b') && (*p)[1] == '\'')
		(*p)++;
	if (**p != '\'') {
		size_t n = strcspn(*p, " \t\r\n])");
		if (n == 0 || n >= cap)
			return false;
		memcpy(out, *p, n);
		out[n] = '\0';
		*p += n;
		return true;
	}
	(*p)++;
	size_t n = 0;
	for (; **p && **p != '\''; (*p)++) {
		if (**p == '\\' && ((*p)[1] == '\'' || (*p)[1] == '\\'))
			(*p)++;
		if (n + 1 < cap)
			out[n++] = **p;
	}
	if (**p != '\'')
		return false;
	(*p)++;
	out[n] = '\0';
	return true;
}

static int path_type(const char *path)
{
	static const struct {
		const char *path;
		enum ioc_type t;
	} map[] = {{"ipv4-addr:value", IOC_IPV4},
		   {"ipv6-addr:value", IOC_IPV6},
		   {"domain-name:value", IOC_DOMAIN},
		   {"url:value", IOC_URL},
		   {"file:hashes.MD5", IOC_MD5},
		   {"file:hashes.SHA-1", IOC_SHA1},
		   {"file:hashes.SHA1", IOC_SHA1},
		   {"file:hashes.SHA-256", IOC_SHA256},
		   {"file:hashes.SHA256", IOC_SHA256},
		   {"x-ja3:hash", IOC_JA3},
		   {"ja3:value", IOC_JA3},
		   {"x-ja3-fingerprint:value", IOC_JA3}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(path, map[i].path) == 0)
			return (int)map[i].t;
	return -1;
}

/* Parses the pattern into up to max comparisons. */
static enum pat_result parse_pattern(const char *s, struct comparison *c, int max, int *n,
				     char *why, size_t wl)
{
	const char *p = s;
	*n = 0;
	enum pat_result unsup = PAT_OK;
	for (;;) {
		if (!word(&p, "[")) {
			snprintf(why, wl, "expected '[' at offset %d", (int)(p - s));
			return PAT_SYNTAX;
		}
		for (;;) {
			char path[256], op[4] = "", val[1024];
			if (!object_path(&p, path, sizeof(path))) {
				snprintf(why, wl, "bad object path at offset %d", (int)(p - s));
				return PAT_SYNTAX;
			}
			skip_ws(&p);
			size_t ol = strspn(p, "=!<>");
			if (ol == 0) { /* MATCHES, LIKE, IN, ISSUBSET ... */
				unsup = PAT_UNSUPPORTED;
				snprintf(why, wl, "operator other than '=' on %.100s", path);
				p += strcspn(p, " ");
				skip_ws(&p);
				if (*p == '(') { /* IN ('a', 'b') */
					p = strchr(p, ')');
					if (p == NULL) {
						snprintf(why, wl, "unterminated '('");
						return PAT_SYNTAX;
					}
					p++;
				} else if (!string_lit(&p, val, sizeof(val))) {
					snprintf(why, wl, "expected a string at offset %d",
						 (int)(p - s));
					return PAT_SYNTAX;
				}
			} else {
				snprintf(op, sizeof(op), "%.*s", (int)(ol < 3 ? ol : 3), p);
				p += ol;
				if (!string_lit(&p, val, sizeof(val))) {
					snprintf(why, wl, "expected a quoted string at offset %d",
						 (int)(p - s));
					return PAT_SYNTAX;
				}
				int t = path_type(path);
				if (strcmp(op, "=") != 0) {
					unsup = PAT_UNSUPPORTED;
					snprintf(why, wl, "operator '%s' on %.100s", op, path);
				} else if (t < 0) {
					unsup = PAT_UNSUPPORTED;
					snprintf(why, wl, "object path %.100s", path);
				} else if (*n < max) {
					c[*n].type = (enum ioc_type)t;
					snprintf(c[*n].value, sizeof(c[*n].value), "%s", val);
					(*n)++;
				}
			}
			if (word(&p, "OR"))
				continue;
			if (word(&p, "AND")) {
				unsup = PAT_UNSUPPORTED;
				snprintf(why, wl, "AND inside an observation");
				continue;
			}
			break;
		}
		if (!word(&p, "]")) {
			snprintf(why, wl, "expected ']' at offset %d", (int)(p - s));
			return PAT_SYNTAX;
		}
		skip_ws(&p);
		if (*p == '\0')
			break;
		if (word(&p, "OR"))
			continue;
		if (word(&p, "AND") || word(&p, "FOLLOWEDBY")) {
			unsup = PAT_UNSUPPORTED;
			snprintf(why, wl, "AND/FOLLOWEDBY between observations");
			continue;
		}
		if (word(&p, "WITHIN") || word(&p, "REPEATS") || word(&p, "START")) {
			snprintf(why, wl, "qualifiers (WITHIN, REPEATS, START/STOP)");
			return PAT_UNSUPPORTED;
		}
		snprintf(why, wl, "unexpected text at offset %d", (int)(p - s));
		return PAT_SYNTAX;
	}
	return unsup;
}

/* ------------------------------------------------------------ objects */

static void indicator(struct ioc_loader *L, json_t *obj, json_t *objects)
{
	const char *id = json_string_value(json_object_get(obj, "id"));
	char where[160];
	snprintf(where, sizeof(where), "object %s", id ? id : "(no id)");
	L->res->read++;
	if (id == NULL) {
		ioc_malformed(L, where, "indicator without id");
		return;
	}
	if (json_is_true(json_object_get(obj, "revoked"))) {
		L->res->skipped++;
		return;
	}
	const char *ptype = json_string_value(json_object_get(obj, "pattern_type"));
	if (ptype && strcmp(ptype, "stix") != 0) {
		ioc_unsupported(L, where, "pattern_type '%.40s' (only stix is matched)", ptype);
		return;
	}
	const char *pattern = json_string_value(json_object_get(obj, "pattern"));
	if (pattern == NULL) {
		ioc_malformed(L, where, "indicator without pattern");
		return;
	}
	struct ioc_prov p = {.feed = L->feed, .source_id = id, .confidence = -1};
	const char *vf = json_string_value(json_object_get(obj, "valid_from"));
	const char *vu = json_string_value(json_object_get(obj, "valid_until"));
	if (vf == NULL || !ioc_parse_time(vf, &p.valid_from)) {
		ioc_malformed(L, where, "valid_from missing or not a timestamp");
		return;
	}
	if (vu && !ioc_parse_time(vu, &p.valid_until)) {
		ioc_malformed(L, where, "valid_until is not a timestamp");
		return;
	}
	if (vu && p.valid_until <= p.valid_from) {
		ioc_malformed(L, where, "valid_until (%s) is not after valid_from (%s)", vu, vf);
		return;
	}
	json_t *conf = json_object_get(obj, "confidence");
	if (json_is_integer(conf))
		p.confidence = (int)json_integer_value(conf);
	p.tlp = object_tlp(obj, objects);
	p.publisher =
	    identity_name(objects, json_string_value(json_object_get(obj, "created_by_ref")));
	struct comparison c[16];
	int n;
	char why[160] = "";
	enum pat_result r = parse_pattern(pattern, c, 16, &n, why, sizeof(why));
	if (r == PAT_SYNTAX) {
		ioc_malformed(L, where, "pattern does not parse: %s", why);
		return;
	}
	if (r == PAT_UNSUPPORTED) {
		ioc_unsupported(L, where, "pattern not matched per value: %s", why);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (!ioc_db_add(L->db, c[i].type, c[i].value, &p)) {
			ioc_malformed(L, where, "'%.80s' is not a %s", c[i].value,
				      ioc_type_name(c[i].type));
			continue;
		}
		L->res->loaded++;
	}
}

int ioc_load_stix(struct ioc_loader *L)
{
	json_error_t je;
	json_t *root = json_load_file(L->o->path, 0, &je);
	if (root == NULL) {
		if (L->log)
			fprintf(L->log, "%s:%d: not JSON: %s\n", L->o->path, je.line, je.text);
		L->res->malformed++;
		return -1;
	}
	json_t *objects = json_object_get(root, "objects");
	if (!json_is_array(objects)) {
		if (L->log)
			fprintf(L->log, "%s: not a STIX bundle (no objects array)\n", L->o->path);
		L->res->malformed++;
		json_decref(root);
		return -1;
	}
	/* the feed's publisher: the identity most indicators are created by */
	const char *pub = NULL;
	size_t i;
	json_t *o;
	json_array_foreach(objects, i, o)
	{
		const char *t = json_string_value(json_object_get(o, "type"));
		if (t && strcmp(t, "indicator") == 0) {
			pub = identity_name(objects,
					    json_string_value(json_object_get(o, "created_by_ref")));
			if (pub)
				break;
		}
	}
	L->feed = ioc_db_feed(L->db, L->o, pub);
	json_array_foreach(objects, i, o)
	{
		const char *t = json_string_value(json_object_get(o, "type"));
		if (t == NULL) {
			char where[64];
			snprintf(where, sizeof(where), "object #%zu", i);
			L->res->read++;
			ioc_malformed(L, where, "object without type");
		} else if (strcmp(t, "indicator") == 0) {
			indicator(L, o, objects);
		}
	}
	json_decref(root);
	return 0;
}
