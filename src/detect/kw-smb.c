/*
 * kw-smb.c — the SMB rule buffers and keywords, as Suricata 8 defines
 * them (rules/smb-keywords, rust/src/smb/detect.rs):
 *
 *   smb.share (smb_share)           the tree connect's share name, when it
 *                                   is not a named pipe (to server);
 *   smb.named_pipe (smb_named_pipe) the same, when it is (IPC$: SMB2 share
 *                                   type PIPE, SMB1 service "IPC");
 *   smb.ntlmssp_user, smb.ntlmssp_domain  the NTLMSSP AUTHENTICATE user and
 *                                   domain of a session setup (to server);
 *   file.data (file_data)           the start of a file read or written
 *                                   (first 16 KiB, app/file.h), in the
 *                                   direction the file travels;
 *   dcerpc.stub_data (dce_stub_data) the stub of a named pipe's DCERPC
 *                                   call, per direction;
 *   smb.version:1|2                 the SMB version of the transaction's
 *                                   command (SMB3 is 2).
 *
 * Values come from the parser's accessors (app/smb.h).
 */
#include <stdlib.h>
#include <string.h>

#include "app/dcerpc.h"
#include "app/smb.h"
#include "detect/detect-internal.h"

enum { SB_SHARE, SB_NAMED_PIPE, SB_NTLMSSP_USER, SB_NTLMSSP_DOMAIN, SB_FILE_DATA, SB_STUB };

static bool smb_buffer(const struct app_buffer_spec *spec, struct det_thread *dt, const void *t,
		       enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	const struct smb_tx *tx = t;
	if (k != 0)
		return false;
	switch (spec->arg) {
	case SB_SHARE: return smb_tx_share(tx, d, l);
	case SB_NAMED_PIPE: return smb_tx_named_pipe(tx, d, l);
	case SB_NTLMSSP_USER: return smb_tx_ntlmssp_user(tx, d, l);
	case SB_NTLMSSP_DOMAIN: return smb_tx_ntlmssp_domain(tx, d, l);
	case SB_FILE_DATA: {
		const struct app_file *f = smb_tx_file(tx);
		if (f == NULL || f->dir != dir)
			return false;
		*d = app_file_head(f, l);
		return *d != NULL && *l > 0;
	}
	case SB_STUB: {
		struct dcerpc_view v;
		if (!smb_tx_dcerpc_view(tx, &v) || v.stub[dir] == NULL || v.stub_len[dir] == 0)
			return false;
		*d = v.stub[dir];
		*l = v.stub_len[dir];
		return true;
	}
	default: return false;
	}
}

#define SMB_BUF(name, alias, dirs, arg)                                                            \
	{                                                                                          \
		name, alias, APP_PROTO_SMB, dirs, smb_buffer, arg                                  \
	}
static const struct app_buffer_spec specs[] = {
    SMB_BUF("smb.share", "smb_share", AD_TS, SB_SHARE),
    SMB_BUF("smb.named_pipe", "smb_named_pipe", AD_TS, SB_NAMED_PIPE),
    SMB_BUF("smb.ntlmssp_user", NULL, AD_TS, SB_NTLMSSP_USER),
    SMB_BUF("smb.ntlmssp_domain", NULL, AD_TS, SB_NTLMSSP_DOMAIN),
    SMB_BUF("file.data", "file_data", AD_BOTH, SB_FILE_DATA),
    /* the DCERPC of a named pipe (dcerpc.iface / opnum: kw-dcerpc.c) */
    SMB_BUF("dcerpc.stub_data", "dce_stub_data", AD_BOTH, SB_STUB),
};

const struct app_buffer_family app_buffers_smb = {specs, sizeof(specs) / sizeof(specs[0])};

/* ------------------------------------------------------------ smb.version */

static bool version_test(const void *tx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	return smb_tx_version(tx) == *(const uint8_t *)ctx;
}

static int version_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_SMB, version_test, ctx);
}

static int version_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "%s", arg ? arg : "");
	char *t = str_trim(buf);
	uint64_t v;
	if (!parse_u64(t, &v) || (v != 1 && v != 2)) {
		pc_error(pc, "invalid smb.version '%s' (1 or 2)", arg ? arg : "");
		return -1;
	}
	uint8_t *c = malloc(1);
	if (c == NULL)
		return -1;
	*c = (uint8_t)v;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("smb.version"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_SMB, AD_BOTH);
}

static const struct kw_def defs[] = {
    {"smb.version", NULL, "SMB version of the transaction's command (1 or 2)", version_setup,
     version_match, NULL, free, 0},
};

const struct kw_family kw_family_smb = {defs, sizeof(defs) / sizeof(defs[0])};
