/*
 * smtp-log.c — the EVE "smtp" and "email" objects of a mail, as Suricata
 * 8 writes them (src/output-json-smtp.c, rust/src/mime/smtp_log.rs):
 *   "smtp":  helo, mail_from, rcpt_to [...]
 *   "email": from, to [...] and cc [...] (the header split on ','),
 *            status "PARSE_DONE", attachment [...] (file names),
 *            url [...] (newest first)
 * The email object is there once the mail has a message (DATA / BDAT).
 */
#include "app/smtp.h"

#include "util/json.h"

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
	for (uint32_t i = 0; i <= v->n; i++) {
		if (i == v->n || v->p[i] == ',') {
			json_strn(j, NULL, v->p + s, i - s);
			s = i + 1;
		}
	}
	json_close_array(j);
}

static void log_email(struct json *j, const struct mime_parser *m)
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
	json_close_object(j);
}

void smtp_tx_log_json(struct json *j, const struct smtp_tx *tx)
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
		log_email(j, m);
}
