/*
 * eve-flow — the EVE "flow" event written when a flow ends: counters per
 * direction, start/end/age, state and reason, and the TCP flags seen.
 */
#include "app/app.h"
#include "output/eve.h"
#include "stream/stream.h"
#include "util/exception-policy.h"
#include "util/json.h"

#include <stdio.h>

/* "%02x" without printf (every TCP flow event has three). */
static const char *hex2(uint8_t v, char out[3])
{
	static const char digits[] = "0123456789abcdef";
	out[0] = digits[v >> 4];
	out[1] = digits[v & 15];
	out[2] = '\0';
	return out;
}

static void put_tcp(struct json *j, const struct flow *f)
{
	char hex[3];
	uint8_t all = f->tcp_flags_ts | f->tcp_flags_tc;
	json_open_object(j, "tcp");
	json_str(j, "tcp_flags", hex2(all, hex));
	json_str(j, "tcp_flags_ts", hex2(f->tcp_flags_ts, hex));
	json_str(j, "tcp_flags_tc", hex2(f->tcp_flags_tc, hex));
	static const struct {
		uint8_t bit;
		const char *name;
	} flags[] = {{TCP_SYN, "syn"}, {TCP_FIN, "fin"}, {TCP_RST, "rst"}, {TCP_PSH, "psh"},
		     {TCP_ACK, "ack"}, {TCP_URG, "urg"}, {TCP_ECE, "ecn"}, {TCP_CWR, "cwr"}};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (all & flags[i].bit)
			json_bool(j, flags[i].name, true);
	if (f->tcp_state != TCP_STATE_NONE)
		json_str(j, "state", flow_tcp_state_name(f->tcp_state));
	/* As Suricata 8, for a flow with a TCP session: gaps and regions. */
	unsigned ts_regions, tc_regions;
	if (stream_max_regions(f, STREAM_TOSERVER, &ts_regions) &&
	    stream_max_regions(f, STREAM_TOCLIENT, &tc_regions)) {
		if (stream_flow_had_gap(f, STREAM_TOCLIENT))
			json_bool(j, "tc_gap", true);
		if (stream_flow_had_gap(f, STREAM_TOSERVER))
			json_bool(j, "ts_gap", true);
		json_uint(j, "ts_max_regions", ts_regions);
		json_uint(j, "tc_max_regions", tc_regions);
	}
	json_close_object(j);
}

/* Each exception policy target the flow met, with its policy, in
 * Suricata's order (output-json-flow.c). */
static void put_exception_policies(struct json *j, const struct flow *f,
				   const struct eve_config *cfg)
{
	json_open_array(j, "exception_policy");
	for (unsigned i = 0; i < EXC_TARGET_COUNT; i++) {
		unsigned bit = 1u << i;
		if (!(f->exception_targets & bit))
			continue;
		json_open_object(j, NULL);
		json_str(j, "target", exception_target_name(bit));
		json_str(j, "policy",
			 exception_policy_name((enum exception_policy)cfg->exception_policy[i], true));
		json_close_object(j);
	}
	json_close_array(j);
}

/* app_proto, and as Suricata the directions' and a change's protocols
 * where they differ from it. */
static void put_app_protos(struct json *j, const struct flow *f)
{
	enum app_proto p = app_flow_proto(f);
	if (p != APP_PROTO_UNKNOWN)
		json_str(j, "app_proto", app_proto_name(p));
	enum app_proto ts = app_flow_proto_dir(f, APP_TOSERVER);
	enum app_proto tc = app_flow_proto_dir(f, APP_TOCLIENT);
	enum app_proto orig = app_flow_proto_orig(f);
	enum app_proto expect = app_flow_proto_expected(f);
	if (ts != APP_PROTO_UNKNOWN && ts != p)
		json_str(j, "app_proto_ts", app_proto_name(ts));
	if (tc != APP_PROTO_UNKNOWN && tc != p)
		json_str(j, "app_proto_tc", app_proto_name(tc));
	if (orig != APP_PROTO_UNKNOWN && orig != p)
		json_str(j, "app_proto_orig", app_proto_name(orig));
	if (expect != APP_PROTO_UNKNOWN && expect != p)
		json_str(j, "app_proto_expected", app_proto_name(expect));
}

void eve_log_flow(struct eve_logger *l, const struct flow *f, enum flow_end_reason why,
		  int64_t now_sec, uint32_t now_usec)
{
	if (!eve_logger_config(l)->types[EVE_T_FLOW])
		return;
	char ts[40];
	struct json *j = eve_begin(l, "flow", NULL, f, now_sec, now_usec);
	put_app_protos(j, f);
	json_open_object(j, "flow");
	json_uint(j, "pkts_toserver", f->pkts_toserver);
	json_uint(j, "pkts_toclient", f->pkts_toclient);
	json_uint(j, "bytes_toserver", f->bytes_toserver);
	json_uint(j, "bytes_toclient", f->bytes_toclient);
	eve_format_time(f->start_sec, f->start_usec, ts);
	json_str(j, "start", ts);
	eve_format_time(f->last_sec, f->last_usec, ts);
	json_str(j, "end", ts);
	json_int(j, "age", f->last_sec - f->start_sec);
	if (f->bypassed) {
		json_str(j, "state", "bypassed");
		json_str(j, "bypass", "local");
	} else {
		json_str(j, "state", flow_state_name(f->state));
	}
	json_str(j, "reason", flow_end_reason_name(why));
	json_bool(j, "alerted", f->alerted);
	if (f->action != FLOW_ACTION_NONE)
		json_str(j, "action", f->action == FLOW_ACTION_PASS ? "pass" : "drop");
	if (f->exception_targets)
		put_exception_policies(j, f, eve_logger_config(l));
	uint64_t txs = app_flow_tx_count(f);
	if (txs)
		json_uint(j, "tx_cnt", txs);
	json_close_object(j);
	if (f->proto == 6 && (f->tcp_flags_ts | f->tcp_flags_tc))
		put_tcp(j, f);
	eve_commit(l);
}
