/*
 * render-markdown — the briefing as Markdown (GitHub-flavoured tables).
 * Charts become tables of their values, so the Markdown carries every
 * figure the HTML draws.  Pipes and newlines inside cells are escaped so
 * a source's free text cannot break a table.
 */
#include "brief/brief-internal.h"

static void md_cell(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

static void md_table(const struct table *t, FILE *out)
{
	if (t->caption && *t->caption)
		fprintf(out, "**%s**\n\n", t->caption);
	for (size_t r = 0; r <= t->nrows; r++) {
		fputc('|', out);
		for (size_t c = 0; c < t->ncols; c++) {
			fputc(' ', out);
			md_cell(out, t->cell[r * t->ncols + c]);
			fputs(" |", out);
		}
		fputc('\n', out);
		if (r == 0) {
			fputc('|', out);
			for (size_t c = 0; c < t->ncols; c++)
				fputs(t->numeric[c] ? " ---: |" : " --- |", out);
			fputc('\n', out);
		}
	}
	fputc('\n', out);
}

static void md_chart(const struct chart *c, FILE *out)
{
	fprintf(out, "**%s**\n\n|  |", c->title);
	for (size_t s = 0; s < c->nseries; s++) {
		fputc(' ', out);
		md_cell(out, c->series[s]);
		fputs(" |", out);
	}
	fputs("\n| --- |", out);
	for (size_t s = 0; s < c->nseries; s++)
		fputs(" ---: |", out);
	fputc('\n', out);
	for (size_t l = 0; l < c->nlabels; l++) {
		fputs("| ", out);
		md_cell(out, c->labels[l]);
		fputs(" |", out);
		for (size_t s = 0; s < c->nseries; s++)
			if (c->nodata && c->nodata[l])
				fprintf(out, " %s |", c->nodata_text);
			else
				fprintf(out, " %g |", c->value[l * c->nseries + s]);
		fputc('\n', out);
	}
	fputc('\n', out);
}

bool render_markdown(const struct doc *d, FILE *out)
{
	if (d->tlp)
		fprintf(out, "**%s** %s\n\n", d->tlp, d->tlp_text ? d->tlp_text : "");
	fprintf(out, "# %s\n\n_%s_\n\n", d->title, d->subtitle);
	for (size_t i = 0; i < d->nnotices; i++)
		fprintf(out, "> **%s**\n\n", d->notice[i]);
	for (size_t i = 0; i < d->nsections; i++) {
		const struct section *s = &d->section[i];
		fprintf(out, "## %s\n\n", s->title);
		for (size_t b = 0; b < s->nblocks; b++) {
			const struct block *bl = &s->block[b];
			switch (bl->type) {
			case BLOCK_PARA: fprintf(out, "%s\n\n", bl->text); break;
			case BLOCK_NOTE: fprintf(out, "> %s\n\n", bl->text); break;
			case BLOCK_HEADING: fprintf(out, "### %s\n\n", bl->text); break;
			case BLOCK_LIST:
				for (size_t k = 0; k < bl->nitems; k++)
					fprintf(out, "- %s\n", bl->items[k]);
				fputc('\n', out);
				break;
			case BLOCK_TABLE: md_table(bl->table, out); break;
			case BLOCK_CHART: md_chart(bl->chart, out); break;
			}
		}
	}
	fprintf(out, "---\n\n%s\n", d->footer);
	if (d->tlp)
		fprintf(out, "\n**%s**\n", d->tlp);
	return !ferror(out);
}
