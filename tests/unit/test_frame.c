/*
 * test_frame.c — app-layer frames and the frame: keyword, from Suricata's
 * definition (detect-frame.c: which rules load; app-layer frames devguide:
 * a frame is a typed span of one direction's stream, inspected from its
 * first byte, once per rule): rule parsing in its short and long forms and
 * the rules Suricata refuses; HTTP/1 request and response frames over
 * whole, split and pipelined messages; SSH record frames with the record
 * split across segments; the alert carries its frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app/frame-internal.h"
#include "app/tls.h"
#include "test_app_run.h"

static void test_rules_accepted(void **state)
{
	(void)state;
	const char *good[] = {
	    "alert tcp any any -> any any (frame:tls.pdu; content:\"a\"; sid:1;)",
	    "alert tls any any -> any any (frame:pdu; content:\"|17 03|\"; startswith; sid:1;)",
	    "alert smb any any -> any any (frame:smb1.hdr; content:\"|ff|SMB\"; sid:1;)",
	    "alert smb any any -> any any (frame:smb.smb2.data; content:\"x\"; sid:1;)",
	    "alert udp any any -> any any (frame:dns.pdu; content:\"x\"; offset:2; sid:1;)",
	    "alert dns any any -> any any (frame:pdu; content:\"x\"; sid:1;)",
	    "alert http any any -> any any (frame:http1.request; content:\"GET\"; sid:1;)",
	    "alert http any any -> any any (frame:response; content:\"200\"; sid:1;)",
	    "alert smtp any any -> any any (frame:smtp.stream; content:\"DATA\"; sid:1;)",
	    "alert ssh any any -> any 22 (frame:ssh.record.hdr; content:\"|15|\"; endswith; "
	    "bsize:6; sid:1;)",
	    "alert smtp any any -> any any (frame:smtp.command_line; base64_decode; base64_data; "
	    "content:\"x\"; sid:1;)",
	    "alert dcerpc any any -> any any (flow:established,to_server; frame:dcerpc.hdr; "
	    "content:\"|05 00|\"; sid:1;)",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (th_parse_result(good[i]) != 1)
			fail_msg("refused: %s", good[i]);
	}
}

/* detect-frame.c's bad rules, and their neighbours. */
static void test_rules_refused(void **state)
{
	(void)state;
	const char *bad[] = {
	    "alert tcp-pkt any any -> any any (frame:tls.pdu; content:\"a\"; sid:2;)",
	    "alert udp any any -> any any (frame:tls.pdu; content:\"a\"; sid:2;)",
	    "alert smb any any -> any any (frame:tls.pdu; content:\"a\"; sid:3;)",
	    "alert tcp any any -> any any (frame:tls; content:\"a\"; sid:4;)",
	    "alert tls any any -> any any (content:\"abc\"; frame:tls.pdu; content:\"a\"; sid:5;)",
	    "alert tls any any -> any any (tls.version:1.0; frame:tls.pdu; content:\"a\"; sid:6;)",
	    "alert tls any any -> any any (frame:smb1.pdu; content:\"a\"; sid:7;)",
	    /* neighbours: an unknown type, ICMP, two frames, a tx buffer after it */
	    "alert tls any any -> any any (frame:tls.nosuch; content:\"a\"; sid:8;)",
	    "alert icmp any any -> any any (frame:dns.pdu; content:\"a\"; sid:9;)",
	    "alert tls any any -> any any (frame:pdu; frame:hdr; content:\"a\"; sid:10;)",
	    "alert http any any -> any any (frame:request; content:\"a\"; http.uri; "
	    "content:\"b\"; sid:11;)",
	    "alert tcp any any -> any any (frame:stream; content:\"a\"; sid:12;)",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (th_parse_result(bad[i]) == 1)
			fail_msg("accepted: %s", bad[i]);
	}
}

static int frame_hits(const struct hits *h, uint32_t sid)
{
	int n = 0;
	for (unsigned i = 0; i < h->n; i++)
		if (h->sid[i] == sid) {
			assert_true(h->flags[i] & ALERT_F_FRAME);
			n++;
		}
	return n;
}

static const char http_rules[] =
    "alert http any any -> any any (frame:http1.request; content:\"GET /a\"; startswith; "
    "sid:1;)\n"
    "alert http any any -> any any (frame:http1.request; content:\"|0d 0a 0d 0a|\"; endswith; "
    "sid:2;)\n"
    "alert http any any -> any any (frame:http1.response; content:\"HTTP/1.1 200\"; "
    "startswith; content:\"body!\"; endswith; sid:3;)\n"
    /* the frame starts at the request line: no anchor past it */
    "alert http any any -> any any (frame:http1.request; content:\"Host\"; startswith; "
    "sid:4;)\n"
    "alert http any any -> any any (frame:http1.stream; content:\"body!\"; sid:5;)\n";

static void test_http_frames(void **state)
{
	(void)state;
	struct run r;
	run_init(&r, http_rules, 5);
	run_http_flow(&r, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
		      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nbody!");
	run_flow_end(&r);
	assert_int_equal(frame_hits(&r.hits, 1), 1);
	assert_int_equal(frame_hits(&r.hits, 2), 1);
	assert_int_equal(frame_hits(&r.hits, 3), 1);
	assert_int_equal(frame_hits(&r.hits, 4), 0);
	assert_int_equal(frame_hits(&r.hits, 5), 1);
	int i = hit_index(&r.hits, 3);
	assert_true(i >= 0 && (r.hits.flags[i] & ALERT_F_TX) && r.hits.tx_id[i] == 0);
	run_free(&r);
}

/* Two pipelined requests in one segment: two request frames, one alert
 * each; the second one's anchor is its own first byte. */
static void test_http_pipelined(void **state)
{
	(void)state;
	struct run r;
	run_init(&r,
		 "alert http any any -> any any (frame:http1.request; content:\"GET /\"; "
		 "startswith; sid:1;)\n"
		 "alert http any any -> any any (frame:http1.request; content:\"GET /b\"; "
		 "startswith; sid:2;)\n",
		 2);
	run_http_flow(&r, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
		      "HTTP/1.1 204 No\r\n\r\nHTTP/1.1 204 No\r\n\r\n");
	run_flow_end(&r);
	assert_int_equal(frame_hits(&r.hits, 1), 2);
	assert_int_equal(frame_hits(&r.hits, 2), 1);
	int i = hit_index(&r.hits, 2);
	assert_int_equal(r.hits.tx_id[i], 1);
	run_free(&r);
}

/* A request split over three segments: one frame, whole, one alert. */
static void test_http_split(void **state)
{
	(void)state;
	struct run r;
	run_init(&r,
		 "alert http any any -> any any (frame:http1.request; content:\"GET /a\"; "
		 "startswith; content:\"Host: split\"; distance:0; content:\"|0d 0a 0d 0a|\"; "
		 "endswith; sid:1;)\n",
		 1);
	const char *parts[] = {"GET /a HT", "TP/1.1\r\nHost: sp", "lit\r\n\r\n"};
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	run_packet(&r, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	run_packet(&r, &p);
	uint32_t seq = CISN + 1;
	for (int k = 0; k < 3; k++) {
		p = tcp_pkt(1, TCP_ACK, seq, SISN + 1, parts[k]);
		run_packet(&r, &p);
		seq += (uint32_t)strlen(parts[k]);
		p = tcp_pkt(0, TCP_ACK, SISN + 1, seq, NULL);
		run_packet(&r, &p);
	}
	run_flow_end(&r);
	assert_int_equal(frame_hits(&r.hits, 1), 1);
	run_free(&r);
}

/* SSH records: pdu, hdr (length, padding length, code) and data, with
 * the second record's header split over two segments. */
static void test_ssh_records(void **state)
{
	(void)state;
	struct run r;
	run_init(&r,
		 "alert ssh any any -> any any (flow:to_server; frame:ssh.record.hdr; "
		 "content:\"|14|\"; endswith; bsize:6; sid:1;)\n"
		 "alert ssh any any -> any any (flow:to_server; frame:ssh.record.data; "
		 "content:\"curve!\"; startswith; sid:2;)\n"
		 "alert ssh any any -> any any (flow:to_server; frame:ssh.record.pdu; "
		 "content:\"|00 00 00 0c 04 15|\"; startswith; sid:3;)\n",
		 3);
	static const uint8_t banner[] = "SSH-2.0-test\r\n";
	static const uint8_t rec1[] = {0, 0, 0, 12, 4, 0x14, 'c', 'u', 'r', 'v', 'e', '!', 0, 0, 0, 0};
	static const uint8_t rec2[] = {0, 0, 0, 12, 4, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	run_packet(&r, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	run_packet(&r, &p);
	uint8_t buf[64];
	uint32_t n = 0;
	memcpy(buf, banner, sizeof(banner) - 1);
	n += sizeof(banner) - 1;
	memcpy(buf + n, rec1, sizeof(rec1));
	n += sizeof(rec1);
	memcpy(buf + n, rec2, 3); /* the second header is cut */
	n += 3;
	uint32_t seq = CISN + 1;
	p = tcp_pkt_conn(0, 1, TCP_ACK, seq, SISN + 1, buf, n);
	run_packet(&r, &p);
	seq += n;
	p = tcp_pkt(0, TCP_ACK, SISN + 1, seq, "SSH-2.0-server\r\n");
	run_packet(&r, &p);
	p = tcp_pkt_conn(0, 1, TCP_ACK, seq, SISN + 17, rec2 + 3, sizeof(rec2) - 3);
	run_packet(&r, &p);
	seq += sizeof(rec2) - 3;
	p = tcp_pkt(0, TCP_ACK, SISN + 17, seq, NULL);
	run_packet(&r, &p);
	run_flow_end(&r);
	assert_int_equal(frame_hits(&r.hits, 1), 1);
	assert_int_equal(frame_hits(&r.hits, 2), 1);
	assert_int_equal(frame_hits(&r.hits, 3), 1);
	run_free(&r);
}

/* Without a frame rule nothing is made: the frames of a flow cost nothing. */
static void test_frames_off(void **state)
{
	(void)state;
	struct run r;
	run_init(&r, "alert http any any -> any any (http.uri; content:\"/a\"; sid:1;)\n", 1);
	for (int p = 0; p < APP_PROTO_MAX; p++)
		assert_int_equal(r.ac.frames[p], 0);
	run_http_flow(&r, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 204 No\r\n\r\n");
	struct packet pk = tcp_pkt(1, TCP_ACK, CISN + 1, SISN + 1, NULL);
	pk.flow = r.f;
	pk.flow_toserver = true;
	struct app_frame_view fv;
	assert_false(app_inspect_frame(&pk, 0, &fv));
	run_free(&r);
}

/* The container alone: a frame made over bytes an earlier call brought
 * (negative offset within the call), readiness, the bytes of a frame the
 * window no longer holds, the cap on live frames and its count. */
static void test_container(void **state)
{
	(void)state;
	uint64_t refused = 0;
	/* every type but the stream frame, which would take a slot */
	struct app_frames *fr =
	    app_frames_new(APP_PROTO_TLS, ~APP_FRAME_BIT(APP_FRAME_STREAM), false, &refused);
	assert_non_null(fr);
	static const uint8_t a[] = "0123456789", b[] = "abcdef";
	app_frames_begin(fr, APP_TOSERVER, 0, a, 10);
	assert_true(app_frame_wanted(TLS_FRAME_PDU));
	assert_int_equal(app_frame_offset(), 0);
	app_frames_end();
	app_frames_begin(fr, APP_TOSERVER, 10, b, 6);
	assert_int_equal(app_frame_offset(), 10);
	/* from "7" (offset 7) to "c" (offset 12) */
	int64_t id = app_frame_new(APP_TOSERVER, 7, 6, TLS_FRAME_PDU);
	int64_t open = app_frame_new(APP_TOSERVER, 14, -1, TLS_FRAME_DATA);
	assert_true(id > 0 && open > id);
	app_frames_end();
	struct app_frame_view fv;
	int ready_pdu = 0;
	for (uint32_t i = 0; app_frames_ready(fr, APP_TOSERVER, i, &fv); i++) {
		if (fv.type == TLS_FRAME_PDU) {
			ready_pdu++;
			assert_int_equal(fv.data_len, 6);
			assert_memory_equal(fv.data, "789abc", 6);
			assert_true(fv.complete && fv.start);
		}
		assert_int_not_equal(fv.type, TLS_FRAME_DATA); /* its end is not known */
	}
	assert_int_equal(ready_pdu, 1);
	app_frames_done(fr, APP_TOSERVER);
	assert_false(app_frames_get(fr, APP_TOSERVER, (uint64_t)id, &fv)); /* released */
	/* the end of the direction makes the open one ready, with what it has */
	app_frames_eof(fr, APP_TOSERVER);
	assert_true(app_frames_ready(fr, APP_TOSERVER, 0, &fv));
	assert_int_equal(fv.offset, 14);
	assert_int_equal(fv.data_len, 2);
	assert_false(fv.complete);
	app_frames_done(fr, APP_TOSERVER);
	/* the other direction: the cap */
	app_frames_begin(fr, APP_TOCLIENT, 0, a, 10);
	for (int i = 0; i < APP_FRAMES_MAX; i++)
		assert_true(app_frame_new(APP_TOCLIENT, 0, -1, TLS_FRAME_HDR) > 0);
	assert_int_equal(app_frame_new(APP_TOCLIENT, 0, -1, TLS_FRAME_HDR), -1);
	assert_int_equal(refused, 1);
	app_frames_end();
	assert_int_equal(app_frame_new(APP_TOCLIENT, 0, 1, TLS_FRAME_HDR), -1); /* no call */
	app_frames_free(fr);
	/* a protocol without the type wanted makes nothing */
	fr = app_frames_new(APP_PROTO_TLS, APP_FRAME_BIT(TLS_FRAME_HDR), false, NULL);
	app_frames_begin(fr, APP_TOSERVER, 0, a, 10);
	assert_int_equal(app_frame_new(APP_TOSERVER, 0, 5, TLS_FRAME_PDU), -1);
	assert_true(app_frame_new(APP_TOSERVER, 0, 5, TLS_FRAME_HDR) > 0);
	app_frames_end();
	app_frames_free(fr);
	assert_null(app_frames_new(APP_PROTO_TLS, 0, false, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rules_accepted), cmocka_unit_test(test_rules_refused),
	    cmocka_unit_test(test_http_frames),	   cmocka_unit_test(test_http_pipelined),
	    cmocka_unit_test(test_http_split),	   cmocka_unit_test(test_ssh_records),
	    cmocka_unit_test(test_frames_off),	   cmocka_unit_test(test_container),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
