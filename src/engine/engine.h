/*
 * engine — runs the pipeline over an input: capture → decode → flow →
 * (stream → app → detect) → output, in one thread or in N workers.
 *
 * The engine owns the threads and the per-worker contexts; the stages it
 * calls own their data.  In `workers` mode one reader thread reads the
 * capture and routes each frame to a worker by a symmetric hash of the
 * outermost IP pair (and VLAN ids), so every fragment, tunnel and
 * direction of a conversation is seen by one worker, and flows never cross
 * workers.  Results are the same as `single` apart from event order.
 */
#ifndef VIGIL_ENGINE_H
#define VIGIL_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"

#define ENGINE_MAX_RULE_FILES 64
#define ENGINE_MAX_SETS 128
#define ENGINE_MAX_WORKERS 64
#define ENGINE_MAX_SOURCES 16 /* live interfaces or NFQUEUE queues */

enum engine_runmode { RUNMODE_SINGLE = 0, RUNMODE_WORKERS };
enum checksum_mode { CHECKSUM_NONE = 0, CHECKSUM_ALL };

struct engine_options {
	const char *input;  /* -r: file or directory */
	/* Live capture (-i, --af-packet, --pcap, -q): 0 when reading files. */
	enum capture_method live_method;
	/* -i/--af-packet/--pcap interfaces; none: the config's (af-packet:
	 * every entry; pcap: the first) */
	const char *live_ifaces[ENGINE_MAX_SOURCES];
	unsigned nlive_ifaces;
	uint16_t nfq_queues[ENGINE_MAX_SOURCES]; /* -q QUEUE (NFQUEUE inline) */
	unsigned nnfq_queues;
	const char *bpf;        /* -f: BPF filter, over the config's bpf-filter */
	bool daemon;            /* -D: live capture in the background */
	/* --unix-socket[=PATH]: the command socket ("" = the config's or the
	 * default name); NULL = as the config's unix-command says */
	const char *unix_socket;
	const char *pidfile;    /* --pidfile */
	const char *user, *group; /* --user/--group: dropped to after start-up */
	const char *logdir; /* -l */
	const char *config; /* -c, may be NULL (built-in defaults) */
	const char *rule_files[ENGINE_MAX_RULE_FILES];
	int nrule_files;
	const char *sets[ENGINE_MAX_SETS]; /* --set key=value */
	int nsets;
	enum checksum_mode checksum;
	enum engine_runmode runmode;
	int threads; /* workers mode: 0 = number of CPUs */
	int verbose;
	bool simulate_ips;
	bool progress;   /* progress line on stderr when it is a terminal */
	bool strict;     /* --strict: any rule that fails to load is fatal */
	bool rule_stats; /* --rule-stats: failures by keyword after loading */
	bool quiet;	 /* -q: no run summary on stderr */
};

/* Exit statuses of a run (README "Exit status"). */
#define ENGINE_EXIT_FATAL 1  /* nothing processed: bad config, no readable capture */
#define ENGINE_EXIT_LOSSES 3 /* completed, but events were lost or the store failed */

/* Runs the whole job; returns the process exit status: 0 when every event
 * was written, ENGINE_EXIT_FATAL or ENGINE_EXIT_LOSSES. */
int engine_run(const struct engine_options *o);

/* The built-in configuration (YAML, Suricata's layout). */
const char *engine_default_config(void);

/* -T: loads the configuration and rules, reports, returns 0 or 1. */
int engine_test_rules(const struct engine_options *o);

/* --dump-config: the configuration in effect (built-in defaults, -c,
 * --set) as "path = value" lines on stdout; 0, or 1 on a bad config. */
int engine_dump_config(const struct engine_options *o);

#endif
