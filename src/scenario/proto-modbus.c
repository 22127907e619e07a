/*
 * proto-modbus — Modbus/TCP (Modbus Application Protocol v1.1b3): MBAP
 * header plus the PDU for read holding registers (3), write single coil
 * (5), write single register (6), write multiple coils (15) and write
 * multiple registers (16), each followed by the server's normal response.
 */
#include "scenario/proto.h"

static size_t mbap(struct sc_buf *b, uint16_t tid, uint8_t unit)
{
	sc_buf_be16(b, tid);
	sc_buf_be16(b, 0);
	sc_buf_be16(b, 0); /* length, patched */
	sc_buf_u8(b, unit);
	return b->len - 3;
}

static void mbap_end(struct sc_buf *b, size_t len_off)
{
	sc_buf_set_be16(b, len_off, (uint16_t)(b->len - len_off - 2));
}

static void transact(struct modbus_client *m, struct sc_buf *q, struct sc_buf *a)
{
	sc_tcp_send_buf(m->s, SC_C2S, q);
	sc_tcp_wait(m->s, sc_rng_range(m->r, 2 * SC_MS, 15 * SC_MS)); /* PLC scan cycle */
	sc_tcp_send_buf(m->s, SC_S2C, a);
	if (q->oom || a->oom)
		m->s->c->oom = true;
	sc_buf_free(q);
	sc_buf_free(a);
	m->tid++;
}

void modbus_read_holding(struct modbus_client *m, uint16_t addr, uint16_t count)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	size_t l = mbap(&q, m->tid, m->unit);
	sc_buf_u8(&q, 3);
	sc_buf_be16(&q, addr);
	sc_buf_be16(&q, count);
	mbap_end(&q, l);
	l = mbap(&a, m->tid, m->unit);
	sc_buf_u8(&a, 3);
	sc_buf_u8(&a, (uint8_t)(2 * count));
	for (uint16_t i = 0; i < count; i++)
		sc_buf_be16(
		    &a, (uint16_t)(1200 + sc_rng_below(m->r, 40) + 37 * i)); /* process values */
	mbap_end(&a, l);
	transact(m, &q, &a);
}

static void echo_write(struct modbus_client *m, uint8_t fc, uint16_t addr, uint16_t value)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	for (int k = 0; k < 2; k++) {
		struct sc_buf *b = k ? &a : &q;
		size_t l = mbap(b, m->tid, m->unit);
		sc_buf_u8(b, fc);
		sc_buf_be16(b, addr);
		sc_buf_be16(b, value);
		mbap_end(b, l);
	}
	transact(m, &q, &a);
}

void modbus_write_single_coil(struct modbus_client *m, uint16_t addr, bool on)
{
	echo_write(m, 5, addr, on ? 0xff00 : 0x0000);
}

void modbus_write_single_register(struct modbus_client *m, uint16_t addr, uint16_t value)
{
	echo_write(m, 6, addr, value);
}

void modbus_write_multiple_coils(struct modbus_client *m, uint16_t addr, uint16_t count,
				 const uint8_t *bits)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	uint8_t nbytes = (uint8_t)((count + 7) / 8);
	size_t l = mbap(&q, m->tid, m->unit);
	sc_buf_u8(&q, 15);
	sc_buf_be16(&q, addr);
	sc_buf_be16(&q, count);
	sc_buf_u8(&q, nbytes);
	sc_buf_put(&q, bits, nbytes);
	mbap_end(&q, l);
	l = mbap(&a, m->tid, m->unit);
	sc_buf_u8(&a, 15);
	sc_buf_be16(&a, addr);
	sc_buf_be16(&a, count);
	mbap_end(&a, l);
	transact(m, &q, &a);
}

void modbus_write_multiple_registers(struct modbus_client *m, uint16_t addr, uint16_t count,
				     const uint16_t *values)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	size_t l = mbap(&q, m->tid, m->unit);
	sc_buf_u8(&q, 16);
	sc_buf_be16(&q, addr);
	sc_buf_be16(&q, count);
	sc_buf_u8(&q, (uint8_t)(2 * count));
	for (uint16_t i = 0; i < count; i++)
		sc_buf_be16(&q, values[i]);
	mbap_end(&q, l);
	l = mbap(&a, m->tid, m->unit);
	sc_buf_u8(&a, 16);
	sc_buf_be16(&a, addr);
	sc_buf_be16(&a, count);
	mbap_end(&a, l);
	transact(m, &q, &a);
}
