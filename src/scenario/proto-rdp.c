/*
 * proto-rdp — the start of an RDP connection (MS-RDPBCGR 2.2.1.1/2.2.1.2):
 * TPKT + X.224 Connection Request carrying the "mstshash" cookie and an
 * RDP negotiation request for TLS/CredSSP, the server's Connection
 * Confirm selecting CredSSP (NLA), then the TLS handshake and CredSSP
 * exchange as opaque TLS records.  A failed logon ends with the server
 * closing the connection, as Windows does after a bad NLA credential.
 */
#include <string.h>

#include "scenario/proto.h"

static void tpkt_x224(struct sc_buf *b, uint8_t code, const char *cookie, uint8_t neg_type,
		      uint32_t protocols, uint16_t src_ref)
{
	size_t clen = cookie ? strlen("Cookie: mstshash=") + strlen(cookie) + 2 : 0;
	size_t li = 6 + clen + 8;
	sc_buf_u8(b, 3);
	sc_buf_u8(b, 0);
	sc_buf_be16(b, (uint16_t)(4 + 1 + li));
	sc_buf_u8(b, (uint8_t)li);
	sc_buf_u8(b, code);
	sc_buf_be16(b, code == 0xe0 ? 0 : 0x1234);
	sc_buf_be16(b, src_ref);
	sc_buf_u8(b, 0);
	if (cookie)
		sc_buf_printf(b, "Cookie: mstshash=%s\r\n", cookie);
	sc_buf_u8(b, neg_type);
	sc_buf_u8(b, neg_type == 2 ? 0x1f : 0);
	sc_buf_le16(b, 8);
	sc_buf_le32(b, protocols);
}

void sc_rdp_connect_attempt(struct sc_tcp *s, const char *cookie_user, bool nla)
{
	struct sc_buf b;
	sc_buf_init(&b);
	tpkt_x224(&b, 0xe0, cookie_user, 1, nla ? 0x3 : 0x1, 0);
	sc_tcp_send_buf(s, SC_C2S, &b);
	sc_tcp_wait(s, sc_rng_range(&s->c->rng, 300, 3 * SC_MS));
	sc_buf_reset(&b);
	tpkt_x224(&b, 0xd0, NULL, 2, nla ? 0x2 : 0x1, 0x1234);
	sc_tcp_send_buf(s, SC_S2C, &b);
	sc_buf_free(&b);
	struct tls_session_plan p = {
	    .client = &tls_profile_schannel_beacon,
	    .sni = NULL,
	    .cert_cn = s->srv->name ? s->srv->name : "server",
	    .cert_org = NULL,
	    .server_cipher = 0xc030,
	    .rounds = 3,
	    .req_bytes = 300,
	    .resp_bytes = 200,
	    .think_ms = 40,
	};
	sc_tls_session(s, &p);
}
