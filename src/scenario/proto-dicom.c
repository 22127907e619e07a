/*
 * proto-dicom — DICOM upper layer (PS3.8) association between a modality
 * and a PACS: A-ASSOCIATE-RQ/AC, P-DATA-TF carrying a C-ECHO or a C-STORE
 * of a CT image (command set and data set in implicit VR little endian,
 * the data set split into PDVs under the negotiated maximum PDU length),
 * then A-RELEASE-RQ/RP.
 */
#include <stdio.h>
#include <string.h>

#include "scenario/proto.h"

#define DICOM_MAX_PDV 16372

static const char *uid_verification = "1.2.840.10008.1.1";
static const char *uid_ct_storage = "1.2.840.10008.5.1.4.1.1.2";
static const char *uid_implicit_le = "1.2.840.10008.1.2";

static void ae_title(struct sc_buf *b, const char *ae)
{
	char t[16];
	memset(t, ' ', sizeof(t));
	size_t n = strlen(ae);
	memcpy(t, ae, n > 16 ? 16 : n);
	sc_buf_put(b, t, 16);
}

static void uid_item(struct sc_buf *b, uint8_t type, const char *uid)
{
	sc_buf_u8(b, type);
	sc_buf_u8(b, 0);
	sc_buf_be16(b, (uint16_t)strlen(uid));
	sc_buf_puts(b, uid);
}

static void associate(struct sc_buf *b, uint8_t type, const char *called, const char *calling,
		      const char *abstract)
{
	sc_buf_u8(b, type);
	sc_buf_u8(b, 0);
	sc_buf_be32(b, 0);
	size_t start = b->len;
	sc_buf_be16(b, 1);
	sc_buf_be16(b, 0);
	ae_title(b, called);
	ae_title(b, calling);
	sc_buf_zero(b, 32);
	uid_item(b, 0x10, "1.2.840.10008.3.1.1.1");
	sc_buf_u8(b, type == 1 ? 0x20 : 0x21);
	sc_buf_u8(b, 0);
	size_t pl = b->len;
	sc_buf_be16(b, 0);
	sc_buf_u8(b, 1); /* presentation context id */
	sc_buf_u8(b, 0);
	sc_buf_u8(b, 0); /* result: acceptance (AC) */
	sc_buf_u8(b, 0);
	if (type == 1)
		uid_item(b, 0x30, abstract);
	uid_item(b, 0x40, uid_implicit_le);
	sc_buf_set_be16(b, pl, (uint16_t)(b->len - pl - 2));
	sc_buf_u8(b, 0x50);
	sc_buf_u8(b, 0);
	size_t ul = b->len;
	sc_buf_be16(b, 0);
	sc_buf_u8(b, 0x51);
	sc_buf_u8(b, 0);
	sc_buf_be16(b, 4);
	sc_buf_be32(b, 16384);
	uid_item(b, 0x52, "1.2.826.0.1.3680043.2.1143.107.104.103.115");
	uid_item(b, 0x55, "MODALITY_2_4");
	sc_buf_set_be16(b, ul, (uint16_t)(b->len - ul - 2));
	sc_buf_set_be32(b, start - 4, (uint32_t)(b->len - start));
}

/* Implicit VR LE element; strings are padded to even length (NUL for UIDs). */
static void el_str(struct sc_buf *b, uint16_t g, uint16_t e, const char *v, char pad)
{
	size_t n = strlen(v);
	sc_buf_le16(b, g);
	sc_buf_le16(b, e);
	sc_buf_le32(b, (uint32_t)(n + (n & 1)));
	sc_buf_puts(b, v);
	if (n & 1)
		sc_buf_u8(b, (uint8_t)pad);
}

static void el_us(struct sc_buf *b, uint16_t g, uint16_t e, uint16_t v)
{
	sc_buf_le16(b, g);
	sc_buf_le16(b, e);
	sc_buf_le32(b, 2);
	sc_buf_le16(b, v);
}

/* Prepends (0000,0000) group length to a command set. */
static void command_set(struct sc_buf *out, const struct sc_buf *body)
{
	sc_buf_le16(out, 0);
	sc_buf_le16(out, 0);
	sc_buf_le32(out, 4);
	sc_buf_le32(out, (uint32_t)body->len);
	sc_buf_put(out, body->b, body->len);
}

static void pdata(struct sc_buf *b, uint8_t control, const uint8_t *p, size_t n)
{
	sc_buf_u8(b, 4);
	sc_buf_u8(b, 0);
	sc_buf_be32(b, (uint32_t)(n + 6));
	sc_buf_be32(b, (uint32_t)(n + 2));
	sc_buf_u8(b, 1);
	sc_buf_u8(b, control);
	sc_buf_put(b, p, n);
}

static void send_command(struct sc_tcp *s, enum sc_dir d, const struct sc_buf *cmd)
{
	struct sc_buf cs, pdu;
	sc_buf_init(&cs);
	sc_buf_init(&pdu);
	command_set(&cs, cmd);
	pdata(&pdu, 0x03, cs.b, cs.len);
	sc_tcp_send_buf(s, d, &pdu);
	sc_buf_free(&cs);
	sc_buf_free(&pdu);
}

static void ct_dataset(struct sc_buf *ds, struct sc_rng *r, const char *sop_uid, size_t pix)
{
	static const char *names[] = {"GARCIA^MARIA", "NGUYEN^JAMES", "OKAFOR^AMARA",
				      "MUELLER^LUKAS"};
	char id[32];
	snprintf(id, sizeof(id), "%u", (unsigned)sc_rng_range(r, 100000, 999999));
	el_str(ds, 0x0008, 0x0016, uid_ct_storage, 0);
	el_str(ds, 0x0008, 0x0018, sop_uid, 0);
	el_str(ds, 0x0008, 0x0060, "CT", ' ');
	el_str(ds, 0x0010, 0x0010, names[sc_rng_below(r, 4)], ' ');
	el_str(ds, 0x0010, 0x0020, id, ' ');
	el_str(ds, 0x0020, 0x000d, "1.2.826.0.1.3680043.8.498.1", 0);
	el_str(ds, 0x0020, 0x000e, "1.2.826.0.1.3680043.8.498.1.2", 0);
	el_us(ds, 0x0028, 0x0010, 512);
	el_us(ds, 0x0028, 0x0011, (uint16_t)(pix / 1024 ? pix / 1024 : 1));
	el_us(ds, 0x0028, 0x0100, 16);
	sc_buf_le16(ds, 0x7fe0);
	sc_buf_le16(ds, 0x0010);
	pix &= ~(size_t)1;
	sc_buf_le32(ds, (uint32_t)pix);
	/* 12-bit CT values: the high nibble of every sample is zero. */
	for (size_t i = 0; i < pix; i += 2)
		sc_buf_le16(ds, (uint16_t)sc_rng_below(r, 4096));
}

void sc_dicom_association(struct sc_tcp *s, struct sc_rng *r, const char *calling_ae,
			  const char *called_ae, bool c_store, size_t image_bytes)
{
	struct sc_buf b, cmd;
	sc_buf_init(&b);
	sc_buf_init(&cmd);
	const char *abstract = c_store ? uid_ct_storage : uid_verification;
	associate(&b, 1, called_ae, calling_ae, abstract);
	sc_tcp_send_buf(s, SC_C2S, &b);
	sc_tcp_wait(s, sc_rng_range(r, SC_MS, 10 * SC_MS));
	sc_buf_reset(&b);
	associate(&b, 2, called_ae, calling_ae, abstract);
	sc_tcp_send_buf(s, SC_S2C, &b);
	sc_tcp_wait(s, sc_rng_range(r, SC_MS, 5 * SC_MS));

	char sop[96];
	snprintf(sop, sizeof(sop), "1.2.826.0.1.3680043.8.498.1.2.%u",
		 (unsigned)sc_rng_range(r, 1000, 99999));
	el_str(&cmd, 0x0000, 0x0002, abstract, 0);
	el_us(&cmd, 0x0000, 0x0100, c_store ? 0x0001 : 0x0030);
	el_us(&cmd, 0x0000, 0x0110, 1);
	if (c_store)
		el_us(&cmd, 0x0000, 0x0700, 0);
	el_us(&cmd, 0x0000, 0x0800, c_store ? 0x0000 : 0x0101);
	if (c_store)
		el_str(&cmd, 0x0000, 0x1000, sop, 0);
	send_command(s, SC_C2S, &cmd);
	if (c_store) {
		struct sc_buf ds;
		sc_buf_init(&ds);
		ct_dataset(&ds, r, sop, image_bytes);
		for (size_t off = 0; off < ds.len; off += DICOM_MAX_PDV) {
			size_t n = ds.len - off > DICOM_MAX_PDV ? DICOM_MAX_PDV : ds.len - off;
			sc_buf_reset(&b);
			pdata(&b, off + n == ds.len ? 0x02 : 0x00, ds.b + off, n);
			sc_tcp_send_buf(s, SC_C2S, &b);
		}
		sc_buf_free(&ds);
	}
	sc_tcp_wait(s, sc_rng_range(r, 2 * SC_MS, 30 * SC_MS));
	sc_buf_reset(&cmd);
	el_str(&cmd, 0x0000, 0x0002, abstract, 0);
	el_us(&cmd, 0x0000, 0x0100, c_store ? 0x8001 : 0x8030);
	el_us(&cmd, 0x0000, 0x0120, 1);
	el_us(&cmd, 0x0000, 0x0800, 0x0101);
	el_us(&cmd, 0x0000, 0x0900, 0x0000);
	if (c_store)
		el_str(&cmd, 0x0000, 0x1000, sop, 0);
	send_command(s, SC_S2C, &cmd);

	sc_tcp_wait(s, sc_rng_range(r, SC_MS, 5 * SC_MS));
	static const uint8_t rq[10] = {5, 0, 0, 0, 0, 4, 0, 0, 0, 0};
	static const uint8_t rp[10] = {6, 0, 0, 0, 0, 4, 0, 0, 0, 0};
	sc_tcp_send(s, SC_C2S, rq, sizeof(rq));
	sc_tcp_wait(s, sc_rng_range(r, 300, 2 * SC_MS));
	sc_tcp_send(s, SC_S2C, rp, sizeof(rp));
	if (b.oom || cmd.oom)
		s->c->oom = true;
	sc_buf_free(&b);
	sc_buf_free(&cmd);
}
