/*
 * ioc-internal.h — what the feed readers of ioc-<format>.c share: the
 * load context and the malformed-entry report.  Internal to src/intel.
 */
#ifndef VIGIL_INTEL_IOC_INTERNAL_H
#define VIGIL_INTEL_IOC_INTERNAL_H

#include "intel/ioc.h"

struct ioc_loader {
	struct ioc_db *db;
	const struct ioc_feed_opts *o;
	struct ioc_load_result *res;
	FILE *log;
	uint32_t feed; /* set by the reader once it knows the publisher */
};

/* Counts and reports one malformed entry as "path: WHERE: message" (WHERE:
 * "line N" or "object ID"); at most 50 reports a feed, then only counts. */
void ioc_malformed(struct ioc_loader *L, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same for an entry valid but of a kind vigil cannot match (counted apart). */
void ioc_unsupported(struct ioc_loader *L, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a value, counting it as loaded, malformed (reported) or over
 * the memcap. */
void ioc_add(struct ioc_loader *L, const char *where, enum ioc_type t, const char *value,
	     const struct ioc_prov *p);

int ioc_load_stix(struct ioc_loader *L);
int ioc_load_misp(struct ioc_loader *L);
int ioc_load_csv(struct ioc_loader *L);

/* The enrichment tables (ioc-enrich.c) the database holds. */
struct ioc_enrich;
struct ioc_enrich **ioc_db_enrich_ref(struct ioc_db *db);
void ioc_enrich_free(struct ioc_enrich *en);

/* ipv4-addr or ipv6-addr, by the text. */
enum ioc_type ioc_ip_type(const char *text);

#endif
