# --runmode workers gives the same events as single (order and stats aside).
. "$(dirname "$0")/lib.sh"
inputs=("$TMP/s.pcap")
make_sample "$TMP/s.pcap"
# A larger mixed input from ../shared when it is there.
if [ -d "$SHARED_DIR/data/pcaps/ics" ]; then
	mkdir -p "$TMP/mix"
	for f in $(ls "$SHARED_DIR"/data/pcaps/ics/*/*.pcap 2>/dev/null | head -8); do cp "$f" "$TMP/mix/"; done
	[ -n "$(ls "$TMP/mix")" ] && inputs+=("$TMP/mix")
fi
norm() {
	python3 - "$1" <<'PY'
import json, sys
out = []
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["event_type"] == "stats":
        continue
    out.append(json.dumps(e, sort_keys=True))
for l in sorted(out):
    print(l)
PY
}
for in in "${inputs[@]}"; do
	rm -rf "$TMP/a" "$TMP/b"; mkdir "$TMP/a" "$TMP/b"
	"$VIGIL_BIN" -r "$in" -l "$TMP/a" --runmode single 2>/dev/null || fail "single on $in"
	"$VIGIL_BIN" -r "$in" -l "$TMP/b" --runmode workers --threads 3 2>/dev/null || fail "workers on $in"
	norm "$TMP/a/eve.json" >"$TMP/a.n"
	norm "$TMP/b/eve.json" >"$TMP/b.n"
	[ -s "$TMP/a.n" ] || fail "no events for $in"
	diff -q "$TMP/a.n" "$TMP/b.n" >/dev/null || { diff "$TMP/a.n" "$TMP/b.n" | head -5; fail "runmodes differ on $in"; }
done
echo ok
