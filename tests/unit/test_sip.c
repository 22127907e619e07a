/*
 * test_sip.c — app/sip.c and sip-log.c through the descriptor app_sip:
 * real messages (test_sip_vectors.h) over UDP and TCP, whole and in every
 * split; compact and repeated headers; SDP bodies; and truncated and
 * corrupted variants (a cut message, a bad request or status line, a
 * header without a colon, a bad Content-Length, a gap, an overlong TCP
 * message), the events they raise, the probes and the EVE object.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/sip.h"
#include "util/json.h"

#include "test_app_session.h"
#include "test_sip_vectors.h"

static void *new_state(bool tcp)
{
	struct app_flow_info fi = {.tcp = tcp, .server_port = 5060};
	void *s = app_sip.state_new(&fi);
	assert_non_null(s);
	return s;
}

static void feed(void *s, enum app_dir dir, const void *d, size_t n, uint32_t flags)
{
	uint8_t *c = malloc(n ? n : 1); /* exact size: ASan catches a read past n */
	assert_non_null(c);
	if (n > 0)
		memcpy(c, d, n);
	assert_int_equal(app_sip.parse(s, dir, n > 0 ? c : NULL, (uint32_t)n, flags), APP_PARSE_OK);
	free(c);
}

static const struct sip_tx *tx_at(void *s, uint64_t id)
{
	const struct sip_tx *tx = app_sip.tx_get(s, id);
	assert_non_null(tx);
	return tx;
}

static void assert_span(const struct sip_tx *tx, struct sip_span sp, const char *want)
{
	uint32_t l;
	const uint8_t *v = sip_span_get(tx, sp, &l);
	assert_non_null(v);
	assert_int_equal(l, strlen(want));
	assert_memory_equal(v, want, l);
}

static void assert_header(const struct sip_tx *tx, enum sip_header_id id, uint32_t k,
			  const char *want)
{
	const uint8_t *v = NULL;
	uint32_t l = 0;
	assert_true(sip_header_value(tx, id, k, &v, &l));
	assert_int_equal(l, strlen(want));
	assert_memory_equal(v, want, l);
}

static void assert_sdp(const struct sip_tx *tx, char type, bool media, uint32_t k, const char *want)
{
	const uint8_t *v = NULL;
	uint32_t l = 0;
	assert_true(sip_sdp_value(tx, type, media, k, &v, &l));
	assert_int_equal(l, strlen(want));
	assert_memory_equal(v, want, l);
}

static char *eve(void *s, const void *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_sip.log_json(&j, s, tx, 0);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static bool has_event(void *s, const void *tx, enum sip_event ev)
{
	return app_sip.tx_has_event(s, tx, (int)ev);
}

/* ------------------------------------------------------------ UDP */

static void test_udp_request(void **st)
{
	(void)st;
	void *s = new_state(false);
	feed(s, APP_TOSERVER, sip_register, sizeof(sip_register), 0);
	assert_int_equal(app_sip.tx_count(s), 1);
	const struct sip_tx *tx = tx_at(s, 0);
	assert_true(tx->is_request);
	assert_span(tx, tx->method, "REGISTER");
	assert_span(tx, tx->uri, "sip:sip.cybercity.dk");
	assert_span(tx, tx->version, "SIP/2.0");
	assert_span(tx, tx->line, "REGISTER sip:sip.cybercity.dk SIP/2.0");
	assert_header(tx, SIP_H_FROM, 0, "<sip:voi18063@sip.cybercity.dk>;tag=903df0a");
	assert_header(tx, SIP_H_TO, 0, "<sip:voi18063@sip.cybercity.dk>");
	assert_header(tx, SIP_H_USER_AGENT, 0, "Nero SIPPS IP Phone Version 2.0.51.16");
	assert_header(tx, SIP_H_CONTENT_LENGTH, 0, "0");
	assert_header(tx, SIP_H_CALL_ID, 0, "578222729-4665d775@578222732-4665d772");
	/* "Contact:  <...>": the value starts after the spaces */
	assert_header(tx, SIP_H_CONTACT, 0,
		      "<sip:voi18063@192.168.1.2:5060;line=9c7d2dbd8822013c>;expires=1200;q=0.500");
	const uint8_t *v;
	uint32_t l;
	assert_false(sip_header_value(tx, SIP_H_FROM, 1, &v, &l));
	assert_false(sip_header_value(tx, SIP_H_CONTENT_TYPE, 0, &v, &l));
	assert_false(tx->has_sdp);
	assert_int_equal(tx->events, 0);
	assert_int_equal(app_sip.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_sip.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_NONE);
	assert_int_equal(app_sip.tx_msg_dir(tx), APP_TOSERVER);
	char *e = eve(s, tx);
	assert_string_equal(e, "{\"sip\":{\"method\":\"REGISTER\",\"uri\":\"sip:sip.cybercity.dk\","
			       "\"version\":\"SIP/2.0\",\"request_line\":\"REGISTER "
			       "sip:sip.cybercity.dk SIP/2.0\"}}");
	free(e);
	app_sip.state_free(s);
}

static void test_udp_response(void **st)
{
	(void)st;
	void *s = new_state(false);
	feed(s, APP_TOSERVER, sip_register, sizeof(sip_register), 0);
	feed(s, APP_TOCLIENT, sip_401, sizeof(sip_401), 0);
	assert_int_equal(app_sip.tx_count(s), 2);
	const struct sip_tx *tx = tx_at(s, 1);
	assert_false(tx->is_request);
	assert_span(tx, tx->version, "SIP/2.0");
	assert_span(tx, tx->code, "401");
	assert_span(tx, tx->reason, "Unauthorized");
	assert_header(tx, SIP_H_TO, 0,
		      "<sip:voi18063@sip.cybercity.dk>;tag=00-04092-1701af62-120c67172");
	assert_int_equal(tx->method.len, 0);
	assert_int_equal(app_sip.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_sip.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_NONE);
	char *e = eve(s, tx);
	assert_string_equal(e, "{\"sip\":{\"version\":\"SIP/2.0\",\"code\":\"401\",\"reason\":"
			       "\"Unauthorized\",\"response_line\":\"SIP/2.0 401 Unauthorized\"}}");
	free(e);
	/* released transactions are gone, the count stays */
	app_sip.tx_release_upto(s, 1);
	assert_null(app_sip.tx_get(s, 0));
	assert_non_null(app_sip.tx_get(s, 1));
	assert_int_equal(app_sip.tx_count(s), 2);
	app_sip.state_free(s);
}

/* A request the wrong way (Suricata parses requests to the server and
 * responses to the client only): invalid_data on the newest transaction. */
static void test_udp_wrong_direction(void **st)
{
	(void)st;
	void *s = new_state(false);
	/* with no transaction yet the event has nowhere to go */
	feed(s, APP_TOCLIENT, sip_register, sizeof(sip_register), 0);
	assert_int_equal(app_sip.tx_count(s), 0);
	feed(s, APP_TOSERVER, sip_register, sizeof(sip_register), 0);
	assert_int_equal(app_sip.tx_count(s), 1);
	assert_int_equal(tx_at(s, 0)->events, 0);
	feed(s, APP_TOSERVER, sip_401, sizeof(sip_401), 0);
	assert_int_equal(app_sip.tx_count(s), 1);
	assert_true(has_event(s, tx_at(s, 0), SIP_EV_INVALID_DATA));
	assert_false(has_event(s, tx_at(s, 0), SIP_EV_INCOMPLETE_DATA));
	/* released, the newest is gone: the next event is lost */
	app_sip.tx_release_upto(s, 1);
	feed(s, APP_TOCLIENT, sip_register, sizeof(sip_register), 0);
	feed(s, APP_TOCLIENT, sip_401, sizeof(sip_401), 0);
	assert_int_equal(tx_at(s, 1)->events, 0);
	app_sip.state_free(s);
}

/* Every cut of the REGISTER before its empty line is incomplete_data
 * (on the newest transaction, the 401 before it); none makes one. */
static void test_udp_truncated(void **st)
{
	(void)st;
	const uint8_t *end = NULL;
	for (size_t i = 0; i + 3 < sizeof(sip_register); i++)
		if (memcmp(sip_register + i, "\r\n\r\n", 4) == 0)
			end = sip_register + i;
	assert_non_null(end);
	size_t hdr_end = (size_t)(end - sip_register) + 4;
	for (size_t cut = 1; cut < hdr_end - 1; cut++) {
		void *s = new_state(false);
		feed(s, APP_TOCLIENT, sip_401, sizeof(sip_401), 0);
		feed(s, APP_TOSERVER, sip_register, cut, 0);
		assert_int_equal(app_sip.tx_count(s), 1);
		const struct sip_tx *tx = tx_at(s, 0);
		assert_true(has_event(s, tx, SIP_EV_INCOMPLETE_DATA));
		assert_false(has_event(s, tx, SIP_EV_INVALID_DATA));
		app_sip.state_free(s);
	}
}

static void test_udp_corrupted(void **st)
{
	(void)st;
	static const char *const bad[] = {
	    "REGISTER sip:x HTTP/1.1\r\nTo: a\r\n\r\n", /* not a SIP version */
	    "REGISTER  sip:x SIP/2.0\r\nTo: a\r\n\r\n", /* empty URI */
	    "REG1STER sip:x SIP/2.0\r\nTo: a\r\n\r\n",	/* method not alphabetic */
	    "REGISTER sip:x SIP/2.0\r\nTo a\r\n\r\n",	/* header without a colon */
	    "REGISTER sip:x SIP/2.0\r\n: a\r\n\r\n",	/* empty header name */
	    "\r\nREGISTER sip:x SIP/2.0\r\n\r\n",	/* empty first line */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *s = new_state(false);
		feed(s, APP_TOSERVER, sip_register, sizeof(sip_register), 0);
		feed(s, APP_TOSERVER, bad[i], strlen(bad[i]), 0);
		assert_int_equal(app_sip.tx_count(s), 1);
		assert_true(has_event(s, tx_at(s, 0), SIP_EV_INVALID_DATA));
		app_sip.state_free(s);
	}
	static const char *const bad_status[] = {
	    "SIP/2.0 40 Short\r\n\r\n", "SIP/2.0 4x1 Bad\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n",
	    "SIP/2.0 200\r\n\r\n", /* no space before the (empty) reason */
	};
	for (size_t i = 0; i < sizeof(bad_status) / sizeof(bad_status[0]); i++) {
		void *s = new_state(false);
		feed(s, APP_TOCLIENT, bad_status[i], strlen(bad_status[i]), 0);
		assert_int_equal(app_sip.tx_count(s), 0);
		app_sip.state_free(s);
	}
}

/* A status line with an empty reason phrase is one. */
static void test_empty_reason(void **st)
{
	(void)st;
	void *s = new_state(false);
	const char *m = "SIP/2.0 200 \r\nCSeq: 1 BYE\r\n\r\n";
	feed(s, APP_TOCLIENT, m, strlen(m), 0);
	assert_int_equal(app_sip.tx_count(s), 1);
	const struct sip_tx *tx = tx_at(s, 0);
	assert_span(tx, tx->code, "200");
	assert_int_equal(tx->reason.len, 0);
	char *e = eve(s, tx);
	assert_string_equal(e, "{\"sip\":{\"version\":\"SIP/2.0\",\"code\":\"200\",\"reason\":\"\","
			       "\"response_line\":\"SIP/2.0 200 \"}}");
	free(e);
	app_sip.state_free(s);
}

/* ------------------------------------------------------------ headers */

static void test_compact_form(void **st)
{
	(void)st;
	void *s = new_state(false);
	feed(s, APP_TOSERVER, sip_compact_invite, sizeof(sip_compact_invite), 0);
	const struct sip_tx *tx = tx_at(s, 0);
	/* the capture has the quotes escaped, as its generator wrote them */
	assert_header(tx, SIP_H_FROM, 0, "\\\"arik\\\" <sip:816666@voip.brurjula.net>;tag=6433ef9");
	assert_header(tx, SIP_H_TO, 0, "<sip:97239287044@voip.brujula.net>");
	assert_header(tx, SIP_H_VIA, 0,
		      "SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bKnp104984053-44ce4a41192.168.1.2;"
		      "rport");
	assert_header(tx, SIP_H_CONTENT_TYPE, 0, "application/sdp");
	assert_header(tx, SIP_H_CONTENT_LENGTH, 0, "272");
	assert_true(tx->has_sdp);
	app_sip.state_free(s);
}

/* The same header twice (in long and compact form): two instances. */
static void test_multi_value(void **st)
{
	(void)st;
	const char *msg = "INVITE sip:97239287044@voip.brujula.net SIP/2.0\r\n"
			  "t: <sip:97239287044@voip.brujula.net>\r\n"
			  "To: <sip:12345@voip.brujula.net>\r\n"
			  "VIA : SIP/2.0/UDP a\r\n"
			  "Subject: first line\r\n"
			  " folded\r\n"
			  "\r\n";
	void *s = new_state(false);
	feed(s, APP_TOSERVER, msg, strlen(msg), 0);
	const struct sip_tx *tx = tx_at(s, 0);
	assert_header(tx, SIP_H_TO, 0, "<sip:97239287044@voip.brujula.net>");
	assert_header(tx, SIP_H_TO, 1, "<sip:12345@voip.brujula.net>");
	assert_header(tx, SIP_H_VIA, 0, "SIP/2.0/UDP a"); /* space before the colon */
	const uint8_t *v;
	uint32_t l;
	assert_false(sip_header_value(tx, SIP_H_TO, 2, &v, &l));
	assert_int_equal(tx->n_headers, 4);
	assert_int_equal(tx->headers[3].value.len, strlen("first line\r\n folded"));
	app_sip.state_free(s);
}

/* ------------------------------------------------------------ SDP */

static void test_sdp(void **st)
{
	(void)st;
	void *s = new_state(false);
	feed(s, APP_TOSERVER, sip_sdp_invite, sizeof(sip_sdp_invite), 0);
	feed(s, APP_TOCLIENT, sip_sdp_200, sizeof(sip_sdp_200), 0);
	for (uint64_t id = 0; id < 2; id++) {
		const struct sip_tx *tx = tx_at(s, id);
		assert_true(tx->has_sdp);
		assert_sdp(tx, 'o', false, 0, "SIPPS 105015165 105015162 IN IP4 192.168.1.2");
		assert_sdp(tx, 's', false, 0, "SIP call");
		assert_sdp(tx, 'i', false, 0, "Session Description Protocol");
		assert_sdp(tx, 'b', false, 0, "AS:64");
		assert_sdp(tx, 't', false, 0, "3034423619 3042462419");
		assert_sdp(tx, 'r', false, 0, "604800 3600 0 90000");
		assert_sdp(tx, 'z', false, 0, "2882844526 -1h 2898848070 0");
		assert_sdp(tx, 'a', false, 0, "sendrecv");
		assert_sdp(tx, 'm', true, 0, "audio 30000 RTP/AVP 0 8 97 2 3");
		assert_sdp(tx, 'i', true, 0, "media info");
		assert_sdp(tx, 'a', true, 0, "rtpmap:0 pcmu/8000");
		const uint8_t *v;
		uint32_t l;
		assert_false(sip_sdp_value(tx, 'a', false, 1, &v, &l));
		assert_false(sip_sdp_value(tx, 'm', false, 0, &v, &l));
	}
	char *e = eve(s, tx_at(s, 0));
	assert_non_null(strstr(e, "\"sdp\":{\"origin\":\"SIPPS 105015165 105015162 IN IP4 "
				  "192.168.1.2\",\"session_name\":\"SIP call\""));
	assert_non_null(strstr(e, "\"bandwidths\":[\"AS:64\"],\"time_descriptions\":[{\"time\":"
				  "\"3034423619 3042462419\",\"repeat_time\":\"604800 3600 0 "
				  "90000\"}],\"timezone\":\"2882844526 -1h 2898848070 0\""));
	assert_non_null(strstr(e, "\"media_descriptions\":[{\"media\":\"audio 30000 RTP/AVP 0 8 "
				  "97 2 3\",\"media_info\":\"media info\",\"connection_data\":"
				  "\"IN IP4 192.168.1.2\",\"encryption_key\":\"prompt\","
				  "\"attributes\":[\"rtpmap:0 pcmu/8000\"]}]"));
	free(e);
	app_sip.state_free(s);
}

/* A body that is not SDP by its type, or does not start with v=, is no
 * SDP; a malformed line ends the description there. */
static void test_sdp_variants(void **st)
{
	(void)st;
	const char *other = "MESSAGE sip:a SIP/2.0\r\nContent-Type: text/plain\r\n\r\nv=0\r\n";
	const char *no_v = "INVITE sip:a SIP/2.0\r\nc: application/sdp\r\n\r\no=x\r\nv=0\r\n";
	const char *cut = "INVITE sip:a SIP/2.0\r\nContent-Type: Application/SDP\r\n\r\n"
			  "v=0\r\ns=name\r\nthis is not sdp\r\na=late\r\n";
	void *s = new_state(false);
	feed(s, APP_TOSERVER, other, strlen(other), 0);
	feed(s, APP_TOSERVER, no_v, strlen(no_v), 0);
	feed(s, APP_TOSERVER, cut, strlen(cut), 0);
	assert_false(tx_at(s, 0)->has_sdp);
	assert_false(tx_at(s, 1)->has_sdp);
	const struct sip_tx *tx = tx_at(s, 2);
	assert_true(tx->has_sdp);
	assert_int_equal(tx->n_sdp, 2);
	assert_sdp(tx, 's', false, 0, "name");
	app_sip.state_free(s);
}

/* ------------------------------------------------------------ TCP */

static uint8_t *tcp_stream(size_t *n)
{
	*n = sizeof(sip_tcp_register_1) + sizeof(sip_tcp_register_2);
	uint8_t *b = malloc(*n);
	assert_non_null(b);
	memcpy(b, sip_tcp_register_1, sizeof(sip_tcp_register_1));
	memcpy(b + sizeof(sip_tcp_register_1), sip_tcp_register_2, sizeof(sip_tcp_register_2));
	return b;
}

static void test_tcp_segments(void **st)
{
	(void)st;
	void *s = new_state(true);
	feed(s, APP_TOSERVER, sip_tcp_register_1, sizeof(sip_tcp_register_1), 0);
	assert_int_equal(app_sip.tx_count(s), 0);
	feed(s, APP_TOSERVER, sip_tcp_register_2, sizeof(sip_tcp_register_2), 0);
	assert_int_equal(app_sip.tx_count(s), 1);
	const struct sip_tx *tx = tx_at(s, 0);
	assert_span(tx, tx->uri, "sip:192.168.43.100;transport=TCP");
	assert_header(tx, SIP_H_USER_AGENT, 0, "Zoiper rv2.10.3.2");
	feed(s, APP_TOCLIENT, sip_tcp_200, sizeof(sip_tcp_200), APP_CHUNK_EOF);
	assert_int_equal(app_sip.tx_count(s), 2);
	assert_span(tx_at(s, 1), tx_at(s, 1)->line, "SIP/2.0 200 OK");
	assert_int_equal(tx_at(s, 1)->events, 0);
	app_sip.state_free(s);
}

/* Every split of the stream, and byte by byte: the same one message. */
static void test_tcp_every_split(void **st)
{
	(void)st;
	size_t n;
	uint8_t *b = tcp_stream(&n);
	for (size_t cut = 1; cut < n; cut++) {
		void *s = new_state(true);
		feed(s, APP_TOSERVER, b, cut, 0);
		feed(s, APP_TOSERVER, b + cut, n - cut, 0);
		assert_int_equal(app_sip.tx_count(s), 1);
		assert_int_equal(tx_at(s, 0)->len, n);
		app_sip.state_free(s);
	}
	void *s = new_state(true);
	for (size_t i = 0; i < n; i++)
		feed(s, APP_TOSERVER, b + i, 1, 0);
	assert_int_equal(app_sip.tx_count(s), 1);
	app_sip.state_free(s);
	free(b);
}

/* A body of Content-Length bytes, then the next message in the same
 * segment; a message cut by the end of the stream is incomplete_data. */
static void test_tcp_body(void **st)
{
	(void)st;
	const char *two = "MESSAGE sip:a SIP/2.0\r\nl: 5\r\n\r\nhelloOPTIONS sip:b SIP/2.0\r\n"
			  "Content-Length: 0\r\n\r\nINFO sip:c SIP/2.0\r\nl: 9\r\n\r\ncut";
	void *s = new_state(true);
	feed(s, APP_TOSERVER, two, strlen(two), 0);
	assert_int_equal(app_sip.tx_count(s), 2);
	const struct sip_tx *tx = tx_at(s, 0);
	assert_int_equal(tx->body.len, 5);
	assert_memory_equal(tx->data + tx->body.off, "hello", 5);
	assert_span(tx_at(s, 1), tx_at(s, 1)->method, "OPTIONS");
	feed(s, APP_TOSERVER, NULL, 0, APP_CHUNK_EOF);
	assert_true(has_event(s, tx_at(s, 1), SIP_EV_INCOMPLETE_DATA));
	app_sip.state_free(s);
}

/* A bad Content-Length, a gap and an overlong message: invalid_data, and
 * parsing resumes at the next message. */
static void test_tcp_corrupted(void **st)
{
	(void)st;
	const char *bad_len = "MESSAGE sip:a SIP/2.0\r\nContent-Length: 1x\r\n\r\nx";
	void *s = new_state(true);
	feed(s, APP_TOSERVER, sip_tcp_register_1, sizeof(sip_tcp_register_1), 0);
	feed(s, APP_TOSERVER, sip_tcp_register_2, sizeof(sip_tcp_register_2), 0);
	feed(s, APP_TOSERVER, bad_len, strlen(bad_len), 0);
	assert_int_equal(app_sip.tx_count(s), 1);
	assert_true(has_event(s, tx_at(s, 0), SIP_EV_INVALID_DATA));
	feed(s, APP_TOSERVER, sip_tcp_register_1, sizeof(sip_tcp_register_1), 0);
	feed(s, APP_TOSERVER, sip_tcp_register_2, sizeof(sip_tcp_register_2), 0);
	assert_int_equal(app_sip.tx_count(s), 2);

	/* a gap in the middle of a message: dropped until a new one starts */
	feed(s, APP_TOSERVER, sip_tcp_register_1, 40, 0);
	feed(s, APP_TOSERVER, sip_tcp_register_2, sizeof(sip_tcp_register_2), APP_CHUNK_GAP);
	assert_int_equal(app_sip.tx_count(s), 2);
	feed(s, APP_TOSERVER, sip_tcp_register_1, sizeof(sip_tcp_register_1), 0);
	feed(s, APP_TOSERVER, sip_tcp_register_2, sizeof(sip_tcp_register_2), 0);
	assert_int_equal(app_sip.tx_count(s), 3);

	/* a header section that never ends, past the cap */
	const char *head = "MESSAGE sip:a SIP/2.0\r\n";
	feed(s, APP_TOSERVER, head, strlen(head), 0);
	char *junk = malloc(4096);
	assert_non_null(junk);
	memset(junk, 'a', 4096);
	junk[4094] = '\r';
	junk[4095] = '\n';
	for (int i = 0; i < (int)(SIP_MAX_MESSAGE / 4096) + 2; i++)
		feed(s, APP_TOSERVER, junk, 4096, 0);
	free(junk);
	assert_int_equal(app_sip.tx_count(s), 3);
	assert_true(has_event(s, tx_at(s, 2), SIP_EV_INVALID_DATA));
	feed(s, APP_TOSERVER, sip_tcp_register_1, sizeof(sip_tcp_register_1), 0);
	feed(s, APP_TOSERVER, sip_tcp_register_2, sizeof(sip_tcp_register_2), 0);
	assert_int_equal(app_sip.tx_count(s), 4);
	app_sip.state_free(s);
}

/* Unreleased transactions: at most SIP_MAX_LIVE_TXS, and at most
 * SIP_STATE_MEMCAP bytes of messages; the oldest go first. */
static void test_live_caps(void **st)
{
	(void)st;
	void *s = new_state(false);
	for (int i = 0; i < SIP_MAX_LIVE_TXS + 10; i++)
		feed(s, APP_TOSERVER, sip_register, sizeof(sip_register), 0);
	assert_int_equal(app_sip.tx_count(s), SIP_MAX_LIVE_TXS + 10);
	assert_null(app_sip.tx_get(s, 9));
	assert_non_null(app_sip.tx_get(s, 10));
	app_sip.state_free(s);

	/* TCP messages of 200 kB: the memory cap decides first */
	const uint32_t body = 200 * 1024;
	char head[128];
	int hl = snprintf(head, sizeof(head), "MESSAGE sip:a SIP/2.0\r\nl: %u\r\n\r\n", body);
	uint8_t *msg = malloc((size_t)hl + body);
	assert_non_null(msg);
	memcpy(msg, head, (size_t)hl);
	memset(msg + hl, 'x', body);
	s = new_state(true);
	uint32_t n = SIP_STATE_MEMCAP / body + 5;
	for (uint32_t i = 0; i < n; i++)
		feed(s, APP_TOSERVER, msg, (size_t)hl + body, 0);
	free(msg);
	assert_int_equal(app_sip.tx_count(s), n);
	assert_null(app_sip.tx_get(s, 0));
	assert_non_null(app_sip.tx_get(s, n - 1));
	uint64_t held = 0;
	for (uint64_t id = 0; id < n; id++)
		if (app_sip.tx_get(s, id) != NULL)
			held += tx_at(s, id)->len;
	assert_true(held <= SIP_STATE_MEMCAP);
	app_sip.state_free(s);
}

/* ------------------------------------------------------------ probes */

static void test_probe(void **st)
{
	(void)st;
	struct app_probe_in udp_ts = {.dir = APP_TOSERVER, .tcp = false, .sp = 5060, .dp = 5060};
	struct app_probe_in udp_tc = {.dir = APP_TOCLIENT, .tcp = false, .sp = 5060, .dp = 5060};
	struct app_probe_in tcp_ts = {.dir = APP_TOSERVER, .tcp = true, .sp = 40000, .dp = 5060};
	assert_int_equal(app_sip.probe(&udp_ts, sip_register, sizeof(sip_register)),
			 APP_PROBE_MATCH);
	assert_int_equal(app_sip.probe(&udp_tc, sip_401, sizeof(sip_401)), APP_PROBE_MATCH);
	assert_int_equal(app_sip.probe(&udp_tc, sip_register, sizeof(sip_register)), APP_PROBE_NO);
	assert_int_equal(app_sip.probe(&udp_ts, (const uint8_t *)"hello", 5), APP_PROBE_NO);
	/* a datagram cut before its empty line is no SIP */
	assert_int_equal(app_sip.probe(&udp_ts, sip_register, 60), APP_PROBE_NO);
	assert_int_equal(app_sip.probe_port(&udp_ts, (const uint8_t *)"\0\0\0\0", 4), APP_PROBE_NO);
	/* TCP: the first line decides */
	assert_int_equal(app_sip.probe(&tcp_ts, sip_tcp_register_1, 4), APP_PROBE_NEED_MORE);
	assert_int_equal(app_sip.probe(&tcp_ts, sip_tcp_register_1, 60), APP_PROBE_MATCH);
	assert_int_equal(app_sip.probe(&tcp_ts, (const uint8_t *)"GET / HTTP/1.1\r\n", 16),
			 APP_PROBE_NO);
	assert_int_equal(app_sip.probe(&tcp_ts, (const uint8_t *)"\x16\x03\x01", 3), APP_PROBE_NO);
}

/* The real REGISTER over TCP (two segments) and its 200 OK through the
 * whole pipeline on port 5060: buffers, frames and the absence of events,
 * each alerting once. */
static void test_rules_and_frames(void **st)
{
	(void)st;
	struct run r;
	run_init(&r,
		 "alert sip any any -> any any (flow:to_server; sip.method; content:\"REGISTER\"; "
		 "sid:1;)\n"
		 "alert sip any any -> any any (flow:to_client; sip.stat_code; content:\"200\"; "
		 "sid:2;)\n"
		 "alert sip any any -> any any (sip.user_agent; content:\"Zoiper\"; sid:3;)\n"
		 "alert sip any any -> any any (frame:request.line; content:\"SIP/2.0|0d 0a|\"; "
		 "endswith; sid:4;)\n"
		 "alert sip any any -> any any (frame:response.headers; content:\"Via:\"; "
		 "startswith; content:\"Content-Length: 0|0d 0a|\"; endswith; sid:5;)\n"
		 "alert sip any any -> any any (frame:pdu; content:\"REGISTER\"; startswith; "
		 "sid:6;)\n"
		 "alert sip any any -> any any (app-layer-event:sip.invalid_data; sid:7;)\n"
		 "alert sip any any -> any any (sip.method; content:\"200\"; sid:8;)\n",
		 8);
	const struct seg segs[] = {
	    {1, sip_tcp_register_1, sizeof(sip_tcp_register_1)},
	    {1, sip_tcp_register_2, sizeof(sip_tcp_register_2)},
	    {0, sip_tcp_200, sizeof(sip_tcp_200)},
	};
	run_session(&r, 5060, segs, sizeof(segs) / sizeof(segs[0]));
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_SIP);
	for (uint32_t sid = 1; sid <= 6; sid++)
		if (count_sid(&r.hits, sid) != 1)
			fail_msg("sid %u: %u alerts", sid, count_sid(&r.hits, sid));
	assert_int_equal(count_sid(&r.hits, 7), 0);
	assert_int_equal(count_sid(&r.hits, 8), 0);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_udp_request),		cmocka_unit_test(test_udp_response),
	    cmocka_unit_test(test_udp_wrong_direction), cmocka_unit_test(test_udp_truncated),
	    cmocka_unit_test(test_udp_corrupted),	cmocka_unit_test(test_compact_form),
	    cmocka_unit_test(test_multi_value),		cmocka_unit_test(test_sdp),
	    cmocka_unit_test(test_sdp_variants),	cmocka_unit_test(test_tcp_segments),
	    cmocka_unit_test(test_tcp_every_split),	cmocka_unit_test(test_tcp_body),
	    cmocka_unit_test(test_tcp_corrupted),	cmocka_unit_test(test_live_caps),
	    cmocka_unit_test(test_empty_reason),	cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_rules_and_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
