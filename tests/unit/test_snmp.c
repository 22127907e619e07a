/*
 * test_snmp.c — the SNMP parser on real messages from suricata-verify's
 * captures: an SNMPv2c get-request and its response (snmp-community), an
 * SNMPv3 get-request, its report (unknown engine id), and an encrypted exchange
 * (snmp-v3-encrypted); cut short, corrupted, and a v1 trap built from the
 * v2c request's parts; the transactions and their EVE objects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/snmp.h"
#include "util/json.h"

static const char V2_GET[] =
    "3027020101040b5b52305f4340637469215da11502042b133f8502010002010030073005"
    "0601010500";

static const char V2_RESP[] =
    "3031020101040b5b52305f4340637469215da21f02042b133f850201000201003011300f"
    "060a28c46201010101010100020102";

static const char V3_GET[] =
    "3040020103300f02030091c8020205dc0401040201030415301304000201000201000405"
    "61646d696e04000400301304000400a00d02030091c80201000201003000";

static const char V3_REPORT[] =
    "306c020103300f02030091c80202080004010002010304243022040c000039e7000000a1"
    "c0a81da0020202f0020302fde7040561646d696e040004003030040c000039e7000000a1"
    "c0a81da00400a81e02030091c80201000201003011300f060a2b060106030f0101040041"
    "0101";

static const char V3_ENC_REQ[] =
    "307f020103300f02030091c90202080004010702010304383036040c000039e7000000a1"
    "c0a81da0020202f0020302fde7040561646d696e040cac1663903625bedee6f324660408"
    "cb26d90073efc352042f14094a43804d88fc6f523fe1b2aa27dc1faf23afdf770307ec27"
    "291d55348436405a858eb23a56b157716eb85a5143";

static const char V3_ENC_RESP[] =
    "308190020103300f02030091c90202080004010302010304383036040c000039e7000000"
    "a1c0a81da0020202f0020302fde8040561646d696e040c11ea7ebd94bf2e64e3500b5b04"
    "085611c81435399c400440f0e8472aa3180408ef813db8cf114188ccb806d3e670cdd98e"
    "926dff21e98d6ba056223ab768cb402665706ee183e028dd2710452c1530d7553c202fa1"
    "4950cd";

static uint8_t *unhex(const char *h, uint32_t *n)
{
	size_t l = strlen(h) / 2;
	uint8_t *out = malloc(l ? l : 1); /* exact size: reads past it are caught */
	for (size_t i = 0; i < l; i++)
		out[i] = (uint8_t)strtoul((char[]){h[2 * i], h[2 * i + 1], 0}, NULL, 16);
	*n = (uint32_t)l;
	return out;
}

static void feed(struct snmp_state *s, enum app_dir dir, const char *hex, uint32_t cut)
{
	uint32_t n;
	uint8_t *b = unhex(hex, &n);
	if (cut > 0 && cut < n) {
		uint8_t *c = malloc(cut);
		memcpy(c, b, cut);
		free(b);
		b = c;
		n = cut;
	}
	assert_int_equal(snmp_parse(s, dir, b, n), APP_PARSE_OK);
	free(b);
}

static char *eve_of(const struct snmp_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	snmp_tx_log_json(&j, tx);
	json_close_object(&j);
	char *out = strndup(j.buf, j.len);
	json_free(&j);
	return out;
}

static void test_v2c(void **st)
{
	(void)st;
	struct snmp_state *s = snmp_state_new();
	feed(s, APP_TOSERVER, V2_GET, 0);
	feed(s, APP_TOCLIENT, V2_RESP, 0);
	assert_int_equal(snmp_tx_count(s), 2);
	const struct snmp_tx *tx = snmp_tx_get(s, 0);
	assert_int_equal(tx->dir, APP_TOSERVER);
	char *e = eve_of(tx);
	assert_string_equal(e, "{\"snmp\":{\"version\":2,\"pdu_type\":\"get_next_request\","
			       "\"vars\":[\"0.1\"],\"community\":\"[R0_C@cti!]\"}}");
	free(e);
	tx = snmp_tx_get(s, 1);
	assert_int_equal(tx->pdu_type, 2);
	assert_int_equal(tx->dir, APP_TOCLIENT);
	assert_int_equal(tx->events, 0);
	snmp_state_free(s);
}

static void test_v3(void **st)
{
	(void)st;
	struct snmp_state *s = snmp_state_new();
	feed(s, APP_TOSERVER, V3_GET, 0);
	feed(s, APP_TOCLIENT, V3_REPORT, 0);
	feed(s, APP_TOSERVER, V3_ENC_REQ, 0);
	feed(s, APP_TOCLIENT, V3_ENC_RESP, 0);
	assert_int_equal(snmp_tx_count(s), 4);
	char *e = eve_of(snmp_tx_get(s, 0));
	assert_string_equal(e, "{\"snmp\":{\"version\":3,\"pdu_type\":\"get_request\",\"usm\":\"admin\"}}");
	free(e);
	e = eve_of(snmp_tx_get(s, 1));
	assert_string_equal(e, "{\"snmp\":{\"version\":3,\"pdu_type\":\"report\",\"vars\":"
			       "[\"1.3.6.1.6.3.15.1.1.4.0\"],\"usm\":\"admin\"}}");
	free(e);
	const struct snmp_tx *tx = snmp_tx_get(s, 2);
	assert_true(tx->encrypted);
	assert_true(tx->has_usm);
	assert_string_equal(tx->usm.p, "admin");
	e = eve_of(tx);
	assert_string_equal(e, "{\"snmp\":{\"version\":3,\"pdu_type\":\"encrypted\"}}");
	free(e);
	snmp_state_free(s);
}

/* Cut at every length: never a transaction of a broken message, never a
 * read past the end; the malformed_data event on the previous one. */
static void test_truncated(void **st)
{
	(void)st;
	uint32_t n;
	uint8_t *b = unhex(V2_GET, &n);
	free(b);
	for (uint32_t cut = 1; cut < n; cut++) {
		struct snmp_state *s = snmp_state_new();
		feed(s, APP_TOSERVER, V2_GET, 0);
		feed(s, APP_TOSERVER, V2_GET, cut);
		assert_int_equal(snmp_tx_count(s), 1);
		assert_true(snmp_tx_get(s, 0)->events & (1u << SNMP_EV_MALFORMED_DATA));
		snmp_state_free(s);
	}
}

static void test_corrupted(void **st)
{
	(void)st;
	struct snmp_state *s = snmp_state_new();
	feed(s, APP_TOSERVER, V2_GET, 0);
	/* version 2 (not 0, 1 or 3) in the envelope: not SNMP */
	char *bad = strdup(V2_GET);
	memcpy(bad + 8, "02", 2);
	feed(s, APP_TOSERVER, bad, 0);
	assert_int_equal(snmp_tx_count(s), 1);
	uint32_t n;
	uint8_t *b = unhex(bad, &n);
	assert_int_equal(snmp_probe(b, n), APP_PROBE_NO);
	free(b);
	/* version 0 (v1) after v2c: a transaction with version_mismatch */
	memcpy(bad + 8, "00", 2);
	feed(s, APP_TOSERVER, bad, 0);
	assert_int_equal(snmp_tx_count(s), 2);
	assert_true(snmp_tx_get(s, 1)->events & (1u << SNMP_EV_VERSION_MISMATCH));
	assert_int_equal(snmp_tx_get(s, 1)->version, 2); /* the flow's, as Suricata logs */
	free(bad);
	b = unhex(V2_GET, &n);
	assert_int_equal(snmp_probe(b, n), APP_PROBE_MATCH);
	assert_int_equal(snmp_probe(b, 1), APP_PROBE_NEED_MORE);
	free(b);
	snmp_state_free(s);
}

/* A v1 trap (RFC 1157 Trap-PDU): enterprise, agent address, coldStart. */
static void test_trap_v1(void **st)
{
	(void)st;
	struct snmp_state *s = snmp_state_new();
	/* a varbind list cut short inside: malformed, no transaction */
	feed(s, APP_TOSERVER,
	     "302a02010004067075626c6963a41d06092b0601040181f4690040047f00000102010002"
	     "0100430100300530",
	     0);
	assert_int_equal(snmp_tx_count(s), 0);
	feed(s, APP_TOSERVER,
	     "303102010004067075626c6963a42406092b0601040181f4690040047f00000102010002"
	     "01004301003008300606022b060500",
	     0);
	assert_int_equal(snmp_tx_count(s), 1);
	char *e = eve_of(snmp_tx_get(s, 0));
	assert_string_equal(e, "{\"snmp\":{\"version\":1,\"pdu_type\":\"trap_v1\",\"trap_type\":"
			       "\"coldStart\",\"trap_oid\":\"1.3.6.1.4.1.31337.0\",\"trap_address\":"
			       "\"127.0.0.1\",\"vars\":[\"1.3.6\"],\"community\":\"public\"}}");
	free(e);
	snmp_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v2c),	      cmocka_unit_test(test_v3),
	    cmocka_unit_test(test_truncated), cmocka_unit_test(test_corrupted),
	    cmocka_unit_test(test_trap_v1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
