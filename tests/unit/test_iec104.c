/*
 * test_iec104.c — app/iec104.c, app/iec104-log.c and detect/kw-iec104.c,
 * driven through the protocol descriptor (app_iec104) as the framework
 * drives it, and through the pipeline for the keywords.  APDUs are real
 * bytes from ../shared/data/pcaps/ics/IEC60870-5-104
 * (JavaRMI_and_IEC_Misc.pcap, 090813_diverse.pcap), then split,
 * truncated and corrupted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/iec104.h"
#include "util/json.h"

#include "test_app_run.h"

/* ---- captured APDUs (hex) ---- */

/* JavaRMI_and_IEC_Misc.pcap frames 6, 8: STARTDT act / con. */
static const char STARTDT_ACT[] = "680407000000";
static const char STARTDT_CON[] = "68040b000000";
/* frame 10: C_IC_NA_1 activation, CA 37133, QOI 20 (station). */
static const char IC_ACT[] = "680e00000000640106010d9100000014";
/* frame 12: M_EI_NA_1 end of initialisation (server, tx 0, rx 1). */
static const char EI[] = "680e00000200460104000d9100000001";
/* frame 16: S-frame, rx 2. */
static const char S_FRAME[] = "680401000400";
/* frame 17: M_SP_NA_1, SQ, 10 points from IOA 10010 (the second invalid). */
static const char SP_SQ[] = "681704000200018a14010d911a270000800000000000000000";
/* frame 19: M_DP_NA_1, IOA 15000, DPI 1. */
static const char DP[] = "680e06000200030114010d91983a0001";
/* 090813_diverse.pcap frame 1: M_ME_NC_1, two floats (30.0 at 1300, 708.0 at 1301). */
static const char ME_NC[] = "681a9a0028000d02010003001405000000f041001505000000314400";
/* frame 9: C_SC_TA_1 select, IOA 4501, CP56 2009-08-13 19:23:00.008. */
static const char SC_TA[] = "681528009c003a010600030095110081080017130d086d";

/* ---- helpers ---- */

struct bytes {
	uint8_t b[4096];
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

static void cat(struct bytes *b, const char *hex)
{
	struct bytes x = unhex(hex);
	assert_true(b->n + x.n <= sizeof(b->b));
	memcpy(b->b + b->n, x.b, x.n);
	b->n += x.n;
}

static void *new_state(void)
{
	struct app_flow_info fi = {.tcp = true, .server_port = IEC104_PORT};
	void *st = app_iec104.state_new(&fi);
	assert_non_null(st);
	return st;
}

/* Feeds bytes in a heap copy of their exact size. */
static enum app_parse_result feed_bytes(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	uint8_t *c = malloc(n ? n : 1);
	memcpy(c, d, n);
	enum app_parse_result r = app_iec104.parse(st, dir, c, n, flags);
	free(c);
	return r;
}

static enum app_parse_result feed(void *st, enum app_dir dir, const char *hex)
{
	struct bytes b = unhex(hex);
	return feed_bytes(st, dir, b.b, b.n, 0);
}

static const struct iec104_tx *tx_at(void *st, uint64_t id)
{
	const struct iec104_tx *tx = app_iec104.tx_get(st, id);
	assert_non_null(tx);
	return tx;
}

static char *eve(void *st, const struct iec104_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_iec104.log_json(&j, st, tx, 0);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_eve(void *st, const struct iec104_tx *tx, const char *want)
{
	char *got = eve(st, tx);
	assert_string_equal(got, want);
	free(got);
}

static unsigned events_of(void *st, const struct iec104_tx *tx)
{
	unsigned m = 0;
	for (int e = 0; e < app_iec104.n_events; e++)
		if (app_iec104.tx_has_event(st, tx, e))
			m |= 1u << e;
	return m;
}

#define EV(e) (1u << IEC104_EV_##e)

/* ---- frames ---- */

static void test_u_s_frames(void **unused)
{
	(void)unused;
	void *st = new_state();
	assert_int_equal(feed(st, APP_TOSERVER, STARTDT_ACT), APP_PARSE_OK);
	assert_int_equal(feed(st, APP_TOCLIENT, STARTDT_CON), APP_PARSE_OK);
	assert_int_equal(feed(st, APP_TOSERVER, S_FRAME), APP_PARSE_OK);
	assert_int_equal(app_iec104.tx_count(st), 3);
	const struct iec104_tx *t0 = tx_at(st, 0), *t1 = tx_at(st, 1), *t2 = tx_at(st, 2);
	assert_int_equal(t0->apci, IEC104_APCI_U);
	assert_int_equal(t0->u_function, 0x04);
	assert_int_equal(t1->u_function, 0x08);
	assert_int_equal(app_iec104.tx_side(st, t0, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_iec104.tx_side(st, t0, APP_TOCLIENT, false), APP_SIDE_NONE);
	assert_int_equal(app_iec104.tx_side(st, t1, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_iec104.tx_msg_dir(t1), APP_TOCLIENT);
	assert_int_equal(app_iec104.tx_log(st, t0, false), APP_LOG_NOW);
	assert_eve(st, t0,
		   "{\"iec104\":{\"apci\":{\"type\":\"U\",\"u_function\":\"startdt_act\"}}}");
	assert_int_equal(t2->apci, IEC104_APCI_S);
	assert_int_equal(t2->rx_seq, 2);
	assert_eve(st, t2, "{\"iec104\":{\"apci\":{\"type\":\"S\",\"rx\":2}}}");
	assert_int_equal(events_of(st, t0) | events_of(st, t1) | events_of(st, t2), 0);
	app_iec104.state_free(st);
}

static void test_interrogation(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, IC_ACT);
	const struct iec104_tx *tx = tx_at(st, 0);
	assert_int_equal(tx->apci, IEC104_APCI_I);
	assert_true(tx->has_asdu);
	assert_int_equal(tx->asdu.type_id, 100);
	assert_int_equal(tx->asdu.cot, 6);
	assert_int_equal(tx->asdu.oa, 1);
	assert_int_equal(tx->asdu.ca, 37133);
	assert_eve(
	    st, tx,
	    "{\"iec104\":{\"apci\":{\"type\":\"I\",\"tx\":0,\"rx\":0},\"asdu\":{\"type_id\":100,"
	    "\"type_name\":\"C_IC_NA_1\",\"sq\":false,\"num_objects\":1,\"cot\":6,"
	    "\"cot_name\":\"activation\",\"negative\":false,\"test\":false,\"oa\":1,"
	    "\"ca\":37133,\"objects\":[{\"ioa\":0,\"qoi\":20}]}}}");
	feed(st, APP_TOCLIENT, EI);
	tx = tx_at(st, 1);
	assert_int_equal(tx->tx_seq, 0);
	assert_int_equal(tx->rx_seq, 1);
	assert_int_equal(tx->asdu.objects[0].kind, IEC104_VAL_COI);
	app_iec104.state_free(st);
}

static void test_single_points_sq(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOCLIENT, SP_SQ);
	const struct iec104_tx *tx = tx_at(st, 0);
	assert_true(tx->asdu.sq);
	assert_int_equal(tx->asdu.num, 10);
	assert_int_equal(tx->asdu.n_objects, 10);
	assert_int_equal(tx->asdu.cot, 20);
	for (unsigned i = 0; i < 10; i++) {
		assert_int_equal(tx->asdu.objects[i].ioa, 10010 + i);
		assert_int_equal(tx->asdu.objects[i].quality, i == 1 ? 0x80 : 0);
	}
	assert_int_equal(events_of(st, tx), 0);
	feed(st, APP_TOCLIENT, DP);
	assert_eve(
	    st, tx_at(st, 1),
	    "{\"iec104\":{\"apci\":{\"type\":\"I\",\"tx\":3,\"rx\":1},\"asdu\":{\"type_id\":3,"
	    "\"type_name\":\"M_DP_NA_1\",\"sq\":false,\"num_objects\":1,\"cot\":20,"
	    "\"cot_name\":\"interrogated_station\",\"negative\":false,\"test\":false,\"oa\":1,"
	    "\"ca\":37133,\"objects\":[{\"ioa\":15000,\"value\":1,\"quality\":{\"bl\":false,"
	    "\"sb\":false,\"nt\":false,\"iv\":false}}]}}}");
	app_iec104.state_free(st);
}

static void test_floats_and_command_time(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOCLIENT, ME_NC);
	const struct iec104_tx *tx = tx_at(st, 0);
	assert_int_equal(tx->asdu.n_objects, 2);
	assert_int_equal(tx->asdu.objects[0].ioa, 1300);
	assert_true(tx->asdu.objects[0].fvalue == 30.0f);
	assert_true(tx->asdu.objects[1].fvalue == 708.0f);
	feed(st, APP_TOSERVER, SC_TA);
	tx = tx_at(st, 1);
	const struct iec104_object *o = &tx->asdu.objects[0];
	assert_int_equal(o->ioa, 4501);
	assert_int_equal(o->value, 1);
	assert_int_equal(o->time_kind, 56);
	assert_int_equal(o->time.year, 109);
	assert_int_equal(o->time.hour, 19);
	assert_eve(
	    st, tx,
	    "{\"iec104\":{\"apci\":{\"type\":\"I\",\"tx\":20,\"rx\":78},\"asdu\":{\"type_id\":58,"
	    "\"type_name\":\"C_SC_TA_1\",\"sq\":false,\"num_objects\":1,\"cot\":6,"
	    "\"cot_name\":\"activation\",\"negative\":false,\"test\":false,\"oa\":0,\"ca\":3,"
	    "\"objects\":[{\"ioa\":4501,\"value\":1,\"qu\":0,\"select\":true,"
	    "\"time\":\"2009-08-13T19:23:00.008\"}]}}}");
	app_iec104.state_free(st);
}

/* Every two-piece split of a stream of APDUs, and byte by byte, gives the
 * same transactions (and events: SC_TA's send number is a gap after
 * IC_ACT's) as whole APDUs. */
static void test_splits(void **unused)
{
	(void)unused;
	struct bytes all = {{0}, 0};
	cat(&all, STARTDT_ACT);
	cat(&all, IC_ACT);
	cat(&all, SC_TA);
	cat(&all, S_FRAME);
	void *ref = new_state();
	feed_bytes(ref, APP_TOSERVER, all.b, all.n, 0);
	assert_int_equal(app_iec104.tx_count(ref), 4);
	assert_int_equal(events_of(ref, tx_at(ref, 2)), EV(SEQUENCE_GAP));
	for (uint32_t cut = 0; cut <= all.n; cut++) {
		void *st = new_state();
		feed_bytes(st, APP_TOSERVER, all.b, cut, 0);
		feed_bytes(st, APP_TOSERVER, all.b + cut, all.n - cut, 0);
		assert_int_equal(app_iec104.tx_count(st), 4);
		for (uint64_t i = 0; i < 4; i++) {
			char *a = eve(ref, tx_at(ref, i)), *b = eve(st, tx_at(st, i));
			assert_string_equal(a, b);
			free(a);
			free(b);
			assert_int_equal(events_of(st, tx_at(st, i)),
					 events_of(ref, tx_at(ref, i)));
		}
		app_iec104.state_free(st);
	}
	void *st = new_state();
	for (uint32_t i = 0; i < all.n; i++)
		feed_bytes(st, APP_TOSERVER, all.b + i, 1, 0);
	assert_int_equal(app_iec104.tx_count(st), 4);
	char *a = eve(ref, tx_at(ref, 2)), *b = eve(st, tx_at(st, 2));
	assert_string_equal(a, b);
	free(a);
	free(b);
	app_iec104.state_free(st);
	app_iec104.state_free(ref);
}

/* ---- malformed ---- */

/* The APCI length one short of the ASDU (last object cut) and one long
 * (a stray byte): invalid_length, objects kept as far as they fit. */
static void test_asdu_length_mismatch(void **unused)
{
	(void)unused;
	struct bytes b = unhex(DP);
	b.b[1] = 0x0d; /* cuts the DIQ */
	void *st = new_state();
	feed_bytes(st, APP_TOCLIENT, b.b, b.n - 1, 0);
	const struct iec104_tx *tx = tx_at(st, 0);
	assert_int_equal(events_of(st, tx), EV(INVALID_LENGTH));
	assert_int_equal(tx->asdu.n_objects, 0);
	b = unhex(DP);
	b.b[1] = 0x0f;
	b.b[b.n++] = 0x00;
	feed_bytes(st, APP_TOCLIENT, b.b, b.n, 0);
	tx = tx_at(st, 1);
	/* (the same send number again is a sequence gap too) */
	assert_int_equal(events_of(st, tx), EV(INVALID_LENGTH) | EV(SEQUENCE_GAP));
	assert_int_equal(tx->asdu.n_objects, 1);
	/* an I-frame too short for the data unit identifier */
	feed(st, APP_TOCLIENT, "68060a0002000301");
	assert_int_equal(events_of(st, tx_at(st, 2)) & EV(INVALID_LENGTH), EV(INVALID_LENGTH));
	assert_false(tx_at(st, 2)->has_asdu);
	/* a U-frame with bytes after its control field */
	feed(st, APP_TOCLIENT, "68058300000000");
	assert_int_equal(events_of(st, tx_at(st, 3)), EV(INVALID_LENGTH));
	/* (iec60780-5-104.pcap frame 36) STARTDT and STOPDT act at once, a
	 * byte too many */
	feed(st, APP_TOCLIENT,
	     "680517171717"
	     "17");
	assert_int_equal(events_of(st, tx_at(st, 4)), EV(INVALID_LENGTH));
	assert_eve(st, tx_at(st, 4),
		   "{\"iec104\":{\"apci\":{\"type\":\"U\",\"u_function_code\":20}}}");
	app_iec104.state_free(st);
}

/* A bad start byte and a length below 4: an event, then the next 0x68. */
static void test_bad_start_and_length(void **unused)
{
	(void)unused;
	struct bytes b = {{0}, 0};
	cat(&b, "00010203");
	cat(&b, STARTDT_ACT);
	cat(&b, "6802aabb");
	cat(&b, IC_ACT);
	void *st = new_state();
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	assert_int_equal(app_iec104.tx_count(st), 4);
	assert_int_equal(events_of(st, tx_at(st, 0)), EV(INVALID_START));
	assert_int_equal(tx_at(st, 0)->apci, IEC104_APCI_NONE);
	assert_eve(st, tx_at(st, 0), "{\"iec104\":{\"apci\":{}}}");
	assert_int_equal(tx_at(st, 1)->u_function, 0x04);
	assert_int_equal(events_of(st, tx_at(st, 2)), EV(INVALID_LENGTH));
	assert_int_equal(tx_at(st, 3)->asdu.type_id, 100);
	assert_int_equal(events_of(st, tx_at(st, 3)), 0);
	app_iec104.state_free(st);
}

static void test_unknown_type(void **unused)
{
	(void)unused;
	struct bytes b = unhex(IC_ACT);
	b.b[6] = 80; /* no such type id */
	void *st = new_state();
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	const struct iec104_tx *tx = tx_at(st, 0);
	assert_int_equal(events_of(st, tx), EV(UNKNOWN_TYPE_ID));
	assert_int_equal(tx->asdu.n_objects, 0);
	assert_eve(
	    st, tx,
	    "{\"iec104\":{\"apci\":{\"type\":\"I\",\"tx\":0,\"rx\":0},\"asdu\":{\"type_id\":80,"
	    "\"sq\":false,\"num_objects\":1,\"cot\":6,\"cot_name\":\"activation\","
	    "\"negative\":false,\"test\":false,\"oa\":1,\"ca\":37133}}}");
	app_iec104.state_free(st);
}

/* Send numbers 0, 1, 3 in one direction (gap on the third); the other
 * direction counts on its own; STARTDT starts the count again. */
static void test_sequence_gap(void **unused)
{
	(void)unused;
	struct bytes b = unhex(IC_ACT);
	void *st = new_state();
	static const uint16_t seqs[] = {0, 1, 3};
	for (unsigned i = 0; i < 3; i++) {
		b.b[2] = (uint8_t)(seqs[i] << 1);
		feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	}
	assert_int_equal(events_of(st, tx_at(st, 0)), 0);
	assert_int_equal(events_of(st, tx_at(st, 1)), 0);
	assert_int_equal(events_of(st, tx_at(st, 2)), EV(SEQUENCE_GAP));
	feed(st, APP_TOCLIENT, EI); /* server's first: tx 0 */
	assert_int_equal(events_of(st, tx_at(st, 3)), 0);
	feed(st, APP_TOSERVER, STARTDT_ACT);
	b.b[2] = 7 << 1;
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	assert_int_equal(events_of(st, tx_at(st, 5)), 0);
	/* wrap: 32767 then 0 is no gap */
	b.b[2] = 0xfe;
	b.b[3] = 0xff;
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	assert_int_equal(tx_at(st, 6)->tx_seq, 32767);
	assert_int_equal(events_of(st, tx_at(st, 6)), EV(SEQUENCE_GAP));
	b.b[2] = 0;
	b.b[3] = 0;
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	assert_int_equal(events_of(st, tx_at(st, 7)), 0);
	app_iec104.state_free(st);
}

/* A gap mid-APDU: the partial one is dropped, the direction resumes at
 * the next 0x68 and the numbering starts again. */
static void test_stream_gap(void **unused)
{
	(void)unused;
	struct bytes a = unhex(SP_SQ);
	void *st = new_state();
	feed_bytes(st, APP_TOCLIENT, a.b, 10, 0);
	struct bytes b = {{0}, 0};
	cat(&b, "0000000000");
	cat(&b, DP);
	feed_bytes(st, APP_TOCLIENT, b.b, b.n, APP_CHUNK_GAP);
	assert_int_equal(app_iec104.tx_count(st), 1);
	assert_int_equal(tx_at(st, 0)->asdu.type_id, 3);
	assert_int_equal(events_of(st, tx_at(st, 0)), 0);
	app_iec104.state_free(st);
}

/* Past IEC104_MAX_TX live transactions the APDU is dropped and the last
 * one says so; after release parsing goes on. */
static void test_tx_cap(void **unused)
{
	(void)unused;
	struct bytes b = unhex(S_FRAME);
	void *st = new_state();
	for (unsigned i = 0; i < IEC104_MAX_TX + 5; i++)
		feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	assert_int_equal(app_iec104.tx_count(st), IEC104_MAX_TX);
	assert_int_equal(events_of(st, tx_at(st, IEC104_MAX_TX - 1)), EV(TOO_MANY_TRANSACTIONS));
	app_iec104.tx_release_upto(st, IEC104_MAX_TX);
	assert_null(app_iec104.tx_get(st, 0));
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	assert_int_equal(app_iec104.tx_count(st), IEC104_MAX_TX + 1);
	assert_non_null(app_iec104.tx_get(st, IEC104_MAX_TX));
	app_iec104.state_free(st);
}

static void test_probe(void **unused)
{
	(void)unused;
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = true, .sp = 1000, .dp = 2404};
	struct bytes b = unhex(STARTDT_ACT);
	assert_int_equal(app_iec104.probe_port(&in, b.b, b.n), APP_PROBE_MATCH);
	assert_int_equal(app_iec104.probe_port(&in, b.b, 2), APP_PROBE_NEED_MORE);
	b = unhex(IC_ACT);
	assert_int_equal(app_iec104.probe_port(&in, b.b, b.n), APP_PROBE_MATCH);
	b = unhex(S_FRAME);
	assert_int_equal(app_iec104.probe_port(&in, b.b, b.n), APP_PROBE_MATCH);
	b = unhex("68040f000000"); /* two U functions at once */
	assert_int_equal(app_iec104.probe_port(&in, b.b, b.n), APP_PROBE_NO);
	b = unhex("690407000000");
	assert_int_equal(app_iec104.probe_port(&in, b.b, b.n), APP_PROBE_NO);
	b = unhex("680507000000");
	assert_int_equal(app_iec104.probe_port(&in, b.b, b.n), APP_PROBE_NO);
	b = unhex("68fe00");
	assert_int_equal(app_iec104.probe_port(&in, b.b, b.n), APP_PROBE_NO);
}

static void test_names(void **unused)
{
	(void)unused;
	assert_string_equal(iec104_type_name(45), "C_SC_NA_1");
	assert_null(iec104_type_name(22));
	assert_int_equal(iec104_type_by_name("m_me_nc_1"), 13);
	assert_int_equal(iec104_type_by_name("C_XX_NA_1"), -1);
	assert_string_equal(iec104_cot_name(21), "interrogated_group_1");
	assert_string_equal(iec104_cot_name(41), "counter_request_group_4");
	assert_int_equal(iec104_cot_by_name("spontaneous"), 3);
	assert_null(iec104_cot_name(14));
}

/* ---- keywords through the pipeline ---- */

static void run_pkt_port(struct run *r, int from_client, uint8_t flags, uint32_t seq, uint32_t ack,
			 const uint8_t *d, uint32_t n)
{
	struct packet p = tcp_pkt_conn(0, from_client, flags, seq, ack, d, n);
	if (from_client)
		p.dp = IEC104_PORT;
	else
		p.sp = IEC104_PORT;
	run_packet(r, &p);
}

/* A connection to port 2404: the client's bytes, then the server's. */
static void run_flow(struct run *r, const struct bytes *q, const struct bytes *s)
{
	run_pkt_port(r, 1, TCP_SYN, CISN, 0, NULL, 0);
	run_pkt_port(r, 0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL, 0);
	run_pkt_port(r, 1, TCP_ACK, CISN + 1, SISN + 1, NULL, 0);
	run_pkt_port(r, 1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, q->b, q->n);
	run_pkt_port(r, 0, TCP_ACK, SISN + 1, CISN + 1 + q->n, NULL, 0);
	run_pkt_port(r, 0, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1 + q->n, s->b, s->n);
	run_pkt_port(r, 1, TCP_ACK, CISN + 1 + q->n, SISN + 1 + s->n, NULL, 0);
	run_pkt_port(r, 1, TCP_ACK | TCP_FIN, CISN + 1 + q->n, SISN + 1 + s->n, NULL, 0);
	run_pkt_port(r, 0, TCP_ACK | TCP_FIN, SISN + 1 + s->n, CISN + 2 + q->n, NULL, 0);
	run_pkt_port(r, 1, TCP_ACK, CISN + 2 + q->n, SISN + 2 + s->n, NULL, 0);
	run_flow_end(r);
}

static void test_keywords(void **unused)
{
	(void)unused;
	static const char rules[] =
	    "alert iec104 any any -> any any (iec104.typeid:C_SC_TA_1; sid:1;)\n"
	    "alert tcp any any -> any any (iec104_asdu_func:c_ic_na_1,m_ei_na_1; sid:2;)\n"
	    "alert iec104 any any -> any any (iec104.apci_type:u; sid:3;)\n"
	    "alert iec104 any any -> any any (iec104_apci_type:information_transfer_format; "
	    "sid:4;)\n"
	    "alert iec104 any any -> any any (iec104.ioa:10010-10012; sid:5;)\n"
	    "alert iec104 any any -> any any (iec104.cot:activation; iec104.ca:>37000; sid:6;)\n"
	    "alert iec104 any any -> any any (iec104.typeid:>99; flow:to_server; sid:7;)\n"
	    "alert iec104 any any -> any any (iec104.typeid:!C_IC_NA_1; sid:8;)\n"
	    "alert iec104 any any -> any any (iec104.cot:20; iec104.ioa:15000; sid:9;)\n"
	    "alert iec104 any any -> any any (iec104.ca:3; sid:10;)\n";
	struct run r;
	run_init(&r, rules, 10);
	struct bytes q = {{0}, 0}, s = {{0}, 0};
	cat(&q, STARTDT_ACT);
	cat(&q, IC_ACT);
	cat(&s, STARTDT_CON);
	cat(&s, EI);
	cat(&s, SP_SQ);
	cat(&s, DP);
	run_flow(&r, &q, &s);
	/* a rule alerts once per matching APDU (transaction), as Suricata does,
	 * however many share a packet (sid 4: every I-frame, 4; sid 8: EI, SP
	 * and DP in one packet, 3) */
	static const unsigned want[] = {0, 0, 2, 2, 4, 1, 1, 1, 3, 1, 0};
	for (uint32_t sid = 1; sid < sizeof(want) / sizeof(want[0]); sid++) {
		if (count_sid(&r.hits, sid) != want[sid])
			fprintf(stderr, "sid %u: %u alerts, want %u\n", sid,
				count_sid(&r.hits, sid), want[sid]);
	}
	for (uint32_t sid = 1; sid < sizeof(want) / sizeof(want[0]); sid++)
		assert_int_equal(count_sid(&r.hits, sid), want[sid]);
	run_free(&r);
}

static void test_keyword_syntax(void **unused)
{
	(void)unused;
	static const char rules[] =
	    "alert tcp any any -> any any (iec104.typeid:C_XX_NA_1; sid:1;)\n"
	    "alert tcp any any -> any any (iec104.apci_type:x; sid:2;)\n"
	    "alert tcp any any -> any any (iec104.ca:70000; sid:3;)\n"
	    "alert tcp any any -> any any (iec104.cot:1,,2; sid:4;)\n"
	    "alert tcp any any -> any any (iec104.ioa:16777216; sid:5;)\n"
	    "alert tcp any any -> any any (iec104.apci_type:0; sid:7;)\n"
	    "alert tcp any any -> any any (iec104.typeid:1,2,45; sid:6;)\n";
	struct run r;
	run_init(&r, rules, 1);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_u_s_frames),
	    cmocka_unit_test(test_interrogation),
	    cmocka_unit_test(test_single_points_sq),
	    cmocka_unit_test(test_floats_and_command_time),
	    cmocka_unit_test(test_splits),
	    cmocka_unit_test(test_asdu_length_mismatch),
	    cmocka_unit_test(test_bad_start_and_length),
	    cmocka_unit_test(test_unknown_type),
	    cmocka_unit_test(test_sequence_gap),
	    cmocka_unit_test(test_stream_gap),
	    cmocka_unit_test(test_tx_cap),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_keywords),
	    cmocka_unit_test(test_keyword_syntax),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
