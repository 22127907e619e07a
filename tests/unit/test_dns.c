/*
 * test_dns.c — app/dns.c and app/dns-log.c: real messages from captures
 * (test_dns_vectors.h), TCP framing in every split, every truncation of a
 * valid message, corrupted names and counts with their events, memory
 * bounds, detection accessors and the EVE dns object as exact JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dns.h"
#include "util/json.h"

#include "test_dns_vectors.h"

/* ---- helpers ---- */

static struct dns_state *udp_feed(const uint8_t *m, uint32_t len, enum app_dir dir)
{
	struct dns_state *s = dns_state_new(false);
	assert_non_null(s);
	assert_int_equal(dns_parse(s, dir, m, len, 0), APP_PARSE_OK);
	return s;
}

static const struct dns_tx *only_tx(const struct dns_state *s)
{
	assert_int_equal(dns_tx_count(s), 1);
	return dns_tx_get(s, 0);
}

/* b and l are read after the accessor call that fills them. */
static void assert_name(bool ok, const uint8_t *const *b, const uint32_t *l, const char *want)
{
	assert_true(ok);
	assert_int_equal(*l, strlen(want));
	assert_memory_equal(*b, want, *l);
}

/* The EVE dns object of a transaction, inside a root object. */
static char *eve(const struct dns_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	dns_tx_log_json(&j, tx, tx->request ? APP_TOSERVER : APP_TOCLIENT);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_eve(const struct dns_tx *tx, const char *want)
{
	char *got = eve(tx);
	assert_string_equal(got, want);
	free(got);
}

/* ---- UDP messages from captures ---- */

static void test_invalid_opcode_pair(void **state)
{
	(void)state;
	struct dns_state *s = dns_state_new(false);
	dns_parse(s, APP_TOSERVER, v_opcode9_req, sizeof(v_opcode9_req), 0);
	dns_parse(s, APP_TOCLIENT, v_opcode9_resp, sizeof(v_opcode9_resp), 0);
	assert_int_equal(dns_tx_count(s), 2);
	const struct dns_tx *rq = dns_tx_get(s, 0), *rs = dns_tx_get(s, 1);
	assert_true(rq->request && !rq->response);
	assert_true(rs->response && !rs->request);
	assert_int_equal(rq->tx_id, 0);
	assert_int_equal(rs->tx_id, 1);
	assert_int_equal(rq->opcode, 9);
	assert_true(dns_tx_has_event(rq, DNS_EV_INVALID_OPCODE));
	assert_true(dns_tx_has_event(rs, DNS_EV_INVALID_OPCODE));
	assert_false(dns_tx_has_event(rs, DNS_EV_NOT_RESPONSE));
	assert_eve(rq, "{\"dns\":{\"version\":3,\"type\":\"request\",\"tx_id\":0,\"id\":1,"
		       "\"flags\":\"4900\",\"rd\":true,\"opcode\":9,\"rcode\":\"NOERROR\","
		       "\"queries\":[{\"rrname\":\"suricata.io\",\"rrtype\":\"A\"}]}}");
	assert_eve(rs, "{\"dns\":{\"version\":3,\"type\":\"response\",\"tx_id\":1,\"id\":1,"
		       "\"flags\":\"c800\",\"qr\":true,\"opcode\":9,\"rcode\":\"NOERROR\","
		       "\"queries\":[{\"rrname\":\"suricata.io\",\"rrtype\":\"A\"}],"
		       "\"answers\":[{\"rrname\":\"suricata.io\",\"rrtype\":\"A\",\"ttl\":0,"
		       "\"rdata\":\"127.0.0.1\"}],\"grouped\":{\"A\":[\"127.0.0.1\"]}}}");
	dns_state_free(s);
}

static void test_forward_pointer(void **state)
{
	(void)state;
	struct dns_state *s = udp_feed(v_fwdptr_req, sizeof(v_fwdptr_req), APP_TOSERVER);
	const struct dns_tx *tx = only_tx(s);
	assert_int_equal(tx->id, 36356);
	assert_int_equal(tx->n_queries, 2);
	const uint8_t *b;
	uint32_t l;
	assert_name(dns_tx_get_query_name(tx, 0, &b, &l), &b, &l, "codemonkey.net");
	assert_name(dns_tx_get_query_name(tx, 1, &b, &l), &b, &l, "codemonkey.net");
	assert_false(dns_tx_get_query_name(tx, 2, &b, &l));
	assert_int_equal(tx->events, 0);
	dns_state_free(s);

	s = udp_feed(v_fwdptr_resp, sizeof(v_fwdptr_resp), APP_TOCLIENT);
	tx = only_tx(s);
	assert_int_equal(tx->n_rrs[DNS_SEC_ANSWER], 1);
	assert_int_equal(tx->rrs[DNS_SEC_ANSWER][0].ttl, 300);
	assert_name(dns_tx_get_answer_name(tx, 0, &b, &l), &b, &l, "codemonkey.net");
	dns_state_free(s);
}

static void test_ptr_and_opt(void **state)
{
	(void)state;
	struct dns_state *s = udp_feed(v_ptr_req, sizeof(v_ptr_req), APP_TOSERVER);
	const struct dns_tx *tx = only_tx(s);
	assert_eve(tx, "{\"dns\":{\"version\":3,\"type\":\"request\",\"tx_id\":0,\"id\":38134,"
		       "\"flags\":\"120\",\"rd\":true,\"opcode\":0,\"rcode\":\"NOERROR\","
		       "\"queries\":[{\"rrname\":\"meerkat.unx.ca\",\"rrtype\":\"PTR\"}],"
		       "\"additionals\":[{\"rrname\":\"\",\"rrtype\":\"OPT\",\"ttl\":0,"
		       "\"opt\":[{\"code\":10,\"data\":\"782e9f387ac9b7f5\"}]}]}}");
	uint16_t t;
	assert_true(dns_tx_get_query_rrtype(tx, 0, &t));
	assert_int_equal(t, DNS_RR_PTR);
	const uint8_t *b;
	uint32_t l;
	/* The OPT record's owner is the root: no buffer, as Suricata. */
	assert_false(dns_tx_get_additional_name(tx, 0, &b, &l));
	dns_state_free(s);

	s = udp_feed(v_ptr_resp, sizeof(v_ptr_resp), APP_TOCLIENT);
	tx = only_tx(s);
	/* An OPT without options is left out of additionals. */
	assert_eve(tx, "{\"dns\":{\"version\":3,\"type\":\"response\",\"tx_id\":0,\"id\":38134,"
		       "\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
		       "\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"meerkat.unx.ca\","
		       "\"rrtype\":\"PTR\"}],\"answers\":[{\"rrname\":\"meerkat.unx.ca\","
		       "\"rrtype\":\"PTR\",\"ttl\":300,\"rdata\":\"suricata.io\"}],"
		       "\"grouped\":{\"PTR\":[\"suricata.io\"]}}}");
	/* dns.response.rrname sees the PTR target. */
	bool found = false;
	for (size_t i = 0; dns_tx_get_response_name(tx, i, &b, &l); i++)
		found |= l == 11 && memcmp(b, "suricata.io", 11) == 0;
	assert_true(found);
	assert_name(dns_tx_get_rdata_name(tx, DNS_SEC_ANSWER, 0, &b, &l), &b, &l, "suricata.io");
	dns_state_free(s);
}

static void test_cname_aaaa_ns_additionals(void **state)
{
	(void)state;
	struct dns_state *s =
	    udp_feed(v_teredo_aaaa_resp, sizeof(v_teredo_aaaa_resp), APP_TOCLIENT);
	const struct dns_tx *tx = only_tx(s);
	assert_int_equal(tx->events, 0);
	assert_int_equal(tx->n_rrs[DNS_SEC_ANSWER], 2);
	assert_int_equal(tx->n_rrs[DNS_SEC_AUTHORITY], 7);
	assert_int_equal(tx->n_rrs[DNS_SEC_ADDITIONAL], 7);
	const uint8_t *b;
	uint32_t l;
	assert_name(dns_tx_get_rdata_name(tx, DNS_SEC_ANSWER, 0, &b, &l), &b, &l,
		    "ipv6.l.google.com");
	assert_name(dns_tx_get_answer_name(tx, 1, &b, &l), &b, &l, "ipv6.l.google.com");
	assert_name(dns_tx_get_authority_name(tx, 6, &b, &l), &b, &l, "l.google.com");
	assert_name(dns_tx_get_rdata_name(tx, DNS_SEC_AUTHORITY, 6, &b, &l), &b, &l,
		    "g.l.google.com");
	assert_name(dns_tx_get_additional_name(tx, 0, &b, &l), &b, &l, "a.l.google.com");
	char *j = eve(tx);
	assert_non_null(strstr(j,
			       "\"answers\":[{\"rrname\":\"ipv6.google.com\",\"rrtype\":"
			       "\"CNAME\",\"ttl\":8655,\"rdata\":\"ipv6.l.google.com\"},"
			       "{\"rrname\":\"ipv6.l.google.com\",\"rrtype\":\"AAAA\",\"ttl\":300,"
			       "\"rdata\":\"2001:4860:0000:2001:0000:0000:0000:0068\"}],"
			       "\"grouped\":{\"CNAME\":[\"ipv6.l.google.com\"],\"AAAA\":"
			       "[\"2001:4860:0000:2001:0000:0000:0000:0068\"]},"
			       "\"authorities\":[{\"rrname\":\"l.google.com\",\"rrtype\":\"NS\","
			       "\"ttl\":77923,\"rdata\":\"a.l.google.com\"}"));
	assert_non_null(strstr(j, "\"additionals\":[{\"rrname\":\"a.l.google.com\",\"rrtype\":"
				  "\"A\",\"ttl\":9615,\"rdata\":\"209.85.139.9\"}"));
	free(j);
	dns_state_free(s);
}

static void test_soa_authority(void **state)
{
	(void)state;
	struct dns_state *s = udp_feed(v_teredo_soa_resp, sizeof(v_teredo_soa_resp), APP_TOCLIENT);
	const struct dns_tx *tx = only_tx(s);
	assert_eve(tx, "{\"dns\":{\"version\":3,\"type\":\"response\",\"tx_id\":0,\"id\":19995,"
		       "\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
		       "\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"ipv6.google.com\","
		       "\"rrtype\":\"A\"}],\"answers\":[{\"rrname\":\"ipv6.google.com\","
		       "\"rrtype\":\"CNAME\",\"ttl\":8655,\"rdata\":\"ipv6.l.google.com\"}],"
		       "\"grouped\":{\"CNAME\":[\"ipv6.l.google.com\"]},\"authorities\":"
		       "[{\"rrname\":\"l.google.com\",\"rrtype\":\"SOA\",\"ttl\":60,\"soa\":"
		       "{\"mname\":\"c.l.google.com\",\"rname\":\"dns-admin.google.com\","
		       "\"serial\":1345503,\"refresh\":900,\"retry\":900,\"expire\":1800,"
		       "\"minimum\":60}}]}}");
	const uint8_t *b;
	uint32_t l;
	assert_name(dns_tx_get_rdata_name(tx, DNS_SEC_AUTHORITY, 0, &b, &l), &b, &l,
		    "c.l.google.com");
	dns_state_free(s);
}

static void test_nxdomain(void **state)
{
	(void)state;
	struct dns_state *s = udp_feed(v_nxdomain_resp, sizeof(v_nxdomain_resp), APP_TOCLIENT);
	const struct dns_tx *tx = only_tx(s);
	assert_int_equal(dns_tx_rcode(tx), 3);
	char *j = eve(tx);
	assert_non_null(strstr(j, "\"rcode\":\"NXDOMAIN\""));
	assert_null(strstr(j, "additionals")); /* empty OPT only */
	free(j);
	dns_state_free(s);
}

/* ---- TCP ---- */

static uint8_t *tcp_stream(uint32_t *len)
{
	static const struct {
		const uint8_t *b;
		uint32_t n;
	} parts[] = {{v_tcp_req1, sizeof(v_tcp_req1)}, {v_tcp_req2, sizeof(v_tcp_req2)}};
	uint8_t *out = malloc(sizeof(v_tcp_req1) + sizeof(v_tcp_req2));
	*len = 0;
	for (size_t i = 0; i < 2; i++) {
		memcpy(out + *len, parts[i].b, parts[i].n);
		*len += parts[i].n;
	}
	return out;
}

static void check_tcp_two_queries(const struct dns_state *s)
{
	assert_int_equal(dns_tx_count(s), 2);
	const uint8_t *b;
	uint32_t l;
	assert_name(dns_tx_get_query_name(dns_tx_get(s, 0), 0, &b, &l), &b, &l, "suricata.io");
	assert_name(dns_tx_get_query_name(dns_tx_get(s, 1), 0, &b, &l), &b, &l, "oisf.net");
	assert_int_equal(dns_tx_get(s, 1)->tx_id, 1);
}

static void test_tcp_every_split(void **state)
{
	(void)state;
	uint32_t len;
	uint8_t *st = tcp_stream(&len);
	for (uint32_t a = 0; a <= len; a++) {
		for (uint32_t b = a; b <= len; b += 3) {
			struct dns_state *s = dns_state_new(true);
			assert_int_equal(dns_parse(s, APP_TOSERVER, st, a, 0), APP_PARSE_OK);
			assert_int_equal(dns_parse(s, APP_TOSERVER, st + a, b - a, 0),
					 APP_PARSE_OK);
			assert_int_equal(dns_parse(s, APP_TOSERVER, st + b, len - b, 0),
					 APP_PARSE_OK);
			check_tcp_two_queries(s);
			assert_int_equal(dns_state_events(s), 0);
			dns_state_free(s);
		}
	}
	/* Byte by byte. */
	struct dns_state *s = dns_state_new(true);
	for (uint32_t i = 0; i < len; i++)
		assert_int_equal(dns_parse(s, APP_TOSERVER, st + i, 1, 0), APP_PARSE_OK);
	check_tcp_two_queries(s);
	dns_state_free(s);
	free(st);
}

static void test_tcp_responses(void **state)
{
	(void)state;
	struct dns_state *s = dns_state_new(true);
	dns_parse(s, APP_TOSERVER, v_tcp_req1, sizeof(v_tcp_req1), 0);
	dns_parse(s, APP_TOCLIENT, v_tcp_resp1, sizeof(v_tcp_resp1), 0);
	dns_parse(s, APP_TOSERVER, v_tcp_req2, sizeof(v_tcp_req2), 0);
	dns_parse(s, APP_TOCLIENT, v_tcp_resp2, sizeof(v_tcp_resp2), 0);
	assert_int_equal(dns_tx_count(s), 4);
	const struct dns_tx *r = dns_tx_get(s, 3);
	assert_true(r->response);
	assert_int_equal(r->tx_id, 3);
	char *j = eve(r);
	assert_non_null(strstr(j, "\"grouped\":{\"A\":[\"192.0.78.190\",\"192.0.78.209\"]}"));
	free(j);
	assert_eve(
	    dns_tx_get(s, 1),
	    "{\"dns\":{\"version\":3,\"type\":\"response\",\"tx_id\":1,\"id\":0,"
	    "\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
	    "\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"suricata.io\","
	    "\"rrtype\":\"A\"}],\"answers\":[{\"rrname\":\"suricata.io\",\"rrtype\":\"A\","
	    "\"ttl\":490,\"rdata\":\"35.212.0.44\"}],\"grouped\":{\"A\":[\"35.212.0.44\"]}}}");
	dns_state_free(s);
}

static void test_tcp_zero_length_and_malformed(void **state)
{
	(void)state;
	struct dns_state *s = dns_state_new(true);
	static const uint8_t zero[] = {0, 0, 0, 0};
	assert_int_equal(dns_parse(s, APP_TOSERVER, zero, sizeof(zero), 0), APP_PARSE_OK);
	assert_int_equal(dns_parse(s, APP_TOSERVER, v_tcp_req1, sizeof(v_tcp_req1), 0),
			 APP_PARSE_OK);
	assert_int_equal(dns_tx_count(s), 1);
	/* A message whose answer count runs past its data: malformed, stream stops. */
	uint8_t bad[sizeof(v_tcp_req1)];
	memcpy(bad, v_tcp_req1, sizeof(bad));
	bad[2 + 7] = 1; /* ancount = 1 */
	assert_int_equal(dns_parse(s, APP_TOSERVER, bad, sizeof(bad), 0), APP_PARSE_ERROR);
	assert_true(dns_tx_has_event(dns_tx_get(s, 0), DNS_EV_MALFORMED_DATA));
	assert_int_equal(dns_parse(s, APP_TOSERVER, v_tcp_req2, sizeof(v_tcp_req2), 0),
			 APP_PARSE_ERROR);
	assert_int_equal(dns_tx_count(s), 1);
	/* The other direction goes on. */
	assert_int_equal(dns_parse(s, APP_TOCLIENT, v_tcp_resp1, sizeof(v_tcp_resp1), 0),
			 APP_PARSE_OK);
	assert_int_equal(dns_tx_count(s), 2);
	dns_state_free(s);
}

static void test_tcp_gap(void **state)
{
	(void)state;
	struct dns_state *s = dns_state_new(true);
	/* Half a message, then a gap: the half is dropped. */
	dns_parse(s, APP_TOSERVER, v_tcp_req1, 10, 0);
	static const uint8_t junk[] = "GET / HTTP/1.1\r\n\r\n";
	assert_int_equal(dns_parse(s, APP_TOSERVER, junk, sizeof(junk) - 1, APP_CHUNK_GAP),
			 APP_PARSE_OK);
	assert_int_equal(dns_tx_count(s), 0);
	assert_int_equal(dns_parse(s, APP_TOSERVER, v_tcp_req2, sizeof(v_tcp_req2), 0),
			 APP_PARSE_OK);
	assert_int_equal(dns_tx_count(s), 1);
	dns_state_free(s);
}

/* ---- Truncations ---- */

static bool header_plausible(const uint8_t *m, uint32_t len)
{
	if (len < 12)
		return false;
	uint32_t n = 0;
	for (int i = 4; i < 12; i += 2)
		n += (uint32_t)((m[i] << 8) | m[i + 1]);
	return 2 * n <= len;
}

/* Every prefix of a valid message: no crash; either the header is
 * rejected silently, or the message is malformed (event, no tx), or the
 * cut fell in authorities/additionals (tx with invalid_* event). */
static void truncations(const uint8_t *m, uint32_t len, enum app_dir dir)
{
	for (uint32_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
		memcpy(copy, m, n);
		struct dns_state *s = udp_feed(copy, n, dir);
		if (dns_tx_count(s) == 1) {
			const struct dns_tx *tx = dns_tx_get(s, 0);
			assert_true(dns_tx_has_event(tx, DNS_EV_INVALID_AUTHORITIES) ||
				    dns_tx_has_event(tx, DNS_EV_INVALID_ADDITIONALS));
		} else {
			assert_int_equal(dns_tx_count(s), 0);
			if (header_plausible(m, n))
				assert_int_equal(dns_state_events(s), 1u << DNS_EV_MALFORMED_DATA);
			else
				assert_int_equal(dns_state_events(s), 0);
		}
		dns_state_free(s);
		free(copy);

		/* TCP: the prefix waits in the buffer, the rest completes it. */
		uint8_t pre[2] = {(uint8_t)(len >> 8), (uint8_t)len};
		s = dns_state_new(true);
		assert_int_equal(dns_parse(s, dir, pre, 2, 0), APP_PARSE_OK);
		assert_int_equal(dns_parse(s, dir, m, n, 0), APP_PARSE_OK);
		assert_int_equal(dns_tx_count(s), 0);
		assert_int_equal(dns_parse(s, dir, m + n, len - n, 0), APP_PARSE_OK);
		assert_int_equal(dns_tx_count(s), 1);
		dns_state_free(s);
	}
}

static void test_every_truncation(void **state)
{
	(void)state;
	truncations(v_opcode9_req, sizeof(v_opcode9_req), APP_TOSERVER);
	truncations(v_fwdptr_req, sizeof(v_fwdptr_req), APP_TOSERVER);
	truncations(v_ptr_req, sizeof(v_ptr_req), APP_TOSERVER);
	truncations(v_ptr_resp, sizeof(v_ptr_resp), APP_TOCLIENT);
	truncations(v_teredo_aaaa_resp, sizeof(v_teredo_aaaa_resp), APP_TOCLIENT);
	truncations(v_teredo_soa_resp, sizeof(v_teredo_soa_resp), APP_TOCLIENT);
	truncations(v_nxdomain_resp, sizeof(v_nxdomain_resp), APP_TOCLIENT);
}

static void test_truncated_authority(void **state)
{
	(void)state;
	/* Cut inside the SOA authority: answers kept, invalid_authorities. */
	struct dns_state *s =
	    udp_feed(v_teredo_soa_resp, sizeof(v_teredo_soa_resp) - 4, APP_TOCLIENT);
	const struct dns_tx *tx = only_tx(s);
	assert_true(dns_tx_has_event(tx, DNS_EV_INVALID_AUTHORITIES));
	assert_int_equal(tx->n_rrs[DNS_SEC_ANSWER], 1);
	assert_int_equal(tx->n_rrs[DNS_SEC_AUTHORITY], 0);
	dns_state_free(s);
	/* Cut inside the additional OPT: invalid_additionals. */
	s = udp_feed(v_nxdomain_resp, sizeof(v_nxdomain_resp) - 1, APP_TOCLIENT);
	tx = only_tx(s);
	assert_true(dns_tx_has_event(tx, DNS_EV_INVALID_ADDITIONALS));
	assert_int_equal(tx->n_rrs[DNS_SEC_AUTHORITY], 1);
	dns_state_free(s);
}

/* ---- Corrupted names and headers ---- */

/* A request: header (id 0x1234, rd, qd=1) then `body`. */
static uint32_t mkreq(uint8_t *out, const uint8_t *body, uint32_t n)
{
	static const uint8_t h[12] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
	memcpy(out, h, 12);
	memcpy(out + 12, body, n);
	return 12 + n;
}

static uint16_t events_of(const uint8_t *m, uint32_t len, enum app_dir dir, size_t *ntx)
{
	struct dns_state *s = udp_feed(m, len, dir);
	*ntx = dns_tx_count(s);
	uint16_t ev = *ntx ? dns_tx_get(s, 0)->events : dns_state_events(s);
	dns_state_free(s);
	return ev;
}

static void test_pointer_loops(void **state)
{
	(void)state;
	uint8_t m[64];
	size_t ntx;
	/* The name at 12 points at itself before any jump: malformed. */
	static const uint8_t self0[] = {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01};
	uint32_t n = mkreq(m, self0, sizeof(self0));
	assert_int_equal(events_of(m, n, APP_TOSERVER, &ntx), 1u << DNS_EV_MALFORMED_DATA);
	assert_int_equal(ntx, 0);
	/* Jump to 14, where a pointer points at itself: infinite_loop. */
	static const uint8_t self1[] = {0xc0, 0x0e, 0xc0, 0x0e, 0x00, 0x01};
	n = mkreq(m, self1, sizeof(self1));
	assert_int_equal(events_of(m, n, APP_TOSERVER, &ntx), 1u << DNS_EV_INFINITE_LOOP);
	assert_int_equal(ntx, 1);
	/* 12 -> 14 -> 12 -> ...: stopped by the label limit. */
	static const uint8_t two[] = {0xc0, 0x0e, 0xc0, 0x0c, 0x00, 0x01};
	n = mkreq(m, two, sizeof(two));
	assert_int_equal(events_of(m, n, APP_TOSERVER, &ntx), 1u << DNS_EV_TOO_MANY_LABELS);
	assert_int_equal(ntx, 1);
	/* A pointer past the end of the message: malformed. */
	static const uint8_t past[] = {0xc0, 0x30, 0x00, 0x01, 0x00, 0x01};
	n = mkreq(m, past, sizeof(past));
	assert_int_equal(events_of(m, n, APP_TOSERVER, &ntx), 1u << DNS_EV_MALFORMED_DATA);
	/* A forward pointer is fine (Suricata 8). */
	static const uint8_t fwd[] = {0xc0, 0x12, 0x00, 0x01, 0x00, 0x01, 0x01, 'a', 0x00};
	n = mkreq(m, fwd, sizeof(fwd));
	assert_int_equal(events_of(m, n, APP_TOSERVER, &ntx), 0);
	assert_int_equal(ntx, 1);
}

static void test_bad_labels(void **state)
{
	(void)state;
	uint8_t m[2048];
	size_t ntx;
	/* Length bytes 0x40..0xbf (label > 63, extended types): malformed. */
	for (unsigned top = 0x40; top <= 0x80; top += 0x40) {
		uint8_t body[] = {(uint8_t)(top | 1), 'a', 0x00, 0x00, 0x01, 0x00, 0x01};
		uint32_t n = mkreq(m, body, sizeof(body));
		assert_int_equal(events_of(m, n, APP_TOSERVER, &ntx), 1u << DNS_EV_MALFORMED_DATA);
		assert_int_equal(ntx, 0);
	}
	/* A label running past the data: malformed. */
	static const uint8_t over[] = {0x3f, 'a', 'b', 0x00, 0x00, 0x01, 0x00, 0x01};
	uint32_t n = mkreq(m, over, sizeof(over));
	assert_int_equal(events_of(m, n, APP_TOSERVER, &ntx), 1u << DNS_EV_MALFORMED_DATA);
}

/* A request whose name is `labels` labels of `llen` 'x' bytes. */
static uint32_t long_name_req(uint8_t *m, unsigned labels, unsigned llen)
{
	uint8_t body[4096];
	uint32_t p = 0;
	for (unsigned i = 0; i < labels; i++) {
		body[p++] = (uint8_t)llen;
		memset(body + p, 'x', llen);
		p += llen;
	}
	body[p++] = 0;
	static const uint8_t tail[] = {0x00, 0x01, 0x00, 0x01};
	memcpy(body + p, tail, 4);
	return mkreq(m, body, p + 4);
}

static void test_long_names(void **state)
{
	(void)state;
	uint8_t m[4200];
	size_t ntx;
	/* 319 bytes: over RFC 1035's 255 but within Suricata's 1025, no event. */
	uint32_t n = long_name_req(m, 5, 63);
	assert_int_equal(events_of(m, n, APP_TOSERVER, &ntx), 0);
	assert_int_equal(ntx, 1);
	/* 17 x 63: 1087 bytes, truncated to 1025 with name_too_long. */
	n = long_name_req(m, 17, 63);
	struct dns_state *s = udp_feed(m, n, APP_TOSERVER);
	const struct dns_tx *tx = only_tx(s);
	assert_true(dns_tx_has_event(tx, DNS_EV_NAME_TOO_LONG));
	assert_int_equal(tx->queries[0].name.len, DNS_NAME_MAX_LEN);
	assert_true(tx->queries[0].name.flags & DNS_NAME_TRUNCATED);
	assert_int_equal(tx->queries[0].rrtype, 1); /* parsing went on after the name */
	char *j = eve(tx);
	assert_non_null(strstr(j, "\"rrtype\":\"A\",\"rrname_truncated\":true"));
	free(j);
	dns_state_free(s);
	/* 256 one-byte labels without a pointer: the label limit, malformed. */
	n = long_name_req(m, 256, 1);
	assert_int_equal(events_of(m, n, APP_TOSERVER, &ntx), 1u << DNS_EV_MALFORMED_DATA);
	assert_int_equal(ntx, 0);
}

static void test_counts_and_flags(void **state)
{
	(void)state;
	uint8_t m[sizeof(v_opcode9_req)];
	size_t ntx;
	/* Answer count 1 but no answer: malformed. */
	memcpy(m, v_opcode9_req, sizeof(m));
	m[7] = 1;
	assert_int_equal(events_of(m, sizeof(m), APP_TOSERVER, &ntx), 1u << DNS_EV_MALFORMED_DATA);
	assert_int_equal(ntx, 0);
	/* Counts that cannot fit (2 bytes a record): ignored as not DNS, as Suricata. */
	memcpy(m, v_opcode9_req, sizeof(m));
	m[4] = 0xff;
	assert_int_equal(events_of(m, sizeof(m), APP_TOSERVER, &ntx), 0);
	assert_int_equal(ntx, 0);
	/* Z flag. */
	memcpy(m, v_opcode9_req, sizeof(m));
	m[2] = 0x01;
	m[3] = 0x40;
	assert_int_equal(events_of(m, sizeof(m), APP_TOSERVER, &ntx), 1u << DNS_EV_Z_FLAG_SET);
	/* A request seen to the client: a tx with not_response. */
	memcpy(m, v_opcode9_req, sizeof(m));
	m[2] = 0x01;
	assert_int_equal(events_of(m, sizeof(m), APP_TOCLIENT, &ntx), 1u << DNS_EV_NOT_RESPONSE);
	assert_int_equal(ntx, 1);
	/* A response seen to the server: no tx, not_request on the last one. */
	struct dns_state *s = dns_state_new(false);
	dns_parse(s, APP_TOSERVER, v_fwdptr_req, sizeof(v_fwdptr_req), 0);
	dns_parse(s, APP_TOSERVER, v_fwdptr_resp, sizeof(v_fwdptr_resp), 0);
	assert_int_equal(dns_tx_count(s), 1);
	assert_true(dns_tx_has_event(dns_tx_get(s, 0), DNS_EV_NOT_REQUEST));
	dns_state_free(s);
}

static void test_rdata_types(void **state)
{
	(void)state;
	/* Built by hand (no capture under ../shared has them): a response to
	 * x.org with MX, TXT (two strings), SRV, SSHFP, HTTPS and a short A. */
	static const uint8_t m[] = {
	    0xab,
	    0xcd,
	    0x81,
	    0x80,
	    0,
	    1,
	    0,
	    6,
	    0,
	    0,
	    0,
	    0,
	    1,
	    'x',
	    3,
	    'o',
	    'r',
	    'g',
	    0,
	    0x00,
	    0x0f,
	    0x00,
	    0x01,
	    /* MX 10 mail.x.org */
	    0xc0,
	    0x0c,
	    0x00,
	    0x0f,
	    0x00,
	    0x01,
	    0,
	    0,
	    0,
	    60,
	    0x00,
	    0x09,
	    0x00,
	    0x0a,
	    4,
	    'm',
	    'a',
	    'i',
	    'l',
	    0xc0,
	    0x0c,
	    /* TXT "v=1" "ab" */
	    0xc0,
	    0x0c,
	    0x00,
	    0x10,
	    0x00,
	    0x01,
	    0,
	    0,
	    0,
	    60,
	    0x00,
	    0x07,
	    3,
	    'v',
	    '=',
	    '1',
	    2,
	    'a',
	    'b',
	    /* SRV 1 2 443 x.org */
	    0xc0,
	    0x0c,
	    0x00,
	    0x21,
	    0x00,
	    0x01,
	    0,
	    0,
	    0,
	    60,
	    0x00,
	    0x08,
	    0x00,
	    0x01,
	    0x00,
	    0x02,
	    0x01,
	    0xbb,
	    0xc0,
	    0x0c,
	    /* SSHFP 1 2 de:ad */
	    0xc0,
	    0x0c,
	    0x00,
	    0x2c,
	    0x00,
	    0x01,
	    0,
	    0,
	    0,
	    60,
	    0x00,
	    0x04,
	    0x01,
	    0x02,
	    0xde,
	    0xad,
	    /* HTTPS 1 . */
	    0xc0,
	    0x0c,
	    0x00,
	    0x41,
	    0x00,
	    0x01,
	    0,
	    0,
	    0,
	    60,
	    0x00,
	    0x03,
	    0x00,
	    0x01,
	    0x00,
	    /* A with 0 bytes of rdata */
	    0xc0,
	    0x0c,
	    0x00,
	    0x01,
	    0x00,
	    0x01,
	    0,
	    0,
	    0,
	    60,
	    0x00,
	    0x00,
	};
	struct dns_state *s = udp_feed(m, sizeof(m), APP_TOCLIENT);
	const struct dns_tx *tx = only_tx(s);
	assert_int_equal(tx->events, 0);
	assert_eve(tx,
		   "{\"dns\":{\"version\":3,\"type\":\"response\",\"tx_id\":0,\"id\":43981,"
		   "\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
		   "\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"x.org\",\"rrtype\":\"MX\"}],"
		   "\"answers\":["
		   "{\"rrname\":\"x.org\",\"rrtype\":\"MX\",\"ttl\":60,\"rdata\":\"mail.x.org\"},"
		   "{\"rrname\":\"x.org\",\"rrtype\":\"TXT\",\"ttl\":60,\"rdata\":\"v=1\"},"
		   "{\"rrname\":\"x.org\",\"rrtype\":\"TXT\",\"ttl\":60,\"rdata\":\"ab\"},"
		   "{\"rrname\":\"x.org\",\"rrtype\":\"SRV\",\"ttl\":60,\"srv\":{\"priority\":1,"
		   "\"weight\":2,\"port\":443,\"name\":\"x.org\"}},"
		   "{\"rrname\":\"x.org\",\"rrtype\":\"SSHFP\",\"ttl\":60,\"sshfp\":"
		   "{\"fingerprint\":\"de:ad\",\"algo\":1,\"type\":2}},"
		   "{\"rrname\":\"x.org\",\"rrtype\":\"HTTPS\",\"ttl\":60},"
		   "{\"rrname\":\"x.org\",\"rrtype\":\"A\",\"ttl\":60,\"rdata\":\"\"}],"
		   "\"grouped\":{\"MX\":[\"mail.x.org\"],\"TXT\":[\"v=1\",\"ab\"],"
		   "\"SRV\":[{\"priority\":1,\"weight\":2,\"port\":443,\"name\":\"x.org\"}],"
		   "\"SSHFP\":[{\"fingerprint\":\"de:ad\",\"algo\":1,\"type\":2}],"
		   "\"A\":[\"\"]}}}");
	dns_state_free(s);
}

static void test_txt_bounds(void **state)
{
	(void)state;
	/* Built by hand: one TXT answer whose rdata is `rd`. */
	uint8_t m[64] = {0x00, 0x07, 0x81, 0x80, 0,    1,    0,	   1,	 0,    0,
			 0,    0,    1,	   'x',	 0,    0x00, 0x10, 0x00, 0x01, 0xc0,
			 0x0c, 0x00, 0x10, 0x00, 0x01, 0,    0,	   0,	 1};
	size_t ntx;
	/* A string longer than the rdata: the record, and the message, are malformed. */
	static const uint8_t over[] = {0x00, 0x02, 2, 'a', 'b'}; /* rdlength 2 cuts "ab" */
	memcpy(m + 29, over, sizeof(over));
	assert_int_equal(events_of(m, 29 + sizeof(over), APP_TOCLIENT, &ntx),
			 1u << DNS_EV_MALFORMED_DATA);
	assert_int_equal(ntx, 0);
	static const uint8_t past[] = {0x00, 0x02, 5, 'a'}; /* "a" of 5 */
	memcpy(m + 29, past, sizeof(past));
	assert_int_equal(events_of(m, 29 + sizeof(past), APP_TOCLIENT, &ntx),
			 1u << DNS_EV_MALFORMED_DATA);
	/* Empty rdata: no strings, nothing logged for it. */
	static const uint8_t empty[] = {0x00, 0x00};
	memcpy(m + 29, empty, sizeof(empty));
	struct dns_state *s = udp_feed(m, 29 + sizeof(empty), APP_TOCLIENT);
	const struct dns_tx *tx = only_tx(s);
	assert_int_equal(tx->events, 0);
	assert_int_equal(tx->rrs[DNS_SEC_ANSWER][0].n_txt, 0);
	char *j = eve(tx);
	assert_non_null(strstr(j, "\"answers\":[],\"grouped\":{\"TXT\":[]}"));
	free(j);
	dns_state_free(s);
}

static void test_probe(void **state)
{
	(void)state;
	enum app_dir d = APP_TOCLIENT;
	bool inc = true;
	assert_true(dns_probe(v_opcode9_req, sizeof(v_opcode9_req), false, &d, &inc));
	assert_int_equal(d, APP_TOSERVER);
	assert_false(inc);
	assert_true(dns_probe(v_ptr_resp, sizeof(v_ptr_resp), false, &d, NULL));
	assert_int_equal(d, APP_TOCLIENT);
	static const uint8_t http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_false(dns_probe(http, sizeof(http) - 1, false, &d, &inc));
	assert_false(inc);
	/* TCP: the whole message, a header only (the rest to come), 1 byte. */
	assert_true(dns_probe(v_tcp_resp2, sizeof(v_tcp_resp2), true, &d, &inc));
	assert_int_equal(d, APP_TOCLIENT);
	assert_true(dns_probe(v_tcp_resp2, 14, true, &d, &inc));
	assert_false(dns_probe(v_tcp_resp2, 1, true, &d, &inc));
	assert_true(inc);
	assert_false(dns_probe(http, sizeof(http) - 1, true, &d, &inc));
}

static void test_rrtype_and_sections_by_side(void **state)
{
	(void)state;
	struct dns_state *s = dns_state_new(false);
	dns_parse(s, APP_TOSERVER, v_fwdptr_req, sizeof(v_fwdptr_req), 0);
	dns_parse(s, APP_TOCLIENT, v_teredo_aaaa_resp, sizeof(v_teredo_aaaa_resp), 0);
	uint16_t t;
	/* Request: query types; response: answer types (CNAME, AAAA). */
	assert_true(dns_tx_get_rrtype(dns_tx_get(s, 0), 1, &t));
	assert_int_equal(t, DNS_RR_A);
	assert_true(dns_tx_get_rrtype(dns_tx_get(s, 1), 0, &t));
	assert_int_equal(t, DNS_RR_CNAME);
	assert_true(dns_tx_get_rrtype(dns_tx_get(s, 1), 1, &t));
	assert_int_equal(t, DNS_RR_AAAA);
	assert_false(dns_tx_get_rrtype(dns_tx_get(s, 1), 2, &t));
	dns_state_free(s);
	/* Authorities / additionals of a request are not inspected. */
	s = udp_feed(v_ptr_req, sizeof(v_ptr_req), APP_TOSERVER);
	const uint8_t *b;
	uint32_t l;
	assert_false(dns_tx_get_additional_name(only_tx(s), 0, &b, &l));
	assert_false(dns_tx_get_response_name(only_tx(s), 0, &b, &l));
	dns_state_free(s);
}

/* ---- Bounds, names, v2 ---- */

static void test_tx_cap_and_release(void **state)
{
	(void)state;
	struct dns_state *s = dns_state_new(false);
	for (int i = 0; i < DNS_MAX_TX + 88; i++)
		dns_parse(s, APP_TOSERVER, v_opcode9_req, sizeof(v_opcode9_req), 0);
	assert_int_equal(dns_tx_count(s), DNS_MAX_TX);
	assert_int_equal(dns_tx_dropped(s), 88);
	assert_int_equal(dns_tx_get(s, 0)->tx_id, 88);
	assert_int_equal(dns_tx_next_id(s), DNS_MAX_TX + 88);
	dns_tx_release_upto(s, 99);
	assert_int_equal(dns_tx_count(s), DNS_MAX_TX - 12);
	assert_int_equal(dns_tx_get(s, 0)->tx_id, 100);
	dns_tx_release_upto(s, UINT64_MAX);
	assert_int_equal(dns_tx_count(s), 0);
	assert_null(dns_tx_get(s, 0));
	dns_state_free(s);
}

/* Built by hand: a response whose 600 A answers all point at a 1007-byte
 * query name, so each kept record holds a long name (amplification). */
static uint32_t big_response(uint8_t *m)
{
	static const uint8_t h[12] = {0x00, 0x09, 0x81, 0x80, 0, 1, 0x02, 0x58, 0, 0, 0, 0};
	uint32_t p = 12;
	memcpy(m, h, 12);
	for (int i = 0; i < 16; i++) {
		m[p++] = 62;
		memset(m + p, 'x', 62);
		p += 62;
	}
	m[p++] = 0;
	static const uint8_t q[] = {0x00, 0x01, 0x00, 0x01};
	memcpy(m + p, q, 4);
	p += 4;
	static const uint8_t an[] = {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0, 0,
				     0,	   1,	 0,    4,    10,   0,	 0, 1};
	for (int i = 0; i < 600; i++) {
		memcpy(m + p, an, sizeof(an));
		p += sizeof(an);
	}
	return p;
}

static void test_state_memcap(void **state)
{
	(void)state;
	uint8_t *m = malloc(16384);
	uint32_t n = big_response(m);
	struct dns_state *s = dns_state_new(false);
	for (int i = 0; i < 40; i++) {
		dns_parse(s, APP_TOCLIENT, m, n, 0);
		assert_true(dns_state_memuse(s) <= DNS_STATE_MEMCAP);
	}
	const struct dns_tx *tx = dns_tx_get(s, dns_tx_count(s) - 1);
	assert_int_equal(tx->n_rrs[DNS_SEC_ANSWER], DNS_MAX_RECORDS);
	assert_int_equal(tx->queries[0].name.len, 16 * 63 - 1);
	assert_true(dns_tx_dropped(s) > 0);
	assert_int_equal(dns_tx_count(s) + dns_tx_dropped(s), 40);
	dns_tx_release_upto(s, UINT64_MAX);
	assert_int_equal(dns_state_memuse(s), 0);
	dns_state_free(s);
	free(m);
}

static void test_names_tables(void **state)
{
	(void)state;
	char b[8];
	assert_string_equal(dns_rrtype_name(28, b, sizeof(b)), "AAAA");
	assert_string_equal(dns_rrtype_name(64, b, sizeof(b)), "64");
	assert_string_equal(dns_rcode_name(5, b, sizeof(b)), "REFUSED");
	assert_string_equal(dns_rcode_name(16, b, sizeof(b)), "BADVERS/BADSIG");
	assert_string_equal(dns_rcode_name(12, b, sizeof(b)), "12");
	assert_int_equal(dns_rrtype_by_name("mx"), 15);
	assert_int_equal(dns_rcode_by_name("NXDOMAIN"), 3);
	assert_int_equal(dns_event_by_name("not_a_request"), DNS_EV_NOT_REQUEST);
	assert_int_equal(dns_event_by_name("too_many_labels"), DNS_EV_TOO_MANY_LABELS);
	assert_int_equal(dns_event_by_name("nope"), -1);
	for (int i = 0; i < DNS_EV_COUNT; i++)
		assert_int_equal(dns_event_by_name(dns_event_name((enum dns_event)i)), i);
}

static void test_v2_output(void **state)
{
	(void)state;
	struct dns_state *s = dns_state_new(false);
	dns_parse(s, APP_TOSERVER, v_opcode9_req, sizeof(v_opcode9_req), 0);
	dns_parse(s, APP_TOCLIENT, v_opcode9_resp, sizeof(v_opcode9_resp), 0);
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	assert_true(dns_tx_log_json_v2_query(&j, dns_tx_get(s, 0), 0));
	json_close_object(&j);
	assert_string_equal(j.buf, "{\"dns\":{\"type\":\"query\",\"id\":1,\"rrname\":"
				   "\"suricata.io\",\"rrtype\":\"A\",\"tx_id\":0,\"opcode\":9}}");
	json_reset(&j);
	json_open_object(&j, NULL);
	assert_false(dns_tx_log_json_v2_query(&j, dns_tx_get(s, 0), 1));
	dns_tx_log_json_v2_answer(&j, dns_tx_get(s, 1));
	json_close_object(&j);
	assert_string_equal(j.buf,
			    "{\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":1,"
			    "\"flags\":\"c800\",\"qr\":true,\"opcode\":9,"
			    "\"rrname\":\"suricata.io\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\","
			    "\"answers\":[{\"rrname\":\"suricata.io\",\"rrtype\":\"A\","
			    "\"ttl\":0,\"rdata\":\"127.0.0.1\"}],"
			    "\"grouped\":{\"A\":[\"127.0.0.1\"]}}}");
	json_free(&j);
	dns_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_invalid_opcode_pair),
	    cmocka_unit_test(test_forward_pointer),
	    cmocka_unit_test(test_ptr_and_opt),
	    cmocka_unit_test(test_cname_aaaa_ns_additionals),
	    cmocka_unit_test(test_soa_authority),
	    cmocka_unit_test(test_nxdomain),
	    cmocka_unit_test(test_tcp_every_split),
	    cmocka_unit_test(test_tcp_responses),
	    cmocka_unit_test(test_tcp_zero_length_and_malformed),
	    cmocka_unit_test(test_tcp_gap),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_truncated_authority),
	    cmocka_unit_test(test_pointer_loops),
	    cmocka_unit_test(test_bad_labels),
	    cmocka_unit_test(test_long_names),
	    cmocka_unit_test(test_counts_and_flags),
	    cmocka_unit_test(test_rdata_types),
	    cmocka_unit_test(test_txt_bounds),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_rrtype_and_sections_by_side),
	    cmocka_unit_test(test_tx_cap_and_release),
	    cmocka_unit_test(test_state_memcap),
	    cmocka_unit_test(test_names_tables),
	    cmocka_unit_test(test_v2_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
