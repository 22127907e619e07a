/*
 * live — the engine's live runmode: one thread per worker, each reading its
 * own capture handle (one socket of an AF_PACKET fanout group) and running
 * the whole pipeline on what it reads, as Suricata's `workers` runmode.
 * The main thread only waits: for the stats interval, and for SIGINT or
 * SIGTERM, on which every thread stops after its current packet and the
 * engine flushes every flow.
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

/* The capture settings for this run: the command line (-i/--af-packet/
 * --pcap, -f) over the config's `af-packet:` or `pcap:` entry for the
 * interface (or its `interface: default` entry).  *threads gets the
 * number of workers: --threads, else the entry's `threads` ("auto": CPUs);
 * always 1 for --pcap.  False with a reason naming the key on a bad value. */
bool live_config_load(const struct engine_options *o, const struct config_node *config,
		      struct capture_live_config *out, unsigned *threads, char *err,
		      size_t errlen);

/* Opens n capture handles (n sockets of one fanout group). */
struct live *live_open(const struct capture_live_config *cfg, unsigned n, char *err,
		       size_t errlen);

/* Runs workers[i] on handle i until SIGINT/SIGTERM (or a handle fails);
 * calls tick(arg) from this thread about every 200 ms meanwhile, and
 * hup(arg) after a SIGHUP, usr2(arg) after a SIGUSR2.  Returns false when a capture handle failed. */
bool live_run(struct live *l, struct worker **workers, void (*tick)(void *arg),
	      void (*hup)(void *arg), void (*usr2)(void *arg), void *arg);

/* Rule reload: every running worker switches to `de` between two frames;
 * returns when all have (the old engine is then unused) — or, for a
 * worker that could not (out of memory), false. */
bool live_swap_detect(struct live *l, struct detect_engine *de);

/* Counters of all handles (zeroes `out` first). */
void live_stats(struct live *l, struct capture_stats *out);
void live_close(struct live *l);

#endif
