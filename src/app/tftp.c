/*
 * tftp — TFTP (RFC 1350) over UDP, as Suricata 8 parses it
 * (rust/src/tftp): a read (RRQ, opcode 1) or write (WRQ, opcode 2)
 * request is a transaction with the file's name and the transfer mode
 * (lower-cased); data, acknowledgements and errors make none.  Recognised
 * on port 69 when a datagram starts with an opcode 1..5 (Suricata's
 * probing parser).  EVE `tftp`: packet ("read"/"write"), file, mode.
 *
 * Bounds: a name and a mode are cut at TFTP_MAX_STR bytes; at most
 * TFTP_MAX_TX transactions are live (past that the oldest is freed).
 * Never reads past the datagram.
 */
#include "app/app.h"
#include "util/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define TFTP_MAX_STR 512
#define TFTP_MAX_TX 256

struct tftp_tx {
	uint8_t opcode;
	char file[TFTP_MAX_STR + 1];
	char mode[TFTP_MAX_STR + 1];
};

struct tftp_state {
	struct tftp_tx **txs; /* txs[i] is id base + i; NULL when freed */
	uint64_t base, count;
	size_t cap;
};

/* A NUL-terminated string at d[*off]; false when the datagram ends first. */
static bool take_str(const uint8_t *d, uint32_t n, uint32_t *off, char *out, bool lower)
{
	uint32_t i = *off, k = 0;
	for (; i < n && d[i] != 0; i++)
		if (k < TFTP_MAX_STR)
			out[k++] = lower ? (char)tolower(d[i]) : (char)d[i];
	out[k] = '\0';
	if (i >= n)
		return false;
	*off = i + 1;
	return true;
}

static void *tftp_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return calloc(1, sizeof(struct tftp_state));
}

static void tftp_state_free(void *s)
{
	struct tftp_state *st = s;
	if (st == NULL)
		return;
	if (st->txs != NULL)
		for (uint64_t k = 0; k < st->count - st->base; k++)
			free(st->txs[k]);
	free(st->txs);
	free(st);
}

static void compact(struct tftp_state *st)
{
	uint64_t live = st->count - st->base, k = 0;
	if (st->txs == NULL)
		return;
	while (k < live && st->txs[k] == NULL)
		k++;
	if (k == 0)
		return;
	memmove(st->txs, st->txs + k, (size_t)(live - k) * sizeof(*st->txs));
	st->base += k;
}

static enum app_parse_result tftp_parse(void *s, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	(void)dir;
	(void)flags;
	struct tftp_state *st = s;
	if (n < 2 || d[0] != 0)
		return APP_PARSE_ERROR;
	if (d[1] != 1 && d[1] != 2)
		return d[1] >= 3 && d[1] <= 6 ? APP_PARSE_OK : APP_PARSE_ERROR;
	struct tftp_tx tmp;
	memset(&tmp, 0, sizeof(tmp));
	tmp.opcode = d[1];
	uint32_t off = 2;
	if (!take_str(d, n, &off, tmp.file, false) || !take_str(d, n, &off, tmp.mode, true))
		return APP_PARSE_ERROR;
	if (st->count - st->base >= TFTP_MAX_TX) {
		free(st->txs[0]);
		st->txs[0] = NULL;
		compact(st);
	}
	uint64_t live = st->count - st->base;
	if (live == st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 4;
		struct tftp_tx **t = realloc(st->txs, nc * sizeof(*t));
		if (t == NULL)
			return APP_PARSE_ERROR;
		st->txs = t;
		st->cap = nc;
	}
	struct tftp_tx *tx = malloc(sizeof(*tx));
	if (tx == NULL)
		return APP_PARSE_ERROR;
	*tx = tmp;
	st->txs[live] = tx;
	st->count++;
	return APP_PARSE_OK;
}

static uint64_t tftp_tx_count(const void *s)
{
	return ((const struct tftp_state *)s)->count;
}

static const void *tftp_tx_get(const void *s, uint64_t id)
{
	const struct tftp_state *st = s;
	return id >= st->base && id < st->count ? st->txs[id - st->base] : NULL;
}

static enum app_side tftp_tx_side(const void *s, const void *tx, enum app_dir dir, bool eof)
{
	(void)s;
	(void)tx;
	(void)eof;
	return dir == APP_TOSERVER ? APP_SIDE_READY : APP_SIDE_NONE;
}

static void tftp_tx_release_upto(void *s, uint64_t id)
{
	struct tftp_state *st = s;
	for (uint64_t i = st->base; i < id && i < st->count; i++) {
		free(st->txs[i - st->base]);
		st->txs[i - st->base] = NULL;
	}
	compact(st);
}

static void tftp_log(struct json *j, const void *s, const void *t, uint32_t opts)
{
	(void)s;
	(void)opts;
	const struct tftp_tx *tx = t;
	json_open_object(j, "tftp");
	json_str(j, "packet", tx->opcode == 1 ? "read" : "write");
	json_str(j, "file", tx->file);
	json_str(j, "mode", tx->mode);
	json_close_object(j);
}

/* Suricata's probing parser: an opcode of RFC 1350 (and 2347's OACK). */
static enum app_probe_result tftp_probe_port(const struct app_probe_in *in, const uint8_t *d,
					     uint32_t n)
{
	(void)in;
	if (n < 4)
		return APP_PROBE_NO;
	return d[0] == 0 && d[1] >= 1 && d[1] <= 6 ? APP_PROBE_MATCH : APP_PROBE_NO;
}

const struct app_protocol app_tftp = {
    .name = "tftp",
    .ipprotos = APP_IPPROTO_UDP,
    .udp_ports = "69",
    .probe_port = tftp_probe_port,
    .state_new = tftp_state_new,
    .state_free = tftp_state_free,
    .parse = tftp_parse,
    .tx_count = tftp_tx_count,
    .tx_get = tftp_tx_get,
    .tx_side = tftp_tx_side,
    .tx_release_upto = tftp_tx_release_upto,
    .eve_type = "tftp",
    .log_json = tftp_log,
};
