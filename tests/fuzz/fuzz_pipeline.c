/*
 * libFuzzer target: arbitrary frames through one worker's whole pipeline
 * (decode, tunnels, defrag, flow table, EVE output to /dev/null).
 * Input: byte 0 picks the link type, bytes 1..4 the timestamp step, the
 * rest is split into frames at 0xff 0x00 0xff markers, so one input can
 * hold fragment trains and both directions of a flow.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/worker.h"

static const int linktypes[] = {
	LINKTYPE_ETHERNET, LINKTYPE_RAW,  LINKTYPE_IPV4,       LINKTYPE_IPV6,
	LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_NULL, LINKTYPE_LOOP,
	LINKTYPE_PPP,      LINKTYPE_RAW_PCAP,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct eve_file *ef;
	static struct eve_config ec;
	if (!ef) {
		char err[128];
		ef = eve_file_open("/dev/null", err, sizeof(err));
		eve_config_defaults(&ec);
		ec.anomaly_decode = true;
	}
	if (size < 5)
		return 0;
	struct flow_config fc;
	flow_config_defaults(&fc);
	fc.hash_size = 1024;
	fc.memcap = 64 * 1024;
	struct defrag_config dc;
	defrag_config_defaults(&dc);
	dc.memcap = 64 * 1024;
	struct worker_setup s = {.flow_cfg = &fc, .defrag_cfg = &dc, .eve_file = ef, .eve_cfg = &ec};
	struct worker *w = worker_new(&s);
	if (!w)
		return 0;
	int lt = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
	uint32_t step = (uint32_t)data[1] << 8 | data[2];
	const uint8_t *p = data + 5, *end = data + size;
	struct capture_frame fr = {.linktype = lt, .ts_sec = 1000};
	while (p < end) {
		const uint8_t *cut = p;
		while (cut + 3 <= end && !(cut[0] == 0xff && cut[1] == 0x00 && cut[2] == 0xff))
			cut++;
		if (cut + 3 > end)
			cut = end;
		/* A private copy, so reads past the frame are caught by ASan. */
		size_t n = (size_t)(cut - p);
		uint8_t *frame = malloc(n ? n : 1);
		memcpy(frame, p, n);
		fr.data = frame;
		fr.caplen = fr.wirelen = (uint32_t)n;
		fr.pcap_cnt++;
		fr.ts_usec += step;
		fr.ts_sec += fr.ts_usec / 1000000;
		fr.ts_usec %= 1000000;
		worker_process_frame(w, &fr);
		free(frame);
		p = cut + 3;
	}
	worker_finish(w, fr.ts_sec, fr.ts_usec);
	worker_free(w);
	return 0;
}
