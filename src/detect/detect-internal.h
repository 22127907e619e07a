/*
 * detect-internal.h — what the files of src/detect share and nothing
 * outside src/detect may include.
 *
 * A rule (struct rule) is a header (action, protocol, addresses, ports,
 * direction), metadata, and match lists:
 *   - MATCH: packet-level keywords (ttl, flags, flow, dsize, flowbits isset ...),
 *     evaluated first, cheapest;
 *   - one list per inspected buffer (struct rule_buffer: buffer id + transform
 *     chain + content-like keywords), run through the content inspection
 *     engine (inspect.c) with Suricata's relative/backtracking semantics;
 *   - POSTMATCH: keywords with side effects (flowbits set, flowint +=),
 *     run only once everything else matched;
 *   - THRESHOLD: threshold / detection_filter, consulted last.
 * Keywords are described by struct kw_def; each keyword family file exports
 * one array of them and keywords.c joins those arrays into the one table.
 */
#ifndef VIGIL_DETECT_INTERNAL_H
#define VIGIL_DETECT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app/app.h"
#include "decode/decode.h"
#include "detect/detect.h"
#include "flow/flow.h"

typedef unsigned __int128 u128;

/* ------------------------------------------------------------ range sets */

struct range {
	u128 lo, hi;
};

/* A sorted, non-overlapping set of inclusive ranges. */
struct rset {
	struct range *r;
	uint32_t n, cap;
};

void rset_free(struct rset *s);
int rset_add(struct rset *s, u128 lo, u128 hi);
int rset_union(struct rset *dst, const struct rset *src);
int rset_subtract(struct rset *dst, const struct rset *src);
int rset_complement(struct rset *s, u128 max);
bool rset_contains(const struct rset *s, u128 v);
int rset_copy(struct rset *dst, const struct rset *src);

struct addr_set {
	bool any;
	struct rset v4, v6;
};

struct port_set {
	bool any;
	struct rset ports;
};

/* ------------------------------------------------------------ variables */

struct var_table;
struct var_table *vars_new(void);
void vars_free(struct var_table *vt);
/* Adds Suricata's default address and port groups. */
int vars_add_defaults(struct var_table *vt);
int vars_set(struct var_table *vt, bool port, const char *name, const char *value);
const char *vars_get(const struct var_table *vt, bool port, const char *name);

/* ------------------------------------------------------------ classification / references */

struct class_entry {
	char *name, *desc;
	int priority;
};
struct class_table {
	struct class_entry *v;
	size_t n;
};
int classification_load(struct class_table *ct, const char *path, FILE *log);
const struct class_entry *classification_find(const struct class_table *ct, const char *name);
void classification_free(struct class_table *ct);

struct ref_table {
	char **keys, **prefixes;
	size_t n;
};
int reference_load(struct ref_table *rt, const char *path, FILE *log);
const char *reference_prefix(const struct ref_table *rt, const char *key);
void reference_free(struct ref_table *rt);

/* ------------------------------------------------------------ rule header */

enum rule_proto_flags {
	RP_PKTHDR = 1 << 0,	/* also packets without an IP layer */
	RP_TCP_PKT = 1 << 1,	/* tcp-pkt: packets only */
	RP_TCP_STREAM = 1 << 2, /* tcp-stream: stream only */
	RP_APP = 1 << 3,	/* application-layer protocol in app_proto */
};

struct rule_header {
	enum detect_action action;
	uint8_t protos[32]; /* bitmap of IP protocol numbers; all set for "ip" */
	bool proto_any;	    /* "ip" / "pkthdr" */
	uint32_t proto_flags;
	char app_proto[24];
	uint8_t app; /* enum app_proto the flow must be (kw-app.c), 0 = any */
	struct addr_set src, dst;
	struct port_set sp, dp;
	bool bidir;
	/* "=>": a transactional rule (Suricata 8): directional like "->" from
	 * the client's side, its keywords read either side of one
	 * transaction, evaluated once the response side is ready. */
	bool tx_both;
	uint8_t hook_dirs; /* app-layer hook: `proto:request_*`/`client_*` AD_TS, `response_*`/`server_*` AD_TC */
};

struct parse_ctx;
int rule_header_parse(struct parse_ctx *pc, const char *hdr, struct rule_header *h);
int addr_set_parse(const struct var_table *vt, const char *s, struct addr_set *out, char *err,
		   size_t errlen);
int port_set_parse(const struct var_table *vt, const char *s, struct port_set *out, char *err,
		   size_t errlen);
void addr_set_free(struct addr_set *a);
void port_set_free(struct port_set *p);
bool addr_set_match(const struct addr_set *a, const struct ip_addr *ip);
bool port_set_match(const struct port_set *p, uint16_t port);
bool ip_addr_parse(const char *s, struct ip_addr *out);

/* ------------------------------------------------------------ keywords */

struct rule;
struct det_thread;
struct inspect_buf;

/* List ids within a rule. */
enum {
	LIST_MATCH = 0,
	LIST_POSTMATCH,
	LIST_THRESHOLD,
	LIST_TAG, /* tag: run only for alerts that survive thresholding */
	LIST_MAX,
};

enum kw_flags {
	KW_NOOPT = 1 << 0,     /* takes no value */
	KW_OPTIONAL = 1 << 1,  /* value is optional */
	KW_PAYLOAD = 1 << 2,   /* content-like: goes in the current buffer list */
	KW_STICKY = 1 << 3,    /* sticky buffer selector */
	KW_TRANSFORM = 1 << 4, /* transform of the current buffer */
	KW_MODIFIER = 1 << 5,  /* modifies the previous content */
	KW_QUOTES_OK = 1 << 6, /* value may be quoted (quotes stripped before setup) */
	KW_NEEDS_QUOTES = 1 << 7,
};

/* Packet-level match: 1 = match, 0 = no match. */
typedef int (*kw_match_fn)(struct det_thread *dt, const struct packet *p, const struct rule *r,
			   const void *ctx);

/*
 * Content-like match on a buffer.  `cursor` is the end of the previous
 * match (relative keywords start there); `resume` is 0 on the first try
 * and, when the engine backtracks, the position returned in *retry.
 * Returns 1 match (*end = new cursor), 0 no match, -1 no match and no
 * point in trying any other occurrence of earlier keywords.
 * Set *retry to a position to search again from, or UINT32_MAX.
 */
typedef int (*kw_inspect_fn)(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
			     uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry);

/* Setup: parse `arg` (NULL for no value) into the rule; return 0, or -1 after pc_error(). */
typedef int (*kw_setup_fn)(struct parse_ctx *pc, struct rule *r, const char *arg);

struct kw_def {
	const char *name;
	const char *alias;
	const char *desc;
	kw_setup_fn setup;
	kw_match_fn match;
	kw_inspect_fn inspect;
	void (*free)(void *ctx);
	uint32_t flags;
};

struct kw_family {
	const struct kw_def *defs;
	size_t n;
};

/* One array per keyword family (defined in kw-<family>.c). */
extern const struct kw_family kw_family_meta, kw_family_content, kw_family_pcre, kw_family_byte,
    kw_family_entropy, kw_family_transforms, kw_family_flow, kw_family_flowbits, kw_family_flowint,
    kw_family_xbits, kw_family_threshold, kw_family_ipheader, kw_family_tcpheader, kw_family_icmp,
    kw_family_udp, kw_family_vlan, kw_family_events, kw_family_flowstats, kw_family_buffers,
    kw_family_tag, kw_family_checksum, kw_family_base64, kw_family_modifiers,
    kw_family_dns, kw_family_tls, kw_family_applayer, kw_family_file, kw_family_http,
    kw_family_dataset, kw_family_iprep, kw_family_intel, kw_family_frame, kw_family_lua;
/* One line per protocol's keyword family and buffer family. */
extern const struct kw_family kw_family_ssh;
extern const struct kw_family kw_family_ftp;
extern const struct kw_family kw_family_enip;
extern const struct kw_family kw_family_krb5;
extern const struct kw_family kw_family_dcerpc;
extern const struct kw_family kw_family_dnp3;
extern const struct kw_family kw_family_modbus;
extern const struct kw_family kw_family_smb;
extern const struct kw_family kw_family_dicom;
extern const struct kw_family kw_family_bacnet;
extern const struct kw_family kw_family_iec104;
extern const struct kw_family kw_family_s7comm;
extern const struct kw_family kw_family_mms;
extern const struct kw_family kw_family_goose;
extern const struct kw_family kw_family_mqtt;
/* GOOSE packet buffers (kw-goose.c), in kw-buffers.c's table */
bool goose_get_gocbref(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l);
bool goose_get_datset(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l);
bool goose_get_goid(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l);

const struct kw_def *kw_lookup(const char *name);
/* Names that Suricata knows but vigil does not implement yet (skip, not fail). */
bool kw_known_unsupported(const char *name);

/* "config <kind>: value" files (config-lines.c).  The callback gets the
 * text after the colon; CONFIG_LINE_INVALID has the line reported,
 * CONFIG_LINE_STOP ends reading (out of memory).  -1 if the file cannot
 * be opened. */
enum config_line_result { CONFIG_LINE_OK, CONFIG_LINE_INVALID, CONFIG_LINE_STOP };
typedef enum config_line_result (*config_line_fn)(void *arg, char *value);
int config_lines_read(const char *path, const char *kind, FILE *log, config_line_fn fn, void *arg);

/* ------------------------------------------------------------ buffers */

enum {
	BUF_PKT = 0, /* packet payload ("pkt_data") */
	BUF_STREAM,  /* reassembled stream (stream issue); payload until then */
	BUF_IPV4_HDR,
	BUF_IPV6_HDR,
	BUF_TCP_HDR,
	BUF_UDP_HDR,
	BUF_ICMPV4_HDR,
	BUF_ICMPV6_HDR,
	BUF_BASE64, /* base64_data: what base64_decode produced for this rule */
	BUF_GOOSE_GOCBREF, /* GOOSE strings (kw-goose.c) */
	BUF_GOOSE_DATSET,
	BUF_GOOSE_GOID,
	BUF_IP_SRC, /* ip.src / ip.dst: the address bytes (4 or 16) */
	BUF_IP_DST,
	BUF_FRAME, /* frame: the bytes of the app-layer frame being inspected (kw-frame.c) */
	BUF_MAX_BUILTIN,
};

/*
 * A buffer may have several instances for one packet (every DNS query,
 * every HTTP transaction's header): the getter is called with index 0, 1,
 * ... until it returns false, and the buffer's keywords match when they
 * match any one instance (Suricata's multi-buffers).  Packet buffers have
 * a single instance.  App-layer getters reach their state through p->flow.
 */
typedef bool (*buffer_get_fn)(const struct packet *p, uint32_t index, const uint8_t **data,
			      uint32_t *len);

struct buffer_def {
	const char *name;
	/* NULL = not available yet (rules using it are skipped as unsupported). */
	buffer_get_fn get;
	uint8_t ip_proto; /* implied protocol, 0 = none */
};
const struct buffer_def *buffer_def(int id);
/* Makes buf_id the rule's current (sticky) buffer. */
int sticky_buffer_select(struct parse_ctx *pc, struct rule *r, int buf_id);
/* The buffer exists (else the rule is skipped) and fits the rule's IP
 * protocol; 0, or -1 after pc_error()/pc_unsupported(). */
int buffer_check(struct parse_ctx *pc, const struct rule *r, int buf_id);
int buffer_lookup(const char *name);

/*
 * Application-layer buffers.  Each protocol's keyword file (kw-<proto>.c)
 * exports a struct app_buffer_family listing its buffers; keywords.c
 * lists the families.  A buffer name may be given by several protocols
 * (file.data: HTTP, SMTP, SMB ...): one buffer id, one spec per protocol.
 * Every buffer gets a sticky keyword of its name (and alias).  get()
 * gives instance k (0, 1, ... until false) of the buffer in one
 * transaction side: a view into the parser's state, valid for the
 * packet's detection; a composed value goes in dt's scratch
 * (app_scratch_put).  dt may be NULL (no scratch, no libmagic).
 */
struct app_buffer_spec;
typedef bool (*app_buffer_get_fn)(const struct app_buffer_spec *spec, struct det_thread *dt,
				  const void *tx, enum app_dir dir, uint32_t k, const uint8_t **d,
				  uint32_t *l);
struct app_buffer_spec {
	const char *name;
	const char *alias;    /* legacy name (tls_sni), or NULL */
	uint8_t proto;	      /* enum app_proto */
	uint8_t dirs;	      /* AD_TS / AD_TC / AD_BOTH */
	app_buffer_get_fn get;
	int arg;	      /* for get(): which field */
};
struct app_buffer_family {
	const struct app_buffer_spec *specs;
	size_t n;
};
extern const struct app_buffer_family app_buffers_http, app_buffers_dns, app_buffers_tls,
    app_buffers_file;
/* Buffers known at a transaction's early stage (APP_SIDE_EARLY: rules
 * that read only these are judged then), per protocol that has one:
 * NULL-terminated names, listed in kw-app.c. */
extern const char *const app_buffers_smtp_early[];
extern const struct app_buffer_family app_buffers_ssh;
extern const struct app_buffer_family app_buffers_ftp;
extern const struct app_buffer_family app_buffers_enip;
extern const struct app_buffer_family app_buffers_krb5;
extern const struct app_buffer_family app_buffers_dcerpc;
extern const struct app_buffer_family app_buffers_dnp3;
extern const struct app_buffer_family app_buffers_smb;
extern const struct app_buffer_family app_buffers_hl7;
extern const struct app_buffer_family app_buffers_dicom;
extern const struct app_buffer_family app_buffers_stratum;
extern const struct app_buffer_family app_buffers_mms;
extern const struct app_buffer_family app_buffers_smtp;
extern const struct app_buffer_family app_buffers_pgsql;
extern const struct app_buffer_family app_buffers_sip;
extern const struct app_buffer_family app_buffers_mqtt;
/* The list of families (keywords.c). */
extern const struct app_buffer_family *const app_buffer_families[];
extern const size_t app_buffer_families_n;
/* The sticky keywords of every app buffer (built once), and the buffer
 * such a keyword selects (-1 for any other keyword). */
const struct kw_def *app_buffer_keywords(size_t *n);
int app_buffer_keyword_buf(const struct kw_def *kw);
/* Copies n bytes into dt's scratch for an instance; NULL without memory. */
const uint8_t *app_scratch_put(struct det_thread *dt, const uint8_t *d, uint32_t n);
/* dt's scratch grown to n bytes, to compose an instance in; NULL without. */
uint8_t *app_scratch_reserve(struct det_thread *dt, uint32_t n);
/* app_inspect_tx() as a rule being evaluated sees it: only dt->tx_only's
 * transaction when one is set (dt may be NULL: all). */
bool det_app_tx_stage(const struct det_thread *dt, const struct packet *p, uint32_t i,
		      enum app_proto *proto, const void **tx, uint64_t *tx_id,
		      enum app_inspect_stage *stage);
bool det_app_tx(const struct det_thread *dt, const struct packet *p, uint32_t i,
		enum app_proto *proto, const void **tx, uint64_t *tx_id);
/* Buffer id of an app buffer name (or alias); -1 when none. */
int app_buffer_id(const char *name);

/* Application-layer buffers (kw-app.c), ids from BUF_MAX_BUILTIN on. */
const struct buffer_def *app_buffer_def(int buf_id);
int app_buffer_lookup(const char *name);
bool buffer_is_app(int buf_id);
/* Instance `index` of an app buffer for p, over its ready transactions;
 * *tx_id (may be NULL) gets the transaction the instance belongs to.  A
 * buffer composed from several fields (http.request_header) is built in
 * dt's scratch and valid until the next call; with dt NULL it has none. */
bool app_buffer_get(int buf_id, struct det_thread *dt, const struct packet *p, uint32_t index,
		    const uint8_t **d, uint32_t *l, uint64_t *tx_id);
/* Directions an app buffer or transaction keyword applies to. */
enum { AD_TS = 1 << APP_TOSERVER, AD_TC = 1 << APP_TOCLIENT, AD_BOTH = AD_TS | AD_TC };
/*
 * Transaction keywords (dns.opcode, app-layer-event ...) are match keywords
 * that look at the transactions offered for the packet instead of a
 * buffer.  Their setup calls rule_require_app(): the rule then runs only
 * on packets with a transaction of that protocol, in those directions
 * (like an app-buffer rule).  0, or -1 after pc_error() when the rule
 * already asks for another protocol.
 */
int rule_require_app(struct parse_ctx *pc, struct rule *r, enum app_proto proto, uint8_t dirs);
/* True when `test` holds for a transaction of `proto` offered for p (it
 * gets the transaction and the packet's direction); dt->tx_id is set to
 * that transaction. */
typedef bool (*app_tx_test_fn)(const void *tx, enum app_dir dir, const void *ctx);
bool app_tx_match(struct det_thread *dt, const struct packet *p, enum app_proto proto,
		  app_tx_test_fn test, const void *ctx);
/* A protocol name of the rule language ("http", "http1", "tls", "ssl",
 * "dns") as the parser that handles it; APP_PROTO_UNKNOWN for the others. */
enum app_proto app_proto_by_rule_name(const char *name);
/* The name is an application protocol Suricata knows (rule-header.c). */
bool app_proto_name_known(const char *name);
/* Rule end: header app protocol, implied direction, RF_APP_BUF; 0 or -1. */
int rule_finish_app(struct parse_ctx *pc, struct rule *r);
/* The flow is of the rule header's app protocol (true when it names none). */
bool app_header_match(const struct rule_header *h, const struct packet *p);

/* ------------------------------------------------------------ transforms */

struct transform {
	int type;
	void *ctx;
};

struct inspect_buf {
	const uint8_t *data;
	uint32_t len;
};

/* Applies a transform into dt's scratch; returns false when it fails. */
bool transform_apply(struct det_thread *dt, const struct transform *t, struct inspect_buf *b,
		     int slot);
void transform_free(struct transform *t);

/* ------------------------------------------------------------ rules */

struct sm {
	const struct kw_def *kw;
	void *ctx;
	bool relative; /* depends on the previous match's end (distance, within, R ...) */
};

struct sm_list {
	struct sm *v;
	uint32_t n, cap;
};

struct rule_buffer {
	int buf_id;
	struct transform *xf;
	uint32_t nxf;
	struct sm_list sms;
	bool absent;	     /* `absent`: matches when the buffer does not exist */
	bool absent_or_else; /* `absent: or_else`: also inspect it when it exists */
};

/* Fast pattern chosen for the prefilter. */
struct fast_pattern {
	const uint8_t *pat;
	uint32_t len;
	bool nocase;
	int buf_id;
	uint32_t buf_idx; /* its rule buffer: r->bufs[buf_idx] (a buffer may appear twice) */
};

enum rule_flags {
	RF_NOALERT = 1 << 0,
	RF_HAS_SID = 1 << 1,
	RF_NEED_PAYLOAD = 1 << 2,
	RF_NEED_FLOW = 1 << 3,
	RF_TOSERVER = 1 << 4, /* from flow:to_server */
	RF_TOCLIENT = 1 << 5,
	RF_FLOWBITS_SET = 1 << 6, /* for ordering */
	RF_FLOWBITS_READ = 1 << 7,
	RF_FLOWINT = 1 << 8,
	RF_PRIO_SET = 1 << 9,
	RF_FP_ONLY = 1 << 10,
	RF_IPONLY = 1 << 11,
	RF_PASS_ALERT = 1 << 12, /* `alert` keyword: a pass rule is logged too */
	RF_FLOWINT_SET = 1 << 13,
	RF_FLOWINT_READ = 1 << 14,
	RF_XBITS_SET = 1 << 15,
	RF_XBITS_READ = 1 << 16,
	RF_STREAM = 1 << 17, /* payload rule that inspects the reassembled stream of TCP sessions */
	RF_NO_STREAM = 1 << 18,	  /* flow:no_stream */
	RF_ONLY_STREAM = 1 << 19, /* flow:only_stream */
	RF_APP_BUF = 1 << 20,	  /* inspects an app-layer buffer: runs on ready transactions */
	RF_FRAME = 1 << 21,	  /* frame: runs on each ready frame of frame_proto/frame_type */
	RF_APP_EARLY = 1 << 22,	  /* RF_APP_BUF reading only early buffers: judged at the early stage */
	RF_BYPASS = 1 << 23,	  /* `bypass`: a match bypasses the flow (post-match) */
};

struct rule {
	struct rule_header h;
	uint32_t gid, sid, rev;
	int priority;
	char *msg;
	char *classtype;
	const char *category;
	char **metadata;
	size_t nmetadata;
	struct detect_reference *refs;
	size_t nrefs;
	const char *target;
	uint32_t flags;
	uint32_t num; /* position after ordering */
	struct sm_list lists[LIST_MAX];
	struct rule_buffer *bufs;
	uint32_t nbufs;
	int cur_buf;	      /* parse time: index into bufs of the sticky buffer, -1 = none */
	int last_content_buf; /* parse time: bufs index of the last content, -1 = none */
	uint32_t last_content_idx;
	struct fast_pattern fp;
	bool has_fp;
	uint32_t max_content_len; /* longest content (kw-content.c) */
	uint8_t tx_proto;	  /* enum app_proto of transaction keywords, 0 = none */
	uint8_t tx_dirs;	  /* AD_* those keywords allow */
	uint8_t frame_proto;	  /* RF_FRAME: enum app_proto of the frame */
	uint8_t frame_type;	  /* RF_FRAME: its type (app/frame.h) */
	uint16_t byte_vars;	  /* byte_extract / byte_math variables defined */
	char *byte_var_names[16];
	const char *file;
	unsigned line;
	char *enrichment; /* alert.enrichment JSON (enrich.c), NULL = none */
	/* Lists of sm pointers modified after setup: kw-content keeps the content ctx. */
};

/* Adds a content-like keyword to a buffer's list. */
struct sm *list_add_payload(struct rule_buffer *rb, const struct kw_def *kw, void *ctx);
/* Adds a keyword instance to a list; returns the sm or NULL (no memory). */
struct sm *rule_add_sm(struct rule *r, int list, const struct kw_def *kw, void *ctx);
/* Current payload buffer (created as pkt_data when no sticky buffer is set). */
struct rule_buffer *rule_cur_buffer(struct rule *r);
/* A further instance of buffer buf_id (a transform after content), with a
 * copy of the transforms xf (which must have no parameters). */
struct rule_buffer *rule_add_buffer(struct rule *r, int buf_id, const struct transform *xf,
				    uint32_t nxf);
/* Where a keyword goes: the current buffer; for a relative one without a
 * sticky buffer, the buffer of the last content (`uricontent:"x";
 * isdataat:!1,relative;` looks at the URI), as Suricata. */
struct rule_buffer *rule_rel_buffer(struct rule *r, bool relative);
struct sm *rule_last_content_sm(struct rule *r);
void rule_set_last_content(struct rule *r, struct rule_buffer *rb);
struct rule_buffer *rule_get_buffer(struct rule *r, int buf_id, bool create);
/* Moves the sm at `idx` of buffer `from` to the end of buffer `to` (a
 * legacy content modifier such as http_uri); `from` is dropped from the
 * rule when that leaves it empty.  Returns the moved sm, or NULL (no
 * memory).  Buffer pointers held by the caller are invalid afterwards. */
struct sm *rule_move_sm(struct rule *r, int from, uint32_t idx, int to);
int rule_byte_var_lookup(const struct rule *r, const char *name);
int rule_byte_var_add(struct parse_ctx *pc, struct rule *r, const char *name);
void rule_free(struct rule *r);

/* Parse-time context handed to every setup function. */
struct parse_ctx {
	struct detect_engine *de;
	const struct var_table *vars;
	const char *file;
	unsigned line;
	char err[256];
	char *unsupported; /* keyword name when the failure is "unsupported" */
	bool is_unsupported;
};

void pc_error(struct parse_ctx *pc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Marks the rule as skipped because of an unsupported keyword/value. */
void pc_unsupported(struct parse_ctx *pc, const char *kw);

/* Legacy content modifiers (http_uri ...): moves the last content of the
 * payload list to buffer buf_id, as Suricata does; 0 or -1 after pc_error(). */
int content_to_buffer(struct parse_ctx *pc, struct rule *r, int buf_id, const char *kw);

/* Whole-rule content checks and fast-pattern choice (kw-content.c). */
int rule_validate_content(struct parse_ctx *pc, struct rule *r);
/* A frame rule's whole-rule checks (kw-frame.c); 0 or -1 after pc_error(). */
int rule_finish_frame(struct parse_ctx *pc, struct rule *r);
void rule_finalize_content(struct rule *r);

/* Parses one complete rule line.  Returns the rule, or NULL with pc->err set. */
struct rule *rule_parse(struct parse_ctx *pc, const char *text);

/* Parsing helpers shared by keyword files. */
char *str_trim(char *s);
/* Strips enclosing double quotes; -1 when unbalanced. */
int str_unquote(char *s);
bool parse_u64(const char *s, uint64_t *v);
bool parse_i64(const char *s, int64_t *v);
/* Splits "a , b,c" on `sep` in place into at most max fields; returns count. */
int str_split(char *s, char sep, char **fields, int max);
/* Content string with |hex| and escapes; returns malloc'd bytes, or NULL + error. */
uint8_t *content_decode(struct parse_ctx *pc, const char *s, uint32_t *len);

/* Numeric comparisons used by many keywords (dsize, ttl, flow.pkts ...): Suricata's uint syntax. */
enum u64_mode { U_EQ, U_LT, U_LE, U_GT, U_GE, U_RANGE, U_NE, U_NRANGE, U_BITS_ANY, U_BITS_ALL };
struct u64_cmp {
	enum u64_mode mode;
	uint64_t a, b;
};
int u64_cmp_parse(const char *s, uint64_t max, struct u64_cmp *c);
bool u64_cmp_match(const struct u64_cmp *c, uint64_t v);
int rule_add_u64_cmp(struct parse_ctx *pc, struct rule *r, const char *kw, const char *arg,
		     uint64_t max);

/* ------------------------------------------------------------ per-flow and per-thread state */

struct detect_flow {
	uint32_t nbits;
	uint8_t *bits;
	uint32_t nints;
	uint32_t *ints;
	uint8_t *int_set;
	bool pass; /* an IP-only pass rule matched: no more inspection */
	bool drop; /* an IP-only drop/reject rule matched (IPS drops the rest) */
	uint8_t iponly_done; /* IP-only rules ran: bit 1 to server, bit 2 to client */
	/* tag:session (kw-tag.c) */
	bool tag_active;
	uint8_t tag_metric;
	uint64_t tag_left;
	int64_t tag_until;
};

/* Grows the flow's flowint arrays to hold id (kw-flowint.c); 0 or -1. */
int detect_flow_ints_reserve(struct detect_flow *df, uint32_t id);
/* Returns (allocating) the flow's detect state, or NULL without flow. */
struct detect_flow *detect_flow_get(struct det_thread *dt, const struct packet *p);

/* Variable-name registries (flowbits, flowints, xbits): ids stable per engine. */
int engine_var_id(struct detect_engine *de, int kind, const char *name);
enum { VAR_FLOWBIT, VAR_FLOWINT, VAR_XBIT, VAR_KINDS };

#define BYTE_VARS_MAX 16
#define XFORM_SLOTS 4

struct det_thread {
	struct detect_engine *de;
	const struct packet *p;
	const struct rule *r;
	/* A transaction rule is evaluated once per transaction offered for the
	 * packet (as Suricata alerts once per transaction): the index of the
	 * one being evaluated (det_app_tx() then offers only it), -1 = all. */
	int32_t tx_only;
	/* The frame a frame rule is being evaluated on (BUF_FRAME), or NULL. */
	const struct app_frame_view *frame;
	uint64_t byte_values[BYTE_VARS_MAX];
	void *pcre_md; /* pcre2_match_data */
	uint8_t *xbuf[XFORM_SLOTS];
	uint32_t xcap[XFORM_SLOTS];
	uint32_t recursion;
	void *thresholds; /* threshold state (kw-threshold.c) */
	void *xbits;	  /* ip-tracked xbits (kw-xbits.c) */
	void *tags;	  /* host tags (kw-tag.c) */
	/* prefilter */
	void *hs_scratch;
	uint32_t *cand;
	uint32_t ncand;
	uint32_t *cand_extra;
	uint32_t nextra;
	uint64_t *cand_seen; /* bit per rule: in cand_extra already */
	struct ai_memo *ai_memo; /* recent address index lookups (prefilter.c) */
	uint64_t pkt_count;
	bool in_stream; /* evaluating a reassembled stream chunk (flow:only_stream) */
	/* base64_decode output (kw-base64.c), read through BUF_BASE64 */
	uint8_t *b64;
	uint32_t b64_len, b64_cap;
	/* keyword side-effects collected while a rule matches, applied on full match */
	bool noalert;
	uint64_t tx_id;	      /* transaction of the last app-buffer instance that matched */
	bool dce_big_endian;  /* the DCERPC stub last given is big-endian (byte_* "dce") */
	uint8_t *app_scratch; /* composed app buffer instances (kw-app.c) */
	uint32_t app_scratch_cap;
	struct alert_queue block_alerts; /* detect_stream_blocks: one block's alerts */
	/* The transactions offered for the packet being evaluated, read once
	 * per run of the rules (app_inspect_txs) instead of once per rule and
	 * buffer: valid while txc_p is the packet and txc_valid holds. */
	struct app_tx_ref txc[APP_INSPECT_MAX];
	uint32_t txc_n;
	enum app_proto txc_proto;
	const struct packet *txc_p;
	bool txc_valid;
	struct file_magic *magic;	 /* libmagic, opened on first use (file.magic) */
	void *lua;			 /* Lua states of this worker (kw-lua.c) */
	bool magic_failed;		 /* ... and reported once if it cannot be */
	/* JSON of dataset hits of the rule being evaluated (kw-dataset.c) */
	struct alert_context ctx[ALERT_CONTEXT_MAX];
	unsigned nctx;
	char *ctx_ring; /* rendered intel hits (kw-intel.c) */
	unsigned ctx_ring_pos;
};

/* Keeps JSON for the alert of the rule being evaluated as
 * alert.context.<key> (replacing an earlier one of that key); json must
 * stay valid until the packet's alerts are logged. */
void detect_keep_context(struct det_thread *dt, const char *key, const char *json);

/* The i-th complete file of the transactions offered for p (kw-file.c). */
struct app_file_info;
bool packet_file(const struct det_thread *dt, const struct packet *p, uint32_t i,
		 struct app_file_info *fi, uint64_t *tx_id);

/* Fills each rule's enrichment from the KEV / ATT&CK tables (enrich.c). */
void detect_enrich_rules(struct detect_engine *de);

/* The built-in rules for the indicator types db holds (kw-intel.c). */
struct ioc_db;
size_t intel_rule_texts(const struct ioc_db *db, const char **out, size_t max);

/* The worker's libmagic handle for file.magic, opened on first use; NULL
 * (reported once) when libmagic cannot load its database. */
struct file_magic *detect_thread_magic(struct det_thread *dt);

int inspect_buffer(struct det_thread *dt, const struct sm_list *l, const struct inspect_buf *b);

/* Thresholding state shared by the keywords and threshold.config (kw-threshold.c). */
enum thr_type { THR_LIMIT, THR_THRESHOLD, THR_BOTH, THR_DETECTION_FILTER, THR_RATE, THR_BACKOFF };
enum thr_track { TRK_SRC, TRK_DST, TRK_RULE, TRK_BOTH, TRK_FLOW, TRK_EITHER };
struct thr_spec {
	enum thr_type type;
	enum thr_track track;
	uint32_t count, seconds;
	uint32_t multiplier; /* backoff */
	/* rate_filter */
	enum detect_action new_action;
	uint32_t timeout;
};
int thr_spec_parse(struct parse_ctx *pc, const char *arg, bool detection_filter,
		   struct thr_spec *out);
/* true = alert; for THR_RATE, true = action changes. */
bool thr_check(struct det_thread *dt, uint32_t gid, uint32_t sid, const struct thr_spec *t,
	       const struct packet *p, int salt);
/* threshold-config.c */
struct threshold_cfg;
int threshold_config_load(struct detect_engine *de, const char *path, FILE *log);
/* May change *action (rate_filter). */
/* What thresholding makes of a match: an alert, an alert that is not
 * logged but whose action applies (suppress), or nothing at all. */
enum tc_verdict { TC_ALERT, TC_SUPPRESS_LOG, TC_DISCARD };
enum tc_verdict threshold_config_check(struct det_thread *dt, const struct rule *r,
				       const struct packet *p, enum detect_action *action);
void threshold_config_free(struct detect_engine *de);
bool threshold_rule_check(struct det_thread *dt, const struct rule *r, const struct packet *p);
void threshold_thread_free(struct det_thread *dt);
void xbits_thread_free(struct det_thread *dt);
/* True when p falls under an earlier tag (and consumes it). */
bool tag_packet_check(struct det_thread *dt, const struct packet *p);
void tag_thread_free(struct det_thread *dt);

/* ------------------------------------------------------------ engine */

struct kw_stat {
	char *name;
	unsigned failed, skipped;
};

struct prefilter;

/* The classes suricata.yaml's action-order ranks: reject covers every
 * reject variant, and `config` ranks with alert. */
enum action_class { ACLASS_PASS, ACLASS_DROP, ACLASS_REJECT, ACLASS_ALERT, ACLASS_COUNT };

struct detect_engine {
	struct var_table *vars;
	struct class_table classes;
	struct ref_table refs;
	struct threshold_cfg *thresholds;
	struct rule **rules;
	uint32_t nrules, cap;
	struct kw_stat *kwstats;
	size_t nkwstats;
	char **varnames[VAR_KINDS];
	uint32_t nvarnames[VAR_KINDS];
	struct prefilter *pf;
	unsigned alert_max;
	uint8_t action_rank[ACLASS_COUNT]; /* position of each class in action-order */
	char *cache_dir;
	bool no_cache;
	bool cache_hit;
	char **files;		  /* rule file names (rules point at them) */
	uint32_t max_pattern_len; /* longest content of a stream rule */
	uint8_t file_hashes;	  /* HTTP_FILE_* digests file keywords compare */
	struct dataset_registry *datasets; /* dataset / datarep sets (dataset.c) */
	struct iprep *iprep;		   /* IP reputation (iprep.c), NULL = none */
	struct ioc_db *ioc;		   /* feeds' indicators (kw-intel.c), NULL = none; owned */
	bool datasets_nosave;		   /* -T: do not write save/state files */
	bool file_store;	  /* a rule has filestore (kw-file.c) */
	size_t nfiles;
	/* Frame rules (RF_FRAME), in rule order, outside the prefilter: they
	 * run on the frames ready on a packet; the frame types they need. */
	uint32_t *frame_rules;
	uint32_t nframe_rules;
	uint64_t frames[APP_PROTO_MAX];
	uint32_t niponly; /* RF_IPONLY rules: flows remember the directions they ran on */
	/* Lua (kw-lua.c): settings, where scripts are, scripts loaded (each
	 * lua / luaxform instance gets an index for the workers' states). */
	struct detect_lua_config lua;
	char *rule_path;
	char *log_dir;
	uint32_t nlua;
};
/* kw-lua.c: the engine's Lua settings from cfg; a worker's Lua states, freed with it. */
void lua_engine_config(struct detect_engine *de, const struct detect_config *cfg);
void lua_thread_free(struct det_thread *dt);
/* Registers a Lua transform (luaxform) on the rule's current buffer (kw-transforms.c). */
int transform_add_lua(struct parse_ctx *pc, struct rule *r, void *ctx);
/* Runs a Lua transform on b (the result in the transform scratch `slot`);
 * true always: a script that fails or returns nil leaves b as it was. */
bool lua_xform_apply(struct det_thread *dt, const void *ctx, struct inspect_buf *b, int slot);
/* The worker's transform scratch `slot`, grown to need bytes; NULL without memory. */
uint8_t *transform_scratch(struct det_thread *dt, int slot, uint32_t need);
void lua_xform_free(void *ctx);

/* prefilter.c */
int prefilter_build(struct detect_engine *de, FILE *log);
void prefilter_free(struct prefilter *pf);
int prefilter_thread_init(struct detect_engine *de, struct det_thread *dt);
void prefilter_thread_free(struct det_thread *dt);
/* Which rules a prefilter run looks for: packet rules, TCP stream rules
 * (in p's payload, which may be a stream chunk), app-buffer rules. */
enum { CAND_PACKET = 1, CAND_STREAM = 2, CAND_APP = 4 };
/* Fills dt->cand with the sorted rule numbers to evaluate for p. */
void prefilter_run(struct det_thread *dt, const struct packet *p, unsigned want);

/* rule evaluation (engine.c) */
bool rule_match_packet(struct det_thread *dt, const struct rule *r, const struct packet *p);
/* alert.c */
void alert_queue_reset(struct alert_queue *q);
/* Records r as the packet's drop cause unless an earlier rule is. */
void alert_queue_set_drop(struct alert_queue *q, const struct rule *r, enum detect_action action,
			  uint32_t flags);
void alert_queue_append(struct detect_engine *de, struct alert_queue *q, const struct rule *r,
			enum detect_action action, uint32_t flags);
/* Adds from's alerts of rules `into` does not hold yet, in rule order, and
 * its verdicts. */
void alert_queue_merge(const struct detect_engine *de, struct alert_queue *into,
		       const struct alert_queue *from);

#endif
