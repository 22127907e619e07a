/*
 * ioc-config.c — the feeds the sensor loads (`intel.feeds` of the
 * configuration) and the `vigil intel load` command that checks and
 * measures them.
 *
 *   intel:
 *     feeds:
 *       - file: cert-eu.json      # STIX 2.1 bundle, MISP event or CSV
 *         format: stix            # stix | misp | csv (default: guessed)
 *         name: cert-eu           # default: the file name
 *         publisher: CERT-EU      # default: the feed's own (STIX/MISP)
 *         stakeholder: government # un | government | private |
 *                                 # civil-society | academia
 *         tlp: amber              # when the feed marks none
 *     memcap: 1gb                 # the indicators' memory (default 1 GiB)
 *     kev: known_exploited_vulnerabilities.json   # CISA KEV (enrichment)
 *     attack: [enterprise-attack.json]            # ATT&CK bundles (enrichment)
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "intel/intel.h"
#include "intel/ioc.h"
#include "util/config.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void summary(FILE *log, const struct ioc_feed_opts *o, const struct ioc_load_result *r,
		    double secs)
{
	if (log == NULL)
		return;
	fprintf(log,
		"intel: %s: %llu indicators loaded from %llu entries (%llu malformed, %llu "
		"unsupported, %llu skipped) in %.2f s\n",
		o->path, (unsigned long long)r->loaded, (unsigned long long)r->read,
		(unsigned long long)r->malformed, (unsigned long long)r->unsupported,
		(unsigned long long)r->skipped, secs);
	if (r->over_memcap)
		fprintf(log, "intel: %s: %llu values not loaded: intel.memcap reached\n", o->path,
			(unsigned long long)r->over_memcap);
}

/* Fills o from a feed's map; false (reported) when a value is bad. */
static bool feed_opts(const struct config_node *n, struct ioc_feed_opts *o, FILE *log)
{
	memset(o, 0, sizeof(*o));
	o->path = config_get_str(n, "file", NULL);
	if (o->path == NULL) {
		if (log)
			fprintf(log, "intel.feeds: a feed without 'file' is ignored\n");
		return false;
	}
	const char *fmt = config_get_str(n, "format", NULL);
	if (fmt && !ioc_format_parse(fmt, &o->format)) {
		if (log)
			fprintf(log, "intel.feeds: %s: format '%s' is not stix, misp or csv\n",
				o->path, fmt);
		return false;
	}
	if (fmt == NULL)
		o->format = ioc_format_guess(o->path);
	o->name = config_get_str(n, "name", NULL);
	o->publisher = config_get_str(n, "publisher", NULL);
	o->stakeholder = config_get_str(n, "stakeholder", NULL);
	if (o->stakeholder && !intel_valid_stakeholder(o->stakeholder)) {
		if (log)
			fprintf(log,
				"intel.feeds: %s: stakeholder '%s' is not un, government, private, "
				"civil-society or academia\n",
				o->path, o->stakeholder);
		return false;
	}
	const char *tlp = config_get_str(n, "tlp", NULL);
	o->tlp = ioc_tlp_parse(tlp);
	if (tlp && o->tlp == TLP_UNKNOWN) {
		if (log)
			fprintf(log, "intel.feeds: %s: tlp '%s' is not clear, green, amber, red\n",
				o->path, tlp);
		return false;
	}
	return true;
}

/* intel.kev / intel.attack: one file name or a list of them. */
static void load_tables(struct ioc_db *db, const struct config_node *n,
			int (*fn)(struct ioc_db *, const char *, FILE *), FILE *log)
{
	if (n == NULL)
		return;
	if (n->kind == CONFIG_SCALAR && n->value) {
		fn(db, n->value, log);
		return;
	}
	for (size_t i = 0; n->kind == CONFIG_SEQ && i < n->nchild; i++)
		if (n->child[i]->value)
			fn(db, n->child[i]->value, log);
}

struct ioc_db *ioc_db_from_config(const struct config_node *root, FILE *log)
{
	const struct config_node *feeds = root ? config_get(root, "intel.feeds") : NULL;
	const struct config_node *kev = root ? config_get(root, "intel.kev") : NULL;
	const struct config_node *attack = root ? config_get(root, "intel.attack") : NULL;
	bool have_feeds = feeds && feeds->kind == CONFIG_SEQ && feeds->nchild > 0;
	if (!have_feeds && kev == NULL && attack == NULL)
		return NULL;
	struct ioc_db *db = ioc_db_new();
	if (db == NULL)
		return NULL;
	ioc_db_set_memcap(db, config_get_size(root, "intel.memcap", IOC_DEFAULT_MEMCAP));
	load_tables(db, kev, ioc_db_load_kev, log);
	load_tables(db, attack, ioc_db_load_attack, log);
	for (size_t i = 0; have_feeds && i < feeds->nchild; i++) {
		struct ioc_feed_opts o;
		if (!feed_opts(feeds->child[i], &o, log))
			continue;
		struct ioc_load_result r;
		double t0 = now_s();
		ioc_db_load(db, &o, &r, log);
		summary(log, &o, &r, now_s() - t0);
	}
	return db;
}

/* ------------------------------------------------------------ command */

static int usage(FILE *f, int rc)
{
	fputs("Usage: vigil intel load [--format stix|misp|csv] [--name N] [--publisher P]\n"
	      "                        [--stakeholder S] [--tlp T] [--memcap SIZE] FILE...\n"
	      "       vigil intel export (--stix|--misp) [-o OUT] [--include-red]\n"
	      "                        [--sensor NAME] EVE.json...\n"
	      "  load    read feeds as the sensor would: counts, malformed entries (by file\n"
	      "          and line or object id), load time and memory\n"
	      "  export  the intel alerts of EVE files as sightings: a STIX 2.1 bundle\n"
	      "          (sighting, observed-data, identity, TLP markings) or MISP sightings;\n"
	      "          TLP:RED indicators are left out unless --include-red\n",
	      f);
	return rc;
}

static long rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int cmd_load(int argc, char **argv)
{
	struct ioc_feed_opts base = {.tlp = TLP_UNKNOWN};
	uint64_t memcap = IOC_DEFAULT_MEMCAP;
	bool fmt_set = false;
	struct ioc_db *db = ioc_db_new();
	if (db == NULL)
		return 1;
	ioc_db_set_memcap(db, memcap);
	int files = 0, failed = 0;
	uint64_t malformed = 0;
	double t0 = now_s();
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (i + 1 < argc && a[0] == '-' && a[1] == '-') {
			const char *v = argv[++i];
			if (strcmp(a, "--format") == 0) {
				if (!ioc_format_parse(v, &base.format)) {
					fprintf(stderr, "vigil intel: bad --format '%s'\n", v);
					ioc_db_free(db);
					return 2;
				}
				fmt_set = true;
			} else if (strcmp(a, "--memcap") == 0 && config_parse_size(v, &memcap)) {
				ioc_db_set_memcap(db, memcap);
			} else if (strcmp(a, "--name") == 0) {
				base.name = v;
			} else if (strcmp(a, "--publisher") == 0) {
				base.publisher = v;
			} else if (strcmp(a, "--stakeholder") == 0 && intel_valid_stakeholder(v)) {
				base.stakeholder = v;
			} else if (strcmp(a, "--tlp") == 0 &&
				   (base.tlp = ioc_tlp_parse(v)) != TLP_UNKNOWN) {
			} else {
				fprintf(stderr, "vigil intel load: bad option %s %s\n", a, v);
				ioc_db_free(db);
				return 2;
			}
			continue;
		}
		struct ioc_feed_opts o = base;
		o.path = a;
		if (!fmt_set)
			o.format = ioc_format_guess(a);
		struct ioc_load_result r;
		double f0 = now_s();
		if (ioc_db_load(db, &o, &r, stderr) != 0)
			failed++;
		summary(stdout, &o, &r, now_s() - f0);
		malformed += r.malformed;
		files++;
	}
	if (files == 0) {
		ioc_db_free(db);
		return usage(stderr, 2);
	}
	printf("intel: %llu indicators in memory (ipv4 %llu, ipv6 %llu, domain %llu, url %llu, "
	       "md5 %llu, sha1 %llu, sha256 %llu, ja3 %llu); %.2f s; indicator memory %.1f MB; "
	       "peak RSS %.1f MB\n",
	       (unsigned long long)ioc_db_count(db),
	       (unsigned long long)ioc_db_count_type(db, IOC_IPV4),
	       (unsigned long long)ioc_db_count_type(db, IOC_IPV6),
	       (unsigned long long)ioc_db_count_type(db, IOC_DOMAIN),
	       (unsigned long long)ioc_db_count_type(db, IOC_URL),
	       (unsigned long long)ioc_db_count_type(db, IOC_MD5),
	       (unsigned long long)ioc_db_count_type(db, IOC_SHA1),
	       (unsigned long long)ioc_db_count_type(db, IOC_SHA256),
	       (unsigned long long)ioc_db_count_type(db, IOC_JA3), now_s() - t0,
	       (double)ioc_db_memuse(db) / 1e6, (double)rss_kb() / 1024.0);
	ioc_db_free(db);
	return failed ? 1 : malformed ? 3 : 0;
}

int intel_command_main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, 2);
	if (strcmp(argv[1], "load") == 0)
		return cmd_load(argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return intel_export_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return usage(stdout, 0);
	fprintf(stderr, "vigil intel: unknown command '%s'\n", argv[1]);
	return usage(stderr, 2);
}
