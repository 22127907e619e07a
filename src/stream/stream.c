/*
 * stream — the stage's entry points: the per-worker context and its
 * memory accounting, the per-packet call, and the readers' API over the
 * session kept in f->stream.  Session logic is in tcp-session.c,
 * reassembly in reassemble.c.
 *
 * Two memcaps, as Suricata's: stream.memcap bounds the sessions,
 * stream.reassembly.memcap the stored bytes and their bookkeeping.  A
 * reservation that would pass a cap is refused and the caller counts the
 * refusal; usage never exceeds the cap.
 */
#include <stdlib.h>
#include <string.h>

#include "stream/stream-internal.h"

struct stream_ctx *stream_ctx_new(const struct stream_config *cfg)
{
	struct stream_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	if (cfg)
		ctx->cfg = *cfg;
	else
		stream_config_defaults(&ctx->cfg);
	return ctx;
}

void stream_ctx_free(struct stream_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->scratch);
	while (ctx->free_segs != NULL) {
		struct stream_seg *s = ctx->free_segs;
		ctx->free_segs = s->next;
		free(s);
	}
	free(ctx);
}

const struct stream_stats *stream_ctx_stats(const struct stream_ctx *ctx)
{
	return &ctx->st;
}

bool stream_ssn_mem_reserve(struct stream_ctx *ctx, uint64_t n)
{
	if (ctx->cfg.memcap && ctx->st.memuse + n > ctx->cfg.memcap)
		return false;
	ctx->st.memuse += n;
	if (ctx->st.memuse > ctx->st.memuse_max)
		ctx->st.memuse_max = ctx->st.memuse;
	return true;
}

void stream_ssn_mem_release(struct stream_ctx *ctx, uint64_t n)
{
	ctx->st.memuse = n > ctx->st.memuse ? 0 : ctx->st.memuse - n;
}

bool stream_ra_mem_reserve(struct stream_ctx *ctx, uint64_t n)
{
	if (ctx->cfg.reassembly_memcap &&
	    ctx->st.reassembly_memuse + n > ctx->cfg.reassembly_memcap)
		return false;
	ctx->st.reassembly_memuse += n;
	if (ctx->st.reassembly_memuse > ctx->st.reassembly_memuse_max)
		ctx->st.reassembly_memuse_max = ctx->st.reassembly_memuse;
	return true;
}

void stream_ra_mem_release(struct stream_ctx *ctx, uint64_t n)
{
	ctx->st.reassembly_memuse =
	    n > ctx->st.reassembly_memuse ? 0 : ctx->st.reassembly_memuse - n;
}

void stream_count_event(struct stream_ctx *ctx, struct packet *p, enum stream_event ev)
{
	if (p && stream_has_event(p, ev))
		return;
	ctx->st.events[ev]++;
	if (p)
		stream_set_event(p, ev);
}

/* Suricata's flow state for a TCP state. */
static enum flow_state flow_state_of(enum tcp_state s)
{
	switch (s) {
	case TCP_STATE_ESTABLISHED:
	case TCP_STATE_FIN_WAIT1:
	case TCP_STATE_FIN_WAIT2:
	case TCP_STATE_CLOSING:
	case TCP_STATE_CLOSE_WAIT: return FLOW_STATE_ESTABLISHED;
	case TCP_STATE_LAST_ACK:
	case TCP_STATE_TIME_WAIT:
	case TCP_STATE_CLOSED: return FLOW_STATE_CLOSED;
	default: return FLOW_STATE_NEW;
	}
}

bool stream_handle_packet(struct stream_ctx *ctx, struct packet *p)
{
	struct flow *f = p->flow;
	if (!f || f->proto != 6 || p->proto != 6 || !p->l4_hdr)
		return true;
	bool ok = tcp_session_packet(ctx, f, p);
	struct tcp_session *ssn = f->stream;
	if (ssn) {
		/* EVE's tcp flags are the session's, per TCP side. */
		bool from_client = p->flow_toserver != ((ssn->flags & SSN_REVERSED) != 0);
		(from_client ? &ssn->client : &ssn->server)->tcp_flags |= p->tcp.flags;
		f->tcp_flags_ts = ssn->client.tcp_flags;
		f->tcp_flags_tc = ssn->server.tcp_flags;
		f->tcp_state = ssn->state;
		f->state = flow_state_of(ssn->state);
		reasm_release(ctx, &ssn->client.ra);
		reasm_release(ctx, &ssn->server.ra);
	} else {
		/* No session (mid-stream pick-up off, RST or FIN without a
		 * session): Suricata logs such a flow as "new", flags 00. */
		f->tcp_state = TCP_STATE_NONE;
		f->state = FLOW_STATE_NEW;
		f->tcp_flags_ts = f->tcp_flags_tc = 0;
	}
	return ok;
}

void stream_flow_free(void *slot)
{
	if (slot)
		tcp_session_free(slot);
}

static struct reasm *dir_reasm(const struct flow *f, enum stream_dir dir)
{
	struct tcp_session *ssn = f ? f->stream : NULL;
	if (!ssn)
		return NULL;
	return dir == STREAM_TOSERVER ? &ssn->client.ra : &ssn->server.ra;
}

bool stream_seq_size(const struct flow *f, enum stream_dir dir, uint32_t *out)
{
	const struct tcp_session *ssn = f ? f->stream : NULL;
	if (!ssn)
		return false;
	const struct tcp_side *s = dir == STREAM_TOSERVER ? &ssn->client : &ssn->server;
	*out = s->next_seq - s->isn;
	return true;
}

void stream_set_depth(struct flow *f, uint64_t depth)
{
	struct tcp_session *ssn = f ? f->stream : NULL;
	if (ssn == NULL)
		return;
	struct reasm *sides[2] = {&ssn->client.ra, &ssn->server.ra};
	for (int i = 0; i < 2; i++) {
		if (sides[i]->depth_reached)
			continue;
		sides[i]->depth_set = true;
		sides[i]->depth = depth;
	}
}

void stream_file_depth(struct flow *f, uint64_t depth)
{
	struct tcp_session *ssn = f ? f->stream : NULL;
	if (ssn == NULL)
		return;
	struct reasm *sides[2] = {&ssn->client.ra, &ssn->server.ra};
	for (int i = 0; i < 2; i++) {
		struct reasm *ra = sides[i];
		uint64_t cur = ra->depth_set ? ra->depth : ssn->ctx->cfg.depth;
		if (ra->depth_reached || (depth != 0 && depth <= cur))
			continue;
		ra->depth_set = true;
		ra->depth = depth;
	}
}

bool stream_flow_reversed(const struct flow *f)
{
	const struct tcp_session *ssn = f ? f->stream : NULL;
	return ssn && (ssn->flags & SSN_REVERSED);
}

bool stream_packet_toserver(const struct flow *f, const struct packet *p)
{
	return p->flow_toserver != stream_flow_reversed(f);
}

bool stream_app_data(const struct flow *f, enum stream_dir dir, struct stream_chunk *out)
{
	const struct reasm *ra = dir_reasm(f, dir);
	if (!ra) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	return reasm_read(ra, ra->app_progress, out);
}

static void consume(struct reasm *ra, uint64_t *progress, uint64_t upto)
{
	uint64_t end = reasm_readable_end(ra);
	if (upto > end)
		upto = end;
	if (upto > *progress)
		*progress = upto;
}

void stream_app_consumed(struct flow *f, enum stream_dir dir, uint64_t upto)
{
	struct reasm *ra = dir_reasm(f, dir);
	struct tcp_session *ssn = f ? f->stream : NULL;
	if (!ra)
		return;
	consume(ra, &ra->app_progress, upto);
	reasm_release(ssn->ctx, ra);
}

bool stream_raw_window(const struct flow *f, enum stream_dir dir, struct stream_chunk *out)
{
	const struct reasm *ra = dir_reasm(f, dir);
	if (!ra) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	bool have = reasm_read(ra, ra->raw_progress, out);
	const struct tcp_session *ssn = f->stream;
	uint32_t chunk = dir == STREAM_TOSERVER ? ssn->ctx->cfg.toserver_chunk_size
						: ssn->ctx->cfg.toclient_chunk_size;
	/* As Suricata's raw reassembly limit: a chunk's worth of ACKed data,
	 * or now regardless of size once the app layer asked for it, the
	 * depth was reached, or the session is past time_wait; inline (IPS),
	 * every packet's data at once, so a drop acts on the packet carrying it. */
	bool flush = ra->raw_trigger || ra->depth_reached || out->eof ||
		     ssn->state > TCP_STATE_TIME_WAIT || ssn->ctx->cfg.inline_mode;
	out->ready = have && (out->len >= chunk || flush);
	return have;
}

bool stream_raw_window_from(const struct flow *f, enum stream_dir dir, uint64_t from,
			    struct stream_chunk *out)
{
	const struct reasm *ra = dir_reasm(f, dir);
	if (!ra) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	return reasm_read(ra, from > ra->raw_progress ? from : ra->raw_progress, out);
}

void stream_raw_trigger(struct flow *f, enum stream_dir dir)
{
	struct reasm *ra = dir_reasm(f, dir);
	if (ra)
		ra->raw_trigger = true;
}

void stream_raw_consumed(struct flow *f, enum stream_dir dir, uint64_t upto)
{
	struct reasm *ra = dir_reasm(f, dir);
	struct tcp_session *ssn = f ? f->stream : NULL;
	if (!ra)
		return;
	consume(ra, &ra->raw_progress, upto);
	ra->raw_trigger = false;
	reasm_release(ssn->ctx, ra);
}

void stream_flow_end(struct flow *f)
{
	struct tcp_session *ssn = f ? f->stream : NULL;
	if (!ssn)
		return;
	ssn->ended = true;
	struct reasm *ras[2] = {&ssn->client.ra, &ssn->server.ra};
	for (int i = 0; i < 2; i++) {
		reasm_close_holes(ssn->ctx, ras[i], NULL);
		ras[i]->no_ack_gate = true;
		ras[i]->eof = true;
	}
}

uint64_t stream_stored_bytes(const struct flow *f, enum stream_dir dir)
{
	const struct reasm *ra = dir_reasm(f, dir);
	if (!ra || ra->max_end <= ra->buf_off)
		return 0;
	return ra->max_end - ra->buf_off;
}

/* Suricata's TcpSessionReuseDoneEnough: the old session is past the point
 * where this packet could still belong to it. */
static bool done_enough(const struct tcp_session *ssn)
{
	return !ssn || ssn->state == TCP_STATE_NONE || ssn->state >= TCP_STATE_LAST_ACK;
}

bool stream_session_reusable(const struct stream_ctx *ctx, const struct flow *f,
			     const struct packet *p)
{
	if (!f || p->proto != 6 || !p->l4_hdr || (p->tcp.flags & (TCP_RST | TCP_FIN)))
		return false;
	const struct tcp_session *ssn = f->stream;
	uint8_t synack = p->tcp.flags & (TCP_SYN | TCP_ACK);
	bool toserver = stream_packet_toserver(f, p);
	if (synack == TCP_SYN) {
		if (toserver && ssn) {
			if (ssn->flags & SSN_TFO_DATA_IGNORED)
				return true;
			if (SEQ_EQ(ssn->client.isn, p->tcp.seq))
				return false; /* a retransmission */
		}
		return done_enough(ssn);
	}
	if (synack == (TCP_SYN | TCP_ACK) && (ctx->cfg.midstream || ctx->cfg.async_oneside)) {
		if (!toserver) {
			if (!ssn || SEQ_EQ(ssn->server.isn, p->tcp.seq))
				return false;
		}
		return done_enough(ssn);
	}
	return false;
}

bool stream_session_closed(const struct flow *f)
{
	const struct tcp_session *ssn = f ? f->stream : NULL;
	return ssn != NULL && (ssn->ended || ssn->state == TCP_STATE_CLOSED);
}

bool stream_max_regions(const struct flow *f, enum stream_dir dir, unsigned *out)
{
	const struct reasm *ra = dir_reasm(f, dir);
	if (!ra)
		return false;
	*out = ra->max_regions ? ra->max_regions : 1;
	return true;
}

bool stream_flow_had_gap(const struct flow *f, enum stream_dir dir)
{
	const struct reasm *ra = dir_reasm(f, dir);
	return ra && ra->gap_seen;
}
