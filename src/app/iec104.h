/*
 * iec104 — IEC 60870-5-104 (telecontrol over TCP port 2404): the APCI
 * frames of IEC 60870-5-104 and the ASDUs of IEC 60870-5-101/104 they
 * carry.  Suricata has no parser for it; the field semantics follow the
 * standards (as Wireshark's and Zeek's dissectors present them), and one
 * transaction is one APDU, as Zeek and Snort 3 treat them.
 *
 * What it sees: the APCI (start 0x68, length, four control octets: an
 * I-frame's send and receive sequence numbers, an S-frame's receive
 * number, a U-frame's STARTDT/STOPDT/TESTFR act/con function); an
 * I-frame's ASDU header (type id, variable structure qualifier: SQ and
 * number of objects, cause of transmission with the P/N and test bits,
 * originator address, common address) and its information objects: the
 * IOA of each, and the value and quality descriptor of the common types
 * (single/double points, step positions, bitstrings, measured values
 * normalized/scaled/short float, integrated totals, single/double/
 * regulating commands, setpoints, interrogation, counter interrogation,
 * clock synchronisation, reset process, end of initialisation) with
 * their CP24/CP56 time tags.  Other known types keep their IOAs only.
 *
 * Events (lower case, rules app-layer-event:iec104.<name>):
 * invalid_start (a frame does not start with 0x68: the direction
 * resynchronises at the next 0x68), invalid_length (APCI length below 4
 * or above 253, an S/U-frame longer than 4, an I-frame without a whole
 * ASDU header, or objects that do not fill the ASDU exactly),
 * unknown_type_id, sequence_gap (an I-frame's send sequence number is
 * not the previous one plus one, modulo 32768, in its direction),
 * too_many_transactions.
 *
 * Bounds: a partial APDU is buffered in a fixed 255-byte array per
 * direction (the largest an APCI can announce); an ASDU holds at most
 * 127 objects (7-bit count), IEC104_MAX_OBJECTS of them are kept (the
 * rest counted in iec104_state_truncated()); at most IEC104_MAX_TX live
 * transactions per flow (past it the APDU is dropped and the last live
 * one gets too_many_transactions).  Nothing is read past the length
 * handed to a parse call.
 */
#ifndef VIGIL_APP_IEC104_H
#define VIGIL_APP_IEC104_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define IEC104_PORT 2404
#define IEC104_START 0x68
#define IEC104_APDU_MAX 255    /* start + length + 253 */
#define IEC104_MAX_OBJECTS 127 /* objects kept per ASDU */
#define IEC104_MAX_TX 1024     /* live transactions per flow */

/* NONE: a malformed frame (bad start or length) with no control field. */
enum iec104_apci_type {
	IEC104_APCI_I = 0,
	IEC104_APCI_S = 1,
	IEC104_APCI_NONE = 2,
	IEC104_APCI_U = 3
};

enum iec104_event {
	IEC104_EV_INVALID_START,
	IEC104_EV_INVALID_LENGTH,
	IEC104_EV_UNKNOWN_TYPE_ID,
	IEC104_EV_SEQUENCE_GAP,
	IEC104_EV_TOO_MANY_TRANSACTIONS,
	IEC104_EV_COUNT,
};

/* What an information object's value is (how EVE writes it). */
enum iec104_val {
	IEC104_VAL_NONE = 0,
	IEC104_VAL_SP,	    /* single point: v 0/1 */
	IEC104_VAL_DP,	    /* double point: v 0..3 */
	IEC104_VAL_ST,	    /* step position: v signed 7 bit, transient */
	IEC104_VAL_BO,	    /* bitstring of 32 bits */
	IEC104_VAL_NORM,    /* normalized: raw int16 (value = raw / 32768) */
	IEC104_VAL_SCALED,  /* scaled: int16 */
	IEC104_VAL_FLOAT,   /* short float */
	IEC104_VAL_IT,	    /* integrated total: counter, sequence */
	IEC104_VAL_SC,	    /* single command: state, qu, se */
	IEC104_VAL_DC,	    /* double command */
	IEC104_VAL_RC,	    /* regulating step command */
	IEC104_VAL_SE_NORM, /* setpoints: value + ql, se */
	IEC104_VAL_SE_SCALED,
	IEC104_VAL_SE_FLOAT,
	IEC104_VAL_BO_CMD, /* bitstring command */
	IEC104_VAL_QOI,	   /* interrogation qualifier */
	IEC104_VAL_QCC,	   /* counter interrogation qualifier */
	IEC104_VAL_COI,	   /* cause of initialisation */
	IEC104_VAL_QRP,	   /* reset process qualifier */
	IEC104_VAL_CLOCK,  /* clock synchronisation: time only */
};

struct iec104_time {
	uint16_t ms;			     /* milliseconds within the minute */
	uint8_t min, hour, day, month, year; /* hour..year only for CP56 */
	uint8_t dow;
	bool iv, su;
};

struct iec104_object {
	uint32_t ioa;
	enum iec104_val kind;
	int32_t value; /* the value (float: see fvalue) */
	float fvalue;
	uint8_t quality;   /* QDS/SIQ/DIQ high bits, QOS/SCO/DCO qualifier byte */
	uint8_t extra;	   /* IT: sequence+flags; ST: transient */
	uint8_t time_kind; /* 0 none, 24 CP24, 56 CP56 */
	struct iec104_time time;
};

struct iec104_asdu {
	uint8_t type_id;
	bool sq;
	uint8_t num; /* number of objects announced */
	uint8_t cot; /* cause, 6 bits */
	bool negative, test;
	uint8_t oa;
	uint16_t ca;
	uint8_t n_objects; /* objects decoded and kept */
	struct iec104_object *objects;
};

struct iec104_tx {
	uint64_t tx_id;
	enum app_dir dir;
	enum iec104_apci_type apci;
	uint16_t tx_seq, rx_seq; /* I: both; S: rx */
	uint8_t u_function;	 /* U: the control octet's function bits (0x04 .. 0x80) */
	bool has_asdu;
	struct iec104_asdu asdu;
	uint8_t events; /* bit (1 << iec104_event) */
};

struct iec104_state;

/* A frame start: 0x68, a length in 4..253 and, with the control octets
 * there, a valid frame format; NEED_MORE below 6 bytes (TCP). */
enum app_probe_result iec104_probe(const uint8_t *d, uint32_t n);

struct iec104_state *iec104_state_new(void);
void iec104_state_free(struct iec104_state *s);
/* TCP bytes of one direction in any split; APP_CHUNK_GAP drops a partial
 * APDU and resumes at the next 0x68. */
enum app_parse_result iec104_parse(struct iec104_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags);

uint64_t iec104_tx_count(const struct iec104_state *s);
const struct iec104_tx *iec104_tx_get(const struct iec104_state *s, uint64_t id);
void iec104_tx_release_upto(struct iec104_state *s, uint64_t id);
uint64_t iec104_state_truncated(const struct iec104_state *s);
bool iec104_tx_has_event(const struct iec104_tx *tx, enum iec104_event ev);
const char *iec104_event_name(enum iec104_event ev);

/* ---- names (iec104-log.c) ---- */
/* "M_SP_NA_1" ...; NULL when the type id is not defined. */
const char *iec104_type_name(uint8_t type_id);
/* Type id of a name (case-insensitive), -1 when unknown. */
int iec104_type_by_name(const char *name);
/* "spont", "act", "actcon" ... (IEC 60870-5-101 7.2.3); NULL unknown. */
const char *iec104_cot_name(uint8_t cot);
int iec104_cot_by_name(const char *name);
/* "STARTDT act", ... for a U-frame's function bits; NULL when not one. */
const char *iec104_u_function_name(uint8_t f);

/* "iec104": {"apci": {...}, "asdu": {...}} */
void iec104_tx_log_json(struct json *j, const struct iec104_tx *tx);

extern const struct app_protocol app_iec104;

#endif
