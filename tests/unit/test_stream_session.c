/* Tests for stream/tcp-session.c: handshakes, mid-stream and async
 * pick-ups, teardown states, RST validation, and the stream events each
 * crafted sequence must raise. */
/* cmocka needs these first, in this order */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "test_stream_util.h"
#include "util/config.h"

#define A TCP_ACK
#define EV(x) STREAM_EV_##x

static void test_three_way_handshake(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	struct flow *f = p.flow;
	assert_non_null(f);
	assert_non_null(f->stream);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_SENT);
	assert_int_equal(f->state, FLOW_STATE_NEW);
	send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	send_pkt(&h, 1, A, CISN + 1, SISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
	assert_int_equal(stream_ctx_stats(h.sc)->sessions, 1);
	assert_false(stream_flow_reversed(f));
	harness_free(&h);
}

static void test_synack_wrong_ack(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	struct packet p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 7, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_SYNACK_WITH_WRONG_ACK)));
	assert_int_equal(p.flow->tcp_state, TCP_STATE_SYN_SENT);
	p = send_pkt(&h, 1, TCP_SYN | A, CISN, SISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_SYNACK_IN_WRONG_DIRECTION)));
	harness_free(&h);
}

static void test_syn_recv_events(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	struct packet p = send_pkt(&h, 1, TCP_SYN | A, CISN, SISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_SYNACK_TOSERVER_ON_SYN_RECV)));
	p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 9, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_SYNACK_RESEND_WITH_DIFFERENT_ACK)));
	/* A different SYN/ACK is queued, as Suricata does: no event yet. */
	p = send_pkt(&h, 0, TCP_SYN | A, SISN + 3, CISN + 1, NULL);
	assert_int_equal(p.stream_event_count, 0);
	p = send_pkt(&h, 0, TCP_SYN, SISN, 0, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_SYN_TOCLIENT_ON_SYN_RECV)));
	p = send_pkt(&h, 1, TCP_SYN, CISN + 50, 0, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_SYN_RESEND_DIFF_SEQ_ON_SYN_RECV)));
	p = send_pkt(&h, 1, A, CISN + 1, SISN + 77, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_RIGHT_SEQ_WRONG_ACK_EVASION)));
	p = send_pkt(&h, 1, A, CISN + 100000, SISN + 77, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_WRONG_SEQ_WRONG_ACK)));
	assert_int_equal(p.flow->tcp_state, TCP_STATE_SYN_RECV);
	harness_free(&h);
}

static void test_synack_flood(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	struct packet p;
	for (int i = 1; i <= 5; i++) {
		p = send_pkt(&h, 0, TCP_SYN | A, SISN + (uint32_t)i * 100, CISN + 1, NULL);
		assert_false(stream_has_event(&p, EV(3WHS_SYNACK_FLOOD)));
	}
	p = send_pkt(&h, 0, TCP_SYN | A, SISN + 600, CISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_SYNACK_FLOOD)));
	harness_free(&h);
}

static void test_syn_flood(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	/* Resent SYNs that differ (here: their timestamps) are queued up to
	 * stream.max-syn-queued; one more is a flood. */
	struct packet p;
	for (int i = 0; i <= 11; i++) {
		p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
		p.tcp.has_ts = true;
		p.tcp.ts_val = 100 + (uint32_t)i;
		harness_send(&h, &p);
		if (i <= 10)
			assert_false(stream_has_event(&p, EV(3WHS_SYN_FLOOD)));
	}
	assert_true(stream_has_event(&p, EV(3WHS_SYN_FLOOD)));
	harness_free(&h);
}

static void test_four_way_handshake(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	struct flow *f = p.flow;
	send_pkt(&h, 0, TCP_SYN, SISN, 0, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_SENT);
	p = send_pkt(&h, 1, TCP_SYN | A, CISN + 5, SISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(4WHS_SYNACK_WITH_WRONG_SYN)));
	p = send_pkt(&h, 1, TCP_SYN | A, CISN, SISN + 2, NULL);
	assert_true(stream_has_event(&p, EV(4WHS_SYNACK_WITH_WRONG_ACK)));
	send_pkt(&h, 1, TCP_SYN | A, CISN, SISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	p = send_pkt(&h, 0, A, SISN + 9, CISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(4WHS_WRONG_SEQ)));
	p = send_pkt(&h, 0, A, SISN + 1, CISN + 200000, NULL);
	assert_true(stream_has_event(&p, EV(4WHS_INVALID_ACK)));
	send_pkt(&h, 0, A, SISN + 1, CISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	harness_free(&h);
}

static void test_midstream_off_and_on(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, A, CISN, SISN, "hello");
	assert_non_null(p.flow);
	assert_null(p.flow->stream);
	assert_int_equal(p.flow->tcp_state, TCP_STATE_NONE);
	assert_int_equal(p.flow->state, FLOW_STATE_NEW);
	harness_free(&h);

	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.midstream = true;
	cfg.app_reader = true;
	harness_init(&h, &cfg);
	p = send_pkt(&h, 1, A, CISN, SISN, "hello");
	struct flow *f = p.flow;
	assert_non_null(f->stream);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	assert_int_equal(stream_ctx_stats(h.sc)->midstream_pickups, 1);
	send_pkt(&h, 0, A, SISN, CISN + 5, "world");
	struct stream_chunk c;
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_int_equal(c.len, 5);
	assert_memory_equal(c.data, "hello", 5);
	assert_int_equal(c.offset, 0);
	harness_free(&h);
}

static void test_midstream_synack_first(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.midstream = true;
	cfg.app_reader = true;
	struct harness h;
	harness_init(&h, &cfg);
	struct packet p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	struct flow *f = p.flow;
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	/* Suricata's FlowSwap: the flow now starts at the SYN/ACK's receiver. */
	assert_false(stream_flow_reversed(f));
	assert_false(p.flow_toserver);
	assert_false(stream_packet_toserver(f, &p));
	assert_int_equal(f->sp, p.dp);
	assert_int_equal(f->dp, 80);
	assert_int_equal(f->pkts_toserver, 0);
	assert_int_equal(f->pkts_toclient, 1);
	p = send_pkt(&h, 1, A, CISN + 1, SISN + 1, "GET");
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	assert_true(stream_packet_toserver(f, &p));
	send_pkt(&h, 0, A, SISN + 1, CISN + 4, NULL);
	struct stream_chunk c;
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_memory_equal(c.data, "GET", 3);
	harness_free(&h);
}

/* async-oneside alone picks a SYN/ACK up too, and turns the flow around:
 * the server's data then travels to the client, counted that way. */
static void test_async_synack_first_swaps(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.async_oneside = true;
	cfg.app_reader = true;
	struct harness h;
	harness_init(&h, &cfg);
	struct packet p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	struct flow *f = p.flow;
	assert_non_null(f->stream);
	p = send_pkt(&h, 0, A, SISN + 1, CISN + 1, "220 ready");
	assert_false(p.flow_toserver);
	assert_false(stream_packet_toserver(f, &p));
	assert_int_equal(f->pkts_toclient, 2);
	assert_int_equal(f->pkts_toserver, 0);
	assert_int_equal(f->tcp_flags_ts, 0);
	assert_int_equal(f->tcp_flags_tc, TCP_SYN | A);
	/* one-sided: readable without the client's ACK */
	struct stream_chunk c;
	assert_true(stream_app_data(f, STREAM_TOCLIENT, &c));
	assert_memory_equal(c.data, "220 ready", 9);
	harness_free(&h);
}

/* A SYN/ACK on a flow the client's packet opened (no session then): the
 * swap makes the server the flow's source, and the session says so. */
static void test_synack_after_client_packet(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.async_oneside = true;
	struct harness h;
	harness_init(&h, &cfg);
	struct packet p = send_pkt(&h, 1, A, CISN + 1, SISN + 1, NULL);
	struct flow *f = p.flow;
	assert_null(f->stream);
	p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	assert_non_null(f->stream);
	assert_true(p.flow_toserver);
	assert_true(stream_flow_reversed(f));
	assert_false(stream_packet_toserver(f, &p));
	assert_int_equal(f->sp, 80);
	p = send_pkt(&h, 1, A, CISN + 1, SISN + 1, NULL);
	assert_true(stream_packet_toserver(f, &p));
	harness_free(&h);
}

static void test_async_oneside(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.async_oneside = true;
	cfg.app_reader = true;
	struct harness h;
	harness_init(&h, &cfg);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	struct flow *f = p.flow;
	p = send_pkt(&h, 1, A, CISN + 3, SISN + 1, "x");
	assert_true(stream_has_event(&p, EV(3WHS_ASYNC_WRONG_SEQ)));
	send_pkt(&h, 1, A, CISN + 1, SISN + 1, "abc");
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	send_pkt(&h, 1, A, CISN + 4, SISN + 1, "def");
	/* No ACKs from the server will come: data is readable anyway. */
	struct stream_chunk c;
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_int_equal(c.len, 6);
	assert_memory_equal(c.data, "abcdef", 6);
	harness_free(&h);
}

static void test_tcp_fast_open(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.app_reader = true;
	struct harness h;
	harness_init(&h, &cfg);
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, "tfo");
	p.tcp.has_tfo = true;
	harness_send(&h, &p);
	struct flow *f = p.flow;
	send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 4, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	send_pkt(&h, 1, A, CISN + 4, SISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	struct stream_chunk c;
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_int_equal(c.len, 3);
	assert_memory_equal(c.data, "tfo", 3);
	harness_free(&h);

	/* The server ACKs only the SYN: the data was ignored. */
	harness_init(&h, &cfg);
	p = tcp_pkt(1, TCP_SYN, CISN, 0, "tfo");
	p.tcp.has_tfo = true;
	harness_send(&h, &p);
	p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_SYNACK_TFO_DATA_IGNORED)));
	assert_int_equal(p.flow->tcp_state, TCP_STATE_SYN_RECV);
	harness_free(&h);
}

/* stream_added says whether a payload went to the reassembly: a SYN's
 * data (no TFO) does not, an established segment does. */
static void test_payload_added_flag(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, "syn data");
	assert_false(p.stream_added);
	send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	p = send_pkt(&h, 1, A, CISN + 1, SISN + 1, NULL);
	assert_false(p.stream_added); /* no payload */
	p = send_pkt(&h, 1, A | TCP_PSH, CISN + 1, SISN + 1, "hello");
	assert_true(p.stream_added);
	harness_free(&h);
}

/* flow_established is the session's state before the packet, as
 * Suricata's FLOW_PKT_ESTABLISHED: the ACK ending the handshake is not
 * established yet, the FIN of an established session still is. */
static void test_packet_established_flag(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	assert_false(p.flow_established);
	p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	assert_false(p.flow_established);
	p = send_pkt(&h, 1, A, CISN + 1, SISN + 1, NULL);
	assert_false(p.flow_established);
	assert_int_equal(p.flow->tcp_state, TCP_STATE_ESTABLISHED);
	p = send_pkt(&h, 1, A | TCP_PSH, CISN + 1, SISN + 1, "hello");
	assert_true(p.flow_established);
	p = send_pkt(&h, 1, A | TCP_FIN, CISN + 6, SISN + 1, NULL);
	assert_true(p.flow_established);
	harness_free(&h);
}

static void test_fin_client_first(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	send_pkt(&h, 1, A | TCP_PSH, CISN + 1, SISN + 1, "req");
	send_pkt(&h, 0, A, SISN + 1, CISN + 4, NULL);
	send_pkt(&h, 1, A | TCP_FIN, CISN + 4, SISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSE_WAIT);
	assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
	send_pkt(&h, 0, A, SISN + 1, CISN + 5, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSE_WAIT);
	send_pkt(&h, 0, A | TCP_FIN, SISN + 1, CISN + 5, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_LAST_ACK);
	assert_int_equal(f->state, FLOW_STATE_CLOSED);
	send_pkt(&h, 1, A, CISN + 5, SISN + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	harness_free(&h);
}

static void test_fin_server_first(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	send_pkt(&h, 0, A | TCP_FIN, SISN + 1, CISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_FIN_WAIT1);
	send_pkt(&h, 1, A, CISN + 1, SISN + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_FIN_WAIT2);
	send_pkt(&h, 1, A | TCP_FIN, CISN + 1, SISN + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_TIME_WAIT);
	assert_int_equal(f->state, FLOW_STATE_CLOSED);
	send_pkt(&h, 0, A, SISN + 2, CISN + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	harness_free(&h);
}

static void test_fin_simultaneous_closing(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	send_pkt(&h, 0, A | TCP_FIN, SISN + 1, CISN + 1, NULL);
	/* a bare FIN crossing the server's: closing */
	send_pkt(&h, 1, TCP_FIN, CISN + 1, 0, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSING);
	send_pkt(&h, 0, A, SISN + 2, CISN + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_TIME_WAIT);
	send_pkt(&h, 1, A, CISN + 2, SISN + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	harness_free(&h);
}

static void test_closing_state_events(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	handshake(&h);
	send_pkt(&h, 0, A | TCP_FIN, SISN + 1, CISN + 1, NULL); /* fin_wait1 */
	struct packet p = send_pkt(&h, 1, A, CISN + 1, SISN + 900000, NULL);
	assert_true(stream_has_event(&p, EV(FIN1_INVALID_ACK)));
	assert_true(stream_has_event(&p, EV(PKT_INVALID_ACK)));
	p = send_pkt(&h, 1, A, CISN + 500000, SISN + 2, NULL);
	assert_true(stream_has_event(&p, EV(FIN1_ACK_WRONG_SEQ)));
	p = send_pkt(&h, 1, A | TCP_FIN, CISN + 500000, SISN + 2, NULL);
	assert_true(stream_has_event(&p, EV(FIN1_FIN_WRONG_SEQ)));
	send_pkt(&h, 1, A, CISN + 1, SISN + 2, NULL); /* fin_wait2 */
	p = send_pkt(&h, 1, A | TCP_FIN, CISN + 500000, SISN + 2, NULL);
	assert_true(stream_has_event(&p, EV(FIN2_FIN_WRONG_SEQ)));
	p = send_pkt(&h, 1, A, CISN + 500000, SISN + 2, NULL);
	assert_true(stream_has_event(&p, EV(FIN2_ACK_WRONG_SEQ)));
	p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	assert_true(stream_has_event(&p, EV(SHUTDOWN_SYN_RESEND)));
	send_pkt(&h, 1, A | TCP_FIN, CISN + 1, SISN + 2, NULL); /* time_wait */
	p = send_pkt(&h, 0, A, SISN + 500000, CISN + 2, NULL);
	assert_true(stream_has_event(&p, EV(TIMEWAIT_ACK_WRONG_SEQ)));
	assert_int_equal(p.flow->tcp_state, TCP_STATE_TIME_WAIT);
	harness_free(&h);

	harness_init(&h, NULL);
	handshake(&h);
	send_pkt(&h, 1, A | TCP_FIN, CISN + 1, SISN + 1, NULL); /* close_wait */
	p = send_pkt(&h, 0, A | TCP_FIN, SISN + 500000, CISN + 2, NULL);
	assert_true(stream_has_event(&p, EV(CLOSEWAIT_FIN_OUT_OF_WINDOW)));
	p = send_pkt(&h, 0, A, SISN + 500000, CISN + 2, NULL);
	assert_true(stream_has_event(&p, EV(CLOSEWAIT_ACK_OUT_OF_WINDOW)));
	send_pkt(&h, 0, A | TCP_FIN, SISN + 1, CISN + 2, NULL); /* last_ack */
	p = send_pkt(&h, 1, A, CISN + 500000, SISN + 2, NULL);
	assert_true(stream_has_event(&p, EV(LASTACK_ACK_WRONG_SEQ)));
	assert_int_equal(p.flow->tcp_state, TCP_STATE_LAST_ACK);
	harness_free(&h);
}

static void test_rst_valid_and_invalid(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	send_pkt(&h, 1, A, CISN + 1, SISN + 1, "abc");
	/* bsd: the RST must carry exactly the next sequence number */
	send_pkt(&h, 0, TCP_RST | A, SISN + 10, CISN + 4, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	struct packet p = send_pkt(&h, 0, TCP_RST | A, SISN + 1, CISN + 900000, NULL);
	assert_true(stream_has_event(&p, EV(RST_INVALID_ACK)));
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	send_pkt(&h, 0, TCP_RST | A, SISN + 1, CISN + 4, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	assert_int_equal(f->state, FLOW_STATE_CLOSED);
	harness_free(&h);
}

/* The server refuses the SYN, then answers it anyway: whoever sent the
 * RST was not the server. */
static void test_suspected_rst_inject(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	struct flow *f = p.flow;
	send_pkt(&h, 0, TCP_RST | A, 0, CISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(SUSPECTED_RST_INJECT)));
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	harness_free(&h);
}

static void test_rst_linux_policy_window(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.policy = STREAM_POLICY_LINUX;
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	send_pkt(&h, 0, TCP_RST | A, SISN + 10, CISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	harness_free(&h);
}

static void test_rst_in_syn_sent(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	struct flow *f = p.flow;
	send_pkt(&h, 0, TCP_RST | A, 0, CISN + 5, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_SENT);
	send_pkt(&h, 0, TCP_RST | A, 0, CISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	harness_free(&h);
}

/* Found by fuzz_stream: after a client RST in syn_sent, data from the
 * server re-opened the session and acknowledged into a reassembly that
 * had not started, leaking its accounting. */
static void test_rst_in_syn_sent_stays_closed(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	struct flow *f = p.flow;
	/* only the client's own abort of its SYN counts: seq isn, window 0 */
	send_pkt(&h, 1, TCP_RST | A, CISN + 1, SISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_SENT);
	p = tcp_pkt(1, TCP_RST | A, CISN, CISN + 1, NULL);
	p.tcp.win = 0;
	harness_send(&h, &p);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	p = send_pkt(&h, 0, A, SISN + 1, CISN + 1, "late");
	assert_false(stream_has_event(&p, EV(SUSPECTED_RST_INJECT)));
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	assert_int_equal(stream_ctx_stats(h.sc)->reassembly_memuse, 0);
	flow_table_flush(h.ft);
	assert_int_equal(stream_ctx_stats(h.sc)->memuse, 0);
	harness_free(&h);
}

/* IDS mode: the server's data after its SYN/ACK means the client's ACK
 * was lost, not that something is wrong. */
static void test_missed_final_ack(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	struct flow *f = p.flow;
	send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	p = send_pkt(&h, 0, A, SISN + 1, CISN + 1, "220 hello");
	assert_int_equal(p.stream_event_count, 0);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	harness_free(&h);

	/* Inline mode sees every packet: the same is an ACK in the wrong
	 * direction, or with data, a suspected injection. */
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.inline_mode = true;
	harness_init(&h, &cfg);
	send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	p = send_pkt(&h, 0, A, SISN + 1, CISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(3WHS_ACK_IN_WRONG_DIR)));
	p = send_pkt(&h, 0, A, SISN + 1, CISN + 1, "220 hello");
	assert_true(stream_has_event(&p, EV(3WHS_ACK_DATA_INJECT)));
	assert_int_equal(p.flow->tcp_state, TCP_STATE_SYN_RECV);
	harness_free(&h);
}

static void test_midstream_fin_pickup(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.midstream = true;
	struct harness h;
	harness_init(&h, &cfg);
	struct packet p = send_pkt(&h, 1, A | TCP_FIN, CISN, SISN, NULL);
	assert_true(stream_has_event(&p, EV(FIN_BUT_NO_SESSION)));
	p = send_pkt(&h, 1, A | TCP_FIN, CISN, SISN, "bye");
	assert_int_equal(p.flow->tcp_state, TCP_STATE_FIN_WAIT1);
	assert_int_equal(stream_ctx_stats(h.sc)->midstream_pickups, 1);
	harness_free(&h);
}

static void test_keepalive_skips_checks(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	send_pkt(&h, 1, A, CISN + 1, SISN + 1, "abc");
	send_pkt(&h, 0, A, SISN + 1, CISN + 4, NULL);
	/* seq one below next_seq, ACK as before: a keep-alive */
	struct packet p = send_pkt(&h, 1, A, CISN + 3, SISN + 1, NULL);
	assert_int_equal(p.stream_event_count, 0);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	harness_free(&h);
}

static void test_bad_window_update(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	handshake(&h);
	/* ACKs unseen server data, starts past next_seq, and shrinks the
	 * window by far more than it ACKs */
	struct packet p = tcp_pkt(1, A, CISN + 1 + 100, SISN + 1 + 10, NULL);
	p.tcp.win = 100;
	harness_send(&h, &p);
	assert_true(stream_has_event(&p, EV(PKT_BAD_WINDOW_UPDATE)));
	harness_free(&h);
}

/* A signed RST (TCP MD5 option) cannot be checked: it closes, but its
 * sender talking on afterwards marks it as injected and tracking goes on
 * (suricata-verify security-4710-01). */
static void test_signed_rst_then_data(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	static uint8_t hdr[40];
	memset(hdr, 0, sizeof(hdr));
	hdr[20] = 19; /* MD5 signature option, 18 bytes */
	hdr[21] = 18;
	struct packet p = tcp_pkt(1, TCP_RST | A, CISN + 1, SISN + 1, NULL);
	p.l4_hdr = hdr;
	p.tcp.hlen = 40;
	p.l4_len = 40;
	harness_send(&h, &p);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	p = send_pkt(&h, 1, A | TCP_PSH, CISN + 1, SISN + 1, "GET / HTTP/1.0");
	assert_true(stream_has_event(&p, EV(SUSPECTED_RST_INJECT)));
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	assert_int_equal(stream_stored_bytes(f, STREAM_TOSERVER), 14);
	harness_free(&h);
}

/* SYNs resent with new sequence numbers: the last one is the one the
 * server answers (suricata-verify bug-7657-01). */
static void test_syn_resend_new_isn(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	struct flow *f = p.flow;
	send_pkt(&h, 1, TCP_SYN, CISN + 5000, 0, NULL);
	p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 5001, NULL);
	assert_int_equal(p.stream_event_count, 0);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	harness_free(&h);
}

static void test_session_reuse_rule(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	struct packet syn = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	syn.flow = f;
	syn.flow_toserver = true;
	/* the same ISN: a retransmission; a new one while established: no */
	assert_false(stream_session_reusable(h.sc, f, &syn));
	syn.tcp.seq = CISN + 99999;
	assert_false(stream_session_reusable(h.sc, f, &syn));
	send_pkt(&h, 1, A | TCP_FIN, CISN + 1, SISN + 1, NULL);
	send_pkt(&h, 0, A | TCP_FIN, SISN + 1, CISN + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_LAST_ACK);
	assert_true(stream_session_reusable(h.sc, f, &syn));
	/* a SYN/ACK starts nothing unless mid-stream pick-up is on */
	struct packet sa = tcp_pkt(0, TCP_SYN | A, SISN + 7, CISN + 1, NULL);
	sa.flow = f;
	assert_false(stream_session_reusable(h.sc, f, &sa));
	harness_free(&h);
}

/* EVE's tcp flags come from the session, per TCP side; 00 without one. */
static void test_session_tcp_flags(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, A | TCP_PSH, CISN, SISN, "x");
	assert_int_equal(p.flow->tcp_flags_ts, 0);
	assert_int_equal(p.flow->tcp_flags_tc, 0);
	harness_free(&h);

	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	send_pkt(&h, 1, A | TCP_FIN, CISN + 1, SISN + 1, NULL);
	assert_int_equal(f->tcp_flags_ts, TCP_SYN | A | TCP_FIN);
	assert_int_equal(f->tcp_flags_tc, TCP_SYN | A);
	harness_free(&h);

	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.midstream = true;
	harness_init(&h, &cfg);
	p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	/* the SYN/ACK's sender is the TCP server, whatever the flow says */
	assert_int_equal(p.flow->tcp_flags_ts, 0);
	assert_int_equal(p.flow->tcp_flags_tc, TCP_SYN | A);
	harness_free(&h);
}

static void test_no_session_events(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = send_pkt(&h, 1, TCP_RST, CISN, 0, NULL);
	assert_true(stream_has_event(&p, EV(RST_BUT_NO_SESSION)));
	assert_null(p.flow->stream);
	harness_free(&h);
	harness_init(&h, NULL);
	p = send_pkt(&h, 1, TCP_FIN | A, CISN, SISN, NULL);
	assert_true(stream_has_event(&p, EV(FIN_BUT_NO_SESSION)));
	p = send_pkt(&h, 1, TCP_PSH, CISN, 77, NULL);
	assert_true(stream_has_event(&p, EV(PKT_BROKEN_ACK)));
	harness_free(&h);
}

static void test_established_syn_events(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	handshake(&h);
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	assert_true(stream_has_event(&p, EV(EST_SYN_RESEND)));
	p = send_pkt(&h, 1, TCP_SYN, CISN + 9, 0, NULL);
	assert_true(stream_has_event(&p, EV(EST_SYN_RESEND_DIFF_SEQ)));
	p = send_pkt(&h, 0, TCP_SYN, SISN, 0, NULL);
	assert_true(stream_has_event(&p, EV(EST_SYN_TOCLIENT)));
	/* Before the server spoke in this state, a resent SYN/ACK just means
	 * it missed the final ACK; after, it is suspicious. */
	p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	assert_int_equal(p.stream_event_count, 0);
	send_pkt(&h, 0, A, SISN + 1, CISN + 1, NULL);
	p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(EST_SYNACK_RESEND)));
	p = send_pkt(&h, 0, TCP_SYN | A, SISN, CISN + 2, NULL);
	assert_true(stream_has_event(&p, EV(EST_SYNACK_RESEND_WITH_DIFFERENT_ACK)));
	p = send_pkt(&h, 0, TCP_SYN | A, SISN + 2, CISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(EST_SYNACK_RESEND_WITH_DIFF_SEQ)));
	p = send_pkt(&h, 1, TCP_SYN | A, CISN, SISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(EST_SYNACK_TOSERVER)));
	p = send_pkt(&h, 1, TCP_SYN | TCP_FIN | A, CISN + 1, SISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(FIN_SYN)));
	assert_int_equal(p.flow->tcp_state, TCP_STATE_ESTABLISHED);
	harness_free(&h);
}

static void test_window_and_ack_checks(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	struct packet p = send_pkt(&h, 1, A, CISN + 1 + 70000, SISN + 1, "x");
	assert_true(stream_has_event(&p, EV(EST_PACKET_OUT_OF_WINDOW)));
	p = send_pkt(&h, 1, A, CISN + 1, SISN + 200000, "y");
	assert_true(stream_has_event(&p, EV(EST_INVALID_ACK)));
	assert_true(stream_has_event(&p, EV(PKT_INVALID_ACK)));
	assert_int_equal(stream_stored_bytes(f, STREAM_TOSERVER), 0);
	p = send_pkt(&h, 1, A | TCP_FIN, CISN + 1 + 70000, SISN + 1, NULL);
	assert_true(stream_has_event(&p, EV(FIN_OUT_OF_WINDOW)));
	p = send_pkt(&h, 1, A | TCP_FIN, CISN + 1, SISN + 200000, NULL);
	assert_true(stream_has_event(&p, EV(FIN_INVALID_ACK)));
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	harness_free(&h);
}

static void test_retransmissions(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	send_pkt(&h, 1, A, CISN + 1, SISN + 1, "abcd");
	send_pkt(&h, 0, A, SISN + 1, CISN + 5, NULL);
	/* data the receiver already ACKed */
	struct packet p = send_pkt(&h, 1, A, CISN + 1, SISN + 1, "abcd");
	assert_true(stream_has_event(&p, EV(PKT_SPURIOUS_RETRANSMISSION)));
	/* in the closing states, a resend of in-flight data */
	send_pkt(&h, 0, A, SISN + 1, CISN + 5, "xyz");
	send_pkt(&h, 0, A | TCP_FIN, SISN + 4, CISN + 5, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_FIN_WAIT1);
	p = send_pkt(&h, 0, A, SISN + 1, CISN + 5, "xyz");
	assert_true(stream_has_event(&p, EV(PKT_RETRANSMISSION)));
	assert_true(stream_ctx_stats(h.sc)->retransmissions >= 2);
	harness_free(&h);
}

static void test_timestamps(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	p.tcp.has_ts = true;
	p.tcp.ts_val = 100;
	harness_send(&h, &p);
	p = tcp_pkt(0, TCP_SYN | A, SISN, CISN + 1, NULL);
	p.tcp.has_ts = true;
	p.tcp.ts_val = 900;
	harness_send(&h, &p);
	p = tcp_pkt(1, A, CISN + 1, SISN + 1, NULL);
	p.tcp.has_ts = true;
	p.tcp.ts_val = 105;
	harness_send(&h, &p);
	assert_int_equal(p.flow->tcp_state, TCP_STATE_ESTABLISHED);
	p = tcp_pkt(1, A, CISN + 1, SISN + 1, "old");
	p.tcp.has_ts = true;
	p.tcp.ts_val = 50;
	harness_send(&h, &p);
	assert_true(stream_has_event(&p, EV(PKT_INVALID_TIMESTAMP)));
	assert_int_equal(stream_stored_bytes(p.flow, STREAM_TOSERVER), 0);
	harness_free(&h);
}

static void test_flow_reuse_after_close(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h, NULL);
	struct flow *f = handshake(&h);
	send_pkt(&h, 0, TCP_RST | A, SISN + 1, CISN + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	/* A new SYN on a closed flow starts a new flow (flow stage) and a
	 * new session: the old one was freed through the end callback. */
	struct packet p = send_pkt(&h, 1, TCP_SYN, CISN + 100000, 0, NULL);
	assert_int_equal(p.flow->tcp_state, TCP_STATE_SYN_SENT);
	assert_int_equal(h.ended, 1);
	assert_int_equal(stream_ctx_stats(h.sc)->sessions, 2);
	harness_free(&h);
}

static void test_event_names(void **state)
{
	(void)state;
	assert_string_equal(stream_event_name(STREAM_EV_3WHS_SYNACK_WITH_WRONG_ACK),
			    "stream.3whs_synack_with_wrong_ack");
	assert_int_equal(stream_event_lookup("est_packet_out_of_window"),
			 STREAM_EV_EST_PACKET_OUT_OF_WINDOW);
	assert_int_equal(stream_event_lookup("stream.reassembly_seq_gap"),
			 STREAM_EV_REASSEMBLY_SEQ_GAP);
	assert_int_equal(stream_event_lookup("no_such_event"), -1);
	assert_null(stream_event_name(STREAM_EV_MAX));
	struct packet p;
	memset(&p, 0, sizeof(p));
	for (int i = 0; i < PACKET_MAX_STREAM_EVENTS + 3; i++)
		stream_set_event(&p, (enum stream_event)i);
	stream_set_event(&p, (enum stream_event)0);
	assert_int_equal(p.stream_event_count, PACKET_MAX_STREAM_EVENTS);
	assert_int_equal(p.stream_events_lost, 3);
}

static void test_config_load(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	assert_false(cfg.midstream);
	assert_false(cfg.async_oneside);
	assert_int_equal(cfg.depth, 1 << 20);
	assert_int_equal(cfg.memcap, 64 << 20);
	assert_int_equal(cfg.reassembly_memcap, 256 << 20);
	assert_int_equal(cfg.toserver_chunk_size, 2560);
	struct config_node *root = config_new();
	char err[128];
	assert_true(config_set(root, "stream.midstream", "true"));
	assert_true(config_set(root, "stream.async-oneside", "yes"));
	assert_true(config_set(root, "stream.memcap", "32mb"));
	assert_true(config_set(root, "stream.reassembly.depth", "4kb"));
	assert_true(config_set(root, "stream.reassembly.memcap", "1gb"));
	assert_true(config_set(root, "stream.inline", "auto"));
	assert_true(config_set(root, "stream.reassembly.policy", "windows"));
	assert_true(stream_config_load(&cfg, root, err, sizeof(err)));
	assert_true(cfg.midstream);
	assert_true(cfg.async_oneside);
	assert_false(cfg.inline_mode);
	assert_int_equal(cfg.memcap, 32 << 20);
	assert_int_equal(cfg.depth, 4096);
	assert_int_equal(cfg.reassembly_memcap, 1ull << 30);
	assert_int_equal(cfg.policy, STREAM_POLICY_WINDOWS);
	assert_true(config_set(root, "stream.reassembly.policy", "beos"));
	assert_false(stream_config_load(&cfg, root, err, sizeof(err)));
	assert_non_null(strstr(err, "beos"));
	config_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_three_way_handshake),
	    cmocka_unit_test(test_async_synack_first_swaps),
	    cmocka_unit_test(test_synack_after_client_packet),
	    cmocka_unit_test(test_synack_wrong_ack),
	    cmocka_unit_test(test_syn_recv_events),
	    cmocka_unit_test(test_synack_flood),
	    cmocka_unit_test(test_syn_flood),
	    cmocka_unit_test(test_four_way_handshake),
	    cmocka_unit_test(test_midstream_off_and_on),
	    cmocka_unit_test(test_midstream_synack_first),
	    cmocka_unit_test(test_async_oneside),
	    cmocka_unit_test(test_tcp_fast_open),
	    cmocka_unit_test(test_payload_added_flag),
	    cmocka_unit_test(test_packet_established_flag),
	    cmocka_unit_test(test_fin_client_first),
	    cmocka_unit_test(test_fin_server_first),
	    cmocka_unit_test(test_fin_simultaneous_closing),
	    cmocka_unit_test(test_closing_state_events),
	    cmocka_unit_test(test_rst_valid_and_invalid),
	    cmocka_unit_test(test_suspected_rst_inject),
	    cmocka_unit_test(test_rst_linux_policy_window),
	    cmocka_unit_test(test_rst_in_syn_sent),
	    cmocka_unit_test(test_rst_in_syn_sent_stays_closed),
	    cmocka_unit_test(test_no_session_events),
	    cmocka_unit_test(test_session_tcp_flags),
	    cmocka_unit_test(test_session_reuse_rule),
	    cmocka_unit_test(test_signed_rst_then_data),
	    cmocka_unit_test(test_syn_resend_new_isn),
	    cmocka_unit_test(test_missed_final_ack),
	    cmocka_unit_test(test_midstream_fin_pickup),
	    cmocka_unit_test(test_keepalive_skips_checks),
	    cmocka_unit_test(test_bad_window_update),
	    cmocka_unit_test(test_established_syn_events),
	    cmocka_unit_test(test_window_and_ack_checks),
	    cmocka_unit_test(test_retransmissions),
	    cmocka_unit_test(test_timestamps),
	    cmocka_unit_test(test_flow_reuse_after_close),
	    cmocka_unit_test(test_event_names),
	    cmocka_unit_test(test_config_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
