/*
 * enip.c — the EtherNet/IP parser: header, CPF items, CIP messages,
 * TCP framing, transactions, the probe and the protocol descriptor.  The
 * EVE writer and the name tables are enip-log.c.
 *
 * Every read goes through a struct rd, a window [pos, end) of the bytes
 * handed in: a PDU's payload is the header's length, an item's data its
 * length, a path its word count; a read that does not fit fails the
 * window and, with it, the payload (the PDU is then "invalid", as
 * Suricata's streaming parsers make it).  Behaviour on odd input follows
 * Suricata 8 (rust/src/enip/parser.rs, enip.rs); see enip.h for the rules
 * on transactions, framing and bounds.
 */
#include "app/enip.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/config.h"

struct enip_buf {
	uint8_t *buf;
	uint32_t len, cap;
};

struct enip_state {
	bool tcp;
	bool gap[2];
	struct enip_buf tbuf[2];
	struct enip_tx **txs; /* live, oldest first */
	size_t n_txs, cap_txs;
	uint64_t next_tx_id;
	uint32_t max_tx;
	size_t mem;
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
	if (!rd_has(r, 1))
		return 0;
	return r->d[r->pos++];
}

static uint16_t rd_u16(struct rd *r)
{
	if (!rd_has(r, 2))
		return 0;
	uint16_t v = (uint16_t)(r->d[r->pos] | (r->d[r->pos + 1] << 8));
	r->pos += 2;
	return v;
}

static uint32_t rd_u32(struct rd *r)
{
	if (!rd_has(r, 4))
		return 0;
	const uint8_t *p = r->d + r->pos;
	r->pos += 4;
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* A sub-window of the next n bytes (consumed from r). */
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

static bool rd_skip(struct rd *r, uint32_t n)
{
	if (!rd_has(r, n))
		return false;
	r->pos += n;
	return true;
}

static void header_read(const uint8_t *d, struct enip_header *h)
{
	struct rd r = rd_make(d, ENIP_HEADER_LEN);
	h->cmd = rd_u16(&r);
	h->len = rd_u16(&r);
	h->session = rd_u32(&r);
	h->status = rd_u32(&r);
	uint32_t lo = rd_u32(&r), hi = rd_u32(&r);
	h->context = ((uint64_t)hi << 32) | lo;
	h->options = rd_u32(&r);
}

/* ------------------------------------------------------------ CIP */

static void cip_free(struct enip_cip *c)
{
	for (uint16_t i = 0; i < c->n_multi; i++)
		cip_free(&c->multi[i]);
	free(c->multi);
	free(c->path);
	free(c->attrs);
	free(c->ext);
	memset(c, 0, sizeof(*c));
}

/* What a message keeps, for the state's memcap and the caps' counter. */
struct cip_ctx {
	size_t mem;
	uint64_t truncated;
	bool oom;
};

static void *cip_alloc(struct cip_ctx *cx, size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		cx->oom = true;
	else
		cx->mem += n;
	return p;
}

/* Logical segments only; the value is 8, 16 or 32 bits (the wider ones
 * after a pad byte); a path cut inside a segment is an error. */
static bool parse_path(struct rd *r, struct enip_cip *c, struct cip_ctx *cx)
{
	uint8_t words = rd_u8(r);
	struct rd p = rd_sub(r, 2u * words);
	if (p.bad)
		return false;
	if (words > 0) {
		uint32_t keep = words < ENIP_MAX_PATH_SEGMENTS ? words : ENIP_MAX_PATH_SEGMENTS;
		c->path = cip_alloc(cx, keep * sizeof(*c->path));
		if (c->path == NULL)
			return false;
	}
	while (p.pos < p.end) {
		uint8_t type = rd_u8(&p);
		if (type >> 5 != 1)
			return false;
		uint32_t v;
		switch (type & 3) {
		case 0: v = rd_u8(&p); break;
		case 1:
			rd_skip(&p, 1);
			v = rd_u16(&p);
			break;
		case 2:
			rd_skip(&p, 1);
			v = rd_u32(&p);
			break;
		default: return false;
		}
		if (p.bad)
			return false;
		if (c->n_path < ENIP_MAX_PATH_SEGMENTS)
			c->path[c->n_path++] = (struct enip_segment){type, v};
		else
			cx->truncated++;
	}
	return true;
}

static bool parse_cip(struct rd *r, bool multi_ok, struct enip_cip *c, struct cip_ctx *cx);

/* Multiple Service Packet: a count, offsets from the count field, and a
 * message at each offset (which must fall inside the rest). */
static bool parse_multiple(struct rd *r, struct enip_cip *c, struct cip_ctx *cx)
{
	uint32_t start = r->pos, avail = r->end - r->pos;
	uint16_t n = rd_u16(r);
	if (!rd_has(r, 2u * n))
		return false;
	c->multiple = true;
	uint16_t keep = n < ENIP_MAX_MULTI ? n : ENIP_MAX_MULTI;
	if (keep > 0) {
		c->multi = cip_alloc(cx, keep * sizeof(*c->multi));
		if (c->multi == NULL)
			return false;
		memset(c->multi, 0, keep * sizeof(*c->multi));
	}
	for (uint16_t i = 0; i < n; i++) {
		uint16_t off =
		    (uint16_t)(r->d[start + 2 + 2u * i] | (r->d[start + 3 + 2u * i] << 8));
		if (off >= avail)
			return false;
		struct rd m = {r->d, start + off, r->end, false};
		if (i < keep) {
			c->n_multi++;
			if (!parse_cip(&m, false, &c->multi[i], cx))
				return false;
		} else {
			struct enip_cip scratch = {0};
			struct cip_ctx sx = {0};
			bool ok = parse_cip(&m, false, &scratch, &sx);
			cip_free(&scratch);
			cx->truncated++;
			if (!ok || sx.oom)
				return false;
		}
	}
	return true;
}

static bool parse_request(struct rd *r, bool multi_ok, struct enip_cip *c, struct cip_ctx *cx)
{
	if (!parse_path(r, c, cx))
		return false;
	if (c->service == CIP_SVC_GET_ATTR_LIST) {
		uint16_t n = rd_u16(r);
		if (!rd_has(r, 2u * n))
			return false;
		c->req_payload = CIP_REQ_GET_ATTR_LIST;
		uint16_t keep = n < ENIP_MAX_ATTRS ? n : ENIP_MAX_ATTRS;
		if (keep > 0 && (c->attrs = cip_alloc(cx, keep * sizeof(*c->attrs))) == NULL)
			return false;
		for (uint16_t i = 0; i < n; i++) {
			uint16_t a = rd_u16(r);
			if (i < keep)
				c->attrs[c->n_attrs++] = a;
		}
		cx->truncated += n - keep;
	} else if (c->service == CIP_SVC_SET_ATTR_LIST) {
		uint16_t n = rd_u16(r);
		c->req_payload = CIP_REQ_SET_ATTR_LIST;
		if (n > 0) {
			c->first_attr = rd_u16(r);
			c->has_first_attr = true;
		}
	} else if (c->service == CIP_SVC_MULTIPLE && multi_ok) {
		c->req_payload = CIP_REQ_MULTIPLE;
		return parse_multiple(r, c, cx);
	}
	return !r->bad;
}

static bool parse_response(struct rd *r, bool multi_ok, struct enip_cip *c, struct cip_ctx *cx)
{
	rd_u8(r); /* reserved */
	c->status = rd_u8(r);
	uint8_t n = rd_u8(r);
	if (!rd_has(r, n))
		return false;
	if (n > 0) {
		if ((c->ext = cip_alloc(cx, n)) == NULL)
			return false;
		memcpy(c->ext, r->d + r->pos, n);
		c->ext_len = n;
		r->pos += n;
	}
	if (c->service == CIP_SVC_MULTIPLE && multi_ok)
		return parse_multiple(r, c, cx);
	return true;
}

/* One CIP message; multi_ok: a Multiple Service Packet's messages are
 * decoded (one level: not inside another one). */
static bool parse_cip(struct rd *r, bool multi_ok, struct enip_cip *c, struct cip_ctx *cx)
{
	uint8_t svc = rd_u8(r);
	if (r->bad)
		return false;
	c->service = svc & 0x7f;
	c->response = (svc & 0x80) != 0;
	bool ok =
	    c->response ? parse_response(r, multi_ok, c, cx) : parse_request(r, multi_ok, c, cx);
	return ok && !cx->oom;
}

/* ------------------------------------------------------------ CPF items */

static bool parse_identity(struct rd *r, struct enip_identity *id)
{
	id->protocol_version = rd_u16(r);
	rd_skip(r, 16); /* socket address */
	id->vendor_id = rd_u16(r);
	id->device_type = rd_u16(r);
	id->product_code = rd_u16(r);
	id->revision_major = rd_u8(r);
	id->revision_minor = rd_u8(r);
	id->status = rd_u16(r);
	id->serial = rd_u32(r);
	id->name_len = rd_u8(r);
	if (!rd_has(r, id->name_len))
		return false;
	memcpy(id->product_name, r->d + r->pos, id->name_len);
	r->pos += id->name_len;
	id->state = rd_u8(r);
	return !r->bad;
}

static bool parse_services(struct rd *r, struct enip_services *sv)
{
	sv->protocol_version = rd_u16(r);
	sv->capabilities = rd_u16(r);
	if (!rd_has(r, sizeof(sv->service_name)))
		return false;
	memcpy(sv->service_name, r->d + r->pos, sizeof(sv->service_name));
	r->pos += sizeof(sv->service_name);
	return true;
}

/* Item i of a PDU: decoded by type; the first data item's CIP message,
 * the first item's identity or services, the second item's type and
 * sequence number are kept. */
static bool parse_item(struct rd *r, uint16_t i, struct enip_pdu *pdu, struct cip_ctx *cx)
{
	uint16_t type = rd_u16(r);
	uint16_t len = rd_u16(r);
	struct rd d = rd_sub(r, len);
	if (d.bad)
		return false;
	if (i == 1)
		pdu->item1_type = type;
	switch (type) {
	case ENIP_ITEM_IDENTITY: {
		struct enip_identity id;
		if (!parse_identity(&d, &id))
			return false;
		if (i == 0) {
			pdu->identity = id;
			pdu->has_identity = true;
		}
		return true;
	}
	case ENIP_ITEM_SERVICES: {
		struct enip_services sv;
		if (!parse_services(&d, &sv))
			return false;
		if (i == 0) {
			pdu->services = sv;
			pdu->has_services = true;
		}
		return true;
	}
	case ENIP_ITEM_CONNECTED_DATA:
	case ENIP_ITEM_UNCONNECTED_DATA: {
		if (type == ENIP_ITEM_CONNECTED_DATA) {
			uint16_t seq = rd_u16(&d);
			if (d.bad)
				return false;
			if (i == 1)
				pdu->item1_seq = seq;
		}
		if (!pdu->has_cip) {
			pdu->has_cip = true;
			return parse_cip(&d, true, &pdu->cip, cx);
		}
		struct enip_cip scratch = {0};
		struct cip_ctx sx = {0};
		bool ok = parse_cip(&d, true, &scratch, &sx);
		cip_free(&scratch);
		return ok && !sx.oom;
	}
	default: return true;
	}
}

static bool parse_items(struct rd *r, struct enip_pdu *pdu, struct cip_ctx *cx)
{
	pdu->n_items = rd_u16(r);
	if (r->bad)
		return false;
	for (uint16_t i = 0; i < pdu->n_items; i++)
		if (!parse_item(r, i, pdu, cx))
			return false;
	return true;
}

static void pdu_clear_payload(struct enip_pdu *pdu)
{
	cip_free(&pdu->cip);
	pdu->has_cip = pdu->has_identity = pdu->has_services = false;
	pdu->n_items = pdu->item1_type = pdu->item1_seq = 0;
}

/* The payload of a whole PDU (header + h.len bytes at d). */
static void parse_payload(const uint8_t *d, struct enip_pdu *pdu, struct cip_ctx *cx)
{
	struct rd r = rd_make(d + ENIP_HEADER_LEN, pdu->h.len);
	enum enip_payload kind = ENIP_PL_NONE;
	bool ok = true;
	switch (pdu->h.cmd) {
	case ENIP_CMD_REGISTER_SESSION:
		pdu->rs_version = rd_u16(&r);
		pdu->rs_options = rd_u16(&r);
		ok = !r.bad;
		kind = ENIP_PL_REGISTER_SESSION;
		break;
	case ENIP_CMD_LIST_SERVICES:
	case ENIP_CMD_LIST_INTERFACES:
	case ENIP_CMD_LIST_IDENTITY:
		if (pdu->h.len == 0)
			return; /* a request: nothing follows */
		ok = parse_items(&r, pdu, cx);
		kind = pdu->h.cmd == ENIP_CMD_LIST_SERVICES	? ENIP_PL_LIST_SERVICES
		       : pdu->h.cmd == ENIP_CMD_LIST_INTERFACES ? ENIP_PL_LIST_INTERFACES
								: ENIP_PL_LIST_IDENTITY;
		break;
	case ENIP_CMD_SEND_RR_DATA:
	case ENIP_CMD_SEND_UNIT_DATA:
		rd_u32(&r); /* interface handle */
		rd_u16(&r); /* timeout */
		ok = !r.bad && parse_items(&r, pdu, cx);
		kind = ENIP_PL_CIP;
		break;
	default: return;
	}
	if (ok && !cx->oom) {
		pdu->payload = kind;
	} else {
		pdu_clear_payload(pdu);
		pdu->invalid = true;
	}
}

static void pdu_free(struct enip_pdu *pdu)
{
	if (pdu == NULL)
		return;
	cip_free(&pdu->cip);
	free(pdu);
}

/* A whole PDU at d (ENIP_HEADER_LEN + its length bytes). */
static struct enip_pdu *pdu_decode(const uint8_t *d, uint64_t *truncated)
{
	struct enip_pdu *pdu = calloc(1, sizeof(*pdu));
	if (pdu == NULL)
		return NULL;
	header_read(d, &pdu->h);
	struct cip_ctx cx = {0};
	parse_payload(d, pdu, &cx);
	pdu->mem = sizeof(*pdu) + cx.mem;
	*truncated += cx.truncated;
	return pdu;
}

/* ------------------------------------------------------------ probe */

static bool status_known(uint32_t st)
{
	return enip_status_name(st) != NULL;
}

static bool probe_bytes(const uint8_t *d, uint32_t n)
{
	if (n < ENIP_HEADER_LEN)
		return false;
	struct enip_header h;
	header_read(d, &h);
	if (!status_known(h.status) || enip_command_name(h.cmd) == NULL)
		return false;
	switch (h.cmd) {
	case ENIP_CMD_NOP: return h.options == 0;
	case ENIP_CMD_REGISTER_SESSION: return h.len == 4;
	case ENIP_CMD_UNREGISTER_SESSION: return h.len == 4 || h.len == 0;
	case ENIP_CMD_LIST_INTERFACES: {
		/* Suricata reads the list from everything after the header. */
		struct rd r = rd_make(d + ENIP_HEADER_LEN, n - ENIP_HEADER_LEN);
		uint16_t cnt = rd_u16(&r);
		return rd_has(&r, 2u * cnt);
	}
	default: return true;
	}
}

enum app_probe_result enip_probe(const uint8_t *d, uint32_t n, bool tcp)
{
	if (n < ENIP_HEADER_LEN)
		return tcp ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	return probe_bytes(d, n) ? APP_PROBE_MATCH : APP_PROBE_NO;
}

/* ------------------------------------------------------------ transactions */

struct enip_state *enip_state_new(bool tcp)
{
	struct enip_state *s = calloc(1, sizeof(*s));
	if (s != NULL) {
		s->tcp = tcp;
		s->max_tx = ENIP_MAX_TX;
	}
	return s;
}

static void tx_free(struct enip_tx *tx)
{
	pdu_free(tx->request);
	pdu_free(tx->response);
	free(tx);
}

void enip_state_free(struct enip_state *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s->tbuf[0].buf);
	free(s->tbuf[1].buf);
	free(s);
}

static size_t tx_mem(const struct enip_tx *tx)
{
	return sizeof(*tx) + (tx->request ? tx->request->mem : 0) +
	       (tx->response ? tx->response->mem : 0);
}

/* Suricata's response_matches_request. */
static bool response_matches(const struct enip_pdu *req, const struct enip_pdu *resp)
{
	if (req->h.cmd != resp->h.cmd)
		return false;
	if (req->h.session != resp->h.session && req->h.cmd != ENIP_CMD_REGISTER_SESSION)
		return false; /* the session handle is only known from the response */
	bool cip_req = req->payload == ENIP_PL_CIP, cip_resp = resp->payload == ENIP_PL_CIP;
	if (!cip_req)
		return !cip_resp;
	if (!cip_resp)
		return false;
	/* Connection ids differ per direction; the sequence number pairs. */
	if (req->n_items >= 2 && resp->n_items >= 2 &&
	    req->item1_type == ENIP_ITEM_CONNECTED_DATA &&
	    resp->item1_type == ENIP_ITEM_CONNECTED_DATA)
		return req->item1_seq == resp->item1_seq;
	return true;
}

/* The first open request the response answers; every open request looked
 * at on the way is closed. */
static struct enip_tx *find_request(struct enip_state *s, const struct enip_pdu *resp)
{
	for (size_t i = 0; i < s->n_txs; i++) {
		struct enip_tx *tx = s->txs[i];
		if (tx->request == NULL || tx->response != NULL)
			continue;
		tx->done = true;
		if (response_matches(tx->request, resp))
			return tx;
	}
	return NULL;
}

static void purge_flood(struct enip_state *s)
{
	for (size_t i = 0; i < s->n_txs; i++) {
		s->txs[i]->done = true;
		if (i == 0)
			s->txs[i]->events |= 1u << ENIP_EV_TOO_MANY_TRANSACTIONS;
	}
}

static bool push_tx(struct enip_state *s, struct enip_tx *tx)
{
	if (s->n_txs == s->cap_txs) {
		size_t cap = s->cap_txs ? s->cap_txs * 2 : 8;
		struct enip_tx **v = realloc(s->txs, cap * sizeof(*v));
		if (v == NULL)
			return false;
		s->txs = v;
		s->cap_txs = cap;
	}
	s->txs[s->n_txs++] = tx;
	return true;
}

/* Takes ownership of pdu. */
static void handle_pdu(struct enip_state *s, enum app_dir dir, struct enip_pdu *pdu)
{
	if (dir == APP_TOCLIENT) {
		struct enip_tx *tx = find_request(s, pdu);
		if (tx != NULL) {
			if (pdu->invalid)
				tx->events |= 1u << ENIP_EV_INVALID_PDU;
			tx->response = pdu;
			s->mem += pdu->mem;
			return;
		}
	}
	if (s->n_txs >= s->max_tx || s->mem + pdu->mem > ENIP_STATE_MEMCAP) {
		purge_flood(s);
		pdu_free(pdu);
		return;
	}
	struct enip_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL || !push_tx(s, tx)) {
		free(tx);
		pdu_free(pdu);
		return;
	}
	tx->tx_id = s->next_tx_id++;
	if (pdu->invalid)
		tx->events |= 1u << ENIP_EV_INVALID_PDU;
	if (dir == APP_TOSERVER)
		tx->request = pdu;
	else
		tx->response = pdu;
	s->mem += tx_mem(tx);
}

static void take_pdu(struct enip_state *s, enum app_dir dir, const uint8_t *d)
{
	struct enip_pdu *pdu = pdu_decode(d, &s->truncated);
	if (pdu != NULL)
		handle_pdu(s, dir, pdu);
}

/* ------------------------------------------------------------ framing */

static uint32_t pdu_total(const uint8_t *d)
{
	return ENIP_HEADER_LEN + (uint32_t)(d[2] | (d[3] << 8));
}

static bool tbuf_append(struct enip_buf *b, const uint8_t *d, uint32_t n)
{
	if (b->len + n > b->cap) {
		uint32_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		if (cap > ENIP_TCP_BUF_MAX)
			cap = ENIP_TCP_BUF_MAX;
		if (b->len + n > cap)
			return false;
		uint8_t *v = realloc(b->buf, cap);
		if (v == NULL)
			return false;
		b->buf = v;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, d, n);
	b->len += n;
	return true;
}

/* Completes the buffered PDU from d; returns the bytes of d used. */
static uint32_t tbuf_fill(struct enip_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct enip_buf *b = &s->tbuf[dir];
	uint32_t used = 0;
	if (b->len < ENIP_HEADER_LEN) {
		uint32_t k = ENIP_HEADER_LEN - b->len;
		if (k > n)
			k = n;
		if (!tbuf_append(b, d, k))
			return n;
		used = k;
		if (b->len < ENIP_HEADER_LEN)
			return used;
	}
	uint32_t want = pdu_total(b->buf) - b->len;
	uint32_t k = want < n - used ? want : n - used;
	if (!tbuf_append(b, d + used, k)) {
		b->len = 0;
		return n;
	}
	used += k;
	if (b->len == pdu_total(b->buf)) {
		take_pdu(s, dir, b->buf);
		b->len = 0;
	}
	return used;
}

static enum app_parse_result parse_tcp(struct enip_state *s, enum app_dir dir, const uint8_t *d,
				       uint32_t n, uint32_t flags)
{
	if (flags & APP_CHUNK_GAP) {
		s->tbuf[dir].len = 0;
		s->gap[dir] = true;
	}
	if (n == 0)
		return APP_PARSE_OK;
	if (s->gap[dir]) {
		if (!probe_bytes(d, n))
			return APP_PARSE_OK; /* still lost: this chunk is dropped */
		s->gap[dir] = false;
	}
	uint32_t pos = 0;
	if (s->tbuf[dir].len > 0)
		pos = tbuf_fill(s, dir, d, n);
	while (pos < n) {
		uint32_t left = n - pos;
		if (left < ENIP_HEADER_LEN || pdu_total(d + pos) > left) {
			pos += tbuf_fill(s, dir, d + pos, left);
			break;
		}
		take_pdu(s, dir, d + pos);
		pos += pdu_total(d + pos);
	}
	return APP_PARSE_OK;
}

enum app_parse_result enip_parse(struct enip_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n, uint32_t flags)
{
	if (s == NULL || (dir != APP_TOSERVER && dir != APP_TOCLIENT))
		return APP_PARSE_ERROR;
	/* Suricata's TCP parser returns at once once the direction is at
	 * its end: bytes handed in with the end flag (never acked before
	 * the session closed) are not parsed. */
	if (s->tcp)
		return (flags & APP_CHUNK_EOF) ? APP_PARSE_OK : parse_tcp(s, dir, d, n, flags);
	if (n == 0)
		return APP_PARSE_OK;
	if (n < ENIP_HEADER_LEN || pdu_total(d) > n)
		return APP_PARSE_ERROR;
	take_pdu(s, dir, d);
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ accessors */

void enip_state_set_max_tx(struct enip_state *s, uint32_t max_tx)
{
	s->max_tx = max_tx > 0 ? max_tx : 1;
}

uint64_t enip_tx_count(const struct enip_state *s)
{
	return s->next_tx_id;
}

const struct enip_tx *enip_tx_get(const struct enip_state *s, uint64_t tx_id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, tx_id, offsetof(struct enip_tx, tx_id));
}

size_t enip_tx_live(const struct enip_state *s)
{
	return s->n_txs;
}

void enip_tx_release_upto(struct enip_state *s, uint64_t tx_id)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n_txs; i++) {
		struct enip_tx *tx = s->txs[i];
		if (tx->tx_id < tx_id) {
			s->mem -= tx_mem(tx);
			tx_free(tx);
		} else {
			s->txs[k++] = tx;
		}
	}
	s->n_txs = k;
}

size_t enip_state_memuse(const struct enip_state *s)
{
	return s->mem;
}

uint64_t enip_state_truncated(const struct enip_state *s)
{
	return s->truncated;
}

bool enip_tx_has_event(const struct enip_tx *tx, enum enip_event ev)
{
	return (unsigned)ev < ENIP_EV_COUNT && (tx->events & (1u << ev));
}

static const char *const event_names[ENIP_EV_COUNT] = {
    [ENIP_EV_TOO_MANY_TRANSACTIONS] = "too_many_transactions",
    [ENIP_EV_INVALID_PDU] = "invalid_pdu",
};

const char *enip_event_name(enum enip_event ev)
{
	return (unsigned)ev < ENIP_EV_COUNT ? event_names[ev] : NULL;
}

const struct enip_pdu *enip_tx_pdu(const struct enip_tx *tx, enum app_dir dir)
{
	return dir == APP_TOSERVER ? tx->request : tx->response;
}

const struct enip_cip *enip_pdu_cip(const struct enip_pdu *pdu)
{
	if (pdu == NULL || pdu->payload != ENIP_PL_CIP || !pdu->has_cip)
		return NULL;
	return &pdu->cip;
}

const struct enip_identity *enip_tx_identity(const struct enip_tx *tx)
{
	const struct enip_pdu *p = tx->response;
	if (p == NULL || p->payload != ENIP_PL_LIST_IDENTITY || !p->has_identity)
		return NULL;
	return &p->identity;
}

const struct enip_services *enip_tx_services(const struct enip_tx *tx)
{
	const struct enip_pdu *p = tx->response;
	if (p == NULL || p->payload != ENIP_PL_LIST_SERVICES || !p->has_services)
		return NULL;
	return &p->services;
}

bool enip_tx_protocol_version(const struct enip_tx *tx, enum app_dir dir, uint16_t *v)
{
	const struct enip_pdu *p = enip_tx_pdu(tx, dir);
	if (p == NULL)
		return false;
	if (p->payload == ENIP_PL_REGISTER_SESSION) {
		*v = p->rs_version;
		return true;
	}
	if (dir == APP_TOSERVER)
		return false;
	if (enip_tx_services(tx) != NULL) {
		*v = p->services.protocol_version;
		return true;
	}
	if (enip_tx_identity(tx) != NULL) {
		*v = p->identity.protocol_version;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	return enip_probe(d, n, in->tcp);
}

/* app-layer.protocols.enip.max-tx, as Suricata reads it. */
static void *d_config_new(const struct config_node *root)
{
	uint32_t *max_tx = malloc(sizeof(*max_tx));
	if (max_tx == NULL)
		return NULL;
	int64_t v = config_get_int(root, "app-layer.protocols.enip.max-tx", ENIP_MAX_TX);
	*max_tx = v > 0 && v <= UINT32_MAX ? (uint32_t)v : ENIP_MAX_TX;
	return max_tx;
}

static void *d_state_new(const struct app_flow_info *fi)
{
	struct enip_state *s = enip_state_new(fi->tcp);
	if (s != NULL && fi->cfg != NULL)
		enip_state_set_max_tx(s, *(const uint32_t *)fi->cfg);
	return s;
}

static void d_state_free(void *st)
{
	enip_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return enip_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return enip_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return enip_tx_get(st, id);
}

/* Suricata's progress: a side is complete once its PDU is there or the
 * transaction was closed.  A response-only transaction has nothing to
 * inspect to the server; an open request waits for its response. */
static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	const struct enip_tx *tx = vtx;
	if (dir == APP_TOSERVER)
		return tx->request != NULL ? APP_SIDE_READY : APP_SIDE_NONE;
	if (tx->response != NULL)
		return APP_SIDE_READY;
	return tx->done || eof ? APP_SIDE_NONE : APP_SIDE_PENDING;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	const struct enip_tx *tx = vtx;
	if (tx->request == NULL && tx->response == NULL)
		return APP_LOG_SKIP;
	/* A response that answered nothing never gets its request: Suricata
	 * logs it at the flow's end with the same content, and frees later
	 * transactions meanwhile; logging it now keeps it from holding the
	 * ones after it. */
	if (flow_end || tx->request == NULL)
		return APP_LOG_NOW;
	bool ts = tx->request != NULL || tx->done, tc = tx->response != NULL || tx->done;
	return ts && tc ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	enip_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *tx, int ev)
{
	return enip_tx_has_event(tx, (enum enip_event)ev);
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	enip_tx_log_json(j, tx);
}

const struct app_protocol app_enip = {
    .name = "enip",
    .ipprotos = APP_IPPROTO_TCP | APP_IPPROTO_UDP,
    .tcp_ports = "44818",
    .udp_ports = "44818",
    .probe = NULL, /* Suricata registers ENIP by port only */
    .probe_port = d_probe,
    .config_new = d_config_new,
    .config_free = free,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = event_names,
    .n_events = ENIP_EV_COUNT,
    .events_upper = false,
    .tx_has_event = d_tx_has_event,
    .eve_type = "enip",
    .log_json = d_log_json,
};
