/*
 * reject — see reject.h.  Answers are built whole (IP header on) and sent
 * through IPPROTO_RAW sockets; builders never write past `cap`.
 *
 * TCP: a RST|ACK.  To the sender of the offending packet it comes from the
 * receiver, with the packet's ACK as its sequence number and the packet's
 * end (sequence + payload, + 1 for SYN or FIN) as its ACK, so the sender's
 * stack takes it; to the receiver it comes from the sender, at the
 * packet's end.  Other protocols: ICMP port unreachable to the sender,
 * quoting the offending datagram's start (the whole quote for IPv6 within
 * the 1280-byte minimum MTU; IPv4's IP header and 8 bytes are what RFC 792
 * asks for, more is allowed and we quote up to REJECT_QUOTE_MAX).
 */
#include "engine/reject.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct reject_sender {
	int fd4, fd6;
	uint64_t send_failed;
};

bool reject_target_set(struct reject_target *t, const struct packet *p, enum detect_action action)
{
	if ((p->ip_version != 4 && p->ip_version != 6) || !p->ip_hdr || p->is_fragment)
		return false;
	if (p->proto == 6 && !p->l4_hdr)
		return false;
	memset(t, 0, sizeof(*t));
	t->set = true;
	t->to_src = action != DETECT_ACTION_REJECTDST;
	t->to_dst = action == DETECT_ACTION_REJECTDST || action == DETECT_ACTION_REJECTBOTH;
	t->ip_version = p->ip_version;
	t->proto = p->proto;
	t->src = p->src;
	t->dst = p->dst;
	t->sp = p->sp;
	t->dp = p->dp;
	if (p->proto == 6) {
		t->seq = p->tcp.seq;
		t->ack = p->tcp.ack;
		t->tcp_flags = p->tcp.flags;
		t->payload_len = p->payload_len;
	}
	size_t avail = p->len - (size_t)(p->ip_hdr - p->data);
	t->quote_len = (uint32_t)(avail < REJECT_QUOTE_MAX ? avail : REJECT_QUOTE_MAX);
	memcpy(t->quote, p->ip_hdr, t->quote_len);
	return true;
}

static uint32_t sum16(uint32_t sum, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Checksum of an L4 segment with its IPv4 or IPv6 pseudo header. */
static uint16_t l4_checksum(int version, const uint8_t *src, const uint8_t *dst, uint8_t proto,
			    const uint8_t *l4, size_t len)
{
	size_t alen = version == 6 ? 16 : 4;
	uint32_t sum = sum16(0, src, alen);
	sum = sum16(sum, dst, alen);
	sum += proto;
	sum += (uint32_t)len & 0xffff;
	sum += (uint32_t)(len >> 16);
	return fold(sum16(sum, l4, len));
}

/* IP header from `from` to `to`; returns its length. */
static size_t put_ip(uint8_t *o, int version, const struct ip_addr *from, const struct ip_addr *to,
		     uint8_t proto, size_t l4len)
{
	if (version == 4) {
		memset(o, 0, 20);
		o[0] = 0x45;
		uint16_t total = htons((uint16_t)(20 + l4len));
		memcpy(o + 2, &total, 2);
		o[8] = 64;
		o[9] = proto;
		memcpy(o + 12, from->bytes, 4);
		memcpy(o + 16, to->bytes, 4);
		uint16_t ck = htons(fold(sum16(0, o, 20)));
		memcpy(o + 10, &ck, 2);
		return 20;
	}
	memset(o, 0, 40);
	o[0] = 0x60;
	uint16_t plen = htons((uint16_t)l4len);
	memcpy(o + 4, &plen, 2);
	o[6] = proto;
	o[7] = 64;
	memcpy(o + 8, from->bytes, 16);
	memcpy(o + 24, to->bytes, 16);
	return 40;
}

static void put32(uint8_t *o, uint32_t v)
{
	v = htonl(v);
	memcpy(o, &v, 4);
}

static void put16(uint8_t *o, uint16_t v)
{
	v = htons(v);
	memcpy(o, &v, 2);
}

static size_t build_rst(const struct reject_target *t, bool to_src, uint8_t *out, size_t cap)
{
	size_t iplen = t->ip_version == 6 ? 40 : 20;
	if (cap < iplen + 20)
		return 0;
	uint32_t end = t->seq + t->payload_len + ((t->tcp_flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	const struct ip_addr *from = to_src ? &t->dst : &t->src, *to = to_src ? &t->src : &t->dst;
	put_ip(out, t->ip_version, from, to, 6, 20);
	uint8_t *tcp = out + iplen;
	memset(tcp, 0, 20);
	put16(tcp, to_src ? t->dp : t->sp);
	put16(tcp + 2, to_src ? t->sp : t->dp);
	put32(tcp + 4, to_src ? ((t->tcp_flags & TCP_ACK) ? t->ack : 0) : end);
	put32(tcp + 8, to_src ? end : t->ack);
	tcp[12] = 5 << 4;
	tcp[13] = TCP_RST | TCP_ACK;
	put16(tcp + 16, l4_checksum(t->ip_version, from->bytes, to->bytes, 6, tcp, 20));
	return iplen + 20;
}

static size_t build_unreachable(const struct reject_target *t, uint8_t *out, size_t cap)
{
	size_t iplen = t->ip_version == 6 ? 40 : 20;
	size_t l4len = 8 + t->quote_len;
	if (cap < iplen + l4len)
		return 0;
	uint8_t proto = t->ip_version == 6 ? 58 : 1;
	put_ip(out, t->ip_version, &t->dst, &t->src, proto, l4len);
	uint8_t *icmp = out + iplen;
	memset(icmp, 0, 8);
	icmp[0] = t->ip_version == 6 ? 1 : 3; /* destination unreachable */
	icmp[1] = t->ip_version == 6 ? 4 : 3; /* port unreachable */
	memcpy(icmp + 8, t->quote, t->quote_len);
	uint16_t ck = t->ip_version == 6
			  ? l4_checksum(6, t->dst.bytes, t->src.bytes, 58, icmp, l4len)
			  : fold(sum16(0, icmp, l4len));
	put16(icmp + 2, ck);
	return iplen + l4len;
}

size_t reject_build(const struct reject_target *t, bool to_src, uint8_t *out, size_t cap)
{
	if (t->proto == 6)
		return build_rst(t, to_src, out, cap);
	return to_src ? build_unreachable(t, out, cap) : 0;
}

struct reject_sender *reject_sender_open(char *err, size_t errlen)
{
	struct reject_sender *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->fd4 = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	s->fd6 = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
	if (s->fd4 < 0) {
		snprintf(err, errlen, "cannot open a raw socket to send reject answers: %s%s",
			 strerror(errno), errno == EPERM ? " (needs CAP_NET_RAW)" : "");
		reject_sender_close(s);
		return NULL;
	}
	return s; /* without IPv6 (disabled), IPv6 answers are counted as failed */
}

static bool send_one(struct reject_sender *s, const struct reject_target *t, const uint8_t *pkt,
		     size_t len, bool to_src)
{
	const struct ip_addr *to = to_src ? &t->src : &t->dst;
	ssize_t n;
	if (t->ip_version == 4) {
		struct sockaddr_in sin = {.sin_family = AF_INET};
		memcpy(&sin.sin_addr, to->bytes, 4);
		n = sendto(s->fd4, pkt, len, 0, (struct sockaddr *)&sin, sizeof(sin));
	} else {
		struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
		memcpy(&sin6.sin6_addr, to->bytes, 16);
		n = s->fd6 < 0 ? -1
			       : sendto(s->fd6, pkt, len, 0, (struct sockaddr *)&sin6, sizeof(sin6));
	}
	if (n == (ssize_t)len)
		return true;
	if (s->send_failed++ == 0)
		fprintf(stderr, "vigil: reject: cannot send the answer: %s (counted; further failures are not reported one by one)\n",
			s->fd6 < 0 && t->ip_version == 6 ? "no IPv6 raw socket" : strerror(errno));
	return false;
}

unsigned reject_send(struct reject_sender *s, const struct reject_target *t)
{
	unsigned sent = 0;
	uint8_t pkt[40 + 8 + REJECT_QUOTE_MAX];
	for (int i = 0; i < 2; i++) {
		bool to_src = i == 0;
		if (!(to_src ? t->to_src : t->to_dst))
			continue;
		size_t len = reject_build(t, to_src, pkt, sizeof(pkt));
		if (len && send_one(s, t, pkt, len, to_src))
			sent++;
	}
	return sent;
}

void reject_sender_close(struct reject_sender *s)
{
	if (!s)
		return;
	if (s->send_failed)
		fprintf(stderr, "vigil: reject: %llu answers could not be sent\n",
			(unsigned long long)s->send_failed);
	if (s->fd4 >= 0)
		close(s->fd4);
	if (s->fd6 >= 0)
		close(s->fd6);
	free(s);
}
