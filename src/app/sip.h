/*
 * sip.h — the SIP parser (RFC 3261) with its SDP bodies (RFC 8866), over
 * UDP and TCP, as Suricata 8 parses them (rust/src/sip, rust/src/sdp):
 * one transaction per message, requests to the server, responses to the
 * client.  The parser is app/sip.c, the EVE writer app/sip-log.c, the
 * rule buffers detect/kw-sip.c.
 */
#ifndef VIGIL_APP_SIP_H
#define VIGIL_APP_SIP_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct json;

enum sip_event { SIP_EV_INCOMPLETE_DATA, SIP_EV_INVALID_DATA, SIP_EV_COUNT };

/* Frame types (app/frame.h), Suricata 8's SIPFrameType. */
enum sip_frame {
	SIP_FRAME_PDU,
	SIP_FRAME_REQUEST_LINE,
	SIP_FRAME_REQUEST_HEADERS,
	SIP_FRAME_REQUEST_BODY,
	SIP_FRAME_RESPONSE_LINE,
	SIP_FRAME_RESPONSE_HEADERS,
	SIP_FRAME_RESPONSE_BODY,
	SIP_FRAME_COUNT,
};

/* A part of a message's bytes (len 0: absent). */
struct sip_span {
	uint32_t off, len;
};

/* Headers the keywords know, by their long or compact names (RFC 3261
 * 7.3.3). */
enum sip_header_id {
	SIP_H_OTHER = 0,
	SIP_H_FROM,
	SIP_H_TO,
	SIP_H_VIA,
	SIP_H_USER_AGENT,
	SIP_H_CONTENT_TYPE,
	SIP_H_CONTENT_LENGTH,
	SIP_H_CALL_ID,
	SIP_H_CONTACT,
};

struct sip_header {
	struct sip_span name, value;
	uint8_t id; /* enum sip_header_id */
};

/* One SDP line "<type>=<value>"; media: index of its m= section, -1 for
 * the session level. */
struct sdp_line {
	char type;
	int16_t media;
	struct sip_span value;
};

struct sip_tx {
	uint64_t id;
	enum app_dir dir;
	bool is_request;
	uint8_t *data; /* the message's kept bytes */
	uint32_t len;
	struct sip_span method, uri, version, code, reason, line;
	uint32_t line_end;    /* past the first line's line end */
	uint32_t headers_end; /* where the empty line after the headers starts */
	struct sip_header *headers;
	uint32_t n_headers;
	struct sip_span body;
	bool has_sdp;
	struct sdp_line *sdp;
	uint32_t n_sdp;
	uint32_t events; /* 1 << enum sip_event */
};

/* Caps: bytes of one message held on TCP, headers and SDP lines per
 * message, live transactions per flow and the bytes they hold. */
#define SIP_MAX_MESSAGE (256u * 1024)
#define SIP_MAX_HEADERS 256
#define SIP_MAX_SDP_LINES 512
#define SIP_MAX_LIVE_TXS 1024
#define SIP_STATE_MEMCAP (16u * 1024 * 1024) /* message bytes of live transactions */

struct sip_state;
struct sip_state *sip_state_new(bool tcp);
void sip_state_free(struct sip_state *s);
enum app_parse_result sip_parse(struct sip_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags);
uint64_t sip_tx_count(const struct sip_state *s);
const struct sip_tx *sip_tx_get(const struct sip_state *s, uint64_t id);
void sip_tx_release_upto(struct sip_state *s, uint64_t id);

/* One message's transaction from its bytes (UDP datagram or TCP PDU);
 * NULL when it is no SIP message of that direction (or no memory). */
struct sip_tx *sip_msg_parse(const uint8_t *d, uint32_t n, enum app_dir dir);
void sip_tx_free(struct sip_tx *tx);

/* A span's bytes (NULL when absent). */
const uint8_t *sip_span_get(const struct sip_tx *tx, struct sip_span sp, uint32_t *len);
/* The k-th value of headers `id` (long or compact name); false past the end. */
bool sip_header_value(const struct sip_tx *tx, enum sip_header_id id, uint32_t k, const uint8_t **d,
		      uint32_t *l);
/* The k-th SDP line of `type` at the session level (media false) or in
 * any media section (media true). */
bool sip_sdp_value(const struct sip_tx *tx, char type, bool media, uint32_t k, const uint8_t **d,
		   uint32_t *l);

enum app_probe_result sip_probe(const uint8_t *d, uint32_t n, enum app_dir dir);
void sip_tx_log_json(struct json *j, const struct sip_tx *tx);

extern const struct app_protocol app_sip;

#endif
