/*
 * stream-internal — the data structures shared by the files of the stream
 * stage (session tracking, reassembly, segment list).  Nothing outside
 * src/stream/ includes this; other stages use stream.h.
 *
 * Sequence numbers wrap, so they are only ever compared with the SEQ_*
 * macros (serial-number arithmetic).  Reassembly works in 64-bit stream
 * offsets instead: offset 0 is the first byte after the SYN (or the first
 * byte seen, mid-stream), so a long stream never wraps inside the buffer.
 */
#ifndef VIGIL_STREAM_INTERNAL_H
#define VIGIL_STREAM_INTERNAL_H

#include "flow/flow.h"
#include "stream/stream.h"
#include "util/exception-policy.h"

#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
#define SEQ_EQ(a, b) ((uint32_t)(a) == (uint32_t)(b))

#define TCP_WSCALE_MAX 14

struct stream_ctx {
	struct stream_config cfg;
	struct stream_stats st;
	uint8_t *scratch; /* one segment's bytes while overlaps are resolved */
	uint32_t scratch_cap;
	/* Released segment records kept for reuse (a record per TCP data
	 * packet would otherwise be a malloc and a free per packet); at most
	 * SEG_FREE_MAX, so the list never holds more than a few hundred KiB. */
	struct stream_seg *free_segs;
	uint32_t nfree_segs;
};
#define SEG_FREE_MAX 8192

/* One stored segment as it arrived (after trimming to the retained range
 * and the depth).  Segments may overlap each other; their bytes live in
 * the direction's buffer, where every offset has exactly one value: the
 * one the overlap policy chose.  The original bounds are kept because the
 * policies decide by how a new segment lies against each old one. */
struct stream_seg {
	struct stream_seg *next, *prev;
	uint64_t off;
	uint32_t len;
};

/* A range the receiver ACKed that we never saw: readers skip it. */
struct stream_gap {
	struct stream_gap *next;
	uint64_t off, end;
};

/*
 * The reassembly of one direction.  Invariants:
 *   buf_off <= app_progress, raw_progress (bytes before buf_off are gone);
 *   buf[i] holds offset buf_off + i, for i < buf_cap;
 *   every offset in [buf_off, ra_end) is stored or inside a gap;
 *   segs are sorted by (off, len) and all end after buf_off.
 */
struct reasm {
	uint32_t base_seq; /* sequence number of offset 0 */
	uint8_t *buf;
	uint32_t buf_cap;
	uint64_t buf_off;
	uint64_t ra_end;  /* contiguous end */
	uint64_t max_end; /* highest end of any stored segment */
	uint64_t ack_end; /* offset the receiver ACKed (FIN excluded) */
	uint64_t app_progress, raw_progress;
	struct stream_seg *segs, *segs_tail;
	uint32_t seg_max_len; /* longest record held: bounds backward scans */
	struct stream_gap *gaps;
	uint32_t nsegs, ngaps;
	bool active; /* the side's sequence space is known */
	bool depth_set;	 /* depth below replaces stream.reassembly.depth */
	uint64_t depth;	 /* the app protocol's own depth (0 = unlimited) */
	bool depth_reached;
	bool no_ack_gate; /* readable without ACK: inline, async, RST, flow end */
	bool eof;
	bool gap_seen;
	bool raw_trigger; /* the app layer asked for raw inspection now */
	/* Suricata's streaming-buffer regions: data stored more than
	 * STREAM_REGION_GAP past everything held opens a region of its own,
	 * until the hole before it fills (EVE flow tcp.ts/tc_max_regions). */
	uint16_t regions, max_regions;
};
/* Suricata's default streaming-buffer region gap (bytes). */
#define STREAM_REGION_GAP 262144u

/* Per-side session flags. */
enum {
	SIDE_FIN = 1 << 0,	/* this side sent a FIN (fin_seq is valid) */
	SIDE_RST_RECV = 1 << 1, /* this side received a RST (Suricata's RST_RECV) */
	SIDE_WSCALE = 1 << 2,	/* this side offered window scaling */
	SIDE_SACKOK = 1 << 3,
	SIDE_TS = 1 << 4,	 /* this side sent timestamps in its SYN */
	SIDE_ZERO_TS = 1 << 5,	 /* ... with value 0 */
	SIDE_KEEPALIVE = 1 << 6, /* last packet from this side was a keep-alive */
	SIDE_SEEN = 1 << 7,	 /* a packet from this side was seen */
};

/* One sender of the connection, as Suricata's TcpStream.  Windows follow
 * the sender: `window` is what the peer advertised, i.e. how far this
 * side may send; `wscale` scales the windows this side advertises. */
struct tcp_side {
	uint32_t isn;
	uint32_t next_seq; /* next sequence number expected from this side */
	uint32_t last_ack; /* highest ACK the peer sent for this side's data */
	uint32_t window;   /* window the peer advertised (scaled) */
	uint32_t next_win; /* right edge of what this side may send */
	uint32_t fin_seq;  /* sequence number of the FIN, when SIDE_FIN */
	uint32_t last_ts;
	uint32_t last_pkt_ts; /* packet time (s) of last_ts */
	uint8_t wscale;
	uint8_t flags;
	uint8_t tcp_flags; /* OR of the TCP flags this side sent (EVE tcp_flags_ts/tc) */
	bool policy_known;
	uint8_t policy; /* enum stream_policy of the host this side sends to */
	struct reasm ra;
};

enum {
	SSN_MIDSTREAM = 1 << 0,
	SSN_MIDSTREAM_SYNACK = 1 << 1,
	SSN_MIDSTREAM_ESTABLISHED = 1 << 2,
	SSN_ASYNC = 1 << 3,
	SSN_4WHS = 1 << 4,
	SSN_TIMESTAMP = 1 << 5,
	SSN_SACKOK = 1 << 6,
	SSN_TFO = 1 << 7,
	SSN_TFO_DATA_IGNORED = 1 << 8,
	SSN_REVERSED = 1 << 9, /* the flow's source is the TCP server */
	SSN_CLOSED_BY_RST = 1 << 10,
	SSN_3WHS_CONFIRMED = 1 << 11,
	SSN_EVASION = 1 << 12, /* right seq, wrong ack in the handshake */
	SSN_ZWP_TS = 1 << 13,  /* a zero window probe went to the server */
	SSN_ZWP_TC = 1 << 14,
	SSN_CLIENT_WSCALE = 1 << 15, /* the SYN offered window scaling */
	SSN_CLIENT_SACKOK = 1 << 16,
};

struct tcp_session {
	struct stream_ctx *ctx;
	enum tcp_state state;
	enum tcp_state pstate; /* state before the last change */
	uint32_t flags;
	struct tcp_side client, server;
	uint32_t syn_queued, synack_queued; /* differing SYNs / SYN/ACKs seen */
	bool ended;			    /* stream_flow_end() was called */
};

/* What one packet means to its session (tcp-*.c). */
struct tcp_pkt {
	struct stream_ctx *ctx;
	struct tcp_session *ssn;
	struct packet *p;
	struct tcp_side *snd, *rcv;
	bool from_client;
	uint8_t fl;
	uint32_t seq, ack, len;
	enum stream_policy pol; /* the receiving host's stack */
};

/* ---- memory accounting (stream.c) ---- */
bool stream_ssn_mem_reserve(struct stream_ctx *ctx, uint64_t n);
void stream_ssn_mem_release(struct stream_ctx *ctx, uint64_t n);
bool stream_ra_mem_reserve(struct stream_ctx *ctx, uint64_t n);
void stream_ra_mem_release(struct stream_ctx *ctx, uint64_t n);
void stream_count_event(struct stream_ctx *ctx, struct packet *p, enum stream_event ev);

/* ---- segment list and overlap policies (segment-list.c) ---- */

/* True when, for bytes where a new segment [noff, nend) overlaps an
 * old one [ooff, oend) with different data, the policy keeps the new data. */
bool seglist_new_data_wins(enum stream_policy pol, uint64_t ooff, uint64_t oend, uint64_t noff,
			   uint64_t nend);
/* Inserts a record, keeping the (off, len) order, searching from the
 * tail (most data arrives in order).  Returns the new record, or the
 * identical one already there; NULL on a memcap refusal. */
struct stream_seg *seglist_insert(struct stream_ctx *ctx, struct reasm *ra, uint64_t off,
				  uint32_t len);
/* Frees the records that end at or before `upto`. */
void seglist_release(struct stream_ctx *ctx, struct reasm *ra, uint64_t upto);
void seglist_free(struct stream_ctx *ctx, struct reasm *ra);

/* ---- reassembly (reassemble.c) ---- */

void reasm_init(struct reasm *ra, uint32_t base_seq, bool no_ack_gate);
/* Offset of a sequence number: the 64-bit value nearest the contiguous end. */
int64_t reasm_seq_to_offset(const struct reasm *ra, uint32_t seq);
/* Stores a segment's payload, resolving overlaps as the receiving host's
 * stack `pol` would; raises reassembly events on p. */
void reasm_insert(struct stream_ctx *ctx, struct reasm *ra, enum stream_policy pol,
		  struct packet *p, uint32_t seq, const uint8_t *data, uint32_t len);
/* The receiver ACKed everything before `ack_off`: moves the readable end
 * and declares gaps for ACKed bytes that never arrived. */
void reasm_acked(struct stream_ctx *ctx, struct reasm *ra, struct packet *p, int64_t ack_off);
/* Declares every hole up to the highest stored byte a gap (flow end). */
void reasm_close_holes(struct stream_ctx *ctx, struct reasm *ra, struct packet *p);
uint64_t reasm_readable_end(const struct reasm *ra);
bool reasm_read(const struct reasm *ra, uint64_t progress, struct stream_chunk *out);
/* Drops what every reader has consumed. */
void reasm_release(struct stream_ctx *ctx, struct reasm *ra);
void reasm_free(struct stream_ctx *ctx, struct reasm *ra);

/* ---- session tracking (tcp-session.c: entry and shared checks) ---- */

bool tcp_session_packet(struct stream_ctx *ctx, struct flow *f, struct packet *p);
void tcp_session_free(struct tcp_session *ssn);

void tcp_ev(struct tcp_pkt *t, enum stream_event e);
void tcp_set_state(struct tcp_pkt *t, enum tcp_state s);
void tcp_bind(struct tcp_pkt *t, struct tcp_session *ssn, bool from_client);
struct tcp_session *tcp_session_new(struct tcp_pkt *t, struct flow *f);
void tcp_ra_reset(struct tcp_pkt *t, struct tcp_side *s, uint32_t base_seq);
/* Suricata's ValidateAck for an ACK of `s`'s data (raises pkt_invalid_ack). */
bool tcp_ack_valid(struct tcp_pkt *t, const struct tcp_side *s);
bool tcp_ts_valid(struct tcp_pkt *t);
void tcp_ts_update(struct tcp_pkt *t);
bool tcp_rst_valid(struct tcp_pkt *t);
/* Payload of the packet retransmits data of its sender (raises the event). */
bool tcp_is_retransmission(struct tcp_pkt *t);
void tcp_update_last_ack(struct tcp_pkt *t, struct tcp_side *s, uint32_t ack);
void tcp_update_next_win(struct tcp_side *s);
/* The packet's window bounds the other side: rcv->window = win << snd->wscale. */
void tcp_take_window(struct tcp_pkt *t);
/* Hands the payload to the sender's reassembly. */
void tcp_store(struct tcp_pkt *t);
void tcp_close_with_rst(struct tcp_pkt *t);
/* RST handling shared by every state past the handshake. */
bool tcp_rst_after_handshake(struct tcp_pkt *t);
bool tcp_dispatch(struct tcp_pkt *t, enum tcp_state state);

/* ---- states (tcp-handshake.c, tcp-established.c, tcp-close.c) ---- */

bool tcp_state_none(struct tcp_pkt *t, struct flow *f);
bool tcp_state_syn_sent(struct tcp_pkt *t);
bool tcp_state_syn_recv(struct tcp_pkt *t);
bool tcp_state_established(struct tcp_pkt *t);
bool tcp_handle_fin(struct tcp_pkt *t);
bool tcp_state_fin_wait1(struct tcp_pkt *t);
bool tcp_state_fin_wait2(struct tcp_pkt *t);
bool tcp_state_closing(struct tcp_pkt *t);
bool tcp_state_close_wait(struct tcp_pkt *t);
bool tcp_state_last_ack(struct tcp_pkt *t);
bool tcp_state_time_wait(struct tcp_pkt *t);
bool tcp_state_closed(struct tcp_pkt *t);

#endif
