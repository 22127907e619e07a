/*
 * worker — the per-packet pipeline of one worker; see worker.h.
 *
 * A captured frame becomes a chain of packets: the wire packet, then one
 * packet per tunnel layer or reassembled datagram found inside it.  Each
 * runs through the same steps (flow, then output), children after their
 * parent, so a tunnel's inner flow is tracked like any other.
 */
#include "engine/worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void inspect_stream_at_end(struct worker *w, struct flow *f);
static void log_app(struct worker *w, struct packet *p, struct flow *f, bool flow_end);

/* A flow dropped in IPS mode: its application layer is off from the
 * drop on (Suricata 8's StreamTcpDisableAppLayer on a flow drop): nothing
 * more is parsed, inspected at its end or logged. */
static bool ips_dropped(const struct worker *w, const struct flow *f)
{
	return w->ips && f != NULL && f->action == FLOW_ACTION_DROP;
}

static void on_flow_end(struct flow *f, enum flow_end_reason why, void *arg)
{
	struct worker *w = arg;
	if (f->stream && ips_dropped(w, f)) {
		stream_flow_end(f);
	} else if (f->stream) {
		stream_flow_end(f);
		inspect_stream_at_end(w, f);
	}
	if (!ips_dropped(w, f))
		log_app(w, NULL, f, true);
	eve_log_flow(w->eve, f, why, w->now_sec, w->now_usec);
	app_flow_free(f->app);
	f->app = NULL;
	stream_flow_free(f->stream);
	f->stream = NULL;
	detect_flow_free(f->detect);
	f->detect = NULL;
}

static bool tcp_reuse(const struct flow *f, const struct packet *p, void *arg)
{
	const struct worker *w = arg;
	return f->proto == 6 && p->proto == 6 && stream_session_reusable(w->stream, f, p);
}

struct worker *worker_new(const struct worker_setup *s)
{
	struct worker *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->id = s->id;
	w->checksum = s->checksum;
	w->flows = flow_table_new(s->flow_cfg, on_flow_end, w);
	w->defrag = defrag_table_new(s->defrag_cfg);
	w->stream = stream_ctx_new(s->stream_cfg);
	w->stream_bypass = s->stream_cfg != NULL && s->stream_cfg->bypass;
	w->app = app_ctx_new(s->app_cfg);
	w->goose = goose_tracker_new();
	if (s->ransomware_cfg != NULL && s->ransomware_cfg->enabled)
		w->ransomware = ransomware_new(s->ransomware_cfg);
	if (w->flows)
		flow_table_set_reuse_check(w->flows, tcp_reuse, w);
	w->eve = eve_logger_new(s->eve_file, s->eve_cfg, s->file_name_fn, s->file_name_arg);
	w->ips = s->ips;
	w->fast = s->fast;
	if (s->detect) {
		w->detect = detect_thread_new(s->detect);
		uint32_t longest = detect_engine_max_pattern_len(s->detect);
		w->stream_keep = longest > 1 ? longest - 1 : 0;
	}
	if (!w->flows || !w->defrag || !w->stream || !w->app || !w->eve || !w->goose ||
	    (s->detect && !w->detect)) {
		worker_free(w);
		return NULL;
	}
	pthread_mutex_init(&w->pub_lock, NULL);
	w->last_expire_sec = INT64_MIN;
	return w;
}

static void goose_silent(void *arg, const struct goose_silent *s)
{
	struct worker *w = arg;
	eve_log_goose_silent(w->eve, s);
}

static void advance_time(struct worker *w, const struct packet *p)
{
	if (p->ts_sec > w->now_sec || (p->ts_sec == w->now_sec && p->ts_usec > w->now_usec)) {
		w->now_sec = p->ts_sec;
		w->now_usec = p->ts_usec;
	}
	/* Timeouts are checked once per second of packet time, like a flow
	 * manager waking up every second. */
	if (w->now_sec != w->last_expire_sec) {
		w->last_expire_sec = w->now_sec;
		flow_table_expire(w->flows, w->now_sec, w->now_usec);
		defrag_expire(w->defrag, w->now_sec);
		goose_tracker_expire(w->goose, w->now_sec, w->now_usec, goose_silent, w);
	}
}

/* -k all: the IPv4 header and the transport checksum must verify; a
 * fragment's transport checksum is checked on the reassembled datagram. */
static bool checksums_ok(const struct packet *p)
{
	if (p->ip_version == 4 && !decode_ipv4_checksum_ok(p))
		return false;
	if (p->is_fragment || !p->l4_hdr)
		return true;
	switch (p->proto) {
	case 6: return decode_tcp_checksum_ok(p);
	case 17: return decode_udp_checksum_ok(p);
	case 1: return decode_icmpv4_checksum_ok(p);
	case 58: return decode_icmpv6_checksum_ok(p);
	default: return true;
	}
}

static void check_checksums(struct worker *w, struct packet *p)
{
	if (w->checksum != CHECKSUM_ALL || p->ip_version == 0)
		return;
	if (!checksums_ok(p)) {
		p->checksum_invalid = true;
		w->checksum_invalid++;
	}
}

/* Initialises a child packet (tunnel inner or reassembled) of `parent`. */
static void child_init(struct packet *c, const struct packet *parent, const uint8_t *data,
		       uint32_t len, int linktype, enum packet_source src)
{
	decode_packet_reset(c);
	c->data = data;
	c->len = c->wire_len = len;
	c->ts_sec = parent->ts_sec;
	c->ts_usec = parent->ts_usec;
	c->pcap_cnt = parent->pcap_cnt;
	c->file_index = parent->file_index;
	c->linktype = linktype;
	c->pkt_src = src;
	c->parent = (struct packet *)parent;
	c->tunnel_depth = (uint8_t)(parent->tunnel_depth + (src == PKT_SRC_DEFRAG ? 0 : 1));
}

/*
 * Hands a fragment to defrag; when it completes a datagram, builds the
 * pseudo packet Suricata builds: the fragment's own link layer (everything
 * before its IP header) followed by the reassembled datagram, decoded with
 * the fragment's link type.
 */
/* With drop `flows: start`, a dropped flow is logged once per direction. */
static bool dropped_flow_logged(struct worker *w, const struct packet *p)
{
	if (!eve_logger_config(w->eve)->drop_flow_start)
		return false;
	uint8_t bit = p->flow_toserver ? 1 : 2;
	bool logged = p->flow->drop_logged & bit;
	p->flow->drop_logged |= bit;
	return logged;
}

static bool reassemble(struct worker *w, struct packet *frag, uint8_t **out, uint32_t *outlen)
{
	struct defrag_result r;
	if (!defrag_packet(w->defrag, frag, &r))
		return false;
	uint32_t link =
	    frag->ip_hdr && frag->ip_hdr >= frag->data ? (uint32_t)(frag->ip_hdr - frag->data) : 0;
	uint8_t *buf = malloc((size_t)link + r.len);
	if (buf) {
		memcpy(buf, frag->data, link);
		memcpy(buf + link, r.data, r.len);
		*out = buf;
		*outlen = link + r.len;
	} else {
		fprintf(stderr, "vigil: out of memory: reassembled datagram at packet %llu lost\n",
			(unsigned long long)frag->pcap_cnt);
	}
	defrag_result_release(&r);
	return buf != NULL;
}

/*
 * The verdicts alerts carry.  The engine says when a pass or drop applies
 * to the whole flow (Suricata's IP-only and stream matches); such a flow is
 * not inspected again, and in IPS mode every further packet of a dropped
 * flow is dropped and logged as a drop event.
 */
static void handle_alerts(struct worker *w, struct packet *p, const struct alert_queue *q)
{
	struct flow *f = p->flow;
	if (q->tagged)
		eve_log_tagged_packet(w->eve, p);
	if (f && q->flow_bypass)
		f->bypassed = true; /* later packets: counted only (process_packet) */
	if (f && q->flow_pass && f->action == FLOW_ACTION_NONE)
		f->action = FLOW_ACTION_PASS;
	if (f && q->flow_drop && w->ips && f->action == FLOW_ACTION_NONE)
		f->action = FLOW_ACTION_DROP;
	const struct alert *drop_cause = NULL;
	for (unsigned i = 0; i < q->count; i++) {
		const struct alert *a = &q->alerts[i];
		if (a->action == DETECT_ACTION_PASS)
			continue;
		if (f)
			f->alerted = true;
		if (!drop_cause && a->action != DETECT_ACTION_ALERT &&
		    a->action != DETECT_ACTION_CONFIG)
			drop_cause = a;
	}
	if (q->count) {
		w->alerts_total += q->count;
		eve_log_alerts(w->eve, p, q, w->ips);
		fast_log_alerts(w->fast, p, q, w->ips);
	}
	if (w->ips && q->drop) {
		w->dropping = true;
		if (drop_cause == NULL && q->has_drop_alert)
			drop_cause = &q->drop_alert; /* a noalert rule dropped */
		if (drop_cause && drop_cause->action >= DETECT_ACTION_REJECT &&
		    drop_cause->action <= DETECT_ACTION_REJECTBOTH && !w->reject.set)
			reject_target_set(&w->reject, p, drop_cause->action);
		eve_log_drop(w->eve, p, drop_cause, w->ips);
	}
}

/* A pseudo packet standing for one direction of a flow, for stream data
 * inspected without a packet of that direction at hand. */
static void pseudo_packet(struct worker *w, struct packet *pp, struct flow *f, bool toserver,
			  enum packet_source src)
{
	memset(pp, 0, sizeof(*pp));
	pp->ts_sec = w->now_sec;
	pp->ts_usec = w->now_usec;
	pp->pkt_src = src;
	pp->ip_version = f->src.family;
	pp->proto = f->proto;
	pp->src = toserver ? f->src : f->dst;
	pp->dst = toserver ? f->dst : f->src;
	pp->sp = toserver ? f->sp : f->dp;
	pp->dp = toserver ? f->dp : f->sp;
	pp->vlan_count = f->vlan_count;
	memcpy(pp->vlan_id, f->vlan_id, sizeof(pp->vlan_id));
	pp->tunnel_depth = f->tunnel_depth;
	pp->flow = f;
	pp->flow_toserver = toserver;
	pp->flow_established = true;
}

/*
 * Transactions ready to be logged: their EVE events, then behaviour
 * detection over them, whose alerts are logged on the packet at hand (at
 * a flow's end, on a pseudo packet from its client).
 */
struct tx_sink {
	struct worker *w;
	struct packet *p;
	struct flow *f;
};

static void on_tx(void *arg, enum app_proto proto, const void *state, const void *tx,
		  uint64_t tx_id)
{
	struct tx_sink *s = arg;
	struct worker *w = s->w;
	eve_log_app_tx(w->eve, s->p, s->f, proto, state, tx, tx_id);
	if (w->ransomware == NULL)
		return;
	struct alert_queue q;
	q.count = 0;
	ransomware_observe(w->ransomware, s->f, proto, state, tx, tx_id, w->now_sec, &q);
	if (q.count == 0)
		return;
	q.discarded = 0;
	q.drop = q.pass = q.flow_pass = q.flow_drop = q.tagged = q.flow_bypass = false;
	q.has_drop_alert = false;
	struct packet pp;
	struct packet *p = s->p;
	if (p == NULL) {
		pseudo_packet(w, &pp, s->f, !stream_flow_reversed(s->f), PKT_SRC_FLOW_TIMEOUT);
		p = &pp;
	}
	handle_alerts(w, p, &q);
}

static void log_app(struct worker *w, struct packet *p, struct flow *f, bool flow_end)
{
	struct tx_sink s = {w, p, f};
	app_log_ready(w->app, f, flow_end, on_tx, &s);
}

/* Appends n bytes to the worker's gap payload buffer; false without memory. */
static bool gap_payload_add(struct worker *w, size_t *len, const void *data, size_t n)
{
	if (*len + n > w->gap_payload_cap) {
		size_t cap = (*len + n) * 2;
		uint8_t *nb = realloc(w->gap_payload, cap);
		if (!nb)
			return false;
		w->gap_payload = nb;
		w->gap_payload_cap = cap;
	}
	memcpy(w->gap_payload + *len, data, n);
	*len += n;
	return true;
}

/*
 * The payload a stream alert shows: the blocks with each gap written as
 * "[N bytes missing]", as Suricata's alert logger renders them.  A single
 * block without a gap before it is shown as it is.
 */
static void stream_alert_payload(struct worker *w, const struct stream_chunk *c, unsigned n,
				 struct packet *sp)
{
	sp->payload = c[0].data;
	sp->payload_len = c[0].len;
	if (n == 1 && !c[0].gap)
		return;
	size_t len = 0;
	for (unsigned i = 0; i < n; i++) {
		char mark[48];
		int m = snprintf(mark, sizeof(mark), "[%llu bytes missing]",
				 (unsigned long long)c[i].gap_len);
		if ((c[i].gap && !gap_payload_add(w, &len, mark, (size_t)m)) ||
		    !gap_payload_add(w, &len, c[i].data, c[i].len))
			return; /* out of memory: the first block alone */
	}
	sp->payload = w->gap_payload;
	sp->payload_len = (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len);
}

#define STREAM_MAX_BLOCKS 16

/*
 * Runs the stream rules over a direction's raw window when it is ready (or
 * whatever is left when `flush`), together with the readable blocks after
 * any gaps in it, alerts carrying the window as payload; then marks it
 * inspected but for the last (longest pattern - 1) bytes, so a pattern
 * straddling two windows is still seen.
 */
static void inspect_stream(struct worker *w, struct packet *p, enum stream_dir dir, bool flush)
{
	struct flow *f = p->flow;
	struct stream_chunk c[STREAM_MAX_BLOCKS];
	if (!f || f->action != FLOW_ACTION_NONE || !stream_raw_window(f, dir, &c[0]) ||
	    c[0].len == 0 || (!c[0].ready && !flush))
		return;
	unsigned n = 1;
	while (n < STREAM_MAX_BLOCKS &&
	       stream_raw_window_from(f, dir, c[n - 1].offset + c[n - 1].len, &c[n]) && c[n].len)
		n++;
	struct detect_block blocks[STREAM_MAX_BLOCKS];
	for (unsigned i = 0; i < n; i++)
		blocks[i] = (struct detect_block){c[i].data, c[i].len};
	detect_stream_blocks(w->detect, p, blocks, n, &w->alerts);
	if (w->alerts.count || w->alerts.flow_pass || w->alerts.flow_drop || w->alerts.flow_bypass) {
		struct packet sp = *p;
		stream_alert_payload(w, c, n, &sp);
		handle_alerts(w, &sp, &w->alerts);
	}
	const struct stream_chunk *last = &c[n - 1];
	uint64_t upto = last->offset + last->len;
	if (!flush && !last->eof)
		upto = last->len > w->stream_keep ? upto - w->stream_keep : last->offset;
	if (upto > c[0].offset)
		stream_raw_consumed(f, dir, upto);
}

/* At the end of a flow, whatever each direction still holds is inspected,
 * stream and transactions, as Suricata does with its "stream (flow
 * timeout)" pseudo packets. */
static void inspect_stream_at_end(struct worker *w, struct flow *f)
{
	for (int d = 0; d < 2; d++) {
		bool toserver = d == 0;
		if (stream_flow_reversed(f))
			toserver = !toserver;
		struct packet pp;
		pseudo_packet(w, &pp, f, toserver, PKT_SRC_FLOW_TIMEOUT);
		enum stream_dir sd = d == 0 ? STREAM_TOSERVER : STREAM_TOCLIENT;
		app_flow_end_dir(w->app, f, sd);
		if (w->detect != NULL) {
			inspect_stream(w, &pp, sd, true);
			/* transaction sides the end completed (a body delimited by the close) */
			if (f->action == FLOW_ACTION_NONE) {
				detect_packet_ex(w->detect, &pp, &w->alerts, DETECT_PKT_APP_ONLY);
				handle_alerts(w, &pp, &w->alerts);
				eve_log_frames(w->eve, &pp);
				app_inspect_done(&pp);
			}
		}
		/* what the ends completed is logged once both directions were
		 * inspected (nothing released before its last side is seen), on
		 * the last, to-client pseudo packet: a reply parsed at the end goes
		 * server to client, as on Suricata's flow-timeout packets */
		if (d == 1 && !ips_dropped(w, f))
			log_app(w, &pp, f, false);
	}
}

/*
 * Packet rules on the packet; on a TCP session, stream rules on the
 * reassembled stream instead: the packet's direction, and the other
 * direction too when this packet's ACK made its data ready.
 */
static void detect(struct worker *w, struct packet *p)
{
	struct flow *f = p->flow;
	if (f && f->action == FLOW_ACTION_DROP) {
		w->dropping = w->ips;
		if (w->ips && !dropped_flow_logged(w, p))
			eve_log_drop(w->eve, p, NULL, w->ips);
		return;
	}
	if (f && f->action == FLOW_ACTION_PASS)
		return;
	bool session = f && f->stream;
	/* As Suricata: stream rules fall back to the packet's payload when it
	 * did not go into the stream (no session yet, rejected segment). */
	bool in_stream = session && (p->stream_added || p->payload_len == 0);
	detect_packet_ex(w->detect, p, &w->alerts, in_stream ? DETECT_PKT_STREAM_INSPECTED : 0);
	handle_alerts(w, p, &w->alerts);
	if (!session)
		return;
	bool toserver = stream_packet_toserver(f, p);
	inspect_stream(w, p, toserver ? STREAM_TOSERVER : STREAM_TOCLIENT, false);
	struct stream_chunk c;
	enum stream_dir other = toserver ? STREAM_TOCLIENT : STREAM_TOSERVER;
	if (stream_raw_window(f, other, &c) && c.ready && c.len) {
		struct packet pp;
		bool other_toserver = other == STREAM_TOSERVER;
		if (stream_flow_reversed(f))
			other_toserver = !other_toserver;
		pseudo_packet(w, &pp, f, other_toserver, PKT_SRC_STREAM_FLUSH);
		inspect_stream(w, &pp, other, false);
	}
}

/*
 * What an exception policy applied to this packet (by the stream stage:
 * util/exception-policy.h) means for it, as Suricata's
 * ExceptionPolicyApply: the drop policies drop it (IPS mode), every policy
 * but ignore keeps it from inspection.  True when it is not inspected.
 */
static bool exception_verdict(struct worker *w, struct packet *p)
{
	if (p->exception_target == 0)
		return false;
	switch ((enum exception_policy)p->exception_policy) {
	case EXC_POLICY_REJECT:
	case EXC_POLICY_DROP_FLOW:
	case EXC_POLICY_DROP_PACKET:
		if (w->ips) {
			w->dropping = true;
			unsigned t = exception_target_index(p->exception_target);
			if (t < EXC_TARGET_COUNT)
				w->ips_drop_exception[t]++;
			eve_log_drop_exception(w->eve, p, p->exception_target);
			if (p->flow)
				p->flow->drop_logged |= p->flow_toserver ? 1 : 2;
			return true;
		}
		return p->exception_policy != EXC_POLICY_REJECT;
	case EXC_POLICY_BYPASS:
	case EXC_POLICY_PASS_FLOW:
	case EXC_POLICY_PASS_PACKET: return true;
	default: return false;
	}
}

static void process_packet(struct worker *w, struct packet *p)
{
	w->dropping = false;
	check_checksums(w, p);
	if (p->goose.present) /* its events before detection sees them */
		goose_track(w->goose, p);
	flow_table_handle_packet(w->flows, p);
	if (p->flow && p->flow->bypassed) {
		/* Local bypass: the flow's packets are counted, nothing more. */
		w->bypassed_pkts++;
		w->bypassed_bytes += p->len;
		return; /* accepted: count_verdict() counts the frame */
	}
	/* A flow dropped in IPS mode is not tracked further: its packets drop
	 * before the stream stage (detect() logs them). */
	bool flow_dropped = ips_dropped(w, p->flow);
	if (p->flow && p->proto == 6 && !p->is_fragment && !flow_dropped) {
		stream_handle_packet(w->stream, p);
		flow_table_refile(w->flows, p->flow);
	}
	bool skip = exception_verdict(w, p);
	if (!flow_dropped && (!skip || p->exception_policy == EXC_POLICY_PASS_PACKET ||
			      p->exception_policy == EXC_POLICY_PASS_FLOW))
		app_handle_packet(w->app, p);
	if (w->detect && !skip)
		detect(w, p);
	eve_log_anomalies(w->eve, p);
	if (p->goose.present)
		eve_log_goose(w->eve, p);
	if (p->flow) {
		eve_log_frames(w->eve, p);
		app_inspect_done(p); /* rules (if any) have seen this packet's transactions */
		if (!ips_dropped(w, p->flow))
			log_app(w, p, p->flow, false);
		/* stream.bypass: a flow its parser has done with (SSH encrypted,
		 * encryption-handling bypass) is bypassed from now on */
		if (w->stream_bypass && !p->flow->bypassed && app_flow_bypass_ready(p->flow))
			p->flow->bypassed = true;
	}
	w->frame_dropped |= w->dropping;
}

/* One verdict per captured frame: a tunnel's inner packet dropped drops
 * the frame that carries it. */
static void count_verdict(struct worker *w)
{
	if (!w->ips)
		return;
	if (w->frame_dropped)
		w->ips_blocked++;
	else
		w->ips_accepted++;
	if (w->frame_dropped && w->reject.set)
		w->ips_rejected++;
}

void worker_process_frame(struct worker *w, const struct capture_frame *fr)
{
	struct packet *p = &w->pkts[0];
	decode_packet_reset(p);
	p->data = fr->data;
	p->len = fr->caplen;
	p->wire_len = fr->wirelen;
	p->ts_sec = fr->ts_sec;
	p->ts_usec = fr->ts_usec;
	p->pcap_cnt = fr->pcap_cnt;
	p->linktype = fr->linktype;
	p->file_index = fr->file_index;
	p->pkt_src = PKT_SRC_WIRE;
	w->frame_dropped = false;
	w->reject.set = false;
	advance_time(w, p);
	if (!fr->data)
		return; /* a clock tick */

	int nreassembled = 0;
	int n = 1;
	for (int i = 0; i < n; i++) {
		struct packet *cur = &w->pkts[i];
		bool room = n < (int)(sizeof(w->pkts) / sizeof(w->pkts[0]));
		decode_packet(cur, &w->dstats);
		if (cur->parent && cur->vlan_count == 0) {
			/* Inner packets belong to the VLANs of the outer one. */
			cur->vlan_count = cur->parent->vlan_count;
			memcpy(cur->vlan_id, cur->parent->vlan_id, sizeof(cur->vlan_id));
		}
		/* Defrag runs before the fragment is inspected and logged: the
		 * overlap and size events it raises belong to this fragment. */
		uint8_t *buf;
		uint32_t len;
		if (cur->is_fragment && room && reassemble(w, cur, &buf, &len)) {
			w->defrag_bufs[nreassembled++] = buf;
			child_init(&w->pkts[n++], cur, buf, len, cur->linktype, PKT_SRC_DEFRAG);
		}
		process_packet(w, cur);
		if (cur->tunnel_inner && room && cur->tunnel_depth < DECODE_MAX_TUNNEL_DEPTH)
			child_init(&w->pkts[n++], cur, cur->tunnel_inner, cur->tunnel_inner_len,
				   cur->tunnel_inner_linktype, cur->tunnel_src);
	}
	for (int i = 0; i < nreassembled; i++)
		free(w->defrag_bufs[i]);
	count_verdict(w);
}

void worker_publish(struct worker *w)
{
	pthread_mutex_lock(&w->pub_lock);
	w->published.decode = w->dstats;
	w->published.flow = *flow_table_stats(w->flows);
	w->published.defrag = *defrag_table_stats(w->defrag);
	w->published.stream = *stream_ctx_stats(w->stream);
	w->published.app = *app_ctx_stats(w->app);
	w->published.checksum_invalid = w->checksum_invalid;
	w->published.alerts = w->alerts_total;
	w->published.ips_accepted = w->ips_accepted;
	w->published.ips_blocked = w->ips_blocked;
	w->published.bypassed_pkts = w->bypassed_pkts;
	w->published.bypassed_bytes = w->bypassed_bytes;
	memcpy(w->published.ips_drop_exception, w->ips_drop_exception,
	       sizeof(w->ips_drop_exception));
	w->published.ips_rejected = w->ips_rejected;
	pthread_mutex_unlock(&w->pub_lock);
}

void worker_read_published(struct worker *w, struct worker_counters *out)
{
	pthread_mutex_lock(&w->pub_lock);
	*out = w->published;
	pthread_mutex_unlock(&w->pub_lock);
}

void worker_finish(struct worker *w, int64_t last_sec, uint32_t last_usec)
{
	if (last_sec > w->now_sec || (last_sec == w->now_sec && last_usec > w->now_usec)) {
		w->now_sec = last_sec;
		w->now_usec = last_usec;
	}
	flow_table_flush(w->flows);
	worker_publish(w);
	eve_logger_flush(w->eve);
}

void worker_free(struct worker *w)
{
	if (!w)
		return;
	flow_table_free(w->flows); /* ends flows first: needs stream and detect */
	stream_ctx_free(w->stream);
	app_ctx_free(w->app);
	ransomware_free(w->ransomware);
	detect_thread_free(w->detect);
	defrag_table_free(w->defrag);
	eve_logger_free(w->eve);
	goose_tracker_free(w->goose);
	free(w->gap_payload);
	pthread_mutex_destroy(&w->pub_lock);
	free(w);
}

bool worker_swap_detect(struct worker *w, struct detect_engine *de)
{
	struct detect_thread *dt = detect_thread_new(de);
	if (!dt)
		return false;
	detect_thread_free(w->detect);
	w->detect = dt;
	uint32_t longest = detect_engine_max_pattern_len(de);
	w->stream_keep = longest > 1 ? longest - 1 : 0;
	return true;
}
