/*
 * prefilter.c — picks the rules worth evaluating for a packet.
 *
 * Rules are grouped by transport (tcp, udp, icmp, other) and flow
 * direction (to server, to client); a rule without direction is in both.
 * TCP rules are split once more: stream rules (RF_STREAM), which a TCP
 * session inspects on its reassembled stream, and the rest, which see
 * packets; so a session's packet is scanned only for the few packet
 * rules, its stream chunk only for the stream rules.
 *
 * Each group has one Hyperscan literal database of its rules' fast
 * patterns (duplicates merged: one pattern id lists every rule using
 * it), so a buffer is scanned once.  Within a TCP/UDP group, a rule whose
 * destination (else source) ports are few is listed under each of those
 * ports, and a found pattern only makes it a candidate on a packet with
 * such a port: port-specific rules cost no scan of their own, nor a full
 * evaluation on other ports.  The candidates are the rules whose fast
 * pattern was found plus the rules that have none, in rule order.  A
 * rule is evaluated in full afterwards, so the prefilter may only ever
 * add candidates, never decide a match.
 *
 * Rules without a fast pattern are mostly "IP-only" rules with long
 * address lists (blocklists).  Rather than testing each on every packet,
 * those whose source or destination set is small enough are put in an
 * address index: the address space is cut into elementary intervals at
 * every range boundary, and each interval lists the rules whose set
 * covers it, so one binary search per packet address finds them.  Rules
 * that do not fit (bidirectional, "any" on both sides, very wide sets) are
 * evaluated on every packet of their group.
 *
 * What Hyperscan scans for is shaped to keep it fast on the filler real
 * traffic is full of (zero padding, "AAAA..." overflows): a trailing run
 * of one byte is cut to one byte (a pattern ending in "00 00" otherwise
 * makes a zero-filled payload cost some 50 cycles a byte), and a pattern
 * that is one byte repeated is not given to Hyperscan at all but found by
 * a strided search for runs.  Both find a superset of the full pattern's
 * matches, which is all a prefilter needs.
 *
 * Compiled databases are cached on disk under a SHA-256 of their input
 * (patterns, flags, ids, Hyperscan version), so an unchanged ruleset skips
 * compilation on the next start.  A damaged or foreign cache file is
 * ignored and rewritten.
 *
 * Rules that inspect an app-layer buffer (RF_APP_BUF) can only match on
 * a packet that has a transaction ready for inspection, so they are kept
 * out of the groups above.  Per direction, one more group holds them: a
 * Hyperscan database per app buffer (and transform chain, below) of the
 * rules whose fast pattern is in that buffer, plus the app rules without
 * a usable fast pattern.  Only when app_inspect_tx() offers a transaction
 * for the packet are each instance of those buffers scanned; any other
 * packet pays one call.  App rules whose fast pattern is in the payload
 * stay in the packet groups.  A fast pattern in a transformed buffer is
 * scanned after the rule's transforms: sets are keyed by (buffer,
 * transform chain), for chains of transforms without parameters (to_lowercase,
 * dotprefix ...); a rule with a parameterised one has no usable pattern.
 *
 * Scratch space and candidate arrays are per worker (det_thread).
 */
#include <errno.h>
#include <hs/hs.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "detect/detect-internal.h"

/* PC_TCP holds the TCP packet rules, PC_TCP_STREAM the TCP stream rules. */
enum { PC_TCP, PC_TCP_STREAM, PC_UDP, PC_ICMP, PC_OTHER, PC_MAX };
enum { DIR_TS, DIR_TC, DIR_MAX };
#define NGROUPS (PC_MAX * DIR_MAX)
#define APP_GROUP(dir) (NGROUPS + (dir))
#define NGROUPS_ALL (NGROUPS + DIR_MAX)

struct pattern {
	const uint8_t *pat;
	uint32_t len;
	bool nocase;
	bool run;     /* one byte repeated: found by scan_runs, not Hyperscan */
	uint32_t lit; /* bytes of pat given to Hyperscan */
	uint32_t first, count; /* rule numbers in pf->pat_rules[first .. first+count) */
};

/* Elementary intervals [bounds[i], bounds[i+1]) -> rules[first[i] .. first[i+1]). */
struct addr_index {
	u128 *bounds;
	uint32_t *first; /* nb + 1 entries */
	uint32_t *rules;
	uint32_t nb;
};

enum { AI_SRC4, AI_DST4, AI_SRC6, AI_DST6, AI_MAX };

/* Where a rule's fast pattern counts: on any port, or only on packets
 * with one destination (source) port; key = side << 16 | port. */
enum { PS_ANY = 0, PS_DPORT, PS_SPORT };
#define PS_KEY(side, port) ((uint32_t)(side) << 16 | (uint32_t)(port))

/* One Hyperscan database and the rules behind each of its patterns. */
struct pset {
	hs_database_t *db;
	struct pattern *pats;
	uint32_t npats;
	uint32_t *pat_rules;
	uint32_t *pat_keys; /* packet sets: each pat_rules entry's port key */
	uint32_t npat_rules;
	/* run patterns: the shortest run wanted per (case-folded) byte, 0 = none */
	uint32_t *run_min;
	uint32_t run_step; /* the shortest run pattern's length */
	uint32_t *runs;	   /* their pattern ids */
	uint32_t nruns;
	/* app sets: the buffer scanned and the transforms applied first */
	uint32_t chain; /* index of the (buffer, transforms) pair, while building */
	int buf_id;
	const struct transform *xf;
	uint32_t nxf;
};

struct group {
	struct addr_index ai[AI_MAX];
	/* a packet group has one set; an app group one per (buffer, transforms) */
	struct pset *sets;
	uint32_t nsets;
	uint32_t *nofp; /* rules evaluated on every packet of the group */
	uint32_t nnofp;
};

struct prefilter {
	struct group g[NGROUPS_ALL]; /* packet groups, then one app group per direction */
	uint32_t nrules;
};

/* The packet class of a protocol (stream rules are PC_TCP_STREAM's). */
static int proto_class(uint8_t proto)
{
	switch (proto) {
	case 6: return PC_TCP;
	case 17: return PC_UDP;
	case 1:
	case 58: return PC_ICMP;
	default: return PC_OTHER;
	}
}

static bool rule_in_class(const struct rule *r, int pc)
{
	if (pc == PC_TCP || pc == PC_TCP_STREAM) {
		if (((r->flags & RF_STREAM) != 0) != (pc == PC_TCP_STREAM))
			return false;
		pc = PC_TCP;
	}
	if (r->h.proto_any)
		return true;
	static const uint8_t reps[PC_MAX][2] = {{6, 6}, {6, 6}, {17, 17}, {1, 58}, {0, 0}};
	if (pc == PC_OTHER) {
		for (int p = 0; p < 256; p++)
			if (proto_class((uint8_t)p) == PC_OTHER &&
			    (r->h.protos[p / 8] & (1u << (p % 8))))
				return true;
		return false;
	}
	for (int i = 0; i < 2; i++) {
		uint8_t p = reps[pc][i];
		if (r->h.protos[p / 8] & (1u << (p % 8)))
			return true;
	}
	return false;
}

static bool rule_in_dir(const struct rule *r, int dir)
{
	if (dir == DIR_TS)
		return !(r->flags & RF_TOCLIENT);
	return !(r->flags & RF_TOSERVER);
}

static bool fp_usable(const struct rule *r)
{
	return r->has_fp && (r->fp.buf_id == BUF_PKT || r->fp.buf_id == BUF_STREAM);
}

static const struct rule_buffer *fp_buffer(const struct rule *r)
{
	return r->fp.buf_idx < r->nbufs ? &r->bufs[r->fp.buf_idx] : NULL;
}

/* An app rule's fast pattern sits in an app buffer whose transforms (if
 * any) take no parameters, so one scan serves every rule with that chain. */
static bool app_fp_usable(const struct rule *r)
{
	/* a transactional (=>) rule may read its pattern from the other side */
	if (!r->has_fp || !buffer_is_app(r->fp.buf_id) || r->h.tx_both)
		return false;
	const struct rule_buffer *rb = fp_buffer(r);
	if (rb == NULL)
		return false;
	for (uint32_t i = 0; i < rb->nxf; i++)
		if (rb->xf[i].ctx != NULL)
			return false;
	return true;
}

static bool same_chain(const struct rule_buffer *a, const struct rule_buffer *b)
{
	if (a->buf_id != b->buf_id || a->nxf != b->nxf)
		return false;
	for (uint32_t i = 0; i < a->nxf; i++)
		if (a->xf[i].type != b->xf[i].type)
			return false;
	return true;
}

/* App rules go to the app groups unless their fast pattern is in the payload. */
static bool rule_in_app_group(const struct rule *r)
{
	return (r->flags & RF_APP_BUF) && !fp_usable(r);
}

/* ------------------------------------------------------------ build */

static int u32_cmp_pub(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static uint8_t fold(uint8_t b)
{
	return b >= 'A' && b <= 'Z' ? (uint8_t)(b + 32) : b;
}

/* Orders fast patterns so equal ones (case-folded when nocase) are adjacent. */
static int pattern_cmp(const struct rule *x, const struct rule *y)
{
	if (x->fp.nocase != y->fp.nocase)
		return x->fp.nocase ? 1 : -1;
	if (x->fp.len != y->fp.len)
		return x->fp.len < y->fp.len ? -1 : 1;
	if (!x->fp.nocase)
		return memcmp(x->fp.pat, y->fp.pat, x->fp.len);
	for (uint32_t i = 0; i < x->fp.len; i++) {
		int a = fold(x->fp.pat[i]), b = fold(y->fp.pat[i]);
		if (a != b)
			return a - b;
	}
	return 0;
}

static bool same_pattern(const struct rule *x, const struct rule *y)
{
	return pattern_cmp(x, y) == 0;
}

/* Shapes what Hyperscan looks for (see the top of the file). */
static void pattern_shape(struct pattern *pt)
{
	uint32_t n = pt->len;
	while (n > 1 && pt->pat[n - 1] == pt->pat[n - 2])
		n--;
	pt->run = n == 1 && pt->len > 1;
	pt->lit = n;
}

/* Indexes a set's run patterns for scan_runs. */
static int set_runs(struct pset *ps)
{
	for (uint32_t i = 0; i < ps->npats; i++) {
		const struct pattern *pt = &ps->pats[i];
		if (!pt->run)
			continue;
		if (ps->run_min == NULL && ((ps->run_min = calloc(256, sizeof(uint32_t))) == NULL ||
					    (ps->runs = malloc(ps->npats * sizeof(uint32_t))) == NULL))
			return -1;
		ps->runs[ps->nruns++] = i;
		uint8_t b = fold(pt->pat[0]);
		if (ps->run_min[b] == 0 || pt->len < ps->run_min[b])
			ps->run_min[b] = pt->len;
		if (ps->run_step == 0 || pt->len < ps->run_step)
			ps->run_step = pt->len;
	}
	return 0;
}

#define AI_MAX_RANGES 65536 /* per rule side: larger sets stay generic */
#define AI_MAX_SPAN 256	    /* elementary intervals one rule may cover */

struct ai_item {
	uint32_t num;
	const struct rset *set;
};

static int u128_cmp(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;
	return (x > y) - (x < y);
}

static uint32_t ai_find(const struct addr_index *ai, u128 v)
{
	/* last i with bounds[i] <= v (bounds[0] == 0) */
	uint32_t lo = 0, hi = ai->nb;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (ai->bounds[mid] <= v)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Builds one index from (rule, set) items; items whose set spans too many
 * intervals are returned in *rejected (rule numbers). */
static int ai_build(struct addr_index *ai, const struct ai_item *it, uint32_t n, u128 max,
		    uint32_t *rejected, uint32_t *nrej)
{
	size_t nbounds = 1;
	for (uint32_t i = 0; i < n; i++)
		nbounds += (size_t)it[i].set->n * 2;
	u128 *b = malloc(nbounds * sizeof(*b));
	if (b == NULL)
		return -1;
	size_t k = 0;
	b[k++] = 0;
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < it[i].set->n; j++) {
			b[k++] = it[i].set->r[j].lo;
			if (it[i].set->r[j].hi < max)
				b[k++] = it[i].set->r[j].hi + 1;
		}
	qsort(b, k, sizeof(*b), u128_cmp);
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (m == 0 || b[m - 1] != b[i])
			b[m++] = b[i];
	ai->bounds = b;
	ai->nb = (uint32_t)m;
	uint32_t *cnt = calloc(m + 1, sizeof(uint32_t));
	uint8_t *rej = calloc(n ? n : 1, 1);
	if (cnt == NULL || rej == NULL) {
		free(cnt);
		free(rej);
		return -1;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n; i++) {
			if (rej[i])
				continue;
			uint32_t span = 0;
			for (uint32_t j = 0; j < it[i].set->n; j++) {
				uint32_t a = ai_find(ai, it[i].set->r[j].lo);
				uint32_t z = ai_find(ai, it[i].set->r[j].hi);
				span += z - a + 1;
				for (uint32_t e = a; pass == 1 && e <= z; e++)
					ai->rules[cnt[e]++] = it[i].num;
			}
			if (pass == 0 && span > AI_MAX_SPAN) {
				rej[i] = 1;
				rejected[(*nrej)++] = it[i].num;
				continue;
			}
			for (uint32_t j = 0; pass == 0 && j < it[i].set->n; j++) {
				uint32_t a = ai_find(ai, it[i].set->r[j].lo);
				uint32_t z = ai_find(ai, it[i].set->r[j].hi);
				for (uint32_t e = a; e <= z; e++)
					cnt[e + 1]++;
			}
		}
		if (pass == 0) {
			for (size_t e = 0; e < m; e++)
				cnt[e + 1] += cnt[e];
			ai->first = malloc((m + 1) * sizeof(uint32_t));
			ai->rules = malloc((cnt[m] + 1) * sizeof(uint32_t));
			if (ai->first == NULL || ai->rules == NULL) {
				free(cnt);
				free(rej);
				return -1;
			}
			memcpy(ai->first, cnt, (m + 1) * sizeof(uint32_t));
		}
	}
	free(cnt);
	free(rej);
	return 0;
}

static void ai_free(struct addr_index *ai)
{
	free(ai->bounds);
	free(ai->first);
	free(ai->rules);
}

/* Number of addresses a set covers, IPv4 and IPv6 weighted alike (an
 * approximation that only has to rank two sets). */
static u128 set_coverage(const struct addr_set *a)
{
	u128 c = 0;
	for (uint32_t i = 0; i < a->v4.n; i++)
		c += (a->v4.r[i].hi - a->v4.r[i].lo) << 96;
	for (uint32_t i = 0; i < a->v6.n; i++)
		c += (a->v6.r[i].hi - a->v6.r[i].lo) >> 1;
	return c;
}

/* Which side of a rule keys the index: the non-any side that covers fewer
 * addresses (a blocklist rather than $HOME_NET), so few packets hit it. */
static int ai_side(const struct rule *r, struct ai_item items[AI_MAX])
{
	if (r->h.bidir || r->nbufs > 0)
		return -1;
	const struct addr_set *src = &r->h.src, *dst = &r->h.dst;
	if (src->any && dst->any)
		return -1;
	bool use_src;
	if (src->any)
		use_src = false;
	else if (dst->any)
		use_src = true;
	else
		use_src = set_coverage(src) <= set_coverage(dst);
	const struct addr_set *a = use_src ? src : dst;
	if (a->v4.n + a->v6.n > AI_MAX_RANGES)
		return -1;
	items[0].set = &a->v4;
	items[1].set = &a->v6;
	return use_src ? 0 : 1;
}

static int group_build_index(struct group *g, struct detect_engine *de, uint32_t *cands,
			     uint32_t ncands)
{
	struct ai_item *lists[AI_MAX];
	uint32_t nl[AI_MAX] = {0};
	for (int i = 0; i < AI_MAX; i++)
		lists[i] = malloc((ncands + 1) * sizeof(struct ai_item));
	uint32_t *generic = malloc((ncands + 1) * sizeof(uint32_t));
	uint32_t ng = 0;
	int rc = -1;
	if (lists[0] == NULL || lists[1] == NULL || lists[2] == NULL || lists[3] == NULL ||
	    generic == NULL)
		goto out;
	for (uint32_t i = 0; i < ncands; i++) {
		const struct rule *r = de->rules[cands[i]];
		struct ai_item it[AI_MAX];
		int side = ai_side(r, it);
		if (side < 0) {
			generic[ng++] = cands[i];
			continue;
		}
		/* side 0 = src, 1 = dst; v4 and v6 parts go to their own index */
		if (it[0].set->n > 0)
			lists[side == 0 ? AI_SRC4 : AI_DST4][nl[side == 0 ? AI_SRC4 : AI_DST4]++] =
			    (struct ai_item){cands[i], it[0].set};
		if (it[1].set->n > 0)
			lists[side == 0 ? AI_SRC6 : AI_DST6][nl[side == 0 ? AI_SRC6 : AI_DST6]++] =
			    (struct ai_item){cands[i], it[1].set};
	}
	for (int i = 0; i < AI_MAX; i++) {
		u128 max = (i == AI_SRC4 || i == AI_DST4) ? (u128)0xffffffffu : ~(u128)0;
		if (ai_build(&g->ai[i], lists[i], nl[i], max, generic, &ng) != 0)
			goto out;
	}
	/* A rule rejected from one index may still sit in another: generic wins. */
	qsort(generic, ng, sizeof(uint32_t), u32_cmp_pub);
	uint32_t o = 0;
	for (uint32_t i = 0; i < ng; i++)
		if (o == 0 || generic[o - 1] != generic[i])
			generic[o++] = generic[i];
	memcpy(g->nofp, generic, o * sizeof(uint32_t));
	g->nnofp = o;
	rc = 0;
out:
	for (int i = 0; i < AI_MAX; i++)
		free(lists[i]);
	free(generic);
	return rc;
}

/* A rule whose port set on one side is this small is filed under each of
 * those ports; any other rule goes to the any-port set. */
#define PS_MAX_PORTS 8

struct bucket_ref {
	uint32_t set; /* which set of the group (app groups: chain index) */
	uint32_t key; /* PS_KEY(side, port) */
	const struct rule *r;
};

/* By set, then pattern (equal ones adjacent), then rule. */
static int bucket_ref_cmp(const void *a, const void *b)
{
	const struct bucket_ref *x = a, *y = b;
	if (x->set != y->set)
		return x->set < y->set ? -1 : 1;
	int c = pattern_cmp(x->r, y->r);
	if (c != 0)
		return c;
	if (x->r->num != y->r->num)
		return x->r->num < y->r->num ? -1 : 1;
	return (x->key > y->key) - (x->key < y->key);
}

static uint32_t port_count(const struct port_set *ps)
{
	u128 n = 0;
	for (uint32_t i = 0; i < ps->ports.n; i++)
		n += ps->ports.r[i].hi - ps->ports.r[i].lo + 1;
	return n > 65536 ? 65536 : (uint32_t)n;
}

/* Appends the bucket refs of one rule; ports only mean something for the
 * transports that have them (header matching ignores them elsewhere). */
static void rule_buckets(const struct rule *r, bool ports, struct bucket_ref *out, uint32_t *n)
{
	int side = PS_ANY;
	const struct port_set *ps = NULL;
	if (ports && !r->h.bidir) {
		if (!r->h.dp.any && port_count(&r->h.dp) <= PS_MAX_PORTS) {
			side = PS_DPORT;
			ps = &r->h.dp;
		} else if (!r->h.sp.any && port_count(&r->h.sp) <= PS_MAX_PORTS) {
			side = PS_SPORT;
			ps = &r->h.sp;
		}
	}
	if (ps == NULL) {
		out[(*n)++] = (struct bucket_ref){0, PS_KEY(PS_ANY, 0), r};
		return;
	}
	for (uint32_t i = 0; i < ps->ports.n; i++)
		for (u128 port = ps->ports.r[i].lo; port <= ps->ports.r[i].hi; port++)
			out[(*n)++] = (struct bucket_ref){0, PS_KEY(side, port), r};
}

/* Builds the pattern sets from bucket refs sorted by bucket_ref_cmp; with
 * `keys`, each rule entry keeps its port key. */
static int build_sets(struct group *g, const struct bucket_ref *refs, uint32_t n, bool keys)
{
	g->sets = calloc(1, sizeof(struct pset));
	if (g->sets == NULL)
		return -1;
	g->nsets = 1; /* set 0 always exists, maybe empty */
	for (uint32_t i = 0; i < n;) {
		uint32_t j = i;
		while (j < n && refs[j].set == refs[i].set)
			j++;
		struct pset *ps;
		if (i == 0 && refs[i].set == 0) {
			ps = &g->sets[0];
		} else {
			struct pset *nv = realloc(g->sets, (g->nsets + 1) * sizeof(*nv));
			if (nv == NULL)
				return -1;
			g->sets = nv;
			ps = &g->sets[g->nsets++];
			memset(ps, 0, sizeof(*ps));
		}
		ps->chain = refs[i].set;
		ps->pats = malloc((j - i) * sizeof(struct pattern));
		ps->pat_rules = malloc((j - i) * sizeof(uint32_t));
		ps->pat_keys = keys ? malloc((j - i) * sizeof(uint32_t)) : NULL;
		if (ps->pats == NULL || ps->pat_rules == NULL || (keys && ps->pat_keys == NULL))
			return -1;
		for (uint32_t k = i; k < j; k++) {
			const struct rule *r = refs[k].r;
			if (k == i || !same_pattern(refs[k - 1].r, r)) {
				struct pattern *pt = &ps->pats[ps->npats++];
				pt->pat = r->fp.pat;
				pt->len = r->fp.len;
				pt->nocase = r->fp.nocase;
				pt->first = ps->npat_rules;
				pt->count = 0;
				pattern_shape(pt);
			}
			if (keys)
				ps->pat_keys[ps->npat_rules] = refs[k].key;
			ps->pat_rules[ps->npat_rules++] = r->num;
			ps->pats[ps->npats - 1].count++;
		}
		if (set_runs(ps) != 0)
			return -1;
		i = j;
	}
	return 0;
}

static int group_collect(struct detect_engine *de, struct group *g, int pc, int dir)
{
	bool ports = pc == PC_TCP || pc == PC_TCP_STREAM || pc == PC_UDP;
	size_t cap = (size_t)de->nrules * PS_MAX_PORTS + 1;
	struct bucket_ref *refs = malloc(cap * sizeof(*refs));
	g->nofp = malloc((de->nrules + 1) * sizeof(uint32_t));
	if (refs == NULL || g->nofp == NULL) {
		free(refs);
		return -1;
	}
	uint32_t nrefs = 0;
	for (uint32_t i = 0; i < de->nrules; i++) {
		const struct rule *r = de->rules[i];
		if (!rule_in_class(r, pc) || !rule_in_dir(r, dir) || rule_in_app_group(r) ||
		    (r->flags & RF_FRAME))
			continue;
		if (fp_usable(r))
			rule_buckets(r, ports, refs, &nrefs);
		else
			g->nofp[g->nnofp++] = r->num;
	}
	if (nrefs > 1)
		qsort(refs, nrefs, sizeof(*refs), bucket_ref_cmp);
	uint32_t *cands = malloc((g->nnofp + 1) * sizeof(uint32_t));
	int rc = -1;
	if (cands != NULL) {
		memcpy(cands, g->nofp, g->nnofp * sizeof(uint32_t));
		if (group_build_index(g, de, cands, g->nnofp) == 0 &&
		    build_sets(g, refs, nrefs, ports) == 0)
			rc = 0;
	}
	free(cands);
	free(refs);
	return rc;
}

/* The app group of one direction: one set per (app buffer, transform chain). */
static int app_group_collect(struct detect_engine *de, struct group *g, int dir)
{
	struct bucket_ref *refs = malloc((de->nrules + 1) * sizeof(*refs));
	g->nofp = malloc((de->nrules + 1) * sizeof(uint32_t));
	if (refs == NULL || g->nofp == NULL) {
		free(refs);
		return -1;
	}
	/* distinct (buffer, transform chain) pairs; set key = index + 1 */
	const struct rule_buffer **chains = malloc((de->nrules + 1) * sizeof(*chains));
	uint32_t nrefs = 0, nchains = 0;
	int rc = -1;
	if (chains == NULL)
		goto out;
	for (uint32_t i = 0; i < de->nrules; i++) {
		const struct rule *r = de->rules[i];
		if (!rule_in_app_group(r) || !rule_in_dir(r, dir) || (r->flags & RF_FRAME))
			continue;
		if (!app_fp_usable(r)) {
			g->nofp[g->nnofp++] = r->num;
			continue;
		}
		const struct rule_buffer *rb = fp_buffer(r);
		uint32_t c = 0;
		while (c < nchains && !same_chain(chains[c], rb))
			c++;
		if (c == nchains) {
			if (nchains == 0xfffe) {
				g->nofp[g->nnofp++] = r->num;
				continue;
			}
			chains[nchains++] = rb;
		}
		refs[nrefs++] = (struct bucket_ref){c + 1, 0, r};
	}
	if (nrefs > 1)
		qsort(refs, nrefs, sizeof(*refs), bucket_ref_cmp);
	if (build_sets(g, refs, nrefs, false) != 0)
		goto out;
	for (uint32_t s = 1; s < g->nsets; s++) {
		const struct rule_buffer *rb = chains[g->sets[s].chain - 1];
		g->sets[s].buf_id = rb->buf_id;
		g->sets[s].xf = rb->xf;
		g->sets[s].nxf = rb->nxf;
	}
	rc = 0;
out:
	free(chains);
	free(refs);
	return rc;
}

static void cache_key(const struct pset *g, int gi, char hex[65])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[32];
	unsigned int mdl = 0;
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	const char *ver = hs_version();
	EVP_DigestUpdate(ctx, ver, strlen(ver));
	uint32_t where[2] = {(uint32_t)gi, g->chain};
	EVP_DigestUpdate(ctx, where, sizeof(where));
	for (uint32_t i = 0; i < g->npats; i++) {
		if (g->pats[i].run)
			continue;
		uint32_t hdr[3] = {g->pats[i].lit, g->pats[i].nocase, i};
		EVP_DigestUpdate(ctx, hdr, sizeof(hdr));
		EVP_DigestUpdate(ctx, g->pats[i].pat, g->pats[i].lit);
	}
	EVP_DigestFinal_ex(ctx, md, &mdl);
	EVP_MD_CTX_free(ctx);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static char *cache_dir_path(const struct detect_engine *de)
{
	char *p = NULL;
	if (de->cache_dir != NULL)
		return strdup(de->cache_dir);
	const char *x = getenv("XDG_CACHE_HOME");
	if (x != NULL && *x) {
		if (asprintf(&p, "%s/vigil", x) < 0)
			return NULL;
		return p;
	}
	const char *h = getenv("HOME");
	if (h == NULL || !*h)
		return NULL;
	if (asprintf(&p, "%s/.cache/vigil", h) < 0)
		return NULL;
	return p;
}

static void mkdir_p(const char *path)
{
	char *c = strdup(path);
	if (c == NULL)
		return;
	for (char *s = c + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(c, 0755);
			*s = '/';
		}
	mkdir(c, 0755);
	free(c);
}

static hs_database_t *cache_read(const char *file)
{
	FILE *f = fopen(file, "rb");
	if (f == NULL)
		return NULL;
	hs_database_t *db = NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		rewind(f);
		char *buf = n > 0 ? malloc((size_t)n) : NULL;
		if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n &&
		    hs_deserialize_database(buf, (size_t)n, &db) != HS_SUCCESS)
			db = NULL;
		free(buf);
	}
	fclose(f);
	return db;
}

static void cache_write(const char *dir, const char *file, const hs_database_t *db)
{
	char *bytes = NULL;
	size_t len = 0;
	if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
		return;
	mkdir_p(dir);
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.%ld.tmp", file, (long)getpid()) >= 0) {
		FILE *f = fopen(tmp, "wb");
		if (f != NULL) {
			bool ok = fwrite(bytes, 1, len, f) == len;
			ok &= fclose(f) == 0;
			if (ok)
				rename(tmp, file);
			else
				unlink(tmp);
		}
		free(tmp);
	}
	free(bytes);
}

static int group_compile(struct pset *g, FILE *log)
{
	const char **pats = malloc(g->npats * sizeof(*pats));
	unsigned *flags = malloc(g->npats * sizeof(*flags));
	unsigned *ids = malloc(g->npats * sizeof(*ids));
	size_t *lens = malloc(g->npats * sizeof(*lens));
	int rc = -1;
	uint32_t n = 0;
	if (pats == NULL || flags == NULL || ids == NULL || lens == NULL)
		goto out;
	for (uint32_t i = 0; i < g->npats; i++) {
		if (g->pats[i].run)
			continue;
		pats[n] = (const char *)g->pats[i].pat;
		lens[n] = g->pats[i].lit;
		ids[n] = i;
		flags[n++] = HS_FLAG_SINGLEMATCH | (g->pats[i].nocase ? HS_FLAG_CASELESS : 0);
	}
	if (n == 0) { /* only run patterns: nothing for Hyperscan */
		rc = 0;
		goto out;
	}
	hs_compile_error_t *err = NULL;
	if (hs_compile_lit_multi(pats, flags, ids, lens, n, HS_MODE_BLOCK, NULL, &g->db,
				 &err) != HS_SUCCESS) {
		if (log)
			fprintf(log, "prefilter: hyperscan compile failed: %s\n",
				err ? err->message : "?");
		hs_free_compile_error(err);
		g->db = NULL;
		goto out;
	}
	rc = 0;
out:
	free(pats);
	free(flags);
	free(ids);
	free(lens);
	return rc;
}

int prefilter_build(struct detect_engine *de, FILE *log)
{
	struct prefilter *pf = calloc(1, sizeof(*pf));
	if (pf == NULL)
		return -1;
	de->pf = pf;
	pf->nrules = de->nrules;
	char *dir = de->no_cache ? NULL : cache_dir_path(de);
	bool all_hit = true;
	for (int gi = 0; gi < NGROUPS_ALL; gi++) {
		struct group *grp = &pf->g[gi];
		int rc = gi < NGROUPS ? group_collect(de, grp, gi / DIR_MAX, gi % DIR_MAX)
				      : app_group_collect(de, grp, gi - NGROUPS);
		if (rc != 0)
			goto fail;
		for (uint32_t si = 0; si < grp->nsets; si++) {
			struct pset *g = &grp->sets[si];
			if (g->npats == 0)
				continue;
			char key[65], *file = NULL;
			if (dir != NULL) {
				cache_key(g, gi, key);
				if (asprintf(&file, "%s/hs-%s.db", dir, key) < 0)
					file = NULL;
			}
			if (file != NULL)
				g->db = cache_read(file);
			if (g->db == NULL) {
				all_hit = false;
				if (group_compile(g, log) != 0) {
					free(file);
					goto fail;
				}
				if (file != NULL)
					cache_write(dir, file, g->db);
			}
			free(file);
		}
	}
	de->cache_hit = all_hit && dir != NULL;
	free(dir);
	return 0;
fail:
	free(dir);
	return -1;
}

void prefilter_free(struct prefilter *pf)
{
	if (pf == NULL)
		return;
	for (int i = 0; i < NGROUPS_ALL; i++) {
		for (uint32_t k = 0; k < pf->g[i].nsets; k++) {
			hs_free_database(pf->g[i].sets[k].db);
			free(pf->g[i].sets[k].pats);
			free(pf->g[i].sets[k].pat_rules);
			free(pf->g[i].sets[k].pat_keys);
			free(pf->g[i].sets[k].run_min);
			free(pf->g[i].sets[k].runs);
		}
		free(pf->g[i].sets);
		free(pf->g[i].nofp);
		for (int k = 0; k < AI_MAX; k++)
			ai_free(&pf->g[i].ai[k]);
	}
	free(pf);
}

/* The last interval found per (index, address) slot: a flow's packets
 * and stream chunks look the same addresses up again and again, and a
 * binary search of a large blocklist index misses the cache. */
#define AI_MEMO_SLOTS 256
struct ai_memo {
	const struct addr_index *ai;
	u128 v;
	uint32_t e;
};

/* ------------------------------------------------------------ per thread */

int prefilter_thread_init(struct detect_engine *de, struct det_thread *dt)
{
	struct prefilter *pf = de->pf;
	dt->cand = malloc((de->nrules + 1) * sizeof(uint32_t));
	dt->cand_extra = malloc((de->nrules + 1) * sizeof(uint32_t));
	if (dt->cand_extra == NULL)
		return -1;
	dt->cand_seen = calloc(de->nrules / 64 + 1, sizeof(uint64_t));
	dt->ai_memo = calloc(AI_MEMO_SLOTS, sizeof(struct ai_memo));
	if (dt->cand == NULL || dt->cand_seen == NULL || dt->ai_memo == NULL)
		return -1;
	hs_scratch_t *s = NULL;
	for (int i = 0; pf != NULL && i < NGROUPS_ALL; i++)
		for (uint32_t k = 0; k < pf->g[i].nsets; k++)
			if (pf->g[i].sets[k].db != NULL &&
			    hs_alloc_scratch(pf->g[i].sets[k].db, &s) != HS_SUCCESS) {
				hs_free_scratch(s);
				return -1;
			}
	dt->hs_scratch = s;
	return 0;
}

void prefilter_thread_free(struct det_thread *dt)
{
	hs_free_scratch(dt->hs_scratch);
	dt->hs_scratch = NULL;
	free(dt->cand);
	free(dt->cand_extra);
	dt->cand_extra = NULL;
	free(dt->cand_seen);
	free(dt->ai_memo);
	dt->ai_memo = NULL;
	dt->cand = NULL;
	dt->cand_seen = NULL;
}

struct scan_ctx {
	struct det_thread *dt;
	const struct pset *g;
	uint32_t dkey, skey; /* the packet's port keys */
};

/* Candidates found by the fast patterns and the address index go to
 * cand_extra (few, sorted afterwards); they are merged with the group's
 * generic list, which is already in rule order. */
static void add_cand(struct det_thread *dt, uint32_t num)
{
	uint64_t bit = 1ull << (num % 64);
	if (dt->cand_seen[num / 64] & bit)
		return;
	dt->cand_seen[num / 64] |= bit;
	dt->cand_extra[dt->nextra++] = num;
}

/*
 * cand_extra in rule order, and cand_seen cleared, without a general
 * sort: a few candidates by insertion, more by reading their bits back
 * in order over the words they span (a packet with many candidates pays
 * one pass over at most nrules / 64 words).
 */
#define CAND_INSERTION_MAX 24

static void cand_extra_order(struct det_thread *dt)
{
	uint32_t *v = dt->cand_extra, n = dt->nextra;
	if (n <= CAND_INSERTION_MAX) {
		for (uint32_t i = 0; i < n; i++) {
			uint32_t x = v[i], k = i;
			dt->cand_seen[x / 64] = 0;
			for (; k > 0 && v[k - 1] > x; k--)
				v[k] = v[k - 1];
			v[k] = x;
		}
		return;
	}
	uint32_t lo = UINT32_MAX, hi = 0;
	for (uint32_t i = 0; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	uint32_t k = 0;
	for (uint32_t w = lo / 64; w <= hi / 64; w++) {
		uint64_t bits = dt->cand_seen[w];
		dt->cand_seen[w] = 0;
		while (bits != 0) {
			v[k++] = w * 64 + (uint32_t)__builtin_ctzll(bits);
			bits &= bits - 1;
		}
	}
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *arg)
{
	struct scan_ctx *sc = arg;
	const struct pattern *p = &sc->g->pats[id];
	const uint32_t *keys = sc->g->pat_keys;
	for (uint32_t i = p->first; i < p->first + p->count; i++)
		if (keys == NULL || keys[i] == PS_KEY(PS_ANY, 0) || keys[i] == sc->dkey ||
		    keys[i] == sc->skey)
			add_cand(sc->dt, sc->g->pat_rules[i]);
	return 0;
}

/* Run patterns in d: any run at least run_step long covers one of the
 * probed bytes, which is then widened to its whole run. */
static void scan_runs(struct scan_ctx *sc, const uint8_t *d, uint32_t n)
{
	const struct pset *ps = sc->g;
	uint32_t m = ps->run_step;
	for (uint32_t k = m - 1; k < n; k += m) {
		uint8_t b = fold(d[k]);
		if (ps->run_min[b] == 0)
			continue;
		uint32_t lo = k, hi = k + 1;
		while (lo > 0 && fold(d[lo - 1]) == b)
			lo--;
		while (hi < n && fold(d[hi]) == b)
			hi++;
		if (hi - lo >= ps->run_min[b])
			for (uint32_t i = 0; i < ps->nruns; i++) {
				const struct pattern *pt = &ps->pats[ps->runs[i]];
				if (fold(pt->pat[0]) == b && pt->len <= hi - lo)
					on_match(ps->runs[i], 0, 0, 0, sc);
			}
		k = hi - 1;
	}
}

/* Everything the set looks for in one buffer. */
static void scan_buf(struct scan_ctx *sc, const uint8_t *d, uint32_t n)
{
	if (sc->g->db != NULL)
		hs_scan(sc->g->db, (const char *)d, n, 0, sc->dt->hs_scratch, on_match, sc);
	if (sc->g->run_min != NULL)
		scan_runs(sc, d, n);
}

static uint64_t be64_at(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static u128 addr_value(const struct ip_addr *a)
{
	if (a->family == 4)
		return (u128)a->bytes[0] << 24 | (u128)a->bytes[1] << 16 | (u128)a->bytes[2] << 8 |
		       a->bytes[3];
	return (u128)be64_at(a->bytes) << 64 | be64_at(a->bytes + 8);
}

static void ai_lookup(struct det_thread *dt, const struct addr_index *ai, const struct ip_addr *a)
{
	if (ai->nb == 0)
		return;
	u128 v = addr_value(a);
	uint64_t h = (uint64_t)v ^ (uint64_t)(v >> 64) ^ (uint64_t)(uintptr_t)ai;
	h = (h * 0x9e3779b97f4a7c15ull) >> 56;
	struct ai_memo *m = &dt->ai_memo[h % AI_MEMO_SLOTS];
	if (m->ai != ai || m->v != v)
		*m = (struct ai_memo){ai, v, ai_find(ai, v)};
	uint32_t e = m->e;
	for (uint32_t i = ai->first[e]; i < ai->first[e + 1]; i++)
		add_cand(dt, ai->rules[i]);
}

/* App-buffer rules: only on a packet with a transaction ready for inspection. */
static void app_prefilter(struct det_thread *dt, const struct group *g, const struct packet *p)
{
	enum app_proto proto;
	const void *tx;
	uint64_t tx_id;
	if ((g->nnofp == 0 && g->nsets <= 1) || !det_app_tx(dt, p, 0, &proto, &tx, &tx_id))
		return;
	for (uint32_t i = 0; i < g->nnofp; i++)
		add_cand(dt, g->nofp[i]);
	for (uint32_t s = 1; s < g->nsets; s++) {
		const struct pset *ps = &g->sets[s];
		struct scan_ctx sc = {dt, ps, 0, 0};
		struct inspect_buf b;
		for (uint32_t k = 0;
		     (ps->db != NULL || ps->run_min != NULL) &&
		     app_buffer_get(ps->buf_id, dt, p, k, &b.data, &b.len, NULL);
		     k++) {
			bool ok = true;
			for (uint32_t x = 0; ok && x < ps->nxf; x++)
				ok = transform_apply(dt, &ps->xf[x], &b, (int)(x % XFORM_SLOTS));
			if (ok)
				scan_buf(&sc, b.data, b.len);
		}
	}
}

/* One packet group's candidates for p: fast patterns in the payload,
 * address-indexed rules; the group's rules without either are in
 * g->nofp, which the caller merges. */
static void group_run(struct det_thread *dt, const struct group *g, const struct packet *p)
{
	const struct pset *ps = &g->sets[0];
	if (p->payload != NULL && p->payload_len > 0) {
		struct scan_ctx sc = {dt, ps, PS_KEY(PS_DPORT, p->dp), PS_KEY(PS_SPORT, p->sp)};
		scan_buf(&sc, p->payload, p->payload_len);
	}
	if (p->src.family == 4) {
		ai_lookup(dt, &g->ai[AI_SRC4], &p->src);
		ai_lookup(dt, &g->ai[AI_DST4], &p->dst);
	} else if (p->src.family == 6) {
		ai_lookup(dt, &g->ai[AI_SRC6], &p->src);
		ai_lookup(dt, &g->ai[AI_DST6], &p->dst);
	}
}

void prefilter_run(struct det_thread *dt, const struct packet *p, unsigned want)
{
	const struct prefilter *pf = dt->de->pf;
	dt->ncand = 0;
	dt->nextra = 0;
	if (pf == NULL)
		return;
	int pc = p->ip_version == 0 ? PC_OTHER : proto_class(p->proto);
	int dir = (p->flow != NULL && !p->flow_toserver) ? DIR_TC : DIR_TS;
	/* g's generic rules are merged below; a second group's are few */
	const struct group *g = NULL;
	if (want & CAND_PACKET) {
		g = &pf->g[pc * DIR_MAX + dir];
		group_run(dt, g, p);
	}
	if ((want & CAND_STREAM) && pc == PC_TCP) {
		const struct group *sg = &pf->g[PC_TCP_STREAM * DIR_MAX + dir];
		group_run(dt, sg, p);
		if (g == NULL)
			g = sg;
		else
			for (uint32_t i = 0; i < sg->nnofp; i++)
				add_cand(dt, sg->nofp[i]);
	}
	if ((want & CAND_APP) && p->flow != NULL)
		app_prefilter(dt, &pf->g[APP_GROUP(dir)], p);
	uint32_t nnofp = g != NULL ? g->nnofp : 0;
	const uint32_t *nofp = g != NULL ? g->nofp : NULL;
	cand_extra_order(dt);
	/* merge (a rule too wide for one address family's index is generic and
	 * may also come from the other family's index: keep it once) */
	uint32_t a = 0, b = 0;
	while (a < nnofp || b < dt->nextra) {
		if (b == dt->nextra || (a < nnofp && nofp[a] < dt->cand_extra[b])) {
			dt->cand[dt->ncand++] = nofp[a++];
		} else {
			if (a < nnofp && nofp[a] == dt->cand_extra[b])
				a++;
			dt->cand[dt->ncand++] = dt->cand_extra[b++];
		}
	}
}
