/*
 * kw-tcpheader.c — TCP header keywords: flags seq ack window tcp.mss and
 * the tcp.hdr sticky buffer.  Only decoded, non-fragment TCP packets match.
 *
 * flags follows Suricata: letters F S R P A U C E (C = CWR, E = ECE; 1/2
 * are the old names), 0 = no flags; modifier + (at least these), * (any
 * of these), ! (none of these); an optional ",mask" lists bits to ignore.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

static bool is_tcp(const struct packet *p)
{
	return p->proto == 6 && p->l4_hdr != NULL && !p->is_fragment;
}

struct flags_ctx {
	uint8_t bits, ignore;
	char mod;
};

static int flag_bit(char c)
{
	switch (c) {
	case 'F': return TCP_FIN;
	case 'S': return TCP_SYN;
	case 'R': return TCP_RST;
	case 'P': return TCP_PSH;
	case 'A': return TCP_ACK;
	case 'U': return TCP_URG;
	case 'C':
	case '1': return TCP_CWR;
	case 'E':
	case '2': return TCP_ECE;
	case '0': return 0;
	}
	return -1;
}

static int flags_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	const struct flags_ctx *c = ctx;
	if (!is_tcp(p))
		return 0;
	uint8_t f = p->tcp.flags & (uint8_t)~c->ignore;
	switch (c->mod) {
	case '+': return (f & c->bits) == c->bits;
	case '*': return (f & c->bits) != 0 || c->bits == 0;
	case '!': return (f & c->bits) == 0 && !(c->bits == 0 && f == 0);
	default: return f == c->bits;
	}
}

static int flags_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64], *f[3];
	snprintf(buf, sizeof(buf), "%s", arg);
	int n = str_split(buf, ',', f, 3);
	struct flags_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	if (n < 1 || n > 2 || f[0][0] == '\0')
		goto bad;
	bool any_letter = false;
	for (const char *s = f[0]; *s; s++) {
		if (*s == '+' || *s == '*' || *s == '!') {
			if (c->mod != 0 || s != f[0])
				goto bad;
			c->mod = *s;
			continue;
		}
		int b = flag_bit(*s);
		if (b < 0)
			goto bad;
		c->bits |= (uint8_t)b;
		any_letter = true;
	}
	if (!any_letter)
		goto bad;
	if (n == 2) {
		for (const char *s = f[1]; *s; s++) {
			int b = flag_bit(*s);
			if (b <= 0)
				goto bad;
			c->ignore |= (uint8_t)b;
		}
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("flags"), c) == NULL) {
		free(c);
		return -1;
	}
	return 0;
bad:
	pc_error(pc, "invalid flags '%s'", arg);
	free(c);
	return -1;
}

static int seq_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	return is_tcp(p) && u64_cmp_match(ctx, p->tcp.seq);
}

static int seq_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "seq", arg, UINT32_MAX);
}

static int ack_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	return is_tcp(p) && u64_cmp_match(ctx, p->tcp.ack);
}

static int ack_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "ack", arg, UINT32_MAX);
}

static int window_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			const void *ctx)
{
	return is_tcp(p) && u64_cmp_match(ctx, p->tcp.win);
}

static int window_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "window", arg, 65535);
}

static int mss_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	return is_tcp(p) && p->tcp.has_mss && u64_cmp_match(ctx, p->tcp.mss);
}

static int mss_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "tcp.mss", arg, 65535);
}

static int tcp_hdr_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_TCP_HDR);
}

static const struct kw_def defs[] = {
    {"flags", "tcp.flags", "TCP flags", flags_setup, flags_match, NULL, NULL, 0},
    {"seq", "tcp.seq", "TCP sequence number", seq_setup, seq_match, NULL, NULL, 0},
    {"ack", "tcp.ack", "TCP acknowledgement number", ack_setup, ack_match, NULL, NULL, 0},
    {"window", "tcp.window", "TCP window size", window_setup, window_match, NULL, NULL, 0},
    {"tcp.mss", NULL, "TCP MSS option value", mss_setup, mss_match, NULL, NULL, 0},
    {"tcp.hdr", NULL, "sticky buffer: TCP header", tcp_hdr_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_STICKY},
};

const struct kw_family kw_family_tcpheader = {defs, sizeof(defs) / sizeof(defs[0])};
