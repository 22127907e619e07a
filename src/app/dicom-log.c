/*
 * dicom-log.c — the members of the EVE `dicom` object, by transaction:
 *
 *   association: "type":"association", calling_ae, called_ae,
 *     protocol_version, application_context, "presentation_contexts":
 *     [{id, abstract_syntax, abstract_syntax_name, transfer_syntaxes,
 *     result, transfer_syntax}], "request" and "response" user
 *     information {max_pdu_length, implementation_class_uid,
 *     implementation_version}, and for a rejection "reject":
 *     {result, source, reason};
 *   dimse: "type":"dimse", command (C-STORE, ...), message_id,
 *     sop_class (+ sop_class_name), sop_instance, priority,
 *     move_destination, cancelled, "request": {command, command_field,
 *     presentation_context_id, dataset_size}, "response": {command,
 *     command_field, status, responses, dataset_size};
 *   release: "type":"release", request, response (booleans);
 *   abort: "type":"abort", source, reason.
 *
 * Patient data is never written: data sets are counted, not decoded.
 * Only reads the transaction.
 */
#include <string.h>

#include "app/dicom.h"
#include "util/json.h"

static void log_str(struct json *j, const char *key, const struct dicom_str *s)
{
	if (s->len > 0)
		json_strn(j, key, s->v, s->len);
}

static void log_uid(struct json *j, const char *key, const char *name_key,
		    const struct dicom_str *s)
{
	log_str(j, key, s);
	const char *name = dicom_uid_name(s->v, s->len);
	if (name != NULL)
		json_str(j, name_key, name);
}

static const char *pc_result(uint8_t r)
{
	static const char *const names[] = {"acceptance", "user-rejection", "no-reason",
					    "abstract-syntax-not-supported",
					    "transfer-syntaxes-not-supported"};
	return r < 5 ? names[r] : "unknown";
}

static void log_user(struct json *j, const char *key, const struct dicom_user_info *u, bool any)
{
	if (!any)
		return;
	json_open_object(j, key);
	if (u->has_max_pdu)
		json_uint(j, "max_pdu_length", u->max_pdu);
	log_str(j, "implementation_class_uid", &u->impl_class_uid);
	log_str(j, "implementation_version", &u->impl_version);
	json_close_object(j);
}

static void log_pcs(struct json *j, const struct dicom_assoc *a)
{
	if (a->n_pcs == 0)
		return;
	json_open_array(j, "presentation_contexts");
	for (uint32_t i = 0; i < a->n_pcs; i++) {
		const struct dicom_pc *pc = &a->pcs[i];
		json_open_object(j, NULL);
		json_uint(j, "id", pc->id);
		log_uid(j, "abstract_syntax", "abstract_syntax_name", &pc->abstract);
		if (pc->n_ts > 0) {
			json_open_array(j, "transfer_syntaxes");
			for (int k = 0; k < pc->n_ts; k++)
				json_strn(j, NULL, pc->ts[k].v, pc->ts[k].len);
			json_close_array(j);
		}
		if (pc->answered) {
			json_str(j, "result", pc_result(pc->result));
			log_uid(j, "transfer_syntax", "transfer_syntax_name", &pc->accepted_ts);
		}
		json_close_object(j);
	}
	json_close_array(j);
}

static void log_association(struct json *j, const struct dicom_assoc *a)
{
	json_str(j, "type", "association");
	log_str(j, "calling_ae", &a->calling_ae);
	log_str(j, "called_ae", &a->called_ae);
	if (a->rq)
		json_uint(j, "protocol_version", a->protocol_version);
	log_str(j, "application_context", &a->app_context);
	log_pcs(j, a);
	log_user(j, "request", &a->user[0], a->rq);
	log_user(j, "response", &a->user[1], a->ac);
	json_str(j, "result", a->ac ? "accepted" : a->rj ? "rejected" : "none");
	if (a->rj) {
		json_open_object(j, "reject");
		json_str(j, "result", a->rj_result == 1 ? "permanent" : "transient");
		json_uint(j, "source", a->rj_source);
		json_uint(j, "reason", a->rj_reason);
		json_close_object(j);
	}
}

static const char *priority_name(uint16_t p)
{
	return p == 0 ? "medium" : p == 1 ? "high" : p == 2 ? "low" : "unknown";
}

static void log_command(struct json *j, const char *key, const struct dicom_command *c, bool rsp)
{
	if (!c->seen)
		return;
	json_open_object(j, key);
	const char *name = dicom_command_name(c->field);
	if (name != NULL)
		json_str(j, "command", name);
	json_uint(j, "command_field", c->field);
	json_uint(j, "presentation_context_id", c->pcid);
	if (rsp && c->has_status)
		json_uint(j, "status", c->status);
	if (rsp)
		json_uint(j, "responses", c->responses);
	if (c->dataset_bytes > 0)
		json_uint(j, "dataset_size", c->dataset_bytes);
	json_close_object(j);
}

/* "C-STORE" from "C-STORE-RQ" / "C-STORE-RSP". */
static void log_service(struct json *j, uint16_t field)
{
	const char *name = dicom_command_name(field);
	if (name == NULL)
		return;
	size_t n = strlen(name);
	size_t cut = field & 0x8000 ? 4 : 3;
	json_strn(j, "command", (const uint8_t *)name, n > cut ? n - cut : n);
}

static void log_dimse(struct json *j, const struct dicom_tx *tx)
{
	const struct dicom_command *rq = &tx->cmd[0], *rsp = &tx->cmd[1];
	const struct dicom_command *main = rq->seen ? rq : rsp;
	json_str(j, "type", "dimse");
	log_service(j, main->field);
	json_uint(j, "message_id", main->message_id);
	const struct dicom_str *cls = main->sop_class.len > 0 ? &main->sop_class : &rsp->sop_class;
	log_uid(j, "sop_class", "sop_class_name", cls);
	const struct dicom_str *inst =
	    main->sop_instance.len > 0 ? &main->sop_instance : &rsp->sop_instance;
	log_str(j, "sop_instance", inst);
	if (rq->has_priority)
		json_str(j, "priority", priority_name(rq->priority));
	log_str(j, "move_destination", &rq->move_destination);
	if (tx->cancelled)
		json_bool(j, "cancelled", true);
	log_command(j, "request", rq, false);
	log_command(j, "response", rsp, true);
}

void dicom_tx_log_json(struct json *j, const struct dicom_tx *tx)
{
	switch (tx->kind) {
	case DICOM_TX_ASSOCIATION: log_association(j, &tx->assoc); break;
	case DICOM_TX_DIMSE: log_dimse(j, tx); break;
	case DICOM_TX_RELEASE:
		json_str(j, "type", "release");
		json_bool(j, "request", tx->side_done[tx->rq_dir]);
		json_bool(j, "response", tx->side_done[!tx->rq_dir]);
		break;
	case DICOM_TX_ABORT:
		json_str(j, "type", "abort");
		json_uint(j, "source", tx->abort_source);
		json_uint(j, "reason", tx->abort_reason);
		break;
	}
}
