/*
 * scenario-grid-manipulation — an intrusion into a regional grid
 * operator's OT network (172.16.0.0/16), after the pattern of the 2015/2016
 * Ukrainian grid attacks: from a compromised engineering workstation the
 * attacker scans the control network, then writes coils and holding
 * registers on pump/feeder PLCs over Modbus/TCP, trips breakers with DNP3
 * direct-operate and cold-restarts the RTU, and opens breakers and moves
 * set-points with IEC 60870-5-104 commands.  The engineering workstation
 * never wrote to a field device before.  Benign throughout: the HMI polls
 * the PLCs (Modbus reads), the front-end processor polls the DNP3 RTU
 * (class 0123 reads) and the IEC 104 RTU reports spontaneously to SCADA.
 */
#include <stdio.h>
#include <string.h>

#include "scenario/proto.h"
#include "scenario/scenarios.h"

struct grid {
	struct sc_host hmi, fep, iccp, ews, plc1, plc2, rtu_dnp3, rtu_104;
};

static void grid_hosts(struct sc_ctx *c, struct grid *g)
{
	struct sc_rng *r = &c->rng;
	static const uint8_t schneider[6] = {0x00, 0x80, 0xf4, 0x12, 0x20, 0x21};
	static const uint8_t siemens[6] = {0x00, 0x1b, 0x1b, 0x33, 0x20, 0x22};
	static const uint8_t sel[6] = {0x00, 0x30, 0xa7, 0x0a, 0x30, 0x05};
	static const uint8_t abb[6] = {0x00, 0x02, 0xa3, 0x5c, 0x30, 0x06};
	sc_host_init(&g->hmi, r, "scada-hmi01.ot.northgrid.local", "172.16.10.10", NULL, 128);
	sc_host_init(&g->fep, r, "scada-fep01.ot.northgrid.local", "172.16.10.11", NULL, 64);
	sc_host_init(&g->iccp, r, "scada-fe104.ot.northgrid.local", "172.16.10.12", NULL, 64);
	sc_host_init(&g->ews, r, "ews-02.ot.northgrid.local", "172.16.10.50", NULL, 128);
	sc_host_init(&g->plc1, r, "plc-pumpstation3.ot.northgrid.local", "172.16.20.21", schneider,
		     64);
	sc_host_init(&g->plc2, r, "plc-feeder07.ot.northgrid.local", "172.16.20.22", siemens, 64);
	sc_host_init(&g->rtu_dnp3, r, "rtu-sub-ashford.ot.northgrid.local", "172.16.30.5", sel, 64);
	sc_host_init(&g->rtu_104, r, "rtu-sub-kelby.ot.northgrid.local", "172.16.30.6", abb, 64);
}

static void bg_modbus_poll(struct sc_ctx *c, struct sc_host *hmi, struct sc_host *plc, uint64_t t,
			   uint64_t t_end)
{
	struct sc_tcp s;
	sc_tcp_connect(&s, c, hmi, sc_host_port(hmi), plc, 502, t, 0);
	struct modbus_client m = {.s = &s, .tid = 1, .unit = 1, .r = &c->rng};
	uint64_t period = 2 * SC_SEC / c->scale;
	while (s.t < t_end) {
		modbus_read_holding(&m, 0, 10);
		modbus_read_holding(&m, 100, 4);
		sc_tcp_wait(&s, period);
	}
	sc_tcp_close(&s, SC_C2S);
}

static void bg_dnp3_poll(struct sc_ctx *c, struct grid *g, uint64_t t_end)
{
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &g->fep, sc_host_port(&g->fep), &g->rtu_dnp3, 20000, SC_SEC, 0);
	struct dnp3_master m = {.s = &s, .master_addr = 1, .outstation_addr = 10, .r = &c->rng};
	uint64_t period = 5 * SC_SEC / c->scale;
	while (s.t < t_end) {
		dnp3_read_class(&m);
		sc_tcp_wait(&s, period);
	}
	sc_tcp_close(&s, SC_C2S);
}

static void bg_iec104(struct sc_ctx *c, struct grid *g, uint64_t t_end)
{
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &g->iccp, sc_host_port(&g->iccp), &g->rtu_104, 2404, 2 * SC_SEC, 0);
	struct iec104_link l = {.s = &s, .asdu_addr = 7, .r = &c->rng};
	iec104_startdt(&l);
	iec104_interrogation(&l);
	unsigned n = 0;
	uint64_t period = 3 * SC_SEC / c->scale;
	while (s.t < t_end) {
		sc_tcp_wait(&s, period / 2 + sc_rng_below(&c->rng, period));
		iec104_spontaneous(&l, (unsigned)sc_rng_range(&c->rng, 1, 4));
		if (++n % 8 == 0)
			iec104_sframe(&l, SC_C2S); /* w = 8 */
	}
	sc_tcp_close(&s, SC_C2S);
}

/* Nmap-style SYN scan of the field subnets for ICS service ports. */
static void step_recon(struct sc_ctx *c, struct grid *g, uint64_t t)
{
	sc_step_begin(
	    c, "ot-recon-scan",
	    "engineering workstation ping-sweeps, then SYN-scans the field device subnets "
	    "for Modbus, DNP3, IEC 104, S7, EtherNet/IP, HTTP(S) and SSH",
	    true, "T0846");
	/* Host discovery first (nmap -sn style ICMP echo), then the port scan. */
	uint16_t ident = (uint16_t)sc_rng_next(&c->rng);
	for (int net = 20; net <= 30; net += 10) {
		for (int host = 1; host <= 40; host++) {
			char addr[32];
			snprintf(addr, sizeof(addr), "172.16.%d.%d", net, host);
			struct sc_host probe;
			sc_host_init(&probe, &c->rng, NULL, addr, sc_gateway_mac, 64);
			struct sc_host *live = NULL;
			struct sc_host *cand[] = {&g->plc1, &g->plc2, &g->rtu_dnp3, &g->rtu_104};
			for (size_t k = 0; k < 4; k++)
				if (!memcmp(cand[k]->ip, probe.ip, 4))
					live = cand[k];
			sc_step_flow(c, 1, &g->ews, 0, live ? live : &probe, 0);
			sc_emit_echo(c, t, &g->ews, live ? live : &probe, false, ident, 0, NULL, 0);
			if (live)
				sc_emit_echo(c, t + sc_rng_range(&c->rng, 300, 1200), live, &g->ews,
					     true, ident, 0, NULL, 0);
			t += sc_rng_range(&c->rng, 2 * SC_MS, 12 * SC_MS);
		}
	}
	t += 2 * SC_SEC;
	static const uint16_t ports[] = {502, 20000, 2404, 102, 44818, 80, 443, 22};
	struct sc_host *live[] = {&g->plc1, &g->plc2, &g->rtu_dnp3, &g->rtu_104};
	uint16_t sport = sc_host_port(&g->ews);
	for (int net = 20; net <= 30; net += 10) {
		for (int host = 1; host <= 40; host++) {
			char addr[32];
			snprintf(addr, sizeof(addr), "172.16.%d.%d", net, host);
			struct sc_host *target = NULL, ghost;
			for (size_t k = 0; k < 4; k++)
				if (!memcmp(live[k]->ip,
					    (uint8_t[]){172, 16, (uint8_t)net, (uint8_t)host}, 4))
					target = live[k];
			if (!target) {
				sc_host_init(&ghost, &c->rng, NULL, addr, sc_gateway_mac, 64);
				target = &ghost;
			}
			for (size_t p = 0; p < sizeof(ports) / sizeof(ports[0]); p++) {
				uint32_t isn = (uint32_t)sc_rng_next(&c->rng);
				sc_step_flow(c, 6, &g->ews, sport, target, ports[p]);
				sc_emit_tcp(c, t, &g->ews, sport, target, ports[p], isn, 0, TCP_SYN,
					    1024, NULL, 0);
				uint64_t rt = t + sc_rng_range(&c->rng, 200, 900);
				t += sc_rng_range(&c->rng, 300, 1500);
				if (target == &ghost)
					continue;
				bool open = (ports[p] == 502 && target->ip[2] == 20) ||
					    (ports[p] == 20000 && target == &g->rtu_dnp3) ||
					    (ports[p] == 2404 && target == &g->rtu_104) ||
					    (ports[p] == 80 && target->ip[2] == 20);
				if (open) {
					uint32_t sisn = (uint32_t)sc_rng_next(&c->rng);
					sc_emit_tcp(c, rt, target, ports[p], &g->ews, sport, sisn,
						    isn + 1, TCP_SYN | TCP_ACK, 8192, NULL, 0);
					sc_emit_tcp(c, rt + 60, &g->ews, sport, target, ports[p],
						    isn + 1, 0, TCP_RST, 0, NULL, 0);
				} else {
					sc_emit_tcp(c, rt, target, ports[p], &g->ews, sport, 0,
						    isn + 1, TCP_RST | TCP_ACK, 0, NULL, 0);
				}
			}
		}
	}
}

static void step_modbus(struct sc_ctx *c, struct grid *g, uint64_t t)
{
	sc_step_begin(c, "modbus-write-coils",
		      "engineering workstation forces pump coils off on the pump-station PLC "
		      "(Modbus function 5 and 15)",
		      true, "T0855");
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &g->ews, sc_host_port(&g->ews), &g->plc1, 502, t, 0);
	struct modbus_client m = {.s = &s, .tid = 1, .unit = 1, .r = &c->rng};
	modbus_read_holding(&m, 0, 10);
	sc_tcp_wait(&s, sc_think(&c->rng, 2000, 5000));
	static const uint8_t off[2] = {0x00, 0x00};
	modbus_write_multiple_coils(&m, 0, 16, off);
	sc_tcp_wait(&s, sc_think(&c->rng, 500, 1500));
	for (uint16_t coil = 0; coil < 4; coil++)
		modbus_write_single_coil(&m, coil, false);
	sc_tcp_close(&s, SC_C2S);

	sc_step_begin(c, "modbus-write-registers",
		      "engineering workstation rewrites pressure and level set-points on the PLCs "
		      "(Modbus function 6 and 16)",
		      true, "T0836");
	sc_tcp_connect(&s, c, &g->ews, sc_host_port(&g->ews), &g->plc2, 502, s.t + 3 * SC_SEC, 0);
	m.s = &s;
	m.tid = 1;
	modbus_read_holding(&m, 100, 4);
	static const uint16_t extreme[4] = {9999, 9999, 0, 65535};
	modbus_write_multiple_registers(&m, 100, 4, extreme);
	modbus_write_single_register(&m, 104, 0);
	sc_tcp_close(&s, SC_C2S);
}

static void step_dnp3(struct sc_ctx *c, struct grid *g, uint64_t t)
{
	sc_step_begin(c, "dnp3-direct-operate",
		      "breakers tripped at the Ashford substation with DNP3 direct-operate (CROB "
		      "trip) from the engineering workstation",
		      true, "T0855");
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &g->ews, sc_host_port(&g->ews), &g->rtu_dnp3, 20000, t, 0);
	struct dnp3_master m = {.s = &s, .master_addr = 1, .outstation_addr = 10, .r = &c->rng};
	dnp3_read_class(&m);
	for (uint16_t i = 0; i < 4; i++) {
		sc_tcp_wait(&s, sc_think(&c->rng, 800, 2500));
		dnp3_direct_operate(&m, i, true);
	}
	sc_tcp_close(&s, SC_C2S);
	sc_step_begin(c, "dnp3-cold-restart", "RTU cold-restarted over DNP3 to delay recovery",
		      true, "T0816");
	sc_tcp_connect(&s, c, &g->ews, sc_host_port(&g->ews), &g->rtu_dnp3, 20000,
		       s.t + sc_think(&c->rng, 3000, 8000), 0);
	m.s = &s;
	dnp3_cold_restart(&m);
	sc_tcp_close(&s, SC_S2C);
}

static void step_iec104(struct sc_ctx *c, struct grid *g, uint64_t t)
{
	sc_step_begin(c, "iec104-commands",
		      "breakers opened (C_SC_NA_1) and set-points changed (C_SE_NA_1) at the Kelby "
		      "substation over IEC 104 from the engineering workstation",
		      true, "T0855");
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &g->ews, sc_host_port(&g->ews), &g->rtu_104, 2404, t, 0);
	struct iec104_link l = {.s = &s, .asdu_addr = 7, .r = &c->rng};
	iec104_startdt(&l);
	for (uint32_t ioa = 5001; ioa <= 5004; ioa++) {
		sc_tcp_wait(&s, sc_think(&c->rng, 500, 2000));
		iec104_single_command(&l, ioa, false);
	}
	iec104_setpoint_normalised(&l, 6001, -32768);
	iec104_setpoint_normalised(&l, 6002, 32767);
	sc_tcp_close(&s, SC_C2S);
}

int scenario_build_grid_manipulation(struct sc_ctx *c)
{
	struct grid g;
	grid_hosts(c, &g);
	const uint64_t end = 600 * SC_SEC;
	sc_step_begin(c, "modbus-polling", "HMI polls holding registers on both PLCs", false, NULL);
	bg_modbus_poll(c, &g.hmi, &g.plc1, 500 * SC_MS, end);
	bg_modbus_poll(c, &g.hmi, &g.plc2, 900 * SC_MS, end);
	sc_step_begin(c, "dnp3-polling", "front-end processor integrity-polls the DNP3 RTU", false,
		      NULL);
	bg_dnp3_poll(c, &g, end);
	sc_step_begin(c, "iec104-telemetry", "IEC 104 RTU reports measurements to SCADA", false,
		      NULL);
	bg_iec104(c, &g, end);

	step_recon(c, &g, 60 * SC_SEC);
	step_modbus(c, &g, 200 * SC_SEC);
	step_dnp3(c, &g, 300 * SC_SEC);
	step_iec104(c, &g, 400 * SC_SEC);
	sc_step_end(c);
	return c->oom ? -1 : 0;
}
