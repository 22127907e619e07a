/*
 * proto-iec104 — IEC 60870-5-104 over TCP 2404: APCI (start 0x68, length,
 * four control octets) in U format (STARTDT), S format (receive
 * acknowledgements) and I format carrying ASDUs: general interrogation
 * (C_IC_NA_1), measured floats (M_ME_NC_1), single points (M_SP_NA_1),
 * single commands (C_SC_NA_1, select then execute) and normalised
 * set-points (C_SE_NA_1).  Send/receive sequence numbers are kept per
 * direction exactly as the standard's k/w windows count them.
 */
#include <string.h>

#include "scenario/proto.h"

#define COT_SPONT 3
#define COT_ACT 6
#define COT_ACTCON 7
#define COT_ACTTERM 10
#define COT_INROGEN 20

static void send_u(struct iec104_link *l, enum sc_dir d, uint8_t ctl)
{
	uint8_t f[6] = {0x68, 4, ctl, 0, 0, 0};
	sc_tcp_send(l->s, d, f, sizeof(f));
}

void iec104_sframe(struct iec104_link *l, enum sc_dir d)
{
	uint16_t nr = (uint16_t)(l->vs[!d] << 1);
	uint8_t f[6] = {0x68, 4, 0x01, 0, (uint8_t)nr, (uint8_t)(nr >> 8)};
	sc_tcp_send(l->s, d, f, sizeof(f));
}

/* One I-frame with one ASDU of `n` information objects already encoded in objs. */
static void send_i(struct iec104_link *l, enum sc_dir d, uint8_t type, uint8_t nobj, uint8_t cot,
		   const uint8_t *objs, size_t len)
{
	struct sc_buf b;
	sc_buf_init(&b);
	uint16_t ns = (uint16_t)(l->vs[d] << 1), nr = (uint16_t)(l->vs[!d] << 1);
	sc_buf_u8(&b, 0x68);
	sc_buf_u8(&b, (uint8_t)(4 + 6 + len));
	sc_buf_le16(&b, ns);
	sc_buf_le16(&b, nr);
	sc_buf_u8(&b, type);
	sc_buf_u8(&b, nobj);
	sc_buf_u8(&b, cot);
	sc_buf_u8(&b, 0); /* originator address */
	sc_buf_le16(&b, l->asdu_addr);
	sc_buf_put(&b, objs, len);
	l->vs[d] = (uint16_t)((l->vs[d] + 1) & 0x7fff);
	sc_tcp_send_buf(l->s, d, &b);
	sc_buf_free(&b);
}

static size_t ioa(uint8_t *p, uint32_t a)
{
	p[0] = (uint8_t)a;
	p[1] = (uint8_t)(a >> 8);
	p[2] = (uint8_t)(a >> 16);
	return 3;
}

static void gap(struct iec104_link *l)
{
	sc_tcp_wait(l->s, sc_rng_range(l->r, 3 * SC_MS, 25 * SC_MS));
}

void iec104_startdt(struct iec104_link *l)
{
	send_u(l, SC_C2S, 0x07);
	gap(l);
	send_u(l, SC_S2C, 0x0b);
}

static void measured_floats(struct iec104_link *l, uint8_t cot, unsigned n)
{
	uint8_t objs[8 * 16];
	size_t len = 0;
	if (n > 16)
		n = 16;
	for (unsigned i = 0; i < n; i++) {
		len += ioa(objs + len, 2001 + i);
		float v = (float)(110.0 + (double)sc_rng_below(l->r, 800) / 100.0);
		if (i % 4 == 1)
			v = (float)(50.0 + (double)sc_rng_below(l->r, 4) / 100.0); /* Hz */
		memcpy(objs + len, &v, 4); /* IEEE 754 little endian, as on x86 */
		len += 4;
		objs[len++] = 0x00; /* QDS good */
	}
	send_i(l, SC_S2C, 13, (uint8_t)n, cot, objs, len);
}

void iec104_interrogation(struct iec104_link *l)
{
	uint8_t o[4];
	size_t n = ioa(o, 0);
	o[n++] = 20; /* QOI: station interrogation */
	send_i(l, SC_C2S, 100, 1, COT_ACT, o, n);
	gap(l);
	send_i(l, SC_S2C, 100, 1, COT_ACTCON, o, n);
	measured_floats(l, COT_INROGEN, 8);
	send_i(l, SC_S2C, 100, 1, COT_ACTTERM, o, n);
	gap(l);
	iec104_sframe(l, SC_C2S);
}

void iec104_spontaneous(struct iec104_link *l, unsigned n)
{
	measured_floats(l, COT_SPONT, n);
}

static void command(struct iec104_link *l, uint8_t type, const uint8_t *o, size_t n, size_t ctl)
{
	/* Select (S/E = 1) then execute (S/E = 0), each confirmed. */
	uint8_t sel[16];
	memcpy(sel, o, n);
	sel[ctl] |= 0x80;
	send_i(l, SC_C2S, type, 1, COT_ACT, sel, n);
	gap(l);
	send_i(l, SC_S2C, type, 1, COT_ACTCON, sel, n);
	sc_tcp_wait(l->s, sc_rng_range(l->r, 200 * SC_MS, 900 * SC_MS));
	send_i(l, SC_C2S, type, 1, COT_ACT, o, n);
	gap(l);
	send_i(l, SC_S2C, type, 1, COT_ACTCON, o, n);
	gap(l);
	send_i(l, SC_S2C, type, 1, COT_ACTTERM, o, n);
	gap(l);
	iec104_sframe(l, SC_C2S);
}

void iec104_single_command(struct iec104_link *l, uint32_t addr, bool on)
{
	uint8_t o[4];
	size_t n = ioa(o, addr);
	o[n++] = on ? 0x01 : 0x00;
	command(l, 45, o, n, n - 1);
}

void iec104_setpoint_normalised(struct iec104_link *l, uint32_t addr, int16_t value)
{
	uint8_t o[6];
	size_t n = ioa(o, addr);
	o[n++] = (uint8_t)value;
	o[n++] = (uint8_t)((uint16_t)value >> 8);
	o[n++] = 0x00; /* QOS, S/E in the top bit */
	command(l, 48, o, n, n - 1);
}
