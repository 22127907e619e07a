/*
 * smb/log.c — the EVE "smb" object of a transaction, member names and
 * order as Suricata 8 writes them (rust/src/smb/log.rs): id (counted from
 * 1), dialect, command, status and status_code, session_id, tree_id, then
 * what the transaction's type carries.  Strings are written as Rust's
 * from_utf8_lossy would make them (an invalid sequence becomes U+FFFD).
 */
#include "app/smb/internal.h"

#include <stdio.h>
#include <string.h>

#include "app/dcerpc.h"
#include "util/json.h"

/* ------------------------------------------------------------ NT status */

static const struct {
	uint32_t code;
	const char *name;
} nt_names[] = {
    {0x00000000, "STATUS_SUCCESS"},
    {0x00000103, "STATUS_PENDING"},
    {0x00000104, "STATUS_REPARSE"},
    {0x0000010b, "STATUS_NOTIFY_CLEANUP"},
    {0x0000010c, "STATUS_NOTIFY_ENUM_DIR"},
    {0x80000005, "STATUS_BUFFER_OVERFLOW"},
    {0x80000006, "STATUS_NO_MORE_FILES"},
    {0x8000001a, "STATUS_NO_MORE_ENTRIES"},
    {0xc0000001, "STATUS_UNSUCCESSFUL"},
    {0xc0000002, "STATUS_NOT_IMPLEMENTED"},
    {0xc0000003, "STATUS_INVALID_INFO_CLASS"},
    {0xc0000004, "STATUS_INFO_LENGTH_MISMATCH"},
    {0xc0000005, "STATUS_ACCESS_VIOLATION"},
    {0xc0000008, "STATUS_INVALID_HANDLE"},
    {0xc000000d, "STATUS_INVALID_PARAMETER"},
    {0xc000000e, "STATUS_NO_SUCH_DEVICE"},
    {0xc000000f, "STATUS_NO_SUCH_FILE"},
    {0xc0000010, "STATUS_INVALID_DEVICE_REQUEST"},
    {0xc0000011, "STATUS_END_OF_FILE"},
    {0xc0000016, "STATUS_MORE_PROCESSING_REQUIRED"},
    {0xc0000022, "STATUS_ACCESS_DENIED"},
    {0xc0000023, "STATUS_BUFFER_TOO_SMALL"},
    {0xc0000024, "STATUS_OBJECT_TYPE_MISMATCH"},
    {0xc0000033, "STATUS_OBJECT_NAME_INVALID"},
    {0xc0000034, "STATUS_OBJECT_NAME_NOT_FOUND"},
    {0xc0000035, "STATUS_OBJECT_NAME_COLLISION"},
    {0xc0000039, "STATUS_OBJECT_PATH_INVALID"},
    {0xc000003a, "STATUS_OBJECT_PATH_NOT_FOUND"},
    {0xc000003b, "STATUS_OBJECT_PATH_SYNTAX_BAD"},
    {0xc0000043, "STATUS_SHARING_VIOLATION"},
    {0xc0000054, "STATUS_FILE_LOCK_CONFLICT"},
    {0xc0000055, "STATUS_LOCK_NOT_GRANTED"},
    {0xc0000056, "STATUS_DELETE_PENDING"},
    {0xc000005f, "STATUS_NO_SUCH_LOGON_SESSION"},
    {0xc0000061, "STATUS_PRIVILEGE_NOT_HELD"},
    {0xc000006a, "STATUS_WRONG_PASSWORD"},
    {0xc000006d, "STATUS_LOGON_FAILURE"},
    {0xc000006e, "STATUS_ACCOUNT_RESTRICTION"},
    {0xc000006f, "STATUS_INVALID_LOGON_HOURS"},
    {0xc0000070, "STATUS_INVALID_WORKSTATION"},
    {0xc0000071, "STATUS_PASSWORD_EXPIRED"},
    {0xc0000072, "STATUS_ACCOUNT_DISABLED"},
    {0xc000007f, "STATUS_DISK_FULL"},
    {0xc000009a, "STATUS_INSUFFICIENT_RESOURCES"},
    {0xc00000b5, "STATUS_IO_TIMEOUT"},
    {0xc00000ba, "STATUS_FILE_IS_A_DIRECTORY"},
    {0xc00000bb, "STATUS_NOT_SUPPORTED"},
    {0xc00000c9, "STATUS_NETWORK_NAME_DELETED"},
    {0xc00000cc, "STATUS_BAD_NETWORK_NAME"},
    {0xc00000d0, "STATUS_REQUEST_NOT_ACCEPTED"},
    {0xc0000101, "STATUS_DIRECTORY_NOT_EMPTY"},
    {0xc0000103, "STATUS_NOT_A_DIRECTORY"},
    {0xc0000120, "STATUS_CANCELLED"},
    {0xc0000128, "STATUS_FILE_CLOSED"},
    {0xc000014b, "STATUS_PIPE_BROKEN"},
    {0xc0000184, "STATUS_INVALID_DEVICE_STATE"},
    {0xc000019c, "STATUS_FS_DRIVER_REQUIRED"},
    {0xc0000193, "STATUS_ACCOUNT_EXPIRED"},
    {0xc00001ad, "STATUS_INSUFFICIENT_VIRTUAL_MEMORY"},
    {0xc0000203, "STATUS_USER_SESSION_DELETED"},
    {0xc0000224, "STATUS_PASSWORD_MUST_CHANGE"},
    {0xc0000225, "STATUS_NOT_FOUND"},
    {0xc0000234, "STATUS_ACCOUNT_LOCKED_OUT"},
    {0xc0000257, "STATUS_PATH_NOT_COVERED"},
    {0xc000035c, "STATUS_NETWORK_SESSION_EXPIRED"},
    {0xc000a100, "STATUS_HASH_NOT_SUPPORTED"},
    {0xc000a101, "STATUS_HASH_NOT_PRESENT"},
};

const char *smb_ntstatus_name(uint32_t status)
{
	for (size_t i = 0; i < sizeof(nt_names) / sizeof(nt_names[0]); i++)
		if (nt_names[i].code == status)
			return nt_names[i].name;
	return NULL;
}

static const char *dos_error_name(uint16_t c)
{
	static const char *const n[] = {"DOS_SUCCESS",
					"DOS_BAD_FUNC",
					"DOS_BAD_FILE",
					"DOS_BAD_PATH",
					"DOS_TOO_MANY_OPEN_FILES",
					"DOS_ACCESS_DENIED"};
	return c < 6 ? n[c] : NULL;
}

static const char *srv_error_name(uint16_t c)
{
	switch (c) {
	case 1: return "SRV_ERROR";
	case 2: return "SRV_BADPW";
	case 3: return "SRV_BADTYPE";
	case 4: return "SRV_ACCESS";
	case 91: return "SRV_BADUID";
	default: return NULL;
	}
}

static const struct {
	uint32_t code;
	const char *name;
} fsctl_names[] = {
    {0x00060194, "FSCTL_DFS_GET_REFERRALS"},
    {0x000601b0, "FSCTL_DFS_GET_REFERRALS_EX"},
    {0x00090000, "FSCTL_REQUEST_OPLOCK_LEVEL_1"},
    {0x00090004, "FSCTL_REQUEST_OPLOCK_LEVEL_2"},
    {0x00090008, "FSCTL_REQUEST_BATCH_OPLOCK"},
    {0x0009000c, "FSCTL_OPLOCK_BREAK_ACKNOWLEDGE"},
    {0x00090018, "FSCTL_LOCK_VOLUME"},
    {0x0009001c, "FSCTL_UNLOCK_VOLUME"},
    {0x00090028, "FSCTL_IS_VOLUME_MOUNTED"},
    {0x0009003c, "FSCTL_GET_COMPRESSION"},
    {0x00090060, "FSCTL_FILESYSTEM_GET_STATISTICS"},
    {0x00090064, "FSCTL_GET_NTFS_VOLUME_DATA"},
    {0x00090068, "FSCTL_GET_NTFS_FILE_RECORD"},
    {0x0009006f, "FSCTL_GET_VOLUME_BITMAP"},
    {0x00090073, "FSCTL_GET_RETRIEVAL_POINTERS"},
    {0x00090074, "FSCTL_MOVE_FILE"},
    {0x00090078, "FSCTL_IS_VOLUME_DIRTY"},
    {0x0009009c, "FSCTL_GET_OBJECT_ID"},
    {0x000900a4, "FSCTL_SET_REPARSE_POINT"},
    {0x000900a8, "FSCTL_GET_REPARSE_POINT"},
    {0x000900c0, "FSCTL_CREATE_OR_GET_OBJECT_ID"},
    {0x000900c4, "FSCTL_SET_SPARSE"},
    {0x0009027c, "FSCTL_GET_INTEGRITY_INFORMATION"},
    {0x00090284, "FSCTL_QUERY_FILE_REGIONS"},
    {0x000940cf, "FSCTL_QUERY_ALLOCATED_RANGES"},
    {0x00094264, "FSCTL_OFFLOAD_READ"},
    {0x00098098, "FSCTL_SET_OBJECT_ID"},
    {0x000980a0, "FSCTL_DELETE_OBJECT_ID"},
    {0x000980a4, "FSCTL_SET_REPARSE_POINT"},
    {0x000980ac, "FSCTL_DELETE_REPARSE_POINT"},
    {0x000980c8, "FSCTL_SET_ZERO_DATA"},
    {0x00098208, "FSCTL_FILE_LEVEL_TRIM"},
    {0x00098268, "FSCTL_OFFLOAD_WRITE"},
    {0x0009c040, "FSCTL_SET_COMPRESSION"},
    {0x0009c280, "FSCTL_SET_INTEGRITY_INFORMATION"},
    {0x00110018, "FSCTL_PIPE_WAIT"},
    {0x0011400c, "FSCTL_PIPE_PEEK"},
    {0x0011c017, "FSCTL_PIPE_TRANSCEIVE"},
    {0x00140078, "FSCTL_SRV_REQUEST_RESUME_KEY"},
    {0x001401d4, "FSCTL_LMR_REQUEST_RESILIENCY"},
    {0x001401fc, "FSCTL_QUERY_NETWORK_INTERFACE_INFO"},
    {0x00140200, "FSCTL_VALIDATE_NEGOTIATE_INFO_224"},
    {0x00140204, "FSCTL_VALIDATE_NEGOTIATE_INFO"},
    {0x00144064, "FSCTL_SRV_ENUMERATE_SNAPSHOTS"},
    {0x001440f2, "FSCTL_SRV_COPYCHUNK"},
    {0x001441bb, "FSCTL_SRV_READ_HASH"},
    {0x001480f2, "FSCTL_SRV_COPYCHUNK_WRITE"},
};

/* ------------------------------------------------------------ strings */

/* Length of the valid UTF-8 sequence at s (0: invalid); *maximal: the
 * bytes that form the longest prefix of a valid sequence (one U+FFFD). */
static uint32_t utf8_len(const uint8_t *s, uint32_t n, uint32_t *maximal)
{
	uint8_t c = s[0];
	uint32_t need;
	uint8_t lo = 0x80, hi = 0xbf;
	*maximal = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	for (uint32_t i = 1; i <= need; i++) {
		if (i >= n)
			return 0;
		uint8_t b = s[i];
		uint8_t l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xbf;
		if (b < l || b > h)
			return 0;
		*maximal = i + 1;
	}
	return need + 1;
}

static void json_lossy(struct json *j, const char *key, const uint8_t *p, uint32_t n)
{
	static const uint8_t repl[3] = {0xef, 0xbf, 0xbd};
	json_str_open(j, key);
	uint32_t i = 0, start = 0;
	while (i < n) {
		uint32_t maximal;
		uint32_t l = utf8_len(p + i, n - i, &maximal);
		if (l > 0) {
			i += l;
			continue;
		}
		json_append_escaped(j, p + start, i - start);
		json_append_escaped(j, repl, 3);
		i += maximal;
		start = i;
	}
	if (n > start)
		json_append_escaped(j, p + start, n - start);
	json_str_close(j);
}

static void json_bytes(struct json *j, const char *key, const struct smb_bytes *b)
{
	json_lossy(j, key, b->p, b->n);
}

/* Without NUL bytes, or `empty` when nothing is left. */
static void json_name_nonul(struct json *j, const char *key, const struct smb_bytes *b,
			    const char *empty)
{
	uint8_t tmp[SMB_STR_MAX];
	uint32_t k = 0;
	for (uint32_t i = 0; i < b->n; i++)
		if (b->p[i] != 0)
			tmp[k++] = b->p[i];
	if (k == 0 && empty != NULL)
		json_str(j, key, empty);
	else
		json_lossy(j, key, tmp, k);
}

static void guid_str(const uint8_t *g, char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[9], g[8], g[11], g[10], g[15],
		 g[14], g[13], g[12]);
}

static void json_guid(struct json *j, const char *key, const struct smb_bytes *b)
{
	char s[37] = "";
	if (b->n == 16)
		guid_str(b->p, s);
	json_str(j, key, s);
}

static void json_fuid(struct json *j, const char *key, const struct smb_bytes *b)
{
	char s[37] = "";
	if (b->n == 16)
		guid_str(b->p, s);
	else if (b->n == 2 || b->n == 6)
		snprintf(s, sizeof(s), "%02x%02x", b->p[1], b->p[0]);
	json_str(j, key, s);
}

/* ------------------------------------------------------------ members */

static void log_status(struct json *j, const struct smb_tx *tx)
{
	char buf[32];
	if (!tx->status_set)
		return;
	if (!tx->status_dos) {
		const char *n = smb_ntstatus_name(tx->status);
		if (n == NULL) {
			snprintf(buf, sizeof(buf), "%u", tx->status);
			n = buf;
		}
		json_str(j, "status", n);
		snprintf(buf, sizeof(buf), "0x%x", tx->status);
		json_str(j, "status_code", buf);
		return;
	}
	uint16_t code = (uint16_t)tx->status;
	const char *n = tx->err_class == 1   ? dos_error_name(code)
			: tx->err_class == 2 ? srv_error_name(code)
					     : NULL;
	if (n == NULL) {
		if (tx->err_class == 1 || tx->err_class == 2)
			snprintf(buf, sizeof(buf), "%u", code);
		else
			snprintf(buf, sizeof(buf), "UNKNOWN_%02x_%04x", tx->err_class, code);
		n = buf;
	}
	json_str(j, "status", n);
	snprintf(buf, sizeof(buf), "0x%04x", code);
	json_str(j, "status_code", buf);
}

static void log_session_setup(struct json *j, const struct smb_tx *tx)
{
	if (tx->has_ntlmssp) {
		const struct smb_ntlmssp *n = &tx->ntlmssp;
		json_open_object(j, "ntlmssp");
		json_bytes(j, "domain", &n->domain);
		json_bytes(j, "user", &n->user);
		json_bytes(j, "host", &n->host);
		if (n->has_version) {
			char v[64];
			snprintf(v, sizeof(v), "%u.%u build %u rev %u", n->ver_major, n->ver_minor,
				 n->ver_build, n->ver_rev);
			json_str(j, "version", v);
		}
		json_close_object(j);
	}
	if (tx->has_krb) {
		json_open_object(j, "kerberos");
		json_bytes(j, "realm", &tx->krb.realm);
		json_open_array(j, "snames");
		for (uint32_t i = 0; i < tx->krb.n_snames; i++)
			json_bytes(j, NULL, &tx->krb.snames[i]);
		json_close_array(j);
		json_close_object(j);
	}
	if (tx->has_req_host) {
		json_open_object(j, "request");
		json_bytes(j, "native_os", &tx->req_native_os);
		json_bytes(j, "native_lm", &tx->req_native_lm);
		json_close_object(j);
	}
	if (tx->has_resp_host) {
		json_open_object(j, "response");
		json_bytes(j, "native_os", &tx->resp_native_os);
		json_bytes(j, "native_lm", &tx->resp_native_lm);
		json_close_object(j);
	}
}

static void log_create(struct json *j, const struct smb_tx *tx)
{
	bool empty = true;
	for (uint32_t i = 0; i < tx->filename.n; i++)
		empty &= tx->filename.p[i] == 0;
	/* a name of NULs only (or none) is the share's root, as Bro names it */
	if (empty)
		json_str(j, "filename", "<share_root>");
	else
		json_name_nonul(j, tx->directory ? "directory" : "filename", &tx->filename, NULL);
	static const char *const disp[] = {"FILE_SUPERSEDE", "FILE_OPEN",      "FILE_CREATE",
					   "FILE_OPEN_IF",   "FILE_OVERWRITE", "FILE_OVERWRITE_IF"};
	json_str(j, "disposition", tx->disposition < 6 ? disp[tx->disposition] : "UNKNOWN");
	json_str(j, "access", tx->delete_on_close ? "delete on close" : "normal");
	json_uint(j, "created", tx->create_ts);
	json_uint(j, "accessed", tx->last_access_ts);
	json_uint(j, "modified", tx->last_write_ts);
	json_uint(j, "changed", tx->last_change_ts);
	json_uint(j, "size", tx->size);
	json_fuid(j, "fuid", &tx->guid);
}

static void log_negotiate(struct json *j, const struct smb_state *s, const struct smb_tx *tx)
{
	if (tx->neg_ver == 1 || tx->neg_ver == 2) {
		json_open_array(j, "client_dialects");
		for (uint32_t i = 0; i < tx->n_dialects; i++)
			json_bytes(j, NULL, &tx->dialects[i]);
		json_close_array(j);
	}
	if (tx->has_client_guid) {
		char g[37];
		guid_str(tx->client_guid, g);
		json_str(j, "client_guid", g);
	}
	json_guid(j, "server_guid", &tx->server_guid);
	if (smb_state_max_read_size(s) > 0)
		json_uint(j, "max_read_size", smb_state_max_read_size(s));
	if (smb_state_max_write_size(s) > 0)
		json_uint(j, "max_write_size", smb_state_max_write_size(s));
}

static void log_tree_connect(struct json *j, const struct smb_tx *tx)
{
	json_bytes(j, tx->is_pipe ? "named_pipe" : "share", &tx->share_name);
	if (tx->ver == 1) {
		json_open_object(j, "service");
		if (tx->has_req_service)
			json_bytes(j, "request", &tx->req_service);
		if (tx->has_res_service)
			json_bytes(j, "response", &tx->res_service);
		json_close_object(j);
		return;
	}
	static const char *const types[] = {"UNKNOWN", "FILE", "PIPE", "PRINT"};
	json_str(j, "share_type", tx->share_type <= 3 ? types[tx->share_type] : "UNKNOWN");
}

static void log_setfilepathinfo(struct json *j, const struct smb_tx *tx)
{
	json_name_nonul(j, "filename", &tx->filename, "<share_root>");
	json_str(j, "access", tx->delete_on_close ? "delete on close" : "normal");
	if (tx->subcmd == 8)
		json_str(j, "subcmd", "SET_FILE_INFO");
	else if (tx->subcmd == 6)
		json_str(j, "subcmd", "SET_PATH_INFO");
	if (tx->loi == 1013)
		json_str(j, "level_of_interest", "Set Disposition Information");
	json_fuid(j, "fuid", &tx->guid);
}

static void log_ioctl(struct json *j, const struct smb_tx *tx)
{
	for (size_t i = 0; i < sizeof(fsctl_names) / sizeof(fsctl_names[0]); i++)
		if (fsctl_names[i].code == tx->ioctl_func) {
			json_str(j, "function", fsctl_names[i].name);
			return;
		}
	char b[16];
	snprintf(b, sizeof(b), "%u", tx->ioctl_func);
	json_str(j, "function", b);
}

static void log_iface(struct json *j, const struct dcerpc_iface *ifc, bool acks)
{
	char u[37], v[16];
	json_open_object(j, NULL);
	dcerpc_uuid_str(ifc->uuid, u);
	json_str(j, "uuid", u);
	snprintf(v, sizeof(v), "%u.%u", ifc->ver, ifc->ver_minor);
	json_str(j, "version", v);
	if (acks && ifc->acked) {
		json_uint(j, "ack_result", ifc->ack_result);
		/* Suricata's SMB parser records the result only: its reason is 0 */
		json_uint(j, "ack_reason", 0);
	}
	json_close_object(j);
}

/* Suricata's smb logger's "dcerpc" object: request and response types
 * first, then the request's details (opnum, req, the interfaces bound to
 * its context; a bind's interfaces with their acks), the response's, and
 * the call id. */
static void log_dcerpc(struct json *j, const struct smb_tx *tx)
{
	const struct dcerpc_tx *d = smb_tx_dcerpc(tx);
	if (d == NULL) {
		if (!tx->dce_req_set)
			return;
		json_open_object(j, "dcerpc");
		json_str(j, "request", dcerpc_type_name(tx->dce_req_type));
		json_str(j, "response", "UNREPLIED");
		json_uint(j, "call_id", tx->dce_call_id);
		json_close_object(j);
		return;
	}
	bool req = d->req_seen, res = d->res_seen;
	json_open_object(j, "dcerpc");
	json_str(j, "request", req ? dcerpc_type_name(d->req_type) : "REQUEST_LOST");
	json_str(j, "response", res ? dcerpc_type_name(d->res_type) : "UNREPLIED");
	uint32_t n = 0;
	const struct dcerpc_iface *ifs = dcerpc_ifaces(d->state, &n);
	if (req && d->req_type == DCERPC_TYPE_REQUEST) {
		json_uint(j, "opnum", d->opnum);
		json_open_object(j, "req");
		json_uint(j, "frag_cnt", d->frag_cnt[APP_TOSERVER]);
		json_uint(j, "stub_data_size", d->stub_len[APP_TOSERVER]);
		json_close_object(j);
		bool open = false;
		for (uint32_t i = 0; i < n; i++) {
			if (ifs[i].ctx_id != d->ctx_id)
				continue;
			if (!open)
				json_open_array(j, "interfaces");
			open = true;
			log_iface(j, &ifs[i], false);
		}
		if (open)
			json_close_array(j);
	} else if (req && d->req_type == DCERPC_TYPE_BIND && n > 0) {
		json_open_array(j, "interfaces");
		for (uint32_t i = 0; i < n; i++)
			log_iface(j, &ifs[i], true);
		json_close_array(j);
	}
	if (res && d->res_type == DCERPC_TYPE_RESPONSE) {
		json_open_object(j, "res");
		json_uint(j, "frag_cnt", d->frag_cnt[APP_TOCLIENT]);
		/* the SMB parser's response stub starts after alloc_hint, context
		 * id and cancel count (8 bytes a fragment) */
		uint64_t hdrs = 8ull * d->frag_cnt[APP_TOCLIENT];
		json_uint(j, "stub_data_size",
			  d->stub_len[APP_TOCLIENT] > hdrs ? d->stub_len[APP_TOCLIENT] - hdrs : 0);
		json_close_object(j);
	}
	json_uint(j, "call_id", d->call_id);
	json_close_object(j);
}

void smb_tx_log_json(struct json *j, const struct smb_state *s, const struct smb_tx *tx)
{
	char buf[16];
	json_uint(j, "id", tx->id + 1);
	uint16_t d = smb_state_dialect(s);
	if (d != 0) {
		smb2_dialect_name(d, buf);
		json_str(j, "dialect", buf);
	} else {
		const struct smb_bytes *d1 = smb_state_dialect1(s);
		if (d1 == NULL) {
			json_str(j, "dialect", "unknown");
		} else {
			uint32_t maximal;
			bool valid = true;
			for (uint32_t i = 0; i < d1->n && valid;) {
				uint32_t l = utf8_len(d1->p + i, d1->n - i, &maximal);
				valid = l > 0;
				i += l;
			}
			if (valid)
				json_strn(j, "dialect", d1->p, d1->n);
			else
				json_str(j, "dialect", "invalid");
		}
	}
	if (tx->ver == 1)
		json_str(j, "command", smb1_command_name(tx->cmd1, buf));
	else if (tx->ver == 2)
		json_str(j, "command", smb2_command_name(tx->cmd2, buf));
	log_status(j, tx);
	json_uint(j, "session_id", tx->hdr.ssn_id);
	json_uint(j, "tree_id", tx->hdr.tree_id);
	switch (tx->type) {
	case SMB_TX_SESSIONSETUP: log_session_setup(j, tx); break;
	case SMB_TX_CREATE: log_create(j, tx); break;
	case SMB_TX_NEGOTIATE: log_negotiate(j, s, tx); break;
	case SMB_TX_TREECONNECT: log_tree_connect(j, tx); break;
	case SMB_TX_FILE:
		json_bytes(j, "filename", &tx->filename);
		json_bytes(j, "share", &tx->share_name);
		json_fuid(j, "fuid", &tx->guid);
		break;
	case SMB_TX_RENAME:
		if (tx->ver == 2) {
			json_open_object(j, "set_info");
			json_str(j, "class", "FILE_INFO");
			json_str(j, "info_level", "SMB2_FILE_RENAME_INFO");
			json_close_object(j);
		}
		json_open_object(j, "rename");
		json_bytes(j, "from", &tx->oldname);
		json_bytes(j, "to", &tx->newname);
		json_close_object(j);
		json_fuid(j, "fuid", &tx->guid);
		break;
	case SMB_TX_IOCTL: log_ioctl(j, tx); break;
	case SMB_TX_SETFILEPATHINFO: log_setfilepathinfo(j, tx); break;
	case SMB_TX_DCERPC: log_dcerpc(j, tx); break;
	default: break;
	}
}
