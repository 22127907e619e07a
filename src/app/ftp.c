/*
 * ftp — FTP is recognised (the client's first command, as Suricata's
 * patterns) but not parsed yet: flows carry app_proto "ftp" and rules on
 * the stream match; no transactions.
 */
#include "app/app.h"

static enum app_probe_result probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	static const char *const words[] = {"USER ",	"PASS ",    "PORT ", "EPSV",
					    "AUTH TLS", "AUTH SSL", "FEAT",  NULL};
	return in->dir == APP_TOSERVER ? app_probe_words(d, n, words) : APP_PROBE_NO;
}

const struct app_protocol app_ftp = {
    .name = "ftp",
    .ipprotos = APP_IPPROTO_TCP,
    .probe = probe,
};
