/*
 * config-lines — reads the "config <kind>: value" files rule sets come
 * with (classification.config, reference.config): comments and blank
 * lines skipped, other lines reported with file and line number.  Only
 * the meaning of the value differs per file; that is the callback's.
 */
#include <string.h>

#include "detect/detect-internal.h"

int config_lines_read(const char *path, const char *kind, FILE *log, config_line_fn fn, void *arg)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (log)
			fprintf(log, "%s: cannot open %s file\n", path, kind);
		return -1;
	}
	char pfx[64];
	snprintf(pfx, sizeof(pfx), "config %s:", kind);
	size_t pl = strlen(pfx);
	char line[1024];
	unsigned ln = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		ln++;
		char *s = str_trim(line);
		if (*s == '#' || *s == '\0')
			continue;
		enum config_line_result r =
			strncmp(s, pfx, pl) == 0 ? fn(arg, s + pl) : CONFIG_LINE_INVALID;
		if (r == CONFIG_LINE_STOP)
			break;
		if (r == CONFIG_LINE_INVALID && log)
			fprintf(log, "%s:%u: invalid %s line\n", path, ln, kind);
	}
	fclose(f);
	return 0;
}
