/*
 * live-config — the capture plan of a live run (live.h): which sources,
 * with which settings, and how many worker lanes each, from the command
 * line over the config's `af-packet:`, `pcap:` and `nfq:` sections, as
 * Suricata reads them.  Every bad value is an error naming its key; a
 * setting vigil does not do is refused with the reason, never ignored.
 */
#include "engine/live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The config entry for `iface` in a sequence like `af-packet:`, else its
 * `interface: default` entry, else NULL.  *named: the entry is iface's own. */
static const struct config_node *iface_entry(const struct config_node *config, const char *section,
					     const char *iface, bool *named)
{
	const struct config_node *seq = config_get(config, section);
	const struct config_node *def = NULL;
	*named = false;
	for (size_t i = 0; seq && seq->kind == CONFIG_SEQ && i < seq->nchild; i++) {
		const char *name = config_get_str(seq->child[i], "interface", NULL);
		if (!name)
			continue;
		if (strcmp(name, iface) == 0) {
			*named = true;
			return seq->child[i];
		}
		if (strcmp(name, "default") == 0)
			def = seq->child[i];
	}
	return def;
}

/* The interfaces named in a section (not `default`), in order. */
static unsigned config_ifaces(const struct config_node *config, const char *section,
			      const char **out, unsigned max)
{
	const struct config_node *seq = config_get(config, section);
	unsigned n = 0;
	for (size_t i = 0; seq && seq->kind == CONFIG_SEQ && i < seq->nchild && n < max; i++) {
		const char *name = config_get_str(seq->child[i], "interface", NULL);
		if (name && strcmp(name, "default") != 0)
			out[n++] = name;
	}
	return n;
}

static bool get_uint(const struct config_node *entry, const char *section, const char *key,
		     uint64_t max, uint32_t *out, char *err, size_t errlen)
{
	const char *v = entry ? config_get_str(entry, key, NULL) : NULL;
	if (!v)
		return true;
	uint64_t n;
	if (!config_parse_size(v, &n) || n > max) {
		snprintf(err, errlen, "%s.%s: bad value '%s' (a number up to %llu)", section, key, v,
			 (unsigned long long)max);
		return false;
	}
	*out = (uint32_t)n;
	return true;
}

static bool get_threads(const struct engine_options *o, const struct config_node *entry,
			const char *section, unsigned *threads, char *err, size_t errlen)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*threads = cpus > 0 ? (unsigned)cpus : 1;
	const char *v = entry ? config_get_str(entry, "threads", NULL) : NULL;
	if (o->threads > 0)
		*threads = (unsigned)o->threads;
	else if (v && strcmp(v, "auto") != 0) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > ENGINE_MAX_WORKERS) {
			snprintf(err, errlen, "%s.threads: bad value '%s' (auto or 1..%d)", section, v,
				 ENGINE_MAX_WORKERS);
			return false;
		}
		*threads = (unsigned)n;
	}
	if (*threads > ENGINE_MAX_WORKERS)
		*threads = ENGINE_MAX_WORKERS;
	return true;
}

static void base_defaults(struct capture_live_config *c, enum capture_method m)
{
	memset(c, 0, sizeof(*c));
	c->method = m;
	c->cluster_id = 99;
	c->cluster_type = -1;
	c->defrag = true;
	c->use_mmap = true;
	c->ring_size = 2048;
	c->block_size = 1u << 17;
	c->block_timeout_ms = 10;
	c->snaplen = 65535;
	c->promisc = true;
}

static bool pcap_entry(const struct config_node *entry, struct capture_live_config *c, char *err,
		       size_t errlen)
{
	c->promisc = entry ? config_get_bool(entry, "promisc", true) : true;
	return get_uint(entry, "pcap", "snaplen", 262144, &c->snaplen, err, errlen) &&
	       get_uint(entry, "pcap", "buffer-size", UINT32_MAX, &c->buffer_size, err, errlen);
}

/* copy-mode / copy-iface of an af-packet entry. */
static bool afp_copy_mode(const struct config_node *entry, struct capture_live_config *c,
			  char *err, size_t errlen)
{
	const char *mode = entry ? config_get_str(entry, "copy-mode", NULL) : NULL;
	if (!mode || strcmp(mode, "none") == 0)
		return true;
	if (strcmp(mode, "tap") == 0) {
		snprintf(err, errlen, "af-packet (%s).copy-mode: tap is not supported by vigil (ips or none)",
			 c->iface);
		return false;
	}
	if (strcmp(mode, "ips") != 0) {
		snprintf(err, errlen, "af-packet (%s).copy-mode: bad value '%s' (ips, tap or none)",
			 c->iface, mode);
		return false;
	}
	const char *peer = config_get_str(entry, "copy-iface", NULL);
	if (!peer || !peer[0] || strlen(peer) >= sizeof(c->copy_iface)) {
		snprintf(err, errlen, "af-packet (%s): copy-mode ips needs a copy-iface", c->iface);
		return false;
	}
	c->inline_mode = true;
	snprintf(c->copy_iface, sizeof(c->copy_iface), "%s", peer);
	/* Fanout defrag would hand over reassembled datagrams, too big to be
	 * sent on as they are: inline, fragments pass one by one. */
	if (config_get_str(entry, "defrag", NULL) && config_get_bool(entry, "defrag", true))
		fprintf(stderr, "vigil: af-packet (%s): defrag: yes does not apply with copy-mode ips (fragments are sent on as they came)\n",
			c->iface);
	c->defrag = false;
	return true;
}

static bool afp_entry(const struct config_node *entry, bool named, unsigned index,
		      struct capture_live_config *c, char *err, size_t errlen)
{
	const char *s = "af-packet";
	c->promisc = entry ? !config_get_bool(entry, "disable-promisc", false) : true;
	c->defrag = entry ? config_get_bool(entry, "defrag", true) : true;
	c->use_mmap = entry ? config_get_bool(entry, "use-mmap", true) : true;
	if (!c->use_mmap)
		fprintf(stderr, "vigil: af-packet.use-mmap: no is not supported; the mmap'ed TPACKET_V3 ring is used\n");
	uint32_t cid = c->cluster_id;
	if (!get_uint(entry, s, "cluster-id", 65535, &cid, err, errlen) ||
	    !get_uint(entry, s, "ring-size", 1u << 24, &c->ring_size, err, errlen) ||
	    !get_uint(entry, s, "block-size", 1u << 30, &c->block_size, err, errlen) ||
	    !get_uint(entry, s, "block-timeout", 60000, &c->block_timeout_ms, err, errlen))
		return false;
	/* A fanout group belongs to one interface: interfaces sharing the
	 * default entry get consecutive ids. */
	c->cluster_id = (uint16_t)(cid + (named ? 0 : index));
	const char *ct = entry ? config_get_str(entry, "cluster-type", NULL) : NULL;
	if (ct && (c->cluster_type = capture_cluster_type(ct)) < 0) {
		snprintf(err, errlen, "%s.cluster-type: bad value '%s' (cluster_flow, cluster_cpu, cluster_qm, cluster_rollover, cluster_random or cluster_lb)",
			 s, ct);
		return false;
	}
	return afp_copy_mode(entry, c, err, errlen);
}

static bool add_lanes(struct live_plan *plan, const struct capture_live_config *c, unsigned n,
		      char *err, size_t errlen)
{
	if (plan->n + n > ENGINE_MAX_WORKERS) {
		snprintf(err, errlen, "too many capture workers: at most %d over all sources",
			 ENGINE_MAX_WORKERS);
		return false;
	}
	for (unsigned i = 0; i < n; i++)
		plan->lanes[plan->n++] = *c;
	plan->inline_mode |= c->inline_mode;
	return true;
}

/* One source of -i/--af-packet/--pcap. */
static bool plan_iface(const struct engine_options *o, const struct config_node *config,
		       const char *iface, unsigned index, struct live_plan *plan, char *err,
		       size_t errlen)
{
	bool pcap = o->live_method == CAPTURE_PCAP;
	const char *section = pcap ? "pcap" : "af-packet";
	bool named;
	const struct config_node *entry = iface_entry(config, section, iface, &named);
	struct capture_live_config c;
	base_defaults(&c, o->live_method);
	if (strlen(iface) >= sizeof(c.iface)) {
		snprintf(err, errlen, "%s: interface name too long", iface);
		return false;
	}
	snprintf(c.iface, sizeof(c.iface), "%s", iface);
	const char *bpf = o->bpf ? o->bpf : entry ? config_get_str(entry, "bpf-filter", NULL) : NULL;
	if (bpf)
		snprintf(c.bpf, sizeof(c.bpf), "%s", bpf);
	unsigned threads;
	if (!get_threads(o, entry, section, &threads, err, errlen))
		return false;
	if (pcap) {
		if (o->threads > 1)
			fprintf(stderr, "vigil: --pcap captures with one worker per interface (libpcap has no fanout); %u threads asked\n",
				o->threads);
		threads = 1;
		if (!pcap_entry(entry, &c, err, errlen))
			return false;
	} else if (!afp_entry(entry, named, index, &c, err, errlen)) {
		return false;
	}
	return add_lanes(plan, &c, threads, err, errlen);
}

/* -q QUEUE...: one worker per queue, as Suricata's NFQ workers. */
static bool plan_nfq(const struct engine_options *o, const struct config_node *config,
		     struct live_plan *plan, char *err, size_t errlen)
{
	const char *mode = config_get_str(config, "nfq.mode", "accept");
	if (strcmp(mode, "repeat") == 0 || strcmp(mode, "route") == 0) {
		snprintf(err, errlen, "nfq.mode: %s is not supported by vigil (accept only)", mode);
		return false;
	}
	if (strcmp(mode, "accept") != 0) {
		snprintf(err, errlen, "nfq.mode: bad value '%s' (accept, repeat or route)", mode);
		return false;
	}
	struct capture_live_config c;
	base_defaults(&c, CAPTURE_NFQ);
	c.inline_mode = true;
	c.fail_open = config_get_bool(config, "nfq.fail-open", false);
	c.batch = 20;
	if (!get_uint(config_get(config, "nfq"), "nfq", "batchcount", 1000, &c.batch, err, errlen))
		return false;
	if (c.batch == 0)
		c.batch = 1;
	if (o->bpf)
		fprintf(stderr, "vigil: -f is not applied to NFQUEUE: the iptables/nftables rule chooses the packets\n");
	for (unsigned i = 0; i < o->nnfq_queues; i++) {
		c.queue = o->nfq_queues[i];
		snprintf(c.iface, sizeof(c.iface), "NFQ#%u", c.queue);
		if (!add_lanes(plan, &c, 1, err, errlen))
			return false;
	}
	return true;
}

/* copy-mode ips needs the peer captured too, or one direction never passes. */
static void check_peers(const struct live_plan *plan)
{
	for (unsigned i = 0; i < plan->n; i++) {
		const struct capture_live_config *c = &plan->lanes[i];
		if (!c->inline_mode || c->method != CAPTURE_AF_PACKET)
			continue;
		bool peer = false;
		for (unsigned k = 0; k < plan->n && !peer; k++)
			peer = strcmp(plan->lanes[k].iface, c->copy_iface) == 0;
		if (!peer)
			fprintf(stderr, "vigil: af-packet: %s copies to %s, which is not captured: nothing passes from %s to %s\n",
				c->iface, c->copy_iface, c->copy_iface, c->iface);
		if (i + 1 < plan->n && strcmp(plan->lanes[i + 1].iface, c->iface) == 0)
			i++; /* said once per interface */
	}
}

bool live_config_load(const struct engine_options *o, const struct config_node *config,
		      struct live_plan *plan, char *err, size_t errlen)
{
	memset(plan, 0, sizeof(*plan));
	if (o->live_method == CAPTURE_NFQ)
		return plan_nfq(o, config, plan, err, errlen);
	const char *section = o->live_method == CAPTURE_PCAP ? "pcap" : "af-packet";
	const char *ifaces[ENGINE_MAX_SOURCES];
	unsigned n = o->nlive_ifaces;
	memcpy(ifaces, o->live_ifaces, n * sizeof(ifaces[0]));
	if (n == 0) {
		n = config_ifaces(config, section, ifaces, ENGINE_MAX_SOURCES);
		if (o->live_method == CAPTURE_PCAP && n > 1)
			n = 1; /* --pcap alone: the first interface, as before */
	}
	if (n == 0) {
		snprintf(err, errlen, "no interface to capture on: give -i IFACE or an interface in the config's %s: section",
			 section);
		return false;
	}
	for (unsigned i = 0; i < n; i++) {
		for (unsigned k = 0; k < i; k++)
			if (strcmp(ifaces[k], ifaces[i]) == 0) {
				snprintf(err, errlen, "%s: interface given twice", ifaces[i]);
				return false;
			}
		if (!plan_iface(o, config, ifaces[i], i, plan, err, errlen))
			return false;
	}
	check_peers(plan);
	return true;
}

void live_plan_describe(const struct live_plan *plan, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < plan->n && o + 1 < len; i++) {
		if (i > 0 && strcmp(plan->lanes[i - 1].iface, plan->lanes[i].iface) == 0)
			continue;
		int m = snprintf(out + o, len - o, "%s%s", o ? ", " : "", plan->lanes[i].iface);
		if (m < 0)
			break;
		o += (size_t)m;
	}
}
