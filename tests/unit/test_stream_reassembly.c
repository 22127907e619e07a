/* Tests for stream/reassemble.c and stream/segment-list.c: in-order and
 * out-of-order delivery, overlap policies, gaps, depth, memcap refusal,
 * ACK gating and the two readers (application layer, raw stream). */
/* cmocka needs these first, in this order */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on
#include <stdio.h>

#include "stream/stream-internal.h"
#include "test_stream_util.h"
#include "util/config.h"

#define A TCP_ACK
#define C(off) (CISN + 1 + (off)) /* client sequence number of stream offset off */

static struct stream_config cfg_with(bool app, bool raw)
{
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.app_reader = app;
	cfg.raw_reader = raw;
	return cfg;
}

static void client_data(struct harness *h, uint32_t off, const char *data)
{
	send_pkt(h, 1, A, C(off), SISN + 1, data);
}

static struct packet server_ack(struct harness *h, uint32_t off)
{
	return send_pkt(h, 0, A, SISN + 1, C(off), NULL);
}

static void expect_app(struct flow *f, const char *want, uint64_t offset)
{
	struct stream_chunk c;
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_int_equal(c.offset, offset);
	assert_int_equal(c.len, strlen(want));
	assert_memory_equal(c.data, want, c.len);
}

/* Suricata's streaming-buffer regions: data stored more than the region
 * gap past what is held opens a second region; filling the hole merges
 * them, and the maximum stays what it was. */
/* A mid-stream pick-up assumes the largest window scale: data far ahead
 * is in window. */
static struct flow *midstream_start(struct harness *h, const char *first)
{
	struct packet p = send_pkt(h, 1, A, C(0), SISN + 1, first);
	return p.flow;
}

static void test_max_regions(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	cfg.midstream = true;
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = midstream_start(&h, "abc");
	unsigned n = 0;
	assert_true(stream_max_regions(f, STREAM_TOSERVER, &n));
	assert_int_equal(n, 1);
	client_data(&h, 3 + STREAM_REGION_GAP, "far"); /* exactly the gap: same region */
	assert_true(stream_max_regions(f, STREAM_TOSERVER, &n));
	assert_int_equal(n, 1);
	client_data(&h, 3 + 2 * STREAM_REGION_GAP + 100, "farther");
	assert_true(stream_max_regions(f, STREAM_TOSERVER, &n));
	assert_int_equal(n, 2);
	assert_true(stream_max_regions(f, STREAM_TOCLIENT, &n));
	assert_int_equal(n, 1);
	harness_free(&h);
}

static void test_max_regions_merge(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	cfg.midstream = true;
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = midstream_start(&h, "a");
	static char fill[STREAM_REGION_GAP + 2];
	memset(fill, 'x', sizeof(fill) - 1);
	client_data(&h, 2 + STREAM_REGION_GAP, "b");
	client_data(&h, 1, fill); /* the hole fills: one region again */
	client_data(&h, 3 + 3 * STREAM_REGION_GAP, "c");
	unsigned n = 0;
	assert_true(stream_max_regions(f, STREAM_TOSERVER, &n));
	assert_int_equal(n, 2);
	harness_free(&h);
}

static void test_in_order_needs_ack(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "GET / ");
	client_data(&h, 6, "HTTP/1.0\r\n");
	struct stream_chunk c;
	/* IDS mode: nothing is readable before the receiver ACKs it. */
	assert_false(stream_app_data(f, STREAM_TOSERVER, &c));
	server_ack(&h, 6);
	expect_app(f, "GET / ", 0);
	server_ack(&h, 16);
	expect_app(f, "GET / HTTP/1.0\r\n", 0);
	stream_app_consumed(f, STREAM_TOSERVER, 4);
	expect_app(f, "/ HTTP/1.0\r\n", 4);
	stream_app_consumed(f, STREAM_TOSERVER, 16);
	assert_false(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_int_equal(stream_stored_bytes(f, STREAM_TOSERVER), 0);
	harness_free(&h);
}

static void test_inline_mode_no_ack_needed(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	cfg.inline_mode = true;
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "abc");
	expect_app(f, "abc", 0);
	harness_free(&h);
}

static void test_out_of_order_delivery(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 6, "ghi");
	client_data(&h, 3, "def");
	struct stream_chunk c;
	server_ack(&h, 0);
	assert_false(stream_app_data(f, STREAM_TOSERVER, &c));
	client_data(&h, 0, "abc");
	server_ack(&h, 9);
	expect_app(f, "abcdefghi", 0);
	assert_int_equal(stream_ctx_stats(h.sc)->reassembly_gap, 0);
	harness_free(&h);
}

/* The same overlapping segments under every policy: what each receiving
 * stack would have kept.  Old segments first, then new ones that lie
 * before / at / after them, then fillers for the holes. */
static const struct {
	uint32_t off;
	const char *data;
} overlap_input[] = {
    {2, "bbbb"},   {10, "dddd"},    {16, "ffff"}, {24, "hh"},
    {30, "jj"},	   {0, "XXXXXXXX"}, /* starts before "bbbb", ends after it */
    {10, "YY"},			    /* same start as "dddd", ends before */
    {17, "ZZZZZ"},		    /* starts inside "ffff", ends after */
    {24, "WWWW"},		    /* same start as "hh", ends after */
    {30, "VV"},			    /* exactly over "jj" */
    {8, ".."},	   {14, ".."},	    {22, ".."},	  {28, ".."},
};

static const struct {
	enum stream_policy pol;
	const char *want;
} overlap_expect[] = {
    {STREAM_POLICY_BSD, "XXXXXXXX..dddd..ffffZZ..hhWW..jj"},
    {STREAM_POLICY_BSD_RIGHT, "XXXXXXXX..dddd..ffffZZ..hhWW..jj"},
    {STREAM_POLICY_OLD_LINUX, "XXXXXXXX..dddd..ffffZZ..WWWW..VV"},
    {STREAM_POLICY_LINUX, "XXXXXXXX..dddd..ffffZZ..WWWW..jj"},
    {STREAM_POLICY_OLD_SOLARIS, "XXXXXXXX..dddd..fZZZZZ..WWWW..VV"},
    {STREAM_POLICY_SOLARIS, "XXXXXXXX..dddd..fZZZZZ..WWWW..VV"},
    {STREAM_POLICY_HPUX10, "XXXXXXXX..dddd..ffffZZ..hhWW..jj"},
    {STREAM_POLICY_HPUX11, "XXXXXXXX..dddd..fZZZZZ..WWWW..VV"},
    {STREAM_POLICY_IRIX, "XXXXXXXX..dddd..ffffZZ..hhWW..jj"},
    {STREAM_POLICY_MACOS, "XXXXXXXX..dddd..ffffZZ..hhWW..jj"},
    {STREAM_POLICY_WINDOWS, "XXXXXXXX..dddd..ffffZZ..hhWW..jj"},
    {STREAM_POLICY_VISTA, "XXbbbbXX..dddd..ffffZZ..hhWW..jj"},
    {STREAM_POLICY_WINDOWS2K3, "XXXXXXXX..dddd..ffffZZ..hhWW..jj"},
    {STREAM_POLICY_FIRST, "XXbbbbXX..dddd..ffffZZ..hhWW..jj"},
    {STREAM_POLICY_LAST, "XXXXXXXX..YYdd..fZZZZZ..WWWW..VV"},
};

static void test_overlap_policies(void **state)
{
	(void)state;
	size_t npol = sizeof(overlap_expect) / sizeof(overlap_expect[0]);
	assert_int_equal(npol, STREAM_POLICY_MAX);
	for (size_t i = 0; i < npol; i++) {
		struct stream_config cfg = cfg_with(true, false);
		cfg.policy = overlap_expect[i].pol;
		struct harness h;
		harness_init(&h, &cfg);
		struct flow *f = handshake(&h);
		bool diff_event = false;
		for (size_t k = 0; k < sizeof(overlap_input) / sizeof(overlap_input[0]); k++) {
			struct packet p = send_pkt(&h, 1, A, C(overlap_input[k].off), SISN + 1,
						   overlap_input[k].data);
			diff_event |=
			    stream_has_event(&p, STREAM_EV_REASSEMBLY_OVERLAP_DIFFERENT_DATA);
		}
		server_ack(&h, 32);
		struct stream_chunk c;
		assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
		char got[64] = {0};
		memcpy(got, c.data, c.len < 63 ? c.len : 63);
		if (strcmp(got, overlap_expect[i].want) != 0)
			fprintf(stderr, "policy %s: got %s want %s\n",
				stream_policy_name(overlap_expect[i].pol), got,
				overlap_expect[i].want);
		assert_string_equal(got, overlap_expect[i].want);
		assert_true(diff_event);
		assert_int_equal(stream_ctx_stats(h.sc)->overlap_diff_data, 5);
		harness_free(&h);
	}
}

static void test_overlap_same_data_no_event(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	struct harness h;
	harness_init(&h, &cfg);
	handshake(&h);
	client_data(&h, 4, "efgh");
	struct packet p = send_pkt(&h, 1, A, C(2), SISN + 1, "cdef");
	assert_false(stream_has_event(&p, STREAM_EV_REASSEMBLY_OVERLAP_DIFFERENT_DATA));
	assert_int_equal(stream_ctx_stats(h.sc)->overlap, 1);
	assert_int_equal(stream_ctx_stats(h.sc)->overlap_diff_data, 0);
	harness_free(&h);
}

static void test_gap_on_ack_past_hole(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "abc");
	/* "def" is lost */
	client_data(&h, 6, "ghi");
	struct packet p = server_ack(&h, 9);
	assert_true(stream_has_event(&p, STREAM_EV_REASSEMBLY_SEQ_GAP));
	assert_int_equal(stream_ctx_stats(h.sc)->reassembly_gap, 1);
	struct stream_chunk c;
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_false(c.gap);
	assert_int_equal(c.len, 3);
	assert_memory_equal(c.data, "abc", 3);
	stream_app_consumed(f, STREAM_TOSERVER, 3);
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_true(c.gap);
	assert_int_equal(c.offset, 6);
	assert_memory_equal(c.data, "ghi", 3);
	stream_app_consumed(f, STREAM_TOSERVER, 9);
	assert_int_equal(stream_stored_bytes(f, STREAM_TOSERVER), 0);
	assert_int_equal(stream_ctx_stats(h.sc)->reassembly_memuse, 0);
	harness_free(&h);
}

static void test_depth_reached(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	cfg.depth = 10;
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "0123456");
	struct packet p = send_pkt(&h, 1, A, C(7), SISN + 1, "789abc");
	assert_true(stream_has_event(&p, STREAM_EV_REASSEMBLY_DEPTH_REACHED));
	p = send_pkt(&h, 1, A, C(13), SISN + 1, "def");
	assert_false(stream_has_event(&p, STREAM_EV_REASSEMBLY_DEPTH_REACHED));
	p = server_ack(&h, 16);
	/* past the depth nothing is a gap: it was never meant to be kept */
	assert_false(stream_has_event(&p, STREAM_EV_REASSEMBLY_SEQ_GAP));
	/* as Suricata: the segment crossing the depth is refused whole */
	expect_app(f, "0123456", 0);
	const struct stream_stats *st = stream_ctx_stats(h.sc);
	assert_int_equal(st->depth_reached, 1);
	assert_int_equal(st->stream_depth_bytes, 9);
	harness_free(&h);
}

/* A segment ending exactly at the depth is kept; the next byte reaches it. */
static void test_depth_exact_fit(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	cfg.depth = 10;
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "0123456789");
	struct packet p = send_pkt(&h, 1, A, C(10), SISN + 1, "a");
	assert_true(stream_has_event(&p, STREAM_EV_REASSEMBLY_DEPTH_REACHED));
	p = server_ack(&h, 11);
	expect_app(f, "0123456789", 0);
	assert_int_equal(stream_ctx_stats(h.sc)->stream_depth_bytes, 1);
	harness_free(&h);
}

/* stream_file_depth as Suricata's TcpSessionSetReassemblyDepth: a larger
 * depth or 0 (unlimited) replaces the one in force, a smaller one does not. */
static void test_file_depth(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	cfg.depth = 10;
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	stream_file_depth(f, 5); /* smaller: no effect */
	client_data(&h, 0, "0123456");
	stream_file_depth(f, 12); /* larger: taken */
	client_data(&h, 7, "789ab");
	struct packet p = send_pkt(&h, 1, A, C(12), SISN + 1, "cd");
	assert_true(stream_has_event(&p, STREAM_EV_REASSEMBLY_DEPTH_REACHED));
	p = server_ack(&h, 14);
	expect_app(f, "0123456789ab", 0);
	harness_free(&h);

	harness_init(&h, &cfg);
	f = handshake(&h);
	stream_file_depth(f, 0); /* unlimited */
	client_data(&h, 0, "0123456789abcdef");
	p = server_ack(&h, 16);
	expect_app(f, "0123456789abcdef", 0);
	harness_free(&h);
}

static void test_memcap_refusal_counted(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	cfg.reassembly_memcap = 4096;
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	char block[1001];
	memset(block, 'q', 1000);
	block[1000] = 0;
	uint32_t off = 0;
	for (int i = 0; i < 8; i++, off += 1000) {
		client_data(&h, off, block);
		assert_true(stream_ctx_stats(h.sc)->reassembly_memuse <= cfg.reassembly_memcap);
	}
	const struct stream_stats *st = stream_ctx_stats(h.sc);
	assert_true(st->segment_memcap_drop > 0);
	assert_int_equal(st->segment_memcap_bytes, st->segment_memcap_drop * 1000);
	assert_true(st->events[STREAM_EV_REASSEMBLY_INSERT_MEMCAP] > 0);
	/* What was refused comes back as a gap once the receiver ACKs it. */
	struct packet p = server_ack(&h, off);
	assert_true(stream_has_event(&p, STREAM_EV_REASSEMBLY_SEQ_GAP) ||
		    st->segment_memcap_drop == 0);
	struct stream_chunk c;
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_int_equal(c.offset, 0);
	assert_true(st->reassembly_memuse_max <= cfg.reassembly_memcap);
	harness_free(&h);
}

static void test_raw_and_app_readers(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, true);
	cfg.toserver_chunk_size = 8;
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "abcd");
	server_ack(&h, 4);
	struct stream_chunk c;
	assert_true(stream_raw_window(f, STREAM_TOSERVER, &c));
	assert_false(c.ready);
	/* the app layer may ask for inspection before a chunk is full */
	stream_raw_trigger(f, STREAM_TOSERVER);
	assert_true(stream_raw_window(f, STREAM_TOSERVER, &c));
	assert_true(c.ready);
	stream_raw_consumed(f, STREAM_TOSERVER, 0); /* nothing used: not ready again */
	assert_true(stream_raw_window(f, STREAM_TOSERVER, &c));
	assert_false(c.ready);
	client_data(&h, 4, "efghij");
	server_ack(&h, 10);
	assert_true(stream_raw_window(f, STREAM_TOSERVER, &c));
	assert_true(c.ready);
	assert_int_equal(c.len, 10);
	/* keep an overlap of 3 bytes for patterns across windows */
	stream_raw_consumed(f, STREAM_TOSERVER, c.offset + c.len - 3);
	assert_true(stream_raw_window(f, STREAM_TOSERVER, &c));
	assert_int_equal(c.offset, 7);
	assert_memory_equal(c.data, "hij", 3);
	/* the app layer has consumed nothing: everything is still held */
	assert_int_equal(stream_stored_bytes(f, STREAM_TOSERVER), 10);
	stream_app_consumed(f, STREAM_TOSERVER, 10);
	assert_int_equal(stream_stored_bytes(f, STREAM_TOSERVER), 3);
	stream_raw_consumed(f, STREAM_TOSERVER, 10);
	assert_int_equal(stream_stored_bytes(f, STREAM_TOSERVER), 0);
	/* consuming past the readable end is clamped */
	stream_raw_consumed(f, STREAM_TOSERVER, 1000);
	client_data(&h, 10, "k");
	server_ack(&h, 11);
	assert_true(stream_raw_window(f, STREAM_TOSERVER, &c));
	assert_int_equal(c.offset, 10);
	harness_free(&h);
}

static void test_both_directions(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "ping");
	send_pkt(&h, 0, A, SISN + 1, C(4), "pong!");
	send_pkt(&h, 1, A, C(4), SISN + 6, NULL);
	expect_app(f, "ping", 0);
	struct stream_chunk c;
	assert_true(stream_app_data(f, STREAM_TOCLIENT, &c));
	assert_int_equal(c.len, 5);
	assert_memory_equal(c.data, "pong!", 5);
	harness_free(&h);
}

/* Below the session: reassemble.c on its own, for what the session
 * tracker filters out before (segments entirely before the kept data). */
static void test_segment_before_base_seq(void **state)
{
	(void)state;
	struct stream_ctx *ctx = stream_ctx_new(NULL);
	struct reasm ra;
	reasm_init(&ra, 1000, true);
	struct packet p;
	memset(&p, 0, sizeof(p));
	reasm_insert(ctx, &ra, STREAM_POLICY_BSD, &p, 1000, (const uint8_t *)"abcdef", 6);
	assert_int_equal(ra.ra_end, 6);
	reasm_release(ctx, &ra); /* no readers: all of it goes */
	assert_int_equal(ra.buf_off, 6);
	reasm_insert(ctx, &ra, STREAM_POLICY_BSD, &p, 1000, (const uint8_t *)"abc", 3);
	assert_true(stream_has_event(&p, STREAM_EV_REASSEMBLY_SEGMENT_BEFORE_BASE_SEQ));
	/* partly before: the rest is kept */
	reasm_insert(ctx, &ra, STREAM_POLICY_BSD, &p, 1004, (const uint8_t *)"efgh", 4);
	struct stream_chunk c;
	assert_true(reasm_read(&ra, ra.app_progress, &c));
	assert_int_equal(c.offset, 6);
	assert_memory_equal(c.data, "gh", 2);
	reasm_free(ctx, &ra);
	assert_int_equal(stream_ctx_stats(ctx)->reassembly_memuse, 0);
	stream_ctx_free(ctx);
}

static void test_flow_end_makes_all_readable(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "abc");
	client_data(&h, 5, "fg");
	struct stream_chunk c;
	assert_false(stream_app_data(f, STREAM_TOSERVER, &c));
	stream_flow_end(f);
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_int_equal(c.len, 3);
	assert_false(c.eof);
	stream_app_consumed(f, STREAM_TOSERVER, 3);
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_true(c.gap);
	assert_true(c.eof);
	assert_int_equal(c.offset, 5);
	assert_memory_equal(c.data, "fg", 2);
	harness_free(&h);
}

/* The raw reader sees the blocks on both sides of a gap: the window up to
 * the hole, then (from its end) the block after it with the hole's size. */
static void test_raw_blocks_across_gap(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(false, true);
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "VERY");
	client_data(&h, 8, "DATA");
	stream_flow_end(f);
	struct stream_chunk c, d;
	assert_true(stream_raw_window(f, STREAM_TOSERVER, &c));
	assert_false(c.gap);
	assert_int_equal(c.len, 4);
	assert_true(stream_raw_window_from(f, STREAM_TOSERVER, c.offset + c.len, &d));
	assert_true(d.gap);
	assert_int_equal(d.gap_len, 4);
	assert_int_equal(d.offset, 8);
	assert_memory_equal(d.data, "DATA", 4);
	assert_false(stream_raw_window_from(f, STREAM_TOSERVER, d.offset + d.len, &d));
	harness_free(&h);

	/* a hole before the first byte: the first window starts after it */
	harness_init(&h, &cfg);
	f = handshake(&h);
	client_data(&h, 4, "GOOD");
	stream_flow_end(f);
	assert_true(stream_raw_window(f, STREAM_TOSERVER, &c));
	assert_true(c.gap);
	assert_int_equal(c.gap_len, 4);
	assert_memory_equal(c.data, "GOOD", 4);
	harness_free(&h);
}

/* Data on a RST is not stream data (Suricata 8, bug 6244): the RST
 * still closes the session and ACKs the other side. */
static void test_rst_data_not_stored(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, true);
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "hello");
	server_ack(&h, 5);
	struct packet p = send_pkt(&h, 1, A | TCP_RST, C(5), SISN + 1, "Access Denied");
	assert_false(p.stream_added);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	stream_flow_end(f);
	struct stream_chunk c;
	assert_true(stream_raw_window(f, STREAM_TOSERVER, &c));
	assert_int_equal(c.len, 5);
	assert_memory_equal(c.data, "hello", 5);
	assert_false(stream_raw_window_from(f, STREAM_TOSERVER, c.offset + c.len, &c));
	harness_free(&h);
}

static void test_fin_sets_eof(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	send_pkt(&h, 1, A | TCP_FIN, C(0), SISN + 1, "bye");
	/* the FIN's own sequence number is not a missing byte */
	struct packet p = server_ack(&h, 4);
	assert_false(stream_has_event(&p, STREAM_EV_REASSEMBLY_SEQ_GAP));
	struct stream_chunk c;
	assert_true(stream_app_data(f, STREAM_TOSERVER, &c));
	assert_int_equal(c.len, 3);
	assert_true(c.eof);
	harness_free(&h);
}

static void test_sequence_wrap(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	struct harness h;
	harness_init(&h, &cfg);
	uint32_t isn = 0xfffffffcu;
	struct packet p = send_pkt(&h, 1, TCP_SYN, isn, 0, NULL);
	struct flow *f = p.flow;
	send_pkt(&h, 0, TCP_SYN | A, SISN, isn + 1, NULL);
	send_pkt(&h, 1, A, isn + 1, SISN + 1, NULL);
	send_pkt(&h, 1, A, isn + 1 + 4, SISN + 1, "wxyz");
	send_pkt(&h, 1, A, isn + 1, SISN + 1, "abcd");
	send_pkt(&h, 0, A, SISN + 1, isn + 9, NULL);
	expect_app(f, "abcdwxyz", 0);
	harness_free(&h);
}

/* host-os-policy: the receiving host's stack decides; longest prefix wins. */
static void test_host_os_policy(void **state)
{
	(void)state;
	struct stream_config cfg = cfg_with(true, false);
	struct config_node *root = config_new();
	char err[128];
	assert_true(config_load_string(root,
				       "host-os-policy:\n"
				       "  windows: [0.0.0.0/0]\n"
				       "  linux: [192.0.2.0/24]\n"
				       "  last: [192.0.2.7]\n"
				       "  solaris: [\"::1\"]\n",
				       err, sizeof(err)));
	assert_true(stream_config_load(&cfg, root, err, sizeof(err)));
	assert_int_equal(cfg.nhosts, 4);
	struct ip_addr a;
	set_v4(&a, 0xc0000207u); /* 192.0.2.7: the test server */
	assert_int_equal(stream_host_policy(&cfg, &a), STREAM_POLICY_LAST);
	set_v4(&a, 0xc0000208u);
	assert_int_equal(stream_host_policy(&cfg, &a), STREAM_POLICY_LINUX);
	set_v4(&a, 0x0a000001u);
	assert_int_equal(stream_host_policy(&cfg, &a), STREAM_POLICY_WINDOWS);
	config_free(root);

	/* data to the server (192.0.2.7) follows "last": new bytes win */
	struct harness h;
	harness_init(&h, &cfg);
	struct flow *f = handshake(&h);
	client_data(&h, 0, "aaaa");
	client_data(&h, 0, "bbbb");
	server_ack(&h, 4);
	expect_app(f, "bbbb", 0);
	harness_free(&h);

	root = config_new();
	assert_true(
	    config_load_string(root, "host-os-policy:\n  beos: [10.0.0.0/8]\n", err, sizeof(err)));
	assert_false(stream_config_load(&cfg, root, err, sizeof(err)));
	config_free(root);
	root = config_new();
	assert_true(config_load_string(root, "host-os-policy:\n  linux: [10.0.0.0/40]\n", err,
				       sizeof(err)));
	struct stream_config cfg2 = cfg_with(false, false);
	assert_false(stream_config_load(&cfg2, root, err, sizeof(err)));
	config_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_order_needs_ack),
	    cmocka_unit_test(test_max_regions),
	    cmocka_unit_test(test_max_regions_merge),
	    cmocka_unit_test(test_inline_mode_no_ack_needed),
	    cmocka_unit_test(test_out_of_order_delivery),
	    cmocka_unit_test(test_overlap_policies),
	    cmocka_unit_test(test_overlap_same_data_no_event),
	    cmocka_unit_test(test_gap_on_ack_past_hole),
	    cmocka_unit_test(test_depth_reached),
	    cmocka_unit_test(test_depth_exact_fit),
	    cmocka_unit_test(test_file_depth),
	    cmocka_unit_test(test_memcap_refusal_counted),
	    cmocka_unit_test(test_raw_and_app_readers),
	    cmocka_unit_test(test_both_directions),
	    cmocka_unit_test(test_segment_before_base_seq),
	    cmocka_unit_test(test_flow_end_makes_all_readable),
	    cmocka_unit_test(test_raw_blocks_across_gap),
	    cmocka_unit_test(test_rst_data_not_stored),
	    cmocka_unit_test(test_fin_sets_eof),
	    cmocka_unit_test(test_sequence_wrap),
	    cmocka_unit_test(test_host_os_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
