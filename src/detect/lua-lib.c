/*
 * lua-lib.c — the suricata.* modules a script may `require` (Suricata 8's
 * "Lua Libraries" docs): suricata.packet, suricata.flow, suricata.log,
 * suricata.config, suricata.bytevar, suricata.flowvar, suricata.flowint,
 * suricata.dns,
 * suricata.ssh, suricata.dnp3 and suricata.ja3.
 *
 * Objects a script gets (a packet, a flow, a transaction) are views of the
 * call that made them: each remembers the call's number and refuses to be
 * used in a later call ("used outside the match call that got it"), so a
 * script keeping one in a global cannot reach freed memory.  Values that
 * vigil does not have are nil ("no data"), never a made-up zero.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/dnp3.h"
#include "app/dns.h"
#include "app/ssh.h"
#include "app/tls.h"
#include "detect/lua-internal.h"

/* A view: the call it belongs to and what it points at. */
struct lua_view {
	uint64_t gen;
	const void *ptr;
	int idx;
};

static struct lua_call_ctx *ctx_of(lua_State *L)
{
	struct lua_call_ctx *c = lua_sandbox_ctx(L);
	if (c == NULL)
		luaL_error(L, "no call in progress");
	return c;
}

static const struct packet *cur_packet(lua_State *L)
{
	struct lua_call_ctx *c = ctx_of(L);
	if (c->p == NULL)
		luaL_error(L, "no packet in this call (rule load or transform)");
	return c->p;
}

static struct lua_view *push_view(lua_State *L, const char *mt, const void *ptr, int idx)
{
	struct lua_view *v = lua_newuserdatauv(L, sizeof(*v), 0);
	v->gen = ctx_of(L)->gen;
	v->ptr = ptr;
	v->idx = idx;
	luaL_setmetatable(L, mt);
	return v;
}

/* The view at index 1, checked against the current call; NULL never. */
static const struct lua_view *get_view(lua_State *L, const char *mt, bool this_call)
{
	const struct lua_view *v = luaL_checkudata(L, 1, mt);
	if (this_call && v->gen != ctx_of(L)->gen)
		luaL_error(L, "%s object used outside the call that got it", mt);
	return v;
}

static void new_class(lua_State *L, const char *mt, const luaL_Reg *methods)
{
	if (luaL_newmetatable(L, mt)) {
		lua_newtable(L);
		luaL_setfuncs(L, methods, 0);
		lua_setfield(L, -2, "__index");
	}
	lua_pop(L, 1);
}

static void push_time_iso(lua_State *L, int64_t sec, uint32_t usec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char b[64], z[8];
	localtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);
	char out[96];
	snprintf(out, sizeof(out), "%s.%06u%s", b, usec, z);
	lua_pushstring(L, out);
}

static void push_time_legacy(lua_State *L, int64_t sec, uint32_t usec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char b[64], out[96];
	localtime_r(&t, &tm);
	strftime(b, sizeof(b), "%m/%d/%Y-%H:%M:%S", &tm);
	snprintf(out, sizeof(out), "%s.%06u", b, usec);
	lua_pushstring(L, out);
}

static void push_ip(lua_State *L, const struct ip_addr *a)
{
	char s[INET6_ADDRSTRLEN] = "";
	inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->bytes, s, sizeof(s));
	lua_pushstring(L, s);
}

/* ------------------------------------------------------------ suricata.packet */

#define PKT_MT "suricata.packet"

static const struct packet *pkt_self(lua_State *L)
{
	get_view(L, PKT_MT, true);
	return cur_packet(L);
}

static int pkt_payload(lua_State *L)
{
	const struct packet *p = pkt_self(L);
	lua_pushlstring(L, (const char *)(p->payload ? p->payload : (const uint8_t *)""),
			p->payload_len);
	return 1;
}

static int pkt_packet(lua_State *L)
{
	const struct packet *p = pkt_self(L);
	lua_pushlstring(L, (const char *)(p->data ? p->data : (const uint8_t *)""), p->len);
	return 1;
}

static int pkt_pcap_cnt(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)pkt_self(L)->pcap_cnt);
	return 1;
}

static int pkt_timestamp(lua_State *L)
{
	const struct packet *p = pkt_self(L);
	lua_pushinteger(L, p->ts_sec);
	lua_pushinteger(L, p->ts_usec);
	return 2;
}

static int pkt_ts_iso(lua_State *L)
{
	const struct packet *p = pkt_self(L);
	push_time_iso(L, p->ts_sec, p->ts_usec);
	return 1;
}

static int pkt_ts_legacy(lua_State *L)
{
	const struct packet *p = pkt_self(L);
	push_time_legacy(L, p->ts_sec, p->ts_usec);
	return 1;
}

/* ipver, src, dst, proto, sp, dp (ICMP: type, code) */
static int pkt_tuple(lua_State *L)
{
	const struct packet *p = pkt_self(L);
	if (p->ip_version == 0)
		return 0;
	lua_pushinteger(L, p->ip_version);
	push_ip(L, &p->src);
	push_ip(L, &p->dst);
	lua_pushinteger(L, p->proto);
	if (p->proto == 6 || p->proto == 17 || p->proto == 132) {
		lua_pushinteger(L, p->sp);
		lua_pushinteger(L, p->dp);
		return 6;
	}
	if (p->proto == 1 || p->proto == 58) {
		lua_pushinteger(L, p->icmp.type);
		lua_pushinteger(L, p->icmp.code);
		return 6;
	}
	return 4;
}

static int packet_get(lua_State *L)
{
	cur_packet(L);
	push_view(L, PKT_MT, NULL, 0);
	return 1;
}

static int open_packet(lua_State *L)
{
	static const luaL_Reg m[] = {{"payload", pkt_payload},
				     {"packet", pkt_packet},
				     {"pcap_cnt", pkt_pcap_cnt},
				     {"timestamp", pkt_timestamp},
				     {"timestring_iso8601", pkt_ts_iso},
				     {"timestring_legacy", pkt_ts_legacy},
				     {"tuple", pkt_tuple},
				     {NULL, NULL}};
	new_class(L, PKT_MT, m);
	static const luaL_Reg f[] = {{"get", packet_get}, {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ suricata.flow */

#define FLOW_MT "suricata.flow"

static const struct flow *flow_self(lua_State *L)
{
	get_view(L, FLOW_MT, true);
	const struct packet *p = cur_packet(L);
	if (p->flow == NULL)
		luaL_error(L, "the packet has no flow");
	return p->flow;
}

static int flow_timestamps(lua_State *L)
{
	const struct flow *f = flow_self(L);
	lua_pushinteger(L, f->start_sec);
	lua_pushinteger(L, f->start_usec);
	lua_pushinteger(L, f->last_sec);
	lua_pushinteger(L, f->last_usec);
	return 4;
}

static int flow_ts_iso(lua_State *L)
{
	const struct flow *f = flow_self(L);
	push_time_iso(L, f->start_sec, f->start_usec);
	return 1;
}

static int flow_ts_legacy(lua_State *L)
{
	const struct flow *f = flow_self(L);
	push_time_legacy(L, f->start_sec, f->start_usec);
	return 1;
}

static int flow_tuple(lua_State *L)
{
	const struct flow *f = flow_self(L);
	lua_pushinteger(L, f->src.family == 6 ? 6 : 4);
	push_ip(L, &f->src);
	push_ip(L, &f->dst);
	lua_pushinteger(L, f->proto);
	lua_pushinteger(L, f->sp);
	lua_pushinteger(L, f->dp);
	return 6;
}

static int flow_app_proto(lua_State *L)
{
	const struct flow *f = flow_self(L);
	const enum app_proto ps[] = {app_flow_proto(f), app_flow_proto_orig(f),
				     app_flow_proto_dir(f, APP_TOSERVER),
				     app_flow_proto_dir(f, APP_TOCLIENT),
				     app_flow_proto_expected(f)};
	for (int i = 0; i < 5; i++) {
		if (ps[i] == APP_PROTO_UNKNOWN)
			lua_pushnil(L);
		else
			lua_pushstring(L, app_proto_name(ps[i]));
	}
	return 5;
}

static int flow_stats(lua_State *L)
{
	const struct flow *f = flow_self(L);
	lua_pushinteger(L, (lua_Integer)f->pkts_toserver);
	lua_pushinteger(L, (lua_Integer)f->bytes_toserver);
	lua_pushinteger(L, (lua_Integer)f->pkts_toclient);
	lua_pushinteger(L, (lua_Integer)f->bytes_toclient);
	return 4;
}

static int flow_id(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)flow_self(L)->flow_id);
	return 1;
}

static int flow_has_alerts(lua_State *L)
{
	lua_pushboolean(L, flow_self(L)->alerted);
	return 1;
}

/* A view owns nothing: collecting it (or a script calling __gc with
 * anything) does nothing. */
static int view_gc(lua_State *L)
{
	(void)L;
	return 0;
}

static int flow_get(lua_State *L)
{
	if (cur_packet(L)->flow == NULL) {
		lua_pushnil(L);
		return 1;
	}
	push_view(L, FLOW_MT, NULL, 0);
	return 1;
}

static int open_flow(lua_State *L)
{
	static const luaL_Reg m[] = {{"timestamps", flow_timestamps},
				     {"timestring_iso8601", flow_ts_iso},
				     {"timestring_legacy", flow_ts_legacy},
				     {"tuple", flow_tuple},
				     {"app_layer_proto", flow_app_proto},
				     {"stats", flow_stats},
				     {"id", flow_id},
				     {"has_alerts", flow_has_alerts},
				     {NULL, NULL}};
	new_class(L, FLOW_MT, m);
	luaL_getmetatable(L, FLOW_MT);
	lua_pushcfunction(L, view_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	static const luaL_Reg f[] = {{"get", flow_get}, {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ suricata.log */

static int log_at(lua_State *L, const char *level, bool shown)
{
	const char *msg = luaL_checkstring(L, 1);
	struct lua_call_ctx *c = lua_sandbox_ctx(L);
	if (shown)
		fprintf(stderr, "vigil: lua %s [%s]: %s\n", level,
			c && c->sc ? c->sc->path : "?", msg);
	return 0;
}
/* Suricata's default log level is notice: info and debug are not shown. */
static int log_debug(lua_State *L) { return log_at(L, "debug", false); }
static int log_info(lua_State *L) { return log_at(L, "info", false); }
static int log_config(lua_State *L) { return log_at(L, "config", false); }
static int log_notice(lua_State *L) { return log_at(L, "notice", true); }
static int log_warning(lua_State *L) { return log_at(L, "warning", true); }
static int log_error(lua_State *L) { return log_at(L, "error", true); }

static int open_log(lua_State *L)
{
	static const luaL_Reg f[] = {{"debug", log_debug},     {"info", log_info},
				     {"config", log_config},   {"notice", log_notice},
				     {"warning", log_warning}, {"error", log_error},
				     {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ suricata.config */

static int config_log_path(lua_State *L)
{
	struct lua_call_ctx *c = ctx_of(L);
	lua_pushstring(L, c->de && c->de->log_dir ? c->de->log_dir : ".");
	return 1;
}

static int open_config(lua_State *L)
{
	static const luaL_Reg f[] = {{"log_path", config_log_path}, {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ suricata.bytevar */

#define BYTEVAR_MT "suricata.bytevar"

/* map(sig, name) in init(): the rule's byte_extract / byte_math variable. */
static int bytevar_map(lua_State *L)
{
	const char *name = luaL_checkstring(L, 2);
	struct lua_call_ctx *c = ctx_of(L);
	if (c->r == NULL)
		return luaL_error(L, "bytevar.map is for init()");
	int idx = rule_byte_var_lookup(c->r, name);
	if (idx < 0)
		return luaL_error(L, "unknown byte_extract/byte_math variable '%s'", name);
	struct lua_script *sc = c->sc;
	if (sc->nbytevars == BYTE_VARS_MAX)
		return luaL_error(L, "too many byte variables");
	char *dup = strdup(name);
	if (dup == NULL)
		return luaL_error(L, "out of memory");
	sc->bytevar_names[sc->nbytevars] = dup;
	sc->bytevar_idx[sc->nbytevars++] = idx;
	return 0;
}

static int bytevar_get(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct lua_call_ctx *c = ctx_of(L);
	for (uint32_t i = 0; i < c->sc->nbytevars; i++)
		if (strcmp(c->sc->bytevar_names[i], name) == 0) {
			struct lua_view *v = lua_newuserdatauv(L, sizeof(*v), 0);
			memset(v, 0, sizeof(*v));
			v->idx = c->sc->bytevar_idx[i];
			luaL_setmetatable(L, BYTEVAR_MT);
			return 1;
		}
	return luaL_error(L, "byte variable '%s' was not mapped in init()", name);
}

static int bytevar_value(lua_State *L)
{
	const struct lua_view *v = get_view(L, BYTEVAR_MT, false);
	struct lua_call_ctx *c = ctx_of(L);
	if (c->dt == NULL || c->p == NULL || v->idx < 0 || v->idx >= BYTE_VARS_MAX) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushinteger(L, (lua_Integer)c->dt->byte_values[v->idx]);
	return 1;
}

static int open_bytevar(lua_State *L)
{
	static const luaL_Reg m[] = {{"value", bytevar_value}, {NULL, NULL}};
	new_class(L, BYTEVAR_MT, m);
	static const luaL_Reg f[] = {{"map", bytevar_map}, {"get", bytevar_get}, {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ suricata.flowvar */

/* vigil keeps no flow variables (pcre captures into flowvars are not
 * implemented): a registered variable reads as nil, "no data". */
#define FLOWVAR_MT "suricata.flowvar"

static int flowvar_register(lua_State *L)
{
	luaL_checkstring(L, 1);
	return 0;
}

static int flowvar_get(lua_State *L)
{
	luaL_checkstring(L, 1);
	struct lua_view *v = lua_newuserdatauv(L, sizeof(*v), 0);
	memset(v, 0, sizeof(*v));
	luaL_setmetatable(L, FLOWVAR_MT);
	return 1;
}

static int flowvar_value(lua_State *L)
{
	get_view(L, FLOWVAR_MT, false);
	lua_pushnil(L);
	return 1;
}

static int flowvar_set(lua_State *L)
{
	get_view(L, FLOWVAR_MT, false);
	return luaL_error(L, "flow variables are not supported by vigil");
}

static int open_flowvar(lua_State *L)
{
	static const luaL_Reg m[] = {{"value", flowvar_value}, {"set", flowvar_set}, {NULL, NULL}};
	new_class(L, FLOWVAR_MT, m);
	static const luaL_Reg f[] = {{"register", flowvar_register}, {"get", flowvar_get},
				     {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ suricata.flowint */

/* The flow's integer variables (the flowint keyword's): register(name) in
 * init(), get(name) after; value() is nil until set. */
#define FLOWINT_MT "suricata.flowint"

static int flowint_register(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct lua_call_ctx *c = ctx_of(L);
	if (c->r == NULL)
		return luaL_error(L, "flowint.register is for init()");
	struct lua_script *sc = c->sc;
	for (uint32_t i = 0; i < sc->nflowints; i++)
		if (strcmp(sc->flowint_names[i], name) == 0)
			return 0;
	if (sc->nflowints == sizeof(sc->flowint_ids) / sizeof(sc->flowint_ids[0]))
		return luaL_error(L, "too many flowints");
	int id = engine_var_id(c->de, VAR_FLOWINT, name);
	char *dup = strdup(name);
	if (id < 0 || dup == NULL) {
		free(dup);
		return luaL_error(L, "out of memory");
	}
	sc->flowint_names[sc->nflowints] = dup;
	sc->flowint_ids[sc->nflowints++] = id;
	return 0;
}

static int flowint_get(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct lua_call_ctx *c = ctx_of(L);
	for (uint32_t i = 0; i < c->sc->nflowints; i++)
		if (strcmp(c->sc->flowint_names[i], name) == 0) {
			struct lua_view *v = lua_newuserdatauv(L, sizeof(*v), 0);
			memset(v, 0, sizeof(*v));
			v->idx = c->sc->flowint_ids[i];
			luaL_setmetatable(L, FLOWINT_MT);
			return 1;
		}
	return luaL_error(L, "flowint '%s' was not registered in init()", name);
}

/* The flow's state and the variable's id; NULL when the call has no flow. */
static struct detect_flow *flowint_flow(lua_State *L, uint32_t *id)
{
	const struct lua_view *v = get_view(L, FLOWINT_MT, false);
	struct lua_call_ctx *c = ctx_of(L);
	*id = (uint32_t)v->idx;
	if (c->dt == NULL || c->p == NULL || c->p->flow == NULL)
		return NULL;
	return detect_flow_get(c->dt, c->p);
}

static int flowint_value(lua_State *L)
{
	uint32_t id;
	struct detect_flow *df = flowint_flow(L, &id);
	if (df == NULL || id >= df->nints || !df->int_set[id])
		lua_pushnil(L);
	else
		lua_pushinteger(L, df->ints[id]);
	return 1;
}

/* set(v) / incr() / decr(): the new value (nil without a flow). */
static int flowint_change(lua_State *L, int how)
{
	uint32_t id;
	lua_Integer nv = how == 0 ? luaL_checkinteger(L, 2) : 0;
	struct detect_flow *df = flowint_flow(L, &id);
	if (df == NULL || detect_flow_ints_reserve(df, id) != 0) {
		lua_pushnil(L);
		return 1;
	}
	uint32_t cur = df->int_set[id] ? df->ints[id] : 0;
	df->ints[id] = how == 0 ? (uint32_t)nv : how > 0 ? cur + 1 : cur - 1;
	df->int_set[id] = 1;
	lua_pushinteger(L, df->ints[id]);
	return 1;
}

static int flowint_set(lua_State *L) { return flowint_change(L, 0); }
static int flowint_incr(lua_State *L) { return flowint_change(L, 1); }
static int flowint_decr(lua_State *L) { return flowint_change(L, -1); }

static int open_flowint(lua_State *L)
{
	static const luaL_Reg m[] = {{"value", flowint_value}, {"set", flowint_set},
				     {"incr", flowint_incr},   {"decr", flowint_decr},
				     {NULL, NULL}};
	new_class(L, FLOWINT_MT, m);
	static const luaL_Reg f[] = {{"register", flowint_register}, {"get", flowint_get},
				     {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ transactions */

/* The transaction of `proto` the current call is about, or NULL. */
static const void *cur_tx(lua_State *L, enum app_proto proto)
{
	struct lua_call_ctx *c = ctx_of(L);
	if (c->p == NULL || c->dt == NULL || c->p->flow == NULL)
		return NULL;
	enum app_proto tp;
	const void *tx;
	uint64_t id;
	for (uint32_t i = 0; det_app_tx(c->dt, c->p, i, &tp, &tx, &id); i++)
		if (tp == proto)
			return tx;
	return NULL;
}

static int push_tx(lua_State *L, enum app_proto proto, const char *mt)
{
	const void *tx = cur_tx(L, proto);
	if (tx == NULL) {
		lua_pushnil(L);
		lua_pushfstring(L, "no %s transaction", app_proto_name(proto));
		return 2;
	}
	push_view(L, mt, tx, 0);
	return 1;
}

/* ------------------------------------------------------------ suricata.dns */

#define DNS_MT "suricata.dns.tx"

static const struct dns_tx *dns_self(lua_State *L)
{
	return get_view(L, DNS_MT, true)->ptr;
}

static void push_name(lua_State *L, const struct dns_name *n)
{
	lua_pushlstring(L, n->buf ? (const char *)n->buf : "", n->len);
}

static int dns_txid(lua_State *L)
{
	lua_pushinteger(L, dns_self(L)->id);
	return 1;
}

static int dns_rrname(lua_State *L)
{
	const struct dns_tx *tx = dns_self(L);
	if (tx->n_queries == 0)
		lua_pushnil(L);
	else
		push_name(L, &tx->queries[0].name);
	return 1;
}

static int dns_rcode(lua_State *L)
{
	const struct dns_tx *tx = dns_self(L);
	if (!tx->response)
		lua_pushnil(L);
	else
		lua_pushinteger(L, tx->rcode);
	return 1;
}

static int dns_rcode_string(lua_State *L)
{
	const struct dns_tx *tx = dns_self(L);
	char b[16];
	if (!tx->response)
		lua_pushnil(L);
	else
		lua_pushstring(L, dns_rcode_name(tx->rcode, b, sizeof(b)));
	return 1;
}

static int dns_recursion_desired(lua_State *L)
{
	lua_pushboolean(L, (dns_self(L)->flags & 0x0100) != 0);
	return 1;
}

static int dns_queries(lua_State *L)
{
	const struct dns_tx *tx = dns_self(L);
	char b[16];
	lua_newtable(L);
	for (uint32_t i = 0; i < tx->n_queries; i++) {
		lua_newtable(L);
		lua_pushstring(L, dns_rrtype_name(tx->queries[i].rrtype, b, sizeof(b)));
		lua_setfield(L, -2, "type");
		push_name(L, &tx->queries[i].name);
		lua_setfield(L, -2, "rrname");
		lua_rawseti(L, -2, (lua_Integer)i); /* Suricata numbers them from 0 */
	}
	return 1;
}

static int dns_section(lua_State *L, enum dns_section sec)
{
	const struct dns_tx *tx = dns_self(L);
	char b[16];
	lua_newtable(L);
	for (uint32_t i = 0; i < tx->n_rrs[sec]; i++) {
		const struct dns_rr *rr = &tx->rrs[sec][i];
		lua_newtable(L);
		lua_pushstring(L, dns_rrtype_name(rr->rrtype, b, sizeof(b)));
		lua_setfield(L, -2, "type");
		lua_pushinteger(L, rr->ttl);
		lua_setfield(L, -2, "ttl");
		push_name(L, &rr->name);
		lua_setfield(L, -2, "rrname");
		if (rr->kind == DNS_RDATA_ADDR && (rr->addr_len == 4 || rr->addr_len == 16)) {
			char s[INET6_ADDRSTRLEN];
			inet_ntop(rr->addr_len == 4 ? AF_INET : AF_INET6, rr->addr, s, sizeof(s));
			lua_pushstring(L, s);
			lua_setfield(L, -2, "addr");
		} else if (rr->kind == DNS_RDATA_NAME) {
			push_name(L, &rr->target);
			lua_setfield(L, -2, "addr");
		}
		lua_rawseti(L, -2, (lua_Integer)i);
	}
	return 1;
}

static int dns_answers(lua_State *L) { return dns_section(L, DNS_SEC_ANSWER); }
static int dns_authorities(lua_State *L) { return dns_section(L, DNS_SEC_AUTHORITY); }
static int dns_additionals(lua_State *L) { return dns_section(L, DNS_SEC_ADDITIONAL); }

static int dns_get_tx(lua_State *L) { return push_tx(L, APP_PROTO_DNS, DNS_MT); }

static int open_dns(lua_State *L)
{
	static const luaL_Reg m[] = {{"txid", dns_txid},
				     {"rrname", dns_rrname},
				     {"rcode", dns_rcode},
				     {"rcode_string", dns_rcode_string},
				     {"recursion_desired", dns_recursion_desired},
				     {"queries", dns_queries},
				     {"answers", dns_answers},
				     {"authorities", dns_authorities},
				     {"additionals", dns_additionals},
				     {NULL, NULL}};
	new_class(L, DNS_MT, m);
	static const luaL_Reg f[] = {{"get_tx", dns_get_tx}, {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ suricata.ssh */

#define SSH_MT "suricata.ssh.tx"

static int ssh_field(lua_State *L, bool software, enum app_dir dir)
{
	const struct ssh_tx *tx = get_view(L, SSH_MT, true)->ptr;
	uint32_t n = 0;
	const uint8_t *d = software ? ssh_tx_software(tx, dir, &n) : ssh_tx_proto(tx, dir, &n);
	if (d == NULL)
		lua_pushnil(L);
	else
		lua_pushlstring(L, (const char *)d, n);
	return 1;
}

static int ssh_server_proto(lua_State *L) { return ssh_field(L, false, APP_TOCLIENT); }
static int ssh_server_software(lua_State *L) { return ssh_field(L, true, APP_TOCLIENT); }
static int ssh_client_proto(lua_State *L) { return ssh_field(L, false, APP_TOSERVER); }
static int ssh_client_software(lua_State *L) { return ssh_field(L, true, APP_TOSERVER); }
static int ssh_get_tx(lua_State *L) { return push_tx(L, APP_PROTO_SSH, SSH_MT); }

static int open_ssh(lua_State *L)
{
	static const luaL_Reg m[] = {{"server_proto", ssh_server_proto},
				     {"server_software", ssh_server_software},
				     {"client_proto", ssh_client_proto},
				     {"client_software", ssh_client_software},
				     {NULL, NULL}};
	new_class(L, SSH_MT, m);
	static const luaL_Reg f[] = {{"get_tx", ssh_get_tx}, {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ suricata.dnp3 */

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, bool v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, k);
}

/* get_tx(): a table, as Suricata's dnp3 library builds it. */
static int dnp3_get_tx(lua_State *L)
{
	const struct dnp3_tx *tx = cur_tx(L, APP_PROTO_DNP3);
	if (tx == NULL) {
		lua_pushnil(L);
		lua_pushliteral(L, "no dnp3 transaction");
		return 2;
	}
	lua_newtable(L);
	set_int(L, "tx_num", (lua_Integer)tx->tx_id);
	set_bool(L, "is_request", tx->is_request);
	lua_newtable(L); /* the message */
	set_bool(L, "done", tx->done);
	set_bool(L, "complete", tx->complete);
	lua_newtable(L);
	set_int(L, "len", tx->link_len);
	set_int(L, "control", tx->link_ctrl);
	set_int(L, "dst", tx->dst);
	set_int(L, "src", tx->src);
	lua_setfield(L, -2, "link_header");
	set_int(L, "transport_header", tx->th);
	lua_newtable(L);
	set_int(L, "control", tx->app_ctrl);
	set_int(L, "function_code", tx->function_code);
	lua_setfield(L, -2, "application_header");
	if (!tx->is_request) {
		lua_newtable(L);
		set_int(L, "iin1", tx->iin >> 8);
		set_int(L, "iin2", tx->iin & 0xff);
		lua_setfield(L, -2, "indicators");
	}
	lua_setfield(L, -2, tx->is_request ? "request" : "response");
	return 1;
}

static int open_dnp3(lua_State *L)
{
	static const luaL_Reg f[] = {{"get_tx", dnp3_get_tx}, {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ suricata.ja3 */

#define JA3_MT "suricata.ja3.tx"

static int ja3_field(lua_State *L, const char *(*get)(const struct tls_state *))
{
	const struct tls_state *s = get_view(L, JA3_MT, true)->ptr;
	const char *v = get(s);
	if (v == NULL || *v == '\0')
		lua_pushnil(L);
	else
		lua_pushstring(L, v);
	return 1;
}

static int ja3_hash(lua_State *L) { return ja3_field(L, tls_ja3_hash); }
static int ja3_string(lua_State *L) { return ja3_field(L, tls_ja3_string); }
static int ja3s_hash(lua_State *L) { return ja3_field(L, tls_ja3s_hash); }
static int ja3s_string(lua_State *L) { return ja3_field(L, tls_ja3s_string); }
static int ja3_get_tx(lua_State *L) { return push_tx(L, APP_PROTO_TLS, JA3_MT); }

/* vigil computes JA3 whenever it parses a ClientHello. */
static int ja3_enable(lua_State *L)
{
	(void)L;
	return 0;
}

static int open_ja3(lua_State *L)
{
	static const luaL_Reg m[] = {{"ja3_get_hash", ja3_hash},
				     {"ja3_get_string", ja3_string},
				     {"ja3s_get_hash", ja3s_hash},
				     {"ja3s_get_string", ja3s_string},
				     {NULL, NULL}};
	new_class(L, JA3_MT, m);
	static const luaL_Reg f[] = {{"get_tx", ja3_get_tx}, {"enable_ja3", ja3_enable}, {NULL, NULL}};
	luaL_newlib(L, f);
	return 1;
}

/* ------------------------------------------------------------ registry */

lua_CFunction lua_lib_module(const char *name)
{
	static const struct {
		const char *name;
		lua_CFunction open;
	} mods[] = {
	    {"suricata.packet", open_packet},	{"suricata.flow", open_flow},
	    {"suricata.log", open_log},		{"suricata.config", open_config},
	    {"suricata.bytevar", open_bytevar}, {"suricata.flowvar", open_flowvar},
	    {"suricata.flowint", open_flowint},
	    {"suricata.dns", open_dns},		{"suricata.ssh", open_ssh},
	    {"suricata.dnp3", open_dnp3},	{"suricata.ja3", open_ja3},
	};
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		if (strcmp(mods[i].name, name) == 0)
			return mods[i].open;
	return NULL;
}
