/* Tests for eve-file: every line handed over is counted, per event type,
 * as written or lost; a write cut short (file size limit standing in for a
 * full disk) leaves only whole lines in the file; /dev/full loses all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/eve.h"

static const char *ev_flow =
    "{\"timestamp\":\"t\",\"event_type\":\"flow\",\"pad\":\"0123456789\"}\n";
static const char *ev_dns = "{\"timestamp\":\"t\",\"event_type\":\"dns\"}\n";

static const struct eve_type_count *type_of(const struct eve_file_stats *s, const char *name)
{
	for (size_t i = 0; i < s->ntypes; i++)
		if (strcmp(s->types[i].name, name) == 0)
			return &s->types[i];
	return NULL;
}

/* A batch of n lines, flow and dns alternating. */
static char *batch(int n, size_t *len)
{
	size_t cap = (size_t)n * 80 + 1, o = 0;
	char *b = malloc(cap);
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(b + o, cap - o, "%s", i % 2 ? ev_dns : ev_flow);
	*len = o;
	return b;
}

static void test_counts_per_type(void **state)
{
	(void)state;
	char path[] = "/tmp/vigil-test-evefile-XXXXXX";
	close(mkstemp(path));
	char err[256];
	struct eve_file *f = eve_file_open(path, err, sizeof(err));
	assert_non_null(f);
	size_t len;
	char *b = batch(5, &len);
	assert_true(eve_file_write(f, b, len));
	struct eve_file_stats s;
	eve_file_get_stats(f, &s);
	assert_true(s.regular);
	assert_int_equal(s.written, 5);
	assert_int_equal(s.lost, 0);
	assert_int_equal(type_of(&s, "flow")->written, 3);
	assert_int_equal(type_of(&s, "dns")->written, 2);
	assert_true(eve_file_close(f));
	free(b);
	unlink(path);
}

/* The file size limit cuts a write in the middle of a line, as a disk
 * filling up does: the cut line is taken back, the rest counted lost. */
static void test_cut_write_truncated(void **state)
{
	(void)state;
	char path[] = "/tmp/vigil-test-evefile-XXXXXX";
	close(mkstemp(path));
	char err[256];
	struct eve_file *f = eve_file_open(path, err, sizeof(err));
	assert_non_null(f);
	size_t len;
	char *b = batch(100, &len);
	struct rlimit old, lim = {.rlim_cur = 1000, .rlim_max = RLIM_INFINITY};
	getrlimit(RLIMIT_FSIZE, &old);
	lim.rlim_max = old.rlim_max;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	bool ok = eve_file_write(f, b, len);
	setrlimit(RLIMIT_FSIZE, &old);
	assert_false(ok);
	struct eve_file_stats s;
	eve_file_get_stats(f, &s);
	assert_int_equal(s.written + s.lost, 100);
	assert_true(s.written > 0);
	assert_true(s.lost > 0);
	assert_int_equal(s.write_errors, 1);
	assert_int_equal(type_of(&s, "flow")->written + type_of(&s, "flow")->lost, 50);
	eve_file_close(f);
	/* The file holds exactly the lines counted written, each whole. */
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	FILE *in = fopen(path, "r");
	char line[256];
	uint64_t n = 0;
	size_t bytes = 0;
	while (fgets(line, sizeof(line), in)) {
		assert_int_equal(line[strlen(line) - 1], '\n');
		assert_non_null(strstr(line, "\"event_type\""));
		bytes += strlen(line);
		n++;
	}
	fclose(in);
	assert_int_equal(n, s.written);
	assert_int_equal((size_t)st.st_size, bytes);
	assert_true(st.st_size <= 1000);
	free(b);
	unlink(path);
}

static void test_dev_full_loses_all(void **state)
{
	(void)state;
	char err[256];
	struct eve_file *f = eve_file_open("/dev/full", err, sizeof(err));
	if (!f)
		skip();
	size_t len;
	char *b = batch(7, &len);
	assert_false(eve_file_write(f, b, len));
	assert_false(eve_file_write(f, b, len));
	struct eve_file_stats s;
	eve_file_get_stats(f, &s);
	assert_false(s.regular);
	assert_int_equal(s.written, 0);
	assert_int_equal(s.lost, 14);
	assert_int_equal(s.write_errors, 2);
	assert_int_equal(type_of(&s, "dns")->lost, 6);
	eve_file_close(f);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts_per_type),
	    cmocka_unit_test(test_cut_write_truncated),
	    cmocka_unit_test(test_dev_full_loses_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
