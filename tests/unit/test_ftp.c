/*
 * test_ftp.c — app/ftp.c (FTP control channel and FTP data), app/ftp-log.c
 * and app/tftp.c through their descriptors, on real bytes: the control
 * channel of zeek's ftp/retr.pcap (greeting, USER/PASS, EPSV, RETR with a
 * preliminary and a final reply), ftp-auth-tls.pcap (FEAT's multi-line
 * reply, AUTH TLS), nDPI's ftp.pcap (PASV's 227), suricata-verify's
 * ftp-bounce capture (PORT), nDPI's tftp.pcap (an RRQ); then every split
 * of a stream, truncated and corrupted lines, an over-long line, the
 * greeting handed over after a command, expectations and the data
 * connection's file with its sha256.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "app/ftp.h"
#include "util/json.h"


/* zeek ftp/retr.pcap, control channel */
static const char RETR_TC[] =
    "220 ftp.ncsa.illinois.edu FTP Server (Apache/2.2.3 (CentOS) PHP/5.1.6 mod_ftp/0.9.6) "
    "ready.\r\n"
    "331 Guest login ok, type your email address as the password\r\n"
    "230 User anonymous logged in\r\n"
    "229 Entering Extended Passive Mode (|||38141|)\r\n"
    "150 Opening BINARY mode data connection for /README\r\n"
    "226 Transfer complete.\r\n";
static const char RETR_TS[] = "USER anonymous\r\n"
			      "PASS chrome@example.com\r\n"
			      "EPSV\r\n"
			      "RETR /README\r\n";

/* zeek ftp/ftp-auth-tls.pcap */
static const char FEAT_TC[] = "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n PBSZ\r\n"
			      " PROT\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n";

static void *ftp_new(void)
{
	struct app_flow_info fi = {.tcp = true, .server_port = 21};
	void *s = app_ftp.state_new(&fi);
	assert_non_null(s);
	return s;
}

static const struct ftp_tx *tx_at(void *s, uint64_t id)
{
	return app_ftp.tx_get(s, id);
}

static void feed(void *s, enum app_dir dir, const char *d)
{
	assert_int_equal(app_ftp.parse(s, dir, (const uint8_t *)d, (uint32_t)strlen(d), 0),
			 APP_PARSE_OK);
}

static char *eve_of(const struct app_protocol *ap, void *s, const void *tx, uint32_t opts)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	ap->log_json(&j, s, tx, opts);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_eve(const struct app_protocol *ap, void *s, const void *tx, uint32_t opts,
		       const char *want)
{
	char *got = eve_of(ap, s, tx, opts);
	assert_string_equal(got, want);
	free(got);
}

/* The greeting first, then one command and its reply at a time, as on the wire. */
static void *retr_session(void)
{
	void *s = ftp_new();
	const char *tc = RETR_TC, *ts = RETR_TS;
	/* greeting */
	const char *e = strchr(tc, '\n') + 1;
	app_ftp.parse(s, APP_TOCLIENT, (const uint8_t *)tc, (uint32_t)(e - tc), 0);
	tc = e;
	for (int i = 0; i < 4; i++) {
		const char *te = strchr(ts, '\n') + 1;
		app_ftp.parse(s, APP_TOSERVER, (const uint8_t *)ts, (uint32_t)(te - ts), 0);
		ts = te;
		int lines = i == 3 ? 2 : 1;
		for (int k = 0; k < lines; k++) {
			e = strchr(tc, '\n') + 1;
			app_ftp.parse(s, APP_TOCLIENT, (const uint8_t *)tc, (uint32_t)(e - tc), 0);
			tc = e;
		}
	}
	return s;
}

static void test_retr_session(void **st)
{
	(void)st;
	void *s = retr_session();
	assert_int_equal(app_ftp.tx_count(s), 5);
	assert_null(ftp_tx_command(tx_at(s, 0)));
	assert_string_equal(ftp_tx_command(tx_at(s, 1)), "USER");
	assert_string_equal(ftp_tx_command(tx_at(s, 3)), "EPSV");
	assert_int_equal(ftp_tx_dynamic_port(tx_at(s, 3)), 38141);
	assert_int_equal(ftp_tx_mode(tx_at(s, 3)), 0);
	assert_true(ftp_tx_reply_received(tx_at(s, 4)));
	assert_eve(&app_ftp, s, tx_at(s, 0), 0,
		   "{\"ftp\":{\"completion_code\":[\"220\"],\"reply\":[\"ftp.ncsa.illinois.edu FTP "
		   "Server (Apache/2.2.3 (CentOS) PHP/5.1.6 mod_ftp/0.9.6) ready.\"],"
		   "\"reply_received\":\"yes\",\"reply_truncated\":false}}");
	/* the password only when configured */
	assert_eve(&app_ftp, s, tx_at(s, 2), 0,
		   "{\"ftp\":{\"command\":\"PASS\",\"completion_code\":[\"230\"],\"reply\":[\"User "
		   "anonymous logged in\"],\"reply_received\":\"yes\",\"reply_truncated\":false}}");
	assert_eve(&app_ftp, s, tx_at(s, 2), FTP_EVE_LOG_PASSWORD,
		   "{\"ftp\":{\"command\":\"PASS\",\"command_data\":\"chrome@example.com\","
		   "\"command_truncated\":false,\"completion_code\":[\"230\"],\"reply\":[\"User "
		   "anonymous logged in\"],\"reply_received\":\"yes\",\"reply_truncated\":false}}");
	assert_eve(&app_ftp, s, tx_at(s, 3), 0,
		   "{\"ftp\":{\"command\":\"EPSV\",\"completion_code\":[\"229\"],\"reply\":["
		   "\"Entering Extended Passive Mode (|||38141|)\"],\"dynamic_port\":38141,"
		   "\"mode\":\"passive\",\"reply_received\":\"yes\",\"reply_truncated\":false}}");
	/* RETR: 150 keeps it open, 226 ends it */
	assert_eve(&app_ftp, s, tx_at(s, 4), 0,
		   "{\"ftp\":{\"command\":\"RETR\",\"command_data\":\"/README\","
		   "\"command_truncated\":false,\"completion_code\":[\"150\",\"226\"],\"reply\":["
		   "\"Opening BINARY mode data connection for /README\",\"Transfer complete.\"],"
		   "\"reply_received\":\"yes\",\"reply_truncated\":false}}");
	/* RETR after EPSV announced the data connection */
	struct app_expect e;
	assert_true(app_ftp.expect_take(s, &e));
	assert_int_equal(e.proto, APP_PROTO_FTPDATA);
	assert_int_equal(e.port, 38141);
	assert_false(app_ftp.expect_take(s, &e));
	app_ftp.state_free(s);
}

/* The framework may hand the greeting over after the first command. */
static void test_greeting_after_command(void **st)
{
	(void)st;
	void *s = ftp_new();
	feed(s, APP_TOSERVER, "USER anonymous\r\n");
	feed(s, APP_TOCLIENT, "220 ready\r\n331 Guest login ok\r\n");
	assert_int_equal(app_ftp.tx_count(s), 2);
	assert_null(ftp_tx_command(tx_at(s, 0)));
	assert_string_equal(ftp_tx_command(tx_at(s, 1)), "USER");
	const uint8_t *code, *text;
	uint32_t tl;
	assert_true(ftp_tx_reply(tx_at(s, 1), 0, &code, &text, &tl));
	assert_memory_equal(code, "331", 3);
	app_ftp.state_free(s);
}

/* Every split of the session gives the same transactions. */
static void test_every_split(void **st)
{
	(void)st;
	size_t n = strlen(FEAT_TC);
	for (size_t cut = 0; cut <= n; cut++) {
		void *s = ftp_new();
		feed(s, APP_TOCLIENT, "220 (vsFTPd 3.0.5)\r\n");
		feed(s, APP_TOSERVER, "FEAT\r\n");
		app_ftp.parse(s, APP_TOCLIENT, (const uint8_t *)FEAT_TC, (uint32_t)cut, 0);
		app_ftp.parse(s, APP_TOCLIENT, (const uint8_t *)FEAT_TC + cut, (uint32_t)(n - cut),
			      0);
		assert_int_equal(app_ftp.tx_count(s), 2);
		const struct ftp_tx *tx = tx_at(s, 1);
		assert_true(ftp_tx_reply_received(tx));
		const uint8_t *code, *text;
		uint32_t tl, k = 0;
		while (ftp_tx_reply(tx, k, &code, &text, &tl))
			k++;
		assert_int_equal(k, 11);
		assert_true(ftp_tx_reply(tx, 10, &code, &text, &tl));
		assert_int_equal(tl, 3);
		assert_memory_equal(text, "End", 3);
		app_ftp.state_free(s);
	}
}

/* The multi-line reply stays with FEAT until "211 End"; before it the
 * transaction waits. */
static void test_multiline_truncated(void **st)
{
	(void)st;
	void *s = ftp_new();
	feed(s, APP_TOSERVER, "FEAT\r\n");
	size_t n = strlen(FEAT_TC) - strlen("211 End\r\n");
	app_ftp.parse(s, APP_TOCLIENT, (const uint8_t *)FEAT_TC, (uint32_t)n, 0);
	assert_int_equal(app_ftp.tx_count(s), 1);
	assert_false(ftp_tx_reply_received(tx_at(s, 0)));
	assert_int_equal(app_ftp.tx_side(s, tx_at(s, 0), APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_ftp.tx_log(s, tx_at(s, 0), false), APP_LOG_WAIT);
	/* a reply of another code inside does not end it */
	feed(s, APP_TOCLIENT, "230 not the end\r\n");
	assert_false(ftp_tx_reply_received(tx_at(s, 0)));
	/* the flow ends: logged as it is */
	assert_int_equal(app_ftp.tx_log(s, tx_at(s, 0), true), APP_LOG_NOW);
	app_ftp.state_free(s);
}

static void test_auth_tls(void **st)
{
	(void)st;
	void *s = ftp_new();
	feed(s, APP_TOSERVER, "AUTH TLS\r\n");
	const char *r = "234 Proceed with negotiation.\r\n";
	assert_int_equal(app_ftp.parse(s, APP_TOCLIENT, (const uint8_t *)r, (uint32_t)strlen(r), 0),
			 APP_PARSE_CHANGE);
	assert_int_equal(app_ftp.change_expect(s), APP_PROTO_TLS);
	assert_string_equal(ftp_tx_command(tx_at(s, 0)), "AUTH TLS");
	app_ftp.state_free(s);
	/* refused: no change */
	s = ftp_new();
	feed(s, APP_TOSERVER, "AUTH TLS\r\n");
	feed(s, APP_TOCLIENT, "534 Policy requires SSL.\r\n");
	app_ftp.state_free(s);
}

static void test_pasv_port(void **st)
{
	(void)st;
	void *s = ftp_new();
	/* nDPI ftp.pcap */
	feed(s, APP_TOSERVER, "PASV\r\n");
	feed(s, APP_TOCLIENT, "227 Entering Passive Mode (90,130,70,73,100,85).\r\n");
	assert_int_equal(ftp_tx_dynamic_port(tx_at(s, 0)), 100 * 256 + 85);
	/* suricata-verify ftp-bounce: PORT to another host, port 80 */
	feed(s, APP_TOSERVER, "PORT 2,2,2,3,0,80\r\n");
	uint8_t a[4];
	assert_true(ftp_tx_port_addr(tx_at(s, 1), a));
	assert_memory_equal(a, "\x02\x02\x02\x03", 4);
	/* a PORT's request side is complete at once (ftpbounce) */
	assert_int_equal(app_ftp.tx_side(s, tx_at(s, 1), APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(ftp_tx_dynamic_port(tx_at(s, 1)), 0);
	feed(s, APP_TOCLIENT, "200 PORT command successful.\r\n");
	assert_int_equal(ftp_tx_dynamic_port(tx_at(s, 1)), 80);
	assert_int_equal(ftp_tx_mode(tx_at(s, 1)), 1);
	/* EPRT */
	feed(s, APP_TOSERVER, "EPRT |2|::1|59549|\r\n");
	feed(s, APP_TOCLIENT, "200 EPRT ok\r\n");
	assert_int_equal(ftp_tx_dynamic_port(tx_at(s, 2)), 59549);
	/* corrupted tuples give no port */
	static const char *const bad[] = {
	    "227 Entering Passive Mode (90,130,70,73,100).\r\n",
	    "227 Entering Passive Mode (90,130,70,73,100,256).\r\n",
	    "227 Entering Passive Mode (90,130,70,73,,85).\r\n",
	    "227 Entering Passive Mode\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed(s, APP_TOSERVER, "PASV\r\n");
		feed(s, APP_TOCLIENT, bad[i]);
		assert_int_equal(ftp_tx_dynamic_port(tx_at(s, 3 + i)), 0);
	}
	feed(s, APP_TOSERVER, "EPSV\r\n");
	feed(s, APP_TOCLIENT, "229 Entering Extended Passive Mode (|||99999|)\r\n");
	assert_int_equal(ftp_tx_dynamic_port(tx_at(s, 7)), 0);
	app_ftp.state_free(s);
}

static void test_long_line(void **st)
{
	(void)st;
	void *s = ftp_new();
	size_t n = 10000;
	char *l = malloc(n + 3);
	memcpy(l, "STOR ", 5);
	memset(l + 5, 'A', n - 5);
	memcpy(l + n, "\r\n", 3);
	feed(s, APP_TOSERVER, l);
	const struct ftp_tx *tx = tx_at(s, 0);
	assert_true(ftp_tx_command_truncated(tx));
	uint32_t dl;
	assert_non_null(ftp_tx_command_data(tx, &dl));
	assert_true(dl < 4096);
	assert_true(app_ftp.tx_has_event(s, tx, 0)); /* request_command_too_long */
	l[0] = '5', l[1] = '0', l[2] = '0', l[3] = ' ';
	feed(s, APP_TOCLIENT, l);
	assert_true(ftp_tx_reply_truncated(tx));
	assert_true(app_ftp.tx_has_event(s, tx, 1));
	free(l);
	/* the event names as Suricata's ftp-events.rules */
	assert_int_equal(app_ftp.n_events, 5);
	assert_string_equal(app_ftp.event_names[0], "request_command_too_long");
	assert_string_equal(app_ftp.event_names[1], "response_command_too_long");
	app_ftp.state_free(s);
}

/* A gap stops parsing; unknown commands are UNKNOWN; a bare LF ends a line. */
static void test_gap_unknown(void **st)
{
	(void)st;
	void *s = ftp_new();
	feed(s, APP_TOSERVER, "XYZZY plugh\nNOOP\n");
	assert_string_equal(ftp_tx_command(tx_at(s, 0)), "UNKNOWN");
	assert_string_equal(ftp_tx_command(tx_at(s, 1)), "NOOP");
	assert_int_equal(app_ftp.parse(s, APP_TOSERVER, (const uint8_t *)"QUIT\r\n", 6,
				       APP_CHUNK_GAP),
			 APP_PARSE_ERROR);
	assert_int_equal(app_ftp.tx_count(s), 2);
	app_ftp.state_free(s);
	/* RETR before any port, STOR without a name */
	s = ftp_new();
	feed(s, APP_TOSERVER, "RETR a.txt\r\nSTOR\r\n");
	assert_true(app_ftp.tx_has_event(s, tx_at(s, 0), 3));
	assert_false(app_ftp.tx_has_event(s, tx_at(s, 0), 4));
	assert_true(app_ftp.tx_has_event(s, tx_at(s, 1), 4));
	struct app_expect e;
	assert_false(app_ftp.expect_take(s, &e));
	app_ftp.state_free(s);
	/* past FTP_MAX_TX live transactions the oldest goes */
	s = ftp_new();
	for (int i = 0; i < 300; i++)
		feed(s, APP_TOSERVER, "NOOP\r\n");
	assert_int_equal(app_ftp.tx_count(s), 300);
	assert_null(tx_at(s, 0));
	assert_non_null(tx_at(s, 299));
	assert_true(app_ftp.tx_has_event(s, tx_at(s, 299), 2));
	assert_false(app_ftp.tx_has_event(s, tx_at(s, 44), 2));
	app_ftp.state_free(s);
}

/* Every truncation of the session: nothing read past the length. */
static void test_truncations(void **st)
{
	(void)st;
	size_t n = strlen(RETR_TC);
	for (size_t cut = 0; cut < n; cut++) {
		void *s = ftp_new();
		feed(s, APP_TOSERVER, RETR_TS);
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, RETR_TC, cut);
		app_ftp.parse(s, APP_TOCLIENT, copy, (uint32_t)cut, APP_CHUNK_EOF);
		free(copy);
		assert_true(app_ftp.tx_count(s) >= 4);
		app_ftp.state_free(s);
	}
}

/* The data connection: its file, name and direction, sha256. */
static void test_ftpdata_file(void **st)
{
	(void)st;
	void *s = ftp_new();
	feed(s, APP_TOSERVER, "PASV\r\n");
	feed(s, APP_TOCLIENT, "227 Entering Passive Mode (90,130,70,73,95,203).\r\n");
	feed(s, APP_TOSERVER, "RETR 1MB.zip\r\n");
	struct app_expect e;
	assert_true(app_ftp.expect_take(s, &e));
	assert_int_equal(e.port, 95 * 256 + 203);
	app_ftp.state_free(s);

	struct app_flow_info fi = {
	    .tcp = true, .file_hashes = APP_FILE_SHA256, .expect_data = e.data, .expect_len = e.len};
	void *d = app_ftpdata.state_new(&fi);
	static const char body[] = "root:x:0:0:root:/root:/bin/bash\n";
	app_ftpdata.parse(d, APP_TOCLIENT, (const uint8_t *)body, 10, 0);
	const void *tx = app_ftpdata.tx_get(d, 0);
	assert_int_equal(app_ftpdata.tx_log(d, tx, false), APP_LOG_WAIT);
	app_ftpdata.parse(d, APP_TOCLIENT, (const uint8_t *)body + 10, sizeof(body) - 1 - 10, 0);
	app_ftpdata.parse(d, APP_TOCLIENT, NULL, 0, APP_CHUNK_EOF);
	assert_int_equal(app_ftpdata.tx_log(d, tx, false), APP_LOG_NOW);
	struct app_file_info info;
	assert_true(app_ftpdata.tx_file(tx, 0, &info));
	assert_int_equal(info.state, APP_FILE_CLOSED);
	assert_int_equal(info.dir, APP_TOCLIENT);
	assert_int_equal(info.size, sizeof(body) - 1);
	assert_int_equal(info.name_len, 7);
	assert_memory_equal(info.name, "1MB.zip", 7);
	uint8_t want[32];
	unsigned wl = 0;
	EVP_Digest(body, sizeof(body) - 1, want, &wl, EVP_sha256(), NULL);
	assert_true(info.hashes & APP_FILE_SHA256);
	assert_memory_equal(info.sha256, want, 32);
	assert_eve(&app_ftpdata, d, tx, 0,
		   "{\"ftp_data\":{\"filename\":\"1MB.zip\",\"command\":\"RETR\"}}");
	app_ftpdata.state_free(d);

	/* a corrupted announcement (length byte past the data) names nothing */
	uint8_t bad[3] = {200, 'R', 'E'};
	struct app_flow_info fb = {.tcp = true, .expect_data = bad, .expect_len = 3};
	d = app_ftpdata.state_new(&fb);
	assert_null(ftpdata_tx_command(app_ftpdata.tx_get(d, 0)));
	app_ftpdata.state_free(d);
}

/* nDPI tftp.pcap: an RRQ; truncated and corrupted variants. */
static void test_tftp(void **st)
{
	(void)st;
	static const uint8_t rrq[] = "\x00\x01rfc1350.txt\x00octet\x00";
	struct app_flow_info fi = {.tcp = false, .server_port = 69};
	void *s = app_tftp.state_new(&fi);
	assert_int_equal(app_tftp.parse(s, APP_TOSERVER, rrq, sizeof(rrq) - 1, 0), APP_PARSE_OK);
	assert_int_equal(app_tftp.tx_count(s), 1);
	assert_eve(&app_tftp, s, app_tftp.tx_get(s, 0), 0,
		   "{\"tftp\":{\"packet\":\"read\",\"file\":\"rfc1350.txt\",\"mode\":\"octet\"}}");
	for (uint32_t cut = 0; cut < sizeof(rrq) - 1; cut++)
		assert_int_equal(app_tftp.parse(s, APP_TOSERVER, rrq, cut, 0), APP_PARSE_ERROR);
	assert_int_equal(app_tftp.tx_count(s), 1);
	static const uint8_t wrq[] = "\x00\x02zz.bin\x00NETASCII\x00";
	app_tftp.parse(s, APP_TOSERVER, wrq, sizeof(wrq) - 1, 0);
	assert_eve(&app_tftp, s, app_tftp.tx_get(s, 1), 0,
		   "{\"tftp\":{\"packet\":\"write\",\"file\":\"zz.bin\",\"mode\":\"netascii\"}}");
	static const uint8_t data[] = "\x00\x03\x00\x01hello";
	assert_int_equal(app_tftp.parse(s, APP_TOSERVER, data, sizeof(data) - 1, 0), APP_PARSE_OK);
	assert_int_equal(app_tftp.tx_count(s), 2);
	static const uint8_t bad[] = "\x00\x09x\x00y\x00";
	assert_int_equal(app_tftp.parse(s, APP_TOSERVER, bad, sizeof(bad) - 1, 0), APP_PARSE_ERROR);
	struct app_probe_in in = {.dir = APP_TOSERVER};
	assert_int_equal(app_tftp.probe_port(&in, rrq, sizeof(rrq) - 1), APP_PROBE_MATCH);
	assert_int_equal(app_tftp.probe_port(&in, bad, sizeof(bad) - 1), APP_PROBE_NO);
	app_tftp.state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_retr_session),   cmocka_unit_test(test_greeting_after_command),
	    cmocka_unit_test(test_every_split),	   cmocka_unit_test(test_multiline_truncated),
	    cmocka_unit_test(test_auth_tls),	   cmocka_unit_test(test_pasv_port),
	    cmocka_unit_test(test_long_line),	   cmocka_unit_test(test_gap_unknown),
	    cmocka_unit_test(test_truncations),	   cmocka_unit_test(test_ftpdata_file),
	    cmocka_unit_test(test_tftp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
