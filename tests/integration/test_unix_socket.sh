# The command socket (unix-command, --unix-socket) in Suricata's JSON
# protocol, driven by a client framed as suricatasc (unixsc.py; Debian's
# suricatasc comes only with the suricata daemon package): vigil captures
# on the loopback of a fresh network namespace while UDP datagrams pass; version,
# uptime, running-mode, capture-mode, iface-list, iface-stat (and an
# unknown interface), ruleset-stats, reload-rules (a good ruleset, then a
# broken one that is refused and keeps the old), dump-counters, an
# unknown command, a second sensor on the same socket refused, and
# shutdown (exit 0, socket removed).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "unix socket test needs root (a network namespace to capture in)"
command -v ip >/dev/null || skip "iproute2 not installed"
NS=vigil-usock-$$
cleanup() {
	[ -n "${VPID:-}" ] && kill -9 "$VPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NS" 2>/dev/null || skip "network namespaces not allowed here"
ip -n "$NS" link set lo up
SC="python3 $(dirname "$0")/unixsc.py"
SOCK=$TMP/vigil.socket
echo 'alert udp any any -> any 9999 (msg:"usock: udp 9999"; sid:3200001; rev:1;)' >"$TMP/r.rules"
# send PORT N: N UDP datagrams on the namespace's loopback
send() {
	ip netns exec "$NS" python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range($2):
    s.sendto(b'vigil', ('127.0.0.1', $1))
    time.sleep(0.05)"
}

ip netns exec "$NS" "$VIGIL_BIN" -i lo -l "$TMP" -S "$TMP/r.rules" --threads 1 \
	--unix-socket="$SOCK" 2>"$TMP/err" &
VPID=$!
for _ in $(seq 100); do
	grep -q "capturing on" "$TMP/err" 2>/dev/null && break
	sleep 0.1
done
grep -q "unix socket $SOCK" "$TMP/err" || { cat "$TMP/err"; fail "no unix socket announced"; }
send 9999 10

q() { $SC "$SOCK" "$@"; }
json() { python3 -c "import json,sys; a=json.loads(sys.stdin.read()); print($1)"; }
q version | json 'a["message"]' | grep -q "^vigil .*Suricata 8" || fail "version"
[ "$(q uptime | json 'type(a["message"]).__name__')" = int ] || fail "uptime is not a number"
[ "$(q running-mode | json 'a["message"]')" = workers ] || fail "running-mode"
[ "$(q capture-mode | json 'a["message"]')" = AF_PACKET_DEV ] || fail "capture-mode"
[ "$(q iface-list | json 'a["message"]')" = "{'count': 1, 'ifaces': ['lo']}" ] || fail "iface-list"
sleep 0.3
pk=$(q iface-stat iface=lo | json 'a["message"]["pkts"]')
[ "$pk" -ge 10 ] || fail "iface-stat lo: $pk packets, want >= 10"
rc=0
q iface-stat iface=eth9 >"$TMP/nok" || rc=$?
[ $rc = 1 ] && grep -q "Interface not found" "$TMP/nok" || fail "iface-stat of an unknown interface"
[ "$(q ruleset-stats | json 'a["message"][0]["rules_loaded"]')" = 1 ] || fail "ruleset-stats"
[ "$(q dump-counters | json 'a["message"]["decoder"]["pkts"] >= 10 and "uptime" in a["message"]')" = True ] ||
	fail "dump-counters"

# reload-rules: a second rule, then a broken file that is refused
echo 'alert udp any any -> any 9998 (msg:"usock: udp 9998"; sid:3200002; rev:1;)' >>"$TMP/r.rules"
[ "$(q reload-rules | json 'a["message"]')" = done ] || fail "reload-rules"
[ "$(q ruleset-stats | json 'a["message"][0]["rules_loaded"]')" = 2 ] || fail "ruleset-stats after reload"
send 9998 3
echo 'this is not a rule' >"$TMP/r.rules"
rc=0
q reload-rules >"$TMP/bad" || rc=$?
[ $rc = 1 ] && grep -q "rules running are kept" "$TMP/bad" || { cat "$TMP/bad"; fail "a broken ruleset was not refused"; }
[ "$(q ruleset-stats | json 'a["message"][0]["rules_loaded"]')" = 2 ] || fail "the old rules were not kept"

rc=0
q no-such-command >"$TMP/unk" || rc=$?
[ $rc = 1 ] && grep -q "Unknown command" "$TMP/unk" || fail "unknown command"

# the socket is taken: a second sensor says so and stops
rc=0
ip netns exec "$NS" "$VIGIL_BIN" -i lo -l "$TMP" --unix-socket="$SOCK" 2>"$TMP/err2" || rc=$?
[ $rc = 1 ] && grep -q "another process is listening" "$TMP/err2" || { cat "$TMP/err2"; fail "second sensor on a live socket"; }

q shutdown | json 'a["message"]' | grep -q "Closing" || fail "shutdown"
rc=0
wait $VPID || rc=$?
VPID=
[ $rc = 0 ] || { cat "$TMP/err"; fail "vigil exited $rc after shutdown"; }
[ ! -e "$SOCK" ] || fail "socket file left behind"
[ "$(count_events "$TMP/eve.json" "e['event_type']=='alert' and e['alert']['signature_id']==3200002")" -ge 1 ] ||
	fail "the reloaded rule never fired"
echo ok
