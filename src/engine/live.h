/*
 * live — the engine's live runmode: one thread per worker, each reading its
 * own capture handle (one socket of an AF_PACKET fanout group) and running
 * the whole pipeline on what it reads, as Suricata's `workers` runmode.
 * The main thread only waits: for the stats interval, and for SIGINT or
 * SIGTERM, on which every thread stops after its current packet and the
 * engine flushes every flow.
 *
 * An inline lane (NFQUEUE, AF_PACKET copy-mode ips) gives each frame the
 * verdict its worker reached (the same drop decision --simulate-ips logs)
 * right after processing it, first sending the TCP RST / ICMP unreachable
 * a reject rule asks for.
 *
 * Time is the kernel's packet time, and when no packet arrives each worker
 * advances its own clock from the wall clock once a second (a tick frame),
 * so flows time out and logs are flushed on an idle link too.
 */
#ifndef VIGIL_ENGINE_LIVE_H
#define VIGIL_ENGINE_LIVE_H

#include "capture/capture.h"
#include "engine/engine.h"
#include "engine/worker.h"
#include "util/config.h"

struct live;

/* The capture plan of a run: one capture config per worker lane, lanes
 * of one interface next to each other (one fanout group). */
struct live_plan {
	struct capture_live_config lanes[ENGINE_MAX_WORKERS];
	unsigned n;
	bool inline_mode; /* some lane is inline (NFQUEUE, copy-mode ips) */
};

/* The plan for this run (live-config.c): the command line (-i/--af-packet/
 * --pcap interfaces, -q queues, -f, --threads) over the config's
 * `af-packet:`/`pcap:` entry for each interface (or its `interface:
 * default` entry) and `nfq:`.  Without -i, --af-packet captures on every
 * interface of the section, --pcap on the first.  Threads per interface:
 * --threads, else the entry's `threads` ("auto": CPUs); always 1 for
 * --pcap and per NFQUEUE queue.  False with a reason naming the key. */
bool live_config_load(const struct engine_options *o, const struct config_node *config,
		      struct live_plan *plan, char *err, size_t errlen);
/* "eth0, eth1" (each interface or queue once). */
void live_plan_describe(const struct live_plan *plan, char *out, size_t len);

/* Opens one capture handle per lane (and, when inline, the sockets reject
 * answers leave by). */
struct live *live_open(const struct live_plan *plan, char *err, size_t errlen);

/* Runs workers[i] on handle i until SIGINT/SIGTERM (or a handle fails);
 * calls tick(arg) from this thread about every 200 ms meanwhile, and
 * hup(arg) after a SIGHUP, usr2(arg) after a SIGUSR2.  Returns false when a capture handle failed. */
bool live_run(struct live *l, struct worker **workers, void (*tick)(void *arg),
	      void (*hup)(void *arg), void (*usr2)(void *arg), void *arg);

/* Asks live_run() to stop, as SIGTERM would (the unix socket's shutdown). */
void live_request_stop(void);

/* Rule reload: every running worker switches to `de` between two frames;
 * returns when all have (the old engine is then unused) — or, for a
 * worker that could not (out of memory), false. */
bool live_swap_detect(struct live *l, struct detect_engine *de);

/* After live_run(): closes the inline handles (their counters are kept),
 * so the kernel stops holding packets for verdicts while the flows are
 * ended (NFQUEUE: a --queue-bypass rule lets traffic through again). */
void live_release_queues(struct live *l);

/* Counters of all handles (zeroes `out` first). */
void live_stats(struct live *l, struct capture_stats *out);
/* The interfaces (or NFQ#N queues) captured, each once; returns how many. */
unsigned live_ifaces(const struct live *l, const char **out, unsigned max);
/* Counters of one interface's handles; false when it is not captured. */
bool live_iface_stats(struct live *l, const char *iface, struct capture_stats *out);
void live_close(struct live *l);

#endif
