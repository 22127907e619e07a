/*
 * intel-internal — what the importers share: the import context (store,
 * source row, counters), malformed-row reporting, and the two readers
 * every importer builds on: CSV rows with their physical line numbers
 * (libcsv; fields may hold quoted newlines) and the elements of a JSON
 * array with the line each element starts on (jansson).
 */
#ifndef VIGIL_INTEL_INTERNAL_H
#define VIGIL_INTEL_INTERNAL_H

#include <jansson.h>
#include <stdio.h>

#include "intel/intel.h"

struct intel_ctx {
	struct store *st;
	int64_t source_id;
	struct intel_import_result *res;
	char title[256]; /* filled by an importer: catalogue name/version */
	int pass;	 /* for importers that read their input more than once */
};

/* Counts, reports and stores one malformed row. */
void intel_malformed(struct intel_ctx *ctx, const char *file, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A CSV row: fields by position, with the header for lookups by name. */
struct intel_csv_row {
	char **field;
	size_t nfield;
	char **header;
	size_t nheader;
	uint64_t line; /* physical line the row starts on (1-based) */
};
/* Column index of name in the header, or -1. */
int intel_csv_col(const struct intel_csv_row *row, const char *name);
/* Field by header name; "" when the column is absent. */
const char *intel_csv_get(const struct intel_csv_row *row, const char *name);

typedef void (*intel_csv_row_fn)(struct intel_ctx *ctx, const char *file,
				 const struct intel_csv_row *row);
/* Reads a CSV file with a header line and calls fn per data row.  Rows whose
 * field count differs from the header's, and quoting errors, are reported
 * as malformed and not passed on.  Returns false if the file is unreadable. */
bool intel_csv_read(struct intel_ctx *ctx, const char *path, intel_csv_row_fn fn);

typedef void (*intel_json_elem_fn)(struct intel_ctx *ctx, const char *file, json_t *elem,
				   uint64_t line);
/* Reads a JSON file whose array of interest is the root (key NULL) or the
 * root object's member key, and calls fn per element with its starting
 * line.  *root receives the whole document (caller decrefs) when it parses;
 * a syntax error is reported as one malformed row at its line and the
 * elements before it are still delivered.  Returns false if unreadable or
 * the array is missing. */
bool intel_json_read(struct intel_ctx *ctx, const char *path, const char *key,
		     intel_json_elem_fn fn, json_t **root);

/* "YYYY-MM-DD" prefix of an ISO 8601 timestamp into out (>= 11 bytes);
 * false if s does not start with a valid date. */
bool intel_iso_date(const char *s, char *out);

/* Stores one record, counting it; returns its id or -1. */
int64_t intel_put(struct intel_ctx *ctx, const char *kind, const char *ext_id, const char *date,
		  const char *title, double score);

/* The importers, one per source-<kind>.c. */
bool intel_import_eurepoc(struct intel_ctx *ctx, const char *path);
bool intel_import_cipher(struct intel_ctx *ctx, const char *path);
bool intel_import_kev(struct intel_ctx *ctx, const char *path);
bool intel_import_attack(struct intel_ctx *ctx, const char *path);
bool intel_import_stix(struct intel_ctx *ctx, const char *path);
bool intel_import_misp(struct intel_ctx *ctx, const char *path);

/* A directory's regular files ending in suffix, sorted; NULL-terminated,
 * free with intel_free_list.  NULL if path is not a directory. */
char **intel_dir_files(const char *path, const char *suffix);
void intel_free_list(char **list);

#endif
