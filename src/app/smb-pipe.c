/*
 * smb-pipe.c — bytes of DCERPC named pipes (\srvsvc, \svcctl, ...)
 * carried by SMB writes, reads and FSCTL_PIPE_TRANSCEIVE ioctls.
 *
 * Each pipe (file id) is one byte stream per direction.  Until the DCERPC
 * parser (app/dcerpc.c) is wired in, a pipe write or ioctl is a
 * transaction of its SMB command, completed by its response, and the
 * pipe's bytes are kept (at most SMB_PIPE_KEEP per direction, the latest
 * call's) for that parser to take.
 */
#include "app/smb-internal.h"

#include <stdlib.h>
#include <string.h>

#define SMB_PIPE_KEEP 65536u
#define SMB_MAX_PIPES 32

struct smb_pipe {
	uint8_t guid[16];
	uint32_t guid_len;
	uint8_t *data[2];
	uint32_t len[2];
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
	struct smb_pipe *p = &s->pipes[s->n_pipes++];
	memset(p, 0, sizeof(*p));
	memcpy(p->guid, guid, n);
	p->guid_len = n;
	return p;
}

static void pipe_keep(struct smb_pipe *p, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	if (p == NULL)
		return;
	if (n > SMB_PIPE_KEEP)
		n = SMB_PIPE_KEEP;
	uint8_t *b = realloc(p->data[dir], n ? n : 1);
	if (b == NULL)
		return;
	memcpy(b, d, n);
	p->data[dir] = b;
	p->len[dir] = n;
}

void smb_pipe_write(struct smb_state *s, uint8_t ver, uint16_t cmd, const struct smb_key *hdr,
		    const uint8_t *guid, uint32_t guid_len, const uint8_t *d, uint32_t n)
{
	pipe_keep(pipe_get(s, guid, guid_len), APP_TOSERVER, d, n);
	struct smb_tx *tx = smb_tx_new_generic(s, ver, cmd, *hdr);
	if (tx != NULL)
		tx->resp_done = s->dir[APP_TOCLIENT].trunc;
}

void smb_pipe_read(struct smb_state *s, uint8_t ver, uint16_t cmd, uint32_t status,
		   const struct smb_key *hdr, const uint8_t *guid, uint32_t guid_len,
		   const uint8_t *d, uint32_t n)
{
	pipe_keep(pipe_get(s, guid, guid_len), APP_TOCLIENT, d, n);
	struct smb_tx *tx = smb_tx_find_generic(s, ver, cmd, hdr);
	if (tx == NULL) {
		/* a read answers no request transaction: one of its own */
		tx = smb_tx_new_generic(s, ver, cmd, *hdr);
		if (tx == NULL)
			return;
	}
	smb_tx_set_status(tx, status, ver == 1 && false);
	if (status != SMB_NTSTATUS_PENDING)
		tx->resp_done = true;
}

void smb_pipes_free(struct smb_state *s)
{
	for (uint32_t i = 0; i < s->n_pipes; i++) {
		free(s->pipes[i].data[0]);
		free(s->pipes[i].data[1]);
	}
	free(s->pipes);
	s->pipes = NULL;
	s->n_pipes = 0;
}

void smb_pipe_tx_release(struct smb_tx *tx)
{
	tx->pipe = NULL;
}
