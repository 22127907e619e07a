/*
 * source-stix — STIX 2.1 bundles: generic ones (incident, sighting,
 * indicator, report, threat-actor, intrusion-set, campaign, malware, tool,
 * attack-pattern, identity objects) and MITRE ATT&CK's (the same plus
 * x-mitre-* objects, of which revoked or deprecated ones are skipped).
 *
 * Each object becomes a record keyed by its STIX id; the kind is vigil's
 * word for the STIX type (threat-actor and intrusion-set are both `actor`,
 * attack-pattern is `technique`).  The date is the first of first_seen,
 * published, valid_from, created that is a date.  Relationships become
 * records of their own (source_ref, target_ref).  After a bundle is read,
 * incidents inherit the sectors of the identities they `target` and the
 * malware types of the malware they `use` (as labels), so the briefing
 * can place STIX incidents by sector and threat type with the taxonomy.
 * An object without type or id is malformed.
 */
#include "intel/intel-internal.h"

#include <math.h>
#include <string.h>

struct stix_kind {
	const char *type;
	const char *kind;
};

static const struct stix_kind stix_kinds[] = {
    {"incident", "incident"},
    {"sighting", "sighting"},
    {"indicator", "indicator"},
    {"report", "report"},
    {"threat-actor", "actor"},
    {"intrusion-set", "actor"},
    {"campaign", "campaign"},
    {"malware", "malware"},
    {"tool", "tool"},
    {"attack-pattern", "technique"},
    {"identity", "identity"},
    {"x-mitre-asset", "asset"},
    {"vulnerability", "vulnerability"},
};

static const char *stix_kind_of(const char *type)
{
	for (size_t i = 0; i < sizeof(stix_kinds) / sizeof(stix_kinds[0]); i++)
		if (strcmp(stix_kinds[i].type, type) == 0)
			return stix_kinds[i].kind;
	return NULL;
}

static bool stix_date(json_t *obj, char *out)
{
	static const char *const keys[] = {"first_seen", "published", "valid_from", "created"};
	for (size_t i = 0; i < 4; i++)
		if (intel_iso_date(json_string_value(json_object_get(obj, keys[i])), out))
			return true;
	return false;
}

/* A string or array-of-strings property → one attribute per value. */
static void stix_attr_list(struct intel_ctx *ctx, int64_t id, json_t *obj, const char *prop,
			   const char *attr)
{
	json_t *v = json_object_get(obj, prop);
	if (json_is_string(v)) {
		store_record_attr(ctx->st, id, attr, json_string_value(v));
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) store_record_attr(ctx->st, id, attr, json_string_value(e));
}

static void stix_attrs(struct intel_ctx *ctx, int64_t id, json_t *obj)
{
	static const char *const lists[][2] = {
	    {"labels", "label"},
	    {"aliases", "alias"},
	    {"malware_types", "malware_type"},
	    {"threat_actor_types", "actor_type"},
	    {"indicator_types", "indicator_type"},
	    {"report_types", "report_type"},
	    {"sectors", "sector"},
	    {"x_mitre_domains", "domain"},
	    {"primary_motivation", "motivation"},
	    {"incident_types", "incident_type"},
	};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		stix_attr_list(ctx, id, obj, lists[i][0], lists[i][1]);
	store_record_attr(ctx->st, id, "stix_type",
			  json_string_value(json_object_get(obj, "type")));
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(obj, "external_references"), i, e)
	{
		const char *src = json_string_value(json_object_get(e, "source_name"));
		const char *ext = json_string_value(json_object_get(e, "external_id"));
		if (src && ext && (strcmp(src, "mitre-attack") == 0 || strcmp(src, "cve") == 0))
			store_record_attr(ctx->st, id, "external_id", ext);
	}
	json_array_foreach(json_object_get(obj, "kill_chain_phases"), i, e) store_record_attr(
	    ctx->st, id, "tactic", json_string_value(json_object_get(e, "phase_name")));
}

/* Relationships and sightings are read after the objects they refer to
 * may be stored; they only add attributes, so order does not matter for
 * the objects themselves. */
static void stix_relationship(struct intel_ctx *ctx, const char *file, json_t *obj, uint64_t line)
{
	const char *src = json_string_value(json_object_get(obj, "source_ref"));
	const char *dst = json_string_value(json_object_get(obj, "target_ref"));
	const char *rel = json_string_value(json_object_get(obj, "relationship_type"));
	if (!src || !dst || !rel) {
		intel_malformed(ctx, file, line, "relationship without source_ref/target_ref/type");
		return;
	}
	/* Kept as a record of its own so it survives whichever end is imported
	 * first; briefing queries join on the attribute values. */
	int64_t id = intel_put(ctx, "relationship", json_string_value(json_object_get(obj, "id")),
			       NULL, rel, NAN);
	if (id < 0)
		return;
	store_record_attr(ctx->st, id, "source_ref", src);
	store_record_attr(ctx->st, id, "target_ref", dst);
}

static bool stix_skip(json_t *obj)
{
	return json_is_true(json_object_get(obj, "revoked")) ||
	       json_is_true(json_object_get(obj, "x_mitre_deprecated"));
}

static void stix_object(struct intel_ctx *ctx, const char *file, json_t *obj, uint64_t line)
{
	const char *type = json_string_value(json_object_get(obj, "type"));
	const char *sid = json_string_value(json_object_get(obj, "id"));
	if (!json_is_object(obj) || !type || !sid) {
		intel_malformed(ctx, file, line, "STIX object without type or id");
		return;
	}
	if (stix_skip(obj)) {
		ctx->res->skipped++;
		return;
	}
	if (strcmp(type, "relationship") == 0) {
		stix_relationship(ctx, file, obj, line);
		return;
	}
	const char *kind = stix_kind_of(type);
	if (!kind) {
		ctx->res->skipped++; /* marking definitions, x-mitre matrices, analytics... */
		return;
	}
	char date[11];
	int64_t id = intel_put(ctx, kind, sid, stix_date(obj, date) ? date : NULL,
			       json_string_value(json_object_get(obj, "name")), NAN);
	if (id >= 0)
		stix_attrs(ctx, id, obj);
}

/* Copies attribute from_key of the objects that incidents relate to by
 * relationship rel onto the incidents as to_key. */
static bool stix_inherit(struct intel_ctx *ctx, const char *rel, const char *target_kind,
			 const char *from_key, const char *to_key)
{
	sqlite3_stmt *s;
	const char *sql =
	    "INSERT OR IGNORE INTO record_attr(record_id, key, value)"
	    " SELECT inc.id, ?5, ta.value FROM record r"
	    " JOIN record_attr sr ON sr.record_id = r.id AND sr.key = 'source_ref'"
	    " JOIN record_attr tr ON tr.record_id = r.id AND tr.key = 'target_ref'"
	    " JOIN record inc ON inc.source_id = r.source_id AND inc.ext_id = sr.value"
	    "  AND inc.kind = 'incident'"
	    " JOIN record tgt ON tgt.source_id = r.source_id AND tgt.ext_id = tr.value"
	    "  AND tgt.kind = ?3"
	    " JOIN record_attr ta ON ta.record_id = tgt.id AND ta.key = ?4"
	    " WHERE r.source_id = ?1 AND r.kind = 'relationship' AND r.title = ?2";
	if (sqlite3_prepare_v2(store_db(ctx->st), sql, -1, &s, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(s, 1, ctx->source_id);
	sqlite3_bind_text(s, 2, rel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, target_kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, from_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, to_key, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return ok;
}

static bool stix_file(struct intel_ctx *ctx, const char *path, bool attack)
{
	json_t *root;
	if (!intel_json_read(ctx, path, "objects", stix_object, &root))
		return false;
	if (attack) {
		size_t i;
		json_t *o;
		json_array_foreach(json_object_get(root, "objects"), i, o)
		{
			const char *type = json_string_value(json_object_get(o, "type"));
			const char *name = json_string_value(json_object_get(o, "name"));
			const char *ver = json_string_value(json_object_get(o, "x_mitre_version"));
			if (type && strcmp(type, "x-mitre-collection") == 0 && name) {
				snprintf(ctx->title, sizeof(ctx->title), "%s v%s", name,
					 ver ? ver : "?");
				break;
			}
		}
	}
	json_decref(root);
	return true;
}

static bool stix_path(struct intel_ctx *ctx, const char *path, bool attack)
{
	char **files = intel_dir_files(path, ".json");
	bool ok = true;
	if (!files) {
		ok = stix_file(ctx, path, attack);
	} else {
		for (char **f = files; ok && *f; f++)
			ok = stix_file(ctx, *f, attack);
		intel_free_list(files);
	}
	return ok && stix_inherit(ctx, "targets", "identity", "sector", "sector") &&
	       stix_inherit(ctx, "uses", "malware", "malware_type", "label");
}

bool intel_import_stix(struct intel_ctx *ctx, const char *path)
{
	return stix_path(ctx, path, false);
}

bool intel_import_attack(struct intel_ctx *ctx, const char *path)
{
	return stix_path(ctx, path, true);
}
