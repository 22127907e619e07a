/*
 * eve-logger — a worker's EVE event builder: the common header every
 * event starts with, the batch buffer, and the time formatting cache.
 * Belongs to one worker; never shared.
 */
#include "app/file-magic.h"
#include "output/eve.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EVE_BATCH_BYTES (256 * 1024)

struct eve_logger {
	struct eve_file *file;
	struct eve_config cfg;
	eve_file_name_fn name_fn;
	void *name_arg;
	struct json ev; /* the event being built */
	char *batch;	/* whole lines waiting for the file */
	size_t batch_len, batch_cap;
	struct file_magic *magic; /* force-magic: opened on first use */
	bool magic_failed;
	/* XFF overwrite: addresses the next header shows instead of the
	 * packet's (eve_logger_override_addrs); cleared by that header. */
	const char *addr_src, *addr_dst;
};

void eve_logger_override_addrs(struct eve_logger *l, const char *src_ip, const char *dst_ip)
{
	l->addr_src = src_ip;
	l->addr_dst = dst_ip;
}

void eve_logger_set_exercise(struct eve_logger *l, const char *name)
{
	if (l)
		l->cfg.exercise = name;
}

void eve_format_time(int64_t sec, uint32_t usec, char out[40])
{
	/* localtime_r is costly; most events share the second of the last. */
	static _Thread_local int64_t cached_sec = INT64_MIN;
	static _Thread_local char date[24], zone[8];
	if (sec != cached_sec) {
		time_t t = (time_t)sec;
		struct tm tm;
		if (!localtime_r(&t, &tm))
			memset(&tm, 0, sizeof(tm));
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
		strftime(zone, sizeof(zone), "%z", &tm);
		cached_sec = sec;
	}
	/* "date.uuuuuu+zone" without snprintf (a few events per packet) */
	size_t n = strlen(date), z = strlen(zone);
	memcpy(out, date, n);
	out[n] = '.';
	uint32_t u = usec % 1000000u;
	for (int i = 6; i >= 1; i--, u /= 10)
		out[n + (size_t)i] = (char)('0' + u % 10);
	memcpy(out + n + 7, zone, z + 1);
}

struct eve_logger *eve_logger_new(struct eve_file *f, const struct eve_config *cfg,
				  eve_file_name_fn name_fn, void *name_arg)
{
	struct eve_logger *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->file = f;
	l->cfg = *cfg;
	l->name_fn = name_fn;
	l->name_arg = name_arg;
	json_init(&l->ev);
	l->batch_cap = EVE_BATCH_BYTES + 64 * 1024;
	l->batch = malloc(l->batch_cap);
	if (!l->batch) {
		free(l);
		return NULL;
	}
	return l;
}

const struct eve_config *eve_logger_config(const struct eve_logger *l)
{
	return &l->cfg;
}

struct file_magic *eve_logger_magic(struct eve_logger *l)
{
	if (!l->cfg.files_force_magic)
		return NULL;
	return file_magic_open_once(&l->magic, &l->magic_failed,
				    "fileinfo events go without \"magic\"");
}

void eve_logger_flush(struct eve_logger *l)
{
	if (l->batch_len && l->file)
		eve_file_write(l->file, l->batch, l->batch_len);
	l->batch_len = 0;
}

void eve_logger_free(struct eve_logger *l)
{
	if (!l)
		return;
	eve_logger_flush(l);
	file_magic_free(l->magic);
	json_free(&l->ev);
	free(l->batch);
	free(l);
}

const char *eve_addr_str(const struct ip_addr *a, char buf[64])
{
	if (a->family == 4) { /* dotted quad, without inet_ntop's sprintf */
		char *o = buf;
		for (int i = 0; i < 4; i++) {
			uint8_t b = a->bytes[i];
			if (b >= 100)
				*o++ = (char)('0' + b / 100);
			if (b >= 10)
				*o++ = (char)('0' + b / 10 % 10);
			*o++ = (char)('0' + b % 10);
			*o++ = i < 3 ? '.' : '\0';
		}
		return buf;
	}
	if (a->family != 6)
		return decode_addr_str(a, buf, 64);
	/* Suricata writes IPv6 addresses in full: eight groups of four digits. */
	static const char hex[] = "0123456789abcdef";
	char *o = buf;
	for (int i = 0; i < 16; i++) {
		*o++ = hex[a->bytes[i] >> 4];
		*o++ = hex[a->bytes[i] & 0xf];
		if (i % 2 == 1 && i != 15)
			*o++ = ':';
	}
	*o = '\0';
	return buf;
}

static void put_addr(struct json *j, const char *key, const struct ip_addr *a)
{
	char buf[64];
	json_str(j, key, eve_addr_str(a, buf));
}

static bool proto_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

static void put_mac(struct json *j, const char *key, const uint8_t *m)
{
	static const char digits[] = "0123456789abcdef";
	char b[18];
	for (int i = 0; i < 6; i++) {
		b[3 * i] = digits[m[i] >> 4];
		b[3 * i + 1] = digits[m[i] & 15];
		b[3 * i + 2] = i < 5 ? ':' : '\0';
	}
	json_str(j, key, b);
}

/* Tuple of a packet, in packet direction. */
/* src_ip, src_port, dest_ip, dest_port (ports only where the protocol has them). */
static void put_addrs_ports(struct json *j, const struct ip_addr *src, uint16_t sp,
			    const struct ip_addr *dst, uint16_t dp, uint8_t proto)
{
	put_addr(j, "src_ip", src);
	if (proto_has_ports(proto))
		json_uint(j, "src_port", sp);
	put_addr(j, "dest_ip", dst);
	if (proto_has_ports(proto))
		json_uint(j, "dest_port", dp);
}

static void header_packet_tuple(struct json *j, const struct packet *p, const char *src_ip,
				const char *dst_ip)
{
	char pbuf[8];
	if (src_ip || dst_ip) {
		char buf[64];
		json_str(j, "src_ip", src_ip ? src_ip : eve_addr_str(&p->src, buf));
		if (proto_has_ports(p->proto))
			json_uint(j, "src_port", p->sp);
		json_str(j, "dest_ip", dst_ip ? dst_ip : eve_addr_str(&p->dst, buf));
		if (proto_has_ports(p->proto))
			json_uint(j, "dest_port", p->dp);
	} else {
		put_addrs_ports(j, &p->src, p->sp, &p->dst, p->dp, p->proto);
	}
	json_uint(j, "ip_v", p->ip_version);
	json_str(j, "proto", decode_proto_name(p->proto, pbuf));
	if (p->proto == 1 || p->proto == 58) {
		json_uint(j, "icmp_type", p->icmp.type);
		json_uint(j, "icmp_code", p->icmp.code);
	}
}

/* Tuple of a flow, initiator first (or responder first: `reversed`). */
static void header_flow_tuple(struct json *j, const struct flow *f, bool reversed)
{
	char pbuf[8];
	if (reversed)
		put_addrs_ports(j, &f->dst, f->dp, &f->src, f->sp, f->proto);
	else
		put_addrs_ports(j, &f->src, f->sp, &f->dst, f->dp, f->proto);
	json_uint(j, "ip_v", f->src.family);
	json_str(j, "proto", decode_proto_name(f->proto, pbuf));
	if (f->proto == 1 || f->proto == 58) {
		json_uint(j, "icmp_type", f->icmp_type);
		json_uint(j, "icmp_code", f->icmp_code);
		if (f->seen_toclient) {
			json_uint(j, "response_icmp_type", f->icmp_resp_type);
			json_uint(j, "response_icmp_code", f->icmp_resp_code);
		}
	}
}

/* The outermost packet of a tunnel chain, whose tuple EVE's "tunnel" names. */
static void header_tunnel(struct json *j, const struct packet *p)
{
	const struct packet *root = p;
	while (root->parent)
		root = root->parent;
	if (root == p || root->ip_version == 0 || p->pkt_src == PKT_SRC_DEFRAG)
		return;
	char pbuf[8];
	json_open_object(j, "tunnel");
	put_addrs_ports(j, &root->src, root->sp, &root->dst, root->dp, root->proto);
	json_str(j, "proto", decode_proto_name(root->proto, pbuf));
	json_uint(j, "depth", p->tunnel_depth);
	json_str(j, "pkt_src", decode_packet_source_name(root->pkt_src));
	json_close_object(j);
}

/* community_id of the flow (else of the packet), when the config asks. */
static void put_community_id(struct json *j, const struct eve_config *cfg, const struct packet *p,
			     const struct flow *f)
{
	char id[EVE_COMMUNITY_ID_LEN];
	bool ok = f ? eve_community_id(&f->src, f->sp, &f->dst, f->dp, f->proto, f->icmp_type,
				       f->icmp_code, cfg->community_id_seed, id)
		    : p && p->ip_version &&
			  eve_community_id(&p->src, p->sp, &p->dst, p->dp, p->proto, p->icmp.type,
					   p->icmp.code, cfg->community_id_seed, id);
	if (ok)
		json_str(j, "community_id", id);
}

/* Which tuple the header carries. */
enum tuple_kind { TUPLE_PACKET, TUPLE_FLOW, TUPLE_FLOW_REVERSED };

static struct json *begin(struct eve_logger *l, const char *event_type, const struct packet *p,
			  const struct flow *f, int64_t ts_sec, uint32_t ts_usec,
			  enum tuple_kind tk);

struct json *eve_begin(struct eve_logger *l, const char *event_type, const struct packet *p,
		       const struct flow *f, int64_t ts_sec, uint32_t ts_usec)
{
	return begin(l, event_type, p, f, ts_sec, ts_usec, TUPLE_PACKET);
}

struct json *eve_begin_tx(struct eve_logger *l, const char *event_type, const struct packet *p,
			  const struct flow *f)
{
	return begin(l, event_type, p, f, f->last_sec, f->last_usec, TUPLE_FLOW);
}

struct json *eve_begin_tx_toclient(struct eve_logger *l, const char *event_type,
				   const struct packet *p, const struct flow *f)
{
	return begin(l, event_type, p, f, f->last_sec, f->last_usec, TUPLE_FLOW_REVERSED);
}

/* The common header: time and numbers of the packet (when there is one),
 * the tuple of the packet, or of the flow (client first) for flow and
 * transaction events. */
static struct json *begin(struct eve_logger *l, const char *event_type, const struct packet *p,
			  const struct flow *f, int64_t ts_sec, uint32_t ts_usec,
			  enum tuple_kind tk)
{
	struct json *j = &l->ev;
	char ts[40];
	json_reset(j);
	json_open_object(j, NULL);
	if (p) {
		ts_sec = p->ts_sec;
		ts_usec = p->ts_usec;
	}
	eve_format_time(ts_sec, ts_usec, ts);
	json_str(j, "timestamp", ts);
	if (f)
		json_uint(j, "flow_id", f->flow_id);
	if (p && p->pcap_cnt) {
		json_uint(j, "pcap_cnt", p->pcap_cnt);
		if (l->cfg.pcap_filename && l->name_fn)
			json_str(j, "pcap_filename", l->name_fn(l->name_arg, p->file_index));
	}
	json_str(j, "event_type", event_type);
	if (l->cfg.exercise)
		json_str(j, "exercise", l->cfg.exercise);
	uint8_t nvlan = p ? p->vlan_count : f ? f->vlan_count : 0;
	const uint16_t *vlan = p ? p->vlan_id : f ? f->vlan_id : NULL;
	if (nvlan) {
		json_open_array(j, "vlan");
		for (uint8_t i = 0; i < nvlan && i < DECODE_MAX_VLAN; i++)
			json_uint(j, NULL, vlan[i]);
		json_close_array(j);
	}
	if (p && p->ip_version && !(tk != TUPLE_PACKET && f))
		header_packet_tuple(j, p, l->addr_src, l->addr_dst);
	else if (f)
		header_flow_tuple(j, f, tk == TUPLE_FLOW_REVERSED);
	if (p)
		json_str(j, "pkt_src", decode_packet_source_name(p->pkt_src));
	if (l->cfg.community_id)
		put_community_id(j, &l->cfg, p, f);
	l->addr_src = l->addr_dst = NULL;
	if (p) {
		header_tunnel(j, p);
		if (l->cfg.ethernet && p->has_eth) {
			json_open_object(j, "ether");
			put_mac(j, "src_mac", p->eth_src);
			put_mac(j, "dest_mac", p->eth_dst);
			json_close_object(j);
		}
	}
	return j;
}

void eve_commit(struct eve_logger *l)
{
	struct json *j = &l->ev;
	if (l->cfg.sensor_name[0]) /* last, where Suricata writes it */
		json_str(j, "host", l->cfg.sensor_name);
	json_close_object(j);
	if (j->oom) {
		fprintf(stderr, "vigil: out of memory building an EVE event; event lost\n");
		if (l->file)
			eve_file_lost(l->file, j->buf ? j->buf : "", j->buf ? j->len : 0);
		return;
	}
	if (l->batch_len + j->len + 1 > l->batch_cap) {
		eve_logger_flush(l);
		if (j->len + 1 > l->batch_cap) {
			/* An event larger than the batch goes out on its own. */
			j->buf[j->len] = '\n';
			if (l->file)
				eve_file_write(l->file, j->buf, j->len + 1);
			j->buf[j->len] = '\0';
			return;
		}
	}
	memcpy(l->batch + l->batch_len, j->buf, j->len);
	l->batch_len += j->len;
	l->batch[l->batch_len++] = '\n';
	if (l->batch_len >= EVE_BATCH_BYTES)
		eve_logger_flush(l);
}
