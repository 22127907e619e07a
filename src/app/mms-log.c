/*
 * mms-log.c — the EVE "mms" object of a transaction.  Suricata has no
 * MMS logger; the object follows its house style (one object per
 * transaction, "request" and "response" sides):
 *
 *   "mms": {"request": {"pdu": "confirmed_request", "invoke_id": 3,
 *            "service": "read",
 *            "variables": [{"domain": "IED1LD0", "item": "LLN0$ST$Mod"}]},
 *           "response": {"pdu": "confirmed_response", "invoke_id": 3,
 *            "service": "read"}}
 *
 * "request" is the side sent to the server, "response" the one sent to
 * the client (an informationReport is a "response" with no request).
 * A side has: pdu; invoke_id; service (confirmed, or the unconfirmed
 * service's name); variables (object names: {"domain", "item"},
 * {"vmd"} or {"aa"}), variables_truncated; variable_list (the named
 * variable list); object_class, object_scope and domain (getNameList);
 * identifiers and more_follows (its response); domain (domain
 * services), program_invocation, filename, frsm_id (file services);
 * vendor, model, revision (identify response); the initiate parameters;
 * error_class / error_code (errors), reject_class / reject_code;
 * invalid when the PDU did not parse to its end.
 */
#include <stdio.h>

#include "app/mms.h"
#include "util/json.h"

static void put_str(struct json *j, const char *key, const struct mms_msg *m,
		    const struct mms_str *s)
{
	json_strn(j, key, m->raw + s->off, s->len);
}

static void log_name(struct json *j, const char *key, const struct mms_msg *m,
		     const struct mms_name *n)
{
	json_open_object(j, key);
	switch (n->scope) {
	case MMS_SCOPE_DOMAIN:
		put_str(j, "domain", m, &n->domain);
		put_str(j, "item", m, &n->item);
		break;
	case MMS_SCOPE_AA: put_str(j, "aa", m, &n->item); break;
	default: put_str(j, "vmd", m, &n->item); break;
	}
	json_close_object(j);
}

static void log_names(struct json *j, const struct mms_msg *m)
{
	bool ids = m->pdu == MMS_PDU_CONFIRMED_RESPONSE && m->service == MMS_SVC_GET_NAME_LIST;
	if (m->n_names > 0) {
		json_open_array(j, ids ? "identifiers" : "variables");
		for (uint16_t i = 0; i < m->n_names; i++) {
			if (ids)
				json_strn(j, NULL, m->raw + m->names[i].item.off,
					  m->names[i].item.len);
			else
				log_name(j, NULL, m, &m->names[i]);
		}
		json_close_array(j);
	}
	if (m->names_truncated)
		json_bool(j, ids ? "identifiers_truncated" : "variables_truncated", true);
	if (m->has_more_follows)
		json_bool(j, "more_follows", m->more_follows);
	if (m->has_list_name)
		log_name(j, "variable_list", m, &m->list_name);
}

static const char *const init_keys[2][5] = {
    {"local_detail_calling", "max_serv_outstanding_calling", "max_serv_outstanding_called",
     "data_structure_nesting_level", "version"},
    {"local_detail_called", "max_serv_outstanding_calling", "max_serv_outstanding_called",
     "data_structure_nesting_level", "version"},
};

static const char *const scope_names[3] = {"vmd", "domain", "aa"};

static void log_service(struct json *j, const struct mms_msg *m)
{
	if (m->service < 0)
		return;
	const char *name = m->pdu == MMS_PDU_UNCONFIRMED
			       ? mms_unconfirmed_name((unsigned)m->service)
			       : mms_service_name((unsigned)m->service);
	if (name != NULL)
		json_str(j, "service", name);
	else
		json_uint(j, "service", (uint64_t)m->service);
}

static void log_msg(struct json *j, const char *key, const struct mms_msg *m)
{
	json_open_object(j, key);
	json_str(j, "pdu", mms_pdu_name(m->pdu));
	if (m->has_invoke)
		json_uint(j, "invoke_id", m->invoke_id);
	log_service(j, m);
	if (m->object_class >= 0)
		json_uint(j, "object_class", (uint64_t)m->object_class);
	if (m->name_scope >= 0)
		json_str(j, "object_scope", scope_names[m->name_scope]);
	if (m->domain.len > 0)
		put_str(j, "domain", m, &m->domain);
	if (m->program.len > 0)
		put_str(j, "program_invocation", m, &m->program);
	if (m->filename.len > 0)
		put_str(j, "filename", m, &m->filename);
	if (m->has_frsm)
		json_uint(j, "frsm_id", m->frsm_id);
	if (m->vendor.len > 0)
		put_str(j, "vendor", m, &m->vendor);
	if (m->model.len > 0)
		put_str(j, "model", m, &m->model);
	if (m->revision.len > 0)
		put_str(j, "revision", m, &m->revision);
	log_names(j, m);
	bool resp = m->pdu == MMS_PDU_INITIATE_RESPONSE;
	for (int i = 0; i < 5; i++)
		if (m->has_init[i])
			json_uint(j, init_keys[resp][i], m->init[i]);
	if (m->has_error) {
		bool rej = m->pdu == MMS_PDU_REJECT;
		json_uint(j, rej ? "reject_class" : "error_class", m->error_class);
		json_uint(j, rej ? "reject_code" : "error_code", m->error_code);
	}
	if (m->invalid)
		json_bool(j, "invalid", true);
	json_close_object(j);
}

void mms_tx_log_json(struct json *j, const struct mms_tx *tx)
{
	json_open_object(j, "mms");
	if (tx->request != NULL)
		log_msg(j, "request", tx->request);
	if (tx->response != NULL)
		log_msg(j, "response", tx->response);
	json_close_object(j);
}
