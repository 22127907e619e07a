/*
 * proto-dcerpc — connection-oriented DCERPC (C706, MS-RPCE) over an SMB2
 * named pipe: bind and bind_ack, then requests and responses, one PDU per
 * write and read, as Windows clients talk to \PIPE\svcctl.  The stubs of
 * MS-SCMR's calls (OpenSCManagerW, CreateServiceW, StartServiceW,
 * DeleteService, CloseServiceHandle) are NDR, built field by field, so
 * that remote service creation (PsExec-style, and ransomware removing
 * shadow copies through a service's command line) can be played.
 */
#include <string.h>

#include "scenario/proto.h"

enum { PT_REQUEST = 0, PT_RESPONSE = 2, PT_BIND = 11, PT_BIND_ACK = 12 };

/* NDR transfer syntax 8a885d04-1ceb-11c9-9fe8-08002b104860, version 2. */
static const uint8_t ndr_uuid[16] = {0x8a, 0x88, 0x5d, 0x04, 0x1c, 0xeb, 0x11, 0xc9,
				     0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60};
/* svcctl 367abb81-9844-35f1-ad32-98f038001003, version 2. */
static const uint8_t svcctl_uuid[16] = {0x36, 0x7a, 0xbb, 0x81, 0x98, 0x44, 0x35, 0xf1,
					0xad, 0x32, 0x98, 0xf0, 0x38, 0x00, 0x10, 0x03};

/* A UUID on the wire: its first three fields little-endian. */
static void put_uuid(struct sc_buf *b, const uint8_t u[16])
{
	sc_buf_le32(b, (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3]);
	sc_buf_le16(b, (uint16_t)(u[4] << 8 | u[5]));
	sc_buf_le16(b, (uint16_t)(u[6] << 8 | u[7]));
	sc_buf_put(b, u + 8, 8);
}

/* The 16-byte common header; frag_length is patched by pdu_done(). */
static void pdu_begin(struct sc_buf *b, uint8_t type, uint32_t id)
{
	sc_buf_u8(b, 5);
	sc_buf_u8(b, 0);
	sc_buf_u8(b, type);
	sc_buf_u8(b, 0x03); /* first and last fragment */
	sc_buf_put(b, "\x10\x00\x00\x00", 4); /* little-endian, ASCII, IEEE */
	sc_buf_le16(b, 0);
	sc_buf_le16(b, 0);
	sc_buf_le32(b, id);
}

static void pdu_done(struct sc_buf *b)
{
	sc_buf_set_le16(b, 8, (uint16_t)b->len);
}

static void write_then_read(struct smb2_client *cl, int h, struct sc_buf *req,
			    struct sc_buf *resp)
{
	smb2_write(cl, h, req->b, req->len);
	smb2_read_data(cl, h, resp->b, resp->len);
}

void dcerpc_pipe_bind(struct smb2_client *cl, int h, uint32_t *call_id, const uint8_t uuid[16],
		      uint16_t ver)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	uint32_t id = (*call_id)++;
	pdu_begin(&q, PT_BIND, id);
	sc_buf_le16(&q, 4280);
	sc_buf_le16(&q, 4280);
	sc_buf_le32(&q, 0);
	sc_buf_u8(&q, 1); /* one presentation context */
	sc_buf_zero(&q, 3);
	sc_buf_le16(&q, 0);
	sc_buf_u8(&q, 1);
	sc_buf_u8(&q, 0);
	put_uuid(&q, uuid);
	sc_buf_le16(&q, ver);
	sc_buf_le16(&q, 0);
	put_uuid(&q, ndr_uuid);
	sc_buf_le32(&q, 2);
	pdu_done(&q);

	pdu_begin(&a, PT_BIND_ACK, id);
	sc_buf_le16(&a, 4280);
	sc_buf_le16(&a, 4280);
	sc_buf_le32(&a, 0x000012a4);
	static const char port[] = "\\PIPE\\svcctl";
	sc_buf_le16(&a, sizeof(port));
	sc_buf_put(&a, port, sizeof(port));
	while (a.len % 4)
		sc_buf_u8(&a, 0);
	sc_buf_u8(&a, 1);
	sc_buf_zero(&a, 3);
	sc_buf_le16(&a, 0); /* acceptance */
	sc_buf_le16(&a, 0);
	put_uuid(&a, ndr_uuid);
	sc_buf_le32(&a, 2);
	pdu_done(&a);
	write_then_read(cl, h, &q, &a);
	sc_buf_free(&q);
	sc_buf_free(&a);
}

void dcerpc_pipe_call(struct smb2_client *cl, int h, uint32_t *call_id, uint16_t opnum,
		      const struct sc_buf *stub, const struct sc_buf *resp_stub)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	uint32_t id = (*call_id)++;
	pdu_begin(&q, PT_REQUEST, id);
	sc_buf_le32(&q, (uint32_t)stub->len);
	sc_buf_le16(&q, 0);
	sc_buf_le16(&q, opnum);
	sc_buf_put(&q, stub->b, stub->len);
	pdu_done(&q);
	pdu_begin(&a, PT_RESPONSE, id);
	sc_buf_le32(&a, (uint32_t)resp_stub->len);
	sc_buf_le16(&a, 0);
	sc_buf_u8(&a, 0);
	sc_buf_u8(&a, 0);
	sc_buf_put(&a, resp_stub->b, resp_stub->len);
	pdu_done(&a);
	write_then_read(cl, h, &q, &a);
	sc_buf_free(&q);
	sc_buf_free(&a);
}

void ndr_wstring(struct sc_buf *b, const char *s, bool ptr)
{
	if (ptr)
		sc_buf_le32(b, 0x00020000); /* referent id */
	uint32_t n = (uint32_t)strlen(s) + 1;
	sc_buf_le32(b, n);
	sc_buf_le32(b, 0);
	sc_buf_le32(b, n);
	for (; *s; s++)
		sc_buf_le16(b, (uint8_t)*s);
	sc_buf_le16(b, 0);
	while (b->len % 4)
		sc_buf_u8(b, 0);
}

/* An RPC context handle: 20 bytes, made up but stable per call. */
static void put_handle(struct sc_buf *b, uint32_t seed)
{
	sc_buf_le32(b, 0);
	for (int i = 0; i < 4; i++)
		sc_buf_le32(b, seed * 2654435761u + (uint32_t)i * 40503u);
}

/* One call whose response is a handle (or not) and a status of 0. */
static void scm_call(struct smb2_client *cl, int h, uint32_t *id, uint16_t opnum,
		     struct sc_buf *stub, uint32_t handle, bool tag_ptr)
{
	struct sc_buf r;
	sc_buf_init(&r);
	if (tag_ptr)
		sc_buf_le32(&r, 0); /* lpdwTagId: none */
	if (handle)
		put_handle(&r, handle);
	sc_buf_le32(&r, 0); /* ERROR_SUCCESS */
	dcerpc_pipe_call(cl, h, id, opnum, stub, &r);
	sc_buf_free(&r);
	sc_buf_reset(stub);
}

void svcctl_run_service(struct smb2_client *cl, const char *name, const char *command)
{
	int h = smb2_create(cl, "svcctl", false, false);
	if (h < 0)
		return;
	uint32_t id = 1;
	dcerpc_pipe_bind(cl, h, &id, svcctl_uuid, 2);
	struct sc_buf s;
	sc_buf_init(&s);
	/* OpenSCManagerW(machine, NULL database, SC_MANAGER_ALL_ACCESS) */
	ndr_wstring(&s, "\\\\FS01", true);
	sc_buf_le32(&s, 0);
	sc_buf_le32(&s, 0x000f003f);
	scm_call(cl, h, &id, 15, &s, 1, false);
	/* CreateServiceW(scm, name, display name, ..., command) */
	put_handle(&s, 1);
	ndr_wstring(&s, name, false);
	ndr_wstring(&s, name, true);
	sc_buf_le32(&s, 0x000f01ff); /* SERVICE_ALL_ACCESS */
	sc_buf_le32(&s, 0x00000010); /* SERVICE_WIN32_OWN_PROCESS */
	sc_buf_le32(&s, 3);	     /* SERVICE_DEMAND_START */
	sc_buf_le32(&s, 0);	     /* SERVICE_ERROR_IGNORE */
	ndr_wstring(&s, command, false);
	sc_buf_zero(&s, 4 * 7); /* load order group, tag, dependencies, size, start name,
				 * password, password size: none */
	scm_call(cl, h, &id, 12, &s, 2, true);
	/* StartServiceW(service, 0 arguments) */
	put_handle(&s, 2);
	sc_buf_le32(&s, 0);
	sc_buf_le32(&s, 0);
	scm_call(cl, h, &id, 19, &s, 0, false);
	/* DeleteService(service), CloseServiceHandle(service), (scm) */
	put_handle(&s, 2);
	scm_call(cl, h, &id, 2, &s, 0, false);
	put_handle(&s, 2);
	scm_call(cl, h, &id, 0, &s, 3, false);
	put_handle(&s, 1);
	scm_call(cl, h, &id, 0, &s, 3, false);
	sc_buf_free(&s);
	smb2_close(cl, h);
}
