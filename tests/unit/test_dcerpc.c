/*
 * test_dcerpc.c — app/dcerpc.c, app/dcerpc-log.c and the keyword tests of
 * detect/kw-dcerpc.c: real PDUs from captures (test_dcerpc_vectors.h) in
 * every split, every truncation, corrupted headers and bodies, fragments
 * rebuilt from a real request, the bound contexts and their acks, the
 * EVE dcerpc object as exact JSON, the connectionless (UDP) parser, the
 * SMB pipe state, and the memory bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dcerpc.h"
#include "detect/kw-dcerpc.h"
#include "util/json.h"

#include "test_dcerpc_vectors.h"

/* ---- helpers ---- */

static void feed(struct dcerpc_state *s, enum app_dir dir, const uint8_t *d, size_t n)
{
	assert_int_equal(dcerpc_parse(s, dir, d, (uint32_t)n, 0), APP_PARSE_OK);
}

#define FEED(s, dir, v) feed((s), (dir), (v), sizeof(v))

static char *eve(const struct dcerpc_tx *tx, uint32_t flags)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	dcerpc_tx_log_json(&j, tx, flags);
	json_close_object(&j);
	char *out = strndup(j.buf, j.len);
	json_free(&j);
	return out;
}

static void assert_eve(const struct dcerpc_tx *tx, uint32_t flags, const char *want)
{
	char *got = eve(tx, flags);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "got:  %s\nwant: %s\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

/* The iface-02 conversation: bind, bind_ack, request, response. */
static struct dcerpc_state *iface02_flow(void)
{
	struct dcerpc_state *s = dcerpc_state_new(true);
	assert_non_null(s);
	FEED(s, APP_TOSERVER, iface02_4);
	FEED(s, APP_TOCLIENT, iface02_6);
	FEED(s, APP_TOSERVER, iface02_7);
	FEED(s, APP_TOCLIENT, iface02_9);
	return s;
}

static bool kw_iface(const struct dcerpc_tx *tx, const char *arg)
{
	void *c = dcerpc_kw_iface_new(arg);
	assert_non_null(c);
	struct dcerpc_view v;
	assert_true(dcerpc_tx_view(tx, &v));
	bool r = dcerpc_kw_iface_test(&v, c);
	free(c);
	return r;
}

static bool kw_opnum(const struct dcerpc_tx *tx, const char *arg)
{
	void *c = dcerpc_kw_opnum_new(arg);
	assert_non_null(c);
	struct dcerpc_view v;
	assert_true(dcerpc_tx_view(tx, &v));
	bool r = dcerpc_kw_opnum_test(&v, c);
	free(c);
	return r;
}

/* ---- bind, ack, request, response ---- */

static void test_bind_ack_request_response(void **st)
{
	(void)st;
	struct dcerpc_state *s = iface02_flow();
	assert_int_equal(dcerpc_tx_count(s), 2);

	const struct dcerpc_tx *bind = dcerpc_tx_get(s, 0);
	assert_int_equal(bind->req_type, DCERPC_TYPE_BIND);
	assert_int_equal(bind->res_type, DCERPC_TYPE_BINDACK);
	assert_true(bind->req_done && bind->res_done);
	assert_int_equal(bind->call_id, 27);
	assert_int_equal(bind->n_ifaces, 2);
	/* the ack rejects context 0 (provider rejection, reason 2) and accepts 1 */
	assert_true(bind->ifaces[0].acked);
	assert_int_equal(bind->ifaces[0].ack_result, 2);
	assert_int_equal(bind->ifaces[0].ack_reason, 2);
	assert_int_equal(bind->ifaces[1].ctx_id, 1);
	assert_int_equal(bind->ifaces[1].ack_result, 0);
	char u[37];
	dcerpc_uuid_str(bind->ifaces[1].uuid, u);
	assert_string_equal(u, "afa8bd80-7d8a-11c9-bef4-08002b102989");
	assert_int_equal(bind->ifaces[1].ver, 1);
	assert_true(bind->ifaces[1].first_frag);

	const struct dcerpc_tx *call = dcerpc_tx_get(s, 1);
	assert_int_equal(call->req_type, DCERPC_TYPE_REQUEST);
	assert_int_equal(call->opnum, 4);
	assert_int_equal(call->ctx_id, 1);
	/* Suricata's stub: after alloc_hint/context/opnum, object UUID included */
	assert_int_equal(call->stub_len[0], 24);
	assert_memory_equal(call->stub[0], iface02_7 + 24, 24);
	/* the response's stub counts its 8-byte header, as Suricata's */
	assert_int_equal(call->stub_len[1], 68);
	assert_memory_equal(call->stub[1], iface02_9 + 16, 68);
	assert_false(call->big_endian);

	const struct dcerpc_iface *bound = dcerpc_tx_iface(call);
	assert_non_null(bound);
	assert_int_equal(bound->ctx_id, 1);

	assert_eve(bind, 0,
		   "{\"dcerpc\":{\"request\":\"BIND\",\"interfaces\":[{\"uuid\":\"afa8bd80-7d8a-11c9-"
		   "bef4-08002b102989\",\"version\":\"1.0\",\"ack_result\":2},{\"uuid\":\"afa8bd80-"
		   "7d8a-11c9-bef4-08002b102989\",\"version\":\"1.0\",\"ack_result\":0}],\"response\":"
		   "\"BINDACK\",\"call_id\":27,\"rpc_version\":\"5.0\"}}");
	assert_eve(call, 0,
		   "{\"dcerpc\":{\"request\":\"REQUEST\",\"req\":{\"opnum\":4,\"frag_cnt\":1,"
		   "\"stub_data_size\":24},\"interfaces\":[{\"uuid\":\"afa8bd80-7d8a-11c9-bef4-"
		   "08002b102989\",\"version\":\"1.0\",\"ack_result\":0}],\"response\":\"RESPONSE\","
		   "\"res\":{\"frag_cnt\":1,\"stub_data_size\":68},\"call_id\":27,\"rpc_version\":"
		   "\"5.0\"}}");
	dcerpc_state_free(s);
}

/* dcerpc.iface as Suricata 8: accepted context of the request, version. */
static void test_kw_iface(void **st)
{
	(void)st;
	struct dcerpc_state *s = iface02_flow();
	const struct dcerpc_tx *call = dcerpc_tx_get(s, 1);
	const char *uuid = "afa8bd80-7d8a-11c9-bef4-08002b102989";
	char a[96];
	assert_true(kw_iface(call, uuid));
	snprintf(a, sizeof(a), "%s,=1", uuid);
	assert_true(kw_iface(call, a));
	snprintf(a, sizeof(a), "%s,=0", uuid);
	assert_false(kw_iface(call, a));
	snprintf(a, sizeof(a), "%s,>1,any_frag", uuid);
	assert_false(kw_iface(call, a));
	snprintf(a, sizeof(a), "%s,=1,any_frag", uuid);
	assert_true(kw_iface(call, a));
	snprintf(a, sizeof(a), "%s,<2", uuid);
	assert_true(kw_iface(call, a));
	snprintf(a, sizeof(a), "%s,!1", uuid);
	assert_false(kw_iface(call, a));
	/* upper-case hex is the same UUID */
	assert_true(kw_iface(call, "AFA8BD80-7D8A-11C9-BEF4-08002B102989"));
	assert_false(kw_iface(call, "afa8bd80-7d8a-11c9-bef4-08002b10298a"));
	/* a bind is no request */
	assert_false(kw_iface(dcerpc_tx_get(s, 0), uuid));
	dcerpc_state_free(s);

	/* the same request on context 0, which the ack rejected: no match */
	uint8_t req[sizeof(iface02_7)];
	memcpy(req, iface02_7, sizeof(req));
	req[20] = 0;
	s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, iface02_4);
	FEED(s, APP_TOCLIENT, iface02_6);
	FEED(s, APP_TOSERVER, req);
	assert_false(kw_iface(dcerpc_tx_get(s, 1), uuid));
	dcerpc_state_free(s);

	/* bound but never acked: no match */
	s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, iface02_4);
	FEED(s, APP_TOSERVER, iface02_7);
	assert_false(kw_iface(dcerpc_tx_get(s, 1), uuid));
	dcerpc_state_free(s);
}

static void test_kw_iface_parse(void **st)
{
	(void)st;
	static const char *const bad[] = {
	    "",
	    "afa8bd80-7d8a-11c9-bef4-08002b10298",
	    "afa8bd80-7d8a-11c9-bef4-08002b1029899",
	    "afa8bd807d8a-11c9-bef4-08002b102989",
	    "gfa8bd80-7d8a-11c9-bef4-08002b102989",
	    "afa8bd80-7d8a-11c9-bef4-08002b102989,any",
	    "afa8bd80-7d8a-11c9-bef4-08002b102989,=70000",
	    "afa8bd80-7d8a-11c9-bef4-08002b102989,any_frag,=1",
	    "afa8bd80-7d8a-11c9-bef4-08002b102989,=1,any_frag,x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *c = dcerpc_kw_iface_new(bad[i]);
		if (c != NULL)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		assert_null(c);
	}
	void *c = dcerpc_kw_iface_new(" afa8bd80-7d8a-11c9-bef4-08002b102989 , >1 , any_frag ");
	assert_non_null(c);
	free(c);
}

/* A bind without PFC_FIRST_FRAG binds for any_frag rules only. */
static void test_kw_iface_first_frag(void **st)
{
	(void)st;
	const char *epm = "e1af8308-5d1f-11c9-91a4-08002b14a0fa";
	char any[64];
	snprintf(any, sizeof(any), "%s,any_frag", epm);

	struct dcerpc_state *s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, nofrag_28);
	FEED(s, APP_TOCLIENT, nofrag_29);
	FEED(s, APP_TOSERVER, nofrag_30);
	const struct dcerpc_tx *call = dcerpc_tx_get(s, 1);
	assert_non_null(call);
	assert_int_equal(call->opnum, 42);
	assert_false(kw_iface(call, epm));
	assert_true(kw_iface(call, any));
	assert_false(kw_iface(call, "22222222-2222-2222-2222-222222222222"));
	assert_false(kw_iface(call, "22222222-2222-2222-2222-222222222222,any_frag"));
	assert_true(kw_opnum(call, "42"));
	/* a fault is a parser error for Suricata's TCP parser: the call stays open */
	assert_int_equal(dcerpc_parse(s, APP_TOCLIENT, nofrag_33, sizeof(nofrag_33), 0),
			 APP_PARSE_ERROR);
	assert_false(call->res_done);
	assert_int_equal(app_dcerpc.tx_log(s, call, true), APP_LOG_NOW);
	char *e = eve(call, 0);
	assert_non_null(strstr(e, "\"response\":\"UNREPLIED\""));
	free(e);
	dcerpc_state_free(s);

	/* on an SMB pipe the fault answers the call */
	s = dcerpc_state_new_pipe();
	FEED(s, APP_TOSERVER, nofrag_28);
	FEED(s, APP_TOCLIENT, nofrag_29);
	FEED(s, APP_TOSERVER, nofrag_30);
	FEED(s, APP_TOCLIENT, nofrag_33);
	call = dcerpc_tx_get(s, 1);
	assert_int_equal(dcerpc_tx_count(s), 2);
	assert_true(call->res_done);
	assert_int_equal(call->res_type, DCERPC_TYPE_FAULT);
	assert_eve(call, 0,
		   "{\"dcerpc\":{\"request\":\"REQUEST\",\"req\":{\"opnum\":42,\"frag_cnt\":1,"
		   "\"stub_data_size\":8},\"interfaces\":[{\"uuid\":\"e1af8308-5d1f-11c9-91a4-"
		   "08002b14a0fa\",\"version\":\"3.0\",\"ack_result\":0}],\"response\":\"FAULT\","
		   "\"call_id\":1,\"rpc_version\":\"5.0\"}}");
	dcerpc_state_free(s);

	/* the same bind with PFC_FIRST_FRAG|PFC_LAST_FRAG (frame 38) */
	s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, nofrag_38);
	FEED(s, APP_TOCLIENT, nofrag_29);
	FEED(s, APP_TOSERVER, nofrag_30);
	assert_true(kw_iface(dcerpc_tx_get(s, 1), epm));
	dcerpc_state_free(s);
}

static void test_kw_opnum(void **st)
{
	(void)st;
	struct dcerpc_state *s = iface02_flow();
	const struct dcerpc_tx *call = dcerpc_tx_get(s, 1);
	assert_true(kw_opnum(call, "4"));
	assert_false(kw_opnum(call, "5"));
	assert_true(kw_opnum(call, "1,2,4"));
	assert_true(kw_opnum(call, "0-3,4"));
	assert_true(kw_opnum(call, "2-6"));
	assert_true(kw_opnum(call, "4-4"));
	assert_false(kw_opnum(call, "5-9,12"));
	assert_true(kw_opnum(call, ">3"));
	assert_false(kw_opnum(call, "<4"));
	/* the bind has no opnum */
	assert_false(kw_opnum(dcerpc_tx_get(s, 0), "0"));
	dcerpc_state_free(s);

	static const char *const bad[] = {"", "a", "5-3", "1,,2", "1-", "-1", "1-2-3", "4294967296"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *c = dcerpc_kw_opnum_new(bad[i]);
		if (c != NULL)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		assert_null(c);
	}
}

/* ---- framing ---- */

static size_t concat(uint8_t *out, const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	memcpy(out, a, na);
	memcpy(out + na, b, nb);
	return na + nb;
}

static void check_iface02_calls(const struct dcerpc_state *s)
{
	assert_int_equal(dcerpc_tx_count(s), 2);
	const struct dcerpc_tx *call = dcerpc_tx_get(s, 1);
	assert_int_equal(call->opnum, 4);
	assert_int_equal(call->stub_len[0], 24);
	assert_int_equal(call->stub_len[1], 68);
	assert_true(call->req_done && call->res_done);
	assert_int_equal(dcerpc_tx_get(s, 0)->ifaces[1].ack_result, 0);
}

/* Both directions' PDUs back to back, cut at every point, then one byte at a time. */
static void test_every_split(void **st)
{
	(void)st;
	uint8_t ts[sizeof(iface02_4) + sizeof(iface02_7)], tc[sizeof(iface02_6) + sizeof(iface02_9)];
	size_t nts = concat(ts, iface02_4, sizeof(iface02_4), iface02_7, sizeof(iface02_7));
	size_t ntc = concat(tc, iface02_6, sizeof(iface02_6), iface02_9, sizeof(iface02_9));
	for (size_t cut = 0; cut <= nts; cut++) {
		struct dcerpc_state *s = dcerpc_state_new(true);
		/* the ack must come after the bind: feed the bind part of ts first */
		size_t c1 = cut < sizeof(iface02_4) ? cut : sizeof(iface02_4);
		feed(s, APP_TOSERVER, ts, c1);
		feed(s, APP_TOSERVER, ts + c1, sizeof(iface02_4) - c1);
		feed(s, APP_TOCLIENT, tc, sizeof(iface02_6));
		size_t c2 = cut > sizeof(iface02_4) ? cut : sizeof(iface02_4);
		feed(s, APP_TOSERVER, ts + sizeof(iface02_4), c2 - sizeof(iface02_4));
		feed(s, APP_TOSERVER, ts + c2, nts - c2);
		feed(s, APP_TOCLIENT, tc + sizeof(iface02_6), ntc - sizeof(iface02_6));
		check_iface02_calls(s);
		dcerpc_state_free(s);
	}
	struct dcerpc_state *s = dcerpc_state_new(true);
	for (size_t i = 0; i < sizeof(iface02_4); i++)
		feed(s, APP_TOSERVER, iface02_4 + i, 1);
	for (size_t i = 0; i < ntc; i++)
		feed(s, APP_TOCLIENT, tc + i, 1);
	for (size_t i = 0; i < sizeof(iface02_7); i++)
		feed(s, APP_TOSERVER, iface02_7 + i, 1);
	check_iface02_calls(s);
	dcerpc_state_free(s);
}

/* Every prefix of every PDU: no transaction until the PDU is whole, no error. */
static void test_every_truncation(void **st)
{
	(void)st;
	const struct {
		const uint8_t *d;
		size_t n;
	} pdus[] = {{iface02_4, sizeof(iface02_4)}, {iface02_7, sizeof(iface02_7)},
		    {stub04_12, sizeof(stub04_12)}, {nofrag_30, sizeof(nofrag_30)}};
	for (size_t k = 0; k < sizeof(pdus) / sizeof(pdus[0]); k++) {
		for (size_t n = 0; n < pdus[k].n; n++) {
			uint8_t *copy = malloc(n ? n : 1);
			memcpy(copy, pdus[k].d, n);
			struct dcerpc_state *s = dcerpc_state_new(true);
			feed(s, APP_TOSERVER, copy, n);
			assert_int_equal(dcerpc_tx_count(s), 0);
			dcerpc_state_free(s);
			free(copy);
		}
	}
}

/* Headers that are not DCERPC end the direction (Suricata's parser error). */
static void test_bad_headers(void **st)
{
	(void)st;
	uint8_t pdu[sizeof(iface02_7)];
	const size_t off[] = {0, 1, 8};
	const uint8_t val[] = {4, 2, 8}; /* version 4, minor 2, frag_length 8 */
	for (size_t i = 0; i < 3; i++) {
		memcpy(pdu, iface02_7, sizeof(pdu));
		pdu[off[i]] = val[i];
		struct dcerpc_state *s = dcerpc_state_new(true);
		assert_int_equal(dcerpc_parse(s, APP_TOSERVER, pdu, sizeof(pdu), 0),
				 APP_PARSE_ERROR);
		/* and the flow stays given up, both directions, gap or not
		 * (Suricata disables the flow's parser) */
		assert_int_equal(
		    dcerpc_parse(s, APP_TOSERVER, iface02_7, sizeof(iface02_7), 0),
		    APP_PARSE_ERROR);
		assert_int_equal(
		    dcerpc_parse(s, APP_TOCLIENT, iface02_9, sizeof(iface02_9), APP_CHUNK_GAP),
		    APP_PARSE_ERROR);
		assert_int_equal(dcerpc_tx_count(s), 0);
		dcerpc_state_free(s);
		/* on an SMB pipe only that direction stops, until a gap */
		s = dcerpc_state_new_pipe();
		assert_int_equal(dcerpc_parse(s, APP_TOSERVER, pdu, sizeof(pdu), 0),
				 APP_PARSE_ERROR);
		FEED(s, APP_TOCLIENT, iface02_9);
		assert_int_equal(dcerpc_tx_count(s), 1);
		assert_int_equal(
		    dcerpc_parse(s, APP_TOSERVER, iface02_7, sizeof(iface02_7), APP_CHUNK_GAP),
		    APP_PARSE_OK);
		assert_true(dcerpc_tx_get(s, 0)->req_done);
		dcerpc_state_free(s);
	}
	/* version 5.1 is DCERPC */
	memcpy(pdu, iface02_7, sizeof(pdu));
	pdu[1] = 1;
	struct dcerpc_state *s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, pdu);
	char *e = eve(dcerpc_tx_get(s, 0), 0);
	assert_non_null(strstr(e, "\"rpc_version\":\"5.1\""));
	free(e);
	dcerpc_state_free(s);
}

/* Bodies cut short inside their PDU: what was read stays, an event is set. */
static void test_short_bodies(void **st)
{
	(void)st;
	/* a bind announcing more contexts than its PDU holds */
	uint8_t bind[sizeof(iface02_4)];
	memcpy(bind, iface02_4, sizeof(bind));
	bind[24] = 3;
	struct dcerpc_state *s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, bind);
	const struct dcerpc_tx *tx = dcerpc_tx_get(s, 0);
	assert_int_equal(tx->n_ifaces, 2);
	assert_true(tx->events & (1u << DCERPC_EV_MALFORMED_PDU));
	/* a bind_ack whose secondary address runs past its end */
	uint8_t ack[sizeof(iface02_6)];
	memcpy(ack, iface02_6, sizeof(ack));
	ack[24] = 0xff;
	FEED(s, APP_TOCLIENT, ack);
	assert_true(tx->res_done);
	assert_false(tx->ifaces[0].acked);
	dcerpc_state_free(s);

	/* a transfer syntax count past the end */
	memcpy(bind, iface02_4, sizeof(bind));
	bind[30] = 9;
	s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, bind);
	assert_int_equal(dcerpc_tx_get(s, 0)->n_ifaces, 0);
	dcerpc_state_free(s);

	/* a request of the header alone: no transaction */
	uint8_t req[16];
	memcpy(req, iface02_7, sizeof(req));
	req[8] = sizeof(req);
	s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, req);
	assert_int_equal(dcerpc_tx_count(s), 0);
	/* the next PDU still parses */
	FEED(s, APP_TOSERVER, iface02_7);
	assert_int_equal(dcerpc_tx_count(s), 1);
	dcerpc_state_free(s);
}

/* A real request rebuilt as two fragments: stub joined, counted, done at the last. */
static void test_fragments(void **st)
{
	(void)st;
	const size_t hdr = 24, stub = sizeof(stub04_12) - hdr, first = 60;
	uint8_t f1[24 + 60], f2[sizeof(stub04_12) - 60];
	memcpy(f1, stub04_12, hdr);
	memcpy(f1 + hdr, stub04_12 + hdr, first);
	f1[3] = 0x01; /* PFC_FIRST_FRAG */
	f1[8] = sizeof(f1);
	memcpy(f2, stub04_12, hdr);
	memcpy(f2 + hdr, stub04_12 + hdr + first, stub - first);
	f2[3] = 0x02; /* PFC_LAST_FRAG */
	f2[8] = sizeof(f2);

	struct dcerpc_state *s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, f1);
	const struct dcerpc_tx *tx = dcerpc_tx_get(s, 0);
	assert_false(tx->req_done);
	assert_int_equal(app_dcerpc.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_PENDING);
	FEED(s, APP_TOSERVER, f2);
	assert_int_equal(dcerpc_tx_count(s), 1);
	assert_true(tx->req_done);
	assert_int_equal(tx->frag_cnt[0], 2);
	assert_int_equal(tx->opnum, 15);
	assert_int_equal(tx->stub_len[0], stub);
	assert_memory_equal(tx->stub[0], stub04_12 + hdr, stub);
	assert_int_equal(app_dcerpc.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_READY);
	/* a new call with the same call_id after it is done is a new transaction */
	FEED(s, APP_TOSERVER, stub04_12);
	assert_int_equal(dcerpc_tx_count(s), 2);
	dcerpc_state_free(s);
}

/* Three winreg calls: opnums, stub bytes per direction, transaction order. */
static void test_stub_per_direction(void **st)
{
	(void)st;
	struct dcerpc_state *s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, stub04_4);
	FEED(s, APP_TOCLIENT, stub04_6);
	FEED(s, APP_TOSERVER, stub04_8);
	FEED(s, APP_TOCLIENT, stub04_10);
	FEED(s, APP_TOSERVER, stub04_12);
	FEED(s, APP_TOCLIENT, stub04_14);
	FEED(s, APP_TOSERVER, stub04_16);
	FEED(s, APP_TOCLIENT, stub04_18);
	assert_int_equal(dcerpc_tx_count(s), 4);
	const uint16_t opnums[] = {2, 15, 22};
	for (int i = 0; i < 3; i++) {
		const struct dcerpc_tx *tx = dcerpc_tx_get(s, (uint64_t)i + 1);
		assert_int_equal(tx->opnum, opnums[i]);
		assert_int_equal(tx->call_id, (uint32_t)i + 1);
		struct dcerpc_view v;
		assert_true(dcerpc_tx_view(tx, &v));
		assert_int_equal(v.stub_len[APP_TOSERVER], tx->stub_len[0]);
		assert_ptr_equal(v.stub[APP_TOCLIENT], tx->stub[1]);
		assert_true(v.has_request);
	}
	/* the rule's "|00 02|" is in the first request's stub only */
	const struct dcerpc_tx *t1 = dcerpc_tx_get(s, 1);
	assert_non_null(memmem(t1->stub[0], t1->stub_len[0], "\x00\x02", 2));
	const struct dcerpc_tx *t2 = dcerpc_tx_get(s, 2);
	assert_null(memmem(t2->stub[0], t2->stub_len[0], "\x00\x02", 2));
	assert_non_null(memmem(t2->stub[0], t2->stub_len[0], "\x00\x75", 2));
	dcerpc_state_free(s);
}

/* A response that comes first, then its request: one transaction. */
static void test_response_first(void **st)
{
	(void)st;
	struct dcerpc_state *s = dcerpc_state_new(true);
	FEED(s, APP_TOCLIENT, iface02_9);
	const struct dcerpc_tx *tx = dcerpc_tx_get(s, 0);
	assert_eve(tx, 0,
		   "{\"dcerpc\":{\"request\":\"REQUEST_LOST\",\"response\":\"RESPONSE\",\"res\":{"
		   "\"frag_cnt\":1,\"stub_data_size\":68},\"call_id\":27,\"rpc_version\":\"5.0\"}}");
	assert_int_equal(app_dcerpc.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_NONE);
	FEED(s, APP_TOSERVER, iface02_7);
	assert_int_equal(dcerpc_tx_count(s), 1);
	assert_true(tx->req_done);
	assert_int_equal(app_dcerpc.tx_log(s, tx, false), APP_LOG_NOW);
	dcerpc_state_free(s);
}

/* After a gap the direction finds the next "05 00" and goes on. */
static void test_gap(void **st)
{
	(void)st;
	struct dcerpc_state *s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, iface02_4);
	/* the tail of a lost PDU, then a whole request */
	uint8_t chunk[10 + sizeof(iface02_7)];
	memcpy(chunk, iface02_7 + sizeof(iface02_7) - 10, 10);
	memcpy(chunk + 10, iface02_7, sizeof(iface02_7));
	assert_int_equal(dcerpc_parse(s, APP_TOSERVER, chunk, sizeof(chunk), APP_CHUNK_GAP),
			 APP_PARSE_OK);
	assert_int_equal(dcerpc_tx_count(s), 2);
	assert_int_equal(dcerpc_tx_get(s, 1)->opnum, 4);
	/* a gap with nothing after it that looks like DCERPC: all skipped */
	uint8_t junk[20];
	memset(junk, 0xaa, sizeof(junk));
	junk[3] = 5, junk[19] = 5;
	assert_int_equal(dcerpc_parse(s, APP_TOCLIENT, junk, sizeof(junk), APP_CHUNK_GAP),
			 APP_PARSE_OK);
	FEED(s, APP_TOCLIENT, iface02_9);
	assert_true(dcerpc_tx_get(s, 1)->res_done);
	dcerpc_state_free(s);
}

/* A direction cut at the stream depth: its side of every call is done. */
static void test_truncate(void **st)
{
	(void)st;
	struct dcerpc_state *s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, iface02_4);
	/* half of the request, then the to-server stream reaches its depth */
	feed(s, APP_TOSERVER, iface02_7, 20);
	dcerpc_truncate(s, APP_TOSERVER);
	const struct dcerpc_tx *bind = dcerpc_tx_get(s, 0);
	assert_int_equal(app_dcerpc.tx_log(s, bind, false), APP_LOG_WAIT);
	/* the response comes: a complete transaction, logged now */
	FEED(s, APP_TOCLIENT, iface02_9);
	const struct dcerpc_tx *call = dcerpc_tx_get(s, 1);
	assert_non_null(call);
	assert_true(call->req_done && call->res_done);
	assert_int_equal(app_dcerpc.tx_log(s, call, false), APP_LOG_NOW);
	assert_int_equal(app_dcerpc.tx_side(s, call, APP_TOSERVER, false), APP_SIDE_NONE);
	assert_int_equal(app_dcerpc.tx_side(s, call, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_eve(call, 0,
		   "{\"dcerpc\":{\"request\":\"REQUEST_LOST\",\"response\":\"RESPONSE\",\"res\":{"
		   "\"frag_cnt\":1,\"stub_data_size\":68},\"call_id\":27,\"rpc_version\":\"5.0\"}}");
	/* the truncated direction parses nothing more */
	assert_int_equal(dcerpc_parse(s, APP_TOSERVER, iface02_7, sizeof(iface02_7), 0),
			 APP_PARSE_ERROR);
	/* a bind already answered when the other side is cut stays as it was */
	FEED(s, APP_TOCLIENT, iface02_6);
	dcerpc_truncate(s, APP_TOCLIENT);
	assert_true(bind->res_done);
	assert_eve(bind, 0,
		   "{\"dcerpc\":{\"request\":\"BIND\",\"interfaces\":[{\"uuid\":\"afa8bd80-7d8a-11c9-"
		   "bef4-08002b102989\",\"version\":\"1.0\",\"ack_result\":2},{\"uuid\":\"afa8bd80-"
		   "7d8a-11c9-bef4-08002b102989\",\"version\":\"1.0\",\"ack_result\":0}],\"response\":"
		   "\"BINDACK\",\"call_id\":27,\"rpc_version\":\"5.0\"}}");
	dcerpc_state_free(s);
}

/* ---- connectionless ---- */

static void test_udp(void **st)
{
	(void)st;
	struct dcerpc_state *s = dcerpc_state_new(false);
	FEED(s, APP_TOSERVER, profinet_1);
	FEED(s, APP_TOCLIENT, profinet_2);
	assert_int_equal(dcerpc_tx_count(s), 1);
	const struct dcerpc_tx *tx = dcerpc_tx_get(s, 0);
	assert_true(tx->req_done && tx->res_done);
	assert_int_equal(tx->if_vers_major, 1);
	char u[37];
	dcerpc_uuid_str(tx->if_uuid, u);
	assert_string_equal(u, "dea00001-6c97-11d1-8271-00a02442df7d");
	/* Suricata 7.0.4's line for this capture */
	assert_eve(tx, 0,
		   "{\"dcerpc\":{\"request\":\"REQUEST\",\"req\":{\"opnum\":0,\"frag_cnt\":1,"
		   "\"stub_data_size\":84},\"response\":\"RESPONSE\",\"res\":{\"frag_cnt\":1,"
		   "\"stub_data_size\":188},\"activityuuid\":\"ecbaabdb-001d-4354-b250-0b01630abafd\","
		   "\"seqnum\":0,\"rpc_version\":\"4.0\"}}");
	/* connectionless requests are not for dcerpc.opnum / dcerpc.iface */
	struct dcerpc_view v;
	assert_true(dcerpc_tx_view(tx, &v));
	assert_false(v.has_request);
	dcerpc_state_free(s);

	/* datagrams cut short, a body longer than the datagram, other types */
	s = dcerpc_state_new(false);
	for (size_t n = 1; n < 80; n++)
		assert_int_equal(dcerpc_parse(s, APP_TOSERVER, profinet_1, (uint32_t)n, 0),
				 APP_PARSE_ERROR);
	assert_int_equal(
	    dcerpc_parse(s, APP_TOSERVER, profinet_1, sizeof(profinet_1) - 1, 0),
	    APP_PARSE_ERROR);
	uint8_t ping[sizeof(profinet_1)];
	memcpy(ping, profinet_1, sizeof(ping));
	ping[1] = DCERPC_TYPE_PING;
	assert_int_equal(dcerpc_parse(s, APP_TOSERVER, ping, sizeof(ping), 0), APP_PARSE_ERROR);
	assert_int_equal(dcerpc_tx_count(s), 0);
	/* a fragmented request: two datagrams, done at the last fragment */
	uint8_t f[sizeof(profinet_1)];
	memcpy(f, profinet_1, sizeof(f));
	f[2] = (uint8_t)((f[2] & ~0x02) | 0x04); /* PFCL1_FRAG */
	FEED(s, APP_TOSERVER, f);
	assert_false(dcerpc_tx_get(s, 0)->req_done);
	f[2] |= 0x02; /* + PFCL1_LASTFRAG */
	FEED(s, APP_TOSERVER, f);
	assert_int_equal(dcerpc_tx_count(s), 1);
	assert_true(dcerpc_tx_get(s, 0)->req_done);
	assert_int_equal(dcerpc_tx_get(s, 0)->frag_cnt[0], 2);
	assert_int_equal(dcerpc_tx_get(s, 0)->stub_len[0], 168);
	dcerpc_state_free(s);
}

/* ---- probes, descriptor ---- */

static void test_probe(void **st)
{
	(void)st;
	struct app_probe_in tcp = {APP_TOSERVER, true, 49152, 135};
	struct app_probe_in udp = {APP_TOSERVER, false, 1566, 34964};
	assert_int_equal(app_dcerpc.probe(&tcp, iface02_4, sizeof(iface02_4)), APP_PROBE_MATCH);
	assert_int_equal(app_dcerpc.probe(&tcp, iface02_6, sizeof(iface02_6)), APP_PROBE_MATCH);
	assert_int_equal(app_dcerpc.probe(&tcp, iface02_4, 8), APP_PROBE_NEED_MORE);
	assert_int_equal(app_dcerpc.probe(&tcp, (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18),
			 APP_PROBE_NO);
	uint8_t v[16];
	memcpy(v, iface02_4, 16);
	v[1] = 1; /* Suricata's probe wants 5.0 */
	assert_int_equal(app_dcerpc.probe(&tcp, v, 16), APP_PROBE_NO);
	memcpy(v, iface02_4, 16);
	v[4] = 0x20; /* no such integer representation */
	assert_int_equal(app_dcerpc.probe(&tcp, v, 16), APP_PROBE_NO);
	assert_int_equal(app_dcerpc.probe(&udp, profinet_1, sizeof(profinet_1)), APP_PROBE_MATCH);
	assert_int_equal(app_dcerpc.probe(&udp, profinet_2, sizeof(profinet_2)), APP_PROBE_NO);
	assert_int_equal(app_dcerpc.probe(&udp, profinet_1, 40), APP_PROBE_NO);
	assert_int_equal(app_dcerpc.probe(&udp, iface02_4, sizeof(iface02_4)), APP_PROBE_NO);
}

static void test_descriptor(void **st)
{
	(void)st;
	assert_string_equal(app_dcerpc.name, "dcerpc");
	assert_string_equal(app_dcerpc.eve_type, "dcerpc");
	struct app_flow_info fi = {.tcp = true, .server_port = 135};
	void *s = app_dcerpc.state_new(&fi);
	assert_int_equal(app_dcerpc.parse(s, APP_TOSERVER, iface02_4, sizeof(iface02_4), 0),
			 APP_PARSE_OK);
	const void *bind = app_dcerpc.tx_get(s, 0);
	assert_int_equal(app_dcerpc.tx_side(s, bind, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_dcerpc.tx_side(s, bind, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_dcerpc.tx_log(s, bind, false), APP_LOG_WAIT);
	/* an unanswered bind is logged at the flow's end, as UNREPLIED */
	assert_int_equal(app_dcerpc.tx_side(s, bind, APP_TOCLIENT, true), APP_SIDE_NONE);
	assert_int_equal(app_dcerpc.tx_log(s, bind, true), APP_LOG_NOW);
	char *e = eve(bind, 0);
	assert_non_null(strstr(e, "\"response\":\"UNREPLIED\""));
	assert_null(strstr(e, "ack_result"));
	free(e);
	assert_int_equal(app_dcerpc.parse(s, APP_TOCLIENT, iface02_6, sizeof(iface02_6), 0),
			 APP_PARSE_OK);
	assert_int_equal(app_dcerpc.tx_log(s, bind, false), APP_LOG_NOW);
	app_dcerpc.tx_release_upto(s, 1);
	assert_null(app_dcerpc.tx_get(s, 0));
	assert_int_equal(app_dcerpc.tx_count(s), 1);
	app_dcerpc.state_free(s);

	/* a call left unanswered while a later one is answered does not hold
	 * the later responses back */
	s = app_dcerpc.state_new(&fi);
	uint8_t req[sizeof(iface02_7)];
	memcpy(req, iface02_7, sizeof(req));
	req[12] = 26; /* call 26: never answered */
	assert_int_equal(app_dcerpc.parse(s, APP_TOSERVER, req, sizeof(req), 0), APP_PARSE_OK);
	assert_int_equal(app_dcerpc.parse(s, APP_TOSERVER, iface02_7, sizeof(iface02_7), 0),
			 APP_PARSE_OK);
	const void *lost = app_dcerpc.tx_get(s, 0);
	assert_int_equal(app_dcerpc.tx_side(s, lost, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_dcerpc.parse(s, APP_TOCLIENT, iface02_9, sizeof(iface02_9), 0),
			 APP_PARSE_OK);
	assert_true(((const struct dcerpc_tx *)app_dcerpc.tx_get(s, 1))->res_done);
	assert_int_equal(app_dcerpc.tx_side(s, lost, APP_TOCLIENT, false), APP_SIDE_NONE);
	assert_int_equal(app_dcerpc.tx_side(s, app_dcerpc.tx_get(s, 1), APP_TOCLIENT, false),
			 APP_SIDE_READY);
	app_dcerpc.state_free(s);
}

/* ---- the SMB pipe state ---- */

static void test_pipe(void **st)
{
	(void)st;
	struct dcerpc_state *s = dcerpc_state_new_pipe();
	assert_null(dcerpc_last_tx(s, APP_TOSERVER));
	FEED(s, APP_TOSERVER, stub04_4);
	const struct dcerpc_tx *bind = dcerpc_last_tx(s, APP_TOSERVER);
	assert_non_null(bind);
	assert_int_equal(bind->req_type, DCERPC_TYPE_BIND);
	FEED(s, APP_TOCLIENT, stub04_6);
	assert_ptr_equal(dcerpc_last_tx(s, APP_TOCLIENT), bind);
	FEED(s, APP_TOSERVER, stub04_8);
	const struct dcerpc_tx *call = dcerpc_last_tx(s, APP_TOSERVER);
	assert_int_equal(call->opnum, 2);
	FEED(s, APP_TOCLIENT, stub04_10);
	assert_ptr_equal(dcerpc_last_tx(s, APP_TOCLIENT), call);
	uint32_t n;
	const struct dcerpc_iface *ifs = dcerpc_ifaces(s, &n);
	assert_int_equal(n, 1);
	char u[37];
	dcerpc_uuid_str(ifs[0].uuid, u);
	assert_string_equal(u, "338cd001-2244-31f1-aaaa-900038001003"); /* winreg */
	assert_eve(call, DCERPC_LOG_SMB,
		   "{\"dcerpc\":{\"request\":\"REQUEST\",\"opnum\":2,\"req\":{\"frag_cnt\":1,"
		   "\"stub_data_size\":12},\"interfaces\":[{\"uuid\":\"338cd001-2244-31f1-aaaa-"
		   "900038001003\",\"version\":\"1.0\",\"ack_result\":0,\"ack_reason\":0}],"
		   "\"response\":\"RESPONSE\",\"res\":{\"frag_cnt\":1,\"stub_data_size\":32},"
		   "\"call_id\":1}}");
	/* an auth3 or other PDU carries no call */
	uint8_t auth3[20] = {5, 0, DCERPC_TYPE_AUTH3, 3, 0x10, 0, 0, 0, 20, 0, 0, 0, 9, 0, 0, 0};
	FEED(s, APP_TOSERVER, auth3);
	assert_null(dcerpc_last_tx(s, APP_TOSERVER));
	dcerpc_state_free(s);

	/* on a TCP flow it ends parsing, as Suricata's parser error does */
	s = dcerpc_state_new(true);
	FEED(s, APP_TOSERVER, stub04_4);
	assert_int_equal(dcerpc_parse(s, APP_TOSERVER, auth3, sizeof(auth3), 0), APP_PARSE_ERROR);
	assert_int_equal(dcerpc_parse(s, APP_TOCLIENT, stub04_6, sizeof(stub04_6), 0),
			 APP_PARSE_ERROR);
	assert_false(dcerpc_tx_get(s, 0)->res_done);
	dcerpc_state_free(s);
}

/* ---- bounds ---- */

static void test_tx_cap_and_release(void **st)
{
	(void)st;
	struct dcerpc_state *s = dcerpc_state_new(true);
	uint8_t req[sizeof(iface02_7)];
	memcpy(req, iface02_7, sizeof(req));
	for (uint32_t i = 0; i < DCERPC_MAX_TX + 10; i++) {
		req[12] = (uint8_t)i, req[13] = (uint8_t)(i >> 8);
		FEED(s, APP_TOSERVER, req);
	}
	assert_int_equal(dcerpc_tx_count(s), DCERPC_MAX_TX + 10);
	assert_null(dcerpc_tx_get(s, 9));
	assert_non_null(dcerpc_tx_get(s, 10));
	assert_non_null(dcerpc_tx_get(s, DCERPC_MAX_TX + 9));
	assert_null(dcerpc_tx_get(s, DCERPC_MAX_TX + 10));
	dcerpc_tx_release_upto(s, 100);
	assert_null(dcerpc_tx_get(s, 99));
	assert_int_equal(dcerpc_tx_get(s, 100)->id, 100);
	dcerpc_state_free(s);
}

static void test_stub_cap(void **st)
{
	(void)st;
	const uint32_t frag = 65000;
	uint8_t *pdu = calloc(1, frag);
	memcpy(pdu, stub04_12, 24);
	pdu[3] = 0;			 /* middle fragments */
	pdu[8] = (uint8_t)(frag & 0xff); /* frag_length */
	pdu[9] = (uint8_t)(frag >> 8);
	struct dcerpc_state *s = dcerpc_state_new(true);
	pdu[3] = 0x01;
	feed(s, APP_TOSERVER, pdu, frag);
	pdu[3] = 0x00;
	uint32_t n = 1;
	for (; (uint64_t)n * (frag - 24) <= DCERPC_STUB_MAX; n++) {
		/* fragtype 0 ends a call in Suricata's reading: keep it open with FIRST only */
		pdu[3] = 0x01;
		feed(s, APP_TOSERVER, pdu, frag);
	}
	pdu[3] = 0x02;
	feed(s, APP_TOSERVER, pdu, frag);
	n++;
	assert_int_equal(dcerpc_tx_count(s), 1);
	const struct dcerpc_tx *tx = dcerpc_tx_get(s, 0);
	assert_true(tx->req_done);
	assert_int_equal(tx->frag_cnt[0], n);
	assert_int_equal(tx->stub_len[0], DCERPC_STUB_MAX);
	assert_int_equal(tx->stub_total[0], (uint64_t)n * (frag - 24));
	assert_true(tx->events & (1u << DCERPC_EV_STUB_TRUNCATED));
	dcerpc_state_free(s);
	free(pdu);
}

/* A call of `frags` fragments of `frag` bytes (stub frag - 24 each). */
static void big_call(struct dcerpc_state *s, uint8_t *pdu, uint32_t frag, uint32_t call_id,
		     uint32_t frags)
{
	memcpy(pdu, stub04_12, 24);
	pdu[8] = (uint8_t)(frag & 0xff), pdu[9] = (uint8_t)(frag >> 8);
	memcpy(pdu + 12, &call_id, 4); /* little-endian host, as the PDU */
	for (uint32_t i = 0; i < frags; i++) {
		pdu[3] = i + 1 == frags ? 0x02 : 0x01;
		feed(s, APP_TOSERVER, pdu, frag);
	}
}

/* All live transactions together hold at most DCERPC_STATE_MEMCAP of stub. */
static void test_state_memcap(void **st)
{
	(void)st;
	const uint32_t frag = 60024, per = 60000, frags = 16; /* 960000 stub bytes a call */
	uint8_t *pdu = calloc(1, frag);
	struct dcerpc_state *s = dcerpc_state_new(true);
	uint64_t kept = 0;
	for (uint32_t c = 0; c < 6; c++) {
		big_call(s, pdu, frag, c + 1, frags);
		kept += dcerpc_tx_get(s, c)->stub_len[0];
		assert_int_equal(dcerpc_tx_get(s, c)->stub_total[0], (uint64_t)per * frags);
	}
	assert_int_equal(kept, DCERPC_STATE_MEMCAP);
	assert_int_equal(dcerpc_tx_get(s, 5)->stub_len[0], 0);
	assert_true(dcerpc_tx_get(s, 4)->events & (1u << DCERPC_EV_STUB_TRUNCATED));
	assert_false(dcerpc_tx_get(s, 3)->events & (1u << DCERPC_EV_STUB_TRUNCATED));
	/* released transactions give their room back */
	dcerpc_tx_release_upto(s, 6);
	big_call(s, pdu, frag, 7, frags);
	assert_int_equal(dcerpc_tx_get(s, 6)->stub_len[0], (uint64_t)per * frags);
	dcerpc_state_free(s);
	free(pdu);
}

static void test_iface_cap(void **st)
{
	(void)st;
	struct dcerpc_state *s = dcerpc_state_new(true);
	for (uint32_t i = 0; i < DCERPC_MAX_IFACES; i++)
		FEED(s, APP_TOSERVER, iface02_4);
	uint32_t n;
	dcerpc_ifaces(s, &n);
	assert_int_equal(n, DCERPC_MAX_IFACES);
	uint8_t bind[sizeof(nofrag_38)];
	memcpy(bind, nofrag_38, sizeof(bind));
	FEED(s, APP_TOSERVER, bind);
	const struct dcerpc_iface *ifs = dcerpc_ifaces(s, &n);
	assert_int_equal(n, DCERPC_MAX_IFACES);
	/* the newest bind is kept, the oldest context went */
	char u[37];
	dcerpc_uuid_str(ifs[n - 1].uuid, u);
	assert_string_equal(u, "e1af8308-5d1f-11c9-91a4-08002b14a0fa");
	dcerpc_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bind_ack_request_response),
	    cmocka_unit_test(test_kw_iface),
	    cmocka_unit_test(test_kw_iface_parse),
	    cmocka_unit_test(test_kw_iface_first_frag),
	    cmocka_unit_test(test_kw_opnum),
	    cmocka_unit_test(test_every_split),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_bad_headers),
	    cmocka_unit_test(test_short_bodies),
	    cmocka_unit_test(test_fragments),
	    cmocka_unit_test(test_stub_per_direction),
	    cmocka_unit_test(test_response_first),
	    cmocka_unit_test(test_gap),
	    cmocka_unit_test(test_truncate),
	    cmocka_unit_test(test_udp),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_descriptor),
	    cmocka_unit_test(test_pipe),
	    cmocka_unit_test(test_tx_cap_and_release),
	    cmocka_unit_test(test_stub_cap),
	    cmocka_unit_test(test_state_memcap),
	    cmocka_unit_test(test_iface_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
