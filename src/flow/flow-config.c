/*
 * flow-config — reads `flow-timeouts:` (Suricata's layout: default, tcp,
 * udp, icmp; each new, established, closed and emergency-*) into a
 * struct flow_config.  Absent keys keep their defaults; a `default:`
 * section applies to protocols that do not set their own.
 */
#include "flow/flow.h"
#include "util/config.h"

#include <stdio.h>

static void load_section(struct flow_timeouts *to, const struct config_node *sec)
{
	static const char *const names[FLOW_TO_MAX] = {"new", "established", "closed"};
	char key[48];
	for (int c = 0; c < FLOW_TO_MAX; c++) {
		int64_t v = config_get_int(sec, names[c], -1);
		if (v >= 0)
			to->secs[c] = (uint32_t)v;
		snprintf(key, sizeof(key), "emergency-%s", names[c]);
		v = config_get_int(sec, key, -1);
		if (v >= 0)
			to->emergency_secs[c] = (uint32_t)v;
	}
}

void flow_config_load_timeouts(struct flow_config *cfg, const struct config_node *root)
{
	const struct config_node *ft = config_get(root, "flow-timeouts");
	if (!ft)
		return;
	static const char *const protos[FLOW_P_MAX] = {"tcp", "udp", "icmp", "default"};
	const struct config_node *def = config_child(ft, "default");
	for (int p = 0; p < FLOW_P_MAX; p++) {
		if (def)
			load_section(&cfg->timeouts[p], def);
		const struct config_node *sec = config_child(ft, protos[p]);
		if (sec)
			load_section(&cfg->timeouts[p], sec);
	}
}
