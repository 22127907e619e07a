/*
 * stats — see stats.h.  The "stats" object mirrors Suricata's names
 * (stats.decoder.pkts, stats.decoder.event.ipv4.trunc_pkt, stats.flow.tcp,
 * ...) so dashboards built on them keep working.
 */
#include "engine/stats.h"
#include "util/exception-policy.h"

#include <stdlib.h>
#include <string.h>
#include "util/json.h"

#include <stdio.h>
#include <string.h>

#define ADD_FIELD(field) a->field += b->field

/* The stages' stats structs hold nothing but uint64_t counters (each says
 * so), so totals over workers are element-wise sums.  Peak values add up
 * to an upper bound. */
static void add_u64s(uint64_t *dst, const uint64_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] += src[i];
}

#define ADD_COUNTERS(field)                                                                        \
	add_u64s((uint64_t *)&a->field, (const uint64_t *)&b->field,                               \
		 sizeof(a->field) / sizeof(uint64_t))

/* Suricata 8 leaves zero-valued counters out unless `null-values` is on. */
static void counter(struct json *j, bool zeros, const char *key, uint64_t v)
{
	if (v || zeros)
		json_uint(j, key, v);
}

void stats_add(struct worker_counters *a, const struct worker_counters *b)
{
	ADD_COUNTERS(decode);
	ADD_COUNTERS(flow);
	ADD_COUNTERS(defrag);
	ADD_COUNTERS(stream);
	ADD_COUNTERS(app);
	ADD_FIELD(checksum_invalid);
	ADD_FIELD(alerts);
	ADD_FIELD(ips_accepted);
	ADD_FIELD(ips_blocked);
	ADD_FIELD(ips_rejected);
	ADD_FIELD(bypassed_pkts);
	ADD_FIELD(bypassed_bytes);
	for (unsigned i = 0; i < EXC_TARGET_COUNT; i++)
		ADD_FIELD(ips_drop_exception[i]);
}

/* Suricata 8's exception_policy counters: packets each (non-ignore)
 * policy was applied to, per target; only the midstream target applies
 * policies so far. */
static void put_exception_policy(struct json *j, const struct worker_counters *c, bool zeros)
{
	const uint64_t *n = c->stream.midstream_policy;
	bool any = false;
	for (int i = EXC_POLICY_AUTO; i < EXC_POLICY_COUNT; i++)
		any |= n[i] != 0;
	if (!any)
		return;
	json_open_object(j, "exception_policy");
	json_open_object(j, "tcp");
	json_open_object(j, "midstream");
	for (int i = EXC_POLICY_AUTO; i < EXC_POLICY_COUNT; i++)
		counter(j, zeros, exception_policy_name((enum exception_policy)i, true), n[i]);
	json_close_object(j);
	json_close_object(j);
	json_close_object(j);
}

/* One protocol's counter; a protocol on both TCP and UDP (and "failed")
 * has one per transport, <name>_tcp and <name>_udp, as Suricata names
 * them. */
static void app_counter(struct json *j, bool zeros, int p, uint64_t all, uint64_t udp)
{
	const struct app_protocol *ap = app_protocol((enum app_proto)p);
	const char *name = app_proto_name((enum app_proto)p);
	bool both = p == APP_PROTO_FAILED ||
		    (ap != NULL && ap->ipprotos == (APP_IPPROTO_TCP | APP_IPPROTO_UDP));
	if (!both) {
		counter(j, zeros, name, all);
		return;
	}
	char key[64];
	snprintf(key, sizeof(key), "%s_tcp", name);
	counter(j, zeros, key, all - udp);
	snprintf(key, sizeof(key), "%s_udp", name);
	counter(j, zeros, key, udp);
}

/* Suricata's "app_layer" stats: flows and transactions per protocol. */
static void put_app(struct json *j, const struct app_stats *a, bool zeros)
{
	json_open_object(j, "app_layer");
	json_open_object(j, "flow");
	for (int i = APP_PROTO_UNKNOWN + 1; i < APP_PROTO_MAX; i++)
		app_counter(j, zeros, i, a->flows[i], a->flows_udp[i]);
	json_close_object(j);
	json_open_object(j, "tx");
	for (int i = APP_PROTO_UNKNOWN + 1; i < APP_PROTO_FAILED; i++)
		app_counter(j, zeros, i, a->tx[i], a->tx_udp[i]);
	json_close_object(j);
	json_close_object(j);
}

static unsigned percent(uint64_t use, uint64_t cap)
{
	return cap ? (unsigned)(use * 100 / cap) : 0;
}

unsigned stats_memcap_pressure(const struct worker_counters *c, uint64_t flow_memcap,
			       uint64_t stream_memcap, uint64_t reassembly_memcap)
{
	unsigned p = percent(c->flow.memuse, flow_memcap);
	unsigned s = percent(c->stream.memuse, stream_memcap);
	unsigned r = percent(c->stream.reassembly_memuse, reassembly_memcap);
	return p > s ? (p > r ? p : r) : (s > r ? s : r);
}

/* Suricata's "tcp" stats object from the stream stage's counters. */
static void put_tcp(struct json *j, const struct stream_stats *st, bool zeros)
{
	json_open_object(j, "tcp");
	counter(j, zeros, "sessions", st->sessions);
	counter(j, zeros, "ssn_memcap_drop", st->ssn_memcap_drop);
	counter(j, zeros, "midstream_pickups", st->midstream_pickups);
	counter(j, zeros, "syn", st->syn);
	counter(j, zeros, "synack", st->synack);
	counter(j, zeros, "rst", st->rst);
	counter(j, zeros, "segment_memcap_drop", st->segment_memcap_drop);
	counter(j, zeros, "stream_depth_reached", st->depth_reached);
	counter(j, zeros, "reassembly_gap", st->reassembly_gap);
	counter(j, zeros, "overlap", st->overlap);
	counter(j, zeros, "overlap_diff_data", st->overlap_diff_data);
	counter(j, zeros, "memuse", st->memuse);
	counter(j, zeros, "reassembly_memuse", st->reassembly_memuse);
	json_close_object(j);
}

/* decoder.event.<group>.<name>, one object per group ("ipv4", "tcp", ...)
 * even where a group's events are not contiguous in the event list. */
static void put_decoder_events(struct json *j, const struct decode_stats *d, bool zeros)
{
	json_open_object(j, "event");
	bool done[DECODE_EV_MAX] = {false};
	for (int e = 0; e < DECODE_EV_MAX; e++) {
		const char *name = decode_event_name((enum decode_event)e);
		if (done[e] || !name)
			continue;
		const char *dot = strchr(name, '.');
		if (!dot) {
			counter(j, zeros, name, d->events[e]);
			done[e] = true;
			continue;
		}
		size_t gl = (size_t)(dot - name);
		uint64_t group_total = 0;
		for (int k = e; k < DECODE_EV_MAX; k++) {
			const char *other = decode_event_name((enum decode_event)k);
			if (!done[k] && other && strncmp(other, name, gl + 1) == 0)
				group_total += d->events[k];
		}
		bool show = zeros || group_total;
		char group[32];
		snprintf(group, sizeof(group), "%.*s", (int)gl, name);
		if (show)
			json_open_object(j, group);
		for (int k = e; k < DECODE_EV_MAX; k++) {
			const char *other = decode_event_name((enum decode_event)k);
			if (!done[k] && other && strncmp(other, name, gl + 1) == 0) {
				if (show)
					counter(j, zeros, other + gl + 1, d->events[k]);
				done[k] = true;
			}
		}
		if (show)
			json_close_object(j);
	}
	json_close_object(j);
}

static void put_decoder(struct json *j, const struct worker_counters *c, bool zeros)
{
	const struct decode_stats *d = &c->decode;
	json_open_object(j, "decoder");
	counter(j, zeros, "pkts", d->pkts);
	counter(j, zeros, "bytes", d->bytes);
	counter(j, zeros, "invalid", d->invalid);
	counter(j, zeros, "ipv4", d->ipv4);
	counter(j, zeros, "ipv6", d->ipv6);
	counter(j, zeros, "ethernet", d->ethernet);
	counter(j, zeros, "raw", d->raw);
	counter(j, zeros, "null", d->null);
	counter(j, zeros, "sll", d->sll);
	counter(j, zeros, "tcp", d->tcp);
	counter(j, zeros, "udp", d->udp);
	counter(j, zeros, "sctp", d->sctp);
	counter(j, zeros, "icmpv4", d->icmpv4);
	counter(j, zeros, "icmpv6", d->icmpv6);
	counter(j, zeros, "ppp", d->ppp);
	counter(j, zeros, "pppoe", d->pppoe);
	counter(j, zeros, "gre", d->gre);
	counter(j, zeros, "vlan", d->vlan);
	counter(j, zeros, "vlan_qinq", d->vlan_qinq);
	counter(j, zeros, "vxlan", d->vxlan);
	counter(j, zeros, "geneve", d->geneve);
	counter(j, zeros, "teredo", d->teredo);
	counter(j, zeros, "ipv4_in_ipv6", d->ipv4_in_ipv6);
	counter(j, zeros, "ipv6_in_ipv6", d->ipv6_in_ipv6);
	counter(j, zeros, "mpls", d->mpls);
	counter(j, zeros, "avg_pkt_size", d->pkts ? d->bytes / d->pkts : 0);
	counter(j, zeros, "too_many_layers", d->too_many_layers);
	counter(j, zeros, "invalid_checksum", c->checksum_invalid);
	put_decoder_events(j, d, zeros);
	json_close_object(j);
}

static void put_flow(struct json *j, const struct flow_stats *f, bool zeros)
{
	json_open_object(j, "flow");
	counter(j, zeros, "total", f->total);
	counter(j, zeros, "active", f->active);
	counter(j, zeros, "tcp", f->tcp);
	counter(j, zeros, "udp", f->udp);
	counter(j, zeros, "icmpv4", f->icmpv4);
	counter(j, zeros, "icmpv6", f->icmpv6);
	counter(j, zeros, "other", f->other);
	counter(j, zeros, "memcap", f->memcap_refused);
	counter(j, zeros, "memuse", f->memuse);
	counter(j, zeros, "emerg_mode_entered", f->emerg_mode_entered);
	counter(j, zeros, "emerg_mode_over", f->emerg_mode_over);
	json_open_object(j, "end");
	counter(j, zeros, "timeout", f->timeout);
	counter(j, zeros, "forced", f->forced);
	counter(j, zeros, "shutdown", f->shutdown);
	json_close_object(j);
	json_close_object(j);
}

void stats_json(struct json *j, bool zeros, const struct worker_counters *c,
		const struct capture_stats *cap, const struct detect_load_stats *rules,
		const struct stats_extra *x)
{
	json_open_object(j, "stats");
	json_uint(j, "uptime", x->uptime_s);
	json_open_object(j, "capture");
	if (cap->live) {
		/* As Suricata's live capture: what the kernel saw and dropped. */
		json_uint(j, "kernel_packets", cap->kernel_packets);
		json_uint(j, "kernel_drops", cap->kernel_drops);
		counter(j, zeros, "kernel_ifdrops", cap->kernel_ifdrops);
	} else {
		counter(j, zeros, "files", cap->files_total);
		counter(j, zeros, "files_failed", cap->files_failed);
		counter(j, zeros, "truncated", cap->truncated_records);
	}
	json_close_object(j);
	put_decoder(j, c, zeros);
	json_open_object(j, "detect");
	if (rules) {
		/* Suricata reports rule counts per detection engine (one here). */
		json_open_array(j, "engines");
		json_open_object(j, NULL);
		json_uint(j, "id", 0);
		json_uint(j, "rules_loaded", rules->loaded);
		json_uint(j, "rules_failed", rules->failed);
		json_uint(j, "rules_skipped", rules->skipped);
		json_close_object(j);
		json_close_array(j);
	}
	counter(j, zeros, "alert", c->alerts);
	json_close_object(j);
	put_flow(j, &c->flow, zeros);
	put_tcp(j, &c->stream, zeros);
	if (x->ips) {
		json_open_object(j, "ips");
		counter(j, zeros, "accepted", c->ips_accepted);
		counter(j, zeros, "blocked", c->ips_blocked);
		counter(j, zeros, "rejected", c->ips_rejected);
		json_open_object(j, "drop_reason");
		for (unsigned i = 0; i < EXC_TARGET_COUNT; i++) {
			/* Suricata's counter names: the reason with '_' for ' ' */
			char name[32];
			const char *r = exception_target_drop_reason(1u << i);
			size_t k = 0;
			for (; r[k] && k + 1 < sizeof(name); k++)
				name[k] = r[k] == ' ' ? '_' : r[k];
			name[k] = 0;
			counter(j, zeros, name, c->ips_drop_exception[i]);
		}
		json_close_object(j);
		json_close_object(j);
	}
	put_exception_policy(j, c, zeros);
	if (c->bypassed_pkts) {
		json_open_object(j, "flow_bypassed");
		counter(j, zeros, "local_pkts", c->bypassed_pkts);
		counter(j, zeros, "local_bytes", c->bypassed_bytes);
		json_close_object(j);
	}
	/* Memory pressure, in percent of the fullest memcap (Suricata 8 writes
	 * these even when zero). */
	json_open_object(j, "memcap");
	json_uint(j, "pressure", x->pressure);
	json_uint(j, "pressure_max", x->pressure_max);
	json_close_object(j);
	put_app(j, &c->app, zeros);
	defrag_stats_json_opt(j, &c->defrag, zeros);
	json_close_object(j);
}

char *stats_json_string(bool zeros, const struct worker_counters *c,
			const struct capture_stats *cap, const struct detect_load_stats *rules,
			const struct stats_extra *x)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	stats_json(&j, zeros, c, cap, rules, x);
	json_close_object(&j);
	char *out = j.oom ? NULL : malloc(j.len + 1);
	if (out) {
		memcpy(out, j.buf, j.len);
		out[j.len] = '\0';
	}
	json_free(&j);
	return out;
}

void stats_log_eve(struct eve_logger *l, const struct worker_counters *c,
		   const struct capture_stats *cap, const struct detect_load_stats *rules,
		   const struct stats_extra *x, int64_t ts_sec, uint32_t ts_usec)
{
	const struct eve_config *cfg = eve_logger_config(l);
	if (!cfg->types[EVE_T_STATS])
		return;
	struct json *j = eve_begin(l, "stats", NULL, NULL, ts_sec, ts_usec);
	stats_json(j, cfg->stats_null_values, c, cap, rules, x);
	eve_commit(l);
}
