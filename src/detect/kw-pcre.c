/*
 * kw-pcre.c — pcre:"/regex/flags" with PCRE2 and its JIT.
 *
 * Flags follow Suricata: i s m x A E G (ungreedy) O (no match limits),
 * R (relative to the previous match), B (rawbytes, no-op), and one buffer
 * flag at most: U I P Q H D M C S Y V W Z put the pcre in that HTTP buffer
 * (as its legacy content modifier would) without setting a sticky buffer;
 * with a sticky buffer set the flag must name that buffer.  Quotes around
 * the expression are optional.  Capture to variables is recognised and the
 * rule skipped as unsupported.  Match data lives in the per-worker
 * det_thread; the compiled code is shared read-only.
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

/* The buffer a pcre flag selects (Suricata's detect-pcre.c), or NULL. */
static const char *flag_buffer(char f)
{
	switch (f) {
	case 'U': return "http.uri";
	case 'I': return "http.uri.raw";
	case 'P': return "http.request_body";
	case 'Q': return "file.data";
	case 'H': return "http.header";
	case 'D': return "http.header.raw";
	case 'M': return "http.method";
	case 'C': return "http.cookie";
	case 'S': return "http.stat_code";
	case 'Y': return "http.stat_msg";
	case 'V': return "http.user_agent";
	case 'W': return "http.host";
	case 'Z': return "http.host.raw";
	}
	return NULL;
}

/* An upper-case letter outside escapes (\x41, \W): http.host is lower case. */
static bool has_upper(const char *re)
{
	for (const char *c = re; *c; c++) {
		if (*c == '\\' && c[1] != '\0') {
			c += c[1] == 'x' && c[2] != '\0' && c[3] != '\0' ? 3 : 1;
			continue;
		}
		if (*c >= 'A' && *c <= 'Z')
			return true;
	}
	return false;
}

struct pcre_opts {
	uint32_t opts;
	bool relative, rawbytes, caseless;
	int buf; /* buffer id chosen by a flag, -1 none */
};

static int parse_flags(struct parse_ctx *pc, const char *flags, struct pcre_opts *o)
{
	o->buf = -1;
	for (const char *f = flags; *f; f++) {
		const char *bname = flag_buffer(*f);
		if (bname != NULL) {
			/* D P Q S Y may follow B in Suricata; the others may not. */
			if (o->rawbytes && strchr("UVWZHIMC", *f) != NULL) {
				pc_error(pc, "pcre flag '%c' inconsistent with 'B'", *f);
				return -1;
			}
			if (o->buf >= 0) {
				pc_error(pc, "only one pcre flag may select a buffer");
				return -1;
			}
			o->buf = buffer_lookup(bname);
			if (o->buf < 0) {
				pc_unsupported(pc, bname);
				return -1;
			}
			continue;
		}
		switch (*f) {
		case 'i':
			o->opts |= PCRE2_CASELESS;
			o->caseless = true;
			break;
		case 's': o->opts |= PCRE2_DOTALL; break;
		case 'm': o->opts |= PCRE2_MULTILINE; break;
		case 'x': o->opts |= PCRE2_EXTENDED; break;
		case 'A': o->opts |= PCRE2_ANCHORED; break;
		case 'E': o->opts |= PCRE2_DOLLAR_ENDONLY; break;
		case 'G': o->opts |= PCRE2_UNGREEDY; break;
		case 'R': o->relative = true; break;
		case 'O': break;
		case 'B':
			if (o->buf >= 0) {
				pc_error(pc, "pcre flag 'B' inconsistent with the chosen buffer");
				return -1;
			}
			o->rawbytes = true;
			break;
		case ',': pc_unsupported(pc, "pcre-capture"); return -1;
		default: pc_error(pc, "unknown pcre flag '%c'", *f); return -1;
		}
	}
	return 0;
}

/* True when l holds a content or a pcre (what /R needs outside a sticky
 * buffer; other keywords may come between). */
static bool has_match(const struct sm_list *l)
{
	for (uint32_t i = 0; i < l->n; i++) {
		const char *name = l->v[i].kw->name;
		if (strcmp(name, "content") == 0 || strcmp(name, "pcre") == 0)
			return true;
	}
	return false;
}

/* Suricata's /Q names file_data, which http.response_body is too. */
static bool same_buffer(int flag_buf, int sticky)
{
	return flag_buf == sticky || (flag_buf == buffer_lookup("file.data") &&
				      sticky == buffer_lookup("http.response_body"));
}

/* The list the pcre goes to: the sticky buffer, else the flag's buffer,
 * else the payload. */
static struct rule_buffer *pcre_buffer(struct parse_ctx *pc, struct rule *r,
				       const struct pcre_opts *o)
{
	if (r->cur_buf >= 0) {
		if (o->buf >= 0 && !same_buffer(o->buf, r->bufs[r->cur_buf].buf_id)) {
			pc_error(pc, "pcre buffer flag differs from the sticky buffer");
			return NULL;
		}
		return &r->bufs[r->cur_buf];
	}
	if (o->buf < 0)
		return rule_rel_buffer(r, o->relative);
	if (buffer_check(pc, r, o->buf) != 0)
		return NULL;
	return rule_get_buffer(r, o->buf, true);
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
	/* Quotes are optional: pcre:"/a/i" and pcre:/a/i are the same. */
	if (str_unquote(v) < 0) {
		pc_error(pc, "unbalanced quotes in pcre");
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
	struct pcre_opts o = {0};
	if (parse_flags(pc, last + 1, &o) != 0)
		goto out;
	if (o.buf == buffer_lookup("http.host") && !o.caseless && has_upper(re)) {
		pc_error(pc, "pcre /W with an upper-case character: http.host is lower case");
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		goto out;
	int err;
	PCRE2_SIZE eoff;
	c->code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, o.opts, &err, &eoff, NULL);
	if (c->code == NULL) {
		PCRE2_UCHAR msg[128];
		pcre2_get_error_message(err, msg, sizeof(msg));
		pc_error(pc, "pcre compile error at %zu: %s", (size_t)eoff, (char *)msg);
		goto out;
	}
	pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE);
	c->relative = o.relative;
	c->negated = neg;
	bool sticky = r->cur_buf >= 0;
	struct rule_buffer *rb = pcre_buffer(pc, r, &o);
	if (rb == NULL)
		goto out;
	if (o.relative && !sticky && !has_match(&rb->sms)) {
		pc_error(pc, "pcre /R needs a preceding content or pcre in the same buffer");
		goto out;
	}
	struct sm *sm = list_add_payload(rb, kw_lookup("pcre"), c);
	if (sm == NULL)
		goto out;
	sm->relative = o.relative;
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
