/*
 * reference.c — reference.config: `config reference: key prefix` lines map
 * a reference key (url, cve, bugtraq ...) to a URL prefix.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

int reference_load(struct ref_table *rt, const char *path, FILE *log)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (log)
			fprintf(log, "%s: cannot open reference file\n", path);
		return -1;
	}
	char line[1024];
	unsigned ln = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		ln++;
		char *s = str_trim(line);
		const char *pfx = "config reference:";
		if (*s == '#' || *s == '\0')
			continue;
		if (strncmp(s, pfx, strlen(pfx)) != 0) {
			if (log)
				fprintf(log, "%s:%u: invalid reference line\n", path, ln);
			continue;
		}
		char *k = str_trim(s + strlen(pfx)), *v = k;
		while (*v && !isspace((unsigned char)*v))
			v++;
		if (*v)
			*v++ = '\0';
		v = str_trim(v);
		if (*k == '\0' || *v == '\0')
			continue;
		char **nk = realloc(rt->keys, (rt->n + 1) * sizeof(*nk));
		if (nk == NULL)
			break;
		rt->keys = nk;
		char **np = realloc(rt->prefixes, (rt->n + 1) * sizeof(*np));
		if (np == NULL)
			break;
		rt->prefixes = np;
		rt->keys[rt->n] = strdup(k);
		rt->prefixes[rt->n] = strdup(v);
		rt->n++;
	}
	fclose(f);
	return 0;
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
