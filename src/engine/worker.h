/*
 * worker — everything one worker thread owns: its flow table, defrag
 * table, decode counters, EVE logger and (later) detection and stream
 * contexts.  Nothing here is shared between workers.
 */
#ifndef VIGIL_ENGINE_WORKER_H
#define VIGIL_ENGINE_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "capture/capture.h"
#include "decode/decode.h"
#include "decode/defrag.h"
#include "detect/detect.h"
#include "engine/engine.h"
#include "engine/reject.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "output/fast-log.h"
#include "stream/stream.h"

struct worker_counters {
	struct decode_stats decode;
	struct flow_stats flow;
	struct defrag_stats defrag;
	struct stream_stats stream;
	struct app_stats app;
	uint64_t checksum_invalid;
	uint64_t alerts;
	/* IPS mode, per captured frame: accepted or blocked; rejected ones
	 * (a reject rule; answered when live) are also counted as blocked. */
	uint64_t ips_accepted, ips_blocked, ips_rejected;
	uint64_t bypassed_pkts, bypassed_bytes; /* packets of locally bypassed flows */
	/* IPS drops an exception policy decided, by exception_target_index() */
	uint64_t ips_drop_exception[EXC_TARGET_COUNT];
};

struct worker {
	unsigned id;
	enum checksum_mode checksum;
	struct flow_table *flows;
	struct defrag_table *defrag;
	struct stream_ctx *stream;
	struct app_ctx *app;
	bool stream_bypass; /* stream.bypass: flows the app layer has done with are bypassed */
	struct goose_tracker *goose; /* GOOSE publishers (decode/goose.h) */
	struct eve_logger *eve;
	struct fast_log *fast; /* shared, thread-safe; NULL when off */
	struct detect_thread *detect; /* NULL when no rules are loaded */
	struct ransomware *ransomware; /* behaviour detection; NULL when off */
	struct alert_queue alerts;
	uint32_t stream_keep; /* bytes of a raw window kept for straddling patterns */
	/* Stream alert payload when a window spans gaps ("[N bytes missing]"). */
	uint8_t *gap_payload;
	size_t gap_payload_cap;
	bool ips;
	bool dropping; /* the packet being processed is dropped (IPS) */
	/* The verdict on the frame being processed (any of its packets
	 * dropped drops it), and the packet a reject rule answers. */
	bool frame_dropped;
	struct reject_target reject;
	uint64_t alerts_total;
	uint64_t ips_accepted, ips_blocked, ips_rejected;
	uint64_t bypassed_pkts, bypassed_bytes;
	uint64_t ips_drop_exception[EXC_TARGET_COUNT];
	struct decode_stats dstats;
	uint64_t checksum_invalid;
	int64_t now_sec; /* newest packet time seen */
	uint32_t now_usec;
	int64_t last_expire_sec;
	/* Packets of one frame: the wire packet, then tunnel/defrag children. */
	struct packet pkts[DECODE_MAX_TUNNEL_DEPTH + 2];
	/* Reassembled datagrams behind the link header of their first fragment. */
	uint8_t *defrag_bufs[DECODE_MAX_TUNNEL_DEPTH + 2];
	/* Counters published for the stats thread (under lock). */
	pthread_mutex_t pub_lock;
	struct worker_counters published;
};

struct worker_setup {
	unsigned id;
	enum checksum_mode checksum;
	const struct flow_config *flow_cfg;
	const struct defrag_config *defrag_cfg;
	const struct stream_config *stream_cfg;
	const struct app_config *app_cfg;
	const struct ransomware_config *ransomware_cfg; /* NULL: no behaviour detection */
	struct eve_file *eve_file;
	const struct eve_config *eve_cfg;
	eve_file_name_fn file_name_fn;
	void *file_name_arg;
	struct detect_engine *detect; /* NULL: no detection */
	struct fast_log *fast;        /* NULL: no fast.log */
	bool ips;
};

struct worker *worker_new(const struct worker_setup *s);
/* Processes one captured frame end to end.  A frame with no data is a
 * clock tick: it only advances packet time (and so runs timeouts).  In
 * IPS mode the verdict is then in w->frame_dropped, and w->reject.set says
 * a reject rule wants the frame answered. */
void worker_process_frame(struct worker *w, const struct capture_frame *fr);
/* Copies this worker's counters for readers on other threads. */
void worker_publish(struct worker *w);
void worker_read_published(struct worker *w, struct worker_counters *out);
/* Ends all flows at the input's last packet time and flushes output. */
void worker_finish(struct worker *w, int64_t last_sec, uint32_t last_usec);
void worker_free(struct worker *w);
/* Rule reload: from now on this worker inspects with `de` (its own thread
 * context made anew; threshold counters start again).  Called by the
 * worker's thread between two frames.  False (old engine kept) when out of
 * memory. */
bool worker_swap_detect(struct worker *w, struct detect_engine *de);

#endif
