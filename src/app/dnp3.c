/*
 * dnp3.c — DNP3 framing (link layer, CRCs), transport reassembly,
 * application headers, transactions and the protocol's descriptor.  The
 * objects are decoded in dnp3-objects.c, the EVE object is dnp3-log.c.
 *
 * Per direction the parser takes whole link frames: a frame that is not
 * complete yet is copied into the direction's buffer (never more than
 * DNP3_MAX_FRAME bytes) and completed from the next chunks.  Frame
 * lengths come from the header's length byte, so no read goes past the
 * frame or the chunk.  Behaviour on bad input follows Suricata 8: see
 * dnp3.h for what each layer checks and which events it raises.  Events
 * go on the transaction the parser worked on last (Suricata's `curr`);
 * with no transaction yet they are lost, as in Suricata.
 */
#include "app/dnp3.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app/dnp3-internal.h"
#include "util/config.h"

#define DNP3_BLOCK 16
#define DNP3_CRC 2

struct dnp3_dir {
	uint8_t buf[DNP3_MAX_FRAME];
	uint32_t len;
};

struct dnp3_state {
	struct dnp3_config cfg;
	struct dnp3_dir dir[2];
	bool failed;
	struct dnp3_tx **txs; /* live transactions, ids first_id .. first_id + n_txs - 1 */
	uint32_t n_txs, cap_txs;
	uint64_t first_id, next_id;
	struct dnp3_tx *curr; /* the transaction events go on */
	uint64_t dropped;
	size_t mem;	     /* bytes held by live transactions (dnp3_tx_mem) */
	uint64_t last_id[2]; /* id of the newest transaction per direction (APP_TOSERVER ...) */
};

/* ---------------------------------------------------------- CRC-16/DNP */

/* Polynomial 0x3d65, reflected (0xa6bc), initial 0, result inverted;
 * sent low byte first after the data it covers. */
static uint16_t dnp3_crc(const uint8_t *d, uint32_t n)
{
	uint16_t crc = 0;
	for (uint32_t i = 0; i < n; i++) {
		crc ^= d[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xa6bc) : (uint16_t)(crc >> 1);
	}
	return (uint16_t)~crc;
}

/* A block of data followed by its CRC (n counts both; at least 3). */
static bool crc_ok(const uint8_t *block, uint32_t n)
{
	if (n < DNP3_CRC + 1)
		return false;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	return true; /* as Suricata's fuzz builds: let mutated frames reach the decoder */
#endif
	uint16_t c = dnp3_crc(block, n - DNP3_CRC);
	return block[n - 2] == (c & 0xff) && block[n - 1] == (c >> 8);
}

/* The user data blocks after the link header: 16 bytes + CRC each, the last shorter. */
static bool user_data_crcs_ok(const uint8_t *d, uint32_t n)
{
	uint32_t off = 0;
	while (off < n) {
		uint32_t bs = n - off >= DNP3_BLOCK + DNP3_CRC ? DNP3_BLOCK + DNP3_CRC : n - off;
		if (!crc_ok(d + off, bs))
			return false;
		off += bs;
	}
	return true;
}

/* Bytes of the frame whose header has length byte `len`, CRCs included; 0 below 5. */
static uint32_t frame_length(uint8_t len)
{
	if (len < 5)
		return 0;
	uint32_t data = len - 5u;
	uint32_t n = (data / DNP3_BLOCK) * (DNP3_BLOCK + DNP3_CRC);
	if (data % DNP3_BLOCK)
		n += data % DNP3_BLOCK + DNP3_CRC;
	return n + DNP3_LINK_HDR_SIZE;
}

/* ---------------------------------------------------------- probe */

enum app_probe_result dnp3_probe(const uint8_t *d, uint32_t n)
{
	if (memmem(d, n, "DNP3", 4) != NULL) {
		bool printable = true;
		for (uint32_t i = 0; i < n && i < 256; i++)
			if (!isprint(d[i])) {
				printable = false;
				break;
			}
		if (printable)
			return APP_PROBE_MATCH;
	}
	if (n < DNP3_LINK_HDR_SIZE)
		return APP_PROBE_NEED_MORE;
	if (d[0] != 0x05 || d[1] != 0x64 || d[2] < 5)
		return APP_PROBE_NO;
	return APP_PROBE_MATCH;
}

/* ---------------------------------------------------------- transactions */

static void set_event(struct dnp3_state *s, enum dnp3_event ev)
{
	if (s->curr != NULL)
		s->curr->events |= (uint16_t)(1u << ev);
}

static void tx_free(struct dnp3_tx *tx)
{
	free(tx->buffer);
	dnp3_objects_free(tx);
	free(tx);
}

/* What a transaction holds, for the state's memcap. */
static size_t tx_mem(const struct dnp3_tx *tx)
{
	size_t n = sizeof(*tx) + tx->buffer_cap + tx->cap_objects * sizeof(struct dnp3_object);
	for (uint32_t i = 0; i < tx->n_objects; i++)
		n += tx->objects[i].cap_points * sizeof(struct dnp3_point) +
		     tx->objects[i].cap_values * sizeof(uint64_t);
	return n;
}

static void drop_oldest(struct dnp3_state *s)
{
	if (s->n_txs == 0)
		return;
	if (s->curr == s->txs[0])
		s->curr = NULL;
	s->mem -= s->txs[0]->mem;
	tx_free(s->txs[0]);
	memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(s->txs[0]));
	s->n_txs--;
	s->first_id++;
}

static struct dnp3_tx *tx_new(struct dnp3_state *s, bool request)
{
	if (s->n_txs >= DNP3_MAX_TX) {
		drop_oldest(s);
		s->dropped++;
	}
	if (s->n_txs == s->cap_txs) {
		uint32_t nc = s->cap_txs ? s->cap_txs * 2 : 8;
		void *t = realloc(s->txs, nc * sizeof(s->txs[0]));
		if (t == NULL)
			return NULL;
		s->txs = t;
		s->cap_txs = nc;
	}
	struct dnp3_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->tx_id = s->next_id++;
	tx->is_request = request;
	s->last_id[request ? APP_TOSERVER : APP_TOCLIENT] = tx->tx_id;
	if (s->n_txs == 0)
		s->first_id = tx->tx_id;
	s->txs[s->n_txs++] = tx;
	s->curr = tx;
	if (s->n_txs > DNP3_FLOOD_COUNT)
		set_event(s, DNP3_EV_FLOODED);
	return tx;
}

/* The open transaction a non-FIR segment continues: same addresses and
 * direction, not done, and its transport sequence the next one. */
static struct dnp3_tx *tx_continued(struct dnp3_state *s, bool request, uint16_t src, uint16_t dst,
				    uint8_t th)
{
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct dnp3_tx *tx = s->txs[i];
		if (tx->is_request == request && !tx->done && tx->src == src && tx->dst == dst &&
		    ((tx->th & 0x3f) + 1) % 64 == (th & 0x3f))
			return tx;
	}
	return NULL;
}

/*
 * Appends the user data of one frame (from the transport header on, CRCs
 * included) without CRCs and without the transport header.  false when a
 * block is too short to hold data (malformed) or memory runs out.
 */
static bool reassemble(struct dnp3_tx *tx, const uint8_t *d, uint32_t n)
{
	uint32_t off = 0;
	while (off < n) {
		uint32_t bs = n - off > DNP3_BLOCK + DNP3_CRC ? DNP3_BLOCK + DNP3_CRC : n - off;
		uint32_t from = off;
		if (off == 0) { /* the transport header is not application data */
			from++;
			bs--;
		}
		if (bs < DNP3_CRC + 1)
			return false;
		uint32_t add = bs - DNP3_CRC;
		if (tx->buffer_len + add > tx->buffer_cap) {
			uint32_t nc = tx->buffer_cap ? tx->buffer_cap * 2 : 256;
			while (nc < tx->buffer_len + add)
				nc *= 2;
			uint8_t *t = realloc(tx->buffer, nc);
			if (t == NULL)
				return false;
			tx->buffer = t;
			tx->buffer_cap = nc;
		}
		memcpy(tx->buffer + tx->buffer_len, d + from, add);
		tx->buffer_len += add;
		off = from + bs;
	}
	return true;
}

/* Application bytes one frame adds (user data without CRCs and transport header). */
static uint32_t frame_app_len(uint32_t user_len)
{
	uint32_t blocks = user_len / (DNP3_BLOCK + DNP3_CRC);
	uint32_t rem = user_len % (DNP3_BLOCK + DNP3_CRC);
	uint32_t n = blocks * DNP3_BLOCK + (rem >= DNP3_CRC ? rem - DNP3_CRC : 0);
	return n > 0 ? n - 1 : 0;
}

/* One user-data frame whose CRCs are good; the transaction it went to (or NULL). */
static struct dnp3_tx *handle_user_data_tx(struct dnp3_state *s, bool request, const uint8_t *f,
					   uint32_t flen)
{
	uint16_t dst = (uint16_t)(f[4] | f[5] << 8), src = (uint16_t)(f[6] | f[7] << 8);
	const uint8_t *ud = f + DNP3_LINK_HDR_SIZE;
	uint32_t ulen = flen - DNP3_LINK_HDR_SIZE;
	uint8_t th = ud[0];
	struct dnp3_tx *tx;

	if (!(th & 0x40)) { /* not FIR: continues an open message */
		tx = tx_continued(s, request, src, dst, th);
		if (tx == NULL)
			return NULL;
		tx->th = th;
	} else {
		/* FIR: the application header follows (CRC-checked frames keep it
		 * in the first block, whose length HasUserData guaranteed). */
		uint8_t app_ctrl = ud[1], fc = ud[2];
		if (request && fc == DNP3_FC_CONFIRM)
			return NULL;
		tx = tx_new(s, request);
		if (tx == NULL)
			return NULL;
		tx->link_len = f[2];
		tx->link_ctrl = f[3];
		tx->dst = dst;
		tx->src = src;
		tx->th = th;
		tx->app_ctrl = app_ctrl;
		tx->function_code = fc;
		if (!request)
			tx->iin = (uint16_t)(ud[3] << 8 | ud[4]);
	}

	if (tx->buffer_len + frame_app_len(ulen) > DNP3_MAX_REASSEMBLY) {
		tx->events |= 1u << DNP3_EV_TOO_LONG_REASSEMBLY;
		tx->done = true;
		return tx;
	}
	if (!reassemble(tx, ud, ulen)) {
		set_event(s, DNP3_EV_MALFORMED);
		if (request)
			tx->done = true;
		return tx;
	}
	if (!(th & 0x80)) /* not FIN */
		return tx;
	tx->done = true;
	uint32_t hdr = request ? 2 : 4;
	if (tx->buffer_len >= hdr &&
	    dnp3_decode_objects(tx, tx->buffer + hdr, tx->buffer_len - hdr, s->cfg.max_objects))
		tx->complete = true;
	return tx;
}

/* handle_user_data_tx, keeping the state under DNP3_STATE_MEMCAP: the
 * oldest transactions other than the one just worked on are dropped. */
static void handle_user_data(struct dnp3_state *s, bool request, const uint8_t *f, uint32_t flen)
{
	struct dnp3_tx *tx = handle_user_data_tx(s, request, f, flen);
	if (tx == NULL)
		return;
	size_t now = tx_mem(tx);
	s->mem = s->mem - tx->mem + now;
	tx->mem = now;
	while (s->mem > DNP3_STATE_MEMCAP && s->n_txs > 1 && s->txs[0] != tx) {
		drop_oldest(s);
		s->dropped++;
	}
}

/*
 * Checks the header of the frame at f (n >= 10 bytes): its length with
 * CRCs, or 0 when the direction cannot go on (events set).
 */
static uint32_t frame_check(struct dnp3_state *s, const uint8_t *f)
{
	if (f[0] != 0x05 || f[1] != 0x64)
		return 0;
	if (!crc_ok(f, DNP3_LINK_HDR_SIZE)) {
		set_event(s, DNP3_EV_BAD_LINK_CRC);
		return 0;
	}
	uint32_t flen = frame_length(f[2]);
	if (flen == 0)
		set_event(s, DNP3_EV_LEN_TOO_SMALL);
	return flen;
}

/* A whole frame; false when the direction cannot go on. */
static bool handle_frame(struct dnp3_state *s, bool request, const uint8_t *f, uint32_t flen)
{
	uint8_t fc = f[3] & 0x0f;
	if (fc != 3 && fc != 4) /* only (un)confirmed user data */
		return true;
	/* transport header + application header (+ IIN for responses) */
	if (f[2] < 5 + 1 + 2 + (request ? 0 : 2)) {
		set_event(s, DNP3_EV_LEN_TOO_SMALL);
		return request; /* Suricata gives up on a response direction here */
	}
	if (!user_data_crcs_ok(f + DNP3_LINK_HDR_SIZE, flen - DNP3_LINK_HDR_SIZE)) {
		set_event(s, DNP3_EV_BAD_TRANSPORT_CRC);
		return true;
	}
	handle_user_data(s, request, f, flen);
	return true;
}

/* Completes the buffered frame of `dir` from d; bytes taken, or -1 on failure. */
static int64_t fill_buffered(struct dnp3_state *s, struct dnp3_dir *b, bool request,
			     const uint8_t *d, uint32_t n)
{
	uint32_t used = 0;
	uint32_t need = DNP3_LINK_HDR_SIZE;
	if (b->len >= DNP3_LINK_HDR_SIZE)
		need = frame_length(b->buf[2]);
	while (b->len < need && used < n) {
		uint32_t take = need - b->len < n - used ? need - b->len : n - used;
		memcpy(b->buf + b->len, d + used, take);
		b->len += take;
		used += take;
		if (b->len == DNP3_LINK_HDR_SIZE && need == DNP3_LINK_HDR_SIZE) {
			need = frame_check(s, b->buf);
			if (need == 0)
				return -1;
		}
	}
	if (b->len == need && need > DNP3_LINK_HDR_SIZE - 1 && b->len >= DNP3_LINK_HDR_SIZE) {
		bool ok = handle_frame(s, request, b->buf, b->len);
		b->len = 0;
		if (!ok)
			return -1;
	}
	return used;
}

static bool banner(const uint8_t *d, uint32_t n)
{
	return memmem(d, n, "DNP3", 4) != NULL;
}

enum app_parse_result dnp3_parse(struct dnp3_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n, uint32_t flags)
{
	if (s->failed)
		return APP_PARSE_ERROR;
	bool request = dir == APP_TOSERVER;
	struct dnp3_dir *b = &s->dir[dir];
	if (flags & APP_CHUNK_GAP)
		goto fail; /* Suricata's DNP3 parser does not accept gaps */
	if (n == 0)
		return APP_PARSE_OK;
	if (!request && b->len == 0 && banner(d, n))
		return APP_PARSE_OK; /* an outstation's banner is skipped */
	uint32_t off = 0;
	if (b->len > 0) {
		int64_t used = fill_buffered(s, b, request, d, n);
		if (used < 0)
			goto fail;
		off = (uint32_t)used;
	}
	while (off < n) {
		uint32_t left = n - off;
		if (left < DNP3_LINK_HDR_SIZE)
			break;
		uint32_t flen = frame_check(s, d + off);
		if (flen == 0)
			goto fail;
		if (left < flen)
			break;
		if (!handle_frame(s, request, d + off, flen))
			goto fail;
		off += flen;
	}
	if (off < n) {
		memcpy(b->buf, d + off, n - off); /* < one frame, header not yet bad */
		b->len = n - off;
	}
	return APP_PARSE_OK;
fail:
	b->len = 0;
	s->failed = true;
	return APP_PARSE_ERROR;
}

/* ---------------------------------------------------------- state */

struct dnp3_state *dnp3_state_new(const struct dnp3_config *cfg)
{
	struct dnp3_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->cfg.max_objects = cfg != NULL ? cfg->max_objects : DNP3_DEFAULT_MAX_OBJECTS;
	return s;
}

void dnp3_state_free(struct dnp3_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s);
}

uint64_t dnp3_tx_count(const struct dnp3_state *s)
{
	return s->next_id;
}

const struct dnp3_tx *dnp3_tx_get(const struct dnp3_state *s, uint64_t id)
{
	if (id < s->first_id || id - s->first_id >= s->n_txs)
		return NULL;
	return s->txs[id - s->first_id];
}

void dnp3_tx_release_upto(struct dnp3_state *s, uint64_t id)
{
	while (s->n_txs > 0 && s->first_id < id)
		drop_oldest(s);
}

uint64_t dnp3_tx_dropped(const struct dnp3_state *s)
{
	return s->dropped;
}

/* ---------------------------------------------------------- events and names */

static const char *const event_names[DNP3_EV_COUNT] = {
    "flooded",	      "len_too_small",	 "bad_link_crc",     "bad_transport_crc",   "malformed",
    "unknown_object", "too_many_points", "too_many_objects", "too_long_reassembly",
};

bool dnp3_tx_has_event(const struct dnp3_tx *tx, enum dnp3_event ev)
{
	return ev < DNP3_EV_COUNT && (tx->events & (1u << ev)) != 0;
}

const char *dnp3_event_name(enum dnp3_event ev)
{
	return ev < DNP3_EV_COUNT ? event_names[ev] : NULL;
}

static const struct {
	const char *name;
	uint8_t code;
} functions[] = {
    {"confirm", 0},
    {"read", 1},
    {"write", 2},
    {"select", 3},
    {"operate", 4},
    {"direct_operate", 5},
    {"direct_operate_nr", 6},
    {"immed_freeze", 7},
    {"immed_freeze_nr", 8},
    {"freeze_clear", 9},
    {"freeze_clear_nr", 10},
    {"freeze_at_time", 11},
    {"freeze_at_time_nr", 12},
    {"cold_restart", 13},
    {"warm_restart", 14},
    {"initialize_data", 15},
    {"initialize_appl", 16},
    {"start_appl", 17},
    {"stop_appl", 18},
    {"save_config", 19},
    {"enable_unsolicited", 20},
    {"disable_unsolicited", 21},
    {"assign_class", 22},
    {"delay_measure", 23},
    {"record_current_time", 24},
    {"open_file", 25},
    {"close_file", 26},
    {"delete_file", 27},
    {"get_file_info", 28},
    {"authenticate_file", 29},
    {"abort_file", 30},
    {"activate_config", 31},
    {"authenticate_req", 32},
    {"authenticate_err", 33},
    {"response", 129},
    {"unsolicited_response", 130},
    {"authenticate_resp", 131},
};

int dnp3_function_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (strcasecmp(name, functions[i].name) == 0)
			return functions[i].code;
	/* Suricata 8's enum spells these two so (its documentation does not) */
	if (strcasecmp(name, "autenthicate_req") == 0)
		return 32;
	if (strcasecmp(name, "autenthicate_err") == 0)
		return 33;
	return -1;
}

/* IIN bits by name, in the order EVE lists them (iin1 in the high byte). */
static const struct {
	const char *name;
	uint16_t bit;
} indicators[] = {
    {"device_restart", 0x8000},
    {"device_trouble", 0x4000},
    {"local_control", 0x2000},
    {"need_time", 0x1000},
    {"class_3_events", 0x0800},
    {"class_2_events", 0x0400},
    {"class_1_events", 0x0200},
    {"all_stations", 0x0100},
    {"reserved_1", 0x0080},
    {"reserved_2", 0x0040},
    {"config_corrupt", 0x0020},
    {"already_executing", 0x0010},
    {"event_buffer_overflow", 0x0008},
    {"parameter_error", 0x0004},
    {"object_unknown", 0x0002},
    {"no_func_code_support", 0x0001},
};

int dnp3_indicator_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(indicators) / sizeof(indicators[0]); i++)
		if (strcasecmp(name, indicators[i].name) == 0)
			return indicators[i].bit;
	return -1;
}

bool dnp3_indicator(size_t i, const char **name, uint16_t *bit)
{
	if (i >= sizeof(indicators) / sizeof(indicators[0]))
		return false;
	*name = indicators[i].name;
	*bit = indicators[i].bit;
	return true;
}

/* ---------------------------------------------------------- descriptor */

static enum app_probe_result probe_port(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	return dnp3_probe(d, n);
}

static void *dnp3_config_new(const struct config_node *root)
{
	struct dnp3_config *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	int64_t v =
	    config_get_int(root, "app-layer.protocols.dnp3.max-objects", DNP3_DEFAULT_MAX_OBJECTS);
	c->max_objects = v > 0 && v <= UINT32_MAX ? (uint32_t)v : DNP3_DEFAULT_MAX_OBJECTS;
	return c;
}

static void *state_new(const struct app_flow_info *fi)
{
	return dnp3_state_new(fi != NULL ? fi->cfg : NULL);
}

static void state_free(void *s)
{
	dnp3_state_free(s);
}

static enum app_parse_result parse(void *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				   uint32_t flags)
{
	return dnp3_parse(s, dir, d, n, flags);
}

static uint64_t tx_count(const void *s)
{
	return dnp3_tx_count(s);
}

static const void *tx_get(const void *s, uint64_t id)
{
	return dnp3_tx_get(s, id);
}

/*
 * A message is ready once its last segment was seen; one whose last segment
 * never came stops holding up the messages after it once a newer message
 * of its direction has begun (Suricata does not keep transactions in order
 * either): it is inspected and logged as it is.
 */
static bool tx_ready(const struct dnp3_state *s, const struct dnp3_tx *tx, bool end)
{
	return tx->done || tx->complete || end || tx->tx_id < s->last_id[!tx->is_request];
}

static enum app_side tx_side(const void *vs, const void *vtx, enum app_dir dir, bool eof)
{
	const struct dnp3_tx *tx = vtx;
	if (tx->is_request != (dir == APP_TOSERVER))
		return APP_SIDE_NONE;
	return tx_ready(vs, tx, eof) ? APP_SIDE_READY : APP_SIDE_PENDING;
}

static enum app_log_decision tx_log(const void *vs, const void *vtx, bool flow_end)
{
	return tx_ready(vs, vtx, flow_end) ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void tx_release_upto(void *s, uint64_t id)
{
	dnp3_tx_release_upto(s, id);
}

static bool tx_has_event(const void *s, const void *tx, int ev)
{
	return dnp3_tx_has_event(tx, (enum dnp3_event)ev);
}

static void log_json(struct json *j, const void *s, const void *tx, uint32_t opts)
{
	dnp3_tx_log_json(j, tx, opts);
}

const struct app_protocol app_dnp3 = {
    .name = "dnp3",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "20000",
    .probe_port = probe_port,
    .config_new = dnp3_config_new,
    .config_free = free,
    .state_new = state_new,
    .state_free = state_free,
    .parse = parse,
    .tx_count = tx_count,
    .tx_get = tx_get,
    .tx_side = tx_side,
    .tx_log = tx_log,
    .tx_release_upto = tx_release_upto,
    .event_names = event_names,
    .n_events = DNP3_EV_COUNT,
    .events_upper = true,
    .tx_has_event = tx_has_event,
    .eve_type = "dnp3",
    .log_json = log_json,
    .eve_no_tx_id = true,
    .eve_alert_opts = DNP3_EVE_ALERT,
};
