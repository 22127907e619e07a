# The sensor over the generated sample capture: valid EVE, the expected
# event types, flows for each protocol, one stats event, decode anomalies.
. "$(dirname "$0")/lib.sh"
make_sample "$TMP/s.pcap"
cat >"$TMP/all.yaml" <<'Y'
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      ethernet: yes
      pcap-file: yes
      types:
        - alert
        - anomaly:
            enabled: yes
            types:
              decode: yes
        - flow
        - stats
Y
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" -c "$TMP/all.yaml" -k none 2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
EVE="$TMP/eve.json"
[ -s "$EVE" ] || fail "no eve.json"
python3 - "$EVE" <<'PY' || fail "EVE content"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
types = {}
for e in ev:
    assert "timestamp" in e and "event_type" in e, e
    assert e["timestamp"][19] == "." and e["timestamp"][-5] in "+-", e["timestamp"]
    types.setdefault(e["event_type"], []).append(e)
assert len(types.get("stats", [])) == 1, "want exactly one stats event"
flows = types.get("flow", [])
protos = {f["proto"] for f in flows}
assert {"TCP", "UDP", "ICMP"} <= protos, protos
for f in flows:
    fl = f["flow"]
    assert fl["pkts_toserver"] + fl["pkts_toclient"] > 0
    assert fl["reason"] in ("timeout", "shutdown", "forced")
    assert isinstance(f["flow_id"], int) and 0 < f["flow_id"] < 2**51
tcp = [f for f in flows if f["proto"] == "TCP" and f["flow"]["pkts_toclient"] > 0]
assert tcp and all("tcp" in f for f in tcp), "TCP flows carry tcp flags"
assert any(f["tcp"].get("state") for f in tcp)
an = types.get("anomaly", [])
assert an, "the sample's malformed packet gives an anomaly"
for a in an:
    assert a["anomaly"]["type"] == "decode" and a["anomaly"]["event"].startswith("decoder.")
    assert a["pcap_cnt"] > 0 and a["pkt_src"] == "wire/pcap"
    assert a["pcap_filename"].endswith("s.pcap")
# the fragment train is reassembled: a UDP flow whose packet came via defrag
st = types["stats"][0]["stats"]
assert st["decoder"]["pkts"] > 10
assert st["decoder"]["ipv4"] > 0 and st["decoder"]["tcp"] > 0
assert st["flow"]["total"] == len(flows), (st["flow"]["total"], len(flows))
print("ok", {k: len(v) for k, v in types.items()})
PY
# The event store is written by default and holds what eve.json holds.
python3 - "$TMP" <<'PY' || fail "vigil.db"
import json, sqlite3, sys
d = sys.argv[1]
flows = sum(1 for l in open(d + "/eve.json") if json.loads(l)["event_type"] == "flow")
db = sqlite3.connect(d + "/vigil.db")
n = db.execute("select count(*) from event where event_type = 'flow'").fetchone()[0]
assert n == flows and n > 0, (n, flows)
PY
# Built-in defaults (no -c): decode anomalies off, as in Suricata's default config.
mkdir "$TMP/d"
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP/d" 2>/dev/null || fail "default run"
[ "$(count_events "$TMP/d/eve.json" 'e["event_type"]=="anomaly"')" -eq 0 ] || fail "decode anomalies on by default"
[ "$(count_events "$TMP/d/eve.json" 'e["event_type"]=="flow"')" -gt 0 ] || fail "no flows by default"
mkdir "$TMP/n"
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP/n" --set outputs.2.sqlite.enabled=no 2>/dev/null || fail "run without store"
[ ! -e "$TMP/n/vigil.db" ] || fail "vigil.db written although disabled"
echo ok
