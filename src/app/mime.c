/*
 * mime.c — the streaming MIME decoder (app/mime.h): headers, multipart
 * entities, base64 / quoted-printable decoding, URLs, attachments.
 *
 * Bounds: every read stays within the line it was given.  Per message at
 * most MIME_MAX_HEADERS top-level headers, each value cut at
 * header-value-depth (or MIME_MAX_URL_LEN * 32 when unlimited); entity
 * headers other than the top level are folded into one pending header cut
 * the same way; MIME_MAX_DEPTH boundaries (of MIME_MAX_BOUNDARY bytes),
 * MIME_MAX_PARTS entities, MIME_MAX_FILES attachments (each holding what
 * app/file.h holds), MIME_MAX_URLS URLs of MIME_MAX_URL_LEN bytes and a
 * MIME_URL_LINE_MAX text buffer.  Nothing else grows; a size a message
 * claims is never used to allocate.  No global mutable state.
 */
#include "app/mime.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MIME_UNLIMITED_VALUE (64u * 1024)

static const char *const mime_event_names[MIME_EV_COUNT] = {
    [MIME_EV_PARSE_FAILED] = "mime_parse_failed",
    [MIME_EV_MALFORMED_MSG] = "mime_malformed_msg",
    [MIME_EV_INVALID_BASE64] = "mime_invalid_base",
    [MIME_EV_LONG_HEADER_NAME] = "mime_long_header_name",
    [MIME_EV_LONG_HEADER_VALUE] = "mime_long_header_value",
    [MIME_EV_INVALID_QP] = "mime_invalid_qp",
    [MIME_EV_LONG_LINE] = "mime_long_line",
    [MIME_EV_LONG_ENC_LINE] = "mime_long_enc_line",
    [MIME_EV_LONG_BOUNDARY] = "mime_long_boundary",
    [MIME_EV_LONG_FILENAME] = "mime_long_filename",
};

const char *mime_event_name(enum mime_event ev)
{
	return (unsigned)ev < MIME_EV_COUNT ? mime_event_names[ev] : NULL;
}

void mime_config_defaults(struct mime_config *c)
{
	memset(c, 0, sizeof(*c));
	c->decode_mime = c->decode_base64 = c->decode_qp = true;
	c->header_value_depth = 2000;
	c->extract_urls = true;
	c->n_schemes = 1;
	strcpy(c->schemes[0], "http://");
}

static const struct mime_config mime_default_config = {
    .decode_mime = true,
    .decode_base64 = true,
    .decode_qp = true,
    .header_value_depth = 2000,
    .extract_urls = true,
    .n_schemes = 1,
    .schemes = {"http://"},
};

void mime_init(struct mime_parser *m, const struct mime_config *cfg, uint8_t file_hashes)
{
	memset(m, 0, sizeof(*m));
	m->cfg = cfg != NULL ? cfg : &mime_default_config;
	m->file_hashes = file_hashes;
	m->st = MIME_ST_HEADERS;
	m->in_main = true;
	m->ent.text = true;
	if (m->cfg->body_md5) {
		m->md5 = EVP_MD_CTX_new();
		if (m->md5 != NULL && EVP_DigestInit_ex(m->md5, EVP_md5(), NULL) != 1) {
			EVP_MD_CTX_free(m->md5);
			m->md5 = NULL;
		}
	}
}

static void bytes_free(struct mime_bytes *b)
{
	free(b->p);
	b->p = NULL;
	b->n = 0;
}

static bool bytes_set(struct mime_bytes *b, const uint8_t *d, uint32_t n)
{
	bytes_free(b);
	b->p = malloc(n + 1);
	if (b->p == NULL)
		return false;
	if (n > 0)
		memcpy(b->p, d, n);
	b->p[n] = 0;
	b->n = n;
	return true;
}

/* Appends up to the cap; true when all of d fit. */
static bool bytes_append(struct mime_bytes *b, const uint8_t *d, uint32_t n, uint32_t cap)
{
	uint32_t room = b->n < cap ? cap - b->n : 0;
	uint32_t take = n < room ? n : room;
	if (take > 0) {
		uint8_t *p = realloc(b->p, b->n + take + 1);
		if (p == NULL)
			return false;
		memcpy(p + b->n, d, take);
		b->p = p;
		b->n += take;
		b->p[b->n] = 0;
	}
	return take == n;
}

static void entity_reset(struct mime_entity *e)
{
	bytes_free(&e->boundary);
	bytes_free(&e->filename);
	memset(e, 0, sizeof(*e));
	e->text = true;
}

void mime_free(struct mime_parser *m)
{
	for (uint32_t i = 0; i < m->n_hdrs; i++) {
		bytes_free(&m->hdrs[i].name);
		bytes_free(&m->hdrs[i].value);
	}
	free(m->hdrs);
	bytes_free(&m->pend.name);
	bytes_free(&m->pend.value);
	entity_reset(&m->ent);
	for (uint32_t i = 0; i < m->depth; i++)
		bytes_free(&m->stack[i]);
	for (uint32_t i = 0; i < m->n_files; i++)
		app_file_free(&m->files[i]);
	free(m->files);
	for (uint32_t i = 0; i < m->n_urls; i++)
		bytes_free(&m->urls[i]);
	free(m->urls);
	free(m->urlbuf);
	if (m->md5 != NULL)
		EVP_MD_CTX_free(m->md5);
	memset(m, 0, sizeof(*m));
}

static void ev(struct mime_parser *m, enum mime_event e)
{
	m->events |= 1u << e;
}

static uint32_t value_cap(const struct mime_parser *m)
{
	return m->cfg->header_value_depth != 0 ? m->cfg->header_value_depth : MIME_UNLIMITED_VALUE;
}

/* ------------------------------------------------------------ header values */

bool mime_header_param(const uint8_t *v, uint32_t n, const char *param, const uint8_t **out,
		       uint32_t *out_n)
{
	size_t pl = strlen(param);
	uint32_t i = 0;
	bool quoted = false;
	/* parameters follow a ';' outside quotes */
	while (i < n) {
		if (v[i] == '"')
			quoted = !quoted;
		if (v[i] != ';' || quoted) {
			i++;
			continue;
		}
		i++;
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (n - i > pl && strncasecmp((const char *)v + i, param, pl) == 0) {
			uint32_t j = i + (uint32_t)pl;
			while (j < n && (v[j] == ' ' || v[j] == '\t'))
				j++;
			if (j < n && v[j] == '=') {
				j++;
				while (j < n && (v[j] == ' ' || v[j] == '\t'))
					j++;
				uint32_t s = j, e;
				if (j < n && v[j] == '"') {
					s = ++j;
					while (j < n && v[j] != '"')
						j++;
					e = j;
				} else {
					while (j < n && v[j] != ';' && v[j] != ' ' && v[j] != '\t')
						j++;
					e = j;
				}
				*out = v + s;
				*out_n = e - s;
				return true;
			}
		}
	}
	return false;
}

static int b64_val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int hex_val(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One encoded word's text (between the second and last '?'). */
static uint32_t decode_word(char kind, const uint8_t *t, uint32_t n, uint8_t *out, uint32_t cap)
{
	uint32_t o = 0;
	if (kind == 'B' || kind == 'b') {
		uint32_t acc = 0, bits = 0;
		for (uint32_t i = 0; i < n && o < cap; i++) {
			int v = b64_val(t[i]);
			if (v < 0)
				continue;
			acc = (acc << 6) | (uint32_t)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out[o++] = (uint8_t)(acc >> bits);
			}
		}
		return o;
	}
	for (uint32_t i = 0; i < n && o < cap; i++) {
		if (t[i] == '_') {
			out[o++] = ' ';
		} else if (t[i] == '=' && i + 2 < n && hex_val(t[i + 1]) >= 0 &&
			   hex_val(t[i + 2]) >= 0) {
			out[o++] = (uint8_t)(hex_val(t[i + 1]) << 4 | hex_val(t[i + 2]));
			i += 2;
		} else {
			out[o++] = t[i];
		}
	}
	return o;
}

uint32_t mime_decode_words(const uint8_t *s, uint32_t n, uint8_t *out, uint32_t cap)
{
	uint32_t o = 0, i = 0;
	bool last_word = false; /* whitespace between two words is dropped */
	uint32_t ws_start = 0;
	while (i < n && o < cap) {
		if (i + 1 < n && s[i] == '=' && s[i + 1] == '?') {
			/* =?charset?X?text?= */
			uint32_t q1 = i + 2;
			while (q1 < n && s[q1] != '?')
				q1++;
			if (q1 + 2 < n && s[q1 + 2] == '?') {
				char kind = (char)s[q1 + 1];
				uint32_t t = q1 + 3, e = t;
				while (e + 1 < n && !(s[e] == '?' && s[e + 1] == '='))
					e++;
				if (e + 1 < n &&
				    (kind == 'B' || kind == 'b' || kind == 'Q' || kind == 'q')) {
					if (last_word)
						o = ws_start;
					o += decode_word(kind, s + t, e - t, out + o, cap - o);
					i = e + 2;
					last_word = true;
					ws_start = o;
					continue;
				}
			}
		}
		if (s[i] != ' ' && s[i] != '\t')
			last_word = false;
		out[o++] = s[i++];
	}
	return o;
}

/* ------------------------------------------------------------ headers */

/* "Name: value" split; false when the line has no ':' after a name. */
static bool split_header(const uint8_t *l, uint32_t n, uint32_t *name_n, uint32_t *val_off)
{
	uint32_t i = 0;
	while (i < n && l[i] != ':' && l[i] > ' ' && l[i] < 127)
		i++;
	if (i == 0 || i >= n || l[i] != ':')
		return false;
	*name_n = i;
	i++;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	*val_off = i;
	return true;
}

static struct mime_header *cur_header(struct mime_parser *m)
{
	if (m->in_main)
		return m->n_hdrs > 0 ? &m->hdrs[m->n_hdrs - 1] : NULL;
	return m->pend_used ? &m->pend : NULL;
}

/*
 * A file name parameter into buf: "param=v", else RFC 2231's
 * "param*=charset'lang'v" or the sections "param*0=", "param*1=", ...
 * (and "param*N*=") joined in order, as Suricata's mime_find_header_token
 * does.  Returns the length (0: absent); at most cap bytes.
 */
static uint32_t param_joined(const uint8_t *v, uint32_t n, const char *param, uint8_t *buf,
			     uint32_t cap)
{
	const uint8_t *pv;
	uint32_t pn, o = 0;
	char name[40];
	if (mime_header_param(v, n, param, &pv, &pn)) {
		o = pn < cap ? pn : cap;
		memcpy(buf, pv, o);
		return o;
	}
	snprintf(name, sizeof(name), "%s*", param);
	if (mime_header_param(v, n, name, &pv, &pn)) {
		const uint8_t *q = memchr(pv, '\'', pn);
		const uint8_t *q2 =
		    q != NULL ? memchr(q + 1, '\'', pn - (uint32_t)(q + 1 - pv)) : NULL;
		if (q2 != NULL) {
			pn -= (uint32_t)(q2 + 1 - pv);
			pv = q2 + 1;
		}
		o = pn < cap ? pn : cap;
		memcpy(buf, pv, o);
		return o;
	}
	for (int k = 0; k < 100 && o < cap; k++) {
		snprintf(name, sizeof(name), "%s*%d", param, k);
		if (!mime_header_param(v, n, name, &pv, &pn)) {
			snprintf(name, sizeof(name), "%s*%d*", param, k);
			if (!mime_header_param(v, n, name, &pv, &pn))
				break;
		}
		uint32_t c = pn < cap - o ? pn : cap - o;
		memcpy(buf + o, pv, c);
		o += c;
	}
	return o;
}

/* An entity header is complete: note what it says about the entity. */
static void entity_header(struct mime_parser *m, const struct mime_header *h)
{
	const uint8_t *pv;
	uint32_t pn;
	const uint8_t *v = h->value.p;
	uint32_t n = h->value.n;
	if (h->name.n == 19 &&
	    strncasecmp((const char *)h->name.p, "content-disposition", 19) == 0) {
		uint8_t fn[MIME_MAX_TOKEN * 2];
		uint32_t fl;
		if (m->ent.filename.n == 0 &&
		    (fl = param_joined(v, n, "filename", fn, sizeof(fn))) > 0)
			bytes_set(&m->ent.filename, fn, fl);
	} else if (h->name.n == 25 &&
		   strncasecmp((const char *)h->name.p, "content-transfer-encoding", 25) == 0) {
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if (n == 6 && strncasecmp((const char *)v, "base64", 6) == 0)
			m->ent.enc = 1;
		else if (n == 16 && strncasecmp((const char *)v, "quoted-printable", 16) == 0)
			m->ent.enc = 2;
	} else if (h->name.n == 12 &&
		   strncasecmp((const char *)h->name.p, "content-type", 12) == 0) {
		uint32_t ct = 0;
		while (ct < n && v[ct] != ';' && v[ct] != ' ' && v[ct] != '\t')
			ct++;
		m->ent.text = (ct == 10 && strncasecmp((const char *)v, "text/plain", 10) == 0) ||
			      (ct == 9 && strncasecmp((const char *)v, "text/html", 9) == 0);
		m->ent.message =
		    ct == 14 && strncasecmp((const char *)v, "message/rfc822", 14) == 0;
		if (ct >= 10 && strncasecmp((const char *)v, "multipart/", 10) == 0 &&
		    mime_header_param(v, n, "boundary", &pv, &pn) && pn > 0) {
			if (pn > MIME_MAX_BOUNDARY) {
				ev(m, MIME_EV_LONG_BOUNDARY);
				pn = MIME_MAX_BOUNDARY;
			}
			m->ent.multipart = true;
			bytes_set(&m->ent.boundary, pv, pn);
		}
		uint8_t fn[MIME_MAX_TOKEN * 2];
		uint32_t fl;
		if (m->ent.filename.n == 0 && (fl = param_joined(v, n, "name", fn, sizeof(fn))) > 0)
			bytes_set(&m->ent.filename, fn, fl);
	}
}

static void pend_done(struct mime_parser *m)
{
	if (m->pend_used)
		entity_header(m, &m->pend);
	bytes_free(&m->pend.name);
	bytes_free(&m->pend.value);
	m->pend_used = false;
}

static void header_value_add(struct mime_parser *m, struct mime_header *h, const uint8_t *d,
			     uint32_t n)
{
	if (!bytes_append(&h->value, d, n, value_cap(m)))
		ev(m, MIME_EV_LONG_HEADER_VALUE);
}

static void header_line(struct mime_parser *m, const uint8_t *l, uint32_t n)
{
	struct mime_header *cur = cur_header(m);
	if ((l[0] == ' ' || l[0] == '\t') && cur != NULL) {
		/* folded: the line joins the value without its first white space */
		header_value_add(m, cur, l + 1, n - 1);
		return;
	}
	uint32_t nn, vo;
	if (!split_header(l, n, &nn, &vo))
		return; /* not a header: skipped, as Suricata does */
	if (nn > MIME_MAX_HEADER_NAME)
		ev(m, MIME_EV_LONG_HEADER_NAME);
	if (!m->in_main) {
		pend_done(m);
		if (bytes_set(&m->pend.name, l, nn) && bytes_set(&m->pend.value, NULL, 0)) {
			m->pend_used = true;
			header_value_add(m, &m->pend, l + vo, n - vo);
		}
		return;
	}
	if (m->n_hdrs >= MIME_MAX_HEADERS) {
		ev(m, MIME_EV_MALFORMED_MSG);
		return;
	}
	if (m->hdrs == NULL) {
		m->hdrs = calloc(MIME_MAX_HEADERS, sizeof(*m->hdrs));
		if (m->hdrs == NULL)
			return;
	}
	struct mime_header *h = &m->hdrs[m->n_hdrs];
	if (!bytes_set(&h->name, l, nn) || !bytes_set(&h->value, NULL, 0)) {
		bytes_free(&h->name);
		return;
	}
	m->n_hdrs++;
	header_value_add(m, h, l + vo, n - vo);
}

/* ------------------------------------------------------------ URLs */

static void url_add(struct mime_parser *m, const uint8_t *u, uint32_t n)
{
	if (m->n_urls >= MIME_MAX_URLS || n == 0)
		return;
	if (m->urls == NULL) {
		m->urls = calloc(MIME_MAX_URLS, sizeof(*m->urls));
		if (m->urls == NULL)
			return;
	}
	if (n > MIME_MAX_URL_LEN)
		n = MIME_MAX_URL_LEN;
	if (bytes_set(&m->urls[m->n_urls], u, n))
		m->n_urls++;
}

static bool url_end(uint8_t c)
{
	return c == ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == ']' || c == '\t' ||
	       c == '\r' || c == '\n';
}

static void url_scan(struct mime_parser *m, const uint8_t *d, uint32_t n)
{
	for (uint32_t s = 0; s < m->cfg->n_schemes; s++) {
		const char *sc = m->cfg->schemes[s];
		uint32_t sl = (uint32_t)strlen(sc);
		if (sl == 0)
			continue;
		for (uint32_t i = 0; i + sl <= n; i++) {
			if (strncasecmp((const char *)d + i, sc, sl) != 0)
				continue;
			uint32_t e = i + sl;
			while (e < n && !url_end(d[e]))
				e++;
			if (m->cfg->log_url_scheme)
				url_add(m, d + i, e - i);
			else
				url_add(m, d + i + sl, e - i - sl);
			i = e > i ? e - 1 : i;
		}
	}
}

/* Decoded text: URLs are searched per line (a line may come in pieces). */
static void url_text(struct mime_parser *m, const uint8_t *d, uint32_t n)
{
	if (!m->cfg->extract_urls || m->cfg->n_schemes == 0)
		return;
	while (n > 0) {
		const uint8_t *nl = memchr(d, '\n', n);
		uint32_t take = nl != NULL ? (uint32_t)(nl - d) + 1 : n;
		if (m->urlbuf == NULL) {
			m->urlbuf = malloc(MIME_URL_LINE_MAX);
			if (m->urlbuf == NULL)
				return;
		}
		uint32_t room = MIME_URL_LINE_MAX - m->urlbuf_n;
		uint32_t c = take < room ? take : room;
		memcpy(m->urlbuf + m->urlbuf_n, d, c);
		m->urlbuf_n += c;
		if (nl != NULL || m->urlbuf_n == MIME_URL_LINE_MAX) {
			url_scan(m, m->urlbuf, m->urlbuf_n);
			m->urlbuf_n = 0;
		}
		d += take;
		n -= take;
	}
}

static void url_flush(struct mime_parser *m)
{
	if (m->urlbuf_n > 0)
		url_scan(m, m->urlbuf, m->urlbuf_n);
	m->urlbuf_n = 0;
}

/* ------------------------------------------------------------ entities */

static void file_end(struct mime_parser *m, bool complete)
{
	if (!m->file_open)
		return;
	struct app_file *f = &m->files[m->n_files - 1];
	if (complete)
		app_file_close(f);
	else
		app_file_truncate(f);
	m->file_open = false;
}

static void file_start(struct mime_parser *m)
{
	if (m->ent.filename.n == 0)
		return;
	uint8_t name[MIME_MAX_TOKEN];
	uint32_t nn = m->ent.filename.n;
	if (nn > MIME_MAX_TOKEN) {
		ev(m, MIME_EV_LONG_FILENAME);
		nn = MIME_MAX_TOKEN;
	}
	nn = mime_decode_words(m->ent.filename.p, nn, name, sizeof(name));
	if (m->n_files >= MIME_MAX_FILES)
		return;
	if (m->files == NULL) {
		m->files = calloc(MIME_MAX_FILES, sizeof(*m->files));
		if (m->files == NULL)
			return;
	}
	struct app_file *f = &m->files[m->n_files++];
	app_file_init(f);
	m->file_open = app_file_open(f, name, nn, APP_TOSERVER, m->file_hashes);
}

/* The headers of an entity ended: its body starts. */
static void body_start(struct mime_parser *m)
{
	pend_done(m);
	m->eol_held = 0;
	if (m->in_main)
		for (uint32_t i = 0; i < m->n_hdrs; i++)
			entity_header(m, &m->hdrs[i]);
	m->in_main = false;
	m->b64_n = 0;
	m->b64_bad = false;
	url_flush(m);
	if (m->ent.message) {
		/* message/rfc822: the body is a message, its headers come next,
		 * whatever file name or transfer encoding the entity claimed
		 * (RFC 2046 5.2.1 allows none but 7bit, 8bit and binary; as
		 * Suricata 8.0.7, the inner message starts plain) */
		entity_reset(&m->ent);
		m->st = MIME_ST_HEADERS;
		return;
	}
	if (m->ent.multipart) {
		if (m->depth >= MIME_MAX_DEPTH) {
			ev(m, MIME_EV_MALFORMED_MSG);
		} else {
			m->stack[m->depth++] = m->ent.boundary;
			m->ent.boundary.p = NULL;
			m->ent.boundary.n = 0;
		}
		m->st = MIME_ST_SKIP; /* the preamble */
		return;
	}
	m->st = MIME_ST_BODY;
	file_start(m);
}

/* A boundary line: "--b" or "--b--" for some boundary of the stack. */
static bool boundary_line(struct mime_parser *m, const uint8_t *l, uint32_t n)
{
	if (n < 3 || l[0] != '-' || l[1] != '-' || m->depth == 0)
		return false;
	for (uint32_t k = m->depth; k-- > 0;) {
		const struct mime_bytes *b = &m->stack[k];
		if (n - 2 < b->n || memcmp(l + 2, b->p, b->n) != 0)
			continue;
		bool close = n - 2 - b->n >= 2 && l[2 + b->n] == '-' && l[3 + b->n] == '-';
		m->eol_held = 0;
		file_end(m, true);
		url_flush(m);
		entity_reset(&m->ent);
		/* inner multiparts left open end here */
		while (m->depth > k + 1)
			bytes_free(&m->stack[--m->depth]);
		if (close) {
			bytes_free(&m->stack[--m->depth]);
			m->st = MIME_ST_SKIP; /* the epilogue */
			return true;
		}
		if (++m->parts > MIME_MAX_PARTS) {
			ev(m, MIME_EV_PARSE_FAILED);
			m->st = MIME_ST_DONE;
			return true;
		}
		m->st = MIME_ST_HEADERS;
		return true;
	}
	return false;
}

static void body_data(struct mime_parser *m, const uint8_t *d, uint32_t n)
{
	if (m->file_open)
		app_file_append(&m->files[m->n_files - 1], d, n);
	if (m->ent.text || m->file_open)
		url_text(m, d, n);
}

static void body_base64(struct mime_parser *m, const uint8_t *l, uint32_t n)
{
	uint8_t out[3 * 256];
	uint32_t o = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (l[i] == ' ' || l[i] == '\t')
			continue;
		int v = l[i] == '=' ? 64 : b64_val(l[i]);
		if (v < 0) {
			if (!m->b64_bad)
				ev(m, MIME_EV_INVALID_BASE64);
			m->b64_bad = true;
			continue;
		}
		m->b64[m->b64_n++] = (uint8_t)v;
		if (m->b64_n < 4)
			continue;
		m->b64_n = 0;
		uint8_t *q = m->b64;
		if (q[0] == 64 || q[1] == 64) {
			if (!m->b64_bad)
				ev(m, MIME_EV_INVALID_BASE64);
			m->b64_bad = true;
			continue;
		}
		out[o++] = (uint8_t)(q[0] << 2 | q[1] >> 4);
		if (q[2] != 64) {
			out[o++] = (uint8_t)(q[1] << 4 | q[2] >> 2);
			if (q[3] != 64)
				out[o++] = (uint8_t)(q[2] << 6 | q[3]);
		}
		if (o + 3 > sizeof(out)) {
			body_data(m, out, o);
			o = 0;
		}
	}
	if (o > 0)
		body_data(m, out, o);
}

static void body_qp(struct mime_parser *m, const uint8_t *l, uint32_t n, uint8_t eol)
{
	uint8_t out[512];
	uint32_t o = 0;
	bool soft = false;
	for (uint32_t i = 0; i < n; i++) {
		if (o + 2 > sizeof(out)) {
			body_data(m, out, o);
			o = 0;
		}
		if (l[i] != '=') {
			out[o++] = l[i];
			continue;
		}
		if (i + 1 == n) {
			soft = true;
			break;
		}
		int h = i + 2 < n ? hex_val(l[i + 1]) : -1, lo = i + 2 < n ? hex_val(l[i + 2]) : -1;
		if (h < 0 || lo < 0) {
			ev(m, MIME_EV_INVALID_QP);
			out[o++] = l[i];
			continue;
		}
		out[o++] = (uint8_t)(h << 4 | lo);
		i += 2;
	}
	/* as for plain bodies, the end of line waits for the next line */
	static const uint8_t crlf[2] = {'\r', '\n'};
	if (m->eol_held > 0)
		body_data(m, crlf + 2 - m->eol_held, m->eol_held);
	if (o > 0)
		body_data(m, out, o);
	m->eol_held = soft ? 0 : (eol > 2 ? 2 : eol);
}

static void body_line(struct mime_parser *m, const uint8_t *l, uint32_t n, uint8_t eol)
{
	static const uint8_t crlf[2] = {'\r', '\n'};
	if (m->ent.enc == 1 && m->cfg->decode_base64) {
		if (n > MIME_MAX_ENC_LINE)
			ev(m, MIME_EV_LONG_ENC_LINE);
		body_base64(m, l, n);
	} else if (m->ent.enc == 2 && m->cfg->decode_qp) {
		if (n > MIME_MAX_ENC_LINE)
			ev(m, MIME_EV_LONG_ENC_LINE);
		body_qp(m, l, n, eol);
	} else {
		/* the end of line before a boundary belongs to the boundary:
		 * it is held until the next line shows it is data */
		if (m->eol_held > 0)
			body_data(m, crlf + 2 - m->eol_held, m->eol_held);
		body_data(m, l, n);
		m->eol_held = eol > 2 ? 2 : eol;
	}
}

void mime_parse_line(struct mime_parser *m, const uint8_t *line, uint32_t n, uint8_t eol)
{
	if (n > MIME_MAX_LINE)
		ev(m, MIME_EV_LONG_LINE);
	if (m->md5 != NULL && m->st != MIME_ST_HEADERS) {
		static const uint8_t crlf[2] = {'\r', '\n'};
		EVP_DigestUpdate(m->md5, line, n);
		if (eol > 0)
			EVP_DigestUpdate(m->md5, crlf + 2 - (eol > 2 ? 2 : eol), eol > 2 ? 2 : eol);
	}
	if (!m->cfg->decode_mime && !m->in_main)
		return;
	switch (m->st) {
	case MIME_ST_HEADERS:
		if (n == 0) {
			if (!m->cfg->decode_mime) {
				m->in_main = false;
				m->st = MIME_ST_DONE;
				return;
			}
			body_start(m);
		} else if (!boundary_line(m, line, n)) {
			header_line(m, line, n);
		}
		return;
	case MIME_ST_BODY:
		if (!boundary_line(m, line, n))
			body_line(m, line, n, eol);
		return;
	case MIME_ST_SKIP: boundary_line(m, line, n); return;
	case MIME_ST_DONE: return;
	}
}

void mime_finish(struct mime_parser *m, bool complete)
{
	if (m->st == MIME_ST_HEADERS && m->in_main)
		pend_done(m);
	if (m->depth > 0 && complete)
		ev(m, MIME_EV_MALFORMED_MSG); /* a multipart never closed */
	file_end(m, complete);
	url_flush(m);
	if (m->md5 != NULL && !m->md5_done) {
		unsigned int len = 0;
		EVP_DigestFinal_ex(m->md5, m->md5_res, &len);
		m->md5_done = true;
	}
	m->st = MIME_ST_DONE;
}

const struct mime_bytes *mime_header(const struct mime_parser *m, const char *name, uint32_t k)
{
	size_t nl = strlen(name);
	for (uint32_t i = 0; i < m->n_hdrs; i++) {
		const struct mime_header *h = &m->hdrs[i];
		if (h->name.n == nl && strncasecmp((const char *)h->name.p, name, nl) == 0 &&
		    k-- == 0)
			return &h->value;
	}
	return NULL;
}
