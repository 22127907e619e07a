/*
 * detect — the Suricata rule language: loading rules, and matching them
 * against decoded packets.
 *
 * This is the only header other stages include.  The engine owner fills a
 * struct detect_config (from suricata.yaml and the command line), builds one
 * struct detect_engine per ruleset, and one struct detect_thread per worker.
 * The engine is immutable once built; everything the packet path writes
 * lives in the detect_thread or in the flow's `detect` slot, so workers
 * never take locks.
 *
 * Alerts come back in Suricata's order (rule ordering: action precedence
 * pass > drop > reject > alert unless action-order says otherwise, then
 * flowbits/flowint/xbits setters before readers, then priority, then load
 * order), at most DETECT_PACKET_ALERT_MAX per packet.  A struct alert
 * points into the engine (msg, category, metadata ...) and stays valid
 * while the engine lives.
 */
#ifndef VIGIL_DETECT_H
#define VIGIL_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct packet;
struct config_node;
struct ioc_db;

#define DETECT_PACKET_ALERT_MAX 15

/* A name → value pair, e.g. {"HOME_NET", "[10.0.0.0/8]"}. */
struct detect_var {
	const char *name;
	const char *value;
};

struct detect_config {
	const char *const *rule_files; /* files or directories (all *.rules in it) */
	size_t rule_file_count;
	const char *classification_file; /* NULL = none (categories empty, priority 3) */
	const char *reference_file;	 /* NULL = none */
	const char *threshold_file;	 /* NULL = none */
	/* Override / add to Suricata's default address and port groups. */
	const struct detect_var *address_vars;
	size_t address_var_count;
	const struct detect_var *port_vars;
	size_t port_var_count;
	bool strict; /* any rule failure makes detect_engine_new() fail */
	/* The configuration root (its datasets: section), or NULL; where
	 * relative dataset save/state names go (NULL = "."). */
	const struct config_node *config;
	const char *data_dir;
	/* Indicators of the loaded feeds (intel/ioc.h), or NULL: the engine
	 * adds its built-in rules (INTEL_SID_BASE) for the types it holds.
	 * detect_engine_new() takes it over (frees it, also on failure). */
	struct ioc_db *ioc;
	/* Hyperscan database cache; NULL = $XDG_CACHE_HOME/vigil or ~/.cache/vigil. */
	const char *cache_dir;
	bool no_cache;		   /* never read or write the cache */
	unsigned packet_alert_max; /* 0 = DETECT_PACKET_ALERT_MAX */
	/* suricata.yaml's action-order: "pass", "drop", "reject" and "alert",
	 * each once, highest precedence first.  NULL = Suricata's default
	 * (pass, drop, reject, alert); an invalid list is reported and the
	 * default used. */
	const char *const *action_order;
	size_t action_order_count;
	/* security.lua (kw-lua.c): Lua rules and transforms. */
	struct detect_lua_config {
		bool allow_rules;      /* allow-rules (Suricata 8 default: yes) */
		bool allow_restricted; /* allow-restricted-functions: all standard libraries */
		uint64_t max_bytes;    /* memory of one Lua state; 0 = no limit */
		uint64_t max_instructions; /* per call into a script; 0 = no limit */
		bool set;		   /* the fields were filled (else Suricata 8's defaults) */
	} lua;
	const char *default_rule_path; /* scripts named relative to it; NULL = the rule file's
					* directory, then the working directory */
	const char *log_dir;	       /* suricata.config.log_path() for scripts; NULL = "." */
};

struct detect_load_stats {
	unsigned loaded;  /* rules in the engine */
	unsigned failed;  /* syntax / semantic errors */
	unsigned skipped; /* valid rules using unsupported keywords */
	unsigned files;	  /* rule files read */
	bool cache_hit;	  /* prefilter databases came from the cache */
	double seconds;	  /* wall time of detect_engine_new() */
};

enum detect_action {
	DETECT_ACTION_ALERT = 0,
	DETECT_ACTION_PASS,
	DETECT_ACTION_DROP,
	DETECT_ACTION_REJECT,
	DETECT_ACTION_REJECTSRC,
	DETECT_ACTION_REJECTDST,
	DETECT_ACTION_REJECTBOTH,
	DETECT_ACTION_CONFIG,
};

/* struct alert flags (Suricata's PACKET_ALERT_FLAG_*). */
enum {
	ALERT_F_STREAM_MATCH = 1 << 0, /* matched on reassembled stream data */
	ALERT_F_STATE_MATCH = 1 << 1,  /* matched on app-layer state */
	ALERT_F_TX = 1 << 2,	       /* tied to an app-layer transaction (tx_id valid) */
	ALERT_F_APPLY_FLOW = 1 << 3,   /* the action applies to the whole flow */
	ALERT_F_PKT_PAYLOAD = 1 << 4,  /* matched on packet payload bytes */
	ALERT_F_RATE_FILTER = 1 << 5,  /* action changed by a rate_filter */
	ALERT_F_FRAME = 1 << 6,	       /* matched on an app-layer frame (frame_id valid) */
};

struct detect_reference {
	const char *key; /* "url", "cve", ... */
	const char *value;
	const char *url; /* key's prefix from reference.config + value, or NULL */
};

/* JSON a dataset entry (format json) attached to a match: EVE
 * alert.context.<key>.  Points into the engine's sets. */
#define ALERT_CONTEXT_MAX 4
struct alert_context {
	const char *key;
	const char *json;
};

struct alert {
	enum detect_action action; /* after rate_filter */
	uint32_t gid, sid, rev;
	int priority;	       /* EVE "severity" */
	const char *msg;       /* "" when the rule has none */
	const char *category;  /* "" when no classtype / unknown */
	const char *classtype; /* NULL when none */
	/* "key value" strings from `metadata:` as written in the rule. */
	const char *const *metadata;
	size_t metadata_count;
	const struct detect_reference *references;
	size_t reference_count;
	const char *target; /* "src_ip", "dest_ip" or NULL */
	uint32_t flags;	    /* ALERT_F_* */
	uint64_t tx_id;
	uint64_t frame_id; /* ALERT_F_FRAME: the frame, in the packet's direction */
	uint32_t rule_num; /* internal ordering number */
	struct alert_context context[ALERT_CONTEXT_MAX];
	unsigned context_count;
	/* KEV / CVE / ATT&CK of the rule (JSON object), NULL = none */
	const char *enrichment;
};

struct alert_queue {
	unsigned count;
	unsigned discarded; /* alerts beyond packet_alert_max */
	bool drop;	    /* a drop/reject rule matched (IPS verdict) */
	bool pass;	    /* a pass rule matched */
	bool flow_pass;	    /* ... and it applies to the whole flow (IP-only pass rule) */
	bool flow_drop;	    /* a drop/reject applies to the whole flow (IP-only rule): EVE
			     * flow.action "drop"; in IPS mode the flow's later packets drop */
	bool tagged;	    /* an earlier `tag` covers this packet: log it (EVE "packet") */
	bool flow_bypass;   /* a rule with `bypass` matched: the flow is bypassed */
	/* The rule that dropped (first in rule order), whether it alerts or
	 * not (noalert): the drop event shows it, as Suricata's
	 * p->alerts.drop. */
	bool has_drop_alert;
	struct alert drop_alert;
	struct alert alerts[DETECT_PACKET_ALERT_MAX];
};

struct detect_engine;
struct detect_thread;

/*
 * Loads every rule file in cfg and builds the prefilter.  Diagnostics (one
 * line per failed or skipped rule, then "N rules loaded, N failed, N
 * skipped") go to `log` (NULL = silent).  Returns NULL on a fatal error:
 * unreadable rule file, strict mode with failures, or no memory.
 */
struct detect_engine *detect_engine_new(const struct detect_config *cfg,
					struct detect_load_stats *stats, FILE *log);
void detect_engine_free(struct detect_engine *de);

/* -T: loads the ruleset, prints the summary to `log`; returns the process exit code:
 * 1 when a rule failed to parse (or, with strict, anything failed or was skipped). */
int detect_test_ruleset(const struct detect_config *cfg, FILE *log);

/* One per worker; never shared between threads. */
struct detect_thread *detect_thread_new(struct detect_engine *de);
void detect_thread_free(struct detect_thread *dt);

/*
 * Runs every applicable rule over one decoded packet (p->flow may be set;
 * per-flow state goes in p->flow->detect).  `out` is reset and filled.
 */
void detect_packet(struct detect_thread *dt, struct packet *p, struct alert_queue *out);

/*
 * Reassembled TCP streams.  Payload rules on `tcp` / `tcp-stream` are
 * Suricata "stream" rules: on a TCP session they inspect the reassembled
 * stream, not each segment.  The engine calls
 *   detect_packet_ex(dt, p, &q, DETECT_PKT_STREAM_INSPECTED)
 * for packets whose payload went into a session's stream (p->stream_added;
 * stream rules are then skipped on the packet), and for each raw stream
 * window that is ready
 *   detect_stream(dt, p, chunk.data, chunk.len, &q2)
 * after which it may consume the window up to its end minus
 * (detect_engine_max_pattern_len() - 1) bytes, so patterns straddling two
 * windows are seen.  Stream alerts carry ALERT_F_STREAM_MATCH and their
 * pass/drop applies to the flow.  `tcp-pkt` rules and rules with dsize
 * always look at the packet.  Otherwise (no session, or a segment the
 * stream refused) every rule inspects the packet payload, as Suricata's
 * stream rules fall back to it (also `tcp-stream` ones).
 */
#define DETECT_PKT_STREAM_INSPECTED 0x1
/* Only the rules on app-layer transactions: for the pseudo packets at the
 * end of a flow, when transactions the end completed are inspected. */
#define DETECT_PKT_APP_ONLY 0x2
void detect_packet_ex(struct detect_thread *dt, struct packet *p, struct alert_queue *out,
		      unsigned flags);
void detect_stream(struct detect_thread *dt, struct packet *p, const uint8_t *data, uint32_t len,
		   struct alert_queue *out);
/* Contiguous stream data between reassembly gaps. */
struct detect_block {
	const uint8_t *data;
	uint32_t len;
};
/* Stream rules over several blocks at once (the data on both sides of a
 * gap), as Suricata inspects its raw stream: a rule matches when it
 * matches in any block, and alerts once. */
void detect_stream_blocks(struct detect_thread *dt, struct packet *p,
			  const struct detect_block *blocks, unsigned n, struct alert_queue *out);
uint32_t detect_engine_max_pattern_len(const struct detect_engine *de);

/* Digests of files the rules compare (filemd5 ...): a mask of app/http.h's
 * HTTP_FILE_MD5 / SHA1 / SHA256, for the parsers to compute. */
unsigned detect_engine_file_hashes(const struct detect_engine *de);
/* A loaded rule has the filestore keyword (files must be kept until
 * their fileinfo is logged, to be stored then). */
bool detect_engine_file_store(const struct detect_engine *de);
/* ORs into masks[APP_PROTO_MAX] the frame types the rules inspect
 * (APP_FRAME_BIT per protocol), for struct app_config.frames. */
void detect_engine_frames(const struct detect_engine *de, uint64_t *masks);
/* A loaded rule uses an ssh.hassh* buffer (hassh must be on; kw-ssh.c). */
bool detect_engine_wants_hassh(const struct detect_engine *de);

/* Releases a flow's detect slot (flowbits, flowints); NULL is fine. */
void detect_flow_free(void *flow_detect_slot);

/* "allowed" or "blocked" as EVE's alert.action; `ips` = inline mode. */
const char *detect_alert_action_name(const struct alert *a, bool ips);
const char *detect_action_name(enum detect_action a);

/* Keyword registry. */
bool detect_keyword_supported(const char *name);
void detect_list_keywords(FILE *out); /* --list-keywords */

/* --rule-stats: failures and skips by keyword after detect_engine_new(). */
void detect_print_rule_stats(const struct detect_engine *de, FILE *out);

/* Number of rules in the engine. */
unsigned detect_engine_rule_count(const struct detect_engine *de);

/* ------------------------------------------------------------ behaviour */

/*
 * Ransomware behaviour on file shares (ransomware.c): one detector per
 * worker, fed every application transaction as it is logged.  Its alerts
 * use the signature ids RANSOMWARE_SID_BASE + 1 .. + 99, reserved for vigil.
 */
#define RANSOMWARE_SID_BASE 9100000u
/* Indicator matches (kw-intel.c): INTEL_SID_BASE + 1 .. + 99, reserved. */
#define INTEL_SID_BASE 9200000u
struct ransomware_config {
	bool enabled;	     /* behaviour.ransomware.enabled */
	uint32_t window;     /* seconds of the sliding window (window) */
	uint32_t renames;    /* files renamed to one new extension (rename-threshold) */
	uint32_t overwrites; /* files overwritten with high-entropy bytes (overwrite-threshold) */
	double entropy;	     /* bits per byte that count as encrypted (entropy-threshold) */
	uint32_t min_sample; /* bytes of a write judged (entropy-min-bytes) */
	uint32_t note_dirs;  /* directories one new name is written in (note-directories) */
	uint32_t max_keys;   /* (client, server, share) tracked per worker (max-tracked) */
};
struct config_node;
struct flow;
struct ransomware;
void ransomware_config_defaults(struct ransomware_config *c);
/* behaviour.ransomware.*; a bad value is reported and the default kept. */
void ransomware_config_load(struct ransomware_config *c, const struct config_node *root);
struct ransomware *ransomware_new(const struct ransomware_config *cfg);
void ransomware_free(struct ransomware *r);
/* Tracked triples dropped to make room (the table was full). */
uint64_t ransomware_keys_dropped(const struct ransomware *r);
/* One transaction of flow f, logged at time `now` (seconds): alerts, if
 * any, are added to q; their text lives until the next call. */
void ransomware_observe(struct ransomware *r, const struct flow *f, int proto, const void *state,
			const void *tx, uint64_t tx_id, int64_t now, struct alert_queue *q);
/* The same for one share operation of client on server (tests, replay). */
struct ip_addr;
struct app_share_op;
void ransomware_observe_op(struct ransomware *r, const struct ip_addr *client,
			   const struct ip_addr *server, const struct app_share_op *op,
			   uint64_t tx_id, int64_t now, struct alert_queue *q);

#endif
