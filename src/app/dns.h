/*
 * dns — the DNS parser (RFC 1035 and friends) over UDP and TCP: one state
 * per flow, one transaction per message, as Suricata 8 does it (a request
 * and its response are two transactions; the response is never paired
 * with its request, so tx_id counts messages in the order they were seen).
 *
 * What it sees: the header (id, flags, opcode, rcode), the question
 * section, and the answer, authority and additional sections with rdata
 * decoded for A, AAAA, CNAME, NS, PTR, MX, TXT, NULL, SOA, SRV, SSHFP and
 * OPT; other types (HTTPS, SVCB, DNSKEY, ...) keep their raw rdata, which
 * Suricata does not log either.
 *
 * Names follow Suricata's rules: compression pointers may point anywhere in
 * the message (also forward); a pointer to itself is an infinite loop, and
 * more than DNS_NAME_MAX_SEGMENTS labels and pointers in one name is the
 * label limit (a name that followed a pointer keeps what was read and sets
 * an event; one that did not is malformed).  Names longer than
 * DNS_NAME_MAX_LEN are truncated and flagged.  A length byte with the 0x40
 * or 0x80 bits (label > 63) is malformed.
 *
 * Framing: UDP — one datagram per dns_parse() call.  TCP — a byte stream of
 * 2-byte length prefixed messages in any split; an incomplete message is
 * buffered (at most 2 + 65535 bytes per direction, the largest a prefix can
 * announce).  After a gap the direction resynchronises on the next chunk
 * that looks like the start of a DNS message.
 *
 * Memory a flow can make the parser hold is bounded: DNS_MAX_TX live
 * transactions (the oldest is dropped when a new one would exceed it, or
 * when the state would hold more than DNS_STATE_MEMCAP bytes), and
 * DNS_MAX_RECORDS records kept per section.  Nothing is read past the
 * length handed to dns_parse().
 */
#ifndef VIGIL_APP_DNS_H
#define VIGIL_APP_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define DNS_NAME_MAX_LEN 1025	    /* longest name kept; longer ones are truncated */
#define DNS_NAME_MAX_SEGMENTS 255   /* labels + pointers followed in one name */
#define DNS_MAX_TX 512		    /* live transactions per flow */
#define DNS_MAX_RECORDS 512	    /* records kept per section of a message */
#define DNS_STATE_MEMCAP (8u << 20) /* bytes of transactions per flow */
#define DNS_TCP_BUF_MAX (2u + 65535u)

/* App-layer events, named as Suricata's dns-events.rules (lower case). */
/* Frame types (app/frame.h): the message, as Suricata's DnsFrameType. */
enum { DNS_FRAME_PDU, DNS_FRAME_COUNT };
extern const char *const dns_frame_names[DNS_FRAME_COUNT];

enum dns_event {
	DNS_EV_MALFORMED_DATA,
	DNS_EV_NOT_REQUEST,  /* to-server message with QR set (no tx is made) */
	DNS_EV_NOT_RESPONSE, /* to-client message without QR */
	DNS_EV_Z_FLAG_SET,
	DNS_EV_INVALID_OPCODE, /* opcode >= 7 */
	DNS_EV_NAME_TOO_LONG,
	DNS_EV_INFINITE_LOOP,
	DNS_EV_TOO_MANY_LABELS,
	DNS_EV_INVALID_ADDITIONALS,
	DNS_EV_INVALID_AUTHORITIES,
	DNS_EV_COUNT
};

/* Record types with a name of their own in Suricata's output. */
enum {
	DNS_RR_A = 1,
	DNS_RR_NS = 2,
	DNS_RR_CNAME = 5,
	DNS_RR_SOA = 6,
	DNS_RR_NULL = 10,
	DNS_RR_PTR = 12,
	DNS_RR_MX = 15,
	DNS_RR_TXT = 16,
	DNS_RR_AAAA = 28,
	DNS_RR_SRV = 33,
	DNS_RR_OPT = 41,
	DNS_RR_SSHFP = 44,
	DNS_RR_SVCB = 64,
	DNS_RR_HTTPS = 65,
};

/* Header flag bits (of dns_msg.flags). */
enum {
	DNS_FLAG_QR = 0x8000,
	DNS_FLAG_AA = 0x0400,
	DNS_FLAG_TC = 0x0200,
	DNS_FLAG_RD = 0x0100,
	DNS_FLAG_RA = 0x0080,
	DNS_FLAG_Z = 0x0040,
	DNS_FLAG_AD = 0x0020,
	DNS_FLAG_CD = 0x0010,
};

/* dns_name.flags */
enum {
	DNS_NAME_INFINITE_LOOP = 1 << 0,
	DNS_NAME_TRUNCATED = 1 << 1,
	DNS_NAME_LABEL_LIMIT = 1 << 2,
};

/* A decompressed name, labels joined with '.', without the root's dot
 * ("" for the root).  buf is NUL-terminated for convenience; labels may
 * hold any byte, including NUL, so use len. */
struct dns_name {
	uint8_t *buf;
	uint16_t len;
	uint8_t flags; /* DNS_NAME_* */
};

struct dns_query {
	struct dns_name name;
	uint16_t rrtype;
	uint16_t rrclass;
};

/* What the rdata of a record was decoded as. */
enum dns_rdata_kind {
	DNS_RDATA_RAW,	 /* kept as bytes in raw (unknown types, HTTPS, SVCB, ...) */
	DNS_RDATA_ADDR,	 /* A / AAAA: addr[addr_len] (a length other than 4/16 logs "") */
	DNS_RDATA_NAME,	 /* CNAME, NS, PTR, MX (preference in pref): target */
	DNS_RDATA_TXT,	 /* raw holds the <len><bytes> strings, n_txt of them */
	DNS_RDATA_NULL,	 /* raw */
	DNS_RDATA_SOA,	 /* target = mname, rname, soa[] */
	DNS_RDATA_SRV,	 /* pref = priority, weight, port, target */
	DNS_RDATA_SSHFP, /* sshfp_algo, sshfp_type, raw = fingerprint */
	DNS_RDATA_OPT,	 /* raw holds the <code><len><data> options */
};

struct dns_rr {
	struct dns_name name;
	uint16_t rrtype;
	uint16_t rrclass;
	uint32_t ttl;
	enum dns_rdata_kind kind;
	uint8_t addr[16];
	uint8_t addr_len;
	uint8_t sshfp_algo, sshfp_type;
	uint16_t pref, weight, port;
	uint16_t n_txt;
	struct dns_name target;
	struct dns_name rname;
	uint32_t soa_serial, soa_refresh, soa_retry, soa_expire, soa_minimum;
	uint8_t *raw;
	uint32_t raw_len;
};

enum dns_section { DNS_SEC_ANSWER = 0, DNS_SEC_AUTHORITY = 1, DNS_SEC_ADDITIONAL = 2 };

/* One message: a request (to server) or a response (to client). */
struct dns_tx {
	uint64_t tx_id; /* 0, 1, 2, ... per flow, in the order messages were parsed */
	bool request;	/* a to-server message (the request side) */
	bool response;	/* a to-client message (the response side) */
	uint16_t id;	/* the on-the-wire transaction id */
	uint16_t flags; /* the whole flags word */
	uint8_t opcode;
	uint8_t rcode;
	uint16_t events; /* bit (1 << dns_event) */
	struct dns_query *queries;
	uint32_t n_queries;
	struct dns_rr *rrs[3]; /* by enum dns_section */
	uint32_t n_rrs[3];
	size_t mem; /* bytes this tx holds, for the state's memcap */
};

struct dns_state;

/*
 * Protocol detection, as Suricata's DNS probe: the header is plausible
 * (see header_valid in dns.c) and, when the whole message is there, it
 * parses.  tcp: data starts with the 2-byte length prefix.  Returns true
 * when it is DNS and sets *dir to the side that sent it (a request goes
 * to the server).  *incomplete (may be NULL) is set when more bytes are
 * needed to decide.
 */
bool dns_probe(const uint8_t *data, uint32_t len, bool tcp, enum app_dir *dir, bool *incomplete);

/* tcp: the flow is TCP (length prefixed messages); otherwise UDP. */
struct dns_state *dns_state_new(bool tcp);
void dns_state_free(struct dns_state *s);

/*
 * Feeds direction `dir`: one UDP datagram, or the next TCP stream bytes.
 * flags: APP_CHUNK_GAP (TCP: bytes were lost before this chunk; buffered
 * partial data is dropped and parsing resumes at a chunk that looks like
 * DNS), APP_CHUNK_EOF.
 *
 * Returns APP_PARSE_ERROR when the bytes cannot go on being DNS: on TCP a
 * message that fails to parse or has an invalid header (the caller should
 * stop feeding that direction).  On UDP a bad datagram sets an event (on
 * the most recent transaction, as Suricata does, or on the state when
 * there is none) and APP_PARSE_OK is returned: the next datagram is
 * independent.
 */
enum app_parse_result dns_parse(struct dns_state *s, enum app_dir dir, const uint8_t *data,
				uint32_t len, uint32_t flags);

/* ---- Transactions ---- */
size_t dns_tx_count(const struct dns_state *s);			      /* live transactions */
const struct dns_tx *dns_tx_get(const struct dns_state *s, size_t i); /* i-th live, or NULL */
/* Frees every live transaction whose tx_id <= tx_id (logged / inspected). */
void dns_tx_release_upto(struct dns_state *s, uint64_t tx_id);
uint64_t dns_tx_next_id(const struct dns_state *s); /* tx_id the next message gets */
uint64_t dns_tx_dropped(const struct dns_state *s); /* dropped by DNS_MAX_TX / memcap */
size_t dns_state_memuse(const struct dns_state *s); /* bytes held by live transactions */

/* ---- Events ---- */
bool dns_tx_has_event(const struct dns_tx *tx, enum dns_event ev);
/* Events raised when the flow had no transaction to carry them. */
uint16_t dns_state_events(const struct dns_state *s);
const char *dns_event_name(enum dns_event ev); /* "malformed_data" */
extern const char *const dns_event_names[]; /* DNS_EV_COUNT names */
/* enum value, or -1; also accepts Suricata 6/7's "not_a_request"/"not_a_response". */
int dns_event_by_name(const char *name);

/* ---- Names for output ---- */
/* "A", "AAAA", ... or the number in buf ("64") for types without a name. */
const char *dns_rrtype_name(uint16_t rrtype, char *buf, size_t buflen);
/* "NOERROR", "NXDOMAIN", ..., "BADVERS/BADSIG", or the number in buf. */
const char *dns_rcode_name(uint16_t rcode, char *buf, size_t buflen);
int dns_rrtype_by_name(const char *name); /* "MX" -> 15, or -1 */
int dns_rcode_by_name(const char *name);  /* "NXDOMAIN" -> 3, or -1 */

/* ---- Detection accessors: the i-th buffer, false past the end ---- */
/* dns.queries.rrname (and dns.query on request transactions). */
bool dns_tx_get_query_name(const struct dns_tx *tx, size_t i, const uint8_t **buf, uint32_t *len);
/* The i-th query's type. */
bool dns_tx_get_query_rrtype(const struct dns_tx *tx, size_t i, uint16_t *rrtype);
/* dns.rrtype as Suricata 8 matches it: the query types of a request, the
 * answer types of a response. */
bool dns_tx_get_rrtype(const struct dns_tx *tx, size_t i, uint16_t *rrtype);
/* dns.answers.rrname, dns.authorities.rrname, dns.additionals.rrname:
 * the owner name of the i-th record of a section (false for an empty
 * name, as Suricata).  Answers are given for requests too; authorities
 * and additionals only for responses, as Suricata 8. */
bool dns_tx_get_answer_name(const struct dns_tx *tx, size_t i, const uint8_t **buf, uint32_t *len);
bool dns_tx_get_authority_name(const struct dns_tx *tx, size_t i, const uint8_t **buf,
			       uint32_t *len);
bool dns_tx_get_additional_name(const struct dns_tx *tx, size_t i, const uint8_t **buf,
				uint32_t *len);
/* The rdata of the i-th record of a section when it is a name (CNAME, NS,
 * PTR, MX, SOA mname). */
bool dns_tx_get_rdata_name(const struct dns_tx *tx, enum dns_section sec, size_t i,
			   const uint8_t **buf, uint32_t *len);
/* dns.response.rrname: on response transactions, every name: queries,
 * then per section each record's owner name and rdata name.  Empty names
 * are skipped, so i runs over the non-empty ones. */
bool dns_tx_get_response_name(const struct dns_tx *tx, size_t i, const uint8_t **buf,
			      uint32_t *len);
/* dns.opcode / dns.rcode */
static inline uint8_t dns_tx_opcode(const struct dns_tx *tx)
{
	return tx->opcode;
}
static inline uint8_t dns_tx_rcode(const struct dns_tx *tx)
{
	return tx->rcode;
}

/* ---- EVE ---- */
/*
 * Writes Suricata 8's `"dns":{...}` object (version 3) for one
 * transaction, the same for the dns event and for an alert's dns object:
 * version, type (request/response), tx_id, id, flags (hex), qr aa tc rd ra
 * z (when set), opcode, rcode, queries, answers (detailed; one entry per
 * TXT string), grouped (by rrtype, in order of first appearance),
 * authorities, additionals (OPT records without options left out).
 * `dir` is accepted for symmetry with the other parsers; the transaction
 * knows its own direction.
 */
void dns_tx_log_json(struct json *j, const struct dns_tx *tx, enum app_dir dir);
/*
 * Suricata's version 2 format (SURICATA_EVE_DNS_VERSION=2), for tests that
 * ask for it.  A request logs one event per query: dns_tx_log_json_v2_query
 * writes `"dns":{"type":"query",...}` for query i (false when there is no
 * query i).  A response logs one `"dns":{"version":2,"type":"answer",...}`.
 */
bool dns_tx_log_json_v2_query(struct json *j, const struct dns_tx *tx, size_t i);
void dns_tx_log_json_v2_answer(struct json *j, const struct dns_tx *tx);

#endif
