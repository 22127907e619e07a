/*
 * reassemble — one direction's reassembly: a linear buffer indexed by
 * stream offset, the list of segments stored in it, the gaps declared in
 * it, and the progress of its two readers (application layer, raw stream
 * inspection).
 *
 * Bytes enter only through reasm_insert(), which trims the segment to the
 * retained range and to the depth before touching memory, resolves
 * overlaps with the configured policy, and refuses (counting it) anything
 * the reassembly memcap cannot hold.  Every byte of buffer capacity and
 * every record is counted; nothing is dropped without a counter or event.
 *
 * Readers see in-order data only, up to what the receiver ACKed (IDS
 * mode) or up to the contiguous end (inline mode, async sessions, closed
 * streams).  A hole the receiver ACKed is a gap: it is skipped, counted,
 * and reported to the next reader that crosses it.
 */
#include <stdlib.h>
#include <string.h>

#include "stream/stream-internal.h"

#define BUF_MIN 2048u

void reasm_init(struct reasm *ra, uint32_t base_seq, bool no_ack_gate)
{
	memset(ra, 0, sizeof(*ra));
	ra->base_seq = base_seq;
	ra->no_ack_gate = no_ack_gate;
	ra->active = true;
	ra->regions = ra->max_regions = 1;
}

int64_t reasm_seq_to_offset(const struct reasm *ra, uint32_t seq)
{
	uint32_t rel = seq - ra->base_seq;
	int32_t d = (int32_t)(rel - (uint32_t)ra->ra_end);
	return (int64_t)ra->ra_end + d;
}

/* Grows the buffer to hold offsets up to `end`: doubling when the memcap
 * allows, exactly what is needed otherwise. */
static bool buf_reserve(struct stream_ctx *ctx, struct reasm *ra, uint64_t end)
{
	uint64_t need = end - ra->buf_off;
	if (need <= ra->buf_cap)
		return true;
	if (need > UINT32_MAX)
		return false;
	uint64_t cap = ra->buf_cap ? ra->buf_cap : BUF_MIN;
	while (cap < need)
		cap *= 2;
	if (cap > UINT32_MAX)
		cap = need;
	uint64_t tries[2] = {cap, need};
	for (int i = 0; i < 2; i++) {
		uint64_t c = tries[i];
		if (!stream_ra_mem_reserve(ctx, c - ra->buf_cap))
			continue;
		uint8_t *nb = realloc(ra->buf, c);
		if (!nb) {
			stream_ra_mem_release(ctx, c - ra->buf_cap);
			return false;
		}
		memset(nb + ra->buf_cap, 0, c - ra->buf_cap);
		ra->buf = nb;
		ra->buf_cap = (uint32_t)c;
		return true;
	}
	return false;
}

static bool scratch_reserve(struct stream_ctx *ctx, uint32_t len)
{
	if (len <= ctx->scratch_cap)
		return true;
	uint8_t *s = realloc(ctx->scratch, len);
	if (!s)
		return false;
	ctx->scratch = s;
	ctx->scratch_cap = len;
	return true;
}

/* Invariant: no record starting at or before ra_end ends after it.  So
 * only `from` (just inserted) and the records after it can extend it. */
static void advance_contiguous(struct reasm *ra, const struct stream_seg *from)
{
	for (const struct stream_seg *s = from; s; s = s->next) {
		if (s->off > ra->ra_end)
			break;
		if (s->off + s->len > ra->ra_end)
			ra->ra_end = s->off + s->len;
	}
}

static void refuse_memcap(struct stream_ctx *ctx, struct packet *p, uint32_t len)
{
	ctx->st.segment_memcap_drop++;
	ctx->st.segment_memcap_bytes += len;
	stream_count_event(ctx, p, STREAM_EV_REASSEMBLY_INSERT_MEMCAP);
}

/* The side's depth: its app protocol's when set, else stream.reassembly.depth. */
static uint64_t ra_depth(const struct stream_ctx *ctx, const struct reasm *ra)
{
	return ra->depth_set ? ra->depth : ctx->cfg.depth;
}

/* The depth check: a segment whose end lies past the depth is refused
 * whole, and the direction takes nothing more once one was (Suricata's
 * StreamTcpReassembleCheckDepth: the depth is reached on the first
 * segment that does not fit, so a direction keeps the whole segments
 * below it).  False when the segment is refused. */
static bool apply_depth(struct stream_ctx *ctx, struct reasm *ra, struct packet *p, int64_t *off,
			const uint8_t **data, uint32_t *len)
{
	uint64_t depth = ra_depth(ctx, ra);
	uint64_t end = (uint64_t)*off + *len;
	(void)data;
	if (depth == 0 || (end <= depth && !ra->depth_reached))
		return true;
	ctx->st.stream_depth_bytes += *len;
	if (!ra->depth_reached) {
		ra->depth_reached = true;
		ctx->st.depth_reached++;
		stream_count_event(ctx, p, STREAM_EV_REASSEMBLY_DEPTH_REACHED);
	}
	*len = 0;
	return false;
}

/* Applies the overlap policy: scratch holds the new bytes for [off, end)
 * and takes the old bytes wherever the policy keeps them. */
/* Applies the overlap policy: scratch holds the new bytes for [off, end)
 * and takes the old bytes wherever the policy keeps them.  Scans from
 * the tail: no record starting before off - seg_max_len can reach off. */
static void resolve_overlaps(struct stream_ctx *ctx, struct reasm *ra, enum stream_policy pol,
			     struct packet *p, uint64_t off, uint64_t end)
{
	bool overlap = false, different = false;
	for (const struct stream_seg *s = ra->segs_tail; s; s = s->prev) {
		if (s->off + ra->seg_max_len <= off)
			break;
		uint64_t send = s->off + s->len;
		if (s->off >= end || send <= off)
			continue;
		uint64_t a = s->off > off ? s->off : off;
		uint64_t b = send < end ? send : end;
		const uint8_t *old = ra->buf + (a - ra->buf_off);
		uint8_t *nw = ctx->scratch + (a - off);
		overlap = true;
		if (memcmp(old, nw, b - a) == 0)
			continue;
		different = true;
		if (!seglist_new_data_wins(pol, s->off, send, off, end))
			memcpy(nw, old, b - a);
	}
	if (overlap)
		ctx->st.overlap++;
	if (different) {
		ctx->st.overlap_diff_data++;
		stream_count_event(ctx, p, STREAM_EV_REASSEMBLY_OVERLAP_DIFFERENT_DATA);
	}
}

void reasm_insert(struct stream_ctx *ctx, struct reasm *ra, enum stream_policy pol,
		  struct packet *p, uint32_t seq, const uint8_t *data, uint32_t len)
{
	if (len == 0 || !data || !ra->active)
		return;
	int64_t off = reasm_seq_to_offset(ra, seq);
	if (off + (int64_t)len <= (int64_t)ra->buf_off) {
		stream_count_event(ctx, p, STREAM_EV_REASSEMBLY_SEGMENT_BEFORE_BASE_SEQ);
		return;
	}
	if (off < (int64_t)ra->buf_off) {
		uint32_t cut = (uint32_t)((int64_t)ra->buf_off - off);
		data += cut;
		len -= cut;
		off = (int64_t)ra->buf_off;
	}
	if (!apply_depth(ctx, ra, p, &off, &data, &len))
		return;
	uint64_t o = (uint64_t)off, e = o + len;
	if (!buf_reserve(ctx, ra, e) || !scratch_reserve(ctx, len)) {
		refuse_memcap(ctx, p, len);
		return;
	}
	if (ra->nsegs >= STREAM_MAX_SEGMENTS) {
		ctx->st.segment_limit_drop++;
		stream_count_event(ctx, p, STREAM_EV_REASSEMBLY_INSERT_LIMIT);
		return;
	}
	memcpy(ctx->scratch, data, len);
	resolve_overlaps(ctx, ra, pol, p, o, e);
	const struct stream_seg *rec = seglist_insert(ctx, ra, o, len);
	if (!rec) {
		refuse_memcap(ctx, p, len);
		return;
	}
	memcpy(ra->buf + (o - ra->buf_off), ctx->scratch, len);
	if (o > ra->max_end + STREAM_REGION_GAP && ra->regions < UINT16_MAX &&
	    ++ra->regions > ra->max_regions)
		ra->max_regions = ra->regions;
	if (e > ra->max_end)
		ra->max_end = e;
	if (o <= ra->ra_end)
		advance_contiguous(ra, rec);
	if (ra->ra_end >= ra->max_end)
		ra->regions = 1; /* the holes filled: one region again */
}

static bool add_gap(struct stream_ctx *ctx, struct reasm *ra, uint64_t off, uint64_t end)
{
	struct stream_gap **pp = &ra->gaps;
	while (*pp)
		pp = &(*pp)->next;
	if (!stream_ra_mem_reserve(ctx, sizeof(struct stream_gap)))
		return false;
	struct stream_gap *g = malloc(sizeof(*g));
	if (!g) {
		stream_ra_mem_release(ctx, sizeof(struct stream_gap));
		return false;
	}
	g->off = off;
	g->end = end;
	g->next = NULL;
	*pp = g;
	ra->ngaps++;
	return true;
}

/* Declares holes before `target` as gaps, one per hole. */
static void declare_gaps(struct stream_ctx *ctx, struct reasm *ra, struct packet *p,
			 uint64_t target)
{
	uint64_t depth = ra_depth(ctx, ra);
	if (depth && target > depth)
		target = depth;
	/* past the last segment taken, the depth (not a loss) ends the data */
	if (ra->depth_reached && target > ra->max_end)
		target = ra->max_end;
	while (target > ra->ra_end) {
		uint64_t next = target;
		for (const struct stream_seg *s = ra->segs; s; s = s->next)
			if (s->off > ra->ra_end) {
				if (s->off < next)
					next = s->off;
				break;
			}
		/* Even when the gap record itself is refused by the memcap, the
		 * bytes are gone: readers then see the jump without the flag. */
		add_gap(ctx, ra, ra->ra_end, next);
		ctx->st.reassembly_gap++;
		ra->gap_seen = true;
		if (p)
			stream_count_event(ctx, p, STREAM_EV_REASSEMBLY_SEQ_GAP);
		ra->ra_end = next;
		const struct stream_seg *from = ra->segs;
		while (from && from->off < next)
			from = from->next;
		advance_contiguous(ra, from);
	}
}

void reasm_acked(struct stream_ctx *ctx, struct reasm *ra, struct packet *p, int64_t ack_off)
{
	if (!ra->active || ack_off <= 0 || (uint64_t)ack_off <= ra->ack_end)
		return;
	ra->ack_end = (uint64_t)ack_off;
	declare_gaps(ctx, ra, p, ra->ack_end);
}

void reasm_close_holes(struct stream_ctx *ctx, struct reasm *ra, struct packet *p)
{
	declare_gaps(ctx, ra, p, ra->max_end);
}

uint64_t reasm_readable_end(const struct reasm *ra)
{
	uint64_t end = ra->ra_end;
	if (!ra->no_ack_gate && ra->ack_end < end)
		end = ra->ack_end;
	return end < ra->buf_off ? ra->buf_off : end;
}

bool reasm_read(const struct reasm *ra, uint64_t progress, struct stream_chunk *out)
{
	memset(out, 0, sizeof(*out));
	uint64_t start = progress > ra->buf_off ? progress : ra->buf_off;
	const uint64_t from = start;
	uint64_t end = reasm_readable_end(ra);
	for (const struct stream_gap *g = ra->gaps; g; g = g->next) {
		if (g->end <= start)
			continue;
		if (g->off <= start) {
			start = g->end;
			out->gap = true;
			out->gap_len = start - from;
			continue;
		}
		if (g->off < end)
			end = g->off;
		break;
	}
	if (end > ra->buf_off + ra->buf_cap)
		end = ra->buf_off + ra->buf_cap;
	out->offset = start;
	out->depth = ra->depth_reached;
	out->eof = ra->eof && start >= ra->ra_end;
	if (start >= end)
		return false;
	out->data = ra->buf + (start - ra->buf_off);
	out->len = (uint32_t)(end - start);
	out->eof = ra->eof && end >= ra->ra_end;
	return true;
}

static void gaps_release(struct stream_ctx *ctx, struct reasm *ra, uint64_t upto)
{
	while (ra->gaps && ra->gaps->end <= upto) {
		struct stream_gap *g = ra->gaps;
		ra->gaps = g->next;
		free(g);
		ra->ngaps--;
		stream_ra_mem_release(ctx, sizeof(struct stream_gap));
	}
}

/* Moves the buffer's start to `upto` and gives back capacity that is no
 * longer needed, so idle sessions cost no buffer at all. */
static void buf_shift(struct stream_ctx *ctx, struct reasm *ra, uint64_t upto)
{
	uint64_t d = upto - ra->buf_off;
	uint64_t used = ra->max_end > upto ? ra->max_end - upto : 0;
	if (used > 0 && d < ra->buf_cap) {
		memmove(ra->buf, ra->buf + d, used);
		/* Bytes past max_end are zero (growth zeroes them); only those
		 * the move left behind need clearing, not the whole rest. */
		uint64_t stale = used + d < ra->buf_cap ? used + d : ra->buf_cap;
		memset(ra->buf + used, 0, stale - used);
	}
	ra->buf_off = upto;
	if (used == 0) {
		free(ra->buf);
		ra->buf = NULL;
		stream_ra_mem_release(ctx, ra->buf_cap);
		ra->buf_cap = 0;
		return;
	}
	if (ra->buf_cap > 4 * BUF_MIN && used < ra->buf_cap / 4) {
		uint64_t c = BUF_MIN;
		while (c < used * 2)
			c *= 2;
		uint8_t *nb = realloc(ra->buf, c);
		if (nb) {
			stream_ra_mem_release(ctx, ra->buf_cap - c);
			ra->buf = nb;
			ra->buf_cap = (uint32_t)c;
		}
	}
}

void reasm_release(struct stream_ctx *ctx, struct reasm *ra)
{
	uint64_t rend = reasm_readable_end(ra);
	if (!ctx->cfg.app_reader && ra->app_progress < rend)
		ra->app_progress = rend;
	if (!ctx->cfg.raw_reader && ra->raw_progress < rend)
		ra->raw_progress = rend;
	uint64_t upto = ra->app_progress < ra->raw_progress ? ra->app_progress : ra->raw_progress;
	if (upto <= ra->buf_off)
		return;
	seglist_release(ctx, ra, upto);
	gaps_release(ctx, ra, upto);
	buf_shift(ctx, ra, upto);
}

void reasm_free(struct stream_ctx *ctx, struct reasm *ra)
{
	seglist_free(ctx, ra);
	gaps_release(ctx, ra, UINT64_MAX);
	free(ra->buf);
	stream_ra_mem_release(ctx, ra->buf_cap);
	ra->buf = NULL;
	ra->buf_cap = 0;
}
