/*
 * app — the application layer: protocol parsers fed with reassembled
 * stream data (or UDP payloads), producing transactions that detection
 * inspects and EVE logs.
 *
 * Every protocol is one entry of the protocol table (app/protocols.h): a
 * struct app_protocol descriptor, below, defined in the protocol's own
 * file.  A parser keeps a per-flow state created on first data, a parse
 * call per direction that consumes what it can and never reads past the
 * length it was given, a list of transactions with per-direction
 * progress, app-layer events with Suricata's names, and an EVE writer for
 * a transaction.  Parsers keep no global mutable state and bound the
 * memory a flow can make them hold.  The framework (app/app.c) recognises
 * protocols and drives the parsers from the stream stage through the
 * descriptors only.
 */
#ifndef VIGIL_APP_H
#define VIGIL_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream/stream.h"

enum app_dir { APP_TOSERVER = 0, APP_TOCLIENT = 1 };

/* Flags of a chunk of data handed to a parser. */
enum {
	APP_CHUNK_GAP = 1 << 0, /* data is missing before this chunk */
	APP_CHUNK_EOF = 1 << 1, /* the direction is closed after this chunk */
	/* with EOF: the stream reached its reassembly depth, so the data
	 * ended there, not where the sender stopped (a file is TRUNCATED) */
	APP_CHUNK_DEPTH = 1 << 2,
};

/* What a parse call reports back. */
enum app_parse_result {
	APP_PARSE_OK = 0,    /* consumed, maybe waiting for more */
	APP_PARSE_ERROR = 1, /* the data is not this protocol / cannot go on */
	/* The flow turns into another protocol after these bytes (STARTTLS,
	 * an HTTP CONNECT tunnel): recognition starts again on the next ones,
	 * expecting the descriptor's change_expect() (UNKNOWN: any). */
	APP_PARSE_CHANGE = 2,
};

/* ---------------------------------------------------------- the protocol table */

struct flow;
struct packet;
struct config_node;
struct json;
struct file_magic;

/*
 * Protocol ids come from the one table, app/protocols.h: APP_PROTO_HTTP,
 * APP_PROTO_SMB, ... in table order, between UNKNOWN and FAILED.
 */
#include "app/protocols.h"
#define APP_X_ID(id, desc) APP_PROTO_##id,
enum app_proto {
	APP_PROTO_UNKNOWN = 0, /* not decided yet (or no payload) */
	APP_PROTOCOLS(APP_X_ID) APP_PROTO_FAILED, /* payload seen, no parser recognised it */
	APP_PROTO_MAX,
};
#undef APP_X_ID

/* "http", "tls", "dns", "smb", ..., "failed"; NULL for APP_PROTO_UNKNOWN. */
const char *app_proto_name(enum app_proto p);
/* A protocol by its name or one of its rule-language aliases ("ssl",
 * "http1"); APP_PROTO_UNKNOWN when no table entry has it. */
enum app_proto app_proto_by_name(const char *name);

enum app_probe_result {
	APP_PROBE_NO = 0,	/* these bytes are not this protocol */
	APP_PROBE_MATCH = 1,	/* they are */
	APP_PROBE_NEED_MORE = 2 /* too few bytes to tell */
};

/* Transports a protocol runs on (struct app_protocol.ipprotos). */
enum { APP_IPPROTO_TCP = 1 << 0, APP_IPPROTO_UDP = 1 << 1 };

/* What a probe knows of the flow besides the bytes. */
struct app_probe_in {
	enum app_dir dir;     /* direction of the bytes */
	bool tcp;	      /* TCP stream (else one UDP datagram) */
	uint16_t sp, dp;      /* the flow's ports, as the first packet had them */
};

/* What a parser knows of its flow when its state is made. */
struct app_flow_info {
	bool tcp;
	uint16_t server_port;
	const void *cfg;   /* the protocol's settings (config_new), NULL = defaults */
	uint8_t file_hashes; /* APP_FILE_MD5|SHA1|SHA256 to compute for files */
	/* A flow another flow announced (app_expect below): the announcer's
	 * opaque data, NULL/0 otherwise. */
	const uint8_t *expect_data;
	uint32_t expect_len;
};

/*
 * Expected flows (Suricata's app-layer-expectation.c): a parser may
 * announce a connection its flow is about to cause (FTP's data connection
 * after PORT/PASV and RETR/STOR).  After each parse call the framework
 * takes the parser's announcements (descriptor's expect_take) and keeps
 * them, with the announcing flow's two addresses, in a bounded per-worker
 * table (APP_EXPECT_MAX entries, the oldest replaced; APP_EXPECT_TIMEOUT
 * seconds).  A new TCP flow between the same two addresses (either way)
 * whose server port is `port` takes the entry (once): it is recognised as
 * `proto` without probing, and that parser's state_new gets `data` (a
 * copy, so the announcing flow may be gone by then) as
 * app_flow_info.expect_data.
 */
#define APP_EXPECT_DATA_MAX 520
#define APP_EXPECT_MAX 64
#define APP_EXPECT_TIMEOUT 60
struct app_expect {
	enum app_proto proto; /* what the expected flow will be */
	uint16_t port;	      /* its server port */
	uint32_t len;
	uint8_t data[APP_EXPECT_DATA_MAX]; /* for the expected flow's parser */
};

/* Which side of a transaction rules may inspect (tx_side). */
enum app_side {
	APP_SIDE_NONE = 0,	/* the transaction has nothing in this direction */
	APP_SIDE_PENDING = 1,	/* not complete yet: later ones wait for it */
	APP_SIDE_READY = 2,	/* complete: inspected once, on a packet of the direction */
	/* not complete, but what rules on its early buffers read is known
	 * (SMTP: the mail's headers): inspected once now by the rules that
	 * read only such buffers, then again when READY by the others */
	APP_SIDE_EARLY = 3,
};

/* Whether a transaction is logged now (tx_log). */
enum app_log_decision {
	APP_LOG_WAIT = 0, /* not yet: later transactions wait (logged in order) */
	APP_LOG_NOW = 1,  /* hand it to the EVE writer */
	APP_LOG_SKIP = 2  /* done, with nothing to log */
};

/* A file a transaction carries (fileinfo, file keywords). */
enum { APP_FILE_MD5 = 1 << 0, APP_FILE_SHA1 = 1 << 1, APP_FILE_SHA256 = 1 << 2 };
enum app_file_state {
	APP_FILE_NONE = 0, /* none (yet) */
	APP_FILE_OPEN,
	APP_FILE_CLOSED,
	APP_FILE_TRUNCATED,
	APP_FILE_ERROR,
};
struct app_file_info {
	enum app_file_state state;
	enum app_dir dir; /* the direction the file travels */
	const uint8_t *name;
	uint32_t name_len;
	uint64_t size;
	uint8_t hashes; /* APP_FILE_*: the hashes computed (file closed complete) */
	bool gaps;	/* bytes of the file were lost */
	uint8_t md5[16], sha1[20], sha256[32];
	/* file extraction: the spooled copy of a closed or truncated file
	 * (NULL: none), and the SHA-256 of its bytes */
	const char *spool_path;
	uint8_t spool_sha256[32];
};

/*
 * What a transaction did on a file share, or which remote procedure it
 * called (for behaviour detection, detect/ransomware.c, which reads it
 * through the descriptor's tx_share_op).  Views into the parser's state,
 * valid while the transaction lives.
 */
enum app_share_op_kind {
	APP_SHARE_NONE = 0,
	APP_SHARE_OPEN,	  /* a file opened or created (path, created) */
	APP_SHARE_WRITE,  /* bytes written to a file (path, bytes, sample) */
	APP_SHARE_RENAME, /* path renamed to new_path */
	APP_SHARE_DELETE, /* path deleted */
	APP_SHARE_RPC,	  /* a remote procedure call (iface, opnum, stub) */
};
struct app_share_op {
	enum app_share_op_kind kind;
	const uint8_t *share; /* the share as the client named it ("\\fs\data") */
	uint32_t share_len;
	const uint8_t *path; /* the file within the share (UTF-8) */
	uint32_t path_len;
	const uint8_t *new_path; /* RENAME: the new name, within the share */
	uint32_t new_path_len;
	bool created;		/* OPEN: a new file (it did not exist) */
	bool is_dir;		/* OPEN: a directory */
	uint64_t bytes;		/* WRITE: bytes written */
	const uint8_t *sample;	/* WRITE: the first bytes written */
	uint32_t sample_len;
	const uint8_t *iface;	/* RPC: the 16-byte interface UUID, RFC 4122 byte order */
	uint16_t opnum;		/* RPC */
	const uint8_t *stub;	/* RPC: the request's stub data */
	uint32_t stub_len;
};

/*
 * One application protocol, as the framework (app/app.c) knows it.  Each
 * parser file defines one (const struct app_protocol app_<name>) and the
 * table in app/protocols.h lists it.  Optional members are NULL/0.
 * A protocol with no state_new is recognised only (flows carry its
 * app_proto; rules on the stream match) and has no transactions.
 */
struct app_protocol {
	const char *name;	    /* as Suricata spells it: "http", "smb", "dcerpc" */
	const char *const *aliases; /* more rule-header names, NULL-terminated ("ssl") */
	uint8_t ipprotos;	    /* APP_IPPROTO_* */
	const char *tcp_ports;	    /* default detection ports ("139,445"), NULL none */
	const char *udp_ports;
	/* Pattern probe, on any port: the first bytes of a direction. */
	enum app_probe_result (*probe)(const struct app_probe_in *in, const uint8_t *d, uint32_t n);
	/* Port probe, when a detection port matches (after every pattern probe
	 * failed); NULL = the port alone decides. */
	enum app_probe_result (*probe_port)(const struct app_probe_in *in, const uint8_t *d,
					    uint32_t n);

	/* Settings under app-layer.protocols.<name>: made once, shared by all
	 * workers (read-only), passed as app_flow_info.cfg. */
	void *(*config_new)(const struct config_node *root);
	void (*config_free)(void *cfg);

	/* TCP reassembly depth once the protocol is known: 0 = the global
	 * stream.reassembly.depth, APP_STREAM_DEPTH_UNLIMITED = no limit
	 * (Suricata's "track it completely"); app-layer.protocols.<name>.
	 * stream-depth overrides it (0 there = unlimited). */
	uint64_t stream_depth;

	void *(*state_new)(const struct app_flow_info *fi);
	void (*state_free)(void *state);
	/* Bytes of one direction (flags: APP_CHUNK_*); never reads past n. */
	enum app_parse_result (*parse)(void *state, enum app_dir dir, const uint8_t *d, uint32_t n,
				       uint32_t flags);

	/* Transactions have ids 0 .. tx_count()-1; tx_get is NULL for a
	 * released one.  eof: the flow ended. */
	uint64_t (*tx_count)(const void *state);
	const void *(*tx_get)(const void *state, uint64_t id);
	enum app_side (*tx_side)(const void *state, const void *tx, enum app_dir dir, bool eof);
	enum app_log_decision (*tx_log)(const void *state, const void *tx, bool flow_end);
	/* Frees transactions below id (logged and inspected); NULL = kept
	 * until the state is freed. */
	void (*tx_release_upto)(void *state, uint64_t id);

	/* App-layer events: names as Suricata's <name>-events.rules spell
	 * them (lower case); EVE anomaly events upper-case them when
	 * events_upper (Suricata's C parsers).  n_events entries. */
	const char *const *event_names;
	int n_events;
	bool events_upper;
	bool (*tx_has_event)(const void *state, const void *tx, int ev);
	/* A rule's event name (with the protocol's older spellings); NULL =
	 * a case-insensitive look-up in event_names. */
	int (*event_by_name)(const char *name);

	/* EVE: the event type (also the eve-log `types:` name) and the writer
	 * of the transaction's object ("smb": {...}); opts from eve_options
	 * (the type's options in the eve-log config) or eve_default_opts. */
	const char *eve_type;
	/* The eve-log `types:` name when it is not eve_type (ftp_data is
	 * configured as "ftp", as in Suricata). */
	const char *eve_config_type;
	void (*log_json)(struct json *j, const void *state, const void *tx, uint32_t opts);
	uint32_t (*eve_options)(const struct config_node *type_opts);
	uint32_t eve_default_opts; /* without a config (Suricata's shipped yaml) */
	uint32_t eve_alert_opts;   /* inside an alert */
	/* How many events one transaction makes with these options (NULL: 1);
	 * log_json is then called once per part, the part's index in opts'
	 * top byte (APP_EVE_PART). DNS version 2 logs each query apart. */
	uint32_t (*eve_parts)(const void *tx, uint32_t opts);
	bool eve_no_tx_id;	   /* the event has no "tx_id" (Suricata's TLS and DNS) */
	/* The event takes the direction of the packet it is logged on
	 * (Suricata's LOG_DIR_PACKET loggers: krb5, rdp). */
	bool eve_dir_packet;
	/* The direction of a message protocol's transaction (DNS); NULL = it
	 * has both sides. */
	int (*tx_msg_dir)(const void *tx);

	/* After APP_PARSE_CHANGE: the protocol the flow should turn into
	 * (app_proto_expected when it does not); NULL = any. */
	int (*change_expect)(const void *state);

	/* Behaviour detection: what the transaction did on a share, or the
	 * procedure it called (false: nothing of that kind). */
	bool (*tx_share_op)(const void *state, const void *tx, struct app_share_op *out);

	/* Expected flows: the next announcement made since the last call
	 * (false: none left); see struct app_expect. */
	bool (*expect_take)(void *state, struct app_expect *out);

	/* Frames (app/frame.h): the protocol's frame type names, indexed by
	 * type, as Suricata's rules and EVE spell them ("pdu", "smb1.hdr"). */
	const char *const *frame_names;
	uint8_t n_frames;

	/* The rest of the flow is not worth inspecting (encrypted, and the
	 * protocol's encryption-handling is bypass): with stream.bypass the
	 * flow is bypassed, as Suricata's APP_LAYER_PARSER_BYPASS_READY. */
	bool (*bypass_ready)(const void *state);

	/* Files: the k-th file of a transaction; libmagic's description of it. */
	bool (*tx_file)(const void *tx, uint32_t k, struct app_file_info *out);
	const char *(*tx_file_magic)(const void *tx, uint32_t k, struct file_magic *fm);
};

/* A probe helper: d starts with one of the NULL-terminated words
 * (case-insensitive); NEED_MORE when d is a prefix of one. */
enum app_probe_result app_probe_words(const uint8_t *d, uint32_t n, const char *const *words);

#define APP_STREAM_DEPTH_UNLIMITED UINT64_MAX
#define APP_EVE_PART_SHIFT 24
#define APP_EVE_PART(opts) ((opts) >> APP_EVE_PART_SHIFT)

/*
 * For a parser's tx_get over its array of live transactions sorted by id
 * (a uint64_t member at id_offset in each): the one with this id, or
 * NULL.  The direct slot (ids consecutive) first, then a binary search:
 * tx_get is called for every transaction of every inspection, so it
 * must not scan.
 */
const void *app_tx_find(void *const *txs, size_t n, uint64_t id, size_t id_offset);

/* The table entry of a protocol; NULL for UNKNOWN, FAILED and bad ids. */
const struct app_protocol *app_protocol(enum app_proto p);

/* ---------------------------------------------------------- framework */

#define APP_MAX_PORT_RANGES 16
struct app_ports {
	uint8_t n;
	uint16_t lo[APP_MAX_PORT_RANGES], hi[APP_MAX_PORT_RANGES];
};
/* "53", "139, 445", "[80, 8080:8090]", "any" (NULL: none); false when
 * the text is not a port list. */
bool app_ports_parse(const char *s, struct app_ports *out);

struct app_config {
	bool enabled[APP_PROTO_MAX]; /* app-layer.protocols.<name>.enabled */
	uint32_t detect_limit;	     /* bytes a direction may take to be recognised */
	uint8_t file_hashes;	     /* APP_FILE_*: hashes every file gets */
	void *proto_cfg[APP_PROTO_MAX]; /* config_new's, NULL = defaults */
	/* detection-ports per protocol and transport (0 TCP, 1 UDP) */
	struct app_ports ports[APP_PROTO_MAX][2];
	/* stream depth per protocol, as struct app_protocol.stream_depth */
	uint64_t stream_depth[APP_PROTO_MAX];
	/* Frame types made per protocol (APP_FRAME_BIT, app/frame.h): what
	 * `frame:` rules use, every type when EVE logs frames. */
	uint64_t frames[APP_PROTO_MAX];
};
void app_config_defaults(struct app_config *c);
/* Reads app-layer.*; problems are reported on stderr with the key. */
void app_config_load(struct app_config *c, const struct config_node *root);
void app_config_free(struct app_config *c);
/* The protocol's settings (config_new's), NULL = defaults. */
const void *app_config_proto(const struct app_config *c, enum app_proto p);

/*
 * Protocol-detection events, set on the packet whose data raised them
 * (packet.app_events bits), as Suricata's app-layer packet events;
 * rules see them as app-layer-event:applayer_..., EVE as anomaly events
 * of layer proto_detect.
 */
enum app_detect_event {
	APP_EV_MISMATCH_BOTH_DIRECTIONS, /* the directions matched different protocols */
	APP_EV_WRONG_DIRECTION_FIRST_DATA,
	APP_EV_ONLY_ONE_DIRECTION,   /* one direction matched nothing */
	APP_EV_DETECTION_SKIPPED,
	APP_EV_NO_TLS_AFTER_STARTTLS,
	APP_EV_UNEXPECTED_PROTOCOL,  /* a change expected another protocol */
	APP_EV_DETECT_COUNT,
};
/* "applayer_mismatch_protocol_both_directions", ...; NULL past the end. */
const char *app_detect_event_name(enum app_detect_event ev);

/* Only uint64_t counters: the engine sums workers' stats as arrays. */
struct app_stats {
	uint64_t flows[APP_PROTO_MAX]; /* flows recognised per protocol */
	uint64_t tx[APP_PROTO_MAX];    /* transactions handed to the logger */
	/* ... of them over UDP (Suricata counts a protocol that has both
	 * transports as <name>_tcp and <name>_udp) */
	uint64_t flows_udp[APP_PROTO_MAX];
	uint64_t tx_udp[APP_PROTO_MAX];
	uint64_t parse_errors;
	uint64_t expect_new;	 /* expected flows announced */
	uint64_t expect_matched; /* ... that a new flow took */
	uint64_t expect_evicted; /* ... replaced (table full) or timed out unused */
	uint64_t frames_refused; /* frames not made: APP_FRAMES_MAX live ones (app/frame.h) */
};

/* Per worker, like every other stage's context. */
struct app_ctx;
struct app_ctx *app_ctx_new(const struct app_config *cfg);
void app_ctx_free(struct app_ctx *ctx);
const struct app_stats *app_ctx_stats(const struct app_ctx *ctx);

/*
 * After the stream stage: recognises the flow's protocol from its first
 * bytes (and ports), then feeds the parser the new in-order data of both
 * directions (TCP, from the stream stage) or the datagram (UDP).
 */
void app_handle_packet(struct app_ctx *ctx, struct packet *p);

/* At the end of a flow (after stream_flow_end): the last data, then EOF;
 * of one direction (the worker inspects each before the next is fed, as
 * Suricata's flow-timeout pseudo packets do), or of both. */
void app_flow_end_dir(struct app_ctx *ctx, struct flow *f, enum stream_dir dir);
void app_flow_end(struct app_ctx *ctx, struct flow *f);
void app_flow_free(void *flow_app_slot);
enum app_proto app_flow_proto(const struct flow *f);
/* Transactions the flow's parser created (EVE flow.tx_cnt); 0 without one. */
uint64_t app_flow_tx_count(const struct flow *f);
/* What each direction was recognised as (UNKNOWN: not yet; FAILED), the
 * protocol before a change (UNKNOWN: none), and the one a change expected
 * (UNKNOWN: none), for the flow event's app_proto_ts/tc/orig/expected. */
enum app_proto app_flow_proto_dir(const struct flow *f, enum app_dir dir);
enum app_proto app_flow_proto_orig(const struct flow *f);
enum app_proto app_flow_proto_expected(const struct flow *f);

/*
 * Rule inspection of transactions.  A transaction side (request/to-server
 * or response/to-client) is inspected once, on a packet of that direction,
 * once it is complete (DNS: each message; HTTP: the message done; TLS: the
 * ClientHello / the server's hello and certificate).  app_inspect_tx()
 * gives the i-th such transaction for packet p (false past the end);
 * app_inspect_done() marks them inspected after detection ran on p.
 */
bool app_inspect_tx(const struct packet *p, uint32_t i, enum app_proto *proto, const void **tx,
		    uint64_t *tx_id);
void app_inspect_done(struct packet *p);
/* The stage at which app_inspect_tx_stage() offers a side. */
enum app_inspect_stage {
	APP_STAGE_FULL = 0,	  /* complete, never offered early */
	APP_STAGE_EARLY,	  /* APP_SIDE_EARLY: only rules on early buffers */
	APP_STAGE_FULL_AFTER_EARLY /* complete, offered early before: the others */
};
/* app_inspect_tx(), with the stage of the offering. */
bool app_inspect_tx_stage(const struct packet *p, uint32_t i, enum app_proto *proto,
			  const void **tx, uint64_t *tx_id, enum app_inspect_stage *stage);
/* All of them at once (at most APP_INSPECT_MAX), in the order and with
 * the stages app_inspect_tx_stage() gives them: one walk instead of one
 * per index. */
#define APP_INSPECT_MAX 64
struct app_tx_ref {
	const void *tx;
	uint64_t id;
	enum app_inspect_stage stage;
};
uint32_t app_inspect_txs(const struct packet *p, enum app_proto *proto,
			 struct app_tx_ref out[APP_INSPECT_MAX]);

/*
 * A live transaction of the flow by id, for an alert's app-layer object
 * (false when it is unknown or already released).  `state` and `tx` are
 * as for app_tx_fn below.  app_flow_tx_total() is the number of
 * transactions the flow has had (Suricata's guess of an alert's
 * transaction needs it to be one).
 */
bool app_flow_tx(const struct flow *f, uint64_t tx_id, enum app_proto *proto, const void **state,
		 const void **tx);
uint64_t app_flow_tx_total(const struct flow *f);
/*
 * Files to store (the filestore keyword; output/filestore.c stores them
 * as their fileinfo is logged).  dirs: 1 << APP_TOSERVER, 1 <<
 * APP_TOCLIENT.  APP_STORE_FLOW marks every file of those directions of
 * transaction tx_id and the later ones (not of earlier ones: Suricata's
 * flow flag reaches the transactions that follow); APP_STORE_TX (and APP_STORE_FILE, the files of the
 * transaction the rule matched in the packet's direction) the files of
 * transaction tx_id.  A mark also gives a TCP flow the file-store
 * stream-depth.  At most APP_STORE_TX_MAX transactions are marked at
 * once per flow (the oldest mark goes).
 */
#define APP_STORE_TX_MAX 8
enum app_store_scope { APP_STORE_FILE, APP_STORE_TX, APP_STORE_FLOW };
void app_flow_file_store(struct flow *f, enum app_store_scope scope, uint8_t dirs, uint64_t tx_id);
bool app_flow_file_store_wanted(const struct flow *f, uint64_t tx_id, enum app_dir dir);

/* The flow's parser says the rest of it need not be inspected. */
bool app_flow_bypass_ready(const struct flow *f);
/* The flow's parser state (NULL when none), for keywords that need it. */
const void *app_flow_state(const struct flow *f);
/* A protocol's app-layer event by its rule name; -1 when unknown. */
int app_event_by_name(enum app_proto p, const char *name);

/*
 * Hands every transaction that is ready to be logged (DNS: each message;
 * HTTP: request and response complete; TLS: once per flow, when the
 * handshake is over) to `fn`, then releases it.  With `flow_end`, every
 * remaining transaction is ready.  `state` and `tx` are the parser's own
 * types (struct dns_tx, struct http_tx; for TLS tx is the state).
 */
typedef void (*app_tx_fn)(void *arg, enum app_proto proto, const void *state, const void *tx,
			  uint64_t tx_id);
void app_log_ready(struct app_ctx *ctx, struct flow *f, bool flow_end, app_tx_fn fn, void *arg);

#endif
