/*
 * http-uri — the normalised URI (http.uri) and the request's host.
 *
 * http.uri is built as Suricata builds it from libhtp's IDS personality
 * (uri-include-all off): the path decoded and normalised, then the query
 * and fragment with their valid %XX escapes decoded (as Suricata 8 gives
 * them; '+' stays).  Path decoding, in order:
 *   - %XX is decoded, %2F and %5C included (separators are decoded);
 *     an invalid escape keeps its '%' (libhtp's preserve-percent);
 *   - %uXXXX is decoded (u-encoding on): U+00XX to the byte, fullwidth
 *     ASCII (U+FF01..U+FF5E) to ASCII, anything else to '?';
 *   - backslashes become slashes, runs of slashes become one;
 *   - UTF-8 sequences are converted best-fit: code points below U+0100
 *     (overlong ASCII included) to their byte, fullwidth forms to ASCII,
 *     other characters to '?' (libhtp's best-fit table also folds
 *     accented Latin letters; that table is not reproduced here);
 *     invalid UTF-8 stays as it is;
 *   - "." and ".." segments are removed as RFC 3986 5.2.4 says (".."
 *     never climbs above the root).
 * A decoded "%25" followed by two hex digits is a double-encoded URI.
 * The hostname is lower-cased, without port and trailing dots; it comes
 * from an absolute URI before the Host header.
 */
#include <string.h>
#include <strings.h>

#include "app/http-internal.h"

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static uint8_t fold_codepoint(uint32_t cp)
{
	if (cp < 0x100)
		return (uint8_t)cp;
	if (cp >= 0xff01 && cp <= 0xff5e)
		return (uint8_t)(cp - 0xff01 + 0x21);
	return '?';
}

/* %-decoding, backslash conversion and separator compression. */
static uint32_t decode_path(const uint8_t *in, uint32_t n, uint8_t *out, bool *double_enc)
{
	uint32_t o = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = in[i];
		if (c == '%') {
			if (i + 5 < n && (in[i + 1] == 'u' || in[i + 1] == 'U') &&
			    hexval(in[i + 2]) >= 0 && hexval(in[i + 3]) >= 0 &&
			    hexval(in[i + 4]) >= 0 && hexval(in[i + 5]) >= 0) {
				uint32_t cp =
				    (uint32_t)(hexval(in[i + 2]) << 12 | hexval(in[i + 3]) << 8 |
					       hexval(in[i + 4]) << 4 | hexval(in[i + 5]));
				c = fold_codepoint(cp);
				i += 5;
			} else if (i + 2 < n && hexval(in[i + 1]) >= 0 && hexval(in[i + 2]) >= 0) {
				c = (uint8_t)(hexval(in[i + 1]) << 4 | hexval(in[i + 2]));
				i += 2;
				if (c == '%' && i + 2 < n && hexval(in[i + 1]) >= 0 &&
				    hexval(in[i + 2]) >= 0)
					*double_enc = true;
			}
		}
		if (c == '\\')
			c = '/';
		if (c == '/' && o > 0 && out[o - 1] == '/')
			continue;
		out[o++] = c;
	}
	return o;
}

/* Best-fit conversion of UTF-8 sequences, in place. */
static uint32_t bestfit_utf8(uint8_t *p, uint32_t n)
{
	uint32_t o = 0;
	for (uint32_t i = 0; i < n;) {
		uint8_t c = p[i];
		uint32_t need = (c & 0xe0) == 0xc0   ? 1
				: (c & 0xf0) == 0xe0 ? 2
				: (c & 0xf8) == 0xf0 ? 3
						     : 0;
		bool ok = need > 0 && i + need < n;
		uint32_t cp = c & (0x3f >> need);
		for (uint32_t k = 1; ok && k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				ok = false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (!ok) {
			p[o++] = p[i++];
			continue;
		}
		p[o++] = fold_codepoint(cp);
		i += need + 1;
	}
	return o;
}

/* RFC 3986 5.2.4 remove_dot_segments, in place. */
static uint32_t remove_dots(uint8_t *p, uint32_t n)
{
	uint32_t i = 0, o = 0;
	while (i < n) {
		uint32_t rest = n - i;
		if (rest >= 3 && memcmp(p + i, "../", 3) == 0) {
			i += 3;
		} else if (rest >= 2 && memcmp(p + i, "./", 2) == 0) {
			i += 2;
		} else if (rest >= 3 && memcmp(p + i, "/./", 3) == 0) {
			i += 2;
		} else if (rest == 2 && memcmp(p + i, "/.", 2) == 0) {
			i += 1;
			p[i] = '/';
		} else if (rest >= 4 && memcmp(p + i, "/../", 4) == 0) {
			i += 3;
			while (o > 0 && p[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (rest == 3 && memcmp(p + i, "/..", 3) == 0) {
			i += 2;
			p[i] = '/';
			while (o > 0 && p[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if ((rest == 1 && p[i] == '.') ||
			   (rest == 2 && memcmp(p + i, "..", 2) == 0)) {
			i = n;
		} else {
			uint32_t j = i;
			if (p[j] == '/')
				j++;
			while (j < n && p[j] != '/')
				j++;
			memmove(p + o, p + i, j - i);
			o += j - i;
			i = j;
		}
	}
	return o;
}

void http_path_normalise(const uint8_t *in, uint32_t n, struct http_bytes *out, bool *double_enc)
{
	out->len = 0;
	if (!http_bytes_add(out, in, n, UINT32_MAX))
		return;
	uint32_t k = decode_path(in, n, out->p, double_enc);
	k = bestfit_utf8(out->p, k);
	out->len = remove_dots(out->p, k);
}

/* scheme "://" authority, or NULL. */
static const uint8_t *authority_of(const uint8_t *u, uint32_t n, uint32_t *alen)
{
	uint32_t i = 0;
	while (i < n && ((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= 'A' && u[i] <= 'Z') ||
			 (i > 0 && ((u[i] >= '0' && u[i] <= '9') || u[i] == '+' || u[i] == '-' ||
				    u[i] == '.'))))
		i++;
	if (i == 0 || i + 3 > n || memcmp(u + i, "://", 3) != 0)
		return NULL;
	const uint8_t *a = u + i + 3;
	uint32_t k = 0;
	while (a + k < u + n && a[k] != '/' && a[k] != '?' && a[k] != '#')
		k++;
	*alen = k;
	return a;
}

void http_uri_normalise(struct http_tx *tx)
{
	const uint8_t *u = tx->uri_raw.p;
	uint32_t n = tx->uri_raw.len;
	tx->uri_norm.len = 0;
	if (n == 0)
		return;
	if (tx->is_connect) {
		http_bytes_set(&tx->uri_norm, u, n);
		return;
	}
	uint32_t alen;
	const uint8_t *a = authority_of(u, n, &alen);
	if (a != NULL) {
		n -= (uint32_t)(a + alen - u);
		u = a + alen;
	}
	uint32_t pe = 0;
	while (pe < n && u[pe] != '?' && u[pe] != '#')
		pe++;
	bool dbl = false;
	http_path_normalise(u, pe, &tx->uri_norm, &dbl);
	if (dbl)
		http_tx_event(tx, HTTP_EV_DOUBLE_ENCODED_URI);
	/* the query: %XX decoded, the rest as sent */
	for (uint32_t i = pe; i < n; i++) {
		uint8_t c = u[i];
		if (c == '%' && i + 2 < n && hexval(u[i + 1]) >= 0 && hexval(u[i + 2]) >= 0) {
			c = (uint8_t)(hexval(u[i + 1]) << 4 | hexval(u[i + 2]));
			i += 2;
		}
		http_bytes_add(&tx->uri_norm, &c, 1, UINT32_MAX);
	}
}

/* host[:port] into a lower-cased host and a port; false when malformed. */
static bool split_hostport(const uint8_t *h, uint32_t n, struct http_bytes *host, int *port,
			   bool *bad_port)
{
	*port = -1;
	*bad_port = false;
	if (n == 0)
		return false;
	const uint8_t *at = memchr(h, '@', n);
	if (at != NULL) {
		n -= (uint32_t)(at + 1 - h);
		h = at + 1;
	}
	uint32_t he = n;
	bool ok = true;
	if (n > 0 && h[0] == '[') {
		const uint8_t *rb = memchr(h, ']', n);
		if (rb == NULL)
			return false;
		he = (uint32_t)(rb - h) + 1;
	} else {
		const uint8_t *c = memchr(h, ':', n);
		if (c != NULL)
			he = (uint32_t)(c - h);
	}
	if (he < n) {
		if (h[he] != ':')
			return false;
		int v = 0;
		uint32_t i = he + 1;
		for (; i < n && h[i] >= '0' && h[i] <= '9' && v <= 65535; i++)
			v = v * 10 + (h[i] - '0');
		if (i == he + 1 || i < n || v == 0 || v > 65535)
			*bad_port = i != he + 1 || i < n;
		else
			*port = v;
	}
	while (he > 0 && h[he - 1] == '.')
		he--;
	host->len = 0;
	http_bytes_add(host, h, he, HTTP_LINE_LIMIT);
	for (uint32_t i = 0; i < host->len; i++) {
		uint8_t c = host->p[i];
		if (c >= 'A' && c <= 'Z')
			host->p[i] = (uint8_t)(c + 32);
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			   c == '.' || c == '_' || c == '[' || c == ']' || c == ':'))
			ok = false;
	}
	return ok && he > 0;
}

void http_host_resolve(struct http_tx *tx)
{
	uint32_t alen = 0;
	const uint8_t *a = NULL;
	if (tx->is_connect) {
		a = tx->uri_raw.p;
		alen = tx->uri_raw.len;
	} else if (tx->uri_raw.len) {
		a = authority_of(tx->uri_raw.p, tx->uri_raw.len, &alen);
	}
	const struct http_header *hh = http_msg_header(&tx->req, "host");
	bool bad_port;
	int port;
	struct http_bytes hhost = {0};
	tx->host.len = 0;
	tx->host_raw.len = 0;
	if (a != NULL && alen > 0) {
		if (!split_hostport(a, alen, &tx->host, &port, &bad_port)) {
			/* an unusable authority gives no hostname (CONNECT "/") */
			http_tx_event(tx, HTTP_EV_REQUEST_URI_HOST_INVALID);
			tx->host.len = 0;
			port = -1;
		}
		if (bad_port)
			http_tx_event(tx, HTTP_EV_INVALID_SERVER_PORT_IN_REQUEST);
		tx->port = port;
		/* the raw host keeps the original case */
		const uint8_t *at = memchr(a, '@', alen);
		const uint8_t *h0 = at ? at + 1 : a;
		if (tx->host.len > 0 && tx->host.len <= alen - (uint32_t)(h0 - a))
			http_bytes_set(&tx->host_raw, h0, tx->host.len);
	}
	if (hh != NULL && hh->value.len > 0) {
		bool ok = split_hostport(hh->value.p, hh->value.len, &hhost, &port, &bad_port);
		if (!ok)
			http_tx_event(tx, HTTP_EV_REQUEST_HEADER_HOST_INVALID);
		if (bad_port)
			http_tx_event(tx, HTTP_EV_INVALID_AUTHORITY_PORT);
		if (tx->host.len == 0 && tx->host_raw.len == 0) {
			http_bytes_set(&tx->host, hhost.p, hhost.len);
			http_bytes_set(&tx->host_raw, hh->value.p, hh->value.len);
			tx->port = port;
		} else if (hhost.len != tx->host.len ||
			   (hhost.len && memcmp(hhost.p, tx->host.p, hhost.len) != 0)) {
			http_tx_event(tx, HTTP_EV_HOST_HEADER_AMBIGUOUS);
		}
	} else if (hh == NULL && !tx->is_09 && tx->req.protocol.len == 8 &&
		   strncasecmp((const char *)tx->req.protocol.p, "HTTP/1.1", 8) == 0) {
		http_tx_event(tx, HTTP_EV_MISSING_HOST_HEADER);
	}
	http_bytes_free(&hhost);
}
