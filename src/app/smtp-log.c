/*
 * smtp-log.c — the EVE "smtp" and "email" objects of a mail, as Suricata
 * 8 writes them (src/output-json-smtp.c, rust/src/mime/smtp_log.rs):
 *   "smtp":  helo, mail_from, rcpt_to [...]
 *   "email": from, to [...] and cc [...] (the header split on ','
 *            outside double quotes),
 *            status "PARSE_DONE", attachment [...] (file names),
 *            url [...] (newest first)
 * The email object is there once the mail has a message (DATA / BDAT).
 */
#include "app/smtp.h"

#include <string.h>

#include "util/config.h"
#include "util/json.h"

/* More header fields, by eve-log smtp options (Suricata's email_fields
 * of output-json-email-common.c): `extended: yes` logs the EXT ones,
 * `custom: [name, ...]` the ones named; an ARRAY one logs every
 * instance, a COMMA one the value split on ','. */
enum { F_PLAIN = 0, F_EXT = 1, F_ARRAY = 2, F_COMMA = 4 };
static const struct {
	const char *key, *header;
	uint8_t flags;
} email_fields[] = {
    {"reply_to", "reply-to", F_PLAIN},	     {"bcc", "bcc", F_COMMA | F_EXT},
    {"message_id", "message-id", F_EXT},     {"subject", "subject", F_EXT},
    {"x_mailer", "x-mailer", F_EXT},	     {"user_agent", "user-agent", F_EXT},
    {"received", "received", F_ARRAY},	     {"x_originating_ip", "x-originating-ip", F_PLAIN},
    {"in_reply_to", "in-reply-to", F_PLAIN}, {"references", "references", F_PLAIN},
    {"importance", "importance", F_PLAIN},   {"priority", "priority", F_PLAIN},
    {"sensitivity", "sensitivity", F_PLAIN}, {"organization", "organization", F_PLAIN},
    {"content_md5", "content-md5", F_PLAIN}, {"date", "date", F_PLAIN},
};
#define N_FIELDS (sizeof(email_fields) / sizeof(email_fields[0]))
#define OPT_EXTENDED (1u << 31)

uint32_t smtp_eve_options(const struct config_node *opts)
{
	uint32_t o = config_get_bool(opts, "extended", false) ? OPT_EXTENDED : 0;
	const struct config_node *custom = config_get(opts, "custom");
	for (size_t i = 0; custom != NULL && i < custom->nchild; i++) {
		const char *v = custom->child[i]->value;
		for (size_t f = 0; v != NULL && f < N_FIELDS; f++)
			if (strcmp(v, email_fields[f].header) == 0 ||
			    strcmp(v, email_fields[f].key) == 0)
				o |= 1u << f;
	}
	return o;
}

static void header_string(struct json *j, const struct mime_parser *m, const char *key,
			  const char *name)
{
	const struct mime_bytes *v = mime_header(m, name, 0);
	if (v != NULL)
		json_strn(j, key, v->p, v->n);
}

static void header_comma(struct json *j, const struct mime_parser *m, const char *key,
			 const char *name)
{
	const struct mime_bytes *v = mime_header(m, name, 0);
	if (v == NULL)
		return;
	json_open_array(j, key);
	uint32_t s = 0;
	bool quoted = false;
	for (uint32_t i = 0; i <= v->n; i++) {
		if (i < v->n && v->p[i] == '"')
			quoted = !quoted;
		if (i == v->n || (v->p[i] == ',' && !quoted)) {
			json_strn(j, NULL, v->p + s, i - s);
			s = i + 1;
		}
	}
	json_close_array(j);
}

static void header_comma(struct json *j, const struct mime_parser *m, const char *key,
			 const char *name);

static void log_custom(struct json *j, const struct mime_parser *m, uint32_t opts)
{
	for (size_t f = 0; f < N_FIELDS; f++) {
		bool on = (opts & (1u << f)) ||
			  ((opts & OPT_EXTENDED) && (email_fields[f].flags & F_EXT));
		if (!on)
			continue;
		if (email_fields[f].flags & F_COMMA) {
			header_comma(j, m, email_fields[f].key, email_fields[f].header);
		} else if (email_fields[f].flags & F_ARRAY) {
			if (mime_header(m, email_fields[f].header, 0) == NULL)
				continue;
			json_open_array(j, email_fields[f].key);
			const struct mime_bytes *v;
			for (uint32_t k = 0;
			     (v = mime_header(m, email_fields[f].header, k)) != NULL; k++)
				json_strn(j, NULL, v->p, v->n);
			json_close_array(j);
		} else {
			header_string(j, m, email_fields[f].key, email_fields[f].header);
		}
	}
}

static void log_email(struct json *j, const struct mime_parser *m, uint32_t opts)
{
	json_open_object(j, "email");
	header_string(j, m, "from", "from");
	header_comma(j, m, "to", "to");
	header_comma(j, m, "cc", "cc");
	json_str(j, "status", "PARSE_DONE");
	if (m->n_files > 0) {
		json_open_array(j, "attachment");
		for (uint32_t i = 0; i < m->n_files; i++)
			json_strn(j, NULL, m->files[i].name, m->files[i].name_len);
		json_close_array(j);
	}
	if (m->n_urls > 0) {
		json_open_array(j, "url");
		for (uint32_t i = m->n_urls; i-- > 0;)
			json_strn(j, NULL, m->urls[i].p, m->urls[i].n);
		json_close_array(j);
	}
	if (m->md5_done) {
		char hex[33];
		for (int i = 0; i < 16; i++) {
			static const char digits[] = "0123456789abcdef";
			hex[2 * i] = digits[m->md5_res[i] >> 4];
			hex[2 * i + 1] = digits[m->md5_res[i] & 15];
		}
		hex[32] = 0;
		json_str(j, "body_md5", hex);
	}
	log_custom(j, m, opts);
	json_close_object(j);
}

void smtp_tx_log_json(struct json *j, const struct smtp_tx *tx, uint32_t opts)
{
	uint32_t n;
	const uint8_t *v;
	json_open_object(j, "smtp");
	if ((v = smtp_tx_helo(tx, &n)) != NULL)
		json_strn(j, "helo", v, n);
	if ((v = smtp_tx_mail_from(tx, &n)) != NULL)
		json_strn(j, "mail_from", v, n);
	if (smtp_tx_rcpt_to(tx, 0, &n) != NULL) {
		json_open_array(j, "rcpt_to");
		for (uint32_t k = 0; (v = smtp_tx_rcpt_to(tx, k, &n)) != NULL; k++)
			json_strn(j, NULL, v, n);
		json_close_array(j);
	}
	json_close_object(j);
	const struct mime_parser *m = smtp_tx_mime(tx);
	if (m != NULL)
		log_email(j, m, opts);
}
