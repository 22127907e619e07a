/*
 * Unit tests for decode/defrag.c: reassembly of real IPv4 fragments in
 * and out of order, every overlap policy on one overlapping pattern, IPv6
 * reassembly with the fragment header removed, timeouts, the memcap,
 * max_trackers and the too-large check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "decode/defrag.h"
#include "support/decode_test.h"
#include "util/json.h"

/* defrag/bug-6887-defrag-ipv4-tcp-syn/frag-ip-tcp-syn.pcap frames 1-3
 * (link type 228): a TCP SYN 1.1.1.1:12345 -> 2.2.2.2:8080 split into
 * three 8-byte fragments, id 1.  Frame 3 carries 24 bytes of trailing
 * garbage after its 28-byte datagram. */
static const uint8_t frag1[] = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x20, 0x00, 0x40, 0x06, 0x54, 0xd6,
	0x01, 0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x02, 0x30, 0x39, 0x1f, 0x90,
	0x00, 0x00, 0x00, 0x01,
};
static const uint8_t frag2[] = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x20, 0x01, 0x40, 0x06, 0x54, 0xd5,
	0x01, 0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x02, 0x20, 0x00,
};
static const uint8_t frag3[] = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x02, 0x40, 0x06, 0x74, 0xd4,
	0x01, 0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x02, 0x19, 0x0c, 0x00, 0x00,
	0x03, 0x03, 0x0e, 0x00, 0x30, 0x39, 0x1f, 0x90, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x60, 0x02, 0x20, 0x00, 0x19, 0x0c, 0x00, 0x00,
	0x03, 0x03, 0x0e, 0x00,
};

static const uint8_t *const frags[3] = {frag1, frag2, frag3};
static const uint32_t frag_lens[3] = {sizeof(frag1), sizeof(frag2), sizeof(frag3)};

/* Decodes bytes as a raw IPv4/IPv6 packet at time ts and feeds defrag. */
static bool feed(struct defrag_table *t, struct packet *p, const uint8_t *b, uint32_t len,
		 int64_t ts, struct defrag_result *r)
{
	dtest_decode(p, NULL, (b[0] >> 4) == 6 ? LINKTYPE_IPV6 : LINKTYPE_IPV4, b, len);
	p->ts_sec = ts;
	return defrag_packet(t, p, r);
}

static void check_syn(const struct defrag_result *r)
{
	assert_int_equal(r->len, 44);
	assert_int_equal(r->data[2], 0);
	assert_int_equal(r->data[3], 44);
	assert_int_equal(r->data[6], 0);
	assert_int_equal(r->data[7], 0);
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_INNER_IPV4, r->data, r->len);
	assert_int_equal(dtest_event_count(&p), 0);
	assert_false(p.is_fragment);
	assert_true(decode_ipv4_checksum_ok(&p));
	assert_int_equal(p.sp, 12345);
	assert_int_equal(p.dp, 8080);
	assert_int_equal(p.tcp.flags, TCP_SYN);
	assert_true(p.tcp.has_wscale);
	assert_int_equal(p.tcp.wscale, 14);
}

static void run_order(const int order[3])
{
	struct defrag_table *t = defrag_table_new(NULL);
	assert_non_null(t);
	struct packet p;
	struct defrag_result r = {0};
	for (int i = 0; i < 3; i++) {
		int k = order[i];
		bool done = feed(t, &p, frags[k], frag_lens[k], 1000, &r);
		assert_true(p.is_fragment);
		assert_int_equal(done, i == 2);
		if (i < 2)
			assert_int_equal(defrag_table_trackers(t), 1);
	}
	check_syn(&r);
	defrag_result_release(&r);
	assert_null(r.data);
	const struct defrag_stats *s = defrag_table_stats(t);
	assert_int_equal(s->ipv4_fragments, 3);
	assert_int_equal(s->ipv4_reassembled, 1);
	assert_int_equal(s->overlaps, 0);
	assert_int_equal(defrag_table_trackers(t), 0);
	assert_int_equal(defrag_table_memuse(t), 0);
	defrag_table_free(t);
	dtest_free();
}

static void test_in_order(void **state)
{
	run_order((const int[3]){0, 1, 2});
}

static void test_out_of_order(void **state)
{
	run_order((const int[3]){2, 0, 1});
	run_order((const int[3]){1, 2, 0});
}

/*
 * An IPv4 fragment of id 7 filled with one letter.  The overlap pattern
 * fed by run_policy() (offset/length in bytes, arrival order):
 *   B 32/16, C 16/32 (starts before B, ends with it), D 48/16 (last),
 *   F 16/16 (same start as C), K 40/16 (starts before D, ends inside
 *   it), A 0/16 (completes).
 */
static uint32_t make_frag(uint8_t *out, uint16_t off, bool more, char fill, uint16_t n)
{
	uint8_t data[64];
	memset(data, fill, n);
	uint32_t len = (uint32_t)dtest_ipv4(out, 17, NULL, 0, data, n);
	uint16_t fo = (uint16_t)((off / 8) | (more ? 0x2000 : 0));
	out[4] = 0;
	out[5] = 7;
	out[6] = (uint8_t)(fo >> 8);
	out[7] = (uint8_t)fo;
	return len;
}

static void run_policy(enum defrag_policy policy, const char *want)
{
	struct defrag_config c;
	defrag_config_defaults(&c);
	c.policy = policy;
	struct defrag_table *t = defrag_table_new(&c);
	static const struct {
		uint16_t off, len;
		bool more;
		char fill;
		bool overlap;
	} seq[] = {
		{32, 16, true, 'B', false}, {16, 32, true, 'C', true}, {48, 16, false, 'D', false},
		{16, 16, true, 'F', true},  {40, 16, true, 'K', true}, {0, 16, true, 'A', false},
	};
	struct packet p;
	struct defrag_result r = {0};
	for (size_t i = 0; i < 6; i++) {
		uint8_t b[64];
		uint32_t len = make_frag(b, seq[i].off, seq[i].more, seq[i].fill, seq[i].len);
		bool done = feed(t, &p, b, len, 50, &r);
		assert_int_equal(done, i == 5);
		assert_int_equal(decode_has_event(&p, DECODE_EV_IPV4_FRAG_OVERLAP), seq[i].overlap);
	}
	assert_int_equal(r.len, 20 + 64);
	assert_memory_equal(r.data + 20, want, 64);
	assert_int_equal(defrag_table_stats(t)->overlaps, 3);
	defrag_result_release(&r);
	defrag_table_free(t);
	dtest_free();
}

static void test_policies(void **state)
{
	run_policy(DEFRAG_POLICY_BSD,
		   "AAAAAAAAAAAAAAAACCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCKKKKKKKKDDDDDDDD");
	run_policy(DEFRAG_POLICY_LINUX,
		   "AAAAAAAAAAAAAAAAFFFFFFFFFFFFFFFFCCCCCCCCCCCCCCCCKKKKKKKKDDDDDDDD");
	run_policy(DEFRAG_POLICY_WINDOWS,
		   "AAAAAAAAAAAAAAAACCCCCCCCCCCCCCCCBBBBBBBBBBBBBBBBDDDDDDDDDDDDDDDD");
	run_policy(DEFRAG_POLICY_SOLARIS,
		   "AAAAAAAAAAAAAAAACCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD");
	run_policy(DEFRAG_POLICY_FIRST,
		   "AAAAAAAAAAAAAAAACCCCCCCCCCCCCCCCBBBBBBBBBBBBBBBBDDDDDDDDDDDDDDDD");
	run_policy(DEFRAG_POLICY_LAST,
		   "AAAAAAAAAAAAAAAAFFFFFFFFFFFFFFFFCCCCCCCCKKKKKKKKKKKKKKKKDDDDDDDD");
	run_policy(DEFRAG_POLICY_BSD_RIGHT,
		   "AAAAAAAAAAAAAAAAFFFFFFFFFFFFFFFFBBBBBBBBKKKKKKKKDDDDDDDDDDDDDDDD");
	enum defrag_policy pol;
	assert_true(defrag_policy_from_name("bsd-right", &pol));
	assert_int_equal(pol, DEFRAG_POLICY_BSD_RIGHT);
	assert_true(defrag_policy_from_name("windows", &pol));
	assert_int_equal(pol, DEFRAG_POLICY_WINDOWS);
	assert_false(defrag_policy_from_name("vista", &pol));
}

/* IPv6: hop-by-hop header, then the fragment header; UDP split 16 + 8. */
static uint32_t make_frag6(uint8_t *out, uint16_t off, bool more, const uint8_t *data, uint16_t n)
{
	uint8_t body[64] = {44, 0, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00, /* HBH, router alert */
			    17, 0, 0, 0, 0xca, 0xfe, 0xba, 0xbe};
	uint16_t fo = (uint16_t)(off | (more ? 1 : 0));
	body[10] = (uint8_t)(fo >> 8);
	body[11] = (uint8_t)fo;
	memcpy(body + 16, data, n);
	return (uint32_t)dtest_ipv6(out, 0, body, 16u + n);
}

static void test_ipv6(void **state)
{
	uint8_t udp[24] = {0x30, 0x39, 0x00, 0x35, 0x00, 0x18, 0x00, 0x00};
	for (int i = 8; i < 24; i++)
		udp[i] = (uint8_t)('a' + i);
	struct defrag_table *t = defrag_table_new(NULL);
	struct packet p;
	struct defrag_result r = {0};
	uint8_t b[128];
	uint32_t len = make_frag6(b, 16, false, udp + 16, 8);
	assert_false(feed(t, &p, b, len, 5, &r));
	assert_true(p.is_fragment);
	len = make_frag6(b, 0, true, udp, 16);
	assert_true(feed(t, &p, b, len, 5, &r));
	assert_int_equal(r.len, 40 + 8 + 24);
	assert_int_equal(r.data[5], 8 + 24); /* payload length */
	assert_int_equal(r.data[6], 0);      /* still hop-by-hop first */
	assert_int_equal(r.data[40], 17);    /* HBH now names UDP */
	struct packet in;
	dtest_decode(&in, NULL, LINKTYPE_INNER_IPV6, r.data, r.len);
	assert_int_equal(dtest_event_count(&in), 0);
	assert_false(in.is_fragment);
	assert_int_equal(in.dp, 53);
	assert_int_equal(in.payload_len, 16);
	assert_memory_equal(in.payload, udp + 8, 16);
	assert_int_equal(defrag_table_stats(t)->ipv6_reassembled, 1);
	defrag_result_release(&r);

	/* overlap raises the IPv6 event */
	len = make_frag6(b, 0, true, udp, 16);
	feed(t, &p, b, len, 6, &r);
	len = make_frag6(b, 8, true, udp, 16);
	assert_false(feed(t, &p, b, len, 6, &r));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_FRAG_OVERLAP));

	/* past 65535 */
	len = make_frag6(b, 65528, false, udp, 16);
	assert_false(feed(t, &p, b, len, 6, &r));
	assert_true(decode_has_event(&p, DECODE_EV_IPV6_FRAG_PKT_TOO_LARGE));
	defrag_table_free(t);
	dtest_free();
}

static void test_timeout(void **state)
{
	struct defrag_table *t = defrag_table_new(NULL);
	struct packet p;
	struct defrag_result r = {0};
	feed(t, &p, frag1, sizeof(frag1), 100, &r);
	feed(t, &p, frag2, sizeof(frag2), 110, &r);
	assert_true(defrag_table_memuse(t) > 0);
	defrag_expire(t, 170); /* 60 s after the last fragment: still kept */
	assert_int_equal(defrag_table_trackers(t), 1);
	defrag_expire(t, 171);
	assert_int_equal(defrag_table_trackers(t), 0);
	assert_int_equal(defrag_table_memuse(t), 0);
	assert_int_equal(defrag_table_stats(t)->timeouts, 1);

	/* A late fragment starts over instead of completing a stale datagram. */
	feed(t, &p, frag1, sizeof(frag1), 200, &r);
	feed(t, &p, frag2, sizeof(frag2), 200, &r);
	assert_false(feed(t, &p, frag3, sizeof(frag3), 261, &r));
	assert_int_equal(defrag_table_stats(t)->timeouts, 2);
	assert_int_equal(defrag_table_trackers(t), 1);
	defrag_table_free(t);
	dtest_free();
}

static void test_memcap_and_trackers(void **state)
{
	/* What one tracker holding frag1 costs. */
	struct packet p;
	struct defrag_result r = {0};
	struct defrag_table *t = defrag_table_new(NULL);
	feed(t, &p, frag1, sizeof(frag1), 1, &r);
	uint64_t used = defrag_table_memuse(t);
	assert_true(used > 20 + 8 && used < 1024);
	defrag_table_free(t);

	/* Room for that plus frag2 and frag3 (two 8-byte fragments), not for
	 * a second tracker. */
	struct defrag_config c;
	defrag_config_defaults(&c);
	c.memcap = used + 2 * (8 + 16);
	t = defrag_table_new(&c);
	uint8_t b[64];
	feed(t, &p, frag1, sizeof(frag1), 1, &r);
	assert_int_equal(defrag_table_memuse(t), used);
	uint32_t len = make_frag(b, 0, true, 'x', 8); /* another datagram */
	assert_false(feed(t, &p, b, len, 1, &r));
	assert_int_equal(defrag_table_stats(t)->memcap_refusals, 1);
	assert_int_equal(defrag_table_trackers(t), 1);
	assert_int_equal(defrag_table_memuse(t), used);
	/* the held datagram still completes */
	feed(t, &p, frag2, sizeof(frag2), 1, &r);
	assert_true(feed(t, &p, frag3, sizeof(frag3), 1, &r));
	check_syn(&r);
	defrag_result_release(&r);
	defrag_table_free(t);

	defrag_config_defaults(&c);
	c.max_trackers = 1;
	t = defrag_table_new(&c);
	feed(t, &p, frag1, sizeof(frag1), 1, &r);
	assert_false(feed(t, &p, b, len, 1, &r));
	assert_int_equal(defrag_table_stats(t)->max_trackers_reached, 1);
	defrag_table_free(t);
	dtest_free();
}

static void test_too_large_and_ignored(void **state)
{
	struct defrag_table *t = defrag_table_new(NULL);
	struct packet p;
	struct defrag_result r = {0};
	uint8_t b[64];
	uint32_t len = make_frag(b, 65512, false, 'z', 8); /* 20 + 65512 + 8 > 65535 */
	assert_false(feed(t, &p, b, len, 1, &r));
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_FRAG_PKT_TOO_LARGE));
	assert_int_equal(defrag_table_stats(t)->too_large, 1);
	assert_int_equal(defrag_table_trackers(t), 0);
	len = make_frag(b, 65504, false, 'z', 8); /* 20 + 65504 + 8 = 65532: fine */
	assert_false(feed(t, &p, b, len, 1, &r));
	assert_false(decode_has_event(&p, DECODE_EV_IPV4_FRAG_PKT_TOO_LARGE));
	assert_int_equal(defrag_table_trackers(t), 1);
	/* not a fragment: ignored */
	len = make_frag(b, 0, false, 'z', 8);
	assert_false(feed(t, &p, b, len, 1, &r));
	assert_false(p.is_fragment);
	assert_int_equal(defrag_table_stats(t)->ipv4_fragments, 2);
	defrag_table_free(t);
	dtest_free();
}

static void stats_text(const struct defrag_stats *s, bool zeros, char *out, size_t n)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	defrag_stats_json_opt(&j, s, zeros);
	json_close_object(&j);
	snprintf(out, n, "%.*s", (int)j.len, j.buf);
	json_free(&j);
}

/* Fragments starting after the last one take no part (Suricata). */
static void test_beyond_last(void **state)
{
	struct defrag_table *t = defrag_table_new(NULL);
	struct packet p;
	struct defrag_result r = {0};
	uint8_t b[64];
	uint32_t len = make_frag(b, 16, true, 'X', 8);
	assert_false(feed(t, &p, b, len, 1, &r));
	len = make_frag(b, 0, true, 'A', 8);
	assert_false(feed(t, &p, b, len, 1, &r));
	len = make_frag(b, 8, false, 'B', 8);
	assert_true(feed(t, &p, b, len, 1, &r));
	assert_int_equal(r.len, 20 + 16);
	assert_int_equal(r.data[3], 36);
	assert_memory_equal(r.data + 20, "AAAAAAAABBBBBBBB", 16);
	defrag_result_release(&r);
	defrag_table_free(t);
	dtest_free();
}

/* An IPv4 fragment of id `id` carrying payload[off .. off+n). */
static uint32_t make_slice(uint8_t *out, uint16_t id, const uint8_t *payload, uint16_t off,
			   uint16_t n, bool more)
{
	uint32_t len = (uint32_t)dtest_ipv4(out, 17, NULL, 0, payload + off, n);
	uint16_t fo = (uint16_t)((off / 8) | (more ? 0x2000 : 0));
	out[4] = (uint8_t)(id >> 8);
	out[5] = (uint8_t)id;
	out[6] = (uint8_t)(fo >> 8);
	out[7] = (uint8_t)fo;
	return len;
}

/*
 * Random, overlapping, out-of-order slices of one payload: whatever the
 * policy, the bytes agree, so the datagram must come back exactly, and
 * the table must hold nothing afterwards.
 */
static void test_random_slices(void **state)
{
	uint8_t payload[512];
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	unsigned seed = 12345;
	for (int round = 0; round < 200; round++) {
		struct defrag_config c;
		defrag_config_defaults(&c);
		c.policy = (enum defrag_policy)(round % 7);
		struct defrag_table *t = defrag_table_new(&c);
		struct packet p;
		struct defrag_result r = {0};
		bool done = false;
		uint16_t total = (uint16_t)(64 + 8 * (round % 50)); /* <= 456 */
		for (int k = 0; k < 400 && !done; k++) {
			seed = seed * 1103515245u + 12345u;
			uint16_t off = (uint16_t)(((seed >> 8) % (total / 8)) * 8);
			seed = seed * 1103515245u + 12345u;
			uint16_t n = (uint16_t)(8 * (1 + (seed >> 8) % 6));
			if (off + n >= total)
				n = (uint16_t)(total - off);
			bool more = off + n < total;
			uint8_t b[600];
			uint32_t len = make_slice(b, (uint16_t)round, payload, off, n, more);
			done = feed(t, &p, b, len, 1, &r);
			if (!done && k == 399) {
				/* fill whatever is left in order */
				for (uint16_t o = 0; o < total && !done; o = (uint16_t)(o + 8)) {
					uint16_t m = (uint16_t)(o + 8 >= total ? total - o : 8);
					len = make_slice(b, (uint16_t)round, payload, o, m, o + m < total);
					done = feed(t, &p, b, len, 1, &r);
				}
			}
		}
		assert_true(done);
		assert_int_equal(r.len, 20 + total);
		assert_memory_equal(r.data + 20, payload, total);
		defrag_result_release(&r);
		assert_int_equal(defrag_table_trackers(t), 0);
		assert_int_equal(defrag_table_memuse(t), 0);
		defrag_table_free(t);
	}
	dtest_free();
}

static void test_stats_json(void **state)
{
	char buf[512];
	struct defrag_stats s = {0};
	stats_text(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "{}");
	s.ipv4_fragments = 3;
	s.ipv4_reassembled = 1;
	s.timeouts = 2;
	stats_text(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "{\"defrag\":{\"ipv4\":{\"fragments\":3,\"reassembled\":1},"
				 "\"mgr\":{\"tracker_timeout\":2}}}");
	stats_text(&s, true, buf, sizeof(buf));
	assert_string_equal(buf, "{\"defrag\":{\"ipv4\":{\"fragments\":3,\"reassembled\":1},"
				 "\"ipv6\":{\"fragments\":0,\"reassembled\":0},"
				 "\"max_trackers_reached\":0,\"max_frags_reached\":0,"
				 "\"memcap_exception\":0,\"mgr\":{\"tracker_timeout\":2}}}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),     cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_policies),     cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_timeout),      cmocka_unit_test(test_memcap_and_trackers),
		cmocka_unit_test(test_too_large_and_ignored), cmocka_unit_test(test_stats_json),
		cmocka_unit_test(test_beyond_last), cmocka_unit_test(test_random_slices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
