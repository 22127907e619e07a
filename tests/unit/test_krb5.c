/*
 * test_krb5.c — app/krb5.c and app/krb5-log.c: real KDC messages from
 * public captures (test_krb5_vectors.h) through the descriptor, TCP record
 * framing in every split, every truncation of a valid message, corrupted
 * DER (lengths past the end, indefinite lengths, wrong tags), the
 * request/error pairing, events, the transaction cap and the EVE krb5
 * object as exact JSON (compared with Suricata 7.0.4's output for the
 * same captures).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/krb5.h"
#include "util/json.h"

#include "test_krb5_vectors.h"

extern const struct app_protocol app_krb5;

/* ---- helpers ---- */

static void *state_new(bool tcp)
{
	struct app_flow_info fi = {.tcp = tcp};
	void *s = app_krb5.state_new(&fi);
	assert_non_null(s);
	return s;
}

static enum app_parse_result feed(void *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	/* exact-size copy: ASan sees a read past the end */
	uint8_t *c = malloc(n ? n : 1);
	assert_non_null(c);
	memcpy(c, d, n);
	enum app_parse_result r = app_krb5.parse(s, dir, c, n, 0);
	free(c);
	return r;
}

static char *log_tx(const void *s, const void *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_krb5.log_json(&j, s, tx, 0);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_log(const void *s, uint64_t id, const char *want)
{
	const void *tx = app_krb5.tx_get(s, id);
	assert_non_null(tx);
	char *got = log_tx(s, tx);
	assert_string_equal(got, want);
	free(got);
}

static void *udp_one(const uint8_t *m, uint32_t n, enum app_dir dir)
{
	void *s = state_new(false);
	assert_int_equal(feed(s, dir, m, n), APP_PARSE_OK);
	return s;
}

/* ---- messages ---- */

static void test_as_req_rep(void **st)
{
	void *s = state_new(false);
	assert_int_equal(feed(s, APP_TOSERVER, as_req, sizeof(as_req)), APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, as_rep, sizeof(as_rep)), APP_PARSE_OK);
	assert_int_equal(app_krb5.tx_count(s), 2);
	assert_log(
	    s, 0,
	    "{\"krb5\":{\"msg_type\":\"KRB_AS_REQ\",\"cname\":\"valid_client_principal\","
	    "\"realm\":\"VLADG.NET\",\"sname\":\"krbtgt/VLADG.NET\",\"encryption\":\"<none>\","
	    "\"weak_encryption\":false}}");
	assert_log(s, 1,
		   "{\"krb5\":{\"msg_type\":\"KRB_AS_REP\",\"cname\":\"valid_client_principal\","
		   "\"realm\":\"VLADG.NET\",\"sname\":\"krbtgt/VLADG.NET\","
		   "\"encryption\":\"aes256-cts-hmac-sha1-96\",\"weak_encryption\":false,"
		   "\"ticket_encryption\":\"aes256-cts-hmac-sha1-96\","
		   "\"ticket_weak_encryption\":false}}");
	const struct krb5_tx *req = app_krb5.tx_get(s, 0), *rep = app_krb5.tx_get(s, 1);
	assert_int_equal(req->dir, APP_TOSERVER);
	assert_int_equal(rep->dir, APP_TOCLIENT);
	assert_true(req->n_req_etypes > 0);
	/* each message is its own one-sided transaction */
	assert_int_equal(app_krb5.tx_side(s, req, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_krb5.tx_side(s, req, APP_TOCLIENT, false), APP_SIDE_NONE);
	assert_int_equal(app_krb5.tx_side(s, rep, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_false(app_krb5.tx_has_event(s, rep, KRB5_EV_WEAK_ENCRYPTION));
	app_krb5.state_free(s);
}

static void test_tgs_weak(void **st)
{
	void *s = state_new(false);
	assert_int_equal(feed(s, APP_TOSERVER, tgs_req, sizeof(tgs_req)), APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, tgs_rep, sizeof(tgs_rep)), APP_PARSE_OK);
	assert_log(s, 0,
		   "{\"krb5\":{\"msg_type\":\"KRB_TGS_REQ\",\"cname\":\"<empty>\","
		   "\"realm\":\"DENYDC.COM\",\"sname\":\"host/xp1.denydc.com\","
		   "\"encryption\":\"<none>\",\"weak_encryption\":false}}");
	assert_log(
	    s, 1,
	    "{\"krb5\":{\"msg_type\":\"KRB_TGS_REP\",\"cname\":\"des\",\"realm\":\"DENYDC.COM\","
	    "\"sname\":\"host/xp1.denydc.com\",\"encryption\":\"des-cbc-md5\","
	    "\"weak_encryption\":true,\"ticket_encryption\":\"rc4-hmac\","
	    "\"ticket_weak_encryption\":true}}");
	/* weak_encryption goes on the reply, as Suricata's anomaly (tx_id 1) */
	assert_false(app_krb5.tx_has_event(s, app_krb5.tx_get(s, 0), KRB5_EV_WEAK_ENCRYPTION));
	assert_true(app_krb5.tx_has_event(s, app_krb5.tx_get(s, 1), KRB5_EV_WEAK_ENCRYPTION));
	const struct krb5_tx *rep = app_krb5.tx_get(s, 1);
	const uint8_t *b;
	uint32_t l;
	assert_true(krb5_tx_get_sname(rep, 0, &b, &l));
	assert_int_equal(l, 4);
	assert_memory_equal(b, "host", 4);
	assert_true(krb5_tx_get_sname(rep, 1, &b, &l));
	assert_memory_equal(b, "xp1.denydc.com", 14);
	assert_false(krb5_tx_get_sname(rep, 2, &b, &l));
	assert_true(krb5_tx_get_cname(rep, 0, &b, &l));
	assert_false(krb5_tx_get_cname(app_krb5.tx_get(s, 0), 0, &b, &l)); /* TGS-REQ: no cname */
	assert_int_equal(rep->ticket_etype, 23);
	app_krb5.state_free(s);
}

/* TCP: AS-REQ then a KRB-ERROR answering it (failed_request). */
static void test_tcp_error_pairing(void **st)
{
	void *s = state_new(true);
	assert_int_equal(feed(s, APP_TOSERVER, tcp_as_req, sizeof(tcp_as_req)), APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, tcp_krb_error, sizeof(tcp_krb_error)), APP_PARSE_OK);
	assert_int_equal(app_krb5.tx_count(s), 2);
	assert_log(s, 1,
		   "{\"krb5\":{\"msg_type\":\"KRB_ERROR\",\"failed_request\":\"KRB_AS_REQ\","
		   "\"error_code\":\"KRB_ERR_GENERIC\",\"cname\":\"<empty>\",\"realm\":\"<empty>\","
		   "\"sname\":\"krbtgt/HEC.NET\",\"encryption\":\"<none>\","
		   "\"weak_encryption\":false}}");
	app_krb5.state_free(s);
	/* the error alone: the failed request is unknown */
	s = state_new(true);
	assert_int_equal(feed(s, APP_TOCLIENT, tcp_krb_error, sizeof(tcp_krb_error)), APP_PARSE_OK);
	const struct krb5_tx *tx = app_krb5.tx_get(s, 0);
	assert_non_null(tx);
	assert_int_equal(tx->failed_req, 0);
	assert_int_equal(tx->error_code, 60);
	char *got = log_tx(s, tx);
	assert_non_null(strstr(got, "\"failed_request\":\"UNKNOWN\""));
	free(got);
	app_krb5.state_free(s);
}

/* Every split of the two records, byte by byte or in two chunks. */
static void test_tcp_splits(void **st)
{
	uint32_t n = sizeof(tcp_as_req);
	for (uint32_t cut = 0; cut <= n; cut++) {
		void *s = state_new(true);
		assert_int_equal(feed(s, APP_TOSERVER, tcp_as_req, cut), APP_PARSE_OK);
		assert_int_equal(app_krb5.tx_count(s), cut == n ? 1 : 0);
		assert_int_equal(feed(s, APP_TOSERVER, tcp_as_req + cut, n - cut), APP_PARSE_OK);
		assert_int_equal(app_krb5.tx_count(s), 1);
		app_krb5.state_free(s);
	}
	/* two records in one chunk, then byte by byte */
	uint8_t two[2 * sizeof(tcp_as_req)];
	memcpy(two, tcp_as_req, n);
	memcpy(two + n, tcp_as_req, n);
	void *s = state_new(true);
	assert_int_equal(feed(s, APP_TOSERVER, two, sizeof(two)), APP_PARSE_OK);
	assert_int_equal(app_krb5.tx_count(s), 2);
	for (uint32_t i = 0; i < sizeof(two); i++)
		assert_int_equal(feed(s, APP_TOSERVER, two + i, 1), APP_PARSE_OK);
	assert_int_equal(app_krb5.tx_count(s), 4);
	app_krb5.state_free(s);
}

static void test_tcp_bounds(void **st)
{
	/* a record marker past the buffer limit stops the direction */
	static const uint8_t big[] = {0x00, 0x01, 0x86, 0xa1, 0x6a, 0x00};
	void *s = state_new(true);
	assert_int_equal(feed(s, APP_TOSERVER, big, sizeof(big)), APP_PARSE_ERROR);
	assert_int_equal(feed(s, APP_TOSERVER, tcp_as_req, sizeof(tcp_as_req)), APP_PARSE_ERROR);
	/* a parse error ends the flow's parsing, the other direction too */
	assert_int_equal(feed(s, APP_TOCLIENT, tcp_krb_error, sizeof(tcp_krb_error)),
			 APP_PARSE_ERROR);
	assert_int_equal(app_krb5.tx_count(s), 0);
	app_krb5.state_free(s);
	/* a gap ends the direction */
	s = state_new(true);
	assert_int_equal(
	    app_krb5.parse(s, APP_TOSERVER, tcp_as_req, sizeof(tcp_as_req), APP_CHUNK_GAP),
	    APP_PARSE_ERROR);
	app_krb5.state_free(s);
	/* an empty record: no header to read, malformed */
	static const uint8_t empty[] = {0, 0, 0, 0};
	s = state_new(true);
	assert_int_equal(feed(s, APP_TOSERVER, empty, 4), APP_PARSE_ERROR);
	app_krb5.state_free(s);
}

/* Every truncation of a valid message: no transaction, never a crash;
 * one whose header is cut sets malformed_data (on the last tx). */
static void test_truncations(void **st)
{
	const struct {
		const uint8_t *m;
		uint32_t n;
	} msgs[] = {{as_req, sizeof(as_req)},
		    {as_rep, sizeof(as_rep)},
		    {tgs_req, sizeof(tgs_req)},
		    {tgs_rep, sizeof(tgs_rep)},
		    {tcp_krb_error + 4, sizeof(tcp_krb_error) - 4}};
	for (size_t k = 0; k < sizeof(msgs) / sizeof(msgs[0]); k++) {
		for (uint32_t cut = 0; cut < msgs[k].n; cut++) {
			void *s = state_new(false);
			/* a good message first, to carry the event */
			assert_int_equal(feed(s, APP_TOSERVER, as_req, sizeof(as_req)),
					 APP_PARSE_OK);
			enum app_parse_result r = feed(s, APP_TOCLIENT, msgs[k].m, cut);
			assert_int_equal(app_krb5.tx_count(s), 1);
			const uint8_t *m = msgs[k].m;
			uint32_t hdr = 2u + ((m[1] & 0x80) ? (m[1] & 0x7fu) : 0u);
			bool hdr_cut = cut < hdr;
			assert_int_equal(r, hdr_cut ? APP_PARSE_ERROR : APP_PARSE_OK);
			assert_int_equal(
			    app_krb5.tx_has_event(s, app_krb5.tx_get(s, 0), KRB5_EV_MALFORMED_DATA),
			    hdr_cut);
			app_krb5.state_free(s);
		}
	}
}

/* Corrupted DER: lengths past the parent, indefinite, wrong tags. */
static void test_corrupted(void **st)
{
	uint8_t m[sizeof(as_rep)];
	/* as_rep: 6b 82 LL LL 30 82 LL LL ... */
	assert_int_equal(as_rep[0], 0x6b);
	assert_int_equal(as_rep[1], 0x82);
	/* outer length larger than the datagram: no tx, no event */
	memcpy(m, as_rep, sizeof(m));
	m[2] = 0xff;
	void *s = udp_one(m, sizeof(m), APP_TOCLIENT);
	assert_int_equal(app_krb5.tx_count(s), 0);
	app_krb5.state_free(s);
	/* inner SEQUENCE length larger than its parent */
	memcpy(m, as_rep, sizeof(m));
	m[6] = 0xff;
	s = udp_one(m, sizeof(m), APP_TOCLIENT);
	assert_int_equal(app_krb5.tx_count(s), 0);
	app_krb5.state_free(s);
	/* indefinite length (BER) on the outer element: malformed, stop */
	memcpy(m, as_rep, sizeof(m));
	m[1] = 0x80;
	s = state_new(false);
	assert_int_equal(feed(s, APP_TOCLIENT, m, sizeof(m)), APP_PARSE_ERROR);
	assert_int_equal(app_krb5.tx_count(s), 0);
	app_krb5.state_free(s);
	/* a 5-byte length */
	static const uint8_t len5[] = {0x6b, 0x85, 1, 0, 0, 0, 0, 0x30, 0};
	s = state_new(false);
	assert_int_equal(feed(s, APP_TOCLIENT, len5, sizeof(len5)), APP_PARSE_ERROR);
	app_krb5.state_free(s);
	/* AS-REP tag on an AS-REQ body: no tx, no error */
	memcpy(m, as_req, sizeof(as_req));
	m[0] = 0x6b;
	s = udp_one(m, sizeof(as_req), APP_TOCLIENT);
	assert_int_equal(app_krb5.tx_count(s), 0);
	app_krb5.state_free(s);
	/* a universal (non-application) element is ignored */
	static const uint8_t seq[] = {0x30, 0x03, 0x02, 0x01, 0x05};
	s = udp_one(seq, sizeof(seq), APP_TOSERVER);
	assert_int_equal(app_krb5.tx_count(s), 0);
	app_krb5.state_free(s);
	/* every single-byte flip of the TGS-REP: never a crash */
	for (uint32_t i = 0; i < sizeof(tgs_rep); i++) {
		uint8_t c[sizeof(tgs_rep)];
		memcpy(c, tgs_rep, sizeof(c));
		c[i] ^= 0xff;
		s = state_new(false);
		feed(s, APP_TOCLIENT, c, sizeof(c));
		if (app_krb5.tx_count(s) == 1) {
			char *out = log_tx(s, app_krb5.tx_get(s, 0));
			free(out);
		}
		app_krb5.state_free(s);
	}
}

/* A ticket with another tkt-vno than 5 does not make a reply. */
static void test_ticket_vno(void **st)
{
	/* find the ticket's "a0 03 02 01 05" after the 0x61 [APPLICATION 1] */
	uint8_t m[sizeof(as_rep)];
	memcpy(m, as_rep, sizeof(m));
	size_t at = 0;
	for (size_t i = 0; i + 10 < sizeof(m); i++)
		if (m[i] == 0x61 && m[i + 1] == 0x82 && m[i + 4] == 0x30) {
			at = i;
			break;
		}
	assert_true(at > 0);
	uint8_t *vno = memmem(m + at, 16, "\xa0\x03\x02\x01\x05", 5);
	assert_non_null(vno);
	vno[4] = 4;
	void *s = udp_one(m, sizeof(m), APP_TOCLIENT);
	assert_int_equal(app_krb5.tx_count(s), 0);
	app_krb5.state_free(s);
}

static void test_pairing_reset(void **st)
{
	/* a reply between the request and the error forgets the request */
	void *s = state_new(false);
	feed(s, APP_TOSERVER, as_req, sizeof(as_req));
	feed(s, APP_TOCLIENT, as_rep, sizeof(as_rep));
	feed(s, APP_TOCLIENT, tcp_krb_error + 4, sizeof(tcp_krb_error) - 4);
	assert_int_equal(app_krb5.tx_count(s), 3);
	assert_int_equal(((const struct krb5_tx *)app_krb5.tx_get(s, 2))->failed_req, 0);
	/* TGS-REQ then error */
	feed(s, APP_TOSERVER, tgs_req, sizeof(tgs_req));
	feed(s, APP_TOCLIENT, tcp_krb_error + 4, sizeof(tcp_krb_error) - 4);
	assert_int_equal(((const struct krb5_tx *)app_krb5.tx_get(s, 4))->failed_req, 12);
	app_krb5.state_free(s);
}

static void test_probe(void **st)
{
	struct app_probe_in udp = {.dir = APP_TOSERVER, .tcp = false, .dp = 88};
	struct app_probe_in tcp = {.dir = APP_TOSERVER, .tcp = true, .dp = 88};
	assert_int_equal(app_krb5.probe_port(&udp, as_req, sizeof(as_req)), APP_PROBE_MATCH);
	assert_int_equal(app_krb5.probe_port(&udp, as_rep, sizeof(as_rep)), APP_PROBE_MATCH);
	assert_int_equal(app_krb5.probe_port(&udp, tgs_rep, sizeof(tgs_rep)), APP_PROBE_MATCH);
	assert_int_equal(app_krb5.probe_port(&tcp, tcp_as_req, sizeof(tcp_as_req)),
			 APP_PROBE_MATCH);
	assert_int_equal(app_krb5.probe_port(&tcp, tcp_krb_error, sizeof(tcp_krb_error)),
			 APP_PROBE_MATCH);
	/* a UDP message as TCP: the record marker is not plausible */
	assert_int_equal(app_krb5.probe_port(&tcp, as_req, sizeof(as_req)), APP_PROBE_NO);
	/* the capture's bogus error: pvno is 25, not 5 (Suricata 7.0.4 logs no krb5) */
	assert_int_equal(app_krb5.probe_port(&udp, not_krb, sizeof(not_krb)), APP_PROBE_NO);
	/* too short */
	assert_int_equal(app_krb5.probe_port(&udp, as_req, 10), APP_PROBE_NO);
	assert_int_equal(app_krb5.probe_port(&tcp, tcp_as_req, 14), APP_PROBE_NO);
	/* a cut message still matches on its start, once 5 bytes follow the
	 * SEQUENCE header (as_req: 3 + 3 header bytes) */
	assert_int_equal(app_krb5.probe_port(&udp, as_req, 11), APP_PROBE_NO);
	assert_int_equal(app_krb5.probe_port(&udp, as_req, 12), APP_PROBE_MATCH);
	/* application tag 31 */
	uint8_t m[sizeof(as_req)];
	memcpy(m, as_req, sizeof(m));
	m[0] = 0x7f;
	assert_int_equal(app_krb5.probe_port(&udp, m, sizeof(m)), APP_PROBE_NO);
	static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_int_equal(app_krb5.probe_port(&udp, (const uint8_t *)http, sizeof(http) - 1),
			 APP_PROBE_NO);
}

static void test_tx_cap_release(void **st)
{
	void *s = state_new(false);
	for (int i = 0; i < KRB5_MAX_TX + 10; i++)
		feed(s, APP_TOSERVER, as_req, sizeof(as_req));
	assert_int_equal(app_krb5.tx_count(s), KRB5_MAX_TX + 10);
	assert_int_equal(krb5_tx_dropped(s), 10);
	assert_null(app_krb5.tx_get(s, 9));
	assert_non_null(app_krb5.tx_get(s, 10));
	app_krb5.tx_release_upto(s, 100);
	assert_null(app_krb5.tx_get(s, 99));
	assert_non_null(app_krb5.tx_get(s, 100));
	assert_null(app_krb5.tx_get(s, KRB5_MAX_TX + 10));
	app_krb5.state_free(s);
}

static void test_names(void **st)
{
	int32_t e;
	assert_true(krb5_etype_weak(23));
	assert_true(krb5_etype_weak(3));
	assert_true(krb5_etype_weak(16)); /* 3DES: not AES/Camellia */
	assert_false(krb5_etype_weak(18));
	assert_false(krb5_etype_weak(20));
	assert_false(krb5_etype_weak(26));
	assert_int_equal(krb5_etype_by_name("rc4-hmac", &e), 0);
	assert_int_equal(e, 23);
	assert_int_equal(krb5_etype_by_name("rc4-hmac-OLD-exp", &e), 0);
	assert_int_equal(e, -135);
	assert_int_equal(krb5_etype_by_name("aes256-cts-hmac-sha384-192", &e), 0);
	assert_int_equal(e, 20);
	assert_int_equal(krb5_etype_by_name("rc4", &e), -1);
	assert_null(krb5_etype_name(19)); /* logged as EncryptionType(19), as Suricata */
	assert_string_equal(krb5_error_name(25), "KDC_ERR_PREAUTH_REQUIRED");
	assert_null(krb5_error_name(43));
	assert_null(krb5_error_name(-1));
	assert_string_equal(krb5_msg_type_name(30), "KRB_ERROR");
	assert_string_equal(app_krb5.event_names[KRB5_EV_WEAK_ENCRYPTION], "weak_encryption");
	assert_string_equal(app_krb5.event_names[KRB5_EV_MALFORMED_DATA], "malformed_data");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_as_req_rep),	      cmocka_unit_test(test_tgs_weak),
	    cmocka_unit_test(test_tcp_error_pairing), cmocka_unit_test(test_tcp_splits),
	    cmocka_unit_test(test_tcp_bounds),	      cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_corrupted),	      cmocka_unit_test(test_ticket_vno),
	    cmocka_unit_test(test_pairing_reset),     cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_tx_cap_release),    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
