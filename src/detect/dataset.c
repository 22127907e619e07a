/*
 * dataset.c — the sets behind `dataset` and `datarep` (see dataset.h).
 *
 * Each set is an array of bucket heads with chained entries; an entry
 * holds its value's bytes inline (strings any length, digests 16/32
 * bytes, addresses 4 or 16: type `ip` keeps IPv4 as ::ffff:a.b.c.d so a
 * 4-byte buffer and a mapped address are one value).  The table doubles
 * when it holds twice as many entries as buckets, which only happens while
 * loading or, for writable sets, under the write lock: readers of a
 * read-only set never see it move.  Memory is counted per set (entries
 * and buckets) against its memcap.
 */
#include "detect/dataset.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/config.h"

#define DS_DEFAULT_MEMCAP (64ull << 20)
#define DS_DEFAULT_HASHSIZE 4096u
#define DS_MAX_LOADS 8

struct ds_entry {
	struct ds_entry *next;
	uint32_t hash;
	uint32_t len;
	uint16_t rep;
	bool has_rep;
	char *json;
	uint8_t data[];
};

struct dataset {
	char *name;
	enum dataset_type type;
	struct ds_entry **buckets;
	uint32_t nbuckets;
	uint64_t count;
	uint64_t memuse, memcap;
	_Atomic uint64_t refused;
	bool writable;
	pthread_rwlock_t lock;
	char *save_path;
	char *loaded[DS_MAX_LOADS];
	unsigned nloaded;
	struct dataset *next;
};

struct dataset_registry {
	struct dataset *sets;
	uint64_t memcap;
	uint32_t hashsize;
	char *data_dir;
	bool allow_write, allow_absolute;
};

static const char *const type_names[DS_TYPES] = {"string", "md5", "sha256", "ipv4", "ip"};

bool dataset_type_parse(const char *s, enum dataset_type *t)
{
	for (int i = 0; i < DS_TYPES; i++)
		if (strcmp(s, type_names[i]) == 0) {
			*t = (enum dataset_type)i;
			return true;
		}
	return false;
}

const char *dataset_type_name(enum dataset_type t)
{
	return t < DS_TYPES ? type_names[t] : "?";
}

/* ------------------------------------------------------------ values */

static uint32_t hash_bytes(const uint8_t *d, uint32_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 0x100000001b3ull;
	return (uint32_t)(h ^ (h >> 32));
}

static int b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Standard base64, padding optional; false on any other character. */
static bool b64_decode(const char *s, uint8_t *out, uint32_t *len)
{
	uint32_t n = 0, bits = 0, acc = 0;
	size_t i = 0;
	for (; s[i] && s[i] != '='; i++) {
		int v = b64_val((unsigned char)s[i]);
		if (v < 0)
			return false;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	for (; s[i]; i++)
		if (s[i] != '=')
			return false;
	*len = n;
	return true;
}

static bool hex_decode(const char *s, uint8_t *out, uint32_t want)
{
	if (strlen(s) != (size_t)want * 2)
		return false;
	for (uint32_t i = 0; i < want; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[i * 2 + k];
			int d = c >= '0' && c <= '9'	 ? c - '0'
				: c >= 'a' && c <= 'f' ? c - 'a' + 10
				: c >= 'A' && c <= 'F' ? c - 'A' + 10
						       : -1;
			if (d < 0)
				return false;
			v = v * 16 + d;
		}
		out[i] = (uint8_t)v;
	}
	return true;
}

static void map_v4(const uint8_t *v4, uint8_t *out)
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, v4, 4);
}

bool dataset_parse_value(enum dataset_type t, const char *text, bool raw, uint8_t *out,
			 uint32_t *len, uint8_t **heap)
{
	*heap = NULL;
	switch (t) {
	case DS_STRING: {
		size_t n = strlen(text);
		uint8_t *b = malloc(n + 1);
		if (b == NULL)
			return false;
		if (raw) {
			memcpy(b, text, n);
			*len = (uint32_t)n;
		} else if (!b64_decode(text, b, len)) {
			free(b);
			return false;
		}
		*heap = b;
		return true;
	}
	case DS_MD5: *len = 16; return hex_decode(text, out, 16);
	case DS_SHA256: *len = 32; return hex_decode(text, out, 32);
	case DS_IPV4: *len = 4; return inet_pton(AF_INET, text, out) == 1;
	case DS_IP: {
		uint8_t v4[4];
		*len = 16;
		if (inet_pton(AF_INET, text, v4) == 1) {
			map_v4(v4, out);
			return true;
		}
		return inet_pton(AF_INET6, text, out) == 1;
	}
	default: return false;
	}
}

/* The bytes a buffer stands for in the set; false when it cannot be a value. */
static bool normalise(const struct dataset *ds, const uint8_t *d, uint32_t len, uint8_t *tmp,
		      const uint8_t **out, uint32_t *olen)
{
	*out = d;
	*olen = len;
	switch (ds->type) {
	case DS_STRING: return true;
	case DS_MD5: return len == 16;
	case DS_SHA256: return len == 32;
	case DS_IPV4: return len == 4;
	case DS_IP:
		if (len == 16)
			return true;
		if (len != 4)
			return false;
		map_v4(d, tmp);
		*out = tmp;
		*olen = 16;
		return true;
	default: return false;
	}
}

/* ------------------------------------------------------------ table */

static void rdlock(struct dataset *ds)
{
	if (ds->writable)
		pthread_rwlock_rdlock(&ds->lock);
}

static void wrlock(struct dataset *ds)
{
	if (ds->writable)
		pthread_rwlock_wrlock(&ds->lock);
}

static void unlock(struct dataset *ds)
{
	if (ds->writable)
		pthread_rwlock_unlock(&ds->lock);
}

static struct ds_entry *find(const struct dataset *ds, const uint8_t *d, uint32_t len,
			     uint32_t h, struct ds_entry ***link)
{
	struct ds_entry **pp = &ds->buckets[h & (ds->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->next) {
		struct ds_entry *e = *pp;
		if (e->hash == h && e->len == len && memcmp(e->data, d, len) == 0) {
			if (link)
				*link = pp;
			return e;
		}
	}
	return NULL;
}

/* Doubles the bucket array when it is over twice full and memory allows. */
static void maybe_grow(struct dataset *ds)
{
	if (ds->count < (uint64_t)ds->nbuckets * 2 || ds->nbuckets >= (1u << 30))
		return;
	uint32_t nb = ds->nbuckets * 2;
	uint64_t extra = (uint64_t)(nb - ds->nbuckets) * sizeof(void *);
	if (ds->memuse + extra > ds->memcap)
		return;
	struct ds_entry **b = calloc(nb, sizeof(*b));
	if (b == NULL)
		return;
	for (uint32_t i = 0; i < ds->nbuckets; i++) {
		struct ds_entry *e = ds->buckets[i];
		while (e) {
			struct ds_entry *n = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
			e = n;
		}
	}
	free(ds->buckets);
	ds->buckets = b;
	ds->nbuckets = nb;
	ds->memuse += extra;
}

/* Inserts (or updates rep/json of) a normalised value; caller holds the
 * write lock.  1 added, 0 present, -1 refused. */
static int insert(struct dataset *ds, const uint8_t *d, uint32_t len, const uint16_t *rep,
		  const char *json)
{
	uint32_t h = hash_bytes(d, len);
	struct ds_entry *e = find(ds, d, len, h, NULL);
	if (e != NULL) {
		if (rep) {
			e->rep = *rep;
			e->has_rep = true;
		}
		if (json && e->json == NULL)
			e->json = strdup(json);
		return 0;
	}
	uint64_t sz = sizeof(*e) + len + (json ? strlen(json) + 1 : 0);
	if (ds->memuse + sz > ds->memcap) {
		atomic_fetch_add(&ds->refused, 1);
		return -1;
	}
	e = malloc(sizeof(*e) + len);
	if (e == NULL) {
		atomic_fetch_add(&ds->refused, 1);
		return -1;
	}
	e->hash = h;
	e->len = len;
	e->rep = rep ? *rep : 0;
	e->has_rep = rep != NULL;
	e->json = json ? strdup(json) : NULL;
	memcpy(e->data, d, len);
	e->next = ds->buckets[h & (ds->nbuckets - 1)];
	ds->buckets[h & (ds->nbuckets - 1)] = e;
	ds->count++;
	ds->memuse += sz;
	maybe_grow(ds);
	return 1;
}

bool dataset_lookup(struct dataset *ds, const uint8_t *d, uint32_t len, struct dataset_hit *hit)
{
	uint8_t tmp[16];
	const uint8_t *v;
	uint32_t vl;
	if (!normalise(ds, d, len, tmp, &v, &vl))
		return false;
	uint32_t h = hash_bytes(v, vl);
	rdlock(ds);
	const struct ds_entry *e = find(ds, v, vl, h, NULL);
	if (e && hit) {
		hit->rep = e->rep;
		hit->has_rep = e->has_rep;
		hit->json = e->json;
	}
	unlock(ds);
	return e != NULL;
}

int dataset_add(struct dataset *ds, const uint8_t *d, uint32_t len)
{
	uint8_t tmp[16];
	const uint8_t *v;
	uint32_t vl;
	if (!normalise(ds, d, len, tmp, &v, &vl))
		return -1;
	wrlock(ds);
	int r = insert(ds, v, vl, NULL, NULL);
	unlock(ds);
	return r;
}

int dataset_remove(struct dataset *ds, const uint8_t *d, uint32_t len)
{
	uint8_t tmp[16];
	const uint8_t *v;
	uint32_t vl;
	if (!normalise(ds, d, len, tmp, &v, &vl))
		return 0;
	uint32_t h = hash_bytes(v, vl);
	wrlock(ds);
	struct ds_entry **link = NULL;
	struct ds_entry *e = find(ds, v, vl, h, &link);
	if (e) {
		*link = e->next;
		ds->count--;
		ds->memuse -= sizeof(*e) + e->len + (e->json ? strlen(e->json) + 1 : 0);
		free(e->json);
		free(e);
	}
	unlock(ds);
	return e != NULL;
}

/* ------------------------------------------------------------ registry */

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 16;
	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

struct dataset *dataset_find(struct dataset_registry *reg, const char *name)
{
	for (struct dataset *ds = reg->sets; ds; ds = ds->next)
		if (strcmp(ds->name, name) == 0)
			return ds;
	return NULL;
}

struct dataset *dataset_get(struct dataset_registry *reg, const char *name, enum dataset_type type,
			    uint64_t memcap, uint32_t hashsize, char *err, size_t errlen)
{
	struct dataset *ds = dataset_find(reg, name);
	if (ds != NULL) {
		if (ds->type != type) {
			snprintf(err, errlen, "dataset '%s' is of type %s, not %s", name,
				 type_names[ds->type], type_names[type]);
			return NULL;
		}
		return ds;
	}
	ds = calloc(1, sizeof(*ds));
	if (ds == NULL || (ds->name = strdup(name)) == NULL) {
		free(ds);
		snprintf(err, errlen, "no memory for dataset '%s'", name);
		return NULL;
	}
	ds->type = type;
	ds->memcap = memcap ? memcap : reg->memcap;
	ds->nbuckets = pow2_at_least(hashsize ? hashsize : reg->hashsize);
	ds->buckets = calloc(ds->nbuckets, sizeof(*ds->buckets));
	if (ds->buckets == NULL) {
		free(ds->name);
		free(ds);
		snprintf(err, errlen, "no memory for dataset '%s'", name);
		return NULL;
	}
	ds->memuse = (uint64_t)ds->nbuckets * sizeof(void *);
	pthread_rwlock_init(&ds->lock, NULL);
	ds->next = reg->sets;
	reg->sets = ds;
	return ds;
}

void dataset_set_save_path(struct dataset *ds, const char *path)
{
	if (ds->save_path == NULL)
		ds->save_path = strdup(path);
}

void dataset_mark_writable(struct dataset *ds)
{
	ds->writable = true;
}

enum dataset_type dataset_type_of(const struct dataset *ds)
{
	return ds->type;
}
const char *dataset_name(const struct dataset *ds)
{
	return ds->name;
}
uint64_t dataset_count(const struct dataset *ds)
{
	return ds->count;
}
uint64_t dataset_memuse(const struct dataset *ds)
{
	return ds->memuse;
}
uint64_t dataset_memcap_refused(const struct dataset *ds)
{
	return atomic_load(&((struct dataset *)ds)->refused);
}

const char *dataset_registry_data_dir(const struct dataset_registry *reg)
{
	return reg->data_dir;
}
bool dataset_registry_allow_write(const struct dataset_registry *reg)
{
	return reg->allow_write;
}
bool dataset_registry_allow_absolute(const struct dataset_registry *reg)
{
	return reg->allow_absolute;
}

/* ------------------------------------------------------------ loading */

struct load_state {
	struct dataset *ds;
	const char *path;
	const struct dataset_load_opts *o;
	FILE *log;
	uint64_t added, bad, refused;
	uint64_t keyed; /* JSON elements that have value_key */
};

static void bad_value(struct load_state *ls, uint64_t where, bool is_line, const char *what,
		      const char *val)
{
	ls->bad++;
	if (ls->log && ls->bad <= 20)
		fprintf(ls->log, "%s:%s%llu: dataset '%s': %s '%.80s'\n", ls->path,
			is_line ? "" : "element ", (unsigned long long)where, ls->ds->name, what,
			val);
}

static void add_value(struct load_state *ls, const char *text, bool raw, const uint16_t *rep,
		      const char *json, uint64_t where, bool is_line)
{
	uint8_t buf[32], *heap = NULL;
	uint32_t len = 0;
	if (!dataset_parse_value(ls->ds->type, text, raw, buf, &len, &heap)) {
		bad_value(ls, where, is_line, "not a value of type", text);
		free(heap);
		return;
	}
	int r = insert(ls->ds, heap ? heap : buf, len, rep, json);
	free(heap);
	if (r == 1)
		ls->added++;
	else if (r < 0)
		ls->refused++;
}

static void load_csv_line(struct load_state *ls, char *line, uint64_t lineno)
{
	size_t n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n == 0 || line[0] == '#')
		return;
	uint16_t rep = 0;
	bool has_rep = false;
	char *comma = strchr(line, ',');
	if (comma) {
		*comma = '\0';
		if (ls->o->rep) {
			char *end;
			errno = 0;
			unsigned long v = strtoul(comma + 1, &end, 10);
			if (errno || end == comma + 1 || *end || v > 65535) {
				bad_value(ls, lineno, true, "bad reputation", comma + 1);
				return;
			}
			rep = (uint16_t)v;
			has_rep = true;
		}
	} else if (ls->o->rep) {
		bad_value(ls, lineno, true, "no reputation (value,rep expected)", line);
		return;
	}
	add_value(ls, line, false, has_rep ? &rep : NULL, NULL, lineno, true);
}

static json_t *json_path(json_t *obj, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *cur = obj;
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && cur;
	     k = strtok_r(NULL, ".", &save))
		cur = json_is_object(cur) ? json_object_get(cur, k) : NULL;
	return cur;
}

static void remove_path(json_t *obj, const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot == NULL) {
		json_object_del(obj, path);
		return;
	}
	char parent[256];
	snprintf(parent, sizeof(parent), "%.*s", (int)(dot - path), path);
	json_t *p = json_path(obj, parent);
	if (json_is_object(p))
		json_object_del(p, dot + 1);
}

static void load_json_elem(struct load_state *ls, json_t *elem, uint64_t where, bool is_line)
{
	json_t *v = json_path(elem, ls->o->value_key);
	if (v == NULL) {
		bad_value(ls, where, is_line, "no value under key", ls->o->value_key);
		return;
	}
	ls->keyed++;
	char num[32];
	const char *text = json_string_value(v);
	if (text == NULL && json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		text = num;
	}
	if (text == NULL) {
		bad_value(ls, where, is_line, "value is not a string under key", ls->o->value_key);
		return;
	}
	char *copy = strdup(text);
	if (copy == NULL)
		return;
	if (ls->o->remove_key)
		remove_path(elem, ls->o->value_key);
	char *dump = json_dumps(elem, JSON_COMPACT | JSON_PRESERVE_ORDER);
	add_value(ls, copy, true, NULL, dump, where, is_line);
	free(dump);
	free(copy);
}

static int load_json(struct load_state *ls)
{
	json_error_t je;
	json_t *root = json_load_file(ls->path, 0, &je);
	if (root == NULL) {
		if (ls->log)
			fprintf(ls->log, "%s:%d: dataset '%s': bad JSON: %s\n", ls->path, je.line,
				ls->ds->name, je.text);
		ls->bad++;
		return 0;
	}
	json_t *arr = ls->o->array_key ? json_path(root, ls->o->array_key) : root;
	if (!json_is_array(arr)) {
		if (ls->log)
			fprintf(ls->log, "%s: dataset '%s': no JSON array%s%s\n", ls->path,
				ls->ds->name, ls->o->array_key ? " under " : " at the root",
				ls->o->array_key ? ls->o->array_key : "");
		ls->bad++;
		json_decref(root);
		return 0;
	}
	for (size_t i = 0; i < json_array_size(arr); i++)
		load_json_elem(ls, json_array_get(arr, i), i, false);
	json_decref(root);
	return 0;
}

static int load_lines(struct load_state *ls, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	uint64_t lineno = 0;
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		if (ls->o->format == DS_FMT_CSV) {
			load_csv_line(ls, line, lineno);
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		json_error_t je;
		json_t *obj = json_loads(line, 0, &je);
		if (obj == NULL) {
			bad_value(ls, lineno, true, "bad JSON line", line);
			continue;
		}
		load_json_elem(ls, obj, lineno, true);
		json_decref(obj);
	}
	free(line);
	return 0;
}

int dataset_load(struct dataset *ds, const char *path, const struct dataset_load_opts *o,
		 FILE *log)
{
	for (unsigned i = 0; i < ds->nloaded; i++)
		if (strcmp(ds->loaded[i], path) == 0)
			return 0;
	if (ds->nloaded < DS_MAX_LOADS)
		ds->loaded[ds->nloaded++] = strdup(path);
	struct load_state ls = {.ds = ds, .path = path, .o = o, .log = log};
	if (o->format != DS_FMT_CSV && (o->value_key == NULL || o->value_key[0] == '\0')) {
		if (log)
			fprintf(log, "%s: dataset '%s': format json needs value_key\n", path,
				ds->name);
		return -1;
	}
	wrlock(ds);
	int rc = 0;
	if (o->format == DS_FMT_JSON) {
		rc = load_json(&ls);
	} else {
		FILE *f = fopen(path, "r");
		if (f == NULL) {
			unlock(ds);
			if (log)
				fprintf(log, "%s: dataset '%s': cannot read: %s\n", path, ds->name,
					strerror(errno));
			return -1;
		}
		rc = load_lines(&ls, f);
		fclose(f);
	}
	unlock(ds);
	if (rc == 0 && o->format != DS_FMT_CSV && ls.keyed == 0) {
		/* as Suricata: a JSON file none of whose entries has the key is
		 * an error, not an empty set */
		if (log)
			fprintf(log, "%s: dataset '%s': no entry has the key '%s'\n", path, ds->name,
				o->value_key);
		return -1;
	}
	if (log && (ls.bad || ls.refused))
		fprintf(log,
			"%s: dataset '%s': %llu values loaded, %llu malformed, %llu over memcap\n",
			path, ds->name, (unsigned long long)ls.added, (unsigned long long)ls.bad,
			(unsigned long long)ls.refused);
	return rc;
}

/* ------------------------------------------------------------ saving */

static void write_value(FILE *f, enum dataset_type t, const struct ds_entry *e)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char txt[INET6_ADDRSTRLEN];
	switch (t) {
	case DS_STRING:
		for (uint32_t i = 0; i < e->len; i += 3) {
			uint32_t v = (uint32_t)e->data[i] << 16;
			if (i + 1 < e->len)
				v |= (uint32_t)e->data[i + 1] << 8;
			if (i + 2 < e->len)
				v |= e->data[i + 2];
			fputc(b64[(v >> 18) & 63], f);
			fputc(b64[(v >> 12) & 63], f);
			fputc(i + 1 < e->len ? b64[(v >> 6) & 63] : '=', f);
			fputc(i + 2 < e->len ? b64[v & 63] : '=', f);
		}
		break;
	case DS_MD5:
	case DS_SHA256:
		for (uint32_t i = 0; i < e->len; i++)
			fprintf(f, "%02x", e->data[i]);
		break;
	case DS_IPV4: fputs(inet_ntop(AF_INET, e->data, txt, sizeof(txt)), f); break;
	case DS_IP:
		if (memcmp(e->data, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
			fputs(inet_ntop(AF_INET, e->data + 12, txt, sizeof(txt)), f);
		else
			fputs(inet_ntop(AF_INET6, e->data, txt, sizeof(txt)), f);
		break;
	default: break;
	}
	if (e->has_rep)
		fprintf(f, ",%u", e->rep);
	fputc('\n', f);
}

int dataset_save(struct dataset *ds, const char *path)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	rdlock(ds);
	for (uint32_t i = 0; i < ds->nbuckets; i++)
		for (const struct ds_entry *e = ds->buckets[i]; e; e = e->next)
			write_value(f, ds->type, e);
	unlock(ds);
	if (fclose(f) != 0) {
		remove(tmp);
		return -1;
	}
	return rename(tmp, path);
}

/* ------------------------------------------------------------ yaml */

static void config_set_from_yaml(struct dataset_registry *reg, const struct config_node *n,
				 FILE *log)
{
	char err[256];
	const char *type = config_get_str(n, "type", NULL);
	enum dataset_type t;
	if (type == NULL || !dataset_type_parse(type, &t)) {
		if (log)
			fprintf(log, "datasets.%s: type '%s' is not one of string, md5, sha256, "
				     "ipv4, ip: set not created\n",
				n->key, type ? type : "(none)");
		return;
	}
	struct dataset *ds =
	    dataset_get(reg, n->key, t, config_get_size(n, "memcap", 0),
			(uint32_t)config_get_int(n, "hashsize", 0), err, sizeof(err));
	if (ds == NULL) {
		if (log)
			fprintf(log, "datasets.%s: %s\n", n->key, err);
		return;
	}
	/* Sets of the yaml are dynamic: rules may write to them. */
	dataset_mark_writable(ds);
	struct dataset_load_opts o = {.format = DS_FMT_CSV};
	const char *load = config_get_str(n, "load", NULL);
	const char *state = config_get_str(n, "state", NULL);
	const char *save = config_get_str(n, "save", NULL);
	if (state) {
		if (access(state, R_OK) == 0)
			dataset_load(ds, state, &o, log);
		dataset_set_save_path(ds, state);
	}
	if (load)
		dataset_load(ds, load, &o, log);
	if (save)
		dataset_set_save_path(ds, save);
}

struct dataset_registry *dataset_registry_new(const struct config_node *cfg, const char *data_dir,
					      FILE *log)
{
	struct dataset_registry *reg = calloc(1, sizeof(*reg));
	if (reg == NULL)
		return NULL;
	reg->memcap = DS_DEFAULT_MEMCAP;
	reg->hashsize = DS_DEFAULT_HASHSIZE;
	reg->allow_write = true;
	reg->data_dir = strdup(data_dir && data_dir[0] ? data_dir : ".");
	const struct config_node *sec = cfg ? config_get(cfg, "datasets") : NULL;
	if (sec == NULL || sec->kind != CONFIG_MAP)
		return reg;
	reg->memcap = config_get_size(sec, "defaults.memcap", reg->memcap);
	int64_t hs = config_get_int(sec, "defaults.hashsize", reg->hashsize);
	if (hs > 0)
		reg->hashsize = (uint32_t)hs;
	reg->allow_write = config_get_bool(sec, "rules.allow-write", true);
	reg->allow_absolute = config_get_bool(sec, "rules.allow-absolute-filenames", false);
	for (size_t i = 0; i < sec->nchild; i++) {
		const struct config_node *n = sec->child[i];
		if (n->kind != CONFIG_MAP || strcmp(n->key, "defaults") == 0 ||
		    strcmp(n->key, "rules") == 0)
			continue;
		config_set_from_yaml(reg, n, log);
	}
	return reg;
}

void dataset_registry_free(struct dataset_registry *reg, bool save, FILE *log)
{
	if (reg == NULL)
		return;
	struct dataset *ds = reg->sets;
	while (ds) {
		struct dataset *next = ds->next;
		if (save && ds->save_path && dataset_save(ds, ds->save_path) != 0 && log)
			fprintf(log, "dataset '%s': cannot write %s: %s\n", ds->name,
				ds->save_path, strerror(errno));
		uint64_t refused = atomic_load(&ds->refused);
		if (refused && log)
			fprintf(log,
				"dataset '%s': %llu values not added: memcap %llu bytes reached\n",
				ds->name, (unsigned long long)refused,
				(unsigned long long)ds->memcap);
		for (uint32_t i = 0; i < ds->nbuckets; i++) {
			struct ds_entry *e = ds->buckets[i];
			while (e) {
				struct ds_entry *n = e->next;
				free(e->json);
				free(e);
				e = n;
			}
		}
		for (unsigned i = 0; i < ds->nloaded; i++)
			free(ds->loaded[i]);
		free(ds->buckets);
		free(ds->save_path);
		free(ds->name);
		pthread_rwlock_destroy(&ds->lock);
		free(ds);
		ds = next;
	}
	free(reg->data_dir);
	free(reg);
}
