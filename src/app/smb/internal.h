/*
 * smb/internal.h — what the files of the SMB parser (src/app/smb/) share:
 * smb.c framing, state and transactions; smb1.c, smb2.c commands; auth.c
 * security blobs; pipe.c named pipes; log.c EVE.  Nothing outside them
 * includes it.
 *
 * Lookup tables mirror Suricata's hash maps, as small arrays searched
 * linearly (at most SMB_MAP_MAX entries each; the oldest is evicted):
 *   names   key (FILENAME / GUID)  -> bytes   (create request name, write guid)
 *   guids   file id                -> name    (from create responses)
 *   offsets key (OFFSET)           -> file id + offset (read requests)
 *   trees   key (SHARE)            -> share name + is_pipe
 */
#ifndef VIGIL_APP_SMB_INTERNAL_H
#define VIGIL_APP_SMB_INTERNAL_H

#include "app/smb.h"

/* ------------------------------------------------------------ little endian */

static inline uint16_t smb_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t smb_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}
static inline uint64_t smb_le64(const uint8_t *p)
{
	return (uint64_t)smb_le32(p) | ((uint64_t)smb_le32(p + 4) << 32);
}

/* ------------------------------------------------------------ NT status */

#define SMB_NTSTATUS_SUCCESS 0x00000000u
#define SMB_NTSTATUS_PENDING 0x00000103u
#define SMB_NTSTATUS_BUFFER_OVERFLOW 0x80000005u
#define SMB_NTSTATUS_END_OF_FILE 0xc0000011u
#define SMB_NTSTATUS_MORE_PROCESSING_REQUIRED 0xc0000016u

/* ------------------------------------------------------------ tables */

struct smb_map_ent {
	struct smb_key key;   /* names, offsets, trees */
	struct smb_bytes id;  /* guids: the file id; offsets: the file id */
	struct smb_bytes val; /* names: bytes; guids: name; trees: share name */
	uint64_t off;	      /* offsets */
	bool is_pipe;	      /* trees */
};

struct smb_map {
	struct smb_map_ent *v;
	uint32_t n;
};

enum smb_map_kind { SMB_MAP_NAMES, SMB_MAP_GUIDS, SMB_MAP_OFFSETS, SMB_MAP_TREES, SMB_MAP_COUNT };

/* ------------------------------------------------------------ state */

struct smb_dir {
	uint8_t *buf; /* a record's bytes so far */
	uint32_t len, cap;
	uint32_t skip;	     /* bytes still to drop (rest of a skipped record) */
	uint32_t file_left;  /* bytes of a streamed record still going to a file */
	uint32_t after_file; /* record bytes after the streamed data (dropped) */
	struct smb_bytes file_guid;
	uint64_t file_off;
	bool gap;     /* resynchronise on the next record */
	bool ssn_gap; /* a gap was seen on this direction */
	bool trunc;   /* no more data will be parsed */
	bool failed;
	uint64_t base; /* stream offset of the bytes consume() is reading (frames) */
};

struct smb_pipe; /* pipe.c */

struct smb_state {
	const struct smb_config *cfg;
	uint8_t file_hashes;
	struct smb_dir dir[2];
	struct smb_tx **txs; /* live transactions, oldest first */
	uint32_t n_txs, cap_txs;
	uint64_t next_id;
	uint16_t dialect;	   /* SMB2 dialect revision, 0 = none / SMB1 */
	struct smb_bytes dialect1; /* SMB1: the dialect string chosen */
	bool has_dialect1;
	uint32_t max_read_size, max_write_size;
	struct smb_map maps[SMB_MAP_COUNT];
	struct smb_pipe *pipes;
	uint32_t n_pipes;
	uint32_t open_files;
	struct smb_limits lim;
};

/* Default settings (Suricata's: no size limits, max-tx 1024). */
extern const struct smb_config smb_config_default;

/* ------------------------------------------------------------ bytes */

bool smb_bytes_set(struct smb_bytes *b, const uint8_t *p, uint32_t n);
/* Copy without NUL bytes (Suricata's retain(|c| c != 0)). */
bool smb_bytes_set_nonul(struct smb_bytes *b, const uint8_t *p, uint32_t n);
void smb_bytes_free(struct smb_bytes *b);
bool smb_bytes_eq(const struct smb_bytes *b, const uint8_t *p, uint32_t n);

/* ------------------------------------------------------------ transactions */

struct smb_key smb_key_make(uint32_t rec_type, uint64_t ssn, uint32_t tree, uint64_t msg);
/* Same record type, session and message (the tree is not compared). */
bool smb_key_match(const struct smb_key *a, const struct smb_key *b);

struct smb_tx *smb_tx_new(struct smb_state *s, enum smb_tx_type type);
struct smb_tx *smb_tx_new_generic(struct smb_state *s, uint8_t ver, uint16_t cmd,
				  struct smb_key key);
struct smb_tx *smb_tx_find_generic(struct smb_state *s, uint8_t ver, uint16_t cmd,
				   const struct smb_key *key);
struct smb_tx *smb_tx_find_type(struct smb_state *s, enum smb_tx_type type,
				const struct smb_key *key);
struct smb_tx *smb_tx_find_negotiate(struct smb_state *s, uint8_t ver);
struct smb_tx *smb_tx_find_file(struct smb_state *s, const uint8_t *guid, uint32_t guid_len,
				enum app_dir dir);
struct smb_tx *smb_tx_new_file(struct smb_state *s, const uint8_t *guid, uint32_t guid_len,
			       const uint8_t *name, uint32_t name_len, enum app_dir dir);
void smb_tx_set_status(struct smb_tx *tx, uint32_t status, bool dos);
void smb_tx_set_cmd1(struct smb_tx *tx, uint8_t cmd);
void smb_tx_set_cmd2(struct smb_tx *tx, uint16_t cmd);
/* Suricata's set_event: the event goes on the newest transaction. */
void smb_set_event(struct smb_state *s, enum smb_event ev);

/* ------------------------------------------------------------ tables */

struct smb_map_ent *smb_map_find(struct smb_state *s, enum smb_map_kind k,
				 const struct smb_key *key);
struct smb_map_ent *smb_map_find_id(struct smb_state *s, enum smb_map_kind k, const uint8_t *id,
				    uint32_t id_len);
/* A new (or the existing) entry for key / id. */
struct smb_map_ent *smb_map_put(struct smb_state *s, enum smb_map_kind k, const struct smb_key *key,
				const uint8_t *id, uint32_t id_len);
void smb_map_del(struct smb_state *s, enum smb_map_kind k, struct smb_map_ent *e);
/* Exact key compare (tree included), as Suricata's hash maps. */
bool smb_key_eq(const struct smb_key *a, const struct smb_key *b);

/* The name a file id was opened with (NULL when unknown). */
const struct smb_bytes *smb_guid_name(struct smb_state *s, const uint8_t *guid, uint32_t n);
/* Suricata's get_service_for_guid: whether the file id names a DCERPC pipe. */
bool smb_guid_is_dcerpc(struct smb_state *s, const uint8_t *guid, uint32_t n);
/* DCERPC header check (Suricata's smb_dcerpc_probe). */
bool smb_dcerpc_probe(const uint8_t *d, uint32_t n);

/* ------------------------------------------------------------ files */

/* Data of a file read/write at `off` (Suricata's filetracker_newchunk):
 * queue limits and overlap events from the state's settings. */
void smb_file_chunk(struct smb_state *s, struct smb_tx *tx, enum app_dir dir, uint64_t off,
		    const uint8_t *d, uint32_t n);
void smb_file_close(struct smb_state *s, struct smb_tx *tx);
/* Bytes of the current chunk still to come in later segments. */
void smb_set_file_left(struct smb_state *s, enum app_dir dir, uint32_t rec_len, uint32_t have,
		       const uint8_t *guid, uint32_t guid_len, uint64_t off);
void smb_set_skip(struct smb_state *s, enum app_dir dir, uint32_t rec_len, uint32_t have);

/* ------------------------------------------------------------ commands */

/* One SMB2 record of a complete NBSS message; the bytes consumed
 * (compounded records follow), or 0 when malformed. */
uint32_t smb2_record(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n);
/* An incomplete SMB2 WRITE request / READ response: handles what is here
 * and streams the rest; false when the record is not one of those. */
bool smb2_partial(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
		  uint32_t rec_len);
/* One SMB1 record (a complete NBSS message); false when malformed. */
bool smb1_record(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n);
bool smb1_partial(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
		  uint32_t rec_len);

/* ------------------------------------------------------------ auth */

/* The GSS-API / SPNEGO security blob of a session setup request:
 * NTLMSSP AUTHENTICATE data and/or a Kerberos AP-REQ ticket into tx. */
void smb_auth_parse_secblob(struct smb_tx *tx, const uint8_t *d, uint32_t n);

/* ------------------------------------------------------------ pipes */

/* Bytes written to / read from a DCERPC named pipe (by file id): fed to
 * the pipe's DCERPC parser; the SMB transaction of the call is made or
 * completed.  cmd: the SMB command carrying them; hdr the request's key. */
void smb_pipe_write(struct smb_state *s, uint8_t ver, uint16_t cmd, const struct smb_key *hdr,
		    const uint8_t *guid, uint32_t guid_len, const uint8_t *d, uint32_t n);
void smb_pipe_read(struct smb_state *s, uint8_t ver, uint16_t cmd, uint32_t status,
		   const struct smb_key *hdr, const uint8_t *guid, uint32_t guid_len,
		   const uint8_t *d, uint32_t n);
void smb_pipes_free(struct smb_state *s);
/* Releases what a DCERPC transaction of a pipe holds once the SMB
 * transaction referring to it goes. */
void smb_pipe_tx_release(struct smb_tx *tx);

#endif
