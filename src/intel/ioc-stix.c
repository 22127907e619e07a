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
#include <errno.h>
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

/* refs (below): id -> object, for the bundle's identity and
 * marking-definition objects, collected before the indicators are read. */
static const char *identity_name(json_t *refs, const char *id)
{
	return id ? json_string_value(json_object_get(json_object_get(refs, id), "name")) : NULL;
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

static size_t skip_space(const char *b, size_t len, size_t i);
static size_t value_end(const char *b, size_t len, size_t i);

/* The members of an indicator vigil reads, from jansson or the fast
 * scanner below; strings point into the object or the scanner's copy. */
#define MAX_MARKS 8
struct ind_fields {
	const char *type, *id, *pattern, *pattern_type, *valid_from, *valid_until, *created_by;
	bool revoked, has_conf;
	int confidence;
	const char *marks[MAX_MARKS];
	int nmarks;
};

static void fields_from_json(json_t *o, struct ind_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->type = json_string_value(json_object_get(o, "type"));
	f->id = json_string_value(json_object_get(o, "id"));
	f->pattern = json_string_value(json_object_get(o, "pattern"));
	f->pattern_type = json_string_value(json_object_get(o, "pattern_type"));
	f->valid_from = json_string_value(json_object_get(o, "valid_from"));
	f->valid_until = json_string_value(json_object_get(o, "valid_until"));
	f->created_by = json_string_value(json_object_get(o, "created_by_ref"));
	f->revoked = json_is_true(json_object_get(o, "revoked"));
	json_t *conf = json_object_get(o, "confidence");
	if (json_is_integer(conf)) {
		f->has_conf = true;
		f->confidence = (int)json_integer_value(conf);
	}
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(o, "object_marking_refs"), i, m)
	{
		if (json_is_string(m) && f->nmarks < MAX_MARKS)
			f->marks[f->nmarks++] = json_string_value(m);
	}
}

static enum ioc_tlp fields_tlp(const struct ind_fields *f, json_t *refs)
{
	enum ioc_tlp best = TLP_UNKNOWN;
	for (int i = 0; i < f->nmarks; i++) {
		enum ioc_tlp t = TLP_UNKNOWN;
		for (size_t k = 0; k < sizeof(known_tlp) / sizeof(known_tlp[0]); k++)
			if (strcmp(known_tlp[k].id, f->marks[i]) == 0)
				t = known_tlp[k].tlp;
		json_t *m = json_object_get(refs, f->marks[i]);
		if (t == TLP_UNKNOWN && m)
			t = marking_tlp(m);
		/* several TLP markings: the most restrictive holds */
		if (t != TLP_UNKNOWN && (best == TLP_UNKNOWN || t > best))
			best = t;
	}
	return best;
}

static void indicator(struct ioc_loader *L, const struct ind_fields *f, json_t *refs)
{
	const char *id = f->id;
	char where[160];
	snprintf(where, sizeof(where), "object %s", id ? id : "(no id)");
	L->res->read++;
	if (id == NULL) {
		ioc_malformed(L, where, "indicator without id");
		return;
	}
	if (f->revoked) {
		L->res->skipped++;
		return;
	}
	if (f->pattern_type && strcmp(f->pattern_type, "stix") != 0) {
		ioc_unsupported(L, where, "pattern_type '%.40s' (only stix is matched)",
				f->pattern_type);
		return;
	}
	if (f->pattern == NULL) {
		ioc_malformed(L, where, "indicator without pattern");
		return;
	}
	struct ioc_prov p = {.feed = L->feed, .source_id = id, .confidence = -1};
	const char *vf = f->valid_from, *vu = f->valid_until;
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
	if (f->has_conf)
		p.confidence = f->confidence;
	p.tlp = fields_tlp(f, refs);
	p.publisher = identity_name(refs, f->created_by);
	struct comparison c[16];
	int n;
	char why[160] = "";
	enum pat_result r = parse_pattern(f->pattern, c, 16, &n, why, sizeof(why));
	if (r == PAT_SYNTAX) {
		ioc_malformed(L, where, "pattern does not parse: %s", why);
		return;
	}
	if (r == PAT_UNSUPPORTED) {
		ioc_unsupported(L, where, "pattern not matched per value: %s", why);
		return;
	}
	for (int i = 0; i < n; i++) {
		ioc_add(L, where, c[i].type, c[i].value, &p);
	}
}

/*
 * The fast scanner: the top-level members of one object, strings
 * unescaped into `scratch` (\" \\ \/ \n \t only), nested values skipped.
 * False on anything else (\u escapes, duplicate or odd members, bad
 * syntax): the caller then parses the object with jansson, which also
 * judges what is malformed.
 */
static bool scan_string(const char *b, size_t len, size_t *i, char **out, char **scratch,
			const char *scratch_end)
{
	if (*i >= len || b[*i] != '"')
		return false;
	char *w = *scratch;
	for (size_t k = *i + 1; k < len; k++) {
		char c = b[k];
		if (w >= scratch_end)
			return false;
		if (c == '"') {
			*w++ = '\0';
			*out = *scratch;
			*scratch = w;
			*i = k + 1;
			return true;
		}
		if ((unsigned char)c < 0x20)
			return false;
		if (c == '\\') {
			char e = ++k < len ? b[k] : 0;
			if (e == '"' || e == '\\' || e == '/')
				c = e;
			else if (e == 'n')
				c = '\n';
			else if (e == 't')
				c = '\t';
			else
				return false;
		}
		*w++ = c;
	}
	return false;
}

static bool fast_fields(const char *b, size_t len, struct ind_fields *f, char *scratch,
			size_t cap)
{
	memset(f, 0, sizeof(*f));
	char *w = scratch, *end = scratch + cap;
	size_t i = skip_space(b, len, 0);
	if (i >= len || b[i] != '{')
		return false;
	i = skip_space(b, len, i + 1);
	if (i < len && b[i] == '}')
		return true;
	for (;;) {
		char *key;
		if (!scan_string(b, len, &i, &key, &w, end))
			return false;
		i = skip_space(b, len, i);
		if (i >= len || b[i] != ':')
			return false;
		i = skip_space(b, len, i + 1);
		const char **slot = strcmp(key, "type") == 0	       ? &f->type
				    : strcmp(key, "id") == 0	       ? &f->id
				    : strcmp(key, "pattern") == 0      ? &f->pattern
				    : strcmp(key, "pattern_type") == 0 ? &f->pattern_type
				    : strcmp(key, "valid_from") == 0   ? &f->valid_from
				    : strcmp(key, "valid_until") == 0  ? &f->valid_until
				    : strcmp(key, "created_by_ref") == 0 ? &f->created_by
									 : NULL;
		if (slot) {
			char *v;
			if (*slot || !scan_string(b, len, &i, &v, &w, end))
				return false; /* duplicate or not a string: jansson decides */
			*slot = v;
		} else if (strcmp(key, "object_marking_refs") == 0) {
			if (i >= len || b[i] != '[')
				return false;
			i = skip_space(b, len, i + 1);
			while (i < len && b[i] != ']') {
				char *v;
				if (f->nmarks == MAX_MARKS || !scan_string(b, len, &i, &v, &w, end))
					return false;
				f->marks[f->nmarks++] = v;
				i = skip_space(b, len, i);
				if (i < len && b[i] == ',')
					i = skip_space(b, len, i + 1);
			}
			if (i >= len)
				return false;
			i++;
		} else if (strcmp(key, "revoked") == 0) {
			if (len - i >= 4 && memcmp(b + i, "true", 4) == 0) {
				f->revoked = true;
				i += 4;
			} else if (len - i >= 5 && memcmp(b + i, "false", 5) == 0) {
				i += 5;
			} else {
				return false;
			}
		} else if (strcmp(key, "confidence") == 0) {
			char *e;
			long v = strtol(b + i, &e, 10);
			if (e == b + i || (*e != ',' && *e != '}' && *e != ' ' && *e != '\n' &&
					   *e != '\r' && *e != '\t'))
				return false;
			f->has_conf = true;
			f->confidence = (int)v;
			i = (size_t)(e - b);
		} else {
			size_t e = value_end(b, len, i);
			if (e == 0)
				return false;
			i = e;
		}
		i = skip_space(b, len, i);
		if (i < len && b[i] == ',') {
			i = skip_space(b, len, i + 1);
			continue;
		}
		return i < len && b[i] == '}' && skip_space(b, len, i + 1) == len;
	}
}

/* ------------------------------------------------------------ reading */

/*
 * The bundle is read without building it whole: a window of the file
 * slides over the "objects" array, and each element's extent is found by
 * a scan that only tracks strings and nesting.  A first pass over the
 * file parses the identity and marking-definition objects (what
 * indicators refer to), a second reads the indicators, one at a time.
 * Memory is the window (at least the largest object) plus the
 * indicators; a million of them read in seconds.
 */
static size_t skip_space(const char *b, size_t len, size_t i)
{
	while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
		i++;
	return i;
}

/* End (one past) of the JSON value starting at i; 0 when it never ends.
 * b[len] must be '\0' (the window keeps one): strings and nesting are
 * skipped with strcspn, as JSON text holds no raw NUL. */
static size_t value_end(const char *b, size_t len, size_t i)
{
	if (i >= len)
		return 0;
	if (b[i] != '"' && b[i] != '{' && b[i] != '[') { /* number, true, false, null */
		i += strcspn(b + i, ",]} \t\r\n");
		return i < len ? i : 0;
	}
	int depth = 0;
	while (i < len) {
		char c = b[i];
		if (c == '"') {
			for (i++;;) {
				i += strcspn(b + i, "\"\\");
				if (i >= len)
					return 0;
				if (b[i] == '\\') {
					i += 2;
					continue;
				}
				break;
			}
			i++; /* past the closing quote */
			if (depth == 0)
				return i;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (--depth == 0)
				return i + 1;
			if (depth < 0)
				return 0;
		}
		i++;
		i += strcspn(b + i, "\"{}[]");
	}
	return 0;
}

/* Position just after the '[' of the root object's "objects" member. */
static size_t find_objects(const char *b, size_t len)
{
	size_t i = skip_space(b, len, 0);
	if (i >= len || b[i] != '{')
		return 0;
	i++;
	for (;;) {
		i = skip_space(b, len, i);
		if (i >= len || b[i] != '"')
			return 0;
		size_t kend = value_end(b, len, i);
		if (kend == 0)
			return 0;
		bool is_objects = kend - i == 9 && memcmp(b + i, "\"objects\"", 9) == 0;
		i = skip_space(b, len, kend);
		if (i >= len || b[i] != ':')
			return 0;
		i = skip_space(b, len, i + 1);
		if (is_objects)
			return i < len && b[i] == '[' ? i + 1 : 0;
		size_t vend = value_end(b, len, i);
		if (vend == 0)
			return 0;
		i = skip_space(b, len, vend);
		if (i >= len || b[i] != ',')
			return 0;
		i++;
	}
}


/* A window of the file: buf[0] is byte `base` of it, `line` the line
 * number of buf[line_pos]. */
struct window {
	FILE *f;
	char *buf;
	size_t cap, len;
	bool eof;
	uint64_t line;
	size_t line_pos;
};

/* The line number of buf[pos]; pos never goes back. */
static uint64_t line_of(struct window *w, size_t pos)
{
	const char *p = w->buf + w->line_pos, *end = w->buf + pos;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		w->line++;
		p++;
	}
	w->line_pos = pos;
	return w->line;
}

/* Reads more: compacts away buf[0..keep) and fills (growing when full). */
static bool more(struct window *w, size_t *keep_from)
{
	if (w->eof)
		return false;
	size_t drop = *keep_from;
	line_of(w, drop);
	w->line_pos = 0;
	if (w->len > drop) /* the first call has no buffer yet */
		memmove(w->buf, w->buf + drop, w->len - drop);
	w->len -= drop;
	*keep_from = 0;
	if (w->len + 65536 > w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 1 << 20;
		char *nb = realloc(w->buf, nc + 1);
		if (nb == NULL)
			return false;
		w->buf = nb;
		w->cap = nc;
	}
	size_t got = fread(w->buf + w->len, 1, w->cap - w->len, w->f);
	w->len += got;
	w->buf[w->len] = '\0';
	if (got == 0)
		w->eof = true;
	return got > 0;
}

typedef void (*elem_fn)(void *arg, const char *b, size_t len, size_t k, uint64_t line);

/* Calls fn for each element of the bundle's objects array.  0 when the
 * array ends well; 1 when it is cut or malformed (reported, the elements
 * before it delivered); -1 when the file is unreadable or no bundle. */
static int walk_objects(struct ioc_loader *L, elem_fn fn, void *arg, bool report)
{
	struct window w = {.f = fopen(L->o->path, "rb"), .line = 1};
	if (w.f == NULL) {
		if (report && L->log)
			fprintf(L->log, "%s: cannot read: %s\n", L->o->path, strerror(errno));
		return -1;
	}
	size_t i = 0, k = 0;
	more(&w, &i);
	while ((i = find_objects(w.buf, w.len)) == 0 && more(&w, &i))
		; /* the members before "objects" are in the first megabyte, almost always */
	int rc = 0;
	if (i == 0) {
		if (report && L->log) {
			json_error_t je;
			json_t *all = json_loadb(w.buf, w.len, 0, &je);
			if (all == NULL)
				fprintf(L->log, "%s:%d: not JSON: %s\n", L->o->path, je.line, je.text);
			else
				fprintf(L->log, "%s: not a STIX bundle (no objects array)\n",
					L->o->path);
			json_decref(all);
		}
		rc = -1;
		goto out;
	}
	for (;;) {
		i = skip_space(w.buf, w.len, i);
		if (i >= w.len && more(&w, &i))
			continue;
		if (i < w.len && w.buf[i] == ']')
			break;
		size_t e = i < w.len ? value_end(w.buf, w.len, i) : 0;
		if (e == 0 || e == w.len) { /* the element may go on past the window */
			if (more(&w, &i))
				continue;
			if (e == 0) {
				rc = 1;
				break;
			}
		}
		fn(arg, w.buf + i, e - i, k++, line_of(&w, i));
		i = skip_space(w.buf, w.len, e);
		while (i >= w.len && more(&w, &i))
			i = skip_space(w.buf, w.len, i);
		if (i < w.len && w.buf[i] == ',') {
			i++;
			continue;
		}
		if (i >= w.len || w.buf[i] != ']')
			rc = 1;
		break;
	}
	if (rc == 1 && report) {
		if (L->log)
			fprintf(L->log,
				"%s:%llu: not JSON: the objects array is cut or malformed here; the "
				"%zu objects before it are read\n",
				L->o->path, (unsigned long long)line_of(&w, i < w.len ? i : w.len), k);
	}
	if (rc == 1 && k == 0)
		rc = -1;
out:
	fclose(w.f);
	free(w.buf);
	return rc;
}

struct stix_pass {
	struct ioc_loader *L;
	json_t *refs;	   /* identity and marking-definition objects by id */
	char *pub_ref;	   /* created_by_ref of the first indicator that has one */
	char *scratch;	   /* the fast scanner's strings */
	size_t scap;
};

static bool has_text(const char *b, size_t len, const char *needle)
{
	return memmem(b, len, needle, strlen(needle)) != NULL;
}

/* Pass 1: what indicators refer to, and the feed's publisher. */
static void collect_refs(void *arg, const char *b, size_t len, size_t k, uint64_t line)
{
	struct stix_pass *P = arg;
	bool ident = has_text(b, len, "\"identity\""), mark = has_text(b, len, "\"marking-definition\"");
	if (!ident && !mark && (P->pub_ref || !has_text(b, len, "created_by_ref")))
		return;
	json_t *o = json_loadb(b, len, 0, NULL);
	const char *t = json_string_value(json_object_get(o, "type"));
	const char *id = json_string_value(json_object_get(o, "id"));
	if (t && id && (strcmp(t, "identity") == 0 || strcmp(t, "marking-definition") == 0))
		json_object_set(P->refs, id, o);
	else if (t && strcmp(t, "indicator") == 0 && P->pub_ref == NULL) {
		const char *c = json_string_value(json_object_get(o, "created_by_ref"));
		if (c)
			P->pub_ref = strdup(c);
	}
	json_decref(o);
}

/* Pass 2: the indicators. */
static void read_indicator(void *arg, const char *b, size_t len, size_t k, uint64_t line)
{
	struct stix_pass *P = arg;
	struct ioc_loader *L = P->L;
	if (!has_text(b, len, "\"indicator\"") && has_text(b, len, "\"type\""))
		return;
	if (len + 1 > P->scap) {
		char *ns = realloc(P->scratch, len + 1);
		if (ns == NULL)
			return;
		P->scratch = ns;
		P->scap = len + 1;
	}
	struct ind_fields f;
	if (fast_fields(b, len, &f, P->scratch, P->scap) && f.type) {
		if (strcmp(f.type, "indicator") == 0)
			indicator(L, &f, P->refs);
		return;
	}
	json_t *o = json_loadb(b, len, 0, NULL);
	fields_from_json(o, &f);
	if (o == NULL || f.type == NULL) {
		char where[64];
		snprintf(where, sizeof(where), "object #%zu (line %llu)", k, (unsigned long long)line);
		L->res->read++;
		ioc_malformed(L, where, o ? "object without type" : "not a JSON object");
	} else if (strcmp(f.type, "indicator") == 0) {
		indicator(L, &f, P->refs);
	}
	json_decref(o);
}

int ioc_load_stix(struct ioc_loader *L)
{
	struct stix_pass P = {.L = L, .refs = json_object()};
	int rc = walk_objects(L, collect_refs, &P, false);
	if (rc < 0) {
		walk_objects(L, collect_refs, &P, true); /* again, to say why */
		L->res->malformed++;
		json_decref(P.refs);
		free(P.pub_ref);
		return -1;
	}
	L->feed = ioc_db_feed(L->db, L->o, identity_name(P.refs, P.pub_ref));
	rc = walk_objects(L, read_indicator, &P, true);
	if (rc != 0)
		L->res->malformed++; /* the array is cut: what came before is loaded */
	json_decref(P.refs);
	free(P.pub_ref);
	free(P.scratch);
	return rc < 0 ? -1 : 0;
}
