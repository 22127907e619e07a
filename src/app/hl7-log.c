/*
 * hl7-log.c — the members of the EVE `hl7` object: "request" (the message
 * that opened the transaction) and "response" (its acknowledgment), each
 *
 *   {"sending_application", "sending_facility", "receiving_application",
 *    "receiving_facility", "timestamp" (MSH-7), "message_type" (MSH-9),
 *    "message_code", "trigger_event", "control_id", "processing_id",
 *    "version", "ack_code", "ack_control_id" (MSA-1, MSA-2),
 *    "segments": [names], "segment_count", "size", "truncated"}
 *
 * With redact (the default) nothing else is written: PID, NK1 and every
 * other segment's content stays out of EVE.  With redact off, "data" adds
 * the segments' text.  Only reads the transaction.
 */
#include "app/hl7.h"
#include "util/json.h"

static void log_field(struct json *j, const struct hl7_msg *m, const char *key, int field)
{
	uint32_t len = 0;
	const uint8_t *v = hl7_msg_field(m, field, &len);
	if (v != NULL)
		json_strn(j, key, v, len);
}

static void log_type(struct json *j, const struct hl7_msg *m)
{
	uint32_t len = 0;
	const uint8_t *v;
	log_field(j, m, "message_type", HL7_MSH_MESSAGE_TYPE);
	if ((v = hl7_msg_type_component(m, 0, &len)) != NULL)
		json_strn(j, "message_code", v, len);
	if ((v = hl7_msg_type_component(m, 1, &len)) != NULL)
		json_strn(j, "trigger_event", v, len);
}

static void log_segments(struct json *j, const struct hl7_msg *m, bool redact)
{
	uint32_t len = 0;
	json_open_array(j, "segments");
	for (uint32_t k = 0; k < m->n_segs; k++) {
		const uint8_t *name = hl7_segment_name(m, k, &len);
		json_strn(j, NULL, name, len);
	}
	json_close_array(j);
	json_uint(j, "segment_count", m->n_segs_total);
	if (redact)
		return;
	json_open_array(j, "data");
	for (uint32_t k = 0; k < m->n_segs; k++) {
		const uint8_t *seg = hl7_msg_segment(m, k, &len);
		json_strn(j, NULL, seg, len);
	}
	json_close_array(j);
}

static void log_msg(struct json *j, const char *key, const struct hl7_msg *m, bool redact)
{
	if (m == NULL)
		return;
	json_open_object(j, key);
	log_field(j, m, "sending_application", HL7_MSH_SENDING_APP);
	log_field(j, m, "sending_facility", HL7_MSH_SENDING_FACILITY);
	log_field(j, m, "receiving_application", HL7_MSH_RECEIVING_APP);
	log_field(j, m, "receiving_facility", HL7_MSH_RECEIVING_FACILITY);
	log_field(j, m, "timestamp", HL7_MSH_DATETIME);
	log_type(j, m);
	log_field(j, m, "control_id", HL7_MSH_CONTROL_ID);
	log_field(j, m, "processing_id", HL7_MSH_PROCESSING_ID);
	log_field(j, m, "version", HL7_MSH_VERSION);
	if (m->has_msa) {
		if (m->msa_code.len > 0)
			json_strn(j, "ack_code", m->data + m->msa_code.off, m->msa_code.len);
		if (m->msa_control_id.len > 0)
			json_strn(j, "ack_control_id", m->data + m->msa_control_id.off,
				  m->msa_control_id.len);
	}
	log_segments(j, m, redact);
	json_uint(j, "size", m->size);
	if (m->size > m->len)
		json_bool(j, "truncated", true);
	json_close_object(j);
}

void hl7_tx_log_json(struct json *j, const struct hl7_tx *tx, bool redact)
{
	log_msg(j, "request", tx->msg[tx->first_dir], redact);
	log_msg(j, "response", tx->msg[!tx->first_dir], redact);
}
