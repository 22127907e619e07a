/*
 * test_app_run.h — runs packets through the flow, stream, app and detect
 * stages as the worker does, and collects every alert of the flow; shared
 * by the tests of app-layer keywords.  Header-only (static functions).
 * Include after cmocka.h.
 */
#ifndef VIGIL_TEST_APP_RUN_H
#define VIGIL_TEST_APP_RUN_H

#include "app/app.h"
#include "test_detect_helpers.h"
#include "test_stream_util.h"

#define MAX_HITS 64

struct hits {
	uint32_t sid[MAX_HITS];
	uint32_t flags[MAX_HITS];
	uint64_t tx_id[MAX_HITS];
	bool toserver[MAX_HITS];
	unsigned n;
};

struct run {
	struct harness h;
	struct app_config ac; /* the app layer keeps a pointer to it */
	struct app_ctx *app;
	struct detect_engine *de;
	struct detect_thread *dt;
	struct flow *f;
	struct hits hits;
};

static __attribute__((unused)) void run_init(struct run *r, const char *rules,
					     unsigned expect_loaded)
{
	memset(r, 0, sizeof(*r));
	struct stream_config sc;
	stream_config_defaults(&sc);
	sc.app_reader = true; /* as the worker sets it when the app layer runs */
	harness_init(&r->h, &sc);
	struct detect_load_stats st;
	r->de = th_engine(rules, &st);
	assert_non_null(r->de);
	assert_int_equal(st.loaded, expect_loaded);
	app_config_defaults(&r->ac);
	r->ac.file_hashes = (uint8_t)detect_engine_file_hashes(r->de); /* as the engine */
	detect_engine_frames(r->de, r->ac.frames);
	r->app = app_ctx_new(&r->ac);
	r->dt = detect_thread_new(r->de);
	assert_non_null(r->dt);
}

static __attribute__((unused)) void ignore_tx(void *arg, enum app_proto proto, const void *state,
					      const void *tx, uint64_t tx_id)
{
}

/* One packet through flow, stream, app and detection, as the worker does. */
static __attribute__((unused)) void run_packet(struct run *r, struct packet *p)
{
	struct flow *f = harness_send(&r->h, p);
	if (f != NULL)
		r->f = f;
	app_handle_packet(r->app, p);
	struct alert_queue q;
	detect_packet_ex(r->dt, p, &q, 0);
	app_inspect_done(p);
	app_log_ready(r->app, p->flow, false, ignore_tx, NULL);
	for (unsigned i = 0; i < q.count && r->hits.n < MAX_HITS; i++) {
		r->hits.sid[r->hits.n] = q.alerts[i].sid;
		r->hits.flags[r->hits.n] = q.alerts[i].flags;
		r->hits.tx_id[r->hits.n] = q.alerts[i].tx_id;
		r->hits.toserver[r->hits.n] = p->flow_toserver;
		r->hits.n++;
	}
}

/* The end of the flow as the worker has it: the app layer hears of it and
 * the transactions it completed are inspected on one pseudo packet per
 * direction (their alerts are collected too). */
static __attribute__((unused)) void run_flow_end(struct run *r)
{
	if (r->f == NULL || r->f->stream == NULL)
		return;
	stream_flow_end(r->f);
	app_flow_end(r->app, r->f);
	for (int d = 0; d < 2; d++) {
		struct packet pp;
		memset(&pp, 0, sizeof(pp));
		pp.ip_version = r->f->src.family;
		pp.proto = r->f->proto;
		pp.src = d == 0 ? r->f->src : r->f->dst;
		pp.dst = d == 0 ? r->f->dst : r->f->src;
		pp.sp = d == 0 ? r->f->sp : r->f->dp;
		pp.dp = d == 0 ? r->f->dp : r->f->sp;
		pp.flow = r->f;
		pp.flow_toserver = d == 0;
		pp.flow_established = true;
		struct alert_queue q;
		detect_packet_ex(r->dt, &pp, &q, DETECT_PKT_APP_ONLY);
		app_inspect_done(&pp);
		for (unsigned i = 0; i < q.count && r->hits.n < MAX_HITS; i++) {
			r->hits.sid[r->hits.n] = q.alerts[i].sid;
			r->hits.flags[r->hits.n] = q.alerts[i].flags;
			r->hits.tx_id[r->hits.n] = q.alerts[i].tx_id;
			r->hits.toserver[r->hits.n] = pp.flow_toserver;
			r->hits.n++;
		}
	}
}

static __attribute__((unused)) void run_free(struct run *r)
{
	if (r->f != NULL) {
		app_flow_free(r->f->app);
		r->f->app = NULL;
		detect_flow_free(r->f->detect);
		r->f->detect = NULL;
	}
	detect_thread_free(r->dt);
	detect_engine_free(r->de);
	app_ctx_free(r->app);
	harness_free(&r->h);
}

static __attribute__((unused)) unsigned count_sid(const struct hits *h, uint32_t sid)
{
	unsigned n = 0;
	for (unsigned i = 0; i < h->n; i++)
		n += h->sid[i] == sid;
	return n;
}

static __attribute__((unused)) int hit_index(const struct hits *h, uint32_t sid)
{
	for (unsigned i = 0; i < h->n; i++)
		if (h->sid[i] == sid)
			return (int)i;
	return -1;
}

/* A whole HTTP connection: handshake, request, response, FIN both ways. */
static __attribute__((unused)) void run_http_flow(struct run *r, const char *http_req,
						  const char *http_resp)
{
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1, SISN + 1, NULL);
	run_packet(r, &p);
	uint32_t qn = (uint32_t)strlen(http_req), rn = (uint32_t)strlen(http_resp);
	p = tcp_pkt(1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, http_req);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_ACK, SISN + 1, CISN + 1 + qn, NULL);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1 + qn, http_resp);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1 + qn, SISN + 1 + rn, NULL);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK | TCP_FIN, CISN + 1 + qn, SISN + 1 + rn, NULL);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_ACK | TCP_FIN, SISN + 1 + rn, CISN + 2 + qn, NULL);
	run_packet(r, &p);
}

#endif
