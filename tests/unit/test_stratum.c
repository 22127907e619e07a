/*
 * test_stratum.c — app/stratum.c and stratum-log.c through the descriptor
 * app_stratum: the miner/pool exchange of vigil's crypto-theft scenario
 * (the bytes `vigil scenario write crypto-theft` puts on the wire, as
 * tshark shows them) in every split and every truncation, corrupted and
 * neighbouring variants (XMRig's login, string ids, error replies, CRLF,
 * lines without their newline at EOF), the events (invalid_json,
 * line_too_long, response_without_request), gaps, the transaction cap,
 * detection, side/log decisions, the EVE object, and the stratum.*
 * buffers through the whole pipeline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/stratum.h"
#include "util/json.h"

#include "test_app_run.h"

/* The scenario's session (frames 225-236 of crypto-theft, seed 7 layout). */
#define SUBSCRIBE "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cpuminer-opt/23.15\"]}\n"
#define SUB_REPLY                                                                                  \
	"{\"id\":1,\"result\":[[[\"mining.set_difficulty\",\"059715df\"],[\"mining.notify\","      \
	"\"80f4fec8\"]],\"e0ec4170\",4],\"error\":null}\n"
#define WALLET "bc1q9h7garjhs2xq5sm3d4ekhmw5q6c0nq5rxx0zv4.build02"
#define AUTHORIZE "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"" WALLET "\",\"x\"]}\n"
#define AUTH_REPLY "{\"id\":2,\"result\":true,\"error\":null}\n"
#define SET_DIFF "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[65536]}\n"
#define NOTIFY                                                                                     \
	"{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"5e8c\","                          \
	"\"e3de0c53872c243cef7ccb79"                                                               \
	"6786204a9d93802d43ef947e0899781a07902353\","                                              \
	"\"01000000010000000000000000000000000000000000"                                           \
	"000000000000000000000000000000ffffffff4b03\",\"98add8dd\",[],\"20000000\",\"17034219\","  \
	"\"69afd0c4\",true]}\n"
#define SUBMIT                                                                                     \
	"{\"id\":3,\"method\":\"mining.submit\",\"params\":[\"" WALLET "\",\"5e8c\",\"a1b2c3d4\"," \
	"\"69afd0d0\",\"0badcafe\"]}\n"
#define SUBMIT_REPLY "{\"id\":3,\"result\":true,\"error\":null}\n"

static const char ts_stream[] = SUBSCRIBE AUTHORIZE SUBMIT;
static const char tc_stream[] = SUB_REPLY AUTH_REPLY SET_DIFF NOTIFY SUBMIT_REPLY;

/* ---- helpers ---- */

static struct stratum_state *new_state(void)
{
	struct app_flow_info fi = {.tcp = true, .server_port = 3333};
	struct stratum_state *s = app_stratum.state_new(&fi);
	assert_non_null(s);
	return s;
}

static void feed(struct stratum_state *s, enum app_dir dir, const char *d, size_t n, uint32_t flags)
{
	/* an exact-size copy so that a read past n shows under ASan */
	uint8_t *b = malloc(n ? n : 1);
	memcpy(b, d, n);
	assert_int_equal(app_stratum.parse(s, dir, b, (uint32_t)n, flags), APP_PARSE_OK);
	free(b);
}

static const struct stratum_tx *tx_at(struct stratum_state *s, uint64_t id)
{
	const struct stratum_tx *tx = app_stratum.tx_get(s, id);
	assert_non_null(tx);
	return tx;
}

static bool has_ev(struct stratum_state *s, const struct stratum_tx *tx, enum stratum_event ev)
{
	return app_stratum.tx_has_event(s, tx, (int)ev);
}

static void assert_str(const struct stratum_str *s, const char *want)
{
	if (want == NULL) {
		assert_null(s->s);
		return;
	}
	assert_non_null(s->s);
	assert_int_equal(s->len, strlen(want));
	assert_string_equal(s->s, want);
}

static char *eve_of(struct stratum_state *s, const struct stratum_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_stratum.log_json(&j, s, tx, 0);
	json_close_object(&j);
	char *out = strndup(j.buf, j.len);
	json_free(&j);
	return out;
}

/* The transactions of the whole session, interleaved as on the wire. */
static void check_session(struct stratum_state *s)
{
	assert_int_equal(app_stratum.tx_count(s), 5);
	const struct stratum_tx *t = tx_at(s, 0);
	assert_int_equal(t->kind, STRATUM_TX_REQUEST);
	assert_int_equal(t->dir, APP_TOSERVER);
	assert_true(t->answered);
	assert_str(&t->method, "mining.subscribe");
	assert_str(&t->id, "1");
	assert_str(&t->agent, "cpuminer-opt/23.15");
	assert_str(&t->result, "[[[\"mining.set_difficulty\",\"059715df\"],[\"mining.notify\","
			       "\"80f4fec8\"]],\"e0ec4170\",4]");
	assert_str(&t->error, "null");
	t = tx_at(s, 1);
	assert_str(&t->method, "mining.authorize");
	assert_str(&t->worker, WALLET);
	assert_str(&t->result, "true");
	t = tx_at(s, 2);
	assert_str(&t->method, "mining.submit");
	assert_str(&t->worker, WALLET);
	assert_str(&t->job_id, "5e8c");
	assert_true(t->answered);
	t = tx_at(s, 3);
	assert_int_equal(t->kind, STRATUM_TX_NOTIFICATION);
	assert_int_equal(t->dir, APP_TOCLIENT);
	assert_str(&t->method, "mining.set_difficulty");
	assert_null(t->id.s);
	assert_true(t->has_difficulty);
	assert_true(t->difficulty == 65536.0);
	t = tx_at(s, 4);
	assert_str(&t->method, "mining.notify");
	assert_str(&t->job_id, "5e8c");
	for (uint64_t i = 0; i < 5; i++)
		for (int e = 0; e < STRATUM_EV_COUNT; e++)
			assert_false(has_ev(s, tx_at(s, i), (enum stratum_event)e));
}

/* ---- tests ---- */

static void test_session_whole(void **state)
{
	struct stratum_state *s = new_state();
	feed(s, APP_TOSERVER, ts_stream, strlen(ts_stream), 0);
	feed(s, APP_TOCLIENT, tc_stream, strlen(tc_stream), 0);
	check_session(s);
	char *e = eve_of(s, tx_at(s, 2));
	assert_string_equal(
	    e, "{\"stratum\":{\"method\":\"mining.submit\",\"id\":3,\"worker\":\"" WALLET
	       "\",\"result\":true,\"error\":null,\"job_id\":\"5e8c\"}}");
	free(e);
	e = eve_of(s, tx_at(s, 3));
	assert_string_equal(
	    e, "{\"stratum\":{\"method\":\"mining.set_difficulty\",\"difficulty\":65536}}");
	free(e);
	app_stratum.state_free(s);
}

/* Every split point of each direction gives the same transactions. */
static void test_session_every_split(void **state)
{
	size_t nts = strlen(ts_stream), ntc = strlen(tc_stream);
	for (size_t k = 1; k < (nts > ntc ? nts : ntc); k++) {
		struct stratum_state *s = new_state();
		size_t a = k < nts ? k : nts, b = k < ntc ? k : ntc;
		/* (the miner's side first: a reply before its request answers nothing) */
		feed(s, APP_TOSERVER, ts_stream, a, 0);
		feed(s, APP_TOSERVER, ts_stream + a, nts - a, 0);
		feed(s, APP_TOCLIENT, tc_stream, b, 0);
		feed(s, APP_TOCLIENT, tc_stream + b, ntc - b, 0);
		check_session(s);
		app_stratum.state_free(s);
	}
}

/* One byte at a time. */
static void test_session_bytewise(void **state)
{
	struct stratum_state *s = new_state();
	for (size_t i = 0; ts_stream[i]; i++)
		feed(s, APP_TOSERVER, ts_stream + i, 1, 0);
	for (size_t i = 0; tc_stream[i]; i++)
		feed(s, APP_TOCLIENT, tc_stream + i, 1, 0);
	check_session(s);
	app_stratum.state_free(s);
}

/* Every truncation of the miner's side: only complete lines count; at the
 * direction's end a complete object without its newline counts too, a cut
 * one is invalid_json. */
static void test_truncations(void **state)
{
	size_t n = strlen(ts_stream);
	for (size_t k = 0; k <= n; k++) {
		struct stratum_state *s = new_state();
		feed(s, APP_TOSERVER, ts_stream, k, 0);
		uint64_t lines = 0;
		for (size_t i = 0; i < k; i++)
			lines += ts_stream[i] == '\n';
		assert_int_equal(app_stratum.tx_count(s), lines);
		feed(s, APP_TOSERVER, "", 0, APP_CHUNK_EOF);
		uint64_t c = app_stratum.tx_count(s);
		bool partial = k > 0 && ts_stream[k - 1] != '\n';
		assert_int_equal(c, lines + (partial ? 1 : 0));
		if (partial) {
			const struct stratum_tx *t = tx_at(s, c - 1);
			/* the cut after a line's closing brace is still that request */
			bool whole = ts_stream[k - 1] == '}' && ts_stream[k] == '\n';
			assert_int_equal(has_ev(s, t, STRATUM_EV_INVALID_JSON), !whole);
		}
		app_stratum.state_free(s);
	}
}

static void test_corrupted(void **state)
{
	struct stratum_state *s = new_state();
	/* the authorize line with its first quote of the wallet dropped */
	char bad[] = AUTHORIZE;
	char *q = strstr(bad, "[\"bc1q");
	memmove(q + 1, q + 2, strlen(q + 2) + 1);
	feed(s, APP_TOSERVER, bad, strlen(bad), 0);
	feed(s, APP_TOSERVER, "[1,2,3]\n", 8, 0);   /* JSON, not an object */
	feed(s, APP_TOSERVER, "{\"x\":1}\n", 8, 0); /* an object, not JSON-RPC */
	feed(s, APP_TOSERVER, "\r\n  \n", 5, 0);    /* blank lines: nothing */
	assert_int_equal(app_stratum.tx_count(s), 3);
	for (uint64_t i = 0; i < 3; i++) {
		assert_int_equal(tx_at(s, i)->kind, STRATUM_TX_EVENT);
		assert_true(has_ev(s, tx_at(s, i), STRATUM_EV_INVALID_JSON));
		/* an event-only transaction is one message: logged at once */
		assert_int_equal(app_stratum.tx_log(s, tx_at(s, i), false), APP_LOG_NOW);
	}
	/* the authorize reply now answers nothing */
	feed(s, APP_TOCLIENT, AUTH_REPLY, strlen(AUTH_REPLY), 0);
	const struct stratum_tx *t = tx_at(s, 3);
	assert_int_equal(t->kind, STRATUM_TX_RESPONSE);
	assert_true(has_ev(s, t, STRATUM_EV_RESPONSE_WITHOUT_REQUEST));
	assert_str(&t->id, "2");
	assert_str(&t->result, "true");
	/* an Ethereum proxy's work push: a reply with id 0, no event */
	const char *push = "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":[\"0x4155\",\"0x71a5\"]}\n";
	feed(s, APP_TOCLIENT, push, strlen(push), 0);
	t = tx_at(s, 4);
	assert_int_equal(t->kind, STRATUM_TX_RESPONSE);
	assert_false(has_ev(s, t, STRATUM_EV_RESPONSE_WITHOUT_REQUEST));
	assert_str(&t->result, "[\"0x4155\",\"0x71a5\"]");
	app_stratum.state_free(s);
}

/* Neighbours of the scenario's shapes: XMRig's login, string ids, an
 * error reply, CRLF line ends, a reply to a request of the same
 * direction (not an answer), ids compared as JSON (1 != "1"). */
static void test_variants(void **state)
{
	struct stratum_state *s = new_state();
	const char *login =
	    "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{\"login\":"
	    "\"48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j"
	    "8nLwEVsaSWJ4fhdUyZijBGUicoD\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\"}}"
	    "\r\n";
	feed(s, APP_TOSERVER, login, strlen(login), 0);
	const char *sub = "{\"id\":\"a7\",\"method\":\"mining.subscribe\",\"params\":[]}\n";
	feed(s, APP_TOSERVER, sub, strlen(sub), 0);
	const char *same_dir = "{\"id\":\"a7\",\"result\":true}\n";
	feed(s, APP_TOSERVER, same_dir, strlen(same_dir), 0);
	const char *submit = "{\"method\":\"submit\",\"params\":{\"id\":\"4790\",\"job_id\":"
			     "\"722134174127131\",\"nonce\":\"98024001\"},\"id\":4}\n";
	const char *num_id = "{\"id\":1,\"result\":null,\"error\":[21,\"Job not found\",null]}\n";
	const char *str_id = "{\"id\":\"a7\",\"result\":[null,\"08000002\",4],\"error\":null}\n";
	feed(s, APP_TOCLIENT, str_id, strlen(str_id), 0);
	feed(s, APP_TOCLIENT, num_id, strlen(num_id), 0);
	feed(s, APP_TOSERVER, submit, strlen(submit), 0);
	assert_int_equal(app_stratum.tx_count(s), 4);
	assert_str(&tx_at(s, 3)->job_id, "722134174127131");
	assert_null(tx_at(s, 3)->worker.s);
	const struct stratum_tx *t = tx_at(s, 0);
	assert_str(&t->method, "login");
	assert_str(&t->worker, "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1"
			       "j8nLwEVsaSWJ4fhdUyZijBGUicoD");
	assert_str(&t->agent, "XMRig/6.21.0");
	assert_str(&t->error, "[21,\"Job not found\",null]");
	assert_str(&t->result, "null");
	t = tx_at(s, 1);
	assert_str(&t->id, "\"a7\"");
	assert_null(t->agent.s); /* no parameters */
	assert_str(&t->result, "[null,\"08000002\",4]");
	t = tx_at(s, 2);
	assert_int_equal(t->kind, STRATUM_TX_RESPONSE);
	assert_int_equal(t->dir, APP_TOSERVER);
	char *e = eve_of(s, tx_at(s, 0));
	assert_non_null(strstr(e, "\"error\":[21,\"Job not found\",null]"));
	free(e);
	e = eve_of(s, tx_at(s, 1));
	assert_non_null(strstr(e, "\"id\":\"a7\""));
	free(e);
	app_stratum.state_free(s);
}

static void test_line_too_long(void **state)
{
	struct stratum_state *s = new_state();
	size_t n = STRATUM_MAX_LINE + 100;
	char *big = malloc(n);
	memset(big, 'a', n);
	big[0] = '{';
	/* in pieces, so the cap is hit while buffering */
	for (size_t off = 0; off < n; off += 1000)
		feed(s, APP_TOSERVER, big + off, n - off < 1000 ? n - off : 1000, 0);
	assert_int_equal(app_stratum.tx_count(s), 1);
	assert_true(has_ev(s, tx_at(s, 0), STRATUM_EV_LINE_TOO_LONG));
	/* the rest of the long line is skipped; the next line is read */
	feed(s, APP_TOSERVER, "aaaa\n" SUBSCRIBE, 5 + strlen(SUBSCRIBE), 0);
	assert_int_equal(app_stratum.tx_count(s), 2);
	assert_str(&tx_at(s, 1)->method, "mining.subscribe");
	/* exactly at the cap is still a line (invalid JSON here) */
	memset(big, ' ', STRATUM_MAX_LINE);
	big[STRATUM_MAX_LINE] = '\n';
	feed(s, APP_TOSERVER, big, STRATUM_MAX_LINE + 1, 0);
	assert_int_equal(app_stratum.tx_count(s), 2); /* blank */
	/* one long line in one chunk with its newline */
	memset(big, 'b', n);
	big[n - 1] = '\n';
	feed(s, APP_TOSERVER, big, n, 0);
	assert_int_equal(app_stratum.tx_count(s), 3);
	assert_true(has_ev(s, tx_at(s, 2), STRATUM_EV_LINE_TOO_LONG));
	free(big);
	app_stratum.state_free(s);
}

static void test_gap(void **state)
{
	struct stratum_state *s = new_state();
	feed(s, APP_TOSERVER, SUBSCRIBE, 20, 0);
	/* bytes were lost: the rest of that line is skipped */
	feed(s, APP_TOSERVER, SUBSCRIBE + 30, strlen(SUBSCRIBE) - 30, APP_CHUNK_GAP);
	feed(s, APP_TOSERVER, AUTHORIZE, strlen(AUTHORIZE), 0);
	assert_int_equal(app_stratum.tx_count(s), 1);
	assert_str(&tx_at(s, 0)->method, "mining.authorize");
	app_stratum.state_free(s);
}

static void test_side_and_log(void **state)
{
	struct stratum_state *s = new_state();
	feed(s, APP_TOSERVER, SUBSCRIBE, strlen(SUBSCRIBE), 0);
	feed(s, APP_TOCLIENT, SET_DIFF, strlen(SET_DIFF), 0);
	const struct stratum_tx *req = tx_at(s, 0), *note = tx_at(s, 1);
	assert_int_equal(app_stratum.tx_side(s, req, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_stratum.tx_side(s, req, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_stratum.tx_side(s, req, APP_TOCLIENT, true), APP_SIDE_NONE);
	assert_int_equal(app_stratum.tx_log(s, req, false), APP_LOG_WAIT);
	assert_int_equal(app_stratum.tx_log(s, req, true), APP_LOG_NOW);
	assert_int_equal(app_stratum.tx_side(s, note, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_stratum.tx_side(s, note, APP_TOSERVER, false), APP_SIDE_NONE);
	assert_int_equal(app_stratum.tx_log(s, note, false), APP_LOG_NOW);
	feed(s, APP_TOCLIENT, SUB_REPLY, strlen(SUB_REPLY), 0);
	assert_int_equal(app_stratum.tx_side(s, req, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_stratum.tx_log(s, req, false), APP_LOG_NOW);
	app_stratum.tx_release_upto(s, 1);
	assert_null(app_stratum.tx_get(s, 0));
	assert_non_null(app_stratum.tx_get(s, 1));
	app_stratum.state_free(s);
}

/* Unanswered requests and unreleased notifications stay bounded. */
static void test_tx_cap(void **state)
{
	struct stratum_state *s = new_state();
	char line[96];
	for (unsigned i = 0; i < STRATUM_MAX_TX + 20; i++) {
		int n = snprintf(line, sizeof(line),
				 "{\"id\":%u,\"method\":\"mining.submit\",\"params\":[]}\n", i + 1);
		feed(s, APP_TOSERVER, line, (size_t)n, 0);
	}
	assert_int_equal(app_stratum.tx_count(s), STRATUM_MAX_TX + 20);
	assert_int_equal(stratum_tx_dropped(s), 20);
	assert_null(app_stratum.tx_get(s, 19));
	const struct stratum_tx *t = tx_at(s, 20);
	/* closed when the cap was reached: logged without its reply */
	assert_true(t->done);
	assert_int_equal(app_stratum.tx_log(s, t, false), APP_LOG_NOW);
	app_stratum.state_free(s);
}

static void test_probe(void **state)
{
	struct app_probe_in ts = {.dir = APP_TOSERVER, .tcp = true, .sp = 40000, .dp = 1234};
	struct app_probe_in tc = ts;
	tc.dir = APP_TOCLIENT;
	const uint8_t *d = (const uint8_t *)SUBSCRIBE;
	assert_int_equal(app_stratum.probe(&ts, d, (uint32_t)strlen(SUBSCRIBE)), APP_PROBE_MATCH);
	/* before the newline: "mining. is enough, else wait */
	assert_int_equal(app_stratum.probe(&ts, d, 30), APP_PROBE_MATCH);
	assert_int_equal(app_stratum.probe(&ts, d, 12), APP_PROBE_NEED_MORE);
	assert_int_equal(app_stratum.probe(&ts, d, 0), APP_PROBE_NEED_MORE);
	/* the pool's reply: any JSON-RPC shape on its side, not on the miner's */
	const uint8_t *r = (const uint8_t *)AUTH_REPLY;
	assert_int_equal(app_stratum.probe(&tc, r, (uint32_t)strlen(AUTH_REPLY)), APP_PROBE_MATCH);
	assert_int_equal(app_stratum.probe(&ts, r, (uint32_t)strlen(AUTH_REPLY)), APP_PROBE_NO);
	/* the port probe takes any JSON-RPC line */
	const char *other = "{\"id\":1,\"method\":\"getwork\",\"params\":[]}\n";
	assert_int_equal(app_stratum.probe(&ts, (const uint8_t *)other, (uint32_t)strlen(other)),
			 APP_PROBE_NO);
	assert_int_equal(
	    app_stratum.probe_port(&ts, (const uint8_t *)other, (uint32_t)strlen(other)),
	    APP_PROBE_MATCH);
	/* "login" alone is not a miner's: XMRig's has params.login */
	const char *plain = "{\"id\":1,\"method\":\"login\",\"params\":[\"u\",\"p\"]}\n";
	assert_int_equal(app_stratum.probe(&ts, (const uint8_t *)plain, (uint32_t)strlen(plain)),
			 APP_PROBE_NO);
	const char *xmrig = "{\"id\":1,\"method\":\"login\",\"params\":{\"login\":\"4B\"}}\n";
	assert_int_equal(app_stratum.probe(&ts, (const uint8_t *)xmrig, (uint32_t)strlen(xmrig)),
			 APP_PROBE_MATCH);
	const char *http = "GET / HTTP/1.1\r\n";
	assert_int_equal(app_stratum.probe(&ts, (const uint8_t *)http, 16), APP_PROBE_NO);
	assert_int_equal(app_stratum.probe(&ts, (const uint8_t *)"{\"a\":1}\n", 8), APP_PROBE_NO);
	assert_int_equal(app_stratum.probe(&ts, (const uint8_t *)"{bad json\n", 10), APP_PROBE_NO);
	struct app_probe_in udp = ts;
	udp.tcp = false;
	assert_int_equal(app_stratum.probe(&udp, d, (uint32_t)strlen(SUBSCRIBE)), APP_PROBE_NO);
	/* a first line longer than the probe bound is not Stratum */
	char *big = malloc(STRATUM_PROBE_MAX + 10);
	memset(big, ' ', STRATUM_PROBE_MAX + 10);
	big[0] = '{';
	assert_int_equal(app_stratum.probe(&ts, (const uint8_t *)big, STRATUM_PROBE_MAX + 10),
			 APP_PROBE_NO);
	free(big);
}

/* ---- the keywords through the pipeline ---- */

static const char rules[] =
    "alert stratum any any -> any any (msg:\"authorize\"; stratum.method; "
    "content:\"mining.authorize\"; sid:1;)\n"
    "alert tcp any any -> any any (msg:\"wallet\"; stratum.worker; content:\"bc1q9h7g\"; "
    "startswith; sid:2;)\n"
    "alert tcp any any -> any any (msg:\"agent\"; stratum.agent; content:\"cpuminer\"; sid:3;)\n"
    "alert tcp any any -> any any (msg:\"no such worker\"; stratum.worker; content:\"zzz\"; "
    "sid:4;)\n"
    "alert stratum any any -> any any (msg:\"event\"; "
    "app-layer-event:stratum.response_without_request; sid:5;)\n"
    "alert tcp any any -> any any (msg:\"notify to client\"; flow:to_client; stratum.method; "
    "content:\"mining.notify\"; sid:6;)\n";

static void test_keywords(void **state)
{
	struct run r;
	run_init(&r, rules, 6);
	run_http_flow(&r, SUBSCRIBE AUTHORIZE,
		      SUB_REPLY AUTH_REPLY NOTIFY "{\"id\":77,\"result\":1}\n");
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_STRATUM);
	assert_int_equal(count_sid(&r.hits, 1), 1);
	assert_int_equal(count_sid(&r.hits, 2), 1);
	assert_int_equal(count_sid(&r.hits, 3), 1);
	assert_int_equal(count_sid(&r.hits, 4), 0);
	assert_int_equal(count_sid(&r.hits, 5), 1);
	assert_int_equal(count_sid(&r.hits, 6), 1);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_session_whole),
	    cmocka_unit_test(test_session_every_split),
	    cmocka_unit_test(test_session_bytewise),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_corrupted),
	    cmocka_unit_test(test_variants),
	    cmocka_unit_test(test_line_too_long),
	    cmocka_unit_test(test_gap),
	    cmocka_unit_test(test_side_and_log),
	    cmocka_unit_test(test_tx_cap),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_keywords),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
