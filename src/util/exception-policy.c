/*
 * exception-policy — parsing, naming and resolution of exception
 * policies; see exception-policy.h for the rules followed (Suricata 8,
 * util-exception-policy.c).
 */
#include "util/exception-policy.h"

#include <stdio.h>
#include <string.h>

#include "util/config.h"

static const char *const conf_names[EXC_POLICY_COUNT] = {
    [EXC_POLICY_IGNORE] = "ignore",	      [EXC_POLICY_AUTO] = "auto",
    [EXC_POLICY_REJECT] = "reject",	      [EXC_POLICY_BYPASS] = "bypass",
    [EXC_POLICY_DROP_FLOW] = "drop-flow",     [EXC_POLICY_DROP_PACKET] = "drop-packet",
    [EXC_POLICY_PASS_PACKET] = "pass-packet", [EXC_POLICY_PASS_FLOW] = "pass-flow",
};

static const char *const json_names[EXC_POLICY_COUNT] = {
    [EXC_POLICY_IGNORE] = "ignore",	      [EXC_POLICY_AUTO] = "auto",
    [EXC_POLICY_REJECT] = "reject",	      [EXC_POLICY_BYPASS] = "bypass",
    [EXC_POLICY_DROP_FLOW] = "drop_flow",     [EXC_POLICY_DROP_PACKET] = "drop_packet",
    [EXC_POLICY_PASS_PACKET] = "pass_packet", [EXC_POLICY_PASS_FLOW] = "pass_flow",
};

static const char *const target_names[EXC_TARGET_COUNT] = {
    "defrag_memcap", "stream_memcap", "stream_reassembly_memcap",
    "flow_memcap",   "stream_midstream", "app_layer_error",
};

static const char *const drop_reasons[EXC_TARGET_COUNT] = {
    "defrag memcap", "stream memcap",	 "stream reassembly",
    "flow memcap",   "stream midstream", "applayer error",
};

const char *exception_target_drop_reason(unsigned target_bit)
{
	unsigned i = exception_target_index(target_bit);
	return i < EXC_TARGET_COUNT ? drop_reasons[i] : "unknown";
}

bool exception_policy_parse(const char *s, enum exception_policy *out)
{
	if (s == NULL)
		return false;
	for (int i = 0; i < EXC_POLICY_COUNT; i++) {
		if (strcmp(s, conf_names[i]) == 0) {
			*out = (enum exception_policy)i;
			return true;
		}
	}
	return false;
}

const char *exception_policy_name(enum exception_policy p, bool json)
{
	if ((unsigned)p >= EXC_POLICY_COUNT)
		return "ignore";
	return json ? json_names[p] : conf_names[p];
}

unsigned exception_target_index(unsigned target_bit)
{
	for (unsigned i = 0; i < EXC_TARGET_COUNT; i++)
		if (target_bit == (1u << i))
			return i;
	return EXC_TARGET_COUNT;
}

const char *exception_target_name(unsigned target_bit)
{
	unsigned i = exception_target_index(target_bit);
	return i < EXC_TARGET_COUNT ? target_names[i] : NULL;
}

/* `auto`: drop in IPS mode unless mid-stream pick-up is on, else ignore. */
static enum exception_policy pick_auto(bool midstream, bool support_flow, bool ips)
{
	if (!midstream && ips)
		return support_flow ? EXC_POLICY_DROP_FLOW : EXC_POLICY_DROP_PACKET;
	return EXC_POLICY_IGNORE;
}

/* Targets without a flow take the packet form of a flow policy. */
static enum exception_policy packet_form(enum exception_policy p)
{
	switch (p) {
	case EXC_POLICY_DROP_FLOW: return EXC_POLICY_DROP_PACKET;
	case EXC_POLICY_PASS_FLOW: return EXC_POLICY_PASS_PACKET;
	case EXC_POLICY_BYPASS: return EXC_POLICY_IGNORE;
	default: return p;
	}
}

static bool parse_value(const char *option, const char *v, enum exception_policy *out, char *err,
			size_t errlen)
{
	if (exception_policy_parse(v, out))
		return true;
	if (err && errlen)
		snprintf(err, errlen,
			 "%s: \"%s\" is not an exception policy (drop-flow, pass-flow, bypass, "
			 "reject, drop-packet, pass-packet, ignore or auto)",
			 option, v);
	return false;
}

/* The master switch or the built-in default, for a target not set itself. */
static bool get_default(const struct config_node *root, bool support_flow, bool midstream,
			bool ips, enum exception_policy *out, char *err, size_t errlen)
{
	const char *m = config_get_str(root, "exception-policy", NULL);
	if (m == NULL) {
		/* as Suricata, the built-in default is not narrowed to a
		 * packet policy: without a flow, drop-flow drops the packet */
		*out = ips && !midstream ? EXC_POLICY_DROP_FLOW : EXC_POLICY_IGNORE;
		return true;
	}
	enum exception_policy p;
	if (!parse_value("exception-policy", m, &p, err, errlen))
		return false;
	if (!ips && (p == EXC_POLICY_DROP_FLOW || p == EXC_POLICY_DROP_PACKET))
		p = EXC_POLICY_IGNORE;
	if (p == EXC_POLICY_AUTO)
		p = pick_auto(midstream, support_flow, ips);
	*out = support_flow ? p : packet_form(p);
	return true;
}

bool exception_policy_resolve(const struct config_node *root, const char *option,
			      bool support_flow, bool ips, enum exception_policy *out, char *err,
			      size_t errlen)
{
	const char *v = root ? config_get_str(root, option, NULL) : NULL;
	if (v == NULL)
		return get_default(root, support_flow, false, ips, out, err, errlen);
	enum exception_policy p;
	if (!parse_value(option, v, &p, err, errlen))
		return false;
	if (p == EXC_POLICY_AUTO)
		p = pick_auto(false, support_flow, ips);
	*out = support_flow ? p : packet_form(p);
	return true;
}

bool exception_policy_resolve_midstream(const struct config_node *root, bool midstream, bool ips,
					enum exception_policy *out, char *err, size_t errlen)
{
	static const char opt[] = "stream.midstream-policy";
	const char *v = root ? config_get_str(root, opt, NULL) : NULL;
	enum exception_policy p;
	if (v == NULL) {
		if (!get_default(root, true, midstream, ips, &p, err, errlen))
			return false;
	} else {
		if (!parse_value(opt, v, &p, err, errlen))
			return false;
		if (p == EXC_POLICY_AUTO) {
			p = pick_auto(midstream, true, ips);
		} else if (midstream && p != EXC_POLICY_IGNORE && p != EXC_POLICY_PASS_FLOW) {
			if (err && errlen)
				snprintf(err, errlen,
					 "%s: \"%s\" is not valid with stream.midstream enabled "
					 "(pass-flow or ignore)",
					 opt, v);
			return false;
		}
		if (!ips && p == EXC_POLICY_DROP_FLOW) {
			if (err && errlen)
				snprintf(err, errlen, "%s: \"%s\" is not valid in IDS mode", opt,
					 v);
			return false;
		}
	}
	if (p == EXC_POLICY_PASS_PACKET || p == EXC_POLICY_DROP_PACKET) {
		if (err && errlen)
			snprintf(err, errlen, "%s: \"%s\" is not valid for this target", opt,
				 exception_policy_name(p, false));
		return false;
	}
	*out = p;
	return true;
}
