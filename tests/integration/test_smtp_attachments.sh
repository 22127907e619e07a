# An SMTP session written with craft.py sends one mail with three nested
# attachments: a binary file in base64, a text file in quoted-printable
# and one whose name is an RFC 2047 encoded word, in a multipart/alternative
# inside a multipart/mixed, the message split over many segments.  Each
# attachment's fileinfo (force-hash sha256) must carry the sha256 of the
# original bytes and the decoded name; the smtp event lists the three
# names; file.data and email.subject rules fire on the mail.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/m.pcap" "$(dirname "$0")" "$TMP/want.json" <<'PY'
import base64, hashlib, json, quopri, sys
sys.path.insert(0, sys.argv[2])
import craft
bin_data = bytes(range(256)) * 40 + b"\r\n.\r\nend"  # a dot line inside the data
qp_text = ("Caf\u00e9 cr\u00e8me = 3\u20ac\r\n" * 30 + "last line without end").encode()
rfc_data = b"plain text attachment\r\nsecond line"
rfc_name = "r\u00e9sum\u00e9 \u00fcber.txt"
b64 = base64.encodebytes(bin_data).replace(b"\n", b"\r\n")
# each line encoded alone: a QP line break stands for CRLF
qp = b"\r\n".join(quopri.encodestring(l).replace(b"\n", b"\r\n") for l in qp_text.split(b"\r\n"))
enc_name = "=?UTF-8?B?" + base64.b64encode(rfc_name.encode()).decode() + "?="
msg = (b"From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: quarterly report\r\n"
       b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer-1\"\r\n\r\n"
       b"--outer-1\r\nContent-Type: multipart/alternative; boundary=\"inner-2\"\r\n\r\n"
       b"--inner-2\r\nContent-Type: text/plain\r\n\r\nsee http://files.example.com/get\r\n"
       b"--inner-2\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
       b"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\n\r\n"
       + b64 + b"--inner-2--\r\n"
       b"--outer-1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
       b"Content-Disposition: attachment; filename=\"notes.txt\"\r\n\r\n" + qp + b"\r\n"
       b"--outer-1\r\nContent-Type: text/plain\r\nContent-Disposition: attachment;\r\n filename=\""
       + enc_name.encode() + b"\"\r\n\r\n" + rfc_data + b"\r\n--outer-1--\r\n")
# dot-stuffing as a client does
body = b"\r\n".join((b"." + l if l.startswith(b".") else l) for l in msg.split(b"\r\n"))
client = [b"EHLO client.example.org\r\n", b"MAIL FROM:<alice@example.org>\r\n",
          b"RCPT TO:<bob@example.net>\r\n", b"DATA\r\n"]
data = body + b"\r\n.\r\n"
client += [data[i:i + 700] for i in range(0, len(data), 700)] + [b"QUIT\r\n"]
server = [b"220 mx.example.net ESMTP\r\n", b"250-mx.example.net\r\n250 PIPELINING\r\n", b"250 ok\r\n",
          b"250 ok\r\n", b"354 go ahead\r\n", None, b"250 queued\r\n", b"221 bye\r\n"]
c, s, cp, sp = "10.1.0.5", "192.0.2.25", 41000, 25
ci, si = 100, 9000
fr = [craft.tcp(c, s, cp, sp, "S", seq=ci), craft.tcp(s, c, sp, cp, "SA", seq=si, ack=ci + 1),
      craft.tcp(c, s, cp, sp, "A", seq=ci + 1, ack=si + 1)]
ci += 1; si += 1
def send_s(d):
    global si
    fr.append(craft.tcp(s, c, sp, cp, "PA", seq=si, ack=ci, data=d)); si += len(d)
def send_c(d):
    global ci
    fr.append(craft.tcp(c, s, cp, sp, "PA", seq=ci, ack=si, data=d)); ci += len(d)
send_s(server[0])
for i, cmd in enumerate(client[:4]):
    send_c(cmd); send_s(server[i + 1])
for chunk in client[4:-1]:
    send_c(chunk); fr.append(craft.tcp(s, c, sp, cp, "A", seq=si, ack=ci))
send_s(server[6]); send_c(client[-1]); send_s(server[7])
fr += [craft.tcp(c, s, cp, sp, "FA", seq=ci, ack=si), craft.tcp(s, c, sp, cp, "FA", seq=si, ack=ci + 1),
       craft.tcp(c, s, cp, sp, "A", seq=ci + 1, ack=si + 1)]
craft.write(sys.argv[1], fr)
want = {"data.bin": hashlib.sha256(bin_data).hexdigest(), "notes.txt": hashlib.sha256(qp_text).hexdigest(),
        rfc_name: hashlib.sha256(rfc_data).hexdigest()}
json.dump(want, open(sys.argv[3], "w"))
PY
cat >"$TMP/c.yaml" <<'Y'
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - alert
        - smtp
        - files:
            force-hash: [sha256]
Y
cat >"$TMP/r.rules" <<'R'
alert smtp any any -> any any (msg:"subject"; email.subject; content:"quarterly"; sid:1;)
alert smtp any any -> any any (msg:"attachment bytes"; file.data; content:"|00 01 02 03|"; sid:2;)
alert smtp any any -> any any (msg:"url"; email.url; content:"files.example.com/get"; sid:3;)
R
"$VIGIL_BIN" -r "$TMP/m.pcap" -c "$TMP/c.yaml" -S "$TMP/r.rules" -l "$TMP" 2>"$TMP/err" ||
	fail "exit $?: $(cat "$TMP/err")"
python3 - "$TMP/eve.json" "$TMP/want.json" <<'PY' || fail "attachments"
import json, sys, collections
ev = [json.loads(l) for l in open(sys.argv[1])]
want = json.load(open(sys.argv[2]))
got = {e["fileinfo"]["filename"]: e["fileinfo"] for e in ev if e["event_type"] == "fileinfo"}
assert set(got) == set(want), (sorted(got), sorted(want))
for name, sha in want.items():
    fi = got[name]
    assert fi["state"] == "CLOSED" and fi["gaps"] is False, fi
    assert fi["sha256"] == sha, (name, fi["sha256"], sha)
smtp = [e for e in ev if e["event_type"] == "smtp"]
assert len(smtp) == 1, smtp
assert smtp[0]["smtp"]["mail_from"] == "<alice@example.org>", smtp[0]
assert sorted(smtp[0]["email"]["attachment"]) == sorted(want), smtp[0]["email"]
sids = collections.Counter(e["alert"]["signature_id"] for e in ev if e["event_type"] == "alert")
assert sids == {1: 1, 2: 1, 3: 1}, sids
PY
echo ok
