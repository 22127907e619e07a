# Rule actions end to end: suricata.yaml's action-order decides which of
# several matching rules wins, and stream rules fall back to the packet
# payload when the segment never went into the stream (data on SYNs).
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/syn-data.pcap" <<'PY'
import sys
sys.path.insert(0, "tests/integration")
import craft
a, b = "192.168.1.5", "192.168.1.1"
craft.write(sys.argv[1], [
    craft.tcp(a, b, 41424, 80, "S", data="Hi all!\r\n"),
    craft.tcp(b, a, 80, 41424, "S", data="Hi all!\r\n"),
    craft.tcp(a, b, 41424, 80, "PA", data="Hi all!\r\n"),
])
PY
cat >"$TMP/r.rules" <<'R'
alert tcp any any -> any any (msg:"sig 1"; content:"Hi all"; sid:1;)
pass tcp any any -> any any (msg:"sig 2"; content:"Hi all"; sid:2;)
drop tcp any any -> any any (msg:"sig 3"; content:"Hi all"; sid:3;)
R
cat >"$TMP/drop-first.yaml" <<'Y'
%YAML 1.1
---
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - alert
        - flow
action-order:
  - drop
  - pass
  - reject
  - alert
Y

# Default order: pass comes first and silences everything.
mkdir "$TMP/a"
"$VIGIL_BIN" -r "$TMP/syn-data.pcap" -S "$TMP/r.rules" -l "$TMP/a" -k none --simulate-ips 2>/dev/null
n=$(count_events "$TMP/a/eve.json" 'e["event_type"] == "alert"')
[ "$n" = 0 ] || fail "default order: $n alerts, want 0"

# drop before pass: the drop rule alerts on each packet, on the packet payload.
mkdir "$TMP/b"
"$VIGIL_BIN" -r "$TMP/syn-data.pcap" -S "$TMP/r.rules" -l "$TMP/b" -k none --simulate-ips \
	-c "$TMP/drop-first.yaml" 2>/dev/null
n=$(count_events "$TMP/b/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 3')
[ "$n" = 3 ] || fail "action-order drop first: $n drop alerts, want 3"
n=$(count_events "$TMP/b/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] != 3')
[ "$n" = 0 ] || fail "action-order drop first: $n other alerts, want 0"
n=$(count_events "$TMP/b/eve.json" 'e["event_type"] == "flow" and e["flow"]["alerted"]')
[ "$n" = 1 ] || fail "flow not marked alerted"
echo ok
