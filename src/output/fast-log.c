/*
 * fast-log — Suricata's fast.log: one line per alert, as its alert-fastlog
 * writes it:
 *
 *   MM/DD/YYYY-HH:MM:SS.uuuuuu  [**] [gid:sid:rev] msg [**] [Classification:
 *   class] [Priority: N] {PROTO} src:sport -> dst:dport
 *
 * (one line), local time; "[Drop] " before the first "[**]" for a drop or
 * reject rule in IPS mode, "[wDrop] " for one that would have dropped in
 * IDS mode; "(null)" for a rule without classtype, as Suricata prints it.
 * ICMP shows type and code in the port places, as Suricata's packet does.
 *
 * Workers share the file: a line is built on the stack and written with
 * one write() on an O_APPEND descriptor, so lines never interleave.  A
 * failed write is counted (fast_log_lost) and said once on stderr.
 */
#include "output/fast-log.h"
#include "output/eve.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fast_log {
	int fd;
	bool append;
	char *path;
	pthread_mutex_t lock; /* fd swaps on reopen */
	uint64_t written, lost;
};

static int open_fd(const char *path, bool append)
{
	return open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC | O_APPEND),
		    0640);
}

struct fast_log *fast_log_open(const char *path, bool append, char *err, size_t errlen)
{
	struct fast_log *f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->append = append;
	f->fd = open_fd(path, append);
	if (f->fd < 0) {
		snprintf(err, errlen, "fast.log %s: %s", path, strerror(errno));
		free(f->path);
		free(f);
		return NULL;
	}
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 1: return "ICMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 47: return "GRE";
	case 58: return "IPV6-ICMP";
	case 132: return "SCTP";
	default: snprintf(buf, len, "PROTO:%03u", proto); return buf;
	}
}

/* The "{PROTO} src:sp -> dst:dp" part. */
static void endpoints(const struct packet *p, char *out, size_t len)
{
	char src[64], dst[64], pbuf[16];
	if (p->ip_version == 0) {
		snprintf(out, len, "{%s}", "PKT");
		return;
	}
	eve_addr_str(&p->src, src); /* IPv6 in full, as Suricata's PrintInet */
	eve_addr_str(&p->dst, dst);
	unsigned sp = p->sp, dp = p->dp;
	if ((p->proto == 1 || p->proto == 58) && p->l4_hdr) {
		sp = p->icmp.type;
		dp = p->icmp.code;
	}
	snprintf(out, len, "{%s} %s:%u -> %s:%u", proto_name(p->proto, pbuf, sizeof(pbuf)), src, sp,
		 dst, dp);
}

static void write_line(struct fast_log *f, const char *line, size_t n)
{
	pthread_mutex_lock(&f->lock);
	ssize_t w = write(f->fd, line, n);
	if (w == (ssize_t)n) {
		f->written++;
	} else {
		if (f->lost++ == 0)
			fprintf(stderr, "vigil: fast.log %s: write failed: %s (lines lost are counted)\n",
				f->path, w < 0 ? strerror(errno) : "short write");
	}
	pthread_mutex_unlock(&f->lock);
}

void fast_log_alerts(struct fast_log *f, const struct packet *p, const struct alert_queue *q,
		     bool ips)
{
	if (!f || q->count == 0)
		return;
	char ts[64], ends[256];
	time_t sec = (time_t)p->ts_sec;
	struct tm tm;
	localtime_r(&sec, &tm);
	snprintf(ts, sizeof(ts), "%02d/%02d/%04d-%02d:%02d:%02d.%06u", tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, p->ts_usec);
	endpoints(p, ends, sizeof(ends));
	for (unsigned i = 0; i < q->count; i++) {
		const struct alert *a = &q->alerts[i];
		if (a->action == DETECT_ACTION_PASS)
			continue;
		bool drops = a->action != DETECT_ACTION_ALERT && a->action != DETECT_ACTION_CONFIG;
		const char *action = drops ? (ips ? "[Drop] " : "[wDrop] ") : "";
		char line[2048];
		int n = snprintf(line, sizeof(line),
				 "%s  %s[**] [%u:%u:%u] %s [**] [Classification: %s] [Priority: %d] %s\n",
				 ts, action, a->gid, a->sid, a->rev, a->msg,
				 a->category && a->category[0] ? a->category : "(null)", a->priority,
				 ends);
		if (n < 0)
			continue;
		if ((size_t)n >= sizeof(line)) { /* a very long msg: cut, the line still ends */
			n = sizeof(line) - 1;
			line[n - 1] = '\n';
		}
		write_line(f, line, (size_t)n);
	}
}

bool fast_log_reopen(struct fast_log *f, char *err, size_t errlen)
{
	int fd = open_fd(f->path, true);
	if (fd < 0) {
		snprintf(err, errlen, "fast.log %s: %s", f->path, strerror(errno));
		return false;
	}
	pthread_mutex_lock(&f->lock);
	close(f->fd);
	f->fd = fd;
	pthread_mutex_unlock(&f->lock);
	return true;
}

uint64_t fast_log_lost(struct fast_log *f)
{
	if (!f)
		return 0;
	pthread_mutex_lock(&f->lock);
	uint64_t n = f->lost;
	pthread_mutex_unlock(&f->lock);
	return n;
}

void fast_log_close(struct fast_log *f)
{
	if (!f)
		return;
	close(f->fd);
	pthread_mutex_destroy(&f->lock);
	free(f->path);
	free(f);
}
