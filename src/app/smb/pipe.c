/*
 * smb/pipe.c — DCERPC over SMB named pipes (\srvsvc, \svcctl, ...): the
 * bytes SMB writes, reads and FSCTL_PIPE_TRANSCEIVE ioctls carry.
 *
 * Each pipe (file id) has its own DCERPC state (app/dcerpc.h,
 * dcerpc_state_new_pipe), fed the pipe's bytes per direction.  An SMB
 * transaction of type DCERPC stands for one DCERPC call (bind and
 * bind_ack, request and response): made when the call's first PDU is
 * written, completed when its answer is read, as Suricata's smb/dcerpc.rs
 * does; its EVE "dcerpc" object and the dcerpc keywords come from the
 * DCERPC transaction.  Bytes that are not DCERPC make no transaction (as
 * Suricata's); a PDU that makes no DCERPC call (AUTH3) is logged by type.  At most SMB_MAX_PIPES
 * pipes per flow (more are counted as evictions and their bytes not parsed).
 */
#include "app/smb/internal.h"

#include <stdlib.h>
#include <string.h>

#include "app/dcerpc.h"

struct smb_pipe {
	uint8_t guid[16];
	uint32_t guid_len;
	struct dcerpc_state *dce;
	bool failed[2]; /* the DCERPC parser gave this direction up */
};

static struct smb_pipe *pipe_get(struct smb_state *s, const uint8_t *guid, uint32_t n)
{
	if (n > 16)
		n = 16;
	for (uint32_t i = 0; i < s->n_pipes; i++)
		if (s->pipes[i].guid_len == n && memcmp(s->pipes[i].guid, guid, n) == 0)
			return &s->pipes[i];
	if (s->pipes == NULL) {
		s->pipes = calloc(SMB_MAX_PIPES, sizeof(*s->pipes));
		if (s->pipes == NULL)
			return NULL;
	}
	if (s->n_pipes == SMB_MAX_PIPES) {
		s->lim.map_evictions++;
		return NULL;
	}
	struct smb_pipe *p = &s->pipes[s->n_pipes];
	memset(p, 0, sizeof(*p));
	p->dce = dcerpc_state_new_pipe();
	if (p->dce == NULL)
		return NULL;
	memcpy(p->guid, guid, n);
	p->guid_len = n;
	s->n_pipes++;
	return p;
}

/* The pipe's DCERPC transaction the bytes just parsed went to. */
static const struct dcerpc_tx *pipe_feed(struct smb_pipe *p, enum app_dir dir, const uint8_t *d,
					 uint32_t n)
{
	if (p == NULL || p->failed[dir] || n == 0)
		return NULL;
	if (dcerpc_parse(p->dce, dir, d, n, 0) != APP_PARSE_OK) {
		p->failed[dir] = true;
		return NULL;
	}
	return dcerpc_last_tx(p->dce, dir);
}

static struct smb_tx *find_call(struct smb_state *s, const struct smb_pipe *p, uint64_t dce_id)
{
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct smb_tx *tx = s->txs[i];
		if (tx->type == SMB_TX_DCERPC && tx->pipe == p && tx->dce_tx_id == dce_id)
			return tx;
	}
	return NULL;
}

void smb_pipe_write(struct smb_state *s, uint8_t ver, uint16_t cmd, const struct smb_key *hdr,
		    const uint8_t *guid, uint32_t guid_len, const uint8_t *d, uint32_t n)
{
	struct smb_pipe *p = pipe_get(s, guid, guid_len);
	const struct dcerpc_tx *dtx = pipe_feed(p, APP_TOSERVER, d, n);
	if (dtx == NULL) {
		/* a PDU that makes no DCERPC call (AUTH3, ...): Suricata's SMB
		 * parser still logs its type and call id */
		if (p != NULL && smb_dcerpc_probe(d, n)) {
			struct smb_tx *tx = smb_tx_new(s, SMB_TX_DCERPC);
			if (tx == NULL)
				return;
			if (ver == 1)
				smb_tx_set_cmd1(tx, (uint8_t)cmd);
			else
				smb_tx_set_cmd2(tx, cmd);
			tx->hdr = *hdr;
			tx->dce_req_set = true;
			tx->dce_req_type = d[2];
			tx->dce_call_id = (d[4] & 0x10)
					      ? smb_le32(d + 12)
					      : ((uint32_t)d[12] << 24) | ((uint32_t)d[13] << 16) |
						    ((uint32_t)d[14] << 8) | d[15];
			tx->req_done = true;
			/* these PDUs get no answer */
			tx->resp_done = d[2] == DCERPC_TYPE_AUTH3 ||
					d[2] == DCERPC_TYPE_CO_CANCEL ||
					d[2] == DCERPC_TYPE_ORPHANED || s->dir[APP_TOCLIENT].trunc;
			return;
		}
		/* not DCERPC: nothing to make of it (Suricata makes no transaction) */
		return;
	}
	struct smb_tx *tx = find_call(s, p, dtx->id);
	if (tx == NULL) {
		tx = smb_tx_new(s, SMB_TX_DCERPC);
		if (tx == NULL)
			return;
		if (ver == 1)
			smb_tx_set_cmd1(tx, (uint8_t)cmd);
		else
			smb_tx_set_cmd2(tx, cmd);
		tx->hdr = *hdr;
		tx->pipe = p;
		tx->dce_tx_id = dtx->id;
	}
	tx->req_done = true;
	tx->dce_req_set = true;
	tx->dce_call_id = dtx->call_id;
	if (dtx->res_done)
		tx->resp_done = true;
}

void smb_pipe_read(struct smb_state *s, uint8_t ver, uint16_t cmd, uint32_t status,
		   const struct smb_key *hdr, const uint8_t *guid, uint32_t guid_len,
		   const uint8_t *d, uint32_t n)
{
	struct smb_pipe *p = pipe_get(s, guid, guid_len);
	const struct dcerpc_tx *dtx = pipe_feed(p, APP_TOCLIENT, d, n);
	struct smb_tx *tx = dtx != NULL ? find_call(s, p, dtx->id) : NULL;
	if (tx == NULL && dtx != NULL) {
		/* an answer to a call whose request was not seen */
		tx = smb_tx_new(s, SMB_TX_DCERPC);
		if (tx == NULL)
			return;
		if (ver == 1)
			smb_tx_set_cmd1(tx, (uint8_t)cmd);
		else
			smb_tx_set_cmd2(tx, cmd);
		tx->hdr = *hdr;
		tx->pipe = p;
		tx->dce_tx_id = dtx->id;
		tx->req_done = true;
	}
	if (tx == NULL) {
		tx = smb_tx_find_generic(s, ver, cmd, hdr);
		if (tx == NULL)
			return;
		smb_tx_set_status(tx, status, false);
		if (status != SMB_NTSTATUS_PENDING)
			tx->resp_done = true;
		return;
	}
	tx->dce_res_set = true;
	smb_tx_set_status(tx, status, false);
	if (dtx->res_done)
		tx->resp_done = true;
}

void smb_pipes_free(struct smb_state *s)
{
	for (uint32_t i = 0; i < s->n_pipes; i++)
		dcerpc_state_free(s->pipes[i].dce);
	free(s->pipes);
	s->pipes = NULL;
	s->n_pipes = 0;
}

void smb_pipe_tx_release(struct smb_tx *tx)
{
	if (tx->pipe != NULL && tx->pipe->dce != NULL)
		dcerpc_tx_release_upto(tx->pipe->dce, tx->dce_tx_id + 1);
	tx->pipe = NULL;
}

const struct dcerpc_tx *smb_tx_dcerpc(const struct smb_tx *tx)
{
	if (tx->type != SMB_TX_DCERPC || tx->pipe == NULL)
		return NULL;
	return dcerpc_tx_get(tx->pipe->dce, tx->dce_tx_id);
}

bool smb_tx_dcerpc_view(const void *t, struct dcerpc_view *v)
{
	const struct dcerpc_tx *dtx = smb_tx_dcerpc(t);
	return dtx != NULL && dcerpc_tx_view(dtx, v);
}
