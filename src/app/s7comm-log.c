/*
 * s7comm-log.c — the names of S7comm codes (ROSCTR, functions, areas,
 * COTP TPDUs, userdata function groups, S7comm-plus opcodes and
 * functions) and the EVE "s7comm" object of a transaction:
 *
 *   "s7comm": {"request": PDU, "response": PDU}
 *
 * where PDU is {"cotp": "CR", "src_tsap": "0100", ...} for a COTP
 * connection TPDU, {"rosctr": "job", "pdu_ref": 5, "function": "read_var",
 * "items": [{"area": "db", "db": 1, "address": 0, ...}], ...} for S7comm
 * and {"s7commplus": {"version": 1, "opcode": "request", "function":
 * "createobject", "sequence": 1}} for S7comm-plus.  It only reads a
 * parsed transaction.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "app/s7comm.h"
#include "util/json.h"

struct code_name {
	uint16_t code;
	const char *name;
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const struct code_name *t, size_t n, uint16_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

static int code_of(const struct code_name *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return t[i].code;
	return -1;
}

static const struct code_name rosctrs[] = {
    {S7_ROSCTR_JOB, "job"},
    {S7_ROSCTR_ACK, "ack"},
    {S7_ROSCTR_ACK_DATA, "ack_data"},
    {S7_ROSCTR_USERDATA, "userdata"},
};

static const struct code_name functions[] = {
    {S7_FUNC_CPU_SERVICES, "cpu_services"},
    {S7_FUNC_SETUP, "setup_communication"},
    {S7_FUNC_READ_VAR, "read_var"},
    {S7_FUNC_WRITE_VAR, "write_var"},
    {S7_FUNC_REQ_DOWNLOAD, "request_download"},
    {S7_FUNC_DOWNLOAD_BLOCK, "download_block"},
    {S7_FUNC_DOWNLOAD_ENDED, "download_ended"},
    {S7_FUNC_START_UPLOAD, "start_upload"},
    {S7_FUNC_UPLOAD, "upload"},
    {S7_FUNC_END_UPLOAD, "end_upload"},
    {S7_FUNC_PLC_CONTROL, "plc_control"},
    {S7_FUNC_PLC_STOP, "plc_stop"},
};

static const struct code_name areas[] = {
    {0x03, "sysinfo"},	  {0x05, "sysflags"}, {0x06, "analog_in"},   {0x07, "analog_out"},
    {0x1c, "counter"},	  {0x1d, "timer"},    {0x1e, "iec_counter"}, {0x1f, "iec_timer"},
    {0x80, "peripheral"}, {0x81, "inputs"},   {0x82, "outputs"},     {0x83, "flags"},
    {0x84, "db"},	  {0x85, "di"},	      {0x86, "local"},	     {0x87, "v"},
};

static const struct code_name cotps[] = {
    {COTP_CR, "CR"}, {COTP_CC, "CC"}, {COTP_DR, "DR"}, {COTP_DC, "DC"}, {COTP_DT, "DT"},
    {COTP_ED, "ED"}, {COTP_AK, "AK"}, {COTP_EA, "EA"}, {COTP_RJ, "RJ"}, {COTP_ER, "ER"},
};

static const struct code_name groups[] = {
    {0x0, "mode_transition"}, {0x1, "programmer_commands"}, {0x2, "cyclic_data"},
    {0x3, "block_functions"}, {0x4, "cpu_functions"},	    {0x5, "security"},
    {0x6, "pbc_bsend_brecv"}, {0x7, "time_functions"},	    {0xf, "nc_programming"},
};

static const struct code_name ud_types[] = {{0, "push"}, {4, "request"}, {8, "response"}};

static const struct code_name plus_opcodes[] = {
    {0x31, "request"}, {0x32, "response"}, {0x33, "notification"}, {0x02, "response2"}};

static const struct code_name plus_functions[] = {
    {0x04bb, "explore"},
    {0x04ca, "createobject"},
    {0x04d4, "deleteobject"},
    {0x04f2, "setvariable"},
    {0x04fc, "getvariable"},
    {0x0506, "addlink"},
    {0x051a, "removelink"},
    {0x0524, "getlink"},
    {0x0542, "setmultivariables"},
    {0x054c, "getmultivariables"},
    {0x0556, "beginsequence"},
    {0x0560, "endsequence"},
    {0x056b, "invoke"},
    {0x057c, "setvarsubstreamed"},
    {0x0586, "getvarsubstreamed"},
    {0x0590, "getvariablesaddress"},
    {0x059a, "abort"},
    {0x05a9, "error"},
    {0x05b3, "initssl"},
};

/* Snort 3's spellings of S7comm-plus functions, accepted by keywords. */
static const struct code_name plus_function_aliases[] = {
    {0x0542, "setmultivar"},
    {0x054c, "getmultivar"},
    {0x057c, "setvarsubstr"},
    {0x0586, "getvarsubstr"},
};

const char *s7comm_rosctr_name(uint8_t v)
{
	return name_of(rosctrs, NELEM(rosctrs), v);
}

int s7comm_rosctr_by_name(const char *name)
{
	return code_of(rosctrs, NELEM(rosctrs), name);
}

const char *s7comm_function_name(uint8_t f)
{
	return name_of(functions, NELEM(functions), f);
}

int s7comm_function_by_name(const char *name)
{
	return code_of(functions, NELEM(functions), name);
}

const char *s7comm_area_name(uint8_t a)
{
	return name_of(areas, NELEM(areas), a);
}

int s7comm_area_by_name(const char *name)
{
	return code_of(areas, NELEM(areas), name);
}

const char *s7comm_cotp_name(uint8_t type)
{
	return name_of(cotps, NELEM(cotps), type);
}

const char *s7comm_group_name(uint8_t g)
{
	return name_of(groups, NELEM(groups), g);
}

const char *s7plus_opcode_name(uint8_t op)
{
	return name_of(plus_opcodes, NELEM(plus_opcodes), op);
}

int s7plus_opcode_by_name(const char *name)
{
	return code_of(plus_opcodes, NELEM(plus_opcodes), name);
}

const char *s7plus_function_name(uint16_t f)
{
	return name_of(plus_functions, NELEM(plus_functions), f);
}

int s7plus_function_by_name(const char *name)
{
	int c = code_of(plus_functions, NELEM(plus_functions), name);
	return c >= 0 ? c : code_of(plus_function_aliases, NELEM(plus_function_aliases), name);
}

/* ------------------------------------------------------------ EVE */

static void log_hex(struct json *j, const char *key, const uint8_t *b, uint8_t n)
{
	char buf[2 * 16 + 1];
	for (uint8_t i = 0; i < n && i < 16; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	buf[2 * (n < 16 ? n : 16)] = 0;
	json_str(j, key, buf);
}

static void log_cotp(struct json *j, const struct s7_cotp *c)
{
	const char *n = s7comm_cotp_name(c->type);
	if (n != NULL)
		json_str(j, "cotp", n);
	else
		json_uint(j, "cotp_type", c->type);
	if (c->type == COTP_DT)
		return;
	json_uint(j, "dst_ref", c->dst_ref);
	json_uint(j, "src_ref", c->src_ref);
	if (c->type != COTP_CR && c->type != COTP_CC)
		return;
	json_uint(j, "class", c->class_opt >> 4);
	if (c->src_tsap_len > 0)
		log_hex(j, "src_tsap", c->src_tsap, c->src_tsap_len);
	if (c->dst_tsap_len > 0)
		log_hex(j, "dst_tsap", c->dst_tsap, c->dst_tsap_len);
	if (c->tpdu_size != 0)
		json_uint(j, "tpdu_size", c->tpdu_size < 16 ? 1u << c->tpdu_size : c->tpdu_size);
}

static void log_item(struct json *j, const struct s7_item *x)
{
	json_open_object(j, NULL);
	json_uint(j, "syntax_id", x->syntax_id);
	if (x->syntax_id == 0x10) {
		json_uint(j, "transport_size", x->transport_size);
		json_uint(j, "length", x->length);
		json_uint(j, "db", x->db);
		const char *a = s7comm_area_name(x->area);
		if (a != NULL)
			json_str(j, "area", a);
		json_uint(j, "area_code", x->area);
		json_uint(j, "address", x->address >> 3);
		json_uint(j, "bit", x->address & 7);
	}
	json_close_object(j);
}

static void log_userdata(struct json *j, const struct s7_msg *m)
{
	json_open_object(j, "userdata");
	json_uint(j, "method", m->ud_method);
	const char *t = name_of(ud_types, NELEM(ud_types), m->ud_type);
	if (t != NULL)
		json_str(j, "type", t);
	else
		json_uint(j, "type_code", m->ud_type);
	const char *g = s7comm_group_name(m->ud_group);
	if (g != NULL)
		json_str(j, "function_group", g);
	json_uint(j, "function_group_code", m->ud_group);
	json_uint(j, "subfunction", m->ud_subfunc);
	json_uint(j, "sequence", m->ud_seq);
	json_close_object(j);
}

static void log_s7(struct json *j, const struct s7_msg *m)
{
	const char *r = s7comm_rosctr_name(m->rosctr);
	if (r != NULL)
		json_str(j, "rosctr", r);
	json_uint(j, "rosctr_code", m->rosctr);
	json_uint(j, "pdu_ref", m->pdu_ref);
	json_uint(j, "param_length", m->param_len);
	json_uint(j, "data_length", m->data_len);
	if (m->has_error) {
		json_uint(j, "error_class", m->err_class);
		json_uint(j, "error_code", m->err_code);
	}
	if (m->has_userdata)
		log_userdata(j, m);
	if (!m->has_function)
		return;
	const char *f = s7comm_function_name(m->function);
	if (f != NULL)
		json_str(j, "function", f);
	json_uint(j, "function_code", m->function);
	if (m->function == S7_FUNC_SETUP) {
		json_uint(j, "max_amq_calling", m->amq_calling);
		json_uint(j, "max_amq_called", m->amq_called);
		json_uint(j, "pdu_length", m->pdu_length);
	}
	if (m->function == S7_FUNC_READ_VAR || m->function == S7_FUNC_WRITE_VAR)
		json_uint(j, "item_count", m->item_count);
	if (m->n_items > 0) {
		json_open_array(j, "items");
		for (uint8_t i = 0; i < m->n_items; i++)
			log_item(j, &m->items[i]);
		json_close_array(j);
	}
	if (m->n_rc > 0) {
		json_open_array(j, "return_codes");
		for (uint8_t i = 0; i < m->n_rc; i++)
			json_uint(j, NULL, m->return_codes[i]);
		json_close_array(j);
	}
	if (m->name_len > 0) {
		bool pi = m->function == S7_FUNC_PLC_CONTROL || m->function == S7_FUNC_PLC_STOP;
		json_strn(j, pi ? "pi_service" : "filename", m->name, m->name_len);
	}
	if (m->pi_param_len > 0)
		json_strn(j, "pi_parameter", m->pi_param, m->pi_param_len);
}

static void log_plus(struct json *j, const struct s7_plus *x)
{
	json_open_object(j, "s7commplus");
	json_uint(j, "version", x->version);
	if (x->has_opcode) {
		const char *o = s7plus_opcode_name(x->opcode);
		if (o != NULL)
			json_str(j, "opcode", o);
		json_uint(j, "opcode_code", x->opcode);
		if (x->opcode == 0x31 || x->opcode == 0x32) {
			const char *f = s7plus_function_name(x->function);
			if (f != NULL)
				json_str(j, "function", f);
			json_uint(j, "function_code", x->function);
			json_uint(j, "sequence", x->seq);
		}
	}
	json_close_object(j);
}

static void log_pdu(struct json *j, const char *key, const struct s7_pdu *p)
{
	json_open_object(j, key);
	switch (p->kind) {
	case S7_PDU_COTP: log_cotp(j, &p->cotp); break;
	case S7_PDU_S7: log_s7(j, &p->s7); break;
	case S7_PDU_PLUS: log_plus(j, &p->plus); break;
	}
	json_close_object(j);
}

void s7comm_tx_log_json(struct json *j, const struct s7comm_tx *tx)
{
	json_open_object(j, "s7comm");
	if (tx->request != NULL)
		log_pdu(j, "request", tx->request);
	if (tx->response != NULL)
		log_pdu(j, "response", tx->response);
	json_close_object(j);
}
