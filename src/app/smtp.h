/*
 * smtp.h — the SMTP parser (app/smtp.c) as the rest of vigil sees it:
 * the descriptor app_smtp, its settings, and read-only accessors of a
 * transaction (detection buffers, EVE writer app/smtp-log.c).
 *
 * As Suricata 8 (src/app-layer-smtp.c, rust/src/mime/): a transaction is
 * one mail: it starts with the first command after the previous mail
 * ended (RSET and QUIT do not start one) and ends when the message's DATA
 * ends with "." or its BDAT ... LAST chunk is in, or on RSET.  The
 * message is decoded by app/mime.c; attachments are its files.
 */
#ifndef VIGIL_APP_SMTP_H
#define VIGIL_APP_SMTP_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/mime.h"

struct json;
struct config_node;

/* App-layer events, Suricata's smtp-events.rules names and order. */
enum smtp_event {
	SMTP_EV_INVALID_REPLY = 0,
	SMTP_EV_UNABLE_TO_MATCH_REPLY,
	SMTP_EV_MAX_COMMAND_LINE_LEN,
	SMTP_EV_MAX_REPLY_LINE_LEN,
	SMTP_EV_INVALID_PIPELINED_SEQUENCE,
	SMTP_EV_BDAT_CHUNK_LEN_EXCEEDED,
	SMTP_EV_NO_SERVER_WELCOME,
	SMTP_EV_TLS_REJECTED,
	SMTP_EV_DATA_COMMAND_REJECTED,
	SMTP_EV_MIME_PARSE_FAILED,
	SMTP_EV_MIME_MALFORMED_MSG,
	SMTP_EV_MIME_INVALID_BASE,
	SMTP_EV_MIME_LONG_HEADER_NAME,
	SMTP_EV_MIME_LONG_HEADER_VALUE,
	SMTP_EV_MIME_INVALID_QP,
	SMTP_EV_MIME_LONG_LINE,
	SMTP_EV_MIME_LONG_ENC_LINE,
	SMTP_EV_MIME_LONG_BOUNDARY,
	SMTP_EV_DUPLICATE_FIELDS,
	SMTP_EV_UNPARSABLE_CONTENT,
	SMTP_EV_MIME_LONG_FILENAME,
	SMTP_EV_FAILED_PROTOCOL_CHANGE,
	SMTP_EV_INVALID_BDAT,
	SMTP_EV_COUNT,
};

#define SMTP_MAX_LINE 4096    /* command and reply lines (longer: *_len_exceeded) */
#define SMTP_MAX_RCPT 256     /* RCPT TO kept per transaction */
#define SMTP_MAX_PENDING 256  /* commands waiting for their reply */
#define SMTP_MAX_LIVE_TXS 32  /* unreleased transactions (oldest freed) */
#define SMTP_MAX_UNANSWERED 4 /* mails done but not answered: older ones are logged anyway */
#define SMTP_MAX_ARG 1024     /* HELO / MAIL FROM / RCPT TO values are cut */

struct smtp_config {
	struct mime_config mime; /* app-layer.protocols.smtp.mime */
};

struct smtp_state;
struct smtp_tx;

extern const struct app_protocol app_smtp;

void *smtp_config_new(const struct config_node *root);
void smtp_config_free(void *cfg);

/* Lower-level entry points (the descriptor calls these). */
struct smtp_state *smtp_state_new(const struct smtp_config *cfg, uint8_t file_hashes);
void smtp_state_free(struct smtp_state *s);
enum app_parse_result smtp_parse(struct smtp_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n, uint32_t flags);
uint64_t smtp_tx_count(const struct smtp_state *s);
const struct smtp_tx *smtp_tx_get(const struct smtp_state *s, uint64_t id);

/* Accessors: views valid while the transaction lives (NULL, *len 0 when
 * absent). */
const uint8_t *smtp_tx_helo(const struct smtp_tx *tx, uint32_t *len);
const uint8_t *smtp_tx_mail_from(const struct smtp_tx *tx, uint32_t *len);
const uint8_t *smtp_tx_rcpt_to(const struct smtp_tx *tx, uint32_t k, uint32_t *len);
bool smtp_tx_done(const struct smtp_tx *tx);
/* The message's decoder; NULL before DATA / BDAT. */
const struct mime_parser *smtp_tx_mime(const struct smtp_tx *tx);
bool smtp_tx_has_event(const struct smtp_tx *tx, enum smtp_event ev);
const char *smtp_event_name(enum smtp_event ev);

/* The EVE "smtp" and "email" objects (app/smtp-log.c); opts from
 * smtp_eve_options (the eve-log smtp options: extended, custom). */
void smtp_tx_log_json(struct json *j, const struct smtp_tx *tx, uint32_t opts);
uint32_t smtp_eve_options(const struct config_node *opts);

#endif
