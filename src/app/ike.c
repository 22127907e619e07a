/*
 * ike.c — the IKE parser (API and bounds in app/ike.h): the ISAKMP / IKEv2
 * header, the IKEv1 payload chain (SA, proposals, transforms, attributes,
 * key exchange, nonce, vendor id), the IKEv2 payload chain's types, one
 * transaction per datagram, and the descriptor.  The EVE writer is
 * ike-log.c.  Every payload is read within its parent's bytes, which are
 * within the datagram.
 */
#include "app/ike.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ike_event_names[IKE_EV_COUNT] = {
    [IKE_EV_MALFORMED_DATA] = "malformed_data",
    [IKE_EV_NO_ENCRYPTION] = "no_encryption",
    [IKE_EV_WEAK_CRYPTO_ENC] = "weak_crypto_enc",
    [IKE_EV_WEAK_CRYPTO_PRF] = "weak_crypto_prf",
    [IKE_EV_WEAK_CRYPTO_DH] = "weak_crypto_dh",
    [IKE_EV_WEAK_CRYPTO_AUTH] = "weak_crypto_auth",
    [IKE_EV_WEAK_CRYPTO_NO_DH] = "weak_crypto_no_dh",
    [IKE_EV_WEAK_CRYPTO_NO_AUTH] = "weak_crypto_no_auth",
    [IKE_EV_INVALID_PROPOSAL] = "invalid_proposal",
    [IKE_EV_UNKNOWN_PROPOSAL] = "unknown_proposal",
    [IKE_EV_PAYLOAD_EXTRA_DATA] = "payload_extra_data",
    [IKE_EV_MULTIPLE_SERVER_PROPOSAL] = "multiple_server_proposal",
};

#define IKE_HEADER_LEN 28

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void data_set(struct ike_data *dd, const uint8_t *d, uint32_t n)
{
	free(dd->p);
	if (n > IKE_MAX_DATA)
		n = IKE_MAX_DATA;
	dd->p = malloc(n ? n : 1);
	dd->len = 0;
	if (dd->p == NULL)
		return;
	memcpy(dd->p, d, n);
	dd->len = n;
}

static void add_payload_type(struct ike_tx *tx, uint8_t t)
{
	for (uint8_t i = 0; i < tx->n_payload_types; i++)
		if (tx->payload_types[i] == t)
			return;
	if (tx->n_payload_types < IKE_MAX_PAYLOAD_TYPES)
		tx->payload_types[tx->n_payload_types++] = t;
}

/* The attributes of a transform; false when one does not fit. */
static bool read_attrs(struct ike_transform *t, const uint8_t *d, uint32_t n)
{
	uint32_t off = 0;
	while (n - off >= 4) {
		uint16_t tw = be16(d + off), v = be16(d + off + 2);
		off += 4;
		struct ike_attr a = {0};
		a.type = tw & 0x7fff;
		a.tv = (tw & 0x8000) != 0;
		a.value = v;
		if (a.tv) {
			a.has_numeric = true;
			a.numeric = v;
		} else {
			if (n - off < v)
				return false;
			if (v == 4) {
				a.has_numeric = true;
				a.numeric = be32(d + off);
			} else {
				a.var_len = v < sizeof(a.var) ? (uint8_t)v : (uint8_t)sizeof(a.var);
				memcpy(a.var, d + off, a.var_len);
			}
			off += v;
		}
		if (t->n < IKE_MAX_ATTRS)
			t->attrs[t->n++] = a;
	}
	return true;
}

/* A chain of generic payloads in [d, d + n) whose type is `first`; calls
 * fn for each; false when a payload header does not fit. */
typedef bool (*payload_fn)(struct ike_state *s, struct ike_tx *tx, uint8_t type,
			   const uint8_t *d, uint32_t n);

static bool walk_payloads(struct ike_state *s, struct ike_tx *tx, uint8_t first,
			  const uint8_t *d, uint32_t n, payload_fn fn, uint32_t *rest)
{
	uint8_t type = first;
	uint32_t off = 0;
	int guard = 0;
	while (type != 0 && guard++ < 64) {
		if (n - off < 4)
			return false;
		uint8_t next = d[off];
		uint16_t len = be16(d + off + 2);
		if (len < 4 || len > n - off)
			return false;
		if (!fn(s, tx, type, d + off + 4, len - 4u))
			return false;
		off += len;
		type = next;
	}
	*rest = n - off;
	return true;
}

static bool transform_fn(struct ike_state *s, struct ike_tx *tx, uint8_t type, const uint8_t *d,
			 uint32_t n)
{
	(void)s;
	if (type != 3 || n < 4)
		return type == 3 ? false : true;
	add_payload_type(tx, 3);
	if (tx->n_transforms >= IKE_MAX_TRANSFORMS)
		return true;
	struct ike_transform *t = &tx->transforms[tx->n_transforms++];
	memset(t, 0, sizeof(*t));
	return read_attrs(t, d + 4, n - 4);
}

static bool proposal_fn(struct ike_state *s, struct ike_tx *tx, uint8_t type, const uint8_t *d,
			uint32_t n)
{
	if (type != 2)
		return true;
	add_payload_type(tx, 2);
	if (n < 4 || n - 4 < d[2])
		return false;
	uint32_t spi = d[2], rest;
	if (d[3] == 0)
		return true;
	return walk_payloads(s, tx, 3, d + 4 + spi, n - 4 - spi, transform_fn, &rest);
}

static bool v1_payload_fn(struct ike_state *s, struct ike_tx *tx, uint8_t type, const uint8_t *d,
			  uint32_t n)
{
	add_payload_type(tx, type);
	switch (type) {
	case 1: { /* Security Association */
		if (n < 4)
			return false;
		s->has_doi = true;
		s->doi = be32(d);
		if (s->doi != 1 || n < 8)
			return true;
		uint32_t rest;
		if (!walk_payloads(s, tx, 2, d + 8, n - 8, proposal_fn, &rest))
			tx->events |= 1u << IKE_EV_MALFORMED_DATA;
		return true;
	}
	case 4:
		data_set(&tx->ke, d, n);
		tx->has_ke = true;
		return true;
	case 10:
		data_set(&tx->nonce, d, n);
		tx->has_nonce = true;
		return true;
	case 13:
		if (tx->n_vendors < IKE_MAX_VENDORS) {
			char *h = tx->vendors[tx->n_vendors++];
			uint32_t k = n < 32 ? n : 32;
			for (uint32_t i = 0; i < k; i++)
				snprintf(h + 2 * i, 3, "%02x", d[i]);
			h[2 * k] = 0;
		}
		return true;
	default: return true;
	}
}

/* Suricata's checks of one IKEv2 transform (rust/src/ike/ikev2.rs). */
static void v2_transform_check(struct ike_tx *tx, uint8_t type, uint16_t id)
{
	switch (type) {
	case 1: /* encryption: DES ... 3IDEA, DES_IV32, NULL */
		if ((id >= 1 && id <= 9) || id == 11)
			tx->events |= 1u << IKE_EV_WEAK_CRYPTO_ENC;
		break;
	case 2:
		if (id == 0)
			tx->events |= 1u << IKE_EV_INVALID_PROPOSAL;
		else if (id == 1 || id == 2)
			tx->events |= 1u << IKE_EV_WEAK_CRYPTO_PRF;
		break;
	case 3:
		if (id >= 1 && id <= 7)
			tx->events |= 1u << IKE_EV_WEAK_CRYPTO_AUTH;
		break;
	case 4:
		if (id == 0)
			tx->events |= 1u << IKE_EV_INVALID_PROPOSAL;
		else if (id == 1 || id == 2 || id == 22 || id == 5)
			tx->events |= 1u << IKE_EV_WEAK_CRYPTO_DH;
		break;
	case 5: break;
	default: tx->events |= 1u << IKE_EV_UNKNOWN_PROPOSAL; break;
	}
}

static bool enc_is_aead(uint16_t id)
{
	return (id >= 14 && id <= 16) || (id >= 18 && id <= 20) || (id >= 25 && id <= 28);
}

/* IKEv2 SA (RFC 7296 3.3): every proposal checked as Suricata does; in a
 * message to the client, its transforms set the flow's chosen algorithms,
 * the last of a type winning, as Suricata's state keeps them. */
static void v2_sa(struct ike_state *s, struct ike_tx *tx, const uint8_t *d, uint32_t n)
{
	uint32_t poff = 0;
	for (int guard = 0; guard < 64 && n - poff >= 8; guard++) {
		const uint8_t *pp = d + poff;
		uint16_t plen = be16(pp + 2);
		if (plen < 8 || plen > n - poff)
			return;
		uint32_t off = 8 + pp[6];
		uint8_t ntrans = pp[7];
		bool has_dh = false, has_auth = false, aead = false;
		for (uint8_t i = 0; i < ntrans && off + 8 <= plen; i++) {
			uint16_t tlen = be16(pp + off + 2);
			if (tlen < 8 || tlen > plen - off)
				return;
			uint8_t type = pp[off + 4];
			uint16_t id = be16(pp + off + 6);
			v2_transform_check(tx, type, id);
			has_dh |= type == 4;
			has_auth |= type == 3 && id != 0;
			aead |= type == 1 && enc_is_aead(id);
			if (tx->dir == APP_TOCLIENT) {
				switch (type) {
				case 1: s->v2_enc = id; break;
				case 2: s->v2_prf = id; break;
				case 3: s->v2_auth = id; break;
				case 4: s->v2_dh = id; break;
				case 5: s->v2_esn = id; break;
				default: break;
				}
			}
			off += tlen;
		}
		if (!has_dh)
			tx->events |= 1u << IKE_EV_WEAK_CRYPTO_NO_DH;
		if (pp[5] == 2) /* AH: no confidentiality */
			tx->events |= 1u << IKE_EV_NO_ENCRYPTION;
		if (!has_auth && !aead)
			tx->events |= 1u << IKE_EV_WEAK_CRYPTO_NO_AUTH;
		if (pp[0] != 2) /* not "more proposals follow" */
			return;
		poff += plen;
	}
}

/* IKEv2: every payload in order (the EVE list keeps repeats). */
static bool v2_payload_fn(struct ike_state *s, struct ike_tx *tx, uint8_t type, const uint8_t *d,
			  uint32_t n)
{
	if (tx->n_payload_types < IKE_MAX_PAYLOAD_TYPES)
		tx->payload_types[tx->n_payload_types++] = type;
	if (type == 33)
		v2_sa(s, tx, d, n);
	if (type == 41 && n >= 4 && tx->n_notify < IKE_MAX_PAYLOAD_TYPES)
		tx->notify[tx->n_notify++] = be16(d + 2); /* protocol, spi size, type */
	return type != 46; /* Encrypted: its inner chain is not readable */
}

static void side_update(struct ike_side *side, const struct ike_tx *tx)
{
	data_set(&side->ke, tx->has_ke ? tx->ke.p : (const uint8_t *)"", tx->has_ke ? tx->ke.len : 0);
	data_set(&side->nonce, tx->has_nonce ? tx->nonce.p : (const uint8_t *)"",
		 tx->has_nonce ? tx->nonce.len : 0);
	if (side->nb_transforms == 0 && tx->n_transforms > 0)
		side->transform = tx->transforms[0];
	side->nb_transforms += tx->n_transforms;
}

static void tx_free(struct ike_tx *tx)
{
	free(tx->ke.p);
	free(tx->nonce.p);
	free(tx);
}

enum app_probe_result ike_probe(const uint8_t *d, uint32_t n)
{
	/* As Suricata: UDP 500 only; NAT-T on 4500 (non-ESP marker) is not read */
	if (n < IKE_HEADER_LEN)
		return APP_PROBE_NO;
	uint8_t maj = d[17] >> 4;
	if (maj != 1 && maj != 2)
		return APP_PROBE_NO;
	uint32_t len = be32(d + 24);
	if (len < IKE_HEADER_LEN || len > n)
		return APP_PROBE_NO;
	if (maj == 2 && (d[18] < 34 || d[18] > 37))
		return APP_PROBE_NO;
	return APP_PROBE_MATCH;
}

enum app_parse_result ike_parse(struct ike_state *s, enum app_dir dir, const uint8_t *d,
				uint32_t n)
{
	if (ike_probe(d, n) != APP_PROBE_MATCH) {
		if (s->n_txs > 0)
			s->txs[s->n_txs - 1]->events |= 1u << IKE_EV_MALFORMED_DATA;
		return APP_PARSE_OK;
	}
	struct ike_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return APP_PARSE_ERROR;
	if (s->n_txs == IKE_MAX_TXS) {
		tx_free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (IKE_MAX_TXS - 1) * sizeof(s->txs[0]));
		s->n_txs--;
	}
	tx->id = s->next_id++;
	tx->dir = dir;
	tx->state = s;
	memcpy(tx->init_spi, d, 8);
	memcpy(tx->resp_spi, d + 8, 8);
	for (int i = 0; i < 8; i++) {
		snprintf(tx->init_hex + 2 * i, 3, "%02x", d[i]);
		snprintf(tx->resp_hex + 2 * i, 3, "%02x", d[8 + i]);
	}
	uint8_t next = d[16];
	tx->maj_ver = d[17] >> 4;
	tx->min_ver = d[17] & 0x0f;
	tx->version = tx->maj_ver;
	tx->exch_type = d[18];
	tx->flags = d[19];
	tx->msg_id = be32(d + 20);
	uint32_t len = be32(d + 24);
	const uint8_t *p = d + IKE_HEADER_LEN;
	uint32_t pn = len - IKE_HEADER_LEN, rest = 0;
	s->txs[s->n_txs++] = tx;
	if (tx->version == 1) {
		add_payload_type(tx, next);
		tx->encrypted = (tx->flags & 1) != 0;
		if (tx->encrypted)
			return APP_PARSE_OK;
		if (!walk_payloads(s, tx, next, p, pn, v1_payload_fn, &rest)) {
			tx->events |= 1u << IKE_EV_MALFORMED_DATA;
			return APP_PARSE_OK;
		}
		bool sa = false;
		for (uint8_t i = 0; i < tx->n_payload_types; i++)
			sa |= tx->payload_types[i] == 1;
		struct ike_side *side = dir == APP_TOSERVER ? &s->client : &s->server;
		if (sa) { /* a new SA: what this side proposed before is over */
			side->nb_transforms = 0;
			memset(&side->transform, 0, sizeof(side->transform));
		}
		if (dir == APP_TOCLIENT && s->server.nb_transforms <= 1 &&
		    s->server.nb_transforms + tx->n_transforms > 1)
			tx->events |= 1u << IKE_EV_MULTIPLE_SERVER_PROPOSAL;
		side_update(side, tx);
		if (rest > 0)
			tx->events |= 1u << IKE_EV_PAYLOAD_EXTRA_DATA;
	} else {
		bool ok = walk_payloads(s, tx, next, p, pn, v2_payload_fn, &rest);
		bool enc = tx->n_payload_types > 0 &&
			   tx->payload_types[tx->n_payload_types - 1] == 46;
		if (!ok && !enc)
			tx->events |= 1u << IKE_EV_MALFORMED_DATA;
		else if (ok && tx->n_payload_types < IKE_MAX_PAYLOAD_TYPES)
			tx->payload_types[tx->n_payload_types++] = 0; /* NoNextPayload */
	}
	return APP_PARSE_OK;
}

struct ike_state *ike_state_new(void)
{
	struct ike_state *s = calloc(1, sizeof(struct ike_state));
	if (s != NULL)
		s->v2_enc = 11; /* ENCR_NULL */
	return s;
}

void ike_state_free(struct ike_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->client.ke.p);
	free(s->client.nonce.p);
	free(s->server.ke.p);
	free(s->server.nonce.p);
	free(s);
}

uint64_t ike_tx_count(const struct ike_state *s)
{
	return s->next_id;
}

const struct ike_tx *ike_tx_get(const struct ike_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct ike_tx, id));
}

static void ike_release_upto(struct ike_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		tx_free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(s->txs[0]));
		s->n_txs -= k;
	}
}

static const char *const attr_names[] = {
    [1] = "alg_enc",	     [2] = "alg_hash",		  [3] = "alg_auth",
    [4] = "alg_dh",	     [5] = "sa_group_type",	  [6] = "sa_group_prime",
    [7] = "sa_group_generator_one", [8] = "sa_group_generator_two", [9] = "sa_group_curve_a",
    [10] = "sa_group_curve_b", [11] = "sa_life_type",	  [12] = "sa_life_duration",
    [13] = "alg_prf",	     [14] = "sa_key_length",	  [15] = "sa_field_size",
    [16] = "sa_group_order",
};

const char *ike_attr_name(uint16_t type)
{
	return type >= 1 && type <= 16 ? attr_names[type] : "unknown";
}

int ike_attr_by_name(const char *name)
{
	for (int i = 1; i <= 16; i++)
		if (strcmp(attr_names[i], name) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------ descriptor */

#include "util/json.h"

static enum app_probe_result d_probe_port(const struct app_probe_in *in, const uint8_t *d,
					  uint32_t n)
{
	return in->tcp ? APP_PROBE_NO : ike_probe(d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return ike_state_new();
}

static void d_state_free(void *st)
{
	ike_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	(void)flags;
	return n == 0 ? APP_PARSE_OK : ike_parse(st, dir, d, n);
}

static uint64_t d_tx_count(const void *st)
{
	return ike_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return ike_tx_get(st, id);
}

static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	(void)eof;
	return ((const struct ike_tx *)vtx)->dir == dir ? APP_SIDE_READY : APP_SIDE_NONE;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	ike_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *vtx, int ev)
{
	(void)st;
	return ev >= 0 && ev < IKE_EV_COUNT && (((const struct ike_tx *)vtx)->events & (1u << ev));
}

static int d_tx_msg_dir(const void *vtx)
{
	return ((const struct ike_tx *)vtx)->dir;
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)opts;
	ike_tx_log_json(j, st, tx);
}

const struct app_protocol app_ike = {
    .name = "ike",
    .aliases = (const char *const[]){"ikev2", NULL},
    .ipprotos = APP_IPPROTO_UDP,
    .udp_ports = "500",
    .probe_port = d_probe_port,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_release_upto = d_tx_release_upto,
    .event_names = ike_event_names,
    .n_events = IKE_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "ike",
    .log_json = d_log_json,
    .eve_dir_packet = true,
    .tx_msg_dir = d_tx_msg_dir,
};
