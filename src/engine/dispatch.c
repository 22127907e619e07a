/*
 * dispatch — see dispatch.h.  Each worker has a ring of QUEUE_DEPTH batch
 * slots guarded by one mutex; the reader fills a batch privately and only
 * takes the lock to push it.  Spent batches go back to the reader through
 * the worker's free list, so batches are allocated once.
 */
#include "engine/dispatch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
		if (stop)
			return NULL;
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
	dispatch_finish(d);
	return NULL;
}

/* Symmetric hash of the outermost IP pair; frames without IP go to lane 0. */
unsigned dispatch_route(const struct capture_frame *fr, unsigned nworkers)
{
	if (nworkers <= 1)
		return 0;
	struct packet p;
	struct decode_stats scratch;
	memset(&scratch, 0, sizeof(scratch));
	decode_packet_reset(&p);
	p.data = fr->data;
	p.len = fr->caplen;
	p.linktype = fr->linktype;
	if (!decode_packet(&p, &scratch) || p.ip_version == 0)
		return 0;
	uint32_t h = 2166136261u;
	size_t alen = p.ip_version == 6 ? 16 : 4;
	for (size_t i = 0; i < alen; i++) {
		/* XOR of both ends is order independent: symmetric. */
		h = (h ^ (uint32_t)(p.src.bytes[i] ^ p.dst.bytes[i])) * 16777619u;
		h = (h ^ (uint32_t)(p.src.bytes[i] + p.dst.bytes[i])) * 16777619u;
	}
	for (int i = 0; i < p.vlan_count; i++)
		h = (h ^ p.vlan_id[i]) * 16777619u;
	h ^= h >> 15;
	return h % nworkers;
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

void dispatch_finish(struct dispatch *d)
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
