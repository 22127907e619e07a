/*
 * reject — the packets a `reject` rule answers with on the live inline
 * path, as Suricata's respond-reject: a TCP RST for TCP, an ICMP (v4:
 * port unreachable; v6: port unreachable) for anything else.
 *
 * The worker records what it needs of the offending packet (a copy: the
 * packet may be a stack copy made for stream inspection) in a
 * reject_target; the live lane sends the answers after the frame's verdict
 * through raw IP sockets opened at start-up (before privileges are
 * dropped), so the kernel routes them.  Offline nothing is sent.
 */
#ifndef VIGIL_ENGINE_REJECT_H
#define VIGIL_ENGINE_REJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "detect/detect.h"

#define REJECT_QUOTE_MAX 64 /* bytes of the offending datagram an ICMP error quotes */

struct reject_target {
	bool set;
	bool to_src, to_dst; /* whom the answers go to */
	uint8_t ip_version, proto;
	struct ip_addr src, dst;
	uint16_t sp, dp;
	uint32_t seq, ack;
	uint8_t tcp_flags;
	uint32_t payload_len;
	uint8_t quote[REJECT_QUOTE_MAX]; /* IP header and first bytes, for ICMP */
	uint32_t quote_len;
};

/* Records p as the packet to answer for a rule with `action`; false (and
 * nothing recorded) when p is not one that can be answered: not IP, or a
 * pseudo packet without a header to quote. */
bool reject_target_set(struct reject_target *t, const struct packet *p, enum detect_action action);

struct reject_sender;

/* Opens the raw sockets (IPv4 and IPv6); NULL with a reason in err. */
struct reject_sender *reject_sender_open(char *err, size_t errlen);
/* Sends the answers for t; returns how many packets were sent. */
unsigned reject_send(struct reject_sender *s, const struct reject_target *t);
void reject_sender_close(struct reject_sender *s);

/* Builds the answer packet (IP header on) into out; its length, or 0 when
 * it does not fit.  `to_src`: answer the sender (else the receiver).
 * Exposed for tests. */
size_t reject_build(const struct reject_target *t, bool to_src, uint8_t *out, size_t cap);

#endif
