/*
 * smb/smb2.c — SMB2/3 records (MS-SMB2): the 64-byte header, compounded
 * records (NextCommand), async responses (no tree id: requests and
 * responses meet on session and message id), and the commands Suricata
 * 8 looks into: NEGOTIATE, SESSION_SETUP, TREE_CONNECT / DISCONNECT,
 * CREATE, CLOSE, READ, WRITE, IOCTL, SET_INFO (rename, delete on close).
 * Every other command is a generic transaction (request and response).
 *
 * Field layouts follow Suricata's parsers (rust/src/smb/smb2_records.rs),
 * including where they ignore an offset field and take the bytes that
 * follow the fixed part (tree connect path, session setup blob, write and
 * read data), so that what is logged and matched is what Suricata sees.
 * Every read is checked against the record's length.
 */
#include "app/smb/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	SMB2_NEGOTIATE = 0,
	SMB2_SESSION_SETUP = 1,
	SMB2_SESSION_LOGOFF = 2,
	SMB2_TREE_CONNECT = 3,
	SMB2_TREE_DISCONNECT = 4,
	SMB2_CREATE = 5,
	SMB2_CLOSE = 6,
	SMB2_FLUSH = 7,
	SMB2_READ = 8,
	SMB2_WRITE = 9,
	SMB2_LOCK = 10,
	SMB2_IOCTL = 11,
	SMB2_CANCEL = 12,
	SMB2_KEEPALIVE = 13,
	SMB2_FIND = 14,
	SMB2_CHANGE_NOTIFY = 15,
	SMB2_GET_INFO = 16,
	SMB2_SET_INFO = 17,
	SMB2_OPLOCK_BREAK = 18,
};

#define SMB2_HDR_LEN 64
#define SMB2_FLAGS_SERVER_TO_REDIR 0x1u
#define SMB2_FLAGS_ASYNC 0x2u
#define SMB2_FSCTL_PIPE_TRANSCEIVE 0x0011c017u

struct smb2_rec {
	bool response; /* SERVER_TO_REDIR */
	uint16_t hlen;
	uint32_t status;
	uint16_t cmd;
	uint64_t msg_id;
	uint32_t tree_id;
	uint64_t ssn_id;
	const uint8_t *data;
	uint32_t len;
};

static struct smb_key key2(const struct smb2_rec *r, uint32_t type)
{
	uint32_t tree = type == SMB_KEY_TREE ? 0 : r->tree_id;
	uint64_t msg = (type == SMB_KEY_TRANS_FRAG || type == SMB_KEY_SHARE) ? 0 : r->msg_id;
	return smb_key_make(type, r->ssn_id, tree, msg);
}

static struct smb_key key2_notree(const struct smb2_rec *r, uint32_t type)
{
	uint64_t msg = (type == SMB_KEY_TRANS_FRAG || type == SMB_KEY_SHARE) ? 0 : r->msg_id;
	return smb_key_make(type, r->ssn_id, 0, msg);
}

/* Reads, write and the get/set info commands do not make a transaction
 * of their own (Suricata's smb2_create_new_tx). */
static bool creates_tx(uint16_t cmd)
{
	return cmd != SMB2_READ && cmd != SMB2_WRITE && cmd != SMB2_GET_INFO &&
	       cmd != SMB2_SET_INFO;
}

/* Header of an SMB2 record at d[0..n).  A request is read as Suricata's
 * request parser reads it (tree id whatever the async flag, status 0); a
 * response with the async flag has no tree id.  *used: the record's bytes
 * (NextCommand, or all). */
static bool parse_hdr(const uint8_t *d, uint32_t n, bool as_response, struct smb2_rec *r,
		      uint32_t *used)
{
	if (n < SMB2_HDR_LEN || d[0] != 0xfe || memcmp(d + 1, "SMB", 3) != 0)
		return false;
	memset(r, 0, sizeof(*r));
	r->hlen = smb_le16(d + 4);
	uint32_t flags = smb_le32(d + 16);
	r->response = (flags & SMB2_FLAGS_SERVER_TO_REDIR) != 0;
	r->status = as_response ? smb_le32(d + 8) : 0;
	r->cmd = smb_le16(d + 12);
	uint32_t chain = smb_le32(d + 20);
	r->msg_id = smb_le64(d + 24);
	r->tree_id = (as_response && (flags & SMB2_FLAGS_ASYNC)) ? 0 : smb_le32(d + 36);
	r->ssn_id = smb_le64(d + 40);
	r->data = d + SMB2_HDR_LEN;
	if (chain > r->hlen) {
		uint32_t l = chain - r->hlen;
		if (l > n - SMB2_HDR_LEN)
			return false;
		r->len = l;
	} else {
		r->len = n - SMB2_HDR_LEN;
	}
	*used = SMB2_HDR_LEN + r->len;
	return true;
}

/* ------------------------------------------------------------ names */

const char *smb2_command_name(uint16_t cmd, char buf[8])
{
	static const char *const names[] = {
	    "SMB2_COMMAND_NEGOTIATE_PROTOCOL",
	    "SMB2_COMMAND_SESSION_SETUP",
	    "SMB2_COMMAND_SESSION_LOGOFF",
	    "SMB2_COMMAND_TREE_CONNECT",
	    "SMB2_COMMAND_TREE_DISCONNECT",
	    "SMB2_COMMAND_CREATE",
	    "SMB2_COMMAND_CLOSE",
	    "SMB2_COMMAND_FLUSH",
	    "SMB2_COMMAND_READ",
	    "SMB2_COMMAND_WRITE",
	    "SMB2_COMMAND_LOCK",
	    "SMB2_COMMAND_IOCTL",
	    "SMB2_COMMAND_CANCEL",
	    "SMB2_COMMAND_KEEPALIVE",
	    "SMB2_COMMAND_FIND",
	    "SMB2_COMMAND_CHANGE_NOTIFY",
	    "SMB2_COMMAND_GET_INFO",
	    "SMB2_COMMAND_SET_INFO",
	    "SMB2_COMMAND_OPLOCK_BREAK",
	};
	if (cmd < sizeof(names) / sizeof(names[0]))
		return names[cmd];
	snprintf(buf, 8, "%u", cmd);
	return buf;
}

void smb2_dialect_name(uint16_t d, char buf[8])
{
	switch (d) {
	case 0x0202: strcpy(buf, "2.02"); break;
	case 0x0210: strcpy(buf, "2.10"); break;
	case 0x0222: strcpy(buf, "2.22"); break;
	case 0x0224: strcpy(buf, "2.24"); break;
	case 0x02ff: strcpy(buf, "2.??"); break;
	case 0x0300: strcpy(buf, "3.00"); break;
	case 0x0302: strcpy(buf, "3.02"); break;
	case 0x0310: strcpy(buf, "3.10"); break;
	case 0x0311: strcpy(buf, "3.11"); break;
	default: snprintf(buf, 8, "%u", d); break;
	}
}

/* ------------------------------------------------------------ read / write */

/* Where the bytes of a file read or write go: an existing file
 * transaction, a DCERPC pipe, nowhere (another pipe), or a new file
 * transaction.  dcerpc: the data goes to the pipe instead. */
struct smb2_dest {
	struct smb_tx *file_tx;
	bool dcerpc, skip;
};

static struct smb2_dest smb2_dest(struct smb_state *s, const struct smb2_rec *r,
				  const uint8_t *guid, enum app_dir dir, const uint8_t *data,
				  uint32_t dlen, struct smb_bytes *share)
{
	struct smb2_dest out = {0};
	out.file_tx = smb_tx_find_file(s, guid, 16, dir);
	if (out.file_tx != NULL)
		return out;
	struct smb_key tk = key2(r, SMB_KEY_SHARE);
	struct smb_map_ent *t = smb_map_find(s, SMB_MAP_TREES, &tk);
	bool is_pipe = t != NULL && t->is_pipe;
	bool no_share = t == NULL || t->val.n == 0;
	if (t != NULL && share != NULL)
		smb_bytes_set(share, t->val.p, t->val.n);
	bool is_dcerpc = (is_pipe || no_share) ? smb_guid_is_dcerpc(s, guid, 16) : false;
	if (no_share && !is_pipe && smb_dcerpc_probe(data, dlen)) {
		/* no tree connect seen: a pipe if the data looks like DCERPC */
		static const uint8_t fake[] = "suricata::dcerpc";
		struct smb_map_ent *e = smb_map_put(s, SMB_MAP_TREES, &tk, NULL, 0);
		if (e != NULL) {
			smb_bytes_set(&e->val, fake, sizeof(fake) - 1);
			e->is_pipe = true;
		}
		if (!is_dcerpc) {
			e = smb_map_put(s, SMB_MAP_GUIDS, NULL, guid, 16);
			if (e != NULL)
				smb_bytes_set(&e->val, fake, sizeof(fake) - 1);
		}
		is_pipe = is_dcerpc = true;
	}
	out.dcerpc = is_pipe && is_dcerpc;
	out.skip = is_pipe && !is_dcerpc;
	return out;
}

/* WRITE request; `partial`: only the start of the record is here
 * (rec_left bytes of it follow in later segments). */
static void write_request(struct smb_state *s, const struct smb2_rec *r, bool partial,
			  uint32_t rec_left)
{
	const uint8_t *p = r->data;
	if (r->len < 48) {
		smb_set_event(s, SMB_EV_MALFORMED_DATA);
		return;
	}
	uint32_t wr_len = smb_le32(p + 4);
	uint64_t wr_off = smb_le64(p + 8);
	const uint8_t *guid = p + 16;
	const uint8_t *data = p + 48;
	uint32_t dlen = r->len - 48 < wr_len ? r->len - 48 : wr_len;
	const struct smb_config *c = s->cfg;
	if ((s->max_write_size != 0 && wr_len > s->max_write_size) ||
	    (c->max_write_size != 0 && wr_len > c->max_write_size)) {
		smb_set_event(s, SMB_EV_WRITE_REQUEST_TOO_LARGE);
		if (partial)
			s->dir[APP_TOSERVER].skip = rec_left;
		return;
	}
	struct smb_key gk = key2(r, SMB_KEY_GUID);
	struct smb_map_ent *e = smb_map_put(s, SMB_MAP_NAMES, &gk, NULL, 0);
	if (e != NULL)
		smb_bytes_set(&e->val, guid, 16);
	const struct smb_bytes *nm = smb_guid_name(s, guid, 16);
	struct smb2_dest dst = smb2_dest(s, r, guid, APP_TOSERVER, data, dlen, NULL);
	if (dst.dcerpc) {
		struct smb_key hk = key2(r, SMB_KEY_HEADER);
		smb_pipe_write(s, 2, SMB2_WRITE, &hk, guid, 16, data, dlen);
		if (partial)
			s->dir[APP_TOSERVER].skip = rec_left;
		return;
	}
	if (dst.skip) {
		if (partial)
			s->dir[APP_TOSERVER].skip = rec_left;
		return;
	}
	struct smb_tx *tx = dst.file_tx;
	if (tx == NULL) {
		tx = smb_tx_new_file(s, guid, 16, nm ? nm->p : NULL, nm ? nm->n : 0, APP_TOSERVER);
		if (tx == NULL)
			return;
		smb_tx_set_cmd2(tx, SMB2_WRITE);
		tx->hdr = smb_key_make(SMB_KEY_HEADER, r->ssn_id, r->tree_id, 0);
	}
	smb_file_chunk(s, tx, APP_TOSERVER, wr_off, data, dlen);
	if (partial) {
		uint32_t file_rest = wr_len - dlen;
		struct smb_dir *sd = &s->dir[APP_TOSERVER];
		smb_set_file_left(s, APP_TOSERVER, wr_len, dlen, guid, 16, wr_off);
		sd->file_left = file_rest < rec_left ? file_rest : rec_left;
		sd->after_file = rec_left - sd->file_left;
	}
}

static void read_response(struct smb_state *s, const struct smb2_rec *r, bool partial,
			  uint32_t rec_left)
{
	const uint8_t *p = r->data;
	struct smb_dir *sd = &s->dir[APP_TOCLIENT];
	if (r->len < 16) {
		smb_set_event(s, SMB_EV_MALFORMED_DATA);
		return;
	}
	uint32_t rd_len = smb_le32(p + 4);
	const uint8_t *data = p + 16;
	uint32_t dlen = r->len - 16 < rd_len ? r->len - 16 : rd_len;
	if (partial)
		sd->skip = rec_left; /* unless the data goes to a file, below */
	if (r->status != SMB_NTSTATUS_SUCCESS && r->status != SMB_NTSTATUS_BUFFER_OVERFLOW)
		return;
	const struct smb_config *c = s->cfg;
	if ((s->max_read_size != 0 && rd_len > s->max_read_size) ||
	    (c->max_read_size != 0 && rd_len > c->max_read_size)) {
		smb_set_event(s, SMB_EV_READ_RESPONSE_TOO_LARGE);
		return;
	}
	struct smb_key ok = key2(r, SMB_KEY_OFFSET);
	struct smb_map_ent *oe = smb_map_find(s, SMB_MAP_OFFSETS, &ok);
	if (oe == NULL)
		return; /* reply to a request not seen */
	uint8_t guid[16] = {0};
	memcpy(guid, oe->id.p, oe->id.n < 16 ? oe->id.n : 16);
	uint64_t off = oe->off;
	smb_map_del(s, SMB_MAP_OFFSETS, oe);
	struct smb_bytes share = {0};
	struct smb2_dest dst = smb2_dest(s, r, guid, APP_TOCLIENT, data, dlen, &share);
	if (dst.dcerpc) {
		struct smb_key hk = key2(r, SMB_KEY_HEADER);
		smb_pipe_read(s, 2, SMB2_READ, r->status, &hk, guid, 16, data, dlen);
	} else if (!dst.skip) {
		struct smb_tx *tx = dst.file_tx;
		if (tx == NULL) {
			static const uint8_t unknown[] = "<unknown>";
			const struct smb_bytes *nm = smb_guid_name(s, guid, 16);
			tx = smb_tx_new_file(s, guid, 16, nm ? nm->p : unknown,
					     nm ? nm->n : sizeof(unknown) - 1, APP_TOCLIENT);
			if (tx != NULL) {
				smb_tx_set_cmd2(tx, SMB2_READ);
				tx->hdr = smb_key_make(SMB_KEY_HEADER, r->ssn_id, r->tree_id, 0);
				smb_bytes_set(&tx->share_name, share.p, share.n);
			}
		}
		if (tx != NULL) {
			smb_file_chunk(s, tx, APP_TOCLIENT, off, data, dlen);
			if (partial) {
				uint32_t file_rest = rd_len - dlen;
				smb_set_file_left(s, APP_TOCLIENT, rd_len, dlen, guid, 16, off);
				sd->file_left = file_rest < rec_left ? file_rest : rec_left;
				sd->after_file = rec_left - sd->file_left;
				sd->skip = 0;
			}
		}
	}
	smb_bytes_free(&share);
}

/* ------------------------------------------------------------ requests */

static bool setinfo_request(struct smb_state *s, const struct smb2_rec *r)
{
	const uint8_t *p = r->data;
	if (r->len < 32) {
		return false;
	}
	uint8_t class = p[2], lvl = p[3];
	uint32_t size = smb_le32(p + 4);
	const uint8_t *guid = p + 16;
	if (size > r->len - 32)
		return false;
	const uint8_t *b = p + 32;
	if (class != 1)
		return false;
	static const uint8_t unknown[] = "<unknown>";
	const struct smb_bytes *nm = smb_guid_name(s, guid, 16);
	if (lvl == 10) { /* FileRenameInformation */
		if (size < 20 || smb_le32(b + 16) > size - 20)
			return false;
		uint32_t nl = smb_le32(b + 16);
		struct smb_tx *tx = smb_tx_new(s, SMB_TX_RENAME);
		if (tx == NULL)
			return true;
		smb_bytes_set(&tx->guid, guid, 16);
		smb_bytes_set(&tx->oldname, nm ? nm->p : unknown, nm ? nm->n : sizeof(unknown) - 1);
		smb_bytes_set_nonul(&tx->newname, b + 20, nl);
		tx->hdr = key2(r, SMB_KEY_GENERICTX);
		tx->req_done = true;
		smb_tx_set_cmd2(tx, SMB2_SET_INFO);
		return true;
	}
	if (lvl == 13) { /* FileDispositionInformation */
		if (size < 1)
			return false;
		struct smb_bytes fname = {0};
		if (nm != NULL) {
			smb_bytes_set(&fname, nm->p, nm->n);
		} else {
			/* a chained create just before: its name by message id - 1 */
			struct smb_key k = key2_notree(r, SMB_KEY_FILENAME);
			struct smb_map_ent *e = NULL;
			if (k.msg_id != 0) {
				k.msg_id--;
				e = smb_map_find(s, SMB_MAP_NAMES, &k);
			}
			if (e != NULL)
				smb_bytes_set_nonul(&fname, e->val.p, e->val.n);
			else
				smb_bytes_set(&fname, unknown, sizeof(unknown) - 1);
		}
		struct smb_tx *tx = smb_tx_new(s, SMB_TX_SETFILEPATHINFO);
		if (tx != NULL) {
			tx->filename = fname;
			fname.p = NULL;
			smb_bytes_set(&tx->guid, guid, 16);
			tx->subcmd = class;
			tx->loi = lvl;
			tx->delete_on_close = (b[0] & 1) != 0;
			tx->hdr = key2(r, SMB_KEY_GENERICTX);
			tx->req_done = true;
			smb_tx_set_cmd2(tx, SMB2_SET_INFO);
		}
		smb_bytes_free(&fname);
		return true;
	}
	return false;
}

static void ioctl_request(struct smb_state *s, const struct smb2_rec *r)
{
	const uint8_t *p = r->data;
	struct smb_key hk = key2(r, SMB_KEY_HEADER);
	uint32_t in_len = r->len >= 56 ? smb_le32(p + 28) : 0;
	if (r->len < 56 || in_len > r->len - 56) {
		struct smb_tx *tx = smb_tx_new_generic(s, 2, r->cmd, hk);
		if (tx != NULL)
			tx->events |= 1u << SMB_EV_MALFORMED_DATA;
		return;
	}
	uint32_t func = smb_le32(p + 4);
	const uint8_t *guid = p + 8;
	if (func == SMB2_FSCTL_PIPE_TRANSCEIVE && smb_guid_is_dcerpc(s, guid, 16)) {
		smb_pipe_write(s, 2, SMB2_IOCTL, &hk, guid, 16, p + 56, in_len);
		return;
	}
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_IOCTL);
	if (tx == NULL)
		return;
	tx->hdr = hk;
	tx->ioctl_func = func;
	tx->req_done = true;
	smb_tx_set_cmd2(tx, SMB2_IOCTL);
}

static bool negotiate_request(struct smb_state *s, const struct smb2_rec *r)
{
	const uint8_t *p = r->data;
	if (r->len < 36)
		return false;
	uint16_t cnt = smb_le16(p + 2);
	if ((uint32_t)cnt * 2 > r->len - 36)
		return false;
	if (smb_tx_find_negotiate(s, 2) != NULL)
		return true;
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_NEGOTIATE);
	if (tx == NULL)
		return true;
	smb_tx_set_cmd2(tx, SMB2_NEGOTIATE);
	tx->neg_ver = 2;
	uint32_t keep = cnt < SMB_MAX_DIALECTS ? cnt : SMB_MAX_DIALECTS;
	tx->dialects = calloc(keep ? keep : 1, sizeof(*tx->dialects));
	for (uint32_t i = 0; tx->dialects != NULL && i < keep; i++) {
		char name[8];
		smb2_dialect_name(smb_le16(p + 36 + 2 * i), name);
		smb_bytes_set(&tx->dialects[i], (const uint8_t *)name, (uint32_t)strlen(name));
		tx->n_dialects++;
	}
	tx->has_client_guid = true;
	memcpy(tx->client_guid, p + 12, 16);
	tx->req_done = true;
	return true;
}

static void session_setup_request(struct smb_state *s, const struct smb2_rec *r)
{
	if (r->len < 24)
		return;
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_SESSIONSETUP);
	if (tx == NULL)
		return;
	tx->hdr = key2(r, SMB_KEY_HEADER);
	tx->req_done = true;
	smb_tx_set_cmd2(tx, SMB2_SESSION_SETUP);
	smb_auth_parse_secblob(tx, r->data + 24, r->len - 24);
	if (tx->events & (1u << SMB_EV_MALFORMED_NTLMSSP_REQUEST))
		return;
}

static bool tree_connect_request(struct smb_state *s, const struct smb2_rec *r)
{
	if (r->len < 6)
		return false;
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_TREECONNECT);
	if (tx == NULL)
		return true;
	/* Suricata takes the bytes after six of the fixed part, NULs removed,
	 * and drops the first of what is left (the path length's low byte) */
	smb_bytes_set_nonul(&tx->share_name, r->data + 6, r->len - 6);
	if (tx->share_name.n > 1) {
		memmove(tx->share_name.p, tx->share_name.p + 1, tx->share_name.n);
		tx->share_name.n--;
	}
	tx->hdr = key2(r, SMB_KEY_TREE);
	tx->req_done = true;
	smb_tx_set_cmd2(tx, SMB2_TREE_CONNECT);
	return true;
}

static bool read_request(struct smb_state *s, const struct smb2_rec *r)
{
	const uint8_t *p = r->data;
	if (r->len < 48)
		return false;
	uint32_t rd_len = smb_le32(p + 4);
	const struct smb_config *c = s->cfg;
	if ((s->max_read_size != 0 && rd_len > s->max_read_size) ||
	    (c->max_read_size != 0 && rd_len > c->max_read_size))
		return true; /* Suricata's event has no transaction to go on */
	struct smb_key k = key2(r, SMB_KEY_OFFSET);
	struct smb_map_ent *e = smb_map_put(s, SMB_MAP_OFFSETS, &k, NULL, 0);
	if (e != NULL) {
		smb_bytes_set(&e->id, p + 16, 16);
		e->off = smb_le64(p + 8);
	}
	return true;
}

static bool create_request(struct smb_state *s, const struct smb2_rec *r)
{
	const uint8_t *p = r->data;
	if (r->len < 56)
		return false;
	uint32_t disp = smb_le32(p + 36), opts = smb_le32(p + 40);
	uint16_t nl = smb_le16(p + 46);
	if (nl > r->len - 56)
		return false;
	const uint8_t *name = p + 56;
	struct smb_key nk = key2_notree(r, SMB_KEY_FILENAME);
	struct smb_map_ent *e = smb_map_put(s, SMB_MAP_NAMES, &nk, NULL, 0);
	if (e != NULL)
		smb_bytes_set(&e->val, name, nl);
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_CREATE);
	if (tx == NULL)
		return true;
	smb_bytes_set(&tx->filename, name, nl);
	smb_bytes_set_nonul(&tx->op_path, name, nl);
	tx->disposition = disp;
	tx->delete_on_close = (opts & 0x1000) != 0;
	tx->directory = (opts & 0x1) != 0;
	tx->hdr = key2(r, SMB_KEY_GENERICTX);
	tx->req_done = true;
	smb_tx_set_cmd2(tx, SMB2_CREATE);
	return true;
}

static void close_file_txs(struct smb_state *s, const uint8_t *guid)
{
	for (int d = 0; d < 2; d++) {
		struct smb_tx *tx = smb_tx_find_file(s, guid, 16, (enum app_dir)d);
		if (tx == NULL)
			continue;
		if (!tx->req_done)
			smb_file_close(s, tx);
		tx->req_done = tx->resp_done = true;
		smb_tx_set_status(tx, SMB_NTSTATUS_SUCCESS, false);
	}
}

static void request(struct smb_state *s, const struct smb2_rec *r)
{
	bool have_tx = false, malformed = false;
	switch (r->cmd) {
	case SMB2_SET_INFO:
		if (r->len < 32 || smb_le32(r->data + 4) > r->len - 32)
			malformed = true;
		else
			have_tx = setinfo_request(s, r);
		break;
	case SMB2_IOCTL:
		ioctl_request(s, r);
		have_tx = true;
		break;
	case SMB2_TREE_DISCONNECT: {
		struct smb_key k = key2(r, SMB_KEY_SHARE);
		struct smb_map_ent *e = smb_map_find(s, SMB_MAP_TREES, &k);
		if (e != NULL)
			smb_map_del(s, SMB_MAP_TREES, e);
		break;
	}
	case SMB2_NEGOTIATE:
		have_tx = negotiate_request(s, r);
		malformed = !have_tx;
		break;
	case SMB2_SESSION_SETUP:
		session_setup_request(s, r);
		have_tx = true;
		break;
	case SMB2_TREE_CONNECT:
		have_tx = tree_connect_request(s, r);
		malformed = !have_tx;
		break;
	case SMB2_READ: malformed = !read_request(s, r); break;
	case SMB2_CREATE:
		have_tx = create_request(s, r);
		malformed = !have_tx;
		break;
	case SMB2_WRITE:
		write_request(s, r, false, 0);
		have_tx = true;
		break;
	case SMB2_CLOSE:
		if (r->len < 24)
			malformed = true;
		else
			close_file_txs(s, r->data + 8);
		break;
	default: break;
	}
	if (!have_tx && creates_tx(r->cmd)) {
		struct smb_tx *tx = smb_tx_new_generic(s, 2, r->cmd, key2(r, SMB_KEY_GENERICTX));
		if (tx != NULL && malformed)
			tx->events |= 1u << SMB_EV_MALFORMED_DATA;
	}
}

/* ------------------------------------------------------------ responses */

static void ioctl_response(struct smb_state *s, const struct smb2_rec *r)
{
	const uint8_t *p = r->data;
	struct smb_key hk = key2(r, SMB_KEY_HEADER);
	bool ok = r->len >= 48;
	uint32_t in_len = ok ? smb_le32(p + 28) : 0, out_len = ok ? smb_le32(p + 36) : 0;
	if (ok && (in_len > r->len - 48 || out_len > r->len - 48 - in_len))
		ok = false;
	if (ok) {
		uint32_t func = smb_le32(p + 4);
		const uint8_t *guid = p + 8;
		if (func == SMB2_FSCTL_PIPE_TRANSCEIVE && smb_guid_is_dcerpc(s, guid, 16)) {
			smb_pipe_read(s, 2, SMB2_IOCTL, r->status, &hk, guid, 16, p + 48 + in_len,
				      out_len);
			return;
		}
	}
	struct smb_tx *tx = smb_tx_find_generic(s, 2, SMB2_IOCTL, &hk);
	if (tx == NULL)
		return;
	smb_tx_set_status(tx, r->status, false);
	if (r->status != SMB_NTSTATUS_PENDING)
		tx->resp_done = true;
	if (!ok && r->status == SMB_NTSTATUS_SUCCESS)
		tx->events |= 1u << SMB_EV_MALFORMED_DATA;
}

static void session_setup_response(struct smb_state *s, const struct smb2_rec *r)
{
	struct smb_key k = key2(r, SMB_KEY_HEADER);
	struct smb_tx *tx = NULL;
	if (r->ssn_id != 0)
		tx = smb_tx_find_type(s, SMB_TX_SESSIONSETUP, &k);
	if (tx == NULL) {
		struct smb_key z = smb_key_make(SMB_KEY_HEADER, 0, 0, r->msg_id);
		tx = smb_tx_find_type(s, SMB_TX_SESSIONSETUP, &z);
	}
	if (tx == NULL)
		return;
	tx->hdr = k;
	smb_tx_set_status(tx, r->status, false);
	tx->resp_done = true;
}

static uint32_t filetime_unix(uint64_t ft)
{
	return ft > 116444736000000000ull ? (uint32_t)(ft / 10000000 - 11644473600ull) : 0;
}

static bool create_response(struct smb_state *s, const struct smb2_rec *r)
{
	if (r->status != SMB_NTSTATUS_SUCCESS)
		return false;
	const uint8_t *p = r->data;
	if (r->len < 88) {
		smb_set_event(s, SMB_EV_MALFORMED_DATA);
		return true;
	}
	const uint8_t *guid = p + 64;
	struct smb_key nk = key2_notree(r, SMB_KEY_FILENAME);
	struct smb_map_ent *e = smb_map_find(s, SMB_MAP_NAMES, &nk);
	if (e != NULL) {
		struct smb_bytes name = {0};
		smb_bytes_set_nonul(&name, e->val.p, e->val.n);
		smb_map_del(s, SMB_MAP_NAMES, e);
		struct smb_map_ent *g = smb_map_put(s, SMB_MAP_GUIDS, NULL, guid, 16);
		if (g != NULL) {
			smb_bytes_free(&g->val);
			g->val = name;
		} else {
			smb_bytes_free(&name);
		}
	}
	struct smb_key tk = key2(r, SMB_KEY_GENERICTX);
	struct smb_tx *tx = smb_tx_find_generic(s, 2, r->cmd, &tk);
	if (tx != NULL) {
		smb_tx_set_status(tx, r->status, false);
		tx->resp_done = true;
		if (tx->type == SMB_TX_CREATE) {
			tx->create_ts = filetime_unix(smb_le64(p + 8));
			tx->last_access_ts = filetime_unix(smb_le64(p + 16));
			tx->last_write_ts = filetime_unix(smb_le64(p + 24));
			tx->last_change_ts = filetime_unix(smb_le64(p + 32));
			tx->size = smb_le64(p + 48);
			smb_bytes_set(&tx->guid, guid, 16);
			tx->create_action = smb_le32(p + 4);
		}
	}
	return true;
}

static bool tree_connect_response(struct smb_state *s, const struct smb2_rec *r)
{
	struct smb_key nk = key2(r, SMB_KEY_TREE);
	struct smb_tx *tx = smb_tx_find_type(s, SMB_TX_TREECONNECT, &nk);
	if (r->status != SMB_NTSTATUS_SUCCESS) {
		if (tx == NULL)
			return false;
		tx->resp_done = true;
		smb_tx_set_status(tx, r->status, false);
		return true;
	}
	if (r->len < 15) {
		smb_set_event(s, SMB_EV_MALFORMED_DATA);
		return false;
	}
	if (tx == NULL)
		return true;
	uint8_t type = r->data[2];
	tx->share_type = type;
	tx->is_pipe = type == 2;
	tx->tree_id = r->tree_id;
	tx->hdr = key2(r, SMB_KEY_HEADER);
	tx->resp_done = true;
	smb_tx_set_status(tx, r->status, false);
	struct smb_key sk = key2(r, SMB_KEY_SHARE);
	struct smb_map_ent *e = smb_map_put(s, SMB_MAP_TREES, &sk, NULL, 0);
	if (e != NULL) {
		smb_bytes_set(&e->val, tx->share_name.p, tx->share_name.n);
		e->is_pipe = tx->is_pipe;
	}
	return true;
}

static bool negotiate_response(struct smb_state *s, const struct smb2_rec *r)
{
	const uint8_t *p = r->data;
	bool ok = r->status == SMB_NTSTATUS_SUCCESS;
	if ((ok && r->len < 40) || r->len < 4) {
		smb_set_event(s, SMB_EV_MALFORMED_DATA);
		return false;
	}
	uint16_t dialect = ok ? smb_le16(p + 4) : 0;
	uint32_t max_read = ok ? smb_le32(p + 32) : 0, max_write = ok ? smb_le32(p + 36) : 0;
	const struct smb_config *c = s->cfg;
	if (c->max_read_size != 0 && max_read > c->max_read_size)
		smb_set_event(s, SMB_EV_NEGOTIATE_MAX_READ_SIZE_TOO_LARGE);
	if (c->max_write_size != 0 && max_write > c->max_write_size)
		smb_set_event(s, SMB_EV_NEGOTIATE_MAX_WRITE_SIZE_TOO_LARGE);
	s->dialect = dialect;
	s->max_read_size = max_read;
	s->max_write_size = max_write;
	struct smb_tx *tx = smb_tx_find_negotiate(s, 2);
	if (tx == NULL)
		tx = smb_tx_find_negotiate(s, 1); /* an SMB2 answer to an SMB1 negotiate */
	if (tx == NULL)
		return false;
	if (ok)
		smb_bytes_set(&tx->server_guid, p + 8, 16);
	smb_tx_set_status(tx, r->status, false);
	tx->resp_done = true;
	return true;
}

static void read_eof_response(struct smb_state *s, const struct smb2_rec *r)
{
	struct smb_key ok = key2(r, SMB_KEY_OFFSET);
	struct smb_map_ent *oe = smb_map_find(s, SMB_MAP_OFFSETS, &ok);
	if (oe == NULL)
		return;
	uint8_t guid[16] = {0};
	memcpy(guid, oe->id.p, oe->id.n < 16 ? oe->id.n : 16);
	smb_map_del(s, SMB_MAP_OFFSETS, oe);
	struct smb_tx *tx = smb_tx_find_file(s, guid, 16, APP_TOCLIENT);
	if (tx == NULL)
		return;
	if (!tx->req_done)
		smb_file_close(s, tx);
	smb_tx_set_status(tx, r->status, false);
	tx->req_done = true;
}

static void response(struct smb_state *s, const struct smb2_rec *r)
{
	bool have_tx = false, malformed = false;
	switch (r->cmd) {
	case SMB2_IOCTL:
		ioctl_response(s, r);
		have_tx = true;
		break;
	case SMB2_SESSION_SETUP:
		session_setup_response(s, r);
		have_tx = true;
		break;
	case SMB2_WRITE:
		if (r->status == SMB_NTSTATUS_SUCCESS) {
			if (r->len < 14) {
				malformed = true;
			} else {
				struct smb_key gk =
				    smb_key_make(SMB_KEY_GUID, r->ssn_id, r->tree_id, r->msg_id);
				struct smb_map_ent *e = smb_map_find(s, SMB_MAP_NAMES, &gk);
				if (e != NULL)
					smb_map_del(s, SMB_MAP_NAMES, e);
			}
		}
		break;
	case SMB2_READ:
		if (r->status == SMB_NTSTATUS_SUCCESS || r->status == SMB_NTSTATUS_BUFFER_OVERFLOW)
			read_response(s, r, false, 0);
		else if (r->status == SMB_NTSTATUS_END_OF_FILE)
			read_eof_response(s, r);
		break;
	case SMB2_CREATE: have_tx = create_response(s, r); break;
	case SMB2_TREE_DISCONNECT: {
		struct smb_key k = key2(r, SMB_KEY_SHARE);
		struct smb_map_ent *e = smb_map_find(s, SMB_MAP_TREES, &k);
		if (e != NULL)
			smb_map_del(s, SMB_MAP_TREES, e);
		break;
	}
	case SMB2_TREE_CONNECT:
		have_tx = tree_connect_response(s, r);
		malformed = !have_tx && r->status == SMB_NTSTATUS_SUCCESS && r->len < 15;
		break;
	case SMB2_NEGOTIATE: have_tx = negotiate_response(s, r); break;
	default: break;
	}
	if (have_tx)
		return;
	struct smb_key tk = key2(r, SMB_KEY_GENERICTX);
	struct smb_tx *tx = smb_tx_find_generic(s, 2, r->cmd, &tk);
	if (tx == NULL)
		return;
	if (r->status != SMB_NTSTATUS_PENDING)
		tx->resp_done = true;
	smb_tx_set_status(tx, r->status, false);
	if (malformed)
		tx->events |= 1u << SMB_EV_MALFORMED_DATA;
}

/* ------------------------------------------------------------ entry points */

uint32_t smb2_record(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct smb2_rec r;
	uint32_t used;
	if (!parse_hdr(d, n, dir == APP_TOCLIENT, &r, &used))
		return 0;
	if (dir == APP_TOSERVER) {
		if (r.response)
			smb_set_event(s, SMB_EV_RESPONSE_TO_SERVER);
		else
			request(s, &r);
	} else {
		if (!r.response)
			smb_set_event(s, SMB_EV_REQUEST_TO_CLIENT);
		else
			response(s, &r);
	}
	return used;
}

bool smb2_partial(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
		  uint32_t rec_len)
{
	struct smb2_rec r;
	uint32_t used;
	if (!parse_hdr(d, n, dir == APP_TOCLIENT, &r, &used))
		return false;
	/* only a lone record (no NextCommand cutting it short) is streamed */
	if (used != n)
		return false;
	uint32_t rec_left = rec_len - n;
	if (dir == APP_TOSERVER && !r.response && r.cmd == SMB2_WRITE && r.len >= 48) {
		/* a pipe's DCERPC is parsed from whole records */
		struct smb_key tk = key2(&r, SMB_KEY_SHARE);
		struct smb_map_ent *t = smb_map_find(s, SMB_MAP_TREES, &tk);
		if ((t != NULL && t->is_pipe) || smb_guid_is_dcerpc(s, r.data + 16, 16))
			return false;
		write_request(s, &r, true, rec_left);
		return true;
	}
	if (dir == APP_TOCLIENT && r.response && r.cmd == SMB2_READ && r.len >= 16) {
		struct smb_key tk = key2(&r, SMB_KEY_SHARE);
		struct smb_map_ent *t = smb_map_find(s, SMB_MAP_TREES, &tk);
		if (t != NULL && t->is_pipe)
			return false;
		read_response(s, &r, true, rec_left);
		return true;
	}
	return false;
}
