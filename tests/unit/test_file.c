/*
 * test_file.c — app/file.c, the protocol-free file tracker: in-order data
 * and digests (checked against FIPS 180 / RFC 1321 vectors for "abc"),
 * gaps, offset-addressed chunks (queued out of order, flushed when the
 * hole fills, overlaps refused, queue limits), the end states, the head
 * kept for libmagic, and the app_file_info it gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/file.h"

static const uint8_t MD5_ABC[16] = {0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2, 0x4f, 0xb0,
				    0xd6, 0x96, 0x3f, 0x7d, 0x28, 0xe1, 0x7f, 0x72};
static const uint8_t SHA1_ABC[20] = {0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
				     0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d};
static const uint8_t SHA256_ABC[32] = {
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
    0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};

#define ALL_HASHES (APP_FILE_MD5 | APP_FILE_SHA1 | APP_FILE_SHA256)

static void open_file(struct app_file *f, uint8_t hashes)
{
	app_file_init(f);
	assert_true(app_file_open(f, (const uint8_t *)"a.txt", 5, APP_TOSERVER, hashes));
}

static void test_in_order_digests(void **state)
{
	(void)state;
	struct app_file f;
	open_file(&f, ALL_HASHES);
	app_file_append(&f, (const uint8_t *)"a", 1);
	app_file_append(&f, (const uint8_t *)"bc", 2);
	app_file_close(&f);
	struct app_file_info fi;
	assert_true(app_file_info(&f, &fi));
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	assert_int_equal(fi.size, 3);
	assert_false(fi.gaps);
	assert_int_equal(fi.hashes, ALL_HASHES);
	assert_memory_equal(fi.md5, MD5_ABC, 16);
	assert_memory_equal(fi.sha1, SHA1_ABC, 20);
	assert_memory_equal(fi.sha256, SHA256_ABC, 32);
	assert_int_equal(fi.name_len, 5);
	assert_memory_equal(fi.name, "a.txt", 5);
	assert_int_equal(fi.dir, APP_TOSERVER);
	app_file_free(&f);
}

static void test_only_asked_digests(void **state)
{
	(void)state;
	struct app_file f;
	open_file(&f, APP_FILE_SHA1);
	app_file_append(&f, (const uint8_t *)"abc", 3);
	app_file_close(&f);
	struct app_file_info fi;
	assert_true(app_file_info(&f, &fi));
	assert_int_equal(fi.hashes, APP_FILE_SHA1);
	assert_memory_equal(fi.sha1, SHA1_ABC, 20);
	app_file_free(&f);
}

static void test_gap_no_digests(void **state)
{
	(void)state;
	struct app_file f;
	open_file(&f, ALL_HASHES);
	app_file_append(&f, (const uint8_t *)"ab", 2);
	app_file_gap(&f, 10);
	app_file_append(&f, (const uint8_t *)"c", 1);
	app_file_close(&f);
	struct app_file_info fi;
	assert_true(app_file_info(&f, &fi));
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	assert_true(fi.gaps);
	assert_int_equal(fi.hashes, 0);
	assert_int_equal(fi.size, 13);
	/* the head stops at the gap: libmagic sees the start only */
	uint32_t hl;
	const uint8_t *h = app_file_head(&f, &hl);
	assert_int_equal(hl, 2);
	assert_memory_equal(h, "ab", 2);
	app_file_free(&f);
}

static void test_out_of_order_chunks(void **state)
{
	(void)state;
	struct app_file f;
	open_file(&f, ALL_HASHES);
	assert_int_equal(app_file_write_at(&f, 2, (const uint8_t *)"c", 1, 0, 0),
			 APP_FILE_WRITE_QUEUED);
	assert_int_equal(app_file_write_at(&f, 1, (const uint8_t *)"b", 1, 0, 0),
			 APP_FILE_WRITE_QUEUED);
	assert_int_equal(app_file_queued_cnt(&f), 2);
	assert_int_equal(app_file_queued_bytes(&f), 2);
	assert_int_equal(f.size, 0);
	assert_int_equal(app_file_write_at(&f, 0, (const uint8_t *)"a", 1, 0, 0),
			 APP_FILE_WRITE_OK);
	assert_int_equal(app_file_queued_cnt(&f), 0);
	assert_int_equal(f.size, 3);
	/* behind the in-order end: an overlap, dropped */
	assert_int_equal(app_file_write_at(&f, 1, (const uint8_t *)"X", 1, 0, 0),
			 APP_FILE_WRITE_OVERLAP);
	app_file_close(&f);
	struct app_file_info fi;
	assert_true(app_file_info(&f, &fi));
	assert_false(fi.gaps);
	assert_memory_equal(fi.md5, MD5_ABC, 16);
	app_file_free(&f);
}

static void test_queue_limits(void **state)
{
	(void)state;
	struct app_file f;
	open_file(&f, 0);
	assert_int_equal(app_file_write_at(&f, 10, (const uint8_t *)"0123", 4, 6, 0),
			 APP_FILE_WRITE_QUEUED);
	/* 4 + 4 > 6 bytes */
	assert_int_equal(app_file_write_at(&f, 20, (const uint8_t *)"4567", 4, 6, 0),
			 APP_FILE_WRITE_QUEUE_FULL);
	/* one chunk allowed */
	assert_int_equal(app_file_write_at(&f, 30, (const uint8_t *)"8", 1, 0, 1),
			 APP_FILE_WRITE_QUEUE_FULL);
	/* in order is never refused */
	assert_int_equal(app_file_write_at(&f, 0, (const uint8_t *)"abc", 3, 1, 1),
			 APP_FILE_WRITE_OK);
	/* the queued chunk never joined: the file has a gap */
	app_file_close(&f);
	struct app_file_info fi;
	assert_true(app_file_info(&f, &fi));
	assert_true(fi.gaps);
	assert_int_equal(fi.size, 3);
	assert_int_equal(app_file_queued_cnt(&f), 0);
	app_file_free(&f);
}

static void test_end_states(void **state)
{
	(void)state;
	struct app_file f;
	struct app_file_info fi;
	app_file_init(&f);
	assert_false(app_file_info(&f, &fi)); /* never opened */
	open_file(&f, ALL_HASHES);
	app_file_append(&f, (const uint8_t *)"abc", 3);
	app_file_truncate(&f);
	assert_true(app_file_info(&f, &fi));
	assert_int_equal(fi.state, APP_FILE_TRUNCATED);
	assert_int_equal(fi.hashes, 0);
	/* data after the end is ignored, the state stays */
	app_file_append(&f, (const uint8_t *)"d", 1);
	app_file_close(&f);
	assert_true(app_file_info(&f, &fi));
	assert_int_equal(fi.state, APP_FILE_TRUNCATED);
	assert_int_equal(fi.size, 3);
	assert_int_equal(app_file_write_at(&f, 3, (const uint8_t *)"x", 1, 0, 0),
			 APP_FILE_WRITE_NOT_OPEN);
	app_file_free(&f);
	open_file(&f, 0);
	app_file_error(&f);
	assert_true(app_file_info(&f, &fi));
	assert_int_equal(fi.state, APP_FILE_ERROR);
	app_file_free(&f);
}

static void test_head_and_name_bounds(void **state)
{
	(void)state;
	struct app_file f;
	app_file_init(&f);
	uint8_t name[APP_FILE_NAME_MAX + 10];
	memset(name, 'n', sizeof(name));
	assert_true(app_file_open(&f, name, sizeof(name), APP_TOCLIENT, 0));
	assert_int_equal(f.name_len, APP_FILE_NAME_MAX);
	uint8_t *big = malloc(APP_FILE_HEAD_BYTES + 100);
	assert_non_null(big);
	memset(big, 'x', APP_FILE_HEAD_BYTES + 100);
	app_file_append(&f, big, 100);
	/* open and too short: libmagic is not asked yet */
	assert_null(app_file_magic(&f, NULL));
	app_file_append(&f, big, APP_FILE_HEAD_BYTES);
	uint32_t hl;
	app_file_head(&f, &hl);
	assert_int_equal(hl, APP_FILE_HEAD_BYTES);
	assert_int_equal(f.size, APP_FILE_HEAD_BYTES + 100);
	free(big);
	app_file_set_name(&f, (const uint8_t *)"b", 1);
	struct app_file_info fi;
	assert_true(app_file_info(&f, &fi));
	assert_int_equal(fi.name_len, 1);
	assert_int_equal(fi.state, APP_FILE_OPEN);
	assert_int_equal(fi.dir, APP_TOCLIENT);
	app_file_free(&f);
}

/* ------------------------------------------------------------ spooling */

static char spool_dir[64];

static void spool_on(uint32_t max_open)
{
	snprintf(spool_dir, sizeof(spool_dir), "/tmp/vigil-test-spool-XXXXXX");
	assert_non_null(mkdtemp(spool_dir));
	assert_true(app_file_spool_setup(spool_dir, max_open));
}

static void spool_off(void)
{
	assert_true(app_file_spool_setup(NULL, 0));
	assert_int_equal(rmdir(spool_dir), 0); /* empty: every spool was removed */
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* A closed file's spool holds its bytes, with their SHA-256; free removes it. */
static void test_spool_closed(void **state)
{
	(void)state;
	spool_on(0);
	struct app_file f;
	open_file(&f, APP_FILE_STORE);
	app_file_append(&f, (const uint8_t *)"a", 1);
	app_file_append(&f, (const uint8_t *)"bc", 2);
	struct app_file_info fi;
	assert_true(app_file_info(&f, &fi));
	assert_null(fi.spool_path); /* open: not yet */
	app_file_close(&f);
	assert_true(app_file_info(&f, &fi));
	assert_non_null(fi.spool_path);
	assert_int_equal(file_size(fi.spool_path), 3);
	assert_memory_equal(fi.spool_sha256, SHA256_ABC, 32);
	assert_int_equal(fi.hashes, 0); /* STORE asks for no digest of its own */
	char path[256];
	snprintf(path, sizeof(path), "%s", fi.spool_path);
	app_file_free(&f);
	assert_int_equal(file_size(path), -1);
	spool_off();
}

/* Truncated: kept up to the cut; a gap or an error: not kept. */
static void test_spool_end_states(void **state)
{
	(void)state;
	spool_on(0);
	struct app_file f;
	struct app_file_info fi;
	open_file(&f, APP_FILE_STORE | APP_FILE_SHA256);
	app_file_append(&f, (const uint8_t *)"abc", 3);
	app_file_truncate(&f);
	assert_true(app_file_info(&f, &fi));
	assert_non_null(fi.spool_path);
	assert_memory_equal(fi.spool_sha256, SHA256_ABC, 32);
	assert_int_equal(fi.hashes, 0); /* a truncated file has no digest in fileinfo */
	app_file_free(&f);

	open_file(&f, APP_FILE_STORE);
	app_file_append(&f, (const uint8_t *)"ab", 2);
	app_file_gap(&f, 5);
	app_file_append(&f, (const uint8_t *)"c", 1);
	app_file_close(&f);
	assert_true(app_file_info(&f, &fi));
	assert_null(fi.spool_path);
	app_file_free(&f);

	open_file(&f, APP_FILE_STORE);
	app_file_append(&f, (const uint8_t *)"abc", 3);
	app_file_error(&f);
	assert_true(app_file_info(&f, &fi));
	assert_null(fi.spool_path);
	app_file_free(&f);

	/* without STORE, or with spooling off: no spool */
	open_file(&f, 0);
	app_file_append(&f, (const uint8_t *)"abc", 3);
	app_file_close(&f);
	assert_true(app_file_info(&f, &fi));
	assert_null(fi.spool_path);
	app_file_free(&f);
	spool_off();
	open_file(&f, APP_FILE_STORE);
	app_file_close(&f);
	assert_true(app_file_info(&f, &fi));
	assert_null(fi.spool_path);
	app_file_free(&f);
}

/* max-open-files: past the limit a file is not spooled, and counted; a
 * closed one frees its place. */
static void test_spool_open_limit(void **state)
{
	(void)state;
	spool_on(2);
	uint64_t fail0 = app_file_spool_failures();
	struct app_file a, b, c, d;
	open_file(&a, APP_FILE_STORE);
	open_file(&b, APP_FILE_STORE);
	open_file(&c, APP_FILE_STORE);
	assert_non_null(a.spool_path);
	assert_non_null(b.spool_path);
	assert_null(c.spool_path);
	assert_int_equal(app_file_spool_failures(), fail0 + 1);
	app_file_close(&a);
	open_file(&d, APP_FILE_STORE);
	assert_non_null(d.spool_path);
	app_file_free(&a);
	app_file_free(&b);
	app_file_free(&c);
	app_file_free(&d);
	spool_off();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_order_digests),	 cmocka_unit_test(test_only_asked_digests),
	    cmocka_unit_test(test_gap_no_digests),	 cmocka_unit_test(test_out_of_order_chunks),
	    cmocka_unit_test(test_queue_limits),	 cmocka_unit_test(test_end_states),
	    cmocka_unit_test(test_head_and_name_bounds),
	    cmocka_unit_test(test_spool_closed),
	    cmocka_unit_test(test_spool_end_states),
	    cmocka_unit_test(test_spool_open_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
