/*
 * kw-dicom.c — the DICOM rule buffers and keywords (vigil's own: Suricata
 * has no DICOM):
 *   dicom.calling_ae, dicom.called_ae   sticky buffers, the AE titles of
 *       the A-ASSOCIATE-RQ (association transaction, to server), trimmed
 *   dicom.sop_class   sticky buffer: the SOP class UID of the DIMSE
 *       command of the packet's side (Affected or Requested SOP Class
 *       UID); on the association, each proposed abstract syntax
 *   file.data         the first DICOM_FILE_KEEP bytes of a C-STORE data set
 *   dicom.command:<name or number>   the DIMSE command of the packet's
 *       side: "C-STORE-RQ", "C-ECHO-RSP", a service name matching both
 *       ("C-FIND"), or the Command Field number (decimal or 0x hex)
 * Values come from the parser's transactions through app/dicom.h.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/dicom.h"
#include "detect/detect-internal.h"

enum dicom_buf { DB_CALLING_AE, DB_CALLED_AE, DB_SOP_CLASS, DB_FILE_DATA };

static const struct dicom_command *side_command(const struct dicom_tx *tx, enum app_dir dir)
{
	if (tx->kind != DICOM_TX_DIMSE)
		return NULL;
	const struct dicom_command *c = &tx->cmd[tx->rq_dir == dir ? 0 : 1];
	return c->seen ? c : NULL;
}

static bool sop_class(const struct dicom_tx *tx, enum app_dir dir, uint32_t k, const uint8_t **d,
		      uint32_t *l)
{
	if (tx->kind == DICOM_TX_ASSOCIATION) {
		if (dir != APP_TOSERVER || k >= tx->assoc.n_pcs)
			return false;
		*d = tx->assoc.pcs[k].abstract.v;
		*l = tx->assoc.pcs[k].abstract.len;
		return true; /* an empty instance still counts as one */
	}
	const struct dicom_command *c = side_command(tx, dir);
	if (c == NULL || k > 0)
		return false;
	*d = c->sop_class.v;
	*l = c->sop_class.len;
	return *l > 0;
}

static bool dicom_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *txv,
		      enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	const struct dicom_tx *tx = txv;
	*d = NULL;
	*l = 0;
	switch ((enum dicom_buf)spec->arg) {
	case DB_CALLING_AE:
	case DB_CALLED_AE: {
		if (k > 0 || tx->kind != DICOM_TX_ASSOCIATION)
			return false;
		const struct dicom_str *s =
		    spec->arg == DB_CALLING_AE ? &tx->assoc.calling_ae : &tx->assoc.called_ae;
		*d = s->v;
		*l = s->len;
		return *l > 0;
	}
	case DB_SOP_CLASS: return sop_class(tx, dir, k, d, l);
	case DB_FILE_DATA: {
		struct app_file_info fi;
		if (k > 0 || !dicom_tx_file(tx, &fi) || fi.dir != dir)
			return false;
		*d = dicom_tx_file_data(tx, l);
		return *d != NULL;
	}
	}
	return false;
}

static const struct app_buffer_spec specs[] = {
    {"dicom.calling_ae", NULL, APP_PROTO_DICOM, AD_TS, dicom_get, DB_CALLING_AE},
    {"dicom.called_ae", NULL, APP_PROTO_DICOM, AD_TS, dicom_get, DB_CALLED_AE},
    {"dicom.sop_class", NULL, APP_PROTO_DICOM, AD_BOTH, dicom_get, DB_SOP_CLASS},
    {"file.data", "file_data", APP_PROTO_DICOM, AD_BOTH, dicom_get, DB_FILE_DATA},
};

const struct app_buffer_family app_buffers_dicom = {specs, sizeof(specs) / sizeof(specs[0])};

/* ------------------------------------------------------------ dicom.command */

struct command_ctx {
	uint16_t field;
	bool service; /* "C-STORE": the request or its response */
};

static bool command_test(const void *txv, enum app_dir dir, const void *ctxv)
{
	const struct command_ctx *ctx = ctxv;
	const struct dicom_command *c = side_command(txv, dir);
	if (c == NULL)
		return false;
	return ctx->service ? (c->field & 0x7fff) == ctx->field : c->field == ctx->field;
}

static int command_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_DICOM, command_test, ctx);
}

/* A name ("C-STORE-RQ", "c-store"), or a number. */
static bool command_parse(const char *arg, struct command_ctx *c)
{
	char raw[64], buf[32];
	if (arg == NULL || strlen(arg) >= sizeof(raw))
		return false;
	memcpy(raw, arg, strlen(arg) + 1);
	const char *t = str_trim(raw);
	size_t n = strlen(t);
	if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
		t++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(buf) - 4)
		return false;
	memcpy(buf, t, n);
	buf[n] = 0;
	char *end;
	unsigned long v = strtoul(buf, &end, 0);
	if (end != buf && *end == 0) {
		c->field = (uint16_t)v;
		return v <= 0xffff;
	}
	int f = dicom_command_by_name(buf);
	if (f >= 0) {
		c->field = (uint16_t)f;
		return true;
	}
	memcpy(buf + n, "-RQ", 4);
	f = dicom_command_by_name(buf);
	if (f < 0)
		return false;
	c->field = (uint16_t)f;
	c->service = true;
	return true;
}

static int command_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct command_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	if (!command_parse(arg, c)) {
		free(c);
		pc_error(pc, "invalid dicom.command '%s'", arg ? arg : "");
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("dicom.command"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_DICOM, AD_BOTH);
}

static const struct kw_def defs[] = {
    {"dicom.command", NULL, "DICOM DIMSE command (name or Command Field number)", command_setup,
     command_match, NULL, free, 0},
};

const struct kw_family kw_family_dicom = {defs, sizeof(defs) / sizeof(defs[0])};
