/*
 * classification.c — classification.config: `config classification:
 * name,description,priority` lines give a rule's alert.category and its
 * default priority.  Malformed lines are reported and skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

static enum config_line_result class_line(void *arg, char *value)
{
	struct class_table *ct = arg;
	char *fld[4];
	int n = str_split(value, ',', fld, 4);
	uint64_t prio;
	if (n != 3 || fld[0][0] == '\0' || !parse_u64(fld[2], &prio) || prio > 255)
		return CONFIG_LINE_INVALID;
	struct class_entry *nv = realloc(ct->v, (ct->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return CONFIG_LINE_STOP;
	ct->v = nv;
	/* A later definition of the same name replaces the earlier one. */
	struct class_entry *e = (struct class_entry *)classification_find(ct, fld[0]);
	if (e != NULL) {
		free(e->desc);
		e->desc = strdup(fld[1]);
		e->priority = (int)prio;
		return CONFIG_LINE_OK;
	}
	ct->v[ct->n].name = strdup(fld[0]);
	ct->v[ct->n].desc = strdup(fld[1]);
	ct->v[ct->n].priority = (int)prio;
	ct->n++;
	return CONFIG_LINE_OK;
}

int classification_load(struct class_table *ct, const char *path, FILE *log)
{
	return config_lines_read(path, "classification", log, class_line, ct);
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
