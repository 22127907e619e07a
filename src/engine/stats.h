/*
 * stats — the engine-wide counters and Suricata's EVE "stats" event
 * (uptime, capture, decoder incl. decoder events, flow, defrag).
 */
#ifndef VIGIL_ENGINE_STATS_H
#define VIGIL_ENGINE_STATS_H

#include <stdint.h>

#include "capture/capture.h"
#include "detect/detect.h"
#include "engine/worker.h"

/* Adds b's counters into a (for totals over workers). */
void stats_add(struct worker_counters *a, const struct worker_counters *b);

/* Engine-wide figures that are not per-worker counters. */
struct stats_extra {
	uint64_t uptime_s;
	bool ips;
	unsigned pressure, pressure_max; /* % of the fullest memcap, now and peak */
};

/* Memory pressure of the totals against the configured caps, in percent. */
unsigned stats_memcap_pressure(const struct worker_counters *c, uint64_t flow_memcap,
			       uint64_t stream_memcap, uint64_t reassembly_memcap);

struct json;
/* The "stats" object (Suricata's counter names) into j; zero counters
 * only when `zeros` (a few Suricata always writes are always there). */
void stats_json(struct json *j, bool zeros, const struct worker_counters *c,
		const struct capture_stats *cap, const struct detect_load_stats *rules,
		const struct stats_extra *x);

/* The same as a string, {"stats":{...}}, to free(); NULL without memory. */
char *stats_json_string(bool zeros, const struct worker_counters *c,
			const struct capture_stats *cap, const struct detect_load_stats *rules,
			const struct stats_extra *x);

/* Writes one "stats" event with the given totals; `rules` is NULL when no
 * ruleset is loaded. */
void stats_log_eve(struct eve_logger *l, const struct worker_counters *c,
		   const struct capture_stats *cap, const struct detect_load_stats *rules,
		   const struct stats_extra *x, int64_t ts_sec, uint32_t ts_usec);

#endif
