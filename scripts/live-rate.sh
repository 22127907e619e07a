#!/usr/bin/env bash
# live-rate — the highest tcpreplay rate at which vigil's live capture
# loses no packet in the kernel (capture.kernel_drops stays 0), for 1 and 2
# workers.  Two network namespaces joined by a veth pair, traffic only
# there; every step is bounded (--duration) and the steps stop at the first
# rate with drops.  Needs root and tcpreplay.
#
#   scripts/live-rate.sh [PCAP] [-- VIGIL-ARGS...]   (default: ET Open rules
#   from ../shared when present, and the product's sample capture)
set -euo pipefail
cd "$(dirname "$0")/.."
VIGIL=${VIGIL_BIN:-build/vigil}
PCAP=${1:-}
[ $# -gt 0 ] && shift
[ "${1:-}" = -- ] && shift
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && [ -d ../shared/data/rules/et-open ] && ARGS=(-S ../shared/data/rules/et-open)
TMP=$(mktemp -d)
NA=vigil-rate-a-$$ NB=vigil-rate-b-$$ IA=vra$$ IB=vrb$$
cleanup() {
	[ -n "${VPID:-}" ] && kill -KILL "$VPID" 2>/dev/null || true
	ip netns del "$NA" 2>/dev/null || true
	ip netns del "$NB" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
if [ -z "$PCAP" ]; then
	PCAP=$TMP/sample.pcap
	"$VIGIL" scenario write sample -o "$PCAP" --seed 1 >/dev/null
fi
ip netns add "$NA"
ip netns add "$NB"
ip link add "$IA" type veth peer name "$IB"
ip link set "$IA" netns "$NA"
ip link set "$IB" netns "$NB"
for pair in "$NA $IA" "$NB $IB"; do
	set -- $pair
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$1" link set "$2" mtu 9000 up
done

drops() { # the newest stats event's kernel counters: "packets drops"
	python3 - "$1" <<'PY'
import json, sys
last = None
for l in open(sys.argv[1]):
    if '"event_type":"stats"' in l:
        last = json.loads(l)["stats"]["capture"]
print(last["kernel_packets"], last["kernel_drops"]) if last else print("0 0")
PY
}

for workers in 1 2; do
	out=$TMP/w$workers
	mkdir -p "$out"
	ip netns exec "$NB" timeout -s KILL 900 "$VIGIL" -i "$IB" -l "$out" --threads "$workers" \
		--set stats.interval=1 --set outputs.1.eve-log.types.0.alert.payload=no "${ARGS[@]}" 2>"$out/err" &
	VPID=$!
	for _ in $(seq 1200); do grep -q "capturing on" "$out/err" && break; sleep 0.5; done
	grep -q "capturing on" "$out/err" || { cat "$out/err"; exit 1; }
	grep -m1 "rules loaded" "$out/err" || echo "(no rules)"
	best=none
	for mbps in 25 50 100 200 400 800 1600; do
		sleep 2
		read -r p0 d0 < <(drops "$out/eve.json")
		rep=$(ip netns exec "$NA" tcpreplay -i "$IA" --mbps "$mbps" --loop 100000 --duration 4 "$PCAP" 2>&1 || true)
		sleep 2.5 # the next stats event
		read -r p1 d1 < <(drops "$out/eve.json")
		sent=$(awk '/Actual:/ {print $2; exit}' <<<"$rep")
		rate=$(awk '/Rated:/ {printf "%s Mbit/s, %d pps", $4, $6; exit}' <<<"$rep")
		echo "workers=$workers asked=${mbps} Mbit/s: sent $sent packets at $rate; kernel: $((p1 - p0)) packets, $((d1 - d0)) drops"
		[ "$((d1 - d0))" -gt 0 ] && break
		best="$rate"
	done
	echo "workers=$workers: highest rate with 0 kernel drops: $best"
	kill -INT "$VPID"
	wait "$VPID" || true
	VPID=
done
