/*
 * tcp — TCP headers and options (MSS, window scale, SACK-permitted, SACK,
 * timestamps, TCP Fast Open).
 *
 * Reads only the `len` bytes it is given (the IP payload).  As Suricata:
 * fewer than 20 bytes is tcp.pkt_too_small, a data offset past the end is
 * tcp.hlen_too_small, a data offset under 5 words is tcp.invalid_optlen
 * (the option length wraps past 40); an option whose length runs past the
 * option space, or is under 2, is tcp.opt_invalid_len, ends option parsing
 * and marks the packet invalid (its header is still decoded); a known option with the wrong length is tcp.opt_invalid_len and
 * is ignored (an empty SACK, length 2, is accepted as Suricata does); a repeated one is tcp.opt_duplicate.
 */
#include "decode/layers.h"

enum {
	TCP_HDR_LEN = 20,
	TCP_OPT_MAX = 40,
	OPT_EOL = 0,
	OPT_NOP = 1,
	OPT_MSS = 2,
	OPT_WS = 3,
	OPT_SACKOK = 4,
	OPT_SACK = 5,
	OPT_TS = 8,
	OPT_MD5 = 19,
	OPT_AO = 29,
	OPT_TFO = 34,
	OPT_EXP1 = 253,
	OPT_EXP2 = 254,
	TFO_EXP_MAGIC = 0xf989,
};

static bool tcp_opt_len_ok(uint8_t type, uint8_t olen)
{
	switch (type) {
	case OPT_MSS: return olen == 4;
	case OPT_WS: return olen == 3;
	case OPT_SACKOK: return olen == 2;
	case OPT_TS: return olen == 10;
	case OPT_SACK: return olen >= 2 && olen <= 34 && (olen - 2) % 8 == 0; /* empty is fine */
	case OPT_TFO: return olen == 2 || (olen >= 6 && olen <= 18 && olen % 2 == 0);
	default: return true;
	}
}

/* Returns the has_* flag of a tracked option, NULL for others. */
static bool *tcp_opt_flag(struct tcp_info *t, uint8_t type)
{
	switch (type) {
	case OPT_MSS: return &t->has_mss;
	case OPT_WS: return &t->has_wscale;
	case OPT_SACKOK: return &t->has_sackok;
	case OPT_SACK: return &t->has_sack;
	case OPT_TS: return &t->has_ts;
	case OPT_TFO: return &t->has_tfo;
	default: return NULL;
	}
}

static void tcp_opt_store(struct tcp_info *t, uint8_t type, const uint8_t *data)
{
	switch (type) {
	case OPT_MSS: t->mss = rd16(data); break;
	case OPT_WS: t->wscale = data[0]; break;
	case OPT_TS:
		t->ts_val = rd32(data);
		t->ts_ecr = rd32(data + 4);
		break;
	default: break;
	}
}

/*
 * Options outside the tracked set that Suricata still checks: MD5 (18
 * bytes) and TCP-AO (at least 4) make the packet invalid when wrong; the
 * experimental kinds 253/254 count as TFO when they carry the TFO magic
 * and must be 4 or 12 bytes long.
 */
static void tcp_opt_other(struct packet *p, uint8_t type, uint8_t olen, const uint8_t *data)
{
	struct tcp_info *t = &p->tcp;
	switch (type) {
	case OPT_MD5:
		if (olen != 18)
			decode_set_invalid(p, DECODE_EV_TCP_OPT_INVALID_LEN);
		break;
	case OPT_AO:
		if (olen < 4)
			decode_set_invalid(p, DECODE_EV_TCP_OPT_INVALID_LEN);
		break;
	case OPT_EXP1:
	case OPT_EXP2:
		if (olen != 4 && olen != 12) {
			decode_set_event(p, DECODE_EV_TCP_OPT_INVALID_LEN);
		} else if (rd16(data) == TFO_EXP_MAGIC) {
			if (t->has_tfo)
				decode_set_event(p, DECODE_EV_TCP_OPT_DUPLICATE);
			t->has_tfo = true;
		}
		break;
	default: break;
	}
}

static void decode_tcp_options(struct packet *p, const uint8_t *o, uint32_t len)
{
	struct tcp_info *t = &p->tcp;
	while (len > 0) {
		if (o[0] == OPT_EOL)
			break;
		if (o[0] == OPT_NOP) {
			o++;
			len--;
			continue;
		}
		if (len < 2)
			break;
		uint8_t type = o[0], olen = o[1];
		if (olen > len || olen < 2) {
			decode_set_invalid(p, DECODE_EV_TCP_OPT_INVALID_LEN);
			return;
		}
		bool *flag = tcp_opt_flag(t, type);
		if (flag == NULL)
			tcp_opt_other(p, type, olen, o + 2);
		if (flag != NULL) {
			if (!tcp_opt_len_ok(type, olen)) {
				decode_set_event(p, DECODE_EV_TCP_OPT_INVALID_LEN);
			} else if (*flag) {
				decode_set_event(p, DECODE_EV_TCP_OPT_DUPLICATE);
			} else {
				*flag = true;
				tcp_opt_store(t, type, o + 2);
			}
		}
		o += olen;
		len -= olen;
	}
}

void decode_tcp(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len)
{
	st->tcp++;
	if (len < TCP_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_TCP_PKT_TOO_SMALL);
		return;
	}
	uint32_t hlen = (d[12] >> 4) * 4u;
	if (len < hlen) {
		decode_set_invalid(p, DECODE_EV_TCP_HLEN_TOO_SMALL);
		return;
	}
	if (hlen < TCP_HDR_LEN) {
		decode_set_invalid(p, DECODE_EV_TCP_INVALID_OPTLEN);
		return;
	}
	struct tcp_info *t = &p->tcp;
	*t = (struct tcp_info){0};
	/* As Suricata, a bad option marks the packet invalid but the header
	 * is still decoded. */
	if (hlen > TCP_HDR_LEN)
		decode_tcp_options(p, d + TCP_HDR_LEN, hlen - TCP_HDR_LEN);
	p->l4_hdr = d;
	p->l4_len = len;
	p->sp = rd16(d);
	p->dp = rd16(d + 2);
	t->seq = rd32(d + 4);
	t->ack = rd32(d + 8);
	t->flags = d[13];
	if (t->flags & TCP_SYN) {
		if (t->flags & TCP_ACK)
			st->tcp_synack++;
		else
			st->tcp_syn++;
	}
	if (t->flags & TCP_RST)
		st->tcp_rst++;
	t->win = rd16(d + 14);
	t->urg_ptr = rd16(d + 18);
	t->hlen = (uint8_t)hlen;
	p->payload = d + hlen;
	p->payload_len = len - hlen;
}
