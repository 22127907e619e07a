# File extraction (file-store v2): files of a capture crafted here (an
# HTTP download, a multipart upload, FTP passive RETR) are stored under
# dir/XX/<sha256> and each stored file's SHA-256 is the original's; the
# fileinfo events say stored/file_id; write-fileinfo side files; the
# filestore keyword stores only what its rule matched; a file-store
# stream-depth cuts a file at the last whole segment below it (TRUNCATED,
# stored up to there) while a file that ends exactly there is CLOSED.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP" "$(dirname "$0")" <<'PY'
import hashlib, json, sys
sys.path.insert(0, sys.argv[2])
import craft

def capture(path, retr):
    frames = []

    class Conn:
        def __init__(self, cli, srv, sp, dp):
            self.cli, self.srv, self.sp, self.dp = cli, srv, sp, dp
            self.cseq, self.sseq = 1000, 5000
            frames.append(craft.tcp(cli, srv, sp, dp, "S", seq=self.cseq - 1))
            frames.append(craft.tcp(srv, cli, dp, sp, "SA", seq=self.sseq - 1, ack=self.cseq))
            frames.append(craft.tcp(cli, srv, sp, dp, "A", seq=self.cseq, ack=self.sseq))

        def c(self, data):
            for i in range(0, len(data), 1000):
                d = data[i:i + 1000]
                frames.append(craft.tcp(self.cli, self.srv, self.sp, self.dp, "PA", seq=self.cseq, ack=self.sseq, data=d))
                self.cseq += len(d)
                frames.append(craft.tcp(self.srv, self.cli, self.dp, self.sp, "A", seq=self.sseq, ack=self.cseq))

        def s(self, data):
            for i in range(0, len(data), 1000):
                d = data[i:i + 1000]
                frames.append(craft.tcp(self.srv, self.cli, self.dp, self.sp, "PA", seq=self.sseq, ack=self.cseq, data=d))
                self.sseq += len(d)
                frames.append(craft.tcp(self.cli, self.srv, self.sp, self.dp, "A", seq=self.cseq, ack=self.sseq))

        def close(self):
            frames.append(craft.tcp(self.cli, self.srv, self.sp, self.dp, "FA", seq=self.cseq, ack=self.sseq))
            frames.append(craft.tcp(self.srv, self.cli, self.dp, self.sp, "FA", seq=self.sseq, ack=self.cseq + 1))
            frames.append(craft.tcp(self.cli, self.srv, self.sp, self.dp, "A", seq=self.cseq + 1, ack=self.sseq + 1))

    C, S = "10.0.0.1", "10.0.0.2"
    h = Conn(C, S, 40100, 80)
    h.c(b"GET /get/report.bin HTTP/1.1\r\nHost: example.com\r\n\r\n")
    h.s(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(dl) + dl)
    B = b"----vigilBoundary"
    body = (b"--" + B + b"\r\nContent-Disposition: form-data; name=\"f\"; filename=\"up.txt\"\r\n\r\n"
            + up + b"\r\n--" + B + b"--\r\n")
    h.c(b"POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Type: multipart/form-data; boundary="
        + B + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    h.s(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    h.close()
    ctl = Conn(C, S, 40000, 21)
    ctl.s(b"220 FTP\r\n")
    ctl.c(b"USER anonymous\r\n"); ctl.s(b"331 ok\r\n")
    ctl.c(b"PASS x@\r\n"); ctl.s(b"230 ok\r\n")
    ctl.c(b"PASV\r\n"); ctl.s(b"227 Entering Passive Mode (10,0,0,2,195,80).\r\n")
    ctl.c(b"RETR pub/big.bin\r\n")
    d = Conn(C, S, 40001, 195 * 256 + 80)
    ctl.s(b"150 Opening\r\n")
    d.s(retr); d.close()
    ctl.s(b"226 Transfer complete\r\n")
    ctl.close()
    craft.write(path, frames)

dl = bytes((i * 7 + 3) % 256 for i in range(5000))
up = b"uploaded text\n" * 50
retr = bytes((i * 11 + 5) % 256 for i in range(20000))
capture(sys.argv[1] + "/f.pcap", retr)
capture(sys.argv[1] + "/exact.pcap", retr[:10000])
sha = lambda b: hashlib.sha256(b).hexdigest()
json.dump({"/get/report.bin": sha(dl), "up.txt": sha(up), "pub/big.bin": sha(retr),
           "cut": sha(retr[:10000])}, open(sys.argv[1] + "/want.json", "w"))
PY
conf() { # $1 force-filestore, $2 extra file-store lines, $3 extra top-level lines
	cat >"$TMP/c.yaml" <<Y
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - alert
        - files
  - file-store:
      version: 2
      enabled: yes
      dir: fs
      write-fileinfo: yes
      force-filestore: $1
$2
$3
Y
}
run() { # $1 pcap, $2 rules text, $3 output dir
	mkdir -p "$3"
	printf '%s\n' "$2" >"$TMP/r.rules"
	"$VIGIL_BIN" -k none -r "$1" -l "$3" -c "$TMP/c.yaml" -S "$TMP/r.rules" 2>"$3/err" ||
		fail "exit $?: $(cat "$3/err")"
}
check() { # $1 output dir, $2 python assertions over: files (name -> fileinfo), stored (sha -> bytes), want
	python3 - "$1" "$TMP/want.json" "$2" <<'PY' || fail "$1: $(tail -c 600 "$1/err")"
import glob, hashlib, json, os, sys
d, want = sys.argv[1], json.load(open(sys.argv[2]))
ev = [json.loads(l) for l in open(d + "/eve.json")]
files = {e["fileinfo"]["filename"]: e["fileinfo"] for e in ev if e["event_type"] == "fileinfo"}
stored = {}
for p in glob.glob(d + "/fs/[0-9a-f][0-9a-f]/*"):
    if p.endswith(".json"):
        continue
    name = os.path.basename(p)
    assert os.path.basename(os.path.dirname(p)) == name[:2], p
    b = open(p, "rb").read()
    assert hashlib.sha256(b).hexdigest() == name, ("content is not its name", p)
    stored[name] = b
metas = [json.load(open(p)) for p in glob.glob(d + "/fs/*/*.json")]
assert not os.listdir(d + "/fs/tmp"), ("spool left", os.listdir(d + "/fs/tmp"))
exec(sys.argv[3])
PY
}

# 1. force-filestore: every file, whole, by its SHA-256, with side files
conf yes "" ""
run "$TMP/f.pcap" "" "$TMP/o1"
check "$TMP/o1" '
for n in ("/get/report.bin", "up.txt", "pub/big.bin"):
    fi = files[n]
    assert fi["stored"] is True and fi["file_id"] > 0 and fi["state"] == "CLOSED", fi
    assert want[n] in stored, (n, sorted(stored))
    assert fi["sha256"] == want[n], fi
assert len(stored) == 4, sorted(stored)  # with the 2-byte answer to the upload
ids = sorted(e["file_id"] for e in files.values())
assert len(set(ids)) == 4, ids
assert sorted(m["fileinfo"]["filename"] for m in metas) == ["/get/report.bin", "/upload", "pub/big.bin", "up.txt"], metas
assert all(m["fileinfo"]["stored"] is True for m in metas), metas
'
grep -q "file-store: 4 files stored" "$TMP/o1/err" || fail "no file-store line: $(cat "$TMP/o1/err")"

# 2. the keyword: the response of the matching transaction only; the
# others are hashed (file-store names files by SHA-256) but not stored
conf no "" ""
run "$TMP/f.pcap" 'alert http any any -> any any (http.uri; content:"/get/"; filestore:response,tx; sid:1;)' "$TMP/o2"
check "$TMP/o2" '
assert files["/get/report.bin"]["stored"] is True, files["/get/report.bin"]
assert files["up.txt"]["stored"] is False and "file_id" not in files["up.txt"], files["up.txt"]
assert files["pub/big.bin"]["stored"] is False, files["pub/big.bin"]
assert files["up.txt"]["sha256"] == want["up.txt"]
assert sorted(stored) == [want["/get/report.bin"]], sorted(stored)
'
# ... and a request-direction rule stores the upload, not the download
run "$TMP/f.pcap" 'alert http any any -> any any (filestore:request,flow; sid:1;)' "$TMP/o3"
check "$TMP/o3" '
assert files["up.txt"]["stored"] is True and files["/get/report.bin"]["stored"] is False, files
assert sorted(stored) == [want["up.txt"]], sorted(stored)
'
# ... a rule on ftp-data stores its file
run "$TMP/f.pcap" 'alert ftp-data any any -> any any (filestore; sid:1;)' "$TMP/o4"
check "$TMP/o4" '
assert files["pub/big.bin"]["stored"] is True and files["/get/report.bin"]["stored"] is False, files
assert sorted(stored) == [want["pub/big.bin"]], sorted(stored)
'

# 3. file-store stream-depth 10500 (1000-byte segments): the file is cut
# at 10000, TRUNCATED, and what was seen is stored
conf yes "      stream-depth: 10500" "stream:
  reassembly:
    depth: 0"
run "$TMP/f.pcap" "" "$TMP/o5"
check "$TMP/o5" '
fi = files["pub/big.bin"]
assert fi["state"] == "TRUNCATED" and fi["size"] == 10000 and fi["stored"] is True, fi
assert want["cut"] in stored and len(stored[want["cut"]]) == 10000, sorted(stored)
assert files["/get/report.bin"]["state"] == "CLOSED" and files["/get/report.bin"]["stored"] is True
'
# a file ending exactly at the depth is whole
conf yes "      stream-depth: 10000" "stream:
  reassembly:
    depth: 0"
run "$TMP/exact.pcap" "" "$TMP/o6"
check "$TMP/o6" '
fi = files["pub/big.bin"]
assert fi["state"] == "CLOSED" and fi["size"] == 10000 and fi["sha256"] == want["cut"], fi
assert want["cut"] in stored
'
# one byte more than the depth: truncated at the last whole segment
run "$TMP/f.pcap" "" "$TMP/o7"
check "$TMP/o7" '
fi = files["pub/big.bin"]
assert fi["state"] == "TRUNCATED" and fi["size"] == 10000, fi
'
# 4. a version other than 2 is refused, with a message
cat >"$TMP/c.yaml" <<'Y'
outputs:
  - eve-log:
      enabled: yes
      types: [files]
  - file-store:
      version: 1
      enabled: yes
      force-filestore: yes
Y
mkdir -p "$TMP/o8"
"$VIGIL_BIN" -k none -r "$TMP/f.pcap" -l "$TMP/o8" -c "$TMP/c.yaml" 2>"$TMP/o8/err" || fail "exit $?"
grep -q "only version 2" "$TMP/o8/err" || fail "no message for version 1: $(cat "$TMP/o8/err")"
[ ! -d "$TMP/o8/filestore" ] || fail "version 1 stored files"
echo ok
