/*
 * app_harness.h — the libFuzzer driver every protocol's fuzz target
 * shares: it drives one entry of the protocol table (struct app_protocol,
 * app/app.h) through its descriptor, as the framework does.  A target is
 *
 *     #define FUZZ_PROTOCOL app_ssh
 *     #define FUZZ_TCP true
 *     #include "app_harness.h"
 *
 * Input: records of [control][length - 1][chunk]: control bit0 is the
 * direction (0 to server, 1 to client), bit1 marks a gap before the
 * chunk, bit2 ends the direction (EOF) after it; each chunk (1..256
 * bytes) is copied to an exact-size buffer so that a read past its end is
 * caught.  After every chunk, the transactions are walked (side, log
 * decision, events, files, EVE writer) and released as the framework
 * would, so use-after-release shows too.  Every frame type is on: the
 * frames a chunk makes are read (every byte of their views) and released
 * as detection would (app/frame.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/frame-internal.h"
#include "util/json.h"

#ifndef FUZZ_TCP
#define FUZZ_TCP true
#endif
/* A target may give the protocol's settings (a pointer to its config). */
#ifndef FUZZ_CONFIG
#define FUZZ_CONFIG NULL
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const struct app_protocol FUZZ_PROTOCOL;

static void fuzz_walk_tx(const struct app_protocol *ap, void *st, bool eof)
{
	if (ap->tx_count == NULL || ap->tx_get == NULL)
		return;
	uint64_t n = ap->tx_count(st);
	for (uint64_t id = 0; id < n; id++) {
		const void *tx = ap->tx_get(st, id);
		if (tx == NULL)
			continue;
		for (int d = 0; d < 2; d++)
			if (ap->tx_side != NULL)
				ap->tx_side(st, tx, (enum app_dir)d, eof);
		for (int e = 0; e < ap->n_events; e++)
			if (ap->tx_has_event != NULL)
				ap->tx_has_event(st, tx, e);
		struct app_file_info fi;
		for (uint32_t k = 0; ap->tx_file != NULL && k < 16 && ap->tx_file(tx, k, &fi); k++)
			if (fi.name_len > 0 && fi.name == NULL)
				abort();
		bool log = ap->tx_log == NULL || ap->tx_log(st, tx, eof) == APP_LOG_NOW;
		if (log && ap->log_json != NULL) {
			struct json j;
			json_init(&j);
			json_open_object(&j, NULL);
			ap->log_json(&j, st, tx, UINT32_MAX);
			json_close_object(&j);
			json_free(&j);
		}
	}
	if (ap->tx_release_upto != NULL && n > 2)
		ap->tx_release_upto(st, n - 2);
}

static void fuzz_walk_frames(struct app_frames *fr, enum app_dir d)
{
	struct app_frame_view fv;
	unsigned sum = 0;
	for (uint32_t i = 0; app_frames_ready(fr, d, i, &fv); i++) {
		for (uint32_t k = 0; k < fv.data_len; k++)
			sum += fv.data[k];
		(void)app_frame_matched_once(&fv, 1);
	}
	for (uint32_t i = 0; app_frames_to_log(fr, d, i, &fv); i++)
		for (uint32_t k = 0; k < fv.data_len; k++)
			sum += fv.data[k];
	app_frames_done(fr, d);
	if (sum == 0xffffffffu)
		abort(); /* keeps the reads */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct app_protocol *ap = &FUZZ_PROTOCOL;
	struct app_flow_info fi = {.tcp = FUZZ_TCP, .server_port = 0, .cfg = FUZZ_CONFIG,
				   .file_hashes = APP_FILE_MD5 | APP_FILE_SHA1 | APP_FILE_SHA256};
	if (ap->probe != NULL && size > 0) {
		struct app_probe_in in = {.dir = (enum app_dir)(data[0] & 1), .tcp = FUZZ_TCP};
		ap->probe(&in, data, (uint32_t)size);
	}
	if (ap->state_new == NULL)
		return 0;
	void *st = ap->state_new(&fi);
	if (st == NULL)
		return 0;
	struct app_frames *fr =
	    app_frames_new(app_proto_by_name(ap->name), ~0ull, !FUZZ_TCP, NULL);
	uint64_t pos[2] = {0, 0};
	size_t off = 0;
	bool closed[2] = {false, false};
	while (size - off >= 2) {
		uint8_t ctl = data[off];
		size_t len = (size_t)data[off + 1] + 1;
		off += 2;
		if (len > size - off)
			len = size - off;
		int d = ctl & 1;
		if (closed[d]) {
			off += len;
			continue;
		}
		uint32_t flags = ((ctl & 2) ? APP_CHUNK_GAP : 0) | ((ctl & 4) ? APP_CHUNK_EOF : 0);
		uint8_t *chunk = malloc(len ? len : 1);
		if (chunk == NULL)
			break;
		memcpy(chunk, data + off, len);
		if (flags & APP_CHUNK_GAP)
			pos[d] += 100; /* the bytes lost */
		if (flags & APP_CHUNK_EOF)
			app_frames_eof(fr, (enum app_dir)d);
		app_frames_begin(fr, (enum app_dir)d, pos[d], chunk, (uint32_t)len);
		ap->parse(st, (enum app_dir)d, chunk, (uint32_t)len, flags);
		app_frames_end();
		pos[d] += len;
		free(chunk);
		fuzz_walk_frames(fr, (enum app_dir)d);
		off += len;
		closed[d] = (ctl & 4) != 0;
		fuzz_walk_tx(ap, st, false);
	}
	fuzz_walk_tx(ap, st, true);
	ap->state_free(st);
	app_frames_free(fr);
	return 0;
}
