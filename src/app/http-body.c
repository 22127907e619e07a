/*
 * http-body — message bodies after de-chunking: content decoding, the
 * bounded copy kept for detection, and the response body as a file.
 *
 * Response bodies with Content-Encoding gzip or deflate (x- forms too)
 * are inflated with zlib; "deflate" is zlib-wrapped or raw, decided on
 * its first byte as libhtp does.  lzma (Suricata decodes it by default)
 * goes through liblzma with its dictionary capped at HTTP_LZMA_DICT_MAX,
 * so an lzma body holds about that much memory while it decodes.
 * Decoded output per body stops at the
 * configured decompress limit (Suricata's compression-bomb-limit): past
 * it the rest is dropped and the bomb events are set.  A layer that
 * cannot decode passes its input through undecoded from then on, and so
 * do the layers after it, as Suricata's decompressor does.
 * Only the first body-limit bytes are stored; sizes and hashes cover
 * every decoded byte.
 *
 * Uploads (request bodies), as Suricata's HTTP file handling: a PUT body
 * is one file named by the URI path; a multipart/form-data body is split
 * at its boundary (RFC 2046: "--boundary" at the start or after CRLF --
 * a bare LF too, as libhtp --, "--boundary--" ends it) and every part whose Content-Disposition has a
 * filename is a file of that name, through the generic tracker
 * (app/file.c).  Bounds: HTTP_UPLOAD_MAX_FILES files per request (later
 * parts are not tracked), a boundary of at most HTTP_BOUNDARY_MAX bytes
 * (a longer one: the body is not split), part header lines kept up to
 * HTTP_PART_LINE_MAX bytes (the rest dropped).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/file-magic.h"
#include "app/file.h"
#include "app/http-internal.h"

#define HTTP_INFLATE_CHUNK 16384
#define HTTP_FILE_NAME_MAX 1024
#define HTTP_UPLOAD_MAX_FILES 32
#define HTTP_BOUNDARY_MAX 70
#define HTTP_PART_LINE_MAX 1024

enum mp_state { MP_PREAMBLE, MP_AFTER_DELIM, MP_HEADERS, MP_DATA, MP_DONE };

struct http_upload {
	bool multipart; /* else a PUT: files[0] is the body */
	enum mp_state st;
	uint8_t delim[3 + HTTP_BOUNDARY_MAX]; /* LF "--" boundary (the CR is optional) */
	uint32_t dlen, idx;		      /* idx: bytes of delim matched so far */
	enum mp_state before;		      /* the state the delimiter was found in */
	uint8_t held[32];		      /* bytes after it, until it proves valid */
	uint32_t nheld;
	bool pending_cr; /* a part's last byte so far is a CR: data or the delimiter's */
	uint8_t line[HTTP_PART_LINE_MAX];
	uint32_t line_len;
	struct app_file *cur; /* the part's file, NULL when the part has none */
	struct app_file files[HTTP_UPLOAD_MAX_FILES];
	uint32_t nfiles;
	uint8_t hashes;
};

static void upload_start(struct http_state *s, struct http_tx *tx);

static struct http_msg *msg_of(struct http_tx *tx, enum app_dir dir)
{
	return dir == APP_TOSERVER ? &tx->req : &tx->resp;
}

/* Is the token exactly one of the two spellings? */
static bool token_is(const uint8_t *t, uint32_t n, const char *a, const char *b)
{
	return (n == strlen(a) && strncasecmp((const char *)t, a, n) == 0) ||
	       (n == strlen(b) && strncasecmp((const char *)t, b, n) == 0);
}

static bool token_has(const uint8_t *t, uint32_t n, const char *sub)
{
	size_t k = strlen(sub);
	for (uint32_t i = 0; i + k <= n; i++)
		if (strncasecmp((const char *)t + i, sub, k) == 0)
			return true;
	return false;
}

/*
 * Content-Encoding as libhtp reads it.  A value that is one coding name
 * (case and NUL bytes ignored: "gz\0ip" is gzip) is that coding.  Else
 * tokens split at ',' and ' ', a token containing "gzip" or "deflate" is
 * that coding (anything but the exact name is reported), "lzma" is lzma
 * (once), other tokens decode nothing but count as layers against the
 * limit.  The last coding listed is undone first.
 */
static void plan_layers(struct http_state *s, struct http_tx *tx, struct http_msg *m)
{
	const struct http_header *ce = http_msg_header(m, "content-encoding");
	if (ce == NULL || ce->value.len == 0)
		return;
	enum http_coding list[HTTP_MAX_LAYERS];
	uint32_t nlist = 0, layers = 0, lzma_layers = 0;
	uint32_t limit =
	    s->cfg.decompress_layers < HTTP_MAX_LAYERS ? s->cfg.decompress_layers : HTTP_MAX_LAYERS;
	const uint8_t *v = ce->value.p;
	uint32_t n = ce->value.len;
	static const struct {
		const char *name;
		enum http_coding coding;
	} whole[] = {
	    {"gzip", HTTP_CODING_GZIP},	      {"x-gzip", HTTP_CODING_GZIP},
	    {"deflate", HTTP_CODING_DEFLATE}, {"x-deflate", HTTP_CODING_DEFLATE},
	    {"lzma", HTTP_CODING_LZMA},	      {"inflate", HTTP_CODING_NONE},
	    {"none", HTTP_CODING_NONE},
	};
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		if (!http_value_is(v, n, whole[i].name))
			continue;
		m->dec.layer[0].coding = whole[i].coding;
		m->dec.nlayers = whole[i].coding != HTTP_CODING_NONE;
		return;
	}
	for (uint32_t i = 0; i < n;) {
		uint32_t j = i;
		while (j < n && v[j] != ',' && v[j] != ' ')
			j++;
		const uint8_t *t = v + i;
		uint32_t tn = j - i;
		i = j + 1;
		if (tn == 0)
			continue;
		if (++layers > limit) {
			http_tx_event(tx, HTTP_EV_TOO_MANY_ENCODING_LAYERS);
			break;
		}
		enum http_coding c = HTTP_CODING_NONE;
		if (token_has(t, tn, "gzip")) {
			c = HTTP_CODING_GZIP;
			if (!token_is(t, tn, "gzip", "x-gzip"))
				http_tx_event(tx, HTTP_EV_ABNORMAL_CE_HEADER);
		} else if (token_has(t, tn, "deflate")) {
			c = HTTP_CODING_DEFLATE;
			if (!token_is(t, tn, "deflate", "x-deflate"))
				http_tx_event(tx, HTTP_EV_ABNORMAL_CE_HEADER);
		} else if (tn == 4 && memcmp(t, "lzma", 4) == 0) {
			if (++lzma_layers > 1)
				break; /* Suricata decodes one lzma layer */
			c = HTTP_CODING_LZMA;
		} else if (!token_is(t, tn, "identity", "none") &&
			   !token_is(t, tn, "inflate", "")) {
			http_tx_event(tx, HTTP_EV_ABNORMAL_CE_HEADER);
		}
		if (c != HTTP_CODING_NONE)
			list[nlist++] = c;
	}
	for (uint32_t k = 0; k < nlist; k++)
		m->dec.layer[k].coding = list[nlist - 1 - k];
	m->dec.nlayers = nlist;
}

void http_body_start(struct http_state *s, struct http_tx *tx, enum app_dir dir)
{
	struct http_msg *m = msg_of(tx, dir);
	m->progress = HTTP_PROGRESS_BODY;
	if (dir == APP_TOCLIENT)
		plan_layers(s, tx, m);
	else if (tx->up == NULL)
		upload_start(s, tx);
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
	struct http_bytes name = {0};
	file_name(tx, &name);
	/* the name is copied; a NULL name (no memory) is the empty one */
	(void)app_file_open(&tx->file.af, name.p != NULL ? name.p : (const uint8_t *)"", name.len,
			    APP_TOCLIENT, s->cfg.file_hashes);
	http_bytes_free(&name);
}

static void file_close(struct http_tx *tx, bool truncated)
{
	if (truncated)
		app_file_truncate(&tx->file.af);
	else
		app_file_close(&tx->file.af);
}

/* ------------------------------------------------------------ uploads */

static struct app_file *upload_file(struct http_upload *up, const uint8_t *name, uint32_t n)
{
	if (up->nfiles >= HTTP_UPLOAD_MAX_FILES)
		return NULL;
	struct app_file *f = &up->files[up->nfiles];
	app_file_init(f);
	if (n > HTTP_FILE_NAME_MAX)
		n = HTTP_FILE_NAME_MAX;
	if (!app_file_open(f, name, n, APP_TOSERVER, up->hashes))
		return NULL;
	up->nfiles++;
	return f;
}

/* A parameter's value in a header value ("boundary=", "filename="):
 * quoted or a token up to ';' or blank. */
static bool header_param(const uint8_t *v, uint32_t n, const char *param, const uint8_t **out,
			 uint32_t *out_len)
{
	size_t pl = strlen(param);
	for (uint32_t i = 0; i + pl <= n; i++) {
		if (strncasecmp((const char *)v + i, param, pl) != 0)
			continue;
		/* a whole parameter name: not "xfilename=" */
		if (i > 0 && v[i - 1] != ';' && v[i - 1] != ' ' && v[i - 1] != '\t')
			continue;
		uint32_t a = i + (uint32_t)pl, e;
		if (a < n && v[a] == '"') {
			a++;
			for (e = a; e < n && v[e] != '"'; e++)
				;
		} else {
			for (e = a; e < n && v[e] != ';' && v[e] != ' ' && v[e] != '\t'; e++)
				;
		}
		*out = v + a;
		*out_len = e - a;
		return true;
	}
	return false;
}

/* The request body starts: a PUT, or a multipart/form-data with a boundary. */
static void upload_start(struct http_state *s, struct http_tx *tx)
{
	const uint8_t *b = NULL;
	uint32_t bl = 0;
	bool put = tx->method.len == 3 && memcmp(tx->method.p, "PUT", 3) == 0;
	const struct http_header *ct = http_msg_header(&tx->req, "content-type");
	bool mp = !put && ct != NULL && ct->value.len >= 19 &&
		  strncasecmp((const char *)ct->value.p, "multipart/form-data", 19) == 0 &&
		  header_param(ct->value.p, ct->value.len, "boundary=", &b, &bl) && bl > 0 &&
		  bl <= HTTP_BOUNDARY_MAX;
	if (!put && !mp)
		return;
	struct http_upload *up = calloc(1, sizeof(*up));
	if (up == NULL)
		return;
	up->hashes = s->cfg.file_hashes;
	tx->up = up;
	if (put) {
		uint32_t k = 0;
		while (k < tx->uri_norm.len && tx->uri_norm.p[k] != '?' && tx->uri_norm.p[k] != '#')
			k++;
		(void)upload_file(up, tx->uri_norm.p, k);
		return;
	}
	up->multipart = true;
	memcpy(up->delim, "\n--", 3);
	memcpy(up->delim + 3, b, bl);
	up->dlen = 3 + bl;
	up->idx = 1; /* the first boundary may open the body, without a line end */
	up->st = MP_PREAMBLE;
}

/* Part bytes: to the part's file (preamble bytes go nowhere).  A final
 * CR waits: before a delimiter it belongs to the delimiter's line end. */
static void mp_emit(struct http_upload *up, const uint8_t *d, uint32_t n)
{
	if (n == 0 || up->st != MP_DATA || up->cur == NULL)
		return;
	if (up->pending_cr)
		app_file_append(up->cur, (const uint8_t *)"\r", 1);
	up->pending_cr = d[n - 1] == '\r';
	app_file_append(up->cur, d, up->pending_cr ? n - 1 : n);
}

/* A part header line: Content-Disposition's filename opens its file. */
static void mp_header_line(struct http_upload *up)
{
	uint32_t n = up->line_len;
	if (n > 0 && up->line[n - 1] == '\r')
		n--;
	static const char cd[] = "content-disposition:";
	if (n < sizeof(cd) - 1 || strncasecmp((const char *)up->line, cd, sizeof(cd) - 1) != 0 ||
	    up->cur != NULL)
		return;
	const uint8_t *name;
	uint32_t nl;
	if (header_param(up->line + sizeof(cd) - 1, n - (uint32_t)(sizeof(cd) - 1), "filename=",
			 &name, &nl))
		up->cur = upload_file(up, name, nl);
}

/* A delimiter followed by "--" or by blanks and a line end ends the part
 * (libhtp's check); anything else after it makes it part data. */
static void mp_part_end(struct http_upload *up, enum mp_state next)
{
	if (up->cur != NULL)
		app_file_close(up->cur);
	up->cur = NULL;
	up->pending_cr = false;
	up->st = next;
	up->line_len = 0;
}

static void mp_feed(struct http_upload *up, const uint8_t *d, uint32_t n)
{
	uint32_t run = 0; /* start of the bytes not emitted yet (PREAMBLE, DATA) */
	bool has_run = true;
	for (uint32_t i = 0; i < n && up->st != MP_DONE; i++) {
		uint8_t c = d[i];
		switch (up->st) {
		case MP_PREAMBLE:
		case MP_DATA:
			if (c == up->delim[up->idx]) {
				if (up->idx == 0 && has_run)
					mp_emit(up, d + run, i - run);
				has_run = false;
				if (++up->idx == up->dlen) {
					up->idx = 0;
					up->before = up->st;
					up->st = MP_AFTER_DELIM;
					up->nheld = 0;
				}
				continue;
			}
			if (up->idx > 0) {
				/* not the delimiter: the held bytes were data (the
				 * delimiter has no LF past its first byte, so no
				 * later start can hide inside them) */
				mp_emit(up, up->delim, up->idx);
				up->idx = 0;
				if (c == up->delim[0]) {
					up->idx = 1;
					has_run = false;
					continue;
				}
			}
			if (!has_run) {
				run = i;
				has_run = true;
			}
			break;
		case MP_AFTER_DELIM: {
			bool dash = up->nheld == 0 ? c == '-'
					: up->nheld == 1 && up->held[0] == '-' ? c == '-'
									       : false;
			if (dash && up->nheld == 1) {
				mp_part_end(up, MP_DONE);
				break;
			}
			if (c == '\n' && !(up->nheld > 0 && up->held[0] == '-')) {
				mp_part_end(up, MP_HEADERS);
				break;
			}
			bool blank = c == ' ' || c == '\t' || c == '\r';
			if ((dash || (blank && !(up->nheld > 0 && up->held[0] == '-'))) &&
			    up->nheld < sizeof(up->held)) {
				up->held[up->nheld++] = c;
				break;
			}
			/* not a delimiter: it and what followed are data */
			up->st = up->before;
			mp_emit(up, up->delim, up->dlen);
			mp_emit(up, up->held, up->nheld);
			up->nheld = 0;
			run = i;
			has_run = true;
			if (c == up->delim[0]) {
				up->idx = 1;
				has_run = false;
			}
			break;
		}
		case MP_HEADERS:
			if (c != '\n') {
				if (up->line_len < HTTP_PART_LINE_MAX)
					up->line[up->line_len++] = c;
				break;
			}
			if (up->line_len == 0 || (up->line_len == 1 && up->line[0] == '\r')) {
				up->st = MP_DATA;
				run = i + 1;
				has_run = true;
				break;
			}
			mp_header_line(up);
			up->line_len = 0;
			break;
		case MP_DONE: break;
		}
	}
	if (has_run && run < n && (up->st == MP_DATA || up->st == MP_PREAMBLE))
		mp_emit(up, d + run, n - run);
}

static void upload_data(struct http_tx *tx, const uint8_t *d, uint32_t n)
{
	struct http_upload *up = tx->up;
	if (up == NULL)
		return;
	if (!up->multipart) {
		if (up->nfiles > 0)
			app_file_append(&up->files[0], d, n);
		return;
	}
	mp_feed(up, d, n);
}

static void upload_end(struct http_tx *tx, bool truncated)
{
	struct http_upload *up = tx->up;
	if (up == NULL)
		return;
	/* a part the body ended inside is truncated */
	for (uint32_t i = 0; i < up->nfiles; i++) {
		if (!app_file_is_open(&up->files[i]))
			continue;
		if (truncated || up->multipart)
			app_file_truncate(&up->files[i]);
		else
			app_file_close(&up->files[i]);
	}
	up->cur = NULL;
}

const struct app_file *http_tx_upload(const struct http_tx *tx, uint32_t k)
{
	if (tx->up == NULL || k >= tx->up->nfiles)
		return NULL;
	return &tx->up->files[k];
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
	if (dir != APP_TOCLIENT) {
		upload_data(tx, d, n);
		return;
	}
	if (tx->file.af.state == APP_FILE_NONE)
		file_open(s, tx);
	app_file_append(&tx->file.af, d, n);
}

enum { GZ_SNIFF, GZ_FIXED, GZ_XLEN, GZ_XDATA, GZ_NAME, GZ_COMMENT, GZ_HCRC, GZ_BODY };

static void layer_feed(struct http_state *s, struct http_tx *tx, enum app_dir dir, uint32_t k,
		       const uint8_t *d, uint32_t n);

/* Output of layer k: the next layer, or the decoded body (bounded). */
static void layer_out(struct http_state *s, struct http_tx *tx, enum app_dir dir, uint32_t k,
		      const uint8_t *d, uint32_t n)
{
	struct http_decoder *dec = &msg_of(tx, dir)->dec;
	if (k + 1 < dec->nlayers) {
		layer_feed(s, tx, dir, k + 1, d, n);
		return;
	}
	uint64_t room =
	    s->cfg.decompress_limit > dec->out_total ? s->cfg.decompress_limit - dec->out_total : 0;
	if (n > room) {
		n = (uint32_t)room;
		dec->capped = true;
		http_tx_event(tx, HTTP_EV_COMPRESSION_BOMB);
		http_tx_event(tx, HTTP_EV_COMPRESSION_BOMB_LIMIT_REACHED);
	}
	dec->out_total += n;
	entity(s, tx, dir, d, n);
}

/*
 * Layer k cannot decode its input.  As Suricata's decompressor, the input
 * of the call that failed passes through undecoded (the whole of it, with
 * the first bytes held from earlier calls to tell the format) unless the
 * call already produced output, in which case the rest of it is dropped;
 * from then on this layer and every layer after it pass their input
 * through.
 */
static void layer_fail(struct http_state *s, struct http_tx *tx, enum app_dir dir, uint32_t k,
		       const uint8_t *in, uint32_t n, uint32_t held, bool produced)
{
	struct http_decoder *dec = &msg_of(tx, dir)->dec;
	uint8_t first[sizeof(dec->layer[k].hdr)];
	memcpy(first, dec->layer[k].hdr, held);
	for (uint32_t j = k; j < dec->nlayers; j++)
		dec->layer[j].failed = true;
	http_tx_event(tx, HTTP_EV_GZIP_DECOMPRESSION_FAILED);
	if (produced)
		return;
	layer_out(s, tx, dir, k, first, held);
	layer_out(s, tx, dir, k, in, n);
}

static void layer_end(struct http_layer *l)
{
	if (l->started && l->coding == HTTP_CODING_LZMA)
		lzma_end(&l->lz);
	else if (l->started)
		inflateEnd(&l->z);
	l->started = false;
}

static bool layer_init(struct http_layer *l, int wbits)
{
	memset(&l->z, 0, sizeof(l->z));
	if (inflateInit2(&l->z, wbits) != Z_OK)
		return false;
	l->started = true;
	return true;
}

/* Inflates d[0..n) into the next layer; false when zlib fails (*produced
 * tells whether output came first). */
static bool layer_inflate(struct http_state *s, struct http_tx *tx, enum app_dir dir, uint32_t k,
			  const uint8_t *d, uint32_t n, bool *produced)
{
	struct http_decoder *dec = &msg_of(tx, dir)->dec;
	struct http_layer *l = &dec->layer[k];
	uint8_t out[HTTP_INFLATE_CHUNK];
	l->z.next_in = (Bytef *)(uintptr_t)d;
	l->z.avail_in = n;
	while (l->z.avail_in > 0 && !dec->capped) {
		l->z.next_out = out;
		l->z.avail_out = sizeof(out);
		int rc = inflate(&l->z, Z_NO_FLUSH);
		uint32_t got = (uint32_t)(sizeof(out) - l->z.avail_out);
		if (got > 0) {
			*produced = true;
			layer_out(s, tx, dir, k, out, got);
		}
		if (rc == Z_STREAM_END) {
			l->done = true;
			return true;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return false;
		if (got == 0 && rc == Z_BUF_ERROR)
			return true;
	}
	return true;
}

/* The gzip header step after `st` given the header flags. */
static uint8_t gz_next(uint8_t flags, uint8_t st)
{
	if (st < GZ_XLEN && (flags & 0x04))
		return GZ_XLEN;
	if (st < GZ_NAME && (flags & 0x08))
		return GZ_NAME;
	if (st < GZ_COMMENT && (flags & 0x10))
		return GZ_COMMENT;
	if (st < GZ_HCRC && (flags & 0x02))
		return GZ_HCRC;
	return GZ_BODY;
}

static void gz_enter(struct http_layer *l, uint8_t st)
{
	l->hdr_state = st;
	l->hdr_skip = st == GZ_HCRC ? 2 : 0;
}

/* Header bytes before the deflate data; returns the bytes used. */
static uint32_t layer_header(struct http_layer *l, const uint8_t *d, uint32_t n)
{
	uint32_t used = 0;
	while (used < n && l->hdr_state != GZ_BODY && !l->started) {
		uint8_t c = d[used];
		switch (l->hdr_state) {
		case GZ_SNIFF:
		case GZ_FIXED:
			l->hdr[l->hdr_len++] = c;
			used++;
			if (l->hdr_state == GZ_SNIFF && l->hdr_len == 2)
				l->hdr_state =
				    (l->hdr[0] == 0x1f && l->hdr[1] == 0x8b) ? GZ_FIXED : GZ_BODY;
			else if (l->hdr_state == GZ_FIXED && l->hdr_len == 10)
				gz_enter(l, gz_next(l->hdr[3], GZ_FIXED));
			break;
		case GZ_XLEN:
			l->hdr[10 + l->hdr_skip++] = c;
			used++;
			if (l->hdr_skip == 2) {
				uint32_t xlen = (uint32_t)(l->hdr[10] | l->hdr[11] << 8);
				if (xlen > 0) {
					l->hdr_state = GZ_XDATA;
					l->hdr_skip = xlen;
				} else {
					gz_enter(l, gz_next(l->hdr[3], GZ_XDATA));
				}
			}
			break;
		case GZ_XDATA:
		case GZ_HCRC: {
			uint32_t k = n - used < l->hdr_skip ? n - used : l->hdr_skip;
			used += k;
			l->hdr_skip -= k;
			if (l->hdr_skip == 0)
				gz_enter(l, gz_next(l->hdr[3], l->hdr_state));
			break;
		}
		case GZ_NAME:
		case GZ_COMMENT:
			used++;
			if (c == 0)
				gz_enter(l, gz_next(l->hdr[3], l->hdr_state));
			break;
		}
	}
	return used;
}

/* Decodes d[0..n) of an lzma layer; false when liblzma fails. */
static bool lzma_run(struct http_state *s, struct http_tx *tx, enum app_dir dir, uint32_t k,
		     const uint8_t *d, uint32_t n, bool *produced)
{
	struct http_decoder *dec = &msg_of(tx, dir)->dec;
	struct http_layer *l = &dec->layer[k];
	uint8_t out[HTTP_INFLATE_CHUNK];
	l->lz.next_in = d;
	l->lz.avail_in = n;
	while (l->lz.avail_in > 0 && !dec->capped) {
		l->lz.next_out = out;
		l->lz.avail_out = sizeof(out);
		lzma_ret rc = lzma_code(&l->lz, LZMA_RUN);
		uint32_t got = (uint32_t)(sizeof(out) - l->lz.avail_out);
		if (got > 0) {
			*produced = true;
			layer_out(s, tx, dir, k, out, got);
		}
		if (rc == LZMA_STREAM_END) {
			l->done = true;
			return true;
		}
		if (rc == LZMA_MEMLIMIT_ERROR)
			http_tx_event(tx, HTTP_EV_LZMA_MEMLIMIT_REACHED);
		if (rc != LZMA_OK && rc != LZMA_BUF_ERROR)
			return false;
		if (got == 0 && rc == LZMA_BUF_ERROR)
			return true;
	}
	return true;
}

/*
 * An lzma layer: the 13-byte .lzma header (properties, dictionary size,
 * uncompressed size) is gathered first and its dictionary size capped at
 * HTTP_LZMA_DICT_MAX, so a flow cannot make liblzma allocate more; output
 * stops at the decompress limit anyway, so no valid distance is cut.
 */
static void layer_lzma(struct http_state *s, struct http_tx *tx, enum app_dir dir, uint32_t k,
		       const uint8_t *d, uint32_t n)
{
	struct http_layer *l = &msg_of(tx, dir)->dec.layer[k];
	const uint8_t *in = d;
	uint32_t in_n = n, held = l->started ? 0 : l->hdr_len;
	bool produced = false;
	if (!l->started) {
		uint32_t take = 13 - l->hdr_len < n ? 13 - l->hdr_len : n;
		memcpy(l->hdr + l->hdr_len, d, take);
		l->hdr_len += take;
		d += take;
		n -= take;
		if (l->hdr_len < 13)
			return;
		uint32_t dict = (uint32_t)l->hdr[1] | (uint32_t)l->hdr[2] << 8 |
				(uint32_t)l->hdr[3] << 16 | (uint32_t)l->hdr[4] << 24;
		if (dict > HTTP_LZMA_DICT_MAX)
			for (int i = 0; i < 4; i++)
				l->hdr[1 + i] = (uint8_t)(HTTP_LZMA_DICT_MAX >> (8 * i));
		lzma_stream init = LZMA_STREAM_INIT;
		l->lz = init;
		if (lzma_alone_decoder(&l->lz, UINT64_MAX) != LZMA_OK) {
			layer_fail(s, tx, dir, k, in, in_n, held, false);
			return;
		}
		l->started = true;
		if (!lzma_run(s, tx, dir, k, l->hdr, 13, &produced)) {
			layer_fail(s, tx, dir, k, in, in_n, held, produced);
			return;
		}
	}
	if (n > 0 && !l->done && !lzma_run(s, tx, dir, k, d, n, &produced))
		layer_fail(s, tx, dir, k, in, in_n, held, produced);
}

static void layer_feed(struct http_state *s, struct http_tx *tx, enum app_dir dir, uint32_t k,
		       const uint8_t *d, uint32_t n)
{
	struct http_decoder *dec = &msg_of(tx, dir)->dec;
	struct http_layer *l = &dec->layer[k];
	const uint8_t *in = d;
	uint32_t in_n = n, held = l->started ? 0 : l->hdr_len;
	bool produced = false;
	if (dec->capped || l->done || n == 0)
		return;
	if (l->failed) {
		layer_out(s, tx, dir, k, d, n);
		return;
	}
	if (l->coding == HTTP_CODING_LZMA) {
		layer_lzma(s, tx, dir, k, d, n);
		return;
	}
	if (!l->started) {
		uint32_t used = layer_header(l, d, n);
		d += used;
		n -= used;
		if (l->hdr_state != GZ_BODY)
			return; /* header not complete yet */
		bool gzip = l->hdr_len == 10;
		bool zlib =
		    !gzip && (l->hdr[0] & 0x0f) == 8 && ((l->hdr[0] << 8) | l->hdr[1]) % 31 == 0;
		if (!layer_init(l, gzip ? -15 : zlib ? 15 : -15)) {
			layer_fail(s, tx, dir, k, in, in_n, held, false);
			return;
		}
		if (!gzip) {
			/* the two sniffed bytes are data */
			uint8_t first[2] = {l->hdr[0], l->hdr[1]};
			if (!layer_inflate(s, tx, dir, k, first, 2, &produced)) {
				layer_fail(s, tx, dir, k, in, in_n, held, produced);
				return;
			}
			if (l->done)
				return;
		}
	}
	if (!layer_inflate(s, tx, dir, k, d, n, &produced))
		layer_fail(s, tx, dir, k, in, in_n, held, produced);
}

void http_body_data(struct http_state *s, struct http_tx *tx, enum app_dir dir, const uint8_t *d,
		    uint32_t n)
{
	if (tx == NULL || n == 0)
		return;
	struct http_msg *m = msg_of(tx, dir);
	m->body_len += n;
	if (m->dec.nlayers > 0)
		layer_feed(s, tx, dir, 0, d, n);
	else
		entity(s, tx, dir, d, n);
}

void http_body_gap(struct http_state *s, struct http_tx *tx, enum app_dir dir, uint64_t len)
{
	(void)s;
	struct http_msg *m = msg_of(tx, dir);
	m->body_len += len;
	for (uint32_t k = 0; k < m->dec.nlayers; k++) {
		/* an inflate stream cannot continue over a hole */
		if (!m->dec.layer[k].done && !m->dec.layer[k].failed) {
			m->dec.layer[k].failed = true;
			http_tx_event(tx, HTTP_EV_GZIP_DECOMPRESSION_FAILED);
		}
	}
	if (dir == APP_TOCLIENT) {
		if (tx->file.af.state == APP_FILE_NONE)
			file_open(s, tx);
		app_file_gap(&tx->file.af, len);
	} else if (tx->up != NULL) {
		/* the part boundaries cannot be followed over a hole */
		for (uint32_t i = 0; i < tx->up->nfiles; i++)
			if (app_file_is_open(&tx->up->files[i]))
				app_file_gap(&tx->up->files[i], len);
		if (tx->up->multipart) {
			tx->up->cur = NULL;
			tx->up->st = MP_DONE;
		}
	}
}

void http_body_end(struct http_state *s, struct http_tx *tx, enum app_dir dir, bool truncated)
{
	(void)s;
	struct http_msg *m = msg_of(tx, dir);
	for (uint32_t k = 0; k < m->dec.nlayers; k++) {
		layer_end(&m->dec.layer[k]);
		m->dec.layer[k].done = true;
	}
	if (dir == APP_TOCLIENT)
		file_close(tx, truncated);
	else
		upload_end(tx, truncated);
}

void http_decoder_free(struct http_decoder *dec)
{
	for (uint32_t k = 0; k < dec->nlayers; k++)
		layer_end(&dec->layer[k]);
	memset(dec, 0, sizeof(*dec));
}

void http_body_free(struct http_tx *tx)
{
	app_file_free(&tx->file.af);
	free(tx->file.magic);
	if (tx->up != NULL) {
		for (uint32_t i = 0; i < tx->up->nfiles; i++)
			app_file_free(&tx->up->files[i]);
		free(tx->up);
		tx->up = NULL;
	}
}

const char *http_tx_file_magic(const struct http_tx *tx, struct file_magic *fm)
{
	const struct http_filectx *f = &tx->file;
	const struct http_bytes *body = &tx->resp.body;
	if (f->magic_done || fm == NULL || f->af.state == APP_FILE_NONE || body->len == 0 ||
	    (f->af.state == APP_FILE_OPEN && body->len < FILE_MAGIC_MIN_BYTES))
		return f->magic;
	/* computed once and kept: the transaction is otherwise read-only here */
	struct http_filectx *mf = (struct http_filectx *)f;
	const char *s = file_magic_describe(fm, body->p, body->len);
	mf->magic = s != NULL ? strdup(s) : NULL;
	mf->magic_done = true;
	return f->magic;
}

bool http_tx_file(const struct http_tx *tx, struct http_file_info *out)
{
	struct app_file_info fi;
	memset(out, 0, sizeof(*out));
	if (!app_file_info(&tx->file.af, &fi))
		return false;
	out->state = fi.state == APP_FILE_OPEN	   ? HTTP_FILE_OPEN
		     : fi.state == APP_FILE_CLOSED ? HTTP_FILE_CLOSED
						   : HTTP_FILE_TRUNCATED;
	out->name = fi.name != NULL ? fi.name : (const uint8_t *)"";
	out->name_len = fi.name_len;
	out->size = fi.size;
	out->hashes = fi.hashes;
	out->gaps = fi.gaps;
	memcpy(out->md5, fi.md5, sizeof(out->md5));
	memcpy(out->sha1, fi.sha1, sizeof(out->sha1));
	memcpy(out->sha256, fi.sha256, sizeof(out->sha256));
	return true;
}

const struct app_file *http_tx_body_file(const struct http_tx *tx)
{
	return &tx->file.af;
}
