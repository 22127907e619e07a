/*
 * libFuzzer target: the TLS parser fed both directions in fuzzer-chosen
 * chunks, then every accessor and the EVE writer over whatever it kept.
 * Input: records of [control][length - 1][chunk]: control bit0 is the
 * direction (0 to server, 1 to client), bit1 marks a gap before the chunk;
 * the chunk (1..256 bytes) is capped by what is left.
 * Checks: no crash or sanitizer report; strings the parser returns are
 * NUL-terminated within their stated lengths.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/tls.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch_state(const struct tls_state *s)
{
	uint32_t n = 0;
	const char *sni = tls_sni(s, &n);
	if (sni != NULL && strlen(sni) > n)
		abort();
	for (int d = 0; d < 2; d++) {
		enum app_dir dir = (enum app_dir)d;
		tls_random(s, dir);
		tls_session_id(s, dir, &n);
		tls_ciphers(s, dir, &n);
		tls_extensions(s, dir, &n);
		for (uint32_t i = 0; i < tls_alpn_count(s, dir); i++)
			tls_alpn(s, dir, i, &n);
		for (uint32_t i = 0; i < tls_cert_chain_len(s, dir); i++) {
			const struct tls_cert *c = tls_cert(s, dir, i);
			if (c == NULL || (c->der_len > 0 && c->der == NULL))
				abort();
		}
	}
	tls_ja3_hash(s);
	tls_ja4(s);
	char buf[32];
	tls_version_name(tls_version(s), buf, sizeof(buf));
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	tls_log_json(&j, s, TLS_LOG_EXTENDED | TLS_F_CERTIFICATE | TLS_F_CHAIN);
	json_close_object(&j);
	json_free(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_state *s = tls_state_new();
	if (s == NULL)
		return 0;
	size_t off = 0;
	while (off < size) {
		if (size - off < 2)
			break;
		uint8_t ctl = data[off];
		size_t len = (size_t)data[off + 1] + 1;
		off += 2;
		if (len > size - off)
			len = size - off;
		uint32_t flags = (ctl & 2) ? APP_CHUNK_GAP : 0;
		/* an exact-size copy so that reading past the chunk is caught */
		uint8_t *chunk = malloc(len ? len : 1);
		if (chunk == NULL)
			break;
		memcpy(chunk, data + off, len);
		tls_parse(s, (enum app_dir)(ctl & 1), chunk, (uint32_t)len, flags);
		free(chunk);
		off += len;
	}
	touch_state(s);
	tls_state_free(s);
	return 0;
}
