/*
 * smb/smb.c — SMB over NBSS: framing of both directions, the per-flow state,
 * transactions and their lookup, the lookup tables, files, settings, the
 * probes and the protocol's descriptor (app_smb).  Commands are in
 * smb2.c / smb1.c, security blobs in auth.c, named pipes in pipe.c, the
 * EVE object in log.c (all in src/app/smb/).  See app/smb.h for the
 * behaviour and its bounds.
 *
 * Reads: a direction's bytes are taken as they come; a record is only
 * looked at once its 4-byte NBSS header says how long it is, and it is
 * handed on whole (or, for the streamed file records, with the length of
 * what is here), so no parser below reads past the record.  The partial
 * record kept between calls is at most SMB_RECORD_MAX bytes.
 */
#include "app/frame.h"
#include "app/smb/internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/config.h"
#include "util/json.h"

const struct smb_config smb_config_default = {.max_tx = SMB_MAX_TX};

const char *const smb_event_names[SMB_EV_COUNT] = {
    [SMB_EV_INTERNAL_ERROR] = "internal_error",
    [SMB_EV_MALFORMED_DATA] = "malformed_data",
    [SMB_EV_MALFORMED_NTLMSSP_REQUEST] = "malformed_ntlmssp_request",
    [SMB_EV_NEGOTIATE_MALFORMED_DIALECTS] = "negotiate_malformed_dialects",
    [SMB_EV_FILE_OVERLAP] = "file_overlap",
    [SMB_EV_RESPONSE_TO_SERVER] = "response_to_server",
    [SMB_EV_REQUEST_TO_CLIENT] = "request_to_client",
    [SMB_EV_READ_REQUEST_TOO_LARGE] = "read_request_too_large",
    [SMB_EV_READ_RESPONSE_TOO_LARGE] = "read_response_too_large",
    [SMB_EV_WRITE_REQUEST_TOO_LARGE] = "write_request_too_large",
    [SMB_EV_NEGOTIATE_MAX_READ_SIZE_TOO_LARGE] = "negotiate_max_read_size_too_large",
    [SMB_EV_NEGOTIATE_MAX_WRITE_SIZE_TOO_LARGE] = "negotiate_max_write_size_too_large",
    [SMB_EV_WRITE_QUEUE_SIZE_EXCEEDED] = "write_queue_size_exceeded",
    [SMB_EV_WRITE_QUEUE_CNT_EXCEEDED] = "write_queue_cnt_exceeded",
    [SMB_EV_READ_QUEUE_SIZE_EXCEEDED] = "read_queue_size_exceeded",
    [SMB_EV_READ_QUEUE_CNT_EXCEEDED] = "read_queue_cnt_exceeded",
    [SMB_EV_TOO_MANY_TRANSACTIONS] = "too_many_transactions",
    [SMB_EV_RECORD_OVERFLOW] = "record_overflow",
    [SMB_EV_MALFORMED_NTLMSSP_RESPONSE] = "malformed_ntlmssp_response",
    [SMB_EV_DUPLICATE_NEGOTIATE] = "duplicate_negotiate",
};

/* ------------------------------------------------------------ bytes */

bool smb_bytes_set(struct smb_bytes *b, const uint8_t *p, uint32_t n)
{
	if (n > SMB_STR_MAX)
		n = SMB_STR_MAX;
	uint8_t *c = malloc(n + 1u);
	if (c == NULL)
		return false;
	if (n > 0)
		memcpy(c, p, n);
	c[n] = 0;
	free(b->p);
	b->p = c;
	b->n = n;
	return true;
}

bool smb_bytes_set_nonul(struct smb_bytes *b, const uint8_t *p, uint32_t n)
{
	uint8_t tmp[SMB_STR_MAX];
	uint32_t k = 0;
	for (uint32_t i = 0; i < n && k < SMB_STR_MAX; i++)
		if (p[i] != 0)
			tmp[k++] = p[i];
	return smb_bytes_set(b, tmp, k);
}

void smb_bytes_free(struct smb_bytes *b)
{
	free(b->p);
	b->p = NULL;
	b->n = 0;
}

bool smb_bytes_eq(const struct smb_bytes *b, const uint8_t *p, uint32_t n)
{
	return b->n == n && (n == 0 || memcmp(b->p, p, n) == 0);
}

/* ------------------------------------------------------------ keys */

struct smb_key smb_key_make(uint32_t rec_type, uint64_t ssn, uint32_t tree, uint64_t msg)
{
	struct smb_key k = {.ssn_id = ssn, .tree_id = tree, .rec_type = rec_type, .msg_id = msg};
	return k;
}

bool smb_key_match(const struct smb_key *a, const struct smb_key *b)
{
	return a->rec_type == b->rec_type && a->ssn_id == b->ssn_id && a->msg_id == b->msg_id;
}

bool smb_key_eq(const struct smb_key *a, const struct smb_key *b)
{
	return smb_key_match(a, b) && a->tree_id == b->tree_id;
}

/* ------------------------------------------------------------ tables */

static void map_ent_free(struct smb_map_ent *e)
{
	smb_bytes_free(&e->id);
	smb_bytes_free(&e->val);
}

static bool map_ent_is(const struct smb_map_ent *e, enum smb_map_kind k, const struct smb_key *key,
		       const uint8_t *id, uint32_t id_len)
{
	if (k == SMB_MAP_GUIDS)
		return smb_bytes_eq(&e->id, id, id_len);
	return smb_key_eq(&e->key, key);
}

struct smb_map_ent *smb_map_find(struct smb_state *s, enum smb_map_kind k,
				 const struct smb_key *key)
{
	struct smb_map *m = &s->maps[k];
	for (uint32_t i = 0; i < m->n; i++)
		if (smb_key_eq(&m->v[i].key, key))
			return &m->v[i];
	return NULL;
}

struct smb_map_ent *smb_map_find_id(struct smb_state *s, enum smb_map_kind k, const uint8_t *id,
				    uint32_t id_len)
{
	struct smb_map *m = &s->maps[k];
	for (uint32_t i = 0; i < m->n; i++)
		if (smb_bytes_eq(&m->v[i].id, id, id_len))
			return &m->v[i];
	return NULL;
}

void smb_map_del(struct smb_state *s, enum smb_map_kind k, struct smb_map_ent *e)
{
	struct smb_map *m = &s->maps[k];
	uint32_t i = (uint32_t)(e - m->v);
	if (i >= m->n)
		return;
	map_ent_free(e);
	memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(*m->v));
	m->n--;
}

struct smb_map_ent *smb_map_put(struct smb_state *s, enum smb_map_kind k, const struct smb_key *key,
				const uint8_t *id, uint32_t id_len)
{
	struct smb_map *m = &s->maps[k];
	for (uint32_t i = 0; i < m->n; i++)
		if (map_ent_is(&m->v[i], k, key, id, id_len))
			return &m->v[i];
	if (m->v == NULL) {
		m->v = calloc(SMB_MAP_MAX, sizeof(*m->v));
		if (m->v == NULL)
			return NULL;
	}
	if (m->n == SMB_MAP_MAX) {
		s->lim.map_evictions++;
		smb_map_del(s, k, &m->v[0]);
	}
	struct smb_map_ent *e = &m->v[m->n];
	memset(e, 0, sizeof(*e));
	if (key != NULL)
		e->key = *key;
	if (id != NULL && !smb_bytes_set(&e->id, id, id_len))
		return NULL;
	m->n++;
	return e;
}

const struct smb_bytes *smb_guid_name(struct smb_state *s, const uint8_t *guid, uint32_t n)
{
	struct smb_map_ent *e = smb_map_find_id(s, SMB_MAP_GUIDS, guid, n);
	return e != NULL ? &e->val : NULL;
}

bool smb_guid_is_dcerpc(struct smb_state *s, const uint8_t *guid, uint32_t n)
{
	static const char *const pipes[] = {"svcctl", "srvsvc",	 "atsvc",  "lsarpc",
					    "samr",   "spoolss", "winreg", "suricata::dcerpc"};
	const struct smb_bytes *nm = smb_guid_name(s, guid, n);
	if (nm == NULL)
		return false;
	const uint8_t *p = nm->p;
	uint32_t l = nm->n;
	if (l > 1 && p[0] == '\\') {
		p++;
		l--;
	}
	for (size_t i = 0; i < sizeof(pipes) / sizeof(pipes[0]); i++)
		if (strlen(pipes[i]) == l && memcmp(pipes[i], p, l) == 0)
			return true;
	return false;
}

bool smb_dcerpc_probe(const uint8_t *d, uint32_t n)
{
	/* version 5.0 and a connection-oriented PDU type */
	return n >= 16 && d[0] == 5 && d[1] == 0 && d[2] <= 20;
}

/* ------------------------------------------------------------ transactions */

static void tx_free(struct smb_tx *tx)
{
	for (uint32_t i = 0; i < tx->n_dialects; i++)
		smb_bytes_free(&tx->dialects[i]);
	free(tx->dialects);
	struct smb_bytes *b[] = {&tx->server_guid,   &tx->ntlmssp.domain, &tx->ntlmssp.user,
				 &tx->ntlmssp.host,  &tx->krb.realm,	  &tx->req_native_os,
				 &tx->req_native_lm, &tx->resp_native_os, &tx->resp_native_lm,
				 &tx->share_name,    &tx->req_service,	  &tx->res_service,
				 &tx->filename,	     &tx->guid,		  &tx->oldname,
				 &tx->newname,	     &tx->op_path};
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		smb_bytes_free(b[i]);
	for (uint32_t i = 0; i < tx->krb.n_snames; i++)
		smb_bytes_free(&tx->krb.snames[i]);
	app_file_free(&tx->file);
	smb_pipe_tx_release(tx);
	free(tx);
}

/* Suricata's max-tx: closes the oldest transaction still in progress. */
static void enforce_max_tx(struct smb_state *s)
{
	uint32_t max = s->cfg->max_tx ? s->cfg->max_tx : SMB_MAX_TX;
	if (s->n_txs <= max)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct smb_tx *tx = s->txs[i];
		if (!tx->req_done || !tx->resp_done) {
			tx->req_done = tx->resp_done = true;
			tx->events |= 1u << SMB_EV_TOO_MANY_TRANSACTIONS;
			if (tx->type == SMB_TX_FILE && app_file_is_open(&tx->file)) {
				app_file_truncate(&tx->file);
				s->open_files--;
			}
			s->lim.tx_evicted++;
			break;
		}
	}
}

/* Hard bound when nobody releases: the oldest goes. */
static void drop_oldest(struct smb_state *s)
{
	struct smb_tx *tx = s->txs[0];
	if (tx->type == SMB_TX_FILE && app_file_is_open(&tx->file))
		s->open_files--;
	tx_free(tx);
	memmove(&s->txs[0], &s->txs[1], (s->n_txs - 1) * sizeof(*s->txs));
	s->n_txs--;
	s->lim.tx_evicted++;
}

struct smb_tx *smb_tx_new(struct smb_state *s, enum smb_tx_type type)
{
	uint32_t max = s->cfg->max_tx ? s->cfg->max_tx : SMB_MAX_TX;
	if (s->n_txs >= 4 * max)
		drop_oldest(s);
	if (s->n_txs == s->cap_txs) {
		uint32_t nc = s->cap_txs ? s->cap_txs * 2 : 16;
		struct smb_tx **v = realloc(s->txs, nc * sizeof(*v));
		if (v == NULL)
			return NULL;
		s->txs = v;
		s->cap_txs = nc;
	}
	struct smb_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->id = s->next_id++;
	tx->type = type;
	app_file_init(&tx->file);
	/* no response expected once the to-client side is truncated */
	tx->resp_done = s->dir[APP_TOCLIENT].trunc;
	s->txs[s->n_txs++] = tx;
	enforce_max_tx(s);
	return tx;
}

void smb_tx_set_cmd1(struct smb_tx *tx, uint8_t cmd)
{
	if (tx->ver != 0)
		return;
	tx->ver = 1;
	tx->cmd1 = cmd;
}

void smb_tx_set_cmd2(struct smb_tx *tx, uint16_t cmd)
{
	if (tx->ver != 0)
		return;
	tx->ver = 2;
	tx->cmd2 = cmd;
}

struct smb_tx *smb_tx_new_generic(struct smb_state *s, uint8_t ver, uint16_t cmd,
				  struct smb_key key)
{
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_GENERIC);
	if (tx == NULL)
		return NULL;
	if (ver == 1 && cmd <= 255)
		smb_tx_set_cmd1(tx, (uint8_t)cmd);
	else if (ver == 2)
		smb_tx_set_cmd2(tx, cmd);
	tx->req_done = true;
	tx->hdr = key;
	return tx;
}

/* A transaction its response completed is gone for Suricata (logged and
 * freed): message ids that clients reuse (SMB1 multiplex id 0) must not
 * meet it again.  One only marked done (after a gap, at the max-tx bound)
 * still takes its late answer, as Suricata's still listed one does. */
static bool answered(const struct smb_tx *tx)
{
	return tx->resp_done && tx->status_set;
}

struct smb_tx *smb_tx_find_generic(struct smb_state *s, uint8_t ver, uint16_t cmd,
				   const struct smb_key *key)
{
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct smb_tx *tx = s->txs[i];
		if (tx->ver != ver || answered(tx))
			continue;
		uint16_t c = ver == 1 ? tx->cmd1 : tx->cmd2;
		if (c == cmd && smb_key_match(&tx->hdr, key))
			return tx;
	}
	return NULL;
}

struct smb_tx *smb_tx_find_type(struct smb_state *s, enum smb_tx_type type,
				const struct smb_key *key)
{
	for (uint32_t i = 0; i < s->n_txs; i++)
		if (s->txs[i]->type == type && !answered(s->txs[i]) &&
		    smb_key_match(&s->txs[i]->hdr, key))
			return s->txs[i];
	return NULL;
}

struct smb_tx *smb_tx_find_negotiate(struct smb_state *s, uint8_t ver)
{
	for (uint32_t i = 0; i < s->n_txs; i++)
		if (s->txs[i]->type == SMB_TX_NEGOTIATE && s->txs[i]->neg_ver == ver)
			return s->txs[i];
	return NULL;
}

struct smb_tx *smb_tx_find_file(struct smb_state *s, const uint8_t *guid, uint32_t guid_len,
				enum app_dir dir)
{
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct smb_tx *tx = s->txs[i];
		if (tx->type == SMB_TX_FILE && tx->file.dir == dir && !tx->resp_done &&
		    smb_bytes_eq(&tx->guid, guid, guid_len))
			return tx;
	}
	return NULL;
}

struct smb_tx *smb_tx_new_file(struct smb_state *s, const uint8_t *guid, uint32_t guid_len,
			       const uint8_t *name, uint32_t name_len, enum app_dir dir)
{
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_FILE);
	if (tx == NULL)
		return NULL;
	smb_bytes_set(&tx->guid, guid, guid_len);
	smb_bytes_set(&tx->filename, name, name_len);
	tx->file.dir = dir;
	return tx;
}

void smb_tx_set_status(struct smb_tx *tx, uint32_t status, bool dos)
{
	if (dos) {
		tx->status_dos = true;
		tx->err_class = (uint8_t)(status & 0xff);
		tx->status = (status & 0xffff0000u) >> 16;
	} else {
		tx->status = status;
	}
	tx->status_set = true;
}

void smb_set_event(struct smb_state *s, enum smb_event ev)
{
	if (s->n_txs > 0)
		s->txs[s->n_txs - 1]->events |= 1u << ev;
}

/* ------------------------------------------------------------ files */

void smb_file_chunk(struct smb_state *s, struct smb_tx *tx, enum app_dir dir, uint64_t off,
		    const uint8_t *d, uint32_t n)
{
	const struct smb_config *c = s->cfg;
	bool ts = dir == APP_TOSERVER;
	if (tx->file.state == APP_FILE_NONE) {
		if (s->open_files >= SMB_MAX_FILES) {
			s->lim.files_refused++;
			tx->file.state = APP_FILE_ERROR;
			tx->file.dir = dir;
			return;
		}
		app_file_open(&tx->file, tx->filename.p, tx->filename.n, dir, s->file_hashes);
		s->open_files++;
	}
	if (!app_file_is_open(&tx->file))
		return;
	if (off < tx->file.tracked)
		smb_set_event(s, SMB_EV_FILE_OVERLAP);
	uint64_t qmax = ts ? c->max_write_queue_size : c->max_read_queue_size;
	uint32_t cmax = ts ? c->max_write_queue_cnt : c->max_read_queue_cnt;
	if (qmax != 0 && app_file_queued_bytes(&tx->file) + n > qmax && off != tx->file.tracked) {
		smb_set_event(s, ts ? SMB_EV_WRITE_QUEUE_SIZE_EXCEEDED
				    : SMB_EV_READ_QUEUE_SIZE_EXCEEDED);
		return;
	}
	if (cmax != 0 && app_file_queued_cnt(&tx->file) >= cmax && off != tx->file.tracked) {
		smb_set_event(s, ts ? SMB_EV_WRITE_QUEUE_CNT_EXCEEDED
				    : SMB_EV_READ_QUEUE_CNT_EXCEEDED);
		return;
	}
	/* the built-in bound when the settings leave the queue unlimited */
	enum app_file_write_result wr = app_file_write_at(
	    &tx->file, off, d, n, qmax ? 0 : SMB_FILE_QUEUE_MAX, cmax ? 0 : SMB_FILE_QUEUE_CNT);
	if (wr == APP_FILE_WRITE_QUEUE_FULL)
		s->lim.chunks_dropped++;
}

void smb_file_close(struct smb_state *s, struct smb_tx *tx)
{
	if (app_file_is_open(&tx->file)) {
		app_file_close(&tx->file);
		s->open_files--;
	}
}

void smb_set_file_left(struct smb_state *s, enum app_dir dir, uint32_t rec_len, uint32_t have,
		       const uint8_t *guid, uint32_t guid_len, uint64_t off)
{
	struct smb_dir *sd = &s->dir[dir];
	sd->file_left = rec_len > have ? rec_len - have : 0;
	sd->file_off = off + have;
	smb_bytes_set(&sd->file_guid, guid, guid_len);
}

void smb_set_skip(struct smb_state *s, enum app_dir dir, uint32_t rec_len, uint32_t have)
{
	s->dir[dir].skip = rec_len > have ? rec_len - have : 0;
}

/* Streamed file bytes of the current record. */
static uint32_t feed_file_left(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct smb_dir *sd = &s->dir[dir];
	uint32_t k = n < sd->file_left ? n : sd->file_left;
	struct smb_tx *tx = smb_tx_find_file(s, sd->file_guid.p, sd->file_guid.n, dir);
	if (tx != NULL && k > 0)
		smb_file_chunk(s, tx, dir, sd->file_off, d, k);
	sd->file_off += k;
	sd->file_left -= k;
	if (sd->file_left == 0) {
		sd->skip = sd->after_file;
		sd->after_file = 0;
	}
	return k;
}

/* ------------------------------------------------------------ framing */

static bool is_smb_magic(const uint8_t *p)
{
	return (p[0] == 0xff || p[0] == 0xfe || p[0] == 0xfd) && p[1] == 'S' && p[2] == 'M' &&
	       p[3] == 'B';
}

static bool nbss_type_valid(uint8_t t)
{
	return t == 0x00 || (t >= 0x81 && t <= 0x85);
}

/* Frames (app/frame.h), Suricata's SMBFrameType names. */
enum {
	SMB_FRAME_NBSS_PDU,
	SMB_FRAME_NBSS_HDR,
	SMB_FRAME_NBSS_DATA,
	SMB_FRAME_SMB1_PDU,
	SMB_FRAME_SMB1_HDR,
	SMB_FRAME_SMB1_DATA,
	SMB_FRAME_SMB2_PDU,
	SMB_FRAME_SMB2_HDR,
	SMB_FRAME_SMB2_DATA,
	SMB_FRAME_SMB3_PDU,
	SMB_FRAME_SMB3_HDR,
	SMB_FRAME_SMB3_DATA,
	SMB_FRAME_COUNT,
};
static const char *const smb_frame_names[SMB_FRAME_COUNT] = {
    [SMB_FRAME_NBSS_PDU] = "nbss.pdu",	 [SMB_FRAME_NBSS_HDR] = "nbss.hdr",
    [SMB_FRAME_NBSS_DATA] = "nbss.data", [SMB_FRAME_SMB1_PDU] = "smb1.pdu",
    [SMB_FRAME_SMB1_HDR] = "smb1.hdr",	 [SMB_FRAME_SMB1_DATA] = "smb1.data",
    [SMB_FRAME_SMB2_PDU] = "smb2.pdu",	 [SMB_FRAME_SMB2_HDR] = "smb2.hdr",
    [SMB_FRAME_SMB2_DATA] = "smb2.data", [SMB_FRAME_SMB3_PDU] = "smb3.pdu",
    [SMB_FRAME_SMB3_HDR] = "smb3.hdr",	 [SMB_FRAME_SMB3_DATA] = "smb3.data",
};

/* An NBSS record's frames at stream offset `at` (its 4-byte header). */
static void nbss_frames(enum app_dir dir, uint64_t at, uint32_t len)
{
	(void)app_frame_new(dir, at, 4 + (int64_t)len, SMB_FRAME_NBSS_PDU);
	(void)app_frame_new(dir, at, 4, SMB_FRAME_NBSS_HDR);
	(void)app_frame_new(dir, at + 4, len, SMB_FRAME_NBSS_DATA);
}

/* An SMB record's frames: `kind` SMB_FRAME_SMB1/2/3_PDU, its header of
 * hdr bytes and the rest. */
static void smb_frames(enum app_dir dir, uint64_t at, uint32_t len, int kind, uint32_t hdr)
{
	(void)app_frame_new(dir, at, len, (uint8_t)kind);
	(void)app_frame_new(dir, at, hdr < len ? hdr : len, (uint8_t)(kind + 1));
	if (len > hdr)
		(void)app_frame_new(dir, at + hdr, len - hdr, (uint8_t)(kind + 2));
}

/* One complete NBSS session message at stream offset `at`; false when it
 * cannot be parsed (the direction stops, as Suricata's parser errors out). */
static bool session_message(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			    uint64_t at)
{
	if (n < 4) {
		/* too short for an SMB magic */
		if (dir == APP_TOSERVER) {
			smb_set_event(s, SMB_EV_MALFORMED_DATA);
			return false;
		}
		return true;
	}
	if (!is_smb_magic(d)) {
		smb_set_event(s, SMB_EV_MALFORMED_DATA);
		return false;
	}
	if (d[0] == 0xff) {
		smb_frames(dir, at, n, SMB_FRAME_SMB1_PDU, 32);
		if (!smb1_record(s, dir, d, n)) {
			smb_set_event(s, SMB_EV_MALFORMED_DATA);
			return false;
		}
		return true;
	}
	if (d[0] == 0xfe) {
		uint32_t off = 0;
		while (off < n) {
			uint32_t c = smb2_record(s, dir, d + off, n - off);
			if (c == 0) {
				smb_set_event(s, SMB_EV_MALFORMED_DATA);
				return false;
			}
			smb_frames(dir, at + off, c, SMB_FRAME_SMB2_PDU, 64);
			off += c;
		}
		return true;
	}
	/* SMB3 transform: encrypted, only its framing is known (52-byte header) */
	uint32_t off = 0;
	while (off < n) {
		if (n - off < 52 || !is_smb_magic(d + off) || d[off] != 0xfd) {
			smb_set_event(s, SMB_EV_MALFORMED_DATA);
			return false;
		}
		uint32_t msg = smb_le32(d + off + 36);
		s->lim.encrypted_records++;
		if (msg > n - off - 52)
			break;
		smb_frames(dir, at + off, 52 + msg, SMB_FRAME_SMB3_PDU, 52);
		off += 52 + msg;
	}
	return true;
}

/* Resynchronisation after a gap: the offset of the next NBSS header whose
 * message starts with an SMB magic, or UINT32_MAX. */
static uint32_t resync(const uint8_t *d, uint32_t n)
{
	for (uint32_t i = 4; i + 4 <= n; i++)
		if (is_smb_magic(d + i) && d[i - 4] == 0x00)
			return i - 4;
	return UINT32_MAX;
}

/* Consumes what it can of d[0..n): skips, streamed file data and whole
 * records; an incomplete record is left (returns less than n). */
static uint32_t consume(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			bool *fail)
{
	struct smb_dir *sd = &s->dir[dir];
	uint32_t off = 0;
	while (off < n) {
		if (sd->skip > 0) {
			uint32_t k = n - off < sd->skip ? n - off : sd->skip;
			sd->skip -= k;
			off += k;
			continue;
		}
		if (sd->file_left > 0) {
			off += feed_file_left(s, dir, d + off, n - off);
			continue;
		}
		if (sd->gap) {
			uint32_t r = resync(d + off, n - off);
			if (r == UINT32_MAX) {
				/* keep the last bytes: a header may straddle the chunk */
				uint32_t keep = n - off < 7 ? n - off : 7;
				return n - keep;
			}
			off += r;
			sd->gap = false;
		}
		if (n - off < 4)
			break;
		uint8_t type = d[off];
		uint32_t len =
		    ((uint32_t)d[off + 1] << 16) | ((uint32_t)d[off + 2] << 8) | d[off + 3];
		uint32_t have = n - off;
		if (have >= 4u + len) {
			nbss_frames(dir, sd->base + off, len);
			if (type == 0x00 &&
			    !session_message(s, dir, d + off + 4, len, sd->base + off + 4)) {
				*fail = true;
				return off + 4 + len;
			}
			off += 4 + len;
			continue;
		}
		/* incomplete record */
		if (!nbss_type_valid(type) ||
		    (type == 0 && have >= 8 && !is_smb_magic(d + off + 4))) {
			/* not SMB: Suricata gives the direction up */
			sd->trunc = true;
			*fail = true;
			return n;
		}
		if (type == 0x00 && len + 4u >= SMB_PARTIAL_MIN && have >= SMB_PARTIAL_MIN) {
			bool done =
			    d[off + 4] == 0xfe	 ? smb2_partial(s, dir, d + off + 4, have - 4, len)
			    : d[off + 4] == 0xff ? smb1_partial(s, dir, d + off + 4, have - 4, len)
						 : false;
			if (done) {
				/* the record's frames, whole, as Suricata's partial parse */
				nbss_frames(dir, sd->base + off, len);
				smb_frames(dir, sd->base + off + 4, len,
					   d[off + 4] == 0xfe ? SMB_FRAME_SMB2_PDU
							      : SMB_FRAME_SMB1_PDU,
					   d[off + 4] == 0xfe ? 64 : 32);
				return n;
			}
		}
		if (4u + len > SMB_RECORD_MAX) {
			s->lim.records_skipped++;
			sd->skip = 4 + len - have;
			return n;
		}
		break;
	}
	return off;
}

/* How many more bytes the buffered partial record needs before consume()
 * can do something with it. */
static uint32_t buf_need(const struct smb_dir *sd)
{
	if (sd->len < 4)
		return 4 - sd->len;
	uint32_t len = ((uint32_t)sd->buf[1] << 16) | ((uint32_t)sd->buf[2] << 8) | sd->buf[3];
	uint32_t total = 4 + len;
	if (sd->len < 8)
		return 8 - sd->len; /* enough to see the magic */
	if (total >= SMB_PARTIAL_MIN && sd->len < SMB_PARTIAL_MIN)
		return SMB_PARTIAL_MIN - sd->len;
	return total > sd->len ? total - sd->len : 1;
}

static bool buf_append(struct smb_dir *sd, const uint8_t *d, uint32_t n)
{
	if (sd->len + n > sd->cap) {
		uint32_t nc = sd->cap ? sd->cap : 1024;
		while (nc < sd->len + n)
			nc *= 2;
		uint8_t *b = realloc(sd->buf, nc);
		if (b == NULL)
			return false;
		sd->buf = b;
		sd->cap = nc;
	}
	memcpy(sd->buf + sd->len, d, n);
	sd->len += n;
	return true;
}

static void buf_drop(struct smb_dir *sd, uint32_t k)
{
	memmove(sd->buf, sd->buf + k, sd->len - k);
	sd->len -= k;
	if (sd->len == 0 && sd->cap > 65536) {
		free(sd->buf);
		sd->buf = NULL;
		sd->cap = 0;
	}
}

/* Suricata's post-gap housekeeping: transactions (other than files)
 * started before the gap count as complete in that direction. */
static void post_gap(struct smb_state *s, enum app_dir dir)
{
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct smb_tx *tx = s->txs[i];
		if (tx->type == SMB_TX_FILE)
			continue;
		tx->req_done = true;
		if (dir == APP_TOCLIENT)
			tx->resp_done = true;
	}
}

static void handle_gap(struct smb_state *s, enum app_dir dir)
{
	struct smb_dir *sd = &s->dir[dir];
	if (sd->file_left > 0) {
		struct smb_tx *tx = smb_tx_find_file(s, sd->file_guid.p, sd->file_guid.n, dir);
		if (tx != NULL)
			app_file_gap(&tx->file, 0);
	}
	sd->file_left = 0;
	sd->after_file = 0;
	sd->skip = 0;
	sd->len = 0;
	sd->gap = true;
	sd->ssn_gap = true;
	post_gap(s, dir);
}

static void handle_eof(struct smb_state *s, enum app_dir dir)
{
	struct smb_dir *sd = &s->dir[dir];
	sd->trunc = true;
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct smb_tx *tx = s->txs[i];
		if (tx->type == SMB_TX_FILE && tx->file.dir == dir && app_file_is_open(&tx->file)) {
			app_file_truncate(&tx->file);
			s->open_files--;
		}
	}
}

enum app_parse_result smb_parse(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags)
{
	struct smb_dir *sd = &s->dir[dir];
	if (sd->failed)
		return APP_PARSE_ERROR;
	if (flags & APP_CHUNK_GAP)
		handle_gap(s, dir);
	bool fail = false;
	uint64_t pos = app_frame_offset(); /* stream offset of d */
	while (n > 0 && !fail) {
		if (sd->len == 0) {
			sd->base = pos;
			uint32_t c = consume(s, dir, d, n, &fail);
			d += c;
			n -= c;
			if (n > 0 && !fail) {
				if (!buf_append(sd, d, n)) {
					smb_set_event(s, SMB_EV_INTERNAL_ERROR);
					fail = true;
				}
				n = 0;
			}
			break;
		}
		uint32_t need = buf_need(sd);
		uint32_t k = need < n ? need : n;
		if (!buf_append(sd, d, k)) {
			smb_set_event(s, SMB_EV_INTERNAL_ERROR);
			fail = true;
			break;
		}
		d += k;
		n -= k;
		pos += k;
		sd->base = pos - sd->len; /* the buffer's bytes came before */
		uint32_t c = consume(s, dir, sd->buf, sd->len, &fail);
		buf_drop(sd, c);
		if (sd->len > 0 && n > 0 && c > 0 && sd->len < 4)
			continue;
	}
	if (fail) {
		sd->failed = true;
		sd->len = 0;
		return APP_PARSE_ERROR;
	}
	if (flags & APP_CHUNK_EOF)
		handle_eof(s, dir);
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ state */

struct smb_state *smb_state_new(const struct app_flow_info *fi)
{
	struct smb_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->cfg = fi != NULL && fi->cfg != NULL ? fi->cfg : &smb_config_default;
	s->file_hashes = fi != NULL ? fi->file_hashes : 0;
	return s;
}

void smb_state_free(struct smb_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	for (int k = 0; k < SMB_MAP_COUNT; k++) {
		for (uint32_t i = 0; i < s->maps[k].n; i++)
			map_ent_free(&s->maps[k].v[i]);
		free(s->maps[k].v);
	}
	for (int d = 0; d < 2; d++) {
		free(s->dir[d].buf);
		smb_bytes_free(&s->dir[d].file_guid);
	}
	smb_bytes_free(&s->dialect1);
	smb_pipes_free(s);
	free(s);
}

uint64_t smb_tx_count(const struct smb_state *s)
{
	return s->next_id;
}

const struct smb_tx *smb_tx_get(const struct smb_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct smb_tx, id));
}

void smb_tx_release_upto(struct smb_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id) {
		struct smb_tx *tx = s->txs[k];
		if (tx->type == SMB_TX_FILE && app_file_is_open(&tx->file))
			s->open_files--;
		tx_free(tx);
		k++;
	}
	memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
	s->n_txs -= k;
}

uint16_t smb_state_dialect(const struct smb_state *s)
{
	return s->dialect;
}

const struct smb_bytes *smb_state_dialect1(const struct smb_state *s)
{
	return s->has_dialect1 ? &s->dialect1 : NULL;
}

uint32_t smb_state_max_read_size(const struct smb_state *s)
{
	return s->max_read_size;
}

uint32_t smb_state_max_write_size(const struct smb_state *s)
{
	return s->max_write_size;
}

const struct smb_limits *smb_state_limits(const struct smb_state *s)
{
	return &s->lim;
}

/* ------------------------------------------------------------ detection */

bool smb_tx_share(const struct smb_tx *tx, const uint8_t **d, uint32_t *n)
{
	if (tx->type != SMB_TX_TREECONNECT || tx->is_pipe)
		return false;
	*d = tx->share_name.p;
	*n = tx->share_name.n;
	return true;
}

bool smb_tx_named_pipe(const struct smb_tx *tx, const uint8_t **d, uint32_t *n)
{
	if (tx->type != SMB_TX_TREECONNECT || !tx->is_pipe)
		return false;
	*d = tx->share_name.p;
	*n = tx->share_name.n;
	return true;
}

bool smb_tx_ntlmssp_user(const struct smb_tx *tx, const uint8_t **d, uint32_t *n)
{
	if (tx->type != SMB_TX_SESSIONSETUP || !tx->has_ntlmssp)
		return false;
	*d = tx->ntlmssp.user.p;
	*n = tx->ntlmssp.user.n;
	return true;
}

bool smb_tx_ntlmssp_domain(const struct smb_tx *tx, const uint8_t **d, uint32_t *n)
{
	if (tx->type != SMB_TX_SESSIONSETUP || !tx->has_ntlmssp)
		return false;
	*d = tx->ntlmssp.domain.p;
	*n = tx->ntlmssp.domain.n;
	return true;
}

uint8_t smb_tx_version(const struct smb_tx *tx)
{
	return tx->ver;
}

const struct app_file *smb_tx_file(const struct smb_tx *tx)
{
	return tx->type == SMB_TX_FILE ? &tx->file : NULL;
}

/* ------------------------------------------------------------ probes */

/* A NBSS header followed by an SMB magic (Suricata accepts a first small
 * non-session NBSS message before it, e.g. a session request on 139). */
static enum app_probe_result smb_probe_bytes(const uint8_t *d, uint32_t n)
{
	if (n < 4)
		return APP_PROBE_NEED_MORE;
	if (!nbss_type_valid(d[0]))
		return APP_PROBE_NO;
	if (n < 8)
		return APP_PROBE_NEED_MORE;
	if (is_smb_magic(d + 4))
		return APP_PROBE_MATCH;
	if (d[0] == 0x00)
		return APP_PROBE_NO;
	uint32_t len = ((uint32_t)d[1] << 16) | ((uint32_t)d[2] << 8) | d[3];
	if (len + 4 + 8 <= n) {
		const uint8_t *h = d + 4 + len;
		return nbss_type_valid(h[0]) && is_smb_magic(h + 4) ? APP_PROBE_MATCH
								    : APP_PROBE_NO;
	}
	return len < 256 ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
}

static enum app_probe_result smb_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	if (!in->tcp)
		return APP_PROBE_NO;
	/* the pattern: an SMB magic at offset 4 */
	if (n < 8)
		return n >= 4 && !nbss_type_valid(d[0]) ? APP_PROBE_NO : APP_PROBE_NEED_MORE;
	if (d[0] != 0x00 || !is_smb_magic(d + 4))
		return APP_PROBE_NO;
	return smb_probe_bytes(d, n);
}

static enum app_probe_result smb_probe_port(const struct app_probe_in *in, const uint8_t *d,
					    uint32_t n)
{
	if (!in->tcp)
		return APP_PROBE_NO;
	return smb_probe_bytes(d, n);
}

/* ------------------------------------------------------------ settings */

static void *smb_config_new(const struct config_node *root)
{
	struct smb_config *c = malloc(sizeof(*c));
	if (c == NULL)
		return NULL;
	*c = smb_config_default;
	static const struct {
		const char *key;
		size_t off;
	} sizes[] = {
	    {"max-read-size", offsetof(struct smb_config, max_read_size)},
	    {"max-write-size", offsetof(struct smb_config, max_write_size)},
	    {"max-read-queue-size", offsetof(struct smb_config, max_read_queue_size)},
	    {"max-read-queue-cnt", offsetof(struct smb_config, max_read_queue_cnt)},
	    {"max-write-queue-size", offsetof(struct smb_config, max_write_queue_size)},
	    {"max-write-queue-cnt", offsetof(struct smb_config, max_write_queue_cnt)},
	    {"max-tx", offsetof(struct smb_config, max_tx)},
	};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char key[96];
		snprintf(key, sizeof(key), "app-layer.protocols.smb.%s", sizes[i].key);
		uint32_t *f = (uint32_t *)((char *)c + sizes[i].off);
		uint64_t v = config_get_size(root, key, *f);
		*f = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
	if (c->max_tx == 0)
		c->max_tx = SMB_MAX_TX;
	return c;
}

static void smb_config_free(void *c)
{
	free(c);
}

/* ------------------------------------------------------------ descriptor */

static void *d_state_new(const struct app_flow_info *fi)
{
	return smb_state_new(fi);
}

static void d_state_free(void *st)
{
	smb_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return smb_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return smb_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return smb_tx_get(st, id);
}

/* Whether a (non-file) transaction came after tx, answered or not (with
 * `need_answer`: one that got its answer). */
static bool later_tx(const struct smb_state *s, const struct smb_tx *tx, bool need_answer)
{
	for (uint32_t i = s->n_txs; i-- > 0;) {
		const struct smb_tx *t = s->txs[i];
		if (t->id <= tx->id)
			return false;
		if (t->type != SMB_TX_FILE && (t->resp_done || !need_answer))
			return true;
	}
	return false;
}

/*
 * When Suricata inspects a side: it parses a direction's data once the
 * other side has acknowledged it and inspects on the next packet of that
 * direction.  So a request is inspected after its response was parsed
 * when the client waited for it (what makes a tree connect's share type
 * known to smb.named_pipe), and before it when the client went on with
 * further requests meanwhile.  Here: a request side is ready once its
 * response is in or a later transaction exists; a response side when the
 * response is complete, and it has nothing to inspect when it never came
 * while later ones did (unless an interim STATUS_PENDING announced it).  A file transaction is
 * ready in both directions when the file is closed (or the flow ends).
 */
static enum app_side d_tx_side(const void *st, const void *t, enum app_dir dir, bool eof)
{
	const struct smb_state *s = st;
	const struct smb_tx *tx = t;
	if (eof)
		return APP_SIDE_READY;
	if (tx->type == SMB_TX_FILE)
		return tx->req_done && tx->resp_done ? APP_SIDE_READY : APP_SIDE_PENDING;
	if (dir == APP_TOSERVER) {
		if (tx->req_done && (tx->resp_done || later_tx(s, tx, false)))
			return APP_SIDE_READY;
		return APP_SIDE_PENDING;
	}
	if (tx->resp_done)
		return APP_SIDE_READY;
	/* an interim STATUS_PENDING answer: the final one is still to come */
	if (tx->status_set && !tx->status_dos && tx->status == SMB_NTSTATUS_PENDING)
		return APP_SIDE_PENDING;
	return later_tx(s, tx, true) ? APP_SIDE_NONE : APP_SIDE_PENDING;
}

static enum app_log_decision d_tx_log(const void *st, const void *t, bool flow_end)
{
	const struct smb_tx *tx = t;
	if (flow_end || (tx->req_done && tx->resp_done))
		return APP_LOG_NOW;
	return APP_LOG_WAIT;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	smb_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *t, int ev)
{
	const struct smb_tx *tx = t;
	return ev >= 0 && ev < SMB_EV_COUNT && (tx->events & (1u << ev)) != 0;
}

static void d_log_json(struct json *j, const void *st, const void *t, uint32_t opts)
{
	json_open_object(j, "smb");
	smb_tx_log_json(j, st, t);
	json_close_object(j);
}

static bool d_tx_share_op(const void *st, const void *t, struct app_share_op *out)
{
	return smb_tx_share_op(st, t, out);
}

static bool d_tx_file(const void *t, uint32_t k, struct app_file_info *out)
{
	const struct smb_tx *tx = t;
	if (k != 0 || tx->type != SMB_TX_FILE)
		return false;
	return app_file_info(&tx->file, out);
}

static const char *d_tx_file_magic(const void *t, uint32_t k, struct file_magic *fm)
{
	const struct smb_tx *tx = t;
	if (k != 0 || tx->type != SMB_TX_FILE)
		return NULL;
	return app_file_magic(&tx->file, fm);
}

const struct app_protocol app_smb = {
    .stream_depth = APP_STREAM_DEPTH_UNLIMITED, /* Suricata: "track it completely" */
    .name = "smb",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "139,445",
    .probe = smb_probe,
    .probe_port = smb_probe_port,
    .config_new = smb_config_new,
    .config_free = smb_config_free,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = smb_event_names,
    .n_events = SMB_EV_COUNT,
    .events_upper = false,
    .tx_has_event = d_tx_has_event,
    .eve_type = "smb",
    .frame_names = smb_frame_names,
    .n_frames = SMB_FRAME_COUNT,
    .log_json = d_log_json,
    .tx_share_op = d_tx_share_op,
    .tx_file = d_tx_file,
    .tx_file_magic = d_tx_file_magic,
};
