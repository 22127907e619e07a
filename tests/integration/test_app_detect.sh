# Protocols recognised without a parser (SMTP, FTP, SSH, SMB): a capture
# of one conversation each (written with craft.py) gets the right app_proto on its
# flow, a rule naming the protocol fires on its stream, and a rule naming
# another protocol does not.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/c.pcap" "$(dirname "$0")" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import craft
frames = []
def conv(port, cport, client, server):
    c, s = "10.0.0.1", "192.0.2.7"
    ci, si = 1000, 5000
    frames.extend([
        craft.tcp(c, s, cport, port, "S", seq=ci),
        craft.tcp(s, c, port, cport, "SA", seq=si, ack=ci + 1),
        craft.tcp(c, s, cport, port, "A", seq=ci + 1, ack=si + 1),
        craft.tcp(s, c, port, cport, "PA", seq=si + 1, ack=ci + 1, data=server),
        craft.tcp(c, s, cport, port, "PA", seq=ci + 1, ack=si + 1 + len(server), data=client),
        craft.tcp(s, c, port, cport, "A", seq=si + 1 + len(server), ack=ci + 1 + len(client)),
        craft.tcp(c, s, cport, port, "FA", seq=ci + 1 + len(client), ack=si + 1 + len(server)),
        craft.tcp(s, c, port, cport, "FA", seq=si + 1 + len(server), ack=ci + 2 + len(client)),
        craft.tcp(c, s, cport, port, "A", seq=ci + 2 + len(client), ack=si + 2 + len(server)),
    ])
conv(25, 40001, b"EHLO client.example\r\nMAIL FROM:<a@example.org>\r\n", b"220 mail.example ESMTP\r\n")
conv(21, 40002, b"USER anonymous\r\n", b"220 ftp ready\r\n")
conv(22, 40003, b"SSH-2.0-PuTTY_Release_0.78\r\n", b"SSH-2.0-OpenSSH_9.2p1\r\n")
conv(445, 40004, b"\x00\x00\x00\x44\xfeSMB" + bytes(64), b"\x00\x00\x00\x44\xfeSMB" + bytes(64))
craft.write(sys.argv[1], frames, step=0.01)
PY
cat >"$TMP/r.rules" <<'R'
alert smtp any any -> any any (msg:"smtp mail from"; flow:established,to_server; content:"MAIL FROM"; sid:1;)
alert ftp any any -> any any (msg:"ftp anonymous"; flow:to_server; content:"USER anonymous"; sid:2;)
alert ssh any any -> any any (msg:"ssh server"; flow:to_client; content:"OpenSSH"; sid:3;)
alert smb any any -> any any (msg:"smb2"; content:"|fe|SMB"; sid:4;)
alert ftp any any -> any any (msg:"ftp rule on smtp data"; content:"MAIL FROM"; sid:5;)
R
"$VIGIL_BIN" -r "$TMP/c.pcap" -S "$TMP/r.rules" -l "$TMP" 2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
python3 - "$TMP/eve.json" <<'PY' || fail "app_proto / alerts"
import json, sys, collections
ev = [json.loads(l) for l in open(sys.argv[1])]
flows = {e["dest_port"]: e.get("app_proto") for e in ev if e["event_type"] == "flow"}
assert flows == {25: "smtp", 21: "ftp", 22: "ssh", 445: "smb"}, flows
sids = collections.Counter(e["alert"]["signature_id"] for e in ev if e["event_type"] == "alert")
assert sids == {1: 1, 2: 1, 3: 1, 4: 2}, sids  # SMB: one per direction
PY
echo ok
