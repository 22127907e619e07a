/*
 * kw-events.c — decode-event and stream-event.
 *
 * decode-event names are the decoder's own (decode/events.h), with or
 * without the "decoder." prefix; a Suricata event name the decoder does
 * not raise (yet) skips the rule as unsupported.  stream-event names are
 * the stream stage's (stream/stream.h), matched on p->stream_events.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"
#include "stream/stream.h"

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
		char kw[96];
		snprintf(kw, sizeof(kw), "decode-event:%s", name);
		pc_unsupported(pc, kw);
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

/* The stream stage's event names ("stream." prefix included). */
static const char *const stream_names[] = {
#define STREAM_EV_NAME(id, name) name,
    STREAM_EVENT_LIST(STREAM_EV_NAME)
#undef STREAM_EV_NAME
};

static int stream_event_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			      const void *ctx)
{
	uint16_t ev = *(const uint16_t *)ctx;
	for (uint8_t i = 0; i < p->stream_event_count && i < PACKET_MAX_STREAM_EVENTS; i++)
		if (p->stream_events[i] == ev)
			return 1;
	return 0;
}

static int stream_event_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char full[128];
	snprintf(full, sizeof(full), "%s%s", strncmp(arg, "stream.", 7) == 0 ? "" : "stream.", arg);
	for (size_t i = 0; i < sizeof(stream_names) / sizeof(stream_names[0]); i++) {
		if (strcmp(stream_names[i], full) != 0)
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
    {"decode-event", NULL, "decoder anomaly event", decode_event_setup, decode_event_match, NULL,
     NULL, 0},
    {"stream-event", NULL, "TCP stream anomaly event", stream_event_setup, stream_event_match, NULL,
     NULL, 0},
};

const struct kw_family kw_family_events = {defs, sizeof(defs) / sizeof(defs[0])};
