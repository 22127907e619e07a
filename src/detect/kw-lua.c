/*
 * kw-lua.c — the `lua` keyword and the `luaxform` transform (Suricata 8:
 * docs "Lua Scripting for Detection"; source detect-lua.c,
 * detect-transform-luaxform.c).
 *
 *   lua:[!]<script>;
 *   <sticky buffer>; luaxform:<script>[, arg, arg ...];
 *
 * A relative script name is looked up under default-rule-path when it is
 * set, else next to the rule file, then in the working directory.  The
 * file is read once at rule load; the script then runs once in a
 * throw-away sandbox to check it and call init(args), whose returned
 * "needs" table says what match() gets: needs.packet (args.packet, the
 * whole frame), needs.payload (args.payload, run on the packet payload),
 * or an app-layer buffer name (args[name] and args.offset, run on each
 * instance of that buffer).  Each worker builds its own state per script
 * on first use and calls thread_init(args) when the script has one.
 * match(args) returns 1 for a match; anything else is no match.  A rule
 * whose header names an application protocol (or a hook such as
 * `dns:request_complete`) runs the script once per transaction, which the
 * suricata.<proto>.get_tx() functions return.
 *
 * A script that fails to load, lacks init or match, or whose init fails
 * makes the rule fail to load (file and line in the message, counted with
 * the failed rules).  A call that fails at run time (an error, a blocked
 * function, the instruction or memory limit) is no match; the first
 * failure of each script in each worker is reported with Lua's
 * "file:line:" message and the worker reports how many calls failed when
 * it ends.
 *
 * luaxform calls transform(input, args) with the buffer and the
 * arguments after the script name (args[1] ...); it must return the new
 * buffer and its length.  A nil buffer, a missing length or an error
 * leaves the buffer as it was (Suricata 8's behaviour).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "detect/lua-internal.h"

#define LUA_SCRIPT_MAX (1u << 20)

enum { NEED_PACKET = 1, NEED_PAYLOAD = 2, NEED_BUFFER = 4 };

struct lua_kw {
	struct lua_script sc;
	bool negated;
	unsigned needs;
	char *bufname; /* NEED_BUFFER: the buffer's name (args key) */
	int buf_id;
};

struct lua_xform {
	struct lua_script sc;
	char *args[16];
	int nargs;
};

/* A worker's state for one script. */
struct lua_slot {
	lua_State *L;
	bool failed;	     /* could not be built: no match, reported once */
	uint64_t errors;     /* calls that failed */
	const struct lua_script *sc;
};

struct lua_thread {
	struct lua_slot *slots;
	uint32_t n;
};

void lua_engine_config(struct detect_engine *de, const struct detect_config *cfg)
{
	if (cfg->lua.set) {
		de->lua = cfg->lua;
	} else { /* Suricata 8's defaults */
		de->lua = (struct detect_lua_config){.allow_rules = true,
						     .allow_restricted = false,
						     .max_bytes = 500000,
						     .max_instructions = 500000,
						     .set = true};
	}
	if (cfg->default_rule_path != NULL)
		de->rule_path = strdup(cfg->default_rule_path);
	if (cfg->log_dir != NULL)
		de->log_dir = strdup(cfg->log_dir);
}

/* ------------------------------------------------------------ loading */

static void script_free(struct lua_script *sc)
{
	free(sc->path);
	free(sc->chunk);
	free(sc->src);
	for (uint32_t i = 0; i < sc->nbytevars; i++)
		free(sc->bytevar_names[i]);
	for (uint32_t i = 0; i < sc->nflowints; i++)
		free(sc->flowint_names[i]);
}

static bool readable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Finds and reads the script; 0, or -1 after pc_error(). */
static int script_load(struct parse_ctx *pc, const char *name, struct lua_script *sc)
{
	char path[4096] = "";
	if (name[0] == '/') {
		snprintf(path, sizeof(path), "%s", name);
	} else if (pc->de->rule_path != NULL) {
		snprintf(path, sizeof(path), "%s/%s", pc->de->rule_path, name);
	} else {
		const char *slash = pc->file != NULL ? strrchr(pc->file, '/') : NULL;
		if (slash != NULL)
			snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - pc->file), pc->file,
				 name);
		if (slash == NULL || !readable(path))
			snprintf(path, sizeof(path), "%s", name);
	}
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		pc_error(pc, "lua script '%s': %s", path, strerror(errno));
		return -1;
	}
	char *buf = malloc(LUA_SCRIPT_MAX + 1);
	size_t n = buf != NULL ? fread(buf, 1, LUA_SCRIPT_MAX + 1, f) : 0;
	fclose(f);
	if (buf == NULL || n > LUA_SCRIPT_MAX) {
		pc_error(pc, "lua script '%s': %s", path,
			 buf == NULL ? "out of memory" : "larger than 1 MiB");
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	sc->src = buf;
	sc->len = n;
	sc->path = strdup(path);
	size_t cl = strlen(path) + 2;
	sc->chunk = malloc(cl);
	if (sc->path == NULL || sc->chunk == NULL) {
		pc_error(pc, "out of memory");
		return -1;
	}
	snprintf(sc->chunk, cl, "@%s", path);
	sc->de = pc->de;
	return 0;
}

/* Runs the script in a fresh sandbox with the parse context set; the
 * state is left open for the caller (closed with lua_sandbox_close). */
static lua_State *script_check(struct parse_ctx *pc, struct rule *r, struct lua_script *sc,
			       struct lua_call_ctx *cc)
{
	lua_State *L = lua_sandbox_new(&pc->de->lua);
	if (L == NULL) {
		pc_error(pc, "lua script '%s': cannot create a Lua state (memory, or "
			     "security.lua.max-bytes too small)",
			 sc->path);
		return NULL;
	}
	*cc = (struct lua_call_ctx){.sc = sc, .r = r, .de = pc->de, .gen = lua_next_gen()};
	lua_sandbox_set_ctx(L, cc);
	char err[512];
	if (lua_sandbox_run_script(L, sc, err, sizeof(err)) != 0) {
		pc_error(pc, "lua script '%s' failed to load: %s", sc->path, err);
		lua_sandbox_close(L);
		return NULL;
	}
	return L;
}

/* Truthy needs value: true, "true", "yes", a number other than 0. */
static bool need_on(lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *v = lua_tostring(L, idx);
		return strcmp(v, "false") != 0 && strcmp(v, "no") != 0 && strcmp(v, "0") != 0;
	}
	return lua_toboolean(L, idx);
}

/* The application protocol a needs key asks transactions of. */
static enum app_proto need_proto(const char *k)
{
	if (strcmp(k, "ja3") == 0 || strcmp(k, "ja3s") == 0 || strcmp(k, "tls") == 0)
		return APP_PROTO_TLS;
	return app_proto_by_rule_name(k);
}

static int lua_parse_needs(struct parse_ctx *pc, struct rule *r, lua_State *L, struct lua_kw *k)
{
	if (!lua_istable(L, -1))
		return 0;
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		if (lua_type(L, -2) != LUA_TSTRING || !need_on(L, -1)) {
			lua_pop(L, 1);
			continue;
		}
		const char *key = lua_tostring(L, -2);
		enum app_proto ap;
		if (strcmp(key, "packet") == 0) {
			k->needs |= NEED_PACKET;
		} else if (strcmp(key, "payload") == 0 || strcmp(key, "stream") == 0) {
			k->needs |= NEED_PAYLOAD;
		} else if (strcmp(key, "flowvar") == 0 || strcmp(key, "flowint") == 0 ||
			   strcmp(key, "bytevar") == 0) {
			/* older scripts list variables here; the libraries register them */
		} else if (app_buffer_id(key) >= 0 || buffer_lookup(key) >= 0) {
			int id = app_buffer_id(key) >= 0 ? app_buffer_id(key) : buffer_lookup(key);
			if (k->needs & NEED_BUFFER) {
				lua_pop(L, 2);
				pc_error(pc, "lua script '%s' needs two buffers", k->sc.path);
				return -1;
			}
			k->needs |= NEED_BUFFER;
			k->buf_id = id;
			k->bufname = strdup(key);
		} else if ((ap = need_proto(key)) != APP_PROTO_UNKNOWN) {
			if (rule_require_app(pc, r, ap, AD_BOTH) != 0) {
				lua_pop(L, 2);
				return -1;
			}
		} else {
			char name[96];
			snprintf(name, sizeof(name), "lua needs '%s'", key);
			lua_pop(L, 2);
			pc_unsupported(pc, name);
			return -1;
		}
		lua_pop(L, 1);
	}
	return 0;
}

/* ------------------------------------------------------------ per worker */

static struct lua_slot *slot_get(struct det_thread *dt, const struct lua_script *sc)
{
	struct lua_thread *lt = dt->lua;
	if (lt == NULL) {
		lt = calloc(1, sizeof(*lt));
		if (lt == NULL)
			return NULL;
		dt->lua = lt;
	}
	if (sc->id >= lt->n) {
		uint32_t n = dt->de->nlua > sc->id ? dt->de->nlua : sc->id + 1;
		struct lua_slot *s = realloc(lt->slots, n * sizeof(*s));
		if (s == NULL)
			return NULL;
		memset(s + lt->n, 0, (n - lt->n) * sizeof(*s));
		lt->slots = s;
		lt->n = n;
	}
	struct lua_slot *s = &lt->slots[sc->id];
	if (s->L != NULL || s->failed)
		return s;
	s->sc = sc;
	char err[512];
	struct lua_call_ctx cc = {
	    .sc = (struct lua_script *)sc, .dt = dt, .de = dt->de, .gen = lua_next_gen()};
	s->L = lua_sandbox_new(&dt->de->lua);
	if (s->L == NULL) {
		snprintf(err, sizeof(err), "cannot create a Lua state");
		goto fail;
	}
	lua_sandbox_set_ctx(s->L, &cc);
	if (lua_sandbox_run_script(s->L, sc, err, sizeof(err)) != 0)
		goto fail;
	if (lua_getglobal(s->L, "thread_init") == LUA_TFUNCTION) {
		lua_newtable(s->L);
		if (lua_sandbox_pcall(s->L, 1, 0, err, sizeof(err)) != 0)
			goto fail;
	} else {
		lua_pop(s->L, 1);
	}
	lua_sandbox_set_ctx(s->L, NULL);
	return s;
fail:
	fprintf(stderr, "vigil: lua script '%s': %s; the rule does not match in this worker\n",
		sc->path, err);
	lua_sandbox_close(s->L);
	s->L = NULL;
	s->failed = true;
	return s;
}

static void call_failed(struct lua_slot *s, const char *err)
{
	if (s->errors++ == 0) {
		const char *lim = lua_sandbox_limit_hit(s->L);
		fprintf(stderr, "vigil: lua script '%s': %s%s%s (further errors counted)\n",
			s->sc->path, err, lim ? "; stopped by the " : "", lim ? lim : "");
	}
}

void lua_thread_free(struct det_thread *dt)
{
	struct lua_thread *lt = dt->lua;
	if (lt == NULL)
		return;
	for (uint32_t i = 0; i < lt->n; i++) {
		if (lt->slots[i].errors > 1)
			fprintf(stderr, "vigil: lua script '%s': %llu calls failed\n",
				lt->slots[i].sc->path, (unsigned long long)lt->slots[i].errors);
		lua_sandbox_close(lt->slots[i].L);
	}
	free(lt->slots);
	free(lt);
	dt->lua = NULL;
}

/* ------------------------------------------------------------ lua keyword */

static void push_bytes(lua_State *L, const char *key, const uint8_t *d, uint32_t n)
{
	lua_pushlstring(L, (const char *)d, n);
	lua_setfield(L, -2, key);
}

/* Calls match(); 1 match, 0 not. buf: the inspected buffer (NEED_BUFFER /
 * NEED_PAYLOAD), else NULL. */
static int run_match(struct det_thread *dt, const struct packet *p, const struct lua_kw *k,
		     const struct inspect_buf *buf)
{
	struct lua_slot *s = slot_get(dt, &k->sc);
	if (s == NULL || s->L == NULL)
		return 0;
	lua_State *L = s->L;
	struct lua_call_ctx cc = {.sc = (struct lua_script *)&k->sc,
				  .dt = dt,
				  .p = p,
				  .de = dt->de,
				  .gen = lua_next_gen()};
	lua_sandbox_set_ctx(L, &cc);
	lua_settop(L, 0);
	lua_getglobal(L, "match");
	lua_newtable(L);
	if ((k->needs & NEED_PACKET) && p != NULL && p->data != NULL)
		push_bytes(L, "packet", p->data, p->len);
	if (buf != NULL) {
		push_bytes(L, (k->needs & NEED_BUFFER) ? k->bufname : "payload", buf->data, buf->len);
		lua_pushinteger(L, 1);
		lua_setfield(L, -2, "offset");
	}
	char err[512];
	int ret = 0;
	if (lua_sandbox_pcall(L, 1, 1, err, sizeof(err)) != 0) {
		call_failed(s, err);
	} else {
		if (lua_type(L, -1) == LUA_TNUMBER && lua_tonumber(L, -1) == 1.0)
			ret = 1;
		else if (lua_type(L, -1) == LUA_TBOOLEAN && lua_toboolean(L, -1))
			ret = 1;
		lua_pop(L, 1);
	}
	lua_sandbox_set_ctx(L, NULL);
	lua_settop(L, 0);
	return k->negated ? !ret : ret;
}

static int lua_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	(void)r;
	const struct lua_kw *k = ctx;
	if ((k->needs & NEED_PACKET) && (p->data == NULL || p->len == 0))
		return k->negated;
	return run_match(dt, p, k, NULL);
}

static int lua_inspect(struct det_thread *dt, const void *ctx, const struct inspect_buf *b,
		       uint32_t cursor, uint32_t resume, uint32_t *end, uint32_t *retry)
{
	(void)resume;
	const struct lua_kw *k = ctx;
	*retry = UINT32_MAX;
	*end = cursor;
	if ((k->needs & (NEED_BUFFER | NEED_PAYLOAD)) && b->len == 0)
		return k->negated ? 1 : 0;
	return run_match(dt, dt->p, k, (k->needs & (NEED_BUFFER | NEED_PAYLOAD)) ? b : NULL);
}

static void lua_kw_free(void *ctx)
{
	struct lua_kw *k = ctx;
	if (k == NULL)
		return;
	script_free(&k->sc);
	free(k->bufname);
	free(k);
}

static int lua_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	if (!pc->de->lua.allow_rules) {
		pc_error(pc, "lua rules are disabled (security.lua.allow-rules)");
		return -1;
	}
	struct lua_kw *k = calloc(1, sizeof(*k));
	if (k == NULL)
		return -1;
	k->buf_id = -1;
	const char *name = arg;
	while (*name == ' ')
		name++;
	if (*name == '!') {
		k->negated = true;
		name++;
	}
	if (*name == '\0') {
		pc_error(pc, "lua needs a script name");
		goto fail;
	}
	if (script_load(pc, name, &k->sc) != 0)
		goto fail;
	struct lua_call_ctx cc;
	lua_State *L = script_check(pc, r, &k->sc, &cc);
	if (L == NULL)
		goto fail;
	if (lua_getglobal(L, "match") != LUA_TFUNCTION || lua_getglobal(L, "init") != LUA_TFUNCTION) {
		pc_error(pc, "lua script '%s' lacks an init or a match function", k->sc.path);
		lua_sandbox_close(L);
		goto fail;
	}
	lua_newtable(L);
	char err[512];
	if (lua_sandbox_pcall(L, 1, 1, err, sizeof(err)) != 0) {
		pc_error(pc, "lua script '%s': init failed: %s", k->sc.path, err);
		lua_sandbox_close(L);
		goto fail;
	}
	int rc = lua_parse_needs(pc, r, L, k);
	lua_sandbox_close(L);
	if (rc != 0)
		goto fail;
	k->sc.id = pc->de->nlua++;
	/* Where the script runs: on a buffer it needs; after the payload
	 * keywords when it reads their byte variables (they are extracted
	 * first); else with the packet keywords (once per transaction in an
	 * app-layer rule). */
	const struct kw_def *kw = kw_lookup("lua");
	struct rule_buffer *rb = NULL;
	if (k->needs & NEED_BUFFER) {
		if (buffer_check(pc, r, k->buf_id) != 0)
			goto fail;
		rb = rule_get_buffer(r, k->buf_id, true);
	} else if (k->needs & NEED_PAYLOAD) {
		rb = rule_get_buffer(r, BUF_PKT, true);
	} else if (k->sc.nbytevars > 0) {
		rb = rule_rel_buffer(r, false);
	}
	if (rb != NULL) {
		if (list_add_payload(rb, kw, k) == NULL)
			goto fail;
		r->flags |= RF_NEED_PAYLOAD;
	} else if (rule_add_sm(r, LIST_MATCH, kw, k) == NULL) {
		goto fail;
	}
	return 0;
fail:
	lua_kw_free(k);
	return -1;
}

/* ------------------------------------------------------------ luaxform */

bool lua_xform_apply(struct det_thread *dt, const void *ctx, struct inspect_buf *b, int slot)
{
	const struct lua_xform *x = ctx;
	struct lua_slot *s = slot_get(dt, &x->sc);
	if (s == NULL || s->L == NULL)
		return true; /* unchanged */
	lua_State *L = s->L;
	struct lua_call_ctx cc = {.sc = (struct lua_script *)&x->sc,
				  .dt = dt,
				  .p = dt->p,
				  .de = dt->de,
				  .gen = lua_next_gen()};
	lua_sandbox_set_ctx(L, &cc);
	lua_settop(L, 0);
	if (lua_getglobal(L, "transform") != LUA_TFUNCTION) {
		call_failed(s, "no transform function");
		goto out;
	}
	lua_pushlstring(L, (const char *)b->data, b->len);
	lua_createtable(L, x->nargs, 0);
	for (int i = 0; i < x->nargs; i++) {
		lua_pushstring(L, x->args[i]);
		lua_rawseti(L, -2, i + 1);
	}
	char err[512];
	if (lua_sandbox_pcall(L, 2, 2, err, sizeof(err)) != 0) {
		call_failed(s, err);
		goto out;
	}
	/* (buffer, length): a nil buffer or a missing length leaves it as it was */
	if (lua_type(L, -2) != LUA_TSTRING || !lua_isinteger(L, -1))
		goto out;
	size_t n = 0;
	const char *out = lua_tolstring(L, -2, &n);
	lua_Integer want = lua_tointeger(L, -1);
	if (want < 0 || (size_t)want > n || want > UINT32_MAX)
		goto out;
	uint8_t *copy = transform_scratch(dt, slot, (uint32_t)want);
	if (copy == NULL)
		goto out;
	memcpy(copy, out, (size_t)want);
	b->data = copy;
	b->len = (uint32_t)want;
out:
	lua_sandbox_set_ctx(L, NULL);
	lua_settop(L, 0);
	return true;
}

void lua_xform_free(void *ctx)
{
	struct lua_xform *x = ctx;
	if (x == NULL)
		return;
	script_free(&x->sc);
	for (int i = 0; i < x->nargs; i++)
		free(x->args[i]);
	free(x);
}

static int luaxform_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	if (!pc->de->lua.allow_rules) {
		pc_error(pc, "lua transforms are disabled (security.lua.allow-rules)");
		return -1;
	}
	struct lua_xform *x = calloc(1, sizeof(*x));
	char *copy = strdup(arg);
	if (x == NULL || copy == NULL) {
		free(x);
		free(copy);
		return -1;
	}
	char *f[17];
	int n = str_split(copy, ',', f, 17);
	if (n < 1 || *str_trim(f[0]) == '\0' || n > 17) {
		pc_error(pc, "luaxform needs a script name (and at most 16 arguments)");
		goto fail;
	}
	for (int i = 1; i < n; i++)
		if ((x->args[x->nargs++] = strdup(str_trim(f[i]))) == NULL)
			goto fail;
	if (script_load(pc, str_trim(f[0]), &x->sc) != 0)
		goto fail;
	struct lua_call_ctx cc;
	lua_State *L = script_check(pc, r, &x->sc, &cc);
	if (L == NULL)
		goto fail;
	bool ok = lua_getglobal(L, "transform") == LUA_TFUNCTION;
	lua_sandbox_close(L);
	if (!ok) {
		pc_error(pc, "lua script '%s' lacks a transform function", x->sc.path);
		goto fail;
	}
	x->sc.id = pc->de->nlua++;
	if (transform_add_lua(pc, r, x) != 0)
		goto fail;
	free(copy);
	return 0;
fail:
	free(copy);
	lua_xform_free(x);
	return -1;
}

static const struct kw_def defs[] = {
    {"lua", "luajit", "match with a Lua script (sandboxed: security.lua)", lua_setup, lua_match,
     lua_inspect, lua_kw_free, 0},
    {"luaxform", NULL, "transform: a Lua script's transform(input, args)", luaxform_setup, NULL,
     NULL, NULL, KW_TRANSFORM},
};

const struct kw_family kw_family_lua = {defs, sizeof(defs) / sizeof(defs[0])};
