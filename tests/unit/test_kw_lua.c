/*
 * test_kw_lua.c — the `lua` keyword and the `luaxform` transform (Suricata
 * 8's definition: docs "Lua Scripting for Detection", "Lua Libraries",
 * security.lua; source detect-lua.c, util-lua-sandbox.c,
 * detect-transform-luaxform.c): scripts that match and do not, negation,
 * a script with an error (the rule fails, file and line named), the
 * sandbox refusing io / os / load, the instruction and memory limits,
 * allow-restricted-functions, allow-rules, luaxform's return rules,
 * suricata.bytevar after byte_extract, app-layer hooks and ip.src/ip.dst.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "detect/lua-internal.h"
#include "test_detect_helpers.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static struct detect_config lua_cfg(bool restricted, uint64_t max_instr)
{
	struct detect_config c = {.no_cache = true};
	c.lua = (struct detect_lua_config){.allow_rules = true,
					   .allow_restricted = restricted,
					   .max_bytes = 500000,
					   .max_instructions = max_instr,
					   .set = true};
	c.default_rule_path = dir;
	return c;
}

/* Loads `rules` with cfg, the load log in *log (caller frees); runs one
 * TCP packet with `payload`; returns the alert count (-1 when the rule did
 * not load). */
static int run_with(const struct detect_config *cfg, const char *rules, const char *payload,
		    char **log, struct detect_load_stats *st)
{
	char path[] = "/tmp/vigil-lua-rules-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(rules, f);
	fclose(f);
	const char *files[] = {path};
	struct detect_config c = *cfg;
	c.rule_files = files;
	c.rule_file_count = 1;
	size_t loglen = 0;
	char *buf = NULL;
	FILE *lf = open_memstream(&buf, &loglen);
	struct detect_engine *de = detect_engine_new(&c, st, lf);
	fclose(lf);
	unlink(path);
	if (log)
		*log = buf;
	else
		free(buf);
	if (de == NULL || st->loaded == 0) {
		detect_engine_free(de);
		return -1;
	}
	struct packet p;
	th_packet(&p, 6, 1234, 80, payload, (uint32_t)strlen(payload));
	uint32_t sids[4];
	unsigned n = th_run(de, &p, sids, 4);
	detect_engine_free(de);
	return (int)n;
}

static int run(const char *rules, const char *payload)
{
	struct detect_config c = lua_cfg(false, 500000);
	struct detect_load_stats st;
	return run_with(&c, rules, payload, NULL, &st);
}

static const char *const MATCH_GET =
    "local packet = require(\"suricata.packet\")\n"
    "function init(args) return {} end\n"
    "function match(args)\n"
    "  local p = packet.get()\n"
    "  if p:payload():find(\"^GET \") then return 1 end\n"
    "  return 0\n"
    "end\n";

static void test_match_and_no_match(void **state)
{
	(void)state;
	put("get.lua", MATCH_GET);
	const char *rule = "alert tcp any any -> any any (lua:get.lua; sid:1;)\n";
	assert_int_equal(run(rule, "GET / HTTP/1.0\r\n"), 1);
	assert_int_equal(run(rule, "POST / HTTP/1.0\r\n"), 0);
	/* negated: the other way round */
	const char *neg = "alert tcp any any -> any any (lua:!get.lua; sid:1;)\n";
	assert_int_equal(run(neg, "GET / HTTP/1.0\r\n"), 0);
	assert_int_equal(run(neg, "POST / HTTP/1.0\r\n"), 1);
	/* needs.payload: args.payload is the packet payload */
	put("args.lua", "function init(a) return {payload = true} end\n"
			"function match(a) if a.payload == 'xyz' then return 1 end return 0 end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:args.lua; sid:1;)\n", "xyz"), 1);
	assert_int_equal(run("alert tcp any any -> any any (lua:args.lua; sid:1;)\n", "xyzw"), 0);
	/* match returning true / a string other than 1 */
	put("str.lua", "function init(a) return {} end\nfunction match(a) return '1x' end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:str.lua; sid:1;)\n", "a"), 0);
	/* packet:tuple() */
	put("tuple.lua", "local packet = require 'suricata.packet'\n"
			 "function init(a) return {} end\n"
			 "function match(a)\n"
			 "  local v, s, d, pr, sp, dp = packet.get():tuple()\n"
			 "  if v == 4 and s == '192.168.1.1' and d == '10.0.0.1' and pr == 6 and\n"
			 "     sp == 1234 and dp == 80 then return 1 end\n"
			 "  return 0\n"
			 "end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:tuple.lua; sid:1;)\n", "a"), 1);
}

static void test_script_errors(void **state)
{
	(void)state;
	struct detect_config c = lua_cfg(false, 500000);
	struct detect_load_stats st;
	char *log = NULL;
	/* syntax error on line 3: the rule fails, the message names file:line */
	put("bad.lua", "function init(a) return {} end\n"
		       "function match(a)\n"
		       "  return 1 +\n"
		       "end\n");
	assert_int_equal(run_with(&c, "alert tcp any any -> any any (lua:bad.lua; sid:1;)\n",
				  "x", &log, &st),
			 -1);
	assert_int_equal(st.failed, 1);
	assert_non_null(strstr(log, "bad.lua:4:"));
	free(log);
	/* no match function / no such file / unknown module */
	put("nomatch.lua", "function init(a) return {} end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:nomatch.lua; sid:1;)\n", "x"), -1);
	assert_int_equal(run("alert tcp any any -> any any (lua:missing.lua; sid:1;)\n", "x"), -1);
	put("mod.lua", "local x = require('socket')\nfunction init(a) return {} end\n"
		       "function match(a) return 1 end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:mod.lua; sid:1;)\n", "x"), -1);
	/* a run-time error is no match, the other rules still alert */
	put("rt.lua", "function init(a) return {} end\n"
		      "function match(a) local t = nil; return t.x end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:rt.lua; sid:1;)\n"
			     "alert tcp any any -> any any (content:\"x\"; sid:2;)\n",
			     "x"),
			 1);
	/* unknown needs: skipped as unsupported, counted */
	put("needs.lua", "function init(a) return {teleport = true} end\n"
			 "function match(a) return 1 end\n");
	assert_int_equal(run_with(&c, "alert tcp any any -> any any (lua:needs.lua; sid:1;)\n",
				  "x", NULL, &st),
			 -1);
	assert_int_equal(st.skipped, 1);
	/* allow-rules: no */
	c.lua.allow_rules = false;
	put("one.lua", "function init(a) return {} end\nfunction match(a) return 1 end\n");
	assert_int_equal(run_with(&c, "alert tcp any any -> any any (lua:one.lua; sid:1;)\n", "x",
				  NULL, &st),
			 -1);
	assert_int_equal(st.failed, 1);
}

static void test_sandbox_refuses(void **state)
{
	(void)state;
	/* io and os are absent, load / dofile / pcall are blocked */
	put("io.lua", "function init(a) return {} end\n"
		      "function match(a) local f = io.open('/etc/passwd'); return 1 end\n");
	put("os.lua", "function init(a) return {} end\n"
		      "function match(a) os.execute('touch /tmp/vigil-lua-pwned'); return 1 end\n");
	put("load.lua", "function init(a) return {} end\n"
			"function match(a) load('return 1')(); return 1 end\n");
	put("dofile.lua", "function init(a) return {} end\n"
			  "function match(a) dofile('/etc/passwd'); return 1 end\n");
	put("pcall.lua", "function init(a) return {} end\n"
			 "function match(a) pcall(print, 'x'); return 1 end\n");
	const char *names[] = {"io.lua", "os.lua", "load.lua", "dofile.lua", "pcall.lua"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char rule[128];
		snprintf(rule, sizeof(rule), "alert tcp any any -> any any (lua:%s; sid:1;)\n",
			 names[i]);
		assert_int_equal(run(rule, "x"), 0);
	}
	struct stat sb;
	assert_int_not_equal(stat("/tmp/vigil-lua-pwned", &sb), 0);
	/* at load time too: a blocked call in the main chunk fails the rule */
	put("top.lua", "load('x=1')\nfunction init(a) return {} end\nfunction match(a) return 1 end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:top.lua; sid:1;)\n", "x"), -1);
	/* allow-restricted-functions: the standard libraries are there */
	put("hasio.lua", "function init(a) return {} end\n"
			 "function match(a) if io ~= nil and os ~= nil and getmetatable ~= nil "
			 "then return 1 end return 0 end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:hasio.lua; sid:1;)\n", "x"), 0);
	struct detect_config c = lua_cfg(true, 500000);
	struct detect_load_stats st;
	assert_int_equal(
	    run_with(&c, "alert tcp any any -> any any (lua:hasio.lua; sid:1;)\n", "x", NULL, &st), 1);
}

static void test_limits(void **state)
{
	(void)state;
	/* a loop that never ends is stopped by max-instructions: no match, and
	 * the packet's other rules still run */
	put("loop.lua", "function init(a) return {} end\n"
			"function match(a) while true do end return 1 end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:loop.lua; sid:1;)\n"
			     "alert tcp any any -> any any (content:\"x\"; sid:2;)\n",
			     "x"),
			 1);
	/* a loop at load time fails the rule */
	put("toploop.lua", "while true do end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:toploop.lua; sid:1;)\n", "x"), -1);
	/* the sandbox directly: which limit stopped it */
	struct detect_lua_config lc = {.max_bytes = 200000, .max_instructions = 10000, .set = true};
	lua_State *L = lua_sandbox_new(&lc);
	assert_non_null(L);
	struct lua_script sc = {.path = "x.lua", .chunk = "@x.lua", .src = "while true do end",
				.len = 17};
	char err[256];
	assert_int_equal(lua_sandbox_run_script(L, &sc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "instruction limit"));
	assert_string_equal(lua_sandbox_limit_hit(L), "instruction limit");
	assert_non_null(strstr(err, "x.lua:1:"));
	/* a short script runs after the limit was hit (the count is per call) */
	struct lua_script ok = {.path = "y.lua", .chunk = "@y.lua", .src = "x = 1", .len = 5};
	assert_int_equal(lua_sandbox_run_script(L, &ok, err, sizeof(err)), 0);
	/* memory: a string larger than max-bytes */
	struct lua_script big = {.path = "z.lua", .chunk = "@z.lua",
				 .src = "local s = string.rep('x', 1000000)"};
	big.len = strlen(big.src);
	assert_int_equal(lua_sandbox_run_script(L, &big, err, sizeof(err)), -1);
	assert_non_null(lua_sandbox_limit_hit(L));
	assert_string_equal(lua_sandbox_limit_hit(L), "memory limit");
	lua_sandbox_close(L);
	/* max-bytes too small for the libraries: no state, no crash */
	struct detect_lua_config tiny = {.max_bytes = 2000, .max_instructions = 10, .set = true};
	L = lua_sandbox_new(&tiny);
	lua_sandbox_close(L);
}

static void test_luaxform(void **state)
{
	(void)state;
	/* on ip.src (192.168.1.1 as 4 bytes): the script's hex of it */
	put("hex.lua", "function transform(input, args)\n"
		       "  local s = input:gsub('.', function(c) return string.format('%02x', c:byte()) end)\n"
		       "  return s, #s end\n");
	assert_int_equal(run("alert tcp any any -> any any (ip.src; luaxform:hex.lua; "
			     "content:\"c0a80101\"; bsize:8; sid:1;)\n",
			     "x"),
			 1);
	/* arguments after the script name arrive in args[1] ... */
	put("arg.lua", "function transform(input, args)\n"
		       "  local n = tonumber(args[1]); local s = input:sub(1, n) .. args[2]\n"
		       "  return s, #s end\n");
	assert_int_equal(run("alert tcp any any -> any any (ip.src; luaxform:arg.lua, 2, ZZ; "
			     "content:\"|c0 a8|ZZ\"; bsize:4; sid:1;)\n",
			     "x"),
			 1);
	/* a length shorter than the string cuts it */
	put("cut.lua", "function transform(input, args) return 'abcdef', 3 end\n");
	assert_int_equal(run("alert tcp any any -> any any (ip.src; luaxform:cut.lua; "
			     "content:\"abc\"; bsize:3; sid:1;)\n",
			     "x"),
			 1);
	/* nil, a missing length or an error: the buffer as it was */
	put("nil.lua", "function transform(input, args) return nil, 0 end\n");
	put("one.lua", "function transform(input, args) return 'abc' end\n");
	put("err.lua", "function transform(input, args) error('boom') end\n");
	const char *same[] = {"nil.lua", "one.lua", "err.lua"};
	for (size_t i = 0; i < 3; i++) {
		char rule[160];
		snprintf(rule, sizeof(rule),
			 "alert tcp any any -> any any (ip.src; luaxform:%s; content:\"|c0 a8 01 01|\"; "
			 "bsize:4; sid:1;)\n",
			 same[i]);
		assert_int_equal(run(rule, "x"), 1);
		snprintf(rule, sizeof(rule),
			 "alert tcp any any -> any any (ip.src; luaxform:%s; content:\"abc\"; "
			 "sid:1;)\n",
			 same[i]);
		assert_int_equal(run(rule, "x"), 0);
	}
	/* no transform function, or no sticky buffer: the rule fails */
	put("none.lua", "function other() end\n");
	assert_int_equal(
	    run("alert tcp any any -> any any (ip.src; luaxform:none.lua; content:\"a\"; sid:1;)\n",
		"a"),
	    -1);
	assert_int_equal(run("alert tcp any any -> any any (luaxform:hex.lua; content:\"a\"; sid:1;)\n",
			     "a"),
			 -1);
}

static void test_bytevar_and_buffers(void **state)
{
	(void)state;
	put("bv.lua", "local bytevar = require('suricata.bytevar')\n"
		      "function init(sig) bytevar.map(sig, 'v') return {} end\n"
		      "function thread_init() b = bytevar.get('v') end\n"
		      "function match(a) if b:value() == 0x41424344 then return 1 end return 0 end\n");
	assert_int_equal(run("alert tcp any any -> any any (content:\"ABCD\"; byte_extract:4,0,v; "
			     "lua:bv.lua; sid:1;)\n",
			     "ABCDxx"),
			 1);
	assert_int_equal(run("alert tcp any any -> any any (content:\"ABCE\"; byte_extract:4,0,v; "
			     "lua:bv.lua; sid:1;)\n",
			     "ABCExx"),
			 0);
	/* mapping a variable the rule does not have fails the rule */
	put("bv2.lua", "local bytevar = require('suricata.bytevar')\n"
		       "function init(sig) bytevar.map(sig, 'nope') return {} end\n"
		       "function match(a) return 1 end\n");
	assert_int_equal(run("alert tcp any any -> any any (content:\"A\"; byte_extract:1,0,v; "
			     "lua:bv2.lua; sid:1;)\n",
			     "ABCD"),
			 -1);
	/* ip.src / ip.dst: 4 raw bytes for IPv4 */
	assert_int_equal(run("alert tcp any any -> any any (ip.src; content:\"|c0 a8 01 01|\"; "
			     "bsize:4; sid:1;)\n",
			     "x"),
			 1);
	assert_int_equal(
	    run("alert tcp any any -> any any (ip.dst; content:\"|c0 a8 01 01|\"; sid:1;)\n", "x"), 0);
	/* app-layer hooks in the header */
	assert_int_equal(th_parse_result("alert dns:request_complete any any -> any any "
					 "(dns.query; content:\"a\"; sid:1;)"),
			 1);
	assert_int_equal(th_parse_result("alert ssh:response_banner_done any any -> any any "
					 "(sid:1;)"),
			 1);
	assert_int_equal(th_parse_result("alert tls:client_hello_done any any -> any any "
					 "(tls.sni; content:\"a\"; sid:1;)"),
			 1);
	/* tls.sni is a client buffer: not on the server's side */
	assert_int_equal(th_parse_result("alert tls:server_hello any any -> any any "
					 "(tls.sni; content:\"a\"; sid:1;)"),
			 0);
	assert_int_equal(th_parse_result("alert dns:sideways any any -> any any (sid:1;)"), 0);
	assert_int_equal(th_parse_result("alert dns:request_ any any -> any any (sid:1;)"), 0);
	assert_int_equal(th_parse_result("alert tcp:request_started any any -> any any (sid:1;)"), 0);
	/* a response hook with a request buffer: both directions */
	assert_int_equal(th_parse_result("alert dns:response_complete any any -> any any "
					 "(flow:to_server; sid:1;)"),
			 0);
}

/* suricata.flowint: the flow's counters, as the flowint keyword sees them */
static void test_flowint(void **state)
{
	(void)state;
	put("cnt.lua", "local flowint = require('suricata.flowint')\n"
		       "function init(a) flowint.register('cnt') return {} end\n"
		       "function thread_init(a) c = flowint.get('cnt') end\n"
		       "function match(a) if c:incr() == 2 then return 1 end return 0 end\n");
	char path[] = "/tmp/vigil-lua-rules-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("alert tcp any any -> any any (lua:cnt.lua; sid:1;)\n"
	      "alert tcp any any -> any any (flowint:cnt,>,2; sid:2;)\n",
	      f);
	fclose(f);
	const char *files[] = {path};
	struct detect_config c = lua_cfg(false, 500000);
	c.rule_files = files;
	c.rule_file_count = 1;
	struct detect_load_stats st;
	struct detect_engine *de = detect_engine_new(&c, &st, NULL);
	unlink(path);
	assert_non_null(de);
	assert_int_equal(st.loaded, 2);
	struct flow fl;
	memset(&fl, 0, sizeof(fl));
	struct packet p;
	th_packet(&p, 6, 1234, 80, "x", 1);
	p.flow = &fl;
	uint32_t sids[4];
	assert_int_equal(th_run(de, &p, sids, 4), 0); /* cnt 1 */
	assert_int_equal(th_run(de, &p, sids, 4), 1); /* cnt 2: the script */
	assert_int_equal(sids[0], 1);
	unsigned n = th_run(de, &p, sids, 4); /* cnt 3: the keyword sees it (now or next) */
	n += th_run(de, &p, sids, 4);
	assert_true(n >= 1);
	/* without a flow: incr() is nil, no match, no error */
	p.flow = NULL;
	assert_int_equal(th_run(de, &p, sids, 4), 0);
	detect_flow_free(fl.detect);
	detect_engine_free(de);
	/* register outside init fails the call (no match) */
	put("late.lua", "local flowint = require('suricata.flowint')\n"
			"function init(a) return {} end\n"
			"function match(a) flowint.register('x') return 1 end\n");
	assert_int_equal(run("alert tcp any any -> any any (lua:late.lua; sid:1;)\n", "x"), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigil-lua-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_match_and_no_match), cmocka_unit_test(test_script_errors),
	    cmocka_unit_test(test_sandbox_refuses),    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_luaxform),	       cmocka_unit_test(test_bytevar_and_buffers),
	    cmocka_unit_test(test_flowint),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
