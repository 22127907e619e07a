/*
 * kw-hl7.c — the HL7 rule buffers (vigil's own: Suricata has no HL7), all
 * sticky buffers of the message of the packet's direction:
 *   hl7.msg_type          MSH-9's message code and trigger event ("ADT^A01")
 *   hl7.msh               the whole MSH segment
 *   hl7.segment           every segment, one instance each (PID included:
 *                         detection is local, only EVE is redacted)
 *   hl7.sending_app       MSH-3
 *   hl7.sending_facility  MSH-4
 * Values are views into the parser's messages (app/hl7.h).
 */
#include "app/hl7.h"
#include "detect/detect-internal.h"

enum hl7_buf { HB_MSG_TYPE, HB_MSH, HB_SEGMENT, HB_SENDING_APP, HB_SENDING_FACILITY };

static bool hl7_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *txv,
		    enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	const struct hl7_tx *tx = txv;
	const struct hl7_msg *m = tx->msg[dir];
	*d = NULL;
	*l = 0;
	if (m == NULL || (k > 0 && spec->arg != HB_SEGMENT))
		return false;
	switch ((enum hl7_buf)spec->arg) {
	case HB_MSG_TYPE: *d = hl7_msg_type(m, l); break;
	case HB_MSH: *d = hl7_msg_msh(m, l); break;
	case HB_SEGMENT: *d = hl7_msg_segment(m, k, l); break;
	case HB_SENDING_APP: *d = hl7_msg_field(m, HL7_MSH_SENDING_APP, l); break;
	case HB_SENDING_FACILITY: *d = hl7_msg_field(m, HL7_MSH_SENDING_FACILITY, l); break;
	default: return false;
	}
	return *d != NULL && *l > 0;
}

static const struct app_buffer_spec specs[] = {
    {"hl7.msg_type", NULL, APP_PROTO_HL7, AD_BOTH, hl7_get, HB_MSG_TYPE},
    {"hl7.msh", NULL, APP_PROTO_HL7, AD_BOTH, hl7_get, HB_MSH},
    {"hl7.segment", NULL, APP_PROTO_HL7, AD_BOTH, hl7_get, HB_SEGMENT},
    {"hl7.sending_app", NULL, APP_PROTO_HL7, AD_BOTH, hl7_get, HB_SENDING_APP},
    {"hl7.sending_facility", NULL, APP_PROTO_HL7, AD_BOTH, hl7_get, HB_SENDING_FACILITY},
};

const struct app_buffer_family app_buffers_hl7 = {specs, sizeof(specs) / sizeof(specs[0])};
