# Rules on a mail's headers (email.*, smtp.*) are judged as soon as the
# headers are parsed, before the end of DATA, as Suricata does, and once:
# an email.cc rule alerts when the packet that completed the headers is in; rules
# that read the body (file.data, email.url), alone or with a header
# buffer, alert once when the mail ends; a mail in one packet alerts once.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/m.pcap" "$TMP/pkt.json" "$(dirname "$0")" <<'PY'
import base64, json, sys
sys.path.insert(0, sys.argv[3])
import craft
frames = []
C, S = "10.0.0.1", "10.0.0.2"
marks = {}
class Conn:
    def __init__(self, sp):
        self.sp, self.cseq, self.sseq = sp, 1000, 5000
        frames.append(craft.tcp(C, S, sp, 25, "S", seq=self.cseq - 1))
        frames.append(craft.tcp(S, C, 25, sp, "SA", seq=self.sseq - 1, ack=self.cseq))
        frames.append(craft.tcp(C, S, sp, 25, "A", seq=self.cseq, ack=self.sseq))
    def c(self, data, mark=None):
        frames.append(craft.tcp(C, S, self.sp, 25, "PA", seq=self.cseq, ack=self.sseq, data=data))
        if mark:
            marks[mark] = len(frames)
        self.cseq += len(data)
        frames.append(craft.tcp(S, C, 25, self.sp, "A", seq=self.sseq, ack=self.cseq))
    def s(self, data):
        frames.append(craft.tcp(S, C, 25, self.sp, "PA", seq=self.sseq, ack=self.cseq, data=data))
        self.sseq += len(data)
        frames.append(craft.tcp(C, S, self.sp, 25, "A", seq=self.cseq, ack=self.sseq))
    def close(self):
        frames.append(craft.tcp(C, S, self.sp, 25, "FA", seq=self.cseq, ack=self.sseq))
        frames.append(craft.tcp(S, C, 25, self.sp, "FA", seq=self.sseq, ack=self.cseq + 1))
        frames.append(craft.tcp(C, S, self.sp, 25, "A", seq=self.cseq + 1, ack=self.sseq + 1))

headers = (b"From: alice@example.com\r\nTo: carol@example.com\r\nCc: bob@example.org\r\n"
           b"Subject: invoice\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n")
att = base64.b64encode(b"MZ-attachment-payload" * 4)
body = (b"--XX\r\nContent-Type: text/plain\r\n\r\nsee http://evil.example/pay\r\n"
        b"--XX\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment; filename=\"a.exe\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + att + b"\r\n--XX--\r\n")

def mail(conn, split):
    conn.s(b"220 mx ESMTP\r\n")
    conn.c(b"EHLO client\r\n"); conn.s(b"250 mx\r\n")
    conn.c(b"MAIL FROM:<alice@example.com>\r\n"); conn.s(b"250 ok\r\n")
    conn.c(b"RCPT TO:<carol@example.com>\r\n"); conn.s(b"250 ok\r\n")
    conn.c(b"DATA\r\n"); conn.s(b"354 go\r\n")
    if split:
        conn.c(headers, "headers1")
        conn.c(body, "body1")
        conn.c(b".\r\n", "end1")
    else:
        conn.c(headers + body + b".\r\n", "whole2")
    conn.s(b"250 queued\r\n")
    conn.c(b"QUIT\r\n"); conn.s(b"221 bye\r\n")
    conn.close()

mail(Conn(40000), True)
mail(Conn(40001), False)
craft.write(sys.argv[1], frames)
json.dump(marks, open(sys.argv[2], "w"))
PY
cat >"$TMP/r.rules" <<'R'
alert smtp any any -> any any (msg:"cc"; email.cc; content:"bob@example.org"; sid:1;)
alert smtp any any -> any any (msg:"attachment"; file.data; content:"MZ-attachment"; sid:2;)
alert smtp any any -> any any (msg:"subject and body"; email.subject; content:"invoice"; file.data; content:"MZ-"; sid:3;)
alert smtp any any -> any any (msg:"url"; email.url; content:"evil.example"; sid:4;)
alert smtp any any -> any any (msg:"helo"; smtp.helo; content:"client"; sid:5;)
R
"$VIGIL_BIN" -k none -r "$TMP/m.pcap" -l "$TMP" -S "$TMP/r.rules" 2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
python3 - "$TMP/eve.json" "$TMP/pkt.json" <<'PY' || fail "alerts"
import json, sys
marks = json.load(open(sys.argv[2]))
al = [e for e in map(json.loads, open(sys.argv[1])) if e["event_type"] == "alert"]
by = {}
for e in al:
    by.setdefault((e["src_port"], e["alert"]["signature_id"]), []).append(e["pcap_cnt"])
# mail 1, in packets: the header rules once the headers' packet is in
# (on the next packet of the client: IDS mode), before the mail ends; the
# others at the end
for sid in (1, 5):
    assert len(by[(40000, sid)]) == 1, (sid, by)
    assert marks["headers1"] <= by[(40000, sid)][0] < marks["end1"], (sid, by)
for sid in (2, 3, 4):
    assert len(by[(40000, sid)]) == 1 and by[(40000, sid)][0] >= marks["end1"], (sid, by)
# mail 2, in one packet: each rule once, when that packet is in
for sid in (1, 2, 3, 4, 5):
    assert len(by[(40001, sid)]) == 1, (sid, by)
    assert marks["whole2"] <= by[(40001, sid)][0] <= marks["whole2"] + 3, (sid, by)
cc = [e for e in al if e["alert"]["signature_id"] == 1][0]
assert cc["email"]["cc"] == ["bob@example.org"], cc
PY
echo ok
