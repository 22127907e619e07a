/*
 * flow-tcp — the coarse TCP connection state a flow needs: new,
 * established, closed, and the TCP state names EVE reports.
 *
 * This follows flags and direction only; sequence numbers, windows and
 * reassembly belong to the stream stage, which refines the state.  A
 * connection first seen mid-stream (no SYN) stays TCP_STATE_NONE.
 */
#include "flow/flow-internal.h"

static void tcp_on_fin(struct flow *f, bool toserver)
{
	switch (f->tcp_state) {
	case TCP_STATE_SYN_RECV:
	case TCP_STATE_ESTABLISHED:
		f->tcp_state = toserver ? TCP_STATE_FIN_WAIT1 : TCP_STATE_CLOSE_WAIT;
		break;
	case TCP_STATE_FIN_WAIT1:
		if (!toserver)
			f->tcp_state = TCP_STATE_CLOSING;
		break;
	case TCP_STATE_FIN_WAIT2:
		if (!toserver)
			f->tcp_state = TCP_STATE_TIME_WAIT;
		break;
	case TCP_STATE_CLOSE_WAIT:
		if (toserver)
			f->tcp_state = TCP_STATE_LAST_ACK;
		break;
	default:
		break;
	}
}

static void tcp_on_ack(struct flow *f, bool toserver)
{
	switch (f->tcp_state) {
	case TCP_STATE_SYN_RECV:
		if (toserver)
			f->tcp_state = TCP_STATE_ESTABLISHED;
		break;
	case TCP_STATE_FIN_WAIT1:
		if (!toserver)
			f->tcp_state = TCP_STATE_FIN_WAIT2;
		break;
	case TCP_STATE_CLOSING:
		f->tcp_state = TCP_STATE_TIME_WAIT;
		break;
	case TCP_STATE_LAST_ACK:
		if (!toserver)
			f->tcp_state = TCP_STATE_CLOSED;
		break;
	default:
		break;
	}
}

void flow_tcp_update(struct flow *f, const struct packet *p, bool toserver)
{
	uint8_t fl = p->tcp.flags;
	if (toserver)
		f->tcp_flags_ts |= fl;
	else
		f->tcp_flags_tc |= fl;

	if (fl & TCP_RST) {
		if (f->tcp_state != TCP_STATE_NONE)
			f->tcp_state = TCP_STATE_CLOSED;
	} else if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		if (f->tcp_state == TCP_STATE_NONE && toserver)
			f->tcp_state = TCP_STATE_SYN_SENT;
	} else if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
		if (f->tcp_state == TCP_STATE_SYN_SENT && !toserver)
			f->tcp_state = TCP_STATE_SYN_RECV;
	} else {
		/* A FIN carries an ACK of earlier data: apply the ACK first. */
		if (fl & TCP_ACK)
			tcp_on_ack(f, toserver);
		if (fl & TCP_FIN)
			tcp_on_fin(f, toserver);
	}

	switch (f->tcp_state) {
	case TCP_STATE_NONE:
	case TCP_STATE_SYN_SENT:
	case TCP_STATE_SYN_RECV:
		/* Mid-stream pick-ups count as established once both sides spoke. */
		if (f->tcp_state == TCP_STATE_NONE && f->seen_toclient)
			f->state = FLOW_STATE_ESTABLISHED;
		break;
	case TCP_STATE_TIME_WAIT:
	case TCP_STATE_CLOSED:
		f->state = FLOW_STATE_CLOSED;
		break;
	default:
		f->state = FLOW_STATE_ESTABLISHED;
		break;
	}
}

bool flow_tcp_is_reuse(const struct flow *f, const struct packet *p)
{
	return (p->tcp.flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
	       (f->tcp_state == TCP_STATE_CLOSED || f->tcp_state == TCP_STATE_TIME_WAIT);
}

const char *flow_tcp_state_name(enum tcp_state s)
{
	static const char *const names[] = {
		[TCP_STATE_NONE] = "none",
		[TCP_STATE_SYN_SENT] = "syn_sent",
		[TCP_STATE_SYN_RECV] = "syn_recv",
		[TCP_STATE_ESTABLISHED] = "established",
		[TCP_STATE_FIN_WAIT1] = "fin_wait1",
		[TCP_STATE_FIN_WAIT2] = "fin_wait2",
		[TCP_STATE_TIME_WAIT] = "time_wait",
		[TCP_STATE_LAST_ACK] = "last_ack",
		[TCP_STATE_CLOSE_WAIT] = "close_wait",
		[TCP_STATE_CLOSING] = "closing",
		[TCP_STATE_CLOSED] = "closed",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}
