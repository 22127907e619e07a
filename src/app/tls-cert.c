/*
 * tls-cert.c — the Certificate handshake message: splits the chain,
 * keeps each DER, and reads the fields detection and EVE use with
 * libcrypto's d2i_X509 (subject, issuer, serial, SHA-1 fingerprint,
 * validity, DNS subject alternative names).
 *
 * Field formats follow what Suricata logs: names as "C=US, O=..., CN=..."
 * in certificate order (multi-valued RDNs joined with " + ", emailAddress
 * as "Email"), the serial as colon-separated upper-case hex of the DER
 * integer's content octets, the fingerprint as colon-separated lower-case
 * SHA-1.  Only the first Certificate message of a direction is kept, at
 * most TLS_MAX_CERTS certificates; a length that overruns its container
 * stops the walk with certificate_invalid_length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "app/tls-internal.h"

static uint32_t be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* A growable string for building names. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (ns == NULL) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static const char *attr_short_name(const ASN1_OBJECT *obj, char *buf, int buflen)
{
	int nid = OBJ_obj2nid(obj);
	if (nid == NID_pkcs9_emailAddress)
		return "Email";
	if (nid != NID_undef)
		return OBJ_nid2sn(nid);
	OBJ_obj2txt(buf, buflen, obj, 1);
	return buf;
}

/* "C=US, O=Let's Encrypt, CN=R3"; NULL when the name cannot be read. */
static char *name_string(const X509_NAME *name, uint32_t *len)
{
	struct sbuf b = {0};
	int count = X509_NAME_entry_count(name);
	int prev_set = -1;
	for (int i = 0; i < count; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		int set = X509_NAME_ENTRY_set(e);
		if (i > 0)
			sb_add(&b, set == prev_set ? " + " : ", ", set == prev_set ? 3 : 2);
		prev_set = set;
		char oid[80];
		const char *key = attr_short_name(X509_NAME_ENTRY_get_object(e), oid, sizeof(oid));
		sb_add(&b, key, strlen(key));
		sb_add(&b, "=", 1);
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
		if (n > 0)
			sb_add(&b, (const char *)utf8, (size_t)n);
		OPENSSL_free(utf8);
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	if (b.s == NULL)
		b.s = calloc(1, 1);
	*len = (uint32_t)b.len;
	return b.s;
}

static void hex_colon(const uint8_t *p, size_t n, bool upper, char *out)
{
	static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
	const char *digits = upper ? up : lo;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = digits[p[i] >> 4];
		out[o++] = digits[p[i] & 15];
	}
	out[o] = '\0';
}

/* The DER content octets of the serial (a leading 00 stays, as Suricata). */
static char *serial_string(const ASN1_INTEGER *sn)
{
	unsigned char *der = NULL;
	int n = i2d_ASN1_INTEGER(sn, &der);
	if (n < 2) {
		OPENSSL_free(der);
		return NULL;
	}
	/* skip tag and length (short or long form) */
	int off = 2;
	if (der[1] & 0x80)
		off += der[1] & 0x7f;
	char *out = NULL;
	if (off <= n) {
		size_t k = (size_t)(n - off);
		out = malloc(k * 3 + 1);
		if (out != NULL)
			hex_colon(der + off, k, true, out);
	}
	OPENSSL_free(der);
	return out;
}

static int64_t asn1_time_epoch(const ASN1_TIME *t, bool *ok)
{
	struct tm tm;
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
		*ok = false;
		return 0;
	}
	return (int64_t)timegm(&tm);
}

static void read_sans(struct tls_cert *c, GENERAL_NAMES *gens)
{
	if (gens == NULL)
		return;
	int n = sk_GENERAL_NAME_num(gens);
	c->sans = calloc((size_t)(n > 0 ? n : 1), sizeof(char *));
	c->san_lens = calloc((size_t)(n > 0 ? n : 1), sizeof(uint32_t));
	for (int i = 0; c->sans != NULL && c->san_lens != NULL && i < n; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		const ASN1_IA5STRING *s = g->d.dNSName;
		char *v = malloc((size_t)s->length + 1);
		if (v == NULL)
			continue;
		memcpy(v, s->data, (size_t)s->length);
		v[s->length] = '\0';
		c->san_lens[c->n_sans] = (uint32_t)s->length;
		c->sans[c->n_sans++] = v;
	}
	GENERAL_NAMES_free(gens);
}

/* Reads a DER tag and length at d[*off] within end; false when the header
 * itself is cut short.  *clen is the declared content length. */
static bool der_header(const uint8_t *d, uint32_t end, uint32_t *off, uint64_t *clen)
{
	if (*off + 2 > end)
		return false;
	uint8_t l = d[*off + 1];
	*off += 2;
	if (!(l & 0x80)) {
		*clen = l;
		return true;
	}
	uint32_t n = l & 0x7f;
	if (n == 0 || n > 8 || *off + n > end)
		return false;
	*clen = 0;
	for (uint32_t i = 0; i < n; i++)
		*clen = *clen << 8 | d[(*off)++];
	return true;
}

/* Is the certificate cut short inside the headers of its outer SEQUENCE
 * or of the tbsCertificate within?  (Suricata's X.509 decoder then says
 * "incomplete": certificate_invalid_length, not invalid_certificate.) */
static bool der_truncated(const uint8_t *d, uint32_t len)
{
	uint32_t off = 0;
	uint64_t clen;
	if (!der_header(d, len, &off, &clen))
		return true;
	uint32_t end = clen < len - off ? off + (uint32_t)clen : len;
	return !der_header(d, end, &off, &clen);
}

/*
 * The fields without d2i_X509.  libcrypto 3's d2i_X509 also decodes the
 * public key through its provider decoders, which costs some 600,000
 * instructions a certificate (more than the rest of a TLS flow's
 * processing) for a key nothing here looks at.  So the certificate's DER
 * is walked here, element by element, and only the parts read are decoded
 * by libcrypto (names, serial, times, extensions).  The walk is strict:
 * every element's tag, and its length within its container, must be what
 * RFC 5280 says, each decoded part must take exactly its element, and the
 * tbsCertificate and the certificate must end where they say; anything
 * else returns false and the caller decodes the whole certificate with
 * d2i_X509 as before, so a malformed one is judged (and its events
 * raised) exactly as libcrypto judges it.
 */
struct der_el {
	uint8_t tag;
	uint32_t start; /* of the tag */
	uint32_t body;	/* of the contents */
	uint32_t end;	/* past the contents */
};

static bool der_el_next(const uint8_t *d, uint32_t *off, uint32_t end, struct der_el *e)
{
	if (*off >= end || end - *off < 2)
		return false;
	e->start = *off;
	e->tag = d[*off];
	if ((e->tag & 0x1f) == 0x1f)
		return false; /* high tag numbers: not in a certificate's outline */
	uint32_t o = *off;
	uint64_t clen;
	if (!der_header(d, end, &o, &clen) || clen > end - o)
		return false;
	e->body = o;
	e->end = o + (uint32_t)clen;
	*off = e->end;
	return true;
}

static bool der_expect(const uint8_t *d, uint32_t *off, uint32_t end, uint8_t tag,
		       struct der_el *e)
{
	return der_el_next(d, off, end, e) && e->tag == tag;
}

static X509_NAME *walk_name(const uint8_t *d, const struct der_el *e)
{
	const unsigned char *p = d + e->start;
	X509_NAME *n = d2i_X509_NAME(NULL, &p, e->end - e->start);
	if (n != NULL && p != d + e->end) {
		X509_NAME_free(n);
		n = NULL;
	}
	return n;
}

static bool walk_time(const uint8_t *d, uint32_t *off, uint32_t end, ASN1_TIME **t)
{
	struct der_el e;
	if (!der_el_next(d, off, end, &e) || (e.tag != 0x17 && e.tag != 0x18))
		return false;
	const unsigned char *p = d + e.start;
	*t = d2i_ASN1_TIME(NULL, &p, e.end - e.start);
	return *t != NULL && p == d + e.end;
}

struct cert_parts {
	long version;
	ASN1_INTEGER *serial;
	X509_NAME *issuer, *subject;
	ASN1_TIME *notbefore, *notafter;
	X509_EXTENSIONS *exts;
};

static void parts_free(struct cert_parts *cp)
{
	ASN1_INTEGER_free(cp->serial);
	X509_NAME_free(cp->issuer);
	X509_NAME_free(cp->subject);
	ASN1_TIME_free(cp->notbefore);
	ASN1_TIME_free(cp->notafter);
	sk_X509_EXTENSION_pop_free(cp->exts, X509_EXTENSION_free);
}

/* An AlgorithmIdentifier: SEQUENCE { OBJECT IDENTIFIER, parameters OPTIONAL }. */
static bool walk_algorithm(const uint8_t *d, const struct der_el *e)
{
	uint32_t o = e->body;
	struct der_el oid;
	if (e->tag != 0x30 || !der_expect(d, &o, e->end, 0x06, &oid) || oid.end == oid.body)
		return false;
	struct der_el par;
	if (o < e->end && !der_el_next(d, &o, e->end, &par))
		return false;
	return o == e->end;
}

static bool walk_tbs(const uint8_t *d, const struct der_el *tbs, struct cert_parts *cp)
{
	uint32_t o = tbs->body, end = tbs->end;
	struct der_el e, v;
	if (!der_el_next(d, &o, end, &e))
		return false;
	cp->version = 0;
	if (e.tag == 0xa0) { /* [0] EXPLICIT Version */
		uint32_t vo = e.body;
		if (!der_expect(d, &vo, e.end, 0x02, &v) || vo != e.end || v.end == v.body)
			return false;
		if (v.end - v.body == 1)
			cp->version = (int8_t)d[v.body];
		else
			cp->version = -1; /* not 0..2: reported as an invalid version */
		if (!der_el_next(d, &o, end, &e))
			return false;
	}
	if (e.tag != 0x02)
		return false;
	const unsigned char *p = d + e.start;
	cp->serial = d2i_ASN1_INTEGER(NULL, &p, e.end - e.start);
	if (cp->serial == NULL || p != d + e.end)
		return false;
	if (!der_el_next(d, &o, end, &e) || !walk_algorithm(d, &e))
		return false;
	if (!der_expect(d, &o, end, 0x30, &e) || (cp->issuer = walk_name(d, &e)) == NULL)
		return false;
	if (!der_expect(d, &o, end, 0x30, &e))
		return false;
	uint32_t vo = e.body;
	if (!walk_time(d, &vo, e.end, &cp->notbefore) || !walk_time(d, &vo, e.end, &cp->notafter) ||
	    vo != e.end)
		return false;
	if (!der_expect(d, &o, end, 0x30, &e) || (cp->subject = walk_name(d, &e)) == NULL)
		return false;
	/* SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING } */
	if (!der_expect(d, &o, end, 0x30, &e))
		return false;
	uint32_t ko = e.body;
	struct der_el alg, key;
	if (!der_el_next(d, &ko, e.end, &alg) || !walk_algorithm(d, &alg) ||
	    !der_expect(d, &ko, e.end, 0x03, &key) || key.end == key.body || ko != e.end)
		return false;
	/* [1] issuerUniqueID, [2] subjectUniqueID, [3] extensions, in order */
	int last = 0;
	while (o < end) {
		if (!der_el_next(d, &o, end, &e))
			return false;
		int n = e.tag == 0x81 || e.tag == 0xa1 ? 1 : e.tag == 0x82 || e.tag == 0xa2 ? 2
							     : e.tag == 0xa3		 ? 3
											 : 0;
		if (n <= last)
			return false;
		last = n;
		if (n == 3) {
			uint32_t xo = e.body;
			struct der_el seq;
			if (!der_expect(d, &xo, e.end, 0x30, &seq) || xo != e.end)
				return false;
			p = d + seq.start;
			cp->exts = d2i_X509_EXTENSIONS(NULL, &p, seq.end - seq.start);
			if (cp->exts == NULL || p != d + seq.end)
				return false;
		}
	}
	return true;
}

/* The fields of a well-formed certificate; false to leave it to d2i_X509. */
static bool cert_read_walk(struct tls_state *s, struct tls_cert *c)
{
	const uint8_t *d = c->der;
	uint32_t o = 0;
	struct der_el cert, tbs, alg, sig;
	if (!der_expect(d, &o, c->der_len, 0x30, &cert))
		return false;
	uint32_t co = cert.body;
	if (!der_expect(d, &co, cert.end, 0x30, &tbs) || !der_el_next(d, &co, cert.end, &alg) ||
	    !walk_algorithm(d, &alg) || !der_expect(d, &co, cert.end, 0x03, &sig) ||
	    sig.end == sig.body || co != cert.end)
		return false;
	struct cert_parts cp;
	memset(&cp, 0, sizeof(cp));
	if (!walk_tbs(d, &tbs, &cp)) {
		parts_free(&cp);
		return false;
	}
	if (cp.version < 0 || cp.version > 2)
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_VERSION);
	c->subject = name_string(cp.subject, &c->subject_len);
	if (c->subject == NULL)
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_SUBJECT);
	c->issuer = name_string(cp.issuer, &c->issuer_len);
	if (c->issuer == NULL)
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_ISSUER);
	c->serial = serial_string(cp.serial);
	if (c->serial == NULL)
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_SERIAL);
	bool ok = true;
	c->notbefore = asn1_time_epoch(cp.notbefore, &ok);
	c->notafter = asn1_time_epoch(cp.notafter, &ok);
	if (!ok) {
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_DATE);
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_VALIDITY);
	}
	if (cp.exts != NULL)
		read_sans(c, X509V3_get_d2i(cp.exts, NID_subject_alt_name, NULL, NULL));
	parts_free(&cp);
	return true;
}

/* Reads one certificate's fields; the DER is already in c.  False when
 * it is no X.509 certificate. */
static bool cert_read(struct tls_state *s, struct tls_cert *c)
{
	unsigned char sha1[20];
	unsigned int sha1_len = 0;
	if (EVP_Digest(c->der, c->der_len, sha1, &sha1_len, EVP_sha1(), NULL) == 1 &&
	    sha1_len == 20)
		hex_colon(sha1, 20, false, c->fingerprint);
	if (cert_read_walk(s, c))
		return true;
	const unsigned char *p = c->der;
	X509 *x = d2i_X509(NULL, &p, c->der_len);
	if (x == NULL) {
		if (der_truncated(c->der, c->der_len)) {
			tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_LENGTH);
		} else {
			tls_set_event(s, TLS_EV_INVALID_CERTIFICATE);
			tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_DER);
		}
		return false;
	}
	long version = X509_get_version(x);
	if (version < 0 || version > 2)
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_VERSION);
	c->subject = name_string(X509_get_subject_name(x), &c->subject_len);
	if (c->subject == NULL)
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_SUBJECT);
	c->issuer = name_string(X509_get_issuer_name(x), &c->issuer_len);
	if (c->issuer == NULL)
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_ISSUER);
	c->serial = serial_string(X509_get0_serialNumber(x));
	if (c->serial == NULL)
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_SERIAL);
	bool ok = true;
	c->notbefore = asn1_time_epoch(X509_get0_notBefore(x), &ok);
	c->notafter = asn1_time_epoch(X509_get0_notAfter(x), &ok);
	if (!ok) {
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_DATE);
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_VALIDITY);
	}
	read_sans(c, X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL));
	X509_free(x);
	return true;
}

/* False when the chain is full, memory runs out, or the certificate is
 * not X.509 (*bad). */
static bool cert_add(struct tls_state *s, struct tls_chain *chain, const uint8_t *der, uint32_t len,
		     bool *bad)
{
	if (chain->n >= TLS_MAX_CERTS)
		return false;
	struct tls_cert *c = &chain->certs[chain->n];
	memset(c, 0, sizeof(*c));
	c->der = malloc(len ? len : 1);
	if (c->der == NULL)
		return false;
	memcpy(c->der, der, len);
	c->der_len = len;
	chain->n++;
	*bad = !cert_read(s, c);
	return !*bad;
}

bool tls_cert_message(struct tls_state *s, enum app_dir dir, const uint8_t *p, uint32_t len,
		      bool tls13)
{
	struct tls_chain *chain = &s->chain[dir & 1];
	if (chain->n > 0)
		return true;
	uint32_t off = 0;
	if (tls13) { /* certificate_request_context */
		if (len < 1 || p[0] > len - 1) {
			tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_LENGTH);
			return true;
		}
		off = 1u + p[0];
	}
	if (len - off < 3) {
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_LENGTH);
		return true;
	}
	uint32_t total = be24(p + off);
	off += 3;
	if (total != len - off) {
		tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_LENGTH);
		if (total > len - off)
			total = len - off;
	}
	uint32_t end = off + total;
	while (off < end) {
		if (end - off < 3) {
			tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_LENGTH);
			return true;
		}
		uint32_t n = be24(p + off);
		off += 3;
		if (n > end - off) {
			tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_LENGTH);
			return true;
		}
		bool bad = false;
		bool first = chain->n == 0;
		if (!cert_add(s, chain, p + off, n, &bad))
			return !(bad && first); /* as Suricata: the first must decode */
		off += n;
		if (tls13) { /* per-certificate extensions */
			if (end - off < 2 || (uint32_t)(p[off] << 8 | p[off + 1]) > end - off - 2) {
				tls_set_event(s, TLS_EV_CERTIFICATE_INVALID_LENGTH);
				return true;
			}
			off += 2u + (uint32_t)(p[off] << 8 | p[off + 1]);
		}
	}
	return true;
}

void tls_chain_free(struct tls_chain *c)
{
	for (uint32_t i = 0; i < c->n; i++) {
		struct tls_cert *t = &c->certs[i];
		free(t->der);
		free(t->subject);
		free(t->issuer);
		free(t->serial);
		for (uint32_t k = 0; k < t->n_sans; k++)
			free(t->sans[k]);
		free(t->sans);
		free(t->san_lens);
	}
	c->n = 0;
}
