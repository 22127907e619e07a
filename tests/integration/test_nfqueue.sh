# Inline IPS on NFQUEUE: a client namespace and a server namespace joined by
# a veth pair; in the server's namespace iptables sends every packet of the
# link (in and out) to queue Q, where `vigil -q Q` gives the verdicts.
# Small HTTP servers (python3) listen on three ports; curl is the client.
#  - pass traffic (port 8080, /index) gets through;
#  - `drop` on a SYN to 8081 stops that connection (curl times out), and
#    `drop` on http.uri "/secret" stops that request;
#  - `reject` on a SYN to 8082 answers with a RST (curl: refused at once);
#  - the same connections all pass with a ruleset of only `alert` rules;
#  - drop events, "blocked" alerts and the ips.* counters are in EVE;
#  - with vigil stopped, the queue's bypass flag lets traffic through
#    (fail-open), and nfq.mode repeat is refused with a message.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "NFQUEUE test needs root (network namespaces, iptables)"
command -v iptables >/dev/null || skip "iptables not installed"
command -v ip >/dev/null || skip "iproute2 not installed"
command -v curl >/dev/null || skip "curl not installed"
NC=vigil-nfq-c-$$ NS=vigil-nfq-s-$$ IC=vqc$$ IS=vqs$$ Q=$((100 + $$ % 1000))
SRV=10.77.$(($$ % 200)).2 CLI=10.77.$(($$ % 200)).1
cleanup() {
	[ -n "${SERVERS:-}" ] && kill $SERVERS 2>/dev/null
	ip netns del "$NC" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NC" 2>/dev/null || skip "network namespaces not allowed here"
ip netns add "$NS" || skip "network namespaces not allowed here"
ip link add "$IC" type veth peer name "$IS" || skip "veth pairs not allowed here"
ip link set "$IC" netns "$NC"
ip link set "$IS" netns "$NS"
ip -n "$NC" addr add "$CLI/24" dev "$IC"
ip -n "$NS" addr add "$SRV/24" dev "$IS"
for pair in "$NC $IC" "$NS $IS"; do
	set -- $pair
	ip -n "$1" link set "$2" up
	ip -n "$1" link set lo up
done
ip netns exec "$NS" iptables -A INPUT -i "$IS" -j NFQUEUE --queue-num "$Q" --queue-bypass 2>"$TMP/ipt" ||
	skip "iptables NFQUEUE target not available: $(cat "$TMP/ipt")"
ip netns exec "$NS" iptables -A OUTPUT -o "$IS" -j NFQUEUE --queue-num "$Q" --queue-bypass

mkdir -p "$TMP/www"
echo hello >"$TMP/www/index"
echo secret >"$TMP/www/secret"
SERVERS=
for port in 8080 8081 8082; do
	ip netns exec "$NS" python3 -m http.server "$port" --bind "$SRV" --directory "$TMP/www" \
		>/dev/null 2>&1 &
	SERVERS="$SERVERS $!"
done
for _ in $(seq 50); do
	ip netns exec "$NS" python3 -c "
import socket, sys
for p in (8080, 8081, 8082):
    socket.create_connection(('$SRV', p), 1).close()" 2>/dev/null && break
	sleep 0.1
done

cat >"$TMP/ips.rules" <<'EOF'
drop tcp any any -> any 8081 (msg:"ips: SYN to 8081"; flags:S; sid:2000001; rev:1;)
drop http any any -> any any (msg:"ips: /secret"; flow:established,to_server; http.uri; content:"/secret"; sid:2000002; rev:1;)
reject tcp any any -> any 8082 (msg:"ips: reject 8082"; flags:S; sid:2000003; rev:1;)
alert http any any -> any any (msg:"ips: http"; flow:established,to_server; http.uri; content:"/"; sid:2000004; rev:1;)
EOF
sed 's/^drop /alert /; s/^reject /alert /' "$TMP/ips.rules" >"$TMP/ids.rules"
cat >"$TMP/ips.yaml" <<'EOF'
%YAML 1.1
---
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - alert
        - drop:
            alerts: yes
        - http
        - flow
        - stats
nfq:
  mode: accept
  fail-open: yes
  batchcount: 8
EOF

# get URL MAX-SECONDS: curl's exit status (0 ok, 7 refused, 28 timed out)
get() {
	local rc=0
	ip netns exec "$NC" curl -s -o /dev/null --max-time "$2" "$1" || rc=$?
	echo $rc
}

# start OUTDIR ARGS...: vigil on queue $Q, waits until it captures
start() {
	local out=$1
	shift
	rm -rf "$out"
	mkdir -p "$out"
	chmod 777 "$out" # writable after --user
	ip netns exec "$NS" timeout -s KILL 120 "$VIGIL_BIN" -l "$out" -c "$TMP/ips.yaml" -q "$Q" "$@" 2>"$out/err" &
	VPID=$!
	for _ in $(seq 100); do
		grep -q "capturing on" "$out/err" 2>/dev/null && break
		kill -0 $VPID 2>/dev/null || break
		sleep 0.1
	done
	if grep -q "cannot bind the queue\|cannot open a netfilter" "$out/err"; then
		skip "NFQUEUE not usable here: $(head -1 "$out/err")"
	fi
	grep -q "capturing on NFQ#$Q with nfqueue" "$out/err" || { cat "$out/err"; fail "vigil did not start: $*"; }
}
stop() {
	kill -INT $VPID
	local rc=0
	wait $VPID || rc=$?
	[ $rc = 0 ] || { cat "$1/err"; fail "vigil exited $rc"; }
}

# --- IPS ruleset: drops and a reject ---
start "$TMP/ips" -S "$TMP/ips.rules"
[ "$(get "http://$SRV:8080/index" 5)" = 0 ] || { cat "$TMP/ips/err"; fail "pass traffic was blocked"; }
rc=$(get "http://$SRV:8081/index" 3)
[ "$rc" = 28 ] || fail "drop rule on port 8081 did not stop the connection (curl exit $rc)"
rc=$(get "http://$SRV:8080/secret" 3)
[ "$rc" = 28 ] || fail "drop rule on http.uri /secret did not stop the request (curl exit $rc)"
t0=$(date +%s%N)
rc=$(get "http://$SRV:8082/index" 5)
t1=$(date +%s%N)
[ "$rc" = 7 ] || fail "reject rule on 8082 did not refuse the connection (curl exit $rc)"
[ $(((t1 - t0) / 1000000)) -lt 2000 ] || fail "reject took $(((t1 - t0) / 1000000)) ms: no RST sent?"
[ "$(get "http://$SRV:8080/index" 5)" = 0 ] || fail "pass traffic blocked after the drops"
stop "$TMP/ips"
E="$TMP/ips/eve.json"
grep -q "nfqueue on NFQ#$Q" "$TMP/ips/err" || { cat "$TMP/ips/err"; fail "no summary line"; }
grep -q "inline: [0-9]* accepted, [1-9][0-9]* blocked ([1-9][0-9]* rejected)" "$TMP/ips/err" ||
	{ cat "$TMP/ips/err"; fail "summary has no inline verdict counts"; }
for port in 8081 8080 8082; do
	[ "$(count_events "$E" "e['event_type']=='drop' and e['drop']['reason']=='rules' and e['dest_port']==$port")" -ge 1 ] ||
		{ grep '"drop"' "$E" | head -3; fail "no drop event for the packet to port $port"; }
done
for sid in 2000001 2000002 2000003; do
	[ "$(count_events "$E" "e['event_type']=='alert' and e['alert']['signature_id']==$sid and e['alert']['action']=='blocked'")" -ge 1 ] ||
		fail "no blocked alert for sid $sid"
done
[ "$(count_events "$E" "e['event_type']=='alert' and e['alert']['signature_id']==2000004 and e['alert']['action']=='allowed'")" -ge 1 ] ||
	fail "the pass request raised no allowed alert"
python3 - "$E" <<'PY' || fail "ips counters wrong in the last stats event"
import json, sys
st = [json.loads(l) for l in open(sys.argv[1]) if '"stats"' in l]
ips = st[-1]["stats"]["ips"]
assert ips["accepted"] > 0 and ips["blocked"] >= 3 and ips["rejected"] >= 1, ips
PY

# --- the same traffic with alert-only rules all passes ---
start "$TMP/ids" -S "$TMP/ids.rules"
for url in 8081/index 8080/secret 8082/index; do
	rc=$(get "http://$SRV:$url" 5)
	[ "$rc" = 0 ] || { cat "$TMP/ids/err"; fail "alert-only ruleset blocked $url (curl exit $rc)"; }
done
stop "$TMP/ids"
[ "$(count_events "$TMP/ids/eve.json" "e['event_type']=='drop'")" = 0 ] || fail "drop events without drop rules"

# --- --user: verdicts still given as nobody (CAP_NET_ADMIN kept, nothing else) ---
if getent passwd nobody >/dev/null && getent group nogroup >/dev/null; then
	chmod 711 "$TMP" # nobody makes vigil.db in $TMP/user at the end
	start "$TMP/user" -S "$TMP/ips.rules" --user nobody --group nogroup
	grep -q "running as nobody:nogroup, keeping only CAP_NET_ADMIN" "$TMP/user/err" ||
		{ cat "$TMP/user/err"; fail "--user with NFQUEUE not said"; }
	vpid=$(tr -d " " <"/proc/$VPID/task/$VPID/children") # vigil, under timeout
	grep -q "^CapEff:.*0000000000001000" "/proc/$vpid/status" ||
		{ grep Cap "/proc/$vpid/status"; fail "--user: capabilities other than CAP_NET_ADMIN"; }
	[ "$(get "http://$SRV:8080/index" 5)" = 0 ] || fail "--user: pass traffic blocked (verdicts refused?)"
	rc=$(get "http://$SRV:8081/index" 3)
	[ "$rc" = 28 ] || fail "--user: drop rule did not stop the connection (curl exit $rc)"
	stop "$TMP/user"
fi

# --- vigil stopped: --queue-bypass lets everything through ---
rc=$(get "http://$SRV:8081/index" 5)
[ "$rc" = 0 ] || fail "no fail-open with vigil stopped (curl exit $rc)"

# --- nfq.mode repeat is refused, with the key named ---
rc=0
ip netns exec "$NS" "$VIGIL_BIN" -l "$TMP" -q "$Q" --set nfq.mode=repeat 2>"$TMP/repeat.err" || rc=$?
[ $rc = 1 ] && grep -q "nfq.mode: repeat is not supported" "$TMP/repeat.err" ||
	{ cat "$TMP/repeat.err"; fail "nfq.mode repeat not refused (exit $rc)"; }
echo "ok: NFQUEUE inline IPS (drop, reject, pass, fail-open)"
