/*
 * dnp3 — the DNP3 parser (IEEE 1815) over TCP, as Suricata 8 does it
 * (src/app-layer-dnp3.c, app-layer-dnp3-objects.c).
 *
 * Three layers are unwrapped per direction:
 *   - link: frames of 0x05 0x64, length, control, destination, source and
 *     a header CRC, then the user data in blocks of 16 bytes each followed
 *     by a CRC-16/DNP.  A bad header CRC (bad_link_crc), bad start bytes
 *     or a length below 5 (len_too_small) stop the direction: the stream is
 *     no longer DNP3.  A bad block CRC (bad_transport_crc) skips the frame.
 *     Only user-data frames (link function 3 and 4) are looked into.
 *   - transport: one byte (FIN, FIR, sequence) per frame.  A FIR segment
 *     starts a transaction; later segments join the open one of the same
 *     addresses whose sequence number precedes theirs.  The reassembled
 *     application data is bounded by DNP3_MAX_REASSEMBLY (63 * 255, the
 *     transport sequence space): past it the transaction gets
 *     too_long_reassembly and is closed.
 *   - application: control, function code, internal indications (responses)
 *     and the object headers with their points, decoded for the groups and
 *     variations in dnp3-objects.c; an unknown one (or a short one) sets
 *     unknown_object and stops decoding.  More than max-objects object
 *     headers (too_many_objects) or DNP3_MAX_POINTS points
 *     (too_many_points) in one message also stop it.
 *
 * A gap in either direction ends parsing (APP_PARSE_ERROR), as Suricata's
 * parser does not accept gaps.
 *
 * Transactions are unidirectional as in Suricata 7 and later: every
 * request and every response (solicited or not) is its own transaction,
 * in the order their first segment was seen.  Confirms are not kept.
 *
 * Memory a flow can make the parser hold: one partial frame per direction
 * (at most DNP3_MAX_FRAME bytes), DNP3_MAX_TX live transactions and
 * DNP3_STATE_MEMCAP bytes of them (the oldest are dropped past either,
 * counted by dnp3_tx_dropped()), each with at most
 * DNP3_MAX_REASSEMBLY + one frame of application data, max-objects object
 * headers and DNP3_MAX_POINTS points.  Nothing is read past the length a
 * parse call was given.
 */
#ifndef VIGIL_APP_DNP3_H
#define VIGIL_APP_DNP3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct json;
struct config_node;

#define DNP3_LINK_HDR_SIZE 10	       /* start(2) len ctrl dst(2) src(2) crc(2) */
#define DNP3_MAX_FRAME 292	       /* 10 + 250 bytes of user data + 16 CRCs */
#define DNP3_MAX_REASSEMBLY (63 * 255) /* application bytes of one message */
#define DNP3_MAX_TX 512		       /* live transactions per flow */
#define DNP3_STATE_MEMCAP (16u << 20)  /* bytes of transactions per flow */
#define DNP3_FLOOD_COUNT 500	       /* live transactions that raise `flooded` */
#define DNP3_MAX_POINTS 16384	       /* points kept per message */
#define DNP3_DEFAULT_MAX_OBJECTS 2048  /* app-layer.protocols.dnp3.max-objects */

/* App-layer events, named as Suricata's dnp3-events.rules. */
enum dnp3_event {
	DNP3_EV_FLOODED,
	DNP3_EV_LEN_TOO_SMALL,
	DNP3_EV_BAD_LINK_CRC,
	DNP3_EV_BAD_TRANSPORT_CRC,
	DNP3_EV_MALFORMED,
	DNP3_EV_UNKNOWN_OBJECT,
	DNP3_EV_TOO_MANY_POINTS,
	DNP3_EV_TOO_MANY_OBJECTS,
	DNP3_EV_TOO_LONG_REASSEMBLY,
	DNP3_EV_COUNT
};

/* Application function codes with a meaning to the parser. */
enum {
	DNP3_FC_CONFIRM = 0,
	DNP3_FC_RESPONSE = 129,
	DNP3_FC_UNSOLICITED_RESPONSE = 130,
};

/* Field kinds of an object's points (dnp3-objects.c). */
enum dnp3_field_type {
	DNP3_F_BSTR8, /* starts a byte of bit fields; no value of its own */
	DNP3_F_BITS,  /* shift/width within the last BSTR8 byte */
	DNP3_F_U8,
	DNP3_F_U16,
	DNP3_F_U32,
	DNP3_F_I16,
	DNP3_F_I32,
	DNP3_F_F32,
	DNP3_F_F64,
	DNP3_F_TIME, /* 48-bit milliseconds */
	DNP3_F_U24,
	DNP3_F_VSTR4, /* 4 characters (a string up to the first NUL) */
	DNP3_F_CHARS, /* characters, length from len_field: a string */
	DNP3_F_BYTES, /* bytes, length from len_field: base64, left out when empty */
};

/* len_field of CHARS/BYTES: the length is what is left of the point's size prefix. */
#define DNP3_LEN_FROM_PREFIX 0xff

struct dnp3_field {
	const char *name; /* its EVE key */
	uint8_t type;	  /* enum dnp3_field_type */
	uint8_t shift, width;
	uint8_t len_field; /* CHARS/BYTES: index of the field holding the length */
};

/* One group/variation's layout.  packed: points of `packed` bits each, 8/packed
 * per byte.  need_prefix: the prefix code the object requires (0 none). */
struct dnp3_object_def {
	uint8_t group, variation;
	uint8_t packed;
	uint8_t need_prefix;
	uint8_t n_fields;
	const struct dnp3_field *fields;
};

/* The layout of a group/variation, NULL when the decoder does not know it. */
const struct dnp3_object_def *dnp3_object_def(uint8_t group, uint8_t variation);

struct dnp3_point {
	uint32_t prefix; /* the prefix value (0 without one) */
	uint32_t index;	 /* the point index (start + n, or an index prefix) */
	uint32_t size;	 /* a size prefix */
	uint32_t first;	 /* its values: object.values[first ..] (one per named field) */
};

struct dnp3_object {
	uint8_t group, variation, qualifier, prefix_code, range_code;
	uint32_t start, stop, count;
	struct dnp3_point *points;
	uint32_t n_points, cap_points;
	uint64_t *values; /* field values; floats as their bit patterns; variable
			     data as offset << 32 | length into bytes */
	uint32_t n_values, cap_values;
	uint8_t *bytes;
	uint32_t n_bytes, cap_bytes;
};

/* One DNP3 application message (a request or a response). */
struct dnp3_tx {
	uint64_t tx_id;
	bool is_request;
	bool done;     /* its last segment was seen (or it was given up) */
	bool complete; /* done and every object decoded */
	/* link header */
	uint8_t link_len, link_ctrl;
	uint16_t dst, src;
	uint8_t th; /* the last transport header */
	/* application header */
	uint8_t app_ctrl, function_code;
	uint16_t iin;	 /* iin1 << 8 | iin2 (responses) */
	uint8_t *buffer; /* the reassembled application data (header included) */
	uint32_t buffer_len, buffer_cap;
	struct dnp3_object *objects;
	uint32_t n_objects, cap_objects;
	uint32_t n_points; /* over all objects */
	uint16_t events;   /* bit (1 << dnp3_event) */
	size_t mem;	   /* bytes it holds, as counted in the state's memcap */
};

/* Settings under app-layer.protocols.dnp3. */
struct dnp3_config {
	uint32_t max_objects;
};

struct dnp3_state;

/* Port probe (Suricata's DNP3ProbingParser): a "DNP3" banner of printable
 * bytes, or a link header with the start bytes and a length of at least 5. */
enum app_probe_result dnp3_probe(const uint8_t *d, uint32_t n);

struct dnp3_state *dnp3_state_new(const struct dnp3_config *cfg);
void dnp3_state_free(struct dnp3_state *s);
/* Bytes of one direction; APP_PARSE_ERROR once the stream is no longer DNP3. */
enum app_parse_result dnp3_parse(struct dnp3_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n, uint32_t flags);

uint64_t dnp3_tx_count(const struct dnp3_state *s); /* ids handed out */
const struct dnp3_tx *dnp3_tx_get(const struct dnp3_state *s, uint64_t id);
void dnp3_tx_release_upto(struct dnp3_state *s, uint64_t id); /* frees ids < id */
uint64_t dnp3_tx_dropped(const struct dnp3_state *s);

bool dnp3_tx_has_event(const struct dnp3_tx *tx, enum dnp3_event ev);
const char *dnp3_event_name(enum dnp3_event ev);

/* Names of dnp3_func and dnp3_ind (Suricata's detect-dnp3.c); -1 when unknown. */
int dnp3_function_by_name(const char *name);
int dnp3_indicator_by_name(const char *name); /* its bit in dnp3_tx.iin */
/* The i-th indicator (name and bit), false past the end. */
bool dnp3_indicator(size_t i, const char **name, uint16_t *bit);

/* EVE: Suricata's "dnp3" object of the transaction (request or response).
 * alert: wrapped in "request"/"response" as in an alert. */
enum { DNP3_EVE_ALERT = 1 };
void dnp3_tx_log_json(struct json *j, const struct dnp3_tx *tx, uint32_t opts);

extern const struct app_protocol app_dnp3;

#endif
