/*
 * test_kw_krb5.c — the Kerberos rule keywords (kw-krb5.c) end to end:
 * real KDC messages (test_krb5_vectors.h) go as UDP datagrams on port 88
 * through the flow, app and detect stages as in the worker; the alerts
 * are compared with the exact set expected.  Also the keywords' argument
 * syntax (Suricata 8's krb5.ticket_encryption list / weak forms).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_app_run.h"

#include "test_krb5_vectors.h"

static struct packet krb_pkt(int from_client, const uint8_t *data, uint32_t len)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.proto = 17;
	p.len = 42 + len;
	p.wire_len = p.len;
	struct ip_addr c, s;
	set_v4(&c, 0x0a000001u);
	set_v4(&s, 0x0a000002u);
	p.src = from_client ? c : s;
	p.dst = from_client ? s : c;
	p.sp = from_client ? 51000 : 88;
	p.dp = from_client ? 88 : 51000;
	p.l4_hdr = l4_dummy;
	p.l4_len = 8 + len;
	p.payload = data;
	p.payload_len = len;
	return p;
}

static const char rules[] =
    "alert krb5 any any -> any any (msg:\"TGS-REQ\"; krb5_msg_type:12; sid:1;)\n"
    "alert krb5 any any -> any any (msg:\"TGS-REP\"; krb5.msg_type:13; sid:2;)\n"
    "alert krb5 any any -> any any (msg:\"weak\"; krb5.ticket_encryption: weak; sid:3;)\n"
    "alert krb5 any any -> any any (msg:\"!weak\"; krb5.ticket_encryption: !weak; sid:4;)\n"
    "alert krb5 any any -> any any (msg:\"list\"; krb5.ticket_encryption: des-cbc-crc, 23; "
    "sid:5;)\n"
    "alert krb5 any any -> any any (msg:\"list no\"; krb5.ticket_encryption: 17 18; sid:6;)\n"
    "alert krb5 any any -> any any (msg:\"cname\"; krb5_cname; content:\"des\"; sid:7;)\n"
    "alert krb5 any any -> any any (msg:\"sname part\"; krb5.sname; content:\"host\"; "
    "startswith; endswith; sid:8;)\n"
    "alert krb5 any any -> any any (msg:\"sname whole\"; krb5_sname; "
    "content:\"host/xp1\"; sid:9;)\n"
    "alert krb5 any any -> any any (msg:\"event\"; flow:to_client; "
    "app-layer-event:krb5.weak_encryption; sid:10;)\n"
    "alert krb5 any any -> any any (msg:\"err\"; krb5_err_code:60; sid:11;)\n";

static void test_keywords(void **state)
{
	struct run r;
	run_init(&r, rules, 11);
	struct packet p = krb_pkt(1, tgs_req, sizeof(tgs_req));
	run_packet(&r, &p);
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_KRB5);
	/* the request: its type and its sname parts (host, xp1.denydc.com) */
	assert_int_equal(count_sid(&r.hits, 1), 1);
	assert_int_equal(count_sid(&r.hits, 8), 1);
	assert_int_equal(r.hits.n, 2);
	p = krb_pkt(0, tgs_rep, sizeof(tgs_rep));
	run_packet(&r, &p);
	/* the reply: rc4-hmac ticket (weak, in the list), cname "des" */
	static const uint32_t want[] = {2, 3, 5, 7, 8, 10};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int k = -1;
		for (unsigned j = 2; j < r.hits.n; j++)
			if (r.hits.sid[j] == want[i])
				k = (int)j;
		if (k < 0)
			fprintf(stderr, "sid %u did not alert on the reply\n", want[i]);
		assert_true(k >= 0);
		assert_false(r.hits.toserver[k]);
		assert_int_equal(r.hits.tx_id[k], 1);
	}
	assert_int_equal(count_sid(&r.hits, 8), 2);
	assert_int_equal(r.hits.n, 2 + 6);
	run_free(&r);

	/* AS-REQ / AS-REP with aes256 tickets: !weak and not the lists */
	run_init(&r, rules, 11);
	p = krb_pkt(1, as_req, sizeof(as_req));
	run_packet(&r, &p);
	p = krb_pkt(0, as_rep, sizeof(as_rep));
	run_packet(&r, &p);
	assert_int_equal(count_sid(&r.hits, 4), 1);
	assert_int_equal(count_sid(&r.hits, 6), 1);
	assert_int_equal(count_sid(&r.hits, 3), 0);
	assert_int_equal(count_sid(&r.hits, 5), 0);
	assert_int_equal(r.hits.n, 2);
	/* a KRB-ERROR (code 60): only krb5_err_code */
	p = krb_pkt(0, tcp_krb_error + 4, sizeof(tcp_krb_error) - 4);
	run_packet(&r, &p);
	assert_int_equal(count_sid(&r.hits, 11), 1);
	assert_int_equal(r.hits.n, 3);
	run_free(&r);
}

static void test_syntax(void **state)
{
	static const char *const good[] = {
	    "krb5_msg_type:10;",
	    "krb5_msg_type:>10;",
	    "krb5_msg_type:\"10\";",
	    "krb5_err_code: \"25\" ;",
	    "krb5_err_code:25;",
	    "krb5_err_code:-1;",
	    "krb5.ticket_encryption: weak;",
	    "krb5.ticket_encryption:!weak;",
	    "krb5.ticket_encryption: des-cbc-crc , -128,2 257;",
	    "krb5.ticket_encryption: rc4-hmac-OLD-exp;",
	    "krb5_cname; content:\"x\";",
	    "krb5.sname; content:\"krbtgt\";",
	};
	static const char *const bad[] = {
	    "krb5_msg_type:abc;",
	    "krb5_msg_type:\"10;",
	    "krb5_err_code:x;",
	    "krb5_err_code:-;",
	    "krb5.ticket_encryption: rc4;",
	    "krb5.ticket_encryption: ;",
	    "krb5.ticket_encryption: weak,23;",
	    "krb5.ticket_encryption: 99999999999;",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char rule[256];
		snprintf(rule, sizeof(rule), "alert krb5 any any -> any any (%s sid:1;)", good[i]);
		if (th_parse_result(rule) != 1)
			fprintf(stderr, "rejected: %s\n", rule);
		assert_int_equal(th_parse_result(rule), 1);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char rule[256];
		snprintf(rule, sizeof(rule), "alert krb5 any any -> any any (%s sid:1;)", bad[i]);
		if (th_parse_result(rule) != 0)
			fprintf(stderr, "accepted: %s\n", rule);
		assert_int_equal(th_parse_result(rule), 0);
	}
	/* a krb5 keyword in a rule for another protocol */
	assert_int_equal(
	    th_parse_result("alert http any any -> any any (krb5_msg_type:10; sid:1;)"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keywords),
	    cmocka_unit_test(test_syntax),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
