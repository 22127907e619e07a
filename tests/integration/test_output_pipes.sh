# EVE output and EVE import on things that are not regular files, and on
# endless input: a pipe as eve.json (a reader process; vigil exits within
# a bound, every event reaches the reader, the store is skipped with a
# message), a reader that goes away (losses counted, exit 3), /dev/full and
# a 100 MB line without newline given to `vigil import eve` (bounded time
# and memory), and a capture libpcap refuses after its header.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
make_sample "$TMP/s.pcap"
mkdir "$TMP/ref"
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP/ref" 2>"$TMP/err" || fail "reference run: $(cat "$TMP/err")"
total=$(wc -l <"$TMP/ref/eve.json")

# 1. /dev/stdout piped to a reader.
mkdir "$TMP/p"
set +e
timeout 60 bash -c '"$1" -r "$2" -l "$3" --no-progress --set outputs.1.eve-log.filename=/dev/stdout 2>"$4" | cat >"$5"; exit ${PIPESTATUS[0]}' \
	_ "$VIGIL_BIN" "$TMP/s.pcap" "$TMP/p" "$TMP/err" "$TMP/p/read.json"
rc=$?
set -e
[ $rc -ne 124 ] || fail "vigil did not exit with a pipe as EVE output"
[ $rc -eq 0 ] || fail "pipe output: exit $rc: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/p/read.json")" -eq "$total" ] || fail "the reader got $(wc -l <"$TMP/p/read.json") of $total events"
grep -q "/dev/stdout is not a regular file.*event store is not updated" "$TMP/err" || fail "store skip not reported: $(cat "$TMP/err")"
python3 "$HERE/check_losses.py" "$TMP/p/read.json" "$TMP/err" --expect-none >/dev/null || fail "pipe summary: $(cat "$TMP/err")"

# 2. A FIFO whose reader reads one line and leaves: the rest is lost, not hung.
"$VIGIL_BIN" scenario write emergency-ddos -o "$TMP/ddos.pcap" --seed 1 >/dev/null
mkfifo "$TMP/fifo"
(head -n 1 "$TMP/fifo" >"$TMP/one.json") &
set +e
timeout 60 "$VIGIL_BIN" -r "$TMP/ddos.pcap" -l "$TMP/p" --no-progress --set outputs.1.eve-log.filename="$TMP/fifo" 2>"$TMP/err"
rc=$?
set -e
wait
[ $rc -eq 3 ] || fail "reader gone: exit $rc, expected 3: $(cat "$TMP/err")"
grep -q "fifo: write failed: Broken pipe" "$TMP/err" || fail "broken pipe not reported: $(cat "$TMP/err")"
grep -q "summary:.* [1-9][0-9]* lost;" "$TMP/err" || fail "losses not counted: $(cat "$TMP/err")"

# 3. vigil import eve on /dev/full (endless zeros): refused, at once.
set +e
timeout 20 "$VIGIL_BIN" import eve /dev/full --db "$TMP/a.db" >/dev/null 2>"$TMP/err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "/dev/full: exit $rc (124 = no end): $(cat "$TMP/err")"
grep -q "/dev/full: not a regular file (a character device)" "$TMP/err" || fail "/dev/full: $(cat "$TMP/err")"

# 4. A 100 MB line without newline after one good event: the event is
# stored, the line counted and skipped, peak RSS bounded.
python3 - "$TMP/ref/eve.json" "$TMP/long.json" <<'PY'
import sys
good = [l for l in open(sys.argv[1]) if '"event_type":"flow"' in l][0]
with open(sys.argv[2], "w") as f:
    f.write(good)
    chunk = "x" * (1 << 20)
    for _ in range(100):
        f.write(chunk)
PY
python3 - "$VIGIL_BIN" "$TMP/long.json" "$TMP/b.db" "$TMP/err" <<'PY' || fail "100 MB line: $(cat "$TMP/err")"
import resource, subprocess, sys
# AddressSanitizer's shadow memory and quarantine make RSS meaningless.
asan = b"__asan_init" in open(sys.argv[1], "rb").read()
vigil, eve, db, err = sys.argv[1:]
with open(err, "w") as e:
    p = subprocess.run([vigil, "import", "eve", eve, "--db", db], stdout=subprocess.PIPE,
                       stderr=e, timeout=120, text=True)
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("import of a 100 MB line: peak RSS %.0f MB, exit %d: %s" % (rss_mb, p.returncode, p.stdout.strip()))
if p.returncode != 0:
    sys.exit("exit %d" % p.returncode)
if rss_mb > 64 and not asan:
    sys.exit("peak RSS %.0f MB over 64 MB" % rss_mb)
if "1 flows stored" not in p.stdout or "1 malformed" not in p.stdout:
    sys.exit("counts: " + p.stdout)
if "longer than 16777216 bytes" not in open(err).read():
    sys.exit("the long line is not reported")
PY

# 5. A pcapng whose interfaces differ in snap length (libpcap refuses it
# after the header) and one with no packets: each named with the reason.
python3 - "$TMP/snap.pcapng" "$TMP/empty.pcapng" <<'PY'
import struct, sys
def blk(t, body):
    body += b"\0" * ((-len(body)) % 4)
    return struct.pack("<II", t, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
shb = blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
idb = lambda snap: blk(1, struct.pack("<HHI", 1, 0, snap))
epb = lambda i: blk(6, struct.pack("<IIIII", i, 0, 0, 60, 60) + bytes(60))
open(sys.argv[1], "wb").write(shb + idb(65535) + idb(1500) + epb(0) + epb(1))
open(sys.argv[2], "wb").write(shb + idb(65535))
PY
"$VIGIL_BIN" -r "$TMP/snap.pcapng" -l "$TMP/p" 2>"$TMP/err" || true
grep -q "snap.pcapng: libpcap refused the capture after its header: .*snapshot length" "$TMP/err" || fail "snap lengths: $(cat "$TMP/err")"
grep -q "summary: 1 of 1 captures read (0 unreadable or unsupported, 1 without packets" "$TMP/err" || fail "summary: $(cat "$TMP/err")"
"$VIGIL_BIN" -r "$TMP/empty.pcapng" -l "$TMP/p" 2>"$TMP/err" || true
grep -q "empty.pcapng: the capture holds no packets" "$TMP/err" || fail "empty capture: $(cat "$TMP/err")"
echo ok
