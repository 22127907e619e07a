/*
 * intel — importers for public incident, vulnerability and intelligence
 * sources (EuRepoC, CIPHER, CISA KEV, MITRE ATT&CK and generic STIX 2.1,
 * MISP galaxies) into the event store.
 *
 * Each source kind lives in its own source-<kind>.c and is registered in
 * the one table in intel.c; adding a kind touches nothing else.  Importers
 * keep the source's own category names (mapping to vigil's vocabulary is
 * the briefing's job, see brief/taxonomy) and tie every record to a source
 * row carrying its provenance.  Malformed input rows are counted, reported
 * on stderr as "file:line: reason" and kept in the store; they never stop
 * an import and are never dropped silently.
 */
#ifndef VIGIL_INTEL_INTEL_H
#define VIGIL_INTEL_INTEL_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct intel_provenance {
	const char *publisher;	 /* required */
	const char *stakeholder; /* un|government|private|civil-society|academia */
	const char *tlp;	 /* clear|green|amber|red; NULL → clear */
	const char *licence;	 /* free text; NULL → "not stated" */
};

struct intel_import_result {
	uint64_t read;	    /* input rows (CSV) or objects (JSON) read */
	uint64_t records;   /* records stored */
	uint64_t malformed; /* input rows rejected (each reported) */
	uint64_t skipped;   /* rows deliberately not imported (e.g. revoked objects) */
};

struct intel_source_kind {
	const char *name;	 /* the KIND of `vigil source import KIND` */
	const char *description; /* one line for --help */
};

/* The registered kinds, in table order; *n receives the count. */
const struct intel_source_kind *intel_source_kinds(size_t *n);
bool intel_source_known(const char *kind);

/* Stakeholder kinds and TLP labels accepted by the importers. */
bool intel_valid_stakeholder(const char *s);
bool intel_valid_tlp(const char *s);

/*
 * Imports path (a file or a directory, as the kind accepts) into the store
 * as one source.  Re-importing the same path replaces that source's
 * records.  Returns 0 on success (even with malformed rows, which are in
 * res), -1 when the input could not be read at all (message on stderr).
 */
int intel_source_import(struct store *st, const char *kind, const char *path,
			const struct intel_provenance *prov, struct intel_import_result *res);

#endif
