/*
 * modbus — the Modbus/TCP parser, as Suricata 8 does it (rust/src/modbus/
 * with the sawp-modbus message parser).
 *
 * Framing: MBAP headers (transaction id, protocol id, length, unit id)
 * followed by the PDU; a message split over segments is buffered until
 * its length is there (at most MODBUS_MAX_MSG bytes per direction).  As
 * sawp-modbus 0.13 does, no message ends the direction: a length outside
 * 2..254 makes a message of the header alone (DATA_LENGTH) that skips the
 * announced bytes, a PDU shorter or longer than its function's fields
 * gets DATA_LENGTH, a protocol id other than 0 PROTO_ID.  Only a gap ends
 * parsing (Suricata's parser does not accept gaps).
 *
 * Messages are decoded per function: reads (address, quantity / data),
 * writes (single, multiple, mask), read/write multiple, diagnostics
 * (subfunction), MEI, exceptions (function | 0x80), other functions as
 * bytes.  The checks of sawp-modbus set error flags (DATA_VALUE,
 * DATA_LENGTH, EXC_CODE, PROTO_ID) that become Suricata's events.
 *
 * Transactions pair a request and its response: same transaction id,
 * unit id, function and access type (exceptions included).  A response
 * with no request is a transaction of its own with unsolicited_response;
 * a response whose values disagree with its request's gets
 * value_mismatch.  From request-flood (MODBUS_FLOOD) live transactions on,
 * `flooded` is set once and new messages are dropped until transactions
 * are released.  Whatever the setting, at most MODBUS_MAX_TX transactions
 * stay live (the oldest is dropped), each holding at most one message of
 * MODBUS_MAX_LENGTH bytes per direction.
 * Nothing is read past the length a parse call was given.
 */
#ifndef VIGIL_APP_MODBUS_H
#define VIGIL_APP_MODBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define MODBUS_MBAP_LEN 6     /* transaction id, protocol id, length */
#define MODBUS_MIN_LENGTH 2   /* MBAP length: unit id + function */
#define MODBUS_MAX_LENGTH 254 /* MBAP length: unit id + the largest PDU */
#define MODBUS_MAX_MSG (MODBUS_MBAP_LEN + MODBUS_MAX_LENGTH)
#define MODBUS_FLOOD 500   /* default request-flood */
#define MODBUS_MAX_TX 4096 /* live transactions kept whatever request-flood says */

/* App-layer events, in Suricata's order and names (modbus-events.rules). */
enum modbus_event {
	MODBUS_EV_UNSOLICITED_RESPONSE,
	MODBUS_EV_INVALID_FUNCTION_CODE,
	MODBUS_EV_INVALID_LENGTH,
	MODBUS_EV_INVALID_VALUE,
	MODBUS_EV_INVALID_EXCEPTION_CODE,
	MODBUS_EV_VALUE_MISMATCH,
	MODBUS_EV_FLOODED,
	MODBUS_EV_INVALID_PROTOCOL_ID,
	MODBUS_EV_COUNT
};

/* Access types (sawp-modbus AccessType bits). */
enum {
	MODBUS_ACC_READ = 0x01,
	MODBUS_ACC_WRITE = 0x02,
	MODBUS_ACC_DISCRETES = 0x04,
	MODBUS_ACC_COILS = 0x08,
	MODBUS_ACC_INPUT = 0x10,
	MODBUS_ACC_HOLDING = 0x20,
	MODBUS_ACC_SINGLE = 0x40,
	MODBUS_ACC_MULTIPLE = 0x80,
};

/* Error flags. */
enum {
	MODBUS_ERR_DATA_VALUE = 0x01,
	MODBUS_ERR_DATA_LENGTH = 0x02,
	MODBUS_ERR_EXC_CODE = 0x04,
	MODBUS_ERR_FUNC_CODE = 0x08,
	MODBUS_ERR_PROTO_ID = 0x10,
};

/* What the PDU's data was decoded as. */
enum modbus_data_kind {
	MODBUS_DATA_EMPTY,
	MODBUS_DATA_EXCEPTION,	 /* exc */
	MODBUS_DATA_DIAGNOSTIC,	 /* sub, bytes */
	MODBUS_DATA_MEI,	 /* sub (mei type), bytes */
	MODBUS_DATA_READ_REQ,	 /* read_addr, read_qty */
	MODBUS_DATA_READ_RESP,	 /* bytes */
	MODBUS_DATA_WRITE_MULT,	 /* addr, qty, bytes */
	MODBUS_DATA_WRITE_MASK,	 /* addr, and_mask, or_mask */
	MODBUS_DATA_WRITE_OTHER, /* addr, value */
	MODBUS_DATA_READ_WRITE,	 /* read_addr, read_qty + addr, qty, bytes */
	MODBUS_DATA_BYTES,	 /* bytes */
};

struct modbus_msg {
	uint16_t transaction_id, protocol_id, length;
	uint8_t unit_id;
	uint8_t function; /* raw */
	uint8_t code;	  /* function without the exception bit; 0 when it has no name */
	uint8_t access;	  /* MODBUS_ACC_* */
	uint8_t category; /* 0 none, 1 public assigned, 2 public unassigned, 4 user, 8 reserved */
	uint8_t flags;	  /* MODBUS_ERR_* */
	enum modbus_data_kind kind;
	uint8_t exc;
	uint16_t sub;
	uint16_t read_addr, read_qty;
	uint16_t addr, qty, value, and_mask, or_mask;
	uint8_t *bytes;
	uint32_t n_bytes;
};

struct modbus_tx {
	uint64_t tx_id; /* 0, 1, ... */
	struct modbus_msg *request, *response;
	uint16_t events; /* bit (1 << modbus_event) */
};

/* Settings under app-layer.protocols.modbus. */
struct modbus_config {
	uint32_t request_flood; /* request-flood: live transactions before `flooded` (0: none) */
};

struct modbus_state;

/* Port probe, sawp-modbus's strict one: a whole message that parses
 * without a direction, with no error flag and a function it names. */
enum app_probe_result modbus_probe(const uint8_t *d, uint32_t n);

struct modbus_state *modbus_state_new(const struct modbus_config *cfg); /* NULL: defaults */
void modbus_state_free(struct modbus_state *s);
enum app_parse_result modbus_parse(struct modbus_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags);
uint64_t modbus_tx_count(const struct modbus_state *s);
const struct modbus_tx *modbus_tx_get(const struct modbus_state *s, uint64_t id);
void modbus_tx_release_upto(struct modbus_state *s, uint64_t id);
bool modbus_tx_has_event(const struct modbus_tx *tx, enum modbus_event ev);

/* Names as sawp-modbus prints them: "RdCoils", "IllegalDataAddr", "RetQueryData". */
const char *modbus_function_name(uint8_t code);
const char *modbus_exception_name(uint8_t exc);

/* A function code sawp-modbus names (1-24, 43). */
bool modbus_function_known(uint8_t code);

/* EVE: Suricata's "modbus" object. */
void modbus_tx_log_json(struct json *j, const struct modbus_tx *tx);

extern const struct app_protocol app_modbus;

#endif
