#!/usr/bin/env bash
# Throughput and memory benchmark: runs vigil N times (default 5) over a
# large capture and reports medians: packets/s and Mbit/s while processing
# (rule loading and the event-store import timed apart, as Suricata
# reports its rate), that rate per worker, those phases, end-to-end wall
# time and peak RSS.
# Usage: bench/run.sh VIGIL_BINARY [CAPTURE] [-- VIGIL ARGS...]
# With VIGIL ARGS, one configuration.  Without, four: ET Open (when
# ../shared has it) and no rules, each with one worker (--runmode single)
# and two (--runmode workers --threads 2), and the two-worker speed-up.
# Without CAPTURE it uses the corpus bench/corpus.sh builds (cached in
# build/bench/, its composition in build/bench/corpus.txt): every readable
# Ethernet capture under ../shared, eight times with shifted timestamps.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/vigil}")
shift || true
CAP=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then CAP=$(realpath "$1"); shift; fi
[ "${1:-}" = "--" ] && shift
RUNS=${BENCH_RUNS:-5}
ET_OPEN=../shared/data/rules/et-open
if [ -z "$CAP" ]; then
	CAP=build/bench/corpus.pcap
	[ -s "$CAP" ] || bench/corpus.sh "$CAP"
	sed -n '2,/^# link types/p' build/bench/corpus.txt | grep -v '^# link types'
fi
if [ $# -eq 0 ]; then
	rules=()
	[ -d "$ET_OPEN" ] && rules=(-S "$ET_OPEN")
	summary=$(mktemp)
	trap 'rm -f "$summary"' EXIT
	for cfg in "rules 1" "rules 2" "none 1" "none 2"; do
		read -r r w <<<"$cfg"
		args=()
		[ "$r" = rules ] && args+=("${rules[@]}")
		[ "$r" = rules ] && [ ${#rules[@]} -eq 0 ] && continue
		if [ "$w" = 1 ]; then args+=(--runmode single); else args+=(--runmode workers --threads "$w"); fi
		echo "== $([ "$r" = rules ] && echo "ET Open" || echo "no rules"), $w worker$([ "$w" = 1 ] || echo s)"
		BENCH_SUMMARY=$summary BENCH_LABEL="$r $w" "$0" "$BIN" "$CAP" -- "${args[@]}"
	done
	python3 - "$summary" <<'PY'
import sys
rows = {}
for l in open(sys.argv[1]):
    r, w, proc, pkts, byts = l.split()
    rows[(r, int(w))] = (float(proc), float(pkts), float(byts))
print("bench: processing rate per worker (median):")
for (r, w), (proc, pkts, byts) in sorted(rows.items()):
    label = "ET Open " if r == "rules" else "no rules"
    print(f"  {label} {w} worker{'s' if w > 1 else ' '}: {pkts/proc/w/1e3:7.0f} kpackets/s, "
          f"{byts*8/proc/w/1e6:6.0f} Mbit/s per worker ({pkts/proc/1e3:.0f} kpackets/s in all)")
for r in ("rules", "none"):
    if (r, 1) in rows and (r, 2) in rows:
        print(f"  {'ET Open' if r == 'rules' else 'no rules'}: 2 workers {rows[(r,1)][0]/rows[(r,2)][0]:.2f}x one")
PY
	exit 0
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
	cpu=$(sed -n 's/^vigil: CPU seconds while processing: //p' "$out/stderr")
	echo "  run $r: ${wall}s wall (rules ${load:-?} s, processing ${proc:-?} s," \
		"event store ${store:-?} s), peak RSS $((rss / 1024)) MB; CPU s: ${cpu:-?}"
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
      f"({byts*8/wall/1e6:.0f} Mbit/s end to end), peak RSS {rss:.0f} MB")
if len(sys.argv) > 2 and proc > 0:
    with open(sys.argv[1], "a") as f:
        f.write(f"{sys.argv[2]} {proc} {int(pkts)} {int(byts)}\n")' ${BENCH_SUMMARY:+"$BENCH_SUMMARY" "$BENCH_LABEL"}
