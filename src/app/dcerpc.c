/*
 * dcerpc.c — the DCE/RPC parser: connection-oriented PDU framing over a
 * byte stream (TCP, or one SMB named pipe), connectionless datagrams
 * (UDP), the bound presentation contexts, transactions, and the
 * descriptor app_dcerpc.  The EVE writer is dcerpc-log.c.
 *
 * Every read is checked against the PDU it belongs to: a
 * connection-oriented PDU is handled only once frag_length bytes are at
 * hand (straight from the chunk, or from the direction's buffer, which
 * never holds more than one PDU, DCERPC_PDU_MAX bytes); its body fields
 * are read with the bounds of that PDU.  A datagram is checked against
 * its length.  Behaviour follows Suricata 8 (rust/src/dcerpc/): version
 * 5.0 / 5.1 headers, transactions paired by call_id, the contexts of every
 * bind and alter_context kept for dcerpc.iface with their ack results,
 * stub data of a call reassembled from its fragments.  Where Suricata
 * gives up on a PDU type it does not know (fault, bind_nak, auth3 ...),
 * vigil keeps parsing: a fault or bind_nak answers its call, the others
 * are skipped.
 */
#include "app/dcerpc.h"
#include "app/frame.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define CO_HDR_LEN 16
#define CL_HDR_LEN 80

/* pfc_flags (connection-oriented) */
enum {
	PFC_FIRST_FRAG = 0x01,
	PFC_LAST_FRAG = 0x02,
};
/* flags1 (connectionless) */
enum {
	PFCL1_LASTFRAG = 0x02,
	PFCL1_FRAG = 0x04,
};

struct dirbuf {
	uint8_t *buf; /* the start of one PDU (at most its frag_length) */
	uint32_t len, cap;
	bool gap;  /* resynchronise on the next "05 00" */
	bool dead; /* framing lost for good: parse no further */
};

struct dcerpc_state {
	bool tcp;  /* else UDP datagrams */
	bool pipe; /* an SMB named pipe */
	bool failed; /* TCP: a parser error stopped the flow, as in Suricata */
	bool truncated[2]; /* the direction reached the stream depth */
	struct dirbuf dir[2];
	struct dcerpc_tx **txs; /* live transactions, oldest first */
	uint32_t n_txs, cap_txs;
	uint64_t next_id;
	uint64_t dropped_tx;
	uint64_t stub_mem; /* stub bytes held by live transactions */
	struct dcerpc_iface *ifaces;
	uint32_t n_ifaces;
	uint64_t dropped_ifaces;
	uint64_t last_id[2];
	bool has_last[2];
	uint64_t answered_upto; /* 1 + the highest id a response went to */
};

/* ------------------------------------------------------------ helpers */

static uint16_t rd16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)((p[0] << 8) | p[1]) : (uint16_t)((p[1] << 8) | p[0]);
}

static uint32_t rd32(const uint8_t *p, bool be)
{
	if (be)
		return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
	return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

/* A UUID as on the wire (first three fields in the PDU's byte order) to
 * the canonical order of its text form. */
static void uuid_from_wire(const uint8_t *p, bool be, uint8_t out[16])
{
	memcpy(out, p, 16);
	if (be)
		return;
	out[0] = p[3], out[1] = p[2], out[2] = p[1], out[3] = p[0];
	out[4] = p[5], out[5] = p[4];
	out[6] = p[7], out[7] = p[6];
}

void dcerpc_uuid_str(const uint8_t u[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	out[o] = '\0';
}

const char *dcerpc_type_name(uint8_t type)
{
	static const char *const names[] = {
	    "REQUEST",	 "PING",	  "RESPONSE",	"FAULT",	      "WORKING",
	    "NOCALL",	 "REJECT",	  "ACK",	"CL_CANCEL",	      "FACK",
	    "CANCEL_ACK", "BIND",	  "BINDACK",	"BINDNAK",	      "ALTER_CONTEXT",
	    "ALTER_CONTEXT_RESP", "AUTH3", "SHUTDOWN",	"CO_CANCEL",	      "ORPHANED",
	    "RTS",
	};
	if (type < sizeof(names) / sizeof(names[0]))
		return names[type];
	return "UNKNOWN";
}

/* ------------------------------------------------------------ transactions */

static void tx_free(struct dcerpc_state *s, struct dcerpc_tx *tx)
{
	if (tx == NULL)
		return;
	s->stub_mem -= (uint64_t)tx->stub_len[0] + tx->stub_len[1];
	free(tx->stub[0]);
	free(tx->stub[1]);
	free(tx->ifaces);
	free(tx);
}

static void drop_oldest(struct dcerpc_state *s)
{
	if (s->n_txs == 0)
		return;
	tx_free(s, s->txs[0]);
	memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
	s->n_txs--;
	s->dropped_tx++;
}

static struct dcerpc_tx *tx_new(struct dcerpc_state *s, uint32_t call_id)
{
	if (s->n_txs >= DCERPC_MAX_TX)
		drop_oldest(s);
	if (s->n_txs == s->cap_txs) {
		uint32_t cap = s->cap_txs ? s->cap_txs * 2 : 8;
		struct dcerpc_tx **n = realloc(s->txs, cap * sizeof(*n));
		if (n == NULL)
			return NULL;
		s->txs = n;
		s->cap_txs = cap;
	}
	struct dcerpc_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->id = s->next_id++;
	tx->state = s;
	tx->call_id = call_id;
	tx->udp = !s->tcp;
	/* a side whose stream was cut at its depth will not come: done */
	tx->req_done = s->truncated[APP_TOSERVER];
	tx->res_done = s->truncated[APP_TOCLIENT];
	s->txs[s->n_txs++] = tx;
	return tx;
}

/* The newest live transaction for which test() holds. */
static struct dcerpc_tx *tx_find(struct dcerpc_state *s,
				 bool (*test)(const struct dcerpc_tx *, const void *), const void *arg)
{
	for (uint32_t i = s->n_txs; i > 0; i--)
		if (test(s->txs[i - 1], arg))
			return s->txs[i - 1];
	return NULL;
}

/* Appends stub bytes of one side, keeping at most DCERPC_STUB_MAX per
 * side and DCERPC_STATE_MEMCAP for all live transactions. */
static void stub_append(struct dcerpc_state *s, struct dcerpc_tx *tx, int side, const uint8_t *d,
			uint32_t n)
{
	tx->stub_total[side] += n;
	uint32_t room = DCERPC_STUB_MAX - tx->stub_len[side];
	if (s->stub_mem >= DCERPC_STATE_MEMCAP)
		room = 0;
	else if (DCERPC_STATE_MEMCAP - s->stub_mem < room)
		room = (uint32_t)(DCERPC_STATE_MEMCAP - s->stub_mem);
	if (n > room) {
		n = room;
		tx->events |= 1u << DCERPC_EV_STUB_TRUNCATED;
	}
	if (n == 0)
		return;
	uint8_t *b = realloc(tx->stub[side], (size_t)tx->stub_len[side] + n);
	if (b == NULL)
		return;
	memcpy(b + tx->stub_len[side], d, n);
	tx->stub[side] = b;
	tx->stub_len[side] += n;
	s->stub_mem += n;
}

static void set_last(struct dcerpc_state *s, enum app_dir dir, const struct dcerpc_tx *tx)
{
	s->has_last[dir] = tx != NULL;
	if (tx != NULL)
		s->last_id[dir] = tx->id;
	if (tx != NULL && dir == APP_TOCLIENT && tx->id + 1 > s->answered_upto)
		s->answered_upto = tx->id + 1;
}

/* ------------------------------------------------------------ contexts */

static void iface_add(struct dcerpc_state *s, const struct dcerpc_iface *ifc)
{
	if (s->n_ifaces >= DCERPC_MAX_IFACES) {
		/* the oldest context goes: a long-lived pipe keeps its latest binds */
		memmove(s->ifaces, s->ifaces + 1, (s->n_ifaces - 1) * sizeof(*s->ifaces));
		s->n_ifaces--;
		s->dropped_ifaces++;
	}
	if (s->ifaces == NULL) {
		s->ifaces = calloc(DCERPC_MAX_IFACES, sizeof(*s->ifaces));
		if (s->ifaces == NULL)
			return;
	}
	s->ifaces[s->n_ifaces++] = *ifc;
}

/* ------------------------------------------------------------ CO PDUs */

struct co_hdr {
	uint8_t vers_minor, type, flags;
	bool be;
	uint16_t frag_len, auth_len;
	uint32_t call_id;
};

static void co_hdr_read(const uint8_t *p, struct co_hdr *h)
{
	h->vers_minor = p[1];
	h->type = p[2];
	h->flags = p[3];
	h->be = (p[4] & 0x10) == 0;
	h->frag_len = rd16(p + 8, h->be);
	h->auth_len = rd16(p + 10, h->be);
	h->call_id = rd32(p + 12, h->be);
}

static bool co_hdr_valid(const uint8_t *p)
{
	return p[0] == 5 && (p[1] == 0 || p[1] == 1);
}

static struct dcerpc_tx *co_tx_new(struct dcerpc_state *s, const struct co_hdr *h)
{
	struct dcerpc_tx *tx = tx_new(s, h->call_id);
	if (tx != NULL) {
		tx->rpc_vers = 5;
		tx->rpc_vers_minor = h->vers_minor;
		tx->big_endian = h->be;
	}
	return tx;
}

/* bind / alter_context: its contexts, and a transaction of its own. */
static void co_bind(struct dcerpc_state *s, const struct co_hdr *h, const uint8_t *p)
{
	struct dcerpc_tx *tx = co_tx_new(s, h);
	if (tx == NULL)
		return;
	tx->req_type = h->type;
	tx->req_seen = tx->req_done = true;
	tx->frag_cnt[0] = 1;
	set_last(s, APP_TOSERVER, tx);

	uint32_t end = h->frag_len, off = CO_HDR_LEN;
	if (end - off < 12) {
		tx->events |= 1u << DCERPC_EV_MALFORMED_PDU;
		return;
	}
	uint8_t n_ctx = p[off + 8];
	off += 12;
	for (uint8_t i = 0; i < n_ctx; i++) {
		if (end - off < 24) {
			tx->events |= 1u << DCERPC_EV_MALFORMED_PDU;
			return;
		}
		struct dcerpc_iface ifc = {0};
		ifc.call_id = h->call_id;
		ifc.bind_tx_id = tx->id;
		ifc.bind_index = i;
		ifc.first_frag = (h->flags & PFC_FIRST_FRAG) != 0;
		ifc.ctx_id = rd16(p + off, h->be);
		uint8_t n_ts = p[off + 2];
		uuid_from_wire(p + off + 4, h->be, ifc.uuid);
		ifc.ver = rd16(p + off + 20, h->be);
		ifc.ver_minor = rd16(p + off + 22, h->be);
		uint32_t item = 24u + 20u * n_ts;
		if (end - off < item) {
			tx->events |= 1u << DCERPC_EV_MALFORMED_PDU;
			return;
		}
		off += item;
		iface_add(s, &ifc);
		if (tx->n_ifaces < DCERPC_MAX_IFACES) {
			struct dcerpc_iface *n =
			    realloc(tx->ifaces, (tx->n_ifaces + 1) * sizeof(*tx->ifaces));
			if (n != NULL) {
				tx->ifaces = n;
				tx->ifaces[tx->n_ifaces++] = ifc;
			}
		}
	}
}

struct call_match {
	uint32_t call_id;
	uint8_t req_type;
};

static bool is_unanswered_call(const struct dcerpc_tx *tx, const void *arg)
{
	const struct call_match *m = arg;
	return tx->call_id == m->call_id && tx->req_seen && tx->req_type == m->req_type &&
	       !tx->res_done;
}

/* The results of a bind_ack / alter_context_resp: the i-th answers the
 * i-th context its bind (tx) proposed. */
static void co_ack_results(struct dcerpc_state *s, struct dcerpc_tx *tx, const struct co_hdr *h,
			   const uint8_t *p)
{
	uint32_t end = h->frag_len, off = CO_HDR_LEN;
	if (end - off < 10)
		goto malformed;
	uint16_t sec_len = rd16(p + off + 8, h->be);
	off += 10;
	if (end - off < sec_len)
		goto malformed;
	off += sec_len;
	off = (off + 3u) & ~3u; /* the result list is 4-aligned */
	if (off > end || end - off < 4)
		goto malformed;
	uint8_t n_res = p[off];
	off += 4;
	for (uint32_t i = 0; i < n_res; i++, off += 24) {
		if (end - off < 24)
			goto malformed;
		if (i >= tx->n_ifaces)
			continue;
		struct dcerpc_iface *t = &tx->ifaces[i];
		t->acked = true;
		t->ack_result = rd16(p + off, h->be);
		t->ack_reason = rd16(p + off + 2, h->be);
		for (uint32_t k = 0; k < s->n_ifaces; k++) {
			struct dcerpc_iface *ifc = &s->ifaces[k];
			if (ifc->bind_tx_id == tx->id && ifc->bind_index == i) {
				*ifc = *t;
				break;
			}
		}
	}
	return;
malformed:
	tx->events |= 1u << DCERPC_EV_MALFORMED_PDU;
}

static void co_bind_ack(struct dcerpc_state *s, const struct co_hdr *h, const uint8_t *p)
{
	uint8_t req = h->type == DCERPC_TYPE_ALTER_CONTEXT_RESP ? DCERPC_TYPE_ALTER_CONTEXT
								: DCERPC_TYPE_BIND;
	struct call_match m = {h->call_id, req};
	struct dcerpc_tx *tx = tx_find(s, is_unanswered_call, &m);
	if (tx == NULL)
		tx = co_tx_new(s, h);
	if (tx == NULL)
		return;
	tx->res_type = h->type;
	tx->res_seen = tx->res_done = true;
	tx->frag_cnt[1] = 1;
	set_last(s, APP_TOCLIENT, tx);
	if (h->type != DCERPC_TYPE_BINDNAK && tx->req_seen)
		co_ack_results(s, tx, h, p);
}

static bool is_open_request(const struct dcerpc_tx *tx, const void *arg)
{
	uint32_t call_id = *(const uint32_t *)arg;
	if (tx->call_id != call_id)
		return false;
	if (tx->req_seen)
		return tx->req_type == DCERPC_TYPE_REQUEST && !tx->req_done;
	/* the response came first */
	return tx->res_seen && tx->res_type == DCERPC_TYPE_RESPONSE;
}

/* A fragment is the last of its call when PFC_LAST_FRAG is set, or when
 * neither fragment flag is (Suricata takes such a PDU as whole). */
static bool co_frag_ends(uint8_t flags)
{
	uint8_t f = flags & (PFC_FIRST_FRAG | PFC_LAST_FRAG);
	return f == 0 || (f & PFC_LAST_FRAG) != 0;
}

static void co_request(struct dcerpc_state *s, const struct co_hdr *h, const uint8_t *p)
{
	uint32_t end = h->frag_len, off = CO_HDR_LEN;
	/* alloc_hint, context id, opnum; Suricata's stub starts after them,
	 * an object UUID (PFC_OBJECT_UUID) included */
	uint32_t body = 8u;
	if (end - off < body) {
		set_last(s, APP_TOSERVER, NULL);
		return;
	}
	struct dcerpc_tx *tx = tx_find(s, is_open_request, &h->call_id);
	if (tx == NULL)
		tx = co_tx_new(s, h);
	if (tx == NULL)
		return;
	tx->req_type = DCERPC_TYPE_REQUEST;
	tx->req_seen = true;
	tx->ctx_id = rd16(p + off + 4, h->be);
	tx->opnum = rd16(p + off + 6, h->be);
	tx->big_endian = h->be;
	tx->frag_cnt[0]++;
	off += body;
	stub_append(s, tx, 0, p + off, end - off);
	if (co_frag_ends(h->flags))
		tx->req_done = true;
	set_last(s, APP_TOSERVER, tx);
}

static bool is_open_response(const struct dcerpc_tx *tx, const void *arg)
{
	uint32_t call_id = *(const uint32_t *)arg;
	if (tx->call_id != call_id || tx->res_done)
		return false;
	if (tx->req_seen)
		return tx->req_type == DCERPC_TYPE_REQUEST;
	return tx->res_seen && tx->res_type == DCERPC_TYPE_RESPONSE;
}

static void co_response(struct dcerpc_state *s, const struct co_hdr *h, const uint8_t *p)
{
	uint32_t end = h->frag_len, off = CO_HDR_LEN;
	if (end - off < 8) {
		set_last(s, APP_TOCLIENT, NULL);
		return;
	}
	struct dcerpc_tx *tx = tx_find(s, is_open_response, &h->call_id);
	if (tx == NULL)
		tx = co_tx_new(s, h);
	if (tx == NULL)
		return;
	tx->res_type = DCERPC_TYPE_RESPONSE;
	tx->res_seen = true;
	tx->frag_cnt[1]++;
	/* Suricata's response stub starts right after the common header: the
	 * alloc_hint, context id and cancel count are part of it */
	stub_append(s, tx, 1, p + off, end - off);
	if (co_frag_ends(h->flags))
		tx->res_done = true;
	set_last(s, APP_TOCLIENT, tx);
}

static void co_fault(struct dcerpc_state *s, const struct co_hdr *h)
{
	struct dcerpc_tx *tx = tx_find(s, is_open_response, &h->call_id);
	if (tx == NULL)
		tx = co_tx_new(s, h);
	if (tx == NULL)
		return;
	tx->res_type = DCERPC_TYPE_FAULT;
	tx->res_seen = tx->res_done = true;
	tx->frag_cnt[1]++;
	set_last(s, APP_TOCLIENT, tx);
}

/*
 * One whole PDU: p[0 .. h->frag_len).  False for a PDU type Suricata's
 * connection-oriented parser does not know (fault, bind_nak, auth3,
 * shutdown, cancel, orphaned, rts): on a TCP flow that is a parser error
 * and the flow is parsed no further, as in Suricata.  On an SMB pipe
 * (whose PDUs Suricata's SMB parser reads) a fault answers its call and
 * the others are skipped.
 */
static bool co_pdu(struct dcerpc_state *s, enum app_dir dir, const uint8_t *p)
{
	struct co_hdr h;
	co_hdr_read(p, &h);
	switch (h.type) {
	case DCERPC_TYPE_BIND:
	case DCERPC_TYPE_ALTER_CONTEXT: co_bind(s, &h, p); return true;
	case DCERPC_TYPE_BINDACK:
	case DCERPC_TYPE_ALTER_CONTEXT_RESP: co_bind_ack(s, &h, p); return true;
	case DCERPC_TYPE_REQUEST: co_request(s, &h, p); return true;
	case DCERPC_TYPE_RESPONSE: co_response(s, &h, p); return true;
	default: break;
	}
	if (!s->pipe)
		return false;
	if (h.type == DCERPC_TYPE_FAULT)
		co_fault(s, &h);
	else if (h.type == DCERPC_TYPE_BINDNAK)
		co_bind_ack(s, &h, p);
	else
		set_last(s, dir, NULL);
	return true;
}

/* ------------------------------------------------------------ CO framing */

static bool dirbuf_put(struct dirbuf *b, const uint8_t *d, uint32_t n)
{
	if (b->len + n > b->cap) {
		uint32_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
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

/* Offset of the next "05 00" in d (n when there is none). */
static uint32_t resync(const uint8_t *d, uint32_t n)
{
	for (uint32_t i = 0; i + 1 < n; i++)
		if (d[i] == 5 && d[i + 1] == 0)
			return i;
	return n;
}

/* Length of the PDU whose header is h (CO_HDR_LEN bytes); 0 when the
 * header is not a DCERPC one. */
static uint32_t co_pdu_len(const uint8_t *h)
{
	if (!co_hdr_valid(h))
		return 0;
	struct co_hdr hd;
	co_hdr_read(h, &hd);
	return hd.frag_len < CO_HDR_LEN ? 0 : hd.frag_len;
}

/*
 * A stream of PDUs in any split.  A whole PDU in the chunk is handled in
 * place; a partial one is gathered in the direction's buffer (its header
 * first, then up to its frag_length).  A header that is not DCERPC ends
 * the direction, as Suricata's parser error does; after a gap the
 * direction looks for the next "05 00" (Suricata's resynchronisation).
 */
/* Frame types (app/frame.h), Suricata's DCERPCFrameType names. */
enum { DCERPC_FRAME_PDU, DCERPC_FRAME_HDR, DCERPC_FRAME_DATA, DCERPC_FRAME_COUNT };
static const char *const frame_names[DCERPC_FRAME_COUNT] = {
    [DCERPC_FRAME_PDU] = "pdu", [DCERPC_FRAME_HDR] = "hdr", [DCERPC_FRAME_DATA] = "data"};

/* A PDU's frames (Suricata's DCERPCFrameType): the PDU, its common
 * header and the rest, at stream offset `at`.  Not for the DCERPC that
 * SMB pipes carry: those bytes are no stream of this flow's. */
static void pdu_frames(const struct dcerpc_state *s, enum app_dir dir, uint64_t at, uint32_t len)
{
	if (s->pipe)
		return;
	(void)app_frame_new(dir, at, len, DCERPC_FRAME_PDU);
	(void)app_frame_new(dir, at, CO_HDR_LEN, DCERPC_FRAME_HDR);
	if (len > CO_HDR_LEN)
		(void)app_frame_new(dir, at + CO_HDR_LEN, len - CO_HDR_LEN, DCERPC_FRAME_DATA);
}

static enum app_parse_result parse_stream(struct dcerpc_state *s, enum app_dir dir,
					  const uint8_t *d, uint32_t n, uint32_t flags)
{
	struct dirbuf *b = &s->dir[dir];
	if (s->failed)
		return APP_PARSE_ERROR;
	if (flags & APP_CHUNK_GAP) {
		b->len = 0;
		b->gap = true;
		b->dead = false;
	}
	if (b->dead)
		return APP_PARSE_ERROR;
	uint64_t pos = app_frame_offset(); /* stream offset of d */
	while (n > 0) {
		if (b->len == 0) {
			if (b->gap) {
				uint32_t skip = resync(d, n);
				d += skip, n -= skip, pos += skip;
				if (n == 0)
					return APP_PARSE_OK;
				b->gap = false;
			}
			if (n >= CO_HDR_LEN) {
				uint32_t plen = co_pdu_len(d);
				if (plen == 0)
					goto dead;
				if (n >= plen) {
					pdu_frames(s, dir, pos, plen);
					if (!co_pdu(s, dir, d))
						goto dead;
					d += plen, n -= plen, pos += plen;
					continue;
				}
			}
		}
		uint32_t need = CO_HDR_LEN;
		if (b->len >= CO_HDR_LEN)
			need = co_pdu_len(b->buf);
		uint32_t take = need - b->len < n ? need - b->len : n;
		if (!dirbuf_put(b, d, take))
			return APP_PARSE_ERROR;
		d += take, n -= take, pos += take;
		if (b->len >= CO_HDR_LEN) {
			uint32_t plen = co_pdu_len(b->buf);
			if (plen == 0)
				goto dead;
			if (b->len == plen) {
				b->len = 0;
				pdu_frames(s, dir, pos - plen, plen);
				if (!co_pdu(s, dir, b->buf))
					goto dead;
			}
		}
	}
	return APP_PARSE_OK;
dead:
	/* Suricata stops the whole flow's parser on an error; a pipe stops
	 * only the direction */
	b->len = 0;
	b->dead = true;
	s->failed = !s->pipe;
	return APP_PARSE_ERROR;
}

/* ------------------------------------------------------------ CL (UDP) */

struct cl_match {
	uint32_t seq;
	const uint8_t *activity;
	uint8_t type;
};

static bool is_cl_open(const struct dcerpc_tx *tx, const void *arg)
{
	const struct cl_match *m = arg;
	if (tx->call_id != m->seq || memcmp(tx->activity, m->activity, 16) != 0)
		return false;
	return m->type == DCERPC_TYPE_REQUEST ? !tx->req_done : !tx->res_done;
}

static enum app_parse_result parse_datagram(struct dcerpc_state *s, enum app_dir dir,
					    const uint8_t *d, uint32_t n)
{
	if (n < CL_HDR_LEN || d[0] != 4)
		return APP_PARSE_ERROR;
	uint8_t type = d[1], flags1 = d[2];
	bool be = (d[4] & 0x10) == 0;
	uint16_t frag_len = rd16(d + 74, be);
	if (n - CL_HDR_LEN < frag_len)
		return APP_PARSE_ERROR;
	if (type != DCERPC_TYPE_REQUEST && type != DCERPC_TYPE_RESPONSE)
		return APP_PARSE_ERROR;
	uint8_t activity[16];
	uuid_from_wire(d + 40, be, activity);
	struct cl_match m = {rd32(d + 64, be), activity, type};
	struct dcerpc_tx *tx = tx_find(s, is_cl_open, &m);
	if (tx == NULL) {
		tx = tx_new(s, m.seq);
		if (tx == NULL)
			return APP_PARSE_OK;
		tx->rpc_vers = 4;
		memcpy(tx->activity, activity, 16);
		tx->big_endian = be;
	}
	bool done = (flags1 & PFCL1_FRAG) == 0 || (flags1 & PFCL1_LASTFRAG) != 0;
	int side = type == DCERPC_TYPE_REQUEST ? 0 : 1;
	if (side == 0) {
		tx->req_type = type;
		tx->req_seen = true;
		tx->req_done |= done;
		uuid_from_wire(d + 24, be, tx->if_uuid);
		uint32_t v = rd32(d + 60, be);
		tx->if_vers_major = (uint16_t)(v & 0xffff);
		tx->if_vers_minor = (uint16_t)(v >> 16);
	} else {
		tx->res_type = type;
		tx->res_seen = true;
		tx->res_done |= done;
	}
	tx->frag_cnt[side]++;
	stub_append(s, tx, side, d + CL_HDR_LEN, frag_len);
	set_last(s, dir, tx);
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ public */

struct dcerpc_state *dcerpc_state_new(bool tcp)
{
	struct dcerpc_state *s = calloc(1, sizeof(*s));
	if (s != NULL)
		s->tcp = tcp;
	return s;
}

struct dcerpc_state *dcerpc_state_new_pipe(void)
{
	struct dcerpc_state *s = dcerpc_state_new(true);
	if (s != NULL)
		s->pipe = true;
	return s;
}

void dcerpc_state_free(struct dcerpc_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s, s->txs[i]);
	free(s->txs);
	free(s->ifaces);
	free(s->dir[0].buf);
	free(s->dir[1].buf);
	free(s);
}

enum app_parse_result dcerpc_parse(struct dcerpc_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags)
{
	if (s == NULL || (dir != APP_TOSERVER && dir != APP_TOCLIENT))
		return APP_PARSE_ERROR;
	if (!s->tcp)
		return n == 0 ? APP_PARSE_OK : parse_datagram(s, dir, d, n);
	if (n == 0 && !(flags & APP_CHUNK_GAP))
		return s->failed || s->dir[dir].dead ? APP_PARSE_ERROR : APP_PARSE_OK;
	return parse_stream(s, dir, d, n, flags);
}

uint64_t dcerpc_tx_count(const struct dcerpc_state *s)
{
	return s->next_id;
}

const struct dcerpc_tx *dcerpc_tx_get(const struct dcerpc_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct dcerpc_tx, id));
}

const struct dcerpc_tx *dcerpc_last_tx(const struct dcerpc_state *s, enum app_dir dir)
{
	if (s == NULL || dir > APP_TOCLIENT || !s->has_last[dir])
		return NULL;
	return dcerpc_tx_get(s, s->last_id[dir]);
}

void dcerpc_truncate(struct dcerpc_state *s, enum app_dir dir)
{
	if (s == NULL || dir > APP_TOCLIENT)
		return;
	s->truncated[dir] = true;
	s->dir[dir].len = 0;
	s->dir[dir].dead = true;
	for (uint32_t i = 0; i < s->n_txs; i++) {
		if (dir == APP_TOSERVER)
			s->txs[i]->req_done = true;
		else
			s->txs[i]->res_done = true;
	}
}

void dcerpc_tx_release_upto(struct dcerpc_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		tx_free(s, s->txs[k++]);
	if (k == 0)
		return;
	memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
	s->n_txs -= k;
}

const struct dcerpc_iface *dcerpc_ifaces(const struct dcerpc_state *s, uint32_t *n)
{
	*n = s->n_ifaces;
	return s->ifaces;
}

const struct dcerpc_iface *dcerpc_tx_iface(const struct dcerpc_tx *tx)
{
	const struct dcerpc_state *s = tx->state;
	if (!tx->req_seen || tx->req_type != DCERPC_TYPE_REQUEST)
		return NULL;
	for (uint32_t i = s->n_ifaces; i > 0; i--)
		if (s->ifaces[i - 1].ctx_id == tx->ctx_id)
			return &s->ifaces[i - 1];
	return NULL;
}

bool dcerpc_tx_view(const struct dcerpc_tx *tx, struct dcerpc_view *v)
{
	memset(v, 0, sizeof(*v));
	if (tx == NULL)
		return false;
	v->ifaces = tx->state->ifaces;
	v->n_ifaces = tx->state->n_ifaces;
	/* Suricata matches opnum and iface on connection-oriented requests only */
	v->has_request = !tx->udp && tx->req_seen && tx->req_type == DCERPC_TYPE_REQUEST;
	v->opnum = tx->opnum;
	v->ctx_id = tx->ctx_id;
	v->big_endian = tx->big_endian;
	for (int d = 0; d < 2; d++) {
		v->stub[d] = tx->stub[d];
		v->stub_len[d] = tx->stub_len[d];
	}
	return true;
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result probe_tcp(const struct app_probe_in *in, const uint8_t *d,
				       uint32_t n)
{
	(void)in;
	if (n >= 1 && d[0] != 5)
		return APP_PROBE_NO;
	if (n >= 2 && d[1] != 0)
		return APP_PROBE_NO;
	if (n < CO_HDR_LEN)
		return APP_PROBE_NEED_MORE;
	/* Suricata's check: version 5.0, a known data representation */
	if ((d[4] & 0xee) != 0 || d[5] > 3)
		return APP_PROBE_NO;
	return APP_PROBE_MATCH;
}

static enum app_probe_result probe_udp(const struct app_probe_in *in, const uint8_t *d,
				       uint32_t n)
{
	(void)in;
	if (n >= 1 && d[0] != 4)
		return APP_PROBE_NO;
	if (n >= 2 && d[1] != 0) /* the pattern is a request: 04 00 */
		return APP_PROBE_NO;
	if (n < CL_HDR_LEN)
		return n < 2 ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	if ((d[3] & 0xfc) != 0 || (d[4] & 0xee) != 0 || d[5] > 3)
		return APP_PROBE_NO;
	return APP_PROBE_MATCH;
}

static enum app_probe_result probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	return in->tcp ? probe_tcp(in, d, n) : probe_udp(in, d, n);
}

static void *state_new(const struct app_flow_info *fi)
{
	return dcerpc_state_new(fi->tcp);
}

static void state_free(void *s)
{
	dcerpc_state_free(s);
}

static enum app_parse_result parse(void *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				   uint32_t flags)
{
	return dcerpc_parse(s, dir, d, n, flags);
}

static uint64_t tx_count(const void *s)
{
	return dcerpc_tx_count(s);
}

static const void *tx_get(const void *s, uint64_t id)
{
	return dcerpc_tx_get(s, id);
}

static enum app_side tx_side(const void *state, const void *txv, enum app_dir dir, bool eof)
{
	const struct dcerpc_state *s = state;
	const struct dcerpc_tx *tx = txv;
	bool seen = dir == APP_TOSERVER ? tx->req_seen : tx->res_seen;
	bool done = dir == APP_TOSERVER ? tx->req_done : tx->res_done;
	if (done && !seen)
		return APP_SIDE_NONE; /* cut at the stream depth */
	if (done || (seen && eof))
		return APP_SIDE_READY;
	if (eof)
		return APP_SIDE_NONE;
	/* a response with no request seen: nothing will come to the server */
	if (dir == APP_TOSERVER && !seen && tx->res_seen)
		return APP_SIDE_NONE;
	/* a later call was answered: this one's answer is not coming (a
	 * "maybe" call, an unacked bind); later responses need not wait */
	if (dir == APP_TOCLIENT && !seen && tx->id + 1 < s->answered_upto)
		return APP_SIDE_NONE;
	return APP_SIDE_PENDING;
}

static enum app_log_decision tx_log(const void *state, const void *txv, bool flow_end)
{
	(void)state;
	const struct dcerpc_tx *tx = txv;
	if (tx->req_done && tx->res_done)
		return APP_LOG_NOW;
	if (!flow_end)
		return APP_LOG_WAIT;
	/* At the end Suricata logs a TCP flow's open calls (its flow-timeout
	 * pass); a UDP flow's incomplete ones never are. */
	return tx->udp ? APP_LOG_SKIP : APP_LOG_NOW;
}

static void tx_release_upto(void *s, uint64_t id)
{
	dcerpc_tx_release_upto(s, id);
}

static void log_json(struct json *j, const void *state, const void *tx, uint32_t opts)
{
	(void)state;
	dcerpc_tx_log_json(j, tx, opts);
}

bool dcerpc_tx_share_op(const struct dcerpc_tx *tx, struct app_share_op *out)
{
	struct dcerpc_view v;
	if (tx == NULL || !dcerpc_tx_view(tx, &v) || !v.has_request)
		return false;
	out->kind = APP_SHARE_RPC;
	out->opnum = v.opnum;
	out->stub = v.stub[APP_TOSERVER];
	out->stub_len = v.stub_len[APP_TOSERVER];
	out->iface = NULL;
	for (uint32_t i = 0; i < v.n_ifaces; i++)
		if (v.ifaces[i].ctx_id == v.ctx_id && v.ifaces[i].acked &&
		    v.ifaces[i].ack_result == 0)
			out->iface = v.ifaces[i].uuid;
	return true;
}

/* A call over TCP or UDP: which procedure of which interface. */
static bool tx_share_op(const void *state, const void *tx, struct app_share_op *out)
{
	return dcerpc_tx_share_op(tx, out);
}

const struct app_protocol app_dcerpc = {
    .name = "dcerpc",
    .ipprotos = APP_IPPROTO_TCP | APP_IPPROTO_UDP,
    .probe = probe,
    .state_new = state_new,
    .state_free = state_free,
    .parse = parse,
    .tx_count = tx_count,
    .tx_get = tx_get,
    .tx_side = tx_side,
    .tx_log = tx_log,
    .tx_release_upto = tx_release_upto,
    .eve_type = "dcerpc",
    .frame_names = frame_names,
    .n_frames = DCERPC_FRAME_COUNT,
    .eve_no_tx_id = true, /* Suricata's dcerpc logger writes none */
    .log_json = log_json,
    .tx_share_op = tx_share_op,
};
