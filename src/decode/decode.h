/*
 * decode — turns the bytes of one captured frame into a struct packet.
 *
 * This is the public interface of the decode stage.  Decoders read only
 * p->data[0 .. p->len); every length taken from a header is checked against
 * what is left before it is used.  A malformed layer never aborts: it sets a
 * decoder event (DECODE_EV_*, logged as an EVE anomaly with Suricata's
 * name) and decoding stops at that layer, keeping what was decoded above.
 *
 * Decoders never allocate and never touch global mutable state: all they
 * need lives in the packet itself or in the per-worker struct decode_ctx,
 * so any number of workers can decode concurrently.
 *
 * Tunnels (GRE, VXLAN, Geneve, Teredo, IP-in-IP) are not decoded
 * recursively here.  The decoder records where the inner frame starts
 * (p->tunnel_inner, with its link type) and returns; the worker then decodes
 * the inner frame as a packet of its own whose `parent` points back.
 */
#ifndef VIGIL_DECODE_H
#define VIGIL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/events.h"
#include "decode/goose.h"

struct flow;

#define DECODE_MAX_EVENTS 16
#define DECODE_MAX_VLAN 3
#define DECODE_MAX_TUNNEL_DEPTH 8
/* Ethertype-dispatched layers per packet (Suricata's decoder.max-layers). */
#define DECODE_MAX_LAYERS 16
#define PACKET_MAX_STREAM_EVENTS 8 /* stream/stream.h's enum stream_event */

/* Link types we decode, as DLT numbers (what pcap files carry). */
enum {
	LINKTYPE_NULL = 0,
	LINKTYPE_ETHERNET = 1,
	LINKTYPE_PPP = 9,
	LINKTYPE_RAW = 12,      /* DLT_RAW on most platforms */
	LINKTYPE_RAW_BSD = 14,  /* DLT_RAW on OpenBSD */
	LINKTYPE_PPP_SERIAL = 50,
	LINKTYPE_RAW_PCAP = 101, /* LINKTYPE_RAW in files */
	LINKTYPE_LINUX_SLL = 113,
	LINKTYPE_CISCO_HDLC = 104,
	LINKTYPE_LOOP = 108,
	LINKTYPE_IPV4 = 228,
	LINKTYPE_IPV6 = 229,
	LINKTYPE_LINUX_SLL2 = 276,
	/* Pseudo link types for inner frames of tunnels. */
	LINKTYPE_INNER_IPV4 = 0x10000,
	LINKTYPE_INNER_IPV6,
	LINKTYPE_INNER_ETHERNET,
	LINKTYPE_INNER_IP, /* version from the first nibble (Teredo, GRE/IP) */
	LINKTYPE_INNER_PPP,
	LINKTYPE_INNER_VLAN, /* starts with an 802.1Q tag (GRE protocol 0x8100) */
};

/* Where a packet came from; named as Suricata's `pkt_src` in EVE. */
enum packet_source {
	PKT_SRC_WIRE = 0,
	PKT_SRC_DEFRAG,
	PKT_SRC_TUNNEL_GRE,
	PKT_SRC_TUNNEL_IPV4,
	PKT_SRC_TUNNEL_IPV6,
	PKT_SRC_TUNNEL_TEREDO,
	PKT_SRC_TUNNEL_VXLAN,
	PKT_SRC_TUNNEL_GENEVE,
	PKT_SRC_FLOW_TIMEOUT,
	PKT_SRC_SHUTDOWN_FLUSH,
	PKT_SRC_STREAM_FLUSH, /* pseudo packet inspecting the other direction's stream */
};

/* An IPv4 address is stored in the first 4 bytes, the rest zero. */
struct ip_addr {
	uint8_t family; /* 4 or 6; 0 = none */
	uint8_t bytes[16];
};

/* TCP flag bits as on the wire (byte 13). */
enum {
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
	TCP_URG = 0x20,
	TCP_ECE = 0x40,
	TCP_CWR = 0x80,
};

/* IPv4 option bits for p->ip4.opts (the ipopts keyword's names). */
enum {
	IP4_OPT_RR = 1 << 0,
	IP4_OPT_LSRR = 1 << 1,
	IP4_OPT_EOL = 1 << 2,
	IP4_OPT_NOP = 1 << 3,
	IP4_OPT_TS = 1 << 4,
	IP4_OPT_SEC = 1 << 5,
	IP4_OPT_ESEC = 1 << 6,
	IP4_OPT_SSRR = 1 << 7,
	IP4_OPT_SATID = 1 << 8,
	IP4_OPT_RTRALT = 1 << 9,
	IP4_OPT_CIPSO = 1 << 10,
	IP4_OPT_QS = 1 << 11,
	IP4_OPT_ANY = 1 << 15,
};

/* Bits of p->ip6.exthdrs: which IPv6 extension headers were seen. */
enum {
	IP6_EXT_HOPOPTS = 1 << 0,
	IP6_EXT_ROUTING = 1 << 1,
	IP6_EXT_FRAGMENT = 1 << 2,
	IP6_EXT_ESP = 1 << 3,
	IP6_EXT_AH = 1 << 4,
	IP6_EXT_DSTOPTS = 1 << 5,
	IP6_EXT_MH = 1 << 6,
	IP6_EXT_HIP = 1 << 7,
	IP6_EXT_SHIM6 = 1 << 8,
	IP6_EXT_NONE = 1 << 9,
};

/* Fragment bits for p->frag_flags (the fragbits keyword's M, D, R). */
enum { FRAG_MF = 0x1, FRAG_DF = 0x2, FRAG_RB = 0x4 };

struct tcp_info {
	uint32_t seq, ack;
	uint16_t win, urg_ptr;
	uint8_t flags;
	uint8_t hlen; /* header length in bytes incl. options */
	/* options */
	bool has_mss, has_wscale, has_sackok, has_sack, has_ts, has_tfo;
	uint16_t mss;
	uint8_t wscale;
	uint32_t ts_val, ts_ecr;
};

struct icmp_info {
	uint8_t type, code;
	bool has_id; /* echo, timestamp, info and similar carry id/seq */
	uint16_t id, seq;
	uint16_t mtu_hi, mtu_lo; /* ICMPv6 packet-too-big MTU (32 bits) */
	/* For error messages: the embedded original datagram, if decodable. */
	bool has_inner;
	struct ip_addr inner_src, inner_dst;
	uint8_t inner_proto;
	uint16_t inner_sp, inner_dp;
};

struct igmp_info {
	uint8_t type;
	uint8_t version; /* 1, 2 or 3; 255 for types of no known version */
	uint16_t hlen;   /* header incl. IGMPv3 sources / group records */
	uint8_t group[4];
};

struct packet {
	/* ---- set by capture ---- */
	const uint8_t *data; /* the frame; valid for the packet's lifetime */
	uint32_t len;        /* captured length */
	uint32_t wire_len;   /* original length on the wire */
	int64_t ts_sec;
	uint32_t ts_usec;
	uint64_t pcap_cnt; /* 1-based number of the frame in the input */
	int linktype;
	uint32_t file_index; /* which input file (engine's list) */
	enum packet_source pkt_src;
	struct packet *parent; /* outer packet for tunnel / defrag packets */
	uint8_t tunnel_depth;  /* 0 for wire packets */

	/* ---- link layer ---- */
	bool has_eth;
	uint8_t eth_src[6], eth_dst[6];
	uint16_t eth_type;
	uint8_t vlan_count;
	uint16_t vlan_id[DECODE_MAX_VLAN];
	uint8_t layers; /* ethertype dispatches so far, see DECODE_MAX_LAYERS */
	struct goose_view goose; /* IEC 61850 GOOSE (decode/goose.h) */

	/* ---- network layer ---- */
	uint8_t ip_version; /* 0 when no IP layer was decoded */
	const uint8_t *ip_hdr;
	uint16_t ip_hdr_len; /* incl. IPv4 options / IPv6 extension headers */
	uint32_t ip_len;     /* total datagram length, bounded by what was captured */
	struct ip_addr src, dst;
	uint8_t proto; /* L4 protocol (after IPv6 extension headers) */
	uint8_t ttl;   /* or hop limit */
	uint8_t tos;   /* or traffic class */
	uint32_t ip_id; /* IPv4 id, or IPv6 fragment id */
	uint16_t frag_offset; /* in bytes */
	uint8_t frag_flags;   /* FRAG_* */
	bool is_fragment;     /* offset != 0 or MF set: L4 not decoded */
	struct {
		uint16_t opts; /* IP4_OPT_* seen */
	} ip4;
	struct {
		uint32_t flow_label;
		uint32_t exthdrs; /* IP6_EXT_* seen */
		const uint8_t *frag_hdr;
	} ip6;

	/* ---- transport layer ---- */
	const uint8_t *l4_hdr;
	uint32_t l4_len; /* header + payload as captured */
	uint16_t sp, dp;
	union {
		struct tcp_info tcp;
		struct icmp_info icmp;
		struct igmp_info igmp;
	};
	const uint8_t *payload;
	uint32_t payload_len;

	/* ---- tunnel found inside this packet (worker decodes it next) ---- */
	const uint8_t *tunnel_inner;
	uint32_t tunnel_inner_len;
	int tunnel_inner_linktype; /* LINKTYPE_INNER_* */
	enum packet_source tunnel_src;

	/* ---- decoder events ---- */
	uint8_t event_count;
	uint16_t events[DECODE_MAX_EVENTS];
	bool invalid; /* a decode error stopped decoding */
	bool checksum_invalid; /* set by the engine when -k all finds a bad checksum */

	/* ---- later stages ---- */
	struct flow *flow;
	bool flow_toserver; /* set by flow stage */
	/* Set by the flow stage, as Suricata's FLOW_PKT_ESTABLISHED: a TCP
	 * session that was established before this packet (the ACK ending
	 * the handshake is not yet), another protocol once both sides spoke.
	 * Pseudo packets of a flow always are. */
	bool flow_established;
	uint32_t flow_hash;

	/* ---- set by the stream stage (event names in stream/stream.h) ---- */
	/* The payload went to its direction's reassembly (Suricata's
	 * PKT_STREAM_ADD): stream rules see it in the stream, not here. */
	bool stream_added;
	uint8_t stream_event_count;
	uint8_t stream_events_lost; /* events that did not fit */
	uint16_t stream_events[PACKET_MAX_STREAM_EVENTS];
	/* An exception policy applied to this packet (util/exception-policy.h:
	 * enum exception_policy, target bit); 0/0 when none. */
	uint8_t exception_policy;
	uint8_t exception_target;

	/* ---- set by the app stage ---- */
	uint8_t app_events; /* protocol-detection events, bits of enum app_detect_event */
};

/*
 * Per-worker decode counters.  Only uint64_t members: the engine sums
 * workers' stats as arrays.
 */
struct decode_stats {
	uint64_t pkts, bytes, invalid;
	uint64_t ethernet, vlan, vlan_qinq, mpls, pppoe, ppp, sll, null, raw;
	uint64_t ipv4, ipv6, tcp, udp, icmpv4, icmpv6, sctp, igmp;
	uint64_t gre, vxlan, geneve, teredo, ipv4_in_ipv6, ipv6_in_ipv6;
	uint64_t ipv4_in_ipv4, ipv6_in_ipv4;
	uint64_t frag_ipv4, frag_ipv6;
	uint64_t too_many_layers;
	/* Suricata 8 counters added by the decode stage (all uint64_t). */
	uint64_t vlan_qinqinq, arp, unknown_ethertype, nsh, chdlc, vntag, ieee8021ah, erspan, esp;
	uint64_t tcp_syn, tcp_synack, tcp_rst;
	uint64_t goose;
	uint64_t events[DECODE_EV_MAX];
};

/* Resets everything past the capture fields so the struct can be reused. */
void decode_packet_reset(struct packet *p);

/*
 * Decodes p->data according to p->linktype.  Returns true when the packet
 * was decoded at least to the link layer; false for an unsupported link
 * type (nothing else is set).  Decode errors are events, not failures.
 */
bool decode_packet(struct packet *p, struct decode_stats *st);

/* -k all: true when the IPv4 header checksum and the TCP/UDP/ICMP
 * checksum (where the packet holds the whole datagram) are correct. */
bool decode_checksums_ok(const struct packet *p);

/* Records a decoder event (repeats are kept, as Suricata does; the list is bounded). */
void decode_set_event(struct packet *p, enum decode_event ev);
bool decode_has_event(const struct packet *p, enum decode_event ev);

/* Link types this build decodes (for -r validation and --build-info). */
bool decode_linktype_supported(int linktype);
const char *decode_linktype_name(int linktype);

/* "wire/pcap", "defrag", "gre tunnel", ... as Suricata's pkt_src. */
const char *decode_packet_source_name(enum packet_source s);

/* Protocol name as EVE's `proto`: the IANA keyword as Suricata prints it ("TCP", "UDP",
 * "ICMP", "IPv6-ICMP", "SCTP", "GRE", "IP-in-IP", ...), or the number past 143. */
const char *decode_proto_name(uint8_t proto, char buf[8]);

/* Formats an address as text ("1.2.3.4", "2001:db8::1"); buf >= 46 bytes. */
const char *decode_addr_str(const struct ip_addr *a, char *buf, size_t len);

/*
 * Checksum validation (decode/checksum.c), for `-k all`.  Each returns
 * true only when the layer was decoded and its checksum verifies; TCP,
 * UDP and ICMPv6 include the IPv4 or IPv6 pseudo header.  A zero UDP
 * checksum over IPv4 ("not computed") counts as valid.
 */
bool decode_ipv4_checksum_ok(const struct packet *p);
bool decode_tcp_checksum_ok(const struct packet *p);
bool decode_udp_checksum_ok(const struct packet *p);
bool decode_icmpv4_checksum_ok(const struct packet *p);
bool decode_icmpv6_checksum_ok(const struct packet *p);

#endif
