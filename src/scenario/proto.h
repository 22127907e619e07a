/*
 * proto — application payload builders of the scenario generator.
 *
 * One file per protocol (proto-http.c, proto-dns.c, ...).  Builders append
 * well-formed protocol messages to an sc_buf and know nothing about
 * packets; the helpers named sc_*_exchange/lookup put them on the wire
 * through the TCP session writer or sc_emit_udp.  Every message must
 * dissect cleanly in Wireshark: lengths, counts and checksums (DNP3 CRCs)
 * are always computed from what was written, never assumed.
 */
#ifndef VIGIL_SCENARIO_PROTO_H
#define VIGIL_SCENARIO_PROTO_H

#include "scenario/craft.h"

/* ---- HTTP/1.1 (proto-http.c) ---- */

/* headers: extra "Name: value\r\n" lines or NULL; body may be NULL. */
void proto_http_request(struct sc_buf *b, const char *method, const char *host, const char *uri,
			const char *user_agent, const char *headers, const char *ctype,
			const uint8_t *body, size_t blen);
void proto_http_response(struct sc_buf *b, uint64_t now_us, int status, const char *reason,
			 const char *server, const char *headers, const char *ctype,
			 const uint8_t *body, size_t blen);
/* A whole request/response on one connection, with think time between. */
void sc_http_exchange(struct sc_tcp *s, const struct sc_buf *req, const struct sc_buf *resp);

/* ---- DNS (proto-dns.c) ---- */

#define DNS_A 1
#define DNS_NS 2
#define DNS_CNAME 5
#define DNS_SOA 6
#define DNS_MX 15
#define DNS_TXT 16
#define DNS_AAAA 28
#define DNS_OPT 41
#define DNS_DNSKEY 48
#define DNS_ANY 255

struct dns_rr {
	uint16_t type;
	uint32_t ttl;
	const char *owner; /* NULL: the question name */
	const char *text;  /* CNAME/NS/MX target, TXT text, SOA mname */
	const char *addr;  /* A/AAAA in text form */
	uint16_t pref;	   /* MX preference; DNSKEY flags */
	size_t keylen;	   /* DNSKEY key length (random key bytes) */
};

void proto_dns_query(struct sc_buf *b, uint16_t id, const char *qname, uint16_t qtype, bool edns);
void proto_dns_response(struct sc_buf *b, struct sc_rng *r, uint16_t id, const char *qname,
			uint16_t qtype, uint16_t rcode, const struct dns_rr *rrs, size_t nrr,
			bool edns);
/* Query from client to resolver and its answer; returns the time of the answer. */
uint64_t sc_dns_lookup(struct sc_ctx *c, uint64_t t, struct sc_host *client,
		       struct sc_host *resolver, const char *qname, uint16_t qtype,
		       const struct dns_rr *rrs, size_t nrr);

/* ---- TLS (proto-tls.c) ---- */

struct tls_client_profile {
	const char *name; /* e.g. "Windows 10 SChannel (Cobalt Strike beacon)" */
	uint16_t version; /* ClientHello legacy version, 0x0303 */
	const uint16_t *ciphers;
	size_t nciphers;
	const uint16_t *exts; /* extension types, in order */
	size_t nexts;
	const uint16_t *groups;
	size_t ngroups;
	const char *alpn; /* NULL: none */
};

extern const struct tls_client_profile tls_profile_schannel_beacon;
extern const struct tls_client_profile tls_profile_firefox;
extern const struct tls_client_profile tls_profile_python_requests;
extern const struct tls_client_profile tls_profile_go;

/*
 * A whole TLS session on an open connection: ClientHello (with SNI),
 * server flight (TLS 1.2 with Certificate for cn, or TLS 1.3), key
 * exchange, then `rounds` application-data exchanges of the given sizes.
 */
struct tls_session_plan {
	const struct tls_client_profile *client;
	const char *sni;
	const char *cert_cn; /* subject CN of the server certificate */
	const char *cert_org;
	uint16_t server_cipher; /* suite the server picks */
	bool tls13;
	unsigned rounds;
	size_t req_bytes, resp_bytes;
	unsigned think_ms;
};
int sc_tls_session(struct sc_tcp *s, const struct tls_session_plan *p);

/* ---- SMB2 (proto-smb2.c) ---- */

struct smb2_client;
struct smb2_client *smb2_client_new(struct sc_tcp *s, const char *domain, const char *user,
				    const char *workstation);
void smb2_client_free(struct smb2_client *cl);
void smb2_negotiate_and_login(struct smb2_client *cl, bool success);
void smb2_tree_connect(struct smb2_client *cl, const char *unc);
/* Opens (or creates) a file and returns its handle index, -1 on failure. */
int smb2_create(struct smb2_client *cl, const char *path, bool create, bool dir);
/* Lists an open directory handle: ".", "..", then names (QUERY_DIRECTORY until NO_MORE_FILES). */
void smb2_list_dir(struct smb2_client *cl, int h, const char *const *names, size_t n);
void smb2_read(struct smb2_client *cl, int h, size_t len);
/* A read answered with these bytes (a named pipe's reply). */
void smb2_read_data(struct smb2_client *cl, int h, const uint8_t *data, size_t len);
void smb2_write(struct smb2_client *cl, int h, const uint8_t *data, size_t len);
void smb2_rename(struct smb2_client *cl, int h, const char *new_path);
void smb2_close(struct smb2_client *cl, int h);
void smb2_logoff(struct smb2_client *cl);

/* ---- DCERPC over an SMB2 named pipe (proto-dcerpc.c) ---- */

/* Binds the open pipe h to an interface (uuid in RFC 4122 order); *call_id
 * numbers the pipe's PDUs and advances. */
void dcerpc_pipe_bind(struct smb2_client *cl, int h, uint32_t *call_id, const uint8_t uuid[16],
		      uint16_t ver);
/* One call: a request PDU written, its response PDU read. */
void dcerpc_pipe_call(struct smb2_client *cl, int h, uint32_t *call_id, uint16_t opnum,
		      const struct sc_buf *stub, const struct sc_buf *resp_stub);
/* NDR for MS-SCMR's calls: a conformant varying UTF-16 string (with a
 * unique pointer before it when `ptr`), aligned to 4. */
void ndr_wstring(struct sc_buf *b, const char *s, bool ptr);
/* Remote service creation through \\PIPE\\svcctl on an IPC$ session:
 * OpenSCManagerW, CreateServiceW(name, command), StartServiceW,
 * DeleteService, CloseServiceHandle. */
void svcctl_run_service(struct smb2_client *cl, const char *name, const char *command);

/* ---- RDP (proto-rdp.c) ---- */

/* X.224 Connection Request with mstshash cookie, and the server's confirm. */
void sc_rdp_connect_attempt(struct sc_tcp *s, const char *cookie_user, bool nla);

/* ---- Modbus/TCP (proto-modbus.c) ---- */

struct modbus_client {
	struct sc_tcp *s;
	uint16_t tid;
	uint8_t unit;
	struct sc_rng *r;
};
void modbus_read_holding(struct modbus_client *m, uint16_t addr, uint16_t count);
void modbus_write_single_coil(struct modbus_client *m, uint16_t addr, bool on);
void modbus_write_single_register(struct modbus_client *m, uint16_t addr, uint16_t value);
void modbus_write_multiple_coils(struct modbus_client *m, uint16_t addr, uint16_t count,
				 const uint8_t *bits);
void modbus_write_multiple_registers(struct modbus_client *m, uint16_t addr, uint16_t count,
				     const uint16_t *values);

/* ---- DNP3 (proto-dnp3.c) ---- */

struct dnp3_master {
	struct sc_tcp *s;
	uint16_t master_addr, outstation_addr;
	uint8_t app_seq, tp_seq_m, tp_seq_o;
	struct sc_rng *r;
};
/* DNP3 CRC-16 of a link header or data block, as sent (little endian). */
uint16_t proto_dnp3_crc(const uint8_t *p, size_t n);
void dnp3_read_class(struct dnp3_master *m); /* class 0123 integrity poll */
void dnp3_direct_operate(struct dnp3_master *m, uint16_t index, bool trip);
void dnp3_cold_restart(struct dnp3_master *m);

/* ---- IEC 60870-5-104 (proto-iec104.c) ---- */

struct iec104_link {
	struct sc_tcp *s;
	uint16_t vs[2]; /* send sequence per direction */
	uint16_t asdu_addr;
	struct sc_rng *r;
};
void iec104_startdt(struct iec104_link *l);
void iec104_interrogation(struct iec104_link *l);
void iec104_spontaneous(struct iec104_link *l, unsigned n);
void iec104_single_command(struct iec104_link *l, uint32_t ioa, bool on);
void iec104_setpoint_normalised(struct iec104_link *l, uint32_t ioa, int16_t value);
void iec104_sframe(struct iec104_link *l, enum sc_dir d);

/* ---- HL7 v2 over MLLP (proto-hl7.c) ---- */

/* An ADT or ORU message and its ACK on an open connection. */
void sc_hl7_message(struct sc_tcp *s, struct sc_rng *r, uint64_t now_us, const char *type,
		    unsigned msg_no);

/* ---- DICOM (proto-dicom.c) ---- */

void sc_dicom_association(struct sc_tcp *s, struct sc_rng *r, const char *calling_ae,
			  const char *called_ae, bool c_store, size_t image_bytes);

/* ---- Stratum mining (proto-stratum.c) ---- */

void sc_stratum_session(struct sc_tcp *s, struct sc_rng *r, const char *wallet, const char *worker,
			unsigned jobs, unsigned shares);

/* ---- SIP (proto-sip.c) ---- */

/* A whole call: INVITE/100/180/200/ACK, RTP-free hold, BYE/200. */
uint64_t sc_sip_call(struct sc_ctx *c, uint64_t t, struct sc_host *caller, const char *caller_uri,
		     struct sc_host *callee, const char *callee_uri, uint64_t duration_us);

/* ---- Floods (flood.c) ---- */

/* `count` SYNs from spoofed sources to dst:dport over `span_us`; the victim answers some. */
void sc_syn_flood(struct sc_ctx *c, uint64_t t, struct sc_host *victim, uint16_t dport,
		  uint64_t count, uint64_t span_us, const uint8_t gw_mac[6]);
/* Open resolvers answering spoofed ANY queries with large responses to the victim. */
void sc_dns_amplification(struct sc_ctx *c, uint64_t t, struct sc_host *victim,
			  struct sc_host *reflectors, size_t nreflectors, const char *qname,
			  uint64_t count, uint64_t span_us);

/* ---- Benign background shared by scenarios (background.c) ---- */

struct sc_site {
	const char *name; /* hostname looked up and sent as SNI */
	const char *addr; /* its address */
};

/*
 * `visits` HTTPS visits (DNS lookup, then a Firefox TLS 1.3 session) by
 * client to sites chosen at random, spread over [t_start, t_end).
 */
void sc_bg_browse(struct sc_ctx *c, struct sc_host *client, struct sc_host *resolver,
		  const struct sc_site *sites, size_t nsites, unsigned visits, uint64_t t_start,
		  uint64_t t_end);

#endif
