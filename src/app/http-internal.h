/*
 * http-internal — the structures shared by the HTTP parser's files
 * (http.c: framing and transactions, http-headers.c: header handling and
 * detection buffers, http-uri.c: URI and host normalisation, http-body.c:
 * decoding, stored bodies and files, http-log.c: EVE).  Nothing outside
 * src/app/http*.c includes this header.
 */
#ifndef VIGIL_APP_HTTP_INTERNAL_H
#define VIGIL_APP_HTTP_INTERNAL_H

#include <lzma.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "app/file.h"
#include "app/http.h"

/* A growable byte string with an owner-chosen bound. */
struct http_bytes {
	uint8_t *p;
	uint32_t len, cap;
};

/* Appends up to limit total bytes; returns false when bytes were dropped
 * (limit reached or out of memory). */
bool http_bytes_add(struct http_bytes *b, const void *d, uint32_t n, uint32_t limit);
bool http_bytes_set(struct http_bytes *b, const void *d, uint32_t n);
void http_bytes_free(struct http_bytes *b);

struct http_header {
	struct http_bytes name, value;
	uint32_t repeats;
};

enum http_coding { HTTP_CODING_NONE, HTTP_CODING_GZIP, HTTP_CODING_DEFLATE, HTTP_CODING_LZMA };

#define HTTP_MAX_LAYERS 4	      /* content-coding layers decoded at most */
#define HTTP_LZMA_DICT_MAX (1u << 20) /* Suricata's lzma-memlimit */

/* One content-coding layer.  gzip and deflate: the format is sniffed from
 * its first bytes (gzip magic, zlib header, else raw deflate), so a
 * mislabelled layer still decodes; a gzip header is skipped by hand so
 * that reserved flags and a wrong header CRC do not stop it (as libhtp).
 * lzma: the .lzma (LZMA_Alone) format. */
struct http_layer {
	z_stream z;
	lzma_stream lz;
	enum http_coding coding; /* as announced; NONE passes through */
	bool started, failed, done;
	uint8_t hdr[16]; /* gzip header bytes being skipped, lzma header */
	uint32_t hdr_len, hdr_skip;
	uint8_t hdr_state;
};

struct http_decoder {
	struct http_layer layer[HTTP_MAX_LAYERS];
	uint32_t nlayers;
	bool capped;
	uint64_t out_total;
};

/* The response body as a file: the generic tracker (app/file.c). */
struct http_filectx {
	struct app_file af;
	char *magic;	 /* libmagic's description, once computed (http_tx_file_magic) */
	bool magic_done; /* computed (magic may still be NULL: nothing recognised) */
};

/* One message: the request or the response of a transaction. */
struct http_msg {
	enum http_progress progress;
	struct http_bytes line;	    /* request / status line without EOL */
	struct http_bytes protocol; /* "HTTP/1.1" */
	struct http_header *hdr;
	uint32_t nhdr, hdr_cap;
	uint32_t hdr_bytes;	     /* raw header bytes accepted */
	struct http_bytes hdr_raw;   /* header lines as received */
	struct http_bytes hdr_norm;  /* http.header */
	struct http_bytes hdr_names; /* http.header_names */
	struct http_bytes start;     /* http.start */
	struct http_bytes body;	     /* stored (decoded) body, bounded */
	uint64_t body_len, entity_len;
	int64_t content_length; /* -1 absent or invalid */
	bool chunked;
	struct http_decoder dec;
};

struct http_tx {
	uint64_t id;
	struct http_msg req, resp;
	struct http_bytes method, uri_raw, uri_norm;
	struct http_bytes host, host_raw;
	int port;
	int status;
	struct http_bytes status_code, status_msg;
	bool is_09, is_connect, is_head, seen_100, unmatched;
	uint64_t events;
	struct http_filectx file;
	struct http_upload *up; /* request-body files (http-body.c), NULL none */
};

/* What each direction of the connection is doing. */
enum http_pstate {
	HTTP_ST_LINE,	      /* waiting for a request / status line */
	HTTP_ST_HEADERS,      /* header lines */
	HTTP_ST_BODY_CL,      /* Content-Length body */
	HTTP_ST_CHUNK_LEN,    /* chunk-size line */
	HTTP_ST_CHUNK_DATA,   /* chunk bytes */
	HTTP_ST_CHUNK_END,    /* CRLF after chunk bytes */
	HTTP_ST_TRAILERS,     /* trailer lines after the last chunk */
	HTTP_ST_BODY_CLOSE,   /* body until the connection closes */
	HTTP_ST_CONNECT_WAIT, /* request side: CONNECT sent, no answer yet */
	HTTP_ST_TUNNEL,	      /* not HTTP any more: data is ignored */
};

struct http_dirp {
	enum http_pstate st;
	struct http_bytes line;
	bool line_long; /* current line went past HTTP_LINE_LIMIT */
	bool resync;	/* after a gap: skip lines until a start line */
	uint64_t remaining;
	struct http_tx *tx;
	struct http_bytes held; /* request bytes held while a CONNECT waits */
	struct http_bytes pend; /* header line held back: a folded line may follow */
	bool has_pend;
	bool blank_pend;	/* a whitespace-only header line: fold or end */
	struct http_bytes junk; /* a non-status line waiting for the next byte */
	uint32_t junk_n;
	bool junk_pend;
	bool maybe_09; /* request line without protocol, nothing after it yet */
	/* Frames (app/frame.h): the message being read as one frame. */
	uint8_t depth;	     /* parse_bytes nesting: only the outer call knows offsets */
	uint32_t tunnel_left; /* bytes of the last call after the switch to a tunnel */
	uint64_t pos;	     /* stream offset of the outer call's next byte */
	uint64_t line_start; /* stream offset of the line being handled */
	int64_t frame;	     /* the message's frame, -1 none */
	uint64_t frame_start;
	bool frame_end; /* the message ended: the frame's length is known after this step */
};

struct http_state {
	struct http_config cfg;
	struct http_tx **tx; /* live transactions, ids first_id.. */
	uint32_t ntx, tx_cap;
	uint64_t first_id, next_id;
	uint64_t resp_next; /* id of the transaction the next response answers */
	struct http_dirp d[2];
	bool tunnel, failed;
	bool change_asked; /* a first CONNECT succeeded: the tunnel may be another protocol */
	int change_to;	   /* ... or a 101 upgrade: the protocol that follows (h2c, websocket) */
	/* the h2c upgrade's transaction, kept past its release for HTTP/2's
	 * stream 1 (freed with the state) */
	struct http_tx *upgrade_tx;
	bool upgrade_released;
	int server_port; /* TCP port of the server, -1 unknown */
};

void http_tx_event(struct http_tx *tx, enum http_event ev);

/* http-headers.c */
void http_header_line(struct http_tx *tx, struct http_msg *m, enum app_dir dir, const uint8_t *line,
		      uint32_t len);
const struct http_header *http_msg_header(const struct http_msg *m, const char *name);
void http_msg_build_buffers(struct http_msg *m, enum app_dir dir);
int64_t http_parse_content_length(const uint8_t *v, uint32_t n);
void http_msg_free(struct http_msg *m);
bool http_value_has_token(const uint8_t *v, uint32_t n, const char *tok);
bool http_value_contains(const uint8_t *v, uint32_t n, const char *sub);
bool http_value_contains_nozero(const uint8_t *v, uint32_t n, const char *sub);
/* v is word, ignoring case and NUL bytes in v. */
bool http_value_is(const uint8_t *v, uint32_t n, const char *word);

/* http-uri.c */
void http_uri_normalise(struct http_tx *tx);
void http_host_resolve(struct http_tx *tx);
void http_path_normalise(const uint8_t *in, uint32_t n, struct http_bytes *out, bool *double_enc);

/* http-body.c */
void http_body_start(struct http_state *s, struct http_tx *tx, enum app_dir dir);
void http_body_data(struct http_state *s, struct http_tx *tx, enum app_dir dir, const uint8_t *d,
		    uint32_t n);
void http_body_gap(struct http_state *s, struct http_tx *tx, enum app_dir dir, uint64_t len);
void http_body_end(struct http_state *s, struct http_tx *tx, enum app_dir dir, bool truncated);
void http_body_free(struct http_tx *tx);
void http_decoder_free(struct http_decoder *dec);

#endif
