/*
 * dns.c — the DNS message parser: names, sections, rdata, transactions,
 * TCP framing and the detection accessors.  The EVE writer is dns-log.c.
 *
 * A message is parsed whole (a UDP datagram, or one length-prefixed TCP
 * message, buffered until complete) into a transaction.  Every read is
 * checked against the end of the slice it belongs to: the message for the
 * header and sections, the record's rdata for its fields; compression
 * pointers may jump anywhere inside the message but never outside it.
 * Behaviour on odd input follows Suricata 8 (rust/src/dns/) so that events
 * and EVE match: see dns.h for the rules on names and framing.
 */
#include "app/frame.h"
#include "app/dns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DNS_HEADER_LEN 12

struct dns_tcp_buf {
	uint8_t *buf; /* partial message incl. its 2-byte prefix */
	uint32_t len;
	uint32_t cap;
};

struct dns_state {
	bool tcp;
	bool failed[2]; /* TCP: framing lost in this direction, parsing stopped */
	bool gap[2];	/* TCP: resynchronise on the next chunk that looks like DNS */
	struct dns_tcp_buf tbuf[2];
	struct dns_tx **txs; /* live transactions, oldest first */
	size_t n_txs, cap_txs;
	size_t mem; /* bytes held by live transactions */
	uint64_t next_tx_id;
	uint64_t dropped;
	uint16_t events; /* events that had no transaction to go on */
};

/* Result of parsing one message. */
enum msg_result { MSG_OK, MSG_HEADER_INVALID, MSG_MALFORMED };

/* A read cursor over msg[0..msg_len); pos..end is the current slice. */
struct cursor {
	const uint8_t *msg;
	uint32_t msg_len;
	uint32_t pos, end;
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static bool take16(struct cursor *c, uint16_t *v)
{
	if (c->end - c->pos < 2)
		return false;
	*v = be16(c->msg + c->pos);
	c->pos += 2;
	return true;
}

static bool take32(struct cursor *c, uint32_t *v)
{
	if (c->end - c->pos < 4)
		return false;
	*v = be32(c->msg + c->pos);
	c->pos += 4;
	return true;
}

/* ---- Names ---- */

static bool name_set(struct dns_name *n, const uint8_t *b, uint32_t len, uint8_t flags, size_t *mem)
{
	n->buf = malloc(len + 1u);
	if (n->buf == NULL)
		return false;
	memcpy(n->buf, b, len);
	n->buf[len] = 0;
	n->len = (uint16_t)len;
	n->flags = flags;
	*mem += len + 1u + 16u;
	return true;
}

static void name_free(struct dns_name *n)
{
	free(n->buf);
	n->buf = NULL;
	n->len = 0;
}

/*
 * Reads the name starting at c->pos (the slice ends at c->end; a pointer
 * moves the slice to msg[offset..msg_len)).  On success the cursor is left
 * after the name (after the first pointer when one was followed) and the
 * name's flags are or-ed into *msg_flags.  Fails on truncation, a label
 * length with the reserved 0x40/0x80 bits, a pointer past the message, and
 * (when no pointer was followed yet) a self pointer or the label limit.
 */
static bool parse_name(struct cursor *c, struct dns_name *out, uint8_t *msg_flags, size_t *mem)
{
	uint8_t name[DNS_NAME_MAX_LEN + 1 + 64];
	uint32_t nlen = 0;
	uint32_t pos = c->pos, end = c->end;
	bool jumped = false;
	uint32_t after_first_ptr = 0;
	unsigned segments = 0;
	uint8_t flags = 0;

	while (pos < end) {
		uint8_t l = c->msg[pos];
		if (l == 0) {
			pos++;
			break;
		}
		if ((l & 0xc0) == 0) {
			if (end - pos < 1u + l)
				return false;
			if (!(flags & DNS_NAME_TRUNCATED)) {
				if (nlen > 0)
					name[nlen++] = '.';
				memcpy(name + nlen, c->msg + pos + 1, l);
				nlen += l;
			}
			pos += 1u + l;
		} else if ((l & 0xc0) == 0xc0) {
			if (end - pos < 2)
				return false;
			uint32_t off = be16(c->msg + pos) & 0x3fffu;
			if (off > c->msg_len)
				return false;
			if (off == pos) {
				/* Points at itself: an immediate loop. */
				flags |= DNS_NAME_INFINITE_LOOP;
				if (jumped)
					break;
				return false;
			}
			if (!jumped) {
				jumped = true;
				after_first_ptr = pos + 2;
			}
			pos = off;
			end = c->msg_len;
		} else {
			return false; /* 0x40 / 0x80: extended label types, label > 63 */
		}
		if (++segments > DNS_NAME_MAX_SEGMENTS) {
			flags |= DNS_NAME_LABEL_LIMIT;
			if (jumped)
				break;
			return false;
		}
		if (nlen > DNS_NAME_MAX_LEN) {
			nlen = DNS_NAME_MAX_LEN;
			flags |= DNS_NAME_TRUNCATED;
			if (jumped)
				break;
		}
	}
	if (!name_set(out, name, nlen, flags, mem))
		return false;
	*msg_flags |= flags;
	c->pos = jumped ? after_first_ptr : pos;
	return true;
}

/* ---- Records ---- */

static void rr_free(struct dns_rr *rr)
{
	name_free(&rr->name);
	name_free(&rr->target);
	name_free(&rr->rname);
	free(rr->raw);
	rr->raw = NULL;
}

static bool rr_keep_raw(struct dns_rr *rr, const uint8_t *b, uint32_t len, size_t *mem)
{
	rr->raw = malloc(len ? len : 1);
	if (rr->raw == NULL)
		return false;
	memcpy(rr->raw, b, len);
	rr->raw_len = len;
	*mem += len + 16u;
	return true;
}

/* A name inside rdata: the slice is the rdata, pointers reach the message. */
static bool rdata_name(struct cursor *rd, struct dns_name *n, uint8_t *mflags, size_t *mem)
{
	return parse_name(rd, n, mflags, mem);
}

/* Counts the <len><bytes> strings filling a TXT rdata; false when one
 * runs past its end (Suricata 8 rejects the record then). */
static bool count_txt(const uint8_t *b, uint32_t len, uint16_t *n_out)
{
	uint32_t p = 0;
	uint32_t n = 0;
	while (p < len) {
		if (p + 1u + b[p] > len)
			return false;
		p += 1u + b[p];
		n++;
	}
	*n_out = (uint16_t)n; /* at most 65535 bytes: at most 65535 strings */
	return true;
}

/* Decodes rdata msg[start..start+rdlen).  False when a typed field does
 * not fit (the record, and so its section, is malformed). */
static bool parse_rdata(const struct cursor *c, uint32_t start, uint16_t rdlen, struct dns_rr *rr,
			uint8_t *mflags, size_t *mem)
{
	struct cursor rd = {c->msg, c->msg_len, start, start + rdlen};
	const uint8_t *b = c->msg + start;

	switch (rr->rrtype) {
	case DNS_RR_A:
	case DNS_RR_AAAA:
		rr->kind = DNS_RDATA_ADDR;
		if (rdlen == 4 || rdlen == 16) {
			memcpy(rr->addr, b, rdlen);
			rr->addr_len = (uint8_t)rdlen;
		}
		return true;
	case DNS_RR_CNAME:
	case DNS_RR_NS:
	case DNS_RR_PTR:
		rr->kind = DNS_RDATA_NAME;
		return rdata_name(&rd, &rr->target, mflags, mem);
	case DNS_RR_MX:
		rr->kind = DNS_RDATA_NAME;
		return take16(&rd, &rr->pref) && rdata_name(&rd, &rr->target, mflags, mem);
	case DNS_RR_SOA:
		rr->kind = DNS_RDATA_SOA;
		return rdata_name(&rd, &rr->target, mflags, mem) &&
		       rdata_name(&rd, &rr->rname, mflags, mem) && take32(&rd, &rr->soa_serial) &&
		       take32(&rd, &rr->soa_refresh) && take32(&rd, &rr->soa_retry) &&
		       take32(&rd, &rr->soa_expire) && take32(&rd, &rr->soa_minimum);
	case DNS_RR_SRV:
		rr->kind = DNS_RDATA_SRV;
		return take16(&rd, &rr->pref) && take16(&rd, &rr->weight) &&
		       take16(&rd, &rr->port) && rdata_name(&rd, &rr->target, mflags, mem);
	case DNS_RR_SSHFP:
		rr->kind = DNS_RDATA_SSHFP;
		if (rdlen < 2)
			return false;
		rr->sshfp_algo = b[0];
		rr->sshfp_type = b[1];
		return rr_keep_raw(rr, b + 2, rdlen - 2u, mem);
	case DNS_RR_TXT:
		rr->kind = DNS_RDATA_TXT;
		return count_txt(b, rdlen, &rr->n_txt) && rr_keep_raw(rr, b, rdlen, mem);
	case DNS_RR_NULL: rr->kind = DNS_RDATA_NULL; return rr_keep_raw(rr, b, rdlen, mem);
	case DNS_RR_OPT: rr->kind = DNS_RDATA_OPT; return rr_keep_raw(rr, b, rdlen, mem);
	default: rr->kind = DNS_RDATA_RAW; return rr_keep_raw(rr, b, rdlen, mem);
	}
}

/* One resource record.  False when it does not fit or does not decode. */
static bool parse_rr(struct cursor *c, struct dns_rr *rr, uint8_t *mflags, size_t *mem)
{
	uint16_t rdlen;
	memset(rr, 0, sizeof(*rr));
	if (!parse_name(c, &rr->name, mflags, mem))
		return false;
	if (!take16(c, &rr->rrtype) || !take16(c, &rr->rrclass) || !take32(c, &rr->ttl) ||
	    !take16(c, &rdlen) || c->end - c->pos < rdlen)
		return false;
	uint32_t start = c->pos;
	c->pos += rdlen;
	return parse_rdata(c, start, rdlen, rr, mflags, mem);
}

static void section_free(struct dns_rr *rrs, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		rr_free(&rrs[i]);
	free(rrs);
}

/* `count` records into *out (at most DNS_MAX_RECORDS kept; the rest are
 * parsed and dropped).  On failure nothing is kept. */
static bool parse_section(struct cursor *c, uint16_t count, struct dns_rr **out, uint32_t *n_out,
			  uint8_t *mflags, size_t *mem)
{
	uint32_t keep = count < DNS_MAX_RECORDS ? count : DNS_MAX_RECORDS;
	struct dns_rr *rrs = NULL;
	uint32_t n = 0;
	size_t m = 0;
	uint8_t f = 0;

	if (keep > 0) {
		rrs = calloc(keep, sizeof(*rrs));
		if (rrs == NULL)
			return false;
		m += keep * sizeof(*rrs);
	}
	for (uint32_t i = 0; i < count; i++) {
		struct dns_rr tmp;
		struct dns_rr *rr = n < keep ? &rrs[n] : &tmp;
		size_t dummy = 0;
		bool ok = parse_rr(c, rr, &f, n < keep ? &m : &dummy);
		if (!ok || rr == &tmp) {
			rr_free(rr);
			if (!ok) {
				section_free(rrs, n);
				return false;
			}
			continue;
		}
		n++;
	}
	*out = rrs;
	*n_out = n;
	*mflags |= f;
	*mem += m;
	return true;
}

/* ---- Messages ---- */

static void tx_free(struct dns_tx *tx)
{
	if (tx == NULL)
		return;
	for (uint32_t i = 0; i < tx->n_queries; i++)
		name_free(&tx->queries[i].name);
	free(tx->queries);
	for (int s = 0; s < 3; s++)
		section_free(tx->rrs[s], tx->n_rrs[s]);
	free(tx);
}

/* Suricata's header sanity check: at least 2 bytes per announced record,
 * no trailing bytes after a record-less header, a question in a request. */
static bool header_valid(const uint8_t *h, uint32_t len)
{
	uint32_t qd = be16(h + 4), an = be16(h + 6), ns = be16(h + 8), ar = be16(h + 10);
	uint32_t n = qd + an + ns + ar;
	if (2 * n > len)
		return false;
	if (n == 0 && len > DNS_HEADER_LEN)
		return false;
	if (!(be16(h + 2) & DNS_FLAG_QR) && qd == 0)
		return false;
	return true;
}

static void tx_set_event(struct dns_tx *tx, enum dns_event ev)
{
	tx->events |= (uint16_t)(1u << ev);
}

static bool parse_queries(struct cursor *c, struct dns_tx *tx, uint16_t qd, uint8_t *mflags)
{
	uint32_t keep = qd < DNS_MAX_RECORDS ? qd : DNS_MAX_RECORDS;
	if (keep > 0) {
		tx->queries = calloc(keep, sizeof(*tx->queries));
		if (tx->queries == NULL)
			return false;
		tx->mem += keep * sizeof(*tx->queries);
	}
	for (uint32_t i = 0; i < qd; i++) {
		struct dns_query q = {0};
		size_t dummy = 0;
		bool kept = tx->n_queries < keep;
		if (!parse_name(c, &q.name, mflags, kept ? &tx->mem : &dummy) ||
		    !take16(c, &q.rrtype) || !take16(c, &q.rrclass)) {
			name_free(&q.name);
			return false;
		}
		if (kept)
			tx->queries[tx->n_queries++] = q;
		else
			name_free(&q.name);
	}
	return true;
}

/* Parses msg[0..len) into a new transaction (*out), events set from its
 * content.  *out is NULL unless MSG_OK. */
static enum msg_result parse_message(const uint8_t *msg, uint32_t len, struct dns_tx **out)
{
	*out = NULL;
	if (len < DNS_HEADER_LEN || !header_valid(msg, len))
		return MSG_HEADER_INVALID;
	struct dns_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return MSG_MALFORMED;
	tx->mem = sizeof(*tx);
	tx->id = be16(msg);
	tx->flags = be16(msg + 2);
	tx->opcode = (tx->flags >> 11) & 0xf;
	tx->rcode = tx->flags & 0xf;

	struct cursor c = {msg, len, DNS_HEADER_LEN, len};
	uint8_t mflags = 0;
	if (!parse_queries(&c, tx, be16(msg + 4), &mflags) ||
	    !parse_section(&c, be16(msg + 6), &tx->rrs[DNS_SEC_ANSWER], &tx->n_rrs[DNS_SEC_ANSWER],
			   &mflags, &tx->mem)) {
		tx_free(tx);
		return MSG_MALFORMED;
	}
	/* Authorities and additionals may fail alone, as Suricata allows. */
	if (!parse_section(&c, be16(msg + 8), &tx->rrs[DNS_SEC_AUTHORITY],
			   &tx->n_rrs[DNS_SEC_AUTHORITY], &mflags, &tx->mem))
		tx_set_event(tx, DNS_EV_INVALID_AUTHORITIES);
	else if (!parse_section(&c, be16(msg + 10), &tx->rrs[DNS_SEC_ADDITIONAL],
				&tx->n_rrs[DNS_SEC_ADDITIONAL], &mflags, &tx->mem))
		tx_set_event(tx, DNS_EV_INVALID_ADDITIONALS);

	if (tx->flags & DNS_FLAG_Z)
		tx_set_event(tx, DNS_EV_Z_FLAG_SET);
	if (tx->opcode >= 7)
		tx_set_event(tx, DNS_EV_INVALID_OPCODE);
	if (mflags & DNS_NAME_TRUNCATED)
		tx_set_event(tx, DNS_EV_NAME_TOO_LONG);
	if (mflags & DNS_NAME_INFINITE_LOOP)
		tx_set_event(tx, DNS_EV_INFINITE_LOOP);
	if (mflags & DNS_NAME_LABEL_LIMIT)
		tx_set_event(tx, DNS_EV_TOO_MANY_LABELS);
	*out = tx;
	return MSG_OK;
}

/* ---- State and transactions ---- */

struct dns_state *dns_state_new(bool tcp)
{
	struct dns_state *s = calloc(1, sizeof(*s));
	if (s != NULL)
		s->tcp = tcp;
	return s;
}

void dns_state_free(struct dns_state *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s->tbuf[0].buf);
	free(s->tbuf[1].buf);
	free(s);
}

static void drop_oldest(struct dns_state *s)
{
	s->mem -= s->txs[0]->mem;
	tx_free(s->txs[0]);
	memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
	s->n_txs--;
	s->dropped++;
}

static void push_tx(struct dns_state *s, struct dns_tx *tx)
{
	while (s->n_txs > 0 && (s->n_txs >= DNS_MAX_TX || s->mem + tx->mem > DNS_STATE_MEMCAP))
		drop_oldest(s);
	if (s->n_txs == s->cap_txs) {
		size_t cap = s->cap_txs ? s->cap_txs * 2 : 8;
		struct dns_tx **n = realloc(s->txs, cap * sizeof(*n));
		if (n == NULL) {
			tx_free(tx);
			s->dropped++;
			s->next_tx_id++;
			return;
		}
		s->txs = n;
		s->cap_txs = cap;
	}
	tx->tx_id = s->next_tx_id++;
	s->txs[s->n_txs++] = tx;
	s->mem += tx->mem;
}

/* Suricata puts a message-level event on the most recent transaction. */
static void state_set_event(struct dns_state *s, enum dns_event ev)
{
	if (s->n_txs > 0)
		tx_set_event(s->txs[s->n_txs - 1], ev);
	else
		s->events |= (uint16_t)(1u << ev);
}

/* One whole message of direction dir.  False when the stream cannot go
 * on (a TCP caller stops; a UDP caller ignores it). */
static bool handle_message(struct dns_state *s, enum app_dir dir, const uint8_t *msg, uint32_t len)
{
	struct dns_tx *tx;
	enum msg_result r = parse_message(msg, len, &tx);
	if (r == MSG_HEADER_INVALID)
		return !s->tcp;
	if (r == MSG_MALFORMED) {
		state_set_event(s, DNS_EV_MALFORMED_DATA);
		return false;
	}
	if (dir == APP_TOSERVER) {
		if (tx->flags & DNS_FLAG_QR) {
			tx_free(tx);
			state_set_event(s, DNS_EV_NOT_REQUEST);
			return false;
		}
		tx->request = true;
	} else {
		if (!(tx->flags & DNS_FLAG_QR))
			tx_set_event(tx, DNS_EV_NOT_RESPONSE);
		tx->response = true;
	}
	push_tx(s, tx);
	return true;
}

bool dns_probe(const uint8_t *data, uint32_t len, bool tcp, enum app_dir *dir, bool *incomplete)
{
	bool inc = false, ok = false;
	uint32_t dlen = len;
	if (tcp) {
		if (len < 2) {
			inc = true;
			goto out;
		}
		dlen = be16(data);
		data += 2;
		len -= 2;
	}
	if (len < DNS_HEADER_LEN) {
		inc = tcp && len < dlen;
		goto out;
	}
	if (len < dlen) {
		ok = header_valid(data, dlen); /* the rest is still to come */
	} else {
		struct dns_tx *tx;
		ok = parse_message(data, dlen, &tx) == MSG_OK;
		tx_free(tx);
	}
	if (ok && dir != NULL)
		*dir = (be16(data + 2) & DNS_FLAG_QR) ? APP_TOCLIENT : APP_TOSERVER;
out:
	if (incomplete != NULL)
		*incomplete = inc;
	return ok;
}

/* Suricata's probe of a TCP chunk after a gap: a length prefix and a
 * plausible header (whole message parsable when it is all there). */
static bool tcp_looks_like_dns(const uint8_t *d, uint32_t len)
{
	if (len < 2)
		return len == 1;
	uint32_t dlen = be16(d);
	d += 2;
	len -= 2;
	if (len < DNS_HEADER_LEN)
		return false;
	if (len < dlen)
		return header_valid(d, dlen);
	struct dns_tx *tx;
	enum msg_result r = parse_message(d, dlen, &tx);
	tx_free(tx);
	return r != MSG_HEADER_INVALID;
}

static bool tbuf_append(struct dns_tcp_buf *t, const uint8_t *d, uint32_t n, uint32_t want_cap)
{
	if (t->cap < want_cap) {
		uint8_t *b = realloc(t->buf, want_cap);
		if (b == NULL)
			return false;
		t->buf = b;
		t->cap = want_cap;
	}
	memcpy(t->buf + t->len, d, n);
	t->len += n;
	return true;
}

/* An idle flow keeps no large reassembly buffer. */
static void tbuf_shrink(struct dns_tcp_buf *t)
{
	if (t->len == 0 && t->cap > 512) {
		free(t->buf);
		t->buf = NULL;
		t->cap = 0;
	}
}

/* Completes the buffered partial message from data; returns the bytes
 * used, or -1 when the stream must stop. */
static int64_t tcp_fill(struct dns_state *s, enum app_dir dir, const uint8_t *d, uint32_t len,
			uint64_t pos)
{
	struct dns_tcp_buf *t = &s->tbuf[dir];
	uint32_t used = 0;
	if (t->len < 2) {
		uint32_t n = 2 - t->len < len ? 2 - t->len : len;
		if (!tbuf_append(t, d, n, 2))
			return -1;
		used += n;
		if (t->len < 2)
			return used;
	}
	uint32_t total = 2u + be16(t->buf);
	if (total == 2) {
		t->len = 0;
		return used;
	}
	uint32_t n = total - t->len < len - used ? total - t->len : len - used;
	if (!tbuf_append(t, d + used, n, total))
		return -1;
	used += n;
	if (t->len == total) {
		t->len = 0;
		/* the message (after its length) ended at pos + used */
		(void)app_frame_new(dir, pos + used - total + 2, total - 2, DNS_FRAME_PDU);
		bool ok = handle_message(s, dir, t->buf + 2, total - 2);
		tbuf_shrink(t);
		if (!ok)
			return -1;
	}
	return used;
}

static enum app_parse_result parse_tcp(struct dns_state *s, enum app_dir dir, const uint8_t *d,
				       uint32_t len)
{
	struct dns_tcp_buf *t = &s->tbuf[dir];
	uint64_t pos = app_frame_offset(); /* stream offset of d */
	while (len > 0) {
		if (t->len > 0) {
			int64_t used = tcp_fill(s, dir, d, len, pos);
			if (used < 0)
				goto fail;
			d += used;
			len -= (uint32_t)used;
			pos += (uint64_t)used;
			continue;
		}
		if (len < 2) {
			if (!tbuf_append(t, d, len, 2))
				goto fail;
			return APP_PARSE_OK;
		}
		uint32_t size = be16(d);
		if (size == 0) {
			d += 2;
			len -= 2;
			pos += 2;
			continue;
		}
		if (len < size + 2u) {
			if (!tbuf_append(t, d, len, size + 2u))
				goto fail;
			return APP_PARSE_OK;
		}
		(void)app_frame_new(dir, pos + 2, size, DNS_FRAME_PDU);
		if (!handle_message(s, dir, d + 2, size))
			goto fail;
		d += size + 2u;
		len -= size + 2u;
		pos += size + 2u;
	}
	return APP_PARSE_OK;
fail:
	s->failed[dir] = true;
	t->len = 0;
	tbuf_shrink(t);
	return APP_PARSE_ERROR;
}

const char *const dns_frame_names[DNS_FRAME_COUNT] = {[DNS_FRAME_PDU] = "pdu"};

enum app_parse_result dns_parse(struct dns_state *s, enum app_dir dir, const uint8_t *data,
				uint32_t len, uint32_t flags)
{
	if (s == NULL || (dir != APP_TOSERVER && dir != APP_TOCLIENT))
		return APP_PARSE_ERROR;
	if (!s->tcp) {
		if (len > 0) {
			(void)app_frame_new(dir, app_frame_offset(), len, DNS_FRAME_PDU);
			handle_message(s, dir, data, len);
		}
		return APP_PARSE_OK;
	}
	if (s->failed[dir])
		return APP_PARSE_ERROR;
	if (flags & APP_CHUNK_GAP) {
		s->gap[dir] = true;
		s->tbuf[dir].len = 0;
		tbuf_shrink(&s->tbuf[dir]);
	}
	if (len == 0)
		return APP_PARSE_OK;
	if (s->gap[dir]) {
		if (!tcp_looks_like_dns(data, len))
			return APP_PARSE_OK;
		s->gap[dir] = false;
	}
	return parse_tcp(s, dir, data, len);
}

size_t dns_tx_count(const struct dns_state *s)
{
	return s ? s->n_txs : 0;
}

const struct dns_tx *dns_tx_get(const struct dns_state *s, size_t i)
{
	if (s == NULL || i >= s->n_txs)
		return NULL;
	return s->txs[i];
}

void dns_tx_release_upto(struct dns_state *s, uint64_t tx_id)
{
	if (s == NULL)
		return;
	size_t n = 0;
	while (n < s->n_txs && s->txs[n]->tx_id <= tx_id) {
		s->mem -= s->txs[n]->mem;
		tx_free(s->txs[n]);
		n++;
	}
	memmove(s->txs, s->txs + n, (s->n_txs - n) * sizeof(*s->txs));
	s->n_txs -= n;
}

uint64_t dns_tx_next_id(const struct dns_state *s)
{
	return s ? s->next_tx_id : 0;
}

uint64_t dns_tx_dropped(const struct dns_state *s)
{
	return s ? s->dropped : 0;
}

size_t dns_state_memuse(const struct dns_state *s)
{
	return s ? s->mem : 0;
}

/* ---- Events ---- */

const char *const dns_event_names[DNS_EV_COUNT] = {
    "malformed_data",	   "not_request",	  "not_response",  "z_flag_set",
    "invalid_opcode",	   "name_too_long",	  "infinite_loop", "too_many_labels",
    "invalid_additionals", "invalid_authorities",
};

bool dns_tx_has_event(const struct dns_tx *tx, enum dns_event ev)
{
	return tx != NULL && (unsigned)ev < DNS_EV_COUNT && (tx->events & (1u << ev));
}

uint16_t dns_state_events(const struct dns_state *s)
{
	return s ? s->events : 0;
}

const char *dns_event_name(enum dns_event ev)
{
	return (unsigned)ev < DNS_EV_COUNT ? dns_event_names[ev] : NULL;
}

int dns_event_by_name(const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < DNS_EV_COUNT; i++)
		if (strcasecmp(name, dns_event_names[i]) == 0)
			return i;
	if (strcasecmp(name, "not_a_request") == 0)
		return DNS_EV_NOT_REQUEST;
	if (strcasecmp(name, "not_a_response") == 0)
		return DNS_EV_NOT_RESPONSE;
	return -1;
}

/* ---- Names of types and codes ---- */

struct code_name {
	uint16_t code;
	const char *name;
};

/* Suricata 8's DNSRecordType, upper-cased. */
static const struct code_name rrtype_names[] = {
    {1, "A"},	   {2, "NS"},	     {3, "MD"},		 {4, "MF"},	{5, "CNAME"},
    {6, "SOA"},	   {7, "MB"},	     {8, "MG"},		 {9, "MR"},	{10, "NULL"},
    {11, "WKS"},   {12, "PTR"},	     {13, "HINFO"},	 {14, "MINFO"}, {15, "MX"},
    {16, "TXT"},   {17, "RP"},	     {18, "AFSDB"},	 {19, "X25"},	{20, "ISDN"},
    {21, "RT"},	   {22, "NSAP"},     {23, "NSAPPTR"},	 {24, "SIG"},	{25, "KEY"},
    {26, "PX"},	   {27, "GPOS"},     {28, "AAAA"},	 {29, "LOC"},	{30, "NXT"},
    {33, "SRV"},   {34, "ATMA"},     {35, "NAPTR"},	 {36, "KX"},	{37, "CERT"},
    {38, "A6"},	   {39, "DNAME"},    {41, "OPT"},	 {42, "APL"},	{43, "DS"},
    {44, "SSHFP"}, {45, "IPSECKEY"}, {46, "RRSIG"},	 {47, "NSEC"},	{48, "DNSKEY"},
    {49, "DHCID"}, {50, "NSEC3"},    {51, "NSEC3PARAM"}, {52, "TLSA"},	{55, "HIP"},
    {59, "CDS"},   {60, "CDNSKEY"},  {65, "HTTPS"},	 {99, "SPF"},	{249, "TKEY"},
    {250, "TSIG"}, {254, "MAILA"},   {255, "ANY"},	 {256, "URI"},
};

static const struct code_name rcode_names[] = {
    {0, "NOERROR"},  {1, "FORMERR"},	     {2, "SERVFAIL"},  {3, "NXDOMAIN"}, {4, "NOTIMP"},
    {5, "REFUSED"},  {6, "YXDOMAIN"},	     {7, "YXRRSET"},   {8, "NXRRSET"},	{9, "NOTAUTH"},
    {10, "NOTZONE"}, {16, "BADVERS/BADSIG"}, {17, "BADKEY"},   {18, "BADTIME"}, {19, "BADMODE"},
    {20, "BADNAME"}, {21, "BADALG"},	     {22, "BADTRUNC"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *code_lookup(const struct code_name *t, size_t n, uint16_t code, char *buf,
			       size_t buflen)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	if (buf == NULL || buflen == 0)
		return "";
	snprintf(buf, buflen, "%u", (unsigned)code);
	return buf;
}

static int name_lookup(const struct code_name *t, size_t n, const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return t[i].code;
	return -1;
}

const char *dns_rrtype_name(uint16_t rrtype, char *buf, size_t buflen)
{
	return code_lookup(rrtype_names, NELEM(rrtype_names), rrtype, buf, buflen);
}

const char *dns_rcode_name(uint16_t rcode, char *buf, size_t buflen)
{
	return code_lookup(rcode_names, NELEM(rcode_names), rcode, buf, buflen);
}

int dns_rrtype_by_name(const char *name)
{
	return name_lookup(rrtype_names, NELEM(rrtype_names), name);
}

int dns_rcode_by_name(const char *name)
{
	return name_lookup(rcode_names, NELEM(rcode_names), name);
}

/* ---- Detection accessors ---- */

static bool give_name(const struct dns_name *n, const uint8_t **buf, uint32_t *len)
{
	if (n->len == 0)
		return false;
	*buf = n->buf;
	*len = n->len;
	return true;
}

bool dns_tx_get_query_name(const struct dns_tx *tx, size_t i, const uint8_t **buf, uint32_t *len)
{
	if (tx == NULL || i >= tx->n_queries)
		return false;
	return give_name(&tx->queries[i].name, buf, len);
}

bool dns_tx_get_query_rrtype(const struct dns_tx *tx, size_t i, uint16_t *rrtype)
{
	if (tx == NULL || i >= tx->n_queries)
		return false;
	*rrtype = tx->queries[i].rrtype;
	return true;
}

bool dns_tx_get_rrtype(const struct dns_tx *tx, size_t i, uint16_t *rrtype)
{
	if (tx == NULL)
		return false;
	if (tx->request)
		return dns_tx_get_query_rrtype(tx, i, rrtype);
	if (i >= tx->n_rrs[DNS_SEC_ANSWER])
		return false;
	*rrtype = tx->rrs[DNS_SEC_ANSWER][i].rrtype;
	return true;
}

static bool section_name(const struct dns_tx *tx, enum dns_section sec, size_t i,
			 const uint8_t **buf, uint32_t *len)
{
	if (tx == NULL || i >= tx->n_rrs[sec] || (sec != DNS_SEC_ANSWER && !tx->response))
		return false;
	return give_name(&tx->rrs[sec][i].name, buf, len);
}

bool dns_tx_get_answer_name(const struct dns_tx *tx, size_t i, const uint8_t **buf, uint32_t *len)
{
	return section_name(tx, DNS_SEC_ANSWER, i, buf, len);
}

bool dns_tx_get_authority_name(const struct dns_tx *tx, size_t i, const uint8_t **buf,
			       uint32_t *len)
{
	return section_name(tx, DNS_SEC_AUTHORITY, i, buf, len);
}

bool dns_tx_get_additional_name(const struct dns_tx *tx, size_t i, const uint8_t **buf,
				uint32_t *len)
{
	return section_name(tx, DNS_SEC_ADDITIONAL, i, buf, len);
}

static const struct dns_name *rr_rdata_name(const struct dns_rr *rr)
{
	if (rr->kind == DNS_RDATA_NAME || rr->kind == DNS_RDATA_SOA)
		return &rr->target;
	return NULL;
}

bool dns_tx_get_rdata_name(const struct dns_tx *tx, enum dns_section sec, size_t i,
			   const uint8_t **buf, uint32_t *len)
{
	if (tx == NULL || (unsigned)sec > DNS_SEC_ADDITIONAL || i >= tx->n_rrs[sec])
		return false;
	const struct dns_name *n = rr_rdata_name(&tx->rrs[sec][i]);
	return n != NULL && give_name(n, buf, len);
}

bool dns_tx_get_response_name(const struct dns_tx *tx, size_t i, const uint8_t **buf, uint32_t *len)
{
	if (tx == NULL || !tx->response)
		return false;
	size_t k = 0;
	for (uint32_t q = 0; q < tx->n_queries; q++)
		if (tx->queries[q].name.len > 0 && k++ == i)
			return give_name(&tx->queries[q].name, buf, len);
	for (int sec = 0; sec < 3; sec++) {
		for (uint32_t r = 0; r < tx->n_rrs[sec]; r++) {
			const struct dns_rr *rr = &tx->rrs[sec][r];
			if (rr->name.len > 0 && k++ == i)
				return give_name(&rr->name, buf, len);
			const struct dns_name *n = rr_rdata_name(rr);
			if (n != NULL && n->len > 0 && k++ == i)
				return give_name(n, buf, len);
		}
	}
	return false;
}
