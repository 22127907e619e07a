/* Shared by the test_stream_*.c tests: hand-built TCP packets sent
 * through the flow table and the stream stage, as the worker does. */
#ifndef TEST_STREAM_UTIL_H
#define TEST_STREAM_UTIL_H

#include <string.h>

#include "flow/flow.h"
#include "stream/stream.h"

struct harness {
	struct flow_table *ft;
	struct stream_ctx *sc;
	int64_t now;
	uint32_t usec;
	int ended;
};

static uint8_t l4_dummy[20];

static void harness_on_end(struct flow *f, enum flow_end_reason why, void *arg)
{
	struct harness *h = arg;
	(void)why;
	h->ended++;
	stream_flow_free(f->stream);
	f->stream = NULL;
}

/* The engine's reuse check: the stream stage decides whether a packet
 * starts a new conversation on a flow's tuple. */
static inline bool harness_reuse(const struct flow *f, const struct packet *p, void *arg)
{
	const struct harness *h = arg;
	return f->proto == 6 && p->proto == 6 && stream_session_reusable(h->sc, f, p);
}

static inline void harness_init(struct harness *h, const struct stream_config *cfg)
{
	memset(h, 0, sizeof(*h));
	h->ft = flow_table_new(NULL, harness_on_end, h);
	h->sc = stream_ctx_new(cfg);
	flow_table_set_reuse_check(h->ft, harness_reuse, h);
	h->now = 1700000000;
}

static inline void harness_free(struct harness *h)
{
	flow_table_free(h->ft); /* frees the sessions through the end callback */
	stream_ctx_free(h->sc);
}

static inline void set_v4(struct ip_addr *a, uint32_t host)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->bytes[0] = (uint8_t)(host >> 24);
	a->bytes[1] = (uint8_t)(host >> 16);
	a->bytes[2] = (uint8_t)(host >> 8);
	a->bytes[3] = (uint8_t)host;
}

/* A TCP packet of connection `conn` (distinct client ports). */
static inline struct packet tcp_pkt_conn(uint32_t conn, int from_client, uint8_t flags,
					 uint32_t seq, uint32_t ack, const void *data, uint32_t len)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.proto = 6;
	p.len = 54 + len;
	p.wire_len = p.len;
	struct ip_addr c, s;
	set_v4(&c, 0x0a000001u + (conn >> 16));
	set_v4(&s, 0xc0000207u);
	p.src = from_client ? c : s;
	p.dst = from_client ? s : c;
	uint16_t cport = (uint16_t)(1024 + (conn & 0xffff) % 60000);
	p.sp = from_client ? cport : 80;
	p.dp = from_client ? 80 : cport;
	p.tcp.seq = seq;
	p.tcp.ack = ack;
	p.tcp.flags = flags;
	p.tcp.win = 65535;
	p.tcp.hlen = 20;
	p.l4_hdr = l4_dummy;
	p.l4_len = 20 + len;
	p.payload = data;
	p.payload_len = len;
	return p;
}

static inline struct packet tcp_pkt(int from_client, uint8_t flags, uint32_t seq, uint32_t ack,
				    const char *data)
{
	return tcp_pkt_conn(0, from_client, flags, seq, ack, data,
			    data ? (uint32_t)strlen(data) : 0);
}

/* Runs a packet through flow and stream; returns the flow. */
static inline struct flow *harness_send(struct harness *h, struct packet *p)
{
	h->usec += 1000;
	if (h->usec >= 1000000) {
		h->usec = 0;
		h->now++;
	}
	p->ts_sec = h->now;
	p->ts_usec = h->usec;
	struct flow *f = flow_table_handle_packet(h->ft, p);
	stream_handle_packet(h->sc, p);
	if (f)
		flow_table_refile(h->ft, f); /* as the worker does after the stream stage */
	return f;
}

/* Sends and returns the packet (to look at its events). */
static inline struct packet send_pkt(struct harness *h, int from_client, uint8_t flags,
				     uint32_t seq, uint32_t ack, const char *data)
{
	struct packet p = tcp_pkt(from_client, flags, seq, ack, data);
	harness_send(h, &p);
	return p;
}

enum { CISN = 1000, SISN = 5000 };

/* The usual three-way handshake; returns the flow. */
static inline struct flow *handshake(struct harness *h)
{
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	struct flow *f = harness_send(h, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	harness_send(h, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1, SISN + 1, NULL);
	harness_send(h, &p);
	return f;
}

#endif
