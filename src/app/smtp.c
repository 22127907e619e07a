/*
 * smtp — SMTP is recognised (the client's EHLO/HELO, as Suricata's
 * pattern) but not parsed yet: flows carry app_proto "smtp" and rules on
 * the stream match; no transactions.
 */
#include "app/app.h"

static enum app_probe_result probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	static const char *const words[] = {"EHLO", "HELO", NULL};
	return in->dir == APP_TOSERVER ? app_probe_words(d, n, words) : APP_PROBE_NO;
}

const struct app_protocol app_smtp = {
    .name = "smtp",
    .ipprotos = APP_IPPROTO_TCP,
    .probe = probe,
};
