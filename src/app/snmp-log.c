/*
 * snmp-log.c — the EVE "snmp" object, as Suricata 8's SNMP logger writes it
 * (rust/src/snmp/log.rs): the flow's version, then "encrypted" alone for
 * an encrypted v3 PDU, else the PDU type, the error status when not
 * noError, the v1 trap's type, enterprise OID and agent address, the
 * variable bindings' OIDs, the community and the USM user name.
 */
#include <stdio.h>

#include "app/snmp.h"
#include "util/json.h"

static const char *pdu_name(uint32_t t, char *buf, size_t len)
{
	static const char *const names[] = {
	    "get_request",   "get_next_request", "response",       "set_request", "trap_v1",
	    "get_bulk_request", "inform_request", "trap_v2", "report",
	};
	if (t < sizeof(names) / sizeof(names[0]))
		return names[t];
	snprintf(buf, len, "Unknown(0x%x)", t);
	return buf;
}

/* snmp-parser's names (RFC 3416 error-status, RFC 1157 generic-trap). */
static const char *error_name(uint32_t e, char *buf, size_t len)
{
	static const char *const names[] = {
	    "NoError",	     "TooBig",		  "NoSuchName",	       "BadValue",
	    "ReadOnly",	     "GenErr",		  "NoAccess",	       "WrongType",
	    "WrongLength",   "WrongEncoding",	  "WrongValue",	       "NoCreation",
	    "InconsistentValue", "ResourceUnavailable", "CommitFailed",   "UndoFailed",
	    "AuthorizationError", "NotWritable",   "InconsistentName",
	};
	if (e < sizeof(names) / sizeof(names[0]))
		return names[e];
	snprintf(buf, len, "ErrorStatus(%u)", e);
	return buf;
}

static const char *trap_name(uint32_t t, char *buf, size_t len)
{
	static const char *const names[] = {
	    "coldStart", "warmStart", "linkDown", "linkUp", "authenticationFailure",
	    "egpNeighborLoss", "enterpriseSpecific",
	};
	if (t < sizeof(names) / sizeof(names[0]))
		return names[t];
	snprintf(buf, len, "TrapType(%u)", t);
	return buf;
}

static void put_str(struct json *j, const char *key, const struct snmp_str *s)
{
	json_strn(j, key, (const uint8_t *)(s->p ? s->p : ""), s->len);
}

void snmp_tx_log_json(struct json *j, const struct snmp_tx *tx)
{
	char buf[32];
	json_open_object(j, "snmp");
	json_uint(j, "version", tx->version);
	if (tx->encrypted) {
		json_str(j, "pdu_type", "encrypted");
		json_close_object(j);
		return;
	}
	if (tx->has_pdu) {
		json_str(j, "pdu_type", pdu_name(tx->pdu_type, buf, sizeof(buf)));
		if (tx->error_status != 0)
			json_str(j, "error", error_name(tx->error_status, buf, sizeof(buf)));
		if (tx->trap) {
			json_str(j, "trap_type", trap_name(tx->generic_trap, buf, sizeof(buf)));
			put_str(j, "trap_oid", &tx->trap_oid);
			snprintf(buf, sizeof(buf), "%u.%u.%u.%u", tx->trap_addr[0], tx->trap_addr[1],
				 tx->trap_addr[2], tx->trap_addr[3]);
			json_str(j, "trap_address", buf);
		}
		if (tx->n_vars > 0) {
			json_open_array(j, "vars");
			for (uint32_t i = 0; i < tx->n_vars; i++)
				put_str(j, NULL, &tx->vars[i]);
			json_close_array(j);
		}
	}
	if (tx->has_community)
		put_str(j, "community", &tx->community);
	if (tx->has_usm)
		put_str(j, "usm", &tx->usm);
	json_close_object(j);
}
