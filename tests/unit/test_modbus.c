/*
 * test_modbus.c — app/modbus.c, modbus-log.c and the `modbus` keyword's
 * parsing and matching (detect/kw-modbus.c), with real messages from the
 * ICS captures (../shared/data/pcaps/ics/ModbusTCP) and Zeek's
 * modbus-and-non-modbus-p502.pcap (EVE checked against Suricata's output
 * for it), every split and truncation, corrupted lengths and values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/modbus.h"
#include "util/json.h"

void *kw_modbus_parse_for_test(const char *arg);
bool kw_modbus_test_for_test(const void *tx, const void *k);

/* modbus-and-non-modbus-p502.pcap */
static const char RD_COILS_REQ[] = "0001000000060a0100000001";
static const char RD_COILS_RSP[] = "0001000000040a010100";
static const char RD_HOLD_REQ[] = "0001000000060a0300050002";
static const char RD_HOLD_RSP[] = "0001000000070a030400090018";
static const char WR_COIL_REQ[] = "0001000000060a0500020000";
static const char WR_REG_REQ[] = "0001000000060a060005000b";
/* modbus_test_data_part1.pcap */
static const char DIAG_REQ[] = "0000000000060a0800040000";
static const char DIAG_EXC[] = "0000000000030a880b";
static const char SERVER_ID_RSP[] = "0000000000150a111200ff57696e6770617468204c696d69746564";
/* Modbus/modbus_test.pcap: an exception to a read with no request seen */
static const char RD_COILS_EXC[] = "0001000000040a810600";

static uint8_t *unhex(const char *h, uint32_t *n)
{
	size_t l = strlen(h) / 2;
	uint8_t *b = malloc(l ? l : 1);
	assert_non_null(b);
	for (size_t i = 0; i < l; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
	*n = (uint32_t)l;
	return b;
}

static enum app_parse_result feed(struct modbus_state *s, enum app_dir d, const char *hex)
{
	uint32_t n;
	uint8_t *b = unhex(hex, &n);
	enum app_parse_result r = modbus_parse(s, d, b, n, 0);
	free(b);
	return r;
}

static char *eve(const struct modbus_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	modbus_tx_log_json(&j, tx);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_eve(const struct modbus_tx *tx, const char *want)
{
	char *got = eve(tx);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "got:  %s\nwant: %s\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

/* Suricata 7.0.4's output for the first two transactions of the capture. */
static void test_read_pairs_as_suricata(void **st)
{
	struct modbus_state *s = modbus_state_new(NULL);
	assert_int_equal(feed(s, APP_TOSERVER, RD_COILS_REQ), APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, RD_COILS_RSP), APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOSERVER, RD_HOLD_REQ), APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, RD_HOLD_RSP), APP_PARSE_OK);
	assert_int_equal(modbus_tx_count(s), 2);
	assert_eve(
	    modbus_tx_get(s, 0),
	    "{\"modbus\":{\"id\":1,\"request\":{\"transaction_id\":1,\"protocol_id\":0,"
	    "\"unit_id\":10,\"function_raw\":1,\"function_code\":\"RdCoils\",\"access_type\":"
	    "\"READ | COILS\",\"category\":\"PUBLIC_ASSIGNED\",\"error_flags\":\"NONE\","
	    "\"read\":{\"address\":0,\"quantity\":1}},\"response\":{\"transaction_id\":1,"
	    "\"protocol_id\":0,\"unit_id\":10,\"function_raw\":1,\"function_code\":\"RdCoils\","
	    "\"access_type\":\"READ | COILS\",\"category\":\"PUBLIC_ASSIGNED\",\"error_flags\":"
	    "\"NONE\",\"read\":{\"data\":\"\\u0000\"}}}}");
	/* sawp-modbus checks a register read's byte count as bits: value_mismatch */
	const struct modbus_tx *tx = modbus_tx_get(s, 1);
	assert_true(modbus_tx_has_event(tx, MODBUS_EV_VALUE_MISMATCH));
	assert_false(modbus_tx_has_event(tx, MODBUS_EV_UNSOLICITED_RESPONSE));
	char *j = eve(tx);
	assert_non_null(strstr(j, "\"error_flags\":\"DATA_VALUE\",\"read\":{\"data\":"
				  "\"\\u0000\\t\\u0000\\u0018\"}}}}"));
	free(j);
	modbus_state_free(s);
}

static void test_write_single(void **st)
{
	struct modbus_state *s = modbus_state_new(NULL);
	feed(s, APP_TOSERVER, WR_COIL_REQ);
	feed(s, APP_TOCLIENT, WR_COIL_REQ); /* the echo */
	assert_eve(
	    modbus_tx_get(s, 0),
	    "{\"modbus\":{\"id\":1,\"request\":{\"transaction_id\":1,\"protocol_id\":0,"
	    "\"unit_id\":10,\"function_raw\":5,\"function_code\":\"WrSingleCoil\","
	    "\"access_type\":\"WRITE | COILS | SINGLE | WRITE_SINGLE\",\"category\":"
	    "\"PUBLIC_ASSIGNED\",\"error_flags\":\"NONE\",\"write\":{\"address\":2,\"data\":0}},"
	    "\"response\":{\"transaction_id\":1,\"protocol_id\":0,\"unit_id\":10,"
	    "\"function_raw\":5,\"function_code\":\"WrSingleCoil\",\"access_type\":\"WRITE | "
	    "COILS | SINGLE | WRITE_SINGLE\",\"category\":\"PUBLIC_ASSIGNED\",\"error_flags\":"
	    "\"NONE\",\"write\":{\"address\":2,\"data\":0}}}}");
	/* a coil value other than 0x0000/0xff00 is invalid_value */
	uint32_t n;
	uint8_t *b = unhex(WR_COIL_REQ, &n);
	b[0] = 0x09;
	b[11] = 0x01;
	modbus_parse(s, APP_TOSERVER, b, n, 0);
	free(b);
	assert_true(modbus_tx_has_event(modbus_tx_get(s, 1), MODBUS_EV_INVALID_VALUE));
	modbus_state_free(s);
}

/* Diagnostics and their exceptions; a response without request. */
static void test_diagnostic_exception_unsolicited(void **st)
{
	struct modbus_state *s = modbus_state_new(NULL);
	feed(s, APP_TOSERVER, DIAG_REQ);
	feed(s, APP_TOCLIENT, DIAG_EXC);
	assert_int_equal(modbus_tx_count(s), 1);
	char *j = eve(modbus_tx_get(s, 0));
	assert_non_null(strstr(j, "\"diagnostic\":{\"raw\":4,\"code\":\"ForceListenOnlyMode\","
				  "\"data\":\"\\u0000\\u0000\"}"));
	assert_non_null(strstr(j, "\"function_raw\":136,\"function_code\":\"Diagnostic\","
				  "\"access_type\":\"NONE\",\"category\":\"NONE\",\"error_flags\":"
				  "\"NONE\",\"exception\":{\"raw\":11,\"code\":"
				  "\"GatewayTargetFailToResp\"}"));
	free(j);
	feed(s, APP_TOCLIENT, RD_COILS_EXC);
	const struct modbus_tx *tx = modbus_tx_get(s, 1);
	assert_non_null(tx);
	assert_null(tx->request);
	assert_true(modbus_tx_has_event(tx, MODBUS_EV_UNSOLICITED_RESPONSE));
	assert_int_equal(tx->response->exc, 6);
	feed(s, APP_TOCLIENT, SERVER_ID_RSP);
	j = eve(modbus_tx_get(s, 2));
	assert_non_null(strstr(j, "\"function_code\":\"ReportServerID\""));
	assert_non_null(strstr(j, "\"data\":\"\\u0012\\u0000\\u00ffWingpath Limited\""));
	free(j);
	modbus_state_free(s);
}

/* Several messages in one chunk, one message over many: the same. */
static void test_splits_and_truncations(void **st)
{
	char all[256];
	snprintf(all, sizeof(all), "%s%s%s", RD_COILS_REQ, RD_HOLD_REQ, WR_REG_REQ);
	uint32_t n;
	uint8_t *b = unhex(all, &n);
	for (uint32_t step = 1; step <= n; step++) {
		struct modbus_state *s = modbus_state_new(NULL);
		for (uint32_t off = 0; off < n; off += step) {
			uint32_t k = n - off < step ? n - off : step;
			uint8_t *c = malloc(k);
			memcpy(c, b + off, k);
			assert_int_equal(modbus_parse(s, APP_TOSERVER, c, k, 0), APP_PARSE_OK);
			free(c);
		}
		assert_int_equal(modbus_tx_count(s), 3);
		assert_int_equal(modbus_tx_get(s, 2)->request->value, 11);
		modbus_state_free(s);
	}
	for (uint32_t k = 1; k < 12; k++) {
		struct modbus_state *s = modbus_state_new(NULL);
		assert_int_equal(modbus_parse(s, APP_TOSERVER, b, k, 0), APP_PARSE_OK);
		assert_int_equal(modbus_tx_count(s), 0);
		modbus_state_free(s);
	}
	free(b);
}

/* Lengths sawp-modbus 0.13 flags instead of failing on: outside 2..254 (a
 * message of the header alone that skips the announced bytes), fields past
 * the message, bytes left over; and a protocol id other than 0. */
static void test_bad_lengths(void **st)
{
	struct modbus_state *s = modbus_state_new(NULL);
	assert_int_equal(feed(s, APP_TOSERVER, "000100000001"), APP_PARSE_OK);
	const struct modbus_tx *tx = modbus_tx_get(s, 0);
	assert_true(modbus_tx_has_event(tx, MODBUS_EV_INVALID_LENGTH));
	assert_int_equal(tx->request->function, 0);
	char *j = eve(tx);
	assert_non_null(strstr(j,
			       "\"function_raw\":0,\"function_code\":\"Unknown\",\"access_type\":"
			       "\"NONE\",\"category\":\"NONE\",\"error_flags\":\"DATA_LENGTH\"}"));
	free(j);
	/* the direction goes on */
	assert_int_equal(feed(s, APP_TOSERVER, RD_COILS_REQ), APP_PARSE_OK);
	assert_int_equal(modbus_tx_get(s, 1)->request->read_qty, 1);
	/* length 300: the next 300 bytes (here: 12 of a read) are skipped */
	char buf[128];
	snprintf(buf, sizeof(buf), "0009000001%s%s", "2c", RD_COILS_REQ);
	assert_int_equal(feed(s, APP_TOSERVER, buf), APP_PARSE_OK);
	assert_int_equal(modbus_tx_count(s), 3);
	/* a read request with length 4: address only, kept as bytes */
	assert_int_equal(feed(s, APP_TOSERVER, "0002000000040a010000"), APP_PARSE_OK);
	tx = modbus_tx_get(s, 3);
	assert_true(modbus_tx_has_event(tx, MODBUS_EV_INVALID_LENGTH));
	assert_int_equal(tx->request->kind, MODBUS_DATA_BYTES);
	assert_int_equal(tx->request->n_bytes, 2);
	/* a read request with 2 extra bytes */
	assert_int_equal(feed(s, APP_TOSERVER, "0003000000080a01000000010000"), APP_PARSE_OK);
	tx = modbus_tx_get(s, 4);
	assert_true(modbus_tx_has_event(tx, MODBUS_EV_INVALID_LENGTH));
	assert_int_equal(tx->request->kind, MODBUS_DATA_READ_REQ);
	/* protocol id 5: invalid_protocol_id */
	assert_int_equal(feed(s, APP_TOSERVER, "0004000500060a0100000001"), APP_PARSE_OK);
	assert_true(modbus_tx_has_event(modbus_tx_get(s, 5), MODBUS_EV_INVALID_PROTOCOL_ID));
	/* a request with the exception bit: invalid_function_code */
	assert_int_equal(feed(s, APP_TOSERVER, "0005000000060a8100000001"), APP_PARSE_OK);
	assert_true(modbus_tx_has_event(modbus_tx_get(s, 6), MODBUS_EV_INVALID_FUNCTION_CODE));
	modbus_state_free(s);
}

/* A gap ends parsing, as Suricata (no gap support). */
static void test_gap(void **st)
{
	struct modbus_state *s = modbus_state_new(NULL);
	assert_int_equal(feed(s, APP_TOSERVER, RD_COILS_REQ), APP_PARSE_OK);
	uint32_t n;
	uint8_t *b = unhex(RD_COILS_REQ, &n);
	assert_int_equal(modbus_parse(s, APP_TOSERVER, b, n, APP_CHUNK_GAP), APP_PARSE_ERROR);
	assert_int_equal(modbus_parse(s, APP_TOCLIENT, b, n, 0), APP_PARSE_ERROR);
	free(b);
	assert_int_equal(modbus_tx_count(s), 1);
	modbus_state_free(s);
}

static void test_probe(void **st)
{
	uint32_t n;
	uint8_t *b = unhex(RD_COILS_REQ, &n);
	assert_int_equal(modbus_probe(b, n), APP_PROBE_MATCH);
	assert_int_equal(modbus_probe(b, 5), APP_PROBE_NEED_MORE);
	b[3] = 1;
	assert_int_equal(modbus_probe(b, n), APP_PROBE_NO);
	free(b);
}

static bool kw(const char *arg, const struct modbus_tx *tx)
{
	void *k = kw_modbus_parse_for_test(arg);
	assert_non_null(k);
	bool r = kw_modbus_test_for_test(tx, k);
	free(k);
	return r;
}

static void test_keyword(void **st)
{
	struct modbus_state *s = modbus_state_new(NULL);
	feed(s, APP_TOSERVER, RD_HOLD_REQ); /* read holding 5..6 (registers 6-7), unit 10 */
	feed(s, APP_TOSERVER, WR_REG_REQ);  /* write register 5 (6) = 11 */
	feed(s, APP_TOSERVER, DIAG_REQ);
	const struct modbus_tx *rd = modbus_tx_get(s, 0), *wr = modbus_tx_get(s, 1),
			       *dg = modbus_tx_get(s, 2);
	assert_true(kw("function 3", rd));
	assert_false(kw("function 3", wr));
	assert_true(kw("function 8, subfunction 4", dg));
	assert_false(kw("function 8, subfunction 1", dg));
	assert_true(kw("function assigned", rd));
	assert_false(kw("function !assigned", rd));
	assert_true(kw("function public", rd));
	assert_true(kw("access read", rd));
	assert_true(kw("access read holding", rd));
	assert_false(kw("access read coils", rd));
	assert_false(kw("access write", rd));
	assert_true(kw("access read holding, address 6", rd));
	assert_true(kw("access read holding, address 7", rd));
	assert_false(kw("access read holding, address 8", rd));
	assert_true(kw("access read, address >6", rd));
	assert_false(kw("access read, address <6", rd));
	assert_true(kw("access write holding, address 6, value 11", wr));
	assert_false(kw("access write holding, address 6, value 12", wr));
	assert_true(kw("access write, address 6, value >10", wr));
	assert_true(kw("access write, address 6, value 10<>12", wr));
	assert_true(kw("unit 10", rd));
	assert_false(kw("unit 11", rd));
	assert_true(kw("unit >9, function 3", rd));
	assert_false(kw("unit 10, function 4", rd));
	assert_true(kw("unit 10, access read holding", rd));
	/* rejected as Suricata rejects them */
	assert_null(kw_modbus_parse_for_test("function 0"));
	assert_null(kw_modbus_parse_for_test("function bogus"));
	assert_null(kw_modbus_parse_for_test("access write discretes"));
	assert_null(kw_modbus_parse_for_test("access read, address 1, value 2"));
	assert_null(kw_modbus_parse_for_test("access write, address 1<>5, value 2"));
	assert_null(kw_modbus_parse_for_test("unit 70000"));
	modbus_state_free(s);
}

static void test_flood_and_release(void **st)
{
	struct modbus_state *s = modbus_state_new(NULL);
	for (int i = 0; i < MODBUS_FLOOD + 5; i++)
		feed(s, APP_TOSERVER, RD_COILS_REQ);
	assert_int_equal(modbus_tx_count(s), MODBUS_FLOOD + 1);
	assert_true(modbus_tx_has_event(modbus_tx_get(s, MODBUS_FLOOD), MODBUS_EV_FLOODED));
	modbus_tx_release_upto(s, MODBUS_FLOOD);
	assert_null(modbus_tx_get(s, 0));
	feed(s, APP_TOSERVER, RD_COILS_REQ);
	assert_int_equal(modbus_tx_count(s), MODBUS_FLOOD + 2);
	modbus_state_free(s);

	/* request-flood 3 */
	struct modbus_config cfg = {.request_flood = 3};
	s = modbus_state_new(&cfg);
	for (int i = 0; i < 5; i++)
		feed(s, APP_TOSERVER, RD_COILS_REQ);
	assert_int_equal(modbus_tx_count(s), 4);
	assert_true(modbus_tx_has_event(modbus_tx_get(s, 3), MODBUS_EV_FLOODED));
	assert_false(modbus_tx_has_event(modbus_tx_get(s, 2), MODBUS_EV_FLOODED));
	modbus_state_free(s);

	/* request-flood 0: no event, but no more than MODBUS_MAX_TX live */
	cfg.request_flood = 0;
	s = modbus_state_new(&cfg);
	for (int i = 0; i < MODBUS_MAX_TX + 10; i++)
		feed(s, APP_TOSERVER, RD_COILS_REQ);
	assert_int_equal(modbus_tx_count(s), MODBUS_MAX_TX + 10);
	assert_null(modbus_tx_get(s, 9));
	assert_non_null(modbus_tx_get(s, 10));
	assert_false(modbus_tx_has_event(modbus_tx_get(s, MODBUS_MAX_TX), MODBUS_EV_FLOODED));
	modbus_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_pairs_as_suricata),
	    cmocka_unit_test(test_write_single),
	    cmocka_unit_test(test_diagnostic_exception_unsolicited),
	    cmocka_unit_test(test_splits_and_truncations),
	    cmocka_unit_test(test_bad_lengths),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_gap),
	    cmocka_unit_test(test_keyword),
	    cmocka_unit_test(test_flood_and_release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
