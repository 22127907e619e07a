/*
 * dicom.c — the DICOM upper layer parser: PDU framing per direction,
 * association negotiation, P-DATA-TF PDVs, DIMSE command sets,
 * transactions, C-STORE data sets as files, and the descriptor
 * app_dicom.  EVE writer: dicom-log.c; names of UIDs and commands:
 * dicom-names.c.  No Suricata definition exists; this follows DICOM PS3.8
 * (sections 9.3 PDU structure, 9.3.2-9.3.10) and PS3.7 (9.3 DIMSE-C and
 * 10.3 DIMSE-N command sets, E.1 command dictionary).
 *
 *   - A PDU is type (1 byte), reserved, length (4 bytes big endian).
 *     Types 1-7 only; any other is invalid_pdu_type and the direction is
 *     parsed no further (there is no way to find the next PDU).
 *   - A-ASSOCIATE-RQ/AC, -RJ, A-RELEASE, A-ABORT bodies are gathered whole,
 *     up to DICOM_MAX_ASSOC_PDU bytes; a longer one is skipped with
 *     pdu_too_large.  Items (type, reserved, 2-byte length) must fit their
 *     parent, else malformed_pdu and the rest of the PDU is ignored.
 *   - P-DATA-TF bodies are streamed: PDV headers (4-byte length, context
 *     id, control header) are gathered across segments, PDV data is never
 *     held except command fragments (up to DICOM_MAX_COMMAND, else
 *     command_too_large).  A PDV longer than what is left of its PDU is
 *     malformed_pdv and the rest of the PDU is skipped.  A P-DATA-TF
 *     longer than the receiver's negotiated maximum PDU length is
 *     pdu_too_large (and still parsed).
 *   - A command set (implicit VR little endian, group 0000) whose element
 *     runs past the set is malformed_command; it is used as far as read.
 *   - A response is paired with the open request of the other direction
 *     with its Message ID (Message ID Being Responded To); pending
 *     statuses (FF00, FF01) keep the request open; none: unmatched_response
 *     and a transaction of its own.  A C-CANCEL-RQ marks the open request
 *     of its own direction it names.  An A-ABORT ends every open
 *     transaction; an AC or RP with no request seen (a flow picked up
 *     late) ends its transaction.
 *
 * Bounds: every read is checked against the length the parse call was
 * given or the gathered bytes.  Per direction at most DICOM_MAX_ASSOC_PDU
 * bytes of a PDU body and DICOM_MAX_COMMAND of a command set are held; per
 * association DICOM_MAX_PCS presentation contexts and DICOM_MAX_TS
 * transfer syntaxes each, every string cut at DICOM_MAX_STR bytes (about
 * 280 KiB at worst); per C-STORE file DICOM_FILE_KEEP bytes (the rest is
 * hashed and counted); at most DICOM_MAX_LIVE_TXS unreleased transactions
 * (the oldest goes beyond, and the new one raises too_many_transactions),
 * so files hold at most 8 MiB in a flow whose
 * transactions are never logged.  No global mutable state.
 */
#include "app/dicom.h"

#include <stddef.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

#define DICOM_PDU_HDR 6
#define DICOM_PDV_HDR 6
#define DICOM_MAX_ASSOC_PDU 65536
#define DICOM_MAX_COMMAND 65536
#define DICOM_MAX_LIVE_TXS 256
#define DICOM_MAX_STR 64
#define DICOM_NO_DATASET 0x0101
#define DICOM_C_CANCEL_RQ 0x0fff

enum {
	PDU_ASSOCIATE_RQ = 1,
	PDU_ASSOCIATE_AC = 2,
	PDU_ASSOCIATE_RJ = 3,
	PDU_P_DATA_TF = 4,
	PDU_RELEASE_RQ = 5,
	PDU_RELEASE_RP = 6,
	PDU_ABORT = 7,
};

struct dicom_file {
	enum app_file_state state;
	enum app_dir dir;
	uint64_t size;
	uint8_t *head;
	uint32_t head_len;
	EVP_MD_CTX *md[3]; /* md5, sha1, sha256 as asked */
	uint8_t hashes;
	uint8_t digest[3][32];
};

struct dicom_dir {
	bool dead;
	uint8_t hdr[DICOM_PDU_HDR];
	uint8_t hdr_len;
	uint8_t type;	   /* of the PDU in progress */
	uint32_t pdu_left; /* body bytes of it still to come */
	bool in_pdu;
	bool skip;     /* the rest of the PDU is ignored */
	uint8_t *body; /* a gathered non-P-DATA body */
	uint32_t body_len;
	/* P-DATA-TF */
	uint8_t pdv_hdr[DICOM_PDV_HDR];
	uint8_t pdv_hdr_len;
	uint32_t pdv_left;
	uint8_t pcid, ctrl;
	uint8_t *cmd;
	uint32_t cmd_len;
	bool cmd_over;
	bool data_target; /* data PDVs go to transaction data_tx */
	uint64_t data_tx;
};

struct dicom_state {
	struct dicom_dir dir[2];
	struct dicom_tx **txs;
	uint32_t n_txs, cap_txs;
	uint64_t next_id;
	bool has_assoc;
	uint64_t assoc_id;
	uint32_t max_pdu[2]; /* what each direction may carry (0: unlimited) */
	uint8_t file_hashes;
	uint8_t orphan_events; /* events raised with no transaction to hold them */
};

static const char *const dicom_event_names[DICOM_EV_COUNT] = {
    [DICOM_EV_INVALID_PDU_TYPE] = "invalid_pdu_type",
    [DICOM_EV_PDU_TOO_LARGE] = "pdu_too_large",
    [DICOM_EV_MALFORMED_PDU] = "malformed_pdu",
    [DICOM_EV_MALFORMED_PDV] = "malformed_pdv",
    [DICOM_EV_MALFORMED_COMMAND] = "malformed_command",
    [DICOM_EV_COMMAND_TOO_LARGE] = "command_too_large",
    [DICOM_EV_UNMATCHED_RESPONSE] = "unmatched_response",
    [DICOM_EV_TOO_MANY_TRANSACTIONS] = "too_many_transactions",
};

const char *dicom_event_name(enum dicom_event ev)
{
	return (unsigned)ev < DICOM_EV_COUNT ? dicom_event_names[ev] : NULL;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Copies a UID or AE title without its padding (NUL, spaces) at either
 * end, at most DICOM_MAX_STR bytes of it (UIDs are 64 at most, PS3.5 9.1). */
static void str_set(struct dicom_str *s, const uint8_t *p, uint32_t n)
{
	if (n > DICOM_MAX_STR)
		n = DICOM_MAX_STR;
	while (n > 0 && (p[n - 1] == 0 || p[n - 1] == ' '))
		n--;
	while (n > 0 && (p[0] == ' ' || p[0] == 0)) {
		p++;
		n--;
	}
	free(s->v);
	s->v = NULL;
	s->len = 0;
	if (n == 0)
		return;
	s->v = malloc(n);
	if (s->v == NULL)
		return;
	memcpy(s->v, p, n);
	s->len = n;
}

static void str_free(struct dicom_str *s)
{
	free(s->v);
	s->v = NULL;
	s->len = 0;
}

/* ------------------------------------------------------------ transactions */

static void file_free(struct dicom_file *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < 3; i++)
		EVP_MD_CTX_free(f->md[i]);
	free(f->head);
	free(f);
}

static void tx_free(struct dicom_tx *tx)
{
	struct dicom_assoc *a = &tx->assoc;
	str_free(&a->called_ae);
	str_free(&a->calling_ae);
	str_free(&a->app_context);
	for (uint32_t i = 0; i < a->n_pcs; i++) {
		str_free(&a->pcs[i].abstract);
		str_free(&a->pcs[i].accepted_ts);
		for (int k = 0; k < a->pcs[i].n_ts; k++)
			str_free(&a->pcs[i].ts[k]);
	}
	free(a->pcs);
	for (int u = 0; u < 2; u++) {
		str_free(&a->user[u].impl_class_uid);
		str_free(&a->user[u].impl_version);
		str_free(&tx->cmd[u].sop_class);
		str_free(&tx->cmd[u].sop_instance);
		str_free(&tx->cmd[u].move_destination);
	}
	file_free(tx->file);
	free(tx);
}

static struct dicom_tx *tx_find(struct dicom_state *s, uint64_t id)
{
	return (struct dicom_tx *)dicom_tx_get(s, id);
}

static struct dicom_tx *tx_new(struct dicom_state *s, enum dicom_tx_kind kind)
{
	bool evicted = false;
	if (s->n_txs == DICOM_MAX_LIVE_TXS) {
		/* the oldest goes, unlogged: the new transaction says so */
		tx_free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
		s->n_txs--;
		evicted = true;
	}
	if (s->n_txs == s->cap_txs) {
		uint32_t nc = s->cap_txs ? s->cap_txs * 2 : 8;
		struct dicom_tx **nt = realloc(s->txs, nc * sizeof(*nt));
		if (nt == NULL)
			return NULL;
		s->txs = nt;
		s->cap_txs = nc;
	}
	struct dicom_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->id = s->next_id++;
	tx->kind = kind;
	tx->events = s->orphan_events;
	s->orphan_events = 0;
	if (evicted)
		tx->events |= (uint8_t)(1u << DICOM_EV_TOO_MANY_TRANSACTIONS);
	s->txs[s->n_txs++] = tx;
	return tx;
}

/* The association transaction, made on first need. */
static struct dicom_tx *assoc_tx(struct dicom_state *s)
{
	struct dicom_tx *tx = s->has_assoc ? tx_find(s, s->assoc_id) : NULL;
	if (tx != NULL || s->has_assoc)
		return tx;
	tx = tx_new(s, DICOM_TX_ASSOCIATION);
	if (tx != NULL) {
		s->has_assoc = true;
		s->assoc_id = tx->id;
	}
	return tx;
}

/* An event on tx, or on the next transaction made when tx is NULL. */
static void set_event(struct dicom_state *s, struct dicom_tx *tx, enum dicom_event ev)
{
	if (tx != NULL)
		tx->events |= (uint8_t)(1u << ev);
	else
		s->orphan_events |= (uint8_t)(1u << ev);
}

/* The newest transaction, for events of the PDU layer. */
static struct dicom_tx *last_tx(struct dicom_state *s)
{
	return s->n_txs > 0 ? s->txs[s->n_txs - 1] : NULL;
}

/* ------------------------------------------------------------ association */

/* Items of a PDU body or of a parent item: type, reserved, 2-byte length. */
struct item_iter {
	const uint8_t *d;
	uint32_t n, off;
};

/* 1: the next item in *type, *v, *len; 0: no more; -1: it does not fit. */
static int item_next(struct item_iter *it, uint8_t *type, const uint8_t **v, uint32_t *len)
{
	if (it->off >= it->n)
		return 0;
	if (it->n - it->off < 4)
		return -1;
	const uint8_t *p = it->d + it->off;
	uint32_t l = be16(p + 2);
	if (l > it->n - it->off - 4)
		return -1;
	*type = p[0];
	*v = p + 4;
	*len = l;
	it->off += 4 + l;
	return 1;
}

static bool parse_user_info(struct dicom_user_info *u, const uint8_t *d, uint32_t n)
{
	struct item_iter it = {d, n, 0};
	uint8_t type;
	const uint8_t *v;
	uint32_t len;
	int r;
	while ((r = item_next(&it, &type, &v, &len)) == 1) {
		if (type == 0x51 && len == 4) {
			u->has_max_pdu = true;
			u->max_pdu = be32(v);
		} else if (type == 0x52) {
			str_set(&u->impl_class_uid, v, len);
		} else if (type == 0x55) {
			str_set(&u->impl_version, v, len);
		}
	}
	return r == 0;
}

static struct dicom_pc *pc_by_id(struct dicom_assoc *a, uint8_t id)
{
	for (uint32_t i = 0; i < a->n_pcs; i++)
		if (a->pcs[i].id == id)
			return &a->pcs[i];
	return NULL;
}

static struct dicom_pc *pc_add(struct dicom_assoc *a, uint8_t id)
{
	if (a->n_pcs == DICOM_MAX_PCS)
		return NULL;
	struct dicom_pc *np = realloc(a->pcs, (a->n_pcs + 1) * sizeof(*np));
	if (np == NULL)
		return NULL;
	a->pcs = np;
	struct dicom_pc *pc = &a->pcs[a->n_pcs++];
	memset(pc, 0, sizeof(*pc));
	pc->id = id;
	return pc;
}

/* A presentation context item: id, reserved, result (AC), reserved, then
 * abstract (0x30) and transfer (0x40) syntax sub-items. */
static bool parse_pc(struct dicom_assoc *a, bool ac, const uint8_t *d, uint32_t n)
{
	if (n < 4)
		return false;
	struct dicom_pc *pc = ac ? pc_by_id(a, d[0]) : NULL;
	if (pc == NULL)
		pc = pc_add(a, d[0]);
	if (pc == NULL)
		return true; /* beyond DICOM_MAX_PCS: not kept */
	if (ac) {
		pc->answered = true;
		pc->result = d[2];
	}
	struct item_iter it = {d + 4, n - 4, 0};
	uint8_t type;
	const uint8_t *v;
	uint32_t len;
	int r;
	while ((r = item_next(&it, &type, &v, &len)) == 1) {
		if (type == 0x30 && !ac)
			str_set(&pc->abstract, v, len);
		else if (type == 0x40 && ac)
			str_set(&pc->accepted_ts, v, len);
		else if (type == 0x40 && pc->n_ts < DICOM_MAX_TS)
			str_set(&pc->ts[pc->n_ts++], v, len);
	}
	return r == 0;
}

/* A-ASSOCIATE-RQ / -AC body: protocol version, reserved, called and
 * calling AE titles (16 bytes each), 32 reserved, then items. */
static void parse_associate(struct dicom_state *s, enum app_dir dir, uint8_t type, const uint8_t *d,
			    uint32_t n)
{
	struct dicom_tx *tx = assoc_tx(s);
	if (tx == NULL)
		return;
	struct dicom_assoc *a = &tx->assoc;
	bool ac = type == PDU_ASSOCIATE_AC;
	if (n < 68) {
		set_event(s, tx, DICOM_EV_MALFORMED_PDU);
		return;
	}
	if (ac) {
		a->ac = true;
	} else {
		a->rq = true;
		a->protocol_version = be16(d);
		str_set(&a->called_ae, d + 4, 16);
		str_set(&a->calling_ae, d + 20, 16);
	}
	struct item_iter it = {d + 68, n - 68, 0};
	uint8_t it_type;
	const uint8_t *v;
	uint32_t len;
	int r;
	bool ok = true;
	while ((r = item_next(&it, &it_type, &v, &len)) == 1) {
		if (it_type == 0x10)
			str_set(&a->app_context, v, len);
		else if (it_type == (ac ? 0x21 : 0x20))
			ok = parse_pc(a, ac, v, len) && ok;
		else if (it_type == 0x50)
			ok = parse_user_info(&a->user[ac], v, len) && ok;
	}
	if (r < 0 || !ok)
		set_event(s, tx, DICOM_EV_MALFORMED_PDU);
	tx->side_done[dir] = true;
	/* what each side may receive: the peer's limit applies to our sends */
	if (a->user[ac].has_max_pdu)
		s->max_pdu[ac ? APP_TOSERVER : APP_TOCLIENT] = a->user[ac].max_pdu;
}

static void parse_reject(struct dicom_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct dicom_tx *tx = assoc_tx(s);
	if (tx == NULL)
		return;
	if (n < 4) {
		set_event(s, tx, DICOM_EV_MALFORMED_PDU);
		return;
	}
	tx->assoc.rj = true;
	tx->assoc.rj_result = d[1];
	tx->assoc.rj_source = d[2];
	tx->assoc.rj_reason = d[3];
	tx->side_done[dir] = true;
}

/* A-RELEASE-RQ makes a release transaction, -RP completes it. */
static void parse_release(struct dicom_state *s, enum app_dir dir, uint8_t type)
{
	struct dicom_tx *tx = NULL;
	for (uint32_t i = s->n_txs; i > 0 && type == PDU_RELEASE_RP; i--) {
		struct dicom_tx *t = s->txs[i - 1];
		if (t->kind == DICOM_TX_RELEASE && !t->side_done[dir] && t->side_done[!dir]) {
			tx = t;
			break;
		}
	}
	if (tx == NULL)
		tx = tx_new(s, DICOM_TX_RELEASE);
	if (tx != NULL) {
		tx->side_done[dir] = true;
		tx->rq_dir = type == PDU_RELEASE_RQ ? dir : !dir;
	}
}

static void parse_abort(struct dicom_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct dicom_tx *tx = tx_new(s, DICOM_TX_ABORT);
	if (tx == NULL)
		return;
	tx->rq_dir = dir;
	tx->side_done[0] = tx->side_done[1] = true;
	if (n >= 4) {
		tx->abort_source = d[2];
		tx->abort_reason = d[3];
	} else {
		set_event(s, tx, DICOM_EV_MALFORMED_PDU);
	}
	/* nothing more comes on an aborted association: open transactions are
	 * over (logged now, in order) and open data sets truncated */
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct dicom_tx *t = s->txs[i];
		t->side_done[0] = t->side_done[1] = true;
		if (t->file != NULL && t->file->state == APP_FILE_OPEN)
			t->file->state = APP_FILE_TRUNCATED;
	}
}

/* ------------------------------------------------------------ DIMSE */

static bool is_pending(uint16_t status)
{
	return status == 0xff00 || status == 0xff01;
}

/* The command elements of d[0..n) into c; false when one runs past n. */
static bool decode_command(struct dicom_command *c, uint16_t *responding_to, const uint8_t *d,
			   uint32_t n)
{
	uint32_t off = 0;
	while (off < n) {
		if (n - off < 8)
			return false;
		uint16_t group = le16(d + off), elem = le16(d + off + 2);
		uint32_t len = le32(d + off + 4);
		off += 8;
		if (len > n - off || group != 0x0000)
			return false;
		const uint8_t *v = d + off;
		off += len;
		uint16_t us = len >= 2 ? le16(v) : 0;
		switch (elem) {
		case 0x0002:
			if (c->sop_class.len == 0)
				str_set(&c->sop_class, v, len);
			break;
		case 0x0003: str_set(&c->sop_class, v, len); break;
		case 0x0100: c->field = us; break;
		case 0x0110: c->message_id = us; break;
		case 0x0120: *responding_to = us; break;
		case 0x0600: str_set(&c->move_destination, v, len); break;
		case 0x0700:
			c->priority = us;
			c->has_priority = true;
			break;
		case 0x0800: c->dataset_type = us; break;
		case 0x0900:
			c->status = us;
			c->has_status = true;
			break;
		case 0x1000:
		case 0x1001: str_set(&c->sop_instance, v, len); break;
		default: break;
		}
	}
	return true;
}

static void command_copy(struct dicom_command *dst, struct dicom_command *src)
{
	str_free(&dst->sop_class);
	str_free(&dst->sop_instance);
	str_free(&dst->move_destination);
	uint64_t bytes = dst->dataset_bytes;
	uint32_t responses = dst->responses;
	*dst = *src;
	dst->dataset_bytes = bytes;
	dst->responses = responses;
	memset(src, 0, sizeof(*src));
}

/* The open request with Message ID msg_id sent the way rq_dir: the one a
 * response (the other way) answers or a C-CANCEL (the same way) names. */
static struct dicom_tx *find_request(struct dicom_state *s, enum app_dir rq_dir, uint16_t msg_id)
{
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct dicom_tx *t = s->txs[i];
		if (t->kind == DICOM_TX_DIMSE && t->cmd[0].seen && t->rq_dir == rq_dir &&
		    t->cmd[0].message_id == msg_id && !t->side_done[!rq_dir])
			return t;
	}
	return NULL;
}

static void file_open(struct dicom_state *s, struct dicom_tx *tx, enum app_dir dir)
{
	struct dicom_file *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return;
	f->state = APP_FILE_OPEN;
	f->dir = dir;
	const EVP_MD *mds[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
	for (int i = 0; i < 3; i++) {
		if (!(s->file_hashes & (1u << i)))
			continue;
		f->md[i] = EVP_MD_CTX_new();
		if (f->md[i] != NULL && EVP_DigestInit_ex(f->md[i], mds[i], NULL) != 1) {
			EVP_MD_CTX_free(f->md[i]);
			f->md[i] = NULL;
		}
	}
	tx->file = f;
}

static void file_data(struct dicom_file *f, const uint8_t *d, uint32_t n)
{
	if (f == NULL || f->state != APP_FILE_OPEN || n == 0)
		return;
	f->size += n;
	for (int i = 0; i < 3; i++)
		if (f->md[i] != NULL)
			EVP_DigestUpdate(f->md[i], d, n);
	uint32_t keep = DICOM_FILE_KEEP - f->head_len;
	if (keep == 0)
		return;
	if (keep > n)
		keep = n;
	uint8_t *nh = realloc(f->head, f->head_len + keep);
	if (nh == NULL)
		return;
	memcpy(nh + f->head_len, d, keep);
	f->head = nh;
	f->head_len += keep;
}

static void file_close(struct dicom_file *f)
{
	if (f == NULL || f->state != APP_FILE_OPEN)
		return;
	f->state = APP_FILE_CLOSED;
	for (int i = 0; i < 3; i++) {
		unsigned int l = 0;
		if (f->md[i] != NULL && EVP_DigestFinal_ex(f->md[i], f->digest[i], &l) == 1)
			f->hashes |= (uint8_t)(1u << i);
	}
}

/* A request command: a new transaction; a data set to follow goes to it. */
static void command_request(struct dicom_state *s, enum app_dir dir, struct dicom_command *c)
{
	struct dicom_tx *tx = tx_new(s, DICOM_TX_DIMSE);
	if (tx == NULL)
		return;
	tx->rq_dir = dir;
	command_copy(&tx->cmd[0], c);
	if (tx->cmd[0].dataset_type != DICOM_NO_DATASET) {
		s->dir[dir].data_target = true;
		s->dir[dir].data_tx = tx->id;
		if (tx->cmd[0].field == 0x0001)
			file_open(s, tx, dir);
	} else {
		tx->cmd[0].dataset_done = true;
		tx->side_done[dir] = true;
	}
}

static void command_response(struct dicom_state *s, enum app_dir dir, struct dicom_command *c,
			     uint16_t responding_to)
{
	struct dicom_tx *tx = find_request(s, !dir, responding_to);
	if (tx == NULL) {
		tx = tx_new(s, DICOM_TX_DIMSE);
		if (tx == NULL)
			return;
		tx->rq_dir = !dir;
		tx->side_done[!dir] = true;
		set_event(s, tx, DICOM_EV_UNMATCHED_RESPONSE);
	}
	uint32_t responses = tx->cmd[1].responses + 1;
	command_copy(&tx->cmd[1], c);
	tx->cmd[1].responses = responses;
	tx->cmd[1].message_id = responding_to;
	bool data = tx->cmd[1].dataset_type != DICOM_NO_DATASET;
	if (data) {
		s->dir[dir].data_target = true;
		s->dir[dir].data_tx = tx->id;
	}
	if (!is_pending(tx->cmd[1].status) && !data)
		tx->side_done[dir] = true;
}

static void command_done(struct dicom_state *s, enum app_dir dir)
{
	struct dicom_dir *dd = &s->dir[dir];
	struct dicom_command c;
	memset(&c, 0, sizeof(c));
	c.seen = true;
	c.pcid = dd->pcid;
	c.dataset_type = DICOM_NO_DATASET;
	uint16_t responding_to = 0;
	bool ok = decode_command(&c, &responding_to, dd->cmd, dd->cmd_len);
	bool over = dd->cmd_over;
	dd->cmd_len = 0;
	dd->cmd_over = false;
	dd->data_target = false;
	if (c.field == DICOM_C_CANCEL_RQ) {
		struct dicom_tx *t = find_request(s, dir, responding_to);
		if (t != NULL)
			t->cancelled = true;
		command_copy(&c, &(struct dicom_command){0});
		goto events;
	}
	if (c.field & 0x8000)
		command_response(s, dir, &c, responding_to);
	else
		command_request(s, dir, &c);
	command_copy(&c, &(struct dicom_command){0});
events:
	if (!ok)
		set_event(s, last_tx(s), DICOM_EV_MALFORMED_COMMAND);
	if (over)
		set_event(s, last_tx(s), DICOM_EV_COMMAND_TOO_LARGE);
}

/* ------------------------------------------------------------ P-DATA-TF */

static void command_bytes(struct dicom_dir *dd, const uint8_t *d, uint32_t n)
{
	if (dd->cmd_len + (uint64_t)n > DICOM_MAX_COMMAND) {
		dd->cmd_over = true;
		n = DICOM_MAX_COMMAND - dd->cmd_len;
	}
	if (n == 0)
		return;
	if (dd->cmd == NULL) {
		dd->cmd = malloc(DICOM_MAX_COMMAND);
		if (dd->cmd == NULL)
			return;
	}
	memcpy(dd->cmd + dd->cmd_len, d, n);
	dd->cmd_len += n;
}

static void data_bytes(struct dicom_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
		       bool last)
{
	struct dicom_dir *dd = &s->dir[dir];
	struct dicom_tx *tx = dd->data_target ? tx_find(s, dd->data_tx) : NULL;
	if (tx == NULL)
		return;
	struct dicom_command *c = &tx->cmd[tx->rq_dir == dir ? 0 : 1];
	c->dataset_bytes += n;
	file_data(tx->file != NULL && tx->file->dir == dir ? tx->file : NULL, d, n);
	if (!last)
		return;
	c->dataset_done = true;
	dd->data_target = false;
	if (tx->file != NULL && tx->file->dir == dir)
		file_close(tx->file);
	if (c == &tx->cmd[0] || !is_pending(c->status))
		tx->side_done[dir] = true;
}

/* PDV bytes of the P-DATA-TF in progress, at most pdu_left of them. */
static uint32_t pdata_bytes(struct dicom_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct dicom_dir *dd = &s->dir[dir];
	uint32_t off = 0;
	while (off < n) {
		if (dd->skip)
			return n;
		if (dd->pdv_left == 0 && dd->pdv_hdr_len < DICOM_PDV_HDR) {
			uint32_t take = DICOM_PDV_HDR - dd->pdv_hdr_len;
			if (take > n - off)
				take = n - off;
			memcpy(dd->pdv_hdr + dd->pdv_hdr_len, d + off, take);
			dd->pdv_hdr_len = (uint8_t)(dd->pdv_hdr_len + take);
			off += take;
			if (dd->pdv_hdr_len < DICOM_PDV_HDR)
				return off;
			uint32_t len = be32(dd->pdv_hdr);
			/* what is left of the PDU after this header */
			uint32_t room = dd->pdu_left - off;
			if (len < 2 || len - 2 > room) {
				set_event(s, last_tx(s), DICOM_EV_MALFORMED_PDV);
				dd->skip = true;
				return n;
			}
			dd->pcid = dd->pdv_hdr[4];
			dd->ctrl = dd->pdv_hdr[5];
			dd->pdv_left = len - 2;
			if (dd->pdv_left > 0)
				continue;
		}
		uint32_t take = dd->pdv_left < n - off ? dd->pdv_left : n - off;
		bool last = (dd->ctrl & 2) != 0 && take == dd->pdv_left;
		if (dd->ctrl & 1)
			command_bytes(dd, d + off, take);
		else
			data_bytes(s, dir, d + off, take, last);
		dd->pdv_left -= take;
		off += take;
		if (dd->pdv_left == 0) {
			dd->pdv_hdr_len = 0;
			if ((dd->ctrl & 3) == 3)
				command_done(s, dir);
		}
	}
	return n;
}

/* ------------------------------------------------------------ PDUs */

static void pdu_complete(struct dicom_state *s, enum app_dir dir)
{
	struct dicom_dir *dd = &s->dir[dir];
	if (dd->type == PDU_P_DATA_TF) {
		if (!dd->skip && (dd->pdv_hdr_len != 0 || dd->pdv_left != 0))
			set_event(s, last_tx(s), DICOM_EV_MALFORMED_PDV);
	} else if (!dd->skip) {
		const uint8_t *b = dd->body;
		uint32_t n = dd->body_len;
		switch (dd->type) {
		case PDU_ASSOCIATE_RQ:
		case PDU_ASSOCIATE_AC: parse_associate(s, dir, dd->type, b, n); break;
		case PDU_ASSOCIATE_RJ: parse_reject(s, dir, b, n); break;
		case PDU_RELEASE_RQ:
		case PDU_RELEASE_RP: parse_release(s, dir, dd->type); break;
		case PDU_ABORT: parse_abort(s, dir, b, n); break;
		default: break;
		}
	}
	dd->in_pdu = false;
	dd->skip = false;
	dd->hdr_len = 0;
	dd->body_len = 0;
	dd->pdv_hdr_len = 0;
	dd->pdv_left = 0;
	if (dd->type != PDU_P_DATA_TF) {
		free(dd->body);
		dd->body = NULL;
	}
}

/* A PDU header is complete: checks its type and length. */
static bool pdu_begin(struct dicom_state *s, enum app_dir dir)
{
	struct dicom_dir *dd = &s->dir[dir];
	dd->type = dd->hdr[0];
	dd->pdu_left = be32(dd->hdr + 2);
	dd->in_pdu = true;
	dd->skip = false;
	if (dd->type < PDU_ASSOCIATE_RQ || dd->type > PDU_ABORT) {
		set_event(s, last_tx(s), DICOM_EV_INVALID_PDU_TYPE);
		dd->dead = true;
		return false;
	}
	if (dd->type == PDU_P_DATA_TF) {
		if (s->max_pdu[dir] != 0 && dd->pdu_left > s->max_pdu[dir])
			set_event(s, last_tx(s), DICOM_EV_PDU_TOO_LARGE);
		return true;
	}
	if (dd->pdu_left > DICOM_MAX_ASSOC_PDU) {
		struct dicom_tx *tx = dd->type <= PDU_ASSOCIATE_RJ ? assoc_tx(s) : last_tx(s);
		set_event(s, tx, DICOM_EV_PDU_TOO_LARGE);
		dd->skip = true;
		return true;
	}
	dd->body = malloc(dd->pdu_left ? dd->pdu_left : 1);
	if (dd->body == NULL)
		dd->skip = true;
	dd->body_len = 0;
	return true;
}

static void pdu_body(struct dicom_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	struct dicom_dir *dd = &s->dir[dir];
	if (dd->type == PDU_P_DATA_TF)
		pdata_bytes(s, dir, d, n);
	else if (!dd->skip) {
		memcpy(dd->body + dd->body_len, d, n);
		dd->body_len += n;
	}
	dd->pdu_left -= n;
}

enum app_parse_result dicom_parse(struct dicom_state *s, enum app_dir dir, const uint8_t *d,
				  uint32_t n, uint32_t flags)
{
	struct dicom_dir *dd = &s->dir[dir];
	if (dd->dead)
		return APP_PARSE_ERROR;
	if (flags & APP_CHUNK_GAP) {
		/* no way to find the next PDU boundary in a stream with a hole */
		dd->dead = true;
		return APP_PARSE_ERROR;
	}
	uint32_t off = 0;
	while (d != NULL && off < n) {
		if (!dd->in_pdu) {
			uint32_t take = DICOM_PDU_HDR - dd->hdr_len;
			if (take > n - off)
				take = n - off;
			memcpy(dd->hdr + dd->hdr_len, d + off, take);
			dd->hdr_len = (uint8_t)(dd->hdr_len + take);
			off += take;
			if (dd->hdr_len < DICOM_PDU_HDR)
				break;
			if (!pdu_begin(s, dir))
				return APP_PARSE_ERROR;
		}
		uint32_t take = dd->pdu_left < n - off ? dd->pdu_left : n - off;
		pdu_body(s, dir, d + off, take);
		off += take;
		if (dd->pdu_left == 0)
			pdu_complete(s, dir);
	}
	if (flags & APP_CHUNK_EOF) {
		for (uint32_t i = 0; i < s->n_txs; i++) {
			struct dicom_file *f = s->txs[i]->file;
			if (f != NULL && f->dir == dir && f->state == APP_FILE_OPEN)
				f->state = APP_FILE_TRUNCATED;
		}
	}
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ state */

struct dicom_state *dicom_state_new(uint8_t file_hashes)
{
	struct dicom_state *s = calloc(1, sizeof(*s));
	if (s != NULL)
		s->file_hashes = file_hashes;
	return s;
}

void dicom_state_free(struct dicom_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	for (int d = 0; d < 2; d++) {
		free(s->dir[d].body);
		free(s->dir[d].cmd);
	}
	free(s);
}

uint64_t dicom_tx_count(const struct dicom_state *s)
{
	return s->next_id;
}

const struct dicom_tx *dicom_tx_get(const struct dicom_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct dicom_tx, id));
}

void dicom_tx_release_upto(struct dicom_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		tx_free(s->txs[k++]);
	if (k == 0)
		return;
	memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
	s->n_txs -= k;
}

bool dicom_tx_has_event(const struct dicom_tx *tx, enum dicom_event ev)
{
	return (unsigned)ev < DICOM_EV_COUNT && (tx->events & (1u << ev)) != 0;
}

bool dicom_tx_file(const struct dicom_tx *tx, struct app_file_info *out)
{
	const struct dicom_file *f = tx->file;
	if (f == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	out->state = f->state;
	out->dir = f->dir;
	out->name = tx->cmd[0].sop_instance.v;
	out->name_len = tx->cmd[0].sop_instance.len;
	out->size = f->size;
	out->hashes = f->hashes;
	memcpy(out->md5, f->digest[0], 16);
	memcpy(out->sha1, f->digest[1], 20);
	memcpy(out->sha256, f->digest[2], 32);
	return true;
}

const uint8_t *dicom_tx_file_data(const struct dicom_tx *tx, uint32_t *len)
{
	*len = tx->file != NULL ? tx->file->head_len : 0;
	return *len > 0 ? tx->file->head : NULL;
}

/* ------------------------------------------------------------ descriptor */

/* A-ASSOCIATE-RQ: type 01, reserved, length, protocol version 0001,
 * reserved 0000, then the called and calling AE titles (16 printable
 * bytes each, PS3.8 9.3.2): a pattern strong enough for any port. */
#define DICOM_PROBE_LEN (DICOM_PDU_HDR + 4 + 32)
static enum app_probe_result dicom_probe(const struct app_probe_in *in, const uint8_t *d,
					 uint32_t n)
{
	(void)in;
	static const uint8_t want[] = {0x01, 0x00};
	for (uint32_t i = 0; i < n && i < 2; i++)
		if (d[i] != want[i])
			return APP_PROBE_NO;
	if (n >= 10) {
		uint32_t len = be32(d + 2);
		if (len < 68 || len > DICOM_MAX_ASSOC_PDU || be16(d + 6) != 1 || be16(d + 8) != 0)
			return APP_PROBE_NO;
	}
	for (uint32_t i = 10; i < n && i < DICOM_PROBE_LEN; i++)
		if (d[i] < 0x20 || d[i] > 0x7e)
			return APP_PROBE_NO;
	return n < DICOM_PROBE_LEN ? APP_PROBE_NEED_MORE : APP_PROBE_MATCH;
}

/* On the DICOM ports, any PS3.8 PDU header (an association seen late). */
static enum app_probe_result dicom_probe_port(const struct app_probe_in *in, const uint8_t *d,
					      uint32_t n)
{
	(void)in;
	if (n < 1)
		return APP_PROBE_NEED_MORE;
	if (d[0] < PDU_ASSOCIATE_RQ || d[0] > PDU_ABORT || (n >= 2 && d[1] != 0))
		return APP_PROBE_NO;
	return n < DICOM_PDU_HDR ? APP_PROBE_NEED_MORE : APP_PROBE_MATCH;
}

static void *desc_state_new(const struct app_flow_info *fi)
{
	return dicom_state_new(fi != NULL ? fi->file_hashes : 0);
}

static void desc_state_free(void *state)
{
	dicom_state_free(state);
}

static enum app_parse_result desc_parse(void *state, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	return dicom_parse(state, dir, d, n, flags);
}

static uint64_t desc_tx_count(const void *state)
{
	return dicom_tx_count(state);
}

static const void *desc_tx_get(const void *state, uint64_t id)
{
	return dicom_tx_get(state, id);
}

/* Association: RQ to the server, AC/RJ to the client.  DIMSE: the request
 * side once its command (and data set) is in; the response side at the
 * final response.  An abort ends everything open. */
static enum app_side desc_tx_side(const void *state, const void *txv, enum app_dir dir, bool eof)
{
	const struct dicom_state *s = state;
	const struct dicom_tx *tx = txv;
	if (tx->side_done[dir])
		return APP_SIDE_READY;
	/* an answer with no request seen (a flow picked up late): none comes */
	enum app_dir req = tx->kind == DICOM_TX_ASSOCIATION ? APP_TOSERVER : tx->rq_dir;
	if (tx->kind != DICOM_TX_DIMSE && dir == req && tx->side_done[!req])
		return APP_SIDE_NONE;
	bool seen = tx->kind == DICOM_TX_DIMSE && tx->cmd[tx->rq_dir == dir ? 0 : 1].seen;
	if (eof || s->dir[dir].dead)
		return seen ? APP_SIDE_READY : APP_SIDE_NONE;
	if (tx->kind == DICOM_TX_ABORT)
		return APP_SIDE_NONE;
	return APP_SIDE_PENDING;
}

static enum app_log_decision desc_tx_log(const void *state, const void *txv, bool flow_end)
{
	(void)state;
	const struct dicom_tx *tx = txv;
	if (tx->side_done[0] && tx->side_done[1])
		return APP_LOG_NOW;
	/* an answer is the end of an association or release transaction */
	enum app_dir req = tx->kind == DICOM_TX_ASSOCIATION ? APP_TOSERVER : tx->rq_dir;
	if (tx->kind != DICOM_TX_DIMSE && tx->side_done[!req])
		return APP_LOG_NOW;
	return flow_end ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void desc_tx_release_upto(void *state, uint64_t id)
{
	dicom_tx_release_upto(state, id);
}

static bool desc_tx_has_event(const void *state, const void *tx, int ev)
{
	(void)state;
	return dicom_tx_has_event(tx, (enum dicom_event)ev);
}

static void desc_log_json(struct json *j, const void *state, const void *tx, uint32_t opts)
{
	(void)state;
	(void)opts;
	json_open_object(j, "dicom");
	dicom_tx_log_json(j, tx);
	json_close_object(j);
}

static bool desc_tx_file(const void *tx, uint32_t k, struct app_file_info *out)
{
	return k == 0 && dicom_tx_file(tx, out);
}

const struct app_protocol app_dicom = {
    .name = "dicom",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "104,11112",
    .probe = dicom_probe,
    .probe_port = dicom_probe_port,
    .state_new = desc_state_new,
    .state_free = desc_state_free,
    .parse = desc_parse,
    .tx_count = desc_tx_count,
    .tx_get = desc_tx_get,
    .tx_side = desc_tx_side,
    .tx_log = desc_tx_log,
    .tx_release_upto = desc_tx_release_upto,
    .event_names = dicom_event_names,
    .n_events = DICOM_EV_COUNT,
    .tx_has_event = desc_tx_has_event,
    .eve_type = "dicom",
    .log_json = desc_log_json,
    .tx_file = desc_tx_file,
};
