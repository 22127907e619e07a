/*
 * config — see config.h.  libyaml's event parser builds the tree; merging
 * a map into an existing map merges key by key, any other node replaces.
 * YAML aliases are reported as an error (Suricata configs do not use them).
 */
#include "util/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

static struct config_node *node_new(enum config_kind kind, const char *key, const char *value)
{
	struct config_node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->key = key ? strdup(key) : NULL;
	n->value = value ? strdup(value) : NULL;
	if ((key && !n->key) || (value && !n->value)) {
		config_free(n);
		return NULL;
	}
	return n;
}

struct config_node *config_new(void)
{
	return node_new(CONFIG_MAP, NULL, NULL);
}

void config_free(struct config_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nchild; i++)
		config_free(n->child[i]);
	free(n->child);
	free(n->key);
	free(n->value);
	free(n);
}

static bool node_append(struct config_node *parent, struct config_node *c)
{
	if (parent->nchild == parent->cap) {
		size_t ncap = parent->cap ? parent->cap * 2 : 4;
		struct config_node **nc = realloc(parent->child, ncap * sizeof(*nc));
		if (!nc)
			return false;
		parent->child = nc;
		parent->cap = ncap;
	}
	parent->child[parent->nchild++] = c;
	return true;
}

struct config_node *config_child(const struct config_node *map, const char *key)
{
	if (!map || map->kind != CONFIG_MAP)
		return NULL;
	for (size_t i = map->nchild; i-- > 0;)
		if (map->child[i]->key && strcmp(map->child[i]->key, key) == 0)
			return map->child[i];
	return NULL;
}

/* Replaces or merges `src` (a child built from YAML) into map `dst`. */
static bool merge_into(struct config_node *dst, struct config_node *src)
{
	struct config_node *old = config_child(dst, src->key);
	if (old && old->kind == CONFIG_MAP && src->kind == CONFIG_MAP) {
		for (size_t i = 0; i < src->nchild; i++) {
			if (!merge_into(old, src->child[i]))
				return false;
			src->child[i] = NULL;
		}
		src->nchild = 0;
		config_free(src);
		return true;
	}
	if (old) {
		for (size_t i = 0; i < dst->nchild; i++)
			if (dst->child[i] == old) {
				dst->child[i] = src;
				config_free(old);
				return true;
			}
	}
	return node_append(dst, src);
}

struct yaml_build {
	yaml_parser_t parser;
	const char *name;
	char *err;
	size_t errlen;
};

static void build_error(struct yaml_build *b, const yaml_event_t *ev, const char *what)
{
	snprintf(b->err, b->errlen, "%s:%zu:%zu: %s", b->name, ev->start_mark.line + 1,
		 ev->start_mark.column + 1, what);
}

static struct config_node *parse_node(struct yaml_build *b, yaml_event_t *ev, const char *key);

/* Parses the children of a mapping or sequence until its end event. */
static bool parse_children(struct yaml_build *b, struct config_node *n)
{
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&b->parser, &ev)) {
			snprintf(b->err, b->errlen, "%s:%zu:%zu: %s", b->name,
				 b->parser.problem_mark.line + 1, b->parser.problem_mark.column + 1,
				 b->parser.problem ? b->parser.problem : "YAML error");
			return false;
		}
		if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return true;
		}
		char *key = NULL;
		if (n->kind == CONFIG_MAP) {
			if (ev.type != YAML_SCALAR_EVENT) {
				build_error(b, &ev, "mapping key must be a scalar");
				yaml_event_delete(&ev);
				return false;
			}
			key = strdup((const char *)ev.data.scalar.value);
			yaml_event_delete(&ev);
			if (!key || !yaml_parser_parse(&b->parser, &ev)) {
				free(key);
				snprintf(b->err, b->errlen, "%s: YAML error after key", b->name);
				return false;
			}
		}
		struct config_node *c = parse_node(b, &ev, key);
		free(key);
		yaml_event_delete(&ev);
		if (!c)
			return false;
		bool ok = n->kind == CONFIG_MAP ? merge_into(n, c) : node_append(n, c);
		if (!ok) {
			config_free(c);
			return false;
		}
	}
}

static struct config_node *parse_node(struct yaml_build *b, yaml_event_t *ev, const char *key)
{
	struct config_node *n;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return node_new(CONFIG_SCALAR, key, (const char *)ev->data.scalar.value);
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		n = node_new(ev->type == YAML_MAPPING_START_EVENT ? CONFIG_MAP : CONFIG_SEQ, key,
			     NULL);
		if (n && !parse_children(b, n)) {
			config_free(n);
			return NULL;
		}
		return n;
	case YAML_ALIAS_EVENT:
		build_error(b, ev, "YAML aliases are not supported");
		return NULL;
	default:
		build_error(b, ev, "unexpected YAML event");
		return NULL;
	}
}

static bool load(struct config_node *root, struct yaml_build *b)
{
	bool ok = true;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&b->parser, &ev)) {
			snprintf(b->err, b->errlen, "%s:%zu:%zu: %s", b->name,
				 b->parser.problem_mark.line + 1, b->parser.problem_mark.column + 1,
				 b->parser.problem ? b->parser.problem : "YAML error");
			return false;
		}
		yaml_event_type_t t = ev.type;
		if (t == YAML_MAPPING_START_EVENT) {
			struct config_node *doc = parse_node(b, &ev, NULL);
			if (!doc) {
				ok = false;
			} else {
				for (size_t i = 0; i < doc->nchild && ok; i++) {
					ok = merge_into(root, doc->child[i]);
					doc->child[i] = NULL;
				}
				doc->nchild = 0;
				config_free(doc);
			}
		} else if (t == YAML_SEQUENCE_START_EVENT || t == YAML_SCALAR_EVENT) {
			/* A document that is not a mapping: only an empty scalar is fine. */
			if (t != YAML_SCALAR_EVENT || ev.data.scalar.length != 0) {
				build_error(b, &ev, "top level of a config must be a mapping");
				ok = false;
			}
		}
		yaml_event_delete(&ev);
		if (!ok || t == YAML_STREAM_END_EVENT)
			return ok;
	}
}

bool config_load_file(struct config_node *root, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	struct yaml_build b = {.name = path, .err = err, .errlen = errlen};
	yaml_parser_initialize(&b.parser);
	yaml_parser_set_input_file(&b.parser, f);
	bool ok = load(root, &b);
	yaml_parser_delete(&b.parser);
	fclose(f);
	return ok;
}

bool config_load_string(struct config_node *root, const char *yaml, char *err, size_t errlen)
{
	struct yaml_build b = {.name = "<string>", .err = err, .errlen = errlen};
	yaml_parser_initialize(&b.parser);
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)yaml, strlen(yaml));
	bool ok = load(root, &b);
	yaml_parser_delete(&b.parser);
	return ok;
}

static bool is_index(const char *s, size_t *idx)
{
	if (!*s)
		return false;
	size_t v = 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > 100000)
			return false;
		v = v * 10 + (size_t)(*s - '0');
	}
	*idx = v;
	return true;
}

/* One step down: key in a map, or index in a sequence. */
static struct config_node *step(const struct config_node *n, const char *part)
{
	size_t idx;
	if (n->kind == CONFIG_SEQ && is_index(part, &idx))
		return idx < n->nchild ? n->child[idx] : NULL;
	return config_child(n, part);
}

struct config_node *config_get(const struct config_node *root, const char *path)
{
	char buf[512];
	if (!root || strlen(path) >= sizeof(buf))
		return NULL;
	strcpy(buf, path);
	const struct config_node *n = root;
	char *save = NULL;
	for (char *part = strtok_r(buf, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
		n = step(n, part);
		if (!n)
			return NULL;
	}
	return (struct config_node *)n;
}

bool config_set(struct config_node *root, const char *path, const char *value)
{
	char buf[512];
	if (strlen(path) >= sizeof(buf) || !*path)
		return false;
	strcpy(buf, path);
	struct config_node *n = root;
	char *save = NULL;
	char *part = strtok_r(buf, ".", &save);
	while (part) {
		char *next = strtok_r(NULL, ".", &save);
		size_t idx;
		struct config_node *c = step(n, part);
		if (!c) {
			enum config_kind kind = !next ? CONFIG_SCALAR : is_index(next, &idx) ? CONFIG_SEQ : CONFIG_MAP;
			if (n->kind == CONFIG_SCALAR) {
				/* Turn an empty scalar into a container. */
				free(n->value);
				n->value = NULL;
				n->kind = is_index(part, &idx) ? CONFIG_SEQ : CONFIG_MAP;
			}
			c = node_new(kind, n->kind == CONFIG_MAP ? part : NULL, NULL);
			if (!c || !node_append(n, c)) {
				config_free(c);
				return false;
			}
		}
		n = c;
		part = next;
	}
	if (n->kind != CONFIG_SCALAR) {
		for (size_t i = 0; i < n->nchild; i++)
			config_free(n->child[i]);
		n->nchild = 0;
		n->kind = CONFIG_SCALAR;
	}
	free(n->value);
	n->value = strdup(value);
	return n->value != NULL;
}

bool config_set_assignment(struct config_node *root, const char *assignment, char *err, size_t errlen)
{
	const char *eq = strchr(assignment, '=');
	if (!eq || eq == assignment) {
		snprintf(err, errlen, "--set %s: expected key=value", assignment);
		return false;
	}
	char key[512];
	size_t kl = (size_t)(eq - assignment);
	if (kl >= sizeof(key)) {
		snprintf(err, errlen, "--set: key too long");
		return false;
	}
	memcpy(key, assignment, kl);
	key[kl] = '\0';
	if (!config_set(root, key, eq + 1)) {
		snprintf(err, errlen, "--set %s: cannot set", assignment);
		return false;
	}
	return true;
}

const char *config_get_str(const struct config_node *root, const char *path, const char *def)
{
	const struct config_node *n = config_get(root, path);
	return n && n->kind == CONFIG_SCALAR && n->value ? n->value : def;
}

bool config_parse_bool(const char *s, bool def)
{
	if (!s)
		return def;
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcasecmp(s, "on") || !strcmp(s, "1"))
		return true;
	if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcasecmp(s, "off") || !strcmp(s, "0"))
		return false;
	return def;
}

bool config_get_bool(const struct config_node *root, const char *path, bool def)
{
	return config_parse_bool(config_get_str(root, path, NULL), def);
}

int64_t config_get_int(const struct config_node *root, const char *path, int64_t def)
{
	const char *s = config_get_str(root, path, NULL);
	if (!s || !*s)
		return def;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || *end)
		return def;
	return v;
}

bool config_parse_size(const char *s, uint64_t *out)
{
	if (!s)
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return false;
	while (*end == ' ')
		end++;
	uint64_t mul = 1;
	if (!*end || !strcasecmp(end, "b"))
		mul = 1;
	else if (!strcasecmp(end, "kb") || !strcasecmp(end, "kib") || !strcasecmp(end, "k"))
		mul = 1024;
	else if (!strcasecmp(end, "mb") || !strcasecmp(end, "mib") || !strcasecmp(end, "m"))
		mul = 1024 * 1024;
	else if (!strcasecmp(end, "gb") || !strcasecmp(end, "gib") || !strcasecmp(end, "g"))
		mul = 1024ull * 1024 * 1024;
	else
		return false;
	*out = (uint64_t)(v * (double)mul);
	return true;
}

uint64_t config_get_size(const struct config_node *root, const char *path, uint64_t def)
{
	uint64_t v;
	return config_parse_size(config_get_str(root, path, NULL), &v) ? v : def;
}

/* Suricata's --dump-config form: "path = value", maps and sequences as
 * "path = (null)" before their children, sequence elements numbered. */
static void dump_node(const struct config_node *n, char *path, size_t len, size_t cap, FILE *out)
{
	for (size_t i = 0; i < n->nchild; i++) {
		const struct config_node *c = n->child[i];
		int w = c->key ? snprintf(path + len, cap - len, "%s%s", len ? "." : "", c->key)
			       : snprintf(path + len, cap - len, "%s%zu", len ? "." : "", i);
		if (w < 0 || (size_t)w >= cap - len)
			continue; /* deeper than any real configuration */
		fprintf(out, "%s = %s\n", path,
			c->kind == CONFIG_SCALAR && c->value ? c->value : "(null)");
		if (c->kind != CONFIG_SCALAR)
			dump_node(c, path, len + (size_t)w, cap, out);
		path[len] = '\0';
	}
}

void config_dump(const struct config_node *root, FILE *out)
{
	char path[1024] = "";
	if (root)
		dump_node(root, path, 0, sizeof(path), out);
}
