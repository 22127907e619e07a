/*
 * proto-dns — DNS messages (RFC 1035) over UDP: queries with optional
 * EDNS0, answers with A/AAAA/CNAME/NS/MX/TXT/SOA/DNSKEY records.  Record
 * owners equal to the question name are written as a compression pointer
 * to offset 12, as servers do; other names are written uncompressed.
 */
#include <arpa/inet.h>
#include <string.h>

#include "scenario/proto.h"

static void put_name(struct sc_buf *b, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t n = dot ? (size_t)(dot - name) : strlen(name);
		if (n > 63)
			n = 63;
		sc_buf_u8(b, (uint8_t)n);
		sc_buf_put(b, name, n);
		name += n;
		if (*name == '.')
			name++;
	}
	sc_buf_u8(b, 0);
}

static void put_header(struct sc_buf *b, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
		       uint16_t ns, uint16_t ar)
{
	sc_buf_be16(b, id);
	sc_buf_be16(b, flags);
	sc_buf_be16(b, qd);
	sc_buf_be16(b, an);
	sc_buf_be16(b, ns);
	sc_buf_be16(b, ar);
}

static void put_opt(struct sc_buf *b, uint16_t udp_size)
{
	sc_buf_u8(b, 0); /* root */
	sc_buf_be16(b, DNS_OPT);
	sc_buf_be16(b, udp_size);
	sc_buf_be32(b, 0);
	sc_buf_be16(b, 0);
}

void proto_dns_query(struct sc_buf *b, uint16_t id, const char *qname, uint16_t qtype, bool edns)
{
	put_header(b, id, 0x0100 /* RD */, 1, 0, 0, edns ? 1 : 0);
	put_name(b, qname);
	sc_buf_be16(b, qtype);
	sc_buf_be16(b, 1);
	if (edns)
		put_opt(b, 4096);
}

static void put_rdata(struct sc_buf *b, struct sc_rng *r, const struct dns_rr *rr)
{
	uint8_t a[16];
	size_t start = b->len;
	sc_buf_be16(b, 0); /* rdlength, patched */
	switch (rr->type) {
	case DNS_A:
		if (inet_pton(AF_INET, rr->addr, a) == 1)
			sc_buf_put(b, a, 4);
		break;
	case DNS_AAAA:
		if (inet_pton(AF_INET6, rr->addr, a) == 1)
			sc_buf_put(b, a, 16);
		break;
	case DNS_CNAME:
	case DNS_NS: put_name(b, rr->text); break;
	case DNS_MX:
		sc_buf_be16(b, rr->pref);
		put_name(b, rr->text);
		break;
	case DNS_TXT: {
		/* Long texts are split into 255-byte character-strings. */
		const char *t = rr->text;
		size_t n = strlen(t);
		do {
			size_t k = n > 255 ? 255 : n;
			sc_buf_u8(b, (uint8_t)k);
			sc_buf_put(b, t, k);
			t += k;
			n -= k;
		} while (n > 0);
		break;
	}
	case DNS_SOA:
		put_name(b, rr->text);
		put_name(b, "hostmaster.example.net");
		sc_buf_be32(b, 2026030901);
		sc_buf_be32(b, 7200);
		sc_buf_be32(b, 3600);
		sc_buf_be32(b, 1209600);
		sc_buf_be32(b, 300);
		break;
	case DNS_DNSKEY:
		sc_buf_be16(b, rr->pref ? rr->pref : 257);
		sc_buf_u8(b, 3);  /* protocol */
		sc_buf_u8(b, 13); /* ECDSA P-256 / SHA-256 */
		sc_buf_rand(b, r, rr->keylen ? rr->keylen : 64);
		break;
	default: break;
	}
	sc_buf_set_be16(b, start, (uint16_t)(b->len - start - 2));
}

void proto_dns_response(struct sc_buf *b, struct sc_rng *r, uint16_t id, const char *qname,
			uint16_t qtype, uint16_t rcode, const struct dns_rr *rrs, size_t nrr,
			bool edns)
{
	/* QR, RD, RA */
	put_header(b, id, (uint16_t)(0x8180 | (rcode & 0xf)), 1, (uint16_t)nrr, 0, edns ? 1 : 0);
	put_name(b, qname);
	sc_buf_be16(b, qtype);
	sc_buf_be16(b, 1);
	for (size_t i = 0; i < nrr; i++) {
		if (rrs[i].owner)
			put_name(b, rrs[i].owner);
		else
			sc_buf_be16(b, 0xc00c);
		sc_buf_be16(b, rrs[i].type);
		sc_buf_be16(b, 1);
		sc_buf_be32(b, rrs[i].ttl ? rrs[i].ttl : 300);
		put_rdata(b, r, &rrs[i]);
	}
	if (edns)
		put_opt(b, 1232);
}

uint64_t sc_dns_lookup(struct sc_ctx *c, uint64_t t, struct sc_host *client,
		       struct sc_host *resolver, const char *qname, uint16_t qtype,
		       const struct dns_rr *rrs, size_t nrr)
{
	struct sc_buf q, a;
	sc_buf_init(&q);
	sc_buf_init(&a);
	uint16_t id = (uint16_t)sc_rng_next(&c->rng);
	uint16_t port = sc_ephemeral_port(&c->rng);
	proto_dns_query(&q, id, qname, qtype, false);
	proto_dns_response(&a, &c->rng, id, qname, qtype, nrr ? 0 : 3 /* NXDOMAIN */, rrs, nrr,
			   false);
	sc_step_flow(c, 17, client, port, resolver, 53);
	sc_emit_udp(c, t, client, port, resolver, 53, q.b, q.len);
	t += sc_rng_range(&c->rng, 400, 30 * SC_MS);
	sc_emit_udp(c, t, resolver, 53, client, port, a.b, a.len);
	if (q.oom || a.oom)
		c->oom = true;
	sc_buf_free(&q);
	sc_buf_free(&a);
	return t;
}
