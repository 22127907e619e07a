/*
 * config — the configuration tree: a suricata.yaml-style file read with
 * libyaml, overridden by `--set path=value`, queried by dotted paths.
 *
 * Paths use '.' between keys and a number for a sequence element, as
 * Suricata's --set does: "outputs.0.eve-log.types".  Lookups on a path that
 * does not exist return NULL / the caller's default; nothing here aborts.
 * The tree is built once at start-up and read-only afterwards, so workers
 * may read it without locks.
 */
#ifndef VIGIL_UTIL_CONFIG_H
#define VIGIL_UTIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum config_kind { CONFIG_SCALAR, CONFIG_MAP, CONFIG_SEQ };

struct config_node {
	enum config_kind kind;
	char *key;   /* in a map: the key; in a sequence: NULL */
	char *value; /* scalars only */
	struct config_node **child;
	size_t nchild, cap;
};

struct config_node *config_new(void);
void config_free(struct config_node *root);

/* Merges a YAML file into the tree (later values win).  On a syntax error
 * returns false with "file:line:col: problem" in err. */
bool config_load_file(struct config_node *root, const char *path, char *err, size_t errlen);
bool config_load_string(struct config_node *root, const char *yaml, char *err, size_t errlen);

/* Sets path to a scalar value, creating maps/sequence elements as needed.
 * "a.b=c" form is parsed by config_set_assignment. */
bool config_set(struct config_node *root, const char *path, const char *value);
bool config_set_assignment(struct config_node *root, const char *assignment, char *err, size_t errlen);

struct config_node *config_get(const struct config_node *root, const char *path);
struct config_node *config_child(const struct config_node *map, const char *key);
const char *config_get_str(const struct config_node *root, const char *path, const char *def);
bool config_get_bool(const struct config_node *root, const char *path, bool def);
int64_t config_get_int(const struct config_node *root, const char *path, int64_t def);
/* Sizes like "128mb", "1gb", "64 KiB"; returns def on absence or bad value. */
uint64_t config_get_size(const struct config_node *root, const char *path, uint64_t def);

/* "yes"/"true"/"on"/"1" → true, "no"/"false"/"off"/"0" → false, else def. */
bool config_parse_bool(const char *s, bool def);
bool config_parse_size(const char *s, uint64_t *out);

/* Every node as "path = value" lines (Suricata's --dump-config form). */
void config_dump(const struct config_node *root, FILE *out);

#endif
