# Lua rules end to end on the product's sample capture: a script on
# http.uri (needs), a script on DNS transactions (suricata.dns through a
# `dns:request_complete` hook) that agrees with the dns.query rule, a
# luaxform on http.method, the sandbox settings from --set (allow-rules,
# max-instructions: a looping script is stopped, reported with its file
# and line, and the other rules still alert), and, when ../shared is
# there, the Cobalt Strike checksum8 helper on its staging capture.
. "$(dirname "$0")/lib.sh"
make_sample "$TMP/s.pcap"
mkdir "$TMP/rules"
cat >"$TMP/rules/uri.lua" <<'L'
function init(args) return {["http.uri"] = true} end
function match(args)
  if args["http.uri"]:sub(1, 1) == "/" then return 1 end
  return 0
end
L
cat >"$TMP/rules/dns.lua" <<'L'
local dns = require("suricata.dns")
function init(args) return {} end
function match(args)
  local tx, err = dns.get_tx()
  if tx == nil then return 0 end
  local q = tx:queries()
  if q[0] ~= nil and q[0]["rrname"] == tx:rrname() and #tx:rrname() > 0 then return 1 end
  return 0
end
L
cat >"$TMP/rules/lower.lua" <<'L'
function transform(input, args) local s = string.lower(input); return s, #s end
L
cat >"$TMP/rules/loop.lua" <<'L'
function init(args) return {} end
function match(args)
  while true do end
end
L
cat >"$TMP/rules/r.rules" <<'R'
alert http any any -> any any (msg:"lua uri"; flow:to_server; lua:uri.lua; sid:1;)
alert http any any -> any any (msg:"uri"; flow:to_server; http.uri; content:"/"; startswith; sid:2;)
alert dns:request_complete any any -> any any (msg:"lua dns"; lua:dns.lua; sid:3;)
alert dns any any -> any any (msg:"dns query"; flow:to_server; dns.query; content:"."; sid:4;)
alert http any any -> any any (msg:"method"; http.method; luaxform:lower.lua; content:"get"; sid:5;)
alert udp any any -> any any (msg:"loop"; lua:loop.lua; sid:6;)
R
"$VIGIL_BIN" -r "$TMP/s.pcap" -S "$TMP/rules/r.rules" -l "$TMP" --set security.lua.max-instructions=5000 \
	2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
grep -q "6 rules loaded, 0 failed" "$TMP/err" || fail "load: $(cat "$TMP/err")"
grep -q "loop.lua:3: instruction limit exceeded" "$TMP/err" || fail "no limit report: $(cat "$TMP/err")"
python3 - "$TMP/eve.json" <<'PY' || fail "alerts"
import collections, json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
sids = collections.Counter(e["alert"]["signature_id"] for e in ev if e["event_type"] == "alert")
assert sids[2] > 0 and sids[1] == sids[2], sids
assert sids[4] > 0 and sids[3] == sids[4], sids
assert sids[5] > 0, sids
assert sids[6] == 0, sids
PY
# allow-rules: no: the lua rules fail, the others load
"$VIGIL_BIN" -r "$TMP/s.pcap" -S "$TMP/rules/r.rules" -l "$TMP" --set security.lua.allow-rules=no \
	2>"$TMP/err2" || true
grep -q "2 rules loaded, 4 failed" "$TMP/err2" || fail "allow-rules: $(cat "$TMP/err2")"
grep -q "lua rules are disabled" "$TMP/err2" || fail "no reason: $(cat "$TMP/err2")"
# a script with a syntax error names its file and line
printf 'function init(a) return {} end\nfunction match(a)\n  return (1\nend\n' >"$TMP/rules/bad.lua"
echo 'alert ip any any -> any any (lua:bad.lua; sid:9;)' >"$TMP/rules/bad.rules"
"$VIGIL_BIN" -T -S "$TMP/rules/bad.rules" 2>"$TMP/err3" && fail "bad script accepted"
grep -q "bad.lua:4:" "$TMP/err3" || fail "no file:line: $(cat "$TMP/err3")"
# the Cobalt Strike checksum8 helper (needs http.uri) on its staging capture
CS=../shared/data/rules/cobaltstrike
PC=../shared/data/pcaps/threats/cobaltstrike/http_staging.pcapng
if [ -f "$CS/checksum8_check.lua" ] && [ -f "$PC" ]; then
	cp "$CS/checksum8_check.lua" "$TMP/rules/"
	echo 'alert http any any -> any any (msg:"checksum8"; flow:established,to_server; urilen:4<>6; luajit:checksum8_check.lua; sid:30001;)' >"$TMP/rules/cs.rules"
	"$VIGIL_BIN" -r "$PC" -S "$TMP/rules/cs.rules" -l "$TMP" 2>"$TMP/err4" || fail "cs: $(cat "$TMP/err4")"
	n=$(count_events "$TMP/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 30001')
	[ "$n" -ge 1 ] || fail "checksum8 did not fire"
fi
echo "ok"
