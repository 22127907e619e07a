/*
 * scenario-crypto-theft — theft from a small crypto-trading desk
 * (10.30.0.0/16).  A trader's laptop resolves and visits a wallet-drainer
 * "airdrop claim" site and a look-alike exchange login page over TLS; a
 * clipboard hijacker on the same laptop checks in with its panel over
 * HTTP and fetches the look-alike wallet addresses it substitutes; a build
 * server has been turned into a cryptominer speaking Stratum to a public
 * pool; and a script on the treasury host calls the API of a sanctioned
 * mixing service to launder the stolen funds.  Benign: browsing of real
 * exchanges and news, price-feed API polling, ordinary DNS.
 */
#include <stdio.h>

#include "scenario/proto.h"
#include "scenario/scenarios.h"

struct desk {
	struct sc_host trader, treasury, build, dns;
	struct sc_host drainer, fakeex, clipper, pool, mixer;
};

static void desk_hosts(struct sc_ctx *c, struct desk *d)
{
	struct sc_rng *r = &c->rng;
	sc_host_init(&d->trader, r, "lt-trader04.desk.halcyon.local", "10.30.1.44", NULL, 128);
	sc_host_init(&d->treasury, r, "treasury01.desk.halcyon.local", "10.30.1.10", NULL, 64);
	sc_host_init(&d->build, r, "build-srv02.desk.halcyon.local", "10.30.2.15", NULL, 64);
	sc_host_init(&d->dns, r, "dns01.desk.halcyon.local", "10.30.0.53", NULL, 64);
	sc_host_init(&d->drainer, r, "claim-arbitrum-airdrop.app", "203.0.113.66", sc_gateway_mac,
		     50);
	sc_host_init(&d->fakeex, r, "binance-secure-login.com", "203.0.113.67", sc_gateway_mac, 50);
	sc_host_init(&d->clipper, r, "198.51.100.61", "198.51.100.61", sc_gateway_mac, 46);
	sc_host_init(&d->pool, r, "stratum.antpool.com", "198.51.100.90", sc_gateway_mac, 48);
	sc_host_init(&d->mixer, r, "api.sinbad.io", "198.51.100.99", sc_gateway_mac, 45);
}

static void tls_visit(struct sc_ctx *c, struct desk *d, struct sc_host *client, struct sc_host *srv,
		      const char *addr, const struct tls_client_profile *prof, uint64_t t,
		      unsigned rounds)
{
	struct dns_rr a = {.type = DNS_A, .ttl = 60, .addr = addr};
	t = sc_dns_lookup(c, t, client, &d->dns, srv->name, DNS_A, &a, 1);
	struct sc_tcp s;
	sc_tcp_connect(&s, c, client, sc_host_port(client), srv, 443, t + 300, 0);
	struct tls_session_plan p = {
	    .client = prof,
	    .sni = srv->name,
	    .cert_cn = srv->name,
	    .cert_org = srv->name,
	    .server_cipher = prof == &tls_profile_python_requests ? 0xc030 : 0x1301,
	    .tls13 = prof != &tls_profile_python_requests,
	    .rounds = rounds,
	    .req_bytes = 500,
	    .resp_bytes = 9000,
	    .think_ms = 2000,
	};
	sc_tls_session(&s, &p);
	sc_tcp_close(&s, SC_C2S);
}

static void step_drainer(struct sc_ctx *c, struct desk *d, uint64_t t)
{
	sc_step_begin(c, "wallet-drainer",
		      "trader follows an airdrop link: wallet-drainer domain resolved and visited "
		      "over TLS",
		      true, "T1189");
	tls_visit(c, d, &d->trader, &d->drainer, "203.0.113.66", &tls_profile_firefox, t, 5);
	sc_step_begin(c, "fake-exchange",
		      "look-alike exchange login page resolved and visited over TLS", true,
		      "T1566.002");
	tls_visit(c, d, &d->trader, &d->fakeex, "203.0.113.67", &tls_profile_firefox,
		  t + 95 * SC_SEC, 4);
}

static void step_clipper(struct sc_ctx *c, struct desk *d, uint64_t t, uint64_t t_end)
{
	sc_step_begin(c, "clipboard-hijacker",
		      "clipboard hijacker checks in with its panel over HTTP and fetches "
		      "look-alike wallet addresses to paste",
		      true, "T1115");
	static const char *key = "b7f2c9d4e1a84f6c9e3d2b1a0f5e7c8d";
	char guid[40];
	snprintf(guid, sizeof(guid), "%08x-%04x-%04x-%04x-%012llx", (unsigned)sc_rng_next(&c->rng),
		 (unsigned)sc_rng_below(&c->rng, 65536), (unsigned)sc_rng_below(&c->rng, 65536),
		 (unsigned)sc_rng_below(&c->rng, 65536),
		 (unsigned long long)(sc_rng_next(&c->rng) & 0xffffffffffffULL));
	unsigned n = 0;
	while (t < t_end) {
		struct sc_tcp s;
		sc_tcp_connect(&s, c, &d->trader, sc_host_port(&d->trader), &d->clipper, 80, t, 0);
		struct sc_buf req, resp, body;
		sc_buf_init(&req);
		sc_buf_init(&resp);
		sc_buf_init(&body);
		char uri[256];
		if (n == 0) {
			snprintf(uri, sizeof(uri), "/bot/regex?key=%s", key);
			sc_buf_puts(&body,
				    "^(bc1|[13])[a-zA-HJ-NP-Z0-9]{25,39}$|^0x[a-fA-F0-9]{40}$|"
				    "^T[A-Za-z1-9]{33}$");
		} else if (n % 4 == 2) {
			snprintf(
			    uri, sizeof(uri),
			    "/bot/get?address=bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh&key=%s",
			    key);
			sc_buf_puts(&body, "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlq");
		} else {
			snprintf(uri, sizeof(uri), "/bot/online?guid=%s&key=%s", guid, key);
			sc_buf_puts(&body, "ok");
		}
		proto_http_request(&req, "GET", "198.51.100.61", uri, NULL, NULL, NULL, NULL, 0);
		proto_http_response(&resp, c->t0_us + s.t, 200, "OK", "nginx", NULL,
				    "text/plain; charset=utf-8", body.b, body.len);
		sc_http_exchange(&s, &req, &resp);
		sc_tcp_close(&s, SC_S2C);
		sc_buf_free(&req);
		sc_buf_free(&resp);
		sc_buf_free(&body);
		n++;
		t += 30 * SC_SEC + sc_rng_below(&c->rng, 5 * SC_SEC);
	}
}

static void step_miner(struct sc_ctx *c, struct desk *d, uint64_t t)
{
	sc_step_begin(c, "cryptominer-stratum",
		      "build server mines for a pool over Stratum (mining.subscribe/authorize/"
		      "submit)",
		      true, "T1496");
	struct dns_rr a = {.type = DNS_A, .ttl = 300, .addr = "198.51.100.90"};
	t = sc_dns_lookup(c, t, &d->build, &d->dns, "stratum.antpool.com", DNS_A, &a, 1);
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &d->build, sc_host_port(&d->build), &d->pool, 3333, t + 200, 0);
	sc_stratum_session(&s, &c->rng, "bc1q9h7garjhs2xq5sm3d4ekhmw5q6c0nq5rxx0zv4", "build02", 12,
			   30);
	sc_tcp_close(&s, SC_C2S);
}

static void step_mixer(struct sc_ctx *c, struct desk *d, uint64_t t)
{
	sc_step_begin(c, "laundering-api",
		      "treasury host calls the API of a sanctioned mixing service to move the "
		      "stolen funds",
		      true, "T1657");
	for (unsigned i = 0; i < 3; i++)
		tls_visit(c, d, &d->treasury, &d->mixer, "198.51.100.99",
			  &tls_profile_python_requests, t + i * 20 * SC_SEC, 2);
}

static void bg_price_feed(struct sc_ctx *c, struct desk *d, uint64_t t_end)
{
	sc_step_begin(c, "price-feed", "treasury host polls an exchange price API over HTTPS",
		      false, NULL);
	struct sc_host api;
	sc_host_init(&api, &c->rng, "api.kraken.com", "198.51.100.120", sc_gateway_mac, 52);
	uint64_t period = 60 * SC_SEC / c->scale;
	for (uint64_t t = 10 * SC_SEC; t < t_end; t += period)
		tls_visit(c, d, &d->treasury, &api, "198.51.100.120", &tls_profile_python_requests,
			  t, 1);
}

int scenario_build_crypto_theft(struct sc_ctx *c)
{
	struct desk d;
	desk_hosts(c, &d);
	const uint64_t end = 600 * SC_SEC;
	static const struct sc_site sites[] = {
	    {"www.coinbase.com", "198.51.100.130"}, {"www.kraken.com", "198.51.100.131"},
	    {"www.coindesk.com", "203.0.113.140"},  {"etherscan.io", "203.0.113.141"},
	    {"www.bloomberg.com", "203.0.113.142"},
	};
	sc_step_begin(c, "web-browsing", "traders browse exchanges, explorers and news over HTTPS",
		      false, NULL);
	sc_bg_browse(c, &d.trader, &d.dns, sites, 5, 12 * c->scale, 0, end);
	sc_bg_browse(c, &d.treasury, &d.dns, sites, 5, 4 * c->scale, 0, end);
	bg_price_feed(c, &d, end);

	step_drainer(c, &d, 90 * SC_SEC);
	step_clipper(c, &d, 130 * SC_SEC, end);
	step_miner(c, &d, 60 * SC_SEC);
	step_mixer(c, &d, 450 * SC_SEC);
	sc_step_end(c);
	return c->oom ? -1 : 0;
}
