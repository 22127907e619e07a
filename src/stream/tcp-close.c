/*
 * tcp-close — the teardown states after the first FIN: fin_wait1,
 * fin_wait2, closing (server closed first / both at once), close_wait,
 * last_ack (client closed first), time_wait, and closed, with their
 * events.  The transitions follow Suricata's tracker, flags first: in
 * fin_wait1 a FIN/ACK leads to time_wait and a bare FIN to closing;
 * time_wait and last_ack close on the next valid ACK.  Sequence
 * bookkeeping keeps Suricata's asymmetry (the client's next_seq stops at
 * its FIN, the server's passes it) so the same packets get the same
 * verdicts.
 */
#include "stream/stream-internal.h"

static bool ts_ok(struct tcp_pkt *t)
{
	return !(t->ssn->flags & SSN_TIMESTAMP) || tcp_ts_valid(t);
}

static bool loose_window(const struct tcp_session *ssn)
{
	return (ssn->flags & (SSN_MIDSTREAM | SSN_ASYNC)) != 0;
}

static bool ack_ok(struct tcp_pkt *t, enum stream_event ev)
{
	if (tcp_ack_valid(t, t->rcv))
		return true;
	tcp_ev(t, ev);
	return false;
}

/* Records the sender's FIN once: for the readers' eof and ACK limit. */
static void note_fin(struct tcp_pkt *t)
{
	if (t->snd->flags & SIDE_FIN)
		return;
	t->snd->flags |= SIDE_FIN;
	t->snd->fin_seq = t->seq + t->len;
}

/* The receiver ACKed data we may have missed: its next_seq follows. */
static void follow_ack(struct tcp_pkt *t, bool minus_one)
{
	uint32_t ns = t->rcv->next_seq - (minus_one ? 1 : 0);
	if (SEQ_LT(ns, t->ack))
		t->rcv->next_seq = t->ack;
}

static void accept_tail(struct tcp_pkt *t)
{
	if (t->fl & TCP_ACK)
		tcp_update_last_ack(t, t->rcv, t->ack);
	tcp_store(t);
}

/* ---------------------------------------------------------------- fin_wait1 */

static bool fin1_fin(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd;
	bool retrans = tcp_is_retransmission(t);
	if (!retrans && !t->from_client && (t->fl & TCP_ACK) && SEQ_EQ(s->next_seq - 1, t->seq) &&
	    SEQ_EQ(t->rcv->last_ack, t->ack))
		retrans = true;
	if (!retrans &&
	    (SEQ_LT(t->seq, s->next_seq - 1) || SEQ_GT(t->seq, s->last_ack + s->window))) {
		tcp_ev(t, STREAM_EV_FIN1_FIN_WRONG_SEQ);
		return false;
	}
	if (!ack_ok(t, STREAM_EV_FIN1_INVALID_ACK))
		return false;
	if (!retrans) {
		tcp_set_state(t, (t->fl & TCP_ACK) ? TCP_STATE_TIME_WAIT : TCP_STATE_CLOSING);
		tcp_take_window(t);
	}
	tcp_ts_update(t);
	follow_ack(t, true);
	bool at_next = (t->from_client && (t->fl & TCP_ACK)) ? SEQ_EQ(s->next_seq, t->seq)
							     : SEQ_EQ(s->next_seq - 1, t->seq);
	if (at_next)
		s->next_seq = t->seq + t->len;
	note_fin(t);
	accept_tail(t);
	return true;
}

static bool fin1_ack(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd, *r = t->rcv;
	bool retrans = tcp_is_retransmission(t);
	if (!ack_ok(t, STREAM_EV_FIN1_INVALID_ACK))
		return false;
	bool check = t->from_client
			 ? (!SEQ_LT(t->ack, r->next_seq) && !retrans && SEQ_EQ(t->ack, r->next_seq))
			 : !retrans;
	if (check) {
		if (!SEQ_LEQ(t->seq + t->len, s->next_win) && !loose_window(t->ssn)) {
			tcp_ev(t, STREAM_EV_FIN1_ACK_WRONG_SEQ);
			return false;
		}
		uint32_t expect = t->from_client ? s->next_seq : s->next_seq - 1;
		if (SEQ_EQ(t->seq, expect))
			tcp_set_state(t, TCP_STATE_FIN_WAIT2);
		tcp_take_window(t);
	}
	tcp_ts_update(t);
	follow_ack(t, true);
	if (SEQ_EQ(t->from_client ? s->next_seq : s->next_seq - 1, t->seq))
		s->next_seq = t->seq + t->len;
	tcp_update_last_ack(t, r, t->ack);
	tcp_update_next_win(r);
	tcp_store(t);
	return true;
}

bool tcp_state_fin_wait1(struct tcp_pkt *t)
{
	if (t->fl & TCP_RST)
		return tcp_rst_after_handshake(t);
	if (t->fl & TCP_FIN)
		return ts_ok(t) && fin1_fin(t);
	if (t->fl & TCP_SYN) {
		tcp_ev(t, STREAM_EV_SHUTDOWN_SYN_RESEND);
		return false;
	}
	if (t->fl & TCP_ACK)
		return ts_ok(t) && fin1_ack(t);
	return true;
}

/* ---------------------------------------------------------------- fin_wait2 */

static bool fin2_fin(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd;
	bool retrans = SEQ_EQ(t->seq, s->next_seq - 1) && SEQ_EQ(t->ack, t->rcv->last_ack);
	if (!retrans)
		retrans = tcp_is_retransmission(t);
	if (!retrans && (SEQ_LT(t->seq, s->next_seq) || SEQ_GT(t->seq, s->last_ack + s->window))) {
		tcp_ev(t, STREAM_EV_FIN2_FIN_WRONG_SEQ);
		return false;
	}
	if (!ack_ok(t, STREAM_EV_FIN2_INVALID_ACK))
		return false;
	if (!retrans) {
		tcp_set_state(t, TCP_STATE_TIME_WAIT);
		if (t->from_client && SEQ_EQ(s->next_seq, t->seq))
			s->next_seq += t->len;
		tcp_take_window(t);
	}
	tcp_ts_update(t);
	follow_ack(t, false);
	note_fin(t);
	accept_tail(t);
	return true;
}

static bool fin2_ack(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd;
	bool retrans = tcp_is_retransmission(t);
	if (!ack_ok(t, STREAM_EV_FIN2_INVALID_ACK))
		return false;
	if (!retrans) {
		if (!SEQ_LEQ(t->seq + t->len, s->next_win) && !loose_window(t->ssn)) {
			tcp_ev(t, STREAM_EV_FIN2_ACK_WRONG_SEQ);
			return false;
		}
		tcp_take_window(t);
	}
	tcp_ts_update(t);
	if (SEQ_EQ(s->next_seq, t->seq))
		s->next_seq += t->len;
	tcp_update_last_ack(t, t->rcv, t->ack);
	tcp_update_next_win(t->rcv);
	tcp_store(t);
	return true;
}

bool tcp_state_fin_wait2(struct tcp_pkt *t)
{
	if (t->fl & TCP_RST)
		return tcp_rst_after_handshake(t);
	if (t->fl & TCP_FIN)
		return ts_ok(t) && fin2_fin(t);
	if (t->fl & TCP_SYN) {
		tcp_ev(t, STREAM_EV_SHUTDOWN_SYN_RESEND);
		return false;
	}
	if (t->fl & TCP_ACK)
		return ts_ok(t) && fin2_ack(t);
	return true;
}

/* ---------------------------------------------------------------- closing */

bool tcp_state_closing(struct tcp_pkt *t)
{
	if (t->fl & TCP_RST)
		return tcp_rst_after_handshake(t);
	if (t->fl & TCP_SYN) {
		tcp_ev(t, STREAM_EV_SHUTDOWN_SYN_RESEND);
		return false;
	}
	if (!(t->fl & TCP_ACK))
		return true;
	if (!ts_ok(t))
		return false;
	bool retrans = tcp_is_retransmission(t);
	if (!SEQ_EQ(t->seq, t->snd->next_seq)) {
		tcp_ev(t, STREAM_EV_CLOSING_ACK_WRONG_SEQ);
		return false;
	}
	if (!ack_ok(t, STREAM_EV_CLOSING_INVALID_ACK))
		return false;
	if (!retrans) {
		tcp_set_state(t, TCP_STATE_TIME_WAIT);
		tcp_take_window(t);
	}
	tcp_ts_update(t);
	follow_ack(t, false);
	accept_tail(t);
	return true;
}

/* ---------------------------------------------------------------- close_wait */

static bool closewait_fin(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd;
	bool retrans = tcp_is_retransmission(t);
	if (!retrans && (SEQ_LT(t->seq, s->next_seq) || SEQ_GT(t->seq, s->last_ack + s->window))) {
		tcp_ev(t, STREAM_EV_CLOSEWAIT_FIN_OUT_OF_WINDOW);
		return false;
	}
	if (!ack_ok(t, STREAM_EV_CLOSEWAIT_INVALID_ACK))
		return false;
	/* Only the server's FIN moves on: the client's is a resend. */
	if (!retrans) {
		if (!t->from_client)
			tcp_set_state(t, TCP_STATE_LAST_ACK);
		tcp_take_window(t);
	}
	tcp_ts_update(t);
	follow_ack(t, false);
	note_fin(t);
	accept_tail(t);
	return true;
}

static bool closewait_ack(struct tcp_pkt *t)
{
	struct tcp_side *s = t->snd;
	bool retrans = tcp_is_retransmission(t);
	if (t->len > 0 && SEQ_LEQ(t->seq + t->len, s->last_ack)) {
		tcp_ev(t, STREAM_EV_CLOSEWAIT_PKT_BEFORE_LAST_ACK);
		return false;
	}
	if (SEQ_GT(t->seq, s->last_ack + s->window)) {
		tcp_ev(t, STREAM_EV_CLOSEWAIT_ACK_OUT_OF_WINDOW);
		return false;
	}
	if (!ack_ok(t, STREAM_EV_CLOSEWAIT_INVALID_ACK))
		return false;
	if (!retrans)
		tcp_take_window(t);
	tcp_ts_update(t);
	follow_ack(t, false);
	if (SEQ_EQ(t->seq, s->next_seq))
		s->next_seq += t->len;
	tcp_update_last_ack(t, t->rcv, t->ack);
	tcp_store(t);
	return true;
}

bool tcp_state_close_wait(struct tcp_pkt *t)
{
	if (t->fl & TCP_RST)
		return tcp_rst_after_handshake(t);
	if (t->fl & TCP_FIN)
		return ts_ok(t) && closewait_fin(t);
	if (t->fl & TCP_SYN) {
		tcp_ev(t, STREAM_EV_SHUTDOWN_SYN_RESEND);
		return false;
	}
	if (t->fl & TCP_ACK)
		return ts_ok(t) && closewait_ack(t);
	return true;
}

/* ---------------------------------------------------------------- last_ack, time_wait */

/* The final ACK: from the client in last_ack, from either in time_wait. */
static bool final_ack(struct tcp_pkt *t, enum stream_event wrong_seq, enum stream_event invalid_ack)
{
	struct tcp_side *s = t->snd;
	bool retrans = tcp_is_retransmission(t);
	bool last_ack = t->ssn->state == TCP_STATE_LAST_ACK;
	if (!retrans && !last_ack) {
		bool ok = t->from_client
			      ? (SEQ_EQ(t->seq, s->next_seq) || SEQ_EQ(t->seq, s->next_seq + 1))
			      : (SEQ_EQ(t->seq, s->next_seq - 1) || SEQ_EQ(t->seq, s->next_seq));
		if (!ok) {
			if (!t->from_client && t->len > 0 && SEQ_EQ(t->seq, s->last_ack))
				return true; /* a late retransmission */
			tcp_ev(t, wrong_seq);
			return false;
		}
	}
	if (!ack_ok(t, invalid_ack))
		return false;
	if (!retrans) {
		if (last_ack && SEQ_LT(t->seq, s->next_seq)) {
			/* before next_seq: no state change */
		} else if (last_ack && !SEQ_EQ(t->seq, s->next_seq) &&
			   !SEQ_EQ(t->seq, s->next_seq + 1)) {
			tcp_ev(t, wrong_seq);
			return false;
		} else {
			tcp_set_state(t, TCP_STATE_CLOSED);
		}
		tcp_take_window(t);
	}
	tcp_ts_update(t);
	follow_ack(t, false);
	tcp_update_last_ack(t, t->rcv, t->ack);
	tcp_store(t);
	return true;
}

bool tcp_state_last_ack(struct tcp_pkt *t)
{
	if (t->fl & TCP_RST)
		return tcp_rst_after_handshake(t);
	if (t->fl & TCP_FIN)
		return true;
	if (t->fl & TCP_SYN) {
		tcp_ev(t, STREAM_EV_SHUTDOWN_SYN_RESEND);
		return false;
	}
	if (!(t->fl & TCP_ACK))
		return true;
	if (!ts_ok(t))
		return false;
	if (!t->from_client)
		return true; /* as Suricata: only the client's ACK matters here */
	return final_ack(t, STREAM_EV_LASTACK_ACK_WRONG_SEQ, STREAM_EV_LASTACK_INVALID_ACK);
}

bool tcp_state_time_wait(struct tcp_pkt *t)
{
	if (t->fl & TCP_RST)
		return tcp_rst_after_handshake(t);
	if (t->fl & TCP_FIN)
		return true;
	if (t->fl & TCP_SYN) {
		tcp_ev(t, STREAM_EV_SHUTDOWN_SYN_RESEND);
		return false;
	}
	if (!(t->fl & TCP_ACK))
		return true;
	if (!ts_ok(t))
		return false;
	return final_ack(t, STREAM_EV_TIMEWAIT_ACK_WRONG_SEQ, STREAM_EV_TIMEWAIT_INVALID_ACK);
}

/* ---------------------------------------------------------------- closed */

bool tcp_state_closed(struct tcp_pkt *t)
{
	struct tcp_session *ssn = t->ssn;
	if (t->fl & TCP_RST)
		return true;
	/* The side that sent a RST goes on: keep tracking in the state
	 * before the RST (check_post_rst raises the event). */
	if (!(t->snd->flags & SIDE_RST_RECV) && (t->rcv->flags & SIDE_RST_RECV) &&
	    ssn->pstate != TCP_STATE_CLOSED && ssn->pstate != TCP_STATE_NONE) {
		bool ok = tcp_dispatch(t, ssn->pstate);
		if (ssn->state == TCP_STATE_CLOSED)
			ssn->state = ssn->pstate;
		return ok;
	}
	return true;
}
