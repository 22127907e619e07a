/*
 * eve-goose — EVE "goose" events for IEC 61850 GOOSE frames (vigil's own:
 * Suricata has no GOOSE decoder).  One event per frame would flood the
 * log (publishers repeat every few ms), so by default a frame is logged
 * when it is the first of its publisher (source MAC, gocbRef), when its
 * stNum changed (a new state), or when it raised a goose anomaly;
 * eve-log `- goose: {log-all: yes}` logs every frame.
 *
 *   "goose": {"src_mac": "...", "dest_mac": "...", "appid": 12289,
 *     "length": 227, "simulated": false, "gocbref": "...",
 *     "time_allowed_to_live": 15000, "datset": "...", "goid": "...",
 *     "t": "2008-07-18T12:33:20.140625+0000", "stnum": 36705,
 *     "sqnum": 0, "simulation": false, "conf_rev": 1, "nds_com": false,
 *     "num_dat_set_entries": 25, "all_data": [...], "reason": ["state"],
 *     "events": ["stnum_jump"]}
 *
 * all_data holds the first GOOSE_MAX_DATA values: booleans, integers,
 * floats as numbers, bit strings and other types as {"type": hex}.
 *
 * A publisher that falls silent past its TTL gets one event with no
 * frame: {"src_mac", "gocbref", "stnum", "sqnum", "time_allowed_to_live"
 * of its last frame, "last_seen", "reason": ["anomaly"], "events":
 * ["ttl_expired"]}, timed when the worker's clock found it.
 */
#include <stdio.h>
#include <string.h>

#include "output/eve.h"
#include "util/json.h"

static void put_mac(struct json *j, const char *key, const uint8_t *m)
{
	static const char digits[] = "0123456789abcdef";
	char b[18];
	for (int i = 0; i < 6; i++) {
		b[3 * i] = digits[m[i] >> 4];
		b[3 * i + 1] = digits[m[i] & 15];
		b[3 * i + 2] = i < 5 ? ':' : '\0';
	}
	json_str(j, key, b);
}

static void put_hex(struct json *j, const char *key, const uint8_t *d, uint32_t n)
{
	char b[2 * 64 + 1];
	if (n > 64)
		n = 64;
	static const char digits[] = "0123456789abcdef";
	for (uint32_t i = 0; i < n; i++) {
		b[2 * i] = digits[d[i] >> 4];
		b[2 * i + 1] = digits[d[i] & 15];
	}
	b[2 * n] = 0;
	json_str(j, key, b);
}

/* UtcTime: 4 bytes of seconds, 3 of fraction (of a second, 2^-24), quality. */
static void put_utc(struct json *j, const char *key, const uint8_t *t)
{
	int64_t sec =
	    (int64_t)((uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3]);
	uint32_t frac = (uint32_t)t[4] << 16 | (uint32_t)t[5] << 8 | t[6];
	uint32_t usec = (uint32_t)(((uint64_t)frac * 1000000u) >> 24);
	char ts[40];
	eve_format_time(sec, usec, ts);
	json_str(j, key, ts);
}

static int64_t be_int(const uint8_t *v, uint32_t n, bool sign)
{
	int64_t x = sign && n > 0 && (v[0] & 0x80) ? -1 : 0;
	for (uint32_t i = 0; i < n; i++)
		x = (int64_t)((uint64_t)x << 8) | v[i];
	return x;
}

static void put_value(struct json *j, const struct goose_value *v)
{
	switch (v->tag) {
	case 0x83: /* boolean */
		if (v->len == 1) {
			json_bool(j, NULL, v->v[0] != 0);
			return;
		}
		break;
	case 0x85: /* integer */
	case 0x86: /* unsigned */
		if (v->len >= 1 && v->len <= 8) {
			if (v->tag == 0x85)
				json_int(j, NULL, be_int(v->v, v->len, true));
			else
				json_uint(j, NULL, (uint64_t)be_int(v->v, v->len, false));
			return;
		}
		break;
	case 0x87: /* floating-point: exponent width, then IEEE 754 single */
		if (v->len == 5 && v->v[0] == 8) {
			uint32_t bits = (uint32_t)v->v[1] << 24 | (uint32_t)v->v[2] << 16 |
					(uint32_t)v->v[3] << 8 | v->v[4];
			float f;
			memcpy(&f, &bits, sizeof(f));
			if (f == f && f - f == 0) { /* finite */
				json_double(j, NULL, f);
				return;
			}
		}
		break;
	default: break;
	}
	static const char *const names[] = {
	    [1] = "array",	    [2] = "structure",	  [3] = "boolean",
	    [4] = "bit_string",	    [5] = "integer",	  [6] = "unsigned",
	    [7] = "floating_point", [9] = "octet_string", [10] = "visible_string",
	    [12] = "binary_time",   [13] = "bcd",	  [14] = "boolean_array",
	    [16] = "mms_string",    [17] = "utc_time",
	};
	unsigned n = v->tag & 0x1f;
	const char *name = n < sizeof(names) / sizeof(names[0]) && names[n] ? names[n] : "data";
	json_open_object(j, NULL);
	put_hex(j, name, v->v, v->len);
	json_close_object(j);
}

static void put_events(struct json *j, const struct packet *p)
{
	bool open = false;
	for (uint8_t i = 0; i < p->event_count; i++) {
		const char *name = decode_event_name((enum decode_event)p->events[i]);
		if (name == NULL || strncmp(name, "goose.", 6) != 0)
			continue;
		if (!open)
			json_open_array(j, "events");
		open = true;
		json_str(j, NULL, name + 6);
	}
	if (open)
		json_close_array(j);
}

static void put_reason(struct json *j, uint8_t why)
{
	if (why == 0)
		return;
	json_open_array(j, "reason");
	if (why & GOOSE_LOG_NEW)
		json_str(j, NULL, "new");
	if (why & GOOSE_LOG_STATE)
		json_str(j, NULL, "state");
	if (why & GOOSE_LOG_ANOMALY)
		json_str(j, NULL, "anomaly");
	json_close_array(j);
}

static void put_pdu(struct json *j, const struct goose_view *g)
{
	json_strn(j, "gocbref", g->gocbref, g->gocbref_len);
	json_uint(j, "time_allowed_to_live", g->ttl);
	json_strn(j, "datset", g->datset, g->datset_len);
	if (g->has_goid)
		json_strn(j, "goid", g->goid, g->goid_len);
	put_utc(j, "t", g->t);
	json_uint(j, "stnum", g->stnum);
	json_uint(j, "sqnum", g->sqnum);
	json_bool(j, "simulation", g->simulation);
	json_uint(j, "conf_rev", g->confrev);
	json_bool(j, "nds_com", g->ndscom);
	json_uint(j, "num_dat_set_entries", g->num_entries);
	json_open_array(j, "all_data");
	uint32_t pos = 0, n = 0;
	struct goose_value v;
	while (n < GOOSE_MAX_DATA && goose_data_next(g, &pos, &v)) {
		put_value(j, &v);
		n++;
	}
	json_close_array(j);
	if (g->n_data > n)
		json_bool(j, "all_data_truncated", true);
}

void eve_log_goose(struct eve_logger *l, const struct packet *p)
{
	const struct eve_config *cfg = eve_logger_config(l);
	const struct goose_view *g = &p->goose;
	if (!g->present || !cfg->types[EVE_T_GOOSE] || (!cfg->goose_all && g->log_reason == 0))
		return;
	struct json *j = eve_begin(l, "goose", p, NULL, 0, 0);
	json_open_object(j, "goose");
	if (p->has_eth) {
		put_mac(j, "src_mac", p->eth_src);
		put_mac(j, "dest_mac", p->eth_dst);
	}
	json_uint(j, "appid", g->appid);
	json_uint(j, "length", g->length);
	json_bool(j, "simulated", (g->reserved1 & 0x8000) != 0);
	if (g->pdu_ok)
		put_pdu(j, g);
	else
		json_str(j, "pdu", g->mngt ? "gse_management" : "invalid");
	put_reason(j, g->log_reason);
	put_events(j, p);
	json_close_object(j);
	eve_commit(l);
}

void eve_log_goose_silent(struct eve_logger *l, const struct goose_silent *s)
{
	if (!eve_logger_config(l)->types[EVE_T_GOOSE])
		return;
	struct json *j = eve_begin(l, "goose", NULL, NULL, s->now_sec, s->now_usec);
	json_open_object(j, "goose");
	put_mac(j, "src_mac", s->mac);
	json_strn(j, "gocbref", s->gocbref, s->gocbref_len);
	json_uint(j, "time_allowed_to_live", s->ttl);
	json_uint(j, "stnum", s->stnum);
	json_uint(j, "sqnum", s->sqnum);
	char ts[40];
	eve_format_time(s->last_sec, s->last_usec, ts);
	json_str(j, "last_seen", ts);
	put_reason(j, GOOSE_LOG_ANOMALY);
	json_open_array(j, "events");
	json_str(j, NULL, "ttl_expired");
	json_close_array(j);
	json_close_object(j);
	eve_commit(l);
}
