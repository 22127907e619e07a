#!/usr/bin/env bash
# The main job on built-in defaults: generate sample traffic with vigil's
# own scenario generator, run the sensor over it, and say where the output
# went.  Usage: scripts/demo.sh VIGIL_BINARY [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/vigil}
OUT=${2:-out/demo}
rm -rf "$OUT"
mkdir -p "$OUT"
"$BIN" scenario write sample -o "$OUT/sample.pcap" --seed 1
start=$(date +%s.%N)
"$BIN" -r "$OUT/sample.pcap" -l "$OUT" -v
end=$(date +%s.%N)
echo
echo "vigil demo: sensor run over $OUT/sample.pcap in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s"
echo "  events by type in $OUT/eve.json:"
grep -o '"event_type":"[a-z_]*"' "$OUT/eve.json" | sort | uniq -c | sed 's/"event_type"://; s/"//g; s/^/   /'
echo "  capture:  $OUT/sample.pcap"
echo "  EVE JSON: $OUT/eve.json"
