/*
 * smb — SMB 1, 2 and 3 over TCP (445, and NetBIOS session service on 139)
 * as Suricata 8's app-layer "smb" (rust/src/smb/).
 *
 * Framing: NetBIOS session service records (type byte, 24-bit length);
 * session messages carry an SMB1 (0xFF 'SMB'), SMB2 (0xFE 'SMB', possibly
 * several compounded with NextCommand) or SMB3 transform (0xFD 'SMB',
 * encrypted: noted, nothing inside is parsed) record.  A record is
 * buffered until complete, except an SMB2 WRITE request / READ response
 * (SMB1 WRITE_ANDX / READ_ANDX) to a file, whose data is streamed into the
 * file as it arrives once its header is in (as Suricata does for records
 * of 512 bytes or more).  After a gap a direction resynchronises on the
 * next NBSS header followed by an SMB magic.
 *
 * Transactions, as Suricata: one per command (request and its response,
 * matched by session id and message id / multiplex id), with typed data
 * for NEGOTIATE (dialects, GUIDs), SESSION_SETUP (NTLMSSP user, domain,
 * host, version; Kerberos realm and service names; SMB1 native OS/LM),
 * TREE_CONNECT (share or named pipe, share type / service), CREATE (name,
 * disposition, options, times, size, file id), file READ/WRITE (one
 * transaction per file and direction, carrying a file: struct app_file),
 * SET_INFO rename and delete-on-close, IOCTL (function) and named-pipe
 * DCERPC.  Transaction ids count from 0 (the EVE "id" is id + 1, as
 * Suricata logs it).
 *
 * Bounds: SMB_MAX_TX live transactions (the oldest is closed and flagged
 * too_many_transactions, Suricata's max-tx), SMB_RECORD_MAX bytes buffered
 * for one record per direction (larger non-streamed records are skipped
 * and counted), SMB_MAP_MAX entries in each of the lookup tables (names,
 * trees, read offsets; the oldest is evicted and counted), SMB_MAX_FILES
 * open files per flow (more are counted, not tracked), out-of-order file
 * data queued per file up to the max-*-queue-size/cnt settings or, when
 * they are unset (Suricata: no limit), SMB_FILE_QUEUE_MAX bytes and
 * SMB_FILE_QUEUE_CNT chunks (more is counted and the file gets a gap),
 * strings cut at SMB_STR_MAX, SMB_MAX_PIPES named pipes (smb/pipe.c).
 * Nothing is read past the length handed to the parser.  The parser's
 * files are in src/app/smb/; this header is its public face.
 */
#ifndef VIGIL_APP_SMB_H
#define VIGIL_APP_SMB_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/file.h"

struct json;

#define SMB_MAX_TX 1024		      /* Suricata's app-layer.protocols.smb.max-tx default */
#define SMB_RECORD_MAX (1u << 20)     /* bytes buffered for one (non-streamed) record */
#define SMB_MAP_MAX 512		      /* entries per lookup table */
#define SMB_MAX_FILES 64	      /* open file transactions per flow */
#define SMB_STR_MAX 1024	      /* bytes kept of a name or string */
#define SMB_MAX_DIALECTS 64	      /* negotiate dialects kept */
#define SMB_MAX_SNAMES 8	      /* Kerberos service name parts kept */
#define SMB_PARTIAL_MIN 512	      /* a record this long may be streamed */
#define SMB_FILE_QUEUE_MAX (1u << 20) /* out-of-order bytes queued per file without a setting */
#define SMB_FILE_QUEUE_CNT 64	      /* ... and chunks */
#define SMB_MAX_PIPES 32	      /* named pipes with a DCERPC state per flow */

/* App-layer events: names as smb-events.rules. */
enum smb_event {
	SMB_EV_INTERNAL_ERROR,
	SMB_EV_MALFORMED_DATA,
	SMB_EV_MALFORMED_NTLMSSP_REQUEST,
	SMB_EV_NEGOTIATE_MALFORMED_DIALECTS,
	SMB_EV_FILE_OVERLAP,
	SMB_EV_RESPONSE_TO_SERVER,
	SMB_EV_REQUEST_TO_CLIENT,
	SMB_EV_READ_REQUEST_TOO_LARGE,
	SMB_EV_READ_RESPONSE_TOO_LARGE,
	SMB_EV_WRITE_REQUEST_TOO_LARGE,
	SMB_EV_NEGOTIATE_MAX_READ_SIZE_TOO_LARGE,
	SMB_EV_NEGOTIATE_MAX_WRITE_SIZE_TOO_LARGE,
	SMB_EV_WRITE_QUEUE_SIZE_EXCEEDED,
	SMB_EV_WRITE_QUEUE_CNT_EXCEEDED,
	SMB_EV_READ_QUEUE_SIZE_EXCEEDED,
	SMB_EV_READ_QUEUE_CNT_EXCEEDED,
	SMB_EV_TOO_MANY_TRANSACTIONS,
	/* in Suricata's event list, not in its rules file */
	SMB_EV_RECORD_OVERFLOW,
	SMB_EV_MALFORMED_NTLMSSP_RESPONSE,
	SMB_EV_DUPLICATE_NEGOTIATE,
	SMB_EV_COUNT
};
extern const char *const smb_event_names[SMB_EV_COUNT];

/* Settings under app-layer.protocols.smb (0 = no limit), Suricata's names. */
struct smb_config {
	uint32_t max_read_size, max_write_size;
	uint32_t max_read_queue_size, max_read_queue_cnt;
	uint32_t max_write_queue_size, max_write_queue_cnt;
	uint32_t max_tx;
};

/* Owned bytes. */
struct smb_bytes {
	uint8_t *p;
	uint32_t n;
};

enum smb_tx_type {
	SMB_TX_GENERIC = 0,
	SMB_TX_NEGOTIATE,
	SMB_TX_SESSIONSETUP,
	SMB_TX_TREECONNECT,
	SMB_TX_CREATE,
	SMB_TX_FILE,
	SMB_TX_RENAME,
	SMB_TX_SETFILEPATHINFO,
	SMB_TX_IOCTL,
	SMB_TX_DCERPC,
};

/* The key requests and responses meet on (Suricata's SMBCommonHdr). */
enum {
	SMB_KEY_GUID = 1,
	SMB_KEY_SHARE = 2,
	SMB_KEY_FILENAME = 3,
	SMB_KEY_OFFSET = 4,
	SMB_KEY_GENERICTX = 5,
	SMB_KEY_HEADER = 6,
	SMB_KEY_MAX_SIZE = 7,
	SMB_KEY_TRANS_FRAG = 8,
	SMB_KEY_TREE = 9,
	SMB_KEY_DCERPCTX = 10,
};
struct smb_key {
	uint64_t ssn_id;
	uint32_t tree_id;
	uint32_t rec_type;
	uint64_t msg_id;
};

struct smb_ntlmssp {
	struct smb_bytes domain, user, host;
	bool has_version;
	uint8_t ver_major, ver_minor, ver_rev;
	uint16_t ver_build;
};

struct smb_krb_ticket {
	struct smb_bytes realm;
	struct smb_bytes snames[SMB_MAX_SNAMES];
	uint32_t n_snames;
};

struct smb_tx {
	uint64_t id; /* 0-based */
	uint8_t ver; /* 1 or 2, 0 unknown */
	uint8_t cmd1;
	uint16_t cmd2;
	bool status_set, status_dos;
	uint8_t err_class;
	uint32_t status;
	struct smb_key hdr;
	bool req_done, resp_done;
	uint32_t events; /* 1 << enum smb_event */
	enum smb_tx_type type;

	/* NEGOTIATE */
	uint8_t neg_ver;
	struct smb_bytes *dialects;
	uint32_t n_dialects;
	bool has_client_guid;
	uint8_t client_guid[16];
	struct smb_bytes server_guid;

	/* SESSION_SETUP */
	bool has_ntlmssp, has_krb, has_req_host, has_resp_host;
	struct smb_ntlmssp ntlmssp;
	struct smb_krb_ticket krb;
	struct smb_bytes req_native_os, req_native_lm, resp_native_os, resp_native_lm;

	/* TREE_CONNECT */
	struct smb_bytes share_name;
	bool is_pipe;
	uint8_t share_type;
	uint32_t tree_id;
	bool has_req_service, has_res_service;
	struct smb_bytes req_service, res_service;

	/* CREATE, SETFILEPATHINFO (filename), FILE (name, share) */
	struct smb_bytes filename;
	uint32_t disposition;
	bool delete_on_close, directory;
	struct smb_bytes guid; /* CREATE: file id from the response; FILE / RENAME / SFPI: fuid */
	uint32_t create_ts, last_access_ts, last_write_ts, last_change_ts;
	uint32_t create_action;	  /* the response's CreateAction (2: FILE_CREATED) */
	struct smb_bytes op_path; /* CREATE: the name without NULs (share operations) */
	uint64_t size;

	/* FILE */
	struct app_file file;
	uint64_t post_gap_ts;

	/* RENAME */
	struct smb_bytes oldname, newname;

	/* SETFILEPATHINFO */
	uint16_t subcmd, loi;

	/* IOCTL */
	uint32_t ioctl_func;

	/* DCERPC over a named pipe */
	struct smb_pipe *pipe; /* the pipe's DCERPC state (smb/pipe.c) */
	uint64_t dce_tx_id;    /* the pipe's DCERPC transaction */
	bool dce_req_set, dce_res_set;
	uint8_t dce_req_type; /* a PDU that made no DCERPC transaction */
	uint32_t dce_call_id;
};

struct smb_state;

/* ------------------------------------------------------------ parser */

struct smb_state *smb_state_new(const struct app_flow_info *fi);
void smb_state_free(struct smb_state *s);
enum app_parse_result smb_parse(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags);
uint64_t smb_tx_count(const struct smb_state *s);
const struct smb_tx *smb_tx_get(const struct smb_state *s, uint64_t id);
void smb_tx_release_upto(struct smb_state *s, uint64_t id);

/* Dialect (SMB2 revision, else the SMB1 dialect string) for EVE. */
uint16_t smb_state_dialect(const struct smb_state *s);
const struct smb_bytes *smb_state_dialect1(const struct smb_state *s);
uint32_t smb_state_max_read_size(const struct smb_state *s);
uint32_t smb_state_max_write_size(const struct smb_state *s);
/* Counters of bounds hit (records skipped, table entries evicted, files
 * refused, transactions closed early). */
struct smb_limits {
	uint64_t records_skipped, map_evictions, files_refused, tx_evicted, encrypted_records;
	uint64_t chunks_dropped; /* out-of-order file chunks over the built-in queue bound */
};
const struct smb_limits *smb_state_limits(const struct smb_state *s);

/* ------------------------------------------------------------ detection */

/* smb.share / smb.named_pipe: the tree connect's name when it is (not) a
 * pipe. */
bool smb_tx_share(const struct smb_tx *tx, const uint8_t **d, uint32_t *n);
bool smb_tx_named_pipe(const struct smb_tx *tx, const uint8_t **d, uint32_t *n);
bool smb_tx_ntlmssp_user(const struct smb_tx *tx, const uint8_t **d, uint32_t *n);
bool smb_tx_ntlmssp_domain(const struct smb_tx *tx, const uint8_t **d, uint32_t *n);
/* smb.version: 1 or 2 (SMB3 is 2), 0 unknown. */
uint8_t smb_tx_version(const struct smb_tx *tx);
/* The DCERPC call of a named-pipe transaction (NULL otherwise), and the
 * view the dcerpc keywords read (false when it has none). */
struct dcerpc_tx;
struct dcerpc_view;
const struct dcerpc_tx *smb_tx_dcerpc(const struct smb_tx *tx);
bool smb_tx_dcerpc_view(const void *tx, struct dcerpc_view *v);
/* The file of a file transaction (NULL otherwise). */
const struct app_file *smb_tx_file(const struct smb_tx *tx);
/* What the transaction did on its share (app/app.h, for behaviour
 * detection): a create (OPEN), a file written (WRITE, once complete), a
 * rename, a delete on close, a named-pipe DCERPC call (RPC). */
bool smb_tx_share_op(const struct smb_state *s, const struct smb_tx *tx, struct app_share_op *out);

/* ------------------------------------------------------------ names, EVE */

const char *smb2_command_name(uint16_t cmd, char buf[8]);
const char *smb1_command_name(uint8_t cmd, char buf[8]);
const char *smb_ntstatus_name(uint32_t status);
void smb2_dialect_name(uint16_t d, char buf[8]);
/* The smb object's members for a transaction ("smb": {...} is opened by
 * the caller). */
void smb_tx_log_json(struct json *j, const struct smb_state *s, const struct smb_tx *tx);

extern const struct app_protocol app_smb;

#endif
