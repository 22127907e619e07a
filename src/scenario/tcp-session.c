/*
 * tcp-session — writes whole TCP conversations the way a host stack would.
 *
 * Invariants kept here (the unit test checks them on every scenario):
 *  - every data byte is sent in order, in segments of at most the MSS;
 *  - every ACK acknowledges exactly the bytes sent before it, never more;
 *  - at most SC_BURST_SEGS segments are unacknowledged at any time, far
 *    below the advertised window, so tools never see "window full";
 *  - a retransmission repeats the last segment of a burst exactly (same
 *    seq, same bytes) after an RTO, and is the only ACK-less repeat.
 * Timing: segments of a burst leave back to back; the peer's ACK arrives
 * one RTT later; the sensor is assumed to sit near the client.
 */
#include <string.h>

#include "scenario/craft.h"

#define SC_BURST_SEGS 10
#define SC_RETRANS_PERMILLE 8

static struct sc_host *side_host(struct sc_tcp *s, enum sc_dir d)
{
	return d == SC_C2S ? s->cli : s->srv;
}

static uint16_t side_port(struct sc_tcp *s, enum sc_dir d)
{
	return d == SC_C2S ? s->cport : s->sport;
}

static void seg(struct sc_tcp *s, enum sc_dir d, uint64_t ts, uint32_t seq, uint8_t flags,
		const uint8_t *p, size_t n)
{
	enum sc_dir o = (enum sc_dir) !d;
	sc_emit_tcp(s->c, ts, side_host(s, d), side_port(s, d), side_host(s, o), side_port(s, o),
		    seq, s->seq[o], flags, s->win[d], p, n);
}

static uint64_t pick_rtt(struct sc_tcp *s)
{
	/* Peers inside the site answer in well under a millisecond; remote ones in tens. */
	if (sc_host_is_private(s->cli) && sc_host_is_private(s->srv))
		return sc_rng_range(&s->c->rng, 150, 900);
	return sc_rng_range(&s->c->rng, 12 * SC_MS, 85 * SC_MS);
}

void sc_tcp_connect(struct sc_tcp *s, struct sc_ctx *c, struct sc_host *cli, uint16_t cport,
		    struct sc_host *srv, uint16_t sport, uint64_t t, uint64_t rtt)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->cli = cli;
	s->srv = srv;
	s->cport = cport;
	s->sport = sport;
	s->t = t;
	s->rtt = rtt ? rtt : pick_rtt(s);
	s->mss = (uint16_t)(SC_MTU - (cli->v6 ? 40 : 20) - 20);
	s->win[SC_C2S] = 64240;
	s->win[SC_S2C] = 65160;
	s->seq[SC_C2S] = (uint32_t)sc_rng_next(&c->rng);
	s->seq[SC_S2C] = (uint32_t)sc_rng_next(&c->rng);
	sc_step_flow(c, 6, cli, cport, srv, sport);

	seg(s, SC_C2S, s->t, s->seq[SC_C2S], TCP_SYN, NULL, 0);
	s->seq[SC_C2S]++;
	s->t += s->rtt;
	seg(s, SC_S2C, s->t, s->seq[SC_S2C], TCP_SYN | TCP_ACK, NULL, 0);
	s->seq[SC_S2C]++;
	s->t += sc_rng_range(&c->rng, 20, 120);
	seg(s, SC_C2S, s->t, s->seq[SC_C2S], TCP_ACK, NULL, 0);
	s->open = true;
}

void sc_tcp_refused(struct sc_ctx *c, struct sc_host *cli, uint16_t cport, struct sc_host *srv,
		    uint16_t sport, uint64_t t, uint64_t rtt)
{
	uint32_t isn = (uint32_t)sc_rng_next(&c->rng);
	sc_step_flow(c, 6, cli, cport, srv, sport);
	sc_emit_tcp(c, t, cli, cport, srv, sport, isn, 0, TCP_SYN, 64240, NULL, 0);
	sc_emit_tcp(c, t + (rtt ? rtt : 400), srv, sport, cli, cport, 0, isn + 1, TCP_RST | TCP_ACK,
		    0, NULL, 0);
}

static uint64_t seg_gap(size_t n)
{
	/* ~1 Gbit/s serialisation plus a little host jitter-free spacing. */
	return 2 + n / 100;
}

/* Sends one burst of up to SC_BURST_SEGS segments starting at data[0]. */
static size_t send_burst(struct sc_tcp *s, enum sc_dir d, const uint8_t *data, size_t len)
{
	enum sc_dir o = (enum sc_dir) !d;
	uint32_t seqs[SC_BURST_SEGS];
	size_t lens[SC_BURST_SEGS];
	uint64_t times[SC_BURST_SEGS];
	size_t nseg = 0, sent = 0;
	uint64_t t = s->t;
	while (sent < len && nseg < SC_BURST_SEGS) {
		size_t n = len - sent < s->mss ? len - sent : s->mss;
		bool last = sent + n == len || nseg + 1 == SC_BURST_SEGS;
		seqs[nseg] = s->seq[d];
		lens[nseg] = n;
		times[nseg] = t;
		seg(s, d, t, s->seq[d], TCP_ACK | (last ? TCP_PSH : 0), data + sent, n);
		s->seq[d] += (uint32_t)n;
		sent += n;
		nseg++;
		t += seg_gap(n);
	}
	bool lose = nseg >= 2 && sc_rng_chance(&s->c->rng, SC_RETRANS_PERMILLE);
	size_t acked_segs = lose ? nseg - 1 : nseg;
	uint64_t last_ack = s->t;
	/* Delayed ACK: one per two full segments, and one for the tail. */
	for (size_t i = 1; i <= acked_segs; i++) {
		if (i % 2 != 0 && i != acked_segs)
			continue;
		uint32_t ackno = seqs[i - 1] + (uint32_t)lens[i - 1];
		last_ack = times[i - 1] + s->rtt;
		sc_emit_tcp(s->c, last_ack, side_host(s, o), side_port(s, o), side_host(s, d),
			    side_port(s, d), s->seq[o], ackno, TCP_ACK, s->win[o], NULL, 0);
	}
	if (lose) {
		size_t k = nseg - 1;
		uint64_t rto = times[k] + 200 * SC_MS + sc_rng_below(&s->c->rng, 60 * SC_MS);
		if (rto < last_ack + SC_MS)
			rto = last_ack + SC_MS;
		seg(s, d, rto, seqs[k], TCP_ACK | TCP_PSH, data + sent - lens[k], lens[k]);
		last_ack = rto + s->rtt;
		sc_emit_tcp(s->c, last_ack, side_host(s, o), side_port(s, o), side_host(s, d),
			    side_port(s, d), s->seq[o], s->seq[d], TCP_ACK, s->win[o], NULL, 0);
	}
	s->t = last_ack > t ? last_ack : t;
	return sent;
}

void sc_tcp_send(struct sc_tcp *s, enum sc_dir dir, const uint8_t *data, size_t len)
{
	if (!s->open)
		return;
	size_t off = 0;
	while (off < len) {
		off += send_burst(s, dir, data + off, len - off);
		s->t += sc_rng_range(&s->c->rng, 5, 60);
	}
}

void sc_tcp_wait(struct sc_tcp *s, uint64_t us)
{
	s->t += us;
}

void sc_tcp_close(struct sc_tcp *s, enum sc_dir dir)
{
	if (!s->open)
		return;
	enum sc_dir o = (enum sc_dir) !dir;
	seg(s, dir, s->t, s->seq[dir], TCP_FIN | TCP_ACK, NULL, 0);
	s->seq[dir]++;
	s->t += s->rtt;
	seg(s, o, s->t, s->seq[o], TCP_FIN | TCP_ACK, NULL, 0);
	s->seq[o]++;
	s->t += sc_rng_range(&s->c->rng, 20, 150);
	seg(s, dir, s->t, s->seq[dir], TCP_ACK, NULL, 0);
	s->open = false;
}

void sc_tcp_reset(struct sc_tcp *s, enum sc_dir dir)
{
	if (!s->open)
		return;
	seg(s, dir, s->t, s->seq[dir], TCP_RST | TCP_ACK, NULL, 0);
	s->open = false;
}
