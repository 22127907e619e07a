/*
 * kw-entropy.c — entropy: Shannon entropy (bits per byte) of a slice of
 * the current buffer compared with a value:
 *   entropy: [bytes N,] [offset N,] value <op>F     (op: = < > <= >= !=)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

struct entropy_ctx {
	uint32_t bytes, offset;
	bool relative;
	char op[3];
	double value;
};

static int entropy_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			   uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct entropy_ctx *c = ctx;
	*retry = UINT32_MAX;
	*end = cursor;
	uint64_t start = (uint64_t)c->offset + (c->relative ? cursor : 0);
	if (start > b->len)
		return 0;
	uint32_t len = b->len - (uint32_t)start;
	if (c->bytes != 0 && c->bytes < len)
		len = c->bytes;
	if (len == 0)
		return 0;
	uint32_t count[256] = {0};
	for (uint32_t i = 0; i < len; i++)
		count[b->data[start + i]]++;
	double h = 0;
	for (int i = 0; i < 256; i++) {
		if (count[i] == 0)
			continue;
		double pr = (double)count[i] / len;
		h -= pr * log2(pr);
	}
	const double eps = 1e-6;
	if (strcmp(c->op, "<") == 0)
		return h < c->value;
	if (strcmp(c->op, ">") == 0)
		return h > c->value;
	if (strcmp(c->op, "<=") == 0)
		return h <= c->value + eps;
	if (strcmp(c->op, ">=") == 0)
		return h >= c->value - eps;
	if (strcmp(c->op, "!=") == 0)
		return fabs(h - c->value) > eps;
	return fabs(h - c->value) <= eps;
}

static int entropy_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[256], *f[8];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 8);
	struct entropy_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	bool have_value = false;
	for (int i = 0; i < n; i++) {
		char *k = f[i], *v = strchr(k, ' ');
		if (v != NULL) {
			*v = '\0';
			v = str_trim(v + 1);
		}
		uint64_t u;
		if (v == NULL && strcmp(k, "relative") == 0) {
			c->relative = true;
		} else if (v != NULL && strcmp(k, "bytes") == 0 && parse_u64(v, &u) && u > 0 &&
			   u <= 65535) {
			c->bytes = (uint32_t)u;
		} else if (v != NULL && strcmp(k, "offset") == 0 && parse_u64(v, &u) &&
			   u <= 65535) {
			c->offset = (uint32_t)u;
		} else if (v != NULL && strcmp(k, "value") == 0) {
			size_t ol = strspn(v, "<>=!");
			if (ol > 2)
				goto bad;
			memcpy(c->op, v, ol);
			c->op[ol] = '\0';
			char *end;
			c->value = strtod(v + ol, &end);
			if (end == v + ol || *str_trim(end) != '\0' || c->value < 0 || c->value > 8)
				goto bad;
			have_value = true;
		} else {
			goto bad;
		}
	}
	if (!have_value)
		goto bad;
	struct rule_buffer *rb = rule_cur_buffer(r);
	struct sm *sm = rb ? list_add_payload(rb, kw_lookup("entropy"), c) : NULL;
	if (sm == NULL) {
		free(c);
		return -1;
	}
	sm->relative = c->relative;
	return 0;
bad:
	pc_error(pc, "invalid entropy '%s'", arg);
	free(c);
	return -1;
}

static const struct kw_def defs[] = {
    {"entropy", NULL, "Shannon entropy of (part of) the buffer", entropy_setup, NULL,
     entropy_inspect, NULL, KW_PAYLOAD},
};

const struct kw_family kw_family_entropy = {defs, sizeof(defs) / sizeof(defs[0])};
