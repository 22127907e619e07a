/*
 * http2-log.c — the EVE "http" object of an HTTP/2 transaction, as
 * Suricata 8's rust/src/http2/logger.rs writes it: "version": "2", the
 * decoded request_headers / response_headers ({name, value}; a dynamic
 * table size update as {table_size_update}), the common fields taken
 * from them (hostname from :authority or host, url from :path,
 * http_user_agent, http_method, status, length), then "http2":
 * {stream_id, request: {...}, response: {...}} with each side's settings
 * ([{settings_id, settings_value}]), first error code (a GOAWAY's
 * upper-cased, a RST_STREAM's as named), first priority, and
 * has_multiple when a second one of those came.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/http2.h"
#include "util/json.h"

static void put_headers(struct json *j, const char *key, const struct h2_side *sd)
{
	if (sd->n_headers == 0 && sd->n_size_updates == 0)
		return;
	json_open_array(j, key);
	for (uint32_t i = 0; i < sd->n_size_updates; i++) {
		json_open_object(j, NULL);
		json_uint(j, "table_size_update", sd->size_updates[i]);
		json_close_object(j);
	}
	for (uint32_t i = 0; i < sd->n_headers; i++) {
		json_open_object(j, NULL);
		json_strn(j, "name", sd->headers[i].name, sd->headers[i].name_len);
		json_strn(j, "value", sd->headers[i].value, sd->headers[i].value_len);
		json_close_object(j);
	}
	json_close_array(j);
}

static bool parse_u64(const struct h2_header *h, uint64_t *out)
{
	if (h == NULL || h->value_len == 0 || h->value_len > 19)
		return false;
	uint64_t v = 0;
	for (uint32_t i = 0; i < h->value_len; i++) {
		if (h->value[i] < '0' || h->value[i] > '9')
			return false;
		v = v * 10 + (h->value[i] - '0');
	}
	*out = v;
	return true;
}

static void put_hdr(struct json *j, const char *key, const struct h2_header *h)
{
	if (h != NULL)
		json_strn(j, key, h->value, h->value_len);
}

static void put_side(struct json *j, const char *key, const struct h2_side *sd)
{
	json_open_object(j, key);
	if (sd->n_settings > 0) {
		json_open_array(j, "settings");
		for (uint32_t i = 0; i < sd->n_settings; i++) {
			json_open_object(j, NULL);
			const char *nm = h2_setting_name(sd->settings[i].id);
			char buf[32];
			if (nm == NULL) {
				snprintf(buf, sizeof(buf), "%u", sd->settings[i].id);
				nm = buf;
			}
			json_str(j, "settings_id", nm);
			json_uint(j, "settings_value", sd->settings[i].value);
			json_close_object(j);
		}
		json_close_array(j);
	}
	bool multiple = false;
	if (sd->n_errors > 0) {
		const char *nm = h2_error_name(sd->errors[0]);
		char buf[16];
		if (nm == NULL) {
			snprintf(buf, sizeof(buf), "%u", sd->errors[0]);
			nm = buf;
		}
		json_str(j, "error_code", nm);
		if (sd->n_errors > 1) {
			json_str(j, "has_multiple", "error_code");
			multiple = true;
		}
	}
	if (sd->n_priorities > 0) {
		json_uint(j, "priority", sd->priorities[0]);
		if (sd->n_priorities > 1 && !multiple)
			json_str(j, "has_multiple", "priority");
	}
	json_close_object(j);
}

void h2_tx_log_json(struct json *j, const struct h2_tx *tx)
{
	const struct h2_side *rq = &tx->side[APP_TOSERVER], *rs = &tx->side[APP_TOCLIENT];
	json_open_object(j, "http");
	json_str(j, "version", "2");
	put_headers(j, "request_headers", rq);
	put_headers(j, "response_headers", rs);
	const struct h2_header *host = h2_tx_header(tx, APP_TOSERVER, "host");
	if (host == NULL)
		host = h2_tx_header(tx, APP_TOSERVER, ":authority");
	put_hdr(j, "hostname", host);
	put_hdr(j, "url", h2_tx_header(tx, APP_TOSERVER, ":path"));
	put_hdr(j, "http_user_agent", h2_tx_header(tx, APP_TOSERVER, "user-agent"));
	put_hdr(j, "http_method", h2_tx_header(tx, APP_TOSERVER, ":method"));
	uint64_t v;
	if (parse_u64(h2_tx_header(tx, APP_TOCLIENT, ":status"), &v))
		json_uint(j, "status", v);
	if (parse_u64(h2_tx_header(tx, APP_TOCLIENT, "content-length"), &v))
		json_uint(j, "length", v);
	json_open_object(j, "http2");
	json_uint(j, "stream_id", tx->stream_id);
	put_side(j, "request", rq);
	put_side(j, "response", rs);
	json_close_object(j);
	json_close_object(j);
}
