#!/usr/bin/env bash
# Synthetic is never real, end to end: `vigil scenario write` leaves an
# exercise marker beside the capture; the sensor marks every EVE event of
# the run with "exercise"; the store keeps it; a briefing leaves those
# events out unless --include-exercise, which labels them.  A copy of the
# capture without its marker is real traffic to the sensor.
. "$(dirname "$0")/lib.sh"
V() { "$VIGIL_BIN" "$@"; }
V scenario write sample -o "$TMP/s.pcap" --seed 1 >/dev/null || fail "scenario write"
[ "$(cat "$TMP/s.exercise")" = "vigil-exercise sample" ] || fail "marker: $(cat "$TMP/s.exercise")"
mkdir -p "$TMP/ex" "$TMP/real"
V -r "$TMP/s.pcap" -l "$TMP/ex" 2>"$TMP/ex.err" || fail "sensor: $(cat "$TMP/ex.err")"
grep -q 's.pcap: exercise capture (scenario sample)' "$TMP/ex.err" || fail "no exercise notice on stderr"
total=$(wc -l <"$TMP/ex/eve.json")
marked=$(count_events "$TMP/ex/eve.json" 'e.get("exercise") == "sample"')
[ "$total" -gt 0 ] && [ "$marked" = "$total" ] || fail "$marked of $total events marked"
cp "$TMP/s.pcap" "$TMP/copy.pcap"
V -r "$TMP/copy.pcap" -l "$TMP/real" 2>/dev/null || fail "sensor on the copy"
[ "$(count_events "$TMP/real/eve.json" '"exercise" in e')" = 0 ] || fail "unmarked copy has exercise events"
V import eve "$TMP/ex/eve.json" --db "$TMP/v.db" >"$TMP/imp.out" || fail "import"
grep -q "of the stored events are exercise data" "$TMP/imp.out" || fail "import does not say so: $(cat "$TMP/imp.out")"
day=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["timestamp"][:10])' "$TMP/ex/eve.json")
V brief --db "$TMP/v.db" --from "$day" --to "$day" --format json -o "$TMP/b0.json" || fail "brief"
V brief --db "$TMP/v.db" --from "$day" --to "$day" --format json --include-exercise -o "$TMP/b1.json" || fail "brief --include-exercise"
python3 - "$TMP" <<'PY' || fail "briefings"
import json, sys
t = sys.argv[1]
b0, b1 = (json.load(open("%s/b%d.json" % (t, i))) for i in (0, 1))
assert b0["notices"] == [], b0["notices"]
assert b0["figures"]["detections.alerts.current"] == 0, b0["figures"]
assert b1["notices"] and b1["notices"][0].startswith("This briefing mixes exercise data"), b1["notices"]
assert b1["figures"]["detections.exercise.current"] > 0
PY
echo "exercise marker: $marked of $total events marked; briefing excludes them by default"
