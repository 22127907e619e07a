/*
 * proto-tls — TLS 1.2 and 1.3 handshakes as real clients and servers
 * write them.  A client is a profile (cipher suites, extension order,
 * groups), so the ClientHello carries that client's JA3; the server's
 * choice of suite and extensions fixes its JA3S.  TLS 1.2 servers send a
 * real X.509 certificate made with libcrypto at run time: an RSA-2048 key
 * whose primes are searched from PRNG-seeded starts, signed with PKCS#1
 * v1.5 (deterministic), so the same seed gives the same certificate bytes.
 * A server presents the same certificate in every session.  Everything after
 * ChangeCipherSpec is random bytes of realistic size (it is "encrypted").
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/proto.h"

/* Windows SChannel as used by WinINet, the stack of Cobalt Strike's default
 * HTTPS beacon: JA3 72a589da586844d7f0818ce684948eea (no SNI: C2 by IP). */
static const uint16_t schannel_ciphers[] = {0xc02c, 0xc02b, 0xc030, 0xc02f, 0xc024, 0xc023, 0xc028,
					    0xc027, 0xc00a, 0xc009, 0xc014, 0xc013, 0x009d, 0x009c,
					    0x003d, 0x003c, 0x0035, 0x002f, 0x000a};
static const uint16_t schannel_exts[] = {5, 10, 11, 13, 35, 23, 65281};
static const uint16_t schannel_groups[] = {0x001d, 0x0017, 0x0018};
const struct tls_client_profile tls_profile_schannel_beacon = {"Windows SChannel (WinINet)",
							       0x0303,
							       schannel_ciphers,
							       19,
							       schannel_exts,
							       7,
							       schannel_groups,
							       3,
							       NULL};

static const uint16_t firefox_ciphers[] = {0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9,
					   0xcca8, 0xc02c, 0xc030, 0xc00a, 0xc009, 0xc013,
					   0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
static const uint16_t firefox_exts[] = {0, 23, 65281, 10, 11, 35, 16, 5, 34, 51, 43, 13, 45, 28};
static const uint16_t firefox_groups[] = {0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101};
const struct tls_client_profile tls_profile_firefox = {
    "Firefox 128", 0x0303, firefox_ciphers, 17, firefox_exts, 14, firefox_groups, 6, "h2"};

static const uint16_t python_ciphers[] = {
    0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b, 0xc02f,
    0x009e, 0xc024, 0xc028, 0x006b, 0xc023, 0xc027, 0x0067, 0xc00a, 0xc014, 0x0039, 0xc009,
    0xc013, 0x0033, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x00ff};
static const uint16_t python_exts[] = {0, 11, 10, 35, 22, 23, 13, 43, 45, 51};
static const uint16_t python_groups[] = {0x001d, 0x0017, 0x001e, 0x0019, 0x0018};
const struct tls_client_profile tls_profile_python_requests = {"Python requests / OpenSSL 3",
							       0x0303,
							       python_ciphers,
							       31,
							       python_exts,
							       10,
							       python_groups,
							       5,
							       "http/1.1"};

/* Go crypto/tls 1.21+ (rclone, many implants written in Go). */
static const uint16_t go_ciphers[] = {0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc009,
				      0xc013, 0xc00a, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
				      0xc012, 0x000a, 0x1301, 0x1302, 0x1303};
static const uint16_t go_exts[] = {0, 5, 10, 11, 13, 65281, 18, 43, 51};
static const uint16_t go_groups[] = {0x001d, 0x0017, 0x0018, 0x0019};
const struct tls_client_profile tls_profile_go = {
    "Go crypto/tls", 0x0303, go_ciphers, 19, go_exts, 9, go_groups, 4, NULL};

static const uint16_t sig_algs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805,
				    0x0501, 0x0806, 0x0601, 0x0203, 0x0201};

static void put_ext(struct sc_buf *b, struct sc_rng *r, const struct tls_client_profile *p,
		    uint16_t type, const char *sni)
{
	if (type == 0 && !sni)
		return;
	sc_buf_be16(b, type);
	size_t lo = b->len;
	sc_buf_be16(b, 0);
	switch (type) {
	case 0: /* server_name */
		sc_buf_be16(b, (uint16_t)(strlen(sni) + 3));
		sc_buf_u8(b, 0);
		sc_buf_be16(b, (uint16_t)strlen(sni));
		sc_buf_puts(b, sni);
		break;
	case 5: /* status_request: OCSP, no responders, no extensions */
		sc_buf_u8(b, 1);
		sc_buf_be32(b, 0);
		break;
	case 10:
		sc_buf_be16(b, (uint16_t)(2 * p->ngroups));
		for (size_t i = 0; i < p->ngroups; i++)
			sc_buf_be16(b, p->groups[i]);
		break;
	case 11: sc_buf_be16(b, 0x0100); break; /* one format: uncompressed */
	case 13:
	case 34:
		sc_buf_be16(b, (uint16_t)sizeof(sig_algs));
		for (size_t i = 0; i < sizeof(sig_algs) / 2; i++)
			sc_buf_be16(b, sig_algs[i]);
		break;
	case 16: {
		size_t n = strlen(p->alpn);
		bool h2 = !strcmp(p->alpn, "h2");
		sc_buf_be16(b, (uint16_t)(1 + n + (h2 ? 9 : 0)));
		sc_buf_u8(b, (uint8_t)n);
		sc_buf_puts(b, p->alpn);
		if (h2) {
			sc_buf_u8(b, 8);
			sc_buf_puts(b, "http/1.1");
		}
		break;
	}
	case 28: sc_buf_be16(b, 0x4001); break;
	case 43:
		sc_buf_u8(b, 4);
		sc_buf_be16(b, 0x0304);
		sc_buf_be16(b, 0x0303);
		break;
	case 45: sc_buf_be16(b, 0x0101); break;
	case 51:
		sc_buf_be16(b, 36);
		sc_buf_be16(b, 0x001d);
		sc_buf_be16(b, 32);
		sc_buf_rand(b, r, 32);
		break;
	case 65281: sc_buf_u8(b, 0); break;
	default: break; /* 22, 23, 35: empty */
	}
	sc_buf_set_be16(b, lo, (uint16_t)(b->len - lo - 2));
}

static size_t record_begin(struct sc_buf *b, uint8_t type, uint16_t version)
{
	sc_buf_u8(b, type);
	sc_buf_be16(b, version);
	sc_buf_be16(b, 0);
	return b->len;
}

static void record_end(struct sc_buf *b, size_t body)
{
	sc_buf_set_be16(b, body - 2, (uint16_t)(b->len - body));
}

static size_t hs_begin(struct sc_buf *b, uint8_t type)
{
	sc_buf_u8(b, type);
	sc_buf_be24(b, 0);
	return b->len;
}

static void hs_end(struct sc_buf *b, size_t body)
{
	sc_buf_set_be24(b, body - 3, (uint32_t)(b->len - body));
}

static void client_hello(struct sc_buf *b, struct sc_rng *r, const struct tls_client_profile *p,
			 const char *sni, uint8_t session_id[32])
{
	size_t rec = record_begin(b, 22, 0x0301);
	size_t hs = hs_begin(b, 1);
	sc_buf_be16(b, p->version);
	sc_buf_rand(b, r, 32);
	sc_buf_u8(b, 32);
	sc_rng_bytes(r, session_id, 32);
	sc_buf_put(b, session_id, 32);
	sc_buf_be16(b, (uint16_t)(2 * p->nciphers));
	for (size_t i = 0; i < p->nciphers; i++)
		sc_buf_be16(b, p->ciphers[i]);
	sc_buf_u8(b, 1);
	sc_buf_u8(b, 0);
	size_t el = b->len;
	sc_buf_be16(b, 0);
	for (size_t i = 0; i < p->nexts; i++)
		put_ext(b, r, p, p->exts[i], sni);
	sc_buf_set_be16(b, el, (uint16_t)(b->len - el - 2));
	hs_end(b, hs);
	record_end(b, rec);
}

/* A random odd number of `bits` bits with the top two set, stepped up to the next prime. */
static BIGNUM *det_prime(struct sc_rng *r, int bits, BN_CTX *bn)
{
	uint8_t buf[256];
	size_t n = (size_t)bits / 8;
	sc_rng_bytes(r, buf, n);
	buf[0] |= 0xc0;
	buf[n - 1] |= 1;
	BIGNUM *p = BN_bin2bn(buf, (int)n, NULL);
	while (p && BN_check_prime(p, bn, NULL) != 1)
		BN_add_word(p, 2);
	return p;
}

/*
 * RSA-2048 key from the PRNG: primes found by stepping from seeded random
 * starts (OpenSSL's key generator draws from its own RNG, which would make
 * output differ run to run).  Returns NULL on failure.
 */
static EVP_PKEY *det_rsa_key(struct sc_rng *r)
{
	EVP_PKEY *pk = NULL;
	BN_CTX *bn = BN_CTX_new();
	BIGNUM *p = NULL, *q = NULL, *n = BN_new(), *e = BN_new(), *d = BN_new(), *p1 = BN_new(),
	       *q1 = BN_new(), *phi = BN_new(), *dp = BN_new(), *dq = BN_new(), *qi = BN_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pc = NULL;
	if (!bn || !n || !e || !d || !p1 || !q1 || !phi || !dp || !dq || !qi || !bld)
		goto done;
	BN_set_word(e, 65537);
	for (int tries = 0; tries < 8; tries++) {
		BN_free(p);
		BN_free(q);
		p = det_prime(r, 1024, bn);
		q = det_prime(r, 1024, bn);
		if (!p || !q || BN_cmp(p, q) == 0)
			continue;
		BN_sub(p1, p, BN_value_one());
		BN_sub(q1, q, BN_value_one());
		BN_mul(phi, p1, q1, bn);
		if (BN_mod_inverse(d, e, phi, bn))
			break;
	}
	if (!p || !q || BN_is_zero(d))
		goto done;
	BN_mul(n, p, q, bn);
	BN_mod(dp, d, p1, bn);
	BN_mod(dq, d, q1, bn);
	if (!BN_mod_inverse(qi, q, p, bn))
		goto done;
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi);
	params = OSSL_PARAM_BLD_to_param(bld);
	pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!params || !pc || EVP_PKEY_fromdata_init(pc) <= 0 ||
	    EVP_PKEY_fromdata(pc, &pk, EVP_PKEY_KEYPAIR, params) <= 0)
		pk = NULL;
done:
	EVP_PKEY_CTX_free(pc);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(q);
	BN_free(n);
	BN_free(e);
	BN_clear_free(d);
	BN_free(p1);
	BN_free(q1);
	BN_free(phi);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_clear_free(qi);
	BN_CTX_free(bn);
	return pk;
}

/* Self-signed RSA-2048/SHA-256 certificate for cn/org, DER, deterministic from r. */
static int make_cert(struct sc_rng *r, uint64_t now_us, const char *cn, const char *org,
		     struct sc_buf *out)
{
	uint8_t serial[9];
	sc_rng_bytes(r, serial, sizeof(serial));
	serial[0] &= 0x7f; /* positive */
	int rc = -1;
	EVP_PKEY *pk = det_rsa_key(r);
	X509 *x = X509_new();
	BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (!pk || !x || !bn)
		goto done;
	X509_set_version(x, 2);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	time_t now = (time_t)(now_us / SC_SEC);
	ASN1_TIME_set(X509_getm_notBefore(x), now - 86400 * (time_t)sc_rng_range(r, 3, 60));
	ASN1_TIME_set(X509_getm_notAfter(x), now + 86400 * 365);
	X509_NAME *name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"US", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)org, -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509_set_pubkey(x, pk);
	X509V3_CTX v3;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	char san[300];
	snprintf(san, sizeof(san), "DNS:%s", cn);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
	if (ext) {
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	/* RSA PKCS#1 v1.5 signatures are deterministic: same key, same bytes. */
	if (X509_sign(x, pk, EVP_sha256()) <= 0)
		goto done;
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	if (n > 0) {
		sc_buf_put(out, der, (size_t)n);
		rc = 0;
	}
	OPENSSL_free(der);
done:
	BN_free(bn);
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}

/* The server's certificate: made on first use, then the same bytes every session. */
static int server_cert(struct sc_ctx *c, uint64_t now_us, const char *cn, const char *org,
		       struct sc_buf *out)
{
	for (size_t i = 0; i < c->ncerts; i++)
		if (!strcmp(c->certs[i].cn, cn)) {
			sc_buf_put(out, c->certs[i].der, c->certs[i].len);
			return 0;
		}
	/* A generator of its own, so later traffic does not depend on key search length. */
	struct sc_rng r;
	sc_rng_fork(&c->rng, &r);
	if (make_cert(&r, now_us, cn, org, out) != 0)
		return -1;
	if (c->ncerts < SC_MAX_CERTS) {
		struct sc_cert *k = &c->certs[c->ncerts];
		k->der = malloc(out->len);
		if (k->der) {
			memcpy(k->der, out->b, out->len);
			k->len = out->len;
			snprintf(k->cn, sizeof(k->cn), "%s", cn);
			c->ncerts++;
		}
	}
	return 0;
}

/* TLS 1.3 servers echo the client's legacy session id; 1.2 servers assign a new one. */
static void server_hello(struct sc_buf *b, struct sc_rng *r, uint16_t suite, bool tls13,
			 const uint8_t session_id[32])
{
	size_t hs = hs_begin(b, 2);
	sc_buf_be16(b, 0x0303);
	sc_buf_rand(b, r, 32);
	sc_buf_u8(b, 32);
	if (tls13)
		sc_buf_put(b, session_id, 32);
	else
		sc_buf_rand(b, r, 32);
	sc_buf_be16(b, suite);
	sc_buf_u8(b, 0);
	size_t el = b->len;
	sc_buf_be16(b, 0);
	if (tls13) {
		sc_buf_be16(b, 51);
		sc_buf_be16(b, 36);
		sc_buf_be16(b, 0x001d);
		sc_buf_be16(b, 32);
		sc_buf_rand(b, r, 32);
		sc_buf_be16(b, 43);
		sc_buf_be16(b, 2);
		sc_buf_be16(b, 0x0304);
	} else {
		/* renegotiation_info then extended_master_secret: JA3S "...,65281-23" */
		sc_buf_be16(b, 65281);
		sc_buf_be16(b, 1);
		sc_buf_u8(b, 0);
		sc_buf_be16(b, 23);
		sc_buf_be16(b, 0);
	}
	sc_buf_set_be16(b, el, (uint16_t)(b->len - el - 2));
	hs_end(b, hs);
}

static int server_flight12(struct sc_buf *b, struct sc_tcp *s, const struct tls_session_plan *p)
{
	struct sc_rng *r = &s->c->rng;
	struct sc_buf der;
	sc_buf_init(&der);
	if (server_cert(s->c, s->c->t0_us + s->t, p->cert_cn,
			p->cert_org ? p->cert_org : p->cert_cn, &der) != 0) {
		sc_buf_free(&der);
		return -1;
	}
	size_t rec = record_begin(b, 22, 0x0303);
	server_hello(b, r, p->server_cipher, false, NULL);
	size_t hs = hs_begin(b, 11);
	sc_buf_be24(b, (uint32_t)(der.len + 3));
	sc_buf_be24(b, (uint32_t)der.len);
	sc_buf_put(b, der.b, der.len);
	hs_end(b, hs);
	hs = hs_begin(b, 12); /* ServerKeyExchange: ECDHE secp256r1, RSA-SHA256 signature */
	sc_buf_u8(b, 3);
	sc_buf_be16(b, 0x0017);
	sc_buf_u8(b, 65);
	sc_buf_u8(b, 4);
	sc_buf_rand(b, r, 64);
	sc_buf_be16(b, 0x0401);
	sc_buf_be16(b, 256);
	sc_buf_rand(b, r, 256);
	hs_end(b, hs);
	hs = hs_begin(b, 14);
	hs_end(b, hs);
	record_end(b, rec);
	sc_buf_free(&der);
	return 0;
}

static void ccs_and_finished(struct sc_buf *b, struct sc_rng *r, size_t fin_len, uint8_t fin_type)
{
	size_t rec = record_begin(b, 20, 0x0303);
	sc_buf_u8(b, 1);
	record_end(b, rec);
	rec = record_begin(b, fin_type, 0x0303);
	sc_buf_rand(b, r, fin_len);
	record_end(b, rec);
}

static void app_data(struct sc_buf *b, struct sc_rng *r, size_t n)
{
	while (n > 0) {
		size_t k = n > 16384 ? 16384 : n;
		size_t rec = record_begin(b, 23, 0x0303);
		sc_buf_rand(b, r, k + 24); /* AEAD nonce + tag */
		record_end(b, rec);
		n -= k;
	}
}

int sc_tls_session(struct sc_tcp *s, const struct tls_session_plan *p)
{
	struct sc_rng *r = &s->c->rng;
	struct sc_buf b;
	sc_buf_init(&b);
	uint8_t session_id[32];
	client_hello(&b, r, p->client, p->sni, session_id);
	sc_tcp_send_buf(s, SC_C2S, &b);
	sc_tcp_wait(s, sc_rng_range(r, 1 * SC_MS, 8 * SC_MS));
	sc_buf_reset(&b);
	if (p->tls13) {
		size_t rec = record_begin(&b, 22, 0x0303);
		server_hello(&b, r, p->server_cipher, true, session_id);
		record_end(&b, rec);
		ccs_and_finished(&b, r, 2400 + sc_rng_below(r, 1600), 23);
		sc_tcp_send_buf(s, SC_S2C, &b);
		sc_buf_reset(&b);
		ccs_and_finished(&b, r, 53, 23);
		sc_tcp_send_buf(s, SC_C2S, &b);
	} else {
		if (server_flight12(&b, s, p) != 0) {
			sc_buf_free(&b);
			s->c->oom = true;
			return -1;
		}
		sc_tcp_send_buf(s, SC_S2C, &b);
		sc_buf_reset(&b);
		size_t hs_rec = record_begin(&b, 22, 0x0303);
		size_t hs = hs_begin(&b, 16);
		sc_buf_u8(&b, 65);
		sc_buf_u8(&b, 4);
		sc_buf_rand(&b, r, 64);
		hs_end(&b, hs);
		record_end(&b, hs_rec);
		ccs_and_finished(&b, r, 40, 22);
		sc_tcp_send_buf(s, SC_C2S, &b);
		sc_buf_reset(&b);
		ccs_and_finished(&b, r, 40, 22);
		sc_tcp_send_buf(s, SC_S2C, &b);
	}
	for (unsigned i = 0; i < p->rounds; i++) {
		sc_tcp_wait(s, p->think_ms ? sc_think(r, p->think_ms / 2, p->think_ms * 3 / 2)
					   : sc_rng_range(r, SC_MS, 30 * SC_MS));
		sc_buf_reset(&b);
		app_data(&b, r, p->req_bytes + sc_rng_below(r, p->req_bytes / 8 + 1));
		sc_tcp_send_buf(s, SC_C2S, &b);
		sc_tcp_wait(s, sc_rng_range(r, 2 * SC_MS, 40 * SC_MS));
		sc_buf_reset(&b);
		app_data(&b, r, p->resp_bytes + sc_rng_below(r, p->resp_bytes / 8 + 1));
		sc_tcp_send_buf(s, SC_S2C, &b);
	}
	int rc = b.oom ? -1 : 0;
	if (b.oom)
		s->c->oom = true;
	sc_buf_free(&b);
	return rc;
}
