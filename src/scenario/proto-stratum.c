/*
 * proto-stratum — Stratum v1 mining protocol (newline-delimited JSON-RPC
 * over TCP) as a CPU/GPU miner speaks it to a pool: mining.subscribe,
 * mining.authorize, the pool's mining.set_difficulty and mining.notify
 * jobs, and the miner's mining.submit shares with their results.
 */
#include <stdio.h>

#include "scenario/proto.h"

static void hex(struct sc_buf *b, struct sc_rng *r, size_t nbytes)
{
	for (size_t i = 0; i < nbytes; i++)
		sc_buf_printf(b, "%02x", (unsigned)sc_rng_below(r, 256));
}

static void line(struct sc_tcp *s, enum sc_dir d, struct sc_buf *b)
{
	sc_buf_u8(b, '\n');
	sc_tcp_send_buf(s, d, b);
	if (b->oom)
		s->c->oom = true;
	sc_buf_reset(b);
}

static void notify(struct sc_tcp *s, struct sc_rng *r, struct sc_buf *b, unsigned job, bool clean)
{
	sc_buf_printf(b, "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"%x\",\"", job);
	hex(b, r, 32);
	sc_buf_puts(b, "\",\"01000000010000000000000000000000000000000000000000000000000000000000"
		       "0000ffffffff4b03");
	hex(b, r, 20);
	sc_buf_puts(b, "\",\"");
	hex(b, r, 40);
	sc_buf_puts(b, "\",[\"");
	hex(b, r, 32);
	sc_buf_puts(b, "\",\"");
	hex(b, r, 32);
	sc_buf_printf(b, "\"],\"20000000\",\"17034219\",\"%08x\",%s]}",
		      (unsigned)(1773129600u + (unsigned)(s->t / SC_SEC)),
		      clean ? "true" : "false");
	line(s, SC_S2C, b);
}

void sc_stratum_session(struct sc_tcp *s, struct sc_rng *r, const char *wallet, const char *worker,
			unsigned jobs, unsigned shares)
{
	struct sc_buf b;
	sc_buf_init(&b);
	unsigned id = 1;
	sc_buf_printf(&b,
		      "{\"id\":%u,\"method\":\"mining.subscribe\",\"params\":[\"cpuminer-opt/"
		      "23.15\"]}",
		      id++);
	line(s, SC_C2S, &b);
	sc_tcp_wait(s, sc_rng_range(r, 20 * SC_MS, 90 * SC_MS));
	sc_buf_puts(&b, "{\"id\":1,\"result\":[[[\"mining.set_difficulty\",\"");
	hex(&b, r, 4);
	sc_buf_puts(&b, "\"],[\"mining.notify\",\"");
	hex(&b, r, 4);
	sc_buf_puts(&b, "\"]],\"");
	hex(&b, r, 4);
	sc_buf_puts(&b, "\",4],\"error\":null}");
	line(s, SC_S2C, &b);
	sc_buf_printf(&b,
		      "{\"id\":%u,\"method\":\"mining.authorize\",\"params\":[\"%s.%s\",\"x\"]}",
		      id++, wallet, worker);
	line(s, SC_C2S, &b);
	sc_tcp_wait(s, sc_rng_range(r, 20 * SC_MS, 90 * SC_MS));
	sc_buf_puts(&b, "{\"id\":2,\"result\":true,\"error\":null}");
	line(s, SC_S2C, &b);
	sc_buf_puts(&b, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[65536]}");
	line(s, SC_S2C, &b);
	unsigned job = (unsigned)sc_rng_range(r, 0x1000, 0xffff);
	notify(s, r, &b, job, true);
	for (unsigned j = 0; j < jobs; j++) {
		unsigned per_job = jobs ? shares / jobs + (j < shares % jobs) : 0;
		for (unsigned k = 0; k < per_job; k++) {
			sc_tcp_wait(s, sc_think(r, 2000, 12000));
			sc_buf_printf(
			    &b,
			    "{\"id\":%u,\"method\":\"mining.submit\",\"params\":[\"%s.%s\","
			    "\"%x\",\"",
			    id, wallet, worker, job);
			hex(&b, r, 4);
			sc_buf_printf(&b, "\",\"%08x\",\"",
				      (unsigned)(1773129600u + s->t / SC_SEC));
			hex(&b, r, 4);
			sc_buf_puts(&b, "\"]}");
			line(s, SC_C2S, &b);
			sc_tcp_wait(s, sc_rng_range(r, 20 * SC_MS, 90 * SC_MS));
			sc_buf_printf(&b, "{\"id\":%u,\"result\":true,\"error\":null}", id++);
			line(s, SC_S2C, &b);
		}
		sc_tcp_wait(s, sc_think(r, 5000, 30000));
		notify(s, r, &b, ++job, j % 4 == 3);
	}
	sc_buf_free(&b);
}
