/*
 * eve-file — the shared eve.json file.  Writers hand it whole lines in
 * batches; a mutex keeps batches from interleaving.  A failed write (disk
 * full) is reported once on stderr and counted, never silently ignored.
 */
#include "output/eve.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct eve_file {
	int fd;
	char *path;
	pthread_mutex_t lock;
	uint64_t lines;
	uint64_t write_errors;
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
	f->fd = fd;
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

bool eve_file_write(struct eve_file *f, const char *buf, size_t n)
{
	bool ok = true;
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\n')
			f->lines++;
	while (n > 0) {
		ssize_t w = write(f->fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (f->write_errors++ == 0)
				fprintf(stderr, "vigil: %s: write failed: %s (further errors counted)\n",
					f->path, strerror(errno));
			ok = false;
			break;
		}
		buf += w;
		n -= (size_t)w;
	}
	pthread_mutex_unlock(&f->lock);
	return ok;
}

uint64_t eve_file_events(const struct eve_file *f)
{
	return f->lines;
}

void eve_file_close(struct eve_file *f)
{
	if (!f)
		return;
	if (f->write_errors)
		fprintf(stderr, "vigil: %s: %llu write errors\n", f->path,
			(unsigned long long)f->write_errors);
	close(f->fd);
	pthread_mutex_destroy(&f->lock);
	free(f->path);
	free(f);
}

bool eve_file_reopen(struct eve_file *f, char *err, size_t errlen)
{
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
