/*
 * live — the one entry point of live capture (capture.h): hands each call
 * to the AF_PACKET, libpcap or NFQUEUE backend the handle was opened with.
 */
#include "capture/capture.h"
#include "capture/live-backends.h"

#include <stdlib.h>


struct capture_live {
	enum capture_method method;
	struct capture_live_afp *afp;
	struct capture_live_pcap *pcap;
	struct capture_live_nfq *nfq;
};

struct capture_live *capture_live_open(const struct capture_live_config *cfg, char *err,
				       size_t errlen)
{
	struct capture_live *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->method = cfg->method;
	if (cfg->method == CAPTURE_PCAP)
		c->pcap = capture_pcap_live_open(cfg, err, errlen);
	else if (cfg->method == CAPTURE_NFQ)
		c->nfq = capture_nfq_open(cfg, err, errlen);
	else
		c->afp = capture_afp_open(cfg, err, errlen);
	if (!c->pcap && !c->afp && !c->nfq) {
		free(c);
		return NULL;
	}
	return c;
}

int capture_live_next(struct capture_live *c, struct capture_frame *f, int timeout_ms)
{
	if (c->nfq)
		return capture_nfq_next(c->nfq, f, timeout_ms);
	return c->pcap ? capture_pcap_live_next(c->pcap, f, timeout_ms)
		       : capture_afp_next(c->afp, f, timeout_ms);
}

void capture_live_verdict(struct capture_live *c, enum capture_verdict v)
{
	if (c->nfq)
		capture_nfq_verdict(c->nfq, v);
	else if (c->afp)
		capture_afp_verdict(c->afp, v);
}

void capture_live_stats(struct capture_live *c, struct capture_stats *st)
{
	st->live = true;
	if (c->pcap)
		capture_pcap_live_stats(c->pcap, st);
	else if (c->nfq)
		capture_nfq_stats(c->nfq, st);
	else
		capture_afp_stats(c->afp, st);
}

void capture_live_close(struct capture_live *c)
{
	if (!c)
		return;
	capture_afp_close(c->afp);
	capture_pcap_live_close(c->pcap);
	capture_nfq_close(c->nfq);
	free(c);
}
