/*
 * mime.h — a streaming MIME message decoder (app/mime.c) for mail
 * protocols: fed one line at a time, it keeps the message's top-level
 * headers, follows multipart entities (nested, bounded), decodes base64
 * and quoted-printable bodies, extracts URLs from text, and hands every
 * attachment (an entity with a file name) to the generic file tracker
 * (app/file.h).
 *
 * As Suricata 8 (rust/src/mime/smtp.rs, app-layer.protocols.smtp.mime):
 * header names over 75 bytes, values over header-value-depth, encoded
 * lines over 76 bytes, lines over 998 bytes, boundaries over 254 bytes
 * and file names over 255 bytes raise the matching mime_* events; an
 * attachment is an entity whose Content-Disposition has a filename (or
 * whose Content-Type has a name).  Beyond Suricata: nested multiparts
 * are followed through a boundary stack, and RFC 2047 encoded words in
 * file names are decoded.
 */
#ifndef VIGIL_APP_MIME_H
#define VIGIL_APP_MIME_H

#include <stdbool.h>
#include <stdint.h>

#include "app/file.h"

#define MIME_MAX_DEPTH 16	/* nested multiparts followed (deeper: malformed_msg) */
#define MIME_MAX_PARTS 1024	/* entities parsed per message (more: parse_failed) */
#define MIME_MAX_HEADERS 256	/* top-level headers kept */
#define MIME_MAX_FILES 32	/* attachments tracked per message */
#define MIME_MAX_URLS 256	/* URLs kept per message */
#define MIME_MAX_URL_LEN 2048	/* longer URLs are cut */
#define MIME_MAX_LINE 998	/* RFC 5322 line length (long_line) */
#define MIME_MAX_ENC_LINE 76	/* RFC 2045 encoded line length (long_enc_line) */
#define MIME_MAX_HEADER_NAME 75 /* long_header_name */
#define MIME_MAX_BOUNDARY 254	/* long_boundary (cut to this) */
#define MIME_MAX_TOKEN 255	/* file names (long_filename, cut to this) */
#define MIME_URL_LINE_MAX 8192	/* decoded text buffered for URL search */
#define MIME_MAX_SCHEMES 8

/* Anomalies, Suricata's MIME_ANOM_* and smtp mime_* event names. */
enum mime_event {
	MIME_EV_PARSE_FAILED = 0,
	MIME_EV_MALFORMED_MSG,
	MIME_EV_INVALID_BASE64,
	MIME_EV_LONG_HEADER_NAME,
	MIME_EV_LONG_HEADER_VALUE,
	MIME_EV_INVALID_QP,
	MIME_EV_LONG_LINE,
	MIME_EV_LONG_ENC_LINE,
	MIME_EV_LONG_BOUNDARY,
	MIME_EV_LONG_FILENAME,
	MIME_EV_COUNT,
};

/* app-layer.protocols.smtp.mime */
struct mime_config {
	bool decode_mime;	     /* decode-mime (default yes) */
	bool decode_base64;	     /* decode-base64 (yes) */
	bool decode_qp;		     /* decode-quoted-printable (yes) */
	uint32_t header_value_depth; /* header-value-depth (2000; 0 = no limit) */
	bool extract_urls;	     /* extract-urls (yes) */
	bool log_url_scheme;	     /* log-url-scheme (no) */
	bool body_md5;		     /* body-md5 (no) */
	uint8_t n_schemes;	     /* extract-urls-schemes (default http://) */
	char schemes[MIME_MAX_SCHEMES][16];
};
void mime_config_defaults(struct mime_config *c);

struct mime_bytes {
	uint8_t *p;
	uint32_t n;
};
struct mime_header {
	struct mime_bytes name, value;
};

struct mime_entity {
	uint8_t enc;	/* 0 plain, 1 base64, 2 quoted-printable */
	bool text;	/* text/plain, text/html or no Content-Type: URLs searched */
	bool multipart; /* has a boundary (pushed when its body starts) */
	bool message;	/* message/rfc822: the body is a message */
	struct mime_bytes boundary, filename;
};

struct mime_parser {
	const struct mime_config *cfg;
	uint8_t file_hashes;
	enum { MIME_ST_HEADERS, MIME_ST_BODY, MIME_ST_SKIP, MIME_ST_DONE } st;
	bool in_main; /* parsing the top-level headers */
	struct mime_header *hdrs;
	uint32_t n_hdrs;
	bool hdr_open;		 /* hdrs[n_hdrs-1] (or pending) can take folded lines */
	struct mime_header pend; /* the header being read (entity headers) */
	bool pend_used;
	struct mime_entity ent;
	struct mime_bytes stack[MIME_MAX_DEPTH];
	uint32_t depth, parts;
	/* the open attachment: files[n_files-1] when file_open */
	struct app_file *files;
	uint32_t n_files;
	bool file_open;
	uint8_t b64[4];
	uint8_t b64_n;
	bool b64_bad;	  /* this entity already raised invalid_base64 */
	uint8_t eol_held; /* a plain body's last end of line, not passed on yet */
	struct mime_bytes *urls;
	uint32_t n_urls;
	uint8_t *urlbuf; /* decoded text not yet ended by a newline */
	uint32_t urlbuf_n;
	void *md5; /* EVP_MD_CTX over the body (body-md5) */
	bool md5_done;
	uint8_t md5_res[16];
	uint32_t events; /* 1 << enum mime_event */
};

void mime_init(struct mime_parser *m, const struct mime_config *cfg, uint8_t file_hashes);
void mime_free(struct mime_parser *m);
/* One line of the message without its end-of-line (eol: 0 none (a cut
 * long line), 1 LF, 2 CRLF). */
void mime_parse_line(struct mime_parser *m, const uint8_t *line, uint32_t n, uint8_t eol);
/* The message ended (complete: its end was seen; else open files are
 * truncated). */
void mime_finish(struct mime_parser *m, bool complete);

/* Top-level header by name (case-insensitive), the k-th of that name. */
const struct mime_bytes *mime_header(const struct mime_parser *m, const char *name, uint32_t k);
const char *mime_event_name(enum mime_event ev); /* "mime_invalid_base" */
/* Decodes RFC 2047 encoded words (B and Q) in s into out (at most cap
 * bytes, charset bytes kept as they are); returns the length. */
uint32_t mime_decode_words(const uint8_t *s, uint32_t n, uint8_t *out, uint32_t cap);
/* A parameter of a header value ("name", "filename", "boundary"),
 * quotes removed; false when absent. */
bool mime_header_param(const uint8_t *v, uint32_t n, const char *param, const uint8_t **out,
		       uint32_t *out_n);

#endif
