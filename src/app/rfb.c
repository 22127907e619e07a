/*
 * rfb.c — the RFB parser (API and bounds in app/rfb.h): Suricata's
 * handshake state machine (protocol version, security types, VNC
 * authentication, security result, ClientInit, ServerInit) over the two
 * directions' buffered bytes, and the descriptor.  The EVE writer is
 * rfb-log.c.  Each step reads only the bytes its direction has buffered.
 */
#include "app/rfb.h"

#include <stdlib.h>
#include <string.h>

const char *const rfb_event_names[RFB_EV_COUNT] = {
    [RFB_EV_UNIMPLEMENTED_SECURITY_TYPE] = "unimplemented_security_type",
    [RFB_EV_UNKNOWN_SECURITY_RESULT] = "unknown_security_result",
    [RFB_EV_MALFORMED_MESSAGE] = "malformed_message",
    [RFB_EV_CONFUSED_STATE] = "confused_state",
};

enum step {
	S_SERVER_VERSION, /* to client */
	S_CLIENT_VERSION, /* to server */
	S_SEC_TYPES,	  /* to client: 3.3 a u32, else a count and a list */
	S_SEC_CHOICE,	  /* to server: one byte */
	S_FAILURE_REASON, /* to client: u32 length + string */
	S_VNC_CHALLENGE,  /* to client: 16 bytes */
	S_VNC_RESPONSE,	  /* to server: 16 bytes */
	S_SEC_RESULT,	  /* to client: u32 */
	S_CLIENT_INIT,	  /* to server: one byte */
	S_SERVER_INIT,	  /* to client */
	S_DONE,
	S_STOPPED, /* something this parser does not follow */
};

struct dirbuf {
	uint8_t *buf;
	uint32_t len, cap;
};

struct rfb_state {
	struct dirbuf dir[2];
	enum step step;
	int minor; /* 3, 7 or 8 (and later versions as 8) */
	struct rfb_tx *tx;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void str_set(struct rfb_str *s, const uint8_t *d, uint32_t n)
{
	free(s->p);
	if (n > RFB_MAX_STR)
		n = RFB_MAX_STR;
	s->p = malloc(n ? n : 1);
	s->len = 0;
	if (s->p == NULL)
		return;
	memcpy(s->p, d, n);
	s->len = n;
}

enum app_probe_result rfb_probe(const uint8_t *d, uint32_t n)
{
	static const char tmpl[] = "RFB 000.000\n";
	for (uint32_t i = 0; i < n && i < 12; i++) {
		char t = tmpl[i];
		if (t == '0' ? (d[i] < '0' || d[i] > '9') : d[i] != (uint8_t)t)
			return APP_PROBE_NO;
	}
	return n < 12 ? APP_PROBE_NEED_MORE : APP_PROBE_MATCH;
}

/* Which direction a step reads. */
static enum app_dir step_dir(enum step st)
{
	switch (st) {
	case S_CLIENT_VERSION:
	case S_SEC_CHOICE:
	case S_VNC_RESPONSE:
	case S_CLIENT_INIT: return APP_TOSERVER;
	default: return APP_TOCLIENT;
	}
}

/* After authentication: the result (3.8, or VNC auth), or ClientInit. */
static enum step after_auth(const struct rfb_state *s, uint32_t type)
{
	if (type == 2 || s->minor >= 8)
		return S_SEC_RESULT;
	return S_CLIENT_INIT;
}

static enum step after_type(struct rfb_state *s, uint32_t type)
{
	s->tx->has_sec_type = true;
	s->tx->sec_type = type;
	if (type == 1)
		return after_auth(s, type);
	if (type == 2)
		return S_VNC_CHALLENGE;
	s->tx->events |= 1u << RFB_EV_UNIMPLEMENTED_SECURITY_TYPE;
	return S_STOPPED;
}

/* One step from the bytes [d, d + n) of its direction: the bytes it
 * used, 0 when it needs more. */
static uint32_t step_once(struct rfb_state *s, const uint8_t *d, uint32_t n)
{
	struct rfb_tx *tx = s->tx;
	switch (s->step) {
	case S_SERVER_VERSION:
	case S_CLIENT_VERSION: {
		if (n < 12)
			return 0;
		if (rfb_probe(d, 12) != APP_PROBE_MATCH) {
			tx->events |= 1u << RFB_EV_MALFORMED_MESSAGE;
			s->step = S_STOPPED;
			return 12;
		}
		bool server = s->step == S_SERVER_VERSION;
		char *maj = server ? tx->server_major : tx->client_major;
		char *min = server ? tx->server_minor : tx->client_minor;
		memcpy(maj, d + 4, 3);
		maj[3] = 0;
		memcpy(min, d + 8, 3);
		min[3] = 0;
		if (server) {
			tx->has_server_version = true;
			s->step = S_CLIENT_VERSION;
		} else {
			tx->has_client_version = true;
			/* the version the client chose decides the handshake */
			int mj = atoi(maj), mn = atoi(min);
			s->minor = mj > 3 ? 8 : mn >= 8 ? 8 : mn >= 7 ? 7 : 3;
			s->step = S_SEC_TYPES;
		}
		return 12;
	}
	case S_SEC_TYPES:
		if (s->minor == 3) {
			if (n < 4)
				return 0;
			uint32_t type = be32(d);
			s->step = type == 0 ? S_FAILURE_REASON : after_type(s, type);
			return 4;
		}
		if (n < 1 || n < 1u + d[0])
			return 0;
		s->step = d[0] == 0 ? S_FAILURE_REASON : S_SEC_CHOICE;
		return 1u + d[0];
	case S_SEC_CHOICE:
		if (n < 1)
			return 0;
		s->step = after_type(s, d[0]);
		return 1;
	case S_FAILURE_REASON: {
		if (n < 4 || n - 4 < be32(d))
			return 0;
		uint32_t l = be32(d);
		tx->has_failure_reason = true;
		str_set(&tx->failure_reason, d + 4, l);
		s->step = S_DONE;
		return 4 + l;
	}
	case S_VNC_CHALLENGE:
	case S_VNC_RESPONSE:
		if (n < 16)
			return 0;
		if (s->step == S_VNC_CHALLENGE) {
			memcpy(tx->challenge, d, 16);
			tx->has_challenge = true;
			s->step = S_VNC_RESPONSE;
		} else {
			memcpy(tx->response, d, 16);
			tx->has_response = true;
			s->step = S_SEC_RESULT;
		}
		return 16;
	case S_SEC_RESULT:
		if (n < 4)
			return 0;
		tx->has_result = true;
		tx->result = be32(d);
		if (tx->result == 0)
			s->step = S_CLIENT_INIT;
		else if (tx->result == 1)
			s->step = s->minor >= 8 ? S_FAILURE_REASON : S_DONE;
		else {
			tx->events |= 1u << RFB_EV_UNKNOWN_SECURITY_RESULT;
			s->step = S_STOPPED;
		}
		return 4;
	case S_CLIENT_INIT:
		if (n < 1)
			return 0;
		tx->has_client_init = true;
		tx->shared = d[0];
		s->step = S_SERVER_INIT;
		return 1;
	case S_SERVER_INIT: {
		if (n < 24 || n - 24 < be32(d + 20))
			return 0;
		uint32_t l = be32(d + 20);
		tx->has_server_init = true;
		tx->width = (uint16_t)(d[0] << 8 | d[1]);
		tx->height = (uint16_t)(d[2] << 8 | d[3]);
		memcpy(tx->pixel_format, d + 4, 16);
		str_set(&tx->name, d + 24, l);
		s->step = S_DONE;
		return 24 + l;
	}
	default: return 0;
	}
}

static bool buf_append(struct dirbuf *b, const uint8_t *d, uint32_t n)
{
	if (b->len + n > b->cap) {
		uint32_t nc = b->cap ? b->cap : 256;
		while (nc < b->len + n)
			nc *= 2;
		uint8_t *nb = realloc(b->buf, nc);
		if (nb == NULL)
			return false;
		b->buf = nb;
		b->cap = nc;
	}
	memcpy(b->buf + b->len, d, n);
	b->len += n;
	return true;
}

enum app_parse_result rfb_parse(struct rfb_state *s, enum app_dir dir, const uint8_t *d,
				uint32_t n, uint32_t flags)
{
	if (s->tx == NULL) {
		s->tx = calloc(1, sizeof(*s->tx));
		if (s->tx == NULL)
			return APP_PARSE_ERROR;
	}
	if (s->step >= S_DONE) {
		if (flags & APP_CHUNK_EOF)
			s->tx->complete = true;
		return APP_PARSE_OK;
	}
	if (flags & APP_CHUNK_GAP) {
		s->tx->events |= 1u << RFB_EV_CONFUSED_STATE;
		s->step = S_STOPPED;
		return APP_PARSE_OK;
	}
	struct dirbuf *b = &s->dir[dir];
	if (b->len + n > RFB_MAX_MSG) {
		s->tx->events |= 1u << RFB_EV_MALFORMED_MESSAGE;
		s->step = S_STOPPED;
		return APP_PARSE_OK;
	}
	if (n > 0 && !buf_append(b, d, n))
		return APP_PARSE_ERROR;
	/* advance while the step's direction has what it needs */
	for (;;) {
		if (s->step >= S_DONE)
			break;
		struct dirbuf *sb = &s->dir[step_dir(s->step)];
		uint32_t used = step_once(s, sb->buf, sb->len);
		if (used == 0)
			break;
		memmove(sb->buf, sb->buf + used, sb->len - used);
		sb->len -= used;
	}
	if (s->step == S_DONE)
		s->tx->complete = true;
	if (flags & APP_CHUNK_EOF)
		s->tx->complete = true;
	return APP_PARSE_OK;
}

const struct rfb_tx *rfb_state_tx(const struct rfb_state *s)
{
	return s->tx;
}

struct rfb_state *rfb_state_new(void)
{
	return calloc(1, sizeof(struct rfb_state));
}

void rfb_state_free(struct rfb_state *s)
{
	if (s == NULL)
		return;
	free(s->dir[0].buf);
	free(s->dir[1].buf);
	if (s->tx != NULL) {
		free(s->tx->failure_reason.p);
		free(s->tx->name.p);
		free(s->tx);
	}
	free(s);
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	if (!in->tcp)
		return APP_PROBE_NO;
	return rfb_probe(d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return rfb_state_new();
}

static void d_state_free(void *st)
{
	rfb_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return rfb_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return rfb_state_tx(st) != NULL ? 1 : 0;
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return id == 0 ? rfb_state_tx(st) : NULL;
}

static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	(void)dir;
	const struct rfb_tx *tx = vtx;
	return tx->complete || eof ? APP_SIDE_READY : APP_SIDE_PENDING;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	(void)st;
	return ((const struct rfb_tx *)vtx)->complete || flow_end ? APP_LOG_NOW : APP_LOG_WAIT;
}

static bool d_tx_has_event(const void *st, const void *vtx, int ev)
{
	(void)st;
	return ev >= 0 && ev < RFB_EV_COUNT && (((const struct rfb_tx *)vtx)->events & (1u << ev));
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)st;
	(void)opts;
	rfb_tx_log_json(j, tx);
}

const struct app_protocol app_rfb = {
    .name = "rfb",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "5900,5901,5902,5903,5904,5905,5906,5907,5908,5909",
    .probe = d_probe,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .event_names = rfb_event_names,
    .n_events = RFB_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "rfb",
    .log_json = d_log_json,
    .eve_no_tx_id = true,
};
