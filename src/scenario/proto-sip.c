/*
 * proto-sip — SIP (RFC 3261) over UDP between a carrier's session border
 * controller and a public-safety answering point: an emergency INVITE
 * (urn:service:sos, RFC 5031) with SDP, 100 Trying, 180 Ringing, 200 OK
 * with SDP, ACK, and after the call BYE / 200 OK.  Via branches, tags and
 * Call-IDs are fresh per call; Content-Length always matches the body.
 */
#include <stdio.h>
#include <string.h>

#include "scenario/proto.h"

struct sip_call {
	struct sc_ctx *c;
	struct sc_host *caller, *callee;
	const char *from_uri, *to_uri;
	char call_id[64], from_tag[20], to_tag[20], branch[32];
	unsigned cseq;
};

static void token(struct sc_rng *r, char *out, size_t n)
{
	static const char a[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	for (size_t i = 0; i + 1 < n; i++)
		out[i] = a[sc_rng_below(r, sizeof(a) - 1)];
	out[n - 1] = '\0';
}

static void sdp(struct sc_buf *b, const struct sc_host *h, uint16_t rtp_port, unsigned sess)
{
	char ip[46];
	sc_host_addr_str(h, ip, sizeof(ip));
	sc_buf_printf(
	    b,
	    "v=0\r\no=- %u %u IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
	    "m=audio %u RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
	    "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
	    "a=sendrecv\r\n",
	    sess, sess, ip, ip, rtp_port);
}

/* Writes a request (method != NULL) or response (status) with optional SDP body. */
static void message(struct sip_call *k, struct sc_buf *b, const char *method, int status,
		    const char *reason, const char *cseq_method, bool to_tag,
		    const struct sc_buf *body)
{
	char cip[46], sip[46];
	sc_host_addr_str(k->caller, cip, sizeof(cip));
	sc_host_addr_str(k->callee, sip, sizeof(sip));
	if (method)
		sc_buf_printf(b, "%s %s SIP/2.0\r\n", method, k->to_uri);
	else
		sc_buf_printf(b, "SIP/2.0 %d %s\r\n", status, reason);
	sc_buf_printf(b, "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK%s\r\n", cip, k->branch);
	if (method)
		sc_buf_puts(b, "Max-Forwards: 70\r\n");
	sc_buf_printf(b, "From: <%s>;tag=%s\r\n", k->from_uri, k->from_tag);
	if (to_tag)
		sc_buf_printf(b, "To: <%s>;tag=%s\r\n", k->to_uri, k->to_tag);
	else
		sc_buf_printf(b, "To: <%s>\r\n", k->to_uri);
	sc_buf_printf(b, "Call-ID: %s\r\nCSeq: %u %s\r\n", k->call_id, k->cseq, cseq_method);
	if (method && !strcmp(method, "INVITE"))
		sc_buf_printf(b,
			      "Contact: <sip:%s:5060>\r\nP-Asserted-Identity: <%s>\r\n"
			      "Priority: emergency\r\nAllow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n",
			      cip, k->from_uri);
	if (!method && status == 200 && !strcmp(cseq_method, "INVITE"))
		sc_buf_printf(b, "Contact: <sip:%s:5060>\r\n", sip);
	sc_buf_puts(b, "User-Agent: AudioCodes-Mediant-SBC/7.40\r\n");
	if (body && body->len) {
		sc_buf_puts(b, "Content-Type: application/sdp\r\n");
		sc_buf_printf(b, "Content-Length: %zu\r\n\r\n", body->len);
		sc_buf_put(b, body->b, body->len);
	} else {
		sc_buf_puts(b, "Content-Length: 0\r\n\r\n");
	}
}

static void send_msg(struct sip_call *k, uint64_t t, bool from_caller, struct sc_buf *b)
{
	if (from_caller)
		sc_emit_udp(k->c, t, k->caller, 5060, k->callee, 5060, b->b, b->len);
	else
		sc_emit_udp(k->c, t, k->callee, 5060, k->caller, 5060, b->b, b->len);
	if (b->oom)
		k->c->oom = true;
	sc_buf_reset(b);
}

uint64_t sc_sip_call(struct sc_ctx *c, uint64_t t, struct sc_host *caller, const char *caller_uri,
		     struct sc_host *callee, const char *callee_uri, uint64_t duration_us)
{
	struct sc_rng *r = &c->rng;
	struct sip_call k = {.c = c,
			     .caller = caller,
			     .callee = callee,
			     .from_uri = caller_uri,
			     .to_uri = callee_uri,
			     .cseq = (unsigned)sc_rng_range(r, 1, 200)};
	char cid[24];
	token(r, cid, sizeof(cid));
	snprintf(k.call_id, sizeof(k.call_id), "%s@sbc.carrier.net", cid);
	token(r, k.from_tag, sizeof(k.from_tag));
	token(r, k.to_tag, sizeof(k.to_tag));
	token(r, k.branch, sizeof(k.branch));
	sc_step_flow(c, 17, caller, 5060, callee, 5060);
	struct sc_buf b, body;
	sc_buf_init(&b);
	sc_buf_init(&body);
	sdp(&body, caller, (uint16_t)(2 * sc_rng_range(r, 5000, 15000)),
	    (unsigned)sc_rng_range(r, 100000, 999999));
	message(&k, &b, "INVITE", 0, NULL, "INVITE", false, &body);
	send_msg(&k, t, true, &b);
	t += sc_rng_range(r, 2 * SC_MS, 20 * SC_MS);
	message(&k, &b, NULL, 100, "Trying", "INVITE", false, NULL);
	send_msg(&k, t, false, &b);
	t += sc_rng_range(r, 50 * SC_MS, 300 * SC_MS);
	message(&k, &b, NULL, 180, "Ringing", "INVITE", true, NULL);
	send_msg(&k, t, false, &b);
	t += sc_rng_range(r, 2 * SC_SEC, 8 * SC_SEC); /* call-taker answers */
	sc_buf_reset(&body);
	sdp(&body, callee, (uint16_t)(2 * sc_rng_range(r, 5000, 15000)),
	    (unsigned)sc_rng_range(r, 100000, 999999));
	message(&k, &b, NULL, 200, "OK", "INVITE", true, &body);
	send_msg(&k, t, false, &b);
	t += sc_rng_range(r, 10 * SC_MS, 40 * SC_MS);
	token(r, k.branch, sizeof(k.branch));
	message(&k, &b, "ACK", 0, NULL, "ACK", true, NULL);
	send_msg(&k, t, true, &b);
	t += duration_us;
	token(r, k.branch, sizeof(k.branch));
	k.cseq++;
	message(&k, &b, "BYE", 0, NULL, "BYE", true, NULL);
	send_msg(&k, t, true, &b);
	t += sc_rng_range(r, 5 * SC_MS, 30 * SC_MS);
	message(&k, &b, NULL, 200, "OK", "BYE", true, NULL);
	send_msg(&k, t, false, &b);
	sc_buf_free(&b);
	sc_buf_free(&body);
	return t;
}
