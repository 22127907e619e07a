/*
 * test_detect_engine.c — the engine as a whole: the prefilter never loses
 * a match (alert iff the full rule matches, checked against brute force on
 * random rules and payloads), action precedence and priority order, pass,
 * noalert, packet_alert_max, thresholds, threshold.config, and the
 * Hyperscan cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static void rand_word(char *out, int len)
{
	for (int i = 0; i < len; i++)
		out[i] = (char)('a' + next_rand() % 3);
	out[len] = '\0';
}

/* Runs npkts random packets (payload bytes from `alphabet`, runs of one
 * byte when `runs`) through the engine and through every rule without the
 * prefilter; both must find the same alerts.  Returns the alerts seen. */
static unsigned check_bruteforce(struct detect_engine *de, const char *alphabet, bool runs,
				 int npkts)
{
	struct detect_thread *t = detect_thread_new(de);
	struct det_thread *dt = (struct det_thread *)t;
	size_t na = strlen(alphabet);
	unsigned total_alerts = 0;
	for (int n = 0; n < npkts; n++) {
		char payload[32];
		int len = 1 + (int)(next_rand() % 24);
		for (int i = 0; i < len;) {
			char c = alphabet[next_rand() % na];
			int k = runs ? 1 + (int)(next_rand() % 8) : 1;
			for (; k > 0 && i < len; k--)
				payload[i++] = c;
		}
		struct packet p;
		static const uint16_t ports[] = {1, 2, 80, 81, 1234};
		th_packet(&p, next_rand() % 4 ? 6 : 17, ports[next_rand() % 5],
			  ports[next_rand() % 5], payload, (uint32_t)len);
		/* brute force: every rule, no prefilter */
		uint8_t want[1024] = {0};
		unsigned nwant = 0;
		for (uint32_t i = 0; i < de->nrules; i++)
			if (rule_match_packet(dt, de->rules[i], &p)) {
				want[de->rules[i]->sid % 1024] = 1;
				nwant++;
			}
		struct alert_queue q;
		detect_packet(t, &p, &q);
		unsigned got = q.count + q.discarded;
		assert_int_equal(got, nwant);
		for (unsigned i = 0; i < q.count; i++)
			assert_true(want[q.alerts[i].sid % 1024]);
		total_alerts += got;
	}
	detect_thread_free(t);
	return total_alerts;
}

static void test_prefilter_equals_bruteforce(void **state)
{
	char *rules = calloc(1, 200 * 256);
	size_t off = 0;
	for (int i = 0; i < 200; i++) {
		char w1[8], w2[8];
		rand_word(w1, 2 + (int)(next_rand() % 3));
		rand_word(w2, 1 + (int)(next_rand() % 3));
		const char *mod = (const char *)(const char *[]){"", "nocase;", "depth:6;",
								 "offset:2;"}[next_rand() % 4];
		const char *rel = (const char *)(const char *[]){
		    "", "distance:0;", "within:4;", "distance:1; within:3;"}[next_rand() % 4];
		const char *neg = next_rand() % 5 == 0 ? "!" : "";
		/* ports exercise the per-port pattern sets, udp/ip and <> the others */
		const char *hdr =
		    (const char *[]){"tcp any any -> any any",	   "tcp any any -> any 80",
				     "tcp any any -> any [80,81]", "tcp any 80 -> any any",
				     "tcp any any <> any 81",	   "udp any any -> any 80",
				     "ip any any -> any any",	   "tcp any any -> any !80",
				     "tcp any [1:3] -> any any"}[next_rand() % 9];
		off += (size_t)sprintf(rules + off,
				       "alert %s (content:\"%s\"; %s "
				       "content:%s\"%s\"; %s sid:%d;)\n",
				       hdr, w1, mod, neg, w2, *neg ? "" : rel, i + 1);
	}
	struct detect_load_stats st;
	struct detect_engine *de = th_engine(rules, &st);
	assert_non_null(de);
	assert_int_equal(st.loaded, 200);
	assert_true(check_bruteforce(de, "abcABC", false, 3000) > 0);
	detect_engine_free(de);
	free(rules);
}

/* Patterns that end in a run of one byte, or are one (zero padding,
 * "AAAA..."), are searched for in a shortened form or by the run finder:
 * still exactly the alerts of every rule evaluated. */
static void test_prefilter_runs_equal_bruteforce(void **state)
{
	char *rules = calloc(1, 200 * 256);
	size_t off = 0;
	for (int i = 0; i < 200; i++) {
		char pat[40];
		int n = 0;
		if (next_rand() % 2) /* a head before the run, or none */
			n += sprintf(pat + n, "%c", "bB"[next_rand() % 2]);
		char c = "aA0"[next_rand() % 3];
		int k = 2 + (int)(next_rand() % 6);
		for (int j = 0; j < k; j++)
			n += sprintf(pat + n, c == '0' ? "|00|" : "%c", c);
		const char *hdr = (const char *[]){"tcp any any -> any any", "tcp any any -> any 80",
						    "udp any any -> any any"}[next_rand() % 3];
		off += (size_t)sprintf(rules + off, "alert %s (content:\"%s\"; %s sid:%d;)\n", hdr,
				       pat, next_rand() % 2 ? "nocase;" : "", i + 1);
	}
	struct detect_load_stats st;
	struct detect_engine *de = th_engine(rules, &st);
	assert_non_null(de);
	assert_int_equal(st.loaded, 200);
	assert_true(check_bruteforce(de, "aAbB\0", true, 3000) > 0);
	detect_engine_free(de);
	free(rules);
}

/* IP-only rules go through the address index: it must find exactly what
 * evaluating every rule finds. */
static void test_address_index_equals_bruteforce(void **state)
{
	char *rules = calloc(1, 300 * 512);
	size_t off = 0;
	for (int i = 0; i < 300; i++) {
		char list[400] = "";
		int n = 1 + (int)(next_rand() % 6);
		for (int k = 0; k < n; k++) {
			size_t l = strlen(list);
			if (next_rand() % 4 == 0)
				snprintf(list + l, sizeof(list) - l, "%s10.%u.0.0/16", k ? "," : "",
					 next_rand() % 4);
			else
				snprintf(list + l, sizeof(list) - l, "%s10.%u.%u.%u", k ? "," : "",
					 next_rand() % 4, next_rand() % 4, next_rand() % 4);
		}
		const char *other = (const char *[]){"any", "$HOME_NET", "!10.1.0.0/16",
						     "[10.0.0.0/8,2001:db8::/32]"}[next_rand() % 4];
		bool src_side = next_rand() % 2;
		const char *dir = next_rand() % 7 == 0 ? "<>" : "->";
		const char *proto = next_rand() % 3 == 0 ? "tcp" : "ip";
		off += (size_t)sprintf(rules + off, "alert %s %s%s%s any %s %s%s%s any (sid:%d;)\n",
				       proto, src_side ? "[" : "", src_side ? list : other,
				       src_side ? "]" : "", dir, src_side ? "" : "[",
				       src_side ? other : list, src_side ? "" : "]", i + 1);
	}
	struct detect_load_stats st;
	struct detect_engine *de = th_engine(rules, &st);
	assert_non_null(de);
	assert_int_equal(st.failed, 0);
	struct detect_thread *t = detect_thread_new(de);
	struct det_thread *dt = (struct det_thread *)t;
	unsigned total = 0;
	for (int n = 0; n < 2000; n++) {
		struct packet p;
		th_packet(&p, next_rand() % 2 ? 6 : 17, 1, 2, "", 0);
		th_ip4(&p.src, 10, (uint8_t)(next_rand() % 4), (uint8_t)(next_rand() % 4),
		       (uint8_t)(next_rand() % 4));
		th_ip4(&p.dst, 10, (uint8_t)(next_rand() % 4), (uint8_t)(next_rand() % 4),
		       (uint8_t)(next_rand() % 4));
		unsigned want = 0;
		for (uint32_t i = 0; i < de->nrules; i++)
			want += rule_match_packet(dt, de->rules[i], &p);
		struct alert_queue q;
		detect_packet(t, &p, &q);
		assert_int_equal(q.count + q.discarded, want);
		for (unsigned i = 1; i < q.count; i++)
			assert_true(q.alerts[i - 1].rule_num < q.alerts[i].rule_num);
		total += want;
	}
	assert_true(total > 0);
	detect_thread_free(t);
	detect_engine_free(de);
	free(rules);
}

static unsigned run_sids(struct detect_engine *de, struct packet *p, uint32_t *sids)
{
	return th_run(de, p, sids, DETECT_PACKET_ALERT_MAX);
}

static void test_action_order(void **state)
{
	struct detect_engine *de =
	    th_engine("alert tcp any any -> any any (content:\"x\"; priority:1; sid:1;)\n"
		      "drop tcp any any -> any any (content:\"x\"; priority:3; sid:2;)\n"
		      "reject tcp any any -> any any (content:\"x\"; priority:2; sid:3;)\n"
		      "alert tcp any any -> any any (content:\"x\"; priority:3; sid:4;)\n"
		      "alert tcp any any -> any any (content:\"x\"; priority:2; sid:5;)\n",
		      NULL);
	struct packet p;
	th_packet(&p, 6, 1, 2, "x", 1);
	uint32_t s[16];
	assert_int_equal(run_sids(de, &p, s), 5);
	assert_int_equal(s[0], 2); /* drop */
	assert_int_equal(s[1], 3); /* reject */
	assert_int_equal(s[2], 1); /* alerts by priority */
	assert_int_equal(s[3], 5);
	assert_int_equal(s[4], 4);
	detect_engine_free(de);
}

/* suricata.yaml's action-order changes which rule wins: with drop
 * before pass, the drop alerts and the pass then stops the alert rule. */
static void test_configured_action_order(void **state)
{
	const char *rules = "alert tcp any any -> any any (content:\"x\"; sid:1;)\n"
			    "pass tcp any any -> any any (content:\"x\"; sid:2;)\n"
			    "drop tcp any any -> any any (content:\"x\"; sid:3;)\n";
	struct packet p;
	th_packet(&p, 6, 1, 2, "x", 1);
	uint32_t s[16];
	struct detect_engine *de = th_engine(rules, NULL);
	assert_int_equal(run_sids(de, &p, s), 0); /* default: pass first */
	detect_engine_free(de);

	const char *drop_first[] = {"drop", "pass", "reject", "alert"};
	struct detect_config cfg = {
	    .no_cache = true, .action_order = drop_first, .action_order_count = 4};
	de = th_engine_with(rules, &cfg, NULL);
	assert_int_equal(run_sids(de, &p, s), 1);
	assert_int_equal(s[0], 3);
	detect_engine_free(de);

	const char *alert_before_pass[] = {"drop", "alert", "reject", "pass"};
	cfg.action_order = alert_before_pass;
	de = th_engine_with(rules, &cfg, NULL);
	assert_int_equal(run_sids(de, &p, s), 2);
	assert_int_equal(s[0], 3);
	assert_int_equal(s[1], 1);
	detect_engine_free(de);

	/* A pass after a drop of the same packet ends its alerts but does not
	 * pass the flow: the next packet is inspected again. */
	const char *ip_only_pass = "pass tcp any any -> any any (sid:1;)\n"
				   "drop tcp any any -> any any (content:\"x\"; sid:2;)\n"
				   "alert tcp any any -> any any (sid:3;)\n";
	cfg.action_order = drop_first;
	de = th_engine_with(ip_only_pass, &cfg, NULL);
	struct detect_thread *t = detect_thread_new(de);
	struct flow f;
	memset(&f, 0, sizeof(f));
	struct alert_queue q;
	for (int i = 0; i < 2; i++) {
		th_packet(&p, 6, 1, 2, "x", 1);
		p.flow = &f;
		detect_packet(t, &p, &q);
		assert_int_equal(q.count, 1);
		assert_int_equal(q.alerts[0].sid, 2);
		assert_false(q.flow_pass);
	}
	detect_flow_free(f.detect);
	p.flow = NULL;
	detect_thread_free(t);
	detect_engine_free(de);

	/* Not each class exactly once: the default order stays. */
	const char *bad[] = {"drop", "drop", "alert", "pass"};
	cfg.action_order = bad;
	de = th_engine_with(rules, &cfg, NULL);
	assert_int_equal(run_sids(de, &p, s), 0);
	detect_engine_free(de);
}

static void test_pass_stops(void **state)
{
	struct detect_engine *de =
	    th_engine("alert tcp any any -> any any (content:\"x\"; priority:1; sid:1;)\n"
		      "pass tcp any any -> any any (content:\"pass\"; sid:2;)\n"
		      "drop tcp any any -> any any (content:\"x\"; sid:3;)\n",
		      NULL);
	struct packet p;
	uint32_t s[16];
	th_packet(&p, 6, 1, 2, "x pass", 6);
	struct detect_thread *t = detect_thread_new(de);
	struct alert_queue q;
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 0);
	assert_true(q.pass);
	assert_false(q.drop);
	th_packet(&p, 6, 1, 2, "x", 1);
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 2);
	assert_true(q.drop);
	detect_thread_free(t);
	(void)s;
	detect_engine_free(de);
}

/* Pass/drop of an IP-only rule applies to the flow; of any other rule, to
 * the packet. */
static void test_flow_actions(void **state)
{
	struct detect_engine *de =
	    th_engine("pass tcp 192.168.1.1 any -> any any (sid:1;)\n"
		      "pass tcp any any -> any 22 (sid:2;)\n"
		      "alert tcp any any -> any any (content:\"x\"; sid:3;)\n"
		      "drop udp any any -> 10.0.0.1 any (sid:4;)\n",
		      NULL);
	struct detect_thread *t = detect_thread_new(de);
	struct alert_queue q;
	struct flow f, g, u;
	memset(&f, 0, sizeof(f));
	memset(&g, 0, sizeof(g));
	memset(&u, 0, sizeof(u));
	struct packet p;
	/* IP-only pass: flow passed, later packets (even from the other side) are not inspected */
	th_packet(&p, 6, 1234, 80, "x", 1);
	p.flow = &f;
	detect_packet(t, &p, &q);
	assert_true(q.pass);
	assert_true(q.flow_pass);
	assert_int_equal(q.count, 0);
	th_packet(&p, 6, 80, 1234, "x", 1);
	th_ip4(&p.src, 8, 8, 8, 8);
	p.flow = &f;
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 0);
	/* port-only pass (no payload keywords): the whole flow, as Suricata
	 * (suricata-verify issue-5466-alert-then-pass-01: flow.action pass) */
	th_packet(&p, 6, 1234, 22, "x", 1);
	th_ip4(&p.src, 8, 8, 4, 4);
	p.flow = &g;
	detect_packet(t, &p, &q);
	assert_true(q.pass);
	assert_true(q.flow_pass);
	assert_int_equal(q.count, 0);
	th_packet(&p, 6, 22, 1234, "x", 1);
	th_ip4(&p.src, 8, 8, 4, 4);
	p.flow = &g;
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 0);
	/* a pass with payload keywords applies to its packet only */
	struct detect_engine *de2 =
	    th_engine("pass tcp any any -> any 22 (content:\"x\"; sid:5;)\n"
		      "alert tcp any any -> any any (content:\"x\"; sid:6;)\n",
		      NULL);
	struct detect_thread *t2 = detect_thread_new(de2);
	struct flow h;
	memset(&h, 0, sizeof(h));
	th_packet(&p, 6, 1234, 22, "x", 1);
	p.flow = &h;
	detect_packet(t2, &p, &q);
	assert_true(q.pass);
	assert_false(q.flow_pass);
	th_packet(&p, 6, 22, 1234, "x", 1);
	p.flow = &h;
	detect_packet(t2, &p, &q);
	assert_int_equal(q.count, 1);
	detect_flow_free(h.detect);
	detect_thread_free(t2);
	detect_engine_free(de2);
	/* IP-only drop: flow_drop, inspection continues (IDS) */
	th_packet(&p, 17, 1, 2, "x", 1);
	p.flow = &u;
	detect_packet(t, &p, &q);
	assert_true(q.drop);
	assert_true(q.flow_drop);
	assert_int_equal(q.count, 1);
	detect_flow_free(f.detect);
	detect_flow_free(g.detect);
	detect_flow_free(u.detect);
	detect_thread_free(t);
	detect_engine_free(de);
}

/* Stream rules on sessions see the reassembled chunk, packet rules the packet. */
static void test_stream_inspection(void **state)
{
	struct detect_engine *de =
	    th_engine("alert tcp any any -> any any (content:\"split-word\"; sid:1;)\n"
		      "alert tcp-pkt any any -> any any (content:\"split\"; sid:2;)\n"
		      "alert tcp any any -> any any (content:\"split\"; dsize:<100; sid:3;)\n"
		      "alert tcp any any -> any any (flow:only_stream; content:\"word\"; sid:4;)\n"
		      "alert tcp any any -> any any (flow:no_stream; content:\"word\"; sid:5;)\n"
		      "alert tcp-stream any any -> any any (content:\"-wo\"; sid:6;)\n",
		      NULL);
	assert_non_null(de);
	assert_int_equal(detect_engine_max_pattern_len(de), 10);
	struct detect_thread *t = detect_thread_new(de);
	struct flow f;
	memset(&f, 0, sizeof(f));
	struct alert_queue q;
	struct packet p;
	uint32_t seen = 0;
	/* two segments of a session: packet rules only */
	th_packet(&p, 6, 1234, 80, "split-", 6);
	p.flow = &f;
	detect_packet_ex(t, &p, &q, DETECT_PKT_STREAM_INSPECTED);
	for (unsigned i = 0; i < q.count; i++)
		seen |= 1u << q.alerts[i].sid;
	assert_int_equal(seen, (1u << 2) | (1u << 3));
	th_packet(&p, 6, 1234, 80, "word", 4);
	p.flow = &f;
	detect_packet_ex(t, &p, &q, DETECT_PKT_STREAM_INSPECTED);
	seen = 0;
	for (unsigned i = 0; i < q.count; i++)
		seen |= 1u << q.alerts[i].sid;
	assert_int_equal(seen, 1u << 5);
	/* the reassembled window */
	detect_stream(t, &p, (const uint8_t *)"split-word", 10, &q);
	seen = 0;
	for (unsigned i = 0; i < q.count; i++) {
		seen |= 1u << q.alerts[i].sid;
		assert_true(q.alerts[i].flags & ALERT_F_STREAM_MATCH);
	}
	assert_int_equal(seen, (1u << 1) | (1u << 4) | (1u << 6));
	/* blocks on both sides of a gap: a rule matching in either alerts,
	 * once, in rule order; nothing matches across the gap */
	const struct detect_block blocks[] = {{(const uint8_t *)"word x", 6},
					      {(const uint8_t *)"split-wo", 8},
					      {(const uint8_t *)"rd word", 7}};
	detect_stream_blocks(t, &p, blocks, 3, &q);
	seen = 0;
	for (unsigned i = 0; i < q.count; i++) {
		seen |= 1u << q.alerts[i].sid;
		if (i > 0)
			assert_true(q.alerts[i - 1].rule_num < q.alerts[i].rule_num);
	}
	assert_int_equal(q.count, 2);
	assert_int_equal(seen, (1u << 4) | (1u << 6));
	/* without a session every rule looks at the packet (tcp-stream too) */
	th_packet(&p, 6, 1234, 80, "split-word", 10);
	detect_packet(t, &p, &q);
	seen = 0;
	for (unsigned i = 0; i < q.count; i++)
		seen |= 1u << q.alerts[i].sid;
	assert_int_equal(seen, (1u << 1) | (1u << 2) | (1u << 3) | (1u << 5) | (1u << 6));
	detect_flow_free(f.detect);
	detect_thread_free(t);
	detect_engine_free(de);
}

static void test_noalert_and_flowbits(void **state)
{
	struct detect_engine *de = th_engine(
	    "alert tcp any any -> any any (content:\"login\"; flowbits:set,seen; flowbits:noalert; "
	    "sid:1;)\n"
	    "alert tcp any any -> any any (content:\"secret\"; flowbits:isset,seen; sid:2;)\n"
	    "alert tcp any any -> any any (content:\"secret\"; flowbits:isnotset,seen; sid:3;)\n",
	    NULL);
	struct flow f;
	memset(&f, 0, sizeof(f));
	struct packet p;
	uint32_t s[16];
	th_packet(&p, 6, 1, 2, "secret", 6);
	p.flow = &f;
	assert_int_equal(run_sids(de, &p, s), 1);
	assert_int_equal(s[0], 3);
	/* the setter runs first even within one packet */
	th_packet(&p, 6, 1, 2, "login secret", 12);
	p.flow = &f;
	assert_int_equal(run_sids(de, &p, s), 1);
	assert_int_equal(s[0], 2);
	th_packet(&p, 6, 1, 2, "secret", 6);
	p.flow = &f;
	assert_int_equal(run_sids(de, &p, s), 1);
	assert_int_equal(s[0], 2);
	assert_true(f.alerted);
	detect_flow_free(f.detect);
	detect_engine_free(de);
}

static void test_alert_max(void **state)
{
	char rules[4096] = "";
	for (int i = 1; i <= 20; i++)
		snprintf(rules + strlen(rules), sizeof(rules) - strlen(rules),
			 "alert tcp any any -> any any (content:\"z\"; sid:%d;)\n", i);
	struct detect_engine *de = th_engine(rules, NULL);
	struct packet p;
	th_packet(&p, 6, 1, 2, "z", 1);
	struct detect_thread *t = detect_thread_new(de);
	struct alert_queue q;
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, DETECT_PACKET_ALERT_MAX);
	assert_int_equal(q.discarded, 5);
	assert_int_equal(q.alerts[0].sid, 1);
	detect_thread_free(t);
	detect_engine_free(de);
}

static void test_header_and_direction(void **state)
{
	struct detect_engine *de =
	    th_engine("alert tcp $HOME_NET any -> $EXTERNAL_NET 80 (sid:1;)\n"
		      "alert tcp $EXTERNAL_NET any -> $HOME_NET 80 (sid:2;)\n"
		      "alert tcp 10.0.0.1 80 <> 192.168.1.1 any (sid:3;)\n"
		      "alert udp any any -> any any (sid:4;)\n"
		      "alert ip any any -> any any (sid:5;)\n",
		      NULL);
	struct packet p;
	uint32_t s[16];
	th_packet(&p, 6, 1234, 80, "", 0);
	/* 192.168.1.1 -> 10.0.0.1: both HOME_NET, so neither 1 nor 2; 3 matches reversed */
	unsigned n = run_sids(de, &p, s);
	assert_int_equal(n, 2);
	assert_int_equal(s[0], 3);
	assert_int_equal(s[1], 5);
	th_ip4(&p.dst, 8, 8, 8, 8);
	n = run_sids(de, &p, s);
	assert_int_equal(n, 2);
	assert_int_equal(s[0], 1);
	/* bidirectional rule matches the reverse direction */
	th_packet(&p, 6, 1234, 80, "", 0);
	p.sp = 80;
	p.dp = 1234;
	struct ip_addr tmp = p.src;
	p.src = p.dst;
	p.dst = tmp;
	n = run_sids(de, &p, s);
	assert_int_equal(n, 2);
	assert_int_equal(s[0], 3);
	detect_engine_free(de);
}

static void test_threshold_keyword(void **state)
{
	struct detect_engine *de = th_engine(
	    "alert tcp any any -> any any (content:\"t\"; threshold:type limit, track by_src, "
	    "count 2, seconds 60; sid:1;)\n"
	    "alert tcp any any -> any any (content:\"t\"; threshold:type threshold, track by_src, "
	    "count 3, seconds 60; sid:2;)\n"
	    "alert tcp any any -> any any (content:\"t\"; detection_filter:track by_src, count 3, "
	    "seconds 60; sid:3;)\n",
	    NULL);
	struct detect_thread *t = detect_thread_new(de);
	unsigned hits[4] = {0};
	for (int i = 0; i < 6; i++) {
		struct packet p;
		th_packet(&p, 6, 1, 2, "t", 1);
		p.ts_sec = 1000 + i;
		struct alert_queue q;
		detect_packet(t, &p, &q);
		for (unsigned k = 0; k < q.count; k++)
			hits[q.alerts[k].sid]++;
	}
	assert_int_equal(hits[1], 2); /* limit 2 */
	assert_int_equal(hits[2], 2); /* every 3rd of 6 */
	assert_int_equal(hits[3], 3); /* after the first 3 */
	detect_thread_free(t);
	detect_engine_free(de);
}

/* track by_both is the address pair whichever way the packet goes (as
 * Suricata's IP-pair table); a third address is another pair. */
static void test_threshold_by_both(void **state)
{
	struct detect_engine *de = th_engine(
	    "alert tcp any any -> any any (content:\"t\"; threshold:type limit, track by_both, "
	    "count 1, seconds 60; sid:1;)\n",
	    NULL);
	struct detect_thread *t = detect_thread_new(de);
	static const uint8_t dir[][2] = {{1, 2}, {2, 1}, {1, 2}, {1, 3}, {3, 1}, {2, 3}};
	unsigned alerts[6] = {0};
	for (int i = 0; i < 6; i++) {
		struct packet p;
		th_packet(&p, 6, 1, 2, "t", 1);
		th_ip4(&p.src, 10, 0, 0, dir[i][0]);
		th_ip4(&p.dst, 10, 0, 0, dir[i][1]);
		p.ts_sec = 1000 + i;
		struct alert_queue q;
		detect_packet(t, &p, &q);
		alerts[i] = q.count;
	}
	/* 1-2 alerts once (either direction), 1-3 once, 2-3 once */
	assert_int_equal(alerts[0], 1);
	assert_int_equal(alerts[1], 0);
	assert_int_equal(alerts[2], 0);
	assert_int_equal(alerts[3], 1);
	assert_int_equal(alerts[4], 0);
	assert_int_equal(alerts[5], 1);
	detect_thread_free(t);
	detect_engine_free(de);
}

/* Many trackers over time: stale entries are dropped as the table
 * rebuilds, live ones keep counting. */
static void test_threshold_many_sources(void **state)
{
	struct detect_engine *de = th_engine(
	    "alert tcp any any -> any any (content:\"t\"; threshold:type limit, track by_src, "
	    "count 1, seconds 2; sid:1;)\n",
	    NULL);
	struct detect_thread *t = detect_thread_new(de);
	unsigned alerts = 0;
	for (int i = 0; i < 20000; i++) {
		struct packet p;
		th_packet(&p, 6, 1, 2, "t", 1);
		/* every source twice in a row: the second is over the limit */
		int src = i / 2;
		th_ip4(&p.src, 10, (uint8_t)(src >> 16), (uint8_t)(src >> 8), (uint8_t)src);
		p.ts_sec = 1000 + i / 100;
		struct alert_queue q;
		detect_packet(t, &p, &q);
		alerts += q.count;
	}
	assert_int_equal(alerts, 10000);
	detect_thread_free(t);
	detect_engine_free(de);
}

static void test_threshold_config(void **state)
{
	char rpath[] = "/tmp/vigil-thr-rules-XXXXXX", tpath[] = "/tmp/vigil-thr-XXXXXX";
	FILE *f = fdopen(mkstemp(rpath), "w");
	fputs("alert tcp any any -> any any (content:\"s\"; sid:1;)\n"
	      "alert tcp any any -> any any (content:\"s\"; sid:2;)\n"
	      "alert tcp any any -> any any (content:\"s\"; sid:3;)\n"
	      "drop tcp any any -> any any (content:\"s\"; sid:4;)\n",
	      f);
	fclose(f);
	f = fdopen(mkstemp(tpath), "w");
	fputs("# comment\n"
	      "suppress gen_id 1, sig_id 1\n"
	      "suppress gen_id 1, sig_id 2, track by_src, ip 10.0.0.0/8\n"
	      "threshold gen_id 1, sig_id 3, type limit, track by_rule, count 1, seconds 60\n"
	      "suppress gen_id 1, sig_id 4\n"
	      "bogus line\n",
	      f);
	fclose(f);
	const char *files[] = {rpath};
	struct detect_config cfg = {
	    .rule_files = files, .rule_file_count = 1, .threshold_file = tpath, .no_cache = true};
	struct detect_engine *de = detect_engine_new(&cfg, NULL, NULL);
	assert_non_null(de);
	struct detect_thread *t = detect_thread_new(de);
	unsigned hits[5] = {0};
	for (int i = 0; i < 3; i++) {
		struct packet p;
		th_packet(&p, 6, 1, 2, "s", 1);
		struct alert_queue q;
		detect_packet(t, &p, &q);
		for (unsigned k = 0; k < q.count; k++)
			hits[q.alerts[k].sid]++;
		assert_true(q.drop); /* a suppressed drop rule still drops (Suricata) */
	}
	assert_int_equal(hits[4], 0);
	assert_int_equal(hits[1], 0);
	assert_int_equal(hits[2], 3); /* source 192.168.1.1 is not suppressed */
	assert_int_equal(hits[3], 1);
	detect_thread_free(t);
	detect_engine_free(de);
	unlink(rpath);
	unlink(tpath);
}

static void test_rate_filter(void **state)
{
	char rpath[] = "/tmp/vigil-rf-rules-XXXXXX", tpath[] = "/tmp/vigil-rf-XXXXXX";
	FILE *f = fdopen(mkstemp(rpath), "w");
	fputs("alert tcp any any -> any any (content:\"r\"; sid:1;)\n", f);
	fclose(f);
	f = fdopen(mkstemp(tpath), "w");
	fputs(
	    "rate_filter gen_id 1, sig_id 1, track by_rule, count 2, seconds 60, new_action drop, "
	    "timeout 10\n",
	    f);
	fclose(f);
	const char *files[] = {rpath};
	struct detect_config cfg = {
	    .rule_files = files, .rule_file_count = 1, .threshold_file = tpath, .no_cache = true};
	struct detect_engine *de = detect_engine_new(&cfg, NULL, NULL);
	assert_non_null(de);
	struct detect_thread *t = detect_thread_new(de);
	enum detect_action seen[5];
	for (int i = 0; i < 5; i++) {
		struct packet p;
		th_packet(&p, 6, 1, 2, "r", 1);
		p.ts_sec = 100 + (i == 4 ? 20 : i);
		struct alert_queue q;
		detect_packet(t, &p, &q);
		assert_int_equal(q.count, 1);
		seen[i] = q.alerts[0].action;
	}
	assert_int_equal(seen[0], DETECT_ACTION_ALERT);
	assert_int_equal(seen[1], DETECT_ACTION_ALERT);
	assert_int_equal(seen[2], DETECT_ACTION_DROP);	/* third in the window */
	assert_int_equal(seen[3], DETECT_ACTION_DROP);	/* within the timeout */
	assert_int_equal(seen[4], DETECT_ACTION_ALERT); /* timeout over, new window */
	detect_thread_free(t);
	detect_engine_free(de);
	unlink(rpath);
	unlink(tpath);
}

/* track by_both is one tracker per IP pair whichever way a packet goes
 * (Suricata's ippair table), for the threshold keyword and rate_filter. */
static void test_by_both_either_direction(void **state)
{
	(void)state;
	struct detect_engine *de = th_engine(
	    "alert tcp any any -> any any (content:\"b\"; threshold:type limit, track by_both, "
	    "count 1, seconds 60; sid:1;)\n",
	    NULL);
	struct detect_thread *t = detect_thread_new(de);
	struct alert_queue q;
	struct packet p;
	th_packet(&p, 6, 1000, 80, "b", 1);
	th_ip4(&p.src, 10, 0, 0, 1);
	th_ip4(&p.dst, 10, 0, 0, 2);
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 1);
	/* the reply: same pair, over the limit */
	th_packet(&p, 6, 80, 1000, "b", 1);
	th_ip4(&p.src, 10, 0, 0, 2);
	th_ip4(&p.dst, 10, 0, 0, 1);
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 0);
	/* another pair sharing one address: its own tracker */
	th_packet(&p, 6, 80, 1000, "b", 1);
	th_ip4(&p.src, 10, 0, 0, 2);
	th_ip4(&p.dst, 10, 0, 0, 3);
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 1);
	detect_thread_free(t);
	detect_engine_free(de);

	char rpath[] = "/tmp/vigil-rfb-rules-XXXXXX", tpath[] = "/tmp/vigil-rfb-XXXXXX";
	FILE *f = fdopen(mkstemp(rpath), "w");
	fputs("alert tcp any any -> any any (content:\"r\"; sid:7;)\n", f);
	fclose(f);
	f = fdopen(mkstemp(tpath), "w");
	fputs("rate_filter gen_id 1, sig_id 7, track by_both, count 1, seconds 60, new_action "
	      "drop, timeout 100\n",
	      f);
	fclose(f);
	const char *files[] = {rpath};
	struct detect_config cfg = {
	    .rule_files = files, .rule_file_count = 1, .threshold_file = tpath, .no_cache = true};
	de = detect_engine_new(&cfg, NULL, NULL);
	assert_non_null(de);
	t = detect_thread_new(de);
	th_packet(&p, 6, 1000, 80, "r", 1);
	th_ip4(&p.src, 10, 0, 0, 1);
	th_ip4(&p.dst, 10, 0, 0, 2);
	detect_packet(t, &p, &q);
	assert_int_equal(q.alerts[0].action, DETECT_ACTION_ALERT);
	th_packet(&p, 6, 80, 1000, "r", 1);
	th_ip4(&p.src, 10, 0, 0, 2);
	th_ip4(&p.dst, 10, 0, 0, 1);
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 1);
	assert_int_equal(q.alerts[0].action, DETECT_ACTION_DROP);
	/* the new action is marked as a rate_filter's (drop.reason) */
	assert_true(q.alerts[0].flags & ALERT_F_RATE_FILTER);
	assert_true(q.drop);
	detect_thread_free(t);
	detect_engine_free(de);
	unlink(rpath);
	unlink(tpath);
}

static void test_classification_and_alert_fields(void **state)
{
	char rpath[] = "/tmp/vigil-cls-rules-XXXXXX", cpath[] = "/tmp/vigil-cls-XXXXXX";
	FILE *f = fdopen(mkstemp(rpath), "w");
	fputs("alert tcp any any -> any any (msg:\"M\"; content:\"c\"; classtype:trojan-activity; "
	      "metadata:a b; sid:9; rev:3;)\n"
	      "alert tcp any any -> any any (content:\"c\"; classtype:nope; sid:10;)\n",
	      f);
	fclose(f);
	f = fdopen(mkstemp(cpath), "w");
	fputs("config classification: trojan-activity,A Network Trojan was detected,1\n", f);
	fclose(f);
	const char *files[] = {rpath};
	struct detect_config cfg = {.rule_files = files,
				    .rule_file_count = 1,
				    .classification_file = cpath,
				    .no_cache = true};
	struct detect_load_stats st;
	struct detect_engine *de = detect_engine_new(&cfg, &st, NULL);
	assert_int_equal(st.loaded, 1);
	assert_int_equal(st.failed, 1);
	struct detect_thread *t = detect_thread_new(de);
	struct packet p;
	th_packet(&p, 6, 1, 2, "c", 1);
	struct alert_queue q;
	detect_packet(t, &p, &q);
	assert_int_equal(q.count, 1);
	const struct alert *a = &q.alerts[0];
	assert_string_equal(a->msg, "M");
	assert_string_equal(a->category, "A Network Trojan was detected");
	assert_int_equal(a->priority, 1);
	assert_int_equal(a->rev, 3);
	assert_int_equal(a->metadata_count, 1);
	assert_string_equal(a->metadata[0], "a b");
	assert_string_equal(detect_alert_action_name(a, false), "allowed");
	detect_thread_free(t);
	detect_engine_free(de);
	unlink(rpath);
	unlink(cpath);
}

static void test_cache(void **state)
{
	char dir[] = "/tmp/vigil-cache-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char rpath[] = "/tmp/vigil-cache-rules-XXXXXX";
	FILE *f = fdopen(mkstemp(rpath), "w");
	fputs("alert tcp any any -> any any (content:\"cached\"; sid:1;)\n", f);
	fclose(f);
	const char *files[] = {rpath};
	struct detect_config cfg = {.rule_files = files, .rule_file_count = 1, .cache_dir = dir};
	struct detect_load_stats st;
	struct detect_engine *de = detect_engine_new(&cfg, &st, NULL);
	assert_false(st.cache_hit);
	detect_engine_free(de);
	de = detect_engine_new(&cfg, &st, NULL);
	assert_true(st.cache_hit);
	struct packet p;
	th_packet(&p, 6, 1, 2, "xx cached", 9);
	uint32_t s[4];
	assert_int_equal(th_run(de, &p, s, 4), 1);
	detect_engine_free(de);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	unlink(rpath);
}

/* `bypass` (Suricata's post-match keyword): a match marks the flow for
 * bypass, whatever the rule's action; no match, no bypass; no flow, no
 * bypass. */
static void test_bypass_keyword(void **state)
{
	(void)state;
	struct detect_engine *de =
	    th_engine("alert udp any any -> any any (content:\"skip\"; bypass; sid:1;)\n"
		      "pass tcp any any -> any 443 (content:\"|16 03|\"; depth:2; bypass; sid:2;)\n",
		      NULL);
	assert_non_null(de);
	struct detect_thread *t = detect_thread_new(de);
	struct alert_queue q;
	struct flow f;
	memset(&f, 0, sizeof(f));
	struct packet p;
	th_packet(&p, 17, 5000, 53, "noskip", 6);
	p.flow = &f;
	detect_packet(t, &p, &q);
	assert_true(q.flow_bypass);
	assert_int_equal(q.count, 1);
	th_packet(&p, 17, 5000, 53, "nothing", 7);
	p.flow = &f;
	detect_packet(t, &p, &q);
	assert_false(q.flow_bypass);
	th_packet(&p, 17, 5000, 53, "skip", 4);
	p.flow = NULL;
	detect_packet(t, &p, &q);
	assert_false(q.flow_bypass);
	/* a pass rule with bypass: no alert, the flow still bypassed */
	th_packet(&p, 6, 40000, 443, "\x16\x03\x01", 3);
	p.flow = &f;
	detect_packet(t, &p, &q);
	assert_true(q.flow_bypass);
	assert_int_equal(q.count, 0);
	detect_thread_free(t);
	detect_engine_free(de);
}

/* The drop cause is kept even for a noalert rule (Suricata's
 * p->alerts.drop): the drop event names it; the first dropping rule in
 * rule order wins; alert rules are no cause. */
static void test_drop_cause_noalert(void **state)
{
	(void)state;
	struct detect_engine *de =
	    th_engine("drop tcp any any -> any any (content:\"d\"; noalert; sid:1;)\n"
		      "reject tcp any any -> any any (content:\"dd\"; sid:2;)\n"
		      "alert tcp any any -> any any (content:\"a\"; sid:3;)\n",
		      NULL);
	struct detect_thread *t = detect_thread_new(de);
	struct alert_queue q;
	struct packet p;
	th_packet(&p, 6, 1000, 80, "d", 1);
	detect_packet(t, &p, &q);
	assert_true(q.drop);
	assert_int_equal(q.count, 0);
	assert_true(q.has_drop_alert);
	assert_int_equal(q.drop_alert.sid, 1);
	th_packet(&p, 6, 1000, 80, "dd", 2);
	detect_packet(t, &p, &q);
	assert_true(q.has_drop_alert);
	assert_int_equal(q.drop_alert.sid, 1); /* first in order, though it does not alert */
	assert_int_equal(q.count, 1);
	assert_int_equal(q.alerts[0].sid, 2);
	th_packet(&p, 6, 1000, 80, "a", 1);
	detect_packet(t, &p, &q);
	assert_false(q.has_drop_alert);
	assert_int_equal(q.count, 1);
	detect_thread_free(t);
	detect_engine_free(de);
}

static bool has_sid(const struct alert_queue *q, uint32_t sid)
{
	for (unsigned i = 0; i < q->count; i++)
		if (q->alerts[i].sid == sid)
			return true;
	return false;
}

/* IP-only rules (Suricata's SignatureIsIPOnly: no payload or packet
 * keyword, any ports for TCP/UDP) run on a flow's first packet in each
 * direction only; rules with ports or content run on every packet;
 * packets without a flow always run them. */
static void test_iponly_once_per_direction(void **state)
{
	(void)state;
	struct detect_engine *de =
	    th_engine("alert ip any any -> any any (sid:1;)\n"
		      "alert tcp any any -> any 80 (sid:2;)\n"
		      "alert tcp any any -> any any (content:\"x\"; sid:3;)\n"
		      "alert udp 192.168.1.1 any -> any any (sid:4;)\n",
		      NULL);
	struct detect_thread *t = detect_thread_new(de);
	struct alert_queue q;
	struct flow f, u;
	memset(&f, 0, sizeof(f));
	memset(&u, 0, sizeof(u));
	struct packet p;
	for (int k = 0; k < 2; k++) {
		th_packet(&p, 6, 1234, 80, "x", 1);
		p.flow = &f;
		p.flow_toserver = true;
		detect_packet(t, &p, &q);
		assert_int_equal(has_sid(&q, 1), k == 0);
		assert_true(has_sid(&q, 2));
		assert_true(has_sid(&q, 3));
	}
	/* the other direction: once more */
	for (int k = 0; k < 2; k++) {
		th_packet(&p, 6, 80, 1234, "y", 1);
		p.flow = &f;
		p.flow_toserver = false;
		detect_packet(t, &p, &q);
		assert_int_equal(has_sid(&q, 1), k == 0);
		assert_false(has_sid(&q, 2));
	}
	/* UDP with an address but any ports: IP-only too */
	for (int k = 0; k < 2; k++) {
		th_packet(&p, 17, 5000, 53, "z", 1);
		p.flow = &u;
		p.flow_toserver = true;
		detect_packet(t, &p, &q);
		assert_int_equal(has_sid(&q, 4), k == 0);
	}
	/* no flow: every packet */
	for (int k = 0; k < 2; k++) {
		th_packet(&p, 6, 1234, 80, "y", 1);
		detect_packet(t, &p, &q);
		assert_true(has_sid(&q, 1));
	}
	detect_flow_free(f.detect);
	detect_flow_free(u.detect);
	detect_thread_free(t);
	detect_engine_free(de);
}

/* Suricata's signature properties: a pass on a packet-payload match (not
 * a stream, transaction or IP-only match) ends that packet's inspection
 * only, not the flow's. */
static void test_payload_pass_stays_on_packet(void **state)
{
	(void)state;
	struct detect_engine *de =
	    th_engine("pass tcp any any -> any 22 (content:\"SSH\"; sid:1;)\n", NULL);
	struct detect_thread *t = detect_thread_new(de);
	struct alert_queue q;
	struct flow f;
	memset(&f, 0, sizeof(f));
	struct packet p;
	th_packet(&p, 6, 1234, 22, "SSH-2.0", 7);
	p.flow = &f;
	detect_packet(t, &p, &q);
	assert_true(q.pass);
	assert_false(q.flow_pass); /* a packet payload match: this packet only */
	detect_flow_free(f.detect);
	detect_thread_free(t);
	detect_engine_free(de);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bypass_keyword),
	    cmocka_unit_test(test_iponly_once_per_direction),
	    cmocka_unit_test(test_payload_pass_stays_on_packet),
	    cmocka_unit_test(test_drop_cause_noalert),
	    cmocka_unit_test(test_prefilter_equals_bruteforce),
	    cmocka_unit_test(test_prefilter_runs_equal_bruteforce),
	    cmocka_unit_test(test_address_index_equals_bruteforce),
	    cmocka_unit_test(test_action_order),
	    cmocka_unit_test(test_configured_action_order),
	    cmocka_unit_test(test_pass_stops),
	    cmocka_unit_test(test_flow_actions),
	    cmocka_unit_test(test_stream_inspection),
	    cmocka_unit_test(test_noalert_and_flowbits),
	    cmocka_unit_test(test_alert_max),
	    cmocka_unit_test(test_header_and_direction),
	    cmocka_unit_test(test_threshold_keyword),
	    cmocka_unit_test(test_threshold_by_both),
	    cmocka_unit_test(test_threshold_many_sources),
	    cmocka_unit_test(test_threshold_config),
	    cmocka_unit_test(test_rate_filter),
	    cmocka_unit_test(test_by_both_either_direction),
	    cmocka_unit_test(test_classification_and_alert_fields),
	    cmocka_unit_test(test_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
