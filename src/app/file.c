/*
 * file.c — the protocol-free file tracker (see file.h).
 *
 * Every write is copied: nothing here keeps a pointer into the caller's
 * data.  Reads of the caller's bytes never go past the length given.
 * Queued out-of-order chunks are a list sorted by offset; a chunk that
 * joins the in-order end is appended, then every queued chunk that now
 * starts at the expected offset follows it.  A queued chunk that starts
 * behind the in-order end (two chunks overlapping) is dropped as Suricata's
 * tracker never flushes it either.
 */
#include "app/file.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Spooling settings: written once before the workers start, read-only
 * after; the counters are shared by the workers. */
static char *spool_dir;
static uint32_t spool_max_open;
static atomic_uint_fast64_t spool_seq;
static atomic_uint_fast32_t spool_open_cnt;
static atomic_uint_fast64_t spool_fail;

bool app_file_spool_setup(const char *dir, uint32_t max_open)
{
	free(spool_dir);
	spool_dir = NULL;
	if (dir == NULL)
		return true;
	spool_dir = strdup(dir);
	spool_max_open = max_open;
	return spool_dir != NULL;
}

static bool store_force, store_depth_set;
static uint64_t store_depth;

void app_file_store_setup(bool force, bool depth_set, uint64_t depth)
{
	store_force = force;
	store_depth_set = depth_set;
	store_depth = depth;
}

bool app_file_store_forced(void)
{
	return store_force && spool_dir != NULL;
}

bool app_file_store_depth(uint64_t *depth)
{
	*depth = store_depth;
	return store_depth_set && spool_dir != NULL;
}

uint64_t app_file_spool_failures(void)
{
	return atomic_load(&spool_fail);
}

static void spool_open(struct app_file *f)
{
	if (spool_dir == NULL)
		return;
	if (spool_max_open != 0 && atomic_fetch_add(&spool_open_cnt, 1) >= spool_max_open) {
		atomic_fetch_sub(&spool_open_cnt, 1);
		atomic_fetch_add(&spool_fail, 1);
		return;
	}
	if (spool_max_open == 0)
		atomic_fetch_add(&spool_open_cnt, 1);
	size_t n = strlen(spool_dir) + 64;
	char *path = malloc(n);
	int fd = -1;
	if (path != NULL) {
		snprintf(path, n, "%s/vigil-spool.%ld.%llu", spool_dir, (long)getpid(),
			 (unsigned long long)atomic_fetch_add(&spool_seq, 1));
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
	EVP_MD_CTX *md = fp != NULL ? EVP_MD_CTX_new() : NULL;
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		if (fp != NULL)
			fclose(fp);
		else if (fd >= 0)
			close(fd);
		if (fd >= 0)
			unlink(path);
		free(path);
		atomic_fetch_sub(&spool_open_cnt, 1);
		atomic_fetch_add(&spool_fail, 1);
		return;
	}
	f->spool = fp;
	f->spool_path = path;
	f->spool_md = md;
}

/* Closes the spool's stream; a write that failed spoils it. */
static void spool_end(struct app_file *f, bool keep)
{
	if (f->spool == NULL)
		return;
	if (fclose(f->spool) != 0 && !f->spool_bad) {
		f->spool_bad = true;
		atomic_fetch_add(&spool_fail, 1);
	}
	f->spool = NULL;
	atomic_fetch_sub(&spool_open_cnt, 1);
	if (keep && !f->spool_bad && EVP_DigestFinal_ex(f->spool_md, f->spool_sha256, NULL) != 1)
		f->spool_bad = true;
	if (!keep)
		f->spool_bad = true;
	EVP_MD_CTX_free(f->spool_md);
	f->spool_md = NULL;
}

static void spool_write(struct app_file *f, const uint8_t *d, uint32_t n)
{
	if (f->spool == NULL || f->spool_bad)
		return;
	if (fwrite(d, 1, n, f->spool) != n) {
		f->spool_bad = true;
		atomic_fetch_add(&spool_fail, 1);
		return;
	}
	EVP_DigestUpdate(f->spool_md, d, n);
}

struct app_file_chunk {
	struct app_file_chunk *next;
	uint64_t off;
	uint32_t len;
	uint8_t data[];
};

static const EVP_MD *file_md(int i)
{
	return i == 0 ? EVP_md5() : i == 1 ? EVP_sha1() : EVP_sha256();
}

void app_file_init(struct app_file *f)
{
	memset(f, 0, sizeof(*f));
}

static void md_free(struct app_file *f)
{
	for (int i = 0; i < 3; i++) {
		EVP_MD_CTX_free(f->md[i]);
		f->md[i] = NULL;
	}
}

void app_file_set_name(struct app_file *f, const uint8_t *name, uint32_t name_len)
{
	if (name_len > APP_FILE_NAME_MAX)
		name_len = APP_FILE_NAME_MAX;
	uint8_t *n = malloc(name_len + 1u);
	if (n == NULL)
		return;
	if (name_len > 0)
		memcpy(n, name, name_len);
	n[name_len] = 0;
	free(f->name);
	f->name = n;
	f->name_len = name_len;
}

bool app_file_open(struct app_file *f, const uint8_t *name, uint32_t name_len, enum app_dir dir,
		   uint8_t hashes)
{
	app_file_free(f);
	app_file_init(f);
	f->dir = dir;
	f->want = hashes & (APP_FILE_MD5 | APP_FILE_SHA1 | APP_FILE_SHA256);
	app_file_set_name(f, name, name_len);
	if (f->name == NULL) {
		f->state = APP_FILE_ERROR;
		return false;
	}
	for (int i = 0; i < 3; i++) {
		if (!(f->want & (1u << i)))
			continue;
		f->md[i] = EVP_MD_CTX_new();
		if (f->md[i] == NULL || EVP_DigestInit_ex(f->md[i], file_md(i), NULL) != 1) {
			EVP_MD_CTX_free(f->md[i]);
			f->md[i] = NULL;
			f->want &= (uint8_t) ~(1u << i);
		}
	}
	f->state = APP_FILE_OPEN;
	if (hashes & APP_FILE_STORE)
		spool_open(f);
	return true;
}

bool app_file_is_open(const struct app_file *f)
{
	return f->state == APP_FILE_OPEN;
}

static void keep_head(struct app_file *f, const uint8_t *d, uint32_t n)
{
	if (f->head_len >= APP_FILE_HEAD_BYTES || n == 0)
		return;
	if (f->head == NULL) {
		f->head = malloc(APP_FILE_HEAD_BYTES);
		if (f->head == NULL)
			return;
	}
	uint32_t room = APP_FILE_HEAD_BYTES - f->head_len;
	uint32_t k = n < room ? n : room;
	memcpy(f->head + f->head_len, d, k);
	f->head_len += k;
}

void app_file_append(struct app_file *f, const uint8_t *d, uint32_t n)
{
	if (f->state != APP_FILE_OPEN || n == 0)
		return;
	if (!f->gaps) {
		spool_write(f, d, n);
		for (int i = 0; i < 3; i++)
			if (f->md[i] != NULL)
				EVP_DigestUpdate(f->md[i], d, n);
		/* libmagic looks at the start of the file: bytes after a gap are
		 * not the start any more */
		if (f->size == f->head_len)
			keep_head(f, d, n);
	}
	f->size += n;
	f->tracked += n;
}

void app_file_gap(struct app_file *f, uint64_t n)
{
	if (f->state != APP_FILE_OPEN)
		return;
	f->gaps = true;
	md_free(f);
	f->spool_bad = true; /* a file with a hole is not kept */
	f->size += n;
	f->tracked += n;
}

/* Appends every queued chunk that now starts at the expected offset;
 * drops those left behind it. */
static void flush_queue(struct app_file *f)
{
	while (f->ooo != NULL && f->ooo->off <= f->tracked) {
		struct app_file_chunk *c = f->ooo;
		f->ooo = c->next;
		f->ooo_cnt--;
		f->ooo_bytes -= c->len;
		if (c->off == f->tracked)
			app_file_append(f, c->data, c->len);
		free(c);
	}
}

enum app_file_write_result app_file_write_at(struct app_file *f, uint64_t off, const uint8_t *d,
					     uint32_t n, uint64_t max_bytes, uint32_t max_cnt)
{
	if (f->state != APP_FILE_OPEN)
		return APP_FILE_WRITE_NOT_OPEN;
	if (off < f->tracked)
		return APP_FILE_WRITE_OVERLAP;
	if (off == f->tracked) {
		app_file_append(f, d, n);
		flush_queue(f);
		return APP_FILE_WRITE_OK;
	}
	if ((max_bytes != 0 && f->ooo_bytes + n > max_bytes) ||
	    (max_cnt != 0 && f->ooo_cnt >= max_cnt))
		return APP_FILE_WRITE_QUEUE_FULL;
	struct app_file_chunk *c = malloc(sizeof(*c) + n);
	if (c == NULL)
		return APP_FILE_WRITE_QUEUE_FULL;
	c->off = off;
	c->len = n;
	if (n > 0)
		memcpy(c->data, d, n);
	struct app_file_chunk **pp = &f->ooo;
	while (*pp != NULL && (*pp)->off <= off)
		pp = &(*pp)->next;
	c->next = *pp;
	*pp = c;
	f->ooo_cnt++;
	f->ooo_bytes += n;
	return APP_FILE_WRITE_QUEUED;
}

uint64_t app_file_queued_bytes(const struct app_file *f)
{
	return f->ooo_bytes;
}

uint32_t app_file_queued_cnt(const struct app_file *f)
{
	return f->ooo_cnt;
}

static void drop_queue(struct app_file *f)
{
	while (f->ooo != NULL) {
		struct app_file_chunk *c = f->ooo;
		f->ooo = c->next;
		free(c);
	}
	f->ooo_cnt = 0;
	f->ooo_bytes = 0;
}

static void finish(struct app_file *f, enum app_file_state st)
{
	if (f->state != APP_FILE_OPEN)
		return;
	if (f->ooo != NULL) {
		f->gaps = true;
		drop_queue(f);
	}
	if (st == APP_FILE_CLOSED && !f->gaps) {
		uint8_t *out[3] = {f->md5, f->sha1, f->sha256};
		for (int i = 0; i < 3; i++)
			if (f->md[i] != NULL && EVP_DigestFinal_ex(f->md[i], out[i], NULL) == 1)
				f->hashes |= (uint8_t)(1u << i);
	}
	md_free(f);
	spool_end(f, st != APP_FILE_ERROR && !f->gaps);
	f->state = st;
}

void app_file_close(struct app_file *f)
{
	finish(f, APP_FILE_CLOSED);
}

void app_file_truncate(struct app_file *f)
{
	finish(f, APP_FILE_TRUNCATED);
}

void app_file_error(struct app_file *f)
{
	finish(f, APP_FILE_ERROR);
}

void app_file_free(struct app_file *f)
{
	md_free(f);
	spool_end(f, false);
	if (f->spool_path != NULL) {
		/* gone already when the file-store took it */
		if (unlink(f->spool_path) != 0 && errno != ENOENT)
			atomic_fetch_add(&spool_fail, 1);
		free(f->spool_path);
		f->spool_path = NULL;
	}
	drop_queue(f);
	free(f->name);
	free(f->head);
	f->name = NULL;
	f->head = NULL;
	f->name_len = 0;
	f->head_len = 0;
}

bool app_file_info(const struct app_file *f, struct app_file_info *out)
{
	memset(out, 0, sizeof(*out));
	if (f->state == APP_FILE_NONE)
		return false;
	out->state = f->state;
	out->dir = f->dir;
	out->name = f->name;
	out->name_len = f->name_len;
	out->size = f->size;
	out->hashes = f->hashes;
	out->gaps = f->gaps;
	memcpy(out->md5, f->md5, sizeof(out->md5));
	memcpy(out->sha1, f->sha1, sizeof(out->sha1));
	memcpy(out->sha256, f->sha256, sizeof(out->sha256));
	if (f->spool_path != NULL && !f->spool_bad && f->spool == NULL &&
	    (f->state == APP_FILE_CLOSED || f->state == APP_FILE_TRUNCATED)) {
		out->spool_path = f->spool_path;
		memcpy(out->spool_sha256, f->spool_sha256, sizeof(out->spool_sha256));
	}
	return true;
}

const char *app_file_magic(const struct app_file *f, struct file_magic *fm)
{
	if (fm == NULL || f->state == APP_FILE_NONE || f->head_len == 0)
		return NULL;
	if (f->state == APP_FILE_OPEN && f->head_len < FILE_MAGIC_MIN_BYTES)
		return NULL;
	return file_magic_describe(fm, f->head, f->head_len);
}

const uint8_t *app_file_head(const struct app_file *f, uint32_t *len)
{
	*len = f->head_len;
	return f->head;
}
