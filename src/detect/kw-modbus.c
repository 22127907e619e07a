/*
 * kw-modbus.c — the `modbus` keyword (Suricata 8's rust/src/modbus/
 * detect.rs and its "Modbus Keyword" documentation), on the request of a
 * Modbus transaction (to_server):
 *
 *   modbus: function <1-255>[, subfunction <n>]
 *   modbus: function [!]<assigned|unassigned|public|user|reserved|all>
 *   modbus: access <read|write> [discretes|coils|input|holding]
 *           [, address <n|<n|>n|n<>m>[, value <n|<n|>n|n<>m>]]
 *   modbus: unit <n|<n|>n|n<>m>[, <function ...|access ...>]
 *
 * Numbers compare as Suricata does: n is equal, <n below, >n above, n<>m
 * strictly between.  A function number names the function, so any
 * number sawp-modbus has no name for matches every unnamed function.
 * Addresses are the 1-based register numbers (PDU address + 1); a value
 * is the written value at the rule's address (single and multiple
 * writes; a coil is 0 or 1).  The argument is matched against Suricata's
 * own regular expressions (POSIX classes for \s and \d).
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "app/modbus.h"
#include "detect/detect-internal.h"

#define SP "[[:space:]]"
static const char ACCESS_RE[] =
    "^" SP "*\"?" SP "*access" SP "*(read|write)" SP "*(discretes|coils|input|holding)?(," SP
    "*address" SP "+([<>]?[0-9]+)(<>([0-9]+))?(," SP "*value" SP
    "+([<>]?[0-9]+)(<>([0-9]+))?)?)?" SP "*\"?" SP "*$";
static const char FUNC_RE[] = "^" SP "*\"?" SP "*function" SP "*(!?[A-z0-9]+)(," SP
			      "*subfunction" SP "+([0-9]+))?" SP "*\"?" SP "*$";
static const char UNIT_RE[] =
    "^" SP "*\"?" SP "*unit" SP "+([<>]?[0-9]+)(<>([0-9]+))?(," SP "*(.*))?" SP "*\"?" SP "*$";

/* Category bits as the parser's: 1 assigned, 2 unassigned, 4 user, 8 reserved. */
#define CAT_ALL 0x0f

struct range16 {
	bool set;
	uint16_t lo, hi; /* Rust's lo..hi: lo == hi means equal */
};

struct modbus_kw {
	bool has_category, has_function, has_sub, has_access;
	uint8_t category, function, access;
	uint16_t sub;
	struct range16 unit, address, value;
};

/* ------------------------------------------------------------ parsing */

static bool group(const char *s, const regmatch_t *m, int i, char *out, size_t n)
{
	if (m[i].rm_so < 0)
		return false;
	size_t l = (size_t)(m[i].rm_eo - m[i].rm_so);
	if (l >= n)
		l = n - 1;
	memcpy(out, s + m[i].rm_so, l);
	out[l] = 0;
	return true;
}

static bool parse_u16(const char *s, uint16_t *v)
{
	if (*s < '0' || *s > '9')
		return false;
	char *end;
	unsigned long x = strtoul(s, &end, 10);
	if (*end != 0 || x > UINT16_MAX)
		return false;
	*v = (uint16_t)x;
	return true;
}

static bool parse_range(const char *min, const char *max, struct range16 *r)
{
	r->set = true;
	if (max == NULL || *max == 0) {
		char sign = min[0];
		uint16_t v;
		if (!parse_u16(min + (sign == '<' || sign == '>'), &v))
			return false;
		r->lo = sign == '<' ? 0 : v;
		r->hi = sign == '>' ? UINT16_MAX : v;
		return true;
	}
	return parse_u16(min, &r->lo) && parse_u16(max, &r->hi);
}

static bool run_re(const char *pattern, const char *s, regmatch_t *m, size_t nm)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED) != 0)
		return false;
	bool ok = regexec(&re, s, nm, m, 0) == 0;
	regfree(&re);
	return ok;
}

static bool parse_access(const char *s, struct modbus_kw *k)
{
	regmatch_t m[12];
	char g[64], g2[64];
	if (!run_re(ACCESS_RE, s, m, 12))
		return false;
	group(s, m, 1, g, sizeof(g));
	uint8_t acc = strcmp(g, "read") == 0 ? MODBUS_ACC_READ : MODBUS_ACC_WRITE;
	if (group(s, m, 2, g, sizeof(g))) {
		if (strcmp(g, "coils") == 0)
			acc |= MODBUS_ACC_COILS;
		else if (strcmp(g, "holding") == 0)
			acc |= MODBUS_ACC_HOLDING;
		else if (acc == MODBUS_ACC_WRITE)
			return false; /* discretes and input are read only */
		else
			acc |=
			    strcmp(g, "discretes") == 0 ? MODBUS_ACC_DISCRETES : MODBUS_ACC_INPUT;
	}
	k->has_access = true;
	k->access = acc;
	if (!group(s, m, 4, g, sizeof(g)))
		return true;
	if (!parse_range(g, group(s, m, 6, g2, sizeof(g2)) ? g2 : NULL, &k->address))
		return false;
	if (!group(s, m, 8, g, sizeof(g)))
		return true;
	if (k->address.lo != k->address.hi || acc == MODBUS_ACC_READ)
		return false; /* a value needs one address and a write */
	return parse_range(g, group(s, m, 10, g2, sizeof(g2)) ? g2 : NULL, &k->value);
}

static bool parse_function(const char *s, struct modbus_kw *k)
{
	regmatch_t m[4];
	char w[64], sub[32];
	if (!run_re(FUNC_RE, s, m, 4) || !group(s, m, 1, w, sizeof(w)))
		return false;
	uint16_t num;
	if (parse_u16(w, &num) && num <= UINT8_MAX) {
		if (num == 0)
			return false;
		k->has_function = true;
		k->function = modbus_function_known((uint8_t)num) ? (uint8_t)num : 0xff;
		if (group(s, m, 3, sub, sizeof(sub))) {
			if (!parse_u16(sub, &k->sub))
				return false;
			k->has_sub = true;
		}
		return true;
	}
	bool neg = w[0] == '!';
	const char *name = w + neg;
	uint8_t cat;
	if (strcmp(name, "assigned") == 0)
		cat = 1;
	else if (strcmp(name, "unassigned") == 0)
		cat = 2;
	else if (strcmp(name, "public") == 0)
		cat = 1 | 2;
	else if (strcmp(name, "user") == 0)
		cat = 4;
	else if (strcmp(name, "reserved") == 0)
		cat = 8;
	else if (strcmp(name, "all") == 0)
		cat = CAT_ALL;
	else
		return false;
	k->has_category = true;
	k->category = neg ? (uint8_t)(~cat & CAT_ALL) : cat;
	return true;
}

static bool parse_unit(const char *s, struct modbus_kw *k)
{
	regmatch_t m[6];
	char min[32], max[32], extra[512];
	if (!run_re(UNIT_RE, s, m, 6) || !group(s, m, 1, min, sizeof(min)))
		return false;
	if (group(s, m, 5, extra, sizeof(extra)) && !parse_function(extra, k) &&
	    !parse_access(extra, k))
		return false;
	return parse_range(min, group(s, m, 3, max, sizeof(max)) ? max : NULL, &k->unit);
}

/* ------------------------------------------------------------ matching */

static bool check_match(const struct range16 *r, uint32_t v)
{
	if (r->lo == r->hi)
		return v == r->lo;
	if (r->lo == 0)
		return v < r->hi;
	if (r->hi == UINT16_MAX)
		return v > r->lo;
	return r->lo < v && v < r->hi;
}

static bool check_match_range(const struct range16 *r, uint32_t a, uint32_t b)
{
	if (r->lo == r->hi)
		return r->lo >= a && r->lo <= b;
	if (r->lo == 0)
		return r->hi > a;
	if (r->hi == UINT16_MAX)
		return r->lo < b;
	return r->lo < b && a < r->hi;
}

/* 1-based registers the request covers (sawp-modbus get_address_range). */
static bool address_range(const struct modbus_msg *m, uint32_t *a, uint32_t *b)
{
	switch (m->kind) {
	case MODBUS_DATA_WRITE_OTHER:
	case MODBUS_DATA_WRITE_MASK: *a = *b = (uint32_t)m->addr + 1; return true;
	case MODBUS_DATA_READ_REQ:
		if (m->read_qty == 0)
			return false;
		*a = (uint32_t)m->read_addr + 1;
		*b = (uint32_t)m->read_addr + m->read_qty;
		return true;
	case MODBUS_DATA_WRITE_MULT:
	case MODBUS_DATA_READ_WRITE:
		if (m->qty == 0)
			return false;
		*a = (uint32_t)m->addr + 1;
		*b = (uint32_t)m->addr + m->qty;
		return true;
	default: return false;
	}
}

/* The value written at 1-based register `address` (get_write_value_at_address). */
static bool write_value(const struct modbus_msg *m, uint16_t address, uint32_t *out)
{
	uint32_t a, b;
	if (address_range(m, &a, &b) && (address < a || address > b))
		return false;
	bool coils = (m->access & MODBUS_ACC_COILS) != 0;
	if (m->access & MODBUS_ACC_SINGLE) {
		if (m->kind != MODBUS_DATA_WRITE_OTHER)
			return false;
		*out = coils ? (m->value != 0) : m->value;
		return true;
	}
	if (!(m->access & MODBUS_ACC_MULTIPLE))
		return false;
	if (m->kind != MODBUS_DATA_WRITE_MULT && m->kind != MODBUS_DATA_READ_WRITE)
		return false;
	uint32_t start = m->addr;
	if (start == UINT16_MAX || start >= address)
		return false;
	uint32_t rel = address - (start + 1);
	uint32_t off = rel * 2;
	if (coils)
		off >>= 3;
	if (off + 1 >= m->n_bytes)
		return false;
	uint32_t v = (uint32_t)m->bytes[off] << 8 | m->bytes[off + 1];
	if (coils)
		v = (v >> (rel & 7)) & 1;
	*out = v;
	return true;
}

static bool inspect_data(const struct modbus_msg *m, const struct modbus_kw *k)
{
	if (!k->address.set)
		return true;
	uint32_t a, b;
	if (!address_range(m, &a, &b) || !check_match_range(&k->address, a, b))
		return false;
	if (!k->value.set)
		return true;
	uint32_t v;
	return write_value(m, k->address.lo, &v) && check_match(&k->value, v);
}

static bool modbus_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	const struct modbus_tx *tx = vtx;
	const struct modbus_kw *k = ctx;
	const struct modbus_msg *m = tx->request;
	if (m == NULL)
		return false;
	if (k->unit.set && !check_match(&k->unit, m->unit_id))
		return false;
	if (k->has_access) {
		uint8_t rw = k->access & (MODBUS_ACC_READ | MODBUS_ACC_WRITE);
		uint8_t fn = k->access & (MODBUS_ACC_DISCRETES | MODBUS_ACC_COILS |
					  MODBUS_ACC_INPUT | MODBUS_ACC_HOLDING);
		if (rw == 0 || !(m->access & rw) || (fn != 0 && !(m->access & fn)))
			return false;
		return inspect_data(m, k);
	}
	if (k->has_category)
		return (m->category & k->category) != 0;
	if (!k->has_function)
		return true;
	uint8_t code = modbus_function_known(m->code) ? m->code : 0xff;
	if (code != k->function)
		return false;
	if (!k->has_sub)
		return true;
	return m->kind == MODBUS_DATA_DIAGNOSTIC && m->sub == k->sub;
}

static int modbus_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_MODBUS, modbus_test, ctx);
}

/* Suricata tries unit, then function, then access. */
static bool modbus_kw_parse(const char *s, struct modbus_kw *k)
{
	memset(k, 0, sizeof(*k));
	if (parse_unit(s, k))
		return true;
	memset(k, 0, sizeof(*k));
	if (parse_function(s, k))
		return true;
	memset(k, 0, sizeof(*k));
	return parse_access(s, k);
}

static int modbus_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct modbus_kw *k = malloc(sizeof(*k));
	if (k == NULL)
		return -1;
	const char *s = arg != NULL ? arg : "";
	if (!modbus_kw_parse(s, k)) {
		pc_error(pc, "invalid modbus option '%s'", s);
		free(k);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("modbus"), k) == NULL) {
		free(k);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_MODBUS, AD_TS);
}

static const struct kw_def defs[] = {
    {"modbus", NULL, "Modbus request: function, access or unit", modbus_setup, modbus_match, NULL,
     free, 0},
};

const struct kw_family kw_family_modbus = {defs, sizeof(defs) / sizeof(defs[0])};

/* For the unit tests: a parsed argument (free() it), NULL when Suricata rejects it;
 * and the keyword's test on a transaction. */
void *kw_modbus_parse_for_test(const char *arg);
void *kw_modbus_parse_for_test(const char *arg)
{
	struct modbus_kw *k = malloc(sizeof(*k));
	if (k != NULL && !modbus_kw_parse(arg, k)) {
		free(k);
		k = NULL;
	}
	return k;
}

bool kw_modbus_test_for_test(const void *tx, const void *k);
bool kw_modbus_test_for_test(const void *tx, const void *k)
{
	return modbus_test(tx, APP_TOSERVER, k);
}
