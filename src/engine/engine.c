/*
 * engine — start-up, the run loops of both runmodes, and shut-down; see
 * engine.h.  Start-up failures (bad config, unreadable input, unwritable
 * log directory) are fatal with a one-line reason; anything that goes
 * wrong inside the input is reported and counted, and the run goes on.
 */
#include "util/exception-policy.h"
#include "engine/engine.h"
#include "app/file.h"
#include "app/frame.h"
#include "app/ssh.h"
#include "engine/daemon.h"
#include "engine/dispatch.h"
#include "engine/live.h"
#include "engine/privs.h"
#include "engine/settings.h"
#include "engine/stats.h"
#include "engine/stats-log.h"
#include "engine/unix-socket.h"
#include "output/fast-log.h"
#include "engine/worker.h"
#include "intel/ioc.h"
#include "store/store.h"
#include "util/config.h"
#include "util/datadir.h"
#include "util/json.h"

#include <errno.h>
#include <signal.h>
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
	struct live *live; /* instead of `capture` when capturing live */
	struct capture_stats live_stats;
	struct live_plan live_plan;
	char live_desc[512]; /* "eth0, eth1" */
	struct eve_config eve_cfg;
	struct eve_file *eve_file;
	char eve_path[4096];
	struct eve_logger *main_eve; /* stats events from the main thread */
	struct fast_log *fast;       /* outputs: - fast: (NULL when off) */
	struct stats_log *stats_log; /* outputs: - stats: (NULL when off) */
	struct unix_socket *unix_socket; /* unix-command (live runs) */
	struct flow_config flow_cfg;
	struct defrag_config defrag_cfg;
	struct stream_config stream_cfg;
	struct app_config app_cfg;
	struct ransomware_config ransomware_cfg;
	struct detect_engine *detect;
	struct detect_load_stats rules;
	/* Engines replaced by a reload that some worker may still use (it
	 * could not switch): freed with the workers at the end. */
	struct detect_engine *retired[16];
	unsigned nretired;
	/* Storage behind the detect_config the rules were loaded with. */
	const char *rule_paths[ENGINE_MAX_RULE_FILES];
	char rule_path_buf[ENGINE_MAX_RULE_FILES][1024];
	struct detect_var addr_vars[128], port_vars[128];
	const char *action_order[8]; /* points into config */
	char classification[1024], reference[1024];
	char datadir_tried[1024]; /* where the shipped tables were looked for */
	struct worker *workers[ENGINE_MAX_WORKERS];
	unsigned nworkers;
	struct timespec started, last_stats, last_progress;
	struct timespec processing; /* rules loaded, first packet next */
	unsigned pressure_max;
	int64_t last_ts_sec; /* newest packet time read: stats events carry it */
	uint32_t last_ts_usec;
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
	return arg ? capture_file_name(arg, i) : "";
}

static const struct capture_stats *capture_stats_of(struct engine *e)
{
	if (!e->live)
		return capture_get_stats(e->capture);
	live_stats(e->live, &e->live_stats);
	return &e->live_stats;
}

/* Exception policies (util/exception-policy.h), resolved once: the stream
 * stage applies the midstream one, EVE names them in flow events. */
static bool load_exception_policies(struct engine *e, char *err, size_t errlen)
{
	enum exception_policy pol;
	bool ips = e->opt->simulate_ips;
	if (!exception_policy_resolve_midstream(e->config, e->stream_cfg.midstream, ips, &pol, err,
						errlen))
		return false;
	e->stream_cfg.midstream_policy = (uint8_t)pol;
	e->stream_cfg.ips = ips;
	/* stream.inline absent or "auto": inline in IPS mode, as Suricata's
	 * StreamTcpInitConfig (data is inspected before it is ACKed). */
	const char *inl = config_get_str(e->config, "stream.inline", NULL);
	if (ips && (inl == NULL || strcmp(inl, "auto") == 0))
		e->stream_cfg.inline_mode = true;
	e->eve_cfg.exception_policy[exception_target_index(EXC_TARGET_MIDSTREAM)] = (uint8_t)pol;
	return true;
}

static bool load_config(struct engine *e, char *err, size_t errlen)
{
	e->config = config_new();
	if (!e->config) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (!config_load_string(e->config, engine_default_config(), err, errlen))
		return false;
	if (e->opt->config && !config_load_file(e->config, e->opt->config, err, errlen))
		return false;
	for (int i = 0; i < e->opt->nsets; i++)
		if (!config_set_assignment(e->config, e->opt->sets[i], err, errlen))
			return false;
	if (!settings_check(e->opt->config, e->opt->sets, e->opt->nsets, stderr, err, errlen))
		return false;
	eve_config_defaults(&e->eve_cfg);
	eve_config_load(&e->eve_cfg, e->config);
	flow_config_defaults(&e->flow_cfg);
	e->flow_cfg.memcap = config_get_size(e->config, "flow.memcap", e->flow_cfg.memcap);
	e->flow_cfg.hash_size =
	    (uint32_t)config_get_int(e->config, "flow.hash-size", e->flow_cfg.hash_size);
	e->flow_cfg.emergency_recovery = (uint32_t)config_get_int(
	    e->config, "flow.emergency-recovery", e->flow_cfg.emergency_recovery);
	flow_config_load_timeouts(&e->flow_cfg, e->config);
	defrag_config_defaults(&e->defrag_cfg);
	defrag_config_load(&e->defrag_cfg, e->config);
	app_config_defaults(&e->app_cfg);
	app_config_load(&e->app_cfg, e->config);
	e->app_cfg.file_hashes = e->eve_cfg.files_force_hash;
	if (e->eve_cfg.enabled && e->eve_cfg.types[EVE_T_FRAME]) /* every frame is logged */
		for (int p = 0; p < APP_PROTO_MAX; p++)
			e->app_cfg.frames[p] = ~0ull;
	ransomware_config_defaults(&e->ransomware_cfg);
	ransomware_config_load(&e->ransomware_cfg, e->config);
	stream_config_defaults(&e->stream_cfg);
	if (!stream_config_load(&e->stream_cfg, e->config, err, errlen))
		return false;
	e->stream_cfg.app_reader = true; /* the app layer reads reassembled data */
	return load_exception_policies(e, err, errlen);
}

/* The enabled entry `name` of outputs:, or NULL. */
static const struct config_node *output_entry(const struct engine *e, const char *name)
{
	const struct config_node *outputs = config_get(e->config, "outputs");
	for (size_t i = 0; outputs && outputs->kind == CONFIG_SEQ && i < outputs->nchild; i++) {
		const struct config_node *o = config_child(outputs->child[i], name);
		if (o && config_get_bool(o, "enabled", true))
			return o;
	}
	return NULL;
}

static void log_path(const struct engine *e, const char *name, char *out, size_t len)
{
	if (name[0] == '/')
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "%s/%s", e->opt->logdir, name);
}

/* fast.log and stats.log, when the config asks for them. */
static bool open_text_logs(struct engine *e, char *err, size_t errlen)
{
	char path[4096];
	const struct config_node *o = output_entry(e, "fast");
	if (o) {
		log_path(e, config_get_str(o, "filename", "fast.log"), path, sizeof(path));
		e->fast = fast_log_open(path, config_get_bool(o, "append", true), err, errlen);
		if (!e->fast)
			return false;
	}
	o = output_entry(e, "stats");
	if (o && config_get_bool(e->config, "stats.enabled", true)) {
		if (config_get_bool(o, "threads", false))
			fprintf(stderr, "vigil: outputs.stats.threads: per-thread blocks are not written by vigil; totals only\n");
		log_path(e, config_get_str(o, "filename", "stats.log"), path, sizeof(path));
		e->stats_log = stats_log_open(path, config_get_bool(o, "append", true),
					      config_get_bool(o, "null-values", false), err, errlen);
		if (!e->stats_log)
			return false;
	}
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
	if (!open_text_logs(e, err, errlen))
		return false;
	if (!e->eve_cfg.enabled)
		return true;
	if (e->eve_cfg.filename[0] == '/')
		snprintf(e->eve_path, sizeof(e->eve_path), "%s", e->eve_cfg.filename);
	else
		snprintf(e->eve_path, sizeof(e->eve_path), "%s/%s", e->opt->logdir,
			 e->eve_cfg.filename);
	e->eve_file = eve_output_open(&e->eve_cfg, e->eve_path, err, errlen);
	if (e->eve_file) /* messages name the output: the file, or the server */
		snprintf(e->eve_path, sizeof(e->eve_path), "%s", eve_file_path(e->eve_file));
	return e->eve_file != NULL;
}

/* Rule files: -S wins over the config's `rule-files` (relative names are
 * under `default-rule-path`), as in Suricata. */
static size_t collect_rule_files(struct engine *e)
{
	size_t n = 0;
	for (int i = 0; i < e->opt->nrule_files && n < ENGINE_MAX_RULE_FILES; i++)
		e->rule_paths[n++] = e->opt->rule_files[i];
	if (n)
		return n;
	const struct config_node *rf = config_get(e->config, "rule-files");
	const char *base = config_get_str(e->config, "default-rule-path", NULL);
	for (size_t i = 0; rf && rf->kind == CONFIG_SEQ && i < rf->nchild; i++) {
		const char *v = rf->child[i]->value;
		if (!v || n == ENGINE_MAX_RULE_FILES)
			continue;
		if (v[0] != '/' && base)
			snprintf(e->rule_path_buf[n], sizeof(e->rule_path_buf[n]), "%s/%s", base,
				 v);
		else
			snprintf(e->rule_path_buf[n], sizeof(e->rule_path_buf[n]), "%s", v);
		e->rule_paths[n] = e->rule_path_buf[n];
		n++;
	}
	return n;
}

static size_t collect_vars(const struct config_node *root, const char *path, struct detect_var *out,
			   size_t max)
{
	const struct config_node *m = config_get(root, path);
	size_t n = 0;
	for (size_t i = 0; m && m->kind == CONFIG_MAP && i < m->nchild && n < max; i++)
		if (m->child[i]->kind == CONFIG_SCALAR && m->child[i]->value)
			out[n++] = (struct detect_var){m->child[i]->key, m->child[i]->value};
	return n;
}

/* action-order's entries; the detect engine checks them.  0 when absent. */
static size_t collect_action_order(struct engine *e)
{
	const struct config_node *seq = config_get(e->config, "action-order");
	const size_t max = sizeof(e->action_order) / sizeof(e->action_order[0]);
	size_t n = 0;
	for (size_t i = 0; seq && seq->kind == CONFIG_SEQ && i < seq->nchild && n < max; i++) {
		const struct config_node *c = seq->child[i];
		e->action_order[n++] = c->kind == CONFIG_SCALAR && c->value ? c->value : "";
	}
	return n;
}

/* A table file named in the config if it exists, else vigil's own. */
static const char *table_file(struct engine *e, const char *key, const char *shipped, char *buf,
			      size_t len)
{
	const char *conf = config_get_str(e->config, key, NULL);
	if (conf && access(conf, R_OK) == 0)
		return conf;
	char err[512];
	if (datadir_find(shipped, buf, len, err, sizeof(err)))
		return buf;
	if (!e->datadir_tried[0]) /* the first table missed names the places */
		snprintf(e->datadir_tried, sizeof(e->datadir_tried), "%s", err);
	if (e->opt->verbose)
		fprintf(stderr, "vigil: no %s found (tried %s)\n", shipped, err);
	return NULL;
}

static void fill_detect_config(struct engine *e, struct detect_config *dc)
{
	memset(dc, 0, sizeof(*dc));
	dc->rule_files = e->rule_paths;
	dc->rule_file_count = collect_rule_files(e);
	dc->ioc = ioc_db_from_config(e->config, stderr); /* intel.feeds; the engine owns it */
	if (dc->rule_file_count == 0)
		return;
	dc->classification_file = table_file(e, "classification-file", "classification.config",
					     e->classification, sizeof(e->classification));
	dc->reference_file = table_file(e, "reference-config-file", "reference.config",
					e->reference, sizeof(e->reference));
	const char *th = config_get_str(e->config, "threshold-file", NULL);
	dc->threshold_file = th && access(th, R_OK) == 0 ? th : NULL;
	dc->address_vars = e->addr_vars;
	dc->address_var_count = collect_vars(e->config, "vars.address-groups", e->addr_vars, 128);
	dc->port_vars = e->port_vars;
	dc->port_var_count = collect_vars(e->config, "vars.port-groups", e->port_vars, 128);
	dc->strict = e->opt->strict;
	dc->cache_dir = config_get_str(e->config, "detect.cache-dir", NULL);
	dc->no_cache = !config_get_bool(e->config, "detect.cache", true);
	dc->packet_alert_max = (unsigned)config_get_int(e->config, "detect.packet-alert-max", 0);
	dc->action_order_count = collect_action_order(e);
	dc->action_order = dc->action_order_count ? e->action_order : NULL;
	dc->config = e->config;
	dc->data_dir = config_get_str(e->config, "default-data-dir", e->opt->logdir);
	/* security.lua, with Suricata 8's defaults */
	dc->lua.allow_rules = config_get_bool(e->config, "security.lua.allow-rules", true);
	dc->lua.allow_restricted =
	    config_get_bool(e->config, "security.lua.allow-restricted-functions", false);
	dc->lua.max_bytes = config_get_size(e->config, "security.lua.max-bytes", 500000);
	dc->lua.max_instructions =
	    (uint64_t)config_get_int(e->config, "security.lua.max-instructions", 500000);
	dc->lua.set = true;
	dc->default_rule_path = config_get_str(e->config, "default-rule-path", NULL);
	dc->log_dir = e->opt->logdir;
}

/* Without the classification table every alert would carry an empty
 * category and severity 3: with rules, a missing data directory is fatal. */
static bool tables_found(struct engine *e, const struct detect_config *dc, char *err,
			 size_t errlen)
{
	if (dc->rule_file_count == 0 || (dc->classification_file && dc->reference_file))
		return true;
	snprintf(err, errlen,
		 "no data directory: %s not found (tried %.300s); set VIGIL_DATADIR, "
		 "or install with make install, or name it in the config",
		 dc->classification_file ? "reference.config" : "classification.config",
		 e->datadir_tried);
	return false;
}

static bool load_rules(struct engine *e, char *err, size_t errlen)
{
	struct detect_config dc;
	fill_detect_config(e, &dc);
	if (dc.rule_file_count == 0 && dc.ioc == NULL)
		return true; /* no rules: decode, flows and logging only */
	if (!tables_found(e, &dc, err, errlen)) {
		ioc_db_free(dc.ioc);
		return false;
	}
	struct detect_load_stats ls;
	memset(&ls, 0, sizeof(ls));
	e->detect = detect_engine_new(&dc, &ls, stderr);
	e->rules = ls;
	if (!e->detect) {
		snprintf(err, errlen, "rules could not be loaded%s",
			 e->opt->strict ? " (--strict)" : "");
		return false;
	}
	e->stream_cfg.raw_reader = true; /* stream rules read reassembled data */
	e->app_cfg.file_hashes |= (uint8_t)detect_engine_file_hashes(e->detect);
	detect_engine_frames(e->detect, e->app_cfg.frames);
	if (detect_engine_wants_hassh(e->detect)) /* as Suricata: rules turn hassh on */
		ssh_config_enable_hassh(e->app_cfg.proto_cfg[APP_PROTO_SSH]);
	if (e->opt->rule_stats)
		detect_print_rule_stats(e->detect, stderr);
	if (e->opt->verbose)
		fprintf(stderr, "vigil: rules loaded in %.2f s%s\n", ls.seconds,
			ls.cache_hit ? " (prefilter from cache)" : "");
	return true;
}

int engine_test_rules(const struct engine_options *o)
{
	struct engine e = {.opt = o};
	char err[512] = "";
	if (!load_config(&e, err, sizeof(err))) {
		fprintf(stderr, "vigil: %s\n", err);
		config_free(e.config);
		return 1;
	}
	struct detect_config dc;
	fill_detect_config(&e, &dc);
	if (!tables_found(&e, &dc, err, sizeof(err))) {
		fprintf(stderr, "vigil: %s\n", err);
		ioc_db_free(dc.ioc);
		app_config_free(&e.app_cfg);
		config_free(e.config);
		return 1;
	}
	int rc = detect_test_ruleset(&dc, stderr);
	app_config_free(&e.app_cfg);
	config_free(e.config);
	return rc;
}

int engine_dump_config(const struct engine_options *o)
{
	struct engine e = {.opt = o};
	char err[512] = "";
	int rc = 0;
	if (load_config(&e, err, sizeof(err)))
		config_dump(e.config, stdout);
	else {
		fprintf(stderr, "vigil: %s\n", err);
		rc = 1;
	}
	app_config_free(&e.app_cfg);
	config_free(e.config);
	return rc;
}

/* The file-store output: its directory, the tracker's spool, and what
 * the parsers must do for it (SHA-256 names every stored file; files are
 * spooled only when something can ask to store them). */
static bool open_filestore(struct engine *e, char *err, size_t errlen)
{
	const struct filestore_config *fs = &e->eve_cfg.filestore;
	if (!fs->enabled)
		return true;
	if (!filestore_open(fs, e->opt->logdir, err, errlen))
		return false;
	/* as Suricata's FileReassemblyDepth: the file-store's stream-depth
	 * when it is larger than stream.reassembly.depth, else that one */
	uint64_t global = e->stream_cfg.depth, depth = global;
	if (fs->stream_depth_set && fs->stream_depth != 0) {
		if (global == 0 || fs->stream_depth > global)
			depth = fs->stream_depth;
		else
			fprintf(stderr,
				"vigil: config: file-store stream-depth %llu has no effect: it is "
				"not larger than stream.reassembly.depth\n",
				(unsigned long long)fs->stream_depth);
	}
	app_file_store_setup(fs->force_filestore, true, depth);
	e->app_cfg.file_hashes |= (uint8_t)(APP_FILE_SHA256 | fs->force_hash);
	if (fs->force_filestore || detect_engine_file_store(e->detect))
		e->app_cfg.file_hashes |= (uint8_t)APP_FILE_STORE;
	return true;
}

static bool start_workers(struct engine *e, char *err, size_t errlen)
{
	unsigned n = 1;
	if (e->live)
		n = e->live_plan.n;
	else if (e->opt->runmode == RUNMODE_WORKERS) {
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
		    .stream_cfg = &e->stream_cfg,
		    .app_cfg = &e->app_cfg,
		    .ransomware_cfg = &e->ransomware_cfg,
		    .eve_file = e->eve_file,
		    .eve_cfg = &e->eve_cfg,
		    .file_name_fn = file_name_of,
		    .file_name_arg = e->capture,
		    .detect = e->detect,
		    .fast = e->fast,
		    .ips = e->opt->simulate_ips || (e->live && e->live_plan.lanes[i].inline_mode),
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
	/* Memcaps are per worker: the totals are measured against all of them. */
	uint64_t n = e->nworkers ? e->nworkers : 1;
	struct stats_extra x = {
	    .uptime_s = (uint64_t)elapsed_since(&e->started),
	    .ips = e->opt->simulate_ips || (e->live && e->live_plan.inline_mode),
	    .pressure = stats_memcap_pressure(&t, e->flow_cfg.memcap * n, e->stream_cfg.memcap * n,
					      e->stream_cfg.reassembly_memcap * n),
	};
	if (x.pressure > e->pressure_max)
		e->pressure_max = x.pressure;
	x.pressure_max = e->pressure_max;
	const struct capture_stats *cs = capture_stats_of(e);
	stats_log_eve(e->main_eve, &t, cs, e->detect ? &e->rules : NULL, &x, e->last_ts_sec,
		      e->last_ts_usec);
	if (e->stats_log)
		stats_log_write(e->stats_log, &t, cs, e->detect ? &e->rules : NULL, &x, time(NULL));
	eve_logger_flush(e->main_eve);
}

static void note_time(struct engine *e, const struct capture_frame *fr)
{
	if (fr->ts_sec > e->last_ts_sec ||
	    (fr->ts_sec == e->last_ts_sec && fr->ts_usec > e->last_ts_usec)) {
		e->last_ts_sec = fr->ts_sec;
		e->last_ts_usec = fr->ts_usec;
	}
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
	    elapsed_since(&e->processing) >= 1.0) {
		clock_gettime(CLOCK_MONOTONIC, &e->last_progress);
		const struct capture_stats *cs = capture_get_stats(e->capture);
		double secs = elapsed_since(&e->processing);
		double pct = cs->input_bytes_total ? 100.0 * (double)cs->input_bytes_done /
							 (double)cs->input_bytes_total
						   : 0;
		fprintf(stderr, "\rvigil: %llu packets, %.1f MB, %.0f%%, %.0f kpps, %.0f Mbit/s   ",
			(unsigned long long)cs->packets, (double)cs->bytes / 1e6, pct,
			(double)cs->packets / secs / 1e3, (double)cs->bytes * 8 / secs / 1e6);
		e->progress_shown = true;
	}
}

static double thread_cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_single(struct engine *e)
{
	double t0 = thread_cpu_seconds();
	struct capture_frame fr;
	uint32_t tick = 0;
	while (capture_next(e->capture, &fr) == 1) {
		note_time(e, &fr);
		worker_process_frame(e->workers[0], &fr);
		if (++tick == 4096) {
			tick = 0;
			periodic(e);
		}
	}
	if (e->opt->verbose)
		fprintf(stderr, "vigil: CPU seconds while processing: %.2f (one thread)\n",
			thread_cpu_seconds() - t0);
}

static void run_workers(struct engine *e)
{
	double t0 = thread_cpu_seconds();
	struct dispatch *d = dispatch_start(e->workers, e->nworkers);
	if (!d) {
		fprintf(stderr, "vigil: cannot start worker threads; running single-threaded\n");
		run_single(e);
		return;
	}
	struct capture_frame fr;
	uint32_t tick = 0;
	while (capture_next(e->capture, &fr) == 1) {
		note_time(e, &fr);
		dispatch_frame(d, &fr);
		if (++tick == 4096) {
			tick = 0;
			periodic(e);
		}
	}
	double cpu[ENGINE_MAX_WORKERS] = {0};
	dispatch_finish(d, cpu);
	if (e->opt->verbose) {
		/* What the workers' balance allows on as many idle cores. */
		fprintf(stderr, "vigil: CPU seconds while processing: reader %.2f, workers",
			thread_cpu_seconds() - t0);
		for (unsigned i = 0; i < e->nworkers; i++)
			fprintf(stderr, " %.2f", cpu[i]);
		fputc('\n', stderr);
	}
}

/* What became of the run's output, for the summary and the exit status. */
struct run_outcome {
	struct eve_file_stats eve;
	bool have_eve;
	bool close_failed;
	bool store_failed;
	const char *store_note; /* why the store was not updated, or NULL */
	double processing_s;	/* packets through the pipeline (no rule load, no store) */
};

/* Events written per type, "alert 3, flow 10" (lost ones after a slash). */
static void format_types(const struct eve_file_stats *es, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < es->ntypes && o + 1 < len; i++) {
		const struct eve_type_count *tc = &es->types[i];
		int n = tc->lost ? snprintf(out + o, len - o, "%s%s %llu/%llu lost", i ? ", " : "",
					    tc->name, (unsigned long long)tc->written,
					    (unsigned long long)tc->lost)
				 : snprintf(out + o, len - o, "%s%s %llu", i ? ", " : "", tc->name,
					    (unsigned long long)tc->written);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (o >= len && len > 4)
		memcpy(out + len - 4, "...", 4);
}

/* One line on stderr, always (-q silences it): what was read, what was
 * written and lost, what the memory caps dropped, and the outcome. */
static void summary(struct engine *e, const struct run_outcome *ro, bool losses)
{
	struct worker_counters t;
	totals(e, &t);
	const struct capture_stats *cs = capture_get_stats(e->capture);
	double secs = ro->processing_s;
	if (e->progress_shown)
		fputc('\n', stderr);
	if (e->opt->quiet)
		return;
	char types[1024] = "";
	if (ro->have_eve)
		format_types(&ro->eve, types, sizeof(types));
	char events[1200];
	if (ro->have_eve)
		snprintf(events, sizeof(events), "%llu events written (%s), %llu lost",
			 (unsigned long long)ro->eve.written, types[0] ? types : "none",
			 (unsigned long long)ro->eve.lost);
	else
		snprintf(events, sizeof(events), "no EVE output (eve-log disabled)");
	fprintf(stderr,
		"vigil: summary: %u of %u captures read (%u unreadable or unsupported, %u without "
		"packets, %llu cut short), %llu packets (%llu invalid), %llu flows; %s; dropped "
		"at caps: %llu packets without flow (flow.memcap), %llu sessions "
		"(stream.memcap), %llu segments (stream.reassembly.memcap), %llu segments "
		"(per-stream segment limit), %llu fragments (defrag); processing %.2f s; %s\n",
		cs->files_read, cs->files_total, cs->files_failed, cs->files_empty,
		(unsigned long long)cs->truncated_records, (unsigned long long)cs->packets,
		(unsigned long long)t.decode.invalid, (unsigned long long)t.flow.total, events,
		(unsigned long long)t.flow.memcap_refused,
		(unsigned long long)t.stream.ssn_memcap_drop,
		(unsigned long long)t.stream.segment_memcap_drop,
		(unsigned long long)t.stream.segment_limit_drop,
		(unsigned long long)(t.defrag.memcap_refusals + t.defrag.max_trackers_reached),
		secs, losses ? "completed with losses (exit status 3)" : "complete");
	if (t.app.expect_evicted || t.app.frames_refused)
		fprintf(stderr,
			"vigil: app layer: %llu expected flows not taken (table of %d full, or "
			"unused for %d s), %llu frames not made (%d live per direction)\n",
			(unsigned long long)t.app.expect_evicted, APP_EXPECT_MAX, APP_EXPECT_TIMEOUT,
			(unsigned long long)t.app.frames_refused, APP_FRAMES_MAX);
	if (e->opt->verbose)
		fprintf(stderr, "vigil: %.0f kpps, %.0f Mbit/s\n",
			secs > 0 ? (double)cs->packets / secs / 1e3 : 0,
			secs > 0 ? (double)cs->bytes * 8 / secs / 1e6 : 0);
}

/* Closes eve.json, keeping what became of its lines. */
static void close_eve(struct engine *e, struct run_outcome *ro)
{
	if (!e->eve_file)
		return;
	eve_file_settle(e->eve_file); /* a server's backlog: delivered or counted */
	eve_file_get_stats(e->eve_file, &ro->eve);
	ro->have_eve = true;
	ro->eve.path = NULL; /* freed with the file */
	bool regular = ro->eve.regular;
	ro->close_failed = !eve_file_close(e->eve_file);
	e->eve_file = NULL;
	ro->eve.regular = regular;
}

/* The event store (vigil.db) is filled from the run's eve.json, so it
 * holds exactly what was logged and the packet path never waits on it.
 * Only a regular file is read back: a pipe, device or socket given as the
 * EVE output would block or never end, so the store is skipped. */
static void store_events(struct engine *e, struct run_outcome *ro)
{
	if (!ro->have_eve)
		return;
	if (!ro->eve.regular) {
		struct store_output_config oc;
		store_output_config(e->config, e->opt->logdir, &oc);
		if (oc.enabled) {
			fprintf(
			    stderr,
			    "vigil: %s is not a regular file (pipe, device, socket or server): "
			    "the event store is not updated from it\n",
			    e->eve_path);
			ro->store_note = "EVE output is not a regular file";
		}
		return;
	}
	struct store_eve_stats st;
	memset(&st, 0, sizeof(st));
	if (store_import_run(e->config, e->opt->logdir, e->eve_path, &st) != 0) {
		fprintf(stderr, "vigil: the event store was not updated (see above)%s\n",
			ro->eve.lost ? "" : "; eve.json holds every event");
		ro->store_failed = true;
	} else if (e->opt->verbose && st.lines)
		fprintf(stderr,
			"vigil: event store: %llu alerts, %llu anomalies, %llu flows in %.2f s\n",
			(unsigned long long)st.alerts, (unsigned long long)st.anomalies,
			(unsigned long long)st.flows, st.seconds);
}

static void engine_cleanup(struct engine *e)
{
	for (unsigned i = 0; i < e->nworkers; i++)
		worker_free(e->workers[i]);
	eve_logger_free(e->main_eve);
	eve_file_close(e->eve_file);
	fast_log_close(e->fast);
	stats_log_close(e->stats_log);
	unix_socket_close(e->unix_socket);
	detect_engine_free(e->detect);
	for (unsigned i = 0; i < e->nretired; i++)
		detect_engine_free(e->retired[i]);
	app_config_free(&e->app_cfg);
	capture_close(e->capture);
	live_close(e->live);
	config_free(e->config);
}

/* Live: stats events every stats.interval, stamped with the wall clock. */
static void live_tick(void *arg)
{
	struct engine *e = arg;
	unix_socket_poll(e->unix_socket);
	if (!e->eve_cfg.stats_interval ||
	    elapsed_since(&e->last_stats) < (double)e->eve_cfg.stats_interval)
		return;
	clock_gettime(CLOCK_MONOTONIC, &e->last_stats);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	e->last_ts_sec = now.tv_sec;
	e->last_ts_usec = (uint32_t)(now.tv_nsec / 1000);
	log_stats(e);
}

static const char *live_method_name(const struct engine *e)
{
	switch (e->opt->live_method) {
	case CAPTURE_PCAP: return "pcap";
	case CAPTURE_NFQ: return "nfqueue";
	default: return e->live_plan.inline_mode ? "af-packet (copy-mode ips)" : "af-packet";
	}
}

static void live_summary(struct engine *e)
{
	struct worker_counters t;
	totals(e, &t);
	const struct capture_stats *cs = capture_stats_of(e);
	double secs = elapsed_since(&e->processing);
	char ips[256] = "";
	if (e->live_plan.inline_mode)
		snprintf(ips, sizeof(ips), "; inline: %llu accepted, %llu blocked (%llu rejected)%s",
			 (unsigned long long)t.ips_accepted, (unsigned long long)t.ips_blocked,
			 (unsigned long long)t.ips_rejected,
			 cs->inline_send_failed ? ", some not sent on (see above)" : "");
	fprintf(stderr,
		"vigil: %s on %s, %u worker%s: %llu packets (kernel: %llu packets, %llu drops), "
		"%llu invalid, %llu flows, %llu events in %.1f s%s\n",
		live_method_name(e), e->live_desc, e->nworkers, e->nworkers == 1 ? "" : "s",
		(unsigned long long)cs->packets, (unsigned long long)cs->kernel_packets,
		(unsigned long long)cs->kernel_drops, (unsigned long long)t.decode.invalid,
		(unsigned long long)t.flow.total,
		(unsigned long long)(e->eve_file ? eve_file_events(e->eve_file) : 0), secs, ips);
}

/* SIGHUP: logrotate moved eve.json away; write to a new one. */
static void live_hup(void *arg)
{
	struct engine *e = arg;
	char err[512];
	if (e->fast && !fast_log_reopen(e->fast, err, sizeof(err)))
		fprintf(stderr, "vigil: SIGHUP: cannot reopen %s\n", err);
	if (e->stats_log && !stats_log_reopen(e->stats_log, err, sizeof(err)))
		fprintf(stderr, "vigil: SIGHUP: cannot reopen %s\n", err);
	if (!e->eve_file)
		return;
	if (eve_file_reopen(e->eve_file, err, sizeof(err)))
		fprintf(stderr, "vigil: SIGHUP: %s reopened\n", e->eve_path);
	else
		fprintf(stderr, "vigil: SIGHUP: cannot reopen %s\n", err);
}

/* A ruleset that cannot be loaded, or loads no rule, leaves the running
 * one in place, and says why (in `why`). */
static bool reload_rules(struct engine *e, char *why, size_t len)
{
	char err[512] = "";
	struct detect_config dc;
	if (!e->detect) {
		snprintf(why, len, "no rules were loaded at start-up; restart to add them");
		return false;
	}
	memset(e->datadir_tried, 0, sizeof(e->datadir_tried));
	fill_detect_config(e, &dc);
	if ((dc.rule_file_count == 0 && dc.ioc == NULL) || !tables_found(e, &dc, err, sizeof(err))) {
		snprintf(why, len, "%s; the %u rules running are kept",
			 err[0] ? err : "no rule files", e->rules.loaded);
		ioc_db_free(dc.ioc);
		return false;
	}
	fprintf(stderr, "vigil: rule reload: loading\n");
	struct detect_load_stats ls;
	memset(&ls, 0, sizeof(ls));
	struct detect_engine *de = detect_engine_new(&dc, &ls, stderr);
	if (!de || ls.loaded == 0) {
		snprintf(why, len, "the new rules %s; the %u rules running are kept",
			 !de ? "could not be loaded (see the sensor's log)" : "load no rule",
			 e->rules.loaded);
		detect_engine_free(de);
		return false;
	}
	uint64_t frames[APP_PROTO_MAX] = {0};
	detect_engine_frames(de, frames);
	for (int p = 0; p < APP_PROTO_MAX; p++)
		if (frames[p] & ~e->app_cfg.frames[p]) {
			/* the parsers' settings are shared by running workers */
			fprintf(stderr, "vigil: rule reload: frames of %s the new rules inspect are made from the next start on\n",
				app_proto_name((enum app_proto)p));
		}
	struct detect_engine *old = e->detect;
	bool all = live_swap_detect(e->live, de);
	e->detect = de;
	e->rules = ls;
	if (all)
		detect_engine_free(old);
	else if (e->nretired < sizeof(e->retired) / sizeof(e->retired[0]))
		e->retired[e->nretired++] = old;
	else
		fprintf(stderr, "vigil: rule reload: too many engines kept for workers that could not switch; one is leaked\n");
	snprintf(why, len, "%u rules loaded, %u failed, %u skipped%s", ls.loaded, ls.failed,
		 ls.skipped, all ? "" : " (a worker could not switch: out of memory)");
	return true;
}

/* SIGUSR2 (and the unix socket's reload-rules): the rules are loaded again
 * beside the running ones and the workers switch between two packets. */
static void live_reload(void *arg)
{
	char why[768];
	reload_rules(arg, why, sizeof(why));
	fprintf(stderr, "vigil: rule reload: %s\n", why);
}

/* --- the unix socket's commands (unix-socket.h) --- */

/* Where a relative unix-command filename lives (systemd's RuntimeDirectory). */
#ifndef VIGIL_RUNSTATEDIR
#define VIGIL_RUNSTATEDIR "/run/vigil"
#endif

static char *json_text(struct json *j)
{
	char *out = j->oom ? NULL : malloc(j->len + 1);
	if (out) {
		memcpy(out, j->buf, j->len);
		out[j->len] = '\0';
	}
	json_free(j);
	return out;
}

static char *json_string_text(const char *s)
{
	struct json j;
	json_init(&j);
	json_str(&j, NULL, s);
	return json_text(&j);
}

static const char *capture_mode_name(const struct engine *e)
{
	switch (e->opt->live_method) {
	case CAPTURE_PCAP: return "PCAP_DEV";
	case CAPTURE_NFQ: return "NFQ";
	default: return "AF_PACKET_DEV";
	}
}

/* iface-stat: the interface's packets, kernel drops and (with -k all)
 * invalid checksums of its workers. */
static bool iface_stat(struct engine *e, const char *iface, char **msg)
{
	struct capture_stats cs;
	if (!iface || !live_iface_stats(e->live, iface, &cs)) {
		*msg = json_string_text("Interface not found");
		return false;
	}
	uint64_t bad = 0;
	for (unsigned i = 0; i < e->nworkers && i < e->live_plan.n; i++) {
		if (strcmp(e->live_plan.lanes[i].iface, iface) != 0)
			continue;
		struct worker_counters c;
		worker_read_published(e->workers[i], &c);
		bad += c.checksum_invalid;
	}
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	json_uint(&j, "pkts", cs.packets);
	json_uint(&j, "drop", cs.kernel_drops);
	json_uint(&j, "invalid-checksums", bad);
	if (e->live_plan.inline_mode) {
		json_uint(&j, "accepted", cs.inline_accepted);
		json_uint(&j, "blocked", cs.inline_dropped);
	}
	json_close_object(&j);
	*msg = json_text(&j);
	return true;
}

static char *iface_list(struct engine *e)
{
	const char *names[ENGINE_MAX_WORKERS];
	unsigned n = live_ifaces(e->live, names, ENGINE_MAX_WORKERS);
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	json_uint(&j, "count", n);
	json_open_array(&j, "ifaces");
	for (unsigned i = 0; i < n; i++)
		json_str(&j, NULL, names[i]);
	json_close_array(&j);
	json_close_object(&j);
	return json_text(&j);
}

static char *ruleset_stats(struct engine *e)
{
	struct json j;
	json_init(&j);
	json_open_array(&j, NULL);
	if (e->detect) {
		json_open_object(&j, NULL);
		json_uint(&j, "id", 0);
		json_uint(&j, "rules_loaded", e->rules.loaded);
		json_uint(&j, "rules_failed", e->rules.failed);
		json_uint(&j, "rules_skipped", e->rules.skipped);
		json_close_object(&j);
	}
	json_close_array(&j);
	return json_text(&j);
}

/* dump-counters: the counters of the EVE stats event, as of now. */
static char *dump_counters(struct engine *e)
{
	struct worker_counters t;
	totals(e, &t);
	struct stats_extra x = {.uptime_s = (uint64_t)elapsed_since(&e->started),
				.ips = e->opt->simulate_ips || e->live_plan.inline_mode,
				.pressure = e->pressure_max,
				.pressure_max = e->pressure_max};
	char *all = stats_json_string(true, &t, capture_stats_of(e), e->detect ? &e->rules : NULL,
				      &x);
	/* {"stats":{...}} -> {...} */
	if (all && strncmp(all, "{\"stats\":", 9) == 0) {
		size_t n = strlen(all);
		memmove(all, all + 9, n - 9);
		all[n - 10] = '\0';
	}
	return all;
}

static char *command_list(void)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	unsigned n = 0;
	json_open_array(&j, "commands");
	for (; unix_socket_commands[n]; n++)
		json_str(&j, NULL, unix_socket_commands[n]);
	json_close_array(&j);
	json_uint(&j, "count", n);
	json_close_object(&j);
	return json_text(&j);
}

static bool unix_command(void *arg, const char *cmd, const struct unix_args *a, char **msg)
{
	struct engine *e = arg;
	char buf[800];
	if (strcmp(cmd, "version") == 0) {
		snprintf(buf, sizeof(buf), "vigil %s (Suricata %s compatible)", VIGIL_VERSION,
			 "8.0.0");
		*msg = json_string_text(buf);
	} else if (strcmp(cmd, "uptime") == 0) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)elapsed_since(&e->started));
		*msg = strdup(buf);
	} else if (strcmp(cmd, "running-mode") == 0) {
		*msg = json_string_text("workers");
	} else if (strcmp(cmd, "capture-mode") == 0) {
		*msg = json_string_text(capture_mode_name(e));
	} else if (strcmp(cmd, "iface-list") == 0) {
		*msg = iface_list(e);
	} else if (strcmp(cmd, "iface-stat") == 0) {
		return iface_stat(e, unix_arg(a, "iface"), msg);
	} else if (strcmp(cmd, "reload-rules") == 0 || strcmp(cmd, "ruleset-reload-rules") == 0) {
		bool ok = reload_rules(e, buf, sizeof(buf));
		fprintf(stderr, "vigil: rule reload (unix socket): %s\n", buf);
		*msg = json_string_text(ok ? "done" : buf);
		return ok;
	} else if (strcmp(cmd, "ruleset-stats") == 0) {
		*msg = ruleset_stats(e);
	} else if (strcmp(cmd, "dump-counters") == 0) {
		*msg = dump_counters(e);
	} else if (strcmp(cmd, "command-list") == 0 || strcmp(cmd, "help") == 0) {
		*msg = command_list();
	} else if (strcmp(cmd, "shutdown") == 0) {
		fprintf(stderr, "vigil: shutdown asked on the unix socket\n");
		live_request_stop();
		*msg = json_string_text("Closing Suricata");
	} else {
		*msg = json_string_text("Unknown command");
		return false;
	}
	return *msg != NULL;
}

/* unix-command: enabled yes (a failure is fatal), auto (live runs; a
 * failure is said and the run goes on) or no (also when the config has no
 * unix-command: section); --unix-socket forces it. */
static bool open_unix_socket(struct engine *e, char *err, size_t errlen)
{
	const char *enabled = config_get_str(e->config, "unix-command.enabled", "no");
	bool forced = e->opt->unix_socket != NULL;
	if (!forced && strcmp(enabled, "auto") != 0 && !config_parse_bool(enabled, false))
		return true;
	const char *name = forced && e->opt->unix_socket[0]
			       ? e->opt->unix_socket
			       : config_get_str(e->config, "unix-command.filename",
						"vigil-command.socket");
	char path[4096];
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", VIGIL_RUNSTATEDIR, name);
	e->unix_socket = unix_socket_open(path, unix_command, e, err, errlen);
	if (e->unix_socket) {
		fprintf(stderr, "vigil: unix socket %s\n", path);
		return true;
	}
	if (forced || strcmp(enabled, "auto") != 0)
		return false;
	fprintf(stderr, "vigil: unix-command (auto): %s; running without the command socket\n", err);
	err[0] = '\0';
	return true;
}

/* Captures until SIGINT/SIGTERM, then ends every flow and logs. */
static int run_live(struct engine *e)
{
	fprintf(stderr, "vigil: capturing on %s with %s, %u worker%s (SIGINT or SIGTERM stops)\n",
		e->live_desc, live_method_name(e), e->nworkers, e->nworkers == 1 ? "" : "s");
	bool captured = live_run(e->live, e->workers, live_tick, live_hup, live_reload, e);
	live_release_queues(e->live);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	e->last_ts_sec = now.tv_sec;
	e->last_ts_usec = (uint32_t)(now.tv_nsec / 1000);
	for (unsigned i = 0; i < e->nworkers; i++)
		worker_finish(e->workers[i], e->last_ts_sec, e->last_ts_usec);
	log_stats(e);
	eve_logger_flush(e->main_eve);
	struct run_outcome ro;
	memset(&ro, 0, sizeof(ro));
	close_eve(e, &ro);
	store_events(e, &ro);
	live_summary(e);
	if (ro.eve.lost || ro.close_failed || ro.store_failed)
		fprintf(stderr, "vigil: completed with losses (events not written, or the event "
				"store not updated)\n");
	if (!captured)
		fprintf(stderr, "vigil: capture on %s failed; stopped (events so far are logged)\n",
			e->live_desc);
	return !captured ? 1 : ro.eve.lost || ro.close_failed || ro.store_failed ? ENGINE_EXIT_LOSSES
										     : 0;
}

static bool open_live(struct engine *e, char *err, size_t errlen)
{
	if (!live_config_load(e->opt, e->config, &e->live_plan, err, errlen))
		return false;
	live_plan_describe(&e->live_plan, e->live_desc, sizeof(e->live_desc));
	/* stream.inline: auto (Suricata's default) is inline in IPS mode. */
	const char *inl = config_get_str(e->config, "stream.inline", "auto");
	if (e->live_plan.inline_mode && strcmp(inl, "auto") == 0)
		e->stream_cfg.inline_mode = true;
	e->live = live_open(&e->live_plan, err, errlen);
	return e->live != NULL;
}

int engine_run(const struct engine_options *o)
{
	struct engine e = {.opt = o};
	char err[512] = "";
	clock_gettime(CLOCK_MONOTONIC, &e.started);
	/* A closed pipe as EVE output is a write error to count, not a death. */
	signal(SIGPIPE, SIG_IGN);
	e.last_stats = e.last_progress = e.started;

	bool ok = load_config(&e, err, sizeof(err)) && open_output(&e, err, sizeof(err));
	if (ok && o->live_method) {
		ok = open_live(&e, err, sizeof(err));
	} else if (ok) {
		e.capture = capture_open(o->input, decode_linktype_supported, err, sizeof(err));
		ok = e.capture != NULL;
	}
	if (ok) { /* vigil's own synthetic traffic: every event says so */
		e.eve_cfg.exercise = capture_exercise(e.capture);
		eve_logger_set_exercise(e.main_eve, e.eve_cfg.exercise);
	}
	ok = ok && load_rules(&e, err, sizeof(err)) && open_filestore(&e, err, sizeof(err)) &&
	     start_workers(&e, err, sizeof(err)) && (!e.live || open_unix_socket(&e, err, sizeof(err)));
	if (!ok) {
		fprintf(stderr, "vigil: %s\n", err);
		engine_cleanup(&e);
		return ENGINE_EXIT_FATAL;
	}
	clock_gettime(CLOCK_MONOTONIC, &e.processing);
	e.last_progress = e.processing;
	if (e.live) {
		struct daemon_state d;
		if (!daemon_pidfile_claim(&d, o->pidfile, err, sizeof(err)) ||
		    (o->daemon && !daemon_background(&d, o->logdir, err, sizeof(err))) ||
		    !privs_drop(o->user, o->group, o->live_method == CAPTURE_NFQ, err, sizeof(err))) {
			fprintf(stderr, "vigil: %s\n", err);
			daemon_pidfile_remove(&d);
			engine_cleanup(&e);
			return 1;
		}
		daemon_pidfile_write(&d);
		if (o->user || o->group)
			fprintf(stderr, "vigil: running as %s%s%s, %s\n", o->user ? o->user : "",
				o->group ? ":" : "", o->group ? o->group : "",
				o->live_method == CAPTURE_NFQ ? "keeping only CAP_NET_ADMIN (NFQUEUE verdicts)"
							      : "no capabilities kept");
		int lrc = run_live(&e);
		engine_cleanup(&e);
		daemon_pidfile_remove(&d);
		return lrc;
	}
	if (o->runmode == RUNMODE_WORKERS && e.nworkers > 1)
		run_workers(&e);
	else
		run_single(&e);
	for (unsigned i = 0; i < e.nworkers; i++)
		worker_finish(e.workers[i], e.last_ts_sec, e.last_ts_usec);
	log_stats(&e);
	eve_logger_flush(e.main_eve);
	struct run_outcome ro;
	memset(&ro, 0, sizeof(ro));
	ro.processing_s = elapsed_since(&e.processing); /* rule loading not included */
	close_eve(&e, &ro);
	store_events(&e, &ro);
	const struct capture_stats *cs = capture_get_stats(e.capture);
	bool losses = ro.eve.lost || ro.close_failed || ro.store_failed;
	summary(&e, &ro, losses);
	filestore_report(&e.eve_cfg.filestore, stderr);
	int rc = cs->files_read == 0 ? ENGINE_EXIT_FATAL : losses ? ENGINE_EXIT_LOSSES : 0;
	if (cs->files_read == 0)
		fprintf(stderr, "vigil: no capture file could be read\n");
	engine_cleanup(&e);
	return rc;
}
