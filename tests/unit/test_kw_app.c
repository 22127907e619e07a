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

#include "test_app_run.h"
#include "app/http.h"
#include "util/config.h"

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

static void run_http_flow(struct run *r, const char *req, const char *resp);

static void http_flow(struct run *r)
{
	run_http_flow(r, http_req, http_resp);
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

/* Legacy content modifiers and pcre buffer flags select the same buffers. */
static const char http_legacy_rules[] =
    "alert http any any -> any any (content:\"/Index.php\"; http_uri; sid:40;)\n"
    "alert http any any -> any any (content:\"GET\"; http_method; content:\"evil\"; http_uri; "
    "sid:41;)\n"
    "alert http any any -> any any (uricontent:\"q=\"; content:\"evil\"; http_uri; within:4; "
    "sid:42;)\n"
    "alert http any any -> any any (uricontent:\"q=\"; content:\"evil\"; http_uri; distance:1; "
    "sid:43;)\n"
    "alert http any any -> any any (content:\"badbot\"; nocase; http_user_agent; sid:44;)\n"
    "alert http any any -> any any (content:\"www.example.com\"; http_host; sid:45;)\n"
    "alert http any any -> any any (content:\"WWW.Example\"; http_raw_host; sid:46;)\n"
    "alert http any any -> any any (content:\"200\"; http_stat_code; content:\"OK\"; "
    "http_stat_msg; sid:47;)\n"
    "alert http any any -> any any (content:\"world\"; http_server_body; sid:48;)\n"
    "alert http any any -> any any (content:\"Server|3a| nginx\"; http_header; sid:49;)\n"
    "alert http any any -> any any (content:\"Index\"; http_raw_uri; sid:50;)\n"
    "alert http any any -> any any (pcre:/q=ev.l$/U; sid:51;)\n"
    "alert http any any -> any any (pcre:\"/^badbot/Vi\"; sid:52;)\n"
    "alert http any any -> any any (pcre:\"/^www\\.example\\.com$/W\"; sid:53;)\n"
    "alert http any any -> any any (pcre:\"/^2\\d\\d$/S\"; pcre:\"/^OK$/Y\"; sid:54;)\n"
    "alert http any any -> any any (pcre:\"/world$/Q\"; sid:55;)\n"
    "alert http any any -> any any (pcre:\"/^GET$/M\"; sid:56;)\n"
    "alert http any any -> any any (pcre:\"/nginx/H\"; sid:57;)\n"
    "alert http any any -> any any (http_request_line; content:\"GET /Index.php\"; sid:58;)\n"
    "alert http any any -> any any (content:\"/Index.php\"; http_method; sid:59;)\n"
    "alert http any any -> any any (pcre:\"/POST/M\"; sid:60;)\n"
    "alert http any any -> any any (http.request_header; content:\"User-Agent: BadBot/1.0\"; "
    "startswith; endswith; sid:61;)\n"
    "alert http any any -> any any (http.response_header; content:\"Server: nginx\"; "
    "bsize:13; sid:62;)\n"
    "alert http any any -> any any (http.request_header; content:\"Server\"; sid:63;)\n";

/* Transactional rules ("=>", Suricata 8's rules/intro): directional from
 * the client's side, keywords of the request and of the response of one
 * transaction, one alert once both sides are there. */
static const char tx_both_rules[] =
    "alert http any any => any any (msg:\"uri+stat\"; http.uri; content:\"/Index.php\"; "
    "http.stat_code; content:\"200\"; sid:1;)\n"
    "alert http any any => any any (msg:\"stat+uri, fp on the response\"; http.stat_code; "
    "content:\"200\"; fast_pattern; http.user_agent; content:\"BadBot\"; sid:2;)\n"
    "alert http any any => any any (msg:\"wrong stat\"; http.uri; content:\"/Index.php\"; "
    "http.stat_code; content:\"404\"; sid:3;)\n"
    "alert http any any => any 80 (msg:\"server port\"; http.method; content:\"GET\"; "
    "http.server; content:\"nginx\"; sid:4;)\n"
    "alert http any 80 => any any (msg:\"reversed ports\"; http.method; content:\"GET\"; "
    "http.server; content:\"nginx\"; sid:5;)\n";

static void test_tx_both_rules(void **state)
{
	(void)state;
	struct run r;
	run_init(&r, tx_both_rules, 5);
	http_flow(&r);
	assert_int_equal(count_sid(&r.hits, 1), 1);
	assert_int_equal(count_sid(&r.hits, 2), 1);
	assert_int_equal(count_sid(&r.hits, 3), 0);
	assert_int_equal(count_sid(&r.hits, 4), 1);
	assert_int_equal(count_sid(&r.hits, 5), 0);
	run_free(&r);
	/* "=>" without transaction keywords is refused */
	assert_int_equal(th_parse_result("alert http any any => any any (content:\"x\"; sid:9;)"),
			 0);
}

static void test_http_legacy(void **state)
{
	struct run r;
	run_init(&r, http_legacy_rules, 24);
	http_flow(&r);
	static const uint32_t yes[] = {40, 41, 42, 44, 45, 46, 47, 48, 49, 50,
				       51, 52, 53, 54, 55, 56, 57, 58, 61, 62};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (count_sid(&r.hits, yes[i]) != 1)
			fprintf(stderr, "sid %u: %u alerts\n", yes[i], count_sid(&r.hits, yes[i]));
		assert_int_equal(count_sid(&r.hits, yes[i]), 1);
	}
	assert_int_equal(r.hits.n, sizeof(yes) / sizeof(yes[0]));
	assert_true(r.hits.toserver[hit_index(&r.hits, 40)]);
	assert_false(r.hits.toserver[hit_index(&r.hits, 47)]);
	run_free(&r);
}

/* How the modifiers arrange a rule's lists. */
static void test_legacy_parse(void **state)
{
	struct detect_engine *de = th_parse_engine();
	struct parse_ctx pc;
	/* the payload list is dropped once empty; the sticky buffer stays unset */
	struct rule *r = th_parse(
	    de, &pc, "alert http any any -> any any (content:\"a\"; http_uri; nocase; sid:1;)");
	assert_non_null(r);
	assert_int_equal(r->nbufs, 1);
	assert_int_equal(r->bufs[0].buf_id, buffer_lookup("http.uri"));
	assert_int_equal(r->cur_buf, -1);
	assert_true(r->flags & RF_TOSERVER);
	rule_free(r);
	/* relative to the previous content of the same buffer */
	r = th_parse(de, &pc,
		     "alert http any any -> any any (content:\"a\"; http_uri; content:\"x\"; "
		     "content:\"b\"; distance:0; http_uri; sid:1;)");
	assert_non_null(r);
	const struct rule_buffer *u = rule_get_buffer(r, buffer_lookup("http.uri"), false);
	assert_int_equal(u->sms.n, 2);
	assert_true(u->sms.v[1].relative);
	assert_int_equal(rule_get_buffer(r, BUF_PKT, false)->sms.n, 1);
	rule_free(r);
	free(pc.unsupported);
	detect_engine_free(de);
	static const char *const bad[] = {
	    "http_uri;",			     /* no content */
	    "content:\"a\"; http_uri; http_uri;",    /* nothing left in the payload */
	    "content:\"a\"; rawbytes; http_uri;",    /* rawbytes */
	    "http.uri; content:\"a\"; http_header;", /* sticky buffer set */
	    "http.host; uricontent:\"a\";",	     /* sticky buffer set */
	    "content:\"a\"; http_uri:1;",	     /* takes no value */
	    "content:\"a\"; http_uri; content:\"b\"; http_stat_code;", /* both directions */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char rule[256];
		snprintf(rule, sizeof(rule), "alert http any any -> any any (%s sid:1;)", bad[i]);
		if (th_parse_result(rule) != 0)
			fprintf(stderr, "accepted: %s\n", rule);
		assert_int_equal(th_parse_result(rule), 0);
	}
	/* pkt_data resets the sticky buffer for a modifier */
	assert_int_equal(th_parse_result("alert http any any -> any any (http.uri; content:\"a\"; "
					 "pkt_data; content:\"b\"; http_header; sid:1;)"),
			 1);
	assert_int_equal(th_parse_result("alert udp any any -> any any (content:\"a\"; http_uri; "
					 "sid:1;)"),
			 0);
}

/* One request and its response; both sides then close, the client first
 * (its FIN acknowledges the whole response), the client's last ACK closes
 * the session, and the flow ends.  Returns the alerts seen before the
 * server's FIN. */
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
	p = tcp_pkt(1, TCP_ACK, CISN + 2 + qn, SISN + 2 + rn, NULL);
	run_packet(r, &p);
	run_flow_end(r);
	return before;
}

/* A chunked body without its last empty line ends with the connection,
 * after the client acknowledged every byte: the close alone must end the
 * response so that file_data is inspected (http-evader). */
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
	assert_null(app_config_proto(&ac, APP_PROTO_HTTP)); /* the parser's defaults */
	app_config_load(&ac, root);
	config_free(root);
	struct http_config *hc = (struct http_config *)app_config_proto(&ac, APP_PROTO_HTTP);
	assert_non_null(hc);
	assert_int_equal(hc->decompress_layers, 3);
	assert_int_equal(hc->request_body_limit, UINT32_MAX);
	assert_int_equal(hc->response_body_limit, 1024 * 1024);

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
		hc->decompress_layers = (uint32_t)layers;
		r.app = app_ctx_new(&ac);
		http_exchange(&r, "GET /f HTTP/1.1\r\nHost: a\r\n\r\n", resp);
		assert_int_equal(count_sid(&r.hits, 1), layers == 3 ? 1 : 0);
		run_free(&r);
	}
	app_config_free(&ac);
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

/* A response to dns_query(): NXDOMAIN (rcode 3) with one A answer for the
 * query name (a compression pointer to it) and one SOA-less authority. */
static uint32_t dns_response(uint8_t *out, uint16_t id, uint8_t rcode)
{
	uint32_t n = dns_query(out, id);
	out[2] = 0x81;
	out[3] = (uint8_t)(0x80 | rcode);
	out[7] = 1; /* ancount */
	static const uint8_t answer[] = {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
					 0x00, 0x3c, 0x00, 0x04, 0x0a, 0x00, 0x00, 0x01};
	memcpy(out + n, answer, sizeof(answer));
	return n + (uint32_t)sizeof(answer);
}

static const char dns_kw_rules[] =
    "alert dns any any -> any any (msg:\"opcode\"; dns.opcode:0; sid:60;)\n"
    "alert dns any any -> any any (msg:\"opcode not\"; dns.opcode:!0; sid:61;)\n"
    "alert dns any any -> any any (msg:\"rcode\"; dns.rcode:NXDOMAIN; sid:62;)\n"
    "alert dns any any -> any any (msg:\"rcode range\"; dns.rcode:2-4; flow:to_server; sid:63;)\n"
    "alert dns any any -> any any (msg:\"rrtype\"; dns.rrtype:A; sid:64;)\n"
    "alert dns any any -> any any (msg:\"rrtype not\"; dns.rrtype:!1; sid:65;)\n"
    "alert dns any any -> any any (msg:\"queries\"; dns.queries.rrname; content:\"evil\"; "
    "sid:66;)\n"
    "alert dns any any -> any any (msg:\"answers\"; dns.answers.rrname; "
    "content:\"www.evil.example\"; bsize:16; sid:67;)\n"
    "alert dns any any -> any any (msg:\"response\"; dns.response.rrname; content:\"evil\"; "
    "sid:68;)\n"
    "alert dns any any -> any any (msg:\"authorities\"; dns.authorities.rrname; "
    "content:\"evil\"; sid:69;)\n"
    "alert dns any any -> any any (msg:\"both\"; dns.rcode:3; dns.queries.rrname; "
    "content:\"www\"; sid:70;)\n";

static void test_dns_keywords(void **state)
{
	struct run r;
	run_init(&r, dns_kw_rules, 11);
	uint8_t m[96];
	uint32_t n = dns_query(m, 0x1234);
	struct packet p = udp_pkt(1, m, n);
	run_packet(&r, &p);
	/* the request: opcode 0, rcode 0, one A query */
	assert_int_equal(count_sid(&r.hits, 60), 1);
	assert_int_equal(count_sid(&r.hits, 64), 1);
	assert_int_equal(count_sid(&r.hits, 66), 1);
	assert_int_equal(r.hits.n, 3);
	n = dns_response(m, 0x1234, 3);
	p = udp_pkt(0, m, n);
	run_packet(&r, &p);
	static const uint32_t resp[] = {60, 62, 64, 66, 67, 68, 70};
	for (size_t i = 0; i < sizeof(resp) / sizeof(resp[0]); i++) {
		int k = -1;
		for (unsigned j = 3; j < r.hits.n; j++)
			if (r.hits.sid[j] == resp[i])
				k = (int)j;
		if (k < 0)
			fprintf(stderr, "sid %u did not alert on the response\n", resp[i]);
		assert_true(k >= 0);
		assert_false(r.hits.toserver[k]);
		assert_int_equal(r.hits.tx_id[k], 1);
	}
	assert_int_equal(r.hits.n, 3 + sizeof(resp) / sizeof(resp[0]));
	run_free(&r);

	static const char *const bad[] = {
	    "dns.opcode:256;", "dns.opcode:abc;",   "dns.opcode:!;",   "dns.rcode:NOSUCH;",
	    "dns.rrtype:;",    "dns.rrtype:70000;", "dns.rcode:5<>2;",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char rule[256];
		snprintf(rule, sizeof(rule), "alert dns any any -> any any (%s sid:1;)", bad[i]);
		assert_int_equal(th_parse_result(rule), 0);
	}
	/* a DNS keyword in an http rule, or with another protocol's keyword */
	assert_int_equal(th_parse_result("alert http any any -> any any (dns.opcode:1; sid:1;)"),
			 0);
	assert_int_equal(
	    th_parse_result(
		"alert ip any any -> any any (dns.opcode:1; tls.subject:\"CN=a\"; sid:1;)"),
	    0);
	assert_int_equal(th_parse_result("alert udp any any -> any any (dns.rrtype:MX; sid:1;)"),
			 1);
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

/* A handshake, then a ClientHello naming `sni`, acknowledged both ways. */
static void run_client_hello(struct run *r, const char *sni)
{
	uint8_t hello[256];
	uint32_t n = client_hello(hello, sni);
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1, SISN + 1, NULL);
	run_packet(r, &p);
	p = tcp_pkt_conn(0, 1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, hello, n);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_ACK, SISN + 1, CISN + 1 + n, NULL);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1 + n, SISN + 1, NULL);
	run_packet(r, &p);
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
	run_client_hello(&r, "bad.example.org");
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_TLS);
	assert_int_equal(count_sid(&r.hits, 30), 1);
	assert_int_equal(count_sid(&r.hits, 31), 1);
	assert_int_equal(count_sid(&r.hits, 34), 1);
	assert_int_equal(r.hits.n, 3);
	run_free(&r);
}

static const char tls_kw_rules[] =
    "alert tls any any -> any any (msg:\"random\"; flow:to_server; tls.random; "
    "content:\"|11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11|\"; bsize:32; sid:80;)\n"
    "alert tls any any -> any any (msg:\"time\"; tls.random_time; content:\"|11 11 11 11|\"; "
    "bsize:4; sid:81;)\n"
    "alert tls any any -> any any (msg:\"bytes\"; tls.random_bytes; content:\"|11 11|\"; "
    "bsize:28; sid:82;)\n"
    "alert tls any any -> any any (msg:\"san\"; tls.subjectaltname; content:\"bad\"; sid:83;)\n"
    "alert tls any any -> any any (msg:\"subject\"; tls.subject:\"CN=bad\"; sid:84;)\n"
    "alert tls any any -> any any (msg:\"not subject\"; tls.subject:!\"CN=bad\"; sid:85;)\n";

/* A ClientHello: the client random is there; no certificate is. */
static void test_tls_keywords(void **state)
{
	struct run r;
	run_init(&r, tls_kw_rules, 6);
	run_client_hello(&r, "bad.example.org");
	assert_int_equal(count_sid(&r.hits, 80), 1);
	assert_int_equal(count_sid(&r.hits, 81), 1);
	assert_int_equal(count_sid(&r.hits, 82), 1);
	assert_int_equal(r.hits.n, 3);
	run_free(&r);

	static const char *const bad[] = {
	    "tls.subject:CN=bad;",		     /* quotes are mandatory */
	    "tls.subject:\"CN=b/d\";",		     /* '/' is not allowed */
	    "tls.issuerdn:\"\";",		     /* empty */
	    "tls.fingerprint:\"zz;yy\";",	     /* ';' is not allowed */
	    "tls.subject:\"CN=a; sid:1;",	     /* unbalanced */
	    "flow:to_server; tls.subject:\"CN=a\";", /* the certificate is the server's */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char rule[256];
		snprintf(rule, sizeof(rule), "alert tls any any -> any any (%s sid:1;)", bad[i]);
		if (th_parse_result(rule) != 0)
			fprintf(stderr, "accepted: %s\n", rule);
		assert_int_equal(th_parse_result(rule), 0);
	}
	assert_int_equal(th_parse_result("alert tls any any -> any any (tls.fingerprint:"
					 "\"8d:97:ab\"; tls.issuerdn:!\"O=Evil, CN=*\"; sid:1;)"),
			 1);
	assert_int_equal(th_parse_result("alert dns any any -> any any (tls.random; "
					 "content:\"a\"; sid:1;)"),
			 0);
}

/* ------------------------------------------------------------ app-layer-protocol / -event */

static const char applayer_rules[] =
    "alert tcp any any -> any any (app-layer-protocol:http; flow:to_client; flags:PA; sid:90;)\n"
    "alert tcp any any -> any any (app-layer-protocol:!http; flags:PA; sid:91;)\n"
    "alert tcp any any -> any any (app-layer-protocol:tls,either; flags:PA; sid:92;)\n"
    "alert tcp any any -> any any (app-layer-protocol:!tls,final; flags:PA; sid:93;)\n"
    "alert tcp any any -> any any (app-layer-protocol:failed; flags:PA; sid:94;)\n"
    "alert http any any -> any any (app-layer-event:http.missing_host_header; flow:to_server; "
    "sid:95;)\n"
    "alert tcp any any -> any any (app-layer-event:http.request_field_too_long; sid:96;)\n"
    "alert http any any -> any any (app-layer-event:http.missing_host_header; flow:to_client; "
    "sid:97;)\n";

static void test_applayer_keywords(void **state)
{
	struct run r;
	run_init(&r, applayer_rules, 8);
	run_http_flow(&r,
		      "GET / HTTP/1.1\r\n"
		      "User-Agent: x\r\n"
		      "\r\n",
		      http_resp);
	/* the protocol is known once the request reached the parser (when the
	 * server acknowledged it): the response is the first PA packet after */
	assert_int_equal(count_sid(&r.hits, 90), 1);
	assert_int_equal(count_sid(&r.hits, 93), 1);
	/* the event is the transaction's: both sides see it */
	assert_int_equal(count_sid(&r.hits, 95), 1);
	assert_true(r.hits.toserver[hit_index(&r.hits, 95)]);
	assert_true(r.hits.flags[hit_index(&r.hits, 95)] & ALERT_F_TX);
	assert_int_equal(count_sid(&r.hits, 97), 1);
	assert_int_equal(r.hits.n, 4);
	run_free(&r);

	/* a DNS query with the Z flag set */
	run_init(&r, "alert dns any any -> any any (app-layer-event:dns.z_flag_set; sid:98;)\n", 1);
	uint8_t q[64];
	uint32_t n = dns_query(q, 0x1234);
	q[3] |= 0x40;
	struct packet p = udp_pkt(1, q, n);
	run_packet(&r, &p);
	assert_int_equal(count_sid(&r.hits, 98), 1);
	run_free(&r);

	static const struct {
		const char *opts;
		int result;
	} c[] = {
	    {"app-layer-protocol:nosuch;", 0},
	    {"app-layer-protocol:smtp;", 1}, /* recognised, not parsed */
	    {"app-layer-protocol:irc;", -1},
	    {"app-layer-protocol:http,sideways;", 0},
	    {"app-layer-protocol:http; app-layer-protocol:tls;", 0},
	    {"app-layer-protocol:!http; app-layer-protocol:tls;", 0},
	    {"app-layer-protocol:!http; app-layer-protocol:!http;", 0},
	    {"app-layer-protocol:!http; app-layer-protocol:!tls;", 1},
	    {"app-layer-protocol:http,to_server; app-layer-protocol:tls,to_client;", 1},
	    {"app-layer-protocol:\"dns\";", 1},
	    {"http.uri; content:\"a\"; app-layer-protocol:http;", 0},
	    {"app-layer-event:http.nosuch;", 0},
	    {"app-layer-event:smtp.invalid_reply;", 1},
	    {"app-layer-event:sip.invalid_data;", 1},
	    {"app-layer-event:nosuchproto.x;", 0},
	    {"app-layer-event:applayer_mismatch_protocol_both_directions;", 1},
	    {"app-layer-event:APPLAYER_UNEXPECTED_PROTOCOL;", 1},
	    {"app-layer-event:applayer_nosuch_event;", 0},
	    {"app-layer-event:http;", 0},
	    {"app-layer-event:tls.invalid_record_type; app-layer-event:dns.z_flag_set;", 0},
	    {"app-layer-event:tls.invalid_record_type;", 1},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char rule[256];
		snprintf(rule, sizeof(rule), "alert tcp any any -> any any (%s sid:1;)", c[i].opts);
		if (th_parse_result(rule) != c[i].result)
			fprintf(stderr, "%s: %d\n", rule, th_parse_result(rule));
		assert_int_equal(th_parse_result(rule), c[i].result);
	}
	/* a header protocol conflicts with both keywords */
	assert_int_equal(th_parse_result("alert http any any -> any any (app-layer-protocol:!irc; "
					 "sid:1;)"),
			 -1);
	assert_int_equal(th_parse_result("alert http any any -> any any (app-layer-protocol:!tls; "
					 "sid:1;)"),
			 0);
	assert_int_equal(th_parse_result("alert dns any any -> any any "
					 "(app-layer-event:http.missing_host_header; sid:1;)"),
			 0);
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
	/* protocols without recognition stay skipped; parsed ones load with
	 * their own buffers (file.data on SMTP is the decoded attachment) */
	assert_int_equal(th_parse_result("alert irc any any -> any any (sid:1;)"), -1);
	assert_int_equal(th_parse_result("alert smtp any any -> any any (sid:1;)"), 1);
	assert_int_equal(th_parse_result("alert smtp any any -> any any (file.data; content:\"a\"; "
					 "sid:1;)"),
			 1);
	/* IMAP is recognised (and followed to STARTTLS) but has no buffers,
	 * as in Suricata 8: a buffer on it is an error */
	assert_int_equal(th_parse_result("alert imap any any -> any any (file.data; content:\"a\"; "
					 "sid:1;)"),
			 0);
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
	prefilter_run(dt, &p, CAND_PACKET | CAND_STREAM | CAND_APP);
	assert_int_equal(dt->ncand, 1);
	assert_int_equal(de->rules[dt->cand[0]]->sid, 2);
	detect_thread_free((struct detect_thread *)dt);
	detect_engine_free(de);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_http_buffers),
	    cmocka_unit_test(test_tx_both_rules),
	    cmocka_unit_test(test_dns_query),
	    cmocka_unit_test(test_tls_sni),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_prefilter_no_tx),
	    cmocka_unit_test(test_http_legacy),
	    cmocka_unit_test(test_legacy_parse),
	    cmocka_unit_test(test_dns_keywords),
	    cmocka_unit_test(test_tls_keywords),
	    cmocka_unit_test(test_applayer_keywords),
	    cmocka_unit_test(test_http_fin_ends_body),
	    cmocka_unit_test(test_http_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
