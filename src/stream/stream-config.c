/*
 * stream-config — the stream stage's settings: Suricata's defaults and the
 * `stream:` section of the configuration tree, read once at start-up.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/stream.h"
#include "util/config.h"

static const char *const policy_names[STREAM_POLICY_MAX] = {
    [STREAM_POLICY_BSD] = "bsd",
    [STREAM_POLICY_BSD_RIGHT] = "bsd-right",
    [STREAM_POLICY_OLD_LINUX] = "old-linux",
    [STREAM_POLICY_LINUX] = "linux",
    [STREAM_POLICY_OLD_SOLARIS] = "old-solaris",
    [STREAM_POLICY_SOLARIS] = "solaris",
    [STREAM_POLICY_HPUX10] = "hpux10",
    [STREAM_POLICY_HPUX11] = "hpux11",
    [STREAM_POLICY_IRIX] = "irix",
    [STREAM_POLICY_MACOS] = "macos",
    [STREAM_POLICY_WINDOWS] = "windows",
    [STREAM_POLICY_VISTA] = "vista",
    [STREAM_POLICY_WINDOWS2K3] = "windows2k3",
    [STREAM_POLICY_FIRST] = "first",
    [STREAM_POLICY_LAST] = "last",
};

const char *stream_policy_name(enum stream_policy pol)
{
	if ((int)pol < 0 || pol >= STREAM_POLICY_MAX)
		return NULL;
	return policy_names[pol];
}

int stream_policy_lookup(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < STREAM_POLICY_MAX; i++)
		if (strcmp(policy_names[i], name) == 0)
			return i;
	return -1;
}

void stream_config_defaults(struct stream_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memcap = 64ull << 20;
	cfg->reassembly_memcap = 256ull << 20;
	cfg->depth = 1ull << 20;
	cfg->toserver_chunk_size = 2560;
	cfg->toclient_chunk_size = 2560;
	cfg->max_syn_queued = 10;
	cfg->max_synack_queued = 5;
	cfg->policy = STREAM_POLICY_BSD;
}

static uint32_t clamp_u32(uint64_t v, uint32_t def)
{
	return v == 0 || v > UINT32_MAX ? def : (uint32_t)v;
}

static bool prefix_match(const struct stream_host_policy *h, const struct ip_addr *a)
{
	if (h->family != a->family)
		return false;
	uint32_t bits = h->prefix, full = bits / 8, rest = bits % 8;
	if (memcmp(h->addr, a->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (h->addr[full] & mask) == (a->bytes[full] & mask);
}

enum stream_policy stream_host_policy(const struct stream_config *cfg, const struct ip_addr *a)
{
	int best = -1;
	for (uint32_t i = 0; i < cfg->nhosts && i < STREAM_MAX_HOST_POLICIES; i++)
		if (prefix_match(&cfg->hosts[i], a) &&
		    (best < 0 || cfg->hosts[i].prefix > cfg->hosts[best].prefix))
			best = (int)i;
	return best < 0 ? cfg->policy : cfg->hosts[best].policy;
}

/* "10.0.0.0/8", "192.168.1.100", "::1", "2001:db8::/32". */
static bool parse_block(const char *text, struct stream_host_policy *h)
{
	char buf[64];
	if (strlen(text) >= sizeof(buf))
		return false;
	strcpy(buf, text);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(h, 0, sizeof(*h));
	if (inet_pton(AF_INET, buf, h->addr) == 1) {
		h->family = 4;
		h->prefix = 32;
	} else if (inet_pton(AF_INET6, buf, h->addr) == 1) {
		h->family = 6;
		h->prefix = 128;
	} else {
		return false;
	}
	if (slash) {
		char *end;
		long bits = strtol(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || bits < 0 || bits > h->prefix)
			return false;
		h->prefix = (uint8_t)bits;
	}
	return true;
}

static bool load_host_policies(struct stream_config *cfg, const struct config_node *root, char *err,
			       size_t errlen)
{
	const struct config_node *map = config_get(root, "host-os-policy");
	if (!map || map->kind != CONFIG_MAP)
		return true;
	for (size_t i = 0; i < map->nchild; i++) {
		const struct config_node *list = map->child[i];
		int pol = stream_policy_lookup(list->key);
		if (pol < 0) {
			if (err && errlen)
				snprintf(err, errlen, "host-os-policy: unknown policy \"%s\"",
					 list->key);
			return false;
		}
		for (size_t k = 0; list->kind == CONFIG_SEQ && k < list->nchild; k++) {
			const char *text = list->child[k]->value;
			struct stream_host_policy h;
			if (!text || !parse_block(text, &h)) {
				if (err && errlen)
					snprintf(err, errlen,
						 "host-os-policy.%s: bad address \"%s\"", list->key,
						 text ? text : "");
				return false;
			}
			if (cfg->nhosts >= STREAM_MAX_HOST_POLICIES) {
				if (err && errlen)
					snprintf(err, errlen,
						 "host-os-policy: more than %d entries",
						 STREAM_MAX_HOST_POLICIES);
				return false;
			}
			h.policy = (enum stream_policy)pol;
			cfg->hosts[cfg->nhosts++] = h;
		}
	}
	return true;
}

bool stream_config_load(struct stream_config *cfg, const struct config_node *root, char *err,
			size_t errlen)
{
	if (!root)
		return true;
	cfg->midstream = config_get_bool(root, "stream.midstream", cfg->midstream);
	cfg->bypass = config_get_bool(root, "stream.bypass", cfg->bypass);
	cfg->async_oneside = config_get_bool(root, "stream.async-oneside", cfg->async_oneside);
	/* "auto" (and no value) means inline in IPS mode: the engine decides
	 * that (engine.c), knowing the mode. */
	const char *inl = config_get_str(root, "stream.inline", NULL);
	if (inl && strcmp(inl, "auto") != 0)
		cfg->inline_mode = config_parse_bool(inl, cfg->inline_mode);
	cfg->memcap = config_get_size(root, "stream.memcap", cfg->memcap);
	cfg->reassembly_memcap =
	    config_get_size(root, "stream.reassembly.memcap", cfg->reassembly_memcap);
	cfg->depth = config_get_size(root, "stream.reassembly.depth", cfg->depth);
	cfg->toserver_chunk_size =
	    clamp_u32(config_get_size(root, "stream.reassembly.toserver-chunk-size",
				      cfg->toserver_chunk_size),
		      cfg->toserver_chunk_size);
	cfg->toclient_chunk_size =
	    clamp_u32(config_get_size(root, "stream.reassembly.toclient-chunk-size",
				      cfg->toclient_chunk_size),
		      cfg->toclient_chunk_size);
	int64_t v = config_get_int(root, "stream.max-syn-queued", cfg->max_syn_queued);
	if (v >= 0 && v <= UINT32_MAX)
		cfg->max_syn_queued = (uint32_t)v;
	v = config_get_int(root, "stream.max-synack-queued", cfg->max_synack_queued);
	if (v >= 0 && v <= UINT32_MAX)
		cfg->max_synack_queued = (uint32_t)v;
	/* The policy of hosts no host-os-policy entry covers (a vigil
	 * setting; Suricata's is bsd). */
	const char *pol = config_get_str(root, "stream.reassembly.policy", NULL);
	if (pol) {
		int p = stream_policy_lookup(pol);
		if (p < 0) {
			if (err && errlen)
				snprintf(err, errlen, "stream: unknown overlap policy \"%s\"", pol);
			return false;
		}
		cfg->policy = (enum stream_policy)p;
	}
	return load_host_policies(cfg, root, err, errlen);
}
