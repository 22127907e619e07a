/*
 * doc — the briefing as a document: sections holding paragraphs, lists,
 * tables and charts, plus a flat map of machine-readable figures.  The
 * section builders fill it; the HTML, Markdown and JSON renderers read it,
 * which is what keeps the three formats carrying the same facts.
 * Allocation failures abort: a briefing is a short-lived batch job and a
 * half-built document must never be rendered.
 */
#include "brief/brief-internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("vigil: out of memory\n", stderr);
		abort();
	}
	return q;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	return s;
}

struct doc *doc_new(void)
{
	struct doc *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	return d;
}

static void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < (t->nrows + 1) * t->ncols; i++)
		free(t->cell[i]);
	free(t->cell);
	free(t->numeric);
	free(t->caption);
	free(t);
}

static void chart_free(struct chart *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nlabels; i++)
		free(c->labels[i]);
	for (size_t i = 0; i < c->nseries; i++)
		free(c->series[i]);
	free(c->labels);
	free(c->series);
	free(c->value);
	free(c->nodata);
	free(c->nodata_text);
	free(c->title);
	free(c);
}

void doc_notice(struct doc *d, char *text)
{
	d->notice = xrealloc(d->notice, (d->nnotices + 1) * sizeof(char *));
	d->notice[d->nnotices++] = text;
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	free(d->tlp);
	free(d->tlp_class);
	free(d->tlp_text);
	for (size_t i = 0; i < d->nnotices; i++)
		free(d->notice[i]);
	free(d->notice);
	for (size_t i = 0; i < d->nsections; i++) {
		struct section *s = &d->section[i];
		for (size_t b = 0; b < s->nblocks; b++) {
			free(s->block[b].text);
			for (size_t k = 0; k < s->block[b].nitems; k++)
				free(s->block[b].items[k]);
			free(s->block[b].items);
			table_free(s->block[b].table);
			chart_free(s->block[b].chart);
		}
		free(s->block);
		free(s->id);
		free(s->title);
	}
	free(d->section);
	for (size_t i = 0; i < d->nfigures; i++)
		free(d->figure[i].key);
	free(d->figure);
	free(d->lang);
	free(d->title);
	free(d->subtitle);
	free(d->generated);
	free(d->footer);
	free(d);
}

struct section *doc_section(struct doc *d, const char *id, const char *title)
{
	d->section = xrealloc(d->section, (d->nsections + 1) * sizeof(*d->section));
	struct section *s = &d->section[d->nsections++];
	memset(s, 0, sizeof(*s));
	s->id = xstrdup(id);
	s->title = xstrdup(title);
	return s;
}

static struct block *add_block(struct section *s, enum block_type type)
{
	s->block = xrealloc(s->block, (s->nblocks + 1) * sizeof(*s->block));
	struct block *b = &s->block[s->nblocks++];
	memset(b, 0, sizeof(*b));
	b->type = type;
	return b;
}

void doc_para(struct section *s, char *text)
{
	add_block(s, BLOCK_PARA)->text = text;
}

void doc_heading(struct section *s, const char *text)
{
	add_block(s, BLOCK_HEADING)->text = xstrdup(text);
}

void doc_note(struct section *s, char *text)
{
	add_block(s, BLOCK_NOTE)->text = text;
}

void doc_list(struct section *s, char **items, size_t n)
{
	struct block *b = add_block(s, BLOCK_LIST);
	b->items = items;
	b->nitems = n;
}

struct table *doc_table(struct section *s, const char *caption, size_t ncols)
{
	struct table *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->caption = xstrdup(caption);
	t->ncols = ncols;
	t->cell = xrealloc(NULL, ncols * sizeof(char *));
	t->numeric = xrealloc(NULL, ncols * sizeof(bool));
	for (size_t i = 0; i < ncols; i++) {
		t->cell[i] = xstrdup("");
		t->numeric[i] = false;
	}
	add_block(s, BLOCK_TABLE)->table = t;
	return t;
}

void table_header(struct table *t, size_t col, const char *text, bool numeric)
{
	free(t->cell[col]);
	t->cell[col] = xstrdup(text);
	t->numeric[col] = numeric;
}

void table_row(struct table *t, ...)
{
	t->cell = xrealloc(t->cell, (t->nrows + 2) * t->ncols * sizeof(char *));
	va_list ap;
	va_start(ap, t);
	for (size_t c = 0; c < t->ncols; c++)
		t->cell[(t->nrows + 1) * t->ncols + c] = xstrdup(va_arg(ap, const char *));
	va_end(ap);
	t->nrows++;
}

struct chart *doc_chart(struct section *s, enum chart_kind kind, const char *title, size_t nseries)
{
	struct chart *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->kind = kind;
	c->title = xstrdup(title);
	c->nseries = nseries;
	c->series = xrealloc(NULL, nseries * sizeof(char *));
	for (size_t i = 0; i < nseries; i++)
		c->series[i] = xstrdup("");
	add_block(s, BLOCK_CHART)->chart = c;
	return c;
}

void chart_series(struct chart *c, size_t i, const char *name)
{
	free(c->series[i]);
	c->series[i] = xstrdup(name);
}

void chart_add(struct chart *c, const char *label, const double *values)
{
	c->labels = xrealloc(c->labels, (c->nlabels + 1) * sizeof(char *));
	c->value = xrealloc(c->value, (c->nlabels + 1) * c->nseries * sizeof(double));
	c->nodata = xrealloc(c->nodata, (c->nlabels + 1) * sizeof(bool));
	c->labels[c->nlabels] = xstrdup(label);
	memcpy(&c->value[c->nlabels * c->nseries], values, c->nseries * sizeof(double));
	c->nodata[c->nlabels] = false;
	c->nlabels++;
}

void chart_add_nodata(struct chart *c, const char *label, const char *text)
{
	double zero[TAX_MAX * 2] = {0};
	double *v = c->nseries <= TAX_MAX * 2 ? zero : calloc(c->nseries, sizeof(double));
	if (!v)
		abort();
	chart_add(c, label, v);
	if (v != zero)
		free(v);
	c->nodata[c->nlabels - 1] = true;
	if (!c->nodata_text)
		c->nodata_text = xstrdup(text);
}

void doc_figure(struct doc *d, const char *key, double value)
{
	for (size_t i = 0; i < d->nfigures; i++)
		if (strcmp(d->figure[i].key, key) == 0) {
			d->figure[i].value = value;
			return;
		}
	d->figure = xrealloc(d->figure, (d->nfigures + 1) * sizeof(*d->figure));
	d->figure[d->nfigures].key = xstrdup(key);
	d->figure[d->nfigures++].value = value;
}

static int figure_cmp(const void *a, const void *b)
{
	return strcmp(((const struct figure *)a)->key, ((const struct figure *)b)->key);
}

void doc_sort_figures(struct doc *d)
{
	if (d->nfigures)
		qsort(d->figure, d->nfigures, sizeof(*d->figure), figure_cmp);
}

void doc_prune_empty_charts(struct doc *d)
{
	for (size_t i = 0; i < d->nsections; i++) {
		struct section *s = &d->section[i];
		size_t keep = 0;
		for (size_t b = 0; b < s->nblocks; b++) {
			struct block *bl = &s->block[b];
			bool empty = false;
			if (bl->type == BLOCK_CHART) {
				empty = true;
				for (size_t k = 0; k < bl->chart->nlabels * bl->chart->nseries; k++)
					empty = empty && bl->chart->value[k] <= 0;
			} else if (bl->type == BLOCK_TABLE) {
				empty = bl->table->nrows == 0;
			}
			if (empty) {
				table_free(bl->table);
				chart_free(bl->chart);
				continue;
			}
			s->block[keep++] = *bl;
		}
		s->nblocks = keep;
	}
}
