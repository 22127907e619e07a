/*
 * test_dicom.c — app/dicom.c, dicom-log.c and dicom-names.c through the
 * descriptor app_dicom: a real C-ECHO association and a real C-STORE
 * (test_health_vectors.h) whole, byte by byte and truncated everywhere;
 * the C-STORE data set as a file (name, size, MD5); corrupted variants
 * (unknown PDU type, huge claimed PDU and PDV lengths, a command element
 * running past its set, a response to nothing, an abort mid data set);
 * names of commands and UIDs; probes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dicom.h"
#include "util/json.h"

#include "test_health_vectors.h"

static void *new_state(void)
{
	struct app_flow_info fi = {.tcp = true, .server_port = 104, .file_hashes = APP_FILE_MD5};
	void *s = app_dicom.state_new(&fi);
	assert_non_null(s);
	return s;
}

static enum app_parse_result feed(void *s, enum app_dir dir, const void *d, size_t n,
				  uint32_t flags)
{
	uint8_t *c = malloc(n ? n : 1); /* exact size: ASan catches a read past n */
	assert_non_null(c);
	memcpy(c, d, n);
	enum app_parse_result r = app_dicom.parse(s, dir, c, (uint32_t)n, flags);
	free(c);
	return r;
}

/* Feeds in pieces of `step` bytes (0: whole). */
static void feed_step(void *s, enum app_dir dir, const uint8_t *d, size_t n, size_t step)
{
	if (step == 0)
		step = n;
	for (size_t off = 0; off < n; off += step)
		assert_int_equal(feed(s, dir, d + off, n - off < step ? n - off : step, 0),
				 APP_PARSE_OK);
}

static const struct dicom_tx *tx_at(void *s, uint64_t id)
{
	const struct dicom_tx *tx = app_dicom.tx_get(s, id);
	assert_non_null(tx);
	return tx;
}

static void assert_str(const struct dicom_str *v, const char *want)
{
	assert_int_equal(v->len, strlen(want));
	assert_memory_equal(v->v, want, v->len);
}

static char *eve(void *s, const struct dicom_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_dicom.log_json(&j, s, tx, 0);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void echo_conversation(void *s, size_t step)
{
	feed_step(s, APP_TOSERVER, dicom_echo_assoc_rq, sizeof(dicom_echo_assoc_rq), step);
	feed_step(s, APP_TOCLIENT, dicom_echo_assoc_ac, sizeof(dicom_echo_assoc_ac), step);
	feed_step(s, APP_TOSERVER, dicom_echo_rq, sizeof(dicom_echo_rq), step);
	feed_step(s, APP_TOCLIENT, dicom_echo_rsp, sizeof(dicom_echo_rsp), step);
	feed_step(s, APP_TOSERVER, dicom_echo_release_rq, sizeof(dicom_echo_release_rq), step);
	feed_step(s, APP_TOCLIENT, dicom_echo_release_rp, sizeof(dicom_echo_release_rp), step);
}

static void assert_echo(void *s)
{
	assert_int_equal(app_dicom.tx_count(s), 3);
	const struct dicom_tx *a = tx_at(s, 0);
	assert_int_equal(a->kind, DICOM_TX_ASSOCIATION);
	assert_true(a->assoc.rq && a->assoc.ac && !a->assoc.rj);
	assert_int_equal(a->assoc.protocol_version, 1);
	assert_str(&a->assoc.calling_ae, "CT01_SCANNER");
	assert_str(&a->assoc.called_ae, "PACS_STMARYS");
	assert_str(&a->assoc.app_context, "1.2.840.10008.3.1.1.1");
	assert_int_equal(a->assoc.n_pcs, 1);
	assert_int_equal(a->assoc.pcs[0].id, 1);
	assert_str(&a->assoc.pcs[0].abstract, "1.2.840.10008.1.1");
	assert_int_equal(a->assoc.pcs[0].n_ts, 1);
	assert_str(&a->assoc.pcs[0].ts[0], "1.2.840.10008.1.2");
	assert_true(a->assoc.pcs[0].answered);
	assert_int_equal(a->assoc.pcs[0].result, 0);
	assert_int_equal(a->assoc.user[0].max_pdu, 16384);
	assert_str(&a->assoc.user[0].impl_version, "MODALITY_2_4");
	assert_int_equal(a->events, 0);
	const struct dicom_tx *d = tx_at(s, 1);
	assert_int_equal(d->kind, DICOM_TX_DIMSE);
	assert_int_equal(d->rq_dir, APP_TOSERVER);
	assert_int_equal(d->cmd[0].field, 0x0030);
	assert_int_equal(d->cmd[0].message_id, 1);
	assert_int_equal(d->cmd[1].field, 0x8030);
	assert_int_equal(d->cmd[1].message_id, 1);
	assert_true(d->cmd[1].has_status);
	assert_int_equal(d->cmd[1].status, 0);
	assert_str(&d->cmd[0].sop_class, "1.2.840.10008.1.1");
	assert_int_equal(d->events, 0);
	assert_null(d->file);
	const struct dicom_tx *r = tx_at(s, 2);
	assert_int_equal(r->kind, DICOM_TX_RELEASE);
	for (uint64_t id = 0; id < 3; id++) {
		assert_int_equal(app_dicom.tx_log(s, tx_at(s, id), false), APP_LOG_NOW);
		assert_int_equal(app_dicom.tx_side(s, tx_at(s, id), APP_TOSERVER, false),
				 APP_SIDE_READY);
		assert_int_equal(app_dicom.tx_side(s, tx_at(s, id), APP_TOCLIENT, false),
				 APP_SIDE_READY);
	}
}

static void test_echo(void **st)
{
	(void)st;
	void *s = new_state();
	feed_step(s, APP_TOSERVER, dicom_echo_assoc_rq, sizeof(dicom_echo_assoc_rq), 0);
	const struct dicom_tx *a = tx_at(s, 0);
	assert_int_equal(app_dicom.tx_side(s, a, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_dicom.tx_side(s, a, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_dicom.tx_log(s, a, false), APP_LOG_WAIT);
	app_dicom.state_free(s);
	s = new_state();
	echo_conversation(s, 0);
	assert_echo(s);
	char *out = eve(s, tx_at(s, 0));
	assert_non_null(
	    strstr(out, "\"calling_ae\":\"CT01_SCANNER\",\"called_ae\":\"PACS_STMARYS\""));
	assert_non_null(strstr(out, "\"abstract_syntax_name\":\"Verification SOP Class\""));
	assert_non_null(strstr(out, "\"result\":\"accepted\""));
	free(out);
	out = eve(s, tx_at(s, 1));
	assert_non_null(strstr(out, "\"type\":\"dimse\",\"command\":\"C-ECHO\",\"message_id\":1"));
	assert_non_null(strstr(out, "\"response\":{\"command\":\"C-ECHO-RSP\""));
	free(out);
	app_dicom.state_free(s);
}

static void test_echo_byte_by_byte(void **st)
{
	(void)st;
	for (size_t step = 1; step <= 7; step++) {
		void *s = new_state();
		echo_conversation(s, step);
		assert_echo(s);
		app_dicom.state_free(s);
	}
}

/* Every truncation of the A-ASSOCIATE-RQ, then EOF: nothing is made from
 * a PDU not seen whole. */
static void test_assoc_truncations(void **st)
{
	(void)st;
	for (size_t cut = 0; cut < sizeof(dicom_echo_assoc_rq); cut++) {
		void *s = new_state();
		assert_int_equal(feed(s, APP_TOSERVER, dicom_echo_assoc_rq, cut, APP_CHUNK_EOF),
				 APP_PARSE_OK);
		assert_int_equal(app_dicom.tx_count(s), 0);
		app_dicom.state_free(s);
	}
}

/* The body's items cut short inside a whole PDU: malformed_pdu. */
static void test_assoc_items_corrupted(void **st)
{
	(void)st;
	uint8_t rq[sizeof(dicom_echo_assoc_rq)];
	memcpy(rq, dicom_echo_assoc_rq, sizeof(rq));
	/* the first item (application context) after the 68-byte fixed part
	 * claims more than the PDU holds */
	rq[6 + 68 + 2] = 0x7f;
	void *s = new_state();
	feed(s, APP_TOSERVER, rq, sizeof(rq), 0);
	assert_true(dicom_tx_has_event(tx_at(s, 0), DICOM_EV_MALFORMED_PDU));
	app_dicom.state_free(s);
	/* a fixed part too short for the AE titles */
	static const uint8_t tiny[] = {1, 0, 0, 0, 0, 4, 0, 1, 0, 0};
	s = new_state();
	feed(s, APP_TOSERVER, tiny, sizeof(tiny), 0);
	assert_true(dicom_tx_has_event(tx_at(s, 0), DICOM_EV_MALFORMED_PDU));
	app_dicom.state_free(s);
}

static void store_conversation(void *s, size_t step)
{
	feed_step(s, APP_TOSERVER, dicom_store_assoc_rq, sizeof(dicom_store_assoc_rq), step);
	feed_step(s, APP_TOCLIENT, dicom_store_assoc_ac, sizeof(dicom_store_assoc_ac), step);
	feed_step(s, APP_TOSERVER, dicom_store_rq, sizeof(dicom_store_rq), step);
	feed_step(s, APP_TOSERVER, dicom_store_last_data, sizeof(dicom_store_last_data), step);
	feed_step(s, APP_TOCLIENT, dicom_store_rsp, sizeof(dicom_store_rsp), step);
}

static void test_store_file(void **st)
{
	(void)st;
	for (size_t step = 0; step <= 3; step += 3) {
		void *s = new_state();
		store_conversation(s, step);
		assert_int_equal(app_dicom.tx_count(s), 2);
		const struct dicom_tx *d = tx_at(s, 1);
		assert_int_equal(d->cmd[0].field, 0x0001);
		assert_int_equal(d->cmd[0].dataset_bytes, 330);
		assert_true(d->cmd[0].dataset_done);
		assert_str(&d->cmd[0].sop_class, "1.2.840.10008.5.1.4.1.1.2");
		struct app_file_info fi;
		assert_true(app_dicom.tx_file(d, 0, &fi));
		assert_false(app_dicom.tx_file(d, 1, &fi));
		assert_true(app_dicom.tx_file(d, 0, &fi));
		assert_int_equal(fi.state, APP_FILE_CLOSED);
		assert_int_equal(fi.dir, APP_TOSERVER);
		assert_int_equal(fi.size, 330);
		assert_int_equal(fi.name_len, strlen("1.2.826.0.1.3680043.8.498.1.2.41556"));
		assert_memory_equal(fi.name, "1.2.826.0.1.3680043.8.498.1.2.41556", fi.name_len);
		assert_true(fi.hashes & APP_FILE_MD5);
		char hex[33];
		for (int i = 0; i < 16; i++)
			snprintf(hex + 2 * i, 3, "%02x", fi.md5[i]);
		assert_string_equal(hex, DICOM_STORE_LAST_DATA_MD5);
		uint32_t len = 0;
		const uint8_t *data = dicom_tx_file_data(d, &len);
		assert_int_equal(len, 330);
		assert_memory_equal(data, dicom_store_last_data + 12, 330);
		assert_int_equal(app_dicom.tx_log(s, d, false), APP_LOG_NOW);
		char *out = eve(s, d);
		assert_non_null(strstr(out, "\"sop_class_name\":\"CT Image Storage\""));
		assert_non_null(strstr(out, "\"dataset_size\":330"));
		free(out);
		app_dicom.state_free(s);
	}
}

/* The data set never ends: the file is truncated at EOF or at an abort. */
static void test_store_truncated(void **st)
{
	(void)st;
	void *s = new_state();
	feed(s, APP_TOSERVER, dicom_store_assoc_rq, sizeof(dicom_store_assoc_rq), 0);
	feed(s, APP_TOSERVER, dicom_store_rq, sizeof(dicom_store_rq), 0);
	feed(s, APP_TOSERVER, dicom_store_last_data, 100, APP_CHUNK_EOF);
	struct app_file_info fi;
	const struct dicom_tx *d = tx_at(s, 1);
	assert_true(app_dicom.tx_file(d, 0, &fi));
	assert_int_equal(fi.state, APP_FILE_TRUNCATED);
	assert_int_equal(fi.size, 100 - 12);
	assert_int_equal(fi.hashes, 0);
	assert_int_equal(app_dicom.tx_side(s, d, APP_TOSERVER, true), APP_SIDE_READY);
	assert_int_equal(app_dicom.tx_log(s, d, true), APP_LOG_NOW);
	app_dicom.state_free(s);

	s = new_state();
	feed(s, APP_TOSERVER, dicom_store_assoc_rq, sizeof(dicom_store_assoc_rq), 0);
	feed(s, APP_TOSERVER, dicom_store_rq, sizeof(dicom_store_rq), 0);
	static const uint8_t abort_pdu[] = {7, 0, 0, 0, 0, 4, 0, 0, 2, 6};
	feed(s, APP_TOCLIENT, abort_pdu, sizeof(abort_pdu), 0);
	assert_int_equal(app_dicom.tx_count(s), 3);
	assert_true(app_dicom.tx_file(tx_at(s, 1), 0, &fi));
	assert_int_equal(fi.state, APP_FILE_TRUNCATED);
	const struct dicom_tx *ab = tx_at(s, 2);
	assert_int_equal(ab->kind, DICOM_TX_ABORT);
	assert_int_equal(ab->abort_source, 2);
	assert_int_equal(ab->abort_reason, 6);
	/* the association (never accepted) and the store are over: logged */
	for (uint64_t id = 0; id < 3; id++)
		assert_int_equal(app_dicom.tx_log(s, tx_at(s, id), false), APP_LOG_NOW);
	app_dicom.state_free(s);
}

static void test_invalid_pdu_type(void **st)
{
	(void)st;
	void *s = new_state();
	feed(s, APP_TOSERVER, dicom_echo_assoc_rq, sizeof(dicom_echo_assoc_rq), 0);
	uint8_t bad[sizeof(dicom_echo_rq)];
	memcpy(bad, dicom_echo_rq, sizeof(bad));
	bad[0] = 0x09;
	assert_int_equal(feed(s, APP_TOSERVER, bad, sizeof(bad), 0), APP_PARSE_ERROR);
	assert_true(dicom_tx_has_event(tx_at(s, 0), DICOM_EV_INVALID_PDU_TYPE));
	/* the direction is parsed no further, the other one still is */
	assert_int_equal(feed(s, APP_TOSERVER, dicom_echo_rq, sizeof(dicom_echo_rq), 0),
			 APP_PARSE_ERROR);
	assert_int_equal(feed(s, APP_TOCLIENT, dicom_echo_assoc_ac, sizeof(dicom_echo_assoc_ac), 0),
			 APP_PARSE_OK);
	assert_true(tx_at(s, 0)->assoc.ac);
	app_dicom.state_free(s);
}

/* Huge claimed lengths: an association PDU is skipped, not held; a
 * P-DATA-TF beyond the negotiated maximum is flagged and streamed. */
static void test_huge_lengths(void **st)
{
	(void)st;
	void *s = new_state();
	uint8_t hdr[sizeof(dicom_echo_assoc_rq)];
	memcpy(hdr, dicom_echo_assoc_rq, sizeof(hdr));
	hdr[2] = hdr[3] = hdr[4] = hdr[5] = 0xff;
	feed(s, APP_TOSERVER, hdr, sizeof(hdr), 0);
	assert_true(dicom_tx_has_event(tx_at(s, 0), DICOM_EV_PDU_TOO_LARGE));
	assert_false(tx_at(s, 0)->assoc.rq);
	app_dicom.state_free(s);

	s = new_state();
	echo_conversation(s, 0); /* both sides said 16384 */
	static const uint8_t big[] = {4, 0, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xf9, 1, 0};
	feed(s, APP_TOSERVER, big, sizeof(big), 0);
	assert_true(dicom_tx_has_event(tx_at(s, 2), DICOM_EV_PDU_TOO_LARGE));
	uint8_t *zeros = calloc(1, 65536);
	assert_non_null(zeros);
	for (int i = 0; i < 64; i++) /* 4 MiB of data PDV: nothing held */
		assert_int_equal(feed(s, APP_TOSERVER, zeros, 65536, 0), APP_PARSE_OK);
	free(zeros);
	assert_int_equal(app_dicom.tx_count(s), 3);
	app_dicom.state_free(s);
}

static void test_malformed_pdv(void **st)
{
	(void)st;
	void *s = new_state();
	feed(s, APP_TOSERVER, dicom_echo_assoc_rq, sizeof(dicom_echo_assoc_rq), 0);
	uint8_t bad[sizeof(dicom_echo_rq)];
	memcpy(bad, dicom_echo_rq, sizeof(bad));
	bad[7] = 0x10; /* the PDV claims more than its PDU */
	feed(s, APP_TOSERVER, bad, sizeof(bad), 0);
	assert_true(dicom_tx_has_event(tx_at(s, 0), DICOM_EV_MALFORMED_PDV));
	/* the next PDU is read again */
	feed(s, APP_TOSERVER, dicom_echo_rq, sizeof(dicom_echo_rq), 0);
	assert_int_equal(app_dicom.tx_count(s), 2);
	assert_int_equal(tx_at(s, 1)->cmd[0].field, 0x0030);
	app_dicom.state_free(s);
}

static void test_malformed_command(void **st)
{
	(void)st;
	void *s = new_state();
	uint8_t bad[sizeof(dicom_echo_rq)];
	memcpy(bad, dicom_echo_rq, sizeof(bad));
	/* the group length element (after PDU and PDV headers) claims 0x7f bytes */
	bad[12 + 4] = 0x7f;
	feed(s, APP_TOSERVER, bad, sizeof(bad), 0);
	assert_int_equal(app_dicom.tx_count(s), 1);
	assert_true(dicom_tx_has_event(tx_at(s, 0), DICOM_EV_MALFORMED_COMMAND));
	app_dicom.state_free(s);
}

static void test_unmatched_response(void **st)
{
	(void)st;
	void *s = new_state();
	feed(s, APP_TOCLIENT, dicom_echo_rsp, sizeof(dicom_echo_rsp), 0);
	assert_int_equal(app_dicom.tx_count(s), 1);
	const struct dicom_tx *d = tx_at(s, 0);
	assert_true(dicom_tx_has_event(d, DICOM_EV_UNMATCHED_RESPONSE));
	assert_int_equal(d->cmd[1].field, 0x8030);
	assert_int_equal(app_dicom.tx_log(s, d, false), APP_LOG_NOW);
	app_dicom.tx_release_upto(s, 1);
	assert_null(app_dicom.tx_get(s, 0));
	app_dicom.state_free(s);
}

/* A flow picked up after the A-ASSOCIATE-RQ and the A-RELEASE-RQ: the
 * answers' transactions do not hold the request direction back. */
static void test_answers_without_requests(void **st)
{
	(void)st;
	void *s = new_state();
	feed(s, APP_TOCLIENT, dicom_echo_assoc_ac, sizeof(dicom_echo_assoc_ac), 0);
	feed(s, APP_TOCLIENT, dicom_echo_release_rp, sizeof(dicom_echo_release_rp), 0);
	assert_int_equal(app_dicom.tx_count(s), 2);
	for (uint64_t id = 0; id < 2; id++) {
		const struct dicom_tx *tx = tx_at(s, id);
		assert_int_equal(app_dicom.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_NONE);
		assert_int_equal(app_dicom.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_READY);
		assert_int_equal(app_dicom.tx_log(s, tx, false), APP_LOG_NOW);
	}
	assert_int_equal(tx_at(s, 1)->kind, DICOM_TX_RELEASE);
	app_dicom.state_free(s);
}

/* ---- building command sets (implicit VR LE, PS3.7 6.3.1) ---- */

struct buf {
	uint8_t b[1024];
	size_t n;
};

static void put_le16(struct buf *b, uint16_t v)
{
	b->b[b->n++] = (uint8_t)v;
	b->b[b->n++] = (uint8_t)(v >> 8);
}

static void put_le32(struct buf *b, uint32_t v)
{
	put_le16(b, (uint16_t)v);
	put_le16(b, (uint16_t)(v >> 16));
}

static void el_us(struct buf *b, uint16_t elem, uint16_t v)
{
	put_le16(b, 0);
	put_le16(b, elem);
	put_le32(b, 2);
	put_le16(b, v);
}

static void el_uid(struct buf *b, uint16_t elem, const char *v)
{
	size_t n = strlen(v);
	put_le16(b, 0);
	put_le16(b, elem);
	put_le32(b, (uint32_t)(n + (n & 1)));
	memcpy(b->b + b->n, v, n);
	b->n += n;
	if (n & 1)
		b->b[b->n++] = 0;
}

/* A P-DATA-TF with one PDV of context 1 (control: bit 0 command, bit 1 last). */
static void feed_pdv(void *s, enum app_dir dir, uint8_t control, const uint8_t *d, size_t n)
{
	uint8_t pdu[1100];
	size_t len = n + 6;
	const uint8_t hdr[12] = {4,
				 0,
				 (uint8_t)(len >> 24),
				 (uint8_t)(len >> 16),
				 (uint8_t)(len >> 8),
				 (uint8_t)len,
				 (uint8_t)((n + 2) >> 24),
				 (uint8_t)((n + 2) >> 16),
				 (uint8_t)((n + 2) >> 8),
				 (uint8_t)(n + 2),
				 1,
				 control};
	memcpy(pdu, hdr, 12);
	memcpy(pdu + 12, d, n);
	assert_int_equal(feed(s, dir, pdu, n + 12, 0), APP_PARSE_OK);
}

static void find_command(struct buf *b, uint16_t field, uint16_t id, bool data, int status)
{
	b->n = 0;
	el_uid(b, 0x0002, "1.2.840.10008.5.1.4.1.2.2.1");
	el_us(b, 0x0100, field);
	el_us(b, field & 0x8000 ? 0x0120 : 0x0110, id);
	el_us(b, 0x0800, data ? 0x0000 : 0x0101);
	if (status >= 0)
		el_us(b, 0x0900, (uint16_t)status);
}

/* C-FIND: a request with its identifier, two pending responses with
 * theirs, the final one; the command of the request split over two PDVs;
 * a C-CANCEL naming a second request. */
static void test_find_pending(void **st)
{
	(void)st;
	void *s = new_state();
	struct buf b;
	find_command(&b, 0x0020, 7, true, -1);
	feed_pdv(s, APP_TOSERVER, 0x01, b.b, 10);
	feed_pdv(s, APP_TOSERVER, 0x03, b.b + 10, b.n - 10);
	static const uint8_t ident[] = {0x10, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00};
	feed_pdv(s, APP_TOSERVER, 0x02, ident, sizeof(ident));
	assert_int_equal(app_dicom.tx_count(s), 1);
	const struct dicom_tx *tx = tx_at(s, 0);
	assert_int_equal(tx->cmd[0].field, 0x0020);
	assert_int_equal(tx->cmd[0].message_id, 7);
	assert_int_equal(tx->cmd[0].dataset_bytes, sizeof(ident));
	assert_int_equal(app_dicom.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_READY);
	for (int i = 0; i < 2; i++) {
		find_command(&b, 0x8020, 7, true, 0xff00);
		feed_pdv(s, APP_TOCLIENT, 0x03, b.b, b.n);
		feed_pdv(s, APP_TOCLIENT, 0x02, ident, sizeof(ident));
		assert_int_equal(app_dicom.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_PENDING);
		assert_int_equal(app_dicom.tx_log(s, tx, false), APP_LOG_WAIT);
	}
	/* a second request, cancelled */
	find_command(&b, 0x0020, 8, false, -1);
	feed_pdv(s, APP_TOSERVER, 0x03, b.b, b.n);
	b.n = 0;
	el_us(&b, 0x0100, 0x0fff);
	el_us(&b, 0x0120, 8);
	el_us(&b, 0x0800, 0x0101);
	feed_pdv(s, APP_TOSERVER, 0x03, b.b, b.n);
	assert_int_equal(app_dicom.tx_count(s), 2);
	assert_true(tx_at(s, 1)->cancelled);
	assert_false(tx->cancelled);
	find_command(&b, 0x8020, 7, false, 0x0000);
	feed_pdv(s, APP_TOCLIENT, 0x03, b.b, b.n);
	assert_int_equal(tx->cmd[1].responses, 3);
	assert_int_equal(tx->cmd[1].status, 0);
	assert_int_equal(tx->cmd[1].dataset_bytes, 2 * sizeof(ident));
	assert_int_equal(app_dicom.tx_log(s, tx, false), APP_LOG_NOW);
	assert_int_equal(app_dicom.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(tx->events, 0);
	char *out = eve(s, tx);
	assert_non_null(strstr(out, "\"command\":\"C-FIND\",\"message_id\":7"));
	assert_non_null(strstr(out, "Study Root Query/Retrieve Information Model - FIND"));
	assert_non_null(strstr(out, "\"responses\":3"));
	free(out);
	app_dicom.state_free(s);
}

static void test_gap(void **st)
{
	(void)st;
	void *s = new_state();
	feed(s, APP_TOSERVER, dicom_echo_assoc_rq, sizeof(dicom_echo_assoc_rq), 0);
	assert_int_equal(feed(s, APP_TOSERVER, dicom_echo_rq, sizeof(dicom_echo_rq), APP_CHUNK_GAP),
			 APP_PARSE_ERROR);
	assert_int_equal(app_dicom.tx_count(s), 1);
	app_dicom.state_free(s);
}

/* Unreleased transactions are bounded: beyond DICOM_MAX_LIVE_TXS the
 * oldest goes, and the transaction that made room raises
 * too_many_transactions (as the other parsers do). */
static void test_too_many_transactions(void **st)
{
	(void)st;
	void *s = new_state();
	feed_step(s, APP_TOSERVER, dicom_echo_assoc_rq, sizeof(dicom_echo_assoc_rq), 0);
	feed_step(s, APP_TOCLIENT, dicom_echo_assoc_ac, sizeof(dicom_echo_assoc_ac), 0);
	for (int i = 0; i < 300; i++)
		feed_step(s, APP_TOSERVER, dicom_echo_rq, sizeof(dicom_echo_rq), 0);
	assert_int_equal(app_dicom.tx_count(s), 301);
	assert_null(app_dicom.tx_get(s, 44));
	assert_non_null(app_dicom.tx_get(s, 45));
	assert_false(dicom_tx_has_event(tx_at(s, 255), DICOM_EV_TOO_MANY_TRANSACTIONS));
	assert_true(dicom_tx_has_event(tx_at(s, 256), DICOM_EV_TOO_MANY_TRANSACTIONS));
	assert_true(dicom_tx_has_event(tx_at(s, 300), DICOM_EV_TOO_MANY_TRANSACTIONS));
	assert_int_equal(tx_at(s, 300)->kind, DICOM_TX_DIMSE);
	assert_string_equal(dicom_event_name(DICOM_EV_TOO_MANY_TRANSACTIONS),
			    "too_many_transactions");
	app_dicom.state_free(s);
}

static void test_names(void **st)
{
	(void)st;
	assert_string_equal(dicom_command_name(0x0001), "C-STORE-RQ");
	assert_string_equal(dicom_command_name(0x8021), "C-MOVE-RSP");
	assert_null(dicom_command_name(0x1234));
	assert_int_equal(dicom_command_by_name("c-find-rq"), 0x0020);
	assert_int_equal(dicom_command_by_name("C-FOO"), -1);
	const char *u = "1.2.840.10008.5.1.4.1.2.2.1";
	assert_string_equal(dicom_uid_name((const uint8_t *)u, (uint32_t)strlen(u)),
			    "Study Root Query/Retrieve Information Model - FIND");
	assert_null(dicom_uid_name((const uint8_t *)u, 5));
	assert_string_equal(dicom_event_name(DICOM_EV_MALFORMED_PDV), "malformed_pdv");
}

static void test_probe(void **st)
{
	(void)st;
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = true};
	assert_int_equal(app_dicom.probe(&in, dicom_echo_assoc_rq, sizeof(dicom_echo_assoc_rq)),
			 APP_PROBE_MATCH);
	assert_int_equal(app_dicom.probe(&in, dicom_echo_assoc_rq, 5), APP_PROBE_NEED_MORE);
	assert_int_equal(app_dicom.probe(&in, dicom_echo_assoc_ac, sizeof(dicom_echo_assoc_ac)),
			 APP_PROBE_NO);
	uint8_t v2[sizeof(dicom_echo_assoc_rq)];
	memcpy(v2, dicom_echo_assoc_rq, sizeof(v2));
	v2[7] = 2; /* protocol version 2 */
	assert_int_equal(app_dicom.probe(&in, v2, sizeof(v2)), APP_PROBE_NO);
	memcpy(v2, dicom_echo_assoc_rq, sizeof(v2));
	v2[20] = 0x01; /* a control byte in the called AE title */
	assert_int_equal(app_dicom.probe(&in, v2, sizeof(v2)), APP_PROBE_NO);
	assert_int_equal(app_dicom.probe(&in, dicom_echo_assoc_rq, 41), APP_PROBE_NEED_MORE);
	assert_int_equal(app_dicom.probe_port(&in, dicom_echo_rq, sizeof(dicom_echo_rq)),
			 APP_PROBE_MATCH);
	assert_int_equal(app_dicom.probe_port(&in, (const uint8_t *)"GET / ", 6), APP_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_echo),
	    cmocka_unit_test(test_echo_byte_by_byte),
	    cmocka_unit_test(test_assoc_truncations),
	    cmocka_unit_test(test_assoc_items_corrupted),
	    cmocka_unit_test(test_store_file),
	    cmocka_unit_test(test_store_truncated),
	    cmocka_unit_test(test_invalid_pdu_type),
	    cmocka_unit_test(test_huge_lengths),
	    cmocka_unit_test(test_malformed_pdv),
	    cmocka_unit_test(test_malformed_command),
	    cmocka_unit_test(test_unmatched_response),
	    cmocka_unit_test(test_answers_without_requests),
	    cmocka_unit_test(test_find_pending),
	    cmocka_unit_test(test_gap),
	    cmocka_unit_test(test_too_many_transactions),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
