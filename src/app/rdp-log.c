/*
 * rdp-log.c — Suricata 8's EVE `rdp` object (rust/src/rdp/log.rs):
 * tx_id (Suricata's, counted from 1) and event_type, then per type:
 *   initial_request   cookie, flags (of RDP_NEG_REQ, when any)
 *   initial_response  server_supports and protocol (RDP_NEG_RSP), or
 *                     error_code and reason (RDP_NEG_FAILURE)
 *   connect_request   client {...} from the Client Core Data, channels
 *   connect_response  nothing more
 *   tls_handshake     x509_serials (lower-case hex, no leading zeros)
 * Unknown versions, keyboard layouts and builds are "unknown", as
 * Suricata writes them.  This file only reads transactions.
 */
#include <stdio.h>
#include <string.h>

#include "app/rdp.h"
#include "util/json.h"

static void put_flags(struct json *j, const char *key, uint32_t v, const uint32_t *bits,
		      const char *const *names, size_t n)
{
	if (v == 0)
		return;
	json_open_array(j, key);
	for (size_t i = 0; i < n; i++)
		if (v & bits[i])
			json_str(j, NULL, names[i]);
	json_close_array(j);
}

static void log_request(struct json *j, const struct rdp_tx *tx)
{
	static const uint32_t bits[] = {RDP_NEGREQ_RESTRICTED_ADMIN, RDP_NEGREQ_REDIRECTED_AUTH,
					RDP_NEGREQ_CORRELATION_INFO};
	static const char *const names[] = {"restricted_admin_mode_required",
					    "redirected_authentication_mode_required",
					    "correlation_info_present"};
	json_str(j, "event_type", "initial_request");
	if (tx->has_cookie)
		json_str(j, "cookie", tx->cookie);
	if (tx->has_neg_req)
		put_flags(j, "flags", tx->neg_req_flags, bits, names, 3);
}

static const char *protocol_name(uint32_t p)
{
	switch (p) {
	case RDP_PROTO_RDP: return "rdp";
	case RDP_PROTO_SSL: return "ssl";
	case RDP_PROTO_HYBRID: return "hybrid";
	case RDP_PROTO_RDSTLS: return "rds_tls";
	default: return "hybrid_ex";
	}
}

static void log_response(struct json *j, const struct rdp_tx *tx)
{
	/* NEGRSP_FLAG_RESERVED is not logged */
	static const uint32_t bits[] = {RDP_NEGRSP_EXTENDED_CLIENT_DATA, RDP_NEGRSP_DYNVC_GFX,
					RDP_NEGRSP_RESTRICTED_ADMIN, RDP_NEGRSP_REDIRECTED_AUTH};
	static const char *const names[] = {"extended_client_data", "dynvc_gfx", "restricted_admin",
					    "redirected_authentication"};
	static const char *const reasons[] = {
	    NULL,
	    "ssl required by server",
	    "ssl not allowed by server",
	    "ssl cert not on server",
	    "inconsistent flags",
	    "hybrid required by server",
	    "ssl with user auth required by server",
	};
	json_str(j, "event_type", "initial_response");
	if (tx->neg == RDP_NEG_RESPONSE) {
		if (tx->neg_flags != 0) {
			/* Suricata opens the array for any flag, the reserved one too */
			json_open_array(j, "server_supports");
			for (size_t i = 0; i < 4; i++)
				if (tx->neg_flags & bits[i])
					json_str(j, NULL, names[i]);
			json_close_array(j);
		}
		json_str(j, "protocol", protocol_name(tx->selected_protocol));
	} else if (tx->neg == RDP_NEG_FAILURE && tx->failure_code >= 1 && tx->failure_code <= 6) {
		json_uint(j, "error_code", tx->failure_code);
		json_str(j, "reason", reasons[tx->failure_code]);
	}
}

static const char *keyboard_name(uint32_t t)
{
	static const char *const names[] = {NULL,	"xt",	"ico",	"at",
					    "enhanced", "1050", "9140", "jp"};
	return t >= 1 && t <= 7 ? names[t] : NULL;
}

static void log_caps(struct json *j, uint16_t caps)
{
	/* RNS_UD_CS_UNUSED (0x10) is not logged */
	static const uint32_t bits[] = {0x1, 0x2, 0x4, 0x8, 0x20, 0x40, 0x80, 0x100, 0x200, 0x400};
	static const char *const names[] = {
	    "support_errinfo_pdf",	  "want_32bpp_session",
	    "support_statusinfo_pdu",	  "strong_asymmetric_keys",
	    "valid_connection_type",	  "support_monitor_layout_pdu",
	    "support_netchar_autodetect", "support_dynvc_gfx_protocol",
	    "support_dynamic_time_zone",  "support_heartbeat_pdu"};
	if (caps == 0)
		return;
	json_open_array(j, "capabilities");
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (caps & bits[i])
			json_str(j, NULL, names[i]);
	json_close_array(j);
}

static void log_core(struct json *j, const struct rdp_client_core *c)
{
	static const char *const hints[] = {"",		 "modem",	   "low_broadband",
					    "satellite", "high_broadband", "wan",
					    "lan",	 "autodetect"};
	char build[64];
	const char *s;
	json_open_object(j, "client");
	s = rdp_version_name(c->version);
	json_str(j, "version", s ? s : "unknown");
	json_uint(j, "desktop_width", c->desktop_width);
	json_uint(j, "desktop_height", c->desktop_height);
	unsigned depth = rdp_color_depth(c);
	if (depth)
		json_uint(j, "color_depth", depth);
	s = rdp_lcid_name(c->keyboard_layout);
	json_str(j, "keyboard_layout", s ? s : "unknown");
	json_str(j, "build",
		 rdp_build_name(c->client_build, build, sizeof(build)) ? build : "unknown");
	if (c->client_name[0])
		json_str(j, "client_name", c->client_name);
	if ((s = keyboard_name(c->keyboard_type)) != NULL)
		json_str(j, "keyboard_type", s);
	if (c->keyboard_subtype)
		json_uint(j, "keyboard_subtype", c->keyboard_subtype);
	if (c->function_keys)
		json_uint(j, "function_keys", c->function_keys);
	if (c->ime_file_name[0])
		json_str(j, "ime", c->ime_file_name);
	if (c->n_opt >= RDP_OPT_PRODUCT_ID)
		json_uint(j, "product_id", c->product_id);
	if (c->n_opt >= RDP_OPT_SERIAL && c->serial_number)
		json_uint(j, "serial_number", c->serial_number);
	if (c->n_opt >= RDP_OPT_EARLY_CAPS)
		log_caps(j, c->early_capability_flags);
	if (c->n_opt >= RDP_OPT_DIG_PRODUCT_ID && c->dig_product_id[0])
		json_str(j, "id", c->dig_product_id);
	if (c->n_opt >= RDP_OPT_CONNECTION_TYPE && c->connection_type != 0)
		json_str(j, "connection_hint", hints[c->connection_type & 7]);
	if (c->n_opt >= RDP_OPT_PHYSICAL_WIDTH)
		json_uint(j, "physical_width", c->physical_width);
	if (c->n_opt >= RDP_OPT_PHYSICAL_HEIGHT)
		json_uint(j, "physical_height", c->physical_height);
	if (c->n_opt >= RDP_OPT_ORIENTATION)
		json_uint(j, "desktop_orientation", c->orientation);
	if (c->n_opt >= RDP_OPT_DESKTOP_SCALE)
		json_uint(j, "scale_factor", c->desktop_scale);
	if (c->n_opt >= RDP_OPT_DEVICE_SCALE)
		json_uint(j, "device_scale_factor", c->device_scale);
	json_close_object(j);
}

static void log_connect_request(struct json *j, const struct rdp_tx *tx)
{
	json_str(j, "event_type", "connect_request");
	for (uint32_t i = 0; i < tx->n_blocks; i++) {
		const struct rdp_cs_block *b = &tx->blocks[i];
		if (b->core) {
			log_core(j, &b->c);
		} else if (b->n_channels > 0) {
			json_open_array(j, "channels");
			for (uint32_t k = 0; k < b->n_channels; k++)
				json_str(j, NULL, b->channels[k]);
			json_close_array(j);
		}
	}
}

static void log_serials(struct json *j, const struct rdp_tx *tx)
{
	static const char hex[] = "0123456789abcdef";
	json_str(j, "event_type", "tls_handshake");
	json_open_array(j, "x509_serials");
	for (uint32_t i = 0; i < tx->n_certs; i++) {
		char s[2 * RDP_MAX_SERIAL + 1];
		size_t o = 0;
		const uint8_t *v = tx->serial[i];
		for (uint32_t k = 0; k < tx->serial_len[i]; k++) {
			if (o > 0 || v[k] >> 4)
				s[o++] = hex[v[k] >> 4];
			if (o > 0 || (v[k] & 0xf) || k + 1 == tx->serial_len[i])
				s[o++] = hex[v[k] & 0xf];
		}
		s[o] = 0;
		json_str(j, NULL, s);
	}
	json_close_array(j);
}

void rdp_tx_log_json(struct json *j, const struct rdp_tx *tx)
{
	json_open_object(j, "rdp");
	json_uint(j, "tx_id", tx->tx_id + 1);
	switch (tx->type) {
	case RDP_TX_INITIAL_REQUEST: log_request(j, tx); break;
	case RDP_TX_INITIAL_RESPONSE: log_response(j, tx); break;
	case RDP_TX_CONNECT_REQUEST: log_connect_request(j, tx); break;
	case RDP_TX_CONNECT_RESPONSE: json_str(j, "event_type", "connect_response"); break;
	case RDP_TX_TLS_HANDSHAKE: log_serials(j, tx); break;
	}
	json_close_object(j);
}
