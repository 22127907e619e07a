/*
 * eve-alert — EVE "alert" events from a packet's alert queue, with
 * Suricata 8's fields: alert.{action, gid, signature_id, rev, signature,
 * category, severity, metadata}, the transaction's app-layer object
 * (http, dns, tls), direction, the flow's counters, and the payload /
 * packet options of the eve-log alert config.
 */
#include "app/app.h"
#include "detect/detect.h"
#include "app/frame.h"
#include "output/eve.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

/* Suricata prints bytes that are printable or CR/LF as they are, others as '.'. */
void eve_put_printable(struct json *j, const char *key, const uint8_t *b, size_t n)
{
	json_str_open(j, key);
	size_t run = 0;
	for (size_t i = 0; i <= n; i++) {
		bool keep =
		    i < n && ((b[i] >= 0x20 && b[i] < 0x7f) || b[i] == '\n' || b[i] == '\r');
		if (keep)
			continue;
		json_append_escaped(j, b + run, i - run);
		if (i < n)
			json_append_escaped(j, (const uint8_t *)".", 1);
		run = i + 1;
	}
	json_str_close(j);
}

/* metadata: "key value" strings grouped as {"key": ["value", ...]}. */
static void put_metadata(struct json *j, const struct alert *a)
{
	if (a->metadata_count == 0)
		return;
	json_open_object(j, "metadata");
	bool done[64] = {false};
	size_t n = a->metadata_count < 64 ? a->metadata_count : 64;
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		const char *m = a->metadata[i];
		size_t kl = strcspn(m, " ");
		char key[128];
		snprintf(key, sizeof(key), "%.*s", (int)kl, m);
		json_open_array(j, key);
		for (size_t k = i; k < n; k++) {
			const char *o = a->metadata[k];
			if (done[k] || strncmp(o, m, kl) != 0 || (o[kl] != ' ' && o[kl] != '\0'))
				continue;
			done[k] = true;
			const char *v = o + kl;
			while (*v == ' ')
				v++;
			json_str(j, NULL, v);
		}
		json_close_array(j);
	}
	json_close_object(j);
}

/* The alert object; `xff` (or NULL) is the X-Forwarded-For address. */
static void put_alert_object(struct json *j, const struct alert *a, bool ips, bool rule_metadata,
			     const char *xff)
{
	json_open_object(j, "alert");
	json_str(j, "action", detect_alert_action_name(a, ips));
	json_uint(j, "gid", a->gid);
	json_uint(j, "signature_id", a->sid);
	json_uint(j, "rev", a->rev);
	json_str(j, "signature", a->msg);
	json_str(j, "category", a->category);
	json_int(j, "severity", a->priority);
	if (rule_metadata)
		put_metadata(j, a);
	if (a->context_count > 0) { /* dataset JSON of the match (Suricata 8) */
		json_open_object(j, "context");
		for (unsigned i = 0; i < a->context_count; i++)
			json_raw(j, a->context[i].key, a->context[i].json,
				 strlen(a->context[i].json));
		json_close_object(j);
	}
	if (a->enrichment) /* KEV / CVE / ATT&CK of the rule (detect/enrich.c) */
		json_raw(j, "enrichment", a->enrichment, strlen(a->enrichment));
	if (xff != NULL)
		json_str(j, "xff", xff);
	json_close_object(j);
}

void eve_put_alert_object_ex(struct json *j, const struct alert *a, bool ips, bool rule_metadata)
{
	put_alert_object(j, a, ips, rule_metadata, NULL);
}

void eve_put_alert_object(struct json *j, const struct alert *a, bool ips)
{
	put_alert_object(j, a, ips, true, NULL);
}

static void put_flow_summary(struct json *j, const struct flow *f)
{
	char ts[40], addr[64];
	json_open_object(j, "flow");
	json_uint(j, "pkts_toserver", f->pkts_toserver);
	json_uint(j, "pkts_toclient", f->pkts_toclient);
	json_uint(j, "bytes_toserver", f->bytes_toserver);
	json_uint(j, "bytes_toclient", f->bytes_toclient);
	eve_format_time(f->start_sec, f->start_usec, ts);
	json_str(j, "start", ts);
	json_str(j, "src_ip", eve_addr_str(&f->src, addr));
	json_str(j, "dest_ip", eve_addr_str(&f->dst, addr));
	if (f->proto == 6 || f->proto == 17 || f->proto == 132) {
		json_uint(j, "src_port", f->sp);
		json_uint(j, "dest_port", f->dp);
	}
	json_close_object(j);
}

/*
 * The packet's own bytes, as Suricata logs them: a tunnel's inner packet
 * is logged alone with link type RAW (Suricata's pseudo packets are
 * DLT_RAW), a reassembled datagram with the link header of its first
 * fragment and that link type.
 */
static void put_packet(struct json *j, const struct packet *p)
{
	bool tunnel = p->parent && p->pkt_src != PKT_SRC_DEFRAG;
	int lt = tunnel ? LINKTYPE_RAW : p->linktype;
	const char *name;
	switch (lt) {
	case LINKTYPE_RAW:
	case LINKTYPE_RAW_BSD:
	case LINKTYPE_RAW_PCAP: name = "RAW"; break;
	case LINKTYPE_IPV4: name = "IPv4"; break;
	case LINKTYPE_IPV6: name = "IPv6"; break;
	default: name = decode_linktype_name(lt); break;
	}
	json_base64(j, "packet", p->data, p->len);
	json_open_object(j, "packet_info");
	json_int(j, "linktype", lt);
	json_str(j, "linktype_name", name ? name : "unknown");
	json_close_object(j);
}

static const char *verdict_of(const struct alert_queue *q)
{
	if (q->drop)
		return "drop";
	if (q->pass)
		return "pass";
	return "alert";
}

void eve_log_alerts(struct eve_logger *l, const struct packet *p, const struct alert_queue *q,
		    bool ips)
{
	const struct eve_config *cfg = eve_logger_config(l);
	if (!cfg->types[EVE_T_ALERT])
		return;
	for (unsigned i = 0; i < q->count; i++) {
		/* Pass rules are in the queue only when they ask to be logged. */
		const struct alert *a = &q->alerts[i];
		bool has_tx = (a->flags & ALERT_F_TX) != 0;
		uint64_t tx_id = a->tx_id;
		/* XFF (Suricata's output-json-alert.c): overwrite replaces the
		 * client's address (dest_ip on a packet to the client),
		 * extra-data adds alert.xff */
		char xff[EVE_XFF_LEN];
		bool have_xff = cfg->alert_xff.enabled &&
				eve_xff_of_alert(p->flow, has_tx, tx_id, &cfg->alert_xff, xff);
		if (have_xff && cfg->alert_xff.overwrite) {
			bool toclient = p->flow && !p->flow_toserver;
			eve_logger_override_addrs(l, toclient ? NULL : xff, toclient ? xff : NULL);
		}
		struct json *j = eve_begin(l, "alert", p, p->flow, 0, 0);
		/* detect.guess-applayer-tx: a flow's only transaction is the alert's */
		bool guessed = !has_tx && cfg->alert_guess_tx && app_flow_tx_total(p->flow) == 1;
		if (guessed) {
			has_tx = true;
			tx_id = 0;
		}
		if (has_tx)
			json_uint(j, "tx_id", tx_id);
		if (guessed)
			json_bool(j, "tx_guessed", true);
		put_alert_object(j, a, ips, cfg->alert_rule_metadata,
				 have_xff && !cfg->alert_xff.overwrite ? xff : NULL);
		enum app_proto proto;
		const void *state, *tx;
		if (has_tx && cfg->alert_app_layer &&
		    app_flow_tx(p->flow, tx_id, &proto, &state, &tx)) {
			eve_put_app_object(j, proto, state, tx);
			eve_put_app_files(j, proto, tx, tx_id);
		}
		if (p->flow) {
			const char *app = app_proto_name(app_flow_proto(p->flow));
			if (app)
				json_str(j, "app_proto", app);
			json_str(j, "direction", p->flow_toserver ? "to_server" : "to_client");
			if (cfg->alert_flow)
				put_flow_summary(j, p->flow);
		}
		struct app_frame_view fv;
		if ((a->flags & ALERT_F_FRAME) && p->flow &&
		    app_flow_frame(p->flow, p->flow_toserver ? APP_TOSERVER : APP_TOCLIENT,
				   a->frame_id, &fv))
			eve_put_frame(j, &fv);
		if (cfg->alert_payload && p->payload_len)
			json_base64(j, "payload", p->payload, p->payload_len);
		if (cfg->alert_payload_printable && p->payload_len)
			eve_put_printable(j, "payload_printable", p->payload, p->payload_len);
		if (cfg->alert_payload || cfg->alert_payload_printable)
			json_uint(j, "stream", (a->flags & ALERT_F_STREAM_MATCH) ? 1 : 0);
		if (cfg->alert_packet && p->len)
			put_packet(j, p);
		if (cfg->alert_verdict) {
			json_open_object(j, "verdict");
			json_str(j, "action", verdict_of(q));
			json_close_object(j);
		}
		eve_commit(l);
	}
}

/* A packet covered by an earlier `tag` rule: EVE "packet" event with the
 * packet's bytes, as Suricata logs tagged packets. */
void eve_log_tagged_packet(struct eve_logger *l, const struct packet *p)
{
	const struct eve_config *cfg = eve_logger_config(l);
	if (!cfg->types[EVE_T_ALERT] || !cfg->alert_tagged_packets || !p->len)
		return;
	struct json *j = eve_begin(l, "packet", p, p->flow, 0, 0);
	put_packet(j, p);
	eve_commit(l);
}
