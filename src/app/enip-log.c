/*
 * enip-log.c — the EVE "enip" object and the names it writes.
 *
 * Layout as Suricata 8's rust/src/enip/logger.rs: "request" and
 * "response", each with the header's command and status (a known name,
 * else "unknown-N") and options when non-zero, then by payload:
 * register_session {protocol_version, options}; cip {service, status,
 * status_extended (hex), status_extended_meaning, path [{segment_type,
 * value}], class_name (of the last class segment), multiple [...]} from
 * the first data item; for a response, list_services {protocol_version,
 * capabilities, service_name} or identity {protocol_version, revision
 * "major.minor", vendor_id, device_type, product_code, status, serial,
 * product_name, state} from the first item.  Names of commands and
 * statuses are Suricata's snake case; CIP names are the CIP
 * specification's; vendor names come from enip-vendors.h (generated).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/enip.h"
#include "util/json.h"

struct enip_name {
	uint32_t code;
	const char *name;
};

#include "app/enip-vendors.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const struct enip_name *t, size_t n, uint32_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

static const struct enip_name commands[] = {
    {ENIP_CMD_NOP, "nop"},
    {ENIP_CMD_LIST_SERVICES, "list_services"},
    {ENIP_CMD_LIST_IDENTITY, "list_identity"},
    {ENIP_CMD_LIST_INTERFACES, "list_interfaces"},
    {ENIP_CMD_REGISTER_SESSION, "register_session"},
    {ENIP_CMD_UNREGISTER_SESSION, "unregister_session"},
    {ENIP_CMD_SEND_RR_DATA, "send_r_r_data"},
    {ENIP_CMD_SEND_UNIT_DATA, "send_unit_data"},
    {ENIP_CMD_INDICATE_STATUS, "indicate_status"},
    {ENIP_CMD_CANCEL, "cancel"},
};

static const struct enip_name statuses[] = {
    {0x00, "success"},
    {0x01, "invalid_cmd"},
    {0x02, "no_resources"},
    {0x03, "incorrect_data"},
    {0x64, "invalid_session"},
    {0x65, "invalid_length"},
    {0x69, "unsupported_prot_rev"},
    {0x6a, "encap_header_error"},
};

const char *enip_command_name(uint16_t cmd)
{
	return name_of(commands, NELEM(commands), cmd);
}

const char *enip_status_name(uint32_t status)
{
	return name_of(statuses, NELEM(statuses), status);
}

static int64_t code_by_name(const struct enip_name *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return t[i].code;
	return -1;
}

int enip_command_by_name(const char *name)
{
	return (int)code_by_name(commands, NELEM(commands), name);
}

int64_t enip_status_by_name(const char *name)
{
	return code_by_name(statuses, NELEM(statuses), name);
}

static const struct enip_name services[] = {
    {0x01, "Get Attributes All"},
    {0x02, "Set Attributes All"},
    {0x03, "Get Attribute List"},
    {0x04, "Set Attribute List"},
    {0x05, "Reset"},
    {0x06, "Start"},
    {0x07, "Stop"},
    {0x08, "Create"},
    {0x09, "Delete"},
    {0x0a, "Multiple Service Packet"},
    {0x0d, "Apply Attributes"},
    {0x0e, "Get Attributes Single"},
    {0x10, "Set Attributes Single"},
    {0x11, "Find Next Object Instance"},
    {0x15, "Restore"},
    {0x16, "Save"},
    {0x17, "No Forward Open"},
    {0x18, "Get Member"},
    {0x19, "Set Member"},
    {0x1a, "Insert Member"},
    {0x1b, "Remove Member"},
    {0x1c, "Group Sync"},
    {0x1d, "Get Connection Point Member List"},
    /* class specific */
    {0x4b, "Execute PCCC Service"},
    {0x4c, "Read Data"},
    {0x4d, "Write Data"},
    {0x4e, "Read Write Modify Data"},
    {0x52, "Read Data Fragmented"},
    {0x53, "Write Data Fragmented"},
    {0x54, "Forward Open"},
};

const char *cip_service_name(uint8_t service)
{
	return name_of(services, NELEM(services), service);
}

static const struct enip_name cip_statuses[] = {
    {0x00, "Success"},
    {0x01, "Connection Failure"},
    {0x02, "Resource Unavailable"},
    {0x03, "Invalid Parameter Value"},
    {0x04, "Path Segment Error"},
    {0x05, "Path Destination Unknown"},
    {0x06, "Partial Transfer"},
    {0x07, "Connection Lost"},
    {0x08, "Service Not Supported"},
    {0x09, "Invalid Attribute Value"},
    {0x0a, "Attribute List Error"},
    {0x0b, "Already In Requested Mode/State"},
    {0x0c, "Object State Conflict"},
    {0x0d, "Object Already Exists"},
    {0x0e, "Attribute Not Settable"},
    {0x0f, "Privilege Violation"},
    {0x10, "Device State Conflict"},
    {0x11, "Reply Data Too Large"},
    {0x12, "Fragmentation Of A Primitive Value"},
    {0x13, "Not Enough Data"},
    {0x14, "Attribute Not Supported"},
    {0x15, "Too Much Data"},
    {0x16, "Object Does Not Exist"},
    {0x17, "Service Fragmentation Sequence Not In Progress"},
    {0x18, "No Stored Attribute Data"},
    {0x19, "Store Operation Failure"},
    {0x1a, "Routing Failure, Request Packet Too Large"},
    {0x1b, "Routing Failure, Response Packet Too Large"},
    {0x1c, "Missing Attribute List Entry Data"},
    {0x1d, "Invalid Attribute Value List"},
    {0x1e, "Embedded Service Error"},
    {0x1f, "Vendor Specific Error"},
    {0x20, "Invalid Parameter"},
    {0x21, "Write-Once Value Or Medium Already Written"},
    {0x22, "Invalid Reply Received"},
    {0x23, "Buffer Overflow"},
    {0x24, "Invalid Message Format"},
    {0x25, "Key Failure In Path"},
    {0x26, "Path Size Invalid"},
    {0x27, "Unexpected Attribute In List"},
    {0x28, "Invalid Member ID"},
    {0x29, "Member Not Settable"},
    {0x2a, "Group 2 Only Server General Failure"},
    {0x2b, "Unknown Modbus Error"},
    {0x2c, "Attribute Not Gettable"},
    {0xff, "Still Processing"},
};

const char *cip_status_name(uint8_t status)
{
	return name_of(cip_statuses, NELEM(cip_statuses), status);
}

/* Connection Manager extended status codes. */
static const struct enip_name ext_statuses[] = {
    {0x100, "Connection in use or duplicate Forward Open"},
    {0x103, "Transport class and trigger combination not supported"},
    {0x106, "Ownership conflict"},
    {0x107, "Target connection not found"},
    {0x108, "Invalid network connection parameter"},
    {0x109, "Invalid connection size"},
    {0x110, "Target for connection not configured"},
    {0x111, "RPI not supported"},
    {0x112, "RPI value(s) not acceptable"},
    {0x113, "Out of connections"},
    {0x114, "Vendor ID or product code mismatch"},
    {0x115, "Device type mismatch"},
    {0x116, "Revision mismatch"},
    {0x117, "Invalid produced or consumed application path"},
    {0x118, "Invalid or inconsistent configuration application path"},
    {0x119, "Non-listen only connection not opened"},
    {0x11a, "Target object out of connections"},
    {0x11b, "RPI is smaller than the production inhibit time"},
    {0x11c, "Transport class not supported"},
    {0x11d, "Production trigger not supported"},
    {0x11e, "Direction not supported"},
    {0x11f, "Invalid O->T Fixed/Variable"},
    {0x120, "Invalid T->O Fixed/Variable"},
    {0x121, "Invalid O->T Priority"},
    {0x122, "Invalid T->O Priority"},
    {0x123, "Invalid O->T connection type"},
    {0x124, "Invalid T->O connection type"},
    {0x125, "Invalid O->T redundant owner"},
    {0x126, "Invalid configuration size"},
    {0x127, "Invalid O->T size"},
    {0x128, "Invalid T->O size"},
    {0x129, "Invalid configuration application path"},
    {0x12a, "Invalid consuming application path"},
    {0x12b, "Invalid producing application path"},
    {0x12c, "Configuration symbol does not exist"},
    {0x12d, "Consuming symbol does not exist"},
    {0x12e, "Producing symbol does not exist"},
    {0x12f, "Inconsistent application path combination"},
    {0x130, "Inconsistent consume data format"},
    {0x131, "Inconsistent produce data format"},
    {0x132, "NULL ForwardOpen not supported"},
    {0x203, "Connection timed out"},
    {0x204, "Unconnected request timed out"},
    {0x205, "Parameter error in unconnected request"},
    {0x206, "Message too large for UnconnectedSend"},
    {0x207, "Unconnected acknowledged without reply"},
    {0x301, "No buffer memory available"},
    {0x302, "Network bandwidth not available for data"},
    {0x303, "No consumed connection ID filter available"},
    {0x304, "Not configured to send scheduled priority data"},
    {0x305, "Schedule signature mismatch"},
    {0x306, "Schedule signature validation not possible"},
    {0x311, "Port not available"},
    {0x312, "Link address not valid"},
    {0x315, "Invalid segment in connection path"},
    {0x316, "ForwardClose connection path mismatch"},
    {0x317, "Scheduling not specified"},
    {0x318, "Link address to self invalid"},
    {0x319, "Secondary resources unavailable"},
    {0x31a, "Rack connection already established"},
    {0x31b, "Module connection already established"},
    {0x31c, "Miscellaneous"},
    {0x31d, "Redundant connection mismatch"},
    {0x31e, "No more user configurable link consumer resources available in the producing "
	    "module"},
    {0x31f, "No more user configurable link consumer resources configured in the producing "
	    "module"},
    {0x800, "Network link offline"},
    {0x801, "Incompatible Multicast RPI"},
    {0x802, "Invalid Safety Connection Size"},
    {0x803, "Invalid Safety Connection Format"},
    {0x804, "Invalid Time Correction Connection Parameters"},
    {0x805, "Invalid Ping Interval EPI Multiplier"},
    {0x806, "Time Coordination Msg Min Multiplier"},
    {0x807, "Network Time Expectation Multiplier"},
    {0x808, "Timeout Multiplier"},
    {0x809, "Invalid Max Consumer Number"},
    {0x80a, "Invalid CPCRC"},
    {0x80b, "Time Correction Connection ID Invalid"},
    {0x80c, "SCID Mismatch"},
    {0x80d, "TUNID not set"},
    {0x80e, "TUNID Mismatch"},
    {0x80f, "Configuration operation not allowed"},
    {0x810, "No target application data available"},
    {0x811, "No originator application data available"},
    {0x812, "Node address has changed since the network was scheduled"},
    {0x813, "Not configured for off-subnet multicast"},
    {0x814, "Invalid produce/consume data format"},
};

const char *cip_ext_status_name(uint16_t ext)
{
	return name_of(ext_statuses, NELEM(ext_statuses), ext);
}

static const struct enip_name classes[] = {
    {0x00, ""},
    {0x01, "Identity"},
    {0x02, "Message Router"},
    {0x03, "DeviceNet"},
    {0x04, "Assembly"},
    {0x05, "Connection"},
    {0x06, "Connection Manager"},
    {0x07, "Register"},
    {0x08, "Discrete Input Point"},
    {0x09, "Discrete Output Point"},
    {0x0a, "Analog Input Point"},
    {0x0b, "Analog Output Point"},
    {0x0e, "Presence Sensing"},
    {0x0f, "Parameter"},
    {0x10, "Parameter Group"},
    {0x12, "Group"},
    {0x1d, "Discrete Input Group"},
    {0x1e, "Discrete Output Group"},
    {0x1f, "Discrete Group"},
    {0x20, "Analog Input Group"},
    {0x21, "Analog Output Group"},
    {0x22, "Analog Group"},
    {0x23, "Position Sensor"},
    {0x24, "Position Controller Supervisor"},
    {0x25, "Position Controller"},
    {0x26, "Block Sequencer"},
    {0x27, "Command Block"},
    {0x28, "Motor Data"},
    {0x29, "Control Supervisor"},
    {0x2a, "AC/DC Drive"},
    {0x2b, "Acknowledge Handler"},
    {0x2c, "Overload"},
    {0x2d, "Softstart"},
    {0x2e, "Selection"},
    {0x30, "S-Device Supervisor"},
    {0x31, "S-Analog Sensor"},
    {0x32, "S-Analog Actuator"},
    {0x33, "S-Single Stage Controller"},
    {0x34, "S-Gas Calibration"},
    {0x35, "Trip Point"},
    {0x37, "File"},
    {0x38, "S-Partial Pressure"},
    {0x39, "Safety Supervisor"},
    {0x3a, "Safety Validator"},
    {0x3b, "Safety Discrete Output Point"},
    {0x3c, "Safety Discrete Output Group"},
    {0x3d, "Safety Discrete Input Point"},
    {0x3e, "Safety Discrete Input Group"},
    {0x3f, "Safety Dual Channel Output"},
    {0x40, "S-Sensor Calibration"},
    {0x41, "Event Log"},
    {0x42, "Motion Device Axis"},
    {0x43, "Time Sync"},
    {0x44, "Modbus"},
    {0x45, "Originator Connection List"},
    {0x46, "Modbus Serial Link"},
    {0x47, "Device Level Ring (DLR)"},
    {0x48, "QoS"},
    {0x49, "Safety Analog Input Point"},
    {0x4a, "Safety Analog Input Group"},
    {0x4b, "Safety Dual Channel Analog Input"},
    {0x4c, "SERCOS III Link"},
    {0x4d, "Target Connection List"},
    {0x4e, "Base Energy"},
    {0x4f, "Electrical Energy"},
    {0x50, "Non-Electrical Energy"},
    {0x51, "Base Switch"},
    {0x52, "SNMP"},
    {0x53, "Power Management"},
    {0x54, "RSTP Bridge"},
    {0x55, "RSTP Port"},
    {0x56, "PRP/HSR Protocol"},
    {0x57, "PRP/HSR Nodes Table"},
    {0x58, "Safety Feedback"},
    {0x59, "Safety Dual Channel Feedback"},
    {0x5a, "Safety Stop Functions"},
    {0x5b, "Safety Limit Functions"},
    {0x5c, "Power Curtailment"},
    {0x5d, "CIP Security"},
    {0x5e, "EtherNet/IP Security"},
    {0x5f, "Certificate Management"},
    {0x67, "PCCC Class"},
    {0xf0, "ControlNet"},
    {0xf1, "ControlNet Keeper"},
    {0xf2, "ControlNet Scheduling"},
    {0xf3, "Connection Configuration"},
    {0xf4, "Port"},
    {0xf5, "TCP/IP Interface"},
    {0xf6, "Ethernet Link"},
    {0xf7, "CompoNet"},
    {0xf8, "CompoNet Repeater"},
};

const char *cip_class_name(uint32_t cls)
{
	return name_of(classes, NELEM(classes), cls);
}

static const struct enip_name device_types[] = {
    {0, "Generic Device (deprecated)"},
    {2, "AC Drive"},
    {3, "Motor Overload"},
    {4, "Limit Switch"},
    {5, "Inductive Proximity Switch"},
    {6, "Photoelectric Sensor"},
    {7, "General Purpose Discrete I/O"},
    {9, "Resolver"},
    {12, "Communications Adapter"},
    {14, "Programmable Logic Controller"},
    {16, "Position Controller"},
    {19, "DC Drive"},
    {21, "Contactor"},
    {22, "Motor Starter"},
    {23, "Soft Start"},
    {24, "Human-Machine Interface"},
    {26, "Mass Flow Controller"},
    {27, "Pneumatic Valve"},
    {28, "Vacuum Pressure Gauge"},
    {29, "Process Control Value"},
    {30, "Residual Gas Analyzer"},
    {31, "DC Power Generator"},
    {32, "RF Power Generator"},
    {33, "Turbomolecular Vacuum Pump"},
    {34, "Encoder"},
    {35, "Safety Discrete I/O Device"},
    {36, "Fluid Flow Controller"},
    {37, "CIP Motion Drive"},
    {38, "CompoNet Repeater"},
    {39, "Mass Flow Controller Enhanced"},
    {40, "CIP Modbus Device"},
    {41, "CIP Modbus Translator"},
    {42, "Safety Analog I/O Device"},
    {43, "Generic Device (keyable)"},
    {44, "Managed Ethernet Switch"},
    {45, "CIP Motion Safety Drive Device"},
    {46, "Safety Drive Device"},
    {47, "CIP Motion Encoder"},
    {48, "CIP Motion Converter"},
    {49, "CIP Motion I/O"},
    {50, "ControlNet Physical Layer Component"},
    {100, "In-Sight 2000 Series"},
    {150, "PowerFlex 525"},
    {200, "Embedded Component"},
    {773, "DataMan Series Reader"},
};

const char *enip_device_type_name(uint16_t type)
{
	return name_of(device_types, NELEM(device_types), type);
}

const char *enip_vendor_name(uint16_t vendor)
{
	size_t lo = 0, hi = NELEM(enip_vendors);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (enip_vendors[mid].code == vendor)
			return enip_vendors[mid].name;
		if (enip_vendors[mid].code < vendor)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ------------------------------------------------------------ writer */

/* A name, or "unknown-N". */
static void put_name(struct json *j, const char *key, const char *name, uint64_t v)
{
	if (name != NULL) {
		json_str(j, key, name);
		return;
	}
	char buf[40];
	snprintf(buf, sizeof(buf), "unknown-%llu", (unsigned long long)v);
	json_str(j, key, buf);
}

static void put_hex(struct json *j, const char *key, const uint8_t *b, uint32_t n)
{
	static const char hex[] = "0123456789abcdef";
	json_str_open(j, key);
	for (uint32_t i = 0; i < n; i++) {
		char h[2] = {hex[b[i] >> 4], hex[b[i] & 0xf]};
		json_append_escaped(j, (const uint8_t *)h, 2);
	}
	json_str_close(j);
}

/* Bytes 1.. of a UTF-8 sequence: the range its second byte must be in. */
static int utf8_need(uint8_t b, uint8_t *lo, uint8_t *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (b >= 0xc2 && b <= 0xdf)
		return 1;
	if (b >= 0xe0 && b <= 0xef) {
		if (b == 0xe0)
			*lo = 0xa0;
		if (b == 0xed)
			*hi = 0x9f;
		return 2;
	}
	if (b >= 0xf0 && b <= 0xf4) {
		if (b == 0xf0)
			*lo = 0x90;
		if (b == 0xf4)
			*hi = 0x8f;
		return 3;
	}
	return -1;
}

/* A string as Rust's from_utf8_lossy makes it (Suricata logs names so):
 * each maximal invalid part becomes U+FFFD. */
static void put_lossy(struct json *j, const char *key, const uint8_t *s, size_t n)
{
	static const uint8_t repl[] = {0xef, 0xbf, 0xbd};
	json_str_open(j, key);
	size_t i = 0;
	while (i < n) {
		if (s[i] < 0x80) {
			json_append_escaped(j, s + i, 1);
			i++;
			continue;
		}
		uint8_t lo, hi;
		int need = utf8_need(s[i], &lo, &hi);
		size_t k = 1;
		bool ok = need > 0;
		for (int c = 0; ok && c < need; c++) {
			uint8_t b = i + k < n ? s[i + k] : 0;
			if (i + k >= n || b < (c == 0 ? lo : 0x80) || b > (c == 0 ? hi : 0xbf))
				ok = false;
			else
				k++;
		}
		json_append_escaped(j, ok ? s + i : repl, ok ? k : sizeof(repl));
		i += k;
	}
	json_str_close(j);
}

static const char *segment_kind(uint8_t type)
{
	switch (type >> 2) {
	case CIP_SEG_CLASS: return "class";
	case CIP_SEG_INSTANCE: return "instance";
	case CIP_SEG_ATTRIBUTE: return "attribute";
	default: return NULL;
	}
}

static void log_cip(struct json *j, const struct enip_cip *c);

static void log_multiple(struct json *j, const struct enip_cip *c)
{
	if (!c->multiple || c->n_multi == 0)
		return;
	json_open_array(j, "multiple");
	for (uint16_t i = 0; i < c->n_multi; i++) {
		json_open_object(j, NULL);
		log_cip(j, &c->multi[i]);
		json_close_object(j);
	}
	json_close_array(j);
}

static void log_path(struct json *j, const struct enip_cip *c)
{
	if (c->n_path == 0)
		return;
	json_open_array(j, "path");
	for (uint16_t i = 0; i < c->n_path; i++) {
		json_open_object(j, NULL);
		put_name(j, "segment_type", segment_kind(c->path[i].type), c->path[i].type);
		json_uint(j, "value", c->path[i].value);
		json_close_object(j);
	}
	json_close_array(j);
	for (uint16_t i = c->n_path; i-- > 0;) {
		if ((c->path[i].type & 0xfc) == 0x20) {
			put_name(j, "class_name", cip_class_name(c->path[i].value),
				 c->path[i].value);
			break;
		}
	}
}

static void log_cip(struct json *j, const struct enip_cip *c)
{
	put_name(j, "service", cip_service_name(c->service), c->service);
	if (c->response) {
		put_name(j, "status", cip_status_name(c->status), c->status);
		if (c->ext_len > 0) {
			put_hex(j, "status_extended", c->ext, c->ext_len);
			if (c->ext_len == 2) {
				const char *m =
				    cip_ext_status_name((uint16_t)(c->ext[0] | (c->ext[1] << 8)));
				if (m != NULL)
					json_str(j, "status_extended_meaning", m);
			}
		}
	} else {
		log_path(j, c);
	}
	log_multiple(j, c);
}

static void log_identity(struct json *j, const struct enip_identity *id)
{
	json_open_object(j, "identity");
	json_uint(j, "protocol_version", id->protocol_version);
	char rev[8];
	snprintf(rev, sizeof(rev), "%u.%u", id->revision_major, id->revision_minor);
	json_str(j, "revision", rev);
	put_name(j, "vendor_id", enip_vendor_name(id->vendor_id), id->vendor_id);
	put_name(j, "device_type", enip_device_type_name(id->device_type), id->device_type);
	json_uint(j, "product_code", id->product_code);
	json_uint(j, "status", id->status);
	json_uint(j, "serial", id->serial);
	put_lossy(j, "product_name", id->product_name, id->name_len);
	json_uint(j, "state", id->state);
	json_close_object(j);
}

static void log_services(struct json *j, const struct enip_services *sv)
{
	json_open_object(j, "list_services");
	json_uint(j, "protocol_version", sv->protocol_version);
	json_uint(j, "capabilities", sv->capabilities);
	put_lossy(j, "service_name", sv->service_name, sizeof(sv->service_name));
	json_close_object(j);
}

static void log_pdu(struct json *j, const char *key, const struct enip_pdu *p, bool response)
{
	json_open_object(j, key);
	put_name(j, "command", enip_command_name(p->h.cmd), p->h.cmd);
	put_name(j, "status", enip_status_name(p->h.status), p->h.status);
	if (p->h.options != 0)
		json_uint(j, "options", p->h.options);
	switch (p->payload) {
	case ENIP_PL_CIP:
		if (p->has_cip) {
			json_open_object(j, "cip");
			log_cip(j, &p->cip);
			json_close_object(j);
		}
		break;
	case ENIP_PL_REGISTER_SESSION:
		json_open_object(j, "register_session");
		json_uint(j, "protocol_version", p->rs_version);
		json_uint(j, "options", p->rs_options);
		json_close_object(j);
		break;
	case ENIP_PL_LIST_SERVICES:
		if (response && p->has_services)
			log_services(j, &p->services);
		break;
	case ENIP_PL_LIST_IDENTITY:
		if (response && p->has_identity)
			log_identity(j, &p->identity);
		break;
	default: break;
	}
	json_close_object(j);
}

void enip_tx_log_json(struct json *j, const struct enip_tx *tx)
{
	json_open_object(j, "enip");
	if (tx->request != NULL)
		log_pdu(j, "request", tx->request, false);
	if (tx->response != NULL)
		log_pdu(j, "response", tx->response, true);
	json_close_object(j);
}
