/*
 * kw-dcerpc.c — the DCERPC rule keywords, as Suricata 8 defines them
 * (rules/dcerpc-keywords, rust/src/dcerpc/detect.rs):
 *
 *   dcerpc.iface (dce_iface): uuid[,<|>|=|!version][,any_frag] — true when
 *     the transaction is a request whose presentation context was bound
 *     (bind or alter_context, acked with result 0) to that interface, at
 *     that version; without any_frag only contexts of a bind that had
 *     PFC_FIRST_FRAG count.
 *   dcerpc.opnum (dce_opnum): N[,N-M,...] (or Suricata's integer syntax,
 *     >N ...) — the request's operation number.
 *   dcerpc.stub_data (dce_stub_data): a sticky buffer, the reassembled
 *     stub data of the request (to server) or the response (to client).
 *
 * They read a transaction through struct dcerpc_view (app/dcerpc.h), so a
 * protocol that carries DCERPC serves them by giving that view of its
 * transaction.  For SMB named pipes (Suricata runs these keywords on SMB
 * flows too) that is one line in `carriers`,
 *     {APP_PROTO_SMB, smb_tx_dcerpc_view},
 * one in `buffer_specs` (the same buffer for SMB transactions),
 *     {"dcerpc.stub_data", "dce_stub_data", APP_PROTO_SMB, AD_BOTH, stub_get, 0},
 * and the framework letting a dcerpc rule run on an SMB flow (Suricata's
 * AppProtoEquals) with the keyword's transactions taken from either.
 */
#include <stdlib.h>
#include <string.h>

#include "app/dcerpc.h"
#include "app/smb.h"
#include "detect/detect-internal.h"
#include "detect/kw-dcerpc.h"

static bool view_dcerpc(const void *tx, struct dcerpc_view *v)
{
	return dcerpc_tx_view(tx, v);
}

/* Protocols whose transactions carry DCERPC, and their view of one. */
static const struct carrier {
	enum app_proto proto;
	bool (*view)(const void *tx, struct dcerpc_view *v);
} carriers[] = {
    {APP_PROTO_DCERPC, view_dcerpc},
    {APP_PROTO_SMB, smb_tx_dcerpc_view},
};
#define N_CARRIERS (sizeof(carriers) / sizeof(carriers[0]))

/* The protocol a rule's dcerpc keywords look at: the carrier its header
 * names (alert smb ... dcerpc.iface), else DCERPC itself. */
static enum app_proto carrier_proto(const struct rule *r)
{
	enum app_proto hp = r->h.app != APP_PROTO_UNKNOWN ? (enum app_proto)r->h.app
							  : app_proto_by_name(r->h.app_proto);
	for (size_t i = 0; i < N_CARRIERS; i++)
		if (hp == carriers[i].proto)
			return carriers[i].proto;
	return APP_PROTO_DCERPC;
}

/* app_tx_match's test gets the tx only: the carrier travels with the ctx. */
struct carried {
	const struct carrier *c;
	const void *kw_ctx;
	bool (*test)(const struct dcerpc_view *v, const void *kw_ctx);
};

static bool carried_test(const void *tx, enum app_dir dir, const void *arg)
{
	(void)dir;
	const struct carried *cc = arg;
	struct dcerpc_view v;
	return cc->c->view(tx, &v) && cc->test(&v, cc->kw_ctx);
}

static int match_any_carrier(struct det_thread *dt, const struct packet *p, const void *kw_ctx,
			     bool (*test)(const struct dcerpc_view *, const void *))
{
	for (size_t i = 0; i < N_CARRIERS; i++) {
		struct carried cc = {&carriers[i], kw_ctx, test};
		if (app_tx_match(dt, p, carriers[i].proto, carried_test, &cc))
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------ dcerpc.iface */

struct iface_ctx {
	uint8_t uuid[16];
	bool has_ver;
	struct u64_cmp ver;
	bool any_frag;
};

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 8-4-4-4-12 hex digits. */
static bool parse_uuid(const char *s, uint8_t out[16])
{
	static const int groups[] = {8, 4, 4, 4, 12};
	int k = 0;
	for (int g = 0; g < 5; g++) {
		if (g > 0 && *s++ != '-')
			return false;
		for (int i = 0; i < groups[g]; i += 2) {
			int hi = hexv(s[0]), lo = hi < 0 ? -1 : hexv(s[1]);
			if (hi < 0 || lo < 0)
				return false;
			out[k++] = (uint8_t)(hi << 4 | lo);
			s += 2;
		}
	}
	return *s == '\0';
}

/* Parses "uuid[,<op>ver][,any_frag]"; 0 or -1. */
static int dcerpc_iface_parse(const char *arg, struct iface_ctx *c)
{
	char buf[128];
	if (arg == NULL || strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	memset(c, 0, sizeof(*c));
	char *parts[4];
	int n = 0;
	for (char *t = buf, *sep; n < 4; t = sep + 1) {
		sep = strchr(t, ',');
		if (sep != NULL)
			*sep = '\0';
		parts[n++] = str_trim(t);
		if (sep == NULL)
			break;
	}
	if (n > 3 || !parse_uuid(parts[0], c->uuid))
		return -1;
	for (int i = 1; i < n; i++) {
		if (strcmp(parts[i], "any_frag") == 0) {
			if (c->any_frag)
				return -1;
			c->any_frag = true;
		} else if (i == 1 && parts[i][0] != '\0') {
			if (u64_cmp_parse(parts[i], UINT16_MAX, &c->ver) != 0)
				return -1;
			c->has_ver = true;
		} else {
			return -1;
		}
	}
	return 0;
}

bool dcerpc_kw_iface_test(const struct dcerpc_view *v, const void *ctx)
{
	const struct iface_ctx *c = ctx;
	if (!v->has_request)
		return false;
	for (uint32_t i = 0; i < v->n_ifaces; i++) {
		const struct dcerpc_iface *f = &v->ifaces[i];
		if (!c->any_frag && !f->first_frag)
			continue;
		if (!f->acked || f->ack_result != 0)
			continue;
		if (memcmp(f->uuid, c->uuid, 16) != 0 || f->ctx_id != v->ctx_id)
			continue;
		if (c->has_ver && !u64_cmp_match(&c->ver, f->ver))
			continue;
		return true;
	}
	return false;
}

void *dcerpc_kw_iface_new(const char *arg)
{
	struct iface_ctx *c = malloc(sizeof(*c));
	if (c != NULL && dcerpc_iface_parse(arg, c) != 0) {
		free(c);
		c = NULL;
	}
	return c;
}

static int iface_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	(void)r;
	return match_any_carrier(dt, p, ctx, dcerpc_kw_iface_test);
}

static int iface_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	void *c = dcerpc_kw_iface_new(arg);
	if (c == NULL) {
		pc_error(pc, "invalid dcerpc.iface '%s'", arg ? arg : "");
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("dcerpc.iface"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, carrier_proto(r), AD_BOTH);
}

/* ------------------------------------------------------------ dcerpc.opnum */

#define OPNUM_MAX_RANGES 64

struct opnum_ctx {
	uint32_t n;
	uint32_t lo[OPNUM_MAX_RANGES], hi[OPNUM_MAX_RANGES];
	bool is_cmp; /* Suricata's integer syntax (">3") instead of a list */
	struct u64_cmp cmp;
};

static bool parse_u32_strict(const char *s, uint32_t *v)
{
	if (*s < '0' || *s > '9')
		return false;
	char *end;
	unsigned long long x = strtoull(s, &end, 10);
	if (*end != '\0' || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* "N", "N-M" items separated by commas (M >= N); 0 or -1. */
static int parse_opnum_list(char *buf, struct opnum_ctx *c)
{
	for (char *t = buf, *sep;; t = sep + 1) {
		sep = strchr(t, ',');
		if (sep != NULL)
			*sep = '\0';
		char *item = str_trim(t);
		char *dash = strchr(item, '-');
		uint32_t lo, hi;
		if (dash != NULL) {
			*dash = '\0';
			if (!parse_u32_strict(str_trim(item), &lo) ||
			    !parse_u32_strict(str_trim(dash + 1), &hi) || hi < lo)
				return -1;
		} else {
			if (!parse_u32_strict(item, &lo))
				return -1;
			hi = lo;
		}
		if (c->n == OPNUM_MAX_RANGES)
			return -1;
		c->lo[c->n] = lo;
		c->hi[c->n++] = hi;
		if (sep == NULL)
			return 0;
	}
}

static int dcerpc_opnum_parse(const char *arg, struct opnum_ctx *c)
{
	char buf[512];
	if (arg == NULL || strlen(arg) >= sizeof(buf))
		return -1;
	memset(c, 0, sizeof(*c));
	strcpy(buf, arg);
	if (parse_opnum_list(buf, c) == 0)
		return 0;
	memset(c, 0, sizeof(*c));
	if (u64_cmp_parse(arg, UINT16_MAX, &c->cmp) != 0)
		return -1;
	c->is_cmp = true;
	return 0;
}

bool dcerpc_kw_opnum_test(const struct dcerpc_view *v, const void *ctx)
{
	const struct opnum_ctx *c = ctx;
	if (!v->has_request)
		return false;
	if (c->is_cmp)
		return u64_cmp_match(&c->cmp, v->opnum);
	for (uint32_t i = 0; i < c->n; i++)
		if (v->opnum >= c->lo[i] && v->opnum <= c->hi[i])
			return true;
	return false;
}

void *dcerpc_kw_opnum_new(const char *arg)
{
	struct opnum_ctx *c = malloc(sizeof(*c));
	if (c != NULL && dcerpc_opnum_parse(arg, c) != 0) {
		free(c);
		c = NULL;
	}
	return c;
}

static int opnum_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	(void)r;
	return match_any_carrier(dt, p, ctx, dcerpc_kw_opnum_test);
}

static int opnum_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	void *c = dcerpc_kw_opnum_new(arg);
	if (c == NULL) {
		pc_error(pc, "invalid dcerpc.opnum '%s'", arg ? arg : "");
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("dcerpc.opnum"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, carrier_proto(r), AD_BOTH);
}

/* ------------------------------------------------------------ dcerpc.stub_data */

static const struct carrier *carrier_of(enum app_proto proto)
{
	for (size_t i = 0; i < N_CARRIERS; i++)
		if (carriers[i].proto == proto)
			return &carriers[i];
	return NULL;
}

/* The stub data of a transaction of the spec's protocol, per direction. */
static bool stub_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *tx,
		     enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	const struct carrier *c = carrier_of((enum app_proto)spec->proto);
	struct dcerpc_view v;
	if (k != 0 || c == NULL || !c->view(tx, &v) || v.stub_len[dir] == 0)
		return false;
	if (dt != NULL)
		dt->dce_big_endian = v.big_endian;
	*d = v.stub[dir];
	*l = v.stub_len[dir];
	return true;
}

static const struct app_buffer_spec buffer_specs[] = {
    {"dcerpc.stub_data", "dce_stub_data", APP_PROTO_DCERPC, AD_BOTH, stub_get, 0},
};

const struct app_buffer_family app_buffers_dcerpc = {buffer_specs,
						     sizeof(buffer_specs) / sizeof(buffer_specs[0])};

static const struct kw_def defs[] = {
    {"dcerpc.iface", "dce_iface", "DCERPC interface UUID (and version) a request is bound to",
     iface_setup, iface_match, NULL, free, 0},
    {"dcerpc.opnum", "dce_opnum", "DCERPC request operation number(s)", opnum_setup, opnum_match,
     NULL, free, 0},
};

const struct kw_family kw_family_dcerpc = {defs, sizeof(defs) / sizeof(defs[0])};
