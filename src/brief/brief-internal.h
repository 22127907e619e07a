/*
 * brief-internal — the pieces of the briefing shared inside brief/: the
 * message catalogue, the taxonomy, the document model the renderers
 * consume, and the YAML helpers the loaders use.
 */
#ifndef VIGIL_BRIEF_INTERNAL_H
#define VIGIL_BRIEF_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

#include "brief/brief.h"

/* ---- message catalogue (messages.c, data/messages/<lang>.yaml) ---- */

struct messages;
struct messages *messages_load(const char *datadir, const char *lang, char *err, size_t errlen);
void messages_free(struct messages *m);
/* The text for key; the key itself if the catalogue lacks it (so a
 * missing message is visible, never a crash). */
const char *msg(const struct messages *m, const char *key);
/* The text for key with {name} placeholders replaced by the values of the
 * NULL-terminated (name, value) string pairs that follow.  malloc'd. */
char *msgf(const struct messages *m, const char *key, ...) __attribute__((sentinel));

/* The locale the catalogue's language writes numbers and dates in
 * (messages_load opens it; NULL-safe: without one, ASCII forms). */
const struct brief_locale *msg_locale(const struct messages *m);

/* ---- numbers and dates per locale (locale.c, ICU's CLDR data) ---- */

struct brief_locale;
/* Opens the formatters for a BCP 47 language tag ("ar", "zh", "fr"...). */
struct brief_locale *locale_open(const char *lang);
void locale_close(struct brief_locale *l);
/* Whether the language is written right to left (Arabic). */
bool locale_rtl(const struct brief_locale *l);
const char *locale_tag(const struct brief_locale *l);
/* An integer with the language's digits and grouping: "12,345",
 * "12 345" (fr, narrow no-break space), "12.345" / "1234" (es). */
void locale_count(const struct brief_locale *l, char *out, size_t n, int64_t v);
/* A number with one decimal: "3.4", "3,4". */
void locale_decimal1(const struct brief_locale *l, char *out, size_t n, double v);
/* A percentage given in percent (25 -> "25%", "25 %"); sign: "+25%". */
void locale_percent(const struct brief_locale *l, char *out, size_t n, double pct, bool sign);
/* A "YYYY-MM-DD" date in the language's long form ("8 December 2026",
 * "2026年12月8日"); anything else is copied as it is. */
void locale_date(const struct brief_locale *l, char *out, size_t n, const char *iso);
/* The language's name for a country or region the sources name in
 * English as CLDR does ("Germany" -> "德国"); NULL when CLDR has no such
 * English name, or the language is English (the source's spelling is
 * kept then). */
const char *locale_country(const struct brief_locale *l, const char *english);
/* A trend bucket, "YYYY" or "YYYY-MM", as the language names a year or a
 * month of a year ("Jan 2023", "2023年1月"); anything else as it is. */
void locale_period_label(const struct brief_locale *l, char *out, size_t n, const char *label);

/* ---- taxonomy (taxonomy.c, data/taxonomy/NAME.yaml) ---- */

enum tax_dim { TAX_SECTOR, TAX_THREAT };
#define TAX_MAX 32 /* sectors and threat types each fit a uint32_t mask */

struct tax_theme {
	char *id;
	uint32_t sectors, threats;
	char **evidence;
	size_t nevidence;
};

struct tax_map {
	char *source; /* source kind */
	enum tax_dim dim;
	char *attribute;
	char *raw;  /* NULL for a `default:` mapping */
	int target; /* index into sectors/threats */
};

struct taxonomy {
	char *sector[TAX_MAX];
	bool critical[TAX_MAX];
	size_t nsectors;
	char *threat[TAX_MAX];
	size_t nthreats;
	int sector_other, threat_other;
	struct tax_theme *themes;
	size_t nthemes;
	struct tax_map *maps;
	size_t nmaps;
};

struct taxonomy *taxonomy_load(const char *datadir, char *err, size_t errlen);
void taxonomy_free(struct taxonomy *t);
int taxonomy_sector(const struct taxonomy *t, const char *id);
int taxonomy_threat(const struct taxonomy *t, const char *id);
/* Whether source's attribute feeds dimension dim at all. */
bool taxonomy_maps_attribute(const struct taxonomy *t, const char *source, enum tax_dim dim,
			     const char *attribute);
/* Vocabulary index for a raw value (trying "A / B / C", then "A / B", then
 * "A"), TAX_UNKNOWN for a value the source uses for "not known" (mapped to
 * `unknown`: "Unknown", "Not available"), or -1 when unmapped. */
#define TAX_UNKNOWN (-2)
int taxonomy_lookup(const struct taxonomy *t, const char *source, enum tax_dim dim,
		    const char *attribute, const char *raw);

/* ---- YAML helpers (taxonomy.c) ---- */

yaml_node_t *yaml_get(yaml_document_t *doc, yaml_node_t *map, const char *key);
const char *yaml_str(yaml_node_t *n);
/* Loads path into doc; false with "path:line:col: problem" in err. */
bool yaml_load_path(const char *path, yaml_document_t *doc, char *err, size_t errlen);

/* ---- document model (doc.c) ---- */

enum block_type { BLOCK_PARA, BLOCK_LIST, BLOCK_TABLE, BLOCK_CHART, BLOCK_NOTE, BLOCK_HEADING };
enum chart_kind { CHART_BARS, CHART_STACKED };

struct chart {
	enum chart_kind kind;
	char *title;
	size_t nlabels, nseries;
	char **labels;
	char **series;
	double *value;	   /* value[label * nseries + series] */
	bool *nodata;	   /* per label: no source covers it (drawn hatched, never as 0) */
	char *nodata_text; /* the "no data" label, from the catalogue */
};

struct table {
	char *caption;
	size_t ncols, nrows; /* rows exclude the header */
	char **cell;	     /* (nrows + 1) * ncols, header first */
	bool *numeric;	     /* per column: right-aligned */
};

struct block {
	enum block_type type;
	char *text;   /* PARA, NOTE, HEADING */
	char **items; /* LIST */
	size_t nitems;
	struct table *table;
	struct chart *chart;
};

struct section {
	char *id;
	char *title;
	struct block *block;
	size_t nblocks;
};

struct figure {
	char *key;
	double value;
};

struct doc {
	char *lang;	 /* BCP 47 tag: the HTML lang attribute */
	bool rtl;	 /* written right to left (Arabic): dir="rtl" */
	char *title;
	char *subtitle;
	char *generated; /* generation date */
	char *footer;
	char *tlp;	 /* "TLP:AMBER": the marking, shown at the top and bottom */
	char *tlp_class; /* "amber" */
	char *tlp_text;	 /* what the marking allows, from the catalogue */
	char **notice;	 /* shown at the top, under the subtitle (exercise data...) */
	size_t nnotices;
	struct section *section;
	size_t nsections;
	struct figure *figure; /* machine-readable figures for JSON, sorted by key */
	size_t nfigures;
};

struct doc *doc_new(void);
void doc_free(struct doc *d);
struct section *doc_section(struct doc *d, const char *id, const char *title);
void doc_para(struct section *s, char *text);		  /* takes ownership */
void doc_note(struct section *s, char *text);		  /* takes ownership */
void doc_heading(struct section *s, const char *text);	  /* a sub-heading */
void doc_list(struct section *s, char **items, size_t n); /* takes ownership */
struct table *doc_table(struct section *s, const char *caption, size_t ncols);
void table_header(struct table *t, size_t col, const char *text, bool numeric);
/* Appends a row; cells are copied.  Pass exactly ncols strings. */
void table_row(struct table *t, ...);
struct chart *doc_chart(struct section *s, enum chart_kind kind, const char *title, size_t nseries);
void chart_series(struct chart *c, size_t i, const char *name);
/* Appends a label with nseries values. */
void chart_add(struct chart *c, const char *label, const double *values);
/* Appends a label that no source covers: shown as text (hatched in SVG),
 * never as a zero bar. */
void chart_add_nodata(struct chart *c, const char *label, const char *text);
void doc_figure(struct doc *d, const char *key, double value);
void doc_notice(struct doc *d, char *text); /* takes ownership */
void doc_sort_figures(struct doc *d);
/* Drops charts without a non-zero value and tables without rows, so a
 * reader (and the render test) never meets an empty chart. */
void doc_prune_empty_charts(struct doc *d);

/* ---- renderers ---- */

bool render_html(const struct doc *d, FILE *out);
bool render_markdown(const struct doc *d, FILE *out);
bool render_json(const struct doc *d, FILE *out);
/* Draws a chart as inline SVG (svg.c). */
void svg_chart(const struct chart *c, FILE *out);
void html_escape(FILE *out, const char *s);

/* ---- building the briefing (brief-build.c and brief-section-*.c) ---- */

/* A period is a pair of inclusive "YYYY-MM-DD" dates. */
struct period {
	char from[11], to[11];
	char lfrom[96], lto[96]; /* the same in the reader's language, for text */
};

/* Counts for one vocabulary entry in the period and the previous one. */
struct pair {
	int64_t cur, prev;
};

struct unmapped {
	char *source, *attribute, *raw;
	enum tax_dim dim;
	int64_t count;
};

/* What the sources behind a kind of evidence cover: the union of their
 * coverage windows (source.first_date..last_date), and how much of each
 * period it covers.  A comparison between periods is made on counts when
 * both are covered alike, on per-year rates when coverage differs, and not
 * at all when either period has no coverage. */
enum cmp_mode { CMP_EQUAL, CMP_RATE, CMP_NONE };
struct coverage {
	bool any;		  /* at least one source with a dated record */
	char first[11], last[11]; /* earliest first_date, latest last_date */
	char *sources;		  /* "EuRepoC (2000-01-01 to 2023-12-10); ..." */
	struct {
		int64_t a, b; /* days since the epoch, inclusive, merged, sorted */
	} iv[64];
	size_t niv;
	int64_t days_cur, days_prev;	 /* covered days of each period */
	int64_t len_cur, len_prev;	 /* days of each period */
	char cur_from[11], cur_to[11];	 /* first and last covered day of the period */
	char prev_from[11], prev_to[11]; /* same for the previous period */
	enum cmp_mode cmp;
};

/* Everything the sections share: the inputs, the periods, and the incident
 * aggregates computed once in brief-build.c. */
struct brief_ctx {
	const struct messages *m;
	const struct taxonomy *tax;
	sqlite3 *db;
	const struct brief_options *opt;
	struct doc *doc;
	struct period cur, prev;
	int sector;    /* taxonomy index of --sector, or -1 */
	char *country_name; /* --country as the sources spell it, or NULL */
	bool yearly;   /* trend buckets are years, else months */
	char **bucket; /* trend bucket labels, "YYYY" or "YYYY-MM" */
	char **blabel; /* the same as the reader's language writes them */
	size_t nbuckets;
	int64_t *trend;		 /* trend[bucket * nthreats + threat] */
	struct coverage inc_cov; /* incident sources */
	struct pair incidents;
	struct pair by_threat[TAX_MAX], by_sector[TAX_MAX];
	/* incidents whose sector / threat type the sources do not know or do
	 * not record: kept out of rankings, shown as a share */
	struct pair sector_unknown, threat_unknown;
	int64_t undated;    /* incidents without a date (never in a period) */
	int tlp_rank;	    /* the most restrictive TLP of the sources used */
	bool kev_launch;    /* the KEV source begins with the 2021-11-03 initial load */
	char *tlp_left_out; /* sources left out by --max-tlp, or NULL */
	int64_t tlp_left_out_n;
	char *exercise_names;	 /* scenarios whose events are in the store, or NULL */
	int64_t exercise_events; /* stored exercise events (any period) */
	struct unmapped *unmapped;
	size_t nunmapped;
	char **judgements; /* key judgements collected from sections */
	size_t njudgements;
};

struct doc *brief_build(const struct brief_options *opt, const struct messages *m,
			const struct taxonomy *tax, sqlite3 *db, char *err, size_t errlen);

/* Incident sections (brief-section-incidents.c). */
void section_trend(struct brief_ctx *c);
void section_sectors(struct brief_ctx *c);
void section_threats(struct brief_ctx *c);
void section_where_who(struct brief_ctx *c);
/* Profiles of the actors the sources name most often (brief-section-actors.c). */
void who_profiles(struct brief_ctx *c, struct section *s);
/* Evidence from other sources (brief-section-evidence.c). */
void section_vulnerabilities(struct brief_ctx *c);
void section_patients(struct brief_ctx *c);
void section_detections(struct brief_ctx *c);
void section_themes(struct brief_ctx *c);
/* Recommendations tied to this briefing's findings
 * (brief-section-recommendations.c). */
void section_recommendations(struct brief_ctx *c);
void section_method(struct brief_ctx *c);
/* Reporting lag per source, in the method section, and the citations
 * appendix (brief-section-sources.c). */
void method_lag(struct brief_ctx *c, struct section *s);
void section_citations(struct brief_ctx *c);

/* The part of the period in trend bucket b, as inclusive dates
 * (brief-section-incidents.c). */
void bucket_span(const struct brief_ctx *c, size_t b, char *first, char *last);
/* Helpers shared by the sections (brief-build.c). */
void judgement(struct brief_ctx *c, char *text); /* takes ownership */
/* part/whole as a percentage in the reader's locale: "25%", "25 %". */
void fmt_share(const struct brief_ctx *c, char *out, size_t n, int64_t part, int64_t whole);
/* "+25%", "-10%", "new", "no change" from the message catalogue. */
void fmt_change(const struct brief_ctx *c, char *out, size_t n, int64_t cur, int64_t prev);
/* The same under a coverage: "not comparable" when a period is not
 * covered, a change of per-year rates when coverage differs. */
void fmt_change_cov(const struct brief_ctx *c, const struct coverage *cov, char *out, size_t n,
		    int64_t cur, int64_t prev);
/* cur - prev in the comparison's own terms (counts, or per-year rates
 * when coverage differs); 0 when the periods are not comparable. */
double cov_delta(const struct coverage *cov, int64_t cur, int64_t prev);
/* Reads the coverage of the sources the SQL selects (rows: name,
 * first_date, last_date) and measures it against the two periods. */
void coverage_load(struct brief_ctx *c, struct coverage *cov, const char *sql);
void coverage_free(struct coverage *cov);
/* (Re)computes the covered days of both periods and the comparison mode. */
void coverage_measure(struct brief_ctx *c, struct coverage *cov);
/* Removes day from the start of a window beginning on it (a catalogue's
 * launch-day bulk load is not a day of ordinary additions). */
void coverage_drop_day(struct brief_ctx *c, struct coverage *cov, const char *day);
/* Covered days of [from, to] (inclusive "YYYY-MM-DD"). */
int64_t coverage_days(const struct coverage *cov, const char *from, const char *to);
/* The judgement/sentence prefix stating a partial coverage of the
 * current period, or "" when it is fully covered.  malloc'd. */
char *coverage_clause(const struct brief_ctx *c, const struct coverage *cov);
const char *sector_label(const struct brief_ctx *c, int i);
/* The reader's word for a source's raw value: "<prefix>.<value>" from the
 * catalogue when it has one (region codes, EuRepoC's attribution bases
 * and initiator categories), else the value itself
 * (brief-section-incidents.c). */
const char *value_label(const struct brief_ctx *c, const char *prefix, const char *v);
const char *threat_label(const struct brief_ctx *c, int i);
/* Runs sql with the period bound to ?1/?2 (and ?3 = --sector id or NULL);
 * returns the first column of the first row as an integer. */
int64_t query_count(struct brief_ctx *c, const char *sql, const struct period *p);
sqlite3_stmt *query_prepare(struct brief_ctx *c, const char *sql, const struct period *p);

/* Small helpers (doc.c). */
/* Allocation helpers that abort on failure (a briefing is a batch job). */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
