/*
 * ntp.c — the NTP parser (API and bounds in app/ntp.h): one transaction per
 * datagram that holds an NTP v3/v4 header, its EVE object ("ntp":
 * version, mode, stratum, reference_id as colon-separated hex, as
 * Suricata 8 logs it) and the descriptor.  Only the first 48 bytes of a
 * datagram are read, and only when it has them.
 */
#include "app/ntp.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/json.h"

const char *const ntp_event_names[NTP_EV_COUNT] = {
    [NTP_EV_UNSOLICITED_RESPONSE] = "unsolicited_response",
    [NTP_EV_MALFORMED_DATA] = "malformed_data",
    [NTP_EV_NOT_REQUEST] = "not_request",
    [NTP_EV_NOT_RESPONSE] = "not_response",
};

struct ntp_state {
	struct ntp_tx *txs[NTP_MAX_TXS]; /* live, oldest first */
	uint32_t n_txs;
	uint64_t next_id;
};

enum app_probe_result ntp_probe(const uint8_t *d, uint32_t n)
{
	if (n < NTP_HEADER_LEN)
		return n == 0 ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	uint8_t version = (d[0] >> 3) & 7;
	return version == 3 || version == 4 ? APP_PROBE_MATCH : APP_PROBE_NO;
}

struct ntp_state *ntp_state_new(void)
{
	return calloc(1, sizeof(struct ntp_state));
}

void ntp_state_free(struct ntp_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		free(s->txs[i]);
	free(s);
}

enum app_parse_result ntp_parse(struct ntp_state *s, enum app_dir dir, const uint8_t *d,
				uint32_t n)
{
	if (ntp_probe(d, n) != APP_PROBE_MATCH) {
		if (s->n_txs > 0)
			s->txs[s->n_txs - 1]->events |= 1u << NTP_EV_MALFORMED_DATA;
		return APP_PARSE_OK;
	}
	struct ntp_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return APP_PARSE_ERROR;
	if (s->n_txs == NTP_MAX_TXS) {
		free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (NTP_MAX_TXS - 1) * sizeof(s->txs[0]));
		s->n_txs--;
	}
	tx->id = s->next_id++;
	tx->dir = dir;
	tx->version = (d[0] >> 3) & 7;
	tx->mode = d[0] & 7;
	tx->stratum = d[1];
	memcpy(tx->reference_id, d + 12, 4);
	s->txs[s->n_txs++] = tx;
	return APP_PARSE_OK;
}

uint64_t ntp_tx_count(const struct ntp_state *s)
{
	return s->next_id;
}

const struct ntp_tx *ntp_tx_get(const struct ntp_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct ntp_tx, id));
}

static void ntp_release_upto(struct ntp_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(s->txs[0]));
		s->n_txs -= k;
	}
}

int ntp_mode_by_name(const char *name)
{
	static const char *const names[] = {
	    "reserved", "symmetric_active", "symmetric_passive", "client",
	    "server",   "broadcast",	    "control",		 "private",
	};
	for (int i = 0; i < 8; i++)
		if (strcasecmp(names[i], name) == 0)
			return i;
	return -1;
}

void ntp_tx_log_json(struct json *j, const struct ntp_tx *tx)
{
	char ref[12];
	snprintf(ref, sizeof(ref), "%02x:%02x:%02x:%02x", tx->reference_id[0], tx->reference_id[1],
		 tx->reference_id[2], tx->reference_id[3]);
	json_open_object(j, "ntp");
	json_uint(j, "version", tx->version);
	json_uint(j, "mode", tx->mode);
	json_uint(j, "stratum", tx->stratum);
	json_str(j, "reference_id", ref);
	json_close_object(j);
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe_port(const struct app_probe_in *in, const uint8_t *d,
					  uint32_t n)
{
	return in->tcp ? APP_PROBE_NO : ntp_probe(d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return ntp_state_new();
}

static void d_state_free(void *st)
{
	ntp_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	(void)flags;
	return n == 0 ? APP_PARSE_OK : ntp_parse(st, dir, d, n);
}

static uint64_t d_tx_count(const void *st)
{
	return ntp_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return ntp_tx_get(st, id);
}

static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	(void)eof;
	return ((const struct ntp_tx *)vtx)->dir == dir ? APP_SIDE_READY : APP_SIDE_NONE;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	ntp_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *vtx, int ev)
{
	(void)st;
	return ev >= 0 && ev < NTP_EV_COUNT && (((const struct ntp_tx *)vtx)->events & (1u << ev));
}

static int d_tx_msg_dir(const void *vtx)
{
	return ((const struct ntp_tx *)vtx)->dir;
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)st;
	(void)opts;
	ntp_tx_log_json(j, tx);
}

const struct app_protocol app_ntp = {
    .name = "ntp",
    .ipprotos = APP_IPPROTO_UDP,
    .udp_ports = "123",
    .probe_port = d_probe_port,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_release_upto = d_tx_release_upto,
    .event_names = ntp_event_names,
    .n_events = NTP_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "ntp",
    .log_json = d_log_json,
    .eve_no_tx_id = true,
    .eve_dir_packet = true,
    .tx_msg_dir = d_tx_msg_dir,
};
