/*
 * test_et_open.c — loads the Emerging Threats Open ruleset from
 * ../shared/data/rules/et-open (skips when absent), prints the share of
 * rules that load, the load time and the keywords that keep the rest out.
 * Fails only on a crash or when nothing loads: the share is a report,
 * not a gate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "detect/detect.h"

#define ET_DIR "../shared/data/rules/et-open"

/* Every option name of a rule's text (after the first '('), split at
 * unescaped ';' like the parser does; calls fn for each. */
static void each_option(const char *rule, void (*fn)(const char *name, void *arg), void *arg)
{
	const char *p = strchr(rule, '(');
	if (p == NULL)
		return;
	p++;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		char name[64];
		size_t n = 0;
		while (*p && *p != ':' && *p != ';' && *p != ')' && n < sizeof(name) - 1)
			name[n++] = *p++;
		while (n > 0 && name[n - 1] == ' ')
			n--;
		name[n] = '\0';
		if (n > 0)
			fn(name, arg);
		bool esc = false;
		while (*p && (esc || *p != ';')) {
			esc = !esc && *p == '\\';
			p++;
		}
		if (*p == ';')
			p++;
	}
}

struct tally {
	char names[512][64];
	unsigned count[512];
	unsigned n;
};

static void tally_missing(const char *name, void *arg)
{
	struct tally *t = arg;
	if (detect_keyword_supported(name))
		return;
	for (unsigned i = 0; i < t->n; i++)
		if (strcmp(t->names[i], name) == 0) {
			t->count[i]++;
			return;
		}
	if (t->n < 512) {
		snprintf(t->names[t->n], sizeof(t->names[0]), "%s", name);
		t->count[t->n++] = 1;
	}
}

/* How many rules use each keyword vigil lacks (all of them, not only the first). */
static void print_missing_uses(void)
{
	static struct tally t;
	memset(&t, 0, sizeof(t));
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cat %s/*.rules", ET_DIR);
	FILE *f = popen(cmd, "r");
	if (f == NULL)
		return;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		const char *l = line;
		while (*l == ' ')
			l++;
		if (*l == '#' || strchr(l, '(') == NULL)
			continue;
		/* count each keyword once per rule */
		static struct tally one;
		memset(&one, 0, sizeof(one));
		each_option(l, tally_missing, &one);
		for (unsigned i = 0; i < one.n; i++)
			tally_missing(one.names[i], &t);
	}
	free(line);
	pclose(f);
	for (int k = 0; k < 15; k++) {
		unsigned best = 0, bi = 0;
		for (unsigned i = 0; i < t.n; i++)
			if (t.count[i] > best) {
				best = t.count[i];
				bi = i;
			}
		if (best == 0)
			break;
		printf("  %-28s %u rules\n", t.names[bi], best);
		t.count[bi] = 0;
	}
}

static void test_et_open_load(void **state)
{
	struct stat sb;
	if (stat(ET_DIR, &sb) != 0) {
		printf("SKIP: %s not present\n", ET_DIR);
		skip();
	}
	const char *files[] = {ET_DIR};
	struct detect_config cfg = {
	    .rule_files = files,
	    .rule_file_count = 1,
	    .classification_file = ET_DIR "/classification.config",
	    .no_cache = getenv("ET_CACHE") == NULL,
	};
	FILE *devnull = fopen("/dev/null", "w");
	struct detect_load_stats st;
	struct detect_engine *de =
	    detect_engine_new(&cfg, &st, getenv("ET_LOG") ? stderr : devnull);
	assert_non_null(de);
	unsigned total = st.loaded + st.failed + st.skipped;
	printf("ET Open: %u rules, %u loaded (%.1f%%), %u failed, %u skipped, %.3f s%s\n", total,
	       st.loaded, total ? 100.0 * st.loaded / total : 0.0, st.failed, st.skipped,
	       st.seconds, st.cache_hit ? " (cache)" : "");
	printf("Top missing keywords:\n");
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	detect_print_rule_stats(de, mem);
	fclose(mem);
	int lines = 0;
	for (char *l = strtok(buf, "\n"); l && lines < 16; l = strtok(NULL, "\n"), lines++)
		printf("  %s\n", l);
	free(buf);
	printf("Unsupported keywords by rules using them:\n");
	print_missing_uses();
	assert_true(st.loaded > 0);
	detect_engine_free(de);
	fclose(devnull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_et_open_load)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
