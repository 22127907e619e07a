/*
 * imap.c — IMAP is recognised only, as Suricata 8 does (no parser): the
 * server's greeting "* OK" (or "* PREAUTH") on the IMAP port, or a
 * client's tagged CAPABILITY / LOGIN / STARTTLS.  Flows carry app_proto
 * "imap" and rules on the stream match; no transactions.
 *
 * Beyond Suricata, STARTTLS is followed (RFC 3501 6.2.1): a client's
 * "tag STARTTLS" answered by the server's "tag OK" returns
 * APP_PARSE_CHANGE expecting TLS, so the TLS that follows is parsed.
 * Only lines are read (at most IMAP_LINE_MAX bytes held per direction,
 * longer ones skipped); nothing else is kept.
 */
#include "app/app.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMAP_LINE_MAX 256
#define IMAP_TAG_MAX 32

struct imap_state {
	uint8_t line[2][IMAP_LINE_MAX];
	uint32_t n[2];
	bool skip[2]; /* the line being read is too long: dropped */
	uint8_t tag[IMAP_TAG_MAX];
	uint32_t tag_n; /* the tag of a STARTTLS waiting for its answer */
	bool change;
};

static void *imap_state_new(const struct app_flow_info *fi)
{
	(void)fi;
	return calloc(1, sizeof(struct imap_state));
}

static void imap_state_free(void *s)
{
	free(s);
}

static void imap_line(struct imap_state *s, enum app_dir dir, const uint8_t *l, uint32_t n)
{
	uint32_t t = 0;
	while (t < n && l[t] != ' ')
		t++;
	if (t == 0 || t >= n || t > IMAP_TAG_MAX)
		return;
	const uint8_t *rest = l + t + 1;
	uint32_t rn = n - t - 1;
	if (dir == APP_TOSERVER) {
		if (rn >= 8 && strncasecmp((const char *)rest, "STARTTLS", 8) == 0 &&
		    (rn == 8 || rest[8] == '\r')) {
			memcpy(s->tag, l, t);
			s->tag_n = t;
		}
		return;
	}
	if (s->tag_n == 0 || t != s->tag_n || memcmp(l, s->tag, t) != 0)
		return;
	if (rn >= 2 && strncasecmp((const char *)rest, "OK", 2) == 0)
		s->change = true;
	s->tag_n = 0; /* NO / BAD: refused */
}

static enum app_parse_result imap_parse(void *state, enum app_dir dir, const uint8_t *d, uint32_t n,
					uint32_t flags)
{
	struct imap_state *s = state;
	if (flags & APP_CHUNK_GAP) {
		s->n[dir] = 0;
		s->skip[dir] = false;
	}
	while (n > 0 && !s->change) {
		const uint8_t *lf = memchr(d, '\n', n);
		uint32_t take = lf != NULL ? (uint32_t)(lf - d) : n;
		if (!s->skip[dir]) {
			if (s->n[dir] + take > IMAP_LINE_MAX) {
				s->skip[dir] = true;
			} else {
				memcpy(s->line[dir] + s->n[dir], d, take);
				s->n[dir] += take;
			}
		}
		if (lf == NULL)
			break;
		if (!s->skip[dir])
			imap_line(s, dir, s->line[dir], s->n[dir]);
		s->n[dir] = 0;
		s->skip[dir] = false;
		d += take + 1;
		n -= take + 1;
	}
	return s->change ? APP_PARSE_CHANGE : APP_PARSE_OK;
}

static int imap_change_expect(const void *state)
{
	(void)state;
	return APP_PROTO_TLS;
}

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
					   "NOOP",	 "ID",	  NULL};
	return app_probe_words(d + i + 1, n - i - 1, cmds);
}

const struct app_protocol app_imap = {
    .name = "imap",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "143",
    .probe_port = imap_probe_port,
    .state_new = imap_state_new,
    .state_free = imap_state_free,
    .parse = imap_parse,
    .change_expect = imap_change_expect,
};
