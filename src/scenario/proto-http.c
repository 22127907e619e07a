/*
 * proto-http — HTTP/1.1 requests and responses with the header sets real
 * browsers and servers send.  Bodies are sent with Content-Length (never
 * chunked) so a parser sees exactly the bytes given.
 */
#include <stdio.h>
#include <time.h>

#include "scenario/proto.h"

void proto_http_request(struct sc_buf *b, const char *method, const char *host, const char *uri,
			const char *user_agent, const char *headers, const char *ctype,
			const uint8_t *body, size_t blen)
{
	sc_buf_printf(b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, uri, host);
	if (user_agent)
		sc_buf_printf(b, "User-Agent: %s\r\n", user_agent);
	sc_buf_puts(b, "Accept: */*\r\nAccept-Encoding: gzip, deflate\r\n");
	if (headers)
		sc_buf_puts(b, headers);
	if (body || ctype) {
		if (ctype)
			sc_buf_printf(b, "Content-Type: %s\r\n", ctype);
		sc_buf_printf(b, "Content-Length: %zu\r\n", blen);
	}
	sc_buf_puts(b, "Connection: keep-alive\r\n\r\n");
	if (body)
		sc_buf_put(b, body, blen);
}

void proto_http_response(struct sc_buf *b, uint64_t now_us, int status, const char *reason,
			 const char *server, const char *headers, const char *ctype,
			 const uint8_t *body, size_t blen)
{
	char date[64];
	time_t secs = (time_t)(now_us / SC_SEC);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	sc_buf_printf(b, "HTTP/1.1 %d %s\r\nDate: %s\r\n", status, reason, date);
	if (server)
		sc_buf_printf(b, "Server: %s\r\n", server);
	if (headers)
		sc_buf_puts(b, headers);
	if (ctype)
		sc_buf_printf(b, "Content-Type: %s\r\n", ctype);
	sc_buf_printf(b, "Content-Length: %zu\r\n\r\n", blen);
	if (body)
		sc_buf_put(b, body, blen);
}

void sc_http_exchange(struct sc_tcp *s, const struct sc_buf *req, const struct sc_buf *resp)
{
	sc_tcp_send_buf(s, SC_C2S, req);
	sc_tcp_wait(s, sc_rng_range(&s->c->rng, 2 * SC_MS, 40 * SC_MS));
	sc_tcp_send_buf(s, SC_S2C, resp);
}
