/*
 * dnp3-log.c — Suricata 8's EVE `dnp3` object for a DNP3 transaction
 * (output-json-dnp3.c and its generated object writer).
 *
 * A request: type, control (link: dir pri fcb fcv function_code), src,
 * dst, application {control {fir fin con uns sequence}, function_code,
 * objects (when there are any), complete}.  A response is the same with
 * type "response" or "unsolicited_response" and an `iin` object after the
 * application: {"indicators":[...]} or {} when no bit is set.  Objects
 * list group, variation, qualifier, prefix_code, range_code, start, stop,
 * count and their points (prefix, index, size with a size prefix, then the
 * fields of the group/variation).  Signed values are written as Suricata
 * does, as unsigned 64-bit numbers; floats in their shortest form.  In an
 * alert the object sits under "request" or "response".  This file only
 * reads transactions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dnp3.h"
#include "util/json.h"

/* Shortest decimal that reads back as v, without an exponent (Rust's Display). */
static void put_float(struct json *j, const char *key, double v)
{
	if (isnan(v) || isinf(v)) {
		json_null(j, key);
		return;
	}
	char tmp[400];
	int n = 0;
	for (int prec = 1; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	if (strchr(tmp, 'e') != NULL) {
		/* Spell it out: enough decimals to round-trip, trailing zeros cut. */
		for (int prec = 0; prec <= 340; prec++) {
			n = snprintf(tmp, sizeof(tmp), "%.*f", prec, v);
			if (strtod(tmp, NULL) == v)
				break;
		}
	}
	json_raw(j, key, tmp, (size_t)n);
}

static void put_value(struct json *j, const struct dnp3_object *o, const struct dnp3_field *f,
		      uint64_t v)
{
	uint32_t off = (uint32_t)(v >> 32), n = (uint32_t)v;
	const uint8_t *b =
	    o->bytes != NULL && (uint64_t)off + n <= o->n_bytes ? o->bytes + off : NULL;
	if (f->type == DNP3_F_CHARS || f->type == DNP3_F_VSTR4 || f->type == DNP3_F_BYTES) {
		if (b == NULL)
			n = 0;
		if (f->type == DNP3_F_VSTR4 && b != NULL)
			n = (uint32_t)strnlen((const char *)b, n);
		if (f->type == DNP3_F_BYTES) {
			if (n > 0)
				json_base64(j, f->name, b, n);
		} else {
			json_strn(j, f->name, n ? b : (const uint8_t *)"", n);
		}
	} else if (f->type == DNP3_F_F32) {
		uint32_t bits = (uint32_t)v;
		float x;
		memcpy(&x, &bits, sizeof(x));
		put_float(j, f->name, (double)x);
	} else if (f->type == DNP3_F_F64) {
		double x;
		memcpy(&x, &v, sizeof(x));
		put_float(j, f->name, x);
	} else {
		json_uint(j, f->name, v);
	}
}

static void log_points(struct json *j, const struct dnp3_object *o)
{
	const struct dnp3_object_def *def = dnp3_object_def(o->group, o->variation);
	bool size_prefix = o->prefix_code >= 4 && o->prefix_code <= 6;
	json_open_array(j, "points");
	for (uint32_t i = 0; i < o->n_points; i++) {
		const struct dnp3_point *pt = &o->points[i];
		json_open_object(j, NULL);
		json_uint(j, "prefix", pt->prefix);
		json_uint(j, "index", pt->index);
		if (size_prefix)
			json_uint(j, "size", pt->size);
		uint32_t k = pt->first;
		for (uint8_t f = 0; def != NULL && f < def->n_fields; f++) {
			if (def->fields[f].type == DNP3_F_BSTR8)
				continue;
			if (k >= o->n_values)
				break;
			put_value(j, o, &def->fields[f], o->values[k++]);
		}
		json_close_object(j);
	}
	json_close_array(j);
}

static void log_objects(struct json *j, const struct dnp3_tx *tx)
{
	json_open_array(j, "objects");
	for (uint32_t i = 0; i < tx->n_objects; i++) {
		const struct dnp3_object *o = &tx->objects[i];
		json_open_object(j, NULL);
		json_uint(j, "group", o->group);
		json_uint(j, "variation", o->variation);
		json_uint(j, "qualifier", o->qualifier);
		json_uint(j, "prefix_code", o->prefix_code);
		json_uint(j, "range_code", o->range_code);
		json_uint(j, "start", o->start);
		json_uint(j, "stop", o->stop);
		json_uint(j, "count", o->count);
		if (o->n_points > 0)
			log_points(j, o);
		json_close_object(j);
	}
	json_close_array(j);
}

static void log_message(struct json *j, const struct dnp3_tx *tx)
{
	if (tx->is_request)
		json_str(j, "type", "request");
	else if (tx->function_code == DNP3_FC_UNSOLICITED_RESPONSE)
		json_str(j, "type", "unsolicited_response");
	else
		json_str(j, "type", "response");
	json_open_object(j, "control");
	json_bool(j, "dir", tx->link_ctrl & 0x80);
	json_bool(j, "pri", tx->link_ctrl & 0x40);
	json_bool(j, "fcb", tx->link_ctrl & 0x20);
	json_bool(j, "fcv", tx->link_ctrl & 0x10);
	json_uint(j, "function_code", tx->link_ctrl & 0x0f);
	json_close_object(j);
	json_uint(j, "src", tx->src);
	json_uint(j, "dst", tx->dst);
	json_open_object(j, "application");
	json_open_object(j, "control");
	json_bool(j, "fir", tx->app_ctrl & 0x80);
	json_bool(j, "fin", tx->app_ctrl & 0x40);
	json_bool(j, "con", tx->app_ctrl & 0x20);
	json_bool(j, "uns", tx->app_ctrl & 0x10);
	json_uint(j, "sequence", tx->app_ctrl & 0x0f);
	json_close_object(j);
	json_uint(j, "function_code", tx->function_code);
	if (tx->n_objects > 0)
		log_objects(j, tx);
	json_bool(j, "complete", tx->complete);
	json_close_object(j);
	if (!tx->is_request) {
		json_open_object(j, "iin");
		if (tx->iin != 0) {
			json_open_array(j, "indicators");
			const char *name;
			uint16_t bit;
			for (size_t i = 0; dnp3_indicator(i, &name, &bit); i++)
				if (tx->iin & bit)
					json_str(j, NULL, name);
			json_close_array(j);
		}
		json_close_object(j);
	}
}

void dnp3_tx_log_json(struct json *j, const struct dnp3_tx *tx, uint32_t opts)
{
	if ((opts & DNP3_EVE_ALERT) && !tx->done)
		return; /* Suricata leaves an alert without the object then */
	json_open_object(j, "dnp3");
	if (opts & DNP3_EVE_ALERT) {
		json_open_object(j, tx->is_request ? "request" : "response");
		log_message(j, tx);
		json_close_object(j);
	} else {
		log_message(j, tx);
	}
	json_close_object(j);
}
