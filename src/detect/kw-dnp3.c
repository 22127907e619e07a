/*
 * kw-dnp3.c — the DNP3 keywords (Suricata 8's detect-dnp3.c and its
 * "DNP3 Keywords" documentation):
 *
 *   dnp3_func (dnp3.func): the application function code, an unsigned
 *       8-bit integer (N, !N, N-M, <N, >=N ...) or a function name,
 *       optionally negated (!read); requests and responses.
 *   dnp3_ind (dnp3.ind): internal indications of a response, an unsigned
 *       16-bit integer (0x8000, ...) or flag names (separated by spaces or
 *       commas, each may be negated with '!') after an optional modifier,
 *       as Suricata 8's bitflags: none or '*' any named flag set, '+' the
 *       flags set and the negated ones clear, '-' not that, '=' the value
 *       is exactly the flags named.
 *   dnp3_obj (dnp3.obj): GROUP,VARIATION; any object header of the
 *       message with that group and variation.
 *   dnp3_data (dnp3.data): sticky buffer, the message's reassembled
 *       application data (application header included).
 *
 * They look at the transactions offered for the packet through the
 * parser's public header (app/dnp3.h) and change nothing in it.
 */
#include <stdlib.h>
#include <string.h>

#include "app/dnp3.h"
#include "detect/detect-internal.h"

/* ------------------------------------------------------------ dnp3_func */

static bool func_test(const void *tx, enum app_dir dir, const void *ctx)
{
	return u64_cmp_match(ctx, ((const struct dnp3_tx *)tx)->function_code);
}

static int func_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		      const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_DNP3, func_test, ctx);
}

static int func_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct u64_cmp *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", arg != NULL ? arg : "");
	char *t = str_trim(buf);
	if (u64_cmp_parse(t, UINT8_MAX, c) != 0) {
		bool neg = t[0] == '!';
		int code = dnp3_function_by_name(str_trim(t + neg));
		if (code < 0) {
			pc_error(pc, "invalid dnp3_func '%s'", t);
			free(c);
			return -1;
		}
		c->mode = neg ? U_NE : U_EQ;
		c->a = (uint64_t)code;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("dnp3_func"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_DNP3, AD_BOTH);
}

/* ------------------------------------------------------------ dnp3_ind */

enum ind_mode { IND_NUMBER, IND_ANY, IND_PLUS, IND_NOT, IND_EQUAL };

struct ind_ctx {
	enum ind_mode mode;
	struct u64_cmp num; /* IND_NUMBER */
	uint16_t all;	    /* every flag named */
	uint16_t set;	    /* the flags named without '!' */
};

static bool ind_test(const void *vtx, enum app_dir dir, const void *vctx)
{
	const struct dnp3_tx *tx = vtx;
	const struct ind_ctx *c = vctx;
	if (tx->is_request)
		return false;
	switch (c->mode) {
	case IND_NUMBER: return u64_cmp_match(&c->num, tx->iin);
	case IND_ANY: return (tx->iin & c->all) != 0;
	case IND_PLUS: return (tx->iin & c->all) == c->set;
	case IND_NOT: return (tx->iin & c->all) != c->set;
	case IND_EQUAL: return tx->iin == c->all;
	}
	return false;
}

static int ind_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_DNP3, ind_test, ctx);
}

/* Flag names after the modifier: separated by spaces and commas, each may be
 * negated; a repeated flag is an error.  false on an unknown name. */
static bool ind_parse_flags(char *t, struct ind_ctx *c)
{
	bool any = false;
	while (*t != '\0') {
		while (*t == ' ')
			t++;
		bool neg = *t == '!';
		t += neg;
		char *end = t;
		while (*end != '\0' && *end != ' ' && *end != ',')
			end++;
		char save = *end;
		*end = '\0';
		int bit = dnp3_indicator_by_name(t);
		*end = save;
		if (bit < 0 || (c->all & bit))
			return false;
		c->all |= (uint16_t)bit;
		if (!neg)
			c->set |= (uint16_t)bit;
		any = true;
		t = end;
		while (*t == ' ' || *t == ',')
			t++;
	}
	return any;
}

static int ind_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", arg != NULL ? arg : "");
	char *t = str_trim(buf);
	struct ind_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	if (u64_cmp_parse(t, UINT16_MAX, &c->num) == 0) {
		c->mode = IND_NUMBER;
	} else {
		c->mode = IND_ANY;
		switch (*t) {
		case '*': t++; break;
		case '+':
			c->mode = IND_PLUS;
			t++;
			break;
		case '-':
			c->mode = IND_NOT;
			t++;
			break;
		case '=':
			c->mode = IND_EQUAL;
			t++;
			break;
		}
		while (*t == ' ' || *t == '\t')
			t++;
		if (!ind_parse_flags(t, c)) {
			pc_error(pc, "invalid dnp3_ind '%s'", arg ? arg : "");
			free(c);
			return -1;
		}
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("dnp3_ind"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_DNP3, AD_TC);
}

/* ------------------------------------------------------------ dnp3_obj */

struct obj_ctx {
	uint8_t group, variation;
};

static bool obj_test(const void *vtx, enum app_dir dir, const void *vctx)
{
	const struct dnp3_tx *tx = vtx;
	const struct obj_ctx *c = vctx;
	for (uint32_t i = 0; i < tx->n_objects; i++)
		if (tx->objects[i].group == c->group && tx->objects[i].variation == c->variation)
			return true;
	return false;
}

static int obj_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_DNP3, obj_test, ctx);
}

static bool parse_u8(const char *s, uint8_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long v = strtoul(s, &end, 10);
	if (*end != '\0' || v > UINT8_MAX)
		return false;
	*out = (uint8_t)v;
	return true;
}

static int obj_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", arg != NULL ? arg : "");
	char *fields[3];
	struct obj_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	if (str_split(buf, ',', fields, 3) != 2 || !parse_u8(str_trim(fields[0]), &c->group) ||
	    !parse_u8(str_trim(fields[1]), &c->variation)) {
		pc_error(pc, "invalid dnp3_obj '%s' (GROUP,VARIATION)", arg ? arg : "");
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("dnp3_obj"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_DNP3, AD_BOTH);
}

static const struct kw_def defs[] = {
    {"dnp3_func", "dnp3.func", "DNP3 application function code (number or name)", func_setup,
     func_match, NULL, free, 0},
    {"dnp3_ind", "dnp3.ind", "DNP3 internal indication flags of a response", ind_setup, ind_match,
     NULL, free, 0},
    {"dnp3_obj", "dnp3.obj", "DNP3 object group,variation", obj_setup, obj_match, NULL, free, 0},
};

const struct kw_family kw_family_dnp3 = {defs, sizeof(defs) / sizeof(defs[0])};

/* ------------------------------------------------------------ dnp3_data */

static bool data_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *vtx,
		     enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	const struct dnp3_tx *tx = vtx;
	if (k > 0 || tx->is_request != (dir == APP_TOSERVER) || tx->buffer_len == 0)
		return false;
	*d = tx->buffer;
	*l = tx->buffer_len;
	return true;
}

static const struct app_buffer_spec buffers[] = {
    {"dnp3_data", "dnp3.data", APP_PROTO_DNP3, AD_BOTH, data_get, 0},
};

const struct app_buffer_family app_buffers_dnp3 = {buffers, sizeof(buffers) / sizeof(buffers[0])};
