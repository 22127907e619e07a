/*
 * sip-log.c — the EVE `sip` object, as Suricata 8 writes it
 * (rust/src/sip/log.rs, rust/src/sdp/logger.rs):
 *
 *   request:  {"method", "uri", "version", "request_line"}
 *   response: {"version", "code", "reason", "response_line"}
 *   then, with an SDP body, "sdp": {"origin", "session_name",
 *   "session_info", "uri", "email", "phone_number", "connection_data",
 *   "bandwidths": [], "time_descriptions": [{"time", "repeat_time"}],
 *   "timezone", "encryption_key", "attributes": [],
 *   "media_descriptions": [{"media", "media_info", "bandwidths",
 *   "connection_data", "encryption_key", "attributes"}]}
 *
 * Only reads the transaction.
 */
#include "app/sip.h"
#include "util/json.h"

static void put_span(struct json *j, const char *key, const struct sip_tx *tx, struct sip_span sp)
{
	uint32_t l;
	const uint8_t *v = sip_span_get(tx, sp, &l);
	json_strn(j, key, v != NULL ? v : (const uint8_t *)"", v != NULL ? l : 0);
}

/* The first line of `type` in section `media` (-1: session level). */
static const struct sdp_line *sdp_first(const struct sip_tx *tx, char type, int media)
{
	for (uint32_t i = 0; i < tx->n_sdp; i++)
		if (tx->sdp[i].type == type && tx->sdp[i].media == media)
			return &tx->sdp[i];
	return NULL;
}

static void put_sdp_one(struct json *j, const char *key, const struct sip_tx *tx, char type,
			int media)
{
	const struct sdp_line *ln = sdp_first(tx, type, media);
	if (ln != NULL)
		put_span(j, key, tx, ln->value);
}

static void put_sdp_list(struct json *j, const char *key, const struct sip_tx *tx, char type,
			 int media)
{
	if (sdp_first(tx, type, media) == NULL)
		return;
	json_open_array(j, key);
	for (uint32_t i = 0; i < tx->n_sdp; i++)
		if (tx->sdp[i].type == type && tx->sdp[i].media == media)
			put_span(j, NULL, tx, tx->sdp[i].value);
	json_close_array(j);
}

/* t= lines, each with the r= line after it. */
static void put_times(struct json *j, const struct sip_tx *tx)
{
	if (sdp_first(tx, 't', -1) == NULL)
		return;
	json_open_array(j, "time_descriptions");
	for (uint32_t i = 0; i < tx->n_sdp; i++) {
		if (tx->sdp[i].type != 't' || tx->sdp[i].media != -1)
			continue;
		json_open_object(j, NULL);
		put_span(j, "time", tx, tx->sdp[i].value);
		if (i + 1 < tx->n_sdp && tx->sdp[i + 1].type == 'r')
			put_span(j, "repeat_time", tx, tx->sdp[i + 1].value);
		json_close_object(j);
	}
	json_close_array(j);
}

static void put_media(struct json *j, const struct sip_tx *tx)
{
	int n_media = 0;
	for (uint32_t i = 0; i < tx->n_sdp; i++)
		if (tx->sdp[i].media + 1 > n_media)
			n_media = tx->sdp[i].media + 1;
	if (n_media == 0)
		return;
	json_open_array(j, "media_descriptions");
	for (int m = 0; m < n_media; m++) {
		json_open_object(j, NULL);
		put_sdp_one(j, "media", tx, 'm', m);
		put_sdp_one(j, "media_info", tx, 'i', m);
		put_sdp_list(j, "bandwidths", tx, 'b', m);
		put_sdp_one(j, "connection_data", tx, 'c', m);
		put_sdp_one(j, "encryption_key", tx, 'k', m);
		put_sdp_list(j, "attributes", tx, 'a', m);
		json_close_object(j);
	}
	json_close_array(j);
}

static void put_sdp(struct json *j, const struct sip_tx *tx)
{
	json_open_object(j, "sdp");
	put_sdp_one(j, "origin", tx, 'o', -1);
	put_sdp_one(j, "session_name", tx, 's', -1);
	put_sdp_one(j, "session_info", tx, 'i', -1);
	put_sdp_one(j, "uri", tx, 'u', -1);
	put_sdp_one(j, "email", tx, 'e', -1);
	put_sdp_one(j, "phone_number", tx, 'p', -1);
	put_sdp_one(j, "connection_data", tx, 'c', -1);
	put_sdp_list(j, "bandwidths", tx, 'b', -1);
	put_times(j, tx);
	put_sdp_one(j, "timezone", tx, 'z', -1);
	put_sdp_one(j, "encryption_key", tx, 'k', -1);
	put_sdp_list(j, "attributes", tx, 'a', -1);
	put_media(j, tx);
	json_close_object(j);
}

void sip_tx_log_json(struct json *j, const struct sip_tx *tx)
{
	json_open_object(j, "sip");
	if (tx->is_request) {
		put_span(j, "method", tx, tx->method);
		put_span(j, "uri", tx, tx->uri);
		put_span(j, "version", tx, tx->version);
		put_span(j, "request_line", tx, tx->line);
	} else {
		put_span(j, "version", tx, tx->version);
		put_span(j, "code", tx, tx->code);
		put_span(j, "reason", tx, tx->reason);
		put_span(j, "response_line", tx, tx->line);
	}
	if (tx->has_sdp)
		put_sdp(j, tx);
	json_close_object(j);
}
