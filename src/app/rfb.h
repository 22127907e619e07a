/*
 * rfb.h — RFB (VNC) over TCP, as Suricata 8 parses it (rust/src/rfb/):
 * the handshake only, one transaction per flow: protocol versions,
 * security types offered and chosen, the VNC authentication challenge and
 * response, the security result (and failure reason), the client's
 * shared flag and the server's framebuffer (size, pixel format, desktop
 * name).  After ServerInit the flow's messages are not read.
 *
 * Bounds: each direction buffers at most RFB_MAX_MSG bytes of a message
 * it waits for (a longer one: event malformed_message, parsing stops);
 * the desktop name and reasons are kept up to RFB_MAX_STR bytes.
 */
#ifndef VIGIL_APP_RFB_H
#define VIGIL_APP_RFB_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define RFB_MAX_MSG 65536
#define RFB_MAX_STR 1024

enum rfb_event {
	RFB_EV_UNIMPLEMENTED_SECURITY_TYPE,
	RFB_EV_UNKNOWN_SECURITY_RESULT,
	RFB_EV_MALFORMED_MESSAGE,
	RFB_EV_CONFUSED_STATE,
	RFB_EV_COUNT,
};
extern const char *const rfb_event_names[RFB_EV_COUNT];

struct rfb_str {
	uint8_t *p;
	uint32_t len;
};

struct rfb_tx {
	uint64_t id;
	bool has_server_version, has_client_version;
	char server_major[4], server_minor[4], client_major[4], client_minor[4];
	bool has_sec_type;
	uint32_t sec_type; /* chosen (3.7+) or imposed by the server (3.3) */
	bool has_challenge, has_response;
	uint8_t challenge[16], response[16];
	bool has_result;
	uint32_t result;
	bool has_failure_reason;
	struct rfb_str failure_reason;
	bool has_client_init;
	uint8_t shared;
	bool has_server_init;
	uint16_t width, height;
	uint8_t pixel_format[16];
	struct rfb_str name;
	bool complete;
	uint32_t events;
};

struct rfb_state;
struct rfb_state *rfb_state_new(void);
void rfb_state_free(struct rfb_state *s);
enum app_parse_result rfb_parse(struct rfb_state *s, enum app_dir dir, const uint8_t *d,
				uint32_t n, uint32_t flags);
/* The flow's transaction (NULL before the first bytes). */
const struct rfb_tx *rfb_state_tx(const struct rfb_state *s);
/* "RFB xxx.yyy\n" */
enum app_probe_result rfb_probe(const uint8_t *d, uint32_t n);

struct json;
void rfb_tx_log_json(struct json *j, const struct rfb_tx *tx);

#endif
