# Stream alerts across a reassembly gap: both sides of the hole are
# inspected, and the alert payload shows the hole as "[N bytes missing]".
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/gap.pcap" <<'PY'
import sys
sys.path.insert(0, "tests/integration")
import craft
c, s = "1.1.1.1", "2.2.2.2"
craft.write(sys.argv[1], [
    craft.tcp(c, s, 12345, 8080, "S", seq=0),
    craft.tcp(s, c, 8080, 12345, "SA", seq=0, ack=1),
    craft.tcp(c, s, 12345, 8080, "A", seq=1, ack=1),
    craft.tcp(c, s, 12345, 8080, "A", seq=1, ack=1, data="VERY"),
    craft.tcp(c, s, 12345, 8080, "A", seq=9, ack=1, data="DATA"),
    craft.tcp(s, c, 8080, 12345, "A", seq=1, ack=13),
])
PY
cat >"$TMP/r.rules" <<'R'
alert tcp-stream any any -> any any (content:"VERY"; sid:1;)
alert tcp-stream any any -> any any (content:"DATA"; sid:3;)
alert tcp-stream any any -> any any (content:"VERYGOODDATA"; sid:7;)
R
cat >"$TMP/c.yaml" <<'Y'
%YAML 1.1
---
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - alert:
            payload: yes
            payload-printable: yes
Y
"$VIGIL_BIN" -r "$TMP/gap.pcap" -S "$TMP/r.rules" -c "$TMP/c.yaml" -l "$TMP" -k none 2>/dev/null
for sid in 1 3; do
	n=$(count_events "$TMP/eve.json" "e['event_type'] == 'alert' and e['alert']['signature_id'] == $sid and e.get('payload_printable') == 'VERY[4 bytes missing]DATA'")
	[ "$n" = 1 ] || fail "sid $sid: $n alerts with the gap payload, want 1"
done
n=$(count_events "$TMP/eve.json" "e['event_type'] == 'alert' and e['alert']['signature_id'] == 7")
[ "$n" = 0 ] || fail "a pattern matched across the gap"
echo ok
