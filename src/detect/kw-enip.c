/*
 * kw-enip.c — the EtherNet/IP / CIP rule keywords and buffers, as
 * Suricata 8 defines them (rust/src/enip/detect.rs, rules/enip-keyword):
 *
 *   enip_command, enip.status      the header of the packet's side (request
 *                                  on to_server, response on to_client);
 *                                  integer or a name ("list_identity",
 *                                  "!invalid_cmd")
 *   cip_service:S[,C[,[!]A]]       the side's first CIP message (or one of
 *                                  its Multiple Service Packet messages)
 *                                  has service S, a class segment C and an
 *                                  attribute A (path, Get/Set Attribute
 *                                  List); "!A" drops the attribute test
 *   enip.protocol_version          RegisterSession (either side), List
 *                                  Services / List Identity (response)
 *   enip.cip_class, .cip_instance, the request's path segments, and for
 *   .cip_attribute                 attributes its attribute lists; also in
 *                                  Multiple Service Packet messages
 *   enip.cip_status,               the response's general status / 2-byte
 *   .cip_extendedstatus            extended status (also embedded ones)
 *   enip.vendor_id, .device_type, .product_code, .revision (major << 8 |
 *   minor), .identity_status, .serial, .state   the ListIdentity response
 *   enip.capabilities              the ListServices response
 *   enip.product_name,             sticky buffers: ListIdentity product
 *   enip.service_name              name, ListServices service name
 *
 * Integer keywords take Suricata's unsigned syntax (N, !N, <N, >N, N-M,
 * &N ...) with the field's width.  Values come from app/enip.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app/enip.h"
#include "detect/detect-internal.h"

/* ------------------------------------------------------------ shared */

/* Integer syntax, or [!]NAME through by_name (NULL: numbers only). */
static int enip_cmp_parse(const char *arg, uint64_t max, int64_t (*by_name)(const char *),
			  struct u64_cmp *c)
{
	if (arg == NULL)
		return -1;
	if (u64_cmp_parse(arg, max, c) == 0)
		return 0;
	if (by_name == NULL)
		return -1;
	char buf[64];
	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	char *t = str_trim(buf);
	bool neg = *t == '!';
	if (neg)
		t = str_trim(t + 1);
	int64_t v = by_name(t);
	if (v < 0 || (uint64_t)v > max)
		return -1;
	memset(c, 0, sizeof(*c));
	c->mode = neg ? U_NE : U_EQ;
	c->a = (uint64_t)v;
	return 0;
}

static int64_t command_by_name(const char *name)
{
	return enip_command_by_name(name);
}

static int enip_int_setup(struct parse_ctx *pc, struct rule *r, const char *kw, const char *arg,
			  uint64_t max, int64_t (*by_name)(const char *))
{
	struct u64_cmp *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (enip_cmp_parse(arg, max, by_name, c) != 0) {
		pc_error(pc, "invalid %s '%s'", kw, arg ? arg : "");
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_ENIP, AD_BOTH);
}

/* One keyword: its value from a transaction side, through a getter
 * that returns false when the side has none. */
#define ENIP_INT_KW(fn, kwname, max, by_name, getter)                                              \
	static bool fn##_test(const void *tx, enum app_dir dir, const void *ctx)                   \
	{                                                                                          \
		uint64_t v;                                                                        \
		return getter(tx, dir, ctx, &v) && u64_cmp_match(ctx, v);                          \
	}                                                                                          \
	static int fn##_match(struct det_thread *dt, const struct packet *p, const struct rule *r, \
			      const void *ctx)                                                     \
	{                                                                                          \
		return app_tx_match(dt, p, APP_PROTO_ENIP, fn##_test, ctx);                        \
	}                                                                                          \
	static int fn##_setup(struct parse_ctx *pc, struct rule *r, const char *arg)               \
	{                                                                                          \
		return enip_int_setup(pc, r, kwname, arg, max, by_name);                           \
	}

/* ------------------------------------------------------------ header */

static bool get_command(const struct enip_tx *tx, enum app_dir dir, const void *ctx, uint64_t *v)
{
	const struct enip_pdu *p = enip_tx_pdu(tx, dir);
	if (p == NULL)
		return false;
	*v = p->h.cmd;
	return true;
}

static bool get_status(const struct enip_tx *tx, enum app_dir dir, const void *ctx, uint64_t *v)
{
	const struct enip_pdu *p = enip_tx_pdu(tx, dir);
	if (p == NULL)
		return false;
	*v = p->h.status;
	return true;
}

static bool get_protocol_version(const struct enip_tx *tx, enum app_dir dir, const void *ctx,
				 uint64_t *v)
{
	uint16_t pv;
	if (!enip_tx_protocol_version(tx, dir, &pv))
		return false;
	*v = pv;
	return true;
}

ENIP_INT_KW(command, "enip_command", UINT16_MAX, command_by_name, get_command)
ENIP_INT_KW(status, "enip.status", UINT32_MAX, enip_status_by_name, get_status)
ENIP_INT_KW(protocol_version, "enip.protocol_version", UINT16_MAX, NULL, get_protocol_version)

/* ------------------------------------------------------------ identity, services */

#define IDENTITY_GETTER(fn, expr)                                                                  \
	static bool fn(const struct enip_tx *tx, enum app_dir dir, const void *ctx, uint64_t *v)   \
	{                                                                                          \
		const struct enip_identity *id = enip_tx_identity(tx);                             \
		if (id == NULL)                                                                    \
			return false;                                                              \
		*v = (expr);                                                                       \
		return true;                                                                       \
	}

IDENTITY_GETTER(get_vendor_id, id->vendor_id)
IDENTITY_GETTER(get_device_type, id->device_type)
IDENTITY_GETTER(get_product_code, id->product_code)
IDENTITY_GETTER(get_revision, ((unsigned)id->revision_major << 8) | id->revision_minor)
IDENTITY_GETTER(get_identity_status, id->status)
IDENTITY_GETTER(get_serial, id->serial)
IDENTITY_GETTER(get_state, id->state)

static bool get_capabilities(const struct enip_tx *tx, enum app_dir dir, const void *ctx,
			     uint64_t *v)
{
	const struct enip_services *sv = enip_tx_services(tx);
	if (sv == NULL)
		return false;
	*v = sv->capabilities;
	return true;
}

ENIP_INT_KW(vendor_id, "enip.vendor_id", UINT16_MAX, NULL, get_vendor_id)
ENIP_INT_KW(device_type, "enip.device_type", UINT16_MAX, NULL, get_device_type)
ENIP_INT_KW(product_code, "enip.product_code", UINT16_MAX, NULL, get_product_code)
ENIP_INT_KW(revision, "enip.revision", UINT16_MAX, NULL, get_revision)
ENIP_INT_KW(identity_status, "enip.identity_status", UINT16_MAX, NULL, get_identity_status)
ENIP_INT_KW(serial, "enip.serial", UINT32_MAX, NULL, get_serial)
ENIP_INT_KW(state, "enip.state", UINT8_MAX, NULL, get_state)
ENIP_INT_KW(capabilities, "enip.capabilities", UINT16_MAX, NULL, get_capabilities)

/* ------------------------------------------------------------ CIP values */

/* The request's (or response's) first CIP message, whatever the packet's
 * direction: Suricata's cip_class & co read the request, cip_status &
 * co the response. */
static const struct enip_cip *req_cip(const struct enip_tx *tx)
{
	const struct enip_cip *c = enip_pdu_cip(tx->request);
	return c != NULL && !c->response ? c : NULL;
}

static const struct enip_cip *resp_cip(const struct enip_tx *tx)
{
	const struct enip_cip *c = enip_pdu_cip(tx->response);
	return c != NULL && c->response ? c : NULL;
}

static bool seg_match(const struct enip_cip *c, unsigned kind, const struct u64_cmp *cmp)
{
	if (c->response)
		return false;
	for (uint16_t i = 0; i < c->n_path; i++)
		if ((unsigned)(c->path[i].type >> 2) == kind &&
		    u64_cmp_match(cmp, c->path[i].value))
			return true;
	if (c->req_payload == CIP_REQ_MULTIPLE)
		for (uint16_t i = 0; i < c->n_multi; i++)
			if (seg_match(&c->multi[i], kind, cmp))
				return true;
	return false;
}

/* recurse: also in a Multiple Service Packet's messages (enip.cip_attribute
 * does, cip_service's attribute test does not). */
static bool attr_match(const struct enip_cip *c, const struct u64_cmp *cmp, bool recurse)
{
	if (c->response)
		return false;
	for (uint16_t i = 0; i < c->n_path; i++)
		if ((c->path[i].type >> 2) == CIP_SEG_ATTRIBUTE &&
		    u64_cmp_match(cmp, c->path[i].value))
			return true;
	switch (c->req_payload) {
	case CIP_REQ_GET_ATTR_LIST:
		for (uint16_t i = 0; i < c->n_attrs; i++)
			if (u64_cmp_match(cmp, c->attrs[i]))
				return true;
		return false;
	case CIP_REQ_SET_ATTR_LIST: return c->has_first_attr && u64_cmp_match(cmp, c->first_attr);
	case CIP_REQ_MULTIPLE:
		for (uint16_t i = 0; recurse && i < c->n_multi; i++)
			if (attr_match(&c->multi[i], cmp, false))
				return true;
		return false;
	default: return false;
	}
}

static bool msg_status_match(const struct enip_cip *c, const struct u64_cmp *cmp)
{
	if (!c->response)
		return false;
	if (u64_cmp_match(cmp, c->status))
		return true;
	for (uint16_t i = 0; c->multiple && i < c->n_multi; i++)
		if (msg_status_match(&c->multi[i], cmp))
			return true;
	return false;
}

static bool msg_ext_match(const struct enip_cip *c, const struct u64_cmp *cmp)
{
	if (!c->response)
		return false;
	if (c->ext_len == 2 && u64_cmp_match(cmp, (uint64_t)(c->ext[0] | (c->ext[1] << 8))))
		return true;
	for (uint16_t i = 0; c->multiple && i < c->n_multi; i++)
		if (msg_ext_match(&c->multi[i], cmp))
			return true;
	return false;
}

static bool class_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct enip_cip *c = req_cip(tx);
	return c != NULL && seg_match(c, CIP_SEG_CLASS, ctx);
}

static bool instance_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct enip_cip *c = req_cip(tx);
	return c != NULL && seg_match(c, CIP_SEG_INSTANCE, ctx);
}

static bool attribute_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct enip_cip *c = req_cip(tx);
	return c != NULL && attr_match(c, ctx, true);
}

static bool cip_status_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct enip_cip *c = resp_cip(tx);
	return c != NULL && msg_status_match(c, ctx);
}

static bool extstatus_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct enip_cip *c = resp_cip(tx);
	return c != NULL && msg_ext_match(c, ctx);
}

#define ENIP_CIP_KW(fn, kwname, max)                                                               \
	static int fn##_match(struct det_thread *dt, const struct packet *p, const struct rule *r, \
			      const void *ctx)                                                     \
	{                                                                                          \
		return app_tx_match(dt, p, APP_PROTO_ENIP, fn##_test, ctx);                        \
	}                                                                                          \
	static int fn##_setup(struct parse_ctx *pc, struct rule *r, const char *arg)               \
	{                                                                                          \
		return enip_int_setup(pc, r, kwname, arg, max, NULL);                              \
	}

ENIP_CIP_KW(class, "enip.cip_class", UINT32_MAX)
ENIP_CIP_KW(instance, "enip.cip_instance", UINT32_MAX)
ENIP_CIP_KW(attribute, "enip.cip_attribute", UINT32_MAX)
ENIP_CIP_KW(cip_status, "enip.cip_status", UINT8_MAX)
ENIP_CIP_KW(extstatus, "enip.cip_extendedstatus", UINT16_MAX)

/* ------------------------------------------------------------ cip_service */

struct cip_service_ctx {
	uint8_t service;
	bool has_class, has_attr;
	uint32_t cls, attr;
};

/* Digits only (Suricata's digit1), into *v; advances *s. */
static bool take_digits(const char **s, uint64_t max, uint64_t *v)
{
	const char *p = *s;
	if (!isdigit((unsigned char)*p))
		return false;
	uint64_t x = 0;
	while (isdigit((unsigned char)*p)) {
		x = x * 10 + (uint64_t)(*p - '0');
		if (x > max)
			return false;
		p++;
	}
	*v = x;
	*s = p;
	return true;
}

static const char *skip_sp(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "S[,C[,[!]A]]": S < 0x80; "!A" leaves the attribute out. */
static int cip_service_parse(const char *arg, struct cip_service_ctx *c)
{
	memset(c, 0, sizeof(*c));
	if (arg == NULL)
		return -1;
	const char *s = skip_sp(arg);
	uint64_t v;
	if (!take_digits(&s, UINT8_MAX, &v) || v >= 0x80)
		return -1;
	c->service = (uint8_t)v;
	s = skip_sp(s);
	if (*s == ',') {
		s = skip_sp(s + 1);
		if (!take_digits(&s, UINT32_MAX, &v))
			return -1;
		c->cls = (uint32_t)v;
		c->has_class = true;
		s = skip_sp(s);
		if (*s == ',') {
			s = skip_sp(s + 1);
			bool neg = *s == '!';
			if (neg)
				s++;
			if (!take_digits(&s, UINT32_MAX, &v))
				return -1;
			c->attr = (uint32_t)v;
			c->has_attr = !neg;
		}
	}
	s = skip_sp(s);
	return *s == '\0' ? 0 : -1;
}

static bool has_class(const struct enip_cip *c, uint32_t cls)
{
	if (c->response)
		return false;
	for (uint16_t i = 0; i < c->n_path; i++)
		if ((c->path[i].type >> 2) == CIP_SEG_CLASS && c->path[i].value == cls)
			return true;
	return false;
}

static bool service_match(const struct enip_cip *c, const struct cip_service_ctx *sc)
{
	if (c->service == sc->service) {
		if (!sc->has_class)
			return true;
		if (!has_class(c, sc->cls))
			return false;
		if (!sc->has_attr)
			return true;
		struct u64_cmp eq = {U_EQ, sc->attr, 0};
		return attr_match(c, &eq, false);
	}
	if (c->service == CIP_SVC_MULTIPLE && c->multiple)
		for (uint16_t i = 0; i < c->n_multi; i++)
			if (service_match(&c->multi[i], sc))
				return true;
	return false;
}

/* The side's own first CIP message: a request on to_server, a response
 * on to_client. */
static bool service_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct enip_cip *c = enip_pdu_cip(enip_tx_pdu(tx, dir));
	return c != NULL && service_match(c, ctx);
}

static int service_match_kw(struct det_thread *dt, const struct packet *p, const struct rule *r,
			    const void *ctx)
{
	return app_tx_match(dt, p, APP_PROTO_ENIP, service_test, ctx);
}

static int service_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	struct cip_service_ctx *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	if (cip_service_parse(arg, c) != 0) {
		pc_error(pc, "invalid cip_service '%s'", arg ? arg : "");
		free(c);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("cip_service"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_ENIP, AD_BOTH);
}

/* ------------------------------------------------------------ buffers */

enum { ENIP_BUF_PRODUCT_NAME, ENIP_BUF_SERVICE_NAME };

static bool enip_buffer_get(const struct app_buffer_spec *spec, struct det_thread *dt,
			    const void *tx, enum app_dir dir, uint32_t k, const uint8_t **d,
			    uint32_t *l)
{
	if (k > 0)
		return false;
	if (spec->arg == ENIP_BUF_PRODUCT_NAME) {
		const struct enip_identity *id = enip_tx_identity(tx);
		if (id == NULL)
			return false;
		*d = id->product_name;
		*l = id->name_len;
		return true;
	}
	const struct enip_services *sv = enip_tx_services(tx);
	if (sv == NULL)
		return false;
	*d = sv->service_name;
	*l = sizeof(sv->service_name);
	return true;
}

static const struct app_buffer_spec buffer_specs[] = {
    {"enip.product_name", NULL, APP_PROTO_ENIP, AD_BOTH, enip_buffer_get, ENIP_BUF_PRODUCT_NAME},
    {"enip.service_name", NULL, APP_PROTO_ENIP, AD_BOTH, enip_buffer_get, ENIP_BUF_SERVICE_NAME},
};

const struct app_buffer_family app_buffers_enip = {buffer_specs,
						   sizeof(buffer_specs) / sizeof(buffer_specs[0])};

/* ------------------------------------------------------------ table */

#define INT_DEF(name, fn, desc)                                                                    \
	{                                                                                          \
		name, NULL, desc, fn##_setup, fn##_match, NULL, free, 0                            \
	}

static const struct kw_def defs[] = {
    INT_DEF("enip_command", command, "EtherNet/IP command (number or name)"),
    {"cip_service", NULL, "CIP service, optionally class and attribute", service_setup,
     service_match_kw, NULL, free, 0},
    INT_DEF("enip.status", status, "EtherNet/IP header status (number or name)"),
    INT_DEF("enip.protocol_version", protocol_version, "EtherNet/IP protocol version"),
    INT_DEF("enip.cip_attribute", attribute, "CIP request attribute"),
    INT_DEF("enip.cip_instance", instance, "CIP request instance"),
    INT_DEF("enip.cip_class", class, "CIP request class"),
    INT_DEF("enip.cip_status", cip_status, "CIP response general status"),
    INT_DEF("enip.cip_extendedstatus", extstatus, "CIP response extended status"),
    INT_DEF("enip.revision", revision, "ListIdentity revision (major << 8 | minor)"),
    INT_DEF("enip.identity_status", identity_status, "ListIdentity status"),
    INT_DEF("enip.state", state, "ListIdentity state"),
    INT_DEF("enip.serial", serial, "ListIdentity serial number"),
    INT_DEF("enip.product_code", product_code, "ListIdentity product code"),
    INT_DEF("enip.device_type", device_type, "ListIdentity device type"),
    INT_DEF("enip.vendor_id", vendor_id, "ListIdentity vendor id"),
    INT_DEF("enip.capabilities", capabilities, "ListServices capabilities"),
};

const struct kw_family kw_family_enip = {defs, sizeof(defs) / sizeof(defs[0])};
