/*
 * craft — packet crafting for the scenario generator.
 *
 * Owns everything below the application payload: Ethernet, IPv4 (ids,
 * flags, fragmentation), IPv6, TCP, UDP, ICMP and ICMPv6 headers with
 * correct checksums; a TCP session writer (handshake, MSS segmentation,
 * delayed ACKs, an occasional tail-loss retransmission, FIN teardown);
 * the in-memory packet list that is sorted by time and written through
 * libpcap; and the ground-truth record of which flows belong to which
 * scenario step.
 *
 * Scenarios run several conversations "at once": each conversation keeps
 * its own clock and emits packets with absolute timestamps; the capture is
 * sorted (stable, by time then emission order) only when it is written.
 * So a scenario can be written as a sequence of independent stories.
 *
 * Nothing here reads the wall clock or an unseeded random source: output
 * is a pure function of the scenario, seed and scale.
 */
#ifndef VIGIL_SCENARIO_CRAFT_H
#define VIGIL_SCENARIO_CRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/prng.h"

#define SC_SNAPLEN 65535
#define SC_MTU 1500
#define SC_US UINT64_C(1)
#define SC_MS UINT64_C(1000)
#define SC_SEC UINT64_C(1000000)

/* ---- growable byte buffer for payload builders ---- */

struct sc_buf {
	uint8_t *b;
	size_t len, cap;
	bool oom;
};

void sc_buf_init(struct sc_buf *b);
void sc_buf_free(struct sc_buf *b);
void sc_buf_reset(struct sc_buf *b);
void sc_buf_put(struct sc_buf *b, const void *p, size_t n);
void sc_buf_puts(struct sc_buf *b, const char *s);
void sc_buf_printf(struct sc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sc_buf_u8(struct sc_buf *b, uint8_t v);
void sc_buf_be16(struct sc_buf *b, uint16_t v);
void sc_buf_be24(struct sc_buf *b, uint32_t v);
void sc_buf_be32(struct sc_buf *b, uint32_t v);
void sc_buf_le16(struct sc_buf *b, uint16_t v);
void sc_buf_le32(struct sc_buf *b, uint32_t v);
void sc_buf_le64(struct sc_buf *b, uint64_t v);
void sc_buf_zero(struct sc_buf *b, size_t n);
void sc_buf_rand(struct sc_buf *b, struct sc_rng *r, size_t n);
/* Patch helpers for length fields written before their contents. */
void sc_buf_set_be16(struct sc_buf *b, size_t off, uint16_t v);
void sc_buf_set_be24(struct sc_buf *b, size_t off, uint32_t v);
void sc_buf_set_be32(struct sc_buf *b, size_t off, uint32_t v);
void sc_buf_set_le16(struct sc_buf *b, size_t off, uint16_t v);
void sc_buf_set_le32(struct sc_buf *b, size_t off, uint32_t v);

/* ---- checksums ---- */

/* RFC 1071 one's-complement sum, folded and complemented. */
uint16_t craft_inet_checksum(const uint8_t *p, size_t n);

/* ---- hosts ---- */

struct sc_host {
	const char *name; /* realistic hostname, for the truth file */
	uint8_t mac[6];	  /* for remote hosts: the gateway's MAC */
	bool v6;
	uint8_t ip[16];	    /* IPv4 in the first 4 bytes */
	uint8_t ttl;	    /* TTL / hop limit as seen at the sensor */
	uint16_t ip_id;	    /* next IPv4 identification */
	uint16_t next_port; /* next ephemeral TCP port, as stacks hand them out */
};

/* Fills a host from a dotted or colon address; returns -1 on a bad address. */
int sc_host_init(struct sc_host *h, struct sc_rng *r, const char *name, const char *addr,
		 const uint8_t mac[6], uint8_t ttl);
void sc_host_addr_str(const struct sc_host *h, char *out, size_t outlen);
/* RFC 1918 (IPv4) or unique-local (IPv6) address. */
bool sc_host_is_private(const struct sc_host *h);

/* ---- ground truth ---- */

#define SC_STEP_MAX_FLOWS 24
#define SC_STEP_MAX_ADDRS 32

struct sc_flow_tuple {
	uint8_t proto;
	char src[46], dst[46];
	uint16_t sport, dport;
};

struct sc_step {
	char id[48];
	char name[160];
	char technique[32]; /* MITRE ATT&CK id, "" for benign */
	bool malicious;
	uint64_t start_us, end_us;
	bool seen;
	struct sc_flow_tuple flows[SC_STEP_MAX_FLOWS];
	unsigned nflows;
	uint64_t flow_count; /* all flows, including those not listed */
	/* Distinct initiator / responder addresses (first SC_STEP_MAX_ADDRS), so
	 * scans and floods with more flows than are listed can still be matched. */
	char src_ips[SC_STEP_MAX_ADDRS][46], dest_ips[SC_STEP_MAX_ADDRS][46];
	unsigned nsrc, ndst;
	uint64_t src_count, dest_count;
	uint64_t packets;
};

/* ---- the generation context ---- */

struct sc_pkt {
	uint64_t ts_us;
	uint64_t order;
	size_t off;
	uint32_t len;
	uint32_t step; /* index + 1 into steps, 0 = none */
};

/* Named hosts seen in flows, for the truth file's address book. */
#define SC_MAX_HOSTS 256
struct sc_named_host {
	char ip[46];
	char name[96];
};

/* A server certificate, made once per server name so every session shows the same one. */
#define SC_MAX_CERTS 32
struct sc_cert {
	char cn[128];
	uint8_t *der;
	size_t len;
};

struct sc_ctx {
	struct sc_rng rng;
	unsigned scale;
	uint64_t t0_us; /* capture start, absolute (µs since the epoch) */
	const char *scenario;
	uint64_t seed;

	struct sc_pkt *pkts;
	size_t npkts, cap_pkts;
	uint8_t *data;
	size_t dlen, dcap;
	bool oom;

	struct sc_step *steps;
	size_t nsteps, cap_steps;

	struct sc_cert certs[SC_MAX_CERTS];
	size_t ncerts;

	struct sc_named_host hosts[SC_MAX_HOSTS];
	size_t nhosts;
	int cur_step; /* -1: packets are attributed to no step */
};

int sc_ctx_init(struct sc_ctx *c, const char *scenario, uint64_t seed, unsigned scale);
void sc_ctx_free(struct sc_ctx *c);

/* Starts a new step; following packets and flows are attributed to it. */
void sc_step_begin(struct sc_ctx *c, const char *id, const char *name, bool malicious,
		   const char *technique);
void sc_step_end(struct sc_ctx *c);
/* Records a flow (initiator first) in the current step. */
void sc_step_flow(struct sc_ctx *c, uint8_t proto, const struct sc_host *src, uint16_t sport,
		  const struct sc_host *dst, uint16_t dport);

/* Adds one finished frame (Ethernet and up) at absolute time ts_us. */
void sc_emit_frame(struct sc_ctx *c, uint64_t ts_us, const uint8_t *frame, size_t len);

/* Sorts by time and writes through libpcap; 0 or -1 with err filled. */
int sc_ctx_write_pcap(struct sc_ctx *c, const char *path, char *err, size_t errlen);
/* Writes the ground truth JSON; 0 or -1 with err filled. */
int sc_ctx_write_truth(struct sc_ctx *c, const char *path, char *err, size_t errlen);

/* ---- header builders ---- */

struct craft_ip {
	const struct sc_host *src, *dst;
	uint8_t proto;
	uint16_t id;	    /* IPv4 only */
	bool df;	    /* IPv4 don't-fragment */
	bool mf;	    /* IPv4 more-fragments */
	uint16_t frag_off8; /* IPv4 fragment offset in 8-byte units */
	uint8_t ttl;	    /* 0: the source host's TTL */
	uint8_t tos;
};

/* Writes Ethernet + IP header for l4len bytes of payload; returns bytes written. */
size_t craft_eth_ip(uint8_t *out, const struct craft_ip *ip, size_t l4len);
/* Checksum of an L4 segment over the IPv4/IPv6 pseudo-header. */
uint16_t craft_l4_checksum(const struct sc_host *src, const struct sc_host *dst, uint8_t proto,
			   const uint8_t *l4, size_t len);

/* ---- whole-packet emitters ---- */

/* One UDP datagram; fragmented into IPv4 fragments if it exceeds the MTU. */
void sc_emit_udp(struct sc_ctx *c, uint64_t ts, struct sc_host *src, uint16_t sport,
		 struct sc_host *dst, uint16_t dport, const uint8_t *payload, size_t len);
/* One UDP datagram, IPv4, always split into fragments of at most frag_payload bytes. */
void sc_emit_udp_fragmented(struct sc_ctx *c, uint64_t ts, struct sc_host *src, uint16_t sport,
			    struct sc_host *dst, uint16_t dport, const uint8_t *payload, size_t len,
			    size_t frag_payload);
/* ICMP (v4) or ICMPv6 echo request/reply, depending on the hosts' family. */
void sc_emit_echo(struct sc_ctx *c, uint64_t ts, struct sc_host *src, struct sc_host *dst,
		  bool reply, uint16_t ident, uint16_t seq, const uint8_t *data, size_t len);
/* One raw TCP segment (options: MSS+SACK_PERM when SYN is set). */
void sc_emit_tcp(struct sc_ctx *c, uint64_t ts, struct sc_host *src, uint16_t sport,
		 struct sc_host *dst, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		 uint16_t win, const uint8_t *payload, size_t len);

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

/* ---- TCP session writer ---- */

enum sc_dir { SC_C2S = 0, SC_S2C = 1 };

struct sc_tcp {
	struct sc_ctx *c;
	struct sc_host *cli, *srv;
	uint16_t cport, sport;
	uint32_t seq[2]; /* next sequence number each side sends */
	uint16_t win[2];
	uint16_t mss;
	uint64_t t;   /* this conversation's clock, µs */
	uint64_t rtt; /* round trip as seen from the sensor, µs */
	bool open;
};

/* Three-way handshake starting at time t.  rtt 0 picks a LAN/WAN-like one. */
void sc_tcp_connect(struct sc_tcp *s, struct sc_ctx *c, struct sc_host *cli, uint16_t cport,
		    struct sc_host *srv, uint16_t sport, uint64_t t, uint64_t rtt);
/* A SYN answered by RST (closed port); does not open the session. */
void sc_tcp_refused(struct sc_ctx *c, struct sc_host *cli, uint16_t cport, struct sc_host *srv,
		    uint16_t sport, uint64_t t, uint64_t rtt);
/* Sends data from one side in MSS segments, with ACKs from the other. */
void sc_tcp_send(struct sc_tcp *s, enum sc_dir dir, const uint8_t *data, size_t len);
static inline void sc_tcp_send_buf(struct sc_tcp *s, enum sc_dir dir, const struct sc_buf *b)
{
	sc_tcp_send(s, dir, b->b, b->len);
}
/* Advances this conversation's clock. */
void sc_tcp_wait(struct sc_tcp *s, uint64_t us);
/* FIN handshake started by dir. */
void sc_tcp_close(struct sc_tcp *s, enum sc_dir dir);
/* Aborts with RST from dir. */
void sc_tcp_reset(struct sc_tcp *s, enum sc_dir dir);

/* The host's next ephemeral TCP port: sequential, so 5-tuples never repeat. */
uint16_t sc_host_port(struct sc_host *h);
/* A random ephemeral port (DNS clients randomise theirs). */
uint16_t sc_ephemeral_port(struct sc_rng *r);
/* A think time between lo and hi milliseconds, in µs. */
uint64_t sc_think(struct sc_rng *r, unsigned lo_ms, unsigned hi_ms);

#endif
