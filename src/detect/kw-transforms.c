/*
 * kw-transforms.c — buffer transforms: to_lowercase to_uppercase
 * strip_whitespace compress_whitespace dotprefix url_decode to_md5 to_sha1
 * to_sha256 xor from_base64 pcrexform header_lowercase strip_pseudo_headers.
 *
 * A transform follows a sticky buffer and precedes its content; the chain
 * runs in rule order on each inspection, writing into the per-worker
 * scratch slots of det_thread (never into packet memory).  Every output
 * size is bounded by the input size (or the digest size / input+1 for
 * dotprefix), and the scratch grows to fit.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <openssl/evp.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

enum {
	T_LOWER,
	T_UPPER,
	T_STRIP_WS,
	T_COMPRESS_WS,
	T_DOTPREFIX,
	T_URL_DECODE,
	T_MD5,
	T_SHA1,
	T_SHA256,
	T_XOR,
	T_FROM_BASE64,
	T_PCREXFORM,
	T_HEADER_LOWER,
	T_STRIP_PSEUDO,
	T_LUAXFORM, /* kw-lua.c */
};

struct xor_ctx {
	uint8_t *key;
	uint32_t len;
};

struct b64_ctx {
	uint32_t bytes, offset;
	bool strict;
};

uint8_t *transform_scratch(struct det_thread *dt, int slot, uint32_t need)
{
	if (need == 0)
		need = 1;
	if (dt->xcap[slot] < need) {
		uint8_t *n = realloc(dt->xbuf[slot], need);
		if (n == NULL)
			return NULL;
		dt->xbuf[slot] = n;
		dt->xcap[slot] = need;
	}
	return dt->xbuf[slot];
}

static int b64val(uint8_t c)
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

static uint32_t base64_decode(const struct b64_ctx *c, const uint8_t *in, uint32_t len,
			      uint8_t *out)
{
	if (c->offset >= len)
		return 0;
	in += c->offset;
	len -= c->offset;
	if (c->bytes != 0 && c->bytes < len)
		len = c->bytes;
	uint32_t o = 0, acc = 0;
	int nb = 0;
	for (uint32_t i = 0; i < len; i++) {
		if (in[i] == '=')
			break;
		int v = b64val(in[i]);
		if (v < 0) {
			if (c->strict)
				break;
			continue; /* RFC 2045: skip what is not in the alphabet */
		}
		acc = acc << 6 | (uint32_t)v;
		if (++nb == 4) {
			out[o++] = (uint8_t)(acc >> 16);
			out[o++] = (uint8_t)(acc >> 8);
			out[o++] = (uint8_t)acc;
			nb = 0;
			acc = 0;
		}
	}
	if (nb == 2)
		out[o++] = (uint8_t)(acc >> 4);
	else if (nb == 3) {
		out[o++] = (uint8_t)(acc >> 10);
		out[o++] = (uint8_t)(acc >> 2);
	}
	return o;
}

static uint32_t url_decode(const uint8_t *in, uint32_t len, uint8_t *out)
{
	uint32_t o = 0;
	for (uint32_t i = 0; i < len; i++) {
		if (in[i] == '%' && i + 2 < len + 0 && isxdigit(in[i + 1]) && isxdigit(in[i + 2])) {
			char h[3] = {(char)in[i + 1], (char)in[i + 2], 0};
			out[o++] = (uint8_t)strtoul(h, NULL, 16);
			i += 2;
		} else if (in[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = in[i];
		}
	}
	return o;
}

static uint32_t digest(const EVP_MD *md, const uint8_t *in, uint32_t len, uint8_t *out)
{
	unsigned int ol = 0;
	if (EVP_Digest(in, len, out, &ol, md, NULL) != 1)
		return 0;
	return ol;
}

/* Removes HTTP/2 pseudo-header lines (":method: GET"). */
static uint32_t strip_pseudo(const uint8_t *in, uint32_t len, uint8_t *out)
{
	uint32_t o = 0, i = 0;
	while (i < len) {
		uint32_t e = i;
		while (e < len && in[e] != '\n')
			e++;
		uint32_t next = e < len ? e + 1 : e;
		if (in[i] != ':') {
			memcpy(out + o, in + i, next - i);
			o += next - i;
		}
		i = next;
	}
	return o;
}

/* Lowercases header names: bytes from each line start up to its ':'. */
static uint32_t header_lower(const uint8_t *in, uint32_t len, uint8_t *out)
{
	bool name = true;
	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = in[i];
		if (c == '\n')
			name = true;
		else if (c == ':' && name)
			name = false;
		out[i] = name ? (uint8_t)tolower(c) : c;
	}
	return len;
}

bool transform_apply(struct det_thread *dt, const struct transform *t, struct inspect_buf *b,
		     int slot)
{
	if (t->type == T_LUAXFORM)
		return lua_xform_apply(dt, t->ctx, b, slot);
	const uint8_t *in = b->data;
	uint32_t len = b->len, o = 0;
	uint8_t *out = transform_scratch(dt, slot, len + 64);
	if (out == NULL)
		return false;
	switch (t->type) {
	case T_LOWER:
		for (uint32_t i = 0; i < len; i++)
			out[i] = (uint8_t)tolower(in[i]);
		o = len;
		break;
	case T_UPPER:
		for (uint32_t i = 0; i < len; i++)
			out[i] = (uint8_t)toupper(in[i]);
		o = len;
		break;
	case T_STRIP_WS:
		for (uint32_t i = 0; i < len; i++)
			if (!isspace(in[i]))
				out[o++] = in[i];
		break;
	case T_COMPRESS_WS:
		for (uint32_t i = 0; i < len; i++) {
			if (isspace(in[i])) {
				if (o > 0 && isspace(out[o - 1]))
					continue;
			}
			out[o++] = in[i];
		}
		break;
	case T_DOTPREFIX:
		out[0] = '.';
		memcpy(out + 1, in, len);
		o = len + 1;
		break;
	case T_URL_DECODE: o = url_decode(in, len, out); break;
	case T_MD5: o = digest(EVP_md5(), in, len, out); break;
	case T_SHA1: o = digest(EVP_sha1(), in, len, out); break;
	case T_SHA256: o = digest(EVP_sha256(), in, len, out); break;
	case T_XOR: {
		const struct xor_ctx *x = t->ctx;
		for (uint32_t i = 0; i < len; i++)
			out[i] = in[i] ^ x->key[i % x->len];
		o = len;
		break;
	}
	case T_FROM_BASE64: o = base64_decode(t->ctx, in, len, out); break;
	case T_PCREXFORM: {
		pcre2_match_data *md = dt->pcre_md;
		int rc = pcre2_match(t->ctx, in, len, 0, 0, md, NULL);
		if (rc < 2)
			return false;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		o = (uint32_t)(ov[3] - ov[2]);
		memcpy(out, in + ov[2], o);
		break;
	}
	case T_HEADER_LOWER: o = header_lower(in, len, out); break;
	case T_STRIP_PSEUDO: o = strip_pseudo(in, len, out); break;
	default: return false;
	}
	b->data = out;
	b->len = o;
	return true;
}

void transform_free(struct transform *t)
{
	if (t->type == T_LUAXFORM) {
		lua_xform_free(t->ctx);
		t->ctx = NULL;
		return;
	}
	if (t->type == T_PCREXFORM)
		pcre2_code_free(t->ctx);
	else if (t->type == T_XOR && t->ctx != NULL)
		free(((struct xor_ctx *)t->ctx)->key);
	if (t->type != T_PCREXFORM)
		free(t->ctx);
	t->ctx = NULL;
}

/* ------------------------------------------------------------ setup */

static int add_transform(struct parse_ctx *pc, struct rule *r, int type, void *ctx)
{
	if (r->cur_buf < 0) {
		pc_error(pc, "transform needs a sticky buffer");
		return -1;
	}
	struct rule_buffer *rb = &r->bufs[r->cur_buf];
	if (rb->sms.n > 0) {
		/* As Suricata 8: what follows looks at the transformed buffer,
		 * what came before at the buffer as it was; so a second
		 * instance of the buffer starts, with the chain so far. */
		for (uint32_t i = 0; i < rb->nxf; i++)
			if (rb->xf[i].ctx != NULL) {
				pc_error(pc, "transform after content of a buffer already "
					     "transformed with parameters");
				return -1;
			}
		rb = rule_add_buffer(r, rb->buf_id, rb->xf, rb->nxf);
		if (rb == NULL)
			return -1;
		r->cur_buf = (int)(rb - r->bufs);
		rule_set_last_content(r, NULL);
	}
	struct transform *n = realloc(rb->xf, (rb->nxf + 1) * sizeof(*n));
	if (n == NULL)
		return -1;
	rb->xf = n;
	n[rb->nxf].type = type;
	n[rb->nxf].ctx = ctx;
	rb->nxf++;
	return 0;
}

int transform_add_lua(struct parse_ctx *pc, struct rule *r, void *ctx)
{
	return add_transform(pc, r, T_LUAXFORM, ctx);
}

#define SIMPLE(fn, type)                                                                           \
	static int fn(struct parse_ctx *pc, struct rule *r, const char *arg)                       \
	{                                                                                          \
		return add_transform(pc, r, type, NULL);                                           \
	}
SIMPLE(lower_setup, T_LOWER)
SIMPLE(upper_setup, T_UPPER)
SIMPLE(strip_ws_setup, T_STRIP_WS)
SIMPLE(compress_ws_setup, T_COMPRESS_WS)
SIMPLE(dotprefix_setup, T_DOTPREFIX)
SIMPLE(url_decode_setup, T_URL_DECODE)
SIMPLE(md5_setup, T_MD5)
SIMPLE(sha1_setup, T_SHA1)
SIMPLE(sha256_setup, T_SHA256)
SIMPLE(header_lower_setup, T_HEADER_LOWER)
SIMPLE(strip_pseudo_setup, T_STRIP_PSEUDO)

static int xor_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	size_t n = strlen(arg);
	if (n == 0 || n % 2 != 0 || n > 510) {
		pc_error(pc, "invalid xor key '%s'", arg);
		return -1;
	}
	struct xor_ctx *x = calloc(1, sizeof(*x));
	if (x == NULL || (x->key = malloc(n / 2)) == NULL) {
		free(x);
		return -1;
	}
	for (size_t i = 0; i < n; i += 2) {
		char h[3] = {arg[i], arg[i + 1], 0};
		if (!isxdigit((unsigned char)h[0]) || !isxdigit((unsigned char)h[1])) {
			pc_error(pc, "invalid xor key '%s'", arg);
			free(x->key);
			free(x);
			return -1;
		}
		x->key[i / 2] = (uint8_t)strtoul(h, NULL, 16);
	}
	x->len = (uint32_t)(n / 2);
	if (add_transform(pc, r, T_XOR, x) != 0) {
		free(x->key);
		free(x);
		return -1;
	}
	return 0;
}

static int from_base64_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct b64_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	if (arg != NULL) {
		char buf[128], *f[4];
		snprintf(buf, sizeof(buf), "%s", arg);
		int n = str_split(buf, ',', f, 4);
		for (int i = 0; i < n; i++) {
			char *k = f[i], *v = strchr(k, ' ');
			uint64_t u;
			if (v == NULL)
				goto bad;
			*v = '\0';
			v = str_trim(v + 1);
			if (strcmp(k, "bytes") == 0 && parse_u64(v, &u) && u > 0 && u <= 65535)
				c->bytes = (uint32_t)u;
			else if (strcmp(k, "offset") == 0 && parse_u64(v, &u) && u <= 65535)
				c->offset = (uint32_t)u;
			else if (strcmp(k, "mode") == 0 &&
				 (strcmp(v, "strict") == 0 || strcmp(v, "rfc4648") == 0))
				c->strict = true;
			else if (strcmp(k, "mode") == 0 && strcmp(v, "rfc2045") == 0)
				c->strict = false;
			else
				goto bad;
		}
	} else {
		c->strict = false;
	}
	if (add_transform(pc, r, T_FROM_BASE64, c) != 0) {
		free(c);
		return -1;
	}
	return 0;
bad:
	pc_error(pc, "invalid from_base64 '%s'", arg);
	free(c);
	return -1;
}

static int pcrexform_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	int err;
	PCRE2_SIZE eoff;
	pcre2_code *code =
	    pcre2_compile((PCRE2_SPTR)arg, PCRE2_ZERO_TERMINATED, 0, &err, &eoff, NULL);
	if (code == NULL) {
		pc_error(pc, "invalid pcrexform '%s'", arg);
		return -1;
	}
	uint32_t caps = 0;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &caps);
	if (caps < 1) {
		pc_error(pc, "pcrexform needs a capture group");
		pcre2_code_free(code);
		return -1;
	}
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	if (add_transform(pc, r, T_PCREXFORM, code) != 0) {
		pcre2_code_free(code);
		return -1;
	}
	return 0;
}

static const struct kw_def defs[] = {
    {"to_lowercase", NULL, "transform: lowercase", lower_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_TRANSFORM},
    {"to_uppercase", NULL, "transform: uppercase", upper_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_TRANSFORM},
    {"strip_whitespace", NULL, "transform: remove whitespace", strip_ws_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_TRANSFORM},
    {"compress_whitespace", NULL, "transform: collapse whitespace runs", compress_ws_setup, NULL,
     NULL, NULL, KW_NOOPT | KW_TRANSFORM},
    {"dotprefix", NULL, "transform: prepend a dot", dotprefix_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_TRANSFORM},
    {"url_decode", NULL, "transform: URL-decode", url_decode_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_TRANSFORM},
    {"to_md5", NULL, "transform: MD5 digest", md5_setup, NULL, NULL, NULL, KW_NOOPT | KW_TRANSFORM},
    {"to_sha1", NULL, "transform: SHA-1 digest", sha1_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_TRANSFORM},
    {"to_sha256", NULL, "transform: SHA-256 digest", sha256_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_TRANSFORM},
    {"xor", NULL, "transform: XOR with a hex key", xor_setup, NULL, NULL, NULL,
     KW_TRANSFORM | KW_QUOTES_OK},
    {"from_base64", NULL, "transform: base64-decode", from_base64_setup, NULL, NULL, NULL,
     KW_OPTIONAL | KW_TRANSFORM},
    {"pcrexform", NULL, "transform: first capture of a regex", pcrexform_setup, NULL, NULL, NULL,
     KW_TRANSFORM | KW_NEEDS_QUOTES},
    {"header_lowercase", NULL, "transform: lowercase header names", header_lower_setup, NULL, NULL,
     NULL, KW_NOOPT | KW_TRANSFORM},
    {"strip_pseudo_headers", NULL, "transform: drop HTTP/2 pseudo headers", strip_pseudo_setup,
     NULL, NULL, NULL, KW_NOOPT | KW_TRANSFORM},
};

const struct kw_family kw_family_transforms = {defs, sizeof(defs) / sizeof(defs[0])};
