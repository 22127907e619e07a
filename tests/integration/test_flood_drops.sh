# Floods against small memory caps: a SYN flood (vigil's own scenario
# crafting) and an out-of-order segment flood (written here) report their
# drops in the run summary on stderr, with the same numbers the stats
# event holds, and peak RSS stays bounded.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
# peak_run OUT LIMIT_MB ARGS...: runs vigil, prints peak RSS in MB; fails over LIMIT_MB
peak_run() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys
# AddressSanitizer's shadow memory and quarantine make RSS meaningless.
asan = b"__asan_init" in open(sys.argv[3], "rb").read()
out, limit, args = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
with open(out, "w") as e:
    p = subprocess.run(args, stderr=e, timeout=300)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("%.0f" % rss)
if p.returncode != 0:
    sys.exit("exit %d" % p.returncode)
if rss > limit and not asan:
    sys.exit("peak RSS %.0f MB over %.0f MB" % (rss, limit))
PY
}
# stat_of EVE PATH: a counter of the last stats event (dotted path)
stat_of() {
	python3 - "$1" "$2" <<'PY'
import json, sys
last = None
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["event_type"] == "stats":
        last = e
v = last["stats"]
for k in sys.argv[2].split("."):
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)
PY
}

# SYN flood: ~15,000 half-open sessions against a 256 KiB stream.memcap.
"$VIGIL_BIN" scenario write emergency-ddos -o "$TMP/syn.pcap" --seed 1 >/dev/null
mkdir "$TMP/a"
rss=$(peak_run "$TMP/err" 80 "$VIGIL_BIN" -r "$TMP/syn.pcap" -l "$TMP/a" --no-progress \
	--set stream.memcap=256kb --set stats.null-values=yes) || fail "SYN flood run: $rss $(cat "$TMP/err")"
echo "SYN flood: peak RSS $rss MB"
want=$(stat_of "$TMP/a/eve.json" tcp.ssn_memcap_drop)
[ "$want" -gt 0 ] || fail "the flood dropped no session at a 256 KiB stream.memcap"
grep -q "summary: .*dropped at caps: .* $want sessions (stream.memcap)" "$TMP/err" ||
	fail "summary does not report the $want dropped sessions: $(cat "$TMP/err")"
python3 "$HERE/check_losses.py" "$TMP/a/eve.json" "$TMP/err" --expect-none >/dev/null || fail "SYN flood summary: $(cat "$TMP/err")"

# Out-of-order flood: 1,000 connections whose first data segment never
# comes; 40 later segments each (40 MB) wait for it against a 1 MiB
# reassembly cap.
python3 - "$TMP/ooo.pcap" <<PY
import sys
sys.path.insert(0, "$HERE")
import craft
c, s = "10.1.0.1", "10.1.0.2"
p = []
for k in range(1000):
    sp = 20000 + k
    p += [craft.tcp(c, s, sp, 80, "S", seq=100), craft.tcp(s, c, 80, sp, "SA", seq=500, ack=101),
          craft.tcp(c, s, sp, 80, "A", seq=101, ack=501)]
    for i in range(40):
        p.append(craft.tcp(c, s, sp, 80, "PA", seq=101 + 1000 + i * 1000, ack=501, data=b"x" * 1000))
craft.write(sys.argv[1], p)
PY
mkdir "$TMP/b"
rss=$(peak_run "$TMP/err" 80 "$VIGIL_BIN" -r "$TMP/ooo.pcap" -l "$TMP/b" --no-progress \
	--set stream.reassembly.memcap=1mb) || fail "out-of-order flood run: $rss $(cat "$TMP/err")"
echo "out-of-order flood: peak RSS $rss MB"
seg=$(stat_of "$TMP/b/eve.json" tcp.segment_memcap_drop)
lim=$(stat_of "$TMP/b/eve.json" tcp.segment_limit_drop)
[ $((seg + lim)) -gt 0 ] || fail "the flood dropped no segment"
grep -q "summary: .* $seg segments (stream.reassembly.memcap), $lim segments (per-stream segment limit)" "$TMP/err" ||
	fail "summary does not report $seg + $lim dropped segments: $(cat "$TMP/err")"
echo ok
