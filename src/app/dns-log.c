/*
 * dns-log.c — Suricata 8's EVE `dns` object for a DNS transaction
 * (version 3, and the version 2 shapes tests can still ask for).
 *
 * Field names, order and value formats follow Suricata's
 * rust/src/dns/log.rs: flags as lower-case hex of the flags word, one
 * boolean per set header bit, rcode and rrtype by name (numbers when
 * unnamed), AAAA as eight groups of four hex digits with leading zeros,
 * one answer entry per TXT string, `grouped` keyed by rrtype.  Suricata's
 * grouped map is a hash map; here keys come in order of first appearance.
 * This file only reads transactions; it never changes parser state.
 */
#include <stdio.h>
#include <string.h>

#include "app/dns.h"
#include "util/json.h"

static void put_name(struct json *j, const char *key, const struct dns_name *n)
{
	json_strn(j, key, n->buf ? n->buf : (const uint8_t *)"", n->len);
}

static void put_addr(struct json *j, const char *key, const struct dns_rr *rr)
{
	char s[64] = "";
	const uint8_t *a = rr->addr;
	if (rr->addr_len == 4) {
		snprintf(s, sizeof(s), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	} else if (rr->addr_len == 16) {
		size_t o = 0;
		for (int i = 0; i < 16; i += 2)
			o += (size_t)snprintf(s + o, sizeof(s) - o, "%s%02x%02x", i ? ":" : "",
					      a[i], a[i + 1]);
	}
	json_str(j, key, s);
}

static void put_hex(struct json *j, const char *key, const uint8_t *b, uint32_t n, const char *sep)
{
	static const char hex[] = "0123456789abcdef";
	json_str_open(j, key);
	for (uint32_t i = 0; i < n; i++) {
		char h[3] = {hex[b[i] >> 4], hex[b[i] & 0xf], 0};
		if (i > 0 && sep[0])
			json_append_escaped(j, (const uint8_t *)sep, strlen(sep));
		json_append_escaped(j, (const uint8_t *)h, 2);
	}
	json_str_close(j);
}

/* The i-th TXT string of a record (false past the last). */
static bool txt_string(const struct dns_rr *rr, uint16_t i, const uint8_t **s, uint32_t *len)
{
	uint32_t p = 0;
	for (uint16_t k = 0; k < rr->n_txt; k++) {
		uint32_t l = rr->raw[p];
		if (k == i) {
			*s = rr->raw + p + 1;
			*len = l;
			return true;
		}
		p += 1u + l;
	}
	return false;
}

static void put_soa(struct json *j, const char *key, const struct dns_rr *rr)
{
	json_open_object(j, key);
	put_name(j, "mname", &rr->target);
	if (rr->target.flags & DNS_NAME_TRUNCATED)
		json_bool(j, "mname_truncated", true);
	put_name(j, "rname", &rr->rname);
	if (rr->rname.flags & DNS_NAME_TRUNCATED)
		json_bool(j, "rname_truncated", true);
	json_uint(j, "serial", rr->soa_serial);
	json_uint(j, "refresh", rr->soa_refresh);
	json_uint(j, "retry", rr->soa_retry);
	json_uint(j, "expire", rr->soa_expire);
	json_uint(j, "minimum", rr->soa_minimum);
	json_close_object(j);
}

static void put_sshfp(struct json *j, const char *key, const struct dns_rr *rr)
{
	json_open_object(j, key);
	put_hex(j, "fingerprint", rr->raw, rr->raw_len, ":");
	json_uint(j, "algo", rr->sshfp_algo);
	json_uint(j, "type", rr->sshfp_type);
	json_close_object(j);
}

static void put_srv(struct json *j, const char *key, const struct dns_rr *rr)
{
	json_open_object(j, key);
	json_uint(j, "priority", rr->pref);
	json_uint(j, "weight", rr->weight);
	json_uint(j, "port", rr->port);
	put_name(j, "name", &rr->target);
	json_close_object(j);
}

static void put_opt(struct json *j, const struct dns_rr *rr)
{
	json_open_array(j, "opt");
	uint32_t p = 0;
	while (rr->raw_len - p >= 4) {
		uint16_t code = (uint16_t)((rr->raw[p] << 8) | rr->raw[p + 1]);
		uint32_t l = (uint32_t)((rr->raw[p + 2] << 8) | rr->raw[p + 3]);
		p += 4;
		if (l > rr->raw_len - p)
			break;
		json_open_object(j, NULL);
		json_uint(j, "code", code);
		put_hex(j, "data", rr->raw + p, l, "");
		json_close_object(j);
		p += l;
	}
	json_close_array(j);
}

/* One entry of answers / authorities / additionals; txt_i picks the TXT
 * string for TXT records. */
static void put_rr_detail(struct json *j, const struct dns_rr *rr, uint16_t txt_i)
{
	char tb[8];
	json_open_object(j, NULL);
	put_name(j, "rrname", &rr->name);
	if (rr->name.flags & DNS_NAME_TRUNCATED)
		json_bool(j, "rrname_truncated", true);
	json_str(j, "rrtype", dns_rrtype_name(rr->rrtype, tb, sizeof(tb)));
	json_uint(j, "ttl", rr->ttl);
	const uint8_t *s;
	uint32_t l;
	switch (rr->kind) {
	case DNS_RDATA_ADDR: put_addr(j, "rdata", rr); break;
	case DNS_RDATA_NAME:
		put_name(j, "rdata", &rr->target);
		if (rr->target.flags & DNS_NAME_TRUNCATED)
			json_bool(j, "rdata_truncated", true);
		break;
	case DNS_RDATA_TXT:
		if (txt_string(rr, txt_i, &s, &l))
			json_strn(j, "rdata", s, l);
		break;
	case DNS_RDATA_NULL: json_strn(j, "rdata", rr->raw, rr->raw_len); break;
	case DNS_RDATA_SOA: put_soa(j, "soa", rr); break;
	case DNS_RDATA_SSHFP: put_sshfp(j, "sshfp", rr); break;
	case DNS_RDATA_SRV: put_srv(j, "srv", rr); break;
	case DNS_RDATA_OPT: put_opt(j, rr); break;
	case DNS_RDATA_RAW: break;
	}
	json_close_object(j);
}

/* Entries of a section, TXT records expanded one per string. */
static void put_rrs(struct json *j, const struct dns_rr *rrs, uint32_t n, bool skip_empty_opt)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct dns_rr *rr = &rrs[i];
		if (skip_empty_opt && rr->kind == DNS_RDATA_OPT && rr->raw_len == 0)
			continue;
		if (rr->kind == DNS_RDATA_TXT) {
			for (uint16_t t = 0; t < rr->n_txt; t++)
				put_rr_detail(j, rr, t);
		} else {
			put_rr_detail(j, rr, 0);
		}
	}
}

/* Whether a record has a value in `grouped`. */
static bool groupable(const struct dns_rr *rr)
{
	return rr->kind != DNS_RDATA_RAW && rr->kind != DNS_RDATA_OPT;
}

static void put_grouped_value(struct json *j, const struct dns_rr *rr)
{
	const uint8_t *s;
	uint32_t l;
	switch (rr->kind) {
	case DNS_RDATA_ADDR: put_addr(j, NULL, rr); break;
	case DNS_RDATA_NAME: put_name(j, NULL, &rr->target); break;
	case DNS_RDATA_TXT:
		for (uint16_t t = 0; txt_string(rr, t, &s, &l); t++)
			json_strn(j, NULL, s, l);
		break;
	case DNS_RDATA_NULL: json_strn(j, NULL, rr->raw, rr->raw_len); break;
	case DNS_RDATA_SOA: put_soa(j, NULL, rr); break;
	case DNS_RDATA_SSHFP: put_sshfp(j, NULL, rr); break;
	case DNS_RDATA_SRV: put_srv(j, NULL, rr); break;
	default: break;
	}
}

static void put_grouped(struct json *j, const struct dns_rr *rrs, uint32_t n)
{
	char tb[8];
	json_open_object(j, "grouped");
	for (uint32_t i = 0; i < n; i++) {
		if (!groupable(&rrs[i]))
			continue;
		bool seen = false;
		for (uint32_t k = 0; k < i && !seen; k++)
			seen = groupable(&rrs[k]) && rrs[k].rrtype == rrs[i].rrtype;
		if (seen)
			continue;
		json_open_array(j, dns_rrtype_name(rrs[i].rrtype, tb, sizeof(tb)));
		for (uint32_t k = i; k < n; k++)
			if (groupable(&rrs[k]) && rrs[k].rrtype == rrs[i].rrtype)
				put_grouped_value(j, &rrs[k]);
		json_close_array(j);
	}
	json_close_object(j);
}

static void put_header_flags(struct json *j, uint16_t f)
{
	char hex[8];
	snprintf(hex, sizeof(hex), "%x", f);
	json_str(j, "flags", hex);
	if (f & DNS_FLAG_QR)
		json_bool(j, "qr", true);
	if (f & DNS_FLAG_AA)
		json_bool(j, "aa", true);
	if (f & DNS_FLAG_TC)
		json_bool(j, "tc", true);
	if (f & DNS_FLAG_RD)
		json_bool(j, "rd", true);
	if (f & DNS_FLAG_RA)
		json_bool(j, "ra", true);
	if (f & DNS_FLAG_Z)
		json_bool(j, "z", true);
}

static void put_answers_and_rest(struct json *j, const struct dns_tx *tx)
{
	uint32_t na = tx->n_rrs[DNS_SEC_ANSWER];
	const struct dns_rr *an = tx->rrs[DNS_SEC_ANSWER];
	if (na > 0) {
		json_open_array(j, "answers");
		put_rrs(j, an, na, false);
		json_close_array(j);
		put_grouped(j, an, na);
	}
	if (tx->n_rrs[DNS_SEC_AUTHORITY] > 0) {
		json_open_array(j, "authorities");
		put_rrs(j, tx->rrs[DNS_SEC_AUTHORITY], tx->n_rrs[DNS_SEC_AUTHORITY], false);
		json_close_array(j);
	}
	const struct dns_rr *ad = tx->rrs[DNS_SEC_ADDITIONAL];
	uint32_t nd = tx->n_rrs[DNS_SEC_ADDITIONAL];
	bool any = false;
	for (uint32_t i = 0; i < nd && !any; i++)
		any = !(ad[i].kind == DNS_RDATA_OPT && ad[i].raw_len == 0);
	if (any) {
		json_open_array(j, "additionals");
		put_rrs(j, ad, nd, true);
		json_close_array(j);
	}
}

void dns_tx_log_json(struct json *j, const struct dns_tx *tx, enum app_dir dir)
{
	char tb[8];
	(void)dir;
	json_open_object(j, "dns");
	json_int(j, "version", 3);
	json_str(j, "type", tx->request ? "request" : "response");
	json_uint(j, "tx_id", tx->tx_id);
	json_uint(j, "id", tx->id);
	put_header_flags(j, tx->flags);
	json_uint(j, "opcode", tx->opcode);
	json_str(j, "rcode", dns_rcode_name(tx->rcode, tb, sizeof(tb)));
	if (tx->n_queries > 0) {
		json_open_array(j, "queries");
		for (uint32_t i = 0; i < tx->n_queries; i++) {
			const struct dns_query *q = &tx->queries[i];
			json_open_object(j, NULL);
			put_name(j, "rrname", &q->name);
			json_str(j, "rrtype", dns_rrtype_name(q->rrtype, tb, sizeof(tb)));
			if (q->name.flags & DNS_NAME_TRUNCATED)
				json_bool(j, "rrname_truncated", true);
			json_close_object(j);
		}
		json_close_array(j);
	}
	put_answers_and_rest(j, tx);
	json_close_object(j);
}

bool dns_tx_log_json_v2_query(struct json *j, const struct dns_tx *tx, size_t i)
{
	char tb[8];
	if (!tx->request || i >= tx->n_queries)
		return false;
	const struct dns_query *q = &tx->queries[i];
	json_open_object(j, "dns");
	json_str(j, "type", "query");
	json_uint(j, "id", tx->id);
	put_name(j, "rrname", &q->name);
	if (q->name.flags & DNS_NAME_TRUNCATED)
		json_bool(j, "rrname_truncated", true);
	json_str(j, "rrtype", dns_rrtype_name(q->rrtype, tb, sizeof(tb)));
	json_uint(j, "tx_id", tx->tx_id);
	if (tx->flags & DNS_FLAG_Z)
		json_bool(j, "z", true);
	json_uint(j, "opcode", tx->opcode);
	json_close_object(j);
	return true;
}

void dns_tx_log_json_v2_answer(struct json *j, const struct dns_tx *tx)
{
	char tb[8];
	json_open_object(j, "dns");
	json_int(j, "version", 2);
	json_str(j, "type", "answer");
	json_uint(j, "id", tx->id);
	put_header_flags(j, tx->flags);
	json_uint(j, "opcode", tx->opcode);
	if (tx->n_queries > 0) {
		put_name(j, "rrname", &tx->queries[0].name);
		if (tx->queries[0].name.flags & DNS_NAME_TRUNCATED)
			json_bool(j, "rrname_truncated", true);
		json_str(j, "rrtype", dns_rrtype_name(tx->queries[0].rrtype, tb, sizeof(tb)));
	}
	json_str(j, "rcode", dns_rcode_name(tx->rcode, tb, sizeof(tb)));
	put_answers_and_rest(j, tx);
	json_close_object(j);
}
