/*
 * messages — the message catalogue: every word a reader of a briefing or
 * of the subcommands' help sees comes from data/messages/<lang>.yaml, a
 * flat map of keys to texts with {name} placeholders.  Adding a UN
 * official language is adding a file.  A key missing from the catalogue
 * renders as the key itself, so gaps show up in review instead of
 * crashing a run.  The catalogue carries its language's locale
 * (locale.c), so numbers and dates follow the words.
 */
#include "brief/brief-internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct message {
	char *key, *text;
};

struct messages {
	struct message *m;
	size_t n;
	struct brief_locale *locale; /* numbers and dates in the catalogue's language */
};

static int message_cmp(const void *a, const void *b)
{
	return strcmp(((const struct message *)a)->key, ((const struct message *)b)->key);
}

struct messages *messages_load(const char *datadir, const char *lang, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/messages/%s.yaml", datadir, lang ? lang : "en");
	yaml_document_t doc;
	if (!yaml_load_path(path, &doc, err, errlen))
		return NULL;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	struct messages *m = calloc(1, sizeof(*m));
	if (!m || !root || root->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "%s: expected a map of message keys to texts", path);
		yaml_document_delete(&doc);
		free(m);
		return NULL;
	}
	size_t cap = (size_t)(root->data.mapping.pairs.top - root->data.mapping.pairs.start);
	m->m = calloc(cap ? cap : 1, sizeof(*m->m));
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     m->m && p < root->data.mapping.pairs.top; p++) {
		const char *k = yaml_str(yaml_document_get_node(&doc, p->key));
		const char *v = yaml_str(yaml_document_get_node(&doc, p->value));
		if (k && v) {
			m->m[m->n].key = xstrdup(k);
			m->m[m->n++].text = xstrdup(v);
		}
	}
	yaml_document_delete(&doc);
	qsort(m->m, m->n, sizeof(*m->m), message_cmp);
	m->locale = locale_open(lang ? lang : "en");
	return m;
}

void messages_free(struct messages *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->m[i].key);
		free(m->m[i].text);
	}
	free(m->m);
	locale_close(m->locale);
	free(m);
}

const struct brief_locale *msg_locale(const struct messages *m)
{
	return m ? m->locale : NULL;
}

const char *msg(const struct messages *m, const char *key)
{
	struct message k = {(char *)key, NULL};
	const struct message *hit = m ? bsearch(&k, m->m, m->n, sizeof(*m->m), message_cmp) : NULL;
	return hit ? hit->text : key;
}

/* Appends n bytes of s to the growing buffer (*buf, *len, *cap). */
static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = (*len + n + 1) * 2;
		char *nb = realloc(*buf, ncap);
		if (!nb)
			return;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

char *msgf(const struct messages *m, const char *key, ...)
{
	const char *names[16], *values[16];
	size_t nargs = 0;
	va_list ap;
	va_start(ap, key);
	for (const char *name; nargs < 16 && (name = va_arg(ap, const char *)) != NULL; nargs++) {
		names[nargs] = name;
		values[nargs] = va_arg(ap, const char *);
	}
	va_end(ap);
	const char *t = msg(m, key);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	append(&buf, &len, &cap, "", 0);
	while (*t) {
		const char *open = strchr(t, '{'), *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			append(&buf, &len, &cap, t, strlen(t));
			break;
		}
		append(&buf, &len, &cap, t, (size_t)(open - t));
		size_t nlen = (size_t)(close - open - 1), i;
		for (i = 0; i < nargs; i++)
			if (strlen(names[i]) == nlen && memcmp(names[i], open + 1, nlen) == 0)
				break;
		if (i < nargs)
			append(&buf, &len, &cap, values[i] ? values[i] : "",
			       strlen(values[i] ? values[i] : ""));
		else
			append(&buf, &len, &cap, open, (size_t)(close - open + 1));
		t = close + 1;
	}
	return buf;
}
