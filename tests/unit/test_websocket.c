/*
 * test_websocket.c — the WebSocket parser on frames of real captures
 * (suricata-verify's websocket capture: masked client text frames,
 * unmasked server ones; websocket-compressed: permessage-deflate server
 * messages that refer to earlier ones), whole, byte by byte, cut short;
 * and variants built from them: a message fragmented with a ping in
 * between, a payload past the size cap, 16-bit lengths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/websocket.h"
#include "util/json.h"

static uint32_t unhex(const char *h, uint8_t *out)
{
	uint32_t n = 0;
	for (; h[0] && h[1]; h += 2)
		out[n++] = (uint8_t)strtoul((char[]){h[0], h[1], 0}, NULL, 16);
	return n;
}

static enum app_parse_result feed(struct ws_state *s, enum app_dir dir, const char *hex,
				  uint32_t step)
{
	uint32_t n = (uint32_t)strlen(hex) / 2;
	uint8_t *b = malloc(n + 1);
	unhex(hex, b);
	enum app_parse_result r = APP_PARSE_OK;
	uint32_t k = step ? step : n;
	for (uint32_t off = 0; off < n && r == APP_PARSE_OK; off += k) {
		uint32_t m = n - off < k ? n - off : k;
		uint8_t *c = malloc(m); /* exact size: ASan sees a read past it */
		memcpy(c, b + off, m);
		r = ws_parse(s, dir, c, m, 0);
		free(c);
	}
	free(b);
	return r;
}

static void assert_payload(const struct ws_tx *tx, const char *s)
{
	assert_non_null(tx);
	assert_int_equal(tx->payload_len, strlen(s));
	assert_memory_equal(tx->payload, s, strlen(s));
}

/* client frames 6, 8 and server frames 7, 9 of the capture */
static void run_basic(uint32_t step)
{
	struct ws_state *s = ws_state_new(0);
	assert_int_equal(feed(s, APP_TOSERVER, "8188e2b695ed94d3e79e8bd9fbc1", step), APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, "811576657273696f6e2c687962692d64726166742d3133", step),
			 APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOSERVER, "819109db59576cb8313825af3c247dfb34327aa838306c", step),
			 APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, "81116563686f2c74657374206d657373616765", step),
			 APP_PARSE_OK);
	assert_int_equal(ws_tx_count(s), 4);
	const struct ws_tx *t0 = ws_tx_get(s, 0);
	assert_int_equal(t0->dir, APP_TOSERVER);
	assert_true(t0->masked && t0->fin);
	assert_int_equal(t0->mask, 3803616749u);
	assert_int_equal(t0->opcode, 1);
	assert_int_equal(t0->flags, 0x80);
	assert_payload(t0, "version,");
	assert_payload(ws_tx_get(s, 1), "version,hybi-draft-13");
	assert_false(ws_tx_get(s, 1)->masked);
	assert_payload(ws_tx_get(s, 2), "echo,test message");
	assert_payload(ws_tx_get(s, 3), "echo,test message");

	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	ws_tx_log_json(&j, t0);
	json_close_object(&j);
	char *e = strndup(j.buf, j.len);
	json_free(&j);
	assert_string_equal(e, "{\"websocket\":{\"fin\":true,\"mask\":3803616749,\"opcode\":\"text\"}}");
	free(e);
	ws_state_free(s);
}

static void test_basic_whole(void **st)
{
	(void)st;
	run_basic(0);
}

static void test_basic_bytewise(void **st)
{
	(void)st;
	run_basic(1);
}

/* Every cut of a masked frame: no transaction until its last byte. */
static void test_truncated(void **st)
{
	(void)st;
	const char *f = "819109db59576cb8313825af3c247dfb34327aa838306c";
	uint32_t n = (uint32_t)strlen(f) / 2;
	for (uint32_t cut = 0; cut < n; cut++) {
		struct ws_state *s = ws_state_new(0);
		char hex[64];
		snprintf(hex, sizeof(hex), "%.*s", (int)(cut * 2), f);
		feed(s, APP_TOSERVER, hex, 0);
		assert_int_equal(ws_tx_count(s), 0);
		ws_state_free(s);
	}
}

/* Server messages of the compressed capture: the third refers back to
 * the first two (context takeover), so one inflater per direction. */
static void test_compressed(void **st)
{
	(void)st;
	struct ws_state *s = ws_state_new(0);
	feed(s, APP_TOCLIENT, "c126f2768db435304f4eb23435b54c4d4b33324c354e353649334e4a4a31b4303231484a4c360600", 0);
	feed(s, APP_TOCLIENT, "c1170af17777f771b5354ab1304832324a4d49324e4c4b0600", 0);
	feed(s, APP_TOCLIENT, "c112820a9a981a18249aa7a5259958585a980200", 0);
	assert_int_equal(ws_tx_count(s), 3);
	assert_true(ws_tx_get(s, 0)->compress);
	assert_int_equal(ws_tx_get(s, 0)->flags, 0xc0);
	assert_payload(ws_tx_get(s, 0), "KEY=07cb9559eff21e3e34f3bbd18240bac3");
	assert_payload(ws_tx_get(s, 1), "TOGGLE=2d80b22edb3afc");
	assert_payload(ws_tx_get(s, 2), "TOGGLE=4500a7ffb48985");
	ws_state_free(s);
}

/* "Hel" (text, no FIN), a ping "hi" in between, "lo" (continuation,
 * FIN): the final frame carries "Hello", the ping its own payload. */
static void test_fragmented(void **st)
{
	(void)st;
	struct ws_state *s = ws_state_new(0);
	feed(s, APP_TOCLIENT, "010348656c" "89026869" "80026c6f", 0);
	assert_int_equal(ws_tx_count(s), 3);
	assert_false(ws_tx_get(s, 0)->fin);
	assert_payload(ws_tx_get(s, 0), "Hel");
	assert_payload(ws_tx_get(s, 1), "hi");
	assert_int_equal(ws_tx_get(s, 1)->opcode, 9);
	assert_payload(ws_tx_get(s, 2), "Hello");
	assert_int_equal(ws_tx_get(s, 2)->opcode, 0);
	ws_state_free(s);
}

/* A 300-byte payload (16-bit length) with a 256-byte cap: 256 kept,
 * the rest skipped, the next frame read after it. */
static void test_cap(void **st)
{
	(void)st;
	struct ws_state *s = ws_state_new(256);
	char hex[2 * 320];
	int o = snprintf(hex, sizeof(hex), "827e012c");
	for (int i = 0; i < 300; i++)
		o += snprintf(hex + o, sizeof(hex) - (size_t)o, "%02x", i & 0xff);
	assert_int_equal(feed(s, APP_TOCLIENT, hex, 7), APP_PARSE_OK);
	feed(s, APP_TOCLIENT, "8a00", 0); /* pong, empty */
	assert_int_equal(ws_tx_count(s), 2);
	const struct ws_tx *t = ws_tx_get(s, 0);
	assert_int_equal(t->payload_len, 256);
	assert_int_equal(t->payload[255], 255);
	assert_true(t->events & (1u << WS_EV_SKIP_END_OF_PAYLOAD));
	assert_int_equal(ws_tx_get(s, 1)->opcode, 10);
	assert_null(ws_opcode_name(10));
	assert_int_equal(ws_opcode_by_name("ping"), 8);
	ws_tx_release_upto(s, 1);
	assert_null(ws_tx_get(s, 0));
	assert_non_null(ws_tx_get(s, 1));
	ws_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic_whole), cmocka_unit_test(test_basic_bytewise),
	    cmocka_unit_test(test_truncated),	cmocka_unit_test(test_compressed),
	    cmocka_unit_test(test_fragmented),	cmocka_unit_test(test_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
