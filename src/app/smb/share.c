/*
 * smb/share.c — what an SMB transaction did on its share, for behaviour
 * detection (struct app_share_op, app/app.h; read by detect/ransomware.c
 * through the descriptor's tx_share_op as transactions are logged):
 *
 *   OPEN    a successful create: the name, whether the file was created
 *           (CreateAction FILE_CREATED) and whether it is a directory;
 *   WRITE   a file written (a to-server file transaction): its size and
 *           its first bytes (app/file.h's head);
 *   RENAME  old and new name;
 *   DELETE  a set-info / trans2 delete on close;
 *   RPC     a named-pipe DCERPC call (interface, opnum, stub), as the
 *           DCERPC parser gives it (dcerpc_tx_share_op).
 *
 * The share is the tree's name as the client connected to it, looked up
 * by the transaction's session and tree (SMB1 file transactions carry it
 * themselves).  Names are SMB's with NUL bytes removed, as logged.  All
 * pointers are views into the state, valid while the transaction lives.
 */
#include "app/smb/internal.h"

#include <string.h>

#include "app/dcerpc.h"

#define FILE_CREATED 2u

/* The share name of the transaction's tree (empty when unknown). */
static void op_share(const struct smb_state *s, const struct smb_tx *tx, struct app_share_op *out)
{
	out->share = NULL;
	out->share_len = 0;
	if (tx->type == SMB_TX_FILE && tx->share_name.n > 0) {
		out->share = tx->share_name.p;
		out->share_len = tx->share_name.n;
		return;
	}
	struct smb_key k = smb_key_make(SMB_KEY_SHARE, tx->hdr.ssn_id, tx->hdr.tree_id, 0);
	const struct smb_map *m = &s->maps[SMB_MAP_TREES];
	for (uint32_t i = 0; i < m->n; i++)
		if (smb_key_eq(&m->v[i].key, &k)) {
			out->share = m->v[i].val.p;
			out->share_len = m->v[i].val.n;
			return;
		}
}

static void path(const struct smb_bytes *b, const uint8_t **p, uint32_t *n)
{
	*p = b->p;
	*n = b->n;
}

bool smb_tx_share_op(const struct smb_state *s, const struct smb_tx *tx, struct app_share_op *out)
{
	memset(out, 0, sizeof(*out));
	switch (tx->type) {
	case SMB_TX_CREATE:
		if (!tx->status_set || tx->status_dos || tx->status != SMB_NTSTATUS_SUCCESS)
			return false;
		out->kind = APP_SHARE_OPEN;
		path(&tx->op_path, &out->path, &out->path_len);
		out->created = tx->create_action == FILE_CREATED;
		out->is_dir = tx->directory;
		break;
	case SMB_TX_FILE:
		if (tx->file.dir != APP_TOSERVER || tx->file.state == APP_FILE_NONE)
			return false;
		out->kind = APP_SHARE_WRITE;
		path(&tx->filename, &out->path, &out->path_len);
		out->bytes = tx->file.size;
		out->sample = app_file_head(&tx->file, &out->sample_len);
		break;
	case SMB_TX_RENAME:
		out->kind = APP_SHARE_RENAME;
		path(&tx->oldname, &out->path, &out->path_len);
		path(&tx->newname, &out->new_path, &out->new_path_len);
		break;
	case SMB_TX_SETFILEPATHINFO:
		if (!tx->delete_on_close)
			return false;
		out->kind = APP_SHARE_DELETE;
		path(&tx->filename, &out->path, &out->path_len);
		break;
	case SMB_TX_DCERPC: {
		const struct dcerpc_tx *d = smb_tx_dcerpc(tx);
		if (d == NULL || !dcerpc_tx_share_op(d, out))
			return false;
		break;
	}
	default: return false;
	}
	op_share(s, tx, out);
	return true;
}
