# Helpers for integration tests (sourced).
set -euo pipefail
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }
# count_events FILE JQ-LIKE-PYTHON-EXPR: counts eve lines where expr holds (e = event dict)
count_events() {
	python3 - "$1" "$2" <<'PY'
import json, sys
n = 0
for i, line in enumerate(open(sys.argv[1]), 1):
    e = json.loads(line)
    if eval(sys.argv[2], {}, {"e": e}):
        n += 1
print(n)
PY
}
# make_sample OUT.pcap: the product's own generated sample capture
make_sample() { "$VIGIL_BIN" scenario write sample -o "$1" --seed 1 >/dev/null; }
