/*
 * rule-header.c — the part of a rule before the options:
 *   action proto src_addr src_port (-> | <>) dst_addr dst_port
 *
 * Addresses and ports become sets of inclusive ranges (struct rset): IPv4
 * in [0, 2^32), IPv6 in [0, 2^128), ports in [0, 65535].  A list unions its
 * positive members and then removes its negated ones; a list of negations
 * only starts from "any", and "!x" is the complement of x in both address
 * families — Suricata's semantics, so `!$HOME_NET` also matches IPv6.
 * A set that ends up empty is an error, as is "!any".  Variables are
 * expanded recursively with a depth limit (a self-referencing variable is
 * an error, not a hang).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

#define MAX_DEPTH 32
#define V4_MAX ((u128)0xffffffffu)
#define V6_MAX (~(u128)0)
#define PORT_MAX ((u128)65535)

/* ------------------------------------------------------------ range sets */

void rset_free(struct rset *s)
{
	free(s->r);
	memset(s, 0, sizeof(*s));
}

static int rset_reserve(struct rset *s, uint32_t n)
{
	if (n <= s->cap)
		return 0;
	uint32_t nc = s->cap ? s->cap : 4;
	while (nc < n)
		nc *= 2;
	struct range *nr = realloc(s->r, nc * sizeof(*nr));
	if (nr == NULL)
		return -1;
	s->r = nr;
	s->cap = nc;
	return 0;
}

/* Inserts [lo,hi] keeping the set sorted and merged (adjacent ranges join). */
int rset_add(struct rset *s, u128 lo, u128 hi)
{
	uint32_t i = 0;
	while (i < s->n && s->r[i].hi < lo && s->r[i].hi + 1 < lo)
		i++;
	uint32_t j = i;
	while (j < s->n && (hi == ~(u128)0 || s->r[j].lo <= hi + 1)) {
		if (s->r[j].lo < lo)
			lo = s->r[j].lo;
		if (s->r[j].hi > hi)
			hi = s->r[j].hi;
		j++;
	}
	if (j == i) {
		if (rset_reserve(s, s->n + 1) != 0)
			return -1;
		memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(struct range));
		s->n++;
	} else if (j > i + 1) {
		memmove(&s->r[i + 1], &s->r[j], (s->n - j) * sizeof(struct range));
		s->n -= j - i - 1;
	}
	s->r[i].lo = lo;
	s->r[i].hi = hi;
	return 0;
}

int rset_union(struct rset *dst, const struct rset *src)
{
	for (uint32_t i = 0; i < src->n; i++)
		if (rset_add(dst, src->r[i].lo, src->r[i].hi) != 0)
			return -1;
	return 0;
}

int rset_copy(struct rset *dst, const struct rset *src)
{
	dst->n = 0;
	return rset_union(dst, src);
}

int rset_complement(struct rset *s, u128 max)
{
	struct rset out = {0};
	u128 next = 0;
	bool done = false;
	for (uint32_t i = 0; i < s->n && !done; i++) {
		if (s->r[i].lo > next && rset_add(&out, next, s->r[i].lo - 1) != 0)
			goto fail;
		if (s->r[i].hi >= max)
			done = true;
		else
			next = s->r[i].hi + 1;
	}
	if (!done && rset_add(&out, next, max) != 0)
		goto fail;
	rset_free(s);
	*s = out;
	return 0;
fail:
	rset_free(&out);
	return -1;
}

int rset_subtract(struct rset *dst, const struct rset *src)
{
	struct rset out = {0};
	for (uint32_t i = 0; i < dst->n; i++) {
		u128 lo = dst->r[i].lo, hi = dst->r[i].hi;
		bool gone = false;
		for (uint32_t j = 0; j < src->n && !gone; j++) {
			const struct range *c = &src->r[j];
			if (c->hi < lo || c->lo > hi)
				continue;
			if (c->lo > lo && rset_add(&out, lo, c->lo - 1) != 0)
				goto fail;
			if (c->hi >= hi)
				gone = true;
			else
				lo = c->hi + 1;
		}
		if (!gone && rset_add(&out, lo, hi) != 0)
			goto fail;
	}
	rset_free(dst);
	*dst = out;
	return 0;
fail:
	rset_free(&out);
	return -1;
}

bool rset_contains(const struct rset *s, u128 v)
{
	uint32_t lo = 0, hi = s->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (v < s->r[mid].lo)
			hi = mid;
		else if (v > s->r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* ------------------------------------------------------------ helpers */

/* Splits a bracketed list body at top-level commas; returns count or -1. */
static int split_list(char *s, char **items, int max)
{
	int n = 0, depth = 0;
	char *start = s;
	for (char *c = s;; c++) {
		if (*c == '[')
			depth++;
		else if (*c == ']')
			depth--;
		if (depth < 0)
			return -1;
		if ((*c == ',' && depth == 0) || *c == '\0') {
			bool end = *c == '\0';
			*c = '\0';
			if (n == max)
				return -1;
			items[n++] = str_trim(start);
			if (end)
				break;
			start = c + 1;
		}
	}
	return depth == 0 ? n : -1;
}

/* Checks that s is "[ ... ]" with the brackets matching each other. */
static bool is_whole_list(const char *s, size_t len)
{
	if (len < 2 || s[0] != '[' || s[len - 1] != ']')
		return false;
	int depth = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '[')
			depth++;
		else if (s[i] == ']' && --depth == 0 && i != len - 1)
			return false;
	}
	return depth == 0;
}

#define ERR(...)                                                                                   \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

/* ------------------------------------------------------------ addresses */

bool ip_addr_parse(const char *s, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, out->bytes) != 1)
			return false;
		out->family = 6;
		return true;
	}
	/* inet_pton accepts only dotted quads, which is what Suricata wants. */
	if (inet_pton(AF_INET, s, out->bytes) != 1)
		return false;
	out->family = 4;
	return true;
}

static u128 ip_to_u128(const struct ip_addr *a)
{
	u128 v = 0;
	int n = a->family == 4 ? 4 : 16;
	for (int i = 0; i < n; i++)
		v = (v << 8) | a->bytes[i];
	return v;
}

static void addr_set_full(struct addr_set *a)
{
	a->v4.n = 0;
	a->v6.n = 0;
	rset_add(&a->v4, 0, V4_MAX);
	rset_add(&a->v6, 0, V6_MAX);
}

/* One address: a.b.c.d, a.b.c.d/nn, a.b.c.d/m.m.m.m, range a-b, IPv6 likewise. */
static int parse_single_addr(const char *s, struct addr_set *out, char *err, size_t errlen)
{
	char buf[128];
	if (strlen(s) >= sizeof(buf) || s[0] == '\0')
		ERR("invalid address '%s'", s);
	strcpy(buf, s);
	char *dash = strchr(buf, '-');
	char *slash = strchr(buf, '/');
	struct ip_addr a, b;
	if (dash != NULL) {
		*dash = '\0';
		if (!ip_addr_parse(str_trim(buf), &a) || !ip_addr_parse(str_trim(dash + 1), &b) ||
		    a.family != b.family)
			ERR("invalid address range '%s'", s);
		u128 lo = ip_to_u128(&a), hi = ip_to_u128(&b);
		if (lo > hi)
			ERR("invalid address range '%s'", s);
		return rset_add(a.family == 4 ? &out->v4 : &out->v6, lo, hi);
	}
	int bits = -1;
	if (slash != NULL) {
		*slash = '\0';
		const char *m = slash + 1;
		if (strchr(m, '.') != NULL) {
			struct ip_addr mask;
			if (!ip_addr_parse(m, &mask) || mask.family != 4)
				ERR("invalid netmask '%s'", s);
			uint32_t mv = (uint32_t)ip_to_u128(&mask);
			bits = __builtin_popcount(mv);
			if (mv != (uint32_t)(0xffffffffull << (32 - bits)))
				ERR("invalid netmask '%s'", s);
		} else {
			char *end;
			if (*m == '\0' || !isdigit((unsigned char)*m))
				ERR("invalid netmask '%s'", s);
			long l = strtol(m, &end, 10);
			if (*end != '\0' || l < 0 || l > 128)
				ERR("invalid netmask '%s'", s);
			bits = (int)l;
		}
	}
	if (!ip_addr_parse(buf, &a))
		ERR("invalid address '%s'", s);
	int width = a.family == 4 ? 32 : 128;
	if (bits < 0)
		bits = width;
	if (bits > width)
		ERR("invalid netmask '%s'", s);
	u128 v = ip_to_u128(&a);
	u128 hostmask = bits == width ? 0
				      : (bits == 0 ? (a.family == 4 ? V4_MAX : V6_MAX)
						   : (((u128)1 << (width - bits)) - 1));
	return rset_add(a.family == 4 ? &out->v4 : &out->v6, v & ~hostmask, v | hostmask);
}

static int addr_expr(const struct var_table *vt, const char *s, struct addr_set *out, int depth,
		     char *err, size_t errlen);

static int addr_negate(struct addr_set *a)
{
	if (rset_complement(&a->v4, V4_MAX) != 0 || rset_complement(&a->v6, V6_MAX) != 0)
		return -1;
	return 0;
}

static int addr_list(const struct var_table *vt, char *body, struct addr_set *out, int depth,
		     char *err, size_t errlen)
{
	char *items[1024];
	int n = split_list(body, items, 1024);
	if (n <= 0)
		ERR("invalid address list");
	struct addr_set pos = {0}, neg = {0};
	bool have_pos = false;
	int rc = -1;
	for (int i = 0; i < n; i++) {
		struct addr_set one = {0};
		bool negated = false;
		const char *it = items[i];
		/* A leading '!' on a member is kept apart so it is subtracted. */
		if (it[0] == '!') {
			negated = true;
			it = str_trim((char *)it + 1);
		}
		if (addr_expr(vt, it, &one, depth + 1, err, errlen) != 0) {
			addr_set_free(&one);
			goto out;
		}
		struct addr_set *t = negated ? &neg : &pos;
		if (!negated)
			have_pos = true;
		if (rset_union(&t->v4, &one.v4) != 0 || rset_union(&t->v6, &one.v6) != 0) {
			addr_set_free(&one);
			goto out;
		}
		addr_set_free(&one);
	}
	if (!have_pos)
		addr_set_full(&pos);
	if (rset_subtract(&pos.v4, &neg.v4) != 0 || rset_subtract(&pos.v6, &neg.v6) != 0)
		goto out;
	rset_free(&out->v4);
	rset_free(&out->v6);
	out->v4 = pos.v4;
	out->v6 = pos.v6;
	memset(&pos, 0, sizeof(pos));
	rc = 0;
out:
	addr_set_free(&pos);
	addr_set_free(&neg);
	return rc;
}

static int addr_expr(const struct var_table *vt, const char *s, struct addr_set *out, int depth,
		     char *err, size_t errlen)
{
	if (depth > MAX_DEPTH)
		ERR("address nesting too deep (variable loop?)");
	while (isspace((unsigned char)*s))
		s++;
	size_t len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		ERR("empty address");
	if (s[0] == '!') {
		char sub[4096];
		if (len - 1 >= sizeof(sub))
			ERR("address too long");
		memcpy(sub, s + 1, len - 1);
		sub[len - 1] = '\0';
		if (strcmp(str_trim(sub), "any") == 0)
			ERR("negated 'any' address");
		if (addr_expr(vt, sub, out, depth + 1, err, errlen) != 0)
			return -1;
		return addr_negate(out);
	}
	if (len == 3 && strncmp(s, "any", 3) == 0) {
		addr_set_full(out);
		return 0;
	}
	if (s[0] == '$') {
		char name[128];
		if (len - 1 >= sizeof(name) || len < 2)
			ERR("invalid variable name");
		memcpy(name, s + 1, len - 1);
		name[len - 1] = '\0';
		const char *val = vars_get(vt, false, name);
		if (val == NULL)
			ERR("unknown address variable '$%s'", name);
		return addr_expr(vt, val, out, depth + 1, err, errlen);
	}
	if (s[0] == '[') {
		if (!is_whole_list(s, len))
			ERR("unbalanced brackets in address '%.*s'", (int)len, s);
		char *body = strndup(s + 1, len - 2);
		if (body == NULL)
			return -1;
		int rc = addr_list(vt, body, out, depth, err, errlen);
		free(body);
		return rc;
	}
	char one[128];
	if (len >= sizeof(one))
		ERR("invalid address");
	memcpy(one, s, len);
	one[len] = '\0';
	return parse_single_addr(one, out, err, errlen);
}

int addr_set_parse(const struct var_table *vt, const char *s, struct addr_set *out, char *err,
		   size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (addr_expr(vt, s, out, 0, err, errlen) != 0) {
		addr_set_free(out);
		return -1;
	}
	if (out->v4.n == 0 && out->v6.n == 0) {
		addr_set_free(out);
		ERR("address '%s' matches nothing", s);
	}
	out->any = out->v4.n == 1 && out->v4.r[0].lo == 0 && out->v4.r[0].hi == V4_MAX &&
		   out->v6.n == 1 && out->v6.r[0].lo == 0 && out->v6.r[0].hi == V6_MAX;
	return 0;
}

void addr_set_free(struct addr_set *a)
{
	rset_free(&a->v4);
	rset_free(&a->v6);
}

/* A set whose ranges all fit in 64 bits (IPv4, ports): searched without 128-bit
 * arithmetic (this runs for every candidate rule of every packet). */
static bool rset_contains_small(const struct rset *s, uint64_t v)
{
	uint32_t lo = 0, hi = s->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (v < (uint64_t)s->r[mid].lo)
			hi = mid;
		else if (v > (uint64_t)s->r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static uint64_t be64_at(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

bool addr_set_match(const struct addr_set *a, const struct ip_addr *ip)
{
	if (a->any)
		return true;
	if (ip->family == 4)
		return rset_contains_small(&a->v4, (uint64_t)ip->bytes[0] << 24 |
						    (uint64_t)ip->bytes[1] << 16 |
						    (uint64_t)ip->bytes[2] << 8 | ip->bytes[3]);
	if (ip->family == 6)
		return rset_contains(&a->v6,
				     (u128)be64_at(ip->bytes) << 64 | be64_at(ip->bytes + 8));
	return false;
}

/* ------------------------------------------------------------ ports */

static int parse_port_num(const char *s, u128 *v)
{
	if (*s == '\0')
		return -1;
	for (const char *c = s; *c; c++)
		if (!isdigit((unsigned char)*c))
			return -1;
	if (strlen(s) > 5)
		return -1;
	long l = strtol(s, NULL, 10);
	if (l > 65535)
		return -1;
	*v = (u128)l;
	return 0;
}

static int port_expr(const struct var_table *vt, const char *s, struct rset *out, int depth,
		     char *err, size_t errlen);

static int port_list(const struct var_table *vt, char *body, struct rset *out, int depth, char *err,
		     size_t errlen)
{
	char *items[1024];
	int n = split_list(body, items, 1024);
	if (n <= 0)
		ERR("invalid port list");
	struct rset pos = {0}, neg = {0};
	bool have_pos = false;
	int rc = -1;
	for (int i = 0; i < n; i++) {
		struct rset one = {0};
		const char *it = items[i];
		bool negated = it[0] == '!';
		if (negated)
			it = str_trim((char *)it + 1);
		if (port_expr(vt, it, &one, depth + 1, err, errlen) != 0) {
			rset_free(&one);
			goto out;
		}
		if (!negated)
			have_pos = true;
		if (rset_union(negated ? &neg : &pos, &one) != 0) {
			rset_free(&one);
			goto out;
		}
		rset_free(&one);
	}
	if (!have_pos)
		rset_add(&pos, 0, PORT_MAX);
	if (rset_subtract(&pos, &neg) != 0)
		goto out;
	rset_free(out);
	*out = pos;
	memset(&pos, 0, sizeof(pos));
	rc = 0;
out:
	rset_free(&pos);
	rset_free(&neg);
	return rc;
}

static int port_expr(const struct var_table *vt, const char *s, struct rset *out, int depth,
		     char *err, size_t errlen)
{
	if (depth > MAX_DEPTH)
		ERR("port nesting too deep (variable loop?)");
	char buf[4096];
	size_t len = strlen(s);
	if (len >= sizeof(buf))
		ERR("port too long");
	memcpy(buf, s, len + 1);
	char *t = str_trim(buf);
	len = strlen(t);
	if (len == 0)
		ERR("empty port");
	if (t[0] == '!') {
		if (strcmp(str_trim(t + 1), "any") == 0)
			ERR("negated 'any' port");
		if (port_expr(vt, t + 1, out, depth + 1, err, errlen) != 0)
			return -1;
		return rset_complement(out, PORT_MAX);
	}
	if (strcmp(t, "any") == 0)
		return rset_add(out, 0, PORT_MAX);
	if (t[0] == '$') {
		const char *val = vars_get(vt, true, t + 1);
		if (val == NULL)
			ERR("unknown port variable '%s'", t);
		return port_expr(vt, val, out, depth + 1, err, errlen);
	}
	if (t[0] == '[') {
		if (!is_whole_list(t, len))
			ERR("unbalanced brackets in port '%s'", t);
		t[len - 1] = '\0';
		return port_list(vt, t + 1, out, depth, err, errlen);
	}
	char *colon = strchr(t, ':');
	u128 lo, hi;
	if (colon != NULL) {
		*colon = '\0';
		char *a = str_trim(t), *b = str_trim(colon + 1);
		if (*a == '\0')
			lo = 0;
		else if (parse_port_num(a, &lo) != 0)
			ERR("invalid port '%s'", s);
		if (*b == '\0')
			hi = PORT_MAX;
		else if (parse_port_num(b, &hi) != 0)
			ERR("invalid port '%s'", s);
		if (lo > hi || (*a == '\0' && *b == '\0'))
			ERR("invalid port range '%s'", s);
		return rset_add(out, lo, hi);
	}
	if (parse_port_num(t, &lo) != 0)
		ERR("invalid port '%s'", s);
	return rset_add(out, lo, lo);
}

int port_set_parse(const struct var_table *vt, const char *s, struct port_set *out, char *err,
		   size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (port_expr(vt, s, &out->ports, 0, err, errlen) != 0) {
		rset_free(&out->ports);
		return -1;
	}
	if (out->ports.n == 0)
		ERR("port '%s' matches nothing", s);
	out->any = out->ports.n == 1 && out->ports.r[0].lo == 0 && out->ports.r[0].hi == PORT_MAX;
	return 0;
}

void port_set_free(struct port_set *p)
{
	rset_free(&p->ports);
}

bool port_set_match(const struct port_set *p, uint16_t port)
{
	return p->any || rset_contains_small(&p->ports, port); /* ports fit in 64 bits too */
}

/* ------------------------------------------------------------ header */

static const struct {
	const char *name;
	enum detect_action a;
} actions[] = {
    {"alert", DETECT_ACTION_ALERT},
    {"pass", DETECT_ACTION_PASS},
    {"drop", DETECT_ACTION_DROP},
    {"reject", DETECT_ACTION_REJECT},
    {"rejectsrc", DETECT_ACTION_REJECTSRC},
    {"rejectdst", DETECT_ACTION_REJECTDST},
    {"rejectboth", DETECT_ACTION_REJECTBOTH},
    {"config", DETECT_ACTION_CONFIG},
};

/* Application-layer protocol names Suricata accepts in the header (with their transport). */
static const struct {
	const char *name;
	uint8_t ipproto; /* 0 = tcp and udp */
} app_protos[] = { /* Suricata's names; the table's protocols are looked up first */
    {"http", 6},      {"http1", 6},  {"http2", 6}, {"ftp", 6},
    {"ftp-data", 6},  {"smtp", 6},   {"tls", 6},   {"ssl", 6},
    {"ssh", 6},	      {"imap", 6},   {"smb", 0},   {"dcerpc", 0},
    {"dns", 0},	      {"modbus", 6}, {"enip", 0},  {"dnp3", 6},
    {"nfs", 0},	      {"ntp", 17},   {"tftp", 17}, {"ikev2", 17},
    {"ike", 17},      {"krb5", 0},   {"dhcp", 17}, {"snmp", 17},
    {"sip", 0},	      {"rfb", 6},    {"mqtt", 6},  {"pgsql", 6},
    {"telnet", 6},    {"rdp", 6},    {"quic", 17}, {"bittorrent-dht", 17},
    {"websocket", 6}, {"ldap", 0},   {"doh2", 6},  {"pop3", 6},
    {"template", 0},  {"irc", 6},    {"mdns", 17},
};

bool app_proto_name_known(const char *name)
{
	if (app_proto_by_name(name) != APP_PROTO_UNKNOWN)
		return true;
	for (size_t i = 0; i < sizeof(app_protos) / sizeof(app_protos[0]); i++)
		if (strcmp(name, app_protos[i].name) == 0)
			return true;
	return false;
}

static void proto_set(struct rule_header *h, uint8_t p)
{
	h->protos[p / 8] |= (uint8_t)(1u << (p % 8));
}

static int header_proto(struct rule_header *h, const char *p, char *err, size_t errlen)
{
	/* Suricata 8's app-layer hooks: `<proto>:request_<state>` and
	 * `<proto>:response_<state>` (request_started, request_complete,
	 * response_banner_done ...; TLS: client_* / server_*): the protocol's
	 * transactions, one side.  vigil offers a transaction side to rules
	 * when its parser says it is ready, not at each named state. */
	const char *hook = strchr(p, ':');
	if (hook != NULL) {
		char base[32];
		size_t n = (size_t)(hook - p);
		if (n == 0 || n >= sizeof(base))
			ERR("unknown protocol '%s'", p);
		memcpy(base, p, n);
		base[n] = '\0';
		/* TLS names its states client_* / server_* (client_hello_done) */
		if ((strncmp(hook + 1, "request_", 8) == 0 && hook[9] != '\0') ||
		    (strncmp(hook + 1, "client_", 7) == 0 && hook[8] != '\0'))
			h->hook_dirs = 1u << APP_TOSERVER;
		else if ((strncmp(hook + 1, "response_", 9) == 0 && hook[10] != '\0') ||
			 (strncmp(hook + 1, "server_", 7) == 0 && hook[8] != '\0'))
			h->hook_dirs = 1u << APP_TOCLIENT;
		else
			ERR("unknown hook '%s' in protocol '%s'", hook + 1, p);
		if (header_proto(h, base, err, errlen) != 0)
			return -1;
		if (!(h->proto_flags & RP_APP))
			ERR("hook '%s' on a protocol that is not an application protocol", p);
		return 0;
	}
	if (strcmp(p, "ip") == 0 || strcmp(p, "ipv4") == 0 || strcmp(p, "ipv6") == 0 ||
	    strcmp(p, "pkthdr") == 0) {
		memset(h->protos, 0xff, sizeof(h->protos));
		h->proto_any = true;
		if (strcmp(p, "pkthdr") == 0)
			h->proto_flags |= RP_PKTHDR;
		return 0;
	}
	if (strcmp(p, "tcp") == 0 || strcmp(p, "tcp-pkt") == 0 || strcmp(p, "tcp-stream") == 0) {
		proto_set(h, 6);
		if (strcmp(p, "tcp-pkt") == 0)
			h->proto_flags |= RP_TCP_PKT;
		if (strcmp(p, "tcp-stream") == 0)
			h->proto_flags |= RP_TCP_STREAM;
		return 0;
	}
	if (strcmp(p, "udp") == 0) {
		proto_set(h, 17);
		return 0;
	}
	if (strcmp(p, "icmp") == 0) {
		proto_set(h, 1);
		proto_set(h, 58);
		return 0;
	}
	if (strcmp(p, "icmpv4") == 0) {
		proto_set(h, 1);
		return 0;
	}
	if (strcmp(p, "icmpv6") == 0) {
		proto_set(h, 58);
		return 0;
	}
	if (strcmp(p, "igmp") == 0) {
		proto_set(h, 2);
		return 0;
	}
	if (strcmp(p, "sctp") == 0) {
		proto_set(h, 132);
		return 0;
	}
	/* The protocol table first (its transports), then the names Suricata
	 * knows that vigil does not parse. */
	const struct app_protocol *ap = app_protocol(app_proto_by_name(p));
	if (ap != NULL) {
		if (ap->ipprotos & APP_IPPROTO_TCP)
			proto_set(h, 6);
		if (ap->ipprotos & APP_IPPROTO_UDP)
			proto_set(h, 17);
		h->proto_flags |= RP_APP;
		snprintf(h->app_proto, sizeof(h->app_proto), "%s", p);
		return 0;
	}
	for (size_t i = 0; i < sizeof(app_protos) / sizeof(app_protos[0]); i++) {
		if (strcmp(p, app_protos[i].name) != 0)
			continue;
		if (app_protos[i].ipproto == 0) {
			proto_set(h, 6);
			proto_set(h, 17);
		} else {
			proto_set(h, app_protos[i].ipproto);
		}
		h->proto_flags |= RP_APP;
		snprintf(h->app_proto, sizeof(h->app_proto), "%s", p);
		return 0;
	}
	ERR("unknown protocol '%s'", p);
}

/* Splits the header into whitespace-separated fields, keeping [..] lists whole. */
static int header_fields(char *s, char **f, int max)
{
	int n = 0;
	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		if (n == max)
			return -1;
		f[n++] = s;
		int depth = 0;
		while (*s && (depth > 0 || !isspace((unsigned char)*s))) {
			if (*s == '[')
				depth++;
			else if (*s == ']')
				depth--;
			s++;
		}
		if (*s)
			*s++ = '\0';
	}
	return n;
}

int rule_header_parse(struct parse_ctx *pc, const char *hdr, struct rule_header *h)
{
	char *err = pc->err;
	size_t errlen = sizeof(pc->err);
	char *copy = strdup(hdr);
	char *f[8];
	int rc = -1;
	if (copy == NULL)
		ERR("out of memory");
	int n = header_fields(copy, f, 8);
	memset(h, 0, sizeof(*h));
	h->action = (enum detect_action) - 1;
	for (size_t i = 0; n > 0 && i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(f[0], actions[i].name) == 0)
			h->action = actions[i].a;
	if (n < 1 || (int)h->action < 0) {
		snprintf(err, errlen, "unknown action '%s'", n > 0 ? f[0] : "");
		goto out;
	}
	if (n != 7) {
		snprintf(err, errlen, "rule header needs 7 fields, has %d", n);
		goto out;
	}
	if (header_proto(h, f[1], err, errlen) != 0)
		goto out;
	if (strcmp(f[4], "->") == 0)
		h->bidir = false;
	else if (strcmp(f[4], "<>") == 0)
		h->bidir = true;
	else if (strcmp(f[4], "=>") == 0)
		h->tx_both = true;
	else {
		snprintf(err, errlen, "invalid direction '%s'", f[4]);
		goto out;
	}
	if (addr_set_parse(pc->vars, f[2], &h->src, err, errlen) != 0 ||
	    port_set_parse(pc->vars, f[3], &h->sp, err, errlen) != 0 ||
	    addr_set_parse(pc->vars, f[5], &h->dst, err, errlen) != 0 ||
	    port_set_parse(pc->vars, f[6], &h->dp, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	free(copy);
	return rc;
}
