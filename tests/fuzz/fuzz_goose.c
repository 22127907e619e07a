/*
 * libFuzzer target: GOOSE frames through the decoder (decode/goose.c),
 * the per-publisher tracker and the EVE writer (output/eve-goose.c, to
 * /dev/null).  Input: frames split at 0xff 0x00 0xff markers; each is
 * put behind an Ethernet header (and, when its first byte is odd, an
 * 802.1Q tag) with type 0x88B8 in an exact-size buffer, so that a read
 * past the frame is caught.  Timestamps step by the frame's second byte
 * (milliseconds) so TTL expiry is reached too; after each frame the
 * tracker looks for silent publishers 20 s later.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "output/eve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_silent(void *arg, const struct goose_silent *s)
{
	eve_log_goose_silent(arg, s);
}

static void one_frame(struct goose_tracker *t, struct eve_logger *l, const uint8_t *d, size_t n,
		      int64_t *usec)
{
	bool vlan = n > 0 && (d[0] & 1);
	size_t hl = vlan ? 18 : 14;
	uint8_t *f = malloc(hl + n);
	if (f == NULL)
		return;
	static const uint8_t hdr[] = {0x01, 0x0c, 0xcd, 0x01, 0x00, 0x01, 0x00, 0x30,
				      0xa7, 0x00, 0x00, 0x01, 0x81, 0x00, 0x80, 0x05};
	memcpy(f, hdr, 12);
	if (vlan) {
		memcpy(f + 12, hdr + 12, 4);
	}
	f[hl - 2] = 0x88;
	f[hl - 1] = 0xb8;
	memcpy(f + hl, d, n);
	struct packet p;
	memset(&p, 0, sizeof(p));
	decode_packet_reset(&p);
	*usec += n > 1 ? d[1] * 1000 : 1;
	p.data = f;
	p.len = p.wire_len = (uint32_t)(hl + n);
	p.ts_sec = *usec / 1000000;
	p.ts_usec = (uint32_t)(*usec % 1000000);
	p.linktype = LINKTYPE_ETHERNET;
	struct decode_stats st;
	memset(&st, 0, sizeof(st));
	decode_packet(&p, &st);
	if (p.goose.present) {
		goose_track(t, &p);
		eve_log_goose(l, &p);
	}
	goose_tracker_expire(t, p.ts_sec + 20, p.ts_usec, on_silent, l);
	free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct eve_file *ef;
	static struct eve_config ec;
	if (ef == NULL) {
		char err[128];
		ef = eve_file_open("/dev/null", err, sizeof(err));
		eve_config_defaults(&ec);
		ec.goose_all = true;
	}
	struct goose_tracker *t = goose_tracker_new();
	struct eve_logger *l = eve_logger_new(ef, &ec, NULL, NULL);
	if (t == NULL || l == NULL)
		abort();
	int64_t usec = 0;
	size_t start = 0;
	for (size_t i = 0; i + 3 <= size; i++) {
		if (data[i] == 0xff && data[i + 1] == 0x00 && data[i + 2] == 0xff) {
			one_frame(t, l, data + start, i - start, &usec);
			start = i + 3;
			i += 2;
		}
	}
	one_frame(t, l, data + start, size - start, &usec);
	eve_logger_free(l);
	goose_tracker_free(t);
	return 0;
}
