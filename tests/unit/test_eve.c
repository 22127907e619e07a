/* Tests for the EVE output: common header, flow, anomaly and alert events,
 * batching into whole lines, and the eve-log config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/tls.h"
#include "detect/detect.h"
#include "output/eve.h"
#include "util/config.h"
#include "util/exception-policy.h"

struct fixture {
	char path[64];
	struct eve_file *file;
	struct eve_logger *log;
	struct eve_config cfg;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	strcpy(fx->path, "/tmp/vigil-test-eve-XXXXXX");
	int fd = mkstemp(fx->path);
	close(fd);
	char err[256];
	fx->file = eve_file_open(fx->path, err, sizeof(err));
	eve_config_defaults(&fx->cfg);
	fx->cfg.anomaly_decode = true;
	fx->cfg.alert_payload_printable = true;
	fx->cfg.alert_payload = true;
	fx->log = eve_logger_new(fx->file, &fx->cfg, NULL, NULL);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	eve_logger_free(fx->log);
	eve_file_close(fx->file);
	unlink(fx->path);
	free(fx);
	return 0;
}

/* Flushes and returns the file's content (caller frees). */
static char *slurp(struct fixture *fx)
{
	eve_logger_flush(fx->log);
	FILE *f = fopen(fx->path, "rb");
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

static void tuple(struct packet *p)
{
	memset(p, 0, sizeof(*p));
	p->ip_version = 4;
	p->src.family = p->dst.family = 4;
	memcpy(p->src.bytes, "\x0a\x00\x00\x01", 4);
	memcpy(p->dst.bytes, "\xc0\x00\x02\x07", 4);
	p->proto = 6;
	p->sp = 40000;
	p->dp = 80;
	p->ts_sec = 1700000000;
	p->ts_usec = 42;
	p->pcap_cnt = 7;
}

static void test_time_format(void **state)
{
	(void)state;
	char ts[40];
	setenv("TZ", "UTC", 1);
	tzset();
	eve_format_time(1700000000, 42, ts);
	assert_string_equal(ts, "2023-11-14T22:13:20.000042+0000");
}

static void test_flow_event(void **state)
{
	struct fixture *fx = *state;
	setenv("TZ", "UTC", 1);
	tzset();
	struct flow f;
	memset(&f, 0, sizeof(f));
	struct packet p;
	tuple(&p);
	f.src = p.src;
	f.dst = p.dst;
	f.sp = 40000;
	f.dp = 80;
	f.proto = 6;
	f.flow_id = 12345;
	f.start_sec = 1700000000;
	f.last_sec = 1700000003;
	f.pkts_toserver = 3;
	f.bytes_toserver = 200;
	f.tcp_flags_ts = TCP_SYN | TCP_ACK;
	f.tcp_flags_tc = TCP_SYN | TCP_ACK | TCP_FIN;
	f.tcp_state = TCP_STATE_CLOSED;
	f.state = FLOW_STATE_CLOSED;
	eve_log_flow(fx->log, &f, FLOW_END_SHUTDOWN, 1700000009, 0);
	char *out = slurp(fx);
	assert_string_equal(
		out, "{\"timestamp\":\"2023-11-14T22:13:29.000000+0000\",\"flow_id\":12345,"
		     "\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\",\"src_port\":40000,"
		     "\"dest_ip\":\"192.0.2.7\",\"dest_port\":80,\"ip_v\":4,\"proto\":\"TCP\","
		     "\"flow\":{\"pkts_toserver\":3,\"pkts_toclient\":0,\"bytes_toserver\":200,"
		     "\"bytes_toclient\":0,\"start\":\"2023-11-14T22:13:20.000000+0000\","
		     "\"end\":\"2023-11-14T22:13:23.000000+0000\",\"age\":3,\"state\":\"closed\","
		     "\"reason\":\"shutdown\",\"alerted\":false},"
		     "\"tcp\":{\"tcp_flags\":\"13\",\"tcp_flags_ts\":\"12\",\"tcp_flags_tc\":\"13\","
		     "\"syn\":true,\"fin\":true,\"ack\":true,\"state\":\"closed\"}}\n");
	free(out);
}

/* A flow that met an exception policy names target and policy (Suricata
 * 8's output-json-flow.c); a bypassed flow says so. */
static void test_flow_event_exception_policy(void **state)
{
	struct fixture *fx = *state;
	eve_logger_free(fx->log);
	fx->cfg.exception_policy[exception_target_index(EXC_TARGET_MIDSTREAM)] =
	    EXC_POLICY_PASS_FLOW;
	fx->log = eve_logger_new(fx->file, &fx->cfg, NULL, NULL);
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.proto = 17;
	f.src.family = f.dst.family = 4;
	f.exception_targets = EXC_TARGET_MIDSTREAM;
	f.bypassed = true;
	f.action = FLOW_ACTION_PASS;
	eve_log_flow(fx->log, &f, FLOW_END_TIMEOUT, 1700000009, 0);
	char *out = slurp(fx);
	assert_non_null(strstr(out, "\"state\":\"bypassed\",\"bypass\":\"local\""));
	assert_non_null(strstr(out, "\"action\":\"pass\",\"exception_policy\":[{\"target\":"
				    "\"stream_midstream\",\"policy\":\"pass_flow\"}]"));
	free(out);
}

/* drop.reason: a rule, a rate_filter's new action, a flow drop, an
 * exception policy. */
static void test_drop_reasons(void **state)
{
	struct fixture *fx = *state;
	eve_logger_free(fx->log);
	fx->cfg.types[EVE_T_DROP] = true;
	fx->log = eve_logger_new(fx->file, &fx->cfg, NULL, NULL);
	struct packet p;
	tuple(&p);
	struct alert a;
	memset(&a, 0, sizeof(a));
	a.action = DETECT_ACTION_DROP;
	a.msg = a.category = "";
	eve_log_drop(fx->log, &p, &a, true);
	a.flags = ALERT_F_RATE_FILTER;
	eve_log_drop(fx->log, &p, &a, true);
	eve_log_drop(fx->log, &p, NULL, true);
	eve_log_drop_exception(fx->log, &p, EXC_TARGET_MIDSTREAM);
	char *out = slurp(fx);
	const char *want[] = {"\"reason\":\"rules\"", "\"reason\":\"threshold detection_filter\"",
			      "\"reason\":\"flow drop\"", "\"reason\":\"stream midstream\""};
	const char *at = out;
	for (int i = 0; i < 4; i++) {
		at = strstr(at, want[i]);
		assert_non_null(at);
	}
	free(out);
}

/* X-Forwarded-For chains as Suricata's app-layer-htp-xff.c reads them. */
static void xff_is(const char *chain, bool reverse, const char *want)
{
	char out[EVE_XFF_LEN];
	bool ok = eve_xff_parse((const uint8_t *)chain, strlen(chain), reverse, out);
	if (want == NULL) {
		assert_false(ok);
		return;
	}
	assert_true(ok);
	assert_string_equal(out, want);
}

static void test_xff_chains(void **state)
{
	(void)state;
	xff_is("10.1.1.1, 10.2.2.2, 10.3.3.3", true, "10.3.3.3");
	xff_is("10.1.1.1, 10.2.2.2, 10.3.3.3", false, "10.1.1.1");
	xff_is("10.1.1.1:8080", true, "10.1.1.1");
	xff_is("[2001:db8::7]:443, 10.0.0.1", false, "2001:db8::7");
	xff_is("proxy, 2001:db8::9", true, "2001:db8::9");
	xff_is("unknown, 10.9.9.9", false, NULL);	  /* the first is no address */
	xff_is("10.1.1.1,10.2.2.2", true, NULL);	  /* reverse splits on spaces only */
	xff_is("1.2.3", true, NULL);			  /* shorter than 7 */
	xff_is("300.1.1.1, 10.0.0.1", false, NULL);
}

static void test_anomaly_events_keep_duplicates(void **state)
{
	struct fixture *fx = *state;
	struct packet p;
	tuple(&p);
	p.events[0] = DECODE_EV_IPV4_OPT_INVALID_LEN;
	p.events[1] = DECODE_EV_IPV4_OPT_INVALID_LEN;
	p.event_count = 2;
	eve_log_anomalies(fx->log, &p);
	char *out = slurp(fx);
	const char *needle = "\"anomaly\":{\"type\":\"decode\",\"event\":\"decoder.ipv4.opt_invalid_len\"}";
	char *first = strstr(out, needle);
	assert_non_null(first);
	assert_non_null(strstr(first + 1, needle));
	assert_non_null(strstr(out, "\"pcap_cnt\":7,\"event_type\":\"anomaly\""));
	assert_non_null(strstr(out, "\"pkt_src\":\"wire/pcap\""));
	free(out);
}

static void test_alert_event(void **state)
{
	struct fixture *fx = *state;
	struct packet p;
	tuple(&p);
	const uint8_t payload[] = "GET /\r\n\x01\xff";
	p.payload = payload;
	p.payload_len = sizeof(payload) - 1;
	static const char *const md[] = {"created_at 2020_01_01", "tag a", "tag b"};
	struct alert_queue q;
	memset(&q, 0, sizeof(q));
	q.count = 1;
	q.alerts[0] = (struct alert){.action = DETECT_ACTION_ALERT, .gid = 1, .sid = 99, .rev = 2,
				     .priority = 3, .msg = "test \"rule\"", .category = "Misc activity",
				     .metadata = md, .metadata_count = 3};
	eve_log_alerts(fx->log, &p, &q, false);
	char *out = slurp(fx);
	assert_non_null(strstr(out, "\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":99,"
				    "\"rev\":2,\"signature\":\"test \\\"rule\\\"\",\"category\":\"Misc "
				    "activity\",\"severity\":3,\"metadata\":{\"created_at\":[\"2020_01_01\"],"
				    "\"tag\":[\"a\",\"b\"]}}"));
	assert_non_null(strstr(out, "\"payload_printable\":\"GET /\\r\\n..\""));
	assert_non_null(strstr(out, "\"payload\":\"R0VUIC8NCgH/\""));
	free(out);
}

static void test_batch_keeps_lines_whole(void **state)
{
	struct fixture *fx = *state;
	struct packet p;
	tuple(&p);
	p.events[0] = DECODE_EV_IPV4_TRUNC_PKT;
	p.event_count = 1;
	for (int i = 0; i < 5000; i++)
		eve_log_anomalies(fx->log, &p);
	eve_logger_flush(fx->log);
	FILE *f = fopen(fx->path, "rb");
	char line[2048];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		assert_int_equal(line[0], '{');
		assert_non_null(strstr(line, "}\n"));
		n++;
	}
	fclose(f);
	assert_int_equal(n, 5000);
	assert_int_equal(eve_file_events(fx->file), 5000);
}

static void test_config_types(void **state)
{
	(void)state;
	char err[256];
	struct config_node *c = config_new();
	assert_true(config_load_string(c,
				       "outputs:\n  - eve-log:\n      filename: x.json\n      ethernet: yes\n"
				       "      types:\n        - alert:\n            packet: yes\n"
				       "        - anomaly:\n            types:\n              decode: yes\n"
				       "        - files:\n            force-magic: yes\n"
				       "            force-hash: [sha256, md5]\n"
				       "        - tls:\n            extended: yes\n"
				       "            custom: [sni, subjectaltname, nonsense]\n",
				       err, sizeof(err)));
	struct eve_config ec;
	eve_config_defaults(&ec);
	assert_true(ec.types[EVE_T_FLOW]);
	assert_false(ec.anomaly_decode);
	assert_false(ec.files_force_magic);
	assert_int_equal(ec.app_opts[APP_PROTO_TLS], TLS_LOG_EXTENDED);
	eve_config_load(&ec, c);
	assert_string_equal(ec.filename, "x.json");
	assert_true(ec.ethernet);
	assert_true(ec.types[EVE_T_ALERT]);
	assert_true(ec.alert_packet);
	assert_true(ec.types[EVE_T_ANOMALY]);
	assert_true(ec.anomaly_decode);
	assert_false(ec.types[EVE_T_FLOW]);
	assert_true(ec.files_force_magic);
	/* custom wins over extended; unknown names are dropped */
	assert_int_equal(ec.app_opts[APP_PROTO_TLS], TLS_F_SNI | TLS_F_SUBJECTALTNAME);
	assert_int_equal(ec.files_force_hash, 1 | 4); /* md5, sha256 */
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_xff_chains),
		cmocka_unit_test_setup_teardown(test_flow_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_event_exception_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_reasons, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anomaly_events_keep_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_keeps_lines_whole, setup, teardown),
		cmocka_unit_test(test_config_types),
	};
	return cmocka_run_group_tests_name("eve", tests, NULL, NULL);
}
