/*
 * nfs.h — NFS over ONC-RPC (v2, v3, v4 COMPOUND), as Suricata 8 parses it
 * (rust/src/nfs/): RPC calls matched to replies by xid, one transaction
 * per call/reply pair (NFSv4: per COMPOUND whose main operation is CREATE
 * or REMOVE), one file transaction per file written (WRITE ... COMMIT /
 * CLOSE) or read (READ replies), file names learned from LOOKUP, CREATE,
 * READDIRPLUS and OPEN, kept per file handle.
 *
 * Bounds: a TCP record is gathered up to NFS_MAX_RECORD bytes (a longer
 * one is skipped, event malformed_data); at most NFS_MAX_TXS live
 * transactions (event too_many_transactions), NFS_MAX_PENDING calls awaiting their reply and
 * NFS_MAX_NAMES handle-to-name entries per flow (the oldest goes); names
 * and handles are cut at NFS_MAX_NAME / NFS_MAX_FH bytes.
 */
#ifndef VIGIL_APP_NFS_H
#define VIGIL_APP_NFS_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/file.h"

#define NFS_MAX_RECORD (1u << 20)
#define NFS_MAX_TXS 256
#define NFS_MAX_PENDING 256
#define NFS_MAX_NAMES 1024
#define NFS_MAX_NAME 1024
#define NFS_MAX_FH 128
#define NFS_FILE_QUEUE_BYTES (4u << 20)
#define NFS_FILE_QUEUE_CHUNKS 256

#define NFS_RPC_PROGRAM 100003

/* App-layer events, Suricata's nfs-events.rules names. */
enum nfs_event {
	NFS_EV_MALFORMED_DATA,
	NFS_EV_NON_EXISTING_VERSION,
	NFS_EV_UNSUPPORTED_VERSION,
	NFS_EV_TOO_MANY_TRANSACTIONS, /* NFS_MAX_TXS live: the oldest went */
	NFS_EV_COUNT,
};
extern const char *const nfs_event_names[NFS_EV_COUNT];

struct nfs_bytes {
	uint8_t *p;
	uint32_t len;
};

struct nfs_tx {
	uint64_t id; /* 0-based; EVE "id" is id + 1 */
	uint32_t xid;
	uint32_t procedure;
	uint16_t nfs_version;
	struct nfs_bytes file_name; /* RENAME: the from name */
	struct nfs_bytes rename_to;
	struct nfs_bytes file_handle;
	uint32_t auth_type;
	struct nfs_bytes machine_name;
	uint32_t uid, gid;
	uint32_t rpc_status, nfs_status;
	bool request_done, response_done;
	bool is_file_tx;
	enum app_dir file_dir;
	bool is_first, is_last;
	uint32_t chunk_count, file_last_xid;
	uint32_t extra_procs[4]; /* procedures joined to a file tx (COMMIT) */
	uint8_t n_extra;
	struct app_file file;
	uint32_t events; /* 1 << enum nfs_event */
};

struct nfs_state;

struct nfs_state *nfs_state_new(bool tcp, uint8_t file_hashes);
void nfs_state_free(struct nfs_state *s);
enum app_parse_result nfs_parse(struct nfs_state *s, enum app_dir dir, const uint8_t *d,
				uint32_t n, uint32_t flags);
uint64_t nfs_tx_count(const struct nfs_state *s);
const struct nfs_tx *nfs_tx_get(const struct nfs_state *s, uint64_t id);
void nfs_tx_release_upto(struct nfs_state *s, uint64_t id);
/* The NFS version of the flow (the first call's), 0 before one. */
uint16_t nfs_state_version(const struct nfs_state *s);

/* Procedure and status names as Suricata logs them (a number when unknown). */
const char *nfs_procedure_name(uint16_t version, uint32_t proc, char *buf, uint32_t len);
const char *nfs_status_name(uint32_t status, char *buf, uint32_t len);
/* A procedure by name for the version's table; -1 when unknown. */
int64_t nfs_procedure_by_name(uint16_t version, const char *name);

/* Probes: an RPC call to / reply from the NFS program. */
enum app_probe_result nfs_probe(bool tcp, enum app_dir dir, const uint8_t *d, uint32_t n);

/* EVE: "rpc" and "nfs" objects (nfs-log.c). */
struct json;
void nfs_tx_log_json(struct json *j, const struct nfs_state *s, const struct nfs_tx *tx);

#endif
