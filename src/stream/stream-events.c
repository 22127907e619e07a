/*
 * stream-events — Suricata's stream event names and the per-packet event
 * list.  The names come from one X-macro list in stream.h so the enum, the
 * names and the keyword lookup cannot drift apart.
 */
#include <string.h>

#include "stream/stream.h"

static const char *const event_names[STREAM_EV_MAX] = {
#define STREAM_EV_NAME(id, name) [STREAM_EV_##id] = name,
    STREAM_EVENT_LIST(STREAM_EV_NAME)
#undef STREAM_EV_NAME
};

const char *stream_event_name(enum stream_event ev)
{
	if ((int)ev < 0 || ev >= STREAM_EV_MAX)
		return NULL;
	return event_names[ev];
}

int stream_event_lookup(const char *name)
{
	if (!name)
		return -1;
	const char *bare = strncmp(name, "stream.", 7) == 0 ? name + 7 : name;
	for (int i = 0; i < STREAM_EV_MAX; i++)
		if (strcmp(event_names[i] + 7, bare) == 0)
			return i;
	return -1;
}

bool stream_has_event(const struct packet *p, enum stream_event ev)
{
	for (uint8_t i = 0; i < p->stream_event_count; i++)
		if (p->stream_events[i] == (uint16_t)ev)
			return true;
	return false;
}

void stream_set_event(struct packet *p, enum stream_event ev)
{
	if ((int)ev < 0 || ev >= STREAM_EV_MAX || stream_has_event(p, ev))
		return;
	if (p->stream_event_count >= PACKET_MAX_STREAM_EVENTS) {
		if (p->stream_events_lost < UINT8_MAX)
			p->stream_events_lost++;
		return;
	}
	p->stream_events[p->stream_event_count++] = (uint16_t)ev;
}
