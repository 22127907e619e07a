/*
 * app/websocket.c — the WebSocket parser (see websocket.h for what it
 * covers and its bounds), after Suricata 8's rust/src/websocket: a frame
 * is a 2-byte header (FIN, RSV1-3, opcode; MASK, 7-bit length), a 16- or
 * 64-bit extended length, a 4-byte masking key when MASK is set, then
 * the payload.  Frames: websocket.pdu (header + kept payload),
 * websocket.header, websocket.data (the payload as sent).
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "app/frame.h"
#include "app/websocket.h"
#include "util/config.h"

enum { WS_FRAME_HEADER = 0, WS_FRAME_PDU, WS_FRAME_DATA, WS_FRAME_COUNT };

struct ws_dir {
	uint8_t hdr[14];
	uint32_t hdr_have, hdr_need;
	uint64_t len;	       /* the frame's payload length */
	uint32_t keep;	       /* payload bytes kept (len capped) */
	uint64_t skip;	       /* payload bytes past the cap, to skip */
	uint8_t *pl;	       /* the kept payload being read */
	uint32_t pl_have;
	bool in_payload;
	/* a fragmented message being gathered */
	uint8_t *msg;
	uint32_t msg_len;
	bool msg_active, msg_compress;
	uint32_t pending_events; /* skip_end_of_payload for the frame being read */
	int64_t frame_ids[3];	 /* its frames, given its transaction once made */
	z_stream *zs;		 /* permessage-deflate inflater (made on first use) */
};

struct ws_state {
	uint32_t max_payload;
	struct ws_dir d[2];
	struct ws_tx **txs;
	size_t n_txs, cap_txs;
	uint64_t next_id;
};

const char *const ws_event_names[WS_EV_COUNT] = {
    "skip_end_of_payload",
    "reassembly_limit_reached",
};

/* Suricata's WebSocketOpcode */
static const struct {
	uint8_t op;
	const char *name;
} opcodes[] = {
    {0, "continuation"}, {1, "text"}, {2, "binary"}, {8, "ping"}, {9, "pong"},
};

const char *ws_opcode_name(uint8_t op)
{
	for (size_t i = 0; i < sizeof(opcodes) / sizeof(opcodes[0]); i++)
		if (opcodes[i].op == op)
			return opcodes[i].name;
	return NULL;
}

int ws_opcode_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(opcodes) / sizeof(opcodes[0]); i++)
		if (strcasecmp(opcodes[i].name, name) == 0)
			return opcodes[i].op;
	return -1;
}

/* ------------------------------------------------------------ state */

struct ws_state *ws_state_new(uint32_t max_payload)
{
	struct ws_state *s = calloc(1, sizeof(*s));
	if (s != NULL)
		s->max_payload = max_payload ? max_payload : WS_MAX_PAYLOAD;
	return s;
}

static void tx_free(struct ws_tx *tx)
{
	free(tx->payload);
	free(tx);
}

void ws_state_free(struct ws_state *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		if (s->d[i].zs != NULL) {
			inflateEnd(s->d[i].zs);
			free(s->d[i].zs);
		}
		free(s->d[i].pl);
		free(s->d[i].msg);
	}
	for (size_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s);
}

uint64_t ws_tx_count(const struct ws_state *s)
{
	return s->next_id;
}

const struct ws_tx *ws_tx_get(const struct ws_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct ws_tx, id));
}

void ws_tx_release_upto(struct ws_state *s, uint64_t id)
{
	size_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		tx_free(s->txs[k++]);
	memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
	s->n_txs -= k;
}

static struct ws_tx *tx_new(struct ws_state *s, enum app_dir dir)
{
	if (s->n_txs >= WS_MAX_TX)
		return NULL;
	if (s->n_txs == s->cap_txs) {
		size_t cap = s->cap_txs ? s->cap_txs * 2 : 16;
		struct ws_tx **v = realloc(s->txs, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		s->txs = v;
		s->cap_txs = cap;
	}
	struct ws_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->id = s->next_id++;
	tx->dir = dir;
	s->txs[s->n_txs++] = tx;
	return tx;
}

/* ------------------------------------------------------------ frames */

/* RFC 7692 7.2.2: the message with 00 00 ff ff appended, raw deflate,
 * through the direction's inflater (kept across messages: the sender
 * may refer to earlier ones, "context takeover"); what inflates (up to
 * max) replaces the payload when anything does.  Output past max is
 * drained (up to WS_INFLATE_DRAIN bytes, else the context is dropped)
 * so that the next message starts clean. */
#define WS_INFLATE_DRAIN (1024u * 1024)
static void inflate_payload(struct ws_dir *dd, struct ws_tx *tx, uint32_t max)
{
	if (tx->payload_len == 0)
		return;
	if (dd->zs == NULL) {
		dd->zs = calloc(1, sizeof(*dd->zs));
		if (dd->zs == NULL)
			return;
		if (inflateInit2(dd->zs, -15) != Z_OK) {
			free(dd->zs);
			dd->zs = NULL;
			return;
		}
	}
	uint8_t *in = malloc((size_t)tx->payload_len + 4);
	uint8_t *out = malloc(max);
	if (in == NULL || out == NULL) {
		free(in);
		free(out);
		return;
	}
	memcpy(in, tx->payload, tx->payload_len);
	memcpy(in + tx->payload_len, "\x00\x00\xff\xff", 4);
	z_stream *z = dd->zs;
	z->next_in = in;
	z->avail_in = tx->payload_len + 4;
	z->next_out = out;
	z->avail_out = max;
	int rc = inflate(z, Z_SYNC_FLUSH);
	uint32_t got = max - z->avail_out;
	if (rc == Z_OK && z->avail_out == 0) {
		uint8_t sink[4096];
		uint32_t drained = 0;
		while (rc == Z_OK && drained < WS_INFLATE_DRAIN) {
			z->next_out = sink;
			z->avail_out = sizeof(sink);
			rc = inflate(z, Z_SYNC_FLUSH);
			drained += (uint32_t)(sizeof(sink) - z->avail_out);
			if (z->avail_out != 0)
				break;
		}
		if (drained >= WS_INFLATE_DRAIN)
			rc = Z_DATA_ERROR;
	}
	if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END)
		inflateReset(z); /* the context is lost: start again */
	free(in);
	if (got == 0) {
		free(out);
		return;
	}
	free(tx->payload);
	tx->payload = out;
	tx->payload_len = got;
}

/* The frame's header and kept payload are in; make its transaction. */
static void frame_done(struct ws_state *s, enum app_dir dir)
{
	struct ws_dir *dd = &s->d[dir];
	struct ws_tx *tx = tx_new(s, dir);
	uint8_t *pl = dd->pl;
	uint32_t pl_len = dd->keep;
	dd->pl = NULL;
	dd->pl_have = 0;
	if (tx == NULL) {
		free(pl);
		return;
	}
	for (int i = 0; i < 3; i++)
		if (dd->frame_ids[i] >= 0)
			app_frame_set_tx(dir, dd->frame_ids[i], tx->id);
	tx->events = dd->pending_events;
	dd->pending_events = 0;
	tx->flags = dd->hdr[0] & 0xf0;
	tx->opcode = dd->hdr[0] & 0x0f;
	tx->fin = (dd->hdr[0] & 0x80) != 0;
	tx->compress = (dd->hdr[0] & 0x40) != 0;
	tx->masked = (dd->hdr[1] & 0x80) != 0;
	if (tx->masked) {
		const uint8_t *k = dd->hdr + dd->hdr_need - 4;
		tx->mask = (uint32_t)k[0] << 24 | (uint32_t)k[1] << 16 | (uint32_t)k[2] << 8 | k[3];
		for (uint32_t i = 0; i < pl_len; i++)
			pl[i] ^= k[i & 3];
	}
	bool control = (tx->opcode & 0x08) != 0;
	bool compress = tx->compress;
	if (!control && (dd->msg_active || !tx->fin)) {
		if (!dd->msg_active) {
			dd->msg_active = true;
			dd->msg_compress = tx->compress;
			dd->msg_len = 0;
		}
		compress = dd->msg_compress;
		uint32_t room = s->max_payload - dd->msg_len;
		uint32_t k = pl_len < room ? pl_len : room;
		if (k < pl_len)
			tx->events |= 1u << WS_EV_REASSEMBLY_LIMIT_REACHED;
		if (k > 0) {
			if (dd->msg == NULL)
				dd->msg = malloc(s->max_payload);
			if (dd->msg != NULL) {
				memcpy(dd->msg + dd->msg_len, pl, k);
				dd->msg_len += k;
			}
		}
		if (tx->fin) {
			/* the final frame carries the whole message */
			free(pl);
			pl = NULL;
			pl_len = dd->msg_len;
			if (pl_len > 0) {
				pl = malloc(pl_len);
				if (pl != NULL)
					memcpy(pl, dd->msg, pl_len);
				else
					pl_len = 0;
			}
			dd->msg_active = false;
			dd->msg_len = 0;
		}
	}
	tx->payload = pl;
	tx->payload_len = pl_len;
	if (compress && tx->fin && !control)
		inflate_payload(dd, tx, s->max_payload);
}

static void header_done(struct ws_state *s, enum app_dir dir, uint64_t at)
{
	struct ws_dir *dd = &s->d[dir];
	const uint8_t *h = dd->hdr;
	uint8_t l7 = h[1] & 0x7f;
	uint64_t len = l7;
	if (l7 == 126)
		len = (uint64_t)h[2] << 8 | h[3];
	else if (l7 == 127) {
		len = 0;
		for (int i = 0; i < 8; i++)
			len = len << 8 | h[2 + i];
	}
	dd->len = len;
	/* as Suricata: a payload of max_payload bytes or more keeps max_payload */
	if (len < s->max_payload) {
		dd->keep = (uint32_t)len;
		dd->skip = 0;
	} else {
		dd->keep = s->max_payload;
		dd->skip = len - s->max_payload;
		dd->pending_events |= 1u << WS_EV_SKIP_END_OF_PAYLOAD;
	}
	dd->frame_ids[0] = app_frame_new(dir, at, dd->hdr_need, WS_FRAME_HEADER);
	dd->frame_ids[1] = app_frame_new(dir, at, (int64_t)dd->hdr_need + dd->keep, WS_FRAME_PDU);
	dd->frame_ids[2] = app_frame_new(dir, at + dd->hdr_need, dd->keep, WS_FRAME_DATA);
	dd->pl = dd->keep ? malloc(dd->keep) : NULL;
	dd->pl_have = 0;
	dd->in_payload = true;
}

enum app_parse_result ws_parse(struct ws_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			       uint32_t flags)
{
	struct ws_dir *dd = &s->d[dir];
	if (flags & APP_CHUNK_GAP)
		return APP_PARSE_ERROR; /* no way to find the next frame */
	uint32_t i = 0;
	while (i < n) {
		if (!dd->in_payload && dd->skip > 0) {
			uint64_t k = n - i < dd->skip ? n - i : dd->skip;
			dd->skip -= k;
			i += (uint32_t)k;
			continue;
		}
		if (!dd->in_payload) {
			if (dd->hdr_have < 2) {
				dd->hdr[dd->hdr_have++] = d[i++];
				if (dd->hdr_have == 2) {
					uint8_t l7 = dd->hdr[1] & 0x7f;
					dd->hdr_need = 2 + (l7 == 126 ? 2 : l7 == 127 ? 8 : 0) +
						       ((dd->hdr[1] & 0x80) ? 4 : 0);
				}
				if (dd->hdr_have < 2 || dd->hdr_have < dd->hdr_need)
					continue;
			} else {
				uint32_t k = dd->hdr_need - dd->hdr_have;
				if (k > n - i)
					k = n - i;
				memcpy(dd->hdr + dd->hdr_have, d + i, k);
				dd->hdr_have += k;
				i += k;
				if (dd->hdr_have < dd->hdr_need)
					continue;
			}
			header_done(s, dir, app_frame_offset() + i - dd->hdr_need);
			if (dd->keep > 0 && dd->pl == NULL)
				return APP_PARSE_ERROR;
		}
		uint32_t k = dd->keep - dd->pl_have;
		if (k > n - i)
			k = n - i;
		if (k > 0) {
			memcpy(dd->pl + dd->pl_have, d + i, k);
			dd->pl_have += k;
			i += k;
		}
		if (dd->pl_have < dd->keep)
			break;
		frame_done(s, dir);
		dd->in_payload = false;
		dd->hdr_have = 0;
	}
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ descriptor */

/* Suricata's probe: the reserved bits RSV2 and RSV3 clear (RSV1 is
 * compression); used when a protocol change expects websocket. */
static enum app_probe_result d_probe_port(const struct app_probe_in *in, const uint8_t *d,
					  uint32_t n)
{
	if (!in->tcp)
		return APP_PROBE_NO;
	if (n == 0)
		return APP_PROBE_NEED_MORE;
	return (d[0] & 0x30) == 0 ? APP_PROBE_MATCH : APP_PROBE_NO;
}

struct ws_config {
	uint32_t max_payload;
};

static void *d_config_new(const struct config_node *root)
{
	struct ws_config *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->max_payload = WS_MAX_PAYLOAD;
	uint64_t v = root ? config_get_size(root, "max-payload-size", WS_MAX_PAYLOAD) : WS_MAX_PAYLOAD;
	if (v > 0 && v <= 64u * 1024 * 1024)
		c->max_payload = (uint32_t)v;
	return c;
}

static void d_config_free(void *c)
{
	free(c);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	const struct ws_config *c = fi->cfg;
	return ws_state_new(c ? c->max_payload : WS_MAX_PAYLOAD);
}

static void d_state_free(void *st)
{
	ws_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return ws_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return ws_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return ws_tx_get(st, id);
}

static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	(void)eof;
	const struct ws_tx *tx = vtx;
	return tx->dir == dir ? APP_SIDE_READY : APP_SIDE_NONE;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	(void)st;
	(void)vtx;
	(void)flow_end;
	return APP_LOG_NOW;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	ws_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *vtx, int ev)
{
	(void)st;
	const struct ws_tx *tx = vtx;
	return ev >= 0 && ev < WS_EV_COUNT && (tx->events & (1u << ev));
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)st;
	(void)opts;
	ws_tx_log_json(j, tx);
}

static int d_tx_msg_dir(const void *vtx)
{
	return ((const struct ws_tx *)vtx)->dir;
}

static const char *const frame_names[WS_FRAME_COUNT] = {
    [WS_FRAME_HEADER] = "header",
    [WS_FRAME_PDU] = "pdu",
    [WS_FRAME_DATA] = "data",
};

const struct app_protocol app_websocket = {
    .name = "websocket",
    .ipprotos = APP_IPPROTO_TCP,
    .probe_port = d_probe_port,
    .config_new = d_config_new,
    .config_free = d_config_free,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = ws_event_names,
    .n_events = WS_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "websocket",
    .log_json = d_log_json,
    .tx_msg_dir = d_tx_msg_dir,
    .frame_names = frame_names,
    .n_frames = WS_FRAME_COUNT,
};
