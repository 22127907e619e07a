/*
 * store-config — the sensor's side of the event store: the
 * `outputs: - sqlite:` entry of vigil's config (on by default; `enabled:
 * no` turns it off; `filename:` relative to the log directory, default
 * vigil.db) and the config's `assets:` map, so that at the end of a run
 * the engine makes one call, store_import_run().  Reads the config tree
 * only; never changes it.
 */
#include "store/store-internal.h"

#include <stdio.h>
#include <string.h>

#include "util/config.h"

void store_output_config(const struct config_node *root, const char *log_dir,
			 struct store_output_config *out)
{
	const struct config_node *outputs = config_get(root, "outputs");
	const struct config_node *sq = NULL;
	for (size_t i = 0; outputs && outputs->kind == CONFIG_SEQ && i < outputs->nchild; i++)
		if ((sq = config_child(outputs->child[i], "sqlite")) != NULL)
			break;
	out->enabled = sq ? config_get_bool(sq, "enabled", true) : true;
	const char *fn = sq ? config_get_str(sq, "filename", "vigil.db") : "vigil.db";
	if (fn[0] == '/' || !log_dir || !*log_dir)
		snprintf(out->path, sizeof(out->path), "%s", fn);
	else
		snprintf(out->path, sizeof(out->path), "%s/%s", log_dir, fn);
}

/* One `assets:` entry of the config tree as the asset table's row. */
static bool asset_row(sqlite3_stmt *ins, const struct config_node *item, size_t idx, char *err,
		      size_t errlen)
{
	const char *net = config_get_str(item, "network", NULL);
	if (!net)
		net = config_get_str(item, "host", NULL);
	if (!net || !store_asset_valid(net)) {
		snprintf(err, errlen, "config: assets.%zu needs a valid `network:` or `host:`",
			 idx);
		return false;
	}
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, net, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 2, config_get_str(item, "organisation", NULL), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 3, config_get_str(item, "sector", NULL), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 4, config_get_str(item, "country", NULL), -1, SQLITE_TRANSIENT);
	return sqlite3_step(ins) == SQLITE_DONE;
}

int store_assets_from_config(struct store *st, const struct config_node *root, char *err,
			     size_t errlen)
{
	const struct config_node *seq = config_get(root, "assets");
	if (!seq)
		return 0;
	if (seq->kind != CONFIG_SEQ) {
		snprintf(err, errlen, "config: `assets:` must be a list");
		return -1;
	}
	sqlite3_stmt *ins;
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO asset(network, organisation, sector, country)"
			       " VALUES(?,?,?,?)",
			       -1, &ins, NULL) != SQLITE_OK)
		return -1;
	bool ok = store_begin(st) && store_exec(st, "DELETE FROM asset");
	for (size_t i = 0; ok && i < seq->nchild; i++)
		ok = asset_row(ins, seq->child[i], i, err, errlen);
	sqlite3_finalize(ins);
	if (!ok || !store_commit(st)) {
		store_rollback(st);
		return -1;
	}
	store_assets_forget(st);
	return (int)seq->nchild;
}

int store_import_run(const struct config_node *root, const char *log_dir, const char *eve_path,
		     struct store_eve_stats *stats)
{
	struct store_output_config oc;
	store_output_config(root, log_dir, &oc);
	if (!oc.enabled)
		return 0;
	char err[512] = "";
	struct store *st = store_open(oc.path, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "vigil: %s\n", err);
		return -1;
	}
	int rc = store_assets_from_config(st, root, err, sizeof(err)) < 0 ? -1 : 0;
	if (rc < 0)
		fprintf(stderr, "vigil: %s\n", err[0] ? err : "asset map not loaded");
	else
		rc = store_import_eve(st, eve_path, stats);
	store_close(st);
	return rc;
}
