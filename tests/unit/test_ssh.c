/*
 * test_ssh.c — app/ssh.c and app/ssh-log.c through the descriptor app_ssh
 * and the accessors: a real handshake (test_ssh_vectors.h) with and
 * without hassh, in every split and every truncation, banners of every
 * shape Suricata 8 accepts or rejects, invalid and oversized records with
 * their events, the end of parsing at NEWKEYS per encryption-handling,
 * settings, transaction side/log decisions and the EVE object as JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ssh.h"
#include "util/config.h"
#include "util/json.h"

#include "test_ssh_vectors.h"

/* tshark's ssh.kex.hassh / ssh.kex.hasshserver for the ssh-hassh capture */
#define CLIENT_HASSH "2dd6531c7e89d3c925db9214711be76a"
#define SERVER_HASSH "6832f1ce43d4397c2c0a3e2f8c94334e"
#define CLIENT_HASSH_STRING                                                                        \
	"curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"    \
	"ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"   \
	"diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1,diffie-hellman-group14-" \
	"sha256,diffie-hellman-group14-sha1,ext-info-c;chacha20-poly1305@openssh.com,aes128-ctr,"  \
	"aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com;umac-64-etm@"         \
	"openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@"    \
	"openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-"     \
	"sha2-256,hmac-sha2-512,hmac-sha1;none"
#define SERVER_HASSH_STRING                                                                        \
	"curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"    \
	"ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"   \
	"diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1,diffie-hellman-group14-" \
	"sha256,diffie-hellman-group14-sha1,diffie-hellman-group1-sha1;chacha20-poly1305@openssh." \
	"com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,"      \
	"aes128-cbc,aes192-cbc,aes256-cbc,blowfish-cbc,cast128-cbc,3des-cbc;umac-64-etm@openssh."  \
	"com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh."    \
	"com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,"    \
	"hmac-sha2-512,hmac-sha1;none,zlib@openssh.com"

static const struct ssh_config cfg_hassh = {.hassh = true, .encryption = SSH_ENC_TRACK_ONLY};
static const struct ssh_config cfg_plain = {.hassh = false, .encryption = SSH_ENC_TRACK_ONLY};

/* ---- helpers ---- */

static void *new_state(const struct ssh_config *cfg)
{
	struct app_flow_info fi = {.tcp = true, .server_port = 22, .cfg = cfg};
	void *s = app_ssh.state_new(&fi);
	assert_non_null(s);
	return s;
}

static enum app_parse_result feed(void *s, enum app_dir dir, const void *d, size_t n)
{
	/* an exact-size copy, so that a read past n is caught under ASan */
	uint8_t *c = malloc(n ? n : 1);
	assert_non_null(c);
	memcpy(c, d, n);
	enum app_parse_result r = app_ssh.parse(s, dir, c, (uint32_t)n, 0);
	free(c);
	return r;
}

static enum app_parse_result feed_str(void *s, enum app_dir dir, const char *str)
{
	return feed(s, dir, str, strlen(str));
}

static const struct ssh_tx *tx_of(void *s)
{
	assert_int_equal(app_ssh.tx_count(s), 1);
	const struct ssh_tx *tx = app_ssh.tx_get(s, 0);
	assert_non_null(tx);
	return tx;
}

typedef const uint8_t *(*field_fn)(const struct ssh_tx *, enum app_dir, uint32_t *);

static void assert_field(field_fn fn, const struct ssh_tx *tx, enum app_dir dir, const char *want)
{
	uint32_t len = 12345;
	const uint8_t *v = fn(tx, dir, &len);
	if (want == NULL) {
		assert_null(v);
		assert_int_equal(len, 0);
		return;
	}
	assert_non_null(v);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(v, want, len);
}

static char *eve(void *s)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_ssh.log_json(&j, s, tx_of(s), 0);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_eve(void *s, const char *want)
{
	char *got = eve(s);
	assert_string_equal(got, want);
	free(got);
}

static int events_of(void *s)
{
	int bits = 0;
	for (int e = 0; e < app_ssh.n_events; e++)
		if (app_ssh.tx_has_event(s, tx_of(s), e))
			bits |= 1 << e;
	return bits;
}

/* The client's whole stream of the capture up to NEWKEYS, and the server's. */
static size_t client_stream(uint8_t *out)
{
	size_t n = 0;
	memcpy(out + n, hassh_client_banner, sizeof(hassh_client_banner));
	n += sizeof(hassh_client_banner);
	memcpy(out + n, hassh_client_kexinit, sizeof(hassh_client_kexinit));
	n += sizeof(hassh_client_kexinit);
	memcpy(out + n, hassh_client_ecdh_init, sizeof(hassh_client_ecdh_init));
	n += sizeof(hassh_client_ecdh_init);
	memcpy(out + n, hassh_client_newkeys, sizeof(hassh_client_newkeys));
	n += sizeof(hassh_client_newkeys);
	return n;
}

/* The handshake in capture order: banners, KEXINITs, ECDH, NEWKEYS. */
static void *handshake(const struct ssh_config *cfg)
{
	void *s = new_state(cfg);
	assert_int_equal(feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner)),
			 APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, hassh_server_banner, sizeof(hassh_server_banner)),
			 APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOSERVER, hassh_client_kexinit, sizeof(hassh_client_kexinit)),
			 APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, hassh_server_kexinit, sizeof(hassh_server_kexinit)),
			 APP_PARSE_OK);
	assert_int_equal(
	    feed(s, APP_TOSERVER, hassh_client_ecdh_init, sizeof(hassh_client_ecdh_init)),
	    APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, hassh_server_ecdh_reply_newkeys,
			      sizeof(hassh_server_ecdh_reply_newkeys)),
			 APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOSERVER, hassh_client_newkeys, sizeof(hassh_client_newkeys)),
			 APP_PARSE_OK);
	return s;
}

/* ---- the real handshake ---- */

static void test_handshake_hassh(void **unused)
{
	(void)unused;
	void *s = handshake(&cfg_hassh);
	const struct ssh_tx *tx = tx_of(s);
	assert_field(ssh_tx_proto, tx, APP_TOSERVER, "2.0");
	assert_field(ssh_tx_software, tx, APP_TOSERVER, "OpenSSH_for_Windows_7.7");
	assert_field(ssh_tx_proto, tx, APP_TOCLIENT, "2.0");
	assert_field(ssh_tx_software, tx, APP_TOCLIENT, "OpenSSH_7.4");
	assert_field(ssh_tx_hassh, tx, APP_TOSERVER, CLIENT_HASSH);
	assert_field(ssh_tx_hassh_string, tx, APP_TOSERVER, CLIENT_HASSH_STRING);
	assert_field(ssh_tx_hassh, tx, APP_TOCLIENT, SERVER_HASSH);
	assert_field(ssh_tx_hassh_string, tx, APP_TOCLIENT, SERVER_HASSH_STRING);
	assert_int_equal(ssh_tx_progress(tx, APP_TOSERVER), SSH_STATE_FINISHED);
	assert_int_equal(ssh_tx_progress(tx, APP_TOCLIENT), SSH_STATE_FINISHED);
	assert_true(ssh_state_encrypted(s));
	assert_true(ssh_state_no_inspection(s));
	assert_false(ssh_state_bypass_ready(s));
	assert_int_equal(events_of(s), 0);
	assert_int_equal(app_ssh.tx_log(s, tx, false), APP_LOG_NOW);
	assert_eve(s, "{\"ssh\":{\"client\":{\"proto_version\":\"2.0\",\"software_version\":"
		      "\"OpenSSH_for_Windows_7.7\",\"hassh\":{\"hash\":\"" CLIENT_HASSH
		      "\",\"string\":\"" CLIENT_HASSH_STRING "\"}},\"server\":{\"proto_version\":"
		      "\"2.0\",\"software_version\":\"OpenSSH_7.4\",\"hassh\":{\"hash\":"
		      "\"" SERVER_HASSH "\",\"string\":\"" SERVER_HASSH_STRING "\"}}}}");
	/* encrypted: what follows is not parsed (a record length of 0 would be
	 * invalid_record) */
	static const uint8_t zero[8] = {0};
	assert_int_equal(feed(s, APP_TOSERVER, zero, sizeof(zero)), APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOCLIENT, zero, sizeof(zero)), APP_PARSE_OK);
	assert_int_equal(events_of(s), 0);
	app_ssh.state_free(s);
}

static void test_handshake_no_hassh(void **unused)
{
	(void)unused;
	void *s = new_state(&cfg_plain);
	const struct ssh_tx *tx = tx_of(s);
	feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
	/* one banner: not logged yet; the client side is ready for rules */
	assert_int_equal(app_ssh.tx_log(s, tx, false), APP_LOG_WAIT);
	assert_int_equal(app_ssh.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_ssh.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_PENDING);
	feed(s, APP_TOCLIENT, hassh_server_banner, sizeof(hassh_server_banner));
	/* both banners done: Suricata's log condition without hassh */
	assert_int_equal(app_ssh.tx_log(s, tx, false), APP_LOG_NOW);
	feed(s, APP_TOSERVER, hassh_client_kexinit, sizeof(hassh_client_kexinit));
	feed(s, APP_TOCLIENT, hassh_server_kexinit, sizeof(hassh_server_kexinit));
	assert_field(ssh_tx_hassh, tx, APP_TOSERVER, NULL);
	assert_field(ssh_tx_hassh_string, tx, APP_TOCLIENT, NULL);
	feed(s, APP_TOCLIENT, hassh_server_ecdh_reply_newkeys,
	     sizeof(hassh_server_ecdh_reply_newkeys));
	assert_int_equal(ssh_tx_progress(tx, APP_TOCLIENT), SSH_STATE_FINISHED);
	assert_false(ssh_state_encrypted(s));
	/* one side past BANNER_DONE: the condition no longer holds */
	assert_int_equal(app_ssh.tx_log(s, tx, false), APP_LOG_WAIT);
	feed(s, APP_TOSERVER, hassh_client_newkeys, sizeof(hassh_client_newkeys));
	assert_true(ssh_state_encrypted(s));
	assert_int_equal(app_ssh.tx_log(s, tx, true), APP_LOG_NOW);
	assert_eve(s, "{\"ssh\":{\"client\":{\"proto_version\":\"2.0\",\"software_version\":"
		      "\"OpenSSH_for_Windows_7.7\"},\"server\":{\"proto_version\":\"2.0\","
		      "\"software_version\":\"OpenSSH_7.4\"}}}");
	app_ssh.state_free(s);
}

/* With hassh on, a side waits for its fingerprint before rules see it,
 * and the log waits for NEWKEYS from both sides. */
static void test_side_and_log_with_hassh(void **unused)
{
	(void)unused;
	void *s = new_state(&cfg_hassh);
	const struct ssh_tx *tx = tx_of(s);
	assert_int_equal(app_ssh.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_PENDING);
	assert_int_equal(app_ssh.tx_side(s, tx, APP_TOSERVER, true), APP_SIDE_NONE);
	assert_int_equal(app_ssh.tx_log(s, tx, true), APP_LOG_SKIP);
	feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
	feed(s, APP_TOCLIENT, hassh_server_banner, sizeof(hassh_server_banner));
	assert_int_equal(app_ssh.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_PENDING);
	assert_int_equal(app_ssh.tx_side(s, tx, APP_TOSERVER, true), APP_SIDE_READY);
	assert_int_equal(app_ssh.tx_log(s, tx, false), APP_LOG_WAIT);
	feed(s, APP_TOSERVER, hassh_client_kexinit, sizeof(hassh_client_kexinit));
	assert_int_equal(app_ssh.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_ssh.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_ssh.tx_log(s, tx, false), APP_LOG_WAIT);
	assert_int_equal(app_ssh.tx_log(s, tx, true), APP_LOG_NOW);
	app_ssh.state_free(s);
}

/* The client's stream cut in two at every offset gives the same result. */
static void test_client_every_split(void **unused)
{
	(void)unused;
	static uint8_t buf[2048];
	size_t n = client_stream(buf);
	for (size_t cut = 0; cut <= n; cut++) {
		void *s = new_state(&cfg_hassh);
		assert_int_equal(feed(s, APP_TOSERVER, buf, cut), APP_PARSE_OK);
		assert_int_equal(feed(s, APP_TOSERVER, buf + cut, n - cut), APP_PARSE_OK);
		const struct ssh_tx *tx = tx_of(s);
		assert_field(ssh_tx_software, tx, APP_TOSERVER, "OpenSSH_for_Windows_7.7");
		assert_field(ssh_tx_hassh, tx, APP_TOSERVER, CLIENT_HASSH);
		assert_int_equal(ssh_tx_progress(tx, APP_TOSERVER), SSH_STATE_FINISHED);
		assert_int_equal(events_of(s), 0);
		app_ssh.state_free(s);
	}
}

/* ... and one byte at a time. */
static void test_client_byte_by_byte(void **unused)
{
	(void)unused;
	static uint8_t buf[2048];
	size_t n = client_stream(buf);
	void *s = new_state(&cfg_hassh);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(feed(s, APP_TOSERVER, buf + i, 1), APP_PARSE_OK);
	const struct ssh_tx *tx = tx_of(s);
	assert_field(ssh_tx_proto, tx, APP_TOSERVER, "2.0");
	assert_field(ssh_tx_hassh_string, tx, APP_TOSERVER, CLIENT_HASSH_STRING);
	assert_int_equal(ssh_tx_progress(tx, APP_TOSERVER), SSH_STATE_FINISHED);
	app_ssh.state_free(s);
}

/* Every truncation of the client's stream: no event, and what is known
 * fits how far the bytes went. */
static void test_client_every_truncation(void **unused)
{
	(void)unused;
	static uint8_t buf[2048];
	size_t n = client_stream(buf);
	size_t banner = sizeof(hassh_client_banner);
	size_t kex_end = banner + sizeof(hassh_client_kexinit);
	size_t newkeys_start = n - sizeof(hassh_client_newkeys);
	for (size_t len = 0; len < n; len++) {
		void *s = new_state(&cfg_hassh);
		assert_int_equal(feed(s, APP_TOSERVER, buf, len), APP_PARSE_OK);
		const struct ssh_tx *tx = tx_of(s);
		assert_int_equal(events_of(s), 0);
		/* the banner's \n is its last byte; as Suricata, a NEWKEYS
		 * header counts before the rest of its record */
		enum ssh_progress want = len < banner		    ? SSH_STATE_IN_PROGRESS
					 : len >= newkeys_start + 6 ? SSH_STATE_FINISHED
								    : SSH_STATE_BANNER_DONE;
		assert_int_equal(ssh_tx_progress(tx, APP_TOSERVER), want);
		assert_field(ssh_tx_hassh, tx, APP_TOSERVER, len < kex_end ? NULL : CLIENT_HASSH);
		app_ssh.state_free(s);
	}
}

/* The server's segment with the ECDH reply, NEWKEYS and 84 bytes of
 * ciphertext: FINISHED, the ciphertext skipped without an event. */
static void test_server_newkeys_then_ciphertext(void **unused)
{
	(void)unused;
	void *s = new_state(&cfg_plain);
	feed(s, APP_TOCLIENT, hassh_server_banner, sizeof(hassh_server_banner));
	feed(s, APP_TOCLIENT, hassh_server_kexinit, sizeof(hassh_server_kexinit));
	assert_int_equal(feed(s, APP_TOCLIENT, hassh_server_ecdh_reply_newkeys,
			      sizeof(hassh_server_ecdh_reply_newkeys)),
			 APP_PARSE_OK);
	const struct ssh_tx *tx = tx_of(s);
	assert_int_equal(ssh_tx_progress(tx, APP_TOCLIENT), SSH_STATE_FINISHED);
	assert_false(ssh_state_encrypted(s));
	assert_int_equal(events_of(s), 0);
	/* the client's NEWKEYS ends the handshake; its first encrypted packet
	 * is not parsed */
	feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
	feed(s, APP_TOSERVER, hassh_client_newkeys, sizeof(hassh_client_newkeys));
	assert_true(ssh_state_encrypted(s));
	assert_int_equal(
	    feed(s, APP_TOSERVER, hassh_client_encrypted, sizeof(hassh_client_encrypted)),
	    APP_PARSE_OK);
	assert_int_equal(events_of(s), 0);
	app_ssh.state_free(s);
}

/* encryption-handling full: records are still parsed after NEWKEYS (a
 * zero length then is invalid_record); bypass: bypass-ready. */
static void test_encryption_handling(void **unused)
{
	(void)unused;
	struct ssh_config full = {.hassh = false, .encryption = SSH_ENC_FULL};
	void *s = handshake(&full);
	assert_true(ssh_state_encrypted(s));
	assert_false(ssh_state_no_inspection(s));
	assert_false(ssh_state_bypass_ready(s));
	static const uint8_t zero[8] = {0};
	assert_int_equal(feed(s, APP_TOSERVER, zero, sizeof(zero)), APP_PARSE_ERROR);
	assert_int_equal(events_of(s), 1 << SSH_EV_INVALID_RECORD);
	app_ssh.state_free(s);

	struct ssh_config bypass = {.hassh = true, .encryption = SSH_ENC_BYPASS};
	s = handshake(&bypass);
	assert_true(ssh_state_no_inspection(s));
	assert_true(ssh_state_bypass_ready(s));
	app_ssh.state_free(s);
}

/* ---- banners ---- */

struct banner_case {
	const char *in;
	const char *proto, *software; /* NULL: none */
	enum ssh_progress progress;
	int events;
};

static void check_banner(const struct banner_case *c)
{
	void *s = new_state(&cfg_plain);
	enum app_parse_result r = feed_str(s, APP_TOSERVER, c->in);
	const struct ssh_tx *tx = tx_of(s);
	assert_int_equal(r,
			 c->events & (1 << SSH_EV_INVALID_BANNER) ? APP_PARSE_ERROR : APP_PARSE_OK);
	assert_field(ssh_tx_proto, tx, APP_TOSERVER, c->proto);
	assert_field(ssh_tx_software, tx, APP_TOSERVER, c->software);
	assert_int_equal(ssh_tx_progress(tx, APP_TOSERVER), c->progress);
	assert_int_equal(events_of(s), c->events);
	app_ssh.state_free(s);
}

static void test_banner_shapes(void **unused)
{
	(void)unused;
	const int INV = 1 << SSH_EV_INVALID_BANNER;
	static const struct banner_case cases[] = {
	    /* nDPI ssh_unidirectional.pcap's server: comments cut at the space */
	    {"SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7\n", "2.0", "OpenSSH_7.4p1",
	     SSH_STATE_BANNER_DONE, 0},
	    {"SSH-1.99-OpenSSH_3.9p1\r\n", "1.99", "OpenSSH_3.9p1", SSH_STATE_BANNER_DONE, 0},
	    /* a software of dashes keeps them */
	    {"SSH-2.0-libssh-0.7.2\n", "2.0", "libssh-0.7.2", SSH_STATE_BANNER_DONE, 0},
	    /* nothing after the second dash: no software */
	    {"SSH-2.0-\r\n", "2.0", NULL, SSH_STATE_BANNER_DONE, 0},
	    /* a space right after it: Suricata's parser takes the rest */
	    {"SSH-2.0- comment\r\n", "2.0", " comment", SSH_STATE_BANNER_DONE, 0},
	    /* a lone \r ends the line too */
	    {"SSH-2.0-X\rY", "2.0", "X", SSH_STATE_BANNER_DONE, 0},
	    /* not a banner */
	    {"SSH-2.0 some comments\r\n", NULL, NULL, SSH_STATE_IN_PROGRESS, INV},
	    {"SSH--x\r\n", NULL, NULL, SSH_STATE_IN_PROGRESS, INV},
	    {"SSH\r\n", NULL, NULL, SSH_STATE_IN_PROGRESS, INV},
	    {"ssh-2.0-lower\r\n", NULL, NULL, SSH_STATE_IN_PROGRESS, INV},
	    /* lines before the banner are not accepted (as Suricata 8) */
	    {"Welcome\r\nSSH-2.0-X\r\n", NULL, NULL, SSH_STATE_IN_PROGRESS, INV},
	    /* the line is not over yet */
	    {"SSH-2.0-X", NULL, NULL, SSH_STATE_IN_PROGRESS, 0},
	    {"SSH-2.0-X\r", NULL, NULL, SSH_STATE_IN_PROGRESS, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_banner(&cases[i]);
}

/* nDPI ssh_unidirectional.pcap: the server's banner, then a client that
 * sends an empty line: invalid_banner, and the flow is parsed no further. */
static void test_empty_client_line(void **unused)
{
	(void)unused;
	void *s = new_state(&cfg_plain);
	assert_int_equal(feed(s, APP_TOCLIENT, uni_server_banner, sizeof(uni_server_banner)),
			 APP_PARSE_OK);
	assert_int_equal(feed(s, APP_TOSERVER, uni_client_crlf, sizeof(uni_client_crlf)),
			 APP_PARSE_ERROR);
	assert_int_equal(events_of(s), 1 << SSH_EV_INVALID_BANNER);
	assert_int_equal(feed(s, APP_TOCLIENT, "x", 1), APP_PARSE_ERROR);
	const struct ssh_tx *tx = tx_of(s);
	assert_int_equal(app_ssh.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_NONE);
	assert_int_equal(app_ssh.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_ssh.tx_log(s, tx, true), APP_LOG_NOW);
	assert_eve(s, "{\"ssh\":{\"server\":{\"proto_version\":\"2.0\",\"software_version\":"
		      "\"OpenSSH_7.4p1\"}}}");
	app_ssh.state_free(s);
}

/* Suricata's SSHParserTest07: the banner in two segments. */
static void test_banner_in_pieces(void **unused)
{
	(void)unused;
	void *s = new_state(&cfg_plain);
	assert_int_equal(feed_str(s, APP_TOSERVER, "SSH-2."), APP_PARSE_OK);
	assert_int_equal(ssh_tx_progress(tx_of(s), APP_TOSERVER), SSH_STATE_IN_PROGRESS);
	assert_int_equal(feed_str(s, APP_TOSERVER, "0-MySSHClient-0.5.1\r"), APP_PARSE_OK);
	assert_int_equal(ssh_tx_progress(tx_of(s), APP_TOSERVER), SSH_STATE_IN_PROGRESS);
	assert_int_equal(feed_str(s, APP_TOSERVER, "\n"), APP_PARSE_OK);
	assert_field(ssh_tx_software, tx_of(s), APP_TOSERVER, "MySSHClient-0.5.1");
	assert_int_equal(ssh_tx_progress(tx_of(s), APP_TOSERVER), SSH_STATE_BANNER_DONE);
	app_ssh.state_free(s);
}

/* A whole line of 256 bytes or more: long_banner, parsed all the same. */
static void test_long_banner_complete(void **unused)
{
	(void)unused;
	char line[400];
	memcpy(line, "SSH-2.0-", 8);
	memset(line + 8, 'A', 300);
	memcpy(line + 308, "\r\n", 3);
	void *s = new_state(&cfg_plain);
	assert_int_equal(feed_str(s, APP_TOSERVER, line), APP_PARSE_OK);
	const struct ssh_tx *tx = tx_of(s);
	uint32_t len = 0;
	assert_non_null(ssh_tx_software(tx, APP_TOSERVER, &len));
	assert_int_equal(len, 300);
	assert_int_equal(ssh_tx_progress(tx, APP_TOSERVER), SSH_STATE_BANNER_DONE);
	assert_int_equal(events_of(s), 1 << SSH_EV_LONG_BANNER);
	app_ssh.state_free(s);

	/* 255 bytes is not long */
	memset(line + 8, 'A', 247);
	memcpy(line + 255, "\n", 2);
	s = new_state(&cfg_plain);
	feed_str(s, APP_TOSERVER, line);
	assert_int_equal(events_of(s), 0);
	app_ssh.state_free(s);
}

/* 256 bytes with no line end: taken as they are (BANNER_WAIT_EOL) and the
 * rest of the line is skipped; Suricata leaves the direction in that
 * state, so it skips to a line end before each later chunk's records. */
static void test_long_banner_wait_eol(void **unused)
{
	(void)unused;
	char part[300];
	memcpy(part, "SSH-2.0-", 8);
	memset(part + 8, 'B', 252);
	part[260] = '\0';
	void *s = new_state(&cfg_plain);
	assert_int_equal(feed(s, APP_TOSERVER, part, 200), APP_PARSE_OK);
	assert_int_equal(events_of(s), 0); /* 200 bytes: still waiting */
	assert_int_equal(feed(s, APP_TOSERVER, part + 200, 60), APP_PARSE_OK);
	const struct ssh_tx *tx = tx_of(s);
	uint32_t len = 0;
	assert_non_null(ssh_tx_software(tx, APP_TOSERVER, &len));
	assert_int_equal(len, 252);
	assert_int_equal(ssh_tx_progress(tx, APP_TOSERVER), SSH_STATE_BANNER_WAIT_EOL);
	assert_int_equal(events_of(s), 1 << SSH_EV_LONG_BANNER);
	/* more of the line, its end, then a record with length 0 after the
	 * line end: invalid_record */
	assert_int_equal(feed_str(s, APP_TOSERVER, "BBBB"), APP_PARSE_OK);
	static const uint8_t tail[] = {'B', '\r', '\n', 0, 0, 0, 0, 0, 0};
	assert_int_equal(feed(s, APP_TOSERVER, tail, sizeof(tail)), APP_PARSE_ERROR);
	assert_int_equal(events_of(s), (1 << SSH_EV_LONG_BANNER) | (1 << SSH_EV_INVALID_RECORD));
	assert_int_equal(ssh_tx_progress(tx, APP_TOSERVER), SSH_STATE_BANNER_WAIT_EOL);
	app_ssh.state_free(s);

	/* the same 256 bytes with no second dash: invalid_banner */
	memset(part, 'C', 260);
	memcpy(part, "SSH-2.0", 7);
	s = new_state(&cfg_plain);
	assert_int_equal(feed(s, APP_TOSERVER, part, 260), APP_PARSE_ERROR);
	assert_int_equal(events_of(s), 1 << SSH_EV_INVALID_BANNER);
	app_ssh.state_free(s);
}

/* ---- records ---- */

static void test_invalid_record_lengths(void **unused)
{
	(void)unused;
	for (uint8_t len = 0; len <= 2; len++) {
		uint8_t rec[12] = {0, 0, 0, len, 4, 21};
		void *s = new_state(&cfg_plain);
		feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
		enum app_parse_result r = feed(s, APP_TOSERVER, rec, len == 2 ? 6 : 4);
		if (len <= 1) {
			/* known from the 4 length bytes alone */
			assert_int_equal(r, APP_PARSE_ERROR);
			assert_int_equal(events_of(s), 1 << SSH_EV_INVALID_RECORD);
			/* the flow is parsed no further, either way */
			assert_int_equal(
			    feed(s, APP_TOCLIENT, hassh_server_banner, sizeof(hassh_server_banner)),
			    APP_PARSE_ERROR);
			assert_field(ssh_tx_proto, tx_of(s), APP_TOCLIENT, NULL);
		} else {
			/* length 2: code only, an empty NEWKEYS */
			assert_int_equal(r, APP_PARSE_OK);
			assert_int_equal(events_of(s), 0);
			assert_int_equal(ssh_tx_progress(tx_of(s), APP_TOSERVER),
					 SSH_STATE_FINISHED);
		}
		app_ssh.state_free(s);
	}
}

/* A KEXINIT cut in its middle by a corrupted length: with hassh on it is
 * gathered (no fingerprint without the rest); a corrupted name-list
 * length leaves no fingerprint but no event either (as Suricata). */
static void test_kexinit_corrupted(void **unused)
{
	(void)unused;
	uint8_t kex[sizeof(hassh_client_kexinit)];
	memcpy(kex, hassh_client_kexinit, sizeof(kex));
	/* first name-list length (after the 6-byte header and 16-byte cookie) */
	kex[22] = 0x7f;
	void *s = new_state(&cfg_hassh);
	feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
	assert_int_equal(feed(s, APP_TOSERVER, kex, sizeof(kex)), APP_PARSE_OK);
	assert_field(ssh_tx_hassh, tx_of(s), APP_TOSERVER, NULL);
	assert_int_equal(events_of(s), 0);
	/* the next record is still found */
	feed(s, APP_TOSERVER, hassh_client_newkeys, sizeof(hassh_client_newkeys));
	assert_int_equal(ssh_tx_progress(tx_of(s), APP_TOSERVER), SSH_STATE_FINISHED);
	app_ssh.state_free(s);

	/* a KEXINIT whose record claims one byte more than there is: waits */
	memcpy(kex, hassh_client_kexinit, sizeof(kex));
	kex[3]++;
	s = new_state(&cfg_hassh);
	feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
	feed(s, APP_TOSERVER, kex, sizeof(kex));
	assert_field(ssh_tx_hassh, tx_of(s), APP_TOSERVER, NULL);
	/* ... the byte comes: the lists are the same, the hash too */
	feed(s, APP_TOSERVER, "\0", 1);
	assert_field(ssh_tx_hassh, tx_of(s), APP_TOSERVER, CLIENT_HASSH);
	app_ssh.state_free(s);
}

/* A KEXINIT of 65535 bytes or more is not gathered: long_kex_record with
 * hassh on; nothing without. */
static void test_long_kexinit(void **unused)
{
	(void)unused;
	/* packet length 65537: body 65535 */
	static const uint8_t hdr[] = {0x00, 0x01, 0x00, 0x01, 0x04, 20, 0xaa, 0xbb};
	for (int h = 0; h < 2; h++) {
		void *s = new_state(h ? &cfg_hassh : &cfg_plain);
		feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
		assert_int_equal(feed(s, APP_TOSERVER, hdr, sizeof(hdr)), APP_PARSE_OK);
		assert_int_equal(events_of(s), h ? 1 << SSH_EV_LONG_KEX_RECORD : 0);
		app_ssh.state_free(s);
	}
	/* 65534 bytes of body are gathered */
	uint8_t *big = calloc(1, 6 + 65534);
	assert_non_null(big);
	big[1] = 0x01; /* packet length 65536 */
	big[4] = 4;
	big[5] = 20;
	void *s = new_state(&cfg_hassh);
	feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
	for (size_t off = 0; off < 6 + 65534; off += 1000) {
		size_t n = 6 + 65534 - off < 1000 ? 6 + 65534 - off : 1000;
		assert_int_equal(feed(s, APP_TOSERVER, big + off, n), APP_PARSE_OK);
	}
	assert_int_equal(events_of(s), 0);
	/* all-zero lists: the fingerprint of ";;;" */
	assert_field(ssh_tx_hassh_string, tx_of(s), APP_TOSERVER, ";;;");
	assert_field(ssh_tx_hassh, tx_of(s), APP_TOSERVER, "95420f9d932ddd22833f17b96a80bedb");
	free(big);
	app_ssh.state_free(s);
}

/* A second KEXINIT (the server's lists, sent by the client) leaves the
 * first fingerprint; a KEXINIT of 65535 bytes or more that comes whole in
 * one chunk is fingerprinted, without long_kex_record. */
static void test_second_and_whole_big_kexinit(void **unused)
{
	(void)unused;
	void *s = new_state(&cfg_hassh);
	feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
	feed(s, APP_TOSERVER, hassh_client_kexinit, sizeof(hassh_client_kexinit));
	feed(s, APP_TOSERVER, hassh_server_kexinit, sizeof(hassh_server_kexinit));
	assert_field(ssh_tx_hassh, tx_of(s), APP_TOSERVER, CLIENT_HASSH);
	assert_field(ssh_tx_hassh_string, tx_of(s), APP_TOSERVER, CLIENT_HASSH_STRING);
	app_ssh.state_free(s);

	size_t body = 70000, n = 6 + body;
	uint8_t *big = calloc(1, n);
	assert_non_null(big);
	big[0] = (uint8_t)((body + 2) >> 24);
	big[1] = (uint8_t)((body + 2) >> 16);
	big[2] = (uint8_t)((body + 2) >> 8);
	big[3] = (uint8_t)(body + 2);
	big[4] = 4;
	big[5] = 20;
	s = new_state(&cfg_hassh);
	feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
	assert_int_equal(feed(s, APP_TOSERVER, big, n), APP_PARSE_OK);
	assert_int_equal(events_of(s), 0);
	assert_field(ssh_tx_hassh_string, tx_of(s), APP_TOSERVER, ";;;");
	free(big);
	app_ssh.state_free(s);
}

/* A gap ends the parsing of the flow. */
static void test_gap(void **unused)
{
	(void)unused;
	void *s = new_state(&cfg_plain);
	feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
	assert_int_equal(app_ssh.parse(s, APP_TOCLIENT, hassh_server_banner,
				       sizeof(hassh_server_banner), APP_CHUNK_GAP),
			 APP_PARSE_ERROR);
	assert_field(ssh_tx_proto, tx_of(s), APP_TOCLIENT, NULL);
	assert_int_equal(feed(s, APP_TOSERVER, hassh_client_kexinit, 10), APP_PARSE_ERROR);
	assert_int_equal(events_of(s), 0);
	/* EOF with no data is fine */
	assert_int_equal(app_ssh.parse(s, APP_TOSERVER, NULL, 0, APP_CHUNK_EOF), APP_PARSE_ERROR);
	app_ssh.state_free(s);
}

/* ---- descriptor, probe, settings ---- */

static void test_probe(void **unused)
{
	(void)unused;
	struct app_probe_in in = {.dir = APP_TOCLIENT, .tcp = true, .sp = 22, .dp = 50000};
	assert_int_equal(app_ssh.probe(&in, (const uint8_t *)"SSH-2.0-x\r\n", 11), APP_PROBE_MATCH);
	assert_int_equal(app_ssh.probe(&in, (const uint8_t *)"ssh-", 4), APP_PROBE_MATCH);
	assert_int_equal(app_ssh.probe(&in, (const uint8_t *)"SS", 2), APP_PROBE_NEED_MORE);
	assert_int_equal(app_ssh.probe(&in, (const uint8_t *)"SSX-", 4), APP_PROBE_NO);
	assert_int_equal(app_ssh.probe(&in, (const uint8_t *)" SSH-", 5), APP_PROBE_NO);
	in.dir = APP_TOSERVER;
	assert_int_equal(app_ssh.probe(&in, hassh_client_banner, sizeof(hassh_client_banner)),
			 APP_PROBE_MATCH);
}

static void test_descriptor(void **unused)
{
	(void)unused;
	assert_string_equal(app_ssh.name, "ssh");
	assert_string_equal(app_ssh.eve_type, "ssh");
	assert_int_equal(app_ssh.ipprotos, APP_IPPROTO_TCP);
	assert_null(app_ssh.tcp_ports);
	assert_false(app_ssh.events_upper);
	static const char *const want[] = {"invalid_banner", "long_banner", "invalid_record",
					   "long_kex_record"};
	assert_int_equal(app_ssh.n_events, 4);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(app_ssh.event_names[i], want[i]);
		assert_string_equal(ssh_event_name((enum ssh_event)i), want[i]);
	}
	void *s = new_state(NULL);
	assert_int_equal(app_ssh.tx_count(s), 1);
	assert_null(app_ssh.tx_get(s, 1));
	/* no settings: hassh off */
	feed(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner));
	feed(s, APP_TOSERVER, hassh_client_kexinit, sizeof(hassh_client_kexinit));
	assert_field(ssh_tx_hassh, tx_of(s), APP_TOSERVER, NULL);
	app_ssh.state_free(s);
}

static struct ssh_config *config_of(const char *yaml)
{
	struct config_node *root = config_new();
	char err[256];
	assert_true(config_load_string(root, yaml, err, sizeof(err)));
	struct ssh_config *c = app_ssh.config_new(root);
	config_free(root);
	assert_non_null(c);
	return c;
}

static void test_config(void **unused)
{
	(void)unused;
	static const struct {
		const char *yaml;
		bool hassh;
		enum ssh_encryption_handling enc;
	} cases[] = {
	    {"app-layer:\n  protocols:\n    ssh:\n      enabled: yes\n", false, SSH_ENC_TRACK_ONLY},
	    {"app-layer:\n  protocols:\n    ssh:\n      hassh: yes\n", true, SSH_ENC_TRACK_ONLY},
	    {"app-layer:\n  protocols:\n    ssh:\n      hassh: auto\n", false, SSH_ENC_TRACK_ONLY},
	    {"app-layer:\n  protocols:\n    ssh:\n      hassh: no\n      encryption-handling: "
	     "bypass\n",
	     false, SSH_ENC_BYPASS},
	    {"app-layer:\n  protocols:\n    ssh:\n      encryption-handling: full\n", false,
	     SSH_ENC_FULL},
	    {"app-layer:\n  protocols:\n    ssh:\n      encryption-handling: sometimes\n", false,
	     SSH_ENC_TRACK_ONLY},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ssh_config *c = config_of(cases[i].yaml);
		assert_int_equal(c->hassh, cases[i].hassh);
		assert_int_equal(c->encryption, cases[i].enc);
		ssh_config_enable_hassh(c);
		assert_true(c->hassh);
		app_ssh.config_free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_handshake_hassh),
	    cmocka_unit_test(test_handshake_no_hassh),
	    cmocka_unit_test(test_side_and_log_with_hassh),
	    cmocka_unit_test(test_client_every_split),
	    cmocka_unit_test(test_client_byte_by_byte),
	    cmocka_unit_test(test_client_every_truncation),
	    cmocka_unit_test(test_server_newkeys_then_ciphertext),
	    cmocka_unit_test(test_encryption_handling),
	    cmocka_unit_test(test_banner_shapes),
	    cmocka_unit_test(test_empty_client_line),
	    cmocka_unit_test(test_banner_in_pieces),
	    cmocka_unit_test(test_long_banner_complete),
	    cmocka_unit_test(test_long_banner_wait_eol),
	    cmocka_unit_test(test_invalid_record_lengths),
	    cmocka_unit_test(test_kexinit_corrupted),
	    cmocka_unit_test(test_long_kexinit),
	    cmocka_unit_test(test_second_and_whole_big_kexinit),
	    cmocka_unit_test(test_gap),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_descriptor),
	    cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
