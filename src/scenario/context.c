/*
 * context — the generation context: the in-memory packet list, its sort
 * and libpcap output, and the ground-truth steps with their JSON file.
 *
 * Frames are appended to one data arena; the packet list only holds
 * offsets, so growing never invalidates anything.  Sorting is by
 * (timestamp, emission order), which is total and therefore deterministic
 * whatever qsort's stability.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario/craft.h"
#include "util/json.h"

/* 2026-03-10 08:00:00 UTC: a Tuesday morning, when sites are busy. */
#define SC_EPOCH_START UINT64_C(1773129600)

int sc_ctx_init(struct sc_ctx *c, const char *scenario, uint64_t seed, unsigned scale)
{
	memset(c, 0, sizeof(*c));
	sc_rng_seed(&c->rng, seed);
	c->scale = scale ? scale : 1;
	c->seed = seed;
	c->scenario = scenario;
	c->t0_us = SC_EPOCH_START * SC_SEC;
	c->cur_step = -1;
	return 0;
}

void sc_ctx_free(struct sc_ctx *c)
{
	free(c->pkts);
	free(c->data);
	free(c->steps);
	for (size_t i = 0; i < c->ncerts; i++)
		free(c->certs[i].der);
	memset(c, 0, sizeof(*c));
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 1024;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * elem);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

void sc_step_begin(struct sc_ctx *c, const char *id, const char *name, bool malicious,
		   const char *technique)
{
	if (!grow((void **)&c->steps, &c->cap_steps, c->nsteps + 1, sizeof(*c->steps))) {
		c->oom = true;
		c->cur_step = -1;
		return;
	}
	struct sc_step *s = &c->steps[c->nsteps];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->technique, sizeof(s->technique), "%s", technique ? technique : "");
	s->malicious = malicious;
	c->cur_step = (int)c->nsteps++;
}

void sc_step_end(struct sc_ctx *c)
{
	c->cur_step = -1;
}

static void add_addr(char (*set)[46], unsigned *n, uint64_t *count, const char *a)
{
	for (unsigned i = 0; i < *n; i++)
		if (!strcmp(set[i], a))
			return;
	(*count)++;
	if (*n < SC_STEP_MAX_ADDRS)
		snprintf(set[(*n)++], 46, "%s", a);
}

static void note_host(struct sc_ctx *c, const struct sc_host *h, const char *ip)
{
	if (!h->name || !strcmp(h->name, ip))
		return;
	for (size_t i = 0; i < c->nhosts; i++)
		if (!strcmp(c->hosts[i].ip, ip))
			return;
	if (c->nhosts == SC_MAX_HOSTS)
		return;
	snprintf(c->hosts[c->nhosts].ip, sizeof(c->hosts[0].ip), "%s", ip);
	snprintf(c->hosts[c->nhosts].name, sizeof(c->hosts[0].name), "%s", h->name);
	c->nhosts++;
}

void sc_step_flow(struct sc_ctx *c, uint8_t proto, const struct sc_host *src, uint16_t sport,
		  const struct sc_host *dst, uint16_t dport)
{
	if (c->cur_step < 0)
		return;
	struct sc_step *s = &c->steps[c->cur_step];
	struct sc_flow_tuple f = {.proto = proto, .sport = sport, .dport = dport};
	sc_host_addr_str(src, f.src, sizeof(f.src));
	sc_host_addr_str(dst, f.dst, sizeof(f.dst));
	note_host(c, src, f.src);
	note_host(c, dst, f.dst);
	for (unsigned i = 0; i < s->nflows; i++) {
		const struct sc_flow_tuple *g = &s->flows[i];
		if (g->proto == proto && g->sport == sport && g->dport == dport &&
		    !strcmp(g->src, f.src) && !strcmp(g->dst, f.dst))
			return;
	}
	s->flow_count++;
	add_addr(s->src_ips, &s->nsrc, &s->src_count, f.src);
	add_addr(s->dest_ips, &s->ndst, &s->dest_count, f.dst);
	if (s->nflows < SC_STEP_MAX_FLOWS)
		s->flows[s->nflows++] = f;
}

void sc_emit_frame(struct sc_ctx *c, uint64_t ts_us, const uint8_t *frame, size_t len)
{
	if (c->oom)
		return;
	if (!grow((void **)&c->pkts, &c->cap_pkts, c->npkts + 1, sizeof(*c->pkts)) ||
	    !grow((void **)&c->data, &c->dcap, c->dlen + len, 1)) {
		c->oom = true;
		return;
	}
	struct sc_pkt *p = &c->pkts[c->npkts++];
	p->ts_us = c->t0_us + ts_us;
	p->order = c->npkts;
	p->off = c->dlen;
	p->len = (uint32_t)len;
	p->step = c->cur_step >= 0 ? (uint32_t)c->cur_step + 1 : 0;
	memcpy(c->data + c->dlen, frame, len);
	c->dlen += len;
	if (c->cur_step >= 0) {
		struct sc_step *s = &c->steps[c->cur_step];
		if (!s->seen || p->ts_us < s->start_us)
			s->start_us = p->ts_us;
		if (!s->seen || p->ts_us > s->end_us)
			s->end_us = p->ts_us;
		s->seen = true;
		s->packets++;
	}
}

static int pkt_cmp(const void *a, const void *b)
{
	const struct sc_pkt *x = a, *y = b;
	if (x->ts_us != y->ts_us)
		return x->ts_us < y->ts_us ? -1 : 1;
	return x->order < y->order ? -1 : (x->order > y->order);
}

int sc_ctx_write_pcap(struct sc_ctx *c, const char *path, char *err, size_t errlen)
{
	if (c->oom) {
		snprintf(err, errlen, "out of memory while generating %s", c->scenario);
		return -1;
	}
	qsort(c->pkts, c->npkts, sizeof(*c->pkts), pkt_cmp);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, SC_SNAPLEN);
	if (!dead) {
		snprintf(err, errlen, "pcap_open_dead failed");
		return -1;
	}
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	if (!d) {
		snprintf(err, errlen, "%s", pcap_geterr(dead)); /* names the path */
		pcap_close(dead);
		return -1;
	}
	for (size_t i = 0; i < c->npkts; i++) {
		const struct sc_pkt *p = &c->pkts[i];
		struct pcap_pkthdr h;
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(p->ts_us / SC_SEC);
		h.ts.tv_usec = (suseconds_t)(p->ts_us % SC_SEC);
		h.caplen = p->len;
		h.len = p->len;
		pcap_dump((u_char *)d, &h, c->data + p->off);
	}
	int rc = 0;
	if (pcap_dump_flush(d) != 0) {
		snprintf(err, errlen, "%s: write failed", path);
		rc = -1;
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return rc;
}

/* Suricata's EVE timestamp form, always UTC. */
static void iso_time(uint64_t us, char *out, size_t n)
{
	time_t s = (time_t)(us / SC_SEC);
	struct tm tm;
	gmtime_r(&s, &tm);
	char base[32];
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, n, "%s.%06" PRIu64 "+0000", base, us % SC_SEC);
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6: return "TCP";
	case 17: return "UDP";
	case 1: return "ICMP";
	case 58: return "IPv6-ICMP";
	default: return "IP";
	}
}

static void truth_step(struct json *j, const struct sc_step *s)
{
	char ts[48];
	json_open_object(j, NULL);
	json_str(j, "id", s->id);
	json_str(j, "name", s->name);
	json_bool(j, "malicious", s->malicious);
	if (s->technique[0])
		json_str(j, "technique", s->technique);
	else
		json_null(j, "technique");
	iso_time(s->start_us, ts, sizeof(ts));
	json_str(j, "start", ts);
	iso_time(s->end_us, ts, sizeof(ts));
	json_str(j, "end", ts);
	json_uint(j, "start_us", s->start_us);
	json_uint(j, "end_us", s->end_us);
	json_uint(j, "packets", s->packets);
	json_uint(j, "flow_count", s->flow_count);
	json_open_array(j, "flows");
	for (unsigned i = 0; i < s->nflows; i++) {
		const struct sc_flow_tuple *f = &s->flows[i];
		json_open_object(j, NULL);
		json_str(j, "proto", proto_name(f->proto));
		json_str(j, "src_ip", f->src);
		json_uint(j, "src_port", f->sport);
		json_str(j, "dest_ip", f->dst);
		json_uint(j, "dest_port", f->dport);
		json_close_object(j);
	}
	json_close_array(j);
	json_uint(j, "src_ip_count", s->src_count);
	json_open_array(j, "src_ips");
	for (unsigned i = 0; i < s->nsrc; i++)
		json_str(j, NULL, s->src_ips[i]);
	json_close_array(j);
	json_uint(j, "dest_ip_count", s->dest_count);
	json_open_array(j, "dest_ips");
	for (unsigned i = 0; i < s->ndst; i++)
		json_str(j, NULL, s->dest_ips[i]);
	json_close_array(j);
	json_close_object(j);
}

int sc_ctx_write_truth(struct sc_ctx *c, const char *path, char *err, size_t errlen)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	json_str(&j, "scenario", c->scenario);
	json_uint(&j, "seed", c->seed);
	json_uint(&j, "scale", c->scale);
	json_uint(&j, "packets", c->npkts);
	json_open_array(&j, "hosts");
	for (size_t i = 0; i < c->nhosts; i++) {
		json_open_object(&j, NULL);
		json_str(&j, "ip", c->hosts[i].ip);
		json_str(&j, "name", c->hosts[i].name);
		json_close_object(&j);
	}
	json_close_array(&j);
	json_open_array(&j, "steps");
	for (size_t i = 0; i < c->nsteps; i++)
		truth_step(&j, &c->steps[i]);
	json_close_array(&j);
	json_close_object(&j);
	int rc = -1;
	FILE *f = j.oom ? NULL : fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: cannot write ground truth", path);
	} else {
		bool ok = fwrite(j.buf, 1, j.len, f) == j.len && fputc('\n', f) != EOF;
		if (fclose(f) != 0 || !ok)
			snprintf(err, errlen, "%s: write failed", path);
		else
			rc = 0;
	}
	json_free(&j);
	return rc;
}
