/*
 * dhcp.h — DHCP (BOOTP with DHCP options) over UDP 67/68, as Suricata 8
 * parses it (rust/src/dhcp/): one transaction per message, its BOOTP
 * header and the options Suricata logs and matches (message type, client
 * id, host name, requested IP, parameter list, lease / renewal /
 * rebinding times, subnet mask, routers, DNS servers).
 *
 * Bounds: the 236-byte header and the options are read within the
 * datagram only; option payloads are copied up to 255 bytes (their own
 * limit); at most DHCP_MAX_TXS live transactions per flow (the oldest go).
 */
#ifndef VIGIL_APP_DHCP_H
#define VIGIL_APP_DHCP_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define DHCP_MAX_TXS 64
#define DHCP_HEADER_LEN 236

enum dhcp_event {
	DHCP_EV_TRUNCATED_OPTIONS,
	DHCP_EV_MALFORMED_OPTIONS,
	DHCP_EV_COUNT,
};
extern const char *const dhcp_event_names[DHCP_EV_COUNT];

/* An option's payload (len 0 and p unset: absent). */
struct dhcp_opt {
	bool present;
	uint8_t len;
	uint8_t data[255];
};

struct dhcp_tx {
	uint64_t id;
	enum app_dir dir;
	uint8_t opcode; /* 1 request, 2 reply */
	uint32_t xid;
	uint8_t chaddr[6];
	uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
	/* options, in the order they came (for the EVE object) */
	uint8_t order[64];
	uint8_t n_order;
	struct dhcp_opt opt_type, client_id, hostname, requested_ip, params, subnet, routers,
	    dns_servers;
	bool has_lease, has_renewal, has_rebinding;
	uint32_t lease_time, renewal_time, rebinding_time;
	uint32_t events;
};

/* EVE options: extended logging (all messages, every field). */
#define DHCP_LOG_EXTENDED 1u

struct dhcp_state;
struct dhcp_state *dhcp_state_new(bool extended);
void dhcp_state_free(struct dhcp_state *s);
enum app_parse_result dhcp_parse(struct dhcp_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n);
uint64_t dhcp_tx_count(const struct dhcp_state *s);
const struct dhcp_tx *dhcp_tx_get(const struct dhcp_state *s, uint64_t id);
enum app_probe_result dhcp_probe(const uint8_t *d, uint32_t n);

struct json;
void dhcp_tx_log_json(struct json *j, const struct dhcp_tx *tx, bool extended);

#endif
