/*
 * dns-proto — DNS's entry in the protocol table: recognised by port 53
 * (TCP and UDP, as Suricata's detection-ports), one transaction per
 * message, each of one direction (a query has no response side and the
 * other way round), logged as soon as it is parsed.  The parser itself is
 * dns.c.
 */
#include "app/dns.h"

#include <stdlib.h>
#include <string.h>

#include "util/config.h"

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

/* EVE dns version (Suricata's eve-log dns `version`, 3 by default; the
 * SURICATA_EVE_DNS_VERSION environment variable overrides it, as in
 * Suricata's output-json-dns.c). */
enum { DNS_OPT_V2 = 1u << 0 };

static int env_version(void)
{
	const char *v = getenv("SURICATA_EVE_DNS_VERSION");
	return v != NULL && (strcmp(v, "2") == 0 || strcmp(v, "3") == 0) ? atoi(v) : 0;
}

static uint32_t eve_options(const struct config_node *opts)
{
	int v = env_version();
	if (v == 0)
		v = (int)config_get_int(opts, "version", 3);
	return v == 2 ? DNS_OPT_V2 : 0;
}

static bool v2(uint32_t opts)
{
	return (opts & DNS_OPT_V2) || env_version() == 2;
}

/* Version 2 logs a request's queries one event each. */
static uint32_t eve_parts(const void *vtx, uint32_t opts)
{
	const struct dns_tx *tx = vtx;
	if (!v2(opts))
		return 1;
	return tx->request ? (uint32_t)tx->n_queries : 1;
}

static void log_json(struct json *j, const void *s, const void *vtx, uint32_t opts)
{
	const struct dns_tx *tx = vtx;
	if (!v2(opts))
		dns_tx_log_json(j, tx, (enum app_dir)tx_msg_dir(tx));
	else if (tx->request)
		dns_tx_log_json_v2_query(j, tx, APP_EVE_PART(opts));
	else
		dns_tx_log_json_v2_answer(j, tx);
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
    .eve_options = eve_options,
    .eve_parts = eve_parts,
    .tx_msg_dir = tx_msg_dir,
};
