/*
 * eve-frame — EVE "frame" events and the "frame" object of alerts on
 * frames, as Suricata's output-json-frame.c writes them:
 *   "frame": {"type": "pdu", "id": 3, "direction": "toserver",
 *             "stream_offset": 737, "length": 37, "complete": true,
 *             "payload": "<base64>", "payload_printable": "...", "tx_id": 0}
 * stream_offset only for TCP; payload: the frame's first EVE_FRAME_PAYLOAD_MAX
 * bytes (Suricata's payload buffer); length, for a frame whose length is not
 * known yet, the bytes seen so far.
 */
#include "app/frame.h"
#include "output/eve.h"
#include "util/json.h"

#define EVE_FRAME_PAYLOAD_MAX 4096

void eve_put_frame(struct json *j, const struct app_frame_view *fv)
{
	json_open_object(j, "frame");
	json_str(j, "type", fv->type_name ? fv->type_name : "unknown");
	json_uint(j, "id", fv->id);
	json_str(j, "direction", fv->dir == APP_TOSERVER ? "toserver" : "toclient");
	if (!fv->udp)
		json_uint(j, "stream_offset", fv->offset);
	json_uint(j, "length", fv->length);
	if (fv->data_len > 0 || fv->complete) {
		json_bool(j, "complete", fv->len_known && fv->data_len >= fv->length);
		uint32_t n = fv->data_len < EVE_FRAME_PAYLOAD_MAX ? fv->data_len
								  : EVE_FRAME_PAYLOAD_MAX;
		json_base64(j, "payload", fv->data, n);
		/* Suricata's printable copy keeps room for its terminator */
		eve_put_printable(j, "payload_printable", fv->data,
				  n < EVE_FRAME_PAYLOAD_MAX ? n : EVE_FRAME_PAYLOAD_MAX - 1);
	}
	if (fv->has_tx)
		json_uint(j, "tx_id", fv->tx_id);
	json_close_object(j);
}

void eve_log_frames(struct eve_logger *l, const struct packet *p)
{
	const struct eve_config *cfg = eve_logger_config(l);
	if (!cfg->types[EVE_T_FRAME] || p->flow == NULL)
		return;
	struct app_frame_view fv;
	for (uint32_t i = 0; app_log_frame(p, i, &fv); i++) {
		struct json *j = eve_begin(l, "frame", p, p->flow, 0, 0);
		const char *app = app_proto_name(fv.proto);
		if (app)
			json_str(j, "app_proto", app);
		eve_put_frame(j, &fv);
		eve_commit(l);
	}
}
