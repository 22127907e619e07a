/*
 * filestore — file extraction, Suricata's `file-store` output (version 2
 * layout only): every file the application layer carried that is to be
 * stored (force-filestore, or a rule's filestore keyword) is written as
 * <dir>/<first two hex digits of its SHA-256>/<SHA-256>, with, when
 * write-fileinfo is on, its fileinfo object beside it as
 * <SHA-256>.<seconds>.<file id>.json.
 *
 * The bytes come from the file tracker's spool (app/file.h): a file is
 * written to <dir>/tmp while it travels and renamed into place when its
 * fileinfo is logged, so a stored file is always whole (a truncated file
 * is whole up to where it was cut) and a reader never sees one being
 * written.  A file whose name is taken already (the same content seen
 * before) is not written twice.  Files that could not be stored (the
 * open-file limit, a failed create, write or rename) are counted and
 * reported at the end, never dropped silently.
 *
 * Settings (outputs: - file-store:): version (only 2), enabled, dir
 * (default "filestore", under the log directory when relative),
 * write-fileinfo, force-filestore, force-hash (md5, sha1, sha256: hashes
 * every file gets), stream-depth (the reassembly depth of flows whose
 * files are stored; 0 = unlimited), max-open-files (files being written
 * at once; 0 = no limit).
 */
#ifndef VIGIL_OUTPUT_FILESTORE_H
#define VIGIL_OUTPUT_FILESTORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "app/app.h"

struct config_node;

struct filestore_config {
	bool enabled;
	char dir[512]; /* as configured (relative to the log directory) */
	bool write_fileinfo;
	bool force_filestore;
	uint8_t force_hash;	 /* APP_FILE_MD5|SHA1|SHA256 */
	bool stream_depth_set;	 /* stream-depth given */
	uint64_t stream_depth;	 /* 0 = unlimited */
	uint32_t max_open_files; /* 0 = no limit */
};

/* Off; Suricata's defaults for the rest. */
void filestore_config_defaults(struct filestore_config *c);
/* Reads the first `outputs: - file-store:` entry; a version other than 2
 * is reported on stderr and leaves the output off. */
void filestore_config_load(struct filestore_config *c, const struct config_node *root);

/*
 * Makes <dir>, <dir>/00..ff and <dir>/tmp under log_dir and turns the
 * tracker's spooling on (app_file_spool_setup).  False (err set) when the
 * directory cannot be made.  Once, before the workers start.
 */
bool filestore_open(const struct filestore_config *c, const char *log_dir, char *err,
		    size_t errlen);
/* The output's directory after filestore_open ("" when off). */
const char *filestore_dir(void);

/*
 * Stores a closed or truncated file whose spool fi->spool_path holds its
 * bytes: links it to its place (final gets the path) and removes the
 * spool.  *file_id gets the file's number (1, 2, ... over the run).
 * False when it could not be stored (counted).
 */
bool filestore_take(const struct filestore_config *c, const struct app_file_info *fi,
		    uint64_t *file_id, char *final, size_t final_len);
/* With write-fileinfo: meta (the fileinfo event, n bytes) beside the
 * stored file as <final>.<ts_sec>.<file_id>.json. */
void filestore_meta(const struct filestore_config *c, const char *final, int64_t ts_sec,
		    uint64_t file_id, const char *meta, size_t n);

/* Counters over the run. */
struct filestore_stats {
	uint64_t stored;    /* files written */
	uint64_t duplicate; /* content stored already: not written again */
	uint64_t failed;    /* could not be stored (with the tracker's spool failures) */
};
void filestore_stats(struct filestore_stats *out);
/* One line on f when the output is on. */
void filestore_report(const struct filestore_config *c, FILE *f);

#endif
