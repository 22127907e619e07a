#!/usr/bin/env bash
# Runs vigil with the rule pack (rules/vigil-ci.rules) over every attack
# scenario and scores the alerts against the scenario's ground truth:
# prints, per step, which sids fired.  Fails on any alert attributed to a
# benign step or to no step at all (a false positive is a rule bug), and on
# any missed malicious step (every step is detected today: a miss is a
# regression in the rules or the engine).  VIGIL_RULES_REPORT_ONLY=1 turns
# misses into a report.
source "$(dirname "$0")/lib.sh"
RULES="$(dirname "$0")/../../rules/vigil-ci.rules"
[ -f "$RULES" ] || skip "rules/vigil-ci.rules not present"

status=0
for name in $("$VIGIL_BIN" scenario list | awk '$1 != "sample" {print $1}'); do
	pcap="$TMP/$name.pcap"
	"$VIGIL_BIN" scenario write "$name" -o "$pcap" >/dev/null || fail "$name: write failed"
	mkdir -p "$TMP/$name"
	"$VIGIL_BIN" -r "$pcap" -S "$RULES" -l "$TMP/$name" >"$TMP/$name.log" 2>&1 ||
		fail "$name: vigil failed: $(tail -3 "$TMP/$name.log")"
	# vigil's own scorer must agree with the independent one below.
	"$VIGIL_BIN" scenario score "$TMP/$name.truth.json" "$TMP/$name/eve.json" >"$TMP/$name.score" || true
	c_line=$(head -1 "$TMP/$name.score" | sed 's/^[^:]*: //')
	python3 - "$TMP/$name.truth.json" "$TMP/$name/eve.json" "$name" >"$TMP/$name.py" <<'PY' || status=1
import collections, datetime, json, sys
truth = json.load(open(sys.argv[1]))
steps = truth["steps"]

def us(ts):
    d = datetime.datetime.strptime(ts[:26], "%Y-%m-%dT%H:%M:%S.%f")
    return int(d.replace(tzinfo=datetime.timezone.utc).timestamp() * 1e6)

def step_for(e):
    """Exact 5-tuple of a listed flow first, else endpoints within the step's time span."""
    t = us(e["timestamp"])
    k = (e.get("src_ip"), e.get("src_port"), e.get("dest_ip"), e.get("dest_port"))
    fallback = None
    for s in steps:
        if not s["start_us"] - 1 <= t <= s["end_us"] + 1:
            continue
        for f in s["flows"]:
            fk = (f["src_ip"], f["src_port"], f["dest_ip"], f["dest_port"])
            if k in (fk, (fk[2], fk[3], fk[0], fk[1])):
                return s["id"]
        ips = {e.get("src_ip"), e.get("dest_ip")}
        src = ips & set(s["src_ips"]) or s["src_ip_count"] > len(s["src_ips"])
        dst = ips & set(s["dest_ips"]) or s["dest_ip_count"] > len(s["dest_ips"])
        if src and dst and ips & set(s["src_ips"] + s["dest_ips"]):
            fallback = fallback or s["id"]
    return fallback

hits = collections.defaultdict(collections.Counter)
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e.get("event_type") == "alert":
        hits[step_for(e)][e["alert"]["signature_id"]] += 1
mal = [s for s in steps if s["malicious"]]
found = sum(1 for s in mal if hits.get(s["id"]))
fp = sum(sum(hits[s["id"]].values()) for s in steps if not s["malicious"] and s["id"] in hits)
fp += sum(hits[None].values()) if None in hits else 0
print("%s: %d/%d malicious steps detected, %d false alerts" % (sys.argv[3], found, len(mal), fp))
for s in steps:
    h = hits.get(s["id"])
    print("  %-9s %-26s %s" % ("malicious" if s["malicious"] else "benign", s["id"],
                              " ".join("%d×%d" % (n, sid) for sid, n in sorted(h.items())) if h else "-"))
if None in hits:
    print("  unattributed:", dict(hits[None]))
import os
missed = found < len(mal) and os.environ.get("VIGIL_RULES_REPORT_ONLY") != "1"
sys.exit(1 if fp or missed else 0)
PY
	cat "$TMP/$name.py"
	py_line=$(head -1 "$TMP/$name.py" | sed 's/^[^:]*: //')
	[ "$c_line" = "$py_line" ] || fail "$name: vigil scenario score says '$c_line', independent scorer '$py_line'"
done

# The same pack over the real captures in ../shared: report what fires (a
# reviewer checks each hit is a true positive; see the rule comments).
if [ -d "${SHARED_DIR:-/nonexistent}/data/pcaps" ]; then
	echo "rule pack over ../shared/data/pcaps:"
	find "$SHARED_DIR/data/pcaps" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) |
		sort | while read -r f; do
		rm -rf "$TMP/shared" && mkdir -p "$TMP/shared"
		timeout 120 "$VIGIL_BIN" -r "$f" -S "$RULES" -l "$TMP/shared" >/dev/null 2>&1 || true
		[ -s "$TMP/shared/eve.json" ] || continue
		python3 - "$TMP/shared/eve.json" "${f#"$SHARED_DIR"/data/pcaps/}" <<'PY'
import collections, json, sys
n = collections.Counter()
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event_type") == "alert":
        n[(e["alert"]["signature_id"], e["alert"]["signature"])] += 1
for (sid, msg), c in sorted(n.items()):
    print("  %-60s %5d x %d %s" % (sys.argv[2], c, sid, msg))
PY
	done
else
	echo "../shared not present: real-capture report skipped"
fi
exit $status
