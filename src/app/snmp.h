/*
 * snmp.h — SNMP v1, v2c and v3 over UDP (161, 162), as Suricata 8 parses
 * it (rust/src/snmp/): one transaction per message, with its version,
 * PDU type, error status, v1 trap fields, the variable bindings' OIDs,
 * the community (v1/v2c) or the USM user name (v3); a v3 message whose
 * scoped PDU is encrypted is only "encrypted".
 *
 * Bounds: at most SNMP_MAX_VARS OIDs per message (the rest counted, not
 * kept), each OID and the community / user name cut at SNMP_MAX_STR
 * bytes; at most SNMP_MAX_TXS live transactions per flow (the oldest go).
 */
#ifndef VIGIL_APP_SNMP_H
#define VIGIL_APP_SNMP_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define SNMP_MAX_VARS 64
#define SNMP_MAX_STR 256
#define SNMP_MAX_TXS 256

enum snmp_event {
	SNMP_EV_MALFORMED_DATA,
	SNMP_EV_UNKNOWN_SECURITY_MODEL,
	SNMP_EV_VERSION_MISMATCH,
	SNMP_EV_COUNT,
};
extern const char *const snmp_event_names[SNMP_EV_COUNT];

struct snmp_str {
	char *p; /* NUL-terminated copy */
	uint32_t len;
};

struct snmp_tx {
	uint64_t id;
	enum app_dir dir;
	uint32_t version;     /* the flow's: 1, 2 or 3 (Suricata logs the state's) */
	uint32_t msg_version; /* this message's */
	bool has_pdu;	      /* a cleartext PDU was read */
	bool encrypted;
	uint32_t pdu_type; /* context tag: 0 get_request ... 8 report */
	uint32_t error_status;
	bool trap;	   /* v1 trap fields below */
	uint32_t generic_trap;
	struct snmp_str trap_oid;
	uint8_t trap_addr[4];
	struct snmp_str vars[SNMP_MAX_VARS];
	uint32_t n_vars;
	bool has_community, has_usm;
	struct snmp_str community;
	struct snmp_str usm;
	uint32_t events;
};

struct snmp_state;
struct snmp_state *snmp_state_new(void);
void snmp_state_free(struct snmp_state *s);
/* One datagram (one message). */
enum app_parse_result snmp_parse(struct snmp_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n);
uint64_t snmp_tx_count(const struct snmp_state *s);
const struct snmp_tx *snmp_tx_get(const struct snmp_state *s, uint64_t id);
void snmp_tx_release_upto(struct snmp_state *s, uint64_t id);

/* The message's version (1, 2, 3) from its envelope; NEED_MORE / NO. */
enum app_probe_result snmp_probe(const uint8_t *d, uint32_t n);

struct json;
void snmp_tx_log_json(struct json *j, const struct snmp_tx *tx);

#endif
