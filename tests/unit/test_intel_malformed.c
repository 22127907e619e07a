/*
 * test_intel_malformed — imports never lose data silently.  One test per
 * malformation, each over files written here: a EuRepoC folder missing
 * extracts, a truncated CSV, an unterminated quote (which must not
 * swallow the good rows after it, whether or not they hold quotes), an
 * empty file and a header-only file; and `scenario score` refusing a
 * malformed EVE file.  Each checks the message (file and line) and the
 * counts of what was read and rejected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intel/intel.h"
#include "scenario/scenario.h"
#include "store/store.h"

static char tmp[256];
static int saved_stderr = -1;
static char errpath[320];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	return b;
}

/* stderr goes to a file while an import runs; returns what was written */
static void capture_stderr(void)
{
	fflush(stderr);
	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", tmp);
	int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
}

static char *release_stderr(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	return slurp(errpath);
}

static int import(const char *kind, const char *path, struct intel_import_result *res, char **err)
{
	char db[320], e[256];
	snprintf(db, sizeof(db), "%s/m.db", tmp);
	struct store *st = store_open(db, e, sizeof(e));
	assert_non_null(st);
	struct intel_provenance prov = {"P", "academia", "clear", "none"};
	capture_stderr();
	int rc = intel_source_import(st, kind, path, &prov, res);
	*err = release_stderr();
	store_close(st);
	return rc;
}

#define CIPHER_HEADER                                                                              \
	"Reference Title,Reference Link,Short Title,Description of Patient Harm,Direct Quote,"     \
	"Time Point,Speciality,Technical Domain,Clinical Impact Score\n"

static const char *row(int i)
{
	static char b[8][256];
	snprintf(b[i % 8], sizeof(b[0]),
		 "Study %d,https://pubmed.ncbi.nlm.nih.gov/%d/,Harm %d,d,q,"
		 "First Day,All,Imaging,%d\n",
		 i, i, i, i % 10 + 1);
	return b[i % 8];
}

static void test_unterminated_quote_keeps_next_rows(void **state)
{
	char path[320], text[8192];
	snprintf(path, sizeof(path), "%s/quote.csv", tmp);
	/* line 3 opens a quote it never closes; lines 4 and 5 are good */
	snprintf(text, sizeof(text), "%s%s%s%s%s", CIPHER_HEADER, row(1),
		 "Study 2,http://x,\"Harm 2,d,q,First Day,All,Imaging,5\n", row(3), row(4));
	write_file(path, text);
	struct intel_import_result res;
	char *err;
	assert_int_equal(import("cipher", path, &res, &err), 0);
	assert_int_equal(res.records, 3);
	assert_int_equal(res.malformed, 1);
	assert_int_equal(res.read, 4);
	char want[2048];
	snprintf(want, sizeof(want),
		 "vigil: %s:3: a quote opened on this line is never closed (it runs to the end of"
		 " the file at line 5); the lines after this one are read again\n",
		 path);
	assert_string_equal(err, want);
	free(err);
}

static void test_unterminated_quote_before_quoted_row(void **state)
{
	char path[320], text[8192];
	snprintf(path, sizeof(path), "%s/quote2.csv", tmp);
	/* the next good row has quotes of its own: the open quote meets them */
	snprintf(text, sizeof(text), "%s%s%s%s%s", CIPHER_HEADER, row(1),
		 "Study 2,http://x,\"Harm 2,d,q,First Day,All,Imaging,5\n",
		 "Study 3,http://y,\"Harm, 3\",d,q,First Day,All,Imaging,6\n", row(4));
	write_file(path, text);
	struct intel_import_result res;
	char *err;
	assert_int_equal(import("cipher", path, &res, &err), 0);
	assert_int_equal(res.records, 3);
	assert_int_equal(res.malformed, 1);
	assert_int_equal(res.read, 4);
	char want[2048];
	snprintf(want, sizeof(want), "vigil: %s:3: ", path);
	assert_true(strncmp(err, want, strlen(want)) == 0);
	assert_non_null(strstr(err, "the lines after this one are read again"));
	free(err);
}

static void test_truncated_file(void **state)
{
	char path[320], text[8192];
	snprintf(path, sizeof(path), "%s/trunc.csv", tmp);
	/* the last row is cut short in the middle of its fourth field */
	snprintf(text, sizeof(text), "%s%s%s%s", CIPHER_HEADER, row(1), row(2),
		 "Study 3,https://pubmed.ncbi.nlm.nih.gov/3/,Harm 3,descr");
	write_file(path, text);
	struct intel_import_result res;
	char *err;
	assert_int_equal(import("cipher", path, &res, &err), 0);
	assert_int_equal(res.records, 2);
	assert_int_equal(res.malformed, 1);
	assert_int_equal(res.read, 3);
	char want[2048];
	snprintf(want, sizeof(want),
		 "vigil: %s:4: 4 fields, the header has 9\n"
		 "vigil: %s:4: warning: the last line has no newline: the file may be truncated\n",
		 path, path);
	assert_string_equal(err, want);
	free(err);
}

static void test_empty_and_header_only(void **state)
{
	char path[320], want[400];
	snprintf(path, sizeof(path), "%s/empty.csv", tmp);
	write_file(path, "");
	struct intel_import_result res;
	char *err;
	assert_int_equal(import("cipher", path, &res, &err), -1);
	snprintf(want, sizeof(want), "vigil: %s: empty file: no header row, nothing imported\n",
		 path);
	assert_string_equal(err, want);
	free(err);
	snprintf(path, sizeof(path), "%s/header.csv", tmp);
	write_file(path, CIPHER_HEADER);
	assert_int_equal(import("cipher", path, &res, &err), 0);
	assert_int_equal(res.records, 0);
	snprintf(want, sizeof(want), "vigil: %s:1: warning: a header and no rows\n", path);
	assert_string_equal(err, want);
	free(err);
}

static void test_eurepoc_missing_files(void **state)
{
	char dir[300], path[400], cmd[700];
	snprintf(dir, sizeof(dir), "%s/eurepoc", tmp);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/dashboard_evolution_data.csv", dir);
	write_file(path, "ID,receiver_country,start_date,year,month,initiator_country,"
			 "incident_type,receiver_region\n"
			 "1,France,2021-01-01,2021,1,Unknown,Ransomware,EU(MS)\n");
	struct intel_import_result res;
	char *err;
	/* 1 file of the set: refused, naming what is missing */
	assert_int_equal(import("eurepoc", dir, &res, &err), -1);
	char want[2048];
	snprintf(want, sizeof(want),
		 "vigil: %s/dashboard_incident_types_data.csv: missing: EuRepoC's incident types"
		 " are in this file; nothing imported\n",
		 dir);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want),
		 "vigil: %s/dashboard_targeted_sectors_data.csv: missing: EuRepoC's targeted"
		 " sectors are in this file; nothing imported\n",
		 dir);
	assert_non_null(strstr(err, want));
	free(err);
	/* the three that every count rests on: imported, with a warning for
	 * each other extract */
	snprintf(path, sizeof(path), "%s/dashboard_incident_types_data.csv", dir);
	write_file(path, "ID,incident_type,weighted_cyber_intensity,start_date,year,month,"
			 "receiver_country,initiator_country,receiver_region\n"
			 "1,Ransomware,1,2021-01-01,2021,1,France,Unknown,EU(MS)\n");
	snprintf(path, sizeof(path), "%s/dashboard_targeted_sectors_data.csv", dir);
	write_file(path, "ID,start_date,year,month,initiator_country,incident_type,"
			 "receiver_country,receiver_category,receiver_category_subcode,"
			 "receiver_region\n"
			 "1,2021-01-01,2021,1,Unknown,Ransomware,France,Critical infrastructure,"
			 "Health,EU(MS)\n");
	assert_int_equal(import("eurepoc", dir, &res, &err), 0);
	assert_int_equal(res.records, 1);
	snprintf(want, sizeof(want),
		 "vigil: %s/dashboard_initiators_data.csv: warning: missing: the briefing will"
		 " have no initiator categories and names\n",
		 dir);
	assert_non_null(strstr(err, want));
	size_t warnings = 0;
	for (const char *p = err; (p = strstr(p, ": warning: missing: ")); p++)
		warnings++;
	assert_int_equal(warnings, 8);
	free(err);
}

static void test_score_malformed_eve(void **state)
{
	char pcap[320], truth[340], eve[320], err[512];
	snprintf(pcap, sizeof(pcap), "%s/s.pcap", tmp);
	assert_int_equal(scenario_write("sample", pcap, 1, 1, err, sizeof(err)), 0);
	scenario_truth_path(pcap, truth, sizeof(truth));
	snprintf(eve, sizeof(eve), "%s/eve.json", tmp);
	write_file(eve,
		   "{\"timestamp\":\"2026-03-10T08:00:00.000000+0000\",\"event_type\":\"flow\"}\n"
		   "{\"timestamp\":\"2026-03-10T08:00:01\",\"event_type\":\"alert\",\"al\n"
		   "[1,2]\n");
	struct scenario_score sc;
	assert_int_equal(scenario_score(truth, eve, &sc, err, sizeof(err)), -1);
	char want[2048];
	snprintf(want, sizeof(want), "%s:2: malformed EVE line (", eve);
	assert_true(strncmp(err, want, strlen(want)) == 0);
	assert_non_null(strstr(err, "); 2 of 3 lines malformed, no score given"));
	/* a well-formed file still scores, \u0000 in a string included */
	write_file(eve,
		   "{\"timestamp\":\"2026-03-10T08:00:00.000000+0000\",\"event_type\":\"flow\"}\n"
		   "{\"timestamp\":\"2026-03-10T08:00:00.000000+0000\",\"event_type\":\"modbus\","
		   "\"data\":\"a\\u0000b\"}\n");
	assert_int_equal(scenario_score(truth, eve, &sc, err, sizeof(err)), 0);
	scenario_score_free(&sc);
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/vigil-test-malformed-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unterminated_quote_keeps_next_rows),
	    cmocka_unit_test(test_unterminated_quote_before_quoted_row),
	    cmocka_unit_test(test_truncated_file),
	    cmocka_unit_test(test_empty_and_header_only),
	    cmocka_unit_test(test_eurepoc_missing_files),
	    cmocka_unit_test(test_score_malformed_eve),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? rc : 1;
}
