/* dispatch_route: the worker a frame goes to (engine/dispatch.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/dispatch.h"

#define NW 8

/* Ethernet (+ VLAN tags) + IPv4 header (+ options) + payload. */
static uint32_t frame4(uint8_t *b, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		       int nvlan, int optwords, const uint8_t *payload, uint32_t plen)
{
	uint32_t o = 12;
	memset(b, 0, 12);
	for (int i = 0; i < nvlan; i++) {
		b[o++] = 0x81, b[o++] = 0x00;
		b[o++] = 0x00, b[o++] = (uint8_t)(10 + i);
	}
	b[o++] = 0x08, b[o++] = 0x00;
	uint8_t *ip = b + o;
	uint32_t hlen = 20u + 4u * (uint32_t)optwords;
	memset(ip, 0, hlen);
	ip[0] = (uint8_t)(0x40 | (hlen / 4));
	uint32_t tot = hlen + plen;
	ip[2] = (uint8_t)(tot >> 8), ip[3] = (uint8_t)tot;
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	for (int i = 0; i < optwords * 4; i++)
		ip[20 + i] = 1; /* NOP options */
	memcpy(ip + hlen, payload, plen);
	return o + tot;
}

static unsigned route(const uint8_t *b, uint32_t len)
{
	struct capture_frame fr = {.data = b, .caplen = len, .wirelen = len, .linktype = 1};
	return dispatch_route(&fr, NW);
}

static const uint8_t udp[8] = {0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00};

/* Both directions of every pair go to one worker, and with options (the
 * full decode) as without (the reader's cheap path). */
static void test_symmetric_and_paths_agree(void **state)
{
	(void)state;
	uint8_t b[256];
	unsigned seen = 0;
	for (int k = 0; k < 64; k++) {
		uint8_t a[4] = {10, 0, (uint8_t)k, 1}, c[4] = {192, 168, 1, (uint8_t)(k * 7)};
		for (int v = 0; v <= 2; v++) {
			unsigned x = route(b, frame4(b, a, c, 17, v, 0, udp, 8));
			assert_int_equal(x, route(b, frame4(b, c, a, 17, v, 0, udp, 8)));
			assert_int_equal(x, route(b, frame4(b, a, c, 17, v, 2, udp, 8)));
			assert_int_equal(x, route(b, frame4(b, c, a, 6, v, 1, udp, 8)));
			seen |= 1u << x;
		}
	}
	assert_true(__builtin_popcount(seen) > NW / 2); /* spread, not one lane */
}

/* An ICMP error goes where the flow of the datagram it quotes is. */
static void test_icmp_error_follows_quoted_flow(void **state)
{
	(void)state;
	uint8_t b[256], icmp[8 + 28], quoted[64];
	const uint8_t router[4] = {172, 16, 0, 1};
	int differs = 0;
	for (int k = 0; k < 32; k++) {
		uint8_t a[4] = {10, 1, (uint8_t)k, 2}, c[4] = {8, 8, (uint8_t)(k * 3), 8};
		unsigned flow = route(b, frame4(b, a, c, 17, 0, 0, udp, 8));
		/* the quoted IPv4 + UDP header, a -> c */
		uint32_t ql = frame4(quoted, a, c, 17, 0, 0, udp, 8) - 14;
		memset(icmp, 0, 8);
		icmp[0] = 3, icmp[1] = 3; /* port unreachable */
		memcpy(icmp + 8, quoted + 14, ql);
		unsigned err = route(b, frame4(b, router, a, 1, 0, 0, icmp, 8 + ql));
		assert_int_equal(err, flow);
		differs += route(b, frame4(b, router, a, 17, 0, 0, udp, 8)) != flow;
	}
	assert_true(differs > 0); /* the router's own pair would have gone elsewhere */
}

/* A fragment after the first (no ports) goes with its datagram. */
static void test_fragments_follow_datagram(void **state)
{
	(void)state;
	uint8_t b[256];
	for (int k = 0; k < 32; k++) {
		uint8_t a[4] = {10, 2, 3, (uint8_t)k}, c[4] = {10, 9, (uint8_t)k, 4};
		unsigned first = route(b, frame4(b, a, c, 17, 1, 0, udp, 8));
		uint32_t n = frame4(b, a, c, 17, 1, 0, udp, 8);
		b[18 + 6] = 0x00, b[18 + 7] = 0x10; /* offset 128 bytes, last fragment */
		assert_int_equal(route(b, n), first);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_symmetric_and_paths_agree),
	    cmocka_unit_test(test_icmp_error_follows_quoted_flow),
	    cmocka_unit_test(test_fragments_follow_datagram),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
