/*
 * test_kw_file.c — file keywords (kw-file.c): filename, fileext,
 * filesize, the hash lists and filemagic / file.magic, over a real HTTP
 * exchange that downloads a file; and their malformed forms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_app_run.h"

static const char req[] = "GET /dl?id=7 HTTP/1.1\r\nHost: files.example\r\n\r\n";
static const char resp[] = "HTTP/1.1 200 OK\r\n"
			   "Content-Disposition: attachment; filename=\"Report.PDF\"\r\n"
			   "Content-Length: 11\r\n"
			   "\r\n"
			   "hello world";

/* Digests of "hello world". */
#define MD5 "5eb63bbbe01eeed093cb22bb8f5acdc3"
#define SHA1 "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
#define SHA256 "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"

/* Writes a hash list; returns its malloc'd path. */
static char *write_list(const char *text)
{
	char *path = strdup("/tmp/vigil-test-hashes-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_file_keywords_match(void **state)
{
	(void)state;
	char *md5 = write_list("# known bad\n\n00000000000000000000000000000000\n" MD5 "\n");
	char *sha1 = write_list(SHA1 "\n");
	char *sha256 =
	    write_list("1111111111111111111111111111111111111111111111111111111111111111\n");
	char rules[4096];
	snprintf(
	    rules, sizeof(rules),
	    "alert http any any -> any any (filename:\"report.pdf\"; sid:1;)\n"
	    "alert http any any -> any any (filename:\"other\"; sid:2;)\n"
	    "alert http any any -> any any (filename:!\"other\"; sid:3;)\n"
	    "alert tcp any any -> any any (fileext:\"pdf\"; sid:4;)\n"
	    "alert http any any -> any any (fileext:\"PD\"; sid:5;)\n"
	    "alert http any any -> any any (filesize:11; sid:6;)\n"
	    "alert http any any -> any any (filesize:>11; sid:7;)\n"
	    "alert http any any -> any any (filemd5:%s; sid:8;)\n"
	    "alert http any any -> any any (filemd5:!%s; sid:9;)\n"
	    "alert http any any -> any any (filesha256:%s; sid:10;)\n"
	    "alert http any any -> any any (filesha1:%s; sid:11;)\n"
	    "alert http any any -> any any (fileext:\"pdf\"; http.uri; content:\"/dl\"; sid:12;)\n",
	    md5, md5, sha256, sha1);
	struct run r;
	run_init(&r, rules, 12);
	assert_int_equal(detect_engine_file_hashes(r.de),
			 APP_FILE_MD5 | APP_FILE_SHA1 | APP_FILE_SHA256);
	run_http_flow(&r, req, resp);
	static const uint32_t yes[] = {1, 3, 4, 6, 8, 11};
	static const uint32_t no[] = {2, 5, 7, 9, 10, 12};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		assert_int_equal(count_sid(&r.hits, yes[i]), 1);
		int k = hit_index(&r.hits, yes[i]);
		assert_false(r.hits.toserver[k]); /* the file flows to the client */
		assert_int_equal(r.hits.tx_id[k], 0);
		assert_true(r.hits.flags[k] & ALERT_F_TX);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(count_sid(&r.hits, no[i]), 0);
	run_free(&r);
	unlink(md5), unlink(sha1), unlink(sha256);
	free(md5), free(sha1), free(sha256);
}

/* Without hash keywords no digest is asked for; a body-less response has no file. */
static void test_no_file_no_hashes(void **state)
{
	(void)state;
	struct run r;
	run_init(&r,
		 "alert http any any -> any any (filesize:0; sid:1;)\n"
		 "alert http any any -> any any (filename:!\"x\"; sid:2;)\n",
		 2);
	assert_int_equal(detect_engine_file_hashes(r.de), 0);
	run_http_flow(&r, req, "HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(r.hits.n, 0);
	run_free(&r);
}

/* libmagic's type of the downloaded file: filemagic is case-insensitive,
 * file.magic takes content as it is. */
static void test_filemagic(void **state)
{
	(void)state;
	struct run r;
	run_init(&r,
		 "alert http any any -> any any (filemagic:\"pdf document\"; sid:1;)\n"
		 "alert http any any -> any any (file.magic; content:\"PDF document\"; sid:2;)\n"
		 "alert http any any -> any any (file.magic; content:\"pdf document\"; sid:3;)\n"
		 "alert http any any -> any any (filemagic:\"PNG image\"; sid:4;)\n"
		 "alert http any any -> any any (filemagic:!\"PNG image\"; sid:5;)\n",
		 5);
	run_http_flow(&r, req,
		      "HTTP/1.1 200 OK\r\nContent-Length: 29\r\n\r\n"
		      "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n");
	assert_int_equal(count_sid(&r.hits, 1), 1);
	assert_int_equal(count_sid(&r.hits, 2), 1);
	assert_int_equal(count_sid(&r.hits, 3), 0);
	assert_int_equal(count_sid(&r.hits, 4), 0);
	assert_int_equal(count_sid(&r.hits, 5), 1);
	assert_false(r.hits.toserver[hit_index(&r.hits, 1)]);
	run_free(&r);
}

static void test_file_keywords_malformed(void **state)
{
	(void)state;
	char *list = write_list("not-a-digest\n" MD5 "\n");
	char *empty = write_list("# nothing\nzz\n");
	char rule[512];
	snprintf(rule, sizeof(rule), "alert http any any -> any any (filemd5:%s; sid:1;)", list);
	assert_int_equal(th_parse_result(rule), 1); /* bad line skipped, one digest kept */
	snprintf(rule, sizeof(rule), "alert http any any -> any any (filemd5:%s; sid:1;)", empty);
	assert_int_equal(th_parse_result(rule), 0);
	/* a SHA-256 list does not hold MD5 digests */
	snprintf(rule, sizeof(rule), "alert http any any -> any any (filesha256:%s; sid:1;)", list);
	assert_int_equal(th_parse_result(rule), 0);
	assert_int_equal(
	    th_parse_result("alert http any any -> any any (filemd5:/nonexistent/list; sid:1;)"),
	    0);
	assert_int_equal(th_parse_result("alert http any any -> any any (filemd5:; sid:1;)"), 0);
	assert_int_equal(th_parse_result("alert http any any -> any any (fileext:pdf; sid:1;)"), 0);
	assert_int_equal(th_parse_result("alert http any any -> any any (fileext:\"\"; sid:1;)"),
			 0);
	assert_int_equal(th_parse_result("alert http any any -> any any (filename:\"a; sid:1;)"),
			 0);
	assert_int_equal(th_parse_result("alert http any any -> any any (filesize:abc; sid:1;)"),
			 0);
	assert_int_equal(th_parse_result("alert http any any -> any any (filesize:>; sid:1;)"), 0);
	assert_int_equal(th_parse_result("alert http any any -> any any (filesize:1<>100; sid:1;)"),
			 1);
	unlink(list), unlink(empty);
	free(list), free(empty);
}

/* filestore: one rule per flow; which files its match marks for storing
 * (app_flow_file_store_wanted) by direction and scope. */
struct store_case {
	const char *opt; /* the keyword with its value */
	bool tx0_tc, tx0_ts, tx1_tc, tx1_ts;
};

static void test_filestore_scopes(void **state)
{
	(void)state;
	static const struct store_case cases[] = {
	    {"filestore;", true, false, false, false}, /* the matched file */
	    {"filestore:response;", true, false, false, false},
	    {"filestore:to_client,tx;", true, false, false, false},
	    {"filestore:request;", false, true, false, false},
	    {"filestore:to_server,tx;", false, true, false, false},
	    {"filestore:both;", true, true, false, false},
	    {"filestore:both,flow;", true, true, true, true},
	    {"filestore:response,ssn;", true, false, true, false},
	    {"filestore:request,flow;", false, true, false, true},
	    {"filestore:request,file;", true, false, false, false}, /* file: the matched one */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct store_case *c = &cases[i];
		char rule[256];
		snprintf(rule, sizeof(rule), "alert http any any -> any any (%s sid:1;)\n", c->opt);
		struct run r;
		run_init(&r, rule, 1);
		assert_true(detect_engine_file_store(r.de));
		run_http_flow(&r, req, resp);
		assert_int_equal(count_sid(&r.hits, 1), 1);
		assert_int_equal(app_flow_file_store_wanted(r.f, 0, APP_TOCLIENT), c->tx0_tc);
		assert_int_equal(app_flow_file_store_wanted(r.f, 0, APP_TOSERVER), c->tx0_ts);
		assert_int_equal(app_flow_file_store_wanted(r.f, 1, APP_TOCLIENT), c->tx1_tc);
		assert_int_equal(app_flow_file_store_wanted(r.f, 1, APP_TOSERVER), c->tx1_ts);
		run_free(&r);
	}
}

/* A rule that does not match, or a transaction without a file, marks nothing. */
static void test_filestore_no_match(void **state)
{
	(void)state;
	struct run r;
	run_init(&r,
		 "alert http any any -> any any (http.uri; content:\"/nothere\"; "
		 "filestore:both,flow; sid:1;)\n",
		 1);
	run_http_flow(&r, req, resp);
	assert_int_equal(r.hits.n, 0);
	assert_false(app_flow_file_store_wanted(r.f, 0, APP_TOCLIENT));
	run_free(&r);
	run_init(&r, "alert http any any -> any any (filestore; sid:1;)\n", 1);
	run_http_flow(&r, req, "HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(r.hits.n, 0);
	assert_false(app_flow_file_store_wanted(r.f, 0, APP_TOCLIENT));
	run_free(&r);
	/* no filestore rule: nothing asks for spooling */
	run_init(&r, "alert http any any -> any any (filesize:11; sid:1;)\n", 1);
	assert_false(detect_engine_file_store(r.de));
	run_free(&r);
}

static void test_filestore_malformed(void **state)
{
	(void)state;
	assert_int_equal(th_parse_result("alert http any any -> any any (filestore:sideways; sid:1;)"),
			 0);
	assert_int_equal(
	    th_parse_result("alert http any any -> any any (filestore:both,forever; sid:1;)"), 0);
	assert_int_equal(
	    th_parse_result("alert http any any -> any any (filestore:both,flow,x,y; sid:1;)"), 0);
	assert_int_equal(
	    th_parse_result("alert http any any -> any any (filestore: both , flow ; sid:1;)"), 1);
	assert_int_equal(th_parse_result("alert tcp any any -> any any (filestore; sid:1;)"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_keywords_match),
	    cmocka_unit_test(test_no_file_no_hashes),
	    cmocka_unit_test(test_filemagic),
	    cmocka_unit_test(test_file_keywords_malformed),
	    cmocka_unit_test(test_filestore_scopes),
	    cmocka_unit_test(test_filestore_no_match),
	    cmocka_unit_test(test_filestore_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
