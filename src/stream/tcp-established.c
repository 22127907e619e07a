/*
 * tcp-established — the established state: data and ACKs in both
 * directions (keep-alives, zero window probes, packets before the last
 * ACK, the window check), SYNs and SYN/ACKs that should not be there, the
 * RST that closes, and the first FIN (also taken in syn_recv), which moves
 * the session to close_wait (client FIN) or fin_wait1 (server FIN).
 */
#include "stream/stream-internal.h"

static bool loose_window(const struct tcp_session *ssn)
{
	return (ssn->flags & (SSN_MIDSTREAM | SSN_ASYNC)) != 0;
}

/* A segment starting before what the receiver already ACKed. */
static bool before_last_ack_ok(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	struct tcp_side *s = t->snd;
	if (ssn->flags & SSN_ASYNC)
		return true;
	bool oneside_midstream = t->ctx->cfg.async_oneside && (ssn->flags & SSN_MIDSTREAM);
	if (oneside_midstream && (SEQ_EQ(s->next_seq, t->seq) || SEQ_EQ(s->last_ack, s->isn + 1))) {
		/* We missed the handshake of a one-sided session. */
		ssn->flags |= SSN_ASYNC;
		return true;
	}
	/* ACKs for data we never saw: take what lies beyond next_seq. */
	if (SEQ_GT(s->last_ack, s->next_seq) && SEQ_GT(t->seq + t->len, s->next_seq))
		return true;
	tcp_ev(t, STREAM_EV_EST_PKT_BEFORE_LAST_ACK);
	return false;
}

/* Data or ACK in the established state, either direction. */
static bool est_segment(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	struct tcp_side *s = t->snd, *r = t->rcv;
	if (t->fl & TCP_ACK) {
		bool acks_zwp = (ssn->flags & (t->from_client ? SSN_ZWP_TS : SSN_ZWP_TC)) &&
				SEQ_EQ(t->ack, r->next_seq + 1);
		if (!acks_zwp && !tcp_ack_valid(t, r)) {
			tcp_ev(t, STREAM_EV_EST_INVALID_ACK);
			return false;
		}
	}
	if (!t->from_client && (ssn->flags & SSN_MIDSTREAM) &&
	    (ssn->flags & SSN_MIDSTREAM_ESTABLISHED)) {
		/* The server's first packet after a mid-stream pick-up. */
		s->window = (uint32_t)t->p->tcp.win << s->wscale;
		s->next_win = s->last_ack + s->window;
		ssn->flags &= ~SSN_MIDSTREAM_ESTABLISHED;
	}
	bool keepalive = t->len <= 1 && SEQ_EQ(t->seq, s->next_seq - 1);
	if (!keepalive && SEQ_LT(t->seq + t->len, s->last_ack) && !before_last_ack_ok(t))
		return false;
	bool zwp = t->len == 1 && SEQ_EQ(t->seq, s->next_seq) && s->window == 0;
	if (zwp) {
		ssn->flags |= (t->from_client ? SSN_ZWP_TS : SSN_ZWP_TC);
		tcp_store(t);
		return true;
	}
	if (SEQ_GEQ(t->seq + t->len, s->next_seq))
		s->next_seq = t->seq + t->len;
	if (!SEQ_LEQ(t->seq + t->len, s->next_win) && !loose_window(ssn)) {
		tcp_ev(t, STREAM_EV_EST_PACKET_OUT_OF_WINDOW);
		return false;
	}
	tcp_take_window(t);
	if (t->fl & TCP_ACK)
		tcp_update_last_ack(t, r, t->ack);
	tcp_ts_update(t);
	tcp_update_next_win(r);
	tcp_store(t);
	return true;
}

bool tcp_handle_fin(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd, *r = t->rcv;
	if (!tcp_ack_valid(t, r)) {
		tcp_ev(t, STREAM_EV_FIN_INVALID_ACK);
		return false;
	}
	if (!(SEQ_GEQ(t->seq, s->last_ack) && SEQ_LEQ(t->seq + t->len, s->next_win))) {
		tcp_ev(t, STREAM_EV_FIN_OUT_OF_WINDOW);
		return false;
	}
	if (t->from_client && (t->fl & TCP_SYN)) {
		tcp_ev(t, STREAM_EV_FIN_SYN);
		return false;
	}
	tcp_set_state(t, t->from_client ? TCP_STATE_CLOSE_WAIT : TCP_STATE_FIN_WAIT1);
	/* As Suricata: the client's next_seq stops at the FIN, the server's
	 * includes it. */
	s->next_seq = t->seq + t->len + (t->from_client ? 0 : 1);
	s->flags |= SIDE_FIN;
	s->fin_seq = t->seq + t->len;
	tcp_take_window(t);
	tcp_ts_update(t);
	/* The receiver may have ACKed data we missed. */
	if (SEQ_LT(r->next_seq, t->ack))
		r->next_seq = t->ack;
	if (t->fl & TCP_ACK)
		tcp_update_last_ack(t, r, t->ack);
	tcp_store(t);
	return true;
}

static bool est_rst(struct tcp_pkt *t)
{
	if (!tcp_rst_valid(t))
		return false;
	tcp_close_with_rst(t);
	/* What the RST says about both sides' positions. */
	t->rcv->next_seq = t->ack;
	t->snd->next_seq = t->seq + t->len + (t->from_client ? 0 : 1);
	tcp_take_window(t);
	if ((t->fl & TCP_ACK) && tcp_ack_valid(t, t->rcv))
		tcp_update_last_ack(t, t->rcv, t->ack);
	tcp_update_last_ack(t, t->snd, t->seq);
	tcp_ts_update(t);
	tcp_store(t);
	return true;
}

static bool est_synack(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (t->from_client) {
		tcp_ev(t, STREAM_EV_EST_SYNACK_TOSERVER);
		return false;
	}
	if (!SEQ_EQ(t->ack, ssn->client.last_ack)) {
		tcp_ev(t, STREAM_EV_EST_SYNACK_RESEND_WITH_DIFFERENT_ACK);
		return false;
	}
	if (!SEQ_EQ(t->seq, ssn->server.isn)) {
		tcp_ev(t, STREAM_EV_EST_SYNACK_RESEND_WITH_DIFF_SEQ);
		return false;
	}
	if (ssn->flags & SSN_3WHS_CONFIRMED) {
		tcp_ev(t, STREAM_EV_EST_SYNACK_RESEND);
		return false;
	}
	return true; /* the server did not get the final ACK yet */
}

static bool est_syn(struct tcp_pkt *t)
{
	if (!t->from_client)
		tcp_ev(t, STREAM_EV_EST_SYN_TOCLIENT);
	else if (!SEQ_EQ(t->seq, t->ssn->client.isn))
		tcp_ev(t, STREAM_EV_EST_SYN_RESEND_DIFF_SEQ);
	else
		tcp_ev(t, STREAM_EV_EST_SYN_RESEND);
	return false;
}

bool tcp_state_established(struct tcp_pkt *t)
{
	uint8_t fl = t->fl;
	if (fl & TCP_RST)
		return est_rst(t);
	if (fl & TCP_FIN) {
		if ((t->ssn->flags & SSN_TIMESTAMP) && !tcp_ts_valid(t))
			return false;
		return tcp_handle_fin(t);
	}
	if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		return est_synack(t);
	if (fl & TCP_SYN)
		return est_syn(t);
	if (!(fl & TCP_ACK))
		return true;
	if ((t->ssn->flags & SSN_TIMESTAMP) && !tcp_ts_valid(t))
		return false;
	if (!t->from_client)
		t->ssn->flags |= SSN_3WHS_CONFIRMED;
	return est_segment(t);
}
