/*
 * dns-proto — DNS's entry in the protocol table: recognised by port 53
 * (TCP and UDP, as Suricata's detection-ports), one transaction per
 * message, each of one direction (a query has no response side and the
 * other way round), logged as soon as it is parsed.  The parser itself is
 * dns.c.
 */
#include "app/dns.h"

static void *state_new(const struct app_flow_info *fi)
{
	return dns_state_new(fi->tcp);
}

static void state_free(void *s)
{
	dns_state_free(s);
}

static enum app_parse_result parse(void *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				   uint32_t flags)
{
	return dns_parse(s, dir, d, n, flags);
}

static uint64_t tx_count(const void *s)
{
	return dns_tx_next_id(s);
}

/* Live transactions have consecutive ids, oldest first. */
static const void *tx_get(const void *s, uint64_t id)
{
	size_t n = dns_tx_count(s);
	const struct dns_tx *first = dns_tx_get(s, 0);
	if (first == NULL || id < first->tx_id || id - first->tx_id >= n)
		return NULL;
	const struct dns_tx *t = dns_tx_get(s, (size_t)(id - first->tx_id));
	return t != NULL && t->tx_id == id ? t : NULL;
}

static enum app_side tx_side(const void *s, const void *tx, enum app_dir dir, bool eof)
{
	bool request = ((const struct dns_tx *)tx)->request;
	return request == (dir == APP_TOSERVER) ? APP_SIDE_READY : APP_SIDE_NONE;
}

static void tx_release_upto(void *s, uint64_t id)
{
	if (id > 0)
		dns_tx_release_upto(s, id - 1);
}

static bool tx_has_event(const void *s, const void *tx, int ev)
{
	return dns_tx_has_event(tx, (enum dns_event)ev);
}

static int tx_msg_dir(const void *tx)
{
	return ((const struct dns_tx *)tx)->request ? APP_TOSERVER : APP_TOCLIENT;
}

static void log_json(struct json *j, const void *s, const void *tx, uint32_t opts)
{
	dns_tx_log_json(j, tx, (enum app_dir)tx_msg_dir(tx));
}

const struct app_protocol app_dns = {
    .name = "dns",
    .ipprotos = APP_IPPROTO_TCP | APP_IPPROTO_UDP,
    .tcp_ports = "53",
    .udp_ports = "53",
    .state_new = state_new,
    .state_free = state_free,
    .parse = parse,
    .frame_names = dns_frame_names,
    .n_frames = DNS_FRAME_COUNT,
    .tx_count = tx_count,
    .tx_get = tx_get,
    .tx_side = tx_side,
    .tx_release_upto = tx_release_upto,
    .event_names = dns_event_names,
    .n_events = DNS_EV_COUNT,
    .tx_has_event = tx_has_event,
    .event_by_name = dns_event_by_name,
    .eve_type = "dns",
    .eve_no_tx_id = true,
    .log_json = log_json,
    .tx_msg_dir = tx_msg_dir,
};
