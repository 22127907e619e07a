/*
 * test_goose.c — decode/goose.c (the GOOSE decoder and the per-worker
 * publisher tracker) and detect/kw-goose.c.  The frame is frame 1 of
 * ../shared/data/pcaps/ics/IEC61850/GOOSE/Sample_File_GOOSE.pcap (in an
 * 802.1Q tag), then truncated, corrupted, and replayed with other stNum,
 * sqNum, times and sources to drive the tracker's events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "detect/detect.h"
#include "output/eve.h"

#include <unistd.h>

#include "test_detect_helpers.h"

static const char FRAME[] =
    "010ccd0100000abbfe10c9028100800088b8300100e3000000006181d8801b414131433151303141314c44302f4c"
    "4c4e3024474f246763625f4181023a988220414131433151303141314c44302f4c4c4e3024496e7465726c6f636b"
    "696e6741830d496e7465726c6f636b696e67418408488890c1240000278503008f61860100870100880101890100"
    "8a0119ab668301008301008301008301008301008301008301008402068084030300008402068084030300008402"
    "06808403030000840206008403030000840206408403030000840206408403030000840206408403030000840206"
    "408403030000840206408403030000";

enum { GOOSE_OFF = 18 }; /* Ethernet + 802.1Q */

struct frame {
	uint8_t b[512];
	uint32_t n;
};

static struct frame frame(void)
{
	struct frame f = {{0}, 0};
	for (size_t i = 0; FRAME[i] != 0; i += 2) {
		unsigned v;
		assert_int_equal(sscanf(FRAME + i, "%2x", &v), 1);
		f.b[f.n++] = (uint8_t)v;
	}
	return f;
}

/* The offset of the first byte of a field's TLV (tag t) in the frame. */
static uint32_t field_at(const struct frame *f, uint8_t tag)
{
	uint32_t p = GOOSE_OFF + 8 + 3; /* 61 81 d8 */
	while (p + 2 <= f->n) {
		if (f->b[p] == tag)
			return p;
		p += 2u + f->b[p + 1];
	}
	fail_msg("no field %02x", tag);
	return 0;
}

/* stNum is 3 bytes in this frame, sqNum 1. */
static void set_stnum(struct frame *f, uint32_t v)
{
	uint32_t p = field_at(f, 0x85);
	assert_int_equal(f->b[p + 1], 3);
	f->b[p + 2] = (uint8_t)(v >> 16), f->b[p + 3] = (uint8_t)(v >> 8), f->b[p + 4] = (uint8_t)v;
}

static void set_sqnum(struct frame *f, uint8_t v)
{
	f->b[field_at(f, 0x86) + 2] = v;
}

/* Decodes n bytes of f in an exact-size copy; the packet keeps no
 * pointer past the call except into *keep (freed by the caller). */
static struct packet decode(const struct frame *f, uint32_t n, int64_t ms, uint8_t **keep)
{
	uint8_t *c = malloc(n ? n : 1);
	memcpy(c, f->b, n);
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.data = c;
	p.len = p.wire_len = n;
	p.linktype = LINKTYPE_ETHERNET;
	p.ts_sec = ms / 1000;
	p.ts_usec = (uint32_t)(ms % 1000) * 1000;
	struct decode_stats st;
	memset(&st, 0, sizeof(st));
	decode_packet(&p, &st);
	*keep = c;
	return p;
}

static void test_decode(void **unused)
{
	(void)unused;
	struct frame f = frame();
	uint8_t *keep;
	struct packet p = decode(&f, f.n, 0, &keep);
	const struct goose_view *g = &p.goose;
	assert_true(g->present);
	assert_true(g->pdu_ok);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.vlan_count, 1);
	assert_int_equal(g->appid, 0x3001);
	assert_int_equal(g->length, 227);
	assert_int_equal(g->gocbref_len, 27);
	assert_memory_equal(g->gocbref, "AA1C1Q01A1LD0/LLN0$GO$gcb_A", 27);
	assert_int_equal(g->ttl, 15000);
	assert_memory_equal(g->datset, "AA1C1Q01A1LD0/LLN0$InterlockingA", g->datset_len);
	assert_true(g->has_goid);
	assert_memory_equal(g->goid, "InterlockingA", 13);
	assert_int_equal(g->stnum, 36705);
	assert_int_equal(g->sqnum, 0);
	assert_false(g->simulation);
	assert_int_equal(g->confrev, 1);
	assert_false(g->ndscom);
	assert_int_equal(g->num_entries, 25);
	assert_int_equal(g->n_data, 25);
	uint32_t pos = 0, n = 0;
	struct goose_value v;
	while (goose_data_next(g, &pos, &v)) {
		assert_int_equal(v.tag, n < 7 ? 0x83 : 0x84);
		assert_int_equal(v.len, n < 7 ? 1 : n % 2 ? 2 : 3);
		n++;
	}
	assert_int_equal(n, 25);
	assert_int_equal(g->t[0], 0x48);
	free(keep);
}

/* Every truncation: never a read past the end, the right event. */
static void test_truncated(void **unused)
{
	(void)unused;
	struct frame f = frame();
	for (uint32_t n = GOOSE_OFF; n < f.n; n++) {
		uint8_t *keep;
		struct packet p = decode(&f, n, 0, &keep);
		if (n < GOOSE_OFF + 8) {
			assert_false(p.goose.present);
			assert_true(decode_has_event(&p, DECODE_EV_GOOSE_PKT_TOO_SMALL));
		} else {
			assert_true(p.goose.present);
			assert_false(p.goose.pdu_ok);
			assert_true(decode_has_event(&p, DECODE_EV_GOOSE_INVALID_LENGTH));
		}
		free(keep);
	}
	/* Length shortened to the captured bytes: the PDU does not fit it */
	f.b[GOOSE_OFF + 3] = 200;
	uint8_t *keep;
	struct packet p = decode(&f, f.n, 0, &keep);
	assert_true(decode_has_event(&p, DECODE_EV_GOOSE_INVALID_PDU));
	free(keep);
}

static void test_corrupted(void **unused)
{
	(void)unused;
	uint8_t *keep;
	/* gocbRef's length past the PDU */
	struct frame f = frame();
	f.b[field_at(&f, 0x80) + 1] = 0xf0;
	struct packet p = decode(&f, f.n, 0, &keep);
	assert_true(decode_has_event(&p, DECODE_EV_GOOSE_INVALID_PDU));
	free(keep);
	/* stNum's tag changed to an unknown one: a mandatory field missing */
	f = frame();
	f.b[field_at(&f, 0x85)] = 0x8d;
	p = decode(&f, f.n, 0, &keep);
	assert_false(p.goose.pdu_ok);
	assert_true(decode_has_event(&p, DECODE_EV_GOOSE_INVALID_PDU));
	free(keep);
	/* a 9-byte stNum does not fit 32 bits */
	f = frame();
	f.b[field_at(&f, 0x85) + 1] = 0x09;
	p = decode(&f, f.n, 0, &keep);
	assert_false(p.goose.pdu_ok);
	free(keep);
	/* the S bit without the simulation flag */
	f = frame();
	f.b[GOOSE_OFF + 4] = 0x80;
	p = decode(&f, f.n, 0, &keep);
	assert_true(p.goose.pdu_ok);
	assert_true(decode_has_event(&p, DECODE_EV_GOOSE_SIMULATION_MISMATCH));
	free(keep);
	/* a gseMngtPdu is not an error */
	f = frame();
	f.b[GOOSE_OFF + 8] = 0x60;
	p = decode(&f, f.n, 0, &keep);
	assert_true(p.goose.mngt);
	assert_int_equal(p.event_count, 0);
	free(keep);
}

/* One frame of publisher f (stNum, sqNum) at time ms through the tracker. */
static uint8_t track(struct goose_tracker *t, struct frame f, uint32_t st, uint8_t sq, int64_t ms,
		     struct packet *out)
{
	set_stnum(&f, st);
	set_sqnum(&f, sq);
	uint8_t *keep;
	*out = decode(&f, f.n, ms, &keep);
	uint8_t why = goose_track(t, out);
	free(keep);
	return why;
}

static void test_tracker(void **unused)
{
	(void)unused;
	struct goose_tracker *t = goose_tracker_new();
	assert_non_null(t);
	struct frame f = frame();
	struct packet p;
	assert_int_equal(track(t, f, 100, 0, 0, &p), GOOSE_LOG_NEW);
	/* retransmissions: sqNum grows, nothing to log */
	assert_int_equal(track(t, f, 100, 1, 10, &p), 0);
	assert_int_equal(track(t, f, 100, 2, 30, &p), 0);
	/* a replay of sqNum 1 */
	assert_int_equal(track(t, f, 100, 1, 40, &p), GOOSE_LOG_ANOMALY);
	assert_true(decode_has_event(&p, DECODE_EV_GOOSE_SQNUM_BACK));
	/* the replay did not become the reference: sqNum 3 is fine */
	assert_int_equal(track(t, f, 100, 3, 50, &p), 0);
	/* a new state */
	assert_int_equal(track(t, f, 101, 0, 60, &p), GOOSE_LOG_STATE);
	assert_int_equal(p.event_count, 0);
	/* states skipped, then going back */
	assert_int_equal(track(t, f, 105, 0, 70, &p), GOOSE_LOG_STATE | GOOSE_LOG_ANOMALY);
	assert_true(decode_has_event(&p, DECODE_EV_GOOSE_STNUM_JUMP));
	assert_int_equal(track(t, f, 104, 0, 80, &p), GOOSE_LOG_STATE | GOOSE_LOG_ANOMALY);
	assert_true(decode_has_event(&p, DECODE_EV_GOOSE_STNUM_BACK));
	/* later than timeAllowedtoLive (15 s) after the previous frame */
	assert_int_equal(track(t, f, 104, 1, 80 + 15000, &p), 0);
	assert_int_equal(track(t, f, 104, 2, 80 + 15000 + 15001, &p), GOOSE_LOG_ANOMALY);
	assert_true(decode_has_event(&p, DECODE_EV_GOOSE_TTL_EXPIRED));
	/* another publisher (source MAC) with the same gocbRef is new */
	struct frame g = f;
	g.b[11] ^= 1;
	assert_int_equal(track(t, g, 1, 0, 40000, &p), GOOSE_LOG_NEW);
	/* the first one is still known */
	assert_int_equal(track(t, f, 104, 3, 40001, &p), 0);
	assert_int_equal(track(t, f, 104, 4, 40002, &p), 0);
	/* an invalid frame is not tracked; its event is an anomaly to log */
	struct frame bad = f;
	bad.b[field_at(&bad, 0x80) + 1] = 0xf0;
	uint8_t *keep;
	p = decode(&bad, bad.n, 40003, &keep);
	assert_int_equal(goose_track(t, &p), GOOSE_LOG_ANOMALY);
	free(keep);
	assert_int_equal(goose_tracker_evicted(t), 0);
	goose_tracker_free(t);
}

static char *eve_write(struct packet *p, const struct goose_silent *s, bool all);

struct silences {
	unsigned n;
	struct goose_silent last;
};

static void on_silent(void *arg, const struct goose_silent *s)
{
	struct silences *c = arg;
	c->n++;
	c->last = *s;
}

/* A publisher that stops: reported once, when the clock passes its TTL. */
static void test_silence(void **unused)
{
	(void)unused;
	struct goose_tracker *t = goose_tracker_new();
	struct silences c = {0};
	goose_tracker_expire(t, 100, 0, on_silent, &c); /* nothing tracked */
	assert_int_equal(c.n, 0);
	struct frame f = frame();
	struct packet p;
	track(t, f, 7, 3, 1000, &p);
	goose_tracker_expire(t, 16, 0, on_silent, &c); /* 15 s after: not past */
	assert_int_equal(c.n, 0);
	goose_tracker_expire(t, 16, 1000, on_silent, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.last.stnum, 7);
	assert_int_equal(c.last.sqnum, 3);
	assert_int_equal(c.last.ttl, 15000);
	assert_int_equal(c.last.last_sec, 1);
	assert_int_equal(c.last.gocbref_len, 27);
	assert_memory_equal(c.last.mac, f.b + 6, 6);
	assert_string_equal(
	    eve_write(NULL, &c.last, false),
	    "{\"timestamp\":\"1970-01-01T00:00:16.001000+0000\",\"event_type\":\"goose\","
	    "\"goose\":{\"src_mac\":\"0a:bb:fe:10:c9:02\",\"gocbref\":"
	    "\"AA1C1Q01A1LD0/LLN0$GO$gcb_A\",\"time_allowed_to_live\":15000,\"stnum\":7,"
	    "\"sqnum\":3,\"last_seen\":\"1970-01-01T00:00:01.000000+0000\",\"reason\":["
	    "\"anomaly\"],\"events\":[\"ttl_expired\"]}}\n");
	goose_tracker_expire(t, 17, 0, on_silent, &c); /* once per silence */
	assert_int_equal(c.n, 1);
	/* it speaks again: the late frame has the event, the silence ends */
	assert_int_equal(track(t, f, 7, 4, 18000, &p), GOOSE_LOG_ANOMALY);
	assert_true(decode_has_event(&p, DECODE_EV_GOOSE_TTL_EXPIRED));
	goose_tracker_expire(t, 20, 0, on_silent, &c);
	assert_int_equal(c.n, 1);
	goose_tracker_expire(t, 40, 0, on_silent, &c);
	assert_int_equal(c.n, 2);
	goose_tracker_free(t);
}

static void test_keywords(void **unused)
{
	(void)unused;
	struct frame f = frame();
	uint8_t *keep;
	struct packet p = decode(&f, f.n, 0, &keep);
	assert_int_equal(th_match_pkt("alert pkthdr any any -> any any (goose.gocbref; "
				      "content:\"$GO$gcb_A\"; endswith; sid:1;)",
				      &p),
			 1);
	assert_int_equal(th_match_pkt("alert pkthdr any any -> any any (goose.datset; "
				      "content:\"LLN0$Interlocking\"; sid:1;)",
				      &p),
			 1);
	assert_int_equal(th_match_pkt("alert pkthdr any any -> any any (goose.goid; "
				      "content:\"gcb\"; sid:1;)",
				      &p),
			 0);
	assert_int_equal(th_match_pkt("alert pkthdr any any -> any any (goose.stnum:36705; "
				      "goose.sqnum:<1; goose.appid:0x3001; sid:1;)",
				      &p),
			 1);
	assert_int_equal(th_match_pkt("alert pkthdr any any -> any any (goose.stnum:>36705; "
				      "sid:1;)",
				      &p),
			 0);
	assert_int_equal(th_match_pkt("alert pkthdr any any -> any any (goose.ttl:15000; "
				      "goose.confrev:1; sid:1;)",
				      &p),
			 1);
	/* a rule on IP never sees the frame */
	assert_int_equal(
	    th_match_pkt("alert ip any any -> any any (goose.stnum:36705; sid:1;)", &p), 0);
	/* the tracker's event through decode-event */
	struct goose_tracker *t = goose_tracker_new();
	goose_track(t, &p);
	free(keep);
	set_stnum(&f, 36707);
	p = decode(&f, f.n, 10, &keep);
	goose_track(t, &p);
	assert_int_equal(th_match_pkt("alert pkthdr any any -> any any "
				      "(decode-event:goose.stnum_jump; sid:1;)",
				      &p),
			 1);
	free(keep);
	goose_tracker_free(t);
	assert_int_equal(th_parse_result("alert pkthdr any any -> any any (goose.stnum:x; sid:1;)"),
			 0);
	assert_int_equal(
	    th_parse_result("alert pkthdr any any -> any any (goose.appid:70000; sid:1;)"), 0);
}

/* The EVE writer: what is logged and how (to a temporary file); a
 * frame's event, or a silence's when s is given. */
static char *eve_write(struct packet *p, const struct goose_silent *s, bool all)
{
	char path[] = "/tmp/vigil-test-goose-XXXXXX", err[128];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct eve_file *ef = eve_file_open(path, err, sizeof(err));
	assert_non_null(ef);
	struct eve_config ec;
	eve_config_defaults(&ec);
	ec.goose_all = all;
	struct eve_logger *l = eve_logger_new(ef, &ec, NULL, NULL);
	if (s != NULL)
		eve_log_goose_silent(l, s);
	else
		eve_log_goose(l, p);
	eve_logger_free(l);
	eve_file_close(ef);
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	unlink(path);
	buf[n] = 0;
	return buf;
}

static char *eve_of(struct packet *p, bool all)
{
	return eve_write(p, NULL, all);
}

static void test_eve(void **unused)
{
	(void)unused;
	struct frame f = frame();
	uint8_t *keep;
	struct packet p = decode(&f, f.n, 0, &keep);
	/* not tracked (no reason): only with log-all */
	assert_string_equal(eve_of(&p, false), "");
	struct goose_tracker *t = goose_tracker_new();
	goose_track(t, &p);
	const char *e = eve_of(&p, false);
	assert_non_null(strstr(e, "\"event_type\":\"goose\",\"vlan\":[0]"));
	assert_non_null(strstr(
	    e, "\"goose\":{\"src_mac\":\"0a:bb:fe:10:c9:02\",\"dest_mac\":\"01:0c:cd:01:00:00\","
	       "\"appid\":12289,\"length\":227,\"simulated\":false,\"gocbref\":"
	       "\"AA1C1Q01A1LD0/LLN0$GO$gcb_A\",\"time_allowed_to_live\":15000,\"datset\":"
	       "\"AA1C1Q01A1LD0/LLN0$InterlockingA\",\"goid\":\"InterlockingA\",\"t\":"
	       "\"2008-07-24T14:25:05.140625+0000\",\"stnum\":36705,\"sqnum\":0,"
	       "\"simulation\":false,\"conf_rev\":1,\"nds_com\":false,"
	       "\"num_dat_set_entries\":25,\"all_data\":[false,false,false,false,false,false,"
	       "false,{\"bit_string\":\"0680\"},"));
	assert_non_null(strstr(e, "\"reason\":[\"new\"]}}"));
	free(keep);
	/* a repeat: nothing, unless log-all */
	set_sqnum(&f, 1);
	p = decode(&f, f.n, 5, &keep);
	goose_track(t, &p);
	assert_string_equal(eve_of(&p, false), "");
	assert_non_null(strstr(eve_of(&p, true), "\"sqnum\":1,"));
	free(keep);
	/* a replay: logged with its event */
	p = decode(&f, f.n, 6, &keep);
	goose_track(t, &p);
	assert_non_null(
	    strstr(eve_of(&p, false), "\"reason\":[\"anomaly\"],\"events\":[\"sqnum_back\"]}}"));
	free(keep);
	goose_tracker_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_corrupted), cmocka_unit_test(test_tracker),
	    cmocka_unit_test(test_keywords),  cmocka_unit_test(test_eve),
	    cmocka_unit_test(test_silence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
