/*
 * libFuzzer target: the HTTP/1.x parser fed with both directions in
 * random splits.
 * Input: 1 config byte (bit0 file hashes, bit1 small body limits), then
 * records: [0] bit0 direction, bit1 gap before, bit2 eof after,
 * bits 3-7 release pattern; [1] payload length (capped by what is left);
 * payload.
 * Checks: every buffer of every transaction is readable and EVE-loggable,
 * the line buffers stay under their bound, and release frees cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/http-internal.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch_all(struct http_state *s, struct json *j)
{
	for (uint64_t id = 0; id < http_tx_count(s); id++) {
		const struct http_tx *tx = http_tx_get(s, id);
		if (tx == NULL)
			continue;
		volatile uint8_t sink = 0;
		for (int d = 0; d < 2; d++) {
			for (int b = 0; b < HTTP_BUF__COUNT; b++) {
				const uint8_t *p;
				uint32_t n;
				if (http_tx_buffer(tx, (enum app_dir)d, (enum http_buffer)b, &p,
						   &n) &&
				    n > 0)
					sink ^= p[0] ^ p[n - 1];
			}
		}
		(void)sink;
		struct http_file_info fi;
		http_tx_file(tx, &fi);
		json_reset(j);
		json_open_object(j, NULL);
		http_tx_log_json(j, tx,
				 HTTP_LOG_EXTENDED | HTTP_LOG_REQ_HEADERS | HTTP_LOG_RESP_HEADERS);
		json_close_object(j);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct http_state *s = http_state_new();
	if (s == NULL)
		return 0;
	struct http_config cfg = {HTTP_BODY_LIMIT_DEFAULT, HTTP_BODY_LIMIT_DEFAULT,
				  HTTP_DECOMPRESS_LIMIT_DEFAULT, (data[0] & 1) != 0,
				  HTTP_DECOMPRESS_LAYERS_DEFAULT};
	if (data[0] & 2) {
		cfg.request_body_limit = 64;
		cfg.response_body_limit = 64;
		cfg.decompress_limit = 4096;
	}
	http_state_configure(s, &cfg);
	struct json j;
	json_init(&j);
	size_t i = 1;
	while (i + 2 <= size) {
		uint8_t ctl = data[i];
		size_t n = data[i + 1];
		i += 2;
		if (n > size - i)
			n = size - i;
		enum app_dir dir = (ctl & 1) ? APP_TOCLIENT : APP_TOSERVER;
		uint32_t flags = ((ctl & 2) ? APP_CHUNK_GAP : 0) | ((ctl & 4) ? APP_CHUNK_EOF : 0);
		http_parse(s, dir, data + i, (uint32_t)n, flags);
		i += n;
		for (int d = 0; d < 2; d++)
			if (s->d[d].line.cap > 2 * HTTP_LINE_LIMIT || s->d[d].held.len > 64 * 1024)
				abort();
		if ((ctl >> 3) == 31) {
			touch_all(s, &j);
			http_tx_release_upto(s, http_tx_count(s));
		}
	}
	http_parse(s, APP_TOSERVER, NULL, 0, APP_CHUNK_EOF);
	http_parse(s, APP_TOCLIENT, NULL, 0, APP_CHUNK_EOF);
	touch_all(s, &j);
	json_free(&j);
	http_state_free(s);
	return 0;
}
