/*
 * kw-file.c — keywords on the files the application layer carries (today
 * the bodies of HTTP responses): filename and fileext, filesize, and
 * filemd5 / filesha1 / filesha256 with their lists of hashes.
 *
 * filename and fileext are Suricata's legacy forms of content on the
 * file.name buffer (kw-app.c): case-insensitive, fileext anchored at the
 * end after a dot; the rule's sticky buffer is left as it was.  The other
 * keywords look at the file of each transaction side offered for the
 * packet (app_inspect_tx), once it is closed or truncated, so a file is
 * judged once, on the packet that completes it.
 *
 * Hash lists are read at rule load from a file of hex digests, one per
 * line ('#' comments and blank lines allowed), named relative to the rule
 * file's directory.  A bad line is reported with file and line and
 * skipped.  The hash keywords record in the engine which digests the
 * parsers must compute (detect_file_hashes()).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/app.h"
#include "detect/detect-internal.h"

/* ------------------------------------------------------------ filename / fileext */

/* Content `arg` (possibly negated) on buffer `buf` (file.name,
 * file.magic), nocase, and endswith when `suffix`; the current sticky
 * buffer does not change. */
static int file_buf_content(struct parse_ctx *pc, struct rule *r, const char *buf, const char *arg,
			    bool suffix)
{
	int saved = r->cur_buf;
	if (sticky_buffer_select(pc, r, app_buffer_lookup(buf)) != 0)
		return -1;
	int rc = kw_lookup("content")->setup(pc, r, arg);
	if (rc == 0)
		rc = kw_lookup("nocase")->setup(pc, r, NULL);
	if (rc == 0 && suffix)
		rc = kw_lookup("endswith")->setup(pc, r, NULL);
	r->cur_buf = saved;
	rule_set_last_content(r, NULL);
	return rc;
}

static int filename_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return file_buf_content(pc, r, "file.name", arg, false);
}

/* filemagic:"PDF document" is content on file.magic, case-insensitive. */
static int filemagic_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return file_buf_content(pc, r, "file.magic", arg, false);
}

/* fileext:"pdf" is content ".pdf" at the end of the name. */
static int fileext_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	const char *s = arg;
	while (*s == ' ')
		s++;
	bool neg = *s == '!';
	if (neg)
		s++;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	if (n < 3 || s[0] != '"' || s[n - 1] != '"') {
		pc_error(pc, "fileext must be a quoted string");
		return -1;
	}
	char *v = malloc(n + 3);
	if (v == NULL)
		return -1;
	snprintf(v, n + 3, "%s\".%.*s\"", neg ? "!" : "", (int)(n - 2), s + 1);
	int rc = file_buf_content(pc, r, "file.name", v, true);
	free(v);
	return rc;
}

/* ------------------------------------------------------------ file access */

/*
 * The i-th file of the transactions offered for p that is complete
 * (closed, truncated or in error), with the transaction's id, whatever
 * the protocol (its descriptor's tx_file).  A file is judged on packets
 * of the direction it travels (an HTTP response's on to_client ones).
 */
bool packet_file(const struct det_thread *dt, const struct packet *p, uint32_t i,
			struct app_file_info *fi, uint64_t *tx_id)
{
	if (p->flow == NULL)
		return false;
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	enum app_proto proto;
	const void *tx;
	uint32_t seen = 0;
	for (uint32_t t = 0; det_app_tx(dt, p, t, &proto, &tx, tx_id); t++) {
		const struct app_protocol *ap = app_protocol(proto);
		if (ap == NULL || ap->tx_file == NULL)
			return false;
		for (uint32_t k = 0; ap->tx_file(tx, k, fi); k++) {
			if (fi->dir != dir || fi->state == APP_FILE_OPEN || fi->state == APP_FILE_NONE)
				continue;
			if (seen++ == i)
				return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------ buffers */

/* file.name and file.magic of the transaction's k-th file that travels
 * in the packet's direction; spec->proto is the flow's protocol (kw-app.c
 * gives these specs one per protocol with files). */
enum { FB_NAME, FB_MAGIC };

static bool file_buffer(const struct app_buffer_spec *spec, struct det_thread *dt, const void *tx,
			enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	const struct app_protocol *ap = app_protocol((enum app_proto)spec->proto);
	struct app_file_info fi;
	uint32_t seen = 0;
	for (uint32_t f = 0; ap != NULL && ap->tx_file != NULL && ap->tx_file(tx, f, &fi); f++) {
		if (fi.dir != dir || seen++ != k)
			continue;
		if (spec->arg == FB_NAME) {
			*d = fi.name;
			*l = fi.name_len;
			return *l > 0;
		}
		const char *m = ap->tx_file_magic != NULL
				    ? ap->tx_file_magic(tx, f, detect_thread_magic(dt))
				    : NULL;
		if (m == NULL || *m == '\0')
			return false;
		*d = (const uint8_t *)m;
		*l = (uint32_t)strlen(m);
		return true;
	}
	return false;
}

static const struct app_buffer_spec file_specs[] = {
    {"file.name", NULL, APP_PROTO_UNKNOWN, AD_BOTH, file_buffer, FB_NAME},
    {"file.magic", NULL, APP_PROTO_UNKNOWN, AD_BOTH, file_buffer, FB_MAGIC},
};
const struct app_buffer_family app_buffers_file = {file_specs,
						   sizeof(file_specs) / sizeof(file_specs[0])};

/* Rules on files run where transactions are inspected (kw-app.c). */
static void rule_on_files(struct rule *r)
{
	r->flags |= RF_APP_BUF;
}

/* ------------------------------------------------------------ filesize */

static int filesize_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			  const void *ctx)
{
	(void)r;
	struct app_file_info fi;
	uint64_t tx_id;
	for (uint32_t i = 0; packet_file(dt, p, i, &fi, &tx_id); i++)
		if (u64_cmp_match(ctx, fi.size)) {
			dt->tx_id = tx_id;
			return 1;
		}
	return 0;
}

static int filesize_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct u64_cmp *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (u64_cmp_parse(arg, UINT64_MAX, c) != 0) {
		pc_error(pc, "invalid filesize '%s'", arg);
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("filesize"), c) == NULL) {
		free(c);
		return -1;
	}
	rule_on_files(r);
	return 0;
}

/* ------------------------------------------------------------ hash lists */

struct hash_list {
	uint8_t kind; /* APP_FILE_MD5 / SHA1 / SHA256 */
	uint8_t len;  /* digest bytes */
	bool negated;
	uint8_t *v; /* sorted digests, len bytes each */
	size_t n;
};

static int hex_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool parse_digest(const char *s, size_t n, uint8_t *out, uint8_t len)
{
	if (n != 2u * len)
		return false;
	for (uint8_t i = 0; i < len; i++) {
		int hi = hex_nibble((unsigned char)s[2 * i]),
		    lo = hex_nibble((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static int cmp_md5(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}
static int cmp_sha1(const void *a, const void *b)
{
	return memcmp(a, b, 20);
}
static int cmp_sha256(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* A hash list's path: absolute, or next to the rule file. */
static void list_path(const struct parse_ctx *pc, const char *name, char *out, size_t n)
{
	const char *slash = pc->file != NULL ? strrchr(pc->file, '/') : NULL;
	if (name[0] == '/' || slash == NULL)
		snprintf(out, n, "%s", name);
	else
		snprintf(out, n, "%.*s/%s", (int)(slash - pc->file), pc->file, name);
}

static int hash_list_load(struct parse_ctx *pc, struct hash_list *hl, const char *name)
{
	char path[1024];
	list_path(pc, name, path, sizeof(path));
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		pc_error(pc, "cannot open hash list %s: %s", path, strerror(errno));
		return -1;
	}
	char line[256];
	unsigned lineno = 0, bad = 0;
	size_t cap = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		char *s = str_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		size_t n = strcspn(s, " \t,");
		if (hl->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			uint8_t *nv = realloc(hl->v, nc * hl->len);
			if (nv == NULL) {
				fclose(f);
				return -1;
			}
			hl->v = nv;
			cap = nc;
		}
		if (!parse_digest(s, n, hl->v + hl->n * hl->len, hl->len)) {
			if (bad++ == 0)
				fprintf(
				    stderr,
				    "vigil: %s:%u: not a %u-character hex digest; line skipped\n",
				    path, lineno, 2u * hl->len);
			continue;
		}
		hl->n++;
	}
	fclose(f);
	if (bad > 1)
		fprintf(stderr, "vigil: %s: %u lines skipped in all\n", path, bad);
	if (hl->n == 0) {
		pc_error(pc, "hash list %s has no valid digest", path);
		return -1;
	}
	qsort(hl->v, hl->n, hl->len,
	      hl->len == 16   ? cmp_md5
	      : hl->len == 20 ? cmp_sha1
			      : cmp_sha256);
	return 0;
}

static bool hash_list_has(const struct hash_list *hl, const uint8_t *d)
{
	size_t lo = 0, hi = hl->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(hl->v + mid * hl->len, d, hl->len);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int filehash_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			  const void *ctx)
{
	(void)r;
	const struct hash_list *hl = ctx;
	struct app_file_info fi;
	uint64_t tx_id;
	for (uint32_t i = 0; packet_file(dt, p, i, &fi, &tx_id); i++) {
		if (!(fi.hashes & hl->kind))
			continue;
		const uint8_t *d = hl->kind == APP_FILE_MD5	? fi.md5
				   : hl->kind == APP_FILE_SHA1 ? fi.sha1
								: fi.sha256;
		if (hash_list_has(hl, d) != hl->negated) {
			dt->tx_id = tx_id;
			return 1;
		}
	}
	return 0;
}

static void filehash_free(void *ctx)
{
	struct hash_list *hl = ctx;
	if (hl != NULL)
		free(hl->v);
	free(hl);
}

static int filehash_setup(struct parse_ctx *pc, struct rule *r, const char *arg, const char *kw,
			  uint8_t kind, uint8_t len)
{
	const char *s = arg;
	while (*s == ' ')
		s++;
	struct hash_list *hl = calloc(1, sizeof(*hl));
	if (hl == NULL)
		return -1;
	hl->kind = kind;
	hl->len = len;
	if (*s == '!') {
		hl->negated = true;
		s++;
	}
	char name[512];
	snprintf(name, sizeof(name), "%s", s);
	if (str_unquote(name) < 0 || *str_trim(name) == '\0') {
		pc_error(pc, "%s needs a file name", kw);
		free(hl);
		return -1;
	}
	if (hash_list_load(pc, hl, str_trim(name)) != 0 ||
	    rule_add_sm(r, LIST_MATCH, kw_lookup(kw), hl) == NULL) {
		filehash_free(hl);
		return -1;
	}
	pc->de->file_hashes |= kind;
	rule_on_files(r);
	return 0;
}

static int filemd5_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return filehash_setup(pc, r, arg, "filemd5", APP_FILE_MD5, 16);
}

static int filesha1_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return filehash_setup(pc, r, arg, "filesha1", APP_FILE_SHA1, 20);
}

static int filesha256_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return filehash_setup(pc, r, arg, "filesha256", APP_FILE_SHA256, 32);
}

/* ------------------------------------------------------------ filestore */

/*
 * filestore[:<direction>[,<scope>]], as Suricata's detect-filestore.c:
 * direction request/to_server, response/to_client or both; scope file
 * (the default without a direction), tx (the default with one), or
 * ssn/flow.  A rule with buffers (http.uri ...) matches where they do;
 * without, it is a file rule: it matches where a transaction offered for
 * the packet carries a file travelling in the packet's direction, so
 * once per file side, as Suricata judges each file.  Once the whole rule
 * matched, the post-match instance marks what is to be stored
 * (app_flow_file_store): the matched transaction's files in the packet's
 * direction, or the other direction's when the packet's has none (a
 * rule on a request is about the response it brings) (scope file); the
 * transaction's files in the given directions (tx); the files of that
 * transaction and every later one in those directions (flow).  The
 * file-store output stores them as their fileinfo is logged.
 */
struct filestore_ctx {
	bool post;	/* the post-match instance */
	uint8_t dirs;	/* AD_*; 0 = the matched file's (scope file) */
	enum app_store_scope scope;
};

static bool tx_has_file_dir(const struct app_protocol *ap, const void *tx, enum app_dir dir);

/* The first transaction offered for p that carries a file in the
 * packet's direction (each file is judged once, on its side). */
static bool tx_with_file(const struct det_thread *dt, const struct packet *p, uint64_t *tx_id,
			 const struct app_protocol **ap_out, const void **tx_out)
{
	enum app_proto proto;
	const void *tx;
	enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
	for (uint32_t t = 0; det_app_tx(dt, p, t, &proto, &tx, tx_id); t++) {
		const struct app_protocol *ap = app_protocol(proto);
		if (ap != NULL && ap->tx_file != NULL && tx_has_file_dir(ap, tx, dir)) {
			*ap_out = ap;
			*tx_out = tx;
			return true;
		}
	}
	return false;
}

static bool tx_has_file_dir(const struct app_protocol *ap, const void *tx, enum app_dir dir)
{
	struct app_file_info fi;
	for (uint32_t k = 0; ap->tx_file(tx, k, &fi); k++)
		if (fi.dir == dir)
			return true;
	return false;
}

static int filestore_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			   const void *ctx)
{
	const struct filestore_ctx *c = ctx;
	const struct app_protocol *ap;
	const void *tx;
	uint64_t tx_id;
	if (!c->post) {
		if (p->flow == NULL)
			return 0;
		/* with buffers (http.uri ...) those decide where the rule matches */
		if (r->nbufs > 0)
			return 1;
		if (!tx_with_file(dt, p, &tx_id, &ap, &tx))
			return 0;
		dt->tx_id = tx_id;
		return 1;
	}
	uint8_t dirs = c->dirs;
	if (c->scope == APP_STORE_FILE) {
		/* the file of the side that matched; a rule that matched on a
		 * side without one (a request) is about the other side's file */
		enum app_dir dir = p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT;
		enum app_proto proto;
		const void *state;
		if (app_flow_tx(p->flow, dt->tx_id, &proto, &state, &tx) &&
		    (ap = app_protocol(proto)) != NULL && ap->tx_file != NULL &&
		    !tx_has_file_dir(ap, tx, dir))
			dir = dir == APP_TOSERVER ? APP_TOCLIENT : APP_TOSERVER;
		dirs = (uint8_t)(1u << dir);
	}
	app_flow_file_store((struct flow *)p->flow, c->scope, dirs, dt->tx_id);
	return 1;
}

/* One word of the value: [start, end) without blanks; false when empty. */
static bool next_word(const char **s, char *out, size_t n)
{
	const char *p = *s;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t k = 0;
	while (*p && *p != ',' && *p != ' ' && *p != '\t') {
		if (k + 1 < n)
			out[k++] = *p;
		p++;
	}
	out[k] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == ',')
		p++;
	*s = p;
	return k > 0;
}

static int filestore_parse(struct parse_ctx *pc, const char *arg, struct filestore_ctx *c)
{
	c->scope = APP_STORE_FILE;
	c->dirs = 0;
	if (arg == NULL)
		return 0;
	char w[32];
	const char *s = arg;
	if (next_word(&s, w, sizeof(w))) {
		if (!strcasecmp(w, "request") || !strcasecmp(w, "to_server"))
			c->dirs = AD_TS;
		else if (!strcasecmp(w, "response") || !strcasecmp(w, "to_client"))
			c->dirs = AD_TC;
		else if (!strcasecmp(w, "both"))
			c->dirs = AD_BOTH;
		else {
			pc_error(pc, "filestore: unknown direction '%s' (request, response, both)",
				 w);
			return -1;
		}
		c->scope = APP_STORE_TX;
	}
	if (next_word(&s, w, sizeof(w))) {
		if (!strcasecmp(w, "file"))
			c->scope = APP_STORE_FILE;
		else if (!strcasecmp(w, "tx"))
			c->scope = APP_STORE_TX;
		else if (!strcasecmp(w, "ssn") || !strcasecmp(w, "flow"))
			c->scope = APP_STORE_FLOW;
		else {
			pc_error(pc, "filestore: unknown scope '%s' (file, tx, ssn, flow)", w);
			return -1;
		}
	}
	if (*s != '\0' && next_word(&s, w, sizeof(w)) && *s != '\0') {
		pc_error(pc, "filestore: too many values in '%s'", arg);
		return -1;
	}
	/* a direction with scope file: the matched file, as Suricata */
	if (c->scope == APP_STORE_FILE)
		c->dirs = 0;
	return 0;
}

static int filestore_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct filestore_ctx parsed = {.post = false};
	if (filestore_parse(pc, arg, &parsed) != 0)
		return -1;
	struct filestore_ctx *m = malloc(sizeof(*m)), *post = malloc(sizeof(*post));
	if (m == NULL || post == NULL) {
		free(m);
		free(post);
		return -1;
	}
	*m = parsed;
	*post = parsed;
	post->post = true;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("filestore"), m) == NULL) {
		free(m);
		free(post);
		return -1;
	}
	if (rule_add_sm(r, LIST_POSTMATCH, kw_lookup("filestore"), post) == NULL) {
		free(post);
		return -1;
	}
	rule_on_files(r);
	if (pc->de != NULL)
		pc->de->file_store = true;
	return 0;
}

static const struct kw_def defs[] = {
    {"filename", NULL, "file name contains a string (case-insensitive)", filename_setup, NULL, NULL,
     NULL, 0},
    {"fileext", NULL, "file name ends with .EXT (case-insensitive)", fileext_setup, NULL, NULL,
     NULL, 0},
    {"filemagic", NULL, "libmagic's file type contains a string (case-insensitive)",
     filemagic_setup, NULL, NULL, NULL, 0},
    {"filesize", NULL, "size of a complete file", filesize_setup, filesize_match, NULL, free, 0},
    {"filemd5", NULL, "file MD5 in (or with ! not in) a list", filemd5_setup, filehash_match, NULL,
     filehash_free, 0},
    {"filesha1", NULL, "file SHA-1 in (or with ! not in) a list", filesha1_setup, filehash_match,
     NULL, filehash_free, 0},
    {"filesha256", NULL, "file SHA-256 in (or with ! not in) a list", filesha256_setup,
     filehash_match, NULL, filehash_free, 0},
    {"filestore", NULL, "store the files of the match (file-store output)", filestore_setup,
     filestore_match, NULL, free, KW_OPTIONAL},
};

const struct kw_family kw_family_file = {defs, sizeof(defs) / sizeof(defs[0])};
