/*
 * test_hl7.c — app/hl7.c and hl7-log.c through the descriptor app_hl7: a
 * real ORU^R01 and its ACK (test_health_vectors.h) whole and in every
 * split, truncated and corrupted variants (no end of frame, a new <VT>
 * inside a frame, a <FS> inside data, a gap, bad MSH separators, no MSH),
 * a 10,000-segment message, the message size cap, unmatched
 * acknowledgments, redaction of the EVE object, settings and probes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/hl7.h"
#include "util/config.h"
#include "util/json.h"

#include "test_health_vectors.h"

static void *new_state(const struct hl7_config *cfg)
{
	struct app_flow_info fi = {.tcp = true, .server_port = 2575, .cfg = cfg};
	void *s = app_hl7.state_new(&fi);
	assert_non_null(s);
	return s;
}

static void feed(void *s, enum app_dir dir, const void *d, size_t n, uint32_t flags)
{
	uint8_t *c = malloc(n ? n : 1); /* exact size: ASan catches a read past n */
	assert_non_null(c);
	memcpy(c, d, n);
	assert_int_equal(app_hl7.parse(s, dir, c, (uint32_t)n, flags), APP_PARSE_OK);
	free(c);
}

static const struct hl7_tx *tx_at(void *s, uint64_t id)
{
	const struct hl7_tx *tx = app_hl7.tx_get(s, id);
	assert_non_null(tx);
	return tx;
}

static void assert_bytes(const uint8_t *v, uint32_t len, const char *want)
{
	assert_non_null(v);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(v, want, len);
}

/* A view's bytes; len is read after the call that set it. */
static void assert_view(const uint8_t *v, const uint32_t *len, const char *want)
{
	assert_bytes(v, *len, want);
}

static void assert_field(const struct hl7_msg *m, int f, const char *want)
{
	uint32_t len = 0;
	const uint8_t *v = hl7_msg_field(m, f, &len);
	assert_bytes(v, len, want);
}

static char *eve(void *s, const struct hl7_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_hl7.log_json(&j, s, tx, 0);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

/* The real ORU^R01 as the capture has it. */
static void assert_oru(const struct hl7_msg *m)
{
	assert_non_null(m);
	assert_true(m->has_msh);
	assert_int_equal(m->events, 0);
	assert_field(m, HL7_MSH_FIELD_SEP, "|");
	assert_field(m, HL7_MSH_ENCODING, "^~\\&");
	assert_field(m, HL7_MSH_SENDING_APP, "LAB");
	assert_field(m, HL7_MSH_SENDING_FACILITY, "STMARYS");
	assert_field(m, HL7_MSH_RECEIVING_APP, "EPIC");
	assert_field(m, HL7_MSH_MESSAGE_TYPE, "ORU^R01^ORU_R01");
	assert_field(m, HL7_MSH_CONTROL_ID, "MSG00000001");
	assert_field(m, HL7_MSH_PROCESSING_ID, "P");
	assert_field(m, HL7_MSH_VERSION, "2.5.1");
	uint32_t len = 0;
	assert_view(hl7_msg_type(m, &len), &len, "ORU^R01");
	assert_view(hl7_msg_type_component(m, 2, &len), &len, "ORU_R01");
	assert_int_equal(m->n_segs, 4);
	assert_int_equal(m->n_segs_total, 4);
	static const char *names[] = {"MSH", "PID", "OBR", "OBX"};
	for (uint32_t k = 0; k < 4; k++)
		assert_view(hl7_segment_name(m, k, &len), &len, names[k]);
	assert_int_equal(m->size, sizeof(hl7_oru) - 3);
}

static void test_real_exchange(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	feed(s, APP_TOSERVER, hl7_oru, sizeof(hl7_oru), 0);
	assert_int_equal(app_hl7.tx_count(s), 1);
	const struct hl7_tx *tx = tx_at(s, 0);
	assert_oru(tx->msg[APP_TOSERVER]);
	assert_null(tx->msg[APP_TOCLIENT]);
	assert_int_equal(app_hl7.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_hl7.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_hl7.tx_log(s, tx, false), APP_LOG_WAIT);
	feed(s, APP_TOCLIENT, hl7_oru_ack, sizeof(hl7_oru_ack), 0);
	assert_int_equal(app_hl7.tx_count(s), 1);
	const struct hl7_msg *ack = tx->msg[APP_TOCLIENT];
	assert_non_null(ack);
	assert_true(ack->has_msa);
	assert_field(ack, HL7_MSH_CONTROL_ID, "ACK00000001");
	assert_bytes(ack->data + ack->msa_code.off, ack->msa_code.len, "AA");
	assert_int_equal(app_hl7.tx_log(s, tx, false), APP_LOG_NOW);
	assert_int_equal(app_hl7.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_READY);
	char *out = eve(s, tx);
	assert_non_null(strstr(out, "\"message_type\":\"ORU^R01^ORU_R01\""));
	assert_non_null(strstr(out, "\"segments\":[\"MSH\",\"PID\",\"OBR\",\"OBX\"]"));
	assert_non_null(strstr(out, "\"ack_code\":\"AA\",\"ack_control_id\":\"MSG00000001\""));
	/* redacted by default: the patient's name and record number stay out */
	assert_null(strstr(out, "NGUYEN"));
	assert_null(strstr(out, "628927"));
	assert_null(strstr(out, "\"data\""));
	free(out);
	app_hl7.state_free(s);
}

static void test_unredacted(void **st)
{
	(void)st;
	struct hl7_config cfg = {.redact = false, .max_message = HL7_DEFAULT_MAX_MESSAGE};
	void *s = new_state(&cfg);
	feed(s, APP_TOSERVER, hl7_oru, sizeof(hl7_oru), 0);
	char *out = eve(s, tx_at(s, 0));
	assert_non_null(strstr(out, "NGUYEN^AMARA"));
	assert_non_null(strstr(out, "\"data\":[\"MSH|"));
	free(out);
	app_hl7.state_free(s);
}

/* Every split into two chunks gives the same message. */
static void test_every_split(void **st)
{
	(void)st;
	for (size_t cut = 0; cut <= sizeof(hl7_oru); cut++) {
		void *s = new_state(NULL);
		feed(s, APP_TOSERVER, hl7_oru, cut, 0);
		feed(s, APP_TOSERVER, hl7_oru + cut, sizeof(hl7_oru) - cut, 0);
		assert_int_equal(app_hl7.tx_count(s), 1);
		assert_oru(tx_at(s, 0)->msg[APP_TOSERVER]);
		app_hl7.state_free(s);
	}
}

/* Every truncation, then the end of the direction: an unterminated frame
 * once the <VT> was seen, nothing before. */
static void test_truncations(void **st)
{
	(void)st;
	for (size_t cut = 0; cut < sizeof(hl7_oru) - 1; cut++) {
		void *s = new_state(NULL);
		feed(s, APP_TOSERVER, hl7_oru, cut, APP_CHUNK_EOF);
		if (cut == 0) {
			assert_int_equal(app_hl7.tx_count(s), 0);
		} else {
			assert_int_equal(app_hl7.tx_count(s), 1);
			const struct hl7_tx *tx = tx_at(s, 0);
			assert_true(hl7_tx_has_event(tx, HL7_EV_UNTERMINATED_FRAME));
			/* short of the MSH's 5th byte there is none to read */
			assert_int_equal(hl7_tx_has_event(tx, HL7_EV_MISSING_MSH), cut < 4);
			if (cut >= sizeof(hl7_oru) - 2) /* only <CR> missing: <FS> counts as data */
				assert_int_equal(tx->msg[0]->n_segs, 4);
		}
		app_hl7.state_free(s);
	}
}

static void test_gap_and_new_vt(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	feed(s, APP_TOSERVER, hl7_oru, 100, 0);
	feed(s, APP_TOSERVER, hl7_oru, sizeof(hl7_oru), APP_CHUNK_GAP);
	assert_int_equal(app_hl7.tx_count(s), 2);
	assert_true(hl7_tx_has_event(tx_at(s, 0), HL7_EV_UNTERMINATED_FRAME));
	assert_oru(tx_at(s, 1)->msg[0]);
	/* a <VT> inside a frame ends the open one */
	feed(s, APP_TOSERVER, hl7_oru, 50, 0);
	feed(s, APP_TOSERVER, hl7_oru, sizeof(hl7_oru), 0);
	assert_int_equal(app_hl7.tx_count(s), 4);
	assert_true(hl7_tx_has_event(tx_at(s, 2), HL7_EV_UNTERMINATED_FRAME));
	assert_oru(tx_at(s, 3)->msg[0]);
	/* bytes outside frames are skipped */
	feed(s, APP_TOSERVER, "garbage\r\n", 9, 0);
	assert_int_equal(app_hl7.tx_count(s), 4);
	app_hl7.state_free(s);
}

static void test_fs_inside_data(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	const char m[] = "\x0bMSH|^~\\&|A\x1c"
			 "B|F|||20260101||ADT^A01|1|P|2.5\r\x1c\r";
	feed(s, APP_TOSERVER, m, sizeof(m) - 1, 0);
	assert_int_equal(app_hl7.tx_count(s), 1);
	assert_field(tx_at(s, 0)->msg[0], HL7_MSH_SENDING_APP,
		     "A\x1c"
		     "B");
	assert_int_equal(tx_at(s, 0)->msg[0]->events, 0);
	app_hl7.state_free(s);
}

static void test_malformed_msh(void **st)
{
	(void)st;
	static const struct {
		const char *msg;
		enum hl7_event ev;
	} cases[] = {
	    {"\x0bMSHA^~\\&AB\r\x1c\r", HL7_EV_MALFORMED_MSH}, /* separator a letter */
	    {"\x0bMSH||A|B|||20260101||ADT^A01|1|P|2.5\r\x1c\r",
	     HL7_EV_MALFORMED_MSH}, /* no MSH-2 */
	    {"\x0bMSH|^~\\&|A|B|||20260101||ADT^A01||P|2.5\r\x1c\r",
	     HL7_EV_MALFORMED_MSH}, /* MSH-10 */
	    {"\x0bMSH|^~\\&|A|B|||20260101||ADT^A01|1|P\r\x1c\r",
	     HL7_EV_MALFORMED_MSH}, /* MSH-12 */
	    {"\x0bXSH|^~\\&|A|B|||20260101||ADT^A01|1|P|2.5\r\x1c\r", HL7_EV_MISSING_MSH},
	    {"\x0b\x1c\r", HL7_EV_MISSING_MSH},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		void *s = new_state(NULL);
		feed(s, APP_TOSERVER, cases[i].msg, strlen(cases[i].msg), 0);
		assert_int_equal(app_hl7.tx_count(s), 1);
		const struct hl7_tx *tx = tx_at(s, 0);
		if (!app_hl7.tx_has_event(s, tx, cases[i].ev))
			fail_msg("case %zu", i);
		assert_int_equal(tx->msg[0]->events, 1u << cases[i].ev);
		char *out = eve(s, tx); /* the writer copes with what there is */
		free(out);
		app_hl7.state_free(s);
	}
	/* the real message with its separator corrupted */
	uint8_t bad[sizeof(hl7_oru)];
	memcpy(bad, hl7_oru, sizeof(bad));
	bad[4] = '7';
	void *s = new_state(NULL);
	feed(s, APP_TOSERVER, bad, sizeof(bad), 0);
	assert_true(hl7_tx_has_event(tx_at(s, 0), HL7_EV_MALFORMED_MSH));
	app_hl7.state_free(s);
}

static void test_too_large(void **st)
{
	(void)st;
	struct hl7_config cfg = {.redact = true, .max_message = 120};
	void *s = new_state(&cfg);
	feed(s, APP_TOSERVER, hl7_oru, sizeof(hl7_oru), 0);
	const struct hl7_msg *m = tx_at(s, 0)->msg[0];
	assert_true(hl7_msg_has_event(m, HL7_EV_MESSAGE_TOO_LARGE));
	assert_int_equal(m->len, 120);
	assert_int_equal(m->size, sizeof(hl7_oru) - 3);
	assert_field(m, HL7_MSH_CONTROL_ID, "MSG00000001"); /* the MSH fits */
	char *out = eve(s, tx_at(s, 0));
	assert_non_null(strstr(out, "\"truncated\":true"));
	free(out);
	/* the next message is whole again */
	feed(s, APP_TOCLIENT, hl7_oru_ack, sizeof(hl7_oru_ack), 0);
	assert_non_null(tx_at(s, 0)->msg[1]);
	assert_false(hl7_msg_has_event(tx_at(s, 0)->msg[1], HL7_EV_MESSAGE_TOO_LARGE));
	app_hl7.state_free(s);
}

/* The real message with 10,000 OBX segments, fed in 1000-byte chunks. */
static void test_ten_thousand_segments(void **st)
{
	(void)st;
	const char *obx = "OBX|1|NM|2345-7^GLUCOSE^LN||132|mg/dL|70-110|N|||F\r";
	size_t head = sizeof(hl7_oru) - 2, ol = strlen(obx), n = head + 10000 * ol + 2;
	uint8_t *m = malloc(n);
	assert_non_null(m);
	memcpy(m, hl7_oru, head);
	for (size_t i = 0; i < 10000; i++)
		memcpy(m + head + i * ol, obx, ol);
	m[n - 2] = 0x1c;
	m[n - 1] = 0x0d;
	void *s = new_state(NULL);
	for (size_t off = 0; off < n; off += 1000)
		feed(s, APP_TOSERVER, m + off, n - off < 1000 ? n - off : 1000, 0);
	const struct hl7_msg *msg = tx_at(s, 0)->msg[0];
	assert_int_equal(msg->n_segs_total, 10004);
	assert_int_equal(msg->n_segs, 10004);
	uint32_t len = 0;
	assert_view(hl7_msg_segment(msg, 10003, &len), &len,
		    "OBX|1|NM|2345-7^GLUCOSE^LN||132|mg/dL|70-110|N|||F");
	assert_null(hl7_msg_segment(msg, 10004, &len));
	assert_int_equal(msg->events, 0);
	app_hl7.state_free(s);
	free(m);
}

static void test_unmatched_ack(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	feed(s, APP_TOCLIENT, hl7_oru_ack, sizeof(hl7_oru_ack), 0); /* no request yet */
	feed(s, APP_TOSERVER, hl7_oru, sizeof(hl7_oru), 0);
	assert_int_equal(app_hl7.tx_count(s), 2);
	assert_non_null(tx_at(s, 0)->msg[APP_TOCLIENT]);
	assert_null(tx_at(s, 1)->msg[APP_TOCLIENT]);
	/* an older transaction is logged once a later one exists */
	assert_int_equal(app_hl7.tx_log(s, tx_at(s, 0), false), APP_LOG_NOW);
	assert_int_equal(app_hl7.tx_side(s, tx_at(s, 0), APP_TOSERVER, false), APP_SIDE_NONE);
	/* an ACK sent the same way as the message does not answer it */
	feed(s, APP_TOSERVER, hl7_oru_ack, sizeof(hl7_oru_ack), 0);
	assert_int_equal(app_hl7.tx_count(s), 3);
	app_hl7.tx_release_upto(s, 2);
	assert_null(app_hl7.tx_get(s, 0));
	assert_null(app_hl7.tx_get(s, 1));
	assert_non_null(app_hl7.tx_get(s, 2));
	app_hl7.state_free(s);
}

/* Unreleased transactions are bounded: by count, and by the bytes of
 * their messages (4 MiB messages: a few fit under the 16 MiB cap). */
static void test_live_caps(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	for (int i = 0; i < 300; i++)
		feed(s, APP_TOSERVER, hl7_oru, sizeof(hl7_oru), 0);
	assert_int_equal(app_hl7.tx_count(s), 300);
	assert_null(app_hl7.tx_get(s, 43));
	assert_non_null(app_hl7.tx_get(s, 44));
	/* the first 256 fit; each later one made room and says so */
	assert_false(hl7_tx_has_event(tx_at(s, 255), HL7_EV_TOO_MANY_TRANSACTIONS));
	assert_true(hl7_tx_has_event(tx_at(s, 256), HL7_EV_TOO_MANY_TRANSACTIONS));
	assert_true(hl7_tx_has_event(tx_at(s, 299), HL7_EV_TOO_MANY_TRANSACTIONS));
	assert_string_equal(hl7_event_name(HL7_EV_TOO_MANY_TRANSACTIONS), "too_many_transactions");
	app_hl7.state_free(s);
	struct hl7_config cfg = {.redact = true, .max_message = 4u << 20};
	s = new_state(&cfg);
	size_t n = (4u << 20) + 2;
	uint8_t *big = malloc(n);
	assert_non_null(big);
	memcpy(big, hl7_oru, sizeof(hl7_oru) - 2);
	memset(big + sizeof(hl7_oru) - 2, 'X', n - sizeof(hl7_oru));
	big[n - 2] = 0x1c;
	big[n - 1] = 0x0d;
	for (int i = 0; i < 8; i++)
		feed(s, APP_TOSERVER, big, n, 0);
	free(big);
	assert_int_equal(app_hl7.tx_count(s), 8);
	/* three whole ones and a bit are 16 MiB: the newest three stay */
	assert_null(app_hl7.tx_get(s, 4));
	assert_non_null(app_hl7.tx_get(s, 5));
	assert_false(hl7_tx_has_event(tx_at(s, 7), HL7_EV_MESSAGE_TOO_LARGE));
	/* dropped for the byte cap: the same event */
	assert_true(hl7_tx_has_event(tx_at(s, 7), HL7_EV_TOO_MANY_TRANSACTIONS));
	app_hl7.state_free(s);
}

static void test_probe(void **st)
{
	(void)st;
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = true};
	assert_int_equal(app_hl7.probe(&in, hl7_oru, sizeof(hl7_oru)), APP_PROBE_MATCH);
	assert_int_equal(app_hl7.probe(&in, hl7_oru, 2), APP_PROBE_NEED_MORE);
	assert_int_equal(app_hl7.probe(&in, (const uint8_t *)"\x0bXYZ", 4), APP_PROBE_NO);
	assert_int_equal(app_hl7.probe(&in, (const uint8_t *)"MSH|", 4), APP_PROBE_NO);
	assert_int_equal(app_hl7.probe_port(&in, (const uint8_t *)"\x0bX", 2), APP_PROBE_MATCH);
	assert_int_equal(app_hl7.probe_port(&in, (const uint8_t *)"GET ", 4), APP_PROBE_NO);
	assert_string_equal(app_hl7.tcp_ports, "2575");
}

static void test_config(void **st)
{
	(void)st;
	struct config_node *root = config_new();
	struct hl7_config *c = hl7_config_new(root);
	assert_true(c->redact);
	assert_int_equal(c->max_message, HL7_DEFAULT_MAX_MESSAGE);
	hl7_config_free(c);
	char err[256];
	assert_true(config_load_string(root,
				       "app-layer:\n  protocols:\n    hl7:\n      redact: no\n"
				       "      max-message-size: 4kb\n",
				       err, sizeof(err)));
	c = hl7_config_new(root);
	assert_false(c->redact);
	assert_int_equal(c->max_message, 4096);
	hl7_config_free(c);
	config_free(root);
	assert_string_equal(hl7_event_name(HL7_EV_UNTERMINATED_FRAME), "unterminated_frame");
	assert_null(hl7_event_name(HL7_EV_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_exchange),
	    cmocka_unit_test(test_unredacted),
	    cmocka_unit_test(test_every_split),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_gap_and_new_vt),
	    cmocka_unit_test(test_fs_inside_data),
	    cmocka_unit_test(test_malformed_msh),
	    cmocka_unit_test(test_too_large),
	    cmocka_unit_test(test_ten_thousand_segments),
	    cmocka_unit_test(test_unmatched_ack),
	    cmocka_unit_test(test_live_caps),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
