/*
 * iprep.h — Suricata's IP reputation: categories (reputation-categories-file:
 * "id,short name,description", ids 1-60) and reputation files
 * ("address[/prefix],category id,score 1-127") named by reputation-files
 * under default-reputation-path.  Internal to src/detect; read by the
 * `iprep` keyword.
 *
 * Hosts and networks live in one hash keyed by (family, prefix length,
 * masked address); a look-up tries the prefix lengths present, longest
 * first, so the most specific entry that scores the category wins.  The
 * table is built before the first packet and only read afterwards: no
 * locks.
 */
#ifndef VIGIL_DETECT_IPREP_H
#define VIGIL_DETECT_IPREP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct config_node;
struct ip_addr;
struct iprep;

#define IPREP_MAX_CATEGORY 60

/* Loads the categories and reputation files the configuration names;
 * NULL when it names no categories file.  Malformed lines are reported as
 * "file:line: ..." on log and counted, the rest loads. */
struct iprep *iprep_load(const struct config_node *cfg, FILE *log);
void iprep_free(struct iprep *ir);

/* Loads one categories / reputation file into ir (also for tests). */
struct iprep *iprep_new(void);
int iprep_load_categories(struct iprep *ir, const char *path, FILE *log);
int iprep_load_file(struct iprep *ir, const char *path, FILE *log);

/* Category id of a short name; 0 when unknown. */
unsigned iprep_category(const struct iprep *ir, const char *name);
/* Score of the address in the category (1-127), 0 when no data. */
uint8_t iprep_score(const struct iprep *ir, const struct ip_addr *a, unsigned category);
uint64_t iprep_entries(const struct iprep *ir);

#endif
