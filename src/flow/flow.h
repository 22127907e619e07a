/*
 * flow — the per-worker flow table: one struct flow per conversation,
 * both directions, keyed on the 5-tuple, VLAN ids and tunnel depth.
 *
 * A flow table belongs to exactly one worker and is never shared, so it
 * takes no locks.  The engine routes every packet of a conversation to the
 * same worker (see engine/dispatch.c), which is what makes that safe.
 *
 * TCP connection state (tcp_state, and state for TCP flows) is set by the
 * stream stage; this stage sets state for other protocols.
 *
 * Time is packet time: timeouts are checked against the newest packet
 * timestamp seen, never the wall clock, so offline runs are deterministic.
 * Memory is bounded by `memcap`: past it the table enters emergency mode
 * (shorter timeouts) and, if that frees nothing, evicts the least recently
 * used flows (reason "forced").  Nothing is dropped silently: every end of
 * a flow goes through the end callback, and every refusal is counted.
 */
#ifndef VIGIL_FLOW_H
#define VIGIL_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/decode.h"

enum flow_state {
	FLOW_STATE_NEW = 0,
	FLOW_STATE_ESTABLISHED,
	FLOW_STATE_CLOSED,
};

/* TCP connection state as named in EVE `tcp.state`. */
enum tcp_state {
	TCP_STATE_NONE = 0,
	TCP_STATE_SYN_SENT,
	TCP_STATE_SYN_RECV,
	TCP_STATE_ESTABLISHED,
	TCP_STATE_FIN_WAIT1,
	TCP_STATE_FIN_WAIT2,
	TCP_STATE_TIME_WAIT,
	TCP_STATE_LAST_ACK,
	TCP_STATE_CLOSE_WAIT,
	TCP_STATE_CLOSING,
	TCP_STATE_CLOSED,
};

/* A verdict that applies to the rest of a flow (pass and drop rules). */
enum flow_action {
	FLOW_ACTION_NONE = 0,
	FLOW_ACTION_PASS, /* no more inspection */
	FLOW_ACTION_DROP, /* IPS: every further packet is dropped */
};

enum flow_end_reason {
	FLOW_END_TIMEOUT = 0,
	FLOW_END_FORCED,
	FLOW_END_SHUTDOWN,
};

/* Timeout classes: one LRU list each, so expiry is O(expired flows). */
enum flow_timeout_class {
	FLOW_TO_NEW = 0,
	FLOW_TO_ESTABLISHED,
	FLOW_TO_CLOSED,
	FLOW_TO_MAX,
};

struct flow {
	/* Identity: src/sp are the side that sent the first packet seen. */
	struct ip_addr src, dst;
	uint16_t sp, dp;
	uint8_t proto;
	uint8_t tunnel_depth;
	uint8_t vlan_count;
	uint16_t vlan_id[DECODE_MAX_VLAN];
	uint32_t hash;
	uint64_t flow_id; /* < 2^51, so JSON readers using doubles read it exactly */

	int64_t start_sec, last_sec;
	uint32_t start_usec, last_usec;

	uint64_t pkts_toserver, pkts_toclient;
	uint64_t bytes_toserver, bytes_toclient;

	enum flow_state state;
	enum tcp_state tcp_state;
	uint8_t tcp_flags_ts, tcp_flags_tc;
	/* ICMP: type/code of the first packet each way (EVE icmp_type, response_icmp_type). */
	uint8_t icmp_type, icmp_code, icmp_resp_type, icmp_resp_code;
	bool alerted;
	bool seen_toclient;
	enum flow_action action;
	/* Local bypass (the `bypass` keyword, a bypass exception policy):
	 * the flow's later packets are only counted (EVE state "bypassed"). */
	bool bypassed;
	uint8_t exception_targets; /* exception policies met: EXC_TARGET_* bits */
	uint8_t drop_logged; /* bit 1: to server, bit 2: to client (drop flows: start) */

	/* Slots for later stages (stream, app layer, detection); the flow
	 * stage never looks inside them and frees them through the table's
	 * cleanup callback. */
	void *stream;
	void *app;
	void *detect;

	/* Table internals. */
	struct flow *hash_next;
	struct flow *lru_prev, *lru_next;
	uint8_t lru_class;
};

struct flow_timeouts {
	uint32_t secs[FLOW_TO_MAX];
	uint32_t emergency_secs[FLOW_TO_MAX];
};

enum flow_proto_class { FLOW_P_TCP = 0, FLOW_P_UDP, FLOW_P_ICMP, FLOW_P_OTHER, FLOW_P_MAX };

struct flow_config {
	uint64_t memcap;          /* bytes; 0 = default (128 MiB) */
	uint32_t hash_size;       /* buckets, rounded up to a power of two */
	uint32_t emergency_recovery; /* % of memcap to fall below to leave emergency */
	struct flow_timeouts timeouts[FLOW_P_MAX];
};

/* Suricata's default timeouts and caps. */
void flow_config_defaults(struct flow_config *cfg);
struct config_node;
/* Overrides timeouts from a config tree's `flow-timeouts:` section. */
void flow_config_load_timeouts(struct flow_config *cfg, const struct config_node *root);

/* Only uint64_t counters: the engine sums workers' stats as arrays. */
struct flow_stats {
	uint64_t total, tcp, udp, icmpv4, icmpv6, other;
	uint64_t active, active_max;
	uint64_t timeout, forced, shutdown;
	uint64_t emerg_mode_entered, emerg_mode_over;
	uint64_t memcap_refused; /* packets that got no flow */
	uint64_t memuse;
};

typedef void (*flow_end_fn)(struct flow *f, enum flow_end_reason why, void *arg);
/* True when packet p starts a new conversation on the tuple of flow f
 * (TCP port reuse; the stream stage knows). */
typedef bool (*flow_reuse_fn)(const struct flow *f, const struct packet *p, void *arg);

struct flow_table;

/* `on_end` is called for every flow that leaves the table, before it is
 * freed; it must release the later-stage slots (stream/app/detect). */
struct flow_table *flow_table_new(const struct flow_config *cfg, flow_end_fn on_end, void *arg);
void flow_table_free(struct flow_table *t);

/*
 * Finds or creates the flow of a decoded packet, updates its counters and
 * state, and sets p->flow and p->flow_toserver.  Returns NULL (and leaves
 * p->flow NULL) for packets that do not belong in a flow (no IP layer,
 * undecoded fragments) or when the memcap refuses a new flow.
 */
struct flow *flow_table_handle_packet(struct flow_table *t, struct packet *p);

/* The old flow is ended (reason timeout) when `fn` says a packet reuses
 * its tuple; without a check, tuples are never reused. */
void flow_table_set_reuse_check(struct flow_table *t, flow_reuse_fn fn, void *arg);

/* Later stages change f->state (the stream stage for TCP): call this after
 * they ran on a packet, so the flow times out by its new state. */
void flow_table_refile(struct flow_table *t, struct flow *f);

/* Ends flows idle past their timeout at packet time `now`. */
void flow_table_expire(struct flow_table *t, int64_t now_sec, uint32_t now_usec);

/* Ends every flow (reason shutdown), e.g. at the end of the input. */
void flow_table_flush(struct flow_table *t);

const struct flow_stats *flow_table_stats(const struct flow_table *t);

/* Symmetric hash of a packet's flow key: the same for both directions. */
uint32_t flow_hash_packet(const struct packet *p);

/* Turns a flow around (Suricata's FlowSwap): source and destination,
 * and every per-direction counter, change places.  The caller flips the
 * direction of the packet at hand (p->flow_toserver) itself. */
void flow_swap(struct flow *f);

const char *flow_state_name(enum flow_state s);
const char *flow_tcp_state_name(enum tcp_state s);
const char *flow_end_reason_name(enum flow_end_reason r);

#endif
