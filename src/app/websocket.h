/*
 * app/websocket.h — WebSocket (RFC 6455) after an HTTP/1.1 "101
 * Switching Protocols" to "Upgrade: websocket" (the HTTP/1 parser asks
 * for the protocol change), as Suricata 8 parses it
 * (rust/src/websocket): one transaction per frame, in its direction;
 * the payload unmasked; a fragmented message's data frames gathered so
 * that the final frame carries the whole message (control frames in
 * between stay apart); a permessage-deflate message (RSV1 on its first
 * frame, RFC 7692) inflated on its final frame.
 *
 * Bounds: a frame's payload is kept up to the max-payload-size setting
 * (app-layer.protocols.websocket.max-payload-size, WS_MAX_PAYLOAD by
 * default) and the rest skipped (skip_end_of_payload); a message
 * gathers up to the same size (reassembly_limit_reached); inflating
 * stops at that size too; at most WS_MAX_TX transactions live per flow
 * (older ones go once logged and inspected, as the framework releases
 * them).
 */
#ifndef VIGIL_APP_WEBSOCKET_H
#define VIGIL_APP_WEBSOCKET_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define WS_MAX_PAYLOAD 0xFFFFu
#define WS_MAX_TX 4096u

enum ws_event {
	WS_EV_SKIP_END_OF_PAYLOAD,
	WS_EV_REASSEMBLY_LIMIT_REACHED,
	WS_EV_COUNT,
};
extern const char *const ws_event_names[WS_EV_COUNT];

#define WS_FLAG_FIN 0x80
#define WS_FLAG_COMP 0x40

struct ws_tx {
	uint64_t id;
	enum app_dir dir;
	uint8_t flags;	/* the first byte's upper four bits */
	uint8_t opcode; /* its lower four */
	bool fin, compress;
	bool masked;
	uint32_t mask;
	uint8_t *payload; /* unmasked (a message's whole, inflated, on its final frame) */
	uint32_t payload_len;
	uint32_t events;
};

struct ws_state;
struct ws_state *ws_state_new(uint32_t max_payload);
void ws_state_free(struct ws_state *s);
enum app_parse_result ws_parse(struct ws_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			       uint32_t flags);
uint64_t ws_tx_count(const struct ws_state *s);
const struct ws_tx *ws_tx_get(const struct ws_state *s, uint64_t id);
void ws_tx_release_upto(struct ws_state *s, uint64_t id);

/* "text", "ping" ...; NULL for an opcode Suricata does not name. */
const char *ws_opcode_name(uint8_t op);
int ws_opcode_by_name(const char *name);

void ws_tx_log_json(struct json *j, const struct ws_tx *tx);

#endif
