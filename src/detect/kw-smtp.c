/*
 * kw-smtp.c — the SMTP and email rule buffers, as Suricata 8 documents
 * them (all to-server sticky buffers of a mail transaction):
 *   smtp.helo, smtp.mail_from      the command's argument
 *   smtp.rcpt_to                   each RCPT TO argument (multi-buffer)
 *   email.from, email.to, email.cc, email.subject, email.date,
 *   email.message_id, email.x_mailer
 *                                  the message's top-level header value
 *   email.received                 each Received header (multi-buffer)
 *   email.url                      each URL found in the body (multi-buffer)
 *   file.data (file_data)          each attachment's first bytes, decoded
 * Values are views into the parser's transaction (app/smtp.h).
 */
#include "app/smtp.h"
#include "detect/detect-internal.h"

enum smtp_buf {
	SB_HELO,
	SB_MAIL_FROM,
	SB_RCPT_TO,
	SB_FROM,
	SB_TO,
	SB_CC,
	SB_SUBJECT,
	SB_DATE,
	SB_MESSAGE_ID,
	SB_X_MAILER,
	SB_RECEIVED,
	SB_URL,
	SB_FILE_DATA,
};

static const char *const header_of[] = {
    [SB_FROM] = "from",
    [SB_TO] = "to",
    [SB_CC] = "cc",
    [SB_SUBJECT] = "subject",
    [SB_DATE] = "date",
    [SB_MESSAGE_ID] = "message-id",
    [SB_X_MAILER] = "x-mailer",
    [SB_RECEIVED] = "received",
};

static bool mime_get(const struct mime_parser *m, int arg, uint32_t k, const uint8_t **d,
		     uint32_t *l)
{
	if (m == NULL)
		return false;
	if (arg == SB_URL) {
		if (k >= m->n_urls)
			return false;
		*d = m->urls[k].p;
		*l = m->urls[k].n;
		return true;
	}
	if (arg == SB_FILE_DATA) {
		if (k >= m->n_files)
			return false;
		*d = app_file_head(&m->files[k], l);
		return true;
	}
	if (k > 0 && arg != SB_RECEIVED)
		return false;
	const struct mime_bytes *v = mime_header(m, header_of[arg], k);
	if (v == NULL)
		return false;
	*d = v->p;
	*l = v->n;
	return true;
}

static bool smtp_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *txv,
		     enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	const struct smtp_tx *tx = txv;
	*d = NULL;
	*l = 0;
	if (dir != APP_TOSERVER)
		return false;
	switch (spec->arg) {
	case SB_HELO:
		if (k > 0)
			return false;
		*d = smtp_tx_helo(tx, l);
		break;
	case SB_MAIL_FROM:
		if (k > 0)
			return false;
		*d = smtp_tx_mail_from(tx, l);
		break;
	case SB_RCPT_TO: *d = smtp_tx_rcpt_to(tx, k, l); break;
	default:
		if (!mime_get(smtp_tx_mime(tx), spec->arg, k, d, l))
			return false;
		return *d != NULL;
	}
	return *d != NULL;
}

#define SMTP_BUF(name, alias, arg)                                                                 \
	{                                                                                          \
		name, alias, APP_PROTO_SMTP, AD_TS, smtp_get, arg                                  \
	}
static const struct app_buffer_spec specs[] = {
    SMTP_BUF("smtp.helo", NULL, SB_HELO),
    SMTP_BUF("smtp.mail_from", NULL, SB_MAIL_FROM),
    SMTP_BUF("smtp.rcpt_to", NULL, SB_RCPT_TO),
    SMTP_BUF("email.from", NULL, SB_FROM),
    SMTP_BUF("email.to", NULL, SB_TO),
    SMTP_BUF("email.cc", NULL, SB_CC),
    SMTP_BUF("email.subject", NULL, SB_SUBJECT),
    SMTP_BUF("email.date", NULL, SB_DATE),
    SMTP_BUF("email.message_id", NULL, SB_MESSAGE_ID),
    SMTP_BUF("email.x_mailer", NULL, SB_X_MAILER),
    SMTP_BUF("email.received", NULL, SB_RECEIVED),
    SMTP_BUF("email.url", NULL, SB_URL),
    SMTP_BUF("file.data", "file_data", SB_FILE_DATA),
};

const struct app_buffer_family app_buffers_smtp = {specs, sizeof(specs) / sizeof(specs[0])};

/* The command and header buffers are known once the mail's headers are
 * parsed (the transaction's early stage); file.data and email.url only
 * at its end. */
const char *const app_buffers_smtp_early[] = {
    "smtp.helo",  "smtp.mail_from",   "smtp.rcpt_to",	"email.from",	  "email.to",
    "email.cc",	  "email.subject",    "email.date",	"email.message_id", "email.x_mailer",
    "email.received", NULL,
};
