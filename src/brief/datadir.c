/*
 * datadir — where the taxonomy and message catalogue are found at run
 * time.  The search itself is util/datadir's, shared with the other
 * stages' data files ($VIGIL_DATADIR, <bin>/../data, <bin>/../../data,
 * /usr/share/vigil); a directory counts only if it holds
 * taxonomy/vocabulary.yaml, so a stray `data` dir is not mistaken for
 * ours.  Failing all, the error lists every place tried.
 */
#include "brief/brief-internal.h"

#include <string.h>

#include "util/datadir.h"

#define DATADIR_PROBE "taxonomy/vocabulary.yaml"

bool brief_find_datadir(char *out, size_t outlen, char *err, size_t errlen)
{
	char tried[4096];
	if (!datadir_find(DATADIR_PROBE, out, outlen, tried, sizeof(tried))) {
		snprintf(err, errlen,
			 "vigil data directory not found (tried %s); set VIGIL_DATADIR", tried);
		return false;
	}
	size_t n = strlen(out), probe = strlen(DATADIR_PROBE) + 1;
	out[n > probe ? n - probe : 0] = '\0'; /* "<root>/taxonomy/..." → "<root>" */
	return true;
}
