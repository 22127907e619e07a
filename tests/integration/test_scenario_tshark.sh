#!/usr/bin/env bash
# Every scenario `vigil scenario write` knows must dissect cleanly in
# Wireshark's tshark: no malformed frame, no expert warning or error (bad
# checksums included, reassembled UDP datagrams too),
# except what a scenario writes on purpose (the sample's one bogus IPv4
# header; TCP resets answering scans and floods).  Also checks that the
# protocol dissectors actually ran (a payload shown as raw "data" would
# hide a broken message), that the ground truth is valid JSON with at
# least one malicious step per attack scenario, and that the same seed
# gives the same bytes.  Skips when tshark is not installed.
source "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null 2>&1 || skip "tshark not installed: generated captures not dissector-checked"

# Decode-as for ports whose dissectors are not on by default, and checksum
# validation (off by default in tshark) so a bad IP/TCP/UDP sum is an error.
DECODE=(-d tcp.port==2575,hl7 -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE
	-o udp.check_checksum:TRUE)

declare -A NEED=(
	[sample]="dns http icmp icmpv6 ipv6"
	[hospital-ransomware]="http tls smb2 ntlmssp rdp hl7 dicom dns"
	[hospital-ransomware-novel]="smb2 ntlmssp dcerpc hl7 dicom"
	[grid-manipulation]="modbus dnp3 iec60870_asdu"
	[crypto-theft]="tls http dns"
	[emergency-ddos]="sip dns tls"
)

names=$("$VIGIL_BIN" scenario list | awk '{print $1}')
[ -n "$names" ] || fail "vigil scenario list printed nothing"
for name in $names; do
	pcap="$TMP/$name.pcap"
	"$VIGIL_BIN" scenario write "$name" -o "$pcap" --seed 7 >/dev/null || fail "$name: write failed"
	"$VIGIL_BIN" scenario write "$name" -o "$TMP/again.pcap" --seed 7 >/dev/null
	cmp -s "$pcap" "$TMP/again.pcap" || fail "$name: same seed gave different bytes"
	python3 - "$TMP/$name.truth.json" "$name" <<'PY' || fail "$name: bad ground truth"
import json, sys
t = json.load(open(sys.argv[1]))
steps = t["steps"]
assert t["scenario"] == sys.argv[2] and steps, "no steps"
for s in steps:
    assert s["packets"] > 0 and s["start_us"] <= s["end_us"], s["id"]
    assert s["flows"], s["id"]
    if s["malicious"]:
        assert s["technique"].startswith("T"), s["id"]
if sys.argv[2] != "sample":
    assert any(s["malicious"] for s in steps), "no malicious step"
    assert any(not s["malicious"] for s in steps), "no benign step"
PY
	tshark -r "$pcap" "${DECODE[@]}" -T fields -E separator='|' -E aggregator='^' \
		-e frame.number -e frame.protocols -e _ws.expert.severity -e _ws.expert.message \
		-e _ws.malformed >"$TMP/$name.fields" 2>"$TMP/$name.err" ||
		fail "$name: tshark failed: $(head -3 "$TMP/$name.err")"
	python3 - "$TMP/$name.fields" "$name" "${NEED[$name]:-}" <<'PY' || fail "$name: tshark reports problems"
import sys
path, name, need = sys.argv[1], sys.argv[2], sys.argv[3].split()
WARN = 0x600000
# Expected by design: resets answering a scan / SYN flood, and the sample's bad IHL.
allowed = ["Connection reset (RST)"]
if name == "sample":
    allowed.append("Bogus IP header length")
protos, bad, frames, deliberate = set(), [], 0, 0
for line in open(path, encoding="utf-8", errors="replace"):
    f = line.rstrip("\n").split("|")
    if len(f) < 5:
        continue
    frames += 1
    protos.update(f[1].split(":"))
    if f[4]:
        bad.append((f[0], "malformed"))
    sev = [int(s, 0) for s in f[2].split("^") if s]
    msg = f[3].split("^") if f[3] else []
    for s, m in zip(sev, msg):
        if s < WARN:
            continue
        if any(m.startswith(a) for a in allowed):
            deliberate += m.startswith("Bogus IP header length")
            continue
        bad.append((f[0], m))
if name == "sample" and deliberate != 1:
    bad.append(("-", "expected exactly one deliberately malformed IPv4 header, saw %d" % deliberate))
missing = [p for p in need if p not in protos]
if missing:
    bad.append(("-", "dissectors never ran: " + ", ".join(missing)))
for b in bad[:20]:
    print("  frame %s: %s" % b)
print("%s: %d frames, %d problems" % (name, frames, len(bad)))
sys.exit(1 if bad else 0)
PY
done

# The hospital's C2 beacon must carry the published Cobalt Strike fingerprints:
# JA3 72a589da... (WinINet/SChannel) and JA3S fd4bc6ce... (team server).
tshark -r "$TMP/hospital-ransomware.pcap" -Y 'tls.handshake.type==1 || tls.handshake.type==2' \
	-T fields -E separator=';' -e ip.dst -e tls.handshake.type -e tls.handshake.version \
	-e tls.handshake.ciphersuite -e tls.handshake.extension.type \
	-e tls.handshake.extensions_supported_group -e tls.handshake.extensions_ec_point_format \
	>"$TMP/hello.fields" 2>/dev/null
python3 - "$TMP/hello.fields" <<'PY' || fail "beacon JA3/JA3S not the expected Cobalt Strike fingerprints"
import hashlib, sys
dec = lambda s: "-".join(str(int(x, 0)) for x in s.split(",") if x)
ja3, ja3s = set(), set()
for line in open(sys.argv[1]):
    ip, typ, ver, suites, exts, groups, fmts = line.rstrip("\n").split(";")
    if "1" in typ.split(","):
        ja3.add(hashlib.md5(("%d,%s,%s,%s,%s" % (int(ver, 0), dec(suites), dec(exts), dec(groups), dec(fmts))).encode()).hexdigest())
    if "2" in typ.split(","):
        ja3s.add(hashlib.md5(("%d,%s,%s" % (int(ver, 0), dec(suites), dec(exts))).encode()).hexdigest())
ok = "72a589da586844d7f0818ce684948eea" in ja3 and "fd4bc6cea4877646ccd62f0792ec0b62" in ja3s
print("JA3s seen:", sorted(ja3), "JA3Ss seen:", sorted(ja3s))
sys.exit(0 if ok else 1)
PY
echo "all scenarios dissect cleanly"
