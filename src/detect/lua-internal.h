/*
 * lua-internal.h — what kw-lua.c (the `lua` keyword and the `luaxform`
 * transform), lua-sandbox.c (the restricted Lua 5.4 state) and lua-lib.c
 * (the suricata.* modules scripts `require`) share.  Nothing outside
 * these three files includes it.
 *
 * Suricata 8's definition (docs: "Lua Scripting for Detection", "Lua
 * Libraries", the security.lua settings; source: detect-lua.c,
 * util-lua-sandbox.c, util-lua-*.c) is followed: a script runs in a
 * sandbox with the base (a safe subset), table, string, math and utf8
 * libraries, the other functions replaced by one that raises "Blocked Lua
 * function called: NAME"; `require` resolves only the suricata.* modules;
 * memory is bounded by max-bytes and every call into the script by
 * max-instructions (counted by a hook every 100 instructions).  With
 * allow-restricted-functions every standard library is opened.
 */
#ifndef VIGIL_LUA_INTERNAL_H
#define VIGIL_LUA_INTERNAL_H

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "detect/detect-internal.h"

/* A script as loaded at rule load: its text is read once and every
 * worker's state is built from it. */
struct lua_script {
	char *path;  /* as resolved (file name in messages) */
	char *chunk; /* "@path": Lua names errors "path:line:" */
	char *src;
	size_t len;
	uint32_t id; /* index of the workers' states for it (detect_engine.nlua) */
	/* bytevar.map(sig, name) in init(): name -> byte variable of the rule */
	char *bytevar_names[BYTE_VARS_MAX];
	int bytevar_idx[BYTE_VARS_MAX];
	uint32_t nbytevars;
	/* flowint.register(name) in init(): name -> engine flowint id */
	char *flowint_names[16];
	int flowint_ids[16];
	uint32_t nflowints;
	const struct detect_engine *de;
};

/* What the suricata.* functions may look at during one call: set before
 * calling into the script, cleared after. */
struct lua_call_ctx {
	struct lua_script *sc;
	struct det_thread *dt;	/* NULL at rule load */
	const struct packet *p; /* NULL at rule load and in transforms */
	struct rule *r;		/* the rule being parsed (init at load), else NULL */
	struct detect_engine *de;
	uint64_t gen; /* number of this call in the worker: objects of other calls are refused */
};

/* The next call number (per thread). */
uint64_t lua_next_gen(void);

struct lua_sandbox_state;

/* A new state: sandboxed (or with every library when allow_restricted),
 * the suricata.* modules behind `require`.  NULL without memory. */
lua_State *lua_sandbox_new(const struct detect_lua_config *cfg);
void lua_sandbox_close(lua_State *L);
/* Resets the instruction count before a call into the script. */
void lua_sandbox_reset(lua_State *L);
/* The limit that stopped the last call: "instruction limit", "memory
 * limit", "blocked function", or NULL. */
const char *lua_sandbox_limit_hit(lua_State *L);
/* The call context the suricata.* functions see (NULL = none). */
void lua_sandbox_set_ctx(lua_State *L, struct lua_call_ctx *c);
struct lua_call_ctx *lua_sandbox_ctx(lua_State *L);
/* Loads and runs the script's main chunk; 0, or -1 with the message in err. */
int lua_sandbox_run_script(lua_State *L, const struct lua_script *sc, char *err, size_t errlen);
/* Calls the global function `fn` (nargs on the stack, nres results) under the
 * limits; 0, or -1 with Lua's message (file:line: ...) in err. */
int lua_sandbox_pcall(lua_State *L, int nargs, int nres, char *err, size_t errlen);

/* lua-lib.c: the `require`-able modules: name -> opener (pushes the module
 * table).  NULL when there is no such module. */
lua_CFunction lua_lib_module(const char *name);

#endif
