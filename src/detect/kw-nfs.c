/*
 * kw-nfs.c — the NFS rule keywords, as Suricata 8 defines them
 * (src/detect-nfs-procedure.c, src/detect-nfs-version.c,
 * rust/src/nfs/detect.rs):
 *
 *   nfs_procedure:N    the transaction's procedure (for a file transfer
 *                      also the procedures joined to it, COMMIT);
 *                      Suricata's unsigned integer syntax, or a procedure
 *                      name of the flow's NFS version ("STATFS"); a
 *                      range lo<>hi includes both ends, as Suricata's
 *   nfs.version:N      the transaction's NFS version (alias nfs_version)
 *
 * Both apply to transactions of either direction; values come from the
 * parser's transactions through app/nfs.h.
 */
#include <stdlib.h>
#include <string.h>

#include "app/nfs.h"
#include "detect/detect-internal.h"

struct proc_ctx {
	struct u64_cmp cmp;
	char name[32]; /* a procedure name instead of a number, or "" */
};

static bool proc_value_match(const struct proc_ctx *c, uint16_t version, uint32_t proc)
{
	if (c->name[0] != '\0')
		return nfs_procedure_by_name(version, c->name) == (int64_t)proc;
	/* Suricata's nfs_procedure range includes both ends */
	if (c->cmp.mode == U_RANGE)
		return proc >= c->cmp.a && proc <= c->cmp.b;
	return u64_cmp_match(&c->cmp, proc);
}

static bool proc_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct nfs_tx *tx = vtx;
	const struct proc_ctx *c = ctx;
	if (proc_value_match(c, tx->nfs_version, tx->procedure))
		return true;
	for (uint8_t i = 0; i < tx->n_extra; i++)
		if (proc_value_match(c, tx->nfs_version, tx->extra_procs[i]))
			return true;
	return false;
}

static int proc_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		      const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_NFS, proc_test, ctx);
}

static int proc_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64];
	if (arg == NULL || strlen(arg) >= sizeof(buf)) {
		pc_error(pc, "invalid nfs_procedure");
		return -1;
	}
	strcpy(buf, arg);
	char *t = str_trim(buf);
	struct proc_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	bool alpha = (t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z');
	if (alpha && strlen(t) < sizeof(c->name)) {
		strcpy(c->name, t);
	} else if (u64_cmp_parse(t, UINT32_MAX, &c->cmp) != 0) {
		pc_error(pc, "invalid nfs_procedure '%s'", t);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("nfs_procedure"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_NFS, AD_BOTH);
}

static bool version_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	return u64_cmp_match(ctx, ((const struct nfs_tx *)vtx)->nfs_version);
}

static int version_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_NFS, version_test, ctx);
}

static int version_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64];
	if (arg == NULL || strlen(arg) >= sizeof(buf)) {
		pc_error(pc, "invalid nfs.version");
		return -1;
	}
	strcpy(buf, arg);
	if (rule_add_u64_cmp(pc, r, "nfs.version", str_trim(buf), UINT32_MAX) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_NFS, AD_BOTH);
}

static const struct kw_def defs[] = {
    {"nfs_procedure", "nfs.procedure", "NFS procedure (number or name)", proc_setup, proc_match,
     NULL, free, 0},
    {"nfs.version", "nfs_version", "NFS version", version_setup, version_match, NULL, free, 0},
};

const struct kw_family kw_family_nfs = {defs, sizeof(defs) / sizeof(defs[0])};
