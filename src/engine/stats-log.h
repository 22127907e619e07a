/*
 * stats-log — Suricata's stats.log (outputs: - stats:): every
 * stats.interval, a block of "counter | Total | value" lines with the same
 * counter names as the EVE stats event.
 */
#ifndef VIGIL_ENGINE_STATS_LOG_H
#define VIGIL_ENGINE_STATS_LOG_H

#include "engine/stats.h"

struct stats_log;

/* Opens path (append: keep what is there); NULL with a reason in err.
 * null_values: also write counters that are 0 (Suricata's null-values). */
struct stats_log *stats_log_open(const char *path, bool append, bool null_values, char *err,
				 size_t errlen);
/* One block, dated `now` (wall clock). */
void stats_log_write(struct stats_log *s, const struct worker_counters *c,
		     const struct capture_stats *cap, const struct detect_load_stats *rules,
		     const struct stats_extra *x, int64_t now);
bool stats_log_reopen(struct stats_log *s, char *err, size_t errlen);
void stats_log_close(struct stats_log *s);

#endif
