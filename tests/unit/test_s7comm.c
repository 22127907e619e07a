/*
 * test_s7comm.c — app/s7comm.c, app/s7comm-log.c and detect/kw-s7comm.c,
 * driven through the protocol descriptor (app_s7comm) as the framework
 * drives it, and through the pipeline for the keywords.  TPKTs are real
 * bytes from ../shared/data/pcaps/ics/s7 (s7comm_reading_plc_status.pcap,
 * snap7_s300_stop.pcapng, wincc_s300_setup-alarm-read.pcapng,
 * wincc_s400_production.pcapng, S7-1511_db6w0_HMI.pcap), then split,
 * fragmented, truncated and corrupted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/s7comm.h"
#include "util/json.h"

#include "test_app_run.h"

/* ---- captured TPKTs (hex) ---- */

/* s7comm_reading_plc_status.pcap frames 8-11: COTP CR / CC, setup
 * communication job (PDU 480) and ack_data (PDU 240). */
static const char CR[] = "0300001611e00000000f00c1020100c2020102c0010a";
static const char CC[] = "0300001611d0000f000300c0010ac1020100c2020102";
static const char SETUP_JOB[] = "0300001902f08032010000020000080000f0000001000101e0";
static const char SETUP_ACK[] = "0300001b02f080320300000200000800000000f0000001000100f0";
/* snap7_s300_stop.pcapng: PLC stop "P_PROGRAM" and its ack_data. */
static const char STOP_JOB[] = "0300002102f0803201000000020010000029000000000009505f50524f4752414d";
static const char STOP_ACK[] = "0300001402f08032030000000200010000000029";
/* wincc_s300_setup-alarm-read.pcapng frame 8: read var, 9 S7ANY items
 * (DB1 bytes, M bits, a timer and a counter). */
static const char READ_JOB[] =
    "0300007f02f080320100000002006e00000409120a10060001000184000060120a10010001000184000010120a"
    "10080001000184000040120a10060001000184000020120a10040001000184000000120a100100010000830000"
    "08120a10010001000083000009120a101d000100001d000000120a101c000100001c000000";
/* wincc_s400_production.pcapng frames 24, 25: read var with a DBREAD
 * (0xb0) item, and its ack_data (return code 0xff, 11 bytes). */
static const char DBREAD_JOB[] =
    "0300002602f080320100000d000015000004011211b00302004a006c04004c0194020051003c";
static const char DBREAD_ACK[] =
    "0300002402f080320300000d000002000f00000401ff09000bff040aff0544053eff040a";
/* S7-1511_db6w0_HMI.pcap frames 12, 13: S7comm-plus V2 GetVarSubStreamed
 * request and response, sequence 3; frame 14: an empty COTP DT. */
static const char PLUS_REQ[] =
    "0300006102f080720200523100000586000000030000038834000000322004019a7b000004e88969001200000000"
    "896a001300896b0004000000010120cd3f1cc1716cb9305e6c1a3505901fdebd40522e8f2f8616b9c5ea303fdd"
    "405e72020000";
static const char PLUS_RESP[] =
    "0300004002f080720200313200000586000000033400000008010420bde9dc5aa8aa861e3c85ccc96d215d8b8026"
    "1c94071c0bd3bbfbe41107970d4372020000";
static const char EMPTY_DT[] = "0300000702f000";
/* tia_s300_downloadOb1.pcapng: PLC control "_INSE" (insert) of block
 * "0800001P" (OB1): parameter block 01 00 "0800001P". */
static const char INSERT_JOB[] =
    "0300002b02f08032010000be0a001a000028000000000000fd000a010030383030"
    "30303150055f494e5345";

/* ---- helpers ---- */

struct bytes {
	uint8_t b[8192];
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
	struct app_flow_info fi = {.tcp = true, .server_port = S7COMM_PORT};
	void *st = app_s7comm.state_new(&fi);
	assert_non_null(st);
	return st;
}

static enum app_parse_result feed_bytes(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	uint8_t *c = malloc(n ? n : 1);
	memcpy(c, d, n);
	enum app_parse_result r = app_s7comm.parse(st, dir, c, n, flags);
	free(c);
	return r;
}

static enum app_parse_result feed(void *st, enum app_dir dir, const char *hex)
{
	struct bytes b = unhex(hex);
	return feed_bytes(st, dir, b.b, b.n, 0);
}

static const struct s7comm_tx *tx_at(void *st, uint64_t id)
{
	const struct s7comm_tx *tx = app_s7comm.tx_get(st, id);
	assert_non_null(tx);
	return tx;
}

static char *eve(void *st, const struct s7comm_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_s7comm.log_json(&j, st, tx, 0);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_eve(void *st, const struct s7comm_tx *tx, const char *want)
{
	char *got = eve(st, tx);
	assert_string_equal(got, want);
	free(got);
}

static unsigned events_of(void *st, const struct s7comm_tx *tx)
{
	unsigned m = 0;
	for (int e = 0; e < app_s7comm.n_events; e++)
		if (app_s7comm.tx_has_event(st, tx, e))
			m |= 1u << e;
	return m;
}

#define EV(e) (1u << S7_EV_##e)

/* ---- connection and jobs ---- */

static void test_cotp_connection(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, CR);
	const struct s7comm_tx *tx = tx_at(st, 0);
	assert_int_equal(app_s7comm.tx_side(st, tx, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_s7comm.tx_log(st, tx, false), APP_LOG_WAIT);
	feed(st, APP_TOCLIENT, CC);
	assert_int_equal(app_s7comm.tx_count(st), 1);
	assert_int_equal(app_s7comm.tx_side(st, tx, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_s7comm.tx_log(st, tx, false), APP_LOG_NOW);
	assert_eve(
	    st, tx,
	    "{\"s7comm\":{\"request\":{\"cotp\":\"CR\",\"dst_ref\":0,\"src_ref\":15,\"class\":0,"
	    "\"src_tsap\":\"0100\",\"dst_tsap\":\"0102\",\"tpdu_size\":1024},\"response\":{"
	    "\"cotp\":\"CC\",\"dst_ref\":15,\"src_ref\":3,\"class\":0,\"src_tsap\":\"0100\","
	    "\"dst_tsap\":\"0102\",\"tpdu_size\":1024}}}");
	assert_int_equal(events_of(st, tx), 0);
	app_s7comm.state_free(st);
}

static void test_setup_communication(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, SETUP_JOB);
	feed(st, APP_TOCLIENT, SETUP_ACK);
	assert_int_equal(app_s7comm.tx_count(st), 1);
	const struct s7comm_tx *tx = tx_at(st, 0);
	assert_int_equal(tx->request->s7.pdu_length, 480);
	assert_int_equal(tx->response->s7.pdu_length, 240);
	assert_eve(st, tx,
		   "{\"s7comm\":{\"request\":{\"rosctr\":\"job\",\"rosctr_code\":1,\"pdu_ref\":512,"
		   "\"param_length\":8,\"data_length\":0,\"function\":\"setup_communication\","
		   "\"function_code\":240,\"max_amq_calling\":1,\"max_amq_called\":1,"
		   "\"pdu_length\":480},\"response\":{\"rosctr\":\"ack_data\",\"rosctr_code\":3,"
		   "\"pdu_ref\":512,\"param_length\":8,\"data_length\":0,\"error_class\":0,"
		   "\"error_code\":0,\"function\":\"setup_communication\",\"function_code\":240,"
		   "\"max_amq_calling\":1,\"max_amq_called\":1,\"pdu_length\":240}}}");
	app_s7comm.state_free(st);
}

static void test_read_var_items(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, READ_JOB);
	const struct s7_msg *m = &tx_at(st, 0)->request->s7;
	assert_int_equal(m->function, S7_FUNC_READ_VAR);
	assert_int_equal(m->item_count, 9);
	assert_int_equal(m->n_items, 9);
	assert_int_equal(m->items[0].syntax_id, 0x10);
	assert_int_equal(m->items[0].transport_size, 6);
	assert_int_equal(m->items[0].db, 1);
	assert_int_equal(m->items[0].area, 0x84);
	assert_int_equal(m->items[0].address, 0x60);
	assert_int_equal(m->items[5].area, 0x83);
	assert_int_equal(m->items[5].address, 8);
	assert_int_equal(m->items[7].area, 0x1d);
	assert_int_equal(m->items[8].area, 0x1c);
	assert_int_equal(events_of(st, tx_at(st, 0)), 0);
	char *got = eve(st, tx_at(st, 0));
	assert_non_null(strstr(got,
			       "{\"syntax_id\":16,\"transport_size\":1,\"length\":1,\"db\":0,"
			       "\"area\":\"flags\",\"area_code\":131,\"address\":1,\"bit\":1}"));
	free(got);
	app_s7comm.state_free(st);
}

static void test_read_var_dbread(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, DBREAD_JOB);
	feed(st, APP_TOCLIENT, DBREAD_ACK);
	const struct s7comm_tx *tx = tx_at(st, 0);
	assert_non_null(tx->response);
	assert_int_equal(tx->request->s7.items[0].syntax_id, 0xb0);
	assert_int_equal(tx->response->s7.n_rc, 1);
	assert_int_equal(tx->response->s7.return_codes[0], 0xff);
	assert_int_equal(events_of(st, tx), 0);
	/* the response's item claiming more data than there is */
	struct bytes b = unhex(DBREAD_ACK);
	b.b[b.n - 12] = 0x20;
	void *st2 = new_state();
	feed(st2, APP_TOSERVER, DBREAD_JOB);
	feed_bytes(st2, APP_TOCLIENT, b.b, b.n, 0);
	assert_int_equal(tx_at(st2, 0)->response->s7.n_rc, 1);
	app_s7comm.state_free(st2);
	app_s7comm.state_free(st);
}

static void test_plc_stop(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, STOP_JOB);
	feed(st, APP_TOCLIENT, STOP_ACK);
	const struct s7comm_tx *tx = tx_at(st, 0);
	assert_eve(
	    st, tx,
	    "{\"s7comm\":{\"request\":{\"rosctr\":\"job\",\"rosctr_code\":1,\"pdu_ref\":2,"
	    "\"param_length\":16,\"data_length\":0,\"function\":\"plc_stop\","
	    "\"function_code\":41,\"pi_service\":\"P_PROGRAM\"},\"response\":{\"rosctr\":"
	    "\"ack_data\",\"rosctr_code\":3,\"pdu_ref\":2,\"param_length\":1,\"data_length\":0,"
	    "\"error_class\":0,\"error_code\":0,\"function\":\"plc_stop\","
	    "\"function_code\":41}}}");
	/* a PI service name longer than the parameters */
	struct bytes b = unhex(STOP_JOB);
	b.b[b.n - 10] = 0x40;
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	tx = tx_at(st, 1);
	assert_int_equal(tx->request->s7.name_len, 0);
	assert_int_equal(events_of(st, tx), EV(INVALID_LENGTH));
	app_s7comm.state_free(st);
}

static void test_plc_control(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, INSERT_JOB);
	const struct s7_msg *m = &tx_at(st, 0)->request->s7;
	assert_int_equal(m->function, S7_FUNC_PLC_CONTROL);
	assert_int_equal(m->name_len, 5);
	assert_memory_equal(m->name, "_INSE", 5);
	assert_int_equal(m->pi_param_len, 10);
	assert_memory_equal(m->pi_param + 2, "0800001P", 8);
	assert_int_equal(events_of(st, tx_at(st, 0)), 0);
	char *got = eve(st, tx_at(st, 0));
	assert_non_null(strstr(got, "\"pi_service\":\"_INSE\",\"pi_parameter\":"
				    "\"\\u0001\\u00000800001P\"}"));
	free(got);
	app_s7comm.state_free(st);
}

/* Responses pair by PDU reference, not by order; an answer to nothing is
 * a transaction of its own. */
static void test_pairing(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, SETUP_JOB);
	feed(st, APP_TOSERVER, STOP_JOB);
	assert_int_equal(app_s7comm.tx_log(st, tx_at(st, 0), false), APP_LOG_WAIT);
	assert_int_equal(app_s7comm.tx_log(st, tx_at(st, 0), true), APP_LOG_NOW);
	assert_int_equal(app_s7comm.tx_side(st, tx_at(st, 0), APP_TOCLIENT, false),
			 APP_SIDE_PENDING);
	assert_int_equal(app_s7comm.tx_side(st, tx_at(st, 0), APP_TOCLIENT, true), APP_SIDE_NONE);
	/* an answer to nothing closes nothing */
	feed(st, APP_TOCLIENT, DBREAD_ACK);
	assert_false(tx_at(st, 0)->done);
	feed(st, APP_TOCLIENT, STOP_ACK);
	assert_null(tx_at(st, 0)->response);
	assert_non_null(tx_at(st, 1)->response);
	assert_int_equal(app_s7comm.tx_count(st), 3);
	assert_null(tx_at(st, 2)->request);
	assert_int_equal(app_s7comm.tx_log(st, tx_at(st, 2), false), APP_LOG_NOW);
	assert_non_null(tx_at(st, 2)->response);
	/* the setup job, passed over by the stop's answer, is closed */
	assert_true(tx_at(st, 0)->done);
	assert_int_equal(app_s7comm.tx_log(st, tx_at(st, 0), false), APP_LOG_NOW);
	assert_int_equal(app_s7comm.tx_side(st, tx_at(st, 0), APP_TOCLIENT, false), APP_SIDE_NONE);
	feed(st, APP_TOCLIENT, SETUP_ACK);
	assert_null(tx_at(st, 0)->response);
	assert_null(tx_at(st, 3)->request);
	assert_non_null(tx_at(st, 3)->response);
	app_s7comm.state_free(st);
}

static void test_s7commplus(void **unused)
{
	(void)unused;
	void *st = new_state();
	feed(st, APP_TOSERVER, PLUS_REQ);
	feed(st, APP_TOSERVER, EMPTY_DT);
	feed(st, APP_TOCLIENT, PLUS_RESP);
	assert_int_equal(app_s7comm.tx_count(st), 1);
	const struct s7comm_tx *tx = tx_at(st, 0);
	assert_int_equal(tx->request->kind, S7_PDU_PLUS);
	assert_int_equal(tx->request->plus.function, 0x0586);
	assert_int_equal(tx->request->plus.seq, 3);
	assert_eve(st, tx,
		   "{\"s7comm\":{\"request\":{\"s7commplus\":{\"version\":2,\"opcode\":\"request\","
		   "\"opcode_code\":49,\"function\":\"getvarsubstreamed\",\"function_code\":1414,"
		   "\"sequence\":3}},\"response\":{\"s7commplus\":{\"version\":2,\"opcode\":"
		   "\"response\",\"opcode_code\":50,\"function\":\"getvarsubstreamed\","
		   "\"function_code\":1414,\"sequence\":3}}}}");
	/* a response of another sequence number answers nothing */
	struct bytes b = unhex(PLUS_RESP);
	b.b[7 + 12] = 9; /* the sequence number's low byte */
	feed(st, APP_TOSERVER, PLUS_REQ);
	feed_bytes(st, APP_TOCLIENT, b.b, b.n, 0);
	assert_int_equal(app_s7comm.tx_count(st), 3);
	assert_null(tx_at(st, 1)->response);
	app_s7comm.state_free(st);
}

/* ---- framing ---- */

/* Every two-piece split of a stream, and byte by byte, gives the same
 * transactions as whole TPKTs. */
static void test_splits(void **unused)
{
	(void)unused;
	struct bytes all = {{0}, 0};
	cat(&all, CR);
	cat(&all, SETUP_JOB);
	cat(&all, EMPTY_DT);
	cat(&all, READ_JOB);
	cat(&all, STOP_JOB);
	void *ref = new_state();
	feed_bytes(ref, APP_TOSERVER, all.b, all.n, 0);
	assert_int_equal(app_s7comm.tx_count(ref), 4);
	for (uint32_t cut = 0; cut <= all.n; cut++) {
		void *st = new_state();
		feed_bytes(st, APP_TOSERVER, all.b, cut, 0);
		feed_bytes(st, APP_TOSERVER, all.b + cut, all.n - cut, 0);
		assert_int_equal(app_s7comm.tx_count(st), 4);
		for (uint64_t i = 0; i < 4; i++) {
			char *a = eve(ref, tx_at(ref, i)), *b = eve(st, tx_at(st, i));
			assert_string_equal(a, b);
			free(a);
			free(b);
			assert_int_equal(events_of(st, tx_at(st, i)), 0);
		}
		app_s7comm.state_free(st);
	}
	void *st = new_state();
	for (uint32_t i = 0; i < all.n; i++)
		feed_bytes(st, APP_TOSERVER, all.b + i, 1, 0);
	assert_int_equal(app_s7comm.tx_count(st), 4);
	char *a = eve(ref, tx_at(ref, 2)), *b = eve(st, tx_at(st, 2));
	assert_string_equal(a, b);
	free(a);
	free(b);
	app_s7comm.state_free(st);
	app_s7comm.state_free(ref);
}

/* READ_JOB's S7 PDU sent in two COTP data TPDUs (the first without EOT). */
static void test_cotp_fragments(void **unused)
{
	(void)unused;
	struct bytes r = unhex(READ_JOB);
	const uint32_t pl = r.n - 7, cut = 40;
	struct bytes f = {{0}, 0};
	uint32_t l1 = 7 + cut, l2 = 7 + pl - cut;
	uint8_t h1[] = {3, 0, (uint8_t)(l1 >> 8), (uint8_t)l1, 2, 0xf0, 0x00};
	uint8_t h2[] = {3, 0, (uint8_t)(l2 >> 8), (uint8_t)l2, 2, 0xf0, 0x80};
	memcpy(f.b, h1, 7);
	memcpy(f.b + 7, r.b + 7, cut);
	memcpy(f.b + l1, h2, 7);
	memcpy(f.b + l1 + 7, r.b + 7 + cut, pl - cut);
	f.n = l1 + l2;
	void *st = new_state();
	feed_bytes(st, APP_TOSERVER, f.b, l1, 0);
	assert_int_equal(app_s7comm.tx_count(st), 0);
	feed_bytes(st, APP_TOSERVER, f.b + l1, l2, 0);
	assert_int_equal(app_s7comm.tx_count(st), 1);
	assert_int_equal(tx_at(st, 0)->request->s7.n_items, 9);
	assert_int_equal(events_of(st, tx_at(st, 0)), 0);
	app_s7comm.state_free(st);
}

/* Non-final data past S7COMM_MAX_PDU: dropped, pdu_too_long at the EOT. */
static void test_pdu_too_long(void **unused)
{
	(void)unused;
	const uint32_t len = 40000;
	uint8_t *t = calloc(1, len);
	t[0] = 3;
	t[2] = (uint8_t)(len >> 8);
	t[3] = (uint8_t)len;
	t[4] = 2;
	t[5] = 0xf0;
	t[7] = 0x32;
	void *st = new_state();
	feed_bytes(st, APP_TOSERVER, t, len, 0);
	feed_bytes(st, APP_TOSERVER, t, len, 0);
	t[6] = 0x80;
	feed_bytes(st, APP_TOSERVER, t, len, 0);
	assert_int_equal(app_s7comm.tx_count(st), 1);
	assert_int_equal(events_of(st, tx_at(st, 0)), EV(PDU_TOO_LONG));
	feed(st, APP_TOSERVER, SETUP_JOB);
	assert_int_equal(tx_at(st, 1)->request->s7.pdu_length, 480);
	free(t);
	app_s7comm.state_free(st);
}

static void test_malformed(void **unused)
{
	(void)unused;
	void *st = new_state();
	/* a TPKT of version 4, then resync at the next 03 00 */
	struct bytes b = {{0}, 0};
	cat(&b, "04000007");
	cat(&b, SETUP_JOB);
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	assert_int_equal(events_of(st, tx_at(st, 0)), EV(INVALID_TPKT));
	assert_int_equal(tx_at(st, 1)->request->s7.function, S7_FUNC_SETUP);
	/* a COTP length indicator past the TPKT */
	feed(st, APP_TOSERVER, "0300000709f000");
	assert_int_equal(events_of(st, tx_at(st, 2)), EV(INVALID_COTP));
	/* an unknown ROSCTR */
	b = unhex(SETUP_JOB);
	b.b[8] = 9;
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	assert_int_equal(events_of(st, tx_at(st, 3)), EV(INVALID_HEADER));
	/* an S7 header cut short */
	feed(st, APP_TOSERVER, "0300000c02f0803201000000");
	assert_int_equal(events_of(st, tx_at(st, 4)), EV(INVALID_HEADER));
	/* parameters longer than the PDU: the function is still read */
	b = unhex(SETUP_JOB);
	b.b[7 + 7] = 0x20;
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	assert_int_equal(events_of(st, tx_at(st, 5)), EV(INVALID_LENGTH));
	assert_int_equal(tx_at(st, 5)->request->s7.function, S7_FUNC_SETUP);
	/* read var items cut by the parameter length */
	b = unhex(READ_JOB);
	b.b[7 + 7] = 0x20;
	feed_bytes(st, APP_TOSERVER, b.b, b.n, 0);
	assert_int_equal(events_of(st, tx_at(st, 6)), EV(INVALID_LENGTH));
	assert_int_equal(tx_at(st, 6)->request->s7.n_items, 2);
	/* COTP data that is not S7: nothing */
	feed(st, APP_TOSERVER, "0300000902f0800d00");
	assert_int_equal(app_s7comm.tx_count(st), 7);
	app_s7comm.state_free(st);
}

/* A gap mid-TPKT: the partial one is dropped and the direction resumes at
 * the next 03 00. */
static void test_stream_gap(void **unused)
{
	(void)unused;
	struct bytes a = unhex(READ_JOB);
	void *st = new_state();
	feed_bytes(st, APP_TOSERVER, a.b, 30, 0);
	struct bytes b = {{0}, 0};
	cat(&b, "a1b2");
	cat(&b, STOP_JOB);
	feed_bytes(st, APP_TOSERVER, b.b, b.n, APP_CHUNK_GAP);
	assert_int_equal(app_s7comm.tx_count(st), 1);
	assert_int_equal(tx_at(st, 0)->request->s7.function, S7_FUNC_PLC_STOP);
	app_s7comm.state_free(st);
}

static void test_tx_cap(void **unused)
{
	(void)unused;
	struct bytes b = unhex(STOP_ACK);
	void *st = new_state();
	for (unsigned i = 0; i < S7COMM_MAX_TX + 3; i++)
		feed_bytes(st, APP_TOCLIENT, b.b, b.n, 0);
	assert_int_equal(app_s7comm.tx_count(st), S7COMM_MAX_TX);
	assert_true(events_of(st, tx_at(st, S7COMM_MAX_TX - 1)) & EV(TOO_MANY_TRANSACTIONS));
	app_s7comm.tx_release_upto(st, S7COMM_MAX_TX);
	feed_bytes(st, APP_TOCLIENT, b.b, b.n, 0);
	assert_non_null(app_s7comm.tx_get(st, S7COMM_MAX_TX));
	app_s7comm.state_free(st);
}

static void test_probe(void **unused)
{
	(void)unused;
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = true, .sp = 1000, .dp = 102};
	struct bytes b = unhex(CR);
	assert_int_equal(app_s7comm.probe_port(&in, b.b, b.n), APP_PROBE_NEED_MORE);
	cat(&b, SETUP_JOB);
	assert_int_equal(app_s7comm.probe_port(&in, b.b, b.n), APP_PROBE_MATCH);
	b = unhex(CC);
	cat(&b, EMPTY_DT);
	assert_int_equal(app_s7comm.probe_port(&in, b.b, b.n), APP_PROBE_NEED_MORE);
	b = unhex(PLUS_REQ);
	assert_int_equal(app_s7comm.probe_port(&in, b.b, b.n), APP_PROBE_MATCH);
	b = unhex(CR);
	cat(&b, "0300000902f0800d00"); /* ISO session (MMS), not S7 */
	assert_int_equal(app_s7comm.probe_port(&in, b.b, b.n), APP_PROBE_NO);
	b = unhex(SETUP_JOB);
	b.b[8] = 4;
	assert_int_equal(app_s7comm.probe_port(&in, b.b, b.n), APP_PROBE_NO);
	b = unhex("474554202f20");
	assert_int_equal(app_s7comm.probe_port(&in, b.b, b.n), APP_PROBE_NO);
	b = unhex("0300");
	assert_int_equal(app_s7comm.probe_port(&in, b.b, b.n), APP_PROBE_NEED_MORE);
}

static void test_names(void **unused)
{
	(void)unused;
	assert_int_equal(s7comm_function_by_name("PLC_STOP"), 0x29);
	assert_string_equal(s7comm_function_name(0x1a), "request_download");
	assert_int_equal(s7comm_area_by_name("db"), 0x84);
	assert_int_equal(s7comm_rosctr_by_name("userdata"), 7);
	assert_int_equal(s7plus_function_by_name("getmultivar"), 0x054c);
	assert_int_equal(s7plus_function_by_name("getmultivariables"), 0x054c);
	assert_int_equal(s7plus_opcode_by_name("notification"), 0x33);
	assert_int_equal(s7plus_opcode_by_name("nope"), -1);
}

/* ---- keywords through the pipeline ---- */

static void run_pkt_port(struct run *r, int from_client, uint8_t flags, uint32_t seq, uint32_t ack,
			 const uint8_t *d, uint32_t n)
{
	struct packet p = tcp_pkt_conn(0, from_client, flags, seq, ack, d, n);
	if (from_client)
		p.dp = S7COMM_PORT;
	else
		p.sp = S7COMM_PORT;
	run_packet(r, &p);
}

/* A connection to port 102: request/response TPKT pairs in turn. */
static void run_flow(struct run *r, const char *const *msgs, unsigned n)
{
	uint32_t cs = CISN + 1, ss = SISN + 1;
	run_pkt_port(r, 1, TCP_SYN, CISN, 0, NULL, 0);
	run_pkt_port(r, 0, TCP_SYN | TCP_ACK, SISN, cs, NULL, 0);
	run_pkt_port(r, 1, TCP_ACK, cs, ss, NULL, 0);
	for (unsigned i = 0; i < n; i++) {
		struct bytes b = unhex(msgs[i]);
		bool client = i % 2 == 0;
		run_pkt_port(r, client, TCP_ACK | TCP_PSH, client ? cs : ss, client ? ss : cs, b.b,
			     b.n);
		if (client)
			cs += b.n;
		else
			ss += b.n;
	}
	run_pkt_port(r, 1, TCP_ACK | TCP_FIN, cs, ss, NULL, 0);
	run_pkt_port(r, 0, TCP_ACK | TCP_FIN, ss, cs + 1, NULL, 0);
	run_pkt_port(r, 1, TCP_ACK, cs + 1, ss + 1, NULL, 0);
	run_flow_end(r);
}

static void test_keywords(void **unused)
{
	(void)unused;
	static const char rules[] =
	    "alert s7comm any any -> any any (s7comm.function:plc_stop; sid:1;)\n"
	    "alert tcp any any -> any any (s7comm.rosctr:job; flow:to_server; sid:2;)\n"
	    "alert s7comm any any -> any any (s7comm.item_area:db; s7comm.db:1; sid:3;)\n"
	    "alert s7comm any any -> any any (s7comm.item_area:timer,counter; sid:4;)\n"
	    "alert s7comm any any -> any any (s7comm.db:2-100; sid:5;)\n"
	    "alert s7comm any any -> any any (s7comm.rosctr:ack_data; s7comm.function:240; "
	    "sid:6;)\n"
	    "alert s7comm any any -> any any (s7commplus.opcode:request; sid:7;)\n"
	    "alert s7comm any any -> any any (s7commplus_func:getvarsubstr; "
	    "s7commplus_opcode:response; sid:8;)\n"
	    "alert s7comm any any -> any any (s7commplus.function:!1414; sid:9;)\n"
	    "alert s7comm any any -> any any (s7comm.function:write_var; sid:10;)\n";
	static const char *const msgs[] = {CR,	       CC,	 SETUP_JOB, SETUP_ACK, READ_JOB,
					   DBREAD_ACK, STOP_JOB, STOP_ACK,  PLUS_REQ,  PLUS_RESP};
	struct run r;
	run_init(&r, rules, 10);
	run_flow(&r, msgs, sizeof(msgs) / sizeof(msgs[0]));
	static const unsigned want[] = {0, 2, 3, 1, 1, 0, 1, 1, 1, 0, 0};
	for (uint32_t sid = 1; sid < sizeof(want) / sizeof(want[0]); sid++)
		if (count_sid(&r.hits, sid) != want[sid])
			fprintf(stderr, "sid %u: %u alerts, want %u\n", sid,
				count_sid(&r.hits, sid), want[sid]);
	for (uint32_t sid = 1; sid < sizeof(want) / sizeof(want[0]); sid++)
		assert_int_equal(count_sid(&r.hits, sid), want[sid]);
	run_free(&r);
}

static void test_keyword_syntax(void **unused)
{
	(void)unused;
	static const char rules[] =
	    "alert tcp any any -> any any (s7comm.function:nope; sid:1;)\n"
	    "alert tcp any any -> any any (s7comm.rosctr:256; sid:2;)\n"
	    "alert tcp any any -> any any (s7comm.item_area:db,,inputs; sid:3;)\n"
	    "alert tcp any any -> any any (s7commplus.opcode:req; sid:4;)\n"
	    "alert tcp any any -> any any (s7comm.db:70000; sid:5;)\n"
	    "alert tcp any any -> any any (s7comm.function:read_var,write_var; sid:6;)\n";
	struct run r;
	run_init(&r, rules, 1);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cotp_connection), cmocka_unit_test(test_setup_communication),
	    cmocka_unit_test(test_read_var_items),  cmocka_unit_test(test_read_var_dbread),
	    cmocka_unit_test(test_plc_stop),	    cmocka_unit_test(test_plc_control),
	    cmocka_unit_test(test_pairing),	    cmocka_unit_test(test_s7commplus),
	    cmocka_unit_test(test_splits),	    cmocka_unit_test(test_cotp_fragments),
	    cmocka_unit_test(test_pdu_too_long),    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_stream_gap),	    cmocka_unit_test(test_tx_cap),
	    cmocka_unit_test(test_probe),	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_keywords),	    cmocka_unit_test(test_keyword_syntax),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
