/*
 * dhcp.c — the DHCP parser (API and bounds in app/dhcp.h): the BOOTP
 * header, the magic cookie, the options up to END, one transaction per
 * datagram; the descriptor, whose settings say whether EVE logs every
 * message (extended) or, as Suricata by default, only the ACKs.  No byte
 * past the datagram is read.
 */
#include "app/dhcp.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/config.h"
#include "util/json.h"

const char *const dhcp_event_names[DHCP_EV_COUNT] = {
    [DHCP_EV_TRUNCATED_OPTIONS] = "truncated_options",
    [DHCP_EV_MALFORMED_OPTIONS] = "malformed_options",
};

enum {
	OPT_PAD = 0, OPT_SUBNET_MASK = 1, OPT_ROUTERS = 3, OPT_DNS_SERVER = 6, OPT_HOSTNAME = 12,
	OPT_REQUESTED_IP = 50, OPT_ADDRESS_TIME = 51, OPT_TYPE = 53, OPT_PARAMETER_LIST = 55,
	OPT_RENEWAL_TIME = 58, OPT_REBINDING_TIME = 59, OPT_CLIENT_ID = 61, OPT_END = 255,
};
#define DHCP_TYPE_ACK 5

struct dhcp_state {
	bool extended;
	struct dhcp_tx *txs[DHCP_MAX_TXS];
	uint32_t n_txs;
	uint64_t next_id;
};

static const uint8_t magic[4] = {99, 130, 83, 99};

enum app_probe_result dhcp_probe(const uint8_t *d, uint32_t n)
{
	if (n < DHCP_HEADER_LEN + 4)
		return APP_PROBE_NO;
	if ((d[0] != 1 && d[0] != 2) || memcmp(d + DHCP_HEADER_LEN, magic, 4) != 0)
		return APP_PROBE_NO;
	return APP_PROBE_MATCH;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void opt_keep(struct dhcp_opt *o, const uint8_t *d, uint8_t len)
{
	o->present = true;
	o->len = len;
	memcpy(o->data, d, len);
}

static void read_options(struct dhcp_tx *tx, const uint8_t *d, uint32_t n)
{
	uint32_t off = 0;
	while (off < n) {
		uint8_t code = d[off++];
		if (code == OPT_END)
			return;
		if (code == OPT_PAD)
			continue;
		if (off >= n) {
			tx->events |= 1u << DHCP_EV_TRUNCATED_OPTIONS;
			return;
		}
		uint8_t len = d[off++];
		if (n - off < len) {
			tx->events |= 1u << DHCP_EV_TRUNCATED_OPTIONS;
			return;
		}
		const uint8_t *v = d + off;
		off += len;
		if (tx->n_order < sizeof(tx->order))
			tx->order[tx->n_order++] = code;
		switch (code) {
		case OPT_SUBNET_MASK: opt_keep(&tx->subnet, v, len); break;
		case OPT_ROUTERS: opt_keep(&tx->routers, v, len); break;
		case OPT_DNS_SERVER: opt_keep(&tx->dns_servers, v, len); break;
		case OPT_HOSTNAME: opt_keep(&tx->hostname, v, len); break;
		case OPT_REQUESTED_IP: opt_keep(&tx->requested_ip, v, len); break;
		case OPT_TYPE: opt_keep(&tx->opt_type, v, len); break;
		case OPT_PARAMETER_LIST: opt_keep(&tx->params, v, len); break;
		case OPT_CLIENT_ID:
			if (len < 1) {
				tx->events |= 1u << DHCP_EV_MALFORMED_OPTIONS;
				break;
			}
			opt_keep(&tx->client_id, v + 1, (uint8_t)(len - 1)); /* after htype */
			break;
		case OPT_ADDRESS_TIME:
		case OPT_RENEWAL_TIME:
		case OPT_REBINDING_TIME:
			if (len != 4) {
				tx->events |= 1u << DHCP_EV_MALFORMED_OPTIONS;
				break;
			}
			if (code == OPT_ADDRESS_TIME) {
				tx->has_lease = true;
				tx->lease_time = be32(v);
			} else if (code == OPT_RENEWAL_TIME) {
				tx->has_renewal = true;
				tx->renewal_time = be32(v);
			} else {
				tx->has_rebinding = true;
				tx->rebinding_time = be32(v);
			}
			break;
		default: break;
		}
	}
}

enum app_parse_result dhcp_parse(struct dhcp_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n)
{
	if (dhcp_probe(d, n) != APP_PROBE_MATCH)
		return APP_PARSE_OK; /* not a DHCP message: nothing to make */
	struct dhcp_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return APP_PARSE_ERROR;
	if (s->n_txs == DHCP_MAX_TXS) {
		free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (DHCP_MAX_TXS - 1) * sizeof(s->txs[0]));
		s->n_txs--;
	}
	tx->id = s->next_id++;
	tx->dir = dir;
	tx->opcode = d[0];
	tx->xid = be32(d + 4);
	memcpy(tx->ciaddr, d + 12, 4);
	memcpy(tx->yiaddr, d + 16, 4);
	memcpy(tx->siaddr, d + 20, 4);
	memcpy(tx->giaddr, d + 24, 4);
	memcpy(tx->chaddr, d + 28, 6);
	read_options(tx, d + DHCP_HEADER_LEN + 4, n - DHCP_HEADER_LEN - 4);
	s->txs[s->n_txs++] = tx;
	return APP_PARSE_OK;
}

struct dhcp_state *dhcp_state_new(bool extended)
{
	struct dhcp_state *s = calloc(1, sizeof(*s));
	if (s != NULL)
		s->extended = extended;
	return s;
}

void dhcp_state_free(struct dhcp_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		free(s->txs[i]);
	free(s);
}

uint64_t dhcp_tx_count(const struct dhcp_state *s)
{
	return s->next_id;
}

const struct dhcp_tx *dhcp_tx_get(const struct dhcp_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct dhcp_tx, id));
}

static void dhcp_release_upto(struct dhcp_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(s->txs[0]));
		s->n_txs -= k;
	}
}

/* ------------------------------------------------------------ settings */

/*
 * Whether the eve-log's dhcp type is extended (outputs.N.eve-log.types:
 * - dhcp: {extended: yes}): Suricata then logs every message, else only
 * the ACKs.  Read from the configuration tree, as the logger's choice
 * decides which transactions are logged at all.
 */
static bool *settings_new_flag(bool v)
{
	bool *b = malloc(sizeof(*b));
	if (b != NULL)
		*b = v;
	return b;
}

static void *settings_new(const struct config_node *root)
{
	const struct config_node *outs = config_get(root, "outputs");
	for (size_t i = 0; outs != NULL && i < outs->nchild; i++) {
		const struct config_node *eve = config_child(outs->child[i], "eve-log");
		const struct config_node *types = eve ? config_child(eve, "types") : NULL;
		for (size_t k = 0; types != NULL && k < types->nchild; k++) {
			const struct config_node *t = config_child(types->child[k], "dhcp");
			if (t != NULL && t->kind == CONFIG_MAP)
				return settings_new_flag(config_get_bool(t, "extended", false));
		}
	}
	return settings_new_flag(false);
}

static void settings_free(void *cfg)
{
	free(cfg);
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe_port(const struct app_probe_in *in, const uint8_t *d,
					  uint32_t n)
{
	return in->tcp ? APP_PROBE_NO : dhcp_probe(d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	const bool *ext = fi->cfg;
	return dhcp_state_new(ext != NULL && *ext);
}

static void d_state_free(void *st)
{
	dhcp_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	(void)flags;
	return n == 0 ? APP_PARSE_OK : dhcp_parse(st, dir, d, n);
}

static uint64_t d_tx_count(const void *st)
{
	return dhcp_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return dhcp_tx_get(st, id);
}

static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	(void)eof;
	return ((const struct dhcp_tx *)vtx)->dir == dir ? APP_SIDE_READY : APP_SIDE_NONE;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	(void)flow_end;
	const struct dhcp_state *s = st;
	const struct dhcp_tx *tx = vtx;
	if (s->extended)
		return APP_LOG_NOW;
	return tx->opt_type.present && tx->opt_type.len > 0 && tx->opt_type.data[0] == DHCP_TYPE_ACK
		   ? APP_LOG_NOW
		   : APP_LOG_SKIP;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	dhcp_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *vtx, int ev)
{
	(void)st;
	return ev >= 0 && ev < DHCP_EV_COUNT &&
	       (((const struct dhcp_tx *)vtx)->events & (1u << ev));
}

static int d_tx_msg_dir(const void *vtx)
{
	return ((const struct dhcp_tx *)vtx)->dir;
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	const struct dhcp_state *s = st;
	dhcp_tx_log_json(j, tx, s->extended || (opts & DHCP_LOG_EXTENDED));
}

static uint32_t d_eve_options(const struct config_node *opts)
{
	return config_get_bool(opts, "extended", false) ? DHCP_LOG_EXTENDED : 0;
}

const struct app_protocol app_dhcp = {
    .name = "dhcp",
    .ipprotos = APP_IPPROTO_UDP,
    .udp_ports = "67,68",
    .probe_port = d_probe_port,
    .config_new = settings_new,
    .config_free = settings_free,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = dhcp_event_names,
    .n_events = DHCP_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "dhcp",
    .log_json = d_log_json,
    .eve_options = d_eve_options,
    .eve_no_tx_id = true,
    .eve_dir_packet = true,
    .tx_msg_dir = d_tx_msg_dir,
};
