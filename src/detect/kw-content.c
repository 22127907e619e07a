/*
 * kw-content.c — content and its modifiers (nocase depth offset distance
 * within startswith endswith fast_pattern rawbytes), plus the keywords that
 * look at a buffer's size or positions: bsize, dsize, isdataat, absent.
 * content_to_buffer() moves a payload content into an app-layer buffer
 * for the legacy modifiers (kw-modifiers.c).
 *
 * Positions follow Suricata: depth is stored as offset+depth; a relative
 * content (distance/within) searches from the end of the previous match,
 * and the inspection engine (inspect.c) backtracks over earlier
 * occurrences only while the next keyword is relative.  Values may name a
 * byte_extract/byte_math variable.  Searching never reads outside
 * [0, buffer length).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

enum {
	CF_NOCASE = 1 << 0,
	CF_NEGATED = 1 << 1,
	CF_DEPTH = 1 << 2,
	CF_OFFSET = 1 << 3,
	CF_DISTANCE = 1 << 4,
	CF_WITHIN = 1 << 5,
	CF_STARTSWITH = 1 << 6,
	CF_ENDSWITH = 1 << 7,
	CF_FP = 1 << 8,
	CF_FP_ONLY = 1 << 9,
	CF_FP_CHOP = 1 << 10,
	CF_RAWBYTES = 1 << 11,
	CF_DEPTH_VAR = 1 << 12,
	CF_OFFSET_VAR = 1 << 13,
	CF_DISTANCE_VAR = 1 << 14,
	CF_WITHIN_VAR = 1 << 15,
};

struct content {
	uint8_t *pat;
	uint32_t len;
	uint32_t flags;
	int32_t distance;
	int32_t within;
	uint32_t depth, offset;
	uint32_t fp_off, fp_len;
};

static const struct kw_def *kw_content_def(void);

static void content_free(void *ctx)
{
	struct content *c = ctx;
	if (c != NULL)
		free(c->pat);
	free(c);
}

/* ------------------------------------------------------------ search */

static const uint8_t *search_nocase(const uint8_t *h, uint32_t hl, const uint8_t *n, uint32_t nl)
{
	if (nl == 0 || nl > hl)
		return NULL;
	uint8_t lc = (uint8_t)tolower(n[0]), uc = (uint8_t)toupper(n[0]);
	for (uint32_t i = 0; i + nl <= hl; i++) {
		if (h[i] != lc && h[i] != uc)
			continue;
		uint32_t j = 1;
		while (j < nl && tolower(h[i + j]) == tolower(n[j]))
			j++;
		if (j == nl)
			return h + i;
	}
	return NULL;
}

static const uint8_t *content_search(const struct content *c, const uint8_t *h, uint32_t hl)
{
	if (c->len > hl)
		return NULL;
	if (c->flags & CF_NOCASE)
		return search_nocase(h, hl, c->pat, c->len);
	return memmem(h, hl, c->pat, c->len);
}

static int content_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			   uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct content *c = ctx;
	uint32_t blen = b->len;
	uint32_t depth = blen, offset = 0;
	*retry = UINT32_MAX;
	if (c->flags & (CF_DISTANCE | CF_WITHIN)) {
		int64_t dist = c->distance;
		if (c->flags & CF_DISTANCE_VAR)
			dist = (int64_t)dt->byte_values[c->distance];
		int64_t off = cursor;
		if (c->flags & CF_DISTANCE)
			off = (dist < 0 && -dist > off) ? 0 : off + dist;
		offset = off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
		if (c->flags & CF_WITHIN) {
			int64_t w = (c->flags & CF_WITHIN_VAR) ? (int64_t)dt->byte_values[c->within]
							       : c->within;
			int64_t d = (int64_t)cursor + w + ((c->flags & CF_DISTANCE) ? dist : 0);
			if (d < (int64_t)depth)
				depth = d < 0 ? 0 : (uint32_t)d;
		}
		if (c->depth != 0 && (uint64_t)c->depth + cursor < depth)
			depth = cursor + c->depth;
		if (c->offset > offset)
			offset = c->offset;
	} else {
		if (c->flags & CF_DEPTH_VAR)
			depth = (uint32_t)dt->byte_values[c->depth];
		else if (c->depth != 0)
			depth = c->depth;
		offset =
		    (c->flags & CF_OFFSET_VAR) ? (uint32_t)dt->byte_values[c->offset] : c->offset;
		if (c->flags & (CF_OFFSET_VAR | CF_DEPTH_VAR))
			depth += offset; /* depth was not pre-added to a variable offset */
	}
	if (resume != 0)
		offset = resume;
	if (depth > blen)
		depth = blen;
	if (offset > depth || depth == 0)
		return (c->flags & CF_NEGATED) ? (*end = cursor, 1) : 0;
	const uint8_t *found = NULL;
	if (!((c->flags & CF_ENDSWITH) && depth < blen))
		found = content_search(c, b->data + offset, depth - offset);
	if (found == NULL) {
		if (c->flags & CF_NEGATED) {
			*end = cursor;
			return 1;
		}
		return (c->flags & (CF_DISTANCE | CF_WITHIN)) ? 0 : -1;
	}
	uint32_t mend = (uint32_t)(found - b->data) + c->len;
	if (c->flags & CF_NEGATED) {
		if ((c->flags & CF_ENDSWITH) && mend != blen) {
			*end = cursor;
			return 1;
		}
		return 0;
	}
	*retry = mend - c->len + 1;
	if ((c->flags & CF_ENDSWITH) && mend != blen)
		return 0; /* retry may find a later occurrence at the end */
	*end = mend;
	return 1;
}

/* ------------------------------------------------------------ setup */

static struct content *last_content(struct parse_ctx *pc, struct rule *r, const char *kw)
{
	struct sm *sm = rule_last_content_sm(r);
	if (sm == NULL) {
		pc_error(pc, "'%s' needs a preceding content", kw);
		return NULL;
	}
	return sm->ctx;
}

static int content_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	const char *s = arg;
	bool neg = false;
	while (*s == ' ')
		s++;
	if (*s == '!') {
		neg = true;
		s++;
		while (*s == ' ')
			s++;
	}
	char *v = strdup(s);
	if (v == NULL)
		return -1;
	if (str_unquote(v) != 1) {
		pc_error(pc, "content must be a quoted string");
		free(v);
		return -1;
	}
	struct content *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		free(v);
		return -1;
	}
	c->pat = content_decode(pc, v, &c->len);
	free(v);
	if (c->pat == NULL) {
		free(c);
		return -1;
	}
	if (neg)
		c->flags |= CF_NEGATED;
	struct rule_buffer *rb = rule_cur_buffer(r);
	struct sm *sm = rb ? list_add_payload(rb, kw_content_def(), c) : NULL;
	if (sm == NULL) {
		content_free(c);
		return -1;
	}
	rule_set_last_content(r, rb);
	return 0;
}

static int nocase_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct content *c = last_content(pc, r, "nocase");
	if (c == NULL)
		return -1;
	if (c->flags & CF_NOCASE) {
		pc_error(pc, "multiple nocase for one content");
		return -1;
	}
	c->flags |= CF_NOCASE;
	return 0;
}

static int rawbytes_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct content *c = last_content(pc, r, "rawbytes");
	if (c == NULL)
		return -1;
	c->flags |= CF_RAWBYTES;
	return 0;
}

/* Parses a modifier value: a number or a byte variable name. */
static int mod_value(struct parse_ctx *pc, struct rule *r, const char *kw, const char *arg,
		     int64_t lo, int64_t hi, int64_t *out, bool *is_var)
{
	*is_var = false;
	if (parse_i64(arg, out)) {
		if (*out < lo || *out > hi) {
			pc_error(pc, "%s value %s out of range", kw, arg);
			return -1;
		}
		return 0;
	}
	int id = rule_byte_var_lookup(r, arg);
	if (id < 0) {
		pc_error(pc, "invalid %s value '%s'", kw, arg);
		return -1;
	}
	*is_var = true;
	*out = id;
	return 0;
}

static int check_mix(struct parse_ctx *pc, const struct content *c, bool relative, const char *kw)
{
	if (relative && (c->flags & (CF_DEPTH | CF_OFFSET | CF_STARTSWITH))) {
		pc_error(pc, "'%s' (relative) mixed with depth/offset/startswith", kw);
		return -1;
	}
	if (!relative && (c->flags & (CF_DISTANCE | CF_WITHIN))) {
		pc_error(pc, "'%s' (absolute) mixed with distance/within", kw);
		return -1;
	}
	if (c->flags & CF_NEGATED && c->flags & CF_FP_ONLY) {
		pc_error(pc, "negated content with fast_pattern:only");
		return -1;
	}
	return 0;
}

static int depth_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct content *c = last_content(pc, r, "depth");
	int64_t v;
	bool var;
	if (c == NULL || check_mix(pc, c, false, "depth") != 0 ||
	    mod_value(pc, r, "depth", arg, 1, 65535, &v, &var) != 0)
		return -1;
	if (c->flags & (CF_DEPTH | CF_STARTSWITH)) {
		pc_error(pc, "duplicate depth");
		return -1;
	}
	if (!var && (uint32_t)v < c->len) {
		pc_error(pc, "depth %lld smaller than content length %u", (long long)v, c->len);
		return -1;
	}
	c->flags |= CF_DEPTH | (var ? CF_DEPTH_VAR : 0);
	/* Stored as offset+depth, unless a variable makes that a match-time sum. */
	c->depth = (uint32_t)v +
		   ((c->flags & CF_OFFSET) && !(c->flags & CF_OFFSET_VAR) && !var ? c->offset : 0);
	return 0;
}

static int offset_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct content *c = last_content(pc, r, "offset");
	int64_t v;
	bool var;
	if (c == NULL || check_mix(pc, c, false, "offset") != 0 ||
	    mod_value(pc, r, "offset", arg, 0, 65535, &v, &var) != 0)
		return -1;
	if (c->flags & (CF_OFFSET | CF_STARTSWITH)) {
		pc_error(pc, "duplicate offset");
		return -1;
	}
	c->flags |= CF_OFFSET | (var ? CF_OFFSET_VAR : 0);
	c->offset = (uint32_t)v;
	if ((c->flags & CF_DEPTH) && !(c->flags & CF_DEPTH_VAR) && !var)
		c->depth += c->offset;
	return 0;
}

static int distance_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct content *c = last_content(pc, r, "distance");
	int64_t v;
	bool var;
	if (c == NULL || check_mix(pc, c, true, "distance") != 0 ||
	    mod_value(pc, r, "distance", arg, -65535, 65535, &v, &var) != 0)
		return -1;
	if (c->flags & CF_DISTANCE) {
		pc_error(pc, "duplicate distance");
		return -1;
	}
	c->flags |= CF_DISTANCE | (var ? CF_DISTANCE_VAR : 0);
	c->distance = (int32_t)v;
	rule_last_content_sm(r)->relative = true;
	return 0;
}

static int within_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct content *c = last_content(pc, r, "within");
	int64_t v;
	bool var;
	if (c == NULL || check_mix(pc, c, true, "within") != 0 ||
	    mod_value(pc, r, "within", arg, -65535, 65535, &v, &var) != 0)
		return -1;
	if (c->flags & CF_WITHIN) {
		pc_error(pc, "duplicate within");
		return -1;
	}
	if (!var && (v < 0 || (uint32_t)v < c->len)) {
		pc_error(pc, "within %lld smaller than content length %u", (long long)v, c->len);
		return -1;
	}
	c->flags |= CF_WITHIN | (var ? CF_WITHIN_VAR : 0);
	c->within = (int32_t)v;
	rule_last_content_sm(r)->relative = true;
	return 0;
}

static int startswith_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct content *c = last_content(pc, r, "startswith");
	if (c == NULL)
		return -1;
	if (c->flags & (CF_DEPTH | CF_OFFSET | CF_DISTANCE | CF_WITHIN | CF_STARTSWITH)) {
		pc_error(pc, "startswith mixed with depth/offset/distance/within");
		return -1;
	}
	c->flags |= CF_STARTSWITH | CF_DEPTH;
	c->depth = c->len;
	c->offset = 0;
	return 0;
}

static int endswith_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct content *c = last_content(pc, r, "endswith");
	if (c == NULL)
		return -1;
	if (c->flags & CF_ENDSWITH) {
		pc_error(pc, "duplicate endswith");
		return -1;
	}
	c->flags |= CF_ENDSWITH;
	return 0;
}

static int fast_pattern_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct content *c = last_content(pc, r, "fast_pattern");
	if (c == NULL)
		return -1;
	for (uint32_t i = 0; i < r->nbufs; i++)
		for (uint32_t j = 0; j < r->bufs[i].sms.n; j++) {
			const struct sm *s = &r->bufs[i].sms.v[j];
			if (s->kw == kw_content_def() &&
			    (((struct content *)s->ctx)->flags & CF_FP)) {
				pc_error(pc, "fast_pattern set twice");
				return -1;
			}
		}
	c->flags |= CF_FP;
	if (arg == NULL)
		return 0;
	if (strcmp(arg, "only") == 0) {
		if (c->flags & CF_NEGATED) {
			pc_error(pc, "negated content with fast_pattern:only");
			return -1;
		}
		c->flags |= CF_FP_ONLY;
		return 0;
	}
	char buf[64], *f[3];
	snprintf(buf, sizeof(buf), "%s", arg);
	uint64_t off, len;
	if (str_split(buf, ',', f, 3) != 2 || !parse_u64(f[0], &off) || !parse_u64(f[1], &len) ||
	    len == 0 || off + len > c->len) {
		pc_error(pc, "invalid fast_pattern '%s'", arg);
		return -1;
	}
	c->flags |= CF_FP_CHOP;
	c->fp_off = (uint32_t)off;
	c->fp_len = (uint32_t)len;
	return 0;
}

/* ------------------------------------------------------------ isdataat */

struct isdataat {
	uint32_t at;
	bool relative, negated, var;
};

static int isdataat_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			    uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct isdataat *id = ctx;
	*retry = UINT32_MAX;
	*end = cursor;
	uint64_t at = id->var ? dt->byte_values[id->at] : id->at;
	/* Relative: N more bytes after the cursor; absolute: byte N exists. */
	bool ok = id->relative ? (uint64_t)cursor + at <= b->len : at < b->len;
	if (id->negated)
		ok = !ok;
	return ok ? 1 : 0;
}

static int isdataat_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[128], *f[3];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 3);
	struct isdataat *id = calloc(1, sizeof(*id));
	if (id == NULL)
		return -1;
	char *v = f[0];
	if (*v == '!') {
		id->negated = true;
		v = str_trim(v + 1);
	}
	uint64_t u;
	if (parse_u64(v, &u)) {
		if (u > 65535) {
			pc_error(pc, "isdataat value out of range");
			goto fail;
		}
		id->at = (uint32_t)u;
	} else {
		int vid = rule_byte_var_lookup(r, v);
		if (vid < 0) {
			pc_error(pc, "invalid isdataat value '%s'", v);
			goto fail;
		}
		id->var = true;
		id->at = (uint32_t)vid;
	}
	for (int i = 1; i < n; i++) {
		if (strcmp(f[i], "relative") == 0)
			id->relative = true;
		else if (strcmp(f[i], "rawbytes") != 0) {
			pc_error(pc, "invalid isdataat option '%s'", f[i]);
			goto fail;
		}
	}
	struct rule_buffer *rb = rule_rel_buffer(r, id->relative);
	struct sm *sm = rb ? list_add_payload(rb, kw_lookup("isdataat"), id) : NULL;
	if (sm == NULL)
		goto fail;
	sm->relative = id->relative;
	return 0;
fail:
	free(id);
	return -1;
}

/* ------------------------------------------------------------ bsize, dsize */

static int bsize_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			 uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	*retry = UINT32_MAX;
	*end = cursor;
	return u64_cmp_match(ctx, b->len) ? 1 : -1;
}

static int bsize_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct u64_cmp *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (u64_cmp_parse(arg, UINT32_MAX, c) != 0) {
		pc_error(pc, "invalid bsize '%s'", arg);
		free(c);
		return -1;
	}
	struct rule_buffer *rb = rule_cur_buffer(r);
	if (rb == NULL || list_add_payload(rb, kw_lookup("bsize"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

/* As Suricata: only <, <= and "= 0" can match a packet without payload. */
static int dsize_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	const struct u64_cmp *c = ctx;
	if (p->payload_len == 0 && c->mode != U_LT && c->mode != U_LE &&
	    !(c->mode == U_EQ && c->a == 0))
		return 0;
	return u64_cmp_match(c, p->payload_len);
}

static int dsize_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct u64_cmp *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (u64_cmp_parse(arg, 65535, c) != 0) {
		pc_error(pc, "invalid dsize '%s'", arg);
		free(c);
		return -1;
	}
	for (uint32_t i = 0; i < r->lists[LIST_MATCH].n; i++)
		if (r->lists[LIST_MATCH].v[i].kw == kw_lookup("dsize")) {
			pc_error(pc, "duplicate dsize");
			free(c);
			return -1;
		}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("dsize"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ absent */

static int absent_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	if (r->cur_buf < 0) {
		pc_error(pc, "absent needs a sticky buffer");
		return -1;
	}
	struct rule_buffer *rb = &r->bufs[r->cur_buf];
	if (arg != NULL && strcmp(arg, "or_else") != 0) {
		pc_error(pc, "invalid absent option '%s'", arg);
		return -1;
	}
	if (arg == NULL && rb->sms.n > 0) {
		pc_error(pc, "absent mixed with content inspection");
		return -1;
	}
	rb->absent = true;
	rb->absent_or_else = arg != NULL;
	return 0;
}

/* ------------------------------------------------------------ rule-level checks */

static bool is_content(const struct sm *s)
{
	return s->kw == kw_content_def();
}

int rule_validate_content(struct parse_ctx *pc, struct rule *r)
{
	for (uint32_t i = 0; i < r->nbufs; i++) {
		const struct sm_list *l = &r->bufs[i].sms;
		if (r->bufs[i].absent && !r->bufs[i].absent_or_else && l->n > 0) {
			pc_error(pc, "absent mixed with content inspection");
			return -1;
		}
		for (uint32_t j = 0; j < l->n; j++) {
			if (!is_content(&l->v[j]))
				continue;
			const struct content *c = l->v[j].ctx;
			if ((c->flags & CF_DEPTH) && !(c->flags & (CF_DEPTH_VAR | CF_OFFSET_VAR)) &&
			    c->depth < c->offset + c->len) {
				pc_error(pc, "depth shorter than content");
				return -1;
			}
		}
	}
	return 0;
}

int content_to_buffer(struct parse_ctx *pc, struct rule *r, int buf_id, const char *kw)
{
	if (r->cur_buf >= 0) {
		pc_error(pc, "'%s' seen with a sticky buffer still set (reset it with pkt_data)",
			 kw);
		return -1;
	}
	const struct rule_buffer *pkt = rule_get_buffer(r, BUF_PKT, false);
	uint32_t i = pkt != NULL ? pkt->sms.n : 0;
	while (i > 0 && !is_content(&pkt->sms.v[i - 1]))
		i--;
	if (i == 0) {
		pc_error(pc, "'%s' needs a preceding content", kw);
		return -1;
	}
	const struct content *c = pkt->sms.v[i - 1].ctx;
	if (c->flags & CF_RAWBYTES) {
		pc_error(pc, "'%s' cannot be used with rawbytes", kw);
		return -1;
	}
	if (buffer_check(pc, r, buf_id) != 0)
		return -1;
	if (rule_move_sm(r, BUF_PKT, i - 1, buf_id) == NULL)
		return -1;
	rule_set_last_content(r, rule_get_buffer(r, buf_id, false));
	return 0;
}

/* Suricata's choice when no fast_pattern is given: the longest pattern,
 * ties broken by the more varied bytes (a weak "strength" measure). */
static uint32_t pattern_strength(const struct content *c)
{
	uint8_t seen[256] = {0};
	uint32_t s = 0;
	for (uint32_t i = 0; i < c->len; i++) {
		uint8_t b = c->flags & CF_NOCASE ? (uint8_t)tolower(c->pat[i]) : c->pat[i];
		if (!seen[b]) {
			seen[b] = 1;
			s += isalpha(b) ? 3 : (b == 0 || b == 0xff || b == ' ') ? 1 : 2;
		} else {
			s += 1;
		}
	}
	return s;
}

void rule_finalize_content(struct rule *r)
{
	for (uint32_t i = 0; i < r->nbufs; i++)
		for (uint32_t j = 0; j < r->bufs[i].sms.n; j++)
			if (is_content(&r->bufs[i].sms.v[j])) {
				const struct content *c = r->bufs[i].sms.v[j].ctx;
				if (c->len > r->max_content_len)
					r->max_content_len = c->len;
			}
	const struct content *best = NULL;
	int best_buf = -1;
	uint32_t best_idx = 0;
	uint32_t best_len = 0, best_strength = 0;
	for (uint32_t i = 0; i < r->nbufs; i++) {
		const struct sm_list *l = &r->bufs[i].sms;
		if (r->bufs[i].buf_id == BUF_BASE64)
			continue; /* decoded per rule: nothing to prefilter on */
		for (uint32_t j = 0; j < l->n; j++) {
			if (!is_content(&l->v[j]))
				continue;
			const struct content *c = l->v[j].ctx;
			if (c->flags & CF_FP) {
				best = c;
				best_buf = r->bufs[i].buf_id;
				best_idx = i;
				goto chosen;
			}
			if (c->flags & CF_NEGATED)
				continue;
			uint32_t st = pattern_strength(c);
			if (best == NULL || c->len > best_len ||
			    (c->len == best_len && st > best_strength)) {
				best = c;
				best_buf = r->bufs[i].buf_id;
				best_idx = i;
				best_len = c->len;
				best_strength = st;
			}
		}
	}
chosen:
	if (best == NULL || (best->flags & CF_NEGATED))
		return;
	r->has_fp = true;
	r->fp.buf_id = best_buf;
	r->fp.buf_idx = best_idx;
	r->fp.nocase = (best->flags & CF_NOCASE) != 0;
	r->fp.pat = best->pat + ((best->flags & CF_FP_CHOP) ? best->fp_off : 0);
	r->fp.len = (best->flags & CF_FP_CHOP) ? best->fp_len : best->len;
	if (best->flags & CF_FP_ONLY)
		r->flags |= RF_FP_ONLY;
}

/* ------------------------------------------------------------ table */

static const struct kw_def defs[] = {
    {"content", NULL, "match on a byte string in the current buffer", content_setup, NULL,
     content_inspect, content_free, KW_PAYLOAD},
    {"nocase", NULL, "case-insensitive content", nocase_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_MODIFIER},
    {"rawbytes", NULL, "content on raw bytes (no-op)", rawbytes_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_MODIFIER},
    {"depth", NULL, "content within the first N bytes (from offset)", depth_setup, NULL, NULL, NULL,
     KW_MODIFIER},
    {"offset", NULL, "content starts at or after N", offset_setup, NULL, NULL, NULL, KW_MODIFIER},
    {"distance", NULL, "content N bytes after the previous match", distance_setup, NULL, NULL, NULL,
     KW_MODIFIER},
    {"within", NULL, "content within N bytes of the previous match", within_setup, NULL, NULL, NULL,
     KW_MODIFIER},
    {"startswith", NULL, "content at the start of the buffer", startswith_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_MODIFIER},
    {"endswith", NULL, "content at the end of the buffer", endswith_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_MODIFIER},
    {"fast_pattern", NULL, "use this content in the prefilter (only, chop)", fast_pattern_setup,
     NULL, NULL, NULL, KW_OPTIONAL | KW_MODIFIER},
    {"isdataat", NULL, "data present at a position", isdataat_setup, NULL, isdataat_inspect, NULL,
     KW_PAYLOAD},
    {"bsize", NULL, "size of the current buffer", bsize_setup, NULL, bsize_inspect, NULL,
     KW_PAYLOAD},
    {"dsize", NULL, "packet payload size", dsize_setup, dsize_match, NULL, NULL, 0},
    {"absent", NULL, "the sticky buffer is absent", absent_setup, NULL, NULL, NULL, KW_OPTIONAL},
};

const struct kw_family kw_family_content = {defs, sizeof(defs) / sizeof(defs[0])};

static const struct kw_def *kw_content_def(void)
{
	return &defs[0];
}
