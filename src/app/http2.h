/*
 * app/http2.h — HTTP/2 (RFC 9113) over cleartext TCP, as Suricata 8
 * parses it (rust/src/http2): the client's connection preface ("prior
 * knowledge") or the HTTP/1.1 "Upgrade: h2c" hand-over (the HTTP/1 parser
 * asks for a protocol change on the 101 answer).  HTTP/2 inside TLS (ALPN
 * "h2") is encrypted and out of reach: such flows stay "tls".
 *
 * Frames: DATA, HEADERS + CONTINUATION, PRIORITY, RST_STREAM, SETTINGS,
 * PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE (others are skipped).  Header
 * blocks are decoded with libnghttp2's HPACK inflater (one per
 * direction).  One transaction per stream; every frame on stream 0
 * (SETTINGS, PING, GOAWAY, connection WINDOW_UPDATE) is a transaction of
 * its own, complete at once, as Suricata's.
 *
 * Bounds (per flow): H2_MAX_STREAMS live transactions (too_many_streams
 * beyond), H2_MAX_HEADERS decoded headers and H2_MAX_HEADER_BYTES header
 * bytes per transaction side (further ones dropped, invalid_header),
 * H2_MAX_BLOCK bytes of one header block (HEADERS + CONTINUATION), frames
 * buffered whole up to H2_MAX_FRAME bytes (longer ones: the first
 * H2_MAX_FRAME bytes are parsed, the rest skipped, long_frame_data;
 * DATA is streamed), H2_MAX_BODY body bytes kept per side (file.data),
 * H2_HPACK_TABLE_MAX bytes of HPACK dynamic table per direction,
 * H2_MAX_LIST settings / error codes / priorities / window updates /
 * size updates kept per side.  Bodies with content-encoding gzip or
 * deflate are inflated (zlib) into the kept H2_MAX_BODY bytes, further
 * output dropped; br and others are kept as sent.
 */
#ifndef VIGIL_APP_HTTP2_H
#define VIGIL_APP_HTTP2_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/file.h"

#define H2_MAX_STREAMS 4096u
#define H2_MAX_HEADERS 256u
#define H2_MAX_HEADER_BYTES (64u * 1024)
#define H2_MAX_BLOCK (256u * 1024)
#define H2_MAX_FRAME (64u * 1024)
#define H2_MAX_BODY (1024u * 1024)
#define H2_HPACK_TABLE_MAX (64u * 1024)
#define H2_MAX_LIST 16u

enum h2_frame_type {
	H2_DATA = 0,
	H2_HEADERS = 1,
	H2_PRIORITY = 2,
	H2_RST_STREAM = 3,
	H2_SETTINGS = 4,
	H2_PUSH_PROMISE = 5,
	H2_PING = 6,
	H2_GOAWAY = 7,
	H2_WINDOW_UPDATE = 8,
	H2_CONTINUATION = 9,
};

/* Events, in Suricata's http2-events.rules order. */
enum h2_event {
	H2_EV_INVALID_FRAME_HEADER,
	H2_EV_INVALID_CLIENT_MAGIC,
	H2_EV_INVALID_FRAME_DATA,
	H2_EV_INVALID_HEADER,
	H2_EV_INVALID_FRAME_LENGTH,
	H2_EV_EXTRA_HEADER_DATA,
	H2_EV_LONG_FRAME_DATA,
	H2_EV_STREAM_ID_REUSE,
	H2_EV_INVALID_HTTP1_SETTINGS,
	H2_EV_FAILED_DECOMPRESSION,
	H2_EV_INVALID_RANGE,
	H2_EV_HEADER_INTEGER_OVERFLOW,
	H2_EV_TOO_MANY_STREAMS,
	H2_EV_AUTHORITY_HOST_MISMATCH,
	H2_EV_USERINFO_IN_URI,
	H2_EV_REASSEMBLY_LIMIT_REACHED,
	H2_EV_DNS_REQUEST_TOO_LONG,
	H2_EV_DNS_RESPONSE_TOO_LONG,
	H2_EV_DATA_STREAM_ZERO,
	H2_EV_TOO_MANY_FRAMES,
	H2_EV_COMPRESSION_BOMB,
	H2_EV_COUNT,
};
extern const char *const h2_event_names[H2_EV_COUNT];

struct h2_header {
	uint8_t *name; /* name then value in one allocation */
	uint32_t name_len;
	uint8_t *value;
	uint32_t value_len;
};

struct h2_setting {
	uint16_t id;
	uint32_t value;
};

/* What one direction of a stream carried. */
struct h2_side {
	struct h2_header *headers;
	uint32_t n_headers, cap_headers;
	uint32_t header_bytes;
	uint32_t frame_types; /* bit per frame type seen (bit 31: others) */
	struct h2_setting settings[H2_MAX_LIST];
	uint8_t n_settings;
	uint32_t errors[H2_MAX_LIST]; /* RST_STREAM / GOAWAY codes */
	uint8_t n_errors;
	bool error_goaway;	       /* the first error code came in a GOAWAY */
	uint8_t priorities[H2_MAX_LIST]; /* weights (PRIORITY, HEADERS) */
	uint8_t n_priorities;
	uint32_t windows[H2_MAX_LIST]; /* WINDOW_UPDATE increments */
	uint8_t n_windows;
	uint32_t size_updates[H2_MAX_LIST]; /* HPACK dynamic table size updates */
	uint8_t n_size_updates;
	uint8_t *body; /* DATA payloads (padding removed, content-encoding
			* gzip/deflate undone), H2_MAX_BODY at most */
	uint32_t body_len, body_cap;
	uint64_t body_total; /* DATA payload bytes as sent */
	void *z;	     /* the content-encoding inflater (z_stream), NULL none */
	uint8_t coding;	     /* 0 not looked at yet, 1 identity, 2 gzip, 3 deflate, 4 failed */
	struct app_file file; /* the DATA payloads as a file (inflated), opened on the first */
	bool done; /* END_STREAM, RST_STREAM, or a stream-0 frame */
	bool seen; /* something came this way */
};

struct h2_tx {
	uint64_t id;
	uint32_t stream_id;
	struct h2_side side[2];
	uint32_t events;
};

struct h2_state;
struct h2_state *h2_state_new(void);
void h2_state_free(struct h2_state *s);
enum app_parse_result h2_parse(struct h2_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			       uint32_t flags);
uint64_t h2_tx_count(const struct h2_state *s);
const struct h2_tx *h2_tx_get(const struct h2_state *s, uint64_t id);
void h2_tx_release_upto(struct h2_state *s, uint64_t id);

/* The value of a header of a side (first one named so, case-insensitive);
 * NULL when none. */
const struct h2_header *h2_tx_header(const struct h2_tx *tx, enum app_dir dir, const char *name);

/* Names as Suricata spells them in EVE and keywords. */
const char *h2_frame_type_name(uint8_t t);   /* "HEADERS"; NULL for unknown */
int h2_frame_type_by_name(const char *name); /* -1 unknown */
const char *h2_error_name(uint32_t code);    /* "INTERNALERROR"; NULL unknown */
int h2_error_by_name(const char *name);	     /* "INTERNAL_ERROR"; -1 unknown */
const char *h2_setting_name(uint16_t id);    /* "SETTINGSMAXFRAMESIZE"; NULL */
int h2_setting_by_name(const char *name);    /* "SETTINGS_MAX_FRAME_SIZE"; -1 */

enum app_probe_result h2_probe(const uint8_t *d, uint32_t n, enum app_dir dir);

void h2_tx_log_json(struct json *j, const struct h2_tx *tx);

/* An h2c upgrade: the HTTP/1.1 request that asked for it becomes stream
 * 1's request (its HTTP2-Settings the client's settings). */
struct http_tx;
void h2_upgrade_from_http1(struct h2_state *s, const struct http_tx *ht);

#endif
