/*
 * enip — EtherNet/IP encapsulation and the CIP messages it carries, over
 * TCP and UDP port 44818, as Suricata 8 parses them (rust/src/enip/):
 * one transaction per request, with the response that answers it.
 *
 * What it sees: the 24-byte encapsulation header (command, length,
 * session handle, status, sender context, options); RegisterSession's
 * protocol version and options; the Common Packet Format items of
 * ListIdentity, ListServices, ListInterfaces, SendRRData and SendUnitData
 * (identity, services, connected and unconnected data items); and the CIP
 * message of a data item: service (the response bit split off), the
 * request path's logical segments (class, instance, attribute, ...),
 * Get/Set Attribute List attributes, the response's general and
 * extended status, and the embedded messages of a Multiple Service
 * Packet (one level, as Suricata).  The embedded message of an
 * Unconnected Send is not decoded, as in Suricata 8.
 *
 * Transactions follow Suricata: a request opens one; a response goes to
 * the first open request with the same command and session handle (any
 * session for RegisterSession) whose CIP sequence numbers agree, and
 * every open request looked at on the way is closed ("done"); a response
 * that answers nothing opens a transaction of its own.  A PDU whose
 * payload does not parse keeps its header and raises invalid_pdu.
 *
 * Framing: TCP is a byte stream of PDUs in any split; an incomplete PDU
 * is buffered (at most 24 + 65535 bytes per direction, the largest a
 * header can announce).  After a gap a direction resumes at a chunk that
 * starts with a plausible header; bytes handed in with APP_CHUNK_EOF are
 * not parsed (Suricata's parser returns once the direction's end is
 * flagged).  UDP: one PDU per datagram, a datagram shorter than its
 * header says is an error.
 *
 * Bounds: ENIP_MAX_TX live transactions (Suricata's default of
 * app-layer.protocols.enip.max-tx, which sets it; past
 * it every open transaction is closed, too_many_transactions is raised
 * and the PDU is dropped), ENIP_STATE_MEMCAP bytes of decoded PDUs per
 * flow (handled like max-tx), and per CIP message at most
 * ENIP_MAX_PATH_SEGMENTS path segments, ENIP_MAX_ATTRS attributes and
 * ENIP_MAX_MULTI embedded messages kept (the rest is still checked, and
 * counted in enip_state_truncated()).  Nothing is read past the length
 * handed to a parse call.
 */
#ifndef VIGIL_APP_ENIP_H
#define VIGIL_APP_ENIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define ENIP_HEADER_LEN 24
#define ENIP_PORT 44818
#define ENIP_MAX_TX 1024	     /* live transactions per flow */
#define ENIP_STATE_MEMCAP (4u << 20) /* bytes of decoded PDUs per flow */
#define ENIP_MAX_PATH_SEGMENTS 32    /* path segments kept per CIP message */
#define ENIP_MAX_ATTRS 32	     /* Get Attribute List attributes kept */
#define ENIP_MAX_MULTI 32	     /* Multiple Service Packet messages kept */
#define ENIP_TCP_BUF_MAX (ENIP_HEADER_LEN + 65535u)

/* Encapsulation commands. */
enum {
	ENIP_CMD_NOP = 0x00,
	ENIP_CMD_LIST_SERVICES = 0x04,
	ENIP_CMD_LIST_IDENTITY = 0x63,
	ENIP_CMD_LIST_INTERFACES = 0x64,
	ENIP_CMD_REGISTER_SESSION = 0x65,
	ENIP_CMD_UNREGISTER_SESSION = 0x66,
	ENIP_CMD_SEND_RR_DATA = 0x6f,
	ENIP_CMD_SEND_UNIT_DATA = 0x70,
	ENIP_CMD_INDICATE_STATUS = 0x72,
	ENIP_CMD_CANCEL = 0x73,
};

/* Common Packet Format item types Suricata decodes. */
enum {
	ENIP_ITEM_IDENTITY = 0x000c,
	ENIP_ITEM_CONNECTED_DATA = 0x00b1,
	ENIP_ITEM_UNCONNECTED_DATA = 0x00b2,
	ENIP_ITEM_SERVICES = 0x0100,
};

/* CIP services with a payload of their own. */
enum {
	CIP_SVC_GET_ATTR_LIST = 0x03,
	CIP_SVC_SET_ATTR_LIST = 0x04,
	CIP_SVC_MULTIPLE = 0x0a,
};

/* App-layer events, named as Suricata's enip-events.rules. */
enum enip_event { ENIP_EV_TOO_MANY_TRANSACTIONS, ENIP_EV_INVALID_PDU, ENIP_EV_COUNT };

struct enip_header {
	uint16_t cmd;
	uint16_t len; /* bytes after the header */
	uint32_t session;
	uint32_t status;
	uint64_t context;
	uint32_t options;
};

/* A logical path segment: type byte (0x20 class, 0x24 instance, 0x30
 * attribute, low two bits the value's size) and value. */
struct enip_segment {
	uint8_t type;
	uint32_t value;
};

/* Segment kinds, as type >> 2. */
enum { CIP_SEG_CLASS = 8, CIP_SEG_INSTANCE = 9, CIP_SEG_ATTRIBUTE = 12 };

/* What follows a request's path. */
enum enip_req_payload {
	CIP_REQ_OTHER = 0,
	CIP_REQ_GET_ATTR_LIST,
	CIP_REQ_SET_ATTR_LIST,
	CIP_REQ_MULTIPLE,
};

/* One CIP message (a data item's, or one of a Multiple Service Packet). */
struct enip_cip {
	uint8_t service; /* without the response bit */
	bool response;
	/* request */
	struct enip_segment *path;
	uint16_t n_path;
	enum enip_req_payload req_payload;
	uint16_t *attrs; /* Get Attribute List */
	uint16_t n_attrs;
	bool has_first_attr; /* Set Attribute List's first attribute */
	uint16_t first_attr;
	/* response */
	uint8_t status;
	uint8_t ext_len;
	uint8_t *ext; /* extended status bytes, as sent */
	/* Multiple Service Packet (request or response) */
	bool multiple;
	struct enip_cip *multi;
	uint16_t n_multi;
};

/* ListIdentity's identity item. */
struct enip_identity {
	uint16_t protocol_version;
	uint16_t vendor_id;
	uint16_t device_type;
	uint16_t product_code;
	uint8_t revision_major, revision_minor;
	uint16_t status;
	uint32_t serial;
	uint8_t name_len;
	uint8_t product_name[256];
	uint8_t state;
};

/* ListServices' services item. */
struct enip_services {
	uint16_t protocol_version;
	uint16_t capabilities;
	uint8_t service_name[16];
};

/* What the payload after the header was decoded as. */
enum enip_payload {
	ENIP_PL_NONE = 0, /* not decoded (other commands, empty, or invalid) */
	ENIP_PL_CIP,	  /* SendRRData / SendUnitData */
	ENIP_PL_LIST_IDENTITY,
	ENIP_PL_LIST_SERVICES,
	ENIP_PL_LIST_INTERFACES,
	ENIP_PL_REGISTER_SESSION,
};

/* One encapsulation PDU. */
struct enip_pdu {
	struct enip_header h;
	enum enip_payload payload;
	bool invalid; /* the payload of a decoded command did not parse */
	/* RegisterSession */
	uint16_t rs_version, rs_options;
	/* CPF items (CIP and list payloads) */
	uint16_t n_items;
	uint16_t item1_type; /* second item's type (response pairing) */
	uint16_t item1_seq;  /* ... and its sequence number when connected data */
	/* the first data item's CIP message (CIP payloads) */
	bool has_cip;
	struct enip_cip cip;
	/* the first item, when it is an identity / services item */
	bool has_identity;
	struct enip_identity identity;
	bool has_services;
	struct enip_services services;
	size_t mem;
};

struct enip_tx {
	uint64_t tx_id; /* 0, 1, ... in the order transactions were opened */
	struct enip_pdu *request;
	struct enip_pdu *response;
	bool done;	/* closed without (or before) its response */
	uint8_t events; /* bit (1 << enip_event) */
};

struct enip_state;

/*
 * Suricata's probe: at least a whole header (tcp: fewer bytes need more;
 * udp: not ENIP), a known status and command, Nop without options,
 * RegisterSession of length 4, UnregisterSession of length 0 or 4, and a
 * ListInterfaces whose following interface count and list are there.
 */
enum app_probe_result enip_probe(const uint8_t *d, uint32_t n, bool tcp);

struct enip_state *enip_state_new(bool tcp);
/* app-layer.protocols.enip.max-tx (default ENIP_MAX_TX). */
void enip_state_set_max_tx(struct enip_state *s, uint32_t max_tx);
void enip_state_free(struct enip_state *s);

/*
 * Feeds one direction: a UDP datagram, or TCP stream bytes in any split.
 * flags: APP_CHUNK_GAP drops a partial PDU and resumes at a chunk that
 * probes as ENIP.  APP_PARSE_ERROR: a UDP datagram shorter than its PDU.
 */
enum app_parse_result enip_parse(struct enip_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n, uint32_t flags);

/* ---- Transactions ---- */
uint64_t enip_tx_count(const struct enip_state *s); /* transactions ever opened */
const struct enip_tx *enip_tx_get(const struct enip_state *s, uint64_t tx_id); /* NULL: released */
size_t enip_tx_live(const struct enip_state *s);
void enip_tx_release_upto(struct enip_state *s, uint64_t tx_id); /* frees ids < tx_id */
size_t enip_state_memuse(const struct enip_state *s);
uint64_t enip_state_truncated(const struct enip_state *s); /* CIP lists cut by the caps */
bool enip_tx_has_event(const struct enip_tx *tx, enum enip_event ev);
const char *enip_event_name(enum enip_event ev);

/* ---- Names (EVE, keyword values) ---- */
/* "list_identity", ..., NULL when unknown (Suricata's snake case names). */
const char *enip_command_name(uint16_t cmd);
const char *enip_status_name(uint32_t status);
int enip_command_by_name(const char *name); /* case-insensitive; -1 when unknown */
int64_t enip_status_by_name(const char *name);
const char *cip_service_name(uint8_t service);
const char *cip_status_name(uint8_t status);
const char *cip_class_name(uint32_t cls);
const char *cip_ext_status_name(uint16_t ext);
const char *enip_vendor_name(uint16_t vendor);
const char *enip_device_type_name(uint16_t type);

/* ---- Detection accessors ---- */
/* The PDU of a direction (request to server, response to client). */
const struct enip_pdu *enip_tx_pdu(const struct enip_tx *tx, enum app_dir dir);
/* The CIP message of a PDU's first data item, or NULL. */
const struct enip_cip *enip_pdu_cip(const struct enip_pdu *pdu);
/* The response's ListIdentity identity / ListServices item, or NULL. */
const struct enip_identity *enip_tx_identity(const struct enip_tx *tx);
const struct enip_services *enip_tx_services(const struct enip_tx *tx);
/* RegisterSession's version (either side), ListServices / ListIdentity's
 * (response); false when the PDU has none. */
bool enip_tx_protocol_version(const struct enip_tx *tx, enum app_dir dir, uint16_t *v);

/* ---- EVE ---- */
/* Suricata 8's "enip":{"request":{...},"response":{...}} object. */
void enip_tx_log_json(struct json *j, const struct enip_tx *tx);

extern const struct app_protocol app_enip;

#endif
