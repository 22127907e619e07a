/*
 * Unit tests for decode/igmp.c: real IGMPv2 and IGMPv3 reports, every
 * truncation, and the igmp.* events of malformed IGMPv3 messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "support/decode_test.h"

/* threats/cobaltstrike/http_stagless_jquery2.4.6.pcapng frame 656:
 * 192.168.110.110 -> 224.0.0.22, IP router alert option, IGMPv3 report
 * with one group record (change to exclude, 224.0.0.251, no sources). */
static const uint8_t v3_report[] = {
	0x01, 0x00, 0x5e, 0x00, 0x00, 0x16, 0xd2, 0xd7, 0xba, 0x85, 0x4d, 0x2a,
	0x08, 0x00, 0x46, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02,
	0xd5, 0xa2, 0xc0, 0xa8, 0x6e, 0x6e, 0xe0, 0x00, 0x00, 0x16, 0x94, 0x04,
	0x00, 0x00, 0x22, 0x00, 0xf9, 0x02, 0x00, 0x00, 0x00, 0x01, 0x04, 0x00,
	0x00, 0x00, 0xe0, 0x00, 0x00, 0xfb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ics/C37.118/C37118/c37118_1100_unclean.pcap frame 1: IGMPv2
 * membership report for 224.0.0.251. */
static const uint8_t v2_report[] = {
	0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb, 0x00, 0x0c, 0x29, 0x3f, 0x30, 0x5f,
	0x08, 0x00, 0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02,
	0x42, 0x5e, 0xc0, 0xa8, 0x00, 0x16, 0xe0, 0x00, 0x00, 0xfb, 0x94, 0x04,
	0x00, 0x00, 0x16, 0x00, 0x09, 0x04, 0xe0, 0x00, 0x00, 0xfb, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_reports(void **state)
{
	struct packet p;
	struct decode_stats st = {0};
	dtest_decode(&p, &st, LINKTYPE_ETHERNET, v3_report, sizeof(v3_report));
	/* A lone 4-byte router alert option is not padded to 8: Suricata warns. */
	assert_int_equal(dtest_event_count(&p), 1);
	assert_true(decode_has_event(&p, DECODE_EV_IPV4_OPT_PAD_REQUIRED));
	assert_false(p.invalid);
	assert_true(p.ip4.opts & IP4_OPT_RTRALT);
	assert_int_equal(p.proto, 2);
	assert_int_equal(p.igmp.type, 0x22);
	assert_int_equal(p.igmp.version, 3);
	assert_int_equal(p.igmp.hlen, 16);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(st.igmp, 1);

	dtest_decode(&p, &st, LINKTYPE_ETHERNET, v2_report, sizeof(v2_report));
	assert_int_equal(p.igmp.type, 0x16);
	assert_int_equal(p.igmp.version, 2);
	assert_int_equal(p.igmp.hlen, 8);
	assert_memory_equal(p.igmp.group, ((uint8_t[]){224, 0, 0, 251}), 4);
	dtest_free();
}

static void test_truncations(void **state)
{
	/* Cut the IGMP message (fixing the IP length). */
	for (uint32_t n = 0; n < 16; n++) {
		uint8_t f[sizeof(v3_report)];
		memcpy(f, v3_report, sizeof(f));
		f[17] = (uint8_t)(24 + n);
		struct packet p;
		dtest_decode(&p, NULL, LINKTYPE_ETHERNET, f, 38 + n);
		assert_true(p.invalid);
		assert_true(decode_has_event(&p, n < 8    ? DECODE_EV_IGMP_PKT_TOO_SMALL
							  : DECODE_EV_IGMP_V3_PKT_TOO_SMALL));
	}
	dtest_free();
}

static void decode_igmp_msg(struct packet *p, const uint8_t *msg, size_t n)
{
	uint8_t dg[128];
	size_t len = dtest_ipv4(dg, 2, NULL, 0, msg, n);
	dtest_decode(p, NULL, LINKTYPE_IPV4, dg, (uint32_t)len);
}

static void test_v3_events(void **state)
{
	struct packet p;
	/* report: one record claiming 2 aux words that are not there */
	uint8_t rep[16] = {0x22, 0, 0, 0, 0, 0, 0, 1, 0x04, 0x02, 0, 0, 224, 0, 0, 251};
	decode_igmp_msg(&p, rep, sizeof(rep));
	assert_true(decode_has_event(&p, DECODE_EV_IGMP_MALFORMED));
	rep[9] = 0;
	rep[11] = 1; /* one source, missing */
	decode_igmp_msg(&p, rep, sizeof(rep));
	assert_true(decode_has_event(&p, DECODE_EV_IGMP_MALFORMED));
	rep[11] = 0;
	rep[7] = 2; /* two records, one there */
	decode_igmp_msg(&p, rep, sizeof(rep));
	assert_true(decode_has_event(&p, DECODE_EV_IGMP_V3_PKT_TOO_SMALL));

	/* query with two sources, one present */
	uint8_t q[16] = {0x11, 100, 0, 0, 224, 0, 0, 1, 0, 125, 0, 2, 10, 0, 0, 1};
	decode_igmp_msg(&p, q, sizeof(q));
	assert_true(decode_has_event(&p, DECODE_EV_IGMP_V3_PKT_TOO_SMALL));
	q[11] = 1;
	decode_igmp_msg(&p, q, sizeof(q));
	assert_int_equal(dtest_event_count(&p), 0);
	assert_int_equal(p.igmp.version, 3);
	assert_int_equal(p.igmp.hlen, 16);
	/* an 8-byte query is v1 (max resp 0) or v2 */
	decode_igmp_msg(&p, q, 8);
	assert_int_equal(p.igmp.version, 2);
	q[1] = 0;
	decode_igmp_msg(&p, q, 8);
	assert_int_equal(p.igmp.version, 1);
	dtest_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_v3_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
