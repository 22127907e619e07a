/*
 * test_app_detect.c — protocol recognition of the protocols vigil knows
 * without parsing them (SMTP, FTP, SMB, SSH): a flow is named from its
 * first bytes, rules with that protocol in their header match its stream,
 * look-alikes are not taken for them, and patterns come before ports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_app_run.h"

/* One connection with a client and a server message; returns its app proto. */
static enum app_proto converse(const char *client, const char *server)
{
	struct run r;
	run_init(&r, "", 0);
	run_http_flow(&r, client, server);
	enum app_proto p = app_flow_proto(r.f);
	run_free(&r);
	return p;
}

static void test_smtp_ftp_ssh(void **state)
{
	(void)state;
	assert_int_equal(
	    converse("EHLO client.example\r\nMAIL FROM:<a@b>\r\n", "220 mail.example ESMTP\r\n"),
	    APP_PROTO_SMTP);
	assert_string_equal(app_proto_name(APP_PROTO_SMTP), "smtp");

	assert_int_equal(converse("USER anonymous\r\n", "331 Password required\r\n"),
			 APP_PROTO_FTP);

	assert_int_equal(converse("SSH-2.0-PuTTY\r\n", "SSH-2.0-OpenSSH_9.2\r\n"), APP_PROTO_SSH);
}

static void test_smb(void **state)
{
	(void)state;
	/* NetBIOS session message (length 0x48) carrying an SMB2 header */
	static const char smb2[] = "\x00\x00\x00\x48\xfeSMB@";
	static const char smb2_resp[] = "\x00\x00\x00\x48\xfeSMB@";
	struct run r;
	run_init(&r, "", 0);
	struct packet p;
	uint32_t n = sizeof(smb2) - 1;
	p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	run_packet(&r, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	run_packet(&r, &p);
	p = tcp_pkt_conn(0, 1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, smb2, n);
	run_packet(&r, &p);
	p = tcp_pkt_conn(0, 0, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1 + n, smb2_resp, n);
	run_packet(&r, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1 + n, SISN + 1 + n, NULL);
	run_packet(&r, &p);
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_SMB);
	run_free(&r);
}

/* Look-alikes: a POP3 banner, lower-case HTTP, an SMB magic at the wrong place. */
static void test_not_taken_for_them(void **state)
{
	(void)state;
	assert_int_equal(converse("CAPA\r\n", "+OK POP3 ready\r\n"), APP_PROTO_FAILED);
	assert_int_equal(converse("HELP\r\n", "220 service ready\r\n"), APP_PROTO_FAILED);
	assert_int_equal(converse("xxxxSMB\r\n", "xxxxSMB\r\n"), APP_PROTO_FAILED);
}

/* A protocol's own patterns come before the port: an HTTP request from
 * port 53 is HTTP, not DNS. */
static void test_pattern_before_port(void **state)
{
	(void)state;
	static const char req[] = "GET /images.gif HTTP/1.1\r\nHost: www.example.com\r\n\r\n";
	uint32_t n = sizeof(req) - 1;
	struct run r;
	run_init(&r, "", 0);
	struct packet seq[] = {
	    tcp_pkt(1, TCP_SYN, CISN, 0, NULL),
	    tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL),
	    tcp_pkt(1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, req),
	    tcp_pkt(0, TCP_ACK, SISN + 1, CISN + 1 + n, NULL),
	};
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		if (seq[i].sp == 80)
			seq[i].dp = 53;
		else
			seq[i].sp = 53;
		run_packet(&r, &seq[i]);
	}
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_HTTP);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_smtp_ftp_ssh),
	    cmocka_unit_test(test_smb),
	    cmocka_unit_test(test_not_taken_for_them),
	    cmocka_unit_test(test_pattern_before_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
