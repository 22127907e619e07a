/*
 * capture/pcap-file.c reads classic pcap files itself: every frame (time,
 * lengths, bytes, link type) must be what libpcap gives for the same file,
 * in both byte orders, in micro- and nanosecond files, with records longer
 * than the snapshot, and up to a broken record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "capture/capture.h"

static void put32(FILE *f, uint32_t v, bool swap)
{
	if (swap)
		v = __builtin_bswap32(v);
	fwrite(&v, 4, 1, f);
}

static void put16(FILE *f, uint16_t v, bool swap)
{
	if (swap)
		v = (uint16_t)(v << 8 | v >> 8);
	fwrite(&v, 2, 1, f);
}

enum broken { WHOLE, CUT_RECORD, CUT_HEADER, HUGE_RECORD };

/* A pcap of n Ethernet frames of varied lengths and times. */
static void write_pcap(const char *path, bool swap, bool nano, uint32_t snaplen, int n,
		       enum broken how)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	put32(f, nano ? 0xa1b23c4du : 0xa1b2c3d4u, swap);
	put16(f, 2, swap);
	put16(f, 4, swap);
	put32(f, 0, swap);
	put32(f, 0, swap);
	put32(f, snaplen, swap);
	put32(f, 1, swap);
	uint8_t data[3000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	for (int k = 0; k < n; k++) {
		uint32_t len = 60u + (uint32_t)k * 97u % 2900u;
		uint32_t sec = k == 3 ? 0xf0000000u : 1500000000u + (uint32_t)k; /* one past 2^31 */
		uint32_t frac = nano ? (uint32_t)k * 123456789u % 1000000000u
				     : (uint32_t)k * 12345u % 1000000u;
		put32(f, sec, swap);
		put32(f, frac, swap);
		put32(f, how == HUGE_RECORD && k == n - 1 ? 300000u : len, swap);
		put32(f, len + 4, swap);
		fwrite(data, 1, how == CUT_RECORD && k == n - 1 ? len / 2 : len, f);
	}
	if (how == CUT_HEADER)
		fwrite(data, 1, 7, f);
	fclose(f);
}

static bool any_linktype(int lt)
{
	(void)lt;
	return true;
}

/* Every frame as libpcap gives it, then the same through capture_next. */
static void compare_with_libpcap(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	assert_non_null(p);
	char err[256];
	struct capture *c = capture_open(path, any_linktype, err, sizeof(err));
	assert_non_null(c);
	struct pcap_pkthdr *h;
	const u_char *d;
	int frames = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		struct capture_frame fr;
		assert_int_equal(capture_next(c, &fr), 1);
		assert_int_equal(fr.ts_sec, (int64_t)h->ts.tv_sec);
		assert_int_equal(fr.ts_usec, (uint32_t)h->ts.tv_usec);
		assert_int_equal(fr.caplen, h->caplen);
		assert_int_equal(fr.wirelen, h->len);
		assert_int_equal(fr.linktype, pcap_datalink(p));
		assert_memory_equal(fr.data, d, h->caplen);
		frames++;
	}
	struct capture_frame fr;
	assert_int_equal(capture_next(c, &fr), 0);
	assert_true(frames > 0);
	pcap_close(p);
	capture_close(c);
}

static void test_like_libpcap(void **state)
{
	(void)state;
	char path[] = "/tmp/vigil-capture-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (int swap = 0; swap < 2; swap++)
		for (int nano = 0; nano < 2; nano++)
			for (uint32_t snap = 0; snap <= 2000; snap += 1000) /* 0: the maximum */
				for (int how = WHOLE; how <= HUGE_RECORD; how++) {
					write_pcap(path, swap, nano, snap, 40, (enum broken)how);
					compare_with_libpcap(path);
				}
	unlink(path);
}

/* A broken file counts as cut short; the frames before the break are read. */
static void test_cut_counted(void **state)
{
	(void)state;
	char path[] = "/tmp/vigil-capture-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_pcap(path, false, false, 0, 10, CUT_RECORD);
	char err[256];
	struct capture *c = capture_open(path, any_linktype, err, sizeof(err));
	assert_non_null(c);
	struct capture_frame fr;
	int n = 0;
	while (capture_next(c, &fr) == 1)
		n++;
	assert_int_equal(n, 9);
	assert_int_equal(capture_get_stats(c)->truncated_records, 1);
	capture_close(c);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_like_libpcap),
	    cmocka_unit_test(test_cut_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
