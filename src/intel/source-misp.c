/*
 * source-misp — MISP galaxy clusters (JSON files with a `values` array):
 * ransomware families, threat actors (with the CFR cyber-operations
 * tracker fields), tools, cryptominers, sectors, ICS techniques.  Each
 * cluster value is a record keyed "<galaxy type>:<uuid>"; its kind follows
 * the galaxy type (ransomware and cryptominers → `malware`, threat-actor →
 * `actor`, sector → `sector`, *techniques → `technique`, else `tool`).
 * Galaxy values carry no reliable calendar date, so records are undated
 * reference data.  A value without `value` or `uuid` is malformed.
 */
#include "intel/intel-internal.h"

#include <math.h>
#include <string.h>

static const char *misp_galaxy_kind(const char *galaxy)
{
	if (strcmp(galaxy, "ransomware") == 0 || strcmp(galaxy, "cryptominers") == 0)
		return "malware";
	if (strcmp(galaxy, "threat-actor") == 0)
		return "actor";
	if (strcmp(galaxy, "sector") == 0)
		return "sector";
	if (strstr(galaxy, "techniques"))
		return "technique";
	return "tool";
}

static void misp_meta_list(struct intel_ctx *ctx, int64_t id, json_t *meta, const char *key,
			   const char *attr)
{
	json_t *v = json_object_get(meta, key);
	if (json_is_string(v)) {
		store_record_attr(ctx->st, id, attr, json_string_value(v));
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) store_record_attr(ctx->st, id, attr, json_string_value(e));
}

/* While a file is read, ctx->title holds its galaxy type (the element
 * callback has no other channel); the source title is set at the end. */
static void misp_value(struct intel_ctx *ctx, const char *file, json_t *v, uint64_t line)
{
	const char *galaxy = ctx->title[0] ? ctx->title : "unknown";
	const char *name = json_string_value(json_object_get(v, "value"));
	const char *uuid = json_string_value(json_object_get(v, "uuid"));
	if (!json_is_object(v) || !name || !uuid) {
		intel_malformed(ctx, file, line, "galaxy cluster value without value or uuid");
		return;
	}
	char ext_id[320];
	snprintf(ext_id, sizeof(ext_id), "%s:%s", galaxy, uuid);
	int64_t id = intel_put(ctx, misp_galaxy_kind(galaxy), ext_id, NULL, name, NAN);
	if (id < 0)
		return;
	json_t *meta = json_object_get(v, "meta");
	store_record_attr(ctx->st, id, "galaxy", galaxy);
	if (strcmp(galaxy, "ransomware") == 0)
		store_record_attr(ctx->st, id, "malware_type", "ransomware");
	if (strcmp(galaxy, "cryptominers") == 0)
		store_record_attr(ctx->st, id, "malware_type", "cryptominer");
	misp_meta_list(ctx, id, meta, "country", "country");
	misp_meta_list(ctx, id, meta, "cfr-suspected-state-sponsor", "sponsor");
	misp_meta_list(ctx, id, meta, "cfr-target-category", "target_category");
	misp_meta_list(ctx, id, meta, "cfr-type-of-incident", "incident_type");
	misp_meta_list(ctx, id, meta, "cfr-suspected-victims", "victim");
	misp_meta_list(ctx, id, meta, "targeted-sector", "target_sector");
	misp_meta_list(ctx, id, meta, "synonyms", "alias");
	misp_meta_list(ctx, id, meta, "type", "tool_type");
}

/* Reads the galaxy's type first (it names every record), then its values. */
static bool misp_file(struct intel_ctx *ctx, const char *path, char *titles, size_t tlen)
{
	json_error_t err;
	json_t *head = json_load_file(path, 0, &err);
	const char *type = json_string_value(json_object_get(head, "type"));
	snprintf(ctx->title, sizeof(ctx->title), "%s", type ? type : "unknown");
	json_decref(head);
	json_t *root;
	bool ok = intel_json_read(ctx, path, "values", misp_value, &root);
	if (ok) {
		size_t used = strlen(titles);
		snprintf(titles + used, tlen - used, "%s%s", used ? ", " : "", ctx->title);
	}
	json_decref(root);
	return ok;
}

bool intel_import_misp(struct intel_ctx *ctx, const char *path)
{
	char titles[sizeof(ctx->title)] = "";
	char **files = intel_dir_files(path, ".json");
	bool ok = true;
	if (!files) {
		ok = misp_file(ctx, path, titles, sizeof(titles));
	} else {
		for (char **f = files; ok && *f; f++)
			ok = misp_file(ctx, *f, titles, sizeof(titles));
		intel_free_list(files);
	}
	char full[sizeof(titles) + 32];
	snprintf(full, sizeof(full), "MISP galaxies: %s", titles);
	memcpy(ctx->title, full, sizeof(ctx->title) - 1); /* a long list is cut */
	ctx->title[sizeof(ctx->title) - 1] = '\0';
	return ok;
}
