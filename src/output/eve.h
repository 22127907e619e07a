/*
 * eve — Suricata's EVE JSON output: one JSON object per line in eve.json.
 *
 * One struct eve_file is shared by all workers; each worker owns a
 * struct eve_logger that builds events into its own buffers and hands the
 * file whole batches of lines under a mutex, so lines never interleave and
 * the packet path takes the lock once per ~256 KiB, not once per event.
 * No allocation happens per event once the buffers have grown.
 *
 * Field names, order and formats follow Suricata 8's EVE schema so tools
 * built for Suricata read vigil's output unchanged.
 */
#ifndef VIGIL_OUTPUT_EVE_H
#define VIGIL_OUTPUT_EVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "decode/decode.h"
#include "flow/flow.h"
#include "output/filestore.h"

struct config_node;
struct json;

enum eve_type {
	EVE_T_ALERT = 0,
	EVE_T_ANOMALY,
	EVE_T_FLOW,
	EVE_T_STATS,
	EVE_T_DROP,
	EVE_T_FILES,
	EVE_T_GOOSE, /* IEC 61850 GOOSE frames (vigil's own) */
	EVE_T_FRAME, /* app-layer frames */
	EVE_T_MAX,
};

/* Where the EVE lines go (eve-log `filetype:`). */
enum eve_filetype {
	EVE_FILETYPE_REGULAR = 0, /* a file (or pipe/device) named by filename */
	EVE_FILETYPE_SYSLOG,	  /* the system's syslog(3) */
	EVE_FILETYPE_REDIS,	  /* a Redis server (hiredis) */
	EVE_FILETYPE_KAFKA,	  /* Kafka brokers (librdkafka) */
};

/* eve-log `redis:` as Suricata reads it, plus vigil's bounded backlog. */
enum eve_redis_mode { EVE_REDIS_LPUSH, EVE_REDIS_RPUSH, EVE_REDIS_PUBLISH, EVE_REDIS_XADD };
struct eve_redis_config {
	char server[256];
	unsigned port;
	enum eve_redis_mode mode;
	char key[256];
	bool pipelining;	 /* pipelining: enabled */
	unsigned batch_size;	 /* pipelining: batch-size (commands per round trip) */
	uint64_t stream_maxlen;	 /* stream-maxlen (XADD MAXLEN), 0 = no trimming */
	bool stream_trim_exact;	 /* stream-trim-exact: MAXLEN n, not MAXLEN ~ n */
	unsigned backlog;	 /* backlog: events held while the server is away */
	unsigned timeout_ms;	 /* timeout: connect and reply wait */
};

/* eve-log `kafka:` (vigil's own keys; librdkafka does the work). */
struct eve_kafka_config {
	char brokers[512];
	char topic[256];
	char compression[16]; /* none, gzip, snappy, lz4, zstd */
	char acks[8];	      /* all, 1, 0 */
	bool idempotence;     /* enable.idempotence (needs acks all) */
	unsigned backlog;     /* queue.buffering.max.messages */
	unsigned flush_timeout_ms; /* how long the end of a run waits for deliveries */
};

/* eve-log `identity`, `facility`, `level` for filetype syslog. */
struct eve_syslog_config {
	char identity[64];
	int facility; /* LOG_LOCAL5 ... */
	int level;    /* LOG_INFO ... */
};

struct eve_output_config {
	enum eve_filetype filetype;
	struct eve_redis_config redis;
	struct eve_kafka_config kafka;
	struct eve_syslog_config syslog;
	/* the first bad value, naming its key; start-up fails with it */
	char error[320];
};

/* X-Forwarded-For for alerts (eve-log alert `xff:`), see eve-xff.c. */
#define EVE_XFF_LEN 46
struct eve_xff {
	bool enabled;
	bool overwrite; /* mode overwrite: the address replaces src_ip/dest_ip */
	bool reverse;	/* deployment reverse (default): the chain's last address */
	char header[64];
};

struct eve_config {
	bool enabled;
	char filename[256];
	struct eve_output_config output;
	bool types[EVE_T_MAX];
	bool ethernet;	    /* "ether": {src_mac, dest_mac} */
	bool pcap_filename; /* "pcap_filename" (eve-log pcap-file: yes) */
	bool community_id;
	uint16_t community_id_seed; /* community-id-seed */
	/* anomaly types */
	bool anomaly_decode, anomaly_stream, anomaly_applayer;
	/* alert options */
	bool alert_payload, alert_payload_printable, alert_packet;
	/* alert `metadata:` (Suricata's METADATA_DEFAULTS): no = none of these;
	 * a map sets each (flow, app-layer, rule.metadata) */
	bool alert_flow, alert_app_layer, alert_rule_metadata;
	bool alert_verdict;
	bool alert_tagged_packets; /* EVE "packet" events for tagged packets */
	struct eve_xff alert_xff;
	bool alert_guess_tx;	   /* detect.guess-applayer-tx */
	/* per application protocol (the table's eve_type names): logged, and
	 * the writer's options from the type's config (eve_options) */
	bool app_types[APP_PROTO_MAX];
	uint32_t app_opts[APP_PROTO_MAX];
	/* files: force-hash, as a mask of md5 (1), sha1 (2), sha256 (4) */
	uint8_t files_force_hash;
	bool files_force_magic; /* files: force-magic: libmagic's type in fileinfo */
	/* the file-store output (outputs: - file-store:), which stores files
	 * as their fileinfo is logged */
	struct filestore_config filestore;
	/* drop (IPS) */
	bool drop_alerts;     /* the alert that caused a drop goes in the event */
	bool drop_flow_start; /* log a dropped flow's first drop per direction only */
	/* stats */
	unsigned stats_interval; /* seconds of wall time; 0 = only at the end */
	bool stats_totals, stats_threads;
	bool stats_null_values; /* also log zero-valued counters */
	bool goose_all; /* goose: log-all: every GOOSE frame, not only changes */
	/* exercise: the scenario name when the input is vigil's own synthetic
	 * traffic (capture_exercise()); written as "exercise" in every event */
	const char *exercise;
	/* sensor-name (top level, as Suricata): "host" in every event, so
	 * events from many sensors keep where they were seen */
	char sensor_name[128];
	/* The exception policy of each target (enum exception_policy by
	 * exception_target_index()), as resolved at start-up: the flow
	 * event names the policy of each target the flow met. */
	uint8_t exception_policy[6];
};

/* The Community ID (v1) of a flow's tuple: "1:" and 28 base64 characters;
 * false when the addresses are not IP. */
#define EVE_COMMUNITY_ID_LEN 31
bool eve_community_id(const struct ip_addr *src, uint16_t sp, const struct ip_addr *dst,
		      uint16_t dp, uint8_t proto, uint8_t icmp_type, uint8_t icmp_code,
		      uint16_t seed, char out[EVE_COMMUNITY_ID_LEN]);

/* Suricata's default suricata.yaml settings for eve-log. */
void eve_config_defaults(struct eve_config *c);
/* Reads `outputs: - eve-log:` and `stats:` from the config tree. */
void eve_config_load(struct eve_config *c, const struct config_node *root);

struct eve_file;
struct eve_file *eve_file_open(const char *path, char *err, size_t errlen);
/* Opens the eve-log output the config names: the file at path for
 * filetype regular, else syslog, Redis or Kafka (path unused).  A bad
 * output setting (cfg->output.error) or a failure to start is said in err.
 * Every line handed to the output is counted as written (delivered) or
 * lost, as for a file; a server away is retried, its events held up to
 * the backlog, the rest counted lost. */
struct eve_file *eve_output_open(const struct eve_config *cfg, const char *path, char *err,
				 size_t errlen);
/* "redis://host:port (list suricata)", "kafka (topic ...)", the path ... */
const char *eve_file_path(const struct eve_file *f);
/* Writes n bytes of whole lines atomically with respect to other writers.
 * On failure the lines that did not reach the file are counted lost (the
 * first failure is reported on stderr) and a cut line is taken back. */
bool eve_file_write(struct eve_file *f, const char *buf, size_t n);
/* Counts one event lost before it reached the file (out of memory while
 * building it); event is its text so far, for the type. */
void eve_file_lost(struct eve_file *f, const char *event, size_t n);
/* Lines written so far. */
uint64_t eve_file_events(const struct eve_file *f);

#define EVE_FILE_MAX_TYPES 64
struct eve_type_count {
	char name[32]; /* the event_type */
	uint64_t written, lost;
};
/* What became of the lines handed to the file. */
struct eve_file_stats {
	const char *path; /* valid until eve_file_close() */
	uint64_t written, lost, write_errors;
	int first_errno; /* of the first failed write, 0 if none */
	bool regular;	 /* a regular file (not a pipe, device or socket) */
	struct eve_type_count types[EVE_FILE_MAX_TYPES];
	size_t ntypes;
};
void eve_file_get_stats(const struct eve_file *f, struct eve_file_stats *out);
/* Whether the output is a regular file (which can be read back). */
bool eve_file_is_regular(const struct eve_file *f);
/* For an output that holds lines (Redis backlog, Kafka queue): delivers
 * what it can within its limits and counts the rest lost, so that
 * eve_file_get_stats() says what became of every line.  Nothing for a file. */
void eve_file_settle(struct eve_file *f);
/* Closes; false (reported on stderr) when close() itself failed. */
bool eve_file_close(struct eve_file *f);
/* Opens the path again (after logrotate moved the file away); on failure
 * the old descriptor is kept and err says why. */
bool eve_file_reopen(struct eve_file *f, char *err, size_t errlen);

/* Resolves file_index to a capture file name, for pcap_filename. */
typedef const char *(*eve_file_name_fn)(void *arg, uint32_t file_index);

struct eve_logger;
struct eve_logger *eve_logger_new(struct eve_file *f, const struct eve_config *cfg,
				  eve_file_name_fn name_fn, void *name_arg);
void eve_logger_flush(struct eve_logger *l);
/* Marks every later event of l with "exercise": name (NULL: none). */
void eve_logger_set_exercise(struct eve_logger *l, const char *name);
void eve_logger_free(struct eve_logger *l);
const struct eve_config *eve_logger_config(const struct eve_logger *l);
/* The logger's libmagic handle when force-magic is on (opened on first
 * use, reported once if it cannot be), else NULL. */
struct file_magic;
struct file_magic *eve_logger_magic(struct eve_logger *l);

struct alert_queue;
struct alert;

void eve_log_tagged_packet(struct eve_logger *l, const struct packet *p);

/* A dropped packet (IPS mode): `cause` is the alert that dropped it, or
 * NULL when the packet belongs to an already dropped flow. */
void eve_log_drop(struct eve_logger *l, const struct packet *p, const struct alert *cause,
		  bool ips);
/* A drop an exception policy decided: drop.reason is Suricata's name of
 * the target ("stream midstream", "flow memcap", ...). */
void eve_log_drop_exception(struct eve_logger *l, const struct packet *p, unsigned target_bit);

/* Per-packet and per-flow events. */
void eve_log_alerts(struct eve_logger *l, const struct packet *p, const struct alert_queue *q,
		    bool ips);
void eve_log_anomalies(struct eve_logger *l, const struct packet *p);
/* A GOOSE frame (p->goose): on a new publisher, an stNum change or an
 * anomaly (p->goose.log_reason), or every frame with goose log-all. */
void eve_log_goose(struct eve_logger *l, const struct packet *p);
/* A GOOSE publisher that fell silent past its timeAllowedtoLive. */
void eve_log_goose_silent(struct eve_logger *l, const struct goose_silent *s);
void eve_log_flow(struct eve_logger *l, const struct flow *f, enum flow_end_reason why,
		  int64_t now_sec, uint32_t now_usec);

/*
 * Building blocks for event writers in other files (alert, app layer):
 * eve_begin() opens an event with the common header of a packet, or of a
 * flow when p is NULL; the caller adds its object; eve_commit() ends the
 * line and queues it.
 */
struct json *eve_begin(struct eve_logger *l, const char *event_type, const struct packet *p,
		       const struct flow *f, int64_t ts_sec, uint32_t ts_usec);
void eve_commit(struct eve_logger *l);
/* For a transaction event: the flow's tuple (client first), the time and
 * number of packet p when given. */
struct json *eve_begin_tx(struct eve_logger *l, const char *event_type, const struct packet *p,
			  const struct flow *f);
/* The same with the server first: for what flows to the client (a
 * downloaded file). */
struct json *eve_begin_tx_toclient(struct eve_logger *l, const char *event_type,
				   const struct packet *p, const struct flow *f);

/* Application-layer events (dns, http, tls) of a flow's transactions that
 * are ready; with flow_end, all that remain.  p may be NULL. */
struct app_ctx;
void eve_log_app(struct eve_logger *l, struct app_ctx *app, const struct packet *p, struct flow *f,
		 bool flow_end);
/* One transaction's events (its own, fileinfo, anomalies), for a caller
 * that walks app_log_ready() itself; p may be NULL (flow end). */
void eve_log_app_tx(struct eve_logger *l, const struct packet *p, struct flow *f,
		    enum app_proto proto, const void *state, const void *tx, uint64_t tx_id);

/* A transaction's protocol object ("http": {...}) as alerts on it and its
 * files carry it (the descriptor's eve_alert_opts). */
void eve_put_app_object(struct json *j, enum app_proto proto, const void *state, const void *tx);
/* An alert's "files": [...] (the transaction's files, as fileinfo writes
 * them, without magic); nothing when it has none. */
void eve_put_app_files(struct json *j, enum app_proto proto, const void *tx, uint64_t tx_id);

/* The "anomaly" object of an app-layer event ({"app_proto", "type":
 * "applayer", "event", "layer"}): the event's name upper-cased when `upper`
 * (Suricata's C parsers and its detection events), app_proto left out when
 * NULL. */
void eve_put_applayer_anomaly(struct json *j, const char *app_proto, const char *name, bool upper,
			      const char *layer);

/* Bytes as Suricata's payload_printable: printable ones and CR/LF as they
 * are, others as '.'. */
void eve_put_printable(struct json *j, const char *key, const uint8_t *b, size_t n);
/* An app-layer frame's "frame" object (EVE frame events and alerts). */
struct app_frame_view;
void eve_put_frame(struct json *j, const struct app_frame_view *fv);
/* EVE "frame" events: the frames of p's direction ready and not logged yet
 * (before app_inspect_done() marks them). */
void eve_log_frames(struct eve_logger *l, const struct packet *p);

/* The "alert" object of an alert (also used inside drop events). */
void eve_put_alert_object(struct json *j, const struct alert *a, bool ips);
/* The same, with the rule's `metadata` only when rule_metadata. */
void eve_put_alert_object_ex(struct json *j, const struct alert *a, bool ips, bool rule_metadata);

/* An address as EVE writes it: dotted IPv4, IPv6 in full (no "::"). */
const char *eve_addr_str(const struct ip_addr *a, char buf[64]);

/* "2024-01-02T03:04:05.123456+0000" in the local time zone, as Suricata. */
void eve_format_time(int64_t sec, uint32_t usec, char out[40]);

/* The X-Forwarded-For address of a header value (reverse: the chain's
 * last, else its first); false when there is none. */
bool eve_xff_parse(const uint8_t *v, size_t n, bool reverse, char out[EVE_XFF_LEN]);
/* The address for an alert on flow f: of its transaction, or of the
 * flow's first transaction that has one; HTTP flows only. */
struct flow;
bool eve_xff_of_alert(const struct flow *f, bool has_tx, uint64_t tx_id,
		      const struct eve_xff *cfg, char out[EVE_XFF_LEN]);
/* The next event's header shows these addresses (NULL: the packet's). */
void eve_logger_override_addrs(struct eve_logger *l, const char *src_ip, const char *dst_ip);

#endif
