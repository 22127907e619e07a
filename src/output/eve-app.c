/*
 * eve-app — EVE "dns", "http" and "tls" events: one per transaction the
 * application layer says is ready, written by the parser's own JSON
 * writer inside the common header; "fileinfo" for the file a logged
 * transaction carried, and "anomaly" for its parser events.
 */
#include "app/app.h"
#include "app/dns.h"
#include "app/http.h"
#include "app/tls.h"
#include "output/eve.h"
#include "util/json.h"

#include <stdio.h>

struct app_log {
	struct eve_logger *l;
	const struct packet *p;
	struct flow *f;
};

/*
 * "anomaly" events of type applayer for the parser events a transaction
 * carries, logged with the transaction, in the direction of the packet
 * that completed it.  Names are Suricata's: upper case for HTTP and TLS
 * (their C event tables), lower case for DNS (its Rust one).
 */
static void log_one_anomaly(struct app_log *a, const char *proto, const char *name, bool upper,
			    uint64_t tx_id)
{
	char ev[64];
	size_t n = 0;
	for (; name[n] != '\0' && n + 1 < sizeof(ev); n++)
		ev[n] = upper && name[n] >= 'a' && name[n] <= 'z' ? (char)(name[n] - 32) : name[n];
	ev[n] = '\0';
	struct json *j = a->p ? eve_begin(a->l, "anomaly", a->p, a->f, 0, 0)
			      : eve_begin_tx(a->l, "anomaly", NULL, a->f);
	json_uint(j, "tx_id", tx_id);
	json_open_object(j, "anomaly");
	json_str(j, "app_proto", proto);
	json_str(j, "type", "applayer");
	json_str(j, "event", ev);
	json_str(j, "layer", "proto_parser");
	json_close_object(j);
	eve_commit(a->l);
}

static void log_tx_anomalies(struct app_log *a, enum app_proto proto, const void *state,
			     const void *tx, uint64_t tx_id)
{
	const struct eve_config *cfg = eve_logger_config(a->l);
	if (!cfg->types[EVE_T_ANOMALY] || !cfg->anomaly_applayer)
		return;
	switch (proto) {
	case APP_PROTO_HTTP:
		for (int e = 0; e < HTTP_EV__COUNT; e++)
			if (http_tx_has_event(tx, (enum http_event)e))
				log_one_anomaly(a, "http", http_event_name((enum http_event)e),
						true, tx_id);
		break;
	case APP_PROTO_DNS:
		for (int e = 0; e < DNS_EV_COUNT; e++)
			if (dns_tx_has_event(tx, (enum dns_event)e))
				log_one_anomaly(a, "dns", dns_event_name((enum dns_event)e), false,
						tx_id);
		break;
	case APP_PROTO_TLS:
		for (int e = 0; e < TLS_EV_COUNT; e++)
			if (tls_has_event(state, (enum tls_event)e))
				log_one_anomaly(a, "tls", tls_event_name((enum tls_event)e), true,
						tx_id);
		break;
	default: break;
	}
}

static void put_hex(struct json *j, const char *key, const uint8_t *d, size_t n)
{
	char buf[2 * 32 + 1];
	for (size_t i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", d[i]);
	json_str(j, key, buf);
}

/*
 * "fileinfo" for the file an HTTP response carried, once the file is
 * closed or truncated (so when its transaction is logged).  The header
 * names the server first, as the file flows to the client; the "http"
 * object is the transaction's, as Suricata adds it.
 */
static void log_http_file(struct app_log *a, const struct http_tx *tx, uint64_t tx_id)
{
	struct http_file_info fi;
	if (!http_tx_file(tx, &fi) || fi.state == HTTP_FILE_OPEN)
		return;
	struct json *j = eve_begin_tx_toclient(a->l, "fileinfo", a->p, a->f);
	eve_put_app_object(j, APP_PROTO_HTTP, NULL, tx, true);
	json_str(j, "app_proto", "http");
	json_open_object(j, "fileinfo");
	json_strn(j, "filename", fi.name, fi.name_len);
	/* known when a file.magic rule asked for it, or with force-magic */
	const char *magic = http_tx_file_magic(tx, eve_logger_magic(a->l));
	if (magic != NULL)
		json_str(j, "magic", magic);
	json_bool(j, "gaps", fi.gaps);
	json_str(j, "state", fi.state == HTTP_FILE_CLOSED ? "CLOSED" : "TRUNCATED");
	if (fi.hashes & HTTP_FILE_MD5)
		put_hex(j, "md5", fi.md5, sizeof(fi.md5));
	if (fi.hashes & HTTP_FILE_SHA1)
		put_hex(j, "sha1", fi.sha1, sizeof(fi.sha1));
	if (fi.hashes & HTTP_FILE_SHA256)
		put_hex(j, "sha256", fi.sha256, sizeof(fi.sha256));
	json_bool(j, "stored", false);
	json_uint(j, "size", fi.size);
	json_uint(j, "tx_id", tx_id);
	json_close_object(j);
	eve_commit(a->l);
}

void eve_put_app_object(struct json *j, enum app_proto proto, const void *state, const void *tx,
			bool extended)
{
	switch (proto) {
	case APP_PROTO_HTTP: http_tx_log_json(j, tx, extended ? HTTP_LOG_EXTENDED : 0); break;
	case APP_PROTO_DNS:
		dns_tx_log_json(j, tx,
				((const struct dns_tx *)tx)->request ? APP_TOSERVER : APP_TOCLIENT);
		break;
	case APP_PROTO_TLS:
		json_open_object(j, "tls");
		tls_log_json(j, state, extended ? TLS_LOG_EXTENDED : TLS_LOG_BASIC);
		json_close_object(j);
		break;
	default: break;
	}
}

static void log_tx(void *arg, enum app_proto proto, const void *state, const void *tx,
		   uint64_t tx_id)
{
	struct app_log *a = arg;
	const struct eve_config *cfg = eve_logger_config(a->l);
	struct json *j;
	log_tx_anomalies(a, proto, state, tx, tx_id);
	switch (proto) {
	case APP_PROTO_DNS:
		if (!cfg->types[EVE_T_DNS])
			return;
		/* DNS events carry the message's own direction (a response comes
		 * from the server), as Suricata logs them. */
		if (a->p && a->p->flow_toserver == ((const struct dns_tx *)tx)->request)
			j = eve_begin(a->l, "dns", a->p, a->f, 0, 0);
		else
			j = eve_begin_tx(a->l, "dns", a->p, a->f);
		eve_put_app_object(j, proto, state, tx, false);
		break;
	case APP_PROTO_HTTP:
		if (cfg->types[EVE_T_FILES])
			log_http_file(a, tx, tx_id);
		if (!cfg->types[EVE_T_HTTP])
			return;
		j = eve_begin_tx(a->l, "http", a->p, a->f);
		json_uint(j, "tx_id", tx_id);
		eve_put_app_object(j, proto, state, tx, cfg->http_extended);
		break;
	case APP_PROTO_TLS:
		if (!cfg->types[EVE_T_TLS])
			return;
		j = eve_begin_tx(a->l, "tls", a->p, a->f);
		json_open_object(j, "tls");
		tls_log_json(j, state, cfg->tls_fields);
		json_close_object(j);
		break;
	default: return;
	}
	eve_commit(a->l);
}

void eve_log_app(struct eve_logger *l, struct app_ctx *app, const struct packet *p, struct flow *f,
		 bool flow_end)
{
	struct app_log a = {.l = l, .p = p, .f = f};
	app_log_ready(app, f, flow_end, log_tx, &a);
}
