/*
 * tcp-handshake — how a session starts: on a SYN (syn_sent), on a
 * SYN/ACK, ACK or FIN with data when mid-stream pick-up is allowed, and
 * the syn_sent / syn_recv states up to established: three-way and
 * four-way (simultaneous open) handshakes, TCP Fast Open data on the SYN,
 * retransmitted and differing SYNs and SYN/ACKs, async (one side only)
 * sessions and the handshake's final ACK, lost or not.
 */
#include "stream/stream-internal.h"

/* ---------------------------------------------------------------- no session */

static void take_ts_from_syn(struct tcp_side *s, const struct packet *p)
{
	if (!p->tcp.has_ts)
		return;
	s->flags |= SIDE_TS;
	s->last_ts = p->tcp.ts_val;
	s->last_pkt_ts = (uint32_t)p->ts_sec;
	if (s->last_ts == 0)
		s->flags |= SIDE_ZERO_TS;
}

/* A mid-stream pick-up with timestamps: both sides' values from one packet. */
static void take_ts_midstream(struct tcp_pkt *t)
{
	if (!t->p->tcp.has_ts)
		return;
	t->ssn->flags |= SSN_TIMESTAMP;
	t->snd->last_ts = t->p->tcp.ts_val;
	t->snd->last_pkt_ts = (uint32_t)t->p->ts_sec;
	t->rcv->last_ts = t->p->tcp.ts_ecr;
}

static bool start_on_syn(struct tcp_pkt *t, struct flow *f)
{
	struct tcp_session *ssn = tcp_session_new(t, f);
	if (!ssn)
		return false;
	if (!t->p->flow_toserver)
		ssn->flags |= SSN_REVERSED;
	tcp_bind(t, ssn, true);
	struct tcp_side *c = &ssn->client;
	c->flags |= SIDE_SEEN;
	c->isn = t->seq;
	c->next_seq = t->seq + 1;
	c->last_ack = t->seq + 1;
	take_ts_from_syn(c, t->p);
	ssn->server.window = t->p->tcp.win; /* a SYN's window is never scaled */
	if (t->p->tcp.has_wscale) {
		ssn->flags |= SSN_CLIENT_WSCALE;
		c->wscale = t->p->tcp.wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : t->p->tcp.wscale;
	}
	if (t->p->tcp.has_sackok)
		ssn->flags |= SSN_CLIENT_SACKOK;
	tcp_ra_reset(t, c, t->seq + 1);
	tcp_set_state(t, TCP_STATE_SYN_SENT);
	if (t->p->tcp.has_tfo) {
		/* TCP Fast Open: data on the SYN is stream data. */
		ssn->flags |= SSN_TFO;
		if (t->len > 0) {
			c->next_seq += t->len;
			t->seq += 1;
			tcp_store(t);
		}
	}
	return true;
}

/* SYN/ACK first: its sender is the server. */
static bool start_on_synack(struct tcp_pkt *t, struct flow *f)
{
	struct stream_ctx *ctx = t->ctx;
	if (!ctx->cfg.midstream && !ctx->cfg.async_oneside)
		return true;
	struct tcp_session *ssn = tcp_session_new(t, f);
	if (!ssn)
		return false;
	ctx->st.midstream_pickups++;
	ssn->flags |= SSN_MIDSTREAM | SSN_MIDSTREAM_SYNACK;
	/* As Suricata (PacketSwap + FlowSwap): the SYN/ACK's receiver is the
	 * client, so the flow is turned around to start there. */
	flow_swap(f);
	t->p->flow_toserver = !t->p->flow_toserver;
	if (t->p->flow_toserver)
		ssn->flags |= SSN_REVERSED;
	tcp_bind(t, ssn, false);
	struct tcp_side *s = &ssn->server, *c = &ssn->client;
	s->flags |= SIDE_SEEN;
	s->isn = t->seq;
	s->next_seq = t->seq + 1;
	s->last_ack = t->seq;
	c->isn = t->ack - 1;
	c->next_seq = t->ack;
	c->last_ack = t->ack;
	/* As Suricata: the SYN/ACK's own window bounds the server for now. */
	s->window = t->p->tcp.win;
	s->next_win = s->last_ack + s->window;
	if (t->p->tcp.has_wscale) {
		s->wscale = t->p->tcp.wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : t->p->tcp.wscale;
		c->wscale = TCP_WSCALE_MAX; /* the client offered it too, value unknown */
	}
	take_ts_midstream(t);
	if (t->p->tcp.has_sackok)
		ssn->flags |= SSN_SACKOK;
	tcp_ra_reset(t, s, t->seq + 1);
	tcp_ra_reset(t, c, t->ack);
	tcp_set_state(t, TCP_STATE_SYN_RECV);
	return true;
}

/* ACK (or FIN with data) first: picked up with the sender as client.
 * Window scaling was negotiated where we could not see it: assume the
 * largest, as Suricata does, so no real packet falls out of window. */
static bool start_midstream(struct tcp_pkt *t, struct flow *f, bool fin)
{
	struct stream_ctx *ctx = t->ctx;
	struct tcp_session *ssn = tcp_session_new(t, f);
	if (!ssn)
		return false;
	ctx->st.midstream_pickups++;
	ssn->flags |= SSN_MIDSTREAM | SSN_MIDSTREAM_ESTABLISHED | SSN_SACKOK;
	if (!t->p->flow_toserver)
		ssn->flags |= SSN_REVERSED;
	tcp_bind(t, ssn, true);
	struct tcp_side *c = &ssn->client, *s = &ssn->server;
	c->flags |= SIDE_SEEN;
	c->wscale = s->wscale = TCP_WSCALE_MAX;
	c->isn = t->seq - 1;
	c->next_seq = t->seq + t->len + (fin ? 1 : 0);
	c->window = (uint32_t)t->p->tcp.win << TCP_WSCALE_MAX;
	c->last_ack = t->seq;
	c->next_win = c->last_ack + c->window;
	s->isn = t->ack - 1;
	s->next_seq = t->ack;
	s->last_ack = t->ack;
	s->next_win = s->last_ack;
	take_ts_midstream(t);
	tcp_ra_reset(t, c, t->seq);
	tcp_ra_reset(t, s, t->ack);
	if (fin) {
		c->flags |= SIDE_FIN;
		c->fin_seq = t->seq + t->len;
	}
	tcp_set_state(t, fin ? TCP_STATE_FIN_WAIT1 : TCP_STATE_ESTABLISHED);
	tcp_store(t);
	return true;
}

/*
 * A packet that would start a session mid-stream meets the midstream
 * exception policy first, whether pick-up is enabled or not, as in
 * Suricata's StreamTcpPacketStateNone: the flow records it (EVE
 * flow.exception_policy), the packet carries it for the worker, and the
 * flow-wide policies act on the flow here.  True when the policy lets a
 * session start (ignore or pass-flow).
 */
static bool apply_midstream_policy(struct tcp_pkt *t, struct flow *f)
{
	enum exception_policy pol = (enum exception_policy)t->ctx->cfg.midstream_policy;
	f->exception_targets |= EXC_TARGET_MIDSTREAM;
	t->p->exception_policy = (uint8_t)pol;
	t->p->exception_target = EXC_TARGET_MIDSTREAM;
	if (pol < EXC_POLICY_COUNT)
		t->ctx->st.midstream_policy[pol]++;
	/* In IPS mode a reject drops the flow too; a bypassed flow is a
	 * passed one. */
	bool drop = pol == EXC_POLICY_DROP_FLOW || (pol == EXC_POLICY_REJECT && t->ctx->cfg.ips);
	bool pass = pol == EXC_POLICY_PASS_FLOW || pol == EXC_POLICY_BYPASS;
	if (pol == EXC_POLICY_BYPASS)
		f->bypassed = true;
	if (f->action == FLOW_ACTION_NONE && (drop || pass))
		f->action = drop ? FLOW_ACTION_DROP : FLOW_ACTION_PASS;
	return pol == EXC_POLICY_IGNORE || pol == EXC_POLICY_PASS_FLOW;
}

bool tcp_state_none(struct tcp_pkt *t, struct flow *f)
{
	uint8_t fl = t->fl;
	if (fl & TCP_RST) {
		tcp_ev(t, STREAM_EV_RST_BUT_NO_SESSION);
		return false;
	}
	if (fl & TCP_FIN) {
		bool allowed = apply_midstream_policy(t, f);
		if (!t->ctx->cfg.midstream || t->len == 0 || !allowed) {
			tcp_ev(t, STREAM_EV_FIN_BUT_NO_SESSION);
			return false;
		}
		return start_midstream(t, f, true);
	}
	if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
		if (!apply_midstream_policy(t, f))
			return true;
		return start_on_synack(t, f);
	}
	if (fl & TCP_SYN)
		return start_on_syn(t, f);
	if (fl & TCP_ACK) {
		if (apply_midstream_policy(t, f) && t->ctx->cfg.midstream)
			return start_midstream(t, f, false);
	}
	return true;
}

/* ---------------------------------------------------------------- syn_sent */

/* The server's SYN/ACK must echo the client's timestamp. */
static bool synack_ts_echo_ok(const struct tcp_pkt *t)
{
	if (t->from_client || !t->p->tcp.has_ts)
		return true;
	const struct tcp_side *c = &t->ssn->client;
	uint32_t echo = t->p->tcp.ts_ecr;
	if (c->flags & SIDE_TS)
		return c->last_ts == 0 || echo == 0 || echo == c->last_ts;
	return echo == 0;
}

static void synack_update(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	struct tcp_side *c = &ssn->client, *s = &ssn->server;
	const struct packet *p = t->p;
	tcp_set_state(t, TCP_STATE_SYN_RECV);
	s->flags |= SIDE_SEEN;
	s->isn = t->seq;
	s->next_seq = t->seq + 1;
	c->window = p->tcp.win; /* SYN/ACK windows are never scaled */
	if (p->tcp.has_ts && (c->flags & SIDE_TS)) {
		ssn->flags |= SSN_TIMESTAMP;
		s->last_ts = p->tcp.ts_val;
		s->last_pkt_ts = (uint32_t)p->ts_sec;
		if (s->last_ts == 0)
			s->flags |= SIDE_ZERO_TS;
	} else {
		c->last_ts = s->last_ts = 0;
	}
	tcp_update_last_ack(t, c, t->ack);
	s->last_ack = s->isn + 1;
	/* Window scaling counts only when both sides offered it. */
	if ((ssn->flags & SSN_CLIENT_WSCALE) && p->tcp.has_wscale) {
		s->wscale = p->tcp.wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : p->tcp.wscale;
	} else {
		s->wscale = 0;
		c->wscale = 0;
	}
	if ((ssn->flags & SSN_CLIENT_SACKOK) && p->tcp.has_sackok)
		ssn->flags |= SSN_SACKOK;
	else
		ssn->flags &= ~SSN_SACKOK;
	s->next_win = s->last_ack + s->window;
	c->next_win = c->last_ack + c->window;
	tcp_ra_reset(t, s, t->seq + 1);
	ssn->flags &= ~SSN_4WHS;
}

static bool syn_sent_synack_from_server(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	struct tcp_side *c = &ssn->client;
	if (!(t->p->tcp.has_tfo || (ssn->flags & SSN_TFO))) {
		if (!SEQ_EQ(t->ack, c->isn + 1)) {
			tcp_ev(t, STREAM_EV_3WHS_SYNACK_WITH_WRONG_ACK);
			return false;
		}
	} else if (SEQ_EQ(t->ack, c->isn + 1) && !SEQ_EQ(t->ack, c->next_seq)) {
		/* The server took the SYN, not its data: it will come again. */
		tcp_ev(t, STREAM_EV_3WHS_SYNACK_TFO_DATA_IGNORED);
		ssn->flags |= SSN_TFO_DATA_IGNORED;
		c->next_seq = c->isn + 1;
	} else if (!SEQ_EQ(t->ack, c->next_seq)) {
		tcp_ev(t, STREAM_EV_3WHS_SYNACK_WITH_WRONG_ACK);
		return false;
	}
	if (!synack_ts_echo_ok(t)) {
		tcp_ev(t, STREAM_EV_PKT_INVALID_TIMESTAMP);
		return false;
	}
	synack_update(t);
	return true;
}

/* Simultaneous open: the client answers the server's SYN. */
static bool syn_sent_synack_from_client(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (!(ssn->flags & SSN_4WHS)) {
		tcp_ev(t, STREAM_EV_3WHS_SYNACK_IN_WRONG_DIRECTION);
		return false;
	}
	if (!SEQ_EQ(t->ack, ssn->server.isn + 1)) {
		tcp_ev(t, STREAM_EV_4WHS_SYNACK_WITH_WRONG_ACK);
		return false;
	}
	if (!SEQ_EQ(t->seq, ssn->client.isn)) {
		tcp_ev(t, STREAM_EV_4WHS_SYNACK_WITH_WRONG_SYN);
		return false;
	}
	struct tcp_side *c = &ssn->client, *s = &ssn->server;
	tcp_set_state(t, TCP_STATE_SYN_RECV);
	c->next_seq = c->isn + 1;
	s->window = t->p->tcp.win;
	if (t->p->tcp.has_ts && (s->flags & SIDE_TS)) {
		ssn->flags |= SSN_TIMESTAMP;
		c->last_ts = t->p->tcp.ts_val;
		c->last_pkt_ts = (uint32_t)t->p->ts_sec;
	} else {
		c->last_ts = s->last_ts = 0;
	}
	s->last_ack = t->ack;
	c->last_ack = c->isn + 1;
	if (!(ssn->flags & SSN_CLIENT_WSCALE) || !t->p->tcp.has_wscale)
		c->wscale = s->wscale = 0;
	if ((ssn->flags & SSN_CLIENT_SACKOK) && t->p->tcp.has_sackok)
		ssn->flags |= SSN_SACKOK;
	c->next_win = c->last_ack + c->window;
	s->next_win = s->last_ack + s->window;
	return true;
}

static bool syn_sent_syn(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	const struct packet *p = t->p;
	if (!t->from_client) {
		/* A SYN from the other side: the four-way handshake. */
		ssn->flags |= SSN_4WHS;
		struct tcp_side *s = &ssn->server;
		s->flags |= SIDE_SEEN;
		s->isn = t->seq;
		s->next_seq = t->seq + 1;
		take_ts_from_syn(s, p);
		ssn->client.window = p->tcp.win;
		if (p->tcp.has_wscale)
			s->wscale = p->tcp.wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : p->tcp.wscale;
		tcp_ra_reset(t, s, t->seq + 1);
		return true;
	}
	/* A resent SYN: the most recent one is the likeliest to be answered,
	 * so it replaces the session's; a differing one is queued, and past
	 * stream.max-syn-queued that is a flood (the SYN still counts). */
	struct tcp_side *c = &ssn->client;
	bool differs = !SEQ_EQ(c->isn, t->seq) || ssn->server.window != p->tcp.win ||
		       ((c->flags & SIDE_TS) != 0) != p->tcp.has_ts ||
		       (p->tcp.has_ts && c->last_ts != p->tcp.ts_val);
	if (differs) {
		if (ssn->syn_queued >= t->ctx->cfg.max_syn_queued)
			tcp_ev(t, STREAM_EV_3WHS_SYN_FLOOD);
		else
			ssn->syn_queued++;
	}
	if (!SEQ_EQ(c->isn, t->seq)) {
		c->isn = t->seq;
		c->next_seq = t->seq + 1;
		c->last_ack = t->seq + 1;
		tcp_ra_reset(t, c, t->seq + 1);
	}
	ssn->server.window = p->tcp.win;
	c->flags &= (uint8_t) ~(SIDE_TS | SIDE_ZERO_TS);
	take_ts_from_syn(c, p);
	if (p->tcp.has_wscale) {
		ssn->flags |= SSN_CLIENT_WSCALE;
		c->wscale = p->tcp.wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : p->tcp.wscale;
	} else {
		ssn->flags &= ~SSN_CLIENT_WSCALE;
		c->wscale = 0;
	}
	return true;
}

/* An ACK instead of a SYN/ACK: with async-oneside, we only see the
 * client's half of the connection. */
static bool syn_sent_ack(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (!t->ctx->cfg.async_oneside)
		return true;
	struct tcp_side *c = &ssn->client, *s = &ssn->server;
	if (!SEQ_EQ(t->seq, c->next_seq)) {
		tcp_ev(t, STREAM_EV_3WHS_ASYNC_WRONG_SEQ);
		return false;
	}
	ssn->flags |= SSN_ASYNC;
	tcp_set_state(t, TCP_STATE_ESTABLISHED);
	c->window = t->p->tcp.win;
	c->last_ack = t->seq;
	c->next_win = c->last_ack + c->window;
	s->isn = t->ack - 1;
	s->next_seq = s->isn + 1;
	s->last_ack = s->next_seq;
	s->next_win = s->last_ack;
	if (ssn->flags & SSN_CLIENT_WSCALE)
		s->wscale = TCP_WSCALE_MAX;
	if (t->p->tcp.has_ts && (c->flags & SIDE_TS))
		ssn->flags |= SSN_TIMESTAMP;
	else
		c->last_ts = 0;
	if (ssn->flags & SSN_CLIENT_SACKOK)
		ssn->flags |= SSN_SACKOK;
	tcp_ra_reset(t, s, t->ack);
	if (SEQ_GT(t->seq + t->len, c->next_seq))
		c->next_seq = t->seq + t->len;
	tcp_store(t);
	return true;
}

static bool syn_sent_rst(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (t->from_client) {
		/* Only the client's abort of its own SYN closes. */
		if (!(SEQ_EQ(t->seq, ssn->client.isn) && t->p->tcp.win == 0 &&
		      SEQ_EQ(t->ack, ssn->client.isn + 1)))
			return true;
		ssn->server.flags |= SIDE_RST_RECV;
		tcp_close_with_rst(t);
		return true;
	}
	/* The answer to a SYN must ACK it (and any TFO data). */
	if (!(t->fl & TCP_ACK) ||
	    !(SEQ_EQ(t->ack, ssn->client.isn + 1) || SEQ_EQ(t->ack, ssn->client.next_seq)))
		return false;
	if (t->ack != 0 && !tcp_ack_valid(t, t->rcv)) {
		tcp_ev(t, STREAM_EV_RST_INVALID_ACK);
		return false;
	}
	ssn->client.flags |= SIDE_RST_RECV;
	tcp_close_with_rst(t);
	return true;
}

bool tcp_state_syn_sent(struct tcp_pkt *t)
{
	uint8_t fl = t->fl;
	if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		return t->from_client ? syn_sent_synack_from_client(t)
				      : syn_sent_synack_from_server(t);
	if (!synack_ts_echo_ok(t)) {
		tcp_ev(t, STREAM_EV_PKT_INVALID_TIMESTAMP);
		return false;
	}
	if (fl & TCP_RST)
		return syn_sent_rst(t);
	if (fl & TCP_FIN)
		return true; /* as Suricata: no meaning before the handshake */
	if (fl & TCP_SYN)
		return syn_sent_syn(t);
	if (fl & TCP_ACK)
		return syn_sent_ack(t);
	return true;
}

/* ---------------------------------------------------------------- syn_recv */

static bool syn_recv_rst(struct tcp_pkt *t)
{
	if (!tcp_rst_valid(t))
		return false;
	/* After a right-seq-wrong-ack packet, Linux and Solaris keep the
	 * connection on a RST: the evasion would work against them. */
	enum stream_policy pol = t->pol;
	if ((t->ssn->flags & SSN_EVASION) &&
	    (pol == STREAM_POLICY_LINUX || pol == STREAM_POLICY_OLD_LINUX ||
	     pol == STREAM_POLICY_SOLARIS))
		return true;
	tcp_close_with_rst(t);
	tcp_ts_update(t);
	return true;
}

static bool syn_recv_synack(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (t->from_client) {
		tcp_ev(t, STREAM_EV_3WHS_SYNACK_TOSERVER_ON_SYN_RECV);
		return false;
	}
	if (!SEQ_EQ(t->ack, ssn->client.last_ack)) {
		tcp_ev(t, STREAM_EV_3WHS_SYNACK_RESEND_WITH_DIFFERENT_ACK);
		return false;
	}
	if (!SEQ_EQ(t->seq, ssn->server.isn)) {
		/* Another SYN/ACK: queued in Suricata, counted here. */
		if (ssn->synack_queued >= t->ctx->cfg.max_synack_queued) {
			tcp_ev(t, STREAM_EV_3WHS_SYNACK_FLOOD);
			return false;
		}
		ssn->synack_queued++;
	}
	return true;
}

static bool syn_recv_syn(struct tcp_pkt *t)
{
	if (!t->from_client) {
		tcp_ev(t, STREAM_EV_3WHS_SYN_TOCLIENT_ON_SYN_RECV);
		return false;
	}
	if (!SEQ_EQ(t->seq, t->ssn->client.isn)) {
		tcp_ev(t, STREAM_EV_3WHS_SYN_RESEND_DIFF_SEQ_ON_SYN_RECV);
		return false;
	}
	return true;
}

/* Fourth packet of a simultaneous open: the server's ACK. */
static bool syn_recv_4whs_ack(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (!SEQ_EQ(t->seq, ssn->server.next_seq)) {
		tcp_ev(t, STREAM_EV_4WHS_WRONG_SEQ);
		return false;
	}
	if (!tcp_ack_valid(t, &ssn->client)) {
		tcp_ev(t, STREAM_EV_4WHS_INVALID_ACK);
		return false;
	}
	tcp_ts_update(t);
	tcp_update_last_ack(t, &ssn->client, t->ack);
	ssn->server.next_seq += t->len;
	tcp_take_window(t);
	ssn->client.next_win = ssn->client.last_ack + ssn->client.window;
	tcp_set_state(t, TCP_STATE_ESTABLISHED);
	tcp_store(t);
	return true;
}

/* The server talks first after its SYN/ACK (the client's ACK was lost). */
static bool syn_recv_server_data(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	struct tcp_side *s = &ssn->server;
	s->next_seq = t->seq + t->len;
	tcp_take_window(t);
	s->next_win = s->last_ack + s->window;
	tcp_set_state(t, TCP_STATE_ESTABLISHED);
	tcp_store(t);
	return true;
}

static bool syn_recv_ack(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	struct tcp_side *c = &ssn->client, *s = &ssn->server;
	if ((ssn->flags & SSN_TIMESTAMP) && !tcp_ts_valid(t))
		return false;
	if ((ssn->flags & SSN_4WHS) && !t->from_client)
		return syn_recv_4whs_ack(t);
	bool missed_ack = false;
	if (!t->from_client && !(ssn->flags & (SSN_MIDSTREAM_SYNACK | SSN_TFO))) {
		if (t->ctx->cfg.inline_mode) {
			if (t->len > 0 && SEQ_EQ(t->ack, c->last_ack) &&
			    SEQ_EQ(t->seq, s->next_seq))
				tcp_ev(t, STREAM_EV_3WHS_ACK_DATA_INJECT);
			else
				tcp_ev(t, STREAM_EV_3WHS_ACK_IN_WRONG_DIR);
			return false;
		}
		missed_ack = true;
	}
	if (SEQ_EQ(t->seq, c->next_seq) && SEQ_EQ(t->ack, s->next_seq)) {
		tcp_ts_update(t);
		tcp_update_last_ack(t, s, t->ack);
		c->next_seq += t->len;
		tcp_take_window(t);
		s->next_win = s->last_ack + s->window;
		if (ssn->flags & SSN_MIDSTREAM) {
			c->window = (uint32_t)t->p->tcp.win << c->wscale;
			c->next_win = c->last_ack + c->window;
			if (!(ssn->flags & SSN_MIDSTREAM_SYNACK)) {
				c->wscale = s->wscale = TCP_WSCALE_MAX;
				ssn->flags |= SSN_SACKOK;
			}
		}
		tcp_set_state(t, TCP_STATE_ESTABLISHED);
		tcp_store(t);
		return true;
	}
	if (t->ctx->cfg.async_oneside && SEQ_EQ(t->seq, s->next_seq)) {
		/* Only the server's side of the connection is visible. */
		ssn->flags |= SSN_ASYNC;
		s->next_seq += t->len;
		s->last_ack = t->seq;
		c->window = (uint32_t)t->p->tcp.win << s->wscale;
		c->last_ack = t->ack;
		tcp_ts_update(t);
		if (ssn->flags & SSN_MIDSTREAM) {
			s->window = t->p->tcp.win;
			s->next_win = s->last_ack + s->window;
			c->wscale = s->wscale = TCP_WSCALE_MAX;
			ssn->flags |= SSN_SACKOK;
		}
		tcp_set_state(t, TCP_STATE_ESTABLISHED);
		tcp_store(t);
		return true;
	}
	if (SEQ_EQ(t->seq, c->next_seq)) {
		ssn->flags |= SSN_EVASION;
		tcp_ev(t, STREAM_EV_3WHS_RIGHT_SEQ_WRONG_ACK_EVASION);
		return false;
	}
	/* ACK for client data we never saw.  Suricata compares the server's
	 * sequence number with the client's next_seq here; so do we, to take
	 * the same packets. */
	if (!t->from_client && !t->ctx->cfg.inline_mode && SEQ_GT(t->seq, c->next_seq) &&
	    SEQ_GT(t->ack, c->last_ack)) {
		tcp_update_last_ack(t, c, t->ack);
		c->next_win = c->last_ack + ((uint32_t)t->p->tcp.win << s->wscale);
		return syn_recv_server_data(t);
	}
	if (t->from_client && SEQ_GT(t->seq, c->next_seq) && SEQ_LEQ(t->seq, c->next_win) &&
	    SEQ_EQ(t->ack, s->next_seq)) {
		/* In window beyond next_seq: packets were missed. */
		c->next_seq = t->seq + t->len;
		tcp_update_last_ack(t, s, t->ack);
		tcp_take_window(t);
		s->next_win = s->last_ack + s->window;
		tcp_set_state(t, TCP_STATE_ESTABLISHED);
		tcp_store(t);
		return true;
	}
	if ((missed_ack || (ssn->flags & SSN_TFO)) && SEQ_EQ(t->ack, c->last_ack) &&
	    SEQ_EQ(t->seq, s->next_seq))
		return syn_recv_server_data(t);
	tcp_ev(t, STREAM_EV_3WHS_WRONG_SEQ_WRONG_ACK);
	return false;
}

bool tcp_state_syn_recv(struct tcp_pkt *t)
{
	uint8_t fl = t->fl;
	if (fl & TCP_RST)
		return syn_recv_rst(t);
	if (fl & TCP_FIN) {
		if ((t->ssn->flags & SSN_TIMESTAMP) && !tcp_ts_valid(t))
			return false;
		return tcp_handle_fin(t);
	}
	if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		return syn_recv_synack(t);
	if (fl & TCP_SYN)
		return syn_recv_syn(t);
	if (fl & TCP_ACK)
		return syn_recv_ack(t);
	return true;
}
