/*
 * kw-iec104.c — the IEC 60870-5-104 rule keywords.  Suricata has none;
 * the names follow its dotted style, with Snort 3's names as aliases
 * where Snort 3 has the keyword:
 *
 *   iec104.apci_type (iec104_apci_type)  i, s or u (or Snort 3's
 *                              information_transfer_format,
 *                              numbered_supervisory_function,
 *                              unnumbered_control_function); a list "i,u";
 *                              names only
 *   iec104.typeid (iec104_asdu_func)     the ASDU's type id: a number or a
 *                              name (C_SC_NA_1, case-insensitive), a list
 *                              of them, or Suricata's uint syntax
 *   iec104.cot                 cause of transmission (number, name such
 *                              as "activation", list, uint syntax)
 *   iec104.ca                  common address (uint syntax)
 *   iec104.ioa                 any information object's address (uint)
 *
 * Each matches the APDU transaction of the packet's direction.  "!" before
 * a single value or a whole list negates it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/iec104.h"
#include "detect/detect-internal.h"

#define IEC104_LIST_MAX 32

/* A list of values, or one uint comparison. */
struct iec104_vals {
	bool is_list, neg;
	uint8_t n;
	uint64_t v[IEC104_LIST_MAX];
	struct u64_cmp cmp;
};

typedef int (*by_name_fn)(const char *name);

static int apci_by_name(const char *s)
{
	if (strcasecmp(s, "i") == 0 || strcasecmp(s, "information_transfer_format") == 0)
		return IEC104_APCI_I;
	if (strcasecmp(s, "s") == 0 || strcasecmp(s, "numbered_supervisory_function") == 0)
		return IEC104_APCI_S;
	if (strcasecmp(s, "u") == 0 || strcasecmp(s, "unnumbered_control_function") == 0)
		return IEC104_APCI_U;
	return -1;
}

/* A name through by_name, or (numbers) a number up to max. */
static bool one_value(char *t, uint64_t max, by_name_fn by_name, bool numbers, uint64_t *v)
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
	return numbers && parse_u64(t, v) && *v <= max;
}

static int vals_parse(const char *arg, uint64_t max, by_name_fn by_name, bool numbers,
		      struct iec104_vals *out)
{
	char buf[512];
	if (arg == NULL || strlen(arg) >= sizeof(buf))
		return -1;
	memset(out, 0, sizeof(*out));
	strcpy(buf, arg);
	char *t = str_trim(buf);
	/* a single number or range in Suricata's uint syntax */
	if (numbers && strchr(t, ',') == NULL && u64_cmp_parse(t, max, &out->cmp) == 0)
		return 0;
	out->is_list = true;
	if (*t == '!') {
		out->neg = true;
		t++;
	}
	char *fields[IEC104_LIST_MAX];
	int k = str_split(t, ',', fields, IEC104_LIST_MAX);
	if (k <= 0)
		return -1;
	for (int i = 0; i < k; i++)
		if (!one_value(fields[i], max, by_name, numbers, &out->v[out->n++]))
			return -1;
	return 0;
}

static bool vals_match(const struct iec104_vals *c, uint64_t v)
{
	if (!c->is_list)
		return u64_cmp_match(&c->cmp, v);
	bool in = false;
	for (uint8_t i = 0; i < c->n && !in; i++)
		in = c->v[i] == v;
	return in != c->neg;
}

/* ------------------------------------------------------------ tests */

static bool apci_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	const struct iec104_tx *tx = vtx;
	return tx->dir == dir && vals_match(ctx, tx->apci);
}

static bool typeid_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	const struct iec104_tx *tx = vtx;
	return tx->dir == dir && tx->has_asdu && vals_match(ctx, tx->asdu.type_id);
}

static bool cot_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	const struct iec104_tx *tx = vtx;
	return tx->dir == dir && tx->has_asdu && vals_match(ctx, tx->asdu.cot);
}

static bool ca_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	const struct iec104_tx *tx = vtx;
	return tx->dir == dir && tx->has_asdu && vals_match(ctx, tx->asdu.ca);
}

static bool ioa_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	const struct iec104_tx *tx = vtx;
	if (tx->dir != dir || !tx->has_asdu)
		return false;
	for (uint8_t i = 0; i < tx->asdu.n_objects; i++)
		if (vals_match(ctx, tx->asdu.objects[i].ioa))
			return true;
	return false;
}

/* ------------------------------------------------------------ keywords */

static int iec104_setup(struct parse_ctx *pc, struct rule *r, const char *kw, const char *arg,
			uint64_t max, by_name_fn by_name, bool numbers)
{
	struct iec104_vals *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (vals_parse(arg, max, by_name, numbers, c) != 0) {
		pc_error(pc, "invalid %s '%s'", kw, arg ? arg : "");
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_IEC104, AD_BOTH);
}

#define IEC104_KW(fn, kwname, max, by_name, numbers)                                               \
	static int fn##_match(struct det_thread *dt, const struct packet *p, const struct rule *r, \
			      const void *ctx)                                                     \
	{                                                                                          \
		return app_tx_match(dt, p, APP_PROTO_IEC104, fn##_test, ctx);                      \
	}                                                                                          \
	static int fn##_setup(struct parse_ctx *pc, struct rule *r, const char *arg)               \
	{                                                                                          \
		return iec104_setup(pc, r, kwname, arg, max, by_name, numbers);                    \
	}

IEC104_KW(apci, "iec104.apci_type", 3, apci_by_name, false)
IEC104_KW(typeid, "iec104.typeid", UINT8_MAX, iec104_type_by_name, true)
IEC104_KW(cot, "iec104.cot", 63, iec104_cot_by_name, true)
IEC104_KW(ca, "iec104.ca", UINT16_MAX, NULL, true)
IEC104_KW(ioa, "iec104.ioa", 0xffffff, NULL, true)

#define DEF(name, alias, fn, desc)                                                                 \
	{                                                                                          \
		name, alias, desc, fn##_setup, fn##_match, NULL, free, 0                           \
	}

static const struct kw_def defs[] = {
    DEF("iec104.apci_type", "iec104_apci_type", apci, "IEC 104 APCI frame format (i, s, u)"),
    DEF("iec104.typeid", "iec104_asdu_func", typeid, "IEC 104 ASDU type id (number or name)"),
    DEF("iec104.cot", NULL, cot, "IEC 104 cause of transmission"),
    DEF("iec104.ca", NULL, ca, "IEC 104 common address of the ASDU"),
    DEF("iec104.ioa", NULL, ioa, "IEC 104 information object address (any object)"),
};

const struct kw_family kw_family_iec104 = {defs, sizeof(defs) / sizeof(defs[0])};
