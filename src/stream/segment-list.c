/*
 * segment-list — the per-direction list of stored segments and the
 * target-based overlap policies.
 *
 * A record is only bounds (offset, length); the bytes are in the
 * direction's buffer (reassemble.c).  The list is sorted by offset, then
 * length, and is short: records are released as soon as every reader has
 * consumed their bytes.  Most segments arrive in order, so insertion first
 * tries the tail.  Every record is counted against the reassembly memcap.
 *
 * The policies say which copy of a byte a receiving host would keep when
 * two segments disagree.  They follow Suricata's reading of each stack:
 * the decision depends only on how the new segment lies against the old
 * one (starts before / at / after it, ends before / at / after it).
 */
#include <stdlib.h>

#include "stream/stream-internal.h"

static bool policy_in(enum stream_policy pol, const enum stream_policy *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == pol)
			return true;
	return false;
}

#define IN(pol, ...)                                                                               \
	policy_in(pol, (const enum stream_policy[]){__VA_ARGS__},                                  \
		  sizeof((const enum stream_policy[]){__VA_ARGS__}) / sizeof(enum stream_policy))

bool seglist_new_data_wins(enum stream_policy pol, uint64_t ooff, uint64_t oend, uint64_t noff,
			   uint64_t nend)
{
	/* As Suricata: bsd-right and old-solaris are applied as bsd and solaris. */
	if (pol == STREAM_POLICY_BSD_RIGHT)
		pol = STREAM_POLICY_BSD;
	else if (pol == STREAM_POLICY_OLD_SOLARIS)
		pol = STREAM_POLICY_SOLARIS;
	if (pol == STREAM_POLICY_LAST)
		return true;
	if (noff == ooff) {
		if (nend < oend)
			return false;
		if (nend > oend && pol == STREAM_POLICY_LINUX)
			return true;
		return IN(pol, STREAM_POLICY_OLD_LINUX, STREAM_POLICY_SOLARIS,
			  STREAM_POLICY_HPUX11);
	}
	if (noff < ooff) {
		/* Starting earlier wins on most stacks; Solaris and HP-UX 11
		 * also want the old segment fully covered. */
		if (nend >= oend && IN(pol, STREAM_POLICY_SOLARIS, STREAM_POLICY_HPUX11))
			return true;
		return IN(pol, STREAM_POLICY_BSD, STREAM_POLICY_HPUX10, STREAM_POLICY_IRIX,
			  STREAM_POLICY_WINDOWS, STREAM_POLICY_WINDOWS2K3, STREAM_POLICY_OLD_LINUX,
			  STREAM_POLICY_LINUX, STREAM_POLICY_MACOS);
	}
	/* Starts inside the old segment. */
	return nend > oend && IN(pol, STREAM_POLICY_SOLARIS, STREAM_POLICY_HPUX11);
}

static bool rec_after(const struct stream_seg *s, uint64_t off, uint32_t len)
{
	return s->off > off || (s->off == off && s->len > len);
}

struct stream_seg *seglist_insert(struct stream_ctx *ctx, struct reasm *ra, uint64_t off,
				  uint32_t len)
{
	struct stream_seg *at = ra->segs_tail; /* insert after `at` */
	while (at && rec_after(at, off, len))
		at = at->prev;
	if (at && at->off == off && at->len == len)
		return at;
	if (!stream_ra_mem_reserve(ctx, sizeof(struct stream_seg)))
		return NULL;
	struct stream_seg *s = ctx->free_segs;
	if (s != NULL) {
		ctx->free_segs = s->next;
		ctx->nfree_segs--;
	} else {
		s = malloc(sizeof(*s));
	}
	if (!s) {
		stream_ra_mem_release(ctx, sizeof(struct stream_seg));
		return NULL;
	}
	s->off = off;
	s->len = len;
	s->prev = at;
	s->next = at ? at->next : ra->segs;
	if (s->next)
		s->next->prev = s;
	else
		ra->segs_tail = s;
	if (at)
		at->next = s;
	else
		ra->segs = s;
	ra->nsegs++;
	if (len > ra->seg_max_len)
		ra->seg_max_len = len;
	return s;
}

static void unlink_seg(struct reasm *ra, struct stream_seg *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		ra->segs = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		ra->segs_tail = s->prev;
	ra->nsegs--;
}

void seglist_release(struct stream_ctx *ctx, struct reasm *ra, uint64_t upto)
{
	/* Sorted by start, not end: a long early record may outlive a later
	 * short one, so look at every record that starts before `upto`. */
	struct stream_seg *s = ra->segs;
	while (s && s->off < upto) {
		struct stream_seg *next = s->next;
		if (s->off + s->len <= upto) {
			unlink_seg(ra, s);
			if (ctx->nfree_segs < SEG_FREE_MAX) {
				s->next = ctx->free_segs;
				ctx->free_segs = s;
				ctx->nfree_segs++;
			} else {
				free(s);
			}
			stream_ra_mem_release(ctx, sizeof(struct stream_seg));
		}
		s = next;
	}
	if (!ra->segs)
		ra->seg_max_len = 0;
}

void seglist_free(struct stream_ctx *ctx, struct reasm *ra)
{
	seglist_release(ctx, ra, UINT64_MAX);
}
