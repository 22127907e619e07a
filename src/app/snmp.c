/*
 * snmp.c — the SNMP parser (API and bounds in app/snmp.h): BER decoding of
 * the v1/v2c message (version, community, PDU) and of the v3 message
 * (global data, USM security parameters, scoped or encrypted PDU), one
 * transaction per datagram, and the descriptor.  The EVE writer is
 * snmp-log.c.
 *
 * Every TLV is read through struct ber, which never reads past the
 * datagram it was given (lengths beyond it are malformed data).
 */
#include "app/snmp.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const snmp_event_names[SNMP_EV_COUNT] = {
    [SNMP_EV_MALFORMED_DATA] = "malformed_data",
    [SNMP_EV_UNKNOWN_SECURITY_MODEL] = "unknown_security_model",
    [SNMP_EV_VERSION_MISMATCH] = "version_mismatch",
};

struct snmp_state {
	uint32_t version; /* of the first message */
	struct snmp_tx **txs;
	uint32_t n_txs, cap_txs;
	uint64_t next_id;
};

/* ------------------------------------------------------------ BER */

struct ber {
	const uint8_t *p;
	uint32_t n, off;
};

/* The next TLV: its tag byte and value; false when it does not fit. */
static bool ber_next(struct ber *b, uint8_t *tag, const uint8_t **v, uint32_t *vl)
{
	if (b->n - b->off < 2)
		return false;
	uint8_t t = b->p[b->off];
	if ((t & 0x1f) == 0x1f) /* multi-byte tags: not in SNMP */
		return false;
	uint32_t off = b->off + 1;
	uint32_t len = b->p[off++];
	if (len & 0x80) {
		uint32_t k = len & 0x7f;
		if (k == 0 || k > 4 || b->n - off < k)
			return false;
		len = 0;
		for (uint32_t i = 0; i < k; i++)
			len = len << 8 | b->p[off++];
	}
	if (b->n - off < len)
		return false;
	*tag = t;
	*v = b->p + off;
	*vl = len;
	b->off = off + len;
	return true;
}

/* A TLV of this tag opened as a reader of its value. */
static bool ber_enter(struct ber *b, uint8_t want, struct ber *in)
{
	uint8_t t;
	const uint8_t *v;
	uint32_t vl;
	if (!ber_next(b, &t, &v, &vl) || t != want)
		return false;
	in->p = v;
	in->n = vl;
	in->off = 0;
	return true;
}

static bool ber_uint(struct ber *b, uint8_t want, uint32_t *out)
{
	uint8_t t;
	const uint8_t *v;
	uint32_t vl;
	if (!ber_next(b, &t, &v, &vl) || t != want || vl == 0 || vl > 5)
		return false;
	if (vl == 5 && v[0] != 0)
		return false;
	uint64_t x = (v[0] & 0x80) ? UINT64_MAX : 0; /* negative: sign-extended */
	for (uint32_t i = 0; i < vl; i++)
		x = x << 8 | v[i];
	*out = (uint32_t)x;
	return true;
}

static bool ber_octets(struct ber *b, const uint8_t **v, uint32_t *vl)
{
	uint8_t t;
	return ber_next(b, &t, v, vl) && t == 0x04;
}

static void str_set(struct snmp_str *s, const uint8_t *d, uint32_t n)
{
	free(s->p);
	if (n > SNMP_MAX_STR)
		n = SNMP_MAX_STR;
	s->p = malloc(n + 1);
	s->len = 0;
	if (s->p == NULL)
		return;
	memcpy(s->p, d, n);
	s->p[n] = '\0';
	s->len = n;
}

/* An OID's dotted text, as Suricata's der-parser prints it. */
static void oid_set(struct snmp_str *s, const uint8_t *d, uint32_t n)
{
	char buf[SNMP_MAX_STR + 24];
	size_t len = 0;
	uint64_t v = 0;
	bool first = true;
	for (uint32_t i = 0; i < n && len < SNMP_MAX_STR; i++) {
		v = v << 7 | (d[i] & 0x7f);
		if (d[i] & 0x80)
			continue;
		if (first) {
			uint64_t a = v < 40 ? 0 : v < 80 ? 1 : 2;
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%llu.%llu",
						(unsigned long long)a,
						(unsigned long long)(v - a * 40));
			first = false;
		} else
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, ".%llu",
						(unsigned long long)v);
		v = 0;
	}
	if (len > SNMP_MAX_STR)
		len = SNMP_MAX_STR;
	str_set(s, (const uint8_t *)buf, (uint32_t)len);
}

/* ------------------------------------------------------------ PDUs */

static void tx_free(struct snmp_tx *tx)
{
	free(tx->trap_oid.p);
	for (uint32_t i = 0; i < tx->n_vars; i++)
		free(tx->vars[i].p);
	free(tx->community.p);
	free(tx->usm.p);
	free(tx);
}

/* The variable bindings' OIDs. */
static bool read_varbinds(struct ber *b, struct snmp_tx *tx)
{
	struct ber list;
	if (!ber_enter(b, 0x30, &list))
		return false;
	while (list.off < list.n) {
		struct ber vb;
		if (!ber_enter(&list, 0x30, &vb))
			return false;
		uint8_t t;
		const uint8_t *v;
		uint32_t vl;
		if (!ber_next(&vb, &t, &v, &vl) || t != 0x06)
			return false;
		if (tx->n_vars < SNMP_MAX_VARS)
			oid_set(&tx->vars[tx->n_vars++], v, vl);
	}
	return true;
}

/* A PDU (context tag 0xa0..0xa8). */
static bool read_pdu(struct ber *b, struct snmp_tx *tx)
{
	uint8_t t;
	const uint8_t *v;
	uint32_t vl;
	if (!ber_next(b, &t, &v, &vl) || (t & 0xe0) != 0xa0)
		return false;
	struct ber p = {v, vl, 0};
	tx->pdu_type = t & 0x1f;
	tx->has_pdu = true;
	uint32_t x;
	if (tx->pdu_type == 4) { /* Trap-PDU (v1) */
		const uint8_t *ov, *av;
		uint32_t ol, al;
		uint8_t at;
		if (!ber_next(&p, &t, &ov, &ol) || t != 0x06)
			return false;
		if (!ber_next(&p, &at, &av, &al) || at != 0x40 || al != 4)
			return false;
		uint32_t specific, ts;
		if (!ber_uint(&p, 0x02, &tx->generic_trap) || !ber_uint(&p, 0x02, &specific) ||
		    !ber_uint(&p, 0x43, &ts))
			return false;
		oid_set(&tx->trap_oid, ov, ol);
		memcpy(tx->trap_addr, av, 4);
		tx->trap = true;
		return read_varbinds(&p, tx);
	}
	/* request-id, error-status (bulk: non-repeaters), error-index */
	if (!ber_uint(&p, 0x02, &x) || !ber_uint(&p, 0x02, &x))
		return false;
	if (tx->pdu_type != 5)
		tx->error_status = x;
	if (!ber_uint(&p, 0x02, &x))
		return false;
	return read_varbinds(&p, tx);
}

static bool read_v12(struct ber *m, struct snmp_tx *tx)
{
	const uint8_t *c;
	uint32_t cl;
	if (!ber_octets(m, &c, &cl))
		return false;
	str_set(&tx->community, c, cl);
	tx->has_community = true;
	return read_pdu(m, tx);
}

static bool read_v3(struct ber *m, struct snmp_tx *tx)
{
	struct ber g;
	uint32_t msg_id, max_size, model;
	const uint8_t *flags, *sec;
	uint32_t fl, sl;
	if (!ber_enter(m, 0x30, &g) || !ber_uint(&g, 0x02, &msg_id) ||
	    !ber_uint(&g, 0x02, &max_size) || !ber_octets(&g, &flags, &fl) || fl != 1 ||
	    !ber_uint(&g, 0x02, &model))
		return false;
	if (!ber_octets(m, &sec, &sl))
		return false;
	if (model == 3) { /* USM */
		struct ber sb = {sec, sl, 0}, usm;
		const uint8_t *engine, *user;
		uint32_t el, ul, boots, time;
		if (!ber_enter(&sb, 0x30, &usm) || !ber_octets(&usm, &engine, &el) ||
		    !ber_uint(&usm, 0x02, &boots) || !ber_uint(&usm, 0x02, &time) ||
		    !ber_octets(&usm, &user, &ul))
			return false;
		str_set(&tx->usm, user, ul);
		tx->has_usm = true;
	} else
		tx->events |= 1u << SNMP_EV_UNKNOWN_SECURITY_MODEL;
	if (flags[0] & 0x02) { /* privacy: the scoped PDU is encrypted */
		const uint8_t *e;
		uint32_t el;
		tx->encrypted = true;
		return ber_octets(m, &e, &el);
	}
	struct ber sp;
	const uint8_t *ce, *cn;
	uint32_t cel, cnl;
	if (!ber_enter(m, 0x30, &sp) || !ber_octets(&sp, &ce, &cel) || !ber_octets(&sp, &cn, &cnl))
		return false;
	return read_pdu(&sp, tx);
}

static struct snmp_tx *tx_new(struct snmp_state *s)
{
	if (s->n_txs >= SNMP_MAX_TXS) {
		tx_free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
		s->n_txs--;
	}
	if (s->n_txs == s->cap_txs) {
		uint32_t nc = s->cap_txs ? s->cap_txs * 2 : 8;
		struct snmp_tx **nt = realloc(s->txs, nc * sizeof(*nt));
		if (nt == NULL)
			return NULL;
		s->txs = nt;
		s->cap_txs = nc;
	}
	struct snmp_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->id = s->next_id++;
	s->txs[s->n_txs++] = tx;
	return tx;
}

/* The envelope: SEQUENCE { INTEGER version ... }; version 1, 2 or 3. */
static bool envelope(const uint8_t *d, uint32_t n, struct ber *m, uint32_t *version)
{
	struct ber b = {d, n, 0};
	uint32_t v;
	if (!ber_enter(&b, 0x30, m) || !ber_uint(m, 0x02, &v))
		return false;
	if (v == 0 || v == 1)
		*version = v + 1;
	else if (v == 3)
		*version = 3;
	else
		return false;
	return true;
}

enum app_parse_result snmp_parse(struct snmp_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n)
{
	struct ber m;
	uint32_t version;
	if (!envelope(d, n, &m, &version)) {
		if (s->n_txs > 0)
			s->txs[s->n_txs - 1]->events |= 1u << SNMP_EV_MALFORMED_DATA;
		return APP_PARSE_OK;
	}
	if (s->version == 0)
		s->version = version;
	struct snmp_tx *tx = tx_new(s);
	if (tx == NULL)
		return APP_PARSE_ERROR;
	tx->dir = dir;
	tx->version = s->version;
	tx->msg_version = version;
	if (version != s->version)
		tx->events |= 1u << SNMP_EV_VERSION_MISMATCH;
	bool ok = version == 3 ? read_v3(&m, tx) : read_v12(&m, tx);
	if (!ok) {
		/* Suricata makes no transaction of a message it cannot parse */
		s->n_txs--;
		s->next_id--;
		tx_free(tx);
		if (s->n_txs > 0)
			s->txs[s->n_txs - 1]->events |= 1u << SNMP_EV_MALFORMED_DATA;
	}
	return APP_PARSE_OK;
}

enum app_probe_result snmp_probe(const uint8_t *d, uint32_t n)
{
	struct ber m;
	uint32_t version;
	if (n < 2)
		return APP_PROBE_NEED_MORE;
	return envelope(d, n, &m, &version) ? APP_PROBE_MATCH : APP_PROBE_NO;
}

struct snmp_state *snmp_state_new(void)
{
	return calloc(1, sizeof(struct snmp_state));
}

void snmp_state_free(struct snmp_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s);
}

uint64_t snmp_tx_count(const struct snmp_state *s)
{
	return s->next_id;
}

const struct snmp_tx *snmp_tx_get(const struct snmp_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct snmp_tx, id));
}

void snmp_tx_release_upto(struct snmp_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		tx_free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
		s->n_txs -= k;
	}
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe_port(const struct app_probe_in *in, const uint8_t *d,
					  uint32_t n)
{
	if (in->tcp)
		return APP_PROBE_NO;
	return snmp_probe(d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return snmp_state_new();
}

static void d_state_free(void *st)
{
	snmp_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	(void)flags;
	if (n == 0)
		return APP_PARSE_OK;
	return snmp_parse(st, dir, d, n);
}

static uint64_t d_tx_count(const void *st)
{
	return snmp_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return snmp_tx_get(st, id);
}

static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	(void)eof;
	return ((const struct snmp_tx *)vtx)->dir == dir ? APP_SIDE_READY : APP_SIDE_NONE;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	snmp_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *vtx, int ev)
{
	(void)st;
	const struct snmp_tx *tx = vtx;
	return ev >= 0 && ev < SNMP_EV_COUNT && (tx->events & (1u << ev));
}

static int d_tx_msg_dir(const void *vtx)
{
	return ((const struct snmp_tx *)vtx)->dir;
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)st;
	(void)opts;
	snmp_tx_log_json(j, tx);
}

const struct app_protocol app_snmp = {
    .name = "snmp",
    .ipprotos = APP_IPPROTO_UDP,
    .udp_ports = "161,162",
    .probe_port = d_probe_port,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_release_upto = d_tx_release_upto,
    .event_names = snmp_event_names,
    .n_events = SNMP_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "snmp",
    .log_json = d_log_json,
    .eve_no_tx_id = true,
    .eve_dir_packet = true,
    .tx_msg_dir = d_tx_msg_dir,
};
