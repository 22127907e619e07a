# Truncated captures, unsupported link types and directories: each file is
# processed or rejected with a message naming it; the run goes on.
. "$(dirname "$0")/lib.sh"
make_sample "$TMP/s.pcap"
n=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1]))" "$TMP/s.pcap")
head -c $((n - 7)) "$TMP/s.pcap" >"$TMP/cut.pcap"
"$VIGIL_BIN" -r "$TMP/cut.pcap" -l "$TMP" 2>"$TMP/err" || fail "truncated file should not be fatal"
grep -q "cut.pcap" "$TMP/err" || fail "truncation message does not name the file: $(cat "$TMP/err")"
grep -q "after packet [0-9]" "$TMP/err" || fail "truncation message lacks the packet number"
[ "$(count_events "$TMP/eve.json" 'e["event_type"]=="flow"')" -gt 0 ] || fail "packets before the cut were lost"

# A pcap with link type 147 (USER0), which nothing decodes.
python3 - "$TMP/user0.pcap" <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 147))
    f.write(struct.pack("<IIII", 1, 0, 4, 4) + b"abcd")
PY
set +e
timeout 20 "$VIGIL_BIN" -r "$TMP/user0.pcap" -l "$TMP" 2>"$TMP/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "unsupported link type alone: exit $rc (124 = hang)"
grep -q "user0.pcap: unsupported link type 147" "$TMP/err" || fail "link type message: $(cat "$TMP/err")"

# A directory: read in name order, pcap_cnt continues across files, a bad
# file in the middle is skipped with a message.
mkdir "$TMP/dir"
cp "$TMP/s.pcap" "$TMP/dir/a.pcap"
cp "$TMP/user0.pcap" "$TMP/dir/b.pcap"
cp "$TMP/s.pcap" "$TMP/dir/c.pcap"
mkdir "$TMP/out"
"$VIGIL_BIN" -r "$TMP/dir" -l "$TMP/out" 2>"$TMP/err" || fail "directory run"
grep -q "b.pcap: unsupported link type" "$TMP/err" || fail "bad file in directory not named"
pk=$(python3 -c "
import json,sys
print(max(json.loads(l)['stats']['decoder']['pkts'] for l in open(sys.argv[1]) if '\"stats\"' in l))" "$TMP/out/eve.json")
one=$(python3 -c "
import struct,sys
d=open(sys.argv[1],'rb').read(); o=24; n=0
while o+16<=len(d):
    cl=struct.unpack('<I',d[o+8:o+12])[0]; o+=16+cl; n+=1
print(n)" "$TMP/s.pcap")
[ "$pk" -eq $((2 * one)) ] || fail "directory: $pk packets, want $((2 * one))"
echo ok
