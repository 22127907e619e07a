/*
 * ssh.c — the SSH parser: banner per direction, then the binary packet
 * protocol up to NEWKEYS, HASSH from each side's KEXINIT, one transaction
 * per flow, and the protocol descriptor app_ssh.  EVE writer: ssh-log.c.
 *
 * Behaviour follows Suricata 8 (rust/src/ssh/ssh.rs, parser.rs) so that
 * fields, events and progress match:
 *   - the first line of a direction must be the banner
 *     "SSH-<proto>-<software>[ comments]" (lines end in \n, \r\n, or a lone
 *     \r); anything else is invalid_banner and the direction is parsed no
 *     further (lines before the banner are not accepted, as Suricata);
 *   - a banner line of 256 bytes or more is long_banner; one whose end has
 *     not been seen after 256 bytes is taken as it is (BANNER_WAIT_EOL)
 *     and, as Suricata, the direction then skips to the end of a line
 *     before each later chunk's records;
 *   - records: 4-byte packet length (at least 2, else invalid_record),
 *     padding length, message code; the body is skipped, except a KEXINIT
 *     when hassh is on, which is buffered whole (up to 65535 bytes, else
 *     long_kex_record) for the fingerprint;
 *   - NEWKEYS makes the direction FINISHED; when both are, the flow is
 *     encrypted and, unless encryption-handling is `full`, nothing more is
 *     parsed (the rest of the chunk that held NEWKEYS still is, as there).
 * A parse error or a gap ends parsing of the flow, both directions (as an
 * error from Suricata's parser, which does not accept gaps, disables its
 * app layer).
 *
 * Bounds: every read is checked against the length the parse call was
 * given or the buffered bytes.  Between calls a direction keeps at most
 * SSH_MAX_BANNER_LEN bytes of an unfinished banner, 5 of a record header,
 * or SSH_MAX_KEX_RECORD bytes of a KEXINIT body; during a call, that plus
 * the chunk.  A side's HASSH comes from its first KEXINIT only (its
 * string is shorter than that record); Suricata appends later ones.
 * No global mutable state.
 */
#include "app/frame.h"
#include "app/ssh.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/config.h"
#include "util/json.h"

#define SSH_MAX_BANNER_LEN 256
#define SSH_RECORD_HEADER_LEN 6

/* Frame types (app/frame.h), Suricata's SshFrameType names. */
enum { SSH_FRAME_RECORD_HDR, SSH_FRAME_RECORD_DATA, SSH_FRAME_RECORD_PDU, SSH_FRAME_COUNT };
static const char *const ssh_frame_names[SSH_FRAME_COUNT] = {
    [SSH_FRAME_RECORD_HDR] = "record.hdr",
    [SSH_FRAME_RECORD_DATA] = "record.data",
    [SSH_FRAME_RECORD_PDU] = "record.pdu",
};
#define SSH_MAX_KEX_RECORD 65535 /* Suricata's SSH_MAX_REASSEMBLED_RECORD_LEN */
#define SSH_MSG_KEXINIT 20
#define SSH_MSG_NEWKEYS 21

struct ssh_bytes {
	uint8_t *v;
	uint32_t len;
};

struct ssh_side {
	enum ssh_progress progress;
	bool done; /* parse error or gap: parsed no further (set on both sides) */
	struct ssh_bytes proto, software, hassh, hassh_string;
	/* bytes kept between calls: an unfinished banner or record header, or
	 * a KEXINIT body being gathered (kex_wait) */
	struct ssh_bytes pend;
	uint32_t pend_cap;
	uint32_t record_left; /* body bytes still to skip (or to gather) */
	bool kex_wait;	      /* record_left bytes of a KEXINIT body are being gathered */
};

struct ssh_tx {
	struct ssh_side side[2]; /* by enum app_dir: client, server */
	uint8_t events;		 /* 1 << enum ssh_event */
};

struct ssh_state {
	struct ssh_tx tx;
	bool hassh;
	enum ssh_encryption_handling encryption;
	bool encrypted; /* both directions sent NEWKEYS */
};

static const char *const ssh_event_names[SSH_EV_COUNT] = {
    [SSH_EV_INVALID_BANNER] = "invalid_banner",
    [SSH_EV_LONG_BANNER] = "long_banner",
    [SSH_EV_INVALID_RECORD] = "invalid_record",
    [SSH_EV_LONG_KEX_RECORD] = "long_kex_record",
};

const char *ssh_event_name(enum ssh_event ev)
{
	return (unsigned)ev < SSH_EV_COUNT ? ssh_event_names[ev] : NULL;
}

static void set_event(struct ssh_state *s, enum ssh_event ev)
{
	s->tx.events |= (uint8_t)(1u << ev);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Appends n bytes to b; false without memory (b unchanged). */
static bool bytes_append(struct ssh_bytes *b, const uint8_t *d, uint32_t n)
{
	if (n == 0)
		return true;
	uint8_t *nv = realloc(b->v, (size_t)b->len + n);
	if (nv == NULL)
		return false;
	memcpy(nv + b->len, d, n);
	b->v = nv;
	b->len += n;
	return true;
}

/* ------------------------------------------------------------ banner */

enum line_result { LINE_DONE, LINE_INCOMPLETE };

/*
 * One line of d: its length without the end (*line_len) and where the next
 * begins (*next).  The end is \n, \r\n, or \r followed by anything but \n;
 * a \r as the last byte may still be \r\n, so that is incomplete.
 */
static enum line_result find_line(const uint8_t *d, uint32_t n, uint32_t *line_len, uint32_t *next)
{
	uint32_t i = 0;
	while (i < n && d[i] != '\n' && d[i] != '\r')
		i++;
	if (i == n || (d[i] == '\r' && i + 1 == n))
		return LINE_INCOMPLETE;
	*line_len = i;
	*next = i + 1 + (d[i] == '\r' && d[i + 1] == '\n');
	return LINE_DONE;
}

/*
 * "SSH-" proto "-" software: proto is at least one byte up to the first
 * '-'; software runs to the first space, \r or \n, or when one of those
 * comes first or none does, to the end (Suricata's parser takes the rest
 * then).  False when it is no banner.
 */
static bool parse_banner_fields(const uint8_t *d, uint32_t n, struct ssh_side *sd)
{
	if (n < 4 || memcmp(d, "SSH-", 4) != 0)
		return false;
	const uint8_t *p = d + 4, *end = d + n;
	const uint8_t *dash = memchr(p, '-', (size_t)(end - p));
	if (dash == NULL || dash == p)
		return false;
	const uint8_t *sw = dash + 1, *swe = sw;
	while (swe < end && *swe != ' ' && *swe != '\r' && *swe != '\n')
		swe++;
	if (swe == sw || swe == end)
		swe = end;
	if (!bytes_append(&sd->proto, p, (uint32_t)(dash - p)))
		return false;
	return bytes_append(&sd->software, sw, (uint32_t)(swe - sw));
}

/* ------------------------------------------------------------ HASSH */

struct name_list {
	const uint8_t *v;
	uint32_t len;
};

/*
 * KEXINIT body (after the message code): 16-byte cookie, ten name-lists,
 * first_kex_packet_follows, reserved.  All must fit in the n bytes, else
 * there is no fingerprint.  Lists: 0 kex, 1 host key, 2/3 encryption
 * c2s/s2c, 4/5 mac, 6/7 compression, 8/9 languages.
 */
static bool parse_kexinit(const uint8_t *d, uint32_t n, struct name_list lists[10])
{
	uint32_t off = 16;
	if (n < off)
		return false;
	for (int i = 0; i < 10; i++) {
		if (n - off < 4)
			return false;
		uint32_t l = be32(d + off);
		off += 4;
		if (l > n - off)
			return false;
		lists[i].v = d + off;
		lists[i].len = l;
		off += l;
	}
	return n - off >= 5;
}

/* The side's HASSH from a KEXINIT body: the client's lists c2s, the
 * server's s2c.  Only the first KEXINIT of a side counts: Suricata appends
 * a second one's string and hash to the first, which a peer could repeat
 * to make the state grow and hash ever more; a second plaintext KEXINIT
 * before NEWKEYS is a protocol violation anyway. */
static void hassh_from_kexinit(struct ssh_side *sd, enum app_dir dir, const uint8_t *body,
			       uint32_t n)
{
	struct name_list l[10];
	if (sd->hassh.len > 0 || !parse_kexinit(body, n, l))
		return;
	int o = dir == APP_TOCLIENT ? 1 : 0;
	const struct name_list parts[4] = {l[0], l[2 + o], l[4 + o], l[6 + o]};
	for (int i = 0; i < 4; i++) {
		if (!bytes_append(&sd->hassh_string, parts[i].v, parts[i].len) ||
		    (i < 3 && !bytes_append(&sd->hassh_string, (const uint8_t *)";", 1)))
			goto undo;
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (EVP_Digest(sd->hassh_string.v, sd->hassh_string.len, md, &mdlen, EVP_md5(), NULL) != 1)
		goto undo;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (bytes_append(&sd->hassh, (const uint8_t *)hex, 2 * mdlen))
		return;
undo:
	free(sd->hassh_string.v);
	sd->hassh_string.v = NULL;
	sd->hassh_string.len = 0;
}

/* A parse error (or a gap) ends parsing of the whole flow, as an error
 * from Suricata's parser disables its app layer for both directions. */
static void fail(struct ssh_state *s)
{
	s->tx.side[0].done = true;
	s->tx.side[1].done = true;
}

/* ------------------------------------------------------------ records */

/* NEWKEYS seen complete in dir: when the other side is done too the
 * handshake is over. */
static void newkeys(struct ssh_state *s, enum app_dir dir, bool complete)
{
	s->tx.side[dir].progress = SSH_STATE_FINISHED;
	if (complete && s->tx.side[!dir].progress >= SSH_STATE_FINISHED)
		s->encrypted = true;
}

/*
 * Records from d[0..n).  Returns the bytes consumed; the rest (a record
 * header cut short, or a KEXINIT body being gathered) is kept for the next
 * call.  Sets sd->done on an invalid record.
 */
/* A record's frames (Suricata's SshFrameType): the whole record, its
 * header (length, padding length, message code) and the rest; they
 * belong to the flow's one transaction.  `at`: stream offset of the record. */
static void record_frames(enum app_dir dir, uint64_t at, uint32_t pkt_len)
{
	int64_t ids[3] = {
	    app_frame_new(dir, at, 4 + (int64_t)pkt_len, SSH_FRAME_RECORD_PDU),
	    app_frame_new(dir, at, SSH_RECORD_HEADER_LEN, SSH_FRAME_RECORD_HDR),
	    app_frame_new(dir, at + SSH_RECORD_HEADER_LEN, (int64_t)pkt_len - 2,
			  SSH_FRAME_RECORD_DATA),
	};
	for (int i = 0; i < 3; i++)
		app_frame_set_tx(dir, ids[i], 0);
}

/* d[0] is at stream offset `base`. */
static uint32_t parse_records(struct ssh_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			      uint64_t base)
{
	struct ssh_side *sd = &s->tx.side[dir];
	uint32_t off = 0;
	if (sd->record_left > 0) {
		if (sd->kex_wait) {
			if (n < sd->record_left)
				return 0; /* keep gathering */
			hassh_from_kexinit(sd, dir, d, sd->record_left);
			sd->kex_wait = false;
		} else if (sd->record_left > n) {
			sd->record_left -= n;
			return n;
		}
		off = sd->record_left;
		sd->record_left = 0;
	}
	while (off < n) {
		uint32_t rem = n - off;
		if (rem < 4)
			return off;
		uint32_t pkt_len = be32(d + off);
		if (pkt_len <= 1) {
			set_event(s, SSH_EV_INVALID_RECORD);
			fail(s);
			return n;
		}
		if (rem < SSH_RECORD_HEADER_LEN)
			return off;
		uint8_t code = d[off + 5];
		record_frames(dir, base + off, pkt_len);
		uint32_t body = pkt_len - 2, have = rem - SSH_RECORD_HEADER_LEN;
		const uint8_t *bp = d + off + SSH_RECORD_HEADER_LEN;
		if (have >= body) {
			if (code == SSH_MSG_KEXINIT && s->hassh)
				hassh_from_kexinit(sd, dir, bp, body);
			else if (code == SSH_MSG_NEWKEYS)
				newkeys(s, dir, true);
			off += SSH_RECORD_HEADER_LEN + body;
			continue;
		}
		/* the record goes on past this chunk */
		sd->record_left = body - have;
		if (code == SSH_MSG_NEWKEYS) {
			newkeys(s, dir, false);
		} else if (code == SSH_MSG_KEXINIT && s->hassh) {
			/* as Suricata, the whole body counts as left from here on */
			sd->record_left = body;
			if (body < SSH_MAX_KEX_RECORD) {
				sd->kex_wait = true;
				return off + SSH_RECORD_HEADER_LEN;
			}
			set_event(s, SSH_EV_LONG_KEX_RECORD);
		}
		return n;
	}
	return n;
}

/* ------------------------------------------------------------ one direction */

/* The banner, then records.  Returns the bytes consumed. */
static uint32_t parse_side(struct ssh_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			   uint64_t base)
{
	struct ssh_side *sd = &s->tx.side[dir];
	uint32_t line_len = 0, next = 0;
	if (sd->progress >= SSH_STATE_BANNER_DONE)
		return parse_records(s, dir, d, n, base);
	if (find_line(d, n, &line_len, &next) == LINE_INCOMPLETE) {
		if (sd->progress == SSH_STATE_BANNER_WAIT_EOL)
			return n; /* still the long banner: nothing to keep */
		if (n < SSH_MAX_BANNER_LEN)
			return 0; /* wait for the end of the line */
		if (!parse_banner_fields(d, n, sd))
			goto invalid;
		sd->progress = SSH_STATE_BANNER_WAIT_EOL;
		set_event(s, SSH_EV_LONG_BANNER);
		return n;
	}
	if (sd->progress == SSH_STATE_IN_PROGRESS) {
		if (!parse_banner_fields(d, line_len, sd))
			goto invalid;
		sd->progress = SSH_STATE_BANNER_DONE;
		if (line_len >= SSH_MAX_BANNER_LEN)
			set_event(s, SSH_EV_LONG_BANNER);
	}
	/* Suricata leaves a WAIT_EOL direction in that state: each later
	 * chunk again skips to a line end before its records. */
	return next + parse_records(s, dir, d + next, n - next, base + next);
invalid:
	set_event(s, SSH_EV_INVALID_BANNER);
	fail(s);
	return n;
}

/* Keeps d[0..n) for the next call (after what is kept already). */
static bool pend_put(struct ssh_side *sd, const uint8_t *d, uint32_t n)
{
	if (sd->pend.len + (uint64_t)n > UINT32_MAX)
		return false;
	uint32_t need = sd->pend.len + n;
	if (need > sd->pend_cap) {
		uint32_t cap = sd->pend_cap ? sd->pend_cap : 64;
		while (cap < need)
			cap = cap > UINT32_MAX / 2 ? need : cap * 2;
		uint8_t *nv = realloc(sd->pend.v, cap);
		if (nv == NULL)
			return false;
		sd->pend.v = nv;
		sd->pend_cap = cap;
	}
	memcpy(sd->pend.v + sd->pend.len, d, n);
	sd->pend.len = need;
	return true;
}

static void pend_drop(struct ssh_side *sd, uint32_t consumed)
{
	uint32_t keep = sd->pend.len - consumed;
	if (keep > 0 && consumed > 0)
		memmove(sd->pend.v, sd->pend.v + consumed, keep);
	sd->pend.len = keep;
	if (keep == 0 && sd->pend_cap > 4096) {
		free(sd->pend.v);
		sd->pend.v = NULL;
		sd->pend_cap = 0;
	}
}

enum app_parse_result ssh_parse(struct ssh_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags)
{
	struct ssh_side *sd = &s->tx.side[dir];
	if (sd->done)
		return APP_PARSE_ERROR;
	if (s->encrypted && s->encryption != SSH_ENC_FULL)
		return APP_PARSE_OK; /* the handshake is over: nothing more to read */
	if (flags & APP_CHUNK_GAP) {
		fail(s);
		return APP_PARSE_ERROR;
	}
	if (n == 0 || d == NULL)
		return APP_PARSE_OK;
	if (sd->pend.len == 0) {
		uint32_t used = parse_side(s, dir, d, n, app_frame_offset());
		if (!sd->done && used < n && !pend_put(sd, d + used, n - used))
			fail(s);
	} else {
		if (!pend_put(sd, d, n)) {
			fail(s);
			return APP_PARSE_ERROR;
		}
		/* the kept bytes came before this call's */
		uint32_t used = parse_side(s, dir, sd->pend.v, sd->pend.len,
					   app_frame_offset() + n - sd->pend.len);
		pend_drop(sd, sd->done ? sd->pend.len : used);
	}
	if (sd->done) {
		pend_drop(&s->tx.side[0], s->tx.side[0].pend.len);
		pend_drop(&s->tx.side[1], s->tx.side[1].pend.len);
		return APP_PARSE_ERROR;
	}
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ state */

struct ssh_state *ssh_state_new(const struct ssh_config *cfg)
{
	struct ssh_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	if (cfg != NULL) {
		s->hassh = cfg->hassh;
		s->encryption = cfg->encryption;
	}
	return s;
}

static void side_free(struct ssh_side *sd)
{
	free(sd->proto.v);
	free(sd->software.v);
	free(sd->hassh.v);
	free(sd->hassh_string.v);
	free(sd->pend.v);
}

void ssh_state_free(struct ssh_state *s)
{
	if (s == NULL)
		return;
	side_free(&s->tx.side[0]);
	side_free(&s->tx.side[1]);
	free(s);
}

const struct ssh_tx *ssh_state_tx(const struct ssh_state *s)
{
	return &s->tx;
}

bool ssh_state_encrypted(const struct ssh_state *s)
{
	return s->encrypted;
}

bool ssh_state_no_inspection(const struct ssh_state *s)
{
	return s->encrypted && s->encryption != SSH_ENC_FULL;
}

bool ssh_state_bypass_ready(const struct ssh_state *s)
{
	return s->encrypted && s->encryption == SSH_ENC_BYPASS;
}

/* ------------------------------------------------------------ transaction accessors */

enum ssh_progress ssh_tx_progress(const struct ssh_tx *tx, enum app_dir dir)
{
	return tx->side[dir].progress;
}

static const uint8_t *bytes_view(const struct ssh_bytes *b, uint32_t *len)
{
	*len = b->len;
	return b->len > 0 ? b->v : NULL;
}

const uint8_t *ssh_tx_proto(const struct ssh_tx *tx, enum app_dir dir, uint32_t *len)
{
	return bytes_view(&tx->side[dir].proto, len);
}

const uint8_t *ssh_tx_software(const struct ssh_tx *tx, enum app_dir dir, uint32_t *len)
{
	return bytes_view(&tx->side[dir].software, len);
}

const uint8_t *ssh_tx_hassh(const struct ssh_tx *tx, enum app_dir dir, uint32_t *len)
{
	return bytes_view(&tx->side[dir].hassh, len);
}

const uint8_t *ssh_tx_hassh_string(const struct ssh_tx *tx, enum app_dir dir, uint32_t *len)
{
	return bytes_view(&tx->side[dir].hassh_string, len);
}

bool ssh_tx_has_event(const struct ssh_tx *tx, enum ssh_event ev)
{
	return (unsigned)ev < SSH_EV_COUNT && (tx->events & (1u << ev)) != 0;
}

/* ------------------------------------------------------------ settings */

void *ssh_config_new(const struct config_node *root)
{
	struct ssh_config *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	/* Suricata 8: hassh off unless "yes" (also "auto" and "no" leave it to
	 * the rules: a rule using ssh.hassh* turns it on). */
	const char *h = config_get_str(root, "app-layer.protocols.ssh.hassh", NULL);
	c->hassh = h != NULL && strcasecmp(h, "auto") != 0 && config_parse_bool(h, false);
	const char *e = config_get_str(root, "app-layer.protocols.ssh.encryption-handling", NULL);
	c->encryption = SSH_ENC_TRACK_ONLY;
	if (e != NULL && strcmp(e, "full") == 0)
		c->encryption = SSH_ENC_FULL;
	else if (e != NULL && strcmp(e, "bypass") == 0)
		c->encryption = SSH_ENC_BYPASS;
	return c;
}

void ssh_config_free(void *cfg)
{
	free(cfg);
}

void ssh_config_enable_hassh(void *cfg)
{
	if (cfg != NULL)
		((struct ssh_config *)cfg)->hassh = true;
}

/* ------------------------------------------------------------ descriptor */

/* "SSH-" at the start of either direction, any case (Suricata's pattern
 * "SSH-", offset 0, depth 4, case-insensitive). */
static enum app_probe_result ssh_probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	(void)in;
	uint32_t cmp = n < 4 ? n : 4;
	if (strncasecmp((const char *)d, "SSH-", cmp) != 0)
		return APP_PROBE_NO;
	return n < 4 ? APP_PROBE_NEED_MORE : APP_PROBE_MATCH;
}

static void *desc_state_new(const struct app_flow_info *fi)
{
	return ssh_state_new(fi != NULL ? fi->cfg : NULL);
}

static void desc_state_free(void *state)
{
	ssh_state_free(state);
}

static enum app_parse_result desc_parse(void *state, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	return ssh_parse(state, dir, d, n, flags);
}

static uint64_t desc_tx_count(const void *state)
{
	(void)state;
	return 1;
}

static const void *desc_tx_get(const void *state, uint64_t id)
{
	return id == 0 ? ssh_state_tx(state) : NULL;
}

/*
 * A side is ready for rules once nothing more will come for it: its
 * banner (and with hassh on, its KEXINIT fingerprint) is known, it sent
 * NEWKEYS, or it was parsed no further.  Suricata's buffers need the
 * banner done and are retried until the handshake ends; vigil inspects a
 * side once, so it waits for the fingerprint when there is one to come.
 */
static enum app_side desc_tx_side(const void *state, const void *tx, enum app_dir dir, bool eof)
{
	const struct ssh_state *s = state;
	const struct ssh_side *sd = &((const struct ssh_tx *)tx)->side[dir];
	if (sd->proto.len == 0)
		return eof || sd->done ? APP_SIDE_NONE : APP_SIDE_PENDING;
	if (eof || sd->done || s->encrypted || sd->progress >= SSH_STATE_FINISHED)
		return APP_SIDE_READY;
	if (sd->progress == SSH_STATE_BANNER_DONE && (!s->hassh || sd->hassh.len > 0))
		return APP_SIDE_READY;
	return APP_SIDE_PENDING;
}

/* Suricata's SSHTxLogCondition: with hassh, once both sides sent NEWKEYS;
 * without, when both banners are done; at the flow's end whatever there
 * is, if a side gave a banner. */
static enum app_log_decision desc_tx_log(const void *state, const void *tx, bool flow_end)
{
	const struct ssh_state *s = state;
	const struct ssh_tx *t = tx;
	if (flow_end)
		return t->side[0].proto.len > 0 || t->side[1].proto.len > 0 ? APP_LOG_NOW
									    : APP_LOG_SKIP;
	enum ssh_progress want = s->hassh ? SSH_STATE_FINISHED : SSH_STATE_BANNER_DONE;
	return t->side[0].progress == want && t->side[1].progress == want ? APP_LOG_NOW
									  : APP_LOG_WAIT;
}

static bool desc_tx_has_event(const void *state, const void *tx, int ev)
{
	(void)state;
	return ssh_tx_has_event(tx, (enum ssh_event)ev);
}

static void desc_log_json(struct json *j, const void *state, const void *tx, uint32_t opts)
{
	(void)state;
	(void)opts;
	json_open_object(j, "ssh");
	ssh_tx_log_json(j, tx);
	json_close_object(j);
}

static bool desc_bypass_ready(const void *state)
{
	return ssh_state_bypass_ready(state);
}

const struct app_protocol app_ssh = {
    .name = "ssh",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = NULL, /* Suricata 8 detects SSH by its pattern only */
    .probe = ssh_probe,
    .config_new = ssh_config_new,
    .config_free = ssh_config_free,
    .state_new = desc_state_new,
    .state_free = desc_state_free,
    .parse = desc_parse,
    .tx_count = desc_tx_count,
    .tx_get = desc_tx_get,
    .tx_side = desc_tx_side,
    .tx_log = desc_tx_log,
    .event_names = ssh_event_names,
    .n_events = SSH_EV_COUNT,
    .events_upper = false,
    .tx_has_event = desc_tx_has_event,
    .eve_type = "ssh",
    .frame_names = ssh_frame_names,
    .n_frames = SSH_FRAME_COUNT,
    .log_json = desc_log_json,
    .bypass_ready = desc_bypass_ready,
};
