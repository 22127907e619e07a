/*
 * test_dnp3.c — app/dnp3.c, dnp3-objects.c and dnp3-log.c through the
 * protocol descriptor and the public header: real frames from the ICS
 * captures (../shared/data/pcaps/ics/dnp3), every split of them, every
 * truncation, corrupted CRCs and lengths with their events, transport
 * reassembly and its bound, max-objects, and the EVE object as exact JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dnp3.h"
#include "util/json.h"

/* read_and_response.pcap: a class 0123 read and its response in two frames. */
static const char READ_REQ[] = "056414c40a0001008fedc0c0013c02063c03063c04063c01068a51";
static const char READ_RSP1[] =
    "0564ff4401000a005aeb53c081000001020000090202020202022d3a0202020203020000090202020202020270da"
    "02020214010000090200000000020000e30b000002000000000200000000020000004dba00020000000002000000"
    "0002000000007eae02000000000200000000150100000902d3420000000002000000000200000000020069ce0000"
    "0002000000000200000000020000dd5e000002000000000200000000020000004dba001e01000009020000000002"
    "00000000cd6302000000000200000000020000000002f0030000000002000000000200000000020069ce00000002"
    "000000000a0200000902020217100202020202020228010000090200000058e40002000000000200000000020000"
    "00007eae020000000002000000004e72";
static const char READ_RSP2[] =
    "05641a4401000a00af5d9402000000000200000000020000000066420200000000f3b9";
/* unsolcited_response_and_confirm.pcap */
static const char UNSOL[] = "05640a4401000a006e25c0f08200004466";
static const char CONFIRM[] = "056408c40a000100fc42c0d0001b49";
/* direct_operate_analog_output.pcap: g41v2 with a 2-byte index prefix */
static const char DIRECT_OP[] = "056412c4040003001e7ceec205290228010001000000007dd0";

/* Zeek's auth_change_session_keys.pcap: g120v4 request, g120v5 response. */
static const char AUTH_REQ[] = "05640ec4040003006dd3c0c1207804070101009e40";
static const char AUTH_RSP[] =
    "05641f4403000400342ec0c183900078055b010f0001000000018926000102000400737465766e8d";

static uint8_t *unhex(const char *h, uint32_t *n)
{
	size_t l = strlen(h) / 2;
	uint8_t *b = malloc(l ? l : 1);
	assert_non_null(b);
	for (size_t i = 0; i < l; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
	*n = (uint32_t)l;
	return b;
}

static enum app_parse_result feed(struct dnp3_state *s, enum app_dir d, const char *hex)
{
	uint32_t n;
	uint8_t *b = unhex(hex, &n);
	enum app_parse_result r = dnp3_parse(s, d, b, n, 0);
	free(b);
	return r;
}

/* Feeds the bytes one exact-size chunk of `step` at a time. */
static void feed_split(struct dnp3_state *s, enum app_dir d, const char *hex, uint32_t step)
{
	uint32_t n;
	uint8_t *b = unhex(hex, &n);
	for (uint32_t off = 0; off < n; off += step) {
		uint32_t k = n - off < step ? n - off : step;
		uint8_t *c = malloc(k);
		memcpy(c, b + off, k);
		assert_int_equal(dnp3_parse(s, d, c, k, 0), APP_PARSE_OK);
		free(c);
	}
	free(b);
}

static char *eve(const struct dnp3_tx *tx, uint32_t opts)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	dnp3_tx_log_json(&j, tx, opts);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_eve(const struct dnp3_tx *tx, uint32_t opts, const char *want)
{
	char *got = eve(tx, opts);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "got:  %s\nwant: %s\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

/* CRC-16/DNP written out bit by bit, independent of the parser's. */
static uint16_t crc(const uint8_t *d, size_t n)
{
	uint16_t c = 0;
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++) {
			bool mix = ((c ^ (d[i] >> b)) & 1) != 0;
			c >>= 1;
			if (mix)
				c ^= 0xa6bc;
		}
	return (uint16_t)~c;
}

/* A link frame around user data (transport header first), CRCs computed. */
static size_t frame(uint8_t *out, bool request, const uint8_t *ud, size_t n)
{
	size_t o = 0;
	out[o++] = 0x05;
	out[o++] = 0x64;
	out[o++] = (uint8_t)(5 + n);
	out[o++] = request ? 0xc4 : 0x44;
	out[o++] = request ? 2 : 3;
	out[o++] = 0;
	out[o++] = request ? 3 : 2;
	out[o++] = 0;
	uint16_t c = crc(out, 8);
	out[o++] = c & 0xff;
	out[o++] = c >> 8;
	for (size_t i = 0; i < n; i += 16) {
		size_t k = n - i < 16 ? n - i : 16;
		memcpy(out + o, ud + i, k);
		c = crc(ud + i, k);
		o += k;
		out[o++] = c & 0xff;
		out[o++] = c >> 8;
	}
	return o;
}

/* ---------------------------------------------------------- tests */

static void test_read_request_eve(void **st)
{
	struct dnp3_state *s = dnp3_state_new(NULL);
	assert_int_equal(feed(s, APP_TOSERVER, READ_REQ), APP_PARSE_OK);
	assert_int_equal(dnp3_tx_count(s), 1);
	const struct dnp3_tx *tx = dnp3_tx_get(s, 0);
	assert_true(tx->is_request && tx->done && tx->complete);
	assert_int_equal(tx->function_code, 1);
	assert_int_equal(tx->n_objects, 4);
	assert_int_equal(tx->buffer_len, 14);
	assert_eve(
	    tx, 0,
	    "{\"dnp3\":{\"type\":\"request\",\"control\":{\"dir\":true,\"pri\":true,\"fcb\":"
	    "false,\"fcv\":false,\"function_code\":4},\"src\":1,\"dst\":10,\"application\":{"
	    "\"control\":{\"fir\":true,\"fin\":true,\"con\":false,\"uns\":false,\"sequence\":0},"
	    "\"function_code\":1,\"objects\":[{\"group\":60,\"variation\":2,\"qualifier\":6,"
	    "\"prefix_code\":0,\"range_code\":6,\"start\":0,\"stop\":0,\"count\":0},{\"group\":"
	    "60,\"variation\":3,\"qualifier\":6,\"prefix_code\":0,\"range_code\":6,\"start\":0,"
	    "\"stop\":0,\"count\":0},{\"group\":60,\"variation\":4,\"qualifier\":6,\"prefix_"
	    "code\":0,\"range_code\":6,\"start\":0,\"stop\":0,\"count\":0},{\"group\":60,"
	    "\"variation\":1,\"qualifier\":6,\"prefix_code\":0,\"range_code\":6,\"start\":0,"
	    "\"stop\":0,\"count\":0}],\"complete\":true}}}");
	assert_eve(
	    tx, DNP3_EVE_ALERT,
	    "{\"dnp3\":{\"request\":{\"type\":\"request\",\"control\":{\"dir\":true,\"pri\":"
	    "true,\"fcb\":false,\"fcv\":false,\"function_code\":4},\"src\":1,\"dst\":10,"
	    "\"application\":{\"control\":{\"fir\":true,\"fin\":true,\"con\":false,\"uns\":"
	    "false,\"sequence\":0},\"function_code\":1,\"objects\":[{\"group\":60,\"variation\""
	    ":2,\"qualifier\":6,\"prefix_code\":0,\"range_code\":6,\"start\":0,\"stop\":0,"
	    "\"count\":0},{\"group\":60,\"variation\":3,\"qualifier\":6,\"prefix_code\":0,"
	    "\"range_code\":6,\"start\":0,\"stop\":0,\"count\":0},{\"group\":60,\"variation\":4,"
	    "\"qualifier\":6,\"prefix_code\":0,\"range_code\":6,\"start\":0,\"stop\":0,\"count\""
	    ":0},{\"group\":60,\"variation\":1,\"qualifier\":6,\"prefix_code\":0,\"range_code\":"
	    "6,\"start\":0,\"stop\":0,\"count\":0}],\"complete\":true}}}}");
	dnp3_state_free(s);
}

/* The response spans two frames (FIR, then FIN): one transaction. */
static void test_two_frame_response(void **st)
{
	struct dnp3_state *s = dnp3_state_new(NULL);
	feed(s, APP_TOSERVER, READ_REQ);
	assert_int_equal(feed(s, APP_TOCLIENT, READ_RSP1), APP_PARSE_OK);
	assert_int_equal(dnp3_tx_count(s), 2);
	const struct dnp3_tx *tx = dnp3_tx_get(s, 1);
	assert_false(tx->is_request);
	assert_false(tx->done);
	assert_int_equal(app_dnp3.tx_log(s, tx, false), APP_LOG_WAIT);
	assert_int_equal(app_dnp3.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(feed(s, APP_TOCLIENT, READ_RSP2), APP_PARSE_OK);
	assert_int_equal(dnp3_tx_count(s), 2);
	assert_true(tx->done);
	assert_true(tx->complete);
	assert_int_equal(tx->function_code, DNP3_FC_RESPONSE);
	assert_int_equal(app_dnp3.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_dnp3.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_NONE);
	/* 249 bytes of the first frame's user data, 20 of the second, no CRCs. */
	assert_int_equal(tx->buffer_len, 249 + 20);
	assert_true(tx->n_objects > 0);
	assert_int_equal(tx->objects[0].group, 1);
	assert_int_equal(tx->objects[0].variation, 2);
	dnp3_state_free(s);
}

/* The same bytes in every chunk size give the same transactions. */
static void test_every_split(void **st)
{
	struct dnp3_state *ref = dnp3_state_new(NULL);
	feed(ref, APP_TOCLIENT, READ_RSP1);
	feed(ref, APP_TOCLIENT, READ_RSP2);
	const struct dnp3_tx *rt = dnp3_tx_get(ref, 0);
	char *want = eve(rt, 0);
	for (uint32_t step = 1; step <= 300; step += (step < 24 ? 1 : 37)) {
		struct dnp3_state *s = dnp3_state_new(NULL);
		feed_split(s, APP_TOCLIENT, READ_RSP1, step);
		feed_split(s, APP_TOCLIENT, READ_RSP2, step);
		assert_int_equal(dnp3_tx_count(s), 1);
		char *got = eve(dnp3_tx_get(s, 0), 0);
		assert_string_equal(got, want);
		free(got);
		dnp3_state_free(s);
	}
	free(want);
	dnp3_state_free(ref);
}

/* Every truncation of a frame is kept waiting, none makes a transaction. */
static void test_truncations(void **st)
{
	uint32_t n;
	uint8_t *b = unhex(READ_RSP1, &n);
	for (uint32_t k = 1; k < n; k++) {
		struct dnp3_state *s = dnp3_state_new(NULL);
		uint8_t *c = malloc(k);
		memcpy(c, b, k);
		assert_int_equal(dnp3_parse(s, APP_TOCLIENT, c, k, 0), APP_PARSE_OK);
		assert_int_equal(dnp3_tx_count(s), 0);
		free(c);
		dnp3_state_free(s);
	}
	free(b);
}

static void test_unsolicited_and_confirm(void **st)
{
	struct dnp3_state *s = dnp3_state_new(NULL);
	feed(s, APP_TOCLIENT, UNSOL);
	feed(s, APP_TOSERVER, CONFIRM); /* confirms make no transaction */
	assert_int_equal(dnp3_tx_count(s), 1);
	const struct dnp3_tx *tx = dnp3_tx_get(s, 0);
	assert_int_equal(tx->iin, 0);
	assert_eve(
	    tx, 0,
	    "{\"dnp3\":{\"type\":\"unsolicited_response\",\"control\":{\"dir\":false,\"pri\":"
	    "true,\"fcb\":false,\"fcv\":false,\"function_code\":4},\"src\":10,\"dst\":1,"
	    "\"application\":{\"control\":{\"fir\":true,\"fin\":true,\"con\":true,\"uns\":true,"
	    "\"sequence\":0},\"function_code\":130,\"complete\":true},\"iin\":{}}}");
	dnp3_state_free(s);
}

/* An index prefix gives the point its index; signed values as Suricata's uint64. */
static void test_index_prefix_points(void **st)
{
	struct dnp3_state *s = dnp3_state_new(NULL);
	feed(s, APP_TOSERVER, DIRECT_OP);
	const struct dnp3_tx *tx = dnp3_tx_get(s, 0);
	assert_non_null(tx);
	char *all = eve(tx, 0);
	assert_string_equal(
	    strstr(all, "\"objects\""),
	    "\"objects\":[{\"group\":41,\"variation\":2,\"qualifier\":40,\"prefix_code\":2,"
	    "\"range_code\":8,\"start\":0,\"stop\":0,\"count\":1,\"points\":[{\"prefix\":1,"
	    "\"index\":1,"
	    "\"value\":0,\"control_status\":0}]}],\"complete\":true}}}");
	free(all);
	dnp3_state_free(s);

	/* value -2 as a g30v2 response point: 18446744073709551614 */
	uint8_t ud[] = {0xc0, 0xc1, 0x81, 0x00, 0x00, 30, 2, 0x00, 5, 5, 0x01, 0xfe, 0xff};
	uint8_t f[64];
	size_t n = frame(f, false, ud, sizeof(ud));
	s = dnp3_state_new(NULL);
	assert_int_equal(dnp3_parse(s, APP_TOCLIENT, f, (uint32_t)n, 0), APP_PARSE_OK);
	char *got = eve(dnp3_tx_get(s, 0), 0);
	assert_non_null(strstr(got,
			       "\"points\":[{\"prefix\":0,\"index\":5,\"online\":1,\"restart\":0,"
			       "\"comm_lost\":0,\"remote_forced\":0,\"local_forced\":0,"
			       "\"over_range\":0,\"reference_err\":0,\"reserved0\":0,"
			       "\"value\":18446744073709551614}]"));
	free(got);
	dnp3_state_free(s);
}

/* A bad block CRC skips the frame with bad_transport_crc on the last tx. */
static void test_bad_transport_crc(void **st)
{
	struct dnp3_state *s = dnp3_state_new(NULL);
	feed(s, APP_TOSERVER, READ_REQ);
	uint32_t n;
	uint8_t *b = unhex(READ_REQ, &n);
	b[14] ^= 0x01; /* inside the first data block */
	assert_int_equal(dnp3_parse(s, APP_TOSERVER, b, n, 0), APP_PARSE_OK);
	assert_int_equal(dnp3_tx_count(s), 1);
	assert_true(dnp3_tx_has_event(dnp3_tx_get(s, 0), DNP3_EV_BAD_TRANSPORT_CRC));
	/* the direction goes on */
	b[14] ^= 0x01;
	assert_int_equal(dnp3_parse(s, APP_TOSERVER, b, n, 0), APP_PARSE_OK);
	assert_int_equal(dnp3_tx_count(s), 2);
	free(b);
	dnp3_state_free(s);
}

/* A bad header CRC ends the direction with bad_link_crc; so do bad start bytes. */
static void test_bad_link_crc_and_start(void **st)
{
	struct dnp3_state *s = dnp3_state_new(NULL);
	feed(s, APP_TOSERVER, READ_REQ);
	uint32_t n;
	uint8_t *b = unhex(READ_REQ, &n);
	b[8] ^= 0xff;
	assert_int_equal(dnp3_parse(s, APP_TOSERVER, b, n, 0), APP_PARSE_ERROR);
	assert_true(dnp3_tx_has_event(dnp3_tx_get(s, 0), DNP3_EV_BAD_LINK_CRC));
	assert_int_equal(dnp3_parse(s, APP_TOCLIENT, b, n, 0), APP_PARSE_ERROR);
	dnp3_state_free(s);

	s = dnp3_state_new(NULL);
	b[8] ^= 0xff;
	b[1] = 0x65;
	assert_int_equal(dnp3_parse(s, APP_TOSERVER, b, n, 0), APP_PARSE_ERROR);
	assert_int_equal(dnp3_tx_count(s), 0);
	free(b);
	dnp3_state_free(s);
}

/* A user-data frame too short for the headers: len_too_small. */
static void test_len_too_small(void **st)
{
	struct dnp3_state *s = dnp3_state_new(NULL);
	feed(s, APP_TOSERVER, READ_REQ);
	uint8_t ud[] = {0xc0, 0xc1};
	uint8_t f[32];
	size_t n = frame(f, true, ud, sizeof(ud));
	assert_int_equal(dnp3_parse(s, APP_TOSERVER, f, (uint32_t)n, 0), APP_PARSE_OK);
	assert_true(dnp3_tx_has_event(dnp3_tx_get(s, 0), DNP3_EV_LEN_TOO_SMALL));
	/* a length byte below 5 stops the direction */
	f[2] = 4;
	uint16_t c = crc(f, 8);
	f[8] = c & 0xff;
	f[9] = c >> 8;
	assert_int_equal(dnp3_parse(s, APP_TOCLIENT, f, 10, 0), APP_PARSE_ERROR);
	dnp3_state_free(s);
}

/* An unknown group ends decoding: unknown_object, not complete. */
static void test_unknown_object(void **st)
{
	uint8_t ud[] = {0xc0, 0xc3, 0x02, 200, 1, 0x00, 0, 0, 0x42};
	uint8_t f[64];
	size_t n = frame(f, true, ud, sizeof(ud));
	struct dnp3_state *s = dnp3_state_new(NULL);
	dnp3_parse(s, APP_TOSERVER, f, (uint32_t)n, 0);
	const struct dnp3_tx *tx = dnp3_tx_get(s, 0);
	assert_true(tx->done);
	assert_false(tx->complete);
	assert_true(dnp3_tx_has_event(tx, DNP3_EV_UNKNOWN_OBJECT));
	assert_int_equal(tx->n_objects, 1);
	dnp3_state_free(s);

	/* 16385 points in one object: too_many_points (16384 pass, test_memcap) */
	uint8_t many[] = {0xc0, 0xc1, 0x81, 0x00, 0x00, 1, 1, 0x01, 0x00, 0x00, 0x00, 0x40};
	n = frame(f, false, many, sizeof(many));
	s = dnp3_state_new(NULL);
	dnp3_parse(s, APP_TOCLIENT, f, (uint32_t)n, 0);
	tx = dnp3_tx_get(s, 0);
	assert_true(dnp3_tx_has_event(tx, DNP3_EV_TOO_MANY_POINTS));
	assert_false(dnp3_tx_has_event(tx, DNP3_EV_UNKNOWN_OBJECT));
	assert_false(tx->complete);
	dnp3_state_free(s);
}

/* More object headers than max-objects: too_many_objects. */
static void test_max_objects(void **st)
{
	struct dnp3_config cfg = {.max_objects = 3};
	struct dnp3_state *s = dnp3_state_new(&cfg);
	feed(s, APP_TOSERVER, READ_REQ); /* four g60 headers */
	const struct dnp3_tx *tx = dnp3_tx_get(s, 0);
	assert_true(dnp3_tx_has_event(tx, DNP3_EV_TOO_MANY_OBJECTS));
	assert_false(tx->complete);
	assert_int_equal(tx->n_objects, 3);
	dnp3_state_free(s);
	cfg.max_objects = 4;
	s = dnp3_state_new(&cfg);
	feed(s, APP_TOSERVER, READ_REQ);
	assert_false(dnp3_tx_has_event(dnp3_tx_get(s, 0), DNP3_EV_TOO_MANY_OBJECTS));
	assert_true(dnp3_tx_get(s, 0)->complete);
	dnp3_state_free(s);
}

/* Segments without FIN: the 65th max-size one passes 63 * 255 bytes. */
static void test_too_long_reassembly(void **st)
{
	for (int dir = 0; dir < 2; dir++) {
		bool request = dir == APP_TOSERVER;
		struct dnp3_state *s = dnp3_state_new(NULL);
		for (int i = 0; i < 65; i++) {
			uint8_t ud[250];
			memset(ud, 0x41 + i % 26, sizeof(ud));
			ud[0] = (uint8_t)((i == 0 ? 0x40 : 0) | (i % 64));
			if (i == 0) {
				ud[1] = 0xc0;
				ud[2] = request ? 0x01 : 0x81;
				ud[3] = ud[4] = 0;
			}
			uint8_t f[DNP3_MAX_FRAME];
			size_t n = frame(f, request, ud, sizeof(ud));
			assert_int_equal(n, DNP3_MAX_FRAME);
			assert_int_equal(dnp3_parse(s, (enum app_dir)dir, f, (uint32_t)n, 0),
					 APP_PARSE_OK);
			const struct dnp3_tx *tx = dnp3_tx_get(s, 0);
			assert_int_equal(dnp3_tx_has_event(tx, DNP3_EV_TOO_LONG_REASSEMBLY),
					 i == 64);
			assert_true(tx->buffer_len <= DNP3_MAX_REASSEMBLY);
		}
		assert_int_equal(dnp3_tx_count(s), 1);
		assert_true(dnp3_tx_get(s, 0)->done);
		dnp3_state_free(s);
	}
}

/* A segment whose sequence does not follow is dropped. */
static void test_transport_sequence(void **st)
{
	uint8_t a[] = {0x40 | 5, 0xc0, 0x01, 60, 1, 0x06};
	uint8_t b[] = {0x80 | 7, 60, 2, 0x06};
	uint8_t c[] = {0x80 | 6, 60, 2, 0x06};
	uint8_t f[64];
	struct dnp3_state *s = dnp3_state_new(NULL);
	size_t n = frame(f, true, a, sizeof(a));
	dnp3_parse(s, APP_TOSERVER, f, (uint32_t)n, 0);
	n = frame(f, true, b, sizeof(b));
	dnp3_parse(s, APP_TOSERVER, f, (uint32_t)n, 0);
	assert_false(dnp3_tx_get(s, 0)->done);
	n = frame(f, true, c, sizeof(c));
	dnp3_parse(s, APP_TOSERVER, f, (uint32_t)n, 0);
	const struct dnp3_tx *tx = dnp3_tx_get(s, 0);
	assert_true(tx->done && tx->complete);
	assert_int_equal(tx->n_objects, 2);
	assert_int_equal(tx->objects[1].variation, 2);
	dnp3_state_free(s);

	/* a message whose last segment never comes waits, until a newer
	 * message of its direction begins (a response does not count) */
	s = dnp3_state_new(NULL);
	n = frame(f, true, a, sizeof(a));
	dnp3_parse(s, APP_TOSERVER, f, (uint32_t)n, 0);
	tx = dnp3_tx_get(s, 0);
	assert_int_equal(app_dnp3.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_PENDING);
	assert_int_equal(app_dnp3.tx_log(s, tx, false), APP_LOG_WAIT);
	feed(s, APP_TOCLIENT, UNSOL);
	assert_int_equal(app_dnp3.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_PENDING);
	feed(s, APP_TOSERVER, READ_REQ);
	assert_false(tx->done);
	assert_int_equal(app_dnp3.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_dnp3.tx_log(s, tx, false), APP_LOG_NOW);
	dnp3_state_free(s);
}

static void test_probe_and_names(void **st)
{
	uint32_t n;
	uint8_t *b = unhex(READ_REQ, &n);
	assert_int_equal(dnp3_probe(b, n), APP_PROBE_MATCH);
	assert_int_equal(dnp3_probe(b, 5), APP_PROBE_NEED_MORE);
	b[0] = 0x06;
	assert_int_equal(dnp3_probe(b, n), APP_PROBE_NO);
	free(b);
	assert_int_equal(dnp3_probe((const uint8_t *)"DNP3 outstation v1", 18), APP_PROBE_MATCH);
	assert_int_equal(dnp3_function_by_name("direct_operate_nr"), 6);
	assert_int_equal(dnp3_function_by_name("unsolicited_response"), 130);
	assert_int_equal(dnp3_function_by_name("nope"), -1);
	assert_int_equal(dnp3_indicator_by_name("need_time"), 0x1000);
	assert_int_equal(dnp3_indicator_by_name("no_func_code_support"), 0x0001);
	assert_string_equal(dnp3_event_name(DNP3_EV_TOO_LONG_REASSEMBLY), "too_long_reassembly");
	assert_string_equal(app_dnp3.event_names[DNP3_EV_BAD_LINK_CRC], "bad_link_crc");
}

/* A gap ends parsing of the flow, as Suricata (no gap support). */
static void test_gap(void **st)
{
	struct dnp3_state *s = dnp3_state_new(NULL);
	uint32_t n;
	uint8_t *b = unhex(READ_REQ, &n);
	assert_int_equal(dnp3_parse(s, APP_TOSERVER, b, n, 0), APP_PARSE_OK);
	assert_int_equal(dnp3_parse(s, APP_TOSERVER, b, n, APP_CHUNK_GAP), APP_PARSE_ERROR);
	assert_int_equal(dnp3_parse(s, APP_TOCLIENT, b, n, 0), APP_PARSE_ERROR);
	assert_int_equal(dnp3_tx_count(s), 1);
	free(b);
	dnp3_state_free(s);
}

static void test_release(void **st)
{
	struct dnp3_state *s = dnp3_state_new(NULL);
	for (int i = 0; i < 5; i++)
		feed(s, APP_TOSERVER, READ_REQ);
	assert_int_equal(dnp3_tx_count(s), 5);
	dnp3_tx_release_upto(s, 3);
	assert_null(dnp3_tx_get(s, 2));
	assert_non_null(dnp3_tx_get(s, 3));
	feed(s, APP_TOSERVER, READ_REQ);
	assert_int_equal(dnp3_tx_get(s, 5)->tx_id, 5);
	dnp3_state_free(s);
}

/* Messages of 16384 packed points each: the state stays under its memcap
 * by dropping the oldest transactions. */
static void test_memcap(void **st)
{
	/* application data: response header, g1v1 start-stop 0..16383, 2048 bytes */
	static uint8_t app[4 + 7 + 2048];
	size_t an = 0;
	app[an++] = 0xc0;
	app[an++] = 0x81;
	app[an++] = 0;
	app[an++] = 0;
	uint8_t hdr[] = {1, 1, 0x01, 0x00, 0x00, 0xff, 0x3f};
	memcpy(app + an, hdr, sizeof(hdr));
	an += sizeof(hdr);
	memset(app + an, 0x55, 2048);
	an += 2048;
	struct dnp3_state *s = dnp3_state_new(NULL);
	int msgs = 80;
	for (int m = 0; m < msgs; m++) {
		size_t off = 0;
		for (int seg = 0; off < an; seg++) {
			uint8_t ud[250];
			size_t k = an - off < 249 ? an - off : 249;
			ud[0] = (uint8_t)((seg == 0 ? 0x40 : 0) | (off + k == an ? 0x80 : 0) |
					  (seg & 63));
			memcpy(ud + 1, app + off, k);
			off += k;
			uint8_t f[DNP3_MAX_FRAME];
			size_t n = frame(f, false, ud, k + 1);
			assert_int_equal(dnp3_parse(s, APP_TOCLIENT, f, (uint32_t)n, 0),
					 APP_PARSE_OK);
		}
	}
	assert_int_equal(dnp3_tx_count(s), msgs);
	const struct dnp3_tx *last = dnp3_tx_get(s, msgs - 1);
	assert_non_null(last);
	assert_true(last->complete);
	assert_int_equal(last->n_points, 16384);
	assert_true(dnp3_tx_dropped(s) > 0);
	assert_null(dnp3_tx_get(s, 0));
	size_t held = 0;
	for (int i = 0; i < msgs; i++)
		if (dnp3_tx_get(s, (uint64_t)i) != NULL)
			held += dnp3_tx_get(s, (uint64_t)i)->mem;
	assert_true(held <= DNP3_STATE_MEMCAP);
	dnp3_state_free(s);
}

/* Variable-length objects: lengths from a field and from the size prefix,
 * as Suricata logs them (its output for this capture). */
static void test_auth_objects(void **st)
{
	struct dnp3_state *s = dnp3_state_new(NULL);
	feed(s, APP_TOSERVER, AUTH_REQ);
	feed(s, APP_TOCLIENT, AUTH_RSP);
	assert_int_equal(dnp3_tx_count(s), 2);
	char *j = eve(dnp3_tx_get(s, 0), 0);
	assert_non_null(strstr(j, "\"points\":[{\"prefix\":0,\"index\":0,\"user_number\":1}]"));
	free(j);
	const struct dnp3_tx *tx = dnp3_tx_get(s, 1);
	assert_true(tx->complete);
	j = eve(tx, 0);
	assert_non_null(strstr(j,
			       "\"points\":[{\"prefix\":15,\"index\":0,\"size\":15,\"ksq\":1,"
			       "\"user_number\":1,\"key_wrap_alg\":1,\"key_status\":2,\"mal\":0,"
			       "\"challenge_data_len\":4,\"data->challenge_data\":\"c3Rldg==\"}]"));
	free(j);
	dnp3_state_free(s);

	/* The same response with a size prefix of 10: shorter than the fixed
	 * fields, unknown_object; with prefix code 4 (1-byte size): the object
	 * requires code 5, unknown_object too. */
	uint8_t ud[] = {0xc0, 0xc1, 0x83, 0x90, 0x00, 0x78, 0x05, 0x5b, 0x01, 10,  0x00, 0x01, 0x00,
			0x00, 0x00, 0x01, 0x00, 0x01, 0x02, 0x00, 0x04, 0x00, 's', 't',	 'e',  'v'};
	uint8_t f[64];
	size_t n = frame(f, false, ud, sizeof(ud));
	s = dnp3_state_new(NULL);
	dnp3_parse(s, APP_TOCLIENT, f, (uint32_t)n, 0);
	assert_true(dnp3_tx_has_event(dnp3_tx_get(s, 0), DNP3_EV_UNKNOWN_OBJECT));
	dnp3_state_free(s);
	ud[9] = 15;
	ud[7] = 0x4b;
	n = frame(f, false, ud, sizeof(ud));
	s = dnp3_state_new(NULL);
	dnp3_parse(s, APP_TOCLIENT, f, (uint32_t)n, 0);
	assert_true(dnp3_tx_has_event(dnp3_tx_get(s, 0), DNP3_EV_UNKNOWN_OBJECT));
	dnp3_state_free(s);
	/* and with code 5 back it decodes */
	ud[7] = 0x5b;
	n = frame(f, false, ud, sizeof(ud));
	s = dnp3_state_new(NULL);
	dnp3_parse(s, APP_TOCLIENT, f, (uint32_t)n, 0);
	assert_true(dnp3_tx_get(s, 0)->complete);
	dnp3_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_request_eve),
	    cmocka_unit_test(test_two_frame_response),
	    cmocka_unit_test(test_every_split),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_unsolicited_and_confirm),
	    cmocka_unit_test(test_index_prefix_points),
	    cmocka_unit_test(test_bad_transport_crc),
	    cmocka_unit_test(test_bad_link_crc_and_start),
	    cmocka_unit_test(test_len_too_small),
	    cmocka_unit_test(test_unknown_object),
	    cmocka_unit_test(test_max_objects),
	    cmocka_unit_test(test_too_long_reassembly),
	    cmocka_unit_test(test_transport_sequence),
	    cmocka_unit_test(test_probe_and_names),
	    cmocka_unit_test(test_release),
	    cmocka_unit_test(test_gap),
	    cmocka_unit_test(test_memcap),
	    cmocka_unit_test(test_auth_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
