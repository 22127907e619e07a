# fast.log and stats.log, as Suricata writes them when suricata.yaml's
# outputs ask (`- fast:`, `- stats:`): one fast.log line per alert with the
# same rule, addresses and ports as the EVE alert, "[wDrop] " / "[Drop] "
# before drop rules' lines (IDS / IPS), the classification's text and
# priority; stats.log blocks whose counters equal the EVE stats event's,
# zeros left out unless null-values; append: no starts the files afresh;
# and Suricata's stock suricata.yaml writes both.
. "$(dirname "$0")/lib.sh"
make_sample "$TMP/s.pcap"
cat >"$TMP/r.rules" <<'EOF'
alert tcp any any -> any any (msg:"text logs: SYN"; flags:S; sid:3100001; rev:2;)
drop tcp any any -> any 80 (msg:"text logs: drop to 80"; flags:S; classtype:attempted-admin; sid:3100002; rev:1;)
alert dns any any -> any any (msg:"text logs: dns"; dns.query; content:"."; sid:3100003; rev:1;)
EOF
cat >"$TMP/c.yaml" <<'EOF'
%YAML 1.1
---
outputs:
  - fast:
      enabled: yes
      filename: fast.log
      append: no
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - alert
        - stats
  - stats:
      enabled: yes
      filename: stats.log
      append: no
EOF

check() { # DIR IPS(0|1): fast.log against eve.json, stats.log against the stats event
	python3 - "$1" "$2" <<'PY'
import json, re, sys
d, ips = sys.argv[1], sys.argv[2] == "1"
line_re = re.compile(
    r"^(\d\d)/(\d\d)/(\d{4})-(\d\d):(\d\d):(\d\d)\.(\d{6})  (\[w?Drop\] )?\[\*\*\] \[(\d+):(\d+):(\d+)\] (.*) "
    r"\[\*\*\] \[Classification: (.*)\] \[Priority: (\d+)\] \{(\S+)\} (\S+):(\d+) -> (\S+):(\d+)$")
fast = []
for n, line in enumerate(open(d + "/fast.log"), 1):
    m = line_re.match(line.rstrip("\n"))
    assert m, f"fast.log line {n} not in Suricata's format: {line!r}"
    fast.append(m)
ev = [json.loads(l) for l in open(d + "/eve.json")]
alerts = [e for e in ev if e["event_type"] == "alert"]
assert len(fast) == len(alerts) > 0, (len(fast), len(alerts))
key = lambda sid, s, sp, dd, dp: (int(sid), s, int(sp), dd, int(dp))
want = sorted(key(a["alert"]["signature_id"], a["src_ip"], a.get("src_port", 0), a["dest_ip"], a.get("dest_port", 0)) for a in alerts)
got = sorted(key(m[10], m[16], m[17], m[18], m[19]) for m in fast)
assert want == got, ("fast.log and EVE alerts differ", set(want) ^ set(got))
for m in fast:
    sid = int(m[10])
    if sid == 3100002:
        assert m[8] == ("[Drop] " if ips else "[wDrop] "), m[0]
        assert m[13] == "Attempted Administrator Privilege Gain" and m[14] == "1", m[0]
    else:
        assert m[8] is None and m[13] == "(null)" and m[14] == "3", m[0]
    if sid == 3100001:
        assert m[11] == "2" and m[12] == "text logs: SYN" and m[15] == "TCP", m[0]
# stats.log: the last block equals the last EVE stats event, zeros left out
blocks = open(d + "/stats.log").read().split("Date: ")[1:]
assert blocks, "no stats.log block"
last = blocks[-1].splitlines()
assert re.match(r"^\d{1,2}/\d{1,2}/\d{4} -- \d\d:\d\d:\d\d \(uptime: \d+d, \d\dh \d\dm \d\ds\)$", last[0]), last[0]
assert re.match(r"^Counter +\| TM Name +\| Value$", last[2]), last[2]
rows = {}
for l in last[4:]:
    m = re.match(r"^(\S+) +\| Total +\| (\d+)$", l)
    assert m, f"stats.log row: {l!r}"
    rows[m[1]] = int(m[2])
def flat(o, pre=""):
    for k, v in o.items():
        if isinstance(v, dict):
            yield from flat(v, pre + k + ".")
        elif isinstance(v, int) and not isinstance(v, bool):
            yield pre + k, v
st = dict(flat([e for e in ev if e["event_type"] == "stats"][-1]["stats"]))
st.pop("uptime")
assert rows == {k: v for k, v in st.items() if v}, "stats.log differs from the EVE stats event"
assert rows["decoder.pkts"] > 0 and rows["detect.alert"] == len(alerts)
PY
}

mkdir "$TMP/ids" "$TMP/ips"
"$VIGIL_BIN" -r "$TMP/s.pcap" -S "$TMP/r.rules" -l "$TMP/ids" -c "$TMP/c.yaml" -q 2>"$TMP/e1" || { cat "$TMP/e1"; fail "IDS run"; }
check "$TMP/ids" 0 || fail "IDS run: fast.log / stats.log"
"$VIGIL_BIN" -r "$TMP/s.pcap" -S "$TMP/r.rules" -l "$TMP/ips" -c "$TMP/c.yaml" --simulate-ips --quiet 2>"$TMP/e2" || { cat "$TMP/e2"; fail "IPS run"; }
check "$TMP/ips" 1 || fail "--simulate-ips run: fast.log / stats.log"
# append: no — a second run starts the files afresh
n1=$(wc -l <"$TMP/ips/fast.log")
"$VIGIL_BIN" -r "$TMP/s.pcap" -S "$TMP/r.rules" -l "$TMP/ips" -c "$TMP/c.yaml" --simulate-ips --quiet 2>"$TMP/e3"
[ "$(wc -l <"$TMP/ips/fast.log")" = "$n1" ] || fail "append: no kept old fast.log lines"
[ "$(grep -c '^Date: ' "$TMP/ips/stats.log")" = 1 ] || fail "append: no kept an old stats.log block"
# null-values: yes writes the zero counters too
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP/ips" -c "$TMP/c.yaml" --set outputs.2.stats.null-values=yes --quiet 2>"$TMP/e4"
grep -q "^decoder.sctp  *| Total  *| 0$\|| Total  *| 0$" "$TMP/ips/stats.log" || fail "null-values: yes wrote no zero counter"

# Suricata's stock suricata.yaml asks for both (append: yes)
stock="${SHARED_DIR:-/nonexistent}/reference/suricata-ref.yaml"
if [ -f "$stock" ]; then
	mkdir "$TMP/stock"
	"$VIGIL_BIN" -r "$TMP/s.pcap" -S "$TMP/r.rules" -l "$TMP/stock" -c "$stock" --quiet 2>"$TMP/e5" ||
		{ tail "$TMP/e5"; fail "stock suricata.yaml"; }
	[ -s "$TMP/stock/fast.log" ] && grep -q "^Date: " "$TMP/stock/stats.log" ||
		fail "the stock suricata.yaml did not get fast.log and stats.log"
fi
echo ok
