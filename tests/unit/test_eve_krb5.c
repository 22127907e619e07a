/*
 * test_eve_krb5.c — the krb5 EVE events as the worker writes them (flow,
 * stream, app, detect, eve-app.c): each message's event takes the
 * direction of the packet it is logged on and has no tx_id (Suricata's
 * LOG_DIR_PACKET krb5 logger), weak_encryption is an applayer anomaly of
 * the reply's transaction, and an alert carries the krb5 object.  On TCP
 * the request is logged on the server's ACK, so its event goes from the
 * server, as in Suricata 7.0.4's output for kerberos-login.pcap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "output/eve.h"
#include "test_app_run.h"

#include "test_krb5_vectors.h"

struct out {
	char path[64];
	struct eve_file *file;
	struct eve_logger *log;
	struct eve_config cfg;
	struct run r;
	char *lines[64];
	unsigned n;
};

static void out_init(struct out *o, const char *rules, unsigned loaded)
{
	memset(o, 0, sizeof(*o));
	strcpy(o->path, "/tmp/vigil-test-eve-krb5-XXXXXX");
	close(mkstemp(o->path));
	char err[256];
	o->file = eve_file_open(o->path, err, sizeof(err));
	assert_non_null(o->file);
	eve_config_defaults(&o->cfg);
	o->log = eve_logger_new(o->file, &o->cfg, NULL, NULL);
	run_init(&o->r, rules, loaded);
}

static void out_packet(struct out *o, struct packet *p)
{
	struct flow *f = harness_send(&o->r.h, p);
	if (f != NULL)
		o->r.f = f;
	app_handle_packet(o->r.app, p);
	struct alert_queue q;
	detect_packet_ex(o->r.dt, p, &q, 0);
	eve_log_alerts(o->log, p, &q, false);
	app_inspect_done(p);
	if (p->flow != NULL)
		eve_log_app(o->log, o->r.app, p, p->flow, false);
}

static void out_collect(struct out *o)
{
	eve_logger_flush(o->log);
	FILE *f = fopen(o->path, "r");
	char line[8192];
	while (o->n < 64 && fgets(line, sizeof(line), f) != NULL)
		o->lines[o->n++] = strdup(line);
	fclose(f);
}

/* The only line holding every needle (NULL-terminated), or fail. */
static const char *out_find(const struct out *o, const char *const *needles)
{
	const char *found = NULL;
	for (unsigned i = 0; i < o->n; i++) {
		bool all = true;
		for (unsigned k = 0; all && needles[k] != NULL; k++)
			all = strstr(o->lines[i], needles[k]) != NULL;
		if (all) {
			assert_null(found);
			found = o->lines[i];
		}
	}
	if (found == NULL)
		fail_msg("no event with %s", needles[0]);
	return found;
}

static void out_free(struct out *o)
{
	for (unsigned i = 0; i < o->n; i++)
		free(o->lines[i]);
	run_free(&o->r);
	eve_logger_free(o->log);
	eve_file_close(o->file);
	unlink(o->path);
}

static struct packet udp88(int from_client, const uint8_t *data, uint32_t len, uint64_t cnt)
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
	p.pcap_cnt = cnt;
	return p;
}

static void test_udp_events(void **state)
{
	struct out o;
	out_init(&o,
		 "alert krb5 any any -> any any (msg:\"rc4 ticket\"; "
		 "krb5.ticket_encryption: rc4-hmac; sid:1;)\n",
		 1);
	struct packet p = udp88(1, tgs_req, sizeof(tgs_req), 1);
	out_packet(&o, &p);
	p = udp88(0, tgs_rep, sizeof(tgs_rep), 2);
	out_packet(&o, &p);
	out_collect(&o);
	const char *req =
	    out_find(&o, (const char *const[]){"\"event_type\":\"krb5\"", "KRB_TGS_REQ", NULL});
	assert_non_null(
	    strstr(req, "\"src_port\":51000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":88"));
	assert_null(strstr(req, "\"tx_id\""));
	const char *rep =
	    out_find(&o, (const char *const[]){"\"event_type\":\"krb5\"", "KRB_TGS_REP", NULL});
	assert_non_null(strstr(rep, "\"src_port\":88,"));
	assert_null(strstr(rep, "\"tx_id\""));
	const char *an = out_find(&o, (const char *const[]){"\"event_type\":\"anomaly\"", NULL});
	assert_non_null(strstr(an, "\"tx_id\":1"));
	assert_non_null(strstr(an, "\"app_proto\":\"krb5\""));
	assert_non_null(strstr(an, "\"event\":\"weak_encryption\""));
	const char *al = out_find(&o, (const char *const[]){"\"event_type\":\"alert\"", NULL});
	assert_non_null(strstr(al, "\"krb5\":{\"msg_type\":\"KRB_TGS_REP\""));
	out_free(&o);
}

static void test_tcp_direction(void **state)
{
	struct out o;
	out_init(&o, "", 0);
	uint32_t qn = sizeof(tcp_as_req), rn = sizeof(tcp_krb_error);
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	p.dp = 88;
	out_packet(&o, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	p.sp = 88;
	out_packet(&o, &p);
	p = tcp_pkt_conn(0, 1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, tcp_as_req, qn);
	p.dp = 88;
	p.pcap_cnt = 3;
	out_packet(&o, &p);
	p = tcp_pkt(0, TCP_ACK, SISN + 1, CISN + 1 + qn, NULL);
	p.sp = 88;
	p.pcap_cnt = 4;
	out_packet(&o, &p);
	p = tcp_pkt_conn(0, 0, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1 + qn, tcp_krb_error, rn);
	p.sp = 88;
	p.pcap_cnt = 5;
	out_packet(&o, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1 + qn, SISN + 1 + rn, NULL);
	p.dp = 88;
	p.pcap_cnt = 6;
	out_packet(&o, &p);
	out_collect(&o);
	const char *req = out_find(&o, (const char *const[]){"\"event_type\":\"krb5\"",
							     "\"msg_type\":\"KRB_AS_REQ\"", NULL});
	/* logged on the server's ACK: the event goes from the server */
	assert_non_null(strstr(req, "\"pcap_cnt\":4"));
	assert_non_null(strstr(req, "\"src_port\":88,"));
	const char *err =
	    out_find(&o, (const char *const[]){"\"event_type\":\"krb5\"", "KRB_ERROR", NULL});
	assert_non_null(strstr(err, "\"pcap_cnt\":6"));
	assert_non_null(strstr(err, "\"dest_port\":88,"));
	assert_non_null(strstr(err, "\"failed_request\":\"KRB_AS_REQ\""));
	out_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_udp_events),
	    cmocka_unit_test(test_tcp_direction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
