/*
 * dataset.h — Suricata's datasets: named sets of strings, MD5 / SHA-256
 * digests or IP addresses that rules test buffers against (`dataset`,
 * `datarep`), loaded from files, grown by rules (`dataset:set`) and saved
 * when the engine ends.  Internal to src/detect.
 *
 * A set is a chained hash table.  Sets that no rule writes to (`isset`,
 * `isnotset`, `datarep` only) are filled before the first packet and then
 * only read: lookups take no lock.  A set some rule writes to (`set`,
 * `unset`) takes a read-write lock around every operation.  Every set has a
 * memcap: values beyond it are not added, counted and reported.
 */
#ifndef VIGIL_DETECT_DATASET_H
#define VIGIL_DETECT_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config_node;

enum dataset_type { DS_STRING, DS_MD5, DS_SHA256, DS_IPV4, DS_IP, DS_TYPES };

/* File formats of `load`: one value a line (base64 strings, hex digests,
 * addresses as text), one JSON document, or one JSON object a line. */
enum dataset_format { DS_FMT_CSV, DS_FMT_JSON, DS_FMT_JSONLINE };

struct dataset;
struct dataset_registry;

/* A set's entry as a lookup returns it: reputation (datarep) and the
 * JSON text attached to it (format json), NULL when none. */
struct dataset_hit {
	uint16_t rep;
	bool has_rep;
	const char *json;
};

/* What a `load` file is: its format and the JSON keys that find values. */
struct dataset_load_opts {
	enum dataset_format format;
	const char *value_key; /* dotted path inside each element */
	const char *array_key; /* dotted path to the array (format json) */
	bool remove_key;       /* drop value_key from the attached JSON */
	bool rep;	       /* csv lines are "value,reputation" (datarep) */
};

bool dataset_type_parse(const char *s, enum dataset_type *t);
const char *dataset_type_name(enum dataset_type t);

/*
 * The engine's sets.  `cfg` is the configuration root (NULL: none); its
 * `datasets:` section declares sets (type, load, save, state, memcap,
 * hashsize) and `datasets.defaults` the memcap and hashsize of every set.
 * `data_dir` is where relative save/state names of rules go.  Problems
 * are reported on log naming the set and file; the registry is still made.
 */
struct dataset_registry *dataset_registry_new(const struct config_node *cfg, const char *data_dir,
					      FILE *log);
/* Writes the sets that have a save or state file (unless save is false). */
void dataset_registry_free(struct dataset_registry *reg, bool save, FILE *log);

/* The directory save/state names are relative to, and the yaml's rules
 * policy (datasets.rules.allow-write / allow-absolute-filenames). */
const char *dataset_registry_data_dir(const struct dataset_registry *reg);
bool dataset_registry_allow_write(const struct dataset_registry *reg);
bool dataset_registry_allow_absolute(const struct dataset_registry *reg);

/* The set named `name`, created when absent with the given type, memcap
 * and hashsize (0 = defaults).  NULL with err set when the name is taken
 * by another type or on no memory. */
struct dataset *dataset_get(struct dataset_registry *reg, const char *name, enum dataset_type type,
			    uint64_t memcap, uint32_t hashsize, char *err, size_t errlen);
struct dataset *dataset_find(struct dataset_registry *reg, const char *name);

/* Loads a file into the set (once per path and set; again is a no-op).
 * Malformed lines are reported as "file:line: ..." on log and counted,
 * the rest loads.  -1 when the file cannot be read (reported). */
int dataset_load(struct dataset *ds, const char *path, const struct dataset_load_opts *o,
		 FILE *log);
/* Where the set is written when the engine ends (state: loaded too). */
void dataset_set_save_path(struct dataset *ds, const char *path);
/* A rule writes to the set: its operations take the lock from now on.
 * Called at rule load, before any packet. */
void dataset_mark_writable(struct dataset *ds);

enum dataset_type dataset_type_of(const struct dataset *ds);
const char *dataset_name(const struct dataset *ds);
uint64_t dataset_count(const struct dataset *ds);
uint64_t dataset_memuse(const struct dataset *ds);
uint64_t dataset_memcap_refused(const struct dataset *ds);

/*
 * Operations on a buffer's bytes: a string as it is, a digest as its 16
 * or 32 bytes, an address as 4 (IPv4) or 16 bytes.  A buffer that cannot
 * be a value of the set's type (wrong length) is never in it.
 *   dataset_lookup: true when present; *hit (may be NULL) gets the entry.
 *   dataset_add: 1 added, 0 already there, -1 refused (memcap, no memory,
 *     wrong length).
 *   dataset_remove: 1 removed, 0 was not there.
 */
bool dataset_lookup(struct dataset *ds, const uint8_t *d, uint32_t len, struct dataset_hit *hit);
int dataset_add(struct dataset *ds, const uint8_t *d, uint32_t len);
int dataset_remove(struct dataset *ds, const uint8_t *d, uint32_t len);

/* Parses one value in the file form of the set's type (base64 for
 * strings unless raw, hex digests, textual addresses) into out (>= 32
 * bytes; strings: a malloc'd buffer in *heap).  false when malformed. */
bool dataset_parse_value(enum dataset_type t, const char *text, bool raw, uint8_t *out,
			 uint32_t *len, uint8_t **heap);

/* Writes the set in csv form; -1 on I/O error (errno set). */
int dataset_save(struct dataset *ds, const char *path);

#endif
