# vigil's EVE hl7 and dicom events against tshark's dissection of the same
# captures: the hospital scenarios (three seeds, both variants) and any HL7/DICOM capture
# under ../shared.  Compared, where both produce them:
#   hl7:   per message (by flow and MSH-10): message code, trigger event,
#          segment names;
#   dicom: per association: called/calling AE, abstract and transfer
#          syntaxes, max PDU length, implementation class UID and version;
#          per DIMSE command (by flow, command field, message id): SOP
#          class, SOP instance, status.
# Fails below 99% agreement per protocol; prints the agreement.  Skips
# without tshark or ../shared.
. "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || skip "SKIP: no tshark"
SHARED=${SHARED:-$(dirname "$0")/../../../shared}
[ -d "$SHARED" ] || skip "SKIP: no ../shared"
i=0
for seed in 1 2; do
	"$VIGIL_BIN" scenario write hospital-ransomware --seed $seed -o "$TMP/h$seed.pcap" >/dev/null ||
		fail "scenario write"
done
"$VIGIL_BIN" scenario write hospital-ransomware-novel --seed 3 -o "$TMP/novel.pcap" >/dev/null ||
	fail "scenario write"
while IFS= read -r f; do
	i=$((i + 1))
	cp "$f" "$TMP/shared$i.pcap"
done < <(find "$SHARED" \( -iname '*dicom*.pcap*' -o -iname '*hl7*.pcap*' \) -type f 2>/dev/null)
for p in "$TMP"/*.pcap; do
	n=$(basename "$p" .pcap)
	mkdir -p "$TMP/$n"
	"$VIGIL_BIN" -r "$p" -l "$TMP/$n" --no-progress 2>"$TMP/$n/err" || fail "vigil on $n: $(cat "$TMP/$n/err")"
	tshark -r "$p" -d tcp.port==2575,hl7 -d tcp.port==11112,dicom -d tcp.port==104,dicom \
		-Y hl7 -T fields -E separator=$'\x1f' -E occurrence=a -E aggregator=$'\x1e' \
		-e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport -e hl7.message.type -e hl7.event.type \
		-e hl7.segment >"$TMP/$n/hl7.tsv" 2>/dev/null || fail "tshark hl7 on $n"
	tshark -r "$p" -d tcp.port==2575,hl7 -d tcp.port==11112,dicom -d tcp.port==104,dicom \
		-o dicom.tag_tree:TRUE -Y dicom -T fields -E separator=$'\x1f' -E occurrence=a \
		-E aggregator=$'\x1e' -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport \
		-e dicom.pdu.type -e dicom.assoc.ae.called -e dicom.assoc.ae.calling \
		-e dicom.pctx.abss.syntax -e dicom.pctx.xfer.syntax -e dicom.max_pdu_len \
		-e dicom.userinfo.uid -e dicom.userinfo.version -e dicom.tag \
		-e dicom.tag.value.16u -e dicom.tag.value.str >"$TMP/$n/dicom.tsv" 2>/dev/null ||
		fail "tshark dicom on $n"
done
python3 - "$TMP" <<'PY' || fail "agreement below 99%"
import glob, json, os, re, sys

tmp = sys.argv[1]
score = {"hl7": [0, 0], "dicom": [0, 0]}
bad = {"hl7": [], "dicom": []}

def cmp(proto, what, a, b):
    score[proto][1] += 1
    if a == b:
        score[proto][0] += 1
    elif len(bad[proto]) < 10:
        bad[proto].append((what, a, b))

def flow(a, ap, b, bp):
    return tuple(sorted([(a, int(ap)), (b, int(bp))]))

def uid(s):  # tshark: "Name (1.2.3)" or "1.2.3 (Name)" or "Name: more (1.2.3)"
    m = re.search(r"\(([0-9.]+)\)\s*$", s)
    if m:
        return m.group(1)
    return s.split(" ")[0].strip()

for d in sorted(glob.glob(os.path.join(tmp, "*/"))):
    eve = [json.loads(l) for l in open(os.path.join(d, "eve.json"))]
    # ---- hl7: messages by (flow, control id)
    vig = {}
    for e in eve:
        if e["event_type"] != "hl7":
            continue
        f = flow(e["src_ip"], e["src_port"], e["dest_ip"], e["dest_port"])
        for side in ("request", "response"):
            m = e["hl7"].get(side)
            if m and "control_id" in m:
                vig[(f, m["control_id"])] = m
    for line in open(os.path.join(d, "hl7.tsv")):
        c = line.rstrip("\n").split("\x1f")
        if len(c) < 7:
            continue
        f = flow(*c[:4])
        segs = [s for s in c[6].split("\x1e") if s]
        msh = next((s for s in segs if s.startswith("MSH")), None)
        if msh is None or len(msh) < 4:
            continue
        fields = msh.split(msh[3])
        ctl = fields[9] if len(fields) > 9 else None
        m = vig.get((f, ctl))
        cmp("hl7", "message found", m is not None, True)
        if m is None:
            continue
        cmp("hl7", "message code", m.get("message_code"), c[4].split("\x1e")[0] or None)
        cmp("hl7", "trigger event", m.get("trigger_event"), c[5].split("\x1e")[0] or None)
        cmp("hl7", "segments", m.get("segments"), [s[:3] for s in segs])
    # ---- dicom
    assoc, dimse = {}, {}
    for e in eve:
        if e["event_type"] != "dicom":
            continue
        f = flow(e["src_ip"], e["src_port"], e["dest_ip"], e["dest_port"])
        o = e["dicom"]
        if o["type"] == "association":
            assoc[f] = o
        elif o["type"] == "dimse":
            for side in ("request", "response"):
                s = o.get(side)
                if s:
                    dimse[(f, s["command_field"], o["message_id"])] = (o, s)
    us_tags = {0x0100, 0x0110, 0x0120, 0x0700, 0x0800, 0x0900, 0x1020, 0x1021, 0x1022, 0x1023}
    str_tags = {0x0002, 0x0003, 0x0600, 0x1000, 0x1001}
    for line in open(os.path.join(d, "dicom.tsv")):
        c = line.rstrip("\n").split("\x1f")
        if len(c) < 15:
            continue
        f = flow(*c[:4])
        types = c[4].split("\x1e")
        if "0x01" in types or "0x02" in types:
            a = assoc.get(f)
            cmp("dicom", "association found", a is not None, True)
            if a is None:
                continue
            rq = "0x01" in types
            if rq:
                cmp("dicom", "called_ae", a.get("called_ae"), c[5].strip() or None)
                cmp("dicom", "calling_ae", a.get("calling_ae"), c[6].strip() or None)
                abss = [uid(x) for x in c[7].split("\x1e") if x]
                cmp("dicom", "abstract syntaxes",
                    [p.get("abstract_syntax") for p in a.get("presentation_contexts", [])], abss)
                ts = [uid(x) for x in c[8].split("\x1e") if x]
                cmp("dicom", "transfer syntaxes",
                    [t for p in a.get("presentation_contexts", []) for t in p.get("transfer_syntaxes", [])], ts)
            else:
                ts = [uid(x) for x in c[8].split("\x1e") if x]
                cmp("dicom", "accepted transfer syntaxes",
                    [p.get("transfer_syntax") for p in a.get("presentation_contexts", []) if "result" in p], ts)
            u = a.get("request" if rq else "response", {})
            if c[9]:
                cmp("dicom", "max_pdu_length", u.get("max_pdu_length"), int(c[9].split("\x1e")[0]))
            if c[10]:
                cmp("dicom", "implementation_class_uid", u.get("implementation_class_uid"), c[10].split("\x1e")[0])
            if c[11]:
                cmp("dicom", "implementation_version", u.get("implementation_version"), c[11].split("\x1e")[0])
        if c[12]:
            tags = [int(t, 16) & 0xffff for t in c[12].split("\x1e") if t]
            groups = [int(t, 16) >> 16 for t in c[12].split("\x1e") if t]
            if any(g != 0 for g in groups):
                continue  # a data set, not a command
            u16 = [int(x) for x in c[13].split("\x1e") if x]
            strs = [x for x in c[14].split("\x1e") if x]
            vals = {}
            for t in tags:
                if t in us_tags and u16:
                    vals[t] = u16.pop(0)
                elif t in str_tags and strs:
                    vals[t] = uid(strs.pop(0)) if t != 0x0600 else strs.pop(0).strip()
            field = vals.get(0x0100)
            mid = vals.get(0x0120 if field is not None and field & 0x8000 else 0x0110)
            if field is None or field == 0x0FFF:
                continue
            hit = dimse.get((f, field, mid))
            cmp("dicom", "command found", hit is not None, True)
            if hit is None:
                continue
            o, s = hit
            if 0x0002 in vals or 0x0003 in vals:
                cmp("dicom", "sop_class", o.get("sop_class"), vals.get(0x0002, vals.get(0x0003)))
            if 0x1000 in vals or 0x1001 in vals:
                cmp("dicom", "sop_instance", o.get("sop_instance"), vals.get(0x1000, vals.get(0x1001)))
            if 0x0900 in vals:
                cmp("dicom", "status", s.get("status"), vals[0x0900])

ok = True
for proto, (good, total) in score.items():
    pct = 100.0 * good / total if total else 0.0
    print(f"{proto}: {good}/{total} fields agree ({pct:.2f}%)")
    for b in bad[proto]:
        print("  differs:", b)
    if total == 0 or pct < 99.0:
        ok = False
sys.exit(0 if ok else 1)
PY
echo "PASS: hl7/dicom agree with tshark"
