/*
 * intel-csv — CSV rows with their line numbers, on top of libcsv.
 *
 * The file is fed to libcsv one physical line at a time, so when a row
 * ends we know the line it ends on, and the next row starts on the line
 * after.  Quoted fields may span lines (EuRepoC and CIPHER descriptions
 * do).  On a quoting error the row is reported at its first line, the
 * parser is restarted on the next line, and reading goes on.
 */
#include "intel/intel-internal.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

struct csv_state {
	struct intel_ctx *ctx;
	const char *file;
	intel_csv_row_fn fn;
	char **field;
	size_t nfield, cap;
	char **header;
	size_t nheader;
	uint64_t line;	    /* line being fed */
	uint64_t row_start; /* line the current row started on */
	bool oom;
};

static void csv_on_field(void *data, size_t len, void *arg)
{
	struct csv_state *cs = arg;
	if (cs->nfield == cs->cap) {
		size_t ncap = cs->cap ? cs->cap * 2 : 16;
		char **nf = realloc(cs->field, ncap * sizeof(*nf));
		if (!nf) {
			cs->oom = true;
			return;
		}
		cs->field = nf;
		cs->cap = ncap;
	}
	char *s = malloc(len + 1);
	if (!s) {
		cs->oom = true;
		return;
	}
	if (len)
		memcpy(s, data, len);
	s[len] = '\0';
	cs->field[cs->nfield++] = s;
}

static void csv_clear_fields(struct csv_state *cs)
{
	for (size_t i = 0; i < cs->nfield; i++)
		free(cs->field[i]);
	cs->nfield = 0;
}

static void csv_on_row(int term, void *arg)
{
	struct csv_state *cs = arg;
	uint64_t start = cs->row_start;
	cs->row_start = cs->line + 1;
	if (!cs->header) {
		/* The header row: keep its fields as column names. */
		cs->header = cs->field;
		cs->nheader = cs->nfield;
		cs->field = NULL;
		cs->nfield = cs->cap = 0;
		return;
	}
	if (cs->nfield == 1 && cs->field[0][0] == '\0') {
		csv_clear_fields(cs); /* a blank line */
		return;
	}
	if (cs->nfield != cs->nheader) {
		intel_malformed(cs->ctx, cs->file, start, "%zu fields, the header has %zu",
				cs->nfield, cs->nheader);
	} else {
		struct intel_csv_row row = {cs->field, cs->nfield, cs->header, cs->nheader, start};
		cs->fn(cs->ctx, cs->file, &row);
	}
	csv_clear_fields(cs);
}

int intel_csv_col(const struct intel_csv_row *row, const char *name)
{
	for (size_t i = 0; i < row->nheader; i++)
		if (strcmp(row->header[i], name) == 0)
			return (int)i;
	return -1;
}

const char *intel_csv_get(const struct intel_csv_row *row, const char *name)
{
	int i = intel_csv_col(row, name);
	return i >= 0 && (size_t)i < row->nfield ? row->field[i] : "";
}

/* Restarts the parser after a quoting error in the row starting at
 * cs->row_start: that row is reported and reading resumes on the next line. */
static void csv_recover(struct csv_state *cs, struct csv_parser *p)
{
	intel_malformed(cs->ctx, cs->file, cs->row_start, "CSV quoting error: %s",
			csv_strerror(csv_error(p)));
	csv_free(p);
	csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_clear_fields(cs);
	cs->row_start = cs->line + 1;
}

bool intel_csv_read(struct intel_ctx *ctx, const char *path, intel_csv_row_fn fn)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "vigil: %s: cannot open\n", path);
		return false;
	}
	struct csv_parser p;
	struct csv_state cs = {.ctx = ctx, .file = path, .fn = fn, .row_start = 1};
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	while (!cs.oom && (n = getline(&buf, &cap, f)) >= 0) {
		cs.line++;
		if (cs.line == 1 && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
			memmove(buf, buf + 3, (size_t)(n -= 3) + 1); /* UTF-8 byte order mark */
		if (csv_parse(&p, buf, (size_t)n, csv_on_field, csv_on_row, &cs) != (size_t)n)
			csv_recover(&cs, &p);
	}
	if (csv_fini(&p, csv_on_field, csv_on_row, &cs) != 0)
		csv_recover(&cs, &p);
	csv_free(&p);
	free(buf);
	fclose(f);
	bool had_header = cs.header != NULL;
	csv_clear_fields(&cs);
	free(cs.field);
	for (size_t i = 0; i < cs.nheader; i++)
		free(cs.header[i]);
	free(cs.header);
	if (cs.oom)
		fprintf(stderr, "vigil: %s: out of memory\n", path);
	return !cs.oom && had_header;
}
