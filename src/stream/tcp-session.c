/*
 * tcp-session — the TCP state machine: one struct tcp_session per TCP
 * flow, two sides (client, server) each with its sequence space, the
 * window the peer granted it, and its reassembly.
 *
 * It follows Suricata's stream engine in what it accepts and in the names
 * of its states and events, so EVE output and stream-event rules agree:
 *   - states are named from the server's point of view: a FIN from the
 *     client moves ESTABLISHED to close_wait, one from the server to
 *     fin_wait1;
 *   - a packet judged invalid (bad handshake, out of window, invalid ACK)
 *     gets an event and changes nothing: no state, no sequence tracking,
 *     no data;
 *   - a session starts on a SYN, or mid-stream (ACK or SYN/ACK first) only
 *     when stream.midstream (or async-oneside for SYN/ACK) allows it.
 * It never trusts a length it did not check: the payload is what the
 * decoder bounded (p->payload, p->payload_len).
 */
#include <stdlib.h>
#include <string.h>

#include "stream/stream-internal.h"

/* What one packet means to the session. */
struct tcp_pkt {
	struct stream_ctx *ctx;
	struct tcp_session *ssn;
	struct packet *p;
	struct tcp_side *snd, *rcv;
	bool from_client;
	uint8_t fl;
	uint32_t seq, ack, len;
};

static void ev(struct tcp_pkt *t, enum stream_event e)
{
	stream_count_event(t->ctx, t->p, e);
}

static void set_state(struct tcp_session *ssn, enum tcp_state s)
{
	if (ssn->state != s) {
		ssn->pstate = ssn->state;
		ssn->state = s;
	}
}

/* ---------------------------------------------------------------- updates */

static uint32_t ack_limit(const struct tcp_side *s, uint32_t ack)
{
	/* The FIN takes a sequence number but carries no byte. */
	if ((s->flags & SIDE_FIN) && SEQ_GT(ack, s->fin_seq))
		return s->fin_seq;
	return ack;
}

static void update_ack(struct tcp_pkt *t)
{
	if (!(t->fl & TCP_ACK))
		return;
	struct tcp_side *r = t->rcv;
	if (SEQ_GT(t->ack, r->last_ack))
		r->last_ack = t->ack;
	if ((r->flags & SIDE_FIN) && SEQ_GT(t->ack, r->fin_seq))
		r->flags |= SIDE_FIN_ACKED;
	reasm_acked(t->ctx, &r->ra, t->p, reasm_seq_to_offset(&r->ra, ack_limit(r, t->ack)));
}

static void update_next_win(struct tcp_side *s)
{
	uint32_t w = s->last_ack + s->window;
	if (SEQ_GT(w, s->next_win))
		s->next_win = w;
}

/* The window in a packet is what its sender can receive: it bounds the
 * other side's sending. */
static void update_window(struct tcp_pkt *t)
{
	t->rcv->window = (uint32_t)t->p->tcp.win << t->snd->wscale;
	update_next_win(t->rcv);
}

static void advance_next_seq(struct tcp_pkt *t)
{
	if (SEQ_GT(t->seq + t->len, t->snd->next_seq))
		t->snd->next_seq = t->seq + t->len;
}

static void update_ts(struct tcp_pkt *t)
{
	if (t->p->tcp.has_ts && SEQ_GT(t->p->tcp.ts_val, t->snd->last_ts))
		t->snd->last_ts = t->p->tcp.ts_val;
}

static void store_data(struct tcp_pkt *t)
{
	if (t->len == 0)
		return;
	/* Nothing after a FIN is data of this stream. */
	uint32_t len = t->len;
	if (t->snd->flags & SIDE_FIN) {
		if (SEQ_GEQ(t->seq, t->snd->fin_seq))
			return;
		if (SEQ_GT(t->seq + len, t->snd->fin_seq))
			len = t->snd->fin_seq - t->seq;
	}
	reasm_insert(t->ctx, &t->snd->ra, t->p, t->seq, t->p->payload, len);
}

static void take_fin(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd;
	if (s->flags & SIDE_FIN)
		return;
	s->flags |= SIDE_FIN;
	s->fin_seq = t->seq + t->len;
	if (SEQ_GT(s->fin_seq + 1, s->next_seq))
		s->next_seq = s->fin_seq + 1;
	s->ra.eof = true;
}

/* An ACK is invalid when it acknowledges more than the other side could
 * have sent (past the right edge of the window it was granted). */
static bool ack_valid(const struct tcp_pkt *t)
{
	if (!(t->fl & TCP_ACK) || (t->ssn->flags & SSN_ASYNC))
		return true;
	if (t->ssn->state <= TCP_STATE_SYN_RECV)
		return true;
	return !SEQ_GT(t->ack, t->rcv->next_win) || SEQ_LEQ(t->ack, t->rcv->next_seq);
}

static bool check_ack(struct tcp_pkt *t, enum stream_event state_ev)
{
	if (ack_valid(t))
		return true;
	ev(t, STREAM_EV_PKT_INVALID_ACK);
	ev(t, state_ev);
	return false;
}

/* PAWS, loosely: a timestamp older than the last one seen from the same
 * side, once both sides agreed on timestamps. */
static bool timestamp_valid(struct tcp_pkt *t)
{
	if (!(t->ssn->flags & SSN_TIMESTAMP) || (t->fl & TCP_RST) || !t->p->tcp.has_ts)
		return true;
	if (t->snd->last_ts == 0 || t->p->tcp.ts_val == 0)
		return true;
	if (SEQ_LT(t->p->tcp.ts_val, t->snd->last_ts)) {
		ev(t, STREAM_EV_PKT_INVALID_TIMESTAMP);
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- creation */

static struct tcp_session *session_new(struct stream_ctx *ctx, struct flow *f)
{
	if (!stream_ssn_mem_reserve(ctx, sizeof(struct tcp_session))) {
		ctx->st.ssn_memcap_drop++;
		return NULL;
	}
	struct tcp_session *ssn = calloc(1, sizeof(*ssn));
	if (!ssn) {
		stream_ssn_mem_release(ctx, sizeof(struct tcp_session));
		ctx->st.ssn_memcap_drop++;
		return NULL;
	}
	ssn->ctx = ctx;
	f->stream = ssn;
	ctx->st.sessions++;
	return ssn;
}

void tcp_session_free(struct tcp_session *ssn)
{
	struct stream_ctx *ctx = ssn->ctx;
	reasm_free(ctx, &ssn->client.ra);
	reasm_free(ctx, &ssn->server.ra);
	free(ssn);
	stream_ssn_mem_release(ctx, sizeof(struct tcp_session));
}

static void bind_sides(struct tcp_pkt *t, struct tcp_session *ssn, bool from_client)
{
	t->ssn = ssn;
	t->from_client = from_client;
	t->snd = from_client ? &ssn->client : &ssn->server;
	t->rcv = from_client ? &ssn->server : &ssn->client;
}

static void side_options_from(struct tcp_side *s, const struct packet *p)
{
	if (p->tcp.has_wscale) {
		s->flags |= SIDE_WSCALE;
		s->wscale = p->tcp.wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : p->tcp.wscale;
	}
	if (p->tcp.has_sackok)
		s->flags |= SIDE_SACKOK;
	if (p->tcp.has_ts) {
		s->flags |= SIDE_TS;
		s->last_ts = p->tcp.ts_val;
	}
}

static bool ra_no_gate(const struct stream_ctx *ctx, const struct tcp_session *ssn)
{
	return ctx->cfg.inline_mode || (ssn->flags & SSN_ASYNC);
}

/* (Re)starts a side's reassembly at `base`; whatever it held is released. */
static void ra_reset(struct stream_ctx *ctx, struct tcp_session *ssn, struct reasm *ra, uint32_t base)
{
	reasm_free(ctx, ra);
	reasm_init(ra, base, ra_no_gate(ctx, ssn));
}

/* A SYN with no session: the normal start. */
static bool start_on_syn(struct tcp_pkt *t, struct flow *f)
{
	struct tcp_session *ssn = session_new(t->ctx, f);
	if (!ssn)
		return false;
	if (!t->p->flow_toserver)
		ssn->flags |= SSN_REVERSED;
	bind_sides(t, ssn, true);
	struct tcp_side *c = &ssn->client;
	c->isn = t->seq;
	c->next_seq = t->seq + 1;
	c->last_ack = t->seq + 1;
	side_options_from(c, t->p);
	/* No scaling on the SYN's own window. */
	ssn->server.window = t->p->tcp.win;
	ra_reset(t->ctx, ssn, &c->ra, t->seq + 1);
	set_state(ssn, TCP_STATE_SYN_SENT);
	if (t->len > 0) {
		/* TCP Fast Open: data on the SYN is stream data. */
		ssn->flags |= SSN_TFO;
		t->seq = t->seq + 1;
		store_data(t);
		c->next_seq += t->len;
	}
	return true;
}

/* SYN/ACK first: the sender is the server (mid-stream or async). */
static bool start_on_synack(struct tcp_pkt *t, struct flow *f)
{
	struct stream_ctx *ctx = t->ctx;
	if (!ctx->cfg.midstream && !ctx->cfg.async_oneside)
		return true;
	struct tcp_session *ssn = session_new(ctx, f);
	if (!ssn)
		return false;
	ctx->st.midstream_pickups++;
	ssn->flags |= SSN_MIDSTREAM | SSN_MIDSTREAM_SYNACK;
	if (t->p->flow_toserver)
		ssn->flags |= SSN_REVERSED;
	bind_sides(t, ssn, false);
	struct tcp_side *s = &ssn->server, *c = &ssn->client;
	s->isn = t->seq;
	s->next_seq = t->seq + 1;
	s->last_ack = t->seq + 1;
	c->isn = t->ack - 1;
	c->next_seq = t->ack;
	c->last_ack = t->ack;
	side_options_from(s, t->p);
	c->wscale = TCP_WSCALE_MAX; /* the client's SYN is unknown */
	c->window = t->p->tcp.win;
	update_next_win(c);
	s->window = (uint32_t)UINT16_MAX << TCP_WSCALE_MAX;
	update_next_win(s);
	ssn->synack_seq = t->seq;
	ssn->synack_ack = t->ack;
	ssn->synack_count = 1;
	ra_reset(ctx, ssn, &s->ra, t->seq + 1);
	ra_reset(ctx, ssn, &c->ra, t->ack);
	set_state(ssn, TCP_STATE_SYN_RECV);
	return true;
}

/* An ACK first: picked up established, the sender is taken as client. */
static bool start_midstream(struct tcp_pkt *t, struct flow *f)
{
	struct stream_ctx *ctx = t->ctx;
	if (!ctx->cfg.midstream)
		return true;
	struct tcp_session *ssn = session_new(ctx, f);
	if (!ssn)
		return false;
	ctx->st.midstream_pickups++;
	ssn->flags |= SSN_MIDSTREAM;
	if (!t->p->flow_toserver)
		ssn->flags |= SSN_REVERSED;
	bind_sides(t, ssn, true);
	struct tcp_side *c = &ssn->client, *s = &ssn->server;
	c->isn = t->seq - 1;
	c->next_seq = t->seq;
	c->last_ack = t->seq;
	s->isn = t->ack - 1;
	s->next_seq = t->ack;
	s->last_ack = t->ack;
	/* Window scaling was negotiated where we could not see it: assume
	 * the largest, as Suricata does, so no real packet is out of window. */
	c->wscale = s->wscale = TCP_WSCALE_MAX;
	c->window = s->window = (uint32_t)t->p->tcp.win << TCP_WSCALE_MAX;
	update_next_win(c);
	update_next_win(s);
	if (t->p->tcp.has_ts) {
		ssn->flags |= SSN_TIMESTAMP;
		c->last_ts = t->p->tcp.ts_val;
	}
	ra_reset(ctx, ssn, &c->ra, t->seq);
	ra_reset(ctx, ssn, &s->ra, t->ack);
	set_state(ssn, TCP_STATE_ESTABLISHED);
	advance_next_seq(t);
	store_data(t);
	return true;
}

static bool state_none(struct tcp_pkt *t, struct flow *f)
{
	uint8_t fl = t->fl;
	if (fl & TCP_RST) {
		ev(t, STREAM_EV_RST_BUT_NO_SESSION);
		return false;
	}
	if ((fl & TCP_FIN) && !(fl & TCP_SYN)) {
		ev(t, STREAM_EV_FIN_BUT_NO_SESSION);
		return false;
	}
	if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		return start_on_syn(t, f);
	if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		return start_on_synack(t, f);
	if (fl & TCP_ACK)
		return start_midstream(t, f);
	return true;
}

/* ---------------------------------------------------------------- RST */

static bool rst_valid(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	struct tcp_side *s = t->snd;
	if (ssn->state == TCP_STATE_SYN_SENT) {
		/* The answer to a SYN must ACK it (and any TFO data). */
		if (t->from_client)
			return SEQ_EQ(t->seq, s->next_seq) || SEQ_EQ(t->seq, s->isn + 1);
		return (t->fl & TCP_ACK) &&
		       (SEQ_EQ(t->ack, ssn->client.next_seq) || SEQ_EQ(t->ack, ssn->client.isn + 1));
	}
	if ((t->fl & TCP_ACK) && t->ack != 0 && !ack_valid(t)) {
		ev(t, STREAM_EV_RST_INVALID_ACK);
		return false;
	}
	if (ssn->flags & SSN_ASYNC)
		return SEQ_GEQ(t->seq, s->next_seq);
	switch (t->ctx->cfg.policy) {
	case STREAM_POLICY_HPUX11:
		return SEQ_GEQ(t->seq, s->next_seq);
	case STREAM_POLICY_OLD_LINUX:
	case STREAM_POLICY_LINUX:
	case STREAM_POLICY_SOLARIS:
		return SEQ_GEQ(t->seq + t->len, s->last_ack) && SEQ_LT(t->seq, s->next_seq + s->window);
	default:
		return SEQ_EQ(t->seq, s->next_seq);
	}
}

static bool handle_rst(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (ssn->state == TCP_STATE_CLOSED)
		return true;
	if (!rst_valid(t))
		return false;
	update_ack(t);
	t->snd->flags |= SIDE_RST;
	ssn->flags |= SSN_CLOSED_BY_RST;
	ssn->rst_by_client = t->from_client;
	set_state(ssn, TCP_STATE_CLOSED);
	struct reasm *ras[2] = {&ssn->client.ra, &ssn->server.ra};
	for (int i = 0; i < 2; i++) {
		ras[i]->no_ack_gate = true;
		ras[i]->eof = true;
	}
	return true;
}

/* ---------------------------------------------------------------- handshake */

static void synack_accept(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	struct tcp_side *c = &ssn->client, *s = &ssn->server;
	s->isn = t->seq;
	s->next_seq = t->seq + 1;
	s->last_ack = t->seq + 1;
	side_options_from(s, t->p);
	/* Window scaling and timestamps count only when both offered them. */
	if (!((c->flags & SIDE_WSCALE) && (s->flags & SIDE_WSCALE)))
		c->wscale = s->wscale = 0;
	if ((c->flags & SIDE_TS) && (s->flags & SIDE_TS))
		ssn->flags |= SSN_TIMESTAMP;
	if ((c->flags & SIDE_SACKOK) && (s->flags & SIDE_SACKOK))
		ssn->flags |= SSN_SACKOK;
	update_ack(t); /* acknowledges the SYN, and TFO data */
	c->window = t->p->tcp.win; /* SYN/ACK windows are never scaled */
	c->next_win = c->last_ack + c->window;
	s->next_win = s->last_ack + s->window;
	ra_reset(t->ctx, ssn, &s->ra, t->seq + 1);
	ssn->synack_seq = t->seq;
	ssn->synack_ack = t->ack;
	ssn->synack_count = 1;
	set_state(ssn, TCP_STATE_SYN_RECV);
}

static bool syn_sent_synack(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (t->from_client) {
		if (!(ssn->flags & SSN_4WHS)) {
			ev(t, STREAM_EV_3WHS_SYNACK_IN_WRONG_DIRECTION);
			return false;
		}
		/* Simultaneous open: the client answers the server's SYN. */
		if (!SEQ_EQ(t->ack, ssn->server.isn + 1)) {
			ev(t, STREAM_EV_4WHS_SYNACK_WITH_WRONG_ACK);
			return false;
		}
		if (!SEQ_EQ(t->seq, ssn->client.isn)) {
			ev(t, STREAM_EV_4WHS_SYNACK_WITH_WRONG_SYN);
			return false;
		}
		ssn->server.last_ack = t->ack;
		update_window(t);
		set_state(ssn, TCP_STATE_SYN_RECV);
		return true;
	}
	struct tcp_side *c = &ssn->client;
	if (!SEQ_EQ(t->ack, c->next_seq)) {
		if ((ssn->flags & SSN_TFO) && SEQ_EQ(t->ack, c->isn + 1)) {
			/* The server took the SYN, not its data: the client will send
			 * the data again after the handshake. */
			ev(t, STREAM_EV_3WHS_SYNACK_TFO_DATA_IGNORED);
			c->next_seq = c->isn + 1;
		} else {
			ev(t, STREAM_EV_3WHS_SYNACK_WITH_WRONG_ACK);
			return false;
		}
	}
	synack_accept(t);
	return true;
}

static bool syn_sent_syn(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (!t->from_client) {
		/* Both sides sent a SYN: the four-way (simultaneous open) handshake. */
		ssn->flags |= SSN_4WHS;
		struct tcp_side *s = &ssn->server;
		s->isn = t->seq;
		s->next_seq = t->seq + 1;
		s->last_ack = t->seq + 1;
		side_options_from(s, t->p);
		ssn->client.window = t->p->tcp.win;
		ssn->client.next_win = ssn->client.last_ack + ssn->client.window;
		ra_reset(t->ctx, ssn, &s->ra, t->seq + 1);
		return true;
	}
	if (SEQ_EQ(t->seq, ssn->client.isn))
		return true; /* plain resend */
	if (++ssn->syn_count > t->ctx->cfg.max_syn_queued) {
		ev(t, STREAM_EV_3WHS_SYN_FLOOD);
		return false;
	}
	/* A new SYN replaces the old one: the server will answer the last. */
	struct tcp_side *c = &ssn->client;
	c->isn = t->seq;
	c->next_seq = t->seq + 1;
	c->last_ack = t->seq + 1;
	ra_reset(t->ctx, ssn, &c->ra, t->seq + 1);
	return true;
}

/* ACK while waiting for the SYN/ACK: only async-oneside makes sense of it
 * (we see the client's side of the connection only). */
static bool syn_sent_ack(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (!t->ctx->cfg.async_oneside)
		return true;
	if (!t->from_client) {
		ev(t, STREAM_EV_3WHS_ACK_IN_WRONG_DIR);
		return false;
	}
	if (!SEQ_EQ(t->seq, ssn->client.next_seq)) {
		ev(t, STREAM_EV_3WHS_ASYNC_WRONG_SEQ);
		return false;
	}
	ssn->flags |= SSN_ASYNC;
	struct tcp_side *s = &ssn->server, *c = &ssn->client;
	s->isn = t->ack - 1;
	s->next_seq = t->ack;
	s->last_ack = t->ack;
	c->wscale = s->wscale = TCP_WSCALE_MAX;
	c->ra.no_ack_gate = true;
	ra_reset(t->ctx, ssn, &s->ra, t->ack);
	set_state(ssn, TCP_STATE_ESTABLISHED);
	advance_next_seq(t);
	store_data(t);
	return true;
}

static bool state_syn_sent(struct tcp_pkt *t)
{
	uint8_t fl = t->fl;
	if (fl & TCP_RST)
		return handle_rst(t);
	if (fl & TCP_FIN)
		return true; /* as Suricata: no meaning before the handshake */
	if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		return syn_sent_synack(t);
	if (fl & TCP_SYN)
		return syn_sent_syn(t);
	if (fl & TCP_ACK) {
		if ((t->ssn->flags & SSN_4WHS) && t->from_client)
			return true;
		return syn_sent_ack(t);
	}
	return true;
}

static bool syn_recv_synack(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (t->from_client) {
		ev(t, STREAM_EV_3WHS_SYNACK_TOSERVER_ON_SYN_RECV);
		return false;
	}
	if (SEQ_EQ(t->ack, ssn->synack_ack) && SEQ_EQ(t->seq, ssn->synack_seq))
		return true; /* resend */
	if (++ssn->synack_count > t->ctx->cfg.max_synack_queued) {
		ev(t, STREAM_EV_3WHS_SYNACK_FLOOD);
		return false;
	}
	if (!SEQ_EQ(t->ack, ssn->synack_ack))
		ev(t, STREAM_EV_3WHS_SYNACK_RESEND_WITH_DIFFERENT_ACK);
	else
		ev(t, STREAM_EV_3WHS_SYNACK_RESEND_WITH_DIFF_SEQ);
	return false;
}

static bool syn_recv_syn(struct tcp_pkt *t)
{
	if (!t->from_client) {
		ev(t, STREAM_EV_3WHS_SYN_TOCLIENT_ON_SYN_RECV);
		return false;
	}
	if (!SEQ_EQ(t->seq, t->ssn->client.isn)) {
		ev(t, STREAM_EV_3WHS_SYN_RESEND_DIFF_SEQ_ON_SYN_RECV);
		return false;
	}
	return true;
}

static void establish(struct tcp_pkt *t)
{
	advance_next_seq(t);
	update_ack(t);
	update_window(t);
	update_ts(t);
	set_state(t->ssn, TCP_STATE_ESTABLISHED);
	store_data(t);
}

/* The third packet of the handshake (or the fourth, simultaneous open). */
static bool syn_recv_ack(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (ssn->flags & SSN_4WHS) {
		if (t->from_client)
			return true;
		if (!SEQ_EQ(t->seq, ssn->server.next_seq)) {
			ev(t, STREAM_EV_4WHS_WRONG_SEQ);
			return false;
		}
		if (!SEQ_EQ(t->ack, ssn->client.next_seq)) {
			ev(t, STREAM_EV_4WHS_INVALID_ACK);
			return false;
		}
		establish(t);
		return true;
	}
	if (!t->from_client) {
		ev(t, STREAM_EV_3WHS_ACK_IN_WRONG_DIR);
		return false;
	}
	struct tcp_side *c = &ssn->client;
	bool ack_ok = SEQ_EQ(t->ack, ssn->server.next_seq);
	/* Data after a lost ACK may come first: anything in the window. */
	bool seq_ok = SEQ_EQ(t->seq, c->next_seq) ||
		      (SEQ_GT(t->seq, c->next_seq) && SEQ_LEQ(t->seq + t->len, c->next_win));
	if (ack_ok && seq_ok) {
		establish(t);
		return true;
	}
	if (SEQ_EQ(t->seq, c->next_seq))
		ev(t, STREAM_EV_3WHS_RIGHT_SEQ_WRONG_ACK_EVASION);
	else
		ev(t, STREAM_EV_3WHS_WRONG_SEQ_WRONG_ACK);
	return false;
}

static bool state_syn_recv(struct tcp_pkt *t)
{
	uint8_t fl = t->fl;
	if (fl & TCP_RST)
		return handle_rst(t);
	if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		return syn_recv_synack(t);
	if (fl & TCP_SYN)
		return syn_recv_syn(t);
	if (fl & TCP_FIN)
		return true; /* as Suricata: ignored until established */
	if (fl & TCP_ACK)
		return syn_recv_ack(t);
	return true;
}

/* ---------------------------------------------------------------- established */

static bool syn_on_established(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (t->fl & TCP_ACK) {
		if (t->from_client)
			ev(t, STREAM_EV_EST_SYNACK_TOSERVER);
		else if (!SEQ_EQ(t->ack, ssn->synack_ack))
			ev(t, STREAM_EV_EST_SYNACK_RESEND_WITH_DIFFERENT_ACK);
		else if (!SEQ_EQ(t->seq, ssn->synack_seq))
			ev(t, STREAM_EV_EST_SYNACK_RESEND_WITH_DIFF_SEQ);
		else
			ev(t, STREAM_EV_EST_SYNACK_RESEND);
		return false;
	}
	if (!t->from_client)
		ev(t, STREAM_EV_EST_SYN_TOCLIENT);
	else if (!SEQ_EQ(t->seq, ssn->client.isn))
		ev(t, STREAM_EV_EST_SYN_RESEND_DIFF_SEQ);
	else
		ev(t, STREAM_EV_EST_SYN_RESEND);
	return false;
}

static bool loose_window(const struct tcp_session *ssn)
{
	return (ssn->flags & (SSN_MIDSTREAM | SSN_ASYNC)) != 0;
}

/* The checks every data/ACK packet of an established session passes. */
static bool est_segment_ok(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd;
	if (!check_ack(t, STREAM_EV_EST_INVALID_ACK))
		return false;
	if (!(t->ssn->flags & SSN_ASYNC) && SEQ_LT(t->seq, s->last_ack)) {
		bool keepalive = t->len <= 1 && SEQ_EQ(t->seq + 1, s->next_seq);
		bool partial = t->len > 0 && SEQ_GT(t->seq + t->len, s->last_ack);
		if (!keepalive && !partial) {
			ev(t, STREAM_EV_EST_PKT_BEFORE_LAST_ACK);
			return false;
		}
	}
	bool zero_window_probe = t->len == 1 && SEQ_EQ(t->seq, s->next_seq) && s->window == 0;
	if (!zero_window_probe && !loose_window(t->ssn) && SEQ_GT(t->seq + t->len, s->next_win)) {
		ev(t, STREAM_EV_EST_PACKET_OUT_OF_WINDOW);
		return false;
	}
	return true;
}

static void accept_segment(struct tcp_pkt *t)
{
	if (t->len > 0 && SEQ_LEQ(t->seq + t->len, t->snd->next_seq)) {
		ev(t, STREAM_EV_PKT_RETRANSMISSION);
		t->ctx->st.retransmissions++;
	}
	advance_next_seq(t);
	update_ack(t);
	update_window(t);
	update_ts(t);
	store_data(t);
}

static bool est_fin(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd;
	if (SEQ_LT(t->seq, s->next_seq) && SEQ_LEQ(t->seq + t->len, s->last_ack)) {
		ev(t, STREAM_EV_FIN_OUT_OF_WINDOW);
		return false;
	}
	if (!loose_window(t->ssn) && SEQ_GT(t->seq + t->len, s->next_win)) {
		ev(t, STREAM_EV_FIN_OUT_OF_WINDOW);
		return false;
	}
	if (!check_ack(t, STREAM_EV_FIN_INVALID_ACK))
		return false;
	accept_segment(t);
	take_fin(t);
	set_state(t->ssn, t->from_client ? TCP_STATE_CLOSE_WAIT : TCP_STATE_FIN_WAIT1);
	return true;
}

static bool state_established(struct tcp_pkt *t)
{
	if (t->fl & TCP_RST)
		return handle_rst(t);
	if (t->fl & TCP_SYN)
		return syn_on_established(t);
	if (t->fl & TCP_FIN)
		return est_fin(t);
	if (!est_segment_ok(t))
		return false;
	accept_segment(t);
	return true;
}

/* ---------------------------------------------------------------- closing */

struct closing_events {
	enum stream_event ack_wrong_seq, fin_wrong_seq, invalid_ack;
};

static const struct closing_events *closing_events_of(enum tcp_state s)
{
	static const struct closing_events fin1 = {STREAM_EV_FIN1_ACK_WRONG_SEQ,
						   STREAM_EV_FIN1_FIN_WRONG_SEQ, STREAM_EV_FIN1_INVALID_ACK};
	static const struct closing_events fin2 = {STREAM_EV_FIN2_ACK_WRONG_SEQ,
						   STREAM_EV_FIN2_FIN_WRONG_SEQ, STREAM_EV_FIN2_INVALID_ACK};
	static const struct closing_events closewait = {STREAM_EV_CLOSEWAIT_ACK_OUT_OF_WINDOW,
							STREAM_EV_CLOSEWAIT_FIN_OUT_OF_WINDOW,
							STREAM_EV_CLOSEWAIT_INVALID_ACK};
	static const struct closing_events lastack = {STREAM_EV_LASTACK_ACK_WRONG_SEQ,
						      STREAM_EV_LASTACK_ACK_WRONG_SEQ,
						      STREAM_EV_LASTACK_INVALID_ACK};
	static const struct closing_events closing = {STREAM_EV_CLOSING_ACK_WRONG_SEQ,
						      STREAM_EV_CLOSING_ACK_WRONG_SEQ,
						      STREAM_EV_CLOSING_INVALID_ACK};
	static const struct closing_events timewait = {STREAM_EV_TIMEWAIT_ACK_WRONG_SEQ,
						       STREAM_EV_TIMEWAIT_ACK_WRONG_SEQ,
						       STREAM_EV_TIMEWAIT_INVALID_ACK};
	switch (s) {
	case TCP_STATE_FIN_WAIT1: return &fin1;
	case TCP_STATE_FIN_WAIT2: return &fin2;
	case TCP_STATE_CLOSE_WAIT: return &closewait;
	case TCP_STATE_LAST_ACK: return &lastack;
	case TCP_STATE_CLOSING: return &closing;
	default: return &timewait;
	}
}

static bool closing_seq_ok(const struct tcp_pkt *t)
{
	const struct tcp_side *s = t->snd;
	if (SEQ_EQ(t->seq, s->next_seq) || SEQ_EQ(t->seq, s->last_ack))
		return true;
	if (t->len > 0 && SEQ_LEQ(t->seq + t->len, s->next_seq))
		return true; /* retransmission */
	if ((s->flags & SIDE_FIN) && SEQ_EQ(t->seq + t->len, s->fin_seq))
		return true; /* the FIN again */
	if (loose_window(t->ssn))
		return SEQ_GEQ(t->seq, s->last_ack);
	return SEQ_GT(t->seq, s->next_seq) && SEQ_LEQ(t->seq + t->len, s->next_win);
}

static void closing_transition(struct tcp_pkt *t, bool fin)
{
	struct tcp_session *ssn = t->ssn;
	bool client_fin_acked = (ssn->client.flags & SIDE_FIN_ACKED) != 0;
	bool server_fin_acked = (ssn->server.flags & SIDE_FIN_ACKED) != 0;
	switch (ssn->state) {
	case TCP_STATE_FIN_WAIT1: /* the server closed first */
		if (t->from_client && fin)
			set_state(ssn, server_fin_acked ? TCP_STATE_TIME_WAIT : TCP_STATE_CLOSING);
		else if (server_fin_acked)
			set_state(ssn, TCP_STATE_FIN_WAIT2);
		break;
	case TCP_STATE_FIN_WAIT2:
		if (t->from_client && fin)
			set_state(ssn, TCP_STATE_TIME_WAIT);
		break;
	case TCP_STATE_CLOSE_WAIT: /* the client closed first */
		if (!t->from_client && fin)
			set_state(ssn, TCP_STATE_LAST_ACK);
		break;
	case TCP_STATE_LAST_ACK:
		if (server_fin_acked)
			set_state(ssn, TCP_STATE_CLOSED);
		break;
	case TCP_STATE_CLOSING:
		if (client_fin_acked || server_fin_acked)
			set_state(ssn, TCP_STATE_TIME_WAIT);
		break;
	case TCP_STATE_TIME_WAIT:
		if (client_fin_acked && server_fin_acked)
			set_state(ssn, TCP_STATE_CLOSED);
		break;
	default:
		break;
	}
}

static bool state_closing(struct tcp_pkt *t)
{
	if (t->fl & TCP_RST)
		return handle_rst(t);
	if (t->fl & TCP_SYN) {
		ev(t, STREAM_EV_SHUTDOWN_SYN_RESEND);
		return false;
	}
	const struct closing_events *ce = closing_events_of(t->ssn->state);
	bool fin = (t->fl & TCP_FIN) != 0;
	if (!check_ack(t, ce->invalid_ack))
		return false;
	if (!closing_seq_ok(t)) {
		if (t->ssn->state == TCP_STATE_CLOSE_WAIT && t->len > 0 && SEQ_LT(t->seq, t->snd->last_ack))
			ev(t, STREAM_EV_CLOSEWAIT_PKT_BEFORE_LAST_ACK);
		else
			ev(t, fin ? ce->fin_wrong_seq : ce->ack_wrong_seq);
		return false;
	}
	accept_segment(t);
	if (fin)
		take_fin(t);
	closing_transition(t, fin);
	return true;
}

/* ---------------------------------------------------------------- closed */

static bool state_closed(struct tcp_pkt *t, struct packet *p)
{
	struct tcp_session *ssn = t->ssn;
	if (t->fl & TCP_RST)
		return true;
	/* The receiver of a RST that goes on sending data did not take the
	 * RST: somebody else may have sent it. */
	bool was_open = ssn->pstate >= TCP_STATE_ESTABLISHED && ssn->pstate < TCP_STATE_CLOSED;
	if ((ssn->flags & SSN_CLOSED_BY_RST) && was_open && t->from_client != ssn->rst_by_client &&
	    t->len > 0) {
		ev(t, STREAM_EV_SUSPECTED_RST_INJECT);
		ssn->flags &= ~SSN_CLOSED_BY_RST;
		ssn->state = ssn->pstate;
		struct reasm *ras[2] = {&ssn->client.ra, &ssn->server.ra};
		for (int i = 0; i < 2; i++) {
			ras[i]->no_ack_gate = ra_no_gate(t->ctx, ssn);
			ras[i]->eof = false;
		}
		(void)p;
		return ssn->state == TCP_STATE_ESTABLISHED ? state_established(t) : state_closing(t);
	}
	return true;
}

/* ---------------------------------------------------------------- entry */

/* Packet-level checks that do not depend on the state. */
static bool packet_prechecks(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if ((t->fl & (TCP_SYN | TCP_FIN)) == (TCP_SYN | TCP_FIN) && ssn->state >= TCP_STATE_SYN_RECV) {
		ev(t, STREAM_EV_FIN_SYN);
		return false;
	}
	if (!timestamp_valid(t))
		return false;
	/* Data the receiver already ACKed: a spurious retransmission. */
	if (ssn->state >= TCP_STATE_ESTABLISHED && t->len > 0 && !(t->fl & TCP_RST) &&
	    !(ssn->flags & SSN_ASYNC) && SEQ_LEQ(t->seq + t->len, t->snd->last_ack)) {
		ev(t, STREAM_EV_PKT_SPURIOUS_RETRANSMISSION);
		t->ctx->st.retransmissions++;
		return false;
	}
	return true;
}

bool tcp_session_packet(struct stream_ctx *ctx, struct flow *f, struct packet *p)
{
	struct tcp_pkt t = {
		.ctx = ctx,
		.p = p,
		.fl = p->tcp.flags,
		.seq = p->tcp.seq,
		.ack = p->tcp.ack,
		.len = p->payload ? p->payload_len : 0,
	};
	if ((t.fl & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		ctx->st.syn++;
	else if ((t.fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		ctx->st.synack++;
	if (t.fl & TCP_RST)
		ctx->st.rst++;
	if (!(t.fl & TCP_ACK) && t.ack != 0)
		ev(&t, STREAM_EV_PKT_BROKEN_ACK);

	struct tcp_session *ssn = f->stream;
	if (!ssn)
		return state_none(&t, f);
	bind_sides(&t, ssn, p->flow_toserver != ((ssn->flags & SSN_REVERSED) != 0));
	if (!packet_prechecks(&t))
		return false;
	switch (ssn->state) {
	case TCP_STATE_SYN_SENT: return state_syn_sent(&t);
	case TCP_STATE_SYN_RECV: return state_syn_recv(&t);
	case TCP_STATE_ESTABLISHED: return state_established(&t);
	case TCP_STATE_FIN_WAIT1:
	case TCP_STATE_FIN_WAIT2:
	case TCP_STATE_CLOSE_WAIT:
	case TCP_STATE_LAST_ACK:
	case TCP_STATE_CLOSING:
	case TCP_STATE_TIME_WAIT: return state_closing(&t);
	case TCP_STATE_CLOSED: return state_closed(&t, p);
	default: return true;
	}
}
