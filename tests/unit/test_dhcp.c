/*
 * test_dhcp.c — the DHCP parser on real messages: an ACK from nDPI's
 * 1kxun capture and a DISCOVER from suricata-verify's dhcp-request-flood;
 * the EVE object plain (ACKs only, as Suricata's default) and extended,
 * every truncation, corrupted options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/dhcp.h"
#include "util/json.h"

extern const struct app_protocol app_dhcp;

static const char ACK[] =
    "02010600c091205200008000c0a80524c0a80524c0a877010000000000265ac263550000"
    "000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000638253633501053604c0a87701330400"
    "00003c0104ffff00000304c0a877010610a85f010108080808a85fc001080804042a08a8"
    "5fc30c7bcc2d74ff00000000";

static const char DISCOVER[] =
    "0101060000000001000000010000000000000000000000000000000064653a61643a6265"
    "3a65663a61613a6200000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000063825363350101ff";

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
	dhcp_tx_log_json(j, tx, x);
}

static void feed(struct dhcp_state *s, enum app_dir dir, const char *hex, uint32_t cut)
{
	uint32_t n;
	uint8_t *b = unhex(hex, &n);
	if (cut > 0 && cut < n)
		n = cut; /* the bytes past n stay unread: ASan would tell */
	uint8_t *c = malloc(n);
	memcpy(c, b, n);
	assert_int_equal(dhcp_parse(s, dir, c, n), APP_PARSE_OK);
	free(c);
	free(b);
}

static void test_ack(void **st)
{
	(void)st;
	struct dhcp_state *s = dhcp_state_new(false);
	feed(s, APP_TOCLIENT, ACK, 0);
	feed(s, APP_TOSERVER, DISCOVER, 0);
	assert_int_equal(dhcp_tx_count(s), 2);
	const struct dhcp_tx *tx = dhcp_tx_get(s, 0);
	char *e = eve_json(log_fn, tx, false);
	assert_string_equal(e, "{\"dhcp\":{\"type\":\"reply\",\"id\":3230736466,\"client_mac\":"
			       "\"00:26:5a:c2:63:55\",\"assigned_ip\":\"192.168.5.36\","
			       "\"dhcp_type\":\"ack\"}}");
	free(e);
	/* not extended: only the ACK is logged */
	assert_int_equal(app_dhcp.tx_log(s, tx, false), APP_LOG_NOW);
	assert_int_equal(app_dhcp.tx_log(s, dhcp_tx_get(s, 1), false), APP_LOG_SKIP);
	assert_true(tx->has_lease);
	e = eve_json(log_fn, tx, true);
	assert_string_equal(e, "{\"dhcp\":{\"type\":\"reply\",\"id\":3230736466,\"client_mac\":"
			       "\"00:26:5a:c2:63:55\",\"assigned_ip\":\"192.168.5.36\",\"client_ip\":"
			       "\"192.168.5.36\",\"relay_ip\":\"0.0.0.0\",\"next_server_ip\":"
			       "\"192.168.119.1\",\"dhcp_type\":\"ack\",\"lease_time\":60,"
			       "\"subnet_mask\":\"255.255.0.0\",\"routers\":[\"192.168.119.1\"],"
			       "\"dns_servers\":[\"168.95.1.1\",\"8.8.8.8\",\"168.95.192.1\","
			       "\"8.8.4.4\"]}}");
	free(e);
	tx = dhcp_tx_get(s, 1);
	e = eve_json(log_fn, tx, true);
	assert_non_null(strstr(e, "\"type\":\"request\",\"id\":1,"));
	assert_non_null(strstr(e, "\"dhcp_type\":\"discover\""));
	free(e);
	dhcp_state_free(s);
	s = dhcp_state_new(true);
	feed(s, APP_TOSERVER, DISCOVER, 0);
	assert_int_equal(app_dhcp.tx_log(s, dhcp_tx_get(s, 0), false), APP_LOG_NOW);
	dhcp_state_free(s);
}

static void test_truncated(void **st)
{
	(void)st;
	uint32_t n;
	uint8_t *b = unhex(ACK, &n);
	free(b);
	for (uint32_t cut = 1; cut < n; cut++) {
		struct dhcp_state *s = dhcp_state_new(false);
		feed(s, APP_TOCLIENT, ACK, cut);
		if (cut < DHCP_HEADER_LEN + 4)
			assert_int_equal(dhcp_tx_count(s), 0);
		else
			assert_int_equal(dhcp_tx_count(s), 1);
		dhcp_state_free(s);
	}
	/* cut inside an option: truncated_options */
	struct dhcp_state *s = dhcp_state_new(false);
	feed(s, APP_TOCLIENT, ACK, DHCP_HEADER_LEN + 4 + 5);
	assert_true(dhcp_tx_get(s, 0)->events & (1u << DHCP_EV_TRUNCATED_OPTIONS));
	dhcp_state_free(s);
}

static void test_corrupted(void **st)
{
	(void)st;
	struct dhcp_state *s = dhcp_state_new(false);
	char *bad = strdup(ACK);
	memcpy(bad + 2 * DHCP_HEADER_LEN, "63825364", 8); /* a wrong magic cookie */
	feed(s, APP_TOCLIENT, bad, 0);
	assert_int_equal(dhcp_tx_count(s), 0);
	free(bad);
	uint32_t n;
	uint8_t *b = unhex(DISCOVER, &n);
	assert_int_equal(dhcp_probe(b, n), APP_PROBE_MATCH);
	b[0] = 3;
	assert_int_equal(dhcp_probe(b, n), APP_PROBE_NO);
	free(b);
	dhcp_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ack),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_corrupted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
