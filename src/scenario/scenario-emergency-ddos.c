/*
 * scenario-emergency-ddos — a denial-of-service attack on a county
 * public-safety answering point (PSAP).  Emergency calls arrive from the
 * carrier's SBC as SIP over UDP to the PSAP's SBC (203.0.113.10) all the
 * time; during the attack a spoofed SYN flood hits the PSAP's public HTTPS
 * service (the CAD web portal) and open resolvers reflect large DNS ANY
 * answers at the same address, arriving as fragment trains.  Benign: the
 * SIP emergency calls, the call-takers' DNS lookups and HTTPS browsing.
 */
#include <stdio.h>

#include "scenario/proto.h"
#include "scenario/scenarios.h"

int scenario_build_emergency_ddos(struct sc_ctx *c)
{
	struct sc_rng *r = &c->rng;
	struct sc_host psap, carrier, calltaker, dns;
	sc_host_init(&psap, r, "sbc.psap.countyecc.org", "203.0.113.10", NULL, 64);
	sc_host_init(&carrier, r, "sbc-east.carrier.net", "198.51.100.5", sc_gateway_mac, 58);
	sc_host_init(&calltaker, r, "ct-console07.psap.countyecc.local", "10.40.3.27", NULL, 128);
	sc_host_init(&dns, r, "dns01.psap.countyecc.local", "10.40.0.53", NULL, 64);
	const uint64_t end = 600 * SC_SEC;

	sc_step_begin(c, "sip-emergency-calls",
		      "emergency calls (urn:service:sos) signalled over "
		      "SIP from the carrier SBC",
		      false, NULL);
	uint64_t t = 2 * SC_SEC;
	uint64_t gap = 25 * SC_SEC / c->scale;
	while (t < end) {
		char from[96];
		snprintf(from, sizeof(from), "sip:+1555%07u@carrier.net",
			 (unsigned)sc_rng_range(r, 1000000, 9999999));
		sc_sip_call(c, t, &carrier, from, &psap, "urn:service:sos",
			    sc_rng_range(r, 45 * SC_SEC, 240 * SC_SEC));
		t += gap / 2 + sc_rng_below(r, gap);
	}
	static const struct sc_site sites[] = {
	    {"cad.countyecc.org", "203.0.113.11"},
	    {"www.weather.gov", "198.51.100.160"},
	    {"maps.arcgis.com", "198.51.100.161"},
	};
	sc_step_begin(c, "calltaker-browsing",
		      "call-taker console uses CAD, weather and maps over "
		      "HTTPS",
		      false, NULL);
	sc_bg_browse(c, &calltaker, &dns, sites, 3, 8 * c->scale, 0, end);

	sc_step_begin(c, "syn-flood",
		      "spoofed-source SYN flood against the PSAP's public HTTPS "
		      "service",
		      true, "T1499.001");
	sc_syn_flood(c, 200 * SC_SEC, &psap, 443, 15000ULL * c->scale, 90 * SC_SEC, sc_gateway_mac);

	sc_step_begin(c, "dns-amplification",
		      "DNS ANY answers reflected by open resolvers at the "
		      "PSAP (amplification flood)",
		      true, "T1498.002");
	struct sc_host reflectors[32];
	for (int i = 0; i < 32; i++) {
		char addr[32];
		snprintf(addr, sizeof(addr), "%s.%d", i % 2 ? "192.0.2" : "198.51.100", 20 + i * 7);
		sc_host_init(&reflectors[i], r, "open-resolver", addr, sc_gateway_mac,
			     (uint8_t)sc_rng_range(r, 40, 60));
	}
	sc_dns_amplification(c, 320 * SC_SEC, &psap, reflectors, 32, "isc.org", 4000ULL * c->scale,
			     120 * SC_SEC);
	sc_step_end(c);
	return c->oom ? -1 : 0;
}
