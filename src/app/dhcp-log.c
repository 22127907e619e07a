/*
 * dhcp-log.c — the EVE "dhcp" object, as Suricata 8's DHCP logger writes
 * it (rust/src/dhcp/logger.rs): type, id, client_mac, assigned_ip (and
 * extended: client_ip, reply relay_ip / next_server_ip), then the options
 * in the order they came: client_id, lease_time (extended), rebinding_time
 * (extended), renewal_time, subnet_mask (extended), hostname, dhcp_type,
 * requested_ip, params, dns_servers, routers (extended).
 */
#include <stdio.h>

#include "app/dhcp.h"
#include "util/json.h"

static void put_ip(struct json *j, const char *key, const uint8_t *a, uint32_t n)
{
	char buf[16];
	if (n != 4) { /* Suricata prints what is not 4 bytes as empty */
		json_str(j, key, "");
		return;
	}
	snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	json_str(j, key, buf);
}

static void put_hex(struct json *j, const char *key, const uint8_t *d, uint32_t n)
{
	char buf[3 * 255 + 1];
	size_t len = 0;
	for (uint32_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, i ? ":%02x" : "%02x", d[i]);
	buf[len] = '\0';
	json_str(j, key, buf);
}

static void put_ip_list(struct json *j, const char *key, const struct dhcp_opt *o)
{
	json_open_array(j, key);
	for (uint32_t i = 0; i + 4 <= o->len; i += 4)
		put_ip(j, NULL, o->data + i, 4);
	json_close_array(j);
}

static void put_params(struct json *j, const struct dhcp_opt *o)
{
	json_open_array(j, "params");
	for (uint32_t i = 0; i < o->len; i++) {
		const char *p = NULL;
		switch (o->data[i]) {
		case 1: p = "subnet_mask"; break;
		case 3: p = "router"; break;
		case 6: p = "dns_server"; break;
		case 15: p = "domain"; break;
		case 35: p = "arp_timeout"; break;
		case 42: p = "ntp_server"; break;
		case 66: p = "tftp_server_name"; break;
		case 150: p = "tftp_server_ip"; break;
		default: break;
		}
		if (p != NULL)
			json_str(j, NULL, p);
	}
	json_close_array(j);
}

static const char *type_name(uint8_t t)
{
	static const char *const names[] = {"unknown", "discover", "offer", "request", "decline",
					    "ack",     "nak",	   "release", "inform"};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

void dhcp_tx_log_json(struct json *j, const struct dhcp_tx *tx, bool extended)
{
	json_open_object(j, "dhcp");
	json_str(j, "type", tx->opcode == 1 ? "request" : tx->opcode == 2 ? "reply" : "<unknown>");
	json_uint(j, "id", tx->xid);
	put_hex(j, "client_mac", tx->chaddr, 6);
	put_ip(j, "assigned_ip", tx->yiaddr, 4);
	if (extended) {
		put_ip(j, "client_ip", tx->ciaddr, 4);
		if (tx->opcode == 2) {
			put_ip(j, "relay_ip", tx->giaddr, 4);
			put_ip(j, "next_server_ip", tx->siaddr, 4);
		}
	}
	for (uint8_t i = 0; i < tx->n_order; i++) {
		switch (tx->order[i]) {
		case 61:
			if (tx->client_id.present)
				put_hex(j, "client_id", tx->client_id.data, tx->client_id.len);
			break;
		case 51:
			if (extended && tx->has_lease)
				json_uint(j, "lease_time", tx->lease_time);
			break;
		case 59:
			if (extended && tx->has_rebinding)
				json_uint(j, "rebinding_time", tx->rebinding_time);
			break;
		case 58:
			if (tx->has_renewal)
				json_uint(j, "renewal_time", tx->renewal_time);
			break;
		case 1:
			if (extended)
				put_ip(j, "subnet_mask", tx->subnet.data, tx->subnet.len);
			break;
		case 12:
			if (tx->hostname.len > 0)
				json_strn(j, "hostname", tx->hostname.data, tx->hostname.len);
			break;
		case 53:
			if (tx->opt_type.len > 0)
				json_str(j, "dhcp_type", type_name(tx->opt_type.data[0]));
			break;
		case 50:
			if (extended)
				put_ip(j, "requested_ip", tx->requested_ip.data, tx->requested_ip.len);
			break;
		case 55:
			if (extended)
				put_params(j, &tx->params);
			break;
		case 6:
			if (extended)
				put_ip_list(j, "dns_servers", &tx->dns_servers);
			break;
		case 3:
			if (extended)
				put_ip_list(j, "routers", &tx->routers);
			break;
		default: break;
		}
	}
	json_close_object(j);
}
