/*
 * source-cipher — CIPHER, documented patient-harm events caused by
 * cyberattacks on hospitals (one CSV).  Each row is a `harm` record titled
 * by its short title, scored by its clinical impact score (1–10), with the
 * time point, specialities (";"-separated), technical domain, reference
 * and reference link as attributes.  CIPHER rows carry no calendar date, so the briefing
 * treats them as undated evidence.  A row without a short title or with a
 * score outside 1–10 is malformed.
 */
#include "intel/intel-internal.h"

#include <stdlib.h>
#include <string.h>

static void cipher_specialities(struct intel_ctx *ctx, int64_t id, const char *list)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *tok = strtok_r(buf, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		while (*tok == ' ')
			tok++;
		size_t n = strlen(tok);
		while (n && tok[n - 1] == ' ')
			tok[--n] = '\0';
		store_record_attr(ctx->st, id, "speciality", tok);
	}
}

static void cipher_row(struct intel_ctx *ctx, const char *file, const struct intel_csv_row *row)
{
	const char *title = intel_csv_get(row, "Short Title");
	const char *score_s = intel_csv_get(row, "Clinical Impact Score");
	char *end;
	long score = strtol(score_s, &end, 10);
	if (!*title) {
		intel_malformed(ctx, file, row->line, "patient-harm event without a short title");
		return;
	}
	if (!*score_s || *end || score < 1 || score > 10) {
		intel_malformed(ctx, file, row->line, "clinical impact score '%s' is not 1-10",
				score_s);
		return;
	}
	char ext_id[32];
	snprintf(ext_id, sizeof(ext_id), "row-%llu", (unsigned long long)row->line);
	int64_t id = intel_put(ctx, "harm", ext_id, NULL, title, (double)score);
	if (id < 0)
		return;
	store_record_attr(ctx->st, id, "time_point", intel_csv_get(row, "Time Point"));
	store_record_attr(ctx->st, id, "technical_domain", intel_csv_get(row, "Technical Domain"));
	store_record_attr(ctx->st, id, "reference", intel_csv_get(row, "Reference Title"));
	/* the published reference (PubMed and the like): the briefing cites it */
	store_record_attr(ctx->st, id, "link", intel_csv_get(row, "Reference Link"));
	cipher_specialities(ctx, id, intel_csv_get(row, "Speciality"));
}

bool intel_import_cipher(struct intel_ctx *ctx, const char *path)
{
	snprintf(ctx->title, sizeof(ctx->title), "CIPHER patient-harm events");
	char **files = intel_dir_files(path, ".csv");
	bool ok = true;
	if (!files)
		return intel_csv_read(ctx, path, cipher_row);
	for (char **f = files; ok && *f; f++)
		ok = intel_csv_read(ctx, *f, cipher_row);
	intel_free_list(files);
	return ok;
}
