/*
 * goose.c — the GOOSE link-layer decoder and the per-worker tracker of
 * GOOSE publishers (see goose.h for the frame, the events and the
 * bounds).  Reads only the bytes it is given; the tracker allocates its
 * fixed table once.
 */
#include "decode/goose.h"

#include <stdlib.h>
#include <string.h>

#include "decode/layers.h"

enum { GOOSE_HDR_LEN = 8 };

/* ------------------------------------------------------------ BER */

struct gtlv {
	uint8_t tag; /* first identifier octet (GOOSE tags are all < 31) */
	uint32_t off, len;
};

/* The TLV at *pos of d[0..end); false when it does not fit. */
static bool gber_next(const uint8_t *d, uint32_t end, uint32_t *pos, struct gtlv *t)
{
	uint32_t p = *pos;
	if (end - p < 2)
		return false;
	t->tag = d[p++];
	if ((t->tag & 0x1f) == 0x1f)
		return false; /* no GOOSE field has a high tag number */
	uint32_t len = d[p++];
	if (len & 0x80) {
		uint32_t k = len & 0x7f;
		if (k == 0 || k > 4 || end - p < k)
			return false;
		len = 0;
		for (uint32_t i = 0; i < k; i++)
			len = (len << 8) | d[p++];
	}
	if (len > end - p)
		return false;
	t->off = p;
	t->len = len;
	*pos = p + len;
	return true;
}

/* An INTEGER that fits 32 bits unsigned (a leading zero octet allowed). */
static bool gber_uint(const uint8_t *d, const struct gtlv *t, uint32_t *v)
{
	if (t->len == 0 || t->len > 5 || (t->len == 5 && d[t->off] != 0))
		return false;
	uint32_t x = 0;
	for (uint32_t i = 0; i < t->len; i++)
		x = (x << 8) | d[t->off + i];
	*v = x;
	return true;
}

/* ------------------------------------------------------------ the PDU */

enum {
	F_GOCBREF = 1 << 0,
	F_TTL = 1 << 1,
	F_DATSET = 1 << 2,
	F_T = 1 << 4,
	F_STNUM = 1 << 5,
	F_SQNUM = 1 << 6,
	F_CONFREV = 1 << 8,
	F_ENTRIES = 1 << 10,
	F_MANDATORY =
	    F_GOCBREF | F_TTL | F_DATSET | F_T | F_STNUM | F_SQNUM | F_CONFREV | F_ENTRIES,
};

static void parse_all_data(const uint8_t *d, const struct gtlv *a, struct goose_view *g)
{
	g->all_data = d + a->off;
	g->all_data_len = a->len;
	uint32_t pos = 0;
	struct goose_value v;
	while (goose_data_next(g, &pos, &v))
		g->n_data++;
}

bool goose_data_next(const struct goose_view *g, uint32_t *pos, struct goose_value *v)
{
	struct gtlv t;
	if (g->all_data == NULL || *pos >= g->all_data_len ||
	    !gber_next(g->all_data, g->all_data_len, pos, &t))
		return false;
	*v = (struct goose_value){t.tag, t.len, g->all_data + t.off};
	return true;
}

/* One field of the goosePdu; false when its value is malformed. */
static bool parse_field(const uint8_t *d, const struct gtlv *f, struct goose_view *g,
			unsigned *seen)
{
	unsigned n = f->tag & 0x1f;
	bool prim = (f->tag & 0x20) == 0;
	if ((f->tag & 0xc0) != 0x80 || n > 12)
		return false;
	if (n != 11 && n != 12 && !prim)
		return false;
	bool ok = true;
	switch (n) {
	case 0: g->gocbref = d + f->off, g->gocbref_len = f->len; break;
	case 1: ok = gber_uint(d, f, &g->ttl); break;
	case 2: g->datset = d + f->off, g->datset_len = f->len; break;
	case 3:
		g->goid = d + f->off, g->goid_len = f->len;
		g->has_goid = true;
		break;
	case 4:
		ok = f->len == 8;
		if (ok)
			memcpy(g->t, d + f->off, 8);
		break;
	case 5: ok = gber_uint(d, f, &g->stnum); break;
	case 6: ok = gber_uint(d, f, &g->sqnum); break;
	case 7:
		ok = f->len == 1;
		g->simulation = ok && d[f->off] != 0;
		break;
	case 8: ok = gber_uint(d, f, &g->confrev); break;
	case 9:
		ok = f->len == 1;
		g->ndscom = ok && d[f->off] != 0;
		break;
	case 10: ok = gber_uint(d, f, &g->num_entries); break;
	case 11: parse_all_data(d, f, g); break;
	default: break; /* security */
	}
	if (ok)
		*seen |= 1u << n;
	return ok;
}

bool goose_parse(const uint8_t *d, uint32_t len, struct goose_view *g)
{
	memset(g, 0, sizeof(*g));
	if (len < GOOSE_HDR_LEN)
		return false;
	g->present = true;
	g->appid = rd16(d);
	g->length = rd16(d + 2);
	g->reserved1 = rd16(d + 4);
	g->reserved2 = rd16(d + 6);
	if (g->length < GOOSE_HDR_LEN || g->length > len)
		return true; /* pdu_ok stays false */
	uint32_t end = g->length, pos = GOOSE_HDR_LEN;
	struct gtlv apdu, f;
	if (!gber_next(d, end, &pos, &apdu))
		return true;
	if (apdu.tag == 0x60) {
		g->mngt = true;
		return true;
	}
	if (apdu.tag != 0x61)
		return true;
	unsigned seen = 0;
	uint32_t fpos = apdu.off, fend = apdu.off + apdu.len;
	while (fpos < fend) {
		if (!gber_next(d, fend, &fpos, &f) || !parse_field(d, &f, g, &seen))
			return true;
	}
	g->pdu_ok = (seen & F_MANDATORY) == F_MANDATORY;
	return true;
}

void decode_goose(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	if (!goose_parse(d, len, &p->goose)) {
		decode_set_invalid(p, DECODE_EV_GOOSE_PKT_TOO_SMALL);
		return;
	}
	const struct goose_view *g = &p->goose;
	if (g->length < GOOSE_HDR_LEN || g->length > len) {
		decode_set_invalid(p, DECODE_EV_GOOSE_INVALID_LENGTH);
		return;
	}
	if (g->mngt)
		return;
	if (!g->pdu_ok) {
		decode_set_invalid(p, DECODE_EV_GOOSE_INVALID_PDU);
		return;
	}
	/* 61850-8-1: the S bit of reserved 1 and the simulation flag agree */
	if ((g->reserved1 & 0x8000) && !g->simulation)
		decode_set_event(p, DECODE_EV_GOOSE_SIMULATION_MISMATCH);
}

/* ------------------------------------------------------------ tracker */

struct goose_entry {
	bool used;
	uint8_t mac[6];
	uint8_t ref_len;
	uint8_t ref[GOOSE_MAX_REF];
	uint32_t stnum, sqnum, ttl;
	int64_t sec;
	uint32_t usec;
	bool silent; /* its silence was reported */
};

struct goose_tracker {
	struct goose_entry *slots;
	uint32_t used;
	uint64_t evicted;
};

struct goose_tracker *goose_tracker_new(void)
{
	struct goose_tracker *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->slots = calloc(GOOSE_TRACK_SLOTS, sizeof(*t->slots));
	if (t->slots == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void goose_tracker_free(struct goose_tracker *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t);
}

uint64_t goose_tracker_evicted(const struct goose_tracker *t)
{
	return t->evicted;
}

/* FNV-1a over the MAC and the (kept part of the) gocbRef. */
static uint32_t key_hash(const uint8_t *mac, const uint8_t *ref, uint32_t n)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ ref[i]) * 16777619u;
	return h;
}

/* Milliseconds from (s0, u0) to (s1, u1); negative when going back. */
static int64_t ms_between(int64_t s0, uint32_t u0, int64_t s1, uint32_t u1)
{
	return (s1 - s0) * 1000 + ((int64_t)u1 - (int64_t)u0) / 1000;
}

/* stNum and sqNum wrap to 1 after their maximum (61850-8-1). */
static void compare(struct packet *p, const struct goose_entry *e, const struct goose_view *g,
		    uint8_t *why)
{
	uint32_t next = e->stnum == UINT32_MAX ? 1 : e->stnum + 1;
	if (g->stnum != e->stnum) {
		*why |= GOOSE_LOG_STATE;
		if (g->stnum != next && g->stnum > e->stnum) {
			decode_set_event(p, DECODE_EV_GOOSE_STNUM_JUMP);
			*why |= GOOSE_LOG_ANOMALY;
		} else if (g->stnum != next) {
			decode_set_event(p, DECODE_EV_GOOSE_STNUM_BACK);
			*why |= GOOSE_LOG_ANOMALY;
		}
	} else if (g->sqnum <= e->sqnum && !(e->sqnum == UINT32_MAX && g->sqnum == 1)) {
		decode_set_event(p, DECODE_EV_GOOSE_SQNUM_BACK);
		*why |= GOOSE_LOG_ANOMALY;
	}
	if (e->ttl > 0 && ms_between(e->sec, e->usec, p->ts_sec, p->ts_usec) > (int64_t)e->ttl) {
		decode_set_event(p, DECODE_EV_GOOSE_TTL_EXPIRED);
		*why |= GOOSE_LOG_ANOMALY;
	}
}

uint8_t goose_track(struct goose_tracker *t, struct packet *p)
{
	struct goose_view *g = &p->goose;
	uint8_t why = 0;
	if (!g->present)
		return 0;
	for (uint8_t i = 0; i < p->event_count; i++)
		if (decode_event_name((enum decode_event)p->events[i]) != NULL &&
		    strncmp(decode_event_name((enum decode_event)p->events[i]), "goose.", 6) == 0)
			why |= GOOSE_LOG_ANOMALY;
	if (!g->pdu_ok || t == NULL) {
		g->log_reason = why;
		return why;
	}
	uint32_t n = g->gocbref_len < GOOSE_MAX_REF ? g->gocbref_len : GOOSE_MAX_REF;
	struct goose_entry *e = &t->slots[key_hash(p->eth_src, g->gocbref, n) % GOOSE_TRACK_SLOTS];
	bool same = e->used && memcmp(e->mac, p->eth_src, 6) == 0 && e->ref_len == n &&
		    memcmp(e->ref, g->gocbref, n) == 0;
	if (same) {
		compare(p, e, g, &why);
	} else {
		if (e->used)
			t->evicted++;
		else
			t->used++;
		why |= GOOSE_LOG_NEW;
		e->used = true;
		memcpy(e->mac, p->eth_src, 6);
		e->ref_len = (uint8_t)n;
		memcpy(e->ref, g->gocbref, n);
	}
	/* a frame going back (replay) does not become the reference */
	if (!(same && (why & GOOSE_LOG_ANOMALY) && g->stnum == e->stnum && g->sqnum <= e->sqnum)) {
		e->stnum = g->stnum;
		e->sqnum = g->sqnum;
	}
	e->ttl = g->ttl;
	e->sec = p->ts_sec;
	e->usec = p->ts_usec;
	e->silent = false;
	g->log_reason = why;
	return why;
}

void goose_tracker_expire(struct goose_tracker *t, int64_t now_sec, uint32_t now_usec,
			  goose_silent_fn fn, void *arg)
{
	if (t == NULL || t->used == 0)
		return;
	for (uint32_t i = 0; i < GOOSE_TRACK_SLOTS; i++) {
		struct goose_entry *e = &t->slots[i];
		if (!e->used || e->silent || e->ttl == 0 ||
		    ms_between(e->sec, e->usec, now_sec, now_usec) <= (int64_t)e->ttl)
			continue;
		e->silent = true;
		struct goose_silent s = {e->mac, e->ref, e->ref_len, e->stnum, e->sqnum,
					 e->ttl, e->sec, e->usec,    now_sec,  now_usec};
		fn(arg, &s);
	}
}
