/*
 * dcerpc — DCE/RPC (C706, MS-RPCE) as Suricata 8's app-layer "dcerpc":
 * connection-oriented PDUs (version 5.0) over TCP, connectionless PDUs
 * (version 4) over UDP, and the same connection-oriented parser for the
 * byte stream of one SMB named pipe (dcerpc_state_new_pipe()).
 *
 * Connection-oriented: bind / bind_ack / alter_context / alter_context_resp
 * with their presentation context lists (context id, interface UUID and
 * version, ack result), request / response with opnum and stub data,
 * fragments (PFC_FIRST_FRAG / PFC_LAST_FRAG) reassembled per call with a
 * bounded stub size.  Byte order from each PDU's data representation.
 * PDUs may be split across chunks in any way; a partial PDU is buffered
 * (at most DCERPC_PDU_MAX bytes, the largest frag_length).  Stub data as
 * Suricata counts it: a request's starts after alloc_hint / context id /
 * opnum (an object UUID is part of it), a response's right after the
 * 16-byte common header.
 *
 * Transactions, as Suricata: a request and the response with the same
 * call_id are one transaction; a bind (or alter_context) and its ack are
 * one.  On a TCP flow a header that is not version 5.0/5.1, or a PDU type
 * Suricata's parser does not handle (fault, bind_nak, auth3, shutdown,
 * cancel, orphaned, rts), stops the flow's parsing, as its parser error
 * does; on an SMB pipe a fault or bind_nak answers its call and the other
 * types are skipped.  Connectionless: a request and the response with the
 * same activity and sequence number are one; only request and response
 * PDUs are accepted, as Suricata.
 *
 * Memory a flow can make the parser hold is bounded: DCERPC_MAX_TX live
 * transactions (the oldest is dropped), DCERPC_STUB_MAX bytes of stub data
 * per transaction side and DCERPC_STATE_MEMCAP for all of them (more is
 * counted in stub_total, not kept, and DCERPC_EV_STUB_TRUNCATED is set),
 * DCERPC_MAX_IFACES presentation contexts (the oldest goes), one partial
 * PDU per direction.  Nothing is read past the length handed to
 * dcerpc_parse().
 */
#ifndef VIGIL_APP_DCERPC_H
#define VIGIL_APP_DCERPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define DCERPC_PDU_MAX 65535u	   /* largest PDU buffered (frag_length is 16 bits) */
#define DCERPC_STUB_MAX (1u << 20) /* stub bytes kept per transaction side */
#define DCERPC_MAX_TX 256	   /* live transactions per flow (or pipe) */
#define DCERPC_STATE_MEMCAP (4u << 20) /* stub bytes of all live transactions of a flow */
#define DCERPC_MAX_IFACES 256	   /* presentation contexts kept per flow (or pipe) */

/* PDU types (C706 12.6.4). */
enum {
	DCERPC_TYPE_REQUEST = 0,
	DCERPC_TYPE_PING = 1,
	DCERPC_TYPE_RESPONSE = 2,
	DCERPC_TYPE_FAULT = 3,
	DCERPC_TYPE_WORKING = 4,
	DCERPC_TYPE_NOCALL = 5,
	DCERPC_TYPE_REJECT = 6,
	DCERPC_TYPE_ACK = 7,
	DCERPC_TYPE_CL_CANCEL = 8,
	DCERPC_TYPE_FACK = 9,
	DCERPC_TYPE_CANCEL_ACK = 10,
	DCERPC_TYPE_BIND = 11,
	DCERPC_TYPE_BINDACK = 12,
	DCERPC_TYPE_BINDNAK = 13,
	DCERPC_TYPE_ALTER_CONTEXT = 14,
	DCERPC_TYPE_ALTER_CONTEXT_RESP = 15,
	DCERPC_TYPE_AUTH3 = 16,
	DCERPC_TYPE_SHUTDOWN = 17,
	DCERPC_TYPE_CO_CANCEL = 18,
	DCERPC_TYPE_ORPHANED = 19,
	DCERPC_TYPE_RTS = 20,
};
/* Suricata's name of a PDU type ("REQUEST", "BIND", "BINDACK", ...). */
const char *dcerpc_type_name(uint8_t type);

/* Anomalies noted on a transaction (tx->events).  Suricata 8 ships no
 * dcerpc-events.rules; these are vigil's own counters, not rule names. */
enum dcerpc_event {
	DCERPC_EV_MALFORMED_PDU, /* header or body that cannot be parsed */
	DCERPC_EV_STUB_TRUNCATED, /* more than DCERPC_STUB_MAX stub bytes */
	DCERPC_EV_COUNT
};

/* One presentation context of a bind / alter_context, with its ack. */
struct dcerpc_iface {
	uint8_t uuid[16];	  /* canonical (RFC 4122) byte order, whatever the PDU's */
	uint32_t call_id;	  /* of the bind / alter_context that proposed it */
	uint64_t bind_tx_id;	  /* that bind's transaction */
	uint32_t bind_index;	  /* its place in that bind's list (the ack's result order) */
	bool first_frag;	  /* that PDU had PFC_FIRST_FRAG (dcerpc.iface without any_frag) */
	uint16_t ctx_id;
	uint16_t ver, ver_minor;
	bool acked;		  /* the bind_ack / alter_context_resp had a result for it */
	uint16_t ack_result;	  /* 0 acceptance, 1 user rejection, 2 provider rejection, 3 negotiate ack */
	uint16_t ack_reason;
};

struct dcerpc_state;

/*
 * One transaction.  Read-only for users; valid until released
 * (tx_release_upto) or the state is freed.  Directions: [APP_TOSERVER]
 * is the request side, [APP_TOCLIENT] the response side.
 */
struct dcerpc_tx {
	uint64_t id;
	const struct dcerpc_state *state; /* the state (flow or pipe) it belongs to */
	uint32_t call_id;		  /* CO: call_id; CL: sequence number */
	uint8_t rpc_vers, rpc_vers_minor; /* of the PDU header that made it */
	uint8_t req_type, res_type;	  /* DCERPC_TYPE_* of each side (valid when *_seen) */
	bool req_seen, res_seen;	  /* a PDU of that side was seen */
	bool req_done, res_done;	  /* the side is complete (last fragment seen) */
	uint16_t opnum;			  /* request (connection-oriented only, as Suricata) */
	uint16_t ctx_id;		  /* request: presentation context (see dcerpc_tx_iface) */
	bool big_endian;		  /* data representation of the PDUs */
	uint32_t frag_cnt[2];		  /* fragments per side */
	uint8_t *stub[2];		  /* reassembled stub data per side */
	uint32_t stub_len[2];		  /* bytes kept (<= DCERPC_STUB_MAX) */
	uint64_t stub_total[2];		  /* bytes seen */
	/* bind / alter_context: the contexts it proposed, acks filled in */
	struct dcerpc_iface *ifaces;
	uint32_t n_ifaces;
	/* connectionless */
	bool udp;
	uint8_t activity[16];  /* activity UUID, canonical byte order */
	uint8_t if_uuid[16];   /* interface UUID of the request, canonical byte order */
	uint16_t if_vers_major, if_vers_minor;
	uint32_t events;       /* 1 << enum dcerpc_event */
};

/* ------------------------------------------------------------ state */

/* A flow's state (what app_dcerpc.state_new makes; tcp false = UDP). */
struct dcerpc_state *dcerpc_state_new(bool tcp);
/* The state of one SMB named pipe: connection-oriented PDUs, as carried
 * by SMB writes / reads / ioctls (TRANS, FSCTL_PIPE_TRANSCEIVE). */
struct dcerpc_state *dcerpc_state_new_pipe(void);
void dcerpc_state_free(struct dcerpc_state *s);

/*
 * Bytes of one direction (flags: APP_CHUNK_GAP / APP_CHUNK_EOF).  TCP and
 * pipe: a stream of PDUs in any split.  UDP: one datagram.  Never reads
 * past n.  APP_PARSE_ERROR: the bytes are not DCERPC (the direction is
 * given up, as Suricata does).
 */
enum app_parse_result dcerpc_parse(struct dcerpc_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags);

/* Transactions: ids 0 .. count-1; NULL for a released one. */
uint64_t dcerpc_tx_count(const struct dcerpc_state *s);
const struct dcerpc_tx *dcerpc_tx_get(const struct dcerpc_state *s, uint64_t id);
/* The transaction the last parsed PDU of dir went to (NULL: none yet,
 * or that PDU made none).  What an SMB read / write of a pipe carried. */
const struct dcerpc_tx *dcerpc_last_tx(const struct dcerpc_state *s, enum app_dir dir);
/*
 * The direction reached the stream depth (Suricata's truncate hook): no
 * more of it comes, so every transaction's side of it is done, now and
 * for transactions made later (they log as REQUEST_LOST / UNREPLIED and
 * complete on the other side alone).  For the framework to call; the
 * protocol table has no hook for it yet.
 */
void dcerpc_truncate(struct dcerpc_state *s, enum app_dir dir);
/* Frees transactions below id. */
void dcerpc_tx_release_upto(struct dcerpc_state *s, uint64_t id);

/* The presentation contexts bound on this flow / pipe (all binds and
 * alter_contexts so far, acks filled in), for dcerpc.iface. */
const struct dcerpc_iface *dcerpc_ifaces(const struct dcerpc_state *s, uint32_t *n);
/* The context a request used (its ctx_id among the bound ones); NULL
 * when unknown. */
const struct dcerpc_iface *dcerpc_tx_iface(const struct dcerpc_tx *tx);

/* Interface UUID as text, lower-case hyphenated (37 bytes with NUL). */
void dcerpc_uuid_str(const uint8_t uuid[16], char out[37]);

/* ------------------------------------------------------------ keywords */

/*
 * What the dcerpc keywords (dcerpc.iface, dcerpc.opnum, dcerpc.stub_data)
 * see of a transaction, whatever carries it: a DCERPC flow's tx
 * (dcerpc_tx_view()) or an SMB transaction of a named pipe (the SMB
 * parser fills one from its pipe's dcerpc_state, e.g. with
 * dcerpc_tx_view() on the dcerpc_tx it holds).
 */
struct dcerpc_view {
	const struct dcerpc_iface *ifaces; /* the contexts bound (dcerpc_ifaces) */
	uint32_t n_ifaces;
	bool has_request;	/* a request PDU (opnum is valid) */
	uint16_t opnum;
	uint16_t ctx_id;	/* the request's presentation context */
	bool big_endian;	/* stub byte order (byte_test/byte_jump "dce") */
	const uint8_t *stub[2]; /* stub data per direction (NULL/0 when none) */
	uint32_t stub_len[2];
};
bool dcerpc_tx_view(const struct dcerpc_tx *tx, struct dcerpc_view *out);
/* The call as a share operation (APP_SHARE_RPC: the bound interface of
 * the request's context, opnum, request stub) for behaviour detection;
 * false when the transaction has no request. */
bool dcerpc_tx_share_op(const struct dcerpc_tx *tx, struct app_share_op *out);

/* ------------------------------------------------------------ EVE */

enum {
	DCERPC_LOG_SMB = 1 << 0, /* the object inside an smb event (Suricata's smb logger
				  * shape: no rpc_version; ack_reason with ack_result) */
};
/* Writes "dcerpc": {...} for a transaction, as Suricata 8 logs it. */
void dcerpc_tx_log_json(struct json *j, const struct dcerpc_tx *tx, uint32_t flags);

extern const struct app_protocol app_dcerpc;

#endif
