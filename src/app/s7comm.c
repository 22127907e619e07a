/*
 * s7comm.c — the S7comm parser: TPKT framing across segments, COTP TPDUs
 * and the reassembly of COTP data, the S7comm header, parameters and
 * items, S7comm-plus detection, transactions, the probe and the protocol
 * descriptor.  Names and the EVE writer are s7comm-log.c; what is decoded
 * and the bounds are in s7comm.h.
 *
 * Every TPKT is handed to tpkt_parse() whole (from the chunk or from the
 * direction's buffer) and every read of it goes through a struct rd, a
 * window of the bytes it may read: a TPKT's own length, a COTP length
 * indicator, an S7comm parameter or data length.  A read that does not
 * fit fails the window; nothing past a parse call's length is read.
 */
#include "app/s7comm.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct s7_dir {
	uint8_t *buf; /* a partial TPKT */
	uint32_t len, cap;
	uint8_t *pdu; /* COTP data of non-final TPDUs */
	uint32_t pdu_len, pdu_cap;
	bool pdu_over; /* reassembly passed S7COMM_MAX_PDU: drop until EOT */
	bool lost;     /* after a gap or a bad TPKT: look for 03 00 */
};

struct s7comm_state {
	struct s7_dir dir[2];
	struct s7comm_tx **txs; /* live, oldest first */
	size_t n_txs, cap_txs;
	uint64_t next_tx_id;
	uint64_t truncated;
};

/* ------------------------------------------------------------ reading */

struct rd {
	const uint8_t *d;
	uint32_t pos, end;
	bool bad;
};

static struct rd rd_make(const uint8_t *d, uint32_t n)
{
	return (struct rd){d, 0, n, false};
}

static bool rd_has(struct rd *r, uint32_t n)
{
	if (r->bad || r->end - r->pos < n) {
		r->bad = true;
		return false;
	}
	return true;
}

static uint8_t rd_u8(struct rd *r)
{
	return rd_has(r, 1) ? r->d[r->pos++] : 0;
}

static uint16_t rd_be16(struct rd *r)
{
	if (!rd_has(r, 2))
		return 0;
	uint16_t v = (uint16_t)((r->d[r->pos] << 8) | r->d[r->pos + 1]);
	r->pos += 2;
	return v;
}

static void rd_skip(struct rd *r, uint32_t n)
{
	if (rd_has(r, n))
		r->pos += n;
}

/* The next n bytes as a window of their own (consumed from r). */
static struct rd rd_sub(struct rd *r, uint32_t n)
{
	struct rd s = {r->d, r->pos, r->pos, true};
	if (!rd_has(r, n))
		return s;
	s.end = r->pos + n;
	s.bad = false;
	r->pos += n;
	return s;
}

/* A length-prefixed name (one length byte), kept up to S7COMM_NAME_MAX. */
static void rd_name(struct rd *r, uint8_t len, struct s7_msg *m)
{
	if (!rd_has(r, len))
		return;
	m->name_len = len < S7COMM_NAME_MAX ? len : S7COMM_NAME_MAX;
	memcpy(m->name, r->d + r->pos, m->name_len);
	r->pos += len;
}

/* PLC control's parameter block, kept up to S7COMM_NAME_MAX bytes. */
static void plc_control_block(struct rd *r, uint16_t len, struct s7_msg *m)
{
	if (!rd_has(r, len))
		return;
	m->pi_param_len = len < S7COMM_NAME_MAX ? (uint8_t)len : S7COMM_NAME_MAX;
	memcpy(m->pi_param, r->d + r->pos, m->pi_param_len);
	r->pos += len;
}

/* ------------------------------------------------------------ S7comm */

struct parse_out {
	uint8_t events;
	uint64_t truncated;
};

static void ev(struct parse_out *o, enum s7_event e)
{
	o->events |= (uint8_t)(1u << e);
}

/* Request items: 0x12, a length, the syntax id and, for S7ANY, the
 * address (transport size, length, DB, area, 24-bit bit address). */
static void items_parse(struct rd *p, struct s7_msg *m, struct parse_out *o)
{
	for (uint8_t i = 0; i < m->item_count; i++) {
		rd_u8(p); /* variable specification, 0x12 */
		uint8_t len = rd_u8(p);
		struct rd it = rd_sub(p, len);
		if (p->bad) {
			ev(o, S7_EV_INVALID_LENGTH);
			return;
		}
		if (m->n_items >= S7COMM_MAX_ITEMS) {
			o->truncated++;
			continue;
		}
		struct s7_item *x = &m->items[m->n_items++];
		x->syntax_id = rd_u8(&it);
		if (x->syntax_id != 0x10 || len < 10)
			continue;
		x->transport_size = rd_u8(&it);
		x->length = rd_be16(&it);
		x->db = rd_be16(&it);
		x->area = rd_u8(&it);
		uint32_t hi = rd_u8(&it);
		x->address = (hi << 16) | rd_be16(&it);
	}
}

/* Data items of a read var response (and write var request): return
 * code, transport size, length (bits for sizes 3, 4 and 5), data, a fill
 * byte after an odd length but the last. */
static void data_items_parse(struct rd *d, struct s7_msg *m, struct parse_out *o)
{
	for (uint8_t i = 0; i < m->item_count; i++) {
		uint8_t rc = rd_u8(d);
		uint8_t ts = rd_u8(d);
		uint32_t len = rd_be16(d);
		if (d->bad) {
			ev(o, S7_EV_INVALID_LENGTH);
			return;
		}
		if (ts == 3 || ts == 4 || ts == 5)
			len = (len + 7) / 8;
		if (m->n_rc < S7COMM_MAX_ITEMS)
			m->return_codes[m->n_rc++] = rc;
		else
			o->truncated++;
		if (len % 2 == 1 && i + 1 < m->item_count)
			len++;
		if (d->end - d->pos < len) {
			if (i + 1 < m->item_count)
				ev(o, S7_EV_INVALID_LENGTH);
			return;
		}
		d->pos += len;
	}
}

static void userdata_parse(struct rd *p, struct s7_msg *m, struct parse_out *o)
{
	rd_skip(p, 3); /* parameter head 00 01 12 */
	rd_u8(p);      /* parameter length */
	m->ud_method = rd_u8(p);
	uint8_t tg = rd_u8(p);
	m->ud_subfunc = rd_u8(p);
	m->ud_seq = rd_u8(p);
	if (p->bad) {
		ev(o, S7_EV_INVALID_LENGTH);
		return;
	}
	m->has_userdata = true;
	m->ud_type = tg >> 4;
	m->ud_group = tg & 0x0f;
}

/* A job's (or ack_data's) parameters after the function byte. */
static void function_parse(struct rd *p, struct rd *d, struct s7_msg *m, struct parse_out *o)
{
	bool job = m->rosctr == S7_ROSCTR_JOB;
	switch (m->function) {
	case S7_FUNC_SETUP:
		rd_u8(p);
		m->amq_calling = rd_be16(p);
		m->amq_called = rd_be16(p);
		m->pdu_length = rd_be16(p);
		break;
	case S7_FUNC_READ_VAR:
	case S7_FUNC_WRITE_VAR:
		m->item_count = rd_u8(p);
		if (job)
			items_parse(p, m, o);
		if (job ? m->function == S7_FUNC_WRITE_VAR : m->function == S7_FUNC_READ_VAR) {
			data_items_parse(d, m, o);
		} else if (!job) { /* write var response: one return code per item */
			for (uint8_t i = 0; i < m->item_count && rd_has(d, 1); i++) {
				uint8_t rc = rd_u8(d);
				if (m->n_rc < S7COMM_MAX_ITEMS)
					m->return_codes[m->n_rc++] = rc;
				else
					o->truncated++;
			}
		}
		break;
	case S7_FUNC_REQ_DOWNLOAD:
	case S7_FUNC_DOWNLOAD_BLOCK:
	case S7_FUNC_DOWNLOAD_ENDED:
	case S7_FUNC_START_UPLOAD:
	case S7_FUNC_END_UPLOAD:
		if (!job || m->function == S7_FUNC_END_UPLOAD)
			break;
		rd_skip(p, 7); /* status, 2 unknown, 4 unknown / upload id */
		rd_name(p, rd_u8(p), m);
		break;
	case S7_FUNC_PLC_CONTROL:
		if (!job)
			break;
		rd_skip(p, 7);
		plc_control_block(p, rd_be16(p), m);
		rd_name(p, rd_u8(p), m);
		break;
	case S7_FUNC_PLC_STOP:
		if (!job)
			break;
		rd_skip(p, 5);
		rd_name(p, rd_u8(p), m);
		break;
	default: break;
	}
}

/* Header: 0x32, ROSCTR, redundancy id, PDU reference, parameter and
 * data lengths, and for ack / ack_data the error class and code. */
static void s7_parse(struct rd *r, struct s7_msg *m, struct parse_out *o)
{
	rd_u8(r);
	m->rosctr = rd_u8(r);
	rd_skip(r, 2);
	m->pdu_ref = rd_be16(r);
	m->param_len = rd_be16(r);
	m->data_len = rd_be16(r);
	bool known = m->rosctr == S7_ROSCTR_JOB || m->rosctr == S7_ROSCTR_ACK ||
		     m->rosctr == S7_ROSCTR_ACK_DATA || m->rosctr == S7_ROSCTR_USERDATA;
	if (m->rosctr == S7_ROSCTR_ACK || m->rosctr == S7_ROSCTR_ACK_DATA) {
		m->err_class = rd_u8(r);
		m->err_code = rd_u8(r);
		m->has_error = !r->bad;
	}
	if (r->bad || !known) {
		ev(o, S7_EV_INVALID_HEADER);
		return;
	}
	/* what is there of the parameters and data is decoded even when the
	 * lengths pass the PDU's end */
	uint32_t avail = r->end - r->pos;
	uint32_t plen = m->param_len < avail ? m->param_len : avail;
	uint32_t dlen = m->data_len < avail - plen ? m->data_len : avail - plen;
	if ((uint32_t)m->param_len + m->data_len > avail)
		ev(o, S7_EV_INVALID_LENGTH);
	struct rd p = {r->d, r->pos, r->pos + plen, false};
	struct rd d = {r->d, r->pos + plen, r->pos + plen + dlen, false};
	if (m->param_len == 0)
		return;
	if (m->rosctr == S7_ROSCTR_USERDATA) {
		userdata_parse(&p, m, o);
		return;
	}
	m->function = rd_u8(&p);
	m->has_function = !p.bad;
	if (m->has_function)
		function_parse(&p, &d, m, o);
	if (p.bad)
		ev(o, S7_EV_INVALID_LENGTH);
}

/* S7comm-plus: 0x72, version, data length; V3 an integrity part (digest
 * length 0x20 and the digest) first; then opcode, 2 reserved, function,
 * 2 reserved, sequence number (requests and responses). */
static void plus_parse(struct rd *r, struct s7_plus *x)
{
	rd_u8(r);
	x->version = rd_u8(r);
	rd_skip(r, 2);
	if (x->version == 0x03 && r->end - r->pos > 33 && r->d[r->pos] == 0x20)
		r->pos += 33;
	if (x->version == 0xfe || r->bad)
		return; /* keep-alive */
	x->opcode = rd_u8(r);
	x->has_opcode = !r->bad;
	if (x->opcode == 0x31 || x->opcode == 0x32) {
		rd_skip(r, 2);
		uint16_t f = rd_be16(r);
		rd_skip(r, 2);
		uint16_t seq = rd_be16(r);
		if (!r->bad) {
			x->function = f;
			x->seq = seq;
		}
	}
}

/* ------------------------------------------------------------ transactions */

static void tx_free(struct s7comm_tx *tx)
{
	if (tx == NULL)
		return;
	free(tx->request);
	free(tx->response);
	free(tx);
}

static struct s7comm_tx *tx_new(struct s7comm_state *s)
{
	if (s->n_txs >= S7COMM_MAX_TX) {
		for (size_t i = 0; i < s->n_txs; i++)
			s->txs[i]->done = true;
		if (s->n_txs > 0)
			s->txs[s->n_txs - 1]->events |= 1u << S7_EV_TOO_MANY_TRANSACTIONS;
		return NULL;
	}
	if (s->n_txs == s->cap_txs) {
		size_t cap = s->cap_txs ? s->cap_txs * 2 : 16;
		struct s7comm_tx **t = realloc(s->txs, cap * sizeof(*t));
		if (t == NULL)
			return NULL;
		s->txs = t;
		s->cap_txs = cap;
	}
	struct s7comm_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->tx_id = s->next_tx_id++;
	s->txs[s->n_txs++] = tx;
	return tx;
}

/* Whether a PDU opens a transaction that a later one answers. */
static bool pdu_is_request(const struct s7_pdu *p)
{
	switch (p->kind) {
	case S7_PDU_COTP: return p->cotp.type == COTP_CR;
	case S7_PDU_PLUS: return p->plus.has_opcode && p->plus.opcode == 0x31;
	default:
		if (p->s7.rosctr == S7_ROSCTR_JOB)
			return true;
		return p->s7.rosctr == S7_ROSCTR_USERDATA && p->s7.has_userdata &&
		       p->s7.ud_type == 4;
	}
}

/* Whether response p answers request q. */
static bool pdu_answers(const struct s7_pdu *p, const struct s7_pdu *q)
{
	if (p->kind != q->kind)
		return false;
	switch (p->kind) {
	case S7_PDU_COTP: return p->cotp.type == COTP_CC;
	case S7_PDU_PLUS:
		return p->plus.has_opcode && p->plus.opcode == 0x32 && p->plus.seq == q->plus.seq;
	default:
		if (p->s7.pdu_ref != q->s7.pdu_ref)
			return false;
		if (q->s7.rosctr == S7_ROSCTR_JOB)
			return p->s7.rosctr == S7_ROSCTR_ACK || p->s7.rosctr == S7_ROSCTR_ACK_DATA;
		return p->s7.rosctr == S7_ROSCTR_USERDATA && p->s7.has_userdata &&
		       p->s7.ud_type == 8;
	}
}

/* The class of a request: connection, S7comm-plus, job, userdata. */
static int request_class(const struct s7_pdu *p)
{
	if (p->kind != S7_PDU_S7)
		return p->kind;
	return p->s7.rosctr == S7_ROSCTR_JOB ? 3 : 4;
}

/*
 * Files a decoded PDU: a request opens a transaction, a response goes to
 * the oldest open request it answers, anything else stands alone.  Open
 * requests of the same class older than the one answered are closed (as
 * Suricata closes the requests its ENIP responses pass over): an
 * unanswered job must not hold back the inspection of every later
 * response until the flow ends.
 */
static void pdu_file(struct s7comm_state *s, enum app_dir dir, struct s7_pdu *p,
		     const struct parse_out *o)
{
	s->truncated += o->truncated;
	if (!pdu_is_request(p)) {
		for (size_t i = 0; i < s->n_txs; i++) {
			struct s7comm_tx *tx = s->txs[i];
			if (tx->done || tx->response != NULL || tx->request == NULL ||
			    !pdu_answers(p, tx->request))
				continue;
			tx->response = p;
			tx->events |= o->events;
			for (size_t k = 0; k < i; k++)
				if (s->txs[k]->request != NULL &&
				    request_class(s->txs[k]->request) == request_class(tx->request))
					s->txs[k]->done = true;
			return;
		}
	}
	struct s7comm_tx *tx = tx_new(s);
	if (tx == NULL) {
		free(p);
		return;
	}
	tx->events = o->events;
	if (pdu_is_request(p) || (dir == APP_TOSERVER && p->kind != S7_PDU_COTP))
		tx->request = p;
	else
		tx->response = p;
	if (tx->response != NULL || !pdu_is_request(p))
		tx->done = true;
}

/* An event with no PDU to carry it: a transaction of its own. */
static void event_tx(struct s7comm_state *s, enum s7_event e)
{
	struct s7comm_tx *tx = tx_new(s);
	if (tx != NULL) {
		tx->events |= (uint8_t)(1u << e);
		tx->done = true;
	}
}

/* ------------------------------------------------------------ COTP */

/* COTP data complete (EOT): what it carries. */
static void cotp_data(struct s7comm_state *s, enum app_dir dir, const struct s7_cotp *c,
		      const uint8_t *d, uint32_t n)
{
	if (n == 0 || (d[0] != 0x32 && d[0] != 0x72))
		return; /* not S7: nothing decoded */
	struct s7_pdu *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return;
	p->cotp = *c;
	struct parse_out o = {0};
	struct rd r = rd_make(d, n);
	if (d[0] == 0x32) {
		p->kind = S7_PDU_S7;
		s7_parse(&r, &p->s7, &o);
	} else {
		p->kind = S7_PDU_PLUS;
		plus_parse(&r, &p->plus);
	}
	pdu_file(s, dir, p, &o);
}

/* CR / CC: references, class, then parameters (code, length, value). */
static void cotp_conn_parse(struct rd *r, struct s7_cotp *c)
{
	c->dst_ref = rd_be16(r);
	c->src_ref = rd_be16(r);
	c->class_opt = rd_u8(r);
	while (!r->bad && r->pos < r->end) {
		uint8_t code = rd_u8(r), len = rd_u8(r);
		struct rd v = rd_sub(r, len);
		if (v.bad)
			return;
		uint8_t keep = len < 16 ? len : 16;
		if (code == 0xc1) {
			memcpy(c->src_tsap, v.d + v.pos, keep);
			c->src_tsap_len = keep;
		} else if (code == 0xc2) {
			memcpy(c->dst_tsap, v.d + v.pos, keep);
			c->dst_tsap_len = keep;
		} else if (code == 0xc0 && len >= 1) {
			c->tpdu_size = v.d[v.pos];
		}
	}
}

static void pdu_append(struct s7_dir *sd, const uint8_t *d, uint32_t n)
{
	if (sd->pdu_over || n == 0)
		return;
	if (S7COMM_MAX_PDU - sd->pdu_len < n) {
		sd->pdu_over = true;
		return;
	}
	if (sd->pdu_len + n > sd->pdu_cap) {
		uint32_t cap = sd->pdu_cap ? sd->pdu_cap : 1024;
		while (cap < sd->pdu_len + n)
			cap *= 2;
		uint8_t *b = realloc(sd->pdu, cap);
		if (b == NULL) {
			sd->pdu_over = true;
			return;
		}
		sd->pdu = b;
		sd->pdu_cap = cap;
	}
	memcpy(sd->pdu + sd->pdu_len, d, n);
	sd->pdu_len += n;
}

/* One whole TPKT (version 3, total length n >= 7). */
static void tpkt_parse(struct s7comm_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct rd r = rd_make(d, n);
	rd_skip(&r, 4);
	uint8_t li = rd_u8(&r);
	struct rd c = rd_sub(&r, li);
	if (c.bad || li < 2) {
		event_tx(s, S7_EV_INVALID_COTP);
		return;
	}
	struct s7_cotp cotp = {0};
	uint8_t type = rd_u8(&c);
	cotp.type = (type & 0xf0) == COTP_CR || (type & 0xf0) == COTP_CC ? (type & 0xf0) : type;
	struct s7_dir *sd = &s->dir[dir];
	if (cotp.type == COTP_DT) {
		bool eot = (rd_u8(&c) & 0x80) != 0;
		if (eot && sd->pdu_len == 0 && !sd->pdu_over) {
			cotp_data(s, dir, &cotp, r.d + r.pos, r.end - r.pos);
			return;
		}
		pdu_append(sd, r.d + r.pos, r.end - r.pos);
		if (!eot)
			return;
		if (sd->pdu_over)
			event_tx(s, S7_EV_PDU_TOO_LONG);
		else
			cotp_data(s, dir, &cotp, sd->pdu, sd->pdu_len);
		sd->pdu_len = 0;
		sd->pdu_over = false;
		return;
	}
	struct s7_pdu *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return;
	if (cotp.type == COTP_CR || cotp.type == COTP_CC)
		cotp_conn_parse(&c, &cotp);
	else if (cotp.type == COTP_DR || cotp.type == COTP_DC)
		cotp.dst_ref = rd_be16(&c), cotp.src_ref = rd_be16(&c);
	p->kind = S7_PDU_COTP;
	p->cotp = cotp;
	struct parse_out o = {0};
	pdu_file(s, dir, p, &o);
}

/* ------------------------------------------------------------ framing */

static uint32_t tpkt_len(const uint8_t *d)
{
	return (uint32_t)(d[2] << 8) | d[3];
}

static bool tpkt_ok(const uint8_t *d)
{
	return d[0] == 3 && d[1] == 0 && tpkt_len(d) >= 7;
}

static bool buf_append(struct s7_dir *sd, const uint8_t *d, uint32_t n)
{
	if (n == 0)
		return true;
	if (sd->len + n > sd->cap) {
		uint32_t cap = sd->cap ? sd->cap : 512;
		while (cap < sd->len + n)
			cap *= 2;
		uint8_t *b = realloc(sd->buf, cap);
		if (b == NULL)
			return false;
		sd->buf = b;
		sd->cap = cap;
	}
	memcpy(sd->buf + sd->len, d, n);
	sd->len += n;
	return true;
}

/* Skips to the next "03 00" (kept when it is the last byte's "03"). */
static uint32_t resync(const uint8_t *d, uint32_t n, uint32_t pos)
{
	for (; pos < n; pos++)
		if (d[pos] == 3 && (pos + 1 == n || d[pos + 1] == 0))
			return pos;
	return n;
}

enum app_parse_result s7comm_parse(struct s7comm_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags)
{
	if (s == NULL || (dir != APP_TOSERVER && dir != APP_TOCLIENT))
		return APP_PARSE_ERROR;
	struct s7_dir *sd = &s->dir[dir];
	if (flags & APP_CHUNK_GAP) {
		sd->len = 0;
		sd->pdu_len = 0;
		sd->pdu_over = false;
		sd->lost = true;
	}
	uint32_t pos = 0;
	while (pos < n) {
		if (sd->lost) {
			pos = resync(d, n, pos);
			if (pos == n)
				break;
			sd->lost = false;
		}
		if (sd->len > 0 || n - pos < 4) {
			/* the header first, then the rest of the buffered TPKT */
			uint32_t want = sd->len < 4 ? 4 - sd->len : tpkt_len(sd->buf) - sd->len;
			uint32_t k = want < n - pos ? want : n - pos;
			if (!buf_append(sd, d + pos, k))
				return APP_PARSE_ERROR;
			pos += k;
			if (sd->len < 4)
				break;
			if (!tpkt_ok(sd->buf)) {
				sd->len = 0;
				sd->lost = true;
				event_tx(s, S7_EV_INVALID_TPKT);
				continue;
			}
			if (sd->len < tpkt_len(sd->buf))
				continue;
			tpkt_parse(s, dir, sd->buf, sd->len);
			sd->len = 0;
			continue;
		}
		if (!tpkt_ok(d + pos)) {
			sd->lost = true;
			event_tx(s, S7_EV_INVALID_TPKT);
			pos++;
			continue;
		}
		uint32_t total = tpkt_len(d + pos);
		if (total > n - pos) {
			if (!buf_append(sd, d + pos, n - pos))
				return APP_PARSE_ERROR;
			break;
		}
		tpkt_parse(s, dir, d + pos, total);
		pos += total;
	}
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ probe */

enum app_probe_result s7comm_probe(const uint8_t *d, uint32_t n)
{
	uint32_t pos = 0;
	while (pos < n) {
		if (n - pos < 4)
			return APP_PROBE_NEED_MORE;
		if (!tpkt_ok(d + pos))
			return APP_PROBE_NO;
		uint32_t total = tpkt_len(d + pos);
		if (n - pos < 7)
			return APP_PROBE_NEED_MORE;
		uint8_t li = d[pos + 4], type = d[pos + 5] & 0xf0;
		if (li < 2 || li + 5u > total)
			return APP_PROBE_NO;
		if (type == COTP_DT) {
			if (total == 7) { /* empty data */
				pos += total;
				continue;
			}
			if (n - pos < 9)
				return APP_PROBE_NEED_MORE;
			uint8_t id = d[pos + 7], ros = d[pos + 8];
			if (id == 0x72)
				return APP_PROBE_MATCH;
			return id == 0x32 && (ros == 1 || ros == 2 || ros == 3 || ros == 7)
				   ? APP_PROBE_MATCH
				   : APP_PROBE_NO;
		}
		if (type != COTP_CR && type != COTP_CC)
			return APP_PROBE_NO;
		pos += total; /* the connection says nothing of what follows */
	}
	return APP_PROBE_NEED_MORE;
}

/* ------------------------------------------------------------ state */

struct s7comm_state *s7comm_state_new(void)
{
	return calloc(1, sizeof(struct s7comm_state));
}

void s7comm_state_free(struct s7comm_state *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	for (int i = 0; i < 2; i++) {
		free(s->dir[i].buf);
		free(s->dir[i].pdu);
	}
	free(s);
}

uint64_t s7comm_tx_count(const struct s7comm_state *s)
{
	return s->next_tx_id;
}

const struct s7comm_tx *s7comm_tx_get(const struct s7comm_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct s7comm_tx, tx_id));
}

void s7comm_tx_release_upto(struct s7comm_state *s, uint64_t id)
{
	size_t k = 0;
	while (k < s->n_txs && s->txs[k]->tx_id < id)
		tx_free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
		s->n_txs -= k;
	}
}

uint64_t s7comm_state_truncated(const struct s7comm_state *s)
{
	return s->truncated;
}

bool s7comm_tx_has_event(const struct s7comm_tx *tx, enum s7_event e)
{
	return (unsigned)e < S7_EV_COUNT && (tx->events & (1u << e));
}

static const char *const event_names[S7_EV_COUNT] = {
    [S7_EV_INVALID_TPKT] = "invalid_tpkt",
    [S7_EV_INVALID_COTP] = "invalid_cotp",
    [S7_EV_INVALID_HEADER] = "invalid_header",
    [S7_EV_INVALID_LENGTH] = "invalid_length",
    [S7_EV_PDU_TOO_LONG] = "pdu_too_long",
    [S7_EV_TOO_MANY_TRANSACTIONS] = "too_many_transactions",
};

const char *s7comm_event_name(enum s7_event e)
{
	return (unsigned)e < S7_EV_COUNT ? event_names[e] : NULL;
}

const struct s7_pdu *s7comm_tx_pdu(const struct s7comm_tx *tx, enum app_dir dir)
{
	return dir == APP_TOSERVER ? tx->request : tx->response;
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	return s7comm_probe(d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	return s7comm_state_new();
}

static void d_state_free(void *st)
{
	s7comm_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return s7comm_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return s7comm_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return s7comm_tx_get(st, id);
}

/* A side is complete once its PDU is there; an open request waits for
 * its response until it is closed or the flow ends. */
static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	const struct s7comm_tx *tx = vtx;
	if (dir == APP_TOSERVER)
		return tx->request != NULL ? APP_SIDE_READY : APP_SIDE_NONE;
	if (tx->response != NULL)
		return APP_SIDE_READY;
	return tx->done || eof ? APP_SIDE_NONE : APP_SIDE_PENDING;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	const struct s7comm_tx *tx = vtx;
	return flow_end || tx->done || tx->response != NULL ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	s7comm_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *tx, int e)
{
	return s7comm_tx_has_event(tx, (enum s7_event)e);
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	s7comm_tx_log_json(j, tx);
}

const struct app_protocol app_s7comm = {
    .name = "s7comm",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "102",
    .probe = NULL, /* TPKT/COTP is shared with MMS and others: port only */
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
    .n_events = S7_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "s7comm",
    .log_json = d_log_json,
};
