/*
 * kw-bacnet.c — the BACnet/IP rule keywords (Suricata has none; they
 * follow its integer-keyword syntax: N, !N, <N, >N, <=N, >=N, N-M, &N ...):
 *   bacnet.service      the APDU's service choice: a number, or a name of
 *                       either table ("readProperty", "whoIs", "who-Is";
 *                       "!name" negates); a confirmed-service name matches
 *                       confirmed requests and their ACK/Error, an
 *                       unconfirmed one unconfirmed requests
 *   bacnet.pdu_type     0..7 or a name ("confirmed_request", "complex_ack")
 *   bacnet.object_type  the object identifier's type (number or name,
 *                       "device", "analog-value")
 *   bacnet.property     the property identifier (number or name,
 *                       "present-value")
 * Each looks at the message of the transaction sent in the packet's
 * direction (app/bacnet.h, bacnet_tx_msg()).
 */
#include <stdlib.h>
#include <string.h>

#include "app/bacnet.h"
#include "detect/detect-internal.h"

enum svc_table { SVC_NUMBER = 0, SVC_CONFIRMED, SVC_UNCONFIRMED };

struct bacnet_cmp {
	struct u64_cmp c;
	enum svc_table table; /* a service given by name: which table */
};

/* [!]NAME through by_name (>= 0 when known) into an equality test. */
static bool name_cmp(const char *arg, int64_t (*by_name)(const char *, enum svc_table *),
		     struct bacnet_cmp *bc)
{
	char buf[96];
	if (strlen(arg) >= sizeof(buf))
		return false;
	strcpy(buf, arg);
	char *t = str_trim(buf);
	bool neg = *t == '!';
	if (neg)
		t = str_trim(t + 1);
	str_unquote(t);
	int64_t v = by_name(t, &bc->table);
	if (v < 0)
		return false;
	bc->c.mode = neg ? U_NE : U_EQ;
	bc->c.a = (uint64_t)v;
	return true;
}

static int64_t service_by_name(const char *n, enum svc_table *t)
{
	int v = bacnet_confirmed_service_by_name(n);
	*t = SVC_CONFIRMED;
	if (v < 0) {
		v = bacnet_unconfirmed_service_by_name(n);
		*t = SVC_UNCONFIRMED;
	}
	return v;
}

static int64_t pdu_by_name(const char *n, enum svc_table *t)
{
	*t = SVC_NUMBER;
	return bacnet_pdu_type_by_name(n);
}

static int64_t object_by_name(const char *n, enum svc_table *t)
{
	*t = SVC_NUMBER;
	return bacnet_object_type_by_name(n);
}

static int64_t property_by_name(const char *n, enum svc_table *t)
{
	*t = SVC_NUMBER;
	return bacnet_property_by_name(n);
}

static int bacnet_setup(struct parse_ctx *pc, struct rule *r, const char *kw, const char *arg,
			uint64_t max, int64_t (*by_name)(const char *, enum svc_table *))
{
	struct bacnet_cmp *bc = calloc(1, sizeof(*bc));
	if (bc == NULL)
		return -1;
	if (arg == NULL || (u64_cmp_parse(arg, max, &bc->c) != 0 && !name_cmp(arg, by_name, bc))) {
		pc_error(pc, "invalid %s '%s'", kw, arg ? arg : "");
		free(bc);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), bc) == NULL) {
		free(bc);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_BACNET, AD_BOTH);
}

static bool in_table(const struct bacnet_msg *m, enum svc_table t)
{
	if (t == SVC_UNCONFIRMED)
		return m->pdu_type == BACNET_PDU_UNCONFIRMED;
	if (t == SVC_CONFIRMED)
		return m->pdu_type != BACNET_PDU_UNCONFIRMED;
	return true;
}

/* A name of one table: "name" is that entry, "!name" anything else. */
static bool named_match(const struct bacnet_cmp *bc, bool in_tab, uint64_t v)
{
	if (bc->table == SVC_NUMBER)
		return u64_cmp_match(&bc->c, v);
	bool is = in_tab && v == bc->c.a;
	return bc->c.mode == U_NE ? !is : is;
}

#define BACNET_KW(fn, kwname, max, by_name, cond, value)                                           \
	static bool fn##_test(const void *tx, enum app_dir dir, const void *ctx)                   \
	{                                                                                          \
		const struct bacnet_cmp *bc = ctx;                                                 \
		const struct bacnet_msg *m = bacnet_tx_msg(tx, dir);                               \
		if (m == NULL || !(cond))                                                          \
			return false;                                                              \
		return named_match(bc, in_table(m, bc->table), (value));                           \
	}                                                                                          \
	static int fn##_match(struct det_thread *dt, const struct packet *p, const struct rule *r, \
			      const void *ctx)                                                     \
	{                                                                                          \
		(void)r;                                                                           \
		return app_tx_match(dt, p, APP_PROTO_BACNET, fn##_test, ctx);                      \
	}                                                                                          \
	static int fn##_setup(struct parse_ctx *pc, struct rule *r, const char *arg)               \
	{                                                                                          \
		return bacnet_setup(pc, r, kwname, arg, max, by_name);                             \
	}

BACNET_KW(service, "bacnet.service", UINT8_MAX, service_by_name, m->has_service, m->service)
BACNET_KW(pdu_type, "bacnet.pdu_type", 15, pdu_by_name, m->has_apdu, m->pdu_type)
BACNET_KW(object_type, "bacnet.object_type", 1023, object_by_name, m->has_object, m->object_type)
BACNET_KW(property, "bacnet.property", UINT32_MAX, property_by_name, m->has_property, m->property)

#define DEF(name, fn, desc)                                                                        \
	{                                                                                          \
		name, NULL, desc, fn##_setup, fn##_match, NULL, free, 0                            \
	}

static const struct kw_def defs[] = {
    DEF("bacnet.service", service, "BACnet APDU service choice (number or name)"),
    DEF("bacnet.pdu_type", pdu_type, "BACnet APDU type (number or name)"),
    DEF("bacnet.object_type", object_type, "BACnet object identifier type (number or name)"),
    DEF("bacnet.property", property, "BACnet property identifier (number or name)"),
};

const struct kw_family kw_family_bacnet = {defs, sizeof(defs) / sizeof(defs[0])};
