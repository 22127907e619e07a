/*
 * test_ntp.c — the NTP parser on the messages of suricata-verify's
 * ntp-keywords capture (an NTPv4 and an NTPv3 exchange), cut short and
 * of another version; the EVE object as Suricata 8 writes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/ntp.h"
#include "util/json.h"

static const char V4_REQ[] =
    "230000000000000000000000000000000000000000000000000000000000000000000000"
    "000000001857abc34a5f2cfe";
static const char V4_REPLY[] =
    "2402000000000000000000004c4f434c000000000000000000000000000000000000000000"
    "0000001857abc34a5f2cff";
static const char V3_REQ[] =
    "1b0000000000000000000000000000000000000000000000000000000000000000000000"
    "000000001857abc34a5f2cfe";

static uint8_t *unhex(const char *h, uint32_t *n)
{
	size_t l = strlen(h) / 2;
	uint8_t *out = malloc(l ? l : 1); /* exact size: reads past it are caught */
	for (size_t i = 0; i < l; i++)
		out[i] = (uint8_t)strtoul((char[]){h[2 * i], h[2 * i + 1], 0}, NULL, 16);
	*n = (uint32_t)l;
	return out;
}

static char *eve_json(void (*fn)(struct json *, const void *, bool), const void *tx, bool x)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	fn(&j, tx, x);
	json_close_object(&j);
	char *out = strndup(j.buf, j.len);
	json_free(&j);
	return out;
}

static void log_fn(struct json *j, const void *tx, bool x)
{
	(void)x;
	ntp_tx_log_json(j, tx);
}

static void feed(struct ntp_state *s, enum app_dir dir, const char *hex, uint32_t cut)
{
	uint32_t n;
	uint8_t *b = unhex(hex, &n);
	if (cut > 0 && cut < n)
		n = cut;
	uint8_t *c = malloc(n);
	memcpy(c, b, n);
	assert_int_equal(ntp_parse(s, dir, c, n), APP_PARSE_OK);
	free(c);
	free(b);
}

static void test_messages(void **st)
{
	(void)st;
	struct ntp_state *s = ntp_state_new();
	feed(s, APP_TOSERVER, V4_REQ, 0);
	feed(s, APP_TOCLIENT, V4_REPLY, 0);
	feed(s, APP_TOSERVER, V3_REQ, 0);
	assert_int_equal(ntp_tx_count(s), 3);
	char *e = eve_json(log_fn, ntp_tx_get(s, 0), false);
	assert_string_equal(e, "{\"ntp\":{\"version\":4,\"mode\":3,\"stratum\":0,"
			       "\"reference_id\":\"00:00:00:00\"}}");
	free(e);
	e = eve_json(log_fn, ntp_tx_get(s, 1), false);
	assert_string_equal(e, "{\"ntp\":{\"version\":4,\"mode\":4,\"stratum\":2,"
			       "\"reference_id\":\"4c:4f:43:4c\"}}");
	free(e);
	assert_int_equal(ntp_tx_get(s, 2)->version, 3);
	assert_int_equal(ntp_mode_by_name("server"), 4);
	assert_int_equal(ntp_mode_by_name("nope"), -1);
	ntp_state_free(s);
}

static void test_truncated_and_corrupted(void **st)
{
	(void)st;
	struct ntp_state *s = ntp_state_new();
	feed(s, APP_TOSERVER, V4_REQ, 0);
	for (uint32_t cut = 1; cut < NTP_HEADER_LEN; cut++)
		feed(s, APP_TOSERVER, V4_REQ, cut);
	assert_int_equal(ntp_tx_count(s), 1);
	assert_true(ntp_tx_get(s, 0)->events & (1u << NTP_EV_MALFORMED_DATA));
	char *bad = strdup(V4_REQ);
	bad[0] = '1'; /* 0x13: version 2 */
	bad[1] = '3';
	feed(s, APP_TOSERVER, bad, 0);
	assert_int_equal(ntp_tx_count(s), 1);
	uint32_t n;
	uint8_t *b = unhex(bad, &n);
	assert_int_equal(ntp_probe(b, n), APP_PROBE_NO);
	free(b);
	b = unhex(V3_REQ, &n);
	assert_int_equal(ntp_probe(b, n), APP_PROBE_MATCH);
	free(b);
	free(bad);
	ntp_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_truncated_and_corrupted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
