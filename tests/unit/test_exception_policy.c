/* Tests for util/exception-policy.c (resolution as Suricata 8's
 * util-exception-policy.c) and for the midstream policy as the stream
 * stage applies it (stream/tcp-handshake.c). */
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
#include "util/exception-policy.h"

static struct config_node *tree(const char *yaml)
{
	struct config_node *c = config_new();
	char err[256];
	assert_true(config_load_string(c, yaml, err, sizeof(err)));
	return c;
}

static enum exception_policy resolve(const char *yaml, const char *opt, bool flow, bool ips)
{
	struct config_node *c = tree(yaml);
	enum exception_policy p = EXC_POLICY_COUNT;
	char err[256];
	assert_true(exception_policy_resolve(c, opt, flow, ips, &p, err, sizeof(err)));
	config_free(c);
	return p;
}

static enum exception_policy midstream(const char *yaml, bool on, bool ips)
{
	struct config_node *c = tree(yaml);
	enum exception_policy p = EXC_POLICY_COUNT;
	char err[256];
	assert_true(exception_policy_resolve_midstream(c, on, ips, &p, err, sizeof(err)));
	config_free(c);
	return p;
}

/* Without any setting: drop-flow in IPS mode, ignore in IDS mode. */
static void test_builtin_defaults(void **state)
{
	(void)state;
	assert_int_equal(resolve("a: 1\n", "flow.memcap-policy", true, true), EXC_POLICY_DROP_FLOW);
	assert_int_equal(resolve("a: 1\n", "flow.memcap-policy", true, false), EXC_POLICY_IGNORE);
	assert_int_equal(midstream("a: 1\n", false, true), EXC_POLICY_DROP_FLOW);
	/* mid-stream pick-up on: ignore even in IPS mode */
	assert_int_equal(midstream("a: 1\n", true, true), EXC_POLICY_IGNORE);
}

/* The master switch decides for targets not set; a drop from it means
 * nothing in IDS mode; targets without a flow take the packet form. */
static void test_master_switch(void **state)
{
	(void)state;
	const char *y = "exception-policy: drop-flow\n";
	assert_int_equal(resolve(y, "stream.memcap-policy", true, true), EXC_POLICY_DROP_FLOW);
	assert_int_equal(resolve(y, "defrag.memcap-policy", false, true), EXC_POLICY_DROP_PACKET);
	assert_int_equal(resolve(y, "stream.memcap-policy", true, false), EXC_POLICY_IGNORE);
	y = "exception-policy: pass-flow\n";
	assert_int_equal(resolve(y, "defrag.memcap-policy", false, false), EXC_POLICY_PASS_PACKET);
	y = "exception-policy: bypass\n";
	assert_int_equal(resolve(y, "defrag.memcap-policy", false, false), EXC_POLICY_IGNORE);
	assert_int_equal(midstream(y, true, false), EXC_POLICY_BYPASS);
	y = "exception-policy: auto\n";
	assert_int_equal(midstream(y, false, true), EXC_POLICY_DROP_FLOW);
	assert_int_equal(midstream(y, true, true), EXC_POLICY_IGNORE);
	assert_int_equal(midstream(y, false, false), EXC_POLICY_IGNORE);
	/* a target's own value wins over the master switch */
	y = "exception-policy: drop-flow\nflow:\n  memcap-policy: pass-packet\n";
	assert_int_equal(resolve(y, "flow.memcap-policy", true, true), EXC_POLICY_PASS_PACKET);
}

/* stream.midstream-policy set explicitly: only ignore and pass-flow with
 * pick-up on; drop-flow refused in IDS mode; packet policies refused. */
static void test_midstream_explicit(void **state)
{
	(void)state;
	char err[256];
	enum exception_policy p;
	struct config_node *c = tree("stream:\n  midstream-policy: bypass\n");
	assert_true(exception_policy_resolve_midstream(c, false, false, &p, err, sizeof(err)));
	assert_int_equal(p, EXC_POLICY_BYPASS);
	assert_false(exception_policy_resolve_midstream(c, true, false, &p, err, sizeof(err)));
	config_free(c);
	c = tree("stream:\n  midstream-policy: drop-flow\n");
	assert_false(exception_policy_resolve_midstream(c, false, false, &p, err, sizeof(err)));
	assert_true(exception_policy_resolve_midstream(c, false, true, &p, err, sizeof(err)));
	assert_int_equal(p, EXC_POLICY_DROP_FLOW);
	config_free(c);
	c = tree("stream:\n  midstream-policy: drop-packet\n");
	assert_false(exception_policy_resolve_midstream(c, false, true, &p, err, sizeof(err)));
	config_free(c);
	c = tree("stream:\n  midstream-policy: sometimes\n");
	assert_false(exception_policy_resolve_midstream(c, false, true, &p, err, sizeof(err)));
	assert_non_null(strstr(err, "sometimes"));
	config_free(c);
	assert_int_equal(midstream("stream:\n  midstream-policy: pass-flow\n", true, false),
			 EXC_POLICY_PASS_FLOW);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(exception_policy_name(EXC_POLICY_DROP_FLOW, true), "drop_flow");
	assert_string_equal(exception_policy_name(EXC_POLICY_DROP_FLOW, false), "drop-flow");
	assert_string_equal(exception_policy_name(EXC_POLICY_IGNORE, true), "ignore");
	assert_string_equal(exception_target_name(EXC_TARGET_MIDSTREAM), "stream_midstream");
	assert_string_equal(exception_target_drop_reason(EXC_TARGET_FLOW_MEMCAP), "flow memcap");
	assert_null(exception_target_name(1u << 7));
}

static struct harness *stream_with(struct harness *h, bool on, enum exception_policy pol,
				   bool ips)
{
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.midstream = on;
	cfg.midstream_policy = (uint8_t)pol;
	cfg.ips = ips;
	harness_init(h, &cfg);
	return h;
}

/* A session's first packet without a SYN meets the policy: the flow
 * records it; bypass and pass-flow mark the flow; no session starts but
 * with a permissive policy and pick-up on. */
static void test_stream_applies_policy(void **state)
{
	(void)state;
	struct harness h;
	stream_with(&h, false, EXC_POLICY_BYPASS, false);
	struct packet p = send_pkt(&h, 0, TCP_ACK, SISN, CISN, "HTTP/1.1 200 OK\r\n");
	struct flow *f = p.flow;
	assert_true(f->exception_targets & EXC_TARGET_MIDSTREAM);
	assert_true(f->bypassed);
	assert_int_equal(f->action, FLOW_ACTION_PASS);
	assert_null(f->stream);
	assert_int_equal(p.exception_target, EXC_TARGET_MIDSTREAM);
	assert_int_equal(p.exception_policy, EXC_POLICY_BYPASS);
	harness_free(&h);

	/* pass-flow with pick-up on: the session starts, the flow is passed */
	stream_with(&h, true, EXC_POLICY_PASS_FLOW, false);
	p = send_pkt(&h, 1, TCP_ACK, CISN, SISN, "GET / HTTP/1.1\r\n");
	f = p.flow;
	assert_non_null(f->stream);
	assert_int_equal(f->action, FLOW_ACTION_PASS);
	assert_false(f->bypassed);
	assert_int_equal(stream_ctx_stats(h.sc)->midstream_policy[EXC_POLICY_PASS_FLOW], 1);
	harness_free(&h);

	/* a SYN is no exception: nothing recorded */
	stream_with(&h, false, EXC_POLICY_DROP_FLOW, true);
	p = send_pkt(&h, 1, TCP_SYN, CISN, 0, NULL);
	assert_int_equal(p.flow->exception_targets, 0);
	assert_int_equal(p.exception_target, 0);
	harness_free(&h);
}

/* drop-flow in IPS mode drops the flow; reject does in IPS mode only;
 * ignore records the exception and changes nothing. */
static void test_stream_drop_and_reject(void **state)
{
	(void)state;
	struct harness h;
	stream_with(&h, false, EXC_POLICY_DROP_FLOW, true);
	struct packet p = send_pkt(&h, 0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	assert_int_equal(p.flow->action, FLOW_ACTION_DROP);
	assert_null(p.flow->stream);
	harness_free(&h);

	stream_with(&h, false, EXC_POLICY_REJECT, false);
	p = send_pkt(&h, 1, TCP_FIN | TCP_ACK, CISN, SISN, NULL);
	assert_int_equal(p.flow->action, FLOW_ACTION_NONE);
	assert_int_equal(p.exception_policy, EXC_POLICY_REJECT);
	harness_free(&h);
	stream_with(&h, false, EXC_POLICY_REJECT, true);
	p = send_pkt(&h, 1, TCP_FIN | TCP_ACK, CISN, SISN, NULL);
	assert_int_equal(p.flow->action, FLOW_ACTION_DROP);
	harness_free(&h);

	stream_with(&h, true, EXC_POLICY_IGNORE, false);
	p = send_pkt(&h, 1, TCP_ACK, CISN, SISN, "x");
	assert_true(p.flow->exception_targets & EXC_TARGET_MIDSTREAM);
	assert_int_equal(p.flow->action, FLOW_ACTION_NONE);
	assert_non_null(p.flow->stream);
	harness_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtin_defaults),	  cmocka_unit_test(test_master_switch),
	    cmocka_unit_test(test_midstream_explicit),	  cmocka_unit_test(test_names),
	    cmocka_unit_test(test_stream_applies_policy), cmocka_unit_test(test_stream_drop_and_reject),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
