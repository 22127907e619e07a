/*
 * nfq — inline capture through NFQUEUE (libnetfilter_queue); see capture.h.
 *
 * The kernel holds every packet an iptables/nftables NFQUEUE rule sends to
 * queue `queue` until vigil gives its verdict, so each frame handed out by
 * capture_nfq_next() owes one: ACCEPT lets it go on, DROP discards it.  A
 * frame is the IP datagram alone (no link layer): link type RAW.
 *
 * Verdicts are batched as Suricata's `batchcount`: accepts are held back
 * and sent as one nfq_set_verdict_batch() (which covers every packet id up
 * to the last one) when `batch` of them are pending, before any drop (so
 * the batch never covers the dropped id), and before the handle waits for
 * more packets — the kernel is never left holding an accepted packet while
 * vigil sleeps.  A frame whose verdict was never given is accepted when the
 * next one is asked for.
 *
 * One recv() brings one netlink message, normally one packet; the callback
 * records the packets of a message in `pending` (pointers into `buf`, valid
 * until the next recv), and they are handed out in order.  ENOBUFS from the
 * socket means the kernel dropped packets it could not queue to us: counted
 * as kernel drops, and the run goes on.
 */
#include "capture/capture.h"
#include "capture/live-backends.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#define NFQ_BUF_SIZE (65536 + 4096)
#define NFQ_MAX_PENDING 64
#define LINKTYPE_RAW_IP 101

struct nfq_pending {
	uint32_t id;
	const uint8_t *data;
	uint32_t len;
	int64_t sec;
	uint32_t usec;
};

struct capture_live_nfq {
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	int fd;
	uint8_t *buf;
	struct nfq_pending pending[NFQ_MAX_PENDING];
	unsigned npending, next_pending;
	uint64_t pending_lost; /* packets beyond NFQ_MAX_PENDING in one message */
	uint32_t cur_id;
	bool owed;             /* the frame handed out still needs its verdict */
	uint32_t batch;
	uint32_t acc_n, acc_last; /* accepts held back for one batch verdict */
	uint16_t queue;
	uint64_t packets, bytes, accepted, dropped; /* worker writes, stats reads */
	uint64_t enobufs, verdict_errors;
};

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
		     void *arg)
{
	(void)msg;
	struct capture_live_nfq *q = arg;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	if (!ph)
		return 0;
	uint32_t id = ntohl(ph->packet_id);
	unsigned char *payload = NULL;
	int len = nfq_get_payload(nfa, &payload);
	if (q->npending == NFQ_MAX_PENDING || len < 0) {
		/* Nothing to inspect: let it pass rather than hold it forever. */
		nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
		q->pending_lost++;
		return 0;
	}
	struct timeval tv;
	if (nfq_get_timestamp(nfa, &tv) != 0)
		gettimeofday(&tv, NULL); /* the kernel stamps only some hooks */
	q->pending[q->npending++] = (struct nfq_pending){
	    .id = id, .data = payload, .len = (uint32_t)len, .sec = tv.tv_sec,
	    .usec = (uint32_t)tv.tv_usec};
	return 0;
}

static bool nfq_setup(struct capture_live_nfq *q, const struct capture_live_config *cfg,
		      char *err, size_t errlen)
{
	q->h = nfq_open();
	if (!q->h) {
		snprintf(err, errlen, "NFQUEUE %u: cannot open a netfilter queue handle: %s%s",
			 cfg->queue, strerror(errno),
			 errno == EPERM ? " (needs CAP_NET_ADMIN)" : "");
		return false;
	}
	/* Older kernels want the protocol family bound first; newer ignore it. */
	nfq_bind_pf(q->h, AF_INET);
	nfq_bind_pf(q->h, AF_INET6);
	q->qh = nfq_create_queue(q->h, cfg->queue, on_packet, q);
	if (!q->qh) {
		snprintf(err, errlen,
			 "NFQUEUE %u: cannot bind the queue (another program holds it, or the "
			 "nfnetlink_queue module is missing): %s",
			 cfg->queue, strerror(errno));
		return false;
	}
	if (nfq_set_mode(q->qh, NFQNL_COPY_PACKET, 0xffff) < 0) {
		snprintf(err, errlen, "NFQUEUE %u: cannot ask for whole packets: %s", cfg->queue,
			 strerror(errno));
		return false;
	}
	if (cfg->queue_maxlen && nfq_set_queue_maxlen(q->qh, cfg->queue_maxlen) < 0)
		fprintf(stderr, "vigil: NFQUEUE %u: cannot set the queue length to %u: %s\n",
			cfg->queue, cfg->queue_maxlen, strerror(errno));
	uint32_t flags = cfg->fail_open ? NFQA_CFG_F_FAIL_OPEN : 0;
	if (nfq_set_queue_flags(q->qh, NFQA_CFG_F_FAIL_OPEN, flags) < 0 && cfg->fail_open)
		fprintf(stderr, "vigil: NFQUEUE %u: fail-open is not supported by this kernel; a full queue drops packets\n",
			cfg->queue);
	nfnl_rcvbufsiz(nfq_nfnlh(q->h), 8u << 20);
	q->fd = nfq_fd(q->h);
	return true;
}

struct capture_live_nfq *capture_nfq_open(const struct capture_live_config *cfg, char *err,
					  size_t errlen)
{
	struct capture_live_nfq *q = calloc(1, sizeof(*q));
	if (!q || !(q->buf = malloc(NFQ_BUF_SIZE))) {
		free(q);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	q->fd = -1;
	q->queue = cfg->queue;
	q->batch = cfg->batch ? cfg->batch : 1;
	if (!nfq_setup(q, cfg, err, errlen)) {
		capture_nfq_close(q);
		return NULL;
	}
	return q;
}

static void count(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

static void verdict_failed(struct capture_live_nfq *q, uint32_t id)
{
	if (q->verdict_errors++ == 0)
		fprintf(stderr, "vigil: NFQUEUE %u: verdict on packet id %u failed: %s (counted; further failures are not reported one by one)\n",
			q->queue, id, strerror(errno));
}

/* Sends the accepts held back, as one verdict covering ids up to the last. */
static void flush_accepts(struct capture_live_nfq *q)
{
	if (!q->acc_n)
		return;
	if (nfq_set_verdict_batch(q->qh, q->acc_last, NF_ACCEPT) < 0)
		verdict_failed(q, q->acc_last);
	q->acc_n = 0;
}

void capture_nfq_verdict(struct capture_live_nfq *q, enum capture_verdict v)
{
	if (!q->owed)
		return;
	q->owed = false;
	if (v == CAPTURE_DROP) {
		flush_accepts(q);
		if (nfq_set_verdict(q->qh, q->cur_id, NF_DROP, 0, NULL) < 0)
			verdict_failed(q, q->cur_id);
		count(&q->dropped, 1);
		return;
	}
	count(&q->accepted, 1);
	if (q->batch <= 1) {
		if (nfq_set_verdict(q->qh, q->cur_id, NF_ACCEPT, 0, NULL) < 0)
			verdict_failed(q, q->cur_id);
		return;
	}
	q->acc_last = q->cur_id;
	if (++q->acc_n >= q->batch)
		flush_accepts(q);
}

/* Reads one netlink message: 1 = read, 0 = nothing (within timeout), -1 = failed. */
static int receive(struct capture_live_nfq *q, int timeout_ms)
{
	ssize_t n = recv(q->fd, q->buf, NFQ_BUF_SIZE, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		flush_accepts(q); /* about to wait: nothing accepted stays held */
		struct pollfd p = {.fd = q->fd, .events = POLLIN};
		int rc = poll(&p, 1, timeout_ms);
		if (rc <= 0)
			return rc < 0 && errno != EINTR ? -1 : 0;
		n = recv(q->fd, q->buf, NFQ_BUF_SIZE, MSG_DONTWAIT);
	}
	if (n < 0) {
		if (errno == ENOBUFS) { /* the kernel dropped what it could not queue */
			count(&q->enobufs, 1);
			return 0;
		}
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		fprintf(stderr, "vigil: NFQUEUE %u: recv: %s\n", q->queue, strerror(errno));
		return -1;
	}
	q->npending = q->next_pending = 0;
	nfq_handle_packet(q->h, (char *)q->buf, (int)n);
	return 1;
}

int capture_nfq_next(struct capture_live_nfq *q, struct capture_frame *f, int timeout_ms)
{
	capture_nfq_verdict(q, CAPTURE_ACCEPT); /* one the caller left without a verdict */
	while (q->next_pending == q->npending) {
		int rc = receive(q, timeout_ms);
		if (rc <= 0)
			return rc;
		if (q->npending == 0)
			return 0; /* a message without a packet (an ack or an error) */
	}
	const struct nfq_pending *p = &q->pending[q->next_pending++];
	q->cur_id = p->id;
	q->owed = true;
	memset(f, 0, sizeof(*f));
	f->data = p->data;
	f->caplen = f->wirelen = p->len;
	f->ts_sec = p->sec;
	f->ts_usec = p->usec;
	f->linktype = LINKTYPE_RAW_IP;
	count(&q->bytes, p->len);
	count(&q->packets, 1);
	f->pcap_cnt = q->packets;
	return 1;
}

void capture_nfq_stats(struct capture_live_nfq *q, struct capture_stats *st)
{
	uint64_t packets = __atomic_load_n(&q->packets, __ATOMIC_RELAXED);
	uint64_t drops = __atomic_load_n(&q->enobufs, __ATOMIC_RELAXED);
	st->packets += packets;
	st->bytes += __atomic_load_n(&q->bytes, __ATOMIC_RELAXED);
	/* ENOBUFS says packets were lost, not how many: each counts as one. */
	st->kernel_packets += packets + drops;
	st->kernel_drops += drops;
	st->inline_accepted += __atomic_load_n(&q->accepted, __ATOMIC_RELAXED);
	st->inline_dropped += __atomic_load_n(&q->dropped, __ATOMIC_RELAXED);
}

void capture_nfq_close(struct capture_live_nfq *q)
{
	if (!q)
		return;
	if (q->qh) {
		/* Packets read but not inspected go on, as fail-open would have them. */
		capture_nfq_verdict(q, CAPTURE_ACCEPT);
		flush_accepts(q);
		for (unsigned i = q->next_pending; i < q->npending; i++)
			nfq_set_verdict(q->qh, q->pending[i].id, NF_ACCEPT, 0, NULL);
		nfq_destroy_queue(q->qh);
	}
	if (q->pending_lost || q->verdict_errors)
		fprintf(stderr, "vigil: NFQUEUE %u: %llu packets accepted uninspected (more than %d in one message), %llu verdicts failed\n",
			q->queue, (unsigned long long)q->pending_lost, NFQ_MAX_PENDING,
			(unsigned long long)q->verdict_errors);
	if (q->h)
		nfq_close(q->h);
	free(q->buf);
	free(q);
}
