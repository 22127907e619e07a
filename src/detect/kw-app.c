/*
 * kw-app.c — the application-layer inspection buffers, whatever their
 * protocol, and the helpers transaction keywords share (rule_require_app,
 * app_tx_match).  The buffers themselves are declared by each protocol's
 * keyword file (kw-http.c, kw-dns.c, kw-tls.c, kw-file.c, ...) as a
 * struct app_buffer_family listed in keywords.c; this file gives each
 * buffer name an id (from BUF_MAX_BUILTIN on), a sticky keyword, and reads
 * its instances.
 *
 * A buffer is read from the transactions the app layer offers for the
 * packet being inspected (app_inspect_tx(): each transaction side is
 * offered once, on a packet of its direction).  Instance i of a buffer
 * walks (ready transaction, instance within it) in order.  A buffer of the
 * wrong direction, or with no spec for the flow's protocol, has no
 * instance.  Request buffers imply to_server and response buffers
 * to_client, as in Suricata.
 *
 * A spec whose proto is APP_PROTO_UNKNOWN (the file buffers) stands for
 * every protocol whose descriptor carries files: the index gives it one
 * spec per such protocol.  The index is built once, read-only after.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "detect/detect-internal.h"

#define MAX_SPECS_PER_BUFFER 16

struct app_buf {
	const char *name;
	const char *alias;
	const struct app_buffer_spec *specs[MAX_SPECS_PER_BUFFER];
	uint8_t nspecs;
	uint8_t dirs; /* union over its specs */
};

static struct app_buf *bufs;
static struct buffer_def *defs;
static struct kw_def *kws;
static struct app_buffer_spec *expanded; /* specs made for "every protocol with files" */
static size_t nbufs, nkws;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Never called: the engine reads app buffers with app_buffer_get(). */
static bool get_none(const struct packet *p, uint32_t i, const uint8_t **d, uint32_t *l)
{
	return false;
}

static struct app_buf *buf_for(const char *name)
{
	for (size_t i = 0; i < nbufs; i++)
		if (strcmp(bufs[i].name, name) == 0)
			return &bufs[i];
	return NULL;
}

static void add_spec(const struct app_buffer_spec *s)
{
	struct app_buf *b = buf_for(s->name);
	if (b == NULL) {
		b = &bufs[nbufs++];
		b->name = s->name;
	}
	if (b->alias == NULL)
		b->alias = s->alias;
	if (b->nspecs < MAX_SPECS_PER_BUFFER)
		b->specs[b->nspecs++] = s;
	b->dirs |= s->dirs;
}

/* TCP (6) when every protocol of the buffer runs on TCP only, else 0. */
static uint8_t buf_ip_proto(const struct app_buf *b)
{
	for (uint8_t i = 0; i < b->nspecs; i++) {
		const struct app_protocol *ap = app_protocol((enum app_proto)b->specs[i]->proto);
		if (ap == NULL || ap->ipprotos != APP_IPPROTO_TCP)
			return 0;
	}
	return 6;
}

/* Never called: rule-parse.c selects the buffer of a sticky keyword
 * (app_buffer_keyword_buf). */
static int sticky_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	pc_error(pc, "sticky buffer keyword without its buffer");
	return -1;
}

static void build(void)
{
	size_t n = 0;
	for (size_t f = 0; f < app_buffer_families_n; f++)
		n += app_buffer_families[f]->n * APP_PROTO_MAX;
	bufs = calloc(n + 1, sizeof(*bufs));
	expanded = calloc(n + 1, sizeof(*expanded));
	if (bufs == NULL || expanded == NULL)
		return;
	size_t nexp = 0;
	for (size_t f = 0; f < app_buffer_families_n; f++)
		for (size_t i = 0; i < app_buffer_families[f]->n; i++) {
			const struct app_buffer_spec *s = &app_buffer_families[f]->specs[i];
			if (s->proto != APP_PROTO_UNKNOWN) {
				add_spec(s);
				continue;
			}
			for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
				const struct app_protocol *ap = app_protocol((enum app_proto)p);
				if (ap->tx_file == NULL)
					continue;
				expanded[nexp] = *s;
				expanded[nexp].proto = (uint8_t)p;
				add_spec(&expanded[nexp++]);
			}
		}
	defs = calloc(nbufs + 1, sizeof(*defs));
	kws = calloc(nbufs + 1, sizeof(*kws));
	if (defs == NULL || kws == NULL)
		return;
	for (size_t i = 0; i < nbufs; i++) {
		defs[i] = (struct buffer_def){bufs[i].name, get_none, buf_ip_proto(&bufs[i])};
		kws[i] = (struct kw_def){bufs[i].name, bufs[i].alias,	"sticky buffer",
					 sticky_setup,	NULL,		 NULL,
					 NULL,		KW_NOOPT | KW_STICKY};
	}
	nkws = nbufs;
}

static void ensure_built(void)
{
	pthread_once(&once, build);
}

const struct kw_def *app_buffer_keywords(size_t *n)
{
	ensure_built();
	*n = kws != NULL ? nkws : 0;
	return kws;
}

int app_buffer_keyword_buf(const struct kw_def *kw)
{
	ensure_built();
	if (kws == NULL || kw < kws || kw >= kws + nkws)
		return -1;
	return BUF_MAX_BUILTIN + (int)(kw - kws);
}

static const struct app_buf *buf_by_id(int buf_id)
{
	ensure_built();
	int k = buf_id - BUF_MAX_BUILTIN;
	return defs != NULL && k >= 0 && (size_t)k < nbufs ? &bufs[k] : NULL;
}

static const struct app_buffer_spec *spec_for(const struct app_buf *b, enum app_proto proto)
{
	for (uint8_t i = 0; i < b->nspecs; i++)
		if (b->specs[i]->proto == proto)
			return b->specs[i];
	return NULL;
}

uint8_t *app_scratch_reserve(struct det_thread *dt, uint32_t n)
{
	if (dt == NULL)
		return NULL;
	if (dt->app_scratch_cap < n || dt->app_scratch == NULL) {
		uint8_t *nb = realloc(dt->app_scratch, n ? n : 1);
		if (nb == NULL)
			return NULL;
		dt->app_scratch = nb;
		dt->app_scratch_cap = n;
	}
	return dt->app_scratch;
}

const uint8_t *app_scratch_put(struct det_thread *dt, const uint8_t *d, uint32_t n)
{
	uint8_t *b = app_scratch_reserve(dt, n);
	if (b != NULL && n > 0)
		memcpy(b, d, n);
	return b;
}

bool det_app_tx(const struct det_thread *dt, const struct packet *p, uint32_t i,
		enum app_proto *proto, const void **tx, uint64_t *tx_id)
{
	enum app_inspect_stage stage;
	return det_app_tx_stage(dt, p, i, proto, tx, tx_id, &stage);
}

bool det_app_tx_stage(const struct det_thread *dt, const struct packet *p, uint32_t i,
		      enum app_proto *proto, const void **tx, uint64_t *tx_id,
		      enum app_inspect_stage *stage)
{
	if (dt == NULL)
		return app_inspect_tx_stage(p, i, proto, tx, tx_id, stage);
	/* The cache is the thread's scratch, not the engine's. */
	struct det_thread *w = (struct det_thread *)dt;
	if (!w->txc_valid || w->txc_p != p) {
		w->txc_n = app_inspect_txs(p, &w->txc_proto, w->txc);
		w->txc_p = p;
		w->txc_valid = true;
	}
	uint32_t k = dt->tx_only < 0 ? i : i == 0 ? (uint32_t)dt->tx_only : UINT32_MAX;
	if (k >= w->txc_n)
		return false;
	*proto = w->txc_proto;
	*tx = w->txc[k].tx;
	*tx_id = w->txc[k].id;
	*stage = w->txc[k].stage;
	return true;
}

bool app_buffer_get(int buf_id, struct det_thread *dt, const struct packet *p, uint32_t index,
		    const uint8_t **d, uint32_t *l, uint64_t *tx_id)
{
	const struct app_buf *b = buf_by_id(buf_id);
	if (b == NULL || p->flow == NULL)
		return false;
	enum app_dir pdir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	/* a transactional (=>) rule reads a one-sided buffer from its side */
	bool tx_both = dt != NULL && dt->r != NULL && dt->r->h.tx_both;
	if (!tx_both && !(b->dirs & (1u << pdir)))
		return false;
	enum app_proto proto;
	const void *tx;
	uint64_t id;
	uint32_t seen = 0;
	for (uint32_t t = 0; det_app_tx(dt, p, t, &proto, &tx, &id); t++) {
		const struct app_buffer_spec *s = spec_for(b, proto);
		enum app_dir dir = pdir;
		if (tx_both && s != NULL && !(s->dirs & (1u << pdir)))
			dir = pdir == APP_TOSERVER ? APP_TOCLIENT : APP_TOSERVER;
		if (s == NULL || !(s->dirs & (1u << dir)))
			return false;
		for (uint32_t i = 0; s->get(s, dt, tx, dir, i, d, l); i++, seen++)
			if (seen == index) {
				if (tx_id != NULL)
					*tx_id = id;
				return true;
			}
	}
	return false;
}

const struct buffer_def *app_buffer_def(int buf_id)
{
	const struct app_buf *b = buf_by_id(buf_id);
	return b != NULL ? &defs[b - bufs] : NULL;
}

int app_buffer_lookup(const char *name)
{
	ensure_built();
	for (size_t k = 0; k < nbufs; k++)
		if (strcmp(bufs[k].name, name) == 0)
			return BUF_MAX_BUILTIN + (int)k;
	return -1;
}

int app_buffer_id(const char *name)
{
	ensure_built();
	for (size_t k = 0; k < nbufs; k++)
		if (strcmp(bufs[k].name, name) == 0 ||
		    (bufs[k].alias != NULL && strcmp(bufs[k].alias, name) == 0))
			return BUF_MAX_BUILTIN + (int)k;
	return -1;
}

bool buffer_is_app(int buf_id)
{
	return buf_by_id(buf_id) != NULL;
}

enum app_proto app_proto_by_rule_name(const char *name)
{
	return app_proto_by_name(name);
}

int rule_require_app(struct parse_ctx *pc, struct rule *r, enum app_proto proto, uint8_t dirs)
{
	if (r->tx_proto != APP_PROTO_UNKNOWN && r->tx_proto != proto) {
		pc_error(pc, "rule mixes keywords of different app protocols");
		return -1;
	}
	/* a transactional (=>) rule may use keywords of both sides */
	uint8_t both = r->h.tx_both ? (uint8_t)(r->tx_dirs | dirs) : (uint8_t)(r->tx_dirs & dirs);
	r->tx_dirs = r->tx_proto == APP_PROTO_UNKNOWN ? dirs : both;
	r->tx_proto = (uint8_t)proto;
	return 0;
}

bool app_tx_match(struct det_thread *dt, const struct packet *p, enum app_proto proto,
		  app_tx_test_fn test, const void *ctx)
{
	if (p->flow == NULL)
		return false;
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	enum app_proto tp;
	const void *tx;
	uint64_t id;
	for (uint32_t t = 0; det_app_tx(dt, p, t, &tp, &tx, &id); t++) {
		if (tp != proto)
			return false;
		if (test(tx, dir, ctx)) {
			dt->tx_id = id;
			return true;
		}
	}
	return false;
}

/* The directions buffer b applies to in a rule of header protocol app
 * (UNKNOWN: any); 0 when it has no spec for that protocol. */
static uint8_t buf_dirs_for(const struct app_buf *b, enum app_proto app)
{
	if (app == APP_PROTO_UNKNOWN)
		return b->dirs;
	const struct app_buffer_spec *s = spec_for(b, app);
	return s != NULL ? s->dirs : 0;
}

static int check_buffer(struct parse_ctx *pc, struct rule *r, const struct app_buf *b,
			uint8_t *dirs)
{
	enum app_proto app = (enum app_proto)r->h.app;
	uint8_t d = buf_dirs_for(b, app);
	if (d == 0 && app_protocol(app)->state_new == NULL) {
		/* Suricata has buffers for that protocol; vigil recognises it only */
		char name[64];
		snprintf(name, sizeof(name), "%s on %s", b->name, r->h.app_proto);
		pc_unsupported(pc, name);
		return -1;
	}
	if (d == 0) {
		pc_error(pc, "buffer '%s' does not apply to protocol '%s'", b->name,
			 r->h.app_proto);
		return -1;
	}
	if (r->tx_proto != APP_PROTO_UNKNOWN && spec_for(b, (enum app_proto)r->tx_proto) == NULL) {
		pc_error(pc, "buffer '%s' does not apply to protocol '%s'", b->name,
			 app_proto_name((enum app_proto)r->tx_proto));
		return -1;
	}
	*dirs = r->h.tx_both ? (uint8_t)(*dirs | d) : (uint8_t)(*dirs & d);
	return 0;
}

/* One line per protocol whose transactions have an early stage. */
static const char *const *const early_lists[] = {app_buffers_smtp_early};

static bool buffer_early(const char *name)
{
	for (size_t i = 0; i < sizeof(early_lists) / sizeof(early_lists[0]); i++)
		for (const char *const *n = early_lists[i]; *n != NULL; n++)
			if (strcmp(*n, name) == 0)
				return true;
	return false;
}

int rule_finish_app(struct parse_ctx *pc, struct rule *r)
{
	if (r->h.proto_flags & RP_APP) {
		r->h.app = (uint8_t)app_proto_by_rule_name(r->h.app_proto);
		if (r->h.app == APP_PROTO_UNKNOWN) {
			char name[48];
			snprintf(name, sizeof(name), "proto:%s", r->h.app_proto);
			pc_unsupported(pc, name);
			return -1;
		}
	}
	uint8_t dirs = r->h.tx_both ? 0 : AD_BOTH;
	/* A Suricata 8 hook (`dns:request_complete`): the rule runs on the
	 * protocol's transactions, in the hook's direction. */
	if (r->h.hook_dirs != 0 && rule_require_app(pc, r, (enum app_proto)r->h.app,
						    r->h.hook_dirs) != 0)
		return -1;
	if (r->tx_proto != APP_PROTO_UNKNOWN) {
		r->flags |= RF_APP_BUF;
		dirs = r->tx_dirs;
		if (r->h.app != APP_PROTO_UNKNOWN && r->h.app != r->tx_proto) {
			pc_error(pc, "keywords of protocol '%s' in a '%s' rule",
				 app_proto_name((enum app_proto)r->tx_proto), r->h.app_proto);
			return -1;
		}
	}
	bool early = r->nbufs > 0 && r->tx_proto == APP_PROTO_UNKNOWN;
	for (uint32_t i = 0; i < r->nbufs; i++) {
		const struct app_buf *b = buf_by_id(r->bufs[i].buf_id);
		if (b == NULL) {
			early = false;
			continue;
		}
		r->flags |= RF_APP_BUF;
		if (check_buffer(pc, r, b, &dirs) != 0)
			return -1;
		early = early && buffer_early(b->name);
	}
	if (early && (r->flags & RF_APP_BUF) && !r->h.tx_both) /* "=>" waits for the response */
		r->flags |= RF_APP_EARLY;
	if (r->h.tx_both) {
		if (!(r->flags & RF_APP_BUF)) {
			pc_error(pc, "'=>' needs transaction keywords");
			return -1;
		}
		/* evaluated on the response side, whatever its keywords */
		r->flags |= RF_TOCLIENT;
		return 0;
	}
	if (dirs == 0 || (dirs == AD_TS && (r->flags & RF_TOCLIENT)) ||
	    (dirs == AD_TC && (r->flags & RF_TOSERVER))) {
		pc_error(pc, "rule inspects buffers of both directions");
		return -1;
	}
	if (dirs == AD_TS)
		r->flags |= RF_TOSERVER;
	else if (dirs == AD_TC)
		r->flags |= RF_TOCLIENT;
	return 0;
}

bool app_header_match(const struct rule_header *h, const struct packet *p)
{
	if (h->app == APP_PROTO_UNKNOWN)
		return true;
	if (p->flow == NULL)
		return false;
	enum app_proto fp = app_flow_proto(p->flow);
	/* Suricata's AppProtoEquals: a dcerpc rule also looks at the DCERPC
	 * that SMB named pipes carry */
	return fp == (enum app_proto)h->app ||
	       (h->app == APP_PROTO_DCERPC && fp == APP_PROTO_SMB);
}
