/*
 * eve-xff — the X-Forwarded-For address of an HTTP transaction, for EVE
 * alerts behind a proxy, as Suricata's app-layer-htp-xff.c defines it:
 * the configured request header (X-Forwarded-For by default); with
 * `deployment: reverse` the last address of the chain (after its last
 * space), with `forward` the first (before its first comma); an optional
 * port (1.2.3.4:80, [2001:db8::1]:80) is dropped; the result must parse
 * as an IPv4 or IPv6 address.  Chains shorter than 7 or of 256 bytes and
 * more are ignored, as there.  Reads only the header bytes it is given.
 */
#include "app/app.h"
#include "app/http.h"
#include "output/eve.h"

#include <arpa/inet.h>
#include <string.h>

#define XFF_CHAIN_MIN 7
#define XFF_CHAIN_MAX 256

/* One address, maybe with a port, into out; false when it is none. */
static bool parse_addr(const char *s, char out[EVE_XFF_LEN])
{
	char buf[XFF_CHAIN_MAX];
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *a = buf;
	if (a[0] == '[') { /* [v6]:port */
		char *end = strchr(a, ']');
		if (end == NULL)
			return false;
		*end = '\0';
		a++;
	} else {
		char *colon = strchr(a, ':');
		if (colon && strchr(colon + 1, ':') == NULL)
			*colon = '\0'; /* v4:port */
	}
	unsigned char bin[16];
	if (inet_pton(AF_INET, a, bin) != 1 && inet_pton(AF_INET6, a, bin) != 1)
		return false;
	if (strlen(a) >= EVE_XFF_LEN)
		return false;
	strcpy(out, a);
	return true;
}

bool eve_xff_parse(const uint8_t *v, size_t n, bool reverse, char out[EVE_XFF_LEN])
{
	if (v == NULL || n < XFF_CHAIN_MIN || n >= XFF_CHAIN_MAX)
		return false;
	char chain[XFF_CHAIN_MAX];
	memcpy(chain, v, n);
	chain[n] = '\0';
	const char *pick = chain;
	if (reverse) {
		const char *sp = strrchr(chain, ' ');
		if (sp != NULL)
			pick = sp + 1;
	} else {
		char *comma = strchr(chain, ',');
		if (comma != NULL)
			*comma = '\0';
	}
	return parse_addr(pick, out);
}

static bool from_tx(const struct flow *f, uint64_t tx_id, const struct eve_xff *cfg,
		    char out[EVE_XFF_LEN])
{
	enum app_proto proto;
	const void *state, *tx;
	if (!app_flow_tx(f, tx_id, &proto, &state, &tx) || proto != APP_PROTO_HTTP || tx == NULL)
		return false;
	const uint8_t *v;
	uint32_t n;
	if (!http_tx_header(tx, APP_TOSERVER, cfg->header, &v, &n))
		return false;
	return eve_xff_parse(v, n, cfg->reverse, out);
}

bool eve_xff_of_alert(const struct flow *f, bool has_tx, uint64_t tx_id,
		      const struct eve_xff *cfg, char out[EVE_XFF_LEN])
{
	if (!cfg->enabled || f == NULL || app_flow_proto(f) != APP_PROTO_HTTP)
		return false;
	if (has_tx)
		return from_tx(f, tx_id, cfg, out);
	/* not tied to a transaction: the first one that has an address */
	uint64_t total = app_flow_tx_total(f);
	for (uint64_t id = 0; id < total; id++)
		if (from_tx(f, id, cfg, out))
			return true;
	return false;
}
