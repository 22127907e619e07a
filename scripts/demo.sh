#!/usr/bin/env bash
# The main job on built-in defaults, with nothing but vigil itself:
#   1. write the attack scenarios (vigil's own traffic generator),
#   2. run the sensor over each with vigil's rule pack (rules/),
#   3. score the alerts against each scenario's ground truth,
#   4. gather the detections in one event store (vigil.db),
#   5. write the threat-landscape briefing from it,
# and print a summary with the paths.  When ../shared is present its
# public incident and vulnerability data are added to the briefing.
# Usage: scripts/demo.sh VIGIL_BINARY [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/vigil}")
OUT=${2:-out/demo}
SCENARIOS="hospital-ransomware hospital-ransomware-novel grid-manipulation crypto-theft emergency-ddos"
rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(realpath "$OUT")
start=$(date +%s.%N)

# The organisations the scenarios' networks belong to, so the briefing can
# count detections per sector.
cat >"$OUT/vigil.yaml" <<'EOF'
outputs:
  - fast:
      enabled: no
  - eve-log:
      enabled: yes
      filename: eve.json
  - sqlite:
      enabled: yes
      filename: ../vigil.db
assets:
  - {network: 10.20.0.0/16, organisation: St Mary's Hospital, sector: health, country: demo}
  - {network: 172.16.0.0/16, organisation: Northgrid Electricity, sector: energy, country: demo}
  - {network: 10.30.0.0/16, organisation: Halcyon Trading Desk, sector: finance, country: demo}
  - {network: 10.40.0.0/16, organisation: County Emergency Communications, sector: emergency-services, country: demo}
  - {host: 203.0.113.10, organisation: County Emergency Communications, sector: emergency-services, country: demo}
EOF

printf '%-22s %10s %9s %9s %s\n' scenario packets detected "false" "eve.json"
status=0
for s in $SCENARIOS; do
	"$BIN" scenario write "$s" -o "$OUT/$s.pcap" --seed 1 >/dev/null
	mkdir -p "$OUT/$s"
	# The built-in defaults, plus the demo's outputs and asset map.
	"$BIN" -r "$OUT/$s.pcap" -S rules/vigil-ci.rules -l "$OUT/$s" -c "$OUT/vigil.yaml" \
		--set outputs.1.eve-log.types.0.alert.payload=yes 2>"$OUT/$s/stderr.log" ||
		{ echo "demo: the sensor failed on $s (see $OUT/$s/stderr.log)" >&2; exit 1; }
	"$BIN" scenario score "$OUT/$s.truth.json" "$OUT/$s/eve.json" >"$OUT/$s/score.txt" || status=1
	# First line: "TRUTH: D/T malicious steps detected, F false alerts"
	read -r detected false_alerts < <(sed -n '1s/.*: \([0-9]*\/[0-9]*\) malicious steps detected, \([0-9]*\) false alert.*/\1 \2/p' \
		"$OUT/$s/score.txt")
	packets=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packets"])' \
		"$OUT/$s.truth.json" 2>/dev/null || echo "?")
	printf '%-22s %10s %9s %9s %s\n' "$s" "$packets" "${detected:-?}" "${false_alerts:-?}" \
		"$OUT/$s/eve.json"
done

# Public data for context, when the shared data set is at hand.
SHARED=../shared/data
if [ -d "$SHARED" ]; then
	"$BIN" source import eurepoc "$SHARED/incidents/eurepoc" --publisher EuRepoC \
		--stakeholder academia --db "$OUT/vigil.db" >/dev/null 2>&1 || true
	"$BIN" source import kev "$SHARED/intel/kev.json" --publisher CISA \
		--stakeholder government --db "$OUT/vigil.db" >/dev/null 2>&1 || true
	"$BIN" source import cipher "$SHARED/incidents/cipher/cipher.csv" --publisher CIPHER \
		--stakeholder academia --db "$OUT/vigil.db" >/dev/null 2>&1 || true
fi
"$BIN" brief --db "$OUT/vigil.db" --period 5y --format html -o "$OUT/briefing.html"
"$BIN" brief --db "$OUT/vigil.db" --period 5y --format md -o "$OUT/briefing.md"
end=$(date +%s.%N)

echo
echo "vigil demo finished in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
echo "  scenario captures and ground truth: $OUT/<scenario>.pcap, .truth.json"
echo "  per-step scores:                    $OUT/<scenario>/score.txt"
echo "  event store:                        $OUT/vigil.db"
echo "  briefing:                           $OUT/briefing.html (and briefing.md)"
exit $status
