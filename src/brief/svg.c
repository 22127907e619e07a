/*
 * svg — charts drawn by vigil as inline SVG, so a briefing needs no script,
 * font or network access to display and prints as vectors.  Two shapes
 * cover the briefing: horizontal bars (one group per label, one bar per
 * series: e.g. this period against the previous one) and vertical stacked
 * bars (one column per time bucket, one layer per series).  Every bar is a
 * <rect class="bar"> with a <title> giving its exact value, and the <svg>
 * carries data-values (the number of non-zero values), which the render
 * test uses to check that no chart is empty.
 */
#include "brief/brief-internal.h"

#include <math.h>
#include <string.h>

static const char *const palette[] = {"#1f5f99", "#c8553d", "#3a8f5c", "#8e6bb8", "#d4a017",
				      "#4aa3c9", "#9c6644", "#c2527f", "#6b7b8c", "#2d3e50"};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

static const char *colour(size_t series)
{
	return palette[series % NPALETTE];
}

static size_t nonzero(const struct chart *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nlabels * c->nseries; i++)
		n += c->value[i] > 0;
	return n;
}

static void svg_open(const struct chart *c, FILE *out, int w, int h)
{
	fprintf(out,
		"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		"width=\"%d\" height=\"%d\" role=\"img\" data-values=\"%zu\"><title>",
		w, h, w, h, nonzero(c));
	html_escape(out, c->title);
	fputs("</title>\n", out);
	bool any = false;
	for (size_t l = 0; c->nodata && l < c->nlabels; l++)
		any = any || c->nodata[l];
	if (any) /* the hatching of labels no source covers */
		fputs("<defs><pattern id=\"nodata\" width=\"6\" height=\"6\" "
		      "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		      "<rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
		      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999\" "
		      "stroke-width=\"2\"/></pattern></defs>\n",
		      out);
}

static void nodata_box(const struct chart *c, FILE *out, double x, double y, double w, double h,
		       const char *label, bool vertical)
{
	fprintf(out,
		"<rect class=\"nodata\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"url(#nodata)\" stroke=\"#999\"><title>",
		x, y, w, h);
	html_escape(out, label);
	fputs(": ", out);
	html_escape(out, c->nodata_text);
	fputs("</title></rect>", out);
	if (vertical)
		fprintf(out,
			"<text class=\"nd\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			"transform=\"rotate(-90 %.1f %.1f)\">",
			x + w / 2, y + h / 2, x + w / 2, y + h / 2);
	else
		fprintf(out, "<text class=\"nd\" x=\"%.1f\" y=\"%.1f\">", x + 4, y + h - 3);
	html_escape(out, c->nodata_text);
	fputs("</text>\n", out);
}

static void svg_legend(const struct chart *c, FILE *out, int x, int y)
{
	if (c->nseries < 2)
		return;
	for (size_t s = 0; s < c->nseries; s++) {
		int row = (int)(s / 3), col = (int)(s % 3);
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>",
			x + col * 230, y + row * 16, colour(s));
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"lg\">", x + col * 230 + 14,
			y + row * 16 + 9);
		html_escape(out, c->series[s]);
		fputs("</text>\n", out);
	}
}

static void bar_title(FILE *out, const char *label, const char *series, double v)
{
	fputs("<title>", out);
	html_escape(out, label);
	if (series && *series) {
		fputs(" — ", out);
		html_escape(out, series);
	}
	fprintf(out, ": %g</title>", v);
}

static void svg_bars(const struct chart *c, FILE *out)
{
	const int w = 720, label_w = 230, bar_h = 14, gap = 8;
	int group_h = (int)c->nseries * bar_h + gap;
	int legend_h = c->nseries > 1 ? 16 * (int)((c->nseries + 2) / 3) + 8 : 0;
	int h = (int)c->nlabels * group_h + legend_h + 10;
	double max = 0;
	for (size_t i = 0; i < c->nlabels * c->nseries; i++)
		max = fmax(max, c->value[i]);
	if (max <= 0)
		max = 1;
	svg_open(c, out, w, h);
	svg_legend(c, out, 0, 4);
	for (size_t l = 0; l < c->nlabels; l++) {
		int y0 = legend_h + (int)l * group_h;
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"lb\" text-anchor=\"end\">",
			label_w - 6, y0 + (int)c->nseries * bar_h / 2 + 4);
		html_escape(out, c->labels[l]);
		fputs("</text>\n", out);
		if (c->nodata && c->nodata[l]) {
			nodata_box(c, out, label_w, y0, w - label_w - 60,
				   (int)c->nseries * bar_h - 2, c->labels[l], false);
			continue;
		}
		for (size_t s = 0; s < c->nseries; s++) {
			double v = c->value[l * c->nseries + s];
			double bw = (w - label_w - 60) * v / max;
			fprintf(
			    out,
			    "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
			    "fill=\"%s\">",
			    label_w, y0 + (int)s * bar_h, bw, bar_h - 2, colour(s));
			bar_title(out, c->labels[l], c->series[s], v);
			fprintf(out, "</rect><text x=\"%.1f\" y=\"%d\" class=\"vl\">%g</text>\n",
				label_w + bw + 4, y0 + (int)s * bar_h + bar_h - 4, v);
		}
	}
	fputs("</svg>\n", out);
}

static void svg_stacked(const struct chart *c, FILE *out)
{
	const int w = 720, left = 40, plot_h = 220, top = 10;
	int legend_h = 16 * (int)((c->nseries + 2) / 3) + 8;
	int h = top + plot_h + 40 + legend_h;
	double max = 0;
	for (size_t l = 0; l < c->nlabels; l++) {
		double sum = 0;
		for (size_t s = 0; s < c->nseries; s++)
			sum += c->value[l * c->nseries + s];
		max = fmax(max, sum);
	}
	if (max <= 0)
		max = 1;
	svg_open(c, out, w, h);
	double slot = (double)(w - left - 10) / (double)(c->nlabels ? c->nlabels : 1);
	double bw = fmax(2.0, slot * 0.75);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"ax\"/>", left,
		top + plot_h, w - 10, top + plot_h);
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"vl\" text-anchor=\"end\">%g</text>", left - 4,
		top + 8, max);
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"vl\" text-anchor=\"end\">0</text>\n",
		left - 4, top + plot_h);
	size_t every = c->nlabels > 12 ? (c->nlabels + 11) / 12 : 1;
	for (size_t l = 0; l < c->nlabels; l++) {
		double x = left + slot * (double)l + (slot - bw) / 2, y = top + plot_h;
		if (c->nodata && c->nodata[l])
			nodata_box(c, out, x, top, bw, plot_h, c->labels[l], true);
		for (size_t s = 0; c->nodata && !c->nodata[l] && s < c->nseries; s++) {
			double v = c->value[l * c->nseries + s];
			if (v <= 0)
				continue;
			double bh = plot_h * v / max;
			y -= bh;
			fprintf(out,
				"<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\" "
				"fill=\"%s\">",
				x, y, bw, bh, colour(s));
			bar_title(out, c->labels[l], c->series[s], v);
			fputs("</rect>", out);
		}
		if (l % every == 0) {
			fprintf(out,
				"<text x=\"%.1f\" y=\"%d\" class=\"lb\" text-anchor=\"middle\">",
				x + bw / 2, top + plot_h + 14);
			html_escape(out, c->labels[l]);
			fputs("</text>", out);
		}
		fputc('\n', out);
	}
	svg_legend(c, out, left, top + plot_h + 26);
	fputs("</svg>\n", out);
}

void svg_chart(const struct chart *c, FILE *out)
{
	if (c->kind == CHART_STACKED)
		svg_stacked(c, out);
	else
		svg_bars(c, out);
}
