/*
 * prng — the scenario generator's deterministic random numbers.
 *
 * Every choice a scenario makes (ports, sequence numbers, timing, payload
 * bytes) comes from one of these generators, so the same seed always
 * writes byte-identical captures.  The generator is xoshiro256** (Blackman
 * and Vigna, 2018), seeded by expanding the 64-bit seed with splitmix64 as
 * its authors recommend.  It is fast and statistically good; it is not a
 * cryptographic generator and must never be used for anything but test
 * traffic.
 */
#ifndef VIGIL_SCENARIO_PRNG_H
#define VIGIL_SCENARIO_PRNG_H

#include <stddef.h>
#include <stdint.h>

struct sc_rng {
	uint64_t s[4];
};

void sc_rng_seed(struct sc_rng *r, uint64_t seed);
uint64_t sc_rng_next(struct sc_rng *r);
/* Uniform in [0, n); n == 0 returns 0. */
uint64_t sc_rng_below(struct sc_rng *r, uint64_t n);
/* Uniform in [lo, hi] (inclusive). */
uint64_t sc_rng_range(struct sc_rng *r, uint64_t lo, uint64_t hi);
/* True with probability permille / 1000. */
int sc_rng_chance(struct sc_rng *r, unsigned permille);
void sc_rng_bytes(struct sc_rng *r, uint8_t *out, size_t n);
/* An independent generator derived from this one (for a sub-task). */
void sc_rng_fork(struct sc_rng *r, struct sc_rng *child);

#endif
