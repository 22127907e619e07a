/*
 * source-kev — CISA's Known Exploited Vulnerabilities catalog (JSON):
 * one `vulnerability` record per CVE, dated by dateAdded (when CISA listed
 * it as exploited), with vendor, product, CWEs and whether it is known to
 * be used in ransomware campaigns.  An entry without a CVE id or with an
 * invalid dateAdded is malformed.
 */
#include "intel/intel-internal.h"

#include <math.h>
#include <string.h>

static void kev_entry(struct intel_ctx *ctx, const char *file, json_t *v, uint64_t line)
{
	const char *cve = json_string_value(json_object_get(v, "cveID"));
	const char *added = json_string_value(json_object_get(v, "dateAdded"));
	char date[11];
	if (!json_is_object(v) || !cve || !*cve) {
		intel_malformed(ctx, file, line, "KEV entry without cveID");
		return;
	}
	if (!intel_iso_date(added, date)) {
		intel_malformed(ctx, file, line, "%s: dateAdded '%s' is not a date", cve,
				added ? added : "(missing)");
		return;
	}
	int64_t id = intel_put(ctx, "vulnerability", cve, date,
			       json_string_value(json_object_get(v, "vulnerabilityName")), NAN);
	if (id < 0)
		return;
	store_record_attr(ctx->st, id, "vendor",
			  json_string_value(json_object_get(v, "vendorProject")));
	store_record_attr(ctx->st, id, "product", json_string_value(json_object_get(v, "product")));
	store_record_attr(ctx->st, id, "ransomware",
			  json_string_value(json_object_get(v, "knownRansomwareCampaignUse")));
	size_t i;
	json_t *cwe;
	json_array_foreach(json_object_get(v, "cwes"), i, cwe)
	    store_record_attr(ctx->st, id, "cwe", json_string_value(cwe));
}

bool intel_import_kev(struct intel_ctx *ctx, const char *path)
{
	json_t *root;
	if (!intel_json_read(ctx, path, "vulnerabilities", kev_entry, &root))
		return false;
	const char *title = json_string_value(json_object_get(root, "title"));
	const char *version = json_string_value(json_object_get(root, "catalogVersion"));
	if (title)
		snprintf(ctx->title, sizeof(ctx->title), "%s%s%s", title, version ? " " : "",
			 version ? version : "");
	json_decref(root);
	return true;
}
