/*
 * defrag — IPv4/IPv6 fragment reassembly; see defrag.h for the model
 * (trackers, overlap policies, timeouts, memcap).
 *
 * It reads a fragment only through the fields the decoder filled in
 * (ip_hdr, ip_hdr_len, ip_len, ip6.frag_hdr), which the decoder has
 * already bounded by the captured length, and copies what it keeps: the
 * packet's bytes need not outlive the call.
 *
 * Invariants: a tracker's `spans` are the sorted, disjoint, non-touching
 * byte ranges its fragments cover and `covered` is their total length,
 * i.e. payload bytes held by at least one fragment; `end` is the
 * largest fragment end seen; the datagram is complete when the last
 * fragment and the header-bearing first fragment have arrived and
 * covered == end (no hole anywhere, Suricata's check).  The rebuilt
 * payload then ends where the fragments up to the last one end.  `mem` in the table is the sum of every allocation the
 * table holds, which is what the memcap compares against.
 */
#include <stdlib.h>
#include <string.h>

#include "decode/defrag.h"
#include "decode/layers.h"
#include "util/config.h"
#include "util/json.h"

enum {
	DEFRAG_BUCKETS = 4096,
	DEFRAG_MAX_LEN = 65535,
	IPV4_HDR_MIN = 20,
	IPV6_HDR_LEN = 40,
	FRAG_HDR_LEN = 8,
};

struct frag {
	struct frag *next; /* arrival order */
	uint32_t off, len; /* in payload bytes */
	uint8_t data[];
};

/* A byte range [start, end) of the fragmentable payload that is held. */
struct span {
	uint32_t start, end;
};

struct tracker {
	struct tracker *hnext;         /* hash chain */
	struct tracker *older, *newer; /* LRU by last update */
	uint32_t hash;
	/* key */
	uint8_t version, proto, vlan_count;
	uint16_t vlan_id[DECODE_MAX_VLAN];
	uint32_t id;
	struct ip_addr src, dst;
	/* state */
	int64_t last_sec;
	uint8_t *hdr;    /* unfragmentable part of the first fragment */
	uint32_t hdr_len;
	uint32_t nh_off; /* IPv6: offset in hdr of the next-header byte to patch */
	uint8_t next_hdr;
	bool seen_last;
	uint32_t last_off; /* lowest offset of a fragment without MF */
	uint32_t end, covered, nfrags;
	struct span *spans; /* see the invariants above */
	uint32_t nspans, span_cap;
	struct frag *frags, *last_frag;
	uint64_t mem;
};

struct defrag_table {
	struct defrag_config cfg;
	struct tracker *bucket[DEFRAG_BUCKETS];
	struct tracker *oldest, *newest;
	size_t ntrackers;
	uint64_t mem;
	struct defrag_stats stats;
};

void defrag_config_defaults(struct defrag_config *c)
{
	c->timeout_sec = 60;
	c->memcap = 32u * 1024u * 1024u;
	c->max_trackers = 65535;
	c->policy = DEFRAG_POLICY_BSD;
}

bool defrag_policy_from_name(const char *name, enum defrag_policy *out)
{
	static const struct {
		const char *name;
		enum defrag_policy policy;
	} names[] = {
		{"bsd", DEFRAG_POLICY_BSD},       {"linux", DEFRAG_POLICY_LINUX},
		{"windows", DEFRAG_POLICY_WINDOWS}, {"solaris", DEFRAG_POLICY_SOLARIS},
		{"first", DEFRAG_POLICY_FIRST},   {"last", DEFRAG_POLICY_LAST},
		{"bsd-right", DEFRAG_POLICY_BSD_RIGHT}, {"bsd_right", DEFRAG_POLICY_BSD_RIGHT},
	};
	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i].name, name) == 0) {
			*out = names[i].policy;
			return true;
		}
	}
	return false;
}

void defrag_config_load(struct defrag_config *c, const struct config_node *root)
{
	if (root == NULL)
		return;
	int64_t timeout = config_get_int(root, "defrag.timeout", c->timeout_sec);
	if (timeout > 0 && timeout <= UINT32_MAX)
		c->timeout_sec = (uint32_t)timeout;
	c->memcap = config_get_size(root, "defrag.memcap", c->memcap);
	int64_t trackers = config_get_int(root, "defrag.trackers", c->max_trackers);
	if (trackers > 0 && trackers <= UINT32_MAX)
		c->max_trackers = (uint32_t)trackers;
	const char *policy = config_get_str(root, "defrag.policy", NULL);
	if (policy != NULL)
		defrag_policy_from_name(policy, &c->policy);
}

struct defrag_table *defrag_table_new(const struct defrag_config *c)
{
	struct defrag_table *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	if (c != NULL)
		t->cfg = *c;
	else
		defrag_config_defaults(&t->cfg);
	return t;
}

/* ---- trackers ---- */

static uint32_t tracker_hash(uint8_t version, uint32_t id, const struct ip_addr *src,
			     const struct ip_addr *dst)
{
	uint32_t h = 2166136261u ^ version;
	const uint8_t *parts[2] = {src->bytes, dst->bytes};
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 16; i++)
			h = (h ^ parts[k][i]) * 16777619u;
	}
	for (int i = 0; i < 4; i++)
		h = (h ^ ((id >> (8 * i)) & 0xff)) * 16777619u;
	return h;
}

static bool tracker_matches(const struct tracker *tr, const struct packet *p)
{
	if (tr->version != p->ip_version || tr->id != p->ip_id)
		return false;
	if (tr->version == 4 && tr->proto != p->proto)
		return false;
	if (tr->vlan_count != p->vlan_count)
		return false;
	for (uint8_t i = 0; i < tr->vlan_count; i++) {
		if (tr->vlan_id[i] != p->vlan_id[i])
			return false;
	}
	return memcmp(&tr->src, &p->src, sizeof(tr->src)) == 0 &&
	       memcmp(&tr->dst, &p->dst, sizeof(tr->dst)) == 0;
}

static void lru_unlink(struct defrag_table *t, struct tracker *tr)
{
	if (tr->older)
		tr->older->newer = tr->newer;
	else
		t->oldest = tr->newer;
	if (tr->newer)
		tr->newer->older = tr->older;
	else
		t->newest = tr->older;
	tr->older = tr->newer = NULL;
}

static void lru_push(struct defrag_table *t, struct tracker *tr)
{
	tr->older = t->newest;
	tr->newer = NULL;
	if (t->newest)
		t->newest->newer = tr;
	else
		t->oldest = tr;
	t->newest = tr;
}

static void tracker_free(struct defrag_table *t, struct tracker *tr)
{
	struct tracker **pp = &t->bucket[tr->hash % DEFRAG_BUCKETS];
	while (*pp != tr)
		pp = &(*pp)->hnext;
	*pp = tr->hnext;
	lru_unlink(t, tr);
	struct frag *f = tr->frags;
	while (f) {
		struct frag *next = f->next;
		free(f);
		f = next;
	}
	free(tr->hdr);
	free(tr->spans);
	t->mem -= tr->mem;
	t->ntrackers--;
	free(tr);
}

static bool mem_fits(const struct defrag_table *t, uint64_t more)
{
	return t->mem + more <= t->cfg.memcap;
}

static struct tracker *tracker_new(struct defrag_table *t, const struct packet *p, uint32_t h)
{
	uint64_t need = sizeof(struct tracker);
	if (t->ntrackers >= t->cfg.max_trackers) {
		t->stats.max_trackers_reached++;
		return NULL;
	}
	if (!mem_fits(t, need)) {
		t->stats.memcap_refusals++;
		return NULL;
	}
	struct tracker *tr = calloc(1, sizeof(*tr));
	if (tr == NULL)
		return NULL;
	tr->last_off = UINT32_MAX;
	tr->hash = h;
	tr->version = p->ip_version;
	tr->proto = p->proto;
	tr->id = p->ip_id;
	tr->src = p->src;
	tr->dst = p->dst;
	tr->vlan_count = p->vlan_count;
	memcpy(tr->vlan_id, p->vlan_id, sizeof(tr->vlan_id));
	tr->mem = need;
	t->mem += need;
	t->ntrackers++;
	tr->hnext = t->bucket[h % DEFRAG_BUCKETS];
	t->bucket[h % DEFRAG_BUCKETS] = tr;
	lru_push(t, tr);
	return tr;
}

/* Finds or creates the tracker; drops one that timed out first. */
static struct tracker *tracker_get(struct defrag_table *t, const struct packet *p)
{
	uint32_t h = tracker_hash(p->ip_version, p->ip_id, &p->src, &p->dst);
	struct tracker *tr = t->bucket[h % DEFRAG_BUCKETS];
	while (tr && !tracker_matches(tr, p))
		tr = tr->hnext;
	if (tr && p->ts_sec > tr->last_sec + (int64_t)t->cfg.timeout_sec) {
		tracker_free(t, tr);
		t->stats.timeouts++;
		tr = NULL;
	}
	if (tr == NULL) {
		defrag_expire(t, p->ts_sec);
		tr = tracker_new(t, p, h);
	}
	return tr;
}

void defrag_expire(struct defrag_table *t, int64_t now_sec)
{
	while (t->oldest && now_sec > t->oldest->last_sec + (int64_t)t->cfg.timeout_sec) {
		tracker_free(t, t->oldest);
		t->stats.timeouts++;
	}
}

void defrag_table_free(struct defrag_table *t)
{
	if (t == NULL)
		return;
	while (t->oldest)
		tracker_free(t, t->oldest);
	free(t);
}

/* ---- one fragment ---- */

/* Where a fragment's payload is, and the unfragmentable part before it. */
struct frag_view {
	const uint8_t *data;
	uint32_t off, len;
	bool more;
	uint32_t hdr_len; /* bytes of ip_hdr before the payload (IPv6: before the frag header) */
};

static bool frag_view(const struct packet *p, struct frag_view *v)
{
	if (!p->is_fragment || p->invalid || p->ip_hdr == NULL)
		return false;
	v->off = p->frag_offset;
	v->more = (p->frag_flags & FRAG_MF) != 0;
	if (p->ip_version == 4) {
		if (p->ip_hdr_len < IPV4_HDR_MIN || p->ip_len < p->ip_hdr_len)
			return false;
		v->data = p->ip_hdr + p->ip_hdr_len;
		v->len = p->ip_len - p->ip_hdr_len;
		v->hdr_len = p->ip_hdr_len;
		return true;
	}
	if (p->ip_version == 6 && p->ip6.frag_hdr != NULL) {
		const uint8_t *end = p->ip_hdr + p->ip_len;
		v->data = p->ip6.frag_hdr + FRAG_HDR_LEN;
		if (v->data > end)
			return false;
		v->len = (uint32_t)(end - v->data);
		v->hdr_len = (uint32_t)(p->ip6.frag_hdr - p->ip_hdr);
		return true;
	}
	return false;
}

/* IPv6: the offset of the next-header byte that names the fragment header. */
static uint32_t ipv6_frag_nh_offset(const uint8_t *hdr, uint32_t frag_hdr_off)
{
	uint32_t nh_off = 6, off = IPV6_HDR_LEN;
	uint8_t nh = hdr[6];
	while (off + 1 < frag_hdr_off) {
		uint32_t len = nh == IPPROTO_NUM_AH ? (hdr[off + 1] + 2u) * 4u : (hdr[off + 1] + 1u) * 8u;
		nh_off = off;
		nh = hdr[off];
		off += len;
	}
	return nh_off;
}

static bool tracker_keep_header(struct defrag_table *t, struct tracker *tr,
				const struct packet *p, const struct frag_view *v)
{
	if (tr->hdr != NULL || v->off != 0)
		return true;
	if (!mem_fits(t, v->hdr_len))
		return false;
	tr->hdr = malloc(v->hdr_len);
	if (tr->hdr == NULL)
		return false;
	memcpy(tr->hdr, p->ip_hdr, v->hdr_len);
	tr->hdr_len = v->hdr_len;
	if (p->ip_version == 6) {
		tr->nh_off = ipv6_frag_nh_offset(tr->hdr, v->hdr_len);
		tr->next_hdr = p->ip6.frag_hdr[0];
	}
	tr->mem += v->hdr_len;
	t->mem += v->hdr_len;
	return true;
}

static bool tracker_overlaps(const struct tracker *tr, const struct frag_view *v)
{
	for (const struct frag *f = tr->frags; f; f = f->next) {
		if (v->off < f->off + f->len && f->off < v->off + v->len)
			return true;
	}
	return false;
}

/* Makes room for one more span; false when the memcap or malloc refuses. */
static bool spans_reserve(struct defrag_table *t, struct tracker *tr)
{
	if (tr->nspans < tr->span_cap)
		return true;
	uint32_t cap = tr->span_cap ? tr->span_cap * 2 : 4;
	uint64_t more = (uint64_t)(cap - tr->span_cap) * sizeof(struct span);
	if (!mem_fits(t, more))
		return false;
	struct span *grown = realloc(tr->spans, cap * sizeof(*grown));
	if (grown == NULL)
		return false;
	tr->spans = grown;
	tr->span_cap = cap;
	tr->mem += more;
	t->mem += more;
	return true;
}

/* Merges [off, end) into the span list (room reserved), keeping `covered`. */
static void spans_merge(struct tracker *tr, uint32_t off, uint32_t end)
{
	struct span *sp = tr->spans;
	uint32_t i = 0;
	while (i < tr->nspans && sp[i].end < off)
		i++;
	uint32_t j = i, start = off, stop = end;
	while (j < tr->nspans && sp[j].start <= end) {
		if (sp[j].start < start)
			start = sp[j].start;
		if (sp[j].end > stop)
			stop = sp[j].end;
		tr->covered -= sp[j].end - sp[j].start;
		j++;
	}
	if (j == i) {
		memmove(&sp[i + 1], &sp[i], (tr->nspans - i) * sizeof(*sp));
		tr->nspans++;
	} else if (j > i + 1) {
		memmove(&sp[i + 1], &sp[j], (tr->nspans - j) * sizeof(*sp));
		tr->nspans -= j - i - 1;
	}
	sp[i] = (struct span){start, stop};
	tr->covered += stop - start;
}

static bool tracker_add(struct defrag_table *t, struct tracker *tr, const struct frag_view *v)
{
	uint64_t need = sizeof(struct frag) + v->len;
	if (!spans_reserve(t, tr) || !mem_fits(t, need)) {
		t->stats.memcap_refusals++;
		return false;
	}
	struct frag *f = malloc(sizeof(*f) + v->len);
	if (f == NULL)
		return false;
	f->next = NULL;
	f->off = v->off;
	f->len = v->len;
	memcpy(f->data, v->data, v->len);
	if (tr->last_frag)
		tr->last_frag->next = f;
	else
		tr->frags = f;
	tr->last_frag = f;
	tr->nfrags++;
	tr->mem += need;
	t->mem += need;
	spans_merge(tr, v->off, v->off + v->len);
	if (v->off + v->len > tr->end)
		tr->end = v->off + v->len;
	if (!v->more) {
		tr->seen_last = true;
		if (v->off < tr->last_off)
			tr->last_off = v->off;
	}
	return true;
}

/* ---- reassembly ---- */

/* Does the newer fragment n replace the older o's bytes where they overlap? */
static bool policy_newer_wins(enum defrag_policy policy, const struct frag *n,
			      const struct frag *o)
{
	uint32_t n_end = n->off + n->len, o_end = o->off + o->len;
	switch (policy) {
	case DEFRAG_POLICY_FIRST: return false;
	case DEFRAG_POLICY_LAST: return true;
	case DEFRAG_POLICY_BSD: return n->off < o->off;
	case DEFRAG_POLICY_LINUX: return n->off <= o->off;
	case DEFRAG_POLICY_WINDOWS: return n->off < o->off && n_end > o_end;
	case DEFRAG_POLICY_SOLARIS: return n->off < o->off && n_end >= o_end;
	case DEFRAG_POLICY_BSD_RIGHT: return n->off >= o->off;
	}
	return false;
}

/*
 * The datagram ends with the last fragment: as Suricata, fragments that
 * start after it take no part, and the length is the furthest end of the
 * fragments that do.
 */
static uint32_t reassembled_len(const struct tracker *tr)
{
	uint32_t total = 0;
	for (const struct frag *f = tr->frags; f; f = f->next) {
		if (f->off <= tr->last_off && f->off + f->len > total)
			total = f->off + f->len;
	}
	return total;
}

/* Fills out[0 .. total) byte by byte from the winning fragment. */
static bool reassemble_payload(const struct tracker *tr, enum defrag_policy policy,
			       uint8_t *out, uint32_t total)
{
	const struct frag **owner = calloc(total ? total : 1, sizeof(*owner));
	if (owner == NULL)
		return false;
	for (const struct frag *f = tr->frags; f; f = f->next) {
		if (f->off > tr->last_off)
			continue;
		for (uint32_t b = f->off; b < f->off + f->len; b++) {
			if (owner[b] == NULL || policy_newer_wins(policy, f, owner[b]))
				owner[b] = f;
		}
	}
	for (uint32_t b = 0; b < total; b++)
		out[b] = owner[b] ? owner[b]->data[b - owner[b]->off] : 0;
	free(owner);
	return true;
}

static uint16_t ipv4_header_checksum(const uint8_t *h, uint32_t len)
{
	uint32_t sum = 0;
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += rd16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void fix_header(const struct tracker *tr, uint8_t *buf, uint32_t total)
{
	if (tr->version == 4) {
		buf[2] = (uint8_t)(total >> 8);
		buf[3] = (uint8_t)total;
		buf[6] = 0;
		buf[7] = 0;
		buf[10] = 0;
		buf[11] = 0;
		uint16_t sum = ipv4_header_checksum(buf, tr->hdr_len);
		buf[10] = (uint8_t)(sum >> 8);
		buf[11] = (uint8_t)sum;
		return;
	}
	uint32_t plen = total - IPV6_HDR_LEN;
	buf[4] = (uint8_t)(plen >> 8);
	buf[5] = (uint8_t)plen;
	buf[tr->nh_off] = tr->next_hdr;
}

static bool tracker_complete(const struct tracker *tr)
{
	return tr->seen_last && tr->hdr != NULL && tr->covered == tr->end;
}

static bool tracker_build(struct defrag_table *t, struct tracker *tr, struct defrag_result *out)
{
	uint32_t payload = reassembled_len(tr);
	uint32_t total = tr->hdr_len + payload;
	if (total > DEFRAG_MAX_LEN + (tr->version == 6 ? IPV6_HDR_LEN : 0))
		return false;
	uint8_t *buf = malloc(total);
	if (buf == NULL)
		return false;
	memcpy(buf, tr->hdr, tr->hdr_len);
	if (!reassemble_payload(tr, t->cfg.policy, buf + tr->hdr_len, payload)) {
		free(buf);
		return false;
	}
	fix_header(tr, buf, total);
	out->data = buf;
	out->len = total;
	return true;
}

static bool frag_too_large(struct packet *p, const struct frag_view *v)
{
	uint32_t end = v->off + v->len;
	/* Suricata counts a bare 20-byte header here, whatever the options. */
	if (p->ip_version == 4 && IPV4_HDR_MIN + end > DEFRAG_MAX_LEN) {
		decode_set_event(p, DECODE_EV_IPV4_FRAG_PKT_TOO_LARGE);
		return true;
	}
	if (p->ip_version == 6 && end > DEFRAG_MAX_LEN) {
		decode_set_event(p, DECODE_EV_IPV6_FRAG_PKT_TOO_LARGE);
		return true;
	}
	return false;
}

bool defrag_packet(struct defrag_table *t, struct packet *p, struct defrag_result *out)
{
	struct frag_view v;
	out->data = NULL;
	out->len = 0;
	if (!frag_view(p, &v))
		return false;
	if (p->ip_version == 4)
		t->stats.ipv4_fragments++;
	else
		t->stats.ipv6_fragments++;
	if (frag_too_large(p, &v)) {
		t->stats.too_large++;
		return false;
	}
	struct tracker *tr = tracker_get(t, p);
	if (tr == NULL)
		return false;
	tr->last_sec = p->ts_sec;
	lru_unlink(t, tr);
	lru_push(t, tr);
	if (tracker_overlaps(tr, &v)) {
		decode_set_event(p, p->ip_version == 4 ? DECODE_EV_IPV4_FRAG_OVERLAP
						       : DECODE_EV_IPV6_FRAG_OVERLAP);
		t->stats.overlaps++;
	}
	if (!tracker_keep_header(t, tr, p, &v)) {
		t->stats.memcap_refusals++;
		return false;
	}
	if (v.len > 0 && !tracker_add(t, tr, &v))
		return false;
	if (v.len == 0 && !v.more) {
		tr->seen_last = true;
		if (v.off < tr->last_off)
			tr->last_off = v.off;
	}
	if (!tracker_complete(tr))
		return false;
	bool ok = tracker_build(t, tr, out);
	if (ok) {
		if (tr->version == 4)
			t->stats.ipv4_reassembled++;
		else
			t->stats.ipv6_reassembled++;
	}
	tracker_free(t, tr);
	return ok;
}

void defrag_result_release(struct defrag_result *r)
{
	if (r == NULL)
		return;
	free(r->data);
	r->data = NULL;
	r->len = 0;
}

const struct defrag_stats *defrag_table_stats(const struct defrag_table *t)
{
	return &t->stats;
}

uint64_t defrag_table_memuse(const struct defrag_table *t)
{
	return t->mem;
}

size_t defrag_table_trackers(const struct defrag_table *t)
{
	return t->ntrackers;
}

/* Writes one counter unless it is zero and zeros are not wanted. */
static void defrag_counter(struct json *j, bool zeros, const char *key, uint64_t v)
{
	if (v || zeros)
		json_uint(j, key, v);
}

void defrag_stats_json_opt(struct json *j, const struct defrag_stats *s, bool zeros)
{
	bool v4 = s->ipv4_fragments || s->ipv4_reassembled;
	bool v6 = s->ipv6_fragments || s->ipv6_reassembled;
	bool any = v4 || v6 || s->max_trackers_reached || s->memcap_refusals || s->timeouts;
	if (!any && !zeros)
		return;
	json_open_object(j, "defrag");
	if (v4 || zeros) {
		json_open_object(j, "ipv4");
		defrag_counter(j, zeros, "fragments", s->ipv4_fragments);
		defrag_counter(j, zeros, "reassembled", s->ipv4_reassembled);
		json_close_object(j);
	}
	if (v6 || zeros) {
		json_open_object(j, "ipv6");
		defrag_counter(j, zeros, "fragments", s->ipv6_fragments);
		defrag_counter(j, zeros, "reassembled", s->ipv6_reassembled);
		json_close_object(j);
	}
	defrag_counter(j, zeros, "max_trackers_reached", s->max_trackers_reached);
	defrag_counter(j, zeros, "max_frags_reached", 0);
	defrag_counter(j, zeros, "memcap_exception", s->memcap_refusals);
	if (s->timeouts || zeros) {
		json_open_object(j, "mgr");
		defrag_counter(j, zeros, "tracker_timeout", s->timeouts);
		json_close_object(j);
	}
	json_close_object(j);
}

void defrag_stats_json(struct json *j, const struct defrag_stats *s)
{
	defrag_stats_json_opt(j, s, true);
}
