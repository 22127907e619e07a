/*
 * eve-anomaly — EVE "anomaly" events for the decoder and stream events a
 * packet carries, one event each, as Suricata logs them.
 */
#include "app/app.h"
#include "output/eve.h"
#include "stream/stream.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

static void log_one(struct eve_logger *l, const struct packet *p, const char *type,
		    const char *prefix, const char *name)
{
	char buf[96];
	struct json *j = eve_begin(l, "anomaly", p, p->flow, 0, 0);
	json_open_object(j, "anomaly");
	json_str(j, "type", type);
	snprintf(buf, sizeof(buf), "%s%s", prefix, name);
	json_str(j, "event", buf);
	json_close_object(j);
	eve_commit(l);
}

void eve_put_applayer_anomaly(struct json *j, const char *app_proto, const char *name, bool upper,
			      const char *layer)
{
	char ev[64];
	size_t n = 0;
	for (; name[n] != '\0' && n + 1 < sizeof(ev); n++)
		ev[n] = upper && name[n] >= 'a' && name[n] <= 'z' ? (char)(name[n] - 32) : name[n];
	ev[n] = '\0';
	json_open_object(j, "anomaly");
	if (app_proto != NULL)
		json_str(j, "app_proto", app_proto);
	json_str(j, "type", "applayer");
	json_str(j, "event", ev);
	json_str(j, "layer", layer);
	json_close_object(j);
}

/* A protocol-detection event: {"app_proto":"smtp","type":"applayer",
 * "event":"APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION","layer":"proto_detect"}. */
static void log_detect_event(struct eve_logger *l, const struct packet *p, const char *name)
{
	struct json *j = eve_begin(l, "anomaly", p, p->flow, 0, 0);
	const char *app = p->flow ? app_proto_name(app_flow_proto(p->flow)) : NULL;
	eve_put_applayer_anomaly(j, app, name, true, "proto_detect");
	eve_commit(l);
}

/* One event per decoder event ({"type":"decode","event":"decoder.ipv4.trunc_pkt"})
 * and per stream event ({"type":"stream","event":"stream.pkt_invalid_ack"}). */
void eve_log_anomalies(struct eve_logger *l, const struct packet *p)
{
	const struct eve_config *cfg = eve_logger_config(l);
	if (!cfg->types[EVE_T_ANOMALY])
		return;
	for (uint8_t i = 0; cfg->anomaly_decode && i < p->event_count; i++) {
		const char *name = decode_event_name((enum decode_event)p->events[i]);
		if (name)
			log_one(l, p, "decode", "decoder.", name);
	}
	for (uint8_t i = 0; cfg->anomaly_stream && i < p->stream_event_count; i++) {
		const char *name = stream_event_name((enum stream_event)p->stream_events[i]);
		if (name)
			log_one(l, p, "stream", strncmp(name, "stream.", 7) ? "stream." : "", name);
	}
	for (int e = 0; cfg->anomaly_applayer && p->app_events && e < APP_EV_DETECT_COUNT; e++)
		if (p->app_events & (1u << e))
			log_detect_event(l, p, app_detect_event_name((enum app_detect_event)e));
}
