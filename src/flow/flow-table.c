/*
 * flow-table — the per-worker hash table of flows; see flow.h.
 *
 * Buckets are singly linked chains.  Besides the hash, each flow sits on
 * one LRU list per (protocol class, timeout class), ordered by last packet
 * time: a flow's expiry is last + timeout(list), and since every flow on a
 * list shares that timeout, expiry walks each list from its head and stops
 * at the first live flow.  Invariant: a flow is on exactly one LRU list,
 * the one matching flow_lru_class(f), and on exactly one hash chain.
 */
#include "flow/flow-internal.h"

#include <stdlib.h>
#include <string.h>

#define FLOW_LISTS (FLOW_P_MAX * FLOW_TO_MAX)

struct flow_list {
	struct flow *head, *tail;
};

struct flow_table {
	struct flow_config cfg;
	struct flow **buckets;
	uint32_t mask;
	struct flow_list lru[FLOW_LISTS];
	flow_end_fn on_end;
	void *arg;
	flow_reuse_fn reuse;
	void *reuse_arg;
	bool emergency;
	int64_t now_sec;
	uint32_t now_usec;
	struct flow_stats stats;
};

void flow_config_defaults(struct flow_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memcap = 128ull * 1024 * 1024;
	cfg->hash_size = 65536;
	cfg->emergency_recovery = 30;
	/* Suricata's defaults (suricata.yaml flow-timeouts). */
	static const uint32_t def[FLOW_P_MAX][2][FLOW_TO_MAX] = {
		[FLOW_P_TCP] = {{60, 600, 60}, {5, 100, 10}},
		[FLOW_P_UDP] = {{30, 300, 0}, {10, 100, 0}},
		[FLOW_P_ICMP] = {{30, 300, 0}, {10, 100, 0}},
		[FLOW_P_OTHER] = {{30, 300, 0}, {10, 100, 0}},
	};
	for (int p = 0; p < FLOW_P_MAX; p++)
		for (int c = 0; c < FLOW_TO_MAX; c++) {
			cfg->timeouts[p].secs[c] = def[p][0][c];
			cfg->timeouts[p].emergency_secs[c] = def[p][1][c];
		}
}

static uint32_t round_pow2(uint32_t v)
{
	uint32_t r = 1024;
	while (r < v && r < (1u << 28))
		r <<= 1;
	return r;
}

struct flow_table *flow_table_new(const struct flow_config *cfg, flow_end_fn on_end, void *arg)
{
	struct flow_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (cfg)
		t->cfg = *cfg;
	else
		flow_config_defaults(&t->cfg);
	if (!t->cfg.memcap)
		t->cfg.memcap = 128ull * 1024 * 1024;
	uint32_t n = round_pow2(t->cfg.hash_size ? t->cfg.hash_size : 65536);
	t->buckets = calloc(n, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	t->mask = n - 1;
	t->on_end = on_end;
	t->arg = arg;
	t->stats.memuse = (uint64_t)n * sizeof(*t->buckets);
	return t;
}

static enum flow_proto_class proto_class(uint8_t proto)
{
	switch (proto) {
	case 6: return FLOW_P_TCP;
	case 17: return FLOW_P_UDP;
	case 1:
	case 58: return FLOW_P_ICMP;
	default: return FLOW_P_OTHER;
	}
}

static uint8_t lru_class(const struct flow *f)
{
	enum flow_timeout_class tc = f->state == FLOW_STATE_NEW ? FLOW_TO_NEW
				     : f->state == FLOW_STATE_ESTABLISHED ? FLOW_TO_ESTABLISHED
									  : FLOW_TO_CLOSED;
	return (uint8_t)(proto_class(f->proto) * FLOW_TO_MAX + tc);
}

static void lru_unlink(struct flow_table *t, struct flow *f)
{
	struct flow_list *l = &t->lru[f->lru_class];
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		l->head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		l->tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_append(struct flow_table *t, struct flow *f)
{
	f->lru_class = lru_class(f);
	struct flow_list *l = &t->lru[f->lru_class];
	f->lru_prev = l->tail;
	f->lru_next = NULL;
	if (l->tail)
		l->tail->lru_next = f;
	else
		l->head = f;
	l->tail = f;
}

static void hash_unlink(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->buckets[f->hash & t->mask];
	while (*pp && *pp != f)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = f->hash_next;
}

static void flow_end(struct flow_table *t, struct flow *f, enum flow_end_reason why)
{
	hash_unlink(t, f);
	lru_unlink(t, f);
	switch (why) {
	case FLOW_END_TIMEOUT: t->stats.timeout++; break;
	case FLOW_END_FORCED: t->stats.forced++; break;
	case FLOW_END_SHUTDOWN: t->stats.shutdown++; break;
	}
	if (t->on_end)
		t->on_end(f, why, t->arg);
	t->stats.active--;
	t->stats.memuse -= sizeof(*f);
	free(f);
}

/*
 * The flow id mixes the flow's hash with its start time (as Suricata does),
 * so it does not depend on which worker owns the flow or in what order
 * flows were created: `single` and `workers` runs give the same ids.  The
 * mix is a bijection on 51 bits, so ids only collide when hash and start
 * microsecond bits both do.
 */
static uint64_t flow_id_make(uint32_t hash, int64_t start_sec, uint32_t start_usec)
{
	const uint64_t m = (1ull << 51) - 1;
	uint64_t us = (uint64_t)start_sec * 1000000u + start_usec;
	uint64_t x = ((uint64_t)hash << 19 | (us & 0x7ffff)) & m;
	x = (x * 0x5bd1e9955bd1e995ull) & m; /* odd multiplier: invertible mod 2^51 */
	x ^= x >> 26;
	x = (x * 0x27d4eb2f165667c5ull) & m;
	x ^= x >> 23;
	return x ? x : 1;
}

static uint32_t timeout_of(const struct flow_table *t, uint8_t list)
{
	const struct flow_timeouts *to = &t->cfg.timeouts[list / FLOW_TO_MAX];
	return t->emergency ? to->emergency_secs[list % FLOW_TO_MAX] : to->secs[list % FLOW_TO_MAX];
}

static bool expired(const struct flow *f, uint32_t timeout, int64_t now_sec, uint32_t now_usec)
{
	int64_t end = f->last_sec + timeout;
	return end < now_sec || (end == now_sec && f->last_usec < now_usec);
}

void flow_table_expire(struct flow_table *t, int64_t now_sec, uint32_t now_usec)
{
	for (uint8_t l = 0; l < FLOW_LISTS; l++) {
		uint32_t timeout = timeout_of(t, l);
		struct flow *f;
		while ((f = t->lru[l].head) != NULL && expired(f, timeout, now_sec, now_usec))
			flow_end(t, f, FLOW_END_TIMEOUT);
	}
	if (t->emergency &&
	    t->stats.memuse * 100 < t->cfg.memcap * (100 - t->cfg.emergency_recovery)) {
		t->emergency = false;
		t->stats.emerg_mode_over++;
	}
}

/* Frees room for one more flow: emergency timeouts first, then the least
 * recently used flows of any list. Returns false if nothing could go. */
static bool make_room(struct flow_table *t)
{
	if (!t->emergency) {
		t->emergency = true;
		t->stats.emerg_mode_entered++;
	}
	flow_table_expire(t, t->now_sec, t->now_usec);
	if (t->stats.memuse + sizeof(struct flow) <= t->cfg.memcap)
		return true;
	/* Evict the oldest flows until a handful of slots are free. */
	for (int n = 0; n < 16; n++) {
		struct flow *oldest = NULL;
		for (int l = 0; l < FLOW_LISTS; l++) {
			struct flow *h = t->lru[l].head;
			if (h && (!oldest || h->last_sec < oldest->last_sec ||
				  (h->last_sec == oldest->last_sec && h->last_usec < oldest->last_usec)))
				oldest = h;
		}
		if (!oldest)
			break;
		flow_end(t, oldest, FLOW_END_FORCED);
	}
	return t->stats.memuse + sizeof(struct flow) <= t->cfg.memcap;
}

static struct flow *flow_create(struct flow_table *t, const struct flow_key *k,
				const struct packet *p, uint32_t hash)
{
	if (t->stats.memuse + sizeof(struct flow) > t->cfg.memcap && !make_room(t)) {
		t->stats.memcap_refused++;
		return NULL;
	}
	struct flow *f = calloc(1, sizeof(*f));
	if (!f) {
		t->stats.memcap_refused++;
		return NULL;
	}
	f->src = k->src;
	f->dst = k->dst;
	f->sp = k->sp;
	f->dp = k->dp;
	f->proto = k->proto;
	f->tunnel_depth = k->tunnel_depth;
	f->vlan_count = k->vlan_count;
	memcpy(f->vlan_id, k->vlan_id, sizeof(f->vlan_id));
	f->hash = hash;
	f->flow_id = flow_id_make(hash, p->ts_sec, p->ts_usec);
	f->start_sec = f->last_sec = p->ts_sec;
	f->start_usec = f->last_usec = p->ts_usec;
	f->state = FLOW_STATE_NEW;
	if (p->proto == 1 || p->proto == 58) {
		f->icmp_type = p->icmp.type;
		f->icmp_code = p->icmp.code;
	}
	f->hash_next = t->buckets[hash & t->mask];
	t->buckets[hash & t->mask] = f;
	lru_append(t, f);

	t->stats.memuse += sizeof(*f);
	t->stats.total++;
	t->stats.active++;
	if (t->stats.active > t->stats.active_max)
		t->stats.active_max = t->stats.active;
	switch (f->proto) {
	case 6: t->stats.tcp++; break;
	case 17: t->stats.udp++; break;
	case 1: t->stats.icmpv4++; break;
	case 58: t->stats.icmpv6++; break;
	default: t->stats.other++; break;
	}
	return f;
}

static struct flow *flow_lookup(struct flow_table *t, const struct flow_key *k, uint32_t hash,
				int *dir)
{
	for (struct flow *f = t->buckets[hash & t->mask]; f; f = f->hash_next) {
		if (f->hash != hash)
			continue;
		int m = flow_key_match(f, k);
		if (m) {
			*dir = m;
			return f;
		}
	}
	return NULL;
}

static void flow_account(struct flow *f, const struct packet *p, bool toserver, bool icmp_error)
{
	if (toserver) {
		f->pkts_toserver++;
		f->bytes_toserver += p->len;
	} else {
		if (!f->seen_toclient && (p->proto == 1 || p->proto == 58) && !icmp_error) {
			f->icmp_resp_type = p->icmp.type;
			f->icmp_resp_code = p->icmp.code;
		}
		f->pkts_toclient++;
		f->bytes_toclient += p->len;
		f->seen_toclient = true;
	}
	if (p->ts_sec > f->last_sec || (p->ts_sec == f->last_sec && p->ts_usec > f->last_usec)) {
		f->last_sec = p->ts_sec;
		f->last_usec = p->ts_usec;
	}
	/* TCP state belongs to the stream stage; other protocols are
	 * established once both sides have spoken. */
	if (f->proto != 6 && f->seen_toclient && f->pkts_toserver)
		f->state = FLOW_STATE_ESTABLISHED;
}

struct flow *flow_table_handle_packet(struct flow_table *t, struct packet *p)
{
	p->flow = NULL;
	if (p->ip_version == 0 || p->is_fragment || p->invalid)
		return NULL;
	if (p->ts_sec > t->now_sec || (p->ts_sec == t->now_sec && p->ts_usec > t->now_usec)) {
		t->now_sec = p->ts_sec;
		t->now_usec = p->ts_usec;
	}
	struct flow_key k;
	flow_key_from_packet(p, &k);
	uint32_t hash = flow_key_hash(&k);
	int dir = 1;
	struct flow *f = flow_lookup(t, &k, hash, &dir);
	if (f && t->reuse && t->reuse(f, p, t->reuse_arg)) {
		flow_end(t, f, FLOW_END_TIMEOUT);
		f = NULL;
	}
	if (!f) {
		if (k.icmp_error)
			return NULL; /* an error about a flow we never saw starts none */
		f = flow_create(t, &k, p, hash);
		if (!f)
			return NULL;
		dir = 1;
	}
	bool toserver = dir > 0;
	/* An ICMP error matched on the datagram it quotes travels back towards
	 * that datagram's sender: its direction comes from its own source. */
	if (k.icmp_error)
		toserver = memcmp(p->src.bytes, f->src.bytes, sizeof(p->src.bytes)) == 0;
	flow_account(f, p, toserver, k.icmp_error);
	/* Move to the tail of its (possibly new) list: last-seen order holds. */
	lru_unlink(t, f);
	lru_append(t, f);
	p->flow = f;
	p->flow_toserver = toserver;
	p->flow_hash = hash;
	/* The stream stage has not seen this packet yet: tcp_state is the
	 * session's state before it. */
	p->flow_established = f->proto == 6 ? f->tcp_state >= TCP_STATE_ESTABLISHED
					    : f->state == FLOW_STATE_ESTABLISHED;
	return f;
}

void flow_table_flush(struct flow_table *t)
{
	for (int l = 0; l < FLOW_LISTS; l++) {
		struct flow *f;
		while ((f = t->lru[l].head) != NULL)
			flow_end(t, f, FLOW_END_SHUTDOWN);
	}
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	flow_table_flush(t);
	free(t->buckets);
	free(t);
}

void flow_table_set_reuse_check(struct flow_table *t, flow_reuse_fn fn, void *arg)
{
	t->reuse = fn;
	t->reuse_arg = arg;
}

void flow_table_refile(struct flow_table *t, struct flow *f)
{
	/* The flow just saw a packet, so the tail of its new list keeps that
	 * list in last-seen order. */
	if (f->lru_class != lru_class(f)) {
		lru_unlink(t, f);
		lru_append(t, f);
	}
}

const struct flow_stats *flow_table_stats(const struct flow_table *t)
{
	return &t->stats;
}

#define SWAP(type, a, b)                                                                          \
	do {                                                                                       \
		type tmp_ = (a);                                                                   \
		(a) = (b);                                                                         \
		(b) = tmp_;                                                                        \
	} while (0)

/* Suricata's FlowSwap: the side first seen turns out to be the responder.
 * The key is symmetric, so the flow stays in its bucket; everything kept
 * per direction changes sides. */
void flow_swap(struct flow *f)
{
	SWAP(struct ip_addr, f->src, f->dst);
	SWAP(uint16_t, f->sp, f->dp);
	SWAP(uint64_t, f->pkts_toserver, f->pkts_toclient);
	SWAP(uint64_t, f->bytes_toserver, f->bytes_toclient);
	SWAP(uint8_t, f->tcp_flags_ts, f->tcp_flags_tc);
	SWAP(uint8_t, f->icmp_type, f->icmp_resp_type);
	SWAP(uint8_t, f->icmp_code, f->icmp_resp_code);
	f->seen_toclient = f->pkts_toclient > 0;
	f->drop_logged = (uint8_t)(((f->drop_logged & 1) << 1) | ((f->drop_logged & 2) >> 1));
}

#undef SWAP

const char *flow_state_name(enum flow_state s)
{
	switch (s) {
	case FLOW_STATE_NEW: return "new";
	case FLOW_STATE_ESTABLISHED: return "established";
	case FLOW_STATE_CLOSED: return "closed";
	}
	return "unknown";
}

const char *flow_tcp_state_name(enum tcp_state s)
{
	static const char *const names[] = {
		[TCP_STATE_NONE] = "none",
		[TCP_STATE_SYN_SENT] = "syn_sent",
		[TCP_STATE_SYN_RECV] = "syn_recv",
		[TCP_STATE_ESTABLISHED] = "established",
		[TCP_STATE_FIN_WAIT1] = "fin_wait1",
		[TCP_STATE_FIN_WAIT2] = "fin_wait2",
		[TCP_STATE_TIME_WAIT] = "time_wait",
		[TCP_STATE_LAST_ACK] = "last_ack",
		[TCP_STATE_CLOSE_WAIT] = "close_wait",
		[TCP_STATE_CLOSING] = "closing",
		[TCP_STATE_CLOSED] = "closed",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

const char *flow_end_reason_name(enum flow_end_reason r)
{
	switch (r) {
	case FLOW_END_TIMEOUT: return "timeout";
	case FLOW_END_FORCED: return "forced";
	case FLOW_END_SHUTDOWN: return "shutdown";
	}
	return "unknown";
}
