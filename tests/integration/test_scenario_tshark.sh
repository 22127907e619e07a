#!/usr/bin/env bash
# Every scenario `vigil scenario write` knows must dissect cleanly in
# Wireshark's tshark: no malformed frame, no expert warning or error,
# except what a scenario writes on purpose (the sample's one bogus IPv4
# header; TCP resets answering scans and floods).  Also checks that the
# protocol dissectors actually ran (a payload shown as raw "data" would
# hide a broken message), that the ground truth is valid JSON with at
# least one malicious step per attack scenario, and that the same seed
# gives the same bytes.  Skips when tshark is not installed.
source "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null 2>&1 || skip "tshark not installed: generated captures not dissector-checked"

# Decode-as for ports whose dissectors are not on by default.
DECODE=(-d tcp.port==2575,hl7)

declare -A NEED=(
	[sample]="dns http icmp icmpv6 ipv6"
	[hospital-ransomware]="http tls smb2 ntlmssp rdp hl7 dicom dns"
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
echo "all scenarios dissect cleanly"
