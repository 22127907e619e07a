/*
 * daemon — `-D` and `--pidfile` for a live sensor.  The pid file is
 * claimed before anything goes to the background (a second sensor with the
 * same pid file is refused while the first one lives), written once the
 * final pid is known, and removed at exit.  In the background stderr goes
 * to vigil.log in the log directory, so start-up and shut-down messages
 * are kept.
 */
#include "engine/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool pid_alive(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;
	if (!f)
		return false;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

bool daemon_pidfile_claim(struct daemon_state *d, const char *path, char *err, size_t errlen)
{
	d->pidfd = -1;
	d->pidfile = path;
	if (!path)
		return true;
	if (pid_alive(path)) {
		snprintf(err, errlen, "pid file %s names a running process: another vigil?", path);
		return false;
	}
	d->pidfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (d->pidfd < 0) {
		snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

bool daemon_background(struct daemon_state *d, const char *logdir, char *err, size_t errlen)
{
	char log[4096];
	snprintf(log, sizeof(log), "%s/vigil.log", logdir);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", log, strerror(errno));
		return false;
	}
	fflush(NULL);
	if (daemon(1, 0) != 0) { /* keeps the working directory: -l may be relative */
		snprintf(err, errlen, "cannot go to the background: %s", strerror(errno));
		close(fd);
		return false;
	}
	dup2(fd, STDERR_FILENO);
	close(fd);
	setvbuf(stderr, NULL, _IOLBF, 0);
	(void)d;
	return true;
}

void daemon_pidfile_write(struct daemon_state *d)
{
	if (d->pidfd < 0)
		return;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(d->pidfd, buf, (size_t)n) != n)
		fprintf(stderr, "vigil: pid file %s: %s\n", d->pidfile, strerror(errno));
}

void daemon_pidfile_remove(struct daemon_state *d)
{
	if (d->pidfd < 0)
		return;
	close(d->pidfd);
	d->pidfd = -1;
	if (unlink(d->pidfile) != 0)
		fprintf(stderr, "vigil: pid file %s not removed: %s\n", d->pidfile, strerror(errno));
}
