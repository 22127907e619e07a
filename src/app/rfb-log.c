/*
 * rfb-log.c — the EVE "rfb" object, as Suricata 8's RFB logger writes it
 * (rust/src/rfb/logger.rs): server and client protocol versions, the
 * authentication (security type, VNC challenge and response in hex, the
 * security result), the failure reason, screen_shared and the
 * framebuffer with its pixel format, with Suricata's two quirks kept (a
 * failed result under "security-result", "depth" written twice).
 */
#include <stdio.h>

#include "app/rfb.h"
#include "util/json.h"

static void put_hex16(struct json *j, const char *key, const uint8_t *d)
{
	char buf[33];
	for (int i = 0; i < 16; i++)
		snprintf(buf + 2 * i, 3, "%02x", d[i]);
	json_str(j, key, buf);
}

static void put_version(struct json *j, const char *key, const char *major, const char *minor)
{
	json_open_object(j, key);
	json_str(j, "major", major);
	json_str(j, "minor", minor);
	json_close_object(j);
}

void rfb_tx_log_json(struct json *j, const struct rfb_tx *tx)
{
	json_open_object(j, "rfb");
	if (tx->has_server_version)
		put_version(j, "server_protocol_version", tx->server_major, tx->server_minor);
	if (tx->has_client_version)
		put_version(j, "client_protocol_version", tx->client_major, tx->client_minor);
	json_open_object(j, "authentication");
	if (tx->has_sec_type)
		json_uint(j, "security_type", tx->sec_type);
	if (tx->has_sec_type && tx->sec_type == 2) {
		json_open_object(j, "vnc");
		if (tx->has_challenge)
			put_hex16(j, "challenge", tx->challenge);
		if (tx->has_response)
			put_hex16(j, "response", tx->response);
		json_close_object(j);
	}
	if (tx->has_result) {
		char buf[32];
		const char *r = tx->result == 0 ? "OK" : tx->result == 1 ? "FAIL"
						    : tx->result == 2 ? "TOOMANY"
								      : NULL;
		if (r == NULL) {
			snprintf(buf, sizeof(buf), "UNKNOWN (%u)", tx->result);
			r = buf;
		}
		/* Suricata spells the key of a failure with a hyphen */
		json_str(j, tx->result == 1 ? "security-result" : "security_result", r);
	}
	json_close_object(j);
	if (tx->has_failure_reason)
		json_strn(j, "server_security_failure_reason", tx->failure_reason.p,
			  tx->failure_reason.len);
	if (tx->has_client_init)
		json_bool(j, "screen_shared", tx->shared != 0);
	if (tx->has_server_init) {
		const uint8_t *pf = tx->pixel_format;
		json_open_object(j, "framebuffer");
		json_uint(j, "width", tx->width);
		json_uint(j, "height", tx->height);
		json_strn(j, "name", tx->name.p, tx->name.len);
		json_open_object(j, "pixel_format");
		json_uint(j, "bits_per_pixel", pf[0]);
		json_uint(j, "depth", pf[1]);
		json_bool(j, "big_endian", pf[2] != 0);
		json_bool(j, "true_color", pf[3] != 0);
		json_uint(j, "red_max", (uint32_t)(pf[4] << 8 | pf[5]));
		json_uint(j, "green_max", (uint32_t)(pf[6] << 8 | pf[7]));
		json_uint(j, "blue_max", (uint32_t)(pf[8] << 8 | pf[9]));
		json_uint(j, "red_shift", pf[10]);
		json_uint(j, "green_shift", pf[11]);
		json_uint(j, "blue_shift", pf[12]);
		json_uint(j, "depth", pf[1]); /* Suricata writes it twice */
		json_close_object(j);
		json_close_object(j);
	}
	json_close_object(j);
}
