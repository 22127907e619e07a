/*
 * fast-log — Suricata's fast.log alert lines (outputs: - fast:), written
 * beside eve.json by every worker; see fast-log.c for the format.
 */
#ifndef VIGIL_OUTPUT_FAST_LOG_H
#define VIGIL_OUTPUT_FAST_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "detect/detect.h"

struct fast_log;

/* Opens (append: keeps what is there; else truncates) path; NULL with a
 * reason naming it in err. */
struct fast_log *fast_log_open(const char *path, bool append, char *err, size_t errlen);
/* One line per alert of q on p (pass alerts are not written).  f may be
 * NULL (no fast.log).  Thread-safe. */
void fast_log_alerts(struct fast_log *f, const struct packet *p, const struct alert_queue *q,
		     bool ips);
/* SIGHUP: the file was moved away by logrotate; write to a new one. */
bool fast_log_reopen(struct fast_log *f, char *err, size_t errlen);
/* Lines that could not be written. */
uint64_t fast_log_lost(struct fast_log *f);
void fast_log_close(struct fast_log *f);

#endif
