/*
 * mms — IEC 61850 / ISO 9506 MMS over the OSI upper layers on TCP port
 * 102: TPKT (RFC 1006), COTP data TPDUs (ISO 8073), the ISO 8327 session
 * SPDUs (CONNECT, ACCEPT, DATA with given tokens, FINISH, DISCONNECT,
 * ABORT, REFUSE), the ISO 8823 presentation CP/CPA PPDUs and fully
 * encoded user data (PDV lists with their presentation context), ACSE
 * (ISO 8650) AARQ/AARE whose user information carries MMS initiate, then
 * the MMS PDU itself.  Suricata has no MMS parser: the EVE object and the
 * keywords are vigil's own (see mms-log.c, detect/kw-mms.c); field
 * meanings follow ISO 9506-2 and Wireshark's / Snort 3's names.
 *
 * What is decoded of an MMS PDU: its type (the MMSpdu CHOICE: 0
 * confirmed-request ... 13 conclude-error), the invokeID, the confirmed
 * service (ConfirmedServiceRequest/Response CHOICE number: 4 read, 5
 * write, 72 fileOpen ...) or the unconfirmed one (0 informationReport),
 * object names (vmd-, domain- and aa-specific) of read, write,
 * getVariableAccessAttributes, define/get/deleteNamedVariableList,
 * takeControl/relinquishControl and informationReport, the named
 * variable list, getNameList's class and scope and its response's
 * identifiers, domain names of the domain services, program-invocation
 * names, file names of fileOpen/fileDelete/fileDirectory/fileRename, the
 * initiate parameters, reject and error classes.  Data values are not
 * decoded.  The BER reader never trusts a length: every TLV must fit in
 * the one around it, lengths are definite and at most 4 bytes, tags at
 * most 4 bytes; the structure walked is fixed by the services above, so
 * nesting is bounded by the code (no generic recursion).
 *
 * Transactions: a confirmed request, initiate, conclude or cancel request
 * opens one; a confirmed response or error goes to the oldest open
 * request with the same invokeID (initiate/conclude responses to the
 * open initiate/conclude request); a response that answers nothing, an
 * unconfirmed PDU and a reject are transactions of their own side only.
 * A server may send requests too (ICCP peers): each message keeps the
 * direction it was sent in, and rules see it on that direction.
 *
 * Some stacks and test tools put the MMS PDU straight in the COTP data
 * (no session or presentation): a TSDU that is exactly one BER TLV with
 * an MMS PDU tag is taken as such, as Wireshark does.  A TSDU of S7comm
 * (0x32) or anything else is never MMS: the probe wants an ISO session
 * SPDU (CONNECT, ACCEPT, GIVE TOKENS + DATA) or such a bare MMS PDU in
 * the first data TPDU, after any COTP connection TPDUs.
 *
 * Framing and bounds: TPKTs are reassembled in any split (a TPKT is at
 * most 65535 bytes); COTP DT TPDUs are joined until end-of-TSDU, at most
 * MMS_MAX_TSDU bytes (past it the TSDU is dropped and invalid_framing
 * raised).  MMS_MAX_TX live transactions (past it the oldest open ones are
 * closed and too_many_transactions raised; the same past
 * MMS_STATE_MEMCAP bytes of live transactions); per PDU at most
 * MMS_MAX_NAMES object names and MMS_MAX_RAW bytes of the raw PDU are
 * kept (mms_data).  After a gap a direction resynchronises on a chunk
 * that starts with a TPKT header.  Nothing is read past the length handed
 * to a parse call.
 */
#ifndef VIGIL_APP_MMS_H
#define VIGIL_APP_MMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define MMS_PORT 102
#define MMS_MAX_TX 256		    /* live transactions per flow */
#define MMS_MAX_TSDU (256u << 10)   /* bytes of one COTP TSDU */
#define MMS_MAX_NAMES 64	    /* object names kept per PDU */
#define MMS_MAX_RAW 65536u	    /* raw MMS PDU bytes kept per PDU */
#define MMS_STATE_MEMCAP (4u << 20) /* bytes of live transactions per flow */

/* The MMSpdu CHOICE. */
enum mms_pdu_type {
	MMS_PDU_CONFIRMED_REQUEST = 0,
	MMS_PDU_CONFIRMED_RESPONSE = 1,
	MMS_PDU_CONFIRMED_ERROR = 2,
	MMS_PDU_UNCONFIRMED = 3,
	MMS_PDU_REJECT = 4,
	MMS_PDU_CANCEL_REQUEST = 5,
	MMS_PDU_CANCEL_RESPONSE = 6,
	MMS_PDU_CANCEL_ERROR = 7,
	MMS_PDU_INITIATE_REQUEST = 8,
	MMS_PDU_INITIATE_RESPONSE = 9,
	MMS_PDU_INITIATE_ERROR = 10,
	MMS_PDU_CONCLUDE_REQUEST = 11,
	MMS_PDU_CONCLUDE_RESPONSE = 12,
	MMS_PDU_CONCLUDE_ERROR = 13,
	MMS_PDU_COUNT
};

/* Confirmed services with a meaning of their own here. */
enum {
	MMS_SVC_STATUS = 0,
	MMS_SVC_GET_NAME_LIST = 1,
	MMS_SVC_IDENTIFY = 2,
	MMS_SVC_RENAME = 3,
	MMS_SVC_READ = 4,
	MMS_SVC_WRITE = 5,
	MMS_SVC_GET_VAR_ACCESS_ATTR = 6,
	MMS_SVC_DEFINE_NVL = 11,
	MMS_SVC_GET_NVL_ATTR = 12,
	MMS_SVC_DELETE_NVL = 13,
	MMS_SVC_TAKE_CONTROL = 19,
	MMS_SVC_RELINQUISH_CONTROL = 20,
	MMS_SVC_FILE_OPEN = 72,
	MMS_SVC_FILE_READ = 73,
	MMS_SVC_FILE_CLOSE = 74,
	MMS_SVC_FILE_RENAME = 75,
	MMS_SVC_FILE_DELETE = 76,
	MMS_SVC_FILE_DIRECTORY = 77,
	MMS_SVC_MAX = 77,
};

/* App-layer events (vigil's names: Suricata has no MMS parser). */
enum mms_event {
	MMS_EV_INVALID_FRAMING,	     /* TPKT/COTP/session/presentation that does not parse */
	MMS_EV_INVALID_PDU,	     /* an MMS PDU that does not parse */
	MMS_EV_UNSOLICITED_RESPONSE, /* a response that answers no request */
	MMS_EV_TOO_MANY_TRANSACTIONS,
	MMS_EV_COUNT
};

/* Where an object name lives (ObjectName CHOICE), or what else it is. */
enum mms_scope {
	MMS_SCOPE_VMD = 0,
	MMS_SCOPE_DOMAIN = 1,
	MMS_SCOPE_AA = 2,
};

/* A byte range of the message's raw PDU (names are views into it). */
struct mms_str {
	uint32_t off, len;
};

struct mms_name {
	uint8_t scope;	       /* enum mms_scope */
	struct mms_str domain; /* domain-specific only */
	struct mms_str item;   /* the identifier (itemId, vmd or aa name) */
};

/* One MMS PDU, as decoded. */
struct mms_msg {
	uint8_t pdu;  /* enum mms_pdu_type */
	uint8_t dir;  /* enum app_dir it was sent in */
	bool invalid; /* the PDU did not parse (fields up to the fault kept) */
	bool has_invoke;
	uint32_t invoke_id;
	int16_t service; /* confirmed/unconfirmed service number, -1 none */
	/* object names (variables, list entries, semaphore) */
	struct mms_name *names;
	uint16_t n_names;
	bool names_truncated;
	bool has_list_name; /* variableListName / defineNamedVariableList's name */
	struct mms_name list_name;
	/* getNameList request: class and scope; response: identifiers in names */
	int32_t object_class;	/* -1 none */
	int8_t name_scope;	/* getNameList objectScope: 0 vmd, 1 domain, 2 aa; -1 */
	struct mms_str domain;	/* getNameList domain scope, domain services */
	struct mms_str program; /* program-invocation services */
	struct mms_str filename;
	bool has_frsm; /* fileRead/fileClose request, fileOpen response */
	uint32_t frsm_id;
	struct mms_str vendor, model, revision; /* identify response */
	bool more_follows;
	bool has_more_follows;
	/* initiate */
	bool has_init[5];
	uint32_t init[5]; /* local detail, max calling, max called, nesting, version */
	/* reject and errors: the CHOICE number and the value */
	bool has_error;
	uint32_t error_class, error_code;
	/* the raw MMS PDU (at most MMS_MAX_RAW bytes of it) */
	uint8_t *raw;
	uint32_t raw_len;
};

/* "request": a request, unconfirmed or reject PDU; "response": the
 * response or error that answers it, sent the other way. */
struct mms_tx {
	uint64_t tx_id;
	struct mms_msg *request;
	struct mms_msg *response;
	bool done;	 /* no response will come (closed, or a one-sided message) */
	bool event_only; /* carries an event of framing only (never logged) */
	uint8_t event_dir;
	uint32_t events;
};

struct mms_state;

/* Recognition: TPKT + COTP whose first data TPDU carries an ISO session
 * SPDU (never S7comm's 0x32); NEED_MORE while only COTP connection
 * TPDUs were seen. */
enum app_probe_result mms_probe(const uint8_t *d, uint32_t n);

struct mms_state *mms_state_new(void);
void mms_state_free(struct mms_state *s);
enum app_parse_result mms_parse(struct mms_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags);
/* Decodes one MMS PDU (BER) into m (raw kept); false when it does not parse. */
bool mms_decode_pdu(const uint8_t *d, uint32_t n, struct mms_msg *m);
void mms_msg_free(struct mms_msg *m);

uint64_t mms_tx_count(const struct mms_state *s);
const struct mms_tx *mms_tx_get(const struct mms_state *s, uint64_t tx_id);
size_t mms_tx_live(const struct mms_state *s);
/* Bytes the live transactions hold (bounded by MMS_STATE_MEMCAP). */
size_t mms_state_memuse(const struct mms_state *s);
void mms_tx_release_upto(struct mms_state *s, uint64_t tx_id);
bool mms_tx_has_event(const struct mms_tx *tx, enum mms_event ev);
const char *mms_event_name(enum mms_event ev);
/* The message of the transaction sent in direction dir (NULL none). */
const struct mms_msg *mms_tx_msg(const struct mms_tx *tx, enum app_dir dir);

/* Names: "confirmed_request" ..., "read", "informationReport" ... (NULL
 * unknown); look-ups by name give -1 when unknown. */
const char *mms_pdu_name(unsigned pdu);
const char *mms_service_name(unsigned svc);
const char *mms_unconfirmed_name(unsigned svc);
int mms_pdu_by_name(const char *name);
int mms_service_by_name(const char *name);

void mms_tx_log_json(struct json *j, const struct mms_tx *tx);

extern const struct app_protocol app_mms;

#endif
