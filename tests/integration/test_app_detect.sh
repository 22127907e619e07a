# Protocols recognised without a parser (SMTP, FTP, SSH, SMB): a capture
# of one conversation each (written here) gets the right app_proto on its
# flow, a rule naming the protocol fires on its stream, and a rule naming
# another protocol does not.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/c.pcap" <<'PY'
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
t = [1700000000.0]
def pkt(src, dst, sp, dp, seq, ack, flags, data=b""):
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, bytes(src), bytes(dst))
    frame = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00" + ip + tcp
    t[0] += 0.01
    out.write(struct.pack("<IIII", int(t[0]), int(t[0] % 1 * 1e6), len(frame), len(frame)) + frame)
def conv(port, cport, client, server):
    c, s = [10, 0, 0, 1], [192, 0, 2, 7]
    ci, si = 1000, 5000
    pkt(c, s, cport, port, ci, 0, 0x02)
    pkt(s, c, port, cport, si, ci + 1, 0x12)
    pkt(c, s, cport, port, ci + 1, si + 1, 0x10)
    pkt(s, c, port, cport, si + 1, ci + 1, 0x18, server)
    pkt(c, s, cport, port, ci + 1, si + 1 + len(server), 0x18, client)
    pkt(s, c, port, cport, si + 1 + len(server), ci + 1 + len(client), 0x10)
    pkt(c, s, cport, port, ci + 1 + len(client), si + 1 + len(server), 0x11)
    pkt(s, c, port, cport, si + 1 + len(server), ci + 2 + len(client), 0x11)
    pkt(c, s, cport, port, ci + 2 + len(client), si + 2 + len(server), 0x10)
conv(25, 40001, b"EHLO client.example\r\nMAIL FROM:<a@example.org>\r\n", b"220 mail.example ESMTP\r\n")
conv(21, 40002, b"USER anonymous\r\n", b"220 ftp ready\r\n")
conv(22, 40003, b"SSH-2.0-PuTTY_Release_0.78\r\n", b"SSH-2.0-OpenSSH_9.2p1\r\n")
conv(445, 40004, b"\x00\x00\x00\x44\xfeSMB" + bytes(64), b"\x00\x00\x00\x44\xfeSMB" + bytes(64))
PY
cat >"$TMP/r.rules" <<'R'
alert smtp any any -> any any (msg:"smtp mail from"; flow:established,to_server; content:"MAIL FROM"; sid:1;)
alert ftp any any -> any any (msg:"ftp anonymous"; flow:to_server; content:"USER anonymous"; sid:2;)
alert ssh any any -> any any (msg:"ssh server"; flow:to_client; content:"OpenSSH"; sid:3;)
alert smb any any -> any any (msg:"smb2"; content:"|fe|SMB"; sid:4;)
alert ftp any any -> any any (msg:"ftp rule on smtp data"; content:"MAIL FROM"; sid:5;)
R
"$VIGIL_BIN" -r "$TMP/c.pcap" -S "$TMP/r.rules" -l "$TMP" -k none 2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
python3 - "$TMP/eve.json" <<'PY' || fail "app_proto / alerts"
import json, sys, collections
ev = [json.loads(l) for l in open(sys.argv[1])]
flows = {e["dest_port"]: e.get("app_proto") for e in ev if e["event_type"] == "flow"}
assert flows == {25: "smtp", 21: "ftp", 22: "ssh", 445: "smb"}, flows
sids = collections.Counter(e["alert"]["signature_id"] for e in ev if e["event_type"] == "alert")
assert sids == {1: 1, 2: 1, 3: 1, 4: 2}, sids  # SMB: one per direction
PY
echo ok
