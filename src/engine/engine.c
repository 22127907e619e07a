/*
 * engine — start-up, the run loops of both runmodes, and shut-down; see
 * engine.h.  Start-up failures (bad config, unreadable input, unwritable
 * log directory) are fatal with a one-line reason; anything that goes
 * wrong inside the input is reported and counted, and the run goes on.
 */
#include "engine/engine.h"
#include "engine/dispatch.h"
#include "engine/stats.h"
#include "engine/worker.h"
#include "util/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct engine {
	const struct engine_options *opt;
	struct config_node *config;
	struct capture *capture;
	struct eve_config eve_cfg;
	struct eve_file *eve_file;
	struct eve_logger *main_eve; /* stats events from the main thread */
	struct flow_config flow_cfg;
	struct defrag_config defrag_cfg;
	struct worker *workers[ENGINE_MAX_WORKERS];
	unsigned nworkers;
	struct timespec started, last_stats, last_progress;
	bool progress_shown;
};

static double elapsed_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static const char *file_name_of(void *arg, uint32_t i)
{
	return capture_file_name(arg, i);
}

static bool load_config(struct engine *e, char *err, size_t errlen)
{
	e->config = config_new();
	if (!e->config) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (e->opt->config && !config_load_file(e->config, e->opt->config, err, errlen))
		return false;
	for (int i = 0; i < e->opt->nsets; i++)
		if (!config_set_assignment(e->config, e->opt->sets[i], err, errlen))
			return false;
	eve_config_defaults(&e->eve_cfg);
	eve_config_load(&e->eve_cfg, e->config);
	flow_config_defaults(&e->flow_cfg);
	e->flow_cfg.memcap = config_get_size(e->config, "flow.memcap", e->flow_cfg.memcap);
	e->flow_cfg.hash_size = (uint32_t)config_get_int(e->config, "flow.hash-size", e->flow_cfg.hash_size);
	defrag_config_defaults(&e->defrag_cfg);
	defrag_config_load(&e->defrag_cfg, e->config);
	return true;
}

static bool open_output(struct engine *e, char *err, size_t errlen)
{
	struct stat st;
	if (stat(e->opt->logdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "log directory %s: %s", e->opt->logdir,
			 errno ? strerror(errno) : "not a directory");
		return false;
	}
	if (access(e->opt->logdir, W_OK) != 0) {
		snprintf(err, errlen, "log directory %s is not writable: %s", e->opt->logdir,
			 strerror(errno));
		return false;
	}
	if (!e->eve_cfg.enabled)
		return true;
	char path[4096];
	if (e->eve_cfg.filename[0] == '/')
		snprintf(path, sizeof(path), "%s", e->eve_cfg.filename);
	else
		snprintf(path, sizeof(path), "%s/%s", e->opt->logdir, e->eve_cfg.filename);
	e->eve_file = eve_file_open(path, err, errlen);
	return e->eve_file != NULL;
}

static bool start_workers(struct engine *e, char *err, size_t errlen)
{
	unsigned n = 1;
	if (e->opt->runmode == RUNMODE_WORKERS) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		n = e->opt->threads > 0 ? (unsigned)e->opt->threads : cpus > 0 ? (unsigned)cpus : 1;
		if (n > ENGINE_MAX_WORKERS)
			n = ENGINE_MAX_WORKERS;
	}
	for (unsigned i = 0; i < n; i++) {
		struct worker_setup s = {
			.id = i,
			.checksum = e->opt->checksum,
			.flow_cfg = &e->flow_cfg,
			.defrag_cfg = &e->defrag_cfg,
			.eve_file = e->eve_file,
			.eve_cfg = &e->eve_cfg,
			.file_name_fn = file_name_of,
			.file_name_arg = e->capture,
		};
		e->workers[i] = worker_new(&s);
		if (!e->workers[i]) {
			snprintf(err, errlen, "cannot create worker %u: out of memory", i);
			return false;
		}
		e->nworkers++;
	}
	e->main_eve = eve_logger_new(e->eve_file, &e->eve_cfg, file_name_of, e->capture);
	if (!e->main_eve) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

static void totals(struct engine *e, struct worker_counters *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < e->nworkers; i++) {
		struct worker_counters c;
		worker_read_published(e->workers[i], &c);
		stats_add(t, &c);
	}
}

static void log_stats(struct engine *e)
{
	struct worker_counters t;
	totals(e, &t);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	stats_log_eve(e->main_eve, &t, capture_get_stats(e->capture),
		      (uint64_t)elapsed_since(&e->started), now.tv_sec,
		      (uint32_t)(now.tv_nsec / 1000));
	eve_logger_flush(e->main_eve);
}

/* Called by the reading thread every few thousand frames. */
static void periodic(struct engine *e)
{
	if (e->eve_cfg.stats_interval &&
	    elapsed_since(&e->last_stats) >= (double)e->eve_cfg.stats_interval) {
		clock_gettime(CLOCK_MONOTONIC, &e->last_stats);
		for (unsigned i = 0; e->opt->runmode == RUNMODE_SINGLE && i < e->nworkers; i++)
			worker_publish(e->workers[i]);
		log_stats(e);
	}
	if (e->opt->progress && elapsed_since(&e->last_progress) >= 1.0 &&
	    elapsed_since(&e->started) >= 1.0) {
		clock_gettime(CLOCK_MONOTONIC, &e->last_progress);
		const struct capture_stats *cs = capture_get_stats(e->capture);
		double secs = elapsed_since(&e->started);
		double pct = cs->input_bytes_total
				     ? 100.0 * (double)cs->input_bytes_done / (double)cs->input_bytes_total
				     : 0;
		fprintf(stderr, "\rvigil: %llu packets, %.1f MB, %.0f%%, %.0f kpps, %.0f Mbit/s   ",
			(unsigned long long)cs->packets, (double)cs->bytes / 1e6, pct,
			(double)cs->packets / secs / 1e3, (double)cs->bytes * 8 / secs / 1e6);
		e->progress_shown = true;
	}
}

static void run_single(struct engine *e)
{
	struct capture_frame fr;
	uint32_t tick = 0;
	while (capture_next(e->capture, &fr) == 1) {
		worker_process_frame(e->workers[0], &fr);
		if (++tick == 4096) {
			tick = 0;
			periodic(e);
		}
	}
}

static void run_workers(struct engine *e)
{
	struct dispatch *d = dispatch_start(e->workers, e->nworkers);
	if (!d) {
		fprintf(stderr, "vigil: cannot start worker threads; running single-threaded\n");
		run_single(e);
		return;
	}
	struct capture_frame fr;
	uint32_t tick = 0;
	while (capture_next(e->capture, &fr) == 1) {
		dispatch_frame(d, &fr);
		if (++tick == 4096) {
			tick = 0;
			periodic(e);
		}
	}
	dispatch_finish(d);
}

static void summary(struct engine *e)
{
	struct worker_counters t;
	totals(e, &t);
	const struct capture_stats *cs = capture_get_stats(e->capture);
	double secs = elapsed_since(&e->started);
	if (e->progress_shown)
		fputc('\n', stderr);
	if (e->opt->verbose || cs->files_failed || cs->truncated_records || t.decode.invalid)
		fprintf(stderr,
			"vigil: %u of %u files read (%u failed, %llu truncated), %llu packets "
			"(%llu invalid), %llu flows, %llu events in %.2f s\n",
			cs->files_read, cs->files_total, cs->files_failed,
			(unsigned long long)cs->truncated_records, (unsigned long long)cs->packets,
			(unsigned long long)t.decode.invalid, (unsigned long long)t.flow.total,
			(unsigned long long)(e->eve_file ? eve_file_events(e->eve_file) : 0), secs);
}

static void engine_cleanup(struct engine *e)
{
	for (unsigned i = 0; i < e->nworkers; i++)
		worker_free(e->workers[i]);
	eve_logger_free(e->main_eve);
	eve_file_close(e->eve_file);
	capture_close(e->capture);
	config_free(e->config);
}

int engine_run(const struct engine_options *o)
{
	struct engine e = {.opt = o};
	char err[512] = "";
	clock_gettime(CLOCK_MONOTONIC, &e.started);
	e.last_stats = e.last_progress = e.started;

	bool ok = load_config(&e, err, sizeof(err)) && open_output(&e, err, sizeof(err));
	if (ok) {
		e.capture = capture_open(o->input, decode_linktype_supported, err, sizeof(err));
		ok = e.capture != NULL;
	}
	ok = ok && start_workers(&e, err, sizeof(err));
	if (!ok) {
		fprintf(stderr, "vigil: %s\n", err);
		engine_cleanup(&e);
		return 1;
	}
	if (o->runmode == RUNMODE_WORKERS && e.nworkers > 1)
		run_workers(&e);
	else
		run_single(&e);
	for (unsigned i = 0; i < e.nworkers; i++)
		worker_finish(e.workers[i]);
	log_stats(&e);
	summary(&e);
	const struct capture_stats *cs = capture_get_stats(e.capture);
	int rc = cs->files_read == 0 ? 1 : 0;
	if (rc)
		fprintf(stderr, "vigil: no capture file could be read\n");
	engine_cleanup(&e);
	return rc;
}
