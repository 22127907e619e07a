/*
 * bacnet-log.c — the EVE `bacnet` object: "request" (the first message of
 * the transaction: a confirmed request, or an unconfirmed / network /
 * BVLC-only message) and "response" (the reply that answered it, or a
 * reply that answered nothing), each with its "bvlc", "npdu" and "apdu"
 * parts as far as the message has them.  Numbers are always written;
 * names (standard spelling, bacnet-names.c) only when known.  Only reads
 * the transaction.
 */
#include <stdio.h>

#include "app/bacnet.h"
#include "util/json.h"

static void put_hex(struct json *j, const char *key, const struct bacnet_addr *a)
{
	char buf[2 * BACNET_MAX_ADDR + 1];
	uint32_t n = a->len < BACNET_MAX_ADDR ? a->len : BACNET_MAX_ADDR;
	for (uint32_t i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", a->addr[i]);
	buf[2 * n] = '\0';
	json_str(j, key, buf);
}

static void put_name(struct json *j, const char *key, const char *name)
{
	if (name != NULL)
		json_str(j, key, name);
}

static void log_bvlc(struct json *j, const struct bacnet_msg *m)
{
	json_open_object(j, "bvlc");
	json_uint(j, "type", m->bvlc_type);
	json_uint(j, "function_id", m->bvlc_function);
	put_name(j, "function", bacnet_bvlc_function_name(m->bvlc_function));
	json_uint(j, "length", m->bvlc_length);
	if (m->has_result)
		json_uint(j, "result", m->result_code);
	if (m->has_ttl)
		json_uint(j, "ttl", m->ttl);
	if (m->has_origin) {
		char o[32];
		snprintf(o, sizeof(o), "%u.%u.%u.%u:%u", m->origin[0], m->origin[1], m->origin[2],
			 m->origin[3], (unsigned)(m->origin[4] << 8 | m->origin[5]));
		json_str(j, "origin", o);
	}
	json_close_object(j);
}

static void log_npdu(struct json *j, const struct bacnet_msg *m)
{
	json_open_object(j, "npdu");
	json_uint(j, "version", m->npdu_version);
	if (m->npdu_version == 1) {
		json_uint(j, "control", m->npdu_control);
		json_bool(j, "expecting_reply", (m->npdu_control & 0x04) != 0);
		json_uint(j, "priority", m->npdu_control & 0x03);
	}
	if (m->has_dnet) {
		json_uint(j, "dnet", m->dnet.net);
		put_hex(j, "dadr", &m->dnet);
		json_uint(j, "hop_count", m->hop_count);
	}
	if (m->has_snet) {
		json_uint(j, "snet", m->snet.net);
		put_hex(j, "sadr", &m->snet);
	}
	if (m->has_nmsg) {
		json_uint(j, "message_type_id", m->nmsg_type);
		put_name(j, "message_type", bacnet_network_message_name(m->nmsg_type));
		if (m->has_vendor)
			json_uint(j, "vendor_id", m->vendor_id);
	}
	json_close_object(j);
}

static void log_apdu(struct json *j, const struct bacnet_msg *m)
{
	json_open_object(j, "apdu");
	json_uint(j, "pdu_type_id", m->pdu_type);
	put_name(j, "pdu_type", bacnet_pdu_type_name(m->pdu_type));
	if (m->has_invoke)
		json_uint(j, "invoke_id", m->invoke_id);
	if (m->segmented) {
		json_bool(j, "segmented", true);
		json_bool(j, "more_follows", m->more_follows);
		json_uint(j, "sequence_number", m->seq_num);
		json_uint(j, "window_size", m->window);
	}
	if (m->has_service) {
		json_uint(j, "service_id", m->service);
		put_name(j, "service", bacnet_service_name(m->pdu_type, m->service));
	}
	if (m->has_object) {
		json_open_object(j, "object");
		json_uint(j, "type_id", m->object_type);
		put_name(j, "type", bacnet_object_type_name(m->object_type));
		json_uint(j, "instance", m->instance);
		json_close_object(j);
	}
	if (m->has_property) {
		json_uint(j, "property_id", m->property);
		put_name(j, "property", bacnet_property_name(m->property));
	}
	if (m->has_error) {
		json_uint(j, "error_class", m->error_class);
		json_uint(j, "error_code", m->error_code);
	}
	if (m->has_reason)
		json_uint(j, "reason", m->reason);
	json_close_object(j);
}

static void log_msg(struct json *j, const char *key, const struct bacnet_msg *m)
{
	json_open_object(j, key);
	log_bvlc(j, m);
	if (m->has_npdu)
		log_npdu(j, m);
	if (m->has_apdu)
		log_apdu(j, m);
	json_close_object(j);
}

void bacnet_tx_log_json(struct json *j, const struct bacnet_tx *tx)
{
	if (tx->has_req)
		log_msg(j, "request", &tx->req);
	if (tx->has_resp)
		log_msg(j, "response", &tx->resp);
}
