/*
 * stats — see stats.h.  The "stats" object mirrors Suricata's names
 * (stats.decoder.pkts, stats.decoder.event.ipv4.trunc_pkt, stats.flow.tcp,
 * ...) so dashboards built on them keep working.
 */
#include "engine/stats.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

#define ADD_FIELD(field) a->field += b->field

void stats_add(struct worker_counters *a, const struct worker_counters *b)
{
	const uint64_t *src = (const uint64_t *)&b->decode;
	uint64_t *dst = (uint64_t *)&a->decode;
	/* decode_stats is all uint64_t counters. */
	for (size_t i = 0; i < sizeof(a->decode) / sizeof(uint64_t); i++)
		dst[i] += src[i];
	ADD_FIELD(flow.total);
	ADD_FIELD(flow.tcp);
	ADD_FIELD(flow.udp);
	ADD_FIELD(flow.icmpv4);
	ADD_FIELD(flow.icmpv6);
	ADD_FIELD(flow.other);
	ADD_FIELD(flow.active);
	ADD_FIELD(flow.active_max);
	ADD_FIELD(flow.timeout);
	ADD_FIELD(flow.forced);
	ADD_FIELD(flow.shutdown);
	ADD_FIELD(flow.emerg_mode_entered);
	ADD_FIELD(flow.emerg_mode_over);
	ADD_FIELD(flow.memcap_refused);
	ADD_FIELD(flow.memuse);
	const uint64_t *ds = (const uint64_t *)&b->defrag;
	uint64_t *dd = (uint64_t *)&a->defrag;
	for (size_t i = 0; i < sizeof(a->defrag) / sizeof(uint64_t); i++)
		dd[i] += ds[i];
	ADD_FIELD(checksum_invalid);
	ADD_FIELD(alerts);
}

/* decoder.event.<group>.<name>, one object per group ("ipv4", "tcp", ...)
 * even where a group's events are not contiguous in the event list. */
static void put_decoder_events(struct json *j, const struct decode_stats *d)
{
	json_open_object(j, "event");
	bool done[DECODE_EV_MAX] = {false};
	for (int e = 0; e < DECODE_EV_MAX; e++) {
		const char *name = decode_event_name((enum decode_event)e);
		if (done[e] || !name)
			continue;
		const char *dot = strchr(name, '.');
		if (!dot) {
			json_uint(j, name, d->events[e]);
			done[e] = true;
			continue;
		}
		size_t gl = (size_t)(dot - name);
		char group[32];
		snprintf(group, sizeof(group), "%.*s", (int)gl, name);
		json_open_object(j, group);
		for (int k = e; k < DECODE_EV_MAX; k++) {
			const char *other = decode_event_name((enum decode_event)k);
			if (!done[k] && other && strncmp(other, name, gl + 1) == 0) {
				json_uint(j, other + gl + 1, d->events[k]);
				done[k] = true;
			}
		}
		json_close_object(j);
	}
	json_close_object(j);
}

static void put_decoder(struct json *j, const struct worker_counters *c)
{
	const struct decode_stats *d = &c->decode;
	json_open_object(j, "decoder");
	json_uint(j, "pkts", d->pkts);
	json_uint(j, "bytes", d->bytes);
	json_uint(j, "invalid", d->invalid);
	json_uint(j, "ipv4", d->ipv4);
	json_uint(j, "ipv6", d->ipv6);
	json_uint(j, "ethernet", d->ethernet);
	json_uint(j, "raw", d->raw);
	json_uint(j, "null", d->null);
	json_uint(j, "sll", d->sll);
	json_uint(j, "tcp", d->tcp);
	json_uint(j, "udp", d->udp);
	json_uint(j, "sctp", d->sctp);
	json_uint(j, "icmpv4", d->icmpv4);
	json_uint(j, "icmpv6", d->icmpv6);
	json_uint(j, "ppp", d->ppp);
	json_uint(j, "pppoe", d->pppoe);
	json_uint(j, "gre", d->gre);
	json_uint(j, "vlan", d->vlan);
	json_uint(j, "vlan_qinq", d->vlan_qinq);
	json_uint(j, "vxlan", d->vxlan);
	json_uint(j, "geneve", d->geneve);
	json_uint(j, "teredo", d->teredo);
	json_uint(j, "ipv4_in_ipv6", d->ipv4_in_ipv6);
	json_uint(j, "ipv6_in_ipv6", d->ipv6_in_ipv6);
	json_uint(j, "mpls", d->mpls);
	json_uint(j, "avg_pkt_size", d->pkts ? d->bytes / d->pkts : 0);
	json_uint(j, "too_many_layers", d->too_many_layers);
	json_uint(j, "invalid_checksum", c->checksum_invalid);
	put_decoder_events(j, d);
	json_close_object(j);
}

static void put_flow(struct json *j, const struct flow_stats *f)
{
	json_open_object(j, "flow");
	json_uint(j, "total", f->total);
	json_uint(j, "active", f->active);
	json_uint(j, "tcp", f->tcp);
	json_uint(j, "udp", f->udp);
	json_uint(j, "icmpv4", f->icmpv4);
	json_uint(j, "icmpv6", f->icmpv6);
	json_uint(j, "other", f->other);
	json_uint(j, "memcap", f->memcap_refused);
	json_uint(j, "memuse", f->memuse);
	json_uint(j, "emerg_mode_entered", f->emerg_mode_entered);
	json_uint(j, "emerg_mode_over", f->emerg_mode_over);
	json_open_object(j, "end");
	json_uint(j, "timeout", f->timeout);
	json_uint(j, "forced", f->forced);
	json_uint(j, "shutdown", f->shutdown);
	json_close_object(j);
	json_close_object(j);
}

void stats_log_eve(struct eve_logger *l, const struct worker_counters *c,
		   const struct capture_stats *cap, uint64_t uptime_s, int64_t ts_sec,
		   uint32_t ts_usec)
{
	if (!eve_logger_config(l)->types[EVE_T_STATS])
		return;
	struct json *j = eve_begin(l, "stats", NULL, NULL, ts_sec, ts_usec);
	json_open_object(j, "stats");
	json_uint(j, "uptime", uptime_s);
	json_open_object(j, "capture");
	json_uint(j, "files", cap->files_total);
	json_uint(j, "files_failed", cap->files_failed);
	json_uint(j, "truncated", cap->truncated_records);
	json_close_object(j);
	put_decoder(j, c);
	json_open_object(j, "detect");
	json_uint(j, "alert", c->alerts);
	json_close_object(j);
	put_flow(j, &c->flow);
	defrag_stats_json(j, &c->defrag);
	json_close_object(j);
	eve_commit(l);
}
