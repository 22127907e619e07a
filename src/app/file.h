/*
 * file — one file carried by an application protocol (SMB read/write,
 * later HTTP bodies, SMTP attachments, FTP data): its name, direction,
 * size, state, gaps, digests and first bytes for libmagic.
 *
 * The tracker knows no protocol.  Data arrives either in order
 * (app_file_append, app_file_gap) or addressed by offset
 * (app_file_write_at: SMB, NFS), where a chunk ahead of the next expected
 * offset is queued until the bytes before it arrive and a chunk behind it
 * is an overlap, as Suricata's file transfer tracker does.  The queue is
 * bounded by the caller's limits (bytes and chunks); a chunk that does not
 * fit is refused and the caller raises its protocol's event.
 *
 * Digests (libcrypto EVP) are computed as data arrives; a file with a gap
 * gets none.  The first APP_FILE_HEAD_BYTES are kept for libmagic.  The
 * result is given as struct app_file_info (app/app.h), which the file
 * keywords and the fileinfo logger read through a protocol's tx_file.
 * Memory: the name, the head (16 KiB) and the queued chunks (the caller's
 * byte limit); nothing else grows.
 */
#ifndef VIGIL_APP_FILE_H
#define VIGIL_APP_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/file-magic.h"

#define APP_FILE_HEAD_BYTES FILE_MAGIC_BYTES
#define APP_FILE_NAME_MAX 1024 /* longer names are cut */

struct app_file_chunk; /* a queued out-of-order chunk (file.c) */

/*
 * File extraction (the file-store output): a file opened with
 * APP_FILE_STORE in its hashes is spooled, its in-order bytes written as
 * they arrive to a temporary file under the directory given to
 * app_file_spool_setup() (never reused within the process: <dir>/
 * vigil-spool.<pid>.<n>), with a SHA-256 of what was written.  Whether it
 * is kept is decided when its fileinfo is logged (output/filestore.c
 * renames it); app_file_free() removes whatever was not taken.  A file
 * with a gap or in error is not kept.  At most max_open spools are open
 * at once (file-store max-open-files); a file past that is not spooled,
 * and counted.
 */
#define APP_FILE_STORE (1u << 3)
/* Once, before any worker starts; dir NULL turns spooling off. */
bool app_file_spool_setup(const char *dir, uint32_t max_open);
/* The file-store's other settings the application layer applies, set
 * once before the workers start: force-filestore, and its stream-depth
 * (depth_set false: none given; depth 0 = unlimited). */
void app_file_store_setup(bool force, bool depth_set, uint64_t depth);
bool app_file_store_forced(void);
/* The file-store stream-depth; false when none is configured. */
bool app_file_store_depth(uint64_t *depth);
/* Files that could not be spooled (open limit, create or write failure). */
uint64_t app_file_spool_failures(void);

struct app_file {
	enum app_file_state state; /* APP_FILE_NONE until opened */
	enum app_dir dir;
	uint8_t *name;
	uint32_t name_len;
	uint64_t size; /* bytes of the file so far, in order (gap bytes count) */
	bool gaps;
	uint8_t want;	/* APP_FILE_* asked for at open */
	uint8_t hashes; /* APP_FILE_* final (closed without gaps) */
	void *md[3];	/* EVP_MD_CTX: md5, sha1, sha256 while open */
	uint8_t md5[16], sha1[20], sha256[32];
	uint8_t *head; /* first bytes for libmagic */
	uint32_t head_len;
	/* offset-addressed writes */
	uint64_t tracked; /* next offset expected in order */
	struct app_file_chunk *ooo;
	uint32_t ooo_cnt;
	uint64_t ooo_bytes;
	/* spooling (APP_FILE_STORE) */
	void *spool;	  /* FILE * while open */
	char *spool_path; /* NULL: not spooled */
	bool spool_bad;	  /* a gap, an error: not to be kept */
	void *spool_md;	  /* EVP_MD_CTX sha256 of the spooled bytes while open */
	uint8_t spool_sha256[32];
};

/* Zeroed, state NONE. */
void app_file_init(struct app_file *f);
/* Opens the file (state OPEN); false without memory (state ERROR). */
bool app_file_open(struct app_file *f, const uint8_t *name, uint32_t name_len, enum app_dir dir,
		   uint8_t hashes);
/* Replaces the name (a name learned later). */
void app_file_set_name(struct app_file *f, const uint8_t *name, uint32_t name_len);
/* In-order data; ignored unless OPEN. */
void app_file_append(struct app_file *f, const uint8_t *d, uint32_t n);
/* n bytes of the file were lost (0: an unknown amount); no digests then. */
void app_file_gap(struct app_file *f, uint64_t n);

enum app_file_write_result {
	APP_FILE_WRITE_OK = 0,	   /* in order, appended (and queued ones after it) */
	APP_FILE_WRITE_QUEUED,	   /* ahead of the expected offset: kept */
	APP_FILE_WRITE_OVERLAP,	   /* behind the expected offset: dropped */
	APP_FILE_WRITE_QUEUE_FULL, /* ahead, but the queue limits refuse it */
	APP_FILE_WRITE_NOT_OPEN,
};
/* Data at a file offset; max_bytes / max_cnt bound the queue (0 = none). */
enum app_file_write_result app_file_write_at(struct app_file *f, uint64_t off, const uint8_t *d,
					     uint32_t n, uint64_t max_bytes, uint32_t max_cnt);
/* Bytes and chunks queued out of order. */
uint64_t app_file_queued_bytes(const struct app_file *f);
uint32_t app_file_queued_cnt(const struct app_file *f);

/* Ends the file: CLOSED (digests final when no gap), TRUNCATED, ERROR.
 * Queued chunks that never joined are dropped (the file has a gap). */
void app_file_close(struct app_file *f);
void app_file_truncate(struct app_file *f);
void app_file_error(struct app_file *f);
bool app_file_is_open(const struct app_file *f);

/* Frees what the file holds (not f). */
void app_file_free(struct app_file *f);

/* The file as detection and logging see it; false when never opened. */
bool app_file_info(const struct app_file *f, struct app_file_info *out);
/* libmagic's description of the head: NULL while an open file has fewer
 * than FILE_MAGIC_MIN_BYTES, or without fm. */
const char *app_file_magic(const struct app_file *f, struct file_magic *fm);
/* The head kept (first bytes, up to APP_FILE_HEAD_BYTES). */
const uint8_t *app_file_head(const struct app_file *f, uint32_t *len);

#endif
