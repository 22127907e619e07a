/*
 * mms.c — MMS over TCP 102: TPKT and COTP framing, the ISO session and
 * presentation layers and ACSE down to the MMS PDU, transactions, the
 * probe and the protocol descriptor.  The MMS PDU decoder is mms-pdu.c,
 * the EVE writer mms-log.c; mms.h has the rules on transactions, framing
 * and bounds.
 *
 * Only what leads to MMS PDUs is decoded of the layers below: the session
 * SPDUs' user data (DATA after given tokens; the user data parameter of
 * CONNECT/ACCEPT/FINISH/DISCONNECT/ABORT/REFUSE), the presentation
 * context list of CP (which context is ACSE, which MMS) and the PDV lists
 * of user data, the user information of AARQ/AARE.  Every length of
 * these layers is checked against the bytes around it; a TSDU that does
 * not parse raises invalid_framing and is dropped, the flow goes on with
 * the next.
 */
#include "app/mms.h"
#include "app/mms-ber.h"

#include <stdlib.h>
#include <string.h>

#define TPKT_MAX (4u + 65535u)

struct mms_buf {
	uint8_t *buf;
	uint32_t len, cap;
};

struct mms_dir_state {
	struct mms_buf tpkt; /* an incomplete TPKT */
	struct mms_buf tsdu; /* COTP DT data until end of TSDU */
	bool tsdu_over;	     /* the TSDU went past MMS_MAX_TSDU: dropped */
	bool resync;	     /* after a gap: wait for a chunk starting a TPKT */
};

struct mms_state {
	struct mms_dir_state dir[2];
	int acse_ctx, mms_ctx; /* presentation context ids, -1 unknown */
	struct mms_tx **txs;   /* live, oldest first */
	size_t n_txs, cap_txs;
	uint64_t next_tx_id;
	size_t mem; /* bytes of the live transactions' messages */
};

/* ------------------------------------------------------------ transactions */

static size_t msg_mem(const struct mms_msg *m)
{
	if (m == NULL)
		return 0;
	return sizeof(*m) + m->raw_len + (m->names ? MMS_MAX_NAMES * sizeof(*m->names) : 0);
}

static size_t tx_mem(const struct mms_tx *tx)
{
	return sizeof(*tx) + msg_mem(tx->request) + msg_mem(tx->response);
}

static void tx_free(struct mms_tx *tx)
{
	for (int d = 0; d < 2; d++) {
		struct mms_msg *m = d == 0 ? tx->request : tx->response;
		mms_msg_free(m);
		free(m);
	}
	free(tx);
}

static struct mms_tx *tx_new(struct mms_state *s)
{
	if (s->n_txs == s->cap_txs) {
		size_t cap = s->cap_txs ? s->cap_txs * 2 : 8;
		struct mms_tx **t = realloc(s->txs, cap * sizeof(*t));
		if (t == NULL)
			return NULL;
		s->txs = t;
		s->cap_txs = cap;
	}
	struct mms_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->tx_id = s->next_tx_id++;
	s->txs[s->n_txs++] = tx;
	s->mem += sizeof(*tx);
	return tx;
}

/* An event of this direction with no PDU to carry it. */
static void raise_event(struct mms_state *s, enum app_dir dir, enum mms_event ev)
{
	struct mms_tx *tx = tx_new(s);
	if (tx == NULL)
		return;
	tx->done = true;
	tx->event_only = true;
	tx->event_dir = (uint8_t)dir;
	tx->events |= 1u << ev;
}

static bool is_request_pdu(unsigned pdu)
{
	return pdu == MMS_PDU_CONFIRMED_REQUEST || pdu == MMS_PDU_CANCEL_REQUEST ||
	       pdu == MMS_PDU_INITIATE_REQUEST || pdu == MMS_PDU_CONCLUDE_REQUEST;
}

/* The request PDU type a response answers; -1 when it answers none. */
static int request_of(unsigned pdu)
{
	switch (pdu) {
	case MMS_PDU_CONFIRMED_RESPONSE:
	case MMS_PDU_CONFIRMED_ERROR: return MMS_PDU_CONFIRMED_REQUEST;
	case MMS_PDU_CANCEL_RESPONSE:
	case MMS_PDU_CANCEL_ERROR: return MMS_PDU_CANCEL_REQUEST;
	case MMS_PDU_INITIATE_RESPONSE:
	case MMS_PDU_INITIATE_ERROR: return MMS_PDU_INITIATE_REQUEST;
	case MMS_PDU_CONCLUDE_RESPONSE:
	case MMS_PDU_CONCLUDE_ERROR: return MMS_PDU_CONCLUDE_REQUEST;
	default: return -1;
	}
}

/* The oldest open transaction whose request (sent the other way) this
 * response answers. */
static struct mms_tx *find_request(struct mms_state *s, enum app_dir dir, const struct mms_msg *m)
{
	int want = request_of(m->pdu);
	if (want < 0)
		return NULL;
	bool by_invoke = want == MMS_PDU_CONFIRMED_REQUEST || want == MMS_PDU_CANCEL_REQUEST;
	for (size_t i = 0; i < s->n_txs; i++) {
		struct mms_tx *tx = s->txs[i];
		const struct mms_msg *q = tx->request;
		if (tx->done || q == NULL || tx->response != NULL || q->dir == dir ||
		    q->pdu != want)
			continue;
		if (by_invoke && m->has_invoke && (!q->has_invoke || q->invoke_id != m->invoke_id))
			continue;
		return tx;
	}
	return NULL;
}

/* Past MMS_MAX_TX live transactions, or MMS_STATE_MEMCAP bytes of them,
 * the open ones are closed (then logged and released). */
static void limit_txs(struct mms_state *s, struct mms_tx *tx)
{
	if (s->n_txs <= MMS_MAX_TX && s->mem <= MMS_STATE_MEMCAP)
		return;
	for (size_t i = 0; i < s->n_txs; i++)
		s->txs[i]->done = true;
	tx->events |= 1u << MMS_EV_TOO_MANY_TRANSACTIONS;
}

static void handle_mms(struct mms_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct mms_msg *m = malloc(sizeof(*m));
	if (m == NULL)
		return;
	bool ok = mms_decode_pdu(d, n, m);
	if (m->raw == NULL && !ok) { /* not even a PDU type */
		free(m);
		raise_event(s, dir, MMS_EV_INVALID_PDU);
		return;
	}
	m->dir = (uint8_t)dir;
	s->mem += msg_mem(m);
	struct mms_tx *tx = find_request(s, dir, m);
	if (tx != NULL) {
		tx->response = m;
		tx->done = true;
	} else {
		tx = tx_new(s);
		if (tx == NULL) {
			s->mem -= msg_mem(m);
			mms_msg_free(m);
			free(m);
			return;
		}
		if (request_of(m->pdu) >= 0)
			tx->response = m;
		else
			tx->request = m;
		tx->done = !is_request_pdu(m->pdu);
		if (request_of(m->pdu) >= 0)
			tx->events |= 1u << MMS_EV_UNSOLICITED_RESPONSE;
		limit_txs(s, tx);
	}
	if (!ok)
		tx->events |= 1u << MMS_EV_INVALID_PDU;
}

/* ------------------------------------------------------------ ACSE */

/* AARQ [APPLICATION 0] / AARE [APPLICATION 1]: user-information [30]
 * SEQUENCE OF EXTERNAL { direct-reference, indirect-reference,
 * encoding: single-ASN1-type [0] | octet-aligned [1] }. */
static bool handle_acse(struct mms_state *s, enum app_dir dir, const struct ber *r,
			const struct tlv *t)
{
	if (t->cls != BER_APPLICATION || !t->constructed)
		return false;
	if (t->tag > 1)
		return true; /* release and abort carry no MMS PDU */
	struct ber in = ber_in(r, t);
	struct tlv e;
	while (in.pos < in.end) {
		if (!ber_next(&in, &e))
			return false;
		if (!is_ctx(&e, 30) || !e.constructed)
			continue;
		struct ber uin = ber_in(r, &e);
		struct tlv ext, f;
		if (!ber_next(&uin, &ext) || ext.tag != 8 || !ext.constructed)
			return false;
		struct ber xin = ber_in(r, &ext);
		while (xin.pos < xin.end) {
			if (!ber_next(&xin, &f))
				return false;
			if (is_ctx(&f, 0) && f.constructed)
				handle_mms(s, dir, r->d + f.off, f.len);
			else if (is_ctx(&f, 1) && !f.constructed)
				handle_mms(s, dir, r->d + f.off, f.len);
		}
	}
	return true;
}

/* ------------------------------------------------------------ presentation */

/* abstract syntaxes: 2.2.1.0.1 (ACSE), 1.0.9506.2.1 (MMS) */
static const uint8_t OID_ACSE[] = {0x52, 0x01, 0x00, 0x01};
static const uint8_t OID_MMS[] = {0x28, 0xca, 0x22, 0x02, 0x01};

static bool oid_is(const struct ber *r, const struct tlv *t, const uint8_t *oid, uint32_t n)
{
	return t->len == n && memcmp(r->d + t->off, oid, n) == 0;
}

/* presentation-context-definition-list: SEQUENCE OF SEQUENCE { id,
 * abstract-syntax-name, transfer-syntax-name-list }. */
static void read_contexts(struct mms_state *s, const struct ber *r, const struct tlv *t)
{
	struct ber in = ber_in(r, t);
	struct tlv item, id, as;
	while (ber_next(&in, &item)) {
		struct ber iin = ber_in(r, &item);
		uint32_t v;
		if (!ber_next(&iin, &id) || !ber_uint(r, &id, &v) || !ber_next(&iin, &as))
			continue;
		if (oid_is(r, &as, OID_ACSE, sizeof(OID_ACSE)))
			s->acse_ctx = (int)(v & 0xffff);
		else if (oid_is(r, &as, OID_MMS, sizeof(OID_MMS)))
			s->mms_ctx = (int)(v & 0xffff);
	}
}

/* The PDU of one PDV: ACSE by its context id (or, when the contexts are
 * unknown, by its APPLICATION tag), MMS else. */
static bool handle_pdv_value(struct mms_state *s, enum app_dir dir, const struct ber *r, int ctx,
			     const uint8_t *d, uint32_t n)
{
	struct ber v = {d, 0, n};
	struct tlv t;
	if (!ber_next(&v, &t))
		return false;
	bool acse = s->acse_ctx >= 0 ? ctx == s->acse_ctx : t.cls == BER_APPLICATION;
	if (acse)
		return handle_acse(s, dir, &v, &t);
	if (s->mms_ctx >= 0 && ctx != s->mms_ctx)
		return true; /* another abstract syntax */
	handle_mms(s, dir, d, n);
	return true;
}

/* Fully-encoded-data: SEQUENCE OF PDV-list { transfer-syntax-name
 * OPTIONAL, presentation-context-identifier, presentation-data-values:
 * single-ASN1-type [0] | octet-aligned [1] | arbitrary [2] }. */
static bool handle_user_data(struct mms_state *s, enum app_dir dir, const struct ber *r,
			     const struct tlv *t)
{
	if (t->cls == BER_APPLICATION && t->tag == 0)
		return true; /* simply-encoded-data: no context to tell */
	if (t->cls != BER_APPLICATION || t->tag != 1 || !t->constructed)
		return false;
	struct ber in = ber_in(r, t);
	struct tlv pdv, f;
	while (in.pos < in.end) {
		if (!ber_next(&in, &pdv) || !pdv.constructed)
			return false;
		struct ber pin = ber_in(r, &pdv);
		int ctx = -1;
		while (pin.pos < pin.end) {
			if (!ber_next(&pin, &f))
				return false;
			uint32_t v;
			if (f.cls == BER_UNIVERSAL && f.tag == 2 && ber_uint(r, &f, &v))
				ctx = (int)(v & 0xffff);
			else if (is_ctx(&f, 0) && f.constructed) {
				if (!handle_pdv_value(s, dir, r, ctx, r->d + f.off, f.len))
					return false;
			} else if (is_ctx(&f, 1) && !f.constructed) {
				if (!handle_pdv_value(s, dir, r, ctx, r->d + f.off, f.len))
					return false;
			}
		}
	}
	return true;
}

/* CP-type / CPA-PPDU: SET { mode-selector [0], normal-mode-parameters
 * [2] SEQUENCE { ..., context list [4], ..., user-data } }. */
static bool handle_connect_ppdu(struct mms_state *s, enum app_dir dir, const struct ber *r,
				const struct tlv *t)
{
	struct ber in = ber_in(r, t);
	struct tlv e, p;
	while (in.pos < in.end) {
		if (!ber_next(&in, &e))
			return false;
		if (!is_ctx(&e, 2) || !e.constructed)
			continue;
		struct ber nin = ber_in(r, &e);
		while (nin.pos < nin.end) {
			if (!ber_next(&nin, &p))
				return false;
			if (is_ctx(&p, 4) && p.constructed)
				read_contexts(s, r, &p);
			else if (p.cls == BER_APPLICATION && !handle_user_data(s, dir, r, &p))
				return false;
		}
	}
	return true;
}

static bool handle_ppdu(struct mms_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct ber r = {d, 0, n};
	struct tlv t;
	if (!ber_next(&r, &t))
		return false;
	if (t.cls == BER_UNIVERSAL && t.tag == 17 && t.constructed)
		return handle_connect_ppdu(s, dir, &r, &t);
	if (t.cls == BER_APPLICATION)
		return handle_user_data(s, dir, &r, &t);
	return true; /* abort and other PPDUs: nothing of MMS */
}

/* ------------------------------------------------------------ session */

enum {
	SPDU_GT_DT = 1, /* GIVE TOKENS (category 0) or DATA TRANSFER (category 2) */
	SPDU_PT = 2,
	SPDU_FN = 9,
	SPDU_DN = 10,
	SPDU_RF = 12,
	SPDU_CN = 13,
	SPDU_AC = 14,
	SPDU_AB = 25,
};

/* An SPDU's SI and LI at p: the parameters' window.  LI is one byte, or
 * 0xff and two bytes. */
static bool spdu_header(const uint8_t *d, uint32_t n, uint32_t p, uint32_t *pstart, uint32_t *plen)
{
	if (n - p < 2)
		return false;
	uint32_t li = d[p + 1], h = 2;
	if (li == 0xff) {
		if (n - p < 4)
			return false;
		li = (uint32_t)d[p + 2] << 8 | d[p + 3];
		h = 4;
	}
	if (li > n - p - h)
		return false;
	*pstart = p + h;
	*plen = li;
	return true;
}

/* The user data parameters (PI 193, 194) of a connection SPDU's
 * parameter window; parameter groups are skipped whole. */
static bool handle_session_params(struct mms_state *s, enum app_dir dir, const uint8_t *d,
				  uint32_t start, uint32_t len)
{
	uint32_t p = start, end = start + len;
	while (p < end) {
		uint32_t vstart, vlen;
		if (!spdu_header(d, end, p, &vstart, &vlen))
			return false;
		/* Some stacks send user data of length 0 followed by the PPDU
		 * (Wireshark calls it malformed): the rest is the user data. */
		if ((d[p] == 193 || d[p] == 194) && vlen == 0 && vstart < end)
			return handle_ppdu(s, dir, d + vstart, end - vstart);
		if ((d[p] == 193 || d[p] == 194) && vlen > 0 &&
		    !handle_ppdu(s, dir, d + vstart, vlen))
			return false;
		p = vstart + vlen;
	}
	return true;
}

/* MMS PDU tags: confirmed [0]..conclude-error [13] constructed, and the
 * primitive cancel and conclude PDUs. */
static bool is_mms_tag(uint8_t b)
{
	return (b >= 0xa0 && b <= 0xad) || b == 0x85 || b == 0x86 || b == 0x8b || b == 0x8c;
}

/* A TSDU that is one whole MMS PDU with no session above it (as some
 * stacks and test tools send, and Wireshark accepts). */
static bool bare_mms(const uint8_t *d, uint32_t n)
{
	struct ber r = {d, 0, n};
	struct tlv t;
	return n >= 2 && is_mms_tag(d[0]) && ber_next(&r, &t) && r.pos == n;
}

static bool handle_tsdu(struct mms_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	uint32_t p = 0;
	if (bare_mms(d, n)) {
		handle_mms(s, dir, d, n);
		return true;
	}
	while (p < n) {
		uint8_t si = d[p];
		uint32_t ps, pl;
		if (!spdu_header(d, n, p, &ps, &pl)) {
			/* a connection SPDU whose length overruns the TSDU
			 * (seen in the wild): its parameters up to the end */
			if (p != 0 || n < 2 || (si != SPDU_CN && si != SPDU_AC))
				return false;
			ps = d[1] == 0xff ? 4 : 2;
			if (ps > n)
				return false;
			pl = n - ps;
		}
		switch (si) {
		case SPDU_GT_DT:
		case SPDU_PT:
			p = ps + pl;
			/* a category 0 SPDU is followed by the DATA one; DATA's
			 * user information is the rest of the TSDU */
			if (p < n && (d[p] == SPDU_GT_DT || d[p] == SPDU_PT))
				continue;
			return p >= n || handle_ppdu(s, dir, d + p, n - p);
		case SPDU_CN:
		case SPDU_AC:
		case SPDU_FN:
		case SPDU_DN:
		case SPDU_RF:
		case SPDU_AB: return handle_session_params(s, dir, d, ps, pl);
		default: return true; /* other SPDUs carry nothing of MMS */
		}
	}
	return true;
}

/* ------------------------------------------------------------ TPKT / COTP */

static bool buf_append(struct mms_buf *b, const uint8_t *d, uint32_t n, uint32_t max)
{
	if (n == 0)
		return true;
	if (n > max - b->len)
		return false;
	if (b->len + n > b->cap) {
		uint32_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		if (cap > max)
			cap = max;
		uint8_t *nb = realloc(b->buf, cap);
		if (nb == NULL)
			return false;
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, d, n);
	b->len += n;
	return true;
}

static void buf_free(struct mms_buf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

/* One whole TPKT (header checked by the caller). */
static void handle_tpkt(struct mms_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct mms_dir_state *ds = &s->dir[dir];
	if (n < 7 || d[4] < 2 || (uint32_t)d[4] + 5 > n) {
		raise_event(s, dir, MMS_EV_INVALID_FRAMING);
		return;
	}
	if ((d[5] & 0xf0) != 0xf0)
		return; /* connection TPDUs: no user data of ours */
	uint32_t off = 5u + d[4];
	bool eot = (d[6] & 0x80) != 0;
	if (!ds->tsdu_over && !buf_append(&ds->tsdu, d + off, n - off, MMS_MAX_TSDU)) {
		ds->tsdu_over = true;
		raise_event(s, dir, MMS_EV_INVALID_FRAMING);
	}
	if (!eot)
		return;
	if (!ds->tsdu_over && !handle_tsdu(s, dir, ds->tsdu.buf, ds->tsdu.len))
		raise_event(s, dir, MMS_EV_INVALID_FRAMING);
	ds->tsdu_over = false;
	if (ds->tsdu.cap > 65536)
		buf_free(&ds->tsdu);
	ds->tsdu.len = 0;
}

static uint32_t tpkt_len(const uint8_t *d)
{
	return (uint32_t)d[2] << 8 | d[3];
}

static bool tpkt_header_ok(const uint8_t *d)
{
	return d[0] == 3 && d[1] == 0 && tpkt_len(d) >= 7;
}

/* Bytes of one direction: whole TPKTs are handled in place, a partial
 * one is buffered.  false: the stream is not TPKT here (resync needed). */
static bool parse_stream(struct mms_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct mms_dir_state *ds = &s->dir[dir];
	struct mms_buf *b = &ds->tpkt;
	while (n > 0) {
		if (b->len > 0 || n < 4) {
			uint32_t need = b->len < 4 ? 4 - b->len : tpkt_len(b->buf) - b->len;
			uint32_t take = n < need ? n : need;
			if (!buf_append(b, d, take, TPKT_MAX))
				return false;
			d += take;
			n -= take;
			if (b->len == 4 && !tpkt_header_ok(b->buf))
				return false;
			if (b->len >= 4 && b->len == tpkt_len(b->buf)) {
				handle_tpkt(s, dir, b->buf, b->len);
				b->len = 0;
			}
			continue;
		}
		if (!tpkt_header_ok(d))
			return false;
		uint32_t len = tpkt_len(d);
		if (len > n) {
			if (!buf_append(b, d, n, TPKT_MAX))
				return false;
			return true;
		}
		handle_tpkt(s, dir, d, len);
		d += len;
		n -= len;
	}
	return true;
}

enum app_parse_result mms_parse(struct mms_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags)
{
	struct mms_dir_state *ds = &s->dir[dir];
	if (flags & APP_CHUNK_GAP) {
		ds->tpkt.len = 0;
		ds->tsdu.len = 0;
		ds->tsdu_over = false;
		ds->resync = true;
	}
	if (n == 0)
		return APP_PARSE_OK;
	if (ds->resync) {
		if (n < 4 || !tpkt_header_ok(d))
			return APP_PARSE_OK;
		ds->resync = false;
	}
	if (!parse_stream(s, dir, d, n)) {
		raise_event(s, dir, MMS_EV_INVALID_FRAMING);
		ds->tpkt.len = 0;
		ds->tsdu.len = 0;
		ds->resync = true;
	}
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ probe */

/* Walks whole TPKTs: connection TPDUs are skipped; the first DT must
 * carry an ISO session SPDU.  S7comm's DT carries 0x32: NO. */
enum app_probe_result mms_probe(const uint8_t *d, uint32_t n)
{
	uint32_t p = 0;
	while (n - p >= 4) {
		if (!tpkt_header_ok(d + p))
			return APP_PROBE_NO;
		uint32_t len = tpkt_len(d + p);
		if (n - p < 7)
			return APP_PROBE_NEED_MORE;
		const uint8_t *t = d + p;
		uint8_t li = t[4], type = t[5] & 0xf0;
		if (li < 2 || li + 5u > len)
			return APP_PROBE_NO;
		if (type != 0xf0) {
			if (type != 0xe0 && type != 0xd0) /* CR, CC */
				return APP_PROBE_NO;
			if (len > n - p)
				return APP_PROBE_NEED_MORE;
			p += len;
			continue;
		}
		uint32_t off = p + 5u + li; /* within the TPKT (li + 5 <= len) */
		bool whole = len <= n - p;
		if (whole && bare_mms(d + off, p + len - off))
			return APP_PROBE_MATCH;
		if (len - 5u - li < 4)
			return whole ? APP_PROBE_NO : APP_PROBE_NEED_MORE;
		if (off > n || n - off < 4)
			return APP_PROBE_NEED_MORE;
		uint8_t si = d[off];
		if (si == SPDU_CN || si == SPDU_AC)
			return APP_PROBE_MATCH;
		/* GIVE TOKENS + DATA: 01 00 01 00 then presentation user data */
		if (si == SPDU_GT_DT && d[off + 1] == 0 && d[off + 2] == SPDU_GT_DT &&
		    d[off + 3] == 0)
			return APP_PROBE_MATCH;
		return APP_PROBE_NO;
	}
	return n == p ? APP_PROBE_NEED_MORE : (d[p] == 3 ? APP_PROBE_NEED_MORE : APP_PROBE_NO);
}

/* ------------------------------------------------------------ state */

struct mms_state *mms_state_new(void)
{
	struct mms_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->acse_ctx = -1;
	s->mms_ctx = -1;
	return s;
}

void mms_state_free(struct mms_state *s)
{
	if (s == NULL)
		return;
	for (int d = 0; d < 2; d++) {
		buf_free(&s->dir[d].tpkt);
		buf_free(&s->dir[d].tsdu);
	}
	for (size_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s);
}

uint64_t mms_tx_count(const struct mms_state *s)
{
	return s->next_tx_id;
}

const struct mms_tx *mms_tx_get(const struct mms_state *s, uint64_t tx_id)
{
	for (size_t i = 0; i < s->n_txs; i++)
		if (s->txs[i]->tx_id == tx_id)
			return s->txs[i];
	return NULL;
}

size_t mms_tx_live(const struct mms_state *s)
{
	return s->n_txs;
}

size_t mms_state_memuse(const struct mms_state *s)
{
	return s->mem;
}

void mms_tx_release_upto(struct mms_state *s, uint64_t tx_id)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n_txs; i++) {
		if (s->txs[i]->tx_id < tx_id) {
			s->mem -= tx_mem(s->txs[i]);
			tx_free(s->txs[i]);
		} else
			s->txs[k++] = s->txs[i];
	}
	s->n_txs = k;
}

bool mms_tx_has_event(const struct mms_tx *tx, enum mms_event ev)
{
	return (unsigned)ev < MMS_EV_COUNT && (tx->events & (1u << ev));
}

static const char *const event_names[MMS_EV_COUNT] = {
    [MMS_EV_INVALID_FRAMING] = "invalid_framing",
    [MMS_EV_INVALID_PDU] = "invalid_pdu",
    [MMS_EV_UNSOLICITED_RESPONSE] = "unsolicited_response",
    [MMS_EV_TOO_MANY_TRANSACTIONS] = "too_many_transactions",
};

const char *mms_event_name(enum mms_event ev)
{
	return (unsigned)ev < MMS_EV_COUNT ? event_names[ev] : NULL;
}

const struct mms_msg *mms_tx_msg(const struct mms_tx *tx, enum app_dir dir)
{
	if (tx->request != NULL && tx->request->dir == dir)
		return tx->request;
	if (tx->response != NULL && tx->response->dir == dir)
		return tx->response;
	return NULL;
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	if (!in->tcp)
		return APP_PROBE_NO;
	return mms_probe(d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	return mms_state_new();
}

static void d_state_free(void *st)
{
	mms_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return mms_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return mms_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return mms_tx_get(st, id);
}

/* A side is ready once its PDU is there; an open request waits for its
 * response; an event-only transaction is inspected on its direction. */
static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	const struct mms_tx *tx = vtx;
	if (tx->event_only)
		return dir == tx->event_dir ? APP_SIDE_READY : APP_SIDE_NONE;
	if (mms_tx_msg(tx, dir) != NULL)
		return APP_SIDE_READY;
	/* the answer of an open request travels the other way */
	if (tx->request == NULL || tx->request->dir == dir || tx->done || eof)
		return APP_SIDE_NONE;
	return APP_SIDE_PENDING;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	const struct mms_tx *tx = vtx;
	if (tx->request == NULL && tx->response == NULL)
		return APP_LOG_SKIP;
	return flow_end || tx->done ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	mms_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *tx, int ev)
{
	return mms_tx_has_event(tx, (enum mms_event)ev);
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	mms_tx_log_json(j, tx);
}

const struct app_protocol app_mms = {
    .name = "mms",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "102",
    .probe = d_probe,
    .probe_port = d_probe,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = event_names,
    .n_events = MMS_EV_COUNT,
    .events_upper = false,
    .tx_has_event = d_tx_has_event,
    .eve_type = "mms",
    .log_json = d_log_json,
};
