# Performance work must not change what alerts: ET Open over a cut of the
# benchmark corpus (data/alert-cut.list: the Ethernet captures under
# ../shared on which Suricata 7.0.4 raises ET Open alerts, 102 files, 17 MB)
# gives the same sids on the same flows as data/alert-cut.expected.json,
# recorded before the throughput work (issue 21), with one worker and with
# two (one capture spread over both by flow), compared by
# ../shared/reference/alertcmp.py.  After an intended change of detection,
# regenerate the expected file (its alert lines, keys sorted, lines sorted).
. "$(dirname "$0")/lib.sh"
DATA=$(dirname "$0")/data
ET="$SHARED_DIR/data/rules/et-open"
CMP="$SHARED_DIR/reference/alertcmp.py"
[ -d "$ET" ] && [ -f "$CMP" ] || skip "../shared (ET Open, alertcmp.py) absent"
mkdir "$TMP/cut"
i=0
while IFS= read -r f; do
	i=$((i + 1))
	[ -f "$SHARED_DIR/$f" ] || skip "../shared lacks $f"
	ln -s "$SHARED_DIR/$f" "$TMP/cut/$(printf %03d "$i")-$(basename "$f")"
done <"$DATA/alert-cut.list"
export TZ=UTC
for mode in "single" "workers --threads 2"; do
	out="$TMP/out-${mode%% *}"
	mkdir "$out"
	# shellcheck disable=SC2086
	"$VIGIL_BIN" --runmode $mode -S "$ET" -r "$TMP/cut" -l "$out" -k none --no-progress \
		--set outputs.2.sqlite.enabled=no 2>"$out/stderr" || fail "vigil ($mode) failed: $(tail -1 "$out/stderr")"
	res=$(python3 "$CMP" "$DATA/alert-cut.expected.json" "$out/eve.json")
	last=$(tail -1 <<<"$res")
	n=$(wc -l <"$DATA/alert-cut.expected.json")
	case "$last" in
	*"(100.0% / 100.0%)") ;;
	*) echo "$res"; fail "alerts differ from the recorded ones ($mode)" ;;
	esac
	[ "$(grep -c '"event_type":"alert"' "$out/eve.json")" -eq "$n" ] ||
		fail "$mode: $(grep -c '"event_type":"alert"' "$out/eve.json") alerts, $n recorded"
done
echo ok
