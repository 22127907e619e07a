#!/usr/bin/env bash
# Throughput and memory benchmark: runs vigil N times (default 5) over a
# large capture and reports the median packets/s, Mbit/s, wall time and
# peak RSS.  Usage: bench/run.sh VIGIL_BINARY [CAPTURE] [-- VIGIL ARGS...]
# Without CAPTURE it builds one (cached in build/bench/) by concatenating
# every Ethernet pcap under ../shared four times with shifted timestamps.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/vigil}")
shift || true
CAP=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then CAP=$(realpath "$1"); shift; fi
[ "${1:-}" = "--" ] && shift
RUNS=${BENCH_RUNS:-5}
mkdir -p build/bench
if [ -z "$CAP" ]; then
	CAP=build/bench/corpus.pcap
	if [ ! -s "$CAP" ]; then
		[ -d ../shared ] || { echo "bench: give a capture (../shared absent)"; exit 1; }
		python3 - ../shared build/bench/eth.list <<'PY'
import os, struct, sys
out = open(sys.argv[2], "w")
for root, _, files in os.walk(sys.argv[1]):
    for n in sorted(files):
        p = os.path.join(root, n)
        if not n.endswith((".pcap", ".cap")):
            continue
        with open(p, "rb") as f:
            h = f.read(24)
        if len(h) == 24 and h[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") and struct.unpack("<I", h[20:24])[0] == 1:
            out.write(p + "\n")
PY
		xargs -a build/bench/eth.list mergecap -a -F pcap -w build/bench/once.pcap 2>/dev/null || true
		parts=()
		for i in 0 1 2 3; do
			editcap -F pcap -t $((i * 86400)) build/bench/once.pcap "build/bench/part$i.pcap"
			parts+=("build/bench/part$i.pcap")
		done
		mergecap -a -F pcap -w "$CAP" "${parts[@]}"
		rm -f build/bench/part*.pcap build/bench/once.pcap
	fi
fi
size=$(stat -c %s "$CAP")
echo "bench: $CAP ($((size / 1000000)) MB), $RUNS runs, args: ${*:-none}"
results=()
for r in $(seq "$RUNS"); do
	out=$(mktemp -d)
	/usr/bin/time -f "%e %M" -o "$out/time" "$BIN" -r "$CAP" -l "$out" --no-progress "$@" 2>/dev/null
	read -r wall rss <"$out/time"
	read -r pkts bytes < <(python3 -c '
import json,sys
s=[json.loads(l) for l in open(sys.argv[1]) if "\"stats\"" in l][-1]["stats"]["decoder"]
print(s["pkts"], s["bytes"])' "$out/eve.json")
	results+=("$wall $rss $pkts $bytes")
	echo "  run $r: ${wall}s, peak RSS $((rss / 1024)) MB"
	rm -rf "$out"
done
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
wall = statistics.median(r[0] for r in rows)
rss = statistics.median(r[1] for r in rows) / 1024
pkts, byts = rows[0][2], rows[0][3]
print(f"bench: median of {len(rows)}: {wall:.2f} s, {pkts/wall/1e3:.0f} kpackets/s, "
      f"{byts*8/wall/1e6:.0f} Mbit/s, peak RSS {rss:.0f} MB ({int(pkts)} packets, {byts/1e6:.0f} MB)")'
