/*
 * kw-meta.c — keywords that describe a rule rather than match anything:
 * msg sid rev gid classtype priority reference metadata target noalert
 * requires.
 *
 * classtype gives the alert category and, unless `priority` is given
 * anywhere in the rule, the priority.  `requires` is checked against the
 * Suricata version vigil follows (8.0.7): an unmet requirement skips the
 * rule, as Suricata does.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

#define FOLLOWED_MAJOR 8
#define FOLLOWED_MINOR 0
#define FOLLOWED_PATCH 7

/* Removes Suricata's escapes (\" \; \\ \:) in place; any other backslash
 * is kept as written (ET rules have msgs like "(^IE[\d\s])"). */
static int unescape(char *s)
{
	char *o = s;
	for (char *i = s; *i; i++) {
		if (*i == '\\') {
			if (i[1] == '\0')
				return -1;
			if (i[1] == '"' || i[1] == ';' || i[1] == '\\' || i[1] == ':')
				i++;
		}
		*o++ = *i;
	}
	*o = '\0';
	return 0;
}

static int msg_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char *m = strdup(arg ? arg : "");
	if (m == NULL)
		return -1;
	if (unescape(m) != 0) {
		pc_error(pc, "invalid escape in msg");
		free(m);
		return -1;
	}
	free(r->msg);
	r->msg = m;
	return 0;
}

static int u32_value(struct parse_ctx *pc, const char *kw, const char *arg, uint32_t min,
		     uint32_t *out)
{
	uint64_t v;
	if (!parse_u64(arg, &v) || v > UINT32_MAX || v < min) {
		pc_error(pc, "invalid %s '%s'", kw, arg);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int sid_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	if (r->flags & RF_HAS_SID) {
		pc_error(pc, "duplicate sid");
		return -1;
	}
	if (u32_value(pc, "sid", arg, 1, &r->sid) != 0)
		return -1;
	r->flags |= RF_HAS_SID;
	return 0;
}

static int rev_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return u32_value(pc, "rev", arg, 0, &r->rev);
}

static int gid_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return u32_value(pc, "gid", arg, 0, &r->gid);
}

static int priority_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	uint32_t v;
	if (u32_value(pc, "priority", arg, 1, &v) != 0 || v > 255) {
		pc_error(pc, "priority out of range (1-255)");
		return -1;
	}
	r->priority = (int)v;
	r->flags |= RF_PRIO_SET;
	return 0;
}

static int classtype_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	if (r->classtype != NULL) {
		pc_error(pc, "duplicate classtype");
		return -1;
	}
	for (const char *c = arg; *c; c++)
		if (*c == ' ' || *c == ',') {
			pc_error(pc, "invalid classtype '%s'", arg);
			return -1;
		}
	const struct class_entry *ce = NULL;
	if (pc->de != NULL && pc->de->classes.n > 0) {
		ce = classification_find(&pc->de->classes, arg);
		if (ce == NULL) {
			pc_error(pc, "unknown classtype '%s'", arg);
			return -1;
		}
	}
	r->classtype = strdup(arg);
	if (r->classtype == NULL)
		return -1;
	r->category = ce ? ce->desc : "";
	if (ce != NULL && !(r->flags & RF_PRIO_SET))
		r->priority = ce->priority;
	return 0;
}

static int reference_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	const char *comma = strchr(arg, ',');
	if (comma == NULL || comma == arg || comma[1] == '\0') {
		pc_error(pc, "invalid reference '%s'", arg);
		return -1;
	}
	char *key = strndup(arg, (size_t)(comma - arg));
	char *val = strdup(comma + 1);
	struct detect_reference *nr = realloc(r->refs, (r->nrefs + 1) * sizeof(*nr));
	if (key == NULL || val == NULL || nr == NULL) {
		free(key);
		free(val);
		if (nr != NULL)
			r->refs = nr;
		return -1;
	}
	r->refs = nr;
	char *k = str_trim(key), *v = str_trim(val);
	const char *prefix = NULL;
	if (pc->de != NULL && pc->de->refs.n > 0) {
		prefix = reference_prefix(&pc->de->refs, k);
		if (prefix == NULL) {
			pc_error(pc, "unknown reference key '%s'", k);
			free(key);
			free(val);
			return -1;
		}
	}
	char *url = NULL;
	if (prefix != NULL && asprintf(&url, "%s%s", prefix, v) < 0)
		url = NULL;
	r->refs[r->nrefs].key = strdup(k);
	r->refs[r->nrefs].value = strdup(v);
	r->refs[r->nrefs].url = url;
	r->nrefs++;
	free(key);
	free(val);
	return 0;
}

static int metadata_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char *copy = strdup(arg);
	if (copy == NULL)
		return -1;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *t = str_trim(tok);
		if (*t == '\0')
			continue;
		char **nm = realloc(r->metadata, (r->nmetadata + 1) * sizeof(*nm));
		if (nm == NULL) {
			free(copy);
			return -1;
		}
		r->metadata = nm;
		/* Collapse "key   value" to "key value". */
		char *sp = strpbrk(t, " \t");
		if (sp != NULL) {
			*sp = '\0';
			char *v = str_trim(sp + 1);
			if (asprintf(&nm[r->nmetadata], "%s %s", t, v) < 0)
				nm[r->nmetadata] = NULL;
		} else {
			nm[r->nmetadata] = strdup(t);
		}
		if (nm[r->nmetadata] == NULL) {
			free(copy);
			return -1;
		}
		r->nmetadata++;
	}
	free(copy);
	return 0;
}

static int target_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	if (strcmp(arg, "src_ip") == 0)
		r->target = "src_ip";
	else if (strcmp(arg, "dest_ip") == 0)
		r->target = "dest_ip";
	else {
		pc_error(pc, "invalid target '%s'", arg);
		return -1;
	}
	return 0;
}

static int noalert_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	r->flags |= RF_NOALERT;
	return 0;
}

/* Suricata's post-match `bypass` (rules/bypass-keyword): a match takes the
 * flow out of all further evaluation (a local bypass). */
static int bypass_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	(void)pc;
	(void)arg;
	r->flags |= RF_BYPASS;
	return 0;
}

/* "8.0.0" or "8" / "8.0"; missing parts are 0. */
static bool parse_version(const char *s, unsigned v[3])
{
	v[0] = v[1] = v[2] = 0;
	char buf[32], *f[4];
	snprintf(buf, sizeof(buf), "%s", s);
	int n = str_split(buf, '.', f, 4);
	if (n < 1 || n > 3)
		return false;
	for (int i = 0; i < n; i++) {
		uint64_t u;
		if (!parse_u64(f[i], &u) || u > 1000)
			return false;
		v[i] = (unsigned)u;
	}
	return true;
}

static int version_cmp(const unsigned a[3], const unsigned b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* One alternative of a version requirement, ">= 7.0 < 9": every
 * comparison must hold.  1 satisfied, 0 not, -1 invalid. */
static int version_ok(const char *expr)
{
	const unsigned me[3] = {FOLLOWED_MAJOR, FOLLOWED_MINOR, FOLLOWED_PATCH};
	const char *c = expr;
	int ok = 1, n = 0;
	for (;;) {
		while (*c == ' ')
			c++;
		if (*c == '\0')
			break;
		char op[3] = {0};
		size_t ol = 0;
		while (ol < 2 && strchr("<>=", *c) != NULL && *c != '\0')
			op[ol++] = *c++;
		while (*c == ' ')
			c++;
		char ver[32];
		size_t vl = 0;
		while (vl < sizeof(ver) - 1 && ((*c >= '0' && *c <= '9') || *c == '.'))
			ver[vl++] = *c++;
		ver[vl] = '\0';
		unsigned v[3];
		if (ol == 0 || !parse_version(ver, v))
			return -1;
		int cmp = version_cmp(me, v);
		if (strcmp(op, ">=") == 0)
			ok &= cmp >= 0;
		else if (strcmp(op, ">") == 0)
			ok &= cmp > 0;
		else if (strcmp(op, "<") == 0)
			ok &= cmp < 0;
		else if (strcmp(op, "<=") == 0)
			ok &= cmp <= 0;
		else if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
			ok &= cmp == 0;
		else
			return -1;
		n++;
	}
	return n == 0 ? -1 : ok;
}

/* "version >= 7.0.3 < 8 | >= 9.0.99": any alternative will do. */
static int version_expr_ok(char *expr)
{
	int any = 0;
	char *save = NULL;
	for (char *alt = strtok_r(expr, "|", &save); alt; alt = strtok_r(NULL, "|", &save)) {
		int ok = version_ok(alt);
		if (ok < 0)
			return -1;
		any |= ok;
	}
	return any;
}

/* Build features a rule may ask for that vigil has. */
static bool feature_present(const char *name)
{
	return strcmp(name, "ja3") == 0;
}

/* One requirement: 1 met, 0 not met (or not known: the rule is skipped,
 * as Suricata 7.0.8 and later do), -1 invalid. */
static int requirement_met(char *req)
{
	if (strncmp(req, "version", 7) == 0)
		return version_expr_ok(req + 7);
	if (strncmp(req, "keyword", 7) == 0)
		return detect_keyword_supported(str_trim(req + 7)) ? 1 : 0;
	if (strncmp(req, "feature", 7) == 0)
		return feature_present(str_trim(req + 7)) ? 1 : 0;
	return 0;
}

static int requires_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char *copy = strdup(arg);
	if (copy == NULL)
		return -1;
	char *f[16];
	int n = str_split(copy, ',', f, 16);
	int rc = n < 1 ? -1 : 0;
	if (rc != 0)
		pc_error(pc, "invalid requires '%s'", arg);
	for (int i = 0; i < n && rc == 0; i++) {
		int met = requirement_met(f[i]);
		if (met < 0) {
			pc_error(pc, "invalid requires '%s'", f[i]);
			rc = -1;
		} else if (met == 0) {
			pc_unsupported(pc, "requires");
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

/* `prefilter`: asks Suricata to prefilter on this keyword; vigil picks its
 * prefilter itself, so the hint is accepted and ignored. */
static int prefilter_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return 0;
}

/* `alert` on a pass rule: log the pass as an alert as well. */
static int alert_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	r->flags |= RF_PASS_ALERT;
	return 0;
}

static const struct kw_def defs[] = {
    {"msg", NULL, "alert message", msg_setup, NULL, NULL, NULL, KW_QUOTES_OK | KW_OPTIONAL},
    {"sid", NULL, "signature id", sid_setup, NULL, NULL, NULL, KW_QUOTES_OK},
    {"rev", NULL, "signature revision", rev_setup, NULL, NULL, NULL, KW_QUOTES_OK},
    {"gid", NULL, "generator id", gid_setup, NULL, NULL, NULL, KW_QUOTES_OK},
    {"classtype", NULL, "classification (category and default priority)", classtype_setup, NULL,
     NULL, NULL, KW_QUOTES_OK},
    {"priority", NULL, "alert priority 1-255", priority_setup, NULL, NULL, NULL, KW_QUOTES_OK},
    {"reference", NULL, "external reference (key,value)", reference_setup, NULL, NULL, NULL,
     KW_QUOTES_OK},
    {"metadata", NULL, "key value pairs logged with the alert", metadata_setup, NULL, NULL, NULL,
     KW_QUOTES_OK},
    {"target", NULL, "which side is the target (src_ip, dest_ip)", target_setup, NULL, NULL, NULL,
     0},
    {"noalert", NULL, "match without alerting", noalert_setup, NULL, NULL, NULL, KW_NOOPT},
    {"bypass", NULL, "bypass the flow on a match", bypass_setup, NULL, NULL, NULL, KW_NOOPT},
    {"prefilter", NULL, "prefilter hint (accepted, vigil chooses its own)", prefilter_setup, NULL,
     NULL, NULL, KW_NOOPT},
    {"alert", NULL, "also log a pass rule's match as an alert", alert_setup, NULL, NULL, NULL,
     KW_NOOPT},
    {"requires", NULL, "minimum engine version / features", requires_setup, NULL, NULL, NULL,
     KW_QUOTES_OK},
};

const struct kw_family kw_family_meta = {defs, sizeof(defs) / sizeof(defs[0])};
