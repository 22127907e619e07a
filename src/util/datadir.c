/*
 * datadir — see datadir.h.  Only reads the environment and the file
 * system; never writes.
 */
#include "util/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

bool datadir_find(const char *relpath, char *out, size_t outlen, char *err, size_t errlen)
{
	char roots[5][PATH_MAX];
	int n = 0;
	const char *env = getenv("VIGIL_DATADIR");
	if (env && *env)
		snprintf(roots[n++], PATH_MAX, "%s", env);
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(roots[n++], PATH_MAX, "%.*s/../data", PATH_MAX - 16, exe);
			snprintf(roots[n++], PATH_MAX, "%.*s/../../data", PATH_MAX - 16, exe);
			/* Installed: PREFIX/bin/vigil finds PREFIX/share/vigil,
			 * wherever PREFIX (and DESTDIR) put it. */
			snprintf(roots[n++], PATH_MAX, "%.*s/../share/vigil", PATH_MAX - 16, exe);
		}
	}
	snprintf(roots[n++], PATH_MAX, "/usr/share/vigil");
	size_t used = 0;
	if (err && errlen)
		err[0] = '\0';
	for (int i = 0; i < n; i++) {
		snprintf(out, outlen, "%.*s/%s", PATH_MAX, roots[i], relpath);
		if (exists(out))
			return true;
		if (err && used < errlen)
			used += (size_t)snprintf(err + used, errlen - used, "%s%s", i ? ", " : "", out);
	}
	return false;
}
