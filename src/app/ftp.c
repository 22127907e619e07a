/*
 * ftp — the FTP control channel (RFC 959, 2228, 2428) and FTP data
 * connections, as Suricata 8 parses them (src/app-layer-ftp.c,
 * rust/src/ftp/).
 *
 * Control channel: the client's lines are commands, one transaction each
 * (the command name from Suricata's command table, "UNKNOWN" otherwise,
 * and its argument); the server's lines are replies, given to the oldest
 * transaction still waiting for one (a greeting before any command makes
 * a transaction of its own, with no command).  A multi-line reply
 * ("211-..." up to "211 ...") stays with one transaction; a preliminary
 * reply (1xx) keeps it open for the final one.  PORT/EPRT (active) and
 * PASV/EPSV replies (227/229, passive) give the dynamic port; a RETR or
 * STOR after one announces the data connection to the framework (an
 * expected flow, app.h) with the command and the file name, so that
 * connection is "ftp-data" and its file is named.  AUTH TLS/SSL answered
 * by 234 hands the flow to TLS (APP_PARSE_CHANGE expecting tls).  The
 * password (PASS) is kept for detection but the EVE writer leaves it out
 * unless the ftp eve-log type says `log-password: yes`.
 *
 * Bounds: a line keeps at most FTP_MAX_LINE bytes (Suricata's default
 * max-line-length, 4 KiB); the rest of a longer line is dropped, the
 * command/reply is marked truncated and request_command_too_long /
 * response_command_too_long is raised.  A transaction keeps at most
 * FTP_MAX_REPLY_LINES reply lines (more: reply_truncated).  At most
 * FTP_MAX_TX transactions are live; past that the oldest is freed (it
 * was never logged), counted in the state, and the new one has
 * too_many_transactions.  RETR/STOR without a name or before any
 * PORT/PASV raise file_without_name / file_before_port.  Announcements waiting for
 * the framework: FTP_MAX_EXPECT.
 *
 * FTP data: one transaction per connection; the first bytes of either
 * direction open the file (named by the announcing RETR/STOR), the rest
 * is appended, a gap is a gap, the end of the connection closes it.  The
 * file goes through the generic tracker (app/file.c): fileinfo and the
 * file keywords see it through tx_file.  Memory: the tracker's (head
 * and digests) and the name (APP_EXPECT_DATA_MAX).
 */
#include "app/ftp.h"
#include "app/file.h"
#include "util/config.h"
#include "util/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FTP_MAX_LINE 4096
#define FTP_MAX_REPLY_LINES 64
#define FTP_MAX_TX 256
#define FTP_MAX_EXPECT 4

enum ftp_event {
	FTP_EV_REQUEST_TOO_LONG,
	FTP_EV_RESPONSE_TOO_LONG,
	FTP_EV_TOO_MANY_TX,
	FTP_EV_FILE_BEFORE_PORT,
	FTP_EV_FILE_WITHOUT_NAME,
	FTP_EV_COUNT
};

static const char *const ftp_event_names[FTP_EV_COUNT] = {
    "request_command_too_long", "response_command_too_long", "too_many_transactions",
    "file_before_port",		"file_without_name",
};

/* Suricata's command table (names as it logs them). */
static const char *const ftp_commands[] = {
    "ABOR", "ACCT", "ALLO", "APPE", "AUTH TLS", "CDUP", "CHMOD", "CWD",	 "DELE", "EPSV",
    "HELP", "IDLE", "LIST", "MAIL", "MDTM",	"MKD",	"MLFL",	 "MODE", "MRCP", "MRSQ",
    "MSAM", "MSND", "MSOM", "NLST", "NOOP",	"PASS", "PASV",	 "PORT", "PWD",	 "QUIT",
    "REIN", "REST", "RETR", "RMD",  "RNFR",	"RNTO", "SITE",	 "SIZE", "SMNT", "STAT",
    "STOR", "STOU", "STRU", "SYST", "TYPE",	"UMASK", "USER", "EPRT", "AUTH", "PBSZ",
    "PROT", "FEAT", "OPTS", "MLSD", "MLST",	"LANG", "XCUP",	 "XMKD", "XPWD", "XRMD",
    "XCWD", "CCC",  "LPRT", "LPSV", "ADAT",	"CONF", "ENC",	 "MIC",	 "HOST", "CLNT",
    "AVBL", "CSID", "DSIZ", "MFCT", "MFF",	"MFMT", "THMB",
};
#define FTP_N_COMMANDS (sizeof(ftp_commands) / sizeof(ftp_commands[0]))

enum ftp_cmd {
	CMD_NONE = 0,
	CMD_OTHER,
	CMD_USER,
	CMD_PASS,
	CMD_PORT,
	CMD_EPRT,
	CMD_PASV,
	CMD_EPSV,
	CMD_RETR,
	CMD_STOR,
	CMD_AUTH_TLS,
};

struct ftp_reply_line {
	uint8_t *s;
	uint32_t len;
	uint8_t code[3];
	bool has_code;
};

struct ftp_tx {
	enum ftp_cmd cmd;
	const char *name; /* NULL: greeting */
	uint8_t *data;	  /* the command's argument */
	uint32_t data_len;
	bool cmd_truncated;
	struct ftp_reply_line *lines;
	uint32_t n_lines;
	bool reply_truncated;
	bool done;
	bool multi;	      /* inside a multi-line reply */
	uint8_t multi_code[3];
	uint16_t dyn_port;
	bool active;
	bool port_addr_ok;
	uint8_t port_addr[4];
	uint8_t events; /* 1 << enum ftp_event */
};

struct line_buf {
	uint8_t buf[FTP_MAX_LINE];
	uint32_t len;
	bool overflow; /* bytes of this line were dropped */
};

struct ftp_state {
	struct ftp_tx **txs; /* txs[i] is id base + i; NULL when freed */
	uint64_t base, count;
	size_t cap;
	uint64_t reply_cursor; /* no tx below it waits for a reply */
	struct line_buf line[2];
	uint16_t dyn_port; /* the last negotiated one */
	bool active;
	bool change; /* AUTH TLS accepted */
	uint64_t tx_dropped;
	bool replied; /* a reply line was seen */
	bool gap;     /* data was lost: parsing stopped */
	struct app_expect expect[FTP_MAX_EXPECT];
	uint32_t n_expect;
};

/* ------------------------------------------------------------ transactions */

static void tx_free(struct ftp_tx *tx)
{
	if (tx == NULL)
		return;
	for (uint32_t i = 0; i < tx->n_lines; i++)
		free(tx->lines[i].s);
	free(tx->lines);
	free(tx->data);
	free(tx);
}

static struct ftp_tx *tx_at(const struct ftp_state *st, uint64_t id)
{
	if (id < st->base || id >= st->count)
		return NULL;
	return st->txs[id - st->base];
}

/* Drops freed transactions from the front of the array. */
static void compact(struct ftp_state *st)
{
	uint64_t live = st->count - st->base;
	uint64_t k = 0;
	if (st->txs == NULL)
		return;
	while (k < live && st->txs[k] == NULL)
		k++;
	if (k == 0)
		return;
	memmove(st->txs, st->txs + k, (size_t)(live - k) * sizeof(*st->txs));
	st->base += k;
}

static struct ftp_tx *tx_new(struct ftp_state *st)
{
	bool too_many = false;
	if (st->count - st->base >= FTP_MAX_TX) {
		too_many = true;
		/* the oldest goes, unlogged */
		tx_free(st->txs[0]);
		st->txs[0] = NULL;
		st->tx_dropped++;
		compact(st);
	}
	uint64_t live = st->count - st->base;
	if (live == st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 8;
		struct ftp_tx **n = realloc(st->txs, nc * sizeof(*n));
		if (n == NULL)
			return NULL;
		st->txs = n;
		st->cap = nc;
	}
	struct ftp_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	if (too_many)
		tx->events |= 1u << FTP_EV_TOO_MANY_TX;
	st->txs[live] = tx;
	st->count++;
	return tx;
}

/* ------------------------------------------------------------ ports */

/* "h1,h2,h3,h4,p1,p2" (PORT, and inside a 227 reply); port 0 = none. */
static uint16_t parse_port_tuple(const uint8_t *s, uint32_t n, uint8_t addr[4])
{
	unsigned v[6];
	uint32_t i = 0;
	for (int k = 0; k < 6; k++) {
		if (i >= n || !isdigit(s[i]))
			return 0;
		unsigned x = 0;
		int digits = 0;
		while (i < n && isdigit(s[i]) && digits < 4) {
			x = x * 10 + (unsigned)(s[i] - '0');
			i++;
			digits++;
		}
		if (x > 255)
			return 0;
		v[k] = x;
		if (k < 5) {
			if (i >= n || s[i] != ',')
				return 0;
			i++;
		}
	}
	if (addr != NULL)
		for (int k = 0; k < 4; k++)
			addr[k] = (uint8_t)v[k];
	return (uint16_t)(v[4] * 256 + v[5]);
}

/* A decimal port between the last two of four delimiters: EPRT
 * "|1|ip|port|", EPSV reply "(|||port|)". */
static uint16_t parse_delim_port(const uint8_t *s, uint32_t n)
{
	if (n == 0)
		return 0;
	uint8_t d = s[0];
	uint32_t seen = 0, i = 0, start = 0;
	for (; i < n; i++) {
		if (s[i] != d)
			continue;
		seen++;
		if (seen == 3)
			start = i + 1;
		if (seen == 4)
			break;
	}
	if (seen != 4 || i == start || i - start > 5)
		return 0;
	unsigned x = 0;
	for (uint32_t k = start; k < i; k++) {
		if (!isdigit(s[k]))
			return 0;
		x = x * 10 + (unsigned)(s[k] - '0');
	}
	return x <= 65535 ? (uint16_t)x : 0;
}

/* 227 "Entering Passive Mode (h1,h2,h3,h4,p1,p2)": the first tuple. */
static uint16_t parse_pasv_reply(const uint8_t *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!isdigit(s[i]) || (i > 0 && isdigit(s[i - 1])))
			continue;
		uint16_t p = parse_port_tuple(s + i, n - i, NULL);
		if (p != 0)
			return p;
	}
	return 0;
}

/* 229 "Entering Extended Passive Mode (|||port|)". */
static uint16_t parse_epsv_reply(const uint8_t *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (s[i] == '(')
			return parse_delim_port(s + i + 1, n - i - 1);
	return 0;
}

/* ------------------------------------------------------------ requests */

static enum ftp_cmd classify(const char *name)
{
	static const struct {
		const char *n;
		enum ftp_cmd c;
	} map[] = {{"USER", CMD_USER}, {"PASS", CMD_PASS}, {"PORT", CMD_PORT},
		   {"EPRT", CMD_EPRT}, {"PASV", CMD_PASV}, {"EPSV", CMD_EPSV},
		   {"RETR", CMD_RETR}, {"STOR", CMD_STOR}, {"AUTH TLS", CMD_AUTH_TLS}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].n, name) == 0)
			return map[i].c;
	return CMD_OTHER;
}

/* The data connection's announcement: the command's name (a byte of
 * length, the name), then the file's name. */
static void announce(struct ftp_state *st, const char *cmd, const uint8_t *name, uint32_t n)
{
	if (st->dyn_port == 0 || st->n_expect >= FTP_MAX_EXPECT)
		return;
	struct app_expect *e = &st->expect[st->n_expect++];
	memset(e, 0, sizeof(*e));
	e->proto = APP_PROTO_FTPDATA;
	e->port = st->dyn_port;
	uint32_t cl = (uint32_t)strlen(cmd);
	if (n > APP_EXPECT_DATA_MAX - 1 - cl)
		n = APP_EXPECT_DATA_MAX - 1 - cl;
	e->data[0] = (uint8_t)cl;
	memcpy(e->data + 1, cmd, cl);
	if (n > 0)
		memcpy(e->data + 1 + cl, name, n);
	e->len = 1 + cl + n;
}

/* Commands that open a data connection. */
static bool data_command(const char *name)
{
	static const char *const cmds[] = {"RETR", "STOR", "APPE", "STOU", "LIST",
					   "NLST", "MLSD", NULL};
	for (int i = 0; cmds[i] != NULL; i++)
		if (strcmp(cmds[i], name) == 0)
			return true;
	return false;
}

static void request_line(struct ftp_state *st, const uint8_t *l, uint32_t n, bool truncated)
{
	if (n == 0)
		return;
	struct ftp_tx *tx = tx_new(st);
	if (tx == NULL)
		return;
	uint32_t w = 0;
	while (w < n && l[w] != ' ')
		w++;
	uint32_t arg = w < n ? w + 1 : n;
	/* "AUTH TLS" / "AUTH SSL" are one entry of the table */
	if (w == 4 && strncasecmp((const char *)l, "AUTH", 4) == 0 && n - arg >= 3 &&
	    (strncasecmp((const char *)l + arg, "TLS", 3) == 0 ||
	     strncasecmp((const char *)l + arg, "SSL", 3) == 0)) {
		tx->name = "AUTH TLS";
		arg = n - arg == 3 ? n : arg + 4;
	} else {
		tx->name = "UNKNOWN";
		for (size_t i = 0; i < FTP_N_COMMANDS; i++)
			if (strlen(ftp_commands[i]) == w &&
			    strncasecmp(ftp_commands[i], (const char *)l, w) == 0)
				tx->name = ftp_commands[i];
	}
	tx->cmd = classify(tx->name);
	tx->cmd_truncated = truncated;
	if (truncated)
		tx->events |= 1u << FTP_EV_REQUEST_TOO_LONG;
	if (arg < n) {
		tx->data = malloc(n - arg);
		if (tx->data != NULL) {
			memcpy(tx->data, l + arg, n - arg);
			tx->data_len = n - arg;
		}
	}
	switch (tx->cmd) {
	case CMD_PORT:
		tx->active = true;
		tx->port_addr_ok = parse_port_tuple(tx->data, tx->data_len, tx->port_addr) != 0;
		break;
	case CMD_EPRT: tx->active = true; break;
	default: break;
	}
	if (tx->cmd == CMD_RETR || tx->cmd == CMD_STOR) {
		if (tx->data_len == 0)
			tx->events |= 1u << FTP_EV_FILE_WITHOUT_NAME;
		else if (st->dyn_port == 0)
			tx->events |= 1u << FTP_EV_FILE_BEFORE_PORT;
	}
	if (data_command(tx->name))
		announce(st, tx->name, tx->data, tx->data_len);
}

/* ------------------------------------------------------------ replies */

static bool reply_code(const uint8_t *l, uint32_t n)
{
	return n >= 3 && isdigit(l[0]) && isdigit(l[1]) && isdigit(l[2]) &&
	       (n == 3 || l[3] == ' ' || l[3] == '-');
}

static void add_reply_line(struct ftp_tx *tx, const uint8_t *l, uint32_t n)
{
	if (tx->n_lines >= FTP_MAX_REPLY_LINES) {
		tx->reply_truncated = true;
		return;
	}
	if ((tx->n_lines & (tx->n_lines - 1)) == 0) {
		uint32_t nc = tx->n_lines ? tx->n_lines * 2 : 1;
		struct ftp_reply_line *nl = realloc(tx->lines, nc * sizeof(*nl));
		if (nl == NULL)
			return;
		tx->lines = nl;
	}
	struct ftp_reply_line *r = &tx->lines[tx->n_lines];
	memset(r, 0, sizeof(*r));
	uint32_t off = 0;
	if (reply_code(l, n)) {
		memcpy(r->code, l, 3);
		r->has_code = true;
		off = n > 3 ? 4 : 3;
	}
	/* trailing blanks go, as Suricata's response parser trims */
	while (n > off && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	r->s = malloc(n - off + 1);
	if (r->s == NULL)
		return;
	memcpy(r->s, l + off, n - off);
	r->len = n - off;
	tx->n_lines++;
}

static void reply_line(struct ftp_state *st, const uint8_t *l, uint32_t n, bool truncated)
{
	if (n == 0)
		return;
	struct ftp_tx *tx = NULL;
	bool first = !st->replied;
	st->replied = true;
	if (first && n >= 3 && (memcmp(l, "220", 3) == 0 || memcmp(l, "120", 3) == 0 ||
				memcmp(l, "421", 3) == 0) && st->base == 0 && st->count > 0 &&
	    st->reply_cursor == 0) {
		/* The greeting comes before any command on the wire; the
		 * framework may hand us a command held for recognition first:
		 * the greeting keeps its place as the first transaction. */
		tx = tx_new(st);
		if (tx == NULL)
			return;
		uint64_t live = st->count - st->base;
		memmove(st->txs + 1, st->txs, (size_t)(live - 1) * sizeof(*st->txs));
		st->txs[0] = tx;
	}
	for (uint64_t id = st->reply_cursor; tx == NULL && id < st->count; id++) {
		struct ftp_tx *t = tx_at(st, id);
		if (t != NULL && !t->done) {
			tx = t;
			break;
		}
		st->reply_cursor = id + 1;
	}
	if (tx == NULL) {
		tx = tx_new(st); /* a greeting, or a reply nobody asked for */
		if (tx == NULL)
			return;
	}
	add_reply_line(tx, l, n);
	if (truncated) {
		tx->reply_truncated = true;
		tx->events |= 1u << FTP_EV_RESPONSE_TOO_LONG;
	}
	bool coded = reply_code(l, n);
	if (tx->multi) {
		/* a multi-line reply ends with its code and a space */
		if (!(coded && n > 3 && l[3] == ' ' && memcmp(l, tx->multi_code, 3) == 0))
			return;
		tx->multi = false;
	} else if (coded && n > 3 && l[3] == '-') {
		tx->multi = true;
		memcpy(tx->multi_code, l, 3);
		return;
	}
	switch (tx->cmd) {
	case CMD_PORT:
		if (tx->port_addr_ok && tx->dyn_port == 0)
			tx->dyn_port = parse_port_tuple(tx->data, tx->data_len, NULL);
		break;
	case CMD_EPRT:
		if (tx->dyn_port == 0)
			tx->dyn_port = parse_delim_port(tx->data, tx->data_len);
		break;
	case CMD_PASV:
		if (n >= 4 && memcmp(l, "227 ", 4) == 0)
			tx->dyn_port = parse_pasv_reply(l + 4, n - 4);
		break;
	case CMD_EPSV:
		if (n >= 4 && memcmp(l, "229 ", 4) == 0)
			tx->dyn_port = parse_epsv_reply(l + 4, n - 4);
		break;
	case CMD_AUTH_TLS:
		if (n >= 4 && memcmp(l, "234 ", 4) == 0)
			st->change = true;
		break;
	default: break;
	}
	if (tx->dyn_port != 0) {
		st->dyn_port = tx->dyn_port;
		st->active = tx->active;
	}
	/* a preliminary reply (1xx) waits for the final one */
	if (coded && l[0] == '1')
		return;
	tx->done = true;
}

/* ------------------------------------------------------------ parsing */

static void *ftp_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return calloc(1, sizeof(struct ftp_state));
}

static void ftp_state_free(void *s)
{
	struct ftp_state *st = s;
	if (st == NULL)
		return;
	if (st->txs != NULL)
		for (uint64_t k = 0; k < st->count - st->base; k++)
			tx_free(st->txs[k]);
	free(st->txs);
	free(st);
}

static void line_done(struct ftp_state *st, enum app_dir dir)
{
	struct line_buf *lb = &st->line[dir];
	uint32_t n = lb->len;
	if (n > 0 && lb->buf[n - 1] == '\r')
		n--;
	if (dir == APP_TOSERVER)
		request_line(st, lb->buf, n, lb->overflow);
	else
		reply_line(st, lb->buf, n, lb->overflow);
	lb->len = 0;
	lb->overflow = false;
}

static enum app_parse_result ftp_parse(void *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				       uint32_t flags)
{
	struct ftp_state *st = s;
	struct line_buf *lb = &st->line[dir];
	/* A gap ends parsing of the flow (both directions), as Suricata
	 * does for a parser that does not accept gaps. */
	if (flags & APP_CHUNK_GAP)
		st->gap = true;
	if (st->gap)
		return APP_PARSE_ERROR;
	for (uint32_t i = 0; i < n && !st->change; i++) {
		if (d[i] == '\n') {
			line_done(st, dir);
			continue;
		}
		if (lb->len < FTP_MAX_LINE)
			lb->buf[lb->len++] = d[i];
		else
			lb->overflow = true;
	}
	if ((flags & APP_CHUNK_EOF) && lb->len > 0 && !st->change)
		line_done(st, dir);
	if (st->change) {
		st->change = false;
		return APP_PARSE_CHANGE;
	}
	return APP_PARSE_OK;
}

static bool ftp_expect_take(void *s, struct app_expect *out)
{
	struct ftp_state *st = s;
	if (st->n_expect == 0)
		return false;
	*out = st->expect[0];
	st->n_expect--;
	memmove(st->expect, st->expect + 1, st->n_expect * sizeof(st->expect[0]));
	return true;
}

static int ftp_change_expect(const void *s)
{
	(void)s;
	return APP_PROTO_TLS;
}

static uint64_t ftp_tx_count(const void *s)
{
	return ((const struct ftp_state *)s)->count;
}

static const void *ftp_tx_get(const void *s, uint64_t id)
{
	return tx_at(s, id);
}

static enum app_side ftp_tx_side(const void *s, const void *t, enum app_dir dir, bool eof)
{
	(void)s;
	const struct ftp_tx *tx = t;
	/* As Suricata's progress: a command is complete once its reply
	 * arrived, but a PORT's request side right away. */
	if (dir == APP_TOSERVER && tx->name == NULL)
		return APP_SIDE_NONE;
	if (dir == APP_TOSERVER && tx->cmd == CMD_PORT)
		return APP_SIDE_READY;
	return tx->done || eof ? APP_SIDE_READY : APP_SIDE_PENDING;
}

static enum app_log_decision ftp_tx_log(const void *s, const void *t, bool flow_end)
{
	(void)s;
	const struct ftp_tx *tx = t;
	return tx->done || flow_end ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void ftp_tx_release_upto(void *s, uint64_t id)
{
	struct ftp_state *st = s;
	for (uint64_t i = st->base; i < id && i < st->count; i++) {
		tx_free(st->txs[i - st->base]);
		st->txs[i - st->base] = NULL;
	}
	compact(st);
	if (st->reply_cursor < st->base)
		st->reply_cursor = st->base;
}

static bool ftp_tx_has_event(const void *s, const void *t, int ev)
{
	(void)s;
	return ev >= 0 && ev < FTP_EV_COUNT && (((const struct ftp_tx *)t)->events & (1u << ev));
}

static enum app_probe_result ftp_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	static const char *const words[] = {"USER ",	"PASS ",    "PORT ", "EPSV",
					    "AUTH TLS", "AUTH SSL", "FEAT",  NULL};
	return in->dir == APP_TOSERVER ? app_probe_words(d, n, words) : APP_PROBE_NO;
}

static uint32_t ftp_eve_options(const struct config_node *type_opts)
{
	return type_opts != NULL && config_get_bool(type_opts, "log-password", false)
		   ? FTP_EVE_LOG_PASSWORD
		   : 0;
}

/* An alert's ftp object has the command's argument whatever it is, as
 * Suricata's; the ftp event leaves a password out unless configured. */
static void ftp_log(struct json *j, const void *s, const void *tx, uint32_t opts)
{
	(void)s;
	json_open_object(j, "ftp");
	ftp_tx_log_json(j, tx, opts);
	json_close_object(j);
}

/* ------------------------------------------------------------ views */

const char *ftp_tx_command(const struct ftp_tx *tx)
{
	return tx->name;
}

const uint8_t *ftp_tx_command_data(const struct ftp_tx *tx, uint32_t *len)
{
	*len = tx->data_len;
	return tx->data_len > 0 ? tx->data : NULL;
}

bool ftp_tx_command_truncated(const struct ftp_tx *tx)
{
	return tx->cmd_truncated;
}

bool ftp_tx_is_pass(const struct ftp_tx *tx)
{
	return tx->cmd == CMD_PASS;
}

bool ftp_tx_reply(const struct ftp_tx *tx, uint32_t k, const uint8_t **code, const uint8_t **text,
		  uint32_t *text_len)
{
	if (k >= tx->n_lines)
		return false;
	*code = tx->lines[k].has_code ? tx->lines[k].code : NULL;
	*text = tx->lines[k].s;
	*text_len = tx->lines[k].len;
	return true;
}

bool ftp_tx_reply_truncated(const struct ftp_tx *tx)
{
	return tx->reply_truncated;
}

bool ftp_tx_reply_received(const struct ftp_tx *tx)
{
	return tx->done;
}

uint16_t ftp_tx_dynamic_port(const struct ftp_tx *tx)
{
	return tx->dyn_port;
}

int ftp_tx_mode(const struct ftp_tx *tx)
{
	switch (tx->cmd) {
	case CMD_PORT:
	case CMD_EPRT: return 1;
	case CMD_PASV:
	case CMD_EPSV: return 0;
	default: return -1;
	}
}

bool ftp_tx_port_addr(const struct ftp_tx *tx, uint8_t addr[4])
{
	if (tx->cmd != CMD_PORT || !tx->port_addr_ok)
		return false;
	memcpy(addr, tx->port_addr, 4);
	return true;
}

const struct app_protocol app_ftp = {
    .name = "ftp",
    .ipprotos = APP_IPPROTO_TCP,
    .probe = ftp_probe,
    .state_new = ftp_state_new,
    .state_free = ftp_state_free,
    .parse = ftp_parse,
    .tx_count = ftp_tx_count,
    .tx_get = ftp_tx_get,
    .tx_side = ftp_tx_side,
    .tx_log = ftp_tx_log,
    .tx_release_upto = ftp_tx_release_upto,
    .event_names = ftp_event_names,
    .n_events = FTP_EV_COUNT,
    .tx_has_event = ftp_tx_has_event,
    .eve_type = "ftp",
    .log_json = ftp_log,
    .eve_options = ftp_eve_options,
    .eve_alert_opts = FTP_EVE_LOG_PASSWORD,
    .change_expect = ftp_change_expect,
    .expect_take = ftp_expect_take,
};

/* ============================================================ FTP data */

struct ftpdata_tx {
	char cmd[8]; /* "RETR", "STOR", "LIST", ...; "" unknown */
	bool has_file; /* a command that moves a named file */
	uint8_t name[APP_EXPECT_DATA_MAX];
	uint32_t name_len;
	struct app_file file;
	uint8_t hashes;
	bool eof;
};

static void *ftpdata_state_new(const struct app_flow_info *fi)
{
	struct ftpdata_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	app_file_init(&tx->file);
	tx->hashes = fi->file_hashes;
	const uint8_t *e = fi->expect_data;
	if (e != NULL && fi->expect_len >= 1 && e[0] < sizeof(tx->cmd) &&
	    1u + e[0] <= fi->expect_len && fi->expect_len <= APP_EXPECT_DATA_MAX) {
		memcpy(tx->cmd, e + 1, e[0]);
		tx->name_len = fi->expect_len - 1 - e[0];
		memcpy(tx->name, e + 1 + e[0], tx->name_len);
		tx->has_file = strcmp(tx->cmd, "RETR") == 0 || strcmp(tx->cmd, "STOR") == 0 ||
			       strcmp(tx->cmd, "APPE") == 0 || strcmp(tx->cmd, "STOU") == 0;
	}
	return tx;
}

static void ftpdata_state_free(void *s)
{
	struct ftpdata_tx *tx = s;
	if (tx == NULL)
		return;
	app_file_free(&tx->file);
	free(tx);
}

static enum app_parse_result ftpdata_parse(void *s, enum app_dir dir, const uint8_t *d, uint32_t n,
					   uint32_t flags)
{
	struct ftpdata_tx *tx = s;
	if (!tx->has_file) {
		if (flags & APP_CHUNK_EOF)
			tx->eof = true;
		return APP_PARSE_OK;
	}
	if (tx->file.state == APP_FILE_NONE && n > 0)
		(void)app_file_open(&tx->file, tx->name, tx->name_len, dir, tx->hashes);
	if (app_file_is_open(&tx->file) && tx->file.dir == dir) {
		if (flags & APP_CHUNK_GAP)
			app_file_gap(&tx->file, 0);
		if (n > 0)
			app_file_append(&tx->file, d, n);
	}
	if (flags & APP_CHUNK_EOF) {
		if (app_file_is_open(&tx->file) && tx->file.dir == dir) {
			if (flags & APP_CHUNK_DEPTH)
				app_file_truncate(&tx->file);
			else
				app_file_close(&tx->file);
		}
		if (tx->file.state == APP_FILE_NONE || tx->file.dir == dir)
			tx->eof = true;
	}
	return APP_PARSE_OK;
}

static uint64_t ftpdata_tx_count(const void *s)
{
	(void)s;
	return 1;
}

static const void *ftpdata_tx_get(const void *s, uint64_t id)
{
	return id == 0 ? s : NULL;
}

static enum app_side ftpdata_tx_side(const void *s, const void *t, enum app_dir dir, bool eof)
{
	(void)s;
	(void)dir;
	const struct ftpdata_tx *tx = t;
	return tx->eof || eof ? APP_SIDE_READY : APP_SIDE_PENDING;
}

static enum app_log_decision ftpdata_tx_log(const void *s, const void *t, bool flow_end)
{
	(void)s;
	const struct ftpdata_tx *tx = t;
	return tx->eof || flow_end ? APP_LOG_NOW : APP_LOG_WAIT;
}

static bool ftpdata_tx_file(const void *t, uint32_t k, struct app_file_info *out)
{
	const struct ftpdata_tx *tx = t;
	return k == 0 && app_file_info(&tx->file, out);
}

static const char *ftpdata_tx_file_magic(const void *t, uint32_t k, struct file_magic *fm)
{
	const struct ftpdata_tx *tx = t;
	return k == 0 ? app_file_magic(&tx->file, fm) : NULL;
}

const char *ftpdata_tx_command(const struct ftpdata_tx *tx)
{
	return tx->cmd[0] != '\0' ? tx->cmd : NULL;
}

const uint8_t *ftpdata_tx_filename(const struct ftpdata_tx *tx, uint32_t *len)
{
	*len = tx->name_len;
	return tx->name_len > 0 ? tx->name : NULL;
}

const uint8_t *ftpdata_tx_file_head(const struct ftpdata_tx *tx, enum app_dir dir, uint32_t *len)
{
	if (tx->file.state == APP_FILE_NONE || tx->file.dir != dir)
		return NULL;
	return app_file_head(&tx->file, len);
}

static void ftpdata_log(struct json *j, const void *s, const void *tx, uint32_t opts)
{
	(void)s;
	(void)opts;
	json_open_object(j, "ftp_data");
	ftpdata_tx_log_json(j, tx);
	json_close_object(j);
}

/* Recognised only through an expectation: no probe, no port. */
const struct app_protocol app_ftpdata = {
    .name = "ftp-data",
    .ipprotos = APP_IPPROTO_TCP,
    .state_new = ftpdata_state_new,
    .state_free = ftpdata_state_free,
    .parse = ftpdata_parse,
    .tx_count = ftpdata_tx_count,
    .tx_get = ftpdata_tx_get,
    .tx_side = ftpdata_tx_side,
    .tx_log = ftpdata_tx_log,
    .eve_type = "ftp_data",
    .eve_config_type = "ftp",
    .log_json = ftpdata_log,
    .tx_file = ftpdata_tx_file,
    .tx_file_magic = ftpdata_tx_file_magic,
};
