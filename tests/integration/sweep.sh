#!/usr/bin/env bash
# Runs vigil over every capture under ../shared (data and conformance):
# each file must be processed (exit 0, valid EVE JSON) or rejected with a
# message naming it (exit 1).  A crash, a hang (60 s), a sanitizer report
# or invalid JSON fails the sweep.  Usage: sweep.sh VIGIL_BINARY
set -u
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-build/vigil}")
SHARED=$(realpath ../shared 2>/dev/null) || { echo "sweep: ../shared absent, skipped"; exit 0; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export BIN TMP
export ASAN_OPTIONS=detect_leaks=1:exitcode=99 UBSAN_OPTIONS=halt_on_error=1:exitcode=98
find "$SHARED/data" "$SHARED/conformance" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.pcap.*' \) | sort >"$TMP/list"
one() {
	f=$1
	out=$(mktemp -d -p "$TMP")
	timeout 60 "$BIN" -r "$f" -l "$out" -k none >/dev/null 2>"$out/err"
	rc=$?
	if [ $rc -eq 0 ]; then
		if ! python3 -c '
import json,sys
for i,l in enumerate(open(sys.argv[1]),1):
    json.loads(l)' "$out/eve.json" 2>/dev/null; then
			echo "BADJSON $f"
		elif grep -q "runtime error\|Sanitizer" "$out/err"; then
			echo "SANITIZER $f"
		else
			echo "OK $f"
		fi
	elif [ $rc -eq 1 ] && grep -q "$(basename "$f")" "$out/err" && ! grep -q "Sanitizer\|runtime error" "$out/err"; then
		echo "REJECTED $f: $(grep "$(basename "$f")" "$out/err" | head -1)"
	else
		echo "CRASH(rc=$rc) $f"
		sed 's/^/    /' "$out/err" | head -20
	fi
	rm -rf "$out"
}
export -f one
xargs -a "$TMP/list" -P "$(nproc)" -I{} bash -c 'one "$@"' _ {} >"$TMP/result"
ok=$(grep -c "^OK " "$TMP/result")
rej=$(grep -c "^REJECTED " "$TMP/result")
bad=$(grep -c "^CRASH\|^BADJSON\|^SANITIZER" "$TMP/result")
grep "^REJECTED " "$TMP/result" | sed 's/^/  /'
grep -A20 "^CRASH\|^BADJSON\|^SANITIZER" "$TMP/result"
echo "sweep: $(wc -l <"$TMP/list") captures: $ok processed, $rej rejected with a message, $bad failed"
[ "$bad" -eq 0 ]
