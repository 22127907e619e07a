/*
 * test_detect_helpers.h — shared by the detect unit tests: builds engines
 * from rule text, parses single rules, and fills struct packet by hand.
 * Header-only (static functions) so the Makefile's one-binary-per-test
 * rule needs nothing extra.
 */
#ifndef VIGIL_TEST_DETECT_HELPERS_H
#define VIGIL_TEST_DETECT_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/detect-internal.h"

/* An engine with default vars and no rules, for parsing single rules. */
static __attribute__((unused)) struct detect_engine *th_parse_engine(void)
{
	struct detect_engine *de = calloc(1, sizeof(*de));
	de->vars = vars_new();
	vars_add_defaults(de->vars);
	de->alert_max = DETECT_PACKET_ALERT_MAX;
	return de;
}

/* Parses one rule; returns it or NULL with pc->err (and is_unsupported) set. */
static __attribute__((unused)) struct rule *th_parse(struct detect_engine *de, struct parse_ctx *pc,
						     const char *text)
{
	memset(pc, 0, sizeof(*pc));
	pc->de = de;
	pc->vars = de->vars;
	pc->file = "test.rules";
	pc->line = 1;
	return rule_parse(pc, text);
}

/* 1 = parsed, 0 = failed, -1 = skipped (unsupported). */
static __attribute__((unused)) int th_parse_result(const char *text)
{
	struct detect_engine *de = th_parse_engine();
	struct parse_ctx pc;
	struct rule *r = th_parse(de, &pc, text);
	int rc = r ? 1 : pc.is_unsupported ? -1 : 0;
	if (getenv("TH_VERBOSE") && r == NULL)
		fprintf(stderr, "  [%s] %s\n", pc.err, text);
	rule_free(r);
	free(pc.unsupported);
	detect_engine_free(de);
	return rc;
}

/* Builds a full engine from rule text (one rule per line) with the
 * settings of `base` (NULL = defaults); its rule files are replaced. */
static __attribute__((unused)) struct detect_engine *
th_engine_with(const char *rules, const struct detect_config *base, struct detect_load_stats *st)
{
	char path[] = "/tmp/vigil-test-rules-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w");
	fputs(rules, f);
	fclose(f);
	const char *files[] = {path};
	struct detect_config cfg = {.no_cache = true};
	if (base)
		cfg = *base;
	cfg.rule_files = files;
	cfg.rule_file_count = 1;
	struct detect_load_stats local;
	FILE *log = getenv("TH_VERBOSE") ? stderr : NULL;
	struct detect_engine *de = detect_engine_new(&cfg, st ? st : &local, log);
	unlink(path);
	return de;
}

static __attribute__((unused)) struct detect_engine *th_engine(const char *rules,
							       struct detect_load_stats *st)
{
	return th_engine_with(rules, NULL, st);
}

static __attribute__((unused)) void th_ip4(struct ip_addr *a, uint8_t b0, uint8_t b1, uint8_t b2,
					   uint8_t b3)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->bytes[0] = b0;
	a->bytes[1] = b1;
	a->bytes[2] = b2;
	a->bytes[3] = b3;
}

/* A decoded IPv4 packet 192.168.1.1:sp -> 10.0.0.1:dp with the given payload. */
static __attribute__((unused)) void th_packet(struct packet *p, uint8_t proto, uint16_t sp,
					      uint16_t dp, const void *payload, uint32_t len)
{
	static uint8_t hdr[64];
	memset(p, 0, sizeof(*p));
	p->ip_version = 4;
	p->ip_hdr = hdr;
	p->ip_hdr_len = 20;
	p->proto = proto;
	p->ttl = 64;
	th_ip4(&p->src, 192, 168, 1, 1);
	th_ip4(&p->dst, 10, 0, 0, 1);
	p->sp = sp;
	p->dp = dp;
	p->l4_hdr = hdr + 20;
	p->l4_len = 20 + len;
	p->payload = payload;
	p->payload_len = len;
	p->data = hdr;
	p->len = 40 + len;
	if (proto == 6)
		p->tcp.hlen = 20;
}

/* Runs the packet; returns the number of alerts and copies their sids. */
static __attribute__((unused)) unsigned th_run(struct detect_engine *de, struct packet *p,
					       uint32_t *sids, unsigned max)
{
	struct detect_thread *dt = detect_thread_new(de);
	struct alert_queue q;
	detect_packet(dt, p, &q);
	for (unsigned i = 0; i < q.count && i < max; i++)
		sids[i] = q.alerts[i].sid;
	detect_thread_free(dt);
	return q.count;
}

/* Does the single rule `rule` alert on the payload (TCP 1234 -> 80)? */
static __attribute__((unused)) int th_match_payload(const char *rule, const void *payload,
						    uint32_t len)
{
	struct detect_load_stats st;
	struct detect_engine *de = th_engine(rule, &st);
	if (de == NULL || st.loaded != 1) {
		detect_engine_free(de);
		return -1;
	}
	struct packet p;
	th_packet(&p, 6, 1234, 80, payload, len);
	uint32_t sids[4];
	unsigned n = th_run(de, &p, sids, 4);
	detect_engine_free(de);
	return n > 0;
}

/* Does the single rule `rule` (one line, no newline needed) alert on p? -1 if it does not load. */
static __attribute__((unused)) int th_match_pkt(const char *rule, struct packet *p)
{
	char buf[2048];
	snprintf(buf, sizeof(buf), "%s\n", rule);
	struct detect_load_stats st;
	struct detect_engine *de = th_engine(buf, &st);
	if (de == NULL || st.loaded != 1) {
		detect_engine_free(de);
		return -1;
	}
	uint32_t sids[4];
	unsigned n = th_run(de, p, sids, 4);
	detect_engine_free(de);
	return n > 0;
}

#endif
