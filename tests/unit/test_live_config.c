/*
 * Unit tests for engine/live-config.c: the capture plan of a live run —
 * several interfaces each with their own lanes and fanout group, the
 * config's interfaces when none is given, copy-mode ips and its refusals,
 * NFQUEUE queues with the nfq: section (fail-open, batchcount, mode), and
 * bad values named by key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/live.h"
#include "util/config.h"

static struct config_node *yaml(const char *text)
{
	struct config_node *c = config_new();
	char err[256];
	assert_non_null(c);
	assert_true(config_load_string(c, text, err, sizeof(err)));
	return c;
}

static const char two_ifaces[] = "af-packet:\n"
				 "  - interface: a0\n"
				 "    threads: 2\n"
				 "    cluster-id: 50\n"
				 "    copy-mode: ips\n"
				 "    copy-iface: b0\n"
				 "  - interface: b0\n"
				 "    threads: 1\n"
				 "    cluster-id: 51\n"
				 "    copy-mode: ips\n"
				 "    copy-iface: a0\n"
				 "  - interface: default\n"
				 "    threads: 3\n";

static void test_config_interfaces_each_own_lanes(void **state)
{
	(void)state;
	struct config_node *c = yaml(two_ifaces);
	struct engine_options o = {.live_method = CAPTURE_AF_PACKET};
	struct live_plan *plan = calloc(1, sizeof(*plan));
	char err[256] = "";
	assert_true(live_config_load(&o, c, plan, err, sizeof(err)));
	assert_int_equal(plan->n, 3);
	assert_string_equal(plan->lanes[0].iface, "a0");
	assert_string_equal(plan->lanes[1].iface, "a0");
	assert_string_equal(plan->lanes[2].iface, "b0");
	assert_int_equal(plan->lanes[0].cluster_id, 50);
	assert_int_equal(plan->lanes[2].cluster_id, 51);
	assert_true(plan->inline_mode);
	assert_true(plan->lanes[0].inline_mode);
	assert_string_equal(plan->lanes[0].copy_iface, "b0");
	assert_string_equal(plan->lanes[2].copy_iface, "a0");
	assert_false(plan->lanes[0].defrag); /* inline: fragments go on as they are */
	char desc[64];
	live_plan_describe(plan, desc, sizeof(desc));
	assert_string_equal(desc, "a0, b0");
	free(plan);
	config_free(c);
}

/* -i x -i y on the default entry: consecutive fanout groups. */
static void test_default_entry_consecutive_clusters(void **state)
{
	(void)state;
	struct config_node *c = yaml(two_ifaces);
	struct engine_options o = {.live_method = CAPTURE_AF_PACKET,
				   .live_ifaces = {"x1", "y1"},
				   .nlive_ifaces = 2};
	struct live_plan *plan = calloc(1, sizeof(*plan));
	char err[256] = "";
	assert_true(live_config_load(&o, c, plan, err, sizeof(err)));
	assert_int_equal(plan->n, 6); /* threads: 3 each */
	assert_int_equal(plan->lanes[0].cluster_id, 99);
	assert_int_equal(plan->lanes[3].cluster_id, 100);
	assert_false(plan->inline_mode);
	o.live_ifaces[1] = "x1";
	assert_false(live_config_load(&o, c, plan, err, sizeof(err)));
	assert_non_null(strstr(err, "x1: interface given twice"));
	free(plan);
	config_free(c);
}

static void test_copy_mode_refusals(void **state)
{
	(void)state;
	struct engine_options o = {.live_method = CAPTURE_AF_PACKET};
	struct live_plan *plan = calloc(1, sizeof(*plan));
	char err[256] = "";
	struct config_node *c = yaml("af-packet:\n  - interface: a0\n    copy-mode: tap\n    copy-iface: b0\n");
	assert_false(live_config_load(&o, c, plan, err, sizeof(err)));
	assert_non_null(strstr(err, "copy-mode: tap is not supported"));
	config_free(c);
	c = yaml("af-packet:\n  - interface: a0\n    copy-mode: ips\n");
	assert_false(live_config_load(&o, c, plan, err, sizeof(err)));
	assert_non_null(strstr(err, "copy-mode ips needs a copy-iface"));
	config_free(c);
	c = yaml("af-packet:\n  - interface: a0\n    copy-mode: bridge\n");
	assert_false(live_config_load(&o, c, plan, err, sizeof(err)));
	assert_non_null(strstr(err, "copy-mode: bad value 'bridge'"));
	config_free(c);
	free(plan);
}

static void test_nfq_queues(void **state)
{
	(void)state;
	struct config_node *c = yaml("nfq:\n  mode: accept\n  fail-open: yes\n  batchcount: 8\n");
	struct engine_options o = {.live_method = CAPTURE_NFQ, .nfq_queues = {0, 7}, .nnfq_queues = 2};
	struct live_plan *plan = calloc(1, sizeof(*plan));
	char err[256] = "";
	assert_true(live_config_load(&o, c, plan, err, sizeof(err)));
	assert_int_equal(plan->n, 2);
	assert_true(plan->inline_mode);
	assert_int_equal(plan->lanes[1].method, CAPTURE_NFQ);
	assert_int_equal(plan->lanes[1].queue, 7);
	assert_string_equal(plan->lanes[1].iface, "NFQ#7");
	assert_true(plan->lanes[0].fail_open);
	assert_int_equal(plan->lanes[0].batch, 8);
	config_free(c);
	c = yaml("nfq:\n  mode: repeat\n");
	assert_false(live_config_load(&o, c, plan, err, sizeof(err)));
	assert_non_null(strstr(err, "nfq.mode: repeat is not supported"));
	config_free(c);
	c = yaml("nfq:\n  batchcount: lots\n");
	assert_false(live_config_load(&o, c, plan, err, sizeof(err)));
	assert_non_null(strstr(err, "nfq.batchcount: bad value 'lots'"));
	config_free(c);
	c = yaml("stats:\n  enabled: yes\n"); /* no nfq: section: defaults */
	assert_true(live_config_load(&o, c, plan, err, sizeof(err)));
	assert_false(plan->lanes[0].fail_open);
	assert_int_equal(plan->lanes[0].batch, 20);
	config_free(c);
	free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_interfaces_each_own_lanes),
	    cmocka_unit_test(test_default_entry_consecutive_clusters),
	    cmocka_unit_test(test_copy_mode_refusals),
	    cmocka_unit_test(test_nfq_queues),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
