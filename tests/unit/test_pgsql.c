/*
 * test_pgsql.c — the PostgreSQL parser on the bytes of a real session
 * (suricata-verify's pgsql-query-keyword-01 capture: SSLRequest refused,
 * startup, MD5 authentication, LISTEN with an asynchronous notification,
 * SELECT 1, Terminate), whole, byte by byte, cut short and corrupted; the
 * transactions as Suricata's state machine cuts them, and their EVE object.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/pgsql.h"
#include "util/json.h"

extern const struct app_protocol app_pgsql;

struct msg {
	enum app_dir dir;
	const char *hex;
};

static const struct msg session[] = {
    {APP_TOSERVER, "0000000804d2162f"},
    {APP_TOCLIENT, "4e"},
    {APP_TOSERVER, "0000004e00030000757365720072756c65730064617461626173650072756c657300"
		   "6170706c69636174696f6e5f6e616d65007073716c00636c69656e745f656e636f64"
		   "696e6700555446380000"},
    {APP_TOCLIENT, "520000000c00000005d9b95aa6"},
    {APP_TOSERVER, "70000000286d6435336432336336353861393361353533666634373039383166363430"
		   "343333346500"},
    {APP_TOCLIENT, "520000000800000000530000001a6170706c69636174696f6e5f6e616d6500707371"
		   "6c00" "5a0000000549"},
    {APP_TOSERVER, "51000000124c495354454e2072756c65733b00"},
    {APP_TOCLIENT, "430000000b4c495354454e005a0000000549"},
    {APP_TOCLIENT, "410000001b0000e3b872756c65730048656c6c6f20576f726c642100"},
    {APP_TOSERVER, "510000000e53454c45435420313b00"},
    {APP_TOCLIENT, "540000002100013f636f6c756d6e3f00000000000000000000170004ffffffff00004400"
		   "00000b00010000000131430000000d53454c4543542031005a0000000549"},
    {APP_TOSERVER, "5800000004"},
};

static uint32_t unhex(const char *h, uint8_t *out)
{
	uint32_t n = 0;
	for (; h[0] && h[1]; h += 2)
		out[n++] = (uint8_t)strtoul((char[]){h[0], h[1], 0}, NULL, 16);
	return n;
}

static char *eve_of(const struct pgsql_tx *tx, uint32_t opts)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	pgsql_tx_log_json(&j, tx, opts);
	json_close_object(&j);
	char *out = strndup(j.buf, j.len);
	json_free(&j);
	return out;
}

/* Feeds the session, each message in pieces of `step` bytes (0: whole). */
static struct pgsql_state *feed(uint32_t step)
{
	struct pgsql_state *s = pgsql_state_new();
	uint8_t buf[512];
	for (size_t i = 0; i < sizeof(session) / sizeof(session[0]); i++) {
		uint32_t n = unhex(session[i].hex, buf);
		uint32_t k = step ? step : n;
		for (uint32_t off = 0; off < n; off += k) {
			uint32_t c = n - off < k ? n - off : k;
			uint8_t *piece = malloc(c); /* exact size: reads past it are caught */
			memcpy(piece, buf + off, c);
			assert_int_equal(pgsql_parse(s, session[i].dir, piece, c, 0), APP_PARSE_OK);
			free(piece);
		}
	}
	return s;
}

static void check_session(struct pgsql_state *s)
{
	/* SSL, startup, password, LISTEN, SELECT, terminate */
	assert_int_equal(pgsql_tx_count(s), 6);
	const struct pgsql_tx *t = pgsql_tx_get(s, 0);
	assert_int_equal(t->req, PGSQL_REQ_SSL);
	assert_true(t->res_done);
	t = pgsql_tx_get(s, 1);
	assert_int_equal(t->req, PGSQL_REQ_STARTUP);
	assert_int_equal(t->n_params, 4);
	t = pgsql_tx_get(s, 3);
	assert_int_equal(t->req, PGSQL_REQ_QUERY);
	assert_int_equal(t->req_value.len, strlen("LISTEN rules;"));
	assert_memory_equal(t->req_value.p, "LISTEN rules;", t->req_value.len);
	char *e = eve_of(t, 0);
	assert_non_null(strstr(e, "\"command_completed\":\"LISTEN\""));
	/* the notification after ReadyForQuery goes to the same transaction */
	assert_non_null(strstr(e, "\"channel_name\":\"rules\",\"payload\":\"Hello World!\""));
	free(e);
	t = pgsql_tx_get(s, 4);
	e = eve_of(t, 0);
	assert_string_equal(e, "{\"pgsql\":{\"tx_id\":5,\"request\":{\"simple_query\":\"SELECT 1;\"},"
			       "\"response\":{\"field_count\":1,\"data_rows\":1,\"data_size\":1,"
			       "\"command_completed\":\"SELECT 1\"}}}");
	free(e);
	t = pgsql_tx_get(s, 2);
	e = eve_of(t, 0);
	assert_null(strstr(e, "password")); /* not without the option */
	assert_non_null(strstr(e, "\"message\":\"authentication_ok\",\"parameter_status\":"
				  "[{\"application_name\":\"psql\"}]"));
	free(e);
	e = eve_of(t, PGSQL_LOG_PASSWORDS);
	assert_non_null(strstr(e, "\"password\":\"md53d23c658a93a553ff470981f6404334e\""));
	free(e);
	t = pgsql_tx_get(s, 5);
	assert_int_equal(t->req, PGSQL_REQ_TERMINATE);
	assert_true(t->req_done && t->res_done);
}

static void test_session_whole(void **state)
{
	(void)state;
	struct pgsql_state *s = feed(0);
	check_session(s);
	pgsql_state_free(s);
}

static void test_session_bytewise(void **state)
{
	(void)state;
	struct pgsql_state *s = feed(1);
	check_session(s);
	pgsql_state_free(s);
	s = feed(3);
	check_session(s);
	pgsql_state_free(s);
}

/* The session cut inside the startup message: nothing made up, no read
 * past the bytes given. */
static void test_truncated(void **state)
{
	(void)state;
	uint8_t buf[512];
	for (uint32_t cut = 1; cut < 78; cut += 7) {
		struct pgsql_state *s = pgsql_state_new();
		uint32_t n = unhex(session[0].hex, buf);
		pgsql_parse(s, APP_TOSERVER, buf, n, 0);
		n = unhex(session[1].hex, buf);
		pgsql_parse(s, APP_TOCLIENT, buf, n, 0);
		n = unhex(session[2].hex, buf);
		uint8_t *piece = malloc(cut);
		memcpy(piece, buf, cut);
		assert_int_equal(pgsql_parse(s, APP_TOSERVER, piece, cut, APP_CHUNK_EOF),
				 APP_PARSE_OK);
		free(piece);
		assert_int_equal(pgsql_tx_count(s), 1); /* only the SSL request */
		pgsql_state_free(s);
	}
}

/* A length below its own four bytes is malformed; one beyond the bound is
 * skipped whole, and parsing goes on after it. */
static void test_corrupted(void **state)
{
	(void)state;
	struct pgsql_state *s = pgsql_state_new();
	static const uint8_t bad[] = {'C', 0, 0, 0, 2, 'x'};
	assert_int_equal(pgsql_parse(s, APP_TOCLIENT, bad, sizeof(bad), 0), APP_PARSE_ERROR);
	const struct pgsql_tx *t = pgsql_tx_get(s, 0);
	assert_non_null(t);
	assert_true(t->events & (1u << PGSQL_EV_MALFORMED_RESPONSE));
	pgsql_state_free(s);

	s = pgsql_state_new();
	uint8_t big[16] = {'Q', 0x00, 0x10, 0x00, 0x00, 'a', 'b'}; /* 1 MiB query */
	assert_int_equal(pgsql_parse(s, APP_TOSERVER, big, 7, 0), APP_PARSE_OK);
	t = pgsql_tx_get(s, 0);
	assert_non_null(t);
	assert_true(t->events & (1u << PGSQL_EV_INVALID_LENGTH));
	/* the rest of it, then a real query */
	uint8_t *zeros = calloc(1, 0x100000);
	assert_int_equal(pgsql_parse(s, APP_TOSERVER, zeros, 0x100000 - 6, 0), APP_PARSE_OK);
	free(zeros);
	uint8_t q[64];
	uint32_t qn = unhex("510000000e53454c45435420313b00", q);
	assert_int_equal(pgsql_parse(s, APP_TOSERVER, q, qn, 0), APP_PARSE_OK);
	t = pgsql_tx_get(s, pgsql_tx_count(s) - 1);
	assert_int_equal(t->req, PGSQL_REQ_QUERY);
	pgsql_state_free(s);
}

/* An accepted SSLRequest turns the flow into TLS; an error response's
 * fields are keys of the response. */
static void test_ssl_and_error(void **state)
{
	(void)state;
	struct pgsql_state *s = pgsql_state_new();
	uint8_t b[128];
	uint32_t n = unhex("0000000804d2162f", b);
	assert_int_equal(pgsql_parse(s, APP_TOSERVER, b, n, 0), APP_PARSE_OK);
	assert_int_equal(pgsql_parse(s, APP_TOCLIENT, (const uint8_t *)"S", 1, 0),
			 APP_PARSE_CHANGE);
	char *e = eve_of(pgsql_tx_get(s, 0), 0);
	assert_non_null(strstr(e, "\"ssl_accepted\":true"));
	free(e);
	pgsql_state_free(s);

	s = pgsql_state_new();
	n = unhex("51000000124c495354454e2072756c65733b00", b);
	pgsql_parse(s, APP_TOSERVER, b, n, 0);
	static const uint8_t err[] = "E\0\0\0\x21SERROR\0C42601\0Msyntax error\0\0Z\0\0\0\x05I";
	assert_int_equal(pgsql_parse(s, APP_TOCLIENT, err, sizeof(err) - 1, 0), APP_PARSE_OK);
	const struct pgsql_tx *t = pgsql_tx_get(s, 0);
	assert_true(t->res_done);
	e = eve_of(t, 0);
	assert_non_null(strstr(e, "\"severity_localizable\":\"ERROR\",\"code\":\"42601\","
				  "\"message\":\"syntax error\""));
	free(e);
	pgsql_state_free(s);
}

static void test_probes(void **state)
{
	(void)state;
	uint8_t b[128];
	uint32_t n = unhex(session[0].hex, b);
	assert_int_equal(pgsql_probe_request(b, n), APP_PROBE_MATCH);
	assert_int_equal(pgsql_probe_request(b, 4), APP_PROBE_NEED_MORE);
	n = unhex(session[2].hex, b);
	assert_int_equal(pgsql_probe_request(b, n), APP_PROBE_MATCH);
	n = unhex("51000000124c495354454e", b);
	assert_int_equal(pgsql_probe_request(b, n), APP_PROBE_MATCH);
	assert_int_equal(pgsql_probe_request((const uint8_t *)"GET / HTTP/1.1", 14), APP_PROBE_NO);
	assert_int_equal(pgsql_probe_request((const uint8_t *)"\0\0\0\x08\0\x02\0\0", 8),
			 APP_PROBE_NO); /* protocol 2.0 */
	assert_int_equal(pgsql_probe_response((const uint8_t *)"N", 1), APP_PROBE_MATCH);
	n = unhex(session[3].hex, b);
	assert_int_equal(pgsql_probe_response(b, n), APP_PROBE_MATCH);
	assert_int_equal(pgsql_probe_response((const uint8_t *)"HTTP/1.1 200", 12), APP_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_session_whole), cmocka_unit_test(test_session_bytewise),
	    cmocka_unit_test(test_truncated),	  cmocka_unit_test(test_corrupted),
	    cmocka_unit_test(test_ssl_and_error), cmocka_unit_test(test_probes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
