/*
 * test_source_util — helpers shared by the test_source_*.c files (header
 * only: each test is its own program): a scratch directory, writing
 * fixture files, a store, and single-value queries.
 */
#ifndef VIGIL_TEST_SOURCE_UTIL_H
#define VIGIL_TEST_SOURCE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "intel/intel.h"
#include "store/store.h"

static char scratch[256];

static inline void scratch_init(const char *name)
{
	snprintf(scratch, sizeof(scratch), "/tmp/vigil-%s-XXXXXX", name);
	if (!mkdtemp(scratch))
		abort();
}

static inline int scratch_cleanup(int rc)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	return system(cmd) == 0 ? rc : 1;
}

static inline const char *scratch_path(const char *name)
{
	static char buf[4][320];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, 320, "%s/%s", scratch, name);
	return p;
}

static inline void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static inline struct store *scratch_store(const char *name)
{
	char err[256];
	struct store *st = store_open(scratch_path(name), err, sizeof(err));
	if (!st)
		abort();
	return st;
}

static inline long long q_int(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	long long v = -1;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static const struct intel_provenance test_prov = {"Test Publisher", "academia", "green", "CC0"};

#endif
