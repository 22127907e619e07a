# AF_PACKET copy-mode IPS between two interfaces, as Suricata's af-packet
# `copy-mode: ips` / `copy-iface`: client and server namespaces each joined
# by a veth pair to a middle namespace, where vigil reads both middle ends
# (`-i A -i B`, each with its own workers) and sends what it accepts out
# of the other one — the middle is a bridge made of vigil.
#  - pass traffic (ARP, a TCP connection and an HTTP request) crosses;
#  - `drop` on a SYN to 8081 stops that connection, on http.uri "/secret"
#    that request;
#  - drop events, blocked alerts, ips counters, the summary's counts;
#  - one interface without its peer is reported (one direction only).
# Offloads are turned off on the end points (ethtool), as Suricata's docs
# ask for copy-mode: frames with checksums left to the NIC would be sent on
# unfinished.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "AF_PACKET IPS test needs root (network namespaces)"
command -v ip >/dev/null || skip "iproute2 not installed"
command -v curl >/dev/null || skip "curl not installed"
command -v ethtool >/dev/null || skip "ethtool not installed"
NC=vigil-afi-c-$$ NM=vigil-afi-m-$$ NS=vigil-afi-s-$$
CA=vfc$$ MA=vfa$$ MB=vfb$$ SB=vfs$$
NET=10.78.$(($$ % 200))
cleanup() {
	[ -n "${SERVERS:-}" ] && kill $SERVERS 2>/dev/null
	for n in "$NC" "$NM" "$NS"; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT
for n in "$NC" "$NM" "$NS"; do ip netns add "$n" 2>/dev/null || skip "network namespaces not allowed here"; done
ip link add "$CA" type veth peer name "$MA" || skip "veth pairs not allowed here"
ip link add "$SB" type veth peer name "$MB"
ip link set "$CA" netns "$NC"
ip link set "$MA" netns "$NM"
ip link set "$MB" netns "$NM"
ip link set "$SB" netns "$NS"
ip -n "$NC" addr add "$NET.1/24" dev "$CA"
ip -n "$NS" addr add "$NET.2/24" dev "$SB"
for pair in "$NC $CA" "$NM $MA" "$NM $MB" "$NS $SB"; do
	set -- $pair
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
	ip -n "$1" link set "$2" up
done

mkdir -p "$TMP/www"
echo hello >"$TMP/www/index"
echo secret >"$TMP/www/secret"
SERVERS=
for port in 8080 8081; do
	ip netns exec "$NS" python3 -m http.server "$port" --bind "$NET.2" --directory "$TMP/www" \
		>/dev/null 2>&1 &
	SERVERS="$SERVERS $!"
done

cat >"$TMP/ips.rules" <<'EOF'
drop tcp any any -> any 8081 (msg:"afp ips: SYN to 8081"; flags:S; sid:2100001; rev:1;)
drop http any any -> any any (msg:"afp ips: /secret"; flow:established,to_server; http.uri; content:"/secret"; sid:2100002; rev:1;)
alert http any any -> any any (msg:"afp ips: http"; flow:established,to_server; http.uri; content:"/"; sid:2100003; rev:1;)
EOF
cat >"$TMP/ips.yaml" <<EOF
%YAML 1.1
---
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - alert
        - drop
        - http
        - stats
af-packet:
  - interface: $MA
    threads: 1
    cluster-id: 91
    copy-mode: ips
    copy-iface: $MB
  - interface: $MB
    threads: 2
    cluster-id: 92
    copy-mode: ips
    copy-iface: $MA
EOF

get() {
	local rc=0
	ip netns exec "$NC" curl -s -o /dev/null --max-time "$2" "$1" || rc=$?
	echo $rc
}

OUT=$TMP/ips
mkdir -p "$OUT"
ip netns exec "$NM" timeout -s KILL 120 "$VIGIL_BIN" -l "$OUT" -c "$TMP/ips.yaml" -S "$TMP/ips.rules" \
	-i "$MA" -i "$MB" 2>"$OUT/err" &
VPID=$!
for _ in $(seq 100); do
	grep -q "capturing on" "$OUT/err" 2>/dev/null && break
	kill -0 $VPID 2>/dev/null || break
	sleep 0.1
done
grep -q "capturing on $MA, $MB with af-packet (copy-mode ips), 3 workers" "$OUT/err" ||
	{ cat "$OUT/err"; fail "vigil did not start inline on both interfaces"; }
# The servers are up once a connection through vigil succeeds.
ok=
for _ in $(seq 30); do
	[ "$(get "http://$NET.2:8080/index" 2)" = 0 ] && { ok=1; break; }
	sleep 0.2
done
[ -n "$ok" ] || { cat "$OUT/err"; fail "pass traffic does not cross the copy-mode bridge"; }
rc=$(get "http://$NET.2:8081/index" 3)
[ "$rc" = 28 ] || fail "drop rule on port 8081 did not stop the connection (curl exit $rc)"
rc=$(get "http://$NET.2:8080/secret" 3)
[ "$rc" = 28 ] || fail "drop rule on http.uri /secret did not stop the request (curl exit $rc)"
[ "$(get "http://$NET.2:8080/index" 5)" = 0 ] || fail "pass traffic blocked after the drops"
kill -INT $VPID
rc=0
wait $VPID || rc=$?
[ $rc = 0 ] || { cat "$OUT/err"; fail "vigil exited $rc"; }
E=$OUT/eve.json
grep -q "inline: [1-9][0-9]* accepted, [1-9][0-9]* blocked" "$OUT/err" ||
	{ cat "$OUT/err"; fail "summary has no inline verdict counts"; }
for port in 8081 8080; do
	[ "$(count_events "$E" "e['event_type']=='drop' and e['dest_port']==$port")" -ge 1 ] ||
		fail "no drop event for the packet to port $port"
done
for sid in 2100001 2100002; do
	[ "$(count_events "$E" "e['event_type']=='alert' and e['alert']['signature_id']==$sid and e['alert']['action']=='blocked'")" -ge 1 ] ||
		fail "no blocked alert for sid $sid"
done
python3 - "$E" <<'PY' || fail "ips counters wrong in the last stats event"
import json, sys
st = [json.loads(l) for l in open(sys.argv[1]) if '"stats"' in l]
ips = st[-1]["stats"]["ips"]
assert ips["accepted"] > 0 and ips["blocked"] >= 2, ips
PY

# One side only: said at start-up.
sed -i "/interface: $MB/,\$d" "$TMP/ips.yaml"
ip netns exec "$NM" timeout -s KILL 20 "$VIGIL_BIN" -l "$OUT" -c "$TMP/ips.yaml" -i "$MA" 2>"$OUT/err1" &
VPID=$!
for _ in $(seq 50); do grep -q "capturing on" "$OUT/err1" 2>/dev/null && break; sleep 0.1; done
kill -INT $VPID
wait $VPID || true
grep -q "$MA copies to $MB, which is not captured" "$OUT/err1" || { cat "$OUT/err1"; fail "missing peer not reported"; }
# copy-mode tap is refused, naming the key.
rc=0
ip netns exec "$NM" "$VIGIL_BIN" -l "$OUT" -c "$TMP/ips.yaml" -i "$MA" --set af-packet.0.copy-mode=tap 2>"$OUT/err2" || rc=$?
[ $rc = 1 ] && grep -q "copy-mode: tap is not supported" "$OUT/err2" || { cat "$OUT/err2"; fail "copy-mode tap not refused"; }
echo "ok: AF_PACKET copy-mode IPS between two interfaces"
