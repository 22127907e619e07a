/*
 * kw-byte.c — byte_test, byte_jump, byte_extract, byte_math.
 *
 * All four read `bytes` bytes at `offset` (from the buffer start, or from
 * the cursor with `relative`), as big/little-endian binary or as an ASCII
 * number (string, hex|dec|oct).  Every read is checked against the buffer
 * length first.  byte_extract and byte_math store into the rule's variables
 * (det_thread.byte_values), which content modifiers, isdataat and the other
 * byte keywords can name instead of a number.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

enum { B_BIG, B_LITTLE };
enum { OP_LT, OP_GT, OP_EQ, OP_LE, OP_GE, OP_AND, OP_OR, OP_NE };
enum { M_ADD, M_SUB, M_MUL, M_DIV, M_SHL, M_SHR };

struct bval {
	int64_t v;
	bool var; /* v is a variable index */
};

struct byte_ctx {
	uint32_t bytes;
	int bytes_var;	    /* byte_extract/byte_math variable giving `bytes`, -1 = none */
	uint32_t bytes_max; /* largest binary size the keyword takes (8; byte_math 4) */
	struct bval offset;
	bool relative, string, negated;
	bool dce; /* byte order of the DCERPC stub (dt->dce_big_endian) */
	int endian, base;
	uint64_t bitmask;
	/* byte_test */
	int op;
	struct bval value;
	/* byte_jump */
	uint64_t multiplier;
	bool align, from_beginning, from_end;
	int64_t post_offset;
	/* byte_extract / byte_math */
	int var;
	int moper;
	struct bval rvalue;
};

static uint64_t bval_get(struct det_thread *dt, const struct bval *b)
{
	return b->var ? dt->byte_values[b->v] : (uint64_t)b->v;
}

/* Reads the field; false when it lies outside the buffer or is not a number. */
/* The number of bytes to read: fixed, or a variable's value, which must
 * be a size the keyword could have been written with. */
static bool byte_count(struct det_thread *dt, const struct byte_ctx *c, uint32_t *n)
{
	if (c->bytes_var < 0) {
		*n = c->bytes;
		return true;
	}
	uint64_t v = dt != NULL ? dt->byte_values[c->bytes_var] : 0;
	if (v == 0 || v > (c->string ? 23u : c->bytes_max) ||
	    (c->dce && v != 1 && v != 2 && v != 4))
		return false;
	*n = (uint32_t)v;
	return true;
}

static bool byte_read(struct det_thread *dt, const struct byte_ctx *c, const struct inspect_buf *b,
		      uint32_t cursor, uint32_t *pos_out, uint64_t *val, uint32_t *nbytes)
{
	uint32_t nb;
	if (!byte_count(dt, c, &nb))
		return false;
	*nbytes = nb;
	int64_t pos = (int64_t)bval_get(dt, &c->offset);
	if (c->offset.var)
		pos = (int64_t)dt->byte_values[c->offset.v];
	else
		pos = c->offset.v;
	if (c->relative)
		pos += cursor;
	if (pos < 0 || (uint64_t)pos + nb > b->len)
		return false;
	const uint8_t *p = b->data + pos;
	uint64_t v = 0;
	if (c->string) {
		/* 0 bytes: the number as long as it goes (at most 23 characters,
		 * the longest that fits 64 bits), as Suricata reads it */
		uint32_t n = nb;
		if (n == 0)
			n = b->len - (uint32_t)pos < 23 ? b->len - (uint32_t)pos : 23;
		if (n == 0)
			return false;
		char tmp[32];
		memcpy(tmp, p, n);
		tmp[n] = '\0';
		char *end;
		if (!isxdigit((unsigned char)tmp[0]))
			return false;
		v = strtoull(tmp, &end, c->base);
		if (end == tmp)
			return false;
	} else if (c->dce ? (dt != NULL && dt->dce_big_endian) : c->endian == B_BIG) {
		for (uint32_t i = 0; i < nb; i++)
			v = (v << 8) | p[i];
	} else {
		for (uint32_t i = nb; i > 0; i--)
			v = (v << 8) | p[i - 1];
	}
	if (c->bitmask != 0) {
		v &= c->bitmask;
		uint64_t m = c->bitmask;
		while (m && !(m & 1)) {
			m >>= 1;
			v >>= 1;
		}
	}
	*pos_out = (uint32_t)pos;
	*val = v;
	return true;
}

static int byte_test_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			     uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct byte_ctx *c = ctx;
	*retry = UINT32_MAX;
	*end = cursor;
	uint32_t pos, nb;
	uint64_t v;
	if (!byte_read(dt, c, b, cursor, &pos, &v, &nb))
		return 0;
	uint64_t t = bval_get(dt, &c->value);
	bool m = false;
	switch (c->op) {
	case OP_LT: m = v < t; break;
	case OP_GT: m = v > t; break;
	case OP_EQ: m = v == t; break;
	case OP_LE: m = v <= t; break;
	case OP_GE: m = v >= t; break;
	case OP_AND: m = (v & t) != 0; break;
	case OP_OR: m = (v ^ t) != 0; break;
	case OP_NE: m = v != t; break;
	}
	if (c->negated)
		m = !m;
	return m ? 1 : 0;
}

static int byte_jump_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			     uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct byte_ctx *c = ctx;
	*retry = UINT32_MAX;
	uint32_t pos, nb;
	uint64_t v;
	if (!byte_read(dt, c, b, cursor, &pos, &v, &nb))
		return 0;
	int64_t val = (int64_t)(v * c->multiplier);
	if (c->align && (val % 4) != 0)
		val += 4 - (val % 4);
	int64_t j;
	if (c->from_beginning)
		j = val;
	else if (c->from_end)
		j = (int64_t)b->len + val;
	else
		j = (int64_t)pos + nb + val;
	j += c->post_offset;
	if (j < 0 || j > (int64_t)b->len)
		return 0;
	*end = (uint32_t)j;
	return 1;
}

static int byte_extract_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
				uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct byte_ctx *c = ctx;
	*retry = UINT32_MAX;
	uint32_t pos, nb;
	uint64_t v;
	if (!byte_read(dt, c, b, cursor, &pos, &v, &nb))
		return 0;
	v *= c->multiplier;
	if (c->align && (v % 4) != 0)
		v += 4 - (v % 4);
	dt->byte_values[c->var] = v;
	*end = pos + nb;
	return 1;
}

static int byte_math_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			     uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct byte_ctx *c = ctx;
	*retry = UINT32_MAX;
	*end = cursor;
	uint32_t pos, nb;
	uint64_t v;
	if (!byte_read(dt, c, b, cursor, &pos, &v, &nb))
		return 0;
	uint64_t rv = bval_get(dt, &c->rvalue);
	switch (c->moper) {
	case M_ADD: v += rv; break;
	case M_SUB: v -= rv; break;
	case M_MUL: v *= rv; break;
	case M_DIV:
		if (rv == 0)
			return 0;
		v /= rv;
		break;
	case M_SHL: v = rv >= 64 ? 0 : v << rv; break;
	case M_SHR: v = rv >= 64 ? 0 : v >> rv; break;
	}
	dt->byte_values[c->var] = v;
	return 1;
}

/* ------------------------------------------------------------ parsing */

static int parse_bval(struct parse_ctx *pc, struct rule *r, const char *s, int64_t lo, int64_t hi,
		      struct bval *out, const char *what)
{
	if (parse_i64(s, &out->v)) {
		if (out->v < lo || out->v > hi) {
			pc_error(pc, "%s '%s' out of range", what, s);
			return -1;
		}
		out->var = false;
		return 0;
	}
	int id = rule_byte_var_lookup(r, s);
	if (id < 0) {
		pc_error(pc, "invalid %s '%s'", what, s);
		return -1;
	}
	out->var = true;
	out->v = id;
	return 0;
}

/* The byte count: a number, or (byte_test, byte_jump, byte_math: Suricata's
 * *_NBYTES_VAR) the name of an earlier byte_extract/byte_math variable. */
static int parse_bytes(struct parse_ctx *pc, struct rule *r, const char *s, struct byte_ctx *c,
		       bool zero_ok)
{
	uint64_t n;
	c->bytes_var = -1;
	if (c->bytes_max == 0)
		c->bytes_max = 8;
	if (r != NULL && !parse_u64(s, &n)) {
		int id = rule_byte_var_lookup(r, s);
		if (id >= 0) {
			c->bytes_var = id;
			c->bytes = 1; /* checked against the variable's value when read */
			return 0;
		}
	}
	if (!parse_u64(s, &n) || (n == 0 && !zero_ok) || n > 23) {
		pc_error(pc, "invalid number of bytes '%s'", s);
		return -1;
	}
	c->bytes = (uint32_t)n;
	return 0;
}

/* Options common to all four keywords; returns 1 consumed, 0 not ours, -1 error. */
static int common_opt(struct parse_ctx *pc, struct byte_ctx *c, char **f, int n, int *i)
{
	const char *o = f[*i];
	if (strcmp(o, "relative") == 0)
		c->relative = true;
	else if (strcmp(o, "big") == 0)
		c->endian = B_BIG;
	else if (strcmp(o, "little") == 0)
		c->endian = B_LITTLE;
	else if (strcmp(o, "string") == 0)
		c->string = true;
	else if (strcmp(o, "hex") == 0)
		c->base = 16;
	else if (strcmp(o, "dec") == 0)
		c->base = 10;
	else if (strcmp(o, "oct") == 0)
		c->base = 8;
	else if (strcmp(o, "dce") == 0)
		c->dce = true;
	else if (strncmp(o, "bitmask", 7) == 0) {
		uint64_t m;
		if (!parse_u64(str_trim((char *)o + 7), &m) || m == 0) {
			pc_error(pc, "invalid bitmask '%s'", o);
			return -1;
		}
		c->bitmask = m;
	} else
		return 0;
	return 1;
}

static int check_sizes(struct parse_ctx *pc, struct byte_ctx *c)
{
	if (c->base != 0 && !c->string) {
		pc_error(pc, "number type needs 'string'");
		return -1;
	}
	if (c->string && c->base == 0)
		c->base = 10;
	if (!c->string && c->bytes > 8) {
		pc_error(pc, "more than 8 bytes without 'string'");
		return -1;
	}
	if (c->dce && (c->string || (c->bytes != 1 && c->bytes != 2 && c->bytes != 4))) {
		/* Suricata: dce reads a 1, 2 or 4 byte binary number */
		pc_error(pc, "'dce' with 'string' or a size other than 1, 2, 4");
		return -1;
	}
	return 0;
}

static int add_byte_sm(struct parse_ctx *pc, struct rule *r, const char *kw, struct byte_ctx *c)
{
	struct rule_buffer *rb = rule_rel_buffer(r, c->relative);
	struct sm *sm = rb ? list_add_payload(rb, kw_lookup(kw), c) : NULL;
	if (sm == NULL)
		return -1;
	sm->relative = c->relative;
	return 0;
}

static int byte_test_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[512], *f[16];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 16);
	struct byte_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	if (n < 4) {
		pc_error(pc, "byte_test needs bytes, operator, value, offset");
		goto fail;
	}
	if (parse_bytes(pc, r, f[0], c, true) != 0)
		goto fail;
	char *op = f[1];
	if (*op == '!') {
		c->negated = true;
		op = str_trim(op + 1);
	}
	static const char *ops[] = {"<", ">", "=", "<=", ">=", "&", "^", "!="};
	c->op = -1;
	for (int i = 0; i < 8; i++)
		if (strcmp(op, ops[i]) == 0)
			c->op = i;
	if (c->op < 0 || (c->negated && *op == '\0')) {
		if (c->negated && *op == '\0') {
			c->op = OP_EQ;
		} else {
			pc_error(pc, "invalid byte_test operator '%s'", f[1]);
			goto fail;
		}
	}
	if (parse_bval(pc, r, f[2], 0, INT64_MAX, &c->value, "byte_test value") != 0 ||
	    parse_bval(pc, r, f[3], -65535, 65535, &c->offset, "byte_test offset") != 0)
		goto fail;
	for (int i = 4; i < n; i++) {
		int k = common_opt(pc, c, f, n, &i);
		if (k < 0)
			goto fail;
		if (k == 0) {
			pc_error(pc, "invalid byte_test option '%s'", f[i]);
			goto fail;
		}
	}
	if (c->bytes == 0 && !c->string) {
		pc_error(pc, "byte_test of 0 bytes needs 'string'");
		goto fail;
	}
	if (check_sizes(pc, c) != 0 || add_byte_sm(pc, r, "byte_test", c) != 0)
		goto fail;
	return 0;
fail:
	free(c);
	return -1;
}

static int byte_jump_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[512], *f[16];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 16);
	struct byte_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->multiplier = 1;
	if (n < 2) {
		pc_error(pc, "byte_jump needs bytes, offset");
		goto fail;
	}
	if (parse_bytes(pc, r, f[0], c, true) != 0 ||
	    parse_bval(pc, r, f[1], -65535, 65535, &c->offset, "byte_jump offset") != 0)
		goto fail;
	for (int i = 2; i < n; i++) {
		int k = common_opt(pc, c, f, n, &i);
		if (k < 0)
			goto fail;
		if (k == 1)
			continue;
		int64_t v;
		if (strcmp(f[i], "align") == 0)
			c->align = true;
		else if (strcmp(f[i], "from_beginning") == 0)
			c->from_beginning = true;
		else if (strcmp(f[i], "from_end") == 0)
			c->from_end = true;
		else if (strncmp(f[i], "multiplier", 10) == 0 && parse_i64(f[i] + 10, &v) &&
			 v >= 1 && v <= 65535)
			c->multiplier = (uint64_t)v;
		else if (strncmp(f[i], "post_offset", 11) == 0 && parse_i64(f[i] + 11, &v) &&
			 v >= -65535 && v <= 65535)
			c->post_offset = v;
		else {
			pc_error(pc, "invalid byte_jump option '%s'", f[i]);
			goto fail;
		}
	}
	if (c->from_beginning && c->from_end) {
		pc_error(pc, "byte_jump: from_beginning and from_end");
		goto fail;
	}
	if (check_sizes(pc, c) != 0 || add_byte_sm(pc, r, "byte_jump", c) != 0)
		goto fail;
	return 0;
fail:
	free(c);
	return -1;
}

static int byte_extract_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[512], *f[16];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 16);
	struct byte_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->multiplier = 1;
	if (n < 3) {
		pc_error(pc, "byte_extract needs bytes, offset, name");
		goto fail;
	}
	if (parse_bytes(pc, NULL, f[0], c, false) != 0 ||
	    parse_bval(pc, r, f[1], -65535, 65535, &c->offset, "byte_extract offset") != 0)
		goto fail;
	for (int i = 3; i < n; i++) {
		int k = common_opt(pc, c, f, n, &i);
		if (k < 0)
			goto fail;
		if (k == 1)
			continue;
		int64_t v;
		if (strncmp(f[i], "multiplier", 10) == 0 && parse_i64(f[i] + 10, &v) && v >= 1 &&
		    v <= 65535)
			c->multiplier = (uint64_t)v;
		else if (strncmp(f[i], "align", 5) == 0 && parse_i64(f[i] + 5, &v) &&
			 (v == 2 || v == 4))
			c->align = true;
		else {
			pc_error(pc, "invalid byte_extract option '%s'", f[i]);
			goto fail;
		}
	}
	if (check_sizes(pc, c) != 0)
		goto fail;
	if ((c->var = rule_byte_var_add(pc, r, f[2])) < 0)
		goto fail;
	if (add_byte_sm(pc, r, "byte_extract", c) != 0)
		goto fail;
	return 0;
fail:
	free(c);
	return -1;
}

static int byte_math_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[512], *f[16];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 16);
	struct byte_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->bytes_max = 4; /* byte_math reads at most 4 binary bytes */
	bool have_bytes = false, have_off = false, have_op = false, have_rv = false;
	const char *result = NULL;
	for (int i = 0; i < n; i++) {
		char *k = f[i], *v = strchr(k, ' ');
		if (v != NULL) {
			*v = '\0';
			v = str_trim(v + 1);
		}
		if (v != NULL && strcmp(k, "bytes") == 0) {
			if (parse_bytes(pc, r, v, c, false) != 0)
				goto fail;
			have_bytes = true;
		} else if (v != NULL && strcmp(k, "offset") == 0) {
			if (parse_bval(pc, r, v, -65535, 65535, &c->offset, "offset") != 0)
				goto fail;
			have_off = true;
		} else if (v != NULL && strcmp(k, "oper") == 0) {
			static const char *mops[] = {"+", "-", "*", "/", "<<", ">>"};
			c->moper = -1;
			for (int j = 0; j < 6; j++)
				if (strcmp(v, mops[j]) == 0)
					c->moper = j;
			if (c->moper < 0) {
				pc_error(pc, "invalid byte_math oper '%s'", v);
				goto fail;
			}
			have_op = true;
		} else if (v != NULL && strcmp(k, "rvalue") == 0) {
			if (parse_bval(pc, r, v, 0, UINT32_MAX, &c->rvalue, "rvalue") != 0)
				goto fail;
			have_rv = true;
		} else if (v != NULL && strcmp(k, "result") == 0) {
			result = v;
		} else if (v != NULL && strcmp(k, "endian") == 0) {
			if (strcmp(v, "big") == 0)
				c->endian = B_BIG;
			else if (strcmp(v, "little") == 0)
				c->endian = B_LITTLE;
			else {
				pc_unsupported(pc, "byte_math:dce");
				goto fail;
			}
		} else if (v != NULL && strcmp(k, "string") == 0) {
			c->string = true;
			c->base = strcmp(v, "hex") == 0 ? 16 : strcmp(v, "oct") == 0 ? 8 : 10;
		} else if (v != NULL && strcmp(k, "bitmask") == 0) {
			if (!parse_u64(v, &c->bitmask) || c->bitmask == 0) {
				pc_error(pc, "invalid bitmask");
				goto fail;
			}
		} else if (v == NULL && strcmp(k, "relative") == 0) {
			c->relative = true;
		} else {
			pc_error(pc, "invalid byte_math option '%s'", k);
			goto fail;
		}
	}
	if (!have_bytes || !have_off || !have_op || !have_rv || result == NULL) {
		pc_error(pc, "byte_math needs bytes, offset, oper, rvalue, result");
		goto fail;
	}
	if (c->bytes > 4 && !c->string) {
		pc_error(pc, "byte_math bytes must be 1-4");
		goto fail;
	}
	if (check_sizes(pc, c) != 0 || (c->var = rule_byte_var_add(pc, r, result)) < 0 ||
	    add_byte_sm(pc, r, "byte_math", c) != 0)
		goto fail;
	return 0;
fail:
	free(c);
	return -1;
}

static const struct kw_def defs[] = {
    {"byte_test", NULL, "compare bytes with a value", byte_test_setup, NULL, byte_test_inspect,
     NULL, KW_PAYLOAD},
    {"byte_jump", NULL, "move the cursor by a value read from the buffer", byte_jump_setup, NULL,
     byte_jump_inspect, NULL, KW_PAYLOAD},
    {"byte_extract", NULL, "read bytes into a variable", byte_extract_setup, NULL,
     byte_extract_inspect, NULL, KW_PAYLOAD},
    {"byte_math", NULL, "arithmetic on bytes into a variable", byte_math_setup, NULL,
     byte_math_inspect, NULL, KW_PAYLOAD},
};

const struct kw_family kw_family_byte = {defs, sizeof(defs) / sizeof(defs[0])};
