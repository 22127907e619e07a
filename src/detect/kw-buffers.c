/*
 * kw-buffers.c — the inspection buffers a rule's content can be attached
 * to, and the sticky-buffer keywords that select them.
 *
 * Every buffer has an id in one table.  A buffer whose getter is NULL is
 * known by name but not produced yet (the app-layer issue will fill them
 * in): a rule using it is skipped as "unsupported keyword", never loaded to
 * silently never match.  Getters return a view into the packet; they
 * never copy and never read past the lengths decode recorded.
 */
#include <string.h>

#include "detect/detect-internal.h"

static bool get_payload(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	if (index > 0)
		return false;
	if (p->payload == NULL || p->payload_len == 0)
		return false;
	*d = p->payload;
	*l = p->payload_len;
	return true;
}

static bool get_ipv4_hdr(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	if (index > 0)
		return false;
	if (p->ip_version != 4 || p->ip_hdr == NULL)
		return false;
	*d = p->ip_hdr;
	*l = p->ip_hdr_len;
	return true;
}

static bool get_ipv6_hdr(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	if (index > 0)
		return false;
	if (p->ip_version != 6 || p->ip_hdr == NULL)
		return false;
	/* Suricata's ipv6.hdr includes the extension headers. */
	*d = p->ip_hdr;
	*l = p->ip_hdr_len;
	return true;
}

static bool get_l4(const struct packet *p, uint8_t proto, uint32_t hl, const uint8_t **d,
		   uint32_t *l)
{
	if (p->proto != proto || p->l4_hdr == NULL || p->is_fragment || p->l4_len < hl)
		return false;
	*d = p->l4_hdr;
	*l = hl;
	return true;
}

static bool get_tcp_hdr(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	if (index > 0)
		return false;
	return p->proto == 6 && get_l4(p, 6, p->tcp.hlen ? p->tcp.hlen : 20, d, l);
}

static bool get_udp_hdr(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	if (index > 0)
		return false;
	return get_l4(p, 17, 8, d, l);
}

/* ICMPv4 header length by type, as Suricata counts it: router
 * advertisements carry their address list, timestamps and address masks
 * their extra fields. */
static bool get_icmpv4_hdr(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	if (index > 0)
		return false;
	uint32_t hl = 8;
	if (p->proto == 1 && p->l4_hdr != NULL && p->l4_len >= 8) {
		switch (p->l4_hdr[0]) {
		case 9: hl = 8 + (uint32_t)p->l4_hdr[4] * p->l4_hdr[5] * 4; break;
		case 13:
		case 14: hl = 20; break;
		case 17:
		case 18: hl = 12; break;
		}
	}
	if (hl > p->l4_len)
		hl = p->l4_len;
	return get_l4(p, 1, hl < 8 ? 8 : hl, d, l);
}

static bool get_icmpv6_hdr(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	if (index > 0)
		return false;
	return get_l4(p, 58, 8, d, l);
}

/* ip.src / ip.dst: the address as its 4 or 16 bytes (for dataset, iprep-like
 * look-ups). */
static bool get_ip_src(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	if (index > 0 || (p->src.family != 4 && p->src.family != 6))
		return false;
	*d = p->src.bytes;
	*l = p->src.family == 4 ? 4 : 16;
	return true;
}

static bool get_ip_dst(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	if (index > 0 || (p->dst.family != 4 && p->dst.family != 6))
		return false;
	*d = p->dst.bytes;
	*l = p->dst.family == 4 ? 4 : 16;
	return true;
}

/* Indexed by BUF_*; the app-layer buffers follow in kw-app.c. */
static const struct buffer_def buffers[] = {
    [BUF_PKT] = {"pkt_data", get_payload, 0},
    [BUF_STREAM] = {"stream", get_payload, 0},
    [BUF_IPV4_HDR] = {"ipv4.hdr", get_ipv4_hdr, 0},
    [BUF_IPV6_HDR] = {"ipv6.hdr", get_ipv6_hdr, 0},
    [BUF_TCP_HDR] = {"tcp.hdr", get_tcp_hdr, 6},
    [BUF_UDP_HDR] = {"udp.hdr", get_udp_hdr, 17},
    [BUF_ICMPV4_HDR] = {"icmpv4.hdr", get_icmpv4_hdr, 1},
    [BUF_ICMPV6_HDR] = {"icmpv6.hdr", get_icmpv6_hdr, 58},
    /* filled per rule by base64_decode; engine.c reads it from the det_thread */
    [BUF_BASE64] = {"base64_data", get_payload, 0},
    [BUF_GOOSE_GOCBREF] = {"goose.gocbref", goose_get_gocbref, 0},
    [BUF_GOOSE_DATSET] = {"goose.datset", goose_get_datset, 0},
    [BUF_GOOSE_GOID] = {"goose.goid", goose_get_goid, 0},
    [BUF_IP_SRC] = {"ip.src", get_ip_src, 0},
    [BUF_IP_DST] = {"ip.dst", get_ip_dst, 0},
    /* the frame under inspection; engine.c reads it from the det_thread */
    [BUF_FRAME] = {"frame", get_payload, 0},
};

const struct buffer_def *buffer_def(int id)
{
	if (id >= BUF_MAX_BUILTIN)
		return app_buffer_def(id);
	if (id < 0)
		return NULL;
	return &buffers[id];
}

int buffer_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(buffers) / sizeof(buffers[0]); i++)
		if (buffers[i].name != NULL && strcmp(buffers[i].name, name) == 0)
			return (int)i;
	return app_buffer_lookup(name);
}

int buffer_check(struct parse_ctx *pc, const struct rule *r, int buf_id)
{
	const struct buffer_def *bd = buffer_def(buf_id);
	if (bd == NULL || bd->get == NULL) {
		pc_unsupported(pc, bd ? bd->name : "buffer");
		return -1;
	}
	if (bd->ip_proto != 0 && !r->h.proto_any &&
	    !(r->h.protos[bd->ip_proto / 8] & (1u << (bd->ip_proto % 8)))) {
		pc_error(pc, "buffer '%s' does not apply to the rule's protocol", bd->name);
		return -1;
	}
	return 0;
}

int sticky_buffer_select(struct parse_ctx *pc, struct rule *r, int buf_id)
{
	if (buffer_check(pc, r, buf_id) != 0)
		return -1;
	/* Suricata 7's multi-buffer rule: an app buffer named again after
	 * keywords were given on it starts a new instance, matched on its own
	 * against any of the buffer's instances ("http.request_header;
	 * content:A; http.request_header; content:B" is two headers). */
	struct rule_buffer *rb = rule_get_buffer(r, buf_id, false);
	if (rb != NULL && buf_id >= BUF_MAX_BUILTIN && rb->sms.n > 0)
		rb = rule_add_buffer(r, buf_id, NULL, 0);
	else if (rb == NULL)
		rb = rule_get_buffer(r, buf_id, true);
	if (rb == NULL)
		return -1;
	r->cur_buf = (int)(rb - r->bufs);
	rule_set_last_content(r, NULL); /* modifiers never cross a buffer change */
	return 0;
}

static int pkt_data_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	/* pkt_data resets to the payload: it is not a sticky buffer for transforms. */
	r->cur_buf = -1;
	rule_set_last_content(r, NULL);
	return 0;
}

static int ip_src_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_IP_SRC);
}

static int ip_dst_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_IP_DST);
}

static const struct kw_def defs[] = {
    {"ip.src", NULL, "sticky buffer: the source address (4 or 16 bytes)", ip_src_setup, NULL,
     NULL, NULL, KW_NOOPT | KW_STICKY},
    {"ip.dst", NULL, "sticky buffer: the destination address (4 or 16 bytes)", ip_dst_setup,
     NULL, NULL, NULL, KW_NOOPT | KW_STICKY},
    {"pkt_data", NULL, "inspect the packet payload again (resets the sticky buffer)",
     pkt_data_setup, NULL, NULL, NULL, KW_NOOPT | KW_STICKY},
};

const struct kw_family kw_family_buffers = {defs, sizeof(defs) / sizeof(defs[0])};
