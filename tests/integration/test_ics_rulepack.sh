#!/usr/bin/env bash
# The rule pack (rules/vigil-ci.rules) over real industrial captures and
# over vigil's own scenarios.
#
# Real captures: every capture listed in tests/ics-captures.tsv, with
# HOME_NET set to that capture's control network (the table's second
# column) and stream.midstream on (most captures start inside a running
# session).  Checks:
#   attack  captures (OpenICS, Quickdraw, DNP3 restarts, IEC 104 C_SC, S7
#           stop/download ...) raise at least one alert of the pack;
#   benign  captures (routine polling, HMI reads and writes) raise no more
#           than one alert per master-outstation address pair per hour of
#           capture time: no two alerts on one pair less than 3600 s apart.
# Prints the alerts per capture (the figures of the rule-pack note).
#
# Scenarios: grid-manipulation's command steps alert with the protocol
# keywords, and their alert count does not grow with --scale (more routine
# polling, no more alerts); hospital-ransomware with HOME_NET narrowed to the
# HL7 and DICOM senders makes the interface engine and the PACS external:
# the HL7 and DICOM exfiltration rules fire, once per pair.
source "$(dirname "$0")/lib.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"
RULES="$HERE/../../rules/vigil-ci.rules"
TABLE="$HERE/../ics-captures.tsv"
[ -f "$RULES" ] || fail "rules/vigil-ci.rules missing"
[ -f "$TABLE" ] || fail "tests/ics-captures.tsv missing"

# --- scenarios (no ../shared needed) ---------------------------------------
ics_sids() { # EVE -> "sid:count ..." of the energy (9001xxx) alerts
	python3 - "$1" <<'PY'
import collections, json, sys
c = collections.Counter(json.loads(l)["alert"]["signature_id"] for l in open(sys.argv[1])
                        if '"event_type":"alert"' in l)
print(" ".join("%d:%d" % kv for kv in sorted(c.items()) if 9001000 <= kv[0] < 9002000))
PY
}
for scale in 1 4; do
	"$VIGIL_BIN" scenario write grid-manipulation --seed 7 --scale $scale -o "$TMP/grid$scale.pcap" >/dev/null ||
		fail "scenario write grid-manipulation"
	mkdir -p "$TMP/grid$scale"
	"$VIGIL_BIN" -q -r "$TMP/grid$scale.pcap" -S "$RULES" -l "$TMP/grid$scale" 2>"$TMP/grid$scale.err" ||
		fail "vigil on grid-manipulation: $(tail -3 "$TMP/grid$scale.err")"
done
g1=$(ics_sids "$TMP/grid1/eve.json")
g4=$(ics_sids "$TMP/grid4/eve.json")
echo "scenario grid-manipulation energy alerts (sid:count): --scale 1: $g1; --scale 4: $g4"
for sid in 9001010 9001011 9001020 9001021 9001030 9001031; do
	case " $g1 " in *" $sid:"*) ;; *) fail "grid-manipulation: no alert of sid $sid ($g1)" ;; esac
done
[ "$g1" = "$g4" ] || fail "grid-manipulation: ICS alerts grow with routine volume ($g1 vs $g4)"

"$VIGIL_BIN" scenario write hospital-ransomware --seed 3 -o "$TMP/h.pcap" >/dev/null || fail "scenario write hospital"
read -r hl7_src dicom_src < <(python3 - "$TMP/h.truth.json" <<'PY'
import json, sys
s = {x["id"]: x for x in json.load(open(sys.argv[1]))["steps"]}
print(s["hl7-interface"]["src_ips"][0], s["dicom-imaging"]["src_ips"][0])
PY
)
mkdir -p "$TMP/h"
"$VIGIL_BIN" -q -r "$TMP/h.pcap" -S "$RULES" -l "$TMP/h" \
	--set "vars.address-groups.HOME_NET=[$hl7_src/32,$dicom_src/32]" 2>"$TMP/h.err" || fail "vigil on hospital: $(cat "$TMP/h.err")"
python3 - "$TMP/h/eve.json" "$TMP/h.pcap" <<'PY' || fail "hospital HL7/DICOM exfiltration rules"
import collections, json, sys
a = [json.loads(l) for l in open(sys.argv[1]) if '"event_type":"alert"' in l]
n = collections.Counter(e["alert"]["signature_id"] for e in a)
pairs = collections.Counter((e["alert"]["signature_id"], e["src_ip"], e["dest_ip"]) for e in a)
print("scenario hospital-ransomware, HOME_NET = the HL7/DICOM senders: 9000080 x%d, 9000081 x%d"
      % (n[9000080], n[9000081]))
assert n[9000080] >= 1 and n[9000081] >= 1, n
assert all(c == 1 for (sid, _, _), c in pairs.items() if sid in (9000080, 9000081)), pairs
PY

# --- real captures ----------------------------------------------------------
ICS="${SHARED_DIR:-/nonexistent}/data/pcaps/ics"
[ -d "$ICS" ] || skip "../shared/data/pcaps/ics not present: real-capture part skipped (scenario part passed)"

: >"$TMP/results.jsonl"
n=0
while IFS=$'\t' read -r path home kind note; do
	case "$path" in '#'* | '') continue ;; esac
	[ -f "$ICS/$path" ] || fail "table lists $path, not in $ICS"
	n=$((n + 1))
	out="$TMP/cap$n"
	mkdir -p "$out"
	set -- --set stream.midstream=true
	[ "$home" = "-" ] || set -- "$@" --set "vars.address-groups.HOME_NET=$home"
	rc=0
	timeout 300 "$VIGIL_BIN" -q -r "$ICS/$path" -S "$RULES" -l "$out" "$@" >"$out/log" 2>&1 || rc=$?
	[ $rc -eq 0 ] || fail "$path: vigil exit $rc: $(tail -3 "$out/log")"
	python3 - "$out/eve.json" "$path" "$home" "$kind" >>"$TMP/results.jsonl" <<'PY'
import collections, datetime, json, sys
def t(s):
    return datetime.datetime.strptime(s[:26], "%Y-%m-%dT%H:%M:%S.%f").timestamp()
lo = hi = None
alerts = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event_type"] == "stats":
        continue
    ts = [t(e["timestamp"])]
    if e["event_type"] == "flow":
        ts = [t(e["flow"]["start"]), t(e["flow"]["end"])]
    lo = min([lo] + ts) if lo is not None else min(ts)
    hi = max([hi] + ts) if hi is not None else max(ts)
    if e["event_type"] == "alert":
        # a master-outstation pair: the two addresses, either order (no
        # addresses: a link-layer GOOSE alert, one "pair" per rule)
        pair = tuple(sorted((e.get("src_ip", ""), e.get("dest_ip", ""))))
        alerts.append((pair, ts[0], e["alert"]["signature_id"]))
per_pair = collections.defaultdict(list)
for pair, ts, sid in alerts:
    per_pair[pair].append(ts)
# the smallest gap between two alerts on one pair (None: no pair alerted twice)
gaps = [b - a for v in per_pair.values() for a, b in zip(sorted(v), sorted(v)[1:])]
print(json.dumps({"path": sys.argv[2], "home": sys.argv[3], "kind": sys.argv[4],
                  "hours": ((hi - lo) / 3600.0) if lo is not None else 0.0,
                  "alerts": len(alerts), "pairs": len(per_pair),
                  "min_gap": min(gaps) if gaps else None,
                  "sids": dict(collections.Counter(str(s) for _, _, s in alerts))}))
PY
done <"$TABLE"

# The "new master" semantics of the IEC 104 clock-sync rule (xbits on the
# address pair): in TestDissectIec104.pcap the master's C_CS follows its
# general interrogation, so the pack stays quiet; without the rule that marks
# the pair (9001036) the same C_CS is from an unknown master and alerts.
cap="$ICS/IEC60870-5-104/TestDissectIec104.pcap"
if [ -f "$cap" ]; then
	grep -v 'sid:9001036;' "$RULES" >"$TMP/nogi.rules"
	for r in pack nogi; do
		rf="$RULES"
		[ $r = nogi ] && rf="$TMP/nogi.rules"
		mkdir -p "$TMP/cs-$r"
		"$VIGIL_BIN" -q -r "$cap" -S "$rf" -l "$TMP/cs-$r" --set stream.midstream=true \
			--set vars.address-groups.HOME_NET=172.27.248.0/24 2>/dev/null || fail "vigil on $cap"
	done
	a=$(count_events "$TMP/cs-pack/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 9001035')
	b=$(count_events "$TMP/cs-nogi/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 9001035')
	echo "IEC 104 C_CS from a new master (9001035) on TestDissectIec104: established pair $a, pair never interrogated $b"
	[ "$a" = 0 ] && [ "$b" = 1 ] || fail "9001035: expected 0 and 1 alerts, got $a and $b"
fi

python3 - "$TMP/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
bad = []
print("%-7s %-66s %-8s %6s %5s %5s  %s" % ("kind", "capture (HOME_NET)", "hours", "alerts", "pairs", "gap<1h", "sid x count"))
for r in rows:
    close = r["min_gap"] is not None and r["min_gap"] < 3600
    print("%-7s %-66s %8.3f %6d %5d %5s  %s" % (
        r["kind"], (r["path"] + " (" + r["home"] + ")")[:66], r["hours"], r["alerts"], r["pairs"],
        "yes" if close else "-", " ".join("%s x%d" % kv for kv in sorted(r["sids"].items()))))
    if r["kind"] == "attack" and r["alerts"] == 0:
        bad.append("attack capture without an alert: " + r["path"])
    if r["kind"] == "benign" and close:
        bad.append("benign capture with two alerts on one pair within an hour: %s (gap %.1f s)"
                   % (r["path"], r["min_gap"]))
by = lambda k: [r for r in rows if r["kind"] == k]
print("attack captures alerting: %d/%d; benign captures within one alert per pair and hour: %d/%d "
      "(%d alerts over %.2f capture hours); report-only captures: %d (%d alerts)" % (
      sum(1 for r in by("attack") if r["alerts"]), len(by("attack")),
      sum(1 for r in by("benign") if not (r["min_gap"] is not None and r["min_gap"] < 3600)), len(by("benign")),
      sum(r["alerts"] for r in by("benign")), sum(r["hours"] for r in by("benign")),
      len(by("report")), sum(r["alerts"] for r in by("report"))))
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
