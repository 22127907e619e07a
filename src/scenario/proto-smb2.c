/*
 * proto-smb2 — an SMB 3.1.1 client conversation over direct TCP (445):
 * NEGOTIATE (with 3.1.1 negotiate contexts), SESSION_SETUP with SPNEGO-wrapped NTLMSSP (negotiate,
 * challenge, NTLMv2 authenticate), TREE_CONNECT, CREATE, READ, WRITE,
 * QUERY_DIRECTORY, SET_INFO (FileRenameInformation), CLOSE, LOGOFF, each answered by the
 * server; on IPC$, named pipes written and read (DCERPC, proto-dcerpc.c).  Messages are built field by field after MS-SMB2 2.2; message
 * ids advance by one per request (no request exceeds 64 KiB, so each
 * costs one credit).  Sessions are unsigned, as on most file servers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/proto.h"

#define SMB2_NEGOTIATE 0x0000
#define SMB2_SESSION_SETUP 0x0001
#define SMB2_LOGOFF 0x0002
#define SMB2_TREE_CONNECT 0x0003
#define SMB2_CREATE 0x0005
#define SMB2_CLOSE 0x0006
#define SMB2_READ 0x0008
#define SMB2_WRITE 0x0009
#define SMB2_QUERY_DIRECTORY 0x000e
#define SMB2_SET_INFO 0x0011

#define STATUS_SUCCESS 0x00000000u
#define STATUS_MORE_PROCESSING 0xc0000016u
#define STATUS_LOGON_FAILURE 0xc000006du
#define STATUS_NO_MORE_FILES 0x80000006u

#define SMB2_MAX_HANDLES 64

static const uint8_t oid_spnego[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
static const uint8_t oid_ntlmssp[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

struct smb2_client {
	struct sc_tcp *s;
	struct sc_rng *r;
	char domain[64], user[64], workstation[64];
	char server[16]; /* NetBIOS name of the server, from its hostname */
	uint64_t msg_id, session_id;
	uint32_t tree_id;
	uint8_t handles[SMB2_MAX_HANDLES][16];
	uint64_t sizes[SMB2_MAX_HANDLES];
	bool used[SMB2_MAX_HANDLES];
	uint8_t av_pairs[512];
	size_t av_len;
	uint64_t filetime; /* Windows FILETIME of "now" */
};

/* ---- small encoders ---- */

static void utf16(struct sc_buf *b, const char *s)
{
	for (; *s; s++)
		sc_buf_le16(b, (uint8_t)*s);
}

static void der(struct sc_buf *out, uint8_t tag, const uint8_t *p, size_t n)
{
	sc_buf_u8(out, tag);
	if (n < 0x80) {
		sc_buf_u8(out, (uint8_t)n);
	} else if (n < 0x100) {
		sc_buf_u8(out, 0x81);
		sc_buf_u8(out, (uint8_t)n);
	} else {
		sc_buf_u8(out, 0x82);
		sc_buf_be16(out, (uint16_t)n);
	}
	sc_buf_put(out, p, n);
}

/* Wraps the whole of b in tag (b = tag len b). */
static void der_wrap(struct sc_buf *b, uint8_t tag)
{
	struct sc_buf t;
	sc_buf_init(&t);
	der(&t, tag, b->b, b->len);
	sc_buf_reset(b);
	sc_buf_put(b, t.b, t.len);
	sc_buf_free(&t);
}

static uint64_t filetime_of(uint64_t unix_us)
{
	return unix_us * 10 + 116444736000000000ULL;
}

/* ---- framing ---- */

static void header(struct sc_buf *b, struct smb2_client *cl, uint16_t cmd, bool resp,
		   uint32_t status, uint64_t msg_id)
{
	sc_buf_be32(b, 0); /* NetBIOS session message: length patched */
	sc_buf_put(b, "\xfeSMB", 4);
	sc_buf_le16(b, 64);
	sc_buf_le16(b, 1); /* credit charge */
	sc_buf_le32(b, resp ? status : 0);
	sc_buf_le16(b, cmd);
	sc_buf_le16(b, resp ? 32 : 31); /* credits requested / granted */
	sc_buf_le32(b, resp ? 1 : 0);
	sc_buf_le32(b, 0);
	sc_buf_le64(b, msg_id);
	sc_buf_le32(b, resp ? 0 : 0xfeff);
	sc_buf_le32(b, cmd == SMB2_NEGOTIATE || cmd == SMB2_SESSION_SETUP ? 0 : cl->tree_id);
	sc_buf_le64(b, cmd == SMB2_NEGOTIATE ? 0 : cl->session_id);
	sc_buf_zero(b, 16);
}

static void finish(struct sc_buf *b)
{
	sc_buf_set_be32(b, 0, (uint32_t)(b->len - 4));
}

/* Sends a request and, after the server's processing time, its response. */
static void exchange(struct smb2_client *cl, struct sc_buf *req, struct sc_buf *resp)
{
	finish(req);
	finish(resp);
	sc_tcp_send_buf(cl->s, SC_C2S, req);
	sc_tcp_wait(cl->s, sc_rng_range(cl->r, 80, 2 * SC_MS));
	sc_tcp_send_buf(cl->s, SC_S2C, resp);
	sc_tcp_wait(cl->s, sc_rng_range(cl->r, 50, 400));
	if (req->oom || resp->oom)
		cl->s->c->oom = true;
}

struct smb2_client *smb2_client_new(struct sc_tcp *s, const char *domain, const char *user,
				    const char *workstation)
{
	struct smb2_client *cl = calloc(1, sizeof(*cl));
	if (!cl) {
		s->c->oom = true;
		return NULL;
	}
	cl->s = s;
	cl->r = &s->c->rng;
	snprintf(cl->domain, sizeof(cl->domain), "%s", domain);
	snprintf(cl->user, sizeof(cl->user), "%s", user);
	snprintf(cl->workstation, sizeof(cl->workstation), "%s", workstation);
	cl->filetime = filetime_of(s->c->t0_us + s->t);
	const char *n = s->srv->name ? s->srv->name : "SERVER";
	size_t i = 0;
	for (; n[i] && n[i] != '.' && i + 1 < sizeof(cl->server); i++)
		cl->server[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
	cl->server[i] = '\0';
	return cl;
}

void smb2_client_free(struct smb2_client *cl)
{
	free(cl);
}

/* ---- NEGOTIATE and SESSION_SETUP ---- */

static void spnego_init_token(struct sc_buf *out, const uint8_t *mech_token, size_t n)
{
	struct sc_buf mech, seq;
	sc_buf_init(&mech);
	sc_buf_init(&seq);
	der(&mech, 0x06, oid_ntlmssp, sizeof(oid_ntlmssp));
	der_wrap(&mech, 0x30);
	der_wrap(&mech, 0xa0);
	sc_buf_put(&seq, mech.b, mech.len);
	if (mech_token) {
		struct sc_buf tok;
		sc_buf_init(&tok);
		der(&tok, 0x04, mech_token, n);
		der_wrap(&tok, 0xa2);
		sc_buf_put(&seq, tok.b, tok.len);
		sc_buf_free(&tok);
	}
	der_wrap(&seq, 0x30);
	der_wrap(&seq, 0xa0);
	sc_buf_reset(out);
	der(out, 0x06, oid_spnego, sizeof(oid_spnego));
	sc_buf_put(out, seq.b, seq.len);
	der_wrap(out, 0x60);
	sc_buf_free(&mech);
	sc_buf_free(&seq);
}

static void spnego_resp_token(struct sc_buf *out, int state, bool mech, const uint8_t *tok,
			      size_t n)
{
	struct sc_buf seq, t;
	sc_buf_init(&seq);
	sc_buf_init(&t);
	uint8_t st[3] = {0x0a, 0x01, (uint8_t)state};
	der(&seq, 0xa0, st, 3);
	if (mech) {
		der(&t, 0x06, oid_ntlmssp, sizeof(oid_ntlmssp));
		der(&seq, 0xa1, t.b, t.len);
	}
	if (tok) {
		sc_buf_reset(&t);
		der(&t, 0x04, tok, n);
		der(&seq, 0xa2, t.b, t.len);
	}
	der_wrap(&seq, 0x30);
	der_wrap(&seq, 0xa1);
	sc_buf_reset(out);
	sc_buf_put(out, seq.b, seq.len);
	sc_buf_free(&seq);
	sc_buf_free(&t);
}

static void spnego_auth_token(struct sc_buf *out, const uint8_t *tok, size_t n)
{
	struct sc_buf t;
	sc_buf_init(&t);
	der(&t, 0x04, tok, n);
	der_wrap(&t, 0xa2);
	der_wrap(&t, 0x30);
	der_wrap(&t, 0xa1);
	sc_buf_reset(out);
	sc_buf_put(out, t.b, t.len);
	sc_buf_free(&t);
}

static void ntlm_version(struct sc_buf *b)
{
	static const uint8_t v[8] = {10, 0, 0x61, 0x4a, 0, 0, 0, 15}; /* 10.0.19041, NTLM 15 */
	sc_buf_put(b, v, 8);
}

static void ntlm_field(struct sc_buf *b, size_t len, size_t off)
{
	sc_buf_le16(b, (uint16_t)len);
	sc_buf_le16(b, (uint16_t)len);
	sc_buf_le32(b, (uint32_t)off);
}

static void ntlm_negotiate(struct sc_buf *b)
{
	sc_buf_put(b, "NTLMSSP", 8);
	sc_buf_le32(b, 1);
	sc_buf_le32(b, 0xe2088297);
	ntlm_field(b, 0, 0);
	ntlm_field(b, 0, 0);
	ntlm_version(b);
}

static void av_pair(struct sc_buf *b, uint16_t id, const char *s)
{
	sc_buf_le16(b, id);
	sc_buf_le16(b, (uint16_t)(2 * strlen(s)));
	utf16(b, s);
}

static void ntlm_challenge(struct smb2_client *cl, struct sc_buf *b, const char *server)
{
	struct sc_buf av;
	sc_buf_init(&av);
	char dns_dom[96], dns_host[160];
	snprintf(dns_dom, sizeof(dns_dom), "%s.local", cl->domain);
	for (char *p = dns_dom; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	snprintf(dns_host, sizeof(dns_host), "%s.%s", server, dns_dom);
	av_pair(&av, 2, cl->domain);
	av_pair(&av, 1, server);
	av_pair(&av, 4, dns_dom);
	av_pair(&av, 3, dns_host);
	sc_buf_le16(&av, 7);
	sc_buf_le16(&av, 8);
	sc_buf_le64(&av, cl->filetime);
	sc_buf_le32(&av, 0); /* MsvAvEOL */
	cl->av_len = av.len < sizeof(cl->av_pairs) ? av.len : 0;
	if (cl->av_len)
		memcpy(cl->av_pairs, av.b, av.len);

	size_t name_len = 2 * strlen(cl->domain);
	sc_buf_put(b, "NTLMSSP", 8);
	sc_buf_le32(b, 2);
	ntlm_field(b, name_len, 56);
	sc_buf_le32(b, 0xe28a8215);
	sc_buf_rand(b, cl->r, 8);
	sc_buf_zero(b, 8);
	ntlm_field(b, av.len, 56 + name_len);
	ntlm_version(b);
	utf16(b, cl->domain);
	sc_buf_put(b, av.b, av.len);
	sc_buf_free(&av);
}

static void ntlm_authenticate(struct smb2_client *cl, struct sc_buf *b)
{
	struct sc_buf nt;
	sc_buf_init(&nt);
	sc_buf_rand(&nt, cl->r, 16); /* NTProofStr */
	sc_buf_u8(&nt, 1);
	sc_buf_u8(&nt, 1);
	sc_buf_zero(&nt, 6);
	sc_buf_le64(&nt, cl->filetime);
	sc_buf_rand(&nt, cl->r, 8);
	sc_buf_zero(&nt, 4);
	sc_buf_put(&nt, cl->av_pairs, cl->av_len);
	sc_buf_zero(&nt, 4);

	size_t dom = 2 * strlen(cl->domain), usr = 2 * strlen(cl->user),
	       ws = 2 * strlen(cl->workstation);
	size_t off = 88;
	sc_buf_put(b, "NTLMSSP", 8);
	sc_buf_le32(b, 3);
	ntlm_field(b, 24, off);
	ntlm_field(b, nt.len, off + 24);
	ntlm_field(b, dom, off + 24 + nt.len);
	ntlm_field(b, usr, off + 24 + nt.len + dom);
	ntlm_field(b, ws, off + 24 + nt.len + dom + usr);
	ntlm_field(b, 16, off + 24 + nt.len + dom + usr + ws);
	sc_buf_le32(b, 0xe2888215);
	ntlm_version(b);
	sc_buf_rand(b, cl->r, 16); /* MIC */
	sc_buf_zero(b, 24);
	sc_buf_put(b, nt.b, nt.len);
	utf16(b, cl->domain);
	utf16(b, cl->user);
	utf16(b, cl->workstation);
	sc_buf_rand(b, cl->r, 16);
	sc_buf_free(&nt);
}

static void align8(struct sc_buf *b, size_t base)
{
	while ((b->len - base) % 8)
		sc_buf_u8(b, 0);
}

/* SMB 3.1.1 negotiate contexts: pre-auth integrity (SHA-512) and encryption. */
static void negotiate_contexts(struct smb2_client *cl, struct sc_buf *b, size_t base, bool resp)
{
	sc_buf_le16(b, 1);
	sc_buf_le16(b, 38);
	sc_buf_le32(b, 0);
	sc_buf_le16(b, 1);
	sc_buf_le16(b, 32);
	sc_buf_le16(b, 0x0001);
	sc_buf_rand(b, cl->r, 32);
	align8(b, base);
	sc_buf_le16(b, 2);
	sc_buf_le16(b, resp ? 4 : 6);
	sc_buf_le32(b, 0);
	sc_buf_le16(b, resp ? 1 : 2);
	sc_buf_le16(b, 0x0002); /* AES-128-GCM */
	if (!resp)
		sc_buf_le16(b, 0x0001); /* AES-128-CCM */
}

static void negotiate(struct smb2_client *cl)
{
	struct sc_buf q, a, sec;
	sc_buf_init(&q);
	sc_buf_init(&a);
	sc_buf_init(&sec);
	static const uint16_t dialects[] = {0x0202, 0x0210, 0x0300, 0x0302, 0x0311};
	header(&q, cl, SMB2_NEGOTIATE, false, 0, cl->msg_id);
	size_t base = 4; /* offsets count from the SMB2 header */
	sc_buf_le16(&q, 36);
	sc_buf_le16(&q, 5);
	sc_buf_le16(&q, 1); /* signing enabled */
	sc_buf_le16(&q, 0);
	sc_buf_le32(&q, 0x7f);
	sc_buf_rand(&q, cl->r, 16);
	size_t ctx_off = q.len;
	sc_buf_le32(&q, 0); /* NegotiateContextOffset, patched */
	sc_buf_le16(&q, 2);
	sc_buf_le16(&q, 0);
	for (int i = 0; i < 5; i++)
		sc_buf_le16(&q, dialects[i]);
	align8(&q, base);
	sc_buf_set_le32(&q, ctx_off, (uint32_t)(q.len - base));
	negotiate_contexts(cl, &q, base, false);

	spnego_init_token(&sec, NULL, 0);
	header(&a, cl, SMB2_NEGOTIATE, true, STATUS_SUCCESS, cl->msg_id);
	sc_buf_le16(&a, 65);
	sc_buf_le16(&a, 1);
	sc_buf_le16(&a, 0x0311);
	sc_buf_le16(&a, 2); /* NegotiateContextCount */
	sc_buf_rand(&a, cl->r, 16);
	sc_buf_le32(&a, 0x2f);
	sc_buf_le32(&a, 8388608);
	sc_buf_le32(&a, 8388608);
	sc_buf_le32(&a, 8388608);
	sc_buf_le64(&a, cl->filetime);
	sc_buf_le64(&a, 0);
	sc_buf_le16(&a, 128);
	sc_buf_le16(&a, (uint16_t)sec.len);
	ctx_off = a.len;
	sc_buf_le32(&a, 0);
	sc_buf_put(&a, sec.b, sec.len);
	align8(&a, base);
	sc_buf_set_le32(&a, ctx_off, (uint32_t)(a.len - base));
	negotiate_contexts(cl, &a, base, true);
	cl->msg_id++;
	exchange(cl, &q, &a);
	sc_buf_free(&q);
	sc_buf_free(&a);
	sc_buf_free(&sec);
}

static void session_setup_req(struct smb2_client *cl, struct sc_buf *q, const struct sc_buf *sec)
{
	header(q, cl, SMB2_SESSION_SETUP, false, 0, cl->msg_id);
	sc_buf_le16(q, 25);
	sc_buf_u8(q, 0);
	sc_buf_u8(q, 1);
	sc_buf_le32(q, 1);
	sc_buf_le32(q, 0);
	sc_buf_le16(q, 88);
	sc_buf_le16(q, (uint16_t)sec->len);
	sc_buf_le64(q, 0);
	sc_buf_put(q, sec->b, sec->len);
}

static void session_setup_resp(struct smb2_client *cl, struct sc_buf *a, uint32_t status,
			       const struct sc_buf *sec)
{
	header(a, cl, SMB2_SESSION_SETUP, true, status, cl->msg_id);
	sc_buf_le16(a, 9);
	sc_buf_le16(a, 0);
	sc_buf_le16(a, sec->len ? 72 : 0);
	sc_buf_le16(a, (uint16_t)sec->len);
	if (sec->len)
		sc_buf_put(a, sec->b, sec->len);
	else
		sc_buf_u8(a, 0);
}

void smb2_negotiate_and_login(struct smb2_client *cl, bool success)
{
	struct sc_buf q, a, tok, sec;
	sc_buf_init(&q);
	sc_buf_init(&a);
	sc_buf_init(&tok);
	sc_buf_init(&sec);
	negotiate(cl);

	ntlm_negotiate(&tok);
	spnego_init_token(&sec, tok.b, tok.len);
	session_setup_req(cl, &q, &sec);
	cl->session_id = sc_rng_next(cl->r) & 0x0000ffffffffffffULL;
	sc_buf_reset(&tok);
	ntlm_challenge(cl, &tok, cl->server);
	spnego_resp_token(&sec, 1, true, tok.b, tok.len);
	session_setup_resp(cl, &a, STATUS_MORE_PROCESSING, &sec);
	cl->msg_id++;
	exchange(cl, &q, &a);

	sc_buf_reset(&q);
	sc_buf_reset(&a);
	sc_buf_reset(&tok);
	ntlm_authenticate(cl, &tok);
	spnego_auth_token(&sec, tok.b, tok.len);
	session_setup_req(cl, &q, &sec);
	sc_buf_reset(&sec);
	if (success)
		spnego_resp_token(&sec, 0, false, NULL, 0);
	session_setup_resp(cl, &a, success ? STATUS_SUCCESS : STATUS_LOGON_FAILURE, &sec);
	cl->msg_id++;
	exchange(cl, &q, &a);
	sc_buf_free(&q);
	sc_buf_free(&a);
	sc_buf_free(&tok);
	sc_buf_free(&sec);
}

void smb2_tree_connect(struct smb2_client *cl, const char *unc)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	header(&q, cl, SMB2_TREE_CONNECT, false, 0, cl->msg_id);
	sc_buf_le16(&q, 9);
	sc_buf_le16(&q, 0);
	sc_buf_le16(&q, 72);
	sc_buf_le16(&q, (uint16_t)(2 * strlen(unc)));
	utf16(&q, unc);
	cl->tree_id = (uint32_t)sc_rng_range(cl->r, 1, 12);
	header(&a, cl, SMB2_TREE_CONNECT, true, STATUS_SUCCESS, cl->msg_id);
	sc_buf_le16(&a, 16);
	size_t ul = strlen(unc);
	sc_buf_u8(&a, ul >= 4 && !strcmp(unc + ul - 4, "IPC$") ? 2 : 1); /* pipe / disk */
	sc_buf_u8(&a, 0);
	sc_buf_le32(&a, 0x00000800);
	sc_buf_le32(&a, 0);
	sc_buf_le32(&a, 0x001f01ff);
	/* The request went out before the server assigned the tree id. */
	sc_buf_set_le32(&q, 4 + 36, 0);
	cl->msg_id++;
	exchange(cl, &q, &a);
	sc_buf_free(&q);
	sc_buf_free(&a);
}

static void put_times(struct smb2_client *cl, struct sc_buf *b)
{
	uint64_t created = cl->filetime - sc_rng_below(cl->r, 36000000000ULL * 24 * 400);
	sc_buf_le64(b, created);
	sc_buf_le64(b, cl->filetime);
	sc_buf_le64(b, cl->filetime);
	sc_buf_le64(b, cl->filetime);
}

int smb2_create(struct smb2_client *cl, const char *path, bool create, bool dir)
{
	int h = -1;
	for (int i = 0; i < SMB2_MAX_HANDLES; i++)
		if (!cl->used[i]) {
			h = i;
			break;
		}
	if (h < 0)
		return -1;
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	header(&q, cl, SMB2_CREATE, false, 0, cl->msg_id);
	sc_buf_le16(&q, 57);
	sc_buf_u8(&q, 0);
	sc_buf_u8(&q, 0);
	sc_buf_le32(&q, 2); /* impersonation */
	sc_buf_le64(&q, 0);
	sc_buf_le64(&q, 0);
	sc_buf_le32(&q, dir ? 0x00100081 : 0x0013019f); /* read/write/delete/sync */
	sc_buf_le32(&q, dir ? 0x10 : 0x80);
	sc_buf_le32(&q, 7);
	sc_buf_le32(&q, create ? 5 /* OVERWRITE_IF */ : 1 /* OPEN */);
	sc_buf_le32(&q, dir ? 0x00000001 : 0x00000040);
	sc_buf_le16(&q, 120);
	sc_buf_le16(&q, (uint16_t)(2 * strlen(path)));
	sc_buf_le32(&q, 0);
	sc_buf_le32(&q, 0);
	if (*path)
		utf16(&q, path);
	else
		sc_buf_u8(&q, 0);
	uint64_t size = create ? 0 : sc_rng_range(cl->r, 40000, 900000);
	if (dir)
		size = 0;
	header(&a, cl, SMB2_CREATE, true, STATUS_SUCCESS, cl->msg_id);
	sc_buf_le16(&a, 89);
	sc_buf_u8(&a, 0);
	sc_buf_u8(&a, 0);
	sc_buf_le32(&a, create ? 2 : 1); /* created / opened */
	put_times(cl, &a);
	sc_buf_le64(&a, (size + 4095) & ~4095ULL);
	sc_buf_le64(&a, size);
	sc_buf_le32(&a, dir ? 0x10 : 0x20);
	sc_buf_le32(&a, 0);
	sc_rng_bytes(cl->r, cl->handles[h], 16);
	sc_buf_put(&a, cl->handles[h], 16);
	sc_buf_le32(&a, 0);
	sc_buf_le32(&a, 0);
	cl->used[h] = true;
	cl->sizes[h] = size;
	cl->msg_id++;
	exchange(cl, &q, &a);
	sc_buf_free(&q);
	sc_buf_free(&a);
	return h;
}

/* READ requests and their answers: `data` when given (a named pipe's
 * reply), else bytes that look like an Office document (a zip). */
static void read_chunks(struct smb2_client *cl, int h, const uint8_t *data, size_t len)
{
	if (h < 0 || h >= SMB2_MAX_HANDLES || !cl->used[h])
		return;
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	for (size_t off = 0; off < len; off += 65536) {
		size_t n = len - off > 65536 ? 65536 : len - off;
		sc_buf_reset(&q);
		sc_buf_reset(&a);
		header(&q, cl, SMB2_READ, false, 0, cl->msg_id);
		sc_buf_le16(&q, 49);
		sc_buf_u8(&q, 0x50);
		sc_buf_u8(&q, 0);
		sc_buf_le32(&q, (uint32_t)n);
		sc_buf_le64(&q, data ? 0 : off);
		sc_buf_put(&q, cl->handles[h], 16);
		sc_buf_le32(&q, 1);
		sc_buf_le32(&q, 0);
		sc_buf_le32(&q, 0);
		sc_buf_le16(&q, 0);
		sc_buf_le16(&q, 0);
		sc_buf_u8(&q, 0);
		header(&a, cl, SMB2_READ, true, STATUS_SUCCESS, cl->msg_id);
		sc_buf_le16(&a, 17);
		sc_buf_u8(&a, 80);
		sc_buf_u8(&a, 0);
		sc_buf_le32(&a, (uint32_t)n);
		sc_buf_le32(&a, 0);
		sc_buf_le32(&a, 0);
		size_t start = a.len;
		if (data) {
			sc_buf_put(&a, data + off, n);
		} else {
			/* Office documents are zip containers: PK header, then compressed data. */
			sc_buf_rand(&a, cl->r, n);
			if (off == 0 && n >= 4)
				memcpy(a.b + start, "PK\x03\x04", 4);
		}
		cl->msg_id++;
		exchange(cl, &q, &a);
	}
	sc_buf_free(&q);
	sc_buf_free(&a);
}

void smb2_read(struct smb2_client *cl, int h, size_t len)
{
	read_chunks(cl, h, NULL, len);
}

void smb2_read_data(struct smb2_client *cl, int h, const uint8_t *data, size_t len)
{
	read_chunks(cl, h, data, len);
}

void smb2_write(struct smb2_client *cl, int h, const uint8_t *data, size_t len)
{
	if (h < 0 || h >= SMB2_MAX_HANDLES || !cl->used[h])
		return;
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	for (size_t off = 0; off < len; off += 65536) {
		size_t n = len - off > 65536 ? 65536 : len - off;
		sc_buf_reset(&q);
		sc_buf_reset(&a);
		header(&q, cl, SMB2_WRITE, false, 0, cl->msg_id);
		sc_buf_le16(&q, 49);
		sc_buf_le16(&q, 112);
		sc_buf_le32(&q, (uint32_t)n);
		sc_buf_le64(&q, off);
		sc_buf_put(&q, cl->handles[h], 16);
		sc_buf_le32(&q, 0);
		sc_buf_le32(&q, 0);
		sc_buf_le16(&q, 0);
		sc_buf_le16(&q, 0);
		sc_buf_le32(&q, 0);
		sc_buf_put(&q, data + off, n);
		header(&a, cl, SMB2_WRITE, true, STATUS_SUCCESS, cl->msg_id);
		sc_buf_le16(&a, 17);
		sc_buf_le16(&a, 0);
		sc_buf_le32(&a, (uint32_t)n);
		sc_buf_le32(&a, 0);
		sc_buf_le16(&a, 0);
		sc_buf_le16(&a, 0);
		cl->msg_id++;
		exchange(cl, &q, &a);
	}
	sc_buf_free(&q);
	sc_buf_free(&a);
}

void smb2_rename(struct smb2_client *cl, int h, const char *new_path)
{
	if (h < 0 || h >= SMB2_MAX_HANDLES || !cl->used[h])
		return;
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	size_t nlen = 2 * strlen(new_path);
	header(&q, cl, SMB2_SET_INFO, false, 0, cl->msg_id);
	sc_buf_le16(&q, 33);
	sc_buf_u8(&q, 1);  /* SMB2_0_INFO_FILE */
	sc_buf_u8(&q, 10); /* FileRenameInformation */
	sc_buf_le32(&q, (uint32_t)(20 + nlen));
	sc_buf_le16(&q, 96);
	sc_buf_le16(&q, 0);
	sc_buf_le32(&q, 0);
	sc_buf_put(&q, cl->handles[h], 16);
	sc_buf_u8(&q, 0);
	sc_buf_zero(&q, 7);
	sc_buf_le64(&q, 0);
	sc_buf_le32(&q, (uint32_t)nlen);
	utf16(&q, new_path);
	header(&a, cl, SMB2_SET_INFO, true, STATUS_SUCCESS, cl->msg_id);
	sc_buf_le16(&a, 2);
	cl->msg_id++;
	exchange(cl, &q, &a);
	sc_buf_free(&q);
	sc_buf_free(&a);
}

void smb2_close(struct smb2_client *cl, int h)
{
	if (h < 0 || h >= SMB2_MAX_HANDLES || !cl->used[h])
		return;
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	header(&q, cl, SMB2_CLOSE, false, 0, cl->msg_id);
	sc_buf_le16(&q, 24);
	sc_buf_le16(&q, 1); /* POSTQUERY_ATTRIB */
	sc_buf_le32(&q, 0);
	sc_buf_put(&q, cl->handles[h], 16);
	header(&a, cl, SMB2_CLOSE, true, STATUS_SUCCESS, cl->msg_id);
	sc_buf_le16(&a, 60);
	sc_buf_le16(&a, 1);
	sc_buf_le32(&a, 0);
	put_times(cl, &a);
	sc_buf_le64(&a, (cl->sizes[h] + 4095) & ~4095ULL);
	sc_buf_le64(&a, cl->sizes[h]);
	sc_buf_le32(&a, 0x20);
	cl->used[h] = false;
	cl->msg_id++;
	exchange(cl, &q, &a);
	sc_buf_free(&q);
	sc_buf_free(&a);
}

void smb2_logoff(struct smb2_client *cl)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	header(&q, cl, SMB2_LOGOFF, false, 0, cl->msg_id);
	sc_buf_le16(&q, 4);
	sc_buf_le16(&q, 0);
	header(&a, cl, SMB2_LOGOFF, true, STATUS_SUCCESS, cl->msg_id);
	sc_buf_le16(&a, 4);
	sc_buf_le16(&a, 0);
	cl->msg_id++;
	exchange(cl, &q, &a);
	sc_buf_free(&q);
	sc_buf_free(&a);
}

static void query_dir_req(struct smb2_client *cl, struct sc_buf *q, int h, bool restart)
{
	header(q, cl, SMB2_QUERY_DIRECTORY, false, 0, cl->msg_id);
	sc_buf_le16(q, 33);
	sc_buf_u8(q, 0x25); /* FileIdBothDirectoryInformation */
	sc_buf_u8(q, restart ? 0x01 : 0x00);
	sc_buf_le32(q, 0);
	sc_buf_put(q, cl->handles[h], 16);
	sc_buf_le16(q, 96);
	sc_buf_le16(q, 2);
	sc_buf_le32(q, 65536);
	utf16(q, "*");
}

static void dir_entry(struct smb2_client *cl, struct sc_buf *b, const char *name, bool last)
{
	size_t start = b->len;
	bool dir = !strchr(name, '.') || !strcmp(name, ".") || !strcmp(name, "..");
	uint64_t size = dir ? 0 : sc_rng_range(cl->r, 12000, 900000);
	sc_buf_le32(b, 0); /* NextEntryOffset, patched */
	sc_buf_le32(b, 0);
	put_times(cl, b);
	sc_buf_le64(b, size);
	sc_buf_le64(b, (size + 4095) & ~4095ULL);
	sc_buf_le32(b, dir ? 0x10 : 0x20);
	sc_buf_le32(b, (uint32_t)(2 * strlen(name)));
	sc_buf_le32(b, 0);
	sc_buf_u8(b, 0);
	sc_buf_u8(b, 0);
	sc_buf_zero(b, 24);
	sc_buf_le16(b, 0);
	sc_buf_le64(b, sc_rng_range(cl->r, 1000, 900000));
	utf16(b, name);
	if (!last) {
		align8(b, start);
		sc_buf_set_le32(b, start, (uint32_t)(b->len - start));
	}
}

void smb2_list_dir(struct smb2_client *cl, int h, const char *const *names, size_t n)
{
	if (h < 0 || h >= SMB2_MAX_HANDLES || !cl->used[h])
		return;
	struct sc_buf q, a, list;
	sc_buf_init(&q);
	sc_buf_init(&a);
	sc_buf_init(&list);
	query_dir_req(cl, &q, h, true);
	dir_entry(cl, &list, ".", false);
	dir_entry(cl, &list, "..", n == 0);
	for (size_t i = 0; i < n; i++)
		dir_entry(cl, &list, names[i], i + 1 == n);
	header(&a, cl, SMB2_QUERY_DIRECTORY, true, STATUS_SUCCESS, cl->msg_id);
	sc_buf_le16(&a, 9);
	sc_buf_le16(&a, 72);
	sc_buf_le32(&a, (uint32_t)list.len);
	sc_buf_put(&a, list.b, list.len);
	cl->msg_id++;
	exchange(cl, &q, &a);
	/* The follow-up query ends the enumeration. */
	sc_buf_reset(&q);
	sc_buf_reset(&a);
	query_dir_req(cl, &q, h, false);
	header(&a, cl, SMB2_QUERY_DIRECTORY, true, STATUS_NO_MORE_FILES, cl->msg_id);
	sc_buf_le16(&a, 9);
	sc_buf_u8(&a, 0);
	sc_buf_u8(&a, 0);
	sc_buf_le32(&a, 0);
	sc_buf_u8(&a, 0);
	cl->msg_id++;
	exchange(cl, &q, &a);
	sc_buf_free(&q);
	sc_buf_free(&a);
	sc_buf_free(&list);
}
