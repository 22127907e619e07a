/*
 * live-backends — private to capture/: the two live capture backends that
 * live.c chooses between.  Other stages use capture.h only.
 */
#ifndef VIGIL_CAPTURE_LIVE_BACKENDS_H
#define VIGIL_CAPTURE_LIVE_BACKENDS_H

#include "capture/capture.h"

struct capture_live_afp;
struct capture_live_pcap;

struct capture_live_afp *capture_afp_open(const struct capture_live_config *cfg, char *err,
					  size_t errlen);
int capture_afp_next(struct capture_live_afp *a, struct capture_frame *f, int timeout_ms);
void capture_afp_stats(struct capture_live_afp *a, struct capture_stats *st);
void capture_afp_close(struct capture_live_afp *a);

struct capture_live_pcap *capture_pcap_live_open(const struct capture_live_config *cfg, char *err,
						 size_t errlen);
int capture_pcap_live_next(struct capture_live_pcap *c, struct capture_frame *f, int timeout_ms);
void capture_pcap_live_stats(struct capture_live_pcap *c, struct capture_stats *st);
void capture_pcap_live_close(struct capture_live_pcap *c);

struct capture_live_nfq;

struct capture_live_nfq *capture_nfq_open(const struct capture_live_config *cfg, char *err,
					  size_t errlen);
int capture_nfq_next(struct capture_live_nfq *q, struct capture_frame *f, int timeout_ms);
void capture_nfq_verdict(struct capture_live_nfq *q, enum capture_verdict v);
void capture_nfq_stats(struct capture_live_nfq *q, struct capture_stats *st);
void capture_nfq_close(struct capture_live_nfq *q);

void capture_afp_verdict(struct capture_live_afp *a, enum capture_verdict v);

#endif
