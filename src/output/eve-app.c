/*
 * eve-app — EVE "dns", "http" and "tls" events: one per transaction the
 * application layer says is ready, written by the parser's own JSON
 * writer inside the common header.
 */
#include "app/app.h"
#include "app/dns.h"
#include "app/http.h"
#include "app/tls.h"
#include "output/eve.h"
#include "util/json.h"

struct app_log {
	struct eve_logger *l;
	const struct packet *p;
	struct flow *f;
};

static void log_tx(void *arg, enum app_proto proto, const void *state, const void *tx,
		   uint64_t tx_id)
{
	struct app_log *a = arg;
	const struct eve_config *cfg = eve_logger_config(a->l);
	struct json *j;
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
		dns_tx_log_json(j, tx, ((const struct dns_tx *)tx)->request ? APP_TOSERVER : APP_TOCLIENT);
		break;
	case APP_PROTO_HTTP:
		if (!cfg->types[EVE_T_HTTP])
			return;
		j = eve_begin_tx(a->l, "http", a->p, a->f);
		json_uint(j, "tx_id", tx_id);
		http_tx_log_json(j, tx, cfg->http_extended ? HTTP_LOG_EXTENDED : 0);
		break;
	case APP_PROTO_TLS:
		if (!cfg->types[EVE_T_TLS])
			return;
		j = eve_begin_tx(a->l, "tls", a->p, a->f);
		json_open_object(j, "tls");
		tls_log_json(j, state, cfg->tls_extended, false, false);
		json_close_object(j);
		break;
	default:
		return;
	}
	eve_commit(a->l);
}

void eve_log_app(struct eve_logger *l, struct app_ctx *app, const struct packet *p,
		 struct flow *f, bool flow_end)
{
	struct app_log a = {.l = l, .p = p, .f = f};
	app_log_ready(app, f, flow_end, log_tx, &a);
}
