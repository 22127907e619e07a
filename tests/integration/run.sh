#!/usr/bin/env bash
# Runs every tests/integration/test_*.sh with VIGIL_BIN set; each script
# exits 0 (pass), 77 (skipped, with a reason on stdout) or other (fail).
# Prints "N passed, N failed, N skipped" last.
set -u
cd "$(dirname "$0")/../.."
: "${VIGIL_BIN:=build/vigil}"
export VIGIL_BIN="$(realpath "$VIGIL_BIN")"
export SHARED_DIR="$(realpath ../shared 2>/dev/null || echo /nonexistent)"
pass=0 fail=0 skip=0
for t in tests/integration/test_*.sh; do
	out=$(mktemp)
	bash "$t" >"$out" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $t" ;;
	77) skip=$((skip + 1)); echo "SKIP $t: $(tail -1 "$out")" ;;
	*) fail=$((fail + 1)); echo "FAIL $t (exit $rc)"; sed 's/^/    /' "$out" | tail -40 ;;
	esac
	rm -f "$out"
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
