/*
 * kw-udp.c — the udp.hdr sticky buffer (the 8-byte UDP header).
 */
#include "detect/detect-internal.h"

static int udp_hdr_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_UDP_HDR);
}

static const struct kw_def defs[] = {
    {"udp.hdr", NULL, "sticky buffer: UDP header", udp_hdr_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_STICKY},
};

const struct kw_family kw_family_udp = {defs, sizeof(defs) / sizeof(defs[0])};
