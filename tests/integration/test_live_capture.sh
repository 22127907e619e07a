# Live capture: two network namespaces joined by a veth pair; tcpreplay
# sends a capture into one end while `vigil -i` listens on the other.  The
# alerts and app-layer events must equal those of `vigil -r` on the same
# capture (flow and stats events aside: their times differ by nature), with
# one worker, with two in a fanout group, and with --pcap.  Also: VLAN tags
# the kernel strips are put back, -f filters, flows time out on the wall
# clock, SIGTERM/SIGINT end the run with status 0 and a summary, and the
# kernel's counters reach the stats event; -D, --pidfile, SIGHUP, --user;
# SIGUSR2 rule reload, also under load.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "live capture test needs root (network namespaces)"
command -v tcpreplay >/dev/null || skip "tcpreplay not installed"
command -v ip >/dev/null || skip "iproute2 not installed"
NA=vigil-live-a-$$ NB=vigil-live-b-$$ IA=vla$$ IB=vlb$$
cleanup() {
	ip netns del "$NA" 2>/dev/null || true
	ip netns del "$NB" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NA" 2>/dev/null || skip "network namespaces not allowed here"
ip netns add "$NB" || skip "network namespaces not allowed here"
ip link add "$IA" type veth peer name "$IB" || skip "veth pairs not allowed here"
ip link set "$IA" netns "$NA"
ip link set "$IB" netns "$NB"
for pair in "$NA $IA" "$NB $IB"; do
	set -- $pair
	# No IPv6 router solicitations or other traffic of the host's own.
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$1" link set "$2" mtu 9000 up
done

cat >"$TMP/live.rules" <<'EOF'
alert http any any -> any any (msg:"live: uri with .php or /"; flow:established,to_server; http.uri; content:"/"; sid:1000001; rev:1;)
alert tcp any any -> any any (msg:"live: SYN"; flags:S; sid:1000002; rev:1;)
alert http any any -> any any (msg:"live: status 200"; flow:to_client; http.stat_code; content:"200"; sid:1000003; rev:1;)
alert dns any any -> any any (msg:"live: dns query"; dns.query; content:"."; sid:1000004; rev:1;)
alert udp any any -> any any (msg:"live: udp"; sid:1000005; rev:1;)
EOF

norm() {
	python3 - "$1" <<'PY'
import json, sys
# Times, flow ids and packet numbers differ between a file and the wire;
# a scenario file is known as exercise traffic, the wire is not.
DROP = {"timestamp", "flow_id", "parent_id", "pcap_cnt", "pcap_filename", "flow", "exercise"}
out = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event_type"] in ("stats", "flow"):
        continue
    for k in DROP:
        e.pop(k, None)
    out.append(json.dumps(e, sort_keys=True))
print("\n".join(sorted(out)))
PY
}

# live OUTDIR PCAP VIGIL-ARGS...: vigil listens in $NB while tcpreplay sends
# PCAP from $NA; stopped by SIGINT.  Leaves stderr in OUTDIR/err.
live() {
	local out=$1 pcap=$2
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	ip netns exec "$NB" timeout -s KILL 120 "$VIGIL_BIN" -l "$out" "$@" 2>"$out/err" &
	local pid=$!
	for _ in $(seq 100); do
		grep -q "capturing on" "$out/err" 2>/dev/null && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	grep -q "capturing on" "$out/err" || { cat "$out/err"; fail "vigil did not start: $*"; }
	if [ -n "$pcap" ]; then
		ip netns exec "$NA" timeout 60 tcpreplay -q -i "$IA" --mbps 20 "$pcap" >"$out/replay" 2>&1 ||
			{ cat "$out/replay"; fail "tcpreplay failed"; }
	fi
	sleep 0.5 # the ring hands a block over after block-timeout (10 ms)
	kill -INT $pid
	local rc=0
	wait $pid || rc=$?
	[ $rc = 0 ] || { cat "$out/err"; fail "vigil $* exited $rc after SIGINT"; }
	grep -q "kernel: [0-9]* packets, 0 drops" "$out/err" ||
		{ cat "$out/err" "$out/replay"; fail "no summary line, or kernel drops, for $*"; }
}

# same PCAP NAME VIGIL-ARGS...: live events equal -r events.
same() {
	local pcap=$1 name=$2
	shift 2
	mkdir -p "$TMP/r-$name"
	"$VIGIL_BIN" -r "$pcap" -l "$TMP/r-$name" -S "$TMP/live.rules" 2>/dev/null || fail "-r $pcap"
	live "$TMP/l-$name" "$pcap" -S "$TMP/live.rules" "$@"
	norm "$TMP/r-$name/eve.json" >"$TMP/r-$name.n"
	norm "$TMP/l-$name/eve.json" >"$TMP/l-$name.n"
	[ "$(count_events "$TMP/r-$name/eve.json" 'e["event_type"] == "alert"')" -gt 0 ] ||
		fail "no alerts offline for $name: the test proves nothing"
	diff "$TMP/r-$name.n" "$TMP/l-$name.n" >"$TMP/$name.diff" ||
		{ head -20 "$TMP/$name.diff"; fail "live events differ from -r for $name ($*)"; }
	# The kernel saw every packet of the capture, and says so in stats.
	python3 - "$TMP/l-$name/eve.json" "$(capinfos -c -M "$pcap" 2>/dev/null | awk '/Number of packets/ {print $NF}')" <<'PY' || fail "stats capture counters for $name"
import json, sys
stats = [json.loads(l) for l in open(sys.argv[1]) if '"event_type":"stats"' in l]
cap = stats[-1]["stats"]["capture"]
want = int(sys.argv[2]) if sys.argv[2] else 1
assert cap["kernel_drops"] == 0, cap
assert cap["kernel_packets"] >= want, (cap, want)
PY
}

# Inputs: the product's own sample, a VLAN-tagged conversation, and a
# capture from ../shared when it is there.
make_sample "$TMP/sample.pcap"
python3 - "$TMP/vlan.pcap" <<'PY'
import sys
sys.path.insert(0, "tests/integration")
import craft
def vlan(fr, vid):
    return fr[:12] + b"\x81\x00" + vid.to_bytes(2, "big") + fr[12:]
c, s = "10.1.0.1", "10.1.0.2"
req = b"GET /index.php HTTP/1.1\r\nHost: vlan.example\r\n\r\n"
resp = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
pk = [craft.tcp(c, s, 40000, 80, "S", seq=100),
      craft.tcp(s, c, 80, 40000, "SA", seq=500, ack=101),
      craft.tcp(c, s, 40000, 80, "A", seq=101, ack=501),
      craft.tcp(c, s, 40000, 80, "PA", seq=101, ack=501, data=req),
      craft.tcp(s, c, 80, 40000, "PA", seq=501, ack=101 + len(req), data=resp),
      craft.tcp(c, s, 40000, 80, "FA", seq=101 + len(req), ack=501 + len(resp)),
      craft.tcp(s, c, 80, 40000, "FA", seq=501 + len(resp), ack=102 + len(req)),
      craft.tcp(c, s, 40000, 80, "A", seq=102 + len(req), ack=502 + len(resp))]
craft.write(sys.argv[1], [vlan(p, 42) for p in pk])
PY
grep -q '"vlan":\[42\]' <("$VIGIL_BIN" -r "$TMP/vlan.pcap" -l "$TMP" -S "$TMP/live.rules" 2>/dev/null; cat "$TMP/eve.json") ||
	fail "the VLAN capture has no vlan 42 offline"

# With af-packet's defrag: yes (the default, as Suricata's) the kernel
# reassembles IP fragments before vigil sees them, so fragment-level alerts
# of the file run would be missing: the comparisons turn it off.
nodefrag=(--set af-packet.0.interface="$IB" --set af-packet.0.defrag=no)
same "$TMP/sample.pcap" sample1 -i "$IB" --threads 1 "${nodefrag[@]}"
same "$TMP/sample.pcap" sample2 --af-packet="$IB" --threads 2 "${nodefrag[@]}"
same "$TMP/vlan.pcap" vlan -i "$IB" --threads 1
same "$TMP/sample.pcap" pcap --pcap="$IB"
shared="$SHARED_DIR/data/pcaps/threats/ek_to_cryptowall4.pcapng"
if [ -f "$shared" ]; then
	same "$shared" shared1 -i "$IB" --threads 1
	same "$shared" shared2 -i "$IB" --threads 2
fi
# defrag: yes: the fragmented DNS answer of the sample reaches vigil whole.
live "$TMP/defrag" "$TMP/sample.pcap" -i "$IB" --threads 2 -S "$TMP/live.rules"
[ "$(count_events "$TMP/defrag/eve.json" 'e.get("pkt_src") == "defrag"')" = 0 ] ||
	fail "af-packet defrag: yes, yet vigil reassembled fragments itself"
[ "$(count_events "$TMP/l-sample1/eve.json" 'e.get("pkt_src") == "defrag"')" -gt 0 ] ||
	fail "the sample has no fragments: the defrag check proves nothing"
[ "$(count_events "$TMP/defrag/eve.json" 'e["event_type"] == "dns"')" = \
  "$(count_events "$TMP/l-sample1/eve.json" 'e["event_type"] == "dns"')" ] || fail "defrag: yes lost DNS events"

# Two workers in one fanout group both get traffic (flows split by hash).
python3 - "$TMP/l-sample2/err" <<'PY' || fail "fanout: the summary does not say 2 workers"
import sys
assert "2 workers" in open(sys.argv[1]).read()
PY

# -f: a BPF filter keeps UDP out.
live "$TMP/bpf" "$TMP/sample.pcap" -i "$IB" --threads 1 -S "$TMP/live.rules" -f "not udp"
[ "$(count_events "$TMP/bpf/eve.json" 'e.get("proto") == "UDP"')" = 0 ] || fail "-f 'not udp' let UDP through"
[ "$(count_events "$TMP/bpf/eve.json" 'e.get("proto") == "TCP"')" -gt 0 ] || fail "-f 'not udp' kept no TCP"
[ "$(count_events "$TMP/l-sample1/eve.json" 'e.get("proto") == "UDP"')" -gt 0 ] ||
	fail "the sample has no UDP: the -f check proves nothing"

# Wall-clock timeouts: a UDP flow with a 1 s timeout ends while vigil runs
# (its flow event is in eve.json before the stop), and SIGTERM also stops.
python3 - "$TMP/udp.pcap" <<'PY'
import sys
sys.path.insert(0, "tests/integration")
import craft
craft.write(sys.argv[1], [craft.udp("10.2.0.1", "10.2.0.2", 5000, 6000, b"x")])
PY
rm -rf "$TMP/to"
mkdir "$TMP/to"
ip netns exec "$NB" timeout -s KILL 60 "$VIGIL_BIN" -i "$IB" -l "$TMP/to" --threads 1 \
	--set flow-timeouts.udp.new=1 --set flow-timeouts.udp.established=1 \
	--set stats.interval=1 2>"$TMP/to/err" &
pid=$!
for _ in $(seq 100); do grep -q "capturing on" "$TMP/to/err" && break; sleep 0.1; done
ip netns exec "$NA" tcpreplay -q -i "$IA" "$TMP/udp.pcap" >/dev/null 2>&1
for _ in $(seq 80); do
	[ "$(count_events "$TMP/to/eve.json" 'e["event_type"] == "flow" and e["flow"]["reason"] == "timeout"' 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
[ "$(count_events "$TMP/to/eve.json" 'e["event_type"] == "flow" and e["flow"]["reason"] == "timeout"')" = 1 ] ||
	{ kill -KILL $pid; fail "no flow timed out on the wall clock within 8 s"; }
sleep 1.5
# stats.interval=1: stats events keep coming while it runs.
[ "$(count_events "$TMP/to/eve.json" 'e["event_type"] == "stats" and "kernel_packets" in e["stats"]["capture"]')" -ge 2 ] ||
	{ kill -KILL $pid; fail "no periodic stats events while live"; }
kill -TERM $pid
rc=0
wait $pid || rc=$?
[ $rc = 0 ] || fail "SIGTERM: exit $rc"
grep -q "af-packet on $IB, 1 worker: 1 packets" "$TMP/to/err" || { cat "$TMP/to/err"; fail "summary after SIGTERM"; }

# -D and --pidfile: vigil goes to the background, a second one with the
# same pid file is refused, SIGHUP reopens eve.json after it was moved
# away (logrotate), SIGTERM to the pid ends it and removes the pid file.
rm -rf "$TMP/dm"
mkdir "$TMP/dm"
ip netns exec "$NB" "$VIGIL_BIN" -i "$IB" --threads 1 -D --pidfile "$TMP/dm/pid" -l "$TMP/dm" \
	-S "$TMP/live.rules" 2>"$TMP/dm/front" || { cat "$TMP/dm/front"; fail "-D: exit $?"; }
for _ in $(seq 100); do [ -s "$TMP/dm/pid" ] && break; sleep 0.1; done
pid=$(cat "$TMP/dm/pid")
kill -0 "$pid" 2>/dev/null || fail "-D: no process $pid"
rc=0
ip netns exec "$NB" "$VIGIL_BIN" -i "$IB" --pidfile "$TMP/dm/pid" -l "$TMP" 2>"$TMP/e0" || rc=$?
[ $rc = 1 ] && grep -q "names a running process" "$TMP/e0" || fail "second vigil with the same pid file: exit $rc"
[ "$(cat "$TMP/dm/pid")" = "$pid" ] || fail "the refused vigil touched the pid file"
ip netns exec "$NA" tcpreplay -q -i "$IA" --mbps 20 "$TMP/vlan.pcap" >/dev/null 2>&1
for _ in $(seq 50); do grep -q '"event_type":"alert"' "$TMP/dm/eve.json" 2>/dev/null && break; sleep 0.1; done
mv "$TMP/dm/eve.json" "$TMP/dm/eve.json.1"
kill -HUP "$pid"
for _ in $(seq 50); do [ -f "$TMP/dm/eve.json" ] && break; sleep 0.1; done
[ -f "$TMP/dm/eve.json" ] || fail "SIGHUP: eve.json not reopened"
ip netns exec "$NA" tcpreplay -q -i "$IA" --mbps 20 "$TMP/vlan.pcap" >/dev/null 2>&1
kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$pid" 2>/dev/null || fail "-D: SIGTERM did not end $pid"
[ ! -e "$TMP/dm/pid" ] || fail "pid file left behind"
grep -q '"event_type":"alert"' "$TMP/dm/eve.json.1" || fail "no alerts before the rotation"
grep -q '"event_type":"alert"' "$TMP/dm/eve.json" || fail "no alerts after the rotation"
grep -q "SIGHUP: .* reopened" "$TMP/dm/vigil.log" && grep -q "kernel: " "$TMP/dm/vigil.log" ||
	{ cat "$TMP/dm/vigil.log"; fail "vigil.log lacks the reopen or the summary"; }
rc=0
"$VIGIL_BIN" -D -r "$TMP/sample.pcap" -l "$TMP" 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "-D with -r: exit $rc"

# SIGUSR2 reloads the rules between packets: the new rules fire after the
# swap, a ruleset that loads nothing keeps the running one; 20 reloads
# under a running replay lose no packet and crash nothing.
rm -rf "$TMP/rl"
mkdir "$TMP/rl"
echo 'alert tcp any any -> any any (msg:"reload: A"; flags:S; sid:11; rev:1;)' >"$TMP/rl/r.rules"
ip netns exec "$NB" timeout -s KILL 120 "$VIGIL_BIN" -i "$IB" --threads 2 -l "$TMP/rl" -S "$TMP/rl/r.rules" \
	--pidfile "$TMP/rl/pid" --set stats.interval=1 2>"$TMP/rl/err" &
wrapper=$!
for _ in $(seq 100); do grep -q "capturing on" "$TMP/rl/err" && [ -s "$TMP/rl/pid" ] && break; sleep 0.1; done
pid=$(cat "$TMP/rl/pid")
sids() { count_events "$TMP/rl/eve.json" "e['event_type'] == 'alert' and e['alert']['signature_id'] == $1"; }
waitfor() { for _ in $(seq 50); do [ "$(sids "$1")" -ge "$2" ] && return 0; sleep 0.1; done; return 1; }
replay() { ip netns exec "$NA" tcpreplay -q -i "$IA" --mbps 20 "$@" >/dev/null 2>&1; }
replay "$TMP/sample.pcap"
waitfor 11 1 || fail "reload: rule A did not fire"
echo 'alert tcp any any -> any any (msg:"reload: B"; flags:S; sid:22; rev:1;)' >"$TMP/rl/r.rules"
kill -USR2 "$pid"
for _ in $(seq 100); do grep -q "rule reload: 1 rules loaded" "$TMP/rl/err" && break; sleep 0.1; done
grep -q "rule reload: 1 rules loaded" "$TMP/rl/err" || { cat "$TMP/rl/err"; fail "reload: not done"; }
a=$(sids 11)
replay "$TMP/sample.pcap"
waitfor 22 1 || fail "reload: rule B did not fire after the swap"
b=$(sids 22)
[ "$(sids 11)" = "$a" ] || fail "reload: rule A still fired after the swap"
echo 'this is not a rule' >"$TMP/rl/r.rules"
kill -USR2 "$pid"
for _ in $(seq 100); do grep -q "the 1 rules running are kept" "$TMP/rl/err" && break; sleep 0.1; done
grep -q "rule reload: the new rules load no rule; the 1 rules running are kept" "$TMP/rl/err" ||
	{ cat "$TMP/rl/err"; fail "reload: a broken ruleset was not refused with a reason"; }
replay "$TMP/sample.pcap"
waitfor 22 $((b + 1)) || fail "reload: the kept rules stopped firing"
# Under load: 20 reloads while tcpreplay runs.
echo 'alert tcp any any -> any any (msg:"reload: B"; flags:S; sid:22; rev:1;)' >"$TMP/rl/r.rules"
replay --loop 1000 --duration 5 "$TMP/sample.pcap" &
rp=$!
for _ in $(seq 20); do kill -USR2 "$pid"; sleep 0.2; done
wait $rp || true
for _ in $(seq 100); do [ "$(grep -c "rule reload: 1 rules loaded" "$TMP/rl/err")" -ge 21 ] && break; sleep 0.1; done
kill -INT $wrapper
rc=0
wait $wrapper || rc=$?
[ $rc = 0 ] || { tail "$TMP/rl/err"; fail "reload under load: exit $rc"; }
n=$(grep -c "rule reload: 1 rules loaded" "$TMP/rl/err")
[ "$n" -ge 11 ] || fail "reload under load: only $n reloads done"
grep -q "kernel: [0-9]* packets, 0 drops" "$TMP/rl/err" || { tail -3 "$TMP/rl/err"; fail "reload under load: drops"; }
python3 - "$TMP/rl/eve.json" <<'PY2' || fail "reload under load: packets not all counted"
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if '"event_type":"stats"' in l][-1]["stats"]
assert s["capture"]["kernel_packets"] == s["decoder"]["pkts"], (s["capture"], s["decoder"]["pkts"])
PY2
echo "reloads under load: $n (signals coalesce while one is running)"

# --user/--group: after start-up vigil runs as nobody with no capability,
# and still captures (its sockets were opened as root).
if getent passwd nobody >/dev/null && getent group nogroup >/dev/null; then
	rm -rf "$TMP/pu"
	mkdir "$TMP/pu"
	chmod 777 "$TMP/pu"
	ip netns exec "$NB" "$VIGIL_BIN" -i "$IB" --threads 2 -D --pidfile "$TMP/pu/pid" -l "$TMP/pu" \
		--user nobody --group nogroup -S "$TMP/live.rules" || fail "--user: exit $?"
	for _ in $(seq 100); do [ -s "$TMP/pu/pid" ] && break; sleep 0.1; done
	pid=$(cat "$TMP/pu/pid")
	grep -q "^Uid:.*65534.*65534.*65534.*65534" "/proc/$pid/status" || { grep Uid "/proc/$pid/status"; fail "--user nobody: uid"; }
	grep -q "^CapEff:.*0000000000000000" "/proc/$pid/status" || fail "--user: capabilities kept"
	grep -q "^CapBnd:.*0000000000000000" "/proc/$pid/status" || fail "--user: bounding set kept"
	ip netns exec "$NA" tcpreplay -q -i "$IA" --mbps 20 "$TMP/vlan.pcap" >/dev/null 2>&1
	sleep 0.5
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	grep -q '"event_type":"alert"' "$TMP/pu/eve.json" || fail "--user: no alerts"
	grep -q "running as nobody:nogroup, no capabilities kept" "$TMP/pu/vigil.log" || fail "--user: not said"
fi
rc=0
ip netns exec "$NB" "$VIGIL_BIN" -i "$IB" --user no-such-user-here -l "$TMP" 2>"$TMP/e0" || rc=$?
[ $rc = 1 ] && grep -q "no-such-user-here: no such user" "$TMP/e0" || fail "--user unknown: exit $rc"

# Errors: a missing interface names it; -r with -i is refused.
rc=0
ip netns exec "$NB" "$VIGIL_BIN" -i nosuch0 -l "$TMP" 2>"$TMP/e1" || rc=$?
[ $rc = 1 ] && grep -q "nosuch0" "$TMP/e1" || fail "missing interface: exit $rc, $(cat "$TMP/e1")"
rc=0
"$VIGIL_BIN" -i lo -r "$TMP/sample.pcap" 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "-i with -r: exit $rc"
echo ok
