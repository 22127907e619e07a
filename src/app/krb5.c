/*
 * krb5.c — the Kerberos 5 parser: the bounded DER reader, the KDC message
 * shapes (KDC-REQ, KDC-REP, KRB-ERROR), TCP record framing, transactions
 * and the protocol descriptor.  The EVE writer is krb5-log.c.
 *
 * Every read is checked against the slice it belongs to: an element's
 * header and value must fit inside its parent, so a length can never move
 * a read outside the message handed in; the reader does not recurse (see
 * krb5.h).  Behaviour on odd input follows Suricata 8 (rust/src/krb/).
 */
#include "app/krb5.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct krb5_tcp_buf {
	uint8_t hdr[4];
	uint8_t hdr_len; /* record marker bytes seen */
	uint32_t record; /* length of the record being collected */
	uint8_t *buf;
	uint32_t len;
};

struct krb5_state {
	bool tcp;
	bool failed;	 /* a parse error: Suricata stops the flow's app-layer parsing */
	uint32_t req_id; /* last request type (10, 12, 14), 0 after a reply */
	struct krb5_tcp_buf tb[2];
	struct krb5_tx **txs; /* live transactions, oldest first */
	size_t n_txs;
	uint64_t next_tx_id;
	uint64_t dropped;
};

/* ------------------------------------------------------------ DER reader */

enum { DER_UNIVERSAL = 0, DER_APPLICATION = 1, DER_CONTEXT = 2, DER_PRIVATE = 3 };
enum {
	DER_INTEGER = 2,
	DER_BIT_STRING = 3,
	DER_OCTET_STRING = 4,
	DER_GENERAL_STRING = 27,
	DER_GENERALIZED_TIME = 24,
	DER_SEQUENCE = 16
};

/* A slice being read: [pos, end) of buf. */
struct der {
	const uint8_t *buf;
	uint32_t pos, end;
};

struct der_el {
	uint8_t cls;
	bool constructed;
	uint32_t tag;
	struct der val; /* the value's bytes */
};

enum der_result { DER_OK = 0, DER_INCOMPLETE = 1, DER_BAD = 2 };

/*
 * Reads an element header at d->pos.  With `need_value` the value must
 * fit in the slice too (DER_INCOMPLETE otherwise); without, only the
 * header must (the value is then clipped to the slice).  Definite lengths
 * of at most 4 bytes only; tag numbers up to 2^28.
 */
static enum der_result der_header(const struct der *d, struct der_el *e, uint32_t *hdr_len,
				  bool need_value)
{
	uint32_t p = d->pos;
	if (p >= d->end)
		return DER_INCOMPLETE;
	uint8_t b = d->buf[p++];
	e->cls = b >> 6;
	e->constructed = (b & 0x20) != 0;
	e->tag = b & 0x1f;
	if (e->tag == 0x1f) {
		e->tag = 0;
		for (int i = 0;; i++) {
			if (p >= d->end)
				return DER_INCOMPLETE;
			if (i == 4)
				return DER_BAD;
			uint8_t t = d->buf[p++];
			e->tag = (e->tag << 7) | (t & 0x7f);
			if (!(t & 0x80))
				break;
		}
	}
	if (p >= d->end)
		return DER_INCOMPLETE;
	uint8_t l = d->buf[p++];
	uint32_t len = l;
	if (l & 0x80) {
		uint32_t nb = l & 0x7f;
		if (nb == 0 || nb > 4)
			return DER_BAD; /* indefinite (BER only) or beyond 32 bits */
		if (d->end - p < nb)
			return DER_INCOMPLETE;
		len = 0;
		for (uint32_t i = 0; i < nb; i++)
			len = (len << 8) | d->buf[p++];
	}
	*hdr_len = p - d->pos;
	e->val.buf = d->buf;
	e->val.pos = p;
	if (len > d->end - p) {
		if (need_value)
			return DER_INCOMPLETE;
		len = d->end - p;
	}
	e->val.end = p + len;
	return DER_OK;
}

/* Takes the next element, which must fit entirely in the slice. */
static bool der_take(struct der *d, struct der_el *e)
{
	uint32_t h;
	if (der_header(d, e, &h, true) != DER_OK)
		return false;
	d->pos = e->val.end;
	return true;
}

static bool der_take_expect(struct der *d, uint8_t cls, uint32_t tag, struct der_el *e)
{
	return der_take(d, e) && e->cls == cls && e->tag == tag;
}

/* The next element is the context tag [tag]: takes it, *inner = its
 * contents.  false with *absent when the next element is something else
 * (or there is none); false without *absent when it is unreadable. */
static bool der_ctx(struct der *d, uint32_t tag, struct der *inner, bool *absent)
{
	struct der_el e;
	uint32_t h;
	*absent = false;
	if (d->pos >= d->end) {
		*absent = true;
		return false;
	}
	if (der_header(d, &e, &h, true) != DER_OK)
		return false;
	if (e.cls != DER_CONTEXT || e.tag != tag) {
		*absent = true;
		return false;
	}
	d->pos = e.val.end;
	*inner = e.val;
	return true;
}

static bool der_ctx_required(struct der *d, uint32_t tag, struct der *inner)
{
	bool absent;
	return der_ctx(d, tag, inner, &absent);
}

/* Skips an optional [tag]; false when it is there but unreadable. */
static bool der_ctx_skip(struct der *d, uint32_t tag)
{
	struct der inner;
	bool absent;
	return der_ctx(d, tag, &inner, &absent) || absent;
}

/* A constructed SEQUENCE: *inner = its contents. */
static bool der_sequence(struct der *d, struct der *inner)
{
	struct der_el e;
	if (!der_take_expect(d, DER_UNIVERSAL, DER_SEQUENCE, &e) || !e.constructed)
		return false;
	*inner = e.val;
	return true;
}

/* INTEGER of 1..5 bytes (5 only with a leading 0 byte) into int64. */
static bool der_integer(struct der *d, int64_t *v)
{
	struct der_el e;
	if (!der_take_expect(d, DER_UNIVERSAL, DER_INTEGER, &e) || e.constructed)
		return false;
	uint32_t n = e.val.end - e.val.pos;
	const uint8_t *p = e.val.buf + e.val.pos;
	if (n == 0 || n > 5 || (n == 5 && p[0] != 0))
		return false;
	int64_t x = (p[0] & 0x80) ? -1 : 0;
	for (uint32_t i = 0; i < n; i++)
		x = (int64_t)((uint64_t)x << 8) | p[i];
	*v = x;
	return true;
}

static bool der_int32(struct der *d, int32_t *v)
{
	int64_t x;
	if (!der_integer(d, &x) || x < INT32_MIN || x > INT32_MAX)
		return false;
	*v = (int32_t)x;
	return true;
}

static bool der_uint32(struct der *d, uint32_t *v)
{
	int64_t x;
	if (!der_integer(d, &x) || x < 0 || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* [tag] INTEGER */
static bool ctx_int32(struct der *d, uint32_t tag, int32_t *v)
{
	struct der in;
	return der_ctx_required(d, tag, &in) && der_int32(&in, v);
}

static bool ctx_uint32(struct der *d, uint32_t tag, uint32_t *v)
{
	struct der in;
	return der_ctx_required(d, tag, &in) && der_uint32(&in, v);
}

/* ------------------------------------------------------------ values */

static void str_free(struct krb5_str *s)
{
	free(s->buf);
	s->buf = NULL;
	s->len = 0;
}

static bool str_set(struct krb5_str *s, const struct der *v)
{
	uint32_t n = v->end - v->pos;
	if (n > KRB5_MAX_STRING)
		n = KRB5_MAX_STRING;
	s->buf = malloc(n + 1u);
	if (s->buf == NULL)
		return false;
	memcpy(s->buf, v->buf + v->pos, n);
	s->buf[n] = 0;
	s->len = n;
	return true;
}

/* KerberosString ::= GeneralString */
static bool der_kstring(struct der *d, struct krb5_str *s)
{
	struct der_el e;
	if (!der_take_expect(d, DER_UNIVERSAL, DER_GENERAL_STRING, &e) || e.constructed)
		return false;
	return str_set(s, &e.val);
}

static bool ctx_realm(struct der *d, uint32_t tag, struct krb5_str *s)
{
	struct der in;
	return der_ctx_required(d, tag, &in) && der_kstring(&in, s);
}

static void principal_free(struct krb5_principal *p)
{
	for (uint8_t i = 0; i < p->n; i++)
		str_free(&p->parts[i]);
	p->n = 0;
	p->present = false;
}

/* PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString } */
static bool der_principal(struct der *d, struct krb5_principal *p)
{
	struct der seq, in, names;
	if (!der_sequence(d, &seq) || !ctx_int32(&seq, 0, &p->name_type))
		return false;
	if (!der_ctx_required(&seq, 1, &in) || !der_sequence(&in, &names))
		return false;
	p->present = true;
	while (names.pos < names.end) {
		struct krb5_str s;
		if (p->n == KRB5_MAX_NAME_PARTS) {
			struct der_el e;
			if (!der_take_expect(&names, DER_UNIVERSAL, DER_GENERAL_STRING, &e))
				return false;
			continue;
		}
		if (!der_kstring(&names, &s))
			return false;
		p->parts[p->n++] = s;
	}
	return true;
}

/* [tag] PrincipalName; *absent for an optional one that is not there. */
static bool ctx_principal(struct der *d, uint32_t tag, struct krb5_principal *p, bool optional)
{
	struct der in;
	bool absent;
	if (der_ctx(d, tag, &in, &absent))
		return der_principal(&in, p);
	return optional && absent;
}

/* EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }
 */
static bool der_encrypted(struct der *d, int32_t *etype)
{
	struct der seq, in;
	struct der_el e;
	bool absent;
	if (!der_sequence(d, &seq) || !ctx_int32(&seq, 0, etype))
		return false;
	if (der_ctx(&seq, 1, &in, &absent)) {
		uint32_t kvno;
		if (!der_uint32(&in, &kvno))
			return false;
	} else if (!absent) {
		return false;
	}
	return der_ctx_required(&seq, 2, &in) &&
	       der_take_expect(&in, DER_UNIVERSAL, DER_OCTET_STRING, &e);
}

/* Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0] INTEGER (5), realm [1],
 * sname [2] PrincipalName, enc-part [3] EncryptedData } */
static bool der_ticket(struct der *d, struct krb5_tx *tx)
{
	struct der_el app;
	struct der seq, in;
	uint32_t vno;
	struct krb5_str realm = {0};
	if (!der_take_expect(d, DER_APPLICATION, 1, &app))
		return false;
	if (!der_sequence(&app.val, &seq) || !ctx_uint32(&seq, 0, &vno) || vno != 5)
		return false;
	bool ok = ctx_realm(&seq, 1, &realm);
	str_free(&realm);
	if (!ok || !der_ctx_required(&seq, 2, &in) || !der_principal(&in, &tx->sname))
		return false;
	if (!der_ctx_required(&seq, 3, &in) || !der_encrypted(&in, &tx->ticket_etype))
		return false;
	tx->has_ticket_etype = true;
	return true;
}

/* ------------------------------------------------------------ messages */

static void tx_clear(struct krb5_tx *tx)
{
	principal_free(&tx->cname);
	principal_free(&tx->sname);
	str_free(&tx->realm);
}

static void tx_free(struct krb5_tx *tx)
{
	if (tx == NULL)
		return;
	tx_clear(tx);
	free(tx);
}

/* The contents of [APPLICATION n] (a SEQUENCE follows). */
static bool app_body(const uint8_t *m, uint32_t n, uint32_t tag, struct der *seq)
{
	struct der d = {m, 0, n};
	struct der_el app;
	return der_take_expect(&d, DER_APPLICATION, tag, &app) && der_sequence(&app.val, seq);
}

/*
 * KDC-REQ ::= SEQUENCE { pvno [1], msg-type [2], padata [3] OPTIONAL,
 *   req-body [4] KDC-REQ-BODY }
 * KDC-REQ-BODY ::= SEQUENCE { kdc-options [0] BIT STRING, cname [1] OPTIONAL,
 *   realm [2], sname [3] OPTIONAL, from [4] OPTIONAL, till [5], rtime [6]
 *   OPTIONAL, nonce [7] UInt32, etype [8] SEQUENCE OF Int32, ... }
 */
static bool parse_kdc_req(const uint8_t *m, uint32_t n, uint32_t tag, struct krb5_tx *tx)
{
	struct der seq, in, body, etypes;
	struct der_el e;
	uint32_t pvno, mt, nonce;
	if (!app_body(m, n, tag, &seq) || !ctx_uint32(&seq, 1, &pvno) || !ctx_uint32(&seq, 2, &mt))
		return false;
	if (!der_ctx_skip(&seq, 3) || !der_ctx_required(&seq, 4, &in) || !der_sequence(&in, &body))
		return false;
	if (!der_ctx_required(&body, 0, &in) ||
	    !der_take_expect(&in, DER_UNIVERSAL, DER_BIT_STRING, &e))
		return false;
	if (!ctx_principal(&body, 1, &tx->cname, true))
		return false;
	if (!ctx_realm(&body, 2, &tx->realm))
		return false;
	tx->has_realm = true;
	if (!ctx_principal(&body, 3, &tx->sname, true) || !der_ctx_skip(&body, 4))
		return false;
	if (!der_ctx_required(&body, 5, &in) ||
	    !der_take_expect(&in, DER_UNIVERSAL, DER_GENERALIZED_TIME, &e))
		return false;
	if (!der_ctx_skip(&body, 6) || !ctx_uint32(&body, 7, &nonce))
		return false;
	if (!der_ctx_required(&body, 8, &in) || !der_sequence(&in, &etypes))
		return false;
	while (etypes.pos < etypes.end) {
		int32_t et;
		if (!der_int32(&etypes, &et))
			return false;
		if (tx->n_req_etypes < KRB5_MAX_ETYPES)
			tx->req_etypes[tx->n_req_etypes++] = et;
	}
	tx->msg_type = tag;
	return true;
}

/*
 * KDC-REP ::= SEQUENCE { pvno [0], msg-type [1], padata [2] OPTIONAL,
 *   crealm [3], cname [4] PrincipalName, ticket [5] Ticket, enc-part [6] }
 */
static bool parse_kdc_rep(const uint8_t *m, uint32_t n, uint32_t tag, struct krb5_tx *tx)
{
	struct der seq, in;
	uint32_t pvno, mt;
	if (!app_body(m, n, tag, &seq) || !ctx_uint32(&seq, 0, &pvno) || !ctx_uint32(&seq, 1, &mt))
		return false;
	if (!der_ctx_skip(&seq, 2) || !ctx_realm(&seq, 3, &tx->realm))
		return false;
	tx->has_realm = true;
	if (!ctx_principal(&seq, 4, &tx->cname, false))
		return false;
	if (!der_ctx_required(&seq, 5, &in) || !der_ticket(&in, tx))
		return false;
	if (!der_ctx_required(&seq, 6, &in) || !der_encrypted(&in, &tx->etype))
		return false;
	tx->has_etype = true;
	tx->msg_type = tag;
	return true;
}

/*
 * KRB-ERROR ::= SEQUENCE { pvno [0], msg-type [1], ctime [2] OPTIONAL,
 *   cusec [3] OPTIONAL, stime [4], susec [5], error-code [6] Int32,
 *   crealm [7] OPTIONAL, cname [8] OPTIONAL, realm [9], sname [10], ... }
 */
static bool parse_krb_error(const uint8_t *m, uint32_t n, struct krb5_tx *tx)
{
	struct der seq, in;
	uint32_t pvno, mt;
	bool absent;
	struct krb5_str realm = {0};
	if (!app_body(m, n, KRB5_ERROR, &seq) || !ctx_uint32(&seq, 0, &pvno) ||
	    !ctx_uint32(&seq, 1, &mt))
		return false;
	if (!der_ctx_skip(&seq, 2) || !der_ctx_skip(&seq, 3))
		return false;
	if (!der_ctx_required(&seq, 4, &in) || !der_ctx_required(&seq, 5, &in))
		return false;
	if (!ctx_int32(&seq, 6, &tx->error_code))
		return false;
	tx->has_error = true;
	if (der_ctx(&seq, 7, &in, &absent)) {
		if (!der_kstring(&in, &tx->realm))
			return false;
		tx->has_realm = true;
	} else if (!absent) {
		return false;
	}
	if (!ctx_principal(&seq, 8, &tx->cname, true))
		return false;
	bool ok = ctx_realm(&seq, 9, &realm);
	str_free(&realm);
	if (!ok || !ctx_principal(&seq, 10, &tx->sname, false))
		return false;
	tx->msg_type = KRB5_ERROR;
	return true;
}

/* ------------------------------------------------------------ transactions */

static bool tx_push(struct krb5_state *s, struct krb5_tx *tx)
{
	if (s->n_txs == KRB5_MAX_TX) {
		tx_free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
		s->n_txs--;
		s->dropped++;
	}
	tx->tx_id = s->next_tx_id++;
	s->txs[s->n_txs++] = tx;
	return true;
}

static void set_event(struct krb5_state *s, enum krb5_event ev)
{
	/* On the most recent transaction, as Suricata; none: dropped. */
	if (s->n_txs > 0)
		s->txs[s->n_txs - 1]->events |= (uint8_t)(1u << ev);
}

/* One whole message.  false: its outer header is unreadable (stop). */
static bool parse_message(struct krb5_state *s, enum app_dir dir, const uint8_t *m, uint32_t n)
{
	struct der d = {m, 0, n};
	struct der_el e;
	uint32_t h;
	if (der_header(&d, &e, &h, false) != DER_OK) {
		set_event(s, KRB5_EV_MALFORMED_DATA);
		return false;
	}
	if (e.cls != DER_APPLICATION)
		return true; /* not a Kerberos message: ignored */
	struct krb5_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return true;
	tx->dir = dir;
	bool made = false;
	switch (e.tag) {
	case KRB5_AS_REQ:
	case KRB5_TGS_REQ:
		made = parse_kdc_req(m, n, e.tag, tx);
		s->req_id = e.tag;
		break;
	case KRB5_AS_REP:
	case KRB5_TGS_REP:
		made = parse_kdc_rep(m, n, e.tag, tx);
		s->req_id = 0;
		break;
	case KRB5_AP_REQ: s->req_id = KRB5_AP_REQ; break;
	case KRB5_AP_REP: s->req_id = 0; break;
	case KRB5_ERROR:
		made = parse_krb_error(m, n, tx);
		if (made)
			tx->failed_req = s->req_id;
		s->req_id = 0;
		break;
	default: break;
	}
	if (!made) {
		tx_free(tx);
		return true;
	}
	tx_push(s, tx);
	if (tx->has_etype && krb5_etype_weak(tx->etype))
		set_event(s, KRB5_EV_WEAK_ENCRYPTION);
	return true;
}

/* ------------------------------------------------------------ framing */

static enum app_parse_result tcp_parse(struct krb5_state *s, enum app_dir dir, const uint8_t *d,
				       uint32_t n)
{
	struct krb5_tcp_buf *tb = &s->tb[dir];
	while (n > 0) {
		if (tb->hdr_len < 4) {
			tb->hdr[tb->hdr_len++] = *d++;
			n--;
			if (tb->hdr_len < 4)
				continue;
			tb->record = ((uint32_t)tb->hdr[0] << 24) | ((uint32_t)tb->hdr[1] << 16) |
				     ((uint32_t)tb->hdr[2] << 8) | tb->hdr[3];
			if (tb->record > KRB5_TCP_BUF_MAX)
				return APP_PARSE_ERROR;
			tb->len = 0;
		}
		uint32_t want = tb->record - tb->len;
		if (tb->len == 0 && n >= want) {
			/* The whole record is in this chunk: parse it in place. */
			if (!parse_message(s, dir, d, want))
				return APP_PARSE_ERROR;
			d += want;
			n -= want;
			tb->hdr_len = 0;
			continue;
		}
		if (tb->buf == NULL) {
			tb->buf = malloc(KRB5_TCP_BUF_MAX);
			if (tb->buf == NULL)
				return APP_PARSE_ERROR;
		}
		uint32_t take = n < want ? n : want;
		memcpy(tb->buf + tb->len, d, take);
		tb->len += take;
		d += take;
		n -= take;
		if (tb->len == tb->record) {
			bool ok = parse_message(s, dir, tb->buf, tb->len);
			free(tb->buf);
			tb->buf = NULL;
			tb->len = 0;
			tb->hdr_len = 0;
			if (!ok)
				return APP_PARSE_ERROR;
		}
	}
	return APP_PARSE_OK;
}

enum app_parse_result krb5_parse(struct krb5_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n, uint32_t flags)
{
	if (s == NULL || (dir != APP_TOSERVER && dir != APP_TOCLIENT) || s->failed)
		return APP_PARSE_ERROR;
	enum app_parse_result r = APP_PARSE_OK;
	if (s->tcp) {
		/* Suricata's krb5 parser does not accept gaps: the direction ends. */
		if (flags & APP_CHUNK_GAP)
			r = APP_PARSE_ERROR;
		else if (n > 0)
			r = tcp_parse(s, dir, d, n);
	} else if (!parse_message(s, dir, d, n)) {
		r = APP_PARSE_ERROR;
	}
	if (r == APP_PARSE_ERROR) {
		s->failed = true;
		for (int i = 0; i < 2; i++) {
			free(s->tb[i].buf);
			s->tb[i].buf = NULL;
		}
	}
	return r;
}

/* ------------------------------------------------------------ probe */

static enum app_probe_result probe_msg(const uint8_t *d, uint32_t n)
{
	struct der top = {d, 0, n};
	struct der_el e, seq;
	uint32_t h;
	if (n <= 10)
		return APP_PROBE_NO;
	enum der_result r = der_header(&top, &e, &h, false);
	if (r == DER_INCOMPLETE)
		return APP_PROBE_NEED_MORE;
	if (r != DER_OK || e.cls != DER_APPLICATION || e.tag > 30)
		return APP_PROBE_NO;
	struct der rest = {d, h, n};
	if (rest.pos >= n || d[rest.pos] != 0x30)
		return APP_PROBE_NO;
	if (der_header(&rest, &seq, &h, false) != DER_OK)
		return APP_PROBE_NO;
	uint32_t p = rest.pos + h;
	/* pvno: [n] { INTEGER 5 } is the first field */
	if (n - p > 5 && d[p + 2] == 2 && d[p + 3] == 1 && d[p + 4] == 5)
		return APP_PROBE_MATCH;
	return APP_PROBE_NO;
}

enum app_probe_result krb5_probe(const uint8_t *d, uint32_t n, bool tcp)
{
	if (!tcp)
		return probe_msg(d, n);
	if (n <= 14)
		return APP_PROBE_NO;
	uint32_t rec =
	    ((uint32_t)d[0] << 24) | ((uint32_t)d[1] << 16) | ((uint32_t)d[2] << 8) | d[3];
	if (rec > KRB5_PROBE_RECORD_MAX)
		return APP_PROBE_NO;
	return probe_msg(d + 4, n - 4);
}

/* ------------------------------------------------------------ state */

struct krb5_state *krb5_state_new(bool tcp)
{
	struct krb5_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->txs = calloc(KRB5_MAX_TX, sizeof(*s->txs));
	if (s->txs == NULL) {
		free(s);
		return NULL;
	}
	s->tcp = tcp;
	return s;
}

void krb5_state_free(struct krb5_state *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s->tb[0].buf);
	free(s->tb[1].buf);
	free(s);
}

uint64_t krb5_tx_total(const struct krb5_state *s)
{
	return s->next_tx_id;
}

const struct krb5_tx *krb5_tx_get(const struct krb5_state *s, uint64_t tx_id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, tx_id, offsetof(struct krb5_tx, tx_id));
}

void krb5_tx_release_upto(struct krb5_state *s, uint64_t tx_id)
{
	size_t k = 0;
	while (k < s->n_txs && s->txs[k]->tx_id < tx_id)
		tx_free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
		s->n_txs -= k;
	}
}

uint64_t krb5_tx_dropped(const struct krb5_state *s)
{
	return s->dropped;
}

/* ------------------------------------------------------------ names */

static const char *const event_names[KRB5_EV_COUNT] = {"malformed_data", "weak_encryption"};

const char *krb5_event_name(enum krb5_event ev)
{
	return (unsigned)ev < KRB5_EV_COUNT ? event_names[ev] : NULL;
}

bool krb5_etype_weak(int32_t etype)
{
	switch (etype) {
	case 17: /* aes128-cts-hmac-sha1-96 */
	case 18: /* aes256-cts-hmac-sha1-96 */
	case 19: /* aes128-cts-hmac-sha256-128 */
	case 20: /* aes256-cts-hmac-sha384-192 */
	case 25: /* camellia128-cts-cmac */
	case 26: /* camellia256-cts-cmac */ return false;
	default: return true; /* DES, 3DES, RC4 and everything unknown */
	}
}

static const struct {
	int32_t v;
	const char *name;
} etype_names[] = {
    {1, "des-cbc-crc"},
    {2, "des-cbc-md4"},
    {3, "des-cbc-md5"},
    {5, "des3-cbc-md5"},
    {7, "des3-cbc-sha1"},
    {9, "dsaWithSHA1-CmsOID"},
    {10, "md5WithRSAEncryption-CmsOID"},
    {11, "sha1WithRSAEncryption-CmsOID"},
    {12, "rc2CBC-EnvOID"},
    {13, "rsaEncryption-EnvOID"},
    {14, "rsaES-OAEP-ENV-OID"},
    {15, "des-ede3-cbc-Env-OID"},
    {16, "des3-cbc-sha1-kd"},
    {17, "aes128-cts-hmac-sha1-96"},
    {18, "aes256-cts-hmac-sha1-96"},
    {23, "rc4-hmac"},
    {24, "rc4-hmac-exp"},
    {25, "camellia128-cts-cmac"},
    {26, "camellia256-cts-cmac"},
    {65, "subkey-keymaterial"},
    {-128, "rc4-md4"},
    {-129, "rc4-plain2"},
    {-130, "rc4-lm"},
    {-131, "rc4-sha"},
    {-132, "des-plain"},
    {-133, "rc4-hmac-OLD"},
    {-134, "rc4-plain-OLD"},
    {-135, "rc4-hmac-OLD-exp"},
    {-136, "rc4-plain-OLD-exp"},
    {-140, "rc4-plain"},
    {-141, "rc4-plain-exp"},
};

/* Names a rule may use that the log never writes (RFC 8009's AES-SHA2). */
static const struct {
	int32_t v;
	const char *name;
} etype_rule_names[] = {
    {19, "aes128-cts-hmac-sha256-128"},
    {20, "aes256-cts-hmac-sha384-192"},
};

const char *krb5_etype_name(int32_t etype)
{
	for (size_t i = 0; i < sizeof(etype_names) / sizeof(etype_names[0]); i++)
		if (etype_names[i].v == etype)
			return etype_names[i].name;
	return NULL;
}

int krb5_etype_by_name(const char *name, int32_t *etype)
{
	for (size_t i = 0; i < sizeof(etype_names) / sizeof(etype_names[0]); i++)
		if (strcmp(etype_names[i].name, name) == 0) {
			*etype = etype_names[i].v;
			return 0;
		}
	for (size_t i = 0; i < sizeof(etype_rule_names) / sizeof(etype_rule_names[0]); i++)
		if (strcmp(etype_rule_names[i].name, name) == 0) {
			*etype = etype_rule_names[i].v;
			return 0;
		}
	return -1;
}

const char *krb5_msg_type_name(uint32_t t)
{
	switch (t) {
	case 10: return "KRB_AS_REQ";
	case 11: return "KRB_AS_REP";
	case 12: return "KRB_TGS_REQ";
	case 13: return "KRB_TGS_REP";
	case 14: return "KRB_AP_REQ";
	case 15: return "KRB_AP_REP";
	case 16: return "KRB_RESERVED16";
	case 17: return "KRB_RESERVED17";
	case 20: return "KRB_SAFE";
	case 21: return "KRB_PRIV";
	case 22: return "KRB_CRED";
	case 30: return "KRB_ERROR";
	default: return NULL;
	}
}

static const char *const error_names[] = {
    [0] = "KDC_ERR_NONE",
    [1] = "KDC_ERR_NAME_EXP",
    [2] = "KDC_ERR_SERVICE_EXP",
    [3] = "KDC_ERR_BAD_PVNO",
    [4] = "KDC_ERR_C_OLD_MAST_KVNO",
    [5] = "KDC_ERR_S_OLD_MAST_KVNO",
    [6] = "KDC_ERR_C_PRINCIPAL_UNKNOWN",
    [7] = "KDC_ERR_S_PRINCIPAL_UNKNOWN",
    [8] = "KDC_ERR_PRINCIPAL_NOT_UNIQUE",
    [9] = "KDC_ERR_NULL_KEY",
    [10] = "KDC_ERR_CANNOT_POSTDATE",
    [11] = "KDC_ERR_NEVER_VALID",
    [12] = "KDC_ERR_POLICY",
    [13] = "KDC_ERR_BADOPTION",
    [14] = "KDC_ERR_ETYPE_NOSUPP",
    [15] = "KDC_ERR_SUMTYPE_NOSUPP",
    [16] = "KDC_ERR_PADATA_TYPE_NOSUPP",
    [17] = "KDC_ERR_TRTYPE_NOSUPP",
    [18] = "KDC_ERR_CLIENT_REVOKED",
    [19] = "KDC_ERR_SERVICE_REVOKED",
    [20] = "KDC_ERR_TGT_REVOKED",
    [21] = "KDC_ERR_CLIENT_NOTYET",
    [22] = "KDC_ERR_SERVICE_NOTYET",
    [23] = "KDC_ERR_KEY_EXPIRED",
    [24] = "KDC_ERR_PREAUTH_FAILED",
    [25] = "KDC_ERR_PREAUTH_REQUIRED",
    [26] = "KDC_ERR_SERVER_NOMATCH",
    [27] = "KDC_ERR_MUST_USE_USER2USER",
    [28] = "KDC_ERR_PATH_NOT_ACCEPTED",
    [29] = "KDC_ERR_SVC_UNAVAILABLE",
    [31] = "KRB_AP_ERR_BAD_INTEGRITY",
    [32] = "KRB_AP_ERR_TKT_EXPIRED",
    [33] = "KRB_AP_ERR_TKT_NYV",
    [34] = "KRB_AP_ERR_REPEAT",
    [35] = "KRB_AP_ERR_NOT_US",
    [36] = "KRB_AP_ERR_BADMATCH",
    [37] = "KRB_AP_ERR_SKEW",
    [38] = "KRB_AP_ERR_BADADDR",
    [39] = "KRB_AP_ERR_BADVERSION",
    [40] = "KRB_AP_ERR_MSG_TYPE",
    [41] = "KRB_AP_ERR_MODIFIED",
    [42] = "KRB_AP_ERR_BADORDER",
    [44] = "KRB_AP_ERR_BADKEYVER",
    [45] = "KRB_AP_ERR_NOKEY",
    [46] = "KRB_AP_ERR_MUT_FAIL",
    [47] = "KRB_AP_ERR_BADDIRECTION",
    [48] = "KRB_AP_ERR_METHOD",
    [49] = "KRB_AP_ERR_BADSEQ",
    [50] = "KRB_AP_ERR_INAPP_CKSUM",
    [51] = "KRB_AP_PATH_NOT_ACCEPTED",
    [52] = "KRB_ERR_RESPONSE_TOO_BIG",
    [60] = "KRB_ERR_GENERIC",
    [61] = "KRB_ERR_FIELD_TOOLONG",
    [62] = "KDC_ERROR_CLIENT_NOT_TRUSTED",
    [63] = "KDC_ERROR_KDC_NOT_TRUSTED",
    [64] = "KDC_ERROR_INVALID_SIG",
    [65] = "KDC_ERR_KEY_TOO_WEAK",
    [66] = "KDC_ERR_CERTIFICATE_MISMATCH",
    [67] = "KRB_AP_ERR_NO_TGT",
    [68] = "KDC_ERR_WRONG_REALM",
    [69] = "KRB_AP_ERR_USER_TO_USER_REQUIRED",
    [70] = "KDC_ERR_CANT_VERIFY_CERTIFICATE",
    [71] = "KDC_ERR_INVALID_CERTIFICATE",
    [72] = "KDC_ERR_REVOKED_CERTIFICATE",
    [73] = "KDC_ERR_REVOCATION_STATUS_UNKNOWN",
    [74] = "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE",
    [75] = "KDC_ERR_CLIENT_NAME_MISMATCH",
    [76] = "KDC_ERR_KDC_NAME_MISMATCH",
};

const char *krb5_error_name(int32_t code)
{
	if (code < 0 || (size_t)code >= sizeof(error_names) / sizeof(error_names[0]))
		return NULL;
	return error_names[code];
}

/* ------------------------------------------------------------ detection */

static bool principal_part(const struct krb5_principal *p, uint32_t i, const uint8_t **b,
			   uint32_t *l)
{
	if (!p->present || i >= p->n)
		return false;
	*b = p->parts[i].buf;
	*l = p->parts[i].len;
	return true;
}

bool krb5_tx_get_cname(const struct krb5_tx *tx, uint32_t i, const uint8_t **b, uint32_t *l)
{
	return principal_part(&tx->cname, i, b, l);
}

bool krb5_tx_get_sname(const struct krb5_tx *tx, uint32_t i, const uint8_t **b, uint32_t *l)
{
	return principal_part(&tx->sname, i, b, l);
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result desc_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	return krb5_probe(d, n, in->tcp);
}

static void *desc_state_new(const struct app_flow_info *fi)
{
	return krb5_state_new(fi->tcp);
}

static void desc_state_free(void *st)
{
	krb5_state_free(st);
}

static enum app_parse_result desc_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	return krb5_parse(st, dir, d, n, flags);
}

static uint64_t desc_tx_count(const void *st)
{
	return krb5_tx_total(st);
}

static const void *desc_tx_get(const void *st, uint64_t id)
{
	return krb5_tx_get(st, id);
}

static enum app_side desc_tx_side(const void *st, const void *tx, enum app_dir dir, bool eof)
{
	const struct krb5_tx *t = tx;
	return t->dir == dir ? APP_SIDE_READY : APP_SIDE_NONE;
}

static enum app_log_decision desc_tx_log(const void *st, const void *tx, bool flow_end)
{
	return APP_LOG_NOW;
}

static void desc_tx_release_upto(void *st, uint64_t id)
{
	krb5_tx_release_upto(st, id);
}

static bool desc_tx_has_event(const void *st, const void *tx, int ev)
{
	const struct krb5_tx *t = tx;
	return ev >= 0 && ev < KRB5_EV_COUNT && (t->events & (1u << ev));
}

static void desc_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	krb5_tx_log_json(j, tx);
}

static int desc_tx_msg_dir(const void *tx)
{
	return ((const struct krb5_tx *)tx)->dir;
}

const struct app_protocol app_krb5 = {
    .name = "krb5",
    .ipprotos = APP_IPPROTO_TCP | APP_IPPROTO_UDP,
    .tcp_ports = "88",
    .udp_ports = "88",
    .probe_port = desc_probe,
    .state_new = desc_state_new,
    .state_free = desc_state_free,
    .parse = desc_parse,
    .tx_count = desc_tx_count,
    .tx_get = desc_tx_get,
    .tx_side = desc_tx_side,
    .tx_log = desc_tx_log,
    .tx_release_upto = desc_tx_release_upto,
    .event_names = event_names,
    .n_events = KRB5_EV_COUNT,
    .events_upper = false,
    .tx_has_event = desc_tx_has_event,
    .eve_type = "krb5",
    .eve_no_tx_id = true,
    .eve_dir_packet = true,
    .log_json = desc_log_json,
    .tx_msg_dir = desc_tx_msg_dir,
};
