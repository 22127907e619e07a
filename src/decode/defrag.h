/*
 * defrag — IPv4 and IPv6 fragment reassembly, one table per worker.
 *
 * The worker hands every decoded fragment (p->is_fragment) to
 * defrag_packet().  Fragments are grouped into trackers keyed on address
 * family, source, destination, IP id (IPv6: fragment id), IPv4 protocol
 * and VLAN ids.  When a tracker holds the first fragment, the last one and
 * every byte in between, the datagram is rebuilt — the header of the first
 * fragment with total length and fragment fields fixed (IPv6: the fragment
 * header removed) — and returned in a malloc'd buffer the worker decodes
 * as a new packet (LINKTYPE_INNER_IPV4/IPV6, PKT_SRC_DEFRAG).
 *
 * Overlapping bytes are resolved per target policy, as Suricata's
 * defrag.c and Novak's "Target-Based Fragmentation Reassembly" define
 * them; for every byte covered by an older fragment O and a newer one N:
 *   first      O always wins
 *   last       N always wins
 *   bsd        N wins when it starts before O            (the default)
 *   linux      N wins when it starts at or before O
 *   windows    N wins when it starts before and ends after O
 *   solaris    N wins when it starts before and ends at or after O
 *   bsd-right  N wins when it starts at or after O (Suricata has no
 *              rule of its own for it: offset order decides)
 * Any overlap raises ipv4.frag_overlap / ipv6.frag_overlap on the
 * fragment that caused it.  A fragment reaching past 65535 bytes raises
 * ipv4/ipv6.frag_pkt_too_large and is dropped.
 *
 * Time is packet time.  A tracker not updated for `timeout_sec` is
 * dropped (defrag_expire(), or when its next fragment arrives late).
 * Memory is bounded by `memcap`, counting trackers, fragment copies and
 * coverage lists actually held; a fragment that would exceed it, or a new
 * tracker past `max_trackers`, is refused and counted.  A table belongs to
 * one worker: no globals, no locks.
 */
#ifndef VIGIL_DECODE_DEFRAG_H
#define VIGIL_DECODE_DEFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"

struct config_node;
struct json;

enum defrag_policy {
	DEFRAG_POLICY_BSD = 0,
	DEFRAG_POLICY_LINUX,
	DEFRAG_POLICY_WINDOWS,
	DEFRAG_POLICY_SOLARIS,
	DEFRAG_POLICY_FIRST,
	DEFRAG_POLICY_LAST,
	DEFRAG_POLICY_BSD_RIGHT,
};

struct defrag_config {
	uint32_t timeout_sec;  /* default 60 */
	uint64_t memcap;       /* bytes; default 32 MiB */
	uint32_t max_trackers; /* default 65535 */
	enum defrag_policy policy;
};

/* All counters are uint64_t so the engine can sum them as an array. */
struct defrag_stats {
	uint64_t ipv4_fragments, ipv4_reassembled;
	uint64_t ipv6_fragments, ipv6_reassembled;
	uint64_t timeouts;             /* trackers dropped incomplete */
	uint64_t memcap_refusals;      /* fragments refused by the memcap */
	uint64_t max_trackers_reached; /* new trackers refused by max_trackers */
	uint64_t overlaps;             /* fragments that overlapped held data */
	uint64_t too_large;            /* fragments reaching past 65535 bytes */
};

/* A reassembled IP datagram; data is malloc'd and owned by the result. */
struct defrag_result {
	uint8_t *data;
	uint32_t len;
};

struct defrag_table;

void defrag_config_defaults(struct defrag_config *c);

/*
 * Reads defrag.timeout, defrag.memcap, defrag.trackers and defrag.policy
 * ("bsd", "linux", ...) from the config tree; absent keys keep their value.
 */
void defrag_config_load(struct defrag_config *c, const struct config_node *root);

/* "bsd" → DEFRAG_POLICY_BSD ...; false for an unknown name. */
bool defrag_policy_from_name(const char *name, enum defrag_policy *out);

/* NULL config means defaults.  Returns NULL on allocation failure. */
struct defrag_table *defrag_table_new(const struct defrag_config *c);
void defrag_table_free(struct defrag_table *t);

/*
 * Takes one decoded fragment.  Returns true when it completed a datagram:
 * *out then holds it (release with defrag_result_release()).  Events
 * (overlap, too large) are set on `frag`.  Packets that are not valid
 * fragments are ignored (false).
 */
bool defrag_packet(struct defrag_table *t, struct packet *frag, struct defrag_result *out);
void defrag_result_release(struct defrag_result *r);

/* Drops trackers last updated more than timeout_sec before now_sec. */
void defrag_expire(struct defrag_table *t, int64_t now_sec);

const struct defrag_stats *defrag_table_stats(const struct defrag_table *t);
/* Bytes currently held (what the memcap counts). */
uint64_t defrag_table_memuse(const struct defrag_table *t);
size_t defrag_table_trackers(const struct defrag_table *t);

/* Writes Suricata's "defrag" stats object into an open JSON object. */
void defrag_stats_json(struct json *j, const struct defrag_stats *s);
/* The same; with zeros false, zero counters (and objects left empty, and
 * "defrag" itself when all are zero) are left out, as Suricata 8 does
 * unless stats null-values is on. */
void defrag_stats_json_opt(struct json *j, const struct defrag_stats *s, bool zeros);

#endif
