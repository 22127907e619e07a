/*
 * render-json — the briefing as JSON: the same sections, tables and chart
 * values as the HTML, plus `figures`, a flat object of every number the
 * text is generated from (keys like "incidents.threat.ransomware.current"),
 * sorted by key so the output is byte-for-byte reproducible.  Written with
 * util/json, which escapes every string.
 */
#include "brief/brief-internal.h"

#include <math.h>

#include "util/json.h"

static void json_table(struct json *j, const struct table *t)
{
	json_open_object(j, NULL);
	json_str(j, "type", "table");
	json_str(j, "caption", t->caption);
	json_open_array(j, "columns");
	for (size_t c = 0; c < t->ncols; c++)
		json_str(j, NULL, t->cell[c]);
	json_close_array(j);
	json_open_array(j, "rows");
	for (size_t r = 1; r <= t->nrows; r++) {
		json_open_array(j, NULL);
		for (size_t c = 0; c < t->ncols; c++)
			json_str(j, NULL, t->cell[r * t->ncols + c]);
		json_close_array(j);
	}
	json_close_array(j);
	json_close_object(j);
}

static void json_chart(struct json *j, const struct chart *c)
{
	json_open_object(j, NULL);
	json_str(j, "type", "chart");
	json_str(j, "kind", c->kind == CHART_STACKED ? "stacked" : "bars");
	json_str(j, "title", c->title);
	json_open_array(j, "series");
	for (size_t s = 0; s < c->nseries; s++)
		json_str(j, NULL, c->series[s]);
	json_close_array(j);
	json_open_array(j, "data");
	for (size_t l = 0; l < c->nlabels; l++) {
		json_open_object(j, NULL);
		json_str(j, "label", c->labels[l]);
		if (c->nodata && c->nodata[l]) {
			json_bool(j, "no_data", true); /* not covered: no values, not zeros */
			json_null(j, "values");
		} else {
			json_open_array(j, "values");
			for (size_t s = 0; s < c->nseries; s++)
				json_double(j, NULL, c->value[l * c->nseries + s]);
			json_close_array(j);
		}
		json_close_object(j);
	}
	json_close_array(j);
	json_close_object(j);
}

static void json_block(struct json *j, const struct block *b)
{
	switch (b->type) {
	case BLOCK_PARA:
	case BLOCK_NOTE:
		json_open_object(j, NULL);
		json_str(j, "type", b->type == BLOCK_NOTE ? "note" : "paragraph");
		json_str(j, "text", b->text);
		json_close_object(j);
		break;
	case BLOCK_HEADING:
		json_open_object(j, NULL);
		json_str(j, "type", "heading");
		json_str(j, "text", b->text);
		json_close_object(j);
		break;
	case BLOCK_LIST:
		json_open_object(j, NULL);
		json_str(j, "type", "list");
		json_open_array(j, "items");
		for (size_t i = 0; i < b->nitems; i++)
			json_str(j, NULL, b->items[i]);
		json_close_array(j);
		json_close_object(j);
		break;
	case BLOCK_TABLE: json_table(j, b->table); break;
	case BLOCK_CHART: json_chart(j, b->chart); break;
	}
}

bool render_json(const struct doc *d, FILE *out)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	if (d->tlp) { /* the marking first and last, as on a page */
		json_open_object(&j, "tlp");
		json_str(&j, "label", d->tlp);
		json_str(&j, "description", d->tlp_text ? d->tlp_text : "");
		json_close_object(&j);
	}
	json_str(&j, "title", d->title);
	json_str(&j, "subtitle", d->subtitle);
	json_str(&j, "generated", d->generated);
	json_str(&j, "lang", d->lang);
	json_str(&j, "dir", d->rtl ? "rtl" : "ltr"); /* the writing direction */
	json_open_array(&j, "notices");
	for (size_t i = 0; i < d->nnotices; i++)
		json_str(&j, NULL, d->notice[i]);
	json_close_array(&j);
	json_open_object(&j, "figures");
	for (size_t i = 0; i < d->nfigures; i++) {
		double v = d->figure[i].value;
		if (v == floor(v) && fabs(v) < 9e15)
			json_int(&j, d->figure[i].key, (int64_t)v);
		else
			json_double(&j, d->figure[i].key, v);
	}
	json_close_object(&j);
	json_open_array(&j, "sections");
	for (size_t i = 0; i < d->nsections; i++) {
		const struct section *s = &d->section[i];
		json_open_object(&j, NULL);
		json_str(&j, "id", s->id);
		json_str(&j, "title", s->title);
		json_open_array(&j, "blocks");
		for (size_t b = 0; b < s->nblocks; b++)
			json_block(&j, &s->block[b]);
		json_close_array(&j);
		json_close_object(&j);
	}
	json_close_array(&j);
	json_str(&j, "footer", d->footer);
	if (d->tlp)
		json_str(&j, "tlp_end", d->tlp);
	json_close_object(&j);
	bool ok = !j.oom && fwrite(j.buf, 1, j.len, out) == j.len && fputc('\n', out) != EOF;
	json_free(&j);
	return ok;
}
