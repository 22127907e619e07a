/*
 * libFuzzer target: random TCP segment sequences through the flow table
 * and the stream stage, with readers consuming random amounts.
 * Input: 4 config bytes (policy, switches, depth, consumption pattern),
 * then records of 8 bytes + payload:
 *   [0] TCP flags   [1] bit0 direction, bit1 connection, bit2 absolute seq,
 *                       bits 3-7 how much the readers consume
 *   [2..3] seq delta (or bytes 2..5 as an absolute seq with bit2)
 *   [4..5] ack delta   [6] window   [7] payload length (capped by what is left)
 * Checks: memory use never passes either cap, and every byte is given
 * back when the flows end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"
#include "stream/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t l4_dummy[20];

static void on_end(struct flow *f, enum flow_end_reason why, void *arg)
{
	(void)why;
	(void)arg;
	stream_flow_end(f);
	stream_flow_free(f->stream);
	f->stream = NULL;
}

static void check_caps(const struct stream_ctx *sc, const struct stream_config *cfg)
{
	const struct stream_stats *st = stream_ctx_stats(sc);
	if (st->memuse > cfg->memcap || st->reassembly_memuse > cfg->reassembly_memcap)
		abort();
}

static void read_some(struct flow *f, uint8_t how)
{
	for (int d = 0; d < 2; d++) {
		struct stream_chunk c;
		enum stream_dir dir = d ? STREAM_TOCLIENT : STREAM_TOSERVER;
		if (stream_app_data(f, dir, &c)) {
			volatile uint8_t sink = c.data[0] ^ c.data[c.len - 1];
			(void)sink;
			stream_app_consumed(f, dir, c.offset + (c.len * (uint64_t)(how & 3)) / 3);
		}
		if (how & 0x10)
			stream_raw_trigger(f, dir);
		if (stream_raw_window(f, dir, &c))
			stream_raw_consumed(f, dir,
					    c.offset + (c.len * (uint64_t)((how >> 2) & 3)) / 3);
	}
}

static void set_addr(struct ip_addr *a, uint8_t last)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->bytes[0] = 10;
	a->bytes[3] = last;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	struct stream_config cfg;
	stream_config_defaults(&cfg);
	cfg.policy = (enum stream_policy)(data[0] % STREAM_POLICY_MAX);
	cfg.midstream = data[1] & 1;
	cfg.async_oneside = data[1] & 2;
	cfg.inline_mode = data[1] & 4;
	cfg.app_reader = data[1] & 8;
	cfg.raw_reader = data[1] & 16;
	cfg.depth = (data[2] & 0x80) ? 0 : (uint64_t)(data[2] + 1) * 64;
	cfg.memcap = 4096;
	cfg.reassembly_memcap = 16384;
	cfg.toserver_chunk_size = cfg.toclient_chunk_size = 64;
	uint8_t consume = data[3];
	struct flow_config fc;
	flow_config_defaults(&fc);
	fc.hash_size = 64;
	struct flow_table *ft = flow_table_new(&fc, on_end, NULL);
	struct stream_ctx *sc = stream_ctx_new(&cfg);
	if (!ft || !sc)
		abort();

	uint32_t seq_base[2] = {1000, 900000}, ack_base[2] = {900000, 1000};
	const uint8_t *p = data + 4, *end = data + size;
	uint32_t usec = 0;
	while (end - p >= 8) {
		uint8_t flags = p[0], ctl = p[1];
		int dir = ctl & 1, conn = (ctl >> 1) & 1;
		uint32_t seq =
		    (ctl & 4)
			? ((uint32_t)p[2] << 24 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5])
			: seq_base[dir] + ((uint32_t)p[2] << 8 | p[3]);
		uint32_t ack = ack_base[dir] + ((uint32_t)p[4] << 8 | p[5]);
		uint16_t win = (uint16_t)(p[6] << 8 | 0xff);
		uint32_t len = p[7];
		p += 8;
		if (len > (uint32_t)(end - p))
			len = (uint32_t)(end - p);
		struct packet pk;
		memset(&pk, 0, sizeof(pk));
		pk.ip_version = 4;
		pk.proto = 6;
		set_addr(dir ? &pk.dst : &pk.src, (uint8_t)(1 + conn));
		set_addr(dir ? &pk.src : &pk.dst, 200);
		pk.sp = dir ? 80 : (uint16_t)(40000 + conn);
		pk.dp = dir ? (uint16_t)(40000 + conn) : 80;
		pk.tcp.seq = seq;
		pk.tcp.ack = ack;
		pk.tcp.flags = flags;
		pk.tcp.win = win;
		pk.l4_hdr = l4_dummy;
		pk.payload = len ? p : NULL;
		pk.payload_len = len;
		pk.len = 54 + len;
		pk.ts_sec = 1000;
		pk.ts_usec = usec++;
		p += len;
		struct flow *f = flow_table_handle_packet(ft, &pk);
		if (f)
			(void)stream_session_reusable(sc, f, &pk);
		stream_handle_packet(sc, &pk);
		check_caps(sc, &cfg);
		if (f)
			read_some(f, (uint8_t)(consume ^ (ctl >> 3)));
		check_caps(sc, &cfg);
	}
	flow_table_flush(ft);
	const struct stream_stats *st = stream_ctx_stats(sc);
	if (st->memuse != 0 || st->reassembly_memuse != 0)
		abort();
	flow_table_free(ft);
	stream_ctx_free(sc);
	return 0;
}
