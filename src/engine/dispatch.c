/*
 * dispatch — see dispatch.h.  Each worker has a ring of QUEUE_DEPTH batch
 * slots guarded by one mutex; the reader fills a batch privately and only
 * takes the lock to push it.  Spent batches go back to the reader through
 * the worker's free list, so batches are allocated once.
 */
#include "engine/dispatch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_FRAMES 256
#define BATCH_BYTES (512 * 1024)
#define QUEUE_DEPTH 8

struct batch {
	struct capture_frame frames[BATCH_FRAMES];
	unsigned n;
	size_t used;
	uint8_t *buf;
	bool stop;
};

struct lane {
	struct worker *worker;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct batch *queue[QUEUE_DEPTH];
	unsigned head, count;
	struct batch *free_list[QUEUE_DEPTH + 2];
	unsigned nfree;
	struct batch *filling; /* reader side only */
	bool started;
	double cpu_s; /* the thread's CPU time, set when it stops */
};

struct dispatch {
	struct lane lanes[ENGINE_MAX_WORKERS];
	unsigned n;
	int64_t tick_sec; /* second of packet time last announced to all lanes */
	bool ticked;
};

static struct batch *batch_new(void)
{
	struct batch *b = calloc(1, sizeof(*b));
	if (b && !(b->buf = malloc(BATCH_BYTES))) {
		free(b);
		return NULL;
	}
	return b;
}

static void batch_free(struct batch *b)
{
	if (b) {
		free(b->buf);
		free(b);
	}
}

static void *lane_main(void *arg)
{
	struct lane *l = arg;
	char name[16];
	snprintf(name, sizeof(name), "vigil-w%u", l->worker->id);
	pthread_setname_np(pthread_self(), name); /* for top and perf */
	for (;;) {
		pthread_mutex_lock(&l->lock);
		while (l->count == 0)
			pthread_cond_wait(&l->cond, &l->lock);
		struct batch *b = l->queue[l->head];
		l->head = (l->head + 1) % QUEUE_DEPTH;
		l->count--;
		pthread_cond_broadcast(&l->cond);
		pthread_mutex_unlock(&l->lock);

		bool stop = b->stop;
		for (unsigned i = 0; i < b->n; i++)
			worker_process_frame(l->worker, &b->frames[i]);
		worker_publish(l->worker);
		b->n = 0;
		b->used = 0;
		b->stop = false;

		pthread_mutex_lock(&l->lock);
		l->free_list[l->nfree++] = b;
		pthread_cond_broadcast(&l->cond);
		pthread_mutex_unlock(&l->lock);
		if (stop) {
			struct timespec ts;
			if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
				l->cpu_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
			return NULL;
		}
	}
}

static void lane_push(struct lane *l, struct batch *b)
{
	pthread_mutex_lock(&l->lock);
	while (l->count == QUEUE_DEPTH)
		pthread_cond_wait(&l->cond, &l->lock);
	l->queue[(l->head + l->count) % QUEUE_DEPTH] = b;
	l->count++;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

/* A batch for the reader to fill: a recycled one, or a new one while the
 * lane has fewer than its share in circulation. */
static struct batch *lane_take_free(struct lane *l)
{
	pthread_mutex_lock(&l->lock);
	while (l->nfree == 0)
		pthread_cond_wait(&l->cond, &l->lock);
	struct batch *b = l->free_list[--l->nfree];
	pthread_mutex_unlock(&l->lock);
	return b;
}

struct dispatch *dispatch_start(struct worker **workers, unsigned n)
{
	struct dispatch *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->n = n;
	for (unsigned i = 0; i < n; i++) {
		pthread_mutex_init(&d->lanes[i].lock, NULL);
		pthread_cond_init(&d->lanes[i].cond, NULL);
	}
	for (unsigned i = 0; i < n; i++) {
		struct lane *l = &d->lanes[i];
		l->worker = workers[i];
		for (unsigned k = 0; k < QUEUE_DEPTH + 1; k++) {
			struct batch *b = batch_new();
			if (!b)
				goto fail;
			l->free_list[l->nfree++] = b;
		}
		l->filling = l->free_list[--l->nfree];
		if (pthread_create(&l->thread, NULL, lane_main, l) != 0)
			goto fail;
		l->started = true;
	}
	return d;
fail:
	dispatch_finish(d, NULL);
	return NULL;
}

/* Symmetric in the two addresses (XOR and sum of each byte pair). */
static unsigned route_hash(const uint8_t *a, const uint8_t *b, size_t alen, const uint16_t *vlan,
			   int nvlan, unsigned nworkers)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < alen; i++) {
		h = (h ^ (uint32_t)(a[i] ^ b[i])) * 16777619u;
		h = (h ^ (uint32_t)(a[i] + b[i])) * 16777619u;
	}
	for (int i = 0; i < nvlan; i++)
		h = (h ^ vlan[i]) * 16777619u;
	h ^= h >> 15;
	return h % nworkers;
}

static uint16_t be16(const uint8_t *d)
{
	return (uint16_t)(d[0] << 8 | d[1]);
}

/*
 * The reader's cheap path: Ethernet, up to DECODE_MAX_VLAN VLAN tags,
 * then an IPv4 header without options or an IPv6 header whose next
 * header is TCP or UDP, checked as the decoder checks them, so the
 * addresses are the ones decode_packet() would give.  Anything else
 * (options, ICMP that may quote another flow, extension headers, other
 * link types) returns false and is decoded in full.
 */
static bool route_fast(const struct capture_frame *fr, unsigned nworkers, unsigned *lane)
{
	const uint8_t *d = fr->data;
	uint32_t len = fr->caplen;
	if (fr->linktype != 1 /* DLT_EN10MB */ || len < 14)
		return false;
	uint16_t vlan[DECODE_MAX_VLAN];
	int nvlan = 0;
	uint16_t type = be16(d + 12);
	d += 14;
	len -= 14;
	while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
		if (len < 4 || nvlan == DECODE_MAX_VLAN)
			return false;
		vlan[nvlan++] = be16(d) & 0x0fff;
		type = be16(d + 2);
		d += 4;
		len -= 4;
	}
	if (type == 0x0800) {
		if (len < 20 || d[0] != 0x45 || be16(d + 2) < 20 || len < be16(d + 2) || d[9] == 1)
			return false;
		*lane = route_hash(d + 12, d + 16, 4, vlan, nvlan, nworkers);
		return true;
	}
	if (type == 0x86dd) {
		if (len < 40 || (d[0] >> 4) != 6 || len < 40u + be16(d + 4) || (d[6] != 6 && d[6] != 17))
			return false;
		*lane = route_hash(d + 8, d + 24, 16, vlan, nvlan, nworkers);
		return true;
	}
	return false;
}

/*
 * Symmetric hash of the outermost IP pair and VLAN ids (so a fragment
 * goes where its datagram's flow is); an ICMP error that quotes a TCP or
 * UDP datagram goes with the flow of that datagram, as the flow table
 * files it; frames without IP go to lane 0.
 */
unsigned dispatch_route(const struct capture_frame *fr, unsigned nworkers)
{
	if (nworkers <= 1)
		return 0;
	unsigned lane;
	if (route_fast(fr, nworkers, &lane))
		return lane;
	struct packet p;
	struct decode_stats scratch;
	memset(&scratch, 0, sizeof(scratch));
	decode_packet_reset(&p);
	p.data = fr->data;
	p.len = fr->caplen;
	p.linktype = fr->linktype;
	(void)decode_packet(&p, &scratch); /* an invalid layer above IP keeps its addresses */
	if (p.ip_version == 0)
		return 0;
	const struct ip_addr *a = &p.src, *b = &p.dst;
	bool icmp = p.proto == 1 || p.proto == 58;
	if (icmp && p.icmp.has_inner && (p.icmp.inner_proto == 6 || p.icmp.inner_proto == 17) &&
	    p.icmp.inner_src.family == p.src.family) {
		a = &p.icmp.inner_src;
		b = &p.icmp.inner_dst;
	}
	return route_hash(a->bytes, b->bytes, p.ip_version == 6 ? 16 : 4, p.vlan_id,
			  p.vlan_count, nworkers);
}

static void lane_add(struct lane *l, const struct capture_frame *fr)
{
	struct batch *b = l->filling;
	uint32_t len = fr->data ? fr->caplen : 0;
	if (len > BATCH_BYTES)
		len = BATCH_BYTES; /* larger than any snaplen libpcap accepts */
	if (b->n == BATCH_FRAMES || b->used + len > BATCH_BYTES) {
		lane_push(l, b);
		b = l->filling = lane_take_free(l);
	}
	struct capture_frame *slot = &b->frames[b->n++];
	*slot = *fr;
	if (fr->data) {
		memcpy(b->buf + b->used, fr->data, len);
		slot->data = b->buf + b->used;
		slot->caplen = len;
		b->used += len;
	}
}

/*
 * Workers keep packet time by the frames they see.  So that every worker
 * runs its timeouts at the same point of the input as a single worker
 * would, each new second of packet time is announced to all lanes as a
 * tick (a frame without data) ahead of the frame that starts it.
 */
void dispatch_frame(struct dispatch *d, const struct capture_frame *fr)
{
	if (!d->ticked || fr->ts_sec != d->tick_sec) {
		struct capture_frame tick = *fr;
		tick.data = NULL;
		tick.caplen = tick.wirelen = 0;
		for (unsigned i = 0; i < d->n; i++)
			lane_add(&d->lanes[i], &tick);
		d->tick_sec = fr->ts_sec;
		d->ticked = true;
	}
	lane_add(&d->lanes[dispatch_route(fr, d->n)], fr);
}

void dispatch_finish(struct dispatch *d, double *cpu_s)
{
	if (!d)
		return;
	for (unsigned i = 0; i < d->n; i++) {
		struct lane *l = &d->lanes[i];
		if (!l->started)
			continue;
		l->filling->stop = true;
		lane_push(l, l->filling);
		l->filling = NULL;
		pthread_join(l->thread, NULL);
		if (cpu_s != NULL)
			cpu_s[i] = l->cpu_s;
	}
	for (unsigned i = 0; i < d->n; i++) {
		struct lane *l = &d->lanes[i];
		batch_free(l->filling);
		for (unsigned k = 0; k < l->nfree; k++)
			batch_free(l->free_list[k]);
		pthread_mutex_destroy(&l->lock);
		pthread_cond_destroy(&l->cond);
	}
	free(d);
}
