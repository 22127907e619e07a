/*
 * test_smtp.c — app/smtp.c, app/mime.c and smtp-log.c through the
 * descriptor app_smtp, plus the rule buffers of detect/kw-smtp.c: real
 * sessions (test_smtp_vectors.h) whole, split at every byte, truncated
 * and with a gap; STARTTLS accepted and refused, a rejected DATA,
 * pipelining and multi-line replies; malformed MIME (an unterminated
 * boundary, 10,000 nested multiparts, 10,000 parts, bad base64 and
 * quoted-printable, long header names and lines), a BDAT claiming 1 GB,
 * a bad BDAT, an over-long command; base64 / quoted-printable / RFC 2047
 * attachments checked against their original bytes; URLs; settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/smtp.h"
#include "detect/detect-internal.h"
#include "util/config.h"
#include "util/json.h"

#include "test_smtp_vectors.h"

#define HASHES (APP_FILE_MD5 | APP_FILE_SHA256)

static void *new_state(const struct smtp_config *cfg)
{
	struct app_flow_info fi = {
	    .tcp = true, .server_port = 25, .cfg = cfg, .file_hashes = HASHES};
	void *s = app_smtp.state_new(&fi);
	assert_non_null(s);
	return s;
}

static enum app_parse_result feed_r(void *s, enum app_dir dir, const void *d, size_t n,
				    uint32_t flags)
{
	uint8_t *c = malloc(n ? n : 1); /* exact size: ASan catches a read past n */
	assert_non_null(c);
	memcpy(c, d, n);
	enum app_parse_result r = app_smtp.parse(s, dir, c, (uint32_t)n, flags);
	free(c);
	return r;
}

static void feed(void *s, enum app_dir dir, const void *d, size_t n)
{
	assert_int_equal(feed_r(s, dir, d, n, 0), APP_PARSE_OK);
}

static void feed_str(void *s, enum app_dir dir, const char *str)
{
	feed(s, dir, str, strlen(str));
}

static const struct smtp_tx *tx_at(void *s, uint64_t id)
{
	const struct smtp_tx *tx = app_smtp.tx_get(s, id);
	assert_non_null(tx);
	return tx;
}

static void assert_bytes(const uint8_t *v, uint32_t len, const char *want)
{
	assert_non_null(v);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(v, want, len);
}

static bool has_event(const struct smtp_tx *tx, enum smtp_event ev)
{
	bool on = smtp_tx_has_event(tx, ev);
	if (on && getenv("TEST_SMTP_VERBOSE") != NULL)
		fprintf(stderr, "event %s\n", smtp_event_name(ev));
	return on;
}

static void sha256_of(const void *d, size_t n, uint8_t out[32])
{
	unsigned int len = 0;
	assert_int_equal(EVP_Digest(d, n, out, &len, EVP_sha256(), NULL), 1);
}

/* The length of the first line of d (with its end of line). */
static size_t first_line(const uint8_t *d)
{
	const char *lf = strchr((const char *)d, '\n');
	assert_non_null(lf);
	return (size_t)(lf - (const char *)d) + 1;
}

static const char eicar[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

static void check_eicar_tx(void *s)
{
	const struct smtp_tx *tx = tx_at(s, 0);
	uint32_t n;
	const uint8_t *v = smtp_tx_helo(tx, &n);
	assert_bytes(v, n, "linuxbox");
	v = smtp_tx_mail_from(tx, &n);
	assert_bytes(v, n, "<gavin.shrubbery@gmail.com>");
	v = smtp_tx_rcpt_to(tx, 0, &n);
	assert_bytes(v, n, "<172.16.92.2@linuxbox>");
	assert_null(smtp_tx_rcpt_to(tx, 1, &n));
	assert_true(smtp_tx_done(tx));
	const struct mime_parser *m = smtp_tx_mime(tx);
	assert_non_null(m);
	const struct mime_bytes *subj = mime_header(m, "subject", 0);
	assert_non_null(subj);
	assert_bytes(subj->p, subj->n, "This is a test email");
	struct app_file_info fi;
	assert_true(app_smtp.tx_file(tx, 0, &fi));
	assert_false(app_smtp.tx_file(tx, 1, &fi));
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	assert_int_equal(fi.size, strlen(eicar));
	assert_bytes(fi.name, fi.name_len, "EICAR-Test-File");
	static const uint8_t md5[16] = {0x44, 0xd8, 0x86, 0x12, 0xfe, 0xa8, 0xa8, 0xf3,
					0x6d, 0xe8, 0x2e, 0x12, 0x78, 0xab, 0xb0, 0x2f};
	assert_true(fi.hashes & APP_FILE_MD5);
	assert_memory_equal(fi.md5, md5, 16);
	for (int e = 0; e < SMTP_EV_COUNT; e++)
		assert_false(has_event(tx, (enum smtp_event)e));
}

/* The real session, as it went: the greeting, then each side in turn. */
static void test_eicar_session(void **state)
{
	(void)state;
	void *s = new_state(NULL);
	feed(s, APP_TOCLIENT, eicar_tc, first_line(eicar_tc));
	feed(s, APP_TOSERVER, eicar_ts, sizeof(eicar_ts) - 1);
	const struct smtp_tx *tx = tx_at(s, 0);
	/* done, but logged once the server answered the end of data */
	assert_int_equal(app_smtp.tx_log(s, tx, false), APP_LOG_WAIT);
	assert_int_equal(app_smtp.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_READY);
	feed(s, APP_TOCLIENT, eicar_tc + first_line(eicar_tc),
	     sizeof(eicar_tc) - 1 - first_line(eicar_tc));
	assert_int_equal(app_smtp.tx_log(s, tx, false), APP_LOG_NOW);
	check_eicar_tx(s);
	/* QUIT after the mail starts no new one */
	assert_int_equal(app_smtp.tx_count(s), 1);

	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_smtp.log_json(&j, s, tx, 0);
	json_close_object(&j);
	const char *want =
	    "{\"smtp\":{\"helo\":\"linuxbox\",\"mail_from\":\"<gavin.shrubbery@gmail.com>\","
	    "\"rcpt_to\":[\"<172.16.92.2@linuxbox>\"]},\"email\":{\"from\":\"Gavin "
	    "Shrubbery <gavin.shrubbery@gmail.com>\",\"to\":[\"172.16.92.2@linuxbox\"],"
	    "\"status\":\"PARSE_DONE\",\"attachment\":[\"EICAR-Test-File\"]}}";
	assert_string_equal(j.buf, want);
	json_free(&j);
	app_smtp.state_free(s);
}

/* The client's bytes split in two at every position: the same mail. */
static void test_eicar_every_split(void **state)
{
	(void)state;
	size_t n = sizeof(eicar_ts) - 1;
	for (size_t cut = 1; cut < n; cut++) {
		void *s = new_state(NULL);
		feed(s, APP_TOCLIENT, eicar_tc, first_line(eicar_tc));
		feed(s, APP_TOSERVER, eicar_ts, cut);
		feed(s, APP_TOSERVER, eicar_ts + cut, n - cut);
		check_eicar_tx(s);
		app_smtp.state_free(s);
	}
}

/* Cut in the middle of the attachment, then the end of the direction:
 * the file is truncated and the mail ends. */
static void test_eicar_truncated(void **state)
{
	(void)state;
	const char *at = strstr((const char *)eicar_ts, "X5O!");
	assert_non_null(at);
	size_t cut = (size_t)(at - (const char *)eicar_ts) + 20;
	void *s = new_state(NULL);
	feed(s, APP_TOCLIENT, eicar_tc, first_line(eicar_tc));
	feed(s, APP_TOSERVER, eicar_ts, cut);
	const struct smtp_tx *tx = tx_at(s, 0);
	assert_false(smtp_tx_done(tx));
	struct app_file_info fi;
	assert_true(app_smtp.tx_file(tx, 0, &fi));
	assert_int_equal(fi.state, APP_FILE_OPEN);
	assert_int_equal(feed_r(s, APP_TOSERVER, "", 0, APP_CHUNK_EOF), APP_PARSE_OK);
	assert_true(smtp_tx_done(tx));
	assert_true(app_smtp.tx_file(tx, 0, &fi));
	assert_int_equal(fi.state, APP_FILE_TRUNCATED);
	assert_int_equal(fi.size, 20);
	assert_int_equal(fi.hashes, 0);
	app_smtp.state_free(s);
}

/* A gap inside DATA ends the mail; the next commands parse again. */
static void test_gap_in_data(void **state)
{
	(void)state;
	void *s = new_state(NULL);
	feed_str(s, APP_TOCLIENT, "220 hi\r\n");
	feed_str(s, APP_TOSERVER,
		 "EHLO a\r\nMAIL FROM:<x@y>\r\nRCPT TO:<z@y>\r\nDATA\r\nSubject: a\r\n");
	assert_int_equal(feed_r(s, APP_TOSERVER, "b\r\n", 3, APP_CHUNK_GAP), APP_PARSE_OK);
	assert_true(smtp_tx_done(tx_at(s, 0)));
	feed_str(s, APP_TOSERVER, "MAIL FROM:<q@y>\r\n");
	uint32_t n;
	const uint8_t *v = smtp_tx_mail_from(tx_at(s, 1), &n);
	assert_bytes(v, n, "<q@y>");
	app_smtp.state_free(s);
}

/* The real BDAT session: two chunks make mail 0, DATA makes mail 1. */
static void test_bdat_session(void **state)
{
	(void)state;
	void *s = new_state(NULL);
	feed(s, APP_TOCLIENT, bdat_tc, first_line(bdat_tc));
	feed(s, APP_TOSERVER, bdat_ts, sizeof(bdat_ts) - 1);
	feed(s, APP_TOCLIENT, bdat_tc + first_line(bdat_tc),
	     sizeof(bdat_tc) - 1 - first_line(bdat_tc));
	assert_int_equal(app_smtp.tx_count(s), 2);
	const struct smtp_tx *t0 = tx_at(s, 0), *t1 = tx_at(s, 1);
	const struct mime_bytes *subj = mime_header(smtp_tx_mime(t0), "subject", 0);
	assert_non_null(subj);
	assert_bytes(subj->p, subj->n, "first mail chunk one");
	subj = mime_header(smtp_tx_mime(t1), "subject", 0);
	assert_non_null(subj);
	assert_bytes(subj->p, subj->n, "SECOND-MAIL-MARKER");
	uint32_t n;
	const uint8_t *v = smtp_tx_mail_from(t1, &n);
	assert_bytes(v, n, "<evil@example.com>");
	for (int e = 0; e < SMTP_EV_COUNT; e++) {
		assert_false(has_event(t0, (enum smtp_event)e));
		assert_false(has_event(t1, (enum smtp_event)e));
	}
	assert_int_equal(app_smtp.tx_log(s, t1, false), APP_LOG_NOW);
	app_smtp.state_free(s);
}

/* A BDAT claiming 1 GB: only counted; its few bytes parse; EOF ends it.
 * A size that is no number: invalid_bdat. */
static void test_bdat_huge_and_invalid(void **state)
{
	(void)state;
	void *s = new_state(NULL);
	feed_str(s, APP_TOCLIENT, "220 hi\r\n");
	feed_str(s, APP_TOSERVER,
		 "EHLO a\r\nMAIL FROM:<x@y>\r\nBDAT 1000000000 LAST\r\n"
		 "Subject: big\r\n\r\nbody\r\nQUIT\r\n");
	const struct smtp_tx *tx = tx_at(s, 0);
	assert_false(smtp_tx_done(tx));
	const struct mime_bytes *subj = mime_header(smtp_tx_mime(tx), "subject", 0);
	assert_non_null(subj);
	assert_int_equal(feed_r(s, APP_TOSERVER, "", 0, APP_CHUNK_EOF), APP_PARSE_OK);
	assert_true(smtp_tx_done(tx));
	app_smtp.state_free(s);

	s = new_state(NULL);
	feed_str(s, APP_TOCLIENT, "220 hi\r\n");
	feed_str(s, APP_TOSERVER, "EHLO a\r\nBDAT lots\r\n");
	assert_true(has_event(tx_at(s, 0), SMTP_EV_INVALID_BDAT));
	app_smtp.state_free(s);
}

/* Only the client's side: finished mails are logged without answers
 * once SMTP_MAX_UNANSWERED wait; live mails stay within
 * SMTP_MAX_LIVE_TXS. */
static void test_one_sided_many_mails(void **state)
{
	(void)state;
	void *s = new_state(NULL);
	feed_str(s, APP_TOSERVER, "EHLO a\r\n");
	for (int i = 0; i < 100; i++)
		feed_str(
		    s, APP_TOSERVER,
		    "MAIL FROM:<x@y>\r\nRCPT TO:<z@y>\r\nDATA\r\nSubject: m\r\n\r\nb\r\n.\r\n");
	uint64_t n = app_smtp.tx_count(s);
	assert_true(n >= 100);
	const struct smtp_tx *last = app_smtp.tx_get(s, n - 1);
	assert_non_null(last);
	assert_int_equal(app_smtp.tx_log(s, last, false), APP_LOG_WAIT);
	const struct smtp_tx *old = app_smtp.tx_get(s, n - SMTP_MAX_UNANSWERED - 1);
	assert_non_null(old);
	assert_int_equal(app_smtp.tx_log(s, old, false), APP_LOG_NOW);
	assert_null(app_smtp.tx_get(s, n - SMTP_MAX_LIVE_TXS - 1));
	app_smtp.state_free(s);
}

static void test_starttls(void **state)
{
	(void)state;
	void *s = new_state(NULL);
	feed_str(s, APP_TOCLIENT, "220 mx ESMTP\r\n");
	feed_str(s, APP_TOSERVER, "EHLO client\r\n");
	feed_str(s, APP_TOCLIENT, "250-mx\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
	feed_str(s, APP_TOSERVER, "STARTTLS\r\n");
	const char *r = "220 2.0.0 Ready to start TLS\r\n";
	assert_int_equal(feed_r(s, APP_TOCLIENT, r, strlen(r), 0), APP_PARSE_CHANGE);
	assert_int_equal(app_smtp.change_expect(s), APP_PROTO_TLS);
	assert_false(has_event(tx_at(s, 0), SMTP_EV_TLS_REJECTED));
	app_smtp.state_free(s);

	s = new_state(NULL);
	feed_str(s, APP_TOCLIENT, "220 mx ESMTP\r\n");
	feed_str(s, APP_TOSERVER, "EHLO client\r\nSTARTTLS\r\n");
	feed_str(s, APP_TOCLIENT, "250 mx\r\n454 4.7.0 TLS not available\r\n");
	assert_true(has_event(tx_at(s, 0), SMTP_EV_TLS_REJECTED));
	app_smtp.state_free(s);
}

/* Pipelined commands answered in order; a reply nobody asked; a rejected
 * DATA; a reply that is no reply; a command before the greeting. */
static void test_replies(void **state)
{
	(void)state;
	void *s = new_state(NULL);
	feed_str(s, APP_TOSERVER, "EHLO early\r\n");
	assert_true(has_event(tx_at(s, 0), SMTP_EV_NO_SERVER_WELCOME));
	app_smtp.state_free(s);

	s = new_state(NULL);
	feed_str(s, APP_TOCLIENT, "220 hi\r\n");
	feed_str(s, APP_TOSERVER, "EHLO a\r\nMAIL FROM:<x@y>\r\nRCPT TO:<z@y>\r\nDATA\r\n");
	feed_str(s, APP_TOCLIENT,
		 "250 ok\r\n250 ok\r\n550 no such user\r\n554 no valid recipients\r\n");
	const struct smtp_tx *tx = tx_at(s, 0);
	assert_true(has_event(tx, SMTP_EV_DATA_COMMAND_REJECTED));
	/* out of data mode, the same mail goes on */
	assert_false(smtp_tx_done(tx));
	feed_str(s, APP_TOSERVER, "RCPT TO:<w@y>\r\n");
	uint32_t n;
	const uint8_t *v = smtp_tx_rcpt_to(tx, 1, &n);
	assert_bytes(v, n, "<w@y>");
	feed_str(s, APP_TOCLIENT, "250 ok\r\n250 extra\r\n");
	assert_true(has_event(tx, SMTP_EV_UNABLE_TO_MATCH_REPLY));
	feed_str(s, APP_TOCLIENT, "hello\r\n");
	assert_true(has_event(tx, SMTP_EV_INVALID_REPLY));
	app_smtp.state_free(s);
}

static void test_duplicate_and_long_command(void **state)
{
	(void)state;
	void *s = new_state(NULL);
	feed_str(s, APP_TOCLIENT, "220 hi\r\n");
	feed_str(s, APP_TOSERVER, "EHLO a\r\nMAIL FROM:<x@y>\r\nMAIL FROM:<w@y>\r\n");
	const struct smtp_tx *tx = tx_at(s, 0);
	assert_true(has_event(tx, SMTP_EV_DUPLICATE_FIELDS));
	uint32_t n;
	const uint8_t *v = smtp_tx_mail_from(tx, &n);
	assert_bytes(v, n, "<x@y>");
	char *big = malloc(SMTP_MAX_LINE * 3);
	assert_non_null(big);
	memset(big, 'A', SMTP_MAX_LINE * 3);
	feed(s, APP_TOSERVER, big, SMTP_MAX_LINE * 3);
	feed_str(s, APP_TOSERVER, "\r\nRCPT TO:<r@y>\r\n");
	assert_true(has_event(tx, SMTP_EV_MAX_COMMAND_LINE_LEN));
	v = smtp_tx_rcpt_to(tx, 0, &n);
	assert_bytes(v, n, "<r@y>");
	free(big);
	app_smtp.state_free(s);
}

/* A whole mail sent on a fresh state; returns the state. */
static void *mail(const char *msg)
{
	void *s = new_state(NULL);
	feed_str(s, APP_TOCLIENT, "220 hi\r\n");
	feed_str(s, APP_TOSERVER, "EHLO a\r\nMAIL FROM:<x@y>\r\nRCPT TO:<z@y>\r\nDATA\r\n");
	feed_str(s, APP_TOCLIENT, "250 a\r\n250 b\r\n250 c\r\n354 go\r\n");
	feed_str(s, APP_TOSERVER, msg);
	feed_str(s, APP_TOSERVER, "\r\n.\r\n");
	return s;
}

static const uint8_t pdf_bytes[] = "%PDF-1.4\n\x01\x02\xff binary \r\n tail";

/* Three attachments, nested: base64, quoted-printable, an RFC 2047 name. */
static void test_nested_attachments(void **state)
{
	(void)state;
	void *s = mail(
	    "From: a@b\r\nTo: c@d, \"e, f\" <e@f>\r\nSubject: files\r\n"
	    "Content-Type: multipart/mixed; boundary=\"OUTER\"\r\n\r\n"
	    "preamble\r\n--OUTER\r\nContent-Type: text/plain\r\n\r\n"
	    "see http://evil.example/x?a=1 and http://two.example/\r\n"
	    "--OUTER\r\nContent-Type: multipart/alternative; boundary=INNER\r\n\r\n"
	    "--INNER\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "JVBERi0xLjQKAQL/IGJpbmFyeSAN\r\nCiB0YWls\r\n"
	    "--INNER\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n"
	    "Content-Disposition: attachment; filename=\"q.txt\"\r\n\r\n"
	    "caf=C3=A9 soft=\r\nbreak\r\nline2\r\n"
	    "--INNER--\r\n"
	    "--OUTER\r\nContent-Type: application/octet-stream\r\n"
	    "Content-Disposition: attachment;\r\n filename=\"=?UTF-8?B?w6l0w6kudHh0?=\"\r\n\r\n"
	    "plain bytes\r\n"
	    "--OUTER--\r\nepilogue\r\n");
	const struct smtp_tx *tx = tx_at(s, 0);
	struct app_file_info fi;
	uint8_t h[32];
	assert_true(app_smtp.tx_file(tx, 0, &fi));
	assert_bytes(fi.name, fi.name_len, "a.pdf");
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	sha256_of(pdf_bytes, sizeof(pdf_bytes) - 1, h);
	assert_int_equal(fi.size, sizeof(pdf_bytes) - 1);
	assert_memory_equal(fi.sha256, h, 32);
	assert_true(app_smtp.tx_file(tx, 1, &fi));
	assert_bytes(fi.name, fi.name_len, "q.txt");
	sha256_of("caf\xc3\xa9 softbreak\r\nline2", 22, h);
	assert_int_equal(fi.size, 22);
	assert_memory_equal(fi.sha256, h, 32);
	assert_true(app_smtp.tx_file(tx, 2, &fi));
	assert_bytes(fi.name, fi.name_len, "\xc3\xa9t\xc3\xa9.txt");
	sha256_of("plain bytes", 11, h);
	assert_memory_equal(fi.sha256, h, 32);
	assert_false(app_smtp.tx_file(tx, 3, &fi));
	const struct mime_parser *m = smtp_tx_mime(tx);
	assert_int_equal(m->n_urls, 2);
	assert_bytes(m->urls[0].p, m->urls[0].n, "evil.example/x?a=1");
	assert_int_equal(m->events, 0);

	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_smtp.log_json(&j, s, tx, 0);
	json_close_object(&j);
	assert_non_null(strstr(j.buf, "\"to\":[\"c@d\",\" \\\"e, f\\\" <e@f>\"]"));
	assert_non_null(strstr(j.buf, "\"url\":[\"two.example/\",\"evil.example/x?a=1\"]"));
	json_free(&j);
	app_smtp.state_free(s);
}

/* RFC 2231 sections (bug-6207's mail) and a 2-byte base64 file whose
 * padding is split over lines. */
static void test_rfc2231_sections(void **state)
{
	(void)state;
	void *s = mail("Content-Type: multipart/mixed; boundary=K\r\n\r\n--K\r\n"
		       "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\r\n"
		       " filename*0=part-one-;\r\n filename*1=part-two.zip\r\n\r\n"
		       "NA=\r\n=Mg\r\n==\r\n--K--\r\n");
	const struct smtp_tx *tx = tx_at(s, 0);
	struct app_file_info fi;
	assert_true(app_smtp.tx_file(tx, 0, &fi));
	assert_bytes(fi.name, fi.name_len, "part-one-part-two.zip");
	assert_int_equal(fi.size, 2);
	uint8_t h[32];
	sha256_of("42", 2, h);
	assert_memory_equal(fi.sha256, h, 32);
	app_smtp.state_free(s);
}

/* An encapsulated message claiming a file name and base64: its own
 * headers and attachment are what count. */
static void test_encapsulated_message(void **state)
{
	(void)state;
	void *s = mail(
	    "Subject: outer\r\nContent-Type: message/rfc822\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "Content-Disposition: attachment; filename=\"innocent.txt\"\r\n\r\n"
	    "Subject: inner\r\nContent-Disposition: attachment; filename=\"malware.exe\"\r\n\r\n"
	    "PAYLOAD-PLAIN");
	const struct smtp_tx *tx = tx_at(s, 0);
	struct app_file_info fi;
	assert_false(app_smtp.tx_file(tx, 1, &fi)); /* innocent.txt is no file */
	assert_true(app_smtp.tx_file(tx, 0, &fi));
	assert_bytes(fi.name, fi.name_len, "malware.exe");
	assert_int_equal(fi.size, 13);
	const struct mime_bytes *subj = mime_header(smtp_tx_mime(tx), "subject", 0);
	assert_bytes(subj->p, subj->n, "outer");
	app_smtp.state_free(s);
}

static void test_unterminated_boundary(void **state)
{
	(void)state;
	void *s = mail("Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
		       "Content-Disposition: attachment; filename=x.bin\r\n\r\nabc");
	const struct smtp_tx *tx = tx_at(s, 0);
	assert_true(has_event(tx, SMTP_EV_MIME_MALFORMED_MSG));
	struct app_file_info fi;
	assert_true(app_smtp.tx_file(tx, 0, &fi));
	assert_int_equal(fi.size, 3);
	app_smtp.state_free(s);
}

/* 10,000 nested multiparts: MIME_MAX_DEPTH followed, the rest malformed. */
static void test_deep_nesting(void **state)
{
	(void)state;
	size_t cap = 10000 * 80 + 100, o = 0;
	char *msg = malloc(cap);
	assert_non_null(msg);
	for (int i = 0; i < 10000; i++) {
		o += (size_t)snprintf(
		    msg + o, cap - o,
		    "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i);
	}
	msg[o] = 0;
	void *s = mail(msg);
	const struct smtp_tx *tx = tx_at(s, 0);
	assert_true(smtp_tx_done(tx));
	assert_true(has_event(tx, SMTP_EV_MIME_MALFORMED_MSG));
	assert_true(smtp_tx_mime(tx)->depth <= MIME_MAX_DEPTH);
	free(msg);
	app_smtp.state_free(s);
}

/* 10,000 parts, each an attachment: MIME_MAX_FILES files, parsing stops
 * after MIME_MAX_PARTS with mime_parse_failed. */
static void test_many_parts(void **state)
{
	(void)state;
	size_t cap = 10000 * 80 + 100, o = 0;
	char *msg = malloc(cap);
	assert_non_null(msg);
	o += (size_t)snprintf(msg, cap, "Content-Type: multipart/mixed; boundary=P\r\n\r\n");
	for (int i = 0; i < 10000; i++)
		o += (size_t)snprintf(
		    msg + o, cap - o,
		    "--P\r\nContent-Disposition: attachment; filename=f%d\r\n\r\nx\r\n", i);
	msg[o] = 0;
	void *s = mail(msg);
	const struct smtp_tx *tx = tx_at(s, 0);
	assert_true(has_event(tx, SMTP_EV_MIME_PARSE_FAILED));
	assert_int_equal(smtp_tx_mime(tx)->n_files, MIME_MAX_FILES);
	free(msg);
	app_smtp.state_free(s);
}

static void test_bad_encodings(void **state)
{
	(void)state;
	void *s = mail("Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
		       "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; "
		       "filename=a\r\n\r\n"
		       "QUJD!!!RA==\r\n--B\r\n"
		       "Content-Transfer-Encoding: quoted-printable\r\nContent-Disposition: "
		       "attachment; filename=b\r\n\r\n"
		       "bad =ZZ here\r\n--B--\r\n");
	const struct smtp_tx *tx = tx_at(s, 0);
	assert_true(has_event(tx, SMTP_EV_MIME_INVALID_BASE));
	assert_true(has_event(tx, SMTP_EV_MIME_INVALID_QP));
	struct app_file_info fi;
	assert_true(app_smtp.tx_file(tx, 0, &fi));
	assert_int_equal(fi.size, 4); /* "ABCD": the bad characters skipped */
	app_smtp.state_free(s);
}

static void test_long_header_and_line(void **state)
{
	(void)state;
	char name[200], msg[6000];
	memset(name, 'N', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	char *value = malloc(3000);
	assert_non_null(value);
	memset(value, 'v', 2999);
	value[2999] = 0;
	snprintf(msg, sizeof(msg), "%s: x\r\nSubject: %s\r\n\r\nbody", name, value);
	void *s = mail(msg);
	const struct smtp_tx *tx = tx_at(s, 0);
	assert_true(has_event(tx, SMTP_EV_MIME_LONG_HEADER_NAME));
	assert_true(has_event(tx, SMTP_EV_MIME_LONG_HEADER_VALUE));
	assert_true(has_event(tx, SMTP_EV_MIME_LONG_LINE));
	/* the value is cut at header-value-depth (2000) */
	assert_int_equal(mime_header(smtp_tx_mime(tx), "subject", 0)->n, 2000);
	free(value);
	app_smtp.state_free(s);
}

static void test_rfc2047(void **state)
{
	(void)state;
	uint8_t out[64];
	const char *in = "=?utf-8?q?caf=C3=A9_bar?= =?UTF-8?B?w6k=?= end";
	uint32_t n = mime_decode_words((const uint8_t *)in, (uint32_t)strlen(in), out, sizeof(out));
	assert_int_equal(n, strlen("caf\xc3\xa9 bar\xc3\xa9 end"));
	assert_memory_equal(out, "caf\xc3\xa9 bar\xc3\xa9 end", n);
	/* not a word: kept as it is; output bounded by cap */
	in = "=?broken";
	n = mime_decode_words((const uint8_t *)in, (uint32_t)strlen(in), out, 4);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "=?br", 4);
}

static const struct app_buffer_spec *spec_of(const char *name)
{
	for (size_t i = 0; i < app_buffers_smtp.n; i++)
		if (strcmp(app_buffers_smtp.specs[i].name, name) == 0)
			return &app_buffers_smtp.specs[i];
	fail_msg("no buffer %s", name);
	return NULL;
}

static void assert_buf(const struct smtp_tx *tx, const char *name, uint32_t k, const char *want)
{
	const struct app_buffer_spec *sp = spec_of(name);
	const uint8_t *d;
	uint32_t l;
	bool ok = sp->get(sp, NULL, tx, APP_TOSERVER, k, &d, &l);
	if (want == NULL) {
		assert_false(ok);
		return;
	}
	assert_true(ok);
	assert_bytes(d, l, want);
}

static void test_buffers(void **state)
{
	(void)state;
	void *s =
	    mail("Received: from a\r\nReceived: from b\r\nFrom: f@x\r\nTo: t@x\r\nCc: c@x\r\n"
		 "Subject: s\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <id@x>\r\n"
		 "X-Mailer: m 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
		 "--B\r\n\r\nhttp://u.example/p\r\n--B\r\n"
		 "Content-Disposition: attachment; filename=f.txt\r\n\r\nFILEDATA\r\n--B--\r\n");
	const struct smtp_tx *tx = tx_at(s, 0);
	assert_buf(tx, "smtp.helo", 0, "a");
	assert_buf(tx, "smtp.mail_from", 0, "<x@y>");
	assert_buf(tx, "smtp.rcpt_to", 0, "<z@y>");
	assert_buf(tx, "smtp.rcpt_to", 1, NULL);
	assert_buf(tx, "email.from", 0, "f@x");
	assert_buf(tx, "email.to", 0, "t@x");
	assert_buf(tx, "email.cc", 0, "c@x");
	assert_buf(tx, "email.subject", 0, "s");
	assert_buf(tx, "email.date", 0, "Mon, 1 Jan 2024 00:00:00 +0000");
	assert_buf(tx, "email.message_id", 0, "<id@x>");
	assert_buf(tx, "email.x_mailer", 0, "m 1.0");
	assert_buf(tx, "email.received", 0, "from a");
	assert_buf(tx, "email.received", 1, "from b");
	assert_buf(tx, "email.received", 2, NULL);
	assert_buf(tx, "email.url", 0, "u.example/p");
	assert_buf(tx, "file.data", 0, "FILEDATA");
	assert_buf(tx, "file.data", 1, NULL);
	app_smtp.state_free(s);
}

static void test_settings(void **state)
{
	(void)state;
	struct config_node *root = config_new();
	assert_non_null(root);
	assert_true(config_set(root, "app-layer.protocols.smtp.mime.decode-base64", "no"));
	assert_true(config_set(root, "app-layer.protocols.smtp.mime.log-url-scheme", "yes"));
	assert_true(config_set(root, "app-layer.protocols.smtp.mime.header-value-depth", "10"));
	assert_true(
	    config_set(root, "app-layer.protocols.smtp.mime.extract-urls-schemes.0", "https://"));
	struct smtp_config *cfg = smtp_config_new(root);
	assert_non_null(cfg);
	assert_false(cfg->mime.decode_base64);
	assert_int_equal(cfg->mime.header_value_depth, 10);
	void *s = new_state(cfg);
	feed_str(s, APP_TOCLIENT, "220 hi\r\n");
	feed_str(s, APP_TOSERVER,
		 "EHLO a\r\nDATA\r\nSubject: 0123456789abc\r\n\r\n"
		 "http://no https://yes.example\r\n.\r\n");
	const struct smtp_tx *tx = tx_at(s, 0);
	const struct mime_parser *m = smtp_tx_mime(tx);
	assert_int_equal(mime_header(m, "subject", 0)->n, 10);
	assert_int_equal(m->n_urls, 1);
	assert_bytes(m->urls[0].p, m->urls[0].n, "https://yes.example");
	app_smtp.state_free(s);
	smtp_config_free(cfg);
	config_free(root);
}

static void test_probes(void **state)
{
	(void)state;
	struct app_probe_in ts = {.dir = APP_TOSERVER, .tcp = true, .dp = 25};
	struct app_probe_in tc = {.dir = APP_TOCLIENT, .tcp = true, .sp = 25};
	assert_int_equal(app_smtp.probe(&ts, (const uint8_t *)"EHLO x\r\n", 8), APP_PROBE_MATCH);
	assert_int_equal(app_smtp.probe(&ts, (const uint8_t *)"EH", 2), APP_PROBE_NEED_MORE);
	assert_int_equal(app_smtp.probe(&ts, (const uint8_t *)"GET / ", 6), APP_PROBE_NO);
	assert_int_equal(app_smtp.probe_port(&tc, eicar_tc, 10), APP_PROBE_MATCH);
	assert_int_equal(app_smtp.probe_port(&tc, (const uint8_t *)"SSH-2.0", 7), APP_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eicar_session),
	    cmocka_unit_test(test_eicar_every_split),
	    cmocka_unit_test(test_eicar_truncated),
	    cmocka_unit_test(test_gap_in_data),
	    cmocka_unit_test(test_bdat_session),
	    cmocka_unit_test(test_bdat_huge_and_invalid),
	    cmocka_unit_test(test_one_sided_many_mails),
	    cmocka_unit_test(test_starttls),
	    cmocka_unit_test(test_replies),
	    cmocka_unit_test(test_duplicate_and_long_command),
	    cmocka_unit_test(test_nested_attachments),
	    cmocka_unit_test(test_rfc2231_sections),
	    cmocka_unit_test(test_encapsulated_message),
	    cmocka_unit_test(test_unterminated_boundary),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_many_parts),
	    cmocka_unit_test(test_bad_encodings),
	    cmocka_unit_test(test_long_header_and_line),
	    cmocka_unit_test(test_rfc2047),
	    cmocka_unit_test(test_buffers),
	    cmocka_unit_test(test_settings),
	    cmocka_unit_test(test_probes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
