/*
 * eve-file — the shared eve.json file.  Writers hand it whole lines in
 * batches; a mutex keeps batches from interleaving.
 *
 * Nothing is lost silently: every line handed over is counted, per event
 * type, as written or as lost.  The first failed write is reported once
 * with the path and the reason (disk full, read-only, broken pipe); later
 * failures are only counted.  A write cut short (the disk filled in the
 * middle of a batch) leaves the lines that reached the file whole: the
 * file is truncated back to the end of the last whole line, so eve.json
 * always parses line by line.  A pipe or device cannot be truncated: a cut
 * line there is reported as such.
 *
 * The same counts stand for the outputs that are not files (syslog, Redis,
 * Kafka, eve-sink.h): there a line is written when it was delivered.
 */
#include "output/eve.h"
#include "output/eve-sink.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct eve_file {
	int fd;
	char *path;
	bool regular;	/* a regular file: can be truncated and re-read */
	off_t good_end; /* end of the last whole line written (regular files) */
	pthread_mutex_t lock;
	uint64_t lines, lost;
	uint64_t write_errors;
	bool cut_line; /* a line was cut and could not be taken back */
	int first_errno;
	struct eve_type_count types[EVE_FILE_MAX_TYPES];
	size_t ntypes;
	struct eve_sink *sink; /* not a file: syslog, Redis, Kafka (fd is -1) */
	bool settled;	       /* the sink was closed by eve_file_settle() */
};

struct eve_file *eve_file_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct eve_file *f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		f->regular = true;
		f->good_end = st.st_size;
	}
	f->fd = fd;
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

/* The line's "event_type" as EVE writes it (no spaces), or "unknown". */
static void line_type(const char *line, size_t n, const char **name, size_t *len)
{
	static const char key[] = "\"event_type\":\"";
	const char *k = memmem(line, n, key, sizeof(key) - 1);
	const char *v = k ? k + sizeof(key) - 1 : NULL;
	const char *end = v ? memchr(v, '"', n - (size_t)(v - line)) : NULL;
	if (!end) {
		*name = "unknown";
		*len = 7;
		return;
	}
	*name = v;
	*len = (size_t)(end - v);
}

/* Counts one line (without its '\n') as written or lost, by type. */
static void count_one(struct eve_file *f, const char *line, size_t n, bool written)
{
	const char *name;
	size_t len;
	line_type(line, n, &name, &len);
	if (len >= sizeof(f->types[0].name))
		len = sizeof(f->types[0].name) - 1;
	size_t i = 0;
	while (i < f->ntypes &&
	       !(strlen(f->types[i].name) == len && memcmp(f->types[i].name, name, len) == 0))
		i++;
	if (i == f->ntypes && f->ntypes < EVE_FILE_MAX_TYPES) {
		memcpy(f->types[i].name, name, len);
		f->types[i].name[len] = '\0';
		f->ntypes++;
	}
	if (i == EVE_FILE_MAX_TYPES) /* more types than slots: the last one takes them */
		i = EVE_FILE_MAX_TYPES - 1;
	if (written) {
		f->types[i].written++;
		f->lines++;
	} else {
		f->types[i].lost++;
		f->lost++;
	}
}

/* Counts each whole line of buf[0..n) as written or lost, by type. */
static void count_lines(struct eve_file *f, const char *buf, size_t n, bool written)
{
	const char *p = buf, *end = buf + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		count_one(f, p, (size_t)(nl - p), written);
		p = nl + 1;
	}
}

void eve_file_account(struct eve_file *f, const char *line, size_t len, bool delivered)
{
	count_one(f, line, len, delivered);
}

void eve_file_failure(struct eve_file *f, int code, const char *fmt, ...)
{
	if (f->write_errors++)
		return;
	f->first_errno = code;
	if (!fmt)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("vigil: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Hands each whole line to the sink, then lets it push the batch. */
static void sink_write(struct eve_file *f, const char *buf, size_t n)
{
	const char *p = buf, *end = buf + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		f->sink->ops->write(f->sink, p, len);
		p += len + 1;
	}
	if (f->sink->ops->flush)
		f->sink->ops->flush(f->sink);
}

struct eve_file *eve_output_open(const struct eve_config *cfg, const char *path, char *err,
				 size_t errlen)
{
	const struct eve_output_config *o = &cfg->output;
	if (o->error[0]) {
		snprintf(err, errlen, "%s", o->error);
		return NULL;
	}
	if (o->filetype == EVE_FILETYPE_REGULAR)
		return eve_file_open(path, err, errlen);
	struct eve_file *f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->fd = -1;
	pthread_mutex_init(&f->lock, NULL);
	switch (o->filetype) {
	case EVE_FILETYPE_SYSLOG: f->sink = eve_syslog_open(&o->syslog, f, err, errlen); break;
	case EVE_FILETYPE_REDIS: f->sink = eve_redis_open(&o->redis, f, err, errlen); break;
	case EVE_FILETYPE_KAFKA: f->sink = eve_kafka_open(&o->kafka, f, err, errlen); break;
	default: snprintf(err, errlen, "unknown eve-log filetype"); break;
	}
	if (!f->sink || !(f->path = strdup(f->sink->describe))) {
		if (f->sink)
			f->sink->ops->close(f->sink);
		pthread_mutex_destroy(&f->lock);
		free(f);
		return NULL;
	}
	return f;
}

const char *eve_file_path(const struct eve_file *f)
{
	return f->path;
}

/* After a write cut at `done` bytes: the whole lines before the cut stay,
 * the rest is counted lost and the cut line taken back. */
static void write_failed(struct eve_file *f, const char *buf, size_t n, size_t done, int err)
{
	size_t whole = 0;
	for (size_t i = done; i > 0; i--)
		if (buf[i - 1] == '\n') {
			whole = i;
			break;
		}
	count_lines(f, buf, whole, true);
	count_lines(f, buf + whole, n - whole, false);
	if (f->write_errors++ == 0) {
		f->first_errno = err;
		fprintf(stderr, "vigil: %s: write failed: %s; events not written are counted\n",
			f->path, strerror(err));
	}
	f->good_end += (off_t)whole;
	if (done == whole)
		return;
	if (f->regular) {
		if (ftruncate(f->fd, f->good_end) != 0 && !f->cut_line) {
			f->cut_line = true;
			fprintf(stderr,
				"vigil: %s: the last line is cut and could not be removed: %s\n",
				f->path, strerror(errno));
		}
	} else if (!f->cut_line) {
		f->cut_line = true;
		fprintf(stderr, "vigil: %s: a line was cut in the middle (not a regular file)\n",
			f->path);
	}
}

bool eve_file_write(struct eve_file *f, const char *buf, size_t n)
{
	pthread_mutex_lock(&f->lock);
	if (f->sink || f->settled) {
		if (f->sink)
			sink_write(f, buf, n);
		else /* after the output was settled: nowhere to go */
			count_lines(f, buf, n, false);
		pthread_mutex_unlock(&f->lock);
		return f->sink != NULL;
	}
	size_t done = 0;
	bool ok = true;
	while (done < n) {
		ssize_t w = write(f->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			write_failed(f, buf, n, done, w < 0 ? errno : ENOSPC);
			ok = false;
			break;
		}
		done += (size_t)w;
	}
	if (ok) {
		count_lines(f, buf, n, true);
		f->good_end += (off_t)n;
	}
	pthread_mutex_unlock(&f->lock);
	return ok;
}

void eve_file_lost(struct eve_file *f, const char *event, size_t n)
{
	pthread_mutex_lock(&f->lock);
	const char *name;
	size_t len;
	line_type(event, n, &name, &len);
	char line[64];
	int w = snprintf(line, sizeof(line), "\"event_type\":\"%.*s\"\n", (int)len, name);
	if (w > 0 && (size_t)w < sizeof(line))
		count_lines(f, line, (size_t)w, false);
	pthread_mutex_unlock(&f->lock);
}

uint64_t eve_file_events(const struct eve_file *f)
{
	return f->lines;
}

void eve_file_get_stats(const struct eve_file *f, struct eve_file_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->path = f->path;
	out->written = f->lines;
	out->lost = f->lost;
	out->write_errors = f->write_errors;
	out->first_errno = f->first_errno;
	out->regular = f->regular;
	memcpy(out->types, f->types, f->ntypes * sizeof(f->types[0]));
	out->ntypes = f->ntypes;
}

bool eve_file_is_regular(const struct eve_file *f)
{
	return f->regular;
}

void eve_file_settle(struct eve_file *f)
{
	if (!f || !f->sink)
		return;
	pthread_mutex_lock(&f->lock);
	f->sink->ops->close(f->sink);
	f->sink = NULL;
	f->settled = true;
	pthread_mutex_unlock(&f->lock);
}

bool eve_file_close(struct eve_file *f)
{
	if (!f)
		return true;
	/* close() can be where a delayed write error shows (NFS, quotas). */
	bool ok = true;
	if (f->sink || f->settled) {
		if (f->sink)
			f->sink->ops->close(f->sink); /* settles every line it still held */
		f->sink = NULL;
	} else if (close(f->fd) != 0) {
		ok = false;
		fprintf(stderr, "vigil: %s: close failed: %s; the file may be incomplete\n",
			f->path, strerror(errno));
	}
	pthread_mutex_destroy(&f->lock);
	free(f->path);
	free(f);
	return ok;
}

bool eve_file_reopen(struct eve_file *f, char *err, size_t errlen)
{
	if (f->fd < 0)
		return true; /* nothing to reopen: not a file */
	int fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s (still writing to the old file)", f->path,
			 strerror(errno));
		return false;
	}
	pthread_mutex_lock(&f->lock); /* no line is split between the files */
	int old = f->fd;
	f->fd = fd;
	pthread_mutex_unlock(&f->lock);
	close(old);
	return true;
}
