/*
 * ioc-misp.c — indicators of MISP events (the JSON of an event export:
 * {"Event": {...}}, {"response": [{"Event": ...}]}, or an array of
 * them).  Attributes of the event and of its objects whose to_ids is
 * set are loaded; the others are skipped and counted.  Types:
 *   ip-src, ip-dst, ip-src|port, ip-dst|port, domain, hostname,
 *   domain|ip, hostname|port, url, md5, sha1, sha256, filename|md5,
 *   filename|sha1, filename|sha256, ja3-fingerprint-md5;
 * other types (btc, xmr wallets, email, regkey ...) are counted as
 * unsupported.  TLP: the attribute's tlp:* tag, else the event's; the
 * publisher is the event's Orgc name; the source id the attribute uuid.
 * A value not of its type is malformed, reported by attribute uuid.
 */
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "intel/ioc-internal.h"

static enum ioc_tlp tags_tlp(json_t *tags)
{
	size_t i;
	json_t *t;
	enum ioc_tlp best = TLP_UNKNOWN;
	json_array_foreach(tags, i, t)
	{
		const char *name = json_string_value(json_object_get(t, "name"));
		if (name && strncasecmp(name, "tlp:", 4) == 0) {
			enum ioc_tlp v = ioc_tlp_parse(name);
			if (v != TLP_UNKNOWN && (best == TLP_UNKNOWN || v > best))
				best = v;
		}
	}
	return best;
}

static bool to_ids(json_t *a)
{
	json_t *v = json_object_get(a, "to_ids");
	if (json_is_boolean(v))
		return json_is_true(v);
	const char *s = json_string_value(v);
	return s && (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0);
}

static void add(struct ioc_loader *L, const char *where, enum ioc_type t, const char *v,
		const struct ioc_prov *p)
{
	ioc_add(L, where, t, v, p);
}

static void attribute(struct ioc_loader *L, json_t *a, struct ioc_prov p, size_t idx,
		      const char *event_uuid)
{
	L->res->read++;
	const char *uuid = json_string_value(json_object_get(a, "uuid"));
	char where[160], sid[128];
	if (uuid)
		snprintf(sid, sizeof(sid), "%s", uuid);
	else
		snprintf(sid, sizeof(sid), "%s#%zu", event_uuid ? event_uuid : "event", idx);
	snprintf(where, sizeof(where), "attribute %s", sid);
	const char *type = json_string_value(json_object_get(a, "type"));
	const char *value = json_string_value(json_object_get(a, "value"));
	if (type == NULL || value == NULL || value[0] == '\0') {
		ioc_malformed(L, where, "attribute without type or value");
		return;
	}
	if (json_is_true(json_object_get(a, "deleted")) || !to_ids(a)) {
		L->res->skipped++;
		return;
	}
	p.source_id = sid;
	enum ioc_tlp t = tags_tlp(json_object_get(a, "Tag"));
	if (t != TLP_UNKNOWN)
		p.tlp = t;
	char left[1024], right[1024];
	const char *bar = strchr(value, '|');
	snprintf(left, sizeof(left), "%.*s", (int)(bar ? bar - value : (long)strlen(value)), value);
	snprintf(right, sizeof(right), "%s", bar ? bar + 1 : "");
	if (strcmp(type, "ip-src") == 0 || strcmp(type, "ip-dst") == 0 ||
	    strcmp(type, "ip-src|port") == 0 || strcmp(type, "ip-dst|port") == 0) {
		const char *ip = strchr(type, '|') ? left : value;
		add(L, where, ioc_ip_type(ip), ip, &p);
	} else if (strcmp(type, "domain") == 0 || strcmp(type, "hostname") == 0) {
		add(L, where, IOC_DOMAIN, value, &p);
	} else if (strcmp(type, "hostname|port") == 0) {
		add(L, where, IOC_DOMAIN, left, &p);
	} else if (strcmp(type, "domain|ip") == 0) {
		add(L, where, IOC_DOMAIN, left, &p);
		add(L, where, ioc_ip_type(right), right, &p);
	} else if (strcmp(type, "url") == 0) {
		add(L, where, IOC_URL, value, &p);
	} else if (strcmp(type, "md5") == 0 || strcmp(type, "filename|md5") == 0) {
		add(L, where, IOC_MD5, bar ? right : value, &p);
	} else if (strcmp(type, "sha1") == 0 || strcmp(type, "filename|sha1") == 0) {
		add(L, where, IOC_SHA1, bar ? right : value, &p);
	} else if (strcmp(type, "sha256") == 0 || strcmp(type, "filename|sha256") == 0) {
		add(L, where, IOC_SHA256, bar ? right : value, &p);
	} else if (strcmp(type, "ja3-fingerprint-md5") == 0) {
		add(L, where, IOC_JA3, value, &p);
	} else {
		ioc_unsupported(L, where, "attribute type '%.40s' is not matched on traffic", type);
	}
}

static void attributes(struct ioc_loader *L, json_t *list, const struct ioc_prov *p,
		       const char *event_uuid)
{
	size_t i;
	json_t *a;
	json_array_foreach(list, i, a) attribute(L, a, *p, i, event_uuid);
}

static void event(struct ioc_loader *L, json_t *ev, size_t idx)
{
	if (!json_is_object(ev)) {
		char where[64];
		snprintf(where, sizeof(where), "event #%zu", idx);
		L->res->read++;
		ioc_malformed(L, where, "not a MISP event object");
		return;
	}
	const char *org = json_string_value(json_object_get(json_object_get(ev, "Orgc"), "name"));
	if (org == NULL)
		org = json_string_value(json_object_get(json_object_get(ev, "Org"), "name"));
	if (L->feed == UINT32_MAX)
		L->feed = ioc_db_feed(L->db, L->o, org);
	struct ioc_prov p = {.feed = L->feed, .publisher = org, .confidence = -1};
	p.tlp = tags_tlp(json_object_get(ev, "Tag"));
	const char *uuid = json_string_value(json_object_get(ev, "uuid"));
	attributes(L, json_object_get(ev, "Attribute"), &p, uuid);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(ev, "Object"), i, o)
	    attributes(L, json_object_get(o, "Attribute"), &p, uuid);
}

int ioc_load_misp(struct ioc_loader *L)
{
	json_error_t je;
	json_t *root = json_load_file(L->o->path, 0, &je);
	if (root == NULL) {
		if (L->log)
			fprintf(L->log, "%s:%d: not JSON: %s\n", L->o->path, je.line, je.text);
		L->res->malformed++;
		return -1;
	}
	L->feed = UINT32_MAX;
	json_t *list = json_object_get(root, "response");
	if (list == NULL && json_is_array(root))
		list = root;
	if (json_is_array(list)) {
		size_t i;
		json_t *e;
		json_array_foreach(list, i, e)
		{
			json_t *ev = json_object_get(e, "Event");
			event(L, ev ? ev : e, i);
		}
	} else {
		json_t *ev = json_object_get(root, "Event");
		if (ev == NULL) {
			if (L->log)
				fprintf(L->log, "%s: not a MISP event (no Event object)\n",
					L->o->path);
			L->res->malformed++;
			json_decref(root);
			return -1;
		}
		event(L, ev, 0);
	}
	if (L->feed == UINT32_MAX)
		L->feed = ioc_db_feed(L->db, L->o, NULL);
	json_decref(root);
	return 0;
}
