/*
 * tls-proto — TLS's entry in the protocol table: a handshake record (or an
 * SSLv2-compatible ClientHello) on any port, one transaction per flow (the
 * state itself), whose client side is ready with the ClientHello and
 * server side with the certificate (or the end of the handshake), logged
 * once when the handshake is over and there is something to say, as
 * Suricata does.  The parser is tls.c.
 */
#include "app/tls.h"
#include "util/config.h"
#include "util/json.h"

#include <stdio.h>

static enum app_probe_result probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	if (n < 3) {
		bool maybe = n == 0 || d[0] == 0x16 || (d[0] & 0x80);
		return maybe ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	}
	if (d[0] == 0x16 && d[1] == 0x03 && d[2] <= 0x04)
		return APP_PROBE_MATCH;
	/* SSLv2-compatible ClientHello: 2-byte length with the top bit, type 1. */
	return (d[0] & 0x80) && d[2] == 0x01 && n >= 5 && d[3] <= 0x03 ? APP_PROBE_MATCH
								       : APP_PROBE_NO;
}

static void *state_new(const struct app_flow_info *fi)
{
	return tls_state_new();
}

static void state_free(void *s)
{
	tls_state_free(s);
}

static enum app_parse_result parse(void *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				   uint32_t flags)
{
	return tls_parse(s, dir, d, n, flags);
}

static uint64_t tx_count(const void *s)
{
	return 1;
}

static const void *tx_get(const void *s, uint64_t id)
{
	return id == 0 ? s : NULL;
}

static enum app_side tx_side(const void *s, const void *tx, enum app_dir dir, bool eof)
{
	bool ready = dir == APP_TOSERVER ? tls_client_hello_done(s)
					 : (tls_ssl_state(s) & TLS_STATE_CERT) ||
					       tls_handshake_done(s) ||
					       (eof && tls_server_hello_done(s));
	return ready ? APP_SIDE_READY : APP_SIDE_PENDING;
}

static enum app_log_decision tx_log(const void *s, const void *tx, bool flow_end)
{
	if ((tls_handshake_done(s) || flow_end) && tls_log_wanted(s))
		return APP_LOG_NOW;
	return flow_end ? APP_LOG_SKIP : APP_LOG_WAIT;
}

static bool tx_has_event(const void *s, const void *tx, int ev)
{
	return tls_has_event(s, (enum tls_event)ev);
}

static void log_json(struct json *j, const void *s, const void *tx, uint32_t opts)
{
	json_open_object(j, "tls");
	tls_log_json(j, s, opts);
	json_close_object(j);
}

/* - tls: {extended: yes}, or custom: [subject, sni, ...] (which wins). */
static uint32_t eve_options(const struct config_node *n)
{
	uint32_t fields = config_get_bool(n, "extended", false) ? TLS_LOG_EXTENDED : TLS_LOG_BASIC;
	const struct config_node *cu = config_child(n, "custom");
	if (cu == NULL || cu->kind != CONFIG_SEQ)
		return fields;
	fields = 0;
	for (size_t i = 0; i < cu->nchild; i++) {
		const struct config_node *it = cu->child[i];
		uint32_t f = it->kind == CONFIG_SCALAR && it->value ? tls_log_field_parse(it->value)
								    : 0;
		if (f == 0)
			fprintf(stderr, "vigil: eve-log tls custom: unknown field '%s' ignored\n",
				it->value ? it->value : "?");
		fields |= f;
	}
	return fields;
}

static const char *const aliases[] = {"ssl", NULL};

/* Suricata's tls_frame_table (app-layer-ssl.c), indexed by enum tls_frame. */
static const char *const frame_names[TLS_FRAME_COUNT] = {
    [TLS_FRAME_PDU] = "pdu",	     [TLS_FRAME_HDR] = "hdr",
    [TLS_FRAME_DATA] = "data",	     [TLS_FRAME_ALERT] = "alert",
    [TLS_FRAME_HEARTBEAT] = "heartbeat", [TLS_FRAME_SSL2_HDR] = "ssl2.hdr",
    [TLS_FRAME_SSL2_PDU] = "ssl2.pdu",
};

const struct app_protocol app_tls = {
    .name = "tls",
    .aliases = aliases,
    .ipprotos = APP_IPPROTO_TCP,
    .probe = probe,
    .state_new = state_new,
    .state_free = state_free,
    .parse = parse,
    .tx_count = tx_count,
    .tx_get = tx_get,
    .tx_side = tx_side,
    .tx_log = tx_log,
    .event_names = tls_event_names,
    .n_events = TLS_EV_COUNT,
    .events_upper = true,
    .tx_has_event = tx_has_event,
    .eve_type = "tls",
    .eve_no_tx_id = true,
    .log_json = log_json,
    .eve_options = eve_options,
    .eve_default_opts = TLS_LOG_EXTENDED,
    .eve_alert_opts = TLS_LOG_EXTENDED,
    .frame_names = frame_names,
    .n_frames = TLS_FRAME_COUNT,
};
