# A packet rule of a UDP application protocol (alert tftp ...; pkt_data)
# alerts with the transaction its packet made, as Suricata 8: the alert
# carries the tftp object and tx_id; a datagram that makes no
# transaction (DATA) and a plain `alert udp` rule carry none.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/t.pcap" "$(dirname "$0")" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import craft
C, S = "10.0.0.1", "10.0.0.2"
frames = [
    craft.udp(C, S, 40000, 69, b"\x00\x01boot/kernel.img\x00octet\x00"),
    craft.udp(S, C, 50000, 40000, b"\x00\x03\x00\x01" + b"kernel" * 10),
    craft.udp(C, S, 40002, 69, b"\x00\x02up/config.txt\x00NetASCII\x00"),
]
craft.write(sys.argv[1], frames)
PY
cat >"$TMP/r.rules" <<'R'
alert tftp any any -> any any (msg:"rrq"; pkt_data; content:"kernel.img"; sid:1;)
alert udp any any -> any any (msg:"udp rrq"; content:"kernel.img"; sid:2;)
alert udp any any -> any any (msg:"data"; content:"kernelkernel"; sid:3;)
alert tftp any any -> any any (msg:"wrq"; content:"config.txt"; sid:4;)
R
"$VIGIL_BIN" -k none -r "$TMP/t.pcap" -l "$TMP" -S "$TMP/r.rules" 2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
python3 - "$TMP/eve.json" <<'PY' || fail "alerts"
import json, sys
al = {e["alert"]["signature_id"]: e for e in map(json.loads, open(sys.argv[1])) if e["event_type"] == "alert"}
assert sorted(al) == [1, 2, 3, 4], sorted(al)
assert al[1]["tftp"] == {"packet": "read", "file": "boot/kernel.img", "mode": "octet"}, al[1]
assert al[1]["tx_id"] == 0, al[1]
assert al[4]["tftp"]["packet"] == "write" and al[4]["tftp"]["mode"] == "netascii", al[4]
for sid in (2, 3):
    assert "tftp" not in al[sid] and "tx_id" not in al[sid], al[sid]
PY
echo ok
