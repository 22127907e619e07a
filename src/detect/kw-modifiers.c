/*
 * kw-modifiers.c — the legacy HTTP content modifiers (http_uri,
 * http_header, http_client_body ...) and uricontent.
 *
 * A modifier looks back: it takes the last content of the payload list
 * and moves it, with the modifiers already applied to it, to the end of
 * its buffer's list, as Suricata does.  A distance/within on that content
 * is then relative to the previous match in the new buffer.  A modifier
 * needs a preceding payload content, refuses a content with rawbytes, and
 * refuses to run while a sticky buffer is set (pkt_data resets it).  The
 * buffers themselves are the sticky buffers of kw-app.c; this file only
 * names which one each modifier means.
 */
#include "detect/detect-internal.h"

/* X(keyword, sticky buffer it moves the content to) */
#define LEGACY_MODIFIERS(X)                                                                        \
	X(http_uri, "http.uri")                                                                    \
	X(http_raw_uri, "http.uri.raw")                                                            \
	X(http_method, "http.method")                                                              \
	X(http_header, "http.header")                                                              \
	X(http_raw_header, "http.header.raw")                                                      \
	X(http_cookie, "http.cookie")                                                              \
	X(http_user_agent, "http.user_agent")                                                      \
	X(http_host, "http.host")                                                                  \
	X(http_raw_host, "http.host.raw")                                                          \
	X(http_client_body, "http.request_body")                                                   \
	X(http_server_body, "http.response_body")                                                  \
	X(http_stat_code, "http.stat_code")                                                        \
	X(http_stat_msg, "http.stat_msg")

static int modifier_apply(struct parse_ctx *pc, struct rule *r, const char *kw, const char *buf)
{
	int id = buffer_lookup(buf);
	if (id < 0) {
		pc_unsupported(pc, kw);
		return -1;
	}
	return content_to_buffer(pc, r, id, kw);
}

#define X_SETUP(kw, buf)                                                                           \
	static int kw##_setup(struct parse_ctx *pc, struct rule *r, const char *arg)               \
	{                                                                                          \
		(void)arg;                                                                         \
		return modifier_apply(pc, r, #kw, buf);                                            \
	}
LEGACY_MODIFIERS(X_SETUP)

/* uricontent:"..." is content:"..."; http_uri; in one keyword. */
static int uricontent_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	if (r->cur_buf >= 0) {
		pc_error(pc, "'uricontent' seen with a sticky buffer still set");
		return -1;
	}
	const struct kw_def *content = kw_lookup("content");
	if (content == NULL || content->setup(pc, r, arg) != 0)
		return -1;
	return modifier_apply(pc, r, "uricontent", "http.uri");
}

#define X_KW(kw, buf)                                                                              \
	{#kw,  NULL, "content modifier for " buf, kw##_setup, NULL,                                \
	 NULL, NULL, KW_NOOPT | KW_MODIFIER},
static const struct kw_def defs[] = {
    LEGACY_MODIFIERS(X_KW)
    /* not a modifier: a content of its own, in http.uri */
    {"uricontent", NULL, "content in http.uri (legacy)", uricontent_setup, NULL, NULL, NULL, 0},
};

const struct kw_family kw_family_modifiers = {defs, sizeof(defs) / sizeof(defs[0])};
