/*
 * hl7.c — the HL7 v2 parser over MLLP: frames per direction, the message
 * structure (segments, MSH, MSA), transactions pairing a message with its
 * acknowledgment, events, settings and the descriptor app_hl7.  EVE
 * writer: hl7-log.c.  No Suricata definition exists; this follows the HL7
 * v2.x standard (chapter 2, message construction) and MLLP (v2
 * Implementation Guide, Appendix C).
 *
 *   - Framing: a message starts after <VT> (0x0b) and ends at <FS><CR>
 *     (0x1c 0x0d).  Bytes outside a frame are skipped (MLLP peers send
 *     none).  A <VT> inside a frame, a gap, or the end of the direction
 *     ends the open frame as it is, with unterminated_frame.  A <FS> not
 *     followed by <CR> is data.
 *   - A frame longer than max-message-size keeps its first bytes (the MSH
 *     comes first) and counts the rest: message_too_large.
 *   - Segments end at CR (LF and CRLF are accepted too); empty ones are
 *     skipped.  The first MSH segment gives the field separator (MSH-1,
 *     its fourth byte) and the encoding characters (MSH-2: 1 to 5 bytes,
 *     component separator first); MSH-3..12 are split on the separator.
 *     No MSH: missing_msh; a separator that is a letter, digit, space or
 *     line end, bad MSH-2, or an empty MSH-9/10/11/12: malformed_msh.
 *   - A message with an MSA segment answers the oldest open transaction
 *     whose first message went the other way with MSH-10 equal to MSA-2;
 *     any other message makes a new transaction.
 *
 * Bounds: every read is checked against the length a parse call was given
 * or a message's kept length.  Per direction at most max-message-size
 * bytes are held (default 1 MiB) for the open frame; per message
 * HL7_MAX_SEGMENTS segment spans; live (unreleased) transactions are at
 * most HL7_MAX_LIVE_TXS and hold at most HL7_STATE_MEMCAP bytes of
 * messages beyond the newest one: the oldest are freed first (the
 * framework logs and releases them long before), and the transaction of
 * the message that made room raises too_many_transactions.  No global mutable
 * state.
 */
#include "app/hl7.h"

#include <stddef.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/config.h"
#include "util/json.h"

#define HL7_VT 0x0b
#define HL7_FS 0x1c
#define HL7_CR 0x0d
#define HL7_MAX_LIVE_TXS 256
#define HL7_STATE_MEMCAP (16u * 1024 * 1024) /* message bytes held by live transactions */

struct hl7_dir {
	bool in_frame;
	bool fs_pending; /* the last byte seen in the frame was <FS> */
	uint8_t *buf;
	uint32_t len, cap;
	uint64_t size; /* bytes of the open frame, kept or not */
};

struct hl7_state {
	struct hl7_config cfg;
	struct hl7_dir dir[2];
	struct hl7_tx **txs; /* live transactions, ids increasing */
	uint32_t n_txs, cap_txs;
	uint64_t held; /* bytes of the live transactions' messages (msg_bytes) */
	uint64_t next_id;
};

static const char *const hl7_event_names[HL7_EV_COUNT] = {
    [HL7_EV_MALFORMED_MSH] = "malformed_msh",
    [HL7_EV_MISSING_MSH] = "missing_msh",
    [HL7_EV_MESSAGE_TOO_LARGE] = "message_too_large",
    [HL7_EV_UNTERMINATED_FRAME] = "unterminated_frame",
    [HL7_EV_TOO_MANY_TRANSACTIONS] = "too_many_transactions",
};

const char *hl7_event_name(enum hl7_event ev)
{
	return (unsigned)ev < HL7_EV_COUNT ? hl7_event_names[ev] : NULL;
}

/* ------------------------------------------------------------ message structure */

static bool is_seg_end(uint8_t c)
{
	return c == '\r' || c == '\n';
}

/* Splits m->data into segments (spans without their ends). */
static bool split_segments(struct hl7_msg *m)
{
	uint32_t cap = 0;
	uint32_t i = 0;
	while (i < m->len) {
		while (i < m->len && is_seg_end(m->data[i]))
			i++;
		if (i == m->len)
			break;
		uint32_t start = i;
		while (i < m->len && !is_seg_end(m->data[i]))
			i++;
		m->n_segs_total++;
		if (m->n_segs == HL7_MAX_SEGMENTS)
			continue;
		if (m->n_segs == cap) {
			uint32_t nc = cap ? cap * 2 : 16;
			struct hl7_span *ns = realloc(m->segs, nc * sizeof(*ns));
			if (ns == NULL)
				return false;
			m->segs = ns;
			cap = nc;
		}
		m->segs[m->n_segs++] = (struct hl7_span){start, i - start};
	}
	return true;
}

static bool seg_is(const struct hl7_msg *m, const struct hl7_span *s, const char *name)
{
	return s->len >= 3 && memcmp(m->data + s->off, name, 3) == 0 &&
	       (s->len == 3 || !isalnum(m->data[s->off + 3]));
}

/* A field separator must be a printable non-alphanumeric byte. */
static bool good_separator(uint8_t c)
{
	return c > ' ' && c < 0x7f && !isalnum(c);
}

/* MSH-1, MSH-2 and MSH-3..12 of the segment s; false when malformed. */
static bool parse_msh(struct hl7_msg *m, const struct hl7_span *s)
{
	const uint8_t *p = m->data + s->off;
	m->has_msh = true;
	m->msh = *s;
	if (s->len < 5 || !good_separator(p[3]))
		return false;
	m->sep = p[3];
	m->field[HL7_MSH_FIELD_SEP] = (struct hl7_span){s->off + 3, 1};
	uint32_t i = 4;
	while (i < s->len && p[i] != m->sep)
		i++;
	uint32_t n_enc = i - 4;
	m->field[HL7_MSH_ENCODING] = (struct hl7_span){s->off + 4, n_enc};
	bool ok = n_enc >= 1 && n_enc <= 5;
	for (uint32_t k = 4; k < i; k++)
		if (!good_separator(p[k]))
			ok = false;
	if (n_enc >= 1)
		m->comp = p[4];
	int f = HL7_MSH_SENDING_APP;
	while (i < s->len && f < HL7_MSH_FIELDS) {
		uint32_t start = ++i; /* past the separator */
		while (i < s->len && p[i] != m->sep)
			i++;
		m->field[f++] = (struct hl7_span){s->off + start, i - start};
	}
	for (f = HL7_MSH_MESSAGE_TYPE; f <= HL7_MSH_VERSION; f++)
		if (m->field[f].len == 0)
			ok = false;
	return ok;
}

/* MSA-1 and MSA-2 of the segment s (fields split on the MSH separator). */
static void parse_msa(struct hl7_msg *m, const struct hl7_span *s)
{
	const uint8_t *p = m->data + s->off;
	struct hl7_span f[3] = {{0, 0}, {0, 0}, {0, 0}};
	uint32_t i = 3;
	for (int k = 1; k <= 2 && i < s->len && p[i] == m->sep; k++) {
		uint32_t start = ++i;
		while (i < s->len && p[i] != m->sep)
			i++;
		f[k] = (struct hl7_span){s->off + start, i - start};
	}
	m->has_msa = true;
	m->msa_code = f[1];
	m->msa_control_id = f[2];
}

struct hl7_msg *hl7_msg_parse(const uint8_t *d, uint32_t n, uint64_t size, enum app_dir dir)
{
	struct hl7_msg *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->data = malloc(n ? n : 1);
	if (m->data == NULL) {
		free(m);
		return NULL;
	}
	if (n > 0)
		memcpy(m->data, d, n);
	m->len = n;
	m->size = size < n ? n : size;
	m->dir = dir;
	if (!split_segments(m)) {
		hl7_msg_free(m);
		return NULL;
	}
	for (uint32_t k = 0; k < m->n_segs; k++) {
		const struct hl7_span *s = &m->segs[k];
		/* "MSH" then a bad separator is still the header, malformed */
		if (!m->has_msh && s->len >= 3 && memcmp(m->data + s->off, "MSH", 3) == 0) {
			if (!parse_msh(m, s))
				m->events |= 1u << HL7_EV_MALFORMED_MSH;
		} else if (m->has_msh && m->sep != 0 && !m->has_msa && seg_is(m, s, "MSA")) {
			parse_msa(m, s);
		}
	}
	if (!m->has_msh)
		m->events |= 1u << HL7_EV_MISSING_MSH;
	return m;
}

void hl7_msg_free(struct hl7_msg *m)
{
	if (m == NULL)
		return;
	free(m->data);
	free(m->segs);
	free(m);
}

/* ------------------------------------------------------------ transactions */

static bool span_eq(const struct hl7_msg *a, struct hl7_span sa, const struct hl7_msg *b,
		    struct hl7_span sb)
{
	return sa.len == sb.len && sa.len > 0 &&
	       memcmp(a->data + sa.off, b->data + sb.off, sa.len) == 0;
}

/* What a message holds: its bytes and its segment spans. */
static uint64_t msg_bytes(const struct hl7_msg *m)
{
	return m == NULL ? 0 : m->len + (uint64_t)m->n_segs * sizeof(struct hl7_span);
}

static void tx_free(struct hl7_state *s, struct hl7_tx *tx)
{
	s->held -= msg_bytes(tx->msg[0]) + msg_bytes(tx->msg[1]);
	hl7_msg_free(tx->msg[0]);
	hl7_msg_free(tx->msg[1]);
	free(tx);
}

/* The open transaction an acknowledgment m answers, or NULL. */
static struct hl7_tx *find_acked(struct hl7_state *s, const struct hl7_msg *m)
{
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct hl7_tx *tx = s->txs[i];
		const struct hl7_msg *q = tx->msg[!m->dir];
		if (tx->msg[m->dir] == NULL && q != NULL && tx->first_dir == q->dir &&
		    span_eq(q, q->field[HL7_MSH_CONTROL_ID], m, m->msa_control_id))
			return tx;
	}
	return NULL;
}

static void add_message(struct hl7_state *s, struct hl7_msg *m)
{
	struct hl7_tx *tx = m->has_msa ? find_acked(s, m) : NULL;
	s->held += msg_bytes(m);
	if (tx != NULL) {
		tx->msg[m->dir] = m;
		return;
	}
	/* the oldest unreleased transactions go first beyond the caps; the
	 * new message's transaction says some were dropped unlogged */
	while (s->n_txs > 0 && (s->n_txs >= HL7_MAX_LIVE_TXS || s->held > HL7_STATE_MEMCAP)) {
		m->events |= 1u << HL7_EV_TOO_MANY_TRANSACTIONS;
		tx_free(s, s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
		s->n_txs--;
	}
	if (s->n_txs == s->cap_txs) {
		uint32_t nc = s->cap_txs ? s->cap_txs * 2 : 8;
		struct hl7_tx **nt = realloc(s->txs, nc * sizeof(*nt));
		if (nt == NULL)
			goto oom;
		s->txs = nt;
		s->cap_txs = nc;
	}
	tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		goto oom;
	tx->id = s->next_id++;
	tx->msg[m->dir] = m;
	tx->first_dir = m->dir;
	tx->newest = true;
	if (s->n_txs > 0)
		s->txs[s->n_txs - 1]->newest = false;
	s->txs[s->n_txs++] = tx;
	return;
oom:
	s->held -= msg_bytes(m);
	hl7_msg_free(m);
}

/* ------------------------------------------------------------ framing */

/* Keeps bytes of the open frame up to the configured maximum. */
static bool frame_append(struct hl7_state *s, struct hl7_dir *fd, const uint8_t *d, uint32_t n)
{
	fd->size += n;
	uint32_t max = s->cfg.max_message;
	if (fd->len >= max)
		return true;
	if (n > max - fd->len)
		n = max - fd->len;
	if (n == 0)
		return true;
	if (fd->len + n > fd->cap) {
		uint32_t nc = fd->cap ? fd->cap : 256;
		while (nc < fd->len + n)
			nc = nc > max / 2 ? max : nc * 2;
		uint8_t *nb = realloc(fd->buf, nc);
		if (nb == NULL)
			return false;
		fd->buf = nb;
		fd->cap = nc;
	}
	memcpy(fd->buf + fd->len, d, n);
	fd->len += n;
	return true;
}

/* Ends the open frame: a message (and its transaction) from its bytes. */
static void frame_end(struct hl7_state *s, enum app_dir dir, bool terminated)
{
	struct hl7_dir *fd = &s->dir[dir];
	if (fd->fs_pending && !terminated)
		frame_append(s, fd, (const uint8_t[]){HL7_FS}, 1);
	struct hl7_msg *m = hl7_msg_parse(fd->buf, fd->len, fd->size, dir);
	if (m != NULL) {
		if (!terminated)
			m->events |= 1u << HL7_EV_UNTERMINATED_FRAME;
		if (fd->size > fd->len)
			m->events |= 1u << HL7_EV_MESSAGE_TOO_LARGE;
		add_message(s, m);
	}
	fd->in_frame = false;
	fd->fs_pending = false;
	fd->len = 0;
	fd->size = 0;
	if (fd->cap > 65536) {
		free(fd->buf);
		fd->buf = NULL;
		fd->cap = 0;
	}
}

/* Frame bytes of d from i: returns where the scan stopped. */
static uint32_t frame_bytes(struct hl7_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			    uint32_t i)
{
	struct hl7_dir *fd = &s->dir[dir];
	if (fd->fs_pending) {
		fd->fs_pending = false;
		if (d[i] == HL7_CR) {
			frame_end(s, dir, true);
			return i + 1;
		}
		frame_append(s, fd, (const uint8_t[]){HL7_FS}, 1);
	}
	uint32_t j = i;
	while (j < n && d[j] != HL7_FS && d[j] != HL7_VT)
		j++;
	frame_append(s, fd, d + i, j - i);
	if (j == n)
		return n;
	if (d[j] == HL7_VT) {
		frame_end(s, dir, false); /* a new frame begins */
		return j;
	}
	fd->fs_pending = true;
	return j + 1;
}

enum app_parse_result hl7_parse(struct hl7_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags)
{
	struct hl7_dir *fd = &s->dir[dir];
	if ((flags & APP_CHUNK_GAP) && fd->in_frame)
		frame_end(s, dir, false);
	uint32_t i = 0;
	while (d != NULL && i < n) {
		if (!fd->in_frame) {
			const uint8_t *vt = memchr(d + i, HL7_VT, n - i);
			if (vt == NULL)
				break;
			i = (uint32_t)(vt - d) + 1;
			fd->in_frame = true;
			continue;
		}
		i = frame_bytes(s, dir, d, n, i);
	}
	if ((flags & APP_CHUNK_EOF) && fd->in_frame)
		frame_end(s, dir, false);
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ state */

struct hl7_state *hl7_state_new(const struct hl7_config *cfg)
{
	struct hl7_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->cfg.redact = true;
	s->cfg.max_message = HL7_DEFAULT_MAX_MESSAGE;
	if (cfg != NULL) {
		s->cfg = *cfg;
		if (s->cfg.max_message == 0)
			s->cfg.max_message = HL7_DEFAULT_MAX_MESSAGE;
	}
	return s;
}

void hl7_state_free(struct hl7_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s, s->txs[i]);
	free(s->txs);
	free(s->dir[0].buf);
	free(s->dir[1].buf);
	free(s);
}

bool hl7_state_redact(const struct hl7_state *s)
{
	return s->cfg.redact;
}

uint64_t hl7_tx_count(const struct hl7_state *s)
{
	return s->next_id;
}

const struct hl7_tx *hl7_tx_get(const struct hl7_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct hl7_tx, id));
}

void hl7_tx_release_upto(struct hl7_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		tx_free(s, s->txs[k++]);
	if (k == 0)
		return;
	memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
	s->n_txs -= k;
}

/* ------------------------------------------------------------ accessors */

static const uint8_t *span_view(const struct hl7_msg *m, struct hl7_span sp, uint32_t *len)
{
	*len = sp.len;
	return sp.len > 0 ? m->data + sp.off : NULL;
}

const uint8_t *hl7_msg_field(const struct hl7_msg *m, int field, uint32_t *len)
{
	*len = 0;
	if (m == NULL || field < 1 || field >= HL7_MSH_FIELDS)
		return NULL;
	return span_view(m, m->field[field], len);
}

const uint8_t *hl7_msg_type_component(const struct hl7_msg *m, int k, uint32_t *len)
{
	uint32_t n = 0;
	const uint8_t *p = hl7_msg_field(m, HL7_MSH_MESSAGE_TYPE, &n);
	*len = 0;
	if (p == NULL || m->comp == 0)
		return NULL;
	uint32_t i = 0;
	for (int c = 0; c < k; c++) {
		while (i < n && p[i] != m->comp)
			i++;
		if (i == n)
			return NULL;
		i++;
	}
	uint32_t start = i;
	while (i < n && p[i] != m->comp)
		i++;
	*len = i - start;
	return *len > 0 ? p + start : NULL;
}

const uint8_t *hl7_msg_type(const struct hl7_msg *m, uint32_t *len)
{
	uint32_t n = 0, tl = 0;
	const uint8_t *p = hl7_msg_field(m, HL7_MSH_MESSAGE_TYPE, &n);
	const uint8_t *trig = hl7_msg_type_component(m, 1, &tl);
	*len = n;
	if (p != NULL && trig != NULL)
		*len = (uint32_t)(trig + tl - p);
	return p;
}

const uint8_t *hl7_msg_segment(const struct hl7_msg *m, uint32_t k, uint32_t *len)
{
	*len = 0;
	if (m == NULL || k >= m->n_segs)
		return NULL;
	return span_view(m, m->segs[k], len);
}

const uint8_t *hl7_segment_name(const struct hl7_msg *m, uint32_t k, uint32_t *len)
{
	const uint8_t *p = hl7_msg_segment(m, k, len);
	uint32_t n = 0;
	while (p != NULL && n < *len && n < 3 && (m->sep == 0 || p[n] != m->sep))
		n++;
	*len = n;
	return p;
}

const uint8_t *hl7_msg_msh(const struct hl7_msg *m, uint32_t *len)
{
	*len = 0;
	if (m == NULL || !m->has_msh)
		return NULL;
	return span_view(m, m->msh, len);
}

bool hl7_msg_has_event(const struct hl7_msg *m, enum hl7_event ev)
{
	return m != NULL && (unsigned)ev < HL7_EV_COUNT && (m->events & (1u << ev)) != 0;
}

bool hl7_tx_has_event(const struct hl7_tx *tx, enum hl7_event ev)
{
	return hl7_msg_has_event(tx->msg[0], ev) || hl7_msg_has_event(tx->msg[1], ev);
}

/* ------------------------------------------------------------ settings */

void *hl7_config_new(const struct config_node *root)
{
	struct hl7_config *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->redact = config_get_bool(root, "app-layer.protocols.hl7.redact", true);
	uint64_t max = config_get_size(root, "app-layer.protocols.hl7.max-message-size",
				       HL7_DEFAULT_MAX_MESSAGE);
	c->max_message = max == 0 || max > UINT32_MAX / 2 ? HL7_DEFAULT_MAX_MESSAGE : (uint32_t)max;
	return c;
}

void hl7_config_free(void *cfg)
{
	free(cfg);
}

/* ------------------------------------------------------------ descriptor */

/* <VT> then "MSH" (a batch may open with FHS or BHS). */
static enum app_probe_result hl7_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	(void)in;
	static const char *const heads[] = {"MSH", "FHS", "BHS"};
	if (n < 1 || d[0] != HL7_VT)
		return APP_PROBE_NO;
	for (int h = 0; h < 3; h++) {
		uint32_t cmp = n - 1 < 3 ? n - 1 : 3;
		if (memcmp(d + 1, heads[h], cmp) == 0)
			return n < 4 ? APP_PROBE_NEED_MORE : APP_PROBE_MATCH;
	}
	return APP_PROBE_NO;
}

/* On the HL7 port, a <VT> opening the data is enough. */
static enum app_probe_result hl7_probe_port(const struct app_probe_in *in, const uint8_t *d,
					    uint32_t n)
{
	(void)in;
	if (n < 1)
		return APP_PROBE_NEED_MORE;
	return d[0] == HL7_VT ? APP_PROBE_MATCH : APP_PROBE_NO;
}

static void *desc_state_new(const struct app_flow_info *fi)
{
	return hl7_state_new(fi != NULL ? fi->cfg : NULL);
}

static void desc_state_free(void *state)
{
	hl7_state_free(state);
}

static enum app_parse_result desc_parse(void *state, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	return hl7_parse(state, dir, d, n, flags);
}

static uint64_t desc_tx_count(const void *state)
{
	return hl7_tx_count(state);
}

static const void *desc_tx_get(const void *state, uint64_t id)
{
	return hl7_tx_get(state, id);
}

/* A side is its message; the acknowledgment's side waits while the
 * transaction is the newest (the sender waits for it before the next). */
static enum app_side desc_tx_side(const void *state, const void *txv, enum app_dir dir, bool eof)
{
	(void)state;
	const struct hl7_tx *tx = txv;
	if (tx->msg[dir] != NULL)
		return APP_SIDE_READY;
	if (eof || dir == tx->first_dir || !tx->newest)
		return APP_SIDE_NONE;
	return APP_SIDE_PENDING;
}

static enum app_log_decision desc_tx_log(const void *state, const void *txv, bool flow_end)
{
	(void)state;
	const struct hl7_tx *tx = txv;
	if (tx->msg[0] != NULL && tx->msg[1] != NULL)
		return APP_LOG_NOW;
	return flow_end || !tx->newest ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void desc_tx_release_upto(void *state, uint64_t id)
{
	hl7_tx_release_upto(state, id);
}

static bool desc_tx_has_event(const void *state, const void *tx, int ev)
{
	(void)state;
	return hl7_tx_has_event(tx, (enum hl7_event)ev);
}

static void desc_log_json(struct json *j, const void *state, const void *tx, uint32_t opts)
{
	(void)opts;
	json_open_object(j, "hl7");
	hl7_tx_log_json(j, tx, hl7_state_redact(state));
	json_close_object(j);
}

const struct app_protocol app_hl7 = {
    .name = "hl7",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "2575",
    .probe = hl7_probe,
    .probe_port = hl7_probe_port,
    .config_new = hl7_config_new,
    .config_free = hl7_config_free,
    .state_new = desc_state_new,
    .state_free = desc_state_free,
    .parse = desc_parse,
    .tx_count = desc_tx_count,
    .tx_get = desc_tx_get,
    .tx_side = desc_tx_side,
    .tx_log = desc_tx_log,
    .tx_release_upto = desc_tx_release_upto,
    .event_names = hl7_event_names,
    .n_events = HL7_EV_COUNT,
    .tx_has_event = desc_tx_has_event,
    .eve_type = "hl7",
    .log_json = desc_log_json,
};
