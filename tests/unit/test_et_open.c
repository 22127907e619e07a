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
	assert_true(st.loaded > 0);
	detect_engine_free(de);
	fclose(devnull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_et_open_load)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
