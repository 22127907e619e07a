/*
 * brief — brief_generate(): find the data directory, load the taxonomy and
 * the message catalogue, open the store, build the document and write it
 * in the requested format.  The output file is written under a temporary
 * name and renamed, so a failed run never leaves half a briefing behind.
 */
#include "brief/brief-internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static bool write_doc(const struct doc *d, enum brief_format f, FILE *out)
{
	switch (f) {
	case BRIEF_HTML: return render_html(d, out);
	case BRIEF_MARKDOWN: return render_markdown(d, out);
	case BRIEF_JSON: return render_json(d, out);
	}
	return false;
}

static bool write_output(const struct doc *d, const struct brief_options *opt, char *err,
			 size_t errlen)
{
	if (strcmp(opt->output, "-") == 0)
		return write_doc(d, opt->format, stdout) && fflush(stdout) == 0;
	char *tmp = xasprintf("%s.tmp%ld", opt->output, (long)getpid());
	FILE *f = fopen(tmp, "w");
	bool ok = f && write_doc(d, opt->format, f);
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, opt->output) != 0)
		ok = false;
	if (!ok) {
		snprintf(err, errlen, "%s: cannot write", opt->output);
		unlink(tmp);
	}
	free(tmp);
	return ok;
}

int brief_generate(const struct brief_options *opt, char *err, size_t errlen)
{
	char dir[4096];
	if (!brief_find_datadir(dir, sizeof(dir), err, errlen))
		return -1;
	struct taxonomy *tax = taxonomy_load(dir, err, errlen);
	struct messages *m =
	    tax ? messages_load(dir, opt->lang ? opt->lang : "en", err, errlen) : NULL;
	struct store *st = NULL;
	struct doc *d = NULL;
	if (m && access(opt->db ? opt->db : "vigil.db", R_OK) != 0)
		snprintf(err, errlen,
			 "%s: no such database (run `vigil import eve` or"
			 " `vigil source import` first)",
			 opt->db ? opt->db : "vigil.db");
	else if (m)
		st = store_open(opt->db ? opt->db : "vigil.db", err, errlen);
	if (st)
		d = brief_build(opt, m, tax, store_db(st), err, errlen);
	bool ok = d && write_output(d, opt, err, errlen);
	doc_free(d);
	store_close(st);
	messages_free(m);
	taxonomy_free(tax);
	return ok ? 0 : -1;
}
