/*
 * test_http2.c — the HTTP/2 parser on the bytes of a real prior-knowledge
 * session (suricata-verify's bug-5780-01-http2-header capture: the
 * server's SETTINGS first, the client's preface + SETTINGS +
 * WINDOW_UPDATE, a GET on stream 1, the 404 answer with a gzip DATA
 * frame, inflated), whole, byte by byte, cut short and corrupted; and variants
 * built from it: the header block split into HEADERS + CONTINUATION, a
 * padded HEADERS with priority, GOAWAY / RST_STREAM error codes, a frame
 * longer than H2_MAX_FRAME.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/http.h"
#include "app/http2.h"
#include "util/json.h"

extern const struct app_protocol app_http2;

struct msg {
	enum app_dir dir;
	const char *hex;
};

/* the TCP payloads of the capture, in order */
static const struct msg session[] = {
    {APP_TOCLIENT, "000012040000000000000300000100000400010000000500ffffff0000040800000000007fff0000"},
    {APP_TOSERVER, "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a00001204000000000000020000000000"
		   "0400400000000600a0000000000408000000000040000000"},
    {APP_TOSERVER, "00005d01050000000141898ed98b624f62e43d3f82459063c0d249e43ccc781a493c879972f92f87"
		   "4083b6d3499a965784fb419560b2db2b34f925586d3cfacd0872bcfbedb52c644085ee5b1063d582"
		   "0be150839bd9ab7a8dc475a74a6b589418b525812e0f"},
    {APP_TOSERVER, "000000040100000000"},
    {APP_TOCLIENT, "000000040100000000"},
    {APP_TOCLIENT,
     "0001bb0104000000018d6196df697e9413aa5f2914100425042b8015c6de53168dff5f95497ca589d34d1f6a12"
     "71d882a60320eb3cf36fac1f588aa47e561cc5802d34007f408a24ab10649cab21234da8034849545501344087"
     "b0b59ec4ac93ffff4efffdfc96a92b39aa4a3f9b9ffbfffdfcdb651fcdcfe674a6b45cfffe0c7fff0606bd45a1"
     "72507b649681d855c87a7fff831616b3d89fffe0c7767fc440c9680bfd7ca27ec40dfbbbb449e6596ee9a057c2"
     "3f48be7266a89fb94daecfcbed71b1515dc19ad666d94cc354585515d6d042f36b26fe765fe93d2de3f33f4c59"
     "83bf149868b3292f5b7e8ab855a38e3545741933f22dfe5a42f8a3ec8f16f9f58138fb7bc7aadfdbfb1566fff3"
     "ffefff3ebf99ac3db5ff373f924ab545a3f9fafe691f9887317f9b8e01a7800fff7f40036e656cb1fffdfca2d2"
     "10a84452d83224c7abf9b80fafe6c2d67b13124ffcdcfe492ad5168fe7ebf9a47e621cc5fe6e38069e003ffd7b"
     "8b84842d695b05443c86aa6f76872507b649681d85408524ab583f5f8f75e036dbb2b2d48365d76322d9aeeb5a"
     "839bd9ab40851d09591dc9a39d983f9b8d34cff3f6a52381e71a003e949d9584fc1fcdc69a67f9fb5291c0f38d"
     "001f0000b90000000000011f8b08000000000000034d8e410b82401484effb2b5edef359787ceca1540acc24d6"
     "43476b5f6d50aee99af5ef4385e836cc7cc30ccda2fd5a1df318366a97425eacd2ed1abc39e236560962a4a229"
     "59fa01629c795290718fbb24c3a59682dccddd59864108997590d8aed28493290847884e567f86de42fe316621"
     "05d5521986869f1db78e35148714b02fddd9687bfd099fdf0c7dd942651d5c863ad80a9cb9b5d072f3e2c627ac"
     "87b97188703c28befff22746db000000000000000100000001"},
};

#define PREFACE "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a"

static uint32_t unhex(const char *h, uint8_t *out)
{
	uint32_t n = 0;
	for (; h[0] && h[1]; h += 2)
		out[n++] = (uint8_t)strtoul((char[]){h[0], h[1], 0}, NULL, 16);
	return n;
}

static uint8_t *unhex_alloc(const char *h, uint32_t *n)
{
	uint8_t *b = malloc(strlen(h) / 2 + 1);
	assert_non_null(b);
	*n = unhex(h, b);
	return b;
}

static enum app_parse_result feed(struct h2_state *s, enum app_dir dir, const char *hex,
				  bool bytewise)
{
	uint32_t n;
	uint8_t *b = unhex_alloc(hex, &n);
	enum app_parse_result r = APP_PARSE_OK;
	if (bytewise) {
		for (uint32_t i = 0; i < n && r == APP_PARSE_OK; i++) {
			uint8_t *one = malloc(1); /* exact size: ASan sees a read past it */
			*one = b[i];
			r = h2_parse(s, dir, one, 1, 0);
			free(one);
		}
	} else {
		r = h2_parse(s, dir, b, n, 0);
	}
	free(b);
	return r;
}

static const struct h2_tx *stream_tx(const struct h2_state *s, uint32_t stream)
{
	for (uint64_t i = 0; i < h2_tx_count(s); i++) {
		const struct h2_tx *tx = h2_tx_get(s, i);
		if (tx != NULL && tx->stream_id == stream)
			return tx;
	}
	return NULL;
}

static void assert_header(const struct h2_tx *tx, enum app_dir dir, const char *name,
			  const char *value)
{
	const struct h2_header *h = h2_tx_header(tx, dir, name);
	assert_non_null(h);
	assert_int_equal(h->value_len, strlen(value));
	assert_memory_equal(h->value, value, strlen(value));
}

static char *eve_of(const struct h2_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	h2_tx_log_json(&j, tx);
	json_close_object(&j);
	char *out = strndup(j.buf, j.len);
	json_free(&j);
	return out;
}

static void check_session(struct h2_state *s)
{
	/* stream 0: server SETTINGS, server WINDOW_UPDATE, client SETTINGS,
	 * client WINDOW_UPDATE (the empty SETTINGS ACKs make none) */
	assert_int_equal(h2_tx_count(s), 5);
	const struct h2_tx *t0 = h2_tx_get(s, 0);
	assert_int_equal(t0->stream_id, 0);
	assert_int_equal(t0->side[APP_TOCLIENT].n_settings, 3);
	assert_int_equal(t0->side[APP_TOCLIENT].settings[0].id, 3);
	assert_int_equal(t0->side[APP_TOCLIENT].settings[0].value, 256);
	assert_int_equal(t0->side[APP_TOCLIENT].settings[2].value, 0xffffff);
	const struct h2_tx *t1 = h2_tx_get(s, 1);
	assert_int_equal(t1->side[APP_TOCLIENT].n_windows, 1);
	assert_int_equal(t1->side[APP_TOCLIENT].windows[0], 0x7fff0000);
	const struct h2_tx *t2 = h2_tx_get(s, 2);
	assert_int_equal(t2->side[APP_TOSERVER].n_settings, 3);
	assert_int_equal(t2->side[APP_TOSERVER].settings[1].value, 4194304);
	const struct h2_tx *t3 = h2_tx_get(s, 3);
	assert_int_equal(t3->side[APP_TOSERVER].windows[0], 1073741824);

	const struct h2_tx *tx = stream_tx(s, 1);
	assert_non_null(tx);
	assert_int_equal(tx->side[APP_TOSERVER].n_headers, 8);
	assert_header(tx, APP_TOSERVER, ":authority", "bugertor.com");
	assert_header(tx, APP_TOSERVER, ":method", "GET");
	assert_header(tx, APP_TOSERVER, ":path", "/watchdog/watchdog.exe");
	assert_header(tx, APP_TOSERVER, "user-agent", "Go-http-client/2.0");
	assert_true(tx->side[APP_TOSERVER].done);
	assert_int_equal(tx->side[APP_TOCLIENT].n_headers, 13);
	assert_header(tx, APP_TOCLIENT, ":status", "404");
	assert_header(tx, APP_TOCLIENT, "server", "cloudflare");
	/* 185 bytes of gzip (content-encoding: gzip) inflate to 219 of HTML */
	assert_int_equal(tx->side[APP_TOCLIENT].body_total, 185);
	assert_int_equal(tx->side[APP_TOCLIENT].body_len, 219);
	assert_memory_equal(tx->side[APP_TOCLIENT].body, "<!DOCTYPE HTML PUBLIC", 21);
	assert_non_null(memmem(tx->side[APP_TOCLIENT].body, 219, "404 Not Found", 13));
	assert_true(tx->side[APP_TOCLIENT].done);
	/* the response body is the transaction's one file, closed, inflated */
	struct app_file_info fi;
	assert_true(app_http2.tx_file(tx, 0, &fi));
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	assert_int_equal(fi.dir, APP_TOCLIENT);
	assert_int_equal(fi.size, 219);
	assert_int_equal(fi.name_len, strlen("/watchdog/watchdog.exe"));
	assert_memory_equal(fi.name, "/watchdog/watchdog.exe", fi.name_len);
	assert_false(app_http2.tx_file(tx, 1, &fi));
	assert_int_equal(tx->side[APP_TOCLIENT].frame_types,
			 (1u << H2_HEADERS) | (1u << H2_DATA));
	assert_int_equal(tx->events, 0);

	char *e = eve_of(tx);
	assert_non_null(strstr(e, "{\"http\":{\"version\":\"2\",\"request_headers\":[{\"name\":"
				  "\":authority\",\"value\":\"bugertor.com\"},"));
	assert_non_null(strstr(e, "\"hostname\":\"bugertor.com\",\"url\":\"/watchdog/"
				  "watchdog.exe\",\"http_user_agent\":\"Go-http-client/2.0\""));
	assert_non_null(strstr(e, "\"http_method\":\"GET\",\"status\":404,\"http2\""));
	assert_non_null(strstr(e, "\"http2\":{\"stream_id\":1,\"request\":{},\"response\":{}}"));
	free(e);
	e = eve_of(t0);
	assert_non_null(strstr(e, "{\"settings_id\":\"SETTINGSMAXCONCURRENTSTREAMS\","
				  "\"settings_value\":256}"));
	free(e);
}

static void test_session_whole(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	for (size_t i = 0; i < sizeof(session) / sizeof(session[0]); i++)
		assert_int_equal(feed(s, session[i].dir, session[i].hex, false), APP_PARSE_OK);
	check_session(s);
	h2_state_free(s);
}

static void test_session_bytewise(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	for (size_t i = 0; i < sizeof(session) / sizeof(session[0]); i++)
		assert_int_equal(feed(s, session[i].dir, session[i].hex, true), APP_PARSE_OK);
	check_session(s);
	h2_state_free(s);
}

/* Every cut of the GET's frame: no headers until its last byte. */
static void test_truncated(void **st)
{
	(void)st;
	uint32_t n;
	uint8_t *b = unhex_alloc(session[2].hex, &n);
	for (uint32_t cut = 0; cut < n; cut++) {
		struct h2_state *s = h2_state_new();
		assert_int_equal(feed(s, APP_TOSERVER, PREFACE, false), APP_PARSE_OK);
		uint8_t *c = malloc(cut ? cut : 1);
		memcpy(c, b, cut);
		assert_int_equal(h2_parse(s, APP_TOSERVER, c, cut, 0), APP_PARSE_OK);
		free(c);
		assert_null(stream_tx(s, 1));
		h2_state_free(s);
	}
	free(b);
}

static void test_bad_preface(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	assert_int_equal(feed(s, APP_TOSERVER, "505249202a20485454502f312e300d0a", false),
			 APP_PARSE_ERROR);
	h2_state_free(s);
	uint8_t pre[24];
	unhex(PREFACE, pre);
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = true, .sp = 50078, .dp = 80};
	assert_int_equal(app_http2.probe(&in, pre, 24), APP_PROBE_MATCH);
	assert_int_equal(app_http2.probe(&in, pre, 10), APP_PROBE_NEED_MORE);
	pre[5] = 'X';
	assert_int_equal(app_http2.probe(&in, pre, 24), APP_PROBE_NO);
	/* the server's first SETTINGS on the port; a SETTINGS with flags is not */
	uint8_t srv[40];
	unhex(session[0].hex, srv);
	in.dir = APP_TOCLIENT;
	assert_int_equal(app_http2.probe_port(&in, srv, 40), APP_PROBE_MATCH);
	srv[4] = 0x02;
	assert_int_equal(app_http2.probe_port(&in, srv, 40), APP_PROBE_NO);
}

/* A corrupted header block: an index past both tables. */
static void test_bad_hpack(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	feed(s, APP_TOSERVER, PREFACE, false);
	assert_int_equal(feed(s, APP_TOSERVER, "00000301050000000182bf84", false), APP_PARSE_OK);
	const struct h2_tx *tx = stream_tx(s, 1);
	assert_non_null(tx);
	assert_true(tx->events & (1u << H2_EV_INVALID_HEADER));
	/* :method GET decoded before the bad index */
	assert_header(tx, APP_TOSERVER, ":method", "GET");
	h2_state_free(s);
}

/* The GET's block cut in HEADERS (no END_HEADERS) + CONTINUATION. */
static void test_continuation(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	feed(s, APP_TOSERVER, PREFACE, false);
	char buf[512];
	const char *blk = session[2].hex + 18; /* after the frame header */
	/* first 30 bytes, then the remaining 63 */
	snprintf(buf, sizeof(buf), "00001e010100000001%.60s", blk);
	assert_int_equal(feed(s, APP_TOSERVER, buf, false), APP_PARSE_OK);
	const struct h2_tx *tx = stream_tx(s, 1);
	assert_non_null(tx);
	assert_int_equal(tx->side[APP_TOSERVER].n_headers, 0);
	snprintf(buf, sizeof(buf), "00003f090400000001%s", blk + 60);
	assert_int_equal(feed(s, APP_TOSERVER, buf, false), APP_PARSE_OK);
	assert_int_equal(tx->side[APP_TOSERVER].n_headers, 8);
	assert_header(tx, APP_TOSERVER, ":path", "/watchdog/watchdog.exe");
	assert_true(tx->side[APP_TOSERVER].done);
	assert_int_equal(tx->events, 0);
	/* a CONTINUATION with no block open is invalid */
	assert_int_equal(feed(s, APP_TOSERVER, "000001090400000003be", false), APP_PARSE_OK);
	assert_true(h2_tx_get(s, h2_tx_count(s) - 1)->events & (1u << H2_EV_INVALID_FRAME_DATA));
	h2_state_free(s);
}

/* HEADERS with PADDED and PRIORITY: pad length 2, dependency, weight 15,
 * an HPACK table size update to 0, then :method GET, 2 bytes padding. */
static void test_padded_priority(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	feed(s, APP_TOSERVER, PREFACE, false);
	assert_int_equal(feed(s, APP_TOSERVER, "00000a012d0000000502000000000f20820000", false),
			 APP_PARSE_OK);
	const struct h2_tx *tx = stream_tx(s, 5);
	assert_non_null(tx);
	assert_int_equal(tx->side[APP_TOSERVER].n_priorities, 1);
	assert_int_equal(tx->side[APP_TOSERVER].priorities[0], 15);
	assert_int_equal(tx->side[APP_TOSERVER].n_size_updates, 1);
	assert_int_equal(tx->side[APP_TOSERVER].size_updates[0], 0);
	assert_int_equal(tx->side[APP_TOSERVER].n_headers, 1);
	assert_header(tx, APP_TOSERVER, ":method", "GET");
	/* padding longer than the frame */
	assert_int_equal(feed(s, APP_TOSERVER, "000003010d00000007ff8200", false), APP_PARSE_OK);
	assert_true(stream_tx(s, 7)->events & (1u << H2_EV_INVALID_FRAME_DATA));
	h2_state_free(s);
}

static void test_errors(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	feed(s, APP_TOSERVER, PREFACE, false);
	/* GOAWAY last-stream 0, INTERNAL_ERROR; RST_STREAM CANCEL on 3 */
	feed(s, APP_TOSERVER, "0000080700000000000000000000000002", false);
	feed(s, APP_TOCLIENT, "00000403000000000300000008", false);
	const struct h2_tx *g = h2_tx_get(s, 0);
	assert_int_equal(g->side[APP_TOSERVER].n_errors, 1);
	assert_int_equal(g->side[APP_TOSERVER].errors[0], 2);
	char *e = eve_of(g);
	assert_non_null(strstr(e, "\"request\":{\"error_code\":\"INTERNALERROR\"}"));
	free(e);
	const struct h2_tx *r = stream_tx(s, 3);
	assert_int_equal(r->side[APP_TOCLIENT].errors[0], 8);
	assert_true(r->side[APP_TOSERVER].done && r->side[APP_TOCLIENT].done);
	assert_int_equal(h2_error_by_name("INTERNAL_ERROR"), 2);
	assert_int_equal(h2_error_by_name("HTTP_1_1_REQUIRED"), 13);
	assert_int_equal(h2_frame_type_by_name("WINDOW_UPDATE"), 8);
	assert_int_equal(h2_setting_by_name("SETTINGS_MAX_FRAME_SIZE"), 5);
	/* a RST_STREAM of the wrong length */
	feed(s, APP_TOCLIENT, "000003030000000005000000", false);
	assert_true(stream_tx(s, 5)->events & (1u << H2_EV_INVALID_FRAME_LENGTH));
	h2_state_free(s);
}

/* A DATA frame longer than H2_MAX_FRAME is streamed: long_frame_data,
 * the body kept, the next frame read after it. */
static void test_long_frame(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	feed(s, APP_TOCLIENT, "020000000100000001", false); /* 0x20000 bytes, END_STREAM */
	uint8_t *chunk = malloc(4096);
	memset(chunk, 'A', 4096);
	for (int i = 0; i < 32; i++)
		assert_int_equal(h2_parse(s, APP_TOCLIENT, chunk, 4096, 0), APP_PARSE_OK);
	free(chunk);
	feed(s, APP_TOCLIENT, "0000080600000000000102030405060708", false); /* PING */
	const struct h2_tx *tx = stream_tx(s, 1);
	assert_true(tx->events & (1u << H2_EV_LONG_FRAME_DATA));
	assert_int_equal(tx->side[APP_TOCLIENT].body_len, 0x20000);
	assert_true(tx->side[APP_TOCLIENT].done);
	assert_int_equal(h2_tx_count(s), 2);
	assert_int_equal(h2_tx_get(s, 1)->side[APP_TOCLIENT].frame_types, 1u << H2_PING);
	struct app_file_info fi;
	assert_true(app_http2.tx_file(tx, 0, &fi));
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	assert_int_equal(fi.size, 0x20000);
	h2_state_free(s);
}

/* DoH: a POST of application/dns-message longer than a DNS message can
 * be (the dns-over-http2-limit case) raises dns_request_too_long; a
 * short one, or another content type, does not. */
static void doh_post(uint32_t body, const char *ctype_hex, bool expect)
{
	struct h2_state *s = h2_state_new();
	feed(s, APP_TOSERVER, PREFACE, false);
	char hdr[256];
	snprintf(hdr, sizeof(hdr), "%06x010400000001835f%02x%s", 3 + (unsigned)strlen(ctype_hex) / 2,
		 (unsigned)strlen(ctype_hex) / 2, ctype_hex);
	assert_int_equal(feed(s, APP_TOSERVER, hdr, false), APP_PARSE_OK);
	snprintf(hdr, sizeof(hdr), "%06x000100000001", body);
	feed(s, APP_TOSERVER, hdr, false);
	uint8_t *b = calloc(1, body);
	assert_int_equal(h2_parse(s, APP_TOSERVER, b, body, 0), APP_PARSE_OK);
	free(b);
	const struct h2_tx *tx = stream_tx(s, 1);
	assert_header(tx, APP_TOSERVER, ":method", "POST");
	assert_true(tx->side[APP_TOSERVER].done);
	assert_int_equal(tx->side[APP_TOSERVER].body_total, body);
	assert_int_equal(!!(tx->events & (1u << H2_EV_DNS_REQUEST_TOO_LONG)), expect);
	h2_state_free(s);
}

static void test_doh_limit(void **st)
{
	(void)st;
	const char *dns = "6170706c69636174696f6e2f646e732d6d657373616765";
	doh_post(70000, dns, true);
	doh_post(65535, dns, false);
	doh_post(70000, "746578742f706c61696e", false); /* text/plain */
}

/* content-encoding: gzip over bytes that are not gzip:
 * failed_decompression, nothing kept. */
static void test_bad_gzip(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	feed(s, APP_TOCLIENT, "000007010400000001885a04677a6970", false);
	feed(s, APP_TOCLIENT, "000008000100000001" "6e6f7420677a6970", false);
	const struct h2_tx *tx = stream_tx(s, 1);
	assert_header(tx, APP_TOCLIENT, "content-encoding", "gzip");
	assert_true(tx->events & (1u << H2_EV_FAILED_DECOMPRESSION));
	assert_int_equal(tx->side[APP_TOCLIENT].body_len, 0);
	assert_int_equal(tx->side[APP_TOCLIENT].body_total, 8);
	h2_state_free(s);
}

/* A response body cut by the end of the direction: its file is
 * TRUNCATED. */
static void test_file_truncated(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	feed(s, APP_TOCLIENT, "000001010400000001" "88", false);
	feed(s, APP_TOCLIENT, "000004000000000001" "41424344", false);
	assert_int_equal(h2_parse(s, APP_TOCLIENT, NULL, 0, APP_CHUNK_EOF), APP_PARSE_OK);
	struct app_file_info fi;
	assert_true(app_http2.tx_file(stream_tx(s, 1), 0, &fi));
	assert_int_equal(fi.state, APP_FILE_TRUNCATED);
	assert_int_equal(fi.size, 4);
	h2_state_free(s);
}

/* h2c (suricata-verify's http2-disabled capture): the HTTP/1.1 request
 * that asked for the upgrade becomes stream 1's request, its
 * HTTP2-Settings the client's settings; a bad HTTP2-Settings raises
 * invalid_http1_settings. */
static void upgrade_case(const char *settings, bool valid)
{
	char req[512];
	snprintf(req, sizeof(req),
		 "GET /robots.txt HTTP/1.1\r\nHost: nghttp2.org\r\nUser-Agent: curl/7.61.0\r\n"
		 "Accept: */*\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
		 "HTTP2-Settings: %s\r\n\r\n",
		 settings);
	const char *resp = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
	struct http_state *hs = http_state_new();
	assert_int_equal(http_parse(hs, APP_TOSERVER, (const uint8_t *)req, (uint32_t)strlen(req), 0),
			 APP_PARSE_OK);
	http_parse(hs, APP_TOCLIENT, (const uint8_t *)resp, (uint32_t)strlen(resp), 0);
	assert_int_equal(http_state_change_to(hs), APP_PROTO_HTTP2);
	const struct http_tx *ht = http_state_upgrade_tx(hs);
	assert_non_null(ht);
	struct h2_state *s = h2_state_new();
	h2_upgrade_from_http1(s, ht);
	/* the server's answer on stream 1 joins it */
	feed(s, APP_TOCLIENT, "000001010500000001" "88", false);
	const struct h2_tx *tx = stream_tx(s, 1);
	assert_int_equal(tx->id, 0);
	assert_header(tx, APP_TOSERVER, ":method", "GET");
	assert_header(tx, APP_TOSERVER, ":path", "/robots.txt");
	assert_header(tx, APP_TOSERVER, "Host", "nghttp2.org");
	assert_header(tx, APP_TOCLIENT, ":status", "200");
	assert_true(tx->side[APP_TOSERVER].done && tx->side[APP_TOCLIENT].done);
	if (valid) {
		assert_int_equal(tx->side[APP_TOSERVER].n_settings, 3);
		assert_int_equal(tx->side[APP_TOSERVER].settings[0].id, 3);
		assert_int_equal(tx->side[APP_TOSERVER].settings[0].value, 100);
		assert_int_equal(tx->side[APP_TOSERVER].settings[1].value, 1073741824);
		assert_int_equal(tx->events, 0);
	} else {
		assert_true(tx->events & (1u << H2_EV_INVALID_HTTP1_SETTINGS));
	}
	h2_state_free(s);
	http_state_free(hs);
}

static void test_h2c_upgrade(void **st)
{
	(void)st;
	upgrade_case("AAMAAABkAARAAAAAAAIAAAAA", true);
	upgrade_case("AAMAAABkAARAAAAAAAIAAAA", false); /* 17 bytes: not settings */
	upgrade_case("AAMA*ABk", false);
}

static void test_release(void **st)
{
	(void)st;
	struct h2_state *s = h2_state_new();
	for (size_t i = 0; i < sizeof(session) / sizeof(session[0]); i++)
		feed(s, session[i].dir, session[i].hex, false);
	h2_tx_release_upto(s, 3);
	assert_null(h2_tx_get(s, 2));
	assert_non_null(h2_tx_get(s, 3));
	assert_int_equal(h2_tx_count(s), 5);
	h2_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_session_whole),   cmocka_unit_test(test_session_bytewise),
	    cmocka_unit_test(test_truncated),	    cmocka_unit_test(test_bad_preface),
	    cmocka_unit_test(test_bad_hpack),	    cmocka_unit_test(test_continuation),
	    cmocka_unit_test(test_padded_priority), cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_long_frame),	    cmocka_unit_test(test_release),
	    cmocka_unit_test(test_doh_limit),	    cmocka_unit_test(test_bad_gzip),
	    cmocka_unit_test(test_file_truncated), cmocka_unit_test(test_h2c_upgrade),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
