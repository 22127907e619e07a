/*
 * kw-threshold.c — threshold and detection_filter, and the per-worker
 * counters behind them (also used by threshold.config).
 *
 *   threshold: type limit|threshold|both, track by_src|by_dst|by_rule|by_both|by_flow,
 *              count N, seconds M
 *   detection_filter: track ..., count N, seconds M
 * by_both is the address pair, the same in both directions (Suricata's
 * IP-pair table).
 * limit: the first N matches per window alert; threshold: every Nth;
 * both: once per window after N; detection_filter: every match after the
 * first N in the window; backoff (count N, multiplier M, no window): the
 * Nth match, then the N*M-th, N*M*M-th ...  Time is packet time.  Counters are per worker:
 * with several workers each sees its share, the price of no locks (the
 * engine routes a flow's packets to one worker, so by_flow is exact).
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

struct thr_entry {
	uint32_t gid, sid;
	int salt;
	uint8_t key[33];
	bool used;
	int64_t start;
	uint32_t count;
	int64_t rate_until;
	uint64_t next;	 /* backoff: match count of the next alert */
	int64_t last;	 /* packet time of the last check */
	uint32_t window; /* seconds after `last` the entry still matters */
};

struct thr_table {
	struct thr_entry *v;
	uint32_t cap, n;
};

static void thr_key(const struct thr_spec *t, const struct packet *p, uint8_t key[33])
{
	memset(key, 0, 33);
	/* track in the low bits, the address family above it */
	key[0] = (uint8_t)(t->track | (p->src.family << 4));
	switch (t->track) {
	case TRK_SRC: memcpy(key + 1, p->src.bytes, 16); break;
	case TRK_DST: memcpy(key + 1, p->dst.bytes, 16); break;
	case TRK_BOTH: {
		/* the address pair, either direction: Suricata tracks by_both
		 * in its IP-pair table, where A->B and B->A are one pair */
		bool swap = memcmp(p->src.bytes, p->dst.bytes, 16) > 0;
		memcpy(key + 1, swap ? p->dst.bytes : p->src.bytes, 16);
		memcpy(key + 17, swap ? p->src.bytes : p->dst.bytes, 16);
		break;
	}
	case TRK_FLOW:
		/* flow_id, not the pointer: a freed flow's memory may be reused */
		if (p->flow != NULL)
			memcpy(key + 1, &p->flow->flow_id, sizeof(p->flow->flow_id));
		break;
	default: break;
	}
}

static uint32_t thr_hash(uint32_t gid, uint32_t sid, int salt, const uint8_t key[33])
{
	uint32_t h = 2166136261u ^ gid ^ (sid * 16777619u) ^ (uint32_t)salt;
	for (int i = 0; i < 33; i++)
		h = (h ^ key[i]) * 16777619u;
	return h;
}

static struct thr_entry *thr_find(struct thr_table *t, uint32_t gid, uint32_t sid, int salt,
				  const uint8_t key[33]);

/* Rebuilds the table without entries idle past their window (so memory
 * follows the active trackers, not every address ever seen), doubling it
 * when it is still more than half full. */
static int thr_rehash(struct thr_table *t, int64_t now)
{
	uint32_t live = 0;
	for (uint32_t i = 0; i < t->cap; i++)
		if (t->v[i].used && now - t->v[i].last <= (int64_t)t->v[i].window)
			live++;
	uint32_t cap = t->cap ? t->cap : 256;
	while ((live + 1) * 2 > cap)
		cap *= 2;
	struct thr_table nt = {calloc(cap, sizeof(struct thr_entry)), cap, 0};
	if (nt.v == NULL)
		return -1;
	for (uint32_t i = 0; i < t->cap; i++) {
		const struct thr_entry *o = &t->v[i];
		if (!o->used || now - o->last > (int64_t)o->window)
			continue;
		*thr_find(&nt, o->gid, o->sid, o->salt, o->key) = *o;
		nt.n++;
	}
	free(t->v);
	*t = nt;
	return 0;
}

/* Finds the entry or the empty slot where it belongs (table never full). */
static struct thr_entry *thr_find(struct thr_table *t, uint32_t gid, uint32_t sid, int salt,
				  const uint8_t key[33])
{
	uint32_t i = thr_hash(gid, sid, salt, key) & (t->cap - 1);
	for (;;) {
		struct thr_entry *e = &t->v[i];
		if (!e->used || (e->gid == gid && e->sid == sid && e->salt == salt &&
				 memcmp(e->key, key, 33) == 0))
			return e;
		i = (i + 1) & (t->cap - 1);
	}
}

bool thr_check(struct det_thread *dt, uint32_t gid, uint32_t sid, const struct thr_spec *t,
	       const struct packet *p, int salt)
{
	struct thr_table *tab = dt->thresholds;
	if (tab == NULL) {
		tab = calloc(1, sizeof(*tab));
		if (tab == NULL)
			return true;
		dt->thresholds = tab;
	}
	if ((tab->n + 1) * 2 > tab->cap && thr_rehash(tab, p->ts_sec) != 0)
		return true;
	uint8_t key[33];
	thr_key(t, p, key);
	struct thr_entry *e = thr_find(tab, gid, sid, salt, key);
	int64_t now = p->ts_sec;
	uint32_t window = t->seconds + t->timeout + 1;
	if (!e->used) {
		memset(e, 0, sizeof(*e));
		e->used = true;
		e->gid = gid;
		e->sid = sid;
		e->salt = salt;
		memcpy(e->key, key, 33);
		e->start = now;
		tab->n++;
	} else if (now - e->start >= (int64_t)t->seconds && t->type != THR_RATE &&
		   t->type != THR_BACKOFF) {
		e->start = now;
		e->count = 0;
	}
	e->last = now;
	if (t->type == THR_BACKOFF)
		window = UINT32_MAX; /* backoff counts forever */
	e->window = window;
	switch (t->type) {
	case THR_LIMIT: return ++e->count <= t->count;
	case THR_THRESHOLD:
		if (++e->count >= t->count) {
			e->count = 0;
			return true;
		}
		return false;
	case THR_BOTH: return ++e->count == t->count;
	case THR_DETECTION_FILTER: return ++e->count > t->count;
	case THR_BACKOFF:
		if (e->next == 0)
			e->next = t->count;
		if (++e->count < e->next)
			return false;
		e->next *= t->multiplier;
		return true;
	case THR_RATE:
		if (e->rate_until != 0 && now < e->rate_until)
			return true;
		if (e->rate_until != 0) {
			/* the timeout is over: counting starts again */
			e->rate_until = 0;
			e->start = now;
			e->count = 0;
		}
		if (now - e->start >= (int64_t)t->seconds) {
			e->start = now;
			e->count = 0;
		}
		if (++e->count > t->count) {
			e->rate_until = now + t->timeout;
			return true;
		}
		return false;
	}
	return true;
}

void threshold_thread_free(struct det_thread *dt)
{
	struct thr_table *t = dt->thresholds;
	if (t != NULL)
		free(t->v);
	free(t);
	dt->thresholds = NULL;
}

int thr_spec_parse(struct parse_ctx *pc, const char *arg, bool detection_filter,
		   struct thr_spec *out)
{
	char buf[256], *f[8];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 8);
	memset(out, 0, sizeof(*out));
	out->type = detection_filter ? THR_DETECTION_FILTER : (enum thr_type) - 1;
	int have = 0;
	for (int i = 0; i < n; i++) {
		char *k = f[i], *v = strpbrk(k, " \t");
		if (v == NULL)
			goto bad;
		*v = '\0';
		v = str_trim(v + 1);
		uint64_t u;
		if (strcmp(k, "type") == 0 && !detection_filter) {
			if (strcmp(v, "limit") == 0)
				out->type = THR_LIMIT;
			else if (strcmp(v, "threshold") == 0)
				out->type = THR_THRESHOLD;
			else if (strcmp(v, "both") == 0)
				out->type = THR_BOTH;
			else if (strcmp(v, "backoff") == 0)
				out->type = THR_BACKOFF;
			else
				goto bad;
			have |= 1;
		} else if (strcmp(k, "track") == 0) {
			static const char *tr[] = {"by_src",  "by_dst",	 "by_rule",
						   "by_both", "by_flow", "by_either"};
			int t = -1;
			for (int j = 0; j < 6; j++)
				if (strcmp(v, tr[j]) == 0)
					t = j;
			if (t < 0 || t == TRK_EITHER)
				goto bad;
			out->track = (enum thr_track)t;
			have |= 2;
		} else if (strcmp(k, "count") == 0 && parse_u64(v, &u) && u <= UINT32_MAX &&
			   (u > 0 || detection_filter)) {
			out->count = (uint32_t)u;
			have |= 4;
		} else if (strcmp(k, "seconds") == 0 && parse_u64(v, &u) && u <= UINT32_MAX) {
			out->seconds = (uint32_t)u;
			have |= 8;
		} else if (strcmp(k, "multiplier") == 0 && parse_u64(v, &u) && u >= 2 &&
			   u <= 65535) {
			out->multiplier = (uint32_t)u;
			have |= 16;
		} else {
			goto bad;
		}
	}
	if (out->type == THR_BACKOFF ? have != (1 | 2 | 4 | 16)
				     : have != (detection_filter ? 14 : 15))
		goto bad;
	return 0;
bad:
	pc_error(pc, "invalid %s '%s'", detection_filter ? "detection_filter" : "threshold", arg);
	return -1;
}

static int threshold_setup_common(struct parse_ctx *pc, struct rule *r, const char *arg, bool df)
{
	if (r->lists[LIST_THRESHOLD].n > 0) {
		pc_error(pc, "only one threshold or detection_filter per rule");
		return -1;
	}
	struct thr_spec *t = malloc(sizeof(*t));
	if (t == NULL)
		return -1;
	if (thr_spec_parse(pc, arg, df, t) != 0) {
		free(t);
		return -1;
	}
	if (rule_add_sm(r, LIST_THRESHOLD, kw_lookup(df ? "detection_filter" : "threshold"), t) ==
	    NULL) {
		free(t);
		return -1;
	}
	return 0;
}

static int threshold_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return threshold_setup_common(pc, r, arg, false);
}

static int detection_filter_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return threshold_setup_common(pc, r, arg, true);
}

bool threshold_rule_check(struct det_thread *dt, const struct rule *r, const struct packet *p)
{
	const struct sm_list *l = &r->lists[LIST_THRESHOLD];
	for (uint32_t i = 0; i < l->n; i++)
		if (!thr_check(dt, r->gid, r->sid, l->v[i].ctx, p, 0))
			return false;
	return true;
}

static const struct kw_def defs[] = {
    {"threshold", NULL, "alert limit / threshold / both per tracker and window", threshold_setup,
     NULL, NULL, NULL, 0},
    {"detection_filter", NULL, "alert only after N matches in a window", detection_filter_setup,
     NULL, NULL, NULL, 0},
};

const struct kw_family kw_family_threshold = {defs, sizeof(defs) / sizeof(defs[0])};
