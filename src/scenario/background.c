/*
 * background — benign traffic every scenario mixes in, so that detection
 * is measured against ordinary activity and not an empty wire.
 */
#include "scenario/proto.h"
#include "scenario/scenarios.h"

void sc_bg_browse(struct sc_ctx *c, struct sc_host *client, struct sc_host *resolver,
		  const struct sc_site *sites, size_t nsites, unsigned visits, uint64_t t_start,
		  uint64_t t_end)
{
	if (nsites == 0 || visits == 0 || t_end <= t_start)
		return;
	uint64_t step = (t_end - t_start) / visits;
	for (unsigned i = 0; i < visits; i++) {
		const struct sc_site *site = &sites[sc_rng_below(&c->rng, nsites)];
		uint64_t t = t_start + i * step + sc_rng_below(&c->rng, step / 2 + 1);
		struct dns_rr a = {.type = DNS_A, .ttl = 300, .addr = site->addr};
		t = sc_dns_lookup(c, t, client, resolver, site->name, DNS_A, &a, 1);
		struct sc_host srv;
		/* Remote peers are behind the gateway: its MAC, a TTL some hops down. */
		sc_host_init(&srv, &c->rng, site->name, site->addr, sc_gateway_mac, 54);
		struct sc_tcp s;
		sc_tcp_connect(&s, c, client, sc_host_port(client), &srv, 443, t + 200, 0);
		struct tls_session_plan p = {
		    .client = &tls_profile_firefox,
		    .sni = site->name,
		    .cert_cn = site->name,
		    .server_cipher = 0x1301,
		    .tls13 = true,
		    .rounds = (unsigned)sc_rng_range(&c->rng, 1, 4),
		    .req_bytes = 600,
		    .resp_bytes = (size_t)sc_rng_range(&c->rng, 3000, 40000),
		    .think_ms = 300,
		};
		sc_tls_session(&s, &p);
		sc_tcp_wait(&s, sc_think(&c->rng, 500, 4000));
		sc_tcp_close(&s, SC_C2S);
	}
}
