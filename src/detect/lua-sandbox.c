/*
 * lua-sandbox.c — a Lua 5.4 state for rule scripts, restricted as
 * Suricata 8 restricts its own (see lua-internal.h): an allocator that
 * refuses to go past max-bytes, a count hook that stops a call after
 * max-instructions, the base library reduced to its harmless functions
 * (no load, dofile, loadfile, pcall, setmetatable, getmetatable,
 * collectgarbage ...), no io, os, package or debug, and a `require` that
 * only knows the suricata.* modules.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/lua-internal.h"

#define HOOK_EVERY 100

struct lua_sandbox_state {
	uint64_t max_bytes, bytes;
	uint64_t max_instr, instr;
	bool limit_on;	/* max_bytes applies (not while the libraries open) */
	bool mem_hit, instr_hit, blocked_hit;
	bool restricted_ok;
	struct lua_call_ctx *ctx;
};

uint64_t lua_next_gen(void)
{
	static _Thread_local uint64_t gen;
	return ++gen;
}

static struct lua_sandbox_state *sb_of(lua_State *L)
{
	void *ud = NULL;
	lua_getallocf(L, &ud);
	return ud;
}

static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lua_sandbox_state *sb = ud;
	size_t old = ptr != NULL ? osize : 0;
	if (nsize == 0) {
		free(ptr);
		sb->bytes -= old <= sb->bytes ? old : sb->bytes;
		return NULL;
	}
	if (sb->limit_on && sb->max_bytes > 0 && nsize > old &&
	    sb->bytes + (nsize - old) > sb->max_bytes) {
		sb->mem_hit = true;
		return NULL;
	}
	void *n = realloc(ptr, nsize);
	if (n != NULL)
		sb->bytes = sb->bytes - old + nsize;
	return n;
}

static void sb_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	struct lua_sandbox_state *sb = sb_of(L);
	sb->instr += HOOK_EVERY;
	if (sb->max_instr > 0 && sb->instr > sb->max_instr) {
		sb->instr_hit = true;
		/* where the script was when it was stopped (level 0: the
		 * running function; luaL_error would name its caller) */
		lua_Debug d;
		if (lua_getstack(L, 0, &d) && lua_getinfo(L, "Sl", &d) && d.currentline > 0)
			luaL_error(L, "%s:%d: instruction limit exceeded", d.short_src, d.currentline);
		luaL_error(L, "instruction limit exceeded");
	}
}

static int blocked_fn(lua_State *L)
{
	sb_of(L)->blocked_hit = true;
	return luaL_error(L, "Blocked Lua function called: %s",
			  lua_tostring(L, lua_upvalueindex(1)));
}

/* The base library functions a sandboxed script keeps. */
static bool base_allowed(const char *name)
{
	static const char *const ok[] = {"assert", "error",  "ipairs",	 "next",     "pairs",
					 "print",  "rawequal", "rawget", "rawlen",   "rawset",
					 "select", "tonumber", "tostring", "type",   "warn"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(ok[i], name) == 0)
			return true;
	return false;
}

/* require(name): a suricata.* module (opened once per state), or with the
 * restricted functions allowed, the standard package searchers. */
static int sb_require(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, "vigil.loaded");
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	lua_CFunction open = lua_lib_module(name);
	if (open != NULL) {
		lua_pushcfunction(L, open);
		lua_call(L, 0, 1);
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, name);
		return 1;
	}
	if (!lua_isnil(L, lua_upvalueindex(1))) {
		lua_pushvalue(L, lua_upvalueindex(1));
		lua_pushvalue(L, 1);
		lua_call(L, 1, 1);
		return 1;
	}
	return luaL_error(L, "module '%s' not found (the sandbox offers only the suricata.* "
			     "modules; see security.lua.allow-restricted-functions)",
			  name);
}

/* Runs protected: opening libraries can raise (memory). */
static int sb_open(lua_State *L)
{
	struct lua_sandbox_state *sb = sb_of(L);
	if (sb->restricted_ok) {
		luaL_openlibs(L);
	} else {
		static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},
						{LUA_TABLIBNAME, luaopen_table},
						{LUA_STRLIBNAME, luaopen_string},
						{LUA_MATHLIBNAME, luaopen_math},
						{LUA_UTF8LIBNAME, luaopen_utf8}};
		for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
			luaL_requiref(L, libs[i].name, libs[i].func, 1);
			lua_pop(L, 1);
		}
		/* base: replace every function not on the list */
		lua_pushglobaltable(L);
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_type(L, -1) == LUA_TFUNCTION && lua_type(L, -2) == LUA_TSTRING &&
			    !base_allowed(lua_tostring(L, -2))) {
				lua_pushvalue(L, -2);
				lua_pushvalue(L, -1);
				lua_pushcclosure(L, blocked_fn, 1);
				lua_settable(L, -5); /* replacing an existing key is safe in next() */
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "vigil.loaded");
	if (sb->restricted_ok)
		lua_getglobal(L, "require");
	else
		lua_pushnil(L);
	lua_pushcclosure(L, sb_require, 1);
	lua_setglobal(L, "require");
	return 0;
}

lua_State *lua_sandbox_new(const struct detect_lua_config *cfg)
{
	struct lua_sandbox_state *sb = calloc(1, sizeof(*sb));
	if (sb == NULL)
		return NULL;
	sb->max_bytes = cfg->max_bytes;
	sb->max_instr = cfg->max_instructions;
	sb->restricted_ok = cfg->allow_restricted;
	lua_State *L = lua_newstate(sb_alloc, sb);
	if (L == NULL) {
		free(sb);
		return NULL;
	}
	lua_pushcfunction(L, sb_open);
	if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
		lua_close(L);
		free(sb);
		return NULL;
	}
	sb->limit_on = true;
	lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
	return L;
}

void lua_sandbox_close(lua_State *L)
{
	if (L == NULL)
		return;
	struct lua_sandbox_state *sb = sb_of(L);
	lua_close(L);
	free(sb);
}

void lua_sandbox_reset(lua_State *L)
{
	struct lua_sandbox_state *sb = sb_of(L);
	sb->instr = 0;
	sb->mem_hit = sb->instr_hit = sb->blocked_hit = false;
}

const char *lua_sandbox_limit_hit(lua_State *L)
{
	struct lua_sandbox_state *sb = sb_of(L);
	if (sb->instr_hit)
		return "instruction limit";
	if (sb->mem_hit)
		return "memory limit";
	if (sb->blocked_hit)
		return "blocked function";
	return NULL;
}

void lua_sandbox_set_ctx(lua_State *L, struct lua_call_ctx *c)
{
	sb_of(L)->ctx = c;
}

struct lua_call_ctx *lua_sandbox_ctx(lua_State *L)
{
	return sb_of(L)->ctx;
}

static void take_error(lua_State *L, char *err, size_t errlen)
{
	const char *m = lua_tostring(L, -1);
	snprintf(err, errlen, "%s", m != NULL ? m : "error object is not a string");
	lua_pop(L, 1);
}

int lua_sandbox_pcall(lua_State *L, int nargs, int nres, char *err, size_t errlen)
{
	lua_sandbox_reset(L);
	if (lua_pcall(L, nargs, nres, 0) != LUA_OK) {
		take_error(L, err, errlen);
		return -1;
	}
	return 0;
}

int lua_sandbox_run_script(lua_State *L, const struct lua_script *sc, char *err, size_t errlen)
{
	lua_sandbox_reset(L);
	/* text only: a precompiled chunk could break the VM's invariants */
	if (luaL_loadbufferx(L, sc->src, sc->len, sc->chunk, "t") != LUA_OK) {
		take_error(L, err, errlen);
		return -1;
	}
	return lua_sandbox_pcall(L, 0, 0, err, errlen);
}
