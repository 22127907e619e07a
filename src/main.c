/*
 * main — vigil's command line.  The sensor takes Suricata's offline
 * options (-r, -l, -S, -c, -k, --runmode, --set) so existing scripts and
 * test harnesses run it unchanged; the other jobs are subcommands
 * (`vigil brief ...`, `vigil scenario ...`) dispatched to their stage.
 */
#include "decode/decode.h"
#include "detect/detect.h"
#include "brief/brief.h"
#include "engine/engine.h"
#include "scenario/scenario.h"
#include "intel/ioc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hs/hs.h>
#include <openssl/opensslv.h>
#include <pcap/pcap.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>
#include <yaml.h>
#include <zlib.h>

static void usage(FILE *out)
{
	fputs("Usage: vigil -r FILE|DIR [-l OUTDIR] [-S RULES]... [-c CONFIG.yaml] [options]\n"
	      "       vigil -i IFACE|-q QUEUE [-l OUTDIR] [-S RULES]... [-c CONFIG.yaml] [options]\n"
	      "       vigil COMMAND [ARGS]   (vigil COMMAND --help for details)\n"
	      "\n"
	      "Commands:\n"
	      "  scenario list|write  generate realistic attack and benign traffic as pcap\n"
	      "  import eve FILE...   load EVE JSON (vigil's or Suricata's) into the event store\n"
	      "  source import KIND   load incident and intelligence data (EuRepoC, CIPHER, KEV, ...)\n"
	      "  brief                write a threat-landscape briefing (HTML, Markdown or JSON)\n"
	      "  intel load|export    check indicator feeds (STIX, MISP, CSV); share sightings\n"
	      "\n"
	      "Sensor (Suricata-compatible offline options):\n"
	      "  -r FILE|DIR          read a pcap/pcapng file, or every file of a directory in name order\n"
	      "  -l OUTDIR            write eve.json (and other logs) here (default: current directory)\n"
	      "                       (eve-log filetype syslog, redis or kafka ships the events\n"
	      "                       instead: --set outputs.1.eve-log.filetype=redis)\n"
	      "  -S FILE              load signatures from FILE (repeatable)\n"
	      "  -c FILE              suricata.yaml-style configuration (default: built-in defaults)\n"
	      "  --set KEY=VALUE      override a configuration value (repeatable)\n"
	      "  -k none|all          checksum validation (default: none for capture files)\n"
	      "  --runmode MODE       single (default) or workers\n"
	      "  --threads N          worker threads for --runmode workers (default: CPU count)\n"
	      "  --simulate-ips       IPS verdicts on a capture file: drop events and blocked alerts\n"
	      "                       are logged, nothing is enforced (inline: -q, copy-mode ips)\n"
	      "  -v                   more messages on stderr (repeatable)\n"
	      "  --quiet              no run summary line on stderr (errors are still reported);\n"
	      "                       -q without a queue number after it means the same\n"
	      "  --no-progress        no progress line, even on a terminal\n"
	      "\n"
	      "Live capture and inline IPS (runs until SIGINT or SIGTERM, then ends every flow and\n"
	      "exits 0):\n"
	      "  -i IFACE             capture on IFACE with AF_PACKET (same as --af-packet=IFACE);\n"
	      "                       repeatable: each interface has its own workers\n"
	      "  --af-packet[=IFACE]  AF_PACKET TPACKET_V3 rings, one per worker in a fanout group;\n"
	      "                       settings from the config's af-packet: entry for IFACE (or its\n"
	      "                       interface: default entry); without IFACE every interface of\n"
	      "                       the af-packet: section.  An entry with copy-mode: ips and\n"
	      "                       copy-iface: PEER is inline (IPS between two interfaces)\n"
	      "  --pcap[=IFACE]       capture with libpcap instead (one worker per interface)\n"
	      "  -q QUEUE             inline IPS on NFQUEUE number QUEUE (repeatable, one worker\n"
	      "                       each): drop and reject rules block packets; settings from\n"
	      "                       the config's nfq: section (mode accept, fail-open, batchcount)\n"
	      "  -f FILTER            BPF filter for live capture (over the config's bpf-filter)\n"
	      "  --threads N          live: capture workers (default: the entry's threads, else CPUs)\n"
	      "  -D                   run in the background once capture has started (stderr goes\n"
	      "                       to OUTDIR/vigil.log)\n"
	      "  --pidfile FILE       write the process id to FILE (refused while FILE names a live\n"
	      "                       process); removed at exit\n"
	      "  --user USER          after start-up run as USER (libcap-ng; no capability kept,\n"
	      "                       but CAP_NET_ADMIN with -q for the NFQUEUE verdicts);\n"
	      "                       the log directory must be writable by USER\n"
	      "  --group GROUP        ... and as GROUP (default: USER's group)\n"
	      "  --unix-socket[=PATH] the command socket (suricatasc) even if the config's\n"
	      "                       unix-command says no; a relative PATH is under /run/vigil\n"
	      "                       (default name vigil-command.socket)\n"
	      "  SIGHUP reopens eve.json, fast.log and stats.log (for logrotate); SIGUSR2 reloads\n"
	      "  the rules\n"
	      "\n"
	      "Rules:\n"
	      "  -T                   load the configuration and rules, report, exit 0 (all good) or 1\n"
	      "  --strict             a rule that fails to load is fatal (default: skipped and reported)\n"
	      "  --rule-stats         after loading, list rule failures by keyword\n"
	      "  --list-keywords      the rule keywords this build supports\n"
	      "\n"
	      "Information:\n"
	      "  -h, --help           this text\n"
	      "  --version            vigil's version\n"
	      "  -V                   Suricata's form: the Suricata version vigil is compatible with,\n"
	      "                       then vigil's (what suricata-update reads)\n"
	      "  --build-info         version, libraries and link types of this build, and the\n"
	      "                       Suricata version, directories and features suricata-update reads\n"
	      "  --dump-config        the configuration in effect (defaults, -c, --set) as\n"
	      "                       \"path = value\" lines, as Suricata's --dump-config\n"
	      "\n"
	      "Exit status: 0 every event written, 1 fatal (nothing processed), 2 usage,\n"
	      "3 completed with losses (events not written, or the event store not updated).\n",
	      out);
}

/* The Suricata release whose rule language and EVE format vigil follows;
 * suricata-update reads it from --build-info to choose what rules to keep. */
#define VIGIL_SURICATA_COMPAT "8.0.0"

/* The install prefix, from where the executable is (PREFIX/bin/vigil), as
 * make install lays it out; /usr's configuration lives in /etc and /var. */
static void print_dirs(void)
{
	char exe[4096] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	for (int i = 0; i < 2; i++) {
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
	}
	const char *prefix = exe[0] ? exe : "/usr/local";
	bool usr = strcmp(prefix, "/usr") == 0;
	printf("  --prefix                                 %s\n", prefix);
	printf("  --sysconfdir                             %s/etc\n", usr ? "" : prefix);
	printf("  --localstatedir                          %s/var\n", usr ? "" : prefix);
	printf("  --datarootdir                            %s/share\n", prefix);
}

static void build_info(void)
{
	printf("vigil %s (git %s)\n", VIGIL_VERSION, VIGIL_GIT_REV);
	/* Lines in the form suricata-update parses (engine.get_build_info):
	 * the Suricata version vigil is compatible with, the directories, and
	 * features by Suricata's names — HAVE_NSS stands for "JA3 hashes are
	 * computed" (vigil uses OpenSSL), AF_PACKET for live capture. */
	printf("This is Suricata version %s compatible (vigil %s)\n", VIGIL_SURICATA_COMPAT,
	       VIGIL_VERSION);
	printf("Features: PCAP_SET_BUFF AF_PACKET HAVE_PACKET_FANOUT HAVE_NSS\n");
	print_dirs();
	printf("compiler: %s\n", __VERSION__);
	printf("libpcap: %s\n", pcap_lib_version());
	printf("hyperscan: %s\n", hs_version());
	char pcre_ver[64] = "";
	pcre2_config(PCRE2_CONFIG_VERSION, pcre_ver);
	uint32_t jit = 0;
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	printf("pcre2: %s (JIT %s)\n", pcre_ver, jit ? "yes" : "no");
	printf("zlib: %s\n", zlibVersion());
	printf("openssl: %s\n", OPENSSL_VERSION_TEXT);
	printf("sqlite: %s\n", sqlite3_libversion());
	printf("libyaml: %s\n", yaml_get_version_string());
	printf("link types: ");
	static const int lts[] = {0, 1, 9, 12, 14, 50, 101, 108, 113, 228, 229, 276};
	for (size_t i = 0; i < sizeof(lts) / sizeof(lts[0]); i++)
		if (decode_linktype_supported(lts[i]))
			printf("%s%s(%d)", i ? " " : "", decode_linktype_name(lts[i]), lts[i]);
	printf("\n");
}

enum {
	OPT_RUNMODE = 256,
	OPT_THREADS,
	OPT_SET,
	OPT_SIMULATE_IPS,
	OPT_BUILD_INFO,
	OPT_NO_PROGRESS,
	OPT_STRICT,
	OPT_RULE_STATS,
	OPT_LIST_KEYWORDS,
	OPT_AF_PACKET,
	OPT_PCAP,
	OPT_DUMP_CONFIG,
	OPT_VERSION,
	OPT_PIDFILE,
	OPT_USER,
	OPT_GROUP,
	OPT_QUIET,
	OPT_UNIX_SOCKET,
};

/* -i, --af-packet[=IFACE], --pcap[=IFACE] (repeatable), -q QUEUE: one
 * capture method per run. */
static int set_live(struct engine_options *o, enum capture_method m, const char *iface)
{
	if (o->live_method && o->live_method != m) {
		fprintf(stderr, "vigil: one capture method per run (-i/--af-packet, --pcap or -q)\n");
		return 2;
	}
	o->live_method = m;
	if (!iface)
		return -1;
	if (o->nlive_ifaces == ENGINE_MAX_SOURCES) {
		fprintf(stderr, "vigil: too many interfaces (max %d)\n", ENGINE_MAX_SOURCES);
		return 2;
	}
	o->live_ifaces[o->nlive_ifaces++] = iface;
	return -1;
}

static bool is_queue_number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	return s[0] >= '0' && s[0] <= '9' && !*end && n >= 0 && n <= 65535;
}

static int add_queue(struct engine_options *o, const char *arg)
{
	if (!is_queue_number(arg)) {
		fprintf(stderr, "vigil: -q takes an NFQUEUE number 0..65535, not '%s'\n", arg);
		return 2;
	}
	int rc = set_live(o, CAPTURE_NFQ, NULL);
	if (rc >= 0)
		return rc;
	if (o->nnfq_queues == ENGINE_MAX_SOURCES) {
		fprintf(stderr, "vigil: too many queues (max %d)\n", ENGINE_MAX_SOURCES);
		return 2;
	}
	o->nfq_queues[o->nnfq_queues++] = (uint16_t)strtol(arg, NULL, 10);
	return -1;
}

/* -q is Suricata's NFQUEUE option; vigil's older -q (no summary line) is
 * kept when no queue number follows, as --quiet. */
static void rewrite_quiet(int argc, char **argv)
{
	static char quiet[] = "--quiet";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-q") == 0 && (i + 1 == argc || !is_queue_number(argv[i + 1])))
			argv[i] = quiet;
	}
}

static int parse_sensor_args(int argc, char **argv, struct engine_options *o, bool *test_rules,
			     bool *dump_config)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{"build-info", no_argument, NULL, OPT_BUILD_INFO},
		{"runmode", required_argument, NULL, OPT_RUNMODE},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"set", required_argument, NULL, OPT_SET},
		{"simulate-ips", no_argument, NULL, OPT_SIMULATE_IPS},
		{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"rule-stats", no_argument, NULL, OPT_RULE_STATS},
		{"list-keywords", no_argument, NULL, OPT_LIST_KEYWORDS},
		{"af-packet", optional_argument, NULL, OPT_AF_PACKET},
		{"pcap", optional_argument, NULL, OPT_PCAP},
		{"dump-config", no_argument, NULL, OPT_DUMP_CONFIG},
		{"pidfile", required_argument, NULL, OPT_PIDFILE},
		{"user", required_argument, NULL, OPT_USER},
		{"group", required_argument, NULL, OPT_GROUP},
		{"quiet", no_argument, NULL, OPT_QUIET},
		{"unix-socket", optional_argument, NULL, OPT_UNIX_SOCKET},
		{NULL, 0, NULL, 0},
	};
	int c;
	opterr = 0;
	rewrite_quiet(argc, argv);
	while ((c = getopt_long(argc, argv, ":r:l:S:c:k:i:f:vq:hVTD", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->input = optarg; break;
		case 'f': o->bpf = optarg; break;
		case 'D': o->daemon = true; break;
		case OPT_PIDFILE: o->pidfile = optarg; break;
		case OPT_USER: o->user = optarg; break;
		case OPT_GROUP: o->group = optarg; break;
		case 'i':
		case OPT_AF_PACKET:
		case OPT_PCAP: {
			int rc = set_live(o, c == OPT_PCAP ? CAPTURE_PCAP : CAPTURE_AF_PACKET, optarg);
			if (rc >= 0)
				return rc;
			break;
		}
		case 'l': o->logdir = optarg; break;
		case 'c': o->config = optarg; break;
		case 'S':
			if (o->nrule_files == ENGINE_MAX_RULE_FILES) {
				fprintf(stderr, "vigil: too many -S files (max %d)\n", ENGINE_MAX_RULE_FILES);
				return 2;
			}
			o->rule_files[o->nrule_files++] = optarg;
			break;
		case 'k':
			if (strcmp(optarg, "none") == 0)
				o->checksum = CHECKSUM_NONE;
			else if (strcmp(optarg, "all") == 0)
				o->checksum = CHECKSUM_ALL;
			else {
				fprintf(stderr, "vigil: -k takes none or all, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'v': o->verbose++; break;
		case OPT_QUIET: o->quiet = true; break;
		case OPT_UNIX_SOCKET: o->unix_socket = optarg ? optarg : ""; break;
		case 'q': {
			int rc = add_queue(o, optarg);
			if (rc >= 0)
				return rc;
			break;
		}
		case OPT_RUNMODE:
			if (strcmp(optarg, "single") == 0)
				o->runmode = RUNMODE_SINGLE;
			else if (strcmp(optarg, "workers") == 0 || strcmp(optarg, "autofp") == 0)
				o->runmode = RUNMODE_WORKERS;
			else {
				fprintf(stderr, "vigil: --runmode takes single or workers, not '%s'\n", optarg);
				return 2;
			}
			break;
		case OPT_THREADS: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > ENGINE_MAX_WORKERS) {
				fprintf(stderr, "vigil: --threads takes 1..%d\n", ENGINE_MAX_WORKERS);
				return 2;
			}
			o->threads = (int)n;
			break;
		}
		case OPT_SET:
			if (o->nsets == ENGINE_MAX_SETS) {
				fprintf(stderr, "vigil: too many --set options\n");
				return 2;
			}
			o->sets[o->nsets++] = optarg;
			break;
		case OPT_SIMULATE_IPS: o->simulate_ips = true; break;
		case OPT_NO_PROGRESS: o->progress = false; break;
		case OPT_STRICT: o->strict = true; break;
		case OPT_RULE_STATS: o->rule_stats = true; break;
		case OPT_LIST_KEYWORDS: detect_list_keywords(stdout); return 0;
		case 'T': *test_rules = true; break;
		case OPT_DUMP_CONFIG: *dump_config = true; break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION: printf("vigil %s\n", VIGIL_VERSION); return 0;
		/* -V is Suricata's flag, read by tools (suricata-update takes the
		 * first version number in it to pick rule sets): the Suricata
		 * release vigil follows comes first. */
		case 'V':
			printf("This is Suricata version %s compatible (vigil %s)\n",
			       VIGIL_SURICATA_COMPAT, VIGIL_VERSION);
			return 0;
		case OPT_BUILD_INFO: build_info(); return 0;
		case ':':
			fprintf(stderr, "vigil: option %s needs a value\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		default:
			fprintf(stderr, "vigil: unknown option %s\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vigil: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	return -1; /* go on */
}

/* `vigil WORD ...` subcommands, each handled by its own stage. */
static const struct {
	const char *word;
	int (*main)(int argc, char **argv);
} commands[] = {
	{"scenario", scenario_command_main},
	{"brief", brief_command_main},
	{"import", brief_command_main},
	{"source", brief_command_main},
	{"intel", intel_command_main},
};

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] != '-')
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcmp(argv[1], commands[i].word) == 0)
				return commands[i].main(argc - 1, argv + 1);
	struct engine_options o = {.logdir = ".", .progress = true};
	bool test_rules = false, dump_config = false;
	int rc = parse_sensor_args(argc, argv, &o, &test_rules, &dump_config);
	if (rc >= 0)
		return rc;
	if (dump_config)
		return engine_dump_config(&o);
	if (test_rules)
		return engine_test_rules(&o);
	if (o.input && o.live_method) {
		fprintf(stderr, "vigil: -r and live capture (-i/--af-packet/--pcap/-q) exclude each other\n");
		return 2;
	}
	if (!o.input && !o.live_method) {
		fprintf(stderr, "vigil: nothing to read: give -r FILE|DIR, -i IFACE or -q QUEUE (see vigil --help)\n");
		return 2;
	}
	if ((o.daemon || o.pidfile || o.user || o.group || o.unix_socket) && !o.live_method) {
		fprintf(stderr, "vigil: -D, --pidfile, --user, --group and --unix-socket are for live capture (-i/--af-packet/--pcap/-q)\n");
		return 2;
	}
	if (o.live_method)
		o.progress = false;
	o.progress = o.progress && isatty(STDERR_FILENO);
	return engine_run(&o);
}
