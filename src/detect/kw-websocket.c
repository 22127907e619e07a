/*
 * kw-websocket.c — WebSocket rule keywords, as Suricata 8 documents them
 * (rules/websocket-keywords): the websocket.payload buffer (the unmasked
 * payload of a frame, a message's whole on its final frame),
 * websocket.flags (8-bit integer syntax on the upper four bits, or a
 * comma-separated list of fin / comp, each maybe negated with !),
 * websocket.mask (32-bit integer syntax; a frame without mask does not
 * match), websocket.opcode (8-bit integer syntax or an opcode name).
 * Checked on the frames of the packet's direction.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app/websocket.h"
#include "detect/detect-internal.h"

enum { K_FLAGS, K_MASK, K_OPCODE };

struct ws_kw {
	int kind;
	bool names; /* flags given by name: (flags & mask) == want */
	uint8_t mask, want;
	struct u64_cmp c;
};

static bool ws_test(const void *vtx, enum app_dir dir, const void *ctx)
{
	const struct ws_tx *tx = vtx;
	const struct ws_kw *k = ctx;
	if (tx->dir != dir)
		return false;
	switch (k->kind) {
	case K_FLAGS:
		return k->names ? (tx->flags & k->mask) == k->want : u64_cmp_match(&k->c, tx->flags);
	case K_MASK: return tx->masked && u64_cmp_match(&k->c, tx->mask);
	case K_OPCODE: return u64_cmp_match(&k->c, tx->opcode);
	}
	return false;
}

static int ws_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		    const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_WEBSOCKET, ws_test, ctx);
}

static int parse_flag_names(const char *arg, struct ws_kw *k)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		t = str_trim(t);
		bool neg = *t == '!';
		if (neg)
			t = str_trim(t + 1);
		uint8_t bit;
		if (strcasecmp(t, "fin") == 0)
			bit = WS_FLAG_FIN;
		else if (strcasecmp(t, "comp") == 0)
			bit = WS_FLAG_COMP;
		else
			return -1;
		k->mask |= bit;
		if (!neg)
			k->want |= bit;
	}
	k->names = k->mask != 0;
	return k->names ? 0 : -1;
}

static int ws_setup(struct parse_ctx *pc, struct rule *r, const char *kw, int kind,
		    const char *arg)
{
	struct ws_kw *k = calloc(1, sizeof(*k));
	if (k == NULL)
		return -1;
	k->kind = kind;
	int rc = -1;
	if (arg != NULL) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", arg);
		char *t = str_trim(buf);
		char *nm = *t == '!' ? str_trim(t + 1) : t;
		if (kind == K_FLAGS && isalpha((unsigned char)*nm)) {
			rc = parse_flag_names(t, k);
		} else if (kind == K_OPCODE && isalpha((unsigned char)*nm)) {
			int v = ws_opcode_by_name(nm);
			if (v >= 0) {
				k->c.mode = *t == '!' ? U_NE : U_EQ;
				k->c.a = (uint64_t)v;
				rc = 0;
			}
		} else {
			rc = u64_cmp_parse(t, kind == K_MASK ? UINT32_MAX : UINT8_MAX, &k->c);
		}
	}
	if (rc != 0) {
		pc_error(pc, "invalid %s '%s'", kw, arg ? arg : "");
		free(k);
		return -1;
	}
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), k) == NULL) {
		free(k);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_WEBSOCKET, AD_BOTH);
}

static int flags_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return ws_setup(pc, r, "websocket.flags", K_FLAGS, arg);
}
static int mask_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return ws_setup(pc, r, "websocket.mask", K_MASK, arg);
}
static int opcode_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return ws_setup(pc, r, "websocket.opcode", K_OPCODE, arg);
}

static const struct kw_def defs[] = {
    {"websocket.flags", NULL, "WebSocket frame flags (fin, comp)", flags_setup, ws_match, NULL,
     free, 0},
    {"websocket.mask", NULL, "WebSocket masking key", mask_setup, ws_match, NULL, free, 0},
    {"websocket.opcode", NULL, "WebSocket opcode", opcode_setup, ws_match, NULL, free, 0},
};

const struct kw_family kw_family_websocket = {defs, sizeof(defs) / sizeof(defs[0])};

static bool ws_payload(const struct app_buffer_spec *spec, struct det_thread *dt, const void *vtx,
		       enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)spec;
	(void)dt;
	const struct ws_tx *tx = vtx;
	if (k > 0 || tx->dir != dir || tx->payload_len == 0)
		return false;
	*d = tx->payload;
	*l = tx->payload_len;
	return true;
}

static const struct app_buffer_spec specs[] = {
    {"websocket.payload", NULL, APP_PROTO_WEBSOCKET, AD_BOTH, ws_payload, 0},
};

const struct app_buffer_family app_buffers_websocket = {specs, sizeof(specs) / sizeof(specs[0])};
