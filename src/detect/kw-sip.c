/*
 * kw-sip.c — the SIP and SDP rule buffers, as Suricata 8 defines them
 * (rust/src/sip/detect.rs, rust/src/sdp/detect.rs), all sticky buffers
 * of the message of the packet's direction:
 *
 *   sip.method, sip.uri, sip.request_line        requests (to server)
 *   sip.stat_code, sip.stat_msg, sip.response_line   responses (to client)
 *   sip.protocol                                 the SIP version, both
 *   sip.from, sip.to, sip.via, sip.user_agent, sip.content_type,
 *   sip.content_length                           header values (long or
 *                                                compact names), one
 *                                                instance per header
 *   sdp.origin, sdp.session_name, sdp.session_info, sdp.uri, sdp.email,
 *   sdp.phone_number, sdp.connection_data, sdp.bandwidth, sdp.time,
 *   sdp.repeat_time, sdp.timezone, sdp.encryption_key, sdp.attribute
 *                                                session-level SDP lines
 *   sdp.media.media, sdp.media.media_info (documented as
 *   sdp.media.session_info: both names work), sdp.media.connection_data,
 *   sdp.media.encryption_key                     media-level SDP lines,
 *                                                one instance per media
 *
 * Values are views into the parser's messages (app/sip.h).
 */
#include "app/sip.h"
#include "detect/detect-internal.h"

enum sip_buf {
	SB_METHOD,
	SB_URI,
	SB_REQUEST_LINE,
	SB_STAT_CODE,
	SB_STAT_MSG,
	SB_RESPONSE_LINE,
	SB_PROTOCOL,
};

static bool line_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *txv,
		     enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	const struct sip_tx *tx = txv;
	struct sip_span sp = {0, 0};
	if (k > 0 || tx->dir != dir)
		return false;
	switch ((enum sip_buf)spec->arg) {
	case SB_METHOD: sp = tx->method; break;
	case SB_URI: sp = tx->uri; break;
	case SB_REQUEST_LINE: sp = tx->is_request ? tx->line : sp; break;
	case SB_STAT_CODE: sp = tx->code; break;
	case SB_STAT_MSG: sp = tx->reason; break;
	case SB_RESPONSE_LINE: sp = tx->is_request ? sp : tx->line; break;
	case SB_PROTOCOL: sp = tx->version; break;
	}
	*d = sip_span_get(tx, sp, l);
	return *d != NULL;
}

static bool header_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *txv,
		       enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	const struct sip_tx *tx = txv;
	if (tx->dir != dir)
		return false;
	return sip_header_value(tx, (enum sip_header_id)spec->arg, k, d, l);
}

/* spec->arg: the SDP line type, + 256 for the media level. */
static bool sdp_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *txv,
		    enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	const struct sip_tx *tx = txv;
	if (tx->dir != dir || !tx->has_sdp)
		return false;
	return sip_sdp_value(tx, (char)(spec->arg & 0xff), spec->arg >= 256, k, d, l);
}

#define SIP_P APP_PROTO_SIP
static const struct app_buffer_spec specs[] = {
    {"sip.method", NULL, SIP_P, AD_TS, line_get, SB_METHOD},
    {"sip.uri", NULL, SIP_P, AD_TS, line_get, SB_URI},
    {"sip.request_line", NULL, SIP_P, AD_TS, line_get, SB_REQUEST_LINE},
    {"sip.stat_code", NULL, SIP_P, AD_TC, line_get, SB_STAT_CODE},
    {"sip.stat_msg", NULL, SIP_P, AD_TC, line_get, SB_STAT_MSG},
    {"sip.response_line", NULL, SIP_P, AD_TC, line_get, SB_RESPONSE_LINE},
    {"sip.protocol", NULL, SIP_P, AD_BOTH, line_get, SB_PROTOCOL},
    {"sip.from", NULL, SIP_P, AD_BOTH, header_get, SIP_H_FROM},
    {"sip.to", NULL, SIP_P, AD_BOTH, header_get, SIP_H_TO},
    {"sip.via", NULL, SIP_P, AD_BOTH, header_get, SIP_H_VIA},
    {"sip.user_agent", NULL, SIP_P, AD_BOTH, header_get, SIP_H_USER_AGENT},
    {"sip.content_type", NULL, SIP_P, AD_BOTH, header_get, SIP_H_CONTENT_TYPE},
    {"sip.content_length", NULL, SIP_P, AD_BOTH, header_get, SIP_H_CONTENT_LENGTH},
    {"sdp.origin", NULL, SIP_P, AD_BOTH, sdp_get, 'o'},
    {"sdp.session_name", NULL, SIP_P, AD_BOTH, sdp_get, 's'},
    {"sdp.session_info", NULL, SIP_P, AD_BOTH, sdp_get, 'i'},
    {"sdp.uri", NULL, SIP_P, AD_BOTH, sdp_get, 'u'},
    {"sdp.email", NULL, SIP_P, AD_BOTH, sdp_get, 'e'},
    {"sdp.phone_number", NULL, SIP_P, AD_BOTH, sdp_get, 'p'},
    {"sdp.connection_data", NULL, SIP_P, AD_BOTH, sdp_get, 'c'},
    {"sdp.bandwidth", NULL, SIP_P, AD_BOTH, sdp_get, 'b'},
    {"sdp.time", NULL, SIP_P, AD_BOTH, sdp_get, 't'},
    {"sdp.repeat_time", NULL, SIP_P, AD_BOTH, sdp_get, 'r'},
    {"sdp.timezone", NULL, SIP_P, AD_BOTH, sdp_get, 'z'},
    {"sdp.encryption_key", NULL, SIP_P, AD_BOTH, sdp_get, 'k'},
    {"sdp.attribute", NULL, SIP_P, AD_BOTH, sdp_get, 'a'},
    {"sdp.media.media", NULL, SIP_P, AD_BOTH, sdp_get, 256 + 'm'},
    {"sdp.media.media_info", "sdp.media.session_info", SIP_P, AD_BOTH, sdp_get, 256 + 'i'},
    {"sdp.media.connection_data", NULL, SIP_P, AD_BOTH, sdp_get, 256 + 'c'},
    {"sdp.media.encryption_key", NULL, SIP_P, AD_BOTH, sdp_get, 256 + 'k'},
};

const struct app_buffer_family app_buffers_sip = {specs, sizeof(specs) / sizeof(specs[0])};
