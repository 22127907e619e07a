/*
 * kw-events.c — decode-event and stream-event.
 *
 * decode-event names are the decoder's own (decode/events.h), with or
 * without the "decoder." prefix.  stream-event names are accepted now so
 * Suricata's stream-events.rules load; they match once the stream stage
 * reports events (it does not exist yet, so they never fire).
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

static const char *const decode_names[] = {
#define DECODE_EV_NAME(id, name) name,
	DECODE_EVENT_LIST(DECODE_EV_NAME)
#undef DECODE_EV_NAME
};

static int event_id(const char *name)
{
	for (size_t i = 0; i < sizeof(decode_names) / sizeof(decode_names[0]); i++)
		if (strcmp(decode_names[i], name) == 0)
			return (int)i;
	return -1;
}

static int decode_event_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			      const void *ctx)
{
	uint16_t ev = *(const uint16_t *)ctx;
	for (uint8_t i = 0; i < p->event_count && i < DECODE_MAX_EVENTS; i++)
		if (p->events[i] == ev)
			return 1;
	return 0;
}

static int decode_event_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	const char *name = arg;
	if (strncmp(name, "decoder.", 8) == 0)
		name += 8;
	int id = event_id(name);
	if (id < 0) {
		pc_error(pc, "unknown decode-event '%s'", arg);
		return -1;
	}
	uint16_t *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	*c = (uint16_t)id;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("decode-event"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
}

/* Suricata's stream event names (stream-events.rules). */
static const char *const stream_names[] = {
	"3whs_ack_in_wrong_dir", "3whs_async_wrong_seq", "3whs_right_seq_wrong_ack_evasion",
	"3whs_synack_in_wrong_direction", "3whs_synack_resend_with_different_ack",
	"3whs_synack_resend_with_diff_seq", "3whs_synack_toserver_on_syn_recv",
	"3whs_synack_with_wrong_ack", "3whs_synack_flood", "3whs_syn_resend_diff_seq_on_syn_recv",
	"3whs_syn_toclient_on_syn_recv", "3whs_wrong_seq_wrong_ack", "3whs_ack_data_inject",
	"4whs_synack_with_wrong_ack", "4whs_synack_with_wrong_syn", "4whs_wrong_seq",
	"4whs_invalid_ack", "closewait_ack_out_of_window", "closewait_fin_out_of_window",
	"closewait_pkt_before_last_ack", "closewait_invalid_ack", "closing_ack_wrong_seq",
	"closing_invalid_ack", "est_packet_out_of_window", "est_pkt_before_last_ack",
	"est_synack_resend", "est_synack_resend_with_different_ack",
	"est_synack_resend_with_diff_seq", "est_synack_toserver", "est_syn_resend",
	"est_syn_resend_diff_seq", "est_syn_toclient", "est_invalid_ack", "fin_invalid_ack",
	"fin1_ack_wrong_seq", "fin1_fin_wrong_seq", "fin1_invalid_ack", "fin2_ack_wrong_seq",
	"fin2_fin_wrong_seq", "fin2_invalid_ack", "fin_but_no_session", "fin_out_of_window",
	"fin_syn", "lastack_ack_wrong_seq", "lastack_invalid_ack", "rst_but_no_session",
	"timewait_ack_wrong_seq", "timewait_invalid_ack", "shutdown_syn_resend",
	"pkt_invalid_timestamp", "pkt_invalid_ack", "pkt_broken_ack", "rst_invalid_ack",
	"pkt_retransmission", "pkt_spurious_retransmission", "pkt_bad_window_update",
	"suspected_rst_inject", "wrong_thread", "reassembly_segment_before_base_seq",
	"reassembly_no_segment", "reassembly_seq_gap", "reassembly_overlap_different_data",
	"reassembly_depth_reached", "reassembly_insert_memcap", "reassembly_insert_limit",
	"reassembly_insert_invalid", "reassembly_urgent_oob_limit_reached",
	"est_syn_resend_diff_seq", "pkt_in_window_reset", "fin1_fin_wrong_seq",
};

static int stream_event_match(struct det_thread *dt, const struct packet *p,
			      const struct rule *r, const void *ctx)
{
	return 0; /* no stream stage yet */
}

static int stream_event_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	const char *name = arg;
	if (strncmp(name, "stream.", 7) == 0)
		name += 7;
	for (size_t i = 0; i < sizeof(stream_names) / sizeof(stream_names[0]); i++) {
		if (strcmp(stream_names[i], name) != 0)
			continue;
		uint16_t *c = malloc(sizeof(*c));
		if (c == NULL)
			return -1;
		*c = (uint16_t)i;
		if (rule_add_sm(r, LIST_MATCH, kw_lookup("stream-event"), c) == NULL) {
			free(c);
			return -1;
		}
		return 0;
	}
	pc_error(pc, "unknown stream-event '%s'", arg);
	return -1;
}

static const struct kw_def defs[] = {
	{"decode-event", NULL, "decoder anomaly event", decode_event_setup, decode_event_match,
	 NULL, NULL, 0},
	{"stream-event", NULL, "TCP stream anomaly event (fires once streams exist)",
	 stream_event_setup, stream_event_match, NULL, NULL, 0},
};

const struct kw_family kw_family_events = {defs, sizeof(defs) / sizeof(defs[0])};
