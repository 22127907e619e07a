/*
 * kw-applayer.c — app-layer-protocol and app-layer-event.
 *
 * app-layer-protocol:[!]NAME[,MODE] compares the flow's detected
 * protocol (http/http1, tls/ssl, dns, failed) with NAME.  vigil keeps one
 * protocol per flow, so the modes (direction, to_server, to_client,
 * either, original, final) all look at it; they are accepted and checked
 * for conflicts as Suricata does.  Until the protocol is decided the
 * keyword does not match, negated or not: Suricata evaluates such rules
 * only once detection is done.  A protocol Suricata knows but vigil does
 * not parse skips the rule.
 *
 * app-layer-event:PROTO.EVENT matches a transaction that carries the
 * parser's event of that name, for any protocol of the table whose
 * descriptor lists events; the generic applayer_* events and the events
 * of protocols vigil does not parse are skipped.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/app.h"
#include "detect/detect-internal.h"

/* ------------------------------------------------------------ app-layer-protocol */

enum alp_mode { ALP_DIRECTION, ALP_FINAL, ALP_EITHER, ALP_TOSERVER, ALP_TOCLIENT, ALP_ORIGINAL };

struct alp {
	enum app_proto proto;
	bool negated;
	enum alp_mode mode;
};

static int alp_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	const struct alp *a = ctx;
	if (p->flow == NULL)
		return 0;
	enum app_proto cur = app_flow_proto(p->flow);
	if (cur == APP_PROTO_UNKNOWN)
		return 0;
	return (cur == a->proto) != a->negated;
}

static int alp_mode_parse(const char *s, enum alp_mode *m)
{
	static const struct {
		const char *name;
		enum alp_mode mode;
	} modes[] = {{"direction", ALP_DIRECTION}, {"final", ALP_FINAL},
		     {"either", ALP_EITHER},	   {"to_server", ALP_TOSERVER},
		     {"to_client", ALP_TOCLIENT},  {"original", ALP_ORIGINAL}};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(s, modes[i].name) == 0) {
			*m = modes[i].mode;
			return 0;
		}
	return -1;
}

/* Suricata's rules for several app-layer-protocol keywords of one mode:
 * at most one positive, never positive and negated together, no repeat. */
static bool alp_conflicts(const struct alp *us, const struct alp *them)
{
	if (them->mode != us->mode)
		return false;
	return them->negated != us->negated || !us->negated || us->proto == them->proto;
}

static bool rule_has_app(const struct rule *r)
{
	if ((r->h.proto_flags & RP_APP) || r->tx_proto != APP_PROTO_UNKNOWN)
		return true;
	for (uint32_t i = 0; i < r->nbufs; i++)
		if (buffer_is_app(r->bufs[i].buf_id))
			return true;
	return false;
}

static int alp_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64], *f[3];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *v = str_trim(buf);
	bool neg = *v == '!';
	if (neg)
		v = str_trim(v + 1);
	int n = str_split(v, ',', f, 3);
	struct alp a = {APP_PROTO_UNKNOWN, neg, ALP_DIRECTION};
	if (n < 1 || n > 2 || (n == 2 && alp_mode_parse(f[1], &a.mode) != 0)) {
		pc_error(pc, "invalid app-layer-protocol '%s'", arg);
		return -1;
	}
	if (strcmp(f[0], "failed") == 0) {
		a.proto = APP_PROTO_FAILED;
	} else {
		a.proto = app_proto_by_rule_name(f[0]);
		if (a.proto == APP_PROTO_UNKNOWN) {
			if (!app_proto_name_known(f[0])) {
				pc_error(pc, "app-layer-protocol: unknown protocol '%s'", f[0]);
				return -1;
			}
			char name[48];
			snprintf(name, sizeof(name), "app-layer-protocol:%s", f[0]);
			pc_unsupported(pc, name);
			return -1;
		}
	}
	if (rule_has_app(r)) {
		pc_error(pc, "app-layer-protocol in a rule already bound to an app protocol");
		return -1;
	}
	const struct kw_def *kw = kw_lookup("app-layer-protocol");
	for (uint32_t i = 0; i < r->lists[LIST_MATCH].n; i++)
		if (r->lists[LIST_MATCH].v[i].kw == kw &&
		    alp_conflicts(&a, r->lists[LIST_MATCH].v[i].ctx)) {
			pc_error(pc, "conflicting app-layer-protocol keywords");
			return -1;
		}
	struct alp *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	*c = a;
	if (rule_add_sm(r, LIST_MATCH, kw, c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ app-layer-event */

struct ale {
	enum app_proto proto;
	int event;
};

/* The protocol's descriptor answers, with the flow's state. */
struct ale_probe {
	const struct ale *e;
	const struct app_protocol *ap;
	const void *state;
};

static bool ale_test(const void *tx, enum app_dir dir, const void *ctx)
{
	const struct ale_probe *pr = ctx;
	return pr->ap->tx_has_event(pr->state, tx, pr->e->event);
}

static int ale_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	const struct ale *e = ctx;
	if (p->flow == NULL)
		return 0;
	struct ale_probe pr = {e, app_protocol(e->proto), app_flow_state(p->flow)};
	return app_tx_match(dt, p, e->proto, ale_test, &pr);
}

/* app-layer-event:applayer_*: the protocol-detection events the packet
 * carries (packet.app_events), whatever the protocol. */
static int detect_event_match(struct det_thread *dt, const struct packet *p,
			      const struct rule *r, const void *ctx)
{
	return (p->app_events & (1u << *(const int *)ctx)) != 0;
}

static int detect_event_setup(struct parse_ctx *pc, struct rule *r, const char *name)
{
	for (int e = 0; e < APP_EV_DETECT_COUNT; e++) {
		if (strcasecmp(name, app_detect_event_name((enum app_detect_event)e)) != 0)
			continue;
		int *c = malloc(sizeof(*c));
		if (c == NULL)
			return -1;
		*c = e;
		if (rule_add_sm(r, LIST_MATCH, kw_lookup("app-layer-event-detect"), c) == NULL) {
			free(c);
			return -1;
		}
		return 0;
	}
	pc_error(pc, "app-layer-event: unknown event '%s'", name);
	return -1;
}

static int ale_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *v = str_trim(buf);
	char *dot = strchr(v, '.');
	if (strncasecmp(v, "applayer_", 9) == 0)
		return detect_event_setup(pc, r, v);
	if (dot == NULL || dot[1] == '\0') {
		pc_error(pc, "invalid app-layer-event '%s'", arg);
		return -1;
	}
	*dot = '\0';
	const char *ev = dot + 1;
	struct ale e = {app_proto_by_rule_name(v), -1};
	const struct app_protocol *ap = app_protocol(e.proto);
	if (ap == NULL || ap->tx_has_event == NULL || ap->n_events == 0) {
		if (ap != NULL || app_proto_name_known(v)) {
			char name[48];
			snprintf(name, sizeof(name), "app-layer-event:%s", v);
			pc_unsupported(pc, name);
		} else {
			pc_error(pc, "app-layer-event: unknown protocol '%s'", v);
		}
		return -1;
	}
	e.event = app_event_by_name(e.proto, ev);
	if (e.event < 0) {
		pc_error(pc, "app-layer-event: unknown %s event '%s'", v, ev);
		return -1;
	}
	struct ale *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	*c = e;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("app-layer-event"), c) == NULL) {
		free(c);
		return -1;
	}
	return rule_require_app(pc, r, e.proto, AD_BOTH);
}

static const struct kw_def defs[] = {
    {"app-layer-protocol", NULL, "the flow's detected app protocol ([!]name[,mode])", alp_setup,
     alp_match, NULL, NULL, KW_QUOTES_OK},
    {"app-layer-event", NULL, "a transaction carries an app-layer event (proto.event)", ale_setup,
     ale_match, NULL, NULL, 0},
    /* internal: app-layer-event:applayer_* (no setup: not a rule keyword) */
    {"app-layer-event-detect", NULL, NULL, NULL, detect_event_match, NULL, NULL, 0},
};

const struct kw_family kw_family_applayer = {defs, sizeof(defs) / sizeof(defs[0])};
