#!/usr/bin/env bash
# Throughput and memory benchmark: runs vigil N times (default 5) over a
# large capture and reports medians: packets/s and Mbit/s while processing
# (rule loading and the event-store import timed apart, as Suricata
# reports its rate), those phases, end-to-end wall time and peak RSS.
# Usage: bench/run.sh VIGIL_BINARY [CAPTURE] [-- VIGIL ARGS...]
# Without CAPTURE it builds one (cached in build/bench/) by concatenating
# every Ethernet capture under ../shared eight times with shifted timestamps.
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
		# Every Ethernet capture (pcap or pcapng) under ../shared.
		# (capinfos fails on the broken captures among them: not an error here)
		find ../shared -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print0 |
			{ xargs -0 capinfos -T -E -m 2>/dev/null || true; } |
			awk -F, '$NF == "ether" { print $1 }' | sort >build/bench/eth.list
		tr '\n' '\0' <build/bench/eth.list | xargs -0 mergecap -a -F pcap -w build/bench/once.pcap 2>/dev/null || true
		parts=()
		for i in 0 1 2 3 4 5 6 7; do
			editcap -F pcap -t $((i * 86400)) build/bench/once.pcap "build/bench/part$i.pcap"
			parts+=("build/bench/part$i.pcap")
		done
		mergecap -a -F pcap -w "$CAP" "${parts[@]}"
		rm -f build/bench/part*.pcap build/bench/once.pcap
	fi
fi
size=$(stat -c %s "$CAP")
echo "bench: $CAP ($((size / 1000000)) MB), $RUNS runs, args: ${*:-none}"
# Per run: wall, peak RSS, and from vigil's -v summary the rule-load,
# processing and event-store seconds; packets and bytes from the stats event.
results=()
for r in $(seq "$RUNS"); do
	out=$(mktemp -d)
	/usr/bin/time -f "%e %M" -o "$out/time" "$BIN" -r "$CAP" -l "$out" --no-progress -v "$@" \
		2>"$out/stderr"
	read -r wall rss <"$out/time"
	load=$(sed -n 's/^vigil: rules loaded in \([0-9.]*\) s.*/\1/p' "$out/stderr")
	proc=$(sed -n 's/^vigil: summary: .*; processing \([0-9.]*\) s; .*/\1/p' "$out/stderr")
	store=$(sed -n 's/^vigil: event store: .* in \([0-9.]*\) s$/\1/p' "$out/stderr")
	read -r pkts bytes < <(python3 -c '
import json,sys
s=[json.loads(l) for l in open(sys.argv[1]) if "\"stats\"" in l][-1]["stats"]["decoder"]
print(s["pkts"], s["bytes"])' "$out/eve.json")
	results+=("$wall $rss $pkts $bytes ${load:-0} ${proc:-0} ${store:-0}")
	echo "  run $r: ${wall}s wall (rules ${load:-?} s, processing ${proc:-?} s," \
		"event store ${store:-?} s), peak RSS $((rss / 1024)) MB"
	rm -rf "$out"
done
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
med = lambda i: statistics.median(r[i] for r in rows)
wall, rss, load, proc, store = med(0), med(1) / 1024, med(4), med(5), med(6)
pkts, byts = rows[0][2], rows[0][3]
print(f"bench: median of {len(rows)} ({int(pkts)} packets, {byts/1e6:.0f} MB):")
if proc > 0:
    print(f"  processing {proc:.2f} s: {pkts/proc/1e3:.0f} kpackets/s, {byts*8/proc/1e6:.0f} Mbit/s")
print(f"  rule load {load:.2f} s, event store {store:.2f} s, wall {wall:.2f} s "
      f"({byts*8/wall/1e6:.0f} Mbit/s end to end), peak RSS {rss:.0f} MB")'
