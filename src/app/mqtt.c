/*
 * mqtt.c — the MQTT parser (3.1, 3.1.1, 5.0) and the descriptor app_mqtt.
 * EVE writer: mqtt-log.c.  As Suricata 8 defines it (rust/src/mqtt/
 * parser.rs, mqtt.rs, mqtt_property.rs) and the OASIS MQTT 3.1.1 and 5.0
 * standards:
 *
 *   - A message is a fixed header (type, DUP, QoS, RETAIN; the remaining
 *     length, a variable integer of 1 to 4 bytes) and its body, parsed
 *     per type at the flow's protocol version (the last CONNECT's; 5 adds
 *     reason codes and property blocks).  A body that does not hold what
 *     its type needs, a bad variable integer or an unknown property is
 *     malformed_traffic: an empty transaction carries the event and
 *     neither direction is parsed further (Suricata's parser error turns
 *     the flow's app layer off).
 *   - A message longer than max-msg-length is not kept: a transaction
 *     notes its type, "truncated" and the bytes skipped, which are then
 *     skipped as they arrive.
 *   - Transactions as Suricata 8 makes them: CONNECT opens one the
 *     CONNACK completes (then the flow is "connected"); PUBLISH with QoS
 *     1/2, SUBSCRIBE and UNSUBSCRIBE with QoS > 0 open one their
 *     acknowledgments (by packet id) join; everything else stands alone.
 *     Before the CONNACK every message but CONNECT is unintroduced_message;
 *     an acknowledgment with nothing to join is missing_connect /
 *     missing_publish / missing_subscribe / missing_unsubscribe; a second
 *     CONNECT double_connect; QoS 3 invalid_qos_level; a QoS 1/2 PUBLISH
 *     without an id missing_msg_id; type 0 unassigned_msg_type.
 *
 * Bounds: every read is checked against the length a parse call was
 * given or a message's kept length.  Per direction at most max-msg-length
 * plus 5 bytes are buffered for an incomplete message; a transaction
 * holds at most MQTT_MAX_MSGS_PER_TX messages (too_many_messages beyond);
 * beyond max-tx live transactions, or MQTT_STATE_MEMCAP message bytes,
 * the oldest open transaction is completed with too_many_transactions
 * (so it is logged and released), and transactions still live past twice
 * that are freed; an open transaction with MQTT_OPEN_TX_WINDOW newer ones
 * is inspected and logged as it is.  No global mutable state.
 */
#include "app/mqtt.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/frame.h"
#include "util/config.h"

struct mqtt_buf {
	uint8_t *d;
	uint32_t len, cap;
	uint64_t skip; /* bytes of a truncated message still to skip */
	bool dead;     /* after malformed traffic */
};

struct mqtt_state {
	struct mqtt_settings cfg;
	struct mqtt_buf buf[2];
	uint8_t protocol_version;
	bool connected;
	struct mqtt_tx **txs;
	uint32_t n_txs, cap_txs;
	uint64_t next_id;
	uint64_t held; /* message bytes of the live transactions */
};

static const char *const mqtt_event_names[MQTT_EV_COUNT] = {
    [MQTT_EV_MISSING_CONNECT] = "missing_connect",
    [MQTT_EV_MISSING_PUBLISH] = "missing_publish",
    [MQTT_EV_MISSING_SUBSCRIBE] = "missing_subscribe",
    [MQTT_EV_MISSING_UNSUBSCRIBE] = "missing_unsubscribe",
    [MQTT_EV_DOUBLE_CONNECT] = "double_connect",
    [MQTT_EV_UNINTRODUCED_MESSAGE] = "unintroduced_message",
    [MQTT_EV_INVALID_QOS_LEVEL] = "invalid_qos_level",
    [MQTT_EV_MISSING_MSG_ID] = "missing_msg_id",
    [MQTT_EV_UNASSIGNED_MSG_TYPE] = "unassigned_msg_type",
    [MQTT_EV_TOO_MANY_TRANSACTIONS] = "too_many_transactions",
    [MQTT_EV_MALFORMED_TRAFFIC] = "malformed_traffic",
    [MQTT_EV_TOO_MANY_MESSAGES] = "too_many_messages",
};

static const char *const mqtt_frame_names[MQTT_FRAME_COUNT] = {
    [MQTT_FRAME_PDU] = "pdu",
    [MQTT_FRAME_HEADER] = "header",
    [MQTT_FRAME_DATA] = "data",
};

static const char *const type_names[16] = {
    "UNASSIGNED", "CONNECT",  "CONNACK",    "PUBLISH", "PUBACK",      "PUBREC",
    "PUBREL",	  "PUBCOMP",  "SUBSCRIBE",  "SUBACK",  "UNSUBSCRIBE", "UNSUBACK",
    "PINGREQ",	  "PINGRESP", "DISCONNECT", "AUTH",
};

const char *mqtt_type_name(uint8_t type)
{
	return type < 16 ? type_names[type] : NULL;
}

int mqtt_type_by_name(const char *s)
{
	if (s == NULL || *s == 0)
		return -1;
	if (isdigit((unsigned char)s[0])) {
		char *end;
		long v = strtol(s, &end, 10);
		return *end == 0 && v >= 0 && v <= 15 ? (int)v : -1;
	}
	for (int t = 0; t < 16; t++)
		if (strcasecmp(s, type_names[t]) == 0)
			return t;
	return -1;
}

/* ------------------------------------------------------------ reading */

/* A cursor over a message body: every read checks what is left. */
struct rd {
	const uint8_t *d;
	uint32_t pos, end;
	bool bad;
};

static uint8_t rd_u8(struct rd *r)
{
	if (r->bad || r->pos + 1 > r->end) {
		r->bad = true;
		return 0;
	}
	return r->d[r->pos++];
}

static uint16_t rd_u16(struct rd *r)
{
	uint16_t hi = rd_u8(r);
	return (uint16_t)(hi << 8 | rd_u8(r));
}

static uint32_t rd_u32(struct rd *r)
{
	uint32_t hi = rd_u16(r);
	return hi << 16 | rd_u16(r);
}

/* A variable byte integer: 1 to 4 bytes, the last without bit 7. */
static uint32_t rd_varint(struct rd *r)
{
	uint32_t v = 0;
	for (int k = 0; k < 4; k++) {
		uint8_t b = rd_u8(r);
		v |= (uint32_t)(b & 0x7f) << (7 * k);
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

/* A two-byte length then that many bytes. */
static struct mqtt_str rd_str(struct rd *r)
{
	struct mqtt_str s = {0, 0, false};
	uint16_t n = rd_u16(r);
	if (r->bad || r->pos + n > r->end) {
		r->bad = true;
		return s;
	}
	s = (struct mqtt_str){r->pos, n, true};
	r->pos += n;
	return s;
}

/* Property value kinds by identifier (MQTT 5.0 2.2.2.2); 0 unknown. */
enum prop_kind { PK_NONE = 0, PK_U8, PK_U16, PK_U32, PK_VARINT, PK_STR, PK_BIN, PK_PAIR };

static enum prop_kind prop_kind(uint32_t id)
{
	switch (id) {
	case 1:
	case 23:
	case 25:
	case 36:
	case 37:
	case 40:
	case 41:
	case 42: return PK_U8;
	case 19:
	case 33:
	case 34:
	case 35: return PK_U16;
	case 2:
	case 17:
	case 24:
	case 39: return PK_U32;
	case 11: return PK_VARINT;
	case 3:
	case 8:
	case 18:
	case 21:
	case 26:
	case 28:
	case 31: return PK_STR;
	case 9:
	case 22: return PK_BIN;
	case 38: return PK_PAIR;
	default: return PK_NONE;
	}
}

/* Skips one property's value; false when it does not fit. */
static bool skip_prop(struct rd *r, uint32_t id)
{
	switch (prop_kind(id)) {
	case PK_U8: rd_u8(r); break;
	case PK_U16: rd_u16(r); break;
	case PK_U32: rd_u32(r); break;
	case PK_VARINT: rd_varint(r); break;
	case PK_STR:
	case PK_BIN: rd_str(r); break;
	case PK_PAIR:
		rd_str(r);
		rd_str(r);
		break;
	case PK_NONE: r->bad = true; break;
	}
	return !r->bad;
}

/* A property block (its length, then properties); when !present nothing
 * is read.  The block's span goes to *out (absent when empty). */
static void rd_props(struct rd *r, bool present, struct mqtt_str *out)
{
	*out = (struct mqtt_str){0, 0, false};
	if (!present || r->bad)
		return;
	uint32_t n = rd_varint(r);
	if (r->bad || n > r->end - r->pos) {
		r->bad = true;
		return;
	}
	struct rd p = {r->d, r->pos, r->pos + n, false};
	while (!p.bad && p.pos < p.end)
		skip_prop(&p, rd_varint(&p));
	if (p.bad) {
		r->bad = true;
		return;
	}
	if (n > 0)
		*out = (struct mqtt_str){r->pos, n, true};
	r->pos += n;
}

/* ------------------------------------------------------------ messages */

void mqtt_msg_free(struct mqtt_msg *m)
{
	if (m == NULL)
		return;
	free(m->data);
	free(m->topics);
	free(m);
}

static void parse_connect(struct mqtt_msg *m, struct rd *r)
{
	m->protocol_string = rd_str(r);
	m->protocol_version = rd_u8(r);
	m->connect_flags = rd_u8(r);
	rd_u16(r); /* keep alive */
	bool v5 = m->protocol_version == 5;
	uint8_t f = m->connect_flags;
	rd_props(r, v5, &m->props);
	m->client_id = rd_str(r);
	rd_props(r, v5 && (f & MQTT_CF_WILL), &m->will_props);
	if (f & MQTT_CF_WILL) {
		m->will_topic = rd_str(r);
		m->will_message = rd_str(r);
	}
	if (f & MQTT_CF_USERNAME)
		m->username = rd_str(r);
	if (f & MQTT_CF_PASSWORD)
		m->password = rd_str(r);
}

static bool add_topic(struct mqtt_msg *m, struct mqtt_str name, uint8_t qos, uint32_t *cap)
{
	if (m->n_topics == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 4;
		struct mqtt_topic *nt = realloc(m->topics, nc * sizeof(*nt));
		if (nt == NULL)
			return false;
		m->topics = nt;
		*cap = nc;
	}
	m->topics[m->n_topics++] = (struct mqtt_topic){name, qos};
	return true;
}

/* SUBSCRIBE: at least one (topic, options); UNSUBSCRIBE: topics. */
static void parse_topics(struct mqtt_msg *m, struct rd *r, bool with_qos, uint8_t version)
{
	uint32_t cap = 0;
	m->message_id = rd_u16(r);
	rd_props(r, version == 5, &m->props);
	while (!r->bad && r->pos < r->end) {
		struct rd save = *r;
		struct mqtt_str name = rd_str(r);
		uint8_t qos = with_qos ? rd_u8(r) : 0;
		if (r->bad) { /* a partial entry at the end is left out */
			*r = save;
			break;
		}
		if (!add_topic(m, name, qos, &cap))
			break;
	}
	if (with_qos && m->n_topics == 0)
		r->bad = true;
}

/* PUBACK, PUBREC, PUBREL, PUBCOMP. */
static void parse_msgidonly(struct mqtt_msg *m, struct rd *r, uint8_t version)
{
	m->message_id = rd_u16(r);
	if (version < 5 || r->bad)
		return;
	m->has_reason = true;
	m->reason_code = r->pos < r->end ? rd_u8(r) : 0;
	if (r->pos < r->end)
		rd_props(r, true, &m->props);
}

static void parse_body(struct mqtt_msg *m, struct rd *r, uint8_t version)
{
	bool v5 = version == 5;
	switch (m->type) {
	case MQTT_CONNECT: parse_connect(m, r); break;
	case MQTT_CONNACK:
		m->session_present = rd_u8(r) & 1;
		m->return_code = rd_u8(r);
		rd_props(r, v5, &m->props);
		break;
	case MQTT_PUBLISH:
		m->topic = rd_str(r);
		if (m->qos > 0) {
			m->has_message_id = true;
			m->message_id = rd_u16(r);
		}
		rd_props(r, v5, &m->props);
		if (!r->bad)
			m->message = (struct mqtt_str){r->pos, r->end - r->pos, true};
		break;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP: parse_msgidonly(m, r, version); break;
	case MQTT_SUBSCRIBE: parse_topics(m, r, true, version); break;
	case MQTT_UNSUBSCRIBE: parse_topics(m, r, false, version); break;
	case MQTT_SUBACK:
	case MQTT_UNSUBACK:
		m->message_id = rd_u16(r);
		rd_props(r, v5, &m->props);
		if (!r->bad)
			m->codes = (struct mqtt_str){r->pos, r->end - r->pos, true};
		break;
	case MQTT_DISCONNECT:
		if (!v5)
			break;
		/* Suricata reports 0 for a body of the reason code alone
		 * (its parser keeps the default there); so does vigil, for
		 * EVE and rules to agree with it */
		m->has_reason = true;
		if (r->end - r->pos == 1) {
			rd_u8(r);
			break;
		}
		if (r->pos < r->end)
			m->reason_code = rd_u8(r);
		if (r->pos < r->end)
			rd_props(r, true, &m->props);
		break;
	case MQTT_AUTH:
		m->has_reason = true;
		m->reason_code = rd_u8(r);
		rd_props(r, true, &m->props);
		break;
	default: break; /* PINGREQ, PINGRESP, UNASSIGNED: no body */
	}
}

int mqtt_msg_parse(const uint8_t *d, uint32_t n, uint8_t version, uint32_t max_len,
		   struct mqtt_msg **out, uint32_t *used)
{
	*out = NULL;
	*used = 0;
	struct rd h = {d, 1, n, false};
	if (n < 2)
		return 0;
	uint32_t len = rd_varint(&h);
	if (h.bad) /* ran out, or a fifth byte */
		return h.pos >= n && n < 5 ? 0 : -1;
	uint32_t hlen = h.pos;
	struct mqtt_msg *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -1;
	m->type = d[0] >> 4;
	m->dup = (d[0] >> 3) & 1;
	m->qos = (d[0] >> 1) & 3;
	m->retain = d[0] & 1;
	m->remaining_len = len;
	if (len > max_len) {
		m->truncated = true;
		m->skipped = (uint64_t)len + hlen;
		*used = n;
		*out = m;
		return 1;
	}
	if (n - hlen < len) {
		free(m);
		return 0;
	}
	m->data = malloc(len ? len : 1);
	if (m->data == NULL) {
		free(m);
		return -1;
	}
	memcpy(m->data, d + hlen, len);
	m->len = len;
	struct rd r = {m->data, 0, len, false};
	parse_body(m, &r, version);
	if (r.bad) {
		mqtt_msg_free(m);
		return -1;
	}
	*used = hlen + len;
	*out = m;
	return 1;
}

const uint8_t *mqtt_str_get(const struct mqtt_msg *m, struct mqtt_str s, uint32_t *len)
{
	*len = 0;
	if (!s.present || m->data == NULL || s.off + s.len > m->len)
		return NULL;
	*len = s.len;
	return m->data + s.off;
}

/* ------------------------------------------------------------ transactions */

static uint64_t msg_bytes(const struct mqtt_msg *m)
{
	return m->len + (uint64_t)m->n_topics * sizeof(struct mqtt_topic) + sizeof(*m);
}

static void tx_free(struct mqtt_state *s, struct mqtt_tx *tx)
{
	for (uint32_t i = 0; i < tx->n_msgs; i++) {
		s->held -= msg_bytes(tx->msgs[i]);
		mqtt_msg_free(tx->msgs[i]);
	}
	free(tx->msgs);
	free(tx);
}

static void tx_set(struct mqtt_tx *tx, enum mqtt_event ev)
{
	tx->events |= 1u << ev;
}

static void tx_add_msg(struct mqtt_state *s, struct mqtt_tx *tx, struct mqtt_msg *m)
{
	if (m == NULL)
		return;
	if (tx->n_msgs >= MQTT_MAX_MSGS_PER_TX) {
		tx_set(tx, MQTT_EV_TOO_MANY_MESSAGES);
		mqtt_msg_free(m);
		return;
	}
	struct mqtt_msg **nm = realloc(tx->msgs, (tx->n_msgs + 1) * sizeof(*nm));
	if (nm == NULL) {
		mqtt_msg_free(m);
		return;
	}
	tx->msgs = nm;
	tx->msgs[tx->n_msgs++] = m;
	s->held += msg_bytes(m);
}

/* Over max-tx live transactions or the memory cap: the oldest open one
 * is completed with too_many_transactions; far beyond, the oldest go. */
static void enforce_caps(struct mqtt_state *s)
{
	if (s->n_txs > s->cfg.max_tx || s->held > MQTT_STATE_MEMCAP) {
		for (uint32_t i = 0; i < s->n_txs; i++) {
			if (!s->txs[i]->complete) {
				s->txs[i]->complete = true;
				tx_set(s->txs[i], MQTT_EV_TOO_MANY_TRANSACTIONS);
				break;
			}
		}
	}
	while (s->n_txs > 0 && (s->n_txs > 2 * (uint64_t)s->cfg.max_tx ||
				s->held > 2 * (uint64_t)MQTT_STATE_MEMCAP)) {
		tx_free(s, s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
		s->n_txs--;
	}
}

/* A new transaction (with m, which it owns; m may be NULL). */
static struct mqtt_tx *new_tx(struct mqtt_state *s, struct mqtt_msg *m, enum app_dir dir)
{
	enforce_caps(s);
	if (s->n_txs == s->cap_txs) {
		uint32_t nc = s->cap_txs ? s->cap_txs * 2 : 8;
		struct mqtt_tx **nt = realloc(s->txs, nc * sizeof(*nt));
		if (nt == NULL)
			goto oom;
		s->txs = nt;
		s->cap_txs = nc;
	}
	struct mqtt_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		goto oom;
	tx->id = s->next_id++;
	tx->dir = dir;
	tx->pkt_id = MQTT_NO_PKT_ID;
	tx->protocol_version = s->protocol_version;
	tx->sub_topic_limit = s->cfg.sub_topic_limit;
	tx->unsub_topic_limit = s->cfg.unsub_topic_limit;
	s->txs[s->n_txs++] = tx;
	tx_add_msg(s, tx, m);
	return tx;
oom:
	mqtt_msg_free(m);
	return NULL;
}

/* A new transaction with one event. */
static void new_tx_event(struct mqtt_state *s, struct mqtt_msg *m, enum app_dir dir,
			 enum mqtt_event ev)
{
	struct mqtt_tx *tx = new_tx(s, m, dir);
	if (tx != NULL)
		tx_set(tx, ev);
}

static struct mqtt_tx *find_open(struct mqtt_state *s, uint32_t pkt_id)
{
	for (uint32_t i = 0; i < s->n_txs; i++)
		if (!s->txs[i]->complete && s->txs[i]->pkt_id == pkt_id)
			return s->txs[i];
	return NULL;
}

/* PUBLISH, SUBSCRIBE, UNSUBSCRIBE: QoS 0 stands alone, 1/2 waits. */
static void handle_request(struct mqtt_state *s, struct mqtt_msg *m, enum app_dir dir)
{
	uint8_t qos = m->qos;
	bool missing_id = m->type == MQTT_PUBLISH && qos > 0 && !m->has_message_id;
	uint32_t pkt_id = m->message_id;
	struct mqtt_tx *tx = new_tx(s, m, dir);
	if (tx == NULL)
		return;
	if (qos == 0)
		tx->complete = true;
	else if (qos > 2)
		tx_set(tx, MQTT_EV_INVALID_QOS_LEVEL);
	else if (missing_id)
		tx_set(tx, MQTT_EV_MISSING_MSG_ID);
	else
		tx->pkt_id = pkt_id;
}

/* An acknowledgment joins the open transaction of its packet id. */
static void handle_ack(struct mqtt_state *s, struct mqtt_msg *m, enum app_dir dir, uint32_t pkt_id,
		       bool completes, enum mqtt_event missing)
{
	struct mqtt_tx *tx = find_open(s, pkt_id);
	if (tx == NULL) {
		new_tx_event(s, m, dir, missing);
		return;
	}
	tx_add_msg(s, tx, m);
	if (completes) {
		tx->complete = true;
		tx->pkt_id = MQTT_NO_PKT_ID;
	}
}

static void handle_msg(struct mqtt_state *s, struct mqtt_msg *m, enum app_dir dir)
{
	uint8_t t = m->type;
	if (m->truncated || t == MQTT_UNASSIGNED) {
		struct mqtt_tx *tx = new_tx(s, m, dir);
		if (tx != NULL) {
			tx->complete = true;
			if (t == MQTT_UNASSIGNED)
				tx_set(tx, MQTT_EV_UNASSIGNED_MSG_TYPE);
		}
		return;
	}
	if (t == MQTT_CONNECT) {
		s->protocol_version = m->protocol_version;
		struct mqtt_tx *tx = new_tx(s, m, dir);
		if (tx == NULL)
			return;
		tx->protocol_version = s->protocol_version;
		if (s->connected)
			tx_set(tx, MQTT_EV_DOUBLE_CONNECT);
		else
			tx->pkt_id = MQTT_CONNECT_PKT_ID;
		return;
	}
	if (t == MQTT_CONNACK) {
		struct mqtt_tx *tx = find_open(s, MQTT_CONNECT_PKT_ID);
		if (tx == NULL) {
			new_tx_event(s, m, dir, MQTT_EV_MISSING_CONNECT);
			return;
		}
		tx_add_msg(s, tx, m);
		tx->complete = true;
		tx->pkt_id = MQTT_NO_PKT_ID;
		s->connected = true;
		return;
	}
	if (!s->connected) {
		new_tx_event(s, m, dir, MQTT_EV_UNINTRODUCED_MESSAGE);
		return;
	}
	uint32_t id = m->message_id;
	switch (t) {
	case MQTT_PUBLISH:
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE: handle_request(s, m, dir); break;
	case MQTT_PUBREC:
	case MQTT_PUBREL: handle_ack(s, m, dir, id, false, MQTT_EV_MISSING_PUBLISH); break;
	case MQTT_PUBACK:
	case MQTT_PUBCOMP: handle_ack(s, m, dir, id, true, MQTT_EV_MISSING_PUBLISH); break;
	case MQTT_SUBACK: handle_ack(s, m, dir, id, true, MQTT_EV_MISSING_SUBSCRIBE); break;
	case MQTT_UNSUBACK: handle_ack(s, m, dir, id, true, MQTT_EV_MISSING_UNSUBSCRIBE); break;
	default: { /* PINGREQ, PINGRESP, DISCONNECT, AUTH */
		struct mqtt_tx *tx = new_tx(s, m, dir);
		if (tx != NULL)
			tx->complete = true;
		break;
	}
	}
}

/* ------------------------------------------------------------ stream */

static bool buf_keep(struct mqtt_buf *b, const uint8_t *d, uint32_t n)
{
	if (b->len + (uint64_t)n > b->cap) {
		uint64_t nc = b->cap ? b->cap : 256;
		while (nc < b->len + (uint64_t)n)
			nc *= 2;
		uint8_t *nd = realloc(b->d, nc);
		if (nd == NULL)
			return false;
		b->d = nd;
		b->cap = (uint32_t)nc;
	}
	memcpy(b->d + b->len, d, n);
	b->len += n;
	return true;
}

/* A message's frames, as Suricata makes them: the whole message, its
 * fixed header (taken as 2 bytes, as Suricata does) and the rest (its
 * remaining length); with the transaction the message went to. */
static void message_frames(struct mqtt_state *s, enum app_dir dir, uint64_t at, uint64_t total,
			   uint64_t remaining)
{
	int64_t ids[3] = {
	    app_frame_new(dir, at, (int64_t)total, MQTT_FRAME_PDU),
	    app_frame_new(dir, at, 2, MQTT_FRAME_HEADER),
	    app_frame_new(dir, at + 2, (int64_t)remaining, MQTT_FRAME_DATA),
	};
	if (s->n_txs == 0)
		return;
	for (int i = 0; i < 3; i++)
		app_frame_set_tx(dir, ids[i], s->txs[s->n_txs - 1]->id);
}

/* Messages from d (d[0] at stream offset `base`); returns the bytes
 * consumed, or -1 on malformed data. */
static int64_t parse_messages(struct mqtt_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			      uint64_t base)
{
	struct mqtt_buf *b = &s->buf[dir];
	uint32_t i = 0;
	while (i < n) {
		if (b->skip > 0) {
			uint64_t k = b->skip < n - i ? b->skip : n - i;
			b->skip -= k;
			i += (uint32_t)k;
			continue;
		}
		struct mqtt_msg *m;
		uint32_t used;
		int r = mqtt_msg_parse(d + i, n - i, s->protocol_version, s->cfg.max_msg_len, &m,
				       &used);
		if (r == 0)
			break;
		if (r < 0)
			return -1;
		uint64_t at = base + i;
		uint64_t total = m->truncated ? m->skipped : used;
		uint32_t remaining = m->remaining_len;
		if (m->truncated)
			b->skip = m->skipped; /* counted from the message start */
		else
			i += used;
		handle_msg(s, m, dir);
		message_frames(s, dir, at, total, remaining);
	}
	return i;
}

enum app_parse_result mqtt_parse(struct mqtt_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n, uint32_t flags)
{
	struct mqtt_buf *b = &s->buf[dir];
	if (b->dead)
		return APP_PARSE_ERROR;
	if (flags & APP_CHUNK_GAP) {
		/* Suricata stops at a gap too: the framing is lost */
		b->len = 0;
		b->dead = true;
		return APP_PARSE_ERROR;
	}
	if (d == NULL || n == 0)
		return APP_PARSE_OK;
	int64_t used;
	if (b->len == 0) {
		used = parse_messages(s, dir, d, n, app_frame_offset());
		if (used >= 0 && (uint32_t)used < n && !buf_keep(b, d + used, n - (uint32_t)used))
			used = -1;
	} else {
		if (!buf_keep(b, d, n))
			used = -1;
		else
			used =
			    parse_messages(s, dir, b->d, b->len, app_frame_offset() + n - b->len);
		if (used > 0) {
			memmove(b->d, b->d + used, b->len - (uint32_t)used);
			b->len -= (uint32_t)used;
		}
	}
	if (b->len == 0 && b->cap > 65536) {
		free(b->d);
		b->d = NULL;
		b->cap = 0;
	}
	if (used < 0) {
		new_tx_event(s, NULL, dir, MQTT_EV_MALFORMED_TRAFFIC);
		if (s->n_txs > 0)
			s->txs[s->n_txs - 1]->complete = true;
		/* Suricata turns the flow's app layer off on a parser error:
		 * neither direction is parsed further */
		for (int k = 0; k < 2; k++) {
			s->buf[k].len = 0;
			s->buf[k].dead = true;
		}
		return APP_PARSE_ERROR;
	}
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ state */

struct mqtt_state *mqtt_state_new(const struct mqtt_settings *cfg)
{
	struct mqtt_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->cfg.max_msg_len = MQTT_DEFAULT_MAX_MSG_LEN;
	s->cfg.max_tx = MQTT_DEFAULT_MAX_TX;
	s->cfg.sub_topic_limit = MQTT_DEFAULT_TOPIC_MATCH_LIMIT;
	s->cfg.unsub_topic_limit = MQTT_DEFAULT_TOPIC_MATCH_LIMIT;
	if (cfg != NULL) {
		s->cfg = *cfg;
		if (s->cfg.max_tx == 0)
			s->cfg.max_tx = MQTT_DEFAULT_MAX_TX;
	}
	return s;
}

void mqtt_state_free(struct mqtt_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s, s->txs[i]);
	free(s->txs);
	free(s->buf[0].d);
	free(s->buf[1].d);
	free(s);
}

uint64_t mqtt_tx_count(const struct mqtt_state *s)
{
	return s->next_id;
}

const struct mqtt_tx *mqtt_tx_get(const struct mqtt_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct mqtt_tx, id));
}

void mqtt_tx_release_upto(struct mqtt_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		tx_free(s, s->txs[k++]);
	if (k == 0)
		return;
	memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
	s->n_txs -= k;
}

/* ------------------------------------------------------------ settings */

void *mqtt_settings_new(const struct config_node *root)
{
	struct mqtt_settings *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	uint64_t v = config_get_size(root, "app-layer.protocols.mqtt.max-msg-length",
				     MQTT_DEFAULT_MAX_MSG_LEN);
	c->max_msg_len = v > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)v;
	int64_t t = config_get_int(root, "app-layer.protocols.mqtt.max-tx", MQTT_DEFAULT_MAX_TX);
	c->max_tx = t <= 0 || t > UINT32_MAX / 4 ? MQTT_DEFAULT_MAX_TX : (uint32_t)t;
	int64_t l = config_get_int(root, "app-layer.protocols.mqtt.subscribe-topic-match-limit",
				   MQTT_DEFAULT_TOPIC_MATCH_LIMIT);
	c->sub_topic_limit = l < 0 || l > UINT32_MAX ? MQTT_DEFAULT_TOPIC_MATCH_LIMIT : (uint32_t)l;
	l = config_get_int(root, "app-layer.protocols.mqtt.unsubscribe-topic-match-limit",
			   MQTT_DEFAULT_TOPIC_MATCH_LIMIT);
	c->unsub_topic_limit =
	    l < 0 || l > UINT32_MAX ? MQTT_DEFAULT_TOPIC_MATCH_LIMIT : (uint32_t)l;
	return c;
}

void mqtt_settings_free(void *cfg)
{
	free(cfg);
}

/* ------------------------------------------------------------ descriptor */

/* On the MQTT port (Suricata registers no pattern): a fixed header with
 * a known type, QoS below 3 and a valid length, as Suricata's probe. */
static enum app_probe_result mqtt_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	(void)in;
	if (n < 2)
		return APP_PROBE_NEED_MORE;
	uint8_t t = d[0] >> 4;
	if (t == MQTT_UNASSIGNED || ((d[0] >> 1) & 3) == 3)
		return APP_PROBE_NO;
	struct rd r = {d, 1, n, false};
	rd_varint(&r);
	if (r.bad)
		return r.pos >= n && n < 5 ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	return APP_PROBE_MATCH;
}

static void *desc_state_new(const struct app_flow_info *fi)
{
	return mqtt_state_new(fi != NULL ? fi->cfg : NULL);
}

static void desc_state_free(void *st)
{
	mqtt_state_free(st);
}

static enum app_parse_result desc_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	return mqtt_parse(st, dir, d, n, flags);
}

static uint64_t desc_tx_count(const void *st)
{
	return mqtt_tx_count(st);
}

static const void *desc_tx_get(const void *st, uint64_t id)
{
	return mqtt_tx_get(st, id);
}

/* An open transaction with MQTT_OPEN_TX_WINDOW newer ones behind it is
 * taken as done: the framework inspects and logs within a window of
 * transactions, and an acknowledgment lost in the capture must not hold
 * the ones after it back. */
static bool tx_done(const struct mqtt_state *s, const struct mqtt_tx *tx)
{
	return tx->complete || s->next_id - tx->id > MQTT_OPEN_TX_WINDOW;
}

/* A transaction is inspected once, in the direction of its first
 * message, when it is complete (or the flow ends). */
static enum app_side desc_tx_side(const void *st, const void *txv, enum app_dir dir, bool eof)
{
	const struct mqtt_tx *tx = txv;
	if (tx->dir != dir)
		return APP_SIDE_NONE;
	return tx_done(st, tx) || eof ? APP_SIDE_READY : APP_SIDE_PENDING;
}

static enum app_log_decision desc_tx_log(const void *st, const void *txv, bool flow_end)
{
	return tx_done(st, txv) || flow_end ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void desc_tx_release_upto(void *st, uint64_t id)
{
	mqtt_tx_release_upto(st, id);
}

static bool desc_tx_has_event(const void *st, const void *tx, int ev)
{
	(void)st;
	return ev >= 0 && ev < MQTT_EV_COUNT && (((const struct mqtt_tx *)tx)->events & (1u << ev));
}

static void desc_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)st;
	mqtt_tx_log_json(j, tx, opts);
}

static uint32_t desc_eve_options(const struct config_node *type_opts)
{
	bool pw = type_opts == NULL || config_get_bool(type_opts, "passwords", true);
	return pw ? MQTT_LOG_PASSWORDS : 0;
}

static int desc_tx_msg_dir(const void *tx)
{
	return ((const struct mqtt_tx *)tx)->dir;
}

const struct app_protocol app_mqtt = {
    .name = "mqtt",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "1883",
    .probe_port = mqtt_probe,
    .config_new = mqtt_settings_new,
    .config_free = mqtt_settings_free,
    .state_new = desc_state_new,
    .state_free = desc_state_free,
    .parse = desc_parse,
    .tx_count = desc_tx_count,
    .tx_get = desc_tx_get,
    .tx_side = desc_tx_side,
    .tx_log = desc_tx_log,
    .tx_release_upto = desc_tx_release_upto,
    .event_names = mqtt_event_names,
    .n_events = MQTT_EV_COUNT,
    .tx_has_event = desc_tx_has_event,
    .eve_type = "mqtt",
    .eve_no_tx_id = true,
    .log_json = desc_log_json,
    .eve_options = desc_eve_options,
    .eve_default_opts = MQTT_LOG_PASSWORDS,
    .eve_alert_opts = MQTT_LOG_PASSWORDS,
    .tx_msg_dir = desc_tx_msg_dir,
    .frame_names = mqtt_frame_names,
    .n_frames = MQTT_FRAME_COUNT,
};
