/*
 * rdp.c — the RDP connection-sequence parser: TPKT / TLS record framing
 * per direction, X.224 request and confirm, MCS connect request and
 * response, the TLS certificate chain, transactions and the descriptor.
 * The name tables are rdp-names.c, the EVE writer rdp-log.c.
 *
 * Each structure is read from a slice that is complete (a whole TPKT or
 * TLS record, buffered when split); every field read checks the bytes
 * left in its slice.  Where Suricata's streaming parser would report
 * "incomplete" inside a complete TPKT, the reader returns X_MORE and the
 * direction stalls, as Suricata's does (see rdp.h).
 */
#include "app/rdp.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct rdp_buf {
	uint8_t *b;
	uint32_t len;
	uint32_t need; /* bytes the pending unit needs in all */
};

struct rdp_state {
	bool tls;    /* Suricata's tls_parsing: shared by both directions */
	bool bypass; /* parsing is over */
	bool failed; /* a parse error ended parsing */
	bool stalled[2];
	struct rdp_buf buf[2];
	struct rdp_tx **txs;
	size_t n_txs;
	uint64_t next_tx_id;
};

/* Result of reading one structure from a complete slice. */
enum x_result {
	X_OK,	/* read */
	X_NONE, /* not this structure (Suricata: Error, tried as optional) */
	X_MORE, /* the slice ends inside it (Suricata: Incomplete) */
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* ------------------------------------------------------------ strings */

/* Valid UTF-8 (Rust's str::from_utf8). */
static bool utf8_valid(const uint8_t *s, uint32_t n)
{
	uint32_t i = 0;
	while (i < n) {
		uint8_t c = s[i];
		uint32_t k;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (uint32_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

static uint32_t utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * UTF-16LE up to the first NUL unit (or the end; an odd last byte is
 * ignored) into UTF-8; false on an unpaired surrogate, as Suricata's
 * le_slice_to_string.  out holds 3 bytes per unit + 1 (a pair of units
 * makes 4 bytes).
 */
static bool utf16le_to_utf8(const uint8_t *s, uint32_t n, char *out)
{
	uint32_t o = 0;
	for (uint32_t i = 0; i + 1 < n; i += 2) {
		uint32_t u = le16(s + i);
		if (u == 0)
			break;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 3 >= n)
				return false;
			uint32_t l = le16(s + i + 2);
			if (l < 0xdc00 || l > 0xdfff)
				return false;
			u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
			i += 2;
		} else if (u >= 0xdc00 && u <= 0xdfff) {
			return false;
		}
		o += utf8_put(out + o, u);
	}
	out[o] = 0;
	return true;
}

/* ------------------------------------------------------------ X.224 */

/* The fixed part of an X.224 CR/CC TPDU: LI, code, dst-ref, src-ref,
 * class.  *sz = the variable part's length. */
static enum x_result x224_head(const uint8_t *d, uint32_t n, uint8_t code, uint32_t *sz,
			       bool *class0)
{
	if (n < 1)
		return X_MORE;
	uint8_t li = d[0];
	if (li == 0xff)
		return X_NONE;
	if (n < 2)
		return X_MORE;
	if ((d[1] >> 4) != code || (d[1] & 0xf) > 1)
		return X_NONE;
	if (n < 4)
		return X_MORE;
	if (be16(d + 2) != 0) /* dst-ref */
		return X_NONE;
	if (n < 7)
		return X_MORE;
	uint8_t cls = d[6] >> 4, opt = d[6] & 0xf;
	if (cls > 4 || opt > 3)
		return X_NONE;
	if (li < 6)
		return X_NONE;
	*sz = li - 6u;
	*class0 = cls == 0 && opt == 0;
	return X_OK;
}

/* A fixed prefix of a streaming tag: all of it, or the slice ends inside. */
static enum x_result tag(const uint8_t *d, uint32_t n, const char *t)
{
	uint32_t tl = (uint32_t)strlen(t);
	uint32_t k = n < tl ? n : tl;
	if (memcmp(d, t, k) != 0)
		return X_NONE;
	return n < tl ? X_MORE : X_OK;
}

/* "Cookie: mstshash=<value>\r\n"; *used = bytes taken. */
static enum x_result rdp_cookie(const uint8_t *d, uint32_t n, struct rdp_tx *tx, uint32_t *used)
{
	enum x_result r = tag(d, n, "Cookie: ");
	if (r != X_OK)
		return r;
	r = tag(d + 8, n - 8, "mstshash=");
	if (r != X_OK)
		return r;
	const uint8_t *v = d + 17;
	uint32_t vl = n - 17;
	const uint8_t *crlf = NULL;
	for (uint32_t i = 0; i + 1 < vl; i++)
		if (v[i] == '\r' && v[i + 1] == '\n') {
			crlf = v + i;
			break;
		}
	if (crlf == NULL)
		return X_MORE;
	uint32_t len = (uint32_t)(crlf - v);
	if (!utf8_valid(v, len) || len >= sizeof(tx->cookie))
		return X_NONE;
	memcpy(tx->cookie, v, len);
	tx->cookie[len] = 0;
	tx->has_cookie = true;
	*used = 17 + len + 2;
	return X_OK;
}

/* RDP_NEG_REQ / RDP_NEG_RSP / RDP_NEG_FAILURE: type, flags, length 8, u32 */
static enum x_result neg_struct(const uint8_t *d, uint32_t n, uint8_t type, uint8_t *flags,
				uint32_t *value)
{
	if (n < 1)
		return X_MORE;
	if (d[0] != type)
		return X_NONE;
	if (n < 2)
		return X_MORE;
	*flags = d[1];
	if (n < 4)
		return X_MORE;
	if (le16(d + 2) != 8)
		return X_NONE;
	if (n < 8)
		return X_MORE;
	*value = le32(d + 4);
	return X_OK;
}

static enum x_result x224_request(const uint8_t *d, uint32_t n, struct rdp_tx *tx)
{
	uint32_t sz;
	bool class0;
	enum x_result r = x224_head(d, n, 0xe, &sz, &class0);
	if (r != X_OK)
		return r;
	if (sz > 0 && n - 7 < sz)
		return X_MORE;
	const uint8_t *v = d + 7;
	uint32_t vl = sz, used = 0;
	if (vl > 0) {
		r = rdp_cookie(v, vl, tx, &used);
		if (r == X_MORE)
			return X_MORE;
		v += used;
		vl -= used;
	}
	if (vl > 0) {
		uint8_t fl;
		uint32_t protos;
		r = neg_struct(v, vl, 1, &fl, &protos);
		if (r == X_MORE)
			return X_MORE;
		/* unknown flag or protocol bits: not a negotiation request */
		if (r == X_OK && (fl & ~0x0bu) == 0 && (protos & ~0x0fu) == 0) {
			tx->has_neg_req = true;
			tx->neg_req_flags = fl;
			tx->requested_protocols = protos;
		}
	}
	return class0 ? X_OK : X_NONE;
}

static bool protocol_known(uint32_t p)
{
	return p == RDP_PROTO_RDP || p == RDP_PROTO_SSL || p == RDP_PROTO_HYBRID ||
	       p == RDP_PROTO_RDSTLS || p == RDP_PROTO_HYBRID_EX;
}

static enum x_result x224_confirm(const uint8_t *d, uint32_t n, struct rdp_tx *tx)
{
	uint32_t sz;
	bool class0;
	enum x_result r = x224_head(d, n, 0xd, &sz, &class0);
	if (r != X_OK)
		return r;
	if (sz > 0) {
		if (n - 7 < sz)
			return X_MORE;
		const uint8_t *v = d + 7;
		uint8_t fl;
		uint32_t val;
		r = neg_struct(v, sz, 2, &fl, &val);
		if (r == X_MORE)
			return X_MORE;
		if (r == X_OK && (fl & ~0x1fu) == 0 && protocol_known(val)) {
			tx->neg = RDP_NEG_RESPONSE;
			tx->neg_flags = fl;
			tx->selected_protocol = val;
		} else {
			r = neg_struct(v, sz, 3, &fl, &val);
			if (r == X_MORE)
				return X_MORE;
			if (r == X_OK && val >= 1 && val <= 6) {
				tx->neg = RDP_NEG_FAILURE;
				tx->failure_code = val;
			}
		}
	}
	return class0 ? X_OK : X_NONE;
}

/* ------------------------------------------------------------ MCS connect */

static bool post_beta2_known(uint16_t v)
{
	return v == 0 || (v >= 0xca00 && v <= 0xca04);
}

static bool high_color_known(uint16_t v)
{
	return v == 0 || v == 4 || v == 8 || v == 15 || v == 16 || v == 24;
}

/* The optional fields of the core data, while each is there and valid. */
static void core_optional(const uint8_t *d, uint32_t n, struct rdp_client_core *c)
{
	uint32_t p = 0;
#define NEED(k)                                                                                    \
	do {                                                                                       \
		if (n - p < (k))                                                                   \
			return;                                                                    \
	} while (0)
	NEED(2);
	if (!post_beta2_known(le16(d + p)))
		return;
	c->post_beta2_color_depth = le16(d + p), p += 2, c->n_opt = RDP_OPT_POST_BETA2_COLOR;
	NEED(2);
	c->product_id = le16(d + p), p += 2, c->n_opt = RDP_OPT_PRODUCT_ID;
	NEED(4);
	c->serial_number = le32(d + p), p += 4, c->n_opt = RDP_OPT_SERIAL;
	NEED(2);
	if (!high_color_known(le16(d + p)))
		return;
	c->high_color_depth = le16(d + p), p += 2, c->n_opt = RDP_OPT_HIGH_COLOR;
	NEED(2);
	if (le16(d + p) & ~0x000fu)
		return;
	c->supported_color_depths = le16(d + p), p += 2, c->n_opt = RDP_OPT_SUPPORTED_COLOR;
	NEED(2);
	if (le16(d + p) & ~0x07ffu)
		return;
	c->early_capability_flags = le16(d + p), p += 2, c->n_opt = RDP_OPT_EARLY_CAPS;
	NEED(64);
	if (!utf16le_to_utf8(d + p, 64, c->dig_product_id))
		return;
	p += 64, c->n_opt = RDP_OPT_DIG_PRODUCT_ID;
	NEED(1);
	if (d[p] > 7)
		return;
	c->connection_type = d[p], p += 1, c->n_opt = RDP_OPT_CONNECTION_TYPE;
	NEED(1);
	p += 1, c->n_opt = RDP_OPT_PAD;
	NEED(4);
	if (le32(d + p) & ~0x0fu)
		return;
	c->server_selected_protocol = le32(d + p), p += 4, c->n_opt = RDP_OPT_SERVER_PROTOCOL;
	NEED(4);
	if (le32(d + p) < 10 || le32(d + p) > 10000)
		return;
	c->physical_width = le32(d + p), p += 4, c->n_opt = RDP_OPT_PHYSICAL_WIDTH;
	NEED(4);
	if (le32(d + p) < 10 || le32(d + p) > 10000)
		return;
	c->physical_height = le32(d + p), p += 4, c->n_opt = RDP_OPT_PHYSICAL_HEIGHT;
	NEED(2);
	uint16_t o = le16(d + p);
	if (o != 0 && o != 90 && o != 180 && o != 270)
		return;
	c->orientation = o, p += 2, c->n_opt = RDP_OPT_ORIENTATION;
	NEED(4);
	if (le32(d + p) < 100 || le32(d + p) > 500)
		return;
	c->desktop_scale = le32(d + p), p += 4, c->n_opt = RDP_OPT_DESKTOP_SCALE;
	NEED(4);
	uint32_t ds = le32(d + p);
	if (ds != 100 && ds != 140 && ds != 180)
		return;
	c->device_scale = ds, c->n_opt = RDP_OPT_DEVICE_SCALE;
#undef NEED
}

#define CORE_FIXED_LEN 128u /* version .. imeFileName */

/* TS_UD_CS_CORE; *used = the block's length. */
static enum x_result cs_core(const uint8_t *d, uint32_t n, struct rdp_client_core *c,
			     uint32_t *used)
{
	if (n < 2)
		return X_MORE;
	if (le16(d) != 0xc001)
		return X_NONE;
	if (n < 4)
		return X_MORE;
	uint16_t len = le16(d + 2);
	if (len < 4)
		return X_NONE;
	if (n - 4 < len - 4u)
		return X_MORE;
	const uint8_t *b = d + 4;
	uint32_t bl = len - 4u;
	if (bl < CORE_FIXED_LEN)
		return X_MORE;
	memset(c, 0, sizeof(*c));
	c->version = le32(b);
	c->desktop_width = le16(b + 4);
	c->desktop_height = le16(b + 6);
	c->color_depth = le16(b + 8);
	c->sas_sequence = le16(b + 10);
	c->keyboard_layout = le32(b + 12);
	c->client_build = le32(b + 16);
	if (!utf16le_to_utf8(b + 20, 32, c->client_name))
		return X_NONE;
	c->keyboard_type = le32(b + 52);
	c->keyboard_subtype = le32(b + 56);
	c->function_keys = le32(b + 60);
	if (!utf16le_to_utf8(b + 64, 64, c->ime_file_name))
		return X_NONE;
	core_optional(b + CORE_FIXED_LEN, bl - CORE_FIXED_LEN, c);
	*used = len;
	return X_OK;
}

/* TS_UD_CS_NET: channel count then 12-byte channel definitions. */
static enum x_result cs_net(const uint8_t *d, uint32_t n, struct rdp_cs_block *blk, uint32_t *used)
{
	if (n < 2)
		return X_MORE;
	if (le16(d) != 0xc003)
		return X_NONE;
	if (n < 4)
		return X_MORE;
	uint16_t len = le16(d + 2);
	if (len < 8)
		return X_NONE;
	if (n < 8)
		return X_MORE;
	uint32_t count = le32(d + 4);
	if (n - 8 < len - 8u)
		return X_MORE;
	const uint8_t *b = d + 8;
	uint32_t bl = len - 8u;
	blk->core = false;
	blk->n_channels = 0;
	for (uint32_t i = 0; i < count; i++) {
		if (bl < 12)
			return X_MORE;
		uint32_t nl = 0;
		while (nl < 8 && b[nl] != 0)
			nl++;
		if (!utf8_valid(b, nl))
			return X_NONE;
		if (blk->n_channels < RDP_MAX_CHANNELS) {
			memcpy(blk->channels[blk->n_channels], b, nl);
			blk->channels[blk->n_channels][nl] = 0;
			blk->n_channels++;
		}
		b += 12;
		bl -= 12;
	}
	*used = len;
	return X_OK;
}

/* Any other block: a type that is neither core nor network. */
static enum x_result cs_unknown(const uint8_t *d, uint32_t n, uint32_t *used)
{
	if (n < 2)
		return X_MORE;
	uint16_t t = le16(d);
	if (t == 0xc001 || t == 0xc003)
		return X_NONE;
	if (n < 4)
		return X_MORE;
	uint16_t len = le16(d + 2);
	if (len < 4)
		return X_NONE;
	if (n - 4 < len - 4u)
		return X_MORE;
	*used = len;
	return X_OK;
}

static enum x_result add_block(struct rdp_tx *tx, const struct rdp_cs_block *blk)
{
	if (tx->n_blocks == RDP_MAX_CHILDREN)
		return X_OK; /* parsed, not kept */
	if (tx->blocks == NULL) {
		tx->blocks = calloc(RDP_MAX_CHILDREN, sizeof(*tx->blocks));
		if (tx->blocks == NULL)
			return X_OK;
	}
	tx->blocks[tx->n_blocks++] = *blk;
	return X_OK;
}

/* The client data blocks, until the data ends or a block is not one. */
static enum x_result cs_blocks(const uint8_t *d, uint32_t n, struct rdp_tx *tx)
{
	struct rdp_cs_block *blk = calloc(1, sizeof(*blk));
	if (blk == NULL)
		return X_NONE;
	enum x_result res = X_OK;
	for (;;) {
		uint32_t used = 0;
		enum x_result r = cs_core(d, n, &blk->c, &used);
		if (r == X_OK) {
			blk->core = true;
			add_block(tx, blk);
		} else if (r == X_NONE) {
			r = cs_net(d, n, blk, &used);
			if (r == X_OK)
				add_block(tx, blk);
			else if (r == X_NONE)
				r = cs_unknown(d, n, &used);
		}
		if (r == X_MORE) {
			res = X_MORE;
			break;
		}
		if (r == X_NONE)
			break;
		d += used;
		n -= used;
		if (n == 0)
			break;
	}
	free(blk);
	return res;
}

/* PER length determinant (X.691 10.9): 1 or 2 bytes; 16K+ forms are not
 * taken (Suricata: unimplemented). */
static enum x_result per_length(const uint8_t *d, uint32_t n, uint32_t *len, uint32_t *used)
{
	if (n < 1)
		return X_MORE;
	if (!(d[0] & 0x80)) {
		*len = d[0] & 0x7f;
		*used = 1;
		return X_OK;
	}
	if (d[0] & 0x40)
		return X_NONE;
	if (n < 2)
		return X_MORE;
	*len = ((uint32_t)(d[0] & 0x3f) << 8) | d[1];
	*used = 2;
	return X_OK;
}

/* MCS Connect Initial: BER [APPLICATION 101], then the GCC conference
 * create request; the client data follows the H.221 key "Duca". */
static enum x_result mcs_connect_request(const uint8_t *d, uint32_t n, struct rdp_tx *tx)
{
	if (n < 1)
		return X_MORE;
	if (d[0] != 0x7f)
		return X_NONE;
	if (n < 2)
		return X_MORE;
	if (d[1] != 0x65)
		return X_NONE;
	const uint8_t *key = NULL;
	for (uint32_t i = 2; i + 4 <= n; i++)
		if (memcmp(d + i, "Duca", 4) == 0) {
			key = d + i;
			break;
		}
	if (key == NULL)
		return X_MORE;
	uint32_t off = (uint32_t)(key - d) + 4, len, used;
	enum x_result r = per_length(d + off, n - off, &len, &used);
	if (r != X_OK)
		return r;
	off += used;
	if (n - off < len)
		return X_MORE;
	return cs_blocks(d + off, len, tx);
}

/* ------------------------------------------------------------ transactions */

static void tx_free(struct rdp_tx *tx)
{
	if (tx == NULL)
		return;
	free(tx->blocks);
	free(tx);
}

static struct rdp_tx *tx_new(enum app_dir dir, enum rdp_tx_type type)
{
	struct rdp_tx *tx = calloc(1, sizeof(*tx));
	if (tx != NULL) {
		tx->dir = dir;
		tx->type = type;
	}
	return tx;
}

static void tx_push(struct rdp_state *s, struct rdp_tx *tx)
{
	if (tx == NULL)
		return;
	if (s->n_txs == RDP_MAX_TX) {
		tx_free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
		s->n_txs--;
	}
	tx->tx_id = s->next_tx_id++;
	s->txs[s->n_txs++] = tx;
}

/* ------------------------------------------------------------ units */

enum unit_result {
	U_OK,	  /* *x = bytes used */
	U_MORE,	  /* *x = bytes the unit needs in all */
	U_STALL,  /* wait for ever (Suricata's incomplete inside a whole TPKT) */
	U_ERROR,  /* not RDP: parsing ends */
	U_BYPASS, /* the rest is encrypted: parsing ends */
};

/* The content of one whole TPKT. */
static enum unit_result tpkt_content(struct rdp_state *s, enum app_dir dir, const uint8_t *d,
				     uint32_t n)
{
	struct rdp_tx *tx = tx_new(dir, RDP_TX_INITIAL_REQUEST);
	if (tx == NULL)
		return U_ERROR;
	enum x_result r = x224_request(d, n, tx);
	if (r == X_OK) {
		if (dir == APP_TOSERVER) {
			tx_push(s, tx);
			return U_OK;
		}
		tx_free(tx);
		return U_OK;
	}
	if (r == X_MORE)
		goto stall;
	memset(tx, 0, sizeof(*tx));
	tx->dir = dir;
	tx->type = RDP_TX_INITIAL_RESPONSE;
	r = x224_confirm(d, n, tx);
	if (r == X_OK) {
		if (dir == APP_TOCLIENT) {
			tx_push(s, tx);
			return U_OK;
		}
		tx_free(tx);
		return U_OK;
	}
	if (r == X_MORE)
		goto stall;
	memset(tx, 0, sizeof(*tx));
	tx->dir = dir;
	/* X.224 Data TPDU: LI 2, DT code 0xf0, EOT */
	if (n < 1)
		goto stall;
	if (d[0] != 2)
		goto raw;
	if (n < 2)
		goto stall;
	if (d[1] != 0xf0)
		goto raw;
	if (n < 3)
		goto stall;
	if (d[2] != 0x80)
		goto raw;
	tx->type = RDP_TX_CONNECT_REQUEST;
	r = mcs_connect_request(d + 3, n - 3, tx);
	if (r == X_MORE)
		goto stall;
	if (r == X_OK) {
		if (dir == APP_TOSERVER) {
			tx_push(s, tx);
			return U_OK;
		}
		tx_free(tx);
		return U_OK;
	}
	free(tx->blocks);
	tx->blocks = NULL;
	tx->n_blocks = 0;
	/* MCS Connect Response: [APPLICATION 102] */
	if (n - 3 >= 2 && d[3] == 0x7f && d[4] == 0x66) {
		if (dir == APP_TOCLIENT) {
			tx->type = RDP_TX_CONNECT_RESPONSE;
			tx_push(s, tx);
			return U_BYPASS;
		}
	}
raw:
	tx_free(tx);
	return U_OK; /* something else inside a TPKT: skipped */
stall:
	tx_free(tx);
	return U_STALL;
}

/* DER: the serial number of a certificate (Certificate ::= SEQUENCE {
 * tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER,
 * ... } ... }).  false when it cannot be read. */
static bool der_len(const uint8_t *d, uint32_t n, uint32_t *p, uint32_t *len)
{
	if (*p >= n)
		return false;
	uint8_t l = d[(*p)++];
	if (!(l & 0x80)) {
		*len = l;
	} else {
		uint32_t k = l & 0x7f;
		if (k == 0 || k > 4 || n - *p < k)
			return false;
		*len = 0;
		for (uint32_t i = 0; i < k; i++)
			*len = (*len << 8) | d[(*p)++];
	}
	return *len <= n - *p;
}

static bool cert_serial(const uint8_t *d, uint32_t n, uint8_t *out, uint8_t *out_len)
{
	uint32_t p = 0, len;
	if (n < 1 || d[p++] != 0x30 || !der_len(d, n, &p, &len))
		return false;
	if (p >= n || d[p++] != 0x30 || !der_len(d, n, &p, &len))
		return false;
	if (p < n && d[p] == 0xa0) {
		p++;
		if (!der_len(d, n, &p, &len))
			return false;
		p += len;
	}
	if (p >= n || d[p++] != 0x02 || !der_len(d, n, &p, &len) || len == 0)
		return false;
	const uint8_t *v = d + p;
	while (len > 1 && v[0] == 0) { /* an unsigned big integer: no leading zeros */
		v++;
		len--;
	}
	if (len > RDP_MAX_SERIAL)
		return false;
	memcpy(out, v, len);
	*out_len = (uint8_t)len;
	return true;
}

/* The Certificate handshake message body: the chain's serials. */
static void tls_certificate(struct rdp_tx *tx, const uint8_t *d, uint32_t n)
{
	if (n < 3)
		return;
	uint32_t total = ((uint32_t)d[0] << 16) | ((uint32_t)d[1] << 8) | d[2];
	d += 3;
	n -= 3;
	if (total < n)
		n = total;
	while (n >= 3) {
		uint32_t cl = ((uint32_t)d[0] << 16) | ((uint32_t)d[1] << 8) | d[2];
		if (cl > n - 3)
			break;
		if (tx->n_certs < RDP_MAX_CERTS &&
		    cert_serial(d + 3, cl, tx->serial[tx->n_certs], &tx->serial_len[tx->n_certs]))
			tx->n_certs++;
		d += 3 + cl;
		n -= 3 + cl;
	}
}

/* One TLS record.  To the client, a handshake record's Certificate
 * message makes the tls_handshake transaction and ends parsing. */
static enum unit_result tls_record(struct rdp_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t *x)
{
	if (n < 5) {
		*x = 5;
		return U_MORE;
	}
	uint8_t type = d[0];
	uint32_t len = be16(d + 3);
	if (type < 20 || type > 24 || len > RDP_TLS_RECORD_MAX)
		return U_ERROR;
	if (n - 5 < len) {
		*x = 5 + len;
		return U_MORE;
	}
	*x = 5 + len;
	if (dir != APP_TOCLIENT || type != 22)
		return U_OK;
	const uint8_t *m = d + 5;
	uint32_t ml = len;
	while (ml >= 4) {
		uint8_t ht = m[0];
		uint32_t hl = ((uint32_t)m[1] << 16) | ((uint32_t)m[2] << 8) | m[3];
		if (hl > ml - 4)
			break; /* continues in another record: not followed */
		if (ht == 11) {
			struct rdp_tx *tx = tx_new(dir, RDP_TX_TLS_HANDSHAKE);
			if (tx == NULL)
				return U_ERROR;
			tls_certificate(tx, m + 4, hl);
			tx_push(s, tx);
			return U_BYPASS;
		}
		m += 4 + hl;
		ml -= 4 + hl;
	}
	return U_OK;
}

/* One unit from d: a TPKT, or a TLS record once TLS started. */
static enum unit_result parse_unit(struct rdp_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t *x)
{
	if (s->tls)
		return tls_record(s, dir, d, n, x);
	if (d[0] == 3) {
		if (n < 4) {
			*x = 4;
			return U_MORE;
		}
		uint32_t len = be16(d + 2);
		if (len >= 4) {
			if (n < len) {
				*x = len;
				return U_MORE;
			}
			*x = len;
			return tpkt_content(s, dir, d + 4, len - 4);
		}
	}
	/* not a TPKT: a TLS handshake record starts TLS, anything else ends */
	if (d[0] != 22)
		return U_ERROR;
	s->tls = true;
	return tls_record(s, dir, d, n, x);
}

static enum app_parse_result stop(struct rdp_state *s, enum app_dir dir, enum unit_result r)
{
	if (r == U_STALL) {
		s->stalled[dir] = true;
		return APP_PARSE_OK;
	}
	if (r == U_BYPASS) {
		s->bypass = true;
		return APP_PARSE_OK;
	}
	s->failed = true;
	return APP_PARSE_ERROR;
}

enum app_parse_result rdp_parse(struct rdp_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags)
{
	if (s == NULL || (dir != APP_TOSERVER && dir != APP_TOCLIENT))
		return APP_PARSE_ERROR;
	if (s->failed)
		return APP_PARSE_ERROR;
	if (s->bypass || s->stalled[dir])
		return APP_PARSE_OK;
	if (flags & APP_CHUNK_GAP) {
		s->failed = true;
		return APP_PARSE_ERROR;
	}
	struct rdp_buf *b = &s->buf[dir];
	while (n > 0) {
		uint32_t x = 0;
		enum unit_result r;
		if (b->len == 0) {
			r = parse_unit(s, dir, d, n, &x);
			if (r == U_MORE) {
				if (b->b == NULL && (b->b = malloc(RDP_BUF_MAX)) == NULL)
					return stop(s, dir, U_ERROR);
				memcpy(b->b, d, n); /* n < x <= RDP_BUF_MAX */
				b->len = n;
				b->need = x;
				return APP_PARSE_OK;
			}
			if (r != U_OK)
				return stop(s, dir, r);
			d += x;
			n -= x;
			continue;
		}
		uint32_t take = b->need - b->len;
		if (take > n)
			take = n;
		memcpy(b->b + b->len, d, take);
		b->len += take;
		d += take;
		n -= take;
		if (b->len < b->need)
			return APP_PARSE_OK;
		r = parse_unit(s, dir, b->b, b->len, &x);
		if (r == U_MORE) {
			b->need = x; /* the header is complete now: the whole unit */
			continue;
		}
		b->len = 0;
		if (r != U_OK)
			return stop(s, dir, r);
	}
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ state */

enum app_probe_result rdp_probe(const uint8_t *d, uint32_t n)
{
	if (n == 0)
		return APP_PROBE_NEED_MORE;
	return d[0] == 3 ? APP_PROBE_MATCH : APP_PROBE_NO;
}

struct rdp_state *rdp_state_new(void)
{
	struct rdp_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->txs = calloc(RDP_MAX_TX, sizeof(*s->txs));
	if (s->txs == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void rdp_state_free(struct rdp_state *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s->buf[0].b);
	free(s->buf[1].b);
	free(s);
}

bool rdp_tls_started(const struct rdp_state *s)
{
	return s->tls;
}

bool rdp_bypassed(const struct rdp_state *s)
{
	return s->bypass;
}

bool rdp_stalled(const struct rdp_state *s, enum app_dir dir)
{
	return s->stalled[dir];
}

uint64_t rdp_tx_total(const struct rdp_state *s)
{
	return s->next_tx_id;
}

const struct rdp_tx *rdp_tx_get(const struct rdp_state *s, uint64_t tx_id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, tx_id, offsetof(struct rdp_tx, tx_id));
}

void rdp_tx_release_upto(struct rdp_state *s, uint64_t tx_id)
{
	size_t k = 0;
	while (k < s->n_txs && s->txs[k]->tx_id < tx_id)
		tx_free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
		s->n_txs -= k;
	}
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result desc_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	return rdp_probe(d, n);
}

static void *desc_state_new(const struct app_flow_info *fi)
{
	return rdp_state_new();
}

static void desc_state_free(void *st)
{
	rdp_state_free(st);
}

static enum app_parse_result desc_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	return rdp_parse(st, dir, d, n, flags);
}

static uint64_t desc_tx_count(const void *st)
{
	return rdp_tx_total(st);
}

static const void *desc_tx_get(const void *st, uint64_t id)
{
	return rdp_tx_get(st, id);
}

static enum app_side desc_tx_side(const void *st, const void *tx, enum app_dir dir, bool eof)
{
	return ((const struct rdp_tx *)tx)->dir == dir ? APP_SIDE_READY : APP_SIDE_NONE;
}

static enum app_log_decision desc_tx_log(const void *st, const void *tx, bool flow_end)
{
	return APP_LOG_NOW;
}

static void desc_tx_release_upto(void *st, uint64_t id)
{
	rdp_tx_release_upto(st, id);
}

static void desc_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	rdp_tx_log_json(j, tx);
}

const struct app_protocol app_rdp = {
    .name = "rdp",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "3389",
    .probe_port = desc_probe,
    .state_new = desc_state_new,
    .state_free = desc_state_free,
    .parse = desc_parse,
    .tx_count = desc_tx_count,
    .tx_get = desc_tx_get,
    .tx_side = desc_tx_side,
    .tx_log = desc_tx_log,
    .tx_release_upto = desc_tx_release_upto,
    .eve_type = "rdp",
    .eve_no_tx_id = true,
    .eve_dir_packet = true,
    .log_json = desc_log_json,
};
