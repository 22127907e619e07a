/*
 * daemon — running a live sensor in the background with a pid file.
 */
#ifndef VIGIL_ENGINE_DAEMON_H
#define VIGIL_ENGINE_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

struct daemon_state {
	const char *pidfile;
	int pidfd;
};

/* Opens the pid file (refused while it names a live process); path NULL:
 * no pid file. */
bool daemon_pidfile_claim(struct daemon_state *d, const char *path, char *err, size_t errlen);
/* Detaches from the terminal; stderr goes to LOGDIR/vigil.log. */
bool daemon_background(struct daemon_state *d, const char *logdir, char *err, size_t errlen);
void daemon_pidfile_write(struct daemon_state *d);
void daemon_pidfile_remove(struct daemon_state *d);

#endif
