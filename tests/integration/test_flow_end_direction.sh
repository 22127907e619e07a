# At a flow's end each direction's last data is parsed and logged on that
# direction's flow-timeout pseudo packet, as Suricata: a DNS-over-TCP
# response the client never acknowledged is parsed only then, and its dns
# event goes server to client (src_ip is the server); the query, parsed
# during the flow, goes client to server.  The same with and without rules.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/t.pcap" "$(dirname "$0")" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[2])
import craft
C, S = "10.0.0.1", "10.0.0.53"
def name(n):
    return b"".join(bytes([len(p)]) + p.encode() for p in n.split(".")) + b"\0"
q = struct.pack(">HHHHHH", 7, 0x0100, 1, 0, 0, 0) + name("a.example") + struct.pack(">HH", 1, 1)
r = struct.pack(">HHHHHH", 7, 0x8180, 1, 1, 0, 0) + name("a.example") + struct.pack(">HH", 1, 1)
r += b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 7])
q = struct.pack(">H", len(q)) + q
r = struct.pack(">H", len(r)) + r
F = [craft.tcp(C, S, 40000, 53, "S", 100),
     craft.tcp(S, C, 53, 40000, "SA", 500, 101),
     craft.tcp(C, S, 40000, 53, "A", 101, 501),
     craft.tcp(C, S, 40000, 53, "PA", 101, 501, q),
     craft.tcp(S, C, 53, 40000, "PA", 501, 101 + len(q), r)]  # never acknowledged
craft.write(sys.argv[1], F)
PY
echo 'alert dns any any -> any any (dns.query; content:"a.example"; sid:1;)' >"$TMP/r.rules"
for mode in rules none; do
	d="$TMP/$mode"; mkdir -p "$d"
	args=(); [ $mode = rules ] && args=(-S "$TMP/r.rules")
	"$VIGIL_BIN" -k none -r "$TMP/t.pcap" -l "$d" "${args[@]}" 2>"$d/err" || fail "exit $?: $(cat "$d/err")"
	python3 - "$d/eve.json" <<'PY' || fail "$mode: directions"
import json, sys
ev = [e for e in map(json.loads, open(sys.argv[1])) if e["event_type"] == "dns"]
q = [e for e in ev if e["dns"]["type"] == "request"]
a = [e for e in ev if e["dns"]["type"] == "response"]
assert len(q) == 1 and len(a) == 1, ev
assert q[0]["src_ip"] == "10.0.0.1" and q[0]["dest_port"] == 53, q
assert a[0]["src_ip"] == "10.0.0.53" and a[0]["src_port"] == 53, a
PY
done
echo ok
