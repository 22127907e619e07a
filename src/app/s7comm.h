/*
 * s7comm — Siemens S7 communication (TCP port 102): TPKT (RFC 1006)
 * frames carrying COTP (ISO 8073) TPDUs, and in COTP data the S7comm PDU
 * (protocol id 0x32) or an S7comm-plus PDU (0x72, detected only).
 * Suricata has no parser for it; field semantics follow the public
 * descriptions of the protocol (as Wireshark's s7comm dissector and
 * Snort 3's s7commplus inspector present them).
 *
 * What it sees: COTP connection request/confirm (references, class, the
 * calling/called TSAP and TPDU size parameters), disconnects, data
 * (reassembled over non-final TPDUs); the S7comm header (ROSCTR job / ack
 * / ack_data / userdata, PDU reference, parameter and data lengths, an
 * ack's error class and code); the function of job and ack_data
 * parameters: setup communication (AMQ calling/called, PDU length), read
 * and write var (item count and, for requests, S7ANY item addresses:
 * transport size, length, DB number, area, byte and bit address; for
 * responses the items' return codes), request download / download block /
 * download ended / start upload / upload / end upload (the block file
 * name), PLC control (PI service name and parameter block) and PLC stop; userdata parameters
 * (method, type, function group, subfunction, sequence).  S7comm-plus:
 * version, opcode, function and sequence number.
 *
 * Transactions: a job opens one, the ack or ack_data with its PDU
 * reference completes it; a userdata request and its response pair the
 * same way; a COTP connection request opens one that the confirm
 * completes; an S7comm-plus request is paired with the response of the
 * same sequence number; anything else (push notifications, unanswered
 * responses, disconnects) is a transaction of its own.  A response closes
 * the open requests of its kind older than the one it answers.
 *
 * Events (rules app-layer-event:s7comm.<name>): invalid_tpkt (not version
 * 3, or a length below 7: the direction resynchronises at the next
 * 03 00), invalid_cotp (a length indicator past the TPKT), invalid_header
 * (an S7comm PDU shorter than its header, an unknown ROSCTR),
 * invalid_length (parameters or data past the PDU, an item past its
 * parameters), pdu_too_long (COTP data past S7COMM_MAX_PDU while
 * reassembling: the PDU is dropped), too_many_transactions.
 *
 * Bounds: a partial TPKT is buffered (at most 65535 bytes per direction,
 * the most its length can say); reassembled COTP data is at most
 * S7COMM_MAX_PDU bytes; S7COMM_MAX_ITEMS items and return codes are kept
 * per PDU (the rest counted in s7comm_state_truncated()); S7COMM_MAX_TX
 * live transactions (past it every open one is closed and the PDU
 * dropped, too_many_transactions on the last).  Nothing is read past the
 * length handed to a parse call.
 */
#ifndef VIGIL_APP_S7COMM_H
#define VIGIL_APP_S7COMM_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define S7COMM_PORT 102
#define S7COMM_MAX_PDU 65535u /* reassembled COTP data */
#define S7COMM_MAX_ITEMS 32   /* items / return codes kept per PDU */
#define S7COMM_MAX_TX 1024    /* live transactions per flow */
#define S7COMM_NAME_MAX 64    /* file / PI service names kept */

enum s7_pdu_kind { S7_PDU_COTP = 0, S7_PDU_S7 = 1, S7_PDU_PLUS = 2 };

enum { S7_ROSCTR_JOB = 1, S7_ROSCTR_ACK = 2, S7_ROSCTR_ACK_DATA = 3, S7_ROSCTR_USERDATA = 7 };

enum {
	S7_FUNC_CPU_SERVICES = 0x00,
	S7_FUNC_SETUP = 0xf0,
	S7_FUNC_READ_VAR = 0x04,
	S7_FUNC_WRITE_VAR = 0x05,
	S7_FUNC_REQ_DOWNLOAD = 0x1a,
	S7_FUNC_DOWNLOAD_BLOCK = 0x1b,
	S7_FUNC_DOWNLOAD_ENDED = 0x1c,
	S7_FUNC_START_UPLOAD = 0x1d,
	S7_FUNC_UPLOAD = 0x1e,
	S7_FUNC_END_UPLOAD = 0x1f,
	S7_FUNC_PLC_CONTROL = 0x28,
	S7_FUNC_PLC_STOP = 0x29,
};

/* COTP TPDU codes (high nibble of the type byte; CR/CC carry credit). */
enum {
	COTP_CR = 0xe0,
	COTP_CC = 0xd0,
	COTP_DR = 0x80,
	COTP_DC = 0xc0,
	COTP_DT = 0xf0,
	COTP_ED = 0x10,
	COTP_AK = 0x60,
	COTP_EA = 0x20,
	COTP_RJ = 0x50,
	COTP_ER = 0x70,
};

enum s7_event {
	S7_EV_INVALID_TPKT,
	S7_EV_INVALID_COTP,
	S7_EV_INVALID_HEADER,
	S7_EV_INVALID_LENGTH,
	S7_EV_PDU_TOO_LONG,
	S7_EV_TOO_MANY_TRANSACTIONS,
	S7_EV_COUNT,
};

/* A read/write var request item (S7ANY addressing; others keep syntax id). */
struct s7_item {
	uint8_t syntax_id;
	uint8_t transport_size;
	uint16_t length;
	uint16_t db;
	uint8_t area;
	uint32_t address; /* bit address: byte << 3 | bit */
};

struct s7_cotp {
	uint8_t type; /* COTP_* */
	uint16_t dst_ref, src_ref;
	uint8_t class_opt;
	uint8_t src_tsap[16], dst_tsap[16];
	uint8_t src_tsap_len, dst_tsap_len;
	uint8_t tpdu_size; /* code: 2^n bytes, 0 = absent */
};

struct s7_msg {
	uint8_t rosctr;
	uint16_t pdu_ref;
	uint16_t param_len, data_len;
	bool has_error;
	uint8_t err_class, err_code;
	bool has_function;
	uint8_t function;
	uint8_t item_count;
	uint8_t n_items;
	struct s7_item items[S7COMM_MAX_ITEMS];
	uint8_t n_rc;
	uint8_t return_codes[S7COMM_MAX_ITEMS];
	/* setup communication */
	uint16_t amq_calling, amq_called, pdu_length;
	/* block file name (download/upload), PI service (PLC control/stop) */
	uint8_t name_len;
	uint8_t name[S7COMM_NAME_MAX];
	/* PLC control's parameter block (block list, "C" for a cold restart) */
	uint8_t pi_param_len;
	uint8_t pi_param[S7COMM_NAME_MAX];
	/* userdata */
	bool has_userdata;
	uint8_t ud_method, ud_type, ud_group, ud_subfunc, ud_seq;
};

struct s7_plus {
	uint8_t version;
	bool has_opcode;
	uint8_t opcode;
	uint16_t function;
	uint16_t seq;
};

struct s7_pdu {
	enum s7_pdu_kind kind;
	struct s7_cotp cotp; /* always: the TPDU that carried it */
	struct s7_msg s7;
	struct s7_plus plus;
};

struct s7comm_tx {
	uint64_t tx_id;
	struct s7_pdu *request;	 /* to the server */
	struct s7_pdu *response; /* to the client */
	bool done;		 /* closed without (or before) its response */
	uint8_t events;		 /* bit (1 << s7_event) */
};

struct s7comm_state;

/* TPKT frames from the start: COTP CR/CC need more; the first COTP data
 * decides (0x32 with a known ROSCTR, or 0x72). */
enum app_probe_result s7comm_probe(const uint8_t *d, uint32_t n);

struct s7comm_state *s7comm_state_new(void);
void s7comm_state_free(struct s7comm_state *s);
enum app_parse_result s7comm_parse(struct s7comm_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags);

uint64_t s7comm_tx_count(const struct s7comm_state *s);
const struct s7comm_tx *s7comm_tx_get(const struct s7comm_state *s, uint64_t id);
void s7comm_tx_release_upto(struct s7comm_state *s, uint64_t id);
uint64_t s7comm_state_truncated(const struct s7comm_state *s);
bool s7comm_tx_has_event(const struct s7comm_tx *tx, enum s7_event ev);
const char *s7comm_event_name(enum s7_event ev);
const struct s7_pdu *s7comm_tx_pdu(const struct s7comm_tx *tx, enum app_dir dir);

/* ---- names (s7comm-log.c); NULL / -1 when unknown, look-ups case-insensitive ---- */
const char *s7comm_rosctr_name(uint8_t rosctr);
int s7comm_rosctr_by_name(const char *name);
const char *s7comm_function_name(uint8_t f);
int s7comm_function_by_name(const char *name);
const char *s7comm_area_name(uint8_t area);
int s7comm_area_by_name(const char *name);
const char *s7comm_cotp_name(uint8_t type);
const char *s7comm_group_name(uint8_t group);
const char *s7plus_opcode_name(uint8_t op);
int s7plus_opcode_by_name(const char *name);
const char *s7plus_function_name(uint16_t f);
int s7plus_function_by_name(const char *name);

/* "s7comm": {"request": {...}, "response": {...}} */
void s7comm_tx_log_json(struct json *j, const struct s7comm_tx *tx);

extern const struct app_protocol app_s7comm;

#endif
