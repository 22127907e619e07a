/*
 * websocket-log.c — the EVE "websocket" object, as Suricata 8's
 * rust/src/websocket/logger.rs writes it: fin, mask (when the frame is
 * masked), opcode by name ("unknown-N" otherwise).
 */
#include <stdio.h>

#include "app/websocket.h"
#include "util/json.h"

void ws_tx_log_json(struct json *j, const struct ws_tx *tx)
{
	json_open_object(j, "websocket");
	json_bool(j, "fin", tx->fin);
	if (tx->masked)
		json_uint(j, "mask", tx->mask);
	const char *op = ws_opcode_name(tx->opcode);
	char buf[16];
	if (op == NULL) {
		snprintf(buf, sizeof(buf), "unknown-%u", tx->opcode);
		op = buf;
	}
	json_str(j, "opcode", op);
	json_close_object(j);
}
