/*
 * classification.c — classification.config: `config classification:
 * name,description,priority` lines give a rule's alert.category and its
 * default priority.  Malformed lines are reported and skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

int classification_load(struct class_table *ct, const char *path, FILE *log)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (log)
			fprintf(log, "%s: cannot open classification file\n", path);
		return -1;
	}
	char line[1024];
	unsigned ln = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		ln++;
		char *s = str_trim(line);
		const char *pfx = "config classification:";
		if (*s == '#' || *s == '\0')
			continue;
		if (strncmp(s, pfx, strlen(pfx)) != 0) {
			if (log)
				fprintf(log, "%s:%u: invalid classification line\n", path, ln);
			continue;
		}
		char *fld[4];
		int n = str_split(s + strlen(pfx), ',', fld, 4);
		uint64_t prio;
		if (n != 3 || fld[0][0] == '\0' || !parse_u64(fld[2], &prio) || prio > 255) {
			if (log)
				fprintf(log, "%s:%u: invalid classification line\n", path, ln);
			continue;
		}
		struct class_entry *nv = realloc(ct->v, (ct->n + 1) * sizeof(*nv));
		if (nv == NULL)
			break;
		ct->v = nv;
		/* A later definition of the same name replaces the earlier one. */
		struct class_entry *e = (struct class_entry *)classification_find(ct, fld[0]);
		if (e != NULL) {
			free(e->desc);
			e->desc = strdup(fld[1]);
			e->priority = (int)prio;
			continue;
		}
		ct->v[ct->n].name = strdup(fld[0]);
		ct->v[ct->n].desc = strdup(fld[1]);
		ct->v[ct->n].priority = (int)prio;
		ct->n++;
	}
	fclose(f);
	return 0;
}

const struct class_entry *classification_find(const struct class_table *ct, const char *name)
{
	for (size_t i = 0; i < ct->n; i++)
		if (strcasecmp(ct->v[i].name, name) == 0)
			return &ct->v[i];
	return NULL;
}

void classification_free(struct class_table *ct)
{
	for (size_t i = 0; i < ct->n; i++) {
		free(ct->v[i].name);
		free(ct->v[i].desc);
	}
	free(ct->v);
	memset(ct, 0, sizeof(*ct));
}
