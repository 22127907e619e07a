# detect.guess-applayer-tx, as Suricata 8 defines it (detect.c,
# IsOnlyTxInDirection): a stream alert takes the transaction being
# inspected in its direction when that is the only live one there, and
# says so with "tx_guessed": the second request of a keep-alive
# connection is transaction 1, not 0; without the setting no transaction.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/t.pcap" "$(dirname "$0")" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import craft
C, S = "10.0.0.1", "10.0.0.80"
q1 = b"GET /first HTTP/1.1\r\nHost: h\r\n\r\n"
r1 = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
q2 = b"GET /second HTTP/1.1\r\nHost: h\r\n\r\n"
r2 = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
c, s = 101, 501
F = [craft.tcp(C, S, 40000, 80, "S", 100), craft.tcp(S, C, 80, 40000, "SA", 500, 101),
     craft.tcp(C, S, 40000, 80, "A", c, s)]
for q, r in ((q1, r1), (q2, r2)):
    F.append(craft.tcp(C, S, 40000, 80, "PA", c, s, q)); c += len(q)
    F.append(craft.tcp(S, C, 80, 40000, "A", s, c))
    F.append(craft.tcp(S, C, 80, 40000, "PA", s, c, r)); s += len(r)
    F.append(craft.tcp(C, S, 40000, 80, "A", c, s))
F += [craft.tcp(C, S, 40000, 80, "FA", c, s), craft.tcp(S, C, 80, 40000, "FA", s, c + 1),
      craft.tcp(C, S, 40000, 80, "A", c + 1, s + 1)]
craft.write(sys.argv[1], F)
PY
echo 'alert tcp any any -> any 80 (msg:"second"; flow:to_server; content:"GET /second"; sid:1;)' >"$TMP/r.rules"
for g in yes no; do
	d="$TMP/$g"; mkdir -p "$d"
	"$VIGIL_BIN" -k none -r "$TMP/t.pcap" -l "$d" -S "$TMP/r.rules" \
		--set detect.guess-applayer-tx=$g 2>"$d/err" || fail "exit $?: $(cat "$d/err")"
	python3 - "$d/eve.json" "$g" <<'PY' || fail "guess=$g"
import json, sys
al = [e for e in map(json.loads, open(sys.argv[1])) if e["event_type"] == "alert"]
assert len(al) == 1, al
a = al[0]
if sys.argv[2] == "yes":
    assert a.get("tx_id") == 1 and a.get("tx_guessed") is True, a
    assert a["http"]["url"] == "/second", a
else:
    assert "tx_id" not in a and "tx_guessed" not in a, a
PY
done
echo ok
