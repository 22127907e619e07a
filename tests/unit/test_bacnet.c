/*
 * test_bacnet.c — app/bacnet.c, bacnet-names.c and bacnet-log.c through
 * the descriptor app_bacnet: datagrams of ../shared's BACnet capture
 * (bacnet_test.pcap, frames 3-4, 5-6, 21-22, 25-26 as tshark shows their
 * UDP payloads) whole, truncated at every length and corrupted; shapes it
 * lacks, encoded by ASHRAE 135 (routed who-Is, i-Am, Forwarded-NPDU,
 * network messages, writeProperty + Error, readPropertyMultiple + Reject,
 * Abort, segmented Complex-ACK, extended tags); pairing by invoke id,
 * side/log decisions, the cap, names, the EVE object, and the bacnet.*
 * keywords through the pipeline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/bacnet.h"
#include "util/json.h"

#include "test_app_run.h"

/* bacnet_test.pcap: readProperty device,4194303 object-identifier and its
 * Complex-ACK (device,500); readProperty vendor-identifier and its ACK */
static const uint8_t f3[] = {0x81, 0x0a, 0x00, 0x11, 0x01, 0x04, 0x00, 0x05, 0x01,
			     0x0c, 0x0c, 0x02, 0x3f, 0xff, 0xff, 0x19, 0x4b};
static const uint8_t f4[] = {0x81, 0x0a, 0x00, 0x17, 0x01, 0x00, 0x30, 0x01, 0x0c, 0x0c, 0x02, 0x3f,
			     0xff, 0xff, 0x19, 0x4b, 0x3e, 0xc4, 0x02, 0x00, 0x01, 0xf4, 0x3f};
static const uint8_t f5[] = {0x81, 0x0a, 0x00, 0x11, 0x01, 0x04, 0x00, 0x05, 0x01,
			     0x0c, 0x0c, 0x02, 0x3f, 0xff, 0xff, 0x19, 0x78};
static const uint8_t f6[] = {0x81, 0x0a, 0x00, 0x14, 0x01, 0x00, 0x30, 0x01, 0x0c, 0x0c,
			     0x02, 0x3f, 0xff, 0xff, 0x19, 0x78, 0x3e, 0x21, 0x05, 0x3f};
/* Read-Broadcast-Distribution-Table, its NAK; Register-Foreign-Device
 * (TTL 16), its NAK */
static const uint8_t f21[] = {0x81, 0x02, 0x00, 0x04};
static const uint8_t f22[] = {0x81, 0x00, 0x00, 0x06, 0x00, 0x20};
static const uint8_t f25[] = {0x81, 0x05, 0x00, 0x06, 0x00, 0x10};
static const uint8_t f26[] = {0x81, 0x00, 0x00, 0x06, 0x00, 0x30};

/* ---- helpers ---- */

static struct bacnet_state *new_state(void)
{
	struct app_flow_info fi = {.tcp = false, .server_port = BACNET_PORT};
	struct bacnet_state *s = app_bacnet.state_new(&fi);
	assert_non_null(s);
	return s;
}

static enum app_parse_result feed(struct bacnet_state *s, enum app_dir dir, const uint8_t *d,
				  size_t n)
{
	uint8_t *b = malloc(n ? n : 1); /* exact size: a read past n shows under ASan */
	memcpy(b, d, n);
	enum app_parse_result r = app_bacnet.parse(s, dir, b, (uint32_t)n, 0);
	free(b);
	return r;
}

static size_t unhex(const char *h, uint8_t *out, size_t max)
{
	size_t n = 0;
	for (; h[0] && h[1] && n < max; h += 2)
		sscanf(h, "%2hhx", &out[n++]);
	return n;
}

static struct bacnet_msg decode_hex(const char *h)
{
	uint8_t b[256];
	size_t n = unhex(h, b, sizeof(b));
	struct bacnet_msg m;
	assert_true(bacnet_decode(b, (uint32_t)n, &m));
	assert_int_equal(m.bvlc_length, n); /* the vectors are well-framed */
	return m;
}

static const struct bacnet_tx *tx_at(struct bacnet_state *s, uint64_t id)
{
	const struct bacnet_tx *tx = app_bacnet.tx_get(s, id);
	assert_non_null(tx);
	return tx;
}

static char *eve_of(struct bacnet_state *s, const struct bacnet_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_bacnet.log_json(&j, s, tx, 0);
	json_close_object(&j);
	char *out = strndup(j.buf, j.len);
	json_free(&j);
	return out;
}

/* ---- the capture's datagrams ---- */

static void test_read_property_pair(void **state)
{
	struct bacnet_state *s = new_state();
	assert_int_equal(feed(s, APP_TOSERVER, f3, sizeof(f3)), APP_PARSE_OK);
	const struct bacnet_tx *t = tx_at(s, 0);
	assert_int_equal(app_bacnet.tx_side(s, t, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_bacnet.tx_log(s, t, false), APP_LOG_WAIT);
	assert_int_equal(feed(s, APP_TOCLIENT, f4, sizeof(f4)), APP_PARSE_OK);
	assert_int_equal(app_bacnet.tx_count(s), 1);
	assert_true(t->has_req && t->has_resp);
	const struct bacnet_msg *q = &t->req, *r = &t->resp;
	assert_int_equal(q->bvlc_function, 0x0a);
	assert_int_equal(q->bvlc_length, 17);
	assert_int_equal(q->npdu_version, 1);
	assert_int_equal(q->npdu_control, 0x04);
	assert_int_equal(q->pdu_type, BACNET_PDU_CONFIRMED);
	assert_int_equal(q->invoke_id, 1);
	assert_int_equal(q->service, 12);
	assert_true(q->has_object && q->has_property);
	assert_int_equal(q->object_type, 8);
	assert_int_equal(q->instance, 4194303);
	assert_int_equal(q->property, 75);
	assert_int_equal(r->pdu_type, BACNET_PDU_COMPLEX_ACK);
	assert_int_equal(r->invoke_id, 1);
	assert_int_equal(r->instance, 4194303); /* [0], not the value's device,500 */
	assert_int_equal(r->property, 75);
	assert_int_equal(q->events | r->events, 0);
	assert_int_equal(app_bacnet.tx_side(s, t, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_bacnet.tx_log(s, t, false), APP_LOG_NOW);
	assert_ptr_equal(bacnet_tx_msg(t, APP_TOSERVER), q);
	assert_ptr_equal(bacnet_tx_msg(t, APP_TOCLIENT), r);
	char *e = eve_of(s, t);
	assert_string_equal(
	    e,
	    "{\"bacnet\":{\"request\":{\"bvlc\":{\"type\":129,\"function_id\":10,\"function\":"
	    "\"original-unicast-npdu\",\"length\":17},\"npdu\":{\"version\":1,\"control\":4,"
	    "\"expecting_reply\":true,\"priority\":0},\"apdu\":{\"pdu_type_id\":0,\"pdu_type\":"
	    "\"confirmed_request\",\"invoke_id\":1,\"service_id\":12,\"service\":\"readProperty\","
	    "\"object\":{\"type_id\":8,\"type\":\"device\",\"instance\":4194303},\"property_id\":"
	    "75,\"property\":\"object-identifier\"}},\"response\":{\"bvlc\":{\"type\":129,"
	    "\"function_id\":10,\"function\":\"original-unicast-npdu\",\"length\":23},\"npdu\":{"
	    "\"version\":1,\"control\":0,\"expecting_reply\":false,\"priority\":0},\"apdu\":{"
	    "\"pdu_type_id\":3,\"pdu_type\":\"complex_ack\",\"invoke_id\":1,\"service_id\":12,"
	    "\"service\":\"readProperty\",\"object\":{\"type_id\":8,\"type\":\"device\","
	    "\"instance\":4194303},\"property_id\":75,\"property\":\"object-identifier\"}}}}");
	free(e);
	/* the capture reuses invoke id 1: the next request is a new transaction */
	feed(s, APP_TOSERVER, f5, sizeof(f5));
	feed(s, APP_TOCLIENT, f6, sizeof(f6));
	assert_int_equal(app_bacnet.tx_count(s), 2);
	assert_int_equal(tx_at(s, 1)->resp.property, 120);
	app_bacnet.state_free(s);
}

static void test_bvlc_only(void **state)
{
	struct bacnet_state *s = new_state();
	feed(s, APP_TOSERVER, f21, sizeof(f21));
	feed(s, APP_TOCLIENT, f22, sizeof(f22));
	feed(s, APP_TOSERVER, f25, sizeof(f25));
	feed(s, APP_TOCLIENT, f26, sizeof(f26));
	assert_int_equal(app_bacnet.tx_count(s), 4);
	const struct bacnet_tx *t = tx_at(s, 0);
	assert_int_equal(t->req.bvlc_function, 0x02);
	assert_false(t->req.has_npdu);
	assert_int_equal(app_bacnet.tx_log(s, t, false), APP_LOG_NOW);
	assert_int_equal(app_bacnet.tx_side(s, t, APP_TOCLIENT, false), APP_SIDE_NONE);
	t = tx_at(s, 1);
	assert_int_equal(t->dir, APP_TOCLIENT);
	assert_true(t->req.has_result);
	assert_int_equal(t->req.result_code, 0x20);
	assert_true(tx_at(s, 2)->req.has_ttl);
	assert_int_equal(tx_at(s, 2)->req.ttl, 16);
	assert_int_equal(tx_at(s, 3)->req.result_code, 0x30);
	char *e = eve_of(s, tx_at(s, 2));
	assert_string_equal(e,
			    "{\"bacnet\":{\"request\":{\"bvlc\":{\"type\":129,\"function_id\":5,"
			    "\"function\":\"register-foreign-device\",\"length\":6,\"ttl\":16}}}}");
	free(e);
	app_bacnet.state_free(s);
}

/* Every truncation of the Complex-ACK: the BVLC length no longer fits
 * (malformed_bvlc_length), what fits is still read, nothing past n. */
static void test_truncations(void **state)
{
	for (size_t k = 0; k < sizeof(f4); k++) {
		struct bacnet_state *s = new_state();
		assert_int_equal(feed(s, APP_TOSERVER, f3, sizeof(f3)), APP_PARSE_OK);
		assert_int_equal(feed(s, APP_TOCLIENT, f4, k), APP_PARSE_OK);
		if (k == 0) {
			assert_int_equal(app_bacnet.tx_count(s), 1);
			app_bacnet.state_free(s);
			continue;
		}
		/* a cut before the invoke id cannot be paired: its own transaction */
		uint64_t want = k >= 8 ? 1 : 2;
		assert_int_equal(app_bacnet.tx_count(s), want);
		const struct bacnet_tx *t = tx_at(s, want - 1);
		assert_true(bacnet_tx_has_event(t, BACNET_EV_MALFORMED_BVLC_LENGTH));
		const struct bacnet_msg *m = bacnet_tx_msg(t, APP_TOCLIENT);
		assert_non_null(m);
		/* the header, then whole fields only */
		assert_int_equal(m->has_object, k >= 14);
		assert_int_equal(m->has_property, k >= 16);
		/* a field cut in the middle: the NPDU's version or control, the
		 * APDU header, the object identifier's or the property's tag */
		bool npdu_cut = k == 4 || k == 5;
		bool apdu_cut = (k >= 6 && k <= 8) || (k >= 10 && k <= 13) || k == 15;
		assert_int_equal(bacnet_tx_has_event(t, BACNET_EV_MALFORMED_NPDU), npdu_cut);
		assert_int_equal(bacnet_tx_has_event(t, BACNET_EV_MALFORMED_APDU), apdu_cut);
		app_bacnet.state_free(s);
	}
}

static void test_corrupted(void **state)
{
	uint8_t b[sizeof(f3)];
	struct bacnet_msg m;
	/* NPDU version 2: not read further */
	memcpy(b, f3, sizeof(b));
	b[4] = 0x02;
	assert_true(bacnet_decode(b, sizeof(b), &m));
	assert_true(m.events & (1u << BACNET_EV_BAD_NPDU_VERSION));
	assert_false(m.has_apdu);
	/* BVLC length larger, then smaller than the datagram */
	memcpy(b, f3, sizeof(b));
	b[3] = 0x40;
	assert_true(bacnet_decode(b, sizeof(b), &m));
	assert_true(m.events & (1u << BACNET_EV_MALFORMED_BVLC_LENGTH));
	assert_int_equal(m.property, 75);
	b[3] = 0x10; /* one byte short: the property tag is cut */
	assert_true(bacnet_decode(b, sizeof(b), &m));
	assert_true(m.events & (1u << BACNET_EV_MALFORMED_BVLC_LENGTH));
	assert_true(m.has_object);
	assert_false(m.has_property);
	assert_true(m.events & (1u << BACNET_EV_MALFORMED_APDU));
	b[3] = 0x02; /* below the header's own size */
	assert_true(bacnet_decode(b, sizeof(b), &m));
	assert_true(m.events & (1u << BACNET_EV_MALFORMED_BVLC_LENGTH));
	assert_int_equal(m.property, 75);
	/* the object identifier tag claims 5 bytes */
	memcpy(b, f3, sizeof(b));
	b[10] = 0x0d; /* context 0, extended length ... */
	b[11] = 0x05;
	assert_true(bacnet_decode(b, sizeof(b), &m));
	assert_false(m.has_object); /* not 4 bytes: not an object identifier */
	/* not BACnet/IP: BVLL type 0x82 (BACnet/IPv6) and a 3-byte datagram */
	memcpy(b, f3, sizeof(b));
	b[0] = 0x82;
	assert_false(bacnet_decode(b, sizeof(b), &m));
	assert_false(bacnet_decode(f3, 3, &m));
	struct bacnet_state *s = new_state();
	assert_int_equal(feed(s, APP_TOSERVER, b, sizeof(b)), APP_PARSE_OK);
	assert_int_equal(app_bacnet.tx_count(s), 0);
	assert_int_equal(feed(s, APP_TOSERVER, f3, 3), APP_PARSE_OK);
	assert_int_equal(app_bacnet.tx_count(s), 1);
	assert_true(bacnet_tx_has_event(tx_at(s, 0), BACNET_EV_MALFORMED_BVLC_LENGTH));
	app_bacnet.state_free(s);
}

/* ---- shapes the capture lacks (ASHRAE 135 encodings) ---- */

static void test_routed_and_network(void **state)
{
	/* who-Is, broadcast to DNET 65535, hop count 255 */
	struct bacnet_msg m = decode_hex("810b000c0120ffff00ff1008");
	assert_true(m.has_dnet);
	assert_int_equal(m.dnet.net, 0xffff);
	assert_int_equal(m.dnet.len, 0);
	assert_int_equal(m.hop_count, 255);
	assert_int_equal(m.pdu_type, BACNET_PDU_UNCONFIRMED);
	assert_int_equal(m.service, 8);
	assert_string_equal(bacnet_service_name(m.pdu_type, m.service), "who-Is");
	/* readPropertyMultiple to DNET 5 / MAC 0x0a: object device,100, first property object-name
	 */
	m = decode_hex("810a001a01240005010aff0005080e0c020000641e094d091c1f");
	assert_int_equal(m.dnet.net, 5);
	assert_int_equal(m.dnet.len, 1);
	assert_int_equal(m.dnet.addr[0], 0x0a);
	assert_int_equal(m.service, 14);
	assert_int_equal(m.instance, 100);
	assert_int_equal(m.property, 77);
	/* its Reject from SNET 5 */
	m = decode_hex("810a000d01080005010a600804");
	assert_true(m.has_snet && !m.has_dnet);
	assert_int_equal(m.pdu_type, BACNET_PDU_REJECT);
	assert_int_equal(m.reason, 4);
	/* who-is-router-to-network; a proprietary message with its vendor id */
	m = decode_hex("810b0007018000");
	assert_true(m.has_nmsg && !m.has_apdu);
	assert_int_equal(m.nmsg_type, 0);
	m = decode_hex("810a000901808a0104");
	assert_true(m.has_vendor);
	assert_int_equal(m.vendor_id, 0x0104);
	m = decode_hex("810a0007018080"); /* the vendor id is missing */
	assert_true(m.events & (1u << BACNET_EV_MALFORMED_NPDU));
	/* Forwarded-NPDU of an i-Am from 192.168.1.10:47808 */
	m = decode_hex("8104001ac0a8010abac001001000c4020000c82205c49100210f");
	assert_true(m.has_origin);
	assert_int_equal(m.origin[3], 10);
	assert_int_equal(m.service, 0);
	assert_int_equal(m.object_type, 8);
	assert_int_equal(m.instance, 200);
	/* i-Have: the object's identifier, not the device's */
	m = decode_hex("810b00180100"
		       "1001c402000064c400000003750400414233");
	assert_int_equal(m.object_type, 0);
	assert_int_equal(m.instance, 3);
}

static void test_services(void **state)
{
	/* writeProperty analog-value,1 present-value 100.0 priority 16 */
	struct bacnet_msg m = decode_hex("810a001a01040005070f0c0080000119553e4442c800003f4910");
	assert_int_equal(m.service, 15);
	assert_int_equal(m.object_type, 2);
	assert_int_equal(m.instance, 1);
	assert_int_equal(m.property, 85);
	/* its Error: property / write-access-denied */
	m = decode_hex("810a000d010050070f91029128");
	assert_true(m.has_error);
	assert_int_equal(m.error_class, 2);
	assert_int_equal(m.error_code, 40);
	/* Abort from the server */
	m = decode_hex("810a00090100710905");
	assert_int_equal(m.pdu_type, BACNET_PDU_ABORT);
	assert_int_equal(m.invoke_id, 9);
	assert_int_equal(m.reason, 5);
	/* subscribeCOV analog-input,1; deviceCommunicationControl has no object */
	m = decode_hex("810a0011010400050c0509121c00000001");
	assert_int_equal(m.object_type, 0);
	assert_int_equal(m.instance, 1);
	m = decode_hex("810a000e010400050a1109001901");
	assert_int_equal(m.service, 17);
	assert_false(m.has_object);
	/* segmented Complex-ACK, first segment (sequence 0, window 4) and a later one */
	m = decode_hex("810a0012"
		       "0100"
		       "3c050004"
		       "0c"
		       "0c02000064"
		       "1955");
	assert_true(m.segmented && m.more_follows);
	assert_int_equal(m.window, 4);
	assert_int_equal(m.property, 85);
	m = decode_hex("810a0010"
		       "0100"
		       "38050104"
		       "0c"
		       "3e44000000");
	assert_int_equal(m.seq_num, 1);
	assert_false(m.has_object);
	/* readProperty with an extended length (LVT 5): a property id of 2
	 * bytes (context 1), then an array index [2] */
	m = decode_hex("810a0015010400050d0c0c02000064"
		       "1d020200"
		       "2901");
	assert_int_equal(m.property, 512);
	assert_null(bacnet_property_name(512));
	/* segment ACK */
	m = decode_hex("810a000a010040050201");
	assert_int_equal(m.pdu_type, BACNET_PDU_SEGMENT_ACK);
	assert_int_equal(m.seq_num, 2);
}

static void test_pairing(void **state)
{
	struct bacnet_state *s = new_state();
	uint8_t b[64];
	size_t n;
	/* a reply nobody asked for */
	n = unhex("810a00090100200b14", b, sizeof(b));
	feed(s, APP_TOCLIENT, b, n);
	const struct bacnet_tx *t = tx_at(s, 0);
	assert_false(t->has_req);
	assert_true(t->has_resp);
	assert_ptr_equal(bacnet_tx_msg(t, APP_TOCLIENT), &t->resp);
	assert_null(bacnet_tx_msg(t, APP_TOSERVER));
	char *e = eve_of(s, t);
	assert_non_null(strstr(e, "{\"bacnet\":{\"response\":"));
	free(e);
	/* two requests with invoke id 7: the first is closed unanswered */
	n = unhex("810a00110104"
		  "0005070c0c000000031955",
		  b, sizeof(b));
	feed(s, APP_TOSERVER, b, n);
	feed(s, APP_TOSERVER, b, n);
	assert_true(tx_at(s, 1)->done);
	assert_int_equal(app_bacnet.tx_log(s, tx_at(s, 1), false), APP_LOG_NOW);
	assert_int_equal(app_bacnet.tx_side(s, tx_at(s, 1), APP_TOCLIENT, false), APP_SIDE_NONE);
	/* a reply in the same direction does not answer */
	n = unhex("810a00090100200705", b, sizeof(b));
	feed(s, APP_TOSERVER, b, n);
	assert_int_equal(app_bacnet.tx_count(s), 4);
	feed(s, APP_TOCLIENT, b, n);
	assert_int_equal(app_bacnet.tx_count(s), 4);
	assert_true(tx_at(s, 2)->has_resp);
	/* a request from the "client" side answered by the other way round */
	n = unhex("810a00110104"
		  "0005080c0c000000031955",
		  b, sizeof(b));
	feed(s, APP_TOCLIENT, b, n);
	n = unhex("810a00090100200805", b, sizeof(b));
	feed(s, APP_TOSERVER, b, n);
	assert_int_equal(app_bacnet.tx_count(s), 5);
	assert_true(tx_at(s, 4)->has_resp);
	assert_ptr_equal(bacnet_tx_msg(tx_at(s, 4), APP_TOSERVER), &tx_at(s, 4)->resp);
	app_bacnet.state_free(s);
}

static void test_tx_cap(void **state)
{
	struct bacnet_state *s = new_state();
	for (unsigned i = 0; i < BACNET_MAX_TX + 5; i++)
		feed(s, APP_TOSERVER, f21, sizeof(f21));
	assert_int_equal(app_bacnet.tx_count(s), BACNET_MAX_TX + 5);
	assert_int_equal(bacnet_tx_dropped(s), 5);
	assert_null(app_bacnet.tx_get(s, 4));
	assert_non_null(app_bacnet.tx_get(s, 5));
	app_bacnet.tx_release_upto(s, BACNET_MAX_TX);
	assert_null(app_bacnet.tx_get(s, BACNET_MAX_TX - 1));
	assert_non_null(app_bacnet.tx_get(s, BACNET_MAX_TX));
	app_bacnet.state_free(s);
}

static void test_probe(void **state)
{
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = false, .sp = 47808, .dp = 47808};
	assert_int_equal(app_bacnet.probe_port(&in, f3, sizeof(f3)), APP_PROBE_MATCH);
	assert_int_equal(app_bacnet.probe_port(&in, f21, sizeof(f21)), APP_PROBE_MATCH);
	assert_int_equal(app_bacnet.probe_port(&in, f3, sizeof(f3) - 1), APP_PROBE_NO);
	assert_int_equal(app_bacnet.probe_port(&in, f3, 3), APP_PROBE_NO);
	uint8_t b[sizeof(f3)];
	memcpy(b, f3, sizeof(b));
	b[1] = 0x0d; /* no such function */
	assert_int_equal(app_bacnet.probe_port(&in, b, sizeof(b)), APP_PROBE_NO);
	b[1] = 0x0a;
	b[0] = 0x82;
	assert_int_equal(app_bacnet.probe_port(&in, b, sizeof(b)), APP_PROBE_NO);
	in.tcp = true;
	assert_int_equal(app_bacnet.probe_port(&in, f3, sizeof(f3)), APP_PROBE_NO);
}

static void test_names(void **state)
{
	assert_int_equal(bacnet_unconfirmed_service_by_name("whoIs"), 8);
	assert_int_equal(bacnet_unconfirmed_service_by_name("who-is"), 8);
	assert_int_equal(bacnet_unconfirmed_service_by_name("i_am"), 0);
	assert_int_equal(bacnet_confirmed_service_by_name("whoIs"), -1);
	assert_int_equal(bacnet_confirmed_service_by_name("ReadProperty"), 12);
	assert_int_equal(bacnet_confirmed_service_by_name("reinitializeDevice"), 20);
	assert_int_equal(bacnet_confirmed_service_by_name("deviceCommunicationControl"), 17);
	assert_int_equal(bacnet_confirmed_service_by_name("readPropertyX"), -1);
	assert_int_equal(bacnet_object_type_by_name("analog-value"), 2);
	assert_int_equal(bacnet_object_type_by_name("device"), 8);
	assert_int_equal(bacnet_property_by_name("present-value"), 85);
	assert_int_equal(bacnet_property_by_name("object_identifier"), 75);
	assert_int_equal(bacnet_pdu_type_by_name("complex-ack"), 3);
	assert_string_equal(bacnet_property_name(120), "vendor-identifier");
	assert_string_equal(bacnet_object_type_name(56), "network-port");
	assert_null(bacnet_object_type_name(1000));
	assert_null(bacnet_property_name(18)); /* deleted from the standard */
	assert_string_equal(bacnet_bvlc_function_name(0x0b), "original-broadcast-npdu");
	assert_null(bacnet_bvlc_function_name(0x0d));
	assert_string_equal(bacnet_network_message_name(1), "i-am-router-to-network");
	assert_string_equal(bacnet_event_name(BACNET_EV_BAD_NPDU_VERSION), "bad_npdu_version");
}

/* ---- the keywords through the pipeline ---- */

static struct packet bac_pkt(int from_client, const uint8_t *data, uint32_t len)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.proto = 17;
	p.len = 42 + len;
	p.wire_len = p.len;
	struct ip_addr c, s;
	set_v4(&c, 0x0a0101a7u);
	set_v4(&s, 0x0a0101a5u);
	p.src = from_client ? c : s;
	p.dst = from_client ? s : c;
	p.sp = BACNET_PORT;
	p.dp = BACNET_PORT;
	p.l4_hdr = l4_dummy;
	p.l4_len = 8 + len;
	p.payload = data;
	p.payload_len = len;
	return p;
}

static const char rules[] =
    "alert bacnet any any -> any any (msg:\"rp\"; bacnet.service:readProperty; sid:1;)\n"
    "alert udp any any -> any any (msg:\"12\"; bacnet.service:12; flow:to_server; sid:2;)\n"
    "alert udp any any -> any any (msg:\"ack\"; bacnet.pdu_type:complex_ack; sid:3;)\n"
    "alert udp any any -> any any (msg:\"dev\"; bacnet.object_type:device; "
    "bacnet.property:75; sid:4;)\n"
    "alert udp any any -> any any (msg:\"vendor\"; bacnet.property:vendor-identifier; sid:5;)\n"
    "alert udp any any -> any any (msg:\"whois\"; bacnet.service:whoIs; sid:6;)\n"
    "alert udp any any -> any any (msg:\"not rp\"; bacnet.service:!readProperty; sid:7;)\n"
    "alert udp any any -> any any (msg:\"range\"; bacnet.property:70-80; sid:8;)\n"
    "alert bacnet any any -> any any (msg:\"nak\"; app-layer-event:bacnet.bad_npdu_version; "
    "sid:9;)\n";

static void test_keywords(void **state)
{
	struct run r;
	run_init(&r, rules, 9);
	struct packet p = bac_pkt(1, f3, sizeof(f3));
	run_packet(&r, &p);
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_BACNET);
	assert_int_equal(count_sid(&r.hits, 1), 1);
	assert_int_equal(count_sid(&r.hits, 2), 1);
	assert_int_equal(count_sid(&r.hits, 4), 1);
	assert_int_equal(count_sid(&r.hits, 8), 1);
	assert_int_equal(r.hits.n, 4);
	p = bac_pkt(0, f4, sizeof(f4));
	run_packet(&r, &p);
	/* the ACK: readProperty (1), complex_ack (3), device/75 (4), 70-80 (8) */
	assert_int_equal(count_sid(&r.hits, 1), 2);
	assert_int_equal(count_sid(&r.hits, 2), 1);
	assert_int_equal(count_sid(&r.hits, 3), 1);
	assert_int_equal(count_sid(&r.hits, 4), 2);
	assert_int_equal(count_sid(&r.hits, 8), 2);
	assert_int_equal(r.hits.n, 8);
	p = bac_pkt(1, f5, sizeof(f5));
	run_packet(&r, &p);
	assert_int_equal(count_sid(&r.hits, 5), 1);
	assert_int_equal(count_sid(&r.hits, 6), 0);
	assert_int_equal(count_sid(&r.hits, 7), 0);
	static const uint8_t whois[] = {0x81, 0x0a, 0x00, 0x08, 0x01, 0x00, 0x10, 0x08};
	p = bac_pkt(1, whois, sizeof(whois));
	run_packet(&r, &p);
	assert_int_equal(count_sid(&r.hits, 6), 1);
	assert_int_equal(count_sid(&r.hits, 7), 1); /* service 8 is not readProperty */
	static const uint8_t v2[] = {0x81, 0x0a, 0x00, 0x08, 0x02, 0x00, 0x10, 0x08};
	p = bac_pkt(1, v2, sizeof(v2));
	run_packet(&r, &p);
	assert_int_equal(count_sid(&r.hits, 9), 1);
	run_free(&r);
}

static void test_keyword_syntax(void **state)
{
	static const char bad[] =
	    "alert udp any any -> any any (bacnet.service:noSuchService; sid:1;)\n"
	    "alert udp any any -> any any (bacnet.pdu_type:16; sid:2;)\n"
	    "alert udp any any -> any any (bacnet.object_type:; sid:3;)\n"
	    "alert udp any any -> any any (bacnet.property:<5; sid:4;)\n";
	struct detect_load_stats st;
	struct detect_engine *de = th_engine(bad, &st);
	assert_non_null(de);
	assert_int_equal(st.loaded, 1); /* only <5 is a valid argument */
	detect_engine_free(de);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_property_pair),
	    cmocka_unit_test(test_bvlc_only),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_corrupted),
	    cmocka_unit_test(test_routed_and_network),
	    cmocka_unit_test(test_services),
	    cmocka_unit_test(test_pairing),
	    cmocka_unit_test(test_tx_cap),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_keywords),
	    cmocka_unit_test(test_keyword_syntax),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
