/*
 * test_eve_app.c — the EVE events of the application layer (eve-app.c,
 * eve-alert.c): fileinfo for a downloaded file, applayer anomalies for a
 * transaction's parser events, the transaction's object inside an alert,
 * and when a response delimited by the close is logged (at the session's
 * close, not at the server's FIN, as Suricata).  Packets go through flow,
 * stream, app and detect as in the worker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "output/eve.h"
#include "test_app_run.h"

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
	strcpy(o->path, "/tmp/vigil-test-eve-app-XXXXXX");
	close(mkstemp(o->path));
	char err[256];
	o->file = eve_file_open(o->path, err, sizeof(err));
	assert_non_null(o->file);
	eve_config_defaults(&o->cfg);
	o->log = eve_logger_new(o->file, &o->cfg, NULL, NULL);
	run_init(&o->r, rules, loaded);
}

/* One packet as the worker handles it, with its EVE events. */
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

/* Reads the events back, one string per line. */
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

/* HTTP/1.1 without Host (MISSING_HOST_HEADER), and a file named by
 * Content-Disposition. */
static const char req[] = "GET /get.php?id=1 HTTP/1.1\r\nUser-Agent: t\r\n\r\n";
static const char resp[] = "HTTP/1.1 200 OK\r\n"
			   "Content-Disposition: attachment; filename=\"a.exe\"\r\n"
			   "Content-Length: 4\r\n"
			   "\r\n"
			   "MZ\x90\x00";

/* The request, a response of rn bytes in one segment, the client's ACK. */
static void out_http_exchange(struct out *o, const char *response, uint32_t rn)
{
	uint32_t qn = (uint32_t)strlen(req);
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	out_packet(o, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	out_packet(o, &p);
	p = tcp_pkt(1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, req);
	out_packet(o, &p);
	p = tcp_pkt_conn(0, 0, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1 + qn, response, rn);
	out_packet(o, &p);
	p = tcp_pkt(1, TCP_ACK, CISN + 1 + qn, SISN + 1 + rn, NULL);
	out_packet(o, &p);
	out_collect(o);
}

static void test_fileinfo_anomaly_alert_object(void **state)
{
	(void)state;
	struct out o;
	out_init(&o,
		 "alert http any any -> any any (msg:\"uri\"; http.uri; content:\"/get.php\"; "
		 "sid:1;)\n",
		 1);
	out_http_exchange(&o, resp, (uint32_t)strlen(resp) + 2); /* "MZ" + 2 bytes */
	/* the file goes from the server to the client */
	const char *fi = out_find(&o, (const char *const[]){"\"event_type\":\"fileinfo\"", NULL});
	assert_non_null(strstr(fi, "\"src_port\":80"));
	assert_non_null(strstr(fi, "\"app_proto\":\"http\""));
	assert_non_null(strstr(fi,
			       "\"fileinfo\":{\"filename\":\"a.exe\",\"gaps\":false,"
			       "\"state\":\"CLOSED\",\"stored\":false,\"size\":4,\"tx_id\":0}"));
	assert_non_null(strstr(fi, "\"http\":{\"url\":\"/get.php?id=1\""));
	/* the parser event, upper case as Suricata names HTTP's */
	const char *an = out_find(&o, (const char *const[]){"\"event_type\":\"anomaly\"", NULL});
	assert_non_null(strstr(an, "\"tx_id\":0,\"anomaly\":{\"app_proto\":\"http\",\"type\":"
				   "\"applayer\",\"event\":\"MISSING_HOST_HEADER\","
				   "\"layer\":\"proto_parser\"}"));
	/* the alert carries its transaction's http object */
	const char *al = out_find(&o, (const char *const[]){"\"event_type\":\"alert\"", NULL});
	assert_non_null(strstr(al, "\"tx_id\":0,"));
	assert_non_null(strstr(al, "\"http\":{\"url\":\"/get.php?id=1\""));
	out_free(&o);
}

/* With force-magic, fileinfo gives libmagic's type of the file. */
static void test_fileinfo_force_magic(void **state)
{
	(void)state;
	static const char pdf[] = "HTTP/1.1 200 OK\r\nContent-Length: 29\r\n\r\n"
				  "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n";
	struct out o;
	out_init(&o, "", 0);
	eve_logger_free(o.log);
	o.cfg.files_force_magic = true;
	o.log = eve_logger_new(o.file, &o.cfg, NULL, NULL);
	out_http_exchange(&o, pdf, (uint32_t)strlen(pdf));
	const char *fi = out_find(&o, (const char *const[]){"\"event_type\":\"fileinfo\"", NULL});
	assert_non_null(strstr(fi, "\"filename\":\"/get.php\",\"magic\":\"PDF document"));
	out_free(&o);
}

/* A response without length ends with the connection: the transaction is
 * complete when the session is closed, not at the server's FIN. */
static void test_close_delimited_response_at_close(void **state)
{
	(void)state;
	static const char body_resp[] = "HTTP/1.0 200 OK\r\n\r\nbody until close";
	struct out o;
	out_init(&o, "", 0);
	uint32_t qn = (uint32_t)strlen(req), rn = (uint32_t)strlen(body_resp);
	struct packet p = tcp_pkt(1, TCP_SYN, CISN, 0, NULL);
	out_packet(&o, &p);
	p = tcp_pkt(0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL);
	out_packet(&o, &p);
	p = tcp_pkt(1, TCP_ACK | TCP_PSH, CISN + 1, SISN + 1, req);
	out_packet(&o, &p);
	p = tcp_pkt(0, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1 + qn, body_resp);
	out_packet(&o, &p);
	p = tcp_pkt(0, TCP_ACK | TCP_FIN, SISN + 1 + rn, CISN + 1 + qn, NULL);
	p.pcap_cnt = 100;
	out_packet(&o, &p);
	p = tcp_pkt(1, TCP_ACK | TCP_FIN, CISN + 1 + qn, SISN + 2 + rn, NULL);
	p.pcap_cnt = 101;
	out_packet(&o, &p);
	out_collect(&o);
	for (unsigned i = 0; i < o.n; i++)
		assert_null(strstr(o.lines[i], "\"event_type\":\"http\""));
	p = tcp_pkt(0, TCP_ACK, SISN + 2 + rn, CISN + 2 + qn, NULL);
	p.pcap_cnt = 102;
	out_packet(&o, &p);
	for (unsigned i = 0; i < o.n; i++)
		free(o.lines[i]);
	o.n = 0;
	out_collect(&o);
	const char *h = out_find(&o, (const char *const[]){"\"event_type\":\"http\"", NULL});
	assert_non_null(strstr(h, "\"pcap_cnt\":102"));
	assert_non_null(strstr(h, "\"length\":16"));
	out_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fileinfo_anomaly_alert_object),
	    cmocka_unit_test(test_fileinfo_force_magic),
	    cmocka_unit_test(test_close_delimited_response_at_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
