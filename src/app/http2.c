/*
 * app/http2.c — the HTTP/2 parser (see http2.h for what it covers and its
 * bounds).  Follows Suricata 8's rust/src/http2/http2.rs: frames are
 * read one after another per direction (9-byte header, then the payload
 * buffered up to H2_MAX_FRAME), the frame goes to the transaction of its
 * stream (created on the first frame of a stream; stream 0 frames each
 * get a new one), header blocks are decoded once END_HEADERS is seen.
 * A direction is done with a stream on END_STREAM or RST_STREAM.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <nghttp2/nghttp2.h>
#include <zlib.h>

#include "app/frame.h"
#include "app/http.h"
#include "app/http2.h"
#include "util/config.h"

#define H2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define H2_PREFACE_LEN 24u

enum { H2_FRAME_PDU = 0, H2_FRAME_HDR, H2_FRAME_DATA, H2_FRAME_COUNT };

struct h2_dir {
	uint32_t magic_have; /* to server: preface bytes matched so far */
	bool magic_done;
	uint8_t hdr[9];
	uint32_t hdr_have;
	/* the frame being read */
	uint32_t len;
	uint8_t type, flags;
	uint32_t stream;
	uint8_t *buf; /* payload buffered (up to H2_MAX_FRAME) */
	uint32_t buf_have, buf_want;
	uint32_t skip;	   /* payload bytes to skip (long frame) */
	bool streaming;	   /* a long DATA frame: payload goes to the body as it comes */
	uint32_t pad_left; /* streaming: padding bytes at the end of the frame */
	struct h2_tx *stream_tx;
	/* a header block (HEADERS / PUSH_PROMISE + CONTINUATION) */
	uint8_t *block;
	uint32_t block_len, block_cap;
	bool in_block, block_end_stream, block_over;
	uint32_t block_stream;
	nghttp2_hd_inflater *inflater;
	bool inflate_broken;
};

struct h2_state {
	struct h2_dir d[2];
	uint8_t file_hashes; /* APP_FILE_* for files */
	struct h2_tx **txs; /* live, by id */
	size_t n_txs, cap_txs;
	uint64_t next_id;
	uint32_t pending_events; /* for the next transaction */
};

const char *const h2_event_names[H2_EV_COUNT] = {
    "invalid_frame_header",  "invalid_client_magic",	 "invalid_frame_data",
    "invalid_header",	     "invalid_frame_length",	 "extra_header_data",
    "long_frame_data",	     "stream_id_reuse",		 "invalid_http1_settings",
    "failed_decompression",  "invalid_range",		 "header_integer_overflow",
    "too_many_streams",	     "authority_host_mismatch", "userinfo_in_uri",
    "reassembly_limit_reached", "dns_request_too_long",  "dns_response_too_long",
    "data_stream_zero",	     "too_many_frames",		 "compression_bomb",
};

/* ------------------------------------------------------------ names */

static const char *const frame_type_names[] = {
    "DATA", "HEADERS", "PRIORITY", "RSTSTREAM", "SETTINGS",
    "PUSHPROMISE", "PING", "GOAWAY", "WINDOWUPDATE", "CONTINUATION",
};
/* keyword spellings (Suricata's FromStr) */
static const char *const frame_type_kw[] = {
    "DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
    "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION",
};

const char *h2_frame_type_name(uint8_t t)
{
	return t < 10 ? frame_type_names[t] : NULL;
}

int h2_frame_type_by_name(const char *name)
{
	for (int i = 0; i < 10; i++)
		if (strcasecmp(name, frame_type_kw[i]) == 0 ||
		    strcasecmp(name, frame_type_names[i]) == 0)
			return i;
	return -1;
}

static const char *const error_names[] = {
    "NOERROR", "PROTOCOLERROR", "INTERNALERROR", "FLOWCONTROLERROR", "SETTINGSTIMEOUT",
    "STREAMCLOSED", "FRAMESIZEERROR", "REFUSEDSTREAM", "CANCEL", "COMPRESSIONERROR",
    "CONNECTERROR", "ENHANCEYOURCALM", "INADEQUATESECURITY", "HTTP11REQUIRED",
};
static const char *const error_kw[] = {
    "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
    "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
    "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
};

const char *h2_error_name(uint32_t code)
{
	return code < 14 ? error_names[code] : NULL;
}

int h2_error_by_name(const char *name)
{
	for (int i = 0; i < 14; i++)
		if (strcasecmp(name, error_kw[i]) == 0)
			return i;
	return -1;
}

static const char *const setting_names[] = {
    NULL,
    "SETTINGSHEADERTABLESIZE",
    "SETTINGSENABLEPUSH",
    "SETTINGSMAXCONCURRENTSTREAMS",
    "SETTINGSINITIALWINDOWSIZE",
    "SETTINGSMAXFRAMESIZE",
    "SETTINGSMAXHEADERLISTSIZE",
};
static const char *const setting_kw[] = {
    NULL,
    "SETTINGS_HEADER_TABLE_SIZE",
    "SETTINGS_ENABLE_PUSH",
    "SETTINGS_MAX_CONCURRENT_STREAMS",
    "SETTINGS_INITIAL_WINDOW_SIZE",
    "SETTINGS_MAX_FRAME_SIZE",
    "SETTINGS_MAX_HEADER_LIST_SIZE",
};

const char *h2_setting_name(uint16_t id)
{
	return id >= 1 && id <= 6 ? setting_names[id] : NULL;
}

int h2_setting_by_name(const char *name)
{
	for (int i = 1; i <= 6; i++)
		if (strcasecmp(name, setting_kw[i]) == 0 || strcasecmp(name, setting_names[i]) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------ transactions */

static void side_free(struct h2_side *sd)
{
	app_file_free(&sd->file);
	if (sd->z != NULL) {
		inflateEnd(sd->z);
		free(sd->z);
	}
	for (uint32_t i = 0; i < sd->n_headers; i++)
		free(sd->headers[i].name);
	free(sd->headers);
	free(sd->body);
}

static void tx_free(struct h2_tx *tx)
{
	side_free(&tx->side[0]);
	side_free(&tx->side[1]);
	free(tx);
}

static void set_event(struct h2_state *s, struct h2_tx *tx, enum h2_event ev)
{
	if (tx == NULL && s->n_txs > 0)
		tx = s->txs[s->n_txs - 1];
	if (tx != NULL)
		tx->events |= 1u << ev;
	else
		s->pending_events |= 1u << ev;
}

static struct h2_tx *tx_new(struct h2_state *s, uint32_t stream)
{
	if (s->n_txs >= H2_MAX_STREAMS) {
		set_event(s, NULL, H2_EV_TOO_MANY_STREAMS);
		return NULL;
	}
	if (s->n_txs == s->cap_txs) {
		size_t cap = s->cap_txs ? s->cap_txs * 2 : 8;
		struct h2_tx **v = realloc(s->txs, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		s->txs = v;
		s->cap_txs = cap;
	}
	struct h2_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->id = s->next_id++;
	tx->stream_id = stream;
	tx->events = s->pending_events;
	s->pending_events = 0;
	s->txs[s->n_txs++] = tx;
	return tx;
}

/* A side ends: its file (if any) is complete, or cut short. */
static void side_end(struct h2_side *sd, bool complete)
{
	sd->done = true;
	if (app_file_is_open(&sd->file)) {
		if (complete)
			app_file_close(&sd->file);
		else
			app_file_truncate(&sd->file);
	}
}

/* The transaction of a frame: stream 0 frames get a new one each. */
static struct h2_tx *tx_for(struct h2_state *s, uint32_t stream)
{
	if (stream == 0) {
		struct h2_tx *tx = tx_new(s, 0);
		if (tx != NULL)
			tx->side[0].done = tx->side[1].done = true;
		return tx;
	}
	for (size_t i = s->n_txs; i-- > 0;)
		if (s->txs[i]->stream_id == stream)
			return s->txs[i];
	return tx_new(s, stream);
}

/* ------------------------------------------------------------ headers */

static void header_add(struct h2_state *s, struct h2_tx *tx, struct h2_side *sd,
		       const uint8_t *name, size_t nl, const uint8_t *value, size_t vl)
{
	if (sd->n_headers >= H2_MAX_HEADERS || nl + vl > H2_MAX_HEADER_BYTES - sd->header_bytes) {
		set_event(s, tx, H2_EV_INVALID_HEADER);
		return;
	}
	if (sd->n_headers == sd->cap_headers) {
		uint32_t cap = sd->cap_headers ? sd->cap_headers * 2 : 8;
		struct h2_header *v = realloc(sd->headers, cap * sizeof(*v));
		if (v == NULL)
			return;
		sd->headers = v;
		sd->cap_headers = cap;
	}
	uint8_t *p = malloc(nl + vl + 1);
	if (p == NULL)
		return;
	memcpy(p, name, nl);
	memcpy(p + nl, value, vl);
	p[nl + vl] = 0;
	struct h2_header *h = &sd->headers[sd->n_headers++];
	h->name = p;
	h->name_len = (uint32_t)nl;
	h->value = p + nl;
	h->value_len = (uint32_t)vl;
	sd->header_bytes += (uint32_t)(nl + vl);
}

const struct h2_header *h2_tx_header(const struct h2_tx *tx, enum app_dir dir, const char *name)
{
	size_t l = strlen(name);
	const struct h2_side *sd = &tx->side[dir];
	for (uint32_t i = 0; i < sd->n_headers; i++)
		if (sd->headers[i].name_len == l && strncasecmp((const char *)sd->headers[i].name, name, l) == 0)
			return &sd->headers[i];
	return NULL;
}

/* HPACK dynamic table size updates at the start of a block (RFC 7541
 * 6.3: 001xxxxx, 5-bit prefix integer). */
static void size_updates(struct h2_state *s, struct h2_tx *tx, struct h2_side *sd,
			 const uint8_t *b, uint32_t n)
{
	uint32_t i = 0;
	while (i < n && (b[i] & 0xe0) == 0x20) {
		uint64_t v = b[i] & 0x1f;
		i++;
		if (v == 0x1f) {
			unsigned shift = 0;
			for (;;) {
				if (i >= n)
					return;
				if (shift > 28) {
					set_event(s, tx, H2_EV_HEADER_INTEGER_OVERFLOW);
					return;
				}
				v += (uint64_t)(b[i] & 0x7f) << shift;
				shift += 7;
				if (!(b[i++] & 0x80))
					break;
			}
		}
		if (sd->n_size_updates < H2_MAX_LIST)
			sd->size_updates[sd->n_size_updates++] = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
}

static void block_decode(struct h2_state *s, enum app_dir dir)
{
	struct h2_dir *dd = &s->d[dir];
	struct h2_tx *tx = tx_for(s, dd->block_stream);
	dd->in_block = false;
	if (tx == NULL)
		return;
	struct h2_side *sd = &tx->side[dir];
	sd->seen = true;
	if (dd->block_over)
		set_event(s, tx, H2_EV_REASSEMBLY_LIMIT_REACHED);
	if (dd->block != NULL)
		size_updates(s, tx, sd, dd->block, dd->block_len);
	if (dd->inflater == NULL || dd->inflate_broken) {
		set_event(s, tx, H2_EV_INVALID_HEADER);
	} else {
		static const uint8_t empty[1];
		const uint8_t *in = dd->block ? dd->block : empty;
		size_t left = dd->block_len;
		for (;;) {
			nghttp2_nv nv;
			int fl = 0;
			ssize_t rv = nghttp2_hd_inflate_hd2(dd->inflater, &nv, &fl, in, left, 1);
			if (rv < 0) {
				/* the table is out of step with the peer's now */
				set_event(s, tx, H2_EV_INVALID_HEADER);
				dd->inflate_broken = true;
				break;
			}
			in += rv;
			left -= (size_t)rv;
			if (fl & NGHTTP2_HD_INFLATE_EMIT)
				header_add(s, tx, sd, nv.name, nv.namelen, nv.value, nv.valuelen);
			if (fl & NGHTTP2_HD_INFLATE_FINAL) {
				nghttp2_hd_inflate_end_headers(dd->inflater);
				break;
			}
			if (left == 0 && !(fl & NGHTTP2_HD_INFLATE_EMIT))
				break;
		}
	}
	if (dd->block_end_stream)
		side_end(sd, true);
	dd->block_len = 0;
}

static void block_add(struct h2_dir *dd, const uint8_t *d, uint32_t n)
{
	if (n > H2_MAX_BLOCK - dd->block_len) {
		dd->block_over = true;
		n = H2_MAX_BLOCK - dd->block_len;
	}
	if (n == 0)
		return;
	if (dd->block_len + n > dd->block_cap) {
		uint32_t cap = dd->block_cap ? dd->block_cap : 1024;
		while (cap < dd->block_len + n)
			cap *= 2;
		uint8_t *b = realloc(dd->block, cap);
		if (b == NULL) {
			dd->block_over = true;
			return;
		}
		dd->block = b;
		dd->block_cap = cap;
	}
	memcpy(dd->block + dd->block_len, d, n);
	dd->block_len += n;
}

/* ------------------------------------------------------------ frames */

static void body_keep(struct h2_side *sd, const uint8_t *d, uint32_t n)
{
	if (n > 0 && app_file_is_open(&sd->file))
		app_file_append(&sd->file, d, n);
	if (n > H2_MAX_BODY - sd->body_len)
		n = H2_MAX_BODY - sd->body_len;
	if (n == 0)
		return;
	if (sd->body_len + n > sd->body_cap) {
		uint32_t cap = sd->body_cap ? sd->body_cap : 4096;
		while (cap < sd->body_len + n)
			cap *= 2;
		if (cap > H2_MAX_BODY)
			cap = H2_MAX_BODY;
		uint8_t *b = realloc(sd->body, cap);
		if (b == NULL)
			return;
		sd->body = b;
		sd->body_cap = cap;
	}
	memcpy(sd->body + sd->body_len, d, n);
	sd->body_len += n;
}

/* What the side's content-encoding is (Suricata's HTTP/2 decompression:
 * gzip, deflate; br is not undone here). */
static void coding_start(struct h2_tx *tx, enum app_dir dir)
{
	struct h2_side *sd = &tx->side[dir];
	sd->coding = 1;
	const struct h2_header *ce = h2_tx_header(tx, dir, "content-encoding");
	if (ce == NULL)
		return;
	int wbits;
	if (ce->value_len == 4 && strncasecmp((const char *)ce->value, "gzip", 4) == 0) {
		sd->coding = 2;
		wbits = 16 + 15;
	} else if (ce->value_len == 7 && strncasecmp((const char *)ce->value, "deflate", 7) == 0) {
		sd->coding = 3;
		wbits = 15;
	} else {
		return;
	}
	z_stream *z = calloc(1, sizeof(*z));
	if (z == NULL || inflateInit2(z, wbits) != Z_OK) {
		free(z);
		sd->coding = 4;
		return;
	}
	sd->z = z;
}

/* DATA payload bytes of a side: inflated when the content is encoded. */
static void body_add(struct h2_state *s, struct h2_tx *tx, enum app_dir dir, const uint8_t *d,
		     uint32_t n)
{
	struct h2_side *sd = &tx->side[dir];
	sd->body_total += n;
	if (sd->coding == 0) {
		coding_start(tx, dir);
		/* the body is a file, named by the request's :path */
		const struct h2_header *path = h2_tx_header(tx, APP_TOSERVER, ":path");
		if (tx->stream_id != 0)
			app_file_open(&sd->file, path ? path->value : (const uint8_t *)"",
				      path ? path->value_len : 0, dir, s->file_hashes);
	}
	if (sd->z == NULL || n == 0) {
		if (sd->coding != 4)
			body_keep(sd, d, n);
		return;
	}
	z_stream *z = sd->z;
	uint8_t out[4096];
	z->next_in = (uint8_t *)(uintptr_t)d;
	z->avail_in = n;
	while (z->avail_in > 0) {
		z->next_out = out;
		z->avail_out = sizeof(out);
		int rc = inflate(z, Z_NO_FLUSH);
		body_keep(sd, out, (uint32_t)(sizeof(out) - z->avail_out));
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK) {
			/* deflate that is not zlib-wrapped: raw, once */
			if (sd->coding == 3 && sd->body_len == 0 && rc == Z_DATA_ERROR &&
			    inflateReset2(z, -15) == Z_OK) {
				sd->coding = 5;
				z->next_in = (uint8_t *)(uintptr_t)d;
				z->avail_in = n;
				continue;
			}
			set_event(s, tx, H2_EV_FAILED_DECOMPRESSION);
			inflateEnd(z);
			free(z);
			sd->z = NULL;
			sd->coding = 4;
			return;
		}
		if (z->avail_out != 0 && z->avail_in == 0)
			break;
	}
}

/* DNS over HTTPS (RFC 8484) bodies are DNS messages: at most 65535
 * bytes (Suricata's dns_request_too_long / dns_response_too_long). */
#define H2_DNS_MAX 65535u
static void doh_check(struct h2_state *s, struct h2_tx *tx, enum app_dir dir)
{
	const struct h2_side *sd = &tx->side[dir];
	if (sd->body_total <= H2_DNS_MAX)
		return;
	const struct h2_header *ct = h2_tx_header(tx, dir, "content-type");
	if (ct == NULL || ct->value_len < 23 ||
	    strncasecmp((const char *)ct->value, "application/dns-message", 23) != 0)
		return;
	set_event(s, tx, dir == APP_TOSERVER ? H2_EV_DNS_REQUEST_TOO_LONG
					     : H2_EV_DNS_RESPONSE_TOO_LONG);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void note_priority(struct h2_side *sd, uint8_t weight)
{
	if (sd->n_priorities < H2_MAX_LIST)
		sd->priorities[sd->n_priorities++] = weight;
}

static void note_error(struct h2_side *sd, uint32_t code, bool goaway)
{
	if (sd->n_errors == 0)
		sd->error_goaway = goaway;
	if (sd->n_errors < H2_MAX_LIST)
		sd->errors[sd->n_errors++] = code;
}

/* A frame's payload p[0..n) (n < len when the frame was too long:
 * complete false).  The transaction is made here. */
static void frame_done(struct h2_state *s, enum app_dir dir, const uint8_t *p, uint32_t n,
		       bool complete, int64_t frame_id)
{
	struct h2_dir *dd = &s->d[dir];
	uint8_t type = dd->type, flags = dd->flags;
	uint32_t stream = dd->stream;

	if (dd->in_block && type != H2_CONTINUATION) {
		set_event(s, NULL, H2_EV_INVALID_FRAME_DATA);
		block_decode(s, dir);
	}
	struct h2_tx *tx;
	if (type == H2_CONTINUATION) {
		if (!dd->in_block || stream != dd->block_stream) {
			set_event(s, NULL, H2_EV_INVALID_FRAME_DATA);
			return;
		}
		tx = tx_for(s, stream);
	} else if (type == H2_SETTINGS && dd->len == 0) {
		/* Suricata skips an empty SETTINGS (the ACK) */
		return;
	} else {
		tx = tx_for(s, stream);
	}
	if (tx == NULL)
		return;
	if (frame_id >= 0)
		app_frame_set_tx(dir, frame_id, tx->id);
	struct h2_side *sd = &tx->side[dir];
	sd->seen = true;
	sd->frame_types |= type < 10 ? 1u << type : 1u << 31;

	uint32_t pad = 0;
	uint32_t off = 0;
	switch (type) {
	case H2_DATA:
		if (stream == 0)
			set_event(s, tx, H2_EV_DATA_STREAM_ZERO);
		if (flags & 0x08) {
			if (n < 1) {
				set_event(s, tx, H2_EV_INVALID_FRAME_DATA);
				return;
			}
			pad = p[0];
			off = 1;
			if (complete && pad > n - 1) {
				set_event(s, tx, H2_EV_INVALID_FRAME_DATA);
				return;
			}
			if (!complete)
				pad = 0;
		}
		body_add(s, tx, dir, p + off, n - off - pad);
		doh_check(s, tx, dir);
		if (flags & 0x01)
			side_end(sd, true);
		break;
	case H2_HEADERS:
	case H2_PUSH_PROMISE:
		if (flags & 0x08) {
			if (n < 1) {
				set_event(s, tx, H2_EV_INVALID_FRAME_DATA);
				return;
			}
			pad = p[0];
			off = 1;
		}
		if (type == H2_HEADERS && (flags & 0x20)) {
			if (n < off + 5) {
				set_event(s, tx, H2_EV_INVALID_FRAME_DATA);
				return;
			}
			note_priority(sd, p[off + 4]);
			off += 5;
		}
		if (type == H2_PUSH_PROMISE) {
			if (n < off + 4) {
				set_event(s, tx, H2_EV_INVALID_FRAME_DATA);
				return;
			}
			off += 4;
		}
		if (complete && pad > n - off) {
			set_event(s, tx, H2_EV_INVALID_FRAME_DATA);
			return;
		}
		if (!complete)
			pad = 0;
		dd->in_block = true;
		dd->block_over = false;
		dd->block_len = 0;
		dd->block_stream = stream;
		dd->block_end_stream = type == H2_HEADERS && (flags & 0x01);
		block_add(dd, p + off, n - off - pad);
		if (flags & 0x04)
			block_decode(s, dir);
		break;
	case H2_CONTINUATION:
		block_add(dd, p, n);
		if (flags & 0x04)
			block_decode(s, dir);
		break;
	case H2_PRIORITY:
		if (dd->len != 5) {
			set_event(s, tx, H2_EV_INVALID_FRAME_LENGTH);
			return;
		}
		note_priority(sd, p[4]);
		break;
	case H2_RST_STREAM:
		if (dd->len != 4) {
			set_event(s, tx, H2_EV_INVALID_FRAME_LENGTH);
			return;
		}
		note_error(sd, be32(p), false);
		side_end(&tx->side[0], tx->side[0].done);
		side_end(&tx->side[1], tx->side[1].done);
		break;
	case H2_SETTINGS:
		if (dd->len % 6 != 0 || stream != 0) {
			set_event(s, tx, H2_EV_INVALID_FRAME_LENGTH);
			return;
		}
		for (uint32_t i = 0; i + 6 <= n; i += 6) {
			if (sd->n_settings < H2_MAX_LIST) {
				sd->settings[sd->n_settings].id = (uint16_t)(p[i] << 8 | p[i + 1]);
				sd->settings[sd->n_settings].value = be32(p + i + 2);
				sd->n_settings++;
			}
		}
		break;
	case H2_PING:
		if (dd->len != 8)
			set_event(s, tx, H2_EV_INVALID_FRAME_LENGTH);
		break;
	case H2_GOAWAY:
		if (dd->len < 8) {
			set_event(s, tx, H2_EV_INVALID_FRAME_LENGTH);
			return;
		}
		note_error(sd, be32(p + 4), true);
		break;
	case H2_WINDOW_UPDATE:
		if (dd->len != 4) {
			set_event(s, tx, H2_EV_INVALID_FRAME_LENGTH);
			return;
		}
		if (sd->n_windows < H2_MAX_LIST)
			sd->windows[sd->n_windows++] = be32(p) & 0x7fffffffu;
		break;
	default:
		break;
	}
}

/* The 9-byte header is in dd->hdr; `at` is its stream offset. */
static void header_done(struct h2_state *s, enum app_dir dir, uint64_t at, int64_t *frame_id)
{
	struct h2_dir *dd = &s->d[dir];
	dd->len = (uint32_t)dd->hdr[0] << 16 | (uint32_t)dd->hdr[1] << 8 | dd->hdr[2];
	dd->type = dd->hdr[3];
	dd->flags = dd->hdr[4];
	dd->stream = be32(dd->hdr + 5) & 0x7fffffffu;
	dd->buf_have = 0;
	dd->skip = 0;
	dd->streaming = false;
	dd->stream_tx = NULL;
	*frame_id = app_frame_new(dir, at, 9 + (int64_t)dd->len, H2_FRAME_PDU);
	int64_t hid = app_frame_new(dir, at, 9, H2_FRAME_HDR);
	int64_t did = app_frame_new(dir, at + 9, dd->len, H2_FRAME_DATA);
	(void)hid;
	(void)did;
	if (dd->len <= H2_MAX_FRAME) {
		dd->buf_want = dd->len;
		return;
	}
	/* a long frame: DATA is streamed to the body, others parsed on
	 * their first H2_MAX_FRAME bytes */
	if (dd->type == H2_DATA) {
		struct h2_tx *tx = tx_for(s, dd->stream);
		dd->streaming = true;
		dd->stream_tx = tx;
		dd->buf_want = 0;
		dd->skip = dd->len;
		dd->pad_left = 0;
		if (tx != NULL) {
			set_event(s, tx, H2_EV_LONG_FRAME_DATA);
			tx->side[dir].seen = true;
			tx->side[dir].frame_types |= 1u << H2_DATA;
			if (*frame_id >= 0)
				app_frame_set_tx(dir, *frame_id, tx->id);
		}
		return;
	}
	set_event(s, NULL, H2_EV_LONG_FRAME_DATA);
	dd->buf_want = H2_MAX_FRAME;
	dd->skip = dd->len - H2_MAX_FRAME;
}

enum app_parse_result h2_parse(struct h2_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			       uint32_t flags)
{
	struct h2_dir *dd = &s->d[dir];
	uint32_t i = 0;
	static int64_t cur_frame[2] = {-1, -1};
	(void)cur_frame;
	if (flags & APP_CHUNK_GAP) {
		/* lost bytes: the frame boundary is unknown; go on only if the
		 * data starts a frame (Suricata gives up the stream state) */
		dd->hdr_have = 0;
		dd->buf_have = dd->buf_want = 0;
		dd->skip = 0;
		dd->streaming = false;
		dd->in_block = false;
		dd->magic_done = true;
	}
	if (dir == APP_TOSERVER && !dd->magic_done) {
		while (i < n && dd->magic_have < H2_PREFACE_LEN) {
			if (d[i] != (uint8_t)H2_PREFACE[dd->magic_have]) {
				set_event(s, NULL, H2_EV_INVALID_CLIENT_MAGIC);
				dd->magic_done = true;
				return APP_PARSE_ERROR;
			}
			dd->magic_have++;
			i++;
		}
		if (dd->magic_have < H2_PREFACE_LEN)
			return APP_PARSE_OK;
		dd->magic_done = true;
	}
	int64_t frame_id = -1;
	while (i < n) {
		if (dd->skip > 0 && dd->buf_have >= dd->buf_want) {
			uint32_t k = n - i < dd->skip ? n - i : dd->skip;
			if (dd->streaming && dd->stream_tx != NULL) {
				body_add(s, dd->stream_tx, dir, d + i, (uint32_t)k);
				doh_check(s, dd->stream_tx, dir);
			}
			dd->skip -= k;
			i += k;
			if (dd->skip == 0 && dd->streaming) {
				if (dd->stream_tx != NULL && (dd->flags & 0x01))
					side_end(&dd->stream_tx->side[dir], true);
				dd->streaming = false;
				dd->hdr_have = 0;
			} else if (dd->skip == 0) {
				dd->hdr_have = 0;
			}
			continue;
		}
		if (dd->hdr_have < 9) {
			uint32_t k = 9 - dd->hdr_have;
			if (k > n - i)
				k = n - i;
			memcpy(dd->hdr + dd->hdr_have, d + i, k);
			dd->hdr_have += k;
			i += k;
			if (dd->hdr_have < 9)
				break;
			uint64_t at = app_frame_offset() + i - 9;
			header_done(s, dir, at, &frame_id);
			if (dd->streaming)
				continue;
		}
		uint32_t k = dd->buf_want - dd->buf_have;
		if (k > n - i)
			k = n - i;
		if (k > 0) {
			if (dd->buf == NULL) {
				dd->buf = malloc(H2_MAX_FRAME);
				if (dd->buf == NULL)
					return APP_PARSE_ERROR;
			}
			memcpy(dd->buf + dd->buf_have, d + i, k);
			dd->buf_have += k;
			i += k;
		}
		if (dd->buf_have < dd->buf_want)
			break;
		static const uint8_t empty[1];
		frame_done(s, dir, dd->buf ? dd->buf : empty, dd->buf_have, dd->skip == 0, frame_id);
		frame_id = -1;
		if (dd->skip == 0)
			dd->hdr_have = 0;
		dd->buf_want = 0;
		dd->buf_have = 0;
	}
	if (flags & APP_CHUNK_EOF) {
		/* the direction ended: files still open were cut short */
		for (size_t t = 0; t < s->n_txs; t++)
			if (app_file_is_open(&s->txs[t]->side[dir].file))
				app_file_truncate(&s->txs[t]->side[dir].file);
	}
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ state */

struct h2_state *h2_state_new(void)
{
	struct h2_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	for (int dir = 0; dir < 2; dir++) {
		if (nghttp2_hd_inflate_new(&s->d[dir].inflater) != 0) {
			s->d[dir].inflater = NULL;
			continue;
		}
		nghttp2_hd_inflate_change_table_size(s->d[dir].inflater, H2_HPACK_TABLE_MAX);
	}
	s->d[APP_TOCLIENT].magic_done = true;
	return s;
}

void h2_state_free(struct h2_state *s)
{
	if (s == NULL)
		return;
	for (int dir = 0; dir < 2; dir++) {
		if (s->d[dir].inflater != NULL)
			nghttp2_hd_inflate_del(s->d[dir].inflater);
		free(s->d[dir].buf);
		free(s->d[dir].block);
	}
	for (size_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s);
}

uint64_t h2_tx_count(const struct h2_state *s)
{
	return s->next_id;
}

const struct h2_tx *h2_tx_get(const struct h2_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct h2_tx, id));
}

void h2_tx_release_upto(struct h2_state *s, uint64_t id)
{
	size_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id) {
		struct h2_tx *tx = s->txs[k];
		for (int dir = 0; dir < 2; dir++)
			if (s->d[dir].stream_tx == tx)
				s->d[dir].stream_tx = NULL;
		tx_free(tx);
		k++;
	}
	memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
	s->n_txs -= k;
}

/* ------------------------------------------------------------ probe */

enum app_probe_result h2_probe(const uint8_t *d, uint32_t n, enum app_dir dir)
{
	if (dir == APP_TOSERVER) {
		uint32_t k = n < H2_PREFACE_LEN ? n : H2_PREFACE_LEN;
		if (memcmp(d, H2_PREFACE, k) != 0)
			return APP_PROBE_NO;
		return k < H2_PREFACE_LEN ? APP_PROBE_NEED_MORE : APP_PROBE_MATCH;
	}
	/* the server's side: a plausible frame header (Suricata's probe:
	 * reserved bit clear, length within the default maximum frame
	 * size, a SETTINGS with no flag but ACK) */
	if (n < 9)
		return APP_PROBE_NEED_MORE;
	uint32_t len = (uint32_t)d[0] << 16 | (uint32_t)d[1] << 8 | d[2];
	if ((d[5] & 0x80) || len > 16384 || d[3] > H2_CONTINUATION ||
	    (d[3] == H2_SETTINGS && (d[4] & 0xfe) != 0))
		return APP_PROBE_NO;
	return APP_PROBE_MATCH;
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	if (!in->tcp)
		return APP_PROBE_NO;
	/* only the preface is recognised on its own; a server's SETTINGS
	 * alone is too weak a pattern (it is taken after an h2c upgrade) */
	if (in->dir == APP_TOSERVER)
		return h2_probe(d, n, APP_TOSERVER);
	return APP_PROBE_NO;
}

static enum app_probe_result d_probe_port(const struct app_probe_in *in, const uint8_t *d,
					  uint32_t n)
{
	if (!in->tcp)
		return APP_PROBE_NO;
	return h2_probe(d, n, in->dir);
}

/* base64url (RFC 4648 5, padding optional) of at most cap bytes; the
 * decoded length, or -1. */
static int b64url_decode(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap)
{
	uint32_t acc = 0, bits = 0, o = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = in[i];
		int v;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '-' || c == '+')
			v = 62;
		else if (c == '_' || c == '/')
			v = 63;
		else if (c == '=')
			break;
		else
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)o;
}

/*
 * An h2c upgrade (RFC 9113 3.1 of RFC 7540): the HTTP/1.1 request that
 * asked for it is stream 1's request, as Suricata mimics it (method,
 * path, then the request's headers), and its HTTP2-Settings header is
 * the client's first SETTINGS (invalid_http1_settings when it does not
 * decode).
 */
void h2_upgrade_from_http1(struct h2_state *s, const struct http_tx *ht)
{
	struct h2_tx *tx = tx_new(s, 1);
	if (tx == NULL)
		return;
	struct h2_side *sd = &tx->side[APP_TOSERVER];
	const uint8_t *v;
	uint32_t vl;
	if (http_tx_buffer(ht, APP_TOSERVER, HTTP_BUF_METHOD, &v, &vl))
		header_add(s, tx, sd, (const uint8_t *)":method", 7, v, vl);
	if (http_tx_buffer(ht, APP_TOSERVER, HTTP_BUF_URI_RAW, &v, &vl))
		header_add(s, tx, sd, (const uint8_t *)":path", 5, v, vl);
	const uint8_t *nm;
	uint32_t nl;
	for (uint32_t i = 0; http_tx_header_at(ht, APP_TOSERVER, i, &nm, &nl, &v, &vl); i++) {
		header_add(s, tx, sd, nm, nl, v, vl);
		if (nl != 14 || strncasecmp((const char *)nm, "http2-settings", 14) != 0)
			continue;
		uint8_t raw[6 * H2_MAX_LIST];
		int k = b64url_decode(v, vl, raw, sizeof(raw));
		if (k < 0 || k % 6 != 0) {
			set_event(s, tx, H2_EV_INVALID_HTTP1_SETTINGS);
			continue;
		}
		for (int j = 0; j + 6 <= k && sd->n_settings < H2_MAX_LIST; j += 6) {
			sd->settings[sd->n_settings].id = (uint16_t)(raw[j] << 8 | raw[j + 1]);
			sd->settings[sd->n_settings].value = be32(raw + j + 2);
			sd->n_settings++;
		}
		sd->frame_types |= 1u << H2_SETTINGS;
	}
	sd->frame_types |= 1u << H2_HEADERS;
	sd->seen = true;
	sd->done = true;
}

static void *d_state_new(const struct app_flow_info *fi)
{
	struct h2_state *s = h2_state_new();
	if (s == NULL)
		return NULL;
	s->file_hashes = fi->file_hashes;
	/* after an HTTP/1.1 101 to h2c: the upgrading request is stream 1's */
	if (fi->orig_proto == APP_PROTO_HTTP && fi->orig_state != NULL) {
		const struct http_tx *ht = http_state_upgrade_tx(fi->orig_state);
		if (ht != NULL && http_tx_status(ht) == 101)
			h2_upgrade_from_http1(s, ht);
	}
	return s;
}

static void d_state_free(void *st)
{
	h2_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return h2_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return h2_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return h2_tx_get(st, id);
}

static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	const struct h2_tx *tx = vtx;
	const struct h2_side *sd = &tx->side[dir];
	if (tx->stream_id == 0 && !sd->seen)
		return APP_SIDE_NONE;
	if (sd->done || eof)
		return sd->seen ? APP_SIDE_READY : APP_SIDE_NONE;
	return APP_SIDE_PENDING;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	(void)st;
	const struct h2_tx *tx = vtx;
	return (tx->side[0].done && tx->side[1].done) || flow_end ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	h2_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *vtx, int ev)
{
	(void)st;
	const struct h2_tx *tx = vtx;
	return ev >= 0 && ev < H2_EV_COUNT && (tx->events & (1u << ev));
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)st;
	(void)opts;
	h2_tx_log_json(j, tx);
}

/* The k-th file of a transaction: the request body's, then the response's. */
static const struct app_file *tx_file_k(const struct h2_tx *tx, uint32_t k)
{
	for (int dir = 0; dir < 2; dir++) {
		const struct app_file *f = &tx->side[dir].file;
		if (f->state == APP_FILE_NONE)
			continue;
		if (k-- == 0)
			return f;
	}
	return NULL;
}

static bool d_tx_file(const void *vtx, uint32_t k, struct app_file_info *out)
{
	const struct app_file *f = tx_file_k(vtx, k);
	return f != NULL && app_file_info(f, out);
}

static const char *d_tx_file_magic(const void *vtx, uint32_t k, struct file_magic *fm)
{
	const struct app_file *f = tx_file_k(vtx, k);
	return f != NULL ? app_file_magic(f, fm) : NULL;
}

static const char *const frame_names[H2_FRAME_COUNT] = {
    [H2_FRAME_PDU] = "pdu",
    [H2_FRAME_HDR] = "hdr",
    [H2_FRAME_DATA] = "data",
};

const struct app_protocol app_http2 = {
    .name = "http2",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "80",
    .probe = d_probe,
    .probe_port = d_probe_port,
    .stream_depth = APP_STREAM_DEPTH_UNLIMITED,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = h2_event_names,
    .n_events = H2_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "http",
    .eve_config_type = "http2",
    .log_json = d_log_json,
    .frame_names = frame_names,
    .n_frames = H2_FRAME_COUNT,
    .tx_file = d_tx_file,
    .tx_file_magic = d_tx_file_magic,
};
