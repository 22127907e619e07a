/*
 * kw-app.c — the application-layer inspection buffers (http.*, file.data,
 * dns.query, dns.*.rrname, tls.sni, tls.random*, tls.cert*, ja3*) and their
 * sticky-buffer keywords, plus the helpers transaction keywords share
 * (rule_require_app, app_tx_match).
 *
 * A buffer here is read from the transactions the app layer offers for
 * the packet being inspected (app_inspect_tx(): each transaction side is
 * offered once, on a packet of its direction).  Instance i of a buffer
 * walks (ready transaction, instance within it) in order: one per HTTP
 * transaction, one per name of every ready DNS message, one per header
 * for http.request_header.  A buffer of the wrong direction or of another
 * protocol has no instance.
 *
 * Request buffers imply to_server and response buffers to_client, as in
 * Suricata; file.data is the request body on to_server packets and the
 * response body on to_client ones.  Getters return views into the parser's
 * state and never copy, except http.request_header / response_header,
 * whose "Name: value" is composed in the worker's scratch; the views stay
 * valid for the packet's detection (the scratch until the next instance).
 */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/dns.h"
#include "app/http.h"
#include "app/tls.h"
#include "detect/detect-internal.h"

enum app_kind {
	K_HTTP,
	K_HTTP_HEADER_LINE,
	K_DNS_QUERY,
	K_DNS_QUERIES,
	K_DNS_ANSWERS,
	K_DNS_AUTHORITIES,
	K_DNS_ADDITIONALS,
	K_DNS_RESPONSE,
	K_TLS_SNI,
	K_TLS_RANDOM,
	K_TLS_RANDOM_TIME,
	K_TLS_RANDOM_BYTES,
	K_TLS_SAN,
	K_JA3_HASH,
	K_JA3_STR,
	K_JA3S_HASH,
	K_JA3S_STR,
	K_CERT_SUBJECT,
	K_CERT_ISSUER,
	K_CERT_SERIAL,
	K_CERT_FP,
	K_CERTS,
	K_FILE_NAME,
	K_FILE_MAGIC,
};

/* X(id, name, alias, proto, dirs, http buffer to_server, http buffer to_client, kind) */
#define APP_BUFFERS(X)                                                                             \
	X(URI, "http.uri", NULL, HTTP, AD_TS, HTTP_BUF_URI, -1, K_HTTP)                            \
	X(URI_RAW, "http.uri.raw", NULL, HTTP, AD_TS, HTTP_BUF_URI_RAW, -1, K_HTTP)                \
	X(METHOD, "http.method", NULL, HTTP, AD_TS, HTTP_BUF_METHOD, -1, K_HTTP)                   \
	X(HOST, "http.host", NULL, HTTP, AD_TS, HTTP_BUF_HOST, -1, K_HTTP)                         \
	X(HOST_RAW, "http.host.raw", NULL, HTTP, AD_TS, HTTP_BUF_HOST_RAW, -1, K_HTTP)             \
	X(UA, "http.user_agent", NULL, HTTP, AD_TS, HTTP_BUF_USER_AGENT, -1, K_HTTP)               \
	X(REQ_LINE, "http.request_line", "http_request_line", HTTP, AD_TS, HTTP_BUF_REQUEST_LINE,  \
	  -1, K_HTTP)                                                                              \
	X(REQ_BODY, "http.request_body", NULL, HTTP, AD_TS, HTTP_BUF_REQUEST_BODY, -1, K_HTTP)     \
	X(REFERER, "http.referer", "http_referer", HTTP, AD_TS, HTTP_BUF_REFERER, -1, K_HTTP)      \
	X(ACCEPT, "http.accept", "http_accept", HTTP, AD_TS, HTTP_BUF_ACCEPT, -1, K_HTTP)          \
	X(ACCEPT_ENC, "http.accept_enc", "http_accept_enc", HTTP, AD_TS, HTTP_BUF_ACCEPT_ENC, -1,  \
	  K_HTTP)                                                                                  \
	X(ACCEPT_LANG, "http.accept_lang", "http_accept_lang", HTTP, AD_TS, HTTP_BUF_ACCEPT_LANG,  \
	  -1, K_HTTP)                                                                              \
	X(RESP_LINE, "http.response_line", "http_response_line", HTTP, AD_TC, -1,                  \
	  HTTP_BUF_RESPONSE_LINE, K_HTTP)                                                          \
	X(STAT_CODE, "http.stat_code", NULL, HTTP, AD_TC, -1, HTTP_BUF_STAT_CODE, K_HTTP)          \
	X(STAT_MSG, "http.stat_msg", NULL, HTTP, AD_TC, -1, HTTP_BUF_STAT_MSG, K_HTTP)             \
	X(RESP_BODY, "http.response_body", NULL, HTTP, AD_TC, -1, HTTP_BUF_RESPONSE_BODY, K_HTTP)  \
	X(LOCATION, "http.location", NULL, HTTP, AD_TC, -1, HTTP_BUF_LOCATION, K_HTTP)             \
	X(SERVER, "http.server", NULL, HTTP, AD_TC, -1, HTTP_BUF_SERVER, K_HTTP)                   \
	X(HEADER, "http.header", NULL, HTTP, AD_BOTH, HTTP_BUF_HEADER, HTTP_BUF_HEADER, K_HTTP)    \
	X(HEADER_RAW, "http.header.raw", NULL, HTTP, AD_BOTH, HTTP_BUF_HEADER_RAW,                 \
	  HTTP_BUF_HEADER_RAW, K_HTTP)                                                             \
	X(HEADER_NAMES, "http.header_names", "http_header_names", HTTP, AD_BOTH,                   \
	  HTTP_BUF_HEADER_NAMES, HTTP_BUF_HEADER_NAMES, K_HTTP)                                    \
	X(COOKIE, "http.cookie", NULL, HTTP, AD_BOTH, HTTP_BUF_COOKIE, HTTP_BUF_COOKIE, K_HTTP)    \
	X(PROTOCOL, "http.protocol", "http_protocol", HTTP, AD_BOTH, HTTP_BUF_PROTOCOL,            \
	  HTTP_BUF_PROTOCOL, K_HTTP)                                                               \
	X(START, "http.start", "http_start", HTTP, AD_BOTH, HTTP_BUF_START, HTTP_BUF_START,        \
	  K_HTTP)                                                                                  \
	X(CONTENT_TYPE, "http.content_type", "http_content_type", HTTP, AD_BOTH,                   \
	  HTTP_BUF_CONTENT_TYPE, HTTP_BUF_CONTENT_TYPE, K_HTTP)                                    \
	X(CONTENT_LEN, "http.content_len", "http_content_len", HTTP, AD_BOTH,                      \
	  HTTP_BUF_CONTENT_LEN, HTTP_BUF_CONTENT_LEN, K_HTTP)                                      \
	X(CONNECTION, "http.connection", "http_connection", HTTP, AD_BOTH, HTTP_BUF_CONNECTION,    \
	  HTTP_BUF_CONNECTION, K_HTTP)                                                             \
	X(REQUEST_HEADER, "http.request_header", NULL, HTTP, AD_TS, -1, -1, K_HTTP_HEADER_LINE)    \
	X(RESPONSE_HEADER, "http.response_header", NULL, HTTP, AD_TC, -1, -1, K_HTTP_HEADER_LINE)  \
	X(FILE_DATA, "file.data", "file_data", HTTP, AD_BOTH, HTTP_BUF_REQUEST_BODY,               \
	  HTTP_BUF_RESPONSE_BODY, K_HTTP)                                                          \
	X(DNS_QUERY, "dns.query", "dns_query", DNS, AD_TS, -1, -1, K_DNS_QUERY)                    \
	X(DNS_QUERIES, "dns.queries.rrname", NULL, DNS, AD_BOTH, -1, -1, K_DNS_QUERIES)            \
	X(DNS_ANSWERS, "dns.answers.rrname", NULL, DNS, AD_BOTH, -1, -1, K_DNS_ANSWERS)            \
	X(DNS_AUTHORITIES, "dns.authorities.rrname", NULL, DNS, AD_BOTH, -1, -1,                   \
	  K_DNS_AUTHORITIES)                                                                       \
	X(DNS_ADDITIONALS, "dns.additionals.rrname", NULL, DNS, AD_BOTH, -1, -1,                   \
	  K_DNS_ADDITIONALS)                                                                       \
	X(DNS_RESPONSE, "dns.response.rrname", NULL, DNS, AD_TC, -1, -1, K_DNS_RESPONSE)           \
	X(TLS_SNI, "tls.sni", "tls_sni", TLS, AD_TS, -1, -1, K_TLS_SNI)                            \
	X(TLS_RANDOM, "tls.random", NULL, TLS, AD_BOTH, -1, -1, K_TLS_RANDOM)                      \
	X(TLS_RANDOM_TIME, "tls.random_time", NULL, TLS, AD_BOTH, -1, -1, K_TLS_RANDOM_TIME)       \
	X(TLS_RANDOM_BYTES, "tls.random_bytes", NULL, TLS, AD_BOTH, -1, -1, K_TLS_RANDOM_BYTES)    \
	X(TLS_SAN, "tls.subjectaltname", NULL, TLS, AD_TC, -1, -1, K_TLS_SAN)                      \
	X(JA3_HASH, "ja3.hash", "ja3_hash", TLS, AD_TS, -1, -1, K_JA3_HASH)                        \
	X(JA3_STR, "ja3.string", "ja3_string", TLS, AD_TS, -1, -1, K_JA3_STR)                      \
	X(JA3S_HASH, "ja3s.hash", "ja3s_hash", TLS, AD_TC, -1, -1, K_JA3S_HASH)                    \
	X(JA3S_STR, "ja3s.string", "ja3s_string", TLS, AD_TC, -1, -1, K_JA3S_STR)                  \
	X(CERT_SUBJECT, "tls.cert_subject", "tls_cert_subject", TLS, AD_BOTH, -1, -1,              \
	  K_CERT_SUBJECT)                                                                          \
	X(CERT_ISSUER, "tls.cert_issuer", "tls_cert_issuer", TLS, AD_BOTH, -1, -1, K_CERT_ISSUER)  \
	X(CERT_SERIAL, "tls.cert_serial", "tls_cert_serial", TLS, AD_BOTH, -1, -1, K_CERT_SERIAL)  \
	X(CERT_FP, "tls.cert_fingerprint", "tls_cert_fingerprint", TLS, AD_BOTH, -1, -1,           \
	  K_CERT_FP)                                                                               \
	X(CERTS, "tls.certs", NULL, TLS, AD_BOTH, -1, -1, K_CERTS)                                 \
	X(FILE_NAME, "file.name", NULL, HTTP, AD_BOTH, -1, -1, K_FILE_NAME)                        \
	X(FILE_MAGIC, "file.magic", NULL, HTTP, AD_BOTH, -1, -1, K_FILE_MAGIC)

#define X_ID(id, ...) AB_##id,
enum { APP_BUFFERS(X_ID) AB_COUNT };

struct app_buffer {
	const char *alias;
	enum app_proto proto;
	uint8_t dirs;
	int8_t hb[2]; /* enum http_buffer by enum app_dir, -1 = none */
	enum app_kind kind;
};

#define X_INFO(id, name, alias, proto, dirs, hts, htc, kind)                                       \
	[AB_##id] = {alias, APP_PROTO_##proto, dirs, {hts, htc}, kind},
static const struct app_buffer app_buffers[AB_COUNT] = {APP_BUFFERS(X_INFO)};

/* Certificate buffers: the end-entity certificate of the side's chain
 * (the server's on to_client packets, a client certificate's on
 * to_server), or for tls.certs every certificate of it. */
static bool cert_instance(const struct app_buffer *ab, enum app_dir dir, const void *state,
			  uint32_t k, const uint8_t **d, uint32_t *l)
{
	if (k > 0 && ab->kind != K_CERTS)
		return false;
	const struct tls_cert *c = tls_cert(state, dir, k);
	if (c == NULL)
		return false;
	switch (ab->kind) {
	case K_CERT_SUBJECT:
		*d = (const uint8_t *)c->subject;
		*l = c->subject_len;
		break;
	case K_CERT_ISSUER:
		*d = (const uint8_t *)c->issuer;
		*l = c->issuer_len;
		break;
	case K_CERT_SERIAL:
		*d = (const uint8_t *)c->serial;
		*l = c->serial != NULL ? (uint32_t)strlen(c->serial) : 0;
		break;
	case K_CERT_FP:
		*d = (const uint8_t *)c->fingerprint;
		*l = (uint32_t)strnlen(c->fingerprint, sizeof(c->fingerprint));
		break;
	default:
		*d = c->der;
		*l = c->der_len;
		break;
	}
	return *d != NULL && *l > 0;
}

/* tls.random (32 bytes), tls.random_time (its first 4) and tls.random_bytes
 * (the other 28) of the hello of the packet's side. */
static bool random_part(enum app_kind kind, enum app_dir dir, const void *state, const uint8_t **d,
			uint32_t *l)
{
	const uint8_t *rnd = tls_random(state, dir);
	if (rnd == NULL)
		return false;
	*d = kind == K_TLS_RANDOM_BYTES ? rnd + 4 : rnd;
	*l = kind == K_TLS_RANDOM ? 32 : kind == K_TLS_RANDOM_TIME ? 4 : 28;
	return true;
}

/* http.request_header / http.response_header: header k as "Name: value",
 * composed in dt's scratch. */
static bool header_line(struct det_thread *dt, enum app_dir dir, const void *tx, uint32_t k,
			const uint8_t **d, uint32_t *l)
{
	const uint8_t *name, *value;
	uint32_t nl, vl;
	if (dt == NULL || !http_tx_header_at(tx, dir, k, &name, &nl, &value, &vl))
		return false;
	uint64_t need = (uint64_t)nl + 2 + vl;
	if (need > UINT32_MAX)
		return false;
	if (dt->app_scratch_cap < need) {
		uint8_t *nb = realloc(dt->app_scratch, (size_t)need);
		if (nb == NULL)
			return false;
		dt->app_scratch = nb;
		dt->app_scratch_cap = (uint32_t)need;
	}
	memcpy(dt->app_scratch, name, nl);
	memcpy(dt->app_scratch + nl, ": ", 2);
	memcpy(dt->app_scratch + nl + 2, value, vl);
	*d = dt->app_scratch;
	*l = (uint32_t)need;
	return true;
}

/* The k-th instance of buffer ab in one transaction side. */
static bool tx_instance(const struct app_buffer *ab, struct det_thread *dt, enum app_dir dir,
			const void *tx, uint32_t k, const uint8_t **d, uint32_t *l)
{
	const char *s = NULL;
	switch (ab->kind) {
	case K_HTTP_HEADER_LINE: return header_line(dt, dir, tx, k, d, l);
	case K_HTTP:
		return k == 0 && ab->hb[dir] >= 0 &&
		       http_tx_buffer(tx, dir, (enum http_buffer)ab->hb[dir], d, l);
	case K_DNS_QUERY: {
		const struct dns_tx *t = tx;
		return t->request && dns_tx_get_query_name(t, k, d, l);
	}
	case K_DNS_QUERIES: return dns_tx_get_query_name(tx, k, d, l);
	case K_DNS_ANSWERS: return dns_tx_get_answer_name(tx, k, d, l);
	case K_DNS_AUTHORITIES: return dns_tx_get_authority_name(tx, k, d, l);
	case K_DNS_ADDITIONALS: return dns_tx_get_additional_name(tx, k, d, l);
	case K_DNS_RESPONSE: return dns_tx_get_response_name(tx, k, d, l);
	case K_TLS_SNI: {
		if (k > 0)
			return false;
		uint32_t n = 0;
		s = tls_sni(tx, &n);
		if (s == NULL || n == 0)
			return false;
		*d = (const uint8_t *)s;
		*l = n;
		return true;
	}
	case K_TLS_RANDOM:
	case K_TLS_RANDOM_TIME:
	case K_TLS_RANDOM_BYTES: return k == 0 && random_part(ab->kind, dir, tx, d, l);
	case K_TLS_SAN: {
		/* every dNSName of the server's end-entity certificate */
		const struct tls_cert *c = tls_cert(tx, dir, 0);
		if (c == NULL || k >= c->n_sans)
			return false;
		*d = (const uint8_t *)c->sans[k];
		*l = c->san_lens[k];
		return true;
	}
	case K_JA3_HASH: s = tls_ja3_hash(tx); break;
	case K_JA3_STR: s = tls_ja3_string(tx); break;
	case K_JA3S_HASH: s = tls_ja3s_hash(tx); break;
	case K_JA3S_STR: s = tls_ja3s_string(tx); break;
	case K_CERT_SUBJECT:
	case K_CERT_ISSUER:
	case K_CERT_SERIAL:
	case K_CERT_FP:
	case K_CERTS: return cert_instance(ab, dir, tx, k, d, l);
	case K_FILE_NAME: {
		/* an HTTP transaction carries one file: the response body */
		struct http_file_info fi;
		if (k > 0 || dir != APP_TOCLIENT || !http_tx_file(tx, &fi) || fi.name_len == 0)
			return false;
		*d = fi.name;
		*l = fi.name_len;
		return true;
	}
	case K_FILE_MAGIC:
		if (k > 0 || dir != APP_TOCLIENT)
			return false;
		s = http_tx_file_magic(tx, detect_thread_magic(dt));
		break;
	}
	if (k > 0 || s == NULL || *s == '\0')
		return false;
	*d = (const uint8_t *)s;
	*l = (uint32_t)strlen(s);
	return true;
}

bool app_buffer_get(int buf_id, struct det_thread *dt, const struct packet *p, uint32_t index,
		    const uint8_t **d, uint32_t *l, uint64_t *tx_id)
{
	int k = buf_id - BUF_MAX_BUILTIN;
	if (k < 0 || k >= AB_COUNT || p->flow == NULL)
		return false;
	const struct app_buffer *ab = &app_buffers[k];
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	if (!(ab->dirs & (1u << dir)))
		return false;
	enum app_proto proto;
	const void *tx;
	uint64_t id;
	uint32_t seen = 0;
	for (uint32_t t = 0; app_inspect_tx(p, t, &proto, &tx, &id); t++) {
		if (proto != ab->proto)
			return false;
		for (uint32_t i = 0; tx_instance(ab, dt, dir, tx, i, d, l); i++, seen++)
			if (seen == index) {
				if (tx_id != NULL)
					*tx_id = id;
				return true;
			}
	}
	return false;
}

#define X_GET(id, ...)                                                                             \
	static bool get_##id(const struct packet *p, uint32_t i, const uint8_t **d, uint32_t *l)   \
	{                                                                                          \
		return app_buffer_get(BUF_MAX_BUILTIN + AB_##id, NULL, p, i, d, l, NULL);          \
	}
APP_BUFFERS(X_GET)

#define X_DEF(id, name, alias, proto, dirs, hts, htc, kind)                                        \
	[AB_##id] = {name, get_##id, APP_PROTO_##proto == APP_PROTO_DNS ? 0 : 6},
static const struct buffer_def app_defs[AB_COUNT] = {APP_BUFFERS(X_DEF)};

const struct buffer_def *app_buffer_def(int buf_id)
{
	int k = buf_id - BUF_MAX_BUILTIN;
	return k >= 0 && k < AB_COUNT ? &app_defs[k] : NULL;
}

int app_buffer_lookup(const char *name)
{
	for (int k = 0; k < AB_COUNT; k++)
		if (strcmp(app_defs[k].name, name) == 0)
			return BUF_MAX_BUILTIN + k;
	return -1;
}

bool buffer_is_app(int buf_id)
{
	return app_buffer_def(buf_id) != NULL;
}

enum app_proto app_proto_by_rule_name(const char *name)
{
	if (strcmp(name, "http") == 0 || strcmp(name, "http1") == 0)
		return APP_PROTO_HTTP;
	if (strcmp(name, "tls") == 0 || strcmp(name, "ssl") == 0)
		return APP_PROTO_TLS;
	if (strcmp(name, "dns") == 0)
		return APP_PROTO_DNS;
	/* recognised without a parser: their rules match on the stream */
	if (strcmp(name, "smtp") == 0)
		return APP_PROTO_SMTP;
	if (strcmp(name, "ftp") == 0)
		return APP_PROTO_FTP;
	if (strcmp(name, "smb") == 0)
		return APP_PROTO_SMB;
	if (strcmp(name, "ssh") == 0)
		return APP_PROTO_SSH;
	return APP_PROTO_UNKNOWN;
}

int rule_require_app(struct parse_ctx *pc, struct rule *r, enum app_proto proto, uint8_t dirs)
{
	if (r->tx_proto != APP_PROTO_UNKNOWN && r->tx_proto != proto) {
		pc_error(pc, "rule mixes keywords of different app protocols");
		return -1;
	}
	r->tx_dirs = r->tx_proto == APP_PROTO_UNKNOWN ? dirs : (uint8_t)(r->tx_dirs & dirs);
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
	for (uint32_t t = 0; app_inspect_tx(p, t, &tp, &tx, &id); t++) {
		if (tp != proto)
			return false;
		if (test(tx, dir, ctx)) {
			dt->tx_id = id;
			return true;
		}
	}
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
	uint8_t dirs = AD_BOTH;
	if (r->tx_proto != APP_PROTO_UNKNOWN) {
		r->flags |= RF_APP_BUF;
		dirs = r->tx_dirs;
		if (r->h.app != APP_PROTO_UNKNOWN && r->h.app != r->tx_proto) {
			pc_error(pc, "keywords of protocol '%s' in a '%s' rule",
				 app_proto_name((enum app_proto)r->tx_proto), r->h.app_proto);
			return -1;
		}
	}
	for (uint32_t i = 0; i < r->nbufs; i++) {
		int k = r->bufs[i].buf_id - BUF_MAX_BUILTIN;
		if (k < 0 || k >= AB_COUNT)
			continue;
		r->flags |= RF_APP_BUF;
		dirs &= app_buffers[k].dirs;
		if (r->h.app >= APP_PROTO_SMTP && r->h.app != app_buffers[k].proto) {
			/* Suricata has these buffers for that protocol; vigil has no parser */
			char name[64];
			snprintf(name, sizeof(name), "%s on %s", app_defs[k].name, r->h.app_proto);
			pc_unsupported(pc, name);
			return -1;
		}
		if (r->h.app != APP_PROTO_UNKNOWN && r->h.app != app_buffers[k].proto) {
			pc_error(pc, "buffer '%s' does not apply to protocol '%s'",
				 app_defs[k].name, r->h.app_proto);
			return -1;
		}
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
	return h->app == APP_PROTO_UNKNOWN ||
	       (p->flow != NULL && app_flow_proto(p->flow) == (enum app_proto)h->app);
}

/* ------------------------------------------------------------ urilen */

/* urilen:[<>]N[<>M][,norm|raw]: the size of http.uri (or http.uri.raw),
 * checked by bsize on that buffer; the sticky buffer does not change. */
static int urilen_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char v[64];
	snprintf(v, sizeof(v), "%s", arg);
	int buf = BUF_MAX_BUILTIN + AB_URI;
	char *comma = strchr(v, ',');
	if (comma != NULL) {
		*comma = '\0';
		char *kind = str_trim(comma + 1);
		if (strcmp(kind, "raw") == 0) {
			buf = BUF_MAX_BUILTIN + AB_URI_RAW;
		} else if (strcmp(kind, "norm") != 0) {
			pc_error(pc, "invalid urilen '%s'", arg);
			return -1;
		}
	}
	struct u64_cmp *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (u64_cmp_parse(str_trim(v), UINT32_MAX, c) != 0) {
		pc_error(pc, "invalid urilen '%s'", arg);
		free(c);
		return -1;
	}
	struct rule_buffer *rb = rule_get_buffer(r, buf, true);
	if (rb == NULL || list_add_payload(rb, kw_lookup("bsize"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ sticky keywords */

#define X_SETUP(id, ...)                                                                           \
	static int setup_##id(struct parse_ctx *pc, struct rule *r, const char *arg)               \
	{                                                                                          \
		(void)arg;                                                                         \
		return sticky_buffer_select(pc, r, BUF_MAX_BUILTIN + AB_##id);                     \
	}
APP_BUFFERS(X_SETUP)

#define X_KW(id, name, alias, ...)                                                                 \
	{name, alias, "sticky buffer " name, setup_##id, NULL, NULL, NULL, KW_NOOPT | KW_STICKY},
static const struct kw_def defs[] = {
    {"urilen", NULL, "size of the normalised (or raw) HTTP URI", urilen_setup, NULL, NULL, NULL, 0},
    APP_BUFFERS(X_KW)};

const struct kw_family kw_family_app = {defs, sizeof(defs) / sizeof(defs[0])};
