/*
 * rule-parse.c — one rule's text to a struct rule.
 *
 * The text is `header (opt; opt:value; ...)`.  Options are split at every
 * ';' not escaped by a backslash, as Suricata does (quotes do not protect a
 * ';'); the name ends at the first ':'.  Each option goes to its keyword's
 * setup function through the table in keywords.c; this file never knows
 * what a keyword means.  After the options, the rule is checked as a whole
 * (sid present, modifiers consistent) and its fast pattern is chosen.
 *
 * A rule that uses a keyword vigil does not implement is "skipped", not
 * "failed": pc->is_unsupported is set and pc->unsupported names it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

void pc_error(struct parse_ctx *pc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pc->err, sizeof(pc->err), fmt, ap);
	va_end(ap);
}

void pc_unsupported(struct parse_ctx *pc, const char *kw)
{
	free(pc->unsupported);
	pc->unsupported = strdup(kw);
	pc->is_unsupported = true;
	snprintf(pc->err, sizeof(pc->err), "unsupported keyword '%s'", kw);
}

/* ------------------------------------------------------------ string helpers */

char *str_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* True when the quote at s[i] is escaped by an odd run of backslashes. */
static bool escaped_at(const char *s, size_t i)
{
	size_t n = 0;
	while (i > n && s[i - n - 1] == '\\')
		n++;
	return n % 2 == 1;
}

int str_unquote(char *s)
{
	size_t n = strlen(s);
	if (n == 0 || s[0] != '"') {
		/* A stray closing quote without an opening one is unbalanced too. */
		if (n > 0 && s[n - 1] == '"' && !escaped_at(s, n - 1))
			return -1;
		return 0;
	}
	if (n < 2 || s[n - 1] != '"' || escaped_at(s, n - 1))
		return -1;
	memmove(s, s + 1, n - 2);
	s[n - 2] = '\0';
	return 1;
}

bool parse_u64(const char *s, uint64_t *v)
{
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
	unsigned long long l = strtoull(s, &end, base);
	if (errno != 0)
		return false;
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0')
		return false;
	*v = l;
	return true;
}

bool parse_i64(const char *s, int64_t *v)
{
	while (isspace((unsigned char)*s))
		s++;
	bool neg = false;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	uint64_t u;
	if (!parse_u64(s, &u) || u > (uint64_t)INT64_MAX)
		return false;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return true;
}

int str_split(char *s, char sep, char **fields, int max)
{
	int n = 0;
	char *start = s;
	for (char *c = s;; c++) {
		if (*c == sep || *c == '\0') {
			bool end = *c == '\0';
			if (n == max)
				return -1;
			*c = '\0';
			fields[n++] = str_trim(start);
			if (end)
				break;
			start = c + 1;
		}
	}
	return n;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

uint8_t *content_decode(struct parse_ctx *pc, const char *s, uint32_t *len)
{
	size_t n = strlen(s);
	uint8_t *out = malloc(n + 1);
	if (out == NULL) {
		pc_error(pc, "out of memory");
		return NULL;
	}
	uint32_t o = 0;
	bool hex = false, escape = false;
	int nib = -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (hex) {
			if (c == '|') {
				if (nib >= 0) {
					pc_error(pc, "odd number of hex digits in content");
					goto fail;
				}
				hex = false;
			} else if (isspace(c)) {
				if (nib >= 0) {
					pc_error(pc, "split hex byte in content");
					goto fail;
				}
			} else if (hexval(c) >= 0) {
				if (nib < 0) {
					nib = hexval(c);
				} else {
					out[o++] = (uint8_t)(nib << 4 | hexval(c));
					nib = -1;
				}
			} else {
				pc_error(pc, "invalid hex character '%c' in content", c);
				goto fail;
			}
			continue;
		}
		if (escape) {
			if (c != '\\' && c != '"' && c != ';' && c != ':' && c != '|') {
				pc_error(pc, "invalid escape '\\%c' in content", c);
				goto fail;
			}
			out[o++] = c;
			escape = false;
		} else if (c == '\\') {
			escape = true;
		} else if (c == '|') {
			hex = true;
		} else if (c == '"') {
			pc_error(pc, "unescaped '\"' in content");
			goto fail;
		} else {
			out[o++] = c;
		}
	}
	if (hex) {
		pc_error(pc, "unterminated hex block in content");
		goto fail;
	}
	if (escape) {
		pc_error(pc, "trailing backslash in content");
		goto fail;
	}
	if (o == 0) {
		pc_error(pc, "empty content");
		goto fail;
	}
	*len = o;
	return out;
fail:
	free(out);
	return NULL;
}

/* Suricata's integer keyword syntax: N, =N, !N, <N, <=N, >N, >=N, N-M, N<>M, !N-M, &M. */
/* Adds a numeric comparison keyword (`ttl:<10`, `itype:8`, `seq:5-9`) with
 * its parsed argument as match context. */
int rule_add_u64_cmp(struct parse_ctx *pc, struct rule *r, const char *kw, const char *arg,
		     uint64_t max)
{
	struct u64_cmp *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (u64_cmp_parse(arg, max, c) != 0) {
		pc_error(pc, "invalid %s '%s'", kw, arg);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

int u64_cmp_parse(const char *s, uint64_t max, struct u64_cmp *c)
{
	char buf[128];
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	char *t = str_trim(buf);
	memset(c, 0, sizeof(*c));
	bool neg = false;
	if (t[0] == '!') {
		neg = true;
		t = str_trim(t + 1);
	}
	char *sep;
	if ((sep = strstr(t, "<>")) != NULL || ((sep = strchr(t + 1, '-')) != NULL && !neg) ||
	    (neg && (sep = strchr(t + 1, '-')) != NULL)) {
		size_t sl = (sep[0] == '<') ? 2 : 1;
		*sep = '\0';
		if (!parse_u64(t, &c->a) || !parse_u64(sep + sl, &c->b) || c->a >= c->b ||
		    c->b > max)
			return -1;
		c->mode = neg ? U_NRANGE : U_RANGE;
		return 0;
	}
	if (neg) {
		if (!parse_u64(t, &c->a) || c->a > max)
			return -1;
		c->mode = U_NE;
		return 0;
	}
	enum u64_mode m = U_EQ;
	if (strncmp(t, "<=", 2) == 0) {
		m = U_LE;
		t += 2;
	} else if (strncmp(t, ">=", 2) == 0) {
		m = U_GE;
		t += 2;
	} else if (t[0] == '<') {
		m = U_LT;
		t++;
	} else if (t[0] == '>') {
		m = U_GT;
		t++;
	} else if (t[0] == '=') {
		t++;
	} else if (t[0] == '&') {
		m = U_BITS_ANY;
		t++;
	}
	if (!parse_u64(t, &c->a) || c->a > max)
		return -1;
	if ((m == U_LT && c->a == 0) || (m == U_GT && c->a == max))
		return -1;
	c->mode = m;
	return 0;
}

bool u64_cmp_match(const struct u64_cmp *c, uint64_t v)
{
	switch (c->mode) {
	case U_EQ: return v == c->a;
	case U_NE: return v != c->a;
	case U_LT: return v < c->a;
	case U_LE: return v <= c->a;
	case U_GT: return v > c->a;
	case U_GE: return v >= c->a;
	case U_RANGE: return v > c->a && v < c->b;
	case U_NRANGE: return v <= c->a || v >= c->b;
	case U_BITS_ANY: return (v & c->a) != 0;
	case U_BITS_ALL: return (v & c->a) == c->a;
	}
	return false;
}

/* ------------------------------------------------------------ rule lists */

static struct sm *list_add(struct sm_list *l, const struct kw_def *kw, void *ctx)
{
	if (l->n == l->cap) {
		uint32_t nc = l->cap ? l->cap * 2 : 4;
		struct sm *nv = realloc(l->v, nc * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		l->v = nv;
		l->cap = nc;
	}
	struct sm *s = &l->v[l->n++];
	s->kw = kw;
	s->ctx = ctx;
	s->relative = false;
	return s;
}

struct sm *list_add_payload(struct rule_buffer *rb, const struct kw_def *kw, void *ctx)
{
	struct sm *s = list_add(&rb->sms, kw, ctx);
	if (s != NULL)
		s->relative = false;
	return s;
}

struct sm *rule_add_sm(struct rule *r, int list, const struct kw_def *kw, void *ctx)
{
	return list_add(&r->lists[list], kw, ctx);
}

struct rule_buffer *rule_get_buffer(struct rule *r, int buf_id, bool create)
{
	for (uint32_t i = 0; i < r->nbufs; i++)
		if (r->bufs[i].buf_id == buf_id)
			return &r->bufs[i];
	return create ? rule_add_buffer(r, buf_id, NULL, 0) : NULL;
}

struct rule_buffer *rule_add_buffer(struct rule *r, int buf_id, const struct transform *xf,
				    uint32_t nxf)
{
	struct transform *copy = NULL;
	if (nxf > 0) {
		copy = malloc(nxf * sizeof(*copy));
		if (copy == NULL)
			return NULL;
		memcpy(copy, xf, nxf * sizeof(*copy));
	}
	struct rule_buffer *nb = realloc(r->bufs, (r->nbufs + 1) * sizeof(*nb));
	if (nb == NULL) {
		free(copy);
		return NULL;
	}
	r->bufs = nb;
	memset(&nb[r->nbufs], 0, sizeof(nb[0]));
	nb[r->nbufs].buf_id = buf_id;
	nb[r->nbufs].xf = copy;
	nb[r->nbufs].nxf = nxf;
	return &nb[r->nbufs++];
}

/* Removes bufs[i] (empty) from the rule, keeping the parse-time indices right. */
static void rule_drop_buffer(struct rule *r, uint32_t i)
{
	free(r->bufs[i].sms.v);
	free(r->bufs[i].xf);
	memmove(&r->bufs[i], &r->bufs[i + 1], (r->nbufs - i - 1) * sizeof(*r->bufs));
	r->nbufs--;
	if (r->cur_buf == (int)i)
		r->cur_buf = -1;
	else if (r->cur_buf > (int)i)
		r->cur_buf--;
	if (r->last_content_buf == (int)i)
		r->last_content_buf = -1;
	else if (r->last_content_buf > (int)i)
		r->last_content_buf--;
}

struct sm *rule_move_sm(struct rule *r, int from, uint32_t idx, int to)
{
	if (from == to || rule_get_buffer(r, to, true) == NULL)
		return NULL;
	struct rule_buffer *src = rule_get_buffer(r, from, false);
	struct rule_buffer *dst = rule_get_buffer(r, to, false);
	if (src == NULL || idx >= src->sms.n)
		return NULL;
	struct sm moved = src->sms.v[idx];
	struct sm *s = list_add(&dst->sms, moved.kw, moved.ctx);
	if (s == NULL)
		return NULL;
	s->relative = moved.relative;
	memmove(&src->sms.v[idx], &src->sms.v[idx + 1],
		(src->sms.n - idx - 1) * sizeof(src->sms.v[0]));
	src->sms.n--;
	uint32_t si = (uint32_t)(src - r->bufs), di = (uint32_t)(dst - r->bufs);
	if (r->last_content_buf == (int)si && r->last_content_idx > idx)
		r->last_content_idx--;
	if (src->sms.n == 0 && src->nxf == 0 && !src->absent) {
		rule_drop_buffer(r, si);
		if (di > si)
			di--;
	}
	return &r->bufs[di].sms.v[r->bufs[di].sms.n - 1];
}

struct sm *rule_last_content_sm(struct rule *r)
{
	if (r->last_content_buf < 0)
		return NULL;
	return &r->bufs[r->last_content_buf].sms.v[r->last_content_idx];
}

void rule_set_last_content(struct rule *r, struct rule_buffer *rb)
{
	if (rb == NULL) {
		r->last_content_buf = -1;
		return;
	}
	r->last_content_buf = (int)(rb - r->bufs);
	r->last_content_idx = rb->sms.n - 1;
}

struct rule_buffer *rule_cur_buffer(struct rule *r)
{
	if (r->cur_buf >= 0)
		return &r->bufs[r->cur_buf];
	return rule_get_buffer(r, BUF_PKT, true);
}

struct rule_buffer *rule_rel_buffer(struct rule *r, bool relative)
{
	if (relative && r->cur_buf < 0 && r->last_content_buf >= 0)
		return &r->bufs[r->last_content_buf];
	return rule_cur_buffer(r);
}

int rule_byte_var_lookup(const struct rule *r, const char *name)
{
	for (int i = 0; i < r->byte_vars; i++)
		if (strcmp(r->byte_var_names[i], name) == 0)
			return i;
	return -1;
}

int rule_byte_var_add(struct parse_ctx *pc, struct rule *r, const char *name)
{
	if (rule_byte_var_lookup(r, name) >= 0) {
		pc_error(pc, "variable '%s' defined twice", name);
		return -1;
	}
	if (r->byte_vars >= BYTE_VARS_MAX) {
		pc_error(pc, "too many byte variables");
		return -1;
	}
	r->byte_var_names[r->byte_vars] = strdup(name);
	if (r->byte_var_names[r->byte_vars] == NULL)
		return -1;
	return r->byte_vars++;
}

static void sm_list_free(struct sm_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (l->v[i].kw->free != NULL)
			l->v[i].kw->free(l->v[i].ctx);
		else
			free(l->v[i].ctx);
	free(l->v);
}

void rule_free(struct rule *r)
{
	if (r == NULL)
		return;
	addr_set_free(&r->h.src);
	addr_set_free(&r->h.dst);
	port_set_free(&r->h.sp);
	port_set_free(&r->h.dp);
	free(r->msg);
	free(r->classtype);
	free(r->enrichment);
	for (size_t i = 0; i < r->nmetadata; i++)
		free(r->metadata[i]);
	free(r->metadata);
	for (size_t i = 0; i < r->nrefs; i++) {
		free((char *)r->refs[i].key);
		free((char *)r->refs[i].value);
		free((char *)r->refs[i].url);
	}
	free(r->refs);
	for (int i = 0; i < LIST_MAX; i++)
		sm_list_free(&r->lists[i]);
	for (uint32_t i = 0; i < r->nbufs; i++) {
		sm_list_free(&r->bufs[i].sms);
		for (uint32_t j = 0; j < r->bufs[i].nxf; j++)
			transform_free(&r->bufs[i].xf[j]);
		free(r->bufs[i].xf);
	}
	free(r->bufs);
	for (int i = 0; i < r->byte_vars; i++)
		free(r->byte_var_names[i]);
	free(r);
}

/* ------------------------------------------------------------ options */

/* Finds the end of one option: the first ';' not escaped; NULL if none. */
static char *option_end(char *s)
{
	bool esc = false;
	for (; *s; s++) {
		if (esc)
			esc = false;
		else if (*s == '\\')
			esc = true;
		else if (*s == ';')
			return s;
	}
	return NULL;
}

static int apply_option(struct parse_ctx *pc, struct rule *r, char *opt)
{
	char *name = opt, *val = NULL;
	char *colon = strchr(opt, ':');
	if (colon != NULL) {
		*colon = '\0';
		val = str_trim(colon + 1);
	}
	name = str_trim(name);
	if (*name == '\0') {
		pc_error(pc, "empty option name");
		return -1;
	}
	const struct kw_def *kw = kw_lookup(name);
	if (kw == NULL) {
		pc_unsupported(pc, name);
		return -1;
	}
	if (kw->setup == NULL) {
		pc_unsupported(pc, kw->name);
		return -1;
	}
	if ((kw->flags & KW_NOOPT) && val != NULL) {
		pc_error(pc, "keyword '%s' takes no value", kw->name);
		return -1;
	}
	if (!(kw->flags & (KW_NOOPT | KW_OPTIONAL)) && (val == NULL || *val == '\0')) {
		pc_error(pc, "keyword '%s' needs a value", kw->name);
		return -1;
	}
	if (val != NULL && (kw->flags & (KW_QUOTES_OK | KW_NEEDS_QUOTES))) {
		int q = str_unquote(val);
		if (q < 0) {
			pc_error(pc, "unbalanced quotes in '%s' value", kw->name);
			return -1;
		}
		if (q == 0 && (kw->flags & KW_NEEDS_QUOTES)) {
			pc_error(pc, "'%s' value must be quoted", kw->name);
			return -1;
		}
	}
	int buf = app_buffer_keyword_buf(kw);
	int rc = buf >= 0 ? sticky_buffer_select(pc, r, buf) : kw->setup(pc, r, val);
	if (rc != 0) {
		if (pc->err[0] == '\0')
			pc_error(pc, "invalid value for '%s'", kw->name);
		if (!pc->is_unsupported) {
			free(pc->unsupported);
			pc->unsupported = strdup(kw->name); /* for --rule-stats */
		}
		return -1;
	}
	return 0;
}

/* The name of option `opt` (up to ':' or its end) is `name`. */
static bool option_is(const char *opt, const char *name)
{
	while (isspace((unsigned char)*opt))
		opt++;
	size_t n = strlen(name);
	if (strncmp(opt, name, n) != 0)
		return false;
	opt += n;
	while (isspace((unsigned char)*opt))
		opt++;
	return *opt == ':' || *opt == '\0';
}

/* `requires` is checked before anything else, as Suricata does: a rule
 * whose requirements are not met is skipped even when the rest of it
 * (header included) would not parse. */
static int requires_first(struct parse_ctx *pc, struct rule *r, const char *body)
{
	char *copy = strdup(body);
	if (copy == NULL) {
		pc_error(pc, "out of memory");
		return -1;
	}
	int rc = 0;
	for (char *p = copy, *end; rc == 0 && (end = option_end(p)) != NULL; p = end + 1) {
		*end = '\0';
		if (option_is(p, "requires"))
			rc = apply_option(pc, r, p);
	}
	free(copy);
	return rc;
}

static bool has_dsize(const struct rule *r)
{
	for (uint32_t i = 0; i < r->lists[LIST_MATCH].n; i++)
		if (strcmp(r->lists[LIST_MATCH].v[i].kw->name, "dsize") == 0)
			return true;
	return false;
}

/* Suricata's stream rules: TCP rules with payload keywords inspect the
 * reassembled stream of a session, unless they are packet rules
 * (tcp-pkt, flow:no_stream, dsize). */
static void rule_classify_stream(struct rule *r)
{
	bool payload = false;
	for (uint32_t i = 0; i < r->nbufs; i++)
		if ((r->bufs[i].buf_id == BUF_PKT || r->bufs[i].buf_id == BUF_STREAM) &&
		    r->bufs[i].sms.n > 0)
			payload = true;
	bool tcp = !r->h.proto_any && (r->h.protos[0] & (1u << 6));
	if (r->flags & RF_ONLY_STREAM)
		payload = tcp = true;
	/* App-buffer rules run on the packet that completes a transaction. */
	if (!payload || !tcp || (r->flags & RF_APP_BUF) || (r->h.proto_flags & RP_TCP_PKT) ||
	    (r->flags & RF_NO_STREAM) || has_dsize(r))
		return;
	r->flags |= RF_STREAM;
}

/*
 * Suricata's IP-only rules (detect-engine-build.c SignatureIsIPOnly): no
 * payload, buffer, application protocol or per-packet keyword, and for
 * TCP/UDP both ports "any".  They look at addresses only, so on a flow
 * they run on its first packet in each direction, not on every packet.
 */
static void rule_classify_iponly(struct rule *r)
{
	if (r->nbufs > 0 || r->lists[LIST_MATCH].n > 0 || (r->flags & (RF_APP_BUF | RF_FRAME)) ||
	    r->h.app != 0 || (r->h.proto_flags & RP_APP) || r->tx_proto != 0)
		return;
	bool tcp_udp = !r->h.proto_any && ((r->h.protos[6 / 8] & (1u << (6 % 8))) ||
					   (r->h.protos[17 / 8] & (1u << (17 % 8))));
	if (tcp_udp && (!r->h.sp.any || !r->h.dp.any))
		return;
	r->flags |= RF_IPONLY;
}

static int rule_finish(struct parse_ctx *pc, struct rule *r)
{
	if (!(r->flags & RF_HAS_SID)) {
		pc_error(pc, "rule has no sid");
		return -1;
	}
	if (rule_validate_content(pc, r) != 0)
		return -1;
	for (uint32_t i = 0; i < r->nbufs; i++) {
		const struct buffer_def *bd = buffer_def(r->bufs[i].buf_id);
		if (bd == NULL || bd->get == NULL) {
			pc_unsupported(pc, bd ? bd->name : "buffer");
			return -1;
		}
	}
	if (rule_finish_app(pc, r) != 0 || rule_finish_frame(pc, r) != 0)
		return -1;
	rule_finalize_content(r);
	rule_classify_stream(r);
	rule_classify_iponly(r);
	return 0;
}

struct rule *rule_parse(struct parse_ctx *pc, const char *text)
{
	pc->err[0] = '\0';
	pc->is_unsupported = false;
	free(pc->unsupported);
	pc->unsupported = NULL;
	char *copy = strdup(text);
	struct rule *r = calloc(1, sizeof(*r));
	if (copy == NULL || r == NULL) {
		pc_error(pc, "out of memory");
		goto fail;
	}
	r->gid = 1;
	r->priority = 3;
	r->cur_buf = -1;
	r->last_content_buf = -1;
	r->file = pc->file;
	r->line = pc->line;
	char *open = strchr(copy, '(');
	if (open == NULL) {
		pc_error(pc, "rule has no options");
		goto fail;
	}
	*open = '\0';
	char *body = open + 1;
	size_t bl = strlen(body);
	while (bl > 0 && isspace((unsigned char)body[bl - 1]))
		bl--;
	if (bl == 0 || body[bl - 1] != ')') {
		pc_error(pc, "rule options not closed by ')'");
		goto fail;
	}
	body[bl - 1] = '\0';
	if (requires_first(pc, r, body) != 0 || rule_header_parse(pc, copy, &r->h) != 0)
		goto fail;
	if (r->h.action == DETECT_ACTION_CONFIG) {
		pc_unsupported(pc, "action:config");
		goto fail;
	}
	char *p = body;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		char *end = option_end(p);
		if (end == NULL) {
			pc_error(pc, "option '%.40s' not terminated by ';'", p);
			goto fail;
		}
		*end = '\0';
		if (!option_is(p, "requires") && apply_option(pc, r, p) != 0)
			goto fail;
		p = end + 1;
	}
	if (rule_finish(pc, r) != 0)
		goto fail;
	free(copy);
	return r;
fail:
	free(copy);
	rule_free(r);
	return NULL;
}
