#!/usr/bin/env bash
# Threat-landscape briefing, end to end on the ../shared datasets:
#  - every source kind imports, re-import is idempotent, provenance is kept;
#  - malformed rows (a bad CSV line, a bad JSON entry, a JSON syntax error)
#    are counted and reported with their line numbers;
#  - briefing figures equal counts computed here, independently, from the
#    raw files (python3 over the CSV/JSON), not copied from vigil's output;
#  - output is deterministic under SOURCE_DATE_EPOCH;
#  - the HTML renders in headless Chromium with no console error and every
#    chart has data (a screenshot is left in $BRIEF_SCREENSHOT if set);
#  - a briefing over all EuRepoC + KEV + an EVE file takes under 2 s.
# Needs VIGIL_BIN.  Skips (exit 0, with a message) when ../shared is absent,
# and with exit 77 (run.sh's "skipped") when VIGIL_BIN lacks `brief`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED_DIR:-$ROOT/../shared}
if [ ! -d "$SHARED/data/incidents/eurepoc" ]; then
	echo "SKIP: test_brief.sh needs the shared datasets at $ROOT/../shared (absent)"
	exit 0
fi
: "${VIGIL_BIN:?VIGIL_BIN must name the vigil binary}"
D=$SHARED/data
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
V() { "$VIGIL_BIN" "$@"; }
# sql DB QUERY: the first column of the first row (python3's sqlite3, no CLI needed)
sql() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$1" "$2"; }
DB=$TMP/vigil.db
export SOURCE_DATE_EPOCH=1767225600 # 2026-01-01

if ! V source kinds 2>/dev/null | grep -q "^eurepoc"; then
	# main.c dispatches `vigil brief|import|source` to brief_command_main();
	# until it does there is nothing to test end to end (77 = skipped, run.sh).
	echo "SKIP: $VIGIL_BIN has no 'brief' subcommand (main.c must call brief_command_main)"
	exit 77
fi
V source --help >/dev/null || fail "vigil source --help"
V import --help >/dev/null || fail "vigil import --help"

# ---- sources -------------------------------------------------------------
imp() { V source import "$@" --db "$DB" >>"$TMP/import.log" 2>>"$TMP/import.err" || fail "source import $*: $(tail -3 "$TMP/import.err")"; }
imp eurepoc "$D/incidents/eurepoc" --publisher EuRepoC --stakeholder academia --licence "not stated"
imp kev "$D/intel/kev.json" --publisher CISA --stakeholder government --licence CC0
imp cipher "$D/incidents/cipher/cipher.csv" --publisher CIPHER --stakeholder academia --licence Apache-2.0
imp attack "$D/intel/ics-attack.json" --publisher MITRE --stakeholder private --licence "ATT&CK terms of use"
imp misp "$D/intel/misp-galaxy" --publisher "MISP Project" --stakeholder civil-society --tlp clear --licence "CC0/BSD-2"
n1=$(sql "$DB" "SELECT count(*) || '/' || (SELECT count(*) FROM record_attr) FROM record")
imp kev "$D/intel/kev.json" --publisher CISA --stakeholder government --licence CC0
imp eurepoc "$D/incidents/eurepoc" --publisher EuRepoC --stakeholder academia --licence "not stated"
n2=$(sql "$DB" "SELECT count(*) || '/' || (SELECT count(*) FROM record_attr) FROM record")
[ "$n1" = "$n2" ] || fail "re-import not idempotent: $n1 then $n2"
[ "$(sql "$DB" "SELECT count(*) FROM source")" = 5 ] || fail "expected 5 sources"
sql "$DB" "SELECT count(*) FROM source WHERE kind='kev' AND publisher='CISA' AND stakeholder='government' AND licence='CC0' AND tlp='clear' AND imported_at='2026-01-01'" | grep -qx 1 || fail "KEV provenance"
V source import kev "$D/intel/kev.json" --publisher X --stakeholder pirates --db "$DB" 2>/dev/null && fail "bad --stakeholder accepted"

# ---- malformed rows, reported with line numbers ----------------------------
python3 - "$D" "$TMP" <<'PY'
import csv, json, sys
d, tmp = sys.argv[1], sys.argv[2]
# CIPHER with one bad score and one short row appended after row 10.
rows = open(d + "/incidents/cipher/cipher.csv", newline="", encoding="utf-8").read()
lines = rows.split("\n")
# find the physical line after which to insert: after the header line
bad = ["Study,http://x,Bad score row,d,q,First Day,All,Imaging,42", "too,short"]
out = lines[:1] + bad + lines[1:]
open(tmp + "/cipher-bad.csv", "w", newline="", encoding="utf-8").write("\n".join(out))
# KEV with one entry's dateAdded broken; expected line = where that entry starts.
src = open(d + "/intel/kev.json", encoding="utf-8").read()
k = json.loads(src)
victim = k["vulnerabilities"][100]["cveID"]
pos = src.index('"' + victim + '"')
start = src.rindex("{", 0, pos)
line = src.count("\n", 0, start) + 1
k["vulnerabilities"][100]["dateAdded"] = "2022-02-31"
# re-serialise with the same layout so the line is still right
txt = json.dumps(k, indent=4)
pos = txt.index('"' + victim + '"')
line = txt.count("\n", 0, txt.rindex("{", 0, pos)) + 1
open(tmp + "/kev-bad.json", "w").write(txt)
open(tmp + "/kev-bad.line", "w").write(str(line))
# KEV with a syntax error: a missing comma inside entry 5.
lines = json.dumps(k, indent=4).split("\n")
idx = [i for i, l in enumerate(lines) if '"cveID"' in l][5]
lines[idx] = lines[idx].rstrip(",")
open(tmp + "/kev-syntax.json", "w").write("\n".join(lines))
open(tmp + "/kev-syntax.line", "w").write(str(idx + 2))
PY
V source import cipher "$TMP/cipher-bad.csv" --publisher CIPHER --stakeholder academia --db "$TMP/bad.db" >"$TMP/c.out" 2>"$TMP/c.err" || fail "cipher import with bad rows"
grep -q "cipher-bad.csv:2: clinical impact score '42'" "$TMP/c.err" || fail "bad CSV score not reported at line 2: $(cat "$TMP/c.err")"
grep -q "cipher-bad.csv:3: 2 fields" "$TMP/c.err" || fail "short CSV row not reported at line 3: $(cat "$TMP/c.err")"
grep -q "316 records, 2 malformed" "$TMP/c.out" || fail "cipher counts: $(cat "$TMP/c.out")"
V source import kev "$TMP/kev-bad.json" --publisher CISA --stakeholder government --db "$TMP/bad.db" >"$TMP/k.out" 2>"$TMP/k.err" || fail "kev import with a bad entry"
grep -q "kev-bad.json:$(cat "$TMP/kev-bad.line"): .*dateAdded '2022-02-31'" "$TMP/k.err" || fail "bad KEV entry not reported at line $(cat "$TMP/kev-bad.line"): $(cat "$TMP/k.err")"
grep -q "1403 records, 1 malformed" "$TMP/k.out" || fail "kev counts: $(cat "$TMP/k.out")"
V source import kev "$TMP/kev-syntax.json" --publisher CISA --stakeholder government --db "$TMP/bad.db" >"$TMP/s.out" 2>"$TMP/s.err" || fail "kev import with a syntax error"
grep -q "kev-syntax.json:$(cat "$TMP/kev-syntax.line"): JSON syntax error" "$TMP/s.err" || fail "JSON syntax error not at line $(cat "$TMP/kev-syntax.line"): $(cat "$TMP/s.err")"
grep -q "^kev .*: 5 records, 1 malformed" "$TMP/s.out" || fail "entries before a syntax error: $(cat "$TMP/s.out")"
sql "$TMP/bad.db" "SELECT count(*) FROM source_issue" | grep -qx 4 || fail "issues not stored"

# ---- an EVE file with an asset map -------------------------------------------
python3 - "$TMP" <<'PY'
import json, random, sys
tmp = sys.argv[1]
rnd = random.Random(7)
sigs = [(2030001, "ET EXPLOIT Possible Ivanti Connect Secure exploitation"),
        (2031002, "ET MALWARE Cobalt Strike Beacon Observed"),
        (2032003, "ET SCAN Modbus Scan"), (2033004, "ET POLICY DNP3 unsolicited response")]
with open(tmp + "/eve.json", "w") as f:
    for i in range(100000):
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        ts = "2021-%02d-%02dT%02d:00:00.%06d+0000" % (month, day, i % 24, i % 1000000)
        dst = rnd.choice(["10.1.0.5", "10.2.0.7", "172.16.0.9", "192.168.5.5"])
        e = {"timestamp": ts, "flow_id": i, "src_ip": "203.0.113.%d" % (i % 250),
             "src_port": 40000 + i % 1000, "dest_ip": dst, "dest_port": 502, "proto": "TCP"}
        r = i % 10
        if r < 3:
            sid, msg = sigs[i % len(sigs)]
            e.update(event_type="alert", alert={"action": "allowed", "gid": 1,
                     "signature_id": sid, "rev": 1, "signature": msg,
                     "category": "Attempted Administrator Privilege Gain", "severity": 1})
        elif r < 4:
            e.update(event_type="anomaly", anomaly={"type": "decode", "event": "ipv4.trunc_pkt"})
        elif r < 8:
            e.update(event_type="flow", flow={"pkts_toserver": 3, "pkts_toclient": 2,
                     "bytes_toserver": 300, "bytes_toclient": 200, "state": "closed"})
        else:
            e.update(event_type="dns", dns={"type": "query"})
        f.write(json.dumps(e) + "\n")
    f.write("not json at all\n")
PY
cat >"$TMP/assets.yaml" <<'Y'
assets:
  - network: 10.1.0.0/16
    organisation: Central Hospital
    sector: health
    country: FR
  - network: 10.2.0.0/16
    organisation: Water Board
    sector: water
    country: FR
  - host: 172.16.0.9
    organisation: Grid Operator
    sector: energy
    country: DE
Y
V import eve "$TMP/eve.json" --db "$DB" --assets "$TMP/assets.yaml" >"$TMP/eve.out" 2>"$TMP/eve.err" || fail "import eve: $(cat "$TMP/eve.err")"
grep -q "eve.json:100001: not a JSON object" "$TMP/eve.err" || fail "malformed EVE line not reported: $(cat "$TMP/eve.err")"
echo "eve import: $(cat "$TMP/eve.out")"
V import eve "$TMP/eve.json" --db "$DB" >"$TMP/eve2.out" 2>/dev/null
grep -q " 0 alerts, 0 anomalies, 0 flows stored, 80000 already present" "$TMP/eve2.out" || fail "EVE re-import: $(cat "$TMP/eve2.out")"

# ---- figures against independent counts --------------------------------------
brief_json() { V brief --db "$DB" --format json -o "$1" "${@:2}" || fail "brief ${*:2}"; }
brief_json "$TMP/h2021.json" --from 2021-01-01 --to 2021-12-31 --sector health
brief_json "$TMP/a2021.json" --from 2021-01-01 --to 2021-12-31
brief_json "$TMP/mar2022.json" --from 2022-03-01 --to 2022-03-31
python3 - "$D" "$TMP" "$TMP/eve.json" <<'PY'
import csv, json, sys
from collections import defaultdict
d, tmp, eve = sys.argv[1:4]
E = d + "/incidents/eurepoc/"
def rows(name):
    return list(csv.DictReader(open(E + name, newline="", encoding="utf-8")))
# Incident facets from the raw extracts: start date, types, health targeting.
date, types, health = {}, defaultdict(set), set()
for name in ["dashboard_evolution_data.csv", "dashboard_incident_types_data.csv"]:
    for r in rows(name):
        if r["start_date"]:
            date[r["ID"]] = min(date.get(r["ID"], "9999"), r["start_date"])
        types[r["ID"]].add(r["incident_type"])
for r in rows("dashboard_targeted_sectors_data.csv"):
    if r["start_date"]:
        date[r["ID"]] = min(date.get(r["ID"], "9999"), r["start_date"])
    if r["receiver_category"] == "Critical infrastructure" and r["receiver_category_subcode"] == "Health":
        health.add(r["ID"])
in2021 = {i for i, dt in date.items() if dt.startswith("2021")}
exp = {
    "h2021:incidents.threat.ransomware.current": len({i for i in in2021 & health if "Ransomware" in types[i]}),
    "h2021:incidents.total.current": len(in2021 & health),
    "a2021:incidents.total.current": len(in2021),
    "a2021:incidents.threat.ransomware.current": len({i for i in in2021 if "Ransomware" in types[i]}),
    "a2021:incidents.sector.health.current": len(in2021 & health),
}
kev = json.load(open(d + "/intel/kev.json"))["vulnerabilities"]
exp["mar2022:kev.added.current"] = sum(1 for v in kev if v["dateAdded"].startswith("2022-03"))
exp["mar2022:kev.ransomware.current"] = sum(1 for v in kev if v["dateAdded"].startswith("2022-03") and v["knownRansomwareCampaignUse"] == "Known")
# KEV's launch-day initial load (2021-11-03) is counted apart, not as additions.
exp["a2021:kev.added.current"] = sum(1 for v in kev if v["dateAdded"].startswith("2021") and v["dateAdded"] != "2021-11-03")
exp["a2021:kev.initial_load.current"] = sum(1 for v in kev if v["dateAdded"] == "2021-11-03")
exp["a2021:kev.age.5+.current"] = sum(1 for v in kev if v["dateAdded"].startswith("2021") and v["dateAdded"] != "2021-11-03" and int(v["dateAdded"][:4]) - int(v["cveID"][4:8]) >= 5)
cipher = list(csv.DictReader(open(d + "/incidents/cipher/cipher.csv", newline="", encoding="utf-8")))
exp["a2021:harm.total"] = len(cipher)
exp["a2021:harm.high_impact"] = sum(1 for r in cipher if int(r["Clinical Impact Score"]) >= 8)
ev = [json.loads(l) for l in open(eve) if l.startswith("{")]
alerts = [e for e in ev if e["event_type"] == "alert"]
exp["a2021:detections.alerts.current"] = len(alerts)
exp["h2021:detections.alerts.current"] = sum(1 for e in alerts if e["dest_ip"].startswith("10.1."))
exp["a2021:detections.sector.energy"] = sum(1 for e in alerts if e["dest_ip"] == "172.16.0.9")
exp["a2021:detections.anomalies.current"] = sum(1 for e in ev if e["event_type"] == "anomaly")
exp["a2021:detections.flows.current"] = sum(1 for e in ev if e["event_type"] == "flow")
bad = 0
for key, want in sorted(exp.items()):
    f, fig = key.split(":")
    got = json.load(open("%s/%s.json" % (tmp, f)))["figures"].get(fig)
    ok = got == want
    bad += not ok
    print("%-5s %-45s vigil=%s expected=%s" % ("ok" if ok else "DIFF", key, got, want))
assert exp["h2021:incidents.threat.ransomware.current"] > 0, "fixture expectation is trivial"
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] || fail "figures differ from independent counts"

# ---- formats and determinism ----------------------------------------------------
V brief --db "$DB" --from 2021-01-01 --to 2023-12-31 -o "$TMP/b1.html"
V brief --db "$DB" --from 2021-01-01 --to 2023-12-31 -o "$TMP/b2.html"
cmp -s "$TMP/b1.html" "$TMP/b2.html" || fail "HTML output not deterministic"
V brief --db "$DB" --from 2021-01-01 --to 2023-12-31 --format md -o "$TMP/b.md"
V brief --db "$DB" --from 2021-01-01 --to 2023-12-31 --format json -o "$TMP/b.json"
python3 - "$TMP" <<'PY' || fail "formats disagree"
import json, re, sys
t = sys.argv[1]
j = json.load(open(t + "/b.json"))
md = open(t + "/b.md", encoding="utf-8").read()
html = open(t + "/b1.html", encoding="utf-8").read()
ids = [s["id"] for s in j["sections"]]
want = ["key-judgements", "trend", "sectors", "threats", "where-who", "vulnerabilities",
        "patients", "detections", "themes", "recommendations", "method", "citations"]
assert ids == want, ids
for s in j["sections"]:
    assert "## " + s["title"] in md, s["title"]
    assert 'id="%s"' % s["id"] in html, s["id"]
    for b in s["blocks"]:
        if b["type"] == "chart":
            assert b["title"] in md and any(v for d in b["data"] for v in (d["values"] or [])), b["title"]
n = j["figures"]["incidents.total.current"]
assert "{:,}".format(n) in md and "{:,}".format(n) in html
assert "<script" not in html and "src=" not in html
# A key missing from the message catalogue is rendered as the key itself.
keys = re.findall(r"\b(?:brief|section|judgement|change|trend|sectors|threats|where|who|kev|harm|"
                  r"det|theme|method|caveat|col|sector|threat|stakeholder|coverage|compare|incidents|"
                  r"lag|cite|rec)\.[a-z][a-z.-]*[a-z]\b", md)
# file names the citations list (kev.json) are not keys
keys = [k for k in keys if not re.search(r"\.(json|csv|yaml)$", k)]
assert not keys, "untranslated message keys: %s" % sorted(set(keys))
print("sections and figures agree across html, md and json; no missing messages")
PY
V brief --db "$DB" --period 90d -o "$TMP/p.html" || fail "--period"
V brief --db "$DB" --period 90d --from 2021-01-01 -o "$TMP/p.html" 2>/dev/null && fail "--period with --from accepted"
V brief --db "$DB" --sector nowhere -o "$TMP/p.html" 2>/dev/null && fail "unknown sector accepted"

# ---- timing: all EuRepoC + KEV + the EVE file --------------------------------------
python3 - "$VIGIL_BIN" "$DB" "$TMP" <<'PY' || fail "briefing too slow"
import statistics, subprocess, sys, time
vigil, db, tmp = sys.argv[1:4]
ts = []
for i in range(5):
    t0 = time.perf_counter()
    subprocess.run([vigil, "brief", "--db", db, "--from", "2000-01-01", "--to", "2025-12-31",
                    "-o", tmp + "/all.html"], check=True)
    ts.append(time.perf_counter() - t0)
m = statistics.median(ts)
print("briefing over all EuRepoC + KEV + 100k-line EVE: median %.3f s of 5 (min %.3f, max %.3f)" % (m, min(ts), max(ts)))
sys.exit(0 if m < 2.0 else 1)
PY

# ---- headless Chromium -----------------------------------------------------------
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "NOTE: chromium not installed; render check not run"
	echo "PASS test_brief.sh (without render check)"
	exit 0
fi
PROFILE=$(mktemp -d)
CFLAGS_CHROME=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
	--disable-component-update --disable-sync --user-data-dir="$PROFILE" --enable-logging=stderr --v=0)
SHOT=${BRIEF_SCREENSHOT:-$TMP/brief.png}
timeout 120 "$CHROME" "${CFLAGS_CHROME[@]}" --dump-dom "file://$TMP/b1.html" >"$TMP/dom.html" 2>"$TMP/chrome.err" || fail "chromium --dump-dom: $(tail -5 "$TMP/chrome.err")"
timeout 120 "$CHROME" "${CFLAGS_CHROME[@]}" --window-size=1000,2600 --screenshot="$SHOT" "file://$TMP/b1.html" >/dev/null 2>>"$TMP/chrome.err" || fail "chromium --screenshot"
timeout 120 "$CHROME" "${CFLAGS_CHROME[@]}" --no-pdf-header-footer --print-to-pdf="$TMP/brief.pdf" "file://$TMP/b1.html" >/dev/null 2>>"$TMP/chrome.err" || fail "chromium --print-to-pdf"
rm -rf "$PROFILE"
head -c 5 "$TMP/brief.pdf" | grep -q "%PDF-" || fail "briefing does not print to PDF"
[ -s "$SHOT" ] || fail "no screenshot"
if grep -E "CONSOLE|Uncaught|Failed to load resource|net::ERR" "$TMP/chrome.err"; then
	fail "console errors while loading the briefing"
fi
python3 - "$TMP/dom.html" "$TMP/b1.html" <<'PY' || fail "rendered DOM"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
src = open(sys.argv[2], encoding="utf-8").read()
svgs = re.findall(r"<svg[^>]*>.*?</svg>", dom, re.S)
assert svgs and len(svgs) == src.count("<svg"), (len(svgs), src.count("<svg"))
for s in svgs:
    n = int(re.search(r'data-values="(\d+)"', s).group(1))
    bars = len(re.findall(r'<rect class="bar"', s))
    assert n > 0 and bars >= n, ("empty chart", s[:200])
assert "Key judgements" in dom
print("chromium: page loaded, %d charts, all with data" % len(svgs))
PY
echo "screenshot: $SHOT"
echo "PASS test_brief.sh"
