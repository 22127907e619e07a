/*
 * render-html — one self-contained HTML file: inline CSS, inline SVG
 * charts, no script, no external font, image or link that a browser would
 * fetch when the file is opened.  Print styles keep sections and charts
 * from splitting across pages.  The page carries its language and
 * direction (lang, dir="rtl" for Arabic) and uses logical CSS properties
 * (start/end, not left/right), so one stylesheet lays out both
 * directions; fonts name the Noto families that cover each script.  All text is escaped here; nothing the
 * sources contain can inject markup.
 */
#include "brief/brief-internal.h"

#include <string.h>

void html_escape(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
	}
}

static const char *const html_css =
    "body{font-family:Georgia,'Noto Serif','DejaVu Serif',serif;color:#1b1b1b;max-width:52rem;"
    "margin:2rem auto;padding:0 1rem;line-height:1.5;overflow-wrap:break-word}"
    /* fonts that carry each script, for screen and print (Debian's
     * fonts-noto-core and fonts-noto-cjk) */
    ":lang(ar){font-family:'Noto Naskh Arabic','Noto Sans Arabic',serif}"
    ":lang(ar) ol{list-style-type:arabic-indic}"
    ":lang(zh){font-family:'Noto Serif CJK SC','Noto Sans CJK SC',serif}"
    ":lang(ru){font-family:'Noto Serif','DejaVu Serif',serif}"
    "header{border-bottom:3px solid #1f5f99;margin-bottom:1.5rem}"
    "h1{font-size:1.9rem;margin:0 0 .3rem}h3{font-size:1.05rem;margin:1.2rem 0 "
    ".2rem}h2{font-size:1.35rem;color:#1f5f99;"
    "border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2.2rem}"
    ".sub{color:#555;margin:.2rem 0 1rem}"
    ".tlp{font-family:'Noto Sans',Helvetica,Arial,sans-serif;font-size:.85rem;margin:.3rem 0}"
    ".tlp-label{background:#000;font-weight:bold;padding:.1rem .4rem;margin-inline-end:.4rem;"
    "direction:ltr;unicode-bidi:isolate}"
    ".tlp-clear .tlp-label{color:#fff}.tlp-green .tlp-label{color:#33ff00}"
    ".tlp-amber .tlp-label,.tlp-amber\\+strict .tlp-label{color:#ffc000}"
    ".tlp-red .tlp-label{color:#ff2b2b}"
    ".tlp-print{display:none}"
    ".notice{font-weight:bold;border:2px solid #c8553d;background:#fcefeb;padding:.4rem .7rem}"
    "nav ol{columns:2;font-size:.95rem}"
    "table{border-collapse:collapse;margin:.8rem 0 1.2rem;font-size:.9rem;width:100%}"
    "caption{text-align:start;font-weight:bold;padding:.3rem 0}"
    "th,td{border-bottom:1px solid #dde;padding:.25rem .5rem;text-align:start;vertical-align:top}"
    "th{background:#eef2f7}td.n,th.n{text-align:end;font-variant-numeric:tabular-nums}"
    ".note{font-size:.88rem;color:#444;border-inline-start:3px solid #d4a017;padding:.2rem .7rem;"
    "background:#fbf8ee}"
    "figure{margin:1rem 0}figcaption{font-weight:bold;font-size:.92rem;margin-bottom:.3rem}"
    /* charts keep the layout they were drawn with; their labels still
     * follow the bidirectional algorithm */
    "svg.chart{max-width:100%;height:auto;direction:ltr}"
    "svg .lb{font-size:11px;fill:#333}svg .vl{font-size:10px;fill:#555}"
    "svg .lg{font-size:11px;fill:#333}svg .ax{stroke:#999;stroke-width:1}"
    "svg .nd{font-size:11px;fill:#444;font-style:italic}"
    "#key-judgements ul{font-size:1.05rem}"
    "footer{margin-top:3rem;font-size:.8rem;color:#666;border-top:1px solid #ccd}"
    /* narrow screens (400 px): wide tables scroll inside themselves,
     * never the page */
    "@media (max-width:500px){body{padding:0 .5rem}nav ol{columns:1}"
    "table{font-size:.8rem;display:block;overflow-x:auto;max-width:100%}"
    "th,td{padding:.2rem .25rem;overflow-wrap:anywhere}}"
    "@media print{body{margin:0;max-width:none}nav{display:none}"
    "section{break-inside:auto}figure,table{break-inside:avoid}h2{break-after:avoid}"
    ".tlp-print{display:block;position:fixed;inset-inline-end:0;margin:0}.tlp-print-top{top:0}"
    ".tlp-print-bottom{bottom:0}.tlp-label{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}@page{margin:2cm 1.5cm}}";

static void html_table(const struct table *t, FILE *out)
{
	fputs("<table>", out);
	if (t->caption && *t->caption) {
		fputs("<caption>", out);
		html_escape(out, t->caption);
		fputs("</caption>", out);
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		fputs(r == 0 ? "<thead><tr>" : "<tr>", out);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *tag = r == 0 ? "th" : "td";
			fprintf(out, "<%s%s>", tag, t->numeric[c] ? " class=\"n\"" : "");
			html_escape(out, t->cell[r * t->ncols + c]);
			fprintf(out, "</%s>", tag);
		}
		fputs(r == 0 ? "</tr></thead><tbody>\n" : "</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

static void html_block(const struct block *b, FILE *out)
{
	switch (b->type) {
	case BLOCK_PARA:
	case BLOCK_NOTE:
		fputs(b->type == BLOCK_NOTE ? "<p class=\"note\">" : "<p>", out);
		html_escape(out, b->text);
		fputs("</p>\n", out);
		break;
	case BLOCK_HEADING:
		fputs("<h3>", out);
		html_escape(out, b->text);
		fputs("</h3>\n", out);
		break;
	case BLOCK_LIST:
		fputs("<ul>\n", out);
		for (size_t i = 0; i < b->nitems; i++) {
			fputs("<li>", out);
			html_escape(out, b->items[i]);
			fputs("</li>\n", out);
		}
		fputs("</ul>\n", out);
		break;
	case BLOCK_TABLE: html_table(b->table, out); break;
	case BLOCK_CHART:
		fputs("<figure><figcaption>", out);
		html_escape(out, b->chart->title);
		fputs("</figcaption>\n", out);
		svg_chart(b->chart, out);
		fputs("</figure>\n", out);
		break;
	}
}

/* The TLP 2.0 label: black background, the standard's colour for the
 * level; the screen shows it at the top and bottom of the page, print at
 * the top and bottom of every page (fixed elements repeat per page). */
static void html_tlp(const struct doc *d, FILE *out, const char *cls)
{
	if (!d->tlp)
		return;
	bool screen = strncmp(cls, "tlp-print", 9) != 0;
	fprintf(out, "<%s class=\"tlp %s tlp-%s\"><span class=\"tlp-label\">", screen ? "p" : "div",
		cls, d->tlp_class);
	html_escape(out, d->tlp);
	fputs("</span>", out);
	if (screen && d->tlp_text) {
		fputc(' ', out);
		html_escape(out, d->tlp_text);
	}
	fprintf(out, "</%s>\n", screen ? "p" : "div");
}

bool render_html(const struct doc *d, FILE *out)
{
	fprintf(out,
		"<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta "
		"charset=\"utf-8\">\n",
		d->lang ? d->lang : "en", d->rtl ? "rtl" : "ltr");
	fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      out);
	html_escape(out, d->title);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", html_css);
	html_tlp(d, out, "tlp-print tlp-print-top");
	html_tlp(d, out, "tlp-print tlp-print-bottom");
	fputs("<header>", out);
	html_tlp(d, out, "tlp-top");
	fputs("<h1>", out);
	html_escape(out, d->title);
	fputs("</h1><p class=\"sub\">", out);
	html_escape(out, d->subtitle);
	fputs("</p>", out);
	for (size_t i = 0; i < d->nnotices; i++) {
		fputs("<p class=\"notice\">", out);
		html_escape(out, d->notice[i]);
		fputs("</p>", out);
	}
	fputs("</header>\n<nav><ol>\n", out);
	for (size_t i = 0; i < d->nsections; i++) {
		fprintf(out, "<li><a href=\"#%s\">", d->section[i].id);
		html_escape(out, d->section[i].title);
		fputs("</a></li>\n", out);
	}
	fputs("</ol></nav>\n", out);
	for (size_t i = 0; i < d->nsections; i++) {
		const struct section *s = &d->section[i];
		fprintf(out, "<section id=\"%s\">\n<h2>", s->id);
		html_escape(out, s->title);
		fputs("</h2>\n", out);
		for (size_t b = 0; b < s->nblocks; b++)
			html_block(&s->block[b], out);
		fputs("</section>\n", out);
	}
	fputs("<footer><p>", out);
	html_escape(out, d->footer);
	fputs("</p>", out);
	html_tlp(d, out, "tlp-bottom");
	fputs("</footer>\n</body>\n</html>\n", out);
	return !ferror(out);
}
