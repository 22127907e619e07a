/*
 * eve-anomaly — EVE "anomaly" events for decoder events: one event per
 * decoder event of a packet, as Suricata logs them
 * ({"type":"decode","event":"decoder.ipv4.trunc_pkt"}).
 */
#include "output/eve.h"
#include "util/json.h"

#include <stdio.h>

void eve_log_anomalies(struct eve_logger *l, const struct packet *p)
{
	const struct eve_config *cfg = eve_logger_config(l);
	if (!cfg->types[EVE_T_ANOMALY] || !cfg->anomaly_decode || p->event_count == 0)
		return;
	for (uint8_t i = 0; i < p->event_count; i++) {
		const char *name = decode_event_name((enum decode_event)p->events[i]);
		if (!name)
			continue;
		struct json *j = eve_begin(l, "anomaly", p, p->flow, 0, 0);
		json_open_object(j, "anomaly");
		json_str(j, "type", "decode");
		char buf[96];
		snprintf(buf, sizeof(buf), "decoder.%s", name);
		json_str(j, "event", buf);
		json_close_object(j);
		eve_commit(l);
	}
}
