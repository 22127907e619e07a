/*
 * store-assets — the asset map: which organisation, sector and country a
 * monitored network or host belongs to, so detections can be counted per
 * sector.  The map is read from the `assets:` key of a YAML file (a
 * standalone file or vigil's config), stored in the `asset` table, and held
 * in memory for lookups while EVE rows are imported.  The most specific
 * (longest prefix) entry wins.  Addresses are parsed with inet_pton only;
 * nothing here trusts the length of a YAML scalar beyond its own buffers.
 */
#include "store/store-internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Parses "addr" or "addr/prefix" into an asset; false if invalid. */
static bool asset_parse_network(const char *text, struct store_asset *a)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", text);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(a->addr, 0, sizeof(a->addr));
	if (inet_pton(AF_INET, buf, a->addr) == 1) {
		a->family = AF_INET;
		a->prefix = 32;
	} else if (inet_pton(AF_INET6, buf, a->addr) == 1) {
		a->family = AF_INET6;
		a->prefix = 128;
	} else {
		return false;
	}
	if (slash) {
		char *end;
		long p = strtol(slash + 1, &end, 10);
		if (*end || p < 0 || p > a->prefix)
			return false;
		a->prefix = (int)p;
	}
	return true;
}

bool store_asset_valid(const char *text)
{
	struct store_asset a;
	return asset_parse_network(text, &a);
}

static bool asset_contains(const struct store_asset *a, int family, const uint8_t *addr)
{
	if (a->family != family)
		return false;
	int full = a->prefix / 8, rest = a->prefix % 8;
	if (memcmp(a->addr, addr, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a->addr[full] & mask) == (addr[full] & mask);
}

void store_assets_forget(struct store *st)
{
	free(st->assets);
	st->assets = NULL;
	st->nassets = 0;
	st->assets_loaded = false;
}

static void asset_copy(char *dst, size_t n, const unsigned char *src)
{
	snprintf(dst, n, "%s", src ? (const char *)src : "");
}

/* Reads the asset table into memory (once per store or after a reload). */
static bool assets_cache(struct store *st)
{
	if (st->assets_loaded)
		return true;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(
		st->db, "SELECT network, organisation, sector, country FROM asset ORDER BY id", -1,
		&s, NULL) != SQLITE_OK)
		return false;
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct store_asset a;
		memset(&a, 0, sizeof(a));
		if (!asset_parse_network((const char *)sqlite3_column_text(s, 0), &a))
			continue; /* validated on load; a hand-edited row is skipped */
		asset_copy(a.match.organisation, sizeof(a.match.organisation),
			   sqlite3_column_text(s, 1));
		asset_copy(a.match.sector, sizeof(a.match.sector), sqlite3_column_text(s, 2));
		asset_copy(a.match.country, sizeof(a.match.country), sqlite3_column_text(s, 3));
		struct store_asset *n = realloc(st->assets, (st->nassets + 1) * sizeof(*n));
		if (!n)
			break;
		st->assets = n;
		st->assets[st->nassets++] = a;
	}
	sqlite3_finalize(s);
	st->assets_loaded = true;
	return true;
}

bool store_assets_lookup(struct store *st, const char *ip, struct store_asset_match *out)
{
	uint8_t addr[16] = {0};
	int family;
	if (!ip || !assets_cache(st) || st->nassets == 0)
		return false;
	if (inet_pton(AF_INET, ip, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, ip, addr) == 1)
		family = AF_INET6;
	else
		return false;
	const struct store_asset *best = NULL;
	for (size_t i = 0; i < st->nassets; i++)
		if (asset_contains(&st->assets[i], family, addr) &&
		    (!best || st->assets[i].prefix > best->prefix))
			best = &st->assets[i];
	if (best)
		*out = best->match;
	return best != NULL;
}

static const char *yaml_scalar(yaml_document_t *doc, yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *yaml_map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = yaml_scalar(doc, yaml_document_get_node(doc, p->key));
		if (k && strcmp(k, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/* Inserts one `assets:` entry; false with err set if it is invalid. */
static bool asset_insert(struct store *st, sqlite3_stmt *ins, yaml_document_t *doc,
			 yaml_node_t *item, const char *path, char *err, size_t errlen)
{
	unsigned long line = (unsigned long)item->start_mark.line + 1;
	const char *net = yaml_scalar(doc, yaml_map_get(doc, item, "network"));
	if (!net)
		net = yaml_scalar(doc, yaml_map_get(doc, item, "host"));
	struct store_asset a;
	if (!net || !asset_parse_network(net, &a)) {
		snprintf(err, errlen, "%s:%lu: asset needs a valid `network:` or `host:`", path,
			 line);
		return false;
	}
	const char *keys[] = {"organisation", "sector", "country"};
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, net, -1, SQLITE_TRANSIENT);
	for (int k = 0; k < 3; k++)
		sqlite3_bind_text(ins, k + 2, yaml_scalar(doc, yaml_map_get(doc, item, keys[k])),
				  -1, SQLITE_TRANSIENT);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(st->db));
		return false;
	}
	return true;
}

static int assets_from_doc(struct store *st, yaml_document_t *doc, const char *path, char *err,
			   size_t errlen)
{
	yaml_node_t *seq = yaml_map_get(doc, yaml_document_get_root_node(doc), "assets");
	if (!seq)
		return 0; /* a config without an asset map: keep the stored one */
	if (seq->type != YAML_SEQUENCE_NODE) {
		snprintf(err, errlen, "%s:%lu: `assets:` must be a list", path,
			 (unsigned long)seq->start_mark.line + 1);
		return -1;
	}
	sqlite3_stmt *ins;
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO asset(network, organisation, sector, country)"
			       " VALUES(?,?,?,?)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    !store_begin(st)) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(st->db));
		return -1;
	}
	int n = 0;
	bool ok = store_exec(st, "DELETE FROM asset");
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     ok && it < seq->data.sequence.items.top; it++, n++)
		ok =
		    asset_insert(st, ins, doc, yaml_document_get_node(doc, *it), path, err, errlen);
	sqlite3_finalize(ins);
	if (!ok || !store_commit(st)) {
		store_rollback(st);
		return -1;
	}
	store_assets_forget(st);
	return n;
}

int store_assets_load(struct store *st, const char *yaml_path, char *err, size_t errlen)
{
	FILE *f = fopen(yaml_path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", yaml_path);
		return -1;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int n = -1;
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%lu:%lu: %s", yaml_path,
			 (unsigned long)parser.problem_mark.line + 1,
			 (unsigned long)parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "YAML error");
	} else {
		n = assets_from_doc(st, &doc, yaml_path, err, errlen);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return n;
}
