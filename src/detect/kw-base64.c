/*
 * kw-base64.c — base64_decode and base64_data.
 *
 *   base64_decode: [bytes N][, offset N][, relative]
 *   base64_data;   (sticky buffer: the decoded bytes)
 * base64_decode decodes from the buffer start (or the cursor with
 * `relative`) plus offset, at most N input bytes, into the worker's
 * scratch; it always "matches", as in Suricata — a failed decode leaves
 * base64_data empty, so content on it cannot match.  Decoding stops at the
 * first byte outside the base64 alphabet or at '='.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

struct b64_ctx {
	uint32_t bytes, offset;
	bool relative;
};

static int b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int b64_decode_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			      uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct b64_ctx *c = ctx;
	*retry = UINT32_MAX;
	*end = cursor;
	dt->b64_len = 0;
	uint64_t start = (uint64_t)c->offset + (c->relative ? cursor : 0);
	if (start >= b->len)
		return 1;
	uint32_t len = b->len - (uint32_t)start;
	if (c->bytes != 0 && c->bytes < len)
		len = c->bytes;
	uint32_t need = len / 4 * 3 + 3;
	if (dt->b64_cap < need) {
		uint8_t *n = realloc(dt->b64, need);
		if (n == NULL)
			return 1;
		dt->b64 = n;
		dt->b64_cap = need;
	}
	const uint8_t *in = b->data + start;
	uint32_t o = 0, acc = 0;
	int nb = 0;
	for (uint32_t i = 0; i < len; i++) {
		int v = b64_value(in[i]);
		if (v < 0)
			break;
		acc = acc << 6 | (uint32_t)v;
		if (++nb == 4) {
			dt->b64[o++] = (uint8_t)(acc >> 16);
			dt->b64[o++] = (uint8_t)(acc >> 8);
			dt->b64[o++] = (uint8_t)acc;
			nb = 0;
			acc = 0;
		}
	}
	if (nb == 2) {
		dt->b64[o++] = (uint8_t)(acc >> 4);
	} else if (nb == 3) {
		dt->b64[o++] = (uint8_t)(acc >> 10);
		dt->b64[o++] = (uint8_t)(acc >> 2);
	}
	dt->b64_len = o;
	return 1;
}

static int b64_decode_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct b64_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	if (arg != NULL) {
		char buf[128], *f[4];
		snprintf(buf, sizeof(buf), "%s", arg);
		int n = str_split(buf, ',', f, 4);
		for (int i = 0; i < n; i++) {
			uint64_t u;
			if (strcmp(f[i], "relative") == 0)
				c->relative = true;
			else if (strncmp(f[i], "bytes", 5) == 0 && parse_u64(f[i] + 5, &u) &&
				 u > 0 && u <= 65535)
				c->bytes = (uint32_t)u;
			else if (strncmp(f[i], "offset", 6) == 0 && parse_u64(f[i] + 6, &u) &&
				 u <= 65535)
				c->offset = (uint32_t)u;
			else {
				pc_error(pc, "invalid base64_decode option '%s'", f[i]);
				free(c);
				return -1;
			}
		}
	}
	if (r->cur_buf >= 0 && r->bufs[r->cur_buf].buf_id == BUF_BASE64) {
		pc_error(pc, "base64_decode inside base64_data");
		free(c);
		return -1;
	}
	struct rule_buffer *rb = rule_rel_buffer(r, c->relative);
	struct sm *sm = rb ? list_add_payload(rb, kw_lookup("base64_decode"), c) : NULL;
	if (sm == NULL) {
		free(c);
		return -1;
	}
	sm->relative = c->relative;
	return 0;
}

static int b64_data_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	bool have_decode = false;
	for (uint32_t i = 0; i < r->nbufs; i++)
		for (uint32_t j = 0; j < r->bufs[i].sms.n; j++)
			have_decode |= r->bufs[i].sms.v[j].kw == kw_lookup("base64_decode");
	if (!have_decode) {
		pc_error(pc, "base64_data without a preceding base64_decode");
		return -1;
	}
	return sticky_buffer_select(pc, r, BUF_BASE64);
}

static const struct kw_def defs[] = {
    {"base64_decode", NULL, "base64-decode part of the buffer for base64_data", b64_decode_setup,
     NULL, b64_decode_inspect, NULL, KW_PAYLOAD | KW_OPTIONAL},
    {"base64_data", NULL, "sticky buffer: the output of base64_decode", b64_data_setup, NULL, NULL,
     NULL, KW_NOOPT | KW_STICKY},
};

const struct kw_family kw_family_base64 = {defs, sizeof(defs) / sizeof(defs[0])};
