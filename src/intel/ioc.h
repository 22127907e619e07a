/*
 * ioc.h — indicators of compromise on the wire: STIX 2.1 bundles, MISP
 * events and CSV feeds loaded into in-memory sets the detect stage looks
 * packets, DNS queries, TLS SNI, HTTP hosts and URLs, JA3 hashes and file
 * digests up in (detect/kw-intel.c), each indicator keeping its
 * provenance: feed, publisher, stakeholder kind, TLP, confidence, validity
 * window and the id of the object it came from.
 *
 * The database is built before the first packet and only read afterwards:
 * look-ups take no lock.  Malformed entries are reported on the log as
 * "file:line: ..." (CSV) or "file: object ID: ..." (JSON), counted, and
 * the rest loads.
 */
#ifndef VIGIL_INTEL_IOC_H
#define VIGIL_INTEL_IOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ioc_type {
	IOC_IPV4,
	IOC_IPV6,
	IOC_DOMAIN, /* lower case, no trailing dot */
	IOC_URL,    /* "host/path?query": scheme, default port and fragment dropped */
	IOC_MD5,
	IOC_SHA1,
	IOC_SHA256,
	IOC_JA3, /* JA3 / JA3S MD5 */
	IOC_TYPES
};

enum ioc_tlp { TLP_CLEAR, TLP_GREEN, TLP_AMBER, TLP_AMBER_STRICT, TLP_RED, TLP_UNKNOWN };

enum ioc_format { IOC_FMT_STIX, IOC_FMT_MISP, IOC_FMT_CSV };

/* One feed's description (from the config or the command line). */
struct ioc_feed_opts {
	const char *path;
	enum ioc_format format;
	const char *name;	 /* NULL: the file's base name */
	const char *publisher;	 /* NULL: from the feed (STIX created_by, MISP Orgc) */
	const char *stakeholder; /* un|government|private|civil-society|academia|NULL */
	enum ioc_tlp tlp;	 /* when the feed marks none (TLP_UNKNOWN: none) */
};

struct ioc_load_result {
	uint64_t read;	    /* entries read (indicator objects, attributes, rows) */
	uint64_t loaded;    /* indicator values added */
	uint64_t malformed; /* entries rejected (each reported) */
	uint64_t skipped;   /* entries deliberately not loaded (to_ids false, revoked, ...) */
	uint64_t unsupported; /* valid entries of a type or pattern vigil cannot match */
	uint64_t over_memcap; /* values not added: the database reached intel.memcap */
};

/* What a match reports: the indicator and where it came from. */
struct ioc_hit {
	enum ioc_type type;
	char value[512]; /* as stored (normalised), as text */
	const char *feed, *publisher, *stakeholder;
	enum ioc_tlp tlp;
	const char *source_id; /* STIX id, MISP attribute uuid, or "file:line" */
	int confidence;	       /* 0-100, -1 = none */
	int64_t valid_from, valid_until; /* Unix seconds, 0 = open */
};

struct ioc_db;

struct ioc_db *ioc_db_new(void);
void ioc_db_free(struct ioc_db *db);

/* Loads one feed; -1 when it cannot be read at all (reported on log). */
int ioc_db_load(struct ioc_db *db, const struct ioc_feed_opts *o, struct ioc_load_result *res,
		FILE *log);
/* Format from a name ("stix", "misp", "csv"); false when unknown. */
bool ioc_format_parse(const char *s, enum ioc_format *f);
/* Guess from the file: ".csv" → csv, JSON with "Event"/"Attribute" → misp, else stix. */
enum ioc_format ioc_format_guess(const char *path);

uint64_t ioc_db_count(const struct ioc_db *db);
uint64_t ioc_db_count_type(const struct ioc_db *db, enum ioc_type t);
uint64_t ioc_db_memuse(const struct ioc_db *db);

/*
 * Looks a value up (the bytes as the buffer has them; domains are compared
 * case-insensitively, addresses are 4 or 16 bytes, digests raw bytes).
 * `now` (Unix seconds) rules out indicators outside their validity window.
 * True with *hit filled on a match.
 */
bool ioc_db_lookup(const struct ioc_db *db, enum ioc_type t, const uint8_t *v, size_t len,
		   int64_t now, struct ioc_hit *hit);

const char *ioc_type_name(enum ioc_type t);
const char *ioc_tlp_name(enum ioc_tlp t);
/* "clear", "white", "TLP:AMBER", "amber+strict" ... */
enum ioc_tlp ioc_tlp_parse(const char *s);

/* The feeds of the configuration's intel.feeds (see ioc-config.c),
 * loaded with a summary line per feed on log; NULL when it names none. */
struct config_node;
struct ioc_db *ioc_db_from_config(const struct config_node *root, FILE *log);

/* `vigil intel load|export ...` (argv[0] = "intel"); the exit code. */
int intel_command_main(int argc, char **argv);
/* `vigil intel export ...` (argv[0] = "export"), ioc-export.c. */
int intel_export_main(int argc, char **argv);

/*
 * Enrichment of alerts (ioc-enrich.c): the CISA KEV catalogue (JSON) and
 * ATT&CK STIX bundles, named by intel.kev and intel.attack.  -1 when the
 * file is not one (reported).  ioc_enrich_json() gives the JSON object
 * for a rule's CVE ids ("CVE-YYYY-N") and technique ids ("T1190"), or
 * NULL when there is nothing to say; the caller frees it.
 */
int ioc_db_load_kev(struct ioc_db *db, const char *path, FILE *log);
int ioc_db_load_attack(struct ioc_db *db, const char *path, FILE *log);
bool ioc_db_has_enrichment(const struct ioc_db *db);
bool ioc_cve_normalise(const char *s, char *out, size_t n);
char *ioc_enrich_json(const struct ioc_db *db, const char *const *cves, size_t ncve,
		      const char *const *techs, size_t ntech);

/* Internal to src/intel: adding an indicator with its provenance.  The
 * value is text as in the feed; false (nothing added) when it is not a
 * value of the type. */
struct ioc_prov {
	uint32_t feed; /* from ioc_db_feed() */
	const char *source_id;
	const char *publisher; /* NULL: the feed's */
	enum ioc_tlp tlp;      /* TLP_UNKNOWN: the feed's */
	int confidence;
	int64_t valid_from, valid_until;
};
uint32_t ioc_db_feed(struct ioc_db *db, const struct ioc_feed_opts *o, const char *publisher);
/* 1 added, 0 not a value of the type, -1 refused (memcap, no memory). */
int ioc_db_add(struct ioc_db *db, enum ioc_type t, const char *text, const struct ioc_prov *p);
#define IOC_DEFAULT_MEMCAP (1ull << 30)
/* Bytes the database may use (0 = no limit); values beyond are refused. */
void ioc_db_set_memcap(struct ioc_db *db, uint64_t bytes);
/* "2025-01-31T12:00:00Z", "2025-01-31", Unix seconds → seconds; false when not a date. */
bool ioc_parse_time(const char *s, int64_t *out);

#endif
