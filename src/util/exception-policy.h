/*
 * exception-policy — what the engine does with a packet or flow it cannot
 * handle normally (a memcap reached, a session picked up mid-stream, an
 * application-layer parser error), as Suricata 8 defines it in
 * util-exception-policy.c and the "Exception Policies" page of its
 * documentation.
 *
 * Each target has its own setting (e.g. `stream.midstream-policy`); when a
 * target's setting is absent, the master switch `exception-policy` decides,
 * and without that the built-in default: drop-flow in IPS mode, ignore in
 * IDS mode.  `auto` means that built-in default.  A drop policy from the
 * master switch means nothing in IDS mode (ignore).  Targets that cannot act
 * on a flow turn a flow policy into its packet form (drop-flow into
 * drop-packet, pass-flow into pass-packet, bypass into ignore).
 *
 * This module only parses, resolves and names policies; each stage applies
 * its own target's policy where the exception happens.
 */
#ifndef VIGIL_UTIL_EXCEPTION_POLICY_H
#define VIGIL_UTIL_EXCEPTION_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config_node;

enum exception_policy {
	EXC_POLICY_IGNORE = 0, /* Suricata's "not set": nothing happens */
	EXC_POLICY_AUTO,
	EXC_POLICY_REJECT,
	EXC_POLICY_BYPASS,
	EXC_POLICY_DROP_FLOW,
	EXC_POLICY_DROP_PACKET,
	EXC_POLICY_PASS_PACKET,
	EXC_POLICY_PASS_FLOW,
	EXC_POLICY_COUNT,
};

/* The places an exception can happen, as bits (a flow records which of
 * them it met: EVE flow.exception_policy). */
enum exception_target {
	EXC_TARGET_DEFRAG_MEMCAP = 1 << 0,
	EXC_TARGET_STREAM_MEMCAP = 1 << 1,
	EXC_TARGET_REASSEMBLY_MEMCAP = 1 << 2,
	EXC_TARGET_FLOW_MEMCAP = 1 << 3,
	EXC_TARGET_MIDSTREAM = 1 << 4,
	EXC_TARGET_APPLAYER_ERROR = 1 << 5,
};
#define EXC_TARGET_COUNT 6

/* "drop-flow", "pass-packet", "ignore", "auto", ...; false when unknown. */
bool exception_policy_parse(const char *s, enum exception_policy *out);
/* The configuration spelling ("drop-flow") or, with `json`, EVE's
 * ("drop_flow"); ignore is "ignore" in both. */
const char *exception_policy_name(enum exception_policy p, bool json);
/* EVE's name of one target bit ("stream_midstream"), NULL for others. */
const char *exception_target_name(unsigned target_bit);
/* Suricata's drop reason for a drop a target's policy decided
 * ("stream midstream"). */
const char *exception_target_drop_reason(unsigned target_bit);
/* Index 0..EXC_TARGET_COUNT-1 of a target bit. */
unsigned exception_target_index(unsigned target_bit);

/*
 * The policy of `option` (e.g. "stream.memcap-policy") from the config
 * tree: its own value, else the master switch, else the built-in default
 * for the mode.  `support_flow` false for targets without a flow.  An
 * unknown value is an error (message in err naming the option and value).
 */
bool exception_policy_resolve(const struct config_node *root, const char *option,
			      bool support_flow, bool ips, enum exception_policy *out, char *err,
			      size_t errlen);

/*
 * `stream.midstream-policy`: as above, but `auto` and the built-in default
 * are ignore when mid-stream pick-up is enabled, and only ignore and
 * pass-flow may be set explicitly with it enabled; drop-flow is refused
 * in IDS mode, and the packet policies are refused altogether.
 */
bool exception_policy_resolve_midstream(const struct config_node *root, bool midstream, bool ips,
					enum exception_policy *out, char *err, size_t errlen);

#endif
