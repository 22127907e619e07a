/*
 * test_rfb.c — the RFB parser on the handshake of suricata-verify's
 * rfb-rules-8 capture (RFB 3.7, VNC authentication, ServerInit), whole,
 * byte by byte, with the directions' bytes delivered out of order, cut
 * short, with an unimplemented security type and a corrupted version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/rfb.h"
#include "util/json.h"

struct msg {
	enum app_dir dir;
	const char *hex;
};

static const struct msg session[] = {
    {APP_TOCLIENT, "524642203030332e3030370a"},
    {APP_TOSERVER, "524642203030332e3030370a"},
    {APP_TOCLIENT, "021202"},
    {APP_TOSERVER, "02"},
    {APP_TOCLIENT, "ea5150a99e0feb6343c045c6f95ce44c"},
    {APP_TOSERVER, "c39d5ad5c8242ed6bea28a773dbd3a29"},
    {APP_TOCLIENT, "00000000"},
    {APP_TOSERVER, "00"},
    {APP_TOCLIENT, "050003202018000100ff00ff00ff1008000000000000001e616e6561676c6573406c6f63616c686f73742e6c6f63616c646f6d61696e"},
    {APP_TOSERVER, "0000000008080001000300030003040200000000"},
};
#define N_MSGS (sizeof(session) / sizeof(session[0]))

static uint8_t *unhex(const char *h, uint32_t *n)
{
	size_t l = strlen(h) / 2;
	uint8_t *out = malloc(l ? l : 1);
	for (size_t i = 0; i < l; i++)
		out[i] = (uint8_t)strtoul((char[]){h[2 * i], h[2 * i + 1], 0}, NULL, 16);
	*n = (uint32_t)l;
	return out;
}

static void feed(struct rfb_state *s, enum app_dir dir, const char *hex, uint32_t step)
{
	uint32_t n;
	uint8_t *b = unhex(hex, &n);
	uint32_t k = step ? step : n;
	for (uint32_t off = 0; off < n; off += k) {
		uint32_t c = n - off < k ? n - off : k;
		uint8_t *piece = malloc(c); /* exact size: reads past it are caught */
		memcpy(piece, b + off, c);
		assert_int_equal(rfb_parse(s, dir, piece, c, 0), APP_PARSE_OK);
		free(piece);
	}
	free(b);
}

static char *eve_of(const struct rfb_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	rfb_tx_log_json(&j, tx);
	json_close_object(&j);
	char *out = strndup(j.buf, j.len);
	json_free(&j);
	return out;
}

static const char EXPECTED[] =
    "{\"rfb\":{\"server_protocol_version\":{\"major\":\"003\",\"minor\":\"007\"},"
    "\"client_protocol_version\":{\"major\":\"003\",\"minor\":\"007\"},\"authentication\":"
    "{\"security_type\":2,\"vnc\":{\"challenge\":\"ea5150a99e0feb6343c045c6f95ce44c\","
    "\"response\":\"c39d5ad5c8242ed6bea28a773dbd3a29\"},\"security_result\":\"OK\"},"
    "\"screen_shared\":false,\"framebuffer\":{\"width\":1280,\"height\":800,\"name\":"
    "\"aneagles@localhost.localdomain\",\"pixel_format\":{\"bits_per_pixel\":32,\"depth\":24,"
    "\"big_endian\":false,\"true_color\":true,\"red_max\":255,\"green_max\":255,"
    "\"blue_max\":255,\"red_shift\":16,\"green_shift\":8,\"blue_shift\":0,\"depth\":24}}}}";

static void check(uint32_t step)
{
	struct rfb_state *s = rfb_state_new();
	for (size_t i = 0; i < N_MSGS; i++)
		feed(s, session[i].dir, session[i].hex, step);
	const struct rfb_tx *tx = rfb_state_tx(s);
	assert_non_null(tx);
	assert_true(tx->complete);
	assert_int_equal(tx->events, 0);
	char *e = eve_of(tx);
	assert_string_equal(e, EXPECTED);
	free(e);
	rfb_state_free(s);
}

static void test_whole(void **st)
{
	(void)st;
	check(0);
}

static void test_bytewise(void **st)
{
	(void)st;
	check(1);
	check(5);
}

/* All the server's bytes first, then the client's: the steps wait for
 * the direction they read. */
static void test_out_of_order(void **st)
{
	(void)st;
	struct rfb_state *s = rfb_state_new();
	for (size_t i = 0; i < N_MSGS; i++)
		if (session[i].dir == APP_TOCLIENT)
			feed(s, APP_TOCLIENT, session[i].hex, 0);
	assert_false(rfb_state_tx(s)->complete);
	for (size_t i = 0; i < N_MSGS; i++)
		if (session[i].dir == APP_TOSERVER)
			feed(s, APP_TOSERVER, session[i].hex, 0);
	char *e = eve_of(rfb_state_tx(s));
	assert_string_equal(e, EXPECTED);
	free(e);
	rfb_state_free(s);
}

static void test_truncated(void **st)
{
	(void)st;
	struct rfb_state *s = rfb_state_new();
	const size_t si = N_MSGS - 2; /* ServerInit; the client's SetPixelFormat follows */
	for (size_t i = 0; i < si; i++)
		feed(s, session[i].dir, session[i].hex, 0);
	/* ServerInit without its last 10 bytes of name */
	char cut[256];
	size_t l = strlen(session[si].hex);
	memcpy(cut, session[si].hex, l - 20);
	cut[l - 20] = 0;
	feed(s, session[si].dir, cut, 0);
	const struct rfb_tx *tx = rfb_state_tx(s);
	assert_false(tx->complete);
	assert_false(tx->has_server_init);
	assert_true(tx->has_result);
	assert_int_equal(rfb_parse(s, APP_TOCLIENT, NULL, 0, APP_CHUNK_EOF), APP_PARSE_OK);
	assert_true(tx->complete);
	rfb_state_free(s);
}

static void test_corrupted(void **st)
{
	(void)st;
	struct rfb_state *s = rfb_state_new();
	feed(s, APP_TOCLIENT, "524642203030332e3030380a", 0); /* 3.8 */
	feed(s, APP_TOSERVER, "524642203030332e3030380a", 0);
	feed(s, APP_TOCLIENT, "01" "0d", 0);			/* one type: 13 */
	feed(s, APP_TOSERVER, "0d", 0);
	const struct rfb_tx *tx = rfb_state_tx(s);
	assert_true(tx->events & (1u << RFB_EV_UNIMPLEMENTED_SECURITY_TYPE));
	assert_int_equal(tx->sec_type, 13);
	rfb_state_free(s);

	s = rfb_state_new();
	feed(s, APP_TOCLIENT, "5246422030303x2e3030380a", 0);
	assert_true(rfb_state_tx(s)->events & (1u << RFB_EV_MALFORMED_MESSAGE));
	rfb_state_free(s);
	assert_int_equal(rfb_probe((const uint8_t *)"RFB 003.0", 9), APP_PROBE_NEED_MORE);
	assert_int_equal(rfb_probe((const uint8_t *)"RFB 003.008\n", 12), APP_PROBE_MATCH);
	assert_int_equal(rfb_probe((const uint8_t *)"SSH-2.0-Open", 12), APP_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole),     cmocka_unit_test(test_bytewise),
	    cmocka_unit_test(test_out_of_order), cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_corrupted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
