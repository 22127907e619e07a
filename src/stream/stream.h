/*
 * stream — TCP session tracking and stream reassembly, the stage between
 * flow/ and the application layer / detection.
 *
 * This is the public interface of the stream stage.  For every TCP packet
 * that has a flow, the worker calls stream_handle_packet() right after
 * flow_table_handle_packet().  The stage then owns, for TCP flows:
 *   - f->stream      (the session; freed with stream_flow_free()),
 *   - f->tcp_state   (Suricata's TCP state names, see flow.h),
 *   - f->state       (new / established / closed, as Suricata derives it),
 *   - f->tcp_flags_ts/tc (the OR of the flags each TCP side sent since the
 *     session started; 00 without a session, as Suricata's EVE),
 * and overwrites whatever the flow stage's coarse tracker put there, so
 * calling it after the flow stage is all it takes for its values to win.
 * "ts" is the TCP client: a session picked up from a SYN/ACK turns its
 * flow around (flow_swap(), as Suricata's FlowSwap) so the flow starts at
 * the client; stream_flow_reversed() says when the flow's source is still
 * the server (a SYN/ACK or SYN met on a flow another packet opened).
 *
 * Stream events (Suricata's `stream.*` names) are added to the packet's
 * p->stream_events[] (decode.h); the EVE anomaly logger and the
 * stream-event keyword read them from there.
 *
 * Reassembled data is read, never pushed: the application layer reads the
 * contiguous data of each direction with stream_app_data() and says how far
 * it got with stream_app_consumed(); detection reads the raw stream with
 * stream_raw_window() / stream_raw_consumed().  Bytes are released once
 * every registered reader has consumed them; a reader that is not
 * registered (struct stream_config.app_reader / raw_reader false) never
 * holds data back.
 *
 * Nothing here is global: a struct stream_ctx belongs to one worker, like
 * its flow table, and all memory accounting (memcaps) is per context.
 *
 * How a worker drives it (engine/worker.c):
 *   setup:    stream_config_defaults(&c); stream_config_load(&c, tree, ...);
 *             c.app_reader = <app layer present>; c.raw_reader = <stream rules>;
 *             w->stream = stream_ctx_new(&c);            (one per worker)
 *   packet:   flow_table_handle_packet(w->flows, p);
 *             if (p->flow && p->proto == 6) stream_handle_packet(w->stream, p);
 *             app layer: stream_app_data()/stream_app_consumed() for both
 *               directions (an ACK in one direction makes the other's data
 *               readable);
 *             detect: stream_raw_window() for the packet's direction
 *               (stream_packet_toserver), then EVE (anomaly: p->stream_events).
 *   flow end: in the flow table's end callback, before detect/app cleanup:
 *             stream_flow_end(f); (last app/raw pass) stream_flow_free(f->stream);
 *             f->stream = NULL;
 *   shutdown: free the flow table (ends every flow) before stream_ctx_free().
 *   stats:    stream_ctx_stats() (Suricata's tcp.* counters).
 */
#ifndef VIGIL_STREAM_H
#define VIGIL_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "util/exception-policy.h"

struct flow;
struct config_node;

/* ---------------------------------------------------------------- events */

/* Suricata's stream event names (decode-events.c), "stream." included. */
#define STREAM_EVENT_LIST(X)                                                                       \
	X(3WHS_ACK_IN_WRONG_DIR, "stream.3whs_ack_in_wrong_dir")                                   \
	X(3WHS_ASYNC_WRONG_SEQ, "stream.3whs_async_wrong_seq")                                     \
	X(3WHS_RIGHT_SEQ_WRONG_ACK_EVASION, "stream.3whs_right_seq_wrong_ack_evasion")             \
	X(3WHS_SYNACK_IN_WRONG_DIRECTION, "stream.3whs_synack_in_wrong_direction")                 \
	X(3WHS_SYNACK_RESEND_WITH_DIFFERENT_ACK, "stream.3whs_synack_resend_with_different_ack")   \
	X(3WHS_SYNACK_RESEND_WITH_DIFF_SEQ, "stream.3whs_synack_resend_with_diff_seq")             \
	X(3WHS_SYNACK_TOSERVER_ON_SYN_RECV, "stream.3whs_synack_toserver_on_syn_recv")             \
	X(3WHS_SYNACK_WITH_WRONG_ACK, "stream.3whs_synack_with_wrong_ack")                         \
	X(3WHS_SYNACK_FLOOD, "stream.3whs_synack_flood")                                           \
	X(3WHS_SYNACK_TFO_DATA_IGNORED, "stream.3whs_synack_tfo_data_ignored")                     \
	X(3WHS_SYN_FLOOD, "stream.3whs_syn_flood")                                                 \
	X(3WHS_SYN_RESEND_DIFF_SEQ_ON_SYN_RECV, "stream.3whs_syn_resend_diff_seq_on_syn_recv")     \
	X(3WHS_SYN_TOCLIENT_ON_SYN_RECV, "stream.3whs_syn_toclient_on_syn_recv")                   \
	X(3WHS_WRONG_SEQ_WRONG_ACK, "stream.3whs_wrong_seq_wrong_ack")                             \
	X(3WHS_ACK_DATA_INJECT, "stream.3whs_ack_data_inject")                                     \
	X(4WHS_SYNACK_WITH_WRONG_ACK, "stream.4whs_synack_with_wrong_ack")                         \
	X(4WHS_SYNACK_WITH_WRONG_SYN, "stream.4whs_synack_with_wrong_syn")                         \
	X(4WHS_WRONG_SEQ, "stream.4whs_wrong_seq")                                                 \
	X(4WHS_INVALID_ACK, "stream.4whs_invalid_ack")                                             \
	X(CLOSEWAIT_ACK_OUT_OF_WINDOW, "stream.closewait_ack_out_of_window")                       \
	X(CLOSEWAIT_FIN_OUT_OF_WINDOW, "stream.closewait_fin_out_of_window")                       \
	X(CLOSEWAIT_PKT_BEFORE_LAST_ACK, "stream.closewait_pkt_before_last_ack")                   \
	X(CLOSEWAIT_INVALID_ACK, "stream.closewait_invalid_ack")                                   \
	X(CLOSING_ACK_WRONG_SEQ, "stream.closing_ack_wrong_seq")                                   \
	X(CLOSING_INVALID_ACK, "stream.closing_invalid_ack")                                       \
	X(EST_PACKET_OUT_OF_WINDOW, "stream.est_packet_out_of_window")                             \
	X(EST_PKT_BEFORE_LAST_ACK, "stream.est_pkt_before_last_ack")                               \
	X(EST_SYNACK_RESEND, "stream.est_synack_resend")                                           \
	X(EST_SYNACK_RESEND_WITH_DIFFERENT_ACK, "stream.est_synack_resend_with_different_ack")     \
	X(EST_SYNACK_RESEND_WITH_DIFF_SEQ, "stream.est_synack_resend_with_diff_seq")               \
	X(EST_SYNACK_TOSERVER, "stream.est_synack_toserver")                                       \
	X(EST_SYN_RESEND, "stream.est_syn_resend")                                                 \
	X(EST_SYN_RESEND_DIFF_SEQ, "stream.est_syn_resend_diff_seq")                               \
	X(EST_SYN_TOCLIENT, "stream.est_syn_toclient")                                             \
	X(EST_INVALID_ACK, "stream.est_invalid_ack")                                               \
	X(FIN_INVALID_ACK, "stream.fin_invalid_ack")                                               \
	X(FIN1_ACK_WRONG_SEQ, "stream.fin1_ack_wrong_seq")                                         \
	X(FIN1_FIN_WRONG_SEQ, "stream.fin1_fin_wrong_seq")                                         \
	X(FIN1_INVALID_ACK, "stream.fin1_invalid_ack")                                             \
	X(FIN2_ACK_WRONG_SEQ, "stream.fin2_ack_wrong_seq")                                         \
	X(FIN2_FIN_WRONG_SEQ, "stream.fin2_fin_wrong_seq")                                         \
	X(FIN2_INVALID_ACK, "stream.fin2_invalid_ack")                                             \
	X(FIN_BUT_NO_SESSION, "stream.fin_but_no_session")                                         \
	X(FIN_OUT_OF_WINDOW, "stream.fin_out_of_window")                                           \
	X(FIN_SYN, "stream.fin_syn")                                                               \
	X(LASTACK_ACK_WRONG_SEQ, "stream.lastack_ack_wrong_seq")                                   \
	X(LASTACK_INVALID_ACK, "stream.lastack_invalid_ack")                                       \
	X(RST_BUT_NO_SESSION, "stream.rst_but_no_session")                                         \
	X(TIMEWAIT_ACK_WRONG_SEQ, "stream.timewait_ack_wrong_seq")                                 \
	X(TIMEWAIT_INVALID_ACK, "stream.timewait_invalid_ack")                                     \
	X(SHUTDOWN_SYN_RESEND, "stream.shutdown_syn_resend")                                       \
	X(PKT_INVALID_TIMESTAMP, "stream.pkt_invalid_timestamp")                                   \
	X(PKT_INVALID_ACK, "stream.pkt_invalid_ack")                                               \
	X(PKT_BROKEN_ACK, "stream.pkt_broken_ack")                                                 \
	X(RST_INVALID_ACK, "stream.rst_invalid_ack")                                               \
	X(PKT_RETRANSMISSION, "stream.pkt_retransmission")                                         \
	X(PKT_SPURIOUS_RETRANSMISSION, "stream.pkt_spurious_retransmission")                       \
	X(PKT_BAD_WINDOW_UPDATE, "stream.pkt_bad_window_update")                                   \
	X(SUSPECTED_RST_INJECT, "stream.suspected_rst_inject")                                     \
	X(WRONG_THREAD, "stream.wrong_thread")                                                     \
	X(REASSEMBLY_SEGMENT_BEFORE_BASE_SEQ, "stream.reassembly_segment_before_base_seq")         \
	X(REASSEMBLY_NO_SEGMENT, "stream.reassembly_no_segment")                                   \
	X(REASSEMBLY_SEQ_GAP, "stream.reassembly_seq_gap")                                         \
	X(REASSEMBLY_OVERLAP_DIFFERENT_DATA, "stream.reassembly_overlap_different_data")           \
	X(REASSEMBLY_DEPTH_REACHED, "stream.reassembly_depth_reached")                             \
	X(REASSEMBLY_URGENT_OOB_LIMIT_REACHED, "stream.reassembly_urgent_oob_limit_reached")       \
	X(REASSEMBLY_INSERT_MEMCAP, "stream.reassembly_insert_memcap")                             \
	X(REASSEMBLY_INSERT_LIMIT, "stream.reassembly_insert_limit")                               \
	X(REASSEMBLY_INSERT_INVALID, "stream.reassembly_insert_invalid")

enum stream_event {
#define STREAM_EV_ENUM(id, name) STREAM_EV_##id,
	STREAM_EVENT_LIST(STREAM_EV_ENUM)
#undef STREAM_EV_ENUM
	    STREAM_EV_MAX
};

/* "stream.est_invalid_ack" for STREAM_EV_EST_INVALID_ACK; NULL when out of range. */
const char *stream_event_name(enum stream_event ev);
/* Accepts "est_invalid_ack" (the stream-event keyword's form) and
 * "stream.est_invalid_ack"; returns -1 for an unknown name. */
int stream_event_lookup(const char *name);
/* Records an event on the packet (once; the list is bounded by
 * PACKET_MAX_STREAM_EVENTS and overflow is counted in p->stream_events_lost). */
void stream_set_event(struct packet *p, enum stream_event ev);
bool stream_has_event(const struct packet *p, enum stream_event ev);

/* ---------------------------------------------------------------- config */

/* Target-based overlap policies, with Suricata's host-os-policy names. */
enum stream_policy {
	STREAM_POLICY_BSD = 0, /* Suricata's default */
	STREAM_POLICY_BSD_RIGHT,
	STREAM_POLICY_OLD_LINUX,
	STREAM_POLICY_LINUX,
	STREAM_POLICY_OLD_SOLARIS,
	STREAM_POLICY_SOLARIS,
	STREAM_POLICY_HPUX10,
	STREAM_POLICY_HPUX11,
	STREAM_POLICY_IRIX,
	STREAM_POLICY_MACOS,
	STREAM_POLICY_WINDOWS,
	STREAM_POLICY_VISTA,
	STREAM_POLICY_WINDOWS2K3,
	STREAM_POLICY_FIRST,
	STREAM_POLICY_LAST,
	STREAM_POLICY_MAX
};

const char *stream_policy_name(enum stream_policy pol);
/* Returns -1 for an unknown name. */
int stream_policy_lookup(const char *name);

/* Most segment records one direction holds (data not yet consumed, in or
 * out of order).  Past it, new segments are refused and counted
 * (stream.reassembly_insert_limit), which bounds the per-insert work an
 * attacker can cause with tiny or reordered segments. */
#define STREAM_MAX_SEGMENTS 16384

/* One host-os-policy entry: an address block and the stack behind it. */
struct stream_host_policy {
	uint8_t family; /* 4 or 6 */
	uint8_t prefix; /* bits */
	uint8_t addr[16];
	enum stream_policy policy;
};

#define STREAM_MAX_HOST_POLICIES 64

struct stream_config {
	bool midstream;		    /* stream.midstream (false) */
	/* stream.bypass (false): a flow whose app layer says the rest is not
	 * worth inspecting (SSH/TLS encryption-handling: bypass) is bypassed */
	bool bypass;
	bool async_oneside;	    /* stream.async-oneside (false) */
	bool inline_mode;	    /* stream.inline (false): data readable before it is ACKed */
	uint64_t memcap;	    /* stream.memcap: sessions (64 MiB) */
	uint64_t reassembly_memcap; /* stream.reassembly.memcap: segment bytes (256 MiB) */
	uint64_t depth; /* stream.reassembly.depth per direction (1 MiB); 0 = unlimited */
	uint32_t toserver_chunk_size; /* stream.reassembly.toserver-chunk-size (2560) */
	uint32_t toclient_chunk_size; /* stream.reassembly.toclient-chunk-size (2560) */
	uint32_t max_syn_queued;      /* stream.max-syn-queued (10) */
	uint32_t max_synack_queued;   /* stream.max-synack-queued (5) */
	enum stream_policy policy;    /* policy of hosts no entry matches (bsd) */
	/* host-os-policy: the receiving host's stack decides overlaps, RST
	 * and timestamp acceptance; longest prefix wins. */
	struct stream_host_policy hosts[STREAM_MAX_HOST_POLICIES];
	uint32_t nhosts;
	/* Readers that hold data until they consume it.  A reader that is
	 * false is treated as having consumed everything readable. */
	bool app_reader;
	bool raw_reader;
	/* stream.midstream-policy (enum exception_policy, resolved by the
	 * engine: util/exception-policy.h) and whether the engine runs
	 * inline (IPS), which decides what a reject policy does. */
	uint8_t midstream_policy;
	bool ips;
};

/* The policy of the host at address a. */
enum stream_policy stream_host_policy(const struct stream_config *cfg, const struct ip_addr *a);

/* Suricata's defaults (see the field comments). */
void stream_config_defaults(struct stream_config *cfg);
/* Reads the `stream:` and `host-os-policy:` sections of a config tree
 * over the defaults already in cfg.  Unknown or malformed values keep the default; returns false
 * (with a message in err) only for a value that cannot be honoured, e.g.
 * an unknown overlap policy. */
bool stream_config_load(struct stream_config *cfg, const struct config_node *root, char *err,
			size_t errlen);

/* ---------------------------------------------------------------- stats */

/* Only uint64_t counters: the engine sums workers' stats as arrays. */
struct stream_stats {
	uint64_t sessions;	       /* tcp.sessions */
	uint64_t ssn_memcap_drop;      /* tcp.ssn_memcap_drop: sessions refused by stream.memcap */
	uint64_t midstream_pickups;    /* tcp.midstream_pickups */
	/* exception_policy.tcp.midstream.<policy>: packets the midstream
	 * policy was applied to, by enum exception_policy */
	uint64_t midstream_policy[EXC_POLICY_COUNT];
	uint64_t syn, synack, rst;     /* tcp.syn, tcp.synack, tcp.rst (packets) */
	uint64_t segment_memcap_drop;  /* tcp.segment_memcap_drop: segments refused by
					  reassembly.memcap */
	uint64_t segment_memcap_bytes; /* bytes of those segments */
	uint64_t reassembly_gap;       /* tcp.reassembly_gap */
	uint64_t overlap;	       /* tcp.overlap */
	uint64_t overlap_diff_data;    /* tcp.overlap_diff_data */
	uint64_t depth_reached;	       /* directions that reached depth */
	uint64_t retransmissions;
	uint64_t stream_depth_bytes; /* bytes not stored because past depth */
	uint64_t segment_limit_drop; /* segments refused: direction already holds
					STREAM_MAX_SEGMENTS records */
	uint64_t events[STREAM_EV_MAX];
	/* Current and peak memory use, in bytes, per cap. */
	uint64_t memuse, memuse_max;			   /* sessions */
	uint64_t reassembly_memuse, reassembly_memuse_max; /* segments + buffers */
};

/* ---------------------------------------------------------------- context */

struct stream_ctx;

/* cfg is copied; NULL means stream_config_defaults(). */
struct stream_ctx *stream_ctx_new(const struct stream_config *cfg);
void stream_ctx_free(struct stream_ctx *ctx);
const struct stream_stats *stream_ctx_stats(const struct stream_ctx *ctx);

/*
 * Tracks one packet.  p->flow must be set (flow_table_handle_packet);
 * packets that are not TCP or have no flow are ignored.  Updates the
 * session in f->stream (creating it on a SYN, or mid-stream when the
 * config allows), sets f->tcp_state and f->state, inserts the payload
 * into the reassembly of its direction and records stream events on p.
 * Returns false when the packet was judged invalid for the session
 * (out of window, bad handshake, ...): Suricata would not pass such a
 * packet's payload to the stream, and neither do we.
 */
bool stream_handle_packet(struct stream_ctx *ctx, struct packet *p);

/*
 * Releases a session (the flow end callback calls this on f->stream).
 * The session remembers its context, so this needs nothing else; the
 * context must still exist (free flows before the stream context).
 */
void stream_flow_free(void *slot);

/*
 * Suricata's rule for a SYN (or, with midstream/async-oneside, a SYN/ACK)
 * that arrives on a flow whose session is still there: true when the
 * packet starts a new session on the same 5-tuple (the old one is done
 * enough: last_ack or later, or never started), false when it belongs to
 * the current one (a retransmitted SYN has the session's ISN).  The flow
 * stage's own reuse test (closed / time_wait) is coarser; the engine can
 * use this one to end the old flow first.
 */
bool stream_session_reusable(const struct stream_ctx *ctx, const struct flow *f,
			     const struct packet *p);

/* ---------------------------------------------------------------- reading */

/* Directions as the TCP session sees them: the client is the side that
 * sent the SYN (or, mid-stream, the side Suricata would call client). */
enum stream_dir { STREAM_TOSERVER = 0, STREAM_TOCLIENT = 1 };

/*
 * True when packet p travels from the TCP client to the server.  Usually
 * p->flow_toserver, but a flow first seen with a SYN/ACK (mid-stream) has
 * the server as the flow's source: stream_flow_reversed() says so.
 */
bool stream_packet_toserver(const struct flow *f, const struct packet *p);
bool stream_flow_reversed(const struct flow *f);
/* The flow's reassembly depth per direction from now on (0 = unlimited),
 * replacing stream.reassembly.depth: an app protocol's stream-depth, as
 * Suricata sets it once the protocol is known.  A direction already past
 * the new depth stays cut. */
void stream_set_depth(struct flow *f, uint64_t depth);
/* A file-store stream-depth for the flow (0 = unlimited), as Suricata's
 * TcpSessionSetReassemblyDepth: it replaces the flow's depth when it is
 * 0 or larger than the depth in force; a direction already past its
 * depth stays cut. */
void stream_file_depth(struct flow *f, uint64_t depth);

struct stream_chunk {
	const uint8_t *data; /* valid until the next stream_* call on this flow */
	uint32_t len;
	uint64_t offset; /* stream offset of data[0]: 0 = first byte after the SYN */
	bool gap;	 /* bytes before `offset` were lost (reassembly gap) */
	uint64_t gap_len; /* when gap: how many, back to where the read started */
	bool eof;   /* the direction is finished (FIN/RST/end of flow): nothing more will come */
	bool depth; /* the direction reached its reassembly depth: what follows is not kept */
	bool ready; /* raw only: a chunk's worth, or flush now (see stream_raw_window) */
};

/*
 * Application-layer view: the contiguous in-order data of one direction
 * not yet consumed, up to what the receiver ACKed (IDS mode) or all of it
 * (inline mode, async sessions, closed streams).  Returns false when there
 * is nothing new (out->eof is still set when applicable).
 */
bool stream_app_data(const struct flow *f, enum stream_dir dir, struct stream_chunk *out);
/* The app layer has used every byte before stream offset `upto`. */
void stream_app_consumed(struct flow *f, enum stream_dir dir, uint64_t upto);

/*
 * Raw stream for rules on `tcp` / `tcp-stream` (content without app-layer
 * buffers): the window from the raw progress point to the readable end.
 * Detection calls it for the direction of the packet being inspected
 * (stream_packet_toserver), after stream_handle_packet, and inspects when
 * out->ready: at least the direction's chunk size
 * (stream.reassembly.to{server,client}-chunk-size) of ACKed data, or
 * any amount once stream_raw_trigger() was called, the depth was reached,
 * the direction ended, or the session is past time_wait.  Suricata also
 * flushes a direction when the other side's ACK makes it ready (it
 * injects a pseudo packet); detection can do the same by checking the
 * opposite direction too.  It then calls stream_raw_consumed() with the offset it is
 * done with — to match patterns that straddle two windows, keep the last
 * (longest pattern - 1) bytes unconsumed.
 */
bool stream_raw_window(const struct flow *f, enum stream_dir dir, struct stream_chunk *out);
/* The raw data readable from stream offset `from` on (never before the
 * raw progress point), skipping a gap there: with `from` the end of the
 * last window, the block after a gap.  out->ready is not set. */
bool stream_raw_window_from(const struct flow *f, enum stream_dir dir, uint64_t from,
			    struct stream_chunk *out);
void stream_raw_consumed(struct flow *f, enum stream_dir dir, uint64_t upto);
/* The app layer finished something (a request, a response): the next
 * raw window of this direction is ready whatever its size (Suricata's
 * "trigger raw reassembly"). */
void stream_raw_trigger(struct flow *f, enum stream_dir dir);

/*
 * The flow is ending (timeout, shutdown): makes every stored in-order byte
 * readable regardless of ACKs, declares trailing holes as gaps, and sets
 * eof on both directions.  Call before the last detection/app-layer pass
 * of a flow, then stream_flow_free().
 */
void stream_flow_end(struct flow *f);

/* The session reached CLOSED (both FINs acknowledged, or a RST) or the
 * flow ended: the application layer's end of both directions, as
 * Suricata signals it. */
bool stream_session_closed(const struct flow *f);

/* Sequence space one side has used so far (its next sequence number
 * minus its ISN), what Suricata's stream_size keyword compares;
 * STREAM_TOSERVER is the client's side.  False without a TCP session. */
bool stream_seq_size(const struct flow *f, enum stream_dir dir, uint32_t *out);

/* The most regions a direction's data was held in at once (EVE flow
 * tcp.ts_max_regions / tc_max_regions); false without a session. */
bool stream_max_regions(const struct flow *f, enum stream_dir dir, unsigned *out);
/* A gap was declared in this direction (EVE flow tcp.ts_gap / tc_gap). */
bool stream_flow_had_gap(const struct flow *f, enum stream_dir dir);

/* Span of the stream one direction holds, from the oldest unconsumed byte
 * to the highest stored one (holes included), for tests and diagnostics. */
uint64_t stream_stored_bytes(const struct flow *f, enum stream_dir dir);

#endif
