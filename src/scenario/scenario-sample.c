/*
 * scenario-sample — the small capture the sensor demo runs on: an office
 * workstation resolving names, fetching a page over HTTP, pinging its
 * gateway, an IPv6 ping and DNS lookup, a large DNS answer that arrives as
 * an IPv4 fragment train, and one deliberately malformed packet (an IPv4
 * header whose IHL is below the minimum) that a sensor must report as an
 * anomaly rather than crash on.
 */
#include <stdio.h>
#include <string.h>

#include "scenario/proto.h"
#include "scenario/scenarios.h"

static void sample_web(struct sc_ctx *c, uint64_t t, struct sc_host *ws, struct sc_host *dns,
		       struct sc_host *web, unsigned i)
{
	struct dns_rr a = {.type = DNS_A, .ttl = 300, .addr = "203.0.113.80"};
	t = sc_dns_lookup(c, t, ws, dns, "www.riverside-news.org", DNS_A, &a, 1);
	struct sc_tcp s;
	sc_tcp_connect(&s, c, ws, sc_host_port(ws), web, 80, t + 300, 0);
	struct sc_buf req, resp, body;
	sc_buf_init(&req);
	sc_buf_init(&resp);
	sc_buf_init(&body);
	sc_buf_puts(&body, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			   "<title>Riverside News - Local</title></head>\n<body>\n");
	for (unsigned p = 0; p < 40; p++)
		sc_buf_printf(&body,
			      "<article><h2>Council approves budget for library renovation, part "
			      "%u</h2><p>The town council voted on Monday to fund the renovation "
			      "of the central library, which has served residents since 1964.</p>"
			      "</article>\n",
			      p + 1 + i);
	sc_buf_puts(&body, "</body></html>\n");
	proto_http_request(&req, "GET", "www.riverside-news.org", i ? "/local/" : "/",
			   "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 "
			   "Firefox/128.0",
			   "Accept-Language: en-GB,en;q=0.5\r\n", NULL, NULL, 0);
	proto_http_response(&resp, c->t0_us + s.t, 200, "OK", "nginx/1.24.0",
			    "Cache-Control: max-age=60\r\n", "text/html; charset=utf-8", body.b,
			    body.len);
	sc_http_exchange(&s, &req, &resp);
	sc_tcp_wait(&s, sc_think(&c->rng, 200, 900));
	sc_tcp_close(&s, SC_C2S);
	if (req.oom || resp.oom || body.oom)
		c->oom = true;
	sc_buf_free(&req);
	sc_buf_free(&resp);
	sc_buf_free(&body);
}

static void sample_ping(struct sc_ctx *c, uint64_t t, struct sc_host *a, struct sc_host *b,
			unsigned count)
{
	uint8_t data[56];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0x10 + i); /* iputils pattern after the timestamp */
	uint16_t ident = (uint16_t)sc_rng_next(&c->rng);
	sc_step_flow(c, a->v6 ? 58 : 1, a, 0, b, 0);
	for (unsigned i = 1; i <= count; i++) {
		sc_rng_bytes(&c->rng, data, 8);
		sc_emit_echo(c, t, a, b, false, ident, (uint16_t)i, data, sizeof(data));
		sc_emit_echo(c, t + sc_rng_range(&c->rng, 200, 700), b, a, true, ident, (uint16_t)i,
			     data, sizeof(data));
		t += SC_SEC + sc_rng_below(&c->rng, 3000);
	}
}

/* A DNSSEC-signed TXT answer too big for one frame: arrives as IPv4 fragments. */
static void sample_fragments(struct sc_ctx *c, uint64_t t, struct sc_host *ws, struct sc_host *dns)
{
	static const char *spf = "v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/24 "
				 "include:_spf.mailhost.example.net ~all";
	char dkim[1100];
	size_t n = (size_t)snprintf(dkim, sizeof(dkim), "v=DKIM1; k=rsa; p=");
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	while (n < 1000)
		dkim[n++] = b64[sc_rng_below(&c->rng, 64)];
	dkim[n] = '\0';
	struct dns_rr rrs[] = {
	    {.type = DNS_TXT, .ttl = 3600, .text = spf},
	    {.type = DNS_TXT, .ttl = 3600, .text = dkim},
	    {.type = DNS_TXT, .ttl = 3600, .text = dkim},
	    {.type = DNS_DNSKEY, .ttl = 3600, .pref = 257, .keylen = 64},
	    {.type = DNS_DNSKEY, .ttl = 3600, .pref = 256, .keylen = 64},
	};
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	uint16_t id = (uint16_t)sc_rng_next(&c->rng), port = sc_ephemeral_port(&c->rng);
	proto_dns_query(&q, id, "riverside-news.org", DNS_TXT, true);
	proto_dns_response(&a, &c->rng, id, "riverside-news.org", DNS_TXT, 0, rrs,
			   sizeof(rrs) / sizeof(rrs[0]), true);
	sc_step_flow(c, 17, ws, port, dns, 53);
	sc_emit_udp(c, t, ws, port, dns, 53, q.b, q.len);
	/* 1000-byte fragments give a train of at least three. */
	sc_emit_udp_fragmented(c, t + 4 * SC_MS, dns, 53, ws, port, a.b, a.len, 1000);
	sc_buf_free(&q);
	sc_buf_free(&a);
}

/* An IPv4 header claiming IHL 3 (12 bytes), below the 20-byte minimum. */
static void sample_malformed(struct sc_ctx *c, uint64_t t, struct sc_host *src, struct sc_host *dst)
{
	uint8_t f[14 + 40];
	struct craft_ip ip = {.src = src, .dst = dst, .proto = 6, .id = src->ip_id++, .df = true};
	size_t hl = craft_eth_ip(f, &ip, 20);
	memset(f + hl, 0, 20);
	f[hl + 13] = TCP_SYN;
	f[14] = 0x43; /* IHL 3 */
	f[14 + 10] = f[14 + 11] = 0;
	uint16_t ck = craft_inet_checksum(f + 14, 20);
	f[14 + 10] = (uint8_t)(ck >> 8);
	f[14 + 11] = (uint8_t)ck;
	sc_step_flow(c, 6, src, 0, dst, 0);
	sc_emit_frame(c, t, f, hl + 20);
}

int scenario_build_sample(struct sc_ctx *c)
{
	struct sc_host ws, gw, dns, web, ws6, dns6, scanner;
	sc_host_init(&ws, &c->rng, "pc-reception-04.office.riverside.lan", "192.168.10.23", NULL,
		     128);
	sc_host_init(&gw, &c->rng, "fw.office.riverside.lan", "192.168.10.1", sc_gateway_mac, 64);
	sc_host_init(&dns, &c->rng, "dc01.office.riverside.lan", "192.168.10.2", NULL, 128);
	sc_host_init(&web, &c->rng, "www.riverside-news.org", "203.0.113.80", sc_gateway_mac, 52);
	sc_host_init(&ws6, &c->rng, ws.name, "fd12:3456:789a:10::23", ws.mac, 64);
	sc_host_init(&dns6, &c->rng, dns.name, "fd12:3456:789a:10::2", dns.mac, 64);
	sc_host_init(&scanner, &c->rng, "unknown", "198.51.100.77", sc_gateway_mac, 47);

	sc_step_begin(c, "web", "workstation browses a news site over HTTP", false, NULL);
	for (unsigned i = 0; i < 2 * c->scale; i++)
		sample_web(c, SC_SEC + i * 7 * SC_SEC, &ws, &dns, &web, i);
	sc_step_begin(c, "dns", "name lookups against the site resolver", false, NULL);
	static const char *names[] = {"time.windows.com", "outlook.office365.com",
				      "update.riverside.lan", "printer-2f.office.riverside.lan"};
	for (unsigned i = 0; i < 4 * c->scale; i++) {
		struct dns_rr a = {
		    .type = DNS_A, .ttl = 600, .addr = i % 2 ? "198.51.100.20" : "192.168.10.40"};
		sc_dns_lookup(c, 2 * SC_SEC + i * 1900 * SC_MS, &ws, &dns, names[i % 4], DNS_A, &a,
			      1);
	}
	sc_step_begin(c, "ping", "workstation pings its gateway", false, NULL);
	sample_ping(c, 3 * SC_SEC, &ws, &gw, 4);
	sc_step_begin(c, "ipv6", "IPv6 ping and AAAA lookup inside the site", false, NULL);
	sample_ping(c, 5 * SC_SEC, &ws6, &dns6, 2);
	struct dns_rr aaaa = {.type = DNS_AAAA, .ttl = 600, .addr = "fd12:3456:789a:10::40"};
	sc_dns_lookup(c, 6 * SC_SEC, &ws6, &dns6, "update.riverside.lan", DNS_AAAA, &aaaa, 1);
	sc_step_begin(c, "fragments", "large DNSSEC TXT answer arriving as IPv4 fragments", false,
		      NULL);
	sample_fragments(c, 8 * SC_SEC, &ws, &dns);
	sc_step_begin(c, "malformed", "IPv4 packet with an invalid header length (IHL 3)", false,
		      NULL);
	sample_malformed(c, 9 * SC_SEC, &scanner, &ws);
	sc_step_end(c);
	return c->oom ? -1 : 0;
}
