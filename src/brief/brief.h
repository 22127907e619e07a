/*
 * brief — threat-landscape briefings for decision-makers, and the command
 * line that feeds them: `vigil import eve`, `vigil source import`,
 * `vigil brief`.
 *
 * A briefing is built in three steps that never reach into each other:
 * the store is queried into facts (brief-build.c), the facts are written
 * up as a document of sections, paragraphs, tables and charts whose every
 * user-visible word comes from the message catalogue of the reader's
 * language, and every number and date from that language's CLDR rules
 * (brief-section-*.c, data/messages/, locale.c), and the document is
 * rendered as HTML, Markdown or JSON (render-*.c).  Source categories are mapped to
 * vigil's vocabulary by the taxonomy files (data/taxonomy/).  Output
 * depends only on the store, the data files and SOURCE_DATE_EPOCH.
 */
#ifndef VIGIL_BRIEF_BRIEF_H
#define VIGIL_BRIEF_BRIEF_H

#include <stdbool.h>
#include <stddef.h>

/* Entry point for `vigil brief|import|source ...`: argv[0] is the
 * subcommand word.  Returns the process exit code. */
int brief_command_main(int argc, char **argv);

enum brief_format { BRIEF_HTML, BRIEF_MARKDOWN, BRIEF_JSON };

struct brief_options {
	const char *db;	    /* default "vigil.db" */
	const char *from;   /* "YYYY-MM-DD" or NULL */
	const char *to;	    /* "YYYY-MM-DD" or NULL: the latest dated record */
	int period_days;    /* used when from is NULL; default 365 */
	const char *sector; /* a sector id or NULL */
	/* Only incidents with a target in this country (receiver_country as
	 * the sources write it, case-insensitive), or NULL. */
	const char *country;
	enum brief_format format;
	const char *output; /* file; "-" for stdout */
	const char *lang;   /* message catalogue, default "en" */
	/* Events from vigil's own scenario traffic (EVE "exercise") are left
	 * out unless this is set; when set, every figure using them says so. */
	bool include_exercise;
	/* Sources marked above this TLP (clear|green|amber|amber+strict|red)
	 * are left out, and the briefing says so; NULL: none is. */
	const char *max_tlp;
};

/* Rank of a TLP 2.0 label (case-insensitive, "white" = clear): 0 clear,
 * 1 green, 2 amber, 3 amber+strict, 4 red; -1 when not a TLP label. */
int brief_tlp_rank(const char *tlp);

/* Writes a briefing.  Returns 0, or -1 with a message in err. */
int brief_generate(const struct brief_options *opt, char *err, size_t errlen);

/* The data directory holding taxonomy/ and messages/ (util/datadir's
 * search: $VIGIL_DATADIR, <dir of the executable>/../data, /../../data,
 * /usr/share/vigil).  Returns false with the places tried in err. */
bool brief_find_datadir(char *out, size_t outlen, char *err, size_t errlen);

#endif
