/*
 * modbus-log.c — Suricata 8's EVE `modbus` object (rust/src/modbus/log.rs):
 * {"id", "request": {...}, "response": {...}} with, per message,
 * transaction_id, protocol_id, unit_id, function_raw, function_code,
 * access_type, category, error_flags (sawp-modbus's flag names joined by
 * " | ", "NONE" when empty) and the data: exception, diagnostic, mei,
 * read, write, or bytes as "data".  This file only reads transactions.
 */
#include <stdio.h>
#include <string.h>

#include "app/modbus.h"
#include "util/json.h"

struct flag_name {
	uint8_t bits;
	const char *name;
};

/* Bitflags' Debug: every named flag whose bits are all set, in declaration order. */
static void put_flags(struct json *j, const char *key, uint8_t v, const struct flag_name *f,
		      size_t n)
{
	char s[160] = "";
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		if ((v & f[i].bits) == f[i].bits)
			o += (size_t)snprintf(s + o, sizeof(s) - o, "%s%s", o ? " | " : "",
					      f[i].name);
	json_str(j, key, v == 0 ? "NONE" : s);
}

static const struct flag_name access_names[] = {
    {0x01, "READ"},	 {0x02, "WRITE"},	 {0x04, "DISCRETES"},
    {0x08, "COILS"},	 {0x10, "INPUT"},	 {0x20, "HOLDING"},
    {0x40, "SINGLE"},	 {0x80, "MULTIPLE"},	 {0x0c, "BIT_ACCESS_MASK"},
    {0x3c, "FUNC_MASK"}, {0x42, "WRITE_SINGLE"}, {0x82, "WRITE_MULTIPLE"},
};

static const struct flag_name error_names[] = {
    {0x01, "DATA_VALUE"}, {0x02, "DATA_LENGTH"}, {0x04, "EXC_CODE"},
    {0x08, "FUNC_CODE"},  {0x10, "PROTO_ID"},
};

static const char *category_name(uint8_t c)
{
	switch (c) {
	case 1: return "PUBLIC_ASSIGNED";
	case 2: return "PUBLIC_UNASSIGNED";
	case 4: return "USER_DEFINED";
	case 8: return "RESERVED";
	default: return "NONE";
	}
}

static const char *diagnostic_name(uint16_t sub)
{
	static const char *const n[] = {
	    "RetQueryData",
	    "RestartCommOpt",
	    "RetDiagReg",
	    "ChangeInputDelimiter",
	    "ForceListenOnlyMode",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    "ClearCtrDiagReg",
	    "RetBusMsgCount",
	    "RetBusCommErrCount",
	    "RetBusExcErrCount",
	    "RetServerMsgCount",
	    "RetServerNoRespCount",
	    "RetServerNAKCount",
	    "RetServerBusyCount",
	    "RetBusCharOverrunCount",
	    "RetOverrunErrCount",
	    "ClearOverrunCounterFlag",
	    "GetClearPlusStats",
	};
	if (sub < sizeof(n) / sizeof(n[0]) && n[sub] != NULL)
		return n[sub];
	return "Reserved";
}

static const char *mei_name(uint16_t t)
{
	return t == 0x0d ? "CANOpenGenRefReqResp" : t == 0x0e ? "RdDevId" : "Unknown";
}

static void log_write_mult(struct json *j, const struct modbus_msg *m)
{
	json_open_object(j, "write");
	json_uint(j, "address", m->addr);
	json_uint(j, "quantity", m->qty);
	json_strn(j, "data", m->bytes, m->n_bytes);
	json_close_object(j);
}

static void log_message(struct json *j, const struct modbus_msg *m)
{
	json_uint(j, "transaction_id", m->transaction_id);
	json_uint(j, "protocol_id", m->protocol_id);
	json_uint(j, "unit_id", m->unit_id);
	json_uint(j, "function_raw", m->function);
	json_str(j, "function_code", modbus_function_name(m->code));
	put_flags(j, "access_type", m->access, access_names,
		  sizeof(access_names) / sizeof(access_names[0]));
	json_str(j, "category", category_name(m->category));
	put_flags(j, "error_flags", m->flags, error_names,
		  sizeof(error_names) / sizeof(error_names[0]));
	switch (m->kind) {
	case MODBUS_DATA_EXCEPTION:
		json_open_object(j, "exception");
		json_uint(j, "raw", m->exc);
		json_str(j, "code", modbus_exception_name(m->exc));
		json_close_object(j);
		break;
	case MODBUS_DATA_DIAGNOSTIC:
		json_open_object(j, "diagnostic");
		json_uint(j, "raw", m->sub);
		json_str(j, "code", diagnostic_name(m->sub));
		json_strn(j, "data", m->bytes, m->n_bytes);
		json_close_object(j);
		break;
	case MODBUS_DATA_MEI:
		json_open_object(j, "mei");
		json_uint(j, "raw", m->sub);
		json_str(j, "code", mei_name(m->sub));
		json_strn(j, "data", m->bytes, m->n_bytes);
		json_close_object(j);
		break;
	case MODBUS_DATA_READ_REQ:
		json_open_object(j, "read");
		json_uint(j, "address", m->read_addr);
		json_uint(j, "quantity", m->read_qty);
		json_close_object(j);
		break;
	case MODBUS_DATA_READ_RESP:
		json_open_object(j, "read");
		json_strn(j, "data", m->bytes, m->n_bytes);
		json_close_object(j);
		break;
	case MODBUS_DATA_READ_WRITE:
		json_open_object(j, "read");
		json_uint(j, "address", m->read_addr);
		json_uint(j, "quantity", m->read_qty);
		json_close_object(j);
		log_write_mult(j, m);
		break;
	case MODBUS_DATA_WRITE_MULT: log_write_mult(j, m); break;
	case MODBUS_DATA_WRITE_MASK:
		json_open_object(j, "write");
		json_uint(j, "address", m->addr);
		json_uint(j, "and_mask", m->and_mask);
		json_uint(j, "or_mask", m->or_mask);
		json_close_object(j);
		break;
	case MODBUS_DATA_WRITE_OTHER:
		json_open_object(j, "write");
		json_uint(j, "address", m->addr);
		json_uint(j, "data", m->value);
		json_close_object(j);
		break;
	case MODBUS_DATA_BYTES: json_strn(j, "data", m->bytes, m->n_bytes); break;
	case MODBUS_DATA_EMPTY: break;
	}
}

void modbus_tx_log_json(struct json *j, const struct modbus_tx *tx)
{
	json_open_object(j, "modbus");
	json_uint(j, "id", tx->tx_id + 1);
	if (tx->request != NULL) {
		json_open_object(j, "request");
		log_message(j, tx->request);
		json_close_object(j);
	}
	if (tx->response != NULL) {
		json_open_object(j, "response");
		log_message(j, tx->response);
		json_close_object(j);
	}
	json_close_object(j);
}
