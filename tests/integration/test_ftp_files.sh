# Files over FTP (passive RETR, active STOR) and an HTTP multipart upload,
# in a capture crafted here: each file's fileinfo has the sha256 of the
# original bytes, its name from the command / Content-Disposition, the
# data connections are ftp-data with ftp_data events, and an
# `alert ftp-data` rule with ftpdata_command matches.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/f.pcap" "$TMP/want.json" "$(dirname "$0")" <<'PY'
import hashlib, json, sys
sys.path.insert(0, sys.argv[3])
import craft

frames = []

class Conn:
    def __init__(self, cli, srv, sp, dp):
        self.cli, self.srv, self.sp, self.dp = cli, srv, sp, dp
        self.cseq, self.sseq = 1000, 5000
        frames.append(craft.tcp(cli, srv, sp, dp, "S", seq=self.cseq - 1))
        frames.append(craft.tcp(srv, cli, dp, sp, "SA", seq=self.sseq - 1, ack=self.cseq))
        frames.append(craft.tcp(cli, srv, sp, dp, "A", seq=self.cseq, ack=self.sseq))

    def c(self, data):  # client -> server, acked
        for i in range(0, len(data), 1000):
            d = data[i:i + 1000]
            frames.append(craft.tcp(self.cli, self.srv, self.sp, self.dp, "PA", seq=self.cseq, ack=self.sseq, data=d))
            self.cseq += len(d)
            frames.append(craft.tcp(self.srv, self.cli, self.dp, self.sp, "A", seq=self.sseq, ack=self.cseq))

    def s(self, data):  # server -> client, acked
        for i in range(0, len(data), 1000):
            d = data[i:i + 1000]
            frames.append(craft.tcp(self.srv, self.cli, self.dp, self.sp, "PA", seq=self.sseq, ack=self.cseq, data=d))
            self.sseq += len(d)
            frames.append(craft.tcp(self.cli, self.srv, self.sp, self.dp, "A", seq=self.cseq, ack=self.sseq))

    def close(self):
        frames.append(craft.tcp(self.cli, self.srv, self.sp, self.dp, "FA", seq=self.cseq, ack=self.sseq))
        frames.append(craft.tcp(self.srv, self.cli, self.dp, self.sp, "FA", seq=self.sseq, ack=self.cseq + 1))
        frames.append(craft.tcp(self.cli, self.srv, self.sp, self.dp, "A", seq=self.cseq + 1, ack=self.sseq + 1))

retr = bytes((i * 7 + 3) % 256 for i in range(5000))
stor = b"root:x:0:0:root:/root:/bin/bash\n" * 40
up1 = bytes((i * 13) % 256 for i in range(3000)) + b"\r\n--not-the-boundary\r\n"
up2 = b"second file\r\n--\r\n"

C, S = "10.0.0.1", "10.0.0.2"
ctl = Conn(C, S, 40000, 21)
ctl.s(b"220 vigil test FTP\r\n")
ctl.c(b"USER anonymous\r\n"); ctl.s(b"331 Guest login ok\r\n")
ctl.c(b"PASS guest@\r\n"); ctl.s(b"230 Logged in\r\n")
# passive RETR
ctl.c(b"PASV\r\n"); ctl.s(b"227 Entering Passive Mode (10,0,0,2,195,80).\r\n")
ctl.c(b"RETR pub/passive.bin\r\n")
d = Conn(C, S, 40001, 195 * 256 + 80)
ctl.s(b"150 Opening BINARY mode data connection\r\n")
d.s(retr); d.close()
ctl.s(b"226 Transfer complete\r\n")
# active STOR: the server connects from port 20
ctl.c(b"PORT 10,0,0,1,156,66\r\n"); ctl.s(b"200 PORT command successful\r\n")
ctl.c(b"STOR up/active.txt\r\n")
d = Conn(S, C, 20, 156 * 256 + 66)
ctl.s(b"150 Ok to send data\r\n")
d.s(stor); d.close()
ctl.s(b"226 Transfer complete\r\n")
ctl.c(b"QUIT\r\n"); ctl.s(b"221 Goodbye\r\n")
ctl.close()

# HTTP multipart upload: two files and a form field
B = b"----vigilBoundary7MA4YWxk"
body = (b"--" + B + b"\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n"
        b"--" + B + b"\r\nContent-Disposition: form-data; name=\"f1\"; filename=\"one.bin\"\r\n"
        b"Content-Type: application/octet-stream\r\n\r\n" + up1 + b"\r\n"
        b"--" + B + b"\r\nContent-Disposition: form-data; name=\"f2\"; filename=\"two.txt\"\r\n\r\n"
        + up2 + b"\r\n--" + B + b"--\r\n")
h = Conn(C, S, 40100, 80)
h.c(b"POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Type: multipart/form-data; boundary="
    + B + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
h.s(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
h.close()

craft.write(sys.argv[1], frames)
want = {
    "pub/passive.bin": hashlib.sha256(retr).hexdigest(),
    "up/active.txt": hashlib.sha256(stor).hexdigest(),
    "one.bin": hashlib.sha256(up1).hexdigest(),
    "two.txt": hashlib.sha256(up2).hexdigest(),
}
json.dump(want, open(sys.argv[2], "w"))
PY
cat >"$TMP/c.yaml" <<'Y'
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - alert
        - ftp
        - http
        - files:
            force-hash: [sha256]
Y
cat >"$TMP/r.rules" <<'R'
alert ftp-data any any -> any any (msg:"retr"; ftpdata_command:retr; sid:1;)
alert ftp-data any any -> any any (msg:"stor"; ftpdata_command:stor; sid:2;)
alert ftp any any -> any any (msg:"pasv port"; ftp.dynamic_port:50000; sid:3;)
R
"$VIGIL_BIN" -k none -r "$TMP/f.pcap" -l "$TMP" -c "$TMP/c.yaml" -S "$TMP/r.rules" 2>"$TMP/err" ||
	fail "exit $?: $(cat "$TMP/err")"
python3 - "$TMP/eve.json" "$TMP/want.json" <<'PY' || fail "files"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
want = json.load(open(sys.argv[2]))
files = {e["fileinfo"]["filename"]: e for e in ev if e["event_type"] == "fileinfo"}
for name, sha in want.items():
    assert name in files, ("no fileinfo", name, sorted(files))
    fi = files[name]["fileinfo"]
    assert fi["state"] == "CLOSED" and fi.get("sha256") == sha, (name, fi)
assert files["pub/passive.bin"]["app_proto"] == "ftp-data"
assert files["up/active.txt"]["app_proto"] == "ftp-data"
assert files["one.bin"]["app_proto"] == "http"
data = sorted((e["ftp_data"]["command"], e["ftp_data"]["filename"]) for e in ev if e["event_type"] == "ftp_data")
assert data == [("RETR", "pub/passive.bin"), ("STOR", "up/active.txt")], data
# a transaction rule without a direction is judged on each side's packets
sids = sorted(set(e["alert"]["signature_id"] for e in ev if e["event_type"] == "alert"))
assert sids == [1, 2, 3], sids
ftp = [e["ftp"] for e in ev if e["event_type"] == "ftp"]
assert [f.get("command") for f in ftp] == [None, "USER", "PASS", "PASV", "RETR", "PORT", "STOR", "QUIT"], ftp
assert ftp[3]["dynamic_port"] == 50000 and ftp[3]["mode"] == "passive", ftp[3]
assert ftp[5]["dynamic_port"] == 40002 and ftp[5]["mode"] == "active", ftp[5]
assert "command_data" not in ftp[2], "password logged by default"
PY
echo ok
