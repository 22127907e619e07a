/*
 * eve-syslog — EVE lines to the system's syslog (eve-log filetype syslog),
 * with Suricata's identity, facility and level.  syslog(3) says nothing of
 * delivery, so a line handed to it is counted written; the local syslog
 * daemon is where it can still be lost, and that is outside vigil's view.
 */
#include "output/eve-sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

struct syslog_sink {
	struct eve_sink base;
	struct eve_syslog_config cfg;
};

static void syslog_write(struct eve_sink *s, const char *line, size_t len)
{
	struct syslog_sink *y = (struct syslog_sink *)s;
	syslog(y->cfg.facility | y->cfg.level, "%.*s", (int)len, line);
	eve_file_account(s->file, line, len, true);
}

static void syslog_close(struct eve_sink *s)
{
	closelog();
	free(s);
}

static const struct eve_sink_ops syslog_ops = {
    .write = syslog_write,
    .close = syslog_close,
};

struct eve_sink *eve_syslog_open(const struct eve_syslog_config *c, struct eve_file *f, char *err,
				 size_t errlen)
{
	struct syslog_sink *y = calloc(1, sizeof(*y));
	if (!y) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	y->base.ops = &syslog_ops;
	y->base.file = f;
	y->cfg = *c;
	snprintf(y->base.describe, sizeof(y->base.describe), "syslog (identity %s)", c->identity);
	openlog(y->cfg.identity, LOG_NDELAY | LOG_PID, c->facility);
	return &y->base;
}
