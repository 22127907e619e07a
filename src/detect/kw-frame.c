/*
 * kw-frame.c — the `frame` sticky buffer (Suricata 7's detect-frame.c,
 * rules doc "app-layer: frame"): `frame:<proto>.<type>` or, in a rule of
 * an app protocol, the short `frame:<type>` ("frame:pdu" in a tls rule,
 * "frame:smb1.hdr" in an smb rule).  The rule then runs on each frame of
 * that type ready on a packet of the frame's direction (app/frame.h), its
 * content keywords anchored at the frame's first byte.  A tcp/udp rule
 * with the long form becomes a rule of that protocol.  As Suricata: only
 * TCP and UDP rules, one frame per rule, and no packet, stream or
 * transaction keyword beside it (base64_data on the frame is fine).
 */
#include <stdio.h>
#include <string.h>

#include "app/frame.h"
#include "detect/detect-internal.h"

static int frame_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	bool tcp = r->h.proto_any || (r->h.protos[0] & (1u << 6));
	bool udp = r->h.proto_any || (r->h.protos[2] & (1u << 1));
	if ((!tcp && !udp) || (r->h.proto_flags & RP_TCP_PKT)) {
		pc_error(pc, "'frame' keyword only supported for TCP and UDP streams");
		return -1;
	}
	if (r->flags & RF_FRAME) {
		pc_error(pc, "only one 'frame' per rule");
		return -1;
	}
	char name[96];
	snprintf(name, sizeof(name), "%s", arg);
	enum app_proto rule_proto = (r->h.proto_flags & RP_APP)
					? app_proto_by_name(r->h.app_proto)
					: APP_PROTO_UNKNOWN;
	enum app_proto proto = APP_PROTO_UNKNOWN;
	const char *type_name = name;
	char *dot = strchr(name, '.');
	if (dot != NULL) {
		*dot = '\0';
		proto = app_proto_by_name(name);
		if (proto != APP_PROTO_UNKNOWN)
			type_name = dot + 1;
		else
			*dot = '.'; /* a short name with a dot: "smb1.hdr" */
	}
	bool is_short = proto == APP_PROTO_UNKNOWN;
	if (is_short) {
		if (rule_proto == APP_PROTO_UNKNOWN) {
			pc_error(pc, "rule protocol unknown, can't use shorthand notation for frame '%s'",
				 arg);
			return -1;
		}
		proto = rule_proto;
	} else if (rule_proto != APP_PROTO_UNKNOWN && rule_proto != proto) {
		pc_error(pc, "frame '%s' protocol mismatch with rule protocol '%s'", arg,
			 r->h.app_proto);
		return -1;
	}
	const struct app_protocol *ap = app_protocol(proto);
	bool on_tcp = ap != NULL && (ap->ipprotos & APP_IPPROTO_TCP);
	bool on_udp = ap != NULL && (ap->ipprotos & APP_IPPROTO_UDP);
	if ((tcp && !udp && !on_tcp) || (udp && !tcp && !on_udp)) {
		pc_error(pc, "protocol '%s' has no frames over %s", app_proto_name(proto),
			 tcp ? "TCP" : "UDP");
		return -1;
	}
	int type = app_frame_type_by_name(proto, type_name);
	if (type < 0) {
		pc_error(pc, "unknown frame '%s' for protocol '%s'", type_name,
			 app_proto_name(proto));
		return -1;
	}
	/* what may stand beside the frame is checked once the rule is read
	 * (rule_finish_frame), whichever side of it the other keywords are */
	r->frame_proto = (uint8_t)proto;
	r->frame_type = (uint8_t)type;
	r->flags |= RF_FRAME;
	if (rule_proto == APP_PROTO_UNKNOWN)
		r->h.app = (uint8_t)proto; /* the rule is on that protocol's flows */
	return sticky_buffer_select(pc, r, BUF_FRAME);
}

static const struct kw_def defs[] = {
    {"frame", NULL, "sticky buffer: an app-layer frame ([proto.]type)", frame_setup, NULL, NULL,
     NULL, 0},
};

const struct kw_family kw_family_frame = {defs, sizeof(defs) / sizeof(defs[0])};

/* A frame rule has nothing but the frame (and base64_data on it) besides
 * packet-independent keywords: checked once the whole rule is read. */
int rule_finish_frame(struct parse_ctx *pc, struct rule *r)
{
	if (!(r->flags & RF_FRAME))
		return 0;
	if (r->tx_proto != APP_PROTO_UNKNOWN || (r->flags & RF_APP_BUF)) {
		pc_error(pc, "'frame' with transaction keywords or buffers");
		return -1;
	}
	for (uint32_t i = 0; i < r->nbufs; i++) {
		int b = r->bufs[i].buf_id;
		if (b != BUF_FRAME && b != BUF_BASE64 && r->bufs[i].sms.n > 0) {
			pc_error(pc, "'frame' with content on another buffer");
			return -1;
		}
	}
	return 0;
}
