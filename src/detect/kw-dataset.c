/*
 * kw-dataset.c — the `dataset` and `datarep` keywords: the current buffer
 * (after its transforms) looked up in, added to or removed from a named
 * set of dataset.c, as Suricata does.
 *
 *   dataset:<set|unset|isset|isnotset>,<name>[, type T][, load F][, save F]
 *           [, state F][, memcap N][, hashsize N][, format csv|json|jsonline]
 *           [, context_key K][, value_key K][, array_key K][, remove_key]
 *           [, match subdomain];
 *   datarep:<name>,<op>,<value>[, load F][, type T][, memcap N][, hashsize N];
 *
 * `set` matches only when the value was new (and adds it), `unset` only
 * when it was there (and removes it).  A set loaded with format json keeps
 * each element's JSON: a rule that matches through it carries the element
 * under alert.context.<context_key> (Suricata 8's datajson).  `load` names
 * are relative to the rule file; `save` and `state` names to the data
 * directory, and must not be absolute or climb out of it with ".." unless
 * datasets.rules.allow-absolute-filenames is set.
 */
#include <ctype.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/dataset.h"
#include "detect/detect-internal.h"
#include "util/config.h"

enum ds_cmd { CMD_SET, CMD_UNSET, CMD_ISSET, CMD_ISNOTSET };

struct ds_kw {
	enum ds_cmd cmd;
	struct dataset *ds;
	char *context_key; /* JSON of the hit goes to alert.context.<key> */
	bool subdomain;	   /* also every suffix of the buffer starting with '.' */
};

enum rep_op { OP_GT, OP_LT, OP_GE, OP_LE, OP_EQ };

struct rep_kw {
	struct dataset *ds;
	enum rep_op op;
	uint16_t value;
};

/* Options common to both keywords, as written in the rule. */
struct ds_opts {
	const char *type, *load, *save, *state, *format, *context_key, *value_key, *array_key,
	    *match;
	uint64_t memcap;
	uint32_t hashsize;
	bool remove_key;
};

static int parse_opts(struct parse_ctx *pc, char **f, int n, struct ds_opts *o)
{
	for (int i = 0; i < n; i++) {
		char *k = str_trim(f[i]);
		char *v = k + strcspn(k, " \t");
		if (*v)
			*v++ = '\0';
		v = str_trim(v);
		if (strcmp(k, "remove_key") == 0) {
			o->remove_key = true;
			continue;
		}
		if (*v == '\0') {
			pc_error(pc, "dataset option '%s' needs a value", k);
			return -1;
		}
		if (strcmp(k, "type") == 0)
			o->type = v;
		else if (strcmp(k, "load") == 0)
			o->load = v;
		else if (strcmp(k, "save") == 0)
			o->save = v;
		else if (strcmp(k, "state") == 0)
			o->state = v;
		else if (strcmp(k, "format") == 0)
			o->format = v;
		else if (strcmp(k, "context_key") == 0 || strcmp(k, "enrichment_key") == 0)
			o->context_key = v;
		else if (strcmp(k, "value_key") == 0)
			o->value_key = v;
		else if (strcmp(k, "array_key") == 0)
			o->array_key = v;
		else if (strcmp(k, "match") == 0)
			o->match = v;
		else if (strcmp(k, "memcap") == 0) {
			if (!config_parse_size(v, &o->memcap) || o->memcap == 0) {
				pc_error(pc, "dataset memcap '%s' is not a size", v);
				return -1;
			}
		} else if (strcmp(k, "hashsize") == 0) {
			uint64_t h;
			if (!parse_u64(v, &h) || h == 0 || h > (1u << 30)) {
				pc_error(pc, "dataset hashsize '%s' is not a count", v);
				return -1;
			}
			o->hashsize = (uint32_t)h;
		} else {
			pc_error(pc, "unknown dataset option '%s'", k);
			return -1;
		}
	}
	if (o->state && (o->load || o->save)) {
		pc_error(pc, "dataset: 'state' cannot be combined with 'load' or 'save'");
		return -1;
	}
	return 0;
}

/* `load` names: relative to the directory of the rule file. */
static void load_path(struct parse_ctx *pc, const char *name, char *out, size_t len)
{
	if (name[0] == '/' || pc->file == NULL) {
		snprintf(out, len, "%s", name);
		return;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", pc->file);
	snprintf(out, len, "%s/%s", dirname(dir), name);
}

/* `save`/`state` names: under the data directory, unless the yaml allows
 * absolute names and parent traversal. */
static int write_path(struct parse_ctx *pc, struct dataset_registry *reg, const char *name,
		      char *out, size_t len)
{
	if (!dataset_registry_allow_write(reg)) {
		pc_error(pc, "dataset save/state '%s': datasets.rules.allow-write is false", name);
		return -1;
	}
	bool climbs = strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
		      strstr(name, "/../") != NULL ||
		      (strlen(name) >= 3 && strcmp(name + strlen(name) - 3, "/..") == 0);
	if ((name[0] == '/' || climbs) && !dataset_registry_allow_absolute(reg)) {
		pc_error(pc,
			 "dataset save/state '%s': absolute names and '..' are not allowed "
			 "(datasets.rules.allow-absolute-filenames)",
			 name);
		return -1;
	}
	if (name[0] == '/') {
		fprintf(stderr, "Allowing absolute filename for dataset rule: %s\n", name);
		snprintf(out, len, "%s", name);
	} else {
		snprintf(out, len, "%s/%s", dataset_registry_data_dir(reg), name);
	}
	return 0;
}

static bool format_parse(const char *s, enum dataset_format *f)
{
	if (s == NULL || strcmp(s, "csv") == 0)
		*f = DS_FMT_CSV;
	else if (strcmp(s, "json") == 0)
		*f = DS_FMT_JSON;
	else if (strcmp(s, "jsonline") == 0 || strcmp(s, "ndjson") == 0)
		*f = DS_FMT_JSONLINE;
	else
		return false;
	return true;
}

/* The set the options name, created and filled as they say. */
static struct dataset *open_set(struct parse_ctx *pc, const char *name, const struct ds_opts *o,
				bool rep)
{
	struct dataset_registry *reg = pc->de->datasets;
	if (reg == NULL) {
		pc_error(pc, "datasets are not available (no memory)");
		return NULL;
	}
	enum dataset_type t;
	struct dataset *ds = dataset_find(reg, name);
	if (o->type == NULL) {
		if (ds == NULL) {
			pc_error(pc, "dataset '%s': no type given and no such set in the config",
				 name);
			return NULL;
		}
		t = dataset_type_of(ds);
	} else if (!dataset_type_parse(o->type, &t)) {
		pc_error(pc, "dataset type '%s' is not one of string, md5, sha256, ipv4, ip",
			 o->type);
		return NULL;
	}
	struct dataset_load_opts lo = {.value_key = o->value_key,
				       .array_key = o->array_key,
				       .remove_key = o->remove_key,
				       .rep = rep};
	if (!format_parse(o->format, &lo.format)) {
		pc_error(pc, "dataset format '%s' is not one of csv, json, jsonline", o->format);
		return NULL;
	}
	if (lo.format != DS_FMT_CSV && o->value_key == NULL) {
		pc_error(pc, "dataset '%s': format %s needs value_key", name, o->format);
		return NULL;
	}
	char path[4096], err[256];
	char save[4096] = "";
	if ((o->save && write_path(pc, reg, o->save, save, sizeof(save)) != 0) ||
	    (o->state && write_path(pc, reg, o->state, save, sizeof(save)) != 0))
		return NULL;
	ds = dataset_get(reg, name, t, o->memcap, o->hashsize, err, sizeof(err));
	if (ds == NULL) {
		pc_error(pc, "%s", err);
		return NULL;
	}
	if (o->load) {
		load_path(pc, o->load, path, sizeof(path));
		if (dataset_load(ds, path, &lo, stderr) != 0) {
			pc_error(pc, "dataset '%s': cannot load %s", name, path);
			return NULL;
		}
	}
	if (o->state && access(save, R_OK) == 0)
		dataset_load(ds, save, &lo, stderr);
	if (save[0])
		dataset_set_save_path(ds, save);
	return ds;
}

static void ds_kw_free(void *p)
{
	struct ds_kw *k = p;
	if (k)
		free(k->context_key);
	free(k);
}

static int dataset_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[2048];
	snprintf(buf, sizeof(buf), "%s", arg ? arg : "");
	char *f[24];
	int n = str_split(buf, ',', f, 24);
	if (n < 2) {
		pc_error(pc, "dataset needs '<cmd>,<name>[,options]'");
		return -1;
	}
	const char *cmd = str_trim(f[0]);
	const char *name = str_trim(f[1]);
	struct ds_kw *k = calloc(1, sizeof(*k));
	if (k == NULL)
		return -1;
	if (strcmp(cmd, "set") == 0)
		k->cmd = CMD_SET;
	else if (strcmp(cmd, "unset") == 0)
		k->cmd = CMD_UNSET;
	else if (strcmp(cmd, "isset") == 0)
		k->cmd = CMD_ISSET;
	else if (strcmp(cmd, "isnotset") == 0)
		k->cmd = CMD_ISNOTSET;
	else {
		pc_error(pc, "dataset command '%s' is not set, unset, isset or isnotset", cmd);
		free(k);
		return -1;
	}
	struct ds_opts o = {0};
	if (name[0] == '\0' || parse_opts(pc, f + 2, n - 2, &o) != 0)
		goto fail;
	if (name[0] == '\0') {
		pc_error(pc, "dataset needs a name");
		goto fail;
	}
	if (o.match && strcmp(o.match, "subdomain") != 0 && strcmp(o.match, "exact") != 0) {
		pc_error(pc, "dataset match '%s' is not exact or subdomain", o.match);
		goto fail;
	}
	k->subdomain = o.match && strcmp(o.match, "subdomain") == 0;
	if (o.context_key && (k->context_key = strdup(o.context_key)) == NULL)
		goto fail;
	k->ds = open_set(pc, name, &o, false);
	if (k->ds == NULL)
		goto fail;
	if (k->subdomain && dataset_type_of(k->ds) != DS_STRING) {
		pc_error(pc, "dataset match subdomain needs type string");
		goto fail;
	}
	if (k->cmd == CMD_SET || k->cmd == CMD_UNSET)
		dataset_mark_writable(k->ds);
	struct rule_buffer *rb = rule_cur_buffer(r);
	if (rb == NULL || list_add_payload(rb, kw_lookup("dataset"), k) == NULL)
		goto fail;
	return 0;
fail:
	ds_kw_free(k);
	return -1;
}

/* The buffer, or with `match subdomain` any of its suffixes that starts
 * with a dot, is in the set. */
static bool lookup(const struct ds_kw *k, const struct inspect_buf *b, struct dataset_hit *hit)
{
	if (dataset_lookup(k->ds, b->data, b->len, hit))
		return true;
	if (!k->subdomain)
		return false;
	for (uint32_t i = 1; i < b->len; i++)
		if (b->data[i] == '.' && dataset_lookup(k->ds, b->data + i, b->len - i, hit))
			return true;
	return false;
}

static int dataset_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			   uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct ds_kw *k = ctx;
	*retry = UINT32_MAX;
	*end = cursor;
	if (b->data == NULL)
		return -1;
	struct dataset_hit hit = {0};
	bool m;
	switch (k->cmd) {
	case CMD_SET: m = dataset_add(k->ds, b->data, b->len) == 1; break;
	case CMD_UNSET: m = dataset_remove(k->ds, b->data, b->len) == 1; break;
	case CMD_ISSET:
		m = lookup(k, b, &hit);
		if (m && k->context_key && hit.json && dt != NULL)
			detect_keep_context(dt, k->context_key, hit.json);
		break;
	default: m = !lookup(k, b, NULL); break;
	}
	return m ? 1 : -1;
}

/* ------------------------------------------------------------ datarep */

static int datarep_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[2048];
	snprintf(buf, sizeof(buf), "%s", arg ? arg : "");
	char *f[24];
	int n = str_split(buf, ',', f, 24);
	if (n < 3) {
		pc_error(pc, "datarep needs '<name>,<op>,<value>[,options]'");
		return -1;
	}
	const char *name = str_trim(f[0]);
	const char *op = str_trim(f[1]);
	const char *val = str_trim(f[2]);
	struct rep_kw *k = calloc(1, sizeof(*k));
	if (k == NULL)
		return -1;
	static const char *const ops[] = {">", "<", ">=", "<=", "=="};
	int i = 0;
	for (; i < 5 && strcmp(op, ops[i]) != 0; i++)
		;
	uint64_t v;
	if (i == 5) {
		pc_error(pc, "datarep operator '%s' is not one of >, <, >=, <=, ==", op);
		goto fail;
	}
	if (!parse_u64(val, &v) || v > 65535) {
		pc_error(pc, "datarep value '%s' is not 0-65535", val);
		goto fail;
	}
	k->op = (enum rep_op)i;
	k->value = (uint16_t)v;
	struct ds_opts o = {0};
	if (parse_opts(pc, f + 3, n - 3, &o) != 0)
		goto fail;
	if (o.save || o.state || (o.format && strcmp(o.format, "csv") != 0)) {
		pc_error(pc, "datarep takes load, type, memcap and hashsize only");
		goto fail;
	}
	k->ds = open_set(pc, name, &o, true);
	if (k->ds == NULL)
		goto fail;
	struct rule_buffer *rb = rule_cur_buffer(r);
	if (rb == NULL || list_add_payload(rb, kw_lookup("datarep"), k) == NULL)
		goto fail;
	return 0;
fail:
	free(k);
	return -1;
}

static int datarep_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			   uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	const struct rep_kw *k = ctx;
	*retry = UINT32_MAX;
	*end = cursor;
	struct dataset_hit hit;
	if (b->data == NULL || !dataset_lookup(k->ds, b->data, b->len, &hit) || !hit.has_rep)
		return -1;
	bool m;
	switch (k->op) {
	case OP_GT: m = hit.rep > k->value; break;
	case OP_LT: m = hit.rep < k->value; break;
	case OP_GE: m = hit.rep >= k->value; break;
	case OP_LE: m = hit.rep <= k->value; break;
	default: m = hit.rep == k->value; break;
	}
	return m ? 1 : -1;
}

static const struct kw_def defs[] = {
    {"dataset", NULL, "look up, add or remove the buffer in a named set", dataset_setup, NULL,
     dataset_inspect, ds_kw_free, KW_PAYLOAD},
    {"datarep", NULL, "compare the reputation of the buffer in a named set", datarep_setup,
     NULL, datarep_inspect, free, KW_PAYLOAD},
};

const struct kw_family kw_family_dataset = {defs, sizeof(defs) / sizeof(defs[0])};
