/*
 * eve-drop — EVE "drop" events for packets dropped in IPS mode: the IP
 * and transport header fields Suricata logs, why the packet was dropped,
 * and (with `alerts: yes`) the alert of the rule that dropped it.
 */
#include "util/exception-policy.h"
#include "detect/detect.h"
#include "output/eve.h"
#include "util/json.h"

static uint16_t be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void put_ip(struct json *j, const struct packet *p)
{
	if (p->ip_version == 4 && p->ip_hdr) {
		json_uint(j, "len", be16(p->ip_hdr + 2));
		json_uint(j, "tos", p->tos);
		json_uint(j, "ttl", p->ttl);
		json_uint(j, "ipid", p->ip_id);
	} else if (p->ip_version == 6 && p->ip_hdr) {
		json_uint(j, "len", be16(p->ip_hdr + 4));
		json_uint(j, "tc", p->tos);
		json_uint(j, "hoplimit", p->ttl);
		json_uint(j, "flowlbl", p->ip6.flow_label);
	}
}

static void put_l4(struct json *j, const struct packet *p)
{
	if (!p->l4_hdr || p->is_fragment)
		return;
	switch (p->proto) {
	case 6:
		json_uint(j, "tcpseq", p->tcp.seq);
		json_uint(j, "tcpack", p->tcp.ack);
		json_uint(j, "tcpwin", p->tcp.win);
		json_bool(j, "syn", p->tcp.flags & TCP_SYN);
		json_bool(j, "ack", p->tcp.flags & TCP_ACK);
		json_bool(j, "psh", p->tcp.flags & TCP_PSH);
		json_bool(j, "rst", p->tcp.flags & TCP_RST);
		json_bool(j, "urg", p->tcp.flags & TCP_URG);
		json_bool(j, "fin", p->tcp.flags & TCP_FIN);
		json_uint(j, "tcpres", p->l4_len > 12 ? p->l4_hdr[12] & 0x0f : 0);
		json_uint(j, "tcpurgp", p->tcp.urg_ptr);
		break;
	case 17:
		if (p->l4_len >= 8)
			json_uint(j, "udplen", be16(p->l4_hdr + 4));
		break;
	case 1:
	case 58:
		if (p->icmp.has_id) {
			json_uint(j, "icmp_id", p->icmp.id);
			json_uint(j, "icmp_seq", p->icmp.seq);
		}
		break;
	default:
		break;
	}
}

static struct json *begin_drop(struct eve_logger *l, const struct packet *p, const char *reason)
{
	struct json *j = eve_begin(l, "drop", p, p->flow, 0, 0);
	json_open_object(j, "drop");
	put_ip(j, p);
	put_l4(j, p);
	json_str(j, "reason", reason);
	json_close_object(j);
	return j;
}

void eve_log_drop_exception(struct eve_logger *l, const struct packet *p, unsigned target_bit)
{
	const struct eve_config *cfg = eve_logger_config(l);
	if (!cfg->types[EVE_T_DROP] || p->parent)
		return;
	begin_drop(l, p, exception_target_drop_reason(target_bit));
	eve_commit(l);
}

void eve_log_drop(struct eve_logger *l, const struct packet *p, const struct alert *cause,
		  bool ips)
{
	const struct eve_config *cfg = eve_logger_config(l);
	if (!cfg->types[EVE_T_DROP] || p->parent)
		return; /* pseudo packets are not drop-logged, as in Suricata */
	/* Suricata's reasons: a rate_filter's new_action drops for
	 * "threshold detection_filter", other rules for "rules". */
	const char *reason = cause == NULL			     ? "flow drop"
			     : (cause->flags & ALERT_F_RATE_FILTER) ? "threshold detection_filter"
								     : "rules";
	struct json *j = begin_drop(l, p, reason);
	if (cause && cfg->drop_alerts)
		eve_put_alert_object(j, cause, ips);
	eve_commit(l);
}
