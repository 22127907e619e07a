/*
 * libFuzzer target: the DNS parser (app/dns.c) and its EVE writer.
 * Input: byte 0 bit0 = TCP flow (else UDP), bit1 = release transactions
 * as they are logged.  Then chunks, each a 2-byte header + data:
 *   bit15 direction (to client), bit14 gap before the chunk,
 *   bits 0-11 length (capped by what is left).
 * Each chunk is copied to a buffer of its exact size (ASan sees any read
 * past it) and parsed; every transaction is logged (v3 and v2) and walked
 * through every accessor.  Checks: the transaction cap holds and logged
 * JSON is never empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/dns.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_tx(const struct dns_tx *tx, struct json *j)
{
	const uint8_t *b;
	uint32_t l;
	uint16_t t;
	size_t sink = 0;
	for (size_t i = 0; i <= tx->n_queries; i++)
		if (dns_tx_get_query_name(tx, i, &b, &l))
			sink += b[l - 1];
	for (size_t i = 0; dns_tx_get_query_rrtype(tx, i, &t); i++)
		sink += t;
	for (size_t i = 0; i < tx->n_rrs[DNS_SEC_ANSWER] + 1; i++) {
		if (dns_tx_get_answer_name(tx, i, &b, &l))
			sink += b[l - 1];
		if (dns_tx_get_rdata_name(tx, DNS_SEC_ANSWER, i, &b, &l))
			sink += b[l - 1];
	}
	for (size_t i = 0; i < tx->n_rrs[DNS_SEC_AUTHORITY] + 1; i++)
		if (dns_tx_get_authority_name(tx, i, &b, &l))
			sink += b[l - 1];
	for (size_t i = 0; i < tx->n_rrs[DNS_SEC_ADDITIONAL] + 1; i++)
		if (dns_tx_get_additional_name(tx, i, &b, &l))
			sink += b[l - 1];
	for (size_t i = 0; dns_tx_get_response_name(tx, i, &b, &l); i++)
		sink += b[0];
	(void)sink;

	json_reset(j);
	json_open_object(j, NULL);
	dns_tx_log_json(j, tx, tx->request ? APP_TOSERVER : APP_TOCLIENT);
	json_close_object(j);
	if (j->len < 2 && !j->oom)
		abort();
	json_reset(j);
	json_open_object(j, NULL);
	if (tx->request) {
		for (size_t i = 0; dns_tx_log_json_v2_query(j, tx, i); i++)
			;
	} else {
		dns_tx_log_json_v2_answer(j, tx);
	}
	json_close_object(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool tcp = data[0] & 1, release = data[0] & 2;
	struct dns_state *s = dns_state_new(tcp);
	if (s == NULL)
		return 0;
	struct json j;
	json_init(&j);
	size_t p = 1;
	uint64_t logged = 0;
	while (size - p >= 2) {
		uint16_t h = (uint16_t)((data[p] << 8) | data[p + 1]);
		p += 2;
		size_t n = h & 0x0fff;
		if (n > size - p)
			n = size - p;
		uint8_t *chunk = malloc(n ? n : 1);
		if (chunk == NULL)
			break;
		memcpy(chunk, data + p, n);
		p += n;
		enum app_dir dir = (h & 0x8000) ? APP_TOCLIENT : APP_TOSERVER;
		dns_parse(s, dir, chunk, (uint32_t)n, (h & 0x4000) ? APP_CHUNK_GAP : 0);
		free(chunk);
		if (dns_tx_count(s) > DNS_MAX_TX)
			abort();
		for (size_t i = 0; i < dns_tx_count(s); i++) {
			const struct dns_tx *tx = dns_tx_get(s, i);
			if (tx->tx_id < logged)
				continue;
			walk_tx(tx, &j);
			logged = tx->tx_id + 1;
		}
		if (release && logged > 0)
			dns_tx_release_upto(s, logged - 1);
	}
	json_free(&j);
	dns_state_free(s);
	return 0;
}
