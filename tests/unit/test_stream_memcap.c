/* Memory bounds of the stream stage: a generated capture of thousands of
 * half-open and out-of-order sessions, whose holes are never filled and
 * whose readers never consume, must keep session and reassembly memory
 * under their caps at every packet, count every refusal, and give every
 * byte back when the flows end. */
/* cmocka needs these first, in this order */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "test_stream_util.h"

#define A TCP_ACK

enum { NCONN = 6000, SEG = 700 };

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static void check_caps(const struct harness *h, const struct stream_config *cfg)
{
	const struct stream_stats *st = stream_ctx_stats(h->sc);
	assert_true(st->memuse <= cfg->memcap);
	assert_true(st->reassembly_memuse <= cfg->reassembly_memcap);
}

static void send_conn(struct harness *h, const struct stream_config *cfg, uint32_t conn,
		      int from_client, uint8_t flags, uint32_t seq, uint32_t ack,
		      const uint8_t *data, uint32_t len)
{
	struct packet p = tcp_pkt_conn(conn, from_client, flags, seq, ack, data, len);
	harness_send(h, &p);
	check_caps(h, cfg);
}

/* One connection's packets, step by step: some stay half-open, the rest
 * send data out of order with holes that never fill. */
static void conn_step(struct harness *h, const struct stream_config *cfg, uint32_t conn, int step,
		      const uint8_t *payload)
{
	uint32_t cisn = conn * 7919u, sisn = conn * 104729u;
	bool half_open = conn % 3 == 0;
	switch (step) {
	case 0: send_conn(h, cfg, conn, 1, TCP_SYN, cisn, 0, NULL, 0); break;
	case 1:
		if (conn % 2 == 0) /* half of the half-open never get an answer */
			send_conn(h, cfg, conn, 0, TCP_SYN | A, sisn, cisn + 1, NULL, 0);
		break;
	case 2:
		if (!half_open)
			send_conn(h, cfg, conn, 1, A, cisn + 1, sisn + 1, NULL, 0);
		break;
	default:
		if (!half_open) {
			/* segments 1, 3, 5, ... : every other one is missing */
			uint32_t k = (uint32_t)(step - 3) * 2 + 1;
			send_conn(h, cfg, conn, 1, A, cisn + 1 + k * SEG, sisn + 1, payload, SEG);
		}
		break;
	}
}

static void test_many_sessions_stay_under_caps(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.memcap = 512 * 1024;
	cfg.reassembly_memcap = 2 * 1024 * 1024;
	cfg.app_reader = true; /* a reader that never consumes: worst case */
	cfg.raw_reader = true;
	struct harness h;
	harness_init(&h, &cfg);
	static uint8_t payload[SEG];
	memset(payload, 'x', sizeof(payload));

	/* Interleave the connections: each packet goes to a random live
	 * connection, in that connection's order. */
	enum { STEPS = 8 };
	static uint8_t next_step[NCONN];
	uint32_t seed = 12345, remaining = NCONN * STEPS;
	while (remaining > 0) {
		uint32_t conn = lcg(&seed) % NCONN;
		while (next_step[conn] >= STEPS)
			conn = (conn + 1) % NCONN;
		conn_step(&h, &cfg, conn, next_step[conn]++, payload);
		remaining--;
	}
	const struct stream_stats *st = stream_ctx_stats(h.sc);
	assert_true(st->sessions > 0);
	assert_true(st->ssn_memcap_drop > 0);	  /* the session cap was reached */
	assert_true(st->segment_memcap_drop > 0); /* and so was the reassembly cap */
	assert_true(st->memuse_max <= cfg.memcap);
	assert_true(st->reassembly_memuse_max <= cfg.reassembly_memcap);
	assert_int_equal(st->segment_memcap_bytes, st->segment_memcap_drop * SEG);

	flow_table_flush(h.ft);
	assert_int_equal(st->memuse, 0);
	assert_int_equal(st->reassembly_memuse, 0);
	harness_free(&h);
}

/* Sessions whose readers keep up release their bytes as they go: the
 * same load with consuming readers holds almost nothing. */
static void test_consumed_data_is_released(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	struct harness h;
	harness_init(&h, &cfg);
	static uint8_t payload[SEG];
	memset(payload, 'y', sizeof(payload));
	for (uint32_t conn = 0; conn < 500; conn++) {
		uint32_t cisn = conn * 31u, sisn = conn * 77u;
		send_conn(&h, &cfg, conn, 1, TCP_SYN, cisn, 0, NULL, 0);
		send_conn(&h, &cfg, conn, 0, TCP_SYN | A, sisn, cisn + 1, NULL, 0);
		send_conn(&h, &cfg, conn, 1, A, cisn + 1, sisn + 1, NULL, 0);
		for (uint32_t k = 0; k < 4; k++) {
			send_conn(&h, &cfg, conn, 1, A, cisn + 1 + k * SEG, sisn + 1, payload, SEG);
			send_conn(&h, &cfg, conn, 0, A, sisn + 1, cisn + 1 + (k + 1) * SEG, NULL,
				  0);
		}
	}
	const struct stream_stats *st = stream_ctx_stats(h.sc);
	assert_int_equal(st->sessions, 500);
	assert_int_equal(st->reassembly_memuse, 0);
	assert_int_equal(st->segment_memcap_drop, 0);
	harness_free(&h);
}

/* Tiny segments, reordered, with a reader that never consumes: the work
 * per segment stays bounded (records are capped per direction and the
 * list is searched from its tail), so this finishes quickly. */
static void test_tiny_reordered_segments_bounded(void **state)
{
	(void)state;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.depth = 0;
	cfg.app_reader = true;
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	uint32_t base = CISN + 1;
	/* 40000 one-byte segments, each block of 4 sent in reverse */
	for (uint32_t i = 0; i < 40000; i += 4)
		for (int k = 3; k >= 0; k--) {
			struct packet p =
			    tcp_pkt_conn(0, 1, A, base + i + (uint32_t)k, SISN + 1, "z", 1);
			harness_send(&h, &p);
		}
	const struct stream_stats *st = stream_ctx_stats(h.sc);
	assert_true(st->segment_limit_drop > 0);
	assert_true(st->events[STREAM_EV_REASSEMBLY_INSERT_LIMIT] > 0);
	assert_true(stream_stored_bytes(f, STREAM_TOSERVER) >= STREAM_MAX_SEGMENTS);
	harness_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_many_sessions_stay_under_caps),
	    cmocka_unit_test(test_consumed_data_is_released),
	    cmocka_unit_test(test_tiny_reordered_segments_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
