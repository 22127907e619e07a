/*
 * brief-cli — the `vigil import`, `vigil source` and `vigil brief`
 * subcommands: argument parsing, help and progress messages (all from the
 * message catalogue), then a call into store/, intel/ or the briefing.
 * Options are `--name value` or `--name=value`; anything unexpected is an
 * error with exit code 2, never silently ignored.
 */
#include "brief/brief-internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intel/intel.h"
#include "store/store.h"

#define MAX_OPTS 16
#define MAX_POS 64

struct cli_opt {
	const char *name; /* without "--" */
	const char *value;
	bool flag; /* takes no value */
	bool set;
};

struct cli {
	struct cli_opt opt[MAX_OPTS];
	size_t nopt;
	const char *pos[MAX_POS];
	size_t npos;
	bool help;
};

static const struct messages *cli_messages;

static void cli_error(const char *key, const char *arg)
{
	char *t = msgf(cli_messages, key, "arg", arg ? arg : "", NULL);
	fprintf(stderr, "vigil: %s\n", t);
	free(t);
}

static struct cli_opt *cli_find(struct cli *cl, const char *name, size_t len)
{
	for (size_t i = 0; i < cl->nopt; i++)
		if (strlen(cl->opt[i].name) == len && strncmp(cl->opt[i].name, name, len) == 0)
			return &cl->opt[i];
	return NULL;
}

static const char *cli_get(struct cli *cl, const char *name)
{
	struct cli_opt *o = cli_find(cl, name, strlen(name));
	return o && o->set ? o->value : NULL;
}

static bool cli_flag(struct cli *cl, const char *name)
{
	struct cli_opt *o = cli_find(cl, name, strlen(name));
	return o && o->set;
}

/* Parses argv[first..] against the options declared in cl. */
static bool cli_parse(struct cli *cl, int argc, char **argv, int first)
{
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-o") == 0)
			a = "--o"; /* -o FILE is the documented short form of --output */
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cl->help = true;
			continue;
		}
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (cl->npos == MAX_POS) {
				cli_error("cli.too-many", a);
				return false;
			}
			cl->pos[cl->npos++] = a;
			continue;
		}
		const char *eq = strchr(a + 2, '=');
		struct cli_opt *o = cli_find(cl, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (!o) {
			cli_error("cli.unknown-option", a);
			return false;
		}
		o->set = true;
		if (o->flag)
			continue;
		if (eq) {
			o->value = eq + 1;
		} else if (i + 1 < argc) {
			o->value = argv[++i];
		} else {
			cli_error("cli.missing-value", argv[i]);
			return false;
		}
	}
	return true;
}

static void cli_declare(struct cli *cl, const char *name, bool flag)
{
	cl->opt[cl->nopt++] = (struct cli_opt){name, NULL, flag, false};
}

static void print_help(const char *key)
{
	fputs(msg(cli_messages, key), stdout);
	fputc('\n', stdout);
}

static struct store *open_store(const char *db)
{
	char err[512] = "";
	struct store *st = store_open(db ? db : "vigil.db", err, sizeof(err));
	if (!st)
		fprintf(stderr, "vigil: %s\n", err);
	return st;
}

/* ---- vigil import eve FILE... ---- */

static void report_eve(const char *path, const struct store_eve_stats *s)
{
	char rate[32], secs[32];
	double rows = (double)(s->alerts + s->anomalies + s->flows + s->duplicate);
	snprintf(rate, sizeof(rate), "%.0f", s->seconds > 0 ? rows / s->seconds : rows);
	snprintf(secs, sizeof(secs), "%.3f", s->seconds);
	char n[6][32];
	const uint64_t v[6] = {s->lines, s->alerts,    s->anomalies,
			       s->flows, s->duplicate, s->malformed};
	for (int i = 0; i < 6; i++)
		snprintf(n[i], sizeof(n[i]), "%llu", (unsigned long long)v[i]);
	char *t = msgf(cli_messages, "import.done", "file", path, "lines", n[0], "alerts", n[1],
		       "anomalies", n[2], "flows", n[3], "duplicate", n[4], "malformed", n[5],
		       "seconds", secs, "rate", rate, NULL);
	printf("%s\n", t);
	free(t);
	if (s->exercise) {
		char x[32];
		snprintf(x, sizeof(x), "%llu", (unsigned long long)s->exercise);
		t = msgf(cli_messages, "import.exercise", "file", path, "count", x, NULL);
		printf("%s\n", t);
		free(t);
	}
}

/* import eve FILE... --pg CONNINFO: into the central PostgreSQL store. */
static int import_pg(struct cli *cl)
{
	if (cli_get(cl, "db") || cli_get(cl, "assets")) {
		cli_error("cli.pg-exclusive", "import");
		return 2;
	}
	int rc = 0;
	for (size_t i = 1; i < cl->npos; i++) {
		struct store_pg_stats s;
		char err[1024] = "";
		if (store_pg_import_eve(cli_get(cl, "pg"), cli_get(cl, "sensor"), cl->pos[i], &s, err,
					sizeof(err)) != 0) {
			fprintf(stderr, "vigil: %s\n", err);
			rc = 1;
			continue;
		}
		char n[4][32], secs[32];
		const uint64_t v[4] = {s.lines, s.stored, s.duplicate, s.malformed};
		for (int k = 0; k < 4; k++)
			snprintf(n[k], sizeof(n[k]), "%llu", (unsigned long long)v[k]);
		snprintf(secs, sizeof(secs), "%.3f", s.seconds);
		char *t = msgf(cli_messages, "import.pg-done", "file", cl->pos[i], "lines", n[0],
			       "stored", n[1], "duplicate", n[2], "malformed", n[3], "seconds", secs,
			       NULL);
		printf("%s\n", t);
		free(t);
	}
	return rc;
}

static int cmd_import(int argc, char **argv)
{
	struct cli cl = {0};
	cli_declare(&cl, "db", false);
	cli_declare(&cl, "assets", false);
	cli_declare(&cl, "pg", false);
	cli_declare(&cl, "sensor", false);
	if (!cli_parse(&cl, argc, argv, 1))
		return 2;
	if (cl.help) {
		print_help("help.import");
		return 0;
	}
	if (cl.npos < 2 || strcmp(cl.pos[0], "eve") != 0) {
		cli_error("cli.import-usage", NULL);
		return 2;
	}
	if (cli_get(&cl, "pg"))
		return import_pg(&cl);
	if (cli_get(&cl, "sensor")) {
		cli_error("cli.sensor-needs-pg", NULL);
		return 2;
	}
	struct store *st = open_store(cli_get(&cl, "db"));
	if (!st)
		return 1;
	char err[512];
	const char *assets = cli_get(&cl, "assets");
	int nassets = assets ? store_assets_load(st, assets, err, sizeof(err)) : 1;
	if (nassets <= 0) {
		if (nassets == 0)
			cli_error("cli.no-assets", assets);
		else
			fprintf(stderr, "vigil: %s\n", err);
		store_close(st);
		return 1;
	}
	int rc = 0;
	for (size_t i = 1; i < cl.npos; i++) {
		struct store_eve_stats s;
		if (store_import_eve(st, cl.pos[i], &s) != 0) {
			rc = 1;
			continue;
		}
		report_eve(cl.pos[i], &s);
	}
	store_close(st);
	return rc;
}

/* ---- vigil source import KIND PATH ... | source list | source kinds ---- */

static int source_kinds(void)
{
	size_t n;
	const struct intel_source_kind *k = intel_source_kinds(&n);
	for (size_t i = 0; i < n; i++) {
		char key[64];
		snprintf(key, sizeof(key), "source.kind.%s", k[i].name);
		const char *text = msg(cli_messages, key);
		printf("%-10s %s\n", k[i].name, strcmp(text, key) ? text : k[i].description);
	}
	return 0;
}

static int source_list(struct cli *cl)
{
	struct store *st = open_store(cli_get(cl, "db"));
	if (!st)
		return 1;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(
		store_db(st),
		"SELECT kind, coalesce(title, ''), publisher, stakeholder, tlp, licence,"
		" records, malformed, imported_at, path FROM source ORDER BY kind, path",
		-1, &q, NULL) == SQLITE_OK)
		while (sqlite3_step(q) == SQLITE_ROW)
			printf("%s\t%s\t%s\t%s\tTLP:%s\t%s\t%lld\t%lld\t%s\t%s\n",
			       sqlite3_column_text(q, 0), sqlite3_column_text(q, 1),
			       sqlite3_column_text(q, 2), sqlite3_column_text(q, 3),
			       sqlite3_column_text(q, 4), sqlite3_column_text(q, 5),
			       (long long)sqlite3_column_int64(q, 6),
			       (long long)sqlite3_column_int64(q, 7), sqlite3_column_text(q, 8),
			       sqlite3_column_text(q, 9));
	sqlite3_finalize(q);
	store_close(st);
	return 0;
}

static bool source_check(struct cli *cl, struct intel_provenance *p)
{
	p->publisher = cli_get(cl, "publisher");
	p->stakeholder = cli_get(cl, "stakeholder");
	p->tlp = cli_get(cl, "tlp");
	p->licence = cli_get(cl, "licence");
	if (!p->licence)
		p->licence = cli_get(cl, "license");
	if (cl->npos != 3 || !intel_source_known(cl->pos[1])) {
		cli_error("cli.source-usage", cl->npos > 1 ? cl->pos[1] : "");
		return false;
	}
	if (!p->publisher || !*p->publisher) {
		cli_error("cli.need-publisher", NULL);
		return false;
	}
	if (!intel_valid_stakeholder(p->stakeholder)) {
		cli_error("cli.bad-stakeholder", p->stakeholder);
		return false;
	}
	if (p->tlp && !intel_valid_tlp(p->tlp)) {
		cli_error("cli.bad-tlp", p->tlp);
		return false;
	}
	return true;
}

static int source_import(struct cli *cl)
{
	struct intel_provenance prov;
	if (!source_check(cl, &prov))
		return 2;
	struct store *st = open_store(cli_get(cl, "db"));
	if (!st)
		return 1;
	struct intel_import_result res;
	int rc = intel_source_import(st, cl->pos[1], cl->pos[2], &prov, &res);
	store_close(st);
	if (rc != 0)
		return 1;
	char r[32], m[32], s[32], rd[32];
	snprintf(rd, sizeof(rd), "%llu", (unsigned long long)res.read);
	snprintf(r, sizeof(r), "%llu", (unsigned long long)res.records);
	snprintf(m, sizeof(m), "%llu", (unsigned long long)res.malformed);
	snprintf(s, sizeof(s), "%llu", (unsigned long long)res.skipped);
	char *t = msgf(cli_messages, "source.done", "kind", cl->pos[1], "path", cl->pos[2],
		       "records", r, "malformed", m, "skipped", s, "read", rd, NULL);
	printf("%s\n", t);
	free(t);
	return 0;
}

static int cmd_source(int argc, char **argv)
{
	struct cli cl = {0};
	const char *opts[] = {"db", "publisher", "stakeholder", "tlp", "licence", "license"};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		cli_declare(&cl, opts[i], false);
	if (!cli_parse(&cl, argc, argv, 1))
		return 2;
	if (cl.help || cl.npos == 0) {
		print_help("help.source");
		source_kinds();
		return cl.help ? 0 : 2;
	}
	if (strcmp(cl.pos[0], "kinds") == 0)
		return source_kinds();
	if (strcmp(cl.pos[0], "list") == 0)
		return source_list(&cl);
	if (strcmp(cl.pos[0], "import") == 0)
		return source_import(&cl);
	cli_error("cli.source-usage", cl.pos[0]);
	return 2;
}

/* ---- vigil brief ---- */

static bool parse_period(const char *s, int *days)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (v <= 0 || v > 36600)
		return false;
	if (strcmp(end, "d") == 0 || *end == '\0')
		*days = (int)v;
	else if (strcmp(end, "w") == 0)
		*days = (int)v * 7;
	else if (strcmp(end, "m") == 0)
		*days = (int)v * 30;
	else if (strcmp(end, "y") == 0)
		*days = (int)v * 365;
	else
		return false;
	return true;
}

static bool brief_parse_format(const char *f, enum brief_format *out)
{
	if (!f || strcmp(f, "html") == 0)
		*out = BRIEF_HTML;
	else if (strcmp(f, "md") == 0 || strcmp(f, "markdown") == 0)
		*out = BRIEF_MARKDOWN;
	else if (strcmp(f, "json") == 0)
		*out = BRIEF_JSON;
	else
		return false;
	return true;
}

/* A language tag names a catalogue file: two or three lower-case letters,
 * so no path can be smuggled into data/messages/<lang>.yaml. */
static bool valid_lang(const char *l)
{
	size_t n = strlen(l);
	if (n < 2 || n > 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if (l[i] < 'a' || l[i] > 'z')
			return false;
	return true;
}

static bool brief_check(struct cli *cl, struct brief_options *o)
{
	const char *period = cli_get(cl, "period");
	o->db = cli_get(cl, "db");
	o->from = cli_get(cl, "from");
	o->to = cli_get(cl, "to");
	o->sector = cli_get(cl, "sector");
	o->country = cli_get(cl, "country");
	o->output = cli_get(cl, "output") ? cli_get(cl, "output") : cli_get(cl, "o");
	o->lang = cli_get(cl, "lang");
	o->include_exercise = cli_flag(cl, "include-exercise");
	o->max_tlp = cli_get(cl, "max-tlp");
	if (o->lang && !valid_lang(o->lang)) {
		cli_error("cli.bad-lang", o->lang);
		return false;
	}
	if (o->max_tlp && brief_tlp_rank(o->max_tlp) < 0) {
		cli_error("cli.bad-max-tlp", o->max_tlp);
		return false;
	}
	o->period_days = 365;
	if ((o->from && !store_valid_date(o->from)) || (o->to && !store_valid_date(o->to))) {
		cli_error("cli.bad-date", o->from && !store_valid_date(o->from) ? o->from : o->to);
		return false;
	}
	if (period && (o->from || !parse_period(period, &o->period_days))) {
		cli_error("cli.bad-period", period);
		return false;
	}
	if (!brief_parse_format(cli_get(cl, "format"), &o->format)) {
		cli_error("cli.bad-format", cli_get(cl, "format"));
		return false;
	}
	if (!o->output || cl->npos) {
		cli_error("cli.brief-usage", cl->npos ? cl->pos[0] : NULL);
		return false;
	}
	return true;
}

/* Copies the SQLite store at from (when given) to the scratch file to. */
static bool copy_store(const char *from, const char *to, char *err, size_t errlen)
{
	sqlite3 *src = NULL, *dst = NULL;
	bool ok = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		  sqlite3_open(to, &dst) == SQLITE_OK;
	sqlite3_backup *b = ok ? sqlite3_backup_init(dst, "main", src, "main") : NULL;
	ok = b && sqlite3_backup_step(b, -1) == SQLITE_DONE;
	if (b)
		sqlite3_backup_finish(b);
	if (!ok)
		snprintf(err, errlen, "%s: cannot read the event store: %s", from,
			 sqlite3_errmsg(src ? src : dst));
	sqlite3_close(src);
	sqlite3_close(dst);
	return ok;
}

/* brief --pg: the central store's events (of --sensor, or all) written out
 * as EVE and loaded into a scratch SQLite store (a copy of --db when given,
 * for its sources), which the briefing reads as always. */
static int brief_from_pg(struct cli *cl, struct brief_options *o)
{
	char dir[] = "/tmp/vigil-brief-XXXXXX", eve[64], db[64], err[1024] = "";
	if (!mkdtemp(dir)) {
		perror("vigil: scratch directory");
		return 1;
	}
	snprintf(eve, sizeof(eve), "%s/central.json", dir);
	snprintf(db, sizeof(db), "%s/central.db", dir);
	uint64_t n = 0;
	int rc = 1;
	struct store_eve_stats st;
	if (o->db && !copy_store(o->db, db, err, sizeof(err)))
		fprintf(stderr, "vigil: %s\n", err);
	else if (store_pg_export_eve(cli_get(cl, "pg"), cli_get(cl, "sensor"), eve, &n, err,
				     sizeof(err)) != 0)
		fprintf(stderr, "vigil: %s\n", err);
	else if (n && store_import_eve_file(db, eve, NULL, &st) != 0)
		fprintf(stderr, "vigil: the central store's events could not be loaded (see above)\n");
	else {
		o->db = db;
		if (brief_generate(o, err, sizeof(err)) != 0)
			fprintf(stderr, "vigil: %s\n", err);
		else
			rc = 0;
	}
	unlink(eve);
	unlink(db);
	char side[80];
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
	rmdir(dir);
	return rc;
}

static int cmd_brief(int argc, char **argv)
{
	struct cli cl = {0};
	const char *opts[] = {"db",	"from",	  "to", "period", "sector",
			      "format", "output", "o",	"lang"};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		cli_declare(&cl, opts[i], false);
	cli_declare(&cl, "include-exercise", true);
	cli_declare(&cl, "max-tlp", false);
	cli_declare(&cl, "country", false);
	cli_declare(&cl, "pg", false);
	cli_declare(&cl, "sensor", false);
	if (!cli_parse(&cl, argc, argv, 1))
		return 2;
	if (cl.help) {
		print_help("help.brief");
		return 0;
	}
	struct brief_options o = {0};
	if (!brief_check(&cl, &o))
		return 2;
	if (cli_get(&cl, "sensor") && !cli_get(&cl, "pg")) {
		cli_error("cli.sensor-needs-pg", NULL);
		return 2;
	}
	char err[1024] = "";
	if (cli_get(&cl, "pg"))
		return brief_from_pg(&cl, &o);
	if (brief_generate(&o, err, sizeof(err)) != 0) {
		fprintf(stderr, "vigil: %s\n", err);
		return 1;
	}
	return 0;
}

int brief_command_main(int argc, char **argv)
{
	char dir[4096], err[4096] = "";
	struct messages *m = NULL;
	if (!brief_find_datadir(dir, sizeof(dir), err, sizeof(err)) ||
	    !(m = messages_load(dir, "en", err, sizeof(err)))) {
		fprintf(stderr, "vigil: %s\n", err);
		return 1;
	}
	cli_messages = m;
	int rc;
	if (argc < 1 || !argv[0])
		rc = 2;
	else if (strcmp(argv[0], "import") == 0)
		rc = cmd_import(argc, argv);
	else if (strcmp(argv[0], "source") == 0)
		rc = cmd_source(argc, argv);
	else if (strcmp(argv[0], "brief") == 0)
		rc = cmd_brief(argc, argv);
	else {
		cli_error("cli.unknown-command", argv[0]);
		rc = 2;
	}
	cli_messages = NULL;
	messages_free(m);
	return rc;
}
