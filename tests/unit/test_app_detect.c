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

/* Look-alikes: lower-case HTTP, an SMB magic at the wrong place; a POP3
 * banner is POP3 now that it has a parser. */
static void test_not_taken_for_them(void **state)
{
	(void)state;
	assert_int_equal(converse("CAPA\r\n", "+OK POP3 ready\r\n"), APP_PROTO_POP3);
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

/* ------------------------------------------------------------ directions */

struct msg {
	int client; /* 1: from the client */
	const char *d;
	uint32_t n;
};
#define CLI(s) {1, s, sizeof(s) - 1}
#define SRV(s) {0, s, sizeof(s) - 1}

/* A connection carrying msgs in order (each acknowledged), then closed. */
static void exchange(struct run *r, const struct msg *msgs, size_t n)
{
	uint32_t cseq = CISN + 1, sseq = SISN + 1;
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK, cseq, sseq, NULL);
	run_packet(r, &p);
	for (size_t i = 0; i < n; i++) {
		const struct msg *m = &msgs[i];
		if (m->client) {
			p = tcp_pkt_conn(0, 1, TCP_ACK | TCP_PSH, cseq, sseq, m->d, m->n);
			run_packet(r, &p);
			cseq += m->n;
			p = tcp_pkt(0, TCP_ACK, sseq, cseq, NULL);
		} else {
			p = tcp_pkt_conn(0, 0, TCP_ACK | TCP_PSH, sseq, cseq, m->d, m->n);
			run_packet(r, &p);
			sseq += m->n;
			p = tcp_pkt(1, TCP_ACK, cseq, sseq, NULL);
		}
		run_packet(r, &p);
	}
	p = tcp_pkt(1, TCP_ACK | TCP_FIN, cseq, sseq, NULL);
	run_packet(r, &p);
	p = tcp_pkt(0, TCP_ACK | TCP_FIN, sseq, cseq + 1, NULL);
	run_packet(r, &p);
	p = tcp_pkt(1, TCP_ACK, cseq + 1, sseq + 1, NULL);
	run_packet(r, &p);
}

struct protos {
	enum app_proto flow, ts, tc, orig, expect;
};

static struct protos protos_of(const struct msg *msgs, size_t n)
{
	struct run r;
	run_init(&r, "", 0);
	exchange(&r, msgs, n);
	struct protos pr = {app_flow_proto(r.f), app_flow_proto_dir(r.f, APP_TOSERVER),
			    app_flow_proto_dir(r.f, APP_TOCLIENT), app_flow_proto_orig(r.f),
			    app_flow_proto_expected(r.f)};
	run_free(&r);
	return pr;
}

/* Each direction is recognised on its own, as Suricata's app_proto_ts/tc:
 * a direction that matches nothing is "failed" under the other's protocol. */
static void test_direction_protocols(void **state)
{
	(void)state;
	const struct msg http_junk[] = {CLI("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
					SRV("xyzzy plugh\r\n")};
	struct protos p = protos_of(http_junk, 2);
	assert_int_equal(p.flow, APP_PROTO_HTTP);
	assert_int_equal(p.ts, APP_PROTO_HTTP);
	assert_int_equal(p.tc, APP_PROTO_FAILED);

	/* the server speaks first, in nothing known; the client's request decides */
	const struct msg junk_first[] = {SRV("xyzzy plugh\r\n"),
					 CLI("GET / HTTP/1.1\r\nHost: a\r\n\r\n")};
	p = protos_of(junk_first, 2);
	assert_int_equal(p.flow, APP_PROTO_HTTP);
	assert_int_equal(p.tc, APP_PROTO_FAILED);

	/* SMTP is recognised from the client only: its server side is failed */
	const struct msg smtp[] = {SRV("220 mail.example ESMTP\r\n"), CLI("EHLO c.example\r\n"),
				   SRV("250 mail.example\r\n")};
	p = protos_of(smtp, 3);
	assert_int_equal(p.flow, APP_PROTO_SMTP);
	assert_int_equal(p.ts, APP_PROTO_SMTP);
	assert_int_equal(p.tc, APP_PROTO_FAILED);

	/* both sides recognised, differently: the first one is the flow's */
	const struct msg mismatch[] = {CLI("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
				       SRV("SSH-2.0-OpenSSH_9.2\r\n")};
	p = protos_of(mismatch, 2);
	assert_int_equal(p.flow, APP_PROTO_HTTP);
	assert_int_equal(p.tc, APP_PROTO_SSH);

	/* nothing either way: failed, both directions too */
	const struct msg none[] = {CLI("hello there\r\n"), SRV("general kenobi\r\n")};
	p = protos_of(none, 2);
	assert_int_equal(p.flow, APP_PROTO_FAILED);
	assert_int_equal(p.ts, APP_PROTO_FAILED);
	assert_int_equal(p.tc, APP_PROTO_FAILED);
}

/* A first request that is a successful CONNECT turns the flow into what
 * the tunnel carries (Suricata's protocol change, app_proto_orig). */
static void test_connect_changes_protocol(void **state)
{
	(void)state;
	static const char hello[] = "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x03";
	const struct msg tunnel[] = {
	    CLI("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n"),
	    SRV("HTTP/1.1 200 Connection established\r\n\r\n"),
	    {1, hello, sizeof(hello) - 1},
	};
	struct protos p = protos_of(tunnel, 3);
	assert_int_equal(p.flow, APP_PROTO_TLS);
	assert_int_equal(p.orig, APP_PROTO_HTTP);
	assert_int_equal(p.expect, APP_PROTO_UNKNOWN);

	/* refused: no tunnel, no change */
	const struct msg refused[] = {
	    CLI("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n"),
	    SRV("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"),
	    {1, hello, sizeof(hello) - 1},
	};
	p = protos_of(refused, 3);
	assert_int_equal(p.flow, APP_PROTO_HTTP);
	assert_int_equal(p.orig, APP_PROTO_UNKNOWN);

	/* the tunnel carries nothing known: the flow stays HTTP */
	const struct msg opaque[] = {
	    CLI("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n"),
	    SRV("HTTP/1.1 200 OK\r\n\r\n"),
	    CLI("\x01\x02 opaque bytes\r\n"),
	    SRV("\x03\x04 more opaque bytes\r\n"),
	};
	p = protos_of(opaque, 4);
	assert_int_equal(p.flow, APP_PROTO_HTTP);
	assert_int_equal(p.orig, APP_PROTO_UNKNOWN);

	/* a CONNECT that is not the flow's first request changes nothing */
	const struct msg second[] = {
	    CLI("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
	    SRV("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
	    CLI("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n"),
	    SRV("HTTP/1.1 200 OK\r\n\r\n"),
	    {1, hello, sizeof(hello) - 1},
	};
	p = protos_of(second, 5);
	assert_int_equal(p.flow, APP_PROTO_HTTP);
	assert_int_equal(p.orig, APP_PROTO_UNKNOWN);
}

static unsigned hits_of(const char *rules, unsigned nrules, const struct msg *msgs, size_t n,
			unsigned sid)
{
	struct run r;
	run_init(&r, rules, nrules);
	exchange(&r, msgs, n);
	unsigned c = 0;
	for (unsigned i = 0; i < r.hits.n; i++)
		c += r.hits.sid[i] == sid;
	run_free(&r);
	return c;
}

/* The detection events reach rules (app-layer-event:applayer_*) once, on
 * the packet that raised them. */
static void test_detection_events(void **state)
{
	(void)state;
	static const char rules[] =
	    "alert tcp any any -> any any (app-layer-event:"
	    "applayer_detect_protocol_only_one_direction; sid:1;)\n"
	    "alert tcp any any -> any any (app-layer-event:"
	    "applayer_mismatch_protocol_both_directions; sid:2;)\n";
	const struct msg smtp[] = {SRV("220 mail.example ESMTP\r\n"), CLI("EHLO c.example\r\n"),
				   SRV("250 mail.example\r\n")};
	assert_int_equal(hits_of(rules, 2, smtp, 3, 1), 1);
	assert_int_equal(hits_of(rules, 2, smtp, 3, 2), 0);
	const struct msg mismatch[] = {CLI("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
				       SRV("SSH-2.0-OpenSSH_9.2\r\n")};
	assert_int_equal(hits_of(rules, 2, mismatch, 2, 2), 1);
	assert_int_equal(hits_of(rules, 2, mismatch, 2, 1), 0);
	/* both directions agree: no event */
	const struct msg http[] = {CLI("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
				   SRV("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")};
	assert_int_equal(hits_of(rules, 2, http, 2, 1) + hits_of(rules, 2, http, 2, 2), 0);
}

/* A flow changes protocol once (Suricata's AppLayerRequestProtocolChange):
 * an SMTP flow whose STARTTLS was followed by HTTP is HTTP with orig SMTP;
 * a CONNECT tunnel it then opens cannot change it again, and the HTTP
 * transaction that asked raises failed_protocol_change.  A first change
 * raises nothing. */
static void test_second_change_refused(void **state)
{
	(void)state;
	static const char rules[] =
	    "alert http any any -> any any (app-layer-event:http.failed_protocol_change; "
	    "sid:1;)\n";
	const struct msg twice[] = {
	    SRV("220 mail.example ESMTP\r\n"),
	    CLI("EHLO c.example\r\n"),
	    SRV("250 mail.example\r\n"),
	    CLI("STARTTLS\r\n"),
	    SRV("220 go ahead\r\n"),
	    CLI("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n"),
	    SRV("HTTP/1.1 200 Connection established\r\n\r\n"),
	    CLI("more bytes\r\n"),
	};
	struct protos p = protos_of(twice, 8);
	assert_int_equal(p.flow, APP_PROTO_HTTP);
	assert_int_equal(p.orig, APP_PROTO_SMTP);
	assert_true(hits_of(rules, 1, twice, 8, 1) >= 1);
	const struct msg once[] = {
	    CLI("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n"),
	    SRV("HTTP/1.1 200 Connection established\r\n\r\n"),
	    CLI("more bytes\r\n"),
	};
	assert_int_equal(hits_of(rules, 1, once, 3, 1), 0);
}

/* detection-ports: a port list replaces a protocol's default ports. */
static void test_ports_parse(void **state)
{
	(void)state;
	struct app_ports ps;
	assert_true(app_ports_parse("53", &ps));
	assert_int_equal(ps.n, 1);
	assert_true(app_ports_parse("[139, 445]", &ps));
	assert_int_equal(ps.n, 2);
	assert_int_equal(ps.lo[1], 445);
	assert_true(app_ports_parse("1024:65535", &ps));
	assert_int_equal(ps.lo[0], 1024);
	assert_int_equal(ps.hi[0], 65535);
	assert_true(app_ports_parse("any", &ps));
	assert_int_equal(ps.hi[0], 65535);
	assert_false(app_ports_parse("70000", &ps));
	assert_false(app_ports_parse("80:20", &ps));
	assert_false(app_ports_parse("http", &ps));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_smtp_ftp_ssh),
	    cmocka_unit_test(test_smb),
	    cmocka_unit_test(test_not_taken_for_them),
	    cmocka_unit_test(test_pattern_before_port),
	    cmocka_unit_test(test_direction_protocols),
	    cmocka_unit_test(test_connect_changes_protocol),
	    cmocka_unit_test(test_ports_parse),
	    cmocka_unit_test(test_detection_events),
	    cmocka_unit_test(test_second_change_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
