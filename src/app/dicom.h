/*
 * dicom.h — the DICOM upper layer parser (app/dicom.c) as the rest of
 * vigil sees it: the descriptor app_dicom and read-only accessors of its
 * transactions (detection buffers, EVE writer, files).
 *
 * Suricata has no DICOM parser; vigil follows the standard: PS3.8 (upper
 * layer PDUs: A-ASSOCIATE-RQ/AC/RJ, P-DATA-TF, A-RELEASE-RQ/RP, A-ABORT)
 * and PS3.7 (DIMSE command sets, always implicit VR little endian).
 * Transactions: the association (A-ASSOCIATE-RQ and its AC or RJ), one per
 * DIMSE request and its response(s), paired by Message ID, one per
 * release (RQ and RP) and one per abort.  A C-STORE request's data set is
 * a file named by its Affected SOP Instance UID.
 */
#ifndef VIGIL_APP_DICOM_H
#define VIGIL_APP_DICOM_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct json;
struct file_magic;

enum dicom_event {
	DICOM_EV_INVALID_PDU_TYPE = 0, /* not a PS3.8 PDU type: the direction stops */
	DICOM_EV_PDU_TOO_LARGE,	       /* above DICOM_MAX_ASSOC_PDU, or the peer's max length */
	DICOM_EV_MALFORMED_PDU,	       /* items or fixed fields that do not fit */
	DICOM_EV_MALFORMED_PDV,	       /* a PDV that does not fit its PDU */
	DICOM_EV_MALFORMED_COMMAND,    /* a command set that does not decode */
	DICOM_EV_COMMAND_TOO_LARGE,    /* above DICOM_MAX_COMMAND bytes */
	DICOM_EV_UNMATCHED_RESPONSE,   /* a response to no known request */
	DICOM_EV_TOO_MANY_TRANSACTIONS, /* the oldest live transaction dropped beyond the cap */
	DICOM_EV_COUNT,
};

enum dicom_tx_kind { DICOM_TX_ASSOCIATION, DICOM_TX_DIMSE, DICOM_TX_RELEASE, DICOM_TX_ABORT };

/* A byte string copied from the PDU (UIDs and AE titles trimmed of
 * their NUL or space padding). */
struct dicom_str {
	uint8_t *v;
	uint32_t len;
};

#define DICOM_MAX_TS 16 /* transfer syntaxes kept per presentation context */
#define DICOM_MAX_PCS 256

struct dicom_pc {
	uint8_t id;
	bool answered;	/* the AC had an item for it */
	uint8_t result; /* 0 acceptance, 1 user rejection, 2 no reason, 3/4 not supported */
	struct dicom_str abstract;
	struct dicom_str ts[DICOM_MAX_TS];
	uint8_t n_ts;
	struct dicom_str accepted_ts;
};

struct dicom_user_info {
	bool has_max_pdu;
	uint32_t max_pdu;
	struct dicom_str impl_class_uid, impl_version;
};

struct dicom_assoc {
	bool rq, ac, rj;
	uint16_t protocol_version;
	struct dicom_str called_ae, calling_ae, app_context;
	struct dicom_pc *pcs;
	uint32_t n_pcs;
	struct dicom_user_info user[2]; /* 0: requestor (RQ), 1: acceptor (AC) */
	uint8_t rj_result, rj_source, rj_reason;
};

struct dicom_command {
	bool seen;
	uint16_t field; /* Command Field (0000,0100) */
	uint16_t message_id;
	bool has_status;
	uint16_t status;
	uint16_t priority;
	bool has_priority;
	uint16_t dataset_type; /* (0000,0800): 0x0101 none */
	uint8_t pcid;
	struct dicom_str sop_class, sop_instance, move_destination;
	uint64_t dataset_bytes;
	bool dataset_done;
	uint32_t responses; /* responses seen (the last is the final one) */
};

struct dicom_file; /* a C-STORE data set in transit */

struct dicom_tx {
	uint64_t id;
	enum dicom_tx_kind kind;
	struct dicom_assoc assoc;    /* DICOM_TX_ASSOCIATION */
	struct dicom_command cmd[2]; /* DICOM_TX_DIMSE, by direction (request first) */
	enum app_dir rq_dir;	     /* the direction of the request */
	bool cancelled;		     /* a C-CANCEL-RQ named it */
	bool side_done[2];	     /* release/abort: RQ/RP or A-ABORT seen; DIMSE: complete */
	uint8_t abort_source, abort_reason;
	struct dicom_file *file;
	uint8_t events; /* 1 << enum dicom_event */
};

struct dicom_state;

struct dicom_state *dicom_state_new(uint8_t file_hashes);
void dicom_state_free(struct dicom_state *s);
enum app_parse_result dicom_parse(struct dicom_state *s, enum app_dir dir, const uint8_t *d,
				  uint32_t n, uint32_t flags);
uint64_t dicom_tx_count(const struct dicom_state *s);
const struct dicom_tx *dicom_tx_get(const struct dicom_state *s, uint64_t id);
void dicom_tx_release_upto(struct dicom_state *s, uint64_t id);

/* "C-STORE-RQ", "C-ECHO-RSP", ...; NULL for an unknown command field. */
const char *dicom_command_name(uint16_t field);
/* The command field of a name ("C-STORE-RQ"), -1 when unknown. */
int dicom_command_by_name(const char *name);
/* The UID's name in the DICOM registry (PS3.6 Annex A), NULL when not
 * among the common ones vigil knows. */
const char *dicom_uid_name(const uint8_t *uid, uint32_t len);
const char *dicom_event_name(enum dicom_event ev);
bool dicom_tx_has_event(const struct dicom_tx *tx, enum dicom_event ev);

/* The C-STORE data set of a transaction: its state, and the first
 * DICOM_FILE_KEEP bytes of it (for rules and tests: vigil has no file
 * store yet). */
#define DICOM_FILE_KEEP 32768
bool dicom_tx_file(const struct dicom_tx *tx, struct app_file_info *out);
const uint8_t *dicom_tx_file_data(const struct dicom_tx *tx, uint32_t *len);

/* The members of the EVE `dicom` object (app/dicom-log.c). */
void dicom_tx_log_json(struct json *j, const struct dicom_tx *tx);

extern const struct app_protocol app_dicom;

#endif
