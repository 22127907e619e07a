/*
 * prng — xoshiro256** seeded through splitmix64.  See prng.h.
 */
#include "scenario/prng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void sc_rng_seed(struct sc_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

uint64_t sc_rng_next(struct sc_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t sc_rng_below(struct sc_rng *r, uint64_t n)
{
	if (n == 0)
		return 0;
	/* Rejection keeps the result unbiased for any n. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t v;
	do {
		v = sc_rng_next(r);
	} while (v >= limit);
	return v % n;
}

uint64_t sc_rng_range(struct sc_rng *r, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + sc_rng_below(r, hi - lo + 1);
}

int sc_rng_chance(struct sc_rng *r, unsigned permille)
{
	return sc_rng_below(r, 1000) < permille;
}

void sc_rng_bytes(struct sc_rng *r, uint8_t *out, size_t n)
{
	while (n > 0) {
		uint64_t v = sc_rng_next(r);
		for (int i = 0; i < 8 && n > 0; i++, n--) {
			*out++ = (uint8_t)v;
			v >>= 8;
		}
	}
}

void sc_rng_fork(struct sc_rng *r, struct sc_rng *child)
{
	sc_rng_seed(child, sc_rng_next(r));
}
