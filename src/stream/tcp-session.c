/*
 * tcp-session — the TCP session tracker's entry point and the checks every
 * state shares: ACK, timestamp and RST validation, window and ACK
 * bookkeeping, retransmission detection, and the packet classes that skip
 * the state machine (keep-alives, window updates, outdated ACKs).
 *
 * The tracker follows Suricata's stream engine in what it accepts and in
 * the names of its states and events, so EVE output and stream-event rules
 * agree.  States are named from the server's point of view: a FIN from the
 * client moves ESTABLISHED to close_wait, one from the server to
 * fin_wait1.  A packet judged invalid gets an event and changes nothing.
 * The states themselves live in tcp-handshake.c, tcp-established.c and
 * tcp-close.c.  The payload is only ever read through p->payload and
 * p->payload_len, which the decoder bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "stream/stream-internal.h"

#define PAWS_24DAYS (24u * 24u * 60u * 60u)

void tcp_ev(struct tcp_pkt *t, enum stream_event e)
{
	stream_count_event(t->ctx, t->p, e);
}

void tcp_set_state(struct tcp_pkt *t, enum tcp_state s)
{
	struct tcp_session *ssn = t->ssn;
	if (ssn->state == s)
		return;
	ssn->pstate = ssn->state;
	ssn->state = s;
}

void tcp_bind(struct tcp_pkt *t, struct tcp_session *ssn, bool from_client)
{
	t->ssn = ssn;
	t->from_client = from_client;
	t->snd = from_client ? &ssn->client : &ssn->server;
	t->rcv = from_client ? &ssn->server : &ssn->client;
}

struct tcp_session *tcp_session_new(struct tcp_pkt *t, struct flow *f)
{
	struct stream_ctx *ctx = t->ctx;
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
	if (ctx->cfg.async_oneside)
		ssn->flags |= SSN_ASYNC;
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

void tcp_ra_reset(struct tcp_pkt *t, struct tcp_side *s, uint32_t base_seq)
{
	reasm_free(t->ctx, &s->ra);
	reasm_init(&s->ra, base_seq, false);
}

/* ---------------------------------------------------------------- checks */

bool tcp_ack_valid(struct tcp_pkt *t, const struct tcp_side *s)
{
	if (!(t->fl & TCP_ACK))
		return true;
	uint32_t ack = t->ack;
	if ((SEQ_GT(ack, s->last_ack) && SEQ_LEQ(ack, s->next_win)) || SEQ_EQ(ack, s->last_ack))
		return true;
	if (SEQ_LT(ack, s->last_ack)) {
		/* An old ACK; only one from before the window's left edge is bad. */
		if (s->window != 0 && SEQ_LT(ack, s->last_ack - s->window))
			goto invalid;
		return true;
	}
	if (t->ssn->flags & SSN_ASYNC)
		return true;
	if (t->ssn->state == TCP_STATE_SYN_SENT && !t->from_client && (t->fl & TCP_RST) &&
	    SEQ_EQ(ack, s->isn + 1))
		return true;
invalid:
	tcp_ev(t, STREAM_EV_PKT_INVALID_ACK);
	return false;
}

/* Policies that accept a zero timestamp once the handshake used real ones. */
static bool policy_accepts_zero_ts(enum stream_policy pol)
{
	return pol == STREAM_POLICY_OLD_LINUX || pol == STREAM_POLICY_WINDOWS ||
	       pol == STREAM_POLICY_WINDOWS2K3 || pol == STREAM_POLICY_VISTA ||
	       pol == STREAM_POLICY_SOLARIS;
}

/* PAWS as Suricata applies it (liberal: one behind is fine).  Returns
 * 1 valid, 0 invalid, and sets *update when last_ts may move. */
static int ts_check(struct tcp_pkt *t, bool *update)
{
	*update = false;
	if (!(t->ssn->flags & SSN_TIMESTAMP) || !t->p->tcp.has_ts)
		return 1;
	const struct tcp_side *s = t->snd;
	enum stream_policy pol = t->pol;
	uint32_t ts = t->p->tcp.ts_val, now = (uint32_t)t->p->ts_sec;
	if (pol == STREAM_POLICY_HPUX11 && !SEQ_EQ(s->next_seq, t->seq))
		return 1;
	if (ts == 0 && !policy_accepts_zero_ts(pol))
		return 0;
	if ((int32_t)(ts - s->last_ts + 1) < 0 ||
	    (s->last_ts != 0 && now > s->last_pkt_ts + PAWS_24DAYS)) {
		/* Too old, unless our own record is older than PAWS allows. */
		if (SEQ_EQ(s->next_seq, t->seq) && now > s->last_pkt_ts + PAWS_24DAYS) {
			*update = true;
			return 1;
		}
		return 0;
	}
	*update = SEQ_EQ(s->next_seq, t->seq);
	return 1;
}

bool tcp_ts_valid(struct tcp_pkt *t)
{
	bool update;
	if (ts_check(t, &update))
		return true;
	tcp_ev(t, STREAM_EV_PKT_INVALID_TIMESTAMP);
	return false;
}

void tcp_ts_update(struct tcp_pkt *t)
{
	bool update;
	if (!(t->ssn->flags & SSN_TIMESTAMP) || !t->p->tcp.has_ts) {
		if ((t->ssn->flags & SSN_TIMESTAMP) && t->pol == STREAM_POLICY_SOLARIS)
			t->ssn->flags &= ~SSN_TIMESTAMP;
		return;
	}
	if (ts_check(t, &update) && update) {
		t->snd->last_ts = t->p->tcp.ts_val;
		t->snd->last_pkt_ts = (uint32_t)t->p->ts_sec;
	}
}

/* TCP MD5 signature (RFC 2385, kind 19) or TCP-AO (RFC 5925, kind 29):
 * options the decoder does not keep, read from the header it bounded
 * (p->l4_hdr, p->tcp.hlen within p->l4_len). */
static bool has_auth_option(const struct packet *p)
{
	const uint8_t *h = p->l4_hdr;
	uint32_t hlen = p->tcp.hlen;
	if (!h || hlen <= 20 || hlen > p->l4_len)
		return false;
	for (uint32_t i = 20; i < hlen;) {
		uint8_t kind = h[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hlen || h[i + 1] < 2)
			break;
		if (kind == 19 || kind == 29)
			return true;
		i += h[i + 1];
	}
	return false;
}

bool tcp_rst_valid(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	struct tcp_side *s = t->snd;
	if ((ssn->flags & SSN_TIMESTAMP) && !tcp_ts_valid(t))
		return false;
	if ((t->fl & TCP_ACK) && t->ack != 0 && !tcp_ack_valid(t, t->rcv)) {
		tcp_ev(t, STREAM_EV_RST_INVALID_ACK);
		return false;
	}
	/* A signed RST cannot be verified here: accept it, but watch whether
	 * its sender ignores it (a sign of injection). */
	if (has_auth_option(t->p))
		t->rcv->flags |= SIDE_RST_RECV;
	if (ssn->flags & SSN_ASYNC)
		return SEQ_GEQ(t->seq, s->next_seq);
	switch (t->pol) {
	case STREAM_POLICY_HPUX11: return SEQ_GEQ(t->seq, s->next_seq);
	case STREAM_POLICY_OLD_LINUX:
	case STREAM_POLICY_LINUX:
	case STREAM_POLICY_SOLARIS:
	case STREAM_POLICY_OLD_SOLARIS:
		return SEQ_GEQ(t->seq + t->len, s->last_ack) &&
		       SEQ_LT(t->seq, s->next_seq + s->window);
	default: return SEQ_EQ(t->seq, s->next_seq);
	}
}

bool tcp_is_retransmission(struct tcp_pkt *t)
{
	const struct tcp_side *s = t->snd;
	if (t->len == 0)
		return false;
	uint32_t end = t->seq + t->len;
	if (SEQ_LEQ(end, s->next_seq) || SEQ_LT(t->seq, s->last_ack)) {
		tcp_ev(t, STREAM_EV_PKT_RETRANSMISSION);
		t->ctx->st.retransmissions++;
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- updates */

void tcp_update_last_ack(struct tcp_pkt *t, struct tcp_side *s, uint32_t ack)
{
	if (SEQ_GT(ack, s->last_ack))
		s->last_ack = ack;
	if (!s->ra.active)
		return;
	/* The FIN takes a sequence number but carries no byte. */
	uint32_t upto = s->last_ack;
	if ((s->flags & SIDE_FIN) && SEQ_GT(upto, s->fin_seq))
		upto = s->fin_seq;
	reasm_acked(t->ctx, &s->ra, t->p, reasm_seq_to_offset(&s->ra, upto));
}

void tcp_update_next_win(struct tcp_side *s)
{
	uint32_t w = s->last_ack + s->window;
	if (SEQ_GT(w, s->next_win))
		s->next_win = w;
}

void tcp_take_window(struct tcp_pkt *t)
{
	t->rcv->window = (uint32_t)t->p->tcp.win << t->snd->wscale;
}

void tcp_store(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd;
	uint32_t len = t->len;
	/* As Suricata 8: the data a RST carries is not part of the stream
	 * (rules see it on the packet only). */
	if (len == 0 || !s->ra.active || (t->fl & TCP_RST))
		return;
	t->p->stream_added = true; /* even if depth, memcap or a FIN cuts it */
	/* Nothing after a FIN is data of this stream. */
	if (s->flags & SIDE_FIN) {
		if (SEQ_GEQ(t->seq, s->fin_seq))
			return;
		if (SEQ_GT(t->seq + len, s->fin_seq))
			len = s->fin_seq - t->seq;
	}
	reasm_insert(t->ctx, &s->ra, t->pol, t->p, t->seq, t->p->payload, len);
}

void tcp_close_with_rst(struct tcp_pkt *t)
{
	t->ssn->flags |= SSN_CLOSED_BY_RST;
	tcp_set_state(t, TCP_STATE_CLOSED);
}

bool tcp_rst_after_handshake(struct tcp_pkt *t)
{
	if (!tcp_rst_valid(t))
		return false;
	tcp_close_with_rst(t);
	if ((t->fl & TCP_ACK) && tcp_ack_valid(t, t->rcv))
		tcp_update_last_ack(t, t->rcv, t->ack);
	tcp_update_last_ack(t, t->snd, t->seq);
	tcp_ts_update(t);
	tcp_store(t);
	return true;
}

/* ---------------------------------------------------------------- packet classes */

static bool is_keepalive(struct tcp_pkt *t)
{
	if (t->len > 1 || (t->fl & (TCP_SYN | TCP_FIN | TCP_RST)))
		return false;
	if (SEQ_EQ(t->ack, t->rcv->last_ack) && SEQ_EQ(t->seq, t->snd->next_seq - 1)) {
		t->snd->flags |= SIDE_KEEPALIVE;
		return true;
	}
	return false;
}

static bool is_keepalive_ack(struct tcp_pkt *t)
{
	if (t->len > 0 || (t->fl & (TCP_SYN | TCP_FIN | TCP_RST)) || t->p->tcp.win == 0)
		return false;
	uint32_t win = (uint32_t)t->p->tcp.win << t->snd->wscale;
	if (win != t->rcv->window)
		return false;
	return (t->rcv->flags & SIDE_KEEPALIVE) && SEQ_EQ(t->ack, t->rcv->last_ack) &&
	       SEQ_EQ(t->seq, t->snd->next_seq);
}

static bool is_pure_ack(const struct tcp_pkt *t)
{
	return t->len == 0 && (t->fl & (TCP_ACK | TCP_SYN | TCP_FIN | TCP_RST)) == TCP_ACK;
}

static bool is_zero_window_probe_ack(struct tcp_pkt *t)
{
	if (t->ssn->state < TCP_STATE_ESTABLISHED || !is_pure_ack(t))
		return false;
	uint32_t need = t->from_client ? SSN_ZWP_TC : SSN_ZWP_TS;
	if (!(t->ssn->flags & need))
		return false;
	uint32_t win = (uint32_t)t->p->tcp.win << t->snd->wscale;
	return win == 0 && win == t->rcv->window && SEQ_EQ(t->seq, t->snd->next_seq) &&
	       SEQ_EQ(t->ack, t->rcv->last_ack);
}

static bool is_fin_shutdown_ack(const struct tcp_pkt *t)
{
	enum tcp_state st = t->ssn->state;
	if (st != TCP_STATE_TIME_WAIT && st != TCP_STATE_CLOSE_WAIT && st != TCP_STATE_LAST_ACK)
		return false;
	if (t->fl != TCP_ACK || t->len != 0)
		return false;
	return SEQ_EQ(t->snd->next_seq + 1, t->seq) && SEQ_EQ(t->ack, t->rcv->next_seq + 1);
}

static bool is_window_update(const struct tcp_pkt *t)
{
	if (t->ssn->state < TCP_STATE_ESTABLISHED || t->len > 0 ||
	    (t->fl & (TCP_SYN | TCP_FIN | TCP_RST)) || t->p->tcp.win == 0)
		return false;
	uint32_t win = (uint32_t)t->p->tcp.win << t->snd->wscale;
	if (win == t->rcv->window)
		return false;
	return SEQ_EQ(t->ack, t->rcv->last_ack) && SEQ_EQ(t->seq, t->snd->next_seq);
}

/* A window that shrinks by more than the data it ACKs, on a packet that
 * ACKs data never seen (bug 1238 in Suricata's tracker). */
static bool is_bad_window_update(struct tcp_pkt *t)
{
	enum tcp_state st = t->ssn->state;
	if (st < TCP_STATE_ESTABLISHED || st == TCP_STATE_CLOSED ||
	    (t->fl & (TCP_SYN | TCP_FIN | TCP_RST)))
		return false;
	uint32_t win = (uint32_t)t->p->tcp.win << t->snd->wscale;
	if (win >= t->rcv->window)
		return false;
	uint32_t diff = t->rcv->window - win;
	if (diff <= t->len || !SEQ_GT(t->ack, t->rcv->next_seq) ||
	    !SEQ_GT(t->seq, t->snd->next_seq))
		return false;
	uint32_t adiff = t->ack - t->rcv->last_ack;
	if ((win > 1024 && diff > adiff + 32) || (win <= 1024 && diff > adiff)) {
		tcp_ev(t, STREAM_EV_PKT_BAD_WINDOW_UPDATE);
		return true;
	}
	return false;
}

static bool is_outdated_ack(const struct tcp_pkt *t)
{
	if (t->ssn->state < TCP_STATE_ESTABLISHED || !is_pure_ack(t))
		return false;
	return SEQ_EQ(t->seq, t->snd->next_seq) && SEQ_LT(t->ack, t->rcv->last_ack) &&
	       !t->p->tcp.has_sack;
}

/* 0: not spurious; 1: all before last_ack; 2: all before what we keep. */
static int spurious_retransmission(struct tcp_pkt *t)
{
	const struct tcp_side *s = t->snd;
	if (t->len == 0)
		return 0;
	uint32_t end = t->seq + t->len;
	if (s->ra.active && SEQ_LEQ(end, s->ra.base_seq + (uint32_t)s->ra.buf_off))
		return 2;
	return SEQ_LEQ(end, s->last_ack) ? 1 : 0;
}

/* Packets that carry nothing for the state machine; true = skip it. */
static bool skip_state_machine(struct tcp_pkt *t)
{
	if (is_keepalive(t))
		return true;
	if (is_keepalive_ack(t)) {
		t->rcv->flags &= ~SIDE_KEEPALIVE;
		return true;
	}
	t->snd->flags &= ~SIDE_KEEPALIVE;
	bool zwp_ack = is_zero_window_probe_ack(t);
	t->ssn->flags &= ~(t->from_client ? SSN_ZWP_TC : SSN_ZWP_TS);
	if (zwp_ack)
		return true;
	if (!is_fin_shutdown_ack(t) && !is_window_update(t) &&
	    (is_bad_window_update(t) || is_outdated_ack(t)))
		return true;
	int spurious = spurious_retransmission(t);
	if (spurious > 0) {
		tcp_ev(t, STREAM_EV_PKT_SPURIOUS_RETRANSMISSION);
		t->ctx->st.retransmissions++;
	}
	return spurious == 2;
}

/* A regular packet from the side that sent a RST: the RST was not its. */
static void check_post_rst(struct tcp_pkt *t)
{
	if (t->fl & TCP_RST)
		return;
	if (t->rcv->flags & SIDE_RST_RECV) {
		t->rcv->flags &= ~SIDE_RST_RECV;
		t->ssn->flags &= ~SSN_CLOSED_BY_RST;
		tcp_ev(t, STREAM_EV_SUSPECTED_RST_INJECT);
	}
}

bool tcp_dispatch(struct tcp_pkt *t, enum tcp_state state)
{
	switch (state) {
	case TCP_STATE_SYN_SENT: return tcp_state_syn_sent(t);
	case TCP_STATE_SYN_RECV: return tcp_state_syn_recv(t);
	case TCP_STATE_ESTABLISHED: return tcp_state_established(t);
	case TCP_STATE_FIN_WAIT1: return tcp_state_fin_wait1(t);
	case TCP_STATE_FIN_WAIT2: return tcp_state_fin_wait2(t);
	case TCP_STATE_CLOSING: return tcp_state_closing(t);
	case TCP_STATE_CLOSE_WAIT: return tcp_state_close_wait(t);
	case TCP_STATE_LAST_ACK: return tcp_state_last_ack(t);
	case TCP_STATE_TIME_WAIT: return tcp_state_time_wait(t);
	case TCP_STATE_CLOSED: return tcp_state_closed(t);
	default: return true;
	}
}

/* Readers may take unacknowledged bytes when no ACK will come: inline
 * mode, one-sided sessions, closed streams, flow end. */
static void sync_ack_gates(struct tcp_session *ssn, const struct stream_ctx *ctx)
{
	bool open = ctx->cfg.inline_mode || (ssn->flags & SSN_ASYNC) || ssn->ended ||
		    ssn->state == TCP_STATE_CLOSED;
	ssn->client.ra.no_ack_gate = open;
	ssn->server.ra.no_ack_gate = open;
	bool closed = ssn->ended || ssn->state == TCP_STATE_CLOSED;
	ssn->client.ra.eof = closed || (ssn->client.flags & SIDE_FIN);
	ssn->server.ra.eof = closed || (ssn->server.flags & SIDE_FIN);
}

static void count_packet(struct stream_ctx *ctx, uint8_t fl)
{
	if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		ctx->st.syn++;
	else if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		ctx->st.synack++;
	if (fl & TCP_RST)
		ctx->st.rst++;
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
	count_packet(ctx, t.fl);
	t.pol = ctx->cfg.policy;
	if (!(t.fl & TCP_ACK) && t.ack != 0)
		tcp_ev(&t, STREAM_EV_PKT_BROKEN_ACK);

	struct tcp_session *ssn = f->stream;
	if (!ssn || ssn->state == TCP_STATE_NONE) {
		if (ctx->cfg.nhosts)
			t.pol = stream_host_policy(&ctx->cfg, &p->dst);
		bool ok = tcp_state_none(&t, f);
		if (f->stream)
			sync_ack_gates(f->stream, ctx);
		return ok;
	}
	tcp_bind(&t, ssn, p->flow_toserver != ((ssn->flags & SSN_REVERSED) != 0));
	t.snd->flags |= SIDE_SEEN;
	/* The receiving host's stack, looked up once per direction. */
	if (!t.snd->policy_known) {
		t.snd->policy = (uint8_t)(ctx->cfg.nhosts ? stream_host_policy(&ctx->cfg, &p->dst)
							  : ctx->cfg.policy);
		t.snd->policy_known = true;
	}
	t.pol = (enum stream_policy)t.snd->policy;
	/* One-sided until both sides have been seen. */
	if ((ssn->flags & SSN_ASYNC) && (ssn->client.flags & SIDE_SEEN) &&
	    (ssn->server.flags & SIDE_SEEN))
		ssn->flags &= ~SSN_ASYNC;

	bool ok = true;
	if (!skip_state_machine(&t))
		ok = tcp_dispatch(&t, ssn->state);
	check_post_rst(&t);
	sync_ack_gates(ssn, ctx);
	return ok;
}
