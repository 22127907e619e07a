/*
 * ioc.c — the indicator database (see ioc.h).
 *
 * One chained hash table over (type, value bytes) for every indicator of
 * every feed.  Entries and strings live in an arena of 1 MiB chunks (no
 * per-indicator malloc: a million indicators load in well under a second
 * and cost about 80 bytes each); provenance records sit in one growable
 * array, shared by the values of one STIX indicator or MISP attribute.
 * Values are normalised on the way in (domains lower case, URLs without
 * scheme, addresses and digests as their bytes) and look-ups normalise
 * the buffer the same way.  The same value from two feeds is two entries:
 * a look-up reports the first one valid at the packet's time.
 */
#include "intel/ioc.h"
#include "intel/ioc-internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARENA_CHUNK (1u << 20)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	uint8_t data[];
};

struct ioc_entry {
	struct ioc_entry *next;
	uint32_t hash;
	uint32_t rec;
	uint8_t type;
	uint16_t len;
	uint8_t data[];
};

struct ioc_rec {
	uint32_t feed;
	uint32_t publisher; /* index in strs + 1, 0 = the feed's */
	const char *source_id;
	int64_t valid_from, valid_until;
	int16_t confidence;
	uint8_t tlp;
};

struct ioc_feed {
	char *name, *publisher, *stakeholder;
	enum ioc_tlp tlp;
};

struct ioc_db {
	struct ioc_entry **buckets;
	uint32_t nbuckets;
	uint64_t count, per_type[IOC_TYPES];
	struct ioc_rec *recs;
	uint32_t nrecs, caprecs;
	struct ioc_feed *feeds;
	uint32_t nfeeds;
	char **strs; /* interned publishers */
	uint32_t nstrs;
	struct arena_chunk *arena;
	uint64_t arena_bytes;
	struct ioc_enrich *enrich; /* KEV and ATT&CK (ioc-enrich.c) */
	uint64_t memcap;	   /* 0 = none */
};

static const char *const type_names[IOC_TYPES] = {"ipv4-addr", "ipv6-addr", "domain-name",
						  "url",       "md5",	     "sha1",
						  "sha256",    "ja3"};
static const char *const tlp_names[] = {"clear", "green", "amber", "amber+strict", "red", ""};

const char *ioc_type_name(enum ioc_type t)
{
	return t < IOC_TYPES ? type_names[t] : "?";
}

const char *ioc_tlp_name(enum ioc_tlp t)
{
	return t <= TLP_RED ? tlp_names[t] : "";
}

enum ioc_tlp ioc_tlp_parse(const char *s)
{
	if (s == NULL)
		return TLP_UNKNOWN;
	if (strncasecmp(s, "tlp:", 4) == 0)
		s += 4;
	else if (strncasecmp(s, "tlp-", 4) == 0)
		s += 4;
	if (strcasecmp(s, "clear") == 0 || strcasecmp(s, "white") == 0)
		return TLP_CLEAR;
	if (strcasecmp(s, "green") == 0)
		return TLP_GREEN;
	if (strcasecmp(s, "amber") == 0)
		return TLP_AMBER;
	if (strcasecmp(s, "amber+strict") == 0)
		return TLP_AMBER_STRICT;
	if (strcasecmp(s, "red") == 0)
		return TLP_RED;
	return TLP_UNKNOWN;
}

/* ------------------------------------------------------------ memory */

static void *arena_alloc(struct ioc_db *db, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	struct arena_chunk *c = db->arena;
	if (c == NULL || c->used + n > ARENA_CHUNK) {
		size_t sz = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = malloc(sizeof(*c) + sz);
		if (c == NULL)
			return NULL;
		c->used = 0;
		c->next = db->arena;
		db->arena = c;
		db->arena_bytes += sizeof(*c) + sz;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static const char *arena_strdup(struct ioc_db *db, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = arena_alloc(db, n);
	if (d)
		memcpy(d, s, n);
	return d;
}

struct ioc_db *ioc_db_new(void)
{
	struct ioc_db *db = calloc(1, sizeof(*db));
	if (db == NULL)
		return NULL;
	db->nbuckets = 1u << 16;
	db->buckets = calloc(db->nbuckets, sizeof(*db->buckets));
	if (db->buckets == NULL) {
		free(db);
		return NULL;
	}
	return db;
}

void ioc_db_free(struct ioc_db *db)
{
	if (db == NULL)
		return;
	for (struct arena_chunk *c = db->arena, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	for (uint32_t i = 0; i < db->nfeeds; i++) {
		free(db->feeds[i].name);
		free(db->feeds[i].publisher);
		free(db->feeds[i].stakeholder);
	}
	for (uint32_t i = 0; i < db->nstrs; i++)
		free(db->strs[i]);
	free(db->strs);
	ioc_enrich_free(db->enrich);
	free(db->feeds);
	free(db->recs);
	free(db->buckets);
	free(db);
}

struct ioc_enrich **ioc_db_enrich_ref(struct ioc_db *db)
{
	return &db->enrich;
}

uint64_t ioc_db_count(const struct ioc_db *db)
{
	return db ? db->count : 0;
}

uint64_t ioc_db_count_type(const struct ioc_db *db, enum ioc_type t)
{
	return db && t < IOC_TYPES ? db->per_type[t] : 0;
}

uint64_t ioc_db_memuse(const struct ioc_db *db)
{
	if (db == NULL)
		return 0;
	return db->arena_bytes + (uint64_t)db->nbuckets * sizeof(void *) +
	       (uint64_t)db->caprecs * sizeof(struct ioc_rec);
}

/* ------------------------------------------------------------ values */

static uint32_t hash_value(uint8_t type, const uint8_t *d, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull ^ type;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 0x100000001b3ull;
	return (uint32_t)(h ^ (h >> 32));
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool hex_bytes(const char *s, uint8_t *out, size_t want)
{
	if (strlen(s) != want * 2)
		return false;
	for (size_t i = 0; i < want; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* A host name as vigil compares it: lower case, no trailing dot, only
 * the characters names carry. */
static bool norm_domain(const char *s, size_t n, char *out, size_t cap)
{
	while (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n >= cap)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == '/' || c == '\\' || c >= 0x7f)
			return false;
		out[i] = (char)tolower(c);
	}
	out[n] = '\0';
	return true;
}

/* "http://Host:80/p?q#f" → "host/p?q"; a URL without scheme is taken as
 * host/path already. */
static bool norm_url(const char *s, char *out, size_t cap)
{
	const char *p = strstr(s, "://");
	const char *host = p ? p + 3 : s;
	bool https = p && (size_t)(p - s) == 5 && strncasecmp(s, "https", 5) == 0;
	size_t hl = strcspn(host, "/?#");
	const char *rest = host + hl;
	const char *at = memchr(host, '@', hl); /* user info is not part of the host */
	if (at) {
		hl -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	char h[256];
	if (!norm_domain(host, hl, h, sizeof(h)))
		return false;
	char *colon = strrchr(h, ':');
	if (colon && ((strcmp(colon, ":80") == 0 && !https) || (strcmp(colon, ":443") == 0 && https)))
		*colon = '\0';
	size_t rl = strcspn(rest, "#");
	int n = snprintf(out, cap, "%s%s%.*s", h, rest[0] == '/' ? "" : "/", (int)rl, rest);
	return n > 0 && (size_t)n < cap;
}

/* The bytes a value is stored and looked up as; false when it is not
 * one of its type.  `buf` holds them (>= 2048 bytes). */
static bool to_bytes(enum ioc_type t, const char *text, uint8_t *buf, size_t *len)
{
	switch (t) {
	case IOC_IPV4: *len = 4; return inet_pton(AF_INET, text, buf) == 1;
	case IOC_IPV6: *len = 16; return inet_pton(AF_INET6, text, buf) == 1;
	case IOC_DOMAIN:
		if (!norm_domain(text, strlen(text), (char *)buf, 2048))
			return false;
		*len = strlen((char *)buf);
		return true;
	case IOC_URL:
		if (!norm_url(text, (char *)buf, 2048))
			return false;
		*len = strlen((char *)buf);
		return true;
	case IOC_MD5:
	case IOC_JA3: *len = 16; return hex_bytes(text, buf, 16);
	case IOC_SHA1: *len = 20; return hex_bytes(text, buf, 20);
	case IOC_SHA256: *len = 32; return hex_bytes(text, buf, 32);
	default: return false;
	}
}

static void to_text(enum ioc_type t, const uint8_t *d, size_t len, char *out, size_t cap)
{
	switch (t) {
	case IOC_IPV4: inet_ntop(AF_INET, d, out, (socklen_t)cap); return;
	case IOC_IPV6: inet_ntop(AF_INET6, d, out, (socklen_t)cap); return;
	case IOC_DOMAIN:
	case IOC_URL: snprintf(out, cap, "%.*s", (int)len, (const char *)d); return;
	default:
		out[0] = '\0';
		for (size_t i = 0; i < len && 2 * i + 2 < cap; i++)
			snprintf(out + 2 * i, 3, "%02x", d[i]);
	}
}

/* ------------------------------------------------------------ adding */

static void grow(struct ioc_db *db)
{
	if (db->count < (uint64_t)db->nbuckets || db->nbuckets >= (1u << 28))
		return;
	uint32_t nb = db->nbuckets * 2;
	struct ioc_entry **b = calloc(nb, sizeof(*b));
	if (b == NULL)
		return;
	for (uint32_t i = 0; i < db->nbuckets; i++)
		for (struct ioc_entry *e = db->buckets[i], *n; e; e = n) {
			n = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	free(db->buckets);
	db->buckets = b;
	db->nbuckets = nb;
}

uint32_t ioc_db_feed(struct ioc_db *db, const struct ioc_feed_opts *o, const char *publisher)
{
	struct ioc_feed *f = realloc(db->feeds, (db->nfeeds + 1) * sizeof(*f));
	if (f == NULL)
		return 0;
	db->feeds = f;
	f = &db->feeds[db->nfeeds];
	const char *base = strrchr(o->path, '/');
	f->name = strdup(o->name ? o->name : base ? base + 1 : o->path);
	f->publisher = strdup(o->publisher ? o->publisher : publisher ? publisher : "unknown");
	f->stakeholder = o->stakeholder ? strdup(o->stakeholder) : NULL;
	f->tlp = o->tlp;
	return db->nfeeds++;
}

static uint32_t intern(struct ioc_db *db, const char *s)
{
	for (uint32_t i = 0; i < db->nstrs; i++)
		if (strcmp(db->strs[i], s) == 0)
			return i + 1;
	char **v = realloc(db->strs, (db->nstrs + 1) * sizeof(*v));
	if (v == NULL)
		return 0;
	db->strs = v;
	db->strs[db->nstrs] = strdup(s);
	return ++db->nstrs;
}

/* The provenance record of p: the last one when p is the same as it
 * (several values of one object), else a new one. */
static int64_t rec_for(struct ioc_db *db, const struct ioc_prov *p)
{
	uint32_t pub = p->publisher ? intern(db, p->publisher) : 0;
	if (db->nrecs > 0) {
		const struct ioc_rec *r = &db->recs[db->nrecs - 1];
		bool same_id = (r->source_id == NULL && p->source_id == NULL) ||
			       (r->source_id && p->source_id &&
				strcmp(r->source_id, p->source_id) == 0);
		if (same_id && p->source_id && r->feed == p->feed && r->publisher == pub &&
		    r->tlp == p->tlp && r->valid_from == p->valid_from &&
		    r->valid_until == p->valid_until && r->confidence == p->confidence)
			return db->nrecs - 1;
	}
	if (db->nrecs == db->caprecs) {
		uint32_t cap = db->caprecs ? db->caprecs * 2 : 1024;
		struct ioc_rec *v = realloc(db->recs, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		db->recs = v;
		db->caprecs = cap;
	}
	struct ioc_rec *r = &db->recs[db->nrecs];
	r->feed = p->feed;
	r->publisher = pub;
	r->source_id = p->source_id ? arena_strdup(db, p->source_id) : NULL;
	r->valid_from = p->valid_from;
	r->valid_until = p->valid_until;
	r->confidence = (int16_t)p->confidence;
	r->tlp = (uint8_t)p->tlp;
	return db->nrecs++;
}

void ioc_db_set_memcap(struct ioc_db *db, uint64_t bytes)
{
	db->memcap = bytes;
}

int ioc_db_add(struct ioc_db *db, enum ioc_type t, const char *text, const struct ioc_prov *p)
{
	uint8_t buf[2048];
	size_t len;
	if (t >= IOC_TYPES || !to_bytes(t, text, buf, &len) || len > UINT16_MAX)
		return 0;
	if (db->memcap && ioc_db_memuse(db) + sizeof(struct ioc_entry) + len > db->memcap)
		return -1;
	int64_t rec = rec_for(db, p);
	if (rec < 0)
		return -1;
	struct ioc_entry *e = arena_alloc(db, sizeof(*e) + len);
	if (e == NULL)
		return -1;
	e->hash = hash_value((uint8_t)t, buf, len);
	e->rec = (uint32_t)rec;
	e->type = (uint8_t)t;
	e->len = (uint16_t)len;
	memcpy(e->data, buf, len);
	e->next = db->buckets[e->hash & (db->nbuckets - 1)];
	db->buckets[e->hash & (db->nbuckets - 1)] = e;
	db->count++;
	db->per_type[t]++;
	grow(db);
	return 1;
}

/* ------------------------------------------------------------ look-up */

bool ioc_db_lookup(const struct ioc_db *db, enum ioc_type t, const uint8_t *v, size_t len,
		   int64_t now, struct ioc_hit *hit)
{
	if (db == NULL || db->count == 0 || len == 0)
		return false;
	uint8_t low[2048];
	if (t == IOC_DOMAIN) {
		if (len >= sizeof(low))
			return false;
		while (len > 0 && v[len - 1] == '.')
			len--;
		for (size_t i = 0; i < len; i++)
			low[i] = (uint8_t)tolower(v[i]);
		v = low;
	}
	uint32_t h = hash_value((uint8_t)t, v, len);
	for (const struct ioc_entry *e = db->buckets[h & (db->nbuckets - 1)]; e; e = e->next) {
		if (e->hash != h || e->type != t || e->len != len || memcmp(e->data, v, len) != 0)
			continue;
		const struct ioc_rec *r = &db->recs[e->rec];
		if ((r->valid_from && now < r->valid_from) || (r->valid_until && now >= r->valid_until))
			continue; /* not yet valid, or expired */
		if (hit) {
			const struct ioc_feed *f = &db->feeds[r->feed];
			hit->type = t;
			to_text(t, e->data, e->len, hit->value, sizeof(hit->value));
			hit->feed = f->name;
			hit->publisher = r->publisher ? db->strs[r->publisher - 1] : f->publisher;
			hit->stakeholder = f->stakeholder;
			hit->tlp = r->tlp != TLP_UNKNOWN ? (enum ioc_tlp)r->tlp : f->tlp;
			hit->source_id = r->source_id;
			hit->confidence = r->confidence;
			hit->valid_from = r->valid_from;
			hit->valid_until = r->valid_until;
		}
		return true;
	}
	return false;
}

/* ------------------------------------------------------------ helpers */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, int n, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return true;
}

/* "YYYY-MM-DD", optionally "THH:MM:SS", fraction, and "Z" or "+00:00". */
bool ioc_parse_time(const char *s, int64_t *out)
{
	unsigned y, mo, d, h = 0, mi = 0, se = 0;
	if (s == NULL || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
		return false;
	const char *p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi) || p[6] != ':' ||
		    !digits(p + 7, 2, &se) || h > 23 || mi > 59 || se > 60)
			return false;
		p += 9;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
		if (*p && strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0)
			return false;
	} else if (*p) {
		return false;
	}
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

bool ioc_format_parse(const char *s, enum ioc_format *f)
{
	if (strcmp(s, "stix") == 0)
		*f = IOC_FMT_STIX;
	else if (strcmp(s, "misp") == 0)
		*f = IOC_FMT_MISP;
	else if (strcmp(s, "csv") == 0)
		*f = IOC_FMT_CSV;
	else
		return false;
	return true;
}

enum ioc_format ioc_format_guess(const char *path)
{
	size_t n = strlen(path);
	if (n > 4 && strcasecmp(path + n - 4, ".csv") == 0)
		return IOC_FMT_CSV;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return IOC_FMT_STIX;
	char head[4096];
	size_t got = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	head[got] = '\0';
	if (strstr(head, "\"Event\"") || strstr(head, "\"Attribute\""))
		return IOC_FMT_MISP;
	return IOC_FMT_STIX;
}

/* ------------------------------------------------------------ loading */

#include <stdarg.h>

static void report(struct ioc_loader *L, uint64_t n, const char *kind, const char *where,
		   const char *fmt, va_list ap)
{
	if (L->log == NULL)
		return;
	if (n > 50) {
		if (n == 51)
			fprintf(L->log, "%s: further %s entries are counted, not reported\n",
				L->o->path, kind);
		return;
	}
	fprintf(L->log, "%s: %s: ", L->o->path, where);
	vfprintf(L->log, fmt, ap);
	fputc('\n', L->log);
}

void ioc_malformed(struct ioc_loader *L, const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(L, ++L->res->malformed, "malformed", where, fmt, ap);
	va_end(ap);
}

void ioc_unsupported(struct ioc_loader *L, const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(L, ++L->res->unsupported, "unsupported", where, fmt, ap);
	va_end(ap);
}

void ioc_add(struct ioc_loader *L, const char *where, enum ioc_type t, const char *value,
	     const struct ioc_prov *p)
{
	int r = ioc_db_add(L->db, t, value, p);
	if (r > 0)
		L->res->loaded++;
	else if (r < 0)
		L->res->over_memcap++;
	else
		ioc_malformed(L, where, "'%.80s' is not a %s", value, ioc_type_name(t));
}

enum ioc_type ioc_ip_type(const char *text)
{
	return strchr(text, ':') ? IOC_IPV6 : IOC_IPV4;
}

int ioc_db_load(struct ioc_db *db, const struct ioc_feed_opts *o, struct ioc_load_result *res,
		FILE *log)
{
	struct ioc_load_result local;
	memset(res ? res : &local, 0, sizeof(local));
	struct ioc_loader L = {.db = db, .o = o, .res = res ? res : &local, .log = log};
	switch (o->format) {
	case IOC_FMT_MISP: return ioc_load_misp(&L);
	case IOC_FMT_CSV: return ioc_load_csv(&L);
	default: return ioc_load_stix(&L);
	}
}
