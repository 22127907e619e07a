/*
 * test_http_upload.c — request bodies as files (app/http-body.c): a
 * multipart/form-data POST split at every byte, a PUT, a boundary-like
 * line inside a part, a body cut inside a part (TRUNCATED), a part
 * without a filename (no file), an over-long boundary (not split), and
 * the descriptor's tx_file order (uploads, then the response body).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "app/file.h"
#include "app/http-internal.h"

extern const struct app_protocol app_http;

static struct http_state *new_state(void)
{
	struct http_state *s = http_state_new();
	struct http_config cfg = {HTTP_BODY_LIMIT_DEFAULT, HTTP_BODY_LIMIT_DEFAULT,
				  HTTP_DECOMPRESS_LIMIT_DEFAULT, HTTP_FILE_HASHES_ALL,
				  HTTP_DECOMPRESS_LAYERS_DEFAULT};
	http_state_configure(s, &cfg);
	return s;
}

static void sha256(const void *d, size_t n, uint8_t out[32])
{
	unsigned l = 0;
	EVP_Digest(d, n, out, &l, EVP_sha256(), NULL);
}

#define BOUNDARY "----WebKitFormBoundary7MA4YWxkTrZu0gW"
static const char PART1[] = "GIF89a\x01\x00\x01\x00\r\n--" BOUNDARY "x not it\r\n\r";
static const char PART2[] = "second";

static void put(char *b, size_t *o, const void *d, size_t n)
{
	memcpy(b + *o, d, n);
	*o += n;
}
#define PUTS(b, o, s) put(b, o, s, strlen(s))

/* The parts hold NUL bytes: built with lengths, not as C strings. */
static char *multipart_request(size_t *len)
{
	char body[1024];
	size_t bl = 0;
	PUTS(body, &bl, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\n"
			"hello\r\n--" BOUNDARY "\r\n"
			"Content-Disposition: form-data; name=\"up\"; filename=\"a.gif\"\r\n"
			"Content-Type: image/gif\r\n\r\n");
	put(body, &bl, PART1, sizeof(PART1) - 1);
	PUTS(body, &bl, "\r\n--" BOUNDARY "\r\n"
			"content-disposition: form-data; name=\"b\"; filename=b.txt\r\n\r\n");
	put(body, &bl, PART2, sizeof(PART2) - 1);
	PUTS(body, &bl, "\r\n--" BOUNDARY "--\r\n");
	char *req = malloc(2048);
	int n = snprintf(req, 2048,
			 "POST /upload.php HTTP/1.1\r\nHost: x\r\n"
			 "Content-Type: multipart/form-data; boundary=" BOUNDARY "\r\n"
			 "Content-Length: %zu\r\n\r\n",
			 bl);
	memcpy(req + n, body, bl);
	*len = (size_t)n + bl;
	return req;
}

static void check_two_files(struct http_tx *tx)
{
	const struct app_file *f0 = http_tx_upload(tx, 0), *f1 = http_tx_upload(tx, 1);
	assert_non_null(f0);
	assert_non_null(f1);
	assert_null(http_tx_upload(tx, 2));
	struct app_file_info i0, i1;
	assert_true(app_file_info(f0, &i0));
	assert_true(app_file_info(f1, &i1));
	assert_int_equal(i0.state, APP_FILE_CLOSED);
	assert_int_equal(i0.dir, APP_TOSERVER);
	assert_int_equal(i0.name_len, 5);
	assert_memory_equal(i0.name, "a.gif", 5);
	assert_int_equal(i0.size, sizeof(PART1) - 1);
	uint8_t want[32];
	sha256(PART1, sizeof(PART1) - 1, want);
	assert_memory_equal(i0.sha256, want, 32);
	assert_int_equal(i1.name_len, 5);
	assert_memory_equal(i1.name, "b.txt", 5);
	sha256(PART2, sizeof(PART2) - 1, want);
	assert_memory_equal(i1.sha256, want, 32);
	assert_int_equal(i1.state, APP_FILE_CLOSED);
}

static void test_multipart_every_split(void **st)
{
	(void)st;
	size_t n;
	char *req = multipart_request(&n);
	for (size_t cut = 0; cut <= n; cut++) {
		struct http_state *s = new_state();
		http_parse(s, APP_TOSERVER, (const uint8_t *)req, (uint32_t)cut, 0);
		http_parse(s, APP_TOSERVER, (const uint8_t *)req + cut, (uint32_t)(n - cut), 0);
		check_two_files(http_tx_get(s, 0));
		http_state_free(s);
	}
	/* one byte at a time */
	struct http_state *s = new_state();
	for (size_t i = 0; i < n; i++)
		http_parse(s, APP_TOSERVER, (const uint8_t *)req + i, 1, 0);
	check_two_files(http_tx_get(s, 0));
	/* the descriptor: uploads first, then the response body */
	http_parse(s, APP_TOCLIENT, (const uint8_t *)"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		   40, 0);
	struct app_file_info fi;
	assert_true(app_http.tx_file(http_tx_get(s, 0), 1, &fi));
	assert_memory_equal(fi.name, "b.txt", 5);
	assert_true(app_http.tx_file(http_tx_get(s, 0), 2, &fi));
	assert_int_equal(fi.dir, APP_TOCLIENT);
	assert_false(app_http.tx_file(http_tx_get(s, 0), 3, &fi));
	http_state_free(s);
	free(req);
}

/* The body ends inside the second file: it is truncated, the first is whole. */
static void test_multipart_cut(void **st)
{
	(void)st;
	size_t n;
	char *req = multipart_request(&n);
	const char *p2 = memmem(req, n, "second", 6);
	struct http_state *s = new_state();
	http_parse(s, APP_TOSERVER, (const uint8_t *)req, (uint32_t)(p2 + 3 - req),
		   APP_CHUNK_EOF);
	struct http_tx *tx = http_tx_get(s, 0);
	struct app_file_info i0, i1;
	assert_true(app_file_info(http_tx_upload(tx, 0), &i0));
	assert_int_equal(i0.state, APP_FILE_CLOSED);
	assert_true(app_file_info(http_tx_upload(tx, 1), &i1));
	assert_int_equal(i1.state, APP_FILE_TRUNCATED);
	assert_int_equal(i1.size, 3);
	http_state_free(s);
	free(req);
}

static void test_put_and_not_files(void **st)
{
	(void)st;
	struct http_state *s = new_state();
	const char put[] = "PUT /dav/report.pdf?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n"
			   "%PDF-1.4";
	http_parse(s, APP_TOSERVER, (const uint8_t *)put, sizeof(put) - 1, 0);
	struct app_file_info fi;
	assert_true(app_file_info(http_tx_upload(http_tx_get(s, 0), 0), &fi));
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	assert_int_equal(fi.size, 8);
	assert_int_equal(fi.name_len, 15);
	assert_memory_equal(fi.name, "/dav/report.pdf", 15);
	http_state_free(s);

	/* a urlencoded POST and a multipart one with an over-long boundary: no files */
	s = new_state();
	const char post[] = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
			    "x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b";
	http_parse(s, APP_TOSERVER, (const uint8_t *)post, sizeof(post) - 1, 0);
	assert_null(http_tx_upload(http_tx_get(s, 0), 0));
	char longb[200];
	memset(longb, 'b', 71);
	longb[71] = '\0';
	char req[512];
	int n = snprintf(req, sizeof(req),
			 "POST /b HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
			 "boundary=%s\r\nContent-Length: 80\r\n\r\n--%s\r\nContent-Disposition: "
			 "form-data; filename=\"x\"\r\n\r\n",
			 longb, longb);
	http_parse(s, APP_TOSERVER, (const uint8_t *)req, (uint32_t)n, 0);
	assert_null(http_tx_upload(http_tx_get(s, 1), 0));
	http_state_free(s);
}

/* Bare LF line ends (as libhtp accepts), and CRs inside a part kept. */
static void test_multipart_lf(void **st)
{
	(void)st;
	static const char body[] = "--B\nContent-Disposition: form-data; filename=\"x\"\n\n"
				   "a\rb\r\r\n--B\n"
				   "Content-Disposition: form-data; filename=\"y\"\n\nyy\n--B--\n";
	char req[512];
	int n = snprintf(req, sizeof(req),
			 "POST /u HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
			 "boundary=\"B\"\r\nContent-Length: %zu\r\n\r\n%s",
			 sizeof(body) - 1, body);
	for (int cut = 0; cut <= n; cut++) {
		struct http_state *s = new_state();
		http_parse(s, APP_TOSERVER, (const uint8_t *)req, (uint32_t)cut, 0);
		http_parse(s, APP_TOSERVER, (const uint8_t *)req + cut, (uint32_t)(n - cut), 0);
		struct http_tx *tx = http_tx_get(s, 0);
		struct app_file_info fi;
		assert_true(app_file_info(http_tx_upload(tx, 0), &fi));
		uint8_t want[32];
		sha256("a\rb\r", 4, want);
		assert_int_equal(fi.size, 4);
		assert_memory_equal(fi.sha256, want, 32);
		assert_true(app_file_info(http_tx_upload(tx, 1), &fi));
		assert_int_equal(fi.size, 2);
		assert_int_equal(fi.state, APP_FILE_CLOSED);
		http_state_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_multipart_every_split),
	    cmocka_unit_test(test_multipart_cut),
	    cmocka_unit_test(test_put_and_not_files),
	    cmocka_unit_test(test_multipart_lf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
