/*
 * kw-pcre.c — pcre:"/regex/flags" with PCRE2 and its JIT.
 *
 * Flags follow Suricata: i s m x A E G (ungreedy) O (no match limits),
 * R (relative to the previous match), B (rawbytes, no-op).  The HTTP
 * buffer flags (U I P H D M C S Y V W Q Z) and capture to variables are
 * recognised and the rule skipped as unsupported until the app layer
 * provides those buffers.  Match data lives in the per-worker det_thread;
 * the compiled code is shared read-only.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

struct pcre_ctx {
	pcre2_code *code;
	bool relative, negated;
};

static void pcre_ctx_free(void *p)
{
	struct pcre_ctx *c = p;
	if (c != NULL)
		pcre2_code_free(c->code);
	free(c);
}

static int pcre_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct pcre_ctx *c = ctx;
	*retry = UINT32_MAX;
	uint32_t base = c->relative ? cursor : 0;
	uint32_t start = resume > base ? resume : base;
	if (start > b->len)
		return c->negated ? (*end = cursor, 1) : 0;
	pcre2_match_data *md = dt->pcre_md;
	int rc = pcre2_match(c->code, b->data + base, b->len - base, start - base, 0, md, NULL);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_PARTIAL)
		return c->negated ? 0 : -1; /* match limit: treated as no match */
	bool matched = rc >= 0;
	if (c->negated) {
		*end = cursor;
		return matched ? 0 : 1;
	}
	if (!matched)
		return 0;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	*end = base + (uint32_t)ov[1];
	*retry = base + (uint32_t)ov[0] + 1;
	return 1;
}

static int pcre_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	const char *s = arg;
	bool neg = false;
	if (*s == '!') {
		neg = true;
		s++;
	}
	char *v = strdup(s);
	if (v == NULL)
		return -1;
	int rc = -1;
	struct pcre_ctx *c = NULL;
	if (str_unquote(v) != 1) {
		pc_error(pc, "pcre must be a quoted string");
		goto out;
	}
	char *re = v;
	if (*re != '/') {
		pc_error(pc, "pcre must start with '/'");
		goto out;
	}
	re++;
	char *last = strrchr(re, '/');
	if (last == NULL) {
		pc_error(pc, "pcre without closing '/'");
		goto out;
	}
	*last = '\0';
	const char *flags = last + 1;
	uint32_t opts = 0;
	bool relative = false;
	for (const char *f = flags; *f; f++) {
		switch (*f) {
		case 'i': opts |= PCRE2_CASELESS; break;
		case 's': opts |= PCRE2_DOTALL; break;
		case 'm': opts |= PCRE2_MULTILINE; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		case 'A': opts |= PCRE2_ANCHORED; break;
		case 'E': opts |= PCRE2_DOLLAR_ENDONLY; break;
		case 'G': opts |= PCRE2_UNGREEDY; break;
		case 'R': relative = true; break;
		case 'O':
		case 'B': break;
		case 'U':
		case 'I':
		case 'P':
		case 'H':
		case 'D':
		case 'M':
		case 'C':
		case 'S':
		case 'Y':
		case 'V':
		case 'W':
		case 'Q':
		case 'Z': {
			char name[16];
			snprintf(name, sizeof(name), "pcre:%c", *f);
			pc_unsupported(pc, name);
			goto out;
		}
		case ',': pc_unsupported(pc, "pcre-capture"); goto out;
		default: pc_error(pc, "unknown pcre flag '%c'", *f); goto out;
		}
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		goto out;
	int err;
	PCRE2_SIZE eoff;
	c->code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, opts, &err, &eoff, NULL);
	if (c->code == NULL) {
		PCRE2_UCHAR msg[128];
		pcre2_get_error_message(err, msg, sizeof(msg));
		pc_error(pc, "pcre compile error at %zu: %s", (size_t)eoff, (char *)msg);
		goto out;
	}
	pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE);
	c->relative = relative;
	c->negated = neg;
	struct rule_buffer *rb = rule_cur_buffer(r);
	struct sm *sm = rb ? list_add_payload(rb, kw_lookup("pcre"), c) : NULL;
	if (sm == NULL)
		goto out;
	sm->relative = relative;
	c = NULL;
	rc = 0;
out:
	pcre_ctx_free(c);
	free(v);
	return rc;
}

static const struct kw_def defs[] = {
    {"pcre", NULL, "Perl-compatible regular expression (PCRE2, JIT)", pcre_setup, NULL,
     pcre_inspect, pcre_ctx_free, KW_PAYLOAD},
};

const struct kw_family kw_family_pcre = {defs, sizeof(defs) / sizeof(defs[0])};
