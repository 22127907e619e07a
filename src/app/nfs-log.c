/*
 * nfs-log.c — the EVE "rpc" and "nfs" objects, as Suricata 8's NFS logger
 * writes them (rust/src/nfs/log.rs) for a transaction in IDS mode: the
 * RPC reply's xid, status, auth type and (AUTH_UNIX) credentials, then
 * the NFS version (the flow's), procedure, file name, a CRC-32 of the
 * file handle ("hhash"), the 1-based id, whether it is a file
 * transaction, "type": "response", the NFS status and, for NFSv2/v3, the
 * READ / WRITE file details or the RENAME names.
 */
#include <stdio.h>

#include "app/nfs.h"
#include "util/json.h"

/* CRC-32 (IEEE 802.3, reflected), as Suricata hashes the file handle. */
static uint32_t crc32_ieee(const uint8_t *d, uint32_t n)
{
	uint32_t c = 0xffffffffu;
	for (uint32_t i = 0; i < n; i++) {
		c ^= d[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return c ^ 0xffffffffu;
}

static void put_bytes(struct json *j, const char *key, const struct nfs_bytes *b)
{
	json_strn(j, key, b->p ? b->p : (const uint8_t *)"", b->len);
}

static const char *auth_name(uint32_t a, char *buf, size_t len)
{
	static const char *const names[] = {"NULL", "UNIX", "SHORT", "DH", "KERB", "RSA", "GSS"};
	if (a < sizeof(names) / sizeof(names[0]))
		return names[a];
	snprintf(buf, len, "%u", a);
	return buf;
}

static void put_rpc(struct json *j, const struct nfs_tx *tx)
{
	char buf[16];
	json_open_object(j, "rpc");
	json_uint(j, "xid", tx->xid);
	if (tx->rpc_status <= 1)
		json_str(j, "status", tx->rpc_status == 0 ? "ACCEPTED" : "DENIED");
	else {
		snprintf(buf, sizeof(buf), "%u", tx->rpc_status);
		json_str(j, "status", buf);
	}
	json_str(j, "auth_type", auth_name(tx->auth_type, buf, sizeof(buf)));
	if (tx->auth_type == 1) {
		json_open_object(j, "creds");
		put_bytes(j, "machine_name", &tx->machine_name);
		json_uint(j, "uid", tx->uid);
		json_uint(j, "gid", tx->gid);
		json_close_object(j);
	}
	json_close_object(j);
}

void nfs_tx_log_json(struct json *j, const struct nfs_state *s, const struct nfs_tx *tx)
{
	char buf[16];
	uint16_t version = nfs_state_version(s);
	put_rpc(j, tx);
	json_open_object(j, "nfs");
	json_uint(j, "version", version);
	json_str(j, "procedure", nfs_procedure_name(version, tx->procedure, buf, sizeof(buf)));
	put_bytes(j, "filename", &tx->file_name);
	if (tx->file_handle.len > 0) {
		char h[16];
		snprintf(h, sizeof(h), "%x", crc32_ieee(tx->file_handle.p, tx->file_handle.len));
		json_str(j, "hhash", h);
	}
	json_uint(j, "id", tx->id + 1);
	json_bool(j, "file_tx", tx->is_file_tx);
	json_str(j, "type", "response");
	json_str(j, "status", nfs_status_name(tx->nfs_status, buf, sizeof(buf)));
	if (version <= 3) {
		const char *obj = NULL;
		if (tx->procedure == 6 && (version == 3 || version == 2))
			obj = "read";
		else if (tx->procedure == 7 && version == 3)
			obj = "write";
		if (obj != NULL) {
			json_open_object(j, obj);
			json_bool(j, "first", tx->is_first);
			json_bool(j, "last", tx->is_last);
			if (tx->is_file_tx) {
				json_uint(j, "last_xid", tx->file_last_xid);
				json_uint(j, "chunks", tx->chunk_count);
			}
			json_close_object(j);
		} else if (tx->procedure == 14 && version == 3) {
			json_open_object(j, "rename");
			put_bytes(j, "from", &tx->file_name);
			put_bytes(j, "to", &tx->rename_to);
			json_close_object(j);
		}
	}
	json_close_object(j);
}
