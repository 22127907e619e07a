/*
 * smb/smb1.c — SMB1 records (MS-CIFS, MS-SMB): the 32-byte header, AndX
 * chains, and the commands Suricata 8 looks into: NEGOTIATE (dialect
 * strings; the server's choice becomes the flow's dialect),
 * SESSION_SETUP_ANDX (security blob, native OS / LAN manager),
 * TREE_CONNECT_ANDX (path and service: "IPC" is a named pipe),
 * NT_CREATE_ANDX, CLOSE, READ_ANDX / WRITE_ANDX (files, by FID and user
 * id), TRANS on a named pipe, LOGOFF; other commands are generic
 * transactions.  Status is an NT status, or a DOS error class and code
 * when the header's flags2 lack the NT-status bit.
 *
 * Layouts follow Suricata's parsers (rust/src/smb/smb1_records.rs),
 * including their quirks (the session setup request is read as the
 * extended-security form whatever its word count), so that logged values
 * are Suricata's.  Every read is checked against the record's length.
 */
#include "app/smb/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	SMB1_CLOSE = 0x04,
	SMB1_RENAME = 0x07,
	SMB1_WRITE = 0x0b,
	SMB1_LOCKING_ANDX = 0x24,
	SMB1_TRANS = 0x25,
	SMB1_WRITE_AND_CLOSE = 0x2c,
	SMB1_OPEN_ANDX = 0x2d,
	SMB1_READ_ANDX = 0x2e,
	SMB1_WRITE_ANDX = 0x2f,
	SMB1_TRANS2 = 0x32,
	SMB1_TRANS2_SECONDARY = 0x33,
	SMB1_TREE_DISCONNECT = 0x71,
	SMB1_NEGOTIATE = 0x72,
	SMB1_SESSION_SETUP_ANDX = 0x73,
	SMB1_LOGOFF_ANDX = 0x74,
	SMB1_TREE_CONNECT_ANDX = 0x75,
	SMB1_NT_CREATE_ANDX = 0xa2,
	SMB1_NT_CANCEL = 0xa4,
	SMB1_NONE = 0xff,
};

#define SMB1_HDR_LEN 32

struct smb1_rec {
	uint8_t cmd;
	uint32_t status;
	bool dos; /* status is a DOS error class/code */
	uint8_t flags;
	uint16_t flags2;
	uint16_t tree_id, user_id, mid;
	const uint8_t *data; /* after the header */
	uint32_t len;
};

static bool smb1_unicode(const struct smb1_rec *r)
{
	return (r->flags2 & 0x8000) != 0;
}

static struct smb_key key1(const struct smb1_rec *r, uint32_t type)
{
	uint32_t tree = type == SMB_KEY_TREE ? 0 : r->tree_id;
	uint64_t msg = (type == SMB_KEY_TRANS_FRAG || type == SMB_KEY_SHARE) ? 0 : r->mid;
	return smb_key_make(type, r->user_id, tree, msg);
}

/* FID and user id: Suricata's "frankenFID" (fid, then the user id as four
 * big-endian bytes). */
static void frankenfid(const uint8_t *fid, uint16_t uid, uint8_t out[6])
{
	out[0] = fid[0];
	out[1] = fid[1];
	out[2] = 0;
	out[3] = 0;
	out[4] = (uint8_t)(uid >> 8);
	out[5] = (uint8_t)uid;
}

const char *smb1_command_name(uint8_t cmd, char buf[8])
{
	static const struct {
		uint8_t c;
		const char *n;
	} names[] = {
	    {0x00, "SMB1_COMMAND_CREATE_DIRECTORY"},
	    {0x01, "SMB1_COMMAND_DELETE_DIRECTORY"},
	    {0x02, "SMB1_COMMAND_OPEN"},
	    {0x03, "SMB1_COMMAND_CREATE"},
	    {0x04, "SMB1_COMMAND_CLOSE"},
	    {0x05, "SMB1_COMMAND_FLUSH"},
	    {0x06, "SMB1_COMMAND_DELETE"},
	    {0x07, "SMB1_COMMAND_RENAME"},
	    {0x08, "SMB1_COMMAND_QUERY_INFORMATION"},
	    {0x09, "SMB1_COMMAND_SET_INFORMATION"},
	    {0x0a, "SMB1_COMMAND_READ"},
	    {0x0b, "SMB1_COMMAND_WRITE"},
	    {0x0c, "SMB1_COMMAND_LOCK_BYTE_RANGE"},
	    {0x0d, "SMB1_COMMAND_UNLOCK_BYTE_RANGE"},
	    {0x0e, "SMB1_COMMAND_CREATE_TEMPORARY"},
	    {0x0f, "SMB1_COMMAND_CREATE_NEW"},
	    {0x10, "SMB1_COMMAND_CHECK_DIRECTORY"},
	    {0x11, "SMB1_COMMAND_PROCESS_EXIT"},
	    {0x12, "SMB1_COMMAND_SEEK"},
	    {0x13, "SMB1_COMMAND_LOCK_AND_READ"},
	    {0x14, "SMB1_COMMAND_WRITE_AND_UNLOCK"},
	    {0x24, "SMB1_COMMAND_LOCKING_ANDX"},
	    {0x25, "SMB1_COMMAND_TRANS"},
	    {0x2b, "SMB1_COMMAND_ECHO"},
	    {0x2c, "SMB1_COMMAND_WRITE_AND_CLOSE"},
	    {0x2d, "SMB1_COMMAND_OPEN_ANDX"},
	    {0x2e, "SMB1_COMMAND_READ_ANDX"},
	    {0x2f, "SMB1_COMMAND_WRITE_ANDX"},
	    {0x32, "SMB1_COMMAND_TRANS2"},
	    {0x33, "SMB1_COMMAND_TRANS2_SECONDARY"},
	    {0x34, "SMB1_COMMAND_FIND_CLOSE2"},
	    {0x71, "SMB1_COMMAND_TREE_DISCONNECT"},
	    {0x72, "SMB1_COMMAND_NEGOTIATE_PROTOCOL"},
	    {0x73, "SMB1_COMMAND_SESSION_SETUP_ANDX"},
	    {0x74, "SMB1_COMMAND_LOGOFF_ANDX"},
	    {0x75, "SMB1_COMMAND_TREE_CONNECT_ANDX"},
	    {0x80, "SMB1_COMMAND_QUERY_INFO_DISK"},
	    {0xa0, "SMB1_COMMAND_NT_TRANS"},
	    {0xa1, "SMB1_COMMAND_NT_TRANS_SECONDARY"},
	    {0xa2, "SMB1_COMMAND_NT_CREATE_ANDX"},
	    {0xa4, "SMB1_COMMAND_NT_CANCEL"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].c == cmd)
			return names[i].n;
	snprintf(buf, 8, "%u", cmd);
	return buf;
}

static bool creates_tx(uint8_t cmd)
{
	return cmd != SMB1_READ_ANDX && cmd != SMB1_WRITE_ANDX && cmd != SMB1_TRANS &&
	       cmd != SMB1_TRANS2;
}

static bool check_tx(uint8_t cmd)
{
	return cmd != SMB1_READ_ANDX && cmd != SMB1_WRITE_ANDX && cmd != SMB1_TRANS;
}

static bool is_andx(uint8_t c)
{
	return c == SMB1_LOCKING_ANDX || c == SMB1_OPEN_ANDX || c == SMB1_READ_ANDX ||
	       c == SMB1_SESSION_SETUP_ANDX || c == SMB1_LOGOFF_ANDX ||
	       c == SMB1_TREE_CONNECT_ANDX || c == SMB1_NT_CREATE_ANDX || c == SMB1_WRITE_ANDX;
}

/* ------------------------------------------------------------ strings */

/* A NUL-terminated ASCII string at d[0..n): its length; *used includes
 * the NUL.  false when no NUL. */
static bool ascii_str(const uint8_t *d, uint32_t n, uint32_t *len, uint32_t *used)
{
	const uint8_t *z = memchr(d, 0, n);
	if (z == NULL)
		return false;
	*len = (uint32_t)(z - d);
	*used = *len + 1;
	return true;
}

/* A UTF-16LE string ending in 00 00 (or a lone trailing 00): the low byte
 * of each unit into out, as Suricata's smb_get_unicode_string. */
static bool unicode_str(const uint8_t *d, uint32_t n, struct smb_bytes *out, uint32_t *used)
{
	uint8_t tmp[SMB_STR_MAX];
	uint32_t k = 0, i = 0;
	while (i < n) {
		if (n - i == 1) {
			if (d[i] != 0)
				return false;
			i += 1;
			break;
		}
		if (d[i] == 0 && d[i + 1] == 0) {
			i += 2;
			break;
		}
		if (k < SMB_STR_MAX)
			tmp[k++] = d[i];
		i += 2;
		if (i >= n)
			return false;
	}
	if (i == 0 && n == 0)
		return false;
	*used = i;
	return smb_bytes_set(out, tmp, k);
}

/* smb1_get_string: unicode (skipping a pad byte at an odd offset) or ASCII. */
static bool get_string(const struct smb1_rec *r, const uint8_t *d, uint32_t n, uint32_t offset,
		       struct smb_bytes *out, uint32_t *used)
{
	if (smb1_unicode(r)) {
		uint32_t pad = offset % 2 == 1 ? 1 : 0;
		if (pad > n)
			return false;
		uint32_t u;
		if (!unicode_str(d + pad, n - pad, out, &u))
			return false;
		*used = pad + u;
		return true;
	}
	uint32_t len;
	if (!ascii_str(d, n, &len, used))
		return false;
	return smb_bytes_set(out, d, len);
}

/* ------------------------------------------------------------ header */

static bool parse_hdr(const uint8_t *d, uint32_t n, struct smb1_rec *r)
{
	if (n < SMB1_HDR_LEN || d[0] != 0xff || memcmp(d + 1, "SMB", 3) != 0)
		return false;
	memset(r, 0, sizeof(*r));
	r->cmd = d[4];
	r->status = smb_le32(d + 5);
	r->flags = d[9];
	r->flags2 = smb_le16(d + 10);
	r->dos = (r->flags2 & 0x4000) == 0;
	r->tree_id = smb_le16(d + 24);
	r->user_id = smb_le16(d + 28);
	r->mid = smb_le16(d + 30);
	r->data = d + SMB1_HDR_LEN;
	r->len = n - SMB1_HDR_LEN;
	return true;
}

static void set_status1(struct smb_tx *tx, const struct smb1_rec *r)
{
	smb_tx_set_status(tx, r->status, r->dos);
}

/* ------------------------------------------------------------ files */

static void close_file(struct smb_state *s, const uint8_t fid[6], enum app_dir dir)
{
	struct smb_tx *tx = smb_tx_find_file(s, fid, 6, dir);
	if (tx == NULL || tx->req_done)
		return;
	smb_file_close(s, tx);
	tx->req_done = tx->resp_done = true;
}

/* The generic transaction of a request (and the one that carries its
 * events). */
static void request_generic(struct smb_state *s, const struct smb1_rec *r, uint32_t events)
{
	if (creates_tx(r->cmd) || events != 0) {
		struct smb_tx *tx = smb_tx_new_generic(s, 1, r->cmd, key1(r, SMB_KEY_GENERICTX));
		if (tx != NULL)
			tx->events |= events;
	}
}

static void response_generic(struct smb_state *s, const struct smb1_rec *r, uint32_t events)
{
	struct smb_key k = key1(r, SMB_KEY_GENERICTX);
	struct smb_tx *tx = smb_tx_find_generic(s, 1, r->cmd, &k);
	if (tx == NULL) {
		if (events == 0)
			return;
		tx = smb_tx_new_generic(s, 1, r->cmd, k);
		if (tx == NULL)
			return;
	}
	tx->req_done = tx->resp_done = true;
	set_status1(tx, r);
	tx->events |= events;
}

/* WRITE_ANDX (andx at `ao`), WRITE, WRITE_AND_CLOSE requests. */
static void write_request(struct smb_state *s, const struct smb1_rec *r, uint32_t ao, uint8_t cmd,
			  bool partial, uint32_t rec_left)
{
	const uint8_t *p = r->data + ao;
	uint32_t n = r->len - ao;
	const uint8_t *fid, *data;
	uint64_t off;
	uint32_t len, dlen;
	bool ok = false;
	if (cmd == SMB1_WRITE_ANDX) {
		if (n >= 27) {
			uint8_t wct = p[0];
			uint32_t need = wct == 14 ? 31 : 27;
			if (n >= need) {
				fid = p + 5;
				uint32_t off_lo = smb_le32(p + 7);
				len = ((uint32_t)smb_le16(p + 19) << 16) | smb_le16(p + 21);
				uint16_t data_off = smb_le16(p + 23);
				off = wct == 14 ? ((uint64_t)smb_le32(p + 25) << 32) | off_lo : 0;
				uint16_t bcc = smb_le16(p + need - 2);
				uint32_t pos = need;
				uint16_t lo = smb_le16(p + 21);
				if (bcc > lo)
					pos += bcc - lo;
				uint32_t fixed = 36u + 2u * wct;
				if (data_off > fixed)
					pos += data_off - fixed;
				if (pos <= n) {
					data = p + pos;
					dlen = n - pos;
					ok = true;
				}
			}
		}
	} else if (cmd == SMB1_WRITE) {
		if (n >= 16) {
			fid = p + 1;
			off = smb_le32(p + 5);
			len = smb_le16(p + 14);
			if (len <= n - 16) {
				data = p + 16;
				dlen = len;
				ok = true;
			}
		}
	} else if (n >= 15) { /* WRITE_AND_CLOSE */
		fid = p + 1;
		uint16_t count = smb_le16(p + 3);
		off = smb_le32(p + 5);
		uint16_t bcc = smb_le16(p + 13);
		uint32_t pos = 15 + (bcc > count ? bcc - count : 0);
		len = count;
		if (pos <= n && count <= n - pos) {
			data = p + pos;
			dlen = count;
			ok = true;
		}
	}
	if (!ok) {
		request_generic(s, r, 1u << SMB_EV_MALFORMED_DATA);
		return;
	}
	if (dlen > len)
		dlen = len;
	uint8_t ffid[6];
	frankenfid(fid, r->user_id, ffid);
	static const uint8_t unknown[] = "<unknown>";
	const struct smb_bytes *nm = smb_guid_name(s, ffid, 6);
	struct smb_tx *tx = smb_tx_find_file(s, ffid, 6, APP_TOSERVER);
	bool to_file = true;
	if (tx == NULL) {
		struct smb_key tk = key1(r, SMB_KEY_SHARE);
		struct smb_map_ent *t = smb_map_find(s, SMB_MAP_TREES, &tk);
		if (t != NULL && t->is_pipe) {
			struct smb_key hk = key1(r, SMB_KEY_HEADER);
			smb_pipe_write(s, 1, cmd, &hk, fid, 2, data, dlen);
			to_file = false;
		} else {
			tx = smb_tx_new_file(s, ffid, 6, nm ? nm->p : unknown,
					     nm ? nm->n : sizeof(unknown) - 1, APP_TOSERVER);
			if (tx != NULL) {
				if (t != NULL)
					smb_bytes_set(&tx->share_name, t->val.p, t->val.n);
				smb_tx_set_cmd1(tx, SMB1_WRITE_ANDX);
			}
		}
	}
	if (to_file && tx != NULL) {
		smb_file_chunk(s, tx, APP_TOSERVER, off, data, dlen);
		if (partial) {
			struct smb_dir *sd = &s->dir[APP_TOSERVER];
			smb_set_file_left(s, APP_TOSERVER, len, dlen, ffid, 6, off);
			sd->file_left = len - dlen < rec_left ? len - dlen : rec_left;
			sd->after_file = rec_left - sd->file_left;
		}
	} else if (partial) {
		s->dir[APP_TOSERVER].skip = rec_left;
	}
	if (cmd == SMB1_WRITE_AND_CLOSE)
		close_file(s, ffid, APP_TOSERVER);
	request_generic(s, r, 0);
}

static void read_response(struct smb_state *s, const struct smb1_rec *r, uint32_t ao, bool partial,
			  uint32_t rec_left)
{
	struct smb_dir *sd = &s->dir[APP_TOCLIENT];
	uint32_t events = 0;
	if (partial)
		sd->skip = rec_left;
	if (r->status == SMB_NTSTATUS_SUCCESS) {
		const uint8_t *p = r->data + ao;
		uint32_t n = r->len - ao;
		if (n < 27) {
			events |= 1u << SMB_EV_MALFORMED_DATA;
			goto done;
		}
		uint8_t wct = p[0];
		uint16_t lo = smb_le16(p + 11), data_off = smb_le16(p + 13);
		uint32_t len = ((uint32_t)smb_le32(p + 15) << 16) | lo;
		uint16_t bcc = smb_le16(p + 25);
		uint32_t pos = 27;
		if (bcc > lo)
			pos += bcc - lo;
		uint32_t fixed = 36u + 2u * wct;
		if (data_off > fixed)
			pos += data_off - fixed;
		if (pos > n) {
			events |= 1u << SMB_EV_MALFORMED_DATA;
			goto done;
		}
		const uint8_t *data = p + pos;
		uint32_t dlen = n - pos;
		struct smb_key ok = key1(r, SMB_KEY_OFFSET);
		struct smb_map_ent *oe = smb_map_find(s, SMB_MAP_OFFSETS, &ok);
		if (oe == NULL)
			return;
		uint8_t ffid[6] = {0};
		memcpy(ffid, oe->id.p, oe->id.n < 6 ? oe->id.n : 6);
		uint64_t off = oe->off;
		smb_map_del(s, SMB_MAP_OFFSETS, oe);
		struct smb_key tk = key1(r, SMB_KEY_SHARE);
		struct smb_map_ent *t = smb_map_find(s, SMB_MAP_TREES, &tk);
		if (t != NULL && t->is_pipe) {
			struct smb_key hk = key1(r, SMB_KEY_HEADER);
			smb_pipe_read(s, 1, SMB1_READ_ANDX, r->status, &hk, ffid, 2, data, dlen);
		} else {
			const struct smb_bytes *nm = smb_guid_name(s, ffid, 6);
			struct smb_tx *tx = smb_tx_find_file(s, ffid, 6, APP_TOCLIENT);
			if (tx == NULL) {
				tx = smb_tx_new_file(s, ffid, 6, nm ? nm->p : NULL, nm ? nm->n : 0,
						     APP_TOCLIENT);
				if (tx != NULL) {
					if (t != NULL)
						smb_bytes_set(&tx->share_name, t->val.p, t->val.n);
					smb_tx_set_cmd1(tx, SMB1_READ_ANDX);
				}
			}
			if (tx != NULL) {
				if (dlen > len)
					dlen = len;
				smb_file_chunk(s, tx, APP_TOCLIENT, off, data, dlen);
				if (partial) {
					smb_set_file_left(s, APP_TOCLIENT, len, dlen, ffid, 6, off);
					sd->file_left =
					    len - dlen < rec_left ? len - dlen : rec_left;
					sd->after_file = rec_left - sd->file_left;
					sd->skip = 0;
				}
			}
		}
	}
done:
	response_generic(s, r, events);
}

/* ------------------------------------------------------------ requests */

static bool negotiate_request(struct smb_state *s, const struct smb1_rec *r)
{
	if (r->len < 3)
		return false;
	const uint8_t *p = r->data + 3;
	uint32_t n = r->len - 3, len, used;
	if (!ascii_str(p, n, &len, &used))
		return false; /* many1: at least one dialect */
	struct smb_tx *tx = smb_tx_find_negotiate(s, 1);
	if (tx != NULL) {
		tx->events |= 1u << SMB_EV_DUPLICATE_NEGOTIATE;
		return true;
	}
	tx = smb_tx_new(s, SMB_TX_NEGOTIATE);
	if (tx == NULL)
		return true;
	smb_tx_set_cmd1(tx, SMB1_NEGOTIATE);
	tx->neg_ver = 1;
	tx->req_done = true;
	tx->dialects = calloc(SMB_MAX_DIALECTS, sizeof(*tx->dialects));
	bool bad = false;
	while (ascii_str(p, n, &len, &used)) {
		if (len == 0) {
			bad = true;
		} else {
			if (len == 1)
				bad = true;
			if (tx->dialects != NULL && tx->n_dialects < SMB_MAX_DIALECTS)
				smb_bytes_set(&tx->dialects[tx->n_dialects++], p + 1, len - 1);
		}
		p += used;
		n -= used;
	}
	if (bad)
		tx->events |= 1u << SMB_EV_NEGOTIATE_MALFORMED_DIALECTS;
	return true;
}

/* Native OS, LAN manager (and domain) after the blob. */
static void host_info(const struct smb1_rec *r, const uint8_t *b, uint32_t n, struct smb_bytes *os,
		      struct smb_bytes *lm)
{
	uint32_t used;
	if (n > 1 && smb1_unicode(r)) {
		uint32_t off = (uint32_t)(b - r->data);
		if (off % 2 == 1) {
			b++;
			n--;
		}
		if (!unicode_str(b, n, os, &used))
			return;
		unicode_str(b + used, n - used, lm, &used);
		return;
	}
	uint32_t len;
	if (!ascii_str(b, n, &len, &used))
		return;
	smb_bytes_set(os, b, len);
	b += used;
	n -= used;
	if (ascii_str(b, n, &len, &used))
		smb_bytes_set(lm, b, len);
}

static void session_setup_request(struct smb_state *s, const struct smb1_rec *r, uint32_t ao)
{
	const uint8_t *p = r->data + ao;
	uint32_t n = r->len - ao;
	if (n < 27)
		return;
	uint16_t blob_len = smb_le16(p + 15);
	if (blob_len > n - 27)
		return;
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_SESSIONSETUP);
	if (tx == NULL)
		return;
	tx->hdr = smb_key_make(SMB_KEY_HEADER, r->user_id, 0, r->mid);
	tx->req_done = true;
	smb_tx_set_cmd1(tx, r->cmd);
	smb_auth_parse_secblob(tx, p + 27, blob_len);
	tx->has_req_host = true;
	host_info(r, p + 27 + blob_len, n - 27 - blob_len, &tx->req_native_os, &tx->req_native_lm);
}

static bool tree_connect_request(struct smb_state *s, const struct smb1_rec *r, uint32_t ao)
{
	const uint8_t *p = r->data + ao;
	uint32_t n = r->len - ao;
	if (n < 11)
		return false;
	uint16_t pwlen = smb_le16(p + 7);
	if (pwlen > n - 11)
		return false;
	struct smb_bytes path = {0};
	uint32_t used, slen, sused;
	uint32_t pos = 11 + pwlen;
	if (!get_string(r, p + pos, n - pos, pos, &path, &used))
		return false;
	pos += used;
	if (!ascii_str(p + pos, n - pos, &slen, &sused)) {
		smb_bytes_free(&path);
		return false;
	}
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_TREECONNECT);
	if (tx == NULL) {
		smb_bytes_free(&path);
		return true;
	}
	if (path.n > 1)
		smb_bytes_set(&tx->share_name, path.p + 1, path.n - 1);
	else
		smb_bytes_set(&tx->share_name, path.p, path.n);
	smb_bytes_free(&path);
	tx->has_req_service = true;
	smb_bytes_set(&tx->req_service, p + pos, slen);
	tx->hdr = key1(r, SMB_KEY_TREE);
	tx->req_done = true;
	smb_tx_set_cmd1(tx, SMB1_TREE_CONNECT_ANDX);
	return true;
}

static bool create_request(struct smb_state *s, const struct smb1_rec *r, uint32_t ao)
{
	const uint8_t *p = r->data + ao;
	uint32_t n = r->len - ao;
	if (n < 51)
		return false;
	uint16_t name_len = smb_le16(p + 6);
	uint32_t disp = smb_le32(p + 36), opts = smb_le32(p + 40);
	uint16_t bcc = smb_le16(p + 49);
	struct smb_bytes name = {0};
	if (bcc >= name_len) {
		uint32_t used;
		if (!get_string(r, p + 51, n - 51, bcc - name_len, &name, &used))
			return false;
	}
	struct smb_key nk = key1(r, SMB_KEY_FILENAME);
	struct smb_map_ent *e = smb_map_put(s, SMB_MAP_NAMES, &nk, NULL, 0);
	if (e != NULL)
		smb_bytes_set(&e->val, name.p, name.n);
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_CREATE);
	if (tx != NULL) {
		tx->filename = name;
		name.p = NULL;
		smb_bytes_set_nonul(&tx->op_path, tx->filename.p, tx->filename.n);
		tx->disposition = disp;
		tx->delete_on_close = (opts & 0x1000) != 0;
		tx->directory = (opts & 0x1) != 0;
		tx->hdr = key1(r, SMB_KEY_GENERICTX);
		tx->req_done = true;
		smb_tx_set_cmd1(tx, SMB1_NT_CREATE_ANDX);
	}
	smb_bytes_free(&name);
	return true;
}

/* TRANS on a pipe: the data goes to the pipe (its FID is remembered for
 * the response). */
static void trans_request(struct smb_state *s, const struct smb1_rec *r)
{
	const uint8_t *p = r->data;
	uint32_t n = r->len;
	uint32_t events = 0;
	if (n < 31) {
		request_generic(s, r, 1u << SMB_EV_MALFORMED_DATA);
		return;
	}
	uint8_t wct = p[0];
	uint16_t param_cnt = smb_le16(p + 19), param_off = smb_le16(p + 21);
	uint16_t data_cnt = smb_le16(p + 23), data_off = smb_le16(p + 25);
	uint8_t setup_cnt = p[27];
	bool pipe = wct == 16 && setup_cnt == 2 && data_cnt > 0;
	uint32_t pos = 29;
	const uint8_t *fid = NULL;
	if (pipe) {
		if (n < pos + 4 + 2) {
			request_generic(s, r, 1u << SMB_EV_MALFORMED_DATA);
			return;
		}
		fid = p + pos + 2;
		pos += 4;
	}
	pos += 2; /* bcc */
	struct smb_bytes name = {0};
	uint32_t used;
	uint32_t offset = SMB1_HDR_LEN + pos;
	if (pos > n || !get_string(r, p + pos, n - pos, offset, &name, &used)) {
		request_generic(s, r, 1u << SMB_EV_MALFORMED_DATA);
		return;
	}
	smb_bytes_free(&name);
	offset += used;
	pos += used;
	uint32_t pad1 = (offset == param_off || offset == data_off) ? 0 : offset % 4;
	offset += pad1 + param_cnt;
	const uint8_t *data = NULL;
	uint32_t dlen = 0;
	if (data_cnt > 0) {
		uint32_t pad2 = offset == data_off ? 0 : offset % 4;
		uint32_t at = pos + pad1 + param_cnt + pad2;
		if (at > n || data_cnt > n - at) {
			request_generic(s, r, 1u << SMB_EV_MALFORMED_DATA);
			return;
		}
		data = p + at;
		dlen = data_cnt;
	}
	if (fid != NULL) {
		struct smb_key gk = key1(r, SMB_KEY_GUID);
		struct smb_map_ent *e = smb_map_put(s, SMB_MAP_NAMES, &gk, NULL, 0);
		if (e != NULL)
			smb_bytes_set(&e->val, fid, 2);
		uint8_t ffid[6];
		frankenfid(fid, r->user_id, ffid);
		if (smb_guid_is_dcerpc(s, ffid, 6)) {
			struct smb_key hk = key1(r, SMB_KEY_HEADER);
			smb_pipe_write(s, 1, SMB1_TRANS, &hk, fid, 2, data, dlen);
		}
	}
	request_generic(s, r, events);
}

static struct smb_tx *rename_tx(struct smb_state *s, const struct smb1_rec *r, uint8_t cmd,
				const uint8_t *fid, const struct smb_bytes *oldname,
				const uint8_t *newname, uint32_t newlen)
{
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_RENAME);
	if (tx == NULL)
		return NULL;
	if (fid != NULL)
		smb_bytes_set(&tx->guid, fid, 2);
	smb_bytes_set(&tx->oldname, oldname->p, oldname->n);
	smb_bytes_set_nonul(&tx->newname, newname, newlen);
	tx->hdr = key1(r, SMB_KEY_GENERICTX);
	tx->req_done = true;
	smb_tx_set_cmd1(tx, cmd);
	return tx;
}

static struct smb_tx *setinfo_tx(struct smb_state *s, const struct smb1_rec *r,
				 const struct smb_bytes *name, const uint8_t *fid, uint16_t subcmd,
				 uint16_t loi, bool del)
{
	struct smb_tx *tx = smb_tx_new(s, SMB_TX_SETFILEPATHINFO);
	if (tx == NULL)
		return NULL;
	smb_bytes_set(&tx->filename, name->p, name->n);
	if (fid != NULL)
		smb_bytes_set(&tx->guid, fid, 2);
	tx->subcmd = subcmd;
	tx->loi = loi;
	tx->delete_on_close = del;
	tx->hdr = key1(r, SMB_KEY_GENERICTX);
	tx->req_done = true;
	smb_tx_set_cmd1(tx, SMB1_TRANS2);
	return tx;
}

/* Rename data of SET_*_INFO level 1010: the new name. */
static bool rename_data(const uint8_t *d, uint32_t n, const uint8_t **name, uint32_t *len)
{
	if (n < 12 || smb_le32(d + 8) > n - 12)
		return false;
	*len = smb_le32(d + 8);
	*name = d + 12;
	return true;
}

/* TRANS2 SET_PATH_INFO / SET_FILE_INFO: delete on close (1013), rename
 * (1010).  false when nothing was made; *malformed on a short record. */
static bool trans2_request(struct smb_state *s, const struct smb1_rec *r, bool *malformed)
{
	static const uint8_t unknown[] = "<unknown>";
	const uint8_t *p = r->data;
	uint32_t n = r->len;
	if (n < 36) {
		*malformed = true;
		return false;
	}
	uint16_t pcnt = smb_le16(p + 19), dcnt = smb_le16(p + 23), sub = smb_le16(p + 29);
	if (pcnt > n - 36 || dcnt > n - 36 - pcnt) {
		*malformed = true;
		return false;
	}
	const uint8_t *prm = p + 36, *dat = p + 36 + pcnt;
	const uint8_t *newname;
	uint32_t newlen, used;
	bool ok = false;
	if (sub == 6) { /* SET_PATH_INFO: loi, reserved, the path */
		struct smb_bytes old = {0};
		if (pcnt < 6 || !unicode_str(prm + 6, pcnt - 6, &old, &used)) {
			*malformed = true;
			return false;
		}
		uint16_t loi = smb_le16(prm);
		if (loi == 1013) {
			if (dcnt < 4)
				*malformed = true;
			else
				ok = setinfo_tx(s, r, &old, NULL, sub, loi, dat[0] & 1) != NULL;
		} else if (loi == 1010) {
			if (!rename_data(dat, dcnt, &newname, &newlen))
				*malformed = true;
			else
				ok = rename_tx(s, r, SMB1_TRANS2, NULL, &old, newname, newlen) !=
				     NULL;
		}
		smb_bytes_free(&old);
		return ok;
	}
	if (sub == 8) { /* SET_FILE_INFO: fid, loi */
		if (pcnt < 4) {
			*malformed = true;
			return false;
		}
		uint16_t loi = smb_le16(prm + 2);
		uint8_t ffid[6];
		frankenfid(prm, r->user_id, ffid);
		const struct smb_bytes *nm = smb_guid_name(s, ffid, 6);
		struct smb_bytes unk = {(uint8_t *)unknown, sizeof(unknown) - 1};
		const struct smb_bytes *name = nm != NULL ? nm : &unk;
		if (loi == 1013) {
			if (dcnt < 4)
				*malformed = true;
			else
				ok = setinfo_tx(s, r, name, prm, sub, loi, dat[0] & 1) != NULL;
		} else if (loi == 1010) {
			if (!rename_data(dat, dcnt, &newname, &newlen))
				*malformed = true;
			else
				ok = rename_tx(s, r, SMB1_TRANS2, prm, name, newname, newlen) !=
				     NULL;
		}
		return ok;
	}
	return false;
}

/* RENAME: two buffer-format-prefixed UTF-16 names. */
static bool rename_request(struct smb_state *s, const struct smb1_rec *r)
{
	const uint8_t *p = r->data;
	uint32_t n = r->len, u1, u2;
	if (n < 6)
		return false;
	struct smb_bytes oldn = {0}, newn = {0};
	if (!unicode_str(p + 6, n - 6, &oldn, &u1))
		return false;
	uint32_t pos = 6 + u1 + 1 + 1; /* buffer format, then the pad Suricata assumes */
	bool ok = pos <= n && unicode_str(p + pos, n - pos, &newn, &u2);
	if (ok)
		rename_tx(s, r, SMB1_RENAME, NULL, &oldn, newn.p, newn.n);
	smb_bytes_free(&oldn);
	smb_bytes_free(&newn);
	return ok;
}

static void request_one(struct smb_state *s, const struct smb1_rec *r, uint8_t cmd, uint32_t ao)
{
	bool have_tx = false, no_response = false;
	uint32_t events = 0;
	switch (cmd) {
	case SMB1_READ_ANDX: {
		const uint8_t *p = r->data + ao;
		uint32_t n = r->len - ao;
		uint32_t need = (n > 0 && p[0] == 12) ? 25 : 21;
		if (n < need) {
			events |= 1u << SMB_EV_MALFORMED_DATA;
			break;
		}
		uint32_t lo = smb_le32(p + 7);
		uint64_t off = p[0] == 12 ? ((uint64_t)smb_le32(p + 21) << 32) | lo : 0;
		struct smb_key k = key1(r, SMB_KEY_OFFSET);
		struct smb_map_ent *e = smb_map_put(s, SMB_MAP_OFFSETS, &k, NULL, 0);
		if (e != NULL) {
			uint8_t ffid[6];
			frankenfid(p + 5, r->user_id, ffid);
			smb_bytes_set(&e->id, ffid, 6);
			e->off = off;
		}
		break;
	}
	case SMB1_WRITE_ANDX:
	case SMB1_WRITE:
	case SMB1_WRITE_AND_CLOSE:
		write_request(s, r, ao, cmd, false, 0);
		have_tx = true;
		break;
	case SMB1_TRANS:
		trans_request(s, r);
		have_tx = true;
		break;
	case SMB1_TRANS2: {
		bool malformed = false;
		have_tx = trans2_request(s, r, &malformed);
		if (malformed)
			events |= 1u << SMB_EV_MALFORMED_DATA;
		break;
	}
	case SMB1_RENAME:
		have_tx = rename_request(s, r);
		if (!have_tx)
			events |= 1u << SMB_EV_MALFORMED_DATA;
		break;
	case SMB1_NEGOTIATE:
		have_tx = negotiate_request(s, r);
		if (!have_tx)
			events |= 1u << SMB_EV_MALFORMED_DATA;
		break;
	case SMB1_NT_CREATE_ANDX:
		have_tx = create_request(s, r, ao);
		if (!have_tx)
			events |= 1u << SMB_EV_MALFORMED_DATA;
		break;
	case SMB1_SESSION_SETUP_ANDX:
		session_setup_request(s, r, ao);
		have_tx = true;
		break;
	case SMB1_TREE_CONNECT_ANDX:
		have_tx = tree_connect_request(s, r, ao);
		if (!have_tx)
			events |= 1u << SMB_EV_MALFORMED_DATA;
		break;
	case SMB1_TREE_DISCONNECT: {
		struct smb_key k = key1(r, SMB_KEY_SHARE);
		struct smb_map_ent *e = smb_map_find(s, SMB_MAP_TREES, &k);
		if (e != NULL)
			smb_map_del(s, SMB_MAP_TREES, e);
		break;
	}
	case SMB1_CLOSE:
		if (r->len < 3) {
			events |= 1u << SMB_EV_MALFORMED_DATA;
		} else {
			uint8_t ffid[6];
			frankenfid(r->data + 1, r->user_id, ffid);
			struct smb_key gk = key1(r, SMB_KEY_GUID);
			struct smb_map_ent *e = smb_map_put(s, SMB_MAP_NAMES, &gk, NULL, 0);
			if (e != NULL)
				smb_bytes_set(&e->val, ffid, 6);
			close_file(s, ffid, APP_TOSERVER);
		}
		break;
	case SMB1_NT_CANCEL:
	case SMB1_TRANS2_SECONDARY:
	case SMB1_LOCKING_ANDX: no_response = true; break;
	default: break;
	}
	if (!have_tx && creates_tx(cmd)) {
		struct smb_tx *tx = smb_tx_new_generic(s, 1, cmd, key1(r, SMB_KEY_GENERICTX));
		if (tx != NULL) {
			tx->events |= events;
			if (no_response)
				tx->resp_done = true;
		}
	}
}

/* ------------------------------------------------------------ responses */

static bool negotiate_response(struct smb_state *s, const struct smb1_rec *r, uint32_t *events)
{
	const uint8_t *p = r->data;
	uint32_t n = r->len;
	if (n < 1) {
		*events |= 1u << SMB_EV_MALFORMED_DATA;
		return false;
	}
	uint16_t idx = 0;
	const uint8_t *guid = NULL;
	if (p[0] == 0) {
		if (n < 3) {
			*events |= 1u << SMB_EV_MALFORMED_DATA;
			return false;
		}
	} else {
		if (n < 37) {
			*events |= 1u << SMB_EV_MALFORMED_DATA;
			return false;
		}
		idx = smb_le16(p + 1);
		uint16_t bcc = smb_le16(p + 35);
		if (bcc >= 16) {
			if (n < 53) {
				*events |= 1u << SMB_EV_MALFORMED_DATA;
				return false;
			}
			guid = p + 37;
		}
	}
	struct smb_tx *tx = smb_tx_find_negotiate(s, 1);
	if (tx == NULL)
		return false;
	set_status1(tx, r);
	tx->resp_done = true;
	smb_bytes_set(&tx->server_guid, guid, guid ? 16 : 0);
	if (idx < tx->n_dialects) {
		smb_bytes_set(&s->dialect1, tx->dialects[idx].p, tx->dialects[idx].n);
		s->has_dialect1 = true;
	} else {
		tx->events |= 1u << SMB_EV_NEGOTIATE_MALFORMED_DIALECTS;
	}
	return true;
}

static void session_setup_response(struct smb_state *s, const struct smb1_rec *r, uint32_t ao)
{
	struct smb_tx *tx = NULL;
	if (r->user_id != 0) {
		struct smb_key k = smb_key_make(SMB_KEY_HEADER, r->user_id, 0, r->mid);
		tx = smb_tx_find_type(s, SMB_TX_SESSIONSETUP, &k);
	}
	if (tx == NULL) {
		struct smb_key z = smb_key_make(SMB_KEY_HEADER, 0, 0, r->mid);
		tx = smb_tx_find_type(s, SMB_TX_SESSIONSETUP, &z);
	}
	if (tx == NULL)
		return;
	const uint8_t *p = r->data + ao;
	uint32_t n = r->len - ao, pos = 0;
	bool ok = false;
	if (n >= 1) {
		if (p[0] == 0) {
			ok = n >= 3;
			pos = 3;
		} else if (p[0] == 3) {
			ok = n >= 9;
			pos = 9;
		} else if (n >= 11) {
			uint16_t bl = smb_le16(p + 7);
			ok = bl <= n - 11;
			pos = 11 + bl;
		}
	}
	if (ok) {
		tx->has_resp_host = true;
		host_info(r, p + pos, n - pos, &tx->resp_native_os, &tx->resp_native_lm);
	} else {
		tx->events |= 1u << SMB_EV_MALFORMED_DATA;
	}
	tx->hdr = key1(r, SMB_KEY_HEADER);
	set_status1(tx, r);
	tx->resp_done = true;
}

static bool tree_connect_response(struct smb_state *s, const struct smb1_rec *r, uint32_t ao,
				  uint32_t *events)
{
	struct smb_key nk = key1(r, SMB_KEY_TREE);
	struct smb_tx *tx = smb_tx_find_type(s, SMB_TX_TREECONNECT, &nk);
	if (r->status != SMB_NTSTATUS_SUCCESS) {
		if (tx != NULL) {
			tx->tree_id = r->tree_id;
			set_status1(tx, r);
			tx->resp_done = true;
		}
		return true; /* Suricata returns: no generic lookup either */
	}
	const uint8_t *p = r->data + ao;
	uint32_t n = r->len - ao;
	if (n < 5) {
		*events |= 1u << SMB_EV_MALFORMED_DATA;
		return false;
	}
	uint8_t wct = p[0];
	uint32_t pos = 5 + (wct >= 3 ? 2 : 0) + (wct == 7 ? 8 : 0) + 2;
	uint32_t slen, sused, flen, fused;
	if (pos > n || !ascii_str(p + pos, n - pos, &slen, &sused) ||
	    !ascii_str(p + pos + sused, n - pos - sused, &flen, &fused)) {
		*events |= 1u << SMB_EV_MALFORMED_DATA;
		return false;
	}
	if (tx == NULL)
		return false;
	const uint8_t *svc = p + pos;
	tx->is_pipe = slen == 3 && memcmp(svc, "IPC", 3) == 0;
	tx->tree_id = r->tree_id;
	tx->has_res_service = true;
	smb_bytes_set(&tx->res_service, svc, slen);
	tx->hdr = key1(r, SMB_KEY_HEADER);
	set_status1(tx, r);
	tx->resp_done = true;
	struct smb_key sk = key1(r, SMB_KEY_SHARE);
	struct smb_map_ent *e = smb_map_put(s, SMB_MAP_TREES, &sk, NULL, 0);
	if (e != NULL) {
		smb_bytes_set(&e->val, tx->share_name.p, tx->share_name.n);
		e->is_pipe = tx->is_pipe;
	}
	return true;
}

static uint32_t filetime_unix(uint64_t ft)
{
	return ft > 116444736000000000ull ? (uint32_t)(ft / 10000000 - 11644473600ull) : 0;
}

static bool create_response(struct smb_state *s, const struct smb1_rec *r, uint32_t ao,
			    uint32_t *events)
{
	if (r->status != SMB_NTSTATUS_SUCCESS)
		return false;
	const uint8_t *p = r->data + ao;
	uint32_t n = r->len - ao;
	if (n < 71 || (p[0] == 42 && n < 103)) {
		*events |= 1u << SMB_EV_MALFORMED_DATA;
		return false;
	}
	const uint8_t *fid = p + 6;
	struct smb_key nk = key1(r, SMB_KEY_FILENAME);
	struct smb_map_ent *e = smb_map_find(s, SMB_MAP_NAMES, &nk);
	if (e != NULL) {
		struct smb_bytes name = {0};
		smb_bytes_set_nonul(&name, e->val.p, e->val.n);
		smb_map_del(s, SMB_MAP_NAMES, e);
		uint8_t ffid[6];
		frankenfid(fid, r->user_id, ffid);
		struct smb_map_ent *g = smb_map_put(s, SMB_MAP_GUIDS, NULL, ffid, 6);
		if (g != NULL) {
			smb_bytes_free(&g->val);
			g->val = name;
		} else {
			smb_bytes_free(&name);
		}
	}
	struct smb_key tk = key1(r, SMB_KEY_GENERICTX);
	struct smb_tx *tx = smb_tx_find_generic(s, 1, SMB1_NT_CREATE_ANDX, &tk);
	if (tx != NULL) {
		smb_tx_set_status(tx, r->status, false);
		tx->resp_done = true;
		if (tx->type == SMB_TX_CREATE) {
			tx->create_ts = filetime_unix(smb_le64(p + 12));
			tx->last_access_ts = filetime_unix(smb_le64(p + 20));
			tx->last_write_ts = filetime_unix(smb_le64(p + 28));
			tx->last_change_ts = filetime_unix(smb_le64(p + 36));
			/* Suricata's parser takes the allocation size here */
			tx->size = smb_le64(p + 48);
			smb_bytes_set(&tx->guid, fid, 2);
			tx->create_action = smb_le32(p + 8);
		}
	}
	return true;
}

static void trans_response(struct smb_state *s, const struct smb1_rec *r)
{
	const uint8_t *p = r->data;
	uint32_t n = r->len;
	uint32_t events = 0;
	const uint8_t *data = NULL;
	uint32_t dlen = 0;
	bool ok = false;
	if (n >= 1 && p[0] == 0) {
		ok = n >= 3;
	} else if (n >= 24) {
		uint8_t wct = p[0];
		uint16_t dcnt = smb_le16(p + 13), doff = smb_le16(p + 15);
		uint32_t pos = 24;
		uint32_t fixed = 36u + 2u * wct;
		if (doff > fixed)
			pos += doff - fixed;
		if (pos <= n && dcnt <= n - pos) {
			data = p + pos;
			dlen = dcnt;
			ok = true;
		}
	}
	if (!ok) {
		events |= 1u << SMB_EV_MALFORMED_DATA;
	} else {
		struct smb_key gk = key1(r, SMB_KEY_GUID);
		struct smb_map_ent *e = smb_map_find(s, SMB_MAP_NAMES, &gk);
		uint8_t fid[2] = {0};
		bool have_fid = false;
		if (e != NULL) {
			memcpy(fid, e->val.p, e->val.n < 2 ? e->val.n : 2);
			have_fid = e->val.n >= 2;
			smb_map_del(s, SMB_MAP_NAMES, e);
		}
		uint8_t ffid[6];
		frankenfid(fid, r->user_id, ffid);
		if (have_fid && r->status != SMB_NTSTATUS_BUFFER_OVERFLOW &&
		    smb_guid_is_dcerpc(s, ffid, 6)) {
			struct smb_key hk = key1(r, SMB_KEY_HEADER);
			smb_pipe_read(s, 1, SMB1_TRANS, r->status, &hk, fid, 2, data, dlen);
		}
	}
	response_generic(s, r, events);
}

static void response_one(struct smb_state *s, const struct smb1_rec *r, uint8_t cmd, uint32_t ao)
{
	bool have_tx = false, sync = false;
	uint32_t events = 0;
	switch (cmd) {
	case SMB1_READ_ANDX:
		read_response(s, r, ao, false, 0);
		have_tx = true;
		break;
	case SMB1_NEGOTIATE: have_tx = negotiate_response(s, r, &events); break;
	case SMB1_TREE_CONNECT_ANDX: have_tx = tree_connect_response(s, r, ao, &events); break;
	case SMB1_TREE_DISCONNECT: {
		struct smb_key k = key1(r, SMB_KEY_SHARE);
		struct smb_map_ent *e = smb_map_find(s, SMB_MAP_TREES, &k);
		if (e != NULL)
			smb_map_del(s, SMB_MAP_TREES, e);
		break;
	}
	case SMB1_NT_CREATE_ANDX: have_tx = create_response(s, r, ao, &events); break;
	case SMB1_CLOSE: {
		struct smb_key gk = key1(r, SMB_KEY_GUID);
		struct smb_map_ent *e = smb_map_find(s, SMB_MAP_NAMES, &gk);
		if (e != NULL) {
			uint8_t ffid[6] = {0};
			memcpy(ffid, e->val.p, e->val.n < 6 ? e->val.n : 6);
			smb_map_del(s, SMB_MAP_NAMES, e);
			close_file(s, ffid, APP_TOCLIENT);
		}
		break;
	}
	case SMB1_TRANS:
		trans_response(s, r);
		have_tx = true;
		break;
	case SMB1_SESSION_SETUP_ANDX:
		session_setup_response(s, r, ao);
		have_tx = true;
		break;
	case SMB1_LOGOFF_ANDX: sync = true; break;
	default: break;
	}
	if (have_tx)
		return;
	if (sync) {
		struct smb_tx *tx = s->n_txs > 0 ? s->txs[s->n_txs - 1] : NULL;
		if (tx != NULL && tx->ver == 1 && tx->cmd1 == cmd) {
			tx->resp_done = true;
			set_status1(tx, r);
			tx->events |= events;
		}
		return;
	}
	if (!check_tx(cmd))
		return;
	struct smb_key k = smb_key_make(SMB_KEY_GENERICTX, r->user_id, r->tree_id, r->mid);
	struct smb_tx *tx = smb_tx_find_generic(s, 1, cmd, &k);
	if (tx == NULL)
		return;
	tx->req_done = tx->resp_done = true;
	set_status1(tx, r);
	tx->events |= events;
}

/* ------------------------------------------------------------ entry points */

/* The next AndX command after the one at `ao` (offsets into r->data);
 * false at the end of the chain. */
static bool andx_next(const struct smb1_rec *r, uint8_t cmd, uint32_t *ao, uint8_t *next)
{
	if (!is_andx(cmd) || r->len - *ao < 5)
		return false;
	const uint8_t *p = r->data + *ao;
	uint8_t c = p[1];
	uint32_t off = smb_le16(p + 3);
	if (c == SMB1_NONE || off <= *ao + SMB1_HDR_LEN || off - SMB1_HDR_LEN >= r->len)
		return false;
	*ao = off - SMB1_HDR_LEN;
	*next = c;
	return true;
}

bool smb1_record(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct smb1_rec r;
	if (!parse_hdr(d, n, &r))
		return false;
	bool response = (r.flags & 0x80) != 0;
	if (dir == APP_TOSERVER && response) {
		smb_set_event(s, SMB_EV_RESPONSE_TO_SERVER);
		return true;
	}
	if (dir == APP_TOCLIENT && !response) {
		smb_set_event(s, SMB_EV_REQUEST_TO_CLIENT);
		return true;
	}
	uint32_t ao = 0;
	uint8_t cmd = r.cmd;
	for (int guard = 0; guard < 64; guard++) {
		if (dir == APP_TOSERVER)
			request_one(s, &r, cmd, ao);
		else
			response_one(s, &r, cmd, ao);
		if (!andx_next(&r, cmd, &ao, &cmd))
			break;
	}
	return true;
}

bool smb1_partial(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
		  uint32_t rec_len)
{
	struct smb1_rec r;
	if (!parse_hdr(d, n, &r))
		return false;
	uint32_t rec_left = rec_len - n;
	struct smb_key tk = key1(&r, SMB_KEY_SHARE);
	struct smb_map_ent *t = smb_map_find(s, SMB_MAP_TREES, &tk);
	if (t != NULL && t->is_pipe)
		return false; /* pipes are parsed from whole records */
	bool response = (r.flags & 0x80) != 0;
	if (dir == APP_TOSERVER && !response && r.cmd == SMB1_WRITE_ANDX) {
		write_request(s, &r, 0, SMB1_WRITE_ANDX, true, rec_left);
		return true;
	}
	if (dir == APP_TOCLIENT && response && r.cmd == SMB1_READ_ANDX) {
		read_response(s, &r, 0, true, rec_left);
		return true;
	}
	return false;
}
