/*
 * test_app_session.h — a whole TCP connection on a chosen server port
 * through flow, stream, app and detection (test_app_run.h): handshake,
 * the given segments in order, FIN both ways, the flow's end.  For the
 * tests of protocols recognised on their port (SIP, MQTT).  Header-only.
 */
#ifndef VIGIL_TEST_APP_SESSION_H
#define VIGIL_TEST_APP_SESSION_H

#include "test_app_run.h"

struct seg {
	int from_client;
	const void *d;
	uint32_t n;
};

static __attribute__((unused)) struct packet port_pkt(uint16_t port, int from_client, uint8_t flags,
						      uint32_t seq, uint32_t ack, const void *d,
						      uint32_t n)
{
	struct packet p = tcp_pkt_conn(0, from_client, flags, seq, ack, d, n);
	if (from_client)
		p.dp = port;
	else
		p.sp = port;
	return p;
}

static __attribute__((unused)) void run_session(struct run *r, uint16_t port,
						const struct seg *segs, size_t n_segs)
{
	uint32_t cs = CISN + 1, ss = SISN + 1;
	struct packet p = port_pkt(port, 1, TCP_SYN, CISN, 0, NULL, 0);
	run_packet(r, &p);
	p = port_pkt(port, 0, TCP_SYN | TCP_ACK, SISN, cs, NULL, 0);
	run_packet(r, &p);
	p = port_pkt(port, 1, TCP_ACK, cs, ss, NULL, 0);
	run_packet(r, &p);
	for (size_t i = 0; i < n_segs; i++) {
		const struct seg *sg = &segs[i];
		if (sg->from_client) {
			p = port_pkt(port, 1, TCP_ACK | TCP_PSH, cs, ss, sg->d, sg->n);
			run_packet(r, &p);
			cs += sg->n;
			p = port_pkt(port, 0, TCP_ACK, ss, cs, NULL, 0);
		} else {
			p = port_pkt(port, 0, TCP_ACK | TCP_PSH, ss, cs, sg->d, sg->n);
			run_packet(r, &p);
			ss += sg->n;
			p = port_pkt(port, 1, TCP_ACK, cs, ss, NULL, 0);
		}
		run_packet(r, &p);
	}
	p = port_pkt(port, 1, TCP_ACK | TCP_FIN, cs, ss, NULL, 0);
	run_packet(r, &p);
	p = port_pkt(port, 0, TCP_ACK | TCP_FIN, ss, cs + 1, NULL, 0);
	run_packet(r, &p);
	p = port_pkt(port, 1, TCP_ACK, cs + 1, ss + 1, NULL, 0);
	run_packet(r, &p);
	run_flow_end(r);
}

#endif
