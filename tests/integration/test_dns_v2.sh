# EVE dns version 2 (Suricata's output-json-dns.c: eve-log dns `version: 2`,
# or the SURICATA_EVE_DNS_VERSION environment variable, which wins): a
# request logs one "type":"query" event per question, a response one
# "type":"answer" event; version 3 (the default) logs the message once.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/d.pcap" "$(dirname "$0")" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[2])
import craft
def name(n):
    return b"".join(bytes([len(p)]) + p.encode() for p in n.split(".")) + b"\0"
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 2, 0, 0, 0)
q += name("one.example") + struct.pack(">HH", 1, 1)
q += name("two.example") + struct.pack(">HH", 28, 1)
r = struct.pack(">HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0)
r += name("one.example") + struct.pack(">HH", 1, 1)
r += b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 1])
craft.write(sys.argv[1], [craft.udp("10.0.0.1", "10.0.0.53", 40000, 53, q),
                          craft.udp("10.0.0.53", "10.0.0.1", 53, 40000, r)])
PY
cat >"$TMP/v2.yaml" <<'Y'
%YAML 1.1
---
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - dns:
            version: 2
Y
cat >"$TMP/v3.yaml" <<'Y'
%YAML 1.1
---
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - dns:
            version: 3
Y
check() { # dir, expected: "queries answers" for v2 or "v3"
	python3 - "$1/eve.json" "$2" <<'PY'
import json, sys
ev = [e["dns"] for e in map(json.loads, open(sys.argv[1])) if e["event_type"] == "dns"]
if sys.argv[2] == "v3":
    assert len(ev) == 2 and all(e.get("version") == 3 for e in ev), ev
else:
    qs = [e for e in ev if e.get("type") == "query"]
    an = [e for e in ev if e.get("type") == "answer"]
    assert [q["rrname"] for q in qs] == ["one.example", "two.example"], ev
    assert [q["rrtype"] for q in qs] == ["A", "AAAA"], ev
    assert len(an) == 1 and an[0]["version"] == 2 and an[0]["rcode"] == "NOERROR", ev
PY
}
for t in default env yaml envwins; do mkdir -p "$TMP/$t"; done
"$VIGIL_BIN" -k none -r "$TMP/d.pcap" -l "$TMP/default" 2>"$TMP/err" || fail "$(cat "$TMP/err")"
check "$TMP/default" v3 || fail "default is version 3"
SURICATA_EVE_DNS_VERSION=2 "$VIGIL_BIN" -k none -r "$TMP/d.pcap" -l "$TMP/env" 2>"$TMP/err" ||
	fail "$(cat "$TMP/err")"
check "$TMP/env" v2 || fail "environment version 2"
"$VIGIL_BIN" -k none -c "$TMP/v2.yaml" -r "$TMP/d.pcap" -l "$TMP/yaml" 2>"$TMP/err" ||
	fail "$(cat "$TMP/err")"
check "$TMP/yaml" v2 || fail "config version 2"
SURICATA_EVE_DNS_VERSION=2 "$VIGIL_BIN" -k none -c "$TMP/v3.yaml" -r "$TMP/d.pcap" \
	-l "$TMP/envwins" 2>"$TMP/err" || fail "$(cat "$TMP/err")"
check "$TMP/envwins" v2 || fail "the environment wins over the config"
echo ok
