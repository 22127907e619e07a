/*
 * test_rdp.c — app/rdp.c, rdp-names.c and rdp-log.c: real connection
 * sequences from public captures (test_rdp_vectors.h) through the
 * descriptor, compared with Suricata 7.0.4's EVE for the same captures;
 * TPKT and TLS framing in every split; the TLS switch and the end of
 * parsing; truncated and corrupted TPKTs (stall, skip or error, as
 * Suricata's parser); Client Core Data optional fields; bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/rdp.h"
#include "util/json.h"

#include "test_rdp_vectors.h"

extern const struct app_protocol app_rdp;

static void *state_new(void)
{
	struct app_flow_info fi = {.tcp = true, .server_port = 3389};
	void *s = app_rdp.state_new(&fi);
	assert_non_null(s);
	return s;
}

static enum app_parse_result feed(void *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	assert_non_null(c);
	memcpy(c, d, n);
	enum app_parse_result r = app_rdp.parse(s, dir, c, n, 0);
	free(c);
	return r;
}

static char *log_tx(const void *s, const void *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_rdp.log_json(&j, s, tx, 0);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_log(const void *s, uint64_t id, const char *want_rdp)
{
	const void *tx = app_rdp.tx_get(s, id);
	assert_non_null(tx);
	char *got = log_tx(s, tx);
	char want[4096];
	snprintf(want, sizeof(want), "{\"rdp\":%s}", want_rdp);
	assert_string_equal(got, want);
	free(got);
}

#define FEED_OK(s, dir, v) assert_int_equal(feed(s, dir, v, sizeof(v)), APP_PARSE_OK)

/* ---- real sequences, as Suricata 7.0.4 logs them ---- */

static const char XP_CONNECT[] =
    "{\"tx_id\":3,\"event_type\":\"connect_request\",\"client\":{\"version\":\"v5\","
    "\"desktop_width\":1280,\"desktop_height\":1024,\"color_depth\":16,"
    "\"keyboard_layout\":\"en-US\",\"build\":\"Windows XP\",\"client_name\":\"SEPTU\","
    "\"keyboard_type\":\"enhanced\",\"function_keys\":12,\"product_id\":1,"
    "\"capabilities\":[\"support_errinfo_pdf\"],\"id\":\"76487-OEM-0011903-00102\"},"
    "\"channels\":[\"rdpdr\",\"cliprdr\",\"rdpsnd\"]}";

static void test_standard_security_xp(void **st)
{
	void *s = state_new();
	FEED_OK(s, APP_TOSERVER, xp_cr);
	FEED_OK(s, APP_TOCLIENT, xp_cc);
	FEED_OK(s, APP_TOSERVER, xp_ci);
	FEED_OK(s, APP_TOCLIENT, xp_sd);
	assert_int_equal(app_rdp.tx_count(s), 4);
	assert_log(s, 0,
		   "{\"tx_id\":1,\"event_type\":\"initial_request\",\"cookie\":\"Administr\"}");
	assert_log(s, 1, "{\"tx_id\":2,\"event_type\":\"initial_response\"}");
	assert_log(s, 2, XP_CONNECT);
	assert_log(s, 3, "{\"tx_id\":4,\"event_type\":\"connect_response\"}");
	/* the connect response ends parsing: encrypted PDUs follow */
	assert_true(rdp_bypassed(s));
	FEED_OK(s, APP_TOSERVER, xp_cr);
	assert_int_equal(app_rdp.tx_count(s), 4);
	const struct rdp_tx *tx = app_rdp.tx_get(s, 0);
	assert_int_equal(tx->dir, APP_TOSERVER);
	assert_int_equal(app_rdp.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_rdp.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_NONE);
	assert_false(tx->has_neg_req);
	app_rdp.state_free(s);
}

static void test_standard_security_win81(void **st)
{
	void *s = state_new();
	FEED_OK(s, APP_TOSERVER, x509_cr);
	FEED_OK(s, APP_TOCLIENT, x509_cc);
	FEED_OK(s, APP_TOSERVER, x509_ci);
	FEED_OK(s, APP_TOCLIENT, x509_sd1);
	assert_int_equal(app_rdp.tx_count(s), 3); /* the response spans two segments */
	FEED_OK(s, APP_TOCLIENT, x509_sd2);
	assert_int_equal(app_rdp.tx_count(s), 4);
	assert_log(s, 0,
		   "{\"tx_id\":1,\"event_type\":\"initial_request\",\"cookie\":\"JOHN-PC  \"}");
	assert_log(s, 1, "{\"tx_id\":2,\"event_type\":\"initial_response\",\"protocol\":\"rdp\"}");
	assert_log(
	    s, 2,
	    "{\"tx_id\":3,\"event_type\":\"connect_request\",\"client\":{\"version\":\"v5\","
	    "\"desktop_width\":1920,\"desktop_height\":1080,\"color_depth\":16,"
	    "\"keyboard_layout\":\"en-US\",\"build\":\"Windows 8.1\","
	    "\"client_name\":\"JOHN-PC-LAPTOP\",\"keyboard_type\":\"enhanced\",\"function_keys\":"
	    "12,"
	    "\"product_id\":1,\"capabilities\":[\"support_errinfo_pdf\",\"support_statusinfo_pdu\","
	    "\"strong_asymmetric_keys\",\"valid_connection_type\",\"support_netchar_autodetect\","
	    "\"support_dynvc_gfx_protocol\",\"support_dynamic_time_zone\",\"support_heartbeat_"
	    "pdu\"],"
	    "\"id\":\"3c571ed0-3415-474b-ae94-74e151b\",\"connection_hint\":\"autodetect\"},"
	    "\"channels\":[\"rdpdr\",\"rdpsnd\",\"cliprdr\",\"drdynvc\"]}");
	assert_log(s, 3, "{\"tx_id\":4,\"event_type\":\"connect_response\"}");
	const struct rdp_tx *cr = app_rdp.tx_get(s, 0);
	assert_true(cr->has_neg_req);
	assert_int_equal(cr->requested_protocols, RDP_PROTO_RDP);
	app_rdp.state_free(s);
}

static void test_tls_upgrade(void **st)
{
	void *s = state_new();
	FEED_OK(s, APP_TOSERVER, ssl_cr);
	FEED_OK(s, APP_TOCLIENT, ssl_cc);
	assert_false(rdp_tls_started(s));
	FEED_OK(s, APP_TOSERVER, ssl_ch); /* ClientHello: the client side switches to TLS */
	assert_true(rdp_tls_started(s));
	assert_false(rdp_bypassed(s));
	FEED_OK(s, APP_TOCLIENT, ssl_sh); /* ServerHello + Certificate */
	assert_true(rdp_bypassed(s));
	assert_int_equal(app_rdp.tx_count(s), 3);
	assert_log(s, 0,
		   "{\"tx_id\":1,\"event_type\":\"initial_request\",\"cookie\":\"AWAKECODI\"}");
	assert_log(s, 1,
		   "{\"tx_id\":2,\"event_type\":\"initial_response\",\"server_supports\":"
		   "[\"extended_client_data\"],\"protocol\":\"hybrid\"}");
	assert_log(s, 2,
		   "{\"tx_id\":3,\"event_type\":\"tls_handshake\",\"x509_serials\":"
		   "[\"16ed2aa0495f259d4f5d99edada570d1\"]}");
	const struct rdp_tx *cr = app_rdp.tx_get(s, 0);
	assert_int_equal(cr->requested_protocols, RDP_PROTO_SSL | RDP_PROTO_HYBRID);
	app_rdp.state_free(s);
}

static void test_no_cookie_hybrid_ex(void **st)
{
	void *s = state_new();
	FEED_OK(s, APP_TOSERVER, nocookie_cr);
	FEED_OK(s, APP_TOCLIENT, nocookie_cc);
	FEED_OK(s, APP_TOSERVER, nocookie_ch);
	FEED_OK(s, APP_TOCLIENT, nocookie_sh);
	assert_int_equal(app_rdp.tx_count(s), 3);
	assert_log(s, 0, "{\"tx_id\":1,\"event_type\":\"initial_request\"}");
	assert_log(s, 1,
		   "{\"tx_id\":2,\"event_type\":\"initial_response\",\"server_supports\":"
		   "[\"extended_client_data\",\"dynvc_gfx\",\"restricted_admin\","
		   "\"redirected_authentication\"],\"protocol\":\"hybrid_ex\"}");
	assert_log(s, 2,
		   "{\"tx_id\":3,\"event_type\":\"tls_handshake\",\"x509_serials\":"
		   "[\"785897aeaaabc0bd4ac73f6eb275d540\"]}");
	app_rdp.state_free(s);
}

/* Every split of the client's two TPKTs and of the server's TLS flight. */
static void test_splits(void **st)
{
	uint8_t ts[sizeof(xp_cr) + sizeof(xp_ci)];
	memcpy(ts, xp_cr, sizeof(xp_cr));
	memcpy(ts + sizeof(xp_cr), xp_ci, sizeof(xp_ci));
	for (uint32_t cut = 0; cut <= sizeof(ts); cut++) {
		void *s = state_new();
		assert_int_equal(feed(s, APP_TOSERVER, ts, cut), APP_PARSE_OK);
		assert_int_equal(feed(s, APP_TOSERVER, ts + cut, sizeof(ts) - cut), APP_PARSE_OK);
		assert_int_equal(app_rdp.tx_count(s), 2);
		const struct rdp_tx *tx = app_rdp.tx_get(s, 1);
		assert_int_equal(tx->type, RDP_TX_CONNECT_REQUEST);
		assert_int_equal(tx->n_blocks, 2); /* core and network data */
		app_rdp.state_free(s);
	}
	/* byte by byte */
	void *s = state_new();
	for (uint32_t i = 0; i < sizeof(ts); i++)
		assert_int_equal(feed(s, APP_TOSERVER, ts + i, 1), APP_PARSE_OK);
	assert_int_equal(app_rdp.tx_count(s), 2);
	app_rdp.state_free(s);
	/* the TLS flight, every split */
	for (uint32_t cut = 0; cut <= sizeof(ssl_sh); cut += 7) {
		s = state_new();
		FEED_OK(s, APP_TOCLIENT, ssl_cc);
		assert_int_equal(feed(s, APP_TOCLIENT, ssl_sh, cut), APP_PARSE_OK);
		assert_int_equal(feed(s, APP_TOCLIENT, ssl_sh + cut, sizeof(ssl_sh) - cut),
				 APP_PARSE_OK);
		assert_int_equal(app_rdp.tx_count(s), 2);
		assert_true(rdp_bypassed(s));
		app_rdp.state_free(s);
	}
}

/* Every truncation of a TPKT whose length field is fixed: the TPKT's
 * content is cut short, which Suricata's streaming parser waits on. */
static void test_truncated_content(void **st)
{
	for (uint32_t cut = 4; cut < sizeof(xp_ci); cut++) {
		uint8_t m[sizeof(xp_ci)];
		memcpy(m, xp_ci, cut);
		m[2] = (uint8_t)(cut >> 8);
		m[3] = (uint8_t)cut;
		void *s = state_new();
		assert_int_equal(feed(s, APP_TOSERVER, m, cut), APP_PARSE_OK);
		/* no connect request, and never an error */
		assert_int_equal(app_rdp.tx_count(s), 0);
		if (rdp_stalled(s, APP_TOSERVER)) {
			/* a stalled direction takes nothing more */
			FEED_OK(s, APP_TOSERVER, xp_cr);
			assert_int_equal(app_rdp.tx_count(s), 0);
		}
		app_rdp.state_free(s);
	}
	/* cut inside the X.224 header: stalls */
	static const uint8_t cr_short[] = {0x03, 0x00, 0x00, 0x08, 0x22, 0xe0, 0x00, 0x00};
	void *s = state_new();
	FEED_OK(s, APP_TOSERVER, cr_short);
	assert_true(rdp_stalled(s, APP_TOSERVER));
	/* the other direction goes on */
	FEED_OK(s, APP_TOCLIENT, xp_cc);
	assert_int_equal(app_rdp.tx_count(s), 1);
	app_rdp.state_free(s);
	/* a cookie without its CRLF: stalls */
	uint8_t ck[sizeof(xp_cr)];
	memcpy(ck, xp_cr, sizeof(ck));
	ck[sizeof(ck) - 2] = 'x';
	s = state_new();
	FEED_OK(s, APP_TOSERVER, ck);
	assert_true(rdp_stalled(s, APP_TOSERVER));
	assert_int_equal(app_rdp.tx_count(s), 0);
	app_rdp.state_free(s);
}

static void test_corrupted(void **st)
{
	/* not a TPKT, not TLS: a parse error ends parsing (both directions) */
	static const uint8_t junk[] = {0x05, 0x00, 0x00, 0x13, 0x0e};
	void *s = state_new();
	assert_int_equal(feed(s, APP_TOSERVER, junk, sizeof(junk)), APP_PARSE_ERROR);
	assert_int_equal(feed(s, APP_TOCLIENT, xp_cc, sizeof(xp_cc)), APP_PARSE_ERROR);
	assert_int_equal(app_rdp.tx_count(s), 0);
	app_rdp.state_free(s);
	/* a TPKT length below 4 */
	static const uint8_t tiny[] = {0x03, 0x00, 0x00, 0x01, 0x00};
	s = state_new();
	assert_int_equal(feed(s, APP_TOSERVER, tiny, sizeof(tiny)), APP_PARSE_ERROR);
	app_rdp.state_free(s);
	/* a class 2 request is skipped, not an error; the next TPKT is read */
	uint8_t m[sizeof(xp_cr)];
	memcpy(m, xp_cr, sizeof(m));
	assert_int_equal(m[10], 0x00);
	m[10] = 0x20;
	s = state_new();
	FEED_OK(s, APP_TOSERVER, m);
	assert_int_equal(app_rdp.tx_count(s), 0);
	FEED_OK(s, APP_TOSERVER, xp_cr);
	assert_int_equal(app_rdp.tx_count(s), 1);
	app_rdp.state_free(s);
	/* a non-zero dst-ref: not a request */
	memcpy(m, xp_cr, sizeof(m));
	m[7] = 1;
	s = state_new();
	FEED_OK(s, APP_TOSERVER, m);
	assert_int_equal(app_rdp.tx_count(s), 0);
	app_rdp.state_free(s);
	/* a confirm with an unknown selected protocol: no negotiation logged */
	uint8_t cc[sizeof(nocookie_cc)];
	memcpy(cc, nocookie_cc, sizeof(cc));
	cc[15] = 0x10;
	s = state_new();
	FEED_OK(s, APP_TOCLIENT, cc);
	assert_log(s, 0, "{\"tx_id\":1,\"event_type\":\"initial_response\"}");
	app_rdp.state_free(s);
	/* a negotiation failure */
	static const uint8_t fail[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
				       0x00, 0x03, 0x00, 0x08, 0x00, 0x05, 0x00, 0x00, 0x00};
	s = state_new();
	FEED_OK(s, APP_TOCLIENT, fail);
	assert_log(s, 0,
		   "{\"tx_id\":1,\"event_type\":\"initial_response\",\"error_code\":5,"
		   "\"reason\":\"hybrid required by server\"}");
	app_rdp.state_free(s);
	/* every single-byte flip of the client data: never a crash */
	for (uint32_t i = 0; i < sizeof(x509_ci); i++) {
		uint8_t c[sizeof(x509_ci)];
		memcpy(c, x509_ci, sizeof(c));
		c[i] ^= 0xff;
		s = state_new();
		feed(s, APP_TOSERVER, c, sizeof(c));
		for (uint64_t k = 0; k < app_rdp.tx_count(s); k++) {
			char *o = log_tx(s, app_rdp.tx_get(s, k));
			free(o);
		}
		app_rdp.state_free(s);
	}
}

/* The optional Client Core Data fields stop at the first invalid one. */
static void test_core_optional(void **st)
{
	/* x509_ci: core block starts after "Duca" + PER length (2 bytes) */
	const uint8_t *duca = memmem(x509_ci, sizeof(x509_ci), "Duca", 4);
	assert_non_null(duca);
	size_t core = (size_t)(duca - x509_ci) + 4 + 2;
	assert_int_equal(x509_ci[core], 0x01);
	assert_int_equal(x509_ci[core + 1], 0xc0);
	/* postBeta2ColorDepth (core + 4 + 128) made invalid: no optional field */
	uint8_t m[sizeof(x509_ci)];
	memcpy(m, x509_ci, sizeof(m));
	m[core + 4 + 128] = 0x77;
	void *s = state_new();
	FEED_OK(s, APP_TOSERVER, m);
	const struct rdp_tx *tx = app_rdp.tx_get(s, 0);
	assert_non_null(tx);
	assert_int_equal(tx->n_blocks, 2); /* core and network; security and cluster are not kept */
	assert_true(tx->blocks[0].core);
	assert_int_equal(tx->blocks[0].c.n_opt, 0);
	char *o = log_tx(s, tx);
	assert_null(strstr(o, "product_id"));
	assert_null(strstr(o, "capabilities"));
	assert_non_null(strstr(o, "\"color_depth\":8")); /* from colorDepth 0xca01 */
	free(o);
	app_rdp.state_free(s);
	/* an unknown client build and keyboard layout are "unknown" */
	memcpy(m, x509_ci, sizeof(m));
	m[core + 4 + 12] = 0xff; /* keyboardLayout */
	m[core + 4 + 13] = 0xff;
	m[core + 4 + 16] = 0x01; /* clientBuild */
	m[core + 4 + 17] = 0x00;
	s = state_new();
	FEED_OK(s, APP_TOSERVER, m);
	o = log_tx(s, app_rdp.tx_get(s, 0));
	assert_non_null(strstr(o, "\"keyboard_layout\":\"unknown\",\"build\":\"unknown\""));
	free(o);
	app_rdp.state_free(s);
	/* a client name with an unpaired surrogate: the core block is not one */
	memcpy(m, x509_ci, sizeof(m));
	m[core + 4 + 20] = 0x00;
	m[core + 4 + 21] = 0xdc;
	s = state_new();
	FEED_OK(s, APP_TOSERVER, m);
	tx = app_rdp.tx_get(s, 0);
	assert_non_null(tx);
	assert_int_equal(tx->n_blocks, 0); /* and the blocks after it are not read */
	app_rdp.state_free(s);
}

static void test_probe_and_names(void **st)
{
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = true, .dp = 3389};
	assert_int_equal(app_rdp.probe_port(&in, xp_cr, sizeof(xp_cr)), APP_PROBE_MATCH);
	assert_int_equal(app_rdp.probe_port(&in, ssl_ch, sizeof(ssl_ch)), APP_PROBE_NO);
	assert_string_equal(rdp_lcid_name(0x409), "en-US");
	assert_string_equal(rdp_lcid_name(0x7c92), "ku-Arab");
	assert_string_equal(rdp_lcid_name(0x1), "ar");
	assert_null(rdp_lcid_name(0xffff));
	char b[64];
	assert_true(rdp_build_name(7601, b, sizeof(b)));
	assert_string_equal(b, "Windows 7 SP1");
	assert_true(rdp_build_name(17763, b, sizeof(b)));
	assert_string_equal(b, "Windows 10 RS5");
	assert_false(rdp_build_name(1, b, sizeof(b)));
	assert_string_equal(rdp_version_name(0x8000c), "v10.7");
	assert_null(rdp_version_name(0x80002));
}

static void test_tx_cap(void **st)
{
	void *s = state_new();
	for (int i = 0; i < RDP_MAX_TX + 5; i++)
		FEED_OK(s, APP_TOSERVER, xp_cr);
	assert_int_equal(app_rdp.tx_count(s), RDP_MAX_TX + 5);
	assert_null(app_rdp.tx_get(s, 4));
	assert_non_null(app_rdp.tx_get(s, 5));
	app_rdp.tx_release_upto(s, 10);
	assert_null(app_rdp.tx_get(s, 9));
	assert_non_null(app_rdp.tx_get(s, 10));
	/* a gap is a parse error */
	assert_int_equal(app_rdp.parse(s, APP_TOSERVER, xp_cr, sizeof(xp_cr), APP_CHUNK_GAP),
			 APP_PARSE_ERROR);
	app_rdp.state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_standard_security_xp),
	    cmocka_unit_test(test_standard_security_win81),
	    cmocka_unit_test(test_tls_upgrade),
	    cmocka_unit_test(test_no_cookie_hybrid_ex),
	    cmocka_unit_test(test_splits),
	    cmocka_unit_test(test_truncated_content),
	    cmocka_unit_test(test_corrupted),
	    cmocka_unit_test(test_core_optional),
	    cmocka_unit_test(test_probe_and_names),
	    cmocka_unit_test(test_tx_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
