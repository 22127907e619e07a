/*
 * test_kw_app.c — application-layer sticky buffers (kw-app.c), app
 * protocols in rule headers, and the app-buffer prefilter: real request
 * and response bytes go through the flow, stream and app stages as in the
 * worker, then through detect_packet_ex(); the alerts of the whole flow
 * are collected and compared with the exact set expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app/app.h"
#include "util/config.h"
#include "test_detect_helpers.h"
#include "test_stream_util.h"

#define MAX_HITS 64

struct hits {
	uint32_t sid[MAX_HITS];
	uint32_t flags[MAX_HITS];
	uint64_t tx_id[MAX_HITS];
	bool toserver[MAX_HITS];
	unsigned n;
};

struct run {
	struct harness h;
	struct app_ctx *app;
	struct detect_engine *de;
	struct detect_thread *dt;
	struct flow *f;
	struct hits hits;
};

static void run_init(struct run *r, const char *rules, unsigned expect_loaded)
{
	memset(r, 0, sizeof(*r));
	struct stream_config sc;
	stream_config_defaults(&sc);
	sc.app_reader = true; /* as the worker sets it when the app layer runs */
	harness_init(&r->h, &sc);
	struct app_config ac;
	app_config_defaults(&ac);
	r->app = app_ctx_new(&ac);
	struct detect_load_stats st;
	r->de = th_engine(rules, &st);
	assert_non_null(r->de);
	assert_int_equal(st.loaded, expect_loaded);
	r->dt = detect_thread_new(r->de);
	assert_non_null(r->dt);
}

static void ignore_tx(void *arg, enum app_proto proto, const void *state, const void *tx,
		      uint64_t tx_id)
{
}

/* One packet through flow, stream, app and detection, as the worker does. */
static void run_packet(struct run *r, struct packet *p)
{
	struct flow *f = harness_send(&r->h, p);
	if (f != NULL)
		r->f = f;
	app_handle_packet(r->app, p);
	struct alert_queue q;
	detect_packet_ex(r->dt, p, &q, 0);
	app_inspect_done(p);
	app_log_ready(r->app, p->flow, false, ignore_tx, NULL);
	for (unsigned i = 0; i < q.count && r->hits.n < MAX_HITS; i++) {
		r->hits.sid[r->hits.n] = q.alerts[i].sid;
		r->hits.flags[r->hits.n] = q.alerts[i].flags;
		r->hits.tx_id[r->hits.n] = q.alerts[i].tx_id;
		r->hits.toserver[r->hits.n] = p->flow_toserver;
		r->hits.n++;
	}
}

static void run_free(struct run *r)
{
	if (r->f != NULL) {
		app_flow_free(r->f->app);
		r->f->app = NULL;
		detect_flow_free(r->f->detect);
		r->f->detect = NULL;
	}
	detect_thread_free(r->dt);
	detect_engine_free(r->de);
	app_ctx_free(r->app);
	harness_free(&r->h);
}

static unsigned count_sid(const struct hits *h, uint32_t sid)
{
	unsigned n = 0;
	for (unsigned i = 0; i < h->n; i++)
		n += h->sid[i] == sid;
	return n;
}

static int hit_index(const struct hits *h, uint32_t sid)
{
	for (unsigned i = 0; i < h->n; i++)
		if (h->sid[i] == sid)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------ HTTP */

static const char http_req[] = "GET /Index.php?q=evil HTTP/1.1\r\n"
			       "Host: WWW.Example.COM\r\n"
			       "User-Agent: BadBot/1.0\r\n"
			       "\r\n";
static const char http_resp[] = "HTTP/1.1 200 OK\r\n"
				"Server: nginx\r\n"
				"Content-Type: text/html\r\n"
				"Content-Length: 11\r\n"
				"\r\n"
				"hello world";

static void http_flow(struct run *r)
{
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1, SISN + 1, NULL);
	run_packet(r, &p);
	uint32_t qn = (uint32_t)strlen(http_req), rn = (uint32_t)strlen(http_resp);
	p = tcp_pkt(1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, http_req);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_ACK, SISN + 1, CISN + 1 + qn, NULL);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1 + qn, http_resp);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1 + qn, SISN + 1 + rn, NULL);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK | TCP_FIN, CISN + 1 + qn, SISN + 1 + rn, NULL);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_ACK | TCP_FIN, SISN + 1 + rn, CISN + 2 + qn, NULL);
	run_packet(r, &p);
}

static const char http_rules[] =
    "alert http any any -> any any (msg:\"uri\"; http.uri; content:\"/Index.php\"; sid:1;)\n"
    "alert http any any -> any any (msg:\"uri no\"; http.uri; content:\"/other\"; sid:2;)\n"
    "alert http any any -> any any (msg:\"method+host\"; http.method; content:\"GET\"; "
    "http.host; content:\"www.example.com\"; bsize:15; sid:3;)\n"
    "alert tcp any any -> any any (msg:\"ua\"; http.user_agent; content:\"BadBot\"; "
    "startswith; sid:4;)\n"
    "alert http any any -> any any (msg:\"stat\"; http.stat_code; content:\"200\"; sid:5;)\n"
    "alert http any any -> any any (msg:\"file\"; flow:to_client; file_data; "
    "content:\"world\"; sid:6;)\n"
    "alert http any any -> any any (msg:\"server\"; http.server; content:\"nginx\"; sid:7;)\n"
    "alert http any any -> any any (msg:\"names\"; http.header_names; "
    "content:\"|0d 0a|Host|0d 0a|\"; sid:8;)\n"
    "alert http any any -> any any (msg:\"xform\"; http.uri; to_lowercase; "
    "content:\"/index.php?q=evil\"; sid:9;)\n"
    "alert http any any -> any any (msg:\"xform no\"; http.uri; to_lowercase; "
    "content:\"/INDEX\"; sid:10;)\n"
    "alert dns any any -> any any (msg:\"wrong proto\"; dns.query; content:\"Index\"; sid:11;)\n"
    "alert tls any any -> any any (msg:\"wrong proto hdr\"; flow:established; sid:12;)\n"
    "alert http any any -> any any (msg:\"raw host\"; http.host.raw; content:\"WWW.Example\"; "
    "sid:13;)\n"
    "alert http any any -> any any (msg:\"ctype\"; http.content_type; content:\"text/html\"; "
    "sid:14;)\n"
    "alert http any any -> any any (msg:\"no fp\"; http.uri; pcre:\"/q=ev.l$/\"; sid:15;)\n"
    "alert http any any -> any any (msg:\"both dirs\"; http.header; content:\"nginx\"; "
    "sid:16;)\n"
    "alert http any any -> any any (msg:\"to_client uri\"; flow:to_server; http.protocol; "
    "content:\"HTTP/1.1\"; sid:17;)\n"
    "alert http any any -> any any (msg:\"urilen\"; urilen:17; sid:18;)\n"
    "alert http any any -> any any (msg:\"urilen no\"; urilen:>17,raw; sid:19;)\n";

static void test_http_buffers(void **state)
{
	struct run r;
	run_init(&r, http_rules, 19);
	http_flow(&r);
	assert_non_null(r.f);
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_HTTP);
	static const uint32_t yes[] = {1, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 18};
	static const uint32_t no[] = {2, 10, 11, 12, 19};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (count_sid(&r.hits, yes[i]) != 1)
			fprintf(stderr, "sid %u: %u alerts\n", yes[i], count_sid(&r.hits, yes[i]));
		assert_int_equal(count_sid(&r.hits, yes[i]), 1);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(count_sid(&r.hits, no[i]), 0);
	assert_int_equal(r.hits.n, sizeof(yes) / sizeof(yes[0]));
	/* request buffers alert on the request side, response ones on the response */
	int i = hit_index(&r.hits, 1);
	assert_true(r.hits.toserver[i]);
	assert_int_equal(r.hits.flags[i] & (ALERT_F_TX | ALERT_F_STATE_MATCH),
			 ALERT_F_TX | ALERT_F_STATE_MATCH);
	assert_int_equal(r.hits.tx_id[i], 0);
	i = hit_index(&r.hits, 5);
	assert_false(r.hits.toserver[i]);
	assert_true(r.hits.flags[i] & ALERT_F_TX);
	assert_false(r.hits.toserver[hit_index(&r.hits, 6)]);
	assert_false(r.hits.toserver[hit_index(&r.hits, 16)]);
	run_free(&r);
}

/* One request and its response; both sides then close, the client first
 * (its FIN acknowledges the whole response).  Returns the alerts seen
 * before the server's FIN. */
static unsigned http_exchange(struct run *r, const char *req, const char *resp)
{
	uint32_t qn = (uint32_t)strlen(req), rn = (uint32_t)strlen(resp);
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1, SISN + 1, NULL);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, req);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1 + qn, resp);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK | TCP_FIN, CISN + 1 + qn, SISN + 1 + rn, NULL);
	run_packet(r, &p);
	unsigned before = r->hits.n;
	p = tcp_pkt(0, TCP_ACK | TCP_FIN, SISN + 1 + rn, CISN + 2 + qn, NULL);
	run_packet(r, &p);
	return before;
}

/* A chunked body without its last empty line ends with the server's FIN,
 * which comes after the client acknowledged every byte: the FIN alone
 * must end the response so that file_data is inspected (http-evader). */
static void test_http_fin_ends_body(void **state)
{
	struct run r;
	run_init(&r, "alert http any any -> any any (file_data; content:\"hello\"; sid:1;)\n", 1);
	unsigned before = http_exchange(&r, "GET /f HTTP/1.1\r\nHost: a\r\n\r\n",
					"HTTP/1.1 200 OK\r\n"
					"Transfer-Encoding: chunked\r\n"
					"\r\n"
					"5\r\nhello\r\n"
					"0\n");
	assert_int_equal(before, 0); /* the body may go on */
	assert_int_equal(count_sid(&r.hits, 1), 1);
	assert_false(r.hits.toserver[0]);
	run_free(&r);
}

/* libhtp's default-config keys reach the HTTP parser: with three
 * decompression layers allowed, the third coding listed is undone. */
static void test_http_config(void **state)
{
	static const char prefix[] = "app-layer.protocols.http.libhtp.default-config.";
	static const char *const kv[][2] = {
	    {"response-body-decompress-layer-limit", "3"},
	    {"request-body-limit", "0"},
	    {"response-body-limit", "1mb"},
	};
	struct config_node *root = config_new();
	assert_non_null(root);
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		char key[128];
		snprintf(key, sizeof(key), "%s%s", prefix, kv[i][0]);
		assert_true(config_set(root, key, kv[i][1]));
	}
	struct app_config ac;
	app_config_defaults(&ac);
	assert_int_equal(ac.http_decompress_layers, 2);
	assert_int_equal(ac.http_response_body_limit, 100 * 1024);
	app_config_load(&ac, root);
	config_free(root);
	assert_int_equal(ac.http_decompress_layers, 3);
	assert_int_equal(ac.http_request_body_limit, UINT32_MAX);
	assert_int_equal(ac.http_response_body_limit, 1024 * 1024);

	static const char resp[] = "HTTP/1.1 200 OK\r\n"
				   "Content-Encoding: x, y, deflate\r\n"
				   "Content-Length: 13\r\n"
				   "\r\n"
				   "\xcb\x48\xcd\xc9\xc9\x57\x28\xcf\x2f\xca\x49\x01\x00";
	const char *rule = "alert http any any -> any any (file_data; content:\"world\"; sid:1;)\n";
	for (int layers = 2; layers <= 3; layers++) {
		struct run r;
		run_init(&r, rule, 1);
		app_ctx_free(r.app);
		ac.http_decompress_layers = (uint32_t)layers;
		r.app = app_ctx_new(&ac);
		http_exchange(&r, "GET /f HTTP/1.1\r\nHost: a\r\n\r\n", resp);
		assert_int_equal(count_sid(&r.hits, 1), layers == 3 ? 1 : 0);
		run_free(&r);
	}
}

/* ------------------------------------------------------------ DNS */

/* A DNS query for www.evil.example, type A. */
static uint32_t dns_query(uint8_t *out, uint16_t id)
{
	static const uint8_t hdr[] = {0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t name[] = "\x03"
				      "www\x04"
				      "evil\x07"
				      "example";
	uint32_t n = 0;
	out[n++] = (uint8_t)(id >> 8);
	out[n++] = (uint8_t)id;
	memcpy(out + n, hdr, sizeof(hdr));
	n += sizeof(hdr);
	memcpy(out + n, name, sizeof(name)); /* with its terminating root label */
	n += sizeof(name);
	out[n++] = 0x00;
	out[n++] = 0x01;
	out[n++] = 0x00;
	out[n++] = 0x01;
	return n;
}

static struct packet udp_pkt(int from_client, const uint8_t *data, uint32_t len)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.proto = 17;
	p.len = 42 + len;
	p.wire_len = p.len;
	struct ip_addr c, s;
	set_v4(&c, 0x0a000001u);
	set_v4(&s, 0x08080808u);
	p.src = from_client ? c : s;
	p.dst = from_client ? s : c;
	p.sp = from_client ? 40000 : 53;
	p.dp = from_client ? 53 : 40000;
	p.l4_hdr = l4_dummy;
	p.l4_len = 8 + len;
	p.payload = data;
	p.payload_len = len;
	return p;
}

static const char dns_rules[] =
    "alert dns any any -> any any (msg:\"q\"; dns.query; content:\"evil.example\"; sid:20;)\n"
    "alert dns any any -> any any (msg:\"dot\"; dns.query; dotprefix; content:\".evil.example\"; "
    "endswith; sid:21;)\n"
    "alert dns any any -> any any (msg:\"no\"; dns.query; content:\"good\"; sid:22;)\n"
    "alert udp any any -> any any (msg:\"alias\"; dns_query; content:\"www\"; depth:3; sid:23;)\n"
    "alert http any any -> any any (msg:\"proto\"; content:\"evil\"; sid:24;)\n"
    "alert dns any any -> any any (msg:\"dot no\"; dns.query; dotprefix; content:\".vil.example\"; "
    "endswith; sid:25;)\n";

static void test_dns_query(void **state)
{
	struct run r;
	run_init(&r, dns_rules, 6);
	uint8_t q[64];
	uint32_t n = dns_query(q, 0x1234);
	struct packet p = udp_pkt(1, q, n);
	run_packet(&r, &p);
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_DNS);
	assert_int_equal(count_sid(&r.hits, 20), 1);
	assert_int_equal(count_sid(&r.hits, 21), 1);
	assert_int_equal(count_sid(&r.hits, 23), 1);
	assert_int_equal(r.hits.n, 3);
	/* a second query on the flow is a second transaction */
	n = dns_query(q, 0x4321);
	p = udp_pkt(1, q, n);
	run_packet(&r, &p);
	assert_int_equal(count_sid(&r.hits, 20), 2);
	assert_int_equal(r.hits.tx_id[hit_index(&r.hits, 20)], 0);
	assert_int_equal(r.hits.tx_id[r.hits.n - 1], 1);
	assert_int_equal(r.hits.n, 6);
	run_free(&r);
}

/* ------------------------------------------------------------ TLS */

static uint32_t client_hello(uint8_t *out, const char *sni)
{
	uint32_t sl = (uint32_t)strlen(sni);
	uint8_t body[512];
	uint32_t n = 0;
	body[n++] = 0x03;
	body[n++] = 0x03;
	memset(body + n, 0x11, 32);
	n += 32;
	body[n++] = 0; /* session id */
	body[n++] = 0;
	body[n++] = 2;
	body[n++] = 0x00;
	body[n++] = 0x2f;
	body[n++] = 1;
	body[n++] = 0;
	uint32_t ext = 9 + sl;
	body[n++] = (uint8_t)(ext >> 8);
	body[n++] = (uint8_t)ext;
	body[n++] = 0;
	body[n++] = 0; /* server_name */
	body[n++] = (uint8_t)((5 + sl) >> 8);
	body[n++] = (uint8_t)(5 + sl);
	body[n++] = (uint8_t)((3 + sl) >> 8);
	body[n++] = (uint8_t)(3 + sl);
	body[n++] = 0;
	body[n++] = (uint8_t)(sl >> 8);
	body[n++] = (uint8_t)sl;
	memcpy(body + n, sni, sl);
	n += sl;
	uint32_t o = 0;
	out[o++] = 0x16;
	out[o++] = 0x03;
	out[o++] = 0x01;
	out[o++] = (uint8_t)((n + 4) >> 8);
	out[o++] = (uint8_t)(n + 4);
	out[o++] = 0x01;
	out[o++] = 0;
	out[o++] = (uint8_t)(n >> 8);
	out[o++] = (uint8_t)n;
	memcpy(out + o, body, n);
	return o + n;
}

static const char tls_rules[] =
    "alert tls any any -> any any (msg:\"sni\"; tls.sni; content:\"bad.example.org\"; "
    "bsize:15; sid:30;)\n"
    "alert tls any any -> any any (msg:\"sni alias\"; tls_sni; content:\"example\"; sid:31;)\n"
    "alert tls any any -> any any (msg:\"sni no\"; tls.sni; content:\"good\"; sid:32;)\n"
    "alert http any any -> any any (msg:\"other proto\"; flow:established; sid:33;)\n"
    "alert tls any any -> any any (msg:\"ja3\"; ja3.string; content:\"771,47,0\"; sid:34;)\n"
    "alert tls any any -> any any (msg:\"no cert\"; tls.cert_subject; content:\"CN=\"; sid:35;)\n";

static void test_tls_sni(void **state)
{
	struct run r;
	run_init(&r, tls_rules, 6);
	uint8_t hello[256];
	uint32_t n = client_hello(hello, "bad.example.org");
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	run_packet(&r, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	run_packet(&r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1, SISN + 1, NULL);
	run_packet(&r, &p);
	p = tcp_pkt_conn(0, 1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, hello, n);
	run_packet(&r, &p);
	p = tcp_pkt(0, TCP_ACK, SISN + 1, CISN + 1 + n, NULL);
	run_packet(&r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1 + n, SISN + 1, NULL);
	run_packet(&r, &p);
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_TLS);
	assert_int_equal(count_sid(&r.hits, 30), 1);
	assert_int_equal(count_sid(&r.hits, 31), 1);
	assert_int_equal(count_sid(&r.hits, 34), 1);
	assert_int_equal(r.hits.n, 3);
	run_free(&r);
}

/* ------------------------------------------------------------ parsing */

static void test_parse(void **state)
{
	/* loads */
	assert_int_equal(th_parse_result("alert http any any -> any any (http.uri; content:\"a\"; "
					 "sid:1;)"),
			 1);
	assert_int_equal(th_parse_result("alert ssl any any -> any any (tls.sni; content:\"a\"; "
					 "sid:1;)"),
			 1);
	/* other app protocols stay skipped */
	assert_int_equal(th_parse_result("alert smtp any any -> any any (sid:1;)"), -1);
	/* a buffer of another protocol than the header's fails */
	assert_int_equal(th_parse_result("alert dns any any -> any any (http.uri; content:\"a\"; "
					 "sid:1;)"),
			 0);
	/* request and response buffers in one rule */
	assert_int_equal(th_parse_result("alert http any any -> any any (http.uri; content:\"a\"; "
					 "http.stat_code; content:\"200\"; sid:1;)"),
			 0);
	assert_int_equal(th_parse_result("alert http any any -> any any (flow:to_client; "
					 "http.uri; content:\"a\"; sid:1;)"),
			 0);
	/* app buffers are TCP (http, tls) */
	assert_int_equal(th_parse_result("alert udp any any -> any any (http.uri; content:\"a\"; "
					 "sid:1;)"),
			 0);
	/* implied direction */
	struct detect_engine *de = th_parse_engine();
	struct parse_ctx pc;
	struct rule *r = th_parse(
	    de, &pc, "alert http any any -> any any (http.method; content:\"GET\"; sid:1;)");
	assert_non_null(r);
	assert_true(r->flags & RF_TOSERVER);
	assert_true(r->flags & RF_APP_BUF);
	assert_false(r->flags & RF_STREAM);
	rule_free(r);
	r = th_parse(de, &pc, "alert http any any -> any any (file.data; content:\"x\"; sid:1;)");
	assert_non_null(r);
	assert_false(r->flags & (RF_TOSERVER | RF_TOCLIENT));
	rule_free(r);
	free(pc.unsupported);
	detect_engine_free(de);
}

/* A packet of no app flow never runs app-buffer rules (they are not candidates). */
static void test_prefilter_no_tx(void **state)
{
	struct detect_load_stats st;
	struct detect_engine *de =
	    th_engine("alert http any any -> any any (http.uri; pcre:\"/./\"; sid:1;)\n"
		      "alert tcp any any -> any any (content:\"abc\"; sid:2;)\n",
		      &st);
	assert_int_equal(st.loaded, 2);
	struct packet p;
	th_packet(&p, 6, 1234, 80, "xxabcxx", 7);
	struct det_thread *dt = (struct det_thread *)detect_thread_new(de);
	prefilter_run(dt, &p);
	assert_int_equal(dt->ncand, 1);
	assert_int_equal(de->rules[dt->cand[0]]->sid, 2);
	detect_thread_free((struct detect_thread *)dt);
	detect_engine_free(de);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_http_buffers),    cmocka_unit_test(test_dns_query),
	    cmocka_unit_test(test_tls_sni),	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_prefilter_no_tx), cmocka_unit_test(test_http_fin_ends_body),
	    cmocka_unit_test(test_http_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
