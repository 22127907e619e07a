/*
 * http — the HTTP/1.0 and 1.1 parser (and HTTP/0.9 requests).
 *
 * Fed with in-order reassembled stream bytes per direction in arbitrary
 * splits, it builds transactions (one request and its response) the way
 * Suricata's libhtp does: request and status lines, headers (folding,
 * repeated headers joined with ", "), Content-Length and chunked bodies,
 * responses delimited by the connection close, pipelining, CONNECT
 * tunnels, interim 1xx responses, gzip/deflate/lzma content decoding,
 * URI normalisation as libhtp's IDS personality, and Suricata's HTTP
 * app-layer events.  libhtp's leniencies are kept (see http.c) so that
 * evasions decode as Suricata decodes them.  Not done: the brotli coding,
 * multipart/form-data request bodies as files, lone-CR line ends,
 * request body decompression.
 *
 * Memory is bounded per flow: a line (request line, header, chunk
 * length) is held up to HTTP_LINE_LIMIT bytes, headers per message up to
 * HTTP_HEADERS_LIMIT, stored bodies up to the configured body limits
 * (Suricata's request-body-limit / response-body-limit defaults),
 * decompressed output up to the compression-bomb limit, and at most
 * HTTP_MAX_LIVE_TX transactions are held (the caller releases logged
 * ones).  The parser never reads past the length it is given.
 */
#ifndef VIGIL_APP_HTTP_H
#define VIGIL_APP_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#define HTTP_LINE_LIMIT 18000u			      /* libhtp's hard field limit */
#define HTTP_HEADERS_LIMIT (256u * 1024u)	      /* raw header bytes per message */
#define HTTP_MAX_HEADERS 1024u			      /* headers per message */
#define HTTP_MAX_LIVE_TX 512u			      /* transactions held per flow */
#define HTTP_BODY_LIMIT_DEFAULT (100u * 1024u)	      /* Suricata's 100kb */
#define HTTP_DECOMPRESS_LIMIT_DEFAULT (1024u * 1024u) /* compression-bomb-limit */
#define HTTP_DECOMPRESS_LAYERS_DEFAULT 2u	      /* response-body-decompress-layer-limit */

struct http_config {
	uint32_t request_body_limit;  /* bytes of request body kept for detection */
	uint32_t response_body_limit; /* bytes of decoded response body kept */
	uint32_t decompress_limit;    /* decoded bytes per body before it is a bomb */
	uint8_t file_hashes;	      /* HTTP_FILE_MD5|SHA1|SHA256: hashes of files */
	uint32_t decompress_layers;   /* content-coding layers decoded (Suricata: 2) */
};

#include "app/app.h"

struct app_file;

struct json;
struct http_state;
struct http_tx;

/* Suricata's defaults (libhtp default-config), no file hashes. */
void http_config_defaults(struct http_config *cfg);

/* Per-flow state with the defaults.  NULL when out of memory. */
struct http_state *http_state_new(void);
void http_state_free(struct http_state *s);
/* Replace the defaults above; call before the first parse. */
void http_state_configure(struct http_state *s, const struct http_config *cfg);

/*
 * Parse the next bytes of one direction.  flags are APP_CHUNK_*: GAP marks
 * the message in progress truncated and resynchronises on the next line
 * that parses as a request/status line; EOF ends a body delimited by the
 * close and completes (or truncates) what is in progress.  Returns
 * APP_PARSE_ERROR once the flow cannot be HTTP (a tunnel is not an error:
 * the data is consumed and ignored).
 */
enum app_parse_result http_parse(struct http_state *s, enum app_dir dir, const uint8_t *data,
				 uint32_t len, uint32_t flags);

/* The server's TCP port, for REQUEST_SERVER_PORT_TCP_PORT_MISMATCH (a port
 * in the Host header or URI that differs from it).  Optional. */
void http_state_set_server_port(struct http_state *s, uint16_t port);

/*
 * A hole of len bytes in one direction (the reassembler knows its size).
 * Inside a body whose extent is known (Content-Length, a chunk, or up to
 * the close) the parser skips it and stays in step, as libhtp does with
 * Suricata's gap notifications; the file is marked as having gaps.
 * Elsewhere it behaves as APP_CHUNK_GAP.  Call it before the data that
 * follows the hole.
 */
enum app_parse_result http_parse_gap(struct http_state *s, enum app_dir dir, uint64_t len);

/* True once (then false) when the flow's first request was a CONNECT that
 * succeeded: what follows is another protocol, to be recognised. */
bool http_state_take_change(struct http_state *s);
/* The protocol change asked for cannot happen: failed_protocol_change on
 * the transaction that asked. */
void http_state_change_refused(struct http_state *s);
/* The protocol an HTTP/1.1 upgrade asked for (h2c: HTTP/2, websocket),
 * APP_PROTO_UNKNOWN for any other change. */
int http_state_change_to(const struct http_state *s);
/* Bytes at the end of the last parse call that came after the switch to
 * a tunnel (a CONNECT's answer, a 101): the next protocol's. */
uint32_t http_state_tunnel_left(const struct http_state *s, enum app_dir dir);
/* The transaction whose 101 upgraded the flow to h2c (kept until the
 * state is freed); NULL when none. */
const struct http_tx *http_state_upgrade_tx(const struct http_state *s);
/* True once a CONNECT or 101 Switching Protocols made the flow a tunnel. */
bool http_state_is_tunnel(const struct http_state *s);

/*
 * Transactions.  Ids start at 0 and increase by one per transaction;
 * http_tx_count() is the number ever created.  http_tx_get() returns NULL
 * for a released or unknown id.  http_tx_release_upto() frees the
 * transactions with id < upto that are complete in both directions (it
 * stops at the first one that is not).
 */
uint64_t http_tx_count(const struct http_state *s);
struct http_tx *http_tx_get(const struct http_state *s, uint64_t id);
void http_tx_release_upto(struct http_state *s, uint64_t upto);

enum http_progress {
	HTTP_PROGRESS_NONE = 0,
	HTTP_PROGRESS_LINE,	/* request/status line seen */
	HTTP_PROGRESS_HEADERS,	/* all headers seen */
	HTTP_PROGRESS_BODY,	/* in the body */
	HTTP_PROGRESS_COMPLETE, /* message done */
};

uint64_t http_tx_id(const struct http_tx *tx);
enum http_progress http_tx_progress(const struct http_tx *tx, enum app_dir dir);
/* Status code, 0 when no (valid) status line was seen. */
int http_tx_status(const struct http_tx *tx);
/* Port from the Host header or an absolute URI, -1 when absent. */
int http_tx_port(const struct http_tx *tx);
bool http_tx_is_http09(const struct http_tx *tx);

/* Bytes of body: as transferred (after de-chunking), and after decoding. */
uint64_t http_tx_body_len(const struct http_tx *tx, enum app_dir dir);
uint64_t http_tx_entity_len(const struct http_tx *tx, enum app_dir dir);

/*
 * Detection buffers, named after Suricata's sticky buffers.  A buffer
 * marked (both) exists per direction: dir picks the request or the
 * response; the others exist in one direction only and dir is ignored.
 * http_tx_buffer() returns false when the buffer is absent.  The pointer
 * stays valid until the next http_parse() on the flow or the release.
 */
enum http_buffer {
	HTTP_BUF_URI,		/* http.uri: normalised path + query */
	HTTP_BUF_URI_RAW,	/* http.uri.raw */
	HTTP_BUF_METHOD,	/* http.method */
	HTTP_BUF_HOST,		/* http.host: lower-cased, no port */
	HTTP_BUF_HOST_RAW,	/* http.host.raw: URI authority or Host header */
	HTTP_BUF_USER_AGENT,	/* http.user_agent */
	HTTP_BUF_REQUEST_LINE,	/* http.request_line */
	HTTP_BUF_REQUEST_BODY,	/* http.request_body (de-chunked) */
	HTTP_BUF_REFERER,	/* http.referer */
	HTTP_BUF_ACCEPT,	/* http.accept */
	HTTP_BUF_ACCEPT_ENC,	/* http.accept_enc */
	HTTP_BUF_ACCEPT_LANG,	/* http.accept_lang */
	HTTP_BUF_RESPONSE_LINE, /* http.response_line */
	HTTP_BUF_STAT_CODE,	/* http.stat_code */
	HTTP_BUF_STAT_MSG,	/* http.stat_msg */
	HTTP_BUF_RESPONSE_BODY, /* http.response_body / file.data (decoded) */
	HTTP_BUF_LOCATION,	/* http.location */
	HTTP_BUF_SERVER,	/* http.server */
	HTTP_BUF_HEADER,	/* (both) http.header: "Name: value\r\n"..., no cookie */
	HTTP_BUF_HEADER_RAW,	/* (both) http.header.raw: header lines as sent */
	HTTP_BUF_HEADER_NAMES,	/* (both) http.header_names: "\r\nName\r\n...\r\n\r\n" */
	HTTP_BUF_COOKIE,	/* (both) http.cookie: Cookie / Set-Cookie */
	HTTP_BUF_PROTOCOL,	/* (both) http.protocol */
	HTTP_BUF_START,		/* (both) http.start: line + headers + "\r\n" */
	HTTP_BUF_CONTENT_TYPE,	/* (both) http.content_type */
	HTTP_BUF_CONTENT_LEN,	/* (both) http.content_len */
	HTTP_BUF_CONNECTION,	/* (both) http.connection */
	HTTP_BUF__COUNT
};

bool http_tx_buffer(const struct http_tx *tx, enum app_dir dir, enum http_buffer b,
		    const uint8_t **p, uint32_t *len);
/* Any header by name (case-insensitive); repeated headers are joined. */
bool http_tx_header(const struct http_tx *tx, enum app_dir dir, const char *name, const uint8_t **p,
		    uint32_t *len);
/* Headers in order of arrival, for logging: false past the last one. */
bool http_tx_header_at(const struct http_tx *tx, enum app_dir dir, uint32_t i, const uint8_t **name,
		       uint32_t *name_len, const uint8_t **value, uint32_t *value_len);

/*
 * The response body as a file (Suricata's fileinfo over HTTP).  The name
 * is the Content-Disposition filename when present, else the normalised
 * URI path.  Size counts every decoded byte, not just the stored ones.
 */
/* Hashes a file can be given (http_config.file_hashes, http_file_info.hashes). */
enum {
	HTTP_FILE_MD5 = 1 << 0,
	HTTP_FILE_SHA1 = 1 << 1,
	HTTP_FILE_SHA256 = 1 << 2,
	HTTP_FILE_HASHES_ALL = 7,
};

enum http_file_state {
	HTTP_FILE_NONE = 0, /* no body (yet) */
	HTTP_FILE_OPEN,
	HTTP_FILE_CLOSED,
	HTTP_FILE_TRUNCATED,
};

struct http_file_info {
	enum http_file_state state;
	const uint8_t *name;
	uint32_t name_len;
	uint64_t size;
	uint8_t hashes; /* HTTP_FILE_*: the hashes computed (file closed complete) */
	bool gaps;	/* bytes of the body were lost (fileinfo "gaps") */
	uint8_t md5[16], sha1[20], sha256[32];
};

bool http_tx_file(const struct http_tx *tx, struct http_file_info *out);
/* The response body's file in the generic tracker (state NONE: no body). */
const struct app_file *http_tx_body_file(const struct http_tx *tx);
/* Files the request carried (a PUT body, multipart/form-data parts with a
 * filename): the k-th one, NULL past the end. */
const struct app_file *http_tx_upload(const struct http_tx *tx, uint32_t k);
/* libmagic's description of the transaction's file, from the first bytes
 * of the kept response body: computed with fm the first time there is
 * enough of it (FILE_MAGIC_MIN_BYTES, or all of a closed file) and kept.
 * NULL before that, when nothing was recognised, or with fm NULL and none
 * computed yet. */
struct file_magic;
const char *http_tx_file_magic(const struct http_tx *tx, struct file_magic *fm);

/* App-layer events, with the names of Suricata's http-events.rules. */
/* Frame types (app/frame.h): a whole message, Suricata's http1 frames. */
enum { HTTP_FRAME_REQUEST, HTTP_FRAME_RESPONSE, HTTP_FRAME_COUNT };

enum http_event {
	HTTP_EV_UNKNOWN_ERROR,
	HTTP_EV_GZIP_DECOMPRESSION_FAILED,
	HTTP_EV_REQUEST_FIELD_MISSING_COLON,
	HTTP_EV_RESPONSE_FIELD_MISSING_COLON,
	HTTP_EV_INVALID_REQUEST_CHUNK_LEN,
	HTTP_EV_INVALID_RESPONSE_CHUNK_LEN,
	HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST,
	HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_RESPONSE,
	HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST,
	HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_RESPONSE,
	HTTP_EV_100_CONTINUE_ALREADY_SEEN,
	HTTP_EV_UNABLE_TO_MATCH_RESPONSE_TO_REQUEST,
	HTTP_EV_INVALID_SERVER_PORT_IN_REQUEST,
	HTTP_EV_INVALID_AUTHORITY_PORT,
	HTTP_EV_REQUEST_HEADER_INVALID,
	HTTP_EV_RESPONSE_HEADER_INVALID,
	HTTP_EV_MISSING_HOST_HEADER,
	HTTP_EV_HOST_HEADER_AMBIGUOUS,
	HTTP_EV_INVALID_REQUEST_FIELD_FOLDING,
	HTTP_EV_INVALID_RESPONSE_FIELD_FOLDING,
	HTTP_EV_REQUEST_FIELD_TOO_LONG,
	HTTP_EV_RESPONSE_FIELD_TOO_LONG,
	HTTP_EV_MULTIPART_GENERIC_ERROR,
	HTTP_EV_MULTIPART_NO_FILEDATA,
	HTTP_EV_MULTIPART_INVALID_HEADER,
	HTTP_EV_REQUEST_SERVER_PORT_TCP_PORT_MISMATCH,
	HTTP_EV_REQUEST_URI_HOST_INVALID,
	HTTP_EV_REQUEST_HEADER_HOST_INVALID,
	HTTP_EV_URI_DELIM_NON_COMPLIANT,
	HTTP_EV_METHOD_DELIM_NON_COMPLIANT,
	HTTP_EV_REQUEST_LINE_LEADING_WHITESPACE,
	HTTP_EV_TOO_MANY_ENCODING_LAYERS,
	HTTP_EV_ABNORMAL_CE_HEADER,
	HTTP_EV_REQUEST_AUTH_UNRECOGNIZED,
	HTTP_EV_REQUEST_HEADER_REPETITION,
	HTTP_EV_RESPONSE_HEADER_REPETITION,
	HTTP_EV_RESPONSE_MULTIPART_BYTERANGES,
	HTTP_EV_RESPONSE_ABNORMAL_TRANSFER_ENCODING,
	HTTP_EV_RESPONSE_CHUNKED_OLD_PROTO,
	HTTP_EV_RESPONSE_INVALID_PROTOCOL,
	HTTP_EV_RESPONSE_INVALID_STATUS,
	HTTP_EV_REQUEST_LINE_INCOMPLETE,
	HTTP_EV_DOUBLE_ENCODED_URI,
	HTTP_EV_REQUEST_LINE_INVALID,
	HTTP_EV_REQUEST_BODY_UNEXPECTED,
	HTTP_EV_LZMA_MEMLIMIT_REACHED,
	HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_REQUEST,
	HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_RESPONSE,
	HTTP_EV_COMPRESSION_BOMB,
	HTTP_EV_TOO_MANY_WARNINGS,
	HTTP_EV_RANGE_INVALID,
	HTTP_EV_FILE_NAME_TOO_LONG,
	HTTP_EV_FAILED_PROTOCOL_CHANGE,
	HTTP_EV_REQUEST_CHUNK_EXTENSION,
	HTTP_EV_REQUEST_LINE_MISSING_PROTOCOL,
	HTTP_EV_REQUEST_TOO_MANY_HEADERS,
	HTTP_EV_RESPONSE_TOO_MANY_HEADERS,
	HTTP_EV_RESPONSE_CHUNK_EXTENSION,
	HTTP_EV_COMPRESSION_BOMB_LIMIT_REACHED,
	HTTP_EV__COUNT
};

bool http_tx_has_event(const struct http_tx *tx, enum http_event ev);
/* Lower-case rule name ("request_line_missing_protocol"), NULL if out of range. */
const char *http_event_name(enum http_event ev);
extern const char *const http_event_names[]; /* HTTP_EV__COUNT names */
/* Event by rule name, case-insensitive; -1 when unknown. */
int http_event_by_name(const char *name);

/* EVE: flags for http_tx_log_json(). */
enum {
	HTTP_LOG_EXTENDED = 1 << 0,	/* http_refer, http_method, protocol, status, ... */
	HTTP_LOG_REQ_HEADERS = 1 << 1,	/* request_headers: [{name, value}] */
	HTTP_LOG_RESP_HEADERS = 1 << 2, /* response_headers */
};

/* Writes the "http" object of Suricata's EVE for tx into an open object. */
void http_tx_log_json(struct json *j, const struct http_tx *tx, unsigned flags);

#endif
