/*
 * smtp.c — the SMTP parser: command and reply lines per direction,
 * pipelined commands matched with their replies in order, transactions
 * per mail (HELO/EHLO, MAIL FROM, RCPT TO, the message from DATA or
 * BDAT chunks, decoded by app/mime.c), STARTTLS handing the flow to TLS,
 * events, settings and the descriptor app_smtp.  EVE: smtp-log.c.
 *
 * As Suricata 8 (src/app-layer-smtp.c): a reply is "ddd text" (or
 * "ddd-text" continued); the last line of a reply answers the oldest
 * command not answered yet.  DATA switches the client to data mode at
 * once (pipelining); "." alone ends it; a leading dot is unstuffed.  A
 * non-354 reply to DATA raises data_command_rejected and leaves data
 * mode, the mail going on; the first reply is the greeting; a 220 reply to STARTTLS returns
 * APP_PARSE_CHANGE expecting TLS (another code: tls_rejected).  BDAT n [LAST] takes exactly n bytes
 * as message data whatever they hold.  HELO, MAIL FROM and RCPT TO keep the first space-delimited
 * token after the command (a second MAIL FROM in one mail: duplicate_fields).
 *
 * Bounds: every read is checked against the length a parse call was
 * given; a line is held up to SMTP_MAX_LINE bytes per direction (longer
 * command or reply lines raise max_*_line_len_exceeded and are skipped;
 * longer message lines are passed on in pieces); SMTP_MAX_PENDING
 * commands wait for replies (more: invalid_pipelined_sequence, the oldest
 * forgotten); SMTP_MAX_RCPT recipients and SMTP_MAX_ARG bytes per value;
 * SMTP_MAX_LIVE_TXS unreleased transactions (each holding one message's
 * decoder: at most about 1.6 MiB with app/mime.c's caps, so a flow holds
 * at most about 50 MiB), with at most SMTP_MAX_UNANSWERED finished mails
 * waiting for the server's answer before they are logged anyway; a BDAT size is only counted
 * down, never allocated.  The message's own bounds are app/mime.c's.  No
 * global mutable state.
 */
#include "app/frame.h"
#include "app/smtp.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/config.h"
#include "util/json.h"

enum smtp_cmd {
	CMD_OTHER = 0,
	CMD_HELO,
	CMD_MAIL,
	CMD_RCPT,
	CMD_DATA,
	CMD_BDAT,
	CMD_RSET,
	CMD_QUIT,
	CMD_STARTTLS,
	CMD_DATA_END,  /* "." ending DATA: its reply completes the mail */
	CMD_BDAT_LAST, /* BDAT n LAST: likewise */
};

struct smtp_tx {
	uint64_t id;
	const struct smtp_state *st;
	bool done;
	bool replied; /* the server answered the end of the mail (or none will) */
	struct mime_bytes helo, mail_from;
	struct mime_bytes *rcpt;
	uint32_t n_rcpt;
	bool has_mime;
	struct mime_parser mime;
	uint32_t events;
};

/* A line reader: lines are views of the data or of buf. */
struct smtp_lines {
	uint8_t buf[SMTP_MAX_LINE];
	uint32_t n;
	bool cut; /* the line being read was already passed on in part */
};

struct smtp_state {
	const struct smtp_config *cfg;
	uint8_t file_hashes;
	struct smtp_lines lines[2];
	struct smtp_lines bdat_lines; /* BDAT content split into lines */
	bool reply_seen;
	bool data_mode;
	bool data_line_start; /* the next DATA bytes start a line */
	uint64_t bdat_left;
	bool bdat_last;
	bool change; /* STARTTLS accepted */
	struct mime_bytes helo;
	uint8_t pending[SMTP_MAX_PENDING];
	uint32_t pend_head, pend_n;
	struct smtp_tx **txs;
	uint32_t n_txs, cap_txs;
	uint64_t next_id;
	struct smtp_tx *cur;
	bool cur_done; /* the current mail was done when it was released */
	int64_t data_frame;	 /* the message's "data" frame (-1: none) */
	uint64_t data_frame_off; /* its stream offset */
};

static const char *const smtp_event_names[SMTP_EV_COUNT] = {
    [SMTP_EV_INVALID_REPLY] = "invalid_reply",
    [SMTP_EV_UNABLE_TO_MATCH_REPLY] = "unable_to_match_reply_with_request",
    [SMTP_EV_MAX_COMMAND_LINE_LEN] = "max_command_line_len_exceeded",
    [SMTP_EV_MAX_REPLY_LINE_LEN] = "max_reply_line_len_exceeded",
    [SMTP_EV_INVALID_PIPELINED_SEQUENCE] = "invalid_pipelined_sequence",
    [SMTP_EV_BDAT_CHUNK_LEN_EXCEEDED] = "bdat_chunk_len_exceeded",
    [SMTP_EV_NO_SERVER_WELCOME] = "no_server_welcome_message",
    [SMTP_EV_TLS_REJECTED] = "tls_rejected",
    [SMTP_EV_DATA_COMMAND_REJECTED] = "data_command_rejected",
    [SMTP_EV_MIME_PARSE_FAILED] = "mime_parse_failed",
    [SMTP_EV_MIME_MALFORMED_MSG] = "mime_malformed_msg",
    [SMTP_EV_MIME_INVALID_BASE] = "mime_invalid_base",
    [SMTP_EV_MIME_LONG_HEADER_NAME] = "mime_long_header_name",
    [SMTP_EV_MIME_LONG_HEADER_VALUE] = "mime_long_header_value",
    [SMTP_EV_MIME_INVALID_QP] = "mime_invalid_qp",
    [SMTP_EV_MIME_LONG_LINE] = "mime_long_line",
    [SMTP_EV_MIME_LONG_ENC_LINE] = "mime_long_enc_line",
    [SMTP_EV_MIME_LONG_BOUNDARY] = "mime_long_boundary",
    [SMTP_EV_DUPLICATE_FIELDS] = "duplicate_fields",
    [SMTP_EV_UNPARSABLE_CONTENT] = "unparsable_content",
    [SMTP_EV_MIME_LONG_FILENAME] = "mime_long_filename",
    [SMTP_EV_FAILED_PROTOCOL_CHANGE] = "failed_protocol_change",
    [SMTP_EV_INVALID_BDAT] = "invalid_bdat",
};

/* The SMTP event of each MIME anomaly. */
static const uint8_t mime_to_smtp[MIME_EV_COUNT] = {
    [MIME_EV_PARSE_FAILED] = SMTP_EV_MIME_PARSE_FAILED,
    [MIME_EV_MALFORMED_MSG] = SMTP_EV_MIME_MALFORMED_MSG,
    [MIME_EV_INVALID_BASE64] = SMTP_EV_MIME_INVALID_BASE,
    [MIME_EV_LONG_HEADER_NAME] = SMTP_EV_MIME_LONG_HEADER_NAME,
    [MIME_EV_LONG_HEADER_VALUE] = SMTP_EV_MIME_LONG_HEADER_VALUE,
    [MIME_EV_INVALID_QP] = SMTP_EV_MIME_INVALID_QP,
    [MIME_EV_LONG_LINE] = SMTP_EV_MIME_LONG_LINE,
    [MIME_EV_LONG_ENC_LINE] = SMTP_EV_MIME_LONG_ENC_LINE,
    [MIME_EV_LONG_BOUNDARY] = SMTP_EV_MIME_LONG_BOUNDARY,
    [MIME_EV_LONG_FILENAME] = SMTP_EV_MIME_LONG_FILENAME,
};

const char *smtp_event_name(enum smtp_event ev)
{
	return (unsigned)ev < SMTP_EV_COUNT ? smtp_event_names[ev] : NULL;
}

/* ------------------------------------------------------------ settings */

void *smtp_config_new(const struct config_node *root)
{
	struct smtp_config *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	struct mime_config *m = &c->mime;
	mime_config_defaults(m);
	const char *p = "app-layer.protocols.smtp.mime.";
	char key[128];
#define MIME_BOOL(field, name)                                                                     \
	snprintf(key, sizeof(key), "%s%s", p, name);                                               \
	m->field = config_get_bool(root, key, m->field)
	MIME_BOOL(decode_mime, "decode-mime");
	MIME_BOOL(decode_base64, "decode-base64");
	MIME_BOOL(decode_qp, "decode-quoted-printable");
	MIME_BOOL(extract_urls, "extract-urls");
	MIME_BOOL(log_url_scheme, "log-url-scheme");
	MIME_BOOL(body_md5, "body-md5");
#undef MIME_BOOL
	snprintf(key, sizeof(key), "%sheader-value-depth", p);
	int64_t depth = config_get_int(root, key, m->header_value_depth);
	if (depth >= 0 && depth <= UINT16_MAX)
		m->header_value_depth = (uint32_t)depth;
	snprintf(key, sizeof(key), "%sextract-urls-schemes", p);
	const struct config_node *sch = config_get(root, key);
	if (sch != NULL && sch->nchild > 0) {
		m->n_schemes = 0;
		for (size_t i = 0; i < sch->nchild && m->n_schemes < MIME_MAX_SCHEMES; i++) {
			const char *v = sch->child[i]->value;
			if (v == NULL || strlen(v) + 1 > sizeof(m->schemes[0]))
				continue;
			strcpy(m->schemes[m->n_schemes++], v);
		}
	}
	return c;
}

void smtp_config_free(void *cfg)
{
	free(cfg);
}

/* ------------------------------------------------------------ state */

struct smtp_state *smtp_state_new(const struct smtp_config *cfg, uint8_t file_hashes)
{
	struct smtp_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->cfg = cfg;
	s->file_hashes = file_hashes;
	s->data_line_start = true;
	s->data_frame = -1;
	return s;
}

static void tx_free(struct smtp_tx *tx)
{
	free(tx->helo.p);
	free(tx->mail_from.p);
	for (uint32_t i = 0; i < tx->n_rcpt; i++)
		free(tx->rcpt[i].p);
	free(tx->rcpt);
	if (tx->has_mime)
		mime_free(&tx->mime);
	free(tx);
}

void smtp_state_free(struct smtp_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s->helo.p);
	free(s);
}

static bool set_bytes(struct mime_bytes *b, const uint8_t *d, uint32_t n)
{
	if (n > SMTP_MAX_ARG)
		n = SMTP_MAX_ARG;
	uint8_t *p = malloc(n + 1);
	if (p == NULL)
		return false;
	memcpy(p, d, n);
	p[n] = 0;
	free(b->p);
	b->p = p;
	b->n = n;
	return true;
}

static void tx_release_oldest(struct smtp_state *s)
{
	if (s->txs[0] == s->cur) {
		s->cur_done = s->cur->done;
		s->cur = NULL;
	}
	tx_free(s->txs[0]);
	memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
	s->n_txs--;
}

/* A server that does not answer (or a capture of one side) must not keep
 * mails from being logged: past SMTP_MAX_UNANSWERED the oldest counts
 * as answered. */
static void unanswered_cap(struct smtp_state *s)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->n_txs; i++)
		n += s->txs[i]->done && !s->txs[i]->replied;
	for (uint32_t i = 0; i < s->n_txs && n >= SMTP_MAX_UNANSWERED; i++) {
		if (s->txs[i]->done && !s->txs[i]->replied) {
			s->txs[i]->replied = true;
			n--;
		}
	}
}

static struct smtp_tx *tx_new(struct smtp_state *s)
{
	unanswered_cap(s);
	if (s->n_txs >= SMTP_MAX_LIVE_TXS)
		tx_release_oldest(s);
	if (s->n_txs == s->cap_txs) {
		uint32_t cap = s->cap_txs ? s->cap_txs * 2 : 4;
		struct smtp_tx **t = realloc(s->txs, cap * sizeof(*t));
		if (t == NULL)
			return NULL;
		s->txs = t;
		s->cap_txs = cap;
	}
	struct smtp_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	tx->id = s->next_id++;
	tx->st = s;
	if (s->helo.n > 0)
		set_bytes(&tx->helo, s->helo.p, s->helo.n);
	s->txs[s->n_txs++] = tx;
	s->cur = tx;
	s->cur_done = false;
	return tx;
}

/* Events go to the current mail (one is made when there is none). */
static void event(struct smtp_state *s, enum smtp_event ev)
{
	struct smtp_tx *tx = s->cur != NULL ? s->cur : tx_new(s);
	if (tx != NULL)
		tx->events |= 1u << ev;
}

static void tx_take_mime_events(struct smtp_tx *tx)
{
	if (!tx->has_mime)
		return;
	for (int e = 0; e < MIME_EV_COUNT; e++)
		if (tx->mime.events & (1u << e))
			tx->events |= 1u << mime_to_smtp[e];
}

static void mail_end(struct smtp_state *s, bool complete, bool await_reply)
{
	s->data_frame = -1;
	struct smtp_tx *tx = s->cur;
	s->data_mode = false;
	s->bdat_left = 0;
	s->bdat_last = false;
	s->data_line_start = true;
	s->bdat_lines.n = 0;
	s->bdat_lines.cut = false;
	if (tx == NULL)
		return;
	if (tx->has_mime) {
		mime_finish(&tx->mime, complete);
		tx_take_mime_events(tx);
	}
	tx->done = true;
	tx->replied = !await_reply;
}

/* ------------------------------------------------------------ lines */

/*
 * The next line of d (without its end of line) into *line: a view of d
 * when nothing was held, else of the reader's buffer.  A line longer
 * than the buffer comes in pieces with *eol 0 and *cut set on the later
 * ones.  Returns the bytes of d consumed; *line NULL when the line is not
 * complete yet (all of d held).
 */
static uint32_t next_line(struct smtp_lines *lr, const uint8_t *d, uint32_t n, const uint8_t **line,
			  uint32_t *len, uint8_t *eol, bool *cont)
{
	*line = NULL;
	*cont = lr->cut;
	const uint8_t *lf = memchr(d, '\n', n);
	uint32_t upto = lf != NULL ? (uint32_t)(lf - d) : n;
	if (lf != NULL && lr->n == 0) {
		*line = d;
		*len = upto;
		*eol = 1;
		if (upto > 0 && d[upto - 1] == '\r') {
			(*len)--;
			*eol = 2;
		}
		lr->cut = false;
		return upto + 1;
	}
	uint32_t room = SMTP_MAX_LINE - lr->n;
	uint32_t take = upto < room ? upto : room;
	memcpy(lr->buf + lr->n, d, take);
	lr->n += take;
	if (take == upto && lf != NULL) {
		*line = lr->buf;
		*len = lr->n;
		*eol = 1;
		if (lr->n > 0 && lr->buf[lr->n - 1] == '\r') {
			(*len)--;
			*eol = 2;
		}
		lr->n = 0;
		lr->cut = false;
		return take + 1;
	}
	if (lr->n == SMTP_MAX_LINE) {
		/* full: pass on what is held (a CR at its end waits) */
		uint32_t keep = lr->buf[lr->n - 1] == '\r' ? 1 : 0;
		*line = lr->buf;
		*len = lr->n - keep;
		*eol = 0;
		lr->n = 0;
		lr->cut = true;
		if (keep) {
			lr->buf[0] = '\r';
			lr->n = 1;
		}
	}
	return take;
}

/* ------------------------------------------------------------ client */

static void pending_push(struct smtp_state *s, enum smtp_cmd c)
{
	if (s->pend_n == SMTP_MAX_PENDING) {
		event(s, SMTP_EV_INVALID_PIPELINED_SEQUENCE);
		s->pend_head = (s->pend_head + 1) % SMTP_MAX_PENDING;
		s->pend_n--;
	}
	s->pending[(s->pend_head + s->pend_n) % SMTP_MAX_PENDING] = (uint8_t)c;
	s->pend_n++;
}

static bool verb_is(const uint8_t *l, uint32_t n, const char *verb)
{
	size_t vl = strlen(verb);
	return n >= vl && strncasecmp((const char *)l, verb, vl) == 0 &&
	       (n == vl || l[vl] == ' ' || l[vl] == '\t' || verb[vl - 1] == ':');
}

static enum smtp_cmd command_of(const uint8_t *l, uint32_t n)
{
	if (verb_is(l, n, "HELO") || verb_is(l, n, "EHLO"))
		return CMD_HELO;
	if (n >= 9 && strncasecmp((const char *)l, "MAIL FROM", 9) == 0)
		return CMD_MAIL;
	if (n >= 7 && strncasecmp((const char *)l, "RCPT TO", 7) == 0)
		return CMD_RCPT;
	if (verb_is(l, n, "DATA"))
		return CMD_DATA;
	if (verb_is(l, n, "BDAT"))
		return CMD_BDAT;
	if (verb_is(l, n, "RSET"))
		return CMD_RSET;
	if (verb_is(l, n, "QUIT"))
		return CMD_QUIT;
	if (verb_is(l, n, "STARTTLS"))
		return CMD_STARTTLS;
	return CMD_OTHER;
}

/* The token after the command's prefix (and one byte, ':' or ' '). */
static bool command_param(const uint8_t *l, uint32_t n, uint32_t prefix, const uint8_t **v,
			  uint32_t *vn)
{
	uint32_t i = prefix + 1;
	while (i < n && l[i] == ' ')
		i++;
	uint32_t e = i;
	while (e < n && l[e] != ' ')
		e++;
	if (i >= n)
		return false;
	*v = l + i;
	*vn = e - i;
	return true;
}

static void mime_start(struct smtp_state *s, struct smtp_tx *tx)
{
	if (tx->has_mime)
		return;
	mime_init(&tx->mime, s->cfg != NULL ? &s->cfg->mime : NULL, s->file_hashes);
	tx->has_mime = true;
}

static void bdat_command(struct smtp_state *s, struct smtp_tx *tx, const uint8_t *l, uint32_t n)
{
	uint32_t i = 4;
	while (i < n && l[i] == ' ')
		i++;
	uint64_t size = 0;
	uint32_t digits = 0;
	while (i < n && l[i] >= '0' && l[i] <= '9' && digits < 19) {
		size = size * 10 + (uint64_t)(l[i++] - '0');
		digits++;
	}
	if (digits == 0 || (i < n && l[i] != ' ')) {
		tx->events |= 1u << SMTP_EV_INVALID_BDAT;
		return;
	}
	while (i < n && l[i] == ' ')
		i++;
	s->bdat_last = n - i >= 4 && strncasecmp((const char *)l + i, "LAST", 4) == 0;
	s->bdat_left = size;
	mime_start(s, tx);
	if (s->bdat_last && s->pend_n > 0)
		s->pending[(s->pend_head + s->pend_n - 1) % SMTP_MAX_PENDING] = CMD_BDAT_LAST;
	if (size == 0 && s->bdat_last)
		mail_end(s, true, true);
}

static void command_line(struct smtp_state *s, const uint8_t *l, uint32_t n)
{
	if (!s->reply_seen)
		event(s, SMTP_EV_NO_SERVER_WELCOME);
	enum smtp_cmd c = command_of(l, n);
	bool after_mail = s->cur != NULL ? s->cur->done : s->cur_done;
	if ((s->cur == NULL && !(after_mail && (c == CMD_RSET || c == CMD_QUIT))) ||
	    (s->cur != NULL && s->cur->done && c != CMD_RSET && c != CMD_QUIT))
		tx_new(s);
	struct smtp_tx *tx = s->cur;
	pending_push(s, c);
	if (tx == NULL)
		return;
	const uint8_t *v;
	uint32_t vn;
	switch (c) {
	case CMD_HELO:
		if (command_param(l, n, 4, &v, &vn)) {
			set_bytes(&s->helo, v, vn);
			set_bytes(&tx->helo, v, vn);
		}
		break;
	case CMD_MAIL:
		if (tx->mail_from.p != NULL)
			tx->events |= 1u << SMTP_EV_DUPLICATE_FIELDS;
		else if (command_param(l, n, 9, &v, &vn))
			set_bytes(&tx->mail_from, v, vn);
		break;
	case CMD_RCPT:
		if (tx->n_rcpt < SMTP_MAX_RCPT && command_param(l, n, 7, &v, &vn)) {
			if (tx->rcpt == NULL)
				tx->rcpt = calloc(SMTP_MAX_RCPT, sizeof(*tx->rcpt));
			if (tx->rcpt != NULL && set_bytes(&tx->rcpt[tx->n_rcpt], v, vn))
				tx->n_rcpt++;
		}
		break;
	case CMD_DATA:
		mime_start(s, tx);
		s->data_mode = true;
		s->data_line_start = true;
		break;
	case CMD_BDAT: bdat_command(s, tx, l, n); break;
	case CMD_RSET:
		if (!tx->done && (tx->mail_from.p != NULL || tx->n_rcpt > 0 || tx->has_mime))
			mail_end(s, false, false);
		break;
	default: break;
	}
}

/* Frames (app/frame.h), Suricata's SMTP frame names: each command and
 * reply line with its end of line, and the message after DATA up to its
 * "." line.  They belong to the current mail's transaction. */
enum { SMTP_FRAME_COMMAND_LINE, SMTP_FRAME_DATA, SMTP_FRAME_RESPONSE_LINE, SMTP_FRAME_COUNT };
static const char *const smtp_frame_names[SMTP_FRAME_COUNT] = {
    [SMTP_FRAME_COMMAND_LINE] = "command_line",
    [SMTP_FRAME_DATA] = "data",
    [SMTP_FRAME_RESPONSE_LINE] = "response_line",
};

static void frame_tx(const struct smtp_state *s, enum app_dir dir, int64_t id)
{
	if (s->cur != NULL)
		app_frame_set_tx(dir, id, s->cur->id);
}

/* A line of the message (DATA): "." alone ends it, a leading dot is
 * removed.  `end`: stream offset after the line. */
static void data_line(struct smtp_state *s, const uint8_t *l, uint32_t n, uint8_t eol, bool cont,
		      uint64_t end)
{
	struct smtp_tx *tx = s->cur;
	if (!cont && eol > 0 && n == 1 && l[0] == '.') {
		if (s->data_frame >= 0)
			app_frame_set_len(APP_TOSERVER, s->data_frame,
					  (int64_t)(end - s->data_frame_off));
		s->data_frame = -1;
		mail_end(s, true, true);
		pending_push(s, CMD_DATA_END); /* the end of data gets its own reply */
		return;
	}
	if (!cont && n > 0 && l[0] == '.') {
		l++;
		n--;
	}
	if (tx != NULL && tx->has_mime)
		mime_parse_line(&tx->mime, l, n, eol);
}

static void bdat_data(struct smtp_state *s, const uint8_t *d, uint32_t n)
{
	struct smtp_tx *tx = s->cur;
	while (n > 0) {
		const uint8_t *line;
		uint32_t len;
		uint8_t eol;
		bool cont;
		uint32_t used = next_line(&s->bdat_lines, d, n, &line, &len, &eol, &cont);
		if (line != NULL && tx != NULL && tx->has_mime)
			mime_parse_line(&tx->mime, line, len, eol);
		d += used;
		n -= used;
	}
}

static void to_server(struct smtp_state *s, const uint8_t *d, uint32_t n)
{
	uint64_t pos = app_frame_offset(); /* stream offset of d */
	while (n > 0) {
		if (s->bdat_left > 0) {
			uint32_t take = s->bdat_left < n ? (uint32_t)s->bdat_left : n;
			bdat_data(s, d, take);
			s->bdat_left -= take;
			d += take;
			n -= take;
			pos += take;
			if (s->bdat_left == 0) {
				struct smtp_tx *tx = s->cur;
				if (s->bdat_lines.n > 0 && tx != NULL && tx->has_mime)
					mime_parse_line(&tx->mime, s->bdat_lines.buf,
							s->bdat_lines.n, 0);
				s->bdat_lines.n = 0;
				if (s->bdat_last)
					mail_end(s, true, true);
			}
			continue;
		}
		const uint8_t *line;
		uint32_t len;
		uint8_t eol;
		bool cont;
		uint32_t used = next_line(&s->lines[APP_TOSERVER], d, n, &line, &len, &eol, &cont);
		d += used;
		n -= used;
		pos += used;
		if (line == NULL)
			continue;
		if (s->data_mode) {
			data_line(s, line, len, eol, cont, pos);
		} else if (eol == 0 || cont) {
			if (!cont)
				event(s, SMTP_EV_MAX_COMMAND_LINE_LEN);
		} else {
			int64_t f = app_frame_new(APP_TOSERVER, pos - len - eol, len + eol,
						  SMTP_FRAME_COMMAND_LINE);
			command_line(s, line, len);
			frame_tx(s, APP_TOSERVER, f);
			if (s->data_mode) {
				s->data_frame = app_frame_new(APP_TOSERVER, pos, -1, SMTP_FRAME_DATA);
				s->data_frame_off = pos;
				frame_tx(s, APP_TOSERVER, s->data_frame);
			}
		}
	}
}

/* ------------------------------------------------------------ server */

static void reply_final(struct smtp_state *s, unsigned code)
{
	if (!s->reply_seen) {
		s->reply_seen = true; /* the greeting answers no command */
		return;
	}
	if (s->pend_n == 0) {
		event(s, SMTP_EV_UNABLE_TO_MATCH_REPLY);
		return;
	}
	enum smtp_cmd c = s->pending[s->pend_head];
	s->pend_head = (s->pend_head + 1) % SMTP_MAX_PENDING;
	s->pend_n--;
	if (c == CMD_STARTTLS) {
		if (code == 220)
			s->change = true;
		else
			event(s, SMTP_EV_TLS_REJECTED);
	} else if (c == CMD_DATA && code != 354 && s->data_mode) {
		/* the mail goes on: its envelope may be fixed and DATA sent again */
		event(s, SMTP_EV_DATA_COMMAND_REJECTED);
		s->data_mode = false;
	} else if (c == CMD_DATA_END || c == CMD_BDAT_LAST) {
		for (uint32_t i = 0; i < s->n_txs; i++) {
			if (s->txs[i]->done && !s->txs[i]->replied) {
				s->txs[i]->replied = true;
				break;
			}
		}
	}
}

static void reply_line(struct smtp_state *s, const uint8_t *l, uint32_t n)
{
	if (n < 3 || l[0] < '0' || l[0] > '9' || l[1] < '0' || l[1] > '9' || l[2] < '0' ||
	    l[2] > '9' || (n > 3 && l[3] != ' ' && l[3] != '-')) {
		event(s, SMTP_EV_INVALID_REPLY);
		return;
	}
	if (n > 3 && l[3] == '-')
		return; /* continued */
	reply_final(s, (unsigned)((l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0')));
}

static bool to_client(struct smtp_state *s, const uint8_t *d, uint32_t n)
{
	uint64_t pos = app_frame_offset(); /* stream offset of d */
	while (n > 0 && !s->change) {
		const uint8_t *line;
		uint32_t len;
		uint8_t eol;
		bool cont;
		uint32_t used = next_line(&s->lines[APP_TOCLIENT], d, n, &line, &len, &eol, &cont);
		d += used;
		n -= used;
		pos += used;
		if (line == NULL)
			continue;
		if (eol == 0 || cont) {
			if (!cont)
				event(s, SMTP_EV_MAX_REPLY_LINE_LEN);
			continue;
		}
		frame_tx(s, APP_TOCLIENT,
			 app_frame_new(APP_TOCLIENT, pos - len - eol, len + eol,
				       SMTP_FRAME_RESPONSE_LINE));
		reply_line(s, line, len);
	}
	return s->change;
}

enum app_parse_result smtp_parse(struct smtp_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n, uint32_t flags)
{
	if (flags & APP_CHUNK_GAP) {
		s->lines[dir].n = 0;
		s->lines[dir].cut = false;
		if (dir == APP_TOSERVER && (s->data_mode || s->bdat_left > 0))
			mail_end(s, false, false);
	}
	if (s->change)
		return APP_PARSE_CHANGE;
	if (dir == APP_TOSERVER)
		to_server(s, d, n);
	else if (to_client(s, d, n))
		return APP_PARSE_CHANGE;
	struct smtp_lines *held = &s->lines[dir];
	if ((flags & APP_CHUNK_EOF) && !s->change && !s->data_mode && s->bdat_left == 0 &&
	    held->n > 0 && !held->cut) {
		/* a last line the close ends, as Suricata takes it at the end */
		uint32_t len = held->n;
		held->n = 0;
		int64_t f = app_frame_new(dir, app_frame_offset() + n - len, len,
					  dir == APP_TOSERVER ? SMTP_FRAME_COMMAND_LINE
							      : SMTP_FRAME_RESPONSE_LINE);
		if (dir == APP_TOSERVER)
			command_line(s, held->buf, len);
		else
			reply_line(s, held->buf, len);
		frame_tx(s, dir, f);
	}
	if ((flags & APP_CHUNK_EOF) && dir == APP_TOSERVER && s->cur != NULL && !s->cur->done &&
	    (s->data_mode || s->bdat_left > 0)) {
		/* the message's last, unended line still counts */
		struct smtp_lines *lr = s->bdat_left > 0 ? &s->bdat_lines : &s->lines[APP_TOSERVER];
		if (lr->n > 0 && s->cur->has_mime)
			mime_parse_line(&s->cur->mime, lr->buf, lr->n, 0);
		lr->n = 0;
		mail_end(s, false, false);
	}
	if (s->cur != NULL)
		tx_take_mime_events(s->cur);
	return APP_PARSE_OK;
}

uint64_t smtp_tx_count(const struct smtp_state *s)
{
	return s->next_id;
}

const struct smtp_tx *smtp_tx_get(const struct smtp_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct smtp_tx, id));
}

static void smtp_tx_release_upto(struct smtp_state *s, uint64_t id)
{
	while (s->n_txs > 0 && s->txs[0]->id < id)
		tx_release_oldest(s);
}

/* ------------------------------------------------------------ accessors */

const uint8_t *smtp_tx_helo(const struct smtp_tx *tx, uint32_t *len)
{
	*len = tx->helo.n;
	return tx->helo.p;
}

const uint8_t *smtp_tx_mail_from(const struct smtp_tx *tx, uint32_t *len)
{
	*len = tx->mail_from.n;
	return tx->mail_from.p;
}

const uint8_t *smtp_tx_rcpt_to(const struct smtp_tx *tx, uint32_t k, uint32_t *len)
{
	if (k >= tx->n_rcpt) {
		*len = 0;
		return NULL;
	}
	*len = tx->rcpt[k].n;
	return tx->rcpt[k].p;
}

bool smtp_tx_done(const struct smtp_tx *tx)
{
	return tx->done;
}

const struct mime_parser *smtp_tx_mime(const struct smtp_tx *tx)
{
	return tx->has_mime ? &tx->mime : NULL;
}

bool smtp_tx_has_event(const struct smtp_tx *tx, enum smtp_event ev)
{
	return (unsigned)ev < SMTP_EV_COUNT && (tx->events & (1u << ev)) != 0;
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result smtp_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	static const char *const words[] = {"EHLO", "HELO", "QUIT", NULL};
	return in->dir == APP_TOSERVER ? app_probe_words(d, n, words) : APP_PROBE_NO;
}

/* On port 25 / 587: a server's "220" greeting or a client's command. */
static enum app_probe_result smtp_probe_port(const struct app_probe_in *in, const uint8_t *d,
					     uint32_t n)
{
	if (in->dir == APP_TOCLIENT) {
		if (n < 4)
			return APP_PROBE_NEED_MORE;
		return memcmp(d, "220", 3) == 0 && (d[3] == ' ' || d[3] == '-') ? APP_PROBE_MATCH
										: APP_PROBE_NO;
	}
	static const char *const words[] = {"EHLO", "HELO", "QUIT", NULL};
	return app_probe_words(d, n, words);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	return smtp_state_new(fi != NULL ? fi->cfg : NULL, fi != NULL ? fi->file_hashes : 0);
}

static void d_state_free(void *state)
{
	smtp_state_free(state);
}

static enum app_parse_result d_parse(void *state, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return smtp_parse(state, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *state)
{
	return smtp_tx_count(state);
}

static const void *d_tx_get(const void *state, uint64_t id)
{
	return smtp_tx_get(state, id);
}

static enum app_side d_tx_side(const void *state, const void *txv, enum app_dir dir, bool eof)
{
	(void)state;
	const struct smtp_tx *tx = txv;
	bool ready = dir == APP_TOSERVER ? tx->done : tx->done && tx->replied;
	if (ready || eof)
		return APP_SIDE_READY;
	/* the mail's headers are parsed: email.* rules look now, as
	 * Suricata inspects them before the end of DATA */
	if (dir == APP_TOSERVER && tx->has_mime && !tx->mime.in_main)
		return APP_SIDE_EARLY;
	return APP_SIDE_PENDING;
}

static enum app_log_decision d_tx_log(const void *state, const void *txv, bool flow_end)
{
	(void)state;
	const struct smtp_tx *tx = txv;
	return (tx->done && tx->replied) || flow_end ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void d_tx_release_upto(void *state, uint64_t id)
{
	smtp_tx_release_upto(state, id);
}

static bool d_tx_has_event(const void *state, const void *tx, int ev)
{
	(void)state;
	return smtp_tx_has_event(tx, (enum smtp_event)ev);
}

static void d_log_json(struct json *j, const void *state, const void *tx, uint32_t opts)
{
	(void)state;
	smtp_tx_log_json(j, tx, opts);
}

static int d_change_expect(const void *state)
{
	(void)state;
	return APP_PROTO_TLS;
}

static bool d_tx_file(const void *t, uint32_t k, struct app_file_info *out)
{
	const struct smtp_tx *tx = t;
	if (!tx->has_mime || k >= tx->mime.n_files)
		return false;
	return app_file_info(&tx->mime.files[k], out);
}

static const char *d_tx_file_magic(const void *t, uint32_t k, struct file_magic *fm)
{
	const struct smtp_tx *tx = t;
	if (!tx->has_mime || k >= tx->mime.n_files)
		return NULL;
	return app_file_magic(&tx->mime.files[k], fm);
}

const struct app_protocol app_smtp = {
    .name = "smtp",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "25",
    .probe = smtp_probe,
    .probe_port = smtp_probe_port,
    .config_new = smtp_config_new,
    .config_free = smtp_config_free,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = smtp_event_names,
    .n_events = SMTP_EV_COUNT,
    .events_upper = true,
    .tx_has_event = d_tx_has_event,
    .eve_type = "smtp",
    .frame_names = smtp_frame_names,
    .n_frames = SMTP_FRAME_COUNT,
    .log_json = d_log_json,
    .eve_options = smtp_eve_options,
    .change_expect = d_change_expect,
    .tx_file = d_tx_file,
    .tx_file_magic = d_tx_file_magic,
};
