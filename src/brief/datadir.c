/*
 * datadir — where the taxonomy and message catalogue are found at run
 * time: $VIGIL_DATADIR; else next to the executable (<bin>/../data for an
 * installed tree or build/vigil in the repository, <bin>/../../data for
 * build/tests/test_*); else /usr/share/vigil.  A directory counts only if it
 * holds taxonomy/vocabulary.yaml, so a stray `data` dir is not mistaken
 * for ours.  Failing all, the error lists every place tried.
 */
#include "brief/brief-internal.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool datadir_ok(const char *dir)
{
	char p[4400];
	snprintf(p, sizeof(p), "%s/taxonomy/vocabulary.yaml", dir);
	return access(p, R_OK) == 0;
}

bool brief_find_datadir(char *out, size_t outlen, char *err, size_t errlen)
{
	char tried[9000] = "";
	const char *env = getenv("VIGIL_DATADIR");
	if (env && *env) {
		if (datadir_ok(env)) {
			snprintf(out, outlen, "%s", env);
			return true;
		}
		snprintf(err, errlen, "VIGIL_DATADIR=%s has no taxonomy/vocabulary.yaml", env);
		return false;
	}
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *dir = dirname(exe);
		const char *rel[] = {"../data", "../../data"};
		for (int i = 0; i < 2; i++) {
			char cand[4200];
			snprintf(cand, sizeof(cand), "%s/%s", dir, rel[i]);
			if (datadir_ok(cand)) {
				snprintf(out, outlen, "%s", cand);
				return true;
			}
			size_t used = strlen(tried);
			snprintf(tried + used, sizeof(tried) - used, "%s, ", cand);
		}
	}
	if (datadir_ok("/usr/share/vigil")) {
		snprintf(out, outlen, "/usr/share/vigil");
		return true;
	}
	snprintf(err, errlen,
		 "vigil data directory not found (tried %s/usr/share/vigil); set VIGIL_DATADIR",
		 tried);
	return false;
}
