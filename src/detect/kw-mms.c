/*
 * kw-mms.c — the IEC 61850 MMS rule keywords and buffers.  Suricata has
 * no MMS keywords; these are vigil's, with Snort 3's two MMS options:
 *
 *   mms.service:LIST     the message of the packet's direction has one of
 *                        the services: confirmed service names or numbers
 *                        ("read", "write,fileOpen", "72"), or unconfirmed
 *                        names ("informationReport"); "!" before the list
 *                        negates it (a message with no service never
 *                        matches).  Names ignore case and '_'.
 *   mms_func:NAME|N      Snort 3's option: the same test, one service
 *   mms.pdu:LIST         the message's PDU type: names ("confirmed_request",
 *                        "unconfirmed", "initiate_request" ...) or the
 *                        MMSpdu CHOICE number 0..13; "!" negates
 *   mms.domain           sticky buffer: every domain name of the message
 *                        (domainId of object names, of the variable list,
 *                        getNameList's domain scope, domain services)
 *   mms.item             sticky buffer: every object name's identifier
 *                        (itemId; vmd- and aa-specific names; the variable
 *                        list's)
 *   mms_data             sticky buffer: the MMS PDU (Snort 3's cursor at
 *                        the MMS data), at most MMS_MAX_RAW bytes
 *
 * Values come from app/mms.h; rules run on the message sent in the
 * packet's direction.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/mms.h"
#include "detect/detect-internal.h"

/* ------------------------------------------------------------ lists */

#define MMS_LIST_MAX 16
#define UNCONFIRMED_BASE 1000 /* unconfirmed services in a service list */

struct mms_list {
	bool neg;
	uint8_t n;
	int v[MMS_LIST_MAX];
};

static int service_by_name(const char *t)
{
	int v = mms_service_by_name(t);
	if (v >= 0)
		return v;
	for (unsigned i = 0; i < 3; i++) {
		const char *u = mms_unconfirmed_name(i);
		if (strcasecmp(t, u) == 0)
			return UNCONFIRMED_BASE + (int)i;
	}
	return -1;
}

/* "[!]a, b, 12": names through by_name, numbers up to max. */
static int list_parse(const char *arg, int max, int (*by_name)(const char *), struct mms_list *l)
{
	if (arg == NULL)
		return -1;
	char buf[512];
	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	char *t = str_trim(buf);
	if (*t == '"') { /* a quoted list */
		size_t n = strlen(t);
		if (n < 2 || t[n - 1] != '"')
			return -1;
		t[n - 1] = 0;
		t = str_trim(t + 1);
	}
	memset(l, 0, sizeof(*l));
	if (*t == '!') {
		l->neg = true;
		t = str_trim(t + 1);
	}
	size_t tl = strlen(t);
	if (tl == 0 || t[0] == ',' || t[tl - 1] == ',' || strstr(t, ",,") != NULL)
		return -1; /* an empty entry */
	char *save = NULL;
	for (char *tok = strtok_r(t, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		tok = str_trim(tok);
		if (*tok == 0 || l->n == MMS_LIST_MAX)
			return -1;
		char *end;
		long v = strtol(tok, &end, 10);
		if (*end != 0 || end == tok)
			v = by_name(tok);
		else if (v > max)
			return -1;
		if (v < 0)
			return -1;
		l->v[l->n++] = (int)v;
	}
	return l->n > 0 ? 0 : -1;
}

static bool list_has(const struct mms_list *l, int v)
{
	for (uint8_t i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return true;
	return false;
}

static int list_setup(struct parse_ctx *pc, struct rule *r, const char *kw, const char *arg,
		      int max, int (*by_name)(const char *), bool single)
{
	struct mms_list *l = malloc(sizeof(*l));
	if (l == NULL)
		return -1;
	if (list_parse(arg, max, by_name, l) != 0 || (single && (l->n != 1 || l->neg))) {
		pc_error(pc, "invalid %s '%s'", kw, arg ? arg : "");
		free(l);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), l) == NULL) {
		free(l);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_MMS, AD_BOTH);
}

/* ------------------------------------------------------------ service, pdu */

static bool service_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct mms_msg *m = mms_tx_msg(tx, dir);
	if (m == NULL || m->service < 0)
		return false;
	int v = m->pdu == MMS_PDU_UNCONFIRMED ? UNCONFIRMED_BASE + m->service : m->service;
	const struct mms_list *l = ctx;
	return list_has(l, v) != l->neg;
}

static int service_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_MMS, service_test, ctx);
}

static int service_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return list_setup(pc, r, "mms.service", arg, MMS_SVC_MAX, service_by_name, false);
}

static int func_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return list_setup(pc, r, "mms_func", arg, MMS_SVC_MAX, service_by_name, true);
}

static bool pdu_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct mms_msg *m = mms_tx_msg(tx, dir);
	if (m == NULL)
		return false;
	const struct mms_list *l = ctx;
	return list_has(l, m->pdu) != l->neg;
}

static int pdu_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_MMS, pdu_test, ctx);
}

static int pdu_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return list_setup(pc, r, "mms.pdu", arg, MMS_PDU_COUNT - 1, mms_pdu_by_name, false);
}

/* ------------------------------------------------------------ buffers */

enum { MMS_BUF_DOMAIN, MMS_BUF_ITEM, MMS_BUF_DATA };

static bool give(const struct mms_msg *m, const struct mms_str *s, const uint8_t **d, uint32_t *l)
{
	*d = m->raw + s->off;
	*l = s->len;
	return true;
}

/* The k-th domain name: object names' (domain-specific), the variable
 * list's, then the message's own domain. */
static bool domain_get(const struct mms_msg *m, uint32_t k, const uint8_t **d, uint32_t *l)
{
	for (uint16_t i = 0; i < m->n_names; i++) {
		if (m->names[i].scope != MMS_SCOPE_DOMAIN || k-- > 0)
			continue;
		return give(m, &m->names[i].domain, d, l);
	}
	if (m->has_list_name && m->list_name.scope == MMS_SCOPE_DOMAIN && k-- == 0)
		return give(m, &m->list_name.domain, d, l);
	if (m->domain.len > 0 && k == 0)
		return give(m, &m->domain, d, l);
	return false;
}

/* The k-th identifier: every object name's, then the variable list's
 * (getNameList's response identifiers are object names too). */
static bool item_get(const struct mms_msg *m, uint32_t k, const uint8_t **d, uint32_t *l)
{
	if (k < m->n_names)
		return give(m, &m->names[k].item, d, l);
	if (m->has_list_name && k == m->n_names)
		return give(m, &m->list_name.item, d, l);
	return false;
}

static bool mms_buffer_get(const struct app_buffer_spec *spec, struct det_thread *dt,
			   const void *tx, enum app_dir dir, uint32_t k, const uint8_t **d,
			   uint32_t *l)
{
	const struct mms_msg *m = mms_tx_msg(tx, dir);
	if (m == NULL || m->raw == NULL)
		return false;
	switch (spec->arg) {
	case MMS_BUF_DOMAIN: return domain_get(m, k, d, l);
	case MMS_BUF_ITEM: return item_get(m, k, d, l);
	default:
		if (k > 0)
			return false;
		*d = m->raw;
		*l = m->raw_len;
		return true;
	}
}

static const struct app_buffer_spec buffer_specs[] = {
    {"mms.domain", NULL, APP_PROTO_MMS, AD_BOTH, mms_buffer_get, MMS_BUF_DOMAIN},
    {"mms.item", NULL, APP_PROTO_MMS, AD_BOTH, mms_buffer_get, MMS_BUF_ITEM},
    {"mms_data", NULL, APP_PROTO_MMS, AD_BOTH, mms_buffer_get, MMS_BUF_DATA},
};

const struct app_buffer_family app_buffers_mms = {buffer_specs,
						  sizeof(buffer_specs) / sizeof(buffer_specs[0])};

/* ------------------------------------------------------------ table */

static const struct kw_def defs[] = {
    {"mms.service", NULL, "MMS service (names or numbers, a list)", service_setup, service_match,
     NULL, free, 0},
    {"mms_func", NULL, "MMS service (Snort 3's option)", func_setup, service_match, NULL, free, 0},
    {"mms.pdu", NULL, "MMS PDU type (names or numbers, a list)", pdu_setup, pdu_match, NULL, free,
     0},
};

const struct kw_family kw_family_mms = {defs, sizeof(defs) / sizeof(defs[0])};
