/*
 * pcap-live — live capture through libpcap, for interfaces AF_PACKET
 * cannot take (or other platforms); see capture.h.  One handle per
 * interface: libpcap has no fanout, so a --pcap run has one worker.
 * libpcap puts stripped VLAN tags back itself.
 */
#include "capture/capture.h"
#include "capture/live-backends.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct capture_live_pcap {
	pcap_t *pcap;
	/* libpcap handles are not thread-safe: the worker reads and the stats
	 * reader asks for counters under this lock (reads never block). */
	pthread_mutex_t lock;
	int linktype;
	uint64_t packets, bytes; /* written by the worker, read atomically */
	char iface[64];
};


static bool fail(struct capture_live_pcap *c, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", c->iface, what, pcap_geterr(c->pcap));
	return false;
}

static bool activate(struct capture_live_pcap *c, const struct capture_live_config *cfg,
		     char *err, size_t errlen)
{
	pcap_set_snaplen(c->pcap, cfg->snaplen ? (int)cfg->snaplen : 65535);
	pcap_set_promisc(c->pcap, cfg->promisc);
	/* Not immediate mode: libpcap then uses a TPACKET_V3 ring that packs
	 * packets by size (immediate mode reserves a snaplen-sized slot per
	 * packet: some 30 packets in libpcap's default 2 MiB, dropped in the
	 * first burst).  A block is handed over within the 100 ms timeout. */
	pcap_set_timeout(c->pcap, 100);
	pcap_set_buffer_size(c->pcap, cfg->buffer_size ? (int)cfg->buffer_size : 16 << 20);
	int rc = pcap_activate(c->pcap);
	if (rc < 0)
		return fail(c, "cannot start capture", err, errlen);
	if (rc > 0)
		fprintf(stderr, "vigil: %s: %s\n", c->iface, pcap_statustostr(rc));
	c->linktype = pcap_datalink(c->pcap);
	/* Non-blocking, waited on with poll(): a read never outlives a stop. */
	char ebuf[PCAP_ERRBUF_SIZE];
	if (pcap_setnonblock(c->pcap, 1, ebuf) != 0 || pcap_get_selectable_fd(c->pcap) < 0) {
		snprintf(err, errlen, "%s: cannot poll the capture handle", c->iface);
		return false;
	}
	if (cfg->bpf[0]) {
		struct bpf_program prog;
		if (pcap_compile(c->pcap, &prog, cfg->bpf, 1, PCAP_NETMASK_UNKNOWN) != 0)
			return fail(c, "bad BPF filter", err, errlen);
		rc = pcap_setfilter(c->pcap, &prog);
		pcap_freecode(&prog);
		if (rc != 0)
			return fail(c, "cannot set the BPF filter", err, errlen);
	}
	return true;
}

struct capture_live_pcap *capture_pcap_live_open(const struct capture_live_config *cfg, char *err,
						 size_t errlen)
{
	struct capture_live_pcap *c = calloc(1, sizeof(*c));
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(c->iface, sizeof(c->iface), "%s", cfg->iface);
	pthread_mutex_init(&c->lock, NULL);
	c->pcap = pcap_create(cfg->iface, ebuf);
	if (!c->pcap) {
		snprintf(err, errlen, "%s: %s", cfg->iface, ebuf);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return NULL;
	}
	if (!activate(c, cfg, err, errlen)) {
		capture_pcap_live_close(c);
		return NULL;
	}
	return c;
}

int capture_pcap_live_next(struct capture_live_pcap *c, struct capture_frame *f, int timeout_ms)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	pthread_mutex_lock(&c->lock);
	int rc = pcap_next_ex(c->pcap, &h, &data);
	pthread_mutex_unlock(&c->lock);
	if (rc == 0) {
		struct pollfd p = {.fd = pcap_get_selectable_fd(c->pcap), .events = POLLIN};
		if (poll(&p, 1, timeout_ms) < 0 && errno != EINTR) {
			fprintf(stderr, "vigil: %s: poll: %s\n", c->iface, strerror(errno));
			return -1;
		}
		pthread_mutex_lock(&c->lock);
		rc = pcap_next_ex(c->pcap, &h, &data);
		pthread_mutex_unlock(&c->lock);
		if (rc == 0)
			return 0;
	}
	if (rc != 1) {
		fprintf(stderr, "vigil: %s: capture failed: %s\n", c->iface, pcap_geterr(c->pcap));
		return -1;
	}
	uint64_t n = c->packets + 1;
	__atomic_store_n(&c->packets, n, __ATOMIC_RELAXED);
	__atomic_store_n(&c->bytes, c->bytes + h->caplen, __ATOMIC_RELAXED);
	f->data = data;
	f->caplen = h->caplen;
	f->wirelen = h->len;
	f->ts_sec = h->ts.tv_sec;
	f->ts_usec = (uint32_t)h->ts.tv_usec;
	f->linktype = c->linktype;
	f->file_index = 0;
	f->pcap_cnt = n;
	return 1;
}

void capture_pcap_live_stats(struct capture_live_pcap *c, struct capture_stats *st)
{
	struct pcap_stat ps;
	/* libpcap's counters are totals since the start. */
	pthread_mutex_lock(&c->lock);
	int rc = pcap_stats(c->pcap, &ps);
	pthread_mutex_unlock(&c->lock);
	if (rc == 0) {
		st->kernel_packets += ps.ps_recv;
		st->kernel_drops += ps.ps_drop;
		st->kernel_ifdrops += ps.ps_ifdrop;
	}
	st->packets += __atomic_load_n(&c->packets, __ATOMIC_RELAXED);
	st->bytes += __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
}

void capture_pcap_live_close(struct capture_live_pcap *c)
{
	if (!c)
		return;
	if (c->pcap)
		pcap_close(c->pcap);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
