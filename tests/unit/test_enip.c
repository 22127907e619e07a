/*
 * test_enip.c — app/enip.c, app/enip-log.c and the keyword parsers of
 * detect/kw-enip.c, driven through the protocol descriptor (app_enip) as
 * the framework drives it.  PDUs are real bytes from captures under
 * ../shared (ListIdentity from suricata-verify's enip_test1.pcap,
 * SendRRData from openics EIP-IPAddressChangeAttempt.pcap, SendUnitData
 * Multiple Service Packets from EthernetIP-CIP.pcap and
 * cip-multiple-2.pcap), then split, truncated and corrupted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/enip.h"
#include "util/config.h"
#include "util/json.h"

#include "test_app_run.h"

/* ---- captured PDUs (hex) ---- */

/* enip_test1.pcap frames 4 and 6: ListIdentity over TCP. */
static const char LI_REQ[] = "63000000000000000000000000000000c1debed100000000";
static const char LI_RESP[] =
    "63003300000000000000000000000000c1debed10000000001000c002d0001000002af120a0101a4000000000000"
    "000001000c003a00040330008e4d52000b313735362d454e42542f4103";
/* EIP-IPAddressChangeAttempt.pcap frames 2, 4: Unconnected Send to the
 * Connection Manager and its Get Attributes All reply. */
static const char RR_REQ[] =
    "6f00240000010211000000000481300018a7e10000000000000000000a000200000000"
    "00b2001400520220062401069a060001022001240101000100";
static const char RR_RESP[] =
    "6f00370000010211000000000481300018a7e10000000000000000000a00020000000000b200270081000000010"
    "00e003600101460303f82510014313735362d4c36312f42204c4f47495835353631";
/* frames 7, 8: a request answered with Path Destination Unknown. */
static const char RR_REQ2[] = "6f00260000010211000000000681300018a7e10000000000000000000a00020000"
			      "000000b2001600520220062401069a08000e0320f42400300801000100";
static const char RR_ERR[] = "6f00140000010211000000000681300018a7e10000000000000000000a0002000000"
			     "0000b20004008e000500";
/* EthernetIP-CIP.pcap frames 1 and 7: Multiple Service Packet over
 * connected data, sequence 0x6ae4, and its reply. */
static const char UD_REQ[] =
    "70003a0000010210000000001a392f000000000000000000000000000a000200a100040009133500b1002600e46a0"
    "a02200224010200060012004c022072240000ce040001004c02207224002c3d04000100";
static const char UD_RESP[] =
    "7000300000010210000000000000000000000000000000000000000000000200a1000400d7f10080b1001c00e46a8a"
    "000000020006000e00cc00000001000000cc00000005000000";
/* cip-multiple-2.pcap: a Multiple Service Packet reply of 11 Get
 * Attribute List replies (seen without its request). */
static const char MULTI11[] =
    "70000d0100010211000000000000000000000000000000000000000000000200a10004002800fe80b100f9008907"
    "8a0000000b001800240030003c0074007f009500ad00b900d500e1008300000001000500000060308300000001"
    "000b00000003008300000001000200000000008300000007000100000005000200000001000300000095291f04"
    "050000000000070000000200000009000000010001000a0000008422df4883000000010013000000008300000002"
    "00120000000000000013000000000000008300000003000300000014000800000000001000000001008300000001"
    "000900000000008300000003000f0000000000180000000000000019000000000000008300000001000200000002"
    "018300000001000600000073b4ea05f4590400";
/* EIP-IPAddressChangeAttempt.pcap frames 3601, 3605, 3608, 3609. */
static const char LS_REQ[] = "040000000000000000000000000000000000000000000000";
static const char LS_RESP[] = "04001a000000000000000000000000000000000000000000010000011400010020"
			      "01436f6d6d756e69636174696f6e730000";
static const char RS_REQ[] = "65000400000000000000000000000000000000000000000001000000";
static const char RS_RESP[] = "65000400000202120000000000000000000000000000000001000000";

/* ---- helpers ---- */

struct bytes {
	uint8_t b[2048];
	uint32_t n;
};

static struct bytes unhex(const char *h)
{
	struct bytes out = {{0}, 0};
	size_t l = strlen(h);
	assert_true(l % 2 == 0 && l / 2 <= sizeof(out.b));
	for (size_t i = 0; i < l; i += 2) {
		unsigned v;
		assert_int_equal(sscanf(h + i, "%2x", &v), 1);
		out.b[out.n++] = (uint8_t)v;
	}
	return out;
}

static void *new_state(bool tcp)
{
	struct app_flow_info fi = {.tcp = tcp, .server_port = ENIP_PORT};
	void *st = app_enip.state_new(&fi);
	assert_non_null(st);
	return st;
}

/* Feeds one PDU from hex in a heap copy of its exact size. */
static enum app_parse_result feed(void *st, enum app_dir dir, const char *hex)
{
	struct bytes b = unhex(hex);
	uint8_t *c = malloc(b.n);
	memcpy(c, b.b, b.n);
	enum app_parse_result r = app_enip.parse(st, dir, c, b.n, 0);
	free(c);
	return r;
}

static const struct enip_tx *tx_at(void *st, uint64_t id)
{
	const struct enip_tx *tx = app_enip.tx_get(st, id);
	assert_non_null(tx);
	return tx;
}

static char *eve(void *st, const struct enip_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_enip.log_json(&j, st, tx, app_enip.eve_default_opts);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_eve(void *st, const struct enip_tx *tx, const char *want)
{
	char *got = eve(st, tx);
	assert_string_equal(got, want);
	free(got);
}

static const char LI_EVE[] =
    "{\"enip\":{\"request\":{\"command\":\"list_identity\",\"status\":\"success\"},"
    "\"response\":{\"command\":\"list_identity\",\"status\":\"success\",\"identity\":{"
    "\"protocol_version\":1,\"revision\":\"4.3\",\"vendor_id\":\"Rockwell "
    "Automation/Allen-Bradley\",\"device_type\":\"Communications Adapter\",\"product_code\":58,"
    "\"status\":48,\"serial\":5393806,\"product_name\":\"1756-ENBT/A\",\"state\":3}}}}";

/* ---- ListIdentity ---- */

static void test_list_identity_tcp(void **unused)
{
	(void)unused;
	void *st = new_state(true);
	assert_int_equal(feed(st, APP_TOSERVER, LI_REQ), APP_PARSE_OK);
	const struct enip_tx *tx = tx_at(st, 0);
	assert_int_equal(app_enip.tx_side(st, tx, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_enip.tx_side(st, tx, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_enip.tx_log(st, tx, false), APP_LOG_WAIT);
	assert_int_equal(feed(st, APP_TOCLIENT, LI_RESP), APP_PARSE_OK);
	assert_int_equal(app_enip.tx_count(st), 1);
	assert_int_equal(app_enip.tx_side(st, tx, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_enip.tx_log(st, tx, false), APP_LOG_NOW);
	const struct enip_identity *id = enip_tx_identity(tx);
	assert_non_null(id);
	assert_int_equal(id->vendor_id, 1);
	assert_int_equal(id->serial, 0x00524d8e);
	assert_memory_equal(id->product_name, "1756-ENBT/A", 11);
	assert_eve(st, tx, LI_EVE);
	for (int e = 0; e < app_enip.n_events; e++)
		assert_false(app_enip.tx_has_event(st, tx, e));
	app_enip.state_free(st);
}

/* The response in every two-piece split, and byte by byte. */
static void test_list_identity_splits(void **unused)
{
	(void)unused;
	struct bytes r = unhex(LI_RESP);
	for (uint32_t cut = 0; cut <= r.n; cut++) {
		void *st = new_state(true);
		feed(st, APP_TOSERVER, LI_REQ);
		uint8_t *a = malloc(cut ? cut : 1), *b = malloc(r.n - cut ? r.n - cut : 1);
		memcpy(a, r.b, cut);
		memcpy(b, r.b + cut, r.n - cut);
		assert_int_equal(app_enip.parse(st, APP_TOCLIENT, a, cut, 0), APP_PARSE_OK);
		if (cut < r.n)
			assert_null(tx_at(st, 0)->response);
		assert_int_equal(app_enip.parse(st, APP_TOCLIENT, b, r.n - cut, 0), APP_PARSE_OK);
		free(a);
		free(b);
		assert_eve(st, tx_at(st, 0), LI_EVE);
		app_enip.state_free(st);
	}
	void *st = new_state(true);
	feed(st, APP_TOSERVER, LI_REQ);
	for (uint32_t i = 0; i < r.n; i++) {
		uint8_t *c = malloc(1);
		c[0] = r.b[i];
		app_enip.parse(st, APP_TOCLIENT, c, 1, 0);
		free(c);
	}
	assert_eve(st, tx_at(st, 0), LI_EVE);
	app_enip.state_free(st);
}

/* Two PDUs in one chunk (request and a second request). */
static void test_two_pdus_one_chunk(void **unused)
{
	(void)unused;
	char both[256];
	snprintf(both, sizeof(both), "%s%s", LI_REQ, RS_REQ);
	void *st = new_state(true);
	assert_int_equal(feed(st, APP_TOSERVER, both), APP_PARSE_OK);
	assert_int_equal(app_enip.tx_count(st), 2);
	assert_int_equal(tx_at(st, 0)->request->h.cmd, ENIP_CMD_LIST_IDENTITY);
	assert_int_equal(tx_at(st, 1)->request->h.cmd, ENIP_CMD_REGISTER_SESSION);
	app_enip.state_free(st);
}

/* TCP bytes that come with the end of the direction are not parsed (as
 * Suricata's parser); a UDP datagram is parsed whatever the flag. */
static void test_eof_chunk(void **unused)
{
	(void)unused;
	struct bytes r = unhex(LI_REQ);
	void *st = new_state(true);
	uint8_t *c = malloc(r.n);
	memcpy(c, r.b, r.n);
	assert_int_equal(app_enip.parse(st, APP_TOSERVER, c, r.n, APP_CHUNK_EOF), APP_PARSE_OK);
	assert_int_equal(app_enip.tx_count(st), 0);
	app_enip.state_free(st);
	st = new_state(false);
	assert_int_equal(app_enip.parse(st, APP_TOSERVER, c, r.n, APP_CHUNK_EOF), APP_PARSE_OK);
	assert_int_equal(app_enip.tx_count(st), 1);
	free(c);
	app_enip.state_free(st);
}

/* UDP: a datagram shorter than its PDU is an error, longer is fine. */
static void test_udp_truncations(void **unused)
{
	(void)unused;
	struct bytes r = unhex(LI_RESP);
	for (uint32_t n = 1; n < r.n; n++) {
		void *st = new_state(false);
		uint8_t *c = malloc(n);
		memcpy(c, r.b, n);
		assert_int_equal(app_enip.parse(st, APP_TOCLIENT, c, n, 0), APP_PARSE_ERROR);
		free(c);
		assert_int_equal(app_enip.tx_count(st), 0);
		app_enip.state_free(st);
	}
	void *st = new_state(false);
	assert_int_equal(feed(st, APP_TOSERVER, LI_REQ), APP_PARSE_OK);
	assert_int_equal(feed(st, APP_TOCLIENT, LI_RESP), APP_PARSE_OK);
	assert_int_equal(app_enip.tx_count(st), 1);
	assert_eve(st, tx_at(st, 0), LI_EVE);
	app_enip.state_free(st);
}

/* The identity item cut short inside (item length lowered, PDU length
 * kept consistent): the payload is invalid, the header still logs. */
static void test_identity_corrupted(void **unused)
{
	(void)unused;
	struct bytes r = unhex(LI_RESP);
	/* item length 0x2d -> 0x20; the PDU length -13. */
	r.b[28] = 0x20;
	r.b[2] = (uint8_t)(r.b[2] - 13);
	void *st = new_state(false);
	feed(st, APP_TOSERVER, LI_REQ);
	uint8_t *c = malloc(r.n - 13);
	memcpy(c, r.b, r.n - 13);
	assert_int_equal(app_enip.parse(st, APP_TOCLIENT, c, r.n - 13, 0), APP_PARSE_OK);
	free(c);
	const struct enip_tx *tx = tx_at(st, 0);
	assert_true(app_enip.tx_has_event(st, tx, ENIP_EV_INVALID_PDU));
	assert_null(enip_tx_identity(tx));
	assert_eve(st, tx,
		   "{\"enip\":{\"request\":{\"command\":\"list_identity\",\"status\":\"success\"},"
		   "\"response\":{\"command\":\"list_identity\",\"status\":\"success\"}}}");
	app_enip.state_free(st);

	/* Product name length past the item: invalid too. */
	r = unhex(LI_RESP);
	r.b[r.n - 13] = 0x0c;
	st = new_state(false);
	uint8_t *d = malloc(r.n);
	memcpy(d, r.b, r.n);
	app_enip.parse(st, APP_TOCLIENT, d, r.n, 0);
	free(d);
	assert_true(app_enip.tx_has_event(st, tx_at(st, 0), ENIP_EV_INVALID_PDU));
	app_enip.state_free(st);
}

/* A product name that is not UTF-8 logs as Rust's from_utf8_lossy
 * makes it: each maximal invalid part one U+FFFD. */
static void test_product_name_lossy(void **unused)
{
	(void)unused;
	struct bytes r = unhex(LI_RESP);
	/* "1756-ENBT/A" -> "1\xe2\x82" "6-EN" "\xff" "T/A" */
	uint32_t name = r.n - 12;
	r.b[name + 1] = 0xe2;
	r.b[name + 2] = 0x82;
	r.b[name + 7] = 0xff;
	void *st = new_state(false);
	uint8_t *c = malloc(r.n);
	memcpy(c, r.b, r.n);
	app_enip.parse(st, APP_TOCLIENT, c, r.n, 0);
	free(c);
	char *got = eve(st, tx_at(st, 0));
	assert_non_null(strstr(got, "\"product_name\":\"1\xef\xbf\xbd"
				    "6-EN\xef\xbf\xbd"
				    "T/A\""));
	free(got);
	app_enip.state_free(st);
}

/* ---- SendRRData ---- */

static void test_send_rr_data(void **unused)
{
	(void)unused;
	void *st = new_state(true);
	feed(st, APP_TOSERVER, RR_REQ);
	feed(st, APP_TOCLIENT, RR_RESP);
	feed(st, APP_TOSERVER, RR_REQ2);
	feed(st, APP_TOCLIENT, RR_ERR);
	assert_int_equal(app_enip.tx_count(st), 2);
	const struct enip_tx *tx = tx_at(st, 0);
	const struct enip_cip *c = enip_pdu_cip(tx->request);
	assert_non_null(c);
	assert_int_equal(c->service, 0x52);
	assert_int_equal(c->n_path, 2);
	assert_eve(st, tx,
		   "{\"enip\":{\"request\":{\"command\":\"send_r_r_data\",\"status\":\"success\","
		   "\"cip\":{\"service\":\"Read Data Fragmented\",\"path\":[{\"segment_type\":"
		   "\"class\",\"value\":6},{\"segment_type\":\"instance\",\"value\":1}],"
		   "\"class_name\":\"Connection Manager\"}},\"response\":{\"command\":"
		   "\"send_r_r_data\",\"status\":\"success\",\"cip\":{\"service\":\"Get Attributes "
		   "All\",\"status\":\"Success\"}}}}");
	const struct enip_tx *t2 = tx_at(st, 1);
	assert_int_equal(enip_pdu_cip(t2->response)->status, 5);
	char *got = eve(st, t2);
	assert_non_null(strstr(got, "\"cip\":{\"service\":\"Get Attributes Single\",\"status\":"
				    "\"Path Destination Unknown\"}"));
	free(got);
	app_enip.state_free(st);
}

/* Every truncation of the CIP item's data (lengths kept consistent): an
 * invalid PDU while a field is cut, never a read past the bytes. */
static void test_cip_truncations(void **unused)
{
	(void)unused;
	struct bytes full = unhex(UD_REQ);
	/* item 1 data starts at 24 + 6 + 2 + 8 + 4 = 44, 38 bytes long */
	for (uint32_t keep = 0; keep < 38; keep++) {
		struct bytes r = full;
		uint32_t cut = 38 - keep;
		r.n -= cut;
		r.b[2] = (uint8_t)(r.b[2] - cut);
		r.b[42] = (uint8_t)keep;
		void *st = new_state(true);
		uint8_t *c = malloc(r.n);
		memcpy(c, r.b, r.n);
		assert_int_equal(app_enip.parse(st, APP_TOSERVER, c, r.n, 0), APP_PARSE_OK);
		free(c);
		const struct enip_tx *tx = tx_at(st, 0);
		char *j = eve(st, tx);
		if (keep < 32) {
			/* cut before the second embedded message's path ends */
			assert_true(app_enip.tx_has_event(st, tx, ENIP_EV_INVALID_PDU));
			assert_int_equal(tx->request->payload, ENIP_PL_NONE);
			assert_null(strstr(j, "cip"));
		} else {
			/* only the messages' unparsed data is cut */
			assert_false(app_enip.tx_has_event(st, tx, ENIP_EV_INVALID_PDU));
			assert_int_equal(enip_pdu_cip(tx->request)->n_multi, 2);
		}
		free(j);
		app_enip.state_free(st);
	}
}

/* ---- SendUnitData, Multiple Service Packet, pairing ---- */

static void test_multiple_service_pair(void **unused)
{
	(void)unused;
	void *st = new_state(true);
	feed(st, APP_TOSERVER, UD_REQ);
	feed(st, APP_TOCLIENT, UD_RESP);
	assert_int_equal(app_enip.tx_count(st), 1);
	const struct enip_tx *tx = tx_at(st, 0);
	assert_eve(
	    st, tx,
	    "{\"enip\":{\"request\":{\"command\":\"send_unit_data\",\"status\":\"success\",\"cip\":"
	    "{"
	    "\"service\":\"Multiple Service "
	    "Packet\",\"path\":[{\"segment_type\":\"class\",\"value\":"
	    "2},{\"segment_type\":\"instance\",\"value\":1}],\"class_name\":\"Message Router\","
	    "\"multiple\":[{\"service\":\"Read Data\",\"path\":[{\"segment_type\":\"class\","
	    "\"value\":114},{\"segment_type\":\"instance\",\"value\":0}],\"class_name\":"
	    "\"unknown-114\"},{\"service\":\"Read Data\",\"path\":[{\"segment_type\":\"class\","
	    "\"value\":114},{\"segment_type\":\"instance\",\"value\":0}],\"class_name\":"
	    "\"unknown-114\"}]}},\"response\":{\"command\":\"send_unit_data\",\"status\":"
	    "\"success\",\"cip\":{\"service\":\"Multiple Service Packet\",\"status\":\"Success\","
	    "\"multiple\":[{\"service\":\"Read Data\",\"status\":\"Success\"},{\"service\":\"Read "
	    "Data\",\"status\":\"Success\"}]}}}}");
	app_enip.state_free(st);
}

static void test_multiple_reply_alone(void **unused)
{
	(void)unused;
	void *st = new_state(true);
	assert_int_equal(feed(st, APP_TOCLIENT, MULTI11), APP_PARSE_OK);
	const struct enip_tx *tx = tx_at(st, 0);
	assert_null(tx->request);
	const struct enip_cip *c = enip_pdu_cip(tx->response);
	assert_non_null(c);
	assert_true(c->response && c->multiple);
	assert_int_equal(c->service, CIP_SVC_MULTIPLE);
	assert_int_equal(c->n_multi, 11);
	for (int i = 0; i < 11; i++) {
		assert_int_equal(c->multi[i].service, CIP_SVC_GET_ATTR_LIST);
		assert_int_equal(c->multi[i].status, 0);
	}
	assert_int_equal(app_enip.tx_side(st, tx, APP_TOSERVER, false), APP_SIDE_NONE);
	assert_int_equal(app_enip.tx_side(st, tx, APP_TOCLIENT, false), APP_SIDE_READY);
	app_enip.state_free(st);
}

/* Connected data pairs by CIP sequence number: another number opens a
 * transaction of its own and closes the request looked at. */
static void test_pairing_sequence(void **unused)
{
	(void)unused;
	struct bytes r = unhex(UD_RESP);
	r.b[44] ^= 0xff; /* sequence number low byte */
	void *st = new_state(true);
	feed(st, APP_TOSERVER, UD_REQ);
	uint8_t *c = malloc(r.n);
	memcpy(c, r.b, r.n);
	app_enip.parse(st, APP_TOCLIENT, c, r.n, 0);
	free(c);
	assert_int_equal(app_enip.tx_count(st), 2);
	const struct enip_tx *a = tx_at(st, 0), *b = tx_at(st, 1);
	assert_true(a->done);
	assert_null(a->response);
	assert_null(b->request);
	assert_non_null(b->response);
	assert_int_equal(app_enip.tx_side(st, a, APP_TOCLIENT, false), APP_SIDE_NONE);
	assert_int_equal(app_enip.tx_side(st, b, APP_TOSERVER, false), APP_SIDE_NONE);
	assert_int_equal(app_enip.tx_log(st, a, false), APP_LOG_NOW);
	assert_int_equal(app_enip.tx_log(st, b, false), APP_LOG_NOW);
	app_enip.state_free(st);
}

/* RegisterSession pairs whatever the session (the response brings it);
 * other commands need the same session handle. */
static void test_register_session_and_services(void **unused)
{
	(void)unused;
	void *st = new_state(true);
	feed(st, APP_TOSERVER, LS_REQ);
	feed(st, APP_TOCLIENT, LS_RESP);
	feed(st, APP_TOSERVER, RS_REQ);
	feed(st, APP_TOCLIENT, RS_RESP);
	assert_int_equal(app_enip.tx_count(st), 2);
	const struct enip_tx *ls = tx_at(st, 0), *rs = tx_at(st, 1);
	assert_eve(
	    st, ls,
	    "{\"enip\":{\"request\":{\"command\":\"list_services\",\"status\":\"success\"},"
	    "\"response\":{\"command\":\"list_services\",\"status\":\"success\","
	    "\"list_services\":{\"protocol_version\":1,\"capabilities\":288,\"service_name\":"
	    "\"Communications\\u0000\\u0000\"}}}}");
	assert_eve(
	    st, rs,
	    "{\"enip\":{\"request\":{\"command\":\"register_session\",\"status\":\"success\","
	    "\"register_session\":{\"protocol_version\":1,\"options\":0}},\"response\":{"
	    "\"command\":\"register_session\",\"status\":\"success\",\"register_session\":{"
	    "\"protocol_version\":1,\"options\":0}}}}");
	uint16_t v = 0;
	assert_true(enip_tx_protocol_version(ls, APP_TOCLIENT, &v));
	assert_int_equal(v, 1);
	assert_false(enip_tx_protocol_version(ls, APP_TOSERVER, &v));
	assert_int_equal(enip_tx_services(ls)->capabilities, 0x120);
	app_enip.state_free(st);

	/* A SendRRData reply from another session does not pair. */
	struct bytes r = unhex(RR_RESP);
	r.b[4] ^= 1;
	st = new_state(true);
	feed(st, APP_TOSERVER, RR_REQ);
	uint8_t *c = malloc(r.n);
	memcpy(c, r.b, r.n);
	app_enip.parse(st, APP_TOCLIENT, c, r.n, 0);
	free(c);
	assert_int_equal(app_enip.tx_count(st), 2);
	app_enip.state_free(st);
}

/* ---- framing after a gap, probe ---- */

static void test_gap_resync(void **unused)
{
	(void)unused;
	struct bytes r = unhex(RR_REQ);
	void *st = new_state(true);
	/* half a PDU, then a gap: the half is dropped */
	uint8_t *c = malloc(r.n);
	memcpy(c, r.b, r.n);
	app_enip.parse(st, APP_TOSERVER, c, 30, 0);
	/* data after the gap that is not a header start: skipped whole */
	assert_int_equal(app_enip.parse(st, APP_TOSERVER, c + 30, r.n - 30, APP_CHUNK_GAP),
			 APP_PARSE_OK);
	assert_int_equal(app_enip.tx_count(st), 0);
	/* a chunk that probes as ENIP: parsing resumes */
	assert_int_equal(app_enip.parse(st, APP_TOSERVER, c, r.n, 0), APP_PARSE_OK);
	free(c);
	assert_int_equal(app_enip.tx_count(st), 1);
	app_enip.state_free(st);
}

static enum app_probe_result probe_hex(const char *h, bool tcp, uint32_t n)
{
	struct bytes b = unhex(h);
	if (n > b.n)
		n = b.n;
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = tcp, .sp = 1135, .dp = ENIP_PORT};
	uint8_t *c = malloc(n ? n : 1);
	memcpy(c, b.b, n);
	enum app_probe_result r = app_enip.probe_port(&in, c, n);
	free(c);
	return r;
}

static void test_probe(void **unused)
{
	(void)unused;
	assert_null(app_enip.probe);
	assert_int_equal(probe_hex(LI_REQ, true, 99), APP_PROBE_MATCH);
	assert_int_equal(probe_hex(RR_RESP, false, 99), APP_PROBE_MATCH);
	assert_int_equal(probe_hex(LI_REQ, true, 23), APP_PROBE_NEED_MORE);
	assert_int_equal(probe_hex(LI_REQ, false, 23), APP_PROBE_NO);
	/* unknown status, unknown command */
	assert_int_equal(probe_hex("630000000000000005000000c1debed100000000000000", true, 99),
			 APP_PROBE_NEED_MORE);
	assert_int_equal(probe_hex("63000000000000000500000000000000c1debed100000000", true, 99),
			 APP_PROBE_NO);
	assert_int_equal(probe_hex("62000000000000000000000000000000c1debed100000000", true, 99),
			 APP_PROBE_NO);
	/* RegisterSession must be 4 long; Nop without options */
	assert_int_equal(probe_hex(RS_REQ, true, 99), APP_PROBE_MATCH);
	assert_int_equal(
	    probe_hex("650005000000000000000000000000000000000000000000010000", true, 99),
	    APP_PROBE_NO);
	assert_int_equal(probe_hex("000000000000000000000000000000000000000001000000", true, 99),
			 APP_PROBE_NO);
	/* ListInterfaces: its count and list must follow the header */
	assert_int_equal(probe_hex("640000000000000000000000000000000000000000000000", true, 99),
			 APP_PROBE_NO);
	assert_int_equal(
	    probe_hex("6400000000000000000000000000000000000000000000000100aaaa", true, 99),
	    APP_PROBE_MATCH);
	assert_int_equal(
	    probe_hex("6400000000000000000000000000000000000000000000000200aaaa", true, 99),
	    APP_PROBE_NO);
}

/* ---- bounds ---- */

static void test_tx_flood_and_release(void **unused)
{
	(void)unused;
	void *st = new_state(true);
	for (int i = 0; i < ENIP_MAX_TX + 5; i++)
		feed(st, APP_TOSERVER, LI_REQ);
	assert_int_equal(app_enip.tx_count(st), ENIP_MAX_TX);
	const struct enip_tx *first = tx_at(st, 0);
	assert_true(app_enip.tx_has_event(st, first, ENIP_EV_TOO_MANY_TRANSACTIONS));
	assert_true(first->done);
	assert_false(app_enip.tx_has_event(st, tx_at(st, 1), ENIP_EV_TOO_MANY_TRANSACTIONS));
	assert_int_equal(app_enip.tx_log(st, tx_at(st, 7), false), APP_LOG_NOW);
	app_enip.tx_release_upto(st, ENIP_MAX_TX - 1);
	assert_null(app_enip.tx_get(st, 0));
	assert_int_equal(enip_tx_live(st), 1);
	/* room again: a new request opens a transaction */
	feed(st, APP_TOSERVER, LI_REQ);
	assert_int_equal(app_enip.tx_count(st), ENIP_MAX_TX + 1);
	app_enip.tx_release_upto(st, UINT64_MAX);
	assert_int_equal(enip_state_memuse(st), 0);
	app_enip.state_free(st);
}

/* app-layer.protocols.enip.max-tx sets the cap, as in Suricata. */
static void test_max_tx_config(void **unused)
{
	(void)unused;
	struct config_node *root = config_new();
	char err[128];
	assert_true(config_load_string(
	    root, "app-layer:\n  protocols:\n    enip:\n      max-tx: 4\n", err, sizeof(err)));
	void *cfg = app_enip.config_new(root);
	assert_non_null(cfg);
	struct app_flow_info fi = {.tcp = false, .server_port = ENIP_PORT, .cfg = cfg};
	void *st = app_enip.state_new(&fi);
	for (int i = 0; i < 5; i++)
		feed(st, APP_TOSERVER, LI_REQ);
	assert_int_equal(app_enip.tx_count(st), 4);
	assert_true(app_enip.tx_has_event(st, tx_at(st, 0), ENIP_EV_TOO_MANY_TRANSACTIONS));
	app_enip.state_free(st);
	app_enip.config_free(cfg);
	config_free(root);
}

/* A Multiple Service Packet with more messages than are kept: all are
 * checked, ENIP_MAX_MULTI kept, the rest counted. */
static void test_multiple_cap(void **unused)
{
	(void)unused;
	enum { N = ENIP_MAX_MULTI + 8 };
	uint8_t cip[6 + 2 + 2 * N + 6];
	uint32_t k = 0;
	cip[k++] = 0x0a;
	cip[k++] = 0x02; /* path: 2 words */
	cip[k++] = 0x20;
	cip[k++] = 0x02;
	cip[k++] = 0x24;
	cip[k++] = 0x01;
	uint32_t start = k;
	cip[k++] = N & 0xff;
	cip[k++] = N >> 8;
	uint32_t msg = 2 + 2 * N;
	for (int i = 0; i < N; i++) {
		cip[k++] = (uint8_t)msg;
		cip[k++] = (uint8_t)(msg >> 8);
	}
	/* every offset points at the same Get Attributes Single of class 0xf5 */
	const uint8_t one[] = {0x0e, 0x02, 0x20, 0xf5, 0x24, 0x01};
	memcpy(cip + k, one, sizeof(one));
	k += sizeof(one);
	assert_int_equal(k - start, msg + sizeof(one));
	uint8_t pdu[24 + 8 + 8 + sizeof(cip)] = {0x6f};
	uint32_t plen = 8 + 8 + k;
	pdu[2] = (uint8_t)plen;
	pdu[3] = (uint8_t)(plen >> 8);
	uint8_t *p = pdu + 24;
	p[6] = 2; /* two items: null address, unconnected data */
	p[12] = 0xb2;
	p[14] = (uint8_t)k;
	p[15] = (uint8_t)(k >> 8);
	memcpy(p + 16, cip, k);
	void *st = new_state(false);
	uint8_t *c = malloc(24 + plen);
	memcpy(c, pdu, 24 + plen);
	assert_int_equal(app_enip.parse(st, APP_TOSERVER, c, 24 + plen, 0), APP_PARSE_OK);
	free(c);
	const struct enip_cip *m = enip_pdu_cip(tx_at(st, 0)->request);
	assert_non_null(m);
	assert_int_equal(m->n_multi, ENIP_MAX_MULTI);
	assert_int_equal(m->multi[ENIP_MAX_MULTI - 1].path[0].value, 0xf5);
	assert_int_equal(enip_state_truncated(st), 8);
	app_enip.state_free(st);
}

/* ---- names ---- */

static void test_names(void **unused)
{
	(void)unused;
	assert_string_equal(enip_command_name(0x6f), "send_r_r_data");
	assert_null(enip_command_name(0x62));
	assert_int_equal(enip_command_by_name("LIST_IDENTITY"), 0x63);
	assert_int_equal(enip_command_by_name("ListIdentity"), -1);
	assert_int_equal(enip_status_by_name("invalid_cmd"), 1);
	assert_int_equal(enip_status_by_name("unsupported_prot_rev"), 0x69);
	assert_string_equal(enip_vendor_name(1), "Rockwell Automation/Allen-Bradley");
	assert_null(enip_vendor_name(0));
	assert_string_equal(cip_ext_status_name(0x0100),
			    "Connection in use or duplicate Forward Open");
	assert_string_equal(cip_class_name(0xf5), "TCP/IP Interface");
	assert_string_equal(app_enip.name, "enip");
	assert_string_equal(app_enip.event_names[ENIP_EV_INVALID_PDU], "invalid_pdu");
	assert_string_equal(app_enip.event_names[ENIP_EV_TOO_MANY_TRANSACTIONS],
			    "too_many_transactions");
}

/* ---- keyword values ---- */

static void test_keyword_parsing(void **unused)
{
	(void)unused;
	static const struct {
		const char *opts;
		int want;
	} cases[] = {
	    {"enip_command:99;", 1},
	    {"enip_command:list_identity ;", 1},
	    {"enip_command:!list_identity;", 1},
	    {"enip_command:send_rr_data;", 0}, /* Suricata's name is send_r_r_data */
	    {"enip_command:send_r_r_data;", 1},
	    {"enip_command:70000;", 0},
	    {"enip.status:>106;", 1},
	    {"enip.status:invalid_cmd;", 1},
	    {"enip.status:bogus;", 0},
	    {"cip_service:75;", 1},
	    {"cip_service:16,246,6;", 1},
	    {"cip_service: 12 , 123 , 45678;", 1},
	    {"cip_service:1,2,!3;", 1},
	    {"cip_service:202;", 0},
	    {"cip_service:123,toto;", 0},
	    {"cip_service:1,2,3,4;", 0},
	    {"cip_service:>5;", 0},
	    {"enip.cip_class:1-9;", 1},
	    {"enip.cip_status:256;", 0},
	    {"enip.cip_status:<8;", 1},
	    {"enip.state:3;", 1},
	    {"enip.serial:4294967295;", 1},
	    {"enip.revision:1027;", 1},
	    {"enip.vendor_id:65536;", 0},
	    {"enip.capabilities:&32;", 1},
	    {"enip.protocol_version:1;", 1},
	    {"enip.identity_status:48; enip.product_code:58; enip.device_type:12;", 1},
	    {"enip.cip_instance:1; enip.cip_attribute:!6; enip.cip_extendedstatus:256;", 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char rule[256];
		snprintf(rule, sizeof(rule), "alert ip any any -> any any (%s sid:%zu;)",
			 cases[i].opts, i + 1);
		if (th_parse_result(rule) != cases[i].want) {
			fprintf(stderr, "case %zu: %s\n", i, rule);
			fail();
		}
	}
}

/* ---- keywords through the pipeline ---- */

static void run_pkt_port(struct run *r, int from_client, uint8_t flags, uint32_t seq, uint32_t ack,
			 const uint8_t *d, uint32_t n)
{
	struct packet p = tcp_pkt_conn(0, from_client, flags, seq, ack, d, n);
	if (from_client)
		p.dp = ENIP_PORT;
	else
		p.sp = ENIP_PORT;
	run_packet(r, &p);
}

/* A whole TCP connection to port 44818: one request, one response. */
static void run_enip_flow(struct run *r, const char *req_hex, const char *resp_hex)
{
	struct bytes q = unhex(req_hex), s = unhex(resp_hex);
	run_pkt_port(r, 1, TCP_SYN, CISN, 0, NULL, 0);
	run_pkt_port(r, 0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL, 0);
	run_pkt_port(r, 1, TCP_ACK, CISN + 1, SISN + 1, NULL, 0);
	run_pkt_port(r, 1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, q.b, q.n);
	run_pkt_port(r, 0, TCP_ACK, SISN + 1, CISN + 1 + q.n, NULL, 0);
	run_pkt_port(r, 0, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1 + q.n, s.b, s.n);
	run_pkt_port(r, 1, TCP_ACK, CISN + 1 + q.n, SISN + 1 + s.n, NULL, 0);
	run_pkt_port(r, 1, TCP_ACK | TCP_FIN, CISN + 1 + q.n, SISN + 1 + s.n, NULL, 0);
	run_pkt_port(r, 0, TCP_ACK | TCP_FIN, SISN + 1 + s.n, CISN + 2 + q.n, NULL, 0);
	run_pkt_port(r, 1, TCP_ACK, CISN + 2 + q.n, SISN + 2 + s.n, NULL, 0);
	run_flow_end(r);
}

/* sid: expected alerts (each side of the transaction alerts once) */
static void test_keywords_list_identity(void **unused)
{
	(void)unused;
	static const char rules[] =
	    "alert enip any any -> any any (enip_command:list_identity; sid:1;)\n"
	    "alert enip any any -> any any (enip_command:!99; sid:2;)\n"
	    "alert enip any any -> any any (enip.vendor_id:1; sid:3;)\n"
	    "alert enip any any -> any any (enip.product_name; content:\"ENBT/A\"; sid:4;)\n"
	    "alert enip any any -> any any (enip.revision:1027; enip.serial:5393806; sid:5;)\n"
	    "alert enip any any -> any any (enip.state:3; enip.device_type:12; "
	    "enip.product_code:58; enip.identity_status:48; sid:6;)\n"
	    "alert enip any any -> any any (enip.status:!success; sid:7;)\n"
	    "alert enip any any -> any any (enip.revision:1026; sid:8;)\n"
	    "alert enip any any -> any any (enip.protocol_version:1; sid:9;)\n"
	    "alert enip any any -> any any (enip.vendor_id:1; flow:to_server; sid:10;)\n"
	    "alert ip any any -> any any (enip.product_name; content:\"1756\"; startswith; "
	    "sid:11;)\n";
	struct run r;
	run_init(&r, rules, 11);
	run_enip_flow(&r, LI_REQ, LI_RESP);
	/* The identity is in the response; the request side is inspected
	 * on the client's next packet, by when the response (acked by that
	 * packet) is parsed too, so identity keywords match on both sides,
	 * as in Suricata's IDS mode.  -1: at least one. */
	static const int want[] = {0, 2, 0, 2, 2, 2, 2, 0, 0, 1, -1, 2};
	for (uint32_t sid = 1; sid < sizeof(want) / sizeof(want[0]); sid++) {
		unsigned n = count_sid(&r.hits, sid);
		if (want[sid] >= 0 ? n != (unsigned)want[sid] : n == 0) {
			fprintf(stderr, "sid %u: %u alerts, want %d\n", sid, n, want[sid]);
			fail();
		}
	}
	assert_false(r.hits.toserver[hit_index(&r.hits, 9)]);
	run_free(&r);
}

static void test_keywords_cip(void **unused)
{
	(void)unused;
	static const char rules[] =
	    "alert enip any any -> any any (cip_service:82; sid:1;)\n"
	    "alert enip any any -> any any (cip_service:82,6; sid:2;)\n"
	    "alert enip any any -> any any (cip_service:82,7; sid:3;)\n"
	    "alert enip any any -> any any (cip_service:1; sid:4;)\n"
	    "alert enip any any -> any any (enip.cip_class:6; enip.cip_instance:1; sid:5;)\n"
	    "alert enip any any -> any any (enip.cip_status:0; sid:6;)\n"
	    "alert enip any any -> any any (enip_command:send_r_r_data; sid:7;)\n"
	    "alert enip any any -> any any (enip.cip_attribute:1; sid:8;)\n"
	    "alert enip any any -> any any (enip.cip_status:5; sid:9;)\n";
	struct run r;
	run_init(&r, rules, 9);
	run_enip_flow(&r, RR_REQ, RR_RESP);
	/* cip_service looks at the side's own message; cip_class & co at the
	 * request and cip_status at the response, on either side (Suricata) */
	static const unsigned want[] = {0, 1, 1, 0, 1, 2, 2, 2, 0, 0};
	for (uint32_t sid = 1; sid < sizeof(want) / sizeof(want[0]); sid++) {
		if (count_sid(&r.hits, sid) != want[sid]) {
			fprintf(stderr, "sid %u: %u alerts, want %u\n", sid,
				count_sid(&r.hits, sid), want[sid]);
			fail();
		}
	}
	assert_true(r.hits.toserver[hit_index(&r.hits, 2)]);
	assert_false(r.hits.toserver[hit_index(&r.hits, 4)]);
	run_free(&r);
}

static void test_keywords_multiple(void **unused)
{
	(void)unused;
	static const char rules[] = "alert ip any any -> any any (cip_service:10; sid:1;)\n"
				    "alert enip any any -> any any (cip_service:76,114; sid:2;)\n"
				    "alert enip any any -> any any (enip.cip_class:114; sid:3;)\n"
				    "alert enip any any -> any any (enip.cip_instance:0; sid:4;)\n"
				    "alert enip any any -> any any (cip_service:76; sid:5;)\n"
				    "alert enip any any -> any any (enip_command:112; sid:6;)\n";
	struct run r;
	run_init(&r, rules, 6);
	run_enip_flow(&r, UD_REQ, UD_RESP);
	static const unsigned want[] = {0, 2, 1, 2, 2, 2, 2};
	for (uint32_t sid = 1; sid < sizeof(want) / sizeof(want[0]); sid++) {
		if (count_sid(&r.hits, sid) != want[sid]) {
			fprintf(stderr, "sid %u: %u alerts, want %u\n", sid,
				count_sid(&r.hits, sid), want[sid]);
			fail();
		}
	}
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_identity_tcp),
	    cmocka_unit_test(test_list_identity_splits),
	    cmocka_unit_test(test_two_pdus_one_chunk),
	    cmocka_unit_test(test_eof_chunk),
	    cmocka_unit_test(test_udp_truncations),
	    cmocka_unit_test(test_identity_corrupted),
	    cmocka_unit_test(test_product_name_lossy),
	    cmocka_unit_test(test_send_rr_data),
	    cmocka_unit_test(test_cip_truncations),
	    cmocka_unit_test(test_multiple_service_pair),
	    cmocka_unit_test(test_multiple_reply_alone),
	    cmocka_unit_test(test_pairing_sequence),
	    cmocka_unit_test(test_register_session_and_services),
	    cmocka_unit_test(test_gap_resync),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_tx_flood_and_release),
	    cmocka_unit_test(test_max_tx_config),
	    cmocka_unit_test(test_multiple_cap),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_keyword_parsing),
	    cmocka_unit_test(test_keywords_list_identity),
	    cmocka_unit_test(test_keywords_cip),
	    cmocka_unit_test(test_keywords_multiple),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
