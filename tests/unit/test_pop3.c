/*
 * test_pop3.c — app/pop3.c through the descriptor app_pop3: a real
 * session (test_pop3_vectors.h) whole and split at every byte, its EVE
 * objects (greeting, commands, multi-line LIST and RETR data), STLS
 * accepted and refused, events (unknown command, argument count, a
 * request and a response too long), a dot-stuffed data line, a gap, and
 * the live transaction cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "util/json.h"

#include "test_pop3_vectors.h"

extern const struct app_protocol app_pop3;

enum { EV_TOO_MANY = 0, EV_REQ_LONG, EV_ARGS, EV_UNKNOWN, EV_RESP_LONG };

static void *new_state(void)
{
	struct app_flow_info fi = {.tcp = true, .server_port = 110};
	void *s = app_pop3.state_new(&fi);
	assert_non_null(s);
	return s;
}

static enum app_parse_result feed(void *s, enum app_dir dir, const void *d, size_t n)
{
	uint8_t *c = malloc(n ? n : 1); /* exact size: ASan catches a read past n */
	assert_non_null(c);
	memcpy(c, d, n);
	enum app_parse_result r = app_pop3.parse(s, dir, c, (uint32_t)n, 0);
	free(c);
	return r;
}

static void feed_str(void *s, enum app_dir dir, const char *str)
{
	assert_int_equal(feed(s, dir, str, strlen(str)), APP_PARSE_OK);
}

/* The EVE object of transaction id (a fresh string to free). */
static char *eve_of(void *s, uint64_t id)
{
	const void *tx = app_pop3.tx_get(s, id);
	assert_non_null(tx);
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_pop3.log_json(&j, s, tx, 0);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_eve(void *s, uint64_t id, const char *want)
{
	char *got = eve_of(s, id);
	assert_string_equal(got, want);
	free(got);
}

static bool has_event(void *s, uint64_t id, int ev)
{
	return app_pop3.tx_has_event(s, app_pop3.tx_get(s, id), ev);
}

static void check_session(void *s)
{
	assert_int_equal(app_pop3.tx_count(s), 7);
	assert_eve(s, 0,
		   "{\"pop3\":{\"status\":\"+OK\",\"header\":\"POP server ready H migmxus005\","
		   "\"data\":[],\"error_flags\":[]}}");
	assert_eve(s, 1,
		   "{\"pop3\":{\"keyword\":\"USER\",\"args\":[\"cicciopernacchio@mail.com\"],"
		   "\"status\":\"+OK\",\"header\":\"password required for user "
		   "\\\"cicciopernacchio@mail.com\\\"\",\"data\":[],\"error_flags\":[]}}");
	assert_eve(s, 3,
		   "{\"pop3\":{\"keyword\":\"LIST\",\"args\":[],\"status\":\"+OK\",\"header\":\"\","
		   "\"data\":[\"1 16196\",\"2 1476\"],\"error_flags\":[]}}");
	char *retr = eve_of(s, 5);
	assert_non_null(strstr(retr, "\"keyword\":\"RETR\",\"args\":[\"2\"]"));
	assert_non_null(strstr(retr, "\"data\":[\"Return-Path: <lorenzo.miniero@unina.it>\""));
	free(retr);
	assert_eve(
	    s, 6,
	    "{\"pop3\":{\"keyword\":\"QUIT\",\"args\":[],\"status\":\"+OK\",\"header\":\"POP "
	    "server signing off\",\"data\":[],\"error_flags\":[]}}");
	for (uint64_t id = 0; id < 7; id++) {
		const void *tx = app_pop3.tx_get(s, id);
		assert_int_equal(app_pop3.tx_log(s, tx, false), APP_LOG_NOW);
		for (int e = 0; e < app_pop3.n_events; e++)
			assert_false(has_event(s, id, e));
	}
}

/* As it went: each command, then its answer. */
static void test_session_in_turn(void **state)
{
	(void)state;
	void *s = new_state();
	const char *tc = (const char *)pop3_tc, *ts = (const char *)pop3_ts;
	const char *greet_end = strchr(tc, '\n') + 1;
	feed(s, APP_TOCLIENT, tc, (size_t)(greet_end - tc));
	feed(s, APP_TOSERVER, ts, sizeof(pop3_ts) - 1);
	/* RETR's answer not in yet: waiting */
	assert_int_equal(app_pop3.tx_log(s, app_pop3.tx_get(s, 1), false), APP_LOG_WAIT);
	feed(s, APP_TOCLIENT, greet_end, sizeof(pop3_tc) - 1 - (size_t)(greet_end - tc));
	check_session(s);
	app_pop3.state_free(s);
}

static void test_session_every_split(void **state)
{
	(void)state;
	size_t n = sizeof(pop3_tc) - 1;
	for (size_t cut = 1; cut < n; cut += 7) {
		void *s = new_state();
		feed(s, APP_TOSERVER, pop3_ts, sizeof(pop3_ts) - 1);
		feed(s, APP_TOCLIENT, pop3_tc, cut);
		feed(s, APP_TOCLIENT, pop3_tc + cut, n - cut);
		/* the greeting came after the commands here: it answers USER */
		assert_int_equal(app_pop3.tx_count(s), 6);
		app_pop3.state_free(s);
	}
}

static void test_stls(void **state)
{
	(void)state;
	void *s = new_state();
	feed_str(s, APP_TOCLIENT, "+OK ready\r\n");
	feed_str(s, APP_TOSERVER, "STLS\r\n");
	assert_int_equal(feed(s, APP_TOCLIENT, "+OK Begin TLS\r\n", 15), APP_PARSE_CHANGE);
	assert_int_equal(app_pop3.change_expect(s), APP_PROTO_TLS);
	app_pop3.state_free(s);

	s = new_state();
	feed_str(s, APP_TOCLIENT, "+OK ready\r\n");
	feed_str(s, APP_TOSERVER, "STLS\r\n");
	feed_str(s, APP_TOCLIENT, "-ERR no TLS\r\n");
	feed_str(s, APP_TOSERVER, "USER a\r\n");
	assert_int_equal(app_pop3.tx_count(s), 3);
	app_pop3.state_free(s);
}

static void test_events(void **state)
{
	(void)state;
	void *s = new_state();
	feed_str(s, APP_TOCLIENT, "+OK ready\r\n");
	feed_str(s, APP_TOSERVER, "XYZZY\r\nUSER\r\nRETR 1 2\r\n");
	assert_true(has_event(s, 1, EV_UNKNOWN));
	assert_true(has_event(s, 2, EV_ARGS));
	assert_true(has_event(s, 3, EV_ARGS));
	char *eve = eve_of(s, 1);
	assert_non_null(strstr(eve, "\"error_flags\":[\"UnknownKeyword\"]"));
	free(eve);
	char big[600];
	memset(big, 'a', sizeof(big));
	memcpy(big, "USER ", 5);
	assert_int_equal(feed(s, APP_TOSERVER, big, sizeof(big)), APP_PARSE_OK);
	feed_str(s, APP_TOSERVER, "\r\n");
	assert_true(has_event(s, 4, EV_REQ_LONG));
	feed_str(s, APP_TOCLIENT, "-ERR a\r\n-ERR b\r\n-ERR c\r\n");
	assert_int_equal(feed(s, APP_TOCLIENT, big, sizeof(big)), APP_PARSE_OK);
	feed_str(s, APP_TOCLIENT, "\r\n");
	assert_true(has_event(s, 4, EV_RESP_LONG));
	app_pop3.state_free(s);
}

/* Dot-stuffing, an over-long line held in pieces, and the cap on live
 * transactions. */
static void test_data_and_caps(void **state)
{
	(void)state;
	void *s = new_state();
	feed_str(s, APP_TOCLIENT, "+OK ready\r\n");
	feed_str(s, APP_TOSERVER, "TOP 1 0\r\n");
	feed_str(s, APP_TOCLIENT, "+OK\r\n..leading dot\r\n.\r\n");
	char *eve = eve_of(s, 1);
	assert_non_null(strstr(eve, "\"data\":[\".leading dot\"]"));
	free(eve);
	size_t big = 10000;
	char *line = malloc(big);
	assert_non_null(line);
	memset(line, 'x', big);
	feed(s, APP_TOSERVER, line, big);
	feed_str(s, APP_TOSERVER, "\r\n");
	assert_true(has_event(s, 2, EV_REQ_LONG));
	free(line);
	for (int i = 0; i < 300; i++)
		feed_str(s, APP_TOSERVER, "NOOP\r\n");
	assert_true(has_event(s, app_pop3.tx_count(s) - 1, EV_TOO_MANY));
	assert_null(app_pop3.tx_get(s, 0)); /* the oldest were freed */
	app_pop3.state_free(s);
}

static void test_probes(void **state)
{
	(void)state;
	struct app_probe_in tc = {.dir = APP_TOCLIENT, .tcp = true, .sp = 110};
	struct app_probe_in ts = {.dir = APP_TOSERVER, .tcp = true, .dp = 110};
	assert_int_equal(app_pop3.probe(&tc, pop3_tc, 10), APP_PROBE_MATCH);
	assert_int_equal(app_pop3.probe(&tc, (const uint8_t *)"+O", 2), APP_PROBE_NEED_MORE);
	assert_int_equal(app_pop3.probe(&ts, pop3_ts, 10), APP_PROBE_NO);
	assert_int_equal(app_pop3.probe_port(&ts, pop3_ts, 10), APP_PROBE_MATCH);
	assert_int_equal(app_pop3.probe(&tc, (const uint8_t *)"220 smtp", 8), APP_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_session_in_turn),
	    cmocka_unit_test(test_session_every_split),
	    cmocka_unit_test(test_stls),
	    cmocka_unit_test(test_events),
	    cmocka_unit_test(test_data_and_caps),
	    cmocka_unit_test(test_probes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
