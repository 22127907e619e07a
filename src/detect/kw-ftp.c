/*
 * kw-ftp.c — the FTP and FTP-data rule buffers and keywords, as Suricata 8
 * defines them (src/detect-ftp-*.c, src/detect-ftpbounce.c,
 * src/detect-ftpdata.c; doc rules/ftp-keywords):
 *   ftp.command (to_server): the command's name ("USER", "RETR");
 *   ftp.command_data (to_server): what follows the command;
 *   ftp.reply (to_client, multi-buffer): each reply line without its code;
 *   ftp.completion_code (to_client, multi-buffer): each line's 3-digit code;
 *   ftp.dynamic_port:<uint>: the port a PORT/EPRT/PASV/EPSV negotiated;
 *   ftp.mode:active|passive: PORT/EPRT are active, PASV/EPSV passive;
 *   ftp.reply_received:yes|no (on/off, true/false): the command's reply
 *     arrived (a transaction is inspected once complete, as Suricata's);
 *   ftpbounce: a PORT command whose address is not the client's own;
 *   ftpdata_command:retr|stor: the command an ftp-data connection serves;
 *   file.data (file_data) on ftp-data: the file's first bytes in the
 *     direction it travels.
 * Values are views into the parser's transactions (app/ftp.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/ftp.h"
#include "detect/detect-internal.h"
#include "flow/flow.h"
#include "stream/stream.h"


enum ftp_field { FF_COMMAND, FF_COMMAND_DATA, FF_REPLY, FF_COMPLETION_CODE, FF_FILE_DATA };

static bool ftp_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *tx,
		    enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	const uint8_t *code, *text;
	uint32_t tl;
	switch ((enum ftp_field)spec->arg) {
	case FF_COMMAND: {
		const char *c = ftp_tx_command(tx);
		if (k > 0 || c == NULL)
			return false;
		*d = (const uint8_t *)c;
		*l = (uint32_t)strlen(c);
		return true;
	}
	case FF_COMMAND_DATA:
		if (k > 0)
			return false;
		*d = ftp_tx_command_data(tx, l);
		return *d != NULL;
	case FF_REPLY:
		if (!ftp_tx_reply(tx, k, &code, &text, &tl))
			return false;
		*d = text;
		*l = tl;
		return true;
	case FF_COMPLETION_CODE:
		/* the k-th line that has a code */
		for (uint32_t i = 0, seen = 0; ftp_tx_reply(tx, i, &code, &text, &tl); i++) {
			if (code == NULL)
				continue;
			if (seen++ == k) {
				*d = code;
				*l = 3;
				return true;
			}
		}
		return false;
	case FF_FILE_DATA:
		if (k > 0)
			return false;
		*d = ftpdata_tx_file_head(tx, dir, l);
		return *d != NULL && *l > 0;
	}
	return false;
}

static const struct app_buffer_spec specs[] = {
    {"ftp.command", NULL, APP_PROTO_FTP, AD_TS, ftp_get, FF_COMMAND},
    {"ftp.command_data", NULL, APP_PROTO_FTP, AD_TS, ftp_get, FF_COMMAND_DATA},
    {"ftp.reply", NULL, APP_PROTO_FTP, AD_TC, ftp_get, FF_REPLY},
    {"ftp.completion_code", NULL, APP_PROTO_FTP, AD_TC, ftp_get, FF_COMPLETION_CODE},
    {"file.data", "file_data", APP_PROTO_FTPDATA, AD_BOTH, ftp_get, FF_FILE_DATA},
};

const struct app_buffer_family app_buffers_ftp = {specs, sizeof(specs) / sizeof(specs[0])};

/* ------------------------------------------------------------ ftp.dynamic_port */

static bool dynport_test(const void *tx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	uint16_t p = ftp_tx_dynamic_port(tx);
	return p != 0 && u64_cmp_match(ctx, p);
}

static int dynport_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_FTP, dynport_test, ctx);
}

static int dynport_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	if (rule_add_u64_cmp(pc, r, "ftp.dynamic_port", arg, UINT16_MAX) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_FTP, AD_BOTH);
}

/* ------------------------------------------------------------ ftp.mode, reply_received */

/* ctx of ftp.mode and ftp.reply_received: an int (1 / 0). */
static bool mode_test(const void *tx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	int m = ftp_tx_mode(tx);
	return m >= 0 && m == *(const int *)ctx;
}

static int mode_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		      const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_FTP, mode_test, ctx);
}

static int add_int(struct parse_ctx *pc, struct rule *r, const char *kw, int v)
{
	int *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	*c = v;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), c) == NULL) {
		free(c);
		return -1;
	}
	(void)pc;
	return 0;
}

static int mode_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", arg ? arg : "");
	char *t = str_trim(buf);
	int v;
	if (strcasecmp(t, "active") == 0)
		v = 1;
	else if (strcasecmp(t, "passive") == 0)
		v = 0;
	else {
		pc_error(pc, "invalid ftp.mode '%s': active or passive", t);
		return -1;
	}
	if (add_int(pc, r, "ftp.mode", v) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_FTP, AD_BOTH);
}

static bool received_test(const void *tx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	return ftp_tx_command(tx) != NULL && ftp_tx_reply_received(tx) == (*(const int *)ctx != 0);
}

static int received_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			  const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_FTP, received_test, ctx);
}

static int received_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", arg ? arg : "");
	char *t = str_trim(buf);
	int v;
	if (strcasecmp(t, "yes") == 0 || strcasecmp(t, "on") == 0 || strcasecmp(t, "true") == 0)
		v = 1;
	else if (strcasecmp(t, "no") == 0 || strcasecmp(t, "off") == 0 ||
		 strcasecmp(t, "false") == 0)
		v = 0;
	else {
		pc_error(pc, "invalid ftp.reply_received '%s': yes or no", t);
		return -1;
	}
	if (add_int(pc, r, "ftp.reply_received", v) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_FTP, AD_BOTH);
}

/* ------------------------------------------------------------ ftpbounce */

/* A PORT whose address is not the client's (the flow's TCP client). */
static int bounce_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			const void *ctx)
{
	(void)r;
	(void)ctx;
	const struct flow *f = p->flow;
	if (f == NULL)
		return 0;
	const struct ip_addr *client = stream_flow_reversed(f) ? &f->dst : &f->src;
	enum app_proto proto;
	const void *tx;
	uint64_t id;
	for (uint32_t t = 0; det_app_tx(dt, p, t, &proto, &tx, &id); t++) {
		if (proto != APP_PROTO_FTP)
			return 0;
		uint8_t a[4];
		if (!ftp_tx_port_addr(tx, a))
			continue;
		if (client->family != 4 || memcmp(client->bytes, a, 4) != 0) {
			dt->tx_id = id;
			return 1;
		}
	}
	return 0;
}

static int bounce_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	(void)arg;
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("ftpbounce"), NULL) == NULL)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_FTP, AD_TS);
}

/* ------------------------------------------------------------ ftpdata_command */

static bool datacmd_test(const void *tx, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const char *c = ftpdata_tx_command(tx);
	return c != NULL && strcmp(c, ctx) == 0;
}

static int datacmd_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_FTPDATA, datacmd_test, ctx);
}

static int datacmd_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", arg ? arg : "");
	char *t = str_trim(buf);
	const char *v = strcasecmp(t, "retr") == 0   ? "RETR"
			: strcasecmp(t, "stor") == 0 ? "STOR"
						     : NULL;
	if (v == NULL) {
		pc_error(pc, "invalid ftpdata_command '%s': retr or stor", t);
		return -1;
	}
	/* the match context is one of the two constant strings: nothing to free */
	if (rule_add_sm(r, LIST_MATCH, kw_lookup("ftpdata_command"), (void *)v) == NULL)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_FTPDATA, AD_BOTH);
}

static void no_free(void *p)
{
	(void)p;
}

static const struct kw_def defs[] = {
    {"ftp.dynamic_port", NULL, "port negotiated by PORT/EPRT/PASV/EPSV", dynport_setup,
     dynport_match, NULL, free, 0},
    {"ftp.mode", NULL, "active (PORT/EPRT) or passive (PASV/EPSV)", mode_setup, mode_match,
     NULL, free, 0},
    {"ftp.reply_received", NULL, "the command's reply arrived", received_setup,
     received_match, NULL, free, 0},
    {"ftpbounce", NULL, "PORT to an address other than the client's", bounce_setup,
     bounce_match, NULL, NULL, KW_NOOPT},
    {"ftpdata_command", NULL, "the command of an ftp-data connection", datacmd_setup,
     datacmd_match, NULL, no_free, 0},
};

const struct kw_family kw_family_ftp = {defs, sizeof(defs) / sizeof(defs[0])};
