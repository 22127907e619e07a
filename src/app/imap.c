/*
 * imap.c — IMAP is recognised only, as Suricata 8 does (no parser): the
 * server's greeting "* OK" (or "* PREAUTH") on the IMAP port, or a
 * client's tagged CAPABILITY / LOGIN / STARTTLS.  Flows carry app_proto
 * "imap" and rules on the stream match; no transactions.
 */
#include "app/app.h"

#include <string.h>
#include <strings.h>

static enum app_probe_result imap_probe_port(const struct app_probe_in *in, const uint8_t *d,
					     uint32_t n)
{
	if (in->dir == APP_TOCLIENT) {
		static const char *const greet[] = {"* OK", "* PREAUTH", NULL};
		return app_probe_words(d, n, greet);
	}
	/* "tag SP command": a tag of letters and digits, then a known command */
	uint32_t i = 0;
	while (i < n && i < 32 && d[i] != ' ' && d[i] > ' ' && d[i] < 127)
		i++;
	if (i == n)
		return n < 32 ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	if (i == 0 || d[i] != ' ')
		return APP_PROBE_NO;
	static const char *const cmds[] = {"CAPABILITY", "LOGIN", "STARTTLS", "AUTHENTICATE",
					   "NOOP", "ID", NULL};
	return app_probe_words(d + i + 1, n - i - 1, cmds);
}

const struct app_protocol app_imap = {
    .name = "imap",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "143",
    .probe_port = imap_probe_port,
};
