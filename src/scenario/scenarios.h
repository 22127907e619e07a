/*
 * scenarios — the internal registry shape: each scenario-<name>.c defines
 * one builder that fills a generation context, and scenario.c lists them
 * in one table.  A builder returns 0, or -1 after setting c->oom or
 * another failure it cannot recover from.
 */
#ifndef VIGIL_SCENARIO_SCENARIOS_H
#define VIGIL_SCENARIO_SCENARIOS_H

#include "scenario/craft.h"

struct sc_scenario {
	const char *name;
	const char *description;
	int (*build)(struct sc_ctx *c);
};

int scenario_build_sample(struct sc_ctx *c);
int scenario_build_hospital_ransomware(struct sc_ctx *c);
int scenario_build_hospital_ransomware_novel(struct sc_ctx *c);
int scenario_build_grid_manipulation(struct sc_ctx *c);
int scenario_build_crypto_theft(struct sc_ctx *c);
int scenario_build_emergency_ddos(struct sc_ctx *c);

/* The gateway MAC every scenario uses for off-site peers. */
extern const uint8_t sc_gateway_mac[6];

#endif
