/*
 * test_mms.c — app/mms.c, mms-pdu.c, mms-log.c and detect/kw-mms.c,
 * driven through the protocol descriptor (app_mms) as the framework
 * drives it.  TPKTs are real bytes of ../shared/data/pcaps/ics/IEC61850
 * captures: a whole IEC 61850 association (Sample_File_MMS_and_GOOSE.pcap
 * TCP stream 10), an informationReport (its stream 0), ICCP getNameList
 * (8d7c7db0-...pcap frames 35, 38) and a bare-COTP takeControl
 * (mms-takeControl.pcap), with an S7comm TPKT (snap7_s300_setupCommunication)
 * that must not be claimed; then split, truncated and corrupted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/mms.h"
#include "util/json.h"

#include "test_app_run.h"

/* ---- captured TPKTs (hex) ---- */

/* Sample_File_MMS_and_GOOSE.pcap, TCP stream 10 */
static const char CR[] = "0300001611e00000077800c1020001c2020001c0010d";
static const char CC[] = "0300001611d00778340000c1020001c2020001c0010a";
static const char INIT_REQ[] =
    "030000a702f0800d9e0506130100160102140200023302000134020001c188318185a003800101a27e8104000000"
    "01820400000001a423300f0201010604520100013004060251013010020103060528ca220201300406025101880206"
    "0061473045020101a040603e80020780a107060528ca220203be2f282d020103a028a826800300fa0081010a8201"
    "0a830105a416800101810305e100820c03a00000000000000000e110";
static const char INIT_RESP[] =
    "0300009202f0800e89050613010016010214020002c17b3179a003800101a272830400000001a512300780010081"
    "0251013007800100810251018802060061523050020101a04b614980020780a107060528ca220203a203020100a305"
    "a103020100be2e282c020103a027a92580027d0081010a820108830105a416800101810305e100820c03ee08000004"
    "00000001ed18";
static const char GVAA_REQ[] =
    "0300004202f0800100010061353033020103a02ea02c020304a273a625a023a1211a0e41413145315130314650324c"
    "44301a0f4c4c4e30244252247263625f423032";
static const char GVAA_ERR[] =
    "0300002202f0800100010061153013020103a00ea20c800304a273a205a003870102";
static const char READ_REQ[] = "0300004802f08001000100613b3039020103a034a032020304a274a42ba129a0273"
			       "025a023a1211a0e41413145315130"
			       "314650324c44301a0f4c4c4e30244252247263625f423032";
static const char READ_RESP[] =
    "0300002202f0800100010061153013020103a00ea10c020304a274a405a10380010a";
static const char CONCL_REQ[] = "0300001602f0800100010061093007020103a0028b00";
static const char CONCL_RESP[] = "0300001602f0800100010061093007020103a0028c00";
static const char REL_REQ[] = "0300001902f0800910c10e610c300a020101a0056203800101";
/* stream 0, frame 3: an informationReport of report control block RPT */
static const char INFO_RPT[] =
    "030000b302f080010001006181a53081a2020103a0819ca38199a08196a1058003525054a0818c8a1a414131433151"
    "303141314c44302f4c4c4e30247263625f49303284030650008601398403050100a25da21da209a2078705083e5a95"
    "fc8501018403030000910848808dc98a7efa0aa21da209a2078705083dfe7e228501018403030000910848808dc4a3"
    "53f80aa21da209a2078705083e5beed48501008403030000910848808dcea49ba60a84020240";
/* 8d7c7db0 frames 35 and 38 (COTP and on; the TPKT header was a segment
 * of its own): getNameList of domain KIRKLAND's named variable lists */
static const char GNL_REQ[] = "0300002d02f080010001006120301e020103a019a01702021151a111a00380010"
			      "2a10a81084b49524b4c414e44";
static const char GNL_RESP[] =
    "0300004902f08001000100613c303a020103a035a13302021151a12da0281a12454d535f414e414c4f475f494343"
    "505f494e1a12454d535f5354415455535f494343505f494e810100";
/* 8d7c7db0 frames 16+17 and 28+29: identify and its response */
static const char IDENT_REQ[] = "0300001c02f08001000100610f300d020103a008a0060202114f8200";
static const char IDENT_RESP[] =
    "0300004702f08001000100613a3038020103a033a1310202114fa22b801541524556412054264420436f72706f"
    "726174696f6e810b652d7465727261636f6d6d8205322e332e31";
/* mms-takeControl.pcap frame 12: MMS straight in a COTP DT TPDU */
static const char BARE_TAKE[] = "0300002002f080a017020101b312a00a80087265736572766564830101860101";
/* snap7_s300_setupCommunication.pcapng: S7comm setup communication */
static const char S7_SETUP[] = "0300001902f08032010000ffff00080000f000000100010780";

/* ---- helpers ---- */

struct bytes {
	uint8_t b[1024];
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

static void *new_state(void)
{
	struct app_flow_info fi = {.tcp = true, .server_port = MMS_PORT};
	void *st = app_mms.state_new(&fi);
	assert_non_null(st);
	return st;
}

/* Feeds bytes in a heap copy of their exact size. */
static void feed_bytes(void *st, enum app_dir dir, const uint8_t *d, uint32_t n, uint32_t flags)
{
	uint8_t *c = malloc(n ? n : 1);
	memcpy(c, d, n);
	assert_int_equal(app_mms.parse(st, dir, c, n, flags), APP_PARSE_OK);
	free(c);
}

static void feed(void *st, enum app_dir dir, const char *hex)
{
	struct bytes b = unhex(hex);
	feed_bytes(st, dir, b.b, b.n, 0);
}

static const struct mms_tx *tx_at(void *st, uint64_t id)
{
	const struct mms_tx *tx = app_mms.tx_get(st, id);
	assert_non_null(tx);
	return tx;
}

static void assert_eve(void *st, const struct mms_tx *tx, const char *want)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_mms.log_json(&j, st, tx, 0);
	json_close_object(&j);
	assert_string_equal(j.buf, want);
	json_free(&j);
}

static bool has_event(void *st, const struct mms_tx *tx, enum mms_event ev)
{
	return app_mms.tx_has_event(st, tx, ev);
}

static enum app_probe_result probe(const char *hex)
{
	struct bytes b = unhex(hex);
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = true, .dp = MMS_PORT};
	return app_mms.probe(&in, b.b, b.n);
}

static const char READ_EVE[] =
    "{\"mms\":{\"request\":{\"pdu\":\"confirmed_request\",\"invoke_id\":303732,\"service\":"
    "\"read\",\"variables\":[{\"domain\":\"AA1E1Q01FP2LD0\",\"item\":\"LLN0$BR$rcb_B02\"}]},"
    "\"response\":{\"pdu\":\"confirmed_response\",\"invoke_id\":303732,\"service\":\"read\"}}}";

/* ---- the whole association ---- */

static void test_association(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, CR);
	feed(st, APP_TOCLIENT, CC);
	assert_int_equal(app_mms.tx_count(st), 0);
	feed(st, APP_TOSERVER, INIT_REQ);
	const struct mms_tx *tx = tx_at(st, 0);
	assert_int_equal(app_mms.tx_side(st, tx, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_mms.tx_side(st, tx, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_mms.tx_log(st, tx, false), APP_LOG_WAIT);
	feed(st, APP_TOCLIENT, INIT_RESP);
	assert_int_equal(app_mms.tx_log(st, tx, false), APP_LOG_NOW);
	assert_eve(st, tx,
		   "{\"mms\":{\"request\":{\"pdu\":\"initiate_request\",\"local_detail_calling\":"
		   "64000,\"max_serv_outstanding_calling\":10,\"max_serv_outstanding_called\":10,"
		   "\"data_structure_nesting_level\":5,\"version\":1},\"response\":{\"pdu\":"
		   "\"initiate_response\",\"local_detail_called\":32000,"
		   "\"max_serv_outstanding_calling\":10,\"max_serv_outstanding_called\":8,"
		   "\"data_structure_nesting_level\":5,\"version\":1}}}");
	feed(st, APP_TOSERVER, GVAA_REQ);
	feed(st, APP_TOCLIENT, GVAA_ERR);
	assert_eve(
	    st, tx_at(st, 1),
	    "{\"mms\":{\"request\":{\"pdu\":\"confirmed_request\",\"invoke_id\":303731,"
	    "\"service\":\"getVariableAccessAttributes\",\"variables\":[{\"domain\":"
	    "\"AA1E1Q01FP2LD0\",\"item\":\"LLN0$BR$rcb_B02\"}]},\"response\":{\"pdu\":"
	    "\"confirmed_error\",\"invoke_id\":303731,\"error_class\":7,\"error_code\":2}}}");
	feed(st, APP_TOSERVER, READ_REQ);
	feed(st, APP_TOCLIENT, READ_RESP);
	assert_eve(st, tx_at(st, 2), READ_EVE);
	feed(st, APP_TOSERVER, CONCL_REQ);
	feed(st, APP_TOCLIENT, CONCL_RESP);
	feed(st, APP_TOSERVER, REL_REQ);
	assert_int_equal(app_mms.tx_count(st), 4);
	assert_eve(st, tx_at(st, 3),
		   "{\"mms\":{\"request\":{\"pdu\":\"conclude_request\"},\"response\":{\"pdu\":"
		   "\"conclude_response\"}}}");
	for (uint64_t i = 0; i < 4; i++)
		for (int e = 0; e < MMS_EV_COUNT; e++)
			assert_false(has_event(st, tx_at(st, i), e));
	/* the raw PDU (mms_data) is the MMS PDU inside the presentation PDV */
	const struct mms_msg *m = tx_at(st, 2)->request;
	assert_int_equal(m->raw_len, 0x32 + 2);
	assert_int_equal(m->raw[0], 0xa0);
	size_t mem = mms_state_memuse(st);
	assert_true(mem > 4 * sizeof(struct mms_tx) + m->raw_len);
	app_mms.tx_release_upto(st, 3);
	assert_null(app_mms.tx_get(st, 0));
	assert_int_equal(mms_tx_live(st), 1);
	assert_true(mms_state_memuse(st) < mem);
	app_mms.tx_release_upto(st, 4);
	assert_int_equal(mms_state_memuse(st), 0);
	app_mms.state_free(st);
}

/* The read request in every two-piece split, and byte by byte. */
static void test_splits(void **unused)
{
	(void)unused;
	struct bytes r = unhex(READ_REQ);
	for (uint32_t cut = 0; cut <= r.n; cut++) {
		void *st = new_state();
		feed_bytes(st, APP_TOSERVER, r.b, cut, 0);
		assert_int_equal(app_mms.tx_count(st), cut == r.n ? 1 : 0);
		feed_bytes(st, APP_TOSERVER, r.b + cut, r.n - cut, 0);
		feed(st, APP_TOCLIENT, READ_RESP);
		assert_int_equal(app_mms.tx_count(st), 1);
		assert_eve(st, tx_at(st, 0), READ_EVE);
		app_mms.state_free(st);
	}
	void *st = new_state();
	for (uint32_t i = 0; i < r.n; i++)
		feed_bytes(st, APP_TOSERVER, r.b + i, 1, 0);
	feed(st, APP_TOCLIENT, READ_RESP);
	assert_eve(st, tx_at(st, 0), READ_EVE);
	app_mms.state_free(st);
}

/* The same request as two COTP DT TPDUs (EOT clear on the first): one
 * TSDU, one PDU; several TPKTs in one chunk. */
static void test_cotp_segments(void **unused)
{
	(void)unused;
	struct bytes r = unhex(READ_REQ);
	uint32_t data = r.n - 7, half = data / 2;
	uint8_t two[1024];
	uint32_t n = 0;
	uint32_t l1 = 7 + half, l2 = 7 + (data - half);
	uint8_t h1[] = {3, 0, (uint8_t)(l1 >> 8), (uint8_t)l1, 2, 0xf0, 0x00};
	uint8_t h2[] = {3, 0, (uint8_t)(l2 >> 8), (uint8_t)l2, 2, 0xf0, 0x80};
	memcpy(two + n, h1, 7), n += 7;
	memcpy(two + n, r.b + 7, half), n += half;
	memcpy(two + n, h2, 7), n += 7;
	memcpy(two + n, r.b + 7 + half, data - half), n += data - half;
	void *st = new_state();
	feed_bytes(st, APP_TOSERVER, two, l1, 0);
	assert_int_equal(app_mms.tx_count(st), 0); /* waits for end of TSDU */
	feed_bytes(st, APP_TOSERVER, two + l1, n - l1, 0);
	feed(st, APP_TOCLIENT, READ_RESP);
	assert_int_equal(app_mms.tx_count(st), 1);
	assert_eve(st, tx_at(st, 0), READ_EVE);
	app_mms.state_free(st);
}

static void test_information_report(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOCLIENT, INFO_RPT);
	const struct mms_tx *tx = tx_at(st, 0);
	assert_true(tx->done);
	assert_int_equal(app_mms.tx_side(st, tx, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_mms.tx_side(st, tx, APP_TOSERVER, false), APP_SIDE_NONE);
	assert_int_equal(app_mms.tx_log(st, tx, false), APP_LOG_NOW);
	assert_eve(st, tx,
		   "{\"mms\":{\"request\":{\"pdu\":\"unconfirmed\",\"service\":"
		   "\"informationReport\",\"variable_list\":{\"vmd\":\"RPT\"}}}}");
	app_mms.state_free(st);
}

static void test_get_name_list(void **unused)
{
	(void)unused;
	void *st = new_state();
	/* an ICCP peer: the server asks, the client answers */
	feed(st, APP_TOCLIENT, GNL_REQ);
	feed(st, APP_TOSERVER, GNL_RESP);
	const struct mms_tx *tx = tx_at(st, 0);
	assert_eve(st, tx,
		   "{\"mms\":{\"request\":{\"pdu\":\"confirmed_request\",\"invoke_id\":4433,"
		   "\"service\":\"getNameList\",\"object_class\":2,\"object_scope\":\"domain\","
		   "\"domain\":\"KIRKLAND\"},\"response\":{\"pdu\":\"confirmed_response\","
		   "\"invoke_id\":4433,\"service\":\"getNameList\",\"identifiers\":["
		   "\"EMS_ANALOG_ICCP_IN\",\"EMS_STATUS_ICCP_IN\"],\"more_follows\":false}}}");
	assert_ptr_equal(mms_tx_msg(tx, APP_TOCLIENT), tx->request);
	assert_ptr_equal(mms_tx_msg(tx, APP_TOSERVER), tx->response);
	app_mms.state_free(st);
}

static void test_identify(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, IDENT_REQ);
	feed(st, APP_TOCLIENT, IDENT_RESP);
	assert_eve(st, tx_at(st, 0),
		   "{\"mms\":{\"request\":{\"pdu\":\"confirmed_request\",\"invoke_id\":4431,"
		   "\"service\":\"identify\"},\"response\":{\"pdu\":\"confirmed_response\","
		   "\"invoke_id\":4431,\"service\":\"identify\",\"vendor\":\"AREVA T&D "
		   "Corporation\",\"model\":\"e-terracomm\",\"revision\":\"2.3.1\"}}}");
	app_mms.state_free(st);
	/* the revision's length past its SEQUENCE: kept up to the fault */
	struct bytes b = unhex(IDENT_RESP);
	b.b[b.n - 6] = 0x06;
	st = new_state();
	feed(st, APP_TOSERVER, IDENT_REQ);
	feed_bytes(st, APP_TOCLIENT, b.b, b.n, 0);
	const struct mms_tx *tx = tx_at(st, 0);
	assert_true(tx->response->invalid);
	assert_true(has_event(st, tx, MMS_EV_INVALID_PDU));
	assert_int_equal(tx->response->vendor.len, 21);
	assert_int_equal(tx->response->revision.len, 0);
	app_mms.state_free(st);
}

static void test_bare_cotp(void **unused)
{
	(void)unused;
	assert_int_equal(probe(BARE_TAKE), APP_PROBE_MATCH);
	void *st = new_state();
	feed(st, APP_TOSERVER, BARE_TAKE);
	assert_eve(st, tx_at(st, 0),
		   "{\"mms\":{\"request\":{\"pdu\":\"confirmed_request\",\"invoke_id\":1,"
		   "\"service\":\"takeControl\",\"variables\":[{\"vmd\":\"reserved\"}]}}}");
	app_mms.state_free(st);
}

static void test_probe(void **unused)
{
	(void)unused;
	assert_int_equal(probe(CR), APP_PROBE_NEED_MORE);
	assert_int_equal(probe("0300"), APP_PROBE_NEED_MORE);
	char both[1024];
	snprintf(both, sizeof(both), "%s%s", CR, INIT_REQ);
	assert_int_equal(probe(both), APP_PROBE_MATCH);
	assert_int_equal(probe(INIT_REQ), APP_PROBE_MATCH);
	assert_int_equal(probe(READ_REQ), APP_PROBE_MATCH);
	assert_int_equal(probe(INIT_RESP), APP_PROBE_MATCH);
	/* S7comm: COTP DT then 0x32, never ours; nor after a CR */
	assert_int_equal(probe(S7_SETUP), APP_PROBE_NO);
	snprintf(both, sizeof(both), "%s%s", CR, S7_SETUP);
	assert_int_equal(probe(both), APP_PROBE_NO);
	assert_int_equal(probe("0400001602f080"), APP_PROBE_NO);
	assert_int_equal(probe("474554202f20485454502f312e310d0a"), APP_PROBE_NO);
	struct app_probe_in udp = {.dir = APP_TOSERVER, .tcp = false};
	struct bytes b = unhex(READ_REQ);
	assert_int_equal(app_mms.probe(&udp, b.b, b.n), APP_PROBE_NO);
}

/* Every truncation of the read request's TPKT length and of the MMS
 * PDU's own length: never a read past the end, an event instead. */
static void test_truncated(void **unused)
{
	(void)unused;
	struct bytes r = unhex(READ_REQ);
	for (uint32_t len = 7; len < r.n; len++) {
		struct bytes t = r;
		t.b[2] = (uint8_t)(len >> 8);
		t.b[3] = (uint8_t)len;
		void *st = new_state();
		feed_bytes(st, APP_TOSERVER, t.b, len, 0);
		/* cut inside: the TSDU does not parse; no PDU is made up */
		uint64_t n = app_mms.tx_count(st);
		for (uint64_t i = 0; i < n; i++) {
			const struct mms_tx *tx = tx_at(st, i);
			assert_true(has_event(st, tx, MMS_EV_INVALID_FRAMING) ||
				    has_event(st, tx, MMS_EV_INVALID_PDU));
		}
		app_mms.state_free(st);
	}
	/* the read's inner listOfVariable claims one byte more than there is */
	struct bytes t = r;
	uint32_t at = 0;
	for (uint32_t i = 0; i + 1 < t.n; i++)
		if (t.b[i] == 0xa1 && t.b[i + 1] == 0x29)
			at = i;
	assert_true(at > 0);
	t.b[at + 1] = 0x2a;
	void *st = new_state();
	feed_bytes(st, APP_TOSERVER, t.b, t.n, 0);
	const struct mms_tx *tx = tx_at(st, 0);
	assert_true(has_event(st, tx, MMS_EV_INVALID_PDU));
	assert_true(tx->request->invalid);
	assert_int_equal(tx->request->service, MMS_SVC_READ);
	assert_int_equal(tx->request->n_names, 0);
	app_mms.state_free(st);
}

/* Corruptions around the layers: a bad TPKT version, a session length
 * past the TSDU, a response with no request, a gap then resync. */
static void test_corrupted(void **unused)
{
	(void)unused;
	struct bytes r = unhex(READ_REQ);
	struct bytes t = r;
	t.b[0] = 4;
	void *st = new_state();
	feed_bytes(st, APP_TOSERVER, t.b, t.n, 0);
	assert_int_equal(app_mms.tx_count(st), 1);
	assert_true(has_event(st, tx_at(st, 0), MMS_EV_INVALID_FRAMING));
	assert_int_equal(app_mms.tx_side(st, tx_at(st, 0), APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_mms.tx_log(st, tx_at(st, 0), false), APP_LOG_SKIP);
	/* resynchronises on the next TPKT after a gap */
	feed_bytes(st, APP_TOSERVER, r.b + 3, r.n - 3, APP_CHUNK_GAP);
	assert_int_equal(app_mms.tx_count(st), 1);
	feed_bytes(st, APP_TOSERVER, r.b, r.n, 0);
	assert_int_equal(app_mms.tx_count(st), 2);
	assert_int_equal(tx_at(st, 1)->request->service, MMS_SVC_READ);
	app_mms.state_free(st);

	/* DATA SPDU (after GIVE TOKENS) whose length is past the TSDU */
	t = r;
	t.b[9] = 0x7f;
	st = new_state();
	feed_bytes(st, APP_TOSERVER, t.b, t.n, 0);
	assert_true(has_event(st, tx_at(st, 0), MMS_EV_INVALID_FRAMING));
	app_mms.state_free(st);

	st = new_state();
	feed(st, APP_TOCLIENT, READ_RESP);
	const struct mms_tx *tx = tx_at(st, 0);
	assert_true(has_event(st, tx, MMS_EV_UNSOLICITED_RESPONSE));
	assert_null(tx->request);
	assert_non_null(tx->response);
	app_mms.state_free(st);
}

/* More open requests than MMS_MAX_TX: the open ones are closed. */
static void test_too_many(void **unused)
{
	(void)unused;
	void *st = new_state();
	for (int i = 0; i <= MMS_MAX_TX; i++)
		feed(st, APP_TOSERVER, READ_REQ);
	const struct mms_tx *last = tx_at(st, MMS_MAX_TX);
	assert_true(has_event(st, last, MMS_EV_TOO_MANY_TRANSACTIONS));
	assert_true(tx_at(st, 0)->done);
	app_mms.state_free(st);
}

/* Open requests of ~64 KiB each (bare MMS in one TPKT): past
 * MMS_STATE_MEMCAP the open ones are closed and the flow's memory stays
 * bounded. */
static void test_memcap(void **unused)
{
	(void)unused;
	enum { PDU = 4 + 0xfff0, TPKT = 7 + PDU };
	uint8_t *t = calloc(1, TPKT);
	assert_non_null(t);
	uint8_t hdr[] = {3,    0,    TPKT >> 8, TPKT & 0xff, 2,	   0xf0, 0x80, 0xa0, 0x82,
			 0xff, 0xf0, 0x02,	0x01,	     0x00, 0x80, 0x82, 0xff, 0xe9};
	memcpy(t, hdr, sizeof(hdr));
	void *st = new_state();
	bool capped = false;
	for (int i = 0; i < 80; i++) {
		t[13] = (uint8_t)i; /* invokeID */
		feed_bytes(st, APP_TOSERVER, t, TPKT, 0);
		const struct mms_tx *tx = tx_at(st, (uint64_t)i);
		assert_int_equal(tx->request->raw_len, PDU);
		if (has_event(st, tx, MMS_EV_TOO_MANY_TRANSACTIONS)) {
			assert_true(tx->done); /* closed with the others */
			capped = true;
		}
		if (capped) /* the framework logs and releases the closed ones */
			app_mms.tx_release_upto(st, (uint64_t)i + 1);
		assert_true(mms_state_memuse(st) <= MMS_STATE_MEMCAP + 2 * PDU);
	}
	assert_true(capped);
	free(t);
	app_mms.state_free(st);
}

/* Names: lists of services and PDU types, both spellings. */
static void test_names(void **unused)
{
	(void)unused;
	assert_int_equal(mms_service_by_name("getNameList"), 1);
	assert_int_equal(mms_service_by_name("get_name_list"), 1);
	assert_int_equal(mms_service_by_name("FILEOPEN"), 72);
	assert_int_equal(mms_service_by_name("nope"), -1);
	assert_string_equal(mms_service_name(77), "fileDirectory");
	assert_null(mms_service_name(78));
	assert_int_equal(mms_pdu_by_name("confirmed_request"), 0);
	assert_int_equal(mms_pdu_by_name("conclude-error"), 13);
	assert_null(mms_pdu_name(14));
}

/* ---- keywords through the worker path ---- */

static const char rules[] =
    "alert mms any any -> any any (msg:\"read\"; mms.service:read; sid:1;)\n"
    "alert mms any any -> any any (msg:\"list\"; mms.service:\"write, 6\"; sid:2;)\n"
    "alert mms any any -> any any (msg:\"func\"; mms_func:read; flow:to_client; sid:3;)\n"
    "alert mms any any -> any any (msg:\"pdu\"; mms.pdu:confirmed_response,2; sid:4;)\n"
    "alert mms any any -> any any (msg:\"dom\"; mms.domain; content:\"FP2LD0\"; endswith; "
    "sid:5;)\n"
    "alert mms any any -> any any (msg:\"item\"; mms.item; content:\"LLN0$BR$\"; startswith; "
    "sid:6;)\n"
    "alert mms any any -> any any (msg:\"data\"; mms_data; content:\"|a0 32 02 03 04 a2 74|\"; "
    "startswith; sid:7;)\n"
    "alert mms any any -> any any (msg:\"not read\"; mms.service:!read; sid:8;)\n"
    "alert mms any any -> any any (msg:\"ev\"; app-layer-event:mms.unsolicited_response; "
    "sid:9;)\n";

static uint32_t count_sid_mms(const struct hits *h, uint32_t sid)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < h->n; i++)
		n += h->sid[i] == sid;
	return n;
}

static void send_hex(struct run *r, int from_client, uint32_t *seq, uint32_t ack, const char *hex,
		     struct bytes *keep)
{
	*keep = unhex(hex);
	struct packet p =
	    tcp_pkt_conn(0, from_client, TCP_ACK | TCP_PSH, *seq, ack, keep->b, keep->n);
	run_packet(r, &p);
	*seq += keep->n;
}

static void test_keywords(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, rules, 9);
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	run_packet(&r, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	run_packet(&r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1, SISN + 1, NULL);
	run_packet(&r, &p);
	uint32_t cs = CISN + 1, ss = SISN + 1;
	struct bytes b1, b2, b3, b4, b5;
	send_hex(&r, 1, &cs, ss, READ_REQ, &b1);
	send_hex(&r, 0, &ss, cs, READ_RESP, &b2);
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_MMS);
	send_hex(&r, 1, &cs, ss, GVAA_REQ, &b3);
	send_hex(&r, 0, &ss, cs, GVAA_ERR, &b4);
	send_hex(&r, 0, &ss, cs, READ_RESP, &b5); /* answers nothing */
	p = tcp_pkt(1, TCP_ACK, cs, ss, NULL);
	run_packet(&r, &p);
	run_flow_end(&r);
	/* request and response sides, and the unsolicited read response */
	assert_int_equal(count_sid_mms(&r.hits, 1), 3);
	assert_int_equal(count_sid_mms(&r.hits, 2), 1); /* getVariableAccessAttributes */
	assert_int_equal(count_sid_mms(&r.hits, 3), 2); /* the two read responses */
	/* two responses and one error: one alert each, also where the error
	 * and the unsolicited response reach detection on the same packet */
	assert_int_equal(count_sid_mms(&r.hits, 4), 3);
	assert_int_equal(count_sid_mms(&r.hits, 5), 2); /* read and gvaa requests */
	assert_int_equal(count_sid_mms(&r.hits, 6), 2);
	assert_int_equal(count_sid_mms(&r.hits, 7), 1);
	assert_int_equal(count_sid_mms(&r.hits, 8), 1); /* the gvaa request (the error has none) */
	assert_int_equal(count_sid_mms(&r.hits, 9), 1);
	run_free(&r);
}

static void test_syntax(void **unused)
{
	(void)unused;
	static const char *const good[] = {
	    "mms.service:read;",
	    "mms.service:\"read,write\";",
	    "mms.service: !fileOpen , 73;",
	    "mms.service:informationReport;",
	    "mms_func:getNameList;",
	    "mms_func:72;",
	    "mms.pdu:initiate_request;",
	    "mms.pdu:0,1,2;",
	    "mms.domain; content:\"LD0\";",
	    "mms.item; content:\"$ST$\";",
	    "mms_data; content:\"|a0|\";",
	};
	static const char *const bad[] = {
	    "mms.service:nope;",    "mms.service:78;",		"mms.service:;",
	    "mms_func:read,write;", "mms_func:!read;",		"mms.pdu:14;",
	    "mms.pdu:confirmed;",   "mms.service:read,,write;",
	};
	char rule[256];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(rule, sizeof(rule), "alert tcp any any -> any any (%s sid:1;)", good[i]);
		if (th_parse_result(rule) != 1)
			fprintf(stderr, "should load: %s\n", rule);
		assert_int_equal(th_parse_result(rule), 1);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(rule, sizeof(rule), "alert tcp any any -> any any (%s sid:1;)", bad[i]);
		if (th_parse_result(rule) != 0)
			fprintf(stderr, "should fail: %s\n", rule);
		assert_int_equal(th_parse_result(rule), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_association),	  cmocka_unit_test(test_splits),
	    cmocka_unit_test(test_cotp_segments), cmocka_unit_test(test_information_report),
	    cmocka_unit_test(test_get_name_list), cmocka_unit_test(test_bare_cotp),
	    cmocka_unit_test(test_probe),	  cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_corrupted),	  cmocka_unit_test(test_too_many),
	    cmocka_unit_test(test_names),	  cmocka_unit_test(test_keywords),
	    cmocka_unit_test(test_syntax),	  cmocka_unit_test(test_identify),
	    cmocka_unit_test(test_memcap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
