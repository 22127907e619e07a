/*
 * kw-s7comm.c — the S7comm and S7comm-plus rule keywords.  Suricata has
 * none; the names follow its dotted style, with Snort 3's s7commplus
 * names as aliases:
 *
 *   s7comm.rosctr              the S7comm PDU's ROSCTR: number or name
 *                              (job, ack, ack_data, userdata)
 *   s7comm.function            the job / ack_data function: number or name
 *                              (read_var, write_var, plc_stop, ...)
 *   s7comm.item_area           any read/write var item's area: number or
 *                              name (db, inputs, outputs, flags, ...)
 *   s7comm.db                  any S7ANY item's DB number
 *   s7commplus.opcode (s7commplus_opcode)     request, response,
 *                              notification, response2, or a number
 *   s7commplus.function (s7commplus_func)     createobject, setvariable,
 *                              getmultivar, ... or a number
 *
 * Values: a number, a name, a comma-separated list of them (a leading "!"
 * negates the list), or Suricata's uint syntax (<, >, N-M, !N).  Each
 * matches the PDU of the packet's direction in its transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "app/s7comm.h"
#include "detect/detect-internal.h"

#define S7_LIST_MAX 32

struct s7_vals {
	bool is_list, neg;
	uint8_t n;
	uint64_t v[S7_LIST_MAX];
	struct u64_cmp cmp;
};

typedef int (*by_name_fn)(const char *name);

static bool one_value(char *t, uint64_t max, by_name_fn by_name, uint64_t *v)
{
	t = str_trim(t);
	if (*t == 0)
		return false;
	if (by_name != NULL) {
		int c = by_name(t);
		if (c >= 0) {
			*v = (uint64_t)c;
			return true;
		}
	}
	return parse_u64(t, v) && *v <= max;
}

static int vals_parse(const char *arg, uint64_t max, by_name_fn by_name, struct s7_vals *out)
{
	char buf[512];
	if (arg == NULL || strlen(arg) >= sizeof(buf))
		return -1;
	memset(out, 0, sizeof(*out));
	strcpy(buf, arg);
	char *t = str_trim(buf);
	if (strchr(t, ',') == NULL && u64_cmp_parse(t, max, &out->cmp) == 0)
		return 0;
	out->is_list = true;
	if (*t == '!') {
		out->neg = true;
		t++;
	}
	char *fields[S7_LIST_MAX];
	int k = str_split(t, ',', fields, S7_LIST_MAX);
	if (k <= 0)
		return -1;
	for (int i = 0; i < k; i++)
		if (!one_value(fields[i], max, by_name, &out->v[out->n++]))
			return -1;
	return 0;
}

static bool vals_match(const struct s7_vals *c, uint64_t v)
{
	if (!c->is_list)
		return u64_cmp_match(&c->cmp, v);
	bool in = false;
	for (uint8_t i = 0; i < c->n && !in; i++)
		in = c->v[i] == v;
	return in != c->neg;
}

/* ------------------------------------------------------------ tests */

static const struct s7_msg *side_s7(const void *tx, enum app_dir dir)
{
	const struct s7_pdu *p = s7comm_tx_pdu(tx, dir);
	return p != NULL && p->kind == S7_PDU_S7 ? &p->s7 : NULL;
}

static const struct s7_plus *side_plus(const void *tx, enum app_dir dir)
{
	const struct s7_pdu *p = s7comm_tx_pdu(tx, dir);
	return p != NULL && p->kind == S7_PDU_PLUS && p->plus.has_opcode ? &p->plus : NULL;
}

static bool rosctr_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct s7_msg *m = side_s7(tx, dir);
	return m != NULL && vals_match(ctx, m->rosctr);
}

static bool function_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct s7_msg *m = side_s7(tx, dir);
	return m != NULL && m->has_function && vals_match(ctx, m->function);
}

static bool area_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct s7_msg *m = side_s7(tx, dir);
	for (uint8_t i = 0; m != NULL && i < m->n_items; i++)
		if (m->items[i].syntax_id == 0x10 && vals_match(ctx, m->items[i].area))
			return true;
	return false;
}

static bool db_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct s7_msg *m = side_s7(tx, dir);
	for (uint8_t i = 0; m != NULL && i < m->n_items; i++)
		if (m->items[i].syntax_id == 0x10 && vals_match(ctx, m->items[i].db))
			return true;
	return false;
}

static bool opcode_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct s7_plus *x = side_plus(tx, dir);
	return x != NULL && vals_match(ctx, x->opcode);
}

static bool plus_function_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct s7_plus *x = side_plus(tx, dir);
	return x != NULL && (x->opcode == 0x31 || x->opcode == 0x32) &&
	       vals_match(ctx, x->function);
}

/* ------------------------------------------------------------ keywords */

static int s7_setup(struct parse_ctx *pc, struct rule *r, const char *kw, const char *arg,
		    uint64_t max, by_name_fn by_name)
{
	struct s7_vals *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (vals_parse(arg, max, by_name, c) != 0) {
		pc_error(pc, "invalid %s '%s'", kw, arg ? arg : "");
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_S7COMM, AD_BOTH);
}

#define S7_KW(fn, kwname, max, by_name)                                                            \
	static int fn##_match(struct det_thread *dt, const struct packet *p, const struct rule *r, \
			      const void *ctx)                                                     \
	{                                                                                          \
		return app_tx_match(dt, p, APP_PROTO_S7COMM, fn##_test, ctx);                      \
	}                                                                                          \
	static int fn##_setup(struct parse_ctx *pc, struct rule *r, const char *arg)               \
	{                                                                                          \
		return s7_setup(pc, r, kwname, arg, max, by_name);                                 \
	}

S7_KW(rosctr, "s7comm.rosctr", UINT8_MAX, s7comm_rosctr_by_name)
S7_KW(function, "s7comm.function", UINT8_MAX, s7comm_function_by_name)
S7_KW(area, "s7comm.item_area", UINT8_MAX, s7comm_area_by_name)
S7_KW(db, "s7comm.db", UINT16_MAX, NULL)
S7_KW(opcode, "s7commplus.opcode", UINT8_MAX, s7plus_opcode_by_name)
S7_KW(plus_function, "s7commplus.function", UINT16_MAX, s7plus_function_by_name)

#define DEF(name, alias, fn, desc)                                                                 \
	{                                                                                          \
		name, alias, desc, fn##_setup, fn##_match, NULL, free, 0                           \
	}

static const struct kw_def defs[] = {
    DEF("s7comm.rosctr", NULL, rosctr, "S7comm ROSCTR (job, ack, ack_data, userdata)"),
    DEF("s7comm.function", NULL, function, "S7comm job/ack_data function (number or name)"),
    DEF("s7comm.item_area", NULL, area, "S7comm read/write var item area"),
    DEF("s7comm.db", NULL, db, "S7comm read/write var item DB number"),
    DEF("s7commplus.opcode", "s7commplus_opcode", opcode, "S7comm-plus opcode"),
    DEF("s7commplus.function", "s7commplus_func", plus_function, "S7comm-plus function"),
};

const struct kw_family kw_family_s7comm = {defs, sizeof(defs) / sizeof(defs[0])};
