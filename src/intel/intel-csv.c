/*
 * intel-csv — CSV rows with their line numbers, on top of libcsv.
 *
 * The file is fed to libcsv one physical line at a time, so when a row
 * ends we know the line it ends on, and the next row starts on the line
 * after.  Quoted fields may span lines (EuRepoC and CIPHER descriptions
 * do).  A row that spans lines and goes wrong — a quoting error, a quote
 * never closed before the end of the file, or the wrong number of fields —
 * is most likely an unterminated quote that swallowed the rows after it:
 * the row is reported at its first line, and the lines after that one are
 * read again as rows of their own, so one bad quote never hides the good
 * rows that follow.  An empty file, a file with only a header and a last
 * line cut short (no final newline) are reported too.
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
	bool row_done, requeue; /* set by csv_on_row for the line just fed */
	uint64_t rows;		/* data rows seen (good or not) */
};

/* Physical lines: those of the row being parsed, and those to read again
 * after a bad multi-line row (before reading more of the file). */
struct line_buf {
	struct {
		uint64_t no;
		char *text;
		size_t len;
	} * v;
	size_t n, cap, head;
};

static bool lb_push(struct line_buf *b, uint64_t no, const char *text, size_t len)
{
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 16;
		void *nv = realloc(b->v, ncap * sizeof(*b->v));
		if (!nv)
			return false;
		b->v = nv;
		b->cap = ncap;
	}
	char *t = malloc(len + 1);
	if (!t)
		return false;
	memcpy(t, text, len);
	t[len] = '\0';
	b->v[b->n].no = no;
	b->v[b->n].text = t;
	b->v[b->n++].len = len;
	return true;
}

static void lb_clear(struct line_buf *b)
{
	for (size_t i = b->head; i < b->n; i++)
		free(b->v[i].text);
	b->n = b->head = 0;
}

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
	cs->row_done = true;
	if (cs->nfield == 1 && cs->field[0][0] == '\0') {
		csv_clear_fields(cs); /* a blank line */
		return;
	}
	cs->rows++;
	cs->ctx->res->read++;
	if (cs->nfield != cs->nheader && start != cs->line) {
		/* spans lines with the wrong field count: an unterminated quote */
		intel_malformed(cs->ctx, cs->file, start,
				"%zu fields, the header has %zu: a quote opened on this line runs"
				" on to line %llu; the lines after this one are read again",
				cs->nfield, cs->nheader, (unsigned long long)cs->line);
		cs->requeue = true;
	} else if (cs->nfield != cs->nheader) {
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

/* Reports the row being parsed (starting at its first pending line) as
 * malformed, and queues its other lines to be read again as rows. */
static void csv_requeue(struct csv_state *cs, struct csv_parser *p, struct line_buf *pending,
			struct line_buf *queue, const char *why)
{
	if (why) { /* a row read, and rejected */
		cs->ctx->res->read++;
		intel_malformed(cs->ctx, cs->file, cs->row_start, "%s", why);
	}
	csv_free(p);
	csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_clear_fields(cs);
	/* pending[head+1..] go in front of what the queue still holds */
	struct line_buf nq = {0};
	for (size_t i = pending->head + 1; i < pending->n; i++)
		lb_push(&nq, pending->v[i].no, pending->v[i].text, pending->v[i].len);
	for (size_t i = queue->head; i < queue->n; i++)
		lb_push(&nq, queue->v[i].no, queue->v[i].text, queue->v[i].len);
	lb_clear(pending);
	lb_clear(queue);
	free(queue->v);
	*queue = nq;
	cs->row_start = queue->head < queue->n ? queue->v[queue->head].no : cs->line + 1;
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
	struct line_buf pending = {0}, queue = {0};
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	uint64_t file_lines = 0;
	bool last_newline = true, eof = false;
	char why[256];
	while (!cs.oom) {
		const char *text;
		size_t len;
		if (queue.head < queue.n) {
			text = queue.v[queue.head].text;
			len = queue.v[queue.head].len;
			cs.line = queue.v[queue.head].no;
		} else if (!eof && (n = getline(&buf, &cap, f)) >= 0) {
			cs.line = ++file_lines;
			if (cs.line == 1 && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
				memmove(buf, buf + 3, (size_t)(n -= 3) + 1); /* UTF-8 BOM */
			last_newline = n > 0 && buf[n - 1] == '\n';
			text = buf;
			len = (size_t)n;
		} else {
			eof = true;
			if (csv_fini(&p, csv_on_field, csv_on_row, &cs) != 0) {
				/* a quote still open at the end of the file */
				snprintf(
				    why, sizeof(why),
				    "a quote opened on this line is never closed (it runs to the"
				    " end of the file at line %llu); the lines after this one are"
				    " read again",
				    (unsigned long long)file_lines);
				csv_requeue(&cs, &p, &pending, &queue, why);
				if (queue.head < queue.n)
					continue;
			}
			break;
		}
		if (!lb_push(&pending, cs.line, text, len)) {
			cs.oom = true;
			break;
		}
		if (queue.head < queue.n && text == queue.v[queue.head].text) {
			/* now owned by pending (copied); drop it from the queue */
			free(queue.v[queue.head].text);
			queue.head++;
			text = pending.v[pending.n - 1].text;
		}
		cs.row_done = cs.requeue = false;
		if (csv_parse(&p, text, len, csv_on_field, csv_on_row, &cs) != len) {
			snprintf(
			    why, sizeof(why), "CSV quoting error: %s%s",
			    csv_strerror(csv_error(&p)),
			    pending.n - pending.head > 1
				? " (a quote opened on this line may be unterminated); the lines"
				  " after this one are read again"
				: "");
			if (pending.n - pending.head > 1) {
				csv_requeue(&cs, &p, &pending, &queue, why);
			} else {
				ctx->res->read++;
				intel_malformed(ctx, path, cs.row_start, "%s", why);
				csv_free(&p);
				csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
				csv_clear_fields(&cs);
				lb_clear(&pending);
				cs.row_start = cs.line + 1;
			}
			continue;
		}
		if (cs.requeue) {
			uint64_t first = pending.v[pending.head].no;
			cs.row_start = first;
			csv_requeue(&cs, &p, &pending, &queue, NULL);
		} else if (cs.row_done) {
			lb_clear(&pending);
		}
	}
	csv_free(&p);
	free(buf);
	fclose(f);
	lb_clear(&pending);
	free(pending.v);
	lb_clear(&queue);
	free(queue.v);
	bool had_header = cs.header != NULL;
	csv_clear_fields(&cs);
	free(cs.field);
	for (size_t i = 0; i < cs.nheader; i++)
		free(cs.header[i]);
	free(cs.header);
	if (cs.oom)
		fprintf(stderr, "vigil: %s: out of memory\n", path);
	else if (file_lines == 0)
		fprintf(stderr, "vigil: %s: empty file: no header row, nothing imported\n", path);
	else if (!had_header)
		fprintf(stderr, "vigil: %s: no header row, nothing imported\n", path);
	else if (cs.rows == 0)
		fprintf(stderr, "vigil: %s:1: warning: a header and no rows\n", path);
	if (!cs.oom && file_lines > 0 && !last_newline)
		fprintf(stderr,
			"vigil: %s:%llu: warning: the last line has no newline: the file may be"
			" truncated\n",
			path, (unsigned long long)file_lines);
	return !cs.oom && had_header;
}
