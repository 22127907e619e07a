/*
 * live — see live.h.  The stop flag is the one process-wide variable here:
 * a signal handler can only reach global state.  Worker threads block
 * SIGINT/SIGTERM so the main thread takes them and its sleep is cut short.
 */
#include "engine/live.h"
#include "engine/reject.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t live_stop_signal, live_hup_signal, live_usr2_signal;

struct lane {
	struct capture_live *cap;
	const char *iface;   /* points into struct live */
	bool inline_mode;
	struct reject_sender *reject; /* inline lanes */
	struct worker *worker;
	pthread_t thread;
	bool started;
	int failed; /* set by the lane, read after join */
	int *stop;  /* shared stop flag (atomic access) */
	/* Rule reload: the main thread sets swap_to; the lane switches between
	 * frames and sets swapped (to swap_to, or to NULL if it could not). */
	struct detect_engine *swap_to, *swapped;
	int swap_failed;
	int running;
};

struct live {
	struct lane lanes[ENGINE_MAX_WORKERS];
	unsigned n;
	int stop;
	char ifaces[ENGINE_MAX_WORKERS][64];
	struct capture_stats released; /* counters of handles closed early */
};

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		live_hup_signal = 1;
	else if (sig == SIGUSR2)
		live_usr2_signal = 1;
	else
		live_stop_signal = 1;
}

struct live *live_open(const struct live_plan *plan, char *err, size_t errlen)
{
	struct live *l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (unsigned i = 0; i < plan->n && i < ENGINE_MAX_WORKERS; i++) {
		struct lane *ln = &l->lanes[i];
		const struct capture_live_config *cfg = &plan->lanes[i];
		snprintf(l->ifaces[i], sizeof(l->ifaces[i]), "%s", cfg->iface);
		ln->iface = l->ifaces[i];
		ln->inline_mode = cfg->inline_mode;
		ln->cap = capture_live_open(cfg, err, errlen);
		if (ln->cap && cfg->inline_mode && !(ln->reject = reject_sender_open(err, errlen))) {
			capture_live_close(ln->cap);
			ln->cap = NULL;
		}
		if (!ln->cap) {
			live_close(l);
			return NULL;
		}
		l->n++;
	}
	return l;
}

void live_request_stop(void)
{
	live_stop_signal = 1;
}

static bool stopping(const struct lane *ln)
{
	return __atomic_load_n(ln->stop, __ATOMIC_RELAXED) != 0;
}

/* A clock tick at the wall-clock time: timeouts run on an idle link. */
static void wall_tick(struct lane *ln)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct capture_frame tick;
	memset(&tick, 0, sizeof(tick));
	tick.ts_sec = now.tv_sec;
	tick.ts_usec = (uint32_t)(now.tv_nsec / 1000);
	worker_process_frame(ln->worker, &tick);
	worker_publish(ln->worker);
	eve_logger_flush(ln->worker->eve);
}

/* Between frames: a new detection engine to switch to? */
static void lane_check_swap(struct lane *ln)
{
	struct detect_engine *to = __atomic_load_n(&ln->swap_to, __ATOMIC_ACQUIRE);
	if (!to || to == __atomic_load_n(&ln->swapped, __ATOMIC_RELAXED))
		return;
	if (!worker_swap_detect(ln->worker, to))
		__atomic_store_n(&ln->swap_failed, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&ln->swapped, to, __ATOMIC_RELEASE);
}

/* Inline: answer a reject, then let the frame go on or not. */
static void lane_verdict(struct lane *ln)
{
	struct worker *w = ln->worker;
	if (w->frame_dropped && w->reject.set)
		reject_send(ln->reject, &w->reject);
	capture_live_verdict(ln->cap, w->frame_dropped ? CAPTURE_DROP : CAPTURE_ACCEPT);
}

static void *lane_main(void *arg)
{
	struct lane *ln = arg;
	struct capture_frame fr;
	time_t last = 0;
	unsigned since_check = 0;
	while (!stopping(ln)) {
		lane_check_swap(ln);
		int rc = capture_live_next(ln->cap, &fr, 100);
		if (rc < 0) {
			ln->failed = 1;
			__atomic_store_n(ln->stop, 1, __ATOMIC_RELAXED);
			break;
		}
		if (rc == 1) {
			worker_process_frame(ln->worker, &fr);
			if (ln->inline_mode)
				lane_verdict(ln);
		}
		if (rc == 0 || ++since_check == 256) {
			since_check = 0;
			time_t now = time(NULL);
			if (now != last) {
				last = now;
				wall_tick(ln);
			}
		}
	}
	__atomic_store_n(&ln->running, 0, __ATOMIC_RELEASE);
	return NULL;
}

bool live_swap_detect(struct live *l, struct detect_engine *de)
{
	for (unsigned i = 0; i < l->n; i++) {
		__atomic_store_n(&l->lanes[i].swap_failed, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&l->lanes[i].swap_to, de, __ATOMIC_RELEASE);
	}
	bool ok = true;
	for (unsigned i = 0; i < l->n; i++) {
		struct lane *ln = &l->lanes[i];
		/* A lane looks at least every 100 ms (its poll timeout); one that
		 * has ended inspects nothing any more. */
		while (__atomic_load_n(&ln->running, __ATOMIC_ACQUIRE) &&
		       __atomic_load_n(&ln->swapped, __ATOMIC_ACQUIRE) != de) {
			struct timespec nap = {0, 5 * 1000 * 1000};
			nanosleep(&nap, NULL);
		}
		if (__atomic_load_n(&ln->swap_failed, __ATOMIC_RELAXED))
			ok = false;
	}
	return ok;
}

static void start_lanes(struct live *l, struct worker **workers)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &block, &old); /* threads inherit the mask */
	for (unsigned i = 0; i < l->n; i++) {
		struct lane *ln = &l->lanes[i];
		ln->worker = workers[i];
		ln->stop = &l->stop;
		ln->running = 1;
		ln->started = pthread_create(&ln->thread, NULL, lane_main, ln) == 0;
		if (!ln->started) {
			fprintf(stderr, "vigil: cannot start capture thread %u: %s\n", i,
				strerror(errno));
			ln->failed = 1;
			ln->running = 0;
			__atomic_store_n(&l->stop, 1, __ATOMIC_RELAXED);
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

bool live_run(struct live *l, struct worker **workers, void (*tick)(void *arg),
	      void (*hup)(void *arg), void (*usr2)(void *arg), void *arg)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	live_stop_signal = live_hup_signal = live_usr2_signal = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	start_lanes(l, workers);
	while (!live_stop_signal && !__atomic_load_n(&l->stop, __ATOMIC_RELAXED)) {
		struct timespec nap = {0, 200 * 1000 * 1000};
		nanosleep(&nap, NULL); /* a signal cuts it short */
		if (live_hup_signal) {
			live_hup_signal = 0;
			hup(arg);
		}
		if (live_usr2_signal) {
			live_usr2_signal = 0;
			usr2(arg);
		}
		tick(arg);
	}
	__atomic_store_n(&l->stop, 1, __ATOMIC_RELAXED);
	bool ok = true;
	for (unsigned i = 0; i < l->n; i++) {
		if (l->lanes[i].started)
			pthread_join(l->lanes[i].thread, NULL);
		l->lanes[i].started = false;
		if (l->lanes[i].failed)
			ok = false;
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	return ok;
}

void live_stats(struct live *l, struct capture_stats *out)
{
	*out = l->released;
	out->live = true;
	for (unsigned i = 0; i < l->n; i++)
		if (l->lanes[i].cap)
			capture_live_stats(l->lanes[i].cap, out);
}

void live_release_queues(struct live *l)
{
	for (unsigned i = 0; i < l->n; i++) {
		struct lane *ln = &l->lanes[i];
		if (!ln->cap || ln->started || !ln->inline_mode)
			continue;
		capture_live_stats(ln->cap, &l->released);
		capture_live_close(ln->cap);
		ln->cap = NULL;
	}
}

unsigned live_ifaces(const struct live *l, const char **out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < l->n && n < max; i++)
		if (i == 0 || strcmp(l->ifaces[i - 1], l->ifaces[i]) != 0)
			out[n++] = l->ifaces[i];
	return n;
}

bool live_iface_stats(struct live *l, const char *iface, struct capture_stats *out)
{
	bool found = false;
	memset(out, 0, sizeof(*out));
	out->live = true;
	for (unsigned i = 0; i < l->n; i++)
		if (strcmp(l->ifaces[i], iface) == 0 && l->lanes[i].cap) {
			capture_live_stats(l->lanes[i].cap, out);
			found = true;
		}
	return found;
}

void live_close(struct live *l)
{
	if (!l)
		return;
	for (unsigned i = 0; i < l->n; i++) {
		capture_live_close(l->lanes[i].cap);
		reject_sender_close(l->lanes[i].reject);
	}
	free(l);
}
