/*
 * eve-anomaly — EVE "anomaly" events for the decoder and stream events a
 * packet carries, one event each, as Suricata logs them.
 */
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
}
