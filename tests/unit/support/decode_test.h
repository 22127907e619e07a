/*
 * decode_test — tiny helpers shared by the decode and defrag unit tests.
 * Everything is prefixed dtest_.
 */
#ifndef VIGIL_TEST_DECODE_TEST_H
#define VIGIL_TEST_DECODE_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"

/*
 * Decodes len bytes of b as a wire packet of the given link type.  The
 * bytes are first copied into a heap buffer of exactly len bytes, so a
 * decoder reading past the end is caught by AddressSanitizer.  The copy
 * stays alive until the next dtest_decode() call or dtest_free().
 */
void dtest_decode(struct packet *p, struct decode_stats *st, int linktype, const uint8_t *b,
		  uint32_t len);
void dtest_free(void);

/* Number of events on p (for "exactly these events" checks). */
unsigned dtest_event_count(const struct packet *p);

/*
 * Builds an IPv4 datagram 10.0.0.1 -> 10.0.0.2 (TTL 64, id 0x1234, no
 * fragmentation) with the given options (a multiple of 4 bytes) and
 * payload into out; returns its length.  The header checksum is valid.
 */
size_t dtest_ipv4(uint8_t *out, uint8_t proto, const uint8_t *opts, size_t optlen,
		  const uint8_t *payload, size_t plen);

/* Builds an IPv6 header 2001:db8::1 -> 2001:db8::2 (hop limit 64) with next header nh
 * followed by body; returns the length. */
size_t dtest_ipv6(uint8_t *out, uint8_t nh, const uint8_t *body, size_t blen);

#endif
