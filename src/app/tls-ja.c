/*
 * tls-ja.c — hello fingerprints: JA3 and JA3S (Salesforce's, MD5 through
 * libcrypto's EVP) and JA4, the TLS client fingerprint of FoxIO's JA4
 * (BSD-3-Clause; none of the other JA4+ methods are implemented here).
 *
 * JA3: "version,ciphers,extensions,groups,point_formats", decimal values
 * joined with '-', GREASE values (RFC 8701) left out, order as sent.
 * JA3S: "version,cipher,extensions" of the ServerHello.
 * JA4, per FoxIO's specification: t + version (highest supported_versions
 * entry, else the hello's) + d/i (SNI or not) + two-digit cipher and
 * extension counts (GREASE left out, capped at 99) + first and last
 * character of the first ALPN value ("00" without one; the first and last
 * hex digits when either character is not alphanumeric) "_" the first 12
 * hex digits of SHA-256 over the sorted 4-hex-digit cipher list "_" the same
 * over the sorted extension list without SNI and ALPN, followed by "_" and
 * the signature algorithms in the order sent when there are any.  An empty
 * list hashes to "000000000000".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "app/tls-internal.h"

bool tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 12) == ((v >> 4) & 0x0f);
}

/* A bounded string under construction (fingerprint strings are small:
 * the lists are capped at TLS_MAX_LIST entries of at most 6 characters). */
struct fp {
	char *s;
	size_t len, cap;
};

/* Appends v in decimal (hex4: four lower-case hex digits), as
 * snprintf's "%u" / "%04x" would, without its cost (a handshake has
 * dozens of these numbers). */
static void fp_num(struct fp *f, uint16_t v, bool hex4)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[12];
	size_t n = 0;
	if (hex4) { /* the values are 16-bit */
		for (int i = 3; i >= 0; i--)
			tmp[n++] = hex[(v >> (4 * i)) & 15];
	} else {
		char rev[12];
		size_t k = 0;
		do
			rev[k++] = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		while (k > 0)
			tmp[n++] = rev[--k];
	}
	if (f->s == NULL || f->len + n >= f->cap)
		return;
	memcpy(f->s + f->len, tmp, n);
	f->len += n;
	f->s[f->len] = '\0';
}

static void hex_bytes(const unsigned char *md, unsigned n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * n] = '\0';
}

static void fp_char(struct fp *f, char c)
{
	if (f->s != NULL && f->len + 1 < f->cap) {
		f->s[f->len++] = c;
		f->s[f->len] = '\0';
	}
}

static void fp_list16(struct fp *f, const uint16_t *v, uint32_t n)
{
	bool first = true;
	for (uint32_t i = 0; i < n; i++) {
		if (tls_is_grease(v[i]))
			continue;
		if (!first)
			fp_char(f, '-');
		fp_num(f, v[i], false);
		first = false;
	}
}

static void md5_hex(const char *s, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	out[0] = '\0';
	if (EVP_Digest(s, strlen(s), md, &n, EVP_md5(), NULL) != 1 || n != 16)
		return;
	hex_bytes(md, 16, out);
}

static struct fp fp_new(const struct tls_hello *h)
{
	size_t cap = 64 + 6u * (h->n_ciphers + h->n_exts + h->n_groups + h->n_pformats);
	struct fp f = {.s = malloc(cap), .cap = cap};
	if (f.s != NULL)
		f.s[0] = '\0';
	return f;
}

void tls_ja_client(struct tls_state *s)
{
	const struct tls_hello *h = &s->client;
	struct fp f = fp_new(h);
	if (f.s == NULL)
		return;
	fp_num(&f, h->version, false);
	fp_char(&f, ',');
	fp_list16(&f, h->ciphers, h->n_ciphers);
	fp_char(&f, ',');
	fp_list16(&f, h->exts, h->n_exts);
	fp_char(&f, ',');
	fp_list16(&f, h->groups, h->n_groups);
	fp_char(&f, ',');
	for (uint32_t i = 0; i < h->n_pformats; i++) {
		if (i > 0)
			fp_char(&f, '-');
		fp_num(&f, h->pformats[i], false);
	}
	free(s->ja3);
	s->ja3 = f.s;
	md5_hex(s->ja3, s->ja3_hash);
	tls_ja4_compute(s);
}

void tls_ja_server(struct tls_state *s)
{
	const struct tls_hello *h = &s->server;
	struct fp f = fp_new(h);
	if (f.s == NULL)
		return;
	fp_num(&f, h->version, false);
	fp_char(&f, ',');
	fp_list16(&f, h->ciphers, h->n_ciphers);
	fp_char(&f, ',');
	fp_list16(&f, h->exts, h->n_exts);
	free(s->ja3s);
	s->ja3s = f.s;
	md5_hex(s->ja3s, s->ja3s_hash);
}

/* ---- JA4 ---- */

static const char *ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002: return "s2";
	case 0xfeff: return "d1";
	case 0xfefd: return "d2";
	case 0xfefc: return "d3";
	default: return "00";
	}
}

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static void ja4_alpn(const struct tls_state *s, char out[3])
{
	uint32_t n = 0;
	const uint8_t *a = tls_alpn(s, APP_TOSERVER, 0, &n);
	out[0] = out[1] = '0';
	out[2] = '\0';
	if (a == NULL || n == 0)
		return;
	if (is_alnum(a[0]) && is_alnum(a[n - 1])) {
		out[0] = (char)a[0];
		out[1] = (char)a[n - 1];
	} else {
		static const char hex[] = "0123456789abcdef";
		out[0] = hex[a[0] >> 4];
		out[1] = hex[a[n - 1] & 15];
	}
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Non-GREASE values of v, minus SNI and ALPN when `drop`, sorted. */
static uint32_t ja4_sorted(const uint16_t *v, uint32_t n, bool drop, uint16_t *out)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (tls_is_grease(v[i]) || (drop && (v[i] == 0x0000 || v[i] == 0x0010)))
			continue;
		out[k++] = v[i];
	}
	qsort(out, k, sizeof(*out), cmp_u16);
	return k;
}

static void ja4_hex_list(struct fp *f, const uint16_t *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0)
			fp_char(f, ',');
		fp_num(f, v[i], true);
	}
}

/* First 12 hex digits of SHA-256(s), or twelve zeros when `empty`. */
static void sha256_12(const char *s, bool empty, char out[13])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	memset(out, '0', 12);
	out[12] = '\0';
	if (empty || EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) != 1 || n < 6)
		return;
	hex_bytes(md, 6, out);
}

static bool has_sni_ext(const struct tls_hello *h);

static uint32_t count_non_grease(const uint16_t *v, uint32_t n)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++)
		k += !tls_is_grease(v[i]);
	return k > 99 ? 99 : k;
}

void tls_ja4_compute(struct tls_state *s)
{
	const struct tls_hello *h = &s->client;
	uint16_t version = h->version;
	if (h->n_versions > 0) {
		version = 0;
		for (uint32_t i = 0; i < h->n_versions; i++)
			if (!tls_is_grease(h->versions[i]) && h->versions[i] > version)
				version = h->versions[i];
	}
	char alpn[3];
	ja4_alpn(s, alpn);

	uint32_t max = h->n_ciphers > h->n_exts ? h->n_ciphers : h->n_exts;
	uint16_t *tmp = malloc((max + 1) * sizeof(*tmp));
	size_t cap = 64 + 5u * ((size_t)h->n_exts + h->n_sigalgs + h->n_ciphers);
	struct fp f = {.s = malloc(cap), .cap = cap};
	if (tmp == NULL || f.s == NULL) {
		free(tmp);
		free(f.s);
		return;
	}
	f.s[0] = '\0';
	char hash_b[13], hash_c[13];
	uint32_t k = ja4_sorted(h->ciphers, h->n_ciphers, false, tmp);
	ja4_hex_list(&f, tmp, k);
	sha256_12(f.s, k == 0, hash_b);

	f.len = 0;
	f.s[0] = '\0';
	k = ja4_sorted(h->exts, h->n_exts, true, tmp);
	ja4_hex_list(&f, tmp, k);
	uint32_t nsig = 0;
	for (uint32_t i = 0; i < h->n_sigalgs; i++) {
		if (tls_is_grease(h->sigalgs[i]))
			continue;
		fp_char(&f, nsig++ == 0 ? '_' : ',');
		fp_num(&f, h->sigalgs[i], true);
	}
	sha256_12(f.s, k == 0, hash_c);
	free(tmp);
	free(f.s);

	snprintf(s->ja4, sizeof(s->ja4), "t%s%c%02u%02u%s_%s_%s", ja4_version(version),
		 has_sni_ext(h) ? 'd' : 'i', count_non_grease(h->ciphers, h->n_ciphers),
		 count_non_grease(h->exts, h->n_exts), alpn, hash_b, hash_c);
	s->has_ja4 = true;
}

static bool has_sni_ext(const struct tls_hello *h)
{
	for (uint32_t i = 0; i < h->n_exts; i++)
		if (h->exts[i] == 0x0000)
			return true;
	return false;
}
