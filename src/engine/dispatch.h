/*
 * dispatch — the `workers` runmode's hand-off from the reading thread to
 * the worker threads.  Frames are copied into per-worker batches (a lock
 * per batch, not per packet) and routed by a symmetric hash of the
 * outermost IP address pair and VLAN ids.  Queues are bounded: a slow
 * worker slows the reader rather than growing memory.
 */
#ifndef VIGIL_ENGINE_DISPATCH_H
#define VIGIL_ENGINE_DISPATCH_H

#include "capture/capture.h"
#include "engine/worker.h"

struct dispatch;

struct dispatch *dispatch_start(struct worker **workers, unsigned n);
void dispatch_frame(struct dispatch *d, const struct capture_frame *fr);
/* Sends what is queued, waits for every worker to finish it, joins them;
 * each worker thread's CPU seconds go to cpu_s[i] (cpu_s may be NULL). */
void dispatch_finish(struct dispatch *d, double *cpu_s);

/* The worker index of a frame (exposed for tests). */
unsigned dispatch_route(const struct capture_frame *fr, unsigned nworkers);

#endif
