/*
 * http-body — message bodies after de-chunking: content decoding, the
 * bounded copy kept for detection, and the response body as a file.
 *
 * Response bodies with Content-Encoding gzip or deflate (x- forms too)
 * are inflated with zlib; "deflate" is zlib-wrapped or raw, decided on
 * its first byte as libhtp does.  Decoded output per body stops at the
 * configured decompress limit (Suricata's compression-bomb-limit): past
 * it the rest is dropped and the bomb events are set.  When inflate
 * fails the remaining bytes pass through undecoded, as libhtp does.
 * Only the first body-limit bytes are stored; sizes and hashes cover
 * every decoded byte.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/http-internal.h"

#define HTTP_INFLATE_CHUNK 16384
#define HTTP_FILE_NAME_MAX 1024

static struct http_msg *msg_of(struct http_tx *tx, enum app_dir dir)
{
	return dir == APP_TOSERVER ? &tx->req : &tx->resp;
}

static enum http_coding coding_of(const struct http_msg *m, struct http_tx *tx)
{
	const struct http_header *ce = http_msg_header(m, "content-encoding");
	if (ce == NULL || ce->value.len == 0)
		return HTTP_CODING_NONE;
	const uint8_t *v = ce->value.p;
	uint32_t n = ce->value.len;
	if (memchr(v, ',', n) != NULL) {
		/* Layered codings are not decoded; libhtp reports them too. */
		http_tx_event(tx, HTTP_EV_ABNORMAL_CE_HEADER);
		return HTTP_CODING_NONE;
	}
	if (http_value_has_token(v, n, "gzip") || http_value_has_token(v, n, "x-gzip"))
		return HTTP_CODING_GZIP;
	if (http_value_has_token(v, n, "deflate") || http_value_has_token(v, n, "x-deflate"))
		return HTTP_CODING_DEFLATE;
	return HTTP_CODING_NONE;
}

void http_body_start(struct http_state *s, struct http_tx *tx, enum app_dir dir)
{
	(void)s;
	struct http_msg *m = msg_of(tx, dir);
	m->progress = HTTP_PROGRESS_BODY;
	if (dir == APP_TOCLIENT)
		m->dec.coding = coding_of(m, tx);
}

static void file_name(struct http_tx *tx, struct http_bytes *out)
{
	const struct http_header *cd = http_msg_header(&tx->resp, "content-disposition");
	if (cd != NULL && cd->value.len > 0) {
		const uint8_t *v = cd->value.p;
		uint32_t n = cd->value.len;
		for (uint32_t i = 0; i + 9 <= n; i++) {
			if (strncasecmp((const char *)v + i, "filename=", 9) != 0)
				continue;
			uint32_t a = i + 9, e;
			if (a < n && v[a] == '"') {
				a++;
				for (e = a; e < n && v[e] != '"'; e++)
					;
			} else {
				for (e = a; e < n && v[e] != ';' && v[e] != ' '; e++)
					;
			}
			if (e > a) {
				http_bytes_add(out, v + a, e - a, HTTP_FILE_NAME_MAX);
				return;
			}
		}
	}
	uint32_t k = 0;
	while (k < tx->uri_norm.len && tx->uri_norm.p[k] != '?' && tx->uri_norm.p[k] != '#')
		k++;
	if (!http_bytes_add(out, tx->uri_norm.p, k, HTTP_FILE_NAME_MAX))
		http_tx_event(tx, HTTP_EV_FILE_NAME_TOO_LONG);
}

static void file_open(struct http_state *s, struct http_tx *tx)
{
	struct http_filectx *f = &tx->file;
	f->state = HTTP_FILE_OPEN;
	file_name(tx, &f->name);
	if (!s->cfg.file_hashes)
		return;
	const EVP_MD *md[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
	for (int i = 0; i < 3; i++) {
		f->md[i] = EVP_MD_CTX_new();
		if (f->md[i] != NULL && EVP_DigestInit_ex(f->md[i], md[i], NULL) != 1) {
			EVP_MD_CTX_free(f->md[i]);
			f->md[i] = NULL;
		}
	}
}

static void file_close(struct http_tx *tx, bool truncated)
{
	struct http_filectx *f = &tx->file;
	if (f->state != HTTP_FILE_OPEN)
		return;
	f->state = truncated ? HTTP_FILE_TRUNCATED : HTTP_FILE_CLOSED;
	uint8_t *out[3] = {f->md5, f->sha1, f->sha256};
	bool all = !truncated && !f->gaps;
	for (int i = 0; i < 3; i++) {
		if (f->md[i] == NULL) {
			all = false;
			continue;
		}
		if (all && EVP_DigestFinal_ex(f->md[i], out[i], NULL) != 1)
			all = false;
		EVP_MD_CTX_free(f->md[i]);
		f->md[i] = NULL;
	}
	f->has_hashes = all;
}

/* Decoded bytes: count, keep up to the limit, feed the file. */
static void entity(struct http_state *s, struct http_tx *tx, enum app_dir dir, const uint8_t *d,
		   uint32_t n)
{
	struct http_msg *m = msg_of(tx, dir);
	if (n == 0)
		return;
	m->entity_len += n;
	uint32_t limit =
	    dir == APP_TOSERVER ? s->cfg.request_body_limit : s->cfg.response_body_limit;
	if (m->body.len < limit)
		http_bytes_add(&m->body, d, n, limit);
	if (dir != APP_TOCLIENT)
		return;
	if (tx->file.state == HTTP_FILE_NONE)
		file_open(s, tx);
	if (tx->file.state != HTTP_FILE_OPEN)
		return;
	tx->file.size += n;
	for (int i = 0; i < 3; i++)
		if (tx->file.md[i] != NULL)
			EVP_DigestUpdate(tx->file.md[i], d, n);
}

static bool decoder_start(struct http_decoder *dec, const uint8_t *d, uint32_t n)
{
	int wbits = 15 + 32; /* gzip or zlib, detected */
	if (dec->coding == HTTP_CODING_DEFLATE) {
		bool zlib = (d[0] & 0x0f) == 8 && (n < 2 || ((d[0] << 8) | d[1]) % 31 == 0);
		wbits = zlib ? 15 : -15;
	}
	memset(&dec->z, 0, sizeof(dec->z));
	if (inflateInit2(&dec->z, wbits) != Z_OK)
		return false;
	dec->started = true;
	return true;
}

static void decode(struct http_state *s, struct http_tx *tx, enum app_dir dir, const uint8_t *d,
		   uint32_t n)
{
	struct http_decoder *dec = &msg_of(tx, dir)->dec;
	uint8_t out[HTTP_INFLATE_CHUNK];
	if (dec->done || dec->capped)
		return;
	if (!dec->started && !decoder_start(dec, d, n)) {
		dec->failed = true;
		http_tx_event(tx, HTTP_EV_GZIP_DECOMPRESSION_FAILED);
		entity(s, tx, dir, d, n);
		return;
	}
	dec->z.next_in = (Bytef *)(uintptr_t)d;
	dec->z.avail_in = n;
	while (dec->z.avail_in > 0) {
		dec->z.next_out = out;
		dec->z.avail_out = sizeof(out);
		int rc = inflate(&dec->z, Z_NO_FLUSH);
		uint32_t got = (uint32_t)(sizeof(out) - dec->z.avail_out);
		uint64_t room = s->cfg.decompress_limit > dec->out_total
				    ? s->cfg.decompress_limit - dec->out_total
				    : 0;
		if (got > room) {
			got = (uint32_t)room;
			dec->capped = true;
		}
		dec->out_total += got;
		entity(s, tx, dir, out, got);
		if (dec->capped) {
			http_tx_event(tx, HTTP_EV_COMPRESSION_BOMB);
			http_tx_event(tx, HTTP_EV_COMPRESSION_BOMB_LIMIT_REACHED);
			return;
		}
		if (rc == Z_STREAM_END) {
			dec->done = true;
			return;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			dec->failed = true;
			http_tx_event(tx, HTTP_EV_GZIP_DECOMPRESSION_FAILED);
			entity(s, tx, dir, dec->z.next_in, dec->z.avail_in);
			return;
		}
		if (rc == Z_BUF_ERROR && got == 0)
			return;
	}
}

void http_body_data(struct http_state *s, struct http_tx *tx, enum app_dir dir, const uint8_t *d,
		    uint32_t n)
{
	if (tx == NULL || n == 0)
		return;
	struct http_msg *m = msg_of(tx, dir);
	m->body_len += n;
	if (m->dec.coding != HTTP_CODING_NONE && !m->dec.failed)
		decode(s, tx, dir, d, n);
	else
		entity(s, tx, dir, d, n);
}

void http_body_gap(struct http_state *s, struct http_tx *tx, enum app_dir dir, uint64_t len)
{
	(void)s;
	struct http_msg *m = msg_of(tx, dir);
	m->body_len += len;
	if (m->dec.coding != HTTP_CODING_NONE && m->dec.started && !m->dec.done) {
		/* the inflate stream cannot continue over a hole */
		m->dec.failed = true;
		http_tx_event(tx, HTTP_EV_GZIP_DECOMPRESSION_FAILED);
	}
	if (dir == APP_TOCLIENT) {
		if (tx->file.state == HTTP_FILE_NONE)
			file_open(s, tx);
		tx->file.gaps = true;
		tx->file.size += len;
	}
}

void http_body_end(struct http_state *s, struct http_tx *tx, enum app_dir dir, bool truncated)
{
	(void)s;
	struct http_msg *m = msg_of(tx, dir);
	if (m->dec.started) {
		inflateEnd(&m->dec.z);
		m->dec.started = false;
		m->dec.done = true;
	}
	if (dir == APP_TOCLIENT)
		file_close(tx, truncated);
}

void http_body_free(struct http_tx *tx)
{
	for (int i = 0; i < 3; i++)
		EVP_MD_CTX_free(tx->file.md[i]);
	http_bytes_free(&tx->file.name);
}

bool http_tx_file(const struct http_tx *tx, struct http_file_info *out)
{
	const struct http_filectx *f = &tx->file;
	memset(out, 0, sizeof(*out));
	if (f->state == HTTP_FILE_NONE)
		return false;
	out->state = f->state;
	out->name = f->name.p ? f->name.p : (const uint8_t *)"";
	out->name_len = f->name.len;
	out->size = f->size;
	out->has_hashes = f->has_hashes;
	out->gaps = f->gaps;
	memcpy(out->md5, f->md5, sizeof(out->md5));
	memcpy(out->sha1, f->sha1, sizeof(out->sha1));
	memcpy(out->sha256, f->sha256, sizeof(out->sha256));
	return true;
}
