/*
 * proto-dnp3 — DNP3 over TCP (IEEE 1815): data link frames (0x0564 start,
 * length, control, addresses, CRC after the header and after every 16
 * bytes of user data), the one-byte transport header, and application
 * requests (class 0/1/2/3 integrity read, direct operate on a CROB, cold
 * restart) with the outstation's responses.  CRCs are the DNP3 CRC-16
 * (polynomial 0x3D65, reflected, complemented), stored little endian.
 */
#include "scenario/proto.h"

uint16_t proto_dnp3_crc(const uint8_t *p, size_t n)
{
	uint16_t crc = 0;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xa6bc) : (uint16_t)(crc >> 1);
	}
	return (uint16_t)~crc;
}

/* Wraps transport segment `tp` (header + APDU, ≤ 250 bytes) in a link frame. */
static void link_frame(struct sc_buf *out, bool from_master, uint16_t dst, uint16_t src,
		       const uint8_t *tp, size_t n)
{
	uint8_t h[8] = {0x05,
			0x64,
			(uint8_t)(5 + n),
			from_master ? 0xc4 : 0x44,
			(uint8_t)dst,
			(uint8_t)(dst >> 8),
			(uint8_t)src,
			(uint8_t)(src >> 8)};
	sc_buf_put(out, h, 8);
	sc_buf_le16(out, proto_dnp3_crc(h, 8));
	for (size_t off = 0; off < n; off += 16) {
		size_t k = n - off > 16 ? 16 : n - off;
		sc_buf_put(out, tp + off, k);
		sc_buf_le16(out, proto_dnp3_crc(tp + off, k));
	}
}

static void send_apdu(struct dnp3_master *m, enum sc_dir d, const struct sc_buf *apdu)
{
	struct sc_buf tp, fr;
	sc_buf_init(&tp);
	sc_buf_init(&fr);
	uint8_t *seq = d == SC_C2S ? &m->tp_seq_m : &m->tp_seq_o;
	sc_buf_u8(&tp, (uint8_t)(0xc0 | (*seq & 0x3f)));
	*seq = (uint8_t)((*seq + 1) & 0x3f);
	sc_buf_put(&tp, apdu->b, apdu->len);
	if (d == SC_C2S)
		link_frame(&fr, true, m->outstation_addr, m->master_addr, tp.b, tp.len);
	else
		link_frame(&fr, false, m->master_addr, m->outstation_addr, tp.b, tp.len);
	sc_tcp_send_buf(m->s, d, &fr);
	if (tp.oom || fr.oom)
		m->s->c->oom = true;
	sc_buf_free(&tp);
	sc_buf_free(&fr);
}

static void request(struct dnp3_master *m, struct sc_buf *req, struct sc_buf *resp)
{
	send_apdu(m, SC_C2S, req);
	sc_tcp_wait(m->s, sc_rng_range(m->r, 5 * SC_MS, 40 * SC_MS));
	send_apdu(m, SC_S2C, resp);
	m->app_seq = (uint8_t)((m->app_seq + 1) & 0x0f);
	sc_buf_free(req);
	sc_buf_free(resp);
}

static void app_header(struct sc_buf *b, struct dnp3_master *m, uint8_t fc, bool resp)
{
	sc_buf_u8(b, (uint8_t)(0xc0 | m->app_seq)); /* FIR FIN, no confirm */
	sc_buf_u8(b, fc);
	if (resp)
		sc_buf_be16(b, 0x0000); /* IIN: nothing to report */
}

void dnp3_read_class(struct dnp3_master *m)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	app_header(&q, m, 0x01, false);
	static const uint8_t classes[] = {0x3c, 0x02, 0x06, 0x3c, 0x03, 0x06,
					  0x3c, 0x04, 0x06, 0x3c, 0x01, 0x06};
	sc_buf_put(&q, classes, sizeof(classes));
	app_header(&a, m, 0x81, true);
	/* Binary inputs 0-7 with flags (g1v2), analog inputs 0-3 16-bit with flag (g30v2). */
	static const uint8_t g1[] = {0x01, 0x02, 0x00, 0x00, 0x07};
	sc_buf_put(&a, g1, sizeof(g1));
	for (int i = 0; i < 8; i++)
		sc_buf_u8(&a, (uint8_t)(0x01 | (i == 2 || i == 5 ? 0x80 : 0)));
	static const uint8_t g30[] = {0x1e, 0x02, 0x00, 0x00, 0x03};
	sc_buf_put(&a, g30, sizeof(g30));
	for (int i = 0; i < 4; i++) {
		sc_buf_u8(&a, 0x01);
		sc_buf_le16(&a, (uint16_t)(11000 + 300 * i + sc_rng_below(m->r, 120)));
	}
	request(m, &q, &a);
}

static void crob(struct sc_buf *b, uint16_t index, bool trip)
{
	static const uint8_t hdr[] = {0x0c, 0x01, 0x28, 0x01, 0x00};
	sc_buf_put(b, hdr, sizeof(hdr));
	sc_buf_le16(b, index);
	sc_buf_u8(b, trip ? 0x81 : 0x41); /* TRIP or CLOSE, pulse on */
	sc_buf_u8(b, 1);
	sc_buf_le32(b, 1000);
	sc_buf_le32(b, 0);
	sc_buf_u8(b, 0);
}

void dnp3_direct_operate(struct dnp3_master *m, uint16_t index, bool trip)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	app_header(&q, m, 0x05, false);
	crob(&q, index, trip);
	app_header(&a, m, 0x81, true);
	crob(&a, index, trip);
	request(m, &q, &a);
}

void dnp3_cold_restart(struct dnp3_master *m)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	app_header(&q, m, 0x0d, false);
	app_header(&a, m, 0x81, true);
	static const uint8_t delay[] = {0x34, 0x02, 0x07, 0x01}; /* g52v2 time delay fine */
	sc_buf_put(&a, delay, sizeof(delay));
	sc_buf_le16(&a, 5000);
	request(m, &q, &a);
}
