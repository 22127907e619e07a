/*
 * decode — entry point of the decode stage: dispatch on the link type,
 * event bookkeeping, and the small naming helpers other stages print with.
 *
 * It owns no protocol parsing itself; each layer lives in its own file and
 * never reads past the length it was given.  This file only reads
 * p->data[0 .. p->len).
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "decode/decode.h"
#include "decode/layers.h"

static const char *const event_names[DECODE_EV_MAX] = {
#define DECODE_EV_NAME(id, name) [DECODE_EV_##id] = name,
	DECODE_EVENT_LIST(DECODE_EV_NAME)
#undef DECODE_EV_NAME
};

const char *decode_event_name(enum decode_event ev)
{
	if ((int)ev < 0 || ev >= DECODE_EV_MAX)
		return NULL;
	return event_names[ev];
}

int decode_event_lookup(const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < DECODE_EV_MAX; i++) {
		if (strcmp(event_names[i], name) == 0)
			return i;
	}
	return -1;
}

void decode_packet_reset(struct packet *p)
{
	/* Everything from the link layer on; the capture fields survive. */
	size_t keep = offsetof(struct packet, has_eth);
	memset((uint8_t *)p + keep, 0, sizeof(*p) - keep);
}

void decode_set_event(struct packet *p, enum decode_event ev)
{
	if ((int)ev < 0 || ev >= DECODE_EV_MAX)
		return;
	/* Repeats are kept, as Suricata keeps them: two bad options in one
	 * header are two events (and two EVE anomaly records). */
	if (p->event_count >= DECODE_MAX_EVENTS)
		return;
	p->events[p->event_count++] = (uint16_t)ev;
}

bool decode_has_event(const struct packet *p, enum decode_event ev)
{
	for (uint8_t i = 0; i < p->event_count; i++) {
		if (p->events[i] == (uint16_t)ev)
			return true;
	}
	return false;
}

void decode_set_invalid(struct packet *p, enum decode_event ev)
{
	decode_set_event(p, ev);
	p->invalid = true;
}

bool decode_set_tunnel(struct packet *p, struct decode_stats *st, const uint8_t *inner,
		       uint32_t len, int linktype, enum packet_source src)
{
	if (p->tunnel_depth + 1 > DECODE_MAX_TUNNEL_DEPTH) {
		decode_set_invalid(p, DECODE_EV_TOO_MANY_LAYERS);
		st->too_many_layers++;
		return false;
	}
	p->tunnel_inner = inner;
	p->tunnel_inner_len = len;
	p->tunnel_inner_linktype = linktype;
	p->tunnel_src = src;
	return true;
}

static bool decode_dispatch(struct packet *p, struct decode_stats *st)
{
	const uint8_t *d = p->data;
	uint32_t len = p->len;

	switch (p->linktype) {
	case LINKTYPE_ETHERNET:
	case LINKTYPE_INNER_ETHERNET: decode_ethernet(p, st, d, len); return true;
	case LINKTYPE_PPP:
	case LINKTYPE_PPP_SERIAL:
	case LINKTYPE_INNER_PPP: decode_ppp(p, st, d, len); return true;
	case LINKTYPE_LINUX_SLL: decode_sll(p, st, d, len); return true;
	case LINKTYPE_CISCO_HDLC: decode_chdlc(p, st, d, len); return true;
	case LINKTYPE_LINUX_SLL2: decode_sll2(p, st, d, len); return true;
	case LINKTYPE_NULL:
	case LINKTYPE_LOOP: decode_null(p, st, d, len); return true;
	case LINKTYPE_RAW:
	case LINKTYPE_RAW_BSD:
	case LINKTYPE_RAW_PCAP: decode_raw(p, st, d, len, 0); return true;
	case LINKTYPE_IPV4: decode_raw(p, st, d, len, 4); return true;
	case LINKTYPE_IPV6: decode_raw(p, st, d, len, 6); return true;
	case LINKTYPE_INNER_IPV4: decode_ipv4(p, st, d, len); return true;
	case LINKTYPE_INNER_IPV6: decode_ipv6(p, st, d, len); return true;
	case LINKTYPE_INNER_IP: decode_raw(p, st, d, len, 0); return true;
	case LINKTYPE_INNER_VLAN: decode_vlan(p, st, ETHERTYPE_VLAN, d, len); return true;
	default: return false;
	}
}

bool decode_packet(struct packet *p, struct decode_stats *st)
{
	struct decode_stats scratch;
	if (st == NULL) {
		memset(&scratch, 0, sizeof(scratch));
		st = &scratch;
	}
	decode_packet_reset(p);
	if (p->data == NULL && p->len != 0)
		return false;
	if (!decode_dispatch(p, st))
		return false;
	/* Like Suricata's decoder.pkts/bytes: what was captured, so tunnel and
	 * reassembled pseudo packets (which have a parent) are not counted. */
	if (!p->parent) {
		st->pkts++;
		st->bytes += p->len;
	}
	if (p->invalid)
		st->invalid++;
	for (uint8_t i = 0; i < p->event_count; i++)
		st->events[p->events[i]]++;
	return true;
}

bool decode_linktype_supported(int linktype)
{
	return decode_linktype_name(linktype) != NULL;
}

const char *decode_linktype_name(int linktype)
{
	switch (linktype) {
	case LINKTYPE_NULL: return "NULL";
	case LINKTYPE_ETHERNET: return "EN10MB";
	case LINKTYPE_PPP: return "PPP";
	case LINKTYPE_RAW: return "RAW";
	case LINKTYPE_RAW_BSD: return "RAW";
	case LINKTYPE_PPP_SERIAL: return "PPP_SERIAL";
	case LINKTYPE_RAW_PCAP: return "RAW";
	case LINKTYPE_LINUX_SLL: return "LINUX_SLL";
	case LINKTYPE_CISCO_HDLC: return "C_HDLC";
	case LINKTYPE_LOOP: return "LOOP";
	case LINKTYPE_IPV4: return "IPV4";
	case LINKTYPE_IPV6: return "IPV6";
	case LINKTYPE_LINUX_SLL2: return "LINUX_SLL2";
	/* Suricata gives tunnel and defrag packets DLT_RAW, so EVE's
	 * packet_info.linktype_name says "RAW" for all of them. */
	case LINKTYPE_INNER_IPV4:
	case LINKTYPE_INNER_IPV6:
	case LINKTYPE_INNER_ETHERNET:
	case LINKTYPE_INNER_IP:
	case LINKTYPE_INNER_PPP:
	case LINKTYPE_INNER_VLAN: return "RAW";
	default: return NULL;
	}
}

const char *decode_packet_source_name(enum packet_source s)
{
	switch (s) {
	case PKT_SRC_WIRE: return "wire/pcap";
	case PKT_SRC_DEFRAG: return "defrag";
	case PKT_SRC_TUNNEL_GRE: return "gre tunnel";
	case PKT_SRC_TUNNEL_IPV4: return "ipv4 tunnel";
	case PKT_SRC_TUNNEL_IPV6: return "ipv6 tunnel";
	case PKT_SRC_TUNNEL_TEREDO: return "teredo tunnel";
	case PKT_SRC_TUNNEL_VXLAN: return "vxlan encapsulation";
	case PKT_SRC_TUNNEL_GENEVE: return "geneve encapsulation";
	case PKT_SRC_FLOW_TIMEOUT: return "stream (flow timeout)";
	case PKT_SRC_SHUTDOWN_FLUSH: return "shutdown flush";
	case PKT_SRC_STREAM_FLUSH: return "stream (detect/log)";
	}
	return "unknown";
}

const char *decode_addr_str(const struct ip_addr *a, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (a->family == 4) {
		if (inet_ntop(AF_INET, a->bytes, buf, (socklen_t)len) == NULL)
			buf[0] = '\0';
	} else if (a->family == 6) {
		if (inet_ntop(AF_INET6, a->bytes, buf, (socklen_t)len) == NULL)
			buf[0] = '\0';
	}
	return buf;
}
