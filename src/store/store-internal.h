/*
 * store-internal — what the store's own files share and nobody else sees:
 * the connection, its cache of prepared statements (preparing once per
 * connection is what makes batched imports fast), and the asset map held
 * in memory for lookups during an EVE import.
 */
#ifndef VIGIL_STORE_INTERNAL_H
#define VIGIL_STORE_INTERNAL_H

#include "store/store.h"

enum store_stmt_id {
	STMT_EVENT_INSERT,
	STMT_RECORD_PUT,
	STMT_RECORD_ATTR,
	STMT_RECORD_FIND,
	STMT_RECORD_DATE,
	STMT_RECORD_SCORE,
	STMT_ISSUE_INSERT,
	STMT_MAX
};

struct store_asset {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	int prefix;
	struct store_asset_match match;
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[STMT_MAX];
	struct store_asset *assets;
	size_t nassets;
	bool assets_loaded;
};

/* The cached statement id, prepared from sql on first use; NULL on error
 * (message on stderr).  The statement is reset and its bindings cleared. */
sqlite3_stmt *store_stmt(struct store *st, enum store_stmt_id id, const char *sql);
bool store_exec(struct store *st, const char *sql);
/* The last error of db as "FILE: CAUSE: MESSAGE; OS ERROR (SQLITE_X, code N)",
 * CAUSE being what an operator acts on: disk full, read-only, locked,
 * database corrupt...; path names the file when db has none (NULL: none). */
void store_format_error(sqlite3 *db, const char *path, char *out, size_t len);
/* Prints store_format_error() of st on stderr. */
void store_report_error(struct store *st);
void store_assets_forget(struct store *st);
/* Whether text is an address or "address/prefix" the asset map accepts. */
bool store_asset_valid(const char *text);

#endif
