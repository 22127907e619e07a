/*
 * eve-sink — the outputs that are not a file: syslog, Redis, Kafka.
 *
 * Internal to output/.  struct eve_file keeps the per-type counts and the
 * lock for every kind of output; a sink only moves lines and says, for
 * each line, whether it was delivered or lost (eve_file_account).  The
 * file's lock is held on every call into a sink, and a sink accounts only
 * from inside those calls, so the counts need no other lock.  Delivery may
 * be late (a Redis backlog, Kafka's delivery reports): a line is counted
 * when its fate is known, and close() settles every line still held.
 */
#ifndef VIGIL_OUTPUT_EVE_SINK_H
#define VIGIL_OUTPUT_EVE_SINK_H

#include "output/eve.h"

struct eve_sink;
struct eve_sink_ops {
	/* One line, without its '\n'; the sink copies what it keeps. */
	void (*write)(struct eve_sink *s, const char *line, size_t len);
	/* After each batch: push what is held, serve delivery reports. */
	void (*flush)(struct eve_sink *s);
	/* Deliver what can be within the sink's limits, count the rest lost,
	 * free the sink. */
	void (*close)(struct eve_sink *s);
};

struct eve_sink {
	const struct eve_sink_ops *ops;
	struct eve_file *file; /* where lines are accounted */
	char describe[1100];   /* for messages: "redis 127.0.0.1:6379 list suricata" */
};

/* Counts one line (no '\n') as delivered or lost, by its event_type. */
void eve_file_account(struct eve_file *f, const char *line, size_t len, bool delivered);
/* The first failure of an output: said once on stderr, errno-style code
 * kept for the summary; later ones are only counted.  fmt NULL: counted,
 * the sink having said it already. */
void eve_file_failure(struct eve_file *f, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct eve_sink *eve_syslog_open(const struct eve_syslog_config *c, struct eve_file *f, char *err,
				 size_t errlen);
struct eve_sink *eve_redis_open(const struct eve_redis_config *c, struct eve_file *f, char *err,
				size_t errlen);
struct eve_sink *eve_kafka_open(const struct eve_kafka_config *c, struct eve_file *f, char *err,
				size_t errlen);

#endif
