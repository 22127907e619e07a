/*
 * decode_test — helpers for the decode and defrag unit tests (see
 * decode_test.h).
 */
#include <stdlib.h>
#include <string.h>

#include "support/decode_test.h"

static uint8_t *dtest_copy;

void dtest_free(void)
{
	free(dtest_copy);
	dtest_copy = NULL;
}

void dtest_decode(struct packet *p, struct decode_stats *st, int linktype, const uint8_t *b,
		  uint32_t len)
{
	dtest_free();
	dtest_copy = malloc(len ? len : 1);
	if (len)
		memcpy(dtest_copy, b, len);
	memset(p, 0, sizeof(*p));
	p->data = dtest_copy;
	p->len = len;
	p->wire_len = len;
	p->linktype = linktype;
	decode_packet(p, st);
}

unsigned dtest_event_count(const struct packet *p)
{
	return p->event_count;
}

static void dtest_ipv4_csum(uint8_t *h, size_t hlen)
{
	uint32_t sum = 0;
	h[10] = h[11] = 0;
	for (size_t i = 0; i + 1 < hlen; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	h[10] = (uint8_t)(sum >> 8);
	h[11] = (uint8_t)sum;
}

size_t dtest_ipv4(uint8_t *out, uint8_t proto, const uint8_t *opts, size_t optlen,
		  const uint8_t *payload, size_t plen)
{
	size_t hlen = 20 + optlen;
	size_t total = hlen + plen;
	static const uint8_t base[20] = {0x45, 0, 0, 0, 0x12, 0x34, 0, 0, 64, 0, 0, 0,
					 10, 0, 0, 1, 10, 0, 0, 2};
	memcpy(out, base, 20);
	out[0] = (uint8_t)(0x40 | (hlen / 4));
	out[2] = (uint8_t)(total >> 8);
	out[3] = (uint8_t)total;
	out[9] = proto;
	if (optlen)
		memcpy(out + 20, opts, optlen);
	if (plen)
		memcpy(out + hlen, payload, plen);
	dtest_ipv4_csum(out, hlen);
	return total;
}

size_t dtest_ipv6(uint8_t *out, uint8_t nh, const uint8_t *body, size_t blen)
{
	static const uint8_t base[40] = {
		0x60, 0, 0, 0, 0, 0, 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0,
		0,    0, 0, 0, 0, 1, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
		0,    0, 0, 2,
	};
	memcpy(out, base, 40);
	out[4] = (uint8_t)(blen >> 8);
	out[5] = (uint8_t)blen;
	out[6] = nh;
	if (blen)
		memcpy(out + 40, body, blen);
	return 40 + blen;
}
