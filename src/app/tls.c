/*
 * tls.c — the TLS record layer and handshake parser (API in app/tls.h).
 *
 * Bytes arrive per direction in arbitrary splits.  A record header (5
 * bytes, or 2 for an SSLv2 record) is collected across calls; record
 * bodies are not buffered: handshake bodies are appended to a
 * per-direction handshake buffer (messages can span records and records
 * can carry several messages), everything else is consumed as it passes,
 * with only the few leading bytes kept that alert and heartbeat checks
 * need.  The handshake buffer never holds more than TLS_HS_MAX + 4 bytes
 * (a message announcing more is reported and skipped), and it is released
 * once empty and large or once the direction is encrypted, so a flow past
 * its handshake holds no buffers.  Every read from a message goes through
 * struct rd, which refuses to step past the message's length.
 *
 * Certificates are read in tls-cert.c, fingerprints built in tls-ja.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/frame.h"
#include "app/tls-internal.h"

#define TLS_REC_CCS 20
#define TLS_REC_ALERT 21
#define TLS_REC_HANDSHAKE 22
#define TLS_REC_APPDATA 23
#define TLS_REC_HEARTBEAT 24

#define TLS_REC_MAX (16384u + 2048u) /* TLSCiphertext limit */
#define TLS_RECORDS_PER_CALL 255     /* Suricata's too_many_records_in_packet */
#define SSL2_HELLO_MAX 8192u

enum {
	HS_HELLO_REQUEST = 0,
	HS_CLIENT_HELLO = 1,
	HS_SERVER_HELLO = 2,
	HS_HELLO_VERIFY = 3,
	HS_NEW_SESSION_TICKET = 4,
	HS_END_OF_EARLY_DATA = 5,
	HS_ENCRYPTED_EXTENSIONS = 8,
	HS_CERTIFICATE = 11,
	HS_SERVER_KEY_EXCHANGE = 12,
	HS_CERTIFICATE_REQUEST = 13,
	HS_SERVER_HELLO_DONE = 14,
	HS_CERTIFICATE_VERIFY = 15,
	HS_CLIENT_KEY_EXCHANGE = 16,
	HS_FINISHED = 20,
	HS_CERTIFICATE_URL = 21,
	HS_CERTIFICATE_STATUS = 22,
	HS_SUPPLEMENTAL_DATA = 23,
	HS_KEY_UPDATE = 24,
	HS_MESSAGE_HASH = 254,
};

/* The ServerHello random that marks a HelloRetryRequest (RFC 8446 4.1.3). */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* A bounded reader over one message: a short read sets bad and yields 0. */
struct rd {
	const uint8_t *p;
	uint32_t len, off;
	bool bad;
};

static const uint8_t *rd_bytes(struct rd *r, uint32_t n)
{
	if (r->bad || n > r->len - r->off) {
		r->bad = true;
		return NULL;
	}
	const uint8_t *b = r->p + r->off;
	r->off += n;
	return b;
}

static uint32_t rd_uint(struct rd *r, uint32_t n)
{
	const uint8_t *b = rd_bytes(r, n);
	uint32_t v = 0;
	for (uint32_t i = 0; b != NULL && i < n; i++)
		v = (v << 8) | b[i];
	return v;
}

static uint32_t rd_left(const struct rd *r)
{
	return r->bad ? 0 : r->len - r->off;
}

/* ---- state ---- */

struct tls_state *tls_state_new(void)
{
	return calloc(1, sizeof(struct tls_state));
}

static void hello_free(struct tls_hello *h)
{
	free(h->ciphers);
	free(h->exts);
	free(h->groups);
	free(h->pformats);
	free(h->sigalgs);
	free(h->versions);
	free(h->alpn);
}

void tls_state_free(struct tls_state *s)
{
	if (s == NULL)
		return;
	for (int d = 0; d < 2; d++) {
		free(s->dir[d].hs);
		free(s->dir[d].v2);
		tls_chain_free(&s->chain[d]);
	}
	hello_free(&s->client);
	hello_free(&s->server);
	free(s->sni);
	free(s->ja3);
	free(s->ja3s);
	free(s);
}

void tls_set_event(struct tls_state *s, enum tls_event ev)
{
	s->events |= 1ull << ev;
}

/* ---- hello lists ---- */

/* Reads n / width entries of `width` bytes (1 or 2) into a new array,
 * keeping at most TLS_MAX_LIST. */
static void *read_list(struct rd *r, uint32_t n, uint32_t width, uint32_t *count)
{
	const uint8_t *b = rd_bytes(r, n);
	*count = 0;
	if (b == NULL || n / width == 0)
		return NULL;
	uint32_t k = n / width;
	if (k > TLS_MAX_LIST)
		k = TLS_MAX_LIST;
	if (width == 1) {
		uint8_t *out = malloc(k);
		if (out != NULL) {
			memcpy(out, b, k);
			*count = k;
		}
		return out;
	}
	uint16_t *out = malloc(k * sizeof(*out));
	if (out == NULL)
		return NULL;
	for (uint32_t i = 0; i < k; i++)
		out[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
	*count = k;
	return out;
}

static void hello_add_ext(struct tls_hello *h, uint16_t type)
{
	if (h->n_exts >= TLS_MAX_LIST)
		return;
	if (h->n_exts % 16 == 0) {
		uint16_t *n = realloc(h->exts, (h->n_exts + 16) * sizeof(*n));
		if (n == NULL)
			return;
		h->exts = n;
	}
	h->exts[h->n_exts++] = type;
}

static void ext_sni(struct tls_state *s, struct rd *r)
{
	if (s->sni != NULL) {
		tls_set_event(s, TLS_EV_MULTIPLE_SNI_EXTENSIONS);
		return;
	}
	uint32_t list_len = rd_uint(r, 2);
	if (r->bad || list_len > rd_left(r)) {
		tls_set_event(s, TLS_EV_INVALID_SNI_LENGTH);
		return;
	}
	uint32_t type = rd_uint(r, 1);
	if (!r->bad && type != 0) {
		tls_set_event(s, TLS_EV_INVALID_SNI_TYPE);
		return;
	}
	uint32_t name_len = rd_uint(r, 2);
	const uint8_t *name = rd_bytes(r, name_len);
	if (name == NULL || name_len + 3 > list_len) {
		tls_set_event(s, TLS_EV_INVALID_SNI_LENGTH);
		return;
	}
	s->sni = malloc(name_len + 1);
	if (s->sni == NULL)
		return;
	memcpy(s->sni, name, name_len);
	s->sni[name_len] = '\0';
	s->sni_len = name_len;
}

static void ext_alpn(struct tls_hello *h, struct rd *r)
{
	uint32_t n = rd_uint(r, 2);
	const uint8_t *b = rd_bytes(r, n);
	if (b == NULL || h->alpn != NULL || n == 0)
		return;
	h->alpn = malloc(n);
	if (h->alpn == NULL)
		return;
	memcpy(h->alpn, b, n);
	h->alpn_len = n;
}

/* One extension's body; `client` says whose hello it is in. */
static void hello_ext(struct tls_state *s, struct tls_hello *h, bool client, uint16_t type,
		      struct rd *r)
{
	switch (type) {
	case 0:
		if (client)
			ext_sni(s, r);
		break;
	case 10:
		if (client && h->groups == NULL)
			h->groups = read_list(r, rd_uint(r, 2), 2, &h->n_groups);
		break;
	case 11:
		if (h->pformats == NULL)
			h->pformats = read_list(r, rd_uint(r, 1), 1, &h->n_pformats);
		break;
	case 13:
		if (client && h->sigalgs == NULL)
			h->sigalgs = read_list(r, rd_uint(r, 2), 2, &h->n_sigalgs);
		break;
	case 16: ext_alpn(h, r); break;
	case 43:
		if (h->versions != NULL)
			break;
		if (client)
			h->versions = read_list(r, rd_uint(r, 1), 2, &h->n_versions);
		else
			h->versions = read_list(r, 2, 2, &h->n_versions);
		break;
	default: break;
	}
}

/* The extensions block at the end of a hello, if any. */
static void hello_exts(struct tls_state *s, struct tls_hello *h, bool client, struct rd *r)
{
	if (rd_left(r) == 0)
		return;
	uint32_t total = rd_uint(r, 2);
	if (r->bad || total > rd_left(r)) {
		tls_set_event(s, TLS_EV_HANDSHAKE_INVALID_LENGTH);
		return;
	}
	struct rd all = {.p = r->p + r->off, .len = total};
	r->off += total;
	while (rd_left(&all) > 0) {
		uint16_t type = (uint16_t)rd_uint(&all, 2);
		uint32_t n = rd_uint(&all, 2);
		const uint8_t *body = rd_bytes(&all, n);
		if (body == NULL) {
			tls_set_event(s, TLS_EV_HANDSHAKE_INVALID_LENGTH);
			return;
		}
		hello_add_ext(h, type);
		struct rd er = {.p = body, .len = n};
		hello_ext(s, h, client, type, &er);
	}
}

/* Common head of both hellos: version, random, session id. */
static bool hello_head(struct tls_state *s, struct tls_hello *h, struct rd *r)
{
	h->version = (uint16_t)rd_uint(r, 2);
	const uint8_t *rnd = rd_bytes(r, 32);
	uint32_t sid_len = rd_uint(r, 1);
	const uint8_t *sid = rd_bytes(r, sid_len);
	if (r->bad) {
		tls_set_event(s, TLS_EV_HANDSHAKE_INVALID_LENGTH);
		return false;
	}
	memcpy(h->random, rnd, 32);
	h->has_random = true;
	if (sid_len > 32) {
		tls_set_event(s, TLS_EV_INVALID_HANDSHAKE_MESSAGE);
		sid_len = 32;
	}
	memcpy(h->session_id, sid, sid_len);
	h->session_id_len = (uint8_t)sid_len;
	return true;
}

static void client_hello(struct tls_state *s, const uint8_t *p, uint32_t len)
{
	struct tls_hello *h = &s->client;
	if (h->seen)
		return; /* a second hello (after HelloRetryRequest) keeps the first's fields */
	h->seen = true;
	s->flags |= TLS_STATE_CLIENT_HELLO;
	struct rd r = {.p = p, .len = len};
	if (!hello_head(s, h, &r))
		return;
	uint32_t n = rd_uint(&r, 2);
	if (!r.bad && (n % 2 != 0 || n > rd_left(&r))) {
		tls_set_event(s, TLS_EV_HANDSHAKE_INVALID_LENGTH);
		return;
	}
	h->ciphers = read_list(&r, n, 2, &h->n_ciphers);
	rd_bytes(&r, rd_uint(&r, 1)); /* compression methods */
	if (r.bad) {
		tls_set_event(s, TLS_EV_HANDSHAKE_INVALID_LENGTH);
		return;
	}
	hello_exts(s, h, true, &r);
	tls_ja_client(s);
}

static uint16_t server_selected_version(const struct tls_hello *h)
{
	if (h->n_versions > 0)
		return h->versions[0];
	return h->version;
}

/* TLS 1.3 or one of its drafts (IETF 0x7fNN, Facebook's 0xfbNN). */
static bool version_is_13(uint16_t v)
{
	return v == TLS_V_13 || (v >> 8) == 0x7f || (v >> 8) == 0xfb;
}

static void server_hello(struct tls_state *s, const uint8_t *p, uint32_t len)
{
	struct tls_hello *h = &s->server;
	struct rd r = {.p = p, .len = len};
	struct tls_hello fresh = {0};
	if (h->seen) {
		/* the ServerHello after a HelloRetryRequest replaces it */
		hello_free(h);
		*h = fresh;
	}
	h->seen = true;
	s->flags |= TLS_STATE_SERVER_HELLO;
	if (!hello_head(s, h, &r))
		return;
	h->ciphers = read_list(&r, 2, 2, &h->n_ciphers);
	rd_bytes(&r, 1); /* compression method */
	if (r.bad) {
		tls_set_event(s, TLS_EV_HANDSHAKE_INVALID_LENGTH);
		return;
	}
	hello_exts(s, h, false, &r);
	s->negotiated = server_selected_version(h);
	bool hrr = memcmp(h->random, hrr_random, 32) == 0;
	if (hrr)
		s->flags |= TLS_STATE_HELLO_RETRY;
	if (s->negotiated < TLS_V_13 && h->session_id_len > 0 &&
	    h->session_id_len == s->client.session_id_len &&
	    memcmp(h->session_id, s->client.session_id, h->session_id_len) == 0)
		s->flags |= TLS_STATE_SESSION_RESUMED;
	tls_ja_server(s);
	/* TLS 1.3 (and its drafts): all after the ServerHello is encrypted */
	if (!hrr && version_is_13(s->negotiated))
		s->dir[APP_TOCLIENT].encrypted = true;
}

static void handshake_message(struct tls_state *s, enum app_dir dir, uint8_t type, const uint8_t *p,
			      uint32_t len)
{
	switch (type) {
	case HS_CLIENT_HELLO:
		if (dir != APP_TOSERVER)
			tls_set_event(s, TLS_EV_INVALID_HANDSHAKE_MESSAGE);
		else
			client_hello(s, p, len);
		break;
	case HS_SERVER_HELLO:
		if (dir != APP_TOCLIENT)
			tls_set_event(s, TLS_EV_INVALID_HANDSHAKE_MESSAGE);
		else
			server_hello(s, p, len);
		break;
	case HS_CERTIFICATE:
		if (!tls_cert_message(s, dir, p, len, version_is_13(s->negotiated))) {
			/* as Suricata: the direction's parsing ends there */
			tls_set_event(s, TLS_EV_INVALID_HANDSHAKE_MESSAGE);
			s->dir[dir].mode = TLS_MODE_DEAD;
			break;
		}
		if (dir == APP_TOCLIENT && s->chain[APP_TOCLIENT].n > 0)
			s->flags |= TLS_STATE_CERT;
		break;
	case HS_SERVER_KEY_EXCHANGE: s->flags |= TLS_STATE_SERVER_KEYX; break;
	case HS_CLIENT_KEY_EXCHANGE: s->flags |= TLS_STATE_CLIENT_KEYX; break;
	case HS_HELLO_REQUEST:
	case HS_HELLO_VERIFY:
	case HS_NEW_SESSION_TICKET:
	case HS_END_OF_EARLY_DATA:
	case HS_ENCRYPTED_EXTENSIONS:
	case HS_CERTIFICATE_REQUEST:
	case HS_SERVER_HELLO_DONE:
	case HS_CERTIFICATE_VERIFY:
	case HS_FINISHED:
	case HS_CERTIFICATE_URL:
	case HS_CERTIFICATE_STATUS:
	case HS_SUPPLEMENTAL_DATA:
	case HS_KEY_UPDATE:
	case HS_MESSAGE_HASH: break;
	default:
		s->flags |= TLS_STATE_UNKNOWN;
		tls_set_event(s, TLS_EV_INVALID_HANDSHAKE_MESSAGE);
		break;
	}
}

/* ---- handshake reassembly ---- */

static bool hs_reserve(struct tls_dir *d, uint32_t need)
{
	if (need <= d->hs_cap)
		return true;
	uint32_t cap = d->hs_cap ? d->hs_cap : 1024;
	while (cap < need)
		cap *= 2;
	if (cap > TLS_HS_MAX + 4)
		cap = TLS_HS_MAX + 4;
	uint8_t *b = realloc(d->hs, cap);
	if (b == NULL)
		return false;
	d->hs = b;
	d->hs_cap = cap;
	return true;
}

/* Handles every complete message at the front of the buffer. */
static void hs_drain(struct tls_state *s, enum app_dir dir)
{
	struct tls_dir *d = &s->dir[dir];
	uint32_t off = 0;
	while (d->hs_len - off >= 4 && !d->encrypted && d->mode != TLS_MODE_DEAD) {
		const uint8_t *m = d->hs + off;
		uint32_t mlen = (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
		if (mlen > TLS_HS_MAX) {
			tls_set_event(s, TLS_EV_HANDSHAKE_INVALID_LENGTH);
			d->hs_skip = mlen - (d->hs_len - off - 4);
			off = d->hs_len;
			break;
		}
		if (d->hs_len - off - 4 < mlen)
			break;
		handshake_message(s, dir, m[0], m + 4, mlen);
		off += 4 + mlen;
	}
	if (d->encrypted)
		off = d->hs_len; /* the rest is ciphertext */
	memmove(d->hs, d->hs + off, d->hs_len - off);
	d->hs_len -= off;
	if (d->hs_len == 0 && (d->encrypted || d->hs_cap > 4096)) {
		free(d->hs);
		d->hs = NULL;
		d->hs_cap = 0;
	}
}

static void hs_feed(struct tls_state *s, enum app_dir dir, const uint8_t *p, uint32_t n)
{
	struct tls_dir *d = &s->dir[dir];
	if (d->hs_skip > 0) {
		uint32_t k = n < d->hs_skip ? n : d->hs_skip;
		d->hs_skip -= k;
		p += k;
		n -= k;
	}
	while (n > 0) {
		/* never hold more than the current message needs */
		uint32_t room = TLS_HS_MAX + 4 - d->hs_len;
		uint32_t k = n < room ? n : room;
		if (k == 0 || !hs_reserve(d, d->hs_len + k)) {
			d->mode = TLS_MODE_DEAD;
			return;
		}
		memcpy(d->hs + d->hs_len, p, k);
		d->hs_len += k;
		p += k;
		n -= k;
		hs_drain(s, dir);
		if (d->hs_skip > 0) {
			uint32_t j = n < d->hs_skip ? n : d->hs_skip;
			d->hs_skip -= j;
			p += j;
			n -= j;
		}
		if (d->encrypted)
			return;
	}
}

/* ---- SSLv2 ---- */

static void ssl2_client_hello(struct tls_state *s, struct rd *r)
{
	struct tls_hello *h = &s->client;
	if (h->seen)
		return;
	h->seen = true;
	s->flags |= TLS_STATE_CLIENT_HELLO;
	h->version = (uint16_t)rd_uint(r, 2);
	uint32_t cs_len = rd_uint(r, 2);
	uint32_t sid_len = rd_uint(r, 2);
	uint32_t ch_len = rd_uint(r, 2);
	const uint8_t *cs = rd_bytes(r, cs_len);
	const uint8_t *sid = rd_bytes(r, sid_len);
	const uint8_t *ch = rd_bytes(r, ch_len);
	if (r->bad || cs_len % 3 != 0 || sid_len > 32 || ch_len > 32) {
		tls_set_event(s, TLS_EV_INVALID_SSLV2_HEADER);
		return;
	}
	h->ciphers = malloc((cs_len / 3 + 1) * sizeof(uint16_t));
	for (uint32_t i = 0; h->ciphers != NULL && i + 3 <= cs_len; i += 3)
		if (cs[i] == 0) /* the specs that name TLS cipher suites */
			h->ciphers[h->n_ciphers++] = (uint16_t)(cs[i + 1] << 8 | cs[i + 2]);
	memcpy(h->session_id, sid, sid_len);
	h->session_id_len = (uint8_t)sid_len;
	memset(h->random, 0, 32);
	memcpy(h->random + 32 - ch_len, ch, ch_len);
	h->has_random = true;
}

static void ssl2_record(struct tls_state *s, enum app_dir dir, const uint8_t *p, uint32_t len)
{
	struct rd r = {.p = p, .len = len};
	uint32_t type = rd_uint(&r, 1);
	if (r.bad) {
		tls_set_event(s, TLS_EV_INVALID_SSLV2_HEADER);
		return;
	}
	if (type == 1 && dir == APP_TOSERVER) {
		ssl2_client_hello(s, &r);
	} else if (type == 4 && dir == APP_TOCLIENT) { /* SERVER-HELLO */
		s->server.seen = true;
		s->flags |= TLS_STATE_SERVER_HELLO;
		rd_bytes(&r, 2); /* session-id-hit, certificate type */
		s->server.version = (uint16_t)rd_uint(&r, 2);
		s->negotiated = TLS_V_SSL2;
	} else if (type == 2 && dir == APP_TOSERVER) {
		s->flags |= TLS_STATE_CLIENT_KEYX; /* CLIENT-MASTER-KEY */
	} else if (s->dir[dir].records == 1) {
		/* a first record that is no hello: not SSLv2 after all */
		tls_set_event(s, TLS_EV_INVALID_SSLV2_HEADER);
	}
}

/* ---- record layer ---- */

static bool is_tls_type(uint8_t b)
{
	return b >= TLS_REC_CCS && b <= TLS_REC_HEARTBEAT;
}

/* Checks a complete 5-byte TLS header and opens the record. */
static bool tls_record_open(struct tls_state *s, struct tls_dir *d)
{
	d->rec_type = d->hdr[0];
	d->rec_version = (uint16_t)(d->hdr[1] << 8 | d->hdr[2]);
	d->rec_left = (uint32_t)d->hdr[3] << 8 | d->hdr[4];
	if (!is_tls_type(d->rec_type)) {
		tls_set_event(s, TLS_EV_INVALID_RECORD_TYPE);
		return false;
	}
	if (d->hdr[1] != 3) {
		tls_set_event(s, TLS_EV_INVALID_RECORD_VERSION);
		return false;
	}
	if (d->rec_left > TLS_REC_MAX) {
		tls_set_event(s, TLS_EV_INVALID_TLS_HEADER);
		return false;
	}
	if (d->first_rec_version == 0)
		d->first_rec_version = d->rec_version;
	d->in_record = true;
	return true;
}

/* From here on the direction's records are only counted: a handshake
 * message still partial is ciphertext-bound and dropped with its buffer. */
static void dir_set_encrypted(struct tls_dir *d)
{
	d->encrypted = true;
	free(d->hs);
	d->hs = NULL;
	d->hs_len = d->hs_cap = 0;
}

static void tls_record_close(struct tls_state *s, struct tls_dir *d, uint32_t rec_len)
{
	d->in_record = false;
	switch (d->rec_type) {
	case TLS_REC_CCS:
		d->ccs_seen = true;
		dir_set_encrypted(d);
		break;
	case TLS_REC_APPDATA: dir_set_encrypted(d); break;
	case TLS_REC_ALERT:
		if (!d->encrypted && rec_len != 2)
			tls_set_event(s, TLS_EV_INVALID_ALERT_MESSAGE);
		break;
	default: break;
	}
}

/* Heartbeat: a plaintext one whose payload length overruns the record
 * is the heartbleed pattern. */
static void heartbeat_check(struct tls_state *s, const struct tls_dir *d, const uint8_t *p,
			    uint32_t n, uint32_t rec_len)
{
	tls_set_event(s, TLS_EV_HEARTBEAT_MESSAGE);
	if (d->encrypted)
		return;
	if (n < 3 || rec_len < 3) {
		tls_set_event(s, TLS_EV_INVALID_HEARTBEAT_MESSAGE);
		return;
	}
	uint32_t plen = (uint32_t)p[1] << 8 | p[2];
	if (p[0] != 1 && p[0] != 2)
		tls_set_event(s, TLS_EV_INVALID_HEARTBEAT_MESSAGE);
	else if (plen + 3 + 16 > rec_len)
		tls_set_event(s, TLS_EV_OVERFLOW_HEARTBEAT_MESSAGE);
}

/* A heartbeat answering one from the other side must be no longer than
 * it: a longer (encrypted) reply is the heartbleed leak, which the
 * plaintext check cannot see once both sides are encrypted. */
static void heartbeat_record(struct tls_state *s, enum app_dir dir)
{
	struct tls_dir *d = &s->dir[dir];
	struct tls_dir *other = &s->dir[dir ^ 1];
	heartbeat_check(s, d, d->peek, d->peek_len, d->rec_full);
	if (other->hb_pending != 0) {
		if (d->rec_full > other->hb_pending)
			tls_set_event(s, TLS_EV_DATALEAK_HEARTBEAT_MISMATCH);
		other->hb_pending = 0;
	} else {
		d->hb_pending = d->rec_full ? d->rec_full : 1;
	}
}

static void ssl2_open(struct tls_state *s, struct tls_dir *d)
{
	/* only the two-byte form (high bit set): the one hellos use */
	uint32_t len = (uint32_t)(d->hdr[0] & 0x7f) << 8 | d->hdr[1];
	d->rec_type = 0;
	d->rec_left = len;
	d->in_record = true;
	d->v2_len = 0;
	d->v2_need = len < SSL2_HELLO_MAX ? len : SSL2_HELLO_MAX;
	if (d->first_rec_version == 0)
		d->first_rec_version = TLS_V_SSL2;
	if (len == 0)
		tls_set_event(s, TLS_EV_INVALID_SSLV2_HEADER);
}

/* Consumes up to n body bytes of the open record; returns how many. */
static uint32_t record_body(struct tls_state *s, enum app_dir dir, const uint8_t *p, uint32_t n)
{
	struct tls_dir *d = &s->dir[dir];
	uint32_t k = n < d->rec_left ? n : d->rec_left;
	if (d->mode == TLS_MODE_SSL2 || d->rec_type == 0) {
		uint32_t want = d->v2_need - d->v2_len;
		uint32_t c = k < want ? k : want;
		if (c > 0) {
			if (d->v2 == NULL)
				d->v2 = malloc(d->v2_need);
			if (d->v2 != NULL) {
				memcpy(d->v2 + d->v2_len, p, c);
				d->v2_len += c;
			}
		}
	} else if (d->rec_type == TLS_REC_HANDSHAKE && !d->encrypted) {
		hs_feed(s, dir, p, k);
	} else if (d->rec_type == TLS_REC_HEARTBEAT || d->rec_type == TLS_REC_ALERT) {
		uint32_t room = 3u - d->peek_len;
		uint32_t c = k < room ? k : room;
		memcpy(d->peek + d->peek_len, p, c);
		d->peek_len = (uint8_t)(d->peek_len + c);
	}
	d->rec_left -= k;
	return k;
}

static void record_end(struct tls_state *s, enum app_dir dir)
{
	struct tls_dir *d = &s->dir[dir];
	if (d->rec_type == 0) {
		if (d->v2 != NULL && d->v2_len > 0)
			ssl2_record(s, dir, d->v2, d->v2_len);
		free(d->v2);
		d->v2 = NULL;
		d->v2_len = 0;
		d->in_record = false;
		return;
	}
	if (d->rec_type == TLS_REC_HEARTBEAT)
		heartbeat_record(s, dir);
	if (d->rec_type == TLS_REC_ALERT && !d->encrypted && d->peek_len >= 1 && d->peek[0] == 2)
		tls_set_event(s, TLS_EV_ERROR_MESSAGE_ENCOUNTERED);
	tls_record_close(s, d, d->rec_full);
}

/* Collects header bytes; opens the record once the header is whole. */
static uint32_t record_header(struct tls_state *s, enum app_dir dir, const uint8_t *p, uint32_t n,
			      bool *bad)
{
	struct tls_dir *d = &s->dir[dir];
	if (d->hdr_len == 0) {
		if (is_tls_type(p[0])) {
			d->mode = TLS_MODE_TLS;
		} else if ((p[0] & 0x80) && d->mode != TLS_MODE_TLS) {
			d->mode = TLS_MODE_SSL2;
		} else {
			tls_set_event(s, d->mode == TLS_MODE_START ? TLS_EV_INVALID_TLS_HEADER
								   : TLS_EV_INVALID_RECORD_TYPE);
			*bad = true;
			return 0;
		}
	}
	uint32_t need = d->mode == TLS_MODE_TLS ? 5 : 2;
	uint32_t k = need - d->hdr_len;
	if (k > n)
		k = n;
	memcpy(d->hdr + d->hdr_len, p, k);
	d->hdr_len = (uint8_t)(d->hdr_len + k);
	if (d->hdr_len < need)
		return k;
	d->hdr_len = 0;
	d->records++;
	if (d->mode == TLS_MODE_TLS) {
		if (!tls_record_open(s, d)) {
			*bad = true;
			return k;
		}
	} else {
		ssl2_open(s, d);
	}
	d->rec_full = d->rec_left;
	d->peek_len = 0;
	return k;
}

/* A record's frames (Suricata's SSLv3Decode / SSLv2Decode): the whole
 * record, its header, its data, and alert or heartbeat data apart. */
static void record_frames(const struct tls_dir *d, enum app_dir dir, uint64_t at)
{
	if (d->mode != TLS_MODE_TLS) {
		(void)app_frame_new(dir, at, 2 + (int64_t)d->rec_full, TLS_FRAME_SSL2_PDU);
		(void)app_frame_new(dir, at, 2, TLS_FRAME_SSL2_HDR);
		return;
	}
	(void)app_frame_new(dir, at, 5 + (int64_t)d->rec_full, TLS_FRAME_PDU);
	(void)app_frame_new(dir, at, 5, TLS_FRAME_HDR);
	if (d->rec_full == 0)
		return;
	(void)app_frame_new(dir, at + 5, d->rec_full, TLS_FRAME_DATA);
	if (d->rec_type == TLS_REC_ALERT)
		(void)app_frame_new(dir, at + 5, d->rec_full, TLS_FRAME_ALERT);
	else if (d->rec_type == TLS_REC_HEARTBEAT)
		(void)app_frame_new(dir, at + 5, d->rec_full, TLS_FRAME_HEARTBEAT);
}

enum app_parse_result tls_parse(struct tls_state *s, enum app_dir dir, const uint8_t *data,
				uint32_t len, uint32_t flags)
{
	if (s == NULL || (dir != APP_TOSERVER && dir != APP_TOCLIENT))
		return APP_PARSE_ERROR;
	struct tls_dir *d = &s->dir[dir];
	if (flags & APP_CHUNK_GAP) {
		/* records can no longer be delimited; in ciphertext that costs
		 * only the record count, so it is no error */
		if (d->mode != TLS_MODE_DEAD)
			d->quiet = d->encrypted;
		d->mode = TLS_MODE_DEAD;
	}
	if (d->mode == TLS_MODE_DEAD)
		return d->quiet ? APP_PARSE_OK : APP_PARSE_ERROR;
	uint32_t off = 0, records = 0;
	while (off < len) {
		if (!d->in_record) {
			bool bad = false;
			/* the header may have begun in an earlier call */
			uint64_t at = app_frame_offset() + off - d->hdr_len;
			uint32_t k = record_header(s, dir, data + off, len - off, &bad);
			off += k;
			if (bad) {
				d->mode = TLS_MODE_DEAD;
				return APP_PARSE_ERROR;
			}
			if (!d->in_record)
				continue;
			record_frames(d, dir, at);
			if (++records == TLS_RECORDS_PER_CALL + 1)
				tls_set_event(s, TLS_EV_TOO_MANY_RECORDS_IN_PACKET);
		}
		off += record_body(s, dir, data + off, len - off);
		if (d->mode == TLS_MODE_DEAD)
			return APP_PARSE_ERROR;
		if (d->rec_left == 0)
			record_end(s, dir);
	}
	return APP_PARSE_OK;
}

/* ---- accessors ---- */

const char *const tls_event_names[TLS_EV_COUNT] = {
    [TLS_EV_INVALID_SSLV2_HEADER] = "invalid_sslv2_header",
    [TLS_EV_INVALID_TLS_HEADER] = "invalid_tls_header",
    [TLS_EV_INVALID_RECORD_VERSION] = "invalid_record_version",
    [TLS_EV_INVALID_RECORD_TYPE] = "invalid_record_type",
    [TLS_EV_INVALID_HANDSHAKE_MESSAGE] = "invalid_handshake_message",
    [TLS_EV_INVALID_CERTIFICATE] = "invalid_certificate",
    [TLS_EV_CERTIFICATE_INVALID_LENGTH] = "certificate_invalid_length",
    [TLS_EV_ERROR_MESSAGE_ENCOUNTERED] = "error_message_encountered",
    [TLS_EV_INVALID_SSL_RECORD] = "invalid_ssl_record",
    [TLS_EV_HEARTBEAT_MESSAGE] = "heartbeat_message",
    [TLS_EV_OVERFLOW_HEARTBEAT_MESSAGE] = "overflow_heartbeat_message",
    [TLS_EV_INVALID_HEARTBEAT_MESSAGE] = "invalid_heartbeat_message",
    [TLS_EV_DATALEAK_HEARTBEAT_MISMATCH] = "dataleak_heartbeat_mismatch",
    [TLS_EV_MULTIPLE_SNI_EXTENSIONS] = "multiple_sni_extensions",
    [TLS_EV_INVALID_SNI_TYPE] = "invalid_sni_type",
    [TLS_EV_INVALID_SNI_LENGTH] = "invalid_sni_length",
    [TLS_EV_HANDSHAKE_INVALID_LENGTH] = "handshake_invalid_length",
    [TLS_EV_TOO_MANY_RECORDS_IN_PACKET] = "too_many_records_in_packet",
    [TLS_EV_CERTIFICATE_INVALID_VERSION] = "certificate_invalid_version",
    [TLS_EV_CERTIFICATE_INVALID_SERIAL] = "certificate_invalid_serial",
    [TLS_EV_CERTIFICATE_INVALID_ALGORITHMIDENTIFIER] = "certificate_invalid_algorithmidentifier",
    [TLS_EV_CERTIFICATE_INVALID_X509NAME] = "certificate_invalid_x509name",
    [TLS_EV_CERTIFICATE_INVALID_DATE] = "certificate_invalid_date",
    [TLS_EV_CERTIFICATE_INVALID_EXTENSIONS] = "certificate_invalid_extensions",
    [TLS_EV_CERTIFICATE_INVALID_DER] = "certificate_invalid_der",
    [TLS_EV_CERTIFICATE_INVALID_SUBJECT] = "certificate_invalid_subject",
    [TLS_EV_CERTIFICATE_INVALID_ISSUER] = "certificate_invalid_issuer",
    [TLS_EV_CERTIFICATE_INVALID_VALIDITY] = "certificate_invalid_validity",
    [TLS_EV_INVALID_ALERT_MESSAGE] = "invalid_alert_message",
};

bool tls_has_event(const struct tls_state *s, enum tls_event ev)
{
	return ev < TLS_EV_COUNT && (s->events & (1ull << ev)) != 0;
}

uint64_t tls_events(const struct tls_state *s)
{
	return s->events;
}

const char *tls_event_name(enum tls_event ev)
{
	return (unsigned)ev < TLS_EV_COUNT ? tls_event_names[ev] : NULL;
}

int tls_event_by_name(const char *name)
{
	for (int i = 0; i < TLS_EV_COUNT; i++)
		if (strcasecmp(tls_event_names[i], name) == 0)
			return i;
	return -1;
}

uint32_t tls_ssl_state(const struct tls_state *s)
{
	uint32_t f = s->flags;
	if (s->dir[APP_TOSERVER].encrypted)
		f |= TLS_STATE_ENCRYPTED_TS;
	if (s->dir[APP_TOCLIENT].encrypted)
		f |= TLS_STATE_ENCRYPTED_TC;
	return f;
}

bool tls_client_hello_done(const struct tls_state *s)
{
	return s->client.seen;
}

bool tls_server_hello_done(const struct tls_state *s)
{
	return s->server.seen;
}

bool tls_encrypted(const struct tls_state *s, enum app_dir dir)
{
	return s->dir[dir & 1].encrypted;
}

bool tls_handshake_done(const struct tls_state *s)
{
	return s->dir[APP_TOSERVER].encrypted && s->dir[APP_TOCLIENT].encrypted;
}

bool tls_log_wanted(const struct tls_state *s)
{
	const struct tls_chain *c = &s->chain[APP_TOCLIENT];
	if (c->n > 0 && c->certs[0].subject != NULL && c->certs[0].issuer != NULL)
		return true;
	if (s->flags & TLS_STATE_SESSION_RESUMED)
		return true;
	return version_is_13(s->negotiated) && s->dir[APP_TOCLIENT].encrypted;
}

uint64_t tls_record_count(const struct tls_state *s, enum app_dir dir)
{
	return s->dir[dir & 1].records;
}

uint16_t tls_record_version(const struct tls_state *s, enum app_dir dir)
{
	return s->dir[dir & 1].first_rec_version;
}

uint16_t tls_client_version(const struct tls_state *s)
{
	return s->client.version;
}

uint16_t tls_version(const struct tls_state *s)
{
	return s->negotiated;
}

const char *tls_version_name(uint16_t v, char *buf, uint32_t buflen)
{
	switch (v) {
	case 0: return "UNDETERMINED";
	case TLS_V_SSL2: return "SSLv2";
	case TLS_V_SSL3: return "SSLv3";
	case TLS_V_10: return "TLSv1";
	case TLS_V_11: return "TLS 1.1";
	case TLS_V_12: return "TLS 1.2";
	case TLS_V_13: return "TLS 1.3";
	case 0x7f01: return "TLS 1.3 draft-<16";
	default: break;
	}
	if (buf == NULL || buflen < 24)
		return "UNDETERMINED";
	if (v >= 0x7f10 && v <= 0x7f1c)
		snprintf(buf, buflen, "TLS 1.3 draft-%u", v & 0xffu);
	else if (v == 0xfb14 || v == 0xfb15 || v == 0xfb16 || v == 0xfb17 || v == 0xfb1a)
		snprintf(buf, buflen, "TLS 1.3 draft-%u-fb", v & 0xffu); /* Facebook's */
	else
		snprintf(buf, buflen, "%u", v); /* as Suricata: the number */
	return buf;
}

static const struct tls_hello *hello_of(const struct tls_state *s, enum app_dir dir)
{
	return dir == APP_TOSERVER ? &s->client : &s->server;
}

const char *tls_sni(const struct tls_state *s, uint32_t *len)
{
	if (len != NULL)
		*len = s->sni_len;
	return s->sni;
}

const uint8_t *tls_random(const struct tls_state *s, enum app_dir dir)
{
	const struct tls_hello *h = hello_of(s, dir);
	return h->has_random ? h->random : NULL;
}

const uint8_t *tls_session_id(const struct tls_state *s, enum app_dir dir, uint32_t *len)
{
	const struct tls_hello *h = hello_of(s, dir);
	*len = h->session_id_len;
	return h->session_id_len ? h->session_id : NULL;
}

const uint16_t *tls_ciphers(const struct tls_state *s, enum app_dir dir, uint32_t *n)
{
	*n = hello_of(s, dir)->n_ciphers;
	return hello_of(s, dir)->ciphers;
}

const uint16_t *tls_extensions(const struct tls_state *s, enum app_dir dir, uint32_t *n)
{
	*n = hello_of(s, dir)->n_exts;
	return hello_of(s, dir)->exts;
}

const uint16_t *tls_groups(const struct tls_state *s, uint32_t *n)
{
	*n = s->client.n_groups;
	return s->client.groups;
}

const uint8_t *tls_point_formats(const struct tls_state *s, uint32_t *n)
{
	*n = s->client.n_pformats;
	return s->client.pformats;
}

const uint16_t *tls_sigalgs(const struct tls_state *s, uint32_t *n)
{
	*n = s->client.n_sigalgs;
	return s->client.sigalgs;
}

/* Walks the len-prefixed ALPN list to its i-th name. */
static const uint8_t *alpn_nth(const struct tls_hello *h, uint32_t i, uint32_t *len)
{
	uint32_t off = 0, k = 0;
	while (off < h->alpn_len) {
		uint32_t n = h->alpn[off];
		if (n > h->alpn_len - off - 1)
			break;
		if (k == i) {
			*len = n;
			return h->alpn + off + 1;
		}
		off += 1 + n;
		k++;
	}
	*len = k; /* past the end: the count */
	return NULL;
}

uint32_t tls_alpn_count(const struct tls_state *s, enum app_dir dir)
{
	uint32_t n;
	alpn_nth(hello_of(s, dir), UINT32_MAX, &n);
	return n;
}

const uint8_t *tls_alpn(const struct tls_state *s, enum app_dir dir, uint32_t i, uint32_t *len)
{
	const uint8_t *p = alpn_nth(hello_of(s, dir), i, len);
	if (p == NULL)
		*len = 0;
	return p;
}

const char *tls_ja3_string(const struct tls_state *s)
{
	return s->ja3;
}

const char *tls_ja3_hash(const struct tls_state *s)
{
	return s->ja3 ? s->ja3_hash : NULL;
}

const char *tls_ja3s_string(const struct tls_state *s)
{
	return s->ja3s;
}

const char *tls_ja3s_hash(const struct tls_state *s)
{
	return s->ja3s ? s->ja3s_hash : NULL;
}

const char *tls_ja4(const struct tls_state *s)
{
	return s->has_ja4 ? s->ja4 : NULL;
}

uint32_t tls_cert_chain_len(const struct tls_state *s, enum app_dir dir)
{
	return s->chain[dir & 1].n;
}

const struct tls_cert *tls_cert(const struct tls_state *s, enum app_dir dir, uint32_t i)
{
	const struct tls_chain *c = &s->chain[dir & 1];
	return i < c->n ? &c->certs[i] : NULL;
}
