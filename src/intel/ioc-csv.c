/*
 * ioc-csv.c — CSV indicator feeds: a header line names the columns, then
 * one indicator a line.  Required columns: `type` (or indicator_type)
 * and `value` (or indicator); optional: id, tlp, publisher, confidence,
 * valid_from, valid_until.  Types: ip, ipv4, ipv6, ip-src, ip-dst,
 * domain, hostname, domain-name, url, md5, sha1, sha256, ja3.  Fields
 * may be double-quoted ("" inside for a quote); a quoted field cannot
 * span lines.  A bad line is reported by file and line, the rest loads.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intel/ioc-internal.h"

#define MAX_COLS 32

/* Splits a line in place; -1 on an unterminated quote. */
static int split_csv(char *s, char **f, int max)
{
	int n = 0;
	char *p = s;
	for (;;) {
		if (n == max)
			return -1;
		char *out = p, *start = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0')
					return -1;
				if (*p == '"' && p[1] == '"') {
					*out++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*out++ = *p++;
				}
			}
			if (*p != ',' && *p != '\0')
				return -1;
		} else {
			while (*p && *p != ',')
				p++;
			out = p;
		}
		char sep = *p;
		*out = '\0';
		f[n++] = start;
		if (sep == '\0')
			return n;
		p++;
	}
}

static bool type_of(const char *s, enum ioc_type *t, const char *value)
{
	static const struct {
		const char *name;
		int type; /* -1: by the address */
	} map[] = {{"ip", -1},	       {"ipv4", IOC_IPV4},     {"ipv4-addr", IOC_IPV4},
		   {"ipv6", IOC_IPV6}, {"ipv6-addr", IOC_IPV6}, {"ip-src", -1},
		   {"ip-dst", -1},     {"domain", IOC_DOMAIN}, {"hostname", IOC_DOMAIN},
		   {"domain-name", IOC_DOMAIN}, {"fqdn", IOC_DOMAIN}, {"url", IOC_URL},
		   {"md5", IOC_MD5},   {"sha1", IOC_SHA1},     {"sha256", IOC_SHA256},
		   {"ja3", IOC_JA3},   {"ja3-fingerprint-md5", IOC_JA3}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(s, map[i].name) == 0) {
			*t = map[i].type < 0 ? ioc_ip_type(value) : (enum ioc_type)map[i].type;
			return true;
		}
	return false;
}

static int col(char **hdr, int n, const char *a, const char *b)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(hdr[i], a) == 0 || (b && strcasecmp(hdr[i], b) == 0))
			return i;
	return -1;
}

struct csv_cols {
	int type, value, id, tlp, publisher, confidence, from, until;
};

static void csv_row(struct ioc_loader *L, const struct csv_cols *c, char **f, int n, unsigned ln)
{
	char where[32];
	snprintf(where, sizeof(where), "line %u", ln);
	L->res->read++;
	const char *type = f[c->type], *value = f[c->value];
	enum ioc_type t;
	if (*value == '\0') {
		ioc_malformed(L, where, "empty value");
		return;
	}
	if (!type_of(type, &t, value)) {
		ioc_unsupported(L, where, "indicator type '%.40s' is not one vigil matches", type);
		return;
	}
	char id[64];
	snprintf(id, sizeof(id), "line %u", ln);
	struct ioc_prov p = {.feed = L->feed, .tlp = TLP_UNKNOWN, .confidence = -1};
	p.source_id = c->id >= 0 && f[c->id][0] ? f[c->id] : id;
	if (c->tlp >= 0 && f[c->tlp][0]) {
		p.tlp = ioc_tlp_parse(f[c->tlp]);
		if (p.tlp == TLP_UNKNOWN) {
			ioc_malformed(L, where, "TLP '%.40s' is not clear, green, amber, red",
				      f[c->tlp]);
			return;
		}
	}
	if (c->publisher >= 0 && f[c->publisher][0])
		p.publisher = f[c->publisher];
	if (c->confidence >= 0 && f[c->confidence][0]) {
		char *end;
		long v = strtol(f[c->confidence], &end, 10);
		if (*end || v < 0 || v > 100) {
			ioc_malformed(L, where, "confidence '%.20s' is not 0-100", f[c->confidence]);
			return;
		}
		p.confidence = (int)v;
	}
	if ((c->from >= 0 && f[c->from][0] && !ioc_parse_time(f[c->from], &p.valid_from)) ||
	    (c->until >= 0 && f[c->until][0] && !ioc_parse_time(f[c->until], &p.valid_until))) {
		ioc_malformed(L, where, "valid_from/valid_until is not a date");
		return;
	}
	if (p.valid_from && p.valid_until && p.valid_until <= p.valid_from) {
		ioc_malformed(L, where, "valid_until is not after valid_from");
		return;
	}
	ioc_add(L, where, t, value, &p);
}

int ioc_load_csv(struct ioc_loader *L)
{
	FILE *fp = fopen(L->o->path, "r");
	if (fp == NULL) {
		if (L->log)
			fprintf(L->log, "%s: cannot read: %s\n", L->o->path, strerror(errno));
		return -1;
	}
	L->feed = ioc_db_feed(L->db, L->o, NULL);
	char *line = NULL, *hdr_line = NULL;
	size_t cap = 0;
	unsigned ln = 0;
	char *hdr[MAX_COLS];
	int nh = 0;
	struct csv_cols c = {-1, -1, -1, -1, -1, -1, -1, -1};
	while (getline(&line, &cap, fp) > 0) {
		ln++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (nh == 0) {
			hdr_line = strdup(line);
			nh = hdr_line ? split_csv(hdr_line, hdr, MAX_COLS) : -1;
			c = (struct csv_cols){col(hdr, nh, "type", "indicator_type"),
					      col(hdr, nh, "value", "indicator"),
					      col(hdr, nh, "id", "source_id"),
					      col(hdr, nh, "tlp", NULL),
					      col(hdr, nh, "publisher", NULL),
					      col(hdr, nh, "confidence", NULL),
					      col(hdr, nh, "valid_from", NULL),
					      col(hdr, nh, "valid_until", NULL)};
			if (nh <= 0 || c.type < 0 || c.value < 0) {
				if (L->log)
					fprintf(L->log,
						"%s:%u: header must name the columns 'type' and "
						"'value'\n",
						L->o->path, ln);
				free(hdr_line);
				free(line);
				fclose(fp);
				return -1;
			}
			continue;
		}
		char *f[MAX_COLS];
		int n = split_csv(line, f, MAX_COLS);
		if (n != nh) {
			char where[32];
			snprintf(where, sizeof(where), "line %u", ln);
			L->res->read++;
			ioc_malformed(L, where, "%d fields where the header has %d%s", n < 0 ? 0 : n,
				      nh, n < 0 ? " (bad quoting)" : "");
			continue;
		}
		csv_row(L, &c, f, n, ln);
	}
	free(hdr_line);
	free(line);
	fclose(fp);
	return 0;
}
