/*
 * iec104-log.c — the names of IEC 60870-5-101/104 codes (type ids, causes
 * of transmission, U-frame functions) and the EVE "iec104" object of one
 * APDU:
 *
 *   "iec104": {"apci": {"type": "I"|"S"|"U", "tx": N, "rx": N,
 *                       "u_function": "startdt_act" (or "u_function_code":
 *                       the control octet's function bits when they are
 *                       not one known function)},
 *              "asdu": {"type_id": 13, "type_name": "M_ME_NC_1", "sq": false,
 *                       "num_objects": 2, "cot": 3, "cot_name": "spontaneous",
 *                       "negative": false, "test": false, "oa": 0, "ca": 1,
 *                       "objects": [{"ioa": 1300, "value": 1.5,
 *                                    "quality": {...}, "time": "..."}]}}
 *
 * It only reads a parsed transaction.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "app/iec104.h"
#include "util/json.h"

struct code_name {
	uint8_t code;
	const char *name;
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* IEC 60870-5-101 7.2.1.1 and -104 table 7/8. */
static const struct code_name types[] = {
    {1, "M_SP_NA_1"},	{2, "M_SP_TA_1"},   {3, "M_DP_NA_1"},	{4, "M_DP_TA_1"},
    {5, "M_ST_NA_1"},	{6, "M_ST_TA_1"},   {7, "M_BO_NA_1"},	{8, "M_BO_TA_1"},
    {9, "M_ME_NA_1"},	{10, "M_ME_TA_1"},  {11, "M_ME_NB_1"},	{12, "M_ME_TB_1"},
    {13, "M_ME_NC_1"},	{14, "M_ME_TC_1"},  {15, "M_IT_NA_1"},	{16, "M_IT_TA_1"},
    {17, "M_EP_TA_1"},	{18, "M_EP_TB_1"},  {19, "M_EP_TC_1"},	{20, "M_PS_NA_1"},
    {21, "M_ME_ND_1"},	{30, "M_SP_TB_1"},  {31, "M_DP_TB_1"},	{32, "M_ST_TB_1"},
    {33, "M_BO_TB_1"},	{34, "M_ME_TD_1"},  {35, "M_ME_TE_1"},	{36, "M_ME_TF_1"},
    {37, "M_IT_TB_1"},	{38, "M_EP_TD_1"},  {39, "M_EP_TE_1"},	{40, "M_EP_TF_1"},
    {45, "C_SC_NA_1"},	{46, "C_DC_NA_1"},  {47, "C_RC_NA_1"},	{48, "C_SE_NA_1"},
    {49, "C_SE_NB_1"},	{50, "C_SE_NC_1"},  {51, "C_BO_NA_1"},	{58, "C_SC_TA_1"},
    {59, "C_DC_TA_1"},	{60, "C_RC_TA_1"},  {61, "C_SE_TA_1"},	{62, "C_SE_TB_1"},
    {63, "C_SE_TC_1"},	{64, "C_BO_TA_1"},  {70, "M_EI_NA_1"},	{100, "C_IC_NA_1"},
    {101, "C_CI_NA_1"}, {102, "C_RD_NA_1"}, {103, "C_CS_NA_1"}, {104, "C_TS_NA_1"},
    {105, "C_RP_NA_1"}, {106, "C_CD_NA_1"}, {107, "C_TS_TA_1"}, {110, "P_ME_NA_1"},
    {111, "P_ME_NB_1"}, {112, "P_ME_NC_1"}, {113, "P_AC_NA_1"}, {120, "F_FR_NA_1"},
    {121, "F_SR_NA_1"}, {122, "F_SC_NA_1"}, {123, "F_LS_NA_1"}, {124, "F_AF_NA_1"},
    {125, "F_SG_NA_1"}, {126, "F_DR_TA_1"}, {127, "F_SC_NB_1"},
};

/* IEC 60870-5-101 7.2.3. */
static const struct code_name causes[] = {
    {1, "periodic"},
    {2, "background"},
    {3, "spontaneous"},
    {4, "initialized"},
    {5, "request"},
    {6, "activation"},
    {7, "activation_con"},
    {8, "deactivation"},
    {9, "deactivation_con"},
    {10, "activation_term"},
    {11, "return_remote"},
    {12, "return_local"},
    {13, "file_transfer"},
    {20, "interrogated_station"},
    {37, "counter_request_general"},
    {44, "unknown_type_id"},
    {45, "unknown_cause"},
    {46, "unknown_common_address"},
    {47, "unknown_object_address"},
};

static const char *const group_names[] = {
    "interrogated_group_1",    "interrogated_group_2",	  "interrogated_group_3",
    "interrogated_group_4",    "interrogated_group_5",	  "interrogated_group_6",
    "interrogated_group_7",    "interrogated_group_8",	  "interrogated_group_9",
    "interrogated_group_10",   "interrogated_group_11",	  "interrogated_group_12",
    "interrogated_group_13",   "interrogated_group_14",	  "interrogated_group_15",
    "interrogated_group_16",   "counter_request_group_1", "counter_request_group_2",
    "counter_request_group_3", "counter_request_group_4",
};

static const char *name_of(const struct code_name *t, size_t n, uint8_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

const char *iec104_type_name(uint8_t type_id)
{
	return name_of(types, NELEM(types), type_id);
}

int iec104_type_by_name(const char *name)
{
	for (size_t i = 0; i < NELEM(types); i++)
		if (strcasecmp(types[i].name, name) == 0)
			return types[i].code;
	return -1;
}

const char *iec104_cot_name(uint8_t cot)
{
	if (cot >= 21 && cot <= 36)
		return group_names[cot - 21];
	if (cot >= 38 && cot <= 41)
		return group_names[16 + cot - 38];
	return name_of(causes, NELEM(causes), cot);
}

int iec104_cot_by_name(const char *name)
{
	for (int c = 0; c < 64; c++) {
		const char *n = iec104_cot_name((uint8_t)c);
		if (n != NULL && strcasecmp(n, name) == 0)
			return c;
	}
	return -1;
}

const char *iec104_u_function_name(uint8_t f)
{
	switch (f) {
	case 0x04: return "startdt_act";
	case 0x08: return "startdt_con";
	case 0x10: return "stopdt_act";
	case 0x20: return "stopdt_con";
	case 0x40: return "testfr_act";
	case 0x80: return "testfr_con";
	default: return NULL;
	}
}

/* ------------------------------------------------------------ EVE */

static void log_time(struct json *j, const struct iec104_object *o)
{
	char buf[48];
	const struct iec104_time *t = &o->time;
	if (o->time_kind == 56)
		/* 7-bit year: 0..69 is 2000.., 70..127 is 1970.. (as devices and
		 * Wireshark read it) */
		snprintf(buf, sizeof(buf), "%04u-%02u-%02uT%02u:%02u:%02u.%03u",
			 t->year < 70 ? 2000u + t->year : 1900u + t->year, t->month, t->day,
			 t->hour, t->min, t->ms / 1000u, t->ms % 1000u);
	else
		snprintf(buf, sizeof(buf), "%02u:%02u.%03u", t->min, t->ms / 1000u, t->ms % 1000u);
	json_str(j, "time", buf);
	if (t->iv)
		json_bool(j, "time_invalid", true);
	if (o->time_kind == 56 && t->su)
		json_bool(j, "summer_time", true);
}

/* QDS (and the high bits of SIQ/DIQ): OV (QDS only), BL, SB, NT, IV. */
static void log_quality(struct json *j, uint8_t q, bool ov)
{
	json_open_object(j, "quality");
	if (ov)
		json_bool(j, "ov", (q & 0x01) != 0);
	json_bool(j, "bl", (q & 0x10) != 0);
	json_bool(j, "sb", (q & 0x20) != 0);
	json_bool(j, "nt", (q & 0x40) != 0);
	json_bool(j, "iv", (q & 0x80) != 0);
	json_close_object(j);
}

/* Commands: S/E (select) and the qualifier (QU, or QL for setpoints). */
static void log_command(struct json *j, uint8_t q, bool setpoint)
{
	json_uint(j, setpoint ? "ql" : "qu", setpoint ? (q & 0x7f) : ((q >> 2) & 0x1f));
	json_bool(j, "select", (q & 0x80) != 0);
}

static void log_object(struct json *j, const struct iec104_object *o)
{
	json_open_object(j, NULL);
	json_uint(j, "ioa", o->ioa);
	switch (o->kind) {
	case IEC104_VAL_SP:
	case IEC104_VAL_DP:
		json_uint(j, "value", (uint32_t)o->value);
		log_quality(j, o->quality, false);
		break;
	case IEC104_VAL_ST:
		json_int(j, "value", o->value);
		json_bool(j, "transient", o->extra != 0);
		log_quality(j, o->quality, true);
		break;
	case IEC104_VAL_BO:
		json_uint(j, "value", (uint32_t)o->value);
		log_quality(j, o->quality, true);
		break;
	case IEC104_VAL_NORM:
		json_double(j, "value", o->value / 32768.0);
		log_quality(j, o->quality, true);
		break;
	case IEC104_VAL_SCALED:
		json_int(j, "value", o->value);
		log_quality(j, o->quality, true);
		break;
	case IEC104_VAL_FLOAT:
		json_double(j, "value", o->fvalue);
		log_quality(j, o->quality, true);
		break;
	case IEC104_VAL_IT:
		json_int(j, "value", o->value);
		json_uint(j, "sequence", o->extra & 0x1f);
		json_bool(j, "carry", (o->extra & 0x20) != 0);
		json_bool(j, "adjusted", (o->extra & 0x40) != 0);
		json_bool(j, "invalid", (o->extra & 0x80) != 0);
		break;
	case IEC104_VAL_SC:
	case IEC104_VAL_DC:
	case IEC104_VAL_RC:
		json_uint(j, "value", (uint32_t)o->value);
		log_command(j, o->quality, false);
		break;
	case IEC104_VAL_SE_NORM:
		json_double(j, "value", o->value / 32768.0);
		log_command(j, o->quality, true);
		break;
	case IEC104_VAL_SE_SCALED:
		json_int(j, "value", o->value);
		log_command(j, o->quality, true);
		break;
	case IEC104_VAL_SE_FLOAT:
		json_double(j, "value", o->fvalue);
		log_command(j, o->quality, true);
		break;
	case IEC104_VAL_BO_CMD: json_uint(j, "value", (uint32_t)o->value); break;
	case IEC104_VAL_QOI: json_uint(j, "qoi", (uint32_t)o->value); break;
	case IEC104_VAL_QCC: json_uint(j, "qcc", (uint32_t)o->value); break;
	case IEC104_VAL_COI: json_uint(j, "coi", (uint32_t)o->value); break;
	case IEC104_VAL_QRP: json_uint(j, "qrp", (uint32_t)o->value); break;
	default: break;
	}
	if (o->time_kind != 0)
		log_time(j, o);
	json_close_object(j);
}

static void log_asdu(struct json *j, const struct iec104_asdu *a)
{
	json_open_object(j, "asdu");
	json_uint(j, "type_id", a->type_id);
	const char *tn = iec104_type_name(a->type_id);
	if (tn != NULL)
		json_str(j, "type_name", tn);
	json_bool(j, "sq", a->sq);
	json_uint(j, "num_objects", a->num);
	json_uint(j, "cot", a->cot);
	const char *cn = iec104_cot_name(a->cot);
	if (cn != NULL)
		json_str(j, "cot_name", cn);
	json_bool(j, "negative", a->negative);
	json_bool(j, "test", a->test);
	json_uint(j, "oa", a->oa);
	json_uint(j, "ca", a->ca);
	if (a->n_objects > 0) {
		json_open_array(j, "objects");
		for (uint8_t i = 0; i < a->n_objects; i++)
			log_object(j, &a->objects[i]);
		json_close_array(j);
	}
	json_close_object(j);
}

void iec104_tx_log_json(struct json *j, const struct iec104_tx *tx)
{
	json_open_object(j, "iec104");
	json_open_object(j, "apci");
	switch (tx->apci) {
	case IEC104_APCI_I:
		json_str(j, "type", "I");
		json_uint(j, "tx", tx->tx_seq);
		json_uint(j, "rx", tx->rx_seq);
		break;
	case IEC104_APCI_S:
		json_str(j, "type", "S");
		json_uint(j, "rx", tx->rx_seq);
		break;
	case IEC104_APCI_NONE: break; /* a malformed frame: its events say what */
	default: {
		json_str(j, "type", "U");
		const char *f = iec104_u_function_name(tx->u_function);
		if (f != NULL)
			json_str(j, "u_function", f);
		else /* none or several function bits */
			json_uint(j, "u_function_code", tx->u_function);
		break;
	}
	}
	json_close_object(j);
	if (tx->has_asdu)
		log_asdu(j, &tx->asdu);
	json_close_object(j);
}
