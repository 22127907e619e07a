/*
 * stats-log — see stats-log.h.  The block is made from the very object the
 * EVE stats event carries (stats_json), read back with jansson and
 * flattened into dotted names, so both outputs always name and count the
 * same things.  Layout as Suricata's log-stats:
 *
 *   ------------------------------------------------------------------------------------
 *   Date: 12/8/2026 -- 00:41:00 (uptime: 0d, 00h 00m 09s)
 *   ------------------------------------------------------------------------------------
 *   Counter                                       | TM Name                   | Value
 *   ------------------------------------------------------------------------------------
 *   decoder.pkts                                  | Total                     | 123
 *
 * Counters that are 0 are left out unless null-values is set, as Suricata
 * does; lists (detect.engines) are EVE only.  Only the totals are written
 * (Suricata's `totals: yes`); per-thread blocks are not.
 */
#include "engine/stats-log.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STATS_LOG_RULE "------------------------------------------------------------------------------------\n"

struct stats_log {
	FILE *fp;
	char *path;
	bool null_values;
	uint64_t lost;
};

struct stats_log *stats_log_open(const char *path, bool append, bool null_values, char *err,
				 size_t errlen)
{
	struct stats_log *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->fp = fopen(path, append ? "a" : "w");
	if (!s->fp) {
		snprintf(err, errlen, "stats.log %s: %s", path, strerror(errno));
		free(s->path);
		free(s);
		return NULL;
	}
	s->null_values = null_values;
	return s;
}

static void put_counters(struct stats_log *s, json_t *obj, char *name, size_t len, size_t cap)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (len == 0 && strcmp(key, "uptime") == 0)
			continue; /* on the Date line */
		int n = snprintf(name + len, cap - len, "%s%s", len ? "." : "", key);
		if (n < 0 || (size_t)n >= cap - len)
			continue;
		if (json_is_object(v))
			put_counters(s, v, name, len + (size_t)n, cap);
		else if (json_is_integer(v) && (s->null_values || json_integer_value(v) != 0))
			fprintf(s->fp, "%-45s | %-25s | %lld\n", name, "Total",
				(long long)json_integer_value(v));
		name[len] = '\0';
	}
}

void stats_log_write(struct stats_log *s, const struct worker_counters *c,
		     const struct capture_stats *cap, const struct detect_load_stats *rules,
		     const struct stats_extra *x, int64_t now)
{
	char *text = stats_json_string(s->null_values, c, cap, rules, x);
	json_error_t jerr;
	snprintf(jerr.text, sizeof(jerr.text), "out of memory");
	json_t *root = text ? json_loads(text, 0, &jerr) : NULL;
	free(text);
	json_t *st = root ? json_object_get(root, "stats") : NULL;
	if (!st) {
		if (s->lost++ == 0)
			fprintf(stderr, "vigil: stats.log: counters could not be read back (%s); block skipped\n",
				jerr.text);
		json_decref(root);
		return;
	}
	time_t t = (time_t)now;
	struct tm tm;
	localtime_r(&t, &tm);
	uint64_t up = x->uptime_s;
	fputs(STATS_LOG_RULE, s->fp);
	fprintf(s->fp, "Date: %d/%d/%04d -- %02d:%02d:%02d (uptime: %llud, %02lluh %02llum %02llus)\n",
		tm.tm_mon + 1, tm.tm_mday, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		(unsigned long long)(up / 86400), (unsigned long long)(up / 3600 % 24),
		(unsigned long long)(up / 60 % 60), (unsigned long long)(up % 60));
	fputs(STATS_LOG_RULE, s->fp);
	fprintf(s->fp, "%-45s | %-25s | %s\n", "Counter", "TM Name", "Value");
	fputs(STATS_LOG_RULE, s->fp);
	char name[512] = "";
	put_counters(s, st, name, 0, sizeof(name));
	json_decref(root);
	if (fflush(s->fp) != 0 && s->lost++ == 0)
		fprintf(stderr, "vigil: stats.log %s: write failed: %s\n", s->path, strerror(errno));
}

bool stats_log_reopen(struct stats_log *s, char *err, size_t errlen)
{
	FILE *fp = fopen(s->path, "a");
	if (!fp) {
		snprintf(err, errlen, "stats.log %s: %s", s->path, strerror(errno));
		return false;
	}
	fclose(s->fp);
	s->fp = fp;
	return true;
}

void stats_log_close(struct stats_log *s)
{
	if (!s)
		return;
	fclose(s->fp);
	free(s->path);
	free(s);
}
