/*
 * engine.c — builds a detect_engine from rule files, orders its rules, and
 * runs them over packets.
 *
 * Loading: rule files are read line by line, continuation lines ('\' at the
 * end) joined, comments and blank lines skipped; each rule goes through
 * rule_parse().  A failure is reported on one line (file:line: sid N: why)
 * and counted as failed or, for an unsupported keyword, skipped.
 *
 * Ordering is Suricata's: action (pass, drop, reject, alert, or as
 * action-order says), then the role in flowbits, flowint and xbits (setters, set-and-read, readers,
 * others: an isset sees a bit set by the same packet), then priority, then load order.  Rule
 * numbers follow this order and the packet path evaluates candidates by number, which yields alerts
 * already in Suricata's order.
 *
 * The engine is read-only after detect_engine_new(); workers write only to
 * their det_thread and to the flows they own.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app/file-magic.h"
#include "detect/dataset.h"
#include "app/frame.h"
#include "detect/detect-internal.h"
#include "detect/iprep.h"
#include "intel/ioc.h"

/* ------------------------------------------------------------ var registry */

int engine_var_id(struct detect_engine *de, int kind, const char *name)
{
	if (de == NULL)
		return 0;
	for (uint32_t i = 0; i < de->nvarnames[kind]; i++)
		if (strcmp(de->varnames[kind][i], name) == 0)
			return (int)i;
	char **nv = realloc(de->varnames[kind], (de->nvarnames[kind] + 1) * sizeof(*nv));
	if (nv == NULL)
		return -1;
	de->varnames[kind] = nv;
	nv[de->nvarnames[kind]] = strdup(name);
	if (nv[de->nvarnames[kind]] == NULL)
		return -1;
	return (int)de->nvarnames[kind]++;
}

/* ------------------------------------------------------------ stats */

static void kwstat_add(struct detect_engine *de, const char *kw, bool skipped)
{
	if (kw == NULL)
		kw = "(syntax)";
	for (size_t i = 0; i < de->nkwstats; i++)
		if (strcmp(de->kwstats[i].name, kw) == 0) {
			if (skipped)
				de->kwstats[i].skipped++;
			else
				de->kwstats[i].failed++;
			return;
		}
	struct kw_stat *n = realloc(de->kwstats, (de->nkwstats + 1) * sizeof(*n));
	if (n == NULL)
		return;
	de->kwstats = n;
	n[de->nkwstats].name = strdup(kw);
	n[de->nkwstats].failed = skipped ? 0 : 1;
	n[de->nkwstats].skipped = skipped ? 1 : 0;
	if (n[de->nkwstats].name != NULL)
		de->nkwstats++;
}

static int kwstat_cmp(const void *a, const void *b)
{
	const struct kw_stat *x = a, *y = b;
	unsigned tx = x->failed + x->skipped, ty = y->failed + y->skipped;
	if (tx != ty)
		return tx < ty ? 1 : -1;
	return strcmp(x->name, y->name);
}

void detect_print_rule_stats(const struct detect_engine *de, FILE *out)
{
	struct kw_stat *s = malloc((de->nkwstats + 1) * sizeof(*s));
	if (s == NULL)
		return;
	if (de->nkwstats > 0) {
		memcpy(s, de->kwstats, de->nkwstats * sizeof(*s));
		qsort(s, de->nkwstats, sizeof(*s), kwstat_cmp);
	}
	fprintf(out, "%-32s %8s %8s\n", "keyword", "skipped", "failed");
	for (size_t i = 0; i < de->nkwstats; i++)
		fprintf(out, "%-32s %8u %8u\n", s[i].name, s[i].skipped, s[i].failed);
	free(s);
}

unsigned detect_engine_rule_count(const struct detect_engine *de)
{
	return de->nrules;
}

/* ------------------------------------------------------------ loading */

/* The sid of a rule that failed to parse, read from its text; 0 if none. */
static unsigned long text_sid(const char *text)
{
	const char *p = text;
	while ((p = strstr(p, "sid")) != NULL) {
		const char *q = p + 3;
		bool word_start =
		    p == text || p[-1] == ';' || p[-1] == ' ' || p[-1] == '(' || p[-1] == '\t';
		p = q;
		if (!word_start)
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != ':')
			continue;
		q++;
		while (*q == ' ' || *q == '"')
			q++;
		return strtoul(q, NULL, 10);
	}
	return 0;
}

static int add_rule(struct detect_engine *de, struct rule *r)
{
	if (de->nrules == de->cap) {
		uint32_t nc = de->cap ? de->cap * 2 : 1024;
		struct rule **nv = realloc(de->rules, nc * sizeof(*nv));
		if (nv == NULL)
			return -1;
		de->rules = nv;
		de->cap = nc;
	}
	de->rules[de->nrules++] = r;
	return 0;
}

static void load_one(struct detect_engine *de, struct parse_ctx *pc, const char *text,
		     struct detect_load_stats *st, FILE *log)
{
	struct rule *r = rule_parse(pc, text);
	if (r != NULL) {
		if (add_rule(de, r) != 0) {
			rule_free(r);
			st->failed++;
		}
		return;
	}
	if (pc->is_unsupported)
		st->skipped++;
	else
		st->failed++;
	kwstat_add(de, pc->unsupported, pc->is_unsupported);
	if (log)
		fprintf(log, "%s:%u: sid %lu: %s\n", pc->file, pc->line, text_sid(text), pc->err);
}

static int load_file(struct detect_engine *de, const char *path, struct detect_load_stats *st,
		     FILE *log)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (log)
			fprintf(log, "%s: cannot open rule file\n", path);
		return -1;
	}
	/* The path string must outlive the rules (they point at it). */
	char *keep = strdup(path);
	char **nf = realloc(de->files, (de->nfiles + 1) * sizeof(*nf));
	if (keep == NULL || nf == NULL) {
		free(keep);
		if (nf != NULL)
			de->files = nf;
		fclose(f);
		return -1;
	}
	de->files = nf;
	de->files[de->nfiles++] = keep;
	struct parse_ctx pc = {.de = de, .vars = de->vars, .file = keep};
	char *line = NULL, *acc = NULL;
	size_t cap = 0, acc_len = 0, acc_cap = 0;
	ssize_t n;
	unsigned ln = 0, start = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		ln++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		bool cont = n > 0 && line[n - 1] == '\\';
		if (cont)
			line[--n] = '\0';
		if (acc_len == 0) {
			char *t = line;
			while (*t == ' ' || *t == '\t')
				t++;
			if (*t == '#' || (*t == '\0' && !cont))
				continue;
			start = ln;
		}
		if (acc_len + (size_t)n + 1 > acc_cap) {
			acc_cap = (acc_len + (size_t)n + 1) * 2;
			char *na = realloc(acc, acc_cap);
			if (na == NULL)
				break;
			acc = na;
		}
		memcpy(acc + acc_len, line, (size_t)n);
		acc_len += (size_t)n;
		acc[acc_len] = '\0';
		if (cont)
			continue;
		pc.line = start;
		load_one(de, &pc, acc, st, log);
		acc_len = 0;
	}
	if (acc_len > 0) {
		pc.line = start;
		load_one(de, &pc, acc, st, log);
	}
	free(pc.unsupported);
	free(line);
	free(acc);
	fclose(f);
	st->files++;
	return 0;
}

/* The built-in rules that match the feeds' indicators (kw-intel.c). */
static void load_intel_rules(struct detect_engine *de, const struct detect_config *cfg,
			     struct detect_load_stats *st, FILE *log)
{
	if (cfg->ioc == NULL)
		return;
	const char *texts[16];
	size_t n = intel_rule_texts(cfg->ioc, texts, 16);
	struct parse_ctx pc = {.de = de, .vars = de->vars, .file = "<intel feeds>"};
	for (size_t i = 0; i < n; i++) {
		pc.line = (unsigned)i + 1;
		load_one(de, &pc, texts[i], st, log);
	}
	free(pc.unsupported);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_path(struct detect_engine *de, const char *path, struct detect_load_stats *st,
		     FILE *log)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		if (log)
			fprintf(log, "%s: no such rule file\n", path);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return load_file(de, path, st, log);
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l < 7 || strcmp(e->d_name + l - 6, ".rules") != 0)
			continue;
		char **nn = realloc(names, (n + 1) * sizeof(*nn));
		if (nn == NULL)
			break;
		names = nn;
		if (asprintf(&names[n], "%s/%s", path, e->d_name) >= 0)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (load_file(de, names[i], st, log) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

/* ------------------------------------------------------------ ordering */

static enum action_class action_class(enum detect_action a)
{
	switch (a) {
	case DETECT_ACTION_PASS: return ACLASS_PASS;
	case DETECT_ACTION_DROP: return ACLASS_DROP;
	case DETECT_ACTION_REJECT:
	case DETECT_ACTION_REJECTSRC:
	case DETECT_ACTION_REJECTDST:
	case DETECT_ACTION_REJECTBOTH: return ACLASS_REJECT;
	default: return ACLASS_ALERT;
	}
}

/*
 * Reads action-order into de->action_rank.  Like Suricata, the list must
 * name each of pass, drop, reject and alert exactly once; anything else is
 * reported and the default order (the enum's) kept.
 */
static void setup_action_order(struct detect_engine *de, const struct detect_config *cfg, FILE *log)
{
	static const char *const names[ACLASS_COUNT] = {"pass", "drop", "reject", "alert"};
	for (int c = 0; c < ACLASS_COUNT; c++)
		de->action_rank[c] = (uint8_t)c;
	if (cfg->action_order == NULL)
		return;
	uint8_t rank[ACLASS_COUNT];
	bool seen[ACLASS_COUNT] = {false};
	bool ok = cfg->action_order_count == ACLASS_COUNT;
	for (size_t i = 0; ok && i < cfg->action_order_count; i++) {
		int c = 0;
		while (c < ACLASS_COUNT && strcmp(cfg->action_order[i], names[c]) != 0)
			c++;
		ok = c < ACLASS_COUNT && !seen[c];
		if (ok) {
			seen[c] = true;
			rank[c] = (uint8_t)i;
		}
	}
	if (!ok) {
		if (log)
			fprintf(log, "action-order: must list pass, drop, reject and alert once "
				     "each; using the default order\n");
		return;
	}
	memcpy(de->action_rank, rank, sizeof(rank));
}

/* Suricata ranks variable users: setters, then set-and-read, then
 * readers, then rules that do not use the variable kind at all. */
static int var_rank(const struct rule *r, uint32_t set_flag, uint32_t read_flag)
{
	bool set = r->flags & set_flag, read = r->flags & read_flag;
	if (set && !read)
		return 0;
	if (set && read)
		return 1;
	if (read)
		return 2;
	return 3;
}

static int rule_order_cmp(const void *a, const void *b, void *arg)
{
	const struct rule *x = *(struct rule *const *)a, *y = *(struct rule *const *)b;
	const uint8_t *rank = arg; /* the engine's action_rank */
	int d = rank[action_class(x->h.action)] - rank[action_class(y->h.action)];
	if (d == 0)
		d = var_rank(x, RF_FLOWBITS_SET, RF_FLOWBITS_READ) -
		    var_rank(y, RF_FLOWBITS_SET, RF_FLOWBITS_READ);
	if (d == 0)
		d = var_rank(x, RF_FLOWINT_SET, RF_FLOWINT_READ) -
		    var_rank(y, RF_FLOWINT_SET, RF_FLOWINT_READ);
	if (d == 0)
		d = var_rank(x, RF_XBITS_SET, RF_XBITS_READ) -
		    var_rank(y, RF_XBITS_SET, RF_XBITS_READ);
	if (d == 0)
		d = x->priority - y->priority;
	if (d == 0)
		d = (x->num > y->num) - (x->num < y->num);
	return d;
}

static int gid_sid_cmp(const void *a, const void *b)
{
	const struct rule *x = *(struct rule *const *)a, *y = *(struct rule *const *)b;
	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	if (x->sid != y->sid)
		return x->sid < y->sid ? -1 : 1;
	return (x->num > y->num) - (x->num < y->num);
}

/*
 * Rules sharing a gid:sid, as Suricata resolves them: a later rule with a
 * higher rev replaces the one loaded (a warning), any other later rule is
 * refused (an error, counted as failed).  gid_sid_cmp puts each group in
 * load order, so one pass keeps the survivor at the group's slot.
 */
static void drop_duplicates(struct detect_engine *de, struct detect_load_stats *st, FILE *log)
{
	for (uint32_t i = 0; i < de->nrules; i++)
		de->rules[i]->num = i;
	if (de->nrules > 1)
		qsort(de->rules, de->nrules, sizeof(*de->rules), gid_sid_cmp);
	uint32_t o = 0;
	for (uint32_t i = 0; i < de->nrules; i++) {
		struct rule *r = de->rules[i];
		struct rule *kept = o > 0 ? de->rules[o - 1] : NULL;
		if (kept == NULL || kept->gid != r->gid || kept->sid != r->sid) {
			de->rules[o++] = r;
			continue;
		}
		if (r->rev > kept->rev) {
			if (log)
				fprintf(log, "%s:%u: sid %u: rev %u replaces rev %u (%s:%u)\n",
					r->file, r->line, r->sid, r->rev, kept->rev, kept->file,
					kept->line);
			rule_free(kept);
			de->rules[o - 1] = r;
			continue;
		}
		if (log)
			fprintf(log, "%s:%u: sid %u: duplicate signature id\n", r->file, r->line,
				r->sid);
		st->failed++;
		kwstat_add(de, "sid", false);
		rule_free(r);
	}
	de->nrules = o;
}

static void order_rules(struct detect_engine *de)
{
	/* num holds load order at this point (set by drop_duplicates). */
	if (de->nrules > 1)
		qsort_r(de->rules, de->nrules, sizeof(*de->rules), rule_order_cmp, de->action_rank);
	for (uint32_t i = 0; i < de->nrules; i++)
		de->rules[i]->num = i;
}

/* ------------------------------------------------------------ engine */

static int setup_vars(struct detect_engine *de, const struct detect_config *cfg)
{
	de->vars = vars_new();
	if (de->vars == NULL || vars_add_defaults(de->vars) != 0)
		return -1;
	for (size_t i = 0; i < cfg->address_var_count; i++)
		if (vars_set(de->vars, false, cfg->address_vars[i].name,
			     cfg->address_vars[i].value) != 0)
			return -1;
	for (size_t i = 0; i < cfg->port_var_count; i++)
		if (vars_set(de->vars, true, cfg->port_vars[i].name, cfg->port_vars[i].value) != 0)
			return -1;
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Frame rules run outside the prefilter, on each ready frame. */
static int collect_frame_rules(struct detect_engine *de)
{
	for (uint32_t i = 0; i < de->nrules; i++) {
		const struct rule *r = de->rules[i];
		if (!(r->flags & RF_FRAME))
			continue;
		if (de->nframe_rules == 0) {
			de->frame_rules = malloc(de->nrules * sizeof(uint32_t));
			if (de->frame_rules == NULL)
				return -1;
		}
		de->frame_rules[de->nframe_rules++] = i;
		de->frames[r->frame_proto] |= APP_FRAME_BIT(r->frame_type);
	}
	return 0;
}

void detect_engine_frames(const struct detect_engine *de, uint64_t *masks)
{
	if (de == NULL)
		return;
	for (int p = 0; p < APP_PROTO_MAX; p++)
		masks[p] |= de->frames[p];
}

struct detect_engine *detect_engine_new(const struct detect_config *cfg,
					struct detect_load_stats *stats, FILE *log)
{
	double t0 = now_seconds();
	struct detect_load_stats local = {0};
	struct detect_load_stats *st = stats ? stats : &local;
	memset(st, 0, sizeof(*st));
	struct detect_engine *de = calloc(1, sizeof(*de));
	if (de == NULL) {
		ioc_db_free(cfg->ioc);
		return NULL;
	}
	de->ioc = cfg->ioc;
	de->alert_max = cfg->packet_alert_max ? cfg->packet_alert_max : DETECT_PACKET_ALERT_MAX;
	if (de->alert_max > DETECT_PACKET_ALERT_MAX)
		de->alert_max = DETECT_PACKET_ALERT_MAX;
	de->no_cache = cfg->no_cache;
	if (cfg->cache_dir != NULL)
		de->cache_dir = strdup(cfg->cache_dir);
	bool fatal = false;
	de->datasets = dataset_registry_new(cfg->config, cfg->data_dir, log);
	de->iprep = iprep_load(cfg->config, log);
	setup_action_order(de, cfg, log);
	lua_engine_config(de, cfg);
	if (setup_vars(de, cfg) != 0)
		goto fail;
	if (cfg->classification_file != NULL &&
	    classification_load(&de->classes, cfg->classification_file, log) != 0)
		fatal |= cfg->strict;
	if (cfg->reference_file != NULL && reference_load(&de->refs, cfg->reference_file, log) != 0)
		fatal |= cfg->strict;
	if (cfg->threshold_file != NULL && threshold_config_load(de, cfg->threshold_file, log) != 0)
		fatal |= cfg->strict;
	for (size_t i = 0; i < cfg->rule_file_count; i++)
		if (load_path(de, cfg->rule_files[i], st, log) != 0)
			fatal = true;
	load_intel_rules(de, cfg, st, log);
	drop_duplicates(de, st, log);
	order_rules(de);
	detect_enrich_rules(de);
	if (collect_frame_rules(de) != 0)
		goto fail;
	for (uint32_t i = 0; i < de->nrules; i++)
		if (de->rules[i]->flags & RF_IPONLY)
			de->niponly++;
	for (uint32_t i = 0; i < de->nrules; i++)
		if ((de->rules[i]->flags & RF_STREAM) &&
		    de->rules[i]->max_content_len > de->max_pattern_len)
			de->max_pattern_len = de->rules[i]->max_content_len;
	st->loaded = de->nrules;
	if (log)
		fprintf(log, "%u rules loaded, %u failed, %u skipped\n", st->loaded, st->failed,
			st->skipped);
	if (fatal || (cfg->strict && (st->failed > 0 || st->skipped > 0)))
		goto fail;
	if (prefilter_build(de, log) != 0)
		goto fail;
	st->cache_hit = de->cache_hit;
	st->seconds = now_seconds() - t0;
	return de;
fail:
	st->seconds = now_seconds() - t0;
	de->datasets_nosave = true;
	detect_engine_free(de);
	return NULL;
}

void detect_engine_free(struct detect_engine *de)
{
	if (de == NULL)
		return;
	free(de->frame_rules);
	prefilter_free(de->pf);
	for (uint32_t i = 0; i < de->nrules; i++)
		rule_free(de->rules[i]);
	dataset_registry_free(de->datasets, !de->datasets_nosave, stderr);
	iprep_free(de->iprep);
	ioc_db_free(de->ioc);
	free(de->rules);
	for (int k = 0; k < VAR_KINDS; k++) {
		for (uint32_t i = 0; i < de->nvarnames[k]; i++)
			free(de->varnames[k][i]);
		free(de->varnames[k]);
	}
	for (size_t i = 0; i < de->nkwstats; i++)
		free(de->kwstats[i].name);
	free(de->kwstats);
	for (size_t i = 0; i < de->nfiles; i++)
		free(de->files[i]);
	free(de->files);
	free(de->rule_path);
	free(de->log_dir);
	classification_free(&de->classes);
	reference_free(&de->refs);
	threshold_config_free(de);
	vars_free(de->vars);
	free(de->cache_dir);
	free(de);
}

/*
 * -T: like Suricata's configuration test, a rule that does not parse makes
 * the ruleset bad (exit 1).  Rules skipped for an unsupported keyword are
 * valid Suricata rules vigil cannot run yet: they fail the test only with
 * --strict.
 */
int detect_test_ruleset(const struct detect_config *cfg, FILE *log)
{
	struct detect_load_stats st;
	struct detect_engine *de = detect_engine_new(cfg, &st, log);
	if (de == NULL) {
		if (log)
			fprintf(log, "Configuration provided was unsuccessful.\n");
		return 1;
	}
	de->datasets_nosave = true; /* a test writes no dataset files */
	detect_engine_free(de);
	if (st.failed > 0) {
		if (log)
			fprintf(log, "Configuration provided was unsuccessful.\n");
		return 1;
	}
	if (log)
		fprintf(log, "Configuration provided was successfully loaded.\n");
	return 0;
}

/* ------------------------------------------------------------ threads */

struct detect_thread *detect_thread_new(struct detect_engine *de)
{
	struct det_thread *dt = calloc(1, sizeof(*dt));
	if (dt == NULL)
		return NULL;
	dt->de = de;
	dt->tx_only = -1;
	dt->pcre_md = pcre2_match_data_create(32, NULL);
	if (dt->pcre_md == NULL || prefilter_thread_init(de, dt) != 0) {
		detect_thread_free((struct detect_thread *)dt);
		return NULL;
	}
	return (struct detect_thread *)dt;
}

struct file_magic *detect_thread_magic(struct det_thread *dt)
{
	if (dt == NULL)
		return NULL;
	return file_magic_open_once(&dt->magic, &dt->magic_failed,
				    "file.magic and filemagic never match");
}

void detect_thread_free(struct detect_thread *t)
{
	struct det_thread *dt = (struct det_thread *)t;
	if (dt == NULL)
		return;
	pcre2_match_data_free(dt->pcre_md);
	free(dt->b64);
	free(dt->app_scratch);
	free(dt->ctx_ring);
	file_magic_free(dt->magic);
	for (int i = 0; i < XFORM_SLOTS; i++)
		free(dt->xbuf[i]);
	threshold_thread_free(dt);
	xbits_thread_free(dt);
	tag_thread_free(dt);
	prefilter_thread_free(dt);
	lua_thread_free(dt);
	free(dt);
}

/* ------------------------------------------------------------ per flow */

struct detect_flow *detect_flow_get(struct det_thread *dt, const struct packet *p)
{
	struct flow *f = p->flow;
	if (f == NULL)
		return NULL;
	if (f->detect == NULL)
		f->detect = calloc(1, sizeof(struct detect_flow));
	return f->detect;
}

void detect_flow_free(void *slot)
{
	struct detect_flow *df = slot;
	if (df == NULL)
		return;
	free(df->bits);
	free(df->ints);
	free(df->int_set);
	free(df);
}

/* ------------------------------------------------------------ matching */

static bool header_match(const struct rule *r, const struct packet *p, bool *swapped)
{
	const struct rule_header *h = &r->h;
	*swapped = false;
	if (p->ip_version == 0)
		return (h->proto_flags & RP_PKTHDR) && h->src.any && h->dst.any && h->sp.any &&
		       h->dp.any;
	if (!(h->protos[p->proto / 8] & (1u << (p->proto % 8))))
		return false;
	if (!app_header_match(h, p))
		return false;
	/* Ports first: most candidates come from the address index, which
	 * already found one side's addresses, and fail on a port. */
	bool ports = p->proto == 6 || p->proto == 17 || p->proto == 132;
	if (h->tx_both && !p->flow_toserver) {
		/* "=>" is matched from the client's side on the response */
		*swapped = true;
		return (!ports || (port_set_match(&h->sp, p->dp) && port_set_match(&h->dp, p->sp))) &&
		       addr_set_match(&h->src, &p->dst) && addr_set_match(&h->dst, &p->src);
	}
	if ((!ports || (port_set_match(&h->sp, p->sp) && port_set_match(&h->dp, p->dp))) &&
	    addr_set_match(&h->src, &p->src) && addr_set_match(&h->dst, &p->dst))
		return true;
	if (!h->bidir)
		return false;
	*swapped = true;
	return (!ports || (port_set_match(&h->sp, p->dp) && port_set_match(&h->dp, p->sp))) &&
	       addr_set_match(&h->src, &p->dst) && addr_set_match(&h->dst, &p->src);
}

/* One instance of a buffer: transforms, then the buffer's keywords. */
static bool instance_match(struct det_thread *dt, const struct rule_buffer *rb,
			   struct inspect_buf b)
{
	for (uint32_t i = 0; i < rb->nxf; i++)
		if (!transform_apply(dt, &rb->xf[i], &b, (int)(i % XFORM_SLOTS)))
			return false;
	if (rb->sms.n == 0)
		return true;
	return inspect_buffer(dt, &rb->sms, &b);
}

static bool buffer_match(struct det_thread *dt, const struct rule_buffer *rb,
			 const struct packet *p)
{
	struct inspect_buf b = {NULL, 0};
	if (rb->buf_id == BUF_BASE64) {
		b.data = dt->b64;
		b.len = dt->b64_len;
		if (b.len == 0)
			return rb->absent;
		return !(rb->absent && !rb->absent_or_else) && instance_match(dt, rb, b);
	}
	if (rb->buf_id == BUF_FRAME) {
		if (dt->frame == NULL)
			return false;
		b.data = dt->frame->data;
		b.len = dt->frame->data_len;
		return instance_match(dt, rb, b);
	}
	const struct buffer_def *bd = buffer_def(rb->buf_id);
	bool app = buffer_is_app(rb->buf_id);
	uint64_t tx_id = 0;
	uint32_t index = 0;
	for (; app ? app_buffer_get(rb->buf_id, dt, p, index, &b.data, &b.len, &tx_id)
		   : bd->get(p, index, &b.data, &b.len);
	     index++) {
		if (rb->absent && !rb->absent_or_else)
			return false;
		if (instance_match(dt, rb, b)) {
			dt->tx_id = tx_id;
			return true;
		}
	}
	return index == 0 && rb->absent;
}

/* Suricata's IP-only rule: addresses and protocol only (any ports, no
 * keyword that looks at the packet). */
/* A rule that looks at nothing but addresses, protocol and ports (Suricata's
 * IP-only and "like IP-only" rules): its pass or drop verdict is about the
 * conversation, so it applies to the whole flow. */
static bool rule_is_iponly(const struct rule *r)
{
	return r->nbufs == 0 && r->lists[LIST_MATCH].n == 0;
}

bool rule_match_packet(struct det_thread *dt, const struct rule *r, const struct packet *p)
{
	bool swapped;
	if (!header_match(r, p, &swapped))
		return false;
	dt->r = r;
	dt->b64_len = 0;
	dt->tx_id = 0;
	dt->nctx = 0;
	const struct sm_list *m = &r->lists[LIST_MATCH];
	for (uint32_t i = 0; i < m->n; i++)
		if (!m->v[i].kw->match(dt, p, r, m->v[i].ctx))
			return false;
	for (uint32_t i = 0; i < r->nbufs; i++)
		if (!buffer_match(dt, &r->bufs[i], p))
			return false;
	return true;
}

static void run_postmatch(struct det_thread *dt, const struct rule *r, const struct packet *p)
{
	const struct sm_list *l = &r->lists[LIST_POSTMATCH];
	for (uint32_t i = 0; i < l->n; i++)
		l->v[i].kw->match(dt, p, r, l->v[i].ctx);
}

/* Which rules a pass looks at: every rule on a packet, or only the
 * stream rules on a reassembled stream chunk. */
enum run_mode {
	RUN_PACKET,	   /* all rules, payload rules on the packet payload */
	RUN_PACKET_NO_STR, /* the caller inspects the stream: stream rules are skipped */
	RUN_STREAM,	   /* stream rules only, on a chunk standing in for the payload */
	RUN_APP,	   /* rules on app-layer transactions only (end of a flow) */
};

static bool rule_wanted(const struct rule *r, enum run_mode mode)
{
	switch (mode) {
	case RUN_STREAM: return (r->flags & RF_STREAM) != 0;
	case RUN_PACKET_NO_STR: return !(r->flags & RF_STREAM);
	case RUN_APP: return (r->flags & RF_APP_BUF) != 0;
	default: return true;
	}
}

/*
 * A packet rule of a UDP application protocol (alert tftp ...: pkt_data)
 * alerts with the transaction the packet made in its direction, as
 * Suricata 8 gives such alerts the packet's transaction.
 */
static bool udp_app_tx(const struct rule *r, const struct packet *p, uint64_t *tx_id)
{
	enum app_proto proto;
	const void *tx;
	if (p->flow == NULL || p->proto != 17 || r->h.app == 0)
		return false;
	return app_inspect_tx(p, 0, &proto, &tx, tx_id) && proto == (enum app_proto)r->h.app;
}

/* What a rule that matched does: postmatch keywords, thresholds, tags,
 * the verdict and its alert.  True when it was a pass (which stops every
 * later rule). */
static bool rule_matched(struct det_thread *dt, const struct rule *r, const struct packet *p,
			 struct alert_queue *out, enum run_mode mode, uint64_t tx_id)
{
	struct detect_engine *de = dt->de;
	run_postmatch(dt, r, p);
	if ((r->flags & RF_BYPASS) && p->flow != NULL)
		out->flow_bypass = true;
	enum detect_action action = r->h.action;
	enum tc_verdict tv = threshold_config_check(dt, r, p, &action);
	if (tv == TC_DISCARD)
		return false;
	const struct sm_list *tags = &r->lists[LIST_TAG];
	for (uint32_t k = 0; k < tags->n; k++)
		tags->v[k].kw->match(dt, p, r, tags->v[k].ctx);
	uint32_t flags = r->nbufs > 0 ? ALERT_F_PKT_PAYLOAD : 0;
	if (mode == RUN_STREAM)
		flags = ALERT_F_STREAM_MATCH;
	if (r->flags & RF_APP_BUF)
		flags = ALERT_F_STATE_MATCH | ALERT_F_TX;
	else if (udp_app_tx(r, p, &tx_id))
		flags |= ALERT_F_TX;
	if (dt->frame != NULL) {
		flags = ALERT_F_FRAME | (dt->frame->has_tx ? ALERT_F_TX : 0);
		tx_id = dt->frame->tx_id;
	}
	if (action != r->h.action)
		flags |= ALERT_F_RATE_FILTER;
	/* As Suricata (signature_properties' flow_action): pass and drop
	 * apply to the whole flow for IP-only and protocol-only rules,
	 * stream matches and transaction (app-layer state) matches, first to
	 * set wins; else to the packet. */
	bool to_flow = p->flow != NULL &&
		       (mode == RUN_STREAM || rule_is_iponly(r) || (r->flags & RF_APP_BUF));
	struct detect_flow *df = to_flow ? detect_flow_get(dt, p) : NULL;
	if (action == DETECT_ACTION_PASS) {
		out->pass = true;
		/* A packet a higher-ranked rule already dropped stays
		 * dropped: the pass only ends this packet's alerts. */
		if (df != NULL && !df->drop && !out->drop) {
			df->pass = true;
			flags |= ALERT_F_APPLY_FLOW;
			out->flow_pass = true;
		}
	} else if (action != DETECT_ACTION_ALERT) {
		out->drop = true;
		if (df != NULL && !df->pass) {
			df->drop = true;
			flags |= ALERT_F_APPLY_FLOW;
			out->flow_drop = true;
		}
		alert_queue_set_drop(out, r, action, flags);
	}
	/* Pass rules stop inspection; they are logged only with `alert`. */
	if (!(r->flags & RF_NOALERT) && tv == TC_ALERT &&
	    (action != DETECT_ACTION_PASS || (r->flags & RF_PASS_ALERT))) {
		uint32_t before = out->count;
		alert_queue_append(de, out, r, action, flags);
		if ((flags & ALERT_F_TX) && out->count > before)
			out->alerts[before].tx_id = tx_id;
		if (out->count > before) {
			memcpy(out->alerts[before].context, dt->ctx, dt->nctx * sizeof(dt->ctx[0]));
			out->alerts[before].context_count = dt->nctx;
		}
		if (dt->frame != NULL && out->count > before)
			out->alerts[before].frame_id = dt->frame->id;
	}
	return action == DETECT_ACTION_PASS;
}

/*
 * A transaction rule alerts once per transaction it matches, as Suricata:
 * it is evaluated on each transaction offered for the packet in turn,
 * every keyword and buffer on that one transaction.  True on a pass.
 */
static bool run_tx_rule(struct det_thread *dt, const struct rule *r, const struct packet *p,
			struct alert_queue *out, enum run_mode mode)
{
	enum app_proto proto;
	const void *tx;
	uint64_t id;
	enum app_inspect_stage stage;
	bool pass = false;
	bool early = (r->flags & RF_APP_EARLY) != 0;
	for (uint32_t t = 0; !pass && det_app_tx_stage(dt, p, t, &proto, &tx, &id, &stage); t++) {
		/* a side seen early: its early rules were judged then, the
		 * others wait for it to be complete */
		if ((stage == APP_STAGE_EARLY && !early) ||
		    (stage == APP_STAGE_FULL_AFTER_EARLY && early))
			continue;
		dt->tx_only = (int32_t)t;
		bool m = rule_match_packet(dt, r, p);
		dt->tx_only = -1;
		if (m)
			pass = rule_matched(dt, r, p, out, mode, id);
	}
	return pass;
}

/*
 * Frame rules, on each frame ready on the packet (its direction), as
 * Suricata's DetectRunFrames: a rule alerts once per frame it matches.
 * True on a pass.
 */
static bool run_frame_rules(struct det_thread *dt, const struct packet *p,
			    struct alert_queue *out, enum run_mode mode)
{
	struct detect_engine *de = dt->de;
	struct app_frame_view fv;
	for (uint32_t f = 0; app_inspect_frame(p, f, &fv); f++) {
		for (uint32_t k = 0; k < de->nframe_rules; k++) {
			const struct rule *r = de->rules[de->frame_rules[k]];
			if (r->frame_proto != fv.proto || r->frame_type != fv.type)
				continue;
			dt->frame = &fv;
			bool pass = rule_match_packet(dt, r, p) && app_frame_matched_once(&fv, r->num) &&
				    rule_matched(dt, r, p, out, mode, 0);
			dt->frame = NULL;
			if (pass)
				return true;
		}
	}
	return false;
}

static void run_rules(struct det_thread *dt, const struct packet *p, struct alert_queue *out,
		      enum run_mode mode)
{
	struct detect_engine *de = dt->de;
	static const unsigned want[] = {
	    [RUN_PACKET] = CAND_PACKET | CAND_STREAM | CAND_APP,
	    [RUN_PACKET_NO_STR] = CAND_PACKET | CAND_APP,
	    [RUN_STREAM] = CAND_STREAM,
	    [RUN_APP] = CAND_PACKET | CAND_APP,
	};
	dt->txc_valid = false; /* the transactions offered may have changed */
	prefilter_run(dt, p, want[mode]);
	/* IP-only rules: once per direction of a flow (Suricata's
	 * DetectRunInspectIPOnly), every time for packets without one. */
	bool iponly_ran = false;
	if (de->niponly > 0 && p->flow != NULL && p->flow->detect != NULL) {
		const struct detect_flow *df = p->flow->detect;
		iponly_ran = (df->iponly_done & (p->flow_toserver ? 1 : 2)) != 0;
	}
	for (uint32_t i = 0; i < dt->ncand; i++) {
		const struct rule *r = de->rules[dt->cand[i]];
		if (!rule_wanted(r, mode) || (iponly_ran && (r->flags & RF_IPONLY)))
			continue;
		bool pass;
		if ((r->flags & RF_APP_BUF) && p->flow != NULL)
			pass = run_tx_rule(dt, r, p, out, mode);
		else if (rule_match_packet(dt, r, p))
			pass = rule_matched(dt, r, p, out, mode, dt->tx_id);
		else
			continue;
		if (pass)
			break; /* pass stops every later rule */
	}
	if (de->nframe_rules > 0 && p->flow != NULL && mode != RUN_STREAM && !out->pass)
		(void)run_frame_rules(dt, p, out, mode);
	if (out->count > 0 && p->flow != NULL)
		p->flow->alerted = true;
	if (de->niponly > 0 && p->flow != NULL && !iponly_ran &&
	    (mode == RUN_PACKET || mode == RUN_PACKET_NO_STR)) {
		struct detect_flow *df = detect_flow_get(dt, p);
		if (df != NULL)
			df->iponly_done |= p->flow_toserver ? 1 : 2;
	}
}

static bool flow_passed(const struct packet *p)
{
	return p->flow != NULL && p->flow->detect != NULL &&
	       ((struct detect_flow *)p->flow->detect)->pass;
}

void detect_packet_ex(struct detect_thread *t, struct packet *p, struct alert_queue *out,
		      unsigned flags)
{
	struct det_thread *dt = (struct det_thread *)t;
	alert_queue_reset(out);
	dt->p = p;
	/* Tags set by earlier packets are checked before this packet can set new ones. */
	out->tagged = tag_packet_check(dt, p);
	if (flow_passed(p))
		return;
	enum run_mode mode = (flags & DETECT_PKT_APP_ONLY)	     ? RUN_APP
			     : (flags & DETECT_PKT_STREAM_INSPECTED) ? RUN_PACKET_NO_STR
								     : RUN_PACKET;
	run_rules(dt, p, out, mode);
}

void detect_packet(struct detect_thread *t, struct packet *p, struct alert_queue *out)
{
	detect_packet_ex(t, p, out, 0);
}

void detect_stream(struct detect_thread *t, struct packet *p, const uint8_t *data, uint32_t len,
		   struct alert_queue *out)
{
	struct det_thread *dt = (struct det_thread *)t;
	alert_queue_reset(out);
	if (len == 0 || flow_passed(p))
		return;
	/* The chunk stands in for the payload; everything else is the packet's. */
	struct packet sp = *p;
	sp.payload = data;
	sp.payload_len = len;
	dt->p = &sp;
	dt->in_stream = true;
	run_rules(dt, &sp, out, RUN_STREAM);
	dt->in_stream = false;
	dt->p = p;
}

void detect_stream_blocks(struct detect_thread *t, struct packet *p,
			  const struct detect_block *blocks, unsigned n, struct alert_queue *out)
{
	struct det_thread *dt = (struct det_thread *)t;
	alert_queue_reset(out);
	for (unsigned i = 0; i < n; i++) {
		if (i == 0) {
			detect_stream(t, p, blocks[i].data, blocks[i].len, out);
			continue;
		}
		detect_stream(t, p, blocks[i].data, blocks[i].len, &dt->block_alerts);
		alert_queue_merge(dt->de, out, &dt->block_alerts);
	}
}

uint32_t detect_engine_max_pattern_len(const struct detect_engine *de)
{
	return de->max_pattern_len;
}

unsigned detect_engine_file_hashes(const struct detect_engine *de)
{
	return de ? de->file_hashes : 0;
}

bool detect_engine_file_store(const struct detect_engine *de)
{
	return de != NULL && de->file_store;
}
