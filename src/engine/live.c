/*
 * live — see live.h.  The stop flag is the one process-wide variable here:
 * a signal handler can only reach global state.  Worker threads block
 * SIGINT/SIGTERM so the main thread takes them and its sleep is cut short.
 */
#include "engine/live.h"

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
	char iface[64];
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

/* The config entry for `iface` in a sequence like `af-packet:`, else its
 * `interface: default` entry, else NULL. */
static const struct config_node *iface_entry(const struct config_node *config, const char *section,
					     const char *iface)
{
	const struct config_node *seq = config_get(config, section);
	const struct config_node *def = NULL;
	for (size_t i = 0; seq && seq->kind == CONFIG_SEQ && i < seq->nchild; i++) {
		const char *name = config_get_str(seq->child[i], "interface", NULL);
		if (!name)
			continue;
		if (iface && strcmp(name, iface) == 0)
			return seq->child[i];
		if (strcmp(name, "default") == 0)
			def = seq->child[i];
		else if (!iface && !def)
			return seq->child[i]; /* --af-packet alone: the first interface */
	}
	return def;
}

static bool get_uint(const struct config_node *entry, const char *section, const char *key,
		     uint64_t max, uint32_t *out, char *err, size_t errlen)
{
	const char *v = entry ? config_get_str(entry, key, NULL) : NULL;
	if (!v)
		return true;
	uint64_t n;
	if (!config_parse_size(v, &n) || n > max) {
		snprintf(err, errlen, "%s.%s: bad value '%s' (a number up to %llu)", section, key, v,
			 (unsigned long long)max);
		return false;
	}
	*out = (uint32_t)n;
	return true;
}

static bool get_threads(const struct engine_options *o, const struct config_node *entry,
			const char *section, unsigned *threads, char *err, size_t errlen)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*threads = cpus > 0 ? (unsigned)cpus : 1;
	const char *v = entry ? config_get_str(entry, "threads", NULL) : NULL;
	if (o->threads > 0)
		*threads = (unsigned)o->threads;
	else if (v && strcmp(v, "auto") != 0) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > ENGINE_MAX_WORKERS) {
			snprintf(err, errlen, "%s.threads: bad value '%s' (auto or 1..%d)", section, v,
				 ENGINE_MAX_WORKERS);
			return false;
		}
		*threads = (unsigned)n;
	}
	if (*threads > ENGINE_MAX_WORKERS)
		*threads = ENGINE_MAX_WORKERS;
	return true;
}

bool live_config_load(const struct engine_options *o, const struct config_node *config,
		      struct capture_live_config *out, unsigned *threads, char *err,
		      size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->method = o->live_method;
	const char *section = o->live_method == CAPTURE_PCAP ? "pcap" : "af-packet";
	const struct config_node *entry = iface_entry(config, section, o->live_iface);
	const char *iface = o->live_iface;
	if (!iface && entry) {
		iface = config_get_str(entry, "interface", NULL);
		if (iface && strcmp(iface, "default") == 0)
			iface = NULL;
	}
	if (!iface) {
		snprintf(err, errlen, "no interface to capture on: give -i IFACE or an interface in the config's %s: section",
			 section);
		return false;
	}
	snprintf(out->iface, sizeof(out->iface), "%s", iface);
	const char *bpf = o->bpf ? o->bpf : entry ? config_get_str(entry, "bpf-filter", NULL) : NULL;
	if (bpf)
		snprintf(out->bpf, sizeof(out->bpf), "%s", bpf);
	out->cluster_id = 99;
	out->cluster_type = -1;
	out->defrag = true;
	out->use_mmap = true;
	out->ring_size = 2048;
	out->block_size = 1u << 17;
	out->block_timeout_ms = 10;
	out->snaplen = 65535;
	uint32_t cid = out->cluster_id;
	if (!get_threads(o, entry, section, threads, err, errlen))
		return false;
	if (o->live_method == CAPTURE_PCAP) {
		out->promisc = entry ? config_get_bool(entry, "promisc", true) : true;
		if (o->threads > 1)
			fprintf(stderr, "vigil: --pcap captures with one worker (libpcap has no fanout); %u threads asked\n",
				o->threads);
		*threads = 1;
		return get_uint(entry, section, "snaplen", 262144, &out->snaplen, err, errlen) &&
		       get_uint(entry, section, "buffer-size", UINT32_MAX, &out->buffer_size, err,
				errlen);
	}
	out->promisc = entry ? !config_get_bool(entry, "disable-promisc", false) : true;
	out->defrag = entry ? config_get_bool(entry, "defrag", true) : true;
	out->use_mmap = entry ? config_get_bool(entry, "use-mmap", true) : true;
	if (!out->use_mmap)
		fprintf(stderr, "vigil: af-packet.use-mmap: no is not supported; the mmap'ed TPACKET_V3 ring is used\n");
	if (!get_uint(entry, section, "cluster-id", 65535, &cid, err, errlen) ||
	    !get_uint(entry, section, "ring-size", 1u << 24, &out->ring_size, err, errlen) ||
	    !get_uint(entry, section, "block-size", 1u << 30, &out->block_size, err, errlen) ||
	    !get_uint(entry, section, "block-timeout", 60000, &out->block_timeout_ms, err, errlen))
		return false;
	out->cluster_id = (uint16_t)cid;
	const char *ct = entry ? config_get_str(entry, "cluster-type", NULL) : NULL;
	if (ct && (out->cluster_type = capture_cluster_type(ct)) < 0) {
		snprintf(err, errlen, "%s.cluster-type: bad value '%s' (cluster_flow, cluster_cpu, cluster_qm, cluster_rollover, cluster_random or cluster_lb)",
			 section, ct);
		return false;
	}
	return true;
}

struct live *live_open(const struct capture_live_config *cfg, unsigned n, char *err,
		       size_t errlen)
{
	struct live *l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(l->iface, sizeof(l->iface), "%s", cfg->iface);
	for (unsigned i = 0; i < n && i < ENGINE_MAX_WORKERS; i++) {
		l->lanes[i].cap = capture_live_open(cfg, err, errlen);
		if (!l->lanes[i].cap) {
			live_close(l);
			return NULL;
		}
		l->n++;
	}
	return l;
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
		if (rc == 1)
			worker_process_frame(ln->worker, &fr);
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
	memset(out, 0, sizeof(*out));
	out->live = true;
	for (unsigned i = 0; i < l->n; i++)
		capture_live_stats(l->lanes[i].cap, out);
}

void live_close(struct live *l)
{
	if (!l)
		return;
	for (unsigned i = 0; i < l->n; i++)
		capture_live_close(l->lanes[i].cap);
	free(l);
}
