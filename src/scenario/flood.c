/*
 * flood — volumetric attack traffic: a spoofed-source SYN flood and a DNS
 * reflection/amplification flood (large ANY answers from open resolvers,
 * arriving as IPv4 fragment trains).  Spoofed sources are drawn from the
 * documentation ranges so generated captures never name real networks.
 */
#include <stdio.h>

#include "scenario/proto.h"

static void spoofed_host(struct sc_ctx *c, struct sc_host *h, const uint8_t gw_mac[6])
{
	static const char *nets[] = {"192.0.2", "198.51.100", "203.0.113"};
	char addr[32];
	snprintf(addr, sizeof(addr), "%s.%u", nets[sc_rng_below(&c->rng, 3)],
		 (unsigned)sc_rng_range(&c->rng, 1, 254));
	sc_host_init(h, &c->rng, NULL, addr, gw_mac, (uint8_t)sc_rng_range(&c->rng, 38, 120));
}

void sc_syn_flood(struct sc_ctx *c, uint64_t t, struct sc_host *victim, uint16_t dport,
		  uint64_t count, uint64_t span_us, const uint8_t gw_mac[6])
{
	uint64_t gap = count ? span_us / count : span_us;
	for (uint64_t i = 0; i < count; i++) {
		struct sc_host src;
		spoofed_host(c, &src, gw_mac);
		uint16_t sport = (uint16_t)sc_rng_range(&c->rng, 1024, 65535);
		uint32_t isn = (uint32_t)sc_rng_next(&c->rng);
		sc_step_flow(c, 6, &src, sport, victim, dport);
		uint64_t ts = t + i * gap + sc_rng_below(&c->rng, gap + 1);
		sc_emit_tcp(c, ts, &src, sport, victim, dport, isn, 0, TCP_SYN,
			    (uint16_t)sc_rng_range(&c->rng, 1024, 65535), NULL, 0);
		/* The victim answers with SYN cookies while it still can. */
		if (sc_rng_chance(&c->rng, 600))
			sc_emit_tcp(c, ts + sc_rng_range(&c->rng, 30, 400), victim, dport, &src,
				    sport, (uint32_t)sc_rng_next(&c->rng), isn + 1,
				    TCP_SYN | TCP_ACK, 65160, NULL, 0);
	}
}

void sc_dns_amplification(struct sc_ctx *c, uint64_t t, struct sc_host *victim,
			  struct sc_host *reflectors, size_t nreflectors, const char *qname,
			  uint64_t count, uint64_t span_us)
{
	char txt[3][300];
	for (int k = 0; k < 3; k++) {
		static const char b64[] =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		int n = snprintf(txt[k], sizeof(txt[k]), "%s",
				 k == 0 ? "v=spf1 include:_spf.mail.example.net ~all"
					: "google-site-verification=");
		while (n < 250)
			txt[k][n++] = b64[sc_rng_below(&c->rng, 64)];
		txt[k][n] = '\0';
	}
	const struct dns_rr rrs[] = {
	    {.type = DNS_A, .ttl = 3600, .addr = "192.0.2.80"},
	    {.type = DNS_AAAA, .ttl = 3600, .addr = "2001:db8:1::80"},
	    {.type = DNS_NS, .ttl = 86400, .text = "ns1.dns-host.net"},
	    {.type = DNS_NS, .ttl = 86400, .text = "ns2.dns-host.net"},
	    {.type = DNS_NS, .ttl = 86400, .text = "ns3.dns-host.net"},
	    {.type = DNS_SOA, .ttl = 3600, .text = "ns1.dns-host.net"},
	    {.type = DNS_MX, .ttl = 3600, .pref = 10, .text = "mx1.mail.example.net"},
	    {.type = DNS_MX, .ttl = 3600, .pref = 20, .text = "mx2.mail.example.net"},
	    {.type = DNS_TXT, .ttl = 3600, .text = txt[0]},
	    {.type = DNS_TXT, .ttl = 3600, .text = txt[1]},
	    {.type = DNS_TXT, .ttl = 3600, .text = txt[2]},
	    {.type = DNS_DNSKEY, .ttl = 3600, .pref = 257, .keylen = 260},
	    {.type = DNS_DNSKEY, .ttl = 3600, .pref = 256, .keylen = 260},
	    {.type = DNS_DNSKEY, .ttl = 3600, .pref = 256, .keylen = 260},
	    {.type = DNS_DNSKEY, .ttl = 3600, .pref = 256, .keylen = 260},
	};
	struct sc_buf a;
	sc_buf_init(&a);
	uint64_t gap = count ? span_us / count : span_us;
	/* The attacker's spoofed queries all come from one tool: a few source ports. */
	uint16_t ports[4];
	for (int k = 0; k < 4; k++)
		ports[k] = (uint16_t)sc_rng_range(&c->rng, 1024, 65535);
	for (uint64_t i = 0; i < count; i++) {
		struct sc_host *ref = &reflectors[sc_rng_below(&c->rng, nreflectors)];
		uint16_t port = ports[sc_rng_below(&c->rng, 4)];
		sc_buf_reset(&a);
		proto_dns_response(&a, &c->rng, (uint16_t)sc_rng_next(&c->rng), qname, DNS_ANY, 0,
				   rrs, sizeof(rrs) / sizeof(rrs[0]), true);
		sc_step_flow(c, 17, ref, 53, victim, port);
		sc_emit_udp(c, t + i * gap + sc_rng_below(&c->rng, gap + 1), ref, 53, victim, port,
			    a.b, a.len);
	}
	if (a.oom)
		c->oom = true;
	sc_buf_free(&a);
}
