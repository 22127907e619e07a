/*
 * iec104.c — the IEC 60870-5-104 parser: APCI framing across segments,
 * the ASDU and its information objects, transactions (one per APDU),
 * events, the probe and the protocol descriptor.  Names and the EVE
 * writer are iec104-log.c; what is decoded and the bounds are in
 * iec104.h.
 *
 * Every APDU is handed to apdu_parse() whole (at most 255 bytes, from the
 * chunk or from the direction's fixed buffer); each read of it checks
 * the APDU's own length, so nothing past it, nor past a parse call's
 * length, is read.
 */
#include "app/iec104.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct iec104_dir {
	uint8_t buf[IEC104_APDU_MAX];
	uint32_t len;
	bool lost;     /* after a gap or a bad start: look for 0x68 */
	bool have_seq; /* a previous I-frame's send number is known */
	uint16_t last_seq;
};

struct iec104_state {
	struct iec104_dir dir[2];
	struct iec104_tx **txs; /* live, oldest first */
	size_t n_txs, cap_txs;
	uint64_t next_tx_id;
	uint64_t truncated;
};

/* ------------------------------------------------------------ element layouts */

/* The information element of a type id: its size after the IOA, how its
 * value is read, and its time tag (0, 24 or 56). */
struct elem_layout {
	uint8_t type;
	uint8_t size;
	uint8_t kind;
	uint8_t time;
};

static const struct elem_layout layouts[] = {
    {1, 1, IEC104_VAL_SP, 0},	       {2, 4, IEC104_VAL_SP, 24},
    {3, 1, IEC104_VAL_DP, 0},	       {4, 4, IEC104_VAL_DP, 24},
    {5, 2, IEC104_VAL_ST, 0},	       {6, 5, IEC104_VAL_ST, 24},
    {7, 5, IEC104_VAL_BO, 0},	       {8, 8, IEC104_VAL_BO, 24},
    {9, 3, IEC104_VAL_NORM, 0},	       {10, 6, IEC104_VAL_NORM, 24},
    {11, 3, IEC104_VAL_SCALED, 0},     {12, 6, IEC104_VAL_SCALED, 24},
    {13, 5, IEC104_VAL_FLOAT, 0},      {14, 8, IEC104_VAL_FLOAT, 24},
    {15, 5, IEC104_VAL_IT, 0},	       {16, 8, IEC104_VAL_IT, 24},
    {17, 6, IEC104_VAL_NONE, 24},      {18, 7, IEC104_VAL_NONE, 24},
    {19, 7, IEC104_VAL_NONE, 24},      {20, 5, IEC104_VAL_NONE, 0},
    {21, 2, IEC104_VAL_NORM, 0},       {30, 8, IEC104_VAL_SP, 56},
    {31, 8, IEC104_VAL_DP, 56},	       {32, 9, IEC104_VAL_ST, 56},
    {33, 12, IEC104_VAL_BO, 56},       {34, 10, IEC104_VAL_NORM, 56},
    {35, 10, IEC104_VAL_SCALED, 56},   {36, 12, IEC104_VAL_FLOAT, 56},
    {37, 12, IEC104_VAL_IT, 56},       {38, 10, IEC104_VAL_NONE, 56},
    {39, 11, IEC104_VAL_NONE, 56},     {40, 11, IEC104_VAL_NONE, 56},
    {45, 1, IEC104_VAL_SC, 0},	       {46, 1, IEC104_VAL_DC, 0},
    {47, 1, IEC104_VAL_RC, 0},	       {48, 3, IEC104_VAL_SE_NORM, 0},
    {49, 3, IEC104_VAL_SE_SCALED, 0},  {50, 5, IEC104_VAL_SE_FLOAT, 0},
    {51, 4, IEC104_VAL_BO_CMD, 0},     {58, 8, IEC104_VAL_SC, 56},
    {59, 8, IEC104_VAL_DC, 56},	       {60, 8, IEC104_VAL_RC, 56},
    {61, 10, IEC104_VAL_SE_NORM, 56},  {62, 10, IEC104_VAL_SE_SCALED, 56},
    {63, 12, IEC104_VAL_SE_FLOAT, 56}, {64, 11, IEC104_VAL_BO_CMD, 56},
    {70, 1, IEC104_VAL_COI, 0},	       {100, 1, IEC104_VAL_QOI, 0},
    {101, 1, IEC104_VAL_QCC, 0},       {102, 0, IEC104_VAL_NONE, 0},
    {103, 7, IEC104_VAL_CLOCK, 56},    {104, 2, IEC104_VAL_NONE, 0},
    {105, 1, IEC104_VAL_QRP, 0},       {106, 2, IEC104_VAL_NONE, 0},
    {107, 9, IEC104_VAL_NONE, 56},     {110, 3, IEC104_VAL_NORM, 0},
    {111, 3, IEC104_VAL_SCALED, 0},    {112, 5, IEC104_VAL_FLOAT, 0},
    {113, 1, IEC104_VAL_NONE, 0},      {120, 6, IEC104_VAL_NONE, 0},
    {121, 7, IEC104_VAL_NONE, 0},      {122, 4, IEC104_VAL_NONE, 0},
    {123, 5, IEC104_VAL_NONE, 0},      {124, 4, IEC104_VAL_NONE, 0},
    {126, 13, IEC104_VAL_NONE, 56},    {127, 16, IEC104_VAL_NONE, 0},
};

static const struct elem_layout *layout_of(uint8_t type)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].type == type)
			return &layouts[i];
	return NULL;
}

/* ------------------------------------------------------------ values */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* CP24Time2a (ms, IV|min) and CP56Time2a (+ SU|hour, DOW|day, month, year). */
static void time_read(const uint8_t *p, int bits, struct iec104_time *t)
{
	memset(t, 0, sizeof(*t));
	t->ms = le16(p);
	t->min = p[2] & 0x3f;
	t->iv = (p[2] & 0x80) != 0;
	if (bits == 56) {
		t->hour = p[3] & 0x1f;
		t->su = (p[3] & 0x80) != 0;
		t->day = p[4] & 0x1f;
		t->dow = (uint8_t)(p[4] >> 5);
		t->month = p[5] & 0x0f;
		t->year = p[6] & 0x7f;
	}
}

/* The value part of one element (e: its first byte, size bytes there). */
static void value_read(const struct elem_layout *l, const uint8_t *e, struct iec104_object *o)
{
	o->kind = l->kind;
	switch (l->kind) {
	case IEC104_VAL_SP:
		o->value = e[0] & 1;
		o->quality = e[0] & 0xf0;
		break;
	case IEC104_VAL_DP:
		o->value = e[0] & 3;
		o->quality = e[0] & 0xf0;
		break;
	case IEC104_VAL_ST:
		o->value = (int8_t)(uint8_t)(e[0] << 1) >> 1; /* 7-bit two's complement */
		o->extra = (uint8_t)(e[0] >> 7);
		o->quality = e[1];
		break;
	case IEC104_VAL_BO:
		o->value = (int32_t)le32(e);
		o->quality = e[4];
		break;
	case IEC104_VAL_NORM:
	case IEC104_VAL_SCALED:
		o->value = (int16_t)le16(e);
		o->quality = l->size >= 3 ? e[2] : 0;
		break;
	case IEC104_VAL_FLOAT: {
		uint32_t u = le32(e);
		memcpy(&o->fvalue, &u, sizeof(u));
		o->quality = l->size >= 5 ? e[4] : 0;
		break;
	}
	case IEC104_VAL_IT:
		o->value = (int32_t)le32(e);
		o->extra = e[4];
		break;
	case IEC104_VAL_SC:
		o->value = e[0] & 1;
		o->quality = e[0] & 0xfc;
		break;
	case IEC104_VAL_DC:
	case IEC104_VAL_RC:
		o->value = e[0] & 3;
		o->quality = e[0] & 0xfc;
		break;
	case IEC104_VAL_SE_NORM:
	case IEC104_VAL_SE_SCALED:
		o->value = (int16_t)le16(e);
		o->quality = e[2];
		break;
	case IEC104_VAL_SE_FLOAT: {
		uint32_t u = le32(e);
		memcpy(&o->fvalue, &u, sizeof(u));
		o->quality = e[4];
		break;
	}
	case IEC104_VAL_BO_CMD: o->value = (int32_t)le32(e); break;
	case IEC104_VAL_QOI:
	case IEC104_VAL_QCC:
	case IEC104_VAL_COI:
	case IEC104_VAL_QRP: o->value = e[0]; break;
	default: break;
	}
	if (l->time != 0 && l->size >= l->time / 8) {
		o->time_kind = l->time;
		time_read(e + l->size - l->time / 8, l->time, &o->time);
	}
}

/* ------------------------------------------------------------ ASDU */

static void tx_event(struct iec104_tx *tx, enum iec104_event ev)
{
	tx->events |= (uint8_t)(1u << ev);
}

/*
 * Objects: SQ=0 is num × (IOA, element); SQ=1 one IOA and num elements
 * at consecutive addresses.  They must fill the ASDU exactly.
 */
static void objects_parse(struct iec104_state *s, struct iec104_tx *tx, const uint8_t *d,
			  uint32_t n)
{
	struct iec104_asdu *a = &tx->asdu;
	const struct elem_layout *l = layout_of(a->type_id);
	if (l == NULL) {
		tx_event(tx, IEC104_EV_UNKNOWN_TYPE_ID);
		return;
	}
	uint32_t need = a->sq ? (a->num > 0 ? 3u + (uint32_t)a->num * l->size : 0)
			      : (uint32_t)a->num * (3u + l->size);
	if (need != n)
		tx_event(tx, IEC104_EV_INVALID_LENGTH);
	if (a->num == 0)
		return;
	a->objects =
	    calloc(a->num < IEC104_MAX_OBJECTS ? a->num : IEC104_MAX_OBJECTS, sizeof(*a->objects));
	if (a->objects == NULL)
		return;
	uint32_t pos = 0, ioa = 0;
	for (uint32_t i = 0; i < a->num; i++) {
		if (!a->sq || i == 0) {
			if (n - pos < 3)
				return;
			ioa = d[pos] | (d[pos + 1] << 8) | ((uint32_t)d[pos + 2] << 16);
			pos += 3;
		} else {
			ioa = (ioa + 1) & 0xffffff;
		}
		if (n - pos < l->size)
			return;
		if (a->n_objects >= IEC104_MAX_OBJECTS) {
			s->truncated++;
		} else {
			struct iec104_object *o = &a->objects[a->n_objects++];
			o->ioa = ioa;
			value_read(l, d + pos, o);
		}
		pos += l->size;
	}
}

/* Data unit identifier: type, VSQ, COT (2: cause|P/N|T, originator), CA (2). */
static void asdu_parse(struct iec104_state *s, struct iec104_tx *tx, const uint8_t *d, uint32_t n)
{
	if (n < 6) {
		tx_event(tx, IEC104_EV_INVALID_LENGTH);
		return;
	}
	struct iec104_asdu *a = &tx->asdu;
	tx->has_asdu = true;
	a->type_id = d[0];
	a->sq = (d[1] & 0x80) != 0;
	a->num = d[1] & 0x7f;
	a->cot = d[2] & 0x3f;
	a->negative = (d[2] & 0x40) != 0;
	a->test = (d[2] & 0x80) != 0;
	a->oa = d[3];
	a->ca = le16(d + 4);
	objects_parse(s, tx, d + 6, n - 6);
}

/* ------------------------------------------------------------ transactions */

static void tx_free(struct iec104_tx *tx)
{
	if (tx == NULL)
		return;
	free(tx->asdu.objects);
	free(tx);
}

static struct iec104_tx *tx_new(struct iec104_state *s, enum app_dir dir)
{
	if (s->n_txs >= IEC104_MAX_TX) {
		if (s->n_txs > 0)
			tx_event(s->txs[s->n_txs - 1], IEC104_EV_TOO_MANY_TRANSACTIONS);
		return NULL;
	}
	if (s->n_txs == s->cap_txs) {
		size_t cap = s->cap_txs ? s->cap_txs * 2 : 16;
		struct iec104_tx **t = realloc(s->txs, cap * sizeof(*t));
		if (t == NULL)
			return NULL;
		s->txs = t;
		s->cap_txs = cap;
	}
	struct iec104_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->tx_id = s->next_tx_id++;
	tx->dir = dir;
	s->txs[s->n_txs++] = tx;
	return tx;
}

/* One whole APDU (d[0] == 0x68, n == 2 + d[1]). */
static void apdu_parse(struct iec104_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct iec104_tx *tx = tx_new(s, dir);
	if (tx == NULL)
		return;
	if (n < 6) { /* length below 4: no control field */
		tx->apci = IEC104_APCI_NONE;
		tx_event(tx, IEC104_EV_INVALID_LENGTH);
		return;
	}
	const uint8_t *c = d + 2;
	struct iec104_dir *sd = &s->dir[dir];
	if ((c[0] & 1) == 0) {
		tx->apci = IEC104_APCI_I;
		tx->tx_seq = (uint16_t)((c[0] >> 1) | (c[1] << 7));
		tx->rx_seq = (uint16_t)((c[2] >> 1) | (c[3] << 7));
		if (sd->have_seq && tx->tx_seq != ((sd->last_seq + 1) & 0x7fff))
			tx_event(tx, IEC104_EV_SEQUENCE_GAP);
		sd->have_seq = true;
		sd->last_seq = tx->tx_seq;
		asdu_parse(s, tx, d + 6, n - 6);
		return;
	}
	if ((c[0] & 3) == 1) {
		tx->apci = IEC104_APCI_S;
		tx->rx_seq = (uint16_t)((c[2] >> 1) | (c[3] << 7));
	} else {
		tx->apci = IEC104_APCI_U;
		tx->u_function = c[0] & 0xfc;
		/* STARTDT restarts the numbering (a new connection's data) */
		if (tx->u_function == 0x04 || tx->u_function == 0x08)
			s->dir[0].have_seq = s->dir[1].have_seq = false;
	}
	if (n != 6)
		tx_event(tx, IEC104_EV_INVALID_LENGTH);
}

/* A frame whose start or length is wrong: an event-only transaction, and
 * the direction looks for the next start byte. */
static void bad_frame(struct iec104_state *s, enum app_dir dir, enum iec104_event ev)
{
	struct iec104_tx *tx = tx_new(s, dir);
	if (tx != NULL) {
		tx->apci = IEC104_APCI_NONE;
		tx_event(tx, ev);
	}
	s->dir[dir].lost = true;
}

/* ------------------------------------------------------------ framing */

static uint32_t apdu_total(const uint8_t *d)
{
	return 2u + d[1];
}

enum app_parse_result iec104_parse(struct iec104_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags)
{
	if (s == NULL || (dir != APP_TOSERVER && dir != APP_TOCLIENT))
		return APP_PARSE_ERROR;
	struct iec104_dir *sd = &s->dir[dir];
	if (flags & APP_CHUNK_GAP) {
		sd->len = 0;
		sd->lost = true;
		sd->have_seq = false;
	}
	uint32_t pos = 0;
	while (pos < n) {
		if (sd->lost) {
			const uint8_t *st = memchr(d + pos, IEC104_START, n - pos);
			if (st == NULL)
				return APP_PARSE_OK;
			pos = (uint32_t)(st - d);
			sd->lost = false;
		}
		if (sd->len > 0 || n - pos < 2) {
			/* complete the buffered APDU */
			if (sd->len < 2) {
				uint32_t k = 2 - sd->len < n - pos ? 2 - sd->len : n - pos;
				memcpy(sd->buf + sd->len, d + pos, k);
				sd->len += k;
				pos += k;
				if (sd->len < 2)
					return APP_PARSE_OK;
			}
		} else if (d[pos] != IEC104_START) {
			bad_frame(s, dir, IEC104_EV_INVALID_START);
			continue;
		} else if (d[pos + 1] < 4) {
			bad_frame(s, dir, IEC104_EV_INVALID_LENGTH);
			pos += 1; /* past this start byte */
			continue;
		} else if (apdu_total(d + pos) <= n - pos) {
			apdu_parse(s, dir, d + pos, apdu_total(d + pos));
			pos += apdu_total(d + pos);
			continue;
		} else {
			uint32_t k = n - pos;
			memcpy(sd->buf, d + pos, k);
			sd->len = k;
			return APP_PARSE_OK;
		}
		/* buffered: header known */
		if (sd->buf[0] != IEC104_START || sd->buf[1] < 4) {
			sd->len = 0;
			bad_frame(s, dir,
				  sd->buf[0] != IEC104_START ? IEC104_EV_INVALID_START
							     : IEC104_EV_INVALID_LENGTH);
			continue;
		}
		uint32_t total = apdu_total(sd->buf);
		uint32_t k = total - sd->len < n - pos ? total - sd->len : n - pos;
		memcpy(sd->buf + sd->len, d + pos, k);
		sd->len += k;
		pos += k;
		if (sd->len < total)
			return APP_PARSE_OK;
		apdu_parse(s, dir, sd->buf, total);
		sd->len = 0;
	}
	return APP_PARSE_OK;
}

enum app_probe_result iec104_probe(const uint8_t *d, uint32_t n)
{
	if (n == 0)
		return APP_PROBE_NEED_MORE;
	if (d[0] != IEC104_START)
		return APP_PROBE_NO;
	if (n < 2)
		return APP_PROBE_NEED_MORE;
	if (d[1] < 4 || d[1] > 253)
		return APP_PROBE_NO;
	if (n < 3)
		return APP_PROBE_NEED_MORE;
	if ((d[2] & 3) == 3) { /* U: exactly one function bit, length 4 */
		uint8_t f = d[2] & 0xfc;
		return d[1] == 4 && f != 0 && (f & (f - 1)) == 0 ? APP_PROBE_MATCH : APP_PROBE_NO;
	}
	if ((d[2] & 3) == 1)
		return d[1] == 4 ? APP_PROBE_MATCH : APP_PROBE_NO;
	return d[1] >= 10 ? APP_PROBE_MATCH : APP_PROBE_NO; /* I: control + ASDU header */
}

/* ------------------------------------------------------------ state */

struct iec104_state *iec104_state_new(void)
{
	return calloc(1, sizeof(struct iec104_state));
}

void iec104_state_free(struct iec104_state *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s);
}

uint64_t iec104_tx_count(const struct iec104_state *s)
{
	return s->next_tx_id;
}

const struct iec104_tx *iec104_tx_get(const struct iec104_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct iec104_tx, tx_id));
}

void iec104_tx_release_upto(struct iec104_state *s, uint64_t id)
{
	size_t k = 0;
	while (k < s->n_txs && s->txs[k]->tx_id < id)
		tx_free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
		s->n_txs -= k;
	}
}

uint64_t iec104_state_truncated(const struct iec104_state *s)
{
	return s->truncated;
}

bool iec104_tx_has_event(const struct iec104_tx *tx, enum iec104_event ev)
{
	return (unsigned)ev < IEC104_EV_COUNT && (tx->events & (1u << ev));
}

static const char *const event_names[IEC104_EV_COUNT] = {
    [IEC104_EV_INVALID_START] = "invalid_start",
    [IEC104_EV_INVALID_LENGTH] = "invalid_length",
    [IEC104_EV_UNKNOWN_TYPE_ID] = "unknown_type_id",
    [IEC104_EV_SEQUENCE_GAP] = "sequence_gap",
    [IEC104_EV_TOO_MANY_TRANSACTIONS] = "too_many_transactions",
};

const char *iec104_event_name(enum iec104_event ev)
{
	return (unsigned)ev < IEC104_EV_COUNT ? event_names[ev] : NULL;
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	return iec104_probe(d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	return iec104_state_new();
}

static void d_state_free(void *st)
{
	iec104_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return iec104_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return iec104_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return iec104_tx_get(st, id);
}

static enum app_side d_tx_side(const void *st, const void *tx, enum app_dir dir, bool eof)
{
	return ((const struct iec104_tx *)tx)->dir == dir ? APP_SIDE_READY : APP_SIDE_NONE;
}

static enum app_log_decision d_tx_log(const void *st, const void *tx, bool flow_end)
{
	return APP_LOG_NOW;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	iec104_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *tx, int ev)
{
	return iec104_tx_has_event(tx, (enum iec104_event)ev);
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	iec104_tx_log_json(j, tx);
}

static int d_tx_msg_dir(const void *tx)
{
	return ((const struct iec104_tx *)tx)->dir;
}

const struct app_protocol app_iec104 = {
    .name = "iec104",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "2404",
    .probe = NULL, /* 0x68 alone is too weak a pattern on any port */
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
    .n_events = IEC104_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "iec104",
    .log_json = d_log_json,
    .tx_msg_dir = d_tx_msg_dir,
};
