/*
 * bacnet.c — the BACnet/IP parser: BVLC, NPDU and APDU decoding with a
 * bounded tag reader, invoke-id pairing, transactions and the protocol
 * descriptor.  Names are in bacnet-names.c, the EVE writer in
 * bacnet-log.c; what is kept and the bounds are in bacnet.h.
 *
 * Every read goes through struct rd, whose end is the datagram's length
 * (or the BVLC length when smaller): a field that does not fit stops
 * decoding with an event, never a read past the end.
 */
#include "app/bacnet.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

struct bacnet_state {
	struct bacnet_tx **txs; /* live, oldest first */
	size_t n_txs, cap_txs;
	uint64_t next_tx_id;
	uint64_t dropped;
};

/* ------------------------------------------------------------ reader */

struct rd {
	const uint8_t *d;
	uint32_t pos, end;
};

static bool rd_u8(struct rd *r, uint8_t *v)
{
	if (r->pos >= r->end)
		return false;
	*v = r->d[r->pos++];
	return true;
}

static bool rd_u16(struct rd *r, uint16_t *v)
{
	if (r->end - r->pos < 2)
		return false;
	*v = (uint16_t)(r->d[r->pos] << 8 | r->d[r->pos + 1]);
	r->pos += 2;
	return true;
}

/* A BACnet tag (clause 20.2.1): number, class, and either a length
 * (content at [content, content + len)) or an opening/closing mark. */
struct tag {
	uint32_t num;
	bool ctx;
	bool open, close;
	uint32_t len;
	uint32_t content;
};

static bool rd_tag(struct rd *r, struct tag *t)
{
	uint8_t b, x;
	if (!rd_u8(r, &b))
		return false;
	t->num = b >> 4;
	t->ctx = (b & 0x08) != 0;
	t->open = t->close = false;
	if (t->num == 15) {
		if (!rd_u8(r, &x))
			return false;
		t->num = x;
	}
	uint32_t lvt = b & 0x07;
	if (t->ctx && lvt == 6) {
		t->open = true;
		t->len = 0;
	} else if (t->ctx && lvt == 7) {
		t->close = true;
		t->len = 0;
	} else if (!t->ctx && t->num == 1) {
		t->len = 0; /* application Boolean: the value is the LVT */
	} else if (lvt == 5) {
		if (!rd_u8(r, &x))
			return false;
		if (x == 254) {
			uint16_t l16;
			if (!rd_u16(r, &l16))
				return false;
			t->len = l16;
		} else if (x == 255) {
			if (r->end - r->pos < 4)
				return false;
			const uint8_t *p = r->d + r->pos;
			t->len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
				 p[3];
			r->pos += 4;
		} else {
			t->len = x;
		}
	} else {
		t->len = lvt;
	}
	if (t->len > r->end - r->pos)
		return false;
	t->content = r->pos;
	r->pos += t->len;
	return true;
}

/* An unsigned of 1..4 content bytes. */
static bool tag_uint(const struct rd *r, const struct tag *t, uint32_t *v)
{
	if (t->len < 1 || t->len > 4)
		return false;
	uint32_t x = 0;
	for (uint32_t i = 0; i < t->len; i++)
		x = x << 8 | r->d[t->content + i];
	*v = x;
	return true;
}

static bool tag_objid(const struct rd *r, const struct tag *t, struct bacnet_msg *m)
{
	uint32_t v;
	if (t->len != 4 || !tag_uint(r, t, &v))
		return false;
	m->has_object = true;
	m->object_type = (uint16_t)(v >> 22);
	m->instance = v & 0x3fffff;
	return true;
}

/* ------------------------------------------------------------ service parameters */

/* Where a service's object identifier and property identifier are. */
enum svc_shape {
	SHAPE_NONE = 0,
	SHAPE_OBJ_PROP,	    /* [0] objid, [1] property */
	SHAPE_OBJ_LIST,	    /* [0] objid, [1] { [0] property ... } */
	SHAPE_OBJ_LIST_ACK, /* [0] objid, [1] { [2] property ... } */
	SHAPE_CTX1_OBJ,	    /* [0] process id, [1] objid */
	SHAPE_COV_PROP,	    /* [0] process id, [1] objid, ..., [4] { [0] property } */
	SHAPE_COV_NOTIFY,   /* [0] process, [1] device, [2] monitored objid */
	SHAPE_APP_OBJ,	    /* application-tagged objid first */
	SHAPE_APP_OBJ_2ND,  /* i-Have: device objid, then the object's */
};

static enum svc_shape shape_of(const struct bacnet_msg *m)
{
	uint8_t s = m->service;
	if (m->pdu_type == BACNET_PDU_UNCONFIRMED) {
		switch (s) {
		case 0: return SHAPE_APP_OBJ;	  /* i-Am */
		case 1: return SHAPE_APP_OBJ_2ND; /* i-Have */
		case 2: return SHAPE_COV_NOTIFY;  /* unconfirmedCOVNotification */
		default: return SHAPE_NONE;
		}
	}
	bool ack = m->pdu_type == BACNET_PDU_COMPLEX_ACK;
	if (m->pdu_type != BACNET_PDU_CONFIRMED && !ack)
		return SHAPE_NONE;
	switch (s) {
	case 12: /* readProperty */
	case 26: /* readRange */ return SHAPE_OBJ_PROP;
	case 15: /* writeProperty */ return ack ? SHAPE_NONE : SHAPE_OBJ_PROP;
	case 14: /* readPropertyMultiple */ return ack ? SHAPE_OBJ_LIST_ACK : SHAPE_OBJ_LIST;
	case 16: /* writePropertyMultiple */ return ack ? SHAPE_NONE : SHAPE_OBJ_LIST;
	case 5: /* subscribeCOV */ return ack ? SHAPE_NONE : SHAPE_CTX1_OBJ;
	case 28: /* subscribeCOVProperty */ return ack ? SHAPE_NONE : SHAPE_COV_PROP;
	case 1: /* confirmedCOVNotification */ return ack ? SHAPE_NONE : SHAPE_COV_NOTIFY;
	case 6: /* atomicReadFile */
	case 7: /* atomicWriteFile */
	case 11: /* deleteObject */ return ack ? SHAPE_NONE : SHAPE_APP_OBJ;
	default: return SHAPE_NONE;
	}
}

/* Reads the service parameters' object and property; false when a tag
 * does not fit (malformed_apdu).  A tag of another shape stops quietly. */
static bool parse_service(struct rd *r, struct bacnet_msg *m)
{
	enum svc_shape shape = shape_of(m);
	if (shape == SHAPE_NONE)
		return true;
	struct tag t;
	uint32_t v;
	int app_objs = 0;
	bool in_list = false;
	for (int i = 0; i < BACNET_MAX_TAGS && r->pos < r->end; i++) {
		if (!rd_tag(r, &t))
			return false;
		switch (shape) {
		case SHAPE_OBJ_PROP:
			if (t.ctx && t.num == 0 && !t.open)
				tag_objid(r, &t, m);
			else if (t.ctx && t.num == 1 && !t.open && tag_uint(r, &t, &v)) {
				m->has_property = true;
				m->property = v;
			}
			if (!t.ctx || t.num >= 1)
				return true;
			break;
		case SHAPE_OBJ_LIST:
		case SHAPE_OBJ_LIST_ACK: {
			uint32_t pnum = shape == SHAPE_OBJ_LIST ? 0 : 2;
			if (!in_list && t.ctx && t.num == 0 && !t.open)
				tag_objid(r, &t, m);
			else if (!in_list && t.ctx && t.num == 1 && t.open)
				in_list = true;
			else if (in_list && t.ctx && t.num == pnum && !t.open &&
				 tag_uint(r, &t, &v)) {
				m->has_property = true;
				m->property = v;
				return true;
			} else if (!in_list)
				return true;
			break;
		}
		case SHAPE_CTX1_OBJ:
		case SHAPE_COV_PROP:
			if (t.ctx && t.num == 1 && !t.open && !m->has_object)
				tag_objid(r, &t, m);
			else if (shape == SHAPE_COV_PROP && t.ctx && t.num == 4 && t.open)
				in_list = true;
			else if (in_list && t.ctx && t.num == 0 && tag_uint(r, &t, &v)) {
				m->has_property = true;
				m->property = v;
				return true;
			}
			if (shape == SHAPE_CTX1_OBJ && m->has_object)
				return true;
			break;
		case SHAPE_COV_NOTIFY:
			if (t.ctx && t.num == 2 && !t.open) {
				tag_objid(r, &t, m);
				return true;
			}
			break;
		case SHAPE_APP_OBJ:
		case SHAPE_APP_OBJ_2ND:
			if (!t.ctx && t.num == 12) {
				app_objs++;
				if (shape == SHAPE_APP_OBJ || app_objs == 2) {
					tag_objid(r, &t, m);
					return true;
				}
			} else if (t.ctx) {
				return true;
			}
			break;
		default: return true;
		}
	}
	return true;
}

/* Error PDU: error class and code, two application Enumerateds (some
 * services wrap them in an opening tag [0]). */
static bool parse_error(struct rd *r, struct bacnet_msg *m)
{
	struct tag t;
	uint32_t vals[2];
	int k = 0;
	for (int i = 0; i < 4 && k < 2 && r->pos < r->end; i++) {
		if (!rd_tag(r, &t))
			return false;
		if (t.open)
			continue;
		if (t.ctx || t.num != 9 || !tag_uint(r, &t, &vals[k]))
			return true;
		k++;
	}
	if (k == 2) {
		m->has_error = true;
		m->error_class = vals[0];
		m->error_code = vals[1];
	}
	return true;
}

/* ------------------------------------------------------------ APDU, NPDU, BVLC */

static bool parse_apdu(struct rd *r, struct bacnet_msg *m)
{
	uint8_t b0, x;
	if (!rd_u8(r, &b0))
		return false;
	m->has_apdu = true;
	m->pdu_type = b0 >> 4;
	switch (m->pdu_type) {
	case BACNET_PDU_CONFIRMED:
		m->segmented = (b0 & 0x08) != 0;
		m->more_follows = (b0 & 0x04) != 0;
		if (!rd_u8(r, &x) || !rd_u8(r, &m->invoke_id))
			return false;
		m->has_invoke = true;
		if (m->segmented && (!rd_u8(r, &m->seq_num) || !rd_u8(r, &m->window)))
			return false;
		break;
	case BACNET_PDU_COMPLEX_ACK:
		m->segmented = (b0 & 0x08) != 0;
		m->more_follows = (b0 & 0x04) != 0;
		if (!rd_u8(r, &m->invoke_id))
			return false;
		m->has_invoke = true;
		if (m->segmented && (!rd_u8(r, &m->seq_num) || !rd_u8(r, &m->window)))
			return false;
		break;
	case BACNET_PDU_UNCONFIRMED: break;
	case BACNET_PDU_SIMPLE_ACK:
	case BACNET_PDU_ERROR:
		if (!rd_u8(r, &m->invoke_id))
			return false;
		m->has_invoke = true;
		break;
	case BACNET_PDU_SEGMENT_ACK:
		m->has_invoke = rd_u8(r, &m->invoke_id);
		return m->has_invoke && rd_u8(r, &m->seq_num) && rd_u8(r, &m->window);
	case BACNET_PDU_REJECT:
	case BACNET_PDU_ABORT:
		m->has_invoke = rd_u8(r, &m->invoke_id);
		m->has_reason = m->has_invoke && rd_u8(r, &m->reason);
		return m->has_reason;
	default: return true; /* reserved types: nothing more is known */
	}
	if (!rd_u8(r, &m->service))
		return false;
	m->has_service = true;
	/* a segment after the first carries no parameters' start */
	if (m->segmented && m->seq_num != 0)
		return true;
	if (m->pdu_type == BACNET_PDU_ERROR)
		return parse_error(r, m);
	return parse_service(r, m);
}

static bool parse_addr(struct rd *r, struct bacnet_addr *a)
{
	if (!rd_u16(r, &a->net) || !rd_u8(r, &a->len) || a->len > r->end - r->pos)
		return false;
	memcpy(a->addr, r->d + r->pos, a->len < BACNET_MAX_ADDR ? a->len : BACNET_MAX_ADDR);
	r->pos += a->len;
	return true;
}

static void parse_npdu(struct rd *r, struct bacnet_msg *m)
{
	if (!rd_u8(r, &m->npdu_version)) {
		m->events |= 1u << BACNET_EV_MALFORMED_NPDU;
		return;
	}
	m->has_npdu = true;
	if (m->npdu_version != 1) {
		m->events |= 1u << BACNET_EV_BAD_NPDU_VERSION;
		return;
	}
	bool ok = rd_u8(r, &m->npdu_control);
	uint8_t c = m->npdu_control;
	if (ok && (c & 0x20)) {
		m->has_dnet = true;
		ok = parse_addr(r, &m->dnet);
	}
	if (ok && (c & 0x08)) {
		m->has_snet = true;
		ok = parse_addr(r, &m->snet);
	}
	if (ok && (c & 0x20))
		ok = rd_u8(r, &m->hop_count);
	if (ok && (c & 0x80)) {
		m->has_nmsg = ok = rd_u8(r, &m->nmsg_type);
		if (ok && m->nmsg_type >= 0x80)
			m->has_vendor = ok = rd_u16(r, &m->vendor_id);
		/* network message parameters are not decoded */
		if (ok)
			return;
	}
	if (!ok) {
		m->events |= 1u << BACNET_EV_MALFORMED_NPDU;
		return;
	}
	if (!parse_apdu(r, m))
		m->events |= 1u << BACNET_EV_MALFORMED_APDU;
}

/* BVLC functions that carry an NPDU, and their header length. */
static uint32_t npdu_offset(uint8_t f)
{
	switch (f) {
	case 0x04: return 10; /* Forwarded-NPDU: + B/IP address of the origin */
	case 0x09:	      /* Distribute-Broadcast-To-Network */
	case 0x0a:	      /* Original-Unicast-NPDU */
	case 0x0b: return 4;  /* Original-Broadcast-NPDU */
	default: return 0;
	}
}

bool bacnet_decode(const uint8_t *d, uint32_t n, struct bacnet_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (n < 4 || d[0] != 0x81)
		return false;
	m->bvlc_type = d[0];
	m->bvlc_function = d[1];
	m->bvlc_length = (uint16_t)(d[2] << 8 | d[3]);
	struct rd r = {d, 4, n};
	if (m->bvlc_length != n)
		m->events |= 1u << BACNET_EV_MALFORMED_BVLC_LENGTH;
	if (m->bvlc_length >= 4 && m->bvlc_length < n)
		r.end = m->bvlc_length;
	switch (m->bvlc_function) {
	case 0x00: m->has_result = rd_u16(&r, &m->result_code); break;
	case 0x05: m->has_ttl = rd_u16(&r, &m->ttl); break;
	case 0x04:
		if (r.end - r.pos >= 6) {
			memcpy(m->origin, d + r.pos, 6);
			m->has_origin = true;
			r.pos += 6;
		}
		break;
	default: break;
	}
	uint32_t off = npdu_offset(m->bvlc_function);
	if (off != 0) {
		if (off > r.end)
			m->events |= 1u << BACNET_EV_MALFORMED_NPDU;
		else {
			r.pos = off;
			parse_npdu(&r, m);
		}
	}
	return true;
}

enum app_probe_result bacnet_probe(const uint8_t *d, uint32_t n)
{
	if (n < 4)
		return APP_PROBE_NO;
	if (d[0] != 0x81 || d[1] > 0x0c || (uint32_t)(d[2] << 8 | d[3]) != n)
		return APP_PROBE_NO;
	return APP_PROBE_MATCH;
}

/* ------------------------------------------------------------ transactions */

static struct bacnet_tx *tx_new(struct bacnet_state *s, enum app_dir dir)
{
	while (s->n_txs >= BACNET_MAX_TX) {
		free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
		s->n_txs--;
		s->dropped++;
	}
	if (s->n_txs == s->cap_txs) {
		size_t nc = s->cap_txs ? s->cap_txs * 2 : 8;
		struct bacnet_tx **t = realloc(s->txs, nc * sizeof(*t));
		if (t == NULL)
			return NULL;
		s->txs = t;
		s->cap_txs = nc;
	}
	struct bacnet_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->tx_id = s->next_tx_id++;
	tx->dir = dir;
	s->txs[s->n_txs++] = tx;
	return tx;
}

static bool is_reply(const struct bacnet_msg *m)
{
	return m->has_apdu && m->has_invoke && m->pdu_type >= BACNET_PDU_SIMPLE_ACK &&
	       m->pdu_type <= BACNET_PDU_ABORT;
}

static bool is_open_request(const struct bacnet_tx *tx)
{
	return tx->has_req && !tx->has_resp && !tx->done && tx->req.has_apdu &&
	       tx->req.pdu_type == BACNET_PDU_CONFIRMED && tx->req.has_invoke;
}

static struct bacnet_tx *find_open(struct bacnet_state *s, enum app_dir req_dir, uint8_t invoke)
{
	for (size_t i = 0; i < s->n_txs; i++) {
		struct bacnet_tx *tx = s->txs[i];
		if (is_open_request(tx) && tx->dir == req_dir && tx->req.invoke_id == invoke)
			return tx;
	}
	return NULL;
}

enum app_parse_result bacnet_parse(struct bacnet_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags)
{
	(void)flags;
	if (n == 0)
		return APP_PARSE_OK;
	struct bacnet_msg m;
	if (!bacnet_decode(d, n, &m)) {
		/* other BVLL types (BACnet/IPv6's 0x82) are not read; a BACnet/IP
		 * datagram too short for its header is an event */
		if (d[0] != 0x81)
			return APP_PARSE_OK;
		m.bvlc_type = d[0];
		m.bvlc_function = n > 1 ? d[1] : 0;
		m.events = 1u << BACNET_EV_MALFORMED_BVLC_LENGTH;
	}
	enum app_dir other = dir == APP_TOSERVER ? APP_TOCLIENT : APP_TOSERVER;
	if (is_reply(&m)) {
		struct bacnet_tx *tx = find_open(s, other, m.invoke_id);
		if (tx != NULL) {
			tx->resp = m;
			tx->has_resp = true;
			return APP_PARSE_OK;
		}
		tx = tx_new(s, dir);
		if (tx == NULL)
			return APP_PARSE_ERROR;
		tx->resp = m;
		tx->has_resp = true;
		return APP_PARSE_OK;
	}
	if (m.has_apdu && m.pdu_type == BACNET_PDU_CONFIRMED && m.has_invoke) {
		struct bacnet_tx *old = find_open(s, dir, m.invoke_id);
		if (old != NULL)
			old->done = true;
	}
	struct bacnet_tx *tx = tx_new(s, dir);
	if (tx == NULL)
		return APP_PARSE_ERROR;
	tx->req = m;
	tx->has_req = true;
	return APP_PARSE_OK;
}

struct bacnet_state *bacnet_state_new(void)
{
	return calloc(1, sizeof(struct bacnet_state));
}

void bacnet_state_free(struct bacnet_state *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_txs; i++)
		free(s->txs[i]);
	free(s->txs);
	free(s);
}

uint64_t bacnet_tx_count(const struct bacnet_state *s)
{
	return s->next_tx_id;
}

const struct bacnet_tx *bacnet_tx_get(const struct bacnet_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct bacnet_tx, tx_id));
}

void bacnet_tx_release_upto(struct bacnet_state *s, uint64_t id)
{
	size_t k = 0;
	while (k < s->n_txs && s->txs[k]->tx_id < id)
		free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
		s->n_txs -= k;
	}
}

uint64_t bacnet_tx_dropped(const struct bacnet_state *s)
{
	return s->dropped;
}

const struct bacnet_msg *bacnet_tx_msg(const struct bacnet_tx *tx, enum app_dir dir)
{
	if (tx->has_req && tx->dir == dir)
		return &tx->req;
	if (tx->has_resp && (tx->has_req ? tx->dir != dir : tx->dir == dir))
		return &tx->resp;
	return NULL;
}

bool bacnet_tx_has_event(const struct bacnet_tx *tx, enum bacnet_event ev)
{
	if ((unsigned)ev >= BACNET_EV_COUNT)
		return false;
	uint8_t bit = (uint8_t)(1u << ev);
	return (tx->has_req && (tx->req.events & bit)) || (tx->has_resp && (tx->resp.events & bit));
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe_port(const struct app_probe_in *in, const uint8_t *d,
					  uint32_t n)
{
	return in->tcp ? APP_PROBE_NO : bacnet_probe(d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return bacnet_state_new();
}

static void d_state_free(void *st)
{
	bacnet_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return bacnet_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return bacnet_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return bacnet_tx_get(st, id);
}

static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	const struct bacnet_tx *tx = vtx;
	if (bacnet_tx_msg(tx, dir) != NULL)
		return APP_SIDE_READY;
	if (is_open_request(tx) && dir != tx->dir && !eof)
		return APP_SIDE_PENDING;
	return APP_SIDE_NONE;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	(void)st;
	return is_open_request(vtx) && !flow_end ? APP_LOG_WAIT : APP_LOG_NOW;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	bacnet_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *tx, int ev)
{
	(void)st;
	return ev >= 0 && bacnet_tx_has_event(tx, (enum bacnet_event)ev);
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)st;
	(void)opts;
	json_open_object(j, "bacnet");
	bacnet_tx_log_json(j, tx);
	json_close_object(j);
}

static const char *const event_names[BACNET_EV_COUNT] = {
    "malformed_bvlc_length", "bad_npdu_version", "malformed_npdu", "malformed_apdu"};

const char *bacnet_event_name(enum bacnet_event ev)
{
	return (unsigned)ev < BACNET_EV_COUNT ? event_names[ev] : NULL;
}

const struct app_protocol app_bacnet = {
    .name = "bacnet",
    .ipprotos = APP_IPPROTO_UDP,
    .udp_ports = "47808",
    .probe_port = d_probe_port,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = event_names,
    .n_events = BACNET_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "bacnet",
    .log_json = d_log_json,
};
