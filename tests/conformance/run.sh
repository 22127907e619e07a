#!/usr/bin/env bash
# Runs suricata-verify (../shared/conformance) against vigil per tier and
# fails when a tier passes fewer tests than its floor in floor.txt.  The
# floors only go up: raise them when vigil improves (--update writes the
# new counts where they are higher).  Usage: run.sh VIGIL_BINARY [--update]
set -u
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-build/vigil}")
UPDATE=${2:-}
CONF=../shared/conformance
[ -f "$CONF/svrun.py" ] || { echo "conformance: ../shared/conformance absent, skipped"; exit 0; }
FLOOR=tests/conformance/floor.txt
status=0
report=$(mktemp -d)
for tier in T1 T2 T3; do
	out=$(python3 "$CONF/svrun.py" --engine "$BIN" --tests "$CONF/suricata-verify" \
		--list "$CONF/dev-$tier.txt" --jobs "$(nproc)" --pass-args --pass-config \
		--report "$report/$tier.json" 2>&1 | tail -1)
	passed=$(echo "$out" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	floor=$(awk -v t="$tier" '$1 == t { print $2 }' "$FLOOR")
	echo "conformance $tier: $out (floor ${floor:-0})"
	if [ -z "$passed" ]; then
		echo "conformance $tier: could not read the result"; status=1; continue
	fi
	if [ "$passed" -lt "${floor:-0}" ]; then
		echo "conformance $tier: $passed passed is below the floor ${floor}"; status=1
	elif [ "$UPDATE" = --update ] && [ "$passed" -gt "${floor:-0}" ]; then
		sed -i "s/^$tier .*/$tier $passed/" "$FLOOR"
		echo "conformance $tier: floor raised to $passed"
	fi
done
rm -rf "$report"
exit $status
