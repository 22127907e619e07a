/*
 * reference.c — reference.config: `config reference: key prefix` lines map
 * a reference key (url, cve, bugtraq ...) to a URL prefix.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

/* "TYPE URL-PREFIX"; a line missing either is skipped silently, as before. */
static enum config_line_result ref_line(void *arg, char *value)
{
	struct ref_table *rt = arg;
	char *k = str_trim(value), *v = k;
	while (*v && !isspace((unsigned char)*v))
		v++;
	if (*v)
		*v++ = '\0';
	v = str_trim(v);
	if (*k == '\0' || *v == '\0')
		return CONFIG_LINE_OK;
	char **nk = realloc(rt->keys, (rt->n + 1) * sizeof(*nk));
	if (nk == NULL)
		return CONFIG_LINE_STOP;
	rt->keys = nk;
	char **np = realloc(rt->prefixes, (rt->n + 1) * sizeof(*np));
	if (np == NULL)
		return CONFIG_LINE_STOP;
	rt->prefixes = np;
	rt->keys[rt->n] = strdup(k);
	rt->prefixes[rt->n] = strdup(v);
	rt->n++;
	return CONFIG_LINE_OK;
}

int reference_load(struct ref_table *rt, const char *path, FILE *log)
{
	return config_lines_read(path, "reference", log, ref_line, rt);
}

const char *reference_prefix(const struct ref_table *rt, const char *key)
{
	for (size_t i = 0; i < rt->n; i++)
		if (strcasecmp(rt->keys[i], key) == 0)
			return rt->prefixes[i];
	return NULL;
}

void reference_free(struct ref_table *rt)
{
	for (size_t i = 0; i < rt->n; i++) {
		free(rt->keys[i]);
		free(rt->prefixes[i]);
	}
	free(rt->keys);
	free(rt->prefixes);
	memset(rt, 0, sizeof(*rt));
}
