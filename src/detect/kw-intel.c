/*
 * kw-intel.c — indicators of the loaded feeds (intel/ioc.h) on traffic:
 * the `intel` keyword and the built-in rules that use it.
 *
 *   intel:ip;      source or destination address (first packet of each
 *                  flow direction, so a flow alerts once a side)
 *   intel:domain;  the buffer (dns.query, tls.sni, http.host) or a parent
 *                  domain of it
 *   intel:url;     the HTTP request's host + URI
 *   intel:file;    MD5, SHA-1 and SHA-256 of files when they close
 *   intel:ja3;     the buffer (ja3.hash, ja3s.hash) as a JA3 MD5
 *
 * Only indicators valid at the packet's time match.  The indicator and
 * its provenance (feed, publisher, stakeholder, TLP, source id,
 * confidence, validity) ride on the alert as alert.context.intel.  When
 * feeds are loaded the engine adds intel_rules (signature ids
 * INTEL_SID_BASE + 1 ..), one per place indicators of the loaded types
 * can show.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/detect-internal.h"
#include "intel/ioc.h"

enum intel_kind { IK_IP, IK_DOMAIN, IK_URL, IK_FILE, IK_JA3 };

#define RING_SLOTS 64
#define RING_SLOT 1024

static void time_text(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * The hit as JSON in the worker's ring of context strings: a slot is
 * reused only RING_SLOTS hits later, more than one packet's alerts can
 * hold (DETECT_PACKET_ALERT_MAX), and a packet's alerts are logged before
 * the next packet is inspected.
 */
static const char *render(struct det_thread *dt, const struct ioc_hit *h, const char *on)
{
	if (dt->ctx_ring == NULL && (dt->ctx_ring = malloc(RING_SLOTS * RING_SLOT)) == NULL)
		return NULL;
	char *slot = dt->ctx_ring + (dt->ctx_ring_pos++ % RING_SLOTS) * RING_SLOT;
	json_t *o = json_object();
	json_object_set_new(o, "indicator", json_string(h->value));
	json_object_set_new(o, "type", json_string(ioc_type_name(h->type)));
	json_object_set_new(o, "matched_on", json_string(on));
	json_object_set_new(o, "feed", json_string(h->feed));
	json_object_set_new(o, "publisher", json_string(h->publisher));
	if (h->stakeholder)
		json_object_set_new(o, "stakeholder", json_string(h->stakeholder));
	if (h->tlp != TLP_UNKNOWN)
		json_object_set_new(o, "tlp", json_string(ioc_tlp_name(h->tlp)));
	if (h->source_id)
		json_object_set_new(o, "source_id", json_string(h->source_id));
	if (h->confidence >= 0)
		json_object_set_new(o, "confidence", json_integer(h->confidence));
	char t[32];
	if (h->valid_from) {
		time_text(h->valid_from, t, sizeof(t));
		json_object_set_new(o, "valid_from", json_string(t));
	}
	if (h->valid_until) {
		time_text(h->valid_until, t, sizeof(t));
		json_object_set_new(o, "valid_until", json_string(t));
	}
	size_t n = json_dumpb(o, slot, RING_SLOT - 1, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (n == 0 || n >= RING_SLOT)
		return NULL;
	slot[n] = '\0';
	return slot;
}

static void hit_found(struct det_thread *dt, const struct ioc_hit *h, const char *on)
{
	const char *json = render(dt, h, on);
	if (json)
		detect_keep_context(dt, "intel", json);
}

/* ------------------------------------------------------------ matches */

static bool lookup_ip(const struct ioc_db *db, const struct ip_addr *a, int64_t now,
		      struct ioc_hit *h)
{
	if (a->family == 4)
		return ioc_db_lookup(db, IOC_IPV4, a->bytes, 4, now, h);
	if (a->family == 6)
		return ioc_db_lookup(db, IOC_IPV6, a->bytes, 16, now, h);
	return false;
}

static int ip_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		    const void *ctx)
{
	const struct ioc_db *db = dt->de->ioc;
	if (db == NULL || p->ip_version == 0)
		return 0;
	if (p->flow) { /* once a flow direction */
		uint64_t n = p->flow_toserver ? p->flow->pkts_toserver : p->flow->pkts_toclient;
		if (n != 1)
			return 0;
	}
	struct ioc_hit h;
	if (lookup_ip(db, &p->src, p->ts_sec, &h)) {
		hit_found(dt, &h, "src_ip");
		return 1;
	}
	if (lookup_ip(db, &p->dst, p->ts_sec, &h)) {
		hit_found(dt, &h, "dest_ip");
		return 1;
	}
	return 0;
}

static const char *buffer_name(const struct det_thread *dt)
{
	/* the rule's first buffer is the one the keyword sits in (intel rules
	 * have one) */
	const struct buffer_def *bd = dt->r && dt->r->nbufs ? buffer_def(dt->r->bufs[0].buf_id)
							    : NULL;
	return bd ? bd->name : "buffer";
}

static int domain_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			  uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	*retry = UINT32_MAX;
	*end = cursor;
	const struct ioc_db *db = dt ? dt->de->ioc : NULL;
	if (db == NULL || b->data == NULL || b->len == 0)
		return -1;
	struct ioc_hit h;
	/* the name, then each parent domain: an indicator for evil.example
	 * covers www.evil.example */
	for (uint32_t i = 0; i < b->len; i++) {
		if (i > 0 && b->data[i - 1] != '.')
			continue;
		if (ioc_db_lookup(db, IOC_DOMAIN, b->data + i, b->len - i, dt->p->ts_sec, &h)) {
			hit_found(dt, &h, buffer_name(dt));
			return 1;
		}
	}
	return -1;
}

static int ja3_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
		       uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	*retry = UINT32_MAX;
	*end = cursor;
	const struct ioc_db *db = dt ? dt->de->ioc : NULL;
	if (db == NULL || b->data == NULL || b->len != 32)
		return -1;
	uint8_t md5[16];
	for (int i = 0; i < 16; i++) {
		char hx[3] = {(char)b->data[2 * i], (char)b->data[2 * i + 1], 0};
		char *e;
		long v = strtol(hx, &e, 16);
		if (*e)
			return -1;
		md5[i] = (uint8_t)v;
	}
	struct ioc_hit h;
	if (!ioc_db_lookup(db, IOC_JA3, md5, 16, dt->p->ts_sec, &h))
		return -1;
	hit_found(dt, &h, buffer_name(dt));
	return 1;
}

static int url_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	const struct ioc_db *db = dt->de->ioc;
	int host_id = app_buffer_id("http.host"), uri_id = app_buffer_id("http.uri");
	const uint8_t *host, *uri;
	uint32_t hl, ul;
	uint64_t tx_host, tx_uri;
	for (uint32_t i = 0; app_buffer_get(uri_id, dt, p, i, &uri, &ul, &tx_uri); i++) {
		if (!app_buffer_get(host_id, dt, p, i, &host, &hl, &tx_host) || tx_host != tx_uri)
			continue;
		char url[2048];
		uint32_t n = 0;
		for (uint32_t k = 0; k < hl && n < sizeof(url) - 1; k++) /* the host, lower case */
			url[n++] = (char)(host[k] >= 'A' && host[k] <= 'Z' ? host[k] + 32 : host[k]);
		if (hl + ul >= sizeof(url))
			continue;
		memcpy(url + n, uri, ul);
		n += ul;
		struct ioc_hit h;
		/* the URL with its query, then without */
		uint32_t q = 0;
		while (q < n && url[q] != '?')
			q++;
		if (ioc_db_lookup(db, IOC_URL, (const uint8_t *)url, n, p->ts_sec, &h) ||
		    (q < n && ioc_db_lookup(db, IOC_URL, (const uint8_t *)url, q, p->ts_sec, &h))) {
			dt->tx_id = tx_uri;
			hit_found(dt, &h, "http.url");
			return 1;
		}
	}
	return 0;
}

static int file_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		      const void *ctx)
{
	const struct ioc_db *db = dt->de->ioc;
	struct app_file_info fi;
	uint64_t tx_id;
	for (uint32_t i = 0; packet_file(dt, p, i, &fi, &tx_id); i++) {
		struct ioc_hit h;
		bool m = ((fi.hashes & APP_FILE_MD5) &&
			  ioc_db_lookup(db, IOC_MD5, fi.md5, 16, p->ts_sec, &h)) ||
			 ((fi.hashes & APP_FILE_SHA1) &&
			  ioc_db_lookup(db, IOC_SHA1, fi.sha1, 20, p->ts_sec, &h)) ||
			 ((fi.hashes & APP_FILE_SHA256) &&
			  ioc_db_lookup(db, IOC_SHA256, fi.sha256, 32, p->ts_sec, &h));
		if (m) {
			dt->tx_id = tx_id;
			hit_found(dt, &h, "file");
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ setup */

static int intel_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	static const char *const names[] = {"ip", "domain", "url", "file", "ja3"};
	int k = 0;
	while (k < 5 && (arg == NULL || strcmp(arg, names[k]) != 0))
		k++;
	if (k == 5) {
		pc_error(pc, "intel needs one of ip, domain, url, file, ja3");
		return -1;
	}
	switch ((enum intel_kind)k) {
	case IK_IP: return rule_add_sm(r, LIST_MATCH, kw_lookup("intel.ip"), NULL) ? 0 : -1;
	case IK_URL:
		if (rule_require_app(pc, r, APP_PROTO_HTTP, AD_TS) != 0)
			return -1;
		return rule_add_sm(r, LIST_MATCH, kw_lookup("intel.url"), NULL) ? 0 : -1;
	case IK_FILE: {
		/* only the digests some indicator has: each is a pass over every file */
		const struct ioc_db *db = pc->de->ioc;
		uint8_t want = 0;
		if (db == NULL || ioc_db_count_type(db, IOC_MD5) > 0)
			want |= APP_FILE_MD5;
		if (db == NULL || ioc_db_count_type(db, IOC_SHA1) > 0)
			want |= APP_FILE_SHA1;
		if (db == NULL || ioc_db_count_type(db, IOC_SHA256) > 0)
			want |= APP_FILE_SHA256;
		pc->de->file_hashes |= want;
		r->flags |= RF_APP_BUF;
		return rule_add_sm(r, LIST_MATCH, kw_lookup("intel.file"), NULL) ? 0 : -1;
	}
	default: {
		if (r->cur_buf < 0) {
			pc_error(pc, "intel:%s needs a sticky buffer (dns.query, tls.sni, ...)",
				 names[k]);
			return -1;
		}
		struct rule_buffer *rb = rule_cur_buffer(r);
		const char *kw = k == IK_DOMAIN ? "intel.domain" : "intel.ja3";
		return rb && list_add_payload(rb, kw_lookup(kw), NULL) ? 0 : -1;
	}
	}
}

/* The internal keywords the setup adds (not for rules: no setup). */
static int internal_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	pc_error(pc, "internal keyword");
	return -1;
}

static const struct kw_def defs[] = {
    {"intel", NULL, "the address, buffer, URL or file is an indicator of a loaded feed",
     intel_setup, NULL, NULL, NULL, 0},
    {"intel.ip", NULL, "(internal)", internal_setup, ip_match, NULL, NULL, 0},
    {"intel.url", NULL, "(internal)", internal_setup, url_match, NULL, NULL, 0},
    {"intel.file", NULL, "(internal)", internal_setup, file_match, NULL, NULL, 0},
    {"intel.domain", NULL, "(internal)", internal_setup, NULL, domain_inspect, NULL,
     KW_PAYLOAD},
    {"intel.ja3", NULL, "(internal)", internal_setup, NULL, ja3_inspect, NULL, KW_PAYLOAD},
};

const struct kw_family kw_family_intel = {defs, sizeof(defs) / sizeof(defs[0])};

/* ------------------------------------------------------------ rules */

struct intel_rule {
	const char *text;
	enum ioc_type types[3];
	int ntypes;
};

static const struct intel_rule rules[] = {
    {"alert ip any any -> any any (msg:\"VIGIL INTEL address indicator\"; intel:ip; "
     "metadata:vigil intel; sid:9200001; rev:1;)",
     {IOC_IPV4, IOC_IPV6},
     2},
    {"alert dns any any -> any any (msg:\"VIGIL INTEL domain indicator in DNS query\"; "
     "dns.query; intel:domain; metadata:vigil intel; sid:9200002; rev:1;)",
     {IOC_DOMAIN},
     1},
    {"alert tls any any -> any any (msg:\"VIGIL INTEL domain indicator in TLS SNI\"; "
     "tls.sni; intel:domain; metadata:vigil intel; sid:9200003; rev:1;)",
     {IOC_DOMAIN},
     1},
    {"alert http any any -> any any (msg:\"VIGIL INTEL domain indicator in HTTP host\"; "
     "http.host; intel:domain; metadata:vigil intel; sid:9200004; rev:1;)",
     {IOC_DOMAIN},
     1},
    {"alert http any any -> any any (msg:\"VIGIL INTEL URL indicator\"; intel:url; "
     "metadata:vigil intel; sid:9200005; rev:1;)",
     {IOC_URL},
     1},
    {"alert ip any any -> any any (msg:\"VIGIL INTEL file hash indicator\"; intel:file; "
     "metadata:vigil intel; sid:9200006; rev:1;)",
     {IOC_MD5, IOC_SHA1, IOC_SHA256},
     3},
    {"alert tls any any -> any any (msg:\"VIGIL INTEL JA3 indicator\"; ja3.hash; intel:ja3; "
     "metadata:vigil intel; sid:9200007; rev:1;)",
     {IOC_JA3},
     1},
};

size_t intel_rule_texts(const struct ioc_db *db, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && n < max; i++) {
		uint64_t have = 0;
		for (int k = 0; k < rules[i].ntypes; k++)
			have += ioc_db_count_type(db, rules[i].types[k]);
		if (have > 0)
			out[n++] = rules[i].text;
	}
	return n;
}
