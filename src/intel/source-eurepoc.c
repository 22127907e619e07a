/*
 * source-eurepoc — the European Repository of Cyber Incidents dashboard
 * extracts: a directory of CSV files, each a long table with one row per
 * (incident, one value of some facet) — so one incident appears on many
 * rows and in many files.  All files are folded into one `incident` record
 * per EuRepoC ID, each facet value becoming a record attribute:
 *
 *   start_date                            → the record date (earliest seen)
 *   receiver_country, initiator_country   → receiver_country, initiator_country
 *   receiver_region (a Python-style list) → receiver_region, one per region
 *   incident_type                         → incident_type
 *   receiver_category [+ _subcode]        → receiver ("Category / Sub-category")
 *   ci_subtype (critical infrastructure)  → ci_subtype ("Sub-category / Sub-type")
 *   initiator_category, initiator_name    → initiator_category, initiator_name
 *   attribution_basis_clean               → attribution_basis
 *   weighted_cyber_intensity              → the record score (highest seen)
 *   attribution_date, industry_date, political_date, attacker_date,
 *   third_party_date, other_date          → attribution_date, one per date:
 *       the days on which a public attribution was made, the only dated
 *       reports the extracts carry (the briefing's reporting lag)
 *
 * Files or columns it does not know are read and ignored, so a newer
 * extract with extra columns still imports.  Files without a start_date
 * column (the critical-infrastructure sub-types) only enrich incidents the
 * dated files define; they are read in a second pass, and their rows for
 * other incidents are counted as skipped and reported.  A row without a numeric ID or
 * with a start_date that is not a date is malformed.
 */
#include "intel/intel-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct eurepoc_map {
	const char *column;
	const char *attr;
};

static const struct eurepoc_map eurepoc_columns[] = {
    {"receiver_country", "receiver_country"}, {"initiator_country", "initiator_country"},
    {"incident_type", "incident_type"},	      {"initiator_category", "initiator_category"},
    {"initiator_name", "initiator_name"},     {"attribution_basis_clean", "attribution_basis"},
    {"region_name", "receiver_region"},
};

static bool eurepoc_id(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* "['ASIA', 'CENTAS']" → ASIA, CENTAS */
static void eurepoc_regions(struct intel_ctx *ctx, int64_t id, const char *list)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *tok = strtok_r(buf, "[],", &save); tok;
	     tok = strtok_r(NULL, "[],", &save)) {
		while (*tok == ' ' || *tok == '\'' || *tok == '"')
			tok++;
		size_t n = strlen(tok);
		while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\'' || tok[n - 1] == '"'))
			tok[--n] = '\0';
		store_record_attr(ctx->st, id, "receiver_region", tok);
	}
}

static void eurepoc_pair(struct intel_ctx *ctx, int64_t id, const char *attr, const char *a,
			 const char *b)
{
	char v[512];
	if (!*a)
		return;
	if (*b)
		snprintf(v, sizeof(v), "%s / %s", a, b);
	else
		snprintf(v, sizeof(v), "%s", a);
	store_record_attr(ctx->st, id, attr, v);
}

static int64_t eurepoc_record(struct intel_ctx *ctx, const char *ext_id, const char *date)
{
	int64_t id = store_record_find(ctx->st, ctx->source_id, ext_id);
	if (id < 0 && ctx->pass == 2) {
		ctx->res->skipped++;
		return -1;
	}
	if (id < 0)
		return intel_put(ctx, "incident", ext_id, date, NULL, NAN);
	if (*date)
		store_record_set_date(ctx->st, id, date);
	return id;
}

/* The dates of public attributions (dashboard_attributions_data has one
 * column per kind of attributor, _basis_data one per attribution).  A
 * value that is not a date is reported with its line and not stored; the
 * rest of the row still is. */
static void eurepoc_attribution_dates(struct intel_ctx *ctx, const char *file,
				      const struct intel_csv_row *row, int64_t id)
{
	static const char *const cols[] = {"attribution_date", "industry_date",
					   "political_date",   "attacker_date",
					   "third_party_date", "other_date"};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		const char *v = intel_csv_get(row, cols[i]);
		if (!*v)
			continue;
		if (store_valid_date(v))
			store_record_attr(ctx->st, id, "attribution_date", v);
		else
			fprintf(stderr, "vigil: %s:%llu: warning: %s '%s' is not a date; not used\n",
				file, (unsigned long long)row->line, cols[i], v);
	}
}

static void eurepoc_row(struct intel_ctx *ctx, const char *file, const struct intel_csv_row *row)
{
	const char *ext_id = intel_csv_get(row, "ID");
	if (intel_csv_col(row, "ID") < 0)
		ext_id = intel_csv_get(row, "id");
	const char *date = intel_csv_get(row, "start_date");
	if (!eurepoc_id(ext_id)) {
		intel_malformed(ctx, file, row->line, "incident ID '%s' is not a number", ext_id);
		return;
	}
	if (*date && !store_valid_date(date)) {
		intel_malformed(ctx, file, row->line, "incident %s: start_date '%s' is not a date",
				ext_id, date);
		return;
	}
	int64_t id = eurepoc_record(ctx, ext_id, date);
	if (id < 0)
		return;
	for (size_t i = 0; i < sizeof(eurepoc_columns) / sizeof(eurepoc_columns[0]); i++)
		store_record_attr(ctx->st, id, eurepoc_columns[i].attr,
				  intel_csv_get(row, eurepoc_columns[i].column));
	const char *regions = intel_csv_get(row, "receiver_region");
	if (*regions)
		eurepoc_regions(ctx, id, regions);
	eurepoc_pair(ctx, id, "receiver", intel_csv_get(row, "receiver_category"),
		     intel_csv_get(row, "receiver_category_subcode"));
	const char *ci = intel_csv_get(row, "ci_subtype");
	if (*ci)
		eurepoc_pair(ctx, id, "ci_subtype", intel_csv_get(row, "receiver_subcategory"), ci);
	eurepoc_attribution_dates(ctx, file, row, id);
	const char *intensity = intel_csv_get(row, "weighted_cyber_intensity");
	if (*intensity) {
		char *end;
		double v = strtod(intensity, &end);
		if (*end == '\0')
			store_record_score_max(ctx->st, id, v);
	}
}

/* Whether the file's header names a start_date column (read in pass 1). */
static bool eurepoc_dated_file(const char *path)
{
	char line[4096] = "";
	FILE *f = fopen(path, "rb");
	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	return strstr(line, "start_date") != NULL;
}

/* The dashboard extracts EuRepoC publishes as one set.  The first three
 * carry what every count rests on (start dates, incident types, targeted
 * sectors): without one of them the import is refused.  Without another,
 * the import goes on and says what the briefing will lack. */
static const struct {
	const char *name;
	bool required;
	const char *provides;
} eurepoc_files[] = {
    {"dashboard_evolution_data.csv", true, "start dates"},
    {"dashboard_incident_types_data.csv", true, "incident types"},
    {"dashboard_targeted_sectors_data.csv", true, "targeted sectors"},
    {"dashboard_initiators_data.csv", false, "initiator categories and names"},
    {"dashboard_attributions_basis_data.csv", false, "the basis of attributions"},
    {"dashboard_attributions_data.csv", false, "attribution dates"},
    {"dashboard_conflict_issues_data.csv", false, "conflict issues"},
    {"dashboard_inclusion_data.csv", false, "inclusion criteria"},
    {"dashboard_network_data.csv", false, "initiator networks"},
    {"dashboard_responses_data.csv", false, "political and legal responses"},
    {"critical_infrastructure_subtypes.csv", false, "critical-infrastructure subtypes"},
};

static bool eurepoc_check_set(const char *dir, char **files)
{
	bool ok = true;
	for (size_t i = 0; i < sizeof(eurepoc_files) / sizeof(eurepoc_files[0]); i++) {
		bool found = false;
		for (char **f = files; !found && *f; f++) {
			const char *base = strrchr(*f, '/');
			found = strcmp(base ? base + 1 : *f, eurepoc_files[i].name) == 0;
		}
		if (found)
			continue;
		if (eurepoc_files[i].required) {
			fprintf(stderr,
				"vigil: %s/%s: missing: EuRepoC's %s are in this file; nothing"
				" imported\n",
				dir, eurepoc_files[i].name, eurepoc_files[i].provides);
			ok = false;
		} else {
			fprintf(stderr,
				"vigil: %s/%s: warning: missing: the briefing will have no %s\n",
				dir, eurepoc_files[i].name, eurepoc_files[i].provides);
		}
	}
	return ok;
}

bool intel_import_eurepoc(struct intel_ctx *ctx, const char *path)
{
	char **files = intel_dir_files(path, ".csv");
	if (files && !eurepoc_check_set(path, files)) {
		intel_free_list(files);
		return false;
	}
	char *single[] = {(char *)path, NULL};
	char **list = files ? files : single;
	bool ok = true;
	int nfiles = 0;
	for (ctx->pass = 1; ok && ctx->pass <= 2; ctx->pass++)
		for (char **f = list; ok && *f; f++) {
			if (eurepoc_dated_file(*f) != (ctx->pass == 1))
				continue; /* read in the other pass */
			uint64_t skipped = ctx->res->skipped;
			ok = intel_csv_read(ctx, *f, eurepoc_row);
			nfiles += ctx->pass == 1;
			if (ctx->res->skipped > skipped)
				fprintf(stderr,
					"vigil: %s: %llu rows skipped: their incident is not in the"
					" dated extracts\n",
					*f, (unsigned long long)(ctx->res->skipped - skipped));
		}
	intel_free_list(files);
	snprintf(ctx->title, sizeof(ctx->title), "EuRepoC dashboard extracts (%d files)", nfiles);
	return ok && nfiles > 0;
}
