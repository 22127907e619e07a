/*
 * kw-goose.c — IEC 61850 GOOSE rule keywords (vigil's own; Suricata has
 * no GOOSE decoder).  GOOSE is not IP: rules that use these take the
 * `pkthdr` protocol ("alert pkthdr any any -> any any (...)"), as
 * Suricata's decoder-event rules do, and see the frame's view
 * (packet.goose, decode/goose.h):
 *
 *   goose.gocbref, goose.datset,   packet sticky buffers: the goosePdu's
 *   goose.goid                     strings (absent: no match)
 *   goose.stnum, goose.sqnum,      integers (Suricata's unsigned syntax:
 *   goose.appid, goose.ttl,        N, !N, <N, >N, N-M ...)
 *   goose.confrev
 *
 * The tracker's anomalies are decoder events: decode-event:goose.stnum_jump.
 * Getters return views into the frame; nothing is copied.
 */
#include <stdlib.h>

#include "detect/detect-internal.h"

/* ------------------------------------------------------------ buffers */

static bool give(const struct packet *p, uint32_t index, const uint8_t *s, uint32_t n, bool present,
		 const uint8_t **d, uint32_t *l)
{
	if (index > 0 || !p->goose.pdu_ok || !present)
		return false;
	*d = s;
	*l = n;
	return true;
}

bool goose_get_gocbref(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	return give(p, index, p->goose.gocbref, p->goose.gocbref_len, true, d, l);
}

bool goose_get_datset(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	return give(p, index, p->goose.datset, p->goose.datset_len, true, d, l);
}

bool goose_get_goid(const struct packet *p, uint32_t index, const uint8_t **d, uint32_t *l)
{
	return give(p, index, p->goose.goid, p->goose.goid_len, p->goose.has_goid, d, l);
}

static int gocbref_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_GOOSE_GOCBREF);
}

static int datset_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_GOOSE_DATSET);
}

static int goid_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return sticky_buffer_select(pc, r, BUF_GOOSE_GOID);
}

/* ------------------------------------------------------------ integers */

#define GOOSE_INT_KW(fn, kwname, max, field)                                                       \
	static int fn##_match(struct det_thread *dt, const struct packet *p, const struct rule *r, \
			      const void *ctx)                                                     \
	{                                                                                          \
		return p->goose.pdu_ok && u64_cmp_match(ctx, p->goose.field);                      \
	}                                                                                          \
	static int fn##_setup(struct parse_ctx *pc, struct rule *r, const char *arg)               \
	{                                                                                          \
		return rule_add_u64_cmp(pc, r, kwname, arg ? arg : "", max);                       \
	}

GOOSE_INT_KW(stnum, "goose.stnum", UINT32_MAX, stnum)
GOOSE_INT_KW(sqnum, "goose.sqnum", UINT32_MAX, sqnum)
GOOSE_INT_KW(ttl, "goose.ttl", UINT32_MAX, ttl)
GOOSE_INT_KW(confrev, "goose.confrev", UINT32_MAX, confrev)

/* APPID is in the header: any GOOSE frame has it. */
static int appid_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	return p->goose.present && u64_cmp_match(ctx, p->goose.appid);
}

static int appid_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	return rule_add_u64_cmp(pc, r, "goose.appid", arg ? arg : "", UINT16_MAX);
}

/* ------------------------------------------------------------ table */

#define INT_DEF(name, fn, desc)                                                                    \
	{                                                                                          \
		name, NULL, desc, fn##_setup, fn##_match, NULL, free, 0                            \
	}

static const struct kw_def defs[] = {
    {"goose.gocbref", NULL, "sticky buffer: GOOSE control block reference", gocbref_setup, NULL,
     NULL, NULL, KW_NOOPT | KW_STICKY},
    {"goose.datset", NULL, "sticky buffer: GOOSE data set reference", datset_setup, NULL, NULL,
     NULL, KW_NOOPT | KW_STICKY},
    {"goose.goid", NULL, "sticky buffer: GOOSE goID", goid_setup, NULL, NULL, NULL,
     KW_NOOPT | KW_STICKY},
    INT_DEF("goose.stnum", stnum, "GOOSE state number"),
    INT_DEF("goose.sqnum", sqnum, "GOOSE sequence number"),
    INT_DEF("goose.ttl", ttl, "GOOSE timeAllowedtoLive (ms)"),
    INT_DEF("goose.confrev", confrev, "GOOSE configuration revision"),
    INT_DEF("goose.appid", appid, "GOOSE APPID"),
};

const struct kw_family kw_family_goose = {defs, sizeof(defs) / sizeof(defs[0])};
