/* Tests for the flow stage: lookup both ways, ICMP pairing, TCP states,
 * timeouts by packet time, memcap/emergency eviction, shutdown flush. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "flow/flow.h"

struct ended {
	int count;
	int reasons[3];
	struct flow last;
};

static void on_end(struct flow *f, enum flow_end_reason why, void *arg)
{
	struct ended *e = arg;
	e->count++;
	e->reasons[why]++;
	e->last = *f;
}

static void v4(struct ip_addr *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->bytes[0] = x;
	a->bytes[1] = y;
	a->bytes[2] = z;
	a->bytes[3] = w;
}

/* A decoded packet as the decode stage would leave it. */
static struct packet pkt(uint8_t proto, int from_client, int64_t sec, uint8_t tcpflags)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.proto = proto;
	p.len = 60;
	p.ts_sec = sec;
	struct ip_addr c, s;
	v4(&c, 10, 0, 0, 1);
	v4(&s, 192, 0, 2, 7);
	p.src = from_client ? c : s;
	p.dst = from_client ? s : c;
	p.sp = from_client ? 40000 : 80;
	p.dp = from_client ? 80 : 40000;
	p.tcp.flags = tcpflags;
	return p;
}

static void test_both_directions_one_flow(void **state)
{
	(void)state;
	struct ended e = {0};
	struct flow_table *t = flow_table_new(NULL, on_end, &e);
	struct packet a = pkt(17, 1, 100, 0), b = pkt(17, 0, 101, 0);
	struct flow *f1 = flow_table_handle_packet(t, &a);
	struct flow *f2 = flow_table_handle_packet(t, &b);
	assert_non_null(f1);
	assert_ptr_equal(f1, f2);
	assert_true(a.flow_toserver);
	assert_false(b.flow_toserver);
	assert_int_equal(f1->pkts_toserver, 1);
	assert_int_equal(f1->pkts_toclient, 1);
	assert_int_equal(f1->bytes_toclient, 60);
	assert_int_equal(f1->state, FLOW_STATE_ESTABLISHED);
	assert_int_equal(flow_hash_packet(&a), flow_hash_packet(&b));
	assert_true(f1->flow_id > 0 && f1->flow_id < (1ull << 51));
	flow_table_free(t);
	assert_int_equal(e.count, 1);
	assert_int_equal(e.reasons[FLOW_END_SHUTDOWN], 1);
}

static void test_vlan_and_depth_separate_flows(void **state)
{
	(void)state;
	struct flow_table *t = flow_table_new(NULL, NULL, NULL);
	struct packet a = pkt(6, 1, 1, TCP_SYN), b = pkt(6, 1, 1, TCP_SYN), c = pkt(6, 1, 1, TCP_SYN);
	b.vlan_count = 1;
	b.vlan_id[0] = 10;
	c.tunnel_depth = 1;
	struct flow *fa = flow_table_handle_packet(t, &a);
	struct flow *fb = flow_table_handle_packet(t, &b);
	struct flow *fc = flow_table_handle_packet(t, &c);
	assert_ptr_not_equal(fa, fb);
	assert_ptr_not_equal(fa, fc);
	assert_ptr_not_equal(fb, fc);
	assert_int_equal(flow_table_stats(t)->total, 3);
	flow_table_free(t);
}

static void test_no_flow_for_fragments_and_non_ip(void **state)
{
	(void)state;
	struct flow_table *t = flow_table_new(NULL, NULL, NULL);
	struct packet a = pkt(17, 1, 1, 0);
	a.is_fragment = true;
	assert_null(flow_table_handle_packet(t, &a));
	struct packet b = pkt(17, 1, 1, 0);
	b.ip_version = 0;
	assert_null(flow_table_handle_packet(t, &b));
	assert_int_equal(flow_table_stats(t)->total, 0);
	flow_table_free(t);
}

static void test_icmp_echo_pairs_and_error_joins_flow(void **state)
{
	(void)state;
	struct flow_table *t = flow_table_new(NULL, NULL, NULL);
	struct packet req = pkt(1, 1, 5, 0), rep = pkt(1, 0, 5, 0);
	req.sp = req.dp = rep.sp = rep.dp = 0;
	req.icmp.type = 8;
	rep.icmp.type = 0;
	struct flow *f = flow_table_handle_packet(t, &req);
	assert_ptr_equal(flow_table_handle_packet(t, &rep), f);
	assert_int_equal(f->icmp_type, 8);
	assert_int_equal(f->icmp_resp_type, 0);
	assert_true(f->seen_toclient);

	/* A UDP flow, then a port-unreachable from the server quoting it. */
	struct packet udp = pkt(17, 1, 6, 0);
	struct flow *uf = flow_table_handle_packet(t, &udp);
	struct packet err = pkt(1, 0, 6, 0);
	err.icmp.type = 3;
	err.icmp.code = 3;
	err.icmp.has_inner = true;
	err.icmp.inner_src = udp.src;
	err.icmp.inner_dst = udp.dst;
	err.icmp.inner_proto = 17;
	err.icmp.inner_sp = udp.sp;
	err.icmp.inner_dp = udp.dp;
	assert_ptr_equal(flow_table_handle_packet(t, &err), uf);
	assert_false(err.flow_toserver);
	assert_int_equal(uf->pkts_toclient, 1);

	/* An error about a flow never seen creates nothing. */
	err.icmp.inner_sp = 1234;
	assert_null(flow_table_handle_packet(t, &err));
	flow_table_free(t);
}

/* The stream stage's word on port reuse, stubbed: a SYN after a FIN reuses. */
static bool reuse_after_fin(const struct flow *f, const struct packet *p, void *arg)
{
	(void)arg;
	return (p->tcp.flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && (f->tcp_flags_ts & TCP_FIN);
}

static void test_reuse_check_starts_new_flow(void **state)
{
	(void)state;
	struct ended e = {0};
	struct flow_table *t = flow_table_new(NULL, on_end, &e);
	struct packet p = pkt(6, 1, 1, TCP_SYN);
	struct flow *f = flow_table_handle_packet(t, &p);
	/* Without a reuse check a tuple is never reused. */
	assert_ptr_equal(flow_table_handle_packet(t, &p), f);
	flow_table_set_reuse_check(t, reuse_after_fin, NULL);
	f->tcp_flags_ts |= TCP_FIN; /* as the stream stage would record it */
	p = pkt(6, 1, 3, TCP_SYN);
	struct flow *g = flow_table_handle_packet(t, &p);
	assert_non_null(g);
	assert_int_equal(e.count, 1);
	assert_int_equal(e.reasons[FLOW_END_TIMEOUT], 1);
	assert_int_equal(flow_table_stats(t)->total, 2);
	assert_int_equal(g->pkts_toserver, 1);
	flow_table_free(t);
}

static void test_tcp_state_names(void **state)
{
	(void)state;
	assert_string_equal(flow_tcp_state_name(TCP_STATE_TIME_WAIT), "time_wait");
	assert_string_equal(flow_tcp_state_name(TCP_STATE_SYN_SENT), "syn_sent");
	assert_string_equal(flow_tcp_state_name((enum tcp_state)99), "unknown");
	assert_string_equal(flow_state_name(FLOW_STATE_ESTABLISHED), "established");
	assert_string_equal(flow_end_reason_name(FLOW_END_FORCED), "forced");
}

static void test_timeouts_by_packet_time(void **state)
{
	(void)state;
	struct ended e = {0};
	struct flow_table *t = flow_table_new(NULL, on_end, &e);
	struct packet p = pkt(17, 1, 1000, 0);
	flow_table_handle_packet(t, &p);
	flow_table_expire(t, 1030, 0); /* UDP new timeout is 30 s: not yet */
	assert_int_equal(e.count, 0);
	flow_table_expire(t, 1030, 1);
	assert_int_equal(e.count, 1);
	assert_int_equal(e.reasons[FLOW_END_TIMEOUT], 1);
	assert_int_equal(flow_table_stats(t)->active, 0);

	/* A new TCP flow lives 60 s; once the stream stage calls it established
	 * and the flow is re-filed, 600 s. */
	struct packet a = pkt(6, 1, 2000, TCP_SYN);
	struct flow *f = flow_table_handle_packet(t, &a);
	f->state = FLOW_STATE_ESTABLISHED;
	flow_table_refile(t, f);
	flow_table_expire(t, 2500, 0);
	assert_int_equal(e.count, 1);
	flow_table_expire(t, 2601, 0);
	assert_int_equal(e.count, 2);

	/* Not re-filed: still timed out as new. */
	struct packet b = pkt(6, 1, 3000, TCP_SYN);
	f = flow_table_handle_packet(t, &b);
	flow_table_expire(t, 3061, 0);
	assert_int_equal(e.count, 3);
	flow_table_free(t);
}

static void test_memcap_emergency_eviction(void **state)
{
	(void)state;
	struct ended e = {0};
	struct flow_config cfg;
	flow_config_defaults(&cfg);
	cfg.hash_size = 1024;
	/* Room for the bucket array and about 10 flows. */
	cfg.memcap = 1024 * sizeof(void *) + 10 * sizeof(struct flow);
	struct flow_table *t = flow_table_new(&cfg, on_end, &e);
	for (int i = 0; i < 50; i++) {
		struct packet p = pkt(17, 1, 100 + i, 0);
		p.sp = (uint16_t)(1000 + i);
		assert_non_null(flow_table_handle_packet(t, &p));
	}
	const struct flow_stats *st = flow_table_stats(t);
	assert_int_equal(st->total, 50);
	assert_true(st->active <= 10);
	assert_true(st->forced >= 40);
	assert_int_equal(st->emerg_mode_entered, 1);
	assert_true(st->memuse <= cfg.memcap);
	/* The oldest flows went first: the newest one is still there. */
	struct packet last = pkt(17, 1, 200, 0);
	last.sp = 1049;
	assert_int_equal(flow_table_handle_packet(t, &last)->pkts_toserver, 2);
	flow_table_free(t);
	assert_int_equal(e.count, 50);
}

static void test_flow_id_deterministic(void **state)
{
	(void)state;
	struct flow_table *t1 = flow_table_new(NULL, NULL, NULL);
	struct flow_table *t2 = flow_table_new(NULL, NULL, NULL);
	struct packet other = pkt(17, 1, 1, 0);
	other.sp = 5;
	flow_table_handle_packet(t2, &other); /* different creation order */
	struct packet a = pkt(6, 1, 7, TCP_SYN), b = pkt(6, 1, 7, TCP_SYN);
	assert_int_equal(flow_table_handle_packet(t1, &a)->flow_id,
			 flow_table_handle_packet(t2, &b)->flow_id);
	flow_table_free(t1);
	flow_table_free(t2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_directions_one_flow),
		cmocka_unit_test(test_vlan_and_depth_separate_flows),
		cmocka_unit_test(test_no_flow_for_fragments_and_non_ip),
		cmocka_unit_test(test_icmp_echo_pairs_and_error_joins_flow),
		cmocka_unit_test(test_reuse_check_starts_new_flow),
		cmocka_unit_test(test_tcp_state_names),
		cmocka_unit_test(test_timeouts_by_packet_time),
		cmocka_unit_test(test_memcap_emergency_eviction),
		cmocka_unit_test(test_flow_id_deterministic),
	};
	return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
