/*
 * alert.c — the per-packet alert queue and the names EVE uses for actions.
 *
 * Alerts are appended in rule order, which is already Suricata's order, so
 * the queue only enforces packet_alert_max (the overflow is counted, not
 * silently lost).
 */
#include <string.h>

#include "detect/detect-internal.h"

void alert_queue_reset(struct alert_queue *q)
{
	q->count = 0;
	q->discarded = 0;
	q->drop = false;
	q->pass = false;
	q->flow_pass = false;
	q->flow_drop = false;
	q->tagged = false;
	q->flow_bypass = false;
	q->has_drop_alert = false;
}

static void alert_fill(struct alert *a, const struct rule *r, enum detect_action action,
		       uint32_t flags)
{
	a->action = action;
	a->gid = r->gid;
	a->sid = r->sid;
	a->rev = r->rev;
	a->priority = r->priority;
	a->msg = r->msg ? r->msg : "";
	a->category = r->category ? r->category : "";
	a->classtype = r->classtype;
	a->metadata = (const char *const *)r->metadata;
	a->metadata_count = r->nmetadata;
	a->references = r->refs;
	a->reference_count = r->nrefs;
	a->target = r->target;
	a->flags = flags;
	a->tx_id = 0;
	a->frame_id = 0;
	a->rule_num = r->num;
	a->context_count = 0;
	a->enrichment = r->enrichment;
}

void detect_keep_context(struct det_thread *dt, const char *key, const char *json)
{
	for (unsigned i = 0; i < dt->nctx; i++)
		if (strcmp(dt->ctx[i].key, key) == 0) {
			dt->ctx[i].json = json;
			return;
		}
	if (dt->nctx < ALERT_CONTEXT_MAX)
		dt->ctx[dt->nctx++] = (struct alert_context){key, json};
}

void alert_queue_append(struct detect_engine *de, struct alert_queue *q, const struct rule *r,
			enum detect_action action, uint32_t flags)
{
	if (q->count >= de->alert_max) {
		q->discarded++;
		return;
	}
	alert_fill(&q->alerts[q->count++], r, action, flags);
}

void alert_queue_set_drop(struct alert_queue *q, const struct rule *r, enum detect_action action,
			  uint32_t flags)
{
	if (q->has_drop_alert && q->drop_alert.rule_num <= r->num)
		return;
	alert_fill(&q->drop_alert, r, action, flags);
	q->has_drop_alert = true;
}

static bool queue_has_rule(const struct alert_queue *q, uint32_t rule_num)
{
	for (unsigned i = 0; i < q->count; i++)
		if (q->alerts[i].rule_num == rule_num)
			return true;
	return false;
}

void alert_queue_merge(const struct detect_engine *de, struct alert_queue *into,
		       const struct alert_queue *from)
{
	into->drop |= from->drop;
	into->pass |= from->pass;
	into->flow_pass |= from->flow_pass;
	into->flow_drop |= from->flow_drop;
	into->tagged |= from->tagged;
	into->flow_bypass |= from->flow_bypass;
	if (from->has_drop_alert &&
	    (!into->has_drop_alert || from->drop_alert.rule_num < into->drop_alert.rule_num)) {
		into->drop_alert = from->drop_alert;
		into->has_drop_alert = true;
	}
	into->discarded += from->discarded;
	for (unsigned i = 0; i < from->count; i++) {
		const struct alert *a = &from->alerts[i];
		if (queue_has_rule(into, a->rule_num))
			continue;
		if (into->count >= de->alert_max) {
			into->discarded++;
			continue;
		}
		unsigned at = into->count;
		while (at > 0 && into->alerts[at - 1].rule_num > a->rule_num)
			at--;
		memmove(&into->alerts[at + 1], &into->alerts[at],
			(into->count - at) * sizeof(into->alerts[0]));
		into->alerts[at] = *a;
		into->count++;
	}
}

const char *detect_action_name(enum detect_action a)
{
	switch (a) {
	case DETECT_ACTION_ALERT: return "alert";
	case DETECT_ACTION_PASS: return "pass";
	case DETECT_ACTION_DROP: return "drop";
	case DETECT_ACTION_REJECT: return "reject";
	case DETECT_ACTION_REJECTSRC: return "rejectsrc";
	case DETECT_ACTION_REJECTDST: return "rejectdst";
	case DETECT_ACTION_REJECTBOTH: return "rejectboth";
	case DETECT_ACTION_CONFIG: return "config";
	}
	return "alert";
}

const char *detect_alert_action_name(const struct alert *a, bool ips)
{
	switch (a->action) {
	case DETECT_ACTION_DROP: return ips ? "blocked" : "allowed";
	case DETECT_ACTION_REJECT:
	case DETECT_ACTION_REJECTSRC:
	case DETECT_ACTION_REJECTDST:
	case DETECT_ACTION_REJECTBOTH: return "blocked";
	default: return "allowed";
	}
}
